"""Every command signs in: each CLI test starts with a register that has staff accounts, and
the environment signed in as the office admin (PHOTOVET_USER / PHOTOVET_PASSWORD, the way a
script signs in). ``staff.use(name)`` signs later commands in as someone else."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from photovet.core.workspace import Workspace

STAFF = {
    "Office Admin": ("admin", "preparer", "poster"),   # what 'setup admin' gives the first admin
    "Mrs Office": ("admin", "preparer"),               # the office manager
    "Mr Head": ("approver",),                          # a senior leader
    "Mr Deputy": ("admin", "preparer", "approver"),    # prepares some photos, approves others
    "Pat Poster": ("poster",),
}


def password_of(name: str) -> str:
    return "staple battery " + str(len(name)) + " horse"


def approved_by_mr_head(n: int = 0, *, shown: Sequence[str] = ()) -> list[str]:
    """Photos marked ready by Mrs Office and approved for the website by Mr Head, through the
    core: ``n`` showing nobody, or one showing each of ``shown`` (register ids). Returns their
    sha256."""
    from photovet.core.approval import AsNow
    from photovet.core.models import PhotoAnalysis

    ws = Workspace.open()
    out = []
    try:
        for i, pid in enumerate(list(shown) or [None] * n):
            a = PhotoAnalysis(path=f"/photos/p{i}.jpg", sha256=f"{i:064x}", width=64,
                              height=48, channel="website", faces_checked=True)
            ws.sign_in("Mrs Office", password_of("Mrs Office"))
            ws.approvals.mark_ready(a)
            ws.sign_in("Mr Head", password_of("Mr Head"))
            parts = {"photo": a.sha256, "channel": "website", "media": "photo",
                     "mode": "consent", "analysis": "k", "review": "r", "publication": "p",
                     "people_shown": [pid] if pid else [], "names_shown": [],
                     "people_covered": []}
            ws.approvals.approve(a, parts, checks=ws.approvals.required_checks(),
                                 now=lambda parts=parts: AsNow(parts))
            out.append(a.sha256)
    finally:
        ws.close()
    return out


class Staff:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def use(self, name: str) -> None:
        """Sign the following commands in as ``name``."""
        self.monkeypatch.setenv("PHOTOVET_USER", name)
        self.monkeypatch.setenv("PHOTOVET_PASSWORD", password_of(name))

    def nobody(self) -> None:
        self.monkeypatch.delenv("PHOTOVET_USER", raising=False)
        self.monkeypatch.delenv("PHOTOVET_PASSWORD", raising=False)


def commands_as(monkeypatch, name: str, home, make_engine) -> None:
    """The following commands run on the data folder ``home``, signed in as ``name``, with
    ``make_engine(workspace, text=...)`` as their engine (core tests that run a command on
    their own data folder, with a stand-in face engine)."""
    Staff(monkeypatch).use(name)
    monkeypatch.setenv("PHOTOVET_HOME", str(home))
    # photos first: importing it here, after common was patched, would bind the stand-in as
    # its own load_engine, and undoing the patch would put the stand-in back (s61: every later
    # command in that test process ran on it)
    monkeypatch.setattr("photovet.cli.photos.load_engine", make_engine)
    monkeypatch.setattr("photovet.cli.common.load_engine", make_engine)


def create_staff(ws: Workspace) -> None:
    """The accounts of ``STAFF`` in a register that has none yet (core tests that run a
    command call it too, on their own data folder)."""
    ws.create_first_admin("Office Admin", password_of("Office Admin"))
    codes = {name: ws.accounts.add(name, roles) for name, roles in STAFF.items()
             if name != "Office Admin"}
    for name, code in codes.items():
        ws.first_sign_in(name, code, password_of(name))


@pytest.fixture(autouse=True)
def _models_read_once(monkeypatch) -> None:
    """The models' answer for a drawn photo they have seen is kept (tests/models_once.py)."""
    from tests.models_once import models_read_once

    models_read_once(monkeypatch)


@pytest.fixture(autouse=True)
def staff(register_engine, monkeypatch) -> Staff:
    ws = Workspace.open()
    try:
        create_staff(ws)
    finally:
        ws.close()
    s = Staff(monkeypatch)
    s.use("Office Admin")
    return s
