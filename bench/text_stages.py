"""Where the text reader's detector time goes on large photos, stage by stage (issue 14).

    python bench/text_stages.py PHOTO [PHOTO ...] [--threads 1] [--detail]

For each photo: faces are found first (not timed), then ``TextEngine.read`` with the badge
areas, as the pipeline does. Printed per photo and on average: the detector's CPU seconds
(thread time), runs, runs that found any text, and input megapixels per stage (``main``: the
whole-photo pass's tiles, with the flat tiles it skipped; ``refine``; ``overview``; ``focus``:
the badge areas; ``stacked``: boxes holding several lines looked at again), the lines each
stage added (``main`` counts what the whole-photo pass, refine and overview gave together),
recognition's CPU and lines; and for the badge areas, how their detector pixels compare with
the pixels they cover:

  * ``union``: the photo pixels inside at least one badge area looked at again (at its level),
    counted at the level they are detected at (the least any search could detect);
  * ``pieces``: the pixels of the rectangles detected (merged areas, the unseen pieces of each
    with their context), which overlap where an area's context reaches into another's;
  * ``detector``: what the detector ran on (pieces cut into tiles of at most
    ``det_max_pixels`` with ``det_overlap``, padded to multiples of 32);
  * ``read again``: the detector pixels of tiles that lie at least ``FOCUS_CONTEXT`` px (as
    detected) inside a tile already run at the same level: seen before with that context, and
    read again only as the context a new tile's own pixels need (the most that skipping pixels
    already read could save, had the detector no need of context).

``pieces / union`` is the cost of the context each piece needs, ``detector / pieces`` that of
tiling and padding. ``--detail`` lists every piece. Use it on the throughput photos
(``bench/throughput.py`` builds them) and on badge mosaics; it changes nothing it measures.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

STAGES = ("main", "refine", "overview", "focus", "stacked")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("photos", nargs="+", type=Path)
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime threads (1: CPU per core)")
    ap.add_argument("--detail", action="store_true", help="list every badge-area piece")
    args = ap.parse_args()

    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.vision.text import ocr
    from photovet.core.vision.text.names import badge_areas

    settings = Settings()
    engine = ocr.TextEngine.load(ocr.text_options(settings.text, threads=args.threads))
    faces = FaceEngine.load(settings)
    stage = ["main"]
    cpu: dict[str, float] = {}
    px: dict[str, float] = {}
    runs: dict[str, int] = {}
    texty: dict[str, int] = {}       # runs that found at least one box
    lines: dict[str, int] = {}       # lines (boxes) each stage added; recognise: lines read
    skipped = [0]                    # the whole-photo pass's flat tiles, not detected
    pieces: list[list] = []          # [rect, level, detector px] per badge-area piece

    def tagged(name: str, fn):
        def run(self, *a, **kw):
            prev, stage[0] = stage[0], name
            try:
                return fn(self, *a, **kw)
            finally:
                stage[0] = prev
        return run

    for name, attr in (("refine", "_refine"), ("overview", "_with_overview"), ("focus", "_focus"),
                       ("stacked", "_lines_within")):
        setattr(ocr.TextEngine, attr, tagged(name, getattr(ocr.TextEngine, attr)))
    det_tile, detect_area, recognise = (ocr.TextEngine._det_tile, ocr.TextEngine._detect_area,
                                        ocr.TextEngine._recognise)
    detect, focus, within, detect_tiles = (ocr.TextEngine._detect, ocr.TextEngine._focus,
                                           ocr.TextEngine._lines_within,
                                           ocr.TextEngine._detect_tiles)
    outer = [0]

    def added(name, fn, before=lambda *a: 0):
        def run(self, *a, **kw):
            out = fn(self, *a, **kw)
            lines[name] = lines.get(name, 0) + len(out) - before(*a)
            return out
        return run

    ocr.TextEngine._detect = added("main", detect)
    ocr.TextEngine._focus = added("focus", focus, lambda arr, boxes, areas: len(boxes))
    ocr.TextEngine._lines_within = added("stacked", within)

    def counted_tiles(self, small, xs, ys, edges):
        before = runs.get("main", 0)
        out = detect_tiles(self, small, xs, ys, edges)
        skipped[0] += len(xs) * len(ys) - (runs.get("main", 0) - before)
        return out

    ocr.TextEngine._detect_tiles = counted_tiles

    def timed_tile(self, tile):
        t0 = time.thread_time()
        out = det_tile(self, tile)
        s = stage[0]
        cpu[s] = cpu.get(s, 0.0) + time.thread_time() - t0
        px[s] = px.get(s, 0.0) + tile.shape[0] * tile.shape[1]
        runs[s] = runs.get(s, 0) + 1
        texty[s] = texty.get(s, 0) + (len(out) > 0)
        if s == "focus" and pieces:
            pieces[-1][2] += tile.shape[0] * tile.shape[1]
        return out

    frame: list[tuple[int, int, float, float]] = []   # the piece being detected: x0, y0, f, level
    tiles: list[tuple[float, float, float, float, float, int]] = []  # photo px, level, detector px

    def area(self, arr, rect, scale=1.0):
        top = stage[0] == "focus" and outer[0] == 0
        if top:
            pieces.append([tuple(rect), scale, 0])
            x0, y0, x1, y1 = rect
            f = (x1 - x0) / max(16, round((x1 - x0) * scale)) if scale < 0.999 else 1.0
            frame.append((x0, y0, f, scale if scale < 0.999 else 1.0))
        outer[0] += 1
        try:
            return detect_area(self, arr, rect, scale)
        finally:
            outer[0] -= 1
            if top:
                frame.clear()

    def counted_area_tiles(w, h, *a):
        xs, ys = area_tiles(w, h, *a)
        if frame:
            x0, y0, f, level = frame[-1]
            tiles.extend((x0 + tx0 * f, y0 + ty0 * f, x0 + tx1 * f, y0 + ty1 * f, level,
                          ocr._padded(tx1 - tx0) * ocr._padded(ty1 - ty0))
                         for ty0, ty1 in ys for tx0, tx1 in xs)
        return xs, ys

    area_tiles = ocr.area_tiles
    ocr.area_tiles = counted_area_tiles

    def timed_recognise(self, arr, boxes):
        t0 = time.thread_time()
        out = recognise(self, arr, boxes)
        cpu["recognise"] = cpu.get("recognise", 0.0) + time.thread_time() - t0
        runs["recognise"] = runs.get("recognise", 0) + len(boxes)
        lines["recognise"] = lines.get("recognise", 0) + len(out)
        return out

    ocr.TextEngine._det_tile = timed_tile
    ocr.TextEngine._detect_area = area
    ocr.TextEngine._recognise = timed_recognise

    total = 0.0
    sums = {"union": 0.0, "pieces": 0.0, "detector": 0.0, "again": 0.0}
    for path in args.photos:
        im = Image.open(path)
        im.load()
        boxes = [f.box for f in faces.detect(im)]
        areas = badge_areas(boxes)
        pieces.clear()
        tiles.clear()
        before = dict(cpu)
        t0 = time.thread_time()
        engine.read(im, focus=areas)
        spent = time.thread_time() - t0
        total += spent
        w, h = im.size
        main_scale = engine.detection_scale(w, h)
        # the union of the areas looked at again, at the level each is detected at (1/8 grid)
        grid: dict[float, np.ndarray] = {}
        for x0, y0, x1, y1, sc in areas:
            level = ocr.focus_level(sc, main_scale)
            x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
            if level is None or main_scale >= 0.9 or x1 - x0 < 16 or y1 - y0 < 16:
                continue
            g = grid.setdefault(level, np.zeros((h // 8 + 1, w // 8 + 1), bool))
            g[y0 // 8:math.ceil(y1 / 8), x0 // 8:math.ceil(x1 / 8)] = True
        union = sum(float(g.sum()) * 64 * lv * lv for lv, g in grid.items())
        piece_px = sum((r[2] - r[0]) * (r[3] - r[1]) * lv * lv for r, lv, _ in pieces)
        det_px = sum(d for *_, d in pieces)
        again = read_again(tiles, w, h)
        for key, value in (("union", union), ("pieces", piece_px), ("detector", det_px),
                           ("again", again)):
            sums[key] += value
        focus_cpu = cpu.get("focus", 0.0) - before.get("focus", 0.0)
        print(f"{path.name}: {w}x{h}, {len(boxes)} faces, {len(areas)} badge areas; text CPU "
              f"{spent:.2f} s, badge areas {focus_cpu:.2f} s; badge-area Mpx union "
              f"{union / 1e6:.2f}, pieces {piece_px / 1e6:.2f}, detector {det_px / 1e6:.2f}, "
              f"read again {again / 1e6:.2f}", flush=True)
        if args.detail:
            for r, lv, d in sorted(pieces, key=lambda p: -p[2]):
                pw, ph = (r[2] - r[0]) * lv, (r[3] - r[1]) * lv
                print(f"    level {lv:.2f} {pw:5.0f} x {ph:5.0f}: detector {d / 1e6:.2f} Mpx "
                      f"({d / max(1.0, pw * ph):.2f}x)")
    n = len(args.photos)
    print(f"\n{n} photo(s), load average {os.getloadavg()[0]:.1f}; "
          f"text CPU per photo {total / n:.2f} s")
    print("| stage | CPU s per photo | share | runs | runs finding text | detector Mpx | "
          "ms per Mpx | lines added |")
    print("|---|---|---|---|---|---|---|---|")
    for s in (*STAGES, "recognise"):
        if s in cpu:
            mpx = px.get(s, 0.0) / n / 1e6
            per = f"{cpu[s] / n / mpx * 1000:.0f}" if mpx else ""
            found = "" if s == "recognise" else f"{texty.get(s, 0) / n:.1f}"
            print(f"| {s} | {cpu[s] / n:.2f} | {100 * cpu[s] / total:.0f} % | {runs[s] / n:.1f} "
                  f"| {found} | {mpx:.2f} | {per} | {lines.get(s, 0) / n:.1f} |")
    other = total - sum(cpu.values())
    print(f"| other | {other / n:.2f} | {100 * other / total:.0f} % | | | | | |")
    print(f"main: {skipped[0] / n:.1f} flat tile(s) per photo skipped; recognise: runs are lines "
          "given to the reader, lines added the lines it read as text")
    if sums["union"]:
        print(f"badge areas: pieces / union {sums['pieces'] / sums['union']:.2f}, "
              f"detector / pieces {sums['detector'] / max(1.0, sums['pieces']):.2f}, "
              f"detector / union {sums['detector'] / sums['union']:.2f}; read again "
              f"{100 * sums['again'] / max(1.0, sums['detector']):.0f} % of the detector's pixels")
    return 0


def read_again(tiles, w: int, h: int) -> float:
    """Detector pixels of badge-area tiles (in the order run) that lie at least
    ``FOCUS_CONTEXT`` detector px inside a tile already run at the same level: pixels the
    detector saw before with that context, read again as context for the new tile's own
    pixels (weighted by each tile's detector pixels, padding included; to 4 px)."""
    from photovet.core.vision.text.ocr import FOCUS_CONTEXT

    seen: dict[float, np.ndarray] = {}
    again = 0.0
    for x0, y0, x1, y1, level, det_px in tiles:
        grid = seen.setdefault(level, np.zeros((h // 4 + 1, w // 4 + 1), bool))
        cells = grid[int(y0) // 4:math.ceil(y1 / 4), int(x0) // 4:math.ceil(x1 / 4)]
        if cells.size:
            again += det_px * float(cells.mean())
        c = math.ceil(FOCUS_CONTEXT / level / 4)
        grid[int(y0) // 4 + c:int(y1) // 4 - c, int(x0) // 4 + c:int(x1) // 4 - c] = True
    return again


if __name__ == "__main__":
    sys.exit(main())
