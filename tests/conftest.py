import shutil

import pytest

from timeline.dataset import load_dataset


@pytest.fixture
def dataset(db):
    """The shipped France–Russia dataset, loaded through the same loader `make run` uses."""
    return load_dataset()


# Browser tests: Playwright drives Debian's chromium (Playwright's own browser download
# cannot run on these machines). The flags keep it from calling home on a closed network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}
