"""Durable, all-or-nothing file writes, shared by everything that writes a file.

A crash at any moment leaves either the old file or the new one, never half of one: the data
goes to a temporary file in the same folder, is flushed and fsynced, then renamed over the
target, and the folder is fsynced so the rename itself survives a power cut.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import socket
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from photovet.core.errors import DiskFullError, OutputExistsError, OutputFolderError

# --------------------------------------------------------------------------------------------
# Test-only crash injection (tests/core/test_crash_anywhere.py, bench/crash_sweep.py)
# --------------------------------------------------------------------------------------------
# PHOTOVET_CRASH_AT="<label>" or "<label>@<n>": the process ends at once, as a kill -9 would
# (os._exit: no clean-up, no flush, no finally), the n-th time (default: the first) it reaches
# ``crash_point(label)``. Read once when PhotoVet starts; unset (always, outside the tests), a
# point costs one comparison with None. Labels name the moments between two durable steps.

def _crash_setting(text: str | None) -> tuple[str, int] | None:
    if not text or not text.strip():
        return None
    label, _, nth = text.strip().partition("@")
    return label, int(nth) if nth.strip().isdigit() else 1


_CRASH_AT = _crash_setting(os.environ.get("PHOTOVET_CRASH_AT"))
_crash_hits: dict[str, int] = {}


def crash_point(label: str) -> None:
    """Test-only: end the process here when PHOTOVET_CRASH_AT names this point (see above)."""
    if _CRASH_AT is None or _CRASH_AT[0] != label:
        return
    _crash_hits[label] = n = _crash_hits.get(label, 0) + 1
    if n == _CRASH_AT[1]:
        os._exit(137)


_DIGITS = re.compile(r"(\d+)")


def name_order(name: str) -> tuple:
    """A sort key for a file or folder name as a file manager lists it: numbers compared as
    numbers (IMG_9 before IMG_10, "photo (2)" before "photo (10)"), letters without case, and
    the name before its extension (IMG_2001.jpg before its copy "IMG_2001 (1).jpg": by the
    whole name the space sorts before the dot). Ties: the name itself, so the order is always
    the same."""
    stem, ext = os.path.splitext(name)

    def parts(text: str) -> tuple:
        return tuple((0, int(t), "") if t.isdigit() else (1, 0, t.casefold())
                     for t in _DIGITS.split(text) if t)

    return (parts(stem), parts(ext), name)


def fsync_dir(path: str | Path) -> None:
    """Make a rename/link/unlink in ``path`` durable (a no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: str | Path, text: str, *, prefix: str = ".photovet-tmp-") -> Path:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        crash_point("fsutil.temp-written")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)
    return path


def _why_not_written(exc: OSError) -> str:
    """An OSError from writing a file, in words (the path is named by the caller)."""
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    return (exc.strerror or type(exc).__name__).lower()


#: where systems mount USB sticks, cards and shares (``/media/<account>/<STICK>`` or
#: ``/media/<STICK>``, ``/run/media/<account>/<STICK>``, ``/mnt/<share>``, macOS
#: ``/Volumes/<STICK>``), with how many folders down the stick's own folder is (said in the
#: error): a folder below one of these is a disk's only while a disk is mounted on the way
MOUNT_PLACES: tuple[tuple[str, int], ...] = (("/media", 2), ("/run/media", 2), ("/mnt", 1),
                                            ("/Volumes", 1))

#: of those, the places where a school may also keep a plain folder on this computer's own disk
#: (``/mnt/photos``): a folder there with files in it, nothing mounted on the way and nothing
#: that should be (``FSTAB``, or seen mounted by this process), is that (s45: every report,
#: export and import into it was refused as "the USB stick ... is not connected any more")
OWN_FOLDER_PLACES: tuple[str, ...] = ("/mnt",)

#: where Linux lists what is mounted where at start-up: a folder named there with nothing
#: mounted on it now is a share or drive that is not connected
FSTAB = "/etc/fstab"

#: a report or a copy aimed at a stick that was pulled out, in words (OutputFolderError)
DISK_GONE = ("the USB stick or drive this folder was on is not connected any more, so nothing "
             "was saved there (it would have gone onto this computer's own disk instead)")
DISK_GONE_HINT = "Plug it in again and choose the folder again, or choose another folder."
#: the same for an empty folder under /mnt with nothing mounted on it: a stick's, or a new
#: folder on this computer's own disk; PhotoVet cannot tell, so it saves nothing there
DISK_UNSURE = ("this folder is empty and no USB stick or drive is connected on it, so it may be "
               "on one that is not connected any more; nothing was saved there (it would have "
               "gone onto this computer's own disk instead)")
DISK_UNSURE_HINT = ("Plug the stick or drive in and try again. If this folder really is on this "
                    "computer's own disk, put a file in it first, or choose another folder (for "
                    "example in Documents).")

#: folders under ``OWN_FOLDER_PLACES`` this process saw a disk mounted on: nothing mounted
#: there later is that disk pulled out (a stick taken out of /mnt/stick mid-batch)
_seen_mounted: set[str] = set()


def _mount_points() -> frozenset[str]:
    """Every folder a disk is mounted on, as Linux lists them (``/proc/self/mountinfo``; its
    space, tab, newline and backslash written as octal escapes): a bind mount of a folder of
    the same disk is one, which ``os.path.ismount`` cannot tell (same device; s45 audit: a
    school's /mnt/photos bound from /srv/photos was refused as a stick pulled out). Empty
    where there is no such list (macOS, where ``ismount`` is enough)."""
    try:
        with open("/proc/self/mountinfo", "rb") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return frozenset()
    octal = re.compile(rb"\\([0-7]{3})")
    return frozenset(os.fsdecode(octal.sub(lambda m: bytes([int(m[1], 8)]), f[4]))
                     for f in (line.split(b" ") for line in lines) if len(f) > 4)


def _mounted(path: str, points: frozenset[str]) -> bool:
    return path in points or os.path.ismount(path)


def _fstab_points() -> frozenset[str]:
    """The folders ``FSTAB`` says a disk or share is mounted on (its spaces as ``\\040``)."""
    try:
        with open(FSTAB, "rb") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return frozenset()
    octal = re.compile(rb"\\([0-7]{3})")
    out = set()
    for line in lines:
        f = line.split()
        if len(f) > 1 and not f[0].startswith(b"#") and f[1].startswith(b"/"):
            out.add(os.path.normpath(os.fsdecode(octal.sub(lambda m: bytes([int(m[1], 8)]),
                                                           f[1]))))
    return frozenset(out)


def _has_files(folder: str) -> bool:
    """Does ``folder`` (a real folder, not a link) hold anything? False when it cannot be
    looked into (then PhotoVet cannot tell it from a stick's empty folder either)."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
        with os.scandir(folder) as it:
            return next(it, None) is not None
    except OSError:
        return False


def _unplugged(folder: str | Path) -> tuple[str, bool] | None:
    """``unplugged_disk``'s answer and whether PhotoVet is sure of it (False: an empty folder
    under ``OWN_FOLDER_PLACES``, a stick's or a new folder of this computer's own disk)."""
    if os.name == "nt":
        return None
    real = os.path.realpath(folder)
    # macOS disks ignore case by default: "/volumes/STICK" is the stick's place too (s45 audit)
    fold = (lambda p: p.lower()) if sys.platform == "darwin" else (lambda p: p)
    points: frozenset[str] | None = None
    for root, depth in MOUNT_PLACES:
        own = root in OWN_FOLDER_PLACES
        # /mnt itself too: a stick mounted there by hand ("mount /dev/sdb1 /mnt") and pulled
        # out left /mnt, and a copy aimed at it was saved on this PC's own disk (s46 audit)
        itself = own and fold(real) == fold(root.rstrip(os.sep) or os.sep)
        if not itself and not fold(real).startswith(fold(root.rstrip(os.sep) + os.sep)):
            continue
        points = _mount_points() if points is None else points
        if _mounted(root, points):
            if own:
                _seen_mounted.add(root)
            continue
        parts = [] if itself else real[len(root.rstrip(os.sep)) + 1:].split(os.sep)
        on_the_way = [root] * itself + \
            [os.path.join(root, *parts[:i]) for i in range(1, len(parts) + 1)]
        # a disk mounted on any folder on the way (a share at /mnt/school/photos too, a
        # folder bound there from this computer's own disk)
        mounted = [f for f in on_the_way if _mounted(f, points)]
        if mounted:
            if own:
                _seen_mounted.add(mounted[0])
            return None
        place = os.path.join(root, *parts[:min(depth, len(parts))])
        if not own:
            return place, True
        # under /mnt: a plain folder of this computer's own disk with files in it is fine,
        # unless a disk should be mounted on the way (fstab) or was, in this run (s46)
        if any(f in _seen_mounted for f in (root, *on_the_way)) or \
                not _fstab_points().isdisjoint((root, *on_the_way)):
            return place, True
        # the deepest folder on the way that is there decides, not /mnt/<name> alone: a stick
        # mounted deeper (/mnt/usb/stick) and pulled out leaves its own folder empty, while
        # /mnt/usb holds that folder, so it passed as a school's own (s46 audit). Empty: a
        # stick's folder or a new one of this computer's; PhotoVet cannot tell them apart.
        there = next((f for f in reversed(on_the_way) if os.path.lexists(f)), None)
        if there is None:
            return place, True              # not there at all: a stick's gone
        return None if _has_files(there) else (place, False)
    return None


def unplugged_disk(folder: str | Path) -> str | None:
    """The place a USB stick or drive should be mounted on when ``folder`` is in the system's
    place for them (``MOUNT_PLACES``) and nothing is mounted there: the stick was pulled out
    and its empty folder (or none) is on this computer's own disk, where a file saved "on the
    stick" would land (s45: a subject access report did). None anywhere else, or when a disk
    is mounted there, or for a folder with files in it under /mnt (``OWN_FOLDER_PLACES``) that
    is not a disk's that should be or was mounted there. Never on Windows (a drive letter that
    went is an error by itself)."""
    found = _unplugged(folder)
    return None if found is None else found[0]


#: which disk a folder is on: its device number, its file system's id
#: (``os.statvfs().f_fsid``) and ``volume_id`` ("" where it cannot be read). A stick swapped
#: for another in the same USB port usually gets the same device number (sdb1; a second tmpfs
#: or loop disk mounted there too), so the number alone took the other stick for the one
#: chosen (s45 audit); the file system's id differs for ext4, btrfs, tmpfs (from the disk's
#: own id) but not for FAT and exFAT, the file systems of most sticks and cards: Linux makes it
#: from the device number (s48); their volume serial (``volume_id``) differs. 0 / "" where the
#: system gives none.
Disk = tuple[int, int, str]


def fs_id(path: str | Path) -> int:
    """The id of the file system ``path`` is on (``f_fsid``; 0 where there is none: Windows,
    some FUSE disks, or it cannot be asked). On Linux, FAT's and exFAT's is the device number:
    ``volume_id`` tells two sticks in one port apart."""
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:  # pragma: no cover - Windows
        return 0
    try:
        return int(getattr(statvfs(path), "f_fsid", 0) or 0)
    except OSError:
        return 0


#: where Linux lists what is mounted, each with its disk's device number ("8:17") and where it
#: came from ("/dev/sdb1"), and the names udev gives each disk by its file system's own id (a
#: FAT or exFAT stick's volume serial, "1A2B-3C4D"; ext4's UUID): ``volume_id``
MOUNTINFO = "/proc/self/mountinfo"
BY_UUID = "/dev/disk/by-uuid"
#: where a disk's own device files are: a file system mounted from one is on a disk (a stick, a
#: card, a drive) that another can be put in place of; any other (tmpfs, a network share) not
DISK_SOURCES: tuple[str, ...] = ("/dev/",)


def _mount_source(dev: int) -> str | None:
    """Where the disk with device number ``dev`` was mounted from, as ``MOUNTINFO`` says
    ("/dev/sdb1", "tmpfs", "//server/share"); "" when it lists no such disk, None when there is
    no such list (macOS)."""
    try:
        with open(MOUNTINFO, "rb") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    want = f"{os.major(dev)}:{os.minor(dev)}".encode()
    octal = re.compile(rb"\\([0-7]{3})")
    for line in lines:
        head, sep, tail = line.partition(b" - ")
        f, t = head.split(b" "), tail.split(b" ")
        if sep and len(f) > 2 and f[2] == want and len(t) > 1:
            return os.fsdecode(octal.sub(lambda m: bytes([int(m[1], 8)]), t[1]))
    return ""


def _uuid_of(source: str) -> str:
    """The file system id udev names the disk ``source`` by (``BY_UUID``); "" when none."""
    try:
        want = os.path.realpath(source)
        with os.scandir(BY_UUID) as it:
            for e in it:
                if os.path.realpath(e.path) == want:
                    return e.name
    except OSError:
        pass
    return ""


def volume_id(path: str | Path) -> str | None:
    """Which file system ``path`` is on, by an id that goes with the disk itself: a USB stick
    swapped for another in the same port has another (s48). Windows: the volume's serial
    number (Python's ``st_dev`` there). Elsewhere its file system's id (``fs_id``) where that
    is not just its device number; where it is (FAT and exFAT sticks and cards on Linux, XFS:
    the kernel makes it from the device number, which the next stick in that port gets too),
    the id udev names the disk by (``BY_UUID``: a FAT stick's volume serial), found from the
    disk it was mounted from (``MOUNTINFO``). None when ``path`` is not there, or is on a disk
    (``/dev/...``) whose own id cannot be read: then another stick put in its place cannot be
    told from it. A file system of no disk (tmpfs, a network share) or a system with no
    ``MOUNTINFO`` (macOS): its device number and ``fs_id``, as before s48."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if os.name == "nt":  # pragma: no cover - Windows
        return f"serial:{st.st_dev:x}"
    fsid = fs_id(path)
    if fsid and fsid != st.st_dev:
        return f"fsid:{fsid:x}"
    source = _mount_source(st.st_dev)
    if source and source.startswith(DISK_SOURCES):
        uuid = _uuid_of(source)
        return f"uuid:{uuid}" if uuid else None
    return f"dev:{st.st_dev:x}:{fsid:x}"


def own_disk_id(folder: str | Path) -> str | None:
    """The disk ``folder`` is on, by its own id (``volume_id``), kept where PhotoVet starts
    something a crash may cut short on that disk: a deletion announced ("pending", s49), an
    export being named (s50). What was cut short is settled only on that disk
    (``disk_changed``). None where the disk has no id of its own (a file system of no disk,
    whose device number alone may change when it is mounted again) or it cannot be read: then
    as before s49."""
    vid = volume_id(folder)
    return None if vid is None or vid.startswith("dev:") else vid


def disk_changed(folder: str | Path, recorded: str | None) -> str:
    """Is ``folder`` (where a file cut short is missing) on another disk than the one
    ``recorded`` when PhotoVet started on it (``own_disk_id``)? "other", "unknown" (an id was
    recorded and none can be read now) or "" (the same disk, or nothing recorded: a row from
    before s49, an export from before s50)."""
    if not recorded:
        return ""
    try:
        now = volume_id(folder)
    except OSError:
        now = None
    if now is None:
        return "unknown"
    return "" if now == recorded else "other"


def disk_of(path: str | Path) -> Disk | None:
    """The disk (``Disk``: device number, file system id and ``volume_id``) of the nearest
    folder of ``path`` that exists: kept when a report's place is chosen and compared when it
    is written (``write_report(disk=...)``): a stick pulled out meanwhile (another disk, or
    this computer's own, under that name now), or swapped for another in the same port."""
    folder = Path(os.path.abspath(path)).parent
    for f in (folder, *folder.parents):
        try:
            dev = os.stat(f).st_dev
        except OSError:
            continue
        return (dev, fs_id(f), volume_id(f) or "")
    return None


def refuse_unplugged(folder: str | Path, *, disk: Disk | None = None,
                     path: str | Path | None = None) -> None:
    """OutputFolderError (``DISK_GONE``) when ``folder`` is on a stick that is not connected
    any more (``unplugged_disk``), or, given ``disk`` (``disk_of`` when the place was chosen),
    is on another disk now. ``path`` goes on the error (a report's callers name it)."""
    found = _unplugged(folder)
    if found is None and disk is not None:
        now = disk_of(Path(folder) / "x")
        if now is not None and now != disk:
            found = (os.fspath(folder), True)
    if found is not None:
        sure = found[1]
        raise OutputFolderError(DISK_GONE if sure else DISK_UNSURE, path=path,
                                hint=DISK_GONE_HINT if sure else DISK_UNSURE_HINT)


def check_report_path(path: str | Path, *, overwrite: bool = False,
                      example: str = "report.html") -> Path:
    """Before a report is made: ``path`` must name a file (not a folder) whose folder is a
    folder, and, unless ``overwrite``, no file may have that name yet. ``example`` is a file
    name to suggest when ``path`` is a folder. Typed errors (OutputFolderError,
    OutputExistsError) say what to do; ``path`` is not set on them, the caller names it."""
    path = Path(path)
    try:
        return _check_report_path(path, overwrite, example)
    except OSError as exc:   # a folder on the way PhotoVet may not even look into
        raise OutputFolderError(f"PhotoVet cannot write there ({_why_not_written(exc)}); "
                                "choose a folder you can write to") from exc


def _check_report_path(path: Path, overwrite: bool, example: str) -> Path:
    refuse_unplugged(path.parent)
    if path.is_dir():
        raise OutputFolderError(
            "this is a folder; give a file name for the report, e.g. "
            f"{os.path.join(os.fspath(path), example)}")
    parent = path.parent
    for folder in (parent, *parent.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise OutputFolderError(f"{folder} is a file, not a folder; choose another "
                                        "place for the report")
            break
    if path.exists() or path.is_symlink():
        if not overwrite:
            raise OutputExistsError("a file with this name already exists; PhotoVet does not "
                                    "replace it", hint="Choose another file name.")
        if not path.is_file():
            raise OutputFolderError("this is not a regular file; give a file name for the report")
    return path


def write_report(path: str | Path, text: str, *, overwrite: bool = False,
                 example: str = "report.html", disk: Disk | None = None) -> Path:
    """Write a report (HTML, CSV) a person asked for, all or nothing (``atomic_write_text``),
    with every failure a typed error in words: the name is a folder, a file of that name
    exists (never replaced unless ``overwrite``), PhotoVet may not write there, the disk is
    full, the USB stick it was for is not connected any more (``refuse_unplugged``; ``disk``:
    the place's disk when it was chosen, ``disk_of``). Nothing half-written is ever left."""
    path = check_report_path(path, overwrite=overwrite, example=example)
    refuse_unplugged(path.parent, disk=disk)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if overwrite:
            return atomic_write_text(path, text)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".photovet-tmp-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            link_no_overwrite(tmp, path)   # a file made meanwhile is never replaced
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        fsync_dir(path.parent)
        return path
    except FileExistsError as exc:
        raise OutputExistsError("a file with this name already exists; PhotoVet does not "
                                "replace it", hint="Choose another file name.") from exc
    except IsADirectoryError as exc:
        raise OutputFolderError(
            "this is a folder; give a file name for the report, e.g. "
            f"{os.path.join(os.fspath(path), example)}") from exc
    except NotADirectoryError as exc:
        raise OutputFolderError("part of this path is a file, not a folder; choose another "
                                "place for the report") from exc
    except OSError as exc:
        why = _why_not_written(exc)
        if why == "the disk is full":
            raise DiskFullError("the disk is full; the report was not written",
                                hint="Free some space, or choose a folder on another disk.") from exc
        raise OutputFolderError(f"PhotoVet cannot write there ({why}); choose a folder you can "
                                "write to") from exc


def pid_alive(pid: int) -> bool:
    """Is a process with this id running on this computer? (Used to tell a dead process's
    leftovers.) True whenever it cannot be told."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0 checks existence
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


_ERROR_INVALID_PARAMETER = 87     # OpenProcess: no process has that id
_STILL_ACTIVE = 259               # GetExitCodeProcess: it has not ended


def _windows_pid_alive(pid: int, kernel32: Any = None, last_error: Any = None) -> bool:
    """Windows: is process ``pid`` running? OpenProcess refuses an id no process has
    (ERROR_INVALID_PARAMETER); a process that ended but is still held open says its exit code.
    Any other answer (access denied: another account's, which is running) is "running" (s46:
    before, every Windows process was taken as running, and PhotoVet's own leftovers on
    Windows waited 6 hours: a photo killed mid-copy could not be deleted for good till then).
    ``kernel32``/``last_error``: the system's, given by tests."""
    try:
        import ctypes  # noqa: PLC0415

        if kernel32 is None:
            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
            last_error = ctypes.get_last_error  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)    # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return last_error() != _ERROR_INVALID_PARAMETER
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == _STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    except (OSError, AttributeError, ValueError):
        return True


#: where Linux keeps the id made for this installation (systemd, then D-Bus's copy)
MACHINE_ID_FILES: tuple[str, ...] = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def _machine_id(files: tuple[str, ...]) -> str:
    for f in files:
        try:
            with open(f, "rb") as fh:
                said = fh.read(64).strip()
        except OSError:
            continue
        if said:
            return said.decode("ascii", "replace")
    return ""


_system_id: list[str] = []       # Windows' or macOS's id, read once
_linux_id: dict[tuple[str, ...], str] = {}     # Linux's, by where it was read from


def _windows_machine_guid() -> str:
    """Windows' id for its installation (the registry's MachineGuid); "" if it cannot be read."""
    try:
        import importlib  # noqa: PLC0415

        winreg: Any = importlib.import_module("winreg")
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography", 0,
                            winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0)) as key:
            return str(winreg.QueryValueEx(key, "MachineGuid")[0] or "")
    except (ImportError, OSError, AttributeError, ValueError):
        return ""


def _mac_host_uuid() -> str:  # pragma: no cover - macOS
    """macOS's id for the computer (``gethostuuid``); "" if it cannot be read."""
    try:
        import ctypes  # noqa: PLC0415

        libc = ctypes.CDLL(None)
        buf = ctypes.create_string_buffer(16)
        wait = (ctypes.c_long * 2)(1, 0)
        if libc.gethostuuid(buf, wait) != 0:
            return ""
        return buf.raw.hex() if any(buf.raw) else ""
    except (OSError, AttributeError, ValueError):
        return ""


def installation_id() -> str:
    """This computer's own id, "" where none can be read: Linux's machine id
    (``MACHINE_ID_FILES``) with its space of process ids (a Flatpak or a container shares the
    name and the machine id, not the process ids), Windows' MachineGuid, macOS's hardware id.
    Without one, two computers of one name cannot be told apart, and a process id says
    nothing: ``temp_left_behind`` then waits as for another computer's file."""
    if os.name == "nt":
        if not _system_id:
            _system_id.append(_windows_machine_guid())
        return _system_id[0]
    if sys.platform == "darwin":  # pragma: no cover - macOS
        if not _system_id:
            _system_id.append(_mac_host_uuid())
        return _system_id[0]
    files = MACHINE_ID_FILES
    if files not in _linux_id:      # read once a process (asked for every temporary file)
        said = _machine_id(files)
        try:
            space = os.readlink("/proc/self/ns/pid")
        except OSError:
            space = ""
        # both read, or no id (then this PC's files wait like another's: s46 audit)
        _linux_id[files] = f"{said}\0{space}" if said and space else ""
    return _linux_id[files]


def host_tag() -> str:
    """This computer, as a temporary file's name says it: 8 hex digits from its network name
    (a name may hold characters a file name cannot, and may be long) and its own id
    (``installation_id``): PCs installed from one image often keep its name ("ubuntu",
    "localhost"), and then another PC's copy in progress, its process id not running here, was
    read as this PC's left behind and removed (s45 audit)."""
    name = socket.gethostname() or "?"
    said = f"{name}\0{installation_id()}"
    return hashlib.sha256(said.encode("utf-8", "surrogatepass")).hexdigest()[:8]


#: where Linux keeps the id it makes each time it starts (a new one after every restart)
BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id"
_boot_tags: dict[str, str] = {}     # by where it was read from


def boot_tag() -> str:
    """This start of this computer, as a temporary file's name and an export's note of who is
    naming it say it: 8 hex digits from Linux's boot id (``BOOT_ID_FILE``); "" where there is
    none (Windows, macOS). PCs installed from one image share their name and machine id, so
    ``host_tag`` alone took another such PC's copy in progress, its process id not running
    here, for this PC's left behind (s48). A process id means something only on the computer
    and the start it was given in."""
    if os.name == "nt" or sys.platform == "darwin":
        return ""
    f = BOOT_ID_FILE
    if f not in _boot_tags:         # read once a process: a start's id never changes
        try:
            with open(f, "rb") as fh:
                said = fh.read(64).strip()
        except OSError:
            said = b""
        _boot_tags[f] = hashlib.sha256(said).hexdigest()[:8] if said else ""
    return _boot_tags[f]


def this_start(tag: str, boot: str) -> bool:
    """Was something marked ``tag`` (``host_tag``) and ``boot`` (``boot_tag``) made on this
    computer since it last started, for sure? Only then does a process id in it name one of
    this computer's processes. False where this computer has no id of its own or no id of its
    start (Windows, macOS): then its own leftovers cannot be told from those of another
    computer made from the same image, and wait as that one's would."""
    return bool(tag) and tag == host_tag() and bool(installation_id()) and \
        bool(boot) and boot == boot_tag()


def temp_owner(pid: int | None = None) -> str:
    """Who writes a temporary file, for its name: ``<process id>@<host_tag>+<boot_tag>``
    (``+<boot_tag>`` left out where there is none); ``pid``: this process's unless given. Read
    back by ``temp_left_behind`` (s45: the process id alone was read as this computer's, so
    PhotoVet on PC B removed PC A's copy in progress from a shared network folder when no
    process of B had that id, and process ids repeat from one computer to the next; s48: so
    did a PC made from the same image, with the same name and machine id)."""
    boot = boot_tag()
    return f"{os.getpid() if pid is None else pid}@{host_tag()}" + (f"+{boot}" if boot else "")


#: a temporary file whose process PhotoVet cannot ask about (another computer's, one made from
#: the same image as this one, this computer's before it last started, one named by an older
#: PhotoVet with no computer or start in its name, this computer's where it has no id or no id
#: of its start) is left behind only once nobody has written to it for this long (by the
#: folder's own clock: ``FolderClock``): a copy in progress writes to it
STALE_TEMP_SECONDS = 6 * 3600


#: the name's start of a file PhotoVet makes in a folder only to test it (may it write there,
#: the folder's own clock) and removes at once: ``.photovet-probe-<temp_owner>-<random>``
PROBE_PREFIX = ".photovet-probe-"


def probe_name(folder: str | Path) -> str:
    """A new name for a test file in ``folder`` (``PROBE_PREFIX``): this process and computer
    in it (``temp_owner``), so one left behind (PhotoVet killed between making and removing
    it, or its removal refused) is removed by ``clean_probes`` once that process is gone, and
    another computer's, or a running PhotoVet's, never is (s65: ``tempfile.mkstemp``'s
    ".photovet-probe-<random>" stayed in the school's folder for ever)."""
    # a str, not a Path: asked for while ``os.name`` is played as Windows' in tests
    return os.path.join(folder, f"{PROBE_PREFIX}{temp_owner()}-{secrets.token_hex(4)}")


def make_probe(folder: str | Path) -> tuple[int, str]:
    """Make a new, empty test file in ``folder`` (``probe_name``), open for writing: its
    descriptor and path; OSError when it cannot be made. The caller closes and removes it."""
    for _ in range(100):
        path = probe_name(folder)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            continue
        return fd, path
    raise FileExistsError(errno.EEXIST, "no free name for a test file", str(folder))


def drop_probe(fd: int, path: str | Path) -> None:
    """Close and remove a test file (``make_probe``'s, or one with a temporary name): neither
    failing says anything of the folder (it was made); one left is removed by the clean-up that
    knows its name (``clean_probes``, ``transfer.clean_temp_files``) once its process is gone."""
    try:
        os.close(fd)
    except OSError:
        pass
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def clean_probes(folder: str | Path, clock: FolderClock | None = None) -> list[str]:
    """Remove test files (``PROBE_PREFIX``) left in ``folder`` by a process that has ended
    (``temp_left_behind`` on the owner in the name: never a running PhotoVet's, here or on
    another computer; one named by an older PhotoVet, with no owner, only once nobody has
    written to it for ``STALE_TEMP_SECONDS``). Not a copy of anything: callers do not count
    them as unfinished copies. Returns what was removed."""
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(PROBE_PREFIX)]
    except OSError:
        return removed
    clock = clock or FolderClock(folder)
    for name in names:
        p = os.path.join(folder, name)
        if not os.path.isfile(p) or os.path.islink(p):
            continue
        if temp_left_behind(name[len(PROBE_PREFIX):].split("-", 1)[0], p, clock):
            try:
                os.unlink(p)
                removed.append(p)
            except OSError:
                pass
    return removed


class FolderClock:
    """The time now by the clock of the disk a folder is on: the time it gives a file made
    there now (a probe, removed at once). A shared network folder's files carry its server's
    times, and this computer's clock may be hours off from it (a dual-boot PC reading local
    time as UTC): judged by this computer's ``time.time()``, another PC's copy in progress
    looked hours old and was removed (s45 audit). Asked once, only when needed; None when no
    file can be made there (then no other computer's file is judged left behind)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = folder
        self._now: float | None = None
        self._asked = False

    def now(self) -> float | None:
        if not self._asked:
            self._asked = True
            try:
                fd, probe = make_probe(self.folder)   # named so a left one is removed (s65)
            except OSError:
                return None
            try:
                self._now = os.fstat(fd).st_mtime
            except OSError:
                self._now = None
            finally:
                drop_probe(fd, probe)
        return self._now


def temp_left_behind(owner: str, path: str | Path, clock: FolderClock | None = None) -> bool:
    """Is the temporary file ``path``, whose name says it was written by ``owner``
    (``temp_owner``), left by a process that has ended (so it may be removed)? One of this
    computer's processes since it last started (``this_start``: ``host_tag`` with its
    ``installation_id``, and ``boot_tag``): when that process is not running. Any other
    (another computer's, on a shared folder; another one made from the same image, with this
    one's name and id; this computer's before it last started; one an older PhotoVet named
    without its computer or its start; this one's where it has no id or no id of its start,
    as on Windows): only when ``quiet_for_long``."""
    pid, at, rest = owner.partition("@")
    host, _, boot = rest.partition("+")
    if at and pid.isdigit() and this_start(host, boot):
        return not pid_alive(int(pid))
    return quiet_for_long(path, clock)


def quiet_for_long(path: str | Path, clock: FolderClock | None = None) -> bool:
    """Has nobody written to ``path`` for ``STALE_TEMP_SECONDS``, by the clock of its folder's
    disk (``clock``: a ``FolderClock`` of its folder, shared by a caller looking at many; one
    is made when not given) AND by this computer's clock? A disk that dates new files hours
    ahead (a server's clock wrong) must not make a copy in progress look old (s46 audit:
    removing it fails that copy); a file that cannot be looked at is never quiet."""
    try:
        written = os.lstat(path).st_mtime
    except OSError:
        return False
    now = (clock or FolderClock(os.path.dirname(os.path.abspath(path)))).now()
    return (now is not None and now - written > STALE_TEMP_SECONDS
            and time.time() - written > STALE_TEMP_SECONDS)


_NO_HARD_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                  errno.EACCES, getattr(errno, "ENOSYS", -1))


def link_no_overwrite(tmp: str | Path, final: str | Path) -> None:
    """Give the file ``tmp`` the name ``final`` too, never replacing an existing file
    (FileExistsError). ``tmp`` keeps its name; the caller removes it. On file systems without
    hard links (FAT/exFAT sticks, some network shares) the file is renamed instead, never over
    a file (``rename_no_replace``: s44, a file given that name between the check and the
    rename was replaced, i.e. deleted)."""
    try:
        os.link(tmp, final)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        rename_no_replace(tmp, final)


_RENAME_NOREPLACE = 1         # linux/fs.h
_RENAME_EXCL = 0x4            # macOS sys/stdio.h, renamex_np
_AT_FDCWD = -100
_libc_rename: Any = None      # the C library's renameat2 / renamex_np, looked up once


def _no_replace_call() -> Any:
    """The system call that renames without ever replacing (None where there is none)."""
    global _libc_rename
    if _libc_rename is None:
        fn: Any = False
        try:
            import ctypes  # noqa: PLC0415

            libc = ctypes.CDLL(None, use_errno=True)
            if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
                f = libc.renameat2
                f.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                              ctypes.c_uint]
                f.restype = ctypes.c_int
                fn = ("renameat2", f)
            elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
                f = libc.renamex_np
                f.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
                f.restype = ctypes.c_int
                fn = ("renamex_np", f)
        except (OSError, AttributeError):
            fn = False
        _libc_rename = fn
    return _libc_rename or None


def rename_no_replace(src: str | Path, dst: str | Path) -> None:
    """Rename ``src`` to ``dst``, never replacing a file that has that name (FileExistsError,
    and ``src`` keeps its name). One system call where the system has one (Linux
    ``renameat2(RENAME_NOREPLACE)``, macOS ``renamex_np(RENAME_EXCL)``; Windows' rename refuses
    by itself); where the disk does not take it (an old network share), a hard link then
    the old name removed; only where neither exists, the name checked then renamed (a tiny
    window). Before s44 every rename to a name checked free had that window: a file given the
    name meanwhile was replaced, i.e. deleted."""
    if os.name == "nt":  # pragma: no cover - os.rename never replaces on Windows
        os.rename(src, dst)
        return
    call = _no_replace_call()
    if call is not None:
        import ctypes  # noqa: PLC0415

        name, f = call
        a, b = os.fsencode(os.fspath(src)), os.fsencode(os.fspath(dst))
        # a C string ends at its first NUL: "photo.jpg\0.tmp" would rename photo.jpg, another
        # file (s44 audit); refused as every os function refuses it
        if b"\0" in a or b"\0" in b:
            raise ValueError("embedded null byte")
        rc = f(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_NOREPLACE) if name == "renameat2" \
            else f(a, b, _RENAME_EXCL)
        if rc == 0:
            return
        code = ctypes.get_errno()
        if code == errno.EEXIST:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(dst))
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), os.fspath(src), None, os.fspath(dst))
    try:                      # the disk does not take the flag: a hard link never replaces
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, "exists", os.fspath(dst)) from exc
        os.rename(src, dst)
        return
    crash_point("fsutil.linked")   # both names now: ``drop_second_name`` settles it
    os.unlink(src)


def drop_second_name(keep: str | Path, extra: str | Path) -> bool:
    """Where a rename by link-then-unlink (``rename_no_replace`` on a disk without renameat2's
    flag: NFS, some FUSE disks) was cut short between the two (a power cut, a kill), the file
    has both names. Remove the name ``extra``, keeping the file under ``keep``, only when the
    two names are the one regular file (same disk and inode) and it has no other name: nothing
    is lost, no data is touched. True when a name was removed; False (nothing done) for any
    other state, two different files included."""
    keep, extra = Path(os.path.abspath(keep)), Path(os.path.abspath(extra))
    if keep.parent != extra.parent or keep.name == extra.name:
        return False      # two names side by side in one folder only
    try:
        a, b = os.lstat(keep), os.lstat(extra)
    except OSError:
        return False
    if not (stat.S_ISREG(a.st_mode) and stat.S_ISREG(b.st_mode)) or not a.st_ino or \
            (a.st_dev, a.st_ino) != (b.st_dev, b.st_ino) or a.st_nlink != 2:
        return False
    try:
        os.unlink(extra)
    except OSError:       # left as it was: said by the caller's own checks (a second name)
        return False
    fsync_dir(extra.parent)
    return True


def sha256_no_follow(path: str | Path) -> str:
    """The content hash of the file at ``path`` itself: a symbolic link is never read through
    (OSError), nor anything but a regular file (OSError EINVAL). A verified copy is the file
    of that name, never a link to one elsewhere (s43: device import, purge, the register's
    twin places)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        h = hashlib.sha256()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
