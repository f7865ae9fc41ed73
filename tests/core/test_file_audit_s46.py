"""s46 audit of the s46 file fixes (fix_files): what a hostile read of them found. Each test
plays the real condition and fails on the code before its fix."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from photovet.core import fsutil, transfer
from photovet.core.errors import OutputFolderError
from tests.core.test_file_fix_s46 import mnt  # noqa: F401  (a fixture: <tmp>/mnt as /mnt)

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


# --------------------------------------------------------------------------------------------
# a stick mounted deeper under /mnt (/mnt/usb/stick), pulled out before PhotoVet started
# --------------------------------------------------------------------------------------------

def test_a_report_for_a_stick_mounted_deeper_under_mnt_and_pulled_out_is_refused(mnt):  # noqa: F811
    """A stick mounted by hand on /mnt/usb/stick (not in fstab), pulled out before this
    PhotoVet started: /mnt/usb on this PC's own disk holds only the stick's empty folder.
    That "file" in /mnt/usb made it pass as a school's own folder, and the report was saved on
    this PC's own disk, hidden once the stick is back. Now the deepest folder that is there
    (the stick's, empty) decides: refused, nothing written."""
    stick = mnt / "usb" / "stick"
    stick.mkdir(parents=True)
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(stick / "sar.html", "<p>report</p>")
    assert "not connected" in ei.value.message
    assert os.listdir(stick) == []
    with pytest.raises(OutputFolderError):
        fsutil.write_report(stick / "reports" / "sar.html", "<p>report</p>")
    assert os.listdir(stick) == []


def test_an_import_onto_a_stick_mounted_deeper_under_mnt_and_pulled_out_is_refused(
        mnt, tmp_path):  # noqa: F811
    """The same stick as an import's destination, with the card to be cleared: the copies went
    into /mnt/usb/stick/Photos on this PC's own disk and the card was cleared. Now the import
    is refused before anything is copied, and the card keeps every photo."""
    from photovet.core.storage import open_db
    from tests.conftest import office_audit
    from tests.core.test_transfer import make_device, run

    stick = mnt / "usb" / "stick"
    stick.mkdir(parents=True)
    dev = tmp_path / "card"
    originals = make_device(dev, 2)
    with pytest.raises(OutputFolderError) as ei:
        run(transfer.import_from_device(dev, stick / "Photos", clear=True,
                                        audit=office_audit(open_db())))
    assert "not connected" in ei.value.message
    assert os.listdir(stick) == []
    assert {str(p.relative_to(dev)): p.read_bytes() for p in dev.rglob("*.JPG")} == originals


def test_a_new_folder_inside_a_school_folder_under_mnt_is_still_used(mnt):  # noqa: F811
    """Not too strict: a folder still to be made inside /mnt/photos (which holds photos) is the
    school's own, as before."""
    photos = mnt / "photos"
    photos.mkdir()
    (photos / "IMG_0001.JPG").write_bytes(b"the school's photo")
    assert fsutil.unplugged_disk(photos / "2026" / "trip") is None
    fsutil.write_report(photos / "reports" / "sar.html", "<p>report</p>")
    assert (photos / "reports" / "sar.html").read_text() == "<p>report</p>"


# --------------------------------------------------------------------------------------------
# an export named just before a crash, its stick or share not there at the next start
# --------------------------------------------------------------------------------------------

def test_an_export_named_before_a_crash_keeps_its_record_while_its_folder_is_not_there(
        tmp_path):
    """PhotoVet stopped (a power cut) after an export was recorded and named, before it was
    marked so. At the next start the stick or share it went to is not there (pulled out after
    the power cut; a share not connected yet): the copy could not be seen, so its record was
    forgotten ("nothing was published") though the copy is on the stick: a published photo
    with no record, which a take-down cannot find. Now it waits until its folder is there."""
    import json
    import socket

    from tests.conftest import office_records
    from tests.core.test_crash_anywhere import _dead_pid, _recorded_unnamed

    rec = office_records()
    dead = _dead_pid()
    rid, temp, final = _recorded_unnamed(rec, tmp_path, 1, pid=dead, named_on_disk=True)
    rec.db.execute("UPDATE exports SET naming = ? WHERE id = ?", [json.dumps(
        {"temp": str(temp), "pid": dead, "host": socket.gethostname(),
         "tag": fsutil.host_tag(), "boot": fsutil.boot_tag()}), rid])
    stick = final.parent
    away = tmp_path / "pulled out"
    stick.rename(away)                      # the stick is not there
    notes = rec.settle_interrupted()
    assert len(notes) == 1 and "is not there now" in notes[0] and "record is kept" in notes[0]
    assert rid in {r.id for r in rec.exports()}
    away.rename(stick)                      # plugged in again: named, so kept
    assert rec.settle_interrupted() == []
    assert rid in {r.id for r in rec.exports()} and final.is_file()
    assert rec.db.one("SELECT naming FROM exports WHERE id = ?", [rid])[0] is None
    rec.db.close()


# --------------------------------------------------------------------------------------------
# guards of fix_files that no test made fail when broken (s46 audit, by breaking each)
# --------------------------------------------------------------------------------------------

def test_two_names_are_not_settled_where_the_folders_clock_cannot_be_asked(tmp_path,
                                                                           monkeypatch):
    """Two names of one photo in a folder no probe file can be made in (a share that lets
    PhotoVet remove but not make files): how long ago they were made cannot be told, so they
    may be another process's rename under way, and are left alone. (Settling them when the
    clock is unknown passed every test.)"""
    src = tmp_path / "IMG_1.JPG"
    src.write_bytes(b"photo")
    hidden = src.with_name(transfer.PURGE_PREFIX + src.name)
    os.link(src, hidden)
    monkeypatch.setattr(fsutil.FolderClock, "now", lambda self: None)
    assert not transfer.settle_half_hidden(src, hidden)
    assert os.lstat(src).st_nlink == 2 and hidden.exists()


def test_each_folder_of_an_import_destination_is_aged_by_its_own_disks_clock(tmp_path,
                                                                             monkeypatch):
    """An import destination with a share mounted on a folder inside it (Photos/shared on a
    file server): another PC's copy in progress there is aged by that folder's disk, not by
    the destination's. (One clock for the whole walk passed every test.)"""
    top, shared = tmp_path / "Photos", tmp_path / "Photos" / "shared"
    shared.mkdir(parents=True)
    theirs = shared / f"{transfer.TMP_PREFIX}4242@0badc0de-ab-IMG_1.JPG"
    theirs.write_bytes(b"PC A is writing")
    written = os.lstat(theirs).st_mtime
    # the destination's own disk runs 7 hours ahead of the file server the share is on
    ahead = {os.path.realpath(top): written + 7 * 3600, os.path.realpath(shared): written + 5}
    monkeypatch.setattr(fsutil.FolderClock, "now",
                        lambda self: ahead[os.path.realpath(self.folder)])
    assert transfer.clean_temp_files(top) == []
    assert theirs.read_bytes() == b"PC A is writing"


def _recorded_naming(rec, tmp_path, seed: int):
    """An export recorded from its temporary file by ``Records.record`` itself (its own note of
    who is naming it), then left by a process that has ended."""
    import json

    from tests.core.afterpost_util import make_export
    from tests.core.test_crash_anywhere import _dead_pid

    r = make_export(tmp_path, seed)
    final = Path(r.output)
    temp = final.with_name(f".photovet-export-{seed:04x}.part")
    final.rename(temp)
    rid = rec.record(r, temp, batch="b")
    who = json.loads(rec.db.one("SELECT naming FROM exports WHERE id = ?", [rid])[0])
    who["pid"] = _dead_pid()
    rec.db.execute("UPDATE exports SET naming = ? WHERE id = ?", [json.dumps(who), rid])
    return rid, temp


def test_an_export_being_named_is_recorded_with_this_pcs_tag(tmp_path, monkeypatch):
    """The record itself carries the PC's tag: another PC of the same name (made from one
    image) opening the shared register leaves it alone. (Recording it without the tag, so it
    was settled by the name alone, passed every test: they wrote the tag by hand.)"""
    from tests.conftest import office_records

    rec = office_records()
    rid, temp = _recorded_naming(rec, tmp_path, 1)
    monkeypatch.setattr(fsutil, "host_tag", lambda: "0badc0de")     # the other PC
    assert rec.settle_interrupted() == []
    assert rid in {r.id for r in rec.exports()} and temp.is_file()
    rec.db.close()


def test_a_pc_without_its_own_id_settles_no_tagged_export(tmp_path, monkeypatch):
    """A PC whose own id cannot be read has the tag of every PC of its name without one: it
    cannot tell its own exports being named from theirs, so it settles none. (Settling them
    when no id is known passed every test.)"""
    from tests.conftest import office_records

    rec = office_records()
    monkeypatch.setattr(fsutil, "installation_id", lambda: "")
    rid, temp = _recorded_naming(rec, tmp_path, 1)
    assert rec.settle_interrupted() == []
    assert rid in {r.id for r in rec.exports()} and temp.is_file()
    rec.db.close()


# --------------------------------------------------------------------------------------------
# /mnt itself as the folder: a stick mounted on it by hand
# --------------------------------------------------------------------------------------------

def test_mnt_itself_is_checked_like_a_folder_under_it(mnt):  # noqa: F811
    """A stick mounted by hand on /mnt itself ("mount /dev/sdb1 /mnt", a common way) and the
    folder chosen is /mnt: it was never checked at all, so with the stick pulled out the copy
    or report went onto this PC's own disk. Now /mnt itself follows the rule of a folder under
    it: seen mounted this run, or empty, it is refused; with files of its own, it is used."""
    from tests.core.test_file_fix_s46 import _mount_tmpfs

    with pytest.raises(OutputFolderError) as ei:           # empty, nothing mounted: unsure
        fsutil.write_report(mnt / "sar.html", "<p>report</p>")
    assert "may be on one that is not connected" in ei.value.message
    if _mount_tmpfs(mnt):
        try:
            fsutil.write_report(mnt / "a.html", "<p>report</p>")   # plugged in: saved
        finally:
            subprocess.run(["umount", "-l", str(mnt)], check=False)
        (mnt / "left.txt").write_text("on this PC's own disk")
        with pytest.raises(OutputFolderError) as ei:       # seen mounted, pulled out
            fsutil.write_report(mnt / "b.html", "<p>report</p>")
        assert ei.value.message == fsutil.DISK_GONE
        assert os.listdir(mnt) == ["left.txt"]
        fsutil._seen_mounted.discard(os.path.realpath(mnt))
    else:
        (mnt / "left.txt").write_text("on this PC's own disk")
    fsutil.write_report(mnt / "c.html", "<p>report</p>")   # a folder of this PC's own: used
    assert (mnt / "c.html").is_file()
