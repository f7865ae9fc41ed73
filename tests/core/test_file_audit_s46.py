"""s46 audit of the s46 file fixes (fix_files): what a hostile read of them found. Each test
plays the real condition and fails on the code before its fix."""

from __future__ import annotations

import os

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
         "tag": fsutil.host_tag()}), rid])
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
