"""s46: what the s45 file audits left open. Each test plays the real condition (a stick swapped
for another in the same place, a folder of this computer's own disk under /mnt, another
computer's clock, a process that has ended) and fails on the code before its fix."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from photovet.core import fsutil, transfer
from photovet.core.errors import OutputFolderError
from tests.core.test_sar import world  # noqa: F401  (a fixture: the subject access report's)

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _mount_tmpfs(place: Path) -> bool:
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(place)],
                          capture_output=True).returncode == 0


@pytest.fixture
def port(tmp_path, monkeypatch):
    """A real stick's place outside the system's places: a tmpfs mounted at <tmp>/STICK.
    ``swap()`` pulls it out and mounts another one there, as a second stick put in the same
    USB port (Linux gives it the same device number, as it did a tmpfs here: 39, then 39)."""
    place = tmp_path / "STICK"
    place.mkdir()
    if not _mount_tmpfs(place):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    monkeypatch.setattr(fsutil, "MOUNT_PLACES", ())     # only the disk check can tell

    def swap():
        subprocess.run(["umount", "-l", str(place)], check=True)
        assert _mount_tmpfs(place)

    try:
        yield place, swap
    finally:
        for _ in range(3):       # each stick mounted there
            subprocess.run(["umount", "-l", str(place)], capture_output=True)


# --------------------------------------------------------------------------------------------
# 1. "the same disk as when it was chosen?" also asks the file system's id
# --------------------------------------------------------------------------------------------

def test_a_report_whose_stick_was_swapped_for_another_in_the_same_port_is_refused(port):
    """A stick swapped for another in the same port keeps the device number (sdb1): the check
    by ``st_dev`` alone took the other stick for the one chosen and saved the report, naming a
    pupil, on it. Now the file system's id is compared too."""
    place, swap = port
    disk = fsutil.disk_of(place / "sar.html")
    fsutil.write_report(place / "a.html", "<p>report</p>", disk=disk)      # same stick: saved
    swap()
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(place / "sar.html", "<p>report</p>", disk=disk)
    assert "not connected any more" in ei.value.message and ei.value.hint
    assert os.listdir(place) == []


@pytest.mark.parametrize("who", ["AMY", "ZED"])     # ZED: nothing held, its own report
def test_a_subject_access_report_whose_stick_was_swapped_in_the_same_port_is_refused(
        world, port, monkeypatch, who):  # noqa: F811
    from photovet.core.records.sar import subject_access_report
    from tests.conftest import act_as

    rec, reg = world
    place, swap = port
    person = reg.person

    def swapped(pid):        # while the report is made: another stick in the same port
        swap()
        return person(pid)

    monkeypatch.setattr(reg, "person", swapped)
    act_as(rec, "dpo")
    with pytest.raises(OutputFolderError):
        subject_access_report(reg, rec, who, place / "sar.html")
    assert os.listdir(place) == []


def test_an_import_whose_stick_is_swapped_mid_run_copies_no_more_onto_the_other(port, tmp_path,
                                                                                 monkeypatch):
    """An import onto a stick, swapped for another in the same port after the first copy: the
    rest went onto the other stick and were cleared from the card. Now each is refused and
    stays on the card."""
    from photovet.core.storage import open_db
    from tests.conftest import office_audit
    from tests.core.test_transfer import make_device, run

    place, swap = port
    dev = tmp_path / "card"
    originals = make_device(dev, 3)
    link = transfer._link_no_overwrite
    done = []

    def link_then_swap(tmp, final):
        link(tmp, final)
        if not done:
            done.append(final)
            swap()

    monkeypatch.setattr(transfer, "_link_no_overwrite", link_then_swap)
    _, results = run(transfer.import_from_device(dev, place, clear=True,
                                                 audit=office_audit(open_db())))
    assert [r.ok for r in results].count(True) <= 1
    assert sum("no longer there" in (r.error or "") for r in results) == 2, \
        [r.error for r in results]
    assert not [f for _d, _s, fs in os.walk(place) for f in fs]     # nothing on the other
    kept = {str(p.relative_to(dev)) for p in dev.rglob("*.JPG")}
    assert len(kept) >= 2 and all((dev / rel).read_bytes() == originals[rel] for rel in kept)


# --------------------------------------------------------------------------------------------
# 2. the register's opening finds a long or odd name's hidden file to tell it is not the photo
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["long", "not UTF-8", "not UTF-8, hidden before s45"])
def test_opening_tells_a_long_named_deletion_cut_short_it_cannot_finish(tmp_path, monkeypatch,
                                                                         kind):
    """A deletion for good by the schedule, cut short once hidden, whose hidden file was then
    replaced by another file: applying the schedule again never finishes it, and the register's
    opening must say so. It looks the hidden file up as the schedule does (``hidden_left``);
    looked up under the plain ``.photovet-purge-<name>`` (the form before s45), a long name's or
    a non-UTF-8 name's is never found, and the opening said "applying the schedule again
    finishes them" (s45 audit: no test failed with that lookup)."""
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access
    from tests.core.test_file_audit_s45 import ODD
    from tests.core.test_file_hunt_s45 import LONG, schedule_cut_short

    ws = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    try:
        name = LONG if kind == "long" else ODD
        out, schedule = schedule_cut_short(ws, tmp_path, monkeypatch, name)
        hidden = transfer.hidden_for(out)
        assert not out.exists() and hidden.exists()
        plain = out.with_name(transfer.PURGE_PREFIX + out.name)
        assert not os.path.lexists(plain)
        if kind.endswith("before s45"):     # hidden by the older PhotoVet: its plain name
            os.rename(hidden, plain)
            hidden = plain
        hidden.unlink()
        hidden.write_bytes(b"another file, not the photo")      # not the file it renamed
        schedule().apply(permanent=True)
        assert hidden.read_bytes() == b"another file, not the photo"       # never touched
        assert ws.db.scalar("SELECT state FROM retention_deletions") == "pending"
        notes = ws.settle_interrupted()
        assert any(n.startswith("1 deletion for good by the retention schedule was cut "
                                "short") for n in notes), notes
        assert not any("applying the schedule again finishes" in n for n in notes), notes
    finally:
        ws.close()


# --------------------------------------------------------------------------------------------
# 3. a plain folder of this computer's own disk under /mnt is not a stick pulled out
# --------------------------------------------------------------------------------------------

@pytest.fixture
def mnt(tmp_path, monkeypatch):
    """<tmp>/mnt as the system's /mnt (a place for sticks and shares, and for a school's own
    folders), with an empty list of what should be mounted (``FSTAB``)."""
    root = tmp_path / "mnt"
    root.mkdir()
    real = os.path.realpath(root)
    monkeypatch.setattr(fsutil, "MOUNT_PLACES", ((real, 1),))
    monkeypatch.setattr(fsutil, "OWN_FOLDER_PLACES", (real,), raising=False)
    fstab = tmp_path / "fstab"
    fstab.write_text("# nothing\n")
    monkeypatch.setattr(fsutil, "FSTAB", str(fstab), raising=False)
    return root


def test_a_school_folder_with_photos_under_mnt_on_this_pcs_own_disk_is_used(mnt, tmp_path):
    """A school keeps its photos in /mnt/photos on the PC's own disk (a plain folder, not a
    mount point): every report, export and import there was refused as "the USB stick ... is
    not connected any more" (s45). Now a folder with files in it there is used."""
    from photovet.core.media.export import check_output_folder
    from photovet.core.storage import open_db
    from tests.conftest import office_audit
    from tests.core.test_transfer import make_device, run

    photos = mnt / "photos"
    photos.mkdir()
    (photos / "IMG_0001.JPG").write_bytes(b"the school's photo")
    assert fsutil.unplugged_disk(photos / "2026" / "trip") is None
    check_output_folder(photos)
    fsutil.write_report(photos / "reports" / "sar.html", "<p>report</p>",
                        disk=fsutil.disk_of(photos / "reports" / "sar.html"))
    dev = tmp_path / "card"
    make_device(dev, 2)
    _, results = run(transfer.import_from_device(dev, photos / "imported",
                                                 audit=office_audit(open_db())))
    assert [r.error for r in results] == [None, None]
    assert (photos / "reports" / "sar.html").exists()


def test_an_empty_or_missing_folder_under_mnt_is_still_refused_saying_what_to_do(mnt):
    """An empty folder under /mnt with nothing mounted on it is what a stick pulled out leaves,
    or a new folder of the PC's own: PhotoVet cannot tell, so it saves nothing there and says
    what to do. A folder that is not there at all is a stick's gone."""
    from photovet.core.media.export import check_output_folder

    empty = mnt / "stick"
    empty.mkdir()
    with pytest.raises(OutputFolderError) as ei:
        check_output_folder(empty)
    assert "may be on one that is not connected" in ei.value.message
    assert "put a file in it" in ei.value.hint
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(empty / "sar.html", "<p>report</p>")
    assert "not connected" in ei.value.message
    assert os.listdir(empty) == []
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(mnt / "gone" / "sar.html", "<p>report</p>")
    assert ei.value.message == fsutil.DISK_GONE
    assert not (mnt / "gone").exists()


def test_a_folder_under_mnt_listed_in_fstab_with_nothing_mounted_is_refused(mnt):
    """A share or drive the system mounts at /mnt/share (listed in /etc/fstab, here with a
    space, written \\040) and not connected now: its folder may hold files of this PC's own
    (written before it was first mounted); it is still the share's place and refused."""
    share = mnt / "school share"
    share.mkdir()
    (share / "old.txt").write_text("left on this PC's own disk")
    assert fsutil.unplugged_disk(share) is None
    Path(fsutil.FSTAB).write_text("# /etc/fstab\n//nas/photos "
                                  + os.path.realpath(share).replace(" ", "\\040")
                                  + " cifs credentials=/root/.nas 0 0\n")
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(share / "photos" / "sar.html", "<p>report</p>")
    assert ei.value.message == fsutil.DISK_GONE
    assert not (share / "photos").exists()


def test_a_stick_under_mnt_pulled_out_is_refused_though_its_folder_holds_files(mnt):
    """A stick mounted on /mnt/stick, whose folder on this PC's own disk holds a file (hidden
    while the stick is in): pulled out after the PhotoVet saw it there, the folder has files
    but is the stick's place: refused, not saved on this PC."""
    place = mnt / "stick"
    place.mkdir()
    (place / "under.txt").write_text("on this PC's own disk")
    if not _mount_tmpfs(place):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        fsutil.write_report(place / "a.html", "<p>report</p>")       # plugged in: saved
    finally:
        subprocess.run(["umount", "-l", str(place)], check=False)
    assert os.listdir(place) == ["under.txt"]
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(place / "b.html", "<p>report</p>")
    assert ei.value.message == fsutil.DISK_GONE
    assert os.listdir(place) == ["under.txt"]


def test_a_folder_with_files_in_the_sticks_places_of_media_is_still_refused(tmp_path,
                                                                             monkeypatch):
    """/media, /run/media and /Volumes are the system's places for sticks only: a folder there
    with nothing mounted is refused even with files in it (left there while a stick was out)."""
    media = tmp_path / "media"
    place = media / "office" / "STICK"
    place.mkdir(parents=True)
    (place / "left.txt").write_text("written while the stick was out")
    monkeypatch.setattr(fsutil, "MOUNT_PLACES", ((os.path.realpath(media), 2),))
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(place / "sar.html", "<p>report</p>")
    assert ei.value.message == fsutil.DISK_GONE


# --------------------------------------------------------------------------------------------
# 4. another computer's leftovers: judged by the shared folder's clock, not this PC's
# --------------------------------------------------------------------------------------------

HOURS = 7 * 3600        # more than the 6 hours a file of another computer is waited for


def _other_pcs(folder: Path) -> list[Path]:
    """PC A's copies in progress in a shared folder (an import's, an export's) and one left
    there by an older PhotoVet (its process id alone), all written to just now."""
    from photovet.core.media.export import TEMP_PREFIX

    made = [folder / f"{transfer.TMP_PREFIX}4242@0badc0de-ab-IMG_1.JPG",
            folder / f"{TEMP_PREFIX}4242@0badc0de-cd.part",
            folder / f"{transfer.TMP_PREFIX}4242-ef-IMG_2.JPG"]
    for p in made:
        p.write_bytes(b"PC A is writing")
    return made


@pytest.mark.parametrize("skew", [HOURS, 365 * 24 * 3600])
def test_a_pc_whose_clock_runs_hours_ahead_keeps_another_pcs_copies_in_progress(
        tmp_path, monkeypatch, skew):
    """This PC's clock hours ahead of the shared folder's (a dual-boot PC reading local time as
    UTC, east of Greenwich; a dead clock battery): by its own time.time() every other PC's
    copy in progress looked hours old, and was removed. Now the age is the folder's own."""
    import time

    from photovet.core.media.export import clean_leftovers

    shared = tmp_path / "shared"
    shared.mkdir()
    made = _other_pcs(shared)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + skew)
    assert transfer.clean_temp_files(shared) == []
    assert clean_leftovers(shared) == []
    assert all(p.read_bytes() == b"PC A is writing" for p in made)
    assert sorted(os.listdir(shared)) == sorted(p.name for p in made)     # no probe left


def test_a_pc_whose_clock_runs_hours_behind_removes_another_pcs_leftovers_once_both_clocks_say_old(
        tmp_path, monkeypatch):
    """Both clocks must say a file is over 6 hours old (s46 audit: the folder's clock alone
    trusted a disk that may date files ahead). Written 7 hours ago by the folder's clock, with
    this PC's clock 7 hours behind: kept; written 14 hours ago: removed."""
    import time

    from photovet.core.media.export import clean_leftovers

    shared = tmp_path / "shared"
    shared.mkdir()
    made = _other_pcs(shared)
    for p in made:
        then = os.stat(p).st_mtime - HOURS
        os.utime(p, (then, then))              # written 7 hours ago by the folder's clock
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - HOURS)
    assert transfer.clean_temp_files(shared) + clean_leftovers(shared) == []
    for p in made:
        then = os.stat(p).st_mtime - HOURS
        os.utime(p, (then, then))              # 14 hours ago: old by both clocks
    assert sorted(transfer.clean_temp_files(shared) + clean_leftovers(shared)) == sorted(made)
    assert os.listdir(shared) == []


def test_a_disk_that_dates_new_files_hours_ahead_keeps_another_pcs_copies_in_progress(
        tmp_path, monkeypatch):
    """The folder's clock hours ahead (its server's clock wrong, or a disk that stamps files
    so): by it alone another PC's copy in progress looked old and was removed (s46 audit).
    This PC's clock says it was written just now: kept."""
    from photovet.core.media.export import clean_leftovers

    shared = tmp_path / "shared"
    shared.mkdir()
    made = _other_pcs(shared)
    import time
    ahead = time.time() + HOURS
    monkeypatch.setattr(fsutil.FolderClock, "now", lambda self: ahead)
    assert transfer.clean_temp_files(shared) == []
    assert clean_leftovers(shared) == []
    assert all(p.read_bytes() == b"PC A is writing" for p in made)


def test_another_pcs_leftovers_are_kept_when_the_folders_clock_cannot_be_asked(tmp_path,
                                                                                 monkeypatch):
    """No file can be made in the folder (a read-only share): its clock is unknown, so no other
    computer's file is taken as left behind (this computer's own dead ones still are)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    [p, *_] = _other_pcs(shared)
    then = os.stat(p).st_mtime - HOURS
    os.utime(p, (then, then))

    def no_file(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsutil, "make_probe", no_file)
    assert not fsutil.temp_left_behind("4242@0badc0de", p)
    monkeypatch.undo()
    assert fsutil.temp_left_behind("4242@0badc0de", p)


# --------------------------------------------------------------------------------------------
# 5. this computer's own leftovers: removed at once wherever its process is provably gone
# --------------------------------------------------------------------------------------------

def _own_leftover(tmp_path: Path, owner: str) -> Path:
    from photovet.core.media.export import TEMP_PREFIX

    p = tmp_path / f"{TEMP_PREFIX}{owner}-abcd.part"
    p.write_bytes(b"half a copy")              # just written: not hours old
    return p


def test_a_windows_pcs_own_leftover_waits_as_another_pcs_file(tmp_path, monkeypatch):
    """s46 asked Windows whether the process was running (OpenProcess) and removed this PC's
    own leftovers at once. s48: PCs made from one image keep one MachineGuid and often one
    name, so another such PC's copy in progress, its process id not running here, was removed
    as this one's; Windows gives no id of its start to tell them apart, so a Windows PC's own
    leftovers wait as another computer's (``STALE_TEMP_SECONDS``): never removed under way."""
    monkeypatch.setattr(fsutil, "_system_id", [], raising=False)
    monkeypatch.setattr(fsutil, "_windows_machine_guid", lambda: "6f1c-guid", raising=False)
    monkeypatch.setattr(fsutil, "_windows_pid_alive", lambda pid: False, raising=False)
    with monkeypatch.context() as windows:
        windows.setattr(os, "name", "nt")
        owner = fsutil.temp_owner(4242)
        gone = _own_leftover(tmp_path, owner)
        fresh = fsutil.temp_left_behind(owner, str(gone))
        os.utime(gone, (1, 1))               # nobody has written to it for hours
        old = fsutil.temp_left_behind(owner, str(gone))
    assert "+" not in owner and (fresh, old) == (False, True)


def test_a_windows_pc_whose_id_cannot_be_read_waits_as_for_another_pcs_file(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setattr(fsutil, "_system_id", [])
    monkeypatch.setattr(fsutil, "_windows_machine_guid", lambda: "")
    monkeypatch.setattr(fsutil, "_windows_pid_alive", lambda pid: False)
    with monkeypatch.context() as windows:
        windows.setattr(os, "name", "nt")
        tag = fsutil.host_tag()
        gone = _own_leftover(tmp_path, f"4242@{tag}")
        said = fsutil.temp_left_behind(f"4242@{tag}", str(gone))
    assert said is False


def test_windows_process_check_reads_openprocess_answers():
    """``_windows_pid_alive`` with Windows' answers played: an id no process has is gone;
    access denied (another account's process) is running; a process held open says by its
    exit code; anything unclear is running."""
    class Kernel32:
        def __init__(self, handle, exit_code=None):
            self.handle, self.exit_code, self.closed = handle, exit_code, 0

        def OpenProcess(self, access, inherit, pid):
            return self.handle

        def GetExitCodeProcess(self, handle, ref):
            if self.exit_code is None:
                return 0
            ref._obj.value = self.exit_code
            return 1

        def CloseHandle(self, handle):
            self.closed += 1

    assert fsutil._windows_pid_alive(7, Kernel32(0), lambda: 87) is False      # no such id
    assert fsutil._windows_pid_alive(7, Kernel32(0), lambda: 5) is True        # access denied
    k = Kernel32(99, 259)
    assert fsutil._windows_pid_alive(7, k, lambda: 0) is True and k.closed == 1   # running
    k = Kernel32(99, 0)
    assert fsutil._windows_pid_alive(7, k, lambda: 0) is False and k.closed == 1  # ended
    assert fsutil._windows_pid_alive(7, Kernel32(99, None), lambda: 0) is True


def test_a_linux_pc_without_a_machine_id_waits_as_for_another_pcs_file(tmp_path, monkeypatch):
    """Without its machine id, this PC cannot be told from another of the same name (PCs made
    from one image): its process id says nothing about the other's, so the file waits as any
    other computer's; with it, this PC's dead process's file goes at once."""
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.setattr(fsutil, "MACHINE_ID_FILES", (str(tmp_path / "no-machine-id"),))
    owner = fsutil.temp_owner(int(dead))
    assert not fsutil.temp_left_behind(owner, _own_leftover(tmp_path, owner))
    monkeypatch.undo()
    owner = fsutil.temp_owner(int(dead))
    assert fsutil.temp_left_behind(owner, _own_leftover(tmp_path, owner))


def test_photovet_in_its_own_space_of_process_ids_is_another_computer(tmp_path):
    """A Flatpak or a container shares this PC's name and machine id but has its own process
    ids: its process 2 is not this PC's process 2, and its copy in progress looked left behind
    by a process gone. Its temporary names now carry another computer's tag."""
    import subprocess
    import sys

    code = "from photovet.core import fsutil; print(fsutil.host_tag())"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c",
                          code], capture_output=True, text=True, env=env)
    if run.returncode != 0:
        pytest.skip(f"cannot make a space of process ids here ({run.stderr.strip()[-80:]})")
    assert run.stdout.strip() and run.stdout.strip() != fsutil.host_tag()


def test_another_pc_of_the_same_name_leaves_this_ones_export_in_progress_alone(tmp_path):
    """On a shared register, an export recorded under its temporary name says which process
    and PC is naming it. A PC reopening the register settles its own dead processes' ones
    (forgets the record, removes the file); by the PC's name alone, another PC of the same name
    (made from one image) took this PC's export in progress for its own, its process id not
    running there: the record was forgotten and the file removed (or, named meanwhile, a
    published copy with no record to take it down by). Now the PC's tag decides."""
    import json
    import socket

    from tests.conftest import office_records
    from tests.core.test_crash_anywhere import _dead_pid, _recorded_unnamed

    rec = office_records()
    dead = _dead_pid()
    theirs, their_temp, _ = _recorded_unnamed(rec, tmp_path, 1, pid=dead)
    mine, my_temp, _ = _recorded_unnamed(rec, tmp_path, 2, pid=dead)
    for rid, temp, tag in ((theirs, their_temp, "0badc0de"), (mine, my_temp, fsutil.host_tag())):
        rec.db.execute("UPDATE exports SET naming = ? WHERE id = ?", [json.dumps(
            {"temp": str(temp), "pid": dead, "host": socket.gethostname(), "tag": tag,
             "boot": fsutil.boot_tag()}), rid])
    notes = rec.settle_interrupted()
    ids = {r.id for r in rec.exports()}
    assert theirs in ids and their_temp.read_bytes()            # the other PC's: untouched
    assert mine not in ids and not my_temp.exists() and len(notes) == 1
    rec.db.close()


# --------------------------------------------------------------------------------------------
# 6. two processes deleting the same photo for good at once (a disk without renameat2's flag)
# --------------------------------------------------------------------------------------------

def test_a_rename_under_way_in_another_process_is_not_settled_as_cut_short(tmp_path,
                                                                           monkeypatch):
    """On a disk without renameat2's flag (NFS), deleting for good links the photo to its
    hidden name, then removes its own name. Another process deleting it at the same moment
    (the schedule and a purge) settled the two names as a rename cut short, removing the
    hidden one; the first process's unlink then took the photo's last name and its bytes
    stayed on the disk, never overwritten. Now names made moments ago are left alone, and
    the first process overwrites the photo as it should."""
    from afterpost_util import sha

    from photovet.core.transfer import PURGE_PREFIX, delete_for_good

    src = tmp_path / "IMG_1.JPG"
    data = os.urandom(4096)
    src.write_bytes(data)
    hidden = src.with_name(PURGE_PREFIX + src.name)
    digest = sha(src)
    seen = os.open(src, os.O_RDONLY)            # to read its bytes once it has no name
    settled = []

    def at(label):
        if label == "fsutil.linked":             # the other process, between link and unlink
            settled.append(transfer.settle_half_hidden(src, hidden))

    monkeypatch.setattr(fsutil, "_no_replace_call", lambda: None)     # an NFS share
    monkeypatch.setattr(fsutil, "crash_point", at)
    try:
        delete_for_good(src, hidden, digest, crash_label="purge.hidden")
        assert settled == [False]
        assert not os.path.lexists(src) and not os.path.lexists(hidden)
        assert os.pread(seen, len(data), 0) != data            # overwritten, not just unnamed
    finally:
        os.close(seen)


def test_both_names_left_long_ago_are_still_settled(tmp_path, monkeypatch):
    """A rename cut short (a crash) and found a minute later by the folder's clock: settled."""
    src = tmp_path / "IMG_1.JPG"
    src.write_bytes(b"photo")
    hidden = src.with_name(transfer.PURGE_PREFIX + src.name)
    os.link(src, hidden)
    assert not transfer.settle_half_hidden(src, hidden)      # just made: maybe under way
    then = os.lstat(hidden).st_ctime
    monkeypatch.setattr(fsutil.FolderClock, "now",
                        lambda self: then + transfer.HALF_HIDDEN_QUIET_SECONDS + 1)
    assert transfer.settle_half_hidden(src, hidden)
    assert src.read_bytes() == b"photo" and not hidden.exists()


def test_no_own_id_when_the_process_id_space_cannot_be_read(tmp_path, monkeypatch):
    """A machine id read but /proc/self/ns/pid not (a sandbox without /proc): the id would be
    the machine id alone, which a Flatpak or container beside this PhotoVet shares, so their
    copies in progress would read as this PC's left behind. No id then (s46 audit): files
    wait as another computer's."""
    mid = tmp_path / "machine-id"
    mid.write_text("0123456789abcdef0123456789abcdef\n")
    monkeypatch.setattr(fsutil, "MACHINE_ID_FILES", (str(mid),))
    assert fsutil.installation_id()          # both read: an id
    real = os.readlink

    def no_proc(path, *a, **k):
        if str(path).startswith("/proc/self/ns/"):
            raise FileNotFoundError(2, "No such file or directory")
        return real(path, *a, **k)

    monkeypatch.setattr(fsutil, "MACHINE_ID_FILES", (str(mid), str(tmp_path / "other")))
    monkeypatch.setattr(os, "readlink", no_proc)
    assert fsutil.installation_id() == ""
