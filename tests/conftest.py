"""Shared fixtures. Every test runs with its own PHOTOVET_HOME, offscreen Qt, and no network."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


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
    # this PC's key store: a folder of 0600 files per test (never the real user's keyring)
    monkeypatch.setenv("PHOTOVET_CONFIG", str(tmp_path_factory.mktemp("photovet-config")))
    monkeypatch.setenv("PHOTOVET_KEYSTORE", "file")
    for var in ("PHOTOVET_USER", "PHOTOVET_PASSWORD", "PHOTOVET_NEW_PASSWORD",
                "PHOTOVET_ADMIN_SECRET", "PHOTOVET_DB_PASSWORD", "PHOTOVET_REGISTER"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(autouse=True)
def register_engine(photovet_home) -> str:
    """Where the test's register is: "sqlite" (register.db in the test's data folder), or
    "postgresql" for tests in modules marked ``engines`` (see the end of this file)."""
    return "sqlite"


@pytest.fixture(autouse=True, scope="session")
def cheap_key_work():
    """argon2 at its cheapest for passwords and the admin secret (the real costs are measured
    in bench/register.py); everything else is the real code."""
    from argon2 import PasswordHasher, profiles

    from photovet.core import accounts, keys

    accounts.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    old = dict(keys.KDF)
    keys.KDF.update(time_cost=1, memory_cost=8192, parallelism=1)
    yield
    keys.KDF.update(old)
    accounts.set_hasher(None)


def office_access(name: str = "office"):
    """A named identity with every right (tests that are not about accounts)."""
    from photovet.core.accounts import Access

    return Access.system(name)


def act_as(target, name: str) -> None:
    """From now on ``target`` (a Workspace, a Register, a store: anything with ``.audit``)
    acts as the named identity ``name`` (tests that are not about accounts)."""
    target.audit.access = office_access(name)


def office_records(db=None, name: str = "office"):
    """Export records on ``db`` (default: the test's register) acting as ``name``."""
    from photovet.core.records.exports import Records
    from photovet.core.storage import open_db

    db = db if db is not None else open_db()
    return Records(db, office_audit(db, name))


def office_audit(db, name: str = "office"):
    """An audit log on ``db`` acting as ``name``."""
    from photovet.core.audit import AuditLog

    return AuditLog(db, access=office_access(name))


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
