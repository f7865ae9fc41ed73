"""Names on badges in looks ../shared/data/badges does not have: other fonts, colours, name
forms and card layouts, drawn on its real photos with a register of other names (issue 13: the
held-out badges have "different fonts, colours, card layouts"; tune for photos nobody saw).

    python bench/badges_unseen.py [--data ../shared/data] [--count 60] [--seed 53] [--hard]
                                  [--turn DEG] [--keep DIR]

Each photo of ../shared/data/identities and faces (scaled to 1000 px, faces found by PhotoVet)
gets a card below its one or two largest faces: a name of a made-up register of 30 pupils in
one of 8 forms ("Harvey Okafor", "HARVEY OKAFOR", "Okafor, Harvey", "H. Okafor", "H.Okafor",
"Harvey", "Harvey O.", "OKAFOR Harvey"), in one of 10 URW base-35 fonts (a serif, a script,
a narrow sans, a monospace, italics...), 8 colour pairs (light on dark too), 4 layouts (plain,
"HELLO my name is", a school's header, a STUDENT lanyard), 14-34 px high, turned up to 20
degrees; then a slight blur, noise and JPEG 80-92. ``--hard``: 11-18 px, up to 30 degrees, and
two low-contrast looks more. ``--turn 180``: cards turned any way (a lanyard card hangs
upside down as often as not). Built in a temporary folder (``--keep``: there instead), never in
the repository. Each name is read, classified and decided as bench/text.py does (every pupil
without name consent, the website): covered by rule, or until a person decides (review), when
90 % of its polygon is under a cover. Prints the totals by height band, name form, font and
look, and every name left readable with what was read on it. Measures; changes nothing.
Needs the fonts (Debian: fonts-urw-base35) and ../shared/data; skips with the reason otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FONTS = "/usr/share/fonts/opentype/urw-base35/"
FONT_FILES = ["C059-Bold.otf", "P052-Bold.otf", "URWBookman-Demi.otf", "URWGothic-Demi.otf",
              "Z003-MediumItalic.otf", "NimbusSansNarrow-Bold.otf", "NimbusMonoPS-Bold.otf",
              "NimbusSans-Regular.otf", "C059-Italic.otf", "URWGothic-Book.otf"]
FIRST = ["Amelia", "Harvey", "Isla", "Reuben", "Zara", "Callum", "Maisie", "Ibrahim", "Freya",
         "Kai", "Niamh", "Tobias", "Ayesha", "Rory", "Phoebe", "Jayden", "Eliza", "Dominic",
         "Hafsa", "Finley", "Orla", "Mateo", "Imogen", "Lucas", "Sienna", "Declan", "Aisha",
         "Theo", "Rosie", "Kacper"]
LAST = ["Whitfield", "Okafor", "Brennan", "Kowalski", "Patel", "Hargreaves", "Lindqvist",
        "Osei", "McAllister", "Fairbrother", "Nowak", "Ashworth", "Khan", "Doherty", "Sutcliffe",
        "Mensah", "Pemberton", "Rahman", "Gallagher", "Thornton", "Chowdhury", "Ellison",
        "Byrne", "Adeyemi", "Holloway", "Quinn", "Sharma", "Walsh", "Yilmaz", "Carver"]
FORMS = ["full", "caps", "surname_comma", "initial_dot", "initial_nospace", "forename",
         "forename_s", "caps_surname_first"]
STYLES = [((250, 250, 245), (20, 20, 20)), ((25, 40, 90), (255, 255, 255)),
          ((200, 30, 40), (255, 255, 255)), ((255, 220, 60), (30, 30, 120)),
          ((120, 190, 230), (20, 40, 60)), ((40, 120, 60), (250, 240, 200)),
          ((235, 235, 235), (120, 120, 130)), ((250, 200, 220), (150, 20, 80))]
#: --hard: two looks of low contrast more (grey on grey, light on dark grey)
HARD_STYLES = [((200, 200, 200), (120, 120, 120)), ((90, 90, 100), (170, 170, 180))]


def name_text(first, last, form):
    return {"full": f"{first} {last}", "caps": f"{first} {last}".upper(),
            "surname_comma": f"{last}, {first}", "initial_dot": f"{first[0]}. {last}",
            "initial_nospace": f"{first[0]}.{last}", "forename": first,
            "forename_s": f"{first} {last[0]}.",
            "caps_surname_first": f"{last.upper()} {first}"}[form]


def draw_card(text, font_file, h_px, style, layout):
    """A card image (RGBA) with the name; returns (card, name box in card pixels)."""
    bg, fg = style
    scale = 4
    font = ImageFont.truetype(FONTS + font_file, size=int(h_px * scale * 1.25))
    tb = font.getbbox(text)
    tw, th = tb[2] - tb[0], tb[3] - tb[1]
    pad = int(th * 0.6)
    extra_top = 0
    header = None
    if layout == "hello":
        header = ("HELLO my name is", (200, 30, 40), (255, 255, 255))
    elif layout == "school":
        header = ("Brookside Academy", bg, fg)
    elif layout == "lanyard":
        header = ("STUDENT", (30, 30, 30), (255, 255, 255))
    hfont = ImageFont.truetype(FONTS + "NimbusSans-Bold.otf", size=int(th * 0.55))
    if header:
        extra_top = int(th * 1.1)
    W = tw + 2 * pad
    H = th + 2 * pad + extra_top
    card = Image.new("RGBA", (W, H), bg + (255,))
    d = ImageDraw.Draw(card)
    if header:
        text_h, hbg, hfg = header
        d.rectangle([0, 0, W, extra_top], fill=hbg + (255,))
        d.text((pad, int(extra_top * 0.15)), text_h, font=hfont, fill=hfg + (255,))
    x0, y0 = pad - tb[0], extra_top + pad - tb[1]
    d.text((x0, y0), text, font=font, fill=fg + (255,))
    box = (pad, extra_top + pad, pad + tw, extra_top + pad + th)
    card = card.resize((max(1, W // scale), max(1, H // scale)), Image.LANCZOS)
    box = tuple(v / scale for v in box)
    return card, box


def place(photo, card, box, cx, top, angle):
    rot = card.rotate(angle, expand=True, resample=Image.BICUBIC)
    # the name box's corners through the rotation (about the card's centre)
    w, h = card.size
    W2, H2 = rot.size
    a = math.radians(-angle)
    pts = []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])):
        dx, dy = x - w / 2, y - h / 2
        rx = dx * math.cos(a) - dy * math.sin(a) + W2 / 2
        ry = dx * math.sin(a) + dy * math.cos(a) + H2 / 2
        pts.append((rx, ry))
    ox, oy = int(cx - W2 / 2), int(top)
    photo.paste(rot, (ox, oy), rot)
    return [(x + ox, y + oy) for x, y in pts]


def make_set(out: Path, data: Path, n: int, seed: int, hard: bool,
             turn: float | None = None) -> dict:
    """The photos and their manifest (every name's polygon, form, font, look) in ``out``."""
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    rnd = random.Random(seed)
    faces = FaceEngine.load(Settings())
    srcs = [s for folder in ("identities", "faces") for s in sorted((data / folder).glob("*"))
            if s.suffix.lower() in (".jpg", ".jpeg", ".png")]
    rnd.shuffle(srcs)
    register = [{"person_id": f"Q{i:03d}", "role": "pupil", "legal_forename": FIRST[i],
                 "preferred_forename": "", "surname": LAST[i], "year_group": "5",
                 "reg_group": "5B"} for i in range(len(FIRST))]
    styles = STYLES + (HARD_STYLES if hard else [])
    heights, most = ((11, 18), 30) if hard else ((14, 34), 20)
    turn = most if turn is None else turn
    files, k = [], 0
    for src in srcs:
        if len(files) >= n:
            break
        im = Image.open(src).convert("RGB")
        if im.width < 300:
            continue
        s = 1000 / max(im.size)
        im = im.resize((round(im.width * s), round(im.height * s)), Image.LANCZOS)
        boxes = sorted((f.box for f in faces.detect(im)), key=lambda b: -b[2] * b[3])
        boxes = [b for b in boxes if b[2] >= 40][:2]
        items, canvas = [], im.convert("RGBA")
        for x, y, w, h in boxes:
            p = register[k % len(register)]
            k += 1
            form, font = rnd.choice(FORMS), rnd.choice(FONT_FILES)
            text = name_text(p["legal_forename"], p["surname"], form)
            hpx, style = rnd.uniform(*heights), rnd.choice(styles)
            layout = rnd.choice(["plain", "hello", "school", "lanyard"])
            card, box = draw_card(text, font, hpx, style, layout)
            angle = rnd.uniform(-turn, turn)
            top = min(y + h * rnd.uniform(1.2, 1.8), canvas.height - card.height - 2)
            poly = place(canvas, card, box, x + w / 2, top, angle)
            if min(q[0] for q in poly) < 0 or max(q[0] for q in poly) > canvas.width or \
                    min(q[1] for q in poly) < 0 or max(q[1] for q in poly) > canvas.height:
                continue      # the name wholly in the photo (a card may leave it)
            items.append({"text": text, "kind": "badge", "is_pupil_name": True,
                          "person_id": p["person_id"], "polygon": poly, "text_height_px": hpx,
                          "font": font, "form": form, "style": list(style), "layout": layout,
                          "angle": angle})
        if not items:
            continue
        img = canvas.convert("RGB").filter(ImageFilter.GaussianBlur(rnd.uniform(0, 0.8)))
        arr = np.asarray(img).astype(np.float32)
        arr += np.random.default_rng(k).normal(0, 3, arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        name = f"u{len(files):03d}.jpg"
        img.save(out / name, quality=rnd.randint(80, 92))
        files.append({"file": name, "items": items, "source": src.name})
    with open(out / "register.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(register[0]))
        w.writeheader()
        w.writerows(register)
    manifest = {"seed": seed, "hard": hard, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


def evaluate(out: Path, manifest: dict) -> None:
    import text as tb

    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.vision.text.names import NameMatcher
    from photovet.core.vision.text.ocr import TextEngine, text_options

    settings = Settings()    # the shipped defaults, whatever this PC's settings say
    engine = TextEngine.load(text_options(settings.text))
    tb.MIN_SCORE = settings.text.min_score
    tb.FACES = FaceEngine.load(settings)
    people = tb.load_register(out / "register.csv")
    by_id = {p.id: p for p in people}
    matcher = NameMatcher(people, threshold=85)
    rows = []
    for f in manifest["files"]:
        im = Image.open(out / f["file"])
        im.load()
        items, cover, review, _el = tb.analyse_image(engine, matcher, by_id, im)
        for gt, row in zip(f["items"], tb.score_items(f["items"], items, cover, review)):
            target = tb._poly(gt["polygon"])
            row.update(file=f["file"], font=gt["font"], form=gt["form"], layout=gt["layout"],
                       angle=gt["angle"], style=tuple(map(tuple, [gt["style"][0], gt["style"][1]])),
                       covered=tb.coverage(gt["polygon"], cover + review) >= 0.9,
                       by_rule=row["cov"] >= 0.9,
                       reads=[(t.text, round(t.score, 2), t.decision, t.context)
                              for t in items if tb._poly(t.polygon).intersects(target)])
            rows.append(row)
    n, ok = len(rows), sum(r["covered"] for r in rows)
    print(f"pupils' names covered (by rule or until a person decides): {ok}/{n}"
          f"{f' = {ok / n:.3f}' if n else ''}; by rule {sum(r['by_rule'] for r in rows)}")
    for title, key in (("height band", lambda r: tb.band_of(r["height"])), ("name form", "form"),
                       ("font", "font"), ("layout", "layout"), ("look (card, text)", "style")):
        groups: dict = defaultdict(list)
        for r in rows:
            groups[key(r) if callable(key) else r[key]].append(r["covered"])
        print(f"  by {title}: " + ", ".join(f"{g} {sum(v)}/{len(v)}" for g, v in
                                            sorted(groups.items(), key=lambda kv: str(kv[0]))))
    for r in rows:
        if not r["covered"]:
            print(f"  readable: {r['file']} {r['text']!r}, {r['height']:.0f} px, {r['font']}, "
                  f"{r['form']}, {r['layout']}, turned {r['angle']:.0f} deg, look {r['style']}, "
                  f"covered {r['cov']:.2f} by rule + {r['cov_review']:.2f} for review; "
                  f"read there: {r['reads'] or 'nothing'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("PHOTOVET_SHARED_DATA")
                    or str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--count", type=int, default=60, help="photos to make (at most)")
    ap.add_argument("--seed", type=int, default=53)
    ap.add_argument("--hard", action="store_true",
                    help="smaller names (11-18 px), turned more, two low-contrast looks more")
    ap.add_argument("--turn", type=float, default=None,
                    help="turn cards up to this many degrees either way (default 20; --hard 30)")
    ap.add_argument("--keep", type=Path, default=None,
                    help="make the photos in this folder and keep them (never the repository)")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "identities").is_dir():
        sys.exit(f"skipped: {data / 'identities'} not found (the evaluation data lives beside "
                 "the repository)")
    missing = [f for f in FONT_FILES if not os.path.exists(FONTS + f)]
    if missing:
        sys.exit(f"skipped: fonts not found in {FONTS}: {', '.join(missing)} (Debian: "
                 "apt-get install fonts-urw-base35)")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        manifest = make_set(out, data, args.count, args.seed, args.hard, args.turn)
        names = sum(len(f["items"]) for f in manifest["files"])
        print(f"{len(manifest['files'])} photos, {names} pupils' names "
              f"({'--hard' if args.hard else 'default looks'}, seed {args.seed}"
              f"{f', turned up to {args.turn:g} degrees' if args.turn is not None else ''})")
        evaluate(out, manifest)


if __name__ == "__main__":
    main()
