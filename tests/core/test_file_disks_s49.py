"""s49: a deletion cut short, then the USB stick its file was on swapped for another stick with
the same folders (both "/media/office/PHOTOS/trip") but not the file. The file was "missing from
its place", so its pending row was marked deleted and its place forgotten for good, while the
photo was still on the first stick, never deleted. Now the disk's own id is kept on the row
when the deletion is announced (``transfer.deletion_disk``, migration
``transfer-0004-deletion-disk``) and a missing file on another disk, or on one whose id cannot
be read now, leaves the row unfinished and says so. A real tmpfs is swapped in one place
(``port``), as a FAT stick too (``fat_port``: only its volume serial tells it apart); each test
fails on the code before s49."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from photovet.core import retention, transfer
from photovet.core.storage import open_db
from photovet.core.storage.migrations import MIGRATIONS, migrate
from tests.conftest import office_records
from tests.core.afterpost_util import make_export, sha
from tests.core.test_file_fix_s46 import port  # noqa: F401  (a fixture: a stick's place)
from tests.core.test_file_sticks_s48 import fat_port  # noqa: F401  (the same, a FAT stick)
from tests.core.test_retention import clock_at, ws_with_leaver  # noqa: F401  (a fixture)
from tests.core.test_takedown_copies import listed  # noqa: F401  (a fixture: take-down items)
from tests.core.test_transfer import statuses

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _original_on_the_stick(place: Path, tmp_path: Path):
    """A batch 'trip' of one photo whose original is on the stick (<stick>/trip/ok.JPG) and
    whose posted copy is on this PC."""
    rec = office_records()
    res = make_export(tmp_path, 1, name="ok", size=(96, 64))
    src = place / "trip" / "ok.JPG"
    src.parent.mkdir()
    shutil.move(res.source, src)
    res.source = str(src)
    rec.add_export(res, batch="trip", channel="website", preparer=None, approver=None)
    rec.mark_posted(files=[Path(res.output)], channel="website")
    return rec, src


def _cut_short(rec, src: Path) -> None:
    """"Delete originals" announced the photo's deletion, then PhotoVet stopped (a crash, a
    power cut) before the photo was touched."""
    transfer._mark_pending(rec, src, sha(src), 1, "trash", None)


def _other_stick_with_the_same_folder(swap, place: Path) -> None:
    swap()
    (place / "trip").mkdir()           # the other stick has the folder, not the photo


def test_a_purge_cut_short_is_not_said_deleted_on_another_fat_stick_with_the_same_folder(
        fat_port, tmp_path):  # noqa: F811
    """Before: the photo was missing from the other stick, so it was marked deleted and its
    place forgotten for good, while it was still on the first stick. Now left unfinished and
    said, in words, a dry run too."""
    place, swap, _serial = fat_port
    rec, src = _original_on_the_stick(place, tmp_path)
    _cut_short(rec, src)
    _other_stick_with_the_same_folder(swap, place)
    for dry in (True, False):
        said = statuses(transfer.purge_batch(rec, "trip", dry_run=dry))["ok"]
        assert said[0] != "already-deleted", said
        assert "another USB stick or drive" in said[1] and "not marked deleted" in said[1], said
        assert "Connect the stick or drive it was on" in said[1]
    assert rec.db.all("SELECT state, source_path FROM purges") == [("pending", str(src))]


def test_a_purge_cut_short_is_not_said_deleted_on_another_stick_in_the_same_place(
        port, tmp_path):  # noqa: F811
    """The same with a real second tmpfs in the same place (its own file system id)."""
    place, swap = port
    rec, src = _original_on_the_stick(place, tmp_path)
    _cut_short(rec, src)
    _other_stick_with_the_same_folder(swap, place)
    said = statuses(transfer.purge_batch(rec, "trip"))["ok"]
    assert said[0] != "already-deleted" and "another USB stick" in said[1], said
    assert rec.db.scalar("SELECT state FROM purges") == "pending"


def test_a_purge_cut_short_is_not_said_deleted_where_the_sticks_id_cannot_be_read_now(
        fat_port, tmp_path):  # noqa: F811
    """Its id was kept when the deletion was announced; now the disk in that place gives none
    (udev names it by no serial): PhotoVet cannot tell it is the same stick."""
    place, swap, serial = fat_port
    rec, src = _original_on_the_stick(place, tmp_path)
    _cut_short(rec, src)
    _other_stick_with_the_same_folder(swap, place)
    serial(None)
    said = statuses(transfer.purge_batch(rec, "trip"))["ok"]
    assert said[0] != "already-deleted" and "cannot tell whether its folder" in said[1], said
    assert "not marked deleted" in said[1]
    assert rec.db.scalar("SELECT state FROM purges") == "pending"


def test_a_purge_cut_short_on_the_same_stick_is_finished_as_before(fat_port, tmp_path):  # noqa: F811
    """The photo went (to the trash) on the stick it was on, then PhotoVet stopped: the same
    stick, so the row is marked deleted and its place forgotten, as before s49."""
    place, _swap, _serial = fat_port
    rec, src = _original_on_the_stick(place, tmp_path)
    _cut_short(rec, src)
    assert rec.db.scalar("SELECT disk_id FROM purges") == "uuid:1A2B-3C4D"
    os.unlink(src)
    said = statuses(transfer.purge_batch(rec, "trip"))["ok"]
    assert said == ("already-deleted", "deleted by an earlier purge"), said
    assert rec.db.all("SELECT state, source_path FROM purges") == [("deleted", "")]


def test_a_row_from_before_the_disks_were_kept_is_finished_as_before(fat_port, tmp_path):  # noqa: F811
    """A pending row written before s49 knows no disk: today's behaviour (marked deleted when
    its file is missing and its folder is there)."""
    place, swap, _serial = fat_port
    rec, src = _original_on_the_stick(place, tmp_path)
    _cut_short(rec, src)
    rec.db.execute("UPDATE purges SET disk_id = NULL")
    _other_stick_with_the_same_folder(swap, place)
    said = statuses(transfer.purge_batch(rec, "trip"))["ok"]
    assert said[0] == "already-deleted", said
    assert rec.db.scalar("SELECT state FROM purges") == "deleted"


class _Stopped(BaseException):
    """PhotoVet stopped there (a crash, a power cut)."""


def test_the_schedule_cut_short_is_not_said_deleted_on_another_stick_with_the_same_folder(
        ws_with_leaver, fat_port, tmp_path, monkeypatch):  # noqa: F811
    """The retention schedule's deletion of an export copy on a stick, announced and then
    stopped; the stick swapped for another with the same folder. Before: the next run marked
    it deleted. Now it is left unfinished; once swapped back (its id the first's again) the
    missing copy is marked deleted as before."""
    place, swap, serial = fat_port
    ws = ws_with_leaver
    res = make_export(tmp_path, 3)
    out = place / "exports" / Path(res.output).name
    out.parent.mkdir()
    shutil.move(res.output, out)
    res.output = str(out)
    ws.records.add_export(res, batch="Trip", channel="website")
    days = ws.settings.retention.export_copies_days
    [due] = ws.retention(clock_at(days)).due(("export-copies",))

    def stop(label):
        if label == "retention.pending":
            raise _Stopped

    monkeypatch.setattr(retention, "crash_point", stop)
    with pytest.raises(_Stopped):
        ws.retention(clock_at(days)).apply(items=[due])
    swap()
    (place / "exports").mkdir()
    assert ws.retention().finish_interrupted() == 0
    assert ws.db.all("SELECT state, path FROM retention_deletions") == [("pending", str(out))]
    serial("1A2B-3C4D")              # the first stick's id again (its copy gone from it)
    assert ws.retention().finish_interrupted() == 1
    assert ws.db.all("SELECT state, disk_id FROM retention_deletions") == [
        ("deleted", "uuid:1A2B-3C4D")]


def test_the_migration_keeps_no_disk_for_rows_written_before_it(tmp_path):
    """transfer-0004-deletion-disk: a pending deletion written before it (by place) gets no
    disk id (NULL: finished as before), on both tables."""
    at = [m.name for m in MIGRATIONS].index("transfer-0004-deletion-disk")
    db = open_db(tmp_path / "r.db", migrate_schema=False)
    migrate(db, MIGRATIONS[:at])
    with db.atomic():
        db.execute("INSERT INTO purges (source_path, sha256, method, state, pending_at) "
                   "VALUES ('/media/office/PHOTOS/trip/a.JPG', 'a', 'trash', 'pending', 'x')")
        db.execute("INSERT INTO retention_deletions (kind, ref, path, sha256, method, state, "
                   "pending_at) VALUES ('export-copies', 'r', 'p', 'b', 'trash', 'pending', "
                   "'x')")
    assert "transfer-0004-deletion-disk" in migrate(db)
    assert db.all("SELECT disk_id FROM purges") == [(None,)]
    assert db.all("SELECT disk_id FROM retention_deletions") == [(None,)]
    db.close()


# --------------------------------------------------------------------------------------------
# the s49 audit of every delete: an exported copy deleted (a take-down's, an earlier export's)
# was audited only once gone; PhotoVet stopped in between left no record of it at all
# --------------------------------------------------------------------------------------------

def _stop_once_deleted(monkeypatch) -> None:
    """The copy is overwritten and removed, then PhotoVet stops (a crash, a power cut, a kill)
    before anything else is written."""
    real = transfer.overwrite_and_unlink

    def then_stop(path, **kw):
        real(path, **kw)
        raise _Stopped

    monkeypatch.setattr(transfer, "overwrite_and_unlink", then_stop)


def test_a_take_down_copy_deleted_as_photovet_stopped_is_in_the_audit_log(
        listed, monkeypatch):  # noqa: F811
    """Before: no audit row said the copy was deleted (the row came after), and the next try
    said only "no longer on this PC; nothing to delete". Now the deletion is in the log before
    the file is touched, by its export record and content (never its name)."""
    from photovet.core.records import takedown

    rec, _reg, results, items = listed
    it = items["trip0.jpg"]
    _stop_once_deleted(monkeypatch)
    with pytest.raises(_Stopped):
        takedown.delete_copies(rec, [it.id])
    assert not os.path.lexists(results[0].output)
    [row] = rec.audit.rows(action="takedown.copy-delete-pending")
    assert row["details"] == {"item": it.id, "export_id": it.export_id,
                              "sha256": results[0].output_sha256}


def test_an_earlier_copy_deleted_as_photovet_stopped_is_in_the_audit_log(
        ws, tmp_path, monkeypatch):
    """The same for an earlier export's copy the person asked to remove."""
    from photovet.core.models import ExportResult
    from photovet.core.records.earlier import earlier_copies, remove_earlier_copies
    from tests.core.test_earlier_copies import WHY_HELD, _exported, _original

    src = _original(tmp_path, 5)
    rid, copy = _exported(ws, tmp_path / "out", src, 5, "trip-001.jpg")
    held = [ExportResult(source=str(src), error=WHY_HELD, channel="website",
                         held="approval-changed")]
    [c] = earlier_copies(ws.records, held, tmp_path / "out", "website")
    _stop_once_deleted(monkeypatch)
    with pytest.raises(_Stopped):
        remove_earlier_copies(ws.records, [c])
    assert not os.path.lexists(copy)
    [row] = ws.audit.rows(action="export.earlier-copy-remove-pending")
    assert row["details"] == {"export_id": rid, "sha256": c.sha256, "why": c.kind}
