"""The register store: file safety, manual edits with history, search, two writers at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from photovet.core.storage import open_db
from photovet.core.errors import CorruptRegisterError, RegisterError, UnknownPersonError
from photovet.core.models import CHANNELS
from photovet.core.paths import register_path
from photovet.core.register.people import Register

UPN1, UPN2 = "A919241717737", "G919241714767"
CSV = ("UPN,Surname,Forename,Known As,Year,Form,Website,Facebook,X,Instagram,Newsletter,Press,"
       "Name with Photo,Do Not Photograph\n"
       f"{UPN1},Ashby,Victoria,Tori,Year 6,6W,Yes,No,No,No,No,No,No,\n"
       f"{UPN2},Abrahams,Joel,,Year 5,5T,Yes,Yes,No,Yes,Yes,No,No,\n")


def make(tmp_path: Path, text: str = CSV, name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def reg(tmp_path):
    r = Register.open()
    r.import_csv(make(tmp_path), user="office")
    yield r
    r.close()


def mode_of(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_database_file_is_owner_only(reg):
    path = register_path()
    assert path.exists()
    assert mode_of(path) & 0o077 == 0, oct(mode_of(path))
    for side in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if side.exists():
            assert mode_of(side) & 0o077 == 0, (side, oct(mode_of(side)))
    assert mode_of(path.parent) & 0o077 == 0


def test_loose_permissions_are_tightened_on_open(tmp_path):
    Register.open().close()
    os.chmod(register_path(), 0o644)
    Register.open().close()
    assert mode_of(register_path()) == 0o600


@pytest.mark.parametrize("content", [
    b"this is a word document, honest" * 100,
    b"SQLite format 3\x00" + b"\xff" * 4000,
])
def test_garbage_file_refused_and_untouched(content):
    path = register_path()
    path.write_bytes(content)
    with pytest.raises(CorruptRegisterError) as ei:
        Register.open()
    assert "register.db" in str(ei.value) and "untouched" in str(ei.value)
    assert path.read_bytes() == content
    assert not Path(str(path) + "-wal").exists()


def test_foreign_sqlite_database_refused_and_untouched():
    path = register_path()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices (total) VALUES (12.5)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(CorruptRegisterError, match="another program"):
        Register.open()
    assert path.read_bytes() == before


def test_damaged_register_refused_and_untouched(tmp_path):
    r = Register.open()
    rows = "".join(f"A{i:012d},Name{i},Pupil,Year 1,1A,Yes,No,No,No,No,No,No,\n" for i in range(400))
    r.import_csv(make(tmp_path, CSV.split("\n")[0] .replace("Known As,", "") + "\n" + rows))
    r.close()
    path = register_path()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for i in range(2 * page, len(data), page):  # smash the page headers of every b-tree page
        data[i:i + 12] = b"\xee" * 12
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(CorruptRegisterError, match="damaged|could not be read"):
        Register.open()
    assert path.read_bytes() == before


def test_people_person_search(reg):
    assert not reg.is_empty()
    ids = [p.id for p in reg.people()]
    assert ids == [UPN2, UPN1]  # by surname
    p = reg.person(UPN1.lower())
    assert p.display_name == "Tori Ashby" and p.consents["website"] and not p.consents["facebook"]
    assert [p.id for p in reg.search("tori")] == [UPN1]
    assert [p.id for p in reg.search("5t")] == [UPN2]
    assert [p.id for p in reg.search("year 6 ash")] == [UPN1]
    assert len(reg.search("")) == 2
    with pytest.raises(UnknownPersonError):
        reg.person("Z000000000000")
    assert reg.channels() == list(CHANNELS)


def test_set_consent_is_audited_and_kept_in_history(reg):
    change = reg.set_consent(UPN1, "facebook", True, user="Mrs Head")
    assert change is not None and change.old_state == "no" and change.new_state == "yes"
    assert reg.person(UPN1).consents["facebook"] is True
    assert reg.set_consent(UPN1, "facebook", True, user="Mrs Head") is None  # no-op
    reg.set_consent(UPN1, "facebook", None, user="Mrs Head")
    reg.set_consent(UPN1, "name_with_photo", "yes", user="Mrs Head")
    reg.set_do_not_photograph(UPN1, True, user="Mrs Head")
    p = reg.person(UPN1)
    assert not p.consents["facebook"] and p.name_with_photo and p.do_not_photograph
    hist = [(h.channel, h.old_state, h.new_state, h.source) for h in reg.history(UPN1)]
    assert ("facebook", "no", "yes", "user:Mrs Head") in hist
    assert ("facebook", "yes", "not recorded", "user:Mrs Head") in hist
    assert hist[-1] == ("do_not_photograph", "no", "yes", "user:Mrs Head")
    assert hist[0][3].startswith("import:")
    edits = reg.audit.rows(action="register.consent-edit")
    assert len(edits) == 3 and edits[0]["user"] == "Mrs Head"
    assert reg.audit.rows(action="register.do-not-photograph")
    assert reg.audit.verify().ok
    with pytest.raises(RegisterError, match="unknown channel"):
        reg.set_consent(UPN1, "tiktok", True, user="x")
    with pytest.raises(RegisterError, match="not Yes or No"):
        reg.set_consent(UPN1, "website", "maybe", user="x")
    with pytest.raises(RegisterError, match="who"):
        reg.set_consent(UPN1, "website", False, user="")
    with pytest.raises(UnknownPersonError):
        reg.set_consent("nobody", "website", False, user="x")


def test_add_channel_rules(reg):
    with pytest.raises(RegisterError):
        reg.add_channel("Do not photograph")
    reg.add_channel("Prospectus")
    with pytest.raises(RegisterError, match="already"):
        reg.add_channel("prospectus")
    assert reg.person(UPN1).consents["prospectus"] is False


def test_reopen_keeps_everything(reg):
    reg.close()
    with Register.open() as r2:
        assert len(r2.people()) == 2 and r2.audit.verify().ok


# --- two processes at once -------------------------------------------------------------------

def _worker(home: str, csv_path: str, person: str, n: int, queue) -> None:
    os.environ["PHOTOVET_HOME"] = home
    try:
        with Register.open() as r:
            for i in range(n):
                r.import_csv(csv_path, user=f"w-{person}")
                r.set_consent(person, "facebook", i % 2 == 0, user=f"w-{person}")
        queue.put("ok")
    except Exception as exc:  # noqa: BLE001
        queue.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_writing_at_once(tmp_path, photovet_home):
    Register.open().close()
    a = make(tmp_path, CSV, "a.csv")
    b = make(tmp_path, CSV.replace("Yes,Yes,No,Yes,Yes,No,No", "No,No,No,No,No,No,Yes"), "b.csv")
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(photovet_home), str(a), UPN1, 12, q)),
             ctx.Process(target=_worker, args=(str(photovet_home), str(b), UPN2, 12, q))]
    for p in procs:
        p.start()
    results = [q.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert results == ["ok", "ok"], results
    db = open_db()
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Register.open() as r:
        v = r.audit.verify()
        assert v.ok, v.message
        assert len(r.audit.rows(action="register.import")) == 24
        edits = len(r.audit.rows(action="register.consent-edit"))
        user_history = r.db.execute(
            "SELECT COUNT(*) FROM consent_history WHERE source LIKE 'user:%'").fetchone()[0]
        assert edits > 0 and edits == user_history  # every edit written with its audit row
        assert len(r.imports()) == 24
    db.close()
