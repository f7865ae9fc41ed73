"""The retention schedule (issue 18), with a fake clock: what is due on which day, what is kept
and why, deleting with the safety of purge (trash by default, audit row before, crash-safe),
and an analysis cache that keeps ids, never names."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from photovet.core.models import Face
from photovet.core.pipeline import Engine
from photovet.core.records import takedown
from photovet.core.transfer import PURGE_PREFIX, import_from_device
from photovet.core.workspace import Workspace
from tests.conftest import office_access
from tests.core.afterpost_util import make_export, photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

NOW = dt.datetime.now(dt.UTC)
TODAY = NOW.date()
LEAVES = TODAY + dt.timedelta(days=10)          # the leaver leaves after the photo was exported


def clock_at(days: int):
    """``days`` after the moment it is asked (not after the module was imported: a run that
    crosses midnight, as a CI run did, would otherwise be a day out against the photos' dates)."""
    return lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


@pytest.fixture
def ws_with_leaver(tmp_path):
    w = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    csv = tmp_path / "register.csv"
    csv.write_text("Admission No,Surname,Forename,Leaving Date,Consent: School Website,"
                   "Name with photo\n"
                   f"L1,Leaver,Lola,{LEAVES.strftime('%d/%m/%Y')},Yes,No\n"
                   "S1,Stayer,Sam,,Yes,No\n", encoding="utf-8")
    assert w.import_register(csv).applied
    yield w
    w.close()


@pytest.fixture
def trash(monkeypatch, tmp_path):
    """send2trash into a folder of the test (the system's trash is not touched)."""
    bin_ = tmp_path / "trash"
    bin_.mkdir()

    def fake(path):
        p = Path(path)
        os.replace(p, bin_ / p.name)

    monkeypatch.setattr("send2trash.send2trash", fake)
    return bin_


def imported(ws, tmp_path, n=2) -> list[Path]:
    device = tmp_path / "DCIM"
    device.mkdir()
    for i in range(n):
        photo(100 + i).save(device / f"IMG_{i}.JPG", "JPEG", quality=90)
    dest = tmp_path / "photos"
    steps = list(import_from_device(device, dest, audit=ws.audit))
    return [Path(s.result.dest) for s in steps if s.result is not None]


def kinds(items):
    return sorted({i.kind for i in items})


def test_originals_never_exported_are_due_after_the_period(ws_with_leaver, tmp_path, trash):
    a, b = imported(ws_with_leaver, tmp_path)
    res = make_export(tmp_path, 7, name="exported")
    # b's content was exported (under another path): only a is "never exported"
    res.source_sha256 = __import__("hashlib").sha256(b.read_bytes()).hexdigest()
    ws_with_leaver.records.add_export(res, batch="Trip", channel="website")
    days = ws_with_leaver.settings.retention.originals_days
    assert [i for i in ws_with_leaver.retention(clock_at(days - 1)).due(("originals",))] == []
    [due] = ws_with_leaver.retention(clock_at(days)).due(("originals",))
    assert due.path == str(a.resolve())
    assert due.due_on == dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)
    assert "never exported" in due.what and "IMG_0.JPG" in due.what
    report = ws_with_leaver.retention(clock_at(days)).apply(items=[due])
    assert due.status == "deleted" and not a.exists() and (trash / a.name).exists() and b.exists()
    actions = [r["action"] for r in ws_with_leaver.audit.rows()]
    i_pending, i_done = actions.index("retention.delete-pending"), actions.index("retention.deleted")
    assert i_pending < i_done and actions[-1] == "retention.applied"
    assert report.ok and ws_with_leaver.retention(clock_at(days)).due(("originals",)) == []


@pytest.mark.skipif(os.name == "nt" or __import__("sys").platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_a_device_photo_whose_name_is_not_utf8_is_due_and_deleted(ws_with_leaver, tmp_path,
                                                                    trash):
    """A photo from an older camera named "caf\\xe9.JPG" in Latin-1: a PostgreSQL register
    refused its copy's record and the import stopped there; SQLite stored its place with the
    byte as \\xNN, which named no file, so the schedule never listed it and it was kept for
    good. It is recorded on both engines, listed readably when due, deleted (the file itself,
    checked by its content), and its place forgotten."""
    device = tmp_path / "DCIM"
    device.mkdir()
    raw = os.fsdecode(os.fsencode(device) + b"/caf\xe9.JPG")
    try:
        photo(100).save(raw, "JPEG", quality=90)
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    photo(101).save(device / "IMG_1.JPG", "JPEG", quality=90)
    steps = list(import_from_device(device, tmp_path / "photos", audit=ws_with_leaver.audit))
    results = sorted((s.result for s in steps if s.result is not None),
                     key=lambda r: r.source != raw)
    assert [r.error for r in results] == [None, None]
    copy = Path(results[0].dest)
    assert os.fsencode(copy.name) == b"caf\xe9.JPG"
    days = ws_with_leaver.settings.retention.originals_days
    due = sorted(ws_with_leaver.retention(clock_at(days)).due(("originals",)),
                 key=lambda i: i.path)
    assert [i.path for i in due] == sorted([str(copy), str(Path(results[1].dest))])
    mine = next(i for i in due if i.path == str(copy))
    assert mine.what.startswith("caf\\xe9.JPG (copied from a device on ")
    ws_with_leaver.retention(clock_at(days)).apply(items=[mine])
    assert mine.status == "deleted", mine.reason
    assert not os.path.lexists(copy) and os.fsencode(os.listdir(trash)[0]) == b"caf\xe9.JPG"
    assert [i.path for i in ws_with_leaver.retention(clock_at(days)).due(("originals",))] == [
        results[1].dest]
    assert ("",) in ws_with_leaver.db.all("SELECT path FROM device_copies")


def test_an_exported_original_with_no_copy_left_is_due_after_the_period(ws_with_leaver, tmp_path, trash):
    """Audit s29: purge deletes an original only beside a verified exported copy, and the
    schedule listed only originals never exported, so once the copy was gone (taken down with
    its copy after a withdrawal, or deleted as an export copy by this schedule) nothing ever
    deleted the original: a withdrawn pupil's photo was kept for good. Now it is due
    ``originals_days`` after its last export; one whose copy is still here stays purge's."""
    a, b = imported(ws_with_leaver, tmp_path)
    for n, original in enumerate((a, b)):
        res = make_export(tmp_path, 20 + n, name=f"exported{n}")
        res.source, res.source_sha256 = str(original), hashlib.sha256(
            original.read_bytes()).hexdigest()
        ws_with_leaver.records.add_export(res, batch="Trip", channel="website")
        if original == a:
            Path(res.output).unlink()      # the copy deleted with its take-down
    days = ws_with_leaver.settings.retention.originals_days
    assert ws_with_leaver.retention(clock_at(days - 1)).due(("originals",)) == []
    [due] = ws_with_leaver.retention(clock_at(days)).due(("originals",))
    assert due.path == str(a.resolve()) and "no exported copy left on this PC" in due.what
    assert due.due_on == dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)
    ws_with_leaver.retention(clock_at(days)).apply(items=[due])
    assert due.status == "deleted" and not a.exists() and (trash / a.name).exists() and b.exists()
    # the export copies' period passes too: one run deletes b's copy, then b
    ws_with_leaver.settings.retention.export_copies_days = days
    report = ws_with_leaver.retention(clock_at(days)).apply()
    assert [(i.kind, i.status) for i in report.items] == [("export-copies", "deleted"),
                                                          ("originals", "deleted")]
    assert not b.exists() and (trash / b.name).exists()


@pytest.mark.skipif(os.name == "nt" or __import__("sys").platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_an_export_copy_in_a_folder_not_utf8_is_found_by_the_schedule(ws_with_leaver, tmp_path,
                                                                       trash):
    """The copy's place is stored with the folder's odd byte as \\xNN. Read as text it named
    no file: its original was listed as having no exported copy left and deleted by the
    schedule beside its copy (purge's to delete, once that copy is posted), and the copy itself
    was never due, kept for good. Both are found as the files they are."""
    [a] = imported(ws_with_leaver, tmp_path, n=1)
    folder = os.fsdecode(os.fsencode(tmp_path) + b"/Sorti\xe9es")
    try:
        os.mkdir(folder)
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    res = make_export(tmp_path, 30, name="exported")
    copy = os.path.join(folder, "trip-001.jpg")
    os.rename(res.output, copy)
    res.output = copy
    res.source, res.source_sha256 = str(a), hashlib.sha256(a.read_bytes()).hexdigest()
    ws_with_leaver.records.add_export(res, batch="Trip", channel="website")
    days = ws_with_leaver.settings.retention.originals_days
    ws_with_leaver.settings.retention.export_copies_days = days
    due = ws_with_leaver.retention(clock_at(days)).due(("originals", "export-copies"))
    assert [(i.kind, i.path) for i in due] == [("export-copies", copy)], [i.what for i in due]
    assert due[0].what.startswith("trip-001.jpg (export record ")
    report = ws_with_leaver.retention(clock_at(days)).apply()
    assert [(i.kind, i.status) for i in report.items] == [("export-copies", "deleted"),
                                                          ("originals", "deleted")]
    assert not os.path.lexists(copy) and not a.exists()


def test_a_changed_original_is_kept_and_says_why(ws_with_leaver, tmp_path, trash):
    [a] = imported(ws_with_leaver, tmp_path, n=1)
    a.write_bytes(a.read_bytes() + b"edited")
    sched = ws_with_leaver.retention(clock_at(ws_with_leaver.settings.retention.originals_days))
    report = sched.apply()
    [item] = [i for i in report.items if i.kind == "originals"]
    assert item.status == "kept" and "changed since" in item.reason and a.exists()


@pytest.mark.parametrize("permanent", [False, True])
def test_an_original_with_a_second_name_is_kept_and_says_why(ws_with_leaver, tmp_path, trash, permanent):
    """Deleting one name of a file with two would not delete the photo, and overwriting it
    would change the other name's file: kept, with the reason (as the batch purge)."""
    [a] = imported(ws_with_leaver, tmp_path, n=1)
    data = a.read_bytes()
    other = tmp_path / "kept-elsewhere.jpg"
    os.link(a, other)
    sched = ws_with_leaver.retention(clock_at(ws_with_leaver.settings.retention.originals_days))
    report = sched.apply(permanent=permanent)
    [item] = [i for i in report.items if i.kind == "originals"]
    assert item.status == "kept" and "hard link" in item.reason
    assert a.read_bytes() == data and other.read_bytes() == data and not list(trash.iterdir())


def test_export_copies_are_due_after_the_period_and_the_record_stays(ws_with_leaver, tmp_path, trash):
    res = make_export(tmp_path, 1)
    ws_with_leaver.records.add_export(res, batch="Trip", channel="website")
    days = ws_with_leaver.settings.retention.export_copies_days
    assert ws_with_leaver.retention(clock_at(days - 1)).due(("export-copies",)) == []
    [due] = ws_with_leaver.retention(clock_at(days)).due(("export-copies",))
    ws_with_leaver.retention(clock_at(days)).apply(items=[due], permanent=True)
    assert due.status == "deleted" and not Path(res.output).exists()
    assert not any(trash.iterdir())                    # permanent: not in the trash
    assert len(ws_with_leaver.records.exports()) == 1              # the record is kept (take-down, SAR)


def test_a_leaver_is_kept_in_the_records_while_a_photo_of_them_is_still_up(ws_with_leaver, tmp_path, trash):
    res = make_export(tmp_path, 2, shown=["L1", "S1"])
    rid = ws_with_leaver.records.add_export(res, batch="Trip", channel="website")
    ws_with_leaver.records.mark_posted(batch="Trip", channel="website")
    days = ws_with_leaver.settings.retention.export_records_days_after_leaving
    due_day = (LEAVES - TODAY).days + days
    assert ws_with_leaver.retention(clock_at(due_day - 1)).due(("export-records",)) == []
    sched = ws_with_leaver.retention(clock_at(due_day))
    [item] = sched.due(("export-records",))
    assert item.ref == "person:L1" and "take-down" in item.held
    # the leaver's register row is held too: the export records still list them
    [row] = sched.due(("leavers-rows",))
    assert "export records still list them" in row.held
    report = sched.apply()
    assert {i.kind: i.status for i in report.items if i.ref == "person:L1"} == {
        "export-records": "kept", "leavers-rows": "kept"}
    # taken down: now the leaver is removed from the records, then their row goes
    items = takedown.evaluate(ws_with_leaver.records, ws_with_leaver.register, TODAY + dt.timedelta(days=due_day))
    takedown.mark_done(ws_with_leaver.records, [i.id for i in items])
    report = ws_with_leaver.retention(clock_at(due_day)).apply()
    assert [i.status for i in report.items if i.kind == "export-records"] == ["deleted"]
    # and in the same run their row, which the records no longer hold back (audit s29: it
    # took a second run)
    assert [i.status for i in report.items if i.kind == "leavers-rows"] == ["deleted"]
    rec = ws_with_leaver.records.get(rid)
    assert rec.people_shown == ["S1"] and "L1" not in rec.people
    assert ws_with_leaver.db.scalar("SELECT COUNT(*) FROM export_people WHERE person = 'L1'") == 0
    # the take-down list forgets them too: whom the item lists and why (audit s29)
    for people, reasons in ws_with_leaver.db.all("SELECT people, reasons FROM takedown_items"):
        assert "L1" not in json.loads(people) and "L1" not in json.loads(reasons)
    assert ws_with_leaver.register.find("L1") is None and ws_with_leaver.register.find("S1") is not None
    assert any(r["action"] == "register.person-removed" for r in ws_with_leaver.audit.rows())


def test_a_leaver_named_only_in_a_caption_is_due_and_then_forgotten_there_too(ws_with_leaver, tmp_path):
    """s25: a caption records whom it refers to; a leaver named only there is listed in the
    export records (due on the schedule) and removed from the caption's record as well."""
    from photovet.core.records.exports import CaptionRef

    rid = ws_with_leaver.records.add_export(make_export(tmp_path, 3, shown=["S1"]), batch="Trip",
                                channel="website", caption="Sam and LL",
                                caption_refs=[CaptionRef("L1", "LL", "initials")])
    due_day = (LEAVES - TODAY).days + ws_with_leaver.settings.retention.export_records_days_after_leaving
    sched = ws_with_leaver.retention(clock_at(due_day))
    [item] = sched.due(("export-records",))
    assert item.ref == "person:L1" and item.data["exports"] == 1
    [row] = sched.due(("leavers-rows",))
    assert "export records still list them" in row.held
    items = takedown.evaluate(ws_with_leaver.records, ws_with_leaver.register, TODAY + dt.timedelta(days=due_day))
    takedown.mark_done(ws_with_leaver.records, [i.id for i in items])
    ws_with_leaver.retention(clock_at(due_day)).apply(items=ws_with_leaver.retention(clock_at(due_day)).due(
        ("export-records",)))
    assert "L1" not in ws_with_leaver.records.get(rid).people
    assert ws_with_leaver.db.scalar("SELECT COUNT(*) FROM caption_people WHERE person = 'L1'") == 0


def test_leavers_signatures_are_due_on_the_schedule(ws_with_leaver):
    import numpy as np

    ws_with_leaver.register.store_signatures({"L1": [(np.ones(128) * 0.1, "l1.jpg")]}, replace=True,
                                 source="test")
    days = (LEAVES - TODAY).days + ws_with_leaver.settings.retention.purge_encodings_days_after_leaving
    assert ws_with_leaver.retention(clock_at(days - 1)).due(("signatures",)) == []
    [item] = ws_with_leaver.retention(clock_at(days)).due(("signatures",))
    ws_with_leaver.retention(clock_at(days)).apply(items=[item])
    assert item.status == "deleted" and ws_with_leaver.register.enrolment_count("L1") == 0


def test_face_signatures_due_later_are_listed_with_their_day(ws_with_leaver, tmp_path):
    """Audit s28, finding 6: last July's Year 6 are absent from September's MIS file; their face
    signatures fall due 30 days after that import, and "Due for deletion" said nothing of them.
    ``signatures_coming`` lists each enrolled leaver or person no longer in the file whose day
    has not come, with the day and why; never the current pupils, never one already due."""
    import numpy as np

    for pid in ("L1", "S1"):
        ws_with_leaver.register.store_signatures({pid: [(np.ones(128) * 0.1, f"{pid}.jpg")]}, replace=True,
                                     source="test")
    sched = ws_with_leaver.retention()
    [lola] = sched.signatures_coming()               # Lola leaves in 10 days; Sam stays
    assert (lola.ref, lola.due_on, lola.status) == ("person:L1", LEAVES, "coming")
    assert lola.what == f"L1: 1 face signature; left {LEAVES:%d/%m/%Y}" and lola.data["left"]
    # Sam is not in the next file: due 30 days after it (the school's grace period)
    csv = tmp_path / "september.csv"
    csv.write_text("Admission No,Surname,Forename,Leaving Date,Consent: School Website,"
                   "Name with photo\n"
                   f"L1,Leaver,Lola,{LEAVES.strftime('%d/%m/%Y')},Yes,No\n", encoding="utf-8")
    assert ws_with_leaver.import_register(csv).applied
    grace = ws_with_leaver.settings.retention.purge_encodings_days_after_missing
    coming = {i.ref: i for i in ws_with_leaver.retention().signatures_coming()}
    sam = coming["person:S1"]
    assert sam.due_on == TODAY + dt.timedelta(days=grace) and not sam.data["left"]
    assert sam.what == f"S1: 1 face signature; not in the MIS file since {TODAY:%d/%m/%Y}"
    # on the day it is due it is in ``due``, no longer "coming"; nothing of it is deleted here
    later = ws_with_leaver.retention(clock_at(grace))
    assert "person:S1" in {i.ref for i in later.due(("signatures",))}
    assert "person:S1" not in {i.ref for i in later.signatures_coming()}
    assert ws_with_leaver.register.enrolment_count("S1") == 1


def test_the_analysis_cache_is_cleared_by_age(ws_with_leaver):
    old = ws_with_leaver.cache.root / "ab" / "old.json"
    new = ws_with_leaver.cache.root / "cd" / "new.json"
    for f in (old, new):
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("{}")
    past = (NOW - dt.timedelta(days=ws_with_leaver.settings.retention.cache_days + 1)).timestamp()
    os.utime(old, (past, past))
    [item] = ws_with_leaver.retention().due(("cache",))
    assert item.data["files"] == [str(old)]
    ws_with_leaver.retention().apply(items=[item])
    assert not old.exists() and new.exists()


def test_the_analysis_cache_folders_are_owner_only(ws_with_leaver):
    """Audit s29: a cache entry's folder was made 0700 but the cache folder above it, made on
    the way (``mkdir(parents=True)`` gives ``mode`` to the last folder only), 0755."""
    sha = "ab" * 32
    ws_with_leaver.cache.put(sha, "k1", {"faces": []})
    assert ws_with_leaver.cache.get(sha, "k1") is not None
    for folder in (ws_with_leaver.cache.root, ws_with_leaver.cache.root / "ab"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for f in ws_with_leaver.cache.files():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_an_interrupted_permanent_deletion_is_finished_by_the_next_run(ws_with_leaver, tmp_path):
    res = make_export(tmp_path, 3)
    ws_with_leaver.records.add_export(res, batch="Trip", channel="website")
    out = Path(res.output)
    # as if the process died after the pending row and the rename, before the overwrite
    ws_with_leaver.db.execute("INSERT INTO retention_deletions (kind, ref, path, sha256, method, state, "
                  "pending_at) VALUES ('export-copies', ?, ?, ?, 'overwrite', 'pending', ?)",
                  [str(out), str(out), res.output_sha256, NOW.isoformat()])
    hidden = out.with_name(PURGE_PREFIX + out.name)
    os.rename(out, hidden)
    assert ws_with_leaver.retention().finish_interrupted() == 1
    assert not hidden.exists()
    assert ws_with_leaver.db.scalar("SELECT state FROM retention_deletions") == "deleted"
    row = ws_with_leaver.audit.rows(action="retention.deleted")[-1]
    assert row["details"]["finished_after_interruption"] is True


@pytest.mark.skipif(os.name == "nt" or __import__("sys").platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
@pytest.mark.parametrize("crashed", ["before the rename", "after the rename"])
def test_an_interrupted_deletion_of_a_name_not_utf8_is_finished_or_listed_again(
        ws_with_leaver, tmp_path, crashed):
    """The pending row keeps the place as stored (the odd byte as \\xNN). Read as text it
    named no file: a deletion cut short was marked done, the photo still in place or its
    hidden copy (a pupil's photo meant deleted for good) left on the disk, and never looked
    for again. It is finished (hidden) or listed again (still in place)."""
    raw = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.JPG")
    try:
        photo(100).save(raw, "JPEG", quality=90)
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    ws_with_leaver.db.execute(
        "INSERT INTO retention_deletions (kind, ref, path, sha256, method, state, pending_at) "
        "VALUES ('originals', ?, ?, ?, 'overwrite', 'pending', ?)",
        [raw, raw, hashlib.sha256(Path(raw).read_bytes()).hexdigest(), NOW.isoformat()])
    hidden = os.fsdecode(os.fsencode(tmp_path) + b"/" + PURGE_PREFIX.encode() + b"caf\xe9.JPG")
    if crashed == "after the rename":
        os.rename(raw, hidden)
    finished = ws_with_leaver.retention().finish_interrupted()
    state = ws_with_leaver.db.scalar("SELECT state FROM retention_deletions")
    if crashed == "after the rename":
        assert (finished, state) == (1, "deleted")
        assert not os.path.lexists(hidden)
    else:
        assert (finished, state) == (0, "failed")     # still there: listed again
        assert os.path.exists(raw)


def _deletion_for_good_pending(ws: Any, res: Any) -> tuple[Path, Path]:
    """``res`` exported and its copy's deletion for good by the schedule pending (cut short, a
    row from before file identities: file_id ''). Returns (the copy, its hidden name)."""
    ws.records.add_export(res, batch="Trip", channel="website")
    out = Path(res.output)
    ws.db.execute("INSERT INTO retention_deletions (kind, ref, path, sha256, method, state, "
                  "pending_at) VALUES ('export-copies', ?, ?, ?, 'overwrite', 'pending', ?)",
                  [str(out), str(out), res.output_sha256, NOW.isoformat()])
    return out, out.with_name(PURGE_PREFIX + out.name)


def test_a_file_of_the_hidden_name_is_never_overwritten_by_a_deletion_cut_short(ws_with_leaver,
                                                                                 tmp_path):
    """s43: any file called ``.photovet-purge-<name>`` was overwritten and removed as the
    photo's unfinished deletion, and the row marked deleted. One that is not the file the row
    was deleting (another content, another file) is left untouched, the row unfinished."""
    res = make_export(tmp_path, 3)
    out, hidden = _deletion_for_good_pending(ws_with_leaver, res)
    os.unlink(out)
    hidden.write_bytes(b"someone else's file")
    assert ws_with_leaver.retention().finish_interrupted() == 0
    assert hidden.read_bytes() == b"someone else's file"
    assert ws_with_leaver.db.scalar("SELECT state FROM retention_deletions") == "pending"


def test_deleting_for_good_never_renames_over_a_file_of_the_hidden_name(ws_with_leaver, tmp_path,
                                                                         trash):
    """``os.rename`` replaces a file of the new name: a file called ``.photovet-purge-<name>``
    beside a copy due was deleted with no word. The copy is kept, and why; the file stays."""
    res = make_export(tmp_path, 1)
    ws_with_leaver.records.add_export(res, batch="Trip", channel="website")
    out = Path(res.output)
    hidden = out.with_name(PURGE_PREFIX + out.name)
    hidden.write_bytes(b"someone else's file")
    days = ws_with_leaver.settings.retention.export_copies_days
    [due] = ws_with_leaver.retention(clock_at(days)).due(("export-copies",))
    ws_with_leaver.retention(clock_at(days)).apply(items=[due], permanent=True)
    assert due.status == "kept" and "did not leave there" in due.reason, due.reason
    assert hidden.read_bytes() == b"someone else's file" and out.exists()


@pytest.mark.skipif(os.name == "nt" or __import__("sys").platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_two_copies_stored_as_the_same_text_are_each_due_and_deleted_as_themselves(
        ws_with_leaver, tmp_path, trash):
    """A copy whose name holds the byte 0xE9 and one whose name holds the characters "\\xe9"
    are the same text in the register. Both on the disk, both records read back as the second
    (one listed, the first never due, kept for good); once one was deleted, the other was
    taken as deleted too. Each is told apart by its content."""
    from photovet.core.storage.database import text_safe

    folder = tmp_path / "copies"
    folder.mkdir()
    raw = os.fsdecode(os.fsencode(folder) + b"/caf\xe9.jpg")
    lookalike = str(folder / "caf\\xe9.jpg")
    assert text_safe(raw) == text_safe(lookalike)
    made = []
    for i, name in enumerate((raw, lookalike)):
        res = make_export(tmp_path, 10 + i)
        try:
            os.rename(res.output, name)
        except OSError:
            pytest.skip("this disk takes only UTF-8 names")
        res.output = name
        ws_with_leaver.records.add_export(res, batch=f"Trip{i}", channel="website")
        made.append(res)
    days = ws_with_leaver.settings.retention.export_copies_days
    due = ws_with_leaver.retention(clock_at(days)).due(("export-copies",))
    assert sorted(i.path for i in due) == sorted([raw, lookalike])
    [first] = [i for i in due if i.path == raw]
    ws_with_leaver.retention(clock_at(days)).apply(items=[first], permanent=True)
    assert first.status == "deleted" and not os.path.lexists(raw) and os.path.exists(lookalike)
    [second] = ws_with_leaver.retention(clock_at(days)).due(("export-copies",))
    assert second.path == lookalike                          # not taken as deleted
    ws_with_leaver.retention(clock_at(days)).apply(items=[second], permanent=True)
    assert second.status == "deleted" and not os.path.lexists(lookalike)


def test_the_cache_keeps_ids_never_names(ws_with_leaver, tmp_path):
    class NoFaces:
        def detect(self, image):
            return [Face(box=(10, 10, 40, 50), score=0.9)]

        def encode(self, image, faces, model=None):
            return [None]

    class Reads:
        def read(self, image, focus=()):
            return [([(10, 100), (200, 100), (200, 130), (10, 130)], "Lola Leaver", 0.95),
                    ([(10, 150), (200, 150), (200, 180), (10, 180)], "Sports Day 2026", 0.95)]

    src = tmp_path / "Lola_Leaver_sports_day.jpg"
    photo(5).save(src, "JPEG", quality=90)
    engine = Engine(ws_with_leaver.settings, register=ws_with_leaver.register, face_engine=NoFaces(), text_engine=Reads(),
                    cache=ws_with_leaver.cache, reviews=ws_with_leaver.reviews)
    fresh = engine.analyse(src)
    assert fresh.texts[0].person == "L1" and fresh.texts[0].kind == "pupil-name"
    [f] = ws_with_leaver.cache.files()
    blob = f.read_text(encoding="utf-8")
    assert "Lola" not in blob and "Leaver" not in blob
    data = json.loads(blob)["analysis"]
    assert data["texts"][0]["person"] == "L1" and data["texts"][1]["text"] == "Sports Day 2026"
    cached = engine.analyse(src)
    assert cached.path == str(src) and cached.texts[0].person == "L1"
    # what an approval signs is the same for the fresh and the cached analysis
    web = ws_with_leaver.channels.get("website")
    for a in (fresh, cached):
        engine.decide(a, web)
    assert engine.approval_parts(fresh) == engine.approval_parts(cached)


def test_an_old_cache_file_with_names_is_deleted_when_met(ws_with_leaver):
    from photovet.core.cache import CACHE_VERSION

    f = ws_with_leaver.cache._file("ab" * 32, "k")
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps({"_version": CACHE_VERSION - 1, "analysis": {"texts": [
        {"text": "Lola Leaver"}]}}))
    assert ws_with_leaver.cache.get("ab" * 32, "k") is None and not f.exists()


def _originals_due_now_for_the_command(ws, tmp_path, monkeypatch):
    """The school's originals period set to 0 days (everything known is due today), the
    staff accounts made, the workspace closed and the commands pointed at its data folder:
    the staff to sign in as (``.use(name)``)."""
    from tests.cli.conftest import Staff, create_staff

    new = ws.settings.copy()
    new.retention.originals_days = 0
    ws.save_settings(new)
    create_staff(ws)
    ws.close()
    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "home"))
    return Staff(monkeypatch)


def _marked_ready(ws, path: Path) -> None:
    """``path`` marked ready for the website, as the app does for a photo added by hand."""
    from photovet.core.models import PhotoAnalysis

    ws.approvals.mark_ready(PhotoAnalysis(
        path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(), width=64,
        height=48, channel="website", faces_checked=True))


def test_cli_retention_lists_then_applies(ws_with_leaver, tmp_path, trash, monkeypatch):
    from photovet.cli import cli

    [a] = imported(ws_with_leaver, tmp_path, n=1)
    staff = _originals_due_now_for_the_command(ws_with_leaver, tmp_path, monkeypatch)
    staff.use("Pat Poster")     # anyone signed in sees what is due; only an admin deletes
    runner = CliRunner()
    res = runner.invoke(cli, ["retention"])
    assert res.exit_code == 0 and "Original photos not exported, or with no exported copy left:" in res.output
    assert "due: IMG_0.JPG" in res.output and "Nothing was deleted" in res.output and a.exists()
    res = runner.invoke(cli, ["retention", "--permanent"])
    assert res.exit_code == 2
    res = runner.invoke(cli, ["retention", "--apply"])
    assert res.exit_code == 1 and "Pat Poster cannot delete what the retention schedule" in res.stderr
    assert a.exists()
    staff.use("Mrs Office")
    res = runner.invoke(cli, ["retention", "--apply"])
    assert res.exit_code == 0 and "DELETED: IMG_0.JPG" in res.output and not a.exists()
    res = runner.invoke(cli, ["retention", "--json"])
    assert json.loads(res.output)["items"] == []


def test_a_leaver_the_schedule_removed_is_one_line_of_the_next_import(ws_with_leaver, tmp_path):
    """s36: the retention schedule's leavers join the forgotten list as removed by retention:
    an MIS file still listing them as having left holds them back in one line, not a row
    each; a pupil a person removed is still listed on their own."""
    from photovet.core.words import leavers_removed_still_in_file

    days = ws_with_leaver.settings.retention.leavers_rows_days_after_leaving
    due_day = (LEAVES - TODAY).days + days
    sched = ws_with_leaver.retention(clock_at(due_day))
    report = sched.apply(items=sched.due(("leavers-rows",)))
    assert [i.status for i in report.items if i.kind == "leavers-rows"] == ["deleted"]
    ws_with_leaver.register.delete_person("S1", reason="the family asked for erasure")
    then = TODAY + dt.timedelta(days=due_day)
    dry = ws_with_leaver.register.import_csv(tmp_path / "register.csv", dry_run=True, today=then)
    assert [n.person_id for n in dry.leavers_removed_before] == ["L1"]
    assert [n.person_id for n in dry.removed_before] == ["S1"]        # the erasure: one by one
    lines = dry.summary_lines()
    assert leavers_removed_still_in_file(1) + "." in lines
    assert leavers_removed_still_in_file(1) == \
        "1 leaver removed by retention is still in the MIS file: not imported"
    assert not any("Lola" in line for line in lines)


def test_export_copies_are_listed_in_their_folders_order_and_counts_read_as_words(
        ws_with_leaver, tmp_path, trash):
    """s41 walk: the copies were listed in the records' order (-006, -008, -007: an export
    numbers its copies as each one finishes); "12 analysis cache file(s)"; "moved to the
    trash" under a box that says "Recycle Bin / Trash"."""
    ws = ws_with_leaver
    for seed, name in ((1, "trip-003"), (2, "trip-001"), (3, "trip-002")):
        ws.records.add_export(make_export(tmp_path, seed, name=name), batch="Trip",
                              channel="website")
    days = ws.settings.retention.export_copies_days
    due = ws.retention(clock_at(days)).due(("export-copies",))
    assert [Path(i.path).stem for i in due] == ["trip-001", "trip-002", "trip-003"]
    ws.retention(clock_at(days)).apply(items=due[:1])
    assert due[0].reason == "moved to the Recycle Bin / Trash"
    old = ws.cache.root / "ab" / "old.json"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text("{}")
    past = (NOW - dt.timedelta(days=ws.settings.retention.cache_days + 1)).timestamp()
    os.utime(old, (past, past))
    [item] = ws.retention().due(("cache",))
    assert item.what.startswith("1 file of saved check results written before "), item.what
    ws.retention().apply(items=[item])
    assert item.reason == "1 file deleted"


def test_an_original_the_schedule_deleted_is_said_so_on_its_tile(ws_with_leaver, tmp_path,
                                                                  trash):
    """s42: the batch's tile of a photo whose original the schedule deleted says so
    (``transfer.originals_gone``), as one "Delete originals" deleted does."""
    from photovet.core.transfer import OriginalGone, originals_gone

    ws = ws_with_leaver
    a, b = imported(ws, tmp_path)
    photos = [(hashlib.sha256(p.read_bytes()).hexdigest(), str(p)) for p in (a, b)]
    days = ws.settings.retention.originals_days
    assert originals_gone(ws.records, photos, "website") == {}
    due = [i for i in ws.retention(clock_at(days)).due(("originals",)) if i.path == str(a.resolve())]
    ws.retention(clock_at(days)).apply(items=due)
    assert not a.exists()
    gone = originals_gone(ws.records, photos, "website")
    assert gone == {photos[0][0]: OriginalGone(False, False, by_schedule=True)}
    assert gone[photos[0][0]].detail() == ("The original was deleted by the school's retention "
                                           "schedule: PhotoVet cannot export this photo again.")


def test_a_deletion_cut_short_that_applying_again_cannot_finish_is_said_so(ws_with_leaver,
                                                                            tmp_path):
    """s43 audit: a deletion for good recorded before its file's identity was kept (file_id
    ''), cut short after the photo was partly overwritten under its hidden name: its content
    is no longer the photo's, so it is (rightly) never finished, and the row stays pending for
    good. The register's opening said "applying the schedule again finishes them", which it
    never does: it now says that file was left alone, and what to do."""
    res = make_export(tmp_path, 4)
    out, hidden = _deletion_for_good_pending(ws_with_leaver, res)
    data = bytearray(out.read_bytes())
    data[: len(data) // 2] = os.urandom(len(data) // 2)     # the overwrite cut short
    os.unlink(out)
    hidden.write_bytes(bytes(data))
    assert ws_with_leaver.retention().finish_interrupted() == 0
    assert ws_with_leaver.db.scalar("SELECT state FROM retention_deletions") == "pending"
    notes = ws_with_leaver.settle_interrupted()
    assert not any("applying the schedule again finishes" in n for n in notes), notes
    assert any("did not touch it and cannot finish" in n for n in notes), notes
    # one that applying again does finish is still said so
    other = make_export(tmp_path, 5)
    ws_with_leaver.db.execute("INSERT INTO retention_deletions (kind, ref, path, sha256, method, "
                              "state, pending_at) VALUES ('export-copies', ?, ?, ?, 'overwrite', "
                              "'pending', ?)", [other.output, other.output, other.output_sha256,
                                                NOW.isoformat()])
    notes = ws_with_leaver.settle_interrupted()
    assert any(n.startswith("1 deletion by the retention schedule was not finished")
               for n in notes), notes
    assert any(n.startswith("1 deletion for good") for n in notes), notes


def test_a_copy_exported_again_under_the_same_name_is_due_as_its_own(ws_with_leaver, tmp_path,
                                                                      trash):
    """s43 audit: two export records of one place (exported again under the same name, new
    content): the copy there was listed as the first record's, "kept: the file changed" on
    every run, and never due as the second's (kept for good). It is due as its own record's and
    deleted; the earlier record's copy is no longer listed."""
    first = make_export(tmp_path, 1, name="same")
    ws_with_leaver.records.add_export(first, batch="Trip", channel="website")
    again = make_export(tmp_path, 2, name="same")        # the same name, another content
    ws_with_leaver.records.add_export(again, batch="Trip again", channel="website")
    assert first.output == again.output and first.output_sha256 != again.output_sha256
    days = ws_with_leaver.settings.retention.export_copies_days
    [due] = ws_with_leaver.retention(clock_at(days + 1)).due(("export-copies",))
    assert due.sha256 == again.output_sha256
    ws_with_leaver.retention(clock_at(days + 1)).apply(items=[due], permanent=True)
    assert due.status == "deleted", due.reason
    assert not os.path.lexists(again.output)
    assert ws_with_leaver.retention(clock_at(days + 1)).due(("export-copies",)) == []


def test_a_live_photo_clip_beside_an_original_added_by_hand_is_named_and_left(
        ws_with_leaver, tmp_path, trash, monkeypatch):
    """s53's note: the schedule deleted an original photo added from a folder (marked ready,
    never exported) and left its iPhone Live Photo clip beside it, the same moment with sound,
    without a word. PhotoVet never checked the clip, so it does not delete it; the run says it
    stays, listed and applied, and so do the command's words and its JSON."""
    from photovet.cli import cli
    from photovet.core import words
    from tests.video_clips import make_live_clip as _live_clip

    ws = ws_with_leaver
    folder = tmp_path / "trip"
    folder.mkdir()
    p = folder / "IMG_0007.JPG"
    photo(7).save(p, "JPEG", quality=90)
    clip = _live_clip(p)
    _marked_ready(ws, p)
    days = ws.settings.retention.originals_days
    sched = ws.retention(clock_at(days))
    [due] = sched.due(("originals",))
    assert due.path == str(p.resolve())
    assert sched.live_clips_beside_due([due]) == [str(clip.resolve())]

    report = ws.retention(clock_at(days)).apply(items=[due])
    assert due.status == "deleted" and not p.exists() and clip.exists()
    assert report.live_clips_left == [str(clip.resolve())]
    assert report.to_dict()["live_clips_left"] == [str(clip.resolve())]
    assert words.live_clips_left(report.live_clips_left, dry_run=False).startswith(
        "1 Live Photo clip stays in the folder (IMG_0007.MOV)")

    # the command, listing then applying, on a second such photo (the period set to 0)
    q = folder / "IMG_0008.JPG"
    photo(8).save(q, "JPEG", quality=90)
    clip8 = _live_clip(q)
    _marked_ready(ws, q)
    _originals_due_now_for_the_command(ws, tmp_path, monkeypatch).use("Mrs Office")
    runner = CliRunner()
    res = runner.invoke(cli, ["retention"])
    assert res.exit_code == 0, res.output
    assert "1 Live Photo clip will stay in the folder (IMG_0008.MOV)" in res.output
    res = runner.invoke(cli, ["retention", "--json"])
    assert json.loads(res.output)["live_clips_left"] == [str(clip8.resolve())]
    res = runner.invoke(cli, ["retention", "--apply"])
    assert res.exit_code == 0, res.output
    assert "1 Live Photo clip stays in the folder (IMG_0008.MOV)" in res.output
    assert not q.exists() and clip8.exists() and clip.exists()


def test_a_live_photo_clip_copied_from_the_device_is_deleted_as_an_original_not_named(
        ws_with_leaver, tmp_path, trash):
    """A clip copied from the phone with its photo is an original PhotoVet knows: the schedule
    deletes it on its own day, so it is not named as left behind."""
    from tests.video_clips import make_live_clip as _live_clip

    ws = ws_with_leaver
    device = tmp_path / "DCIM"
    device.mkdir()
    photo(3).save(device / "IMG_0003.JPG", "JPEG", quality=90)
    _live_clip(device / "IMG_0003.JPG")
    dest = tmp_path / "photos"
    copied = [Path(s.result.dest) for s in import_from_device(device, dest, audit=ws.audit)
              if s.result is not None]
    assert sorted(c.name for c in copied) == ["IMG_0003.JPG", "IMG_0003.MOV"]
    days = ws.settings.retention.originals_days
    due = ws.retention(clock_at(days)).due(("originals",))
    assert sorted(Path(i.path).name for i in due) == ["IMG_0003.JPG", "IMG_0003.MOV"]
    assert ws.retention(clock_at(days)).live_clips_beside_due(due) == []
    report = ws.retention(clock_at(days)).apply(items=due)
    assert [i.status for i in report.items] == ["deleted", "deleted"]
    assert report.live_clips_left == [] and not any(c.exists() for c in copied)


def test_an_original_deleted_is_said_deleted_even_when_its_clips_cannot_be_looked_for(
        ws_with_leaver, tmp_path, trash, monkeypatch):
    """The look for Live Photo clips comes after the deletion: a failure there (the register
    gone away as it lists the originals it knows) leaves the original said deleted, never
    "could not delete ... kept"."""
    from photovet.core import retention

    [a, _b] = imported(ws_with_leaver, tmp_path)
    days = ws_with_leaver.settings.retention.originals_days
    sched = ws_with_leaver.retention(clock_at(days))
    due = [i for i in sched.due(("originals",)) if i.path == str(a.resolve())]

    def gone(self):
        raise RuntimeError("the register went away")

    monkeypatch.setattr(retention.RetentionSchedule, "originals_known", gone)
    report = sched.apply(items=due)
    assert [i.status for i in report.items] == ["deleted"] and not a.exists()
    assert report.live_clips_left == []


def test_an_original_the_trash_will_not_take_is_kept_and_said_in_words(
        ws_with_leaver, tmp_path, trash, monkeypatch):
    """s65: "could not delete (PermissionError: [Errno 13] Permission denied: '...'); kept"."""
    [a, _b] = imported(ws_with_leaver, tmp_path)
    days = ws_with_leaver.settings.retention.originals_days
    sched = ws_with_leaver.retention(clock_at(days))
    due = [i for i in sched.due(("originals",)) if i.path == str(a.resolve())]

    def locked(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("send2trash.send2trash", locked)
    report = sched.apply(items=due)
    assert [(i.status, i.reason) for i in report.items] == [(
        "error", "could not be moved to the trash (permission denied); it was kept. Is the "
        "memory card locked (its switch), or the folder read-only? Unlock it, or ask IT, then "
        "delete the originals again")]
    assert a.exists()


def test_an_original_copied_long_ago_and_marked_ready_today_is_not_deleted(ws_with_leaver,
                                                                            tmp_path, trash):
    """s59 review: the schedule deleted an original waiting for approval (or approved) for a
    channel and not exported there yet, which "Delete originals" keeps
    (``transfer._still_wanted``): copied a term ago and marked ready that morning, it could
    then never be exported. Its period runs from the day it was last marked ready or approved
    there, when that is later ("90 days after they were copied from a device or marked
    ready")."""
    ws = ws_with_leaver
    [a] = imported(ws, tmp_path, n=1)
    days = ws.settings.retention.originals_days
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days + 10)).isoformat(
        timespec="seconds")
    ws.db.execute("UPDATE device_copies SET copied_at = ?", [long_ago])
    _marked_ready(ws, a)
    sha = hashlib.sha256(a.read_bytes()).hexdigest()
    assert [s.status for s in ws.approvals.for_photo(sha)] == ["ready"]
    sched = ws.retention()
    report = sched.apply(items=sched.due(("originals",)))
    assert a.exists(), [(i.status, i.reason) for i in report.items]
    assert report.items == []
    # due once its period from that day has passed, and said why
    [due] = ws.retention(clock_at(days)).due(("originals",))
    assert due.path == str(a.resolve())
    assert "waiting for approval or approved for School website" in due.what
    assert not due.held
    # the day a subject access report says it is deleted is that one too
    first_seen = dt.date.fromisoformat(long_ago[:10])
    assert sched.original_due_on(first_seen, sha) == due.due_on
    assert sched.original_due_on(first_seen) < due.due_on
