"""Is a cheaper face search as good? The default detector against variants of it, face by face,
in one run.

    python bench/face_variants.py VARIANT [VARIANT ...] [--data DIR] [--composites 3]
                                  [--photos GLOB] [--no-upscaled] [--wider DIR] [--split all]
                                  [--wider-composites N] [--no-wider] [--no-shared]

    VARIANT = name:key=value[,key=value...]   where key is
              detection.<field>     a detection setting (the engine is loaded with it), or
              centerface.<attr>     an attribute of the loaded CenterFace search (refine_cell,
              yunet.<attr>          refine_margin, ...) or of YuNet's (tile, overlap, ...)
              engine.<attr>         an attribute of the FaceEngine (upside_down_threshold, ...)
              model.centerface      another CenterFace .onnx file (a path: e.g. an int8 one
                                    built by bench/quantise.py), searched the same way
              look.<field>          the second look (fusion.SecondLook) with this field
                                    changed (it is on for that variant whatever
                                    detection.second_look says)

    e.g. python bench/face_variants.py cell96:centerface.refine_cell=96 \\
                                       ov96:detection.tile_overlap=96

    The refinement search before issue 14's change (192 px cells, every candidate, no
    merging): s32:centerface.refine_cell=192,centerface.refine_min_score=0,centerface.refine_merge_side=0

bench/faces.py prints recall as counts, and two changes that each find the same number of
annotated faces can still lose one face and find another: a speed change must lose none (issue
14). This prints, for each variant and each set, the annotated faces the default finds and the
variant does not (and the reverse), which of the default's boxes the variant has no box for
(IoU >= 0.5) on photos without annotations, and the CPU seconds per photo of each, measured
alternately photo by photo in one process (the machine is shared: compare the ratios).

**The net-gain rule** (issue 14): a detection speed change goes in only if, each measured side
by side with the default in one run,
(a) on ../shared: no annotated face >= 32 px that the default finds is lost, and faces found
    (>= 10 px) do not go down;
(b) on the WIDER subset (``--wider``, all 403 photos): faces found >= the default's, recall by
    pose and occlusion not lower by more than one face, unmatched (false) boxes per photo not
    higher;
(c) CPU per 12 MP photo goes down by a measured margin (the composites and upscaled photos
    here, and bench/throughput.py --profile).
The last lines print the verdict of (a) and (b) for each variant; (c) is read from the CPU column.

With ``--wider``, the WIDER faces >= 32 px that each detector misses are counted by pose and
occlusion and by size (the bulk of what is left to find, issue 13); ``--misses`` lists them
one by one (photo, box, size, pose, occlusion, blur).

Sets: the annotated photos of ../shared/data/faces, ``--composites`` 12 MP canvases of them
pasted at their own resolution (bench/faces.py's), five of its group photos upscaled to 12 MP,
``--wider-composites`` 12 MP canvases of WIDER photos pasted the same way (a 12 MP photo is
searched as no 1024 px WIDER photo is: a pass scaled down to 4 MP, refinement at twice its own
pixels, YuNet at its own pixels; a change to those is judged there, with ``--no-wider`` when
the WIDER photos themselves are not touched by it), and any photos matching ``--photos`` (e.g.
bench/throughput.py's, kept with --keep). ``--no-shared`` leaves ../shared's sets out, so a
WIDER run can go in a process of its own (``--split test`` and ``--split dev`` in two).
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import os
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import faces as fb  # noqa: E402  (bench/faces.py: samples, composites, scoring)

from photovet.core.settings import Settings  # noqa: E402
from photovet.core.vision.faces import FaceEngine, box_iou, onnxfix  # noqa: E402
from photovet.core.vision.faces.fusion import SecondLook  # noqa: E402

UPSCALED = ("dlib__bald_guys.jpg", "deface__city.jpg", "facenet-pytorch__multiface.jpg",
            "insightface__t1.jpg", "inclusive-events__pyconuk-creche.jpg")


def upscaled(faces_dir: Path) -> list:
    """The group photos of ``UPSCALED`` that are present, each upscaled to 12 MP (4000 x 3000)."""
    up = []
    for name in UPSCALED:
        if (faces_dir / name).exists():
            with Image.open(faces_dir / name) as im:
                big = im.convert("RGB").resize((4000, 3000), Image.Resampling.LANCZOS)
            up.append(fb.Sample(name, None, None, [], [], image=big))
    return up


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, spec = text.partition(":")
    if not name or not spec:
        raise SystemExit(f"a variant is name:key=value[,key=value...], not {text!r}")
    pairs = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep or key.split(".")[0] not in ("detection", "centerface", "yunet", "model",
                                                "look", "engine"):
            raise SystemExit(f"{part!r}: keys are detection.<field>, centerface.<attr>, "
                             "yunet.<attr>, engine.<attr>, look.<field> or model.centerface")
        pairs[key] = value
    return name, pairs


def _value(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.startswith("[") and text.endswith("]"):
        return [float(v) for v in text[1:-1].split(";") if v]
    return {"true": True, "false": False}.get(text.lower(), text)


def load(pairs: dict[str, str]) -> FaceEngine:
    detection = {k.split(".", 1)[1]: _value(v) for k, v in pairs.items()
                 if k.startswith("detection.")}
    settings = Settings.from_dict({"detection": detection} if detection else {})
    engine = FaceEngine.load(settings, threads=1)
    for key, value in pairs.items():
        model, _, attr = key.partition(".")
        if model == "detection":
            continue
        if model == "look":
            if not hasattr(SecondLook, attr):
                raise SystemExit(f"the second look has no field {attr!r}")
            engine.look = dataclasses.replace(engine.look or SecondLook(), **{attr: _value(value)})
            continue
        if model == "model":
            if attr != "centerface":
                raise SystemExit(f"{key}: the only model to swap is model.centerface")
            raw = Path(value).read_bytes()
            engine.centerface._session = onnxfix.session(onnxfix.centerface_dynamic(raw), 1,
                                                         arena=True)
            continue
        if model == "engine":
            if not hasattr(engine, attr):
                raise SystemExit(f"the engine has no attribute {attr!r}")
            setattr(engine, attr, _value(value))
            continue
        target = engine.centerface if model == "centerface" else engine.yunet
        if not hasattr(target, attr):
            raise SystemExit(f"{model} has no attribute {attr!r}")
        setattr(target, attr, _value(value))
    return engine


def found(sample, boxes) -> list[bool]:
    """For each annotated face (bench/faces.py's matching: in order, its best free detection
    with IoU >= 0.3), whether it is found; faces under 10 px count as not wanted."""
    return [bj is not None and max(g[2], g[3]) >= 10
            for g, bj in zip(sample.gt, fb.matched(sample.gt, boxes))]


def print_misses(missed: dict[str, list[tuple]], each: bool) -> None:
    """The WIDER faces >= 32 px each detector misses, by pose and occlusion and by size (and each
    one when ``each``)."""
    pose = ("typical", "atypical")
    occl = ("none", "partial", "heavy")
    keys = [(p, o) for p in range(2) for o in range(3)]
    print("\n| WIDER faces >= 32 px missed | " + " | ".join(missed) + " |")
    print("|---|" + "---|" * len(missed))
    for p, o in keys:
        print(f"| pose {pose[p]}, occlusion {occl[o]} | " + " | ".join(
            str(sum(1 for _, _, a in m if a["pose"] == p and a["occlusion"] == o))
            for m in missed.values()) + " |")
    for lo, hi in ((32, 64), (64, 128), (128, 10 ** 9)):
        band = f"{lo}-{hi} px" if hi < 10 ** 9 else f">= {lo} px"
        print(f"| {band} | " + " | ".join(
            str(sum(1 for _, g, _ in m if lo <= max(g[2], g[3]) < hi)) for m in missed.values())
            + " |")
    print("| all | " + " | ".join(str(len(m)) for m in missed.values()) + " |")
    if not each:
        return
    for n, m in missed.items():
        print(f"\n{n} misses (photo, x y w h, size, pose, occlusion, blur):")
        for name, g, a in sorted(m, key=lambda t: -max(t[1][2], t[1][3])):
            print(f"  {name}  {g[0]} {g[1]} {g[2]} {g[3]}  {max(g[2], g[3])} px  "
                  f"{pose[a['pose']]}  {occl[a['occlusion']]}  blur {a['blur']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+")
    ap.add_argument("--data", type=Path, default=fb.DEFAULT_DATA)
    ap.add_argument("--composites", type=int, default=3)
    ap.add_argument("--photos", default="", help="a glob of more photos (no annotations)")
    ap.add_argument("--no-upscaled", action="store_true")
    ap.add_argument("--wider", type=Path, default=None,
                    help="a WIDER FACE subset built by bench/prepare_wider.py")
    ap.add_argument("--split", default="all", choices=("test", "dev", "all"))
    ap.add_argument("--wider-composites", type=int, default=0, metavar="N",
                    help="N 12 MP canvases of WIDER photos pasted at their own resolution "
                         "(needs --wider; a 12 MP photo is searched in a way a 1024 px one "
                         "is not: a scaled-down pass, refinement at twice its own pixels)")
    ap.add_argument("--no-shared", action="store_true",
                    help="leave out ../shared's sets (e.g. to run WIDER in a process of its own)")
    ap.add_argument("--no-wider", action="store_true",
                    help="with --wider-composites: leave out the WIDER photos themselves")
    ap.add_argument("--misses", action="store_true",
                    help="list each WIDER face >= 32 px a detector misses")
    args = ap.parse_args()
    variants = dict(parse_variant(v) for v in args.variants)
    faces_dir = args.data / "faces"
    if not (faces_dir / "manifest.json").exists():
        print(f"skipped: {faces_dir} is not present")
        return 0
    shared = fb.shared_samples(faces_dir)
    sets = [] if args.no_shared else [("shared annotated", [s for s in shared if s.gt])]
    if args.composites and not args.no_shared:
        sets.append(("12 MP composites", fb.composites(shared, args.composites)))
    if not args.no_upscaled and not args.no_shared:
        sets.append(("upscaled group photos", upscaled(faces_dir)))
    if args.wider and args.wider_composites:
        sets.append(("WIDER 12 MP composites",
                     fb.composites(fb.wider_samples(args.wider, args.split), args.wider_composites)))
    if args.wider and not args.no_wider:
        sets.append(("WIDER", fb.wider_samples(args.wider, args.split)))
    if args.photos:
        sets.append((args.photos, [fb.Sample(os.path.basename(p), Path(p), None, [], [])
                                   for p in sorted(glob.glob(args.photos))]))
    engines = {"default": load({}), **{n: load(p) for n, p in variants.items()}}
    print(f"load average {os.getloadavg()[0]:.1f} at the start; variants: "
          + "; ".join(f"{n} = {p}" for n, p in variants.items()))
    print("\n| set | detector | recall >= 10 px | boxes | unmatched per photo | CPU s per photo "
          "| refine windows / Mpx (upsampled) per photo | annotated faces lost / gained vs "
          "default (of them >= 32 px) | default's boxes with none (IoU >= 0.5) |")
    print("|---|---|---|---|---|---|---|---|---|")
    lost_any = {n: 0 for n in variants}
    verdict: dict[str, list[str]] = {n: [] for n in variants}
    tallies: dict[str, dict[str, fb.Tally]] = {}
    missed: dict[str, list[tuple]] = {n: [] for n in engines}     # WIDER faces >= 32 px
    for label, samples in sets:
        cpu = {n: 0.0 for n in engines}
        refine = {n: [0, 0.0] for n in engines}
        boxes: dict[str, list[list]] = {n: [] for n in engines}
        for s in samples:
            img = s.open()
            for n, engine in engines.items():      # alternately, photo by photo
                t = time.thread_time()
                engine.centerface.last_refine = (0, 0)
                boxes[n].append([f.box for f in engine.detect(img)])
                cpu[n] += time.thread_time() - t
                k = engine.centerface.refine_scale ** 2
                refine[n][0] += engine.centerface.last_refine[0]
                refine[n][1] += engine.centerface.last_refine[1] * k / 1e6
        base = boxes["default"]
        tallies[label] = {}
        for n in engines:
            tally = fb.Tally()
            lost = gained = lost32 = gained32 = missing = 0
            for s, mine, ref in zip(samples, boxes[n], base):
                if s.gt:
                    fb.score(tally, s, mine)
                    a, b = found(s, ref), found(s, mine)
                    large = [max(g[2], g[3]) >= 32 for g in s.gt]
                    if label == "WIDER":
                        missed[n] += [(s.name, g, at) for g, at, y in zip(s.gt, s.attrs, b)
                                      if not y and max(g[2], g[3]) >= 32]
                    lost += sum(1 for x, y in zip(a, b) if x and not y)
                    gained += sum(1 for x, y in zip(a, b) if y and not x)
                    lost32 += sum(1 for x, y, z in zip(a, b, large) if x and not y and z)
                    gained32 += sum(1 for x, y, z in zip(a, b, large) if y and not x and z)
                missing += sum(1 for r in ref if not any(box_iou(r, m) >= 0.5 for m in mine))
            tallies[label][n] = tally
            if n in lost_any:
                lost_any[n] += lost
            vs = "-" if n == "default" else f"{lost} / {gained} ({lost32} / {gained32})"
            nbox = sum(len(b) for b in boxes[n])
            per = max(1, len(samples))
            print(f"| {label} | {n} | {tally.cell('r10')} | {nbox} | "
                  f"{tally.unmatched / max(1, tally.photos):.3f} | {cpu[n] / per:.2f} | "
                  f"{refine[n][0] / per:.1f} / {refine[n][1] / per:.1f} | {vs} | "
                  f"{'-' if n == 'default' else missing} |", flush=True)
            if n != "default" and label == "shared annotated":
                d = tallies[label]["default"]
                if lost32:
                    verdict[n].append(f"(a) loses {lost32} face(s) >= 32 px on ../shared")
                if tally.c.get("r10", [0])[0] < d.c.get("r10", [0])[0]:
                    verdict[n].append("(a) finds fewer faces >= 10 px on ../shared")
            if n != "default" and label == "WIDER":
                d = tallies[label]["default"]
                if tally.c.get("r10", [0])[0] < d.c.get("r10", [0])[0]:
                    verdict[n].append("(b) finds fewer WIDER faces >= 10 px")
                for key in ("pose typical", "pose atypical", "occl. none", "occl. partial",
                            "occl. heavy"):
                    if tally.c.get(key, [0])[0] < d.c.get(key, [0])[0] - 1:
                        verdict[n].append(f"(b) WIDER {key} lower by more than one face")
                if tally.unmatched > d.unmatched:
                    verdict[n].append("(b) more unmatched boxes per photo on WIDER")
    if "WIDER" in tallies:
        print("\n| WIDER | " + " | ".join(engines) + " |")
        print("|---|" + "---|" * len(engines))
        for key in fb.ROWS:
            print(f"| {fb.LABELS.get(key, key)} | "
                  + " | ".join(tallies["WIDER"][n].cell(key) for n in engines) + " |")
        print_misses(missed, args.misses)
    print()
    for n, lost in lost_any.items():
        print(f"{n}: " + (f"loses {lost} annotated face(s) the default finds"
                          if lost else "loses no annotated face the default finds"))
        if args.wider:
            print("  net-gain rule (a), (b): " + ("; ".join(verdict[n]) or "passes "
                                                  "(now compare the CPU column: rule (c))"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
