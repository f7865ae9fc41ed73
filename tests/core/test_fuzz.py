"""Fuzzing the front door (issue 10): photos that Pillow wrote, then damaged at random (bytes
flipped, cut short, stretched, chunks repeated, sizes in the header changed), through inspect,
the decoder, the export writer and the command line. Whatever the damage, the answer is a typed
PhotoVet error naming the file (or a clean result): never another exception, never a traceback,
one line per bad file, and the batch goes on.

Bounded for CI: a fixed number of examples with a fixed seed (``derandomize``), about half a
minute on a 2-core machine. Run longer with PHOTOVET_FUZZ_EXAMPLES=5000.
"""

from __future__ import annotations

import io
import os
import struct
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from photovet.cli import cli
from photovet.core.errors import PhotoVetError
from photovet.core.media.export import ExportJob, NameAllocator, export_photo
from photovet.core.media.imaging import load_image
from photovet.core.media.metadata import inspect_file
from photovet.core.models import Channel

EXAMPLES = int(os.environ.get("PHOTOVET_FUZZ_EXAMPLES", "150"))
WEB = Channel("website", "School website", long_edge=800, quality=80)


def _seed_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0112] = "Canon", 6
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (Fraction(52), Fraction(57), Fraction(0))
    buf = io.BytesIO()
    Image.new("RGB", (96, 64), (200, 120, 40)).save(buf, "JPEG", quality=85, exif=exif.tobytes(),
                                                    comment=b"Amelia Year 2")
    return buf.getvalue()


def _seed(fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    im = Image.new(mode, (80, 60), (20, 180, 90, 255) if mode == "RGBA" else (20, 180, 90))
    if fmt == "PNG":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "taken at Oak School")
        im.save(buf, fmt, pnginfo=info)
    else:
        im.save(buf, fmt, **kw)
    return buf.getvalue()


SEEDS = {
    "jpeg": _seed_jpeg(),
    "png": _seed("PNG"),
    "webp": _seed("WEBP"),
    "tiff": _seed("TIFF"),
    "gif": _seed("GIF"),
    "bmp": _seed("BMP"),
}


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[kind])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "size", "zero"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "repeat":
            n = draw(st.integers(1, 64))
            data[at:at] = data[at:at + n] * draw(st.integers(1, 20))
        elif op == "zero":
            n = draw(st.integers(1, 32))
            data[at:at + n] = b"\x00" * len(data[at:at + n])
        elif op == "size" and len(data) > at + 4:
            struct.pack_into(">HH", data, at, draw(st.integers(0, 65535)),
                             draw(st.integers(0, 65535)))
    return kind, bytes(data)


def _typed_or_clean(call):
    try:
        return call()
    except PhotoVetError as exc:
        text = str(exc)
        assert text and "\n" not in text and "Traceback" not in text, text
        return exc


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(sample=damaged())
def test_damaged_files_give_typed_errors_never_exceptions(sample, tmp_path_factory):
    kind, data = sample
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"damaged.{kind}"
    path.write_bytes(data)
    _typed_or_clean(lambda: inspect_file(path))
    loaded = _typed_or_clean(lambda: load_image(path, max_pixels=20_000_000))
    out = folder / "out"
    out.mkdir()
    import hashlib

    res = export_photo(ExportJob(path, hashlib.sha256(data).hexdigest(), []),
                       NameAllocator(out, "fuzz"), WEB, max_pixels=20_000_000)
    if res.ok:
        assert not isinstance(loaded, PhotoVetError)
        assert [p.name for p in out.iterdir()] == ["fuzz-001.jpg"]
    else:
        assert res.error.startswith(f"damaged.{kind}: ") and "\n" not in res.error, res.error
        assert list(out.iterdir()) == []          # nothing half-written


def test_a_batch_of_damaged_files_is_one_line_each_and_goes_on(tmp_path):
    """The command line over a folder of damaged files and good ones: one error line per bad
    file, every good file still done, no traceback."""
    import random

    rng = random.Random(7)
    src = tmp_path / "card"
    src.mkdir()
    bad_names = []
    for i in range(40):
        kind = rng.choice(sorted(SEEDS))
        data = bytearray(SEEDS[kind])
        cut = rng.randrange(4, len(data))
        data = data[:cut] if rng.random() < 0.5 else data
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] ^= rng.randrange(1, 256)
        name = f"{i:02d}.{'jpg' if kind == 'jpeg' else kind}"
        (src / name).write_bytes(bytes(data))
        bad_names.append(name)
    for i in range(3):
        Image.new("RGB", (60, 40), (i * 40, 90, 90)).save(src / f"good{i}.jpg", "JPEG")
    res = CliRunner().invoke(cli, ["inspect", str(src)])
    assert "Traceback" not in res.output + res.stderr
    assert res.exit_code in (0, 1)
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    for ln in errors:
        assert any(n in ln for n in bad_names), ln
    assert len(errors) == len({ln for ln in errors})           # one line per file, no repeats
    for i in range(3):
        assert f"good{i}.jpg" in res.stdout


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_seeds_themselves_are_clean(seed, tmp_path):
    """The undamaged seeds load and export (so the fuzz test starts from real files)."""
    path = tmp_path / f"seed.{seed}"
    path.write_bytes(SEEDS[seed])
    assert load_image(path).image.size[0] > 0
    assert inspect_file(path).format
