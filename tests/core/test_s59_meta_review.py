"""s59 hostile review of what a photo or video carries besides its picture: fixtures made here
(Pillow, PyAV), one test per defect found."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import pytest
from PIL import Image

from photovet.core.media.metadata import inspect_bytes


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def _png_with_chunk(ctype: bytes, body: bytes, before: bytes) -> bytes:
    """A small PNG with the chunk put just before its ``before`` chunk."""
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 60)).save(buf, "PNG")
    data = buf.getvalue()
    at = data.index(before) - 4
    return data[:at] + _chunk(ctype, body) + data[at:]


def _png_with_text_after_the_picture(ctype: bytes, body: bytes) -> bytes:
    return _png_with_chunk(ctype, body, b"IEND")


def _zeros_packed(megabytes: int) -> bytes:
    co = zlib.compressobj(9)
    block = bytes(1 << 20)
    return b"".join(co.compress(block) for _ in range(megabytes)) + co.flush()


@pytest.mark.parametrize("ctype", [b"zTXt", b"iTXt"])
def test_a_png_text_chunk_that_unpacks_to_hundreds_of_mb_is_not_unpacked_whole(ctype):
    """A compressed text chunk after the picture (Pillow reads none before decoding) of 250 KB
    that unpacks to 256 MB: listing the metadata unpacked all of it (zlib.decompress's bufsize
    is only where it starts), 2 GB held for a 1 MB file, a file of a few MB enough to exhaust
    a school PC's memory and end the whole batch. Only the start that is shown is unpacked."""
    packed = _zeros_packed(256)
    body = (b"Comment\x00\x00" + packed if ctype == b"zTXt"
            else b"Comment\x00\x01\x00\x00\x00" + packed)
    data = _png_with_text_after_the_picture(ctype, body)
    assert len(data) < 400_000
    tracemalloc.start()
    try:
        report = inspect_bytes(data, "bomb.png")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20, f"{peak >> 20} MB held to list the text of a {len(data) >> 10} KB PNG"
    assert [f.label for f in report.findings] == ["Text in the file (Comment)"]


def _heic_with_top_box(payload: bytes) -> bytes:
    pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(buf, "HEIF", quality=80)
    return buf.getvalue() + (8 + len(payload)).to_bytes(4, "big") + b"free" + payload


def test_a_heic_full_of_unclosed_xmp_openings_is_listed_in_one_pass():
    """A HEIC's XMP the decoder does not attach to the picture is looked for in the whole
    file: a regular expression searched from every '<x:xmpmeta' to the end of the file when
    nothing closed it, 8 s for a 1 MB file with a thousand of them, hours for a few MB, and
    the batch waited (no error, no end). A packet that is closed is still read."""
    import time

    data = _heic_with_top_box(b"<x:xmpmeta" * 3000 + b"A" * (1 << 20))
    t0 = time.perf_counter()
    inspect_bytes(data, "slow.heic")
    assert time.perf_counter() - t0 < 3.0
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
           b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Leeds"/>'
           b"</rdf:RDF></x:xmpmeta>")
    report = inspect_bytes(_heic_with_top_box(xmp + b"<x:xmpmeta" * 5), "city.heic")
    assert any(f.label == "Town or city" and f.value == "Leeds" for f in report.findings), \
        report.findings


def _png_with_chunk_before_the_picture(ctype: bytes, body: bytes) -> bytes:
    return _png_with_chunk(ctype, body, b"IDAT")


@pytest.mark.parametrize("ctype,body", [
    (b"zTXt", b"Raw profile type xmp\x00\x00" + zlib.compress(b"a1b2" * (1 << 19))),
    (b"iCCP", b"Printer\x00\x00" + zlib.compress(b"\x00" * (3 << 19))),
], ids=["large-xmp-as-text", "large-colour-profile"])
def test_a_png_with_a_text_or_profile_chunk_over_pillows_limit_is_not_called_damaged(
        tmp_path, ctype, body):
    """A PNG whose metadata text (ImageMagick's hex 'Raw profile type xmp' of a bloated XMP) or
    colour profile unpacks to over 1 MB is refused by Pillow: PhotoVet said "the image data is
    damaged (Decompressed data too large for PngImagePlugin.MAX_TEXT_CHUNK)", though nothing is
    wrong with the picture. It is still refused (Pillow reads no more), with what is wrong and
    what to do."""
    from photovet.core.errors import UnsupportedImageError
    from photovet.core.media.imaging import load_image
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings

    path = tmp_path / "poster.png"
    path.write_bytes(_png_with_chunk_before_the_picture(ctype, body))
    with pytest.raises(UnsupportedImageError) as err:
        load_image(path)
    assert "too large to read safely" in err.value.message
    assert "damaged" not in err.value.message and "MAX_TEXT" not in err.value.message
    assert "without its metadata" in (err.value.hint or "")
    settings = Settings()
    settings.text.enabled = False
    analysis = Engine(settings, face_engine=None).analyse(path, use_cache=False)
    assert analysis.error and "too large to read safely" in analysis.error, analysis.error


@pytest.fixture(scope="module")
def video_engine():
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    settings = Settings()
    settings.text.enabled = False
    return Engine(settings, face_engine=FaceEngine.load(Settings()))


def test_a_quicktime_movie_without_an_ftyp_box_is_checked_and_exported_as_a_video(
        tmp_path, video_engine):
    """QuickTime needs no ftyp box (older cameras and QuickTime itself begin a .mov with the
    index, the data, or a 'wide' or 'free' box; FFmpeg reads them). sniff knew a video only by
    its ftyp, so such a .mov went to the photo check: "not an image format PhotoVet can read".
    It is a video, checked and exported as one, read back clean."""
    import datetime as dt

    from photovet.core.media import imaging
    from photovet.core.media.video.reader import is_video_file
    from photovet.core.models import Channel, VideoAnalysis
    from photovet.core.pipeline import export_batch
    from tests.video_clips import Mover, make_clip

    clip = make_clip(tmp_path / "clip.mov", fmt="mov", seconds=0.5,
                     metadata={"comment": "Tori Hale"}, movers=[Mover(64, (60, 100), (200, 120))])
    data = bytearray(clip.path.read_bytes())
    assert data[4:8] == b"ftyp"
    data[4:8] = b"wide"                     # the same size: every offset stays where it was
    old = tmp_path / "MVI_0042.MOV"
    old.write_bytes(bytes(data))
    assert imaging.sniff(bytes(data[:4096])) == "video" and is_video_file(old)
    assert imaging.sniff(b"\x00\x00\x00\x08wide\x00\x00\x10\x00mdat") == "video"
    assert imaging.sniff(b"\x00\x00\x01\x00moov\x00\x00\x00\x6cmvhd") == "video"
    analysis = video_engine.analyse_media(old, use_cache=False)
    assert isinstance(analysis, VideoAnalysis) and not analysis.error, analysis.error
    assert analysis.frame_count == clip.frames
    web = Channel("website", "School Website", long_edge=2048, audio="remove")
    decided = video_engine.decide(analysis, web, on=dt.date(2026, 11, 21))
    out = tmp_path / "out"
    out.mkdir()
    results = [s.result for s in export_batch([decided], out, label="Trip", engine=video_engine,
                                              channel=web) if s.result is not None]
    assert len(results) == 1 and results[0].ok, results[0].error
    assert results[0].output.endswith(".mp4") and b"Tori" not in open(results[0].output, "rb").read()


def _main_pitch(path, stream: int = 0) -> float:
    import av
    import numpy as np

    with av.open(str(path)) as c:
        sound = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=stream)])
    sound = sound[:24000]
    return float(np.argmax(np.abs(np.fft.rfft(sound))) * 48000 / len(sound))


def test_the_sound_kept_is_the_track_a_video_player_plays(tmp_path, video_engine):
    """A video with two sound tracks, the second marked as the one to play (a camera's or a
    phone's stereo mix beside another recording, an edited clip with a commentary): the
    approver listens in the computer's video player (Open in your video player, on a copy of
    the checked file), which plays the track marked to be played, as FFmpeg's own tools do;
    the export kept the first track, which nobody heard, and published it. The export keeps
    the track the file marks to be played (the first when none is marked, as players do)."""
    import datetime as dt
    import shutil
    import subprocess

    from photovet.core.models import Channel
    from photovet.core.pipeline import export_batch

    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not on PATH")
    src = tmp_path / "two-tracks.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000",
         "-f", "lavfi", "-i", "sine=frequency=2000:sample_rate=48000", "-t", "1",
         "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-disposition:a:0", "0", "-disposition:a:1", "default", str(src)],
        check=True)
    heard = tmp_path / "heard.wav"   # what FFmpeg's own tools play of it
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(src), "-vn", str(heard)], check=True)
    assert _main_pitch(heard) == pytest.approx(2000, abs=20)
    web = Channel("website", "School Website", long_edge=2048, audio="keep")
    analysis = video_engine.analyse_media(src, use_cache=False)
    assert not analysis.error, analysis.error
    decided = video_engine.decide(analysis, web, on=dt.date(2026, 11, 21))
    assert decided.sound == "keep"
    out = tmp_path / "out"
    out.mkdir()
    results = [s.result for s in export_batch([decided], out, label="Concert",
                                              engine=video_engine, channel=web)
               if s.result is not None]
    assert results[0].ok and results[0].sound == "keep", results[0].error
    assert _main_pitch(results[0].output) == pytest.approx(2000, abs=20), \
        "the export kept a sound track the player does not play"
