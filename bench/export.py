"""Memory and time of a 500-photo, 12 MP batch through the CLI, as a school runs it.

Builds ``--count`` distinct 4000 x 3000 JPEGs in a temporary folder (never the repo): each is a
photo from ../shared/data/faces (or a synthetic picture when that folder is absent) scaled and
tiled to 12 MP, with a name badge drawn on it and GPS in its EXIF, so face detection,
recognition, the name check and metadata removal all do real work. Then it runs, as separate
processes, exactly what an office would:

    photovet scan     --channel website     (faces and text on)
    photovet ready                          (signed in as the office: preparer)
    photovet approve                        (signed in as a senior leader: approver)
    photovet export   --out ...

and prints, for each process, its wall time and its peak resident memory (the kernel's
``ru_maxrss`` for that child, i.e. VmHWM), plus resident memory sampled every half second.
The target (issue 10) is a peak under 600 MB in every process.

Usage: python bench/export.py [--count 500] [--channel website] [--keep]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
FACES = REPO.parent / "shared" / "data" / "faces"
SIZE = (4000, 3000)
TARGET_MB = 600
NAMES = ["Amelia Hughes", "Oliver Patel", "Isla Morgan", "Noah Williams", "Ava Thompson",
         "Leo Evans", "Freya Khan", "Arthur Davies"]


def font(size: int) -> ImageFont.ImageFont:
    for f in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(f, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "BenchCam", "B-12"
    exif.get_ifd(0x8769)[0x9003] = "2026:06:12 10:00:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    gps[3], gps[4] = "W", (0.0, 7.0, 40.1)
    return exif.tobytes()


def make_tiles(n: int) -> list[Image.Image]:
    """A few 2000 x 1500 tiles to build from (kept small in memory)."""
    sources = sorted(p for p in FACES.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")) \
        if FACES.is_dir() else []
    if not sources:
        print(f"note: {FACES} is absent; using synthetic pictures (no real faces)")
    half = (SIZE[0] // 2, SIZE[1] // 2)
    tiles = []
    rng = np.random.default_rng(1)
    for i in range(n):
        if sources:
            with Image.open(sources[i % len(sources)]) as src:
                src = src.convert("RGB")
                scale = max(half[0] / src.width, half[1] / src.height)
                tiles.append(src.resize((int(src.width * scale) + 1, int(src.height * scale) + 1),
                                        Image.Resampling.BICUBIC).crop((0, 0, *half)))
        else:
            arr = rng.integers(0, 255, (half[1] // 8, half[0] // 8, 3), dtype=np.uint8)
            tiles.append(Image.fromarray(arr).resize(half, Image.Resampling.BICUBIC))
    return tiles


def build(folder: Path, count: int) -> list[Path]:
    tiles = make_tiles(min(count, 24))
    exif = gps_exif()
    big = font(90)
    rng = random.Random(7)
    half = (SIZE[0] // 2, SIZE[1] // 2)
    out = []
    for i in range(count):
        a, b = tiles[i % len(tiles)], tiles[(i * 7 + 3) % len(tiles)]
        canvas = Image.new("RGB", SIZE)
        canvas.paste(a, (0, 0))
        canvas.paste(b.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (half[0], 0))
        canvas.paste(b.transpose(Image.Transpose.FLIP_TOP_BOTTOM), (0, half[1]))
        canvas.paste(a.transpose(Image.Transpose.ROTATE_180), half)
        draw = ImageDraw.Draw(canvas)
        # a name badge (white card, dark text) somewhere in the lower half
        x, y = rng.randrange(100, 2800), rng.randrange(1700, 2600)
        draw.rectangle((x, y, x + 1000, y + 260), fill="white", outline="navy", width=8)
        draw.text((x + 40, y + 30), "HELLO my name is", fill="navy", font=font(50))
        draw.text((x + 40, y + 110), NAMES[i % len(NAMES)], fill="black", font=big)
        # a unique mark so every file is a different photo (different SHA-256)
        draw.rectangle((10, 10, 40, 40), fill=(i % 256, (i // 256) % 256, 128))
        path = folder / f"IMG_{i:04d}.JPG"
        canvas.save(path, "JPEG", quality=90, exif=exif)
        out.append(path)
        if (i + 1) % 50 == 0:
            print(f"  built {i + 1}/{count}", flush=True)
    return out


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run(label: str, args: list[str], env: dict[str, str], log: Path) -> dict:
    """Run one photovet process, sample its memory, return wall time and peak RSS."""
    with open(log, "w") as out:
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "photovet", *args], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
        samples: list[float] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                v = rss_mb(proc.pid)
                if v is not None:
                    samples.append(v)
                stop.wait(0.5)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        th.join()
        wall = time.monotonic() - t0
    peak = usage.ru_maxrss / 1024  # Linux: kB
    quarter = [samples[min(len(samples) - 1, int(len(samples) * f))] for f in (0.25, 0.5, 0.75)] \
        if samples else []
    print(f"{label:<8} exit {proc.returncode}  {wall:7.1f} s  peak RSS {peak:6.0f} MB  "
          f"(RSS at 25/50/75 % of the run: {', '.join(f'{q:.0f}' for q in quarter)} MB)  "
          f"{'OK' if peak < TARGET_MB else 'OVER ' + str(TARGET_MB) + ' MB'}", flush=True)
    return {"label": label, "exit": proc.returncode, "wall": wall, "peak": peak}


PASSWORD = "bench staple battery horse"


def staff_accounts(env: dict[str, str]) -> None:
    """The office (first admin: admin, preparer, poster) and a senior leader (approver)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        sys.path.insert(0, str(REPO))
        from photovet.core.workspace import Workspace

        ws = Workspace.open(Path(env["PHOTOVET_HOME"]))
        try:
            ws.create_first_admin("Bench Office", PASSWORD)
            code = ws.accounts.add("Bench Leader", ("approver",))
            ws.first_sign_in("Bench Leader", code, PASSWORD)
        finally:
            ws.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=500, help="photos in the batch (default 500)")
    ap.add_argument("--channel", default="website")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="photovet-bench-export-"))
    home, src, out = tmp / "home", tmp / "trip", tmp / "out"
    for d in (home, src, out):
        d.mkdir()
    env = dict(os.environ, PHOTOVET_HOME=str(home), PHOTOVET_KEYSTORE="file",
               PHOTOVET_CONFIG=str(tmp / "config"))
    env.pop("PHOTOVET_QUIT_AFTER", None)
    office = dict(env, PHOTOVET_USER="Bench Office", PHOTOVET_PASSWORD=PASSWORD)
    leader = dict(env, PHOTOVET_USER="Bench Leader", PHOTOVET_PASSWORD=PASSWORD)
    try:
        t = time.monotonic()
        # Built in a child process: a child forked from this one would otherwise inherit the
        # builder's memory in its peak figure (ru_maxrss counts the RSS at fork).
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            photos = pool.apply(build, (src, args.count))
        size = sum(p.stat().st_size for p in photos) / len(photos) / 1e6
        print(f"built {len(photos)} distinct {SIZE[0]}x{SIZE[1]} JPEGs (~{size:.1f} MB each, "
              f"badge and GPS on each) in {time.monotonic() - t:.0f} s; "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        staff_accounts(env)
        ch = ["--channel", args.channel]
        results = [
            run("scan", ["scan", *ch, str(src)], office, tmp / "scan.log"),
            run("ready", ["ready", *ch, str(src)], office, tmp / "ready.log"),
            run("approve", ["approve", "--all-checks-done", *ch, str(src)], leader, tmp / "approve.log"),
            run("export", ["export", *ch, "--out", str(out), "--label", "bench", str(src)], office,
                tmp / "export.log"),
        ]
        exported = len(list(out.glob("*.jpg")))
        print(f"exported {exported}/{len(photos)} photos "
              f"({len(photos) / results[-1]['wall']:.2f} photos/s in the export process)")
        worst = max(r["peak"] for r in results)
        print(f"worst peak RSS of any process: {worst:.0f} MB (target < {TARGET_MB} MB): "
              f"{'met' if worst < TARGET_MB else 'NOT met'}")
        for r in results:
            if r["exit"] != 0:
                print(f"note: {r['label']} exited {r['exit']}; last lines of its output:")
                print("\n".join((tmp / f"{r['label']}.log").read_text().splitlines()[-5:]))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
