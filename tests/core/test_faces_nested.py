"""A second box inside one face is folded into it (issue 15), so a person reviews a face once."""

from __future__ import annotations

import numpy as np

from photovet.core.vision.faces import merge_nested


def test_inner_box_folds_into_the_whole_face():
    boxes = np.array([[100, 100, 200, 220],      # the whole face
                      [130, 140, 170, 180],      # its eyes-to-mouth part, scored higher
                      [300, 100, 380, 190]], float)  # a neighbour
    scores = np.array([0.7, 0.95, 0.8])
    keep, out = merge_nested(boxes, scores)
    assert keep.tolist() == [0, 2]
    np.testing.assert_allclose(out[0], [100, 100, 200, 220, 0.95])   # the better score kept
    np.testing.assert_allclose(out[1], [300, 100, 380, 190, 0.8])


def test_overlapping_neighbours_are_not_merged():
    # two faces side by side that overlap a little: both stay
    boxes = np.array([[0, 0, 100, 100], [70, 10, 170, 110]], float)
    keep, _ = merge_nested(boxes, np.array([0.9, 0.9]))
    assert keep.tolist() == [0, 1]


def test_a_box_mostly_inside_grows_the_outer_one():
    # 85 % of the small box inside the big one: folded, and the union is covered
    boxes = np.array([[0, 0, 100, 100], [80, 40, 103, 60]], float)
    keep, out = merge_nested(boxes, np.array([0.6, 0.9]))
    assert keep.tolist() == [0]
    np.testing.assert_allclose(out[0], [0, 0, 103, 100, 0.9])


def test_empty():
    keep, out = merge_nested(np.zeros((0, 4)), np.zeros((0,)))
    assert keep.size == 0 and out.shape == (0, 5)
