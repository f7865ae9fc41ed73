"""Moving photos safely: importing from a device (with clearing), and deleting originals once
their export has been posted.

Rules (principle 2: nothing is deleted without a verified copy and an audit record; a crash
leaves no half-written file):

Import from a device (``import_from_device``)
    Each photo is copied into a temporary file in the destination folder, named
    ``.photovet-tmp-<pid>@<computer>-<random>-<name>`` (hidden, recognisable), fsynced, then given its final
    name with ``os.link`` (which never overwrites: an existing different file makes us try
    ``name (1).jpg``, ``name (2).jpg``...), the folder is fsynced, and the final file is read back
    and its sha256 compared with the source's. Only then, with ``clear=True``, is the source
    hashed once more (so what we delete is exactly what we verified) and deleted.

    Every copy and every deletion is audited ("about to delete" before, "deleted" after).

    A crash at any moment leaves each photo at the source, or as a complete verified copy, or
    both; never a partial file under a final name. Temporary files of dead processes are removed
    by the next run; a photo already copied (identical content under its name or a suffixed
    name) is not copied twice.

    A link on the device (a symbolic link, a shortcut) is not a photo taken on it: it is left
    alone, never copied, cleared or followed (nor a link to a folder walked), and the import
    says so for each, as a file not copied (its target, on the device or elsewhere, is never
    touched through it; a file of the device is copied from its own place).

    Files, not paths, are compared: the destination must not be the device folder or inside it
    reached another way (a symbolic link, a bind mount, a symlinked parent: compared by device
    and inode, ``os.path.samefile``), and a source is deleted only when its verified copy is a
    different file. Cleared photos go to the system's trash unless ``permanent`` is asked for
    (a device without a usable trash then keeps the photo, with a message).

Purge (``purge_batch``)
    A batch's ORIGINAL files are deleted only when the original is unchanged since export
    (sha256) and at least one of its exports still exists unchanged (sha256) and is marked
    posted (or merely exported, when allowed). Anything else is refused with the reason.
    Default: the operating system's trash (send2trash), so a mistake can be undone.
    ``permanent``: the file is renamed to ``.photovet-purge-<name>`` (atomic), overwritten with
    random bytes, fsynced and unlinked; a run interrupted mid-way is finished by the next run.
    On flash storage (SSD, memory cards, USB sticks) the drive may keep old copies of the data
    in blocks that overwriting cannot reach: the report says so.
    Each deletion writes an audit row and a ``purges`` row marked "pending" BEFORE it happens
    and "deleted" after it.
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photovet.core.errors import DeletionError, NotAFileError, OutputFolderError, PhotoVetError
from photovet.core.fsutil import (
    PROBE_PREFIX,
    FolderClock,
    _why_not_written,
    clean_probes,
    crash_point,
    disk_changed,
    drop_probe,
    drop_second_name,
    fsync_dir,
    link_no_overwrite,
    name_order,
    own_disk_id,
    refuse_unplugged,
    rename_no_replace,
    sha256_no_follow,
    temp_left_behind,
    temp_owner,
    unplugged_disk,
    volume_id,
)
from photovet.core.media.live_photos import LIVE_PHOTO_SUFFIXES, live_photo_clip
from photovet.core.models import Progress
from photovet.core.storage.database import stored_path, text_safe, twin_content, written_name
from photovet.core.words import (
    DELETION_STOPPED_BADGE,
    EXPORTS_LIST_COMMAND,
    ORIGINAL_DELETED_BADGE,
    ORIGINAL_KEPT_AS_PLANNED,
    ORIGINAL_KEPT_CHANGED,
    ORIGINAL_KEPT_LINK,
    ORIGINAL_KEPT_MISSING,
    ORIGINAL_KEPT_NOT_POSTED,
    ORIGINAL_KEPT_TAKEN_DOWN,
    TRASH_PERMANENT_COMMAND,
    count,
    deletion_stopped_detail,
    original_deletable,
    original_deleted_detail,
    original_kept,
)

TMP_PREFIX = ".photovet-tmp-"
PURGE_PREFIX = ".photovet-purge-"

FLASH_NOTE = ("Files were overwritten with random data and then deleted. On flash storage (SSDs, "
              "memory cards, USB sticks) the drive may still keep old copies of the data in spare "
              "blocks that overwriting cannot reach; only full-disk encryption protects against "
              "that.")
TRASH_NOTE = ("Originals were moved to the Recycle Bin / Trash; empty it to delete them for good.")

#: where the system's trash keeps a photo cleared from a device (``trash_place``), in words that
#: follow "moved to" (audit, second term, finding 10: "moved to the device's trash" was the
#: Trash of the office PC, where pupils' photos stayed until someone emptied it)
TRASH_PC, TRASH_DEVICE = "pc", "device"
TRASH_WORDS = {       # (where, what to do about it)
    TRASH_PC: ("the Trash (Recycle Bin) on this PC", "empty it to delete them for good"),
    TRASH_DEVICE: ("a hidden Trash folder on the device itself",
                   "they are still on the device until that is emptied: choose \u201cDelete for "
                   "good\u201d when you clear a card or phone"),
}

_FALLBACK_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".heic", ".heif", ".hif", ".webp",
                        ".tif", ".tiff", ".avif", ".bmp", ".gif", ".dng", ".mp4", ".mov", ".m4v",
                        ".3gp", ".webm"}


# --------------------------------------------------------------------------------------------
# Small file helpers
# --------------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_temp_name(name: str) -> bool:
    return name.startswith(TMP_PREFIX)


def clean_temp_files(folder: Path) -> list[Path]:
    """Remove our temporary files left by processes that died (crash, kill, power cut).
    Only files named ``.photovet-tmp-*``, and only those ``fsutil.temp_left_behind`` says are
    left behind: never another computer's copy in progress; returns what was removed. Test
    files left the same way (the folder clock's: ``fsutil.clean_probes``) are removed too, not
    returned (s65)."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for root, _dirs, files in os.walk(folder):
        clock = FolderClock(root)     # the folder's own clock, asked only if needed (s46)
        if any(n.startswith(PROBE_PREFIX) for n in files):
            clean_probes(root, clock)
        for name in files:
            if not is_temp_name(name):
                continue
            p = Path(root) / name
            # this PC's process, or another computer's on a shared folder (s45)
            if temp_left_behind(name[len(TMP_PREFIX):].split("-", 1)[0], p, clock):
                try:
                    p.unlink()
                    removed.append(p)
                except OSError:
                    pass
    return removed


#: the longest file name most disks take (bytes in the name's encoding: ext4, NTFS in
#: UTF-16 units, exFAT, APFS): a name a camera or phone gave fits, and so must every name
#: PhotoVet makes from it (a temporary name, a " (1)" suffix)
NAME_MAX_BYTES = 255


def _name_bytes(text: str) -> int:
    """How many bytes ``text`` takes as a file name: in the file system's encoding
    (``os.fsencode``), where a byte of a name that is not UTF-8 ("caf\xe9.jpg" from an older
    camera, read with the byte kept as a surrogate) is one byte: ``str.encode("utf-8")``
    raised on it, and stopped the whole import (s41 audit)."""
    return len(os.fsencode(text))


def _cut_to(text: str, room: int) -> str:
    """``text`` cut to at most ``room`` bytes of a file name (``_name_bytes``), never inside a
    character: whole characters are dropped from its end."""
    room = max(0, room)
    if _name_bytes(text) <= room:
        return text
    used, end = 0, 0
    for ch in text:
        n = _name_bytes(ch)
        if used + n > room:
            break
        used, end = used + n, end + 1
    return text[:end]


def _fitted(stem: str, tail: str) -> str:
    """``stem + tail`` within ``NAME_MAX_BYTES``: the stem is cut, never the tail (its suffix
    and extension)."""
    return _cut_to(stem, NAME_MAX_BYTES - _name_bytes(tail)) + tail


def _temp_name(final: Path) -> Path:
    """The hidden temporary name a copy is written under before it gets ``final``: the process
    id and computer first (``fsutil.temp_owner``; ``clean_temp_files`` reads it), then the
    start of the final name, cut so the whole fits a disk's longest name: a photo whose own
    name is 250 characters long (legal on a card) was refused with "File name too long"
    because its temporary name was longer."""
    head = f"{TMP_PREFIX}{temp_owner()}-{secrets.token_hex(4)}-"
    return final.with_name(head + _cut_to(final.name, NAME_MAX_BYTES - _name_bytes(head)))


def hidden_for(source: Path) -> Path:
    """The hidden name a deletion for good renames ``source`` to before overwriting it:
    ``.photovet-purge-<name>``. A name too long for that (more than 239 bytes: the prefix took
    it past a disk's 255) gets a shorter one that still says which photo it is: a tag made from
    the whole name (of its register text, ``text_safe``, so the register's row finds it again)
    and the name's start, ``.photovet-purge-~<tag>-<start of the name>`` (s45: such a photo
    could not be deleted for good at all, "File name too long"). Every deletion for good and
    every finishing of one cut short finds the hidden file by this name, from the photo's."""
    said = text_safe(source.name)
    # which form, decided on the register text (never longer than the name's own bytes), so
    # the photo's name and its row's text always give the same hidden name: a name that is
    # not UTF-8 and fits in bytes but not as \\xNN text was hidden under ".photovet-purge-"
    # + its bytes, then looked for from its row under the "~" form, not found, and the
    # deletion cut short was marked done with the photo left hidden, not overwritten (s45 audit)
    if _name_bytes(PURGE_PREFIX + said) <= NAME_MAX_BYTES:
        return source.with_name(PURGE_PREFIX + source.name)
    head = f"{PURGE_PREFIX}~{hashlib.sha256(said.encode('utf-8')).hexdigest()[:16]}-"
    return source.with_name(head + _cut_to(said, NAME_MAX_BYTES - _name_bytes(head)))


def own_name(hidden: Path, source: Path) -> Path:
    """The name a hidden file (``hidden_for``) is put back under: the photo's own name beside
    it. ``source``: the photo's place as its row recorded it (its long name is not all in the
    hidden name; for a short one the hidden name's own bytes, a name that is not UTF-8
    included, which the register holds as \\xNN text)."""
    if hidden_for(hidden.with_name(source.name)) == hidden:
        # its bytes, not the register's \\xNN text for them (s45 audit: put back under the
        # text, a name of up to four times as many bytes, too long for the disk past 63)
        return hidden.with_name(written_name(source.name))
    return hidden.with_name(hidden.name[len(PURGE_PREFIX):])


def hidden_left(source: Path) -> Path:
    """The hidden file a deletion for good of ``source`` (its place as its row holds it: a
    name that is not UTF-8 as \\xNN text) left when it was cut short: ``hidden_for`` found
    through ``stored_path``, or, when none is there, one left under ``".photovet-purge-"`` +
    the name by PhotoVet before the s45 audit (a name that is not UTF-8 whose text is too long
    for that form). Whether it is the photo is for ``hidden_is_ours`` to say."""
    hidden = Path(stored_path(str(hidden_for(source))))
    plain = source.with_name(PURGE_PREFIX + source.name)
    if os.path.lexists(hidden) or plain.name == hidden_for(source).name:
        return hidden
    older = Path(stored_path(str(plain)))
    return older if os.path.lexists(older) else hidden


#: a photo with both its own and its hidden name is settled as a rename cut short only once
#: that second name is this old by the folder's clock: younger, it may be another process's
#: rename under way (a purge and the schedule deleting it at once, on a disk without
#: renameat2's flag), between its link and its unlink; removing the hidden name then, that
#: unlink took the photo's last name and its bytes stayed on the disk, never overwritten (s45
#: audits). Left alone, the photo is refused this time (a second name) and settled next time.
HALF_HIDDEN_QUIET_SECONDS = 60


def settle_half_hidden(source: Path, hidden: Path) -> bool:
    """A rename to the hidden name (or back from it) cut short half-way on a disk without a
    renaming that never replaces (an NFS share, some FUSE disks: ``fsutil.rename_no_replace``
    links the new name, then removes the old one): both names are the one file. Its hidden
    name is removed, so the photo is in its own place again, untouched, and whatever was
    deleting it decides again from its checks (s44 note: every later deletion refused it for
    good, "the same photo has 1 other name"). Only when the two names are that one file, it
    has no third name (``fsutil.drop_second_name``) and the names were made at least
    ``HALF_HIDDEN_QUIET_SECONDS`` ago by the folder's clock (``FolderClock``; never while
    another process may be renaming it). True when it was settled."""
    try:
        a, b = os.lstat(source), os.lstat(hidden)
    except OSError:
        return False
    if (a.st_dev, a.st_ino) != (b.st_dev, b.st_ino) or a.st_nlink != 2:
        return False
    now = FolderClock(source.parent).now()
    if now is None or now - b.st_ctime < HALF_HIDDEN_QUIET_SECONDS:
        return False
    return drop_second_name(source, hidden)


#: the temporary names a copy is written under before it gets its name by a link (an
#: import's, an export's: ``media.export.TEMP_PREFIX``)
_LINKED_TEMP_PREFIXES = (TMP_PREFIX, ".photovet-export-")


def settle_left_temp(path: Path) -> bool:
    """A copy given its name by a link from its temporary file, whose temporary name was not
    removed yet when PhotoVet stopped (an import's ``.photovet-tmp-...``, an export's
    ``.photovet-export-...``): the photo has a second name, its temporary one, and purge, the
    schedule, "Delete now" and a take-down refused it as a hard link until the next import or
    export into that folder cleared it, if ever (s45). That name is removed when it is a
    temporary name left behind (``fsutil.temp_left_behind``: never a copy in progress) beside
    it of that same file with no third name; the file keeps its own name. True if one was."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 2 or not st.st_ino:
        return False
    try:
        names = [n for n in os.listdir(path.parent) if n.startswith(_LINKED_TEMP_PREFIXES)]
    except OSError:
        return False
    clock = FolderClock(path.parent)
    for name in names:
        other = path.parent / name
        prefix = next(p for p in _LINKED_TEMP_PREFIXES if name.startswith(p))
        try:
            same = os.lstat(other).st_ino == st.st_ino
        except OSError:
            continue
        if same and temp_left_behind(name[len(prefix):].split("-", 1)[0], other, clock):
            return drop_second_name(path, other)
    return False


def _candidates(target: Path) -> Iterator[Path]:
    yield target
    n = 1
    while True:
        yield target.with_name(_fitted(target.stem, f" ({n}){target.suffix}"))
        n += 1


def _link_no_overwrite(tmp: Path, final: Path) -> None:
    """Give ``tmp`` the name ``final`` (never replacing a file), then drop the temporary name."""
    link_no_overwrite(tmp, final)
    if tmp.exists():
        tmp.unlink()


def _stop_requested(stop: Any) -> bool:
    if stop is None:
        return False
    if hasattr(stop, "is_set"):
        return bool(stop.is_set())
    return bool(stop())


def _list_photos(src: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The photos AND videos under ``src`` (by content or name), and what is left alone: a
    phone's videos are copied and cleared with the same checks as its photos."""
    try:
        from photovet.core.media.imaging import collect_media  # noqa: PLC0415
    except ImportError:  # pragma: no cover - imaging ships with PhotoVet
        photos: list[Path] = []
        skipped: list[tuple[Path, str]] = []
        for root, dirs, files in os.walk(src):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                p = Path(root) / name
                if not name.startswith(".") and p.suffix.lower() in _FALLBACK_EXTENSIONS:
                    photos.append(p)
    else:
        photos, skipped = collect_media([src])
    photos = [p for p in photos if not p.name.startswith((TMP_PREFIX, PURGE_PREFIX))]
    return photos, skipped


#: a photo of the device that became a link after the device was listed
LINK_NOW = "it is a link to another file, not a photo on the device: not copied"


def _links_on(src: Path, photos: list[Path], skipped: list[tuple[Path, str]]
              ) -> list[tuple[Path, str]]:
    """The links (symbolic links, shortcuts) under the device folder ``src``, each with the
    line the import says about it. A link is not a photo taken on the device: one to a file
    in /home was copied as if it were, and "clear the device" removed only the link (s42).
    Its target is never copied nor deleted through it, a link to a folder is never walked
    (nothing is taken from outside the device), and one to another file or folder on the
    device is said so (that file is copied from its own place, not twice). Hidden ones are
    left alone like every hidden file."""
    found: dict[Path, bool] = {}     # link -> whether it is a folder's place in the walk
    for p in [*photos, *(q for q, _why in skipped)]:
        if os.path.islink(p):
            found[p] = False
    # never follows a link (followlinks=False); a folder that cannot be read is said by the
    # listing already
    for root, dirs, _files in os.walk(src, onerror=lambda _exc: None):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for d in dirs:
            if os.path.islink(os.path.join(root, d)):
                found[Path(root) / d] = True
    real_src = os.path.realpath(src)
    out: list[tuple[Path, str]] = []
    for link in sorted(found):
        target = os.path.realpath(link)
        here = _on_device(link, src)
        try:
            inside = os.path.commonpath([real_src, target]) == real_src
        except ValueError:          # another drive (Windows)
            inside = False
        if not os.path.exists(target):
            line = f"{here} is a link to a file or folder that is not there: not copied"
        elif os.path.isdir(target):
            line = (f"{here} is a link to another folder on the device "
                    f"({_on_device(Path(target), Path(real_src))}): nothing was copied through "
                    "the link" if inside else
                    f"{here} is a link to a folder elsewhere, not a folder on the device: "
                    "nothing in it was copied")
        else:
            line = (f"{here} is a link to another file on the device "
                    f"({_on_device(Path(target), Path(real_src))}), not a photo of its own: not "
                    "copied through the link" if inside else
                    f"{here} is a link to a file elsewhere, not a photo on the device: not copied")
        out.append((link, line))
    return out


# --------------------------------------------------------------------------------------------
# Import from a device
# --------------------------------------------------------------------------------------------

@dataclass
class TransferResult:
    source: str
    dest: str | None = None
    sha256: str = ""
    copied: bool = False        # a new copy was written (False: an identical copy was already there)
    verified: bool = False      # the copy was read back and its sha256 matches the source
    deleted: bool = False       # the source was deleted from the device (clear=True)
    trashed_to: str = ""        # where it was trashed (``trash_place``); "" when deleted for good
    error: str | None = None    # one line; the source is kept whenever this is set

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d


def _copy_verified(src: Path, src_sha: str, target: Path) -> tuple[Path, bool]:
    """Put a verified copy of ``src`` at ``target`` or a suffixed name. Returns (path, copied).
    An identical file already there (an earlier interrupted run) is reused: a file of its own
    there, never a link to a file elsewhere (s43: a link of that name to an identical file
    counted as the verified copy, and the device's photo could be cleared while its only copy
    was the link's target, which may go); a link, like a different file, is left alone and the
    next name tried."""
    size = src.stat().st_size
    for cand in _candidates(target):
        if os.path.lexists(cand):
            try:
                st = os.lstat(cand)
                if stat.S_ISREG(st.st_mode) and st.st_size == size and \
                        sha256_no_follow(cand) == src_sha:
                    return cand, False
            except OSError:
                pass
            continue
        tmp = _temp_name(cand)
        h = hashlib.sha256()
        # the device's file itself, never through a link made since it was listed
        try:
            src_fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_BINARY", 0))
        except OSError as exc:
            if exc.errno == errno.ELOOP or os.path.islink(src):
                raise PhotoVetError(LINK_NOW, path=src) from exc
            raise
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o600)
        except BaseException:
            os.close(src_fd)
            raise
        try:
            with os.fdopen(fd, "wb") as out, open(src_fd, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            crash_point("import.temp-written")
            if h.hexdigest() != src_sha:
                raise PhotoVetError("the file changed on the device while it was being copied; "
                                    "it was kept there", path=src)
            try:
                _link_no_overwrite(tmp, cand)
            except FileExistsError:
                tmp.unlink()
                continue  # someone created that name meanwhile: try the next one
        except BaseException:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise
        fsync_dir(cand.parent)
        crash_point("import.copied")
        return cand, True
    raise AssertionError("unreachable")  # pragma: no cover


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def destination_problem(src: Path, dest: Path) -> str | None:
    """Why ``dest`` must not receive (and let us clear) the photos of ``src``, or None.

    Compared as files, not text, so any path counts (symbolic links, a bind mount, a symlinked
    parent): ``dest`` is ``src`` or lies inside it (``src`` is the same file as ``dest`` or one
    of its parents), or ``src`` lies inside ``dest``."""
    probe = Path(os.path.abspath(dest))
    # the nearest part of dest that exists (dest may not be created yet)
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    for candidate in [probe, *probe.parents]:
        if _same_file(candidate, src):
            return ("the destination is the device folder itself, or inside it (reached by "
                    "another path); choose a folder on this PC")
    real_src, real_dest = Path(os.path.realpath(src)), Path(os.path.realpath(dest))
    if real_dest == real_src or real_src in real_dest.parents:
        return "the destination is inside the device folder; choose a folder on this PC"
    # the device folder inside the destination: the copies would land on the device too
    dest_now = Path(os.path.abspath(dest))
    for candidate in [Path(os.path.abspath(src)), *Path(os.path.abspath(src)).parents]:
        if dest_now.exists() and _same_file(candidate, dest_now):
            return ("the device folder is inside the destination, so the copies would stay on "
                    "the device; choose a folder on this PC")
    return None


def _home_trash_root() -> Path:
    """Where this PC's own trash lives (the folder send2trash compares a file's disk with)."""
    if sys.platform == "darwin":
        return Path.home()
    return Path(os.path.expanduser(os.environ.get("XDG_DATA_HOME") or "~/.local/share"))


def trash_place(path: str | Path) -> str:
    """Where the system's trash keeps ``path`` once trashed: ``TRASH_PC`` (this PC's own Trash
    / Recycle Bin) or ``TRASH_DEVICE`` (a file on another disk, a camera card or a phone
    mounted as a drive, goes to a Trash folder on that disk: it is still on the device). Windows
    keeps what it trashes in the Recycle Bin of this PC."""
    if os.name == "nt":
        return TRASH_PC
    root = _home_trash_root()
    while not root.exists() and root != root.parent:     # send2trash creates it when needed
        root = root.parent
    try:
        return TRASH_PC if os.lstat(path).st_dev == os.stat(root).st_dev else TRASH_DEVICE
    except OSError:
        return TRASH_DEVICE          # not known: never say it left the device


def _remove_from_device(path: Path, permanent: bool) -> None:
    if permanent:
        path.unlink()
        fsync_dir(path.parent)
    else:
        _trash(path)


def _record_copy(audit: Any, final: Path, sha: str, new_copy: bool, user: str) -> int:
    """A verified copy from a device: where it is (``device_copies``: the retention schedule
    deletes an original never exported from there; the place is forgotten once it is deleted)
    and an audit row that names it by its id and content, never its path. Returns its id."""
    from photovet.core.storage import atomic  # noqa: PLC0415

    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    with atomic(audit.db):
        copy_id = int(audit.db.insert(
            "INSERT INTO device_copies (path, sha256, copied_at, actor) VALUES (?, ?, ?, ?)",
            [os.path.abspath(final), sha, now, user]))
        audit.record("device-import-copied", {"copy": copy_id, "sha256": sha,
                                              "new_copy": new_copy}, user=user)
    return copy_id


def import_from_device(src: str | Path, dest: str | Path, *, clear: bool = False, stop: Any = None,
                       audit: Any, permanent: bool = False) -> Iterator[Progress]:
    """Copy every photo (and video) under ``src`` into ``dest`` (same sub-folders), verified;
    with ``clear``, remove each source file once its copy is verified (to the trash, or for good
    with ``permanent``). Yields ``Progress`` (first with the total, then one per file with
    ``result`` = ``TransferResult``). ``stop``: an Event or a callable; the file in hand is
    finished first. Copying needs a signed-in preparer (or admin); clearing the device needs
    an admin (checked before anything is copied)."""
    user = audit.access.require("device.import").name
    if clear:
        audit.access.require("device.clear")
    src, dest = Path(os.path.abspath(src)), Path(os.path.abspath(dest))   # recorded in full
    if src.is_file():
        raise NotAFileError("this is a file: give the folder of the camera, card or phone (for "
                            "example its DCIM folder)", path=src)
    if not src.is_dir():
        raise NotAFileError("the device folder was not found (is the device connected?)", path=src)
    try:   # s65: was "error: .: this folder on the device could not be read (Permission denied)"
        with os.scandir(src):
            pass
    except OSError as exc:
        raise NotAFileError(f"PhotoVet cannot open the device folder ({_why_not_written(exc)})",
                            path=src, hint=DEVICE_SHUT_HINT) from exc
    problem = destination_problem(src, dest)
    if problem:
        raise OutputFolderError(problem, path=dest)
    # a stick or share not connected (any more): ``mkdir(parents=True)`` made its folder on
    # this PC's own disk, the copies went there (hidden once it is back) and the device was
    # cleared (s45; s44 caught it going mid-run only)
    refuse_unplugged(dest, path=dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise OutputFolderError(DEST_IS_A_FILE, path=dest, hint=NOTHING_COPIED) from exc
    except OSError as exc:
        raise OutputFolderError(f"the folder on this PC could not be made ({_why_not_written(exc)})",
                                path=dest, hint=NOTHING_COPIED) from exc
    # a folder PhotoVet may not write in (read-only, another account's): one error now, not
    # the operating system's words once for every photo (s65)
    why = _cannot_write_in(dest)
    if why:
        raise OutputFolderError(f"PhotoVet cannot write in the folder on this PC ({why})",
                                path=dest, hint=NOTHING_COPIED)
    problem = destination_problem(src, dest)  # now that it exists, as a file
    if problem:
        raise OutputFolderError(problem, path=dest)
    dest_id = _folder_identity(dest)
    if clear and dest_id is not None and dest_id[2] is None:
        # another stick put in its place mid-run could not be told from it: the rest would be
        # copied onto that one and cleared from the device (s48)
        raise OutputFolderError(STICK_UNKNOWN, path=dest, hint=STICK_UNKNOWN_HINT)
    clean_temp_files(dest)
    photos, skipped = _list_photos(src)
    links = _links_on(src, photos, skipped)
    linked = {p for p, _line in links}
    photos = [p for p in photos if p not in linked]
    skipped = [(p, why) for p, why in skipped if p not in linked]
    from photovet.core.media.imaging import UNREADABLE_FOLDER as _UNREADABLE_FOLDER  # noqa: PLC0415

    # a folder of the device that could not be read: its photos are not copied (nor cleared),
    # and the person must know before they wipe the card
    unread = [(p, why) for p, why in skipped if why.startswith(_UNREADABLE_FOLDER)]
    skipped = [s for s in skipped if not s[1].startswith(_UNREADABLE_FOLDER)]
    total = len(photos) + len(unread) + len(links)
    if not total:   # nothing to do is not an error (a card already cleared), but say so
        others = f" ({count(len(skipped), 'other file')}, none of them a photo or video)" if skipped else ""
        yield Progress(0, 0, message=f"no photos or videos were found in {src}{others}; "
                                     "nothing was copied")
        return
    yield Progress(0, total, message=f"{count(len(photos), 'file')} to import"
                   + (f", {count(len(skipped), 'other file')} left alone" if skipped else "")
                   + (f", {count(len(unread), 'folder')} that could not be read" if unread else "")
                   + (f", {count(len(links), 'link')} not copied" if links else ""),
                   others=tuple(_on_device(p, src) for p, _why in skipped))
    audit.record("device-import-started", {"source": str(src), "dest": str(dest), "clear": clear,
                                           "files": len(photos), "permanent": permanent,
                                           "unreadable_folders": len(unread),
                                           "links": len(links)}, user=user)
    for done, (folder, why) in enumerate(unread, start=1):
        # the walk's why, up to its first ';' (": PhotoVet is not allowed to open it
        # (permission denied)", or the system's words in brackets)
        detail = why[len(_UNREADABLE_FOLDER):].split(";")[0].rstrip()
        denied = "(permission denied)" in detail
        res = TransferResult(source=str(folder))
        res.error = (f"{_on_device(folder, src)}: this folder on the device could not be "
                     f"read{detail}; its photos were NOT copied (and nothing in it was "
                     "cleared)" + ("; ask IT to give your account access to it, then import "
                                   "again" if denied else ""))
        yield Progress(done, total, path=str(folder), result=res, message=res.error)
    for done, (link, line) in enumerate(links, start=len(unread) + 1):
        res = TransferResult(source=str(link), error=line)     # left on the device, untouched
        yield Progress(done, total, path=str(link), result=res, message=line)
    for done, path in enumerate(photos, start=len(unread) + len(links) + 1):
        if _stop_requested(stop):
            break
        res = TransferResult(source=str(path))
        try:
            if os.path.islink(path):     # made a link since the device was listed
                raise PhotoVetError(LINK_NOW, path=path)
            rel = path.relative_to(src)
            target = dest / rel
            # the destination is still the folder the import began with: a stick pulled out
            # took it away, and ``mkdir(parents=True)`` made the whole path again on this PC's
            # own disk (under the stick's place, hidden once it is back), the copies went
            # there and the device was cleared (s44)
            if _folder_identity(dest) != dest_id:
                raise PhotoVetError(DEST_GONE.format(dest=dest))
            for part in _folders_below(dest, rel.parent):
                try:
                    os.mkdir(part)
                except FileExistsError:
                    pass
            # a sub-folder of the destination that is a link to a folder elsewhere: the copy
            # would not be in the destination (and may go with that folder)
            inside = os.path.join(os.path.realpath(dest), *rel.parent.parts)
            if os.path.normcase(os.path.realpath(target.parent)) != os.path.normcase(inside):
                raise PhotoVetError(f"the folder {text_safe(str(rel.parent))} in the destination "
                                    "is a link (a shortcut) to a folder elsewhere; the photo was "
                                    "not copied there and is still on the device")
            res.sha256 = sha256_of(path)
            final, res.copied = _copy_verified(path, res.sha256, target)
            res.dest = str(final)
            if _same_file(final, path):
                raise DeletionError("the copy is the original itself (the destination is on the "
                                    "device); nothing was deleted", path=path)
            # read back as the file of that name itself, never through a link put there since
            copy_sha, copy_stat = hash_and_stat(final)
            if copy_sha != res.sha256:
                if res.copied:
                    final.unlink()
                    fsync_dir(final.parent)
                raise PhotoVetError("the copy did not read back identical (disk problem?); "
                                    "the original was kept", path=path)
            res.verified = True
            copy_id = _record_copy(audit, final, res.sha256, res.copied, user)
            if clear:
                now_sha, hashed = hash_and_stat(path)
                if now_sha != res.sha256:
                    raise PhotoVetError("the file changed on the device after it was copied; "
                                        "it was kept there", path=path)
                if _same_file(final, path):
                    raise DeletionError("the copy is the original itself; nothing was deleted",
                                        path=path)
                refusal = not_deletable(path)     # a link now, or a file with other names
                if refusal:
                    raise DeletionError(f"copied and verified, but {refusal}", path=path)
                # by content and the copy's id, never a path (a file name may name a pupil)
                audit.record("device-delete-pending", {"sha256": res.sha256,
                                                       "verified_copy": copy_id,
                                                       "method": "unlink" if permanent else "trash"},
                             user=user)
                crash_point("import.delete-pending")
                place = "" if permanent else trash_place(path)
                # still the file hashed, unchanged (a phone still writing it, or one saved
                # over it since, is not the photo verified)
                if not _unchanged(path, hashed):
                    raise PhotoVetError("the file changed on the device after it was copied; "
                                        "it was kept there", path=path)
                # and its copy is still the file read back (never one changed, moved, or
                # made a link to a file elsewhere since)
                if not _unchanged(final, copy_stat):
                    raise PhotoVetError(COPY_GONE, path=path)
                # and the destination is still the disk the import began with: a stick
                # swapped after this photo's check went onto the other one (s48)
                if _folder_identity(dest) != dest_id:
                    raise PhotoVetError(DEST_SWAPPED.format(dest=dest), path=path)
                try:
                    _remove_from_device(path, permanent)
                except Exception as exc:
                    how = "deleted" if permanent else "moved to the trash"
                    hint = "" if permanent else f" ({TRASH_PERMANENT_COMMAND})"
                    raise DeletionError(f"copied and verified, but could not be {how} on the "
                                        f"device ({getattr(exc, 'strerror', None) or exc}){hint}; "
                                        "it was kept", path=path) from exc
                crash_point("import.removed")
                res.deleted, res.trashed_to = True, place
                audit.record("device-deleted", {"sha256": res.sha256,
                                                "verified_copy": copy_id,
                                                "method": "unlink" if permanent else "trash",
                                                "trash": place},
                             user=user)
        except PhotoVetError as exc:
            res.error = f"{_on_device(path, src)}: {exc.message}"
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                res.error = (f"{_on_device(path, src)}: the folder on this PC ({dest}) is full; "
                             "free some space or choose another folder. The photo is still on "
                             "the device")
            else:
                res.error = f"{_on_device(path, src)}: {_copy_failed(exc, dest)}"
        yield Progress(done, total, path=str(path), result=res,
                       message=res.error or ("copied and cleared" if res.deleted else "copied"))


#: the device folder itself could not be opened
DEVICE_SHUT_HINT = ("Check the phone or camera is unlocked and set to share its files (on a "
                    "phone: 'File transfer'), or ask IT for access to that folder. Nothing was "
                    "copied.")
#: import-device's destination (or a folder on its way) is a file
DEST_IS_A_FILE = ("a file is in the way where the folder on this PC should be; give a folder "
                  "to copy the photos into")
#: what to do when the destination is refused before anything is copied
NOTHING_COPIED = "Choose a folder you can write to. Nothing was copied: the photos are still on the device."


def _cannot_write_in(folder: Path) -> str | None:
    """Why PhotoVet cannot make a file in ``folder`` (in words), or None when it can.

    It makes a file there and removes it: only that says so on every system (``os.access``
    reads the mode bits, not Windows' ACLs, a read-only share or a disk mounted read-only).
    The file has a temporary name as a copy's (``_temp_name``: this process and computer), so
    one left behind (PhotoVet killed, or the removal refused) is removed by
    ``clean_temp_files`` as any other (s65: ".photovet-probe-<hex>" stayed in the school's
    folder for ever)."""
    probe = _temp_name(folder / "probe")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return None     # full: said for each photo, with what to do
        return _why_not_written(exc)
    drop_probe(fd, probe)       # one left: its name lets ``clean_temp_files`` remove it
    return None


def _copy_failed(exc: OSError, dest: Path) -> str:
    """One photo's copy stopped by ``exc`` (not a full disk), in words: whether reading it on
    the device or writing its copy on this PC failed (by the file the error names)."""
    why = _why_not_written(exc)
    name = getattr(exc, "filename", None)
    on_pc = False
    if name:
        try:
            on_pc = Path(os.path.abspath(os.fsdecode(name))).is_relative_to(dest)
        except (TypeError, ValueError):
            on_pc = False
    if on_pc:
        return (f"its copy could not be written in the folder on this PC ({why}); the photo is "
                "still on the device")
    if not name:   # a read or a write that names no file: which side, not known
        return f"it could not be copied ({why}); the photo is still on the device"
    return f"it could not be read on the device ({why}); it is still on the device"


def _unchanged(path: Path, hashed: os.stat_result) -> bool:
    try:
        still_the_file(path, hashed)
    except DeletionError:
        return False
    return True


#: the verified copy changed (or went, or became a link) between its check and the deletion
COPY_GONE = ("its copy changed, moved or was replaced by a link while the original was being "
             "deleted, so there is no verified copy; the original was kept")

#: the destination folder went mid-import (a stick pulled out, the folder removed)
DEST_GONE = ("the folder on this PC ({dest}) is no longer there (was the disk removed?); the "
             "photo was not copied and is still on the device")

#: a deletion cut short (pending) whose photo's folder is not there now: not said deleted
PENDING_FOLDER_GONE = ("deleting it was interrupted, and its folder ({folder}) is not there now "
                       "(a USB stick or drive not connected?), so PhotoVet cannot tell whether "
                       "it was deleted; it is not marked deleted. Connect it and delete the "
                       "originals again")


def folder_not_there(folder: Path) -> bool:
    """Is ``folder`` not there, or the place of a USB stick or drive not connected now
    (``fsutil.unplugged_disk``)? Then a file missing from it may still be on that disk."""
    try:
        return not folder.is_dir() or unplugged_disk(folder) is not None
    except OSError:
        return True


#: the same, its folder there but on another disk than when the deletion was announced (a
#: stick swapped for another with the same folders: the photo may still be on the first)
PENDING_OTHER_DISK = ("deleting it was interrupted, and its folder ({folder}) is now on another "
                      "USB stick or drive than the one it was on (swapped for another?), so "
                      "PhotoVet cannot tell whether it was deleted; it is not marked deleted. "
                      "Connect the stick or drive it was on and delete the originals again")
#: ... or on a disk PhotoVet cannot tell from another now (its own id cannot be read)
PENDING_DISK_UNKNOWN = ("deleting it was interrupted, and PhotoVet cannot tell whether its folder "
                        "({folder}) is on the USB stick or drive it was on (that disk gives no "
                        "id of its own now), so it cannot tell whether it was deleted; it is not "
                        "marked deleted. Connect the stick or drive it was on and delete the "
                        "originals again")


#: the disk a deletion's folder is on, kept on its row when it is announced, and the check at
#: resume (the same for exports being named: ``fsutil.own_disk_id``, ``fsutil.disk_changed``)
deletion_disk = own_disk_id
pending_disk_changed = disk_changed


#: the same, found once the photo was copied: its copy went onto whatever disk is there now
DEST_SWAPPED = ("the folder on this PC ({dest}) is not the one the import began with any more "
                "(was the USB stick or drive taken out, or swapped for another?); the copy may "
                "be on that other disk, so the photo was kept on the device")

#: an import that would clear the device, onto a stick PhotoVet cannot tell from another
STICK_UNKNOWN = ("PhotoVet cannot tell the USB stick or drive this folder is on from another "
                 "one put in its place (it gives no id of its own), so it cannot make sure "
                 "every photo lands on this one before the device is cleared; nothing was "
                 "copied and nothing was cleared")
STICK_UNKNOWN_HINT = ("Import without clearing the device (the photos stay on it), or choose a "
                      "folder on this computer's own disk.")


def _folder_identity(folder: Path) -> tuple[int, int, str | None] | None:
    """Which folder ``folder`` is now (device, inode and the disk's own id: a stick swapped for
    another in the same port keeps the device number, its top folder the inode, and a FAT or
    exFAT stick's file system id, s48; ``fsutil.volume_id``: None when it cannot be read),
    None when it is not there."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, volume_id(folder)) if stat.S_ISDIR(st.st_mode) else None


def _folders_below(dest: Path, rel: Path) -> list[Path]:
    """The folders from ``dest`` down to ``dest / rel`` (``dest`` itself not included): made one
    by one, never ``dest`` nor anything above it."""
    out, here = [], dest
    for part in rel.parts:
        here = here / part
        out.append(here)
    return out


def _on_device(path: Path, src: Path) -> str:
    """Where a file is on the device, as the person sees it (DCIM/100APPLE/IMG_0001.JPG: two
    camera folders may both hold an IMG_0001.JPG)."""
    try:
        said = str(path.relative_to(src))
    except ValueError:
        said = path.name
    # a name that is not UTF-8 ("caf\\xe9.jpg" from an older camera) said readably: the app's
    # window dropped its byte ("caf.jpg")
    return str(text_safe(said))


# --------------------------------------------------------------------------------------------
# Purge originals
# --------------------------------------------------------------------------------------------

@dataclass
class PurgeItem:
    source: str
    status: str            # "deleted" | "would-delete" | "already-deleted" | "refused" | "error"
    reason: str = ""
    sha256: str = ""
    export_ids: list[int] = field(default_factory=list)
    method: str = ""       # "trash" | "overwrite"
    #: kept as the rules say, nothing to look into (its copy was taken down, or is not
    #: posted yet): said plainly, not as a problem (walk5 showed those in red)
    as_planned: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("deleted", "would-delete", "already-deleted")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d


@dataclass
class PurgeReport:
    batch: str
    dry_run: bool
    permanent: bool
    items: list[PurgeItem] = field(default_factory=list)
    note: str = ""
    #: the iPhone Live Photo clips beside originals this purge deletes (or would): never
    #: checked and never copied, so never deleted by PhotoVet; the person is told they stay
    live_clips_left: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"batch": self.batch, "dry_run": self.dry_run, "permanent": self.permanent,
                "note": self.note, "ok": self.ok, "items": [i.to_dict() for i in self.items],
                "live_clips_left": list(self.live_clips_left),
                "counts": {s: self.count(s) for s in ("deleted", "would-delete", "already-deleted",
                                                       "refused", "error")}}


def not_deletable(path: Path) -> str | None:
    """Why ``path`` must not be deleted as a photo of its own (kept, and the person told), or
    None. A symbolic link (a shortcut) or a file with other names (hard links) is another
    file's data too: deleting the name would leave the photo, and overwriting it would destroy
    that other file, which is not this batch's to delete."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None           # the callers say "no longer there" in their own words
    if stat.S_ISLNK(st.st_mode):
        return ("it is a shortcut (a symbolic link) to another file; kept: deleting it would "
                "not delete the photo, and overwriting it would destroy that file")
    if not stat.S_ISREG(st.st_mode):
        return "it is not a regular file; kept"
    if st.st_nlink > 1:
        others = st.st_nlink - 1
        return (f"the same photo has {others} other name{'s' if others > 1 else ''} on this disk "
                "(a hard link); kept: deleting this name would not delete it, and overwriting "
                "it would change the other")
    return None


#: a file that another program changed or saved over between PhotoVet's check and its deletion
CHANGED_WHILE_DELETING = ("the file was changed (or saved over by another program) while "
                          "PhotoVet was deleting it, so it is no longer the photo that was "
                          "checked; kept")


def hash_and_stat(path: Path) -> tuple[str, os.stat_result]:
    """The content hash of the file at ``path`` itself (never through a link) and what the
    disk says of that same open file (``fstat``): which file was hashed, for the check right
    before it is deleted (``still_the_file``)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        h = hashlib.sha256()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
        return h.hexdigest(), os.fstat(fh.fileno())


def _same_identity(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_size, b.st_mtime_ns) and \
        (not a.st_ino or not b.st_ino or a.st_ino == b.st_ino)


def still_the_file(path: Path, hashed: os.stat_result) -> None:
    """Raise ``DeletionError`` unless the name ``path`` is still the very file ``hashed``
    describes, unchanged (same file, size and time of change): a file saved over the photo
    (an editor's save, a phone still writing) after it was checked is not deleted (s44: the
    trash and a device's clearing took whatever had the name by then)."""
    try:
        now = os.lstat(path)
    except OSError as exc:
        raise DeletionError(CHANGED_WHILE_DELETING, path=path) from exc
    if not stat.S_ISREG(now.st_mode) or not _same_identity(now, hashed):
        raise DeletionError(CHANGED_WHILE_DELETING, path=path)


def overwrite_and_unlink(path: Path, *, sha256: str = "") -> None:
    """Overwrite the file's bytes with random data, fsync, unlink, fsync the folder.

    Never through a link: the file is opened without following a symbolic link, and one with
    other names (hard links) is refused before a byte is written (``DeletionError``). With
    ``sha256``, the open file's content must still be that before a byte is written (s44: a
    file saved over the photo between its check and its deletion was overwritten, though its
    content was never the one verified); and the name must still be that open file before it
    is removed (never another file given the name meanwhile)."""
    _overwrite_open(_open_to_overwrite(path, sha256), path)


def _open_to_overwrite(path: Path, sha256: str) -> Any:
    """``path`` opened to be overwritten, with every check ``overwrite_and_unlink`` makes
    before a byte is written; nothing is written (an error leaves the file as it was)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    fh = open(fd, "r+b")
    try:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
            raise DeletionError(not_deletable(path) or "it is not a regular file; kept",
                                path=path)
        if sha256:
            h = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
            if h.hexdigest() != sha256:
                raise DeletionError(CHANGED_WHILE_DELETING, path=path)
            fh.seek(0)
    except BaseException:
        fh.close()
        raise
    return fh


def _overwrite_open(fh: Any, path: Path) -> None:
    """Overwrite the file ``fh`` (``_open_to_overwrite``), then remove its name ``path``."""
    with fh:
        st = os.fstat(fh.fileno())
        left = st.st_size
        while left > 0:
            n = min(left, 1 << 20)
            fh.write(os.urandom(n))
            left -= n
        fh.flush()
        os.fsync(fh.fileno())
        try:
            now = os.lstat(path)
        except FileNotFoundError:
            now = None
        if now is not None and st.st_ino and now.st_ino and \
                (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            raise DeletionError("another file was given its name while it was being deleted; "
                                "that file was kept", path=path)
    crash_point("purge.overwritten")
    path.unlink()
    fsync_dir(path.parent)


#: a file PhotoVet may not overwrite, deleting it for good
NOT_ALLOWED_TO_OVERWRITE = ("PhotoVet is not allowed to change this file (it is read-only, or "
                            "belongs to another account), so it cannot be deleted for good; kept")


def delete_for_good(source: Path, hidden: Path, sha256: str, *, crash_label: str) -> None:
    """Delete ``source`` for good: renamed to its hidden name ``hidden`` (never over a file
    there: ``hidden_in_the_way``), then overwritten and removed, only while it is still the
    content ``sha256`` that was checked. Whatever stops it before a byte is overwritten (the
    content changed, the file read-only, another link to it) puts it back under its own name
    (``DeletionError``): s44, a read-only original was left hidden as ``.photovet-purge-<name>``,
    said "kept", and the next purge called it "missing (moved or deleted outside PhotoVet)".
    ``crash_label``: the crash point between the rename and the overwrite. Purge, a rejected
    photo and the retention schedule share it (s44: each checked the hidden name free and then
    renamed, and overwrote whatever file was there by then)."""
    try:
        rename_no_replace(source, hidden)
    except FileExistsError as exc:
        raise DeletionError(hidden_in_the_way(hidden), path=source) from exc
    fsync_dir(source.parent)
    crash_point(crash_label)
    overwrite_or_put_back(hidden, source, sha256)


def overwrite_or_put_back(hidden: Path, source: Path, sha256: str = "") -> None:
    """Overwrite and remove ``hidden`` (a photo renamed to its hidden name to be deleted for
    good); whatever stops it before a byte is overwritten puts it back under its own name
    ``source`` (``DeletionError``; still hidden only when that name is taken, and said). Also
    what finishes a deletion a crash cut short (s44 audit: there a read-only photo stayed
    hidden for ever, every purge said "could not delete (PermissionError...)", and the
    retention schedule stopped before its first item, every time)."""
    try:
        fh = _open_to_overwrite(hidden, sha256)
    except (OSError, DeletionError) as exc:    # nothing written: back in its place
        if isinstance(exc, DeletionError):
            why = exc.message
        elif isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM,
                                                                errno.EROFS):
            why = NOT_ALLOWED_TO_OVERWRITE
        else:
            why = (f"it could not be opened to be overwritten ({exc.strerror or exc}); kept")
        try:
            rename_no_replace(hidden, source)
            fsync_dir(source.parent)
        except OSError as back:
            raise DeletionError(
                f"{why}; it is now called {text_safe(hidden.name)}, beside where it was (its "
                f"own name is taken: {back.strerror or back})", path=source) from exc
        raise DeletionError(why, path=source) from exc
    _overwrite_open(fh, hidden)


def delete_exported_copy(path: Path, sha256: str) -> str | None:
    """Delete a copy PhotoVet exported (a take-down's copies, earlier copies in a folder
    exported into again): None when it is gone, else why it was kept. Only when it is still the
    copy PhotoVet made (``sha256``, read again now), never through a link (``not_deletable``),
    overwritten then removed (``overwrite_and_unlink``) and checked gone. The caller says
    "no longer there" itself and audits the outcome."""
    from photovet.core.media.imaging import sha256_file  # noqa: PLC0415

    settle_left_temp(path)      # its export's temporary name, left by a crash
    why = not_deletable(path)
    if why is None:
        try:
            if sha256_file(path) != sha256:
                why = ("the file has changed since it was exported (it is not the copy "
                       "PhotoVet made); kept")
        except PhotoVetError as exc:
            why = f"the file could not be read ({exc.message}); kept"
    if why is None:
        try:    # only while it is still that copy (never a file saved over it since the check)
            overwrite_and_unlink(path, sha256=sha256)
        except PhotoVetError as exc:
            why = exc.message
        except OSError as exc:
            why = f"it could not be deleted ({exc.strerror or exc}); kept"
    if why is None and os.path.lexists(path):
        why = "it is still there after deleting; kept"
    return why


def deletion_failed(exc: BaseException, permanent: bool) -> str:
    """A file that could not be deleted (or moved to the trash), in words: s65, a read-only
    card was "could not delete (PermissionError: [Errno 13] Permission denied: /path); kept"."""
    how = "deleted" if permanent else "moved to the trash"
    if isinstance(exc, OSError):
        why = _why_not_written(exc)
    else:
        why = str(exc) or type(exc).__name__
    said = f"could not be {how} ({why}); it was kept"
    if why in ("permission denied", "the disk is read-only"):
        said += (". Is the memory card locked (its switch), or the folder read-only? Unlock it, "
                 "or ask IT, then delete the originals again")
    return said


def _trash(path: Path) -> None:
    from send2trash import send2trash  # noqa: PLC0415

    send2trash(str(path))


def file_identity(path: str | Path, st: os.stat_result | None = None) -> str:
    """The file at ``path`` itself (never through a link): its inode number and size. A rename
    keeps both, so a deletion for good records it before renaming the photo to its hidden name
    and finishes, after a crash, only the file that still has it (s43). '' where the disk
    gives no inode number (0: some FAT/exFAT and network drives): "0:<size>" would be any file
    of that size, so such a deletion knows its file by its content only (s43 audit). ``st``:
    the file as it was hashed (``hash_and_stat``), so the identity recorded is the checked
    file's, not a file saved over it since (s44)."""
    if st is None:
        st = os.lstat(path)
    return f"{st.st_ino}:{st.st_size}" if st.st_ino else ""


def hidden_is_ours(source: Path, hidden: Path, sha256: str, file_id: str) -> str | None:
    """None when ``hidden`` (``.photovet-purge-<name>`` beside ``source``) is what a deletion
    for good of ``source`` left when it was cut short: the photo renamed there (the file whose
    identity the pending row recorded, or with the photo's content), so finishing it destroys
    nothing else. Else why it is not; such a file is never overwritten nor deleted (s43: any
    file of that name was, even one PhotoVet did not make or made for another photo)."""
    if os.path.lexists(source):
        return "the photo is still in its place, so that file is not it"
    why = not_deletable(hidden)
    if why:
        return why
    try:
        if file_id and not file_id.startswith("0:") and file_identity(hidden) == file_id:
            return None
        if sha256 and sha256_no_follow(hidden) == sha256:
            return None
    except OSError as exc:
        return f"it could not be read ({exc.strerror or exc})"
    return "it is not the photo PhotoVet was deleting (another file, or a copy changed since)"


def hidden_in_the_way(hidden: Path) -> str:
    """Why a photo is kept when a file already has its hidden name: PhotoVet deletes a photo for
    good by first giving it that name, and never replaces (deletes) a file it did not make."""
    return (f"a file called {text_safe(hidden.name)} is beside it, which PhotoVet did not leave "
            "there for this photo; kept, and that file was not touched: PhotoVet needs that name "
            "to delete the photo for good. Move or rename that file, then try again")


def _finish_interrupted(records: Any, source: Path, user: str | None,
                        shas: Iterable[str] = ()) -> bool:
    """A ``.photovet-purge-<name>`` beside ``source`` is a permanent deletion that was cut
    short when a pending row (deleting for good) names ``source``, the photo is no longer in
    its place and the file is the one that row renamed (``hidden_is_ours``): finish it.
    Returns True if one was finished. Any other file of that name is never touched (s43: it
    was overwritten and removed, whoever made it); a deletion for good never renames a photo
    over it (``hidden_in_the_way``)."""
    # a name that is not UTF-8, read back from the register as \\xNN: its hidden name found
    # the same way (``stored_path``), or the hidden photo was said deleted and left on the disk
    left = hidden_left(source)
    settle_half_hidden(Path(stored_path(str(source))), left)
    if not os.path.lexists(left) or os.path.lexists(source):
        return False       # nothing renamed there (the photo is in its place): not ours
    rows = records.db.all("SELECT sha256, file_id FROM purges WHERE source_path = ? AND "
                          "state = 'pending' AND method = 'overwrite'", [str(source)])
    wanted = set(shas)
    # of this photo's contents only (another file's place may be the same text: s43)
    rows = [r for r in rows if not wanted or r[0] in wanted]
    if not rows:           # no deletion for good of this photo was cut short: not ours
        return False
    whys = [hidden_is_ours(source, left, sha, fid or "") for sha, fid in rows]
    ours = [sha for (sha, _fid), why in zip(rows, whys) if why is None]
    if not ours:
        raise DeletionError(
            f"deleting it for good was interrupted, and the file {text_safe(left.name)} where it "
            f"was put to be deleted is not the photo PhotoVet was deleting ({whys[0]}): that file "
            "was not touched. If you are sure it is what is left of this photo, delete it "
            "yourself", path=source)
    # the photo's own name beside it (for a name that is not UTF-8, the real one, not the
    # register's \\xNN text); partly overwritten already by the crash: finished all the same
    try:
        overwrite_or_put_back(left, own_name(left, source))
    except DeletionError as exc:
        if not os.path.lexists(left):     # back in its place: this deletion is over
            _mark_failed(records, source, exc.message, user, sha=ours[0])
        raise
    _mark_deleted(records, source, "overwrite", user, resumed=True, sha=ours[0])
    return True


def without_place(text: str, path: str | Path) -> str:
    """``text`` (an error's words, which often quote the file) with the file's path and name
    said as "the file": for an audit row, kept for good (a file name often names a pupil)."""
    p = Path(path)
    for said in (str(path), os.path.abspath(str(path)), p.name):
        if said and said not in (".", os.sep):
            text = text.replace(said, "the file")
    return text


def _state_by_content(records: Any, sha: str) -> str | None:
    """The latest purge of an original by its content (a deleted original's place is no
    longer recorded anywhere: only its content hash)."""
    row = records.db.execute(
        "SELECT state FROM purges WHERE sha256 = ? ORDER BY id DESC LIMIT 1", [sha]).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class OriginalGone:
    """A photo or video whose original PhotoVet deleted (``originals_gone``), and what became of
    its safe copy on the channel asked about."""

    exported: bool          # a safe copy was exported for the channel
    posted: bool            # ... and marked posted there
    by_schedule: bool = False   # the retention schedule deleted it ("Delete originals" did not)
    #: "Delete originals" (or the retention schedule: ``by_schedule``) began and PhotoVet
    #: stopped, and the photo's folder is not there now or on another disk than the one it
    #: was on (its folder, shown): it may not be deleted
    stopped_in: str = ""

    @property
    def badge(self) -> str:
        return DELETION_STOPPED_BADGE if self.stopped_in else ORIGINAL_DELETED_BADGE

    @property
    def summary(self) -> str:
        """One short sentence (a tile's tooltip line)."""
        return ("Deleting its original stopped part-way." if self.stopped_in else
                "Its original was deleted.")

    def detail(self, media: str = "photo") -> str:
        if self.stopped_in:
            return deletion_stopped_detail(self.stopped_in, media, by_schedule=self.by_schedule)
        return original_deleted_detail(self.posted, self.exported, media,
                                       by_schedule=self.by_schedule)


def originals_gone(records: Any, photos: Iterable[tuple[str, str]], channel: str
                   ) -> dict[str, OriginalGone]:
    """Of ``photos`` (content hash, the path the batch knows it by), those whose original
    PhotoVet deleted ("Delete originals", finished or begun: a deletion interrupted is finished
    at the next purge; or the retention schedule) and that are not at that path any more (one
    put back from the bin, or copied there again, is the photo again), by content hash, with
    whether its safe copy was exported and posted on ``channel`` (s42 walk: the batch's tiles
    said "Approved" after the originals were deleted for good; the approval stands, but
    nothing can be exported again). One path per content (the last given): for each path of
    a content, ``originals_gone_at``."""
    wanted = {sha: path for sha, path in photos if sha}
    return {sha: g for (sha, _), g in originals_gone_at(records, wanted.items(), channel).items()}


def originals_gone_at(records: Any, photos: Iterable[tuple[str, str]], channel: str
                      ) -> dict[tuple[str, str], OriginalGone]:
    """``originals_gone`` by (content hash, path): the same photo twice in a batch (under two
    names) is answered for each of its paths, each "not at that path any more" on its own
    (s43 audit: one path per content left the other tile without "Original deleted")."""
    wanted = {(sha, path) for sha, path in photos if sha}
    if not wanted:
        return {}
    deleted, scheduled, pending = _contents_deleted(records.db, {sha for sha, _ in wanted})
    gone = sorted((sha, path) for sha, path in wanted
                  if sha in deleted | scheduled and not os.path.lexists(path))
    if not gone:
        return {}
    exported: dict[str, bool] = {}
    for rec in records.exports_of(sorted({sha for sha, _ in gone}), channel):
        exported[rec.source_sha256] = exported.get(rec.source_sha256, False) or rec.posted
    return {(sha, path): OriginalGone(
        sha in exported, exported.get(sha, False), by_schedule=sha not in deleted,
        stopped_in=_stopped_elsewhere(path, pending[sha]) if sha in pending else "")
        for sha, path in gone}


def _deleted_contents(db: Any, shas: Iterable[str]) -> tuple[set[str], set[str]]:
    """Of the contents ``shas``, those whose original "Delete originals" deleted (finished or
    begun: the latest purge of that content), and those the retention schedule deleted
    (finished or begun, likewise)."""
    return _contents_deleted(db, shas)[:2]


def _contents_deleted(db: Any, shas: Iterable[str]
                      ) -> tuple[set[str], set[str], dict[str, str | None]]:
    """``_deleted_contents``, and of those the ones whose deletion is only begun ("pending":
    "Delete originals"' or the retention schedule's, cut short), with the disk it was on when
    announced (``deletion_disk``). A deletion the retention schedule began counts as its
    deletion, as a purge's begun counts as the purge's (s52: the tile of a photo whose
    scheduled deletion was cut short on a stick not connected said nothing of it)."""
    purged: dict[str, str] = {}
    pending: dict[str, str | None] = {}
    by_schedule: dict[str, tuple[str, str | None]] = {}
    ordered = sorted(set(shas))
    for i in range(0, len(ordered), 500):
        part = ordered[i:i + 500]
        marks = ",".join("?" * len(part))
        for sha, state, disk in db.all(
                f"SELECT sha256, state, disk_id FROM purges WHERE sha256 IN ({marks}) "
                "ORDER BY id", part):
            purged[sha] = state       # the latest purge of that content
            if state == "pending":
                pending[sha] = disk
            else:
                pending.pop(sha, None)
        for sha, state, disk in db.all(
                "SELECT sha256, state, disk_id FROM retention_deletions WHERE kind = 'originals' "
                f"AND state IN ('pending', 'deleted') AND sha256 IN ({marks}) ORDER BY id", part):
            by_schedule[sha] = (state, disk)    # its latest
    for sha, (state, disk) in by_schedule.items():
        if state == "deleted":
            pending.pop(sha, None)        # deleted by the schedule: nothing stopped
        elif sha not in pending:
            pending[sha] = disk
    return ({sha for sha, state in purged.items() if state in ("deleted", "pending")},
            set(by_schedule), pending)


def _stopped_elsewhere(path: str, disk: str | None) -> str:
    """The folder of ``path`` (a photo missing from it, whose deletion was begun and cut short)
    when it is not there now or is on another disk than the one recorded (or one whose id
    cannot be read): the photo may be on the stick it was on, never deleted; else ""."""
    folder = Path(path).parent
    try:
        away = folder_not_there(folder) or bool(pending_disk_changed(folder, disk))
    except OSError:
        away = True
    return text_safe(str(folder)) if away else ""


def original_deleted(db: Any, sha256: str, path: str) -> bool:
    """PhotoVet deleted the original of content ``sha256`` ("Delete originals", finished or
    begun, or the retention schedule) and it is not at ``path`` any more (one put back is the
    photo again): ``originals_gone_at`` for one photo, from the register's tables alone."""
    if not sha256:
        return False
    deleted, scheduled = _deleted_contents(db, [sha256])
    return sha256 in deleted | scheduled and not os.path.lexists(path)


def original_gone(db: Any, sha256: str, path: str, channel: str) -> OriginalGone | None:
    """``originals_gone_at`` for one photo on ``channel``, from the register's tables alone:
    None unless its original was deleted (``original_deleted``). ``Approvals`` asks it before
    marking ready or approving, so the command says what the app's panel says
    (``policy.original_deleted_refusal`` with ``OriginalGone.detail``; s45 audit W2: the
    command said "Its original was deleted", the panel what became of its safe copy)."""
    if not sha256:
        return None
    deleted, scheduled, pending = _contents_deleted(db, [sha256])
    if sha256 not in deleted | scheduled or os.path.lexists(path):
        return None
    stopped = _stopped_elsewhere(path, pending[sha256]) if sha256 in pending else ""
    ids = [r[0] for r in db.all("SELECT id FROM exports WHERE source_sha256 = ? AND channel = ?",
                                [sha256, channel])]
    posted = bool(ids) and bool(db.scalar(
        f"SELECT COUNT(*) FROM posts WHERE export_id IN ({','.join('?' * len(ids))})", ids))
    return OriginalGone(bool(ids), posted, by_schedule=sha256 not in deleted, stopped_in=stopped)


def _purge_state(records: Any, source: Path, shas: Iterable[str]
                 ) -> tuple[str, str, str | None] | None:
    """The latest purge row of ``source`` with one of the contents ``shas``: (state, sha256,
    the disk it was on when announced: ``deletion_disk``, None before s49). By content too:
    two originals whose places are the same text (a byte not UTF-8 and the characters
    "\\xNN", ``text_safe``) are never taken for each other (s43)."""
    shas = sorted(set(shas))
    if not shas:
        return None
    row = records.db.execute(
        f"SELECT state, sha256, disk_id FROM purges WHERE source_path = ? AND sha256 IN "
        f"({','.join('?' * len(shas))}) ORDER BY id DESC LIMIT 1",
        [str(source), *shas]).fetchone()
    return (row[0], row[1], row[2]) if row else None


def _mark_pending(records: Any, source: Path, sha: str, export_id: int, method: str,
                  user: str | None, hashed: os.stat_result | None = None) -> None:
    from photovet.core.storage import atomic  # noqa: PLC0415

    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    # the file itself, before it is renamed to its hidden name: a crash after the rename is
    # finished on that file only (``hidden_is_ours``)
    file_id = file_identity(source, hashed) if method == "overwrite" else ""
    # and the disk it is on: cut short, its file missing from another stick put in its place
    # (the same folders) is not said deleted (s49)
    disk = deletion_disk(source.parent)
    with atomic(records.db):
        records.db.execute(
            "INSERT INTO purges (source_path, sha256, export_id, method, state, pending_at, actor,"
            " file_id, disk_id) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
            [str(source), sha, export_id, method, now, user, file_id, disk])
        # the audit row names the original by its content, never by its path (a file name
        # often names the pupil, and the log is kept for good); the purge row keeps the path
        # only until the deletion is finished (a crash in between needs it)
        records.audit.record("original-delete-pending", {
            "sha256": sha, "verified_export": export_id, "method": method}, user=user)


def _not_the_twins(source: Path, sha: str) -> tuple[str, list[str]]:
    """The condition (and values) for the purge rows of ``source``: by place, less those of
    the other file whose place is stored as the same text when it is on the disk with other
    content (``twin_content``: a byte not UTF-8 and the characters "\\xNN", s43)."""
    other = twin_content(str(source))
    if other is not None and other != sha:
        return " AND sha256 != ?", [str(source), other]
    return "", [str(source)]


def _mark_deleted(records: Any, source: Path, method: str, user: str | None,
                  resumed: bool = False, sha: str = "") -> None:
    """The pending rows of ``source`` marked deleted (never those of another file whose place
    is the same text: ``_not_the_twins``), its place forgotten."""
    from photovet.core.records.exports import forget_original_place  # noqa: PLC0415
    from photovet.core.storage import atomic  # noqa: PLC0415

    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    with atomic(records.db):
        same, key = _not_the_twins(source, sha)
        rows = records.db.all("SELECT id, sha256 FROM purges WHERE source_path = ? AND "
                              f"state = 'pending'{same}", key)
        # gone: no row keeps its place any more (the content hash says which it was)
        records.db.execute(
            "UPDATE purges SET state = 'deleted', deleted_at = ?, source_path = '' WHERE "
            f"source_path = ? AND state = 'pending'{same}", [now, *key])
        forget_original_place(records.db, source)
        records.audit.record("original-deleted", {
            "purges": [r[0] for r in rows], "sha256": rows[0][1] if rows else "",
            "method": method, "finished_after_interruption": resumed}, user=user)


def _mark_failed(records: Any, source: Path, reason: str, user: str | None,
                 sha: str = "") -> None:
    from photovet.core.storage import atomic  # noqa: PLC0415

    with atomic(records.db):
        same, key = _not_the_twins(source, sha)
        rows = records.db.all("SELECT id, sha256 FROM purges WHERE source_path = ? AND "
                              f"state = 'pending'{same}", key)
        # the export record still knows where the original is; this row needs it no more
        records.db.execute("UPDATE purges SET state = 'failed', source_path = '' WHERE "
                           f"source_path = ? AND state = 'pending'{same}", key)
        records.audit.record("original-delete-failed", {
            "purges": [r[0] for r in rows], "sha256": rows[0][1] if rows else "",
            "reason": without_place(reason, source)}, user=user)


def _taken_down_on(records: Any, export_id: int) -> str:
    """The channel (its label) an export was marked taken down from, or '' (not taken down:
    its copy missing is then a problem to look into)."""
    row = records.db.one("SELECT channel FROM takedown_items WHERE export_id = ? AND "
                         "done_at IS NOT NULL ORDER BY id LIMIT 1", [export_id])
    if row is None:
        return ""
    named = getattr(records, "channels", None)     # a channel since removed: its id
    return str(named.label(row[0])) if named is not None else str(row[0])


def _still_wanted(approvals: Any, records: Any, sha: str,
                  made_by_sha: dict[str, dict[str, list[str]]] | None = None,
                  states: Sequence[Any] | None = None) -> tuple[list[str], bool]:
    """Channels where this photo is marked ready or approved and not exported since: its
    original is still needed there (deleting it would lose that post); and whether any of them
    has an export from before (the photo waits to be exported there again). ``made_by_sha``:
    ``exports_made_by_content``, read once by a caller asking for many photos (the retention
    schedule); ``states``: the photo's ``approvals.for_photo``, when the caller has read them.
    Not exported since:
    no export for the channel, or none after the approval or marking ready, or its approval
    ended (s44 walk: a posted photo whose pupil's consent was withdrawn waits on the take-down
    list for a senior leader to approve it again with them covered, and "Delete originals"
    offered its original: once deleted, it could never be posted again)."""
    if approvals is None:
        return [], False
    if made_by_sha is None:
        made_by_sha = exports_made_by_content(records, sha)
    made = made_by_sha.get(sha, {})
    # any export made since counts, each time read on its own (s45 audit: the latest was
    # picked by comparing times as text, and one that cannot be read, sorting after every
    # real one, hid each export made again since: the original was kept for ever)
    wanted = [s.channel for s in (approvals.for_photo(sha) if states is None else states)
              if s.status in ("ready", "approved") and (
                  s.channel not in made or s.ended
                  or not any(_exported_since(t, s.prepared_at, s.decided_at)
                             for t in made[s.channel]))]
    return wanted, any(c in made for c in wanted)


def exports_made_by_content(records: Any, sha: str | None = None
                            ) -> dict[str, dict[str, list[str]]]:
    """The times each photo was exported, by its original's content and the channel: for
    ``_still_wanted`` (``sha``: that photo's only)."""
    made: dict[str, dict[str, list[str]]] = {}
    for r in records.exports():
        if r.source_sha256 and (sha is None or r.source_sha256 == sha):
            made.setdefault(r.source_sha256, {}).setdefault(r.channel, []).append(
                str(r.created_at or ""))
    return made


def still_wanted_said(records: Any, wanted_on: list[str], again: bool) -> str:
    """Why an original is kept while it waits for approval, or is approved, for ``wanted_on``
    and not exported there (``_still_wanted``): "Delete originals" and the retention schedule
    say the same."""
    named = getattr(records, "channels", None)
    labels = " and ".join(named.label(c) if named else c for c in wanted_on)
    return (f"it is waiting for approval or approved for {labels} and not exported there "
            f"{'again ' if again else ''}yet")


def _exported_since(exported: str, *state_at: str | None) -> bool:
    """The export at ``exported`` was made at or after the approval state was last set (the
    latest of ``state_at``, ISO times); True when the state has no time at all (set before
    times were kept: the original is deleted as before). False when a time cannot be read
    (s45: it was True, and the original deleted for good): not knowing is not knowing it was
    exported, so the original is kept and said to be still wanted there (fail closed: a
    deletion cannot be undone)."""
    try:
        a = _dt.datetime.fromisoformat(str(exported))
        times = [_dt.datetime.fromisoformat(str(t)) for t in state_at if t]
        if not times:
            return True
        if any((t.tzinfo is None) != (a.tzinfo is None) for t in times):
            a, times = a.replace(tzinfo=None), [t.replace(tzinfo=None) for t in times]
        return a >= max(times)
    except (TypeError, ValueError):
        return False


def _photo_order(source: str) -> tuple:
    """A sort key for an original: its folder, then its name as a file manager lists it
    (``fsutil.name_order``: IMG_9 before IMG_10), then the whole path."""
    p = Path(source)
    return (str(p.parent).lower(), name_order(p.name), source)


def purge_batch(records: Any, batch: str, *, dry_run: bool = False, permanent: bool = False,
                allow_exported: bool = False, settings: Any = None,
                approvals: Any = None) -> PurgeReport:
    """Delete the ORIGINAL files of ``batch`` that are safe to delete (see the module notes).
    ``allow_exported`` (or the setting ``retention.delete_originals_when = "exported"``) accepts
    a verified export that is not marked posted yet. With ``approvals``, an original that is
    waiting for approval, or approved, for another channel and not exported there yet is kept
    (and says so). Only a signed-in admin (a dry run too)."""
    user = records.audit.access.require("originals.delete").name
    recs = records.exports(batch=batch)
    if not recs:
        raise DeletionError(f"no exports are recorded for batch '{batch}'; nothing was deleted",
                            hint=EXPORTS_LIST_COMMAND)
    if not allow_exported and settings is not None and \
            settings.retention.delete_originals_when == "exported":
        allow_exported = True
    method = "overwrite" if permanent else "trash"
    report = PurgeReport(batch=batch, dry_run=dry_run, permanent=permanent,
                         note=(FLASH_NOTE if permanent else TRASH_NOTE) if not dry_run else "")
    by_source: dict[str, list[Any]] = {}
    for r in recs:
        by_source.setdefault(r.source_path, []).append(r)
    # the same photo under another name in the batch, exported once as another's copy: deleted
    # beside its own original, by the same rules (s52: it was never deleted)
    also = records.same_photo_originals(r.id for r in recs)
    for r in recs:
        for path in also.get(r.id, ()):
            if path != r.source_path:
                by_source.setdefault(path, []).append(r)
    # in the photos' order (their file names, IMG_9 before IMG_10), not the exports': before
    # s42 the copies were numbered as each export finished, and the list read out of order
    # (s41 walk); a batch exported in several goes is recorded in the order of the goes
    for source_s, group in sorted(by_source.items(), key=lambda kv: _photo_order(kv[0])):
        source = Path(source_s)
        item = PurgeItem(source=source_s or f"the original of export {group[0].id}",
                         status="refused", export_ids=[r.id for r in group],
                         sha256=group[0].source_sha256, method=method)
        report.items.append(item)
        if not source_s:
            # its place was forgotten when it was deleted (a purge, the retention schedule, a
            # rejection): never looked for again, so never deleted twice
            if _state_by_content(records, item.sha256) == "deleted":
                item.status, item.reason = "already-deleted", "deleted by an earlier purge"
            else:
                item.status, item.reason = "already-deleted", "deleted earlier"
            continue
        pending = False
        try:
            if not dry_run and _finish_interrupted(records, source, user,
                                                   [r.source_sha256 for r in group]):
                item.status, item.reason = "deleted", "deletion finished (it had been interrupted)"
                item.method = "overwrite"
                continue
            if not source.exists():
                state, was, disk = _purge_state(records, source,
                                                (r.source_sha256 for r in group)) \
                    or (None, "", None)
                if state == "pending" and folder_not_there(source.parent):
                    # a stick not connected (or another in its place): its photo may still be
                    # on it, never deleted; said deleted, its place was forgotten for good (s48)
                    item.reason = PENDING_FOLDER_GONE.format(folder=text_safe(str(source.parent)))
                    continue
                changed = pending_disk_changed(source.parent, disk) if state == "pending" else ""
                if changed:
                    # another stick with the same folders in its place, or one PhotoVet cannot
                    # tell from it: the photo may be on the stick it was on, never deleted (s49)
                    item.reason = (PENDING_OTHER_DISK if changed == "other" else
                                   PENDING_DISK_UNKNOWN).format(
                        folder=text_safe(str(source.parent)))
                    continue
                if state == "pending" and not dry_run:
                    _mark_deleted(records, source, method, user, resumed=True, sha=was)
                    state = "deleted"
                if state in ("deleted", "pending"):
                    item.status, item.reason = "already-deleted", "deleted by an earlier purge"
                else:
                    item.reason = "the original is missing (moved or deleted outside PhotoVet)"
                continue
            if not dry_run:
                settle_left_temp(source)    # its import's temporary name, left by a crash
            refusal = not_deletable(source)
            if refusal or not source.is_file():
                item.reason = refusal or "not a regular file"
                continue
            sha, hashed = hash_and_stat(source)
            wanted = {r.source_sha256 for r in group}
            if sha not in wanted or "" in wanted:
                item.reason = "the original changed since it was exported (sha256 differs); kept"
                continue
            verified, why_not = None, []     # (copy's name, what is so, channel taken down)
            copy_stat: os.stat_result | None = None
            for r in group:
                out = Path(r.output_path)
                # the copy itself, never a link to a file elsewhere (s43: a link there to an
                # identical file counted as the verified copy, and the original was deleted
                # while the only copy was the link's target, which may go)
                if os.path.islink(out):
                    why_not.append((out.name, ORIGINAL_KEPT_LINK, ""))
                    continue
                if not out.is_file():
                    down = _taken_down_on(records, r.id)
                    why_not.append((out.name, ORIGINAL_KEPT_TAKEN_DOWN if down else
                                    ORIGINAL_KEPT_MISSING, down))
                    continue
                try:
                    copy_sha, copy_stat = hash_and_stat(out)
                    same = copy_sha == r.output_sha256
                except OSError:       # made a link since, or unreadable
                    same = False
                if not same:
                    why_not.append((out.name, ORIGINAL_KEPT_CHANGED, ""))
                    continue
                if not r.posted and not allow_exported:
                    why_not.append((out.name, ORIGINAL_KEPT_NOT_POSTED, ""))
                    continue
                verified = r
                break
            if verified is None:
                item.reason = original_kept(why_not)
                item.as_planned = all(w in ORIGINAL_KEPT_AS_PLANNED for _n, w, _c in why_not)
                continue
            wanted_on, again = _still_wanted(approvals, records, sha)
            if wanted_on:
                item.reason = ("kept: " + still_wanted_said(records, wanted_on, again) +
                               " (it is deleted once that export is posted, or if it is "
                               "rejected there)")
                continue
            item.export_ids = [verified.id]
            hidden = hidden_for(source)
            if permanent and os.path.lexists(hidden):
                item.reason = hidden_in_the_way(hidden)   # renaming there would replace it
                continue
            if dry_run:
                item.status = "would-delete"
                item.reason = original_deletable(Path(verified.output_path).name, verified.posted)
                continue
            _mark_pending(records, source, sha, verified.id, method, user, hashed)
            pending = True
            crash_point("purge.pending")
            # its copy is still the file checked (never one changed, moved, or made a link to
            # a file elsewhere since): a tiny window remains, two files cannot be held at once
            if copy_stat is None or not _unchanged(Path(verified.output_path), copy_stat):
                raise DeletionError(COPY_GONE, path=source)
            if permanent:     # never over a file of the hidden name; only the photo checked
                delete_for_good(source, hidden, sha, crash_label="purge.hidden")
            else:
                still_the_file(source, hashed)
                _trash(source)
            crash_point("purge.removed")
            _mark_deleted(records, source, method, user, sha=sha)
            item.status = "deleted"
            item.reason = original_deletable(Path(verified.output_path).name, verified.posted)
        except PhotoVetError as exc:
            item.status, item.reason = "error", exc.message
        except Exception as exc:
            item.status = "error"
            item.reason = deletion_failed(exc, permanent)
        if item.status == "error" and pending:
            _mark_failed(records, source, item.reason, user, sha=sha)
    report.live_clips_left = live_clips_beside(
        [Path(i.source) for i in report.items if i.status in ("deleted", "would-delete")],
        set(by_source))
    if not dry_run:  # a dry run changes nothing, not even the audit log
        # the export records, never the batch label (it may name a pupil: s32)
        records.audit.record("purge-batch", {"export_ids": [r.id for r in recs],
                                             "method": method,
                                             "counts": report.to_dict()["counts"]}, user=user)
    return report


def live_clips_beside(photos: list[Path], in_batch: set[str],
                      movs: dict[Path, dict[str, list[str]]] | None = None) -> list[str]:
    """The Live Photo clips (``live_photo_clip``) found beside ``photos`` under the same name
    (IMG_0001.MOV beside IMG_0001.HEIC), that are not themselves originals of the batch
    (``in_batch``). A batch leaves them out (s52), so PhotoVet never checked them nor copied
    them, and by its rules it may not delete them; the person deleting the photos is told
    they stay, as they show the same moment, with sound (s52's note: they stayed unsaid).
    ``movs``: each folder's .MOV files by name, kept by a caller that asks photo by photo
    (the retention schedule), so a folder is listed once a run."""
    clips: list[str] = []
    if movs is None:      # each folder listed once: stem -> its .MOVs
        movs = {}
    for photo in photos:
        if photo.suffix.lower() not in LIVE_PHOTO_SUFFIXES:
            continue
        if photo.parent not in movs:
            try:
                names = sorted(os.listdir(photo.parent), key=name_order)
            except OSError:
                names = []
            movs[photo.parent] = {}
            for name in names:
                stem, ext = os.path.splitext(name)
                if ext.lower() == ".mov":
                    movs[photo.parent].setdefault(stem.casefold(), []).append(name)
        for name in movs[photo.parent].get(photo.stem.casefold(), []):
            clip = photo.parent / name
            if str(clip) not in in_batch and live_photo_clip(clip):
                clips.append(str(clip))
    return clips


def rejections_of(approvals: Any, sha256: str) -> list[Any]:
    """The rejections recorded for the content ``sha256`` (on any channel): a photo with one
    may have its original deleted at once (``delete_rejected_original``); the app offers
    "Delete this rejected original now" only then (s51 walk: offered for a photo nobody had
    rejected, it asked "Delete the original now?" and then refused)."""
    if not sha256:
        return []
    return [s for s in approvals.for_photo(sha256) if s.status == "rejected"]


def delete_rejected_original(path: str | Path, *, sha256: str, approvals: Any, audit: Any,
                             permanent: bool = False) -> str:
    """Delete at once one original photo that a senior leader rejected (a compromising photo
    must not wait for a posted export, so no verified copy is asked for here).

    Refused unless a rejection of this exact content is recorded (``approvals``), or when the
    file is not the one that was rejected (its sha256 differs). Audited before ("pending") and
    after. To the trash unless ``permanent`` (overwritten, then unlinked). Returns the method.
    """
    audit.access.require("originals.delete")   # who deletes: the signed-in account
    source = Path(path)
    rejected = rejections_of(approvals, sha256)
    if not rejected:
        raise DeletionError("only a photo a senior leader has rejected can be deleted at once; "
                            "other originals are deleted after their export is posted",
                            path=source)
    hidden = hidden_for(source)
    settle_half_hidden(source, hidden)
    # a deletion for good of this photo cut short after its rename (a power cut): it is still
    # on the disk, hidden, and no row says so (s44 audit: "Delete now" then said "no longer
    # there (moved or deleted outside PhotoVet)" and the rejected photo stayed, hidden, for
    # ever). Finished, only while it is the photo rejected (its content)
    resumed = not os.path.lexists(source) and os.path.lexists(hidden) and \
        hidden_is_ours(source, hidden, sha256, "") is None
    hashed = None
    if not resumed:
        if not source.is_file():
            raise DeletionError("the original is no longer there (moved or deleted outside "
                                "PhotoVet)", path=source)
        settle_left_temp(source)        # its import's temporary name, left by a crash
        refusal = not_deletable(source)
        if refusal:
            raise DeletionError(refusal, path=source)
        now_sha, hashed = hash_and_stat(source)
        if now_sha != sha256:
            raise DeletionError("the file changed since it was rejected; it was kept",
                                path=source)
        if permanent and os.path.lexists(hidden):   # renaming there would replace (delete) it
            raise DeletionError(hidden_in_the_way(hidden), path=source)
    method = "overwrite" if permanent or resumed else "trash"
    # by its content, never its path (a file name often names a pupil; the log is for good)
    details: dict[str, Any] = {"sha256": sha256, "method": method,
                               "rejected_for": [s.channel for s in rejected],
                               "rejected_by": sorted({s.approver or "" for s in rejected})}
    if resumed:
        details["finished_after_interruption"] = True
    audit.record("original-delete-pending", dict(details, why="rejected"))
    crash_point("reject.pending")
    try:
        if resumed:     # put back under its own name if it cannot be overwritten
            overwrite_or_put_back(hidden, source, sha256)
        elif permanent:
            delete_for_good(source, hidden, sha256, crash_label="reject.hidden")
        else:
            assert hashed is not None
            still_the_file(source, hashed)
            _trash(source)
    except Exception as exc:
        audit.record("original-delete-failed", {"sha256": sha256,
                                                 "reason": without_place(str(exc), source)})
        how = "deleted" if permanent else "moved to the trash"
        raise DeletionError(f"could not be {how} ({getattr(exc, 'strerror', None) or exc}); "
                            "it was kept", path=source) from exc
    from photovet.core.records.exports import forget_original_place  # noqa: PLC0415
    from photovet.core.storage import atomic  # noqa: PLC0415

    with atomic(audit.db):
        forget_original_place(audit.db, source)
        audit.record("original-deleted", dict(details, why="rejected"))
    return method


__all__ = ["FLASH_NOTE", "PURGE_PREFIX", "TMP_PREFIX", "TRASH_NOTE", "OriginalGone", "PurgeItem",
           "deletion_failed",
           "PurgeReport", "original_deleted", "original_gone", "originals_gone", "originals_gone_at",
           "TransferResult", "clean_temp_files", "delete_rejected_original", "import_from_device",
           "live_clips_beside", "purge_batch"]
