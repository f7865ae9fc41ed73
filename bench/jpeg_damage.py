"""Damaged JPEGs and WebPs (s42): what Pillow's decode says of them, what the damage check
(imaging.jpeg_damage, libjpeg's warnings) catches, whom it refuses wrongly, what it costs.

    python bench/jpeg_damage.py [--rounds N] [--no-sweep]

Fixtures, made in memory and never written into the repository: each base photo (the shared
data's phone photo as it is; the same photo at 1600 x 1200 written by Pillow as baseline 4:2:0,
4:4:4, progressive, with restart markers, progressive with restart markers; lossy and lossless
WebP) damaged the way a card or a copy damages a file, the file's length unchanged: 16 bytes or
4 KB of zeros, of 0xFF or of random bytes, 4 KB of another JPEG's picture data, a byte or a
single bit changed, at 30 % and 60 % of the picture data; a 4 KB cluster zeroed, two clusters
swapped. "Visibly damaged": at least 1 % of the rows differ from the undamaged decode by more
than 8 levels on average.

False refusals: every photo of $PHOTOVET_SHARED_DATA (or ../shared/data), read only, and JPEGs
written by Pillow (12 MP: 4:2:0, 4:2:2, 4:4:4, progressive, optimised, restart markers; CMYK,
grey, tiny, odd sizes, quality 5 and 100, bytes after the end) and OpenCV.

Cost: ``load_image`` of a 12 MP photo (baseline and progressive) with the check against with
it switched off, alternately in one process; CPU seconds per photo (medians)."""
import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photovet.core.errors import ImageError  # noqa: E402
from photovet.core.media import imaging  # noqa: E402
from photovet.core.media.imaging import IMAGE_EXTENSIONS, load_image  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=7)
ap.add_argument("--no-sweep", action="store_true")
a = ap.parse_args()
D = Path(os.environ.get("PHOTOVET_SHARED_DATA") or ROOT.parent / "shared" / "data")
REAL = D / "metadata" / "exif-samples__mobile__HMD_Nokia_8.3_5G.jpg"
OTHER = D / "identities" / "facenet-pytorch__kate_siegel__1.jpg"
TMP = Path(tempfile.mkdtemp(prefix="pv-damage-"))


def encoded(im: Image.Image, fmt: str = "JPEG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def bases() -> dict[str, bytes]:
    im = Image.open(REAL).convert("RGB").resize((1600, 1200), Image.Resampling.BILINEAR)
    return {
        "phone photo": REAL.read_bytes(),
        "baseline 4:2:0": encoded(im, quality=90),
        "baseline 4:4:4": encoded(im, quality=92, subsampling=0),
        "progressive": encoded(im, quality=90, progressive=True),
        "restart markers": encoded(im, quality=90, restart_marker_rows=1),
        "progressive+restart": encoded(im, quality=90, progressive=True,
                                       restart_marker_blocks=64),
        "WebP lossy": encoded(im, "WEBP", quality=85),
        "WebP lossless": encoded(im.resize((800, 600)), "WEBP", lossless=True),
    }


def damages(data: bytes) -> dict[str, bytes]:
    rng = random.Random(0)
    if data[:4] == b"RIFF":
        start = 64
    else:
        sos = data.find(b"\xff\xda")
        start = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    end = len(data) - 2
    other = OTHER.read_bytes()
    out = {}

    def put(at: int, block: bytes) -> bytes:
        d = bytearray(data)
        d[at:at + len(block)] = block
        return bytes(d[:len(data)])

    for frac in (0.3, 0.6):
        at = int(start + (end - start) * frac)
        tag = f"@{int(frac * 100)}%"
        out[f"16 zeros {tag}"] = put(at, bytes(16))
        out[f"4 KB zeros {tag}"] = put(at, bytes(4096))
        out[f"4 KB 0xFF {tag}"] = put(at, b"\xff" * 4096)
        out[f"16 random {tag}"] = put(at, bytes(rng.randrange(256) for _ in range(16)))
        out[f"4 KB random {tag}"] = put(at, bytes(rng.randrange(256) for _ in range(4096)))
        out[f"4 KB of another file {tag}"] = put(at, other[len(other) // 2:len(other) // 2 + 4096])
        out[f"byte changed {tag}"] = put(at, bytes([data[at] ^ 0xFF]))
        out[f"bit changed {tag}"] = put(at, bytes([data[at] ^ 0x10]))
    at = ((start + end) // 2) // 4096 * 4096
    out["cluster zeroed"] = put(at, bytes(4096))
    if at + 3 * 4096 < end:
        d = bytearray(data)
        d[at:at + 4096], d[at + 8192:at + 12288] = data[at + 8192:at + 12288], data[at:at + 4096]
        out["clusters swapped"] = bytes(d)
    return out


def pillow_says(data: bytes) -> str | None:
    try:
        Image.open(io.BytesIO(data)).load()
        return None
    except Exception as exc:     # what Pillow says, whatever it is
        return str(exc)


def photovet_says(data: bytes, suffix: str) -> str | None:
    path = TMP / f"x{suffix}"
    path.write_bytes(data)
    try:
        load_image(path)
        return None
    except ImageError as exc:
        return exc.message


def rows_changed(data: bytes, ref: np.ndarray) -> float:
    arr = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    if arr.shape != ref.shape:
        return 1.0
    return float((np.abs(arr.astype(int) - ref.astype(int)).mean(axis=(1, 2)) > 8).mean())


print("== Damaged fixtures Pillow decodes without a word: caught now (visibly damaged: caught)")
total = [0, 0, 0, 0]
for name, data in bases().items():
    suffix = ".webp" if data[:4] == b"RIFF" else ".jpg"
    ref = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert photovet_says(data, suffix) is None, name
    n = caught = vis = vis_caught = 0
    missed = []
    for dname, d in damages(data).items():
        if pillow_says(d):
            continue                 # refused before too (Pillow's own error)
        n += 1
        seen = rows_changed(d, ref) >= 0.01
        vis += seen
        if photovet_says(d, suffix):
            caught += 1
            vis_caught += seen
        elif seen:
            missed.append(dname)
    total = [t + x for t, x in zip(total, (n, caught, vis, vis_caught), strict=True)]
    print(f"  {name:22s} {caught:2d} / {n:2d}   ({vis_caught} / {vis})"
          + (f"   missed, visibly damaged: {', '.join(missed)}" if missed else ""))
print(f"  {'all':22s} {total[1]:2d} / {total[0]:2d}   ({total[3]} / {total[2]})")

if not a.no_sweep:
    print("== False refusals")
    files = [p for p in sorted(D.rglob("*")) if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS]
    refused = [(p, photovet_says(p.read_bytes(), p.suffix)) for p in files]
    refused = [(p, why) for p, why in refused if why]
    print(f"  shared data: {len(refused)} of {len(files)} photos refused", *refused, sep="\n    ")
    src = Image.open(REAL).convert("RGB")
    big = src.resize((4032, 3024), Image.Resampling.BILINEAR)
    made = {
        "12 MP 4:2:0 q75": encoded(big, quality=75), "12 MP 4:2:0 q95": encoded(big, quality=95),
        "12 MP 4:2:2": encoded(big, quality=92, subsampling=1),
        "12 MP 4:4:4": encoded(big, quality=92, subsampling=0),
        "12 MP progressive": encoded(big, quality=90, progressive=True),
        "12 MP optimised": encoded(big, quality=90, optimize=True),
        "12 MP restart rows": encoded(big, quality=90, restart_marker_rows=2),
        "12 MP restart blocks": encoded(big, quality=90, restart_marker_blocks=17),
        "12 MP progressive restart": encoded(big, quality=90, progressive=True,
                                             restart_marker_blocks=100),
        "CMYK": encoded(src.convert("CMYK"), quality=90),
        "CMYK progressive": encoded(src.convert("CMYK"), quality=90, progressive=True),
        "grey": encoded(src.convert("L"), quality=90),
        "odd size": encoded(src.resize((1001, 777)), quality=90),
        "tiny": encoded(src.resize((7, 5)), quality=90),
        "quality 100": encoded(src, quality=100, subsampling=0), "quality 5": encoded(src, quality=5),
        "bytes after the end": encoded(src, quality=90) + bytes(100) + encoded(src.resize((160, 120))),
    }
    try:
        import cv2
        arr = np.asarray(big)[:, :, ::-1]
        for name, params in {"OpenCV": [], "OpenCV progressive": [cv2.IMWRITE_JPEG_PROGRESSIVE, 1],
                             "OpenCV optimised": [cv2.IMWRITE_JPEG_OPTIMIZE, 1],
                             "OpenCV restart": [cv2.IMWRITE_JPEG_RST_INTERVAL, 5]}.items():
            made[name] = cv2.imencode(".jpg", arr, params)[1].tobytes()
    except ImportError:
        pass
    wrong = [(n, why) for n, d in made.items() if (why := photovet_says(d, ".jpg"))]
    print(f"  encoders: {len(wrong)} of {len(made)} refused", *wrong, sep="\n    ")

print("== Cost: load_image of a 12 MP photo, the check on against off (CPU s, medians)")
big = Image.open(REAL).convert("RGB").resize((4032, 3024), Image.Resampling.BILINEAR)
real_check = imaging.OpenedImage.check_jpeg_data
for kind, data in (("baseline", encoded(big, quality=92)),
                   ("progressive", encoded(big, quality=92, progressive=True))):
    times: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(a.rounds):
        for side in ("off", "on"):
            imaging.OpenedImage.check_jpeg_data = (real_check if side == "on"
                                                   else lambda self: None)
            t0 = time.process_time()
            load_image("x.jpg", data=data)
            times[side].append(time.process_time() - t0)
    imaging.OpenedImage.check_jpeg_data = real_check
    off, on = (sorted(times[s])[len(times[s]) // 2] for s in ("off", "on"))
    print(f"  {kind:12s} off {off:.3f}  on {on:.3f}  (+{on - off:.3f} s, x{on / off:.2f})")
