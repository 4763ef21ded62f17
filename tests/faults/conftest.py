"""A Redis server of the test's own, so a fault test can stop it without touching the shared one on 6379."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kombu import pools as kombu_pools

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrivateRedis:
    """redis-server on a loopback port, without persistence: a restart comes back empty, as after a crash."""

    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to the connected clients, like a crashed or unplugged server."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(port=free_port(), workdir=tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def celery_broker(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Point the web side's Celery app (and workers started afterwards) at another broker for one test.

    The app caches its producer pools per broker, so they are dropped when switching and again when restoring.
    """
    from workbench.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options

    def reset_pools() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        # kombu also keeps producer pools in a registry of its own, keyed by broker: one holding the connections
        # closed above would make every later publish fail with "Acquire on closed pool".
        kombu_pools.reset()

    def use(url: str) -> None:
        reset_pools()
        app.conf.broker_url = url
        app.conf.broker_transport_options = {"visibility_timeout": 3600}
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # read by start_celery_worker's child process

    yield use
    reset_pools()
    app.conf.broker_url, app.conf.broker_transport_options = saved
