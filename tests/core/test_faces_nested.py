"""A second box inside one face is folded into it (issue 15), so a person reviews a face once."""

from __future__ import annotations

import numpy as np

from photovet.core.vision.faces import merge_nested, nms, nms_merge


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


# -- the array versions against the pair-by-pair rules they replaced --------------------------

def _pairwise_merge_nested(boxes, scores, containment=0.8):
    boxes, scores = boxes.astype(np.float64).copy(), scores.astype(np.float64).copy()
    areas = np.maximum(0.0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0.0, boxes[:, 3] - boxes[:, 1])
    kept: list[int] = []
    for i in np.argsort(-areas, kind="stable"):
        host = None
        for k in kept:
            iw = max(0.0, min(boxes[i][2], boxes[k][2]) - max(boxes[i][0], boxes[k][0]))
            ih = max(0.0, min(boxes[i][3], boxes[k][3]) - max(boxes[i][1], boxes[k][1]))
            if areas[i] > 0 and iw * ih / areas[i] >= containment:
                host = k
                break
        if host is None:
            kept.append(int(i))
            continue
        b = boxes[host]
        boxes[host] = [min(b[0], boxes[i][0]), min(b[1], boxes[i][1]),
                       max(b[2], boxes[i][2]), max(b[3], boxes[i][3])]
        scores[host] = max(scores[host], scores[i])
    idx = np.asarray(sorted(kept), dtype=np.int64)
    return idx, np.concatenate([boxes[idx], scores[idx, None]], axis=1).reshape(-1, 5)


def _pairwise_nms_merge(boxes, scores, iou_threshold=0.3, containment=0.6):
    keep = nms(boxes, scores, iou_threshold, containment)
    merged = boxes[keep].astype(np.float64).copy()
    areas = np.maximum(0.0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0.0, boxes[:, 3] - boxes[:, 1])
    rank = {int(i): r for r, i in enumerate(np.argsort(-scores, kind="stable"))}
    for j in range(len(boxes)):
        if j in set(keep.tolist()):
            continue
        for k, i in enumerate(keep):
            if rank[int(i)] > rank[j]:
                continue
            bi, bj = boxes[i], boxes[j]
            inter = (max(0.0, min(bi[2], bj[2]) - max(bi[0], bj[0]))
                     * max(0.0, min(bi[3], bj[3]) - max(bi[1], bj[1])))
            union = areas[i] + areas[j] - inter
            if (union > 0 and inter / union >= iou_threshold) or \
                    (areas[j] > 0 and inter / areas[j] >= containment):
                if areas[j] > areas[i]:
                    m = merged[k]
                    merged[k] = [min(m[0], bj[0]), min(m[1], bj[1]), max(m[2], bj[2]), max(m[3], bj[3])]
                break
    return keep, merged


def test_array_versions_decide_exactly_as_box_by_box():
    """merge_nested and nms_merge compare boxes as arrays (a 12 MP group photo has thousands):
    on random sets with ties, empty boxes and nested boxes, the same boxes as pair by pair."""
    rng = np.random.default_rng(20261130)
    for trial in range(200):
        n = int(rng.integers(0, 40)) if trial < 199 else 250
        xy = rng.uniform(0, 200 if n < 100 else 3000, (n, 2))
        wh = rng.choice([0, 1, 5, 20, 50, 100], (n, 2)) * rng.uniform(0, 1.5, (n, 2))
        boxes = np.concatenate([xy, xy + wh], 1)
        if trial % 5 == 0:
            boxes = np.round(boxes / 10) * 10          # shared edges, equal boxes
        scores = rng.choice([0.1, 0.5, 0.9], n) if trial % 3 == 0 else rng.uniform(0, 1, n)
        for containment in (0.8, 0.5):
            k1, b1 = merge_nested(boxes, scores, containment)
            k2, b2 = _pairwise_merge_nested(boxes, scores, containment)
            assert np.array_equal(k1, k2) and np.array_equal(b1, b2)
        for iou, containment in ((0.3, 0.6), (0.5, 1.01)):
            k1, m1 = nms_merge(boxes, scores, iou, containment)
            k2, m2 = _pairwise_nms_merge(boxes, scores, iou, containment)
            assert np.array_equal(k1, k2) and np.array_equal(m1, m2)
