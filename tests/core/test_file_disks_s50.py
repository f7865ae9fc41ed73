"""s50: an export cut short between its record and its name, then the USB stick it was going to
swapped for another stick with the same folders (both "/media/office/PHOTOS/exports"). At the
next start ``Records.settle_interrupted`` found the folder there and the copy not in it, so it
forgot the export's record, "nothing was published", while the copy may be on the first stick
(and posted from it). Now the disk's own id is kept in the note of who is naming the export
(``fsutil.own_disk_id``), and an export whose folder is now on another disk, or on one whose id
cannot be read, keeps its record and is said, as a stick not connected is. A real tmpfs swapped
in one place (``port``), and a FAT stick (``fat_port``: only its volume serial tells it apart);
each test of a swap fails on the code before s50."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import office_records
from tests.core.afterpost_util import make_export
from tests.core.test_crash_anywhere import _dead_pid
from tests.core.test_file_fix_s46 import port  # noqa: F401  (a fixture: a stick's place)
from tests.core.test_file_sticks_s48 import fat_port  # noqa: F401  (the same, a FAT stick)
from tests.core.test_retention import ws_with_leaver  # noqa: F401  (a fixture)

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _cut_short_on_the_stick(rec, place: Path):
    """An export to <stick>/exports recorded from its temporary file by ``Records.record``
    itself, then PhotoVet stopped (its process ended) before the copy got its name."""
    r = make_export(place, 1)
    final = Path(r.output)
    temp = final.with_name(".photovet-export-0001.part")
    final.rename(temp)
    rid = rec.record(r, temp, batch="trip")
    who = json.loads(rec.db.one("SELECT naming FROM exports WHERE id = ?", [rid])[0])
    who["pid"] = _dead_pid()
    rec.db.execute("UPDATE exports SET naming = ? WHERE id = ?", [json.dumps(who), rid])
    return rid, final, temp


def _kept(rec, rid) -> bool:
    return rid in {r.id for r in rec.exports()}


def test_an_export_cut_short_is_not_forgotten_on_another_fat_stick_with_the_same_folder(
        fat_port):  # noqa: F811
    """Before: its record was forgotten ("nothing was published") while its copy may be on the
    first stick. Now kept, and said in words."""
    place, swap, _serial = fat_port
    rec = office_records()
    rid, final, temp = _cut_short_on_the_stick(rec, place)
    swap()
    (place / "exports").mkdir()        # the other stick has the folder, not the copy
    notes = rec.settle_interrupted()
    assert _kept(rec, rid), notes
    assert len(notes) == 1 and "another USB stick or drive" in notes[0], notes
    assert "its record is kept" in notes[0] and "Connect the stick or drive" in notes[0]
    assert "nothing was published" not in notes[0]
    assert rec.db.scalar("SELECT naming FROM exports WHERE id = ?", [rid]) is not None
    rec.db.close()


def test_an_export_cut_short_is_not_forgotten_on_another_stick_in_the_same_place(
        port):  # noqa: F811
    """The same with a real second tmpfs in the same place (its own file system id)."""
    place, swap = port
    rec = office_records()
    rid, _final, _temp = _cut_short_on_the_stick(rec, place)
    swap()
    (place / "exports").mkdir()
    notes = rec.settle_interrupted()
    assert _kept(rec, rid) and "another USB stick" in " ".join(notes), notes
    rec.db.close()


def test_an_export_cut_short_is_not_forgotten_where_the_sticks_id_cannot_be_read_now(
        fat_port):  # noqa: F811
    """Its disk's id was kept when the export began; now the disk in that place gives none:
    PhotoVet cannot tell it is the same stick, so the record stays."""
    place, swap, serial = fat_port
    rec = office_records()
    rid, _final, _temp = _cut_short_on_the_stick(rec, place)
    swap()
    (place / "exports").mkdir()
    serial(None)
    notes = rec.settle_interrupted()
    assert _kept(rec, rid), notes
    assert "cannot tell whether" in notes[0] and "its record is kept" in notes[0], notes
    rec.db.close()


def test_an_export_cut_short_on_the_same_stick_is_settled_as_before(fat_port):  # noqa: F811
    """The same stick, the copy never named: nothing was published, its record is forgotten
    and its temporary file removed, as before s50. The disk's id is in the note of who is
    naming it."""
    place, _swap, _serial = fat_port
    rec = office_records()
    rid, final, temp = _cut_short_on_the_stick(rec, place)
    who = json.loads(rec.db.scalar("SELECT naming FROM exports WHERE id = ?", [rid]))
    assert who["disk"] == "uuid:1A2B-3C4D"
    notes = rec.settle_interrupted()
    assert not _kept(rec, rid) and not temp.exists() and not final.exists()
    assert "nothing was published" in notes[0], notes
    rec.db.close()


def test_an_export_named_on_the_same_stick_keeps_its_record(fat_port):  # noqa: F811
    """The copy got its name, then PhotoVet stopped before clearing its note: same stick, the
    file there with its content, the record kept and the note cleared, as before."""
    place, _swap, _serial = fat_port
    rec = office_records()
    rid, final, temp = _cut_short_on_the_stick(rec, place)
    temp.rename(final)
    assert rec.settle_interrupted() == []
    assert _kept(rec, rid) and final.is_file()
    assert rec.db.scalar("SELECT naming FROM exports WHERE id = ?", [rid]) is None
    rec.db.close()


def test_an_export_noted_before_s50_without_a_disk_is_settled_as_before(fat_port):  # noqa: F811
    """A note written before s50 names no disk: settled as before (forgotten when its copy is
    not in its folder), even on another stick: nothing can be told."""
    place, swap, _serial = fat_port
    rec = office_records()
    rid, _final, _temp = _cut_short_on_the_stick(rec, place)
    who = json.loads(rec.db.scalar("SELECT naming FROM exports WHERE id = ?", [rid]))
    del who["disk"]
    rec.db.execute("UPDATE exports SET naming = ? WHERE id = ?", [json.dumps(who), rid])
    swap()
    (place / "exports").mkdir()
    notes = rec.settle_interrupted()
    assert not _kept(rec, rid) and "nothing was published" in notes[0], notes
    rec.db.close()


# --------------------------------------------------------------------------------------------
# the register's opening note: "applying the schedule again finishes them" only where it does
# --------------------------------------------------------------------------------------------

class _Stopped(BaseException):
    """PhotoVet stopped there (a crash, a power cut)."""


def _schedule_cut_short_on_the_stick(ws, place: Path, tmp_path: Path, monkeypatch) -> Path:
    """The retention schedule's deletion of an export copy on the stick, announced ("pending")
    and then PhotoVet stopped."""
    import shutil

    from photovet.core import retention
    from tests.core.test_retention import clock_at

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

    with monkeypatch.context() as m:
        m.setattr(retention, "crash_point", stop)
        with pytest.raises(_Stopped):
            ws.retention(clock_at(days)).apply(items=[due])
    return out


AGAIN = "applying the schedule again finishes"


def test_the_opening_does_not_say_applying_again_finishes_a_deletion_on_another_stick(
        ws_with_leaver, fat_port, tmp_path, monkeypatch):  # noqa: F811
    """Before: "applying the schedule again finishes them", which it never does while another
    stick is in the first one's place (s49 leaves such a row unfinished). Now said apart, with
    what to do; once the first stick is back, the usual note."""
    place, swap, serial = fat_port
    ws = ws_with_leaver
    _schedule_cut_short_on_the_stick(ws, place, tmp_path, monkeypatch)
    swap()
    (place / "exports").mkdir()
    notes = ws.settle_interrupted()
    assert not any(AGAIN in n for n in notes), notes
    [said] = [n for n in notes if "retention schedule" in n]
    assert said.startswith("1 deletion by the retention schedule was not finished"), said
    assert "another USB stick or drive" in said and "Connect the USB stick or drive" in said
    serial("1A2B-3C4D")              # the first stick back in its place
    assert any(AGAIN in n for n in ws.settle_interrupted())


def test_the_opening_does_not_say_applying_again_finishes_a_deletion_on_a_stick_not_there(
        ws_with_leaver, fat_port, tmp_path, monkeypatch):  # noqa: F811
    """The same with the stick not connected at all (its folder not there)."""
    place, _swap, _serial = fat_port
    ws = ws_with_leaver
    out = _schedule_cut_short_on_the_stick(ws, place, tmp_path, monkeypatch)
    out.parent.rename(place / "moved away")      # its folder not there (as a stick pulled out)
    notes = ws.settle_interrupted()
    assert not any(AGAIN in n for n in notes), notes
    assert any("Connect the USB stick or drive" in n for n in notes), notes


def test_the_opening_does_not_say_deleting_again_finishes_a_purge_on_another_stick(
        ws_with_leaver, fat_port, tmp_path):  # noqa: F811
    """"Delete originals" cut short on a stick, then another stick with the same folder in its
    place: before, "deleting that batch's originals again finishes it", which s49 never does
    there. Now said, with what to do."""
    import shutil

    from photovet.core import transfer
    from tests.core.afterpost_util import sha

    place, swap, _serial = fat_port
    ws = ws_with_leaver
    res = make_export(tmp_path, 1, name="ok", size=(96, 64))
    src = place / "trip" / "ok.JPG"
    src.parent.mkdir()
    shutil.move(res.source, src)
    res.source = str(src)
    rid = ws.records.add_export(res, batch="trip", channel="website")
    transfer._mark_pending(ws.records, src, sha(src), rid, "trash", None)
    swap()
    (place / "trip").mkdir()
    notes = ws.settle_interrupted()
    [said] = [n for n in notes if "batch 'trip'" in n]
    assert "again finishes it" not in said, said
    assert "another USB stick or drive" in said and "Connect the USB stick or drive" in said


# --------------------------------------------------------------------------------------------
# a batch's tile: "Original deleted" only for an original deleted, not one cut short elsewhere
# --------------------------------------------------------------------------------------------

def _purge_cut_short_on_the_stick(place: Path, tmp_path: Path):
    import shutil

    from photovet.core import transfer
    from tests.core.afterpost_util import sha

    rec = office_records()
    res = make_export(tmp_path, 1, name="ok", size=(96, 64))
    src = place / "trip" / "ok.JPG"
    src.parent.mkdir()
    shutil.move(res.source, src)
    res.source = str(src)
    rec.add_export(res, batch="trip", channel="website", preparer=None, approver=None)
    digest = sha(src)
    transfer._mark_pending(rec, src, digest, 1, "trash", None)
    return rec, src, digest


def test_a_tile_does_not_say_original_deleted_for_a_deletion_cut_short_on_another_stick(
        fat_port, tmp_path):  # noqa: F811
    """Before: the photo not at its place and a purge of its content begun, so its tile said
    "Original deleted", while the photo may be on the first stick, never deleted (and
    "Delete originals" leaves it unfinished, s49). Now the tile says the deletion stopped,
    and why, in the core's words; marking it ready is still refused (its original cannot be
    read), with the same words."""
    from photovet.core import transfer
    from photovet.core.policy import original_deleted_refusal
    from photovet.core.words import ORIGINAL_DELETED_BADGE

    place, swap, serial = fat_port
    rec, src, digest = _purge_cut_short_on_the_stick(place, tmp_path)
    swap()
    (place / "trip").mkdir()
    gone = transfer.originals_gone_at(rec, [(digest, str(src))], "website")[(digest, str(src))]
    assert gone.badge != ORIGINAL_DELETED_BADGE and gone.badge == "Deletion stopped"
    detail = gone.detail("photo")
    assert "stopped part-way" in detail and "may still be on" in detail, detail
    assert "Connect the USB stick or drive it was on" in detail
    one = transfer.original_gone(rec.db, digest, str(src), "website")
    assert one is not None and one.badge == "Deletion stopped"
    assert original_deleted_refusal(True, "photo", one.detail("photo")) == detail
    serial("1A2B-3C4D")                 # the first stick's id again, the photo not on it
    again = transfer.originals_gone_at(rec, [(digest, str(src))], "website")
    assert again[(digest, str(src))].badge == ORIGINAL_DELETED_BADGE
    rec.db.close()


def test_a_tile_does_not_say_original_deleted_while_its_stick_is_not_connected(
        fat_port, tmp_path):  # noqa: F811
    from photovet.core import transfer

    place, _swap, _serial = fat_port
    rec, src, digest = _purge_cut_short_on_the_stick(place, tmp_path)
    src.parent.rename(place / "moved away")      # its folder not there (a stick pulled out)
    gone = transfer.originals_gone_at(rec, [(digest, str(src))], "website")[(digest, str(src))]
    assert gone.badge == "Deletion stopped", gone
    rec.db.close()


def test_a_tile_says_original_deleted_for_a_deletion_cut_short_after_the_file_went(
        fat_port, tmp_path):  # noqa: F811
    """The photo went (to the bin) on the stick it was on, then PhotoVet stopped: deleted."""
    import os

    from photovet.core import transfer
    from photovet.core.words import ORIGINAL_DELETED_BADGE

    place, _swap, _serial = fat_port
    rec, src, digest = _purge_cut_short_on_the_stick(place, tmp_path)
    os.unlink(src)
    gone = transfer.originals_gone_at(rec, [(digest, str(src))], "website")[(digest, str(src))]
    assert gone.badge == ORIGINAL_DELETED_BADGE
    rec.db.close()
