"""Benchmark the safe-copy engine on 12 MP JPEGs.

Builds 4000 x 3000 JPEGs by scaling and tiling the photos in ../shared/data/faces (or synthetic
pictures when that folder is absent) in a temporary folder (never the repo), then prints:

- median seconds per photo for inspect (metadata findings) and for export (one thread);
- photos per second for a batch using both cores (export_batch, 2 workers);
- resident memory sampled at 25/50/75/100 % of the batch and the peak (VmHWM).

Usage: python bench/export.py [--count 200] [--channel website] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from photovet.core.media.export import export_batch, export_photo  # noqa: E402
from photovet.core.media.metadata import inspect_file  # noqa: E402
from photovet.core.settings import Settings  # noqa: E402

FACES = REPO.parent / "shared" / "data" / "faces"
SIZE = (4000, 3000)


def status_kb(key: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if key == "VmHWM" else 0


def make_sources(folder: Path, n_distinct: int) -> list[Path]:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "BenchCam", "B-12"
    exif.get_ifd(0x8769)[0x9003] = "2026:06:12 10:00:00"
    photos = sorted(p for p in FACES.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")) \
        if FACES.is_dir() else []
    if not photos:
        print(f"note: {FACES} is absent; using synthetic pictures")
    out = []
    rng = np.random.default_rng(1)
    for i in range(n_distinct):
        if photos:
            with Image.open(photos[i % len(photos)]) as src:
                src = src.convert("RGB")
                # scale to cover half the canvas, then tile 2 x 2 (mirrored) for a 12 MP picture
                half = (SIZE[0] // 2, SIZE[1] // 2)
                scale = max(half[0] / src.width, half[1] / src.height)
                tile = src.resize((int(src.width * scale) + 1, int(src.height * scale) + 1),
                                  Image.Resampling.BICUBIC).crop((0, 0, *half))
            canvas = Image.new("RGB", SIZE)
            canvas.paste(tile, (0, 0))
            canvas.paste(tile.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (half[0], 0))
            canvas.paste(tile.transpose(Image.Transpose.FLIP_TOP_BOTTOM), (0, half[1]))
            canvas.paste(tile.transpose(Image.Transpose.ROTATE_180), half)
        else:
            arr = rng.integers(0, 255, (SIZE[1] // 8, SIZE[0] // 8, 3), dtype=np.uint8)
            canvas = Image.fromarray(arr).resize(SIZE, Image.Resampling.BICUBIC)
        path = folder / f"src-{i:02d}.jpg"
        canvas.save(path, "JPEG", quality=92, exif=exif.tobytes())
        out.append(path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=200, help="photos in the batch (default 200)")
    ap.add_argument("--distinct", type=int, default=8, help="distinct 12 MP sources to build")
    ap.add_argument("--channel", default="website")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--single", type=int, default=8, help="photos timed one at a time")
    args = ap.parse_args()

    os.environ.setdefault("PHOTOVET_HOME", tempfile.mkdtemp(prefix="photovet-bench-home-"))
    settings = Settings.load()
    tmp = Path(tempfile.mkdtemp(prefix="photovet-bench-"))
    try:
        t = time.perf_counter()
        sources = make_sources(tmp, args.distinct)
        print(f"built {len(sources)} distinct {SIZE[0]}x{SIZE[1]} JPEGs "
              f"(~{sum(p.stat().st_size for p in sources) / len(sources) / 1e6:.1f} MB each) "
              f"in {time.perf_counter() - t:.1f} s")
        print(f"cpu cores: {os.cpu_count()}  channel: {args.channel} "
              f"(long edge {settings.channel(args.channel).get('long_edge')})")

        times = []
        for _ in range(3):
            for p in sources:
                t = time.perf_counter()
                inspect_file(p)
                times.append(time.perf_counter() - t)
        print(f"inspect: median {statistics.median(times):.4f} s per photo ({len(times)} runs)")

        single_out = tmp / "single"
        single_out.mkdir()
        times = []
        for i in range(args.single):
            src = sources[i % len(sources)]
            t = time.perf_counter()
            res = export_photo(src, single_out / f"s-{i:03d}.jpg", settings, args.channel)
            times.append(time.perf_counter() - t)
            assert res.ok, res.error
        print(f"export (one thread): median {statistics.median(times):.3f} s per photo "
              f"({len(times)} runs) -> {1 / statistics.median(times):.2f} photos/s on one core")
        shutil.rmtree(single_out)

        # the batch: distinct names hard-linked to the few sources (no 800 MB of test files)
        batch_in = tmp / "batch"
        batch_in.mkdir()
        paths = []
        for i in range(args.count):
            p = batch_in / f"photo-{i:04d}.jpg"
            os.link(sources[i % len(sources)], p)
            paths.append(p)
        out = tmp / "out"
        out.mkdir()
        marks = {max(1, round(args.count * f)) for f in (0.25, 0.5, 0.75, 1.0)}
        rss_at: dict[int, int] = {}
        ok = 0
        rss_before = status_kb("VmRSS")
        t = time.perf_counter()
        for step in export_batch(paths, out, label="bench", settings=settings, channel=args.channel,
                                 workers=args.workers):
            if step.result is None:
                continue
            ok += step.result.ok
            if not step.result.ok:
                print("failed:", step.result.error)
            if step.done in marks:
                rss_at[step.done] = status_kb("VmRSS")
            # keep the disk small: the copies are verified already
            if step.result.output:
                os.unlink(step.result.output)
        elapsed = time.perf_counter() - t
        print(f"batch: {ok}/{args.count} photos in {elapsed:.1f} s with {args.workers} workers -> "
              f"{args.count / elapsed:.2f} photos/s")
        print("RSS during the batch: before {:.0f} MB; ".format(rss_before / 1024)
              + ", ".join(f"after {k}: {v / 1024:.0f} MB" for k, v in sorted(rss_at.items())))
        print(f"peak RSS (VmHWM, whole process): {status_kb('VmHWM') / 1024:.0f} MB")
        load = os.getloadavg() if hasattr(os, "getloadavg") else None
        if load:
            print(f"load average during the run: {load[0]:.1f} (2 cores shared with other work)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
