"""Safe copies: re-render (decode, orient, redact, resize), encode a fresh JPEG with no metadata,
write it atomically without ever overwriting, and verify it by reading it back.

Per-file problems never stop a batch: :func:`export_photo` puts the one-line reason in
``ExportResult.error``. Only a problem with the batch itself (the output folder) raises.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import tempfile
import threading
import unicodedata
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from PIL import Image

from photovet.core.errors import (
    DiskFullError,
    ExportError,
    OutputExistsError,
    OutputFolderError,
    PhotoVetError,
    VerificationError,
)
from photovet.core.fsutil import fsync_dir
from photovet.core.media.imaging import LoadedImage, collect_photos, load_image, sha256_file
from photovet.core.models import ExportResult, Progress, Redaction
from photovet.core.settings import Settings

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


def neutral_names(sources: Sequence[Path], label: str, out_dir: Path, ext: str = ".jpg") -> dict[Path, str]:
    """A neutral output name per source (``sports-day-2026-001.jpg``), in the given order.

    Never derived from the original file name; numbers whose file already exists in ``out_dir``
    are skipped; every source gets its own name even when two sources have the same name.
    The mapping is keyed by the source path as given (duplicates of one path share a name).
    """
    slug = slugify(label)
    out_dir = Path(out_dir)
    try:
        existing = {p.name.lower() for p in out_dir.iterdir()} if out_dir.is_dir() else set()
    except OSError:
        existing = set()
    width = max(3, len(str(len(sources))))
    names: dict[Path, str] = {}
    n = 0
    for src in sources:
        if src in names:
            continue
        while True:
            n += 1
            name = f"{slug}-{n:0{width}d}{ext}"
            if name.lower() not in existing:
                break
        names[src] = name
        existing.add(name.lower())
    return names


# --------------------------------------------------------------------------------------------
# Rendering and writing
# --------------------------------------------------------------------------------------------


def render(loaded: LoadedImage, redactions: Sequence[Redaction], *, long_edge: int | None,
           style: str = "solid") -> Image.Image:
    """Redact at full resolution first, then downscale (LANCZOS) so the long edge fits."""
    image = loaded.image
    if redactions:
        from photovet.core.media.redact import apply_redactions  # noqa: PLC0415  (another module; only when needed)

        image = apply_redactions(image, list(redactions), style=style)
    if image.mode != "RGB":
        image = image.convert("RGB")
    w, h = image.size
    if long_edge and max(w, h) > long_edge:
        scale = long_edge / max(w, h)
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def _encode_jpeg(image: Image.Image, quality: int) -> bytes:
    clean = image if image.mode == "RGB" else image.convert("RGB")
    if clean.info:
        clean = clean.copy()
        clean.info = {}
    buf = io.BytesIO()
    # No exif, icc_profile, comment or xmp arguments: Pillow writes a plain JFIF file.
    clean.save(buf, "JPEG", quality=int(quality), optimize=False, progressive=False)
    return buf.getvalue()


def _write_error(exc: OSError, dest: Path) -> ExportError:
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DiskFullError("no space left on the output disk; the copy was not written", path=dest,
                             hint="Free some space or choose another output folder.")
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return OutputFolderError("the output folder does not exist (was it removed or unplugged?)",
                                 path=dest)
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputFolderError("PhotoVet is not allowed to write to the output folder", path=dest,
                                 hint="Choose a folder you can write to.")
    return ExportError(f"the copy could not be written ({exc.strerror or exc})", path=dest)


def _link_no_overwrite(tmp: str, dest: Path) -> None:
    """Put tmp at dest without ever replacing an existing file."""
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise
    except OSError as exc:
        # File systems without hard links (FAT/exFAT USB sticks, some network shares)
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV,
                             errno.ENOSYS, errno.EACCES):
            raise
        if os.name == "nt":
            os.rename(tmp, dest)  # raises FileExistsError when dest exists
            return
        if os.path.lexists(dest):
            raise FileExistsError(errno.EEXIST, "exists", str(dest)) from exc
        os.rename(tmp, dest)


def write_jpeg(image: Image.Image, dest: Path, *, quality: int) -> str:
    """Encode ``image`` as a plain JPEG (no metadata) at ``dest`` atomically; returns its sha256.

    A temporary file is written in the destination folder, flushed and fsynced, then linked into
    place; an existing file is never replaced (OutputExistsError). On any failure no temporary
    or partial file is left behind.
    """
    dest = Path(dest)
    data = _encode_jpeg(image, quality)
    if os.path.lexists(dest):
        raise OutputExistsError("a file with this name already exists; PhotoVet never overwrites",
                                path=dest)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".photovet-", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise _write_error(exc, dest) from exc
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o644)  # mkstemp makes 0600; a safe copy is meant to be shared
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            _link_no_overwrite(tmp, dest)
        except FileExistsError as exc:
            raise OutputExistsError("a file with this name already exists; PhotoVet never overwrites",
                                    path=dest) from exc
        fsync_dir(dest.parent)
    except OSError as exc:
        raise _write_error(exc, dest) from exc
    finally:
        try:  # after a link the temp name is a second name for dest; after a rename it is gone
            os.unlink(tmp)
        except OSError:
            pass
    return hashlib.sha256(data).hexdigest()


def verify_export(dest: Path, expected_size: tuple[int, int]) -> None:
    """Read the written copy back: it must decode, have the expected size and carry nothing but
    the picture. On failure the file is deleted and VerificationError raised."""
    from photovet.core.media.metadata import verify_clean  # noqa: PLC0415

    dest = Path(dest)
    problem = None
    try:
        with Image.open(dest) as im:
            if im.format != "JPEG":
                problem = f"it reads back as {im.format}, not JPEG"
            else:
                im.load()
                if im.size != tuple(expected_size):
                    problem = f"it is {im.size[0]} x {im.size[1]} instead of {expected_size[0]} x {expected_size[1]}"
        if problem is None:
            leftovers = verify_clean(dest)
            if leftovers:
                problem = "it still carries " + ", ".join(leftovers)
    except Exception as exc:  # any read-back failure is a failed verification
        problem = f"it could not be read back ({type(exc).__name__}: {exc})"
    if problem:
        try:
            os.unlink(dest)
        except OSError:
            pass
        raise VerificationError(f"the written copy failed its check ({problem}); it was removed",
                                path=dest)


# --------------------------------------------------------------------------------------------
# One photo
# --------------------------------------------------------------------------------------------


def _channel_params(settings: Settings, channel: str) -> tuple[int | None, int]:
    ch = settings.channel(channel)
    long_edge = ch.get("long_edge")
    quality = int(ch.get("quality") or settings.get("jpeg_quality", 88))
    return (int(long_edge) if long_edge else None), max(1, min(quality, 95))


def _error_text(err: Exception, source: Path) -> str:
    """One line that starts with the source file's name."""
    if isinstance(err, PhotoVetError):
        text = str(err)
        if err.path is not None and err.path.name != source.name:
            return f"{source.name}: {text}"
        if err.path is None:
            return f"{source.name}: {text}"
        return text
    if isinstance(err, MemoryError):
        return f"{source.name}: not enough memory to process this photo"
    return f"{source.name}: unexpected problem ({type(err).__name__}: {err})"


def export_photo(source: Path, dest: Path, settings: Settings, channel: str,
                 redactions: Sequence[Redaction] = (), *, loaded: LoadedImage | None = None,
                 ) -> ExportResult:
    """Make one safe copy. Never raises for a problem with this photo: see ``result.error``."""
    source, dest = Path(source), Path(dest)
    result = ExportResult(source=str(source))
    counts = {"face": 0, "text": 0, "manual": 0}
    for r in redactions:
        counts[r.source if r.source in counts else "manual"] += 1
    result.faces_blurred, result.texts_covered, result.manual_redactions = (
        counts["face"], counts["text"], counts["manual"])
    try:
        long_edge, quality = _channel_params(settings, channel)
        if os.path.lexists(dest):
            raise OutputExistsError("a file with this name already exists; PhotoVet never overwrites",
                                    path=dest)
        result.source_sha256 = sha256_file(source)
        if loaded is None:
            loaded = load_image(source, max_pixels=int(settings.get("max_pixels", 100_000_000)))
        try:
            from photovet.core.media.metadata import inspect_file  # noqa: PLC0415

            report = inspect_file(source)
            result.metadata_removed = [f.sentence() for f in report.findings]
        except PhotoVetError:
            raise
        except Exception as exc:  # listing failed; the export still removes everything
            result.metadata_removed = [
                f"Metadata could not be listed ({type(exc).__name__}); all of it was removed anyway"]
        style = str(settings.get("redaction.style", "solid"))
        image = render(loaded, redactions, long_edge=long_edge, style=style)
        result.output_sha256 = write_jpeg(image, dest, quality=quality)
        verify_export(dest, image.size)
        result.width, result.height = image.size
        result.output = str(dest)
    except Exception as exc:  # noqa: BLE001 - the batch goes on; the reason is recorded
        result.error = _error_text(exc, source)
        result.output = None
        result.output_sha256 = ""
    return result


# --------------------------------------------------------------------------------------------
# A batch
# --------------------------------------------------------------------------------------------


def check_output_folder(out_dir: Path, sources: Iterable[Path] = (), *,
                        allow_beside_originals: bool = False) -> None:
    """Refuse (OutputFolderError) a folder that is missing, not a folder, not writable, or the
    folder holding the originals (unless allowed)."""
    out_dir = Path(out_dir)
    if not out_dir.exists():
        raise OutputFolderError("the output folder does not exist", path=out_dir,
                                hint="Create it first or choose another folder.")
    if not out_dir.is_dir():
        raise OutputFolderError("the output path is a file, not a folder", path=out_dir)
    try:
        fd, probe = tempfile.mkstemp(prefix=".photovet-probe-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC,):
            raise DiskFullError("the output disk is full", path=out_dir) from exc
        raise OutputFolderError("PhotoVet cannot write to the output folder "
                                f"({exc.strerror or exc})", path=out_dir,
                                hint="Choose a folder you can write to.") from exc
    if not allow_beside_originals:
        target = os.path.normcase(str(out_dir.resolve()))
        for src in sources:
            try:
                parent = os.path.normcase(str(Path(src).resolve().parent))
            except OSError:
                continue
            if parent == target:
                raise OutputFolderError(
                    "this is the folder holding the original photos; choose a separate folder for "
                    "the safe copies", path=out_dir)


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def export_batch(paths: Iterable[str | Path], out_dir: Path, *, label: str, settings: Settings,
                 channel: str, redactions_for: Callable[[Path], list[Redaction]] | None = None,
                 stop: threading.Event | None = None, allow_beside_originals: bool = False,
                 workers: int | None = None) -> Iterator[Progress]:
    """Export every photo in ``paths`` (folders recurse) into ``out_dir`` with neutral names.

    Yields Progress(0, total) first, then one Progress per photo in input order with
    ``result`` an ExportResult. Raises OutputFolderError before doing any work when the output
    folder is unusable. ``stop`` (a threading.Event) is checked between photos.
    """
    out_dir = Path(out_dir)
    photos, _skipped = collect_photos(paths)
    settings.channel(channel)  # unknown channel: SettingsError before any work
    check_output_folder(out_dir, photos, allow_beside_originals=allow_beside_originals)
    names = neutral_names(photos, label, out_dir)
    total = len(photos)
    yield Progress(0, total, message=f"{total} photo(s) to export")
    if not total:
        return

    def job(src: Path) -> ExportResult:
        try:
            reds = list(redactions_for(src)) if redactions_for else []
        except Exception as exc:  # noqa: BLE001 - fail closed: no redaction plan, no export
            return ExportResult(source=str(src), error=_error_text(exc, src))
        return export_photo(src, out_dir / names[src], settings, channel, reds)

    n_workers = workers or default_workers()
    done = 0
    pending: deque[tuple[Path, Future]] = deque()
    it = iter(photos)
    with ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="photovet-export") as pool:
        def fill() -> None:
            # at most one photo waiting per worker: memory stays flat whatever the batch size
            while len(pending) < n_workers + 1 and not (stop is not None and stop.is_set()):
                src = next(it, None)
                if src is None:
                    return
                pending.append((src, pool.submit(job, src)))

        fill()
        while pending:
            src, fut = pending.popleft()
            try:
                result = fut.result()
            except Exception as exc:  # noqa: BLE001 - export_photo should not raise; be safe
                result = ExportResult(source=str(src), error=_error_text(exc, src))
            done += 1
            yield Progress(done, total, path=str(src), result=result,
                           message=result.error or f"saved {Path(result.output or '').name}")
            fill()
