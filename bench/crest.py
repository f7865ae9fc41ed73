"""Benchmark: finding the school's crest (issue 18).

    python bench/crest.py [--data ../shared/data] [--n 60]
    python bench/crest.py --video [--only short,small,side,diagonal]

With the crest drawn by tests/core/test_school_identifiers.py:
  * recall on N random 12 MP scenes (scale 0.25-1.5 of a 400 x 480 crest, turned -60..60
    degrees, up to half hidden), by crest size in the photo;
  * false matches: N scenes with a different drawn shield, and every real photo of
    ../shared/data (faces, identities, text, badges) searched for the drawn crest;
  * CPU time per 12 MP photo, and the load average (the machine's 2 cores are shared).
--video: the crest in drawn clips (tests/video_clips.py, written to a temporary folder),
analysed as the product does with no face engine (the crest's searches and covers alone):
  * short: on screen 4-15 frames at 30 fps while everything moves (the camera pans 2 px a
    frame), at several starts within a reading interval;
  * small: 60-80 px across in a 1280 x 720 or 1920 x 1080 picture (under or about half a
    change block), held up still or carried, someone walking across;
  * side: carried in from the picture's side, or on screen to the clip's end;
  * diagonal: a small crest moving fast on a diagonal.
For each: found or not, frames on screen not wholly covered (must be 0), the cover's area over
the crest's (largest, and mean over the frames it is on screen), the searches and their CPU.
Nothing is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photovet.core.vision.crest import CrestMatcher  # noqa: E402


def _fixtures():
    spec = importlib.util.spec_from_file_location(
        "photovet_test_school", ROOT / "tests" / "core" / "test_school_identifiers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _video_cases(only: set[str]) -> list[tuple[str, str, dict]]:
    """(group, name, make_clip arguments) of the drawn clips (module notes)."""
    from tests.video_clips import Mover, Picture

    fx = _fixtures()
    crest = fx.draw_crest()
    out = []
    if not only or "short" in only:
        for n in (4, 6, 8, 10, 12, 15):
            for start in (3, 10, 17, 24):
                out.append(("short", f"{n} frames from {start}, pan", dict(
                    size=(640, 360), seconds=1.2, pan=(2, 0),
                    pictures=[Picture(crest.resize((80, 96)), (260, 120), start / 30,
                                      (start + n) / 30, velocity=(-2, 0))])))
    if not only or "small" in only:
        for size in ((1280, 720), (1920, 1080)):
            for side in (60, 70, 80):
                for v in ((0, 0), (2, 1)):
                    for start in (4, 13, 22):
                        out.append(("small", f"{side} px in {size[0]}x{size[1]} v{v} "
                                    f"from {start}", dict(
                                        size=size, seconds=1.0,
                                        movers=[Mover(size[0] // 10, (size[0] * 0.1, size[1] * 0.3),
                                                      (size[0] * 0.5, size[1] * 0.35))],
                                        pictures=[Picture(crest.resize((side, int(side * 1.2))),
                                                          (size[0] * 6 // 10, size[1] // 2),
                                                          start / 30, (start + 14) / 30,
                                                          velocity=v)])))
    if not only or "side" in only:
        for v in (2, 4, 6):
            out.append(("side", f"in from the left at {v} px a frame", dict(
                size=(640, 360), seconds=2.0,
                pictures=[Picture(crest.resize((90, 108)), (-90, 130), 0.0, 3.0,
                                  velocity=(v, 0))])))
            out.append(("side", f"on screen to the end, {v} px a frame", dict(
                size=(640, 360), seconds=2.0,
                pictures=[Picture(crest.resize((90, 108)), (120, 130), 0.5, 3.0,
                                  velocity=(v, 0))])))
        out.append(("side", "still, on screen to the end", dict(
            size=(640, 360), seconds=2.0,
            pictures=[Picture(crest.resize((90, 108)), (300, 130), 0.5, 3.0)])))
    if not only or "diagonal" in only:
        for side in (64, 80):
            for v in (4, 6, 8):
                out.append(("diagonal", f"{side} px at ({v}, {v}) px a frame", dict(
                    size=(640, 360), seconds=1.0,
                    pictures=[Picture(crest.resize((side, int(side * 1.2))), (60, 20),
                                      0.1, 2.0, velocity=(v, v * 0.6))])))
    return out


def video(only: set[str], show: str = "") -> None:
    """The crest in drawn clips (module notes)."""
    import tempfile

    from photovet.core.media.video.analysis import analyse_video
    from photovet.core.media.video.covers import CoverPlan
    from tests.video_clips import make_clip

    fx = _fixtures()
    searches = [0, 0.0]

    class Counted(CrestMatcher):
        def find(self, image):
            c0 = time.thread_time()
            try:
                return super().find(image)
            finally:
                searches[0] += 1
                searches[1] += time.thread_time() - c0

    class NoFaces:
        def detect_passes(self, passes, threshold=0.3, tile=1024):
            return [], []

    matcher = Counted([("c" * 64, fx.draw_crest())])
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    groups: dict[str, list] = {}
    with tempfile.TemporaryDirectory() as td:
        for k, (group, name, kw) in enumerate(_video_cases(only)):
            clip = make_clip(Path(td) / f"c{k}.mp4", **kw)
            searches[:] = [0, 0.0]
            an = analyse_video(clip.path, face_engine=NoFaces(), crest_matcher=matcher)
            Path(clip.path).unlink()
            crests = [t for t in an.tracks if t.school == "crest"]
            for t in crests:
                t.decision = "cover"
            plan = CoverPlan(an)
            on, bare, ratios = [], [], []
            pw, ph = kw["pictures"][0].image.size
            for f, boxes in enumerate(clip.pictures):
                if not boxes or boxes[0][2] - boxes[0][0] < 1 or boxes[0][3] - boxes[0][1] < 1:
                    continue
                x1, y1, x2, y2 = boxes[0]
                on.append(f)
                covers = [c.box for c in plan.at(f) if c.label == "the school's crest"]
                if not any(c[0] <= x1 and c[1] <= y1 and c[0] + c[2] >= x2
                           and c[1] + c[3] >= y2 for c in covers):
                    bare.append(f)
                # (over the whole crest's area: one partly out of the picture is no smaller)
                ratios.append(sum(c[2] * c[3] for c in covers) / (pw * ph))
            covered = [f for f in plan.frames()
                       if any(c.label == "the school's crest" for c in plan.at(f))]
            extra = len([f for f in covered if f not in on])
            row = dict(found=bool(crests), bare=len(bare), on=len(on),
                       max_ratio=max(ratios, default=0.0),
                       mean_ratio=statistics.mean(ratios) if ratios else 0.0,
                       extra=extra, searches=searches[0], cpu=searches[1],
                       seconds=an.duration)
            groups.setdefault(group, []).append(row)
            print(f"  {group:8} {name:40} found={int(row['found'])} "
                  f"uncovered={row['bare']}/{row['on']} area x{row['max_ratio']:.1f} max "
                  f"x{row['mean_ratio']:.1f} mean, {extra} frames covered off screen, "
                  f"{row['searches']} searches {row['cpu']:.2f} s", flush=True)
    for group, rows in groups.items():
        found = [r for r in rows if r["found"]]
        print(f"{group}: found {len(found)}/{len(rows)}, frames uncovered "
              f"{sum(r['bare'] for r in rows)}/{sum(r['on'] for r in rows)}, area x"
              f"{max((r['max_ratio'] for r in found), default=0):.1f} max, x"
              f"{statistics.mean([r['mean_ratio'] for r in found]) if found else 0:.1f} mean; "
              f"search CPU {sum(r['cpu'] for r in rows) / sum(r['seconds'] for r in rows):.3f}"
              f" s a video second ({sum(r['searches'] for r in rows)} searches)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--video", action="store_true", help="the crest in drawn clips")
    ap.add_argument("--only", default="", help="with --video: short,small,side,diagonal")
    args = ap.parse_args()
    if args.video:
        video({w for w in args.only.split(",") if w})
        return
    fx = _fixtures()
    crest = fx.draw_crest()
    matcher = CrestMatcher([("crest", crest)])
    rng = np.random.default_rng(2026)
    bands = {"<150 px": [0, 0], "150-300 px": [0, 0], ">=300 px": [0, 0]}
    cpu = []
    misses = []
    for k in range(args.n):
        scale = float(rng.uniform(0.25, 1.5))
        angle = float(rng.uniform(-60, 60))
        hide = float(rng.choice([0.0, 0.0, 0.25, 0.5]))
        photo, box = fx.scene(crest, scale, angle, hide=hide, seed=1000 + k,
                              at=(int(rng.integers(100, 2800)), int(rng.integers(100, 1700))))
        side = min(crest.width, crest.height) * scale
        band = "<150 px" if side < 150 else "150-300 px" if side < 300 else ">=300 px"
        t0 = time.process_time()
        hits = matcher.find(photo)
        cpu.append(time.process_time() - t0)
        ok = any(fx._centre_in(h.quad, box) for h in hits)
        bands[band][0] += ok
        bands[band][1] += 1
        if not ok:
            misses.append(f"scale {scale:.2f} angle {angle:.0f} hidden {hide:.0%}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"recall on {args.n} random 12 MP scenes, by the crest's shorter side in the photo:")
    for band, (hit, n) in bands.items():
        if n:
            print(f"  {band:>10}: {hit}/{n}")
    if misses:
        print("  missed: " + "; ".join(misses))
    print(f"CPU per 12 MP photo: median {statistics.median(cpu):.2f} s, max {max(cpu):.2f} s")
    wrong = 0
    for k in range(args.n):
        photo, _ = fx.scene(fx.draw_decoy(), float(rng.uniform(0.3, 1.5)),
                            float(rng.uniform(-60, 60)), seed=5000 + k)
        wrong += bool(matcher.find(photo))
    print(f"false matches on {args.n} scenes with a different shield: {wrong}")
    data = Path(args.data)
    real = wrong_real = 0
    for folder in ("faces", "identities", "text", "badges"):
        for p in sorted((data / folder).glob("*")):
            if p.suffix.lower() not in (".jpg", ".jpeg", ".png", ".webp"):
                continue
            try:
                with Image.open(p) as im:
                    im = im.convert("RGB")
            except Exception:
                continue
            real += 1
            hits = matcher.find(im)
            if hits:
                wrong_real += 1
                print(f"  false match in {folder}/{p.name}: {[h.inliers for h in hits]}")
    print(f"false matches on {real} real photos of ../shared/data: {wrong_real}")


if __name__ == "__main__":
    main()
