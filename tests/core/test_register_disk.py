"""The register file on its disk: a full disk, a register this account may not write, and a
register file found empty or missing where this PC saw one (its audit anchor is there). Each
gets a message the office can act on, never a traceback and never "restore from a backup"
when nothing is wrong with the register, and an empty file never reads as a fresh install."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from photovet.core.audit import AuditLog
from photovet.core.errors import (
    CorruptRegisterError,
    FolderAccessError,
    RegisterDiskFullError,
    RegisterMissingError,
    RegisterReadOnlyError,
)
from photovet.core.paths import register_path
from photovet.core.register.people import Register
from photovet.core.storage import open_db
from photovet.core.workspace import Workspace
from tests.conftest import office_access

HEADER = ("UPN,Surname,Forename,Year,Website,Facebook,X,Instagram,Newsletter,Press,YouTube,"
          "Name with Photo,Do Not Photograph\n")
UPN1, UPN2 = "A919241717737", "G919241714767"


def csv_of(tmp_path: Path, rows: str, name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + rows, encoding="utf-8")
    return p


def people(n: int) -> str:
    return "".join(f"B{i:012d},Surname{i},Forename{i},Year 3,Yes,No,No,No,No,No,No,No,\n"
                   for i in range(n))


def count(db, table: str) -> int:
    return int(db.scalar(f"SELECT COUNT(*) FROM {table}"))


# --- A4: a full disk ------------------------------------------------------------------------

def test_a_full_disk_is_a_clear_error_and_changes_nothing(tmp_path):
    """SQLite's own "database or disk is full" (SQLITE_FULL), produced by capping the file's
    size at what it is now: the import that needs more room is refused in words, rolled back,
    and the register works again once there is room."""
    reg = Register.open(access=office_access())
    try:
        reg.import_csv(csv_of(tmp_path, f"{UPN1},Ashby,Victoria,Year 6,Yes,No,No,No,No,No,No,"
                                        "No,\n"))
        before = (count(reg.db, "people"), count(reg.db, "consents"), reg.audit.count())
        pages = reg.db.scalar("PRAGMA page_count")
        reg.db.execute(f"PRAGMA max_page_count = {int(pages)}")
        with pytest.raises(RegisterDiskFullError) as ei:
            reg.import_csv(csv_of(tmp_path, f"{UPN1},Ashby,Victoria,Year 6,No,No,No,No,No,No,No,"
                                            "No,\n" + people(600), "big.csv"))
        err = ei.value
        assert str(err) == (f"the disk holding PhotoVet's data ({register_path().parent}) is "
                            "full; nothing was changed")
        assert err.hint and "Free some space" in err.hint
        assert "backup" not in err.full()
        assert not reg.db.in_transaction
        reg.db.execute("PRAGMA max_page_count = 1073741823")
        assert (count(reg.db, "people"), count(reg.db, "consents"), reg.audit.count()) == before
        assert reg.person(UPN1).consents_to("website")      # the withdrawal was not half-saved
        assert reg.audit.verify().ok
        assert reg.import_csv(csv_of(tmp_path, people(3), "small.csv")).applied  # usable again
    finally:
        reg.close()


def test_an_io_error_on_a_full_disk_is_called_full(tmp_path, monkeypatch):
    """On a full disk SQLite often fails while sizing its -shm or -wal file, and says only
    "disk I/O error": with (almost) no free space left, the office is told the disk is full;
    otherwise it is a disk error, and neither is "restore from a backup"."""
    from collections import namedtuple

    from photovet.core.errors import RegisterStorageError
    from photovet.core.storage import sqlite as engine

    usage = namedtuple("usage", "total used free")
    io = sqlite3.OperationalError("disk I/O error")
    path = tmp_path / "register.db"
    monkeypatch.setattr(engine.shutil, "disk_usage", lambda p: usage(10**9, 10**9, 4096))
    assert isinstance(engine.storage_error(io, path), RegisterDiskFullError)
    monkeypatch.setattr(engine.shutil, "disk_usage", lambda p: usage(10**9, 0, 10**9))
    err = engine.storage_error(io, path)
    assert type(err) is RegisterStorageError and "a disk error" in str(err)
    assert "backup" not in err.full() and str(tmp_path) in str(err)


# --- A5: a register this account may not write ----------------------------------------------

def _read_only_connect(monkeypatch):
    """Every connection PhotoVet opens is read-only (SQLite's ``mode=ro``): what SQLite does
    for a register file this account may read but not write."""
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        return real(f"file:{database}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_a_read_only_register_is_not_called_damaged(tmp_path, monkeypatch):
    reg = Register.open(access=office_access())
    reg.import_csv(csv_of(tmp_path, f"{UPN1},Ashby,Victoria,Year 6,Yes,No,No,No,No,No,No,No,\n"))
    reg.close()
    before = register_path().read_bytes()
    _read_only_connect(monkeypatch)
    reg = Register.open(access=office_access())
    try:
        with pytest.raises(RegisterReadOnlyError) as ei:
            reg.set_consent(UPN1, "website", "no")
    finally:
        reg.close()
    err = ei.value
    text = err.full()
    assert str(err).startswith("PhotoVet cannot save changes to its register: "
                               f"{register_path()} is read-only for ")
    assert "Nothing is wrong with the register, and nothing was changed" in str(err)
    assert err.hint and f"write access to the folder {register_path().parent}" in err.hint
    assert "Restore register.db from a backup" not in text and "damaged" not in text
    assert register_path().read_bytes() == before


def test_a_register_folder_this_account_cannot_write_is_not_called_damaged(monkeypatch):
    """When the folder is read-only SQLite cannot make the -wal and -shm files and says only
    "unable to open database file": PhotoVet looks at the permissions before blaming the file."""
    Register.open(access=office_access()).close()
    folder = register_path().parent

    def refuse(database, *args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    real_access = os.access
    monkeypatch.setattr(sqlite3, "connect", refuse)
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == folder
                        and mode & os.W_OK else real_access(p, mode, **kw))
    # said by the data folder's own check (paths.ensure_folder) or by the register's: either
    # way the folder's permissions, never a damaged register
    with pytest.raises((RegisterReadOnlyError, FolderAccessError)) as ei:
        open_db()
    assert ("read-only" in str(ei.value) or "permission denied" in str(ei.value))
    assert "backup" not in (ei.value.hint or "").split(".")[0]
    assert not isinstance(ei.value, CorruptRegisterError)
    # the same error when the folder IS writable is a file that cannot be opened: not hidden
    monkeypatch.setattr(os, "access", real_access)
    with pytest.raises(CorruptRegisterError, match="could not be read"):
        open_db()


def _python_for_nobody() -> str | None:
    """A Python 3.11+ the account 'nobody' can run (the test's own may sit in root's home)."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return None
    for exe in (sys.executable, "/usr/bin/python3.11", "/usr/bin/python3.12", "/usr/bin/python3"):
        try:
            out = subprocess.run(["runuser", "-u", "nobody", "--", exe, "-c",
                                  "import sys; print(sys.version_info >= (3, 11))"],
                                 capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == "True":
            return exe
    return None


@pytest.mark.parametrize("folder_mode", [0o755, 0o777])
def test_a_register_owned_by_another_account_for_real(folder_mode):
    """The real thing, where the machine allows it: register.db owned by root (0644), opened
    and written by the account 'nobody'."""
    exe = _python_for_nobody()
    root = Path(__file__).resolve().parents[2]
    if exe is None:
        pytest.skip("needs root, runuser and a Python 3.11 the account 'nobody' can run")
    # the one package the register needs beyond the standard library, copied where 'nobody'
    # can read it: CI's Python and its site-packages sit in root's home (0700)
    import platformdirs

    site_dir = Path(tempfile.mkdtemp(prefix="photovet-ro-site-", dir="/tmp"))
    shutil.copytree(Path(platformdirs.__file__).parent, site_dir / "platformdirs")
    for d in (site_dir, *site_dir.rglob("*")):
        os.chmod(d, 0o755 if d.is_dir() else 0o644)
    prelude = ("import sys\n"
               f"sys.path[:0] = [{str(root)!r}, {str(site_dir)!r}]\n"
               "from photovet.core.errors import PhotoVetError\n"
               "from photovet.core.storage.sqlite import SQLiteDatabase\n")
    probe = subprocess.run(["runuser", "-u", "nobody", "--", exe, "-c", prelude],
                           capture_output=True, text=True, timeout=60, cwd="/tmp")
    if probe.returncode != 0:
        shutil.rmtree(site_dir, ignore_errors=True)
        pytest.skip("the account 'nobody' cannot read this checkout: " + probe.stderr[-900:])
    home = Path(tempfile.mkdtemp(prefix="photovet-ro-", dir="/tmp"))
    try:
        db = open_db(home / "register.db")
        db.close()
        os.chmod(home / "register.db", 0o644)
        os.chmod(home, folder_mode)
        before = (home / "register.db").read_bytes()
        script = prelude + (
            "try:\n"
            f"    db = SQLiteDatabase({str(home / 'register.db')!r})\n"
            "    with db.atomic():\n"
            "        db.execute(\"INSERT INTO register_info (key, value) VALUES ('x', 'y')\")\n"
            "except PhotoVetError as exc:\n"
            "    print(type(exc).__name__); print(exc.full())\n"
        )
        out = subprocess.run(["runuser", "-u", "nobody", "--", exe, "-c", script],
                             capture_output=True, text=True, timeout=60, cwd="/tmp")
        assert out.stdout.startswith("RegisterReadOnlyError\n"), out.stdout + out.stderr
        assert "cannot save changes to its register" in out.stdout
        assert "Nothing is wrong with the register" in out.stdout
        assert "Restore register.db from a backup" not in out.stdout
        assert (home / "register.db").read_bytes() == before
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(site_dir, ignore_errors=True)


# --- A6: an empty or missing register.db where this PC saw a register ------------------------

def _register_with_history(n: int = 6) -> int:
    ws = Workspace.open()
    try:
        ws.create_first_admin("Office Admin", "staple battery 12 horse")
        for i in range(n):
            ws.audit.record("test.step", {"i": i})
        rows = ws.audit.count()
    finally:
        ws.close()
    return rows


@pytest.mark.parametrize("how", ["empty", "missing"])
def test_an_empty_or_missing_register_beside_its_anchor_is_not_started_again(how):
    rows = _register_with_history()
    path = register_path()
    anchor = Path(str(path) + "-anchor")
    assert anchor.exists() and json.loads(anchor.read_text())["count"] == rows
    anchor_before = anchor.read_bytes()
    if how == "empty":
        path.write_bytes(b"")          # `: > register.db`: a crash, a full disk, a bad copy
    else:
        path.unlink()
    with pytest.raises(RegisterMissingError) as ei:
        Workspace.open()
    err = ei.value
    what = "is empty (0 bytes)" if how == "empty" else "is missing"
    assert str(err).startswith(f"register.db: the register file {what}, but this folder held "
                               f"a register ({rows} audit entries, last recorded ")
    assert re.search(r"last recorded \d\d/\d\d/\d{4} \d\d:\d\d\)", str(err))
    assert "nothing was changed" in str(err)
    assert err.hint and "Restore register.db from a backup; do not create a new admin" in err.hint
    assert isinstance(err, CorruptRegisterError)   # the GUI and CLI treat it as a register problem
    # nothing was created in its place, and the anchor still says what this PC saw
    assert (path.stat().st_size == 0) if how == "empty" else not path.exists()
    assert anchor.read_bytes() == anchor_before
    with pytest.raises(RegisterMissingError):   # and again: it stays refused
        open_db()


def test_a_fresh_folder_still_starts_a_new_register():
    path = register_path()
    assert not path.exists() and not Path(str(path) + "-anchor").exists()
    _register_with_history(1)
    assert path.stat().st_size > 0
    path.write_bytes(b"")
    Path(str(path) + "-anchor").unlink()    # moved aside on purpose: start again
    ws = Workspace.open()
    try:
        assert ws.audit.count() == 0
    finally:
        ws.close()


def test_the_anchor_of_another_register_is_never_overwritten(tmp_path, monkeypatch):
    """register.db replaced by another register (here: a new one made elsewhere and copied in):
    the next change must not rewrite this PC's anchor for the newcomer, so 'audit verify'
    keeps saying that this is not the register this PC saw."""
    rows = _register_with_history()
    path = register_path()
    anchor = Path(str(path) + "-anchor")
    before = anchor.read_bytes()
    other = tmp_path / "other" / "register.db"
    db = open_db(other)
    AuditLog(db, access=office_access(), anchor=False).record("other.register", {})
    db.close()
    shutil.copy(other, path)
    ws = Workspace.open()
    try:
        ws.create_first_admin("New Admin", "staple battery 9 horse")   # a change: audited
        ws.audit.record("test.after", {})
        assert anchor.read_bytes() == before
        v = ws.audit.verify()
        assert not v.ok and "this is not the register this PC last saw" in v.message
        assert f"another register with {rows} audit entries" in v.message
        assert anchor.read_bytes() == before
    finally:
        ws.close()
