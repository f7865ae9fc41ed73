"""Shared fixtures. Every test runs with its own PHOTOVET_HOME, offscreen Qt, and no network."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# ../shared/data beside the checkout; PHOTOVET_SHARED_DATA points elsewhere (a git worktree
# one level deeper than the main checkout, for example)
SHARED = Path(os.environ.get("PHOTOVET_SHARED_DATA")
              or Path(__file__).resolve().parents[1].parent / "shared" / "data")


def shared_data(sub: str = "") -> Path:
    """Path into ../shared/data, or skip the test with a clear reason when it is absent."""
    path = SHARED / sub if sub else SHARED
    if not path.exists():
        pytest.skip(f"../shared/data/{sub} is not present (evaluation data lives beside the repo)")
    return path


@pytest.fixture(autouse=True)
def photovet_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("photovet-home")
    monkeypatch.setenv("PHOTOVET_HOME", str(home))
    return home


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens an internet or unix socket connection."""

    def guard(*args, **kwargs):
        raise NetworkUsed(f"a network socket was opened: {args!r}")

    real_socket = socket.socket

    class GuardedSocket(real_socket):
        def connect(self, *a, **k):
            guard(*a)

        def connect_ex(self, *a, **k):
            guard(*a)

        def sendto(self, *a, **k):
            guard(*a)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection", guard)
    monkeypatch.setattr(socket, "getaddrinfo", guard)
    yield
