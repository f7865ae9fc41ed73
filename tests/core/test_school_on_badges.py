"""The school's name printed small on a pupil's badge, where a channel hides the school (s44).

On the badge photos the school's name and initials are printed 8-14 px high, tilted, just above
or beside the pupil's name on the same card, where the reader misses them or reads a fragment
(7 of 30 were not covered). Where the channel's rule says the school must not be identifiable
(``Channel.cover_school``), policy decides that the badge around a line worn on it is covered
too (``policy.covers_card``; its shape: ``media/cover.card_covers``). On the website nothing
changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from photovet.core.media.cover import card_covers, face_cover, text_cover
from photovet.core.models import Channel, Person, PhotoAnalysis, TextItem
from photovet.core.policy import covers_card, decide_photo, publication
from photovet.core.settings import Settings
from photovet.core.vision.text.names import NameMatcher, classify_texts
from photovet.core.vision.text.ocr import TextEngine, text_options
from photovet.core.words import BADGE_COVER

ON = dt.date(2026, 6, 1)
WEB = Channel("website", "School website", names="full", cover_school=False)
FB = Channel("facebook", "Facebook", names="first", cover_school=True)
PEOPLE = [Person(id="P1", legal_forename="Olivia", legal_surname="Bennett")]
BY_ID = {p.id: p for p in PEOPLE}
FACE = (360, 60, 140, 170)   # x, y, w, h of the face-like blob drawn


@pytest.fixture(scope="module")
def text_engine():
    return TextEngine.load(text_options(Settings().text))


def badge_photo(angle: float) -> tuple[Image.Image, np.ndarray, np.ndarray]:
    """A face-like blob and, below it, a tilted card with the pupil's name and the school's
    name printed small just above it. Returns the photo and the ink of the name and of the
    school's line (masks in the photo's pixels)."""
    img = Image.new("RGB", (900, 700), (90, 120, 150))
    d = ImageDraw.Draw(img)
    x, y, w, h = FACE
    d.ellipse((x, y, x + w, y + h), fill=(225, 185, 160))
    d.ellipse((x + 35, y + 60, x + 55, y + 75), fill=(40, 30, 30))
    d.ellipse((x + 85, y + 60, x + 105, y + 75), fill=(40, 30, 30))
    d.arc((x + 45, y + 100, x + 95, y + 135), 20, 160, fill=(120, 40, 40), width=4)
    card = Image.new("RGBA", (300, 120), (250, 250, 245, 255))
    name_ink, school_ink = Image.new("L", card.size, 0), Image.new("L", card.size, 0)
    big, small = ImageFont.load_default(size=26), ImageFont.load_default(size=11)
    for ink, text, font, at in ((school_ink, "Oakfield Primary School", small, (40, 30)),
                                (name_ink, "Olivia Bennett", big, (40, 48))):
        ImageDraw.Draw(card).text(at, text, font=font, fill=(20, 20, 30, 255))
        ImageDraw.Draw(ink).text(at, text, font=font, fill=255)
    card, name_ink, school_ink = (im.rotate(angle, expand=True, resample=Image.BICUBIC)
                                  for im in (card, name_ink, school_ink))
    x0, y0 = 430 - card.width // 2, 340 - card.height // 2
    img.paste(card, (x0, y0), card)
    masks = []
    for ink in (name_ink, school_ink):
        m = np.zeros((img.height, img.width), dtype=bool)
        m[y0:y0 + ink.height, x0:x0 + ink.width] = np.asarray(ink) > 128
        masks.append(m)
    return img, masks[0], masks[1]


def covered_share(mask: np.ndarray, covers) -> float:
    layer = Image.new("L", (mask.shape[1], mask.shape[0]), 0)
    d = ImageDraw.Draw(layer)
    for c in covers:
        if c.shape == "polygon":
            d.polygon([(float(px), float(py)) for px, py in c.points], fill=255)
    return float(((np.asarray(layer) > 0) & mask).sum() / max(1, mask.sum()))


def decided(engine, img, channel, person=None):
    """Read, classify (the face given), decide (policy) and make the covers as the Engine."""
    items = classify_texts(engine.read(img), NameMatcher(PEOPLE, threshold=85), faces=[FACE])
    analysis = PhotoAnalysis(path="badge.jpg", width=img.width, height=img.height,
                             texts=items, faces_checked=True)
    decide_photo(analysis, person or BY_ID, channel, "consent", ON)
    size = (img.width, img.height)
    return items, publication(analysis, lambda box: face_cover(box, size),
                              lambda item: text_cover(item.polygon, item.person or "Name"),
                              lambda item: card_covers(item.polygon, BADGE_COVER)).covers


@pytest.mark.parametrize("angle", [0, 9, -12])
def test_school_line_above_a_pupils_name_is_covered_where_the_school_is_hidden(
        text_engine, angle):
    img, name, school = badge_photo(angle)
    items_web, web = decided(text_engine, img, WEB)
    items_fb, fb = decided(text_engine, img, FB)
    pupil = [i for i in items_fb if i.person == "P1"]
    assert pupil and pupil[0].context == "worn", [(i.text, i.context) for i in items_fb]
    # the name: covered on both, as before
    assert covered_share(name, web) >= 0.95 and covered_share(name, fb) >= 0.95
    # the school's line, not read as the school: left readable on the website ...
    assert covered_share(school, web) < 0.5, [(i.text, i.kind) for i in items_web]
    # ... and under the cover where the channel hides the school
    assert covered_share(school, fb) >= 0.95
    assert pupil[0].card and not any(i.card for i in items_web)
    # labelled as what they hide, not counted as names or words (the contact sheet's tile)
    assert {c.label for c in fb} - {c.label for c in web} == {BADGE_COVER}


def test_a_name_kept_stays_readable_and_the_card_around_it_is_covered():
    """Covered whether the name is covered or kept: the card's other lines are covered, the
    name itself is not (media/cover.card_covers leaves the line out)."""
    line = [(100.0, 200.0), (260.0, 220.0), (257.5, 240.0), (97.5, 220.0)]   # tilted, 20 px high
    item = TextItem(polygon=line, text="Olivia Bennett", kind="pupil-name", person="P1",
                    context="worn", decision="keep")
    assert covers_card(item, FB) and not covers_card(item, WEB)
    assert not covers_card(TextItem(polygon=line, text="Olivia Bennett", kind="pupil-name"), FB)
    assert not covers_card(TextItem(polygon=line, text="PUPIL", context="worn"), FB)
    covers = card_covers(line)
    grid = np.zeros((400, 500), dtype=bool)
    inside = Image.new("L", (500, 400), 0)
    ImageDraw.Draw(inside).polygon(line, fill=255)
    shrunk = np.asarray(inside) > 0
    grid[shrunk] = True
    # the line itself (all but its edge pixels) is not under the card's covers
    assert covered_share(grid, covers) < 0.1
    # above it by 1.5 line heights, along its tilt, and beside it: covered
    u = np.array([160.0, 20.0]) / np.hypot(160, 20)
    v = np.array([-2.5, 20.0]) / np.hypot(2.5, 20)
    centre = np.mean(np.array(line), axis=0)
    for point in (centre - 1.5 * 20 * v, centre + 0.6 * 161 * u, centre - 0.6 * 161 * u):
        spot = np.zeros((400, 500), dtype=bool)
        spot[int(point[1]) - 1:int(point[1]) + 2, int(point[0]) - 1:int(point[0]) + 2] = True
        assert covered_share(spot, covers) == 1.0, point
