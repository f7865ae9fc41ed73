"""Can the text reader read less of a large photo and lose no name? Three checks (issue 14).

    python bench/text_plan.py levels  [--data ../shared/data]
    python bench/text_plan.py probmap [--data ../shared/data]
    python bench/text_plan.py plan PHOTO [PHOTO ...]

``levels``: every pupil's name on ../shared/data/badges (as stored, so at its own pixels),
detected on a crop around it (200 px of photo on each side) at scales 1.0 down to 0.5: the
share of the name inside the boxes found at each scale (>= 0.9 counts as found). A name found
only at 1.0 says the badge areas must be read at full resolution: any plan that reads them
scaled down (a cheaper pass first, full resolution only where it saw something) loses it.

``probmap``: on the 12 MP badge mosaics of bench/text.py (names at their own pixel size), the
whole-photo pass's probability map (the detector's own output, before thresholds, on the
photo scaled to ``det_max_side``), its largest value inside each pupil's name. A name at 0.00
leaves no trace there: no threshold on that map can tell which badge areas to skip.

``plan``: the detector inputs the badge areas are read in (``TextEngine._focus``'s plan, as
text_stages.py counts them, without running the detector) on large photos, faces found first:
the plan as it is against variants (the order areas are taken in, how far neighbours are
joined, the context each piece gets, the largest detector input; and areas cropped to a body's
width, which ``names.badge_areas`` decides). Pure arithmetic: it says how
many detector pixels a variant would save, not whether it finds the same lines (that is
bench/text.py with bench/text_compare.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

SCALES = (1.0, 0.9, 0.8, 0.7, 0.64, 0.56, 0.5)


def _engine():
    from photovet.core.settings import Settings
    from photovet.core.vision.text import ocr

    engine = ocr.TextEngine.load(ocr.text_options(Settings().text, threads=1))
    pp = engine._det.postprocess_op
    pp.box_thresh, pp.thresh = (float(engine.options["det_box_thresh"]),
                                float(engine.options["det_thresh"]))
    return engine


def _share(points, quads) -> float:
    from shapely.geometry import Polygon
    from shapely.ops import unary_union

    target = Polygon([(float(x), float(y)) for x, y in points]).buffer(0)
    polys = [Polygon(q).buffer(0) for q in quads]
    if not polys or target.area <= 0:
        return 0.0
    return float(target.intersection(unary_union(polys)).area / target.area)


def run_levels(data: Path) -> None:
    from photovet.core.vision.picture import Picture

    engine = _engine()
    folder = data / "badges"
    manifest = json.loads((folder / "manifest.json").read_text())
    lowest: list[float] = []
    print("name (text height px): share found at scale " + " ".join(f"{s:.2f}" for s in SCALES))
    for entry in manifest["files"]:
        im = Image.open(folder / entry["file"]).convert("RGB")
        arr = Picture(np.asarray(im))
        w, h = im.size
        for item in entry["items"]:
            if not item["is_pupil_name"]:
                continue
            pts = np.asarray(item["polygon"], np.float32)
            (x0, y0), (x1, y1) = pts.min(0), pts.max(0)
            rect = (max(0, int(x0) - 200), max(0, int(y0) - 200),
                    min(w, int(x1) + 200), min(h, int(y1) + 200))
            shares = [_share(pts, engine._detect_area(arr, rect, s)) for s in SCALES]
            # the lowest scale from which every finer one finds it
            ok = [s >= 0.9 for s in shares]
            k = 0
            while k < len(ok) and ok[k]:
                k += 1
            lowest.append(SCALES[k - 1] if k else float("nan"))
            print(f"  {item['text']!r} ({item['text_height_px']:.1f}): "
                  + " ".join(f"{v:4.2f}" for v in shares), flush=True)
    found = [v for v in lowest if not math.isnan(v)]
    print(f"\n{len(lowest)} pupils' names; found at every scale down to: "
          + ", ".join(f"{s:.2f}: {sum(v == s for v in found)}" for s in SCALES)
          + f"; not even at 1.0: {len(lowest) - len(found)}")


def run_probmap(data: Path) -> None:
    import text as text_bench  # bench/text.py

    from photovet.core.vision.text import ocr

    engine = _engine()
    cv2 = engine._cv2
    folder = data / "badges"
    manifest = json.loads((folder / "manifest.json").read_text())
    pairs = [(folder / e["file"], e) for e in manifest["files"]]
    values: list[tuple[float, float, str]] = []
    for n, (canvas, placed) in enumerate(text_bench.mosaics(pairs)):
        arr = engine._to_rgb(canvas)
        h, w = arr.shape[:2]
        scale = engine.detection_scale(w, h)
        small = ocr.scaled_down(arr, (round(w * scale), round(h * scale)), cv2)
        sh, sw = small.shape[:2]
        prob = np.zeros((sh, sw), np.float32)
        for ty0, ty1 in engine._tiles(sh, True):
            for tx0, tx1 in engine._tiles(sw, True):
                tile = small[ty0:ty1, tx0:tx1]
                th, tw = tile.shape[:2]
                ph, pw = math.ceil(th / 32) * 32, math.ceil(tw / 32) * 32
                tile = cv2.copyMakeBorder(tile, 0, ph - th, 0, pw - tw, cv2.BORDER_CONSTANT,
                                          value=(127, 127, 127))
                x = tile[:, :, ::-1].astype(np.float32) / 127.5 - 1.0
                inp = np.ascontiguousarray(x.transpose(2, 0, 1))[None]
                out = engine._det_session.run(None, {engine._det_input: inp})[0][0, 0, :th, :tw]
                prob[ty0:ty1, tx0:tx1] = np.maximum(prob[ty0:ty1, tx0:tx1], out)
        for item in placed:
            if not item["is_pupil_name"]:
                continue
            mask = np.zeros(prob.shape, np.uint8)
            poly = np.asarray(item["polygon"], np.float32) * scale
            cv2.fillPoly(mask, [poly.round().astype(np.int32)], 1)
            inside = prob[mask > 0]
            values.append((float(inside.max()) if inside.size else 0.0,
                           item["text_height_px"], item["text"]))
        print(f"  mosaic {n}: scale {scale:.3f}", flush=True)
    print("\npupils' names, largest probability inside the name on the whole-photo pass:")
    for v, hpx, t in sorted(values):
        if v < 0.5:
            print(f"  {v:.3f}  {t!r} ({hpx:.1f} px)")
    print(f"{sum(v < 0.01 for v, _, _ in values)} of {len(values)} names under 0.01, "
          f"{sum(v < 0.3 for v, _, _ in values)} under the binarisation threshold 0.3")


def run_plan(photos: list[Path]) -> None:
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.vision.text import ocr
    from photovet.core.vision.text.names import badge_areas

    faces = FaceEngine.load(Settings())
    base_px = int(ocr._DEFAULTS["det_max_pixels"])
    overlap = int(ocr._DEFAULTS["det_overlap"])
    main_side = int(ocr._DEFAULTS["det_max_side"])

    def detector_px(rect, level, max_px):
        w, h = rect[2] - rect[0], rect[3] - rect[1]
        if level < 0.999:
            w, h = max(16, round(w * level)), max(16, round(h * level))
        side = max(64, int(math.sqrt(max_px)) // 32 * 32)
        xs, ys = ocr.area_tiles(w, h, max_px, overlap, side)
        return sum(ocr._padded(b - a) * ocr._padded(d - c) for a, b in xs for c, d in ys)

    def plan(levels, max_px=base_px, order="smallest", join=1.0, waste=0.15,
             context=ocr.FOCUS_CONTEXT):
        side = max(64, int(math.sqrt(max_px)) // 32 * 32)
        done, px = [], 0
        for level in sorted(levels, reverse=True):
            limit = int(side * join / level)
            rects = ocr.merge_overlapping(levels[level], limit, waste)
            key = {"smallest": lambda r: (r[2] - r[0]) * (r[3] - r[1]),
                   "largest": lambda r: -(r[2] - r[0]) * (r[3] - r[1]),
                   "rows": lambda r: (r[1], r[0])}[order]
            rects.sort(key=key)
            ctx = round(context / level)
            for rect in rects:
                if ocr.covered_share(rect, [ocr._shrunk(r, c) for r, c in done]) >= 0.95:
                    continue
                for piece in ocr.unseen_pieces(rect, done, ctx, limit):
                    px += detector_px(piece, level, max_px)
                done.append((rect, ctx))
        return px

    variants = {
        "as now": {},
        "largest area first": {"order": "largest"},
        "row by row": {"order": "rows"},
        "neighbours joined up to 2x an input's side": {"join": 2.0},
        "neighbours joined into whole rows": {"join": 100.0},
        "joined with up to 30 % waste": {"waste": 0.3},
        "context 96 px (not 128)": {"context": 96},
        "inputs up to 768 x 768": {"max_px": 768 * 768},
        "inputs up to 864 x 864": {"max_px": 864 * 864},
    }
    body = "areas 1 face width either side, not 1.5 (names.FOCUS_ASIDE)"
    totals = dict.fromkeys([*variants, body], 0.0)
    union_total = 0.0

    def by_level(areas, w, h, main):
        levels: dict[float, list] = {}
        for x0, y0, x1, y1, sc in areas:
            x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w, x1), min(h, y1)
            level = ocr.focus_level(sc, main)
            if level is not None and main < 0.9 and x1 - x0 >= 16 and y1 - y0 >= 16:
                levels.setdefault(level, []).append((x0, y0, x1, y1))
        return levels

    for path in photos:
        im = Image.open(path)
        im.load()
        w, h = im.size
        main = min(1.0, main_side / max(w, h))
        boxes = [f.box for f in faces.detect(im)]
        areas = badge_areas(boxes)
        levels = by_level(areas, w, h, main)
        # the same areas cropped to about a body's width: 0.5 face widths off each side
        # (badge_areas keeps a face's areas in order and leaves out only the small faces)
        big = [b for b in boxes if b[3] >= 48.0 and b[2] > 0]
        narrow = [(a[0] + 0.5 * b[2], a[1], a[2] - 0.5 * b[2], *a[3:]) for a, b in zip(areas, big)]
        union = 0.0
        for level, rects in levels.items():
            grid = np.zeros((h // 8 + 1, w // 8 + 1), bool)
            for x0, y0, x1, y1 in rects:
                grid[y0 // 8:math.ceil(y1 / 8), x0 // 8:math.ceil(x1 / 8)] = True
            union += float(grid.sum()) * 64 * level * level
        union_total += union
        row = {name: plan(levels, **kw) for name, kw in variants.items()}
        row[body] = plan(by_level(narrow, w, h, main))
        for name, v in row.items():
            totals[name] += v
        print(f"{path.name}: union {union / 1e6:.2f} Mpx, as now {row['as now'] / 1e6:.2f} Mpx",
              flush=True)
    n = len(photos)
    print(f"\n{n} photo(s): badge-area union {union_total / n / 1e6:.2f} Mpx a photo (at the "
          "levels they are read at)")
    print("| plan | detector Mpx a photo | / union | against as now |")
    print("|---|---|---|---|")
    for name, v in totals.items():
        print(f"| {name} | {v / n / 1e6:.2f} | {v / max(1.0, union_total):.2f} | "
              f"{v / totals['as now'] - 1:+.1%} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("check", choices=("levels", "probmap", "plan"))
    ap.add_argument("photos", nargs="*", type=Path, help="plan: the photos (12 MP)")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "PHOTOVET_SHARED_DATA", ROOT.parent / "shared" / "data")))
    args = ap.parse_args()
    if args.check == "plan":
        if not args.photos:
            ap.error("plan needs photos (bench/throughput.py --keep builds 12 MP ones)")
        run_plan(args.photos)
    elif not (args.data / "badges" / "manifest.json").is_file():
        print(f"{args.data / 'badges'} is absent: nothing to check")
        return 1
    elif args.check == "levels":
        run_levels(args.data)
    else:
        run_probmap(args.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
