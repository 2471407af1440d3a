"""A real redis-server of a test's own, on a free loopback port, that the test stops and starts
again (the cache's failure modes cannot be tested against a mock)."""

import shutil
import socket
import subprocess
import time

import pytest
import redis

MISSING = (
    "redis-server is not installed (Debian package redis-server): the tests of a Redis that "
    "stops need a real one. `make test` installs it (scripts/system-packages test)."
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, executable):
        self.executable = executable
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def keys(self):
        return redis.Redis(port=self.port).dbsize()


@pytest.fixture
def redis_server():
    """A running redis-server of this test's own, killed afterwards."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail(MISSING)
    server = RedisServer(executable)
    server.start()
    yield server
    server.stop()
