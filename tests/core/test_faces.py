"""Faces: detector pre/post-processing, the matcher's rules, and the real models on synthetic input.

Real-photo accuracy lives in test_faces_accuracy.py (needs ../shared/data, skips without it).
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photovet.core.vision import faces as faces_mod
from photovet.core.errors import ModelError
from photovet.core.vision.faces import (
    FaceEngine,
    FaceMatcher,
    _dynamic_model,
    _pb_parse,
    _pb_serialise,
    clip_box,
    decode_centerface,
    nms,
    nms_merge,
    plan_passes,
    refine_cells,
    tile_spans,
    to_rgb,
)
from photovet.core.models import Face, MatchStatus
from photovet.core.paths import asset_path
from photovet.core.settings import Settings

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


def test_nms_empty():
    assert nms(np.zeros((0, 4)), np.zeros((0,)), 0.3).size == 0


@pytest.mark.parametrize("length,tile,overlap", [(100, 1536, 128), (1536, 1536, 128), (1537, 1536, 128),
                                                 (4000, 1536, 128), (3000, 1024, 160), (12345, 777, 64)])
def test_tile_spans_cover_everything_with_overlap(length, tile, overlap):
    spans = tile_spans(length, tile, overlap)
    assert spans[0][0] == 0 and spans[-1][1] == length
    for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
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


def test_refine_cells_mark_grid_cells_of_small_candidates_only():
    cells = refine_cells([(10, 10, 20, 22), (15, 12, 25, 24), (500, 300, 700, 520)], 1000, 800,
                         cell=192, margin=32, max_face=64)
    assert cells == [(0, 0, 224, 224)]          # both small candidates in one cell; big one skipped
    cells = refine_cells([(380, 380, 390, 392)], 1000, 800, cell=192, margin=32, max_face=64)
    assert cells == [(352, 352, 608, 608)]


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
    assert _pb_serialise(_pb_parse(raw)) == raw
    import onnxruntime as ort

    dyn = _dynamic_model(raw)
    sess = ort.InferenceSession(dyn, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()
    assert len(inp) == 1 and inp[0].name == "input.1"
    assert inp[0].shape[1] == 3 and isinstance(inp[0].shape[2], str)
    out = sess.run(None, {"input.1": np.zeros((1, 3, 64, 96), np.float32)})
    assert out[0].shape == (1, 1, 16, 24) and out[3].shape == (1, 10, 16, 24)


# ------------------------------------------------------------------------------------------
# FaceMatcher with synthetic encodings
# ------------------------------------------------------------------------------------------


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=128)
    return v / np.linalg.norm(v)


def _at(base: np.ndarray, dist: float, seed: int) -> np.ndarray:
    """A vector exactly ``dist`` from ``base`` in a random direction."""
    d = np.random.default_rng(seed).normal(size=128)
    d /= np.linalg.norm(d)
    return base + dist * d


def test_matcher_empty_register():
    m = FaceMatcher([], max_distance=0.45, min_margin=0.08)
    r = m.match(_unit(1))
    assert r.status is MatchStatus.NO_REGISTER and r.person is None and not r.recognised


def test_matcher_recognises_close_and_clear():
    a, b = _unit(1), _unit(2)
    m = FaceMatcher([("A", a), ("B", b)], max_distance=0.45, min_margin=0.08)
    r = m.match(_at(a, 0.30, 9))
    assert r.status is MatchStatus.RECOGNISED and r.person == "A" and r.recognised
    assert r.distance == pytest.approx(0.30)
    assert r.margin == pytest.approx(np.linalg.norm(_at(a, 0.30, 9) - b) - 0.30)


def test_matcher_threshold_is_strict_and_uncertain_band():
    a = _unit(1)
    m = FaceMatcher([("A", a)], max_distance=0.45, min_margin=0.08)
    assert m.match(_at(a, 0.449, 3)).status is MatchStatus.RECOGNISED
    assert m.match(_at(a, 0.451, 3)).status is MatchStatus.UNCERTAIN
    r = m.match(_at(a, 0.52, 3))
    assert r.status is MatchStatus.UNCERTAIN and r.person == "A" and not r.recognised
    r = m.match(_at(a, 0.56, 3))
    assert r.status is MatchStatus.UNKNOWN and r.person is None
    assert r.distance == pytest.approx(0.56)
    assert m.match(_at(a, 1.2, 3)).status is MatchStatus.UNKNOWN


def test_matcher_margin_too_small_is_uncertain():
    a = _unit(1)
    # B sits so that a probe is 0.30 from A and 0.35 from B: margin 0.05 < 0.08
    probe = _at(a, 0.30, 4)
    b = _at(probe, 0.35, 5)
    m = FaceMatcher([("A", a), ("B", b)], max_distance=0.45, min_margin=0.08)
    r = m.match(probe)
    assert r.status is MatchStatus.UNCERTAIN and r.person == "A"
    assert r.margin == pytest.approx(0.05)
    # with a looser margin the same probe is recognised
    m2 = FaceMatcher([("A", a), ("B", b)], max_distance=0.45, min_margin=0.04)
    assert m2.match(probe).status is MatchStatus.RECOGNISED


def test_matcher_same_person_several_encodings_do_not_count_as_margin():
    a = _unit(1)
    probe = _at(a, 0.30, 6)
    a2 = _at(probe, 0.31, 7)        # a second photo of A, nearly as close
    b = _unit(2)
    m = FaceMatcher([("A", a), ("A", a2), ("B", b)], max_distance=0.45, min_margin=0.08)
    r = m.match(probe)
    assert r.status is MatchStatus.RECOGNISED and r.person == "A"
    assert r.distance == pytest.approx(0.30)
    assert r.margin == pytest.approx(np.linalg.norm(probe - b) - 0.30)
    assert m.distances(probe)["A"] == pytest.approx(0.30)


def test_matcher_only_one_person_enrolled_has_no_margin():
    a = _unit(1)
    r = FaceMatcher([("A", a)], max_distance=0.45, min_margin=0.08).match(_at(a, 0.2, 3))
    assert r.status is MatchStatus.RECOGNISED and r.margin is None


def test_matcher_rejects_bad_vectors():
    with pytest.raises(ValueError):
        FaceMatcher([("A", np.zeros(64))], max_distance=0.45, min_margin=0.08)
    m = FaceMatcher([("A", _unit(1))], max_distance=0.45, min_margin=0.08)
    assert m.match(None).status is MatchStatus.UNKNOWN
    bad = _unit(1).copy()
    bad[0] = np.nan
    assert m.match(bad).status is MatchStatus.UNKNOWN


def test_matcher_from_settings_reads_values():
    s = Settings.from_dict({"recognition": {"max_distance": 0.3, "min_margin": 0.2, "uncertain_band": 0.05}})
    m = FaceMatcher.from_settings([("A", _unit(1))], s)
    assert (m.max_distance, m.min_margin, m.uncertain_band) == (0.3, 0.2, 0.05)
    d = Settings()
    m = FaceMatcher.from_settings([], d)
    assert m.max_distance == d.get("recognition.max_distance")
    assert m.min_margin == d.get("recognition.min_margin")


# ------------------------------------------------------------------------------------------
# The real models on synthetic photos (no shared data needed)
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> FaceEngine:
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
    monkeypatch.setattr(faces_mod, "asset_path", lambda *parts: tmp_path / "missing.onnx")
    with pytest.raises(ModelError) as exc:
        FaceEngine.load(Settings())
    assert "face detector model is missing" in str(exc.value)


def test_blank_and_tiny_images_have_no_faces(engine):
    assert engine.detect(Image.new("RGB", (640, 480), (128, 128, 128))) == []
    assert engine.detect(Image.new("RGB", (40, 40), (200, 180, 160))) == []
    assert engine.detect(Image.new("RGB", (1, 1))) == []
    assert engine.encode(Image.new("RGB", (40, 40)), []) == []


@pytest.mark.parametrize("mode", ["L", "RGBA", "LA", "P", "CMYK"])
def test_detect_accepts_other_modes(engine, mode):
    img = _cartoon_face(160).convert(mode)
    found = engine.detect(img)
    assert isinstance(found, list)
    for f in found:
        x, y, w, h = f.box
        assert 0 <= x and 0 <= y and x + w <= 160 and y + h <= 160


def test_many_faces_is_bounded_in_time(engine):
    tile = _cartoon_face(64)
    grid = Image.new("RGB", (64 * 20, 64 * 15))
    for j in range(15):
        for i in range(20):
            grid.paste(tile, (i * 64, j * 64))          # 300 cartoon faces
    t0 = time.process_time()
    found = engine.detect(grid)
    cpu = time.process_time() - t0
    assert isinstance(found, list) and len(found) <= 600
    assert cpu < 60, f"detection of a 300-face grid took {cpu:.1f} s of CPU"
    for f in found:
        assert isinstance(f, Face) and len(f.landmarks) == 5
        x, y, w, h = f.box
        assert x >= 0 and y >= 0 and x + w <= grid.width and y + h <= grid.height


def test_encode_sizes_and_none_for_small_faces(engine):
    img = _cartoon_face(300)
    big = Face(box=(60, 30, 180, 240), score=0.9)
    small = Face(box=(10, 10, 30, 30), score=0.9)
    edge = Face(box=(250, 0, 50, 80), score=0.9)     # touches the right and top edges
    encs = engine.encode(img, [big, small, edge])
    assert encs[1] is None                          # under recognition.min_face_px
    for e in (encs[0], encs[2]):
        assert isinstance(e, np.ndarray) and e.shape == (128,) and np.all(np.isfinite(e))
    # deterministic (num_jitters 1)
    again = engine.encode(img, [big])[0]
    np.testing.assert_allclose(again, encs[0], atol=1e-6)
    assert engine.encode(img.convert("L"), [big])[0].shape == (128,)


def test_portrait_encodings_on_blank_is_empty(engine):
    assert engine.portrait_encodings(Image.new("RGB", (300, 300), (255, 255, 255))) == []


def test_detection_boxes_are_clipped_at_the_edge(engine):
    """Whatever the detector reports for a face cut by the border stays inside the image."""
    face = _cartoon_face(200)
    img = Image.new("RGB", (300, 300), (70, 110, 160))
    img.paste(face, (-90, -60))
    for f in engine.detect(img):
        x, y, w, h = f.box
        assert x >= 0 and y >= 0 and x + w <= 300 and y + h <= 300 and w > 0 and h > 0


def test_refinement_work_is_capped(monkeypatch):
    """A photo full of weak candidates cannot make the upsampled search unbounded."""
    eng = FaceEngine(None, None, None, Settings.from_dict({"detection": {"refine_max_pixels": 2_000_000}}))
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

    monkeypatch.setattr(eng, "_run", fake_run)
    boxes, _ = eng.detect_raw(Image.new("RGB", (4000, 3000)))
    assert len(boxes) == 0                           # nothing reached the threshold
    refined = [s for s in calls if s[0] <= 600 and s[1] <= 600]
    pixels = sum(h * w for h, w in refined)
    assert 0 < pixels <= 2_000_000 + 600 * 600
