"""What PhotoVet keeps of a pupil once they are gone (DPO audit s30).

File names and paths often name a pupil ("Nathan Ellison at sports day.jpg"). The inventory
here reads every text column of every table, the audit log and every file of the data folder
after each step of a pupil's life in PhotoVet (exported, posted, consent withdrawn by a
parent, taken down, originals deleted, a leaver's records and register row deleted by the
retention schedule) and fails if what must be gone by then is still anywhere: no audit row
ever holds a file's path; a deleted file's path is kept nowhere; once the pupil's register row
is deleted, neither their name nor their parent's is left in any table or in the audit log.
A subject access request for them then says plainly that nothing is held."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from photovet.core.errors import RegisterError
from photovet.core.models import ExportResult, PhotoAnalysis
from photovet.core.records import takedown
from photovet.core.records.exports import CaptionRef, RecordsError
from photovet.core.storage.migrations import MIGRATIONS
from photovet.core.transfer import import_from_device, purge_batch
from photovet.core.words import CAPTION_NAME_REMOVED, sar_nothing_held
from photovet.core.workspace import Workspace
from tests.conftest import office_access
from tests.core.afterpost_util import photo, sha

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date.today()
LEAVES = TODAY + dt.timedelta(days=10)
DATES_FROM_TODAY = {"TODAY": 0, "LEAVES": 10}  # set again on the day each test runs (tests/conftest.py)
NATHAN, SAM = "N1", "S1"
PARENT = "Mrs Harriet Ellison (mother), by email"
PUPIL_WORDS = ("Nathan", "Ellison", "Harriet")
CAPTION = "Well done Nathan and Sam on sports day!"
REFS = [CaptionRef(NATHAN, "Nathan", "first"), CaptionRef(SAM, "Sam", "first")]
SACK_RACE = "Nathan Ellison in the sack race"   # exported, posted, then purged
NATIVITY = "Nathan Ellison nativity play"      # from a phone, marked ready, never exported


@pytest.fixture
def trash(monkeypatch, tmp_path):
    """send2trash into a folder of the test (the system's trash is not touched)."""
    bin_ = tmp_path / "trash"
    bin_.mkdir()
    monkeypatch.setattr("send2trash.send2trash",
                        lambda p: os.replace(p, bin_ / Path(p).name))
    return bin_


@pytest.fixture
def ws_with_leaver(tmp_path):
    w = Workspace.open(tmp_path / "home", access=office_access("Mrs Office"))
    csv = tmp_path / "register.csv"
    csv.write_text("Admission No,Surname,Forename,Leaving Date,Consent: School Website,"
                   "Name with photo\n"
                   f"{NATHAN},Ellison,Nathan,{LEAVES:%d/%m/%Y},Yes,No\n"
                   f"{SAM},Stayer,Sam,,Yes,No\n", encoding="utf-8")
    assert w.import_register(csv).applied
    yield w
    w.close()


def original(tmp_path: Path, name: str, seed: int) -> Path:
    folder = tmp_path / "originals"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.JPG"
    photo(seed).save(path, "JPEG", quality=95)
    return path


def exported(tmp_path: Path, src: Path, seed: int, shown: list[str],
             approved_caption: str | None = None) -> ExportResult:
    """Its export under a neutral name, as media/export.py names them (``approved_caption``:
    the caption its approval signed)."""
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    out = folder / f"Sports day {seed:03d}.jpg"
    photo(seed).save(out, "JPEG", quality=88)
    return ExportResult(source=str(src), output=str(out), source_sha256=sha(src),
                        output_sha256=sha(out), width=640, height=480, people_shown=shown,
                        channel="website", approved_caption=approved_caption)


def mark_ready(ws, path: Path, caption: str = "", batch: str = "Sports day") -> None:
    """Marked ready for the website, with the caption the preparer proposes (the channel's
    rules allowed it: ``caption_refusal`` refuses nothing)."""
    ws.approvals.mark_ready(PhotoAnalysis(path=str(path), sha256=sha(path), width=640,
                                          height=480, channel="website", faces_checked=True),
                            batch=batch, caption=caption,
                            caption_refusal=lambda _caption: None)


def found_in_tables(ws, words) -> list[str]:
    """Every table's every value, as text (the audit log's details too), where one of
    ``words`` occurs (any case): 'table.column: value'."""
    low = [w.casefold() for w in words]
    hits = []
    for table in sorted(ws.db.tables()):
        cur = ws.db.execute(f"SELECT * FROM {table}")
        cols = [c[0] for c in cur.description]
        for row in cur.fetchall():
            for col, value in zip(cols, row, strict=True):
                if isinstance(value, (bytes, bytearray, memoryview)):
                    text = bytes(value).decode("utf-8", "replace")
                else:
                    text = "" if value is None else str(value)
                if any(w in text.casefold() for w in low):
                    hits.append(f"{table}.{col}: {text[:160]}")
    return hits


def found_in_audit(ws, words) -> list[str]:
    low = [w.casefold() for w in words]
    return [f"{r['action']}: {json.dumps(r['details'])[:200]}" for r in ws.audit.rows()
            if any(w in json.dumps(r["details"], ensure_ascii=False).casefold() for w in low)]


def found_in_files(home: Path, words, *, skip=()) -> list[str]:
    """Files of the data folder whose bytes hold one of ``words`` (as UTF-8, any case)."""
    low = [w.casefold().encode() for w in words]
    hits = []
    for f in sorted(home.rglob("*")):
        if not f.is_file() or f.name in skip:
            continue
        data = f.read_bytes().lower()
        hits += [f"{f.relative_to(home)}: {w.decode()}" for w in low if w in data]
    return hits


def test_a_pupils_name_is_kept_nowhere_once_they_are_gone(ws_with_leaver, tmp_path, trash):
    home = tmp_path / "home"
    paths = ("sack race", "nativity")        # what only the original files' names say
    a = original(tmp_path, SACK_RACE, 1)
    # the other, from a phone that named it (copied, verified, cleared from the phone)
    phone = tmp_path / "phone"
    phone.mkdir()
    photo(2).save(phone / f"{NATIVITY}.JPG", "JPEG", quality=95)
    [step] = [s for s in import_from_device(phone, tmp_path / "originals", clear=True,
                                            audit=ws_with_leaver.audit) if s.result is not None]
    b = Path(step.result.dest)
    assert b.name == f"{NATIVITY}.JPG" and step.result.deleted
    assert found_in_audit(ws_with_leaver, paths) == []

    # prepared and exported: the tables know where the originals are (purge and the retention
    # schedule need it), the audit log never does
    mark_ready(ws_with_leaver, a)
    mark_ready(ws_with_leaver, b, caption="Nathan E. as a shepherd")   # proposed, never approved (s31)
    ws_with_leaver.records.add_export(exported(tmp_path, a, 1, [NATHAN, SAM]), batch="Sports day",
                          channel="website", caption=CAPTION, caption_refs=REFS)
    ws_with_leaver.records.mark_posted(batch="Sports day", channel="website")
    assert found_in_tables(ws_with_leaver, ["sack race"]) and found_in_tables(ws_with_leaver, ["nativity"])
    assert found_in_audit(ws_with_leaver, paths) == []

    # his mother withdraws his consent: the post must come down, and the list says who asked
    ws_with_leaver.register.set_consent(NATHAN, "website", False, requested_by=PARENT, requested_on=TODAY)
    [item] = takedown.evaluate(ws_with_leaver.records, ws_with_leaver.register)
    assert "Harriet" in item.reasons[NATHAN]
    # what the office writes about taking it down is kept in the audit log for good: never
    # his name (free_text), so it is not left there once he is gone
    with pytest.raises(RecordsError, match="Write this without the pupil's name .*Nathan"):
        takedown.mark_done(ws_with_leaver.records, [item.id], note="Nathan's photo removed from the site")
    takedown.mark_done(ws_with_leaver.records, [item.id], note="removed from the website")

    # the original of what was posted is deleted: its path is kept nowhere, and a second
    # purge knows it is gone
    report = purge_batch(ws_with_leaver.records, "Sports day", approvals=ws_with_leaver.approvals)
    assert [i.status for i in report.items] == ["deleted"] and not a.exists()
    assert found_in_tables(ws_with_leaver, ["sack race"]) == []
    assert found_in_audit(ws_with_leaver, paths) == []
    again = purge_batch(ws_with_leaver.records, "Sports day", approvals=ws_with_leaver.approvals)
    assert [i.status for i in again.items] == ["already-deleted"]
    assert "sack race" not in again.items[0].source.casefold()

    # the retention schedule, when all of it is due: the original never exported, his
    # export records once the take-down is done, then his register row
    rules = ws_with_leaver.settings.retention
    days = max(rules.originals_days, (LEAVES - TODAY).days + max(
        rules.export_records_days_after_leaving, rules.leavers_rows_days_after_leaving))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=days + 1)
    report = ws_with_leaver.retention(lambda: later).apply()
    done = {(i.kind, i.status) for i in report.items}
    assert {("originals", "deleted"), ("export-records", "deleted"),
            ("leavers-rows", "deleted")} <= done, report.items
    assert not b.exists() and ws_with_leaver.register.find(NATHAN) is None
    # restored from the trash by the school, it is not deleted a second time
    os.replace(trash / b.name, b)
    assert ws_with_leaver.retention(lambda: later).due(("originals",)) == []

    # nothing names him, his parent, or the files any more: not a table, not the audit log,
    # not a file of the data folder
    words = PUPIL_WORDS + paths
    assert found_in_tables(ws_with_leaver, words) == []
    assert found_in_audit(ws_with_leaver, words) == []
    assert found_in_files(home, words, skip=("register.db", "register.db-wal")) == []
    # a subject access request for him is answered: nothing is held, said plainly
    out = ws_with_leaver.subject_access_report(NATHAN, tmp_path / "sar.html")
    html = out.read_text(encoding="utf-8")
    assert sar_nothing_held(NATHAN) in html and "Nathan" not in html
    # the caption that went out keeps the rest of what it said
    assert [r.caption for r in ws_with_leaver.records.exports()] == [
        f"Well done {CAPTION_NAME_REMOVED} and Sam on sports day!"]
    assert ws_with_leaver.sar_nothing_held(NATHAN) and not ws_with_leaver.sar_nothing_held(SAM)
    # the same words for an id that was never there: it confirms nothing
    never = ws_with_leaver.subject_access_report("Q9", tmp_path / "sar-q9.html").read_text(encoding="utf-8")
    assert never.replace("Q9", NATHAN).split("Report made")[0] == html.split("Report made")[0]
    if ws_with_leaver.db.engine == "sqlite":
        ws_with_leaver.db.scrub(vacuum=True)
        assert found_in_files(home, words) == []


def test_removing_a_pupil_clears_their_parent_from_the_take_down_list(ws_with_leaver, tmp_path, trash):
    """register remove while a photo of him is still up: the post stays on the list (by id:
    it must still come down), its reason no longer names the parent who asked."""
    a = original(tmp_path, SACK_RACE, 3)
    # the caption the approval signed is kept with the export, and proposed for another photo
    # still waiting (s31): neither is recorded with whom it names
    ws_with_leaver.records.add_export(exported(tmp_path, a, 3, [NATHAN], approved_caption=CAPTION),
                          batch="Sports day", channel="website", caption=CAPTION,
                          caption_refs=REFS)
    mark_ready(ws_with_leaver, original(tmp_path, "IMG_0007", 4), caption="Nathan E. as a shepherd")
    ws_with_leaver.records.mark_posted(batch="Sports day", channel="website")
    ws_with_leaver.register.set_consent(NATHAN, "website", False, requested_by=PARENT, requested_on=TODAY)
    [item] = takedown.evaluate(ws_with_leaver.records, ws_with_leaver.register)
    assert "Harriet" in item.reasons[NATHAN]
    with pytest.raises(RegisterError, match="without their name"):
        ws_with_leaver.register.delete_person(NATHAN, reason="Nathan's family asked")
    ws_with_leaver.register.delete_person(NATHAN, reason="the family asked for erasure")
    (row,) = ws_with_leaver.audit.rows(action="register.person-removed")
    assert row["details"]["takedown_reasons_cleared"] == [item.id]
    assert row["details"]["captions_cleared"] == [item.export_id]
    # what is left: the place of the original, while it is there (named after him, it says
    # so itself; deleting it needs its place)
    assert found_in_tables(ws_with_leaver, PUPIL_WORDS) == [f"exports.source_path: {a}"]
    assert found_in_audit(ws_with_leaver, PUPIL_WORDS) == []
    [item] = takedown.evaluate(ws_with_leaver.records, ws_with_leaver.register)      # still to come down
    assert NATHAN in item.people and item.reasons[NATHAN] == "No longer in the register"
    report = purge_batch(ws_with_leaver.records, "Sports day", approvals=ws_with_leaver.approvals)
    assert [i.status for i in report.items] == ["deleted"]
    assert found_in_tables(ws_with_leaver, PUPIL_WORDS) == []
    assert found_in_audit(ws_with_leaver, PUPIL_WORDS) == []


AWARD = "Nathan's reading award"


def test_a_batch_label_naming_a_pupil_is_forgotten_with_them(ws_with_leaver, tmp_path, trash):
    """A batch label typed by staff may name a pupil ("Nathan's reading award"): it is kept
    with each export record and approval, and the export's file name is made from it. When
    he goes (his register row deleted, or the retention schedule removing him from the export
    records) his name in it becomes '[name removed]' as a caption's does, the same words
    everywhere so the batch is still one batch; the exported copy's name too once the
    schedule deleted it. The audit log is never rewritten, so its rows never held the label:
    they name the photo by its content and the export by its record id."""
    a = original(tmp_path, "IMG_0001", 5)
    a_sha = sha(a)
    mark_ready(ws_with_leaver, a, batch=AWARD)
    res = exported(tmp_path, a, 5, [NATHAN])
    named = Path(res.output).with_name("nathan-s-reading-award-001.jpg")
    os.replace(res.output, named)
    res.output = str(named)
    res.faces_shown = [{"box": [0.1, 0.1, 0.2, 0.3], "person": NATHAN}]
    ws_with_leaver.records.add_export(res, batch=AWARD, channel="website")
    ws_with_leaver.records.mark_posted(batch=AWARD, channel="website", files=[named])
    purge_batch(ws_with_leaver.records, AWARD, approvals=ws_with_leaver.approvals)
    ws_with_leaver.register.set_consent(NATHAN, "website", False)          # taken down since
    [item] = takedown.evaluate(ws_with_leaver.records, ws_with_leaver.register)
    assert item.batch == AWARD
    takedown.mark_done(ws_with_leaver.records, [item.id], note="removed from the website")
    assert found_in_audit(ws_with_leaver, ["Nathan", "reading award", "reading-award"]) == []
    hits = [h for h in found_in_tables(ws_with_leaver, ["Nathan"]) if not h.startswith("people.")]
    # s46: his name in the file name, where he has no consent to be named, flags the post (the
    # label check's words); forgotten with him below, as the rest
    [flag] = [h for h in hits if h.startswith("posts.not_allowed: ")]
    assert flag.startswith("posts.not_allowed: nathan-s-reading-award-001.jpg has a file name "
                           "that names someone (\u201cnathan\u201d: "), flag
    assert sorted(h for h in hits if h != flag) == sorted([
        f"approvals.batch: {AWARD}", f"exports.batch: {AWARD}",
        f"exports.output_path: {named}"])

    # the schedule, when all of it is due: the copy, then his records, then his row
    rules = ws_with_leaver.settings.retention
    days = max(rules.export_copies_days, (LEAVES - TODAY).days + max(
        rules.export_records_days_after_leaving, rules.leavers_rows_days_after_leaving))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=days + 1)
    report = ws_with_leaver.retention(lambda: later).apply()
    done = {(i.kind, i.status) for i in report.items}
    assert {("export-copies", "deleted"), ("export-records", "deleted")} <= done, report.items
    assert not named.exists()
    assert found_in_tables(ws_with_leaver, PUPIL_WORDS) == []
    assert found_in_audit(ws_with_leaver, PUPIL_WORDS) == []
    label = f"{CAPTION_NAME_REMOVED} reading award"    # "Nathan's", as in a caption
    assert ws_with_leaver.records.batches() == [label]
    [rec] = ws_with_leaver.records.exports(batch=label)
    assert ws_with_leaver.approvals.get(a_sha, "website").batch == label
    assert Path(rec.output_path).name == f"{CAPTION_NAME_REMOVED} s reading award 001.jpg"
    # where his face was is kept (a report for anyone else covers it), as nobody's
    assert rec.faces_shown == [{"box": [0.1, 0.1, 0.2, 0.3], "person": ""}]
    assert ws_with_leaver.retention(lambda: later).due(("export-copies",)) == []    # not again


def test_removing_a_pupil_forgets_them_in_batch_labels(ws_with_leaver, tmp_path, trash):
    """register remove: a label naming him (first name alone, or his full name) loses his
    name; one naming only another pupil is kept as it is."""
    for n, label in enumerate(("Nathan Ellison: swimming gala", "Sam's certificate")):
        src = original(tmp_path, f"IMG_{n:04d}", 10 + n)
        mark_ready(ws_with_leaver, src, batch=label)
        ws_with_leaver.records.add_export(exported(tmp_path, src, 10 + n, [NATHAN]), batch=label,
                              channel="website")
    ws_with_leaver.register.delete_person(NATHAN, reason="the family asked for erasure")
    assert sorted(ws_with_leaver.records.batches()) == sorted([f"{CAPTION_NAME_REMOVED}: swimming gala",
                                                   "Sam's certificate"])
    assert found_in_tables(ws_with_leaver, PUPIL_WORDS) == []
    assert found_in_audit(ws_with_leaver, PUPIL_WORDS) == []


def test_a_rejected_original_deleted_at_once_is_forgotten_too(ws_with_leaver, tmp_path, trash):
    from photovet.core.transfer import delete_rejected_original

    a = original(tmp_path, SACK_RACE, 4)
    mark_ready(ws_with_leaver, a)
    ws_with_leaver.db.execute("UPDATE approvals SET status = 'rejected', approver = 'Mr Head'")
    delete_rejected_original(a, sha256=sha(a), approvals=ws_with_leaver.approvals, audit=ws_with_leaver.audit)
    assert not a.exists()
    assert found_in_tables(ws_with_leaver, ["sack race"]) == []
    assert found_in_audit(ws_with_leaver, ["sack race"]) == []


def test_existing_registers_forget_the_paths_of_deleted_files(ws_with_leaver, tmp_path):
    """records-0010-deleted-files-by-content, on a register that recorded paths before it:
    finished deletions forget the path (the content hash stays), pending ones keep it, and the
    export records and approvals of a deleted original forget it too."""
    db = ws_with_leaver.db
    gone, kept, pending = (str(tmp_path / f"{n}.JPG") for n in
                           (SACK_RACE, "Sam in the sack race", NATIVITY))
    res = exported(tmp_path, original(tmp_path, "x", 5), 5, [NATHAN])
    rid = ws_with_leaver.records.add_export(res, batch="Sports day", channel="website")
    with db.atomic():
        db.execute("UPDATE exports SET source_path = ? WHERE id = ?", [gone, rid])
        db.execute("INSERT INTO approvals (sha256, channel, status, path) VALUES "
                   "('a1', 'website', 'ready', ?), ('a2', 'website', 'ready', ?)", [gone, kept])
        db.execute("INSERT INTO purges (source_path, sha256, export_id, method, state, "
                   "pending_at) VALUES (?, 'a1', ?, 'trash', 'deleted', 'x'), "
                   "(?, 'a3', ?, 'trash', 'pending', 'x')", [gone, rid, pending, rid])
        db.execute("INSERT INTO retention_deletions (kind, ref, path, sha256, method, state, "
                   "pending_at) VALUES ('originals', ?, ?, 'a4', 'trash', 'deleted', 'x')",
                   [str(tmp_path / "b.JPG"), str(tmp_path / "b.JPG")])
        db.execute("DELETE FROM _migrations WHERE name = 'records-0010-deleted-files-by-content'")
    assert "records-0010-deleted-files-by-content" in {m.name for m in MIGRATIONS}
    from photovet.core.storage.migrations import migrate

    # a copy from a device recorded before: its place was only in the audit log (read)
    with db.atomic():
        db.execute("DROP TABLE device_copies")
        db.execute("DELETE FROM _migrations WHERE name = 'transfer-0001-device-copies'")
        db.execute("UPDATE audit_log SET details = ? WHERE id = (SELECT MAX(id) FROM audit_log)",
                   [json.dumps({"source": "/card/DCIM/IMG_1.JPG", "dest": gone, "sha256": "a1",
                                "new_copy": True})])
        db.execute("UPDATE audit_log SET action = 'device-import-copied' WHERE id = "
                   "(SELECT MAX(id) FROM audit_log)")
    assert migrate(db) == ["transfer-0001-device-copies", "records-0010-deleted-files-by-content"]
    assert [tuple(r) for r in db.all("SELECT sha256, path FROM device_copies")] == [("a1", "")]
    assert db.scalar("SELECT source_path FROM exports WHERE id = ?", [rid]) == ""
    assert [tuple(r) for r in db.all("SELECT sha256, path FROM approvals ORDER BY sha256")] == [
        ("a1", ""), ("a2", kept)]
    assert [tuple(r) for r in db.all("SELECT sha256, source_path FROM purges ORDER BY id")] == [
        ("a1", ""), ("a3", pending)]
    assert [tuple(r) for r in db.all("SELECT ref, path FROM retention_deletions")] == [
        ("sha256:a4", "")]
    assert migrate(db) == []


WINS = "https://oakfield.example/news/nathan-ellison-wins-the-sack-race"


@pytest.mark.parametrize("how", ["register-remove", "retention"])
def test_posts_take_downs_and_withdrawals_forget_a_pupil(ws_with_leaver, tmp_path, trash, how):
    """s33: a post's web address names him ("/news/nathan-ellison-wins..."; the post happened,
    so it is kept as given), a take-down note and why a post was not allowed were written
    before the free-text check existed, and his sister's withdrawal says who asked as "Nathan's
    mum". When he is forgotten (his register row deleted, or the retention schedule removing
    him from the export records) each loses his name as a caption does, word by word inside a
    web address or a file name; the rest stays, and a post still to come down keeps where it
    is. The audit log never held the address."""
    a = original(tmp_path, "IMG_0021", 21)
    rid = ws_with_leaver.records.add_export(exported(tmp_path, a, 21, [NATHAN, SAM]), batch="Sports day",
                                channel="website")
    ws_with_leaver.records.mark_posted(batch="Sports day", channel="website", url=WINS)
    # the same photo posted twice that day: two addresses that differ only by his name
    ws_with_leaver.records.mark_posted(batch="Sports day", channel="website",
                           url="https://oakfield.example/news/NathanWins")
    ws_with_leaver.records.mark_posted(batch="Sports day", channel="website",
                           url="https://oakfield.example/news/ellison%20wins")
    ws_with_leaver.register.set_consent(NATHAN, "website", False, requested_by=PARENT, requested_on=TODAY)
    ws_with_leaver.register.set_consent(SAM, "website", False, requested_by="Mrs Stayer (mother), by email",
                            requested_on=TODAY)
    items = takedown.evaluate(ws_with_leaver.records, ws_with_leaver.register)
    takedown.mark_done(ws_with_leaver.records, [i.id for i in items], note="removed from the website")
    assert found_in_audit(ws_with_leaver, PUPIL_WORDS) == []      # the address is not in the audit log
    # written before the checks (or by an older version): straight into the tables
    with ws_with_leaver.db.atomic():
        ws_with_leaver.db.execute("UPDATE takedown_items SET note = ?",
                      ["Took down Nathan's photo (nathan-ellison-wins.jpg), told the office"])
        ws_with_leaver.db.execute("UPDATE posts SET not_allowed = ? WHERE url = ?",
                      ["nathan-ellison-wins.jpg is on the take-down list because Nathan "
                       "Ellison's consent was withdrawn", WINS])
        ws_with_leaver.db.execute("UPDATE consent_history SET requested_by = ? WHERE person_id = ? AND "
                      "requested_by IS NOT NULL", ["Nathan's mum, by phone", SAM])
        ws_with_leaver.db.execute("UPDATE takedown_items SET closed_reason = ?",
                      ["Nathan Ellison's consent given again"])      # (s34)
    assert len(found_in_tables(ws_with_leaver, ["nathan"])) > 5

    if how == "register-remove":
        ws_with_leaver.register.delete_person(NATHAN, reason="the family asked for erasure")
    else:
        rules = ws_with_leaver.settings.retention
        later = dt.datetime.now(dt.UTC) + dt.timedelta(
            days=(LEAVES - TODAY).days + rules.export_records_days_after_leaving + 1)
        report = ws_with_leaver.retention(lambda: later).apply(
            ws_with_leaver.retention(lambda: later).due(("export-records",)))
        assert [(i.kind, i.status) for i in report.items] == [("export-records", "deleted")]
        assert ws_with_leaver.register.find(NATHAN) is not None       # his row is still there

    hits = [h for h in found_in_tables(ws_with_leaver, PUPIL_WORDS)
            if not h.startswith(("people.", "consent_history.", "former_names."))
            or h.startswith("consent_history.requested_by: Nathan")]
    assert hits == []
    assert found_in_audit(ws_with_leaver, PUPIL_WORDS) == []
    urls = sorted(p.url for p in ws_with_leaver.records.get(rid).posts)
    assert urls == sorted([f"https://oakfield.example/news/{CAPTION_NAME_REMOVED}-wins-the-sack-race",
                           f"https://oakfield.example/news/{CAPTION_NAME_REMOVED}Wins",
                           # "ellison wins" became the same words: kept apart
                           f"https://oakfield.example/news/{CAPTION_NAME_REMOVED} wins"])
    notes = {r[0] for r in ws_with_leaver.db.all("SELECT note FROM takedown_items")}
    assert notes == {f"Took down {CAPTION_NAME_REMOVED} photo ({CAPTION_NAME_REMOVED}-wins.jpg), "
                     "told the office"}
    closed = {r[0] for r in ws_with_leaver.db.all("SELECT closed_reason FROM takedown_items")}
    assert closed == {f"{CAPTION_NAME_REMOVED}'s consent given again"}
    assert ws_with_leaver.db.scalar("SELECT not_allowed FROM posts WHERE url LIKE '%sack-race'") == (
        f"{CAPTION_NAME_REMOVED}-wins.jpg is on the take-down list because "
        f"{CAPTION_NAME_REMOVED}'s consent was withdrawn")
    [sam_asked] = [h.requested_by for h in ws_with_leaver.register.history(SAM) if h.requested_by]
    assert sam_asked == f"{CAPTION_NAME_REMOVED}'s mum, by phone"


def test_a_web_address_loses_only_the_words_that_name_them():
    """The words of a web address, read as words: a name run together or in mixed case, an
    "s" after it, percent-encoded; an address that names nobody is kept exactly as given."""
    import re

    from photovet.core.models import Person
    from photovet.core.records.exports import _scrubber
    from photovet.core.records.forgetting import Forgetter

    sam = Person("S1", "Sam", "Hale")

    def whole(w):
        return re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE)

    forget = Forgetter(sam, _scrubber(sam, [whole("Sam Hale")], whole), ["Sam Hale"])
    gone = CAPTION_NAME_REMOVED
    for url, left in [
            ("https://oakfield.example/news/sam-hale-wins", f"https://oakfield.example/news/{gone}-wins"),
            ("https://oakfield.example/news/samhale-wins", f"https://oakfield.example/news/{gone}-wins"),
            ("https://x.example/SamHaleWins?id=3", f"https://x.example/{gone}Wins?id=3"),
            ("https://x.example/news/sam%20hale", f"https://x.example/news/{gone}"),
            ("https://x.example/news/sams-award", f"https://x.example/news/{gone}-award"),
            ("https://x.example/p/a%20b?id=1", "https://x.example/p/a%20b?id=1"),
            ("https://facebook.com/oakfield/posts/9912", "https://facebook.com/oakfield/posts/9912")]:
        assert forget.web(url) == left, url
    # a note: its file names and web addresses word by word, the rest as a caption's words
    assert forget.text("Hope it is gone: sam-hale-wins.jpg") == f"Hope it is gone: {gone}-wins.jpg"
    # who asked for another pupil's withdrawal: his full name, or his first name as someone's
    # child; a first name alone may be the parent's own
    assert forget.requester("Sam's mum, by phone") == f"{gone}'s mum, by phone"
    assert forget.requester("Sam Jones (mother)") == "Sam Jones (mother)"
    assert forget.requester("Mrs Hale (mother)") == "Mrs Hale (mother)"


@pytest.fixture
def ws_three_leavers(tmp_path):
    w = Workspace.open(tmp_path / "home", access=office_access("Mrs Office"))
    csv = tmp_path / "register.csv"
    csv.write_text("Admission No,Surname,Forename,Leaving Date,Consent: School Website\n"
                   f"{NATHAN},Ellison,Nathan,{LEAVES:%d/%m/%Y},Yes\n"
                   f"E1,Marsh,Ella,{LEAVES:%d/%m/%Y},Yes\n"
                   f"O1,Pike,Olly,{LEAVES:%d/%m/%Y},Yes\n"
                   f"{SAM},Stayer,Sam,,Yes\n", encoding="utf-8")
    assert w.import_register(csv).applied
    yield w
    w.close()


LEAVERS = {NATHAN: ("nathan-ellison", "Nathan", "Ellison"), "E1": ("ella-marsh", "Ella", "Marsh"),
           "O1": ("olly-pike", "Olly", "Pike")}


def _three_posted(ws, tmp_path):
    """Each leaver in a photo posted at an address naming them, a take-down note naming them
    (typed before the checks); Ella's and Sam's withdrawals asked by "Nathan's mum" and "Olly
    Pike's dad"."""
    for n, (pid, (slug, _first, _last)) in enumerate(LEAVERS.items()):
        src = original(tmp_path, f"IMG_00{n}", 30 + n)
        ws.records.add_export(exported(tmp_path, src, 30 + n, [pid]), batch=f"Day {n}",
                              channel="website")
        ws.records.mark_posted(batch=f"Day {n}", channel="website",
                               url=f"https://oakfield.example/news/{slug}-wins")
    for pid in (*LEAVERS, SAM):
        ws.register.set_consent(pid, "website", False, requested_by="by email", requested_on=TODAY)
    items = takedown.evaluate(ws.records, ws.register)
    takedown.mark_done(ws.records, [i.id for i in items], note="removed from the website")
    with ws.db.atomic():
        for pid, (_slug, first, _last) in LEAVERS.items():
            ws.db.execute("UPDATE takedown_items SET note = ? WHERE people LIKE ?",
                          [f"Took down {first}'s photo", f'%"{pid}"%'])
        ws.db.execute("UPDATE consent_history SET requested_by = ? WHERE person_id = 'E1' AND "
                      "requested_by IS NOT NULL", ["Nathan's mum, by phone"])
        ws.db.execute("UPDATE consent_history SET requested_by = ? WHERE person_id = ? AND "
                      "requested_by IS NOT NULL", ["Olly Pike's dad", SAM])


def test_leavers_due_together_are_read_once_and_forgotten_one_by_one(
        ws_three_leavers, tmp_path, monkeypatch):
    """s34: a retention run reads the stored texts once for the leavers due one after another
    (up to FORGET_BATCH at once); s35: then forgets each in a transaction of their own (all
    of them in one held the writer lock ~20 s for 60 leavers). The result is as one by one:
    Ella's withdrawal, asked by "Nathan's mum", loses his name; one audit row each."""
    from photovet.core import retention
    from photovet.core.records import exports

    ws = ws_three_leavers
    _three_posted(ws, tmp_path)
    reads, writes = [], []
    real = exports.forget_names

    first_two: dict[str, int] = {}          # what the caption check read for E1 and N1

    def watched(db, gone, **kw):
        if [g[0] for g in gone] == ["O1"] and not first_two:
            first_two.update(read)
        if kw.get("learn") is not None:
            reads.append(sorted(g[0] for g in gone))
        else:
            assert ws.db._depth == 1        # in a transaction of its own, not a longer one
            writes.append((sorted(g[0] for g in gone), bool(kw.get("known"))))
        return real(db, gone, **kw)

    monkeypatch.setattr(exports, "forget_names", watched)
    monkeypatch.setattr(retention, "FORGET_BATCH", 2)
    from collections import Counter

    from photovet.core.vision.text import captions

    read: Counter[str] = Counter()
    real_mentions = captions.caption_mentions
    monkeypatch.setattr(captions, "caption_mentions",
                        lambda text, *a, **kw: read.update([text]) or real_mentions(text, *a, **kw))
    rules = ws.settings.retention
    later = dt.datetime.now(dt.UTC) + dt.timedelta(
        days=(LEAVES - TODAY).days + rules.export_records_days_after_leaving + 1)
    sched = ws.retention(lambda: later)
    report = sched.apply(sched.due(("export-records",)))
    assert [(i.kind, i.status) for i in report.items] == [("export-records", "deleted")] * 3
    assert reads == [["E1", NATHAN]]                     # read once for the two together
    # by the caption check, each text once: not again for each of them (a text one of them
    # changed is read once more, for both)
    assert first_two and max(first_two.values()) == 1, first_two
    assert sorted(writes) == [(["E1"], True), ([NATHAN], True), (["O1"], False)]
    names = [w for _slug, first, last in LEAVERS.values() for w in (first, last)]
    hits = [h for h in found_in_tables(ws, names)
            if not h.startswith(("people.", "consent_history.person_id"))]
    assert hits == []
    asked = {r[0]: r[1] for r in ws.db.all(
        "SELECT person_id, requested_by FROM consent_history WHERE requested_by != 'by email' "
        "AND requested_by IS NOT NULL")}
    assert asked == {"E1": f"{CAPTION_NAME_REMOVED}'s mum, by phone",
                     SAM: f"{CAPTION_NAME_REMOVED}'s dad"}
    urls = sorted(r[0] for r in ws.db.all("SELECT url FROM posts"))
    assert urls == [f"https://oakfield.example/news/{CAPTION_NAME_REMOVED}-wins"] * 3
    rows = ws.audit.rows(action="retention.export-records")
    assert sorted(r["details"]["person"] for r in rows) == sorted(LEAVERS)

    # then their register rows: together too, one audit row each
    reads.clear()
    writes.clear()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(
        days=(LEAVES - TODAY).days + rules.leavers_rows_days_after_leaving + 1)
    sched = ws.retention(lambda: later)
    report = sched.apply(sched.due(("leavers-rows",)))
    assert [(i.kind, i.status) for i in report.items] == [("leavers-rows", "deleted")] * 3
    assert reads == [["E1", NATHAN]]
    assert sorted(writes) == [(["E1"], True), ([NATHAN], True), (["O1"], False)]
    assert all(ws.register.find(pid) is None for pid in LEAVERS)
    assert sorted(r["details"]["person_id"] for r in ws.audit.rows(
        action="register.person-removed")) == sorted(LEAVERS)
    assert found_in_tables(ws, names) == [] and found_in_audit(ws, names) == []


def test_a_run_cut_short_between_two_leavers_leaves_the_first_done_and_goes_on(
        ws_three_leavers, tmp_path, monkeypatch):
    """s35: each leaver is forgotten in a transaction of their own. A run cut short in the
    middle of the second (here: the PC switched off) leaves the first forgotten, complete and
    audited, the second and third as they were, and due: the next run goes on with them."""
    from photovet.core.records import exports

    ws = ws_three_leavers
    _three_posted(ws, tmp_path)
    real = exports.forget_names
    done: list[str] = []

    def cut(db, gone, **kw):
        out = real(db, gone, **kw)
        if kw.get("learn") is None:
            done.append(gone[0][0])
            if len(done) == 2:
                raise KeyboardInterrupt    # not an error of one leaver: the run stops
        return out

    monkeypatch.setattr(exports, "forget_names", cut)
    rules = ws.settings.retention
    later = dt.datetime.now(dt.UTC) + dt.timedelta(
        days=(LEAVES - TODAY).days + rules.export_records_days_after_leaving + 1)
    sched = ws.retention(lambda: later)
    with pytest.raises(KeyboardInterrupt):
        sched.apply(sched.due(("export-records",)))
    first = done[0]
    people = {str(r[0]) for r in ws.db.all("SELECT person FROM export_people")}
    assert first not in people and set(LEAVERS) - {first} <= people
    assert [r["details"]["person"] for r in ws.audit.rows(
        action="retention.export-records")] == [first]
    slug = LEAVERS[first][0]
    assert not [u for (u,) in ws.db.all("SELECT url FROM posts") if slug in u]
    assert sorted(i.data["person"] for i in sched.due(("export-records",))) == sorted(
        set(LEAVERS) - {first})
    monkeypatch.setattr(exports, "forget_names", real)
    report = sched.apply(sched.due(("export-records",)))
    assert [i.status for i in report.items] == ["deleted"] * 2


def test_a_leaver_that_cannot_be_forgotten_keeps_nobody_else(ws_three_leavers, tmp_path,
                                                            monkeypatch):
    """One leaver's forgetting fails (an error of theirs): the others are forgotten, theirs
    is an error, said, and stays due (the texts read for all of them together fails too:
    each is then read alone)."""
    from photovet.core.records import exports

    ws = ws_three_leavers
    _three_posted(ws, tmp_path)
    real = exports.forget_names

    def fails_for_olly(db, gone, **kw):
        if any(g[0] == "O1" for g in gone):
            raise ValueError("unreadable")
        return real(db, gone, **kw)

    monkeypatch.setattr(exports, "forget_names", fails_for_olly)
    rules = ws.settings.retention
    later = dt.datetime.now(dt.UTC) + dt.timedelta(
        days=(LEAVES - TODAY).days + rules.export_records_days_after_leaving + 1)
    sched = ws.retention(lambda: later)
    report = sched.apply(sched.due(("export-records",)))
    status = {i.data["person"]: i.status for i in report.items}
    assert status == {NATHAN: "deleted", "E1": "deleted", "O1": "error"}
    assert "unreadable" in [i for i in report.items if i.data["person"] == "O1"][0].reason
    assert [i.data["person"] for i in sched.due(("export-records",))] == ["O1"]
