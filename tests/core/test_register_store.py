"""The register store: file safety, manual edits with history (photo and video consent),
search, removing a person, two writers at once."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path

import numpy as np
import pytest

from photovet.core.accounts import Access
from photovet.core.errors import (
    CorruptRegisterError,
    NotSignedIn,
    RegisterError,
    SettingsError,
    UnknownPersonError,
)
from photovet.core.models import NO, NOT_RECORDED, YES
from photovet.core.paths import register_path
from photovet.core.register.people import Register
from photovet.core.storage import open_db
from tests.conftest import act_as, office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

CHANNELS = ("website", "facebook", "x", "instagram", "newsletter", "press", "youtube")

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
    r = Register.open(access=office_access())
    r.import_csv(make(tmp_path))
    yield r
    r.close()


def mode_of(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


@pytest.mark.sqlite_only
def test_database_file_is_owner_only(reg):
    path = register_path()
    assert path.exists()
    assert mode_of(path) & 0o077 == 0, oct(mode_of(path))
    for side in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if side.exists():
            assert mode_of(side) & 0o077 == 0, (side, oct(mode_of(side)))
    assert mode_of(path.parent) & 0o077 == 0


@pytest.mark.sqlite_only
def test_loose_permissions_are_tightened_on_open(tmp_path):
    Register.open(access=office_access()).close()
    os.chmod(register_path(), 0o644)
    Register.open(access=office_access()).close()
    assert mode_of(register_path()) == 0o600


@pytest.mark.sqlite_only
@pytest.mark.parametrize("content", [
    b"this is a word document, honest" * 100,
    b"SQLite format 3\x00" + b"\xff" * 4000,
])
def test_garbage_file_refused_and_untouched(content):
    path = register_path()
    path.write_bytes(content)
    with pytest.raises(CorruptRegisterError) as ei:
        Register.open(access=office_access())
    assert "register.db" in str(ei.value) and "untouched" in str(ei.value)
    assert path.read_bytes() == content
    assert not Path(str(path) + "-wal").exists()


@pytest.mark.sqlite_only
def test_foreign_sqlite_database_refused_and_untouched():
    path = register_path()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices (total) VALUES (12.5)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(CorruptRegisterError, match="another program"):
        Register.open(access=office_access())
    assert path.read_bytes() == before


@pytest.mark.sqlite_only
def test_damaged_register_refused_and_untouched(tmp_path):
    r = Register.open(access=office_access())
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
        Register.open(access=office_access())
    assert path.read_bytes() == before


def test_people_person_search(reg):
    assert not reg.is_empty()
    ids = [p.id for p in reg.people()]
    assert ids == [UPN2, UPN1]  # by surname
    p = reg.person(UPN1.lower())
    assert p.display_name == "Tori Ashby" and p.consents_to("website") and not p.consents_to("facebook")
    assert p.consent_state("facebook") == NO and p.consent_state("youtube") == NOT_RECORDED
    assert reg.find(UPN1) == p and reg.find("Z000000000000") is None and reg.find(None) is None
    assert [p.id for p in reg.search("tori")] == [UPN1]
    assert [p.id for p in reg.search("5t")] == [UPN2]
    assert [p.id for p in reg.search("year 6 ash")] == [UPN1]
    assert len(reg.search("")) == 2
    with pytest.raises(UnknownPersonError):
        reg.person("Z000000000000")
    assert reg.channels() == list(CHANNELS)
    assert reg.consent_states(UPN2) == {
        "photo": {"website": YES, "facebook": YES, "x": NO, "instagram": YES, "newsletter": YES,
                  "press": NO, "youtube": NOT_RECORDED},
        "video": {c: NOT_RECORDED for c in CHANNELS},
        "name_with_photo": NO, "do_not_photograph": NO}


def test_set_consent_is_audited_and_kept_in_history(reg):
    act_as(reg, "Mrs Head")
    change = reg.set_consent(UPN1, "facebook", True)
    assert change is not None and change.old_state == "no" and change.new_state == "yes"
    assert change.media == "photo" and change.source == "user:Mrs Head" and not change.is_withdrawal
    assert reg.person(UPN1).consent_state("facebook") == YES
    assert reg.consent_source(UPN1, "facebook")[0] == "user:Mrs Head"
    assert reg.set_consent(UPN1, "facebook", True) is None  # no-op
    reg.set_consent(UPN1, "facebook", None)
    reg.set_consent(UPN1, "name_with_photo", "yes")
    reg.set_do_not_photograph(UPN1, True)
    p = reg.person(UPN1)
    assert p.consent_state("facebook") == NOT_RECORDED and not p.consents_to("facebook")
    assert p.name_with_photo and p.do_not_photograph
    hist = [(h.channel, h.old_state, h.new_state, h.source) for h in reg.history(UPN1)]
    assert ("facebook", "no", "yes", "user:Mrs Head") in hist
    assert ("facebook", "yes", "not recorded", "user:Mrs Head") in hist
    assert hist[-1] == ("do_not_photograph", "no", "yes", "user:Mrs Head")
    assert hist[0][3].startswith("import:")
    edits = reg.audit.rows(action="register.consent-edit")
    assert len(edits) == 3 and edits[0]["user"] == "Mrs Head"
    assert edits[0]["details"] == {"person_id": UPN1, "field": "facebook", "media": "photo",
                                   "old": "no", "new": "yes"}
    assert reg.audit.rows(action="register.do-not-photograph")
    assert reg.audit.verify().ok
    with pytest.raises(RegisterError, match="unknown channel"):
        reg.set_consent(UPN1, "tiktok", True)
    with pytest.raises(RegisterError, match="not photo or video"):
        reg.set_consent(UPN1, "website", True, media="audio")
    with pytest.raises(RegisterError, match="not Yes or No"):
        reg.set_consent(UPN1, "website", "maybe")
    reg.audit.access = Access()   # nobody signed in
    with pytest.raises(NotSignedIn, match="sign in"):
        reg.set_consent(UPN1, "website", False)
    act_as(reg, "Mrs Head")
    with pytest.raises(UnknownPersonError):
        reg.set_consent("nobody", "website", False)


def test_photo_and_video_consent_are_set_separately(reg):
    act_as(reg, "Mrs Office")
    change = reg.set_consent(UPN1, "website", "no", media="video")
    assert (change.channel, change.media, change.old_state, change.new_state) == (
        "website", "video", NOT_RECORDED, NO)
    assert str(change) == f"Tori Ashby ({UPN1}): School website (videos) not recorded -> No"
    yes = reg.set_consent(UPN1, "website", True, media="video")
    withdrawn = reg.set_consent(UPN1, "website", False, media="video")
    assert not yes.is_withdrawal and withdrawn.is_withdrawal
    states = reg.consent_states(UPN1)
    assert states["video"]["website"] == NO and states["photo"]["website"] == YES
    p = reg.person(UPN1)
    assert p.consents_to("website") and not p.consents_to("website", "video")
    assert reg.consent_source(UPN1, "website", "video")[0] == "user:Mrs Office"
    assert reg.consent_source(UPN1, "website", "photo")[0].startswith("import:")
    video = [(h.old_state, h.new_state) for h in reg.history(UPN1)
             if h.channel == "website" and h.media == "video"]
    assert video == [(None, NOT_RECORDED), (NOT_RECORDED, NO), (NO, YES), (YES, NO)]
    # name with photo is one value for photos and videos
    c = reg.set_consent(UPN1, "name_with_photo", True, media="video")
    assert c.media == "any" and reg.consent_states(UPN1)["name_with_photo"] == YES


def test_add_channel_rules(reg):
    with pytest.raises(SettingsError, match="cannot be used as a channel name"):
        reg.add_channel("Do not photograph")
    reg.add_channel("Prospectus")
    with pytest.raises(SettingsError, match="already"):
        reg.add_channel("prospectus")
    p = reg.person(UPN1)
    assert p.consent_state("prospectus") == p.consent_state("prospectus", "video") == NOT_RECORDED
    assert not p.consents_to("prospectus")
    assert reg.channel("prospectus").names == "initials"


# --- removing a person -----------------------------------------------------------------------

def test_delete_person_removes_everything_about_them(reg):
    act_as(reg, "Mrs Office")
    reg.set_consent(UPN1, "facebook", True)
    reg.store_signatures({UPN1: [(np.full(128, 0.1), "a.jpg"), (np.full(128, 0.2), "b.jpg")],
                          UPN2: [(np.full(128, 0.3), "c.jpg")]},
                         replace=True, source="test")
    assert reg.enrolment_count(UPN1) == 2 and reg.history(UPN1)
    reg.delete_person(UPN1.lower(), reason="  Parent asked for erasure  ")
    with pytest.raises(UnknownPersonError):
        reg.person(UPN1)
    assert [p.id for p in reg.people()] == [UPN2]
    assert reg.history(UPN1) == [] and reg.enrolment_count(UPN1) == 0
    for table in ("consents", "consent_history", "encodings"):
        assert reg.db.scalar(f"SELECT COUNT(*) FROM {table} WHERE person_id = ?", [UPN1]) == 0
    assert [pid for pid, _ in reg.encodings()] == [UPN2]
    assert reg.history(UPN2) and reg.person(UPN2).enrolled  # nobody else is touched
    (row,) = reg.audit.rows(action="register.person-removed")
    assert row["user"] == "Mrs Office"
    assert row["details"] == {"person_id": UPN1, "reason": "Parent asked for erasure",
                              "signatures_deleted": 2}
    assert reg.audit.verify().ok
    with pytest.raises(UnknownPersonError):
        reg.delete_person(UPN1, reason="again")


def test_delete_person_needs_who_and_why(reg):
    reg.audit.access = Access()   # nobody signed in
    with pytest.raises(NotSignedIn):
        reg.delete_person(UPN1, reason="Left")
    act_as(reg, "Mrs Office")
    with pytest.raises(RegisterError, match="why"):
        reg.delete_person(UPN1, reason="  ")
    assert reg.person(UPN1) and not reg.audit.rows(action="register.person-removed")


def test_a_removed_person_comes_back_only_with_a_later_import(tmp_path, reg):
    """...and only when a person says so (s35: a routine import held back someone removed,
    the forgotten list; test_forgotten_names.py has the rule's cases)."""
    reg.delete_person(UPN1, reason="Parent asked for erasure")
    rep = reg.import_csv(make(tmp_path, name="again.csv"))
    assert not rep.new_people
    with pytest.raises(UnknownPersonError):
        reg.person(UPN1)
    rep = reg.import_csv(make(tmp_path, name="again.csv"), add_again=[UPN1])
    assert [p.id for p in rep.new_people] == [UPN1]
    assert not rep.withdrawals and not rep.consent_changes
    assert reg.person(UPN1).consent_state("website") == YES


def test_reopen_keeps_everything(reg):
    reg.close()
    with Register.open(access=office_access()) as r2:
        assert len(r2.people()) == 2 and r2.audit.verify().ok


# --- two processes at once -------------------------------------------------------------------

def _worker(home: str, csv_path: str, person: str, n: int, queue) -> None:
    os.environ["PHOTOVET_HOME"] = home
    try:
        with Register.open(access=office_access()) as r:
            for i in range(n):
                r.import_csv(csv_path, seen_before_ok=True)
                r.set_consent(person, "facebook", i % 2 == 0)
        queue.put("ok")
    except Exception as exc:
        queue.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_writing_at_once(tmp_path, photovet_home):
    Register.open(access=office_access()).close()
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
    if db.engine == "sqlite":
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Register.open(access=office_access()) as r:
        v = r.audit.verify()
        assert v.ok, v.message
        assert len(r.audit.rows(action="register.import")) == 24
        edits = len(r.audit.rows(action="register.consent-edit"))
        user_history = r.db.scalar(
            "SELECT COUNT(*) FROM consent_history WHERE source LIKE 'user:%'")
        assert edits > 0 and edits == user_history  # every edit written with its audit row
        assert len(r.imports()) == 24
    db.close()


def test_a_channel_name_refused_says_why(reg):
    """s51 walk: "facebook " typed in the app was refused as "there is already a channel called
    'facebook'" (its short name, not the name the list shows); an empty name as "'' cannot be
    used as a channel name"."""
    with pytest.raises(SettingsError, match=r"^there is already a channel called 'Facebook'$"):
        reg.add_channel("facebook ")
    with pytest.raises(SettingsError, match=r"^a channel needs a name$"):
        reg.add_channel("  ")
    with pytest.raises(SettingsError, match=r"^'!!' cannot be used as a channel name: it needs "):
        reg.add_channel("!!")
    reg.add_channel("Prospectus", "School prospectus")
    with pytest.raises(SettingsError, match=r"^there is already a channel called 'School "
                                            r"prospectus' \(short name 'prospectus'\)$"):
        reg.add_channel("prospectus")
