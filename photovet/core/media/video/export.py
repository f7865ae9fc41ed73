"""One video's safe copy, in the same order as a photo's (media/export.py's module notes):

1. the original is opened once (reader.PinnedVideo) and hashed (read 1 MB at a time); if it
   is not the file that was checked and approved, nothing is written;
2. it is rendered from that same open file (render.py: decoded again, covered on every frame,
   scaled for the channel, H.264 + AAC MP4, no metadata) into a hidden temporary file in the
   output folder (``.photovet-export-<pid>@<computer>-...``: a crash leaves only that, which the next
   export removes), and hashed again: a file swapped under its name meanwhile was never read,
   one rewritten in place is refused;
3. the temporary file is read back (verify.py: frame count, duration, size, streams, no
   metadata at all, fast start; decoded in the same pass, every cover of every frame the solid
   grey, muted sound silent) and fsynced;
4. it is recorded (the record holds perceptual hashes of key frames, records/exports.py);
5. only then is it linked to its neutral final name (never overwriting).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from photovet.core import logs
from photovet.core.errors import (
    ExportError,
    RegisterUnavailableError,
    VerificationError,
)
from photovet.core.fsutil import (
    crash_point,
    fsync_dir,
    link_no_overwrite,
    refuse_unplugged,
    temp_owner,
)
from photovet.core.media.video.covers import CoverPlan, report_frame, shown_at
from photovet.core.media.video.linking import face_count
from photovet.core.media.video.reader import PinnedVideo
from photovet.core.media.video.render import RenderOptions, output_size, render
from photovet.core.media.video.verify import read_back
from photovet.core.memory import release as release_memory
from photovet.core.models import Channel, ExportResult, VideoAnalysis
from photovet.core.policy import rules_of

log = logs.get("export")

EXTENSION = ".mp4"


@dataclass
class VideoPlan:
    """What export needs beyond a photo's job: the decided analysis, its covers, the sound."""

    analysis: VideoAnalysis
    plan: CoverPlan
    sound: str = "remove"
    preset: str = "veryfast"
    crf: int = 23
    threads: int = 2
    stop: threading.Event | None = None


def _temp_path(out_dir: Path) -> Path:
    from photovet.core.media.export import TEMP_PREFIX  # noqa: PLC0415

    return out_dir / f"{TEMP_PREFIX}{temp_owner()}-{secrets.token_hex(6)}.part"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_video(job: Any, names: Any, channel: Channel, *, recorder: Any = None) -> ExportResult:
    """Make one video's safe copy (module notes). Never raises for a problem with this video:
    see ``result.error`` (the register's server going away is raised, as for photos)."""
    from photovet.core.media.export import _error_text, _named, _write_error  # noqa: PLC0415

    vp: VideoPlan = job.video
    an = vp.analysis
    source = Path(job.source)
    result = ExportResult(source=str(source), channel=channel.id, media="video",
                          sound=vp.sound, channel_rules=rules_of(channel))
    # faces as a person sees them (one per timeline row): a face seen twice is one face covered;
    # counting only, every track's covers are painted as policy decided
    result.faces_covered = face_count(an).with_cover
    result.texts_covered = sum(1 for t in an.text_tracks if t.decision != "keep")
    result.metadata_removed = [f.sentence() for f in (an.metadata.findings if an.metadata else [])]
    tmp: Path | None = None
    record_id: int | None = None
    pin: PinnedVideo | None = None
    try:
        # hashed and decoded from one open file: a file put in its place under the same name
        # while the copy is made is never read (found by an audit: it was, and published)
        pin = PinnedVideo(source)
        result.source_sha256 = pin.sha256()
        if not job.expected_sha256 or result.source_sha256 != job.expected_sha256:
            raise ExportError("the file changed after it was checked; check it again before "
                              "exporting (nothing was written)", path=source)
        out_dir = names.out_dir
        refuse_unplugged(out_dir, path=out_dir)     # each copy: a stick pulled mid-batch
        tmp = _temp_path(out_dir)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.close(fd)
        except OSError as exc:
            raise _write_error(exc, out_dir) from exc
        options = RenderOptions(long_edge=channel.long_edge, sound=vp.sound, preset=vp.preset,
                                crf=vp.crf, threads=vp.threads)
        try:
            done = render(an, tmp, vp.plan, options, stop=vp.stop, source=pin)
        except OSError as exc:
            raise _write_error(exc, tmp) from exc
        if pin.sha256() != job.expected_sha256:
            # rewritten in place while it was read: what was rendered is not what was checked
            raise ExportError("the file changed while its copy was being made; check it again "
                              "before exporting (nothing was written)", path=source)
        result.width, result.height = done.size
        result.frames, result.duration = done.frames, round(done.duration, 3)
        if not done.sound:
            result.sound = "remove"
        final = names.take(job.copy_number(), EXTENSION)
        if done.frames != an.frame_count:
            raise VerificationError(f"{done.frames} frames were written but {an.frame_count} "
                                    "were checked; it was not kept", path=final)
        # the sound as the policy decided it, not as the renderer says it wrote it (s63 audit):
        # none when removed, silence when muted; and every cover of every frame, decoded from
        # the file as written (s63 audit); all in one pass over the file (s65)
        check = read_back(tmp, expected_frames=an.frame_count,
                          sound=done.sound and vp.sound != "remove",
                          expected_size=output_size(an.width, an.height, channel.long_edge),
                          expected_duration=an.duration, silent=vp.sound == "mute",
                          plan=vp.plan, analysed_size=(an.width, an.height),
                          threads=vp.threads, stop=vp.stop)
        if check.problems:
            raise VerificationError("the copy failed its check (" + "; ".join(check.problems)
                                    + "); it was not kept", path=final)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        result.output_sha256 = _sha256(tmp)
        crash_point("export.temp-written")
        result.output = str(final)
        if job.fill is not None:
            job.fill(result)
        # one frame's faces left visible and names left readable, where and whose: a report
        # shows that frame with everyone else's covered (s33; faces per frame are not kept)
        result.faces_at = report_frame(an)
        result.faces_shown, result.names_kept = shown_at(an, result.faces_at)
        if recorder is not None:
            record_id = recorder.record(result, tmp)
        crash_point("export.recorded")
        while True:
            try:
                link_no_overwrite(tmp, final)
                break
            except FileExistsError:
                final = names.next(EXTENSION)
                result.output = str(final)
                if record_id is not None and recorder is not None:
                    recorder.moved(record_id, final)
        crash_point("export.named")
        fsync_dir(out_dir)
        if record_id is not None and recorder is not None:
            _named(recorder, record_id)
    except RegisterUnavailableError:
        if record_id is not None and recorder is not None:
            try:
                recorder.abandon(record_id, "the register server went away")
            except Exception:
                pass
        raise
    except Exception as exc:
        log.warning("export of %s (%s) failed: %s", logs.ref(source),
                    logs.sha(result.source_sha256), type(exc).__name__)
        result.error = _error_text(exc, source).replace("process this photo", "process this video")
        result.output = None
        result.output_sha256 = ""
        if record_id is not None and recorder is not None:
            try:
                recorder.abandon(record_id, result.error)
            except Exception:
                pass
    finally:
        if pin is not None:
            pin.close()
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        release_memory()
    if not result.error:
        log.info("exported video %s (%s) as %s (%s): %d frames, %d face and %d name track(s) "
                 "covered, sound %s", logs.ref(source), logs.sha(result.source_sha256),
                 logs.ref(result.output or ""), logs.sha(result.output_sha256), result.frames,
                 result.faces_covered, result.texts_covered, result.sound)
    return result


__all__ = ["EXTENSION", "VideoPlan", "export_video"]
