"""Where rendered previews are written: inside the data folder, never the system's temp folder.

"Show what will be published" (the video player) and the approver's contact sheet have the
core render a video with its covers into a small MP4 that is read back and shown: pupils'
faces, covered or not. Such files are pupils' personal data, so they live where the rest of
it lives, in ``previews/`` in the data folder (mode 0700, like ``cache/``), and never in the
system's temporary folder (shared, outside the data folder's protection and backups' scope,
cleaned by nobody after a crash; DPO audit s29 found seven left there).

Each running PhotoVet (the app, a CLI run, an analysis helper) that renders a preview has its
own folder ``previews/run-<pid>-<random>/`` holding a lock file it keeps locked while it runs
(``PreviewFolder``); it removes that folder when it closes. A folder whose lock nobody holds
was left by a run that ended without closing (a crash, a kill, a power cut) and is removed
when the data folder is next opened (``clean_previews``, called by ``Workspace.open``), with
a log line of counts only. A lock, not only the process id: an id can be given to a new
process after a crash, and another PhotoVet opening the same data folder at the same time
(the analysis helper does) must not remove a live run's previews.

Versions before s29 rendered them in the system's temporary folder (``photovet-preview-*``,
the video player's, kept while the app ran; ``photovet-sheet-*``, a contact sheet's), with no
lock. Those of this user are removed when a data folder is opened
(``clean_old_temp_previews``), on every system:

- a folder made before the computer last started is removed whatever runs now: the program
  that made it ended with that start (``boot_time``: the system's own clock of time since it
  started, counting sleep: ``CLOCK_BOOTTIME`` on Linux, ``kern.boottime`` on macOS,
  ``GetTickCount64`` on Windows; each folder's earliest recorded time, its creation where the
  system keeps it, else its last change, which is no earlier);
- one made since then only when no other PhotoVet of this user is running on this computer (an
  older one still running may be using its folder, and nothing on the folder says so): told
  from ``/proc`` on Linux and from ``ps`` (part of the system) on macOS; where that cannot be
  told (Windows: another process's command line is not open to a plain program), it is left
  and counted in the log, and goes once the computer has been restarted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from photovet.core import logs

log = logs.get("previews")

FOLDER = "previews"
RUN_PREFIX = "run-"
LOCK_NAME = ".lock"
#: a run folder without its lock file yet (made a moment ago) is left alone this long
YOUNG_SECONDS = 60.0


def previews_root(home: str | Path) -> Path:
    """The data folder's previews folder, made if needed, mode 0700 (also when it already
    existed with a wider mode)."""
    root = Path(home) / FOLDER
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    return root


def _try_lock(fd: int) -> bool:
    """Lock the open file ``fd`` for this process, without waiting: False if another process
    (or another open of it in this process) holds it. Released when the process ends,
    however it ends."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt  # noqa: PLC0415

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl  # noqa: PLC0415

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class PreviewFolder:
    """This run's private folder for rendered previews (see the module notes). ``path`` is
    made (0700) and locked when this is made; ``folder(prefix)`` gives a new empty folder in
    it for one user of it (the player, a contact sheet); ``close()`` removes everything."""

    def __init__(self, home: str | Path):
        root = previews_root(home)
        self.path = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-", dir=root))
        self._fd: int | None = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(self._fd):   # pragma: no cover - a fresh file nobody else knows
            raise OSError(f"the preview folder {self.path.name} could not be locked")

    def folder(self, prefix: str = "") -> Path:
        """A new empty folder (0700) in this run's folder."""
        if self._fd is None:
            raise OSError("the preview folder is closed")
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.path))

    @property
    def closed(self) -> bool:
        return self._fd is None

    def close(self) -> None:
        """Remove this run's previews and let go of the lock (once; harmless again)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        shutil.rmtree(self.path, ignore_errors=True)   # Windows: before the lock file closes
        try:
            os.close(fd)
        except OSError:
            pass
        shutil.rmtree(self.path, ignore_errors=True)


def _files_in(folder: Path) -> int:
    n = 0
    for _dir, _dirs, files in os.walk(folder):
        n += sum(1 for f in files if f != LOCK_NAME)
    return n


def _abandoned(folder: Path, now: float) -> bool:
    """Was ``folder`` left by a run that has ended? Its lock can be taken (nobody holds it),
    or it has no lock file and is not a moment old."""
    lock = folder / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        try:
            return now - folder.stat().st_mtime > YOUNG_SECONDS
        except OSError:
            return False
    except OSError:
        return False
    try:
        return _try_lock(fd)
    finally:
        os.close(fd)   # the lock taken (if it was) goes with it


def clean_previews(home: str | Path) -> tuple[int, int]:
    """Remove the preview folders of runs that ended without closing (crash, kill) from the
    data folder ``home``: (folders, files) removed. A live run's folder is kept. Anything else
    found in ``previews/`` is removed too: nothing but run folders belongs there."""
    root = Path(home) / FOLDER
    if not root.is_dir():
        return 0, 0
    try:
        os.chmod(root, 0o700)
        entries = list(root.iterdir())
    except OSError as exc:
        log.warning("previews folder not cleaned (%s)", type(exc).__name__)
        return 0, 0
    now, folders, files = time.time(), 0, 0
    for p in entries:
        if p.is_dir() and not p.is_symlink():
            if p.name.startswith(RUN_PREFIX) and not _abandoned(p, now):
                continue
            n = _files_in(p)
            shutil.rmtree(p, ignore_errors=True)
            if not p.exists():
                folders, files = folders + 1, files + n
        else:
            try:
                p.unlink()
                files += 1
            except OSError:
                pass
    if folders or files:
        log.info("removed %d preview folder(s) (%d file(s)) left by an earlier run",
                 folders, files)
    return folders, files


#: the preview folders versions before s29 made in the system's temporary folder
#: (``tempfile.TemporaryDirectory(prefix=...)``: the prefix and 8 random characters)
OLD_TEMP_NAME = re.compile(r"photovet-(?:preview|sheet)-[A-Za-z0-9_]{8}")


def _ancestors() -> set[int]:
    """This process and the ones that started it (a launcher is not another PhotoVet)."""
    out, pid = {os.getpid()}, os.getppid()
    while pid > 1 and pid not in out:
        out.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
            pid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return out


def boot_time() -> float | None:
    """When this computer last started (seconds since the epoch, as ``time.time()``), from the
    system's clock of time since it started, counting time asleep; None where it cannot be
    read. Windows's fast start-up keeps that clock going over a shut-down, so the start found
    may be earlier than the last switch-on: older, never later (fail safe here)."""
    try:
        if sys.platform.startswith("linux") and hasattr(time, "CLOCK_BOOTTIME"):
            return time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
        if sys.platform == "darwin" or "bsd" in sys.platform:
            return _sysctl_boot_time()
        if sys.platform == "win32":  # pragma: no cover - Windows
            import ctypes  # noqa: PLC0415

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.GetTickCount64.restype = ctypes.c_uint64
            return time.time() - kernel32.GetTickCount64() / 1000.0
    except (OSError, AttributeError, ValueError):
        return None
    return None


def _sysctl_boot_time() -> float | None:  # pragma: no cover - macOS, BSD
    """``kern.boottime`` (a ``struct timeval``) through the C library's ``sysctlbyname``."""
    import ctypes  # noqa: PLC0415
    import ctypes.util  # noqa: PLC0415

    class TimeVal(ctypes.Structure):
        _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]

    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    tv = TimeVal()
    size = ctypes.c_size_t(ctypes.sizeof(tv))
    if libc.sysctlbyname(b"kern.boottime", ctypes.byref(tv), ctypes.byref(size), None, 0) != 0:
        return None
    return tv.tv_sec + tv.tv_usec / 1e6 if tv.tv_sec > 0 else None


#: a folder's time is compared with the start of the computer with this much to spare (clocks
#: set at start-up, file systems that keep times to 2 seconds)
BOOT_MARGIN = 120.0


def _made_before(st: os.stat_result, booted: float) -> bool:
    """Was the folder whose ``stat`` is ``st`` made before ``booted``? Its creation time where
    the system keeps one (``st_birthtime``), else its last change: a folder is never made after
    it last changed, so either one before the start means it was made before."""
    times = [st.st_mtime]
    birth = getattr(st, "st_birthtime", None)
    if birth:
        times.append(birth)
    elif sys.platform == "win32":  # pragma: no cover - Windows before Python 3.12: creation
        times.append(st.st_ctime)
    return min(times) < booted - BOOT_MARGIN


def _running_from_ps(run: Callable[[], str] | None = None) -> bool | None:
    """``other_photovet_running`` where there is no ``/proc`` but a ``ps`` (macOS, BSD): its
    list of every process's owner, id, parent and command line. None when it cannot be run."""
    if not hasattr(os, "getuid"):
        return None
    try:
        out = run() if run is not None else subprocess.run(
            ["ps", "-axww", "-o", "uid=,pid=,ppid=,command="], capture_output=True,
            text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    uid, rows = os.getuid(), []
    parent: dict[int, int] = {}
    for line in out.splitlines():
        bits = line.split(None, 3)
        if len(bits) < 4 or not all(b.lstrip("-").isdigit() for b in bits[:3]):
            continue
        owner, pid, ppid = (int(b) for b in bits[:3])
        parent[pid] = ppid
        rows.append((owner, pid, bits[3]))
    mine, pid = {os.getpid()}, os.getppid()
    while pid > 1 and pid not in mine:      # this process and the ones that started it
        mine.add(pid)
        pid = parent.get(pid, 0)
    return any(owner == uid and pid not in mine and "photovet" in cmd.lower()
               for owner, pid, cmd in rows)


def other_photovet_running(proc: Path = Path("/proc"), *,
                           ps: Callable[[], str] | None = None) -> bool | None:
    """Is another PhotoVet (any version: the app, a command, a helper) of this user running
    on this computer? From ``/proc`` (Linux), else from ``ps`` (macOS; ``ps``: its output, for
    tests); None when it cannot be told (Windows)."""
    if not hasattr(os, "getuid"):
        return None
    if not proc.is_dir():
        return _running_from_ps(ps)
    uid, mine = os.getuid(), _ancestors()
    try:
        pids = [int(n) for n in os.listdir(proc) if n.isdigit()]
    except OSError:
        return None
    for pid in pids:
        if pid in mine:
            continue
        try:
            if os.stat(proc / str(pid)).st_uid != uid:
                continue
            cmd = (proc / str(pid) / "cmdline").read_bytes()
        except OSError:
            continue              # ended meanwhile, or not ours to read
        if b"photovet" in cmd.lower():
            return True
    return False


def clean_old_temp_previews(temp: str | Path | None = None, *,
                            others_running: Callable[[], bool | None] | None = None,
                            booted: Callable[[], float | None] | None = None
                            ) -> tuple[int, int]:
    """Remove the preview folders older versions left in the system's temporary folder
    (``temp``: ``tempfile.gettempdir()``) that belong to this user (on Windows the temporary
    folder is the user's own): (folders, files) removed. One made before the computer last
    started (``booted``: ``boot_time``) is removed at once; one made since only when no other
    PhotoVet of this user runs (``others_running``: False); one running, or not knowable
    (None), leaves those (an older PhotoVet's folder has no lock to say it is in use). Never
    follows a link; logs counts only."""
    root = Path(temp if temp is not None else tempfile.gettempdir())
    uid = os.getuid() if hasattr(os, "getuid") else None
    found: list[tuple[Path, os.stat_result]] = []
    try:
        with os.scandir(root) as it:
            for e in it:
                if not OLD_TEMP_NAME.fullmatch(e.name):
                    continue
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                if e.is_dir(follow_symlinks=False) and (uid is None or st.st_uid == uid):
                    found.append((Path(e.path), st))
    except OSError:
        return 0, 0
    if not found:
        return 0, 0
    start = (booted or boot_time)()
    gone = [p for p, st in found if start is not None and _made_before(st, start)]
    recent = [p for p, st in found if p not in gone]
    running = (others_running or other_photovet_running)() if recent else False
    if running is not False:
        log.info("%d preview folder(s) of an older PhotoVet left in the system's temporary "
                 "folder since the computer started: not removed (%s)", len(recent),
                 "another PhotoVet is running" if running else
                 "whether another PhotoVet is running cannot be told here")
    else:
        gone += recent
    folders = files = 0
    for p in gone:
        n = _files_in(p)
        shutil.rmtree(p, ignore_errors=True)
        if not p.exists():
            folders, files = folders + 1, files + n
    if folders:
        log.info("removed %d preview folder(s) (%d file(s)) an older PhotoVet left in the "
                 "system's temporary folder", folders, files)
    return folders, files


__all__ = ["FOLDER", "OLD_TEMP_NAME", "PreviewFolder", "boot_time", "clean_old_temp_previews",
           "clean_previews", "other_photovet_running", "previews_root"]
