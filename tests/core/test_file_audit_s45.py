"""s45 audit of the s45 file-safety changes (hunt_files): each test fails on 505b2b6."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from afterpost_util import make_export

from photovet.core import transfer
from photovet.core.storage.database import text_safe
from photovet.core.transfer import PURGE_PREFIX
from tests.core.test_sar import world  # noqa: F401  (a fixture: the subject access report's)

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

#: a name that is not UTF-8 (an older camera's): 60 bytes on the disk, but 240 characters
#: ("\xe9" each) in the register, too long for ".photovet-purge-" + that text
ODD = os.fsdecode(b"\xe9" * 60)


def test_the_schedule_finishes_a_cut_short_deletion_of_a_name_short_in_bytes_long_as_text(
        tmp_path, monkeypatch):
    """The photo was hidden under ".photovet-purge-" + its 64 bytes; its row, read back as
    text, looked for the "~" form, found none, and the deletion was marked done with the
    photo left on the disk, hidden and never overwritten."""
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access
    from tests.core.test_file_hunt_s45 import schedule_cut_short

    ws = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    try:
        out, schedule = schedule_cut_short(ws, tmp_path, monkeypatch, ODD)
        assert not out.exists() and len(list(out.parent.glob(PURGE_PREFIX + "*"))) == 1
        schedule().apply(permanent=True)    # finishes the one cut short
        assert not list(out.parent.glob(PURGE_PREFIX + "*"))
        assert ws.db.all("SELECT state FROM retention_deletions") == [("deleted",)]
    finally:
        ws.close()


def test_a_long_name_that_is_not_utf8_goes_back_under_its_own_bytes(tmp_path):
    """Put back (it could not be overwritten) from its row's text: under that \\xNN text it
    was another name, and past 63 such bytes one too long for the disk (ENAMETOOLONG)."""
    for n in (60, 70):
        real = tmp_path / (os.fsdecode(b"\xe9" * n) + ".jpg")
        said = Path(text_safe(str(real)))
        hidden = transfer.hidden_for(real)
        assert transfer.hidden_for(said) == hidden        # the same from its row
        assert transfer.own_name(hidden, said) == real
        assert transfer.own_name(hidden, real) == real
        hidden.write_bytes(b"x")
        assert transfer.hidden_left(said) == hidden
        hidden.unlink()
    short = tmp_path / "caf\udce9.jpg"
    assert transfer.own_name(transfer.hidden_for(short),
                             Path(text_safe(str(short)))) == short


def test_a_folder_bound_in_the_sticks_place_from_this_pcs_own_disk_is_not_refused(
        tmp_path, monkeypatch):
    """A bind mount (``mount --bind /srv/photos /mnt/photos``, a NAS folder set up so) is on
    the same disk as its folder: ``os.path.ismount`` says no, and every report, export and
    import there was refused as "the USB stick ... is not connected any more"."""
    import subprocess

    from photovet.core import fsutil
    from photovet.core.media.export import check_output_folder

    media = tmp_path / "mnt"
    place = media / "school photos"           # a space: written \\040 in the system's list
    place.mkdir(parents=True)
    (tmp_path / "srv").mkdir()
    if subprocess.run(["mount", "--bind", str(tmp_path / "srv"), str(place)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        monkeypatch.setattr(fsutil, "MOUNT_PLACES", ((os.path.realpath(media), 1),))
        assert fsutil.unplugged_disk(place / "2026") is None
        check_output_folder(place)
        fsutil.write_report(place / "sar.html", "<p>report</p>")
        assert (tmp_path / "srv" / "sar.html").exists()
    finally:
        subprocess.run(["umount", "-l", str(place)], check=False)
    assert fsutil.unplugged_disk(place) == os.path.realpath(place)    # unbound: refused


def test_an_export_whose_stick_is_pulled_out_mid_batch_saves_nothing_on_this_pc(
        tmp_path, monkeypatch):
    """The stick is checked before the batch only: unmounted after the first copy (its
    mount folder stays, as for any stick mounted under /mnt), every later copy of the batch
    was saved on this computer's own disk, hidden there once the stick is back. Now each
    later photo is refused in words, and the batch goes on to say so for each."""
    import subprocess

    from PIL import Image

    from photovet.core import fsutil
    from photovet.core.media.export import export_batch
    from tests.core.test_export import WEB, jobs

    media = tmp_path / "mnt"
    place = media / "STICK"
    place.mkdir(parents=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(place)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    mounted = [True]

    def unplug(_result):
        subprocess.run(["umount", "-l", str(place)], check=True)
        mounted[0] = False

    try:
        monkeypatch.setattr(fsutil, "MOUNT_PLACES", ((os.path.realpath(media), 1),))
        src = tmp_path / "in"
        src.mkdir()
        for i in range(4):
            Image.new("RGB", (64, 48), (40 * i, 90, 150)).save(src / f"IMG_{i}.jpg")
        batch = jobs(sorted(src.iterdir()))
        batch[0].fill = unplug
        results = [s.result for s in export_batch(batch, place, label="trip", channel=WEB,
                                                  workers=1)][1:]
    finally:
        if mounted[0]:
            subprocess.run(["umount", "-l", str(place)], check=False)
    assert not mounted[0] and len(results) == 4
    assert not os.listdir(place), os.listdir(place)      # nothing on this PC's own disk
    assert all("not connected any more" in (r.error or "") for r in results[1:]), results


def test_another_pc_of_the_same_name_keeps_its_copy_in_progress(tmp_path):
    """PCs installed from one image often keep its name ("ubuntu", "localhost"): PC A's
    temporary file then said this PC, its process id was not running here, and an import or
    export into the shared folder removed A's copy in progress (the s44 note, again). The
    installation's own id is in the computer's tag too now."""
    import socket
    import subprocess
    import sys

    from photovet.core.media.export import clean_leftovers

    shared = tmp_path / "shared"
    shared.mkdir()
    other_id = tmp_path / "machine-id"
    other_id.write_text("0123456789abcdef0123456789abcdef\n")
    code = ("import socket, sys\n"
            f"socket.gethostname = lambda: {socket.gethostname()!r}\n"
            "from pathlib import Path\n"
            "from photovet.core import fsutil, transfer\n"
            "fsutil.MACHINE_ID_FILES = (sys.argv[2],)\n"
            "from photovet.core.media.export import write_temp\n"
            "d = Path(sys.argv[1])\n"
            "t = transfer._temp_name(d / 'IMG_7.JPG'); t.write_bytes(b'PC A is writing')\n"
            "print(t); print(write_temp(b'PC A is exporting', d))\n")
    out = subprocess.run([sys.executable, "-c", code, str(shared), str(other_id)],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.getcwd()))
    importing, exporting = (Path(p) for p in out.stdout.split())
    assert transfer.clean_temp_files(shared) == [] and clean_leftovers(shared) == []
    assert importing.read_bytes() == b"PC A is writing"
    assert exporting.read_bytes() == b"PC A is exporting"


def test_drop_second_name_never_removes_another_files_name_nor_a_name_elsewhere(tmp_path):
    """Guards no earlier test reached (each broken alone, every s45 test still passed): two
    different files that each have a second name elsewhere (a user's own hard links), and
    one file whose second name is a user's hard link in another folder."""
    from photovet.core import fsutil

    a, b = tmp_path / "IMG_1.JPG", tmp_path / f"{PURGE_PREFIX}IMG_1.JPG"
    a.write_bytes(b"photo")
    b.write_bytes(b"another")
    (tmp_path / "keep").mkdir()
    os.link(a, tmp_path / "keep" / "a")
    os.link(b, tmp_path / "keep" / "b")
    assert not fsutil.drop_second_name(a, b) and not transfer.settle_half_hidden(a, b)
    assert b.read_bytes() == b"another" and a.read_bytes() == b"photo"

    c = tmp_path / "IMG_2.JPG"
    c.write_bytes(b"photo 2")
    elsewhere = tmp_path / "keep" / f"{PURGE_PREFIX}IMG_2.JPG"
    os.link(c, elsewhere)
    assert not fsutil.drop_second_name(c, elsewhere)
    assert elsewhere.exists() and os.stat(c).st_nlink == 2


@pytest.mark.parametrize("who", ["AMY", "ZED"])     # ZED: nothing held, its own report
def test_a_subject_access_report_whose_stick_was_swapped_while_it_was_made_is_refused(
        world, tmp_path, monkeypatch, who):  # noqa: F811
    """The subject access report keeps its folder's disk when it starts and is refused when
    another disk is there by the time it is written (here a stick mounted outside the
    system's places, pulled out while the report was made): no test reached it through the
    report itself (leaving ``disk=`` out, every s45 test passed)."""
    import subprocess

    from photovet.core import fsutil
    from photovet.core.errors import OutputFolderError
    from photovet.core.records.sar import subject_access_report
    from tests.conftest import act_as

    rec, reg = world
    place = tmp_path / "STICK"
    place.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(place)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    monkeypatch.setattr(fsutil, "MOUNT_PLACES", ())
    person = reg.person

    def swapped(pid):        # while the report is made: pulled out, its folder left
        subprocess.run(["umount", "-l", str(place)], check=True)
        return person(pid)

    monkeypatch.setattr(reg, "person", swapped)
    try:
        act_as(rec, "dpo")
        with pytest.raises(OutputFolderError):
            subject_access_report(reg, rec, who, place / "sar.html")
        assert not os.listdir(place)
    finally:
        subprocess.run(["umount", "-l", str(place)], check=False)


def test_the_schedule_deletes_a_copy_whose_export_temporary_name_was_left(tmp_path):
    """Killed between the link that names an export's copy and the removal of its temporary
    name: the schedule must settle that name as purge and "Delete now" do (leaving its
    ``settle_left_temp`` out, every s45 test still passed: the copy was kept for good as "a
    hard link")."""
    from photovet.core import fsutil
    from photovet.core.media.export import TEMP_PREFIX
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access
    from tests.core.test_file_hunt_s45 import _dead_pid
    from tests.core.test_retention import clock_at

    ws = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    try:
        res = make_export(tmp_path, 1, name="IMG_1")
        ws.records.add_export(res, batch="Trip", channel="website")
        out = Path(res.output)
        left = out.with_name(f"{TEMP_PREFIX}{fsutil.temp_owner(_dead_pid())}-abcdef.part")
        os.link(out, left)
        days = ws.settings.retention.export_copies_days
        ws.retention(clock_at(days)).apply(permanent=True)
        assert not out.exists() and not left.exists()
    finally:
        ws.close()


def test_a_purges_dry_run_leaves_a_temporary_name_left_beside_a_photo(tmp_path):
    """A dry run changes nothing on the disk (said in s45's report, tested nowhere: settling
    the name in a dry run too, every s45 test still passed)."""
    from photovet.core import fsutil
    from tests.core.test_file_hunt_s45 import _dead_pid, _posted

    rec, src = _posted(tmp_path)
    dead = src.with_name(f"{transfer.TMP_PREFIX}{fsutil.temp_owner(_dead_pid())}-ab-x.JPG")
    os.link(src, dead)
    transfer.purge_batch(rec, "trip", dry_run=True, permanent=True)
    assert dead.exists() and os.stat(src).st_nlink == 2


def test_a_sticks_place_written_in_another_case_is_checked_on_macos(tmp_path, monkeypatch):
    """macOS disks ignore case: "/volumes/STICK" is "/Volumes/STICK" there, and a report saved
    to it with the stick pulled out lands on the Mac's own disk (s45 audit). Linux keeps case."""
    from photovet.core import fsutil

    volumes = tmp_path / "Volumes"
    volumes.mkdir()
    monkeypatch.setattr(fsutil, "MOUNT_PLACES", ((os.path.realpath(volumes), 1),))
    lower = os.path.join(os.path.realpath(tmp_path), "volumes", "STICK", "reports")
    monkeypatch.setattr(fsutil.sys, "platform", "linux")
    assert fsutil.unplugged_disk(lower) is None
    monkeypatch.setattr(fsutil.sys, "platform", "darwin")
    assert fsutil.unplugged_disk(lower) is not None
    with pytest.raises(fsutil.OutputFolderError):
        fsutil.refuse_unplugged(lower)
