"""FaceEngine: the face models, loaded once, and the three things the rest of PhotoVet asks of
them: ``detect`` (every face in a photo), ``encode`` (a signature per face) and
``portrait_encodings`` (enrolment).

Detection runs CenterFace and YuNet (in two threads when the PC has the cores) and fuses them
(fusion.py). Signatures are SFace (``signature_model`` = "sface-128-3crops"); the older
one-crop SFace ("sface-128") and dlib's are made only for people enrolled with them and not yet
enrolled again (``encode(..., model="dlib-128")``, dlib loaded on first use).
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photovet.core.errors import ModelError
from photovet.core.geometry import float_box
from photovet.core.models import Face
from photovet.core.paths import asset_path
from photovet.core.settings import Settings
from photovet.core.vision.faces import onnxfix
from photovet.core.vision.faces.boxes import clip_box, iou_matrix, nms_merge, tile_spans
from photovet.core.vision.faces.centerface import CenterFace
from photovet.core.vision.faces.fusion import (
    SIDEWAYS,
    UPSIDE_DOWN,
    Detections,
    SecondLook,
    WeakPairs,
    after_looks,
    fuse,
    look_targets,
    new_faces,
    turn_boxes,
)
from photovet.core.vision.faces.pixels import Pyramid, to_rgb
from photovet.core.vision.faces.signatures import (
    CURRENT,
    DLIB,
    SFACE,
    SFACE_ONE_CROP,
    DlibEncoder,
    SFaceEncoder,
    signable,
)
from photovet.core.vision.faces.yunet import INPUT as YUNET_INPUT
from photovet.core.vision.faces.yunet import YuNet

#: float32. int8 was tried (s35, bench/quantise.py: static QDQ and QOperator, per-channel int8
#: weights, uint8 activations, output heads float or not; dynamic): on an AVX2 PC without VNNI
#: the network cost 0.82-0.84x the float CPU (dynamic 2.9x), the whole search with YuNet
#: 0.86-0.92x, and it lost faces the float model finds (bench/face_variants.py
#: model.centerface=PATH: 1 on ../shared, 2 of >= 32 px on a 12 MP composite, 20-26 of 772 on
#: 67 WIDER test photos, recall >= 10 px 0.946 -> 0.925 / 0.921): not used.
CENTERFACE_FILE = "centerface.onnx"
YUNET_FILE = "face_detection_yunet_2023mar_int8bq.onnx"
SFACE_FILE = "face_recognition_sface_2021dec_int8bq.onnx"

#: what analysis depends on besides the settings (the analysis cache keys on it)
VERSION = "cf+yunet-fuse+upside-down+sideways/sface-128-3crops/5"


def _model_path(name: str, what: str) -> Path:
    path = asset_path("models", name)
    if not path.is_file():
        raise ModelError(f"the {what} model is missing ({path})",
                         hint="Reinstall PhotoVet: the file ships inside the package.")
    return path


def _model_bytes(name: str, what: str) -> bytes:
    return _model_path(name, what).read_bytes()


def _load_session(name: str, what: str, rewrite, threads: int, disable_qdq: bool) -> Any:
    raw = _model_bytes(name, what)
    try:
        # the face models see tiles of at most 512 (CenterFace) and 640 px (YuNet) and 112 px
        # chips: their buffers are kept in onnxruntime's arena (offline.onnx_session)
        return onnxfix.session(rewrite(raw), threads, disable_qdq=disable_qdq, arena=True)
    except Exception as exc:
        raise ModelError(f"the {what} model could not be loaded ({exc})",
                         hint="Reinstall PhotoVet.") from exc


def _on_grid(window: Sequence[float], w: int, h: int, quarters: int
             ) -> tuple[int, int, int, int]:
    """``window`` (x0, y0, x1, y1) of a ``w`` x ``h`` picture, inside it, widened so that the
    picture turned ``quarters`` quarter turns counter-clockwise (``np.rot90``) and this part of
    it turned so start at the same place on the network's 32 px grid: CenterFace pads a
    picture at its right and bottom, and a face seen shifted against that grid scores
    differently (a drawn face found at 0.57 on the whole picture scored 0.27-0.69 in windows
    around it, 0.49-0.63 on the grid). The turned part starts at the window's top left (0
    turns), top right (1), bottom right (2) or bottom left (3)."""
    x0, y0 = max(0, int(window[0])), max(0, int(window[1]))
    x1, y1 = min(w, int(math.ceil(window[2]))), min(h, int(math.ceil(window[3])))
    q = int(quarters) % 4
    if q in (0, 3):
        x0 = x0 // 32 * 32
    else:
        x1 = w - (w - x1) // 32 * 32
    if q in (0, 1):
        y0 = y0 // 32 * 32
    else:
        y1 = h - (h - y1) // 32 * 32
    return x0, y0, x1, y1


class ModelTurns:
    """Up to ``at_once`` callers in one model at once; the others wait for a turn. Used as a
    lock (``with turns:``, ``acquire(blocking=False)``, ``release()``); ``idle()`` takes every
    turn, only when nobody is in the model. ``most``: the most callers in it at once so far."""

    def __init__(self, at_once: int = 1):
        self.at_once = max(1, int(at_once))
        self._cond = threading.Condition()
        self._in = 0
        self.most = 0

    def acquire(self, blocking: bool = True) -> bool:
        with self._cond:
            if not blocking and self._in >= self.at_once:
                return False
            while self._in >= self.at_once:
                self._cond.wait()
            self._in += 1
            self.most = max(self.most, self._in)
            return True

    def release(self) -> None:
        with self._cond:
            if self._in <= 0:
                raise RuntimeError("a model's turn released more often than taken")
            self._in -= 1
            self._cond.notify()

    def __enter__(self) -> ModelTurns:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @contextlib.contextmanager
    def idle(self) -> Iterator[bool]:
        """True (every turn held until the block ends) when nobody is in the model, else False
        at once (never waits)."""
        with self._cond:
            idle = self._in == 0
            if idle:
                self._in = self.at_once
        try:
            yield idle
        finally:
            if idle:
                with self._cond:
                    self._in = 0
                    self._cond.notify_all()


class FaceEngine:
    """Detects and encodes faces. Load once (``FaceEngine.load()``), reuse for every photo."""

    signature_model = CURRENT
    version = VERSION

    def __init__(self, centerface: CenterFace, yunet: YuNet | None, sface: SFaceEncoder | None,
                 settings: Settings, *, threads: int = 1, at_once: int = 1,
                 load_sface: Callable[[], SFaceEncoder] | None = None):
        self.centerface = centerface
        self.yunet = yunet
        #: the signature model, or how to load it the first time a signature is asked for
        #: (``sface``): a register with nobody enrolled asks for none when photos are checked
        #: (pipeline.Engine._faces), and SFace loaded holds about 40 MB of weights
        self._sface = sface
        self._load_sface = load_sface if sface is None else None
        self._sface_lock = threading.Lock()
        self.settings = settings
        det = settings.detection
        self.use_yunet = bool(det.yunet) and yunet is not None
        self.yunet_threshold = float(det.yunet_threshold)
        self.agree_threshold = float(det.yunet_agree_threshold)
        self.candidate_threshold = float(det.candidate_threshold)
        #: weak boxes of both networks counted together (fusion.WeakPairs); CenterFace then
        #: keeps its candidates from the pairs' floor, but refines only those it refined before
        self.pairs = WeakPairs() if det.weak_pairs and self.use_yunet else None
        if self.pairs is not None and centerface.candidate_threshold > self.pairs.floor_cf:
            centerface.refine_min_score = max(centerface.refine_min_score,
                                              centerface.candidate_threshold)
            centerface.candidate_threshold = self.pairs.floor_cf
        #: a second look at weak boxes (fusion.SecondLook, detection.second_look)
        self.look = SecondLook() if det.second_look and self.use_yunet else None
        #: CenterFace on the photo turned 180 degrees, scaled to this side (None: not run)
        #: ... and turned 90 and 270 degrees (detection.sideways), the same size
        self.upside_down = bool(det.upside_down)
        self.sideways = bool(det.sideways)
        self.sideways_threshold = float(det.sideways_threshold)
        self.upside_down_side = (int(det.upside_down_side)
                                 if det.upside_down or det.sideways else None)
        self.upside_down_threshold = float(det.upside_down_threshold)
        self.min_face_px = int(settings.recognition.min_face_px)
        self.num_jitters = int(settings.recognition.num_jitters)
        self.threads = max(1, int(threads))
        self._dlib: DlibEncoder | None = None
        self._dlib_lock = threading.Lock()
        # Up to ``at_once`` photos in each model at once (one per photo checked at once,
        # performance.photo_workers): the models keep no state of a call on themselves (a
        # search's state is local to it; onnxruntime runs a session from several threads at
        # once), so two photos in CenterFace each get what they get alone. s43 let one photo at
        # a time into each model; with two photos at once on 2 cores a photo then waited 7.7 s
        # for CenterFace and 4.2 s for signatures in 48.5 s (12 x 12 MP). Every network run
        # still takes its turn beside the text detector's overview, never with it
        # (offline.large_runs), so the largest run's buffers never stack with another's.
        self.at_once = max(1, int(at_once))
        self._cf_lock = ModelTurns(self.at_once)
        self._yn_lock = ModelTurns(self.at_once)
        self._sf_lock = ModelTurns(self.at_once)
        #: runs YuNet beside CenterFace when the photo has two threads; made once (two photos
        #: at once could each have made one), one worker per photo let in at once
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, settings: Settings | None = None, *, threads: int | None = None,
             at_once: int | None = None) -> FaceEngine:
        """Load the detectors and the signature model (well under a second; ModelError names a
        missing or broken file). ``at_once``: photos let into each model at once (default: the
        photos checked at once, ``performance.photo_workers``)."""
        settings = settings or Settings()
        if at_once is None:
            at_once = settings.performance.photo_workers()
        threads = int(threads or settings.performance.model_threads())
        per = 1 if threads >= 2 else threads      # CenterFace and YuNet run side by side
        cf_session = _load_session(CENTERFACE_FILE, "face detector", onnxfix.centerface_dynamic,
                                   per if settings.detection.yunet else threads, False)
        centerface = CenterFace.from_settings(cf_session, settings.detection)
        yn_session = _load_session(
            YUNET_FILE, "second face detector",
            lambda raw: onnxfix.opencv_zoo_model(raw, YUNET_INPUT, ["n", 3, "h", "w"]), per, True)
        yunet = YuNet(yn_session, max_pass_pixels=settings.detection.yunet_max_pass_pixels)
        _model_path(SFACE_FILE, "face signature")   # a missing file is told now, as before

        def load_sface() -> SFaceEncoder:
            session = _load_session(
                SFACE_FILE, "face signature",
                lambda raw: onnxfix.prelu_as_relu(
                    onnxfix.opencv_zoo_model(raw, "data", ["n", 3, 112, 112])), threads, True)
            return SFaceEncoder(session, yunet)

        # the signature model is loaded the first time a signature is asked for (``sface``)
        return cls(centerface, yunet, None, settings, threads=threads, at_once=at_once,
                   load_sface=load_sface)

    @property
    def sface(self) -> SFaceEncoder | None:
        """The SFace encoder, loaded on first use (ModelError if its file is missing or broken:
        the photo being checked then fails, it is never passed without its faces recognised)."""
        if self._sface is None and self._load_sface is not None:
            with self._sface_lock:
                if self._sface is None:
                    self._sface = self._load_sface()
        return self._sface

    @property
    def sface_loaded(self) -> bool:
        return self._sface is not None

    def _dlib_encoder(self) -> DlibEncoder:
        with self._dlib_lock:
            if self._dlib is None:
                self._dlib = DlibEncoder.load(self.num_jitters)
            return self._dlib

    # -- detection ----------------------------------------------------------------------------

    def detect_all(self, image: Image.Image) -> Detections:
        """Both detectors and the fusion, in photo pixels (boxes not yet clipped), and the
        faces upside down and sideways (``_upside_down``)."""
        rgb = to_rgb(image)
        rgb.load()            # decoded once here: the two detectors read it from two threads
        # the photo's scaled-down copies, made once: both coarse passes and the upside-down
        # look search it at 640 px
        pyramid = Pyramid(rgb)
        return self._upside_down(rgb, self._upright(rgb, pyramid), pyramid)

    def _upside_down(self, rgb: Image.Image, found: Detections, pyramid: Pyramid
                     ) -> Detections:
        """``found`` and the faces CenterFace finds on the photo turned 180 degrees (a child
        hanging from a climbing frame, a handstand) and, when ``sideways``, 90 and 270 degrees
        (a photo saved sideways without its orientation tag, a scan placed sideways, a child
        lying on a mat; at ``sideways_threshold``), scaled to ``upside_down_side`` px, that lie
        on no face found before them (fusion.new_faces). The scaled photo is the pyramid's
        (the coarse passes' when they have the same size: made once)."""
        side = self.upside_down_side
        if side is None or min(rgb.size) < 2:
            return found
        k = min(1.0, side / max(rgb.size))
        size = (max(1, round(rgb.width * k)), max(1, round(rgb.height * k)))
        small = np.asarray(rgb if k >= 1.0 else pyramid.box(size))
        looks = (([([2], self.upside_down_threshold)] if self.upside_down else [])
                 + ([([1, 3], self.sideways_threshold)] if self.sideways else []))
        for quarters, threshold in looks:
            # both sideways turns searched, then their faces kept surest first: a face lying
            # one way is often seen weakly on the turn that leaves it upside down too, and
            # the turn that sets it upright must not be dropped for that weaker box
            runs_b, runs_m = [], []
            for q in quarters:
                arr = np.ascontiguousarray(np.rot90(small, q))
                with self._cf_lock:
                    b, m = self.centerface.run(arr, threshold)
                b, m = turn_boxes(b, m, size, k, q)
                runs_b.append(b)
                runs_m.append(m)
            b, m = new_faces(np.concatenate(runs_b), np.concatenate(runs_m), found.boxes,
                             threshold)
            if len(b):
                source = UPSIDE_DOWN if quarters == [2] else SIDEWAYS
                found = Detections(np.concatenate([found.boxes, b]),
                                   np.concatenate([found.landmarks, m]),
                                   list(found.source) + [source] * len(b))
        return found

    def _upright(self, rgb: Image.Image, pyramid: Pyramid) -> Detections:
        """Both detectors and the fusion on the photo as it is."""
        if not self.use_yunet:
            b, m = self.centerface.detect_raw(rgb, pyramid=pyramid)
            return Detections(np.asarray(b, np.float64).reshape(-1, 5),
                              np.asarray(m, np.float64).reshape(-1, 10), ["centerface"] * len(b))
        yunet = self.yunet
        if yunet is None:   # use_yunet says it is loaded: never drop to one detector silently
            raise ModelError("the second face detector is not loaded")
        low = min(self.agree_threshold, self.yunet_threshold)
        if self.pairs is not None:
            low = min(low, self.pairs.floor_yn)

        def second() -> tuple[np.ndarray, np.ndarray]:
            with self._yn_lock:
                return yunet.detect(rgb, threshold=low, pyramid=pyramid)

        if self.threads >= 2:
            future = self._yunet_pool().submit(second)
            with self._cf_lock:
                cf, cfm, wb, wm = self.centerface.detect_raw(rgb, candidates=True, pyramid=pyramid)
            yn = future.result()
        elif self._cf_lock.acquire(blocking=False):
            try:
                cf, cfm, wb, wm = self.centerface.detect_raw(rgb, candidates=True, pyramid=pyramid)
            finally:
                self._cf_lock.release()
            yn = second()
        else:
            # another photo is in CenterFace: this one runs YuNet first instead of waiting for
            # it with its core idle (py-spy, two 12 MP photos at once: 6 % of the workers' time
            # was spent waiting here), then CenterFace
            yn = second()
            with self._cf_lock:
                cf, cfm, wb, wm = self.centerface.detect_raw(rgb, candidates=True, pyramid=pyramid)
        found = fuse((cf, cfm), (wb, wm), yn, cf_hi=self.centerface.threshold,
                     yn_hi=self.yunet_threshold, cf_lo=self.candidate_threshold,
                     yn_lo=self.agree_threshold, pairs=self.pairs)
        if self.look is None:
            return found
        cf_hi, yn_hi = self.centerface.threshold, self.yunet_threshold
        confirm, cand = look_targets(found, wb, yn[0], self.look, cf_hi=cf_hi, yn_hi=yn_hi)
        if not len(confirm) and not len(cand):
            return found
        return after_looks(found, confirm, [self._look(rgb, found.boxes[i]) for i in confirm],
                           cand, [self._look(rgb, c) for c in cand], self.look)

    def _look(self, rgb: Image.Image, box: Sequence[float]) -> float:
        """The second look's evidence (fusion.SecondLook) for ``box`` (x1, y1, x2, y2, photo
        pixels): both networks once on a crop around it (``margin`` of its side on every side)
        scaled so the face is ``target`` px, and mirrored when ``mirror``;
        ``cf / cf_hi + yn / yn_hi`` of the best score of each overlapping the box (IoU >= 0.3)."""
        look = self.look
        yunet = self.yunet
        if look is None or yunet is None:
            return 0.0
        x1, y1, x2, y2 = (float(v) for v in box[:4])
        side = max(x2 - x1, y2 - y1, 1.0)
        m = look.margin * side
        cx0, cy0 = max(0, int(x1 - m)), max(0, int(y1 - m))
        cx1, cy1 = min(rgb.width, int(x2 + m)), min(rgb.height, int(y2 + m))
        if cx1 - cx0 < 4 or cy1 - cy0 < 4:
            return 0.0
        k = look.target / side
        cw, ch = max(8, int(round((cx1 - cx0) * k))), max(8, int(round((cy1 - cy0) * k)))
        crop = np.asarray(rgb.crop((cx0, cy0, cx1, cy1)).resize((cw, ch),
                                                                 Image.Resampling.BILINEAR))
        kx, ky = cw / (cx1 - cx0), ch / (cy1 - cy0)
        ref = np.array([[x1, y1, x2, y2]])
        best = {"cf": 0.0, "yn": 0.0}
        for mirrored in ((False, True) if look.mirror else (False,)):
            arr = np.ascontiguousarray(crop[:, ::-1] if mirrored else crop)
            for net in ("yn", "cf"):
                if net == "yn":
                    with self._yn_lock:
                        b, _ = yunet.run(arr, 0.02)
                else:
                    with self._cf_lock:
                        b, _ = self.centerface.run(arr, 0.02)
                if not len(b):
                    continue
                b = b[:, :5].astype(np.float64)
                if mirrored:
                    b[:, [0, 2]] = cw - b[:, [2, 0]]
                b[:, [0, 2]] = b[:, [0, 2]] / kx + cx0
                b[:, [1, 3]] = b[:, [1, 3]] / ky + cy0
                over = iou_matrix(ref, b[:, :4])[0] >= 0.3
                if over.any():
                    best[net] = max(best[net], float(b[over, 4].max()))
        return best["cf"] / self.centerface.threshold + best["yn"] / self.yunet_threshold

    def detect_raw(self, image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
        """Boxes (N, 5: x1, y1, x2, y2, score) and landmarks (N, 10) of every face found."""
        d = self.detect_all(image)
        return d.boxes, d.landmarks

    def detect(self, image: Image.Image) -> list[Face]:
        """Every face found, as ``Face`` (box clipped to the photo, score, 5 landmarks)."""
        width, height = image.size
        d = self.detect_all(image)
        faces = []
        for b, m in zip(d.boxes, d.landmarks):
            box = clip_box(float(b[0]), float(b[1]), float(b[2]), float(b[3]), width, height)
            if box is None:
                continue
            marks = [(float(m[2 * k]), float(m[2 * k + 1])) for k in range(5)]
            faces.append(Face(box=box, score=float(b[4]), landmarks=marks))
        faces.sort(key=lambda f: (f.box[1], f.box[0]))
        return faces

    def detect_passes(self, passes: Sequence[tuple[np.ndarray, float, float]], *,
                      threshold: float | None = None, tile: int = 1024, overlap: int = 96
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Faces in pictures already prepared by the caller, with a fixed cost (video frames:
        no pyramid, no refinement windows, no second detector).

        ``passes``: ``(rgb, kx, ky)``: an RGB uint8 array (h, w, 3) and the factors from its
        pixels to the caller's (a frame scaled to half size has kx = ky = 2). Each array is
        searched by CenterFace in ``tile`` px tiles (so memory does not grow with the frame),
        and the detections of every pass are merged. Returns boxes (N, 5: x1, y1, x2, y2,
        score) and landmarks (N, 10) in the caller's pixels."""
        thr = self.centerface.threshold if threshold is None else float(threshold)
        all_b: list[np.ndarray] = []
        all_m: list[np.ndarray] = []
        for arr, kx, ky in passes:
            h, w = arr.shape[:2]
            tiles = [(x0, y0, x1, y1) for (y0, y1) in tile_spans(h, tile, overlap)
                     for (x0, x1) in tile_spans(w, tile, overlap)]
            # a turn in CenterFace as a photo's search takes (ModelTurns): a video frame's
            # searches count in the bound on callers at once (s45); the models share one arena,
            # so another model's give-back may still shrink it meanwhile (safe: onnxruntime
            # frees only regions not in use, under the arena's own lock)
            with self._cf_lock:
                tile_boxes, tile_marks = self.centerface._search(arr, 1.0, tiles, thr, False)
            for b, m in zip(tile_boxes, tile_marks):
                b, m = b.astype(np.float64), m.astype(np.float64)
                b[:, [0, 2]] *= kx
                b[:, [1, 3]] *= ky
                m[:, 0::2] *= kx
                m[:, 1::2] *= ky
                all_b.append(b)
                all_m.append(m)
        if not all_b:
            return np.zeros((0, 5)), np.zeros((0, 10))
        boxes, marks = np.concatenate(all_b), np.concatenate(all_m)
        keep, merged = nms_merge(boxes[:, :4], boxes[:, 4], self.centerface.nms_iou)
        out = boxes[keep].copy()
        out[:, :4] = merged
        return out, marks[keep]

    def detect_turned_looks(self, arr: np.ndarray, kx: float, ky: float, found: np.ndarray,
                            looks: Sequence[tuple[int, tuple[int, int, int, int] | None]], *,
                            threshold: float | None = None, tile: int = 1024,
                            overlap: int = 96) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Faces lying sideways or upside down in a picture already prepared by the caller (a
        video frame, ``arr`` RGB uint8 (h, w, 3), ``kx``/``ky`` its pixels to the caller's, as
        ``detect_passes``), one CenterFace search (in ``tile`` px tiles, at ``threshold``: the
        photo's sideways look's when None) per look ``(quarters, window)``: the part
        ``window`` (x0, y0, x1, y1 in ``arr``'s pixels; None: the whole picture) turned
        ``quarters`` quarter turns counter-clockwise (a video follows a face found turned in a
        window around it: analysis.follow_looks). The faces of every look turned back
        (fusion.turn_boxes), together, surest first, each kept only where no box of ``found``
        (N, 4+, the caller's pixels) nor one kept before lies (fusion.new_faces: a face seen
        by two looks is kept once). Boxes (N, 5), landmarks (N, 10) in the caller's pixels, and
        the quarter turns each box was found at (N,)."""
        thr = self.sideways_threshold if threshold is None else float(threshold)
        h, w = arr.shape[:2]
        have = (np.asarray(found, np.float64).reshape(len(found), -1)[:, :4]
                / np.array([kx, ky, kx, ky]) if len(found) else np.zeros((0, 4)))
        out_b, out_m, out_q = [np.zeros((0, 5))], [np.zeros((0, 10))], [np.zeros(0)]
        for q, window in looks:
            x0, y0, x1, y1 = (0, 0, w, h) if window is None else _on_grid(window, w, h, q)
            if x1 - x0 < 8 or y1 - y0 < 8:
                continue
            turned = np.ascontiguousarray(np.rot90(arr[y0:y1, x0:x1], q))
            th, tw = turned.shape[:2]
            tiles = [(tx0, ty0, tx1, ty1) for (ty0, ty1) in tile_spans(th, tile, overlap)
                     for (tx0, tx1) in tile_spans(tw, tile, overlap)]
            with self._cf_lock:      # a turn, as ``detect_passes`` takes
                tb, tm = self.centerface._search(turned, 1.0, tiles, thr, False)
            if not tb:
                continue
            b, m = np.concatenate(tb).astype(np.float64), np.concatenate(tm).astype(np.float64)
            keep, merged = nms_merge(b[:, :4], b[:, 4], self.centerface.nms_iou)
            b, m = b[keep].copy(), m[keep]
            b[:, :4] = merged
            b, m = turn_boxes(b, m, (x1 - x0, y1 - y0), 1.0, q)
            b[:, [0, 2]] += x0
            b[:, [1, 3]] += y0
            m[:, 0::2] += x0
            m[:, 1::2] += y0
            out_b.append(b)
            out_m.append(m)
            out_q.append(np.full(len(b), q))
        # the looks' faces together, surest first, on no face found nor one kept before
        allb, allm, allq = np.concatenate(out_b), np.concatenate(out_m), np.concatenate(out_q)
        b, m = new_faces(allb, allm, have, thr)
        # each kept box is one of the looks' own (new_faces does not move it), so its turn is known
        q_of = np.array([allq[int(np.nonzero(np.all(allb == row, axis=1))[0][0])]
                         for row in b], dtype=np.int64).reshape(-1)
        b[:, [0, 2]] *= kx
        b[:, [1, 3]] *= ky
        m[:, 0::2] *= kx
        m[:, 1::2] *= ky
        return b, m, q_of

    # -- signatures ---------------------------------------------------------------------------

    def encodable(self, face: Face) -> bool:
        return signable(face.box[2], face.box[3], self.min_face_px)

    def encode(self, image: Image.Image, faces: Sequence[Face], model: str = SFACE
               ) -> list[np.ndarray | None]:
        """A signature of ``model`` per face; None for a face too small to encode reliably (under
        ``recognition.min_face_px``) or, for SFace, with no landmarks found."""
        if not faces:
            return []
        rgb = to_rgb(image)
        boxes = [float_box(f.box) if self.encodable(f) else None for f in faces]
        if model in (SFACE, SFACE_ONE_CROP):
            if self.sface is None:
                raise ModelError("the face signature model is not loaded")
            with self._sf_lock:
                return self.sface.encode(rgb, boxes, model)
        if model == DLIB:
            return self._dlib_encoder().encode(rgb, boxes)
        raise ValueError(f"unknown signature model {model!r}")

    def encode_models(self, image: Image.Image, faces: Sequence[Face], models: Sequence[str]
                      ) -> dict[str, list[np.ndarray | None]]:
        """Signatures of each of ``models`` for every face (what ``FaceMatcher.match_photo``
        takes)."""
        return {m: self.encode(image, faces, m) for m in models}

    def portrait_encodings(self, image: Image.Image) -> list[tuple[tuple[int, int, int, int], np.ndarray]]:
        """Every face in an enrolment photo with its current-model signature (faces too small or
        without landmarks are left out)."""
        return [(box, enc) for box, enc, _ in self.portrait_faces(image, sureness=False)]

    def portrait_faces(self, image: Image.Image, *, sureness: bool = True
                       ) -> list[tuple[tuple[int, int, int, int], np.ndarray, float]]:
        """``portrait_encodings`` with how sure the detectors are that each is a face, 0..1: the
        lower of the detection's own score and YuNet's on a crop around it (0.0 without YuNet:
        enrolment then refuses, it cannot tell; 1.0 when ``sureness`` is False)."""
        faces = self.detect(image)
        encs = self.encode(image, faces)
        out = []
        for f, e in zip(faces, encs):
            if e is None:
                continue
            sure = 1.0
            if sureness:
                sure = min(float(f.score), self._crop_sureness(image, f.box))
            out.append((f.box, e, sure))
        return out

    def _crop_sureness(self, image: Image.Image, box: tuple[int, int, int, int]) -> float:
        if self.yunet is None:
            return 0.0
        with self._yn_lock:
            return self.yunet.sureness(image, box)

    def give_back(self) -> None:
        """Return the face models' working buffers to the system once a photo's faces are found
        and encoded, so the text models that run next (or another photo's) do not stack their
        buffers on top: 70 MB on a 12 MP photo, for 0.05 s of CPU to grow them again.

        A model busy with another photo is left alone (that photo gives it back when it is
        done): waiting for it would hold this photo back, and both cores would not be used."""
        for turns, model in ((self._cf_lock, self.centerface), (self._yn_lock, self.yunet),
                             (self._sf_lock, self._sface)):
            if model is not None:
                with turns.idle() as idle:
                    if idle:
                        model.give_back()

    def _yunet_pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.at_once,
                                                thread_name_prefix="yunet")
            return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


__all__ = ["FaceEngine", "ModelTurns", "VERSION"]
