"""Export: neutral names, re-render, atomic no-overwrite write, read-back verification, batches
that go on past bad files, and exiftool as the independent oracle on every export."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import types
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photovet.core.media import export as export_mod
from photovet.core.errors import (
    DiskFullError,
    OutputExistsError,
    OutputFolderError,
    VerificationError,
)
from photovet.core.media.export import (
    export_batch,
    export_photo,
    neutral_names,
    render,
    slugify,
    verify_export,
    write_jpeg,
)
from photovet.core.media.imaging import LoadedImage, load_image
from photovet.core.models import Cover
from photovet.core.settings import Settings

from tests.conftest import shared_data

EXIFTOOL = shutil.which("exiftool")
ALLOWED_GROUPS = {"ExifTool", "File", "JFIF", "Composite", "System", "SourceFile"}
FORBIDDEN_WORDS = ("GPS", "XMP", "IPTC", "MakerNotes", "Thumbnail", "Preview", "Trailer", "Photoshop",
                   "ICC", "MPF", "Comment", "Serial", "Artist", "Copyright", "Author", "Samsung",
                   "Google", "Motion", "EXIF")


def exiftool_problems(paths: list[Path]) -> dict[str, list[str]]:
    """exiftool -j -G -a -u on the exports: every tag outside the plain-file groups, by file."""
    if not EXIFTOOL:
        pytest.skip("exiftool is not on PATH (Debian package libimage-exiftool-perl): "
                    "the independent metadata check cannot run")
    out = subprocess.run([EXIFTOOL, "-j", "-G", "-a", "-u", *map(str, paths)], capture_output=True,
                         text=True, check=False)
    data = json.loads(out.stdout)
    problems: dict[str, list[str]] = {}
    for entry in data:
        bad = []
        for key in entry:
            group = key.split(":", 1)[0]
            if group not in ALLOWED_GROUPS:
                bad.append(key)
            elif group != "ExifTool" and any(w.lower() in key.lower() for w in FORBIDDEN_WORDS):
                bad.append(key)
        if entry.get("File:FileType") != "JPEG":
            bad.append(f"FileType={entry.get('File:FileType')}")
        if any("warning" in k.lower() for k in entry):
            bad.append("exiftool warning: " + str({k: v for k, v in entry.items() if "arning" in k}))
        # exiftool only names trailers it recognises; also check the file stops at the end marker
        if not Path(entry["SourceFile"]).read_bytes().endswith(b"\xff\xd9"):
            bad.append("Trailer: data after the JPEG end marker")
        if bad:
            problems[entry["SourceFile"]] = bad
    return problems


def dms(v: float) -> tuple:
    v = abs(v)
    d = int(v)
    m = int((v - d) * 60)
    s = ((v - d) * 60 - m) * 60
    return (Fraction(d), Fraction(m), Fraction(s).limit_denominator(1000))


def leaky_jpeg(path: Path, size=(640, 480), orientation: int = 1, colour=(90, 140, 200)) -> Path:
    """A JPEG with everything a phone leaks: GPS, serial, XMP names, comment, motion video."""
    im = Image.new("RGB", size, colour)
    im.paste((250, 30, 30), (0, 0, size[0] // 3, size[1] // 3))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Google", "Pixel 8", orientation
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-123"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", dms(52.95), "W", dms(1.15)
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" '
           b'xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MotionPhoto="1">'
           b'<mwg-rs:Regions><mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description mwg-rs:Name="Amelia Pupil"/>'
           b'</rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>')
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, exif=exif.tobytes(), xmp=xmp, comment=b"Amelia, Year 2")
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(2000)
    path.write_bytes(buf.getvalue() + video)
    return path


def test_the_oracle_can_fail(tmp_path):
    """exiftool_problems really sees leaks: the leaky source is flagged for each kind."""
    src = leaky_jpeg(tmp_path / "leaky.jpg")
    found = " ".join(exiftool_problems([src])[str(src)])
    for word in ("GPS", "XMP", "Comment", "Trailer", "Serial"):
        assert word.lower() in found.lower(), (word, found)


@pytest.fixture
def settings() -> Settings:
    return Settings.load()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label,slug", [
    ("Sports Day 2026", "sports-day-2026"),
    ("  Año nuevo — Zoë's class!  ", "ano-nuevo-zoe-s-class"),
    ("Ünïcödé/../..\\path", "unicode-path"),
    ("", "photo"),
    ("日本語", "photo"),
])
def test_slugify(label, slug):
    assert slugify(label) == slug


def test_neutral_names(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "sports-day-2026-002.jpg").write_bytes(b"x")   # already there: number skipped
    a = tmp_path / "a" / "Amelia Smith.jpg"
    b = tmp_path / "b" / "Amelia Smith.jpg"                 # same name, different folder
    c = tmp_path / "IMG_0001.HEIC"
    names = neutral_names([a, b, c], "Sports Day 2026", out)
    assert names == {a: "sports-day-2026-001.jpg", b: "sports-day-2026-003.jpg",
                     c: "sports-day-2026-004.jpg"}
    for name in names.values():
        assert "amelia" not in name.lower() and "img" not in name.lower()


# --------------------------------------------------------------------------------------------
# render
# --------------------------------------------------------------------------------------------

def _loaded(size=(400, 300)) -> LoadedImage:
    return LoadedImage(image=Image.new("RGB", size, (10, 20, 30)), format="JPEG", stored_size=size)


def test_render_downscales_only_when_larger():
    assert render(_loaded((4000, 3000)), [], long_edge=2048).size == (2048, 1536)
    assert render(_loaded((3000, 4000)), [], long_edge=1600).size == (1200, 1600)
    assert render(_loaded((400, 300)), [], long_edge=2048).size == (400, 300)
    assert render(_loaded((400, 300)), [], long_edge=None).size == (400, 300)


def test_render_covers_at_full_resolution_before_resizing(monkeypatch):
    seen = {}

    def apply_covers(image, covers, *, style="solid"):
        seen["size"], seen["n"], seen["style"] = image.size, len(covers), style
        out = image.copy()
        out.paste((0, 0, 0), (0, 0, image.width, image.height))
        return out

    fake = types.ModuleType("photovet.core.media.cover")
    fake.apply_covers = apply_covers
    monkeypatch.setitem(sys.modules, "photovet.core.media.cover", fake)
    red = [Cover(shape="ellipse", box=(10, 10, 100, 100), source="face")]
    out = render(_loaded((4000, 3000)), red, long_edge=1000, style="pixelate")
    assert seen == {"size": (4000, 3000), "n": 1, "style": "pixelate"}
    assert out.size == (1000, 750) and out.getpixel((500, 300)) == (0, 0, 0)


def test_render_without_covers_does_not_need_cover(monkeypatch):
    broken = types.ModuleType("photovet.core.media.cover")  # no apply_covers at all
    monkeypatch.setitem(sys.modules, "photovet.core.media.cover", broken)
    assert render(_loaded(), [], long_edge=100).size == (100, 75)


# --------------------------------------------------------------------------------------------
# write_jpeg / verify_export
# --------------------------------------------------------------------------------------------

def test_write_jpeg_is_plain_and_returns_its_hash(tmp_path):
    img = Image.new("RGB", (64, 48), (1, 2, 3))
    img.info["comment"] = b"must not be written"
    img.info["exif"] = b"Exif\x00\x00junk"
    dest = tmp_path / "x.jpg"
    digest = write_jpeg(img, dest, quality=85)
    assert digest == sha(dest)
    data = dest.read_bytes()
    assert data[:4] == b"\xff\xd8\xff\xe0" and b"must not" not in data and b"Exif" not in data
    assert listing(tmp_path) == ["x.jpg"]


def test_write_jpeg_never_overwrites(tmp_path):
    dest = tmp_path / "x.jpg"
    dest.write_bytes(b"the original")
    with pytest.raises(OutputExistsError) as ei:
        write_jpeg(Image.new("RGB", (8, 8)), dest, quality=85)
    assert str(ei.value).startswith("x.jpg: ")
    assert dest.read_bytes() == b"the original"
    assert listing(tmp_path) == ["x.jpg"]


def test_write_jpeg_race_with_another_writer(tmp_path, monkeypatch):
    """Someone creates the file between our check and the link: still no overwrite."""
    dest = tmp_path / "x.jpg"

    def link(src, dst):
        Path(dst).write_bytes(b"theirs")
        raise FileExistsError(errno.EEXIST, "exists")

    monkeypatch.setattr(export_mod.os, "link", link)
    with pytest.raises(OutputExistsError):
        write_jpeg(Image.new("RGB", (8, 8)), dest, quality=85)
    assert dest.read_bytes() == b"theirs" and listing(tmp_path) == ["x.jpg"]


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_disk_full_leaves_nothing(tmp_path, monkeypatch, where):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_mod.os, where, full)
    with pytest.raises(DiskFullError, match="no space left"):
        write_jpeg(Image.new("RGB", (64, 64)), tmp_path / "x.jpg", quality=85)
    assert listing(tmp_path) == []


def test_link_not_supported_falls_back_without_overwriting(tmp_path, monkeypatch):
    def nolink(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")  # FAT/exFAT USB stick

    monkeypatch.setattr(export_mod.os, "link", nolink)
    write_jpeg(Image.new("RGB", (8, 8)), tmp_path / "a.jpg", quality=85)
    assert listing(tmp_path) == ["a.jpg"]


@pytest.mark.parametrize("exc,error,words", [
    (PermissionError(errno.EACCES, "Permission denied"), OutputFolderError, "not allowed"),
    (OSError(errno.EROFS, "Read-only file system"), OutputFolderError, "not allowed"),
    (FileNotFoundError(errno.ENOENT, "No such file"), OutputFolderError, "does not exist"),
    (OSError(errno.ENOSPC, "No space"), DiskFullError, "no space"),
])
def test_write_errors_are_typed(tmp_path, monkeypatch, exc, error, words):
    def mkstemp(*a, **k):
        raise exc

    monkeypatch.setattr(export_mod.tempfile, "mkstemp", mkstemp)
    with pytest.raises(error, match=words):
        write_jpeg(Image.new("RGB", (8, 8)), tmp_path / "x.jpg", quality=85)


def test_missing_output_folder(tmp_path):
    with pytest.raises(OutputFolderError, match="does not exist"):
        write_jpeg(Image.new("RGB", (8, 8)), tmp_path / "gone" / "x.jpg", quality=85)


def test_verify_export_removes_bad_files(tmp_path):
    good = tmp_path / "good.jpg"
    Image.new("RGB", (40, 30)).save(good, "JPEG")
    verify_export(good, (40, 30))
    assert good.exists()
    with pytest.raises(VerificationError, match="instead of 41 x 30"):
        verify_export(good, (41, 30))
    assert not good.exists()
    broken = tmp_path / "broken.jpg"
    Image.new("RGB", (40, 30)).save(broken, "JPEG")
    broken.write_bytes(broken.read_bytes()[:200])
    with pytest.raises(VerificationError, match="removed"):
        verify_export(broken, (40, 30))
    assert not broken.exists()
    leaky = tmp_path / "leaky.jpg"
    Image.new("RGB", (40, 30)).save(leaky, "JPEG", comment=b"hi")
    with pytest.raises(VerificationError, match="comment"):
        verify_export(leaky, (40, 30))
    assert not leaky.exists()


# --------------------------------------------------------------------------------------------
# export_photo
# --------------------------------------------------------------------------------------------

def test_export_photo_removes_everything_and_keeps_the_original(tmp_path, settings):
    src = leaky_jpeg(tmp_path / "Amelia Smith sports day.jpg", size=(3000, 2000), orientation=6)
    before = sha(src)
    out = tmp_path / "out"
    out.mkdir()
    res = export_photo(src, out / "safe-001.jpg", settings, "x")
    assert res.ok, res.error
    assert sha(src) == before                              # original untouched
    assert res.source_sha256 == before and res.output_sha256 == sha(out / "safe-001.jpg")
    assert (res.width, res.height) == (1067, 1600)         # oriented (6) then x's long edge 1600
    removed = " | ".join(res.metadata_removed)
    for words in ("GPS position 52.9500 N, 1.1500 W", "Camera serial number SERIAL-123",
                  "Names of people tagged in the photo Amelia Pupil", "Motion-photo video", "Comment"):
        assert words in removed, (words, removed)
    assert exiftool_problems([out / "safe-001.jpg"]) == {}
    with Image.open(out / "safe-001.jpg") as im:
        assert im.getpixel((1060, 5))[0] > 200            # the red block is now at the top right


def test_export_photo_never_raises(tmp_path, settings):
    src = tmp_path / "empty.jpg"
    src.write_bytes(b"")
    res = export_photo(src, tmp_path / "o.jpg", settings, "website")
    assert not res.ok and res.error.startswith("empty.jpg: ") and "empty" in res.error
    assert not (tmp_path / "o.jpg").exists()


def test_export_photo_existing_output(tmp_path, settings):
    src = leaky_jpeg(tmp_path / "a.jpg")
    dest = tmp_path / "o.jpg"
    dest.write_bytes(b"keep me")
    res = export_photo(src, dest, settings, "website")
    assert not res.ok and "never overwrites" in res.error and res.error.startswith("a.jpg: o.jpg: ")
    assert dest.read_bytes() == b"keep me"


def test_export_photo_counts_covers(tmp_path, settings, monkeypatch):
    fake = types.ModuleType("photovet.core.media.cover")
    fake.apply_covers = lambda image, reds, style="solid": image
    monkeypatch.setitem(sys.modules, "photovet.core.media.cover", fake)
    src = leaky_jpeg(tmp_path / "a.jpg")
    reds = [Cover("ellipse", (1, 1, 5, 5), source="face"), Cover("ellipse", (9, 9, 5, 5), source="face"),
            Cover("polygon", points=[(0, 0), (5, 0), (5, 5)], source="text"), Cover("rect", (0, 0, 2, 2))]
    res = export_photo(src, tmp_path / "o.jpg", settings, "website", reds)
    assert res.ok and (res.faces_covered, res.texts_covered, res.manual_covers) == (2, 1, 1)


# --------------------------------------------------------------------------------------------
# export_batch: the bad inputs of the issue, all in one batch that goes on
# --------------------------------------------------------------------------------------------

def _make_batch(root: Path) -> dict[str, Path]:
    root.mkdir()
    files = {
        "good1": leaky_jpeg(root / "01 Amelia Smith.jpg"),
        "empty": root / "02 empty.jpg",
        "truncated": root / "03 truncated.jpg",
        "text": root / "04 notes.jpg",
        "huge": root / "05 huge.png",
        "good2": leaky_jpeg(root / "06 Zoë Brontë café.jpg", colour=(20, 200, 20)),
        "vanish": leaky_jpeg(root / "07 vanishes.jpg"),
        "good3": leaky_jpeg(root / "08 last.jpg", orientation=8),
    }
    files["empty"].write_bytes(b"")
    whole = leaky_jpeg(root / "tmp.jpg").read_bytes()
    (root / "tmp.jpg").unlink()
    files["truncated"].write_bytes(whole[: len(whole) // 3])
    files["text"].write_text("Dear parents, the trip is on Friday.\n" * 10)
    import struct
    import zlib

    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))

    files["huge"].write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(b"\0" * 99)) + chunk(b"IEND", b""))
    return files


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_goes_on_past_every_bad_input(tmp_path, settings, workers):
    files = _make_batch(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()

    def covers_for(path: Path):
        if path == files["good1"]:
            files["vanish"].unlink()       # disappears while the batch runs
        return []

    steps = list(export_batch([tmp_path / "in"], out, label="Sports Day 2026", settings=settings,
                              channel="website", covers_for=covers_for, workers=workers))
    assert steps[0].done == 0 and steps[0].total == 8 and steps[0].result is None
    results = [s.result for s in steps[1:]]
    assert [Path(r.source).name for r in results] == sorted(p.name for p in files.values())
    assert [s.done for s in steps[1:]] == list(range(1, 9))
    by = {k: next(r for r in results if Path(r.source) == p) for k, p in files.items()}
    assert all(by[k].ok for k in ("good1", "good2", "good3")), [by[k].error for k in by]
    expected = {"empty": "empty (0 bytes)", "truncated": "ends early", "text": "looks like a text file",
                "huge": "too large", "vanish": "does not exist"}
    for key, words in expected.items():
        err = by[key].error
        assert err and words in err and "\n" not in err, (key, err)
        assert err.startswith(files[key].name + ": "), err
    outputs = listing(out)
    assert outputs == sorted(Path(by[k].output).name for k in ("good1", "good2", "good3"))
    assert all(name.startswith("sports-day-2026-") for name in outputs)
    assert not any("amelia" in n.lower() or "zo" in n.lower() for n in outputs)
    assert exiftool_problems([out / n for n in outputs]) == {}


def test_batch_two_sources_with_the_same_name(tmp_path, settings):
    a = leaky_jpeg((tmp_path / "a").mkdir() or tmp_path / "a" / "same.jpg", colour=(200, 0, 0))
    b = leaky_jpeg((tmp_path / "b").mkdir() or tmp_path / "b" / "same.jpg", colour=(0, 0, 200))
    out = tmp_path / "out"
    out.mkdir()
    results = [s.result for s in export_batch([a, b], out, label="trip", settings=settings, channel="website")][1:]
    assert all(r.ok for r in results)
    assert len({r.output for r in results}) == 2 and listing(out) == ["trip-001.jpg", "trip-002.jpg"]


def test_batch_refuses_unusable_output_folders(tmp_path, settings, monkeypatch):
    src = leaky_jpeg(tmp_path / "a.jpg")
    with pytest.raises(OutputFolderError, match="does not exist"):
        next(export_batch([src], tmp_path / "nope", label="x", settings=settings, channel="website"))
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(OutputFolderError, match="not a folder"):
        next(export_batch([src], afile, label="x", settings=settings, channel="website"))
    with pytest.raises(OutputFolderError, match="original photos"):
        next(export_batch([src], tmp_path, label="x", settings=settings, channel="website"))
    # unwritable (tests run as root, so simulate what a read-only folder does)
    out = tmp_path / "ro"
    out.mkdir()

    def mkstemp(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export_mod.tempfile, "mkstemp", mkstemp)
    with pytest.raises(OutputFolderError, match="cannot write"):
        next(export_batch([src], out, label="x", settings=settings, channel="website"))
    assert listing(out) == []


def test_batch_beside_originals_when_asked(tmp_path, settings):
    src = leaky_jpeg(tmp_path / "a.jpg")
    steps = list(export_batch([src], tmp_path, label="x", settings=settings, channel="website",
                              allow_beside_originals=True))
    assert steps[-1].result.ok and (tmp_path / "x-001.jpg").exists()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="running as root: file permissions do not stop root from writing")
def test_batch_real_read_only_folder(tmp_path, settings):
    src = leaky_jpeg(tmp_path / "a.jpg")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(OutputFolderError):
            next(export_batch([src], out, label="x", settings=settings, channel="website"))
    finally:
        out.chmod(0o700)


def test_batch_disk_full_midway_leaves_no_partial_files(tmp_path, settings, monkeypatch):
    srcs = [leaky_jpeg(tmp_path / f"{i}.jpg") for i in range(4)]
    out = tmp_path / "out"
    out.mkdir()
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > 2:   # the first photo (file + folder fsync) fits, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(export_mod.os, "fsync", fsync)
    results = [s.result for s in export_batch(srcs, out, label="x", settings=settings, channel="website",
                                              workers=1)][1:]
    assert results[0].ok
    assert all(not r.ok and "no space left" in r.error for r in results[1:])
    assert listing(out) == ["x-001.jpg"]                 # no temp files, no partial copies


def test_batch_stop_event(tmp_path, settings):
    srcs = [leaky_jpeg(tmp_path / f"{i}.jpg") for i in range(8)]
    out = tmp_path / "out"
    out.mkdir()
    stop = threading.Event()
    got = []
    for step in export_batch(srcs, out, label="x", settings=settings, channel="website", stop=stop, workers=1):
        if step.result is not None:
            got.append(step.result)
            stop.set()
    assert 1 <= len(got) < 8 and all(r.ok for r in got)
    assert len(listing(out)) == len(got)


def test_batch_cover_plan_failure_fails_closed(tmp_path, settings):
    src = leaky_jpeg(tmp_path / "a.jpg")
    out = tmp_path / "out"
    out.mkdir()

    def boom(path):
        raise RuntimeError("face detector crashed")

    res = list(export_batch([src], out, label="x", settings=settings, channel="website", covers_for=boom))[-1].result
    assert not res.ok and "face detector crashed" in res.error and listing(out) == []


# --------------------------------------------------------------------------------------------
# Every real file in ../shared/data/metadata
# --------------------------------------------------------------------------------------------

def test_shared_metadata_files_export_clean_and_upright(tmp_path, settings):
    root = shared_data("metadata")
    manifest = json.loads((root / "manifest.json").read_text())
    out = tmp_path / "out"
    out.mkdir()
    files = [root / item["file"] for item in manifest["files"]]
    steps = list(export_batch(files, out, label="shared", settings=settings, channel="press"))
    results = {Path(s.result.source).name: s.result for s in steps[1:]}
    assert all(r.ok for r in results.values()), {k: r.error for k, r in results.items() if not r.ok}
    for item in manifest["files"]:
        res = results[item["file"]]
        gps = item["ground_truth"]["gps"]
        has_gps_line = any(m.startswith("GPS position") for m in res.metadata_removed)
        assert has_gps_line == bool(gps["present"]), item["file"]
    assert exiftool_problems([Path(r.output) for r in results.values()]) == {}

    # orientation samples: every one comes out like the orientation-1 sample
    for kind in ("landscape", "portrait"):
        ref = np.asarray(Image.open(results[f"exif-samples__orientation__{kind}_1.jpg"].output), np.int16)
        for o in range(2, 9):
            with Image.open(results[f"exif-samples__orientation__{kind}_{o}.jpg"].output) as im:
                arr = np.asarray(im, np.int16)
            assert arr.shape == ref.shape, (kind, o)
            assert np.abs(arr - ref).mean() < 6, (kind, o, np.abs(arr - ref).mean())
