"""Safe copies: re-render (decode, orient, cover, resize), encode a fresh JPEG with no metadata,
check it, record it, and only then give it its final name.

The order for every photo (issue: "no final-named file ever exists unchecked or unrecorded"):

1. the original's bytes are read once and hashed; if they are not the bytes that were checked
   and approved, nothing is written. The picture is decoded from those same bytes, so what is
   rendered is exactly what was checked;
2. covers are painted at full resolution, then the picture is scaled for the channel; every
   cover's area must be flat paint in it (``cover.covers_showing_detail``: a cover not
   painted, or painted partly, refuses the copy); it is encoded as a plain JPEG (no EXIF,
   XMP, ICC, comments, thumbnails);
3. it is written to a hidden temporary file in the output folder (``.photovet-export-...``),
   flushed and fsynced;
4. that file is read back: it must decode, have the expected size, carry nothing but the
   picture, and show every cover as flat paint (allowing for JPEG's ringing);
5. it is recorded (``recorder.record``: the export record, in the register, in one
   transaction with its audit row, marked as still being named: which temporary file, which
   process on which PC);
6. only then is it linked to its final neutral name (never overwriting; if another export took
   the name meanwhile, the next free number is used and the record follows);
7. the temporary name is removed, the folder fsynced, and the record marked named
   (``recorder.named``).

A crash at any step leaves no final-named file that was not checked and recorded: at worst a
hidden temporary file, which the next export into that folder removes and reports. A crash
between 5 and 7 leaves a record marked as being named: the next open of the register on that
PC keeps it if its file has its name, and otherwise forgets it (audited) and says so
(``Records.settle_interrupted``), so no export is recorded that does not exist.

Per-file problems never stop a batch: the one-line reason is in ``ExportResult.error``. Only a
problem with the batch itself (the output folder) raises.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import secrets
import threading
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from photovet.core import logs
from photovet.core.errors import (
    DiskFullError,
    ExportError,
    OutputFolderError,
    PhotoVetError,
    RegisterUnavailableError,
    VerificationError,
    stray_marks,
)
from photovet.core.fsutil import (
    FolderClock,
    _why_not_written,
    clean_probes,
    crash_point,
    drop_probe,
    fsync_dir,
    link_no_overwrite,
    make_probe,
    refuse_unplugged,
    temp_left_behind,
    temp_owner,
)
from photovet.core.media.imaging import load_image, read_file
from photovet.core.memory import release as release_memory
from photovet.core.models import Channel, Cover, ExportResult, Progress
from photovet.core.policy import rules_of
from photovet.core.settings import usable_cpus
from photovet.core.words import media_count

log = logs.get("export")

TEMP_PREFIX = ".photovet-export-"

# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def slugify(label: str) -> str:
    """'Sports Day 2026 – Año' -> 'sports-day-2026-ano'. Never empty."""
    text = unicodedata.normalize("NFKD", label or "")
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    text = re.sub(r"-{2,}", "-", text)[:60].strip("-")
    return text or "photo"


class NameAllocator:
    """Neutral output names (``sports-day-2026-001.jpg``), never derived from the original's
    name, never one that exists in the folder. Thread-safe; a name is handed out once.

    The batch's ``total`` items get numbers by their place in the batch (``take``: the first
    item the first free number, whichever item finishes first; s42: two photos exported at
    once were numbered in the order they finished, so the same batch got other names each
    time): the first ``total`` numbers with no file of that number in the folder (of any
    extension: an earlier export's photos and videos keep theirs). A name taken meanwhile
    (another export into the folder) gets the next free number after the batch's (``next``)."""

    def __init__(self, out_dir: Path, label: str, total: int = 0, ext: str = ".jpg"):
        self.out_dir = Path(out_dir)
        self.slug = slugify(label)
        self.ext = ext
        self.total = max(0, total)
        self.width = max(3, len(str(max(1, total))))
        self._lock = threading.Lock()
        try:
            self._taken = {p.name.lower() for p in self.out_dir.iterdir()}
        except OSError:
            self._taken = set()
        self._slots = self._free_numbers()
        self._n = self._slots[-1] if self._slots else 0   # ``next``: after the batch's numbers

    def _name(self, n: int, ext: str | None) -> str:
        return f"{self.slug}-{n:0{self.width}d}{ext or self.ext}"

    def _free_numbers(self) -> list[int]:
        """The first ``total`` numbers none of whose names the folder holds (by name without
        its extension)."""
        prefix = f"{self.slug}-".lower()
        used = {int(stem[len(prefix):]) for stem in (os.path.splitext(n)[0] for n in self._taken)
                if stem.startswith(prefix) and stem[len(prefix):].isdigit()}
        self._used = used       # ``next`` skips them too (a video's number is not a photo's)
        out: list[int] = []
        n = 0
        while len(out) < self.total:
            n += 1
            if n not in used:
                out.append(n)
        return out

    def _free(self, name: str) -> bool:
        return name.lower() not in self._taken and not os.path.lexists(self.out_dir / name)

    def take(self, number: int | None, ext: str | None = None) -> Path:
        """The name of the batch's ``number``-th item (1-based), or, when that is taken (or
        ``number`` is None or beyond the batch), the next free one after the batch's."""
        with self._lock:
            if number is not None and 1 <= number <= self.total:
                name = self._name(self._slots[number - 1], ext)
                if self._free(name):
                    self._taken.add(name.lower())
                    return self.out_dir / name
            return self._next(ext)

    def next(self, ext: str | None = None) -> Path:
        """The next free name after the batch's numbers (``ext``: another extension than the
        batch's, e.g. ".mp4")."""
        with self._lock:
            return self._next(ext)

    def _next(self, ext: str | None) -> Path:
        while True:
            self._n += 1
            name = self._name(self._n, ext)
            if self._n not in self._used and self._free(name):
                self._taken.add(name.lower())
                return self.out_dir / name


class CopyNumbers:
    """Which number each copy of a batch gets, the same in the app and ``photovet export``:
    its photo's place among the batch's photos that are exported now. A photo held back (not
    approved, unreadable, policy), or one this batch already exported into the folder (a run
    again after a stop), takes no number: no gap where a photo was held back, and a run
    again after a stop carries on with the next numbers, never after the batch's (s43: the
    command numbered by the place among all the files, so a photo held back left a gap and a
    run again after a stop numbered on from after the whole batch; the app had neither).

    ``decide(place, exported)`` says for each place (1-based) whether its photo is exported;
    ``number(place)`` is 1 + how many earlier places are exported, waiting until every
    earlier place is decided (photos are checked side by side: a later photo may be ready to
    be named before an earlier one is checked). Every place handed to a worker must be
    decided, exported or not (pipeline.vet_batch does it in a ``finally``; ordered_map's
    ``skipped`` for one a stop kept from starting), else a later one waits for it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._exported: dict[int, bool] = {}

    def decide(self, place: int, exported: bool) -> None:
        """The first word for a place counts (a ``finally`` saying 'not exported' after it was
        decided changes nothing)."""
        with self._cond:
            if place not in self._exported:
                self._exported[place] = bool(exported)
                self._cond.notify_all()

    def number(self, place: int) -> int:
        with self._cond:
            self._cond.wait_for(lambda: all(p in self._exported for p in range(1, place)))
            return 1 + sum(1 for p in range(1, place) if self._exported[p])

    @classmethod
    def all_exported(cls, count: int) -> list[int]:
        """The numbers of ``count`` photos that are all exported (the jobs of
        ``export_batch``: those held back or already exported were left out before)."""
        numbers = cls()
        for place in range(1, count + 1):
            numbers.decide(place, True)
        return [numbers.number(place) for place in range(1, count + 1)]


def neutral_names(sources: Sequence[Path], label: str, out_dir: Path, ext: str = ".jpg"
                  ) -> dict[Path, str]:
    """A neutral output name per source, in the given order (see ``NameAllocator``)."""
    unique = list(dict.fromkeys(sources))
    alloc = NameAllocator(out_dir, label, len(unique), ext)
    return {src: alloc.take(i).name for i, src in enumerate(unique, 1)}


# --------------------------------------------------------------------------------------------
# Rendering and writing
# --------------------------------------------------------------------------------------------


def render(image: Image.Image, covers: Sequence[Cover], *, long_edge: int | None,
           style: str = "solid", in_place: bool = False) -> Image.Image:
    """Cover at full resolution first, then downscale (LANCZOS) so the long edge fits.
    ``in_place``: ``image`` is the export's own decode, painted without a copy."""
    if covers:
        from photovet.core.media.cover import apply_covers  # noqa: PLC0415

        image = apply_covers(image, list(covers), style=style, in_place=in_place)
    if image.mode != "RGB":
        image = image.convert("RGB")
    w, h = image.size
    if long_edge and max(w, h) > long_edge:
        scale = long_edge / max(w, h)
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    clean = image if image.mode == "RGB" else image.convert("RGB")
    # Pillow >= 11 writes what an image's own ``encoderinfo`` says over the arguments of save
    # (an EXIF block, a comment): a copy has none (s62 audit: an image carrying one was
    # encoded with its EXIF and comment)
    if clean.info or getattr(clean, "encoderinfo", None):
        clean = clean.copy()
        clean.info = {}
    buf = io.BytesIO()
    # No exif, icc_profile, comment or xmp arguments: Pillow writes a plain JFIF file.
    clean.save(buf, "JPEG", quality=int(quality), optimize=False, progressive=False)
    return buf.getvalue()


def _write_error(exc: OSError, dest: Path) -> ExportError:
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DiskFullError("no space left on the output disk; the copy was not written",
                             path=dest, hint="Free some space or choose another output folder.")
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return OutputFolderError("the output folder does not exist (was it removed or unplugged?)",
                                 path=dest)
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputFolderError("PhotoVet is not allowed to write to the output folder",
                                 path=dest, hint="Choose a folder you can write to.")
    return ExportError(f"the copy could not be written ({exc.strerror or exc})", path=dest)


#: what a disk that keeps no file permissions says to a chmod
_NO_PERMISSIONS_KEPT = (errno.ENOSYS, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EINVAL)


def write_temp(data: bytes, out_dir: Path) -> Path:
    """Write ``data`` to a new hidden temporary file in ``out_dir`` (fsynced); its name carries
    this process's id and computer (``fsutil.temp_owner``) so a later run can tell a leftover
    of a dead process from another computer's copy in progress."""
    # each copy, not the batch only: a stick unmounted mid-batch left its mount folder, and
    # every later copy of the batch was saved on this PC's own disk (s45 audit)
    refuse_unplugged(out_dir, path=out_dir)
    tmp = out_dir / f"{TEMP_PREFIX}{temp_owner()}-{secrets.token_hex(6)}.part"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except OSError as exc:
        raise _write_error(exc, out_dir) from exc
    try:
        try:
            if hasattr(os, "fchmod"):
                try:
                    os.fchmod(fd, 0o644)  # a safe copy is meant to be shared
                except OSError as exc:
                    # a disk that keeps no permissions (a FAT/exFAT stick mounted through
                    # FUSE says ENOSYS, the kernel's vfat EPERM for a mode it cannot hold): the
                    # copy is written all the same (s44: every photo failed "could not be
                    # written (Function not implemented)")
                    if exc.errno not in _NO_PERMISSIONS_KEPT:
                        raise
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _write_error(exc, tmp) from exc
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def verify_export(path: Path, expected_size: tuple[int, int], *, shown_as: Path | None = None,
                  covers: Sequence[Cover] = (), source_size: tuple[int, int] | None = None,
                  style: str = "solid") -> None:
    """Read the written copy back: it must decode as a JPEG of the expected size, carry
    nothing but the picture, and show every cover (``covers``, in the ``source_size`` photo's
    pixels) as flat paint (``cover.covers_showing_detail``, ``READ_BACK_MAX_SPREAD``).
    Raises VerificationError (the caller removes the file)."""
    from photovet.core.media.metadata import verify_clean  # noqa: PLC0415

    problem = None
    try:
        with Image.open(path) as im:
            if im.format != "JPEG":
                problem = f"it reads back as {im.format}, not JPEG"
            else:
                im.load()
                if im.size != tuple(expected_size):
                    problem = (f"it is {im.size[0]} x {im.size[1]} instead of "
                               f"{expected_size[0]} x {expected_size[1]}")
                elif covers and source_size is not None:
                    problem = _covers_problem(im, covers, source_size, style, read_back=True)
        if problem is None:
            leftovers = verify_clean(path)
            if leftovers:
                problem = "it still carries " + ", ".join(leftovers)
    except Exception as exc:
        problem = f"it could not be read back ({type(exc).__name__}: {exc})"
    if problem:
        raise VerificationError(f"the copy failed its check ({problem}); it was not kept",
                                path=shown_as or path)


def clean_leftovers(out_dir: Path) -> list[Path]:
    """Remove hidden temporary exports left in ``out_dir`` by a process that died (crash, kill,
    power cut). They were never given a final name. Returns what was removed: the copies only.
    Test files left there (``check_output_folder``'s, the folder clock's: ``fsutil.clean_probes``)
    are removed too, and not returned: they were never a copy, and "removed N unfinished
    copies" must stay true (s65)."""
    removed: list[Path] = []
    try:
        entries = list(Path(out_dir).iterdir())
    except OSError:
        return removed
    clock = FolderClock(out_dir)      # the folder's own clock, asked only if needed (s46)
    probes = clean_probes(out_dir, clock)
    for p in entries:
        if not p.name.startswith(TEMP_PREFIX):
            continue
        # this PC's dead process's; another computer's copy in progress on a shared folder is
        # never removed (s45: the process id alone was taken for this PC's)
        if not temp_left_behind(p.name[len(TEMP_PREFIX):].split("-", 1)[0], p, clock):
            continue
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass
    if removed or probes:
        fsync_dir(out_dir)
    return removed


# --------------------------------------------------------------------------------------------
# One photo
# --------------------------------------------------------------------------------------------


class Recorder(Protocol):
    """Keeps the export records (records/store.py): called with a checked file that has no final
    name yet."""

    def record(self, result: ExportResult, written: Path) -> int: ...

    def moved(self, record_id: int, final: Path) -> None: ...

    def named(self, record_id: int) -> None: ...

    def abandon(self, record_id: int, reason: str) -> None: ...


def _named(recorder: Recorder, record_id: int) -> None:
    """Tell the records the file has its final name. The export is done whatever happens here
    (recorded, named, its folder synced): a failure only leaves the record to be settled at
    the next open (records/exports.py, ``settle_interrupted``), never abandoned."""
    try:
        recorder.named(record_id)
    except Exception as exc:
        log.warning("export %d named, not yet marked so (%s)", record_id, type(exc).__name__)


@dataclass
class ExportJob:
    """One photo to export: what was checked (its content hash) and what to cover."""

    source: Path
    expected_sha256: str
    covers: Sequence[Cover]
    fill: Callable[[ExportResult], None] | None = None  # adds who is shown/covered, approver...
    #: the picture already decoded (imaging.load_image) from the very bytes whose hash is
    #: ``expected_sha256``, with what their metadata listed: checked and exported in one pass
    #: (pipeline.vet_batch), the photo is read and decoded once. None: read the file here.
    loaded: Any = None
    metadata_removed: list[str] | None = None
    video: Any = None     # a video's export plan (media/video/export.py); None for a photo
    #: its copy's number in the batch (1-based, ``NameAllocator.take``; ``CopyNumbers``:
    #: its place among the photos exported), whatever order the copies finish in; a callable
    #: gives it when the copy is named (it may wait for earlier photos' checks); None: the
    #: next free number
    number: int | Callable[[], int | None] | None = None
    #: the size (display pixels) of the picture the check decoded, that the covers are placed
    #: in; a decode of another size here is refused (None: not known, not compared)
    picture: tuple[int, int] | None = None

    def copy_number(self) -> int | None:
        """The copy's number, asked for as it is named (``number``)."""
        return self.number() if callable(self.number) else self.number


def _error_text(err: Exception, source: Path) -> str:
    """One line that starts with the source file's name."""
    if isinstance(err, PhotoVetError):
        text = str(err)
        if err.path is None or err.path.name != source.name:
            return f"{source.name}: {err.message}"
        return text
    if isinstance(err, MemoryError):
        return f"{source.name}: not enough memory to process this photo"
    return f"{source.name}: unexpected problem ({type(err).__name__}: {err})"


def _read_checked(source: Path, expected_sha256: str, max_pixels: int | None,
                  result: ExportResult) -> Any:
    """The original decoded from bytes read once, refused unless they are the bytes that were
    checked; what its metadata held goes into ``result``."""
    data = read_file(source, max_pixels=max_pixels)
    result.source_sha256 = hashlib.sha256(data).hexdigest()
    if not expected_sha256 or result.source_sha256 != expected_sha256:
        raise ExportError("the file changed after it was checked; check it again before "
                          "exporting (nothing was written)", path=source)
    loaded = load_image(source, max_pixels=max_pixels, data=data)
    try:
        from photovet.core.media.metadata import inspect_bytes  # noqa: PLC0415

        report = inspect_bytes(data, source)
        result.metadata_removed = [f.sentence() for f in report.findings]
    except PhotoVetError:
        raise
    except Exception as exc:
        result.metadata_removed = [
            f"Metadata could not be listed ({type(exc).__name__}); all of it was removed anyway"]
    return loaded


def _covers_problem(image: Image.Image, covers: Sequence[Cover], source_size: tuple[int, int],
                    style: str, *, read_back: bool) -> str | None:
    """What is wrong with the covers in ``image`` (``cover.covers_showing_detail``: as
    rendered, or ``read_back`` from the file), in the words of the copy's refusal; None when
    every cover is flat paint."""
    from photovet.core.media.cover import (  # noqa: PLC0415
        READ_BACK_MAX_SPREAD,
        RENDERED_MAX_SPREAD,
        covers_showing_detail,
    )

    bad = covers_showing_detail(image, covers, source_size, style=style,
                                max_spread=READ_BACK_MAX_SPREAD if read_back
                                else RENDERED_MAX_SPREAD)
    if not bad:
        return None
    what = {"face": "a face", "text": "a name or text"}
    first = covers[bad[0]]
    return (f"{len(bad)} of its {len(covers)} covers {'is' if len(bad) == 1 else 'are'} not "
            f"solid, the first over {what.get(first.source, 'an area covered by hand')}")


def export_photo(job: ExportJob, names: NameAllocator, channel: Channel, *, style: str = "solid",
                 max_pixels: int | None = None, recorder: Recorder | None = None) -> ExportResult:
    """Make one safe copy (the steps in the module notes). Never raises for a problem with this
    photo: see ``result.error``. A video (``job.video``) goes to media/video/export.py."""
    if job.video is not None:
        from photovet.core.media.video.export import export_video  # noqa: PLC0415

        return export_video(job, names, channel, recorder=recorder)
    source = Path(job.source)
    result = ExportResult(source=str(source), channel=channel.id, channel_rules=rules_of(channel))
    counts = {"face": 0, "text": 0, "manual": 0}
    for c in job.covers:
        counts[c.source if c.source in counts else "manual"] += 1
    result.faces_covered, result.texts_covered, result.manual_covers = (
        counts["face"], counts["text"], counts["manual"])
    tmp: Path | None = None
    record_id: int | None = None
    try:
        if job.loaded is not None and job.expected_sha256:
            # decoded by the check itself from the bytes it hashed: exactly what was checked
            loaded, job.loaded = job.loaded, None
            result.source_sha256 = job.expected_sha256
            result.metadata_removed = list(job.metadata_removed or [])
        else:
            loaded = _read_checked(source, job.expected_sha256, max_pixels, result)
        drawn = loaded.image.size      # the pixels the covers are in
        if job.picture is not None and tuple(drawn) != tuple(job.picture):
            # the covers were placed in a picture of another shape: a decoder that turns the
            # photo otherwise than the check's did (an analysis kept from before an update)
            # would put them beside the faces (s63 cover audit)
            raise ExportError(
                f"the photo decodes as {drawn[0]} x {drawn[1]}, not as the {job.picture[0]} x "
                f"{job.picture[1]} it was checked at, so its covers would be out of place; "
                "check it again before exporting (nothing was written)", path=source)
        # the decode is this export's own (from the check or read here): painted in place
        source_size = drawn
        image = render(loaded.image, job.covers, long_edge=channel.long_edge, style=style,
                       in_place=True)
        del loaded
        # every cover flat paint in the picture about to be encoded (a cover not painted, or
        # painted partly, is caught here, whatever the JPEG does after)
        problem = _covers_problem(image, job.covers, source_size, style, read_back=False)
        if problem:
            raise VerificationError(f"the copy failed its check ({problem}); it was not made",
                                    path=source)
        encoded = encode_jpeg(image, channel.quality)
        result.width, result.height = image.size
        del image
        result.output_sha256 = hashlib.sha256(encoded).hexdigest()
        out_dir = names.out_dir
        tmp = write_temp(encoded, out_dir)
        crash_point("export.temp-written")
        del encoded
        final = names.take(job.copy_number())
        try:
            verify_export(tmp, (result.width, result.height), shown_as=final,
                          covers=job.covers, source_size=source_size, style=style)
        except VerificationError:
            raise
        result.output = str(final)
        if job.fill is not None:
            job.fill(result)
        if recorder is not None:
            record_id = recorder.record(result, tmp)
        crash_point("export.recorded")
        while True:
            try:
                link_no_overwrite(tmp, final)
                break
            except FileExistsError:
                final = names.next()  # another export took the name: the next free one
                result.output = str(final)
                if record_id is not None and recorder is not None:
                    recorder.moved(record_id, final)
        crash_point("export.named")
        fsync_dir(out_dir)
        if record_id is not None and recorder is not None:
            _named(recorder, record_id)
    except RegisterUnavailableError:
        # the register's server went away: nothing was recorded, so nothing is named (the
        # temporary file goes below); the batch stops (export_batch) and resumes later
        if record_id is not None and recorder is not None:
            try:
                recorder.abandon(record_id, "the register server went away")
            except Exception:
                pass
        raise
    except Exception as exc:
        log.warning("export of %s (%s) failed: %s", logs.ref(source),
                    logs.sha(result.source_sha256), type(exc).__name__)
        result.error = _error_text(exc, source)
        result.output = None
        result.output_sha256 = ""
        if record_id is not None and recorder is not None:
            try:
                recorder.abandon(record_id, result.error)
            except Exception:
                pass
    finally:
        if tmp is not None:
            _unlink_quietly(tmp)
        release_memory()
    if not result.error:
        log.info("exported %s (%s) as %s (%s): %d face, %d text, %d hand cover(s)",
                 logs.ref(source), logs.sha(result.source_sha256), logs.ref(result.output or ""),
                 logs.sha(result.output_sha256), result.faces_covered, result.texts_covered,
                 result.manual_covers)
    return result


# --------------------------------------------------------------------------------------------
# A batch
# --------------------------------------------------------------------------------------------


def check_output_folder(out_dir: Path, sources: Iterable[Path] = (), *,
                        allow_beside_originals: bool = False) -> None:
    """Refuse (OutputFolderError) a folder that is missing, not a folder, not writable, on a
    USB stick that is not connected any more (``fsutil.refuse_unplugged``), or the folder
    holding the originals (unless allowed)."""
    out_dir = Path(out_dir)
    # the empty folder of a stick pulled out: the copies would be on this PC's own disk, and
    # hidden by the stick once it is back (s45)
    refuse_unplugged(out_dir, path=out_dir)
    if not out_dir.exists():
        stray = stray_marks(out_dir)   # "Copy as path"'s quotation marks: what to do is that
        raise OutputFolderError(stray or "the output folder does not exist", path=out_dir,
                                hint=None if stray else "Create it first or choose another "
                                                        "folder.")
    if not out_dir.is_dir():
        raise OutputFolderError("the output path is a file, not a folder", path=out_dir,
                                hint="Choose a folder for the safe copies, or create a new "
                                     "one.")
    try:
        # named with this process and computer (``fsutil.make_probe``): one left behind (PhotoVet
        # killed before removing it) is removed by ``clean_leftovers``, not counted as a copy (s65)
        fd, probe = make_probe(out_dir)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC,):
            raise DiskFullError("the output disk is full", path=out_dir) from exc
        # s65: was the system's words, "(Read-only file system)", "(Permission denied)"
        raise OutputFolderError("PhotoVet cannot write to the output folder "
                                f"({_why_not_written(exc)})", path=out_dir,
                                hint="Choose a folder you can write to.") from exc
    drop_probe(fd, probe)       # a probe left: ``clean_leftovers`` removes it (``clean_probes``)
    if not allow_beside_originals:
        _refuse_the_originals_folder(out_dir, sources)


def _refuse_the_originals_folder(out_dir: Path, sources: Iterable[Path]) -> None:
    """The folder of an original (by its path as given and by what a link to it points to)
    or a folder that holds originals further down is refused: the safe copies would sit among
    the originals. A subfolder of the originals' folder is allowed (a 'safe copies' folder);
    a later search of the originals' folder leaves recorded exports out
    (imaging.collect_photos ``exported``)."""
    try:
        out_real = os.path.realpath(out_dir)
    except (OSError, RuntimeError):
        return
    below: Path | None = None
    for src in sources:
        for parent in {Path(os.path.abspath(src)).parent, Path(os.path.realpath(src)).parent}:
            try:
                same = parent.exists() and os.path.samefile(parent, out_dir)
                real = os.path.realpath(parent)
            except (OSError, RuntimeError):   # unreadable, a link loop: that photo fails later
                continue
            if same:
                raise OutputFolderError(
                    "this is the folder holding the original photos; choose a separate "
                    "folder for the safe copies", path=out_dir)
            if below is None and os.path.normcase(real).startswith(
                    os.path.normcase(os.path.join(out_real, ""))):
                below = Path(os.path.relpath(real, out_real))
    if below is not None:
        raise OutputFolderError(
            f"this folder holds the original photos (in '{below}'); choose a separate folder "
            "for the safe copies (a new, empty folder is best)", path=out_dir)


def default_workers() -> int:
    """Photos exported at once: two (each holds a decoded photo), fewer on a single core."""
    return max(1, min(2, usable_cpus()))


def export_batch(jobs: Iterable[ExportJob], out_dir: Path, *, label: str, channel: Channel,
                 style: str = "solid", max_pixels: int | None = None,
                 recorder: Recorder | None = None, stop: threading.Event | None = None,
                 allow_beside_originals: bool = False, workers: int | None = None,
                 total: int | None = None, what: str | None = None) -> Iterator[Progress]:
    """Export every job into ``out_dir`` with neutral names, numbered in the jobs' order
    whichever copy is done first (``ExportJob.number``, by default its place in ``jobs``).
    ``what``: the words for the whole batch in the first message ("10 photos and 1 video";
    the jobs' when not given).

    Yields Progress(0, total) first (its ``message`` reports leftovers removed), then one
    Progress per photo in input order with ``result`` an ExportResult. Raises OutputFolderError
    before doing any work when the output folder is unusable. ``stop`` is checked between photos.
    """
    jobs = list(jobs)
    for j, n in zip(jobs, CopyNumbers.all_exported(len(jobs))):
        if j.number is None:
            j.number = n        # numbered by their place in the batch (CopyNumbers)
    out_dir = Path(out_dir)
    check_output_folder(out_dir, [j.source for j in jobs],
                        allow_beside_originals=allow_beside_originals)
    leftovers = clean_leftovers(out_dir)
    names = NameAllocator(out_dir, label, len(jobs))
    total = len(jobs) if total is None else total
    note = (f"; removed {len(leftovers)} unfinished cop{'y' if len(leftovers) == 1 else 'ies'} "
            "left by an interrupted export") if leftovers else ""
    what = what or media_count("video" if j.video is not None else "photo" for j in jobs)
    yield Progress(0, total, message=f"{what} to export{note}")
    if not jobs:
        return

    def job(j: ExportJob) -> ExportResult:
        return export_photo(j, names, channel, style=style, max_pixels=max_pixels,
                            recorder=recorder)

    n_workers = workers or default_workers()
    done = 0
    pending: deque[tuple[ExportJob, Future]] = deque()
    it = iter(jobs)
    with ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="photovet-export") as pool:
        def fill() -> None:
            # at most one photo waiting per worker: memory stays flat whatever the batch size
            while len(pending) < n_workers + 1 and not (stop is not None and stop.is_set()):
                j = next(it, None)
                if j is None:
                    return
                pending.append((j, pool.submit(job, j)))

        fill()
        lost: RegisterUnavailableError | None = None
        while pending:
            j, fut = pending.popleft()
            try:
                result = fut.result()
            except RegisterUnavailableError as exc:
                lost = lost or exc
                result = ExportResult(source=str(j.source),
                                      error=f"{Path(j.source).name}: not exported: {exc.message}")
            except Exception as exc:
                result = ExportResult(source=str(j.source), error=_error_text(exc, Path(j.source)))
            done += 1
            yield Progress(done, total, path=str(j.source), result=result,
                           message=result.error or f"saved {Path(result.output or '').name}")
            if lost is None:
                fill()
        if lost is not None:
            # every photo is either exported and recorded, or not exported at all; running the
            # same export again carries on (photos already exported in this batch are skipped)
            raise lost


__all__ = ["CopyNumbers", "ExportJob", "NameAllocator", "Recorder", "TEMP_PREFIX", "check_output_folder",
           "clean_leftovers", "encode_jpeg", "export_batch", "export_photo", "neutral_names",
           "render", "slugify", "verify_export", "write_temp"]
