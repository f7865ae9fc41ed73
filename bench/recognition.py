"""Benchmark face recognition: PhotoVet 0.1's dlib signatures and the current SFace ones, side by
side in one run.

    python bench/recognition.py [--data DIR] [--no-scenario] [--faces N] [--recipes]

On ../shared/data (or $PHOTOVET_SHARED_DATA), read only:

- identities/: the largest face of every single-person photo (found by PhotoVet's detector,
  the same box for both encoders); genuine pairs = same person, different photographs
  (``photo_group``), impostor pairs = different people. Per encoder: genuine and impostor
  distances, d' (separation of the two distributions), TAR (share of genuine pairs accepted)
  at 0 false accepts and at a false accept rate of 1e-3 (with about 1,800 impostor pairs this
  is the 1-2 closest impostors: a coarse figure), and the share accepted at PhotoVet's
  thresholds;
- time per face: CPU ms per face on one thread, the speed-up when two Python threads encode at
  once, and how fast a pure-Python thread (a window's event loop) still runs meanwhile (dlib
  holds the GIL; onnxruntime does not). The machine's other work makes wall times noisy:
  compare the two encoders in this run, as ratios;
- scenario/: the school scenario end to end through the pipeline (register import, enrolment
  from enrol.csv, the 41 trip photos on every channel): consenting appearances shown, and
  people shown who must not be (must be 0), for each encoder.

``--recipes`` compares, instead, ways of making an SFace signature from the same face box, in
one run (each used for enrolment and for the photos alike): today's (YuNet's landmarks from one
crop around the box), test-time flip (the signature is the normalised mean of SFace on the
aligned chip and on its mirror image), landmarks averaged over YuNet runs on crops of three
sizes, and both; plus two enrolment-only ones (the photos' signatures unchanged) that keep the
mirror image as a second view of the one MIS photo: as a second signature (a face's distance
is to the nearer) or averaged into one. Same tables: identities/ (and CPU ms per face, landmarks
included) and the scenario. Distances shrink for everyone when the signature is less noisy:
compare d' and TAR at 0 false accepts, not only the share under PhotoVet's thresholds, which
were calibrated for children on today's recipe.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photovet.core.settings import Settings  # noqa: E402
from photovet.core.vision.faces import DLIB, SFACE, SFACE_ONE_CROP, FaceEngine  # noqa: E402
from photovet.core.vision.faces.alignment import align_112  # noqa: E402
from photovet.core.vision.faces.matching import THREE_CROPS_STRICTER  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("PHOTOVET_SHARED_DATA") or ROOT.parent / "shared" / "data")


def _open(path: Path) -> Image.Image:
    img = Image.open(path)
    img.load()
    return img.convert("RGB")


def identity_faces(engine: FaceEngine, folder: Path):
    """[(identity, photo_group, image, face)] for single-person photos (largest face)."""
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for f in m["files"]:
        gt = f["ground_truth"]
        if len(gt.get("identities_present") or []) != 1:
            continue
        img = _open(folder / f["file"])
        faces = [x for x in engine.detect(img) if engine.encodable(x)]
        if not faces:
            continue
        face = max(faces, key=lambda x: x.box[2] * x.box[3])
        out.append((gt["identities_present"][0], gt.get("photo_group") or f["file"], img, face))
    return out


def verification(items, encs, thresholds: dict[str, float], gallery=None) -> dict:
    """``gallery``: per item, the enrolled signatures (k, 128) when enrolment keeps more than
    one view; then every ordered pair counts (one photo enrolled, the other a probe) and a
    probe's distance is to the nearest view."""
    same, diff = [], []
    if gallery is None:
        pairs = itertools.combinations(range(len(items)), 2)
    else:
        pairs = itertools.permutations(range(len(items)), 2)
    for (a, b) in pairs:
        if encs[a] is None or encs[b] is None:
            continue
        if gallery is None:
            d = float(np.linalg.norm(encs[a] - encs[b]))
        else:
            d = float(np.min(np.linalg.norm(gallery[a] - encs[b], axis=1)))
        if items[a][0] == items[b][0]:
            if items[a][1] != items[b][1]:
                same.append(d)
        else:
            diff.append(d)
    g, i = np.array(same), np.array(diff)
    dprime = (i.mean() - g.mean()) / np.sqrt((g.var() + i.var()) / 2)
    far_thr = float(np.quantile(i, 1e-3))
    return {
        "encoded": sum(e is not None for e in encs), "faces": len(encs),
        "genuine": len(g), "impostor": len(i),
        "genuine mean / max": f"{g.mean():.3f} / {g.max():.3f}",
        "impostor mean / min": f"{i.mean():.3f} / {i.min():.3f}",
        "d'": f"{dprime:.2f}",
        "TAR at 0 false accepts": f"{np.mean(g < i.min()):.3f}",
        "TAR at FAR 1e-3": f"{np.mean(g < far_thr):.3f} (threshold {far_thr:.3f})",
        **{f"accepted at {name} {t:.2f}: genuine / impostor":
           f"{np.mean(g < t):.3f} / {int((i < t).sum())} pairs" for name, t in thresholds.items()},
    }


def timing(engine: FaceEngine, items, model: str, n: int) -> dict:
    work = [(img, face) for _, _, img, face in items][:n]

    def run(part):
        for img, face in part:
            engine.encode(img, [face], model)

    run(work[:2])                                     # warm up (dlib loads on first use)
    c0, w0 = time.process_time(), time.perf_counter()
    run(work)
    cpu, wall1 = time.process_time() - c0, time.perf_counter() - w0
    threads = [threading.Thread(target=run, args=(work[k::2],)) for k in range(2)]
    w0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall2 = time.perf_counter() - w0
    return {"CPU ms per face (1 thread)": f"{1000 * cpu / len(work):.1f}",
            "wall ms per face (1 thread)": f"{1000 * wall1 / len(work):.1f}",
            "2 threads: speed-up of wall time": f"{wall1 / wall2:.2f}x",
            "a Python thread keeps ... of its speed meanwhile (GIL)": f"{gil_share(lambda: run(work)):.2f}"}


def gil_share(fn) -> float:
    """How fast a pure-Python counting thread runs while ``fn`` runs, as a share of its speed
    alone (1.0: the encoder lets Python run, as a GUI needs; near 0: it holds the GIL)."""
    def count(seconds: float, out: list) -> None:
        n, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            n += 1
        out.append(n / seconds)

    alone: list = []
    count(1.0, alone)
    during: list = []
    t = threading.Thread(target=count, args=(1.0, during))
    t.start()
    fn()
    t.join()
    return during[0] / alone[0]


class _OlderModel:
    """The face engine as an older PhotoVet enrolled: ``model``'s signatures (dlib for 0.1,
    one-crop SFace before the three crops)."""

    def __init__(self, engine: FaceEngine, model: str):
        self.engine = engine
        self.signature_model = model

    def detect(self, image):
        return self.engine.detect(image)

    def encodable(self, face):
        return self.engine.encodable(face)

    def encode(self, image, faces, model=None):
        return self.engine.encode(image, faces, model or self.signature_model)

    def encode_models(self, image, faces, models):
        return {m: self.encode(image, faces, m) for m in models}

    def portrait_encodings(self, image):
        return [(box, enc) for box, enc, _ in self.portrait_faces(image, sureness=False)]

    def portrait_faces(self, image, *, sureness=True):
        faces = self.engine.detect(image)
        encs = self.engine.encode(image, faces, self.signature_model)
        return [(f.box, e, min(float(f.score), self.engine._crop_sureness(image, f.box))
                 if sureness else 1.0) for f, e in zip(faces, encs) if e is not None]

    def __getattr__(self, name):
        return getattr(self.engine, name)


def scenario(engine_for_enrolment, face_engine: FaceEngine, root: Path, views: str = "one") -> dict:
    from photovet.core.accounts import Access
    from photovet.core.pipeline import Engine
    from photovet.core.workspace import Workspace

    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as home:
        ws = Workspace.open(Path(home), access=Access.system("bench"))
        try:
            ws.settings.text.enabled = False
            ws.import_register(root / "register.csv", skip_invalid=True)
            if views == "one":
                enrolled = len(ws.register.enrol_csv(root / "enrol.csv", engine_for_enrolment).enrolled)
            else:
                enrolled = len(enrol_views(ws.register, root, face_engine, views))
            engine = Engine(ws.settings, register=ws.register, face_engine=face_engine, cache=None)
            on = dt.date.fromisoformat(expected["reference_date"])
            shown_ok = should = wrong = reviewable = 0
            t0 = time.process_time()
            for photo in expected["photos"]:
                a = engine.analyse((root / photo["photo"]).resolve())
                for ch in expected["channels"]:
                    engine.decide(a, ch, "consent", on)
                    allowed = set(photo["by_channel"][ch]["show"])
                    shown = [f.who for f in a.faces if f.decision == "show"]
                    review = {f.person for f in a.faces if f.needs_review}
                    wrong += sum(1 for p in shown if p not in allowed)
                    wrong += len(shown) - len(set(shown))
                    should += len(allowed)
                    shown_ok += len(allowed & set(shown))
                    reviewable += len(allowed & (set(shown) | review))
            cpu = time.process_time() - t0
        finally:
            ws.close()
    return {"enrolled people": enrolled, "shown automatically": f"{shown_ok}/{should} = {shown_ok / should:.3f}",
            "shown or offered for review": f"{reviewable}/{should}",
            "wrongly shown": str(wrong), "CPU s for the 41 photos": f"{cpu:.1f}"}


# --------------------------------------------------------------------------------------------
# signature recipes (--recipes)
# --------------------------------------------------------------------------------------------

#: name -> (flip, YuNet crop sizes whose landmarks are averaged, enrolment views)
RECIPES = {
    "today: landmarks from one 128 px crop": (False, (128,), "one"),
    "flip (chip + mirror, mean)": (True, (128,), "one"),
    "landmarks averaged over 96/128/160 px crops": (False, (96, 128, 160), "one"),
    "both": (True, (96, 128, 160), "one"),
    "enrolment: + mirror as a 2nd signature": (False, (128,), "two"),
    "enrolment: mean with the mirror": (False, (128,), "mean"),
}


def recipe_encoder(sface, flip: bool, sizes: tuple[int, ...]):
    """An ``SFaceEncoder.encode`` replacement making signatures by one recipe."""
    from PIL import ImageOps

    def encode(rgb, boxes):
        out = [None] * len(boxes)
        for i, box in enumerate(boxes):
            if box is None:
                continue
            found = [sface._yunet.landmarks_for(rgb, box, target=t) for t in sizes]
            if found[sizes.index(128)] is None:       # today's rule: no landmarks, no signature
                continue
            lm = np.mean([f for f in found if f is not None], axis=0)
            chip = align_112(rgb, lm)
            v = sface.embed_chips([chip, ImageOps.mirror(chip)] if flip else [chip])
            v = v.mean(0)
            out[i] = v / np.linalg.norm(v)
        return out
    return encode


def enrol_views(register, root: Path, engine: FaceEngine, views: str):
    """Enrol enrol.csv with the mirror image as another view of each photo."""
    import csv

    from photovet.core.register import enrolment

    items = {}
    with open(root / "enrol.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            items.setdefault(row["UPN"], []).append(root / row["Photo"])
    stored = {}
    for pid, paths in items.items():
        try:
            enrolment.enrollable(register, pid, dt.date.today())
        except Exception:
            continue
        for path in paths:
            img = _open(path)
            faces = [f for f in engine.detect(img) if engine.encodable(f)]
            if not faces:
                continue
            face = max(faces, key=lambda f: f.box[2] * f.box[3])
            enc = engine.encode(img, [face])[0]
            mir = engine.encode(img.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                [_mirrored_face_obj(face, img.width)])[0]
            if enc is None:
                continue
            if mir is None:
                vecs = [enc]
            elif views == "two":
                vecs = [enc, mir]
            else:
                v = enc + mir
                vecs = [v / np.linalg.norm(v)]
            stored.setdefault(pid, []).extend((v, path.name) for v in vecs)
    register.store_signatures(stored, replace=True, source="bench", errors=0, model=SFACE)
    return stored


def _mirrored_face_obj(face, width):
    from photovet.core.models import Face

    x, y, w, h = face.box
    return Face(box=(width - x - w, y, w, h), score=face.score, landmarks=[])


def recipes(engine: FaceEngine, items, data: Path, with_scenario: bool, thresholds: dict) -> None:
    rows_v, rows_s = {}, {}
    scen = data / "scenario"
    today = engine.sface.encode
    # the recipes differ only in signatures: each photo's faces are found once for all of them
    found: dict = {}
    detect_all = engine.detect_all

    def detect_once(image):
        import hashlib

        key = (image.size, hashlib.sha256(image.tobytes()).hexdigest())
        if key not in found:
            found[key] = detect_all(image)
        return found[key]

    engine.detect_all = detect_once
    for name, (flip, sizes, views) in RECIPES.items():
        engine.sface.encode = recipe_encoder(engine.sface, flip, sizes)
        try:
            c0 = time.process_time()
            probe = [engine.encode(img, [face])[0] for _, _, img, face in items]
            ms = 1000 * (time.process_time() - c0) / max(1, len(items))
            if views == "one":
                gallery = [None if e is None else e[None] for e in probe]
            else:
                gallery = []
                for (_, _, img, face), e in zip(items, probe):
                    m = engine.encode(img.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                      [_mirrored_face_obj(face, img.width)])[0]
                    if e is None or m is None:
                        gallery.append(None if e is None else e[None])
                    elif views == "two":
                        gallery.append(np.stack([e, m]))
                    else:
                        gallery.append(((e + m) / np.linalg.norm(e + m))[None])
            rows_v[name] = dict(verification(items, probe, thresholds, gallery),
                                **{"CPU ms per face (landmarks + signature)": f"{ms:.1f}"})
            if with_scenario and (scen / "expected.json").exists():
                rows_s[name] = scenario(engine, engine, scen, views=views)
        finally:
            engine.sface.encode = today
    table("identities/: signature recipes (SFace int8bq; enrolment and photos alike)", rows_v)
    if rows_s:
        table("scenario: signature recipes", rows_s)


def table(title: str, rows: dict[str, dict]) -> None:
    print(f"\n### {title}\n")
    names = list(rows)
    keys = list(dict.fromkeys(k for r in rows.values() for k in r))
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for k in keys:
        print(f"| {k} | " + " | ".join(str(rows[n].get(k, "-")) for n in names) + " |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--faces", type=int, default=40, help="faces timed per encoder")
    ap.add_argument("--no-scenario", action="store_true")
    ap.add_argument("--recipes", action="store_true",
                    help="compare ways of making SFace signatures (module notes) instead")
    args = ap.parse_args()
    ids = args.data / "identities"
    if not (ids / "manifest.json").exists():
        print(f"skipped: {ids} is not present")
        return 0
    print(f"cpu cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.2f} at the start "
          "(cores are shared with other work)")
    settings = Settings()
    r = settings.recognition
    engine = FaceEngine.load(settings, threads=1)
    items = identity_faces(engine, ids)
    if args.recipes:
        recipes(engine, items, args.data, not args.no_scenario,
                {"pupil": r.pupil_distance, "staff": r.staff_distance})
        print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
        return 0
    rows_v, rows_t = {}, {}
    for label, model, thresholds in (
            ("dlib ResNet (PhotoVet 0.1)", DLIB, {"max distance": r.max_distance}),
            ("SFace, landmarks of one crop (before)", SFACE_ONE_CROP,
             {"pupil": r.pupil_distance, "staff": r.staff_distance}),
            ("SFace, landmarks of three crops (current)", SFACE,
             {"pupil": r.pupil_distance - THREE_CROPS_STRICTER,
              "staff": r.staff_distance - THREE_CROPS_STRICTER})):
        encs = [engine.encode(img, [face], model)[0] for _, _, img, face in items]
        rows_v[label] = verification(items, encs, thresholds)
        rows_t[label] = timing(engine, items, model, args.faces)
    table("identities/: largest face per single-person photo", rows_v)
    table(f"time per face ({min(args.faces, len(items))} faces; one onnxruntime thread per "
          "encoder call)", rows_t)
    scen = args.data / "scenario"
    if not args.no_scenario and (scen / "expected.json").exists():
        rows_s = {"dlib (PhotoVet 0.1 signatures)": scenario(_OlderModel(engine, DLIB),
                                                             _OlderModel(engine, DLIB), scen),
                  "SFace, one crop (before)": scenario(_OlderModel(engine, SFACE_ONE_CROP),
                                                       _OlderModel(engine, SFACE_ONE_CROP), scen),
                  "SFace, three crops (current)": scenario(engine, engine, scen)}
        table("scenario: 41 trip photos x 6 channels, 88 consenting appearances (detector: "
              "CenterFace + YuNet for both)", rows_s)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
