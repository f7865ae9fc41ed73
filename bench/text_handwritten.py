"""Handwritten names below large faces on 12 MP photos: covered or not, per ``names.READ_PX``.

    python bench/text_handwritten.py [--data ../shared/data] [--read-px 10,16]
                                     [--sizes 450,600] [--shares 0.04,0.05,0.06,0.08]

A face's badge area is read closely at the scale where a name of ``BADGE_NAME_SHARE`` (0.04)
of the face's height is ``READ_PX`` high: full resolution up to 250 px faces, scaled down for a
close-up (``names.badge_areas``, ``ocr.focus_level``). Printed type is found at 10 px; is
handwriting? Built in a temporary folder, never kept: a 4000 x 3000 photo of one person from
../shared/data/identities (scaled so the face is ``--sizes`` px high, on a plain background of
the photo's border colour), with a handwritten-style name from ../shared/data/badges (its
crop, 0.4 text heights of card around it) pasted on the chest, 1.5 face heights below the
face's top, its text ``--shares`` of the face's height high. Faces are found on the photo
without the name (once per photo and size). Each photo is read once per distinct set of
detection levels the ``READ_PX`` values give (those giving the same levels read the same).

Per photo and value: the name covered by rule (>= 90 % of its polygon, "R"), only for review
("r": covered until a person decides), or not (".", readable), with the level its badge area
was read at ("-": not again, the whole photo's pass is as fine); then totals and the text
stage's CPU seconds per value (this process, on one thread). Measures; changes nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

#: handwritten-style pupils' names of ../shared/data/badges (fonts dkgBd, DancingScript,
#: Humor-Sans) and the close-ups they are put under (one person, a plain background)
NAMES = ("Elizabeth Ashworth", "Megan Llewellyn", "Amara Okafor", "Oscar Morgan", "Sam Chen",
         "EVIE MARSHALL")
BASES = ("deepface__img13.jpg", "deepface__img22.jpg")
SIZE = (4000, 3000)


def _bench_text():
    spec = importlib.util.spec_from_file_location("bench_text", ROOT / "bench" / "text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def close_up(path: Path, face_px: int, faces) -> Image.Image:
    """The photo at ``path`` scaled so its largest face is ``face_px`` high, that face's top
    250 px from the top and centred, on a plain 12 MP background; below the photo its last
    rows drawn on down (a body)."""
    src = Image.open(path).convert("RGB")
    box = max(faces.detect(src), key=lambda f: f.box[3]).box
    s = face_px / box[3]
    im = src.resize((round(src.width * s), round(src.height * s)), Image.BICUBIC)
    a = np.asarray(src)
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    out = Image.new("RGB", SIZE, tuple(int(c) for c in np.median(border, axis=0)))
    ox = round(SIZE[0] / 2 - (box[0] + box[2] / 2) * s)
    oy = round(250 - box[1] * s)
    out.paste(im, (ox, oy))
    bottom = oy + im.height
    if bottom < SIZE[1]:
        strip = im.crop((0, im.height - 4, im.width, im.height)).resize((im.width, SIZE[1] - bottom))
        out.paste(strip, (ox, bottom))
    return out


def with_name(photo: Image.Image, face, card: Image.Image, item: dict, share: float):
    """``photo`` with ``item``'s name (cut from ``card``, its badge photo) pasted below ``face``
    at ``share`` of its height; and the item as placed (polygon, height)."""
    p = np.asarray(item["polygon"], dtype=float)
    th = item["text_height_px"]
    m = 0.4 * th
    x0, y0 = max(0, int(p[:, 0].min() - m)), max(0, int(p[:, 1].min() - m))
    x1 = min(card.width, int(p[:, 0].max() + m) + 1)
    y1 = min(card.height, int(p[:, 1].max() + m) + 1)
    f = share * face[3] / th
    crop = card.crop((x0, y0, x1, y1))
    crop = crop.resize((round(crop.width * f), round(crop.height * f)), Image.BICUBIC)
    px = round(face[0] + face[2] / 2 - crop.width / 2)
    py = round(face[1] + 1.5 * face[3] - crop.height / 2)
    out = photo.copy()
    out.paste(crop, (px, py))
    poly = [((x - x0) * f + px, (y - y0) * f + py) for x, y in item["polygon"]]
    return out, dict(item, polygon=poly, text_height_px=th * f)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("PHOTOVET_SHARED_DATA")
                                                      or ROOT.parent / "shared" / "data"))
    ap.add_argument("--read-px", default="10,16", help="the READ_PX values to compare")
    ap.add_argument("--sizes", default="450,600", help="face heights (px)")
    ap.add_argument("--shares", default="0.04,0.05,0.06,0.08",
                    help="name heights as shares of the face's height")
    args = ap.parse_args()
    folder = args.data / "badges"
    if not (folder / "manifest.json").exists():
        sys.exit(f"error: {folder}: not found (the evaluation data lives beside the repo)")
    values = [float(v) for v in args.read_px.split(",")]
    sizes = [int(v) for v in args.sizes.split(",")]
    shares = [float(v) for v in args.shares.split(",")]

    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.vision.text import names
    from photovet.core.vision.text.ocr import TextEngine, focus_level, text_options

    bt = _bench_text()
    settings = Settings()
    engine = TextEngine.load(text_options(settings.text, threads=1))
    faces_engine = FaceEngine.load(settings)
    bt.MIN_SCORE = settings.text.min_score
    manifest = json.loads((folder / "manifest.json").read_text())
    people = bt.load_register(folder / "register.csv")
    by_id = {p.id: p for p in people}
    matcher = names.NameMatcher(people, threshold=85)
    items = {it["text"]: (e["file"], it) for e in manifest["files"] for it in e["items"]
             if it["text"] in NAMES}
    cards = {t: Image.open(folder / f).convert("RGB") for t, (f, _) in items.items()}
    covered = {v: [0, 0, 0] for v in values}        # by rule, for review, readable
    cpu = {v: 0.0 for v in values}
    print("face px, name px (share), name: per READ_PX, R covered / r for review / . readable,"
          " @ the badge area's level")
    with tempfile.TemporaryDirectory() as tmp:
        for base in BASES:
            for size in sizes:
                photo = close_up(args.data / "identities" / base, size, faces_engine)
                boxes = [f.box for f in faces_engine.detect(photo)]
                face = max(boxes, key=lambda b: b[3])
                main_scale = engine.detection_scale(*photo.size)
                for name in NAMES:
                    for share in shares:
                        im, gt = with_name(photo, face, cards[name], items[name][1], share)
                        im.save(Path(tmp) / "photo.jpg", quality=92)
                        im = Image.open(Path(tmp) / "photo.jpg")
                        im.load()
                        seen, marks = {}, []
                        for v in values:
                            names.READ_PX = v
                            area = names.badge_areas([face])[0]
                            level = focus_level(area[4], main_scale)
                            key = tuple(focus_level(a[4], main_scale)
                                        for a in names.badge_areas(boxes))
                            if key not in seen:
                                c0 = time.process_time()
                                found, red, rev, _ = bt.analyse_image(engine, matcher, by_id, im,
                                                                      boxes=boxes)
                                spent = time.process_time() - c0
                                row = bt.score_items([gt], found, red, rev)[0]
                                seen[key] = ("R" if row["cov"] >= 0.9 else
                                             "r" if row["cov_review"] >= 0.9 else "."), spent
                            mark, spent = seen[key]
                            cpu[v] += spent
                            covered[v]["Rr.".index(mark)] += 1
                            marks.append(f"{v:g}: {mark} @{'-' if level is None else level}")
                        print(f"{round(face[3]):5d} {gt['text_height_px']:5.1f} ({share:.2f}) "
                              f"{name:<19} " + "   ".join(marks), flush=True)
    names.READ_PX = values[0]
    n = sum(covered[values[0]])
    for v in values:
        r, rv, no = covered[v]
        print(f"READ_PX {v:g}: covered {r + rv}/{n} ({r} by rule, {rv} for review), readable {no};"
              f" text stage CPU {cpu[v]:.1f} s ({cpu[v] / n:.2f} s a photo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
