"""A face's own look from one look of the detector to the next (s60: ``face_look``,
``look_change``): where another face takes a track's place at the same place and size, the
look changes and a part begins (``part_break``), so that face is read on its own. The same face
moving a little, lit differently, blurred or grainy must not start one (each part must be read
before the track can be shown). The thresholds are calibrated on real clips
(docs/MEASUREMENTS.md); these drawn faces only pin which side of them each case falls."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from photovet.core.media.video.analysis import face_look, look_change, part_break
from photovet.core.media.video.tracking import Det

SKIN, DARK_HAIR, FAIR_HAIR = (224, 180, 150), (60, 40, 20), (200, 160, 80)


def drawn_face(hair=DARK_HAIR, long_hair=False, size=80):
    """A face (skin, eyes, mouth, hair) on a plain background, and its box."""
    img = Image.new("RGB", (240, 200), (120, 140, 120))
    d = ImageDraw.Draw(img)
    x0, y0 = 80, 50
    if long_hair:
        d.rectangle([x0 - 12, y0 - 5, x0 + size + 12, y0 + size + 30], fill=hair)
    d.ellipse([x0, y0, x0 + size, y0 + size * 1.2], fill=SKIN)
    d.pieslice([x0 - 4, y0 - 12, x0 + size + 4, y0 + size * 0.7], 180, 360, fill=hair)
    e = size * 0.18
    for ex in (x0 + size * 0.3, x0 + size * 0.7):
        d.ellipse([ex - e / 2, y0 + size * 0.45, ex + e / 2, y0 + size * 0.45 + e * 0.6],
                  fill=(40, 30, 30))
    d.line([x0 + size * 0.35, y0 + size * 0.9, x0 + size * 0.65, y0 + size * 0.9],
           fill=(150, 60, 60), width=3)
    return np.asarray(img), (x0, y0, x0 + size, y0 + size * 1.2)


def test_the_same_face_a_look_later_is_not_another_face():
    img, box = drawn_face()
    first = face_look(img, box, 1.0, 1.0)
    assert first is not None
    pic = Image.fromarray(img)
    later = {
        "box moved a little": face_look(img, (box[0] + 4, box[1] - 3, box[2] + 2, box[3] + 3),
                                        1.0, 1.0),
        "lit 30 % brighter": face_look(np.asarray(ImageEnhance.Brightness(pic).enhance(1.3)),
                                       box, 1.0, 1.0),
        "blurred": face_look(np.asarray(pic.filter(ImageFilter.GaussianBlur(2))), box, 1.0, 1.0),
        "grainy": face_look(np.clip(img + np.random.default_rng(1).normal(0, 8, img.shape), 0,
                                    255).astype(np.uint8), box, 1.0, 1.0),
    }
    for what, look in later.items():
        assert look_change(first, look) < 0.5, what


def test_another_face_in_its_place_is():
    img, box = drawn_face()
    other, obox = drawn_face(hair=FAIR_HAIR, long_hair=True)
    assert look_change(face_look(img, box, 1.0, 1.0), face_look(other, obox, 1.0, 1.0)) >= 1.0


def test_the_look_is_read_on_the_detectors_scaled_frame():
    # the detector's frame at half size: the box is in the video's own pixels
    img, box = drawn_face()
    half = np.asarray(Image.fromarray(img).resize((120, 100), Image.Resampling.BOX))
    full, scaled = face_look(img, box, 1.0, 1.0), face_look(half, box, 2.0, 2.0)
    assert scaled is not None and look_change(full, scaled) < 0.5


def test_a_face_too_small_on_the_scaled_frame_has_no_look_and_never_starts_a_part():
    img, _box = drawn_face()
    assert face_look(img, (100, 100, 105, 106), 1.0, 1.0) is None
    assert look_change(None, face_look(img, (80, 50, 160, 146), 1.0, 1.0)) == 0.0


def test_a_change_of_look_starts_a_part_and_weighs_as_much_as_it_changed():
    img, box = drawn_face()
    other, obox = drawn_face(hair=FAIR_HAIR, long_hair=True)
    same = face_look(img, box, 1.0, 1.0)
    prev = Det(0, box, look=same)
    assert part_break(prev, Det(3, box, look=same), 3, 40) == 0.0
    changed = Det(3, box, look=face_look(other, obox, 1.0, 1.0))
    weight = part_break(prev, changed, 3, 40)
    assert weight >= 1.0
    # no look known (a face too small on the scaled frame): only place and size decide
    assert part_break(prev, Det(3, box), 3, 40) == 0.0


def test_a_look_is_compared_with_the_last_one_known_when_the_one_before_has_none():
    # a frame only the fine pass searched has no look (face_look reads the frequent pass's
    # frame): the face after it is compared with the last look of the track, not let through
    img, box = drawn_face()
    other, obox = drawn_face(hair=FAIR_HAIR, long_hair=True)
    seen = Det(0, box, look=face_look(img, box, 1.0, 1.0))
    unlooked = Det(2, box)
    changed = Det(3, box, look=face_look(other, obox, 1.0, 1.0))
    assert part_break(unlooked, changed, 3, 40) == 0.0            # nothing to compare with
    assert part_break(unlooked, changed, 3, 40, looked=seen) >= 1.0
    assert part_break(seen, Det(3, box, look=seen.look), 3, 40, looked=seen) == 0.0
