"""Benchmark: finding the school's crest (issue 18).

    python bench/crest.py [--data ../shared/data] [--n 60]

With the crest drawn by tests/core/test_school_identifiers.py:
  * recall on N random 12 MP scenes (scale 0.25-1.5 of a 400 x 480 crest, turned -60..60
    degrees, up to half hidden), by crest size in the photo;
  * false matches: N scenes with a different drawn shield, and every real photo of
    ../shared/data (faces, identities, text, badges) searched for the drawn crest;
  * CPU time per 12 MP photo, and the load average (the machine's 2 cores are shared).
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--n", type=int, default=60)
    args = ap.parse_args()
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
