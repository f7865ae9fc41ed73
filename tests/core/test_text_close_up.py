"""A close-up's chest is read at full resolution as well as at its badge area's own scale (s40,
bench/text_handwritten.py): a child's handwritten name under a large face was found only in
part ("Llevelly" of "Megan Llewellyn") or not at all scaled down, and whole at full resolution,
while another ("Amara Okafor") was found only scaled down. Group photos are read as before."""

from __future__ import annotations

import numpy as np
import pytest

from photovet.core.settings import Settings
from photovet.core.vision.picture import Picture
from photovet.core.vision.text import names
from photovet.core.vision.text.ocr import TextEngine, text_options

CLOSE = (1800.0, 256.0, 384.0, 562.0)        # x, y, w, h: one large face on a 12 MP photo


def test_a_close_ups_chest_is_also_looked_at_at_full_resolution():
    [area, chest] = names.badge_areas([CLOSE])
    assert area[4] < 1.0 and len(area) == 5               # its badge area, scaled down
    assert chest[4:] == (1.0, True)                        # and its chest at full resolution
    x, y, w, h = CLOSE
    assert chest[0] <= x + w / 2 - w and chest[2] >= x + w / 2 + w
    assert chest[1] <= y + h and chest[3] >= y + 2.5 * h   # where the bench's names hang
    # three faces are still a close-up; a small face's area is read at full resolution anyway
    assert sum(len(a) > 5 for a in names.badge_areas([CLOSE] * 3)) == 3
    assert [len(a) for a in names.badge_areas([(100.0, 100.0, 150.0, 200.0)])] == [5]
    # a group photo: its badge areas only, as before
    group = [CLOSE] + [(x0, 2000.0, 60.0, 80.0) for x0 in (100.0, 300.0, 500.0)]
    assert [len(a) for a in names.badge_areas(group)] == [5] * 4
    # faces too small for a badge do not make a group
    assert [len(a) for a in names.badge_areas([CLOSE] + [(0.0, 0.0, 20.0, 30.0)] * 5)] == [5, 6]


@pytest.fixture(scope="module")
def text_engine():
    return TextEngine.load(text_options(Settings().text))


def _quad(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def test_a_look_taken_again_adds_the_whole_line_where_part_of_it_was_found(text_engine,
                                                                            monkeypatch):
    """The chest is detected at full resolution after the badge area around it (as one of the
    badge areas it would be before it, and no more), with the detector's less sure boxes; a
    line it finds is added
    unless one found covers most of it (the whole name, of which a part was found, though the
    part covers three quarters of it: a badge area's own look leaves such a line out)."""
    part = _quad(1960, 1075, 2044, 1122)          # "Llevelly": part of the name, found before
    whole = _quad(1937, 1073, 2044, 1122)         # "Meyn Llellt": the whole line
    calls = []

    def detect_area(arr, rect, scale=1.0):
        calls.append((rect, scale, round(text_engine._det.postprocess_op.box_thresh, 2)))
        return [whole.copy()]

    monkeypatch.setattr(text_engine, "_detect_area", detect_area)
    arr = Picture(np.zeros((3000, 4000, 3), np.uint8))
    area = (1224, 593, 2760, 2785, 1.0)          # seen at full resolution first
    chest = (1608, 649, 2376, 1774, 1.0, True)
    bt = text_engine._det.postprocess_op.box_thresh
    for focus, looks in (([area, chest[:5]], 1), ([area, chest], 2)):
        calls.clear()
        text_engine._fine = []
        out = text_engine._focus(arr, [part], focus)
        assert len(out) == looks, focus               # the whole line only with "again"
        assert [c[1] for c in calls] == [1.0, 1.0]
    assert calls[-1] == (chest[:4], 1.0, 0.3)         # looked at again, less sure boxes too
    assert calls[0][2] == round(float(text_engine.options["det_box_thresh"]), 2)
    assert any(np.allclose(b, whole) for b in out)
    assert text_engine._det.postprocess_op.box_thresh == bt     # as it was
