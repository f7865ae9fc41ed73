"""Cover: irreversible cover, soft edge outside the core, input untouched, both styles.

The proof on a real face (detector finds nothing there, encoding far from the person) needs
../shared/data/identities and skips without it.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photovet.core.media.cover import apply_covers, face_cover
from photovet.core.models import Cover
from tests.conftest import shared_data


def _noise(w=200, h=150, seed=0, mode="RGB") -> Image.Image:
    arr = np.random.default_rng(seed).integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    return Image.fromarray(arr, "RGB").convert(mode)


def _mask(shape: str, size, box=None, points=None) -> np.ndarray:
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    if shape == "ellipse":
        x, y, w, h = box
        d.ellipse([x, y, x + w - 1, y + h - 1], fill=255)
    elif shape == "rect":
        x, y, w, h = box
        d.rectangle([x, y, x + w - 1, y + h - 1], fill=255)
    else:
        d.polygon(points, fill=255)
    return np.asarray(m) > 0


@pytest.mark.parametrize("style", ["solid", "pixelate"])
def test_input_unchanged_and_new_image(style):
    img = _noise()
    before = np.asarray(img).copy()
    out = apply_covers(img, [Cover("ellipse", box=(40, 30, 80, 90), source="face")],
                           style=style, seed=1)
    assert out is not img and out.size == img.size and out.mode == "RGB"
    assert np.array_equal(np.asarray(img), before)
    assert not np.array_equal(np.asarray(out), before)


@pytest.mark.parametrize("style", ["solid", "pixelate"])
def test_painted_in_place_gives_the_same_pixels_without_a_copy(style):
    """The export paints its own decode in place: the same pixels as a new image, overlapping
    covers included (each later cover sees the earlier ones), and the RGB picture is reused."""
    covers = [Cover("ellipse", box=(40, 30, 80, 90), source="face"),
              Cover("ellipse", box=(90, 50, 70, 70), source="face"),
              Cover("polygon", points=[(10, 120), (150, 110), (152, 140), (12, 146)], source="text")]
    expected = apply_covers(_noise(), covers, style=style, seed=3)
    img = _noise()
    out = apply_covers(img, covers, style=style, seed=3, in_place=True)
    assert out is img
    assert np.array_equal(np.asarray(out), np.asarray(expected))
    # not RGB: converted (a new image) whatever in_place says
    grey = _noise(mode="L")
    assert apply_covers(grey, covers[:1], in_place=True) is not grey


def test_no_covers_returns_a_copy():
    img = _noise()
    out = apply_covers(img, [])
    assert out is not img and np.array_equal(np.asarray(out), np.asarray(img))


def test_solid_core_is_one_colour_and_unrelated_to_the_covered_pixels():
    box = (40, 30, 80, 90)
    core = _mask("ellipse", (200, 150), box)
    a = _noise(seed=1)
    b = np.asarray(_noise(seed=1)).copy()
    b[core] = np.random.default_rng(99).integers(0, 256, size=(core.sum(), 3))   # different face
    b = Image.fromarray(b)
    ra = np.asarray(apply_covers(a, [Cover("ellipse", box=box, source="face")]))
    rb = np.asarray(apply_covers(b, [Cover("ellipse", box=box, source="face")]))
    # inside the core: a single colour...
    assert len(np.unique(ra[core].reshape(-1, 3), axis=0)) == 1
    # ...and the result does not depend on what was covered (only on the surroundings)
    assert np.array_equal(ra, rb)


def test_soft_edge_lies_outside_the_core_and_far_pixels_untouched():
    img = _noise(seed=2)
    box = (60, 40, 60, 60)
    out = np.asarray(apply_covers(img, [Cover("rect", box=box)])).astype(int)
    src = np.asarray(img).astype(int)
    core = _mask("rect", (200, 150), box)
    assert len(np.unique(out[core].reshape(-1, 3), axis=0)) == 1
    changed = np.any(out != src, axis=2)
    ring = changed & ~core
    assert ring.sum() > 0, "expected a feathered edge outside the core"
    ys, xs = np.nonzero(ring)
    assert xs.min() >= 60 - 12 and xs.max() <= 120 + 12     # a few px, not a halo
    assert not changed[:, :40].any() and not changed[:, 140:].any()


def test_polygon_always_solid_and_covers_99_percent():
    img = _noise(seed=3)
    pts = [(20.3, 20.7), (150.2, 30.1), (140.8, 70.4), (25.5, 60.9)]
    red = Cover("polygon", points=pts, source="text")
    for style in ("solid", "pixelate"):
        out = np.asarray(apply_covers(img, [red], style=style, seed=1))
        poly = _mask("polygon", (200, 150), points=pts)
        colours, counts = np.unique(out[poly].reshape(-1, 3), axis=0, return_counts=True)
        assert counts.max() / poly.sum() >= 0.99, style
        # no original pixel survives inside the polygon
        src = np.asarray(img)[poly]
        assert (np.all(out[poly] == src, axis=1)).mean() < 0.01


def test_pixelate_at_most_8_blocks_across_with_noise():
    # a smooth gradient: the block means are predictable, the noise is not
    grad = np.tile(np.linspace(0, 255, 256, dtype=np.uint8)[None, :, None], (256, 1, 3))
    img = Image.fromarray(grad)
    box = (0, 0, 256, 256)
    red = Cover("ellipse", box=box, source="face")
    out = np.asarray(apply_covers(img, [red], style="pixelate", seed=5))
    row = out[128]
    inside = row[8:248]
    runs = 1 + int(np.any(np.diff(inside.astype(int), axis=0) != 0, axis=1).sum())
    assert runs <= 8
    # seeded noise is repeatable; another seed differs
    again = np.asarray(apply_covers(img, [red], style="pixelate", seed=5))
    other = np.asarray(apply_covers(img, [red], style="pixelate", seed=6))
    assert np.array_equal(out, again) and not np.array_equal(out, other)
    # blocks are not plain means of the gradient (noise added)
    mean_block = grad[:, 96:128].reshape(-1, 3).mean(axis=0)
    assert np.abs(out[128, 100].astype(float) - mean_block).max() > 0.5


def test_modes_rgba_and_greyscale():
    rgba = _noise(mode="RGBA")
    out = apply_covers(rgba, [Cover("ellipse", box=(10, 10, 50, 50))])
    assert out.mode == "RGBA"
    grey = _noise(mode="L")
    assert apply_covers(grey, [Cover("rect", box=(0, 0, 10, 10))]).mode == "RGB"


def test_bad_style_and_shape():
    with pytest.raises(ValueError):
        apply_covers(_noise(), [], style="cover")
    with pytest.raises(ValueError):
        apply_covers(_noise(), [Cover("circle", box=(0, 0, 5, 5))])
    # degenerate covers are ignored, not errors
    out = apply_covers(_noise(), [Cover("ellipse", box=(0, 0, 0, 0)),
                                      Cover("polygon", points=[(0, 0), (1, 1)])])
    assert out.size == (200, 150)


def test_face_cover_grows_shifts_up_and_covers_the_face():
    r = face_cover((100, 100, 50, 60), (400, 400), grow=1.4)
    assert r.shape == "ellipse" and r.source == "face"
    x, y, w, h = r.box
    assert w >= 70 - 1 and h >= 84 - 1
    assert y + h / 2 < 130                      # centre moved up from the face's centre (130)
    ell = _mask("ellipse", (400, 400), r.box)
    face_ell = _mask("ellipse", (400, 400), (100, 100, 50, 60))
    assert ell[face_ell].all()


@pytest.mark.parametrize("box", [(-30, 40, 80, 90), (350, -20, 80, 90), (0, 0, 60, 60),
                                 (380, 380, 60, 60), (-70, -70, 80, 80)])
def test_face_at_the_edge_is_clipped_and_still_covered(box):
    size = (400, 400)
    r = face_cover(box, size)
    x, y, w, h = r.box
    assert x >= 0 and y >= 0 and x + w <= 400 and y + h <= 400
    out = np.asarray(apply_covers(_noise(400, 400, seed=4), [r]))
    face_ell = _mask("ellipse", size, box)      # the part of the face inside the picture
    if face_ell.any():
        colours, counts = np.unique(out[face_ell].reshape(-1, 3), axis=0, return_counts=True)
        assert counts.max() == face_ell.sum()


def test_many_covers_on_a_large_image_are_fast():
    import time

    img = Image.new("RGB", (4000, 3000), (90, 120, 150))
    reds = [face_cover((50 + (i % 30) * 130, 50 + (i // 30) * 130, 60, 70), img.size)
            for i in range(300)]
    t0 = time.process_time()
    apply_covers(img, reds, style="pixelate", seed=0)
    assert time.process_time() - t0 < 20


# ------------------------------------------------------------------------------------------
# Proof on a real face (shared data)
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def face_engine():
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    return FaceEngine.load(Settings())


@pytest.mark.parametrize("style", ["solid", "pixelate"])
@pytest.mark.parametrize("name", ["face_recognition__obama.jpg", "deepface__img14.jpg",
                                  "insightface__Rob_Lowe_0001.jpg"])
def test_covered_face_is_gone_for_detector_and_encoder(face_engine, name, style):
    path = shared_data("identities") / name
    img = Image.open(path)
    img.load()
    img = img.convert("RGB")
    faces = face_engine.detect(img)
    assert faces, "the test photo must have a detectable face"
    face = max(faces, key=lambda f: f.box[2] * f.box[3])
    original = face_engine.encode(img, [face])[0]
    assert original is not None
    red = face_cover(face.box, img.size)
    out = apply_covers(img, [red], style=style, seed=3)
    assert np.array_equal(np.asarray(img), np.asarray(Image.open(path).convert("RGB")))
    # 1. the detector (at its operating threshold) finds nothing where the face was. (A grey oval
    # on shoulders can still score ~0.27 as "head-shaped"; part 2 shows nothing identifying is left.)
    fx, fy, fw, fh = face.box
    for f in face_engine.detect(out):
        cx, cy = f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2
        assert not (fx <= cx <= fx + fw and fy <= cy <= fy + fh), f"face still found: {f.box}"
    # 2. nothing identifying is left: a signature forced from the original face's landmarks is
    # farther from the person than any threshold accepts (even with its uncertain band)
    from photovet.core.vision.faces import DLIB
    from photovet.core.vision.faces.alignment import align_112

    landmarks = face_engine.sface.landmarks(img, face.box)
    assert landmarks is not None
    forced = face_engine.sface.embed_chips([align_112(out, landmarks)])[0]
    r = face_engine.settings.recognition
    assert float(np.linalg.norm(forced - original)) > r.staff_distance + r.uncertain_band
    # and for PhotoVet 0.1's signatures (people not yet enrolled again)
    old_before, old_after = (face_engine.encode(x, [face], model=DLIB)[0] for x in (img, out))
    assert float(np.linalg.norm(old_after - old_before)) > 0.6


def test_the_soft_edge_grows_the_mask_exactly_as_a_max_filter_would():
    """cover._dilate replaced Pillow's MaxFilter (5 ms a cover): same pixels, masks touching
    the window's edges included."""
    from PIL import ImageFilter

    from photovet.core.media.cover import _dilate

    rng = np.random.default_rng(11)
    for _ in range(60):
        h, w = int(rng.integers(1, 60)), int(rng.integers(1, 60))
        mask = np.where(rng.random((h, w)) < 0.08, 255, 0).astype(np.uint8)
        r = int(rng.integers(0, 4))
        want = np.asarray(Image.fromarray(mask).filter(ImageFilter.MaxFilter(2 * r + 1)))
        assert np.array_equal(_dilate(mask, r), want), (h, w, r)
