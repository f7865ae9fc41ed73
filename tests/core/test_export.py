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
import threading
import types
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photovet.core import fsutil
from photovet.core.errors import (
    DiskFullError,
    OutputFolderError,
    VerificationError,
)
from photovet.core.media import export as export_mod
from photovet.core.media.export import (
    TEMP_PREFIX,
    ExportJob,
    NameAllocator,
    clean_leftovers,
    encode_jpeg,
    export_batch,
    export_photo,
    neutral_names,
    render,
    slugify,
    verify_export,
    write_temp,
)
from photovet.core.models import Channel, Cover
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
            if group not in ALLOWED_GROUPS or group != "ExifTool" and any(w.lower() in key.lower() for w in FORBIDDEN_WORDS):
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


WEB = Channel("website", "School website", long_edge=2048, quality=88)
X = Channel("x", "X (Twitter)", long_edge=1600, quality=85)
PRESS = Channel("press", "Local press", long_edge=4000, quality=92)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def job(path: Path, covers=()) -> ExportJob:
    """Export ``path`` as checked now (its content hash), with ``covers``."""
    try:
        digest = sha(path)
    except OSError:
        digest = "0" * 64
    return ExportJob(Path(path), digest, list(covers))


def jobs(paths) -> list[ExportJob]:
    return [job(p) for p in paths]


class Recorder:
    """Records like records/exports.py does, and remembers what it saw."""

    def __init__(self, fail_on: int | None = None):
        self.rows: dict[int, dict] = {}
        self.fail_on = fail_on
        self.seen: list[tuple[str, bool]] = []

    def record(self, result, written):
        n = len(self.rows) + 1
        self.seen.append((Path(written).name, os.path.exists(result.output)))
        if self.fail_on == n:
            raise RuntimeError("the register is not reachable")
        self.rows[n] = {"output": result.output, "sha": sha(Path(written))}
        return n

    def moved(self, rid, final):
        self.rows[rid]["output"] = str(final)

    def named(self, rid):
        pass

    def abandon(self, rid, reason):
        self.rows.pop(rid, None)


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


def test_names_are_handed_out_once_even_across_threads(tmp_path):
    alloc = NameAllocator(tmp_path, "trip", 400)
    got: list[str] = []

    def take():
        for _ in range(100):
            got.append(alloc.next().name)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == len(set(got)) == 400


# --------------------------------------------------------------------------------------------
# render
# --------------------------------------------------------------------------------------------

def _image(size=(400, 300)) -> Image.Image:
    return Image.new("RGB", size, (10, 20, 30))


def test_render_downscales_only_when_larger():
    assert render(_image((4000, 3000)), [], long_edge=2048).size == (2048, 1536)
    assert render(_image((3000, 4000)), [], long_edge=1600).size == (1200, 1600)
    assert render(_image((400, 300)), [], long_edge=2048).size == (400, 300)
    assert render(_image((400, 300)), [], long_edge=None).size == (400, 300)


def test_render_covers_at_full_resolution_before_resizing(monkeypatch):
    seen = {}

    def apply_covers(image, covers, *, style="solid", in_place=False):
        seen["size"], seen["n"], seen["style"] = image.size, len(covers), style
        seen["in_place"] = in_place
        out = image.copy()
        out.paste((0, 0, 0), (0, 0, image.width, image.height))
        return out

    fake = types.ModuleType("photovet.core.media.cover")
    fake.apply_covers = apply_covers
    monkeypatch.setitem(sys.modules, "photovet.core.media.cover", fake)
    red = [Cover(shape="ellipse", box=(10, 10, 100, 100), source="face")]
    out = render(_image((4000, 3000)), red, long_edge=1000, style="pixelate")
    assert seen == {"size": (4000, 3000), "n": 1, "style": "pixelate", "in_place": False}
    assert out.size == (1000, 750) and out.getpixel((500, 300)) == (0, 0, 0)


def test_render_without_covers_does_not_need_cover(monkeypatch):
    broken = types.ModuleType("photovet.core.media.cover")  # no apply_covers at all
    monkeypatch.setitem(sys.modules, "photovet.core.media.cover", broken)
    assert render(_image(), [], long_edge=100).size == (100, 75)


# --------------------------------------------------------------------------------------------
# writing and checking one file
# --------------------------------------------------------------------------------------------

def test_encoded_jpeg_is_plain():
    img = Image.new("RGB", (64, 48), (1, 2, 3))
    img.info["comment"] = b"must not be written"
    img.info["exif"] = b"Exif\x00\x00junk"
    data = encode_jpeg(img, 85)
    assert data[:4] == b"\xff\xd8\xff\xe0" and b"must not" not in data and b"Exif" not in data


def test_write_temp_is_hidden_and_carries_our_process_id(tmp_path):
    tmp = write_temp(b"abc", tmp_path)
    assert tmp.name.startswith(f"{TEMP_PREFIX}{fsutil.temp_owner()}-") and \
        tmp.read_bytes() == b"abc"


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_disk_full_leaves_nothing(tmp_path, monkeypatch, where):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_mod.os, where, full)
    with pytest.raises(DiskFullError, match="no space left"):
        write_temp(b"x" * 100, tmp_path)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("exc,error,words", [
    (PermissionError(errno.EACCES, "Permission denied"), OutputFolderError, "not allowed"),
    (OSError(errno.EROFS, "Read-only file system"), OutputFolderError, "not allowed"),
    (FileNotFoundError(errno.ENOENT, "No such file"), OutputFolderError, "does not exist"),
    (OSError(errno.ENOSPC, "No space"), DiskFullError, "no space"),
])
def test_write_errors_are_typed(tmp_path, monkeypatch, exc, error, words):
    def opener(*a, **k):
        raise exc

    monkeypatch.setattr(export_mod.os, "open", opener)
    with pytest.raises(error, match=words):
        write_temp(b"x", tmp_path)


def test_verify_export_refuses_bad_files(tmp_path):
    good = tmp_path / "good.jpg"
    Image.new("RGB", (40, 30)).save(good, "JPEG")
    verify_export(good, (40, 30))
    with pytest.raises(VerificationError, match="instead of 41 x 30"):
        verify_export(good, (41, 30))
    broken = tmp_path / "broken.jpg"
    Image.new("RGB", (40, 30)).save(broken, "JPEG")
    broken.write_bytes(broken.read_bytes()[:200])
    with pytest.raises(VerificationError, match="not kept"):
        verify_export(broken, (40, 30))
    leaky = tmp_path / "leaky.jpg"
    Image.new("RGB", (40, 30)).save(leaky, "JPEG", comment=b"hi")
    with pytest.raises(VerificationError, match="comment"):
        verify_export(leaky, (40, 30))


# --------------------------------------------------------------------------------------------
# export_photo: checked, recorded, then named
# --------------------------------------------------------------------------------------------

def test_export_photo_removes_everything_and_keeps_the_original(tmp_path):
    src = leaky_jpeg(tmp_path / "Amelia Smith sports day.jpg", size=(3000, 2000), orientation=6)
    before = sha(src)
    out = tmp_path / "out"
    out.mkdir()
    rec = Recorder()
    res = export_photo(job(src), NameAllocator(out, "safe"), X, recorder=rec)
    assert res.ok, res.error
    final = out / "safe-001.jpg"
    assert res.output == str(final) and listing(out) == ["safe-001.jpg"]
    assert sha(src) == before                              # original untouched
    assert res.source_sha256 == before and res.output_sha256 == sha(final)
    assert (res.width, res.height) == (1067, 1600)         # oriented (6) then x's long edge 1600
    removed = " | ".join(res.metadata_removed)
    for words in ("GPS position 52.9500 N, 1.1500 W", "Camera serial number SERIAL-123",
                  "Names of people tagged in the photo Amelia Pupil", "Motion-photo video", "Comment"):
        assert words in removed, (words, removed)
    assert exiftool_problems([final]) == {}
    with Image.open(final) as im:
        assert im.getpixel((1060, 5))[0] > 200            # the red block is now at the top right
    # it was recorded while still hidden under a temporary name, before the final name existed
    assert rec.seen == [(rec.seen[0][0], False)] and rec.seen[0][0].startswith(TEMP_PREFIX)
    assert rec.rows[1] == {"output": str(final), "sha": sha(final)}


def test_a_file_changed_after_it_was_checked_is_not_exported(tmp_path):
    """What was checked (and approved) is exactly what is rendered: a swapped-in photo under
    the same name is refused before anything is written."""
    src = leaky_jpeg(tmp_path / "a.jpg")
    checked = job(src)
    leaky_jpeg(src, colour=(1, 2, 3))                     # another picture under the same name
    out = tmp_path / "out"
    out.mkdir()
    rec = Recorder()
    res = export_photo(checked, NameAllocator(out, "x"), WEB, recorder=rec)
    assert not res.ok and "changed after it was checked" in res.error
    assert listing(out) == [] and rec.rows == {}


def test_nothing_is_named_when_recording_fails(tmp_path):
    src = leaky_jpeg(tmp_path / "a.jpg")
    out = tmp_path / "out"
    out.mkdir()
    res = export_photo(job(src), NameAllocator(out, "x"), WEB, recorder=Recorder(fail_on=1))
    assert not res.ok and "register is not reachable" in res.error
    assert listing(out) == []                              # no final name, no temporary file


def test_a_name_taken_meanwhile_goes_to_the_next_free_number(tmp_path, monkeypatch):
    """Two exports into one folder at once: the loser takes the next number (and its record
    follows); nothing is overwritten and nobody reports a failure."""
    src = leaky_jpeg(tmp_path / "a.jpg")
    out = tmp_path / "out"
    out.mkdir()
    real_link = export_mod.link_no_overwrite
    calls = {"n": 0}

    def link(tmp, final):
        calls["n"] += 1
        if calls["n"] == 1:
            Path(final).write_bytes(b"another export got here first")
        return real_link(tmp, final)

    monkeypatch.setattr(export_mod, "link_no_overwrite", link)
    rec = Recorder()
    res = export_photo(job(src), NameAllocator(out, "x"), WEB, recorder=rec)
    assert res.ok and res.output == str(out / "x-002.jpg")
    assert (out / "x-001.jpg").read_bytes() == b"another export got here first"
    assert rec.rows[1]["output"] == str(out / "x-002.jpg")
    assert listing(out) == ["x-001.jpg", "x-002.jpg"]


def test_link_not_supported_falls_back_without_overwriting(tmp_path, monkeypatch):
    def nolink(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")  # FAT/exFAT USB stick

    monkeypatch.setattr("photovet.core.fsutil.os.link", nolink)
    src = leaky_jpeg(tmp_path / "a.jpg")
    out = tmp_path / "out"
    out.mkdir()
    (out / "x-001.jpg").write_bytes(b"keep me")
    res = export_photo(job(src), NameAllocator(out, "x"), WEB)
    assert res.ok and listing(out) == ["x-001.jpg", "x-002.jpg"]
    assert (out / "x-001.jpg").read_bytes() == b"keep me"


def test_export_photo_never_raises(tmp_path):
    src = tmp_path / "empty.jpg"
    src.write_bytes(b"")
    res = export_photo(ExportJob(src, hashlib.sha256(b"").hexdigest(), []),
                       NameAllocator(tmp_path, "o"), WEB)
    assert not res.ok and res.error.startswith("empty.jpg: ") and "empty" in res.error
    assert listing(tmp_path) == ["empty.jpg"]


def test_an_export_carries_the_rules_of_its_channel_it_was_made_under(tmp_path):
    """s46: its record keeps them (``policy.made_under`` judges a post of it by them)."""
    from photovet.core.policy import rules_of

    src = leaky_jpeg(tmp_path / "a.jpg")
    out = tmp_path / "out"
    out.mkdir()
    fb = Channel("facebook", "Facebook", names="none", audio="remove", cover_school=True,
                 group_only=True)
    res = export_photo(job(src), NameAllocator(out, "x"), fb)
    assert res.ok and res.channel_rules == rules_of(fb) == {
        "names": "none", "fixed_mode": None, "audio": "remove", "cover_school": True,
        "group_only": True}


def test_export_photo_counts_covers(tmp_path):
    src = leaky_jpeg(tmp_path / "a.jpg")
    covers = [Cover("ellipse", (1, 1, 5, 5), source="face"), Cover("ellipse", (9, 9, 5, 5), source="face"),
              Cover("polygon", points=[(0, 0), (5, 0), (5, 5)], source="text"), Cover("rect", (0, 0, 2, 2))]
    res = export_photo(job(src, covers), NameAllocator(tmp_path, "o"), WEB)
    assert res.ok and (res.faces_covered, res.texts_covered, res.manual_covers) == (2, 1, 1)


def test_leftovers_of_a_dead_export_are_removed_and_reported(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = out / f"{TEMP_PREFIX}{fsutil.temp_owner(int(dead))}-abcdef.part"
    live = out / f"{TEMP_PREFIX}{fsutil.temp_owner()}-abcdef.part"
    stale.write_bytes(b"half")
    live.write_bytes(b"half")
    assert clean_leftovers(out) == [stale] and live.exists()
    stale.write_bytes(b"half")
    src = leaky_jpeg(tmp_path / "a.jpg")
    first = next(export_batch(jobs([src]), out, label="x", channel=WEB))
    assert "removed 1 unfinished copy" in first.message and not stale.exists()


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
def test_batch_goes_on_past_every_bad_input(tmp_path, workers):
    files = _make_batch(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    ordered = [files[k] for k in sorted(files, key=lambda k: files[k].name)]
    batch = jobs(ordered)

    def vanish(result):
        if Path(result.source) == files["good1"]:
            files["vanish"].unlink()       # disappears while the batch runs

    batch[0].fill = vanish
    steps = list(export_batch(batch, out, label="Sports Day 2026", channel=WEB, workers=workers))
    assert steps[0].done == 0 and steps[0].total == 8 and steps[0].result is None
    results = [s.result for s in steps[1:]]
    assert [Path(r.source).name for r in results] == sorted(p.name for p in files.values())
    assert [s.done for s in steps[1:]] == list(range(1, 9))
    by = {k: next(r for r in results if Path(r.source) == p) for k, p in files.items()}
    assert all(by[k].ok for k in ("good1", "good2", "good3")), [by[k].error for k in by]
    expected = {"empty": "empty (0 bytes)", "truncated": "ends early", "text": "looks like a text file",
                "huge": "too large"}
    for key, words in expected.items():
        err = by[key].error
        assert err and words in err and "\n" not in err, (key, err)
        assert err.startswith(files[key].name + ": "), err
    assert not by["vanish"].ok and by["vanish"].error.startswith("07 vanishes.jpg: ")
    outputs = listing(out)
    assert outputs == sorted(Path(by[k].output).name for k in ("good1", "good2", "good3"))
    assert all(name.startswith("sports-day-2026-") for name in outputs)
    assert not any("amelia" in n.lower() or "zo" in n.lower() for n in outputs)
    assert exiftool_problems([out / n for n in outputs]) == {}


def test_batch_two_sources_with_the_same_name(tmp_path):
    a = leaky_jpeg((tmp_path / "a").mkdir() or tmp_path / "a" / "same.jpg", colour=(200, 0, 0))
    b = leaky_jpeg((tmp_path / "b").mkdir() or tmp_path / "b" / "same.jpg", colour=(0, 0, 200))
    out = tmp_path / "out"
    out.mkdir()
    results = [s.result for s in export_batch(jobs([a, b]), out, label="trip", channel=WEB)][1:]
    assert all(r.ok for r in results)
    assert len({r.output for r in results}) == 2 and listing(out) == ["trip-001.jpg", "trip-002.jpg"]


def test_two_batches_into_one_folder_at_once_both_succeed(tmp_path):
    srcs = [leaky_jpeg(tmp_path / f"{i}.jpg", colour=(i * 20, 90, 90)) for i in range(6)]
    out = tmp_path / "out"
    out.mkdir()
    outcome: dict[str, list] = {}

    def run(name):
        outcome[name] = [s.result for s in export_batch(jobs(srcs), out, label="trip",
                                                         channel=WEB, workers=2)][1:]

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results = outcome["a"] + outcome["b"]
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert len({r.output for r in results}) == 12 == len(listing(out))


def test_batch_refuses_unusable_output_folders(tmp_path, monkeypatch):
    src = leaky_jpeg(tmp_path / "a.jpg")
    with pytest.raises(OutputFolderError, match="does not exist"):
        next(export_batch(jobs([src]), tmp_path / "nope", label="x", channel=WEB))
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(OutputFolderError, match="not a folder") as ei:
        next(export_batch(jobs([src]), afile, label="x", channel=WEB))
    assert ei.value.hint == "Choose a folder for the safe copies, or create a new one."
    with pytest.raises(OutputFolderError, match="original photos"):
        next(export_batch(jobs([src]), tmp_path, label="x", channel=WEB))
    link = tmp_path.parent / f"{tmp_path.name}-link"
    link.symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(OutputFolderError, match="original photos"):  # the same folder, another path
        next(export_batch(jobs([src]), link, label="x", channel=WEB))
    # unwritable (tests run as root, so simulate what a read-only folder does)
    out = tmp_path / "ro"
    out.mkdir()

    def make_probe(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export_mod, "make_probe", make_probe)
    with pytest.raises(OutputFolderError, match="cannot write") as ei:
        next(export_batch(jobs([src]), out, label="x", channel=WEB))
    assert listing(out) == []
    # in words (s65: the system's "(Permission denied)", "(Read-only file system)")
    assert ei.value.message == "PhotoVet cannot write to the output folder (permission denied)"


def test_batch_beside_originals_when_asked(tmp_path):
    src = leaky_jpeg(tmp_path / "a.jpg")
    steps = list(export_batch(jobs([src]), tmp_path, label="x", channel=WEB,
                              allow_beside_originals=True))
    assert steps[-1].result.ok and (tmp_path / "x-001.jpg").exists()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="running as root: file permissions do not stop root from writing")
def test_batch_real_read_only_folder(tmp_path):
    src = leaky_jpeg(tmp_path / "a.jpg")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(OutputFolderError):
            next(export_batch(jobs([src]), out, label="x", channel=WEB))
    finally:
        out.chmod(0o700)


def test_batch_disk_full_midway_leaves_no_partial_files(tmp_path, monkeypatch):
    srcs = [leaky_jpeg(tmp_path / f"{i}.jpg") for i in range(4)]
    out = tmp_path / "out"
    out.mkdir()
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > 1:   # the first photo fits, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(export_mod.os, "fsync", fsync)
    results = [s.result for s in export_batch(jobs(srcs), out, label="x", channel=WEB,
                                              workers=1)][1:]
    assert results[0].ok
    assert all(not r.ok and "no space left" in r.error for r in results[1:])
    assert listing(out) == ["x-001.jpg"]                 # no temp files, no partial copies


def test_batch_stop_event(tmp_path):
    srcs = [leaky_jpeg(tmp_path / f"{i}.jpg") for i in range(8)]
    out = tmp_path / "out"
    out.mkdir()
    stop = threading.Event()
    got = []
    for step in export_batch(jobs(srcs), out, label="x", channel=WEB, stop=stop, workers=1):
        if step.result is not None:
            got.append(step.result)
            stop.set()
    assert 1 <= len(got) < 8 and all(r.ok for r in got)
    assert len(listing(out)) == len(got)


# --------------------------------------------------------------------------------------------
# Every real file in ../shared/data/metadata
# --------------------------------------------------------------------------------------------

def test_shared_metadata_files_export_clean_and_upright(tmp_path):
    root = shared_data("metadata")
    manifest = json.loads((root / "manifest.json").read_text())
    out = tmp_path / "out"
    out.mkdir()
    files = [root / item["file"] for item in manifest["files"]]
    steps = list(export_batch(jobs(files), out, label="shared", channel=PRESS))
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


def test_batch_refuses_a_folder_holding_the_originals(tmp_path):
    """The originals' folder reached through a link to one photo, and a folder holding the
    originals deeper down, are refused like the originals' own folder (an audit exported into
    the originals' folder through a linked photo); a subfolder of it is allowed."""
    orig = tmp_path / "orig"
    (orig / "day two").mkdir(parents=True)
    src = leaky_jpeg(orig / "day two" / "a.jpg")
    link = tmp_path / "link.jpg"
    link.symlink_to(src)
    with pytest.raises(OutputFolderError, match="original photos"):
        next(export_batch(jobs([link]), orig / "day two", label="x", channel=WEB))
    with pytest.raises(OutputFolderError, match="holds the original photos") as err:
        next(export_batch(jobs([src]), orig, label="x", channel=WEB))
    assert "day two" in err.value.message
    with pytest.raises(OutputFolderError, match="holds the original photos"):
        next(export_batch(jobs([src]), tmp_path, label="x", channel=WEB))
    assert listing(orig) == ["day two"]
    safe = orig / "day two" / "safe copies"
    safe.mkdir()
    steps = list(export_batch(jobs([src]), safe, label="x", channel=WEB))
    assert steps[-1].result.ok and listing(safe) == ["x-001.jpg"]


def test_an_image_carrying_its_own_encoder_settings_is_encoded_plain():
    """s62 audit: Pillow >= 11 lets an image's ``encoderinfo`` override the arguments of save,
    so an image carrying an EXIF block and a comment there was encoded with them."""
    import io

    from PIL import Image

    from photovet.core.media.export import encode_jpeg

    im = Image.new("RGB", (16, 12), (40, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    im.encoderinfo = {"exif": exif.tobytes(), "comment": b"Tori Ashby"}
    data = encode_jpeg(im, 90)
    assert b"PhoneMaker" not in data and b"Tori" not in data
    back = Image.open(io.BytesIO(data))
    assert not back.getexif() and "comment" not in back.info
    assert im.encoderinfo["comment"] == b"Tori Ashby"      # the caller's image is untouched
