"""s45 hunt for paths that lose or damage a file (the s44 notes left open, then more). Each
test plays the real condition (a crash at the moment in between, a name near the disk's limit,
another computer's copy in progress, a stick pulled out) and fails on the code before s45."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from afterpost_util import make_export, sha

from photovet.core import fsutil, transfer
from photovet.core.storage import open_db
from photovet.core.transfer import PURGE_PREFIX, purge_batch
from tests.conftest import office_audit, office_records

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


@pytest.fixture
def trash(tmp_path, monkeypatch):
    bin_ = tmp_path / "Trash"
    bin_.mkdir()
    monkeypatch.setattr(transfer, "_trash", lambda p: shutil.move(str(p), bin_ / Path(p).name))
    monkeypatch.setattr("send2trash.send2trash",
                        lambda p: shutil.move(str(p), bin_ / Path(p).name))
    return bin_


def _posted(tmp_path, name="IMG_1"):
    rec = office_records()
    r = make_export(tmp_path, 1, name=name, size=(96, 64))
    rec.add_export(r, batch="trip", channel="website", preparer=None, approver=None)
    rec.mark_posted(files=[Path(r.output)], channel="website")
    return rec, Path(r.source)


class Killed(BaseException):
    """The process ended at a crash point (kill -9, a power cut): nothing after it runs."""


def _killed_at(monkeypatch, label, *modules):
    def crash_point(at):
        if at == label:
            raise Killed(at)

    for m in modules or (fsutil, transfer):
        monkeypatch.setattr(m, "crash_point", crash_point)


class _Rejected:
    def for_photo(self, sha256):
        return [type("S", (), {"status": "rejected", "channel": "website",
                               "approver": "Head"})()]


# --------------------------------------------------------------------------------------------
# 1. a rename by link-then-unlink cut short between the two (NFS, some FUSE disks)
# --------------------------------------------------------------------------------------------

def test_a_rename_cut_short_between_link_and_unlink_is_finished_by_the_next_purge(
        tmp_path, trash, monkeypatch):
    """On a disk without renameat2's flag the photo is linked to its hidden name, then its own
    name removed. Killed in between, it had both names (one file): every later purge refused it
    for good ("the same photo has 1 other name"). Now the next purge removes the hidden name
    (nothing lost) and deletes the photo as it would have."""
    rec, src = _posted(tmp_path)
    hidden = src.with_name(PURGE_PREFIX + src.name)
    monkeypatch.setattr(fsutil, "_no_replace_call", lambda: None)     # an NFS share
    _killed_at(monkeypatch, "fsutil.linked")
    with pytest.raises(Killed):
        purge_batch(rec, "trip", permanent=True)
    assert os.path.samefile(src, hidden) and os.stat(src).st_nlink == 2     # both names
    monkeypatch.undo()
    monkeypatch.setattr(fsutil, "_no_replace_call", lambda: None)
    monkeypatch.setattr(transfer, "HALF_HIDDEN_QUIET_SECONDS", 0)     # cut short long ago
    [item] = purge_batch(rec, "trip", permanent=True).items
    assert item.status == "deleted", item.reason
    assert not src.exists() and not hidden.exists()
    assert rec.db.all("SELECT id FROM purges WHERE state = 'pending'") == []


def test_both_names_left_by_a_put_back_cut_short_are_settled_the_photo_kept(tmp_path, trash,
                                                                           monkeypatch):
    """The same state, left by putting a photo back (hidden -> its own name) cut short: the
    next purge keeps the photo under its own name and decides again (here: deletes it)."""
    monkeypatch.setattr(transfer, "HALF_HIDDEN_QUIET_SECONDS", 0)     # cut short long ago
    rec, src = _posted(tmp_path)
    hidden = src.with_name(PURGE_PREFIX + src.name)
    data = src.read_bytes()
    os.link(src, hidden)               # link made, old name not yet removed
    [item] = purge_batch(rec, "trip", dry_run=False, permanent=False).items
    assert item.status == "deleted", item.reason
    assert not hidden.exists() and (trash / src.name).read_bytes() == data


def test_the_schedule_and_a_rejected_photo_settle_both_names_too(tmp_path, monkeypatch):
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access
    from tests.core.test_retention import clock_at

    monkeypatch.setattr(transfer, "HALF_HIDDEN_QUIET_SECONDS", 0)     # cut short long ago
    src = tmp_path / "IMG_9.JPG"
    src.write_bytes(b"rejected photo")
    os.link(src, src.with_name(PURGE_PREFIX + src.name))
    transfer.delete_rejected_original(src, sha256=sha(src), approvals=_Rejected(),
                                      audit=office_audit(open_db()), permanent=True)
    assert not list(tmp_path.glob("*IMG_9*"))

    ws = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    try:
        res = make_export(tmp_path, 1)
        ws.records.add_export(res, batch="Trip", channel="website")
        out = Path(res.output)
        os.link(out, out.with_name(PURGE_PREFIX + out.name))
        days = ws.settings.retention.export_copies_days
        [due] = ws.retention(clock_at(days)).due(("export-copies",))
        ws.retention(clock_at(days)).apply(items=[due], permanent=True)
        assert due.status == "deleted", due.reason
        assert not list(out.parent.glob("*" + out.name))
    finally:
        ws.close()


def test_a_hidden_name_with_a_third_name_elsewhere_is_never_touched(tmp_path, trash):
    """Only the two names of one file side by side are settled: a file with a name elsewhere
    too (a hard link a person made) is another file's data; nothing is removed."""
    rec, src = _posted(tmp_path)
    hidden = src.with_name(PURGE_PREFIX + src.name)
    os.link(src, hidden)
    os.link(src, tmp_path / "elsewhere.jpg")
    [item] = purge_batch(rec, "trip", permanent=True).items
    assert item.status != "deleted"
    assert src.exists() and hidden.exists() and (tmp_path / "elsewhere.jpg").exists()


def test_drop_second_name_leaves_two_files_of_the_same_content(tmp_path):
    a, b = tmp_path / "a.jpg", tmp_path / (PURGE_PREFIX + "a.jpg")
    a.write_bytes(b"same")
    b.write_bytes(b"same")
    assert not fsutil.drop_second_name(a, b) and a.exists() and b.exists()
    assert not fsutil.drop_second_name(a, a) and a.exists()
    b.unlink()
    os.link(a, b)
    assert fsutil.drop_second_name(a, b) and a.read_bytes() == b"same" and not b.exists()


# --------------------------------------------------------------------------------------------
# 4. a name too long for the hidden name (more than 239 bytes)
# --------------------------------------------------------------------------------------------

LONG = "\u00fc" * 123          # + ".JPG": a 250-byte UTF-8 name, legal on every disk


def test_a_photo_with_a_250_byte_name_is_deleted_for_good(tmp_path, trash):
    """".photovet-purge-" + a 250-byte name is 266 bytes: the rename failed with "File name
    too long" and such a photo could never be deleted for good (purge, a rejected photo, the
    retention schedule)."""
    rec, src = _posted(tmp_path, LONG)
    assert len(os.fsencode(src.name)) == 250
    [item] = purge_batch(rec, "trip", permanent=True).items
    assert item.status == "deleted", item.reason
    assert not src.exists() and not list(src.parent.glob(PURGE_PREFIX + "*"))

    other = tmp_path / "r" / (LONG + ".JPG")
    other.parent.mkdir()
    other.write_bytes(b"rejected")
    transfer.delete_rejected_original(other, sha256=sha(other), approvals=_Rejected(),
                                      audit=office_audit(open_db()), permanent=True)
    assert not list(other.parent.iterdir())


def test_a_long_named_photo_whose_deletion_was_cut_short_is_finished_or_put_back(
        tmp_path, trash, monkeypatch):
    """Cut short after the rename to its (shorter) hidden name: the next purge finds it from
    the photo's name, and one that cannot be overwritten goes back under its whole name."""
    rec, src = _posted(tmp_path, LONG)
    data = src.read_bytes()
    _killed_at(monkeypatch, "purge.hidden", transfer)
    with pytest.raises(Killed):
        purge_batch(rec, "trip", permanent=True)
    monkeypatch.undo()
    [left] = list(src.parent.glob(PURGE_PREFIX + "*"))
    assert not src.exists() and len(os.fsencode(left.name)) <= 255
    assert left == transfer.hidden_for(src)

    real = os.open

    def read_only(path, flags, *a, **k):
        if flags & os.O_RDWR and os.path.basename(os.fspath(path)).startswith(PURGE_PREFIX):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", read_only)
    [item] = purge_batch(rec, "trip", permanent=True).items
    assert item.status == "error" and "not allowed to change" in item.reason, item.reason
    assert src.read_bytes() == data and not list(src.parent.glob(PURGE_PREFIX + "*"))
    monkeypatch.undo()
    _killed_at(monkeypatch, "purge.hidden", transfer)
    with pytest.raises(Killed):
        purge_batch(rec, "trip", permanent=True)
    monkeypatch.undo()
    [item] = purge_batch(rec, "trip", permanent=True).items
    assert item.status == "deleted", item.reason
    assert not src.exists() and not list(src.parent.glob(PURGE_PREFIX + "*"))


def schedule_cut_short(ws, tmp_path, monkeypatch, name: str):
    """An export copy named ``name``, due under the retention schedule, whose deletion for good
    was killed once hidden (``retention.hidden``); returns its path and a maker of the schedule
    on its due day, whose next ``apply(permanent=True)`` finishes it."""
    from tests.core.test_retention import clock_at

    res = make_export(tmp_path, 1, name=name)
    ws.records.add_export(res, batch="Trip", channel="website")
    days = ws.settings.retention.export_copies_days

    def schedule():
        return ws.retention(clock_at(days))

    [due] = schedule().due(("export-copies",))
    _killed_at(monkeypatch, "retention.hidden", transfer)
    with pytest.raises(Killed):
        schedule().apply(items=[due], permanent=True)
    monkeypatch.undo()
    return Path(res.output), schedule


def test_the_schedule_deletes_a_long_named_file_for_good(tmp_path, monkeypatch):
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access

    ws = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    try:
        out, schedule = schedule_cut_short(ws, tmp_path, monkeypatch, LONG)
        assert not out.exists() and transfer.hidden_for(out).exists()
        schedule().apply(permanent=True)    # finishes the one cut short
        assert not out.exists() and not list(out.parent.glob(PURGE_PREFIX + "*"))
        assert ws.db.all("SELECT id FROM retention_deletions WHERE state = 'pending'") == []
    finally:
        ws.close()


def test_hidden_names_fit_and_differ(tmp_path):
    a = tmp_path / (LONG + ".JPG")
    b = tmp_path / (LONG + "x.JPG")
    assert transfer.hidden_for(tmp_path / "IMG_1.JPG").name == PURGE_PREFIX + "IMG_1.JPG"
    ha, hb = transfer.hidden_for(a), transfer.hidden_for(b)
    assert ha != hb and max(len(os.fsencode(h.name)) for h in (ha, hb)) <= 255
    assert transfer.own_name(ha, a) == a and transfer.own_name(ha.with_name(
        PURGE_PREFIX + "IMG_1.JPG"), tmp_path / "IMG_1.JPG") == tmp_path / "IMG_1.JPG"


# --------------------------------------------------------------------------------------------
# 2. a shared network folder: another computer's copy in progress is never removed
# --------------------------------------------------------------------------------------------

def _dead_pid() -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_temp_names_say_the_computer_and_only_this_ones_dead_process_is_removed_at_once(
        tmp_path):
    """PC A copies into a shared folder (its temporary file named by its process id); PC B
    exports or imports into that folder and removed A's copy in progress, because no process
    of B had A's id (s44 note). Now a temporary name carries the computer too; another
    computer's file (or an older PhotoVet's, named by its process id alone) is removed only
    once nobody has written to it for hours."""
    from photovet.core.media.export import TEMP_PREFIX, clean_leftovers, write_temp

    dead = _dead_pid()
    out = tmp_path / "shared"
    out.mkdir()
    mine = out / f"{TEMP_PREFIX}{fsutil.temp_owner(dead)}-aaaa.part"
    theirs = out / f"{TEMP_PREFIX}{dead}@0badc0de-bbbb.part"         # PC A's, in progress
    older = out / f"{TEMP_PREFIX}{dead}-cccc.part"                    # an older PhotoVet's
    gone = out / f"{TEMP_PREFIX}{dead}@0badc0de-dddd.part"            # PC A's, left for hours
    for p in (mine, theirs, older, gone):
        p.write_bytes(b"half a copy")
    hours_ago = os.stat(gone).st_mtime - fsutil.STALE_TEMP_SECONDS - 60
    os.utime(gone, (hours_ago, hours_ago))
    assert sorted(clean_leftovers(out)) == sorted([mine, gone])
    assert theirs.exists() and older.exists()
    assert write_temp(b"x", out).name.startswith(f"{TEMP_PREFIX}{os.getpid()}@")

    pc = tmp_path / "pc"
    pc.mkdir()
    mine = pc / f"{transfer.TMP_PREFIX}{fsutil.temp_owner(dead)}-ab-IMG_1.JPG"
    theirs = pc / f"{transfer.TMP_PREFIX}{dead}@0badc0de-ab-IMG_2.JPG"
    older = pc / f"{transfer.TMP_PREFIX}{dead}-ab-IMG_3.JPG"
    for p in (mine, theirs, older):
        p.write_bytes(b"half a photo")
    assert transfer.clean_temp_files(pc) == [mine] and theirs.exists() and older.exists()
    assert transfer._temp_name(pc / "IMG_4.JPG").name.startswith(
        f"{transfer.TMP_PREFIX}{fsutil.temp_owner()}-")


def _named_on_pc_a(folder: Path) -> tuple[Path, Path]:
    """PhotoVet on another computer ("pc-a") beginning a copy into the shared ``folder``: an
    import's temporary file and an export's, named as that PhotoVet names them, written by a
    process that runs there (here, a process that has ended: its id is not running on this
    computer, as PC A's ids are not on PC B)."""
    import subprocess
    import sys

    code = ("import socket, sys; socket.gethostname = lambda: 'pc-a'\n"
            "from pathlib import Path\n"
            "from photovet.core import transfer\n"
            "from photovet.core.media.export import write_temp\n"
            "d = Path(sys.argv[1])\n"
            "t = transfer._temp_name(d / 'IMG_7.JPG'); t.write_bytes(b'PC A is writing')\n"
            "print(t); print(write_temp(b'PC A is exporting', d))\n")
    out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True,
                         text=True, check=True, env=dict(os.environ, PYTHONPATH=os.getcwd()))
    a, b = out.stdout.split()
    return Path(a), Path(b)


def test_another_computers_copy_in_progress_survives_an_import_and_an_export(tmp_path):
    """The whole import and export runs into the folder PC A is copying into: before, both
    removed PC A's temporary files (no process of that id on this PC), so A's copy failed."""
    from photovet.core.media.export import export_batch
    from tests.core.test_export import WEB, jobs, leaky_jpeg
    from tests.core.test_transfer import make_device, run

    shared = tmp_path / "shared"
    shared.mkdir()
    importing, exporting = _named_on_pc_a(shared)
    dev = tmp_path / "card"
    make_device(dev, 1)
    run(transfer.import_from_device(dev, shared, audit=office_audit(open_db())))
    src = leaky_jpeg(tmp_path / "a.jpg")
    list(export_batch(jobs([src]), shared, label="trip", channel=WEB, workers=1))
    assert importing.read_bytes() == b"PC A is writing"
    assert exporting.read_bytes() == b"PC A is exporting"


# --------------------------------------------------------------------------------------------
# 3. a report (or copies) saved to a USB stick that was pulled out
# --------------------------------------------------------------------------------------------

@pytest.fixture
def stick(tmp_path, monkeypatch):
    """A real USB stick's place: a tmpfs mounted at <tmp>/media/office/STICK (as udisks mounts
    one), the system's place for sticks being <tmp>/media. Yields (mount point, unplug)."""
    import subprocess

    media = tmp_path / "media"
    place = media / "office" / "STICK"
    place.mkdir(parents=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(place)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    mounted = [True]

    def unplug():
        subprocess.run(["umount", "-l", str(place)], check=True)
        mounted[0] = False

    try:
        monkeypatch.setattr(fsutil, "MOUNT_PLACES", ((os.path.realpath(media), 2),))
        yield place, unplug
    finally:
        if mounted[0]:
            subprocess.run(["umount", "-l", str(place)], check=False)


def test_a_report_for_a_stick_pulled_out_is_refused_not_saved_on_this_pc(stick):
    """The stick pulled out: its empty folder stays (or is made again by the report's
    ``mkdir(parents=True)``) on this computer's own disk, and the report, naming a pupil,
    was saved there, hidden once a stick is mounted there again. Now refused, in words."""
    from photovet.core.errors import OutputFolderError

    place, unplug = stick
    fsutil.write_report(place / "sar.html", "<p>report</p>")     # plugged in: saved
    assert (place / "sar.html").exists()
    unplug()
    assert not place.exists() or not any(place.iterdir())
    place.mkdir(exist_ok=True)            # the empty folder left where the stick was
    for target in (place / "sar.html", place / "reports" / "history.csv"):
        with pytest.raises(OutputFolderError) as ei:
            fsutil.write_report(target, "<p>report</p>", overwrite=True)
        assert "not connected any more" in ei.value.message and ei.value.hint
    assert not any(place.iterdir())
    place.rmdir()                         # or no folder at all: never made again
    with pytest.raises(OutputFolderError):
        fsutil.check_report_path(place / "sar.html")
    with pytest.raises(OutputFolderError):
        fsutil.write_report(place / "sar.html", "<p>report</p>")
    assert not place.exists()


def test_a_report_whose_disk_changed_since_its_place_was_chosen_is_refused(tmp_path, monkeypatch):
    from photovet.core.errors import OutputFolderError

    monkeypatch.setattr(fsutil, "MOUNT_PLACES", ())
    disk = fsutil.disk_of(tmp_path / "r.html")
    assert disk is not None
    fsutil.write_report(tmp_path / "r.html", "x", disk=disk)
    with pytest.raises(OutputFolderError):
        fsutil.write_report(tmp_path / "s.html", "x", disk=(disk[0] + 1, disk[1]))
    with pytest.raises(OutputFolderError):       # same device number, another file system
        fsutil.write_report(tmp_path / "s.html", "x", disk=(disk[0], disk[1] + 1))
    assert not (tmp_path / "s.html").exists()


def test_copies_and_imports_into_a_stick_pulled_out_are_refused(stick, tmp_path):
    from photovet.core.errors import OutputFolderError
    from photovet.core.media.export import check_output_folder
    from tests.core.test_transfer import make_device, run

    place, unplug = stick
    check_output_folder(place)            # plugged in: fine
    unplug()
    place.mkdir(exist_ok=True)
    with pytest.raises(OutputFolderError) as ei:
        check_output_folder(place)
    assert "not connected any more" in ei.value.message
    dev = tmp_path / "card"
    originals = make_device(dev, 2)
    with pytest.raises(OutputFolderError):
        run(transfer.import_from_device(dev, place / "photos", clear=True,
                                        audit=office_audit(open_db())))
    assert not any(place.iterdir())
    assert all((dev / rel).read_bytes() == data for rel, data in originals.items())


def test_a_folder_in_the_sticks_place_is_fine_while_a_disk_is_mounted_there(stick):
    place, _unplug = stick
    (place / "a" / "b").mkdir(parents=True)
    assert fsutil.unplugged_disk(place / "a" / "b") is None
    assert fsutil.unplugged_disk(place.parent) == os.path.realpath(place.parent)   # no disk


# --------------------------------------------------------------------------------------------
# hunted: a copy's temporary name left beside it (killed between the link and the unlink)
# --------------------------------------------------------------------------------------------

def test_an_import_killed_between_naming_a_copy_and_removing_its_temporary_name(tmp_path):
    """An import gives a copy its name by a link from its temporary file, then removes the
    temporary name. Killed in between (kill -9, here a real process ending there), the
    photo had two names: "Delete now", purge and the schedule refused it as a hard link until
    another import into that folder removed the leftover, if ever. Now the leftover name of a
    process that has ended is removed first, and the photo deleted as checked."""
    import subprocess
    import sys

    from tests.core.test_transfer import make_device

    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev, 1)
    code = ("import os, sys\n"
            "from photovet.core import fsutil, transfer\n"
            "from photovet.core.storage import open_db\n"
            "from tests.conftest import office_audit\n"
            "def named_then_killed(tmp, final):\n"
            "    fsutil.link_no_overwrite(tmp, final)\n"
            "    os._exit(137)\n"
            "transfer._link_no_overwrite = named_then_killed\n"
            "for _ in transfer.import_from_device(sys.argv[1], sys.argv[2],\n"
            "                                     audit=office_audit(open_db())):\n"
            "    pass\n")
    done = subprocess.run([sys.executable, "-c", code, str(dev), str(pc)],
                          env=dict(os.environ, PYTHONPATH=os.getcwd()), capture_output=True)
    assert done.returncode == 137, done.stderr[-2000:]
    [copy] = [p for p in pc.rglob("*.JPG") if not p.name.startswith(".")]
    [left] = list(pc.rglob(transfer.TMP_PREFIX + "*"))
    assert os.path.samefile(copy, left) and os.stat(copy).st_nlink == 2
    transfer.delete_rejected_original(copy, sha256=sha(copy), approvals=_Rejected(),
                                      audit=office_audit(open_db()), permanent=True)
    assert not copy.exists() and not left.exists()


def test_a_copy_in_progress_of_the_same_file_is_never_removed(tmp_path, trash):
    """Only a temporary name left behind: one of a process still running is a copy in
    progress (the photo is then refused as a hard link, as before)."""
    rec, src = _posted(tmp_path)
    live = src.with_name(f"{transfer.TMP_PREFIX}{fsutil.temp_owner()}-ab-{src.name}")
    os.link(src, live)
    [item] = purge_batch(rec, "trip", permanent=True).items
    assert item.status != "deleted" and "other name" in item.reason
    assert src.exists() and live.exists()
    live.unlink()
    dead = src.with_name(f"{transfer.TMP_PREFIX}{fsutil.temp_owner(_dead_pid())}-ab-x.JPG")
    os.link(src, dead)
    [item] = purge_batch(rec, "trip", permanent=True).items
    assert item.status == "deleted", item.reason
    assert not src.exists() and not dead.exists()


def test_a_take_down_deletes_a_copy_whose_export_temporary_name_was_left(tmp_path):
    from photovet.core.media.export import TEMP_PREFIX

    res = make_export(tmp_path, 1)
    out = Path(res.output)
    left = out.with_name(f"{TEMP_PREFIX}{fsutil.temp_owner(_dead_pid())}-abcdef.part")
    os.link(out, left)
    assert transfer.delete_exported_copy(out, res.output_sha256) is None
    assert not out.exists() and not left.exists()
