"""Faces lying sideways (s41): detection.sideways off (the looks before it: upright and upside
down) against on, side by side in one process, photo by photo alternately.

    python bench/sideways.py [--wider N] [--turned-wider N] [--big N] [--quarter 1|3]

Sets (read only; $PHOTOVET_SHARED_DATA or ../shared/data, $PHOTOVET_WIDER as bench/faces.py):
../shared faces (annotated and not), the identities photos, the WIDER subset's test half. Per
set: the boxes the sideways look adds on upright photos (on an annotated face or not) and CPU
per photo; the same photos turned (Pillow ROTATE_90 or ROTATE_270, annotations turned) and, for
reference, WIDER upright: faces found >= 10 / 32 / 64 / 128 px (bench/faces.py's matching);
12 MP composites of ../shared: CPU per photo."""
import argparse
import json
import os
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import faces as B  # noqa: E402

from photovet.core.settings import Settings  # noqa: E402
from photovet.core.vision.faces import FaceEngine  # noqa: E402
from photovet.core.vision.faces.fusion import SIDEWAYS  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--wider", type=int, default=60)
ap.add_argument("--turned-wider", type=int, default=60)
ap.add_argument("--big", type=int, default=2)
ap.add_argument("--quarter", type=int, default=1)   # 1: ROTATE_90 (CCW), 3: ROTATE_270
a = ap.parse_args()
D = Path(os.environ.get("PHOTOVET_SHARED_DATA") or ROOT.parent / "shared" / "data")
VARS = (("off", False, 0.7), ("on", True, 0.7))
eng = {name: FaceEngine.load(Settings.from_dict({"detection": {"sideways": on,
       "upside_down_threshold": t}}), threads=1) for name, on, t in VARS}
shared = B.shared_samples(D / "faces")
ids = [B.Sample(p.name, p, None, [], [], None) for p in sorted((D / "identities").glob("*.jpg"))]
wider = (B.wider_samples(Path(os.environ["PHOTOVET_WIDER"]), "test")
         if os.environ.get("PHOTOVET_WIDER") else [])

def run(e, img):
    c0 = time.process_time()
    d = e.detect_all(img)
    return d, time.process_time() - c0

def xywh(d):
    return [(float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])) for b in d.boxes]

def turn_sample(s, q):
    img = s.open()
    W, H = img.size
    if q == 0:
        return s
    t = img.transpose(Image.Transpose.ROTATE_90 if q == 1 else Image.Transpose.ROTATE_270)
    def tb(g):
        x, y, w, h = g[:4]
        return [y, W - x - w, h, w] if q == 1 else [H - y - h, x, h, w]
    return B.Sample(s.name + f"@{q*90}", None, [tb(g) for g in s.gt] if s.gt else s.gt,
                    s.attrs, [tb(g) for g in s.ignore], s.face_count, image=t)

out = {}
def upright(label, samples):
    cpu = {k: 0.0 for k in eng}
    added = {k: 0 for k in eng}
    on_face = {k: 0 for k in eng}
    rows = []
    n = 0
    from photovet.core.vision.faces import iou_matrix
    for i, s in enumerate(samples):
        img = s.open()
        names = list(eng)
        order = names if i % 2 == 0 else names[::-1]
        r = {}
        for k in order:
            r[k] = run(eng[k], img)
            cpu[k] += r[k][1]
        for k in names:
            d = r[k][0]
            new = [j for j, src in enumerate(d.source) if src == SIDEWAYS]
            added[k] += len(new)
            if new and s.gt:
                gt = B._xyxy(s.gt + s.ignore)
                on_face[k] += int((iou_matrix(d.boxes[new, :4], gt).max(1) >= 0.3).sum())
            if new:
                rows.append((k, s.name, [[round(float(v), 1) for v in d.boxes[j]] for j in new]))
        n += 1
    res = dict(photos=n, cpu={k: round(v / n, 3) for k, v in cpu.items()}, added=added,
               added_on_annotated_face=on_face, rows=rows)
    print(label, json.dumps(res), flush=True)
    out["upright " + label] = res

def turned(label, samples, q):
    tal = {k: {} for k in eng}
    for s in samples:
        if not s.gt:
            continue
        t = turn_sample(s, q)
        img = t.open()
        for k in eng:
            d, _ = run(eng[k], img)
            m = B.matched(t.gt, xywh(d))
            for g, hit in zip(t.gt, m):
                side = max(g[2], g[3])
                for band, lo in ((">=10", 10), (">=32", 32), (">=64", 64), (">=128", 128)):
                    if side >= lo:
                        v = tal[k].setdefault(band, [0, 0])
                        v[0] += int(hit is not None)
                        v[1] += 1
    print("turned", q * 90, label, json.dumps(tal), flush=True)
    out[f"turned{q*90} " + label] = tal

upright("shared", shared)
upright("identities", ids)
upright("wider", wider[:a.wider])
turned("wider upright", wider[:a.turned_wider], 0)
turned("shared", shared, a.quarter)
turned("wider", wider[:a.turned_wider], a.quarter)
# 12 MP: composites of ../shared (4000 x 3000), off/on alternately
comps = B.composites(shared, a.big)
cpu = {k: [] for k in eng}
for i, s in enumerate(comps):
    img = s.open()
    for k in (list(eng) if i % 2 == 0 else list(eng)[::-1]):
        cpu[k].append(round(run(eng[k], img)[1], 2))
print("12MP", json.dumps(cpu), flush=True)
out["12MP"] = cpu
print(json.dumps(out))
