"""Reading text offline with the PP-OCR models inside the ``rapidocr_onnxruntime`` wheel.

Detection runs on the photo scaled so its long side is at most ``text.det_max_side`` (in
overlapping tiles when that is large, skipping flat tiles); recognition runs only on the found
boxes, cropped and deskewed from the FULL-resolution photo, after the angle classifier has turned
upside-down lines the right way up. So small text on a large photo is read from its real pixels
without recognising the whole photo.
"""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from photovet.core.errors import ModelError
from photovet.core.geometry import corner_iou, merge_overlapping
from photovet.core.media.cover import grow_polygon
from photovet.core.offline import arena_shrink_options, give_back_arena, large_runs
from photovet.core.vision.picture import Picture, tile_spans
from photovet.core.vision.text import detfuse

Polygon = list[tuple[float, float]]
Read = tuple[Polygon, str, float]

# --------------------------------------------------------------------------------------------
# Reading text
# --------------------------------------------------------------------------------------------

_DEFAULTS: dict[str, Any] = {
    "det_max_side": 2048,     # detection resolution cap (long side, px): 12 px text on 12 MP ~ 6 px
    "det_min_side": 960,      # small photos are enlarged to this long side for detection
    "det_tile": 768,          # detection tiles (at detection scale) of a photo scaled down:
                              # the detector costs less per pixel on small tiles (they stay in
                              # the CPU's cache): 768 px tiles read a 12 MP photo in 0.8 of the
                              # time of 1024 x 1536 ones, found the same names and hold less
    "det_whole_side": 1536,   # a photo detected at its own pixels (or enlarged) stays whole up
                              # to this side (its lines keep their context; cutting them lost
                              # names), and is cut into 1024 px tiles above it
    "det_overlap": 192,       # tile overlap at detection scale: a name line (100-150 px wide
                              # there) lies whole in one tile more often than across two (128 px
                              # saved 17 % of the detector's pixels on 12 MP photos but lost an
                              # unknown name, "Jasper Thornbury", on a ../shared badge mosaic)
    "det_thresh": 0.3,        # DB binarisation threshold
    "det_box_thresh": 0.5,    # DB mean box score to keep a box
    "det_unclip_ratio": 1.6,  # DB box growth
    "min_score": 0.5,         # below this a line is marked "read with low confidence" (kept)
    "threads": 0,             # onnxruntime intra-op threads (0 = one per core PhotoVet may
                              # use, performance.cores / core_count(), up to 4: reader_threads)
    "det_at_once": 1,         # photos in the text detector at once (text_options: one per
                              # photo checked at once, performance.photo_workers()); each read
                              # keeps its own state, the session and its arena are shared
    "rec_batch": 1,           # lines read per recogniser run: one at a time reads each line at
                              # its own width (a batch is padded to its widest line) in buffers
                              # small enough to be reused; 6 (rapidocr's default) cost 1.8x the
                              # CPU (measured: 5.8 against 3.2 s for 60 lines) and more memory
    "rec_margin": 0.0,        # grow boxes by this share of the line height before reading
    "coarse_box_thresh": 0.3,  # box score for candidates when detection runs scaled down
    "coarse_thresh": 0.3,     # and the binarisation threshold there
    "refine_below": 32,       # re-detect at full resolution lines lower than this (detection px)
    "overview_side": 1024,    # also detect at this long side (large lines); 0 = off
    "overview_from": 1434,    # ... when the detection image is longer than this
    "det_max_pixels": 460_000,  # largest detector input (672 x 672): larger areas are searched
                              # in tiles of this size. The detector's arena grows to its largest
                              # input and keeps it: 1.5 MP crops held 230 MB, 672 px tiles 60 MB.
                              # A larger input (a small photo whole, the overview) gives its
                              # memory back after the run.
}


def text_options(text: Any = None, threads: int = 0, performance: Any = None) -> dict[str, Any]:
    """The reader's options: the school's text settings (``settings.text``) over the defaults;
    ``threads`` 0: one per core the PC's ``performance`` settings let PhotoVet use
    (``reader_threads``); as many photos in the detector at once as ``performance`` checks
    photos at once (``photo_workers``; its defaults without it)."""
    if performance is None:
        from photovet.core.settings import Performance  # noqa: PLC0415

        performance = Performance()
    options = dict(_DEFAULTS, threads=reader_threads(threads, performance),
                   det_at_once=max(1, int(performance.photo_workers())))
    if text is not None:
        for key in ("det_max_side", "det_min_side", "min_score"):
            options[key] = getattr(text, key)
    return options


def reader_threads(threads: int = 0, performance: Any = None) -> int:
    """The reader's onnxruntime threads: ``threads``, or with 0 one per core the PC's
    performance settings (``settings.performance``; their defaults without them) let PhotoVet
    use, ``core_count()``, up to 4. (It counted every core of the PC, ``os.cpu_count()``,
    whatever ``performance.cores`` said or the cores the process was started on.)"""
    if threads > 0:
        return threads
    if performance is None:
        from photovet.core.settings import Performance  # noqa: PLC0415

        performance = Performance()
    return max(1, min(4, int(performance.core_count())))


def _session(model_path: str, threads: int, arena: bool = False, rewrite: bool = False) -> Any:
    """``rewrite``: the text detector, made cheaper in memory (``detfuse``); if onnxruntime
    refuses the rewritten graph, the file as published is loaded instead. ``threads`` 0:
    ``reader_threads``."""
    from photovet.core.offline import onnx_session  # noqa: PLC0415

    threads = reader_threads(threads)
    if rewrite:
        model = detfuse.detector_model(model_path)
        if not isinstance(model, str):
            try:
                return onnx_session(model, threads, arena=arena)
            except Exception as exc:
                detfuse.fallback_noted(exc)
    return onnx_session(model_path, threads, arena=arena)


def _order_points(pts: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL for a 4-point box (image coordinates, y down)."""
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    xs = pts[np.argsort(pts[:, 0]), :]
    left, right = xs[:2], xs[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def _quad_area(q: np.ndarray) -> float:
    x, y = q[:, 0], q[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2.0)


class _ArenaKept:
    """Whether the detector's arena keeps the buffers of a run larger than ``det_max_pixels``
    (``TextEngine._det_tile``): a fact about the one arena, shared by the reads in flight."""

    def __init__(self) -> None:
        self.grown = False


class TextEngine:
    """The OCR models, loaded once. ``read(image)`` gives ``[(polygon, text, score), ...]``."""

    def __init__(self, detector: Any, classifier: Any, recognizer: Any, cv2: Any,
                 options: dict[str, Any]):
        self._det = detector
        self._cls = classifier
        self._rec = recognizer
        self._cv2 = cv2
        self.options = dict(options)
        # Up to ``det_at_once`` photos in the detector at once (one per photo checked at once,
        # ``text_options``), each read with its own state (``_one_read``); one at a time in the
        # reader (the classifier and recogniser are rapidocr objects used as they are)
        self._det_turns = threading.BoundedSemaphore(max(1, int(options.get("det_at_once", 1))))
        self._read_lock = threading.Lock()
        session = detector.infer.session
        self._det_session = session
        self._det_input = session.get_inputs()[0].name
        # The detector's arena keeps the buffers of its largest input. A photo detected whole
        # (up to det_whole_side) is one large input and the next one like it reuses them (1.3x
        # faster than giving them back); a photo detected scaled down runs in det_max_pixels
        # tiles, so it first gives back what a whole photo left, its rare larger input (the
        # overview) gives back what it added, and once read it gives back the rest (60-100 MB,
        # which the next stage of the photo, or another photo's faces, would stack on top).
        # Giving back is safe with another photo's run in flight: onnxruntime frees only the
        # arena's regions no buffer in use lies in (BFCArena::Shrink, under the arena's lock).
        self._give_back = arena_shrink_options()
        # whether the arena keeps a run larger than det_max_pixels: the arena's, not a read's
        # (one arena for every model: ``offline._shared_arena``), so shared by the reads
        self._arena = _ArenaKept()
        # one read's state: set on the read's own copy of the engine (``_one_read``) and only
        # there; the engine's own values are those of a read that has not begun
        self._in_tiles = False         # the photo being read is detected in tiles
        self._main_tiles = False       # ... and its scaled-down pass's tiles are being detected
        self._scale: float | None = None   # read(scale=...): the detection scale asked for
        self._fine: list[Rect] = []    # the photo's areas detected at full resolution (_refine)
        # the detector's thresholds, which each pass sets: the read's own copy of rapidocr's
        # box finder (a pass of one photo changed them under another's before)
        self._pp = detector.postprocess_op

    @property
    def _arena_grown(self) -> bool:
        return self._arena.grown

    @_arena_grown.setter
    def _arena_grown(self, value: bool) -> None:
        self._arena.grown = bool(value)

    def _one_read(self, scale: float | None) -> TextEngine:
        """The engine as one read uses it: a shallow copy sharing the models, the sessions
        (onnxruntime runs a session from several threads at once), the options, the turns and
        the arena's state, with the read's own state (scale, tiles, fine areas, thresholds),
        so two photos detected at once never see each other's."""
        read = copy.copy(self)
        read._scale = None if scale is None else max(0.05, min(3.0, float(scale)))
        read._in_tiles = read._main_tiles = False
        read._fine = []
        read._pp = copy.copy(self._det.postprocess_op)
        return read

    @classmethod
    def load(cls, options: dict[str, Any] | None = None) -> TextEngine:
        """Load the OCR models (``options``: see ``text_options``)."""
        from photovet.core.vision.cv import import_cv2  # noqa: PLC0415

        cv2 = import_cv2()   # before rapidocr, so OpenCV cannot break Qt
        from photovet.core.offline import import_onnxruntime  # noqa: PLC0415

        import_onnxruntime()  # before rapidocr, which imports onnxruntime: telemetry off first
        try:
            import rapidocr_onnxruntime  # noqa: PLC0415
            from rapidocr_onnxruntime.ch_ppocr_cls import TextClassifier  # noqa: PLC0415
            from rapidocr_onnxruntime.ch_ppocr_det import TextDetector  # noqa: PLC0415
            from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer  # noqa: PLC0415
            from rapidocr_onnxruntime.utils import read_yaml  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - installation problem
            raise ModelError(
                f"the text reader is not installed ({exc})",
                hint="Reinstall PhotoVet (it needs rapidocr-onnxruntime).",
            ) from exc
        options = dict(_DEFAULTS, **(options or {}))
        root = Path(rapidocr_onnxruntime.__file__).resolve().parent
        try:
            config = read_yaml(str(root / "config.yaml"))
        except Exception as exc:
            raise ModelError(f"the text reader's configuration could not be read ({exc})") from exc
        threads = int(options["threads"] or -1)
        sections = {}
        for name in ("Det", "Cls", "Rec"):
            sec = dict(config[name])
            model = root / sec["model_path"]
            if not model.is_file():
                raise ModelError(
                    f"the text model {model.name} is missing",
                    hint="Reinstall PhotoVet (rapidocr-onnxruntime ships its models).",
                )
            sec["model_path"] = str(model)
            sec["intra_op_num_threads"] = threads
            sec["inter_op_num_threads"] = -1
            sec["use_cuda"] = False
            sec["use_dml"] = False
            sections[name] = sec
        sections["Rec"]["rec_batch_num"] = max(1, int(options["rec_batch"]))
        det = sections["Det"]
        det.update({
            "limit_type": "max", "limit_side_len": 100000,   # we scale ourselves
            "thresh": float(options["det_thresh"]),
            "box_thresh": float(options["det_box_thresh"]),
            "unclip_ratio": float(options["det_unclip_ratio"]),
        })
        try:
            detector = TextDetector(det)
            classifier = TextClassifier(sections["Cls"])
            recognizer = TextRecognizer(sections["Rec"])
            # Our own sessions: a fixed thread count and no busy-waiting between calls, so a
            # batch shares the PC politely with the face models and the GUI.
            for holder, name in ((detector.infer, "Det"), (classifier.infer, "Cls"),
                                 (recognizer.session, "Rec")):
                # the detector sees tiles of at most det_max_pixels on 12 MP photos (a small
                # photo whole, up to 1536 px): its arena holds about 60 MB there, and it runs
                # 1.8x faster than without (measured: 165 against 295 ms per megapixel on
                # 768 px tiles); line widths vary too much for the others
                holder.session = _session(sections[name]["model_path"], int(options["threads"]),
                                          arena=name == "Det", rewrite=name == "Det")
        except Exception as exc:
            raise ModelError(f"the text models could not be loaded ({exc})",
                             hint="Reinstall PhotoVet.") from exc
        return cls(detector, classifier, recognizer, cv2, options)

    # -- public ------------------------------------------------------------------------------

    def read(self, image: Any, focus: Sequence[Sequence[float]] = (), *,
             scale: float | None = None) -> list[Read]:
        """Every line of text in ``image`` (a PIL image), in the image's pixels.

        ``focus``: areas (x0, y0, x1, y1[, scale[, again]]) where small text matters most
        (below faces: badges, lanyards; ``names.badge_areas``): on a photo detected scaled
        down, they are detected again at their scale (full resolution without one) where that
        is finer than the photo's, every one of them (no budget: an area left out is a name left
        readable), so a 14 px name on a 12 MP photo is found even where the scaled-down pass
        saw nothing. An area with ``again`` true is detected at its scale even where another
        look saw it (a close-up's chest, at full resolution as well as scaled down: a
        handwritten name is found at one and not the other), and a line it finds is added
        unless one already found covers most of it (the whole of a name of which another look
        found a part).

        ``scale``: detect at this scale (``detection_scale`` of the whole picture) when
        ``image`` is a part of a larger picture: the part is read as the picture would be. On
        its own a small part is enlarged up to ``det_min_side`` (a 360 x 330 part of a 640 x
        360 video frame to 960 x 880: more than the whole frame, enlarged 1.5x, costs).

        Returns ``[(polygon, text, score)]``; polygon is 4 points TL, TR, BR, BL as read.
        """
        with self._det_turns:
            # converted inside the turn: a photo waiting for the detector holds no copy
            arr = self._to_rgb(image)
            if arr is None:
                return []
            look = self._one_read(scale)
            look._in_tiles = look._detection_scale(*arr.shape[:2]) < 0.9
            try:
                boxes = look._detect(arr)
                if focus:
                    boxes = look._focus(arr, boxes, focus)
            finally:
                if look._in_tiles:
                    give_back_arena(self._det_session)
                    look._arena_grown = False
        if not boxes:
            return []
        # reading has a turn of its own: another photo's detection goes on meanwhile (it
        # waited for the whole read before: py-spy, two 12 MP photos at once, 7 % of the
        # workers' time was that wait)
        with self._read_lock:
            reads = self._recognise(arr, boxes)
        stacked = stacked_boxes(boxes, reads)
        if not stacked:
            return reads
        # a box that holds several lines (a certificate's title above "Name: Henry Lawson",
        # detected as one block) reads as one line or nothing: the lines it hides are looked
        # for again on its own part of the photo, where they come apart
        with self._det_turns:
            again = self._one_read(None)
            again._in_tiles = look._in_tiles
            found = again._lines_within(arr, stacked, boxes)
        if not found:
            return reads
        with self._read_lock:
            return reads + self._recognise(arr, found)

    def give_back(self) -> None:
        """The detector's arena back to the system (``offline.give_back_arena``), as a read in
        tiles does at its end: a video's reads give back what a whole frame grew it to after
        each read (s45), since the frame's faces are searched meanwhile and the next read is
        up to a second away. Safe with another run in flight (the class notes)."""
        give_back_arena(self._det_session)

    def detection_scale(self, width: int, height: int) -> float:
        """The scale a whole picture of ``width`` x ``height`` is detected at (``read``)."""
        return self._size_scale(height, width)

    def _focus(self, arr: Picture, boxes: list[np.ndarray],
               focus: Sequence[Sequence[float]]) -> list[np.ndarray]:
        """Detection again in the focus areas, each at its own scale (x0, y0, x1, y1[, scale]:
        1 without one), finest first and smallest first; lines found there that the main pass
        did not have are added. Every area is looked at: a budget of detector pixels (3 MP)
        skipped the largest areas of group photos, and four 10-13 px names on one ../shared
        badge mosaic with 87 faces were left readable there.

        An area is not looked at again where the whole photo's pass already saw it at its scale
        or finer, nor where it lies inside pixels already detected at its scale or finer (the
        full-resolution crops of ``_refine``, a finer area). Which rectangles are detected, and
        how far neighbours are joined: ``focus_plan``."""
        h, w = arr.shape[:2]
        main = self._detection_scale(h, w)
        if main >= 0.9:
            return boxes            # the main pass already saw the photo at full resolution
        levels: dict[float, list[Rect]] = {}
        again: dict[float, list[Rect]] = {}
        for item in focus:
            x0, y0 = max(0, int(item[0])), max(0, int(item[1]))
            x1, y1 = min(w, int(math.ceil(item[2]))), min(h, int(math.ceil(item[3])))
            if x1 - x0 < 16 or y1 - y0 < 16:
                continue
            level = focus_level(float(item[4]) if len(item) > 4 else 1.0, main)
            if level is not None:
                (again if len(item) > 5 and item[5] else levels).setdefault(
                    level, []).append((x0, y0, x1, y1))
        out = list(boxes)
        pp = self._pp
        saved = (pp.box_thresh, pp.thresh)
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        try:
            for piece, level in focus_plan(levels, self._fine, self._side(),
                                           int(self.options["det_max_pixels"]),
                                           int(self.options["det_overlap"])):
                for b in self._detect_area(arr, piece, level):
                    if _quad_area(b) < 4 or _covered_by(b, out, 0.5):
                        continue
                    out.append(_order_points(b))
            # looked at whatever else saw them, taking boxes the detector is less sure of (a
            # slanted handwritten "Elizabeth Ashworth" under a close-up face scored under
            # det_box_thresh); each line kept unless one found covers most of it
            # ("MeymLlelly" where "Llevelly" was found: s40)
            pp.box_thresh = float(self.options.get("coarse_box_thresh", 0.3))
            for level in sorted(again, reverse=True):
                for rect in merge_overlapping(again[level], int(self._side() / level)):
                    for b in self._detect_area(arr, rect, level):
                        if _quad_area(b) < 4 or _covered_by(b, out, AGAIN_COVERED):
                            continue
                        out.append(_order_points(b))
        finally:
            pp.box_thresh, pp.thresh = saved
        return out

    # -- steps -------------------------------------------------------------------------------

    @staticmethod
    def _to_rgb(image: Any) -> Picture | None:
        if isinstance(image, np.ndarray):
            arr = image
            if arr.ndim == 2:
                arr = np.stack([arr] * 3, axis=-1)
            arr = arr[..., :3]
            rgb: Any = np.ascontiguousarray(arr.astype(np.uint8))
            if rgb.ndim != 3:
                return None
        else:
            img = image
            if img.mode not in ("RGB",):
                if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                    from PIL import Image  # noqa: PLC0415

                    rgba = img.convert("RGBA")
                    bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                    img = Image.alpha_composite(bg, rgba).convert("RGB")
                else:
                    img = img.convert("RGB")
            rgb = img
        picture = Picture(rgb)
        if min(picture.shape[:2]) < 8:
            return None
        return picture   # RGB; the models want BGR, flipped on the small copies they get

    def _tiles(self, length: int, scaled_down: bool) -> list[tuple[int, int]]:
        overlap = int(self.options["det_overlap"])
        if scaled_down:
            tile = int(self.options["det_tile"])
        else:
            whole = int(self.options["det_whole_side"])
            if length <= whole:
                return [(0, length)]
            tile = 1024
        return tile_spans(length, tile, overlap)

    def _detection_scale(self, h: int, w: int) -> float:
        """The photo's scale for detection: down to ``det_max_side``, small photos up to
        ``det_min_side`` (at most 3x); the one ``read(scale=...)`` was given while it reads.
        Below 0.9 the photo is detected in tiles and its small lines and badge areas are looked
        at again at full resolution."""
        if self._scale is not None:
            return self._scale
        return self._size_scale(h, w)

    def _size_scale(self, h: int, w: int) -> float:
        long_side = max(h, w)
        if long_side < int(self.options["det_min_side"]):
            return min(3.0, float(self.options["det_min_side"]) / long_side)
        return min(1.0, float(self.options["det_max_side"]) / long_side)

    def _detect(self, arr: Picture) -> list[np.ndarray]:
        """Text boxes (4x2 float32, full-resolution pixels)."""
        cv2 = self._cv2
        h, w = arr.shape[:2]
        long_side = max(h, w)
        scale = self._detection_scale(h, w)
        size = (max(32, round(w * scale)), max(32, round(h * scale)))
        if abs(scale - 1.0) <= 1e-3:
            small = arr.whole()
        elif scale < 1:
            small = scaled_down(arr, size, cv2)     # no array of the whole photo (36 MB)
        else:
            small = cv2.resize(arr.whole(), size, interpolation=cv2.INTER_CUBIC)
        sh, sw = small.shape[:2]
        sx, sy = w / sw, h / sh
        xs, ys = self._tiles(sw, scale < 0.9), self._tiles(sh, scale < 0.9)
        tiled = len(xs) * len(ys) > 1
        flat: set[tuple[int, int, int, int]] = set()
        if tiled:
            flat = flat_tiles(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), xs, ys, cv2)
        pp = self._pp
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        if scale < 0.9:
            # scaled down: small text scores low; take it as a candidate, _refine checks it
            pp.box_thresh = float(self.options.get("coarse_box_thresh", 0.3))
            pp.thresh = float(self.options.get("coarse_thresh", self.options["det_thresh"]))
        self._main_tiles = scale < 0.9
        try:
            found = self._detect_tiles(small, xs, ys, flat)
        finally:
            if self._main_tiles and self._arena_grown:   # what the tiles kept goes back
                self._main_tiles = False
                give_back_arena(self._det_session)
                self._arena_grown = False
            self._main_tiles = False
        quads = _merge_tile_boxes(found, (sw, sh), cv2) if tiled else [b for b, _ in found]
        out = []
        for b in quads:
            b = b.copy()
            b[:, 0] = np.clip(b[:, 0] * sx, 0, w)
            b[:, 1] = np.clip(b[:, 1] * sy, 0, h)
            out.append(_order_points(b))
        tallest = max((min(np.linalg.norm(b[0] - b[3]), np.linalg.norm(b[0] - b[1])) * scale
                       for b in out), default=0.0)
        overview = int(self.options.get("overview_side", 1024))
        # only when there is large text (>= 28 px where the detector saw it) to see whole
        look = None
        if overview and long_side * scale > int(self.options.get("overview_from", 1434)) and \
                tallest >= 28:
            look = self._overview_picture(small, overview)
        # the detection image (9 MB at 12 MP) is not held through the full-resolution looks
        # and the overview's run, the largest of the photo (about 100 MB of activations)
        del small
        if scale < 0.9 and out:
            out = self._refine(arr, out, scale)
        if look is not None:
            out = self._with_overview(look, (w, h), out)
        return out

    def _detect_tiles(self, small: np.ndarray, xs: list[tuple[int, int]],
                      ys: list[tuple[int, int]], flat: set[tuple[int, int, int, int]]
                      ) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
        """The detection image's boxes, tile by tile (the ``flat`` ones, ``flat_tiles``,
        skipped), in its pixels, each with its tile."""
        cv2 = self._cv2
        found: list[tuple[np.ndarray, tuple[int, int, int, int]]] = []
        for y0, y1 in ys:
            for x0, x1 in xs:
                if (x0, y0, x1, y1) in flat:
                    continue   # sky, a wall, a cover: no line of text can be in it
                tile = small[y0:y1, x0:x1]
                th, tw = tile.shape[:2]
                # DB needs sides that are multiples of 32: pad (not stretch) the tile.
                ph, pw = max(32, math.ceil(th / 32) * 32), max(32, math.ceil(tw / 32) * 32)
                if (ph, pw) != (th, tw):
                    tile = cv2.copyMakeBorder(tile, 0, ph - th, 0, pw - tw, cv2.BORDER_CONSTANT,
                                              value=(127, 127, 127))
                try:
                    boxes = self._det_tile(tile)
                except Exception as exc:
                    raise ModelError(f"text detection failed ({exc})") from exc
                if boxes is None or len(boxes) == 0:
                    continue
                for b in boxes:
                    b = np.asarray(b, dtype=np.float32).reshape(4, 2).copy()
                    b[:, 0] = np.clip(b[:, 0], 0, tw)
                    b[:, 1] = np.clip(b[:, 1], 0, th)
                    if _quad_area(b) < 4:
                        continue
                    b[:, 0] += x0
                    b[:, 1] += y0
                    found.append((b, (x0, y0, x1, y1)))
        return found

    def _overview_picture(self, small_in: np.ndarray, side: int
                          ) -> tuple[np.ndarray, tuple[int, int]]:
        """The detection image ``small_in`` at ``side`` px (long side), padded to multiples of
        32 for the detector, and its size (w, h) before the padding."""
        cv2 = self._cv2
        ih, iw = small_in.shape[:2]    # the detection image (already scaled down)
        s = side / max(ih, iw)
        small = cv2.resize(small_in, (max(32, round(iw * s)), max(32, round(ih * s))),
                           interpolation=cv2.INTER_AREA)
        sh, sw = small.shape[:2]
        ph, pw = math.ceil(sh / 32) * 32, math.ceil(sw / 32) * 32
        small = cv2.copyMakeBorder(small, 0, ph - sh, 0, pw - sw, cv2.BORDER_REPLICATE)
        return np.ascontiguousarray(small), (sw, sh)

    def _with_overview(self, look: tuple[np.ndarray, tuple[int, int]], full: tuple[int, int],
                       boxes: list[np.ndarray]) -> list[np.ndarray]:
        """Large lines from a low-resolution pass (``look``: ``_overview_picture``) replace
        their fragments from the fine pass.

        The detector is trained on lines roughly 10-60 px high: at high resolution a big
        certificate name or handwriting breaks into pieces that read as nonsense, while a
        1024 px overview sees it whole. Lines the overview sees well (>= 14 px there) come from
        the overview; everything else (small text) from the fine pass.
        """
        w, h = full
        small, (sw, sh) = look
        pp = self._pp
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        big = []
        for b in self._det_tile(small):
            b = np.asarray(b, dtype=np.float32).reshape(4, 2).copy()
            line_h = min(np.linalg.norm(b[0] - b[3]), np.linalg.norm(b[0] - b[1]))
            if line_h < 14:
                continue
            b[:, 0] = np.clip(b[:, 0], 0, sw) * (w / sw)
            b[:, 1] = np.clip(b[:, 1], 0, sh) * (h / sh)
            big.append(_order_points(b))
        if not big:
            return boxes
        kept = [b for b in boxes if not _covered_by(b, big, 0.5)]
        return kept + big

    def _refine(self, arr: Picture, boxes: list[np.ndarray], scale: float) -> list[np.ndarray]:
        """Detect small lines again at full resolution, around where the coarse pass saw them.

        On a large photo detection runs scaled down, so a 12 px name is about 6 px there: it is
        found (often only roughly, or with a low score), but its box is too coarse to read it.
        A few small full-resolution crops around those boxes give exact boxes, cheaply.
        """
        h, w = arr.shape[:2]
        limit = float(self.options.get("refine_below", 32))
        small_idx, rects = [], []
        for k, b in enumerate(boxes):
            line_h = min(np.linalg.norm(b[0] - b[3]), np.linalg.norm(b[0] - b[1]))
            if line_h * scale >= limit:
                continue
            pad = max(32.0, 1.0 * line_h)
            x0, y0 = b[:, 0].min() - pad, b[:, 1].min() - pad
            x1, y1 = b[:, 0].max() + pad, b[:, 1].max() + pad
            small_idx.append(k)
            rects.append([max(0, int(x0)), max(0, int(y0)), min(w, int(x1) + 1), min(h, int(y1) + 1)])
        if not rects:
            return boxes
        # merge overlapping crops so each area is detected once, up to one detector input
        # (a larger one is searched in tiles, so it would not be detected whole anyway)
        cap = int(self.options["det_max_pixels"])
        merged = True
        groups = [[r, [k]] for r, k in zip(rects, small_idx)]
        while merged:
            merged = False
            for a in range(len(groups)):
                for c in range(a + 1, len(groups)):
                    ra, rc = groups[a][0], groups[c][0]
                    u = [min(ra[0], rc[0]), min(ra[1], rc[1]), max(ra[2], rc[2]), max(ra[3], rc[3])]
                    if ra[0] < rc[2] and rc[0] < ra[2] and ra[1] < rc[3] and rc[1] < ra[3] and \
                            (u[2] - u[0]) * (u[3] - u[1]) <= cap:
                        groups[a][0] = u
                        groups[a][1] += groups[c][1]
                        del groups[c]
                        merged = True
                        break
                if merged:
                    break
        keep = [b for k, b in enumerate(boxes) if k not in set(small_idx)]
        large = list(keep)
        refined: list[np.ndarray] = []   # boxes the full-resolution crops found
        pp = self._pp
        saved = pp.box_thresh
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        try:
            for (x0, y0, x1, y1), members in groups:
                if (x1 - x0) * (y1 - y0) > 4_000_000:   # not "small" any more: keep coarse boxes
                    keep.extend(boxes[k] for k in members)
                    continue
                got = []
                self._fine.append((x0, y0, x1, y1))
                for b in self._detect_area(arr, (x0, y0, x1, y1)):
                    if _quad_area(b) < 4 or _covered_by(b, large) or _covered_by(b, refined, 0.8):
                        continue      # (or found already by an overlapping crop)
                    got.append(_order_points(b))
                if got:
                    keep.extend(got)
                    refined.extend(got)
                    # a coarse box the fine pass did not explain is kept (fail closed)
                    for k in members:
                        if not _covered_by(boxes[k], got, 0.3):
                            keep.append(boxes[k])
                else:
                    keep.extend(boxes[k] for k in members)
        finally:
            pp.box_thresh = saved
        return keep

    def _lines_within(self, arr: Picture, stacked: list[np.ndarray],
                      known: Sequence[np.ndarray] = ()) -> list[np.ndarray]:
        """Lines detected again inside each box of ``stacked`` (``stacked_boxes``), on its own
        part of the photo with ``STACKED_CONTEXT`` px around it, at the photo's pixels (scaled
        down to ``STACKED_MAX_PIXELS`` for a very large box); boxes found that are the stacked
        box again, or a line already detected (``known``, or found twice), are left out."""
        h, w = arr.shape[:2]
        pp = self._pp
        saved = (pp.box_thresh, pp.thresh)
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        out: list[np.ndarray] = []
        try:
            for box in stacked:
                x0 = max(0, int(box[:, 0].min()) - STACKED_CONTEXT)
                y0 = max(0, int(box[:, 1].min()) - STACKED_CONTEXT)
                x1 = min(w, int(math.ceil(float(box[:, 0].max()))) + STACKED_CONTEXT)
                y1 = min(h, int(math.ceil(float(box[:, 1].max()))) + STACKED_CONTEXT)
                if x1 - x0 < 16 or y1 - y0 < 16:
                    continue
                scale = min(1.0, math.sqrt(STACKED_MAX_PIXELS / ((x1 - x0) * (y1 - y0))))
                for b in self._detect_area(arr, (x0, y0, x1, y1), scale):
                    b = _order_points(b)
                    if _quad_area(b) < 4 or any(_same_box(b, o) for o in (*known, *out)):
                        continue
                    out.append(b)
        finally:
            pp.box_thresh, pp.thresh = saved
        return out

    def _side(self) -> int:
        """The side of the largest square detector input (a multiple of 32)."""
        return max(64, int(math.sqrt(int(self.options["det_max_pixels"]))) // 32 * 32)

    def _detect_area(self, arr: Picture, rect: tuple[int, int, int, int],
                     scale: float = 1.0) -> list[np.ndarray]:
        """Text boxes (4x2 float32, photo pixels) in ``rect`` of the photo, detected at its own
        pixels or, with ``scale`` < 1, made that much smaller first (area averaging).

        An area larger than ``det_max_pixels`` (as detected) is searched in overlapping tiles
        no larger than that (``det_overlap`` px, so a line lies whole in one tile more often;
        ``area_tiles``), and a line that two tiles found, or cut in two, is joined again."""
        cv2 = self._cv2
        x0, y0, x1, y1 = rect
        if scale < 0.999:
            sw, sh = max(16, round((x1 - x0) * scale)), max(16, round((y1 - y0) * scale))
            small = cv2.resize(arr.region(x0, y0, x1, y1), (sw, sh), interpolation=cv2.INTER_AREA)
            quads = self._detect_area(Picture(small), (0, 0, sw, sh))
            fx, fy = (x1 - x0) / sw, (y1 - y0) / sh
            for q in quads:
                q[:, 0] = q[:, 0] * fx + x0
                q[:, 1] = q[:, 1] * fy + y0
            return quads
        w, h = x1 - x0, y1 - y0
        xs, ys = area_tiles(w, h, int(self.options["det_max_pixels"]),
                            int(self.options["det_overlap"]), self._side())
        found: list[tuple[np.ndarray, tuple[int, int, int, int]]] = []
        for ty0, ty1 in ys:
            for tx0, tx1 in xs:
                crop = arr.region(x0 + tx0, y0 + ty0, x0 + tx1, y0 + ty1)
                ch, cw = crop.shape[:2]
                crop = cv2.copyMakeBorder(crop, 0, _padded(ch) - ch, 0, _padded(cw) - cw,
                                          cv2.BORDER_REPLICATE)
                for b in self._det_tile(np.ascontiguousarray(crop)):
                    b = np.asarray(b, dtype=np.float32).reshape(4, 2).copy()
                    b[:, 0] = np.clip(b[:, 0], 0, cw) + tx0
                    b[:, 1] = np.clip(b[:, 1], 0, ch) + ty0
                    found.append((b, (tx0, ty0, tx1, ty1)))
        quads = (_merge_tile_boxes(found, (w, h), cv2) if len(xs) * len(ys) > 1
                 else [b for b, _ in found])
        for q in quads:
            q[:, 0] += x0
            q[:, 1] += y0
        return quads

    def _det_tile(self, tile: np.ndarray) -> np.ndarray:
        """DB text detection on one RGB tile whose sides are multiples of 32."""
        inp = _det_blob(tile, self._cv2)
        large = tile.shape[0] * tile.shape[1] > int(self.options["det_max_pixels"])
        # the scaled-down pass's tiles (det_tile, larger than det_max_pixels) are all one size:
        # each reuses the buffers the last one left, and _detect gives them back after the last
        # (giving them back after each tile cost 7 % of the pass: 1.32 against 1.23 s of CPU
        # per 12 MP photo, measured three times each, alternating)
        keep = self._main_tiles and large
        give_back = self._in_tiles and not keep and (large or self._arena_grown)
        self._arena_grown = (self._arena_grown or large) and not give_back
        # a large input (the overview, a photo detected whole) never runs beside a face
        # detector's tile or another photo's text tile: it is served from the buffers the tile
        # freed (offline.TakeTurns); the smaller ones run beside those
        with large_runs.alone() if large else large_runs.beside():
            preds = self._det_session.run(None, {self._det_input: inp},
                                          self._give_back if give_back else None)[0]
        del inp
        shape = tile.shape[:2]
        boxes, _ = self._pp(preds, shape)
        if boxes is None or len(boxes) == 0:
            return np.zeros((0, 4, 2), dtype=np.float32)
        return self._det.filter_tag_det_res(boxes, shape)

    def _crop(self, arr: Picture, box: np.ndarray, margin: float = 0.0) -> np.ndarray:
        cv2 = self._cv2
        if margin > 0:
            box = np.asarray(grow_polygon(box, pad_frac=margin, min_pad=0.0), dtype=np.float32)
            h, w = arr.shape[:2]
            box[:, 0] = np.clip(box[:, 0], 0, w)
            box[:, 1] = np.clip(box[:, 1], 0, h)
        wid = float(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
        hei = float(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))
        wid, hei = max(2.0, wid), max(2.0, hei)
        # Recognition works at 48 px line height: do not warp more pixels than it can use.
        f = min(1.0, 96.0 / min(wid, hei))
        ow, oh = max(2, round(wid * f)), max(2, round(hei * f))
        dst = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], dtype=np.float32)
        # from the line's own pixels (2 px around its corners: all bilinear sampling reads),
        # the same pixels as warping the whole photo, without an array of the whole photo
        h, w = arr.shape[:2]
        rx0 = max(0, int(math.floor(float(box[:, 0].min()))) - 2)
        ry0 = max(0, int(math.floor(float(box[:, 1].min()))) - 2)
        rx1 = min(w, int(math.ceil(float(box[:, 0].max()))) + 3)
        ry1 = min(h, int(math.ceil(float(box[:, 1].max()))) + 3)
        if rx1 <= rx0 or ry1 <= ry0:
            rx0, ry0, rx1, ry1 = 0, 0, w, h
        src = box.astype(np.float32) - np.array([rx0, ry0], np.float32)
        m = cv2.getPerspectiveTransform(src, dst)
        crop = cv2.warpPerspective(arr.region(rx0, ry0, rx1, ry1), m, (ow, oh),
                                   flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        crop = crop[:, :, ::-1]   # BGR for the models
        if oh / ow >= 1.5:
            crop = np.rot90(crop)
        return np.ascontiguousarray(crop)

    def _recognise(self, arr: Picture, boxes: list[np.ndarray]) -> list[Read]:
        margin = float(self.options.get("rec_margin", 0.0))
        crops = [self._crop(arr, b, margin) for b in boxes]
        try:
            crops, cls_res, _ = self._cls(crops)
            rec_res, _ = self._rec(crops)
        except Exception as exc:
            raise ModelError(f"text recognition failed ({exc})") from exc
        out: list[Read] = []
        for box, cls_r, rec in zip(boxes, cls_res, rec_res):
            # every line read is returned, however unsure the reader was (its score says so):
            # names.classify_texts marks it, and the findings list it; nothing goes silently
            text, score = str(rec[0]).strip(), float(rec[1])
            if not text:
                continue
            pts = box
            if "180" in str(cls_r[0]) and float(cls_r[1]) > self._cls.cls_thresh:
                pts = np.array([box[2], box[3], box[0], box[1]], dtype=np.float32)
            poly = [(float(x), float(y)) for x, y in pts]
            out.append((poly, text, score))
        return out


Rect = tuple[int, int, int, int]


#: the detector's input value of each 8-bit pixel value, (v / 255 - 0.5) / 0.5 worked out in
#: float32 exactly as it was per pixel before (v * (1 / 127.5) - 1): the same bits
_DET_LUT = np.arange(256, dtype=np.uint8).astype(np.float32)
_DET_LUT *= 1.0 / 127.5
_DET_LUT -= 1.0


def _det_blob(tile: np.ndarray, cv2: Any) -> np.ndarray:
    """The detector's input for an RGB uint8 tile (h, w, 3): 1 x 3 x h x w float32, channels
    BGR, each value ``_DET_LUT``'s. Bit for bit what converting, scaling, shifting and
    transposing the whole tile gave (four passes over a 5 MB float array), in one look-up per
    channel plane: 0.8 against 2.4 ms a 672 px tile, and a 12 MP photo runs 50-100 tiles."""
    h, w = tile.shape[:2]
    out = np.empty((1, 3, h, w), np.float32)
    planes = cv2.split(np.ascontiguousarray(tile))
    for c in range(3):
        # written straight into the input's plane: no float array besides the input
        cv2.LUT(planes[2 - c], _DET_LUT, dst=out[0, c])   # the model wants BGR
    return out


def _padded(n: int) -> int:
    """A side as the detector is run on it: a multiple of 32, at least 64 (edge replicated)."""
    return max(64, math.ceil(n / 32) * 32)


def area_tiles(w: int, h: int, max_pixels: int, overlap: int, side: int
               ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The tiles (x spans, y spans) an area of ``w`` x ``h`` is detected in: the area whole when
    it fits ``max_pixels`` as run (``_padded``), else the grid of tiles that each fit, overlap by
    ``overlap`` px at least (``tile_spans``' even shares), are no narrower than square tiles of
    ``side`` may be ((side + overlap) / 2) nor longer than twice ``side``, with the fewest
    detector pixels (within 3 % of them, the widest tiles: a line crosses fewer cuts). An
    area a little too large is cut once, not in four: 728 x 952 px was 4 tiles of 1.1 MP in
    all, now 2 of 0.85 MP (s37: 6.7 % fewer detector pixels in badge areas on 12 MP photos)."""
    if _padded(w) * _padded(h) <= max_pixels:
        return [(0, w)], [(0, h)]

    def spans(length: int, n: int) -> list[tuple[int, int]] | None:
        if n == 1:
            return [(0, length)] if length <= 2 * side else None
        size = math.ceil((length + (n - 1) * overlap) / n)
        if size < (side + overlap) // 2 or size > 2 * side:
            return None
        return [(s, s + size) for s in (round(k * (length - size) / (n - 1)) for k in range(n))]

    grids: list[tuple[int, int, list, list]] = []
    for nx in range(1, w // max(1, overlap) + 2):
        xs = spans(w, nx)
        if xs is None:
            continue
        tw = _padded(xs[0][1] - xs[0][0])
        for ny in range(1, h // max(1, overlap) + 2):
            ys = spans(h, ny)
            if ys is None or tw * _padded(ys[0][1] - ys[0][0]) > max_pixels:
                continue
            grids.append((nx * ny * tw * _padded(ys[0][1] - ys[0][0]), nx, xs, ys))
            break       # (the fewest rows that fit: more would add overlap)
    if not grids:       # (not reached with the defaults) square tiles of ``side``
        return tile_spans(w, side, overlap), tile_spans(h, side, overlap)
    # within 3 % of the fewest pixels, the widest tiles: a line of text crosses fewer cuts
    least = min(g[0] for g in grids)
    _, _, xs, ys = min((g for g in grids if g[0] <= 1.03 * least), key=lambda g: (g[1], g[0]))
    return xs, ys


#: rows of the photo scaled at a time (``scaled_down``)
BAND_ROWS = 512


def scaled_down(arr: Picture, size: tuple[int, int], cv2: Any) -> np.ndarray:
    """``arr`` made smaller to ``size`` (w, h) by area averaging (OpenCV's INTER_AREA), a band
    of rows at a time, without an array of the whole photo (36 MB at 12 MP; two photos in
    flight made that a peak). Every p rows of the photo become exactly q rows (H / h = p / q,
    reduced), so bands of whole multiples of p rows give the same pixels as scaling the photo
    at once (tested on camera sizes and random ones). Sizes whose p is larger than
    ``BAND_ROWS`` are scaled at once."""
    big_h, big_w = arr.shape[:2]
    w, h = size
    g = math.gcd(big_h, h)
    p, q = big_h // g, h // g
    if p > BAND_ROWS:
        return cv2.resize(arr.whole(), size, interpolation=cv2.INTER_AREA)
    step = p * max(1, BAND_ROWS // p)
    out = np.empty((h, w, 3), np.uint8)
    for y0 in range(0, big_h, step):
        y1 = min(big_h, y0 + step)
        out[y0 // p * q:y1 // p * q] = cv2.resize(arr.region(0, y0, big_w, y1),
                                                  (w, (y1 - y0) // p * q),
                                                  interpolation=cv2.INTER_AREA)
    return out


#: a tile of the whole photo's pass is skipped (sky, a wall, a cover) only when it has fewer
#: than ``FLAT_EDGES`` edge pixels (Canny 60/160: one short word of 10 px letters has 43 and
#: more) AND its brightness, softened over 5 x 5 px, spans fewer than ``FLAT_RANGE`` levels
#: (the detector finds a sharp line 12 levels off its background, and not one 8 off). Edges
#: alone decided before s63: a large soft name has none above Canny's thresholds and was
#: skipped, left unread ("Olivia Bennett" 150 px high, blurred by 10 px, 80 levels off its
#: background: the detector reads it; the s63 textgate probe found 7 such skipped tiles with
#: text on enlarged badge photos). On ../shared's photos 8 of 252 tiles are still skipped
#: (edges alone: 10), on the 12 throughput photos none (as before)
FLAT_EDGES = 40
FLAT_RANGE = 10


def flat_tiles(gray: np.ndarray, xs: list[tuple[int, int]], ys: list[tuple[int, int]],
               cv2: Any) -> set[tuple[int, int, int, int]]:
    """The tiles (x0, y0, x1, y1) of the detection image ``gray`` in which no line of text can
    be (``FLAT_EDGES``, ``FLAT_RANGE``)."""
    edges = cv2.Canny(gray, 60, 160)
    soft = cv2.blur(gray, (5, 5))
    out = set()
    for y0, y1 in ys:
        for x0, x1 in xs:
            if int(np.count_nonzero(edges[y0:y1, x0:x1])) >= FLAT_EDGES:
                continue
            tile = soft[y0:y1, x0:x1]
            if int(tile.max()) - int(tile.min()) < FLAT_RANGE:
                out.add((x0, y0, x1, y1))
    return out


#: the scales badge areas are detected at: each area's scale is rounded up to one of these
#: (finer, never coarser), so neighbours share a level and are merged and detected once
FOCUS_LEVELS = (1.0, 0.8, 0.64)


#: the detector's pixels of context a line needs around it to be found as it is at the centre
#: of a crop: only pixels at least this far inside an area already detected count as seen
FOCUS_CONTEXT = 128


#: a line found by a look taken "again" (``TextEngine.read``) is kept unless this share of it
#: lies inside a line already found: a longer reading of the same line is read too
AGAIN_COVERED = 0.8


def _shrunk(rect: Rect, by: int) -> Rect:
    return (rect[0] + by, rect[1] + by, rect[2] - by, rect[3] - by)


def focus_level(scale: float, main: float) -> float | None:
    """The level a focus area asking for ``scale`` is detected at: the coarsest of
    ``FOCUS_LEVELS`` at least that fine; None when the photo's own pass (at ``main``) already
    sees it at that scale or finer (5 % margin). Pure; unit-tested."""
    scale = min(1.0, max(0.0, scale))
    if scale <= main * 1.05:
        return None
    return min((lv for lv in FOCUS_LEVELS if lv >= scale - 1e-6), default=1.0)


def unseen_pieces(rect: Rect, seen: Sequence[tuple[Rect, int]], context: int, max_side: int,
                  worth: float = 0.9) -> list[Rect]:
    """What of ``rect`` is left to detect after the areas ``seen`` (each detected at this scale
    or finer, with the context, in photo px, the detector needed there), as few rectangles as
    can be, each grown by ``context`` px inside ``rect``; overlapping ones joined
    (``merge_overlapping``, up to ``max_side``); ``[rect]`` whole when that saves less than
    ``1 - worth`` of its pixels.

    A seen area counts for the pixels at least its context inside it, except on a side where it
    reaches as far as ``rect`` (or further): there ``rect`` gives its own pixels no more context
    than the seen area did (both end at the same edge: the same row of badges, the photo's
    edge). A piece cut out of ``rect`` gets its context back from the rest of ``rect`` (the
    detector misses a small line near a crop's edge). So every pixel of ``rect`` is seen with
    at least the context ``rect`` would have given it, up to ``context``. Pure; unit-tested.
    """
    x0, y0, x1, y1 = rect
    cut = []
    for (a, b, c, d), ctx in seen:
        a, b = (a if a <= x0 else a + ctx), (b if b <= y0 else b + ctx)
        c, d = (c if c >= x1 else c - ctx), (d if d >= y1 else d - ctx)
        cut.append((max(x0, a), max(y0, b), min(x1, c), min(y1, d)))
    cut = [r for r in cut if r[2] > r[0] and r[3] > r[1]]
    if not cut:
        return [rect]
    xs = sorted({x0, x1, *(r[0] for r in cut), *(r[2] for r in cut)})
    ys = sorted({y0, y1, *(r[1] for r in cut), *(r[3] for r in cut)})
    seen_cell = np.zeros((len(ys) - 1, len(xs) - 1), bool)
    for a, b, c, d in cut:
        seen_cell[ys.index(b):ys.index(d), xs.index(a):xs.index(c)] = True
    # runs of unseen cells along each band of rows; a run the band below repeats grows down
    pieces: list[list[int]] = []
    open_runs: dict[tuple[int, int], int] = {}
    for j in range(len(ys) - 1):
        runs: dict[tuple[int, int], int] = {}
        i = 0
        while i < len(xs) - 1:
            if seen_cell[j, i]:
                i += 1
                continue
            k = i
            while k < len(xs) - 1 and not seen_cell[j, k]:
                k += 1
            key = (xs[i], xs[k])
            if key in open_runs:
                pieces[open_runs[key]][3] = ys[j + 1]
                runs[key] = open_runs[key]
            else:
                runs[key] = len(pieces)
                pieces.append([xs[i], ys[j], xs[k], ys[j + 1]])
            i = k
        open_runs = runs
    grown = [(max(x0, a - context), max(y0, b - context), min(x1, c + context),
              min(y1, d + context)) for a, b, c, d in pieces]
    grown = merge_overlapping(grown, max_side)
    if sum((c - a) * (d - b) for a, b, c, d in grown) >= worth * (x1 - x0) * (y1 - y0):
        return [rect]
    return grown


#: how far neighbouring badge areas are joined before they are detected, as a share of the
#: largest detector input's side (``focus_plan`` takes the one that runs the fewest detector
#: pixels): 1 joins only what one input holds. Not on (s45): (1.0, 1.5, 2.0, 2.5, 3.0) ran 15 %
#: fewer badge-area detector pixels on the 12 throughput photos (0.92x the text stage's CPU),
#: names on bench/text.py and the handwritten bench the same, but the other crops found other
#: faint lines: 167 -> 153 read, 72 -> 64 covered on those photos (lines below faces read as
#: single characters, a mirrored "JUST JARED" read as one line instead of two), so a line the
#: plan of before covers could be left readable
FOCUS_JOINS: tuple[float, ...] = (1.0,)


def focus_plan(levels: dict[float, list[Rect]], fine: Sequence[Rect], side: int,
               max_pixels: int, overlap: int) -> list[tuple[Rect, float]]:
    """The rectangles the badge areas are detected in, in order, each with its level
    (``TextEngine._focus``): ``levels`` the areas (photo px) by the level each is detected at,
    ``fine`` the photo's areas already detected at full resolution (``_refine``). Finest level
    first; at each, overlapping areas joined (``merge_overlapping``), smallest first, each
    detected only where what was detected before at that level or finer did not already see it
    with the detector's context (``unseen_pieces``). Of the plans joining up to each of
    ``FOCUS_JOINS`` input sides, the one with the fewest detector pixels as run (tiles of at
    most ``max_pixels``, ``area_tiles``; the first on a tie). Every pixel of every area is in a
    rectangle of the plan, or inside one detected before with at least ``FOCUS_CONTEXT`` (as
    detected) around it or as much as the area gives it. Pure; unit-tested."""
    best: tuple[int, list[tuple[Rect, float]]] | None = None
    # no joins given is the plan of before, never no plan (every badge area left unread)
    for join in FOCUS_JOINS or (1.0,):
        plan = _focus_plan(levels, fine, side, join)
        cost = sum(_area_cost(r, level, max_pixels, overlap, side) for r, level in plan)
        if best is None or cost < best[0]:
            best = (cost, plan)
    return [] if best is None else best[1]


def _focus_plan(levels: dict[float, list[Rect]], fine: Sequence[Rect], side: int,
                join: float) -> list[tuple[Rect, float]]:
    # photo pixels already detected at full resolution, each with the context the detector
    # needs around a small line (it misses an 11 px name ~100 px from a crop's edge)
    done: list[tuple[Rect, int]] = [(r, FOCUS_CONTEXT) for r in fine]
    plan: list[tuple[Rect, float]] = []
    for level in sorted(levels, reverse=True):     # the finest first
        # neighbours in a group photo share most of their badge areas: detect those once
        limit = int(side * join / level)
        rects = merge_overlapping(levels[level], limit)
        # smallest first: the smallest badges are the ones the scaled-down pass misses
        rects.sort(key=lambda r: (r[2] - r[0]) * (r[3] - r[1]))
        context = round(FOCUS_CONTEXT / level)
        for rect in rects:
            # only what is not already seen, each piece with the context it needs; nothing
            # where every pixel was (a joined area reaches 2-3 inputs' sides: skipping one
            # 95 % seen, as before, could leave a badge's worth of it unread)
            plan.extend((piece, level) for piece in unseen_pieces(rect, done, context, limit))
            done.append((rect, context))
    return plan


def _area_cost(rect: Rect, level: float, max_pixels: int, overlap: int, side: int) -> int:
    """The detector pixels ``TextEngine._detect_area`` runs on ``rect`` at ``level``."""
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    if level < 0.999:
        w, h = max(16, round(w * level)), max(16, round(h * level))
    xs, ys = area_tiles(w, h, max_pixels, overlap, side)
    return sum(_padded(b - a) * _padded(d - c) for a, b in xs for c, d in ys)


def covered_share(rect: Rect, others: Sequence[Rect], cell: int = 8) -> float:
    """The share of ``rect`` (x0, y0, x1, y1) inside the union of ``others`` (to ``cell`` px).
    Pure; unit-tested."""
    x0, y0, x1, y1 = rect
    if x1 <= x0 or y1 <= y0:
        return 1.0
    gw, gh = max(1, math.ceil((x1 - x0) / cell)), max(1, math.ceil((y1 - y0) / cell))
    grid = np.zeros((gh, gw), bool)
    for ox0, oy0, ox1, oy1 in others:
        if ox1 <= ox0 or oy1 <= oy0:
            continue
        # cells wholly inside the other rectangle
        cx0, cy0 = math.ceil((ox0 - x0) / cell), math.ceil((oy0 - y0) / cell)
        cx1, cy1 = math.floor((ox1 - x0) / cell), math.floor((oy1 - y0) / cell)
        if ox1 >= x1:
            cx1 = gw
        if oy1 >= y1:
            cy1 = gh
        cx0, cy0 = max(0, cx0), max(0, cy0)
        if cx1 > cx0 and cy1 > cy0:
            grid[cy0:cy1, cx0:cx1] = True
    return float(grid.mean())


#: px of photo around a box holding several lines when its lines are looked for again (the
#: detector misses a line near a crop's edge: with 16 px, "Name: Henry Lawson" below a
#: certificate's title was not found; with 48 px it was, at 1, 0.8 and 0.5)
STACKED_CONTEXT = 48
#: a box holding several lines is looked at again at most this large (as detected)
STACKED_MAX_PIXELS = 4_000_000
#: a line read from a box is one of several stacked in it when the box is this much too tall
#: for what was read: its long side under STACKED_WIDTH x its short side x the characters
#: read (one line's characters are about half as wide as it is tall: 0.25 leaves room for a
#: narrow typeface), for a read of at least STACKED_MIN_CHARS characters
STACKED_WIDTH = 0.25
STACKED_MIN_CHARS = 4
#: ... or, for a read the reader was unsure of (score under STACKED_UNSURE_SCORE), under
#: STACKED_UNSURE_WIDTH: two lines read as one come out garbled as well as short ("NAME: EVIE
#: MARSHALL" over "CLASS: 4B", one box 285 x 80 px on a 12 MP mosaic, read "WPFNE TOTAELAS" at
#: 0.19: 0.254 of its height a character, just over STACKED_WIDTH, so its lines were never
#: read). On bench/text.py's badges single lines that narrow (0.21-0.40) were read at 0.51 to
#: 0.99 and are not looked at again; 2 boxes more were on 4 12 MP mosaics (+0.09 s of CPU each)
STACKED_UNSURE_WIDTH = 0.4
STACKED_UNSURE_SCORE = 0.5
#: a box read as nothing is looked at again when its short side is at least this (px): a
#: block of lines too tall to read as one
STACKED_MIN_SIDE = 32


def _sides(box: Any) -> tuple[float, float]:
    """(long side, short side) of a 4-point box."""
    q = np.asarray(box, dtype=np.float32).reshape(4, 2)
    wid = float(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[2] - q[3])))
    hei = float(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
    return max(wid, hei), min(wid, hei)


def stacked_boxes(boxes: Sequence[np.ndarray], reads: Sequence[Read]) -> list[np.ndarray]:
    """The boxes that may hold several lines of text detected as one block: read as far
    fewer characters than a line that tall would hold (``STACKED_WIDTH``; ``STACKED_UNSURE_WIDTH``
    for a read the reader was unsure of), or read as nothing while at least ``STACKED_MIN_SIDE``
    px on every side. A reader given such a block reads one of its lines, garbles them, or
    reads nothing, and the others (a pupil's name under a title) would be left readable
    without ever being read."""
    read: list[tuple[np.ndarray, str, float]] = [
        (np.asarray(p, dtype=np.float32).reshape(4, 2), t, float(s)) for p, t, s in reads]
    out: list[np.ndarray] = []
    for box in boxes:
        q = np.asarray(box, dtype=np.float32).reshape(4, 2)
        text, score = next(((t, s) for p, t, s in read if _same_points(p, q)), (None, 1.0))
        long_side, short_side = _sides(q)
        if text is None:
            if short_side >= STACKED_MIN_SIDE:
                out.append(q)
            continue
        width = STACKED_UNSURE_WIDTH if score < STACKED_UNSURE_SCORE else STACKED_WIDTH
        if len(text) >= STACKED_MIN_CHARS and long_side < width * short_side * len(text):
            out.append(q)
    return out


def _same_points(a: np.ndarray, b: np.ndarray) -> bool:
    """The same 4 points in any order (a read's polygon is its box, turned when upside down)."""
    return bool(np.allclose(np.sort(a, axis=0), np.sort(b, axis=0), atol=0.5))


def _same_box(a: np.ndarray, b: np.ndarray, iou: float = 0.7) -> bool:
    """Do two boxes' bounding rectangles overlap by at least ``iou`` (intersection over union)?"""
    return corner_iou(_rect(a), _rect(b)) >= iou


def _rect(q: np.ndarray) -> tuple[float, float, float, float]:
    """A 4-point box's bounding rectangle (x1, y1, x2, y2)."""
    return (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()),
            float(q[:, 1].max()))


def _covered_by(box: np.ndarray, others: list[np.ndarray], frac: float = 0.6) -> bool:
    """True when ``frac`` of ``box``'s bounding rectangle lies inside one of ``others``'."""
    bx0, by0 = box[:, 0].min(), box[:, 1].min()
    bx1, by1 = box[:, 0].max(), box[:, 1].max()
    area = max(1e-6, (bx1 - bx0) * (by1 - by0))
    for o in others:
        ox0, oy0 = o[:, 0].min(), o[:, 1].min()
        ox1, oy1 = o[:, 0].max(), o[:, 1].max()
        ix = min(bx1, ox1) - max(bx0, ox0)
        iy = min(by1, oy1) - max(by0, oy0)
        if ix > 0 and iy > 0 and ix * iy >= frac * area:
            return True
    return False


def _merge_tile_boxes(found: list[tuple[np.ndarray, tuple[int, int, int, int]]],
                      size: tuple[int, int], cv2: Any) -> list[np.ndarray]:
    """Join boxes that tiles found twice (overlap) or cut in two (a line across a tile edge)."""
    if not found:
        return []
    polys = [b for b, _ in found]
    tiles = [t for _, t in found]
    n = len(polys)
    rects = [cv2.boundingRect(p.astype(np.float32)) for p in polys]
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def height(p: np.ndarray) -> float:
        return float(min(np.linalg.norm(p[0] - p[3]) + np.linalg.norm(p[1] - p[2]),
                         np.linalg.norm(p[0] - p[1]) + np.linalg.norm(p[2] - p[3])) / 2)

    heights = [height(_order_points(p)) for p in polys]
    for i in range(n):
        xi, yi, wi, hi = rects[i]
        for j in range(i + 1, n):
            if tiles[i] == tiles[j]:
                continue
            xj, yj, wj, hj = rects[j]
            ix = min(xi + wi, xj + wj) - max(xi, xj)
            iy = min(yi + hi, yj + hj) - max(yi, yj)
            if ix <= 0 or iy <= 0:
                continue
            inter = ix * iy
            small = min(wi * hi, wj * hj)
            same_line = abs(heights[i] - heights[j]) <= 0.5 * max(heights[i], heights[j]) and \
                iy >= 0.5 * min(hi, hj)
            if inter >= 0.5 * small or same_line:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(polys[members[0]])
            continue
        pts = np.concatenate([polys[m] for m in members]).astype(np.float32)
        rect = cv2.minAreaRect(pts)
        out.append(cv2.boxPoints(rect).astype(np.float32))
    return out


__all__ = ["Read", "TextEngine", "covered_share", "focus_level", "focus_plan", "merge_overlapping",
           "reader_threads", "stacked_boxes", "text_options", "unseen_pieces"]
