"""TextEngine on text rendered with Pillow's bundled scalable font (works on a fresh machine)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from photovet.core.media.cover import card_covers, face_cover, text_cover
from photovet.core.models import YES, Channel, Person, PhotoAnalysis
from photovet.core.policy import decide_photo, publication
from photovet.core.settings import Settings
from photovet.core.vision.text.names import NameMatcher, classify_texts
from photovet.core.vision.text.ocr import TextEngine, _padded, text_options
from photovet.core.words import BADGE_COVER

ON = dt.date(2026, 6, 1)
CHANNELS = {"website": Channel("website", "School website", names="full"),
            "facebook": Channel("facebook", "Facebook", names="first")}
PEOPLE = [
    Person(id="P1", legal_forename="Olivia", legal_surname="Bennett"),
    Person(id="P2", legal_forename="Harriet", legal_surname="Lloyd"),
    Person(id="P3", legal_forename="Thomas", legal_surname="Baxter", preferred_forename="Tom"),
    Person(id="S1", legal_forename="Karen", legal_surname="Hughes", role="staff"),
]
BY_ID = {p.id: p for p in PEOPLE}
# the same staff member, with consent to show her name with photos on the website
HUGHES_NAMED = Person(id="S1", legal_forename="Karen", legal_surname="Hughes", role="staff",
                      photo_consent={"website": YES}, name_with_photo=True)


@pytest.fixture(scope="module")
def text_engine():
    return TextEngine.load(text_options(Settings().text))


@pytest.fixture(scope="module")
def matcher():
    return NameMatcher(PEOPLE, threshold=85)


def background(size, noisy: bool, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    if noisy:
        base = np.zeros((h, w, 3), dtype=np.float32)
        base += np.linspace(60, 180, w, dtype=np.float32)[None, :, None]
        base += rng.normal(0, 18, (h, w, 3))
        # some blobs and stripes so it is not a clean page
        yy, xx = np.mgrid[0:h, 0:w]
        base[..., 1] += 30 * np.sin(xx / 37.0) * np.cos(yy / 23.0)
        arr = np.clip(base, 0, 255).astype(np.uint8)
    else:
        arr = np.full((h, w, 3), 235, dtype=np.uint8)
    return Image.fromarray(arr)


def paste_text(img: Image.Image, text: str, height_px: int, angle: float, center,
               card=(250, 250, 245), ink=(20, 20, 30)) -> np.ndarray:
    """Draw ``text`` on a card, rotate it, paste it; returns the ink mask in image pixels."""
    font = ImageFont.load_default(size=height_px * 1.3)
    left, top, right, bottom = font.getbbox(text)
    pad = height_px
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    card_img = Image.new("RGBA", (w, h), card + (255,))
    ink_layer = Image.new("L", (w, h), 0)
    ImageDraw.Draw(card_img).text((pad - left, pad - top), text, font=font, fill=ink + (255,))
    ImageDraw.Draw(ink_layer).text((pad - left, pad - top), text, font=font, fill=255)
    card_img = card_img.rotate(angle, expand=True, resample=Image.BICUBIC)
    ink_layer = ink_layer.rotate(angle, expand=True, resample=Image.BICUBIC)
    x0, y0 = int(center[0] - card_img.width / 2), int(center[1] - card_img.height / 2)
    img.paste(card_img, (x0, y0), card_img)
    mask = np.zeros((img.height, img.width), dtype=bool)
    ink = np.asarray(ink_layer) > 128
    mask[y0:y0 + ink.shape[0], x0:x0 + ink.shape[1]] = ink
    return mask


def covered_fraction(mask: np.ndarray, covers) -> float:
    layer = Image.new("L", (mask.shape[1], mask.shape[0]), 0)
    d = ImageDraw.Draw(layer)
    for r in covers:
        d.polygon([(float(x), float(y)) for x, y in r.points], fill=255)
    red = np.asarray(layer) > 0
    return float((red & mask).sum() / max(1, mask.sum()))


def cover(engine, matcher, img, channel="website", people_by_id=None):
    """Read, classify, decide (policy) and make the covers (media/cover.py) as the Engine does."""
    items = classify_texts(engine.read(img), matcher)
    analysis = PhotoAnalysis(path="photo.jpg", width=img.width, height=img.height, texts=items,
                             faces_checked=True)
    decide_photo(analysis, BY_ID if people_by_id is None else people_by_id, CHANNELS[channel],
                 "consent", ON)
    size = (img.width, img.height)
    covers = publication(analysis, lambda box: face_cover(box, size),
                         lambda item: text_cover(item.polygon, item.person or "Name"),
                         lambda item: card_covers(item.polygon, BADGE_COVER)).covers
    return items, covers


@pytest.mark.parametrize("height, angle, noisy", [
    (16, 0, False), (16, 12, True), (24, -20, True), (40, 25, False), (20, 8, True),
])
def test_rendered_names_are_read_matched_and_covered(text_engine, matcher, height, angle, noisy):
    img = background((900, 600), noisy, seed=height)
    mask = paste_text(img, "Olivia Bennett", height, angle, (420, 300))
    items, reds = cover(text_engine, matcher, img)
    names = [i for i in items if i.kind == "pupil-name"]
    assert names, [i.text for i in items]
    assert names[0].person == "P1" and names[0].decision == "cover"
    assert covered_fraction(mask, reds) >= 0.95


def test_upside_down_text_is_read_the_right_way_up(text_engine, matcher):
    img = background((800, 500), True, seed=3)
    mask = paste_text(img, "Harriet Lloyd", 28, 180, (400, 250))
    items, reds = cover(text_engine, matcher, img)
    texts = [i.text for i in items]
    assert any("Harriet" in t for t in texts), texts
    hit = [i for i in items if i.person == "P2"]
    assert hit and hit[0].decision == "cover"
    assert covered_fraction(mask, reds) >= 0.95
    # the polygon is given as read: its first point (top-left of the text) is at the bottom right
    poly = np.array(hit[0].polygon)
    assert poly[0][1] > poly[2][1]


def test_staff_name_with_consent_and_ordinary_text_are_kept(text_engine, matcher):
    img = background((1000, 700), False)
    paste_text(img, "Mrs Hughes", 30, 0, (300, 150))
    paste_text(img, "Sports Day 2026", 30, 0, (600, 450))
    items, reds = cover(text_engine, matcher, img, people_by_id=dict(BY_ID, S1=HUGHES_NAMED))
    assert {i.text.replace(" ", "").lower() for i in items} >= {"mrshughes", "sportsday2026"}
    assert [i.kind for i in items if i.person == "S1"] == ["staff-name"]
    assert all(i.decision == "keep" for i in items), [(i.text, i.decision) for i in items]
    assert reds == []


def test_staff_name_without_consent_is_covered(text_engine, matcher):
    img = background((1000, 700), False)
    mask = paste_text(img, "Mrs Hughes", 30, 0, (300, 150))
    paste_text(img, "Sports Day 2026", 30, 0, (600, 450))
    items, reds = cover(text_engine, matcher, img)
    [staff] = [i for i in items if i.person == "S1"]
    assert staff.kind == "staff-name" and staff.decision == "cover" and not staff.needs_review
    assert staff.reason == "Staff name (no consent to show names)"
    assert [i.decision for i in items if i.person != "S1"] == ["keep"]   # "Sports Day 2026"
    assert [r.label for r in reds] == ["S1"]
    assert covered_fraction(mask, reds) >= 0.95


def test_unknown_name_is_flagged_for_review_and_covered(text_engine, matcher):
    img = background((900, 500), True, seed=5)
    mask = paste_text(img, "Matilda Crowther", 26, -6, (450, 250))
    items, reds = cover(text_engine, matcher, img)
    flagged = [i for i in items if i.kind == "name-like"]
    assert flagged and flagged[0].decision == "cover" and flagged[0].needs_review
    assert covered_fraction(mask, reds) >= 0.95


def test_small_name_on_a_12_megapixel_photo(text_engine, matcher):
    """About 12 px high text on a 4000 x 3000 photo is found (recognised from full-res pixels)."""
    img = background((4000, 3000), True, seed=12)
    mask = paste_text(img, "Olivia Bennett", 13, -8, (2500, 1900))
    paste_text(img, "EXIT", 60, 0, (600, 400))
    t0 = time.perf_counter()
    items, reds = cover(text_engine, matcher, img)
    elapsed = time.perf_counter() - t0
    assert any(i.person == "P1" and i.decision == "cover" for i in items), \
        [(i.text, i.kind) for i in items]
    assert covered_fraction(mask, reds) >= 0.9
    assert elapsed < 300   # pathological slowness only; bench/text.py measures speed


def test_page_full_of_text(text_engine, matcher):
    """A newsletter page: many lines are read, a pupil's name inside a sentence is caught."""
    img = Image.new("RGB", (1400, 1900), (255, 255, 255))
    d = ImageDraw.Draw(img)
    title = ImageFont.load_default(size=48)
    body = ImageFont.load_default(size=20)
    d.text((80, 60), "Oakfield News - Summer Term", font=title, fill=(10, 40, 90))
    lines = [
        "This term our pupils visited the farm and learned about animals.",
        "The choir sang at the town hall and raised money for charity.",
        "Congratulations to Olivia Bennett for her poem about the sea.",
        "Sports Day will be held on Friday; please bring a water bottle.",
        "The library is open every lunchtime for reading and homework.",
    ] * 9
    y = 180
    for line in lines:
        d.text((80, y), line, font=body, fill=(20, 20, 20))
        y += 36
    t0 = time.perf_counter()
    items, reds = cover(text_engine, matcher, img)
    elapsed = time.perf_counter() - t0
    assert len(items) >= 30
    named = [i for i in items if i.person == "P1"]
    assert len(named) >= 5 and all(i.decision == "cover" for i in named)
    # ordinary sentences are not covered
    assert sum(i.decision == "cover" for i in items) <= len(named) + 2
    assert len(reds) == sum(i.decision == "cover" for i in items)
    assert elapsed < 600   # pathological slowness only; bench/text.py measures speed


def test_photo_without_text(text_engine, matcher):
    img = background((1200, 900), True, seed=9)
    items, reds = cover(text_engine, matcher, img)
    assert [i for i in items if i.kind in ("pupil-name", "name-like")] == []
    assert reds == []
    blank = Image.new("RGB", (640, 480), (30, 120, 200))
    assert text_engine.read(blank) == []


@pytest.mark.parametrize("size", [(1, 1), (5, 3), (7, 200), (16, 16)])
def test_tiny_images(text_engine, size):
    assert text_engine.read(Image.new("RGB", size, (255, 255, 255))) == []


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "1", "I;16", "CMYK"])
def test_image_modes(text_engine, matcher, mode):
    img = background((700, 400), False)
    paste_text(img, "Olivia Bennett", 30, 0, (350, 200))
    if mode == "I;16":
        conv = img.convert("L").convert("I;16")
    else:
        conv = img.convert(mode)
    items = classify_texts(text_engine.read(conv), matcher)
    assert any(i.person == "P1" for i in items), (mode, [i.text for i in items])


def test_read_returns_plain_python_values(text_engine):
    img = background((700, 400), False)
    paste_text(img, "Tom Baxter", 30, 5, (350, 200))
    reads = text_engine.read(img)
    assert reads
    for poly, text, score in reads:
        assert len(poly) == 4 and all(isinstance(v, float) for p in poly for v in p)
        assert isinstance(text, str) and isinstance(score, float) and 0 <= score <= 1
        for x, y in poly:
            assert 0 <= x <= img.width and 0 <= y <= img.height


def test_large_name_on_a_large_photo(text_engine, matcher):
    """Big text (a certificate held close) is seen whole by the overview pass."""
    img = background((3000, 2000), True, seed=21)
    mask = paste_text(img, "Tom Baxter", 150, -10, (1500, 1000))
    items, reds = cover(text_engine, matcher, img)
    assert any(i.person == "P3" and i.decision == "cover" for i in items), [i.text for i in items]
    assert covered_fraction(mask, reds) >= 0.95


def test_below_a_face_small_text_is_looked_at_closely(text_engine):
    """On a 12 MP photo the reader detects text scaled down, and an 8 px name there is missed;
    given where badges would be (below a face), it looks again at full resolution and finds
    it. Nothing is looked at twice on a photo small enough to be read at full resolution."""
    from photovet.core.vision.text.names import badge_areas

    img = background((4000, 3000), True, seed=8)
    paste_text(img, "Olivia Bennett", 8, -5, (2500, 1900))
    assert [t for _, t, _ in text_engine.read(img)] == []
    face = (2450, 1600, 100, 110)               # a face above the badge
    areas = badge_areas([face])
    assert areas == [(2300, 1666, 2700, 2095, 1.0)]     # at full resolution
    assert [t for _, t, _ in text_engine.read(img, focus=areas)] == ["Olivia Bennett"]
    assert badge_areas([(10, 10, 30, 30)]) == []        # too small a face to read a badge
    small = background((900, 600), True, seed=8)
    assert text_engine._focus(np.asarray(small), [], [(0, 0, 900, 600)]) == []


# -- the text budget (issue 14) ----------------------------------------------------------------

class DetectorPixels:
    """Counts the pixels the text detector is run on (each call's input)."""

    def __init__(self, engine, monkeypatch):
        self.sizes = []
        det_tile = engine._det_tile

        def spy(tile):
            self.sizes.append(tile.shape[:2])
            return det_tile(tile)

        monkeypatch.setattr(engine, "_det_tile", spy)

    def total(self) -> int:
        return sum(h * w for h, w in self.sizes)


def test_a_small_faces_badge_area_costs_a_fraction_of_the_budget_and_finds_its_small_name(
        text_engine, monkeypatch):
    """A child's face of 110 px in a 12 MP photo: its chest is looked at closely at full
    resolution, and that costs what its own area costs (well under the 3 MP budget), not more;
    the 8 px name on its badge, which the scaled-down pass misses, is read."""
    from photovet.core.vision.text.names import badge_areas

    img = background((4000, 3000), True, seed=8)
    paste_text(img, "Olivia Bennett", 8, -5, (2500, 1900))
    face = (2450, 1600, 100, 110)
    (area,) = badge_areas([face])
    assert area[4] == 1.0                                   # a small face: its own pixels
    area_px = (area[2] - area[0]) * (area[3] - area[1])
    assert area_px < 200_000
    whole = DetectorPixels(text_engine, monkeypatch)
    assert not any("Bennett" in t for _, t, _ in text_engine.read(img))
    plain = whole.total()
    whole.sizes.clear()
    assert any("Bennett" in t for _, t, _ in text_engine.read(img, focus=[area]))
    spent = whole.total() - plain
    assert 0 < spent <= 2 * area_px, (spent, area_px)


def test_every_badge_area_of_a_group_photo_is_looked_at_however_many_there_are(text_engine):
    """Ten children of 200-230 px in a 12 MP group photo: their badge areas are 6.4 MP at
    full resolution. The 8 px name under the largest face (looked at last), which the
    scaled-down pass misses, is read: a budget of detector pixels (3 MP) skipped the largest
    areas, and names there were left readable (4 on one ../shared badge mosaic)."""
    from photovet.core.vision.text.names import badge_areas

    img = background((4000, 3000), True, seed=8)
    faces = [(800 * c, 610 + 990 * r, 200, 200) for r in range(2) for c in range(5)]
    faces[8] = (2400, 1600, 230, 230)             # the largest area: looked at last
    paste_text(img, "Olivia Bennett", 8, -5, (2500, 1900))
    areas = badge_areas(faces)
    assert len(areas) == 10 and all(a[4] == 1.0 for a in areas)
    assert 2055 < 2500 < 2975 and areas[8][1] < 1900 < areas[8][3]
    assert sum((a[2] - a[0]) * (a[3] - a[1]) for a in areas) > 6_000_000
    assert not any("Bennett" in t for _, t, _ in text_engine.read(img))   # the photo's own pass
    assert any("Bennett" in t for _, t, _ in text_engine.read(img, focus=areas))


def test_a_large_faces_badge_is_looked_at_scaled_down_and_a_very_large_ones_not_again(
        text_engine, monkeypatch):
    """A 320 px face: the smallest name it could wear (4 % of its height, 13 px) is 10 px at a
    scale of 0.8, so its chest is looked at there (fewer pixels than full resolution) and the
    name on it is read; before, an area that large was not looked at again at all. A 700 px
    face's badge area is seen as finely by the whole photo's pass: not looked at again (on a
    close-up its chest is, at full resolution: test_text_close_up.py)."""
    from photovet.core.vision.text.names import badge_areas
    from photovet.core.vision.text.ocr import focus_level

    img = background((4000, 3000), True, seed=6)
    paste_text(img, "Olivia Bennett", 13, -3, (800, 1450))
    face = (650, 700, 300, 320)
    area = badge_areas([face])[0]     # (a close-up's chest too: test_text_close_up.py)
    main = text_engine.detection_scale(4000, 3000)
    assert focus_level(area[4], main) == 0.8
    pixels = DetectorPixels(text_engine, monkeypatch)
    plain_reads = text_engine.read(img)
    plain = pixels.total()
    pixels.sizes.clear()
    reads = text_engine.read(img, focus=[area])
    spent = pixels.total() - plain
    assert any("Bennett" in t for _, t, _ in reads), [t for _, t, _ in reads]
    full = (area[2] - area[0]) * (area[3] - area[1])
    assert 0 < spent < full, (spent, full)      # (at full resolution: its pixels, in tiles)
    # the very large face: nothing more than the photo's own pass
    big = badge_areas([(1500, 200, 660, 700)])[0]
    assert focus_level(big[4], main) is None
    pixels.sizes.clear()
    text_engine.read(img, focus=[big])
    assert pixels.total() == plain, plain_reads


def test_focus_levels_and_covered_share():
    from photovet.core.vision.text.ocr import covered_share, focus_level

    assert focus_level(1.0, 0.512) == 1.0
    assert focus_level(0.9, 0.512) == 1.0           # rounded up: finer, never coarser
    assert focus_level(0.7, 0.512) == 0.8
    assert focus_level(0.6, 0.512) == 0.64
    assert focus_level(0.53, 0.512) is None         # the photo's own pass is as fine
    assert focus_level(0.3, 0.512) is None
    assert covered_share((0, 0, 100, 100), []) == 0.0
    assert covered_share((0, 0, 100, 100), [(-10, -10, 200, 200)]) == 1.0
    assert covered_share((0, 0, 100, 100), [(0, 0, 50, 100)]) == pytest.approx(0.5, abs=0.1)
    assert covered_share((0, 0, 100, 100), [(0, 0, 50, 100), (48, 0, 100, 100)]) == 1.0
    assert covered_share((0, 0, 100, 100), [(200, 200, 300, 300)]) == 0.0


def test_pixels_already_detected_at_a_finer_scale_are_not_detected_again(text_engine, monkeypatch):
    """A badge area (a large face's, asking for 0.8) that lies inside an area already detected
    at full resolution (a smaller face's, beside it) is not detected a second time, even near
    its edge (every pixel of it had more context there than the area itself gives it); one
    that reaches out of it is, only where it reaches out (and the detector's context)."""
    img = background((4000, 3000), True, seed=9)
    paste_text(img, "Jasper Thornbury", 9, 0, (1300, 1300))
    pixels = DetectorPixels(text_engine, monkeypatch)
    fine = (1000, 1000, 1600, 1600, 1.0)
    reads = text_engine.read(img, focus=[fine])
    assert any("Thornbury" in t for _, t, _ in reads), [t for _, t, _ in reads]
    once = pixels.total()
    pixels.sizes.clear()
    text_engine.read(img, focus=[fine, (1150, 1150, 1450, 1450, 0.8)])
    assert pixels.total() == once
    pixels.sizes.clear()
    text_engine.read(img, focus=[fine, (1050, 1050, 1450, 1450, 0.8)])     # near the edge, inside
    assert pixels.total() == once
    pixels.sizes.clear()
    text_engine.read(img, focus=[fine, (1050, 1050, 1900, 1450, 0.8)])     # reaching out of it
    whole = _padded(round(850 * 0.8)) * _padded(round(400 * 0.8))
    # x 1472-1900 (outside what was seen with its context) and 160 px (128 at 0.8) before it
    part = _padded(round((1900 - 1312) * 0.8)) * _padded(round(400 * 0.8))
    assert pixels.total() == once + part < once + whole, (pixels.sizes, once, part)


def test_unseen_pieces_leave_no_pixel_with_less_context_than_its_area_gave_it():
    """What is left of an area after areas already detected: every pixel of it is either inside
    a seen area with at least as much context (up to that area's) as the area itself gives it,
    or inside a piece with that much (up to ``context``); pieces lie inside the area and cost no
    more than it."""
    from photovet.core.vision.text.ocr import unseen_pieces

    def margins(p, r):
        return (p[0] - r[0], p[1] - r[1], r[2] - p[0], r[3] - p[1])

    rng = np.random.default_rng(11)
    for _ in range(150):
        x0, y0 = (int(v) for v in rng.integers(0, 400, 2))
        rect = (x0, y0, x0 + int(rng.integers(40, 900)), y0 + int(rng.integers(40, 900)))
        seen = []
        for _ in range(int(rng.integers(0, 5))):
            a, b = (int(v) for v in rng.integers(0, 1000, 2))
            seen.append(((a, b, a + int(rng.integers(50, 900)), b + int(rng.integers(50, 900))),
                         int(rng.integers(0, 160))))
        context = int(rng.integers(0, 160))
        pieces = unseen_pieces(rect, seen, context, 700)
        assert sum((c - a) * (d - b) for a, b, c, d in pieces) <= \
            (rect[2] - rect[0]) * (rect[3] - rect[1])
        for pc in pieces:
            assert rect[0] <= pc[0] < pc[2] <= rect[2] and rect[1] <= pc[1] < pc[3] <= rect[3]
        for px, py in rng.uniform((rect[0], rect[1]), (rect[2], rect[3]), (60, 2)):
            own = margins((px, py), rect)
            ok = any(all(m >= min(ctx, o) for m, o in zip(margins((px, py), r), own))
                     for r, ctx in seen) or \
                any(all(m >= min(context, o) for m, o in zip(margins((px, py), pc), own))
                    for pc in pieces)
            assert ok, (rect, seen, context, pieces, (px, py))
    # a neighbour in the same row: only its own part, with the context it needs, is left
    assert unseen_pieces((1250, 1000, 1850, 1500), [((1000, 1000, 1600, 1500), 128)], 128,
                         700) == [(1344, 1000, 1850, 1500)]
    # nothing left of an area inside what was seen; the area whole where little is saved
    assert unseen_pieces((1100, 1100, 1300, 1300), [((1000, 1000, 1600, 1600), 100)], 128,
                         700) == []
    assert unseen_pieces((0, 0, 400, 400), [((100, 100, 300, 300), 10)], 50, 700) == \
        [(0, 0, 400, 400)]


def test_two_overlapping_badge_areas_detect_their_shared_pixels_once_and_find_the_name_there(
        text_engine, monkeypatch):
    """Two neighbours' badge areas in a row, too wide together to be one detector input as
    they are joined (up to one input's side, 672 px: ``FOCUS_JOINS``): the second is detected
    only where the first did not already see it (with the detector's context); joined into one
    area (``FOCUS_JOINS`` up to two inputs' sides, measured in s45 and not on) they are one run
    of 864 x 512, fewer pixels than the two. A 10 px name in their overlap is found and read
    either way."""
    from photovet.core.vision.picture import Picture
    from photovet.core.vision.text import ocr

    img = background((4000, 3000), True, seed=12)
    paste_text(img, "Jasper Thornbury", 10, 0, (1420, 1250))
    first, second = (1000, 1000, 1600, 1500, 1.0), (1250, 1000, 1850, 1500, 1.0)
    pixels = DetectorPixels(text_engine, monkeypatch)
    picture = Picture(img)
    boxes = text_engine._focus(picture, [], [first, second])    # the badge areas' pass alone
    reads = text_engine._recognise(picture, boxes)
    assert any("Thornbury" in t for _, t, _ in reads), [t for _, t, _ in reads]
    # joined only up to one input's side (FOCUS_JOINS as it is): the first whole (608 x 512 as
    # run), of the second x 1344-1850 (512 x 512), not 608 x 512
    assert pixels.total() == 608 * 512 + 512 * 512, pixels.sizes
    # joined up to twice that: x 1000-1850 at once (864 x 512 as run)
    monkeypatch.setattr(ocr, "FOCUS_JOINS", (1.0, 2.0))
    pixels.sizes.clear()
    boxes = text_engine._focus(picture, [], [first, second])
    reads = text_engine._recognise(picture, boxes)
    assert any("Thornbury" in t for _, t, _ in reads), [t for _, t, _ in reads]
    assert pixels.sizes == [(512, 864)], pixels.sizes


def test_a_crowded_rows_badge_areas_are_joined_when_that_runs_fewer_detector_pixels(monkeypatch):
    """The badge areas of a crowded group photo (two rows of 12 faces of 150 px, each area
    overlapping its neighbours'): joining neighbours into areas up to 2-3 inputs' sides, each
    searched in tiles (``FOCUS_JOINS``: measured in s45, not on), runs fewer detector pixels
    than joining only what one input holds, and still leaves no pixel of any area unseen: each
    is inside a rectangle of the plan. An area already seen but for a strip is detected in
    that strip (with its context): over 95 % seen was skipped whole before s45."""
    from photovet.core.vision.text import ocr

    faces = [(300 + 290 * c, 500 + 1100 * r, 140, 150) for r in range(2) for c in range(12)]
    from photovet.core.vision.text.names import badge_areas

    areas = badge_areas(faces)
    levels = {1.0: [tuple(int(v) for v in a[:4]) for a in areas]}

    def cost(plan):
        return sum(ocr._area_cost(r, lv, 460_000, 192, 672) for r, lv in plan)

    monkeypatch.setattr(ocr, "FOCUS_JOINS", (1.0, 1.5, 2.0, 2.5, 3.0))    # (not on: s45)
    plan = ocr.focus_plan(levels, [], 672, 460_000, 192)
    old = ocr._focus_plan(levels, [], 672, 1.0)
    assert cost(plan) < 0.9 * cost(old), (cost(plan), cost(old))
    assert max(r[2] - r[0] for r, _ in plan) > 672          # joined beyond one input
    rng = np.random.default_rng(3)
    for x0, y0, x1, y1 in levels[1.0]:
        for px, py in rng.uniform((x0, y0), (x1, y1), (200, 2)):
            assert any(r[0] <= px <= r[2] and r[1] <= py <= r[3] for r, _ in plan), (px, py)
    # a joined area 3000 px wide seen at full resolution but for a strip 138 px wide at its
    # right (the seen area ends 10 px before it; over 95 % of it seen with the detector's
    # context): that strip is detected, with 128 px of context before it
    seen = (800, 800, 3990, 1700)
    rect = (1000, 1000, 4000, 1500)
    assert ocr.covered_share(rect, [ocr._shrunk(seen, ocr.FOCUS_CONTEXT)]) >= 0.95
    assert ocr.focus_plan({1.0: [rect]}, [seen], 672, 460_000, 192) == \
        [((3990 - 2 * 128, 1000, 4000, 1500), 1.0)]



def test_no_focus_joins_is_the_plan_of_before_never_no_plan(monkeypatch):
    """``FOCUS_JOINS`` emptied (a measurement's edit) plans as ``(1.0,)`` does: an empty
    tuple made ``focus_plan`` return no rectangle at all, every badge area left unread
    (audit_models, s45)."""
    from photovet.core.vision.text import ocr

    levels = {1.0: [(100, 100, 500, 400), (450, 120, 900, 420)], 0.8: [(1500, 900, 2400, 1500)]}
    plan = ocr.focus_plan(levels, [], 672, 460_000, 192)
    assert plan
    monkeypatch.setattr(ocr, "FOCUS_JOINS", ())
    assert ocr.focus_plan(levels, [], 672, 460_000, 192) == plan


def test_overlapping_badge_areas_are_searched_once_and_nothing_is_dropped():
    from photovet.core.vision.text.ocr import merge_overlapping

    rng = np.random.default_rng(7)
    for _ in range(200):
        rects = []
        for _ in range(int(rng.integers(1, 12))):
            x0, y0 = int(rng.integers(0, 900)), int(rng.integers(0, 900))
            rects.append((x0, y0, x0 + int(rng.integers(16, 300)), y0 + int(rng.integers(16, 300))))
        out = merge_overlapping(rects, 512)
        assert len(out) <= len(rects)
        for r in rects:       # every input rectangle lies inside one output rectangle
            assert any(o[0] <= r[0] and o[1] <= r[1] and o[2] >= r[2] and o[3] >= r[3]
                       for o in out), (r, out)
        for o in out:         # nothing grew past the side limit (unless it was given so)
            assert max(o[2] - o[0], o[3] - o[1]) <= 512 or o in rects
    # neighbours in a row (a group photo's badge areas) become one area ...
    row = [(x, 100, x + 120, 260) for x in range(0, 400, 80)]
    assert merge_overlapping(row, 1024) == [(0, 100, 440, 260)]
    # ... but not past the side limit, nor when the joint box is mostly empty
    assert len(merge_overlapping(row, 300)) > 1
    assert len(merge_overlapping([(0, 0, 100, 100), (90, 90, 190, 190)], 1024)) == 2


def test_a_part_of_a_picture_is_detected_at_the_scale_asked_for(text_engine, monkeypatch):
    """read(scale=...): a part of a video frame is detected at the frame's scale
    (detection_scale), not enlarged on its own to det_min_side; a name on it is still read."""
    assert text_engine.detection_scale(640, 360) == pytest.approx(1.5)
    part = Image.new("RGB", (360, 330), (90, 110, 140))
    ImageDraw.Draw(part).rectangle([40, 150, 250, 185], fill=(255, 255, 255))
    ImageDraw.Draw(part).text((50, 155), "Tori Hale", fill=(0, 0, 0),
                              font=ImageFont.load_default(size=26))
    sizes = []
    det_tile = text_engine._det_tile

    def spy(arr):
        sizes.append(arr.shape[:2])
        return det_tile(arr)

    monkeypatch.setattr(text_engine, "_det_tile", spy)
    alone = text_engine.read(part)
    at_frame = text_engine.read(part, scale=text_engine.detection_scale(640, 360))
    assert any("Tori" in t for _p, t, _s in at_frame), at_frame
    assert any("Tori" in t for _p, t, _s in alone), alone
    assert max(sizes[0]) > 800 and max(sizes[-1]) <= 544, sizes
    assert text_engine._scale is None                      # the next read is its own size again


def test_a_scaled_down_pass_is_cut_into_small_tiles_and_a_small_photo_stays_whole(text_engine):
    tile = text_engine.options["det_tile"]
    whole = text_engine.options["det_whole_side"]
    spans = text_engine._tiles(2048, True)
    assert len(spans) > 1 and max(b - a for a, b in spans) <= tile
    assert spans[0][0] == 0 and spans[-1][1] == 2048
    assert all(spans[k + 1][0] < spans[k][1] for k in range(len(spans) - 1))   # overlapping
    assert text_engine._tiles(whole, False) == [(0, whole)]
    assert len(text_engine._tiles(whole + 200, False)) > 1


def test_lines_are_cut_from_the_picture_as_from_a_whole_array(text_engine):
    """The reader takes a line's pixels from the picture around it, not from an array of the
    whole photo: the warped line is the same, at the borders too (replicated edge)."""
    from photovet.core.vision.picture import Picture

    img = background((640, 480), noisy=True, seed=3)
    whole = np.asarray(img)
    rng = np.random.default_rng(5)
    quads = [np.array([[0, 0], [200, 0], [200, 30], [0, 30]], np.float32),        # corner
             np.array([[500, 440], [645, 450], [640, 490], [495, 480]], np.float32)]  # over the edge
    for _ in range(20):
        x, y = rng.uniform(-10, 600), rng.uniform(-10, 450)
        w, h, a = rng.uniform(8, 300), rng.uniform(4, 60), rng.uniform(-0.4, 0.4)
        c, s = np.cos(a), np.sin(a)
        quads.append(np.array([[x, y], [x + w * c, y + w * s],
                               [x + w * c - h * s, y + w * s + h * c], [x - h * s, y + h * c]],
                              np.float32))
    for q in quads:
        for margin in (0.0, 0.1):
            from_picture = text_engine._crop(Picture(img), q.copy(), margin)
            from_array = text_engine._crop(Picture(whole), q.copy(), margin)
            assert np.array_equal(from_picture, from_array)


def test_a_large_area_is_searched_in_tiles_the_detector_keeps_small(text_engine):
    """Badge areas and second looks larger than det_max_pixels are cut into tiles no larger
    than that (the detector's memory follows its largest input), and a name across a cut is
    still found whole."""
    from photovet.core.vision.picture import Picture, tile_spans

    for length, tile, overlap in ((2000, 672, 192), (672, 672, 192), (700, 672, 192), (5, 64, 32)):
        spans = tile_spans(length, tile, overlap)
        assert spans[0][0] == 0 and spans[-1][1] == length
        assert max(b - a for a, b in spans) <= tile
        assert all(spans[k + 1][0] <= spans[k][1] - min(overlap, tile // 2)
                   for k in range(len(spans) - 1))
    img = background((1400, 900), noisy=False)
    ink = paste_text(img, "Olivia Bennett", 22, 0, (700, 450))  # where two tiles overlap
    cols = np.nonzero(ink.any(axis=0))[0]
    sizes = []
    run = text_engine._det_tile

    def spy(tile):
        sizes.append(tile.shape[0] * tile.shape[1])
        return run(tile)

    text_engine._det_tile = spy
    try:
        boxes = text_engine._detect_area(Picture(img), (0, 0, 1400, 900))
    finally:
        del text_engine._det_tile
    assert len(sizes) > 1 and max(sizes) <= text_engine.options["det_max_pixels"]
    xs = [(float(b[:, 0].min()), float(b[:, 0].max())) for b in boxes
          if b[:, 1].min() < 450 < b[:, 1].max()]
    # one box holds the whole line (not two halves, nor the line twice)
    assert len(xs) == 1 and xs[0][0] <= cols[0] + 2 and xs[0][1] >= cols[-1] - 2, (xs, cols[[0, -1]])


def test_an_area_a_little_too_large_is_cut_once_into_tiles_with_fewer_pixels():
    """s37: a badge area just over det_max_pixels was cut into a grid of square-ish tiles in
    both directions (728 x 952 px: 4 tiles, 1.1 MP for the detector); now the grid with the
    fewest detector pixels (2 tiles the area's width, 0.85 MP), each tile still within
    det_max_pixels and overlapping by det_overlap, full-width rows kept where they cost about
    the same (a line crosses fewer cuts)."""
    from photovet.core.vision.picture import tile_spans
    from photovet.core.vision.text.ocr import area_tiles

    cap, overlap, side = 460_000, 192, 672

    def pixels(xs, ys):
        return sum(_padded(b - a) * _padded(d - c) for a, b in xs for c, d in ys)

    for w, h in ((728, 952), (957, 1167), (1400, 900), (700, 700), (2000, 400), (100, 5000),
                 (640, 640), (4000, 3000)):
        xs, ys = area_tiles(w, h, cap, overlap, side)
        for spans, length in ((xs, w), (ys, h)):
            assert spans[0][0] == 0 and spans[-1][1] == length
            assert all(spans[k][1] - spans[k + 1][0] >= overlap - 1 for k in range(len(spans) - 1))
        assert all(_padded(b - a) * _padded(d - c) <= cap for a, b in xs for c, d in ys)
        square = ([(0, w)], [(0, h)]) if _padded(w) * _padded(h) <= cap else \
            (tile_spans(w, side, overlap), tile_spans(h, side, overlap))
        assert pixels(xs, ys) <= 1.03 * pixels(*square), (w, h)
    xs, ys = area_tiles(728, 952, cap, overlap, side)
    assert xs == [(0, 728)] and len(ys) == 2
    assert pixels(xs, ys) < 0.8 * pixels(tile_spans(728, side, overlap),
                                         tile_spans(952, side, overlap))
    assert area_tiles(640, 640, cap, overlap, side) == ([(0, 640)], [(0, 640)])


def test_a_photo_read_in_tiles_gives_the_detector_buffers_back(text_engine, monkeypatch):
    """A large photo (read scaled down, in tiles) gives the detector's arena back once read,
    so the photo's next stage, or another photo's faces, do not stack on it; a small photo,
    read whole, keeps it (the next one reuses it). The lines read are the same either way."""
    from photovet.core.vision.text import ocr

    calls = []
    real = ocr.give_back_arena
    monkeypatch.setattr(ocr, "give_back_arena", lambda s: (calls.append(s), real(s)))
    large = background((4000, 3000), noisy=False)
    paste_text(large, "Olivia Bennett", 60, 0, (2000, 1500))
    first = text_engine.read(large)
    assert calls == [text_engine._det_session] and not text_engine._arena_grown
    assert [t for _, t, _ in text_engine.read(large)] == [t for _, t, _ in first]
    assert any("Bennett" in t for _, t, _ in first)
    small = background((800, 600), noisy=False)
    paste_text(small, "Olivia Bennett", 30, 0, (400, 300))
    text_engine.read(small)
    assert len(calls) == 2



def test_the_text_engines_give_back_gives_the_detectors_arena_back(text_engine, monkeypatch):
    """``TextEngine.give_back`` (s45, a video's whole-frame reads) runs the detector once with
    the arena's shrinkage, on the detector's own session; the video tests use stand-in engines,
    so nothing else runs it (audit_models, s45). A read after it reads the same."""
    from photovet.core.vision.text import ocr

    small = background((800, 600), noisy=False)
    paste_text(small, "Olivia Bennett", 30, 0, (400, 300))
    first = [t for _, t, _ in text_engine.read(small)]
    calls = []
    real = ocr.give_back_arena
    monkeypatch.setattr(ocr, "give_back_arena", lambda s: (calls.append(s), real(s)))
    text_engine.give_back()
    assert calls == [text_engine._det_session]
    assert [t for _, t, _ in text_engine.read(small)] == first
    assert any("Bennett" in t for t in first), first


@pytest.mark.parametrize("width,height,banded", [(4000, 3000, True), (3024, 4032, True),
                                                 (2592, 1944, True), (4000, 2993, False)])
def test_a_large_photo_is_scaled_for_detection_in_bands_with_the_same_pixels(width, height,
                                                                              banded):
    """The detection image of a large photo is made a band of rows at a time, without an array
    of the whole photo (36 MB at 12 MP), and has exactly the pixels of scaling it at once; a
    size whose rows do not fall into short bands (4000 x 2993) is scaled at once."""
    import math

    from photovet.core.vision.cv import import_cv2
    from photovet.core.vision.picture import Picture
    from photovet.core.vision.text.ocr import BAND_ROWS, scaled_down

    class Counted(Picture):
        wholes = 0

        def whole(self):
            Counted.wholes += 1
            return super().whole()

    cv2 = import_cv2()
    arr = np.random.default_rng(width + height).integers(0, 256, (height, width, 3), np.uint8)
    s = 2048 / max(width, height)
    size = (round(width * s), round(height * s))
    assert (height // math.gcd(height, size[1]) <= BAND_ROWS) == banded
    got = scaled_down(Counted(Image.fromarray(arr)), size, cv2)
    assert np.array_equal(got, cv2.resize(arr, size, interpolation=cv2.INTER_AREA))
    assert Counted.wholes == (0 if banded else 1)


SPLIT_PEOPLE = [
    Person(id="P40", legal_forename="Tobias", legal_surname="Winterbottom"),
    Person(id="P41", legal_forename="Ewan", legal_surname="MacDonald"),
    Person(id="P42", legal_forename="Niamh", legal_surname="O'Connor"),
    *PEOPLE,
]


@pytest.mark.parametrize("pieces, person", [
    (["WINTER", "BOTTOM"], "P40"),              # printed apart: read as two boxes
    (["Tobias", "Winter", "Bottom"], "P40"),
    (["MAC", "DONALD"], "P41"),
    (["Niamh", "O'Connor"], "P42"),
    (["MAC DONALD"], "P41"), (["O CONNOR"], "P42"),   # one line with a space in the name
    (["OLIVIABENNETT"], "P1"),                   # or all run together
])
def test_a_drawn_badge_with_a_name_in_pieces_is_matched_and_covered(text_engine, pieces, person):
    """A name badge printed with a long surname in words ("WINTER BOTTOM", "MAC DONALD",
    "O CONNOR"), far enough apart for the reader to make two boxes of it, or all run together
    ("OLIVIABENNETT"): the pupil's name, covered whole, with no one asked to look (before,
    "WINTER" + "BOTTOM" stayed readable: neither box alone is a name)."""
    img = background((1000, 600), False, seed=len(pieces))
    font = ImageFont.load_default(size=28 * 1.3)
    widths = [font.getbbox(p)[2] for p in pieces]
    gap = 60                                        # between the words' ink, in pixels
    x = 500 - (sum(widths) + gap * (len(pieces) - 1)) / 2
    mask = np.zeros((img.height, img.width), dtype=bool)
    for p, w in zip(pieces, widths):
        mask |= paste_text(img, p, 28, 0, (x + w / 2, 300))
        x += w + gap
    by_id = {p.id: p for p in SPLIT_PEOPLE}
    items, reds = cover(text_engine, NameMatcher(SPLIT_PEOPLE, threshold=85), img, people_by_id=by_id)
    assert items and all(i.kind == "pupil-name" and i.person == person for i in items), \
        [(i.text, i.kind, i.person) for i in items]
    assert all(i.decision == "cover" and not i.needs_review for i in items)
    assert covered_fraction(mask, reds) >= 0.95


@pytest.mark.parametrize("ink, read", [((20, 20, 30), True), ((238, 238, 233), False)])
def test_a_name_too_faint_to_find_after_my_name_is_is_covered_until_a_person_decides(
        text_engine, matcher, ink, read):
    """s53 (bench/badges_unseen.py): a name written faintly (pencil, a pale pen) under "HELLO
    my name is" is not found by the text detector at all, and stayed readable. Where a name
    follows a cue read with nothing after it, that place is covered until a person decides;
    a name that is read is covered as the name it is, and no place is added."""
    img = background((900, 600), False)
    paste_text(img, "HELLO my name is", 18, 0, (420, 250))
    mask = paste_text(img, "Olivia Bennett", 22, 0, (420, 300), ink=ink)
    items, reds = cover(text_engine, matcher, img)
    unread = [i for i in items if i.context == "unread"]
    assert any(i.kind == "pupil-name" for i in items) is read
    assert (len(unread) == 0) is read, [(i.text, i.context) for i in items]
    assert all(i.decision == "cover" and not i.text for i in unread)
    # one question for the places after the cue (s57): beside it and under it
    assert [i.needs_review for i in unread] == ([] if read else [True, False])
    assert covered_fraction(mask, reds) >= 0.95
