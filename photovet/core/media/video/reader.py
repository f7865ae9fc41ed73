"""Reading videos with PyAV (the ``av`` wheel carries FFmpeg): what is in a file (``probe``) and
its frames one at a time in *display* orientation (``iter_frames``, ``display_rgb``).

Facts this module relies on (checked by tests/core/video):

- FFmpeg 7+ exposes the container's display matrix as frame side data: ``VideoFrame.rotation``
  is the counter-clockwise turn a player applies; decoded pixels are *not* turned. PhotoVet
  turns them itself (``rotate``), for detection and for the export, and writes no matrix.
  A matrix that mirrors the picture (a front camera's clip, one flipped in an app) is not a
  turn: FFmpeg's ``rotation`` reads a left-right mirror as 180 degrees and an upside-down one
  as 0, and a player shows it flipped. PhotoVet reads the matrix itself (``orientation_of``):
  a mirrored picture is flipped left to right and then turned (``VideoInfo.mirror``,
  ``rotate``), as FFmpeg's own tools show it, for detection, previews and the export alike
  (s64: it was checked and exported upside down). One turned by other than a quarter turn is
  refused with the reason (``orientation_problem``).
- A truncated MP4/MOV has no index (moov) when the recording or the copy was cut short: FFmpeg
  then says only "invalid data"; our own top-level box walk tells the person why. When the
  index survived but the data did not, fewer frames than announced decode.
- A clip trimmed on a phone keeps every frame it was recorded with and an edit list (``elst``)
  saying which part a player shows. FFmpeg's MP4/MOV reader honours it (``ignore_editlist``
  left 0, its default): the frames outside the edit are read (those before it may be needed
  to decode the first one shown) marked ``is_discard``, and the decoder drops them; the stream's
  duration and every timestamp are the edit's. So the analysis, the previews (seeking), the
  export and its read-back all see exactly the frames a player shows, and the frames trimmed
  off are never analysed nor published. The container still announces every frame it holds
  (``VideoInfo.frames``): the ones marked to be dropped are not missing (``iter_frames``).
  FFmpeg ignores an edit's speed (a part edited to play faster or slower): it would show other
  frames than a player that honours it, so such a clip is refused (``edit_speed_problem``).

Memory: one decoded frame at a time (plus the decoder's reference frames); nothing is kept
across the clip. Every failure is a typed ``VideoError`` whose message names the cause; the
caller fails that file and the batch goes on.
"""

from __future__ import annotations

import errno
import hashlib
import io
import math
import os
import re
import stat as _stat
import tempfile
import threading
from collections.abc import Generator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np

from photovet.core.errors import (
    LINK_LOOP,
    FileChangedError,
    TruncatedVideoError,
    UnsupportedVideoError,
    VideoError,
    not_there,
)
from photovet.core.media.video.boxes import edit_rates, moov_of

_AV: Any = None


def import_av() -> Any:
    """``import av`` with FFmpeg's own logging off (it would print a line for every damaged
    packet; PhotoVet reports one clear error per file instead). Off entirely (``None``), not
    a level: with a level PyAV hands every FFmpeg message to Python, taking the GIL in
    FFmpeg's own decoding threads, and a decoder closed while they log waits for them with
    the GIL held: the whole app froze (seen with the approver's contact sheet rendering a
    video's moments; PyAV issues #909 and #751)."""
    global _AV
    if _AV is None:
        import av  # noqa: PLC0415

        av.logging.set_level(None)
        _AV = av
    return _AV


def decoders() -> str:
    """PyAV's version (its wheel carries its own FFmpeg): part of a video's analysis key, as
    ``imaging.decoders`` is of a photo's (an update may turn or trim a clip otherwise)."""
    from photovet.core.media.imaging import package_versions  # noqa: PLC0415

    return package_versions(("av",))


#: marks a sound track in ``VideoInfo.other_streams`` that no player plays: every sound track
#: of the MP4/MOV is switched off (``main_audio_stream``)
SWITCHED_OFF = " (switched off)"

#: containers PhotoVet reads (FFmpeg demuxer names)
CONTAINERS = ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm")
VIDEO_EXTENSIONS = {".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".webm", ".mkv"}


@dataclass
class VideoInfo:
    """What ``probe`` found in a video file."""

    path: str
    container: str                 # FFmpeg's demuxer: "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"
    codec: str                     # h264, hevc, vp9, av1, mpeg4, h263...
    coded_size: tuple[int, int]    # as stored
    size: tuple[int, int]          # as shown (rotation applied)
    rotation: int                  # counter-clockwise degrees a player turns it (0/90/180/270)
    fps: float                     # average frame rate
    frames: int                    # announced by the container (0: unknown)
    duration: float                # seconds
    pix_fmt: str
    audio: str | None = None       # the sound's codec, None without sound
    audio_rate: int = 0
    audio_channels: int = 0
    #: subtitles, data, cover art... and a sound track nobody hears (``SWITCHED_OFF``)
    other_streams: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)       # the container's tags
    stream_tags: list[dict[str, str]] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)        # chapter titles
    #: a player flips the stored picture left to right before turning it (``rotation``)
    mirror: bool = False
    #: the width of one pixel to its height as a player shows it, in display orientation
    #: (``shown_aspect``): 1 for square pixels, 4/3 for an anamorphic 1440 x 1080 shown 16:9
    pixel_aspect: Fraction = Fraction(1)

    @property
    def gps(self) -> tuple[float, float] | None:
        """Latitude, longitude from an ISO 6709 location tag (QuickTime ``©xyz``, Apple's
        ``com.apple.quicktime.location.ISO6709``, 3GPP ``loci`` as FFmpeg shows it), or None."""
        for key, value in self.all_tags():
            lat_lon = parse_iso6709(value) if is_location_key(key) else None
            if lat_lon is not None:
                return lat_lon
        return None

    def all_tags(self) -> list[tuple[str, str]]:
        return list(self.tags.items()) + [kv for s in self.stream_tags for kv in s.items()]


def is_location_key(key: str) -> bool:
    k = key.lower()
    return "location" in k or k.endswith("iso6709") or k in ("loci", "\xa9xyz", "gps")


_ISO6709 = re.compile(r"\s*([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")


def parse_iso6709(value: str) -> tuple[float, float] | None:
    """'+51.5074-000.1278+011.000/' -> (51.5074, -0.1278); None when it is not one."""
    m = _ISO6709.match(str(value))
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


# --------------------------------------------------------------------------------------------
# Opening
# --------------------------------------------------------------------------------------------

def check_file(path: Path) -> int:
    """The file's size, or a typed error naming what is wrong with the path itself."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise VideoError(not_there(path), path=path) from None
    except PermissionError:
        raise VideoError("permission denied: PhotoVet is not allowed to read this file",
                         path=path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise VideoError(LINK_LOOP, path=path) from None
        raise VideoError(f"the file could not be read ({exc.strerror or exc})", path=path) from None
    if _stat.S_ISDIR(st.st_mode):
        raise VideoError("this is a folder, not a video file", path=path)
    if not _stat.S_ISREG(st.st_mode):
        raise VideoError("this is not a regular file (a device, socket or pipe)", path=path)
    if st.st_size == 0:
        raise VideoError("the file is empty (0 bytes); it was probably not copied completely",
                         path=path)
    return st.st_size


def missing_index(path: Path) -> bool:
    """An MP4/MOV that starts like one but has no complete index (moov box): a recording or
    copy that was cut short. Reads box headers only."""
    try:
        size_total = path.stat().st_size
        with open(path, "rb") as fh:
            if fh.read(12)[4:8] != b"ftyp":
                return False
            pos = 0
            while pos + 8 <= size_total:
                fh.seek(pos)
                hdr = fh.read(16)
                size = int.from_bytes(hdr[:4], "big")
                if size == 1:
                    size = int.from_bytes(hdr[8:16], "big")
                elif size == 0:
                    size = size_total - pos
                if hdr[4:8] == b"moov":
                    return pos + size > size_total
                if size < 8:
                    return True
                pos += size
            return True
    except OSError:
        return False


class PinnedVideo:
    """A video opened once for all of one check or one export: hashed, probed and decoded from
    the same open file, so a file put in its place under the same name meanwhile (a sync tool,
    a swap) is never read instead; ``sha256()`` at the end says whether it was rewritten in
    place. Give it to ``probe``, ``iter_frames`` and ``render`` as ``source``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        check_file(self.path)
        try:
            self._fh = open(self.path, "rb")
        except OSError as exc:
            raise VideoError(f"the file could not be read ({exc.strerror or exc})",
                             path=self.path) from None
        self._lock = threading.Lock()

    def view(self) -> io.RawIOBase:
        """A file object with a position of its own (PyAV reads through it)."""
        return _PinnedView(self._fh, self._lock)

    def sha256(self) -> str:
        """The SHA-256 of the opened file as it is now, read 1 MB at a time."""
        h = hashlib.sha256()
        view = self.view()
        try:
            for chunk in iter(lambda: view.read(1 << 20), b""):
                h.update(chunk)
        except OSError as exc:
            raise VideoError(f"the file could not be read ({exc.strerror or exc})",
                             path=self.path) from None
        return h.hexdigest()

    def stamp(self) -> tuple[int, int, int, int, int]:
        """What says the open file is still the same bytes: its device, inode, size and times
        (a rewrite in place changes the times; another file has another inode)."""
        try:
            st = os.fstat(self._fh.fileno())
        except (OSError, ValueError) as exc:
            raise VideoError(f"the file could not be read ({exc})", path=self.path) from None
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> PinnedVideo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CheckedVideo:
    """A video to be shown as PhotoVet checked it: opened once (``pin``: a file put in its
    place under the same name is never read) and hashed; ``check()`` raises
    ``FileChangedError`` when the opened file is not the checked content (``sha256``; none
    given: nothing was checked, so nothing is shown). Hashed again only when the open file's
    size or times changed since the last check (a rewrite in place), so showing frame after
    frame costs one ``fstat`` each (``known``: a stamp from an earlier open of the same file,
    so a file opened again for each frame is not hashed again either)."""

    def __init__(self, path: str | Path, sha256: str, *,
                 known: tuple[int, int, int, int, int] | None = None):
        self.path = Path(path)
        self.sha256 = sha256 or ""
        self.pin = PinnedVideo(self.path)
        #: the stamp (PinnedVideo.stamp) of the file when it was last found to be the checked
        #: content; ``known``: from an earlier open of it (not hashed again while it holds)
        self.stamp = known
        self._lock = threading.Lock()

    def check(self) -> None:
        with self._lock:
            stamp = self.pin.stamp()
            if stamp == self.stamp:
                return
            if not self.sha256 or self.pin.sha256() != self.sha256:
                self.stamp = None
                raise FileChangedError.since_checked(self.path, "video")
            self.stamp = stamp

    def close(self) -> None:
        self.pin.close()

    def __enter__(self) -> CheckedVideo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def checked_copy(path: str | Path, sha256: str, folder: str | Path) -> Path:
    """A private copy of the video at ``path`` in ``folder`` (the data folder's previews: 0700,
    removed on close and after a crash, core/previews.py), made only when the bytes copied are
    the checked content (``sha256``: hashed as they are copied, so nothing can change between
    the check and the copy), under a neutral name (a file name may name a pupil).
    What is handed to another program (the computer's video player) is then this copy: a
    change to the original after the check, while or after that program opens it, is never
    what it plays. The original is read whole at every call (a copy made earlier in this run is
    handed again only when the original is still the checked content). Raises
    ``FileChangedError`` (nothing new is left behind) when the bytes are not the checked
    content, ``OSError`` when the copy cannot be written."""
    src, folder = Path(path), Path(folder)
    suffix = "".join(ch for ch in src.suffix.lower() if ch.isalnum() or ch == ".")[:8]
    final = folder / f"video-{(sha256 or 'unchecked')[:16]}{suffix}"
    if not sha256:
        raise FileChangedError.since_checked(src, "video")
    h = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=".copy-", suffix=suffix, dir=folder)
    try:
        with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
            while chunk := fin.read(1 << 20):
                h.update(chunk)
                fout.write(chunk)
        if h.hexdigest() != sha256:
            raise FileChangedError.since_checked(src, "video")
        if _same_bytes(final, sha256):
            # opened before in this run (perhaps still open in the other program): kept
            Path(tmp).unlink()
        else:
            os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def _same_bytes(path: Path, sha256: str) -> bool:
    if not path.is_file():
        return False
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest() == sha256


class _PinnedView(io.RawIOBase):
    """One reader of a ``PinnedVideo``: its own position over the shared open file."""

    def __init__(self, fh: Any, lock: threading.Lock):
        super().__init__()
        self._fh, self._lock, self._pos = fh, lock, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with self._lock:
            self._fh.seek(self._pos)
            n = self._fh.readinto(buffer) or 0
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            self._pos = offset
        elif whence == os.SEEK_CUR:
            self._pos += offset
        else:
            self._pos = os.fstat(self._fh.fileno()).st_size + offset
        return self._pos

    def tell(self) -> int:
        return self._pos


def open_container(path: str | Path, *, source: PinnedVideo | None = None) -> Any:
    """An open PyAV input container (read through ``source`` when given), or a typed error."""
    av = import_av()
    p = Path(path)
    check_file(p)
    try:
        return av.open(source.view() if source is not None else str(p), "r",
                       metadata_errors="replace")
    except av.error.InvalidDataError:
        if missing_index(p):
            raise TruncatedVideoError(
                "the video is incomplete: its index is missing (the recording was interrupted "
                "or the copy was cut short)", path=p) from None
        raise UnsupportedVideoError("not a video PhotoVet can read (the file is damaged or not "
                                    "a video)", path=p) from None
    except av.error.FFmpegError as exc:
        raise UnsupportedVideoError(
            f"could not be opened ({exc.strerror or type(exc).__name__})", path=p) from None
    except OSError as exc:
        raise VideoError(f"the file could not be read ({exc.strerror or exc})", path=p) from None


def main_video_stream(container: Any, path: str | Path | None = None) -> Any:
    """The picture: the first video stream that is not cover art."""
    av = import_av()
    for s in container.streams.video:
        if not (s.disposition & av.stream.Disposition.attached_pic):
            return s
    if container.streams.video:
        raise UnsupportedVideoError("the file has no picture, only cover art", path=path)
    raise UnsupportedVideoError("the file has no picture (no video stream)", path=path)


def is_mov(container: Any) -> bool:
    """Read by FFmpeg's MP4/MOV demuxer (MP4, MOV, M4V, 3GP): a track's DEFAULT disposition
    is then its track header's 'enabled' flag (``tkhd`` flags & 1), not a choice among tracks."""
    name = str(getattr(getattr(container, "format", None), "name", "") or "")
    return "mov" in name or "mp4" in name


def main_audio_stream(container: Any) -> Any:
    """The sound a video player plays: the first sound track the file marks as the one to play
    (its default), else the first; None without sound. The approver listens in the
    computer's player, so this is the track an export keeps (s59 review: a clip whose second
    track was marked to be played was heard so, and its first track, heard by nobody, was
    published; FFmpeg's own tools, VLC and mpv play the marked one).

    In an MP4/MOV (``is_mov``) the mark is the track's 'enabled' flag: a track switched off is
    one QuickTime and Apple's players do not play. When every sound track is switched off, an
    approver listening may hear silence: the clip is taken as having no sound (None), so it
    is never published, and nobody is asked to listen to it; the findings say why
    (``SWITCHED_OFF``; s65).
    In Matroska/WebM the flag (FlagDefault) says which track to prefer, not whether to play:
    FFmpeg's own muxer writes it off on every track, and players play the first."""
    av = import_av()
    tracks = list(container.streams.audio)
    for s in tracks:
        if s.disposition & av.stream.Disposition.default:
            return s
    if tracks and is_mov(container):
        return None
    return tracks[0] if tracks else None


def rotation_of(stream: Any, first_frame: Any) -> int:
    """Counter-clockwise degrees, normalised to 0/90/180/270 (frame side data; the old
    clockwise ``rotate`` tag for files whose demuxer still puts it there)."""
    deg = 0
    try:
        deg = int(round(float(first_frame.rotation)))
    except Exception:
        deg = 0
    if deg == 0:
        tag = stream.metadata.get("rotate")
        if tag:
            try:
                deg = -int(float(tag))
            except ValueError:
                deg = 0
    return int(round(deg / 90.0)) * 90 % 360


def display_matrix(frame: Any) -> tuple[float, float, float, float] | None:
    """The picture part (a, b, c, d) of a decoded frame's display matrix (FFmpeg's layout:
    ``[a b u; c d v; x y w]``, a b c d in 16.16 fixed point), as numbers; None when the frame
    has none (the picture is shown as stored)."""
    av = import_av()
    try:
        sd = frame.side_data.get(av.sidedata.sidedata.Type.DISPLAYMATRIX)
    except (AttributeError, KeyError, TypeError):
        return None
    if sd is None:
        return None
    m = np.frombuffer(bytes(memoryview(sd)), np.int32)     # int32_t[9], the machine's order
    if m.size < 9:
        return None
    return (m[0] / 65536.0, m[1] / 65536.0, m[3] / 65536.0, m[4] / 65536.0)


#: how far (degrees) a display matrix's turn may be from a quarter turn (FFmpeg's own
#: tools turn the picture upright by a quarter turn within 1 degree)
TURN_TOLERANCE = 1.0


def orientation_problem(frame: Any) -> str | None:
    """Why a frame's display matrix cannot be shown here as a player shows it, or None (no
    matrix, or a quarter turn, mirrored or not, which ``rotate`` does). Pure but for reading
    the frame."""
    m = display_matrix(frame)
    if m is None:
        return None
    a, b, c, d = m
    det = a * d - b * c
    if det == 0:
        return "the video's display matrix is invalid (it would show no picture)"
    big, small = max(abs(a), abs(b)), min(abs(a), abs(b))
    if big == 0 or math.degrees(math.atan2(small, big)) > TURN_TOLERANCE:
        return ("the video is shown turned at an angle that is not a quarter turn; PhotoVet "
                "cannot check it as a player shows it; save it again turned upright and check "
                "that")
    return None


def orientation_of(stream: Any, first_frame: Any) -> tuple[int, bool]:
    """(counter-clockwise degrees, mirrored): how a player shows the stored picture, flipped
    left to right first when mirrored, then turned (``rotate``). A mirrored display matrix
    (negative determinant: a front camera's clip, one flipped in an app) is read from the
    matrix itself: FFmpeg's ``rotation`` takes a left-right mirror for a half turn and an
    upside-down one for none (s64). Checked against FFmpeg's own tools (autorotate) for the
    four mirrored quarter turns (tests/core/test_video_mirrored.py)."""
    m = display_matrix(first_frame)
    if m is not None and m[0] * m[3] - m[1] * m[2] < 0:
        a, b = m[0], m[1]
        deg = math.degrees(math.atan2(b, -a))
        return int(round(deg / 90.0)) * 90 % 360, True
    return rotation_of(stream, first_frame), False


def edit_speed_problem(path: Path, source: PinnedVideo | None = None) -> str | None:
    """Why an MP4/MOV's edit lists cannot be shown here as a player shows them, or None: an
    edit that plays its part faster or slower than recorded (the QuickTime format's media
    rate: FFmpeg ignores it and shows as many frames as the part lasts, at their own pace, where
    the format says to play the part at that speed: other frames; s64). An index that cannot
    be read is FFmpeg's to refuse."""
    try:
        fh: Any = source.view() if source is not None else open(path, "rb")
        try:
            size = fh.seek(0, os.SEEK_END)
            moov = moov_of(fh, size)
        finally:
            fh.close()
        rates = edit_rates(moov) if moov is not None else []
    except (OSError, ValueError):
        return None
    if any(abs(r - 1.0) > 1e-6 for r in rates):
        return ("the clip was edited to play part of it faster or slower (its edit list "
                "changes the speed), and PhotoVet cannot check it as a player shows it; save "
                "it as a new clip on the phone or in the app that edited it (or export it "
                "from there) and check that")
    return None


def probe(path: str | Path, *, source: PinnedVideo | None = None) -> VideoInfo:
    """What is in the file (decodes its first frame: rotation lives in frame side data);
    read through ``source`` when given. A picture shown at an angle (``orientation_problem``)
    or an edit list that changes the speed (``edit_speed_problem``) raises
    ``UnsupportedVideoError`` saying so; a mirrored one is shown mirrored (``orientation_of``)."""
    av = import_av()
    p = Path(path)
    c = open_container(p, source=source)
    try:
        v = main_video_stream(c, p)
        try:
            first = next(c.decode(v))
        except StopIteration:
            raise TruncatedVideoError("the video has no frames that can be decoded",
                                      path=p) from None
        except av.error.FFmpegError as exc:
            raise UnsupportedVideoError(
                f"its first frame could not be decoded ({exc.strerror or type(exc).__name__})",
                path=p) from None
        problem = orientation_problem(first)
        if problem is None and c.format.name.startswith("mov"):
            problem = edit_speed_problem(p, source)
        if problem is not None:
            raise UnsupportedVideoError(problem, path=p)
        rot, mirror = orientation_of(v, first)
        w, h = first.width, first.height
        size = (h, w) if rot in (90, 270) else (w, h)
        fps = float(v.average_rate or v.guessed_rate or v.base_rate or 30)
        duration = 0.0
        if v.duration and v.time_base:
            duration = float(v.duration * v.time_base)
        elif c.duration:
            duration = c.duration / 1e6
        audio = main_audio_stream(c)
        others = []
        for s in c.streams:
            if s is v or s is audio:
                continue
            art = bool(s.disposition & av.stream.Disposition.attached_pic)
            name = s.codec_context.name if s.codec_context is not None else (
                getattr(s.codec, "name", "") if hasattr(s, "codec") else "")
            off = s.type == "audio" and audio is None      # all switched off
            others.append(f"{s.type}:{name or '?'}" + (" (cover art)" if art else "")
                          + (SWITCHED_OFF if off else ""))
        chapters = []
        for ch in c.chapters():
            md = ch.get("metadata", {}) if isinstance(ch, dict) else getattr(ch, "metadata", {})
            chapters.append(str((md or {}).get("title", "")))
        return VideoInfo(
            path=str(p), container=c.format.name, codec=v.codec_context.name,
            coded_size=(w, h), size=size, rotation=rot, fps=fps, frames=int(v.frames or 0),
            duration=duration, pix_fmt=first.format.name,
            audio=audio.codec_context.name if audio is not None else None,
            audio_rate=int(audio.rate or 0) if audio is not None else 0,
            audio_channels=int(audio.channels or 0) if audio is not None else 0,
            other_streams=others, tags={str(k): str(val) for k, val in c.metadata.items()},
            stream_tags=[{str(k): str(val) for k, val in s.metadata.items()} for s in c.streams],
            chapters=chapters, mirror=mirror,
            pixel_aspect=shown_aspect(stored_aspect(v), rot))
    finally:
        c.close()


# --------------------------------------------------------------------------------------------
# The shape of the pixels
# --------------------------------------------------------------------------------------------

def stored_aspect(stream: Any) -> Fraction:
    """The sample aspect ratio of a video stream's stored pixels (their width to their height
    as a player shows them): the codec's headers first, then the container's, as the export
    writes it again (render.py); 1 when neither says (square pixels). A camcorder's anamorphic
    1440 x 1080 shown 16:9 has 4/3; a DVD's 720 x 576 shown 16:9, 64/45."""
    ctx = getattr(stream, "codec_context", None)
    for sar in (getattr(ctx, "sample_aspect_ratio", None),
                getattr(stream, "sample_aspect_ratio", None)):
        if sar and sar > 0:
            return Fraction(sar)
    return Fraction(1)


def shown_aspect(stored: Fraction, rotation: int) -> Fraction:
    """A pixel's width to its height once the picture is turned by ``rotation`` (a pixel
    4/3 wide stands 3/4 wide in a picture turned a quarter)."""
    stored = Fraction(stored) if stored and stored > 0 else Fraction(1)
    return 1 / stored if int(rotation) % 360 in (90, 270) else stored


def shown_size(size: tuple[int, int], aspect: Fraction | float) -> tuple[int, int]:
    """A picture of ``size`` pixels (display orientation) as a player shows it: its width
    times the pixels' shape (``shown_aspect``), then made smaller if need be so that its long
    side is no longer than ``size``'s (a thumbnail asked to be at most 256 px stays so)."""
    w, h = max(1, int(size[0])), max(1, int(size[1]))
    a = float(aspect) if aspect and aspect > 0 else 1.0
    sw, sh = w * a, float(h)
    k = min(1.0, max(w, h) / max(sw, sh))
    return max(2, int(round(sw * k))), max(2, int(round(sh * k)))


# --------------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------------

def rotate(arr: np.ndarray, rotation: int, mirror: bool = False) -> np.ndarray:
    """Turn an (h, w[, c]) array counter-clockwise by ``rotation`` degrees (0/90/180/270),
    flipped left to right first when ``mirror`` (``orientation_of``)."""
    k = (int(rotation) // 90) % 4
    if mirror:
        return np.ascontiguousarray(np.rot90(arr[:, ::-1], k))
    return np.ascontiguousarray(np.rot90(arr, k)) if k else arr


@dataclass
class Frame:
    """One decoded frame: its index in presentation order, its time in seconds from the first
    picture's, and PyAV's frame (coded orientation)."""

    index: int
    time: float
    frame: Any


#: One video at a time per process, checked or rendered: each already keeps both cores busy (the
#: decoder's threads and the detector's, or x264's) and holds ~500 MB at 1080p, so two at once
#: only add memory; and PyAV's decoders are then never driven from two batch threads at once.
VIDEO_GATE = threading.RLock()


@overload
def iter_frames(path: str | Path, *, threads: int = ..., expected: int = ...,
                end_marker: Literal[False] = ..., source: PinnedVideo | None = ...
                ) -> Generator[Frame, None, None]: ...


@overload
def iter_frames(path: str | Path, *, threads: int = ..., expected: int = ...,
                end_marker: Literal[True], source: PinnedVideo | None = ...
                ) -> Generator[Frame | None, None, None]: ...


def iter_frames(path: str | Path, *, threads: int = 2, expected: int = 0,
                end_marker: bool = False, source: PinnedVideo | None = None
                ) -> Generator[Frame | None, None, None]:
    """Every frame in presentation order, one at a time: the frames a player shows (a clip's edit
    list honoured, module notes). Raises ``TruncatedVideoError`` when the data is damaged part
    of the way through or the file ends before the ``expected`` frames (announced by the
    container, the frames its edit list leaves out not counted; 0: unknown).

    With ``end_marker``, ``None`` follows the last frame while the file is still open: a caller
    whose other threads still read decoded frames finishes with them there and then closes the
    generator (the file is closed only then, never under a frame in use). Read through
    ``source`` when given.

    Every frame has the first frame's size: a frame whose picture changes size part of the way
    through (clips joined together, a call or screen recording) is scaled to it, as the export
    scales it (render.py). Every place the analysis finds (faces, names, the crest) is a place
    in that picture, and the export covers it there (s44: the text reader and the crest search
    read such a frame at its own size, and a name card in the second half of a 640 x 360 clip
    joined to a 1280 x 720 one was read at twice its place, covered off the picture, and
    exported readable)."""
    av = import_av()
    p = Path(path)
    c = open_container(p, source=source)
    try:
        v = main_video_stream(c, p)
        v.codec_context.thread_count = max(1, int(threads))
        v.thread_type = "AUTO" if threads > 1 else "SLICE"
        tb = v.time_base
        start: int | None = None
        i, last_t = 0, -1.0
        step = 1.0 / float(v.average_rate or 30)
        first: tuple[int, int] | None = None
        # frames outside the file's edit list (a clip trimmed on the phone: module notes),
        # read to be dropped: the announced count includes them, and they are not missing
        trimmed = 0
        try:
            for packet in c.demux(v):
                if packet.is_discard:
                    trimmed += 1
                for f in packet.decode():
                    if f.pts is not None:
                        if start is None:
                            start = f.pts
                        t = float((f.pts - start) * tb)
                        if t <= last_t:
                            t = last_t + 1e-3
                    else:
                        t = last_t + step if i else 0.0
                    last_t = t
                    if first is None:
                        first = (f.width, f.height)
                    elif (f.width, f.height) != first:
                        f = _reformat(f, first[0], first[1])
                    yield Frame(i, t, f)
                    i += 1
        except av.error.FFmpegError as exc:
            raise TruncatedVideoError(
                f"the video is damaged or cut short after {max(0.0, last_t):.1f} s (frame {i}), so the rest "
                "of it cannot be checked; copy it from the camera or phone again "
                f"({exc.strerror or type(exc).__name__})", path=p) from None
        if i == 0:
            raise TruncatedVideoError("the video has no frames that can be decoded", path=p)
        # A cut MP4 whose index survived still lists every sample; the data stops early. The
        # frames a phone's trim left out are not shown by a player nor decoded here: not
        # expected (s64: a trimmed clip was refused as "cut short", 45 of 90 frames read)
        shown = expected - trimmed if expected else 0
        if shown > 0 and i < shown * 0.98 - 1:
            raise TruncatedVideoError(f"the file is cut short: {i} of {shown} frames could be "
                                      "read; copy it from the camera or phone again", path=p)
        if end_marker:
            yield None
    finally:
        c.close()


_LOCAL = threading.local()


def _reformat(frame: Any, width: int | None = None, height: int | None = None,
              format: str | None = None) -> Any:
    """``frame.reformat`` with this thread's own converter. PyAV hands every frame of one decoder
    the decoder's single converter (one swscale context and its slice threads); two threads
    converting frames of the same video at once through it hang in swscale or crash (seen in
    the tests: detection converts frame k while the analysis reads names on frame k+1)."""
    rf = getattr(_LOCAL, "reformatter", None)
    if rf is None:
        from av.video.reformatter import VideoReformatter  # noqa: PLC0415 - after import_av

        rf = _LOCAL.reformatter = VideoReformatter()
    return rf.reformat(frame, width, height, format)


def display_rgb(frame: Any, rotation: int, size: tuple[int, int] | None = None,
                mirror: bool = False) -> np.ndarray:
    """RGB (h, w, 3) uint8 in display orientation (``mirror``: flipped left to right before
    the turn); ``size`` (display width, height) scales in the same swscale call as the colour
    conversion (cheap). Safe from several threads."""
    if size is not None:
        dw, dh = size
        cw, ch = (dh, dw) if rotation in (90, 270) else (dw, dh)
        arr = _reformat(frame, int(cw), int(ch), "rgb24").to_ndarray()
    else:
        arr = _reformat(frame, format="rgb24").to_ndarray()
    return rotate(arr, rotation, mirror)


def luma(frame: Any) -> np.ndarray:
    """The decoded luma plane (h, w) as a view, without conversion (8-bit formats; other
    formats are converted). Safe from several threads."""
    if frame.format.name not in ("yuv420p", "yuvj420p", "yuv422p", "yuv444p", "nv12"):
        frame = _reformat(frame, format="yuv420p")
    plane = frame.planes[0]
    return np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:frame.height, :frame.width]


def still(path: str | Path, at: float | None = None, *, size: int | None = None) -> np.ndarray:
    """One frame as RGB in display orientation: the frame at ``at`` seconds (the middle when
    None), at most ``size`` px on its long side."""
    info = probe(path)
    target = info.duration / 2 if at is None else max(0.0, float(at))
    chosen = None
    for fr in iter_frames(path, threads=1):
        chosen = fr
        if fr.time >= target:
            break
    assert chosen is not None
    w, h = info.size
    if size and max(w, h) > size:
        k = size / max(w, h)
        return display_rgb(chosen.frame, info.rotation, (max(2, int(w * k)), max(2, int(h * k))),
                           info.mirror)
    return display_rgb(chosen.frame, info.rotation, mirror=info.mirror)


def sha256_stream(path: str | Path) -> str:
    """The file's SHA-256, read 1 MB at a time (a video is never read into memory)."""
    p = Path(path)
    check_file(p)
    h = hashlib.sha256()
    try:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise VideoError(f"the file could not be read ({exc.strerror or exc})", path=p) from None
    return h.hexdigest()


def is_video_file(path: str | Path) -> bool:
    """Is this file a video, by its content (the first bytes), whatever its name?"""
    from photovet.core.errors import NotAFileError  # noqa: PLC0415
    from photovet.core.media.imaging import open_regular, sniff  # noqa: PLC0415

    try:
        with open_regular(path) as fh:   # a named pipe would block here for ever
            head = fh.read(4096)
    except (OSError, NotAFileError):
        return Path(path).suffix.lower() in VIDEO_EXTENSIONS
    if not head:
        return Path(path).suffix.lower() in VIDEO_EXTENSIONS
    return sniff(head) == "video"


__all__ = ["CONTAINERS", "CheckedVideo", "Frame", "PinnedVideo", "SWITCHED_OFF",
           "VIDEO_EXTENSIONS", "VIDEO_GATE", "VideoInfo", "check_file", "checked_copy",
           "display_matrix", "display_rgb", "edit_speed_problem", "import_av", "is_mov",
           "is_video_file", "iter_frames", "luma", "main_audio_stream", "main_video_stream",
           "missing_index", "open_container", "orientation_of", "orientation_problem",
           "parse_iso6709", "probe", "rotate", "rotation_of", "sha256_stream", "shown_aspect",
           "shown_size", "still", "stored_aspect"]
