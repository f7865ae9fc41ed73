"""Faces: detector pre/post-processing, the matcher's rules, and the real models on synthetic input.

Real-photo accuracy lives in test_faces_accuracy.py (needs ../shared/data, skips without it).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photovet.core.errors import ModelError
from photovet.core.models import Face, MatchStatus
from photovet.core.paths import asset_path
from photovet.core.settings import Settings
from photovet.core.vision.faces import (
    DLIB,
    SFACE,
    SFACE_ONE_CROP,
    FaceEngine,
    FaceMatcher,
    Thresholds,
    assign,
    box_iou,
    clip_box,
    nms,
    nms_merge,
    tile_spans,
    to_rgb,
)
from photovet.core.vision.faces import engine as engine_mod
from photovet.core.vision.faces.alignment import ARCFACE_112, align_112, umeyama
from photovet.core.vision.faces.boxes import inside_pads
from photovet.core.vision.faces.centerface import (
    CenterFace,
    decode_centerface,
    merge_windows,
    plan_passes,
    refine_cells,
)
from photovet.core.vision.faces.fusion import (
    CENTERFACE,
    LOOK,
    PAIR,
    SIDEWAYS,
    UPSIDE_DOWN,
    YUNET,
    Detections,
    SecondLook,
    WeakPairs,
    after_looks,
    fuse,
    look_targets,
    new_faces,
    turn_back,
    turn_boxes,
    turned_faces,
    upside_down,
)
from photovet.core.vision.faces.matching import THREE_CROPS_STRICTER
from photovet.core.vision.faces.onnxfix import (
    centerface_dynamic,
    opencv_zoo_model,
    pb_parse,
    pb_serialise,
    prelu_as_relu,
    session,
)
from photovet.core.vision.faces.pixels import pad_border
from photovet.core.vision.faces.signatures import SFaceEncoder
from photovet.core.vision.faces.yunet import YuNet

# ------------------------------------------------------------------------------------------
# pure helpers
# ------------------------------------------------------------------------------------------


def test_nms_keeps_best_of_overlapping_and_separate_boxes():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [0, 0, 10, 10.5]], float)
    scores = np.array([0.6, 0.9, 0.5, 0.3])
    keep = list(nms(boxes, scores, 0.3))
    assert keep == [1, 2]


def test_nms_suppresses_partial_box_inside_a_face_but_not_neighbours():
    # a tile border cut off a strip of a face (IoU 0.25 with the whole face, below 0.3)
    boxes = np.array([[100, 100, 140, 150], [100, 100, 110, 150], [141, 100, 181, 150]], float)
    scores = np.array([0.9, 0.95, 0.8])
    keep = set(nms(boxes, scores, 0.3).tolist())
    # the strip scores best: the whole face is NOT inside it, so it is kept too (coverage)
    assert keep == {0, 1, 2}
    # the other way round: the whole face scores best, the strip inside it goes
    scores2 = np.array([0.95, 0.9, 0.8])
    assert set(nms(boxes, scores2, 0.3).tolist()) == {0, 2}


def test_nms_merge_never_shrinks_coverage():
    # one big face seen whole (0.84) at a coarse scale and as its inner part (0.9) at 1x
    boxes = np.array([[254, 315, 927, 1283], [419, 428, 889, 967], [2000, 10, 2050, 70]], float)
    scores = np.array([0.84, 0.9, 0.5])
    keep, merged = nms_merge(boxes, scores, 0.3)
    assert keep.tolist() == [1, 2]
    np.testing.assert_allclose(merged[0], [254, 315, 927, 1283])   # grown to the whole face
    np.testing.assert_allclose(merged[1], boxes[2])
    # a smaller suppressed box never grows the kept one
    keep, merged = nms_merge(boxes[[0, 1]], np.array([0.95, 0.9]), 0.3)
    assert keep.tolist() == [0]
    np.testing.assert_allclose(merged[0], boxes[0])
    k, m = nms_merge(np.zeros((0, 4)), np.zeros((0,)))
    assert k.size == 0 and m.shape == (0, 4)


def test_nms_of_many_boxes_decides_as_the_box_by_box_loop(monkeypatch):
    """A detector's run gives thousands of boxes: nms then works from the pairs of boxes whose
    sides overlap (boxes._nms_pairs), and keeps exactly what the box-by-box loop keeps, in the
    same order: ties of score, boxes of no area, boxes on a grid, one inside another."""
    from photovet.core.vision.faces import boxes as boxes_mod

    rng = np.random.default_rng(14)
    cases = []
    for k in range(60):
        n = int(rng.integers(65, 700))
        xy = rng.uniform(0, (200.0, 512.0, 4000.0)[k % 3], (n, 2))
        wh = rng.uniform(0, (12.0, 60.0, 250.0)[k % 3], (n, 2))
        if k % 4 == 0:
            wh[rng.random(n) < 0.1] = 0.0          # boxes of no area
        b = np.concatenate([xy, xy + wh], 1)
        if k % 5 == 0:
            b = np.round(b / 8) * 8                  # shared corners
        s = np.round(rng.random(n), 1) if k % 2 else rng.random(n)    # ties of score
        cases.append((b, s))
    settings = ((0.3, 0.6, 0.0), (0.3, 1.01, 0.0), (0.5, 0.8, 0.0), (0.3, 0.6, 0.6))
    fast = [nms(b, s, t, c, m) for b, s in cases for t, c, m in settings]
    calls = []
    real = boxes_mod._nms_pairs
    monkeypatch.setattr(boxes_mod, "_nms_pairs", lambda *a: calls.append(1) or real(*a))
    assert [nms(b, s, t, c, m).tolist() for b, s in cases for t, c, m in settings] == \
        [f.tolist() for f in fast]
    assert len(calls) == len(fast)                   # every case went the pairs' way
    monkeypatch.setattr(boxes_mod, "_nms_pairs", lambda *a: None)     # the loop
    slow = [nms(b, s, t, c, m) for b, s in cases for t, c, m in settings]
    assert [f.tolist() for f in fast] == [f.tolist() for f in slow]
    # more overlapping pairs than _MAX_PAIRS: the loop, the same answer
    monkeypatch.setattr(boxes_mod, "_nms_pairs", real)
    monkeypatch.setattr(boxes_mod, "_MAX_PAIRS", 10)
    b, s = cases[1]
    assert boxes_mod._nms_pairs(*b.T, np.ones(len(b)), np.arange(len(b)), 0.3, 0.6) is None
    assert nms(b, s, 0.3, 0.6).tolist() == slow[len(settings)].tolist()
    # the size rule changes what is kept on these random sets (the test is not idle)
    assert any(x.tolist() != y.tolist()
               for x, y in zip(slow[0::len(settings)], slow[3::len(settings)]))


def test_nms_empty():
    assert nms(np.zeros((0, 4)), np.zeros((0,)), 0.3).size == 0


@pytest.mark.parametrize("length,tile,overlap", [(100, 1536, 128), (1536, 1536, 128), (1537, 1536, 128),
                                                 (4000, 1536, 128), (3000, 1024, 160), (12345, 777, 64)])
def test_tile_spans_cover_everything_with_overlap(length, tile, overlap):
    spans = tile_spans(length, tile, overlap)
    assert spans[0][0] == 0 and spans[-1][1] == length
    for (a0, a1), (b0, _b1) in zip(spans, spans[1:]):
        assert b0 <= a1 - min(overlap, tile // 2), "neighbouring tiles must overlap"
        assert b0 > a0
    assert all(0 < e - s <= tile for s, e in spans)


def test_plan_passes_scales_caps_and_coarse_pass():
    small = plan_passes(500, 375, scales=[1.0, 2.0], coarse_side=640, tile=1536, overlap=128,
                        max_pass_pixels=4e6)
    assert [round(p.scale, 3) for p in small] == [1.0, 2.0]   # no coarse pass for a small photo
    assert small[1].tiles == [(0, 0, 1000, 750)]
    big = plan_passes(4000, 3000, scales=[1.0], coarse_side=640, tile=1536, overlap=128,
                      max_pass_pixels=4e6)
    assert round(big[0].scale, 3) == 0.16                  # coarse pass: long side 640
    assert big[1].scale == pytest.approx((4e6 / 12e6) ** 0.5)  # capped by max_pass_pixels
    sw = round(4000 * big[1].scale)
    assert max(t[2] for t in big[1].tiles) == sw
    # nearly equal scales are searched once
    same = plan_passes(800, 600, scales=[1.0, 1.05], coarse_side=640, tile=1536, overlap=128,
                       max_pass_pixels=4e6)
    assert len([p for p in same if p.scale >= 1.0]) == 1
    # with small tiles, the coarse pass and a photo no larger than it stay whole (a face
    # filling the frame is not cut in two), the fine pass is tiled
    tiled = plan_passes(1000, 1300, scales=[1.0], coarse_side=640, tile=512, overlap=128,
                        max_pass_pixels=4e6)
    assert tiled[0].tiles == [(0, 0, round(1000 * 640 / 1300), 640)]
    assert len(tiled[1].tiles) > 1 and all(x1 - x0 <= 512 and y1 - y0 <= 512
                                           for x0, y0, x1, y1 in tiled[1].tiles)
    assert plan_passes(600, 450, scales=[1.0], coarse_side=640, tile=512, overlap=128,
                       max_pass_pixels=4e6)[0].tiles == [(0, 0, 600, 450)]


def test_refine_cells_mark_grid_cells_of_small_candidates_only():
    cells = refine_cells([(10, 10, 20, 22), (15, 12, 25, 24), (500, 300, 700, 520)], 1000, 800,
                         cell=192, margin=32, max_face=64)
    assert cells == [(0, 0, 224, 224)]          # both small candidates in one cell; big one skipped
    cells = refine_cells([(380, 380, 390, 392)], 1000, 800, cell=192, margin=32, max_face=64)
    assert cells == [(352, 352, 608, 608)]


def test_merge_windows_runs_neighbouring_refine_windows_as_one_when_no_dearer():
    # two grid cells side by side (192 px cells, 32 px margins): 448 x 256 < 2 x 256 x 256
    assert merge_windows([(0, 0, 256, 256), (160, 0, 416, 256)], max_side=448) == [(0, 0, 416, 256)]
    # a 2 x 2 block of cells: one 448 x 448 window (200,704 px instead of 262,144)
    block = [(160, 160, 416, 416), (352, 160, 608, 416), (160, 352, 416, 608),
             (352, 352, 608, 608)]
    assert merge_windows(block, max_side=448) == [(160, 160, 608, 608)]
    # diagonal neighbours overlap in one corner only: their bounding box costs more, kept apart
    diag = [(0, 0, 256, 256), (192, 192, 448, 448)]
    assert merge_windows(diag, max_side=1000) == diag
    # a merge that would make a side longer than max_side is not made
    assert merge_windows([(0, 0, 256, 256), (160, 0, 416, 256)], max_side=400) == \
        [(0, 0, 256, 256), (160, 0, 416, 256)]
    # windows apart stay apart, in their order; a window inside another is folded into it
    assert merge_windows([(500, 0, 600, 100), (0, 0, 256, 256), (10, 10, 50, 50)],
                         max_side=448) == [(500, 0, 600, 100), (0, 0, 256, 256)]


def test_merged_windows_cover_every_pixel_of_the_windows_they_replace():
    rnd = np.random.default_rng(7)
    for _ in range(50):
        wins = []
        for _ in range(int(rnd.integers(1, 30))):
            x, y = (int(v) for v in rnd.integers(0, 1500, 2))
            wins.append((x, y, x + 256, y + 256))
        merged = merge_windows(wins, max_side=448)
        assert sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in merged) <= \
            sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in wins)
        assert all(max(x1 - x0, y1 - y0) <= 448 for x0, y0, x1, y1 in merged)
        for x0, y0, x1, y1 in wins:
            assert any(a <= x0 and b <= y0 and x1 <= c and y1 <= d for a, b, c, d in merged)


def test_decode_centerface_maps_grid_to_pixels():
    h, w = 8, 10
    heat = np.zeros((h, w), np.float32)
    heat[3, 5] = 0.9
    scale = np.zeros((2, h, w), np.float32)
    scale[:, 3, 5] = np.log(20 / 4.0), np.log(16 / 4.0)    # height 20, width 16
    offset = np.zeros((2, h, w), np.float32)
    offset[:, 3, 5] = 0.25, -0.5
    lms = np.zeros((10, h, w), np.float32)
    lms[0, 3, 5], lms[1, 3, 5] = 0.5, 0.25                    # landmark 0: y = .5, x = .25 of the box
    boxes, marks = decode_centerface(heat, scale, offset, lms, 0.5)
    assert boxes.shape == (1, 5)
    cy, cx = (3 + 0.25 + 0.5) * 4, (5 - 0.5 + 0.5) * 4
    np.testing.assert_allclose(boxes[0], [cx - 8, cy - 10, cx + 8, cy + 10, 0.9], rtol=1e-5)
    np.testing.assert_allclose(marks[0, :2], [cx - 8 + 0.25 * 16, cy - 10 + 0.5 * 20], rtol=1e-5)
    empty, _ = decode_centerface(heat, scale, offset, lms, 0.95)
    assert empty.shape == (0, 5)


def test_clip_box():
    assert clip_box(-5.2, 10.0, 20.0, 30.4, 100, 100) == (0, 10, 20, 21)
    assert clip_box(90, 90, 130, 130, 100, 100) == (90, 90, 10, 10)
    assert clip_box(120, 120, 130, 130, 100, 100) is None


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "CMYK", "I;16", "LA", "1"])
def test_to_rgb_accepts_any_mode(mode):
    img = Image.new("RGB", (20, 10), (200, 100, 50)).convert(mode)
    out = to_rgb(img)
    assert out.mode == "RGB" and out.size == (20, 10)


def test_protobuf_roundtrip_and_dynamic_model():
    raw = asset_path("models", "centerface.onnx").read_bytes()
    assert pb_serialise(pb_parse(raw)) == raw
    import onnxruntime as ort

    dyn = centerface_dynamic(raw)
    sess = ort.InferenceSession(dyn, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()
    assert len(inp) == 1 and inp[0].name == "input.1"
    assert inp[0].shape[1] == 3 and isinstance(inp[0].shape[2], str)
    out = sess.run(None, {"input.1": np.zeros((1, 3, 64, 96), np.float32)})
    assert out[0].shape == (1, 1, 16, 24) and out[3].shape == (1, 10, 16, 24)


@pytest.mark.parametrize("name,inp,dims,shape", [
    ("face_detection_yunet_2023mar_int8bq.onnx", "input", ["n", 3, "h", "w"], (1, 3, 96, 160)),
    ("face_recognition_sface_2021dec_int8bq.onnx", "data", ["n", 3, 112, 112], (3, 3, 112, 112)),
])
def test_opencv_zoo_models_load_and_run_at_any_size(name, inp, dims, shape):
    """The shipped files as published; the in-memory fixes make onnxruntime take them (the SFace
    file lists 174 inputs of which one is real; both carry per-tensor block_size)."""
    raw = asset_path("models", name).read_bytes()
    sess = session(opencv_zoo_model(raw, inp, dims), 1, disable_qdq=True)
    assert [i.name for i in sess.get_inputs()] == [inp]
    out = sess.run(None, {inp: np.zeros(shape, np.float32)})
    assert all(np.all(np.isfinite(o)) for o in out)
    if "sface" in name:
        assert out[0].shape == (3, 128)


def _ops(raw: bytes) -> list[str]:
    graph = next(v for f, wt, v in pb_parse(raw) if f == 7 and wt == 2)
    return [next(nv for nf, nwt, nv in pb_parse(gv) if nf == 4).decode()
            for gf, gwt, gv in pb_parse(graph) if gf == 1 and gwt == 2]


def test_sface_prelu_rewritten_gives_the_same_numbers_to_the_last_bit():
    """(s45) SFace's PRelu activations run as Relu(x) + Min(x, 0) * slope (onnxfix notes: half
    the CPU): no PRelu is left, and the signatures are the plain graph's bit for bit, on
    chips with every kind of value (negative inputs too) and on a face."""
    raw = opencv_zoo_model(asset_path("models", "face_recognition_sface_2021dec_int8bq.onnx")
                           .read_bytes(), "data", ["n", 3, 112, 112])
    rewritten = prelu_as_relu(raw)
    assert _ops(raw).count("PRelu") == 27
    assert "PRelu" not in _ops(rewritten) and _ops(rewritten).count("Min") == 27
    plain, fast = session(raw, 1, disable_qdq=True), session(rewritten, 1, disable_qdq=True)
    rs = np.random.RandomState(7)
    face = _cartoon_face(112).convert("RGB")
    chips = [rs.uniform(0, 255, (2, 3, 112, 112)), rs.uniform(-300, 300, (1, 3, 112, 112)),
             np.zeros((1, 3, 112, 112)),
             np.asarray(face, np.float32).transpose(2, 0, 1)[None]]
    for chip in chips:
        chip = chip.astype(np.float32)
        a = plain.run(None, {"data": chip})[0]
        b = fast.run(None, {"data": chip})[0]
        assert a.dtype == b.dtype and np.array_equal(a, b)
    # a model without PRelu is left as it is
    yunet = asset_path("models", "face_detection_yunet_2023mar_int8bq.onnx").read_bytes()
    assert prelu_as_relu(yunet) is yunet


def test_model_files_are_the_published_ones():
    import hashlib

    for name, digest in (
            ("face_detection_yunet_2023mar_int8bq.onnx",
             "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"),
            ("face_recognition_sface_2021dec_int8bq.onnx",
             "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee")):
        assert hashlib.sha256(asset_path("models", name).read_bytes()).hexdigest() == digest
        lic = asset_path("models", "LICENSE-YuNet.txt" if "yunet" in name else "LICENSE-SFace.txt")
        assert digest in lic.read_text(encoding="utf-8")


def test_umeyama_recovers_a_similarity_and_align_makes_a_chip():
    rng = np.random.default_rng(1)
    a = np.deg2rad(17)
    m = np.array([[1.7 * np.cos(a), -1.7 * np.sin(a), 12.0], [1.7 * np.sin(a), 1.7 * np.cos(a), -3.0]])
    src = rng.random((5, 2)) * 100
    dst = src @ m[:, :2].T + m[:, 2]
    np.testing.assert_allclose(umeyama(src, dst), m, atol=1e-9)
    # a face whose landmarks are the template scaled x4 and shifted: the chip is that face
    img = Image.new("RGB", (600, 600), (10, 10, 10))
    ImageDraw.Draw(img).rectangle([100 + 38 * 4, 100 + 48 * 4, 100 + 74 * 4, 100 + 56 * 4], fill=(250, 0, 0))
    chip = align_112(img, ARCFACE_112 * 4 + 100)
    assert chip.size == (112, 112)
    px = np.asarray(chip)
    assert px[52, 56, 0] > 200 and px[20, 56, 0] < 40      # the red bar at the eyes' height


def test_assign_is_exact_and_never_makes_forbidden_pairs():
    import itertools

    rng = np.random.default_rng(7)
    for _ in range(200):
        n, m = rng.integers(1, 5), rng.integers(1, 5)
        c = rng.random((n, m))
        c[rng.random((n, m)) < 0.3] = np.inf
        got = assign(c)
        assert len({i for i, _ in got}) == len(got) == len({j for _, j in got})
        assert all(np.isfinite(c[i, j]) for i, j in got)
        # brute force: most pairs first, then least cost
        best = (0, 0.0)
        rows, cols = range(n), range(m)
        for k in range(min(n, m), 0, -1):
            for rs in itertools.combinations(rows, k):
                for cs in itertools.permutations(cols, k):
                    if all(np.isfinite(c[r, q]) for r, q in zip(rs, cs)):
                        cost = sum(c[r, q] for r, q in zip(rs, cs))
                        if k > best[0] or (k == best[0] and cost < best[1]):
                            best = (k, cost)
        assert len(got) == best[0]
        assert sum(c[i, j] for i, j in got) == pytest.approx(best[1])
    assert assign(np.zeros((0, 3))) == [] and assign(np.array([[np.inf]])) == []


def test_fusion_keeps_confident_boxes_and_weak_ones_only_where_both_agree():
    no_lm = None
    cf = np.array([[0, 0, 20, 20, 0.9]])                        # confident CenterFace face
    cf_weak = np.array([[100, 100, 120, 120, 0.2],              # weak, YuNet agrees below
                        [300, 300, 320, 320, 0.2]])             # weak, alone: dropped
    yn = np.array([[1, 1, 21, 21, 0.95],                        # same face as cf[0]: merged
                   [101, 101, 121, 121, 0.4],                   # weak, agrees with cf_weak[0]
                   [200, 200, 220, 220, 0.7],                   # confident YuNet face (a profile)
                   [400, 400, 420, 420, 0.45]])                 # weak, alone: dropped
    d = fuse((cf, no_lm), (cf_weak, no_lm), (yn, no_lm))
    kept = {tuple(int(v) for v in b[:2]) for b in d.boxes}
    assert kept == {(0, 0), (100, 100), (200, 200)}
    assert d.source[[tuple(int(v) for v in b[:2]) for b in d.boxes].index((0, 0))] == CENTERFACE
    assert YUNET in d.source and len(d) == 3
    assert len(fuse((np.zeros((0, 5)), no_lm), (np.zeros((0, 5)), no_lm), (np.zeros((0, 5)), no_lm))) == 0


def test_two_weak_boxes_agreeing_are_a_possible_face_and_one_weak_box_alone_is_not():
    no_lm = None
    none = np.zeros((0, 5))
    # CenterFace 0.25 (below its 0.3) and YuNet 0.15 (below its 0.3 agreement floor) on the same
    # 40 px face: evidence 0.25 / 0.3 + 0.15 / 0.6 = 1.08
    cf_weak = np.array([[100, 100, 140, 140, 0.25],
                        [300, 300, 340, 340, 0.25]])            # alone: no YuNet box there
    yn = np.array([[102, 101, 141, 142, 0.15],
                   [500, 500, 540, 540, 0.5]])                  # alone: no CenterFace box there
    # without pairs (the rule before): neither the pair nor a lone weak box is kept
    assert len(fuse((none, no_lm), (cf_weak, no_lm), (yn, no_lm))) == 0
    d = fuse((none, no_lm), (cf_weak, no_lm), (yn, no_lm), pairs=WeakPairs())
    assert d.source == [PAIR]
    assert [round(v) for v in d.boxes[0]] == [100, 100, 141, 142, 0]     # the union, covered whole
    assert d.boxes[0][4] == pytest.approx(0.25)
    # too little evidence together (0.1 / 0.3 + 0.1 / 0.6 = 0.5), too small, or far apart: not
    for c, y in (([100, 100, 140, 140, 0.1], [102, 101, 141, 142, 0.1]),
                 ([100, 100, 116, 116, 0.25], [101, 101, 117, 117, 0.15]),
                 ([100, 100, 140, 140, 0.25], [125, 125, 165, 165, 0.15])):
        assert len(fuse((none, no_lm), (np.array([c]), no_lm), (np.array([y]), no_lm),
                        pairs=WeakPairs())) == 0
    # a pair over a face already found adds nothing (the face's own box stays as it was)
    cf = np.array([[98, 98, 138, 138, 0.9]])
    d = fuse((cf, no_lm), (cf_weak[:1], no_lm), (yn[:1], no_lm), pairs=WeakPairs())
    assert d.source == [CENTERFACE] and [round(v) for v in d.boxes[0][:4]] == [98, 98, 138, 138]


def test_small_weak_boxes_agreeing_need_more_evidence_with_pairs():
    no_lm = None
    none = np.zeros((0, 5))
    # a 16 px CenterFace candidate 0.1 and YuNet 0.3: kept by the rule before (each at its
    # floor), evidence 0.83 < 0.95 with pairs: dropped; at 0.2 and 0.35 (1.25): kept
    low = (np.array([[10, 10, 26, 26, 0.1]]), np.array([[10, 10, 26, 26, 0.3]]))
    assert len(fuse((none, no_lm), (low[0], no_lm), (low[1], no_lm))) == 1
    assert len(fuse((none, no_lm), (low[0], no_lm), (low[1], no_lm), pairs=WeakPairs())) == 0
    sure = (np.array([[10, 10, 26, 26, 0.2]]), np.array([[10, 10, 26, 26, 0.35]]))
    assert len(fuse((none, no_lm), (sure[0], no_lm), (sure[1], no_lm), pairs=WeakPairs())) == 1
    # a large pair at the floors is kept as before
    big = (np.array([[10, 10, 60, 60, 0.1]]), np.array([[10, 10, 60, 60, 0.3]]))
    assert len(fuse((none, no_lm), (big[0], no_lm), (big[1], no_lm), pairs=WeakPairs())) == 1


def test_weak_pairs_leave_boxes_too_small_to_pair_out_of_the_pairwise_arrays(monkeypatch):
    # a 12 MP group photo gives both networks about 1,000-2,000 weak boxes, almost all under
    # min_side: comparing every pair cost 0.3 s a photo; a box under min_side is in no pair
    from photovet.core.vision.faces import fusion

    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 3000, (1500, 2))
    tiny = np.concatenate([xy, xy + rng.uniform(6, 20, (1500, 1)),
                           rng.uniform(0.1, 0.29, (1500, 1))], 1)
    cf = np.concatenate([tiny, [[100, 100, 140, 140, 0.25]]])
    yn = np.concatenate([tiny[::-1] + [1, 1, 1, 1, 0], [[102, 101, 141, 142, 0.15]]])
    shapes = []
    real = fusion.iou_matrix

    def spy(a, b):
        shapes.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(fusion, "iou_matrix", spy)
    union, ci, yi = fusion.weak_pairs(cf, yn, np.zeros((0, 5)), WeakPairs(), cf_hi=0.3, yn_hi=0.6)
    assert shapes == [(1, 1)]
    assert ci.tolist() == [1500] and yi.tolist() == [1500]
    assert [round(v) for v in union[0][:4]] == [100, 100, 141, 142]


def test_a_second_look_drops_weakly_kept_boxes_it_does_not_see_and_adds_weak_ones_it_does():
    look = SecondLook()
    found = Detections(np.array([[0, 0, 40, 40, 0.9],          # CenterFace, sure: not looked at
                                 [100, 0, 140, 40, 0.15],      # kept where YuNet agreed: weak
                                 [200, 0, 240, 40, 0.2],       # a possible face: weak
                                 [300, 0, 310, 10, 0.15]]),    # weak but under 16 px
                       np.zeros((4, 10)), [CENTERFACE, CENTERFACE, PAIR, CENTERFACE])
    cf_weak = np.array([[0, 100, 40, 140, 0.2],                # over no face: a candidate
                        [102, 2, 141, 41, 0.2],                # over a face found: not
                        [0, 200, 20, 220, 0.25],               # under 32 px: not
                        [400, 0, 440, 40, 0.05]])              # under the floor: not
    yn = np.array([[100, 100, 140, 140, 0.5],                  # a candidate, the surest
                   [500, 0, 540, 40, 0.7]])                    # a face on its own: not
    confirm, cand = look_targets(found, cf_weak, yn, look, cf_hi=0.3, yn_hi=0.6)
    assert sorted(confirm.tolist()) == [1, 2]
    assert [c[:4].tolist() for c in cand] == [[100, 100, 140, 140], [0, 100, 40, 140]]
    assert len(look_targets(found, cf_weak, yn, SecondLook(max_looks=3), cf_hi=0.3,
                            yn_hi=0.6)[1]) == 1                # the surest first, within the cap
    # the looks: the agreeing pair not seen again (0.05 < 0.1) is dropped, the possible face
    # seen (0.5) stays; the candidate seen surely (1.5 >= 1.2) is a possible face, the other not
    d = after_looks(found, confirm, [0.05 if i == 1 else 0.5 for i in confirm],
                    cand, [1.5, 1.1], look)
    assert [b[:4].tolist() for b in d.boxes] == [[0, 0, 40, 40], [200, 0, 240, 40],
                                                 [300, 0, 310, 10], [100, 100, 140, 140]]
    assert d.source == [CENTERFACE, PAIR, CENTERFACE, LOOK] and d.landmarks.shape == (4, 10)
    # seen well enough: nothing dropped; nothing seen: nothing added
    d = after_looks(found, confirm, [0.1] * len(confirm), cand, [1.19, 0.0], look)
    assert len(d) == 4 and LOOK not in d.source


# ------------------------------------------------------------------------------------------
# FaceMatcher with synthetic signatures
# ------------------------------------------------------------------------------------------

TH = Thresholds(pupil=0.85, staff=0.93, margin=0.10, band=0.10, lookalike_distance=1.05,
                lookalike_margin=0.20, lookalike_tighten=0.05)
TH_DLIB = Thresholds(0.45, 0.45, 0.08, 0.10, 0.55, 0.16, 0.04)


def test_upside_down_faces_are_turned_back_and_kept_only_where_no_face_was_found():
    # found on a 200 x 100 picture: the photo (400 x 200) turned and halved
    turned = np.array([[10, 20, 30, 44, 0.9],      # -> photo (340, 112)-(380, 160)
                       [12, 22, 32, 46, 0.8],      # the same face again, weaker: kept once
                       [150, 50, 170, 70, 0.95],   # on a face found upright: not added
                       [100, 10, 120, 30, 0.5]])   # under the threshold
    marks = np.tile(np.array([[14.0, 26, 26, 26, 20, 32, 16, 38, 24, 38]]), (4, 1))
    found = np.array([[60.0, 60, 100, 100, 0.99]])
    b, m = upside_down(turned, marks, found, (200, 100), 0.5, 0.7)
    assert b.shape == (1, 5) and m.shape == (1, 10)
    np.testing.assert_allclose(b[0], [340, 112, 380, 160, 0.9])
    # each point turned back: the eye on the picture's left is on the photo's right
    np.testing.assert_allclose(m[0], [372, 148, 348, 148, 360, 136, 368, 124, 352, 124])
    assert upside_down(turned, marks, found, (200, 100), 0.5, 0.99)[0].shape == (0, 5)
    assert upside_down(np.zeros((0, 5)), np.zeros((0, 10)), np.zeros((0, 5)), (20, 10), 1.0,
                       0.5)[0].shape == (0, 5)
    from photovet.core.errors import SettingsError
    with pytest.raises(SettingsError):
        Settings.from_dict({"detection": {"upside_down_threshold": 1.5}})
    with pytest.raises(SettingsError):
        Settings.from_dict({"detection": {"upside_down_side": 16}})


def test_turn_back_maps_a_point_of_each_quarter_turned_picture_to_its_pixel():
    # a picture 7 x 5 with one marked pixel per test; np.rot90 turns it as the engine does
    rng = np.random.default_rng(3)
    for _ in range(20):
        w, h = int(rng.integers(2, 30)), int(rng.integers(2, 30))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        a = np.zeros((h, w))
        a[y, x] = 1
        for q in range(4):
            ty, tx = (int(v[0]) for v in np.nonzero(np.rot90(a, q)))
            # the pixel's centre and its corners come back exactly
            np.testing.assert_allclose(turn_back([[tx + 0.5, ty + 0.5]], (w, h), q),
                                       [[x + 0.5, y + 0.5]])
            corners = turn_back([[tx, ty], [tx + 1, ty + 1]], (w, h), q)
            np.testing.assert_allclose(np.sort(corners, 0), [[x, y], [x + 1, y + 1]])


def test_sideways_faces_are_turned_back_and_kept_only_where_no_face_was_found():
    # the photo 400 x 200, halved to 200 x 100, turned 90 degrees counter-clockwise: the
    # turned picture is 100 wide, 200 high; a point (x', y') there is (200 - y', x') halved
    # -> photo (400 - 2 y', 2 x')
    turned = np.array([[10, 20, 30, 44, 0.9],      # -> photo (312, 20)-(360, 60)
                       [60, 150, 80, 170, 0.95],   # -> (60, 120)-(100, 160): a face found
                       [50, 50, 60, 60, 0.5]])     # under the threshold
    marks = np.tile(np.array([[14.0, 26, 26, 26, 20, 32, 16, 38, 24, 38]]), (3, 1))
    found = np.array([[60.0, 120, 100, 160, 0.99]])
    b, m = turned_faces(turned, marks, found, (200, 100), 0.5, 0.7, 1)
    np.testing.assert_allclose(b, [[312, 20, 360, 60, 0.9]])
    # the left eye (14, 26) of the turned picture: photo (400 - 52, 28)
    np.testing.assert_allclose(m[0], [348, 28, 348, 52, 336, 40, 324, 32, 324, 48])
    # turned the other way (270): (x', y') -> (y', 100 - x') halved -> (2 y', 200 - 2 x')
    b, m = turned_faces(turned[:1], marks[:1], np.zeros((0, 5)), (200, 100), 0.5, 0.7, 3)
    np.testing.assert_allclose(b, [[40, 140, 88, 180, 0.9]])
    np.testing.assert_allclose(m[0][:2], [52, 172])
    # upside down is the half turn
    none = np.zeros((0, 5))
    for q2 in (turned_faces(turned[:1], marks[:1], none, (200, 100), 0.5, 0.7, 2),
               upside_down(turned[:1], marks[:1], none, (200, 100), 0.5, 0.7)):
        np.testing.assert_allclose(q2[0], [[340, 112, 380, 160, 0.9]])
    assert Settings().detection.sideways is True
    from photovet.core.errors import SettingsError
    with pytest.raises(SettingsError):
        Settings.from_dict({"detection": {"sideways_threshold": 0.01}})


def test_new_faces_is_turned_faces_on_boxes_already_turned_back():
    """The engine turns each look's boxes back (``turn_boxes``) and keeps the new faces of them
    all at once (``new_faces``): what ``turned_faces`` with no turn and no scale did before s42,
    box for box (here on random looks, found faces and thresholds)."""
    rng = np.random.default_rng(42)
    for _ in range(200):
        n, size = int(rng.integers(0, 12)), (int(rng.integers(20, 400)), int(rng.integers(20, 400)))
        xy = rng.uniform(0, 300, (n, 2))
        turned = np.concatenate([xy, xy + rng.uniform(4, 60, (n, 2)), rng.uniform(0.3, 1, (n, 1))], 1)
        marks = rng.uniform(0, 300, (n, 10))
        found = rng.uniform(0, 300, (int(rng.integers(0, 4)), 2))
        found = np.concatenate([found, found + 40, np.ones((len(found), 1))], 1)
        thr = float(rng.uniform(0.3, 0.9))
        b, m = turn_boxes(turned, marks, size, float(rng.uniform(0.2, 1)), int(rng.integers(4)))
        old = turned_faces(b, m, found, size, 1.0, thr, 0)
        new = new_faces(b, m, found, thr)
        assert all(np.array_equal(o, x) for o, x in zip(old, new, strict=True))
        assert new[0].shape[1:] == (5,) and new[1].shape[1:] == (10,)


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270])
def test_a_face_turned_sideways_is_found_by_the_sideways_look(face_engine, monkeypatch, turn):
    """A face lying on its side (a photo saved sideways without its orientation tag, a child
    lying on a mat) that the upright and upside-down searches do not find is found on the photo
    turned 90 or 270 degrees, in its place; without that look it is not (main before s41). The
    cartoon face scores about 0.2 there, so the looks' threshold is 0.2 here. Its landmarks,
    turned back, align the same upright chip as the face upright."""
    upright = Image.new("RGB", (320, 240), (70, 110, 160))
    upright.paste(_cartoon_face(80), (60, 50))
    img = upright.transpose(turn)
    w, h = upright.size                            # where the face (60, 50)-(140, 130) went
    face = ((50, w - 140, 130, w - 60) if turn == Image.Transpose.ROTATE_90
            else (h - 130, 60, h - 50, 140))
    monkeypatch.setattr(face_engine, "sideways_threshold", 0.2)
    monkeypatch.setattr(face_engine, "upside_down", False)
    monkeypatch.setattr(face_engine, "sideways", False)
    assert len(face_engine.detect_all(img)) == 0
    monkeypatch.setattr(face_engine, "sideways", True)
    found = face_engine.detect_all(img)
    assert found.source == [SIDEWAYS]
    x1, y1, x2, y2 = found.boxes[0][:4]
    fx1, fy1, fx2, fy2 = face
    assert box_iou((x1, y1, x2 - x1, y2 - y1), (fx1, fy1, fx2 - fx1, fy2 - fy1)) >= 0.4
    assert len(face_engine.detect(img)) == 1      # a Face: covered unless recognised
    up = face_engine.detect_all(upright)
    assert len(up) == 1
    chip_turned = np.asarray(align_112(img, found.landmarks[0].reshape(5, 2)), np.float64)
    chip_upright = np.asarray(align_112(upright, up.landmarks[0].reshape(5, 2)), np.float64)
    unturned = np.asarray(align_112(upright, found.landmarks[0].reshape(5, 2)), np.float64)
    assert np.abs(chip_turned - chip_upright).mean() < 8
    assert np.abs(unturned - chip_upright).mean() > 3 * np.abs(chip_turned - chip_upright).mean()


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=128)
    return v / np.linalg.norm(v)


def _at(base: np.ndarray, dist: float, seed: int, avoid: list[np.ndarray] = ()) -> np.ndarray:
    """A vector exactly ``dist`` from ``base`` in a random direction (orthogonal to ``avoid``
    differences, so distances to those stay predictable)."""
    d = np.random.default_rng(seed).normal(size=128)
    for a in avoid:
        u = (a - base) / np.linalg.norm(a - base)
        d -= d.dot(u) * u
    d /= np.linalg.norm(d)
    return base + dist * d


def matcher(enrolled, **kw) -> FaceMatcher:
    return FaceMatcher(enrolled, {SFACE: TH, DLIB: TH_DLIB}, **kw)


def test_matcher_empty_register():
    m = matcher([])
    r = m.match(_unit(1))
    assert r.status is MatchStatus.NO_REGISTER and r.person is None and not r.recognised
    assert m.match_photo([_unit(1), None])[1].status is MatchStatus.NO_REGISTER


def test_matcher_recognises_close_and_clear():
    a, b = _unit(1), _unit(2)
    m = matcher([("A", a), ("B", b)])
    probe = _at(a, 0.60, 9)
    r = m.match(probe)
    assert r.status is MatchStatus.RECOGNISED and r.person == "A" and r.recognised
    assert r.distance == pytest.approx(0.60)
    assert r.margin == pytest.approx(np.linalg.norm(probe - b) - 0.60)


def test_matcher_thresholds_by_role_are_strict_and_have_an_uncertain_band():
    a = _unit(1)
    pupil = matcher([("A", a)], roles={"A": "pupil"})
    staff = matcher([("A", a)], roles={"A": "staff"})
    unknown_role = matcher([("A", a)])
    assert pupil.match(_at(a, 0.849, 3)).status is MatchStatus.RECOGNISED
    assert pupil.match(_at(a, 0.851, 3)).status is MatchStatus.UNCERTAIN
    assert unknown_role.match(_at(a, 0.851, 3)).status is MatchStatus.UNCERTAIN   # strictest
    assert staff.match(_at(a, 0.90, 3)).status is MatchStatus.RECOGNISED
    r = pupil.match(_at(a, 0.94, 3))
    assert r.status is MatchStatus.UNCERTAIN and r.person == "A" and not r.recognised
    r = pupil.match(_at(a, 0.96, 3))
    assert r.status is MatchStatus.UNKNOWN and r.person is None
    assert r.distance == pytest.approx(0.96)


def test_matcher_margin_too_small_is_uncertain():
    a = _unit(1)
    probe = _at(a, 0.60, 4)
    b = _at(probe, 0.66, 5, avoid=[a])      # margin 0.06 < 0.10
    m = matcher([("A", a), ("B", b)])
    r = m.match(probe)
    assert r.status is MatchStatus.UNCERTAIN and r.person == "A"
    assert r.margin == pytest.approx(0.06)


def test_matcher_same_person_several_signatures_do_not_count_as_margin():
    a = _unit(1)
    probe = _at(a, 0.60, 6)
    a2 = _at(probe, 0.62, 7)        # a second photo of A, nearly as close
    b = _unit(2)
    m = matcher([("A", a), ("A", a2), ("B", b)])
    r = m.match(probe)
    assert r.status is MatchStatus.RECOGNISED and r.person == "A"
    assert r.distance == pytest.approx(0.60)
    assert m.distances(probe)["A"] == pytest.approx(0.60)


def test_matcher_only_one_person_enrolled_has_no_margin():
    a = _unit(1)
    r = matcher([("A", a)]).match(_at(a, 0.5, 3))
    assert r.status is MatchStatus.RECOGNISED and r.margin is None


def test_matcher_rejects_bad_vectors():
    with pytest.raises(ValueError):
        matcher([("A", np.zeros(64))])
    m = matcher([("A", _unit(1))])
    assert m.match(None).status is MatchStatus.UNKNOWN
    bad = _unit(1).copy()
    bad[0] = np.nan
    assert m.match(bad).status is MatchStatus.UNKNOWN


def test_matcher_from_settings_reads_values():
    from photovet.core.models import Person

    s = Settings.from_dict({"recognition": {"pupil_distance": 0.8, "staff_distance": 0.9,
                                            "margin": 0.12, "uncertain_band": 0.05}})
    a = _unit(1)
    m = FaceMatcher.from_settings([("A", a)], s, people=[Person("A", role="staff")])
    # the current (three-crop) signatures' thresholds are THREE_CROPS_STRICTER stricter than
    # the settings, calibrated on one-crop signatures; those keep them as they are
    k = THREE_CROPS_STRICTER
    assert k > 0
    assert m.thresholds[SFACE].pupil == pytest.approx(0.8 - k) and m.thresholds[SFACE].margin == 0.12
    assert m.thresholds[SFACE_ONE_CROP].pupil == 0.8 and m.thresholds[SFACE_ONE_CROP].staff == 0.9
    assert m.match(_at(a, 0.9 - k - 0.005, 1)).status is MatchStatus.RECOGNISED
    assert m.match(_at(a, 0.9 - k + 0.005, 1)).status is MatchStatus.UNCERTAIN
    old = FaceMatcher.from_settings({SFACE_ONE_CROP: [("A", a)]}, s, people=[Person("A", role="staff")])
    assert old.match(_at(a, 0.9 - k + 0.005, 1), SFACE_ONE_CROP).status is MatchStatus.RECOGNISED
    d = Settings()
    assert FaceMatcher.from_settings([], d).thresholds[DLIB].pupil == d.recognition.max_distance


def test_two_enrolled_twins_need_the_larger_margin_else_uncertain():
    """Twins enrolled close together (0.9 apart, under the look-alike distance 1.05): a face
    0.55 from one and 0.70 from the other (margin 0.15) would be recognised for anyone else
    (margin 0.10), but a look-alike needs 0.20: uncertain. Clearer (margin 0.25): recognised."""
    a = _unit(1)
    b = _at(a, 0.90, 2)
    m = matcher([("T1", a), ("T2", b)])
    assert m.lookalikes == {"T1": {"T2"}, "T2": {"T1"}}
    # distances 0.55 to T1 and ~0.70 to T2: a point on the plane through both
    u = (b - a) / 0.90
    w = _at(np.zeros(128), 1.0, 3, avoid=[u])
    x = (0.55 ** 2 - 0.70 ** 2 + 0.90 ** 2) / (2 * 0.90)
    probe = a + x * u + np.sqrt(0.55 ** 2 - x ** 2) * w
    r = m.match(probe)
    assert r.margin == pytest.approx(0.15) and r.distance == pytest.approx(0.55)
    assert r.status is MatchStatus.UNCERTAIN and r.person == "T1"
    # the same geometry between strangers (not look-alikes: 1.2 apart) is recognised
    far = _at(a, 1.2, 2)
    u2 = (far - a) / 1.2
    w2 = _at(np.zeros(128), 1.0, 3, avoid=[u2])
    x2 = (0.55 ** 2 - 0.70 ** 2 + 1.2 ** 2) / (2 * 1.2)
    probe2 = a + x2 * u2 + np.sqrt(0.55 ** 2 - x2 ** 2) * w2
    r2 = matcher([("T1", a), ("S", far)]).match(probe2)
    assert r2.status is MatchStatus.RECOGNISED and r2.margin == pytest.approx(0.15)
    # a twin's threshold is stricter too: 0.82 from T1 (< 0.85) with a clear margin: uncertain
    probe3 = _at(a, 0.82, 4, avoid=[b])
    assert np.linalg.norm(probe3 - b) - 0.82 > 0.2
    assert m.match(probe3).status is MatchStatus.UNCERTAIN
    assert m.match(_at(a, 0.70, 4, avoid=[b])).status is MatchStatus.RECOGNISED


def test_a_sibling_link_from_the_register_makes_look_alikes():
    a, b = _unit(1), _unit(2)               # far apart in signature space (about 1.41)
    u = (b - a) / np.linalg.norm(b - a)
    w = _at(np.zeros(128), 1.0, 3, avoid=[u])
    dab = float(np.linalg.norm(b - a))
    x = (0.60 ** 2 - 0.75 ** 2 + dab ** 2) / (2 * dab)
    probe = a + x * u + np.sqrt(0.60 ** 2 - x ** 2) * w   # 0.60 from A, 0.75 from B
    plain = matcher([("A", a), ("B", b)])
    assert plain.match(probe).status is MatchStatus.RECOGNISED
    linked = matcher([("A", a), ("B", b)], families={"A": "FAM-12", "B": " fam-12 "})
    assert linked.lookalikes["A"] == {"B"}
    r = linked.match(probe)
    assert r.status is MatchStatus.UNCERTAIN and r.person == "A"
    # a family key nobody else shares changes nothing
    alone = matcher([("A", a), ("B", b)], families={"A": "FAM-12", "B": "FAM-13"})
    assert alone.match(probe).status is MatchStatus.RECOGNISED


def test_one_person_twice_in_a_photo_the_second_best_face_is_uncertain():
    a, b = _unit(1), _unit(2)
    m = matcher([("A", a), ("B", b)])
    best, second = _at(a, 0.40, 5), _at(a, 0.70, 6)
    r = m.match_photo([best, second])
    assert [x.status for x in r] == [MatchStatus.RECOGNISED, MatchStatus.UNCERTAIN]
    assert r[0].person == "A" and r[1].person == "A"
    # the order of the faces does not matter
    r = m.match_photo([second, best])
    assert [x.status for x in r] == [MatchStatus.UNCERTAIN, MatchStatus.RECOGNISED]
    # two faces nearly as close to A: neither is certain
    r = m.match_photo([_at(a, 0.50, 5), _at(a, 0.55, 6)])
    assert [x.status for x in r] == [MatchStatus.UNCERTAIN, MatchStatus.UNCERTAIN]
    # a face whose nearest person is taken by a better face is not shown as anyone
    b_side = _at(a, 0.62, 8, avoid=[b])
    r = m.match_photo([_at(a, 0.30, 7), b_side, _at(b, 0.5, 9)])
    assert r[0].status is MatchStatus.RECOGNISED and r[2].status is MatchStatus.RECOGNISED
    assert r[1].status is MatchStatus.UNCERTAIN
    assert sum(x.recognised and x.person == "A" for x in r) == 1


class _CropYuNet:
    """YuNet's landmarks_for, answering per crop size (None: nothing found on that crop)."""

    def __init__(self, by_size):
        self.by_size, self.asked = by_size, []

    def landmarks_for(self, rgb, box, *, target=128, **kw):
        self.asked.append(target)
        found = self.by_size.get(target)
        return None if found is None else np.array(found, np.float64)


def test_three_crop_signatures_align_on_the_mean_of_the_crops_landmarks():
    from photovet.core.vision.faces.signatures import LANDMARK_CROPS, SFaceEncoder

    class Session:
        def get_inputs(self):
            return [type("I", (), {"name": "data"})()]

        def get_outputs(self):
            return [type("O", (), {"name": "fc1"})()]

    lm = {s: np.full((5, 2), float(s)) for s in (96, 128, 160)}
    yn = _CropYuNet(lm)
    enc = SFaceEncoder(Session(), yn)
    img, box = Image.new("RGB", (200, 200)), (50, 50, 80, 80)
    assert LANDMARK_CROPS[SFACE] == (96, 128, 160) and LANDMARK_CROPS[SFACE_ONE_CROP] == (128,)
    np.testing.assert_allclose(enc.landmarks(img, box, SFACE), np.full((5, 2), 128.0))
    yn.by_size = {96: lm[96], 128: lm[128], 160: np.full((5, 2), 200.0)}
    np.testing.assert_allclose(enc.landmarks(img, box, SFACE), np.full((5, 2), (96 + 128 + 200) / 3))
    # the older signatures: the 128 px crop alone
    yn.asked = []
    np.testing.assert_allclose(enc.landmarks(img, box, SFACE_ONE_CROP), lm[128])
    assert yn.asked == [128]
    # the other crops only refine: without landmarks on the 128 px crop the face is not encoded
    yn.by_size = {96: lm[96], 160: lm[160]}
    assert enc.landmarks(img, box, SFACE) is None
    # a crop that finds nothing is left out of the mean
    yn.by_size = {128: lm[128], 160: lm[160]}
    np.testing.assert_allclose(enc.landmarks(img, box, SFACE), np.full((5, 2), 144.0))
    with pytest.raises(ValueError):
        enc.landmarks(img, box, DLIB)


def test_one_crop_sface_signatures_are_never_compared_with_three_crop_ones():
    a_new, b_old = _unit(1), _unit(2)
    th = {SFACE: TH, SFACE_ONE_CROP: TH, DLIB: TH_DLIB}
    m = FaceMatcher({SFACE: [("A", a_new)], SFACE_ONE_CROP: [("B", b_old)]}, th)
    assert m.model_of == {"A": SFACE, "B": SFACE_ONE_CROP}
    assert m.models == [SFACE, SFACE_ONE_CROP]
    # a face whose three-crop signature is B's one-crop one is not B (nor anyone)
    r = m.match_photo({SFACE: [b_old], SFACE_ONE_CROP: [_unit(9)]})
    assert r[0].status is MatchStatus.UNKNOWN
    # its one-crop signature near B's: B
    r = m.match_photo({SFACE: [_unit(9)], SFACE_ONE_CROP: [_at(b_old, 0.3, 4)]})
    assert r[0].status is MatchStatus.RECOGNISED and r[0].person == "B"


def test_people_with_old_signatures_are_matched_with_the_old_model():
    a_new, b_old = _unit(1), _unit(2)
    m = FaceMatcher({SFACE: [("A", a_new)], DLIB: [("B", b_old), ("A", _unit(3))]},
                    {SFACE: TH, DLIB: TH_DLIB})
    assert m.model_of == {"A": SFACE, "B": DLIB}      # A was enrolled again: SFace only
    assert m.models == [SFACE, DLIB]
    assert m.count_by_model() == {SFACE: 1, DLIB: 1}
    # a face of B: its dlib signature is 0.30 from B's (under 0.45); SFace sees nobody
    r = m.match_photo({SFACE: [_unit(9)], DLIB: [_at(b_old, 0.30, 4)]})
    assert r[0].status is MatchStatus.RECOGNISED and r[0].person == "B"
    # a face of A: SFace 0.5 from A, dlib far from B
    r = m.match_photo({SFACE: [_at(a_new, 0.5, 4)], DLIB: [_unit(8)]})
    assert r[0].status is MatchStatus.RECOGNISED and r[0].person == "A"
    # both models see someone (A by SFace, B by dlib): a person decides
    r = m.match_photo({SFACE: [_at(a_new, 0.5, 4)], DLIB: [_at(b_old, 0.40, 4)]})
    assert r[0].status is MatchStatus.UNCERTAIN
    # without the old model's signatures the old-model people cannot be recognised
    r = m.match_photo({SFACE: [_unit(9)]})
    assert r[0].status is MatchStatus.UNKNOWN


# ------------------------------------------------------------------------------------------
# The real models on synthetic photos (no shared data needed)
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def face_engine() -> FaceEngine:
    return FaceEngine.load(Settings())


def _cartoon_face(size: int) -> Image.Image:
    img = Image.new("RGB", (size, size), (70, 110, 160))
    d = ImageDraw.Draw(img)
    s = size
    d.ellipse([s * .2, s * .1, s * .8, s * .9], fill=(224, 172, 140))
    d.ellipse([s * .32, s * .35, s * .42, s * .43], fill=(40, 30, 30))
    d.ellipse([s * .58, s * .35, s * .68, s * .43], fill=(40, 30, 30))
    d.polygon([(s * .5, s * .45), (s * .46, s * .6), (s * .54, s * .6)], fill=(200, 140, 110))
    d.arc([s * .38, s * .6, s * .62, s * .75], 20, 160, fill=(150, 40, 40), width=max(1, s // 30))
    return img


def test_load_missing_model_raises_model_error(monkeypatch, tmp_path):
    monkeypatch.setattr(engine_mod, "asset_path", lambda *parts: tmp_path / "missing.onnx")
    with pytest.raises(ModelError) as exc:
        FaceEngine.load(Settings())
    assert "face detector model is missing" in str(exc.value)


def test_broken_signature_model_raises_model_error(monkeypatch, tmp_path):
    real = engine_mod.asset_path

    def fake(*parts):
        if "sface" in parts[-1]:
            (tmp_path / "broken.onnx").write_bytes(b"not a model")
            return tmp_path / "broken.onnx"
        return real(*parts)

    monkeypatch.setattr(engine_mod, "asset_path", fake)
    # loaded the first time a signature is asked for (nobody enrolled: never)
    eng = FaceEngine.load(Settings())
    img = Image.new("RGB", (640, 480), (90, 120, 150))
    img.paste(_cartoon_face(160), (200, 150))
    faces = eng.detect(img)
    assert faces and not eng.sface_loaded
    for _ in range(2):      # each photo is told, none passes without its signatures
        with pytest.raises(ModelError) as exc:
            eng.encode(img, faces)
        assert "face signature model could not be loaded" in str(exc.value)
    assert not eng.sface_loaded


def test_a_missing_signature_model_is_told_when_the_models_load(monkeypatch, tmp_path):
    real = engine_mod.asset_path
    monkeypatch.setattr(engine_mod, "asset_path", lambda *parts: (
        tmp_path / "missing.onnx" if "sface" in parts[-1] else real(*parts)))
    with pytest.raises(ModelError) as exc:
        FaceEngine.load(Settings())
    assert "face signature model is missing" in str(exc.value)


def test_the_signature_model_loads_only_when_a_signature_is_asked_for():
    """Nobody enrolled: photos are checked without signatures (pipeline), so SFace (about
    40 MB) is never loaded; the first signature loads it and it is the same as before."""
    eng = FaceEngine.load(Settings())
    img = Image.new("RGB", (640, 480), (90, 120, 150))
    img.paste(_cartoon_face(160), (200, 150))
    faces = eng.detect(img)
    eng.give_back()
    assert faces and not eng.sface_loaded and eng.encode(img, []) == []
    assert not eng.sface_loaded
    lazy = eng.encode(img, faces)
    assert eng.sface_loaded
    session = engine_mod._load_session(
        engine_mod.SFACE_FILE, "face signature",
        lambda raw: opencv_zoo_model(raw, "data", ["n", 3, 112, 112]), 1, True)
    eager = FaceEngine(eng.centerface, eng.yunet, SFaceEncoder(session, eng.yunet), Settings())
    assert any(e is not None for e in lazy)
    assert [None if e is None else e.tolist() for e in lazy] == [
        None if e is None else e.tolist() for e in eager.encode(img, faces)]


def test_two_photos_asking_for_the_first_signature_at_once_load_the_model_once(face_engine):
    """(s44 audit3) The lazy load under a race: one load at a time, each photo gets the whole
    encoder or a ModelError (never a half-made one); a load that fails fails that photo only,
    the photo that waited for it loads again, and once loaded nobody loads."""
    calls, inside, most = [], [0], [0]
    count = threading.Lock()
    real = face_engine.sface

    def slow_load():
        with count:
            calls.append(threading.current_thread().name)
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            first = len(calls) == 1
        time.sleep(0.3)          # the other photo asks meanwhile
        with count:
            inside[0] -= 1
        if first:
            raise ModelError("the face signature model could not be loaded (test)")
        return real

    eng = FaceEngine(face_engine.centerface, face_engine.yunet, None, Settings(),
                     load_sface=slow_load)
    rounds: list[list[object]] = []
    for _ in range(2):
        both, got = threading.Barrier(2, timeout=15), []

        def ask(both=both, got=got):
            both.wait()
            try:
                got.append(eng.sface)
            except ModelError as exc:
                got.append(exc)
        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        rounds.append(got)
    assert most[0] == 1 and len(calls) == 2
    assert sum(isinstance(g, ModelError) for g in rounds[0]) == 1
    assert any(g is real for g in rounds[0])
    assert rounds[1] == [real, real] and eng.sface_loaded

def test_blank_and_tiny_images_have_no_faces(face_engine):
    assert face_engine.detect(Image.new("RGB", (640, 480), (128, 128, 128))) == []
    assert face_engine.detect(Image.new("RGB", (40, 40), (200, 180, 160))) == []
    assert face_engine.detect(Image.new("RGB", (1, 1))) == []
    assert face_engine.encode(Image.new("RGB", (40, 40)), []) == []


@pytest.mark.parametrize("mode", ["L", "RGBA", "LA", "P", "CMYK"])
def test_detect_accepts_other_modes(face_engine, mode):
    img = _cartoon_face(160).convert(mode)
    found = face_engine.detect(img)
    assert isinstance(found, list)
    for f in found:
        x, y, w, h = f.box
        assert x >= 0 and y >= 0 and x + w <= 160 and y + h <= 160


def test_many_faces_is_bounded_in_time(face_engine):
    tile = _cartoon_face(64)
    grid = Image.new("RGB", (64 * 20, 64 * 15))
    for j in range(15):
        for i in range(20):
            grid.paste(tile, (i * 64, j * 64))          # 300 cartoon faces
    t0 = time.process_time()
    found = face_engine.detect(grid)
    cpu = time.process_time() - t0
    assert isinstance(found, list) and len(found) <= 600
    assert cpu < 60, f"detection of a 300-face grid took {cpu:.1f} s of CPU"
    for f in found:
        assert isinstance(f, Face) and len(f.landmarks) == 5
        x, y, w, h = f.box
        assert x >= 0 and y >= 0 and x + w <= grid.width and y + h <= grid.height


def test_both_coarse_passes_search_one_scaled_copy_of_the_photo(face_engine, monkeypatch):
    # CenterFace and YuNet both search the photo at 640 px (BOX): made once, 25 ms of CPU
    # less a 12 MP photo; a copy as large as a fine pass is made for its caller and not kept
    from photovet.core.vision.faces.pixels import Pyramid

    photo = Image.new("RGB", (1600, 1200), (90, 120, 150))
    photo.paste(_cartoon_face(200), (700, 500))
    before = face_engine.detect(photo)
    made = []
    real = Image.Image.resize

    def spy(self, size, resample=None, *a, **k):
        if self.size == photo.size:
            made.append((tuple(size), resample))
        return real(self, size, resample, *a, **k)

    monkeypatch.setattr(Image.Image, "resize", spy)
    assert face_engine.detect(photo) == before
    assert made.count(((640, 480), Image.Resampling.BOX)) == 1
    pyr = Pyramid(photo, keep_pixels=400_000)
    assert pyr.box((640, 480)) is pyr.box((640, 480))
    assert pyr.box((800, 600)) is not pyr.box((800, 600))
    assert pyr.box(photo.size) is photo


def test_the_photo_is_scaled_to_640_px_once_for_every_pass_that_searches_it_there(
        face_engine, monkeypatch):
    """CenterFace's and YuNet's coarse passes and the look upside down all search the photo at
    640 px: one copy, made once (a 12 MP photo's resize costs 21-25 ms of CPU)."""
    photo = _cartoon_face(300).resize((1600, 1200))
    made: list[tuple[int, int]] = []
    real = Image.Image.resize

    def resize(self, size, *a, **kw):
        if self.size == photo.size:
            made.append(tuple(size))
        return real(self, size, *a, **kw)

    monkeypatch.setattr(Image.Image, "resize", resize)
    assert face_engine.upside_down_side == 640
    face_engine.detect_all(photo)
    assert made.count((640, 480)) == 1


def test_encode_sizes_and_none_for_small_faces(face_engine):
    img = _cartoon_face(300)
    big = Face(box=(60, 30, 180, 240), score=0.9)
    small = Face(box=(10, 10, 30, 30), score=0.9)
    blank = Face(box=(0, 250, 60, 50), score=0.9)    # no face there: no landmarks, no signature
    encs = face_engine.encode(img, [big, small, blank])
    assert encs[1] is None                          # under recognition.min_face_px
    assert encs[2] is None
    e = encs[0]
    assert isinstance(e, np.ndarray) and e.shape == (128,) and np.all(np.isfinite(e))
    assert np.linalg.norm(e) == pytest.approx(1.0)  # SFace signatures are unit length
    # deterministic
    np.testing.assert_allclose(face_engine.encode(img, [big])[0], e, atol=1e-6)
    assert face_engine.encode(img.convert("L"), [big])[0].shape == (128,)
    # PhotoVet 0.1's signatures, for people not yet enrolled again
    old = face_engine.encode(img, [big, small], model=DLIB)
    assert old[0].shape == (128,) and old[1] is None
    with pytest.raises(ValueError):
        face_engine.encode(img, [big], model="nonsense")
    assert face_engine.signature_model == SFACE
    got = face_engine.encode_models(img, [big], [SFACE, DLIB])
    assert set(got) == {SFACE, DLIB} and all(len(v) == 1 for v in got.values())
    # the one-crop SFace signatures, for people enrolled before the three crops
    one = face_engine.encode(img, [big, small], model=SFACE_ONE_CROP)
    assert one[0].shape == (128,) and np.linalg.norm(one[0]) == pytest.approx(1.0) and one[1] is None


def test_yunet_is_not_sure_of_a_face_where_there_is_none(face_engine):
    assert face_engine.yunet.sureness(Image.new("RGB", (300, 300), (255, 255, 255)),
                                 (100, 100, 80, 80)) == 0.0


def test_a_second_look_sees_a_face_and_not_a_blank_wall(face_engine, monkeypatch):
    monkeypatch.setattr(face_engine, "look", SecondLook())
    img = Image.new("RGB", (400, 300), (70, 110, 160))
    img.paste(_cartoon_face(60), (40, 40))
    assert face_engine._look(img, (52, 46, 88, 94)) >= 1.2        # as sure as a face found
    assert face_engine._look(img, (280, 150, 330, 200)) == 0.0     # nothing there
    monkeypatch.setattr(face_engine, "look", None)
    assert face_engine._look(img, (52, 46, 88, 94)) == 0.0


def test_a_face_upside_down_is_found_by_the_turned_pass(face_engine, monkeypatch):
    """A face upside down (a child hanging from a climbing frame) that the upright search does
    not find is found on the photo turned 180 degrees, in its place; without that pass it is
    not. The cartoon face scores about 0.24 there, so the pass's threshold is 0.2 here."""
    img = Image.new("RGB", (320, 240), (70, 110, 160))
    img.paste(_cartoon_face(80), (60, 50))
    img = img.rotate(180)                          # the face is now at (180, 110)-(260, 190)
    monkeypatch.setattr(face_engine, "upside_down_threshold", 0.2)
    monkeypatch.setattr(face_engine, "upside_down_side", None)
    assert len(face_engine.detect_all(img)) == 0
    monkeypatch.setattr(face_engine, "upside_down_side", 640)
    found = face_engine.detect_all(img)
    assert found.source == [UPSIDE_DOWN]
    x1, y1, x2, y2 = found.boxes[0][:4]
    assert box_iou((x1, y1, x2 - x1, y2 - y1), (180, 110, 80, 80)) >= 0.4
    marks = found.landmarks[0]                     # turned back: the eyes below the mouth
    assert (marks[1] + marks[3]) / 2 > (marks[7] + marks[9]) / 2


def test_portrait_encodings_on_blank_is_empty(face_engine):
    assert face_engine.portrait_encodings(Image.new("RGB", (300, 300), (255, 255, 255))) == []


def test_detection_boxes_are_clipped_at_the_edge(face_engine):
    """Whatever the detector reports for a face cut by the border stays inside the image."""
    face = _cartoon_face(200)
    img = Image.new("RGB", (300, 300), (70, 110, 160))
    img.paste(face, (-90, -60))
    for f in face_engine.detect(img):
        x, y, w, h = f.box
        assert x >= 0 and y >= 0 and x + w <= 300 and y + h <= 300 and w > 0 and h > 0


def test_refinement_work_is_capped(monkeypatch):
    """A photo full of weak candidates cannot make the upsampled search unbounded."""
    eng = CenterFace.from_settings(None, Settings.from_dict({"detection": {"refine_max_pixels": 2_000_000}}).detection)
    calls = []

    def fake_run(arr, threshold):
        calls.append(arr.shape[:2])
        h, w = arr.shape[:2]
        # a weak 12 px candidate every 40 px: thousands of them
        ys, xs = np.mgrid[10:h - 20:40, 10:w - 20:40]
        n = ys.size
        boxes = np.stack([xs.ravel(), ys.ravel(), xs.ravel() + 12, ys.ravel() + 12,
                          np.full(n, 0.2)], axis=1).astype(np.float32)
        return boxes, np.zeros((n, 10), np.float32)

    refined = []
    search = eng._search

    def recording_search(arr, scale, tiles, *a, **kw):
        if scale >= eng.refine_scale:             # the upsampled windows, not the pyramid
            refined.extend((y1 - y0, x1 - x0) for x0, y0, x1, y1 in tiles)
        return search(arr, scale, tiles, *a, **kw)

    monkeypatch.setattr(eng, "_run", fake_run)
    monkeypatch.setattr(eng, "_search", recording_search)
    boxes, _ = eng.detect_raw(Image.new("RGB", (4000, 3000)))
    assert len(boxes) == 0                           # nothing reached the threshold
    pixels = sum(h * w for h, w in refined)
    assert 0 < pixels <= 2_000_000 + 600 * 600


def test_refinement_skips_the_weakest_candidates_and_runs_neighbours_as_one_window(monkeypatch):
    """Candidates under ``refine_min_score`` are not searched again (they are still handed to
    the fusion), and the windows of candidates in neighbouring cells are one run. (Off by
    default: the WIDER subset lost faces with them, bench/face_variants.py.)"""
    eng = CenterFace.from_settings(None, Settings().detection)
    eng.refine_cell, eng.refine_min_score, eng.refine_merge_side = 128, 0.15, 320
    cands = np.array([[100, 100, 112, 112, 0.2],     # cell (0, 0)
                      [140, 100, 152, 112, 0.2],     # cell (1, 0), beside it
                      [400, 300, 412, 312, 0.12]],   # alone, and weaker than refine_min_score
                     np.float32)

    def fake_run(arr, threshold):
        if arr.shape[:2] == (400, 600):              # the photo's own pass
            return cands.copy(), np.zeros((3, 10), np.float32)
        return np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32)

    refined = []
    search = eng._search

    def recording_search(arr, scale, tiles, *a, **kw):
        if scale >= eng.refine_scale:
            refined.extend((y1 - y0, x1 - x0) for x0, y0, x1, y1 in tiles)
        return search(arr, scale, tiles, *a, **kw)

    monkeypatch.setattr(eng, "_run", fake_run)
    monkeypatch.setattr(eng, "_search", recording_search)
    boxes, _, weak, _ = eng.detect_raw(Image.new("RGB", (600, 400)), candidates=True)
    assert len(boxes) == 0
    # cells (0, 0) and (1, 0) with their 32 px margins: (0, 0, 160, 160) and (96, 0, 288, 160),
    # one 288 x 160 window, upsampled twice
    assert refined == [(320, 576)]
    assert sorted(float(w[4]) for w in weak) == pytest.approx([0.12, 0.2, 0.2])


def test_recognition_settings_are_typed_checked_and_keyed():
    from photovet.core.errors import SettingsError
    from photovet.core.settings import RECOGNITION_PRESETS, recognition_preset

    d = Settings()
    assert recognition_preset(d.recognition) == "standard"
    key = d.analysis_key()
    for change in ({"recognition": {"pupil_distance": 0.8}}, {"recognition": {"margin": 0.12}},
                   {"recognition": {"lookalike_distance": 1.1}}, {"detection": {"yunet": False}},
                   {"detection": {"yunet_threshold": 0.7}}):
        assert Settings.from_dict(change).analysis_key() != key, change
    for name, values in RECOGNITION_PRESETS.items():
        s = Settings.from_dict({"recognition": values})
        assert recognition_preset(s.recognition) == name
    assert recognition_preset(Settings.from_dict({"recognition": {"pupil_distance": 0.83}}).recognition) is None
    # never looser than what was calibrated: pupils 0.93, staff 1.0, a margin of at least 0.05
    for bad in ({"pupil_distance": 0.95}, {"staff_distance": 1.1}, {"margin": 0.01},
                {"lookalike_margin": 0.05}, {"pupil_distance": "0.8"}):
        with pytest.raises(SettingsError):
            Settings.from_dict({"recognition": bad})
    with pytest.raises(SettingsError):
        Settings.from_dict({"detection": {"yunet_agree_threshold": 0.7, "yunet_threshold": 0.6}})


def test_signatures_made_a_few_faces_at_a_time_equal_those_made_one_by_one(face_engine, monkeypatch):
    """SFace runs on one chip at a time (memory: the arena keeps the largest batch's
    activations); made in runs of several (the last one short), a face's signature does not
    depend on which other faces share its run, so the run size is free to choose."""
    from photovet.core.vision.faces import signatures

    assert signatures._CHIPS_PER_RUN == 1
    monkeypatch.setattr(signatures, "_CHIPS_PER_RUN", 3)
    rng = np.random.default_rng(5)
    chips = [Image.fromarray(rng.integers(0, 255, (112, 112, 3), dtype=np.uint8))
             for _ in range(7)]
    together = face_engine.sface.embed_chips(chips)
    alone = np.concatenate([face_engine.sface.embed_chips([c]) for c in chips])
    assert together.shape == (len(chips), 128)
    assert np.allclose(together, alone, atol=1e-4)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0)


def test_photos_checked_side_by_side_find_what_they_find_one_at_a_time(face_engine):
    """Each face model takes one photo at a time (its arena holds one run): two threads
    detecting and encoding at once get exactly the results of one thread, and never wait on
    each other for ever."""
    import threading

    photos = []
    for k, size in enumerate((48, 64, 96, 128)):
        img = Image.new("RGB", (900 + 40 * k, 700), (90 + 20 * k, 120, 150))
        for j in range(3):
            img.paste(_cartoon_face(size), (60 + j * (size + 150), 80 + 70 * k))
        photos.append(img)

    def work(img):
        faces = face_engine.detect(img)
        return [f.box for f in faces], [None if e is None else e.round(5).tolist()
                                        for e in face_engine.encode(img, faces)]

    alone = [work(p) for p in photos]
    assert any(boxes for boxes, _ in alone)
    got: dict[int, list] = {}
    start = threading.Barrier(2)

    def run(first: int) -> None:
        start.wait()
        for _ in range(2):
            for i in range(first, len(photos), 2):
                got.setdefault(i, []).append(work(photos[i]))

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive(), "two photos side by side never finished"
    for i, want in enumerate(alone):
        assert got[i] == [want, want]


def test_the_face_models_give_their_buffers_back_and_find_the_same_faces_after(face_engine):
    """Once a photo's faces are found and encoded the models' arenas are given back (the text
    models run next); the next photo grows them again and finds exactly the same."""
    img = Image.new("RGB", (1400, 1000), (100, 130, 160))
    for j, size in enumerate((40, 64, 120)):
        img.paste(_cartoon_face(size), (80 + j * 400, 300))

    def work():
        faces = face_engine.detect(img)
        return [f.box for f in faces], [e.round(5).tolist() for e in face_engine.encode(img, faces)
                                        if e is not None]

    before = work()
    assert before[0]
    face_engine.give_back()
    assert work() == before


def test_a_model_busy_with_another_photo_is_not_waited_for(face_engine, monkeypatch):
    """Photos checked side by side: giving the face models back never waits for a model the
    other photo is using (that would hold this photo back); the idle ones are given back."""
    given = []
    for name in ("centerface", "yunet", "sface"):
        monkeypatch.setattr(getattr(face_engine, name), "give_back",
                            lambda name=name: given.append(name))
    with face_engine._cf_lock:             # another photo is in CenterFace
        done = threading.Event()
        t = threading.Thread(target=lambda: (face_engine.give_back(), done.set()), daemon=True)
        t.start()
        assert done.wait(10), "giving back waited for the busy model"
    assert given == ["yunet", "sface"]
    face_engine.give_back()
    assert given == ["yunet", "sface", "centerface", "yunet", "sface"]


@pytest.mark.parametrize("look", ["passes", "turned"])
def test_a_video_frames_search_takes_its_turn_in_centerface(face_engine, monkeypatch, look):
    """A video's frames are searched in CenterFace's turns as a photo's are (s45: they took
    none, so a photo checked beside a video gave CenterFace's buffers back in the middle of a
    frame's search, and more videos' searches than turns could be in it): while a frame is in
    CenterFace, giving the face models back leaves CenterFace alone, and once it is out,
    CenterFace is given back again."""
    given = []
    for name in ("centerface", "yunet", "sface"):
        monkeypatch.setattr(getattr(face_engine, name), "give_back",
                            lambda name=name: given.append(name))
    inside, leave = threading.Event(), threading.Event()
    real = face_engine.centerface._search

    def search(*a, **k):
        inside.set()
        assert leave.wait(30)
        return real(*a, **k)

    monkeypatch.setattr(face_engine.centerface, "_search", search)
    arr = np.full((96, 128, 3), 120, np.uint8)
    if look == "passes":
        def run():
            face_engine.detect_passes([(arr, 1.0, 1.0)], tile=1024)
    else:
        def run():
            face_engine.detect_turned_looks(arr, 1.0, 1.0, np.zeros((0, 5)), [(1, None)],
                                            tile=1024)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        assert inside.wait(30)
        face_engine.give_back()
        assert given == ["yunet", "sface"], "CenterFace given back in a video frame's search"
    finally:
        leave.set()
        t.join(30)
    face_engine.give_back()
    assert given == ["yunet", "sface", "centerface", "yunet", "sface"]


def test_a_photo_waiting_for_centerface_runs_yunet_meanwhile_and_finds_the_same_faces():
    """One model thread per photo (two photos at once on two cores): while another photo holds
    CenterFace, this one runs YuNet first instead of idling, then CenterFace; the faces found
    are the same as when nobody else was in CenterFace."""
    eng = FaceEngine.load(Settings(), threads=1, at_once=1)   # CenterFace full with one photo
    img = Image.new("RGB", (640, 480), (90, 120, 150))
    img.paste(_cartoon_face(160), (100, 120))
    img.paste(_cartoon_face(120), (400, 150))
    alone = eng.detect_all(img)
    order = []
    real_yn, real_cf = eng.yunet.detect, eng.centerface.detect_raw
    eng.yunet.detect = lambda *a, **k: (order.append("yunet"), real_yn(*a, **k))[1]
    eng.centerface.detect_raw = lambda *a, **k: (order.append("centerface"), real_cf(*a, **k))[1]
    got = []
    eng._cf_lock.acquire()          # the other photo is in CenterFace
    try:
        th = threading.Thread(target=lambda: got.append(eng.detect_all(img)))
        th.start()
        deadline = time.monotonic() + 30
        while "yunet" not in order and time.monotonic() < deadline:
            time.sleep(0.01)
        assert order == ["yunet"]   # YuNet ran while CenterFace was taken
    finally:
        eng._cf_lock.release()
    th.join(60)
    assert order == ["yunet", "centerface"]
    np.testing.assert_allclose(got[0].boxes, alone.boxes)



def _two_pictures() -> tuple[Image.Image, Image.Image]:
    a = Image.new("RGB", (900, 640), (90, 120, 150))
    a.paste(_cartoon_face(160), (100, 120))
    a.paste(_cartoon_face(90), (600, 300))
    b = Image.new("RGB", (700, 900), (150, 140, 100))
    b.paste(_cartoon_face(200), (300, 80))
    b.paste(_cartoon_face(120), (80, 600))
    b.paste(_cartoon_face(64), (500, 700))
    return a, b


def _meet_in(wrapped, both: threading.Barrier, broken: list):
    """``wrapped`` whose first call in each thread waits there for the other thread's first
    call: both photos are inside the model at once (or the barrier breaks: one waited outside)."""
    first = threading.local()

    def call(*a, **k):
        if not getattr(first, "done", False):
            first.done = True
            try:
                both.wait()
            except threading.BrokenBarrierError:
                broken.append(threading.current_thread().name)
        return wrapped(*a, **k)
    return call


def test_two_photos_in_centerface_and_signatures_at_once_each_get_what_they_get_alone():
    """Two photos checked at once are inside CenterFace together, and inside the signature
    model together, and each gets exactly the faces and signatures it gets alone (the models
    keep no state of a call on themselves). Fails if a photo had to wait outside the model
    for the other (one photo at a time in each model, s43)."""
    eng = FaceEngine.load(Settings(), threads=1, at_once=2)
    pics = _two_pictures()

    def work(img):
        d = eng.detect_all(img)
        faces = eng.detect(img)
        return (d.boxes.round(4).tolist(), d.landmarks.round(4).tolist(),
                [None if e is None else e.round(6).tolist() for e in eng.encode(img, faces)])

    alone = [work(img) for img in pics]
    assert alone[0] != alone[1] and all(len(r[0]) >= 2 for r in alone)
    assert any(e is not None for r in alone for e in r[2])
    broken: list = []
    eng.centerface._run = _meet_in(eng.centerface._run, threading.Barrier(2, timeout=15), broken)
    session = eng.sface._session

    class Meeting:      # the signature model's runs, the first of each photo meeting the other's
        run = staticmethod(_meet_in(session.run, threading.Barrier(2, timeout=15), broken))

        def __getattr__(self, name):
            return getattr(session, name)
    eng.sface._session = Meeting()
    got: dict[int, tuple] = {}
    threads = [threading.Thread(target=lambda i=i: got.__setitem__(i, work(pics[i])),
                                name=f"photo{i}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not broken, f"a photo waited outside the model for the other: {broken}"
    assert got == {0: alone[0], 1: alone[1]}
    assert eng._cf_lock.most == 2 and eng._sf_lock.most == 2


def test_two_photos_with_two_threads_each_run_yunet_beside_centerface_at_once(monkeypatch):
    """With two threads per photo (4 cores and more), YuNet runs in a helper pool beside
    CenterFace: made once however many photos start at once, with a worker for each photo let
    in, so two photos' YuNet runs are not queued behind each other (a one-worker pool made
    without a lock, s44)."""
    made = []

    class Counted(engine_mod.ThreadPoolExecutor):
        def __init__(self, *a, **k):
            made.append(k.get("max_workers"))
            super().__init__(*a, **k)
    monkeypatch.setattr(engine_mod, "ThreadPoolExecutor", Counted)
    eng = FaceEngine.load(Settings(), threads=2, at_once=2)
    pics = _two_pictures()
    alone = [eng.detect_all(img).boxes.round(4).tolist() for img in pics]
    eng.close()
    made.clear()
    broken: list = []
    eng.yunet.detect = _meet_in(eng.yunet.detect, threading.Barrier(2, timeout=10), broken)
    got: dict[int, list] = {}
    threads = [threading.Thread(
        target=lambda i=i: got.__setitem__(i, eng.detect_all(pics[i]).boxes.round(4).tolist()),
        name=f"photo{i}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    eng.close()
    assert not broken, f"a photo's YuNet run waited for the other's: {broken}"
    assert got == {0: alone[0], 1: alone[1]}
    assert made == [2]


def test_no_more_photos_in_a_face_model_than_checked_at_once():
    """The bound: with two photos let in, a third waits for a turn, in CenterFace as in
    ``ModelTurns`` itself; idle() is true only when nobody is in."""
    turns = engine_mod.ModelTurns(2)
    inside, most = [0], [0]
    count = threading.Lock()

    def visit():
        with turns:
            with count:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.05)
            with count:
                inside[0] -= 1
    threads = [threading.Thread(target=visit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert most[0] == 2 and turns.most == 2
    with turns.idle() as idle:
        assert idle and not turns.acquire(blocking=False)   # every turn held while idle
    assert turns.acquire(blocking=False)
    with turns.idle() as idle:
        assert not idle                                    # someone is in: not idle
    turns.release()
    with pytest.raises(RuntimeError):
        turns.release()

    eng = FaceEngine.load(Settings(), threads=1, at_once=2)
    img = _two_pictures()[0]
    alone = eng.detect_all(img).boxes
    real = eng.centerface.detect_raw
    in_cf, most_cf = [0], [0]

    def detect_raw(*a, **k):
        with count:
            in_cf[0] += 1
            most_cf[0] = max(most_cf[0], in_cf[0])
        try:
            time.sleep(0.1)
            return real(*a, **k)
        finally:
            with count:
                in_cf[0] -= 1
    eng.centerface.detect_raw = detect_raw
    out: list = []
    threads = [threading.Thread(target=lambda: out.append(eng.detect_all(img).boxes))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert most_cf[0] == 2 and eng._cf_lock.most == 2
    assert len(out) == 4 and all(np.array_equal(b, alone) for b in out)

def test_pad_border_widens_only_the_sides_on_the_photos_edge():
    arr = np.arange(10 * 20 * 3, dtype=np.uint8).reshape(10, 20, 3)
    out, pads = pad_border(arr, (True, False, False, True), 0.2, "grey")
    assert pads == (4, 0, 0, 2) and out.shape == (12, 24, 3)
    assert (out[:10, :4] == 128).all() and (out[10:] == 128).all()
    np.testing.assert_array_equal(out[:10, 4:], arr)
    out, pads = pad_border(arr, (False, True, True, False), 0.2, "reflect")
    assert pads == (0, 2, 4, 0) and out.shape == (12, 24, 3)
    np.testing.assert_array_equal(out[2:, :20], arr)
    np.testing.assert_array_equal(out[2:, 20], arr[:, 18])      # mirrored at the border
    np.testing.assert_array_equal(out[0], out[4][:, :])         # row -2 mirrors row 2
    assert pad_border(arr, (False,) * 4, 0.2, "grey")[0] is arr
    assert pad_border(arr, (True, True, True, True), 5.0, "reflect")[1] == (19, 9, 19, 9)
    with pytest.raises(ValueError):
        pad_border(arr, (True, False, False, False), 0.2, "pink")


def test_detections_in_the_pad_are_dropped_and_the_rest_clipped_to_the_photo():
    boxes = np.array([[0, 40, 30, 80, 0.9],       # centre in the left pad (x 15 < 20): a mirror
                      [10, 40, 70, 100, 0.8],     # runs past the border: clipped
                      [50, 50, 90, 90, 0.7]],     # inside: only shifted
                     np.float32)
    marks = np.tile(np.array([[25, 50] * 5], np.float32), (3, 1))
    b, m = inside_pads(boxes, marks, (100, 80), (20, 10, 0, 0))
    np.testing.assert_allclose(b, [[0, 30, 50, 80, 0.8], [30, 40, 70, 80, 0.7]])
    np.testing.assert_allclose(m[0], [5, 40] * 5)


def _fake_network(calls, box):
    """A network run that records the array it is given and sees one face at ``box`` of
    every array (in that array's pixels)."""
    def run(arr, threshold, *a, **k):
        calls.append(arr.shape[:2])
        return (np.array([box], np.float32), np.zeros((1, 10), np.float32))
    return run


def test_centerface_widens_its_coarse_pass_past_the_border_only_when_asked(monkeypatch):
    """detection: the tiles of the passes named by ``edge_passes`` that lie on the photo's
    border are searched widened past it; a box whose centre lies in the pad is not a face
    (off by default: fusion.py's docstring has the figures)."""
    eng = CenterFace.from_settings(None, Settings().detection)
    eng.refine_scale = 1.0                          # no refinement windows here
    photo = Image.new("RGB", (1000, 750), (90, 120, 150))
    calls: list = []
    # every array has a face at (-40, 300)-(20, 360) of its own pixels: the coarse pass's is
    # (-62.5, 469)-(31, 562) of the photo, apart from the fine tiles' ones
    monkeypatch.setattr(eng, "_run", _fake_network(calls, [-40, 300, 20, 360, 0.9]))
    assert eng.edge_passes == ""
    plain, _ = eng.detect_raw(photo)
    assert calls[0] == (480, 640)                   # the coarse pass, as it is
    assert any(b[0] == pytest.approx(-62.5) for b in plain)
    calls.clear()
    eng.edge_passes, eng.edge_pad, eng.edge_fill = "coarse", 0.125, "grey"
    padded, _ = eng.detect_raw(photo)
    assert calls[0] == (480 + 2 * 60, 640 + 2 * 80)  # widened on all four sides
    assert all(c[0] <= 512 and c[1] <= 512 for c in calls[1:])   # the fine tiles as they are
    # widened, that face's centre lies in the pad (80 px of it on the left): not a face
    assert not any(b[0] == pytest.approx(-62.5) for b in padded)
    assert len(padded) == len(plain) - 1


def test_yunet_widens_its_coarse_pass_past_the_border_only_when_asked(monkeypatch):
    eng = YuNet(None)
    photo = Image.new("RGB", (1000, 750), (90, 120, 150))
    calls: list = []
    # one face whose centre lies 10 px in from the padded array's left edge: in the pad
    monkeypatch.setattr(eng, "run", _fake_network(calls, [0, 100, 20, 140, 0.9]))
    plain, _ = eng.detect(photo)
    assert calls[0] == (480, 640) and len(plain) >= 1
    assert any(b[0] == 0 and b[2] == pytest.approx(20 / 0.64) for b in plain)  # coarse pass's
    calls.clear()
    eng.edge_pad, eng.edge_fill = 0.125, "reflect"
    padded, _ = eng.detect(photo)
    assert calls[0] == (480 + 2 * 60, 640 + 2 * 80)
    assert all(c[0] <= 640 and c[1] <= 640 for c in calls[1:])   # its fine tiles as they are
    # the coarse pass's face lay in the pad: gone; the fine tiles' face is still there
    assert not any(b[2] == pytest.approx(20 / 0.64) for b in padded)
    assert len(padded) == len(plain) - 1


def test_the_second_look_sees_a_weak_box_scaled_so_the_face_is_64_px(face_engine, monkeypatch):
    """The second look (detection.second_look, off: its CPU, fusion.py's docstring) scales the
    crop around a weak box so the face is 64 px (a blurred face scaled down looks sharper; at
    128 px it found no more faces, left more false boxes and cost 4x the pixels)."""
    monkeypatch.setattr(face_engine, "look", SecondLook())
    assert face_engine.look.target == 64 and face_engine.look.add_side == 24
    seen = []
    real = face_engine.yunet.run

    def spy(arr, *a, **k):
        seen.append(arr.shape[:2])
        return real(arr, *a, **k)

    monkeypatch.setattr(face_engine.yunet, "run", spy)
    img = Image.new("RGB", (400, 300), (70, 110, 160))
    face_engine._look(img, (180, 130, 212, 162))      # a 32 px box, 0.6 of it on every side
    assert seen == [(142, 142)]                       # 71 px of photo scaled by 64 / 32


@pytest.mark.parametrize("turn,quarters", [(Image.Transpose.ROTATE_90, 3),
                                           (Image.Transpose.ROTATE_180, 2),
                                           (Image.Transpose.ROTATE_270, 1)])
def test_a_turned_look_in_a_window_finds_the_face_where_the_whole_picture_does(face_engine,
                                                                               turn, quarters):
    """A video follows a face found turned in a window around it (detect_turned_looks with a
    window, analysis.follow_looks): the window's face is in the picture's pixels, where the
    look on the whole picture puts it, and the turn that set it upright is named; a window
    elsewhere finds nothing."""
    from tests.video_clips import background, draw_face

    upright = Image.fromarray(background(320, 240, 1))
    face = draw_face(100, 3)
    upright.paste(face, (50, 40), face)
    arr = np.asarray(upright.transpose(turn))
    h, w = arr.shape[:2]
    whole = face_engine.detect_turned_looks(arr, 2.0, 2.0, np.zeros((0, 4)),
                                            [(quarters, None)], threshold=0.3)
    assert len(whole[0]) == 1 and list(whole[2]) == [quarters]
    x1, y1, x2, y2 = whole[0][0][:4] / 2.0
    m = max(x2 - x1, y2 - y1)                  # analysis.VideoParams.sideways_margin
    win = (int(x1 - m), int(y1 - m), int(x2 + m), int(y2 + m))
    looks = [(q, win) for q in (1, 2, 3)]
    b, marks, q = face_engine.detect_turned_looks(arr, 2.0, 2.0, np.zeros((0, 4)), looks,
                                                  threshold=0.3)
    assert len(b) == 1 and list(q) == [quarters]
    # about as sure as on the whole picture (the window on the network's grid: engine._on_grid)
    assert b[0][4] >= whole[0][0][4] - 0.1
    # in the picture's place (the window's own view of it differs by a few pixels)
    assert box_iou(_xywh(b[0]), _xywh(whole[0][0])) >= 0.8
    assert np.abs(marks[0] - whole[1][0]).max() <= 0.1 * (x2 - x1) * 2
    far = (w - 40, h - 40, w, h) if x1 > w / 2 or y1 > h / 2 else (0, 0, 40, 40)
    assert len(face_engine.detect_turned_looks(arr, 1.0, 1.0, np.zeros((0, 4)),
                                               [(1, far), (2, far), (3, far)],
                                               threshold=0.3)[0]) == 0


def _xywh(b):
    return (float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1]))


def test_nobody_enrolled_photos_are_decided_the_same_without_the_signature_model(tmp_path):
    """A register with nobody enrolled: no signature is asked for, so SFace is never loaded,
    and every face is found, covered and told exactly as with SFace loaded."""
    from photovet.core.pipeline import Engine
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access

    ws = Workspace.open(tmp_path / "home", access=office_access("Mrs Office"))
    ws.settings.text.enabled = False
    img = Image.new("RGB", (900, 640), (90, 120, 150))
    img.paste(_cartoon_face(160), (100, 120))
    img.paste(_cartoon_face(120), (600, 300))
    photo = tmp_path / "p.jpg"
    img.save(photo, "JPEG", quality=95)

    def decided(face_engine):
        engine = Engine(ws.settings, register=ws.register, face_engine=face_engine)
        a = engine.decide(engine.analyse(photo, use_cache=False), "website")
        assert a.error is None and a.faces_checked
        return a.status, [(f.box, f.match_status, f.decision, f.reason, f.needs_review)
                          for f in a.faces]

    lazy = FaceEngine.load(ws.settings)
    without = decided(lazy)
    assert not lazy.sface_loaded
    eager = FaceEngine.load(ws.settings)
    assert eager.sface is not None and eager.sface_loaded
    assert decided(eager) == without
    assert len(without[1]) == 2
    assert all(s == MatchStatus.NO_REGISTER.value and d == "cover" for _, s, d, _, _ in without[1])
    ws.close()
