"""The text reader's budget (issue 14, item 3): cheaper reading, and no small name lost where
the scaled-down pass's tiles meet (bench/text.py and bench/text_compare.py prove it on real
badges, name by name)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from photovet.core.settings import Settings
from photovet.core.vision.text.ocr import TextEngine, text_options


@pytest.fixture(scope="module")
def text_engine():
    return TextEngine.load(text_options(Settings().text))


def textured(size, seed=0) -> Image.Image:
    """A busy photo (no flat tile the reader could skip)."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = np.linspace(60, 180, w, dtype=np.float32)[None, :, None] + rng.normal(0, 18, (h, w, 3))
    yy, xx = np.mgrid[0:h, 0:w]
    base[..., 1] += 30 * np.sin(xx / 37.0) * np.cos(yy / 23.0)
    # patches with sharp edges (bricks, clothes, leaves) everywhere
    cells = rng.uniform(-40, 40, (h // 50 + 1, w // 50 + 1, 1)).astype(np.float32)
    base += np.repeat(np.repeat(cells, 50, axis=0), 50, axis=1)[:h, :w]
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


def paper(img: Image.Image, text: str, height_px: int, center) -> tuple[int, int, int, int]:
    """``text`` printed on a sheet of white paper pasted at ``center``; the ink's box."""
    font = ImageFont.load_default(size=height_px * 1.3)
    left, top, right, bottom = font.getbbox(text)
    pad = 3 * height_px
    sheet = Image.new("RGB", (right - left + 2 * pad, bottom - top + 2 * pad), (248, 248, 244))
    ImageDraw.Draw(sheet).text((pad - left, pad - top), text, font=font, fill=(20, 20, 30))
    x0, y0 = int(center[0] - sheet.width / 2), int(center[1] - sheet.height / 2)
    img.paste(sheet, (x0, y0))
    return x0 + pad, y0 + pad, x0 + pad + right - left, y0 + pad + bottom - top


@pytest.mark.parametrize("where", ["overlap", "edge"])
def test_a_small_name_on_paper_far_from_any_face_is_read(text_engine, where):
    """A 13 px name on a sheet of paper, no face anywhere (no badge area to look at closely),
    where two tiles of the scaled-down pass overlap, or just past the end of an overlap (cut
    by one tile's edge, whole only in the other): found and read from the photo's pixels."""
    img = textured((4000, 3000), seed=2)
    xs = text_engine._tiles(2048, True)
    scale = 4000 / 2048
    if where == "overlap":
        cx = (xs[1][0] + xs[0][1]) / 2 * scale
    else:
        cx = (xs[0][1] + 30) * scale
    box = paper(img, "Olivia Bennett", 13, (cx, 2200))
    reads = text_engine.read(img)
    hits = [(poly, text) for poly, text, _ in reads if "bennett" in text.lower()]
    assert hits, [t for _, t, _ in reads]
    poly = np.array(hits[0][0])
    assert poly[:, 0].min() <= box[0] + 3 and poly[:, 0].max() >= box[2] - 3, (poly, box)


def test_lines_are_read_one_at_a_time_at_their_own_width(text_engine, monkeypatch):
    """The recogniser reads each line at its own width: a short name is not padded to the width
    of the longest line read with it (that cost 1.8x the CPU), and both are read right."""
    img = Image.new("RGB", (1100, 400), (245, 245, 240))
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=30)
    d.text((60, 60), "Zainab", font=font, fill=(20, 20, 30))
    d.text((60, 250), "we had our lunch by the pond on a sunny Friday in June", font=font,
           fill=(20, 20, 30))
    shapes = []
    session = text_engine._rec.session

    class Spy:
        def __call__(self, batch):
            shapes.append(batch.shape)
            return session(batch)

        def __getattr__(self, name):
            return getattr(session, name)

    monkeypatch.setattr(text_engine._rec, "session", Spy())
    texts = [t for _, t, _ in text_engine.read(img)]
    assert any("Zainab" in t for t in texts), texts
    assert any("lunch" in t for t in texts), texts
    assert shapes and all(s[0] == 1 for s in shapes), shapes
    widths = sorted(s[3] for s in shapes)
    assert widths[0] < widths[-1] / 2, widths   # the short line at its own (smaller) width


def test_a_photo_is_detected_while_another_photo_is_being_read(text_engine, monkeypatch):
    """Detection and reading take turns separately: while one photo's lines are being read,
    another photo's detection goes on (it waited for the whole read before), and both photos'
    names are read right."""
    import threading
    import time

    first, second = Image.new("RGB", (900, 600), (235, 235, 235)), Image.new("RGB", (900, 600),
                                                                              (235, 235, 235))
    font = ImageFont.load_default(size=36)
    ImageDraw.Draw(first).text((100, 200), "Olivia Bennett", font=font, fill=(20, 20, 30))
    ImageDraw.Draw(second).text((100, 300), "Jasper Thornbury", font=font, fill=(20, 20, 30))
    reading, go_on = threading.Event(), threading.Event()
    real = text_engine._recognise
    detected = []
    real_detect = text_engine._detect

    def slow_read(arr, boxes):
        if not reading.is_set():
            reading.set()
            assert go_on.wait(60)
        return real(arr, boxes)

    def spy_detect(arr):
        out = real_detect(arr)
        detected.append(len(out))
        return out

    monkeypatch.setattr(text_engine, "_recognise", slow_read)
    monkeypatch.setattr(text_engine, "_detect", spy_detect)
    got = {}
    a = threading.Thread(target=lambda: got.setdefault("a", text_engine.read(first)))
    a.start()
    assert reading.wait(60)
    b = threading.Thread(target=lambda: got.setdefault("b", text_engine.read(second)))
    b.start()
    deadline = time.monotonic() + 60
    while len(detected) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(detected) == 2          # the second photo was detected while the first was read
    go_on.set()
    a.join(60)
    b.join(60)
    assert any("Bennett" in t for _, t, _ in got["a"])
    assert any("Thornbury" in t for _, t, _ in got["b"])


def test_reader_threads_follow_the_performance_setting(monkeypatch):
    """The reader's threads come from the PC's performance settings (``performance.cores``,
    ``core_count()``), not from every core of the PC (os.cpu_count ignored both the setting and
    the cores PhotoVet was started on)."""
    from photovet.core import offline
    from photovet.core import settings as settings_mod
    from photovet.core.settings import Performance
    from photovet.core.vision.text import ocr

    monkeypatch.setattr(settings_mod.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(settings_mod, "usable_cpus", lambda: 3)
    text = Settings().text
    assert text_options(text, performance=Performance(cores=1))["threads"] == 1
    assert text_options(text, performance=Performance(cores=3))["threads"] == 3
    # at most the cores PhotoVet may use (s39: 16 from a larger PC's settings were 16 here)
    assert text_options(text, performance=Performance(cores=16))["threads"] == 3
    assert text_options(text)["threads"] == 2          # default: all 3 usable cores but one
    assert text_options(text, threads=5)["threads"] == 5
    seen = []
    monkeypatch.setattr(offline, "onnx_session", lambda model, threads, **kw: seen.append(threads))
    ocr._session("detector.onnx", 0)
    ocr._session("detector.onnx", 0, rewrite=False, arena=True)
    assert seen == [2, 2]
    monkeypatch.setattr(settings_mod, "usable_cpus", lambda: 8)
    assert text_options(text, performance=Performance(cores=16))["threads"] == 4   # up to 4


def test_the_overview_runs_without_the_detection_image_held(text_engine, monkeypatch):
    """The overview's run is the largest of a photo's reading (about 100 MB of activations on
    a 12 MP photo): the scaled-down detection image and its edge map (9 and 3 MB there) are let
    go before it, as they are before the full-resolution looks; the lines found are the same."""
    import sys

    img = textured((3000, 2250), seed=4)
    paper(img, "SPORTS DAY", 110, (1500, 700))        # large: the overview runs
    paper(img, "Olivia Bennett", 14, (900, 1800))
    held = []
    real = TextEngine._det_tile

    def det_tile(self, tile):
        if max(tile.shape[:2]) == int(self.options["overview_side"]):
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_name != "_detect":
                frame = frame.f_back
            assert frame is not None
            held.append(sorted(k for k in ("small", "edges", "grey") if k in frame.f_locals))
        return real(self, tile)

    monkeypatch.setattr(TextEngine, "_det_tile", det_tile)
    texts = [t.lower() for _, t, _ in text_engine.read(img)]
    assert held == [[]], held            # the overview ran once, nothing of the pass held
    assert any("sports" in t for t in texts) and any("bennett" in t for t in texts), texts


def test_the_detector_is_given_the_same_input_bits_from_a_look_up(text_engine, monkeypatch):
    """The detector's input is made with one table look-up per channel (s46: 0.8 against 2.4
    ms a 672 px tile) and is the same to the last bit as converting, scaling and shifting every
    pixel in float32 (BGR, (v / 255 - 0.5) / 0.5 as v * (1 / 127.5) - 1): every 8-bit value,
    a tile cut out of a larger picture (not contiguous), and the tile as _det_tile runs it; a
    name on the tile is still found."""
    from photovet.core.vision.text import ocr

    def by_pixel(tile):
        x = tile[:, :, ::-1].astype(np.float32)
        x *= 1.0 / 127.5
        x -= 1.0
        return np.ascontiguousarray(x.transpose(2, 0, 1))[None]

    every = np.arange(256 * 3, dtype=np.int64).reshape(16, 16, 3)
    every = (every % 256).astype(np.uint8)
    assert ocr._det_blob(every, text_engine._cv2).tobytes() == by_pixel(every).tobytes()
    rng = np.random.default_rng(5)
    big = rng.integers(0, 256, (700, 900, 3), dtype=np.uint8)
    cut = big[13:13 + 640, 7:7 + 672]
    blob = ocr._det_blob(cut, text_engine._cv2)
    assert blob.shape == (1, 3, 640, 672) and blob.dtype == np.float32
    assert blob.tobytes() == by_pixel(cut).tobytes()

    img = Image.new("RGB", (672, 320), (236, 232, 226))
    ImageDraw.Draw(img).text((60, 120), "Olivia Bennett", font=ImageFont.load_default(size=40),
                             fill=(20, 20, 30))
    tile = np.asarray(img)
    fed = []
    session = text_engine._det_session

    class Spy:
        def run(self, names, feeds, *a):
            fed.append(next(iter(feeds.values())))
            return session.run(names, feeds, *a)

        def __getattr__(self, name):
            return getattr(session, name)

    monkeypatch.setattr(text_engine, "_det_session", Spy())
    boxes = text_engine._det_tile(tile)
    assert len(fed) == 1 and fed[0].tobytes() == by_pixel(tile).tobytes()
    assert len(boxes) >= 1
    assert any("Bennett" in t for _, t, _ in text_engine._recognise(
        ocr.Picture(tile), [ocr._order_points(b) for b in boxes])), boxes
