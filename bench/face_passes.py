"""Where face detection's CPU goes, pass by pass, and what each pass finds that no other does
(issue 14 item 2, issue 13's budget of 0.6 s per 12 MP photo on one core).

    taskset -c 0 python bench/face_passes.py [--data DIR] [--wider DIR] [--split all]
                                             [--composites 3] [--no-upscaled] [--no-wider]
                                             [--no-shared]

One engine, one thread (both detectors one after the other), the default settings. Every network
run is timed (CPU seconds of the thread) and labelled with its pass: CenterFace's coarse pass
(long side 640 px, one piece), its fine pass (tiles of the photo scaled to at most 4 MP),
its refinement windows (2x), CenterFace upside down, YuNet's coarse pass (640 px) and fine pass
(tiles at the photo's own pixels), the second look when on; the fusion is timed as a stage;
"the rest" is resizes, crops and bookkeeping (the detector's CPU minus all of those).

What each pass finds: every box a run returns (at the floor the engine asks for: 0.1) is kept in
photo pixels; a face the detector reports is *supported* by a pass when a box of that pass
overlaps it (IoU >= 0.3). A face supported by one pass alone is that pass's own find: nothing
else has a box there. "Sure" columns count only boxes at the network's own threshold (CenterFace
0.3, YuNet 0.6, upside down 0.7): a face one pass alone is sure of may still be kept without it,
on other passes' weaker boxes (the fusion's pairs), so whether taking a pass away loses it is
for bench/face_variants.py to say, face by face. Counted for the
faces the detector reports (all, and those matching no annotated face: "false"), and for the
annotated faces it finds (>= 10 px and >= 32 px, bench/faces.py's matching). A run (one tile,
one window) is "empty" when none of its boxes supports a reported face: its CPU found nothing.

Sets: the annotated photos of ../shared/data/faces, ``--composites`` 12 MP canvases of them
(bench/faces.py's), five of its group photos upscaled to 12 MP (bench/face_variants.py's), and
the WIDER FACE subset of bench/prepare_wider.py (``--wider`` or $PHOTOVET_WIDER; never copied
into the repository). The table is printed per set: share of the detector's CPU per pass.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import faces as fb  # noqa: E402
from face_variants import upscaled  # noqa: E402

from photovet.core.vision.faces import FaceEngine  # noqa: E402
from photovet.core.vision.faces import engine as engine_mod  # noqa: E402
from photovet.core.vision.faces.boxes import iou_matrix  # noqa: E402

CF_COARSE, CF_FINE, CF_REFINE = "CenterFace coarse", "CenterFace fine", "CenterFace refine"
CF_UPSIDE, YN_COARSE, YN_FINE = "CenterFace upside down", "YuNet coarse", "YuNet fine"
LOOK, FUSION, REST = "second look", "fusion", "the rest (resizes, crops)"
PASSES = (CF_COARSE, CF_FINE, CF_REFINE, CF_UPSIDE, YN_COARSE, YN_FINE, LOOK)


class Trace:
    """The runs of one photo: (pass, CPU seconds, boxes (N, 5) in photo pixels)."""

    def __init__(self):
        self.runs: list[tuple[str, float, np.ndarray]] = []
        self.fusion = 0.0


def _caller(depth: int):
    return sys._getframe(depth)


def install(engine: FaceEngine, trace_of) -> None:
    """Wrap the engine's networks so every run is timed and its boxes kept (bench only: reads
    the callers' locals to tell the pass and the tile's place)."""
    cf, yn = engine.centerface, engine.yunet
    cf_run, yn_run = cf._run, yn.run

    def cf_timed(arr, threshold):
        t = time.thread_time()
        b, m = cf_run(arr, threshold)
        spent = time.thread_time() - t
        f1 = _caller(2)                      # _search, run (upside down, look)
        name = f1.f_code.co_name
        boxes = np.zeros((0, 5))
        if name == "_search":
            f2 = f1.f_back
            loc = f1.f_locals
            if f2.f_code.co_name == "_refine":
                label = CF_REFINE
            else:
                label = CF_COARSE if f2.f_locals.get("coarse") else CF_FINE
            boxes = b[:, :5].astype(np.float64).copy()
            ox, oy = loc["x0"] + loc["offset"][0], loc["y0"] + loc["offset"][1]
            boxes[:, [0, 2]] = (boxes[:, [0, 2]] + ox) / loc["scale"]
            boxes[:, [1, 3]] = (boxes[:, [1, 3]] + oy) / loc["scale"]
        elif f1.f_back.f_code.co_name == "_upside_down":
            label = CF_UPSIDE               # the photo turned 180 degrees, scaled by k
            loc = f1.f_back.f_locals
            sw, sh = loc["small"].size
            k, boxes = loc["k"], b[:, :5].astype(np.float64).copy()
            boxes[:, [0, 2]] = (sw - b[:, [2, 0]]) / k
            boxes[:, [1, 3]] = (sh - b[:, [3, 1]]) / k
        else:
            label = LOOK
        trace_of().runs.append((label, spent, boxes))
        return b, m

    def yn_timed(arr, threshold=0.5, nms_iou=0.3):
        t = time.thread_time()
        b, m = yn_run(arr, threshold, nms_iou)
        spent = time.thread_time() - t
        f1 = _caller(2)
        boxes = np.zeros((0, 5))
        if f1.f_code.co_name == "detect":
            loc = f1.f_locals
            label = YN_COARSE if loc["s"] < loc["levels"][-1] else YN_FINE
            boxes = b[:, :5].astype(np.float64).copy()
            boxes[:, [0, 2]] = (boxes[:, [0, 2]] + loc["x0"]) / loc["s"]
            boxes[:, [1, 3]] = (boxes[:, [1, 3]] + loc["y0"]) / loc["s"]
        else:
            label = LOOK
        trace_of().runs.append((label, spent, boxes))
        return b, m

    cf._run = cf_timed
    yn.run = yn_timed
    fuse = engine_mod.fuse

    def fuse_timed(*a, **kw):
        t = time.thread_time()
        out = fuse(*a, **kw)
        trace_of().fusion += time.thread_time() - t
        return out

    engine_mod.fuse = fuse_timed


#: a box this sure is a face on its network's word alone (CenterFace 0.3, YuNet 0.6, upside
#: down 0.7: the engine's thresholds); weaker ones count only in the fusion's pairs
SURE = {CF_COARSE: 0.3, CF_FINE: 0.3, CF_REFINE: 0.3, CF_UPSIDE: 0.7, YN_COARSE: 0.6,
        YN_FINE: 0.6, LOOK: 2.0}


class Tally:
    def __init__(self):
        self.photos = 0
        self.cpu = 0.0
        self.pass_cpu: dict[str, float] = defaultdict(float)
        self.runs: dict[str, int] = defaultdict(int)
        self.empty_runs: dict[str, int] = defaultdict(int)
        self.empty_cpu: dict[str, float] = defaultdict(float)
        #: (pass, kind) -> count; kind: "supports", "alone", "alone gt10", "alone gt32",
        #: "alone false", the same with "sure " in front (boxes at the network's threshold)
        self.n: dict[tuple[str, str], int] = defaultdict(int)
        self.gt10 = self.gt32 = self.found10 = self.found32 = 0
        self.faces = 0
        self.unsupported = 0          # reported faces no run's box overlaps (fusion's unions)
        self.no_sure = 0              # reported faces no pass is sure of (pairs of weak boxes)


def account(t: Tally, trace: Trace, final: np.ndarray, sample, total_cpu: float) -> None:
    t.photos += 1
    t.cpu += total_cpu
    t.pass_cpu[FUSION] += trace.fusion
    net = sum(s for _l, s, _b in trace.runs)
    t.pass_cpu[REST] += total_cpu - net - trace.fusion
    fb_ = final[:, :4] if len(final) else np.zeros((0, 4))
    support: list[set[str]] = [set() for _ in range(len(fb_))]
    sure: list[set[str]] = [set() for _ in range(len(fb_))]
    for label, spent, boxes in trace.runs:
        t.pass_cpu[label] += spent
        t.runs[label] += 1
        useful = False
        if len(boxes) and len(fb_):
            over = iou_matrix(fb_, boxes[:, :4]) >= 0.3
            for i in np.nonzero(over.any(1))[0]:
                support[i].add(label)
            for i in np.nonzero((over & (boxes[None, :, 4] >= SURE[label])).any(1))[0]:
                sure[i].add(label)
            useful = bool(over.any())
        if not useful:
            t.empty_runs[label] += 1
            t.empty_cpu[label] += spent
    # which reported face matches an annotated one
    gt = sample.gt or []
    xywh = [(b[0], b[1], b[2] - b[0], b[3] - b[1]) for b in fb_]
    match = fb.matched(gt, xywh) if gt else []
    matched_det = {j: i for i, j in enumerate(match) if j is not None}
    for i, g in enumerate(gt):
        side = max(g[2], g[3])
        if side >= 10:
            t.gt10 += 1
            t.found10 += match[i] is not None
        if side >= 32:
            t.gt32 += 1
            t.found32 += match[i] is not None
    t.faces += len(fb_)
    for i in range(len(fb_)):
        if not support[i]:
            t.unsupported += 1
        if not sure[i]:
            t.no_sure += 1
        for prefix, sup in (("", support[i]), ("sure ", sure[i])):
            for label in sup:
                t.n[label, prefix + "supports"] += 1
            if len(sup) != 1:
                continue
            (label,) = sup
            t.n[label, prefix + "alone"] += 1
            gi = matched_det.get(i)
            if gi is None:
                t.n[label, prefix + "alone false"] += sample.gt is not None
            else:
                side = max(gt[gi][2], gt[gi][3])
                t.n[label, prefix + "alone gt10"] += side >= 10
                t.n[label, prefix + "alone gt32"] += side >= 32


def table(label: str, t: Tally) -> None:
    n = max(1, t.photos)
    print(f"\n### {label}: {t.photos} photos, detector {t.cpu / n:.3f} CPU s per photo, "
          f"{t.faces / n:.1f} faces reported per photo"
          + (f"; annotated found >= 10 px {t.found10}/{t.gt10}, >= 32 px {t.found32}/{t.gt32}"
             if t.gt10 else ""))
    print("\nFaces reported: supported by a pass's box (IoU >= 0.3) at the run's floor (0.1) / "
          "at the network's own threshold (sure); 'alone': no other pass has such a box there "
          "(annotated >= 10 px, >= 32 px, matching no annotation).\n")
    print("| pass | CPU s per photo | share | runs per photo | empty runs (CPU share of the "
          "pass) | supports | alone: faces / ann. >= 10 / >= 32 / unmatched | sure | "
          "sure alone: faces / ann. >= 10 / >= 32 / unmatched |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p in (*PASSES, FUSION, REST):
        cpu = t.pass_cpu.get(p, 0.0)
        if p not in (FUSION, REST) and not t.runs.get(p):
            continue
        runs = t.runs.get(p, 0)
        if p in (FUSION, REST):
            print(f"| {p} | {cpu / n:.3f} | {cpu / max(t.cpu, 1e-9):.0%} | | | | | | |")
            continue

        def four(prefix: str, p: str = p) -> str:
            return " / ".join(str(t.n[p, prefix + k]) for k in
                              ("alone", "alone gt10", "alone gt32", "alone false"))

        print(f"| {p} | {cpu / n:.3f} | {cpu / max(t.cpu, 1e-9):.0%} | {runs / n:.1f} | "
              f"{t.empty_runs[p]} of {runs} ({t.empty_cpu[p] / max(cpu, 1e-9):.0%}) | "
              f"{t.n[p, 'supports']} | {four('')} | {t.n[p, 'sure supports']} | "
              f"{four('sure ')} |")
    print(f"\nReported faces on no pass's box: {t.unsupported} (unions of pairs); that no pass "
          f"is sure of (kept by the fusion's pairs of weak boxes): {t.no_sure}.")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=fb.DEFAULT_DATA)
    ap.add_argument("--wider", type=Path, default=Path(os.environ["PHOTOVET_WIDER"])
                    if os.environ.get("PHOTOVET_WIDER") else None)
    ap.add_argument("--split", default="all", choices=("test", "dev", "all"))
    ap.add_argument("--composites", type=int, default=3)
    ap.add_argument("--no-upscaled", action="store_true")
    ap.add_argument("--no-shared", action="store_true")
    ap.add_argument("--no-wider", action="store_true")
    args = ap.parse_args()

    sets = []
    faces_dir = args.data / "faces"
    if not args.no_shared and (faces_dir / "manifest.json").exists():
        shared = fb.shared_samples(faces_dir)
        sets.append(("../shared annotated", [s for s in shared if s.gt]))
        if args.composites:
            sets.append(("../shared 12 MP composites", fb.composites(shared, args.composites)))
        if not args.no_upscaled:
            sets.append(("group photos upscaled to 12 MP", upscaled(faces_dir)))
    elif not args.no_shared:
        print(f"skipped ../shared: {faces_dir} is not present")
    if args.wider and not args.no_wider:
        sets.append(("WIDER", fb.wider_samples(args.wider, args.split)))
    if not sets:
        print("nothing to measure")
        return 0

    engine = FaceEngine.load(threads=1)
    current: list[Trace] = [Trace()]
    install(engine, lambda: current[0])
    print(f"load average {os.getloadavg()[0]:.1f} at the start; one thread; CPU seconds of the "
          f"detecting thread")
    for label, samples in sets:
        t = Tally()
        for s in samples:
            img = s.open()
            engine.detect_all(img)            # warm (first run allocates the arena)
            break
        for s in samples:
            img = s.open()
            current[0] = Trace()
            t0 = time.thread_time()
            d = engine.detect_all(img)
            spent = time.thread_time() - t0
            w, h = img.size
            final = d.boxes.copy()
            final[:, [0, 2]] = final[:, [0, 2]].clip(0, w)
            final[:, [1, 3]] = final[:, [1, 3]].clip(0, h)
            account(t, current[0], final, s, spent)
        table(label, t)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
