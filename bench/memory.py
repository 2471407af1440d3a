"""Resident memory of gunicorn's worker(s), from /proc/<pid>/status.

VmHWM is the kernel's own peak of VmRSS for the process, so a spike between two polls is
not missed; polling VmRSS as well shows it agrees.
"""

import threading
from pathlib import Path


def workers(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def status_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


class WorkerMemory:
    """`with WorkerMemory(gunicorn.pid) as memory:` … then memory.peak_mb()."""

    def __init__(self, master_pid, interval=0.2):
        self.master_pid, self.interval = master_pid, interval
        self.max_rss_kb = self.max_hwm_kb = 0
        self.stopping = threading.Event()

    def poll(self):
        for pid in workers(self.master_pid):
            self.max_rss_kb = max(self.max_rss_kb, status_kb(pid, "VmRSS") or 0)
            self.max_hwm_kb = max(self.max_hwm_kb, status_kb(pid, "VmHWM") or 0)

    def run(self):
        while not self.stopping.wait(self.interval):
            self.poll()

    def __enter__(self):
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.poll()
        self.stopping.set()
        self.thread.join()

    def peak_mb(self):
        return {"vmhwm_mb": self.max_hwm_kb / 1024, "max_polled_vmrss_mb": self.max_rss_kb / 1024}
