"""Names in the picture: read text offline, decide which of it names a pupil, and check captions.

Three layers, each usable alone:

* ``TextEngine`` reads text with the PP-OCR models that ship inside the ``rapidocr_onnxruntime``
  wheel. Detection runs on the photo scaled so its long side is at most ``text.det_max_side``
  (in overlapping tiles when that is large, skipping flat tiles); recognition runs only on the
  found boxes, cropped and deskewed from the FULL-resolution photo, after the angle classifier
  has turned upside-down lines the right way up. So small text on a large photo is read from
  its real pixels without recognising the whole photo.
* ``NameMatcher`` / ``looks_like_name`` / ``classify_texts`` say what a line of text is
  (a pupil's name, a staff name, something that looks like a name, ordinary text). They do not
  depend on the channel, so the result can be cached with the analysis.
* ``decide_texts`` applies the consent policy for a channel; ``text_redactions`` gives the areas
  to cover; ``check_caption`` checks a caption typed by a person.

Fail closed: a pupil's first name alone counts; an ambiguous first name is still redacted;
something that looks like a name but is not in the register is flagged for review (and covered
until a person keeps it).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from photovet.core.errors import ModelError
from photovet.core.models import Person, Redaction, TextItem

Polygon = list[tuple[float, float]]
Read = tuple[Polygon, str, float]

# --------------------------------------------------------------------------------------------
# Reading text
# --------------------------------------------------------------------------------------------

_DEFAULTS: dict[str, Any] = {
    "det_max_side": 2048,     # detection resolution cap (long side, px): 12 px text on 12 MP ~ 6 px
    "det_min_side": 960,      # small photos are enlarged to this long side for detection
    "det_tile": 2048,         # detection tiles (at detection scale) when the image is larger
    "det_overlap": 128,       # tile overlap at detection scale
    "det_thresh": 0.3,        # DB binarisation threshold
    "det_box_thresh": 0.5,    # DB mean box score to keep a box
    "det_unclip_ratio": 1.6,  # DB box growth
    "min_score": 0.5,         # recognition confidence to keep a line
    "threads": 0,             # onnxruntime intra-op threads (0 = one per core, up to 4)
    "rec_margin": 0.0,        # grow boxes by this share of the line height before reading
    "coarse_box_thresh": 0.3,  # box score for candidates when detection runs scaled down
    "coarse_thresh": 0.3,     # and the binarisation threshold there
    "refine_below": 32,       # re-detect at full resolution lines lower than this (detection px)
    "overview_side": 1024,    # also detect at this long side (large lines); 0 = off
}


def _text_setting(settings: Any, key: str) -> Any:
    if settings is None:
        return _DEFAULTS[key]
    getter = getattr(settings, "get", None)
    if getter is None:
        return _DEFAULTS[key]
    value = getter(f"text.{key}", None)
    return _DEFAULTS[key] if value is None else value


def _session(model_path: str, threads: int) -> Any:
    import os  # noqa: PLC0415

    import onnxruntime as ort  # noqa: PLC0415

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads if threads > 0 else max(1, min(4, os.cpu_count() or 1))
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model_path, sess_options=opts, providers=["CPUExecutionProvider"])


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


class TextEngine:
    """The OCR models, loaded once. ``read(image)`` gives ``[(polygon, text, score), ...]``."""

    def __init__(self, detector: Any, classifier: Any, recognizer: Any, cv2: Any,
                 options: dict[str, Any]):
        self._det = detector
        self._cls = classifier
        self._rec = recognizer
        self._cv2 = cv2
        self.options = dict(options)
        self._lock = threading.Lock()   # onnxruntime sessions are shared; keep calls serial

    @classmethod
    def load(cls, settings: Any = None) -> "TextEngine":
        from photovet.core.vision.cv import import_cv2  # noqa: PLC0415

        cv2 = import_cv2()   # before rapidocr, so OpenCV cannot break Qt
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
        from pathlib import Path  # noqa: PLC0415

        options = {k: _text_setting(settings, k) for k in _DEFAULTS}
        root = Path(rapidocr_onnxruntime.__file__).resolve().parent
        try:
            config = read_yaml(str(root / "config.yaml"))
        except Exception as exc:  # noqa: BLE001
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
                holder.session = _session(sections[name]["model_path"], int(options["threads"]))
        except Exception as exc:  # noqa: BLE001
            raise ModelError(f"the text models could not be loaded ({exc})",
                             hint="Reinstall PhotoVet.") from exc
        return cls(detector, classifier, recognizer, cv2, options)

    # -- public ------------------------------------------------------------------------------

    def read(self, image: Any) -> list[Read]:
        """Every line of text in ``image`` (a PIL image), in the image's pixels.

        Returns ``[(polygon, text, score)]``; polygon is 4 points TL, TR, BR, BL as read.
        """
        arr = self._to_rgb(image)
        if arr is None:
            return []
        with self._lock:
            boxes = self._detect(arr)
            if not boxes:
                return []
            return self._recognise(arr, boxes)

    # -- steps -------------------------------------------------------------------------------

    @staticmethod
    def _to_rgb(image: Any) -> np.ndarray | None:
        if isinstance(image, np.ndarray):
            arr = image
            if arr.ndim == 2:
                arr = np.stack([arr] * 3, axis=-1)
            arr = arr[..., :3]
            rgb = np.ascontiguousarray(arr.astype(np.uint8))
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
            rgb = np.asarray(img, dtype=np.uint8)
        if rgb.ndim != 3 or min(rgb.shape[:2]) < 8:
            return None
        return rgb   # RGB; the models want BGR, flipped on the small copies they get

    def _tiles(self, length: int) -> list[tuple[int, int]]:
        tile, overlap = int(self.options["det_tile"]), int(self.options["det_overlap"])
        if length <= tile:
            return [(0, length)]
        n = math.ceil((length - overlap) / (tile - overlap))
        size = math.ceil((length + (n - 1) * overlap) / n)
        starts = [round(i * (length - size) / (n - 1)) for i in range(n)]
        return [(s, min(length, s + size)) for s in starts]

    def _detect(self, arr: np.ndarray) -> list[np.ndarray]:
        """Text boxes (4x2 float32, full-resolution pixels)."""
        cv2 = self._cv2
        h, w = arr.shape[:2]
        long_side = max(h, w)
        scale = min(1.0, float(self.options["det_max_side"]) / long_side)
        if long_side < int(self.options["det_min_side"]):
            scale = min(3.0, float(self.options["det_min_side"]) / long_side)
        if abs(scale - 1.0) > 1e-3:
            interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
            small = cv2.resize(arr, (max(32, round(w * scale)), max(32, round(h * scale))),
                               interpolation=interp)
        else:
            small = arr
        sh, sw = small.shape[:2]
        sx, sy = w / sw, h / sh
        xs, ys = self._tiles(sw), self._tiles(sh)
        tiled = len(xs) * len(ys) > 1
        edges = None
        if tiled:
            grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
            edges = cv2.Canny(grey, 60, 160)
        found: list[tuple[np.ndarray, tuple[int, int, int, int]]] = []
        pp = self._det.postprocess_op
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        if scale < 0.9:
            # scaled down: small text scores low; take it as a candidate, _refine checks it
            pp.box_thresh = float(self.options.get("coarse_box_thresh", 0.3))
            pp.thresh = float(self.options.get("coarse_thresh", self.options["det_thresh"]))
        for y0, y1 in ys:
            for x0, x1 in xs:
                if edges is not None and int(np.count_nonzero(edges[y0:y1, x0:x1])) < 40:
                    continue   # flat tile (sky, wall, blur): not even one short word's edges
                tile = small[y0:y1, x0:x1]
                th, tw = tile.shape[:2]
                # DB needs sides that are multiples of 32: pad (not stretch) the tile.
                ph, pw = max(32, math.ceil(th / 32) * 32), max(32, math.ceil(tw / 32) * 32)
                if (ph, pw) != (th, tw):
                    tile = cv2.copyMakeBorder(tile, 0, ph - th, 0, pw - tw, cv2.BORDER_CONSTANT,
                                              value=(127, 127, 127))
                try:
                    boxes = self._det_tile(tile)
                except Exception as exc:  # noqa: BLE001
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
        boxes = _merge_tile_boxes(found, (sw, sh), cv2) if tiled else [b for b, _ in found]
        out = []
        for b in boxes:
            b = b.copy()
            b[:, 0] = np.clip(b[:, 0] * sx, 0, w)
            b[:, 1] = np.clip(b[:, 1] * sy, 0, h)
            out.append(_order_points(b))
        tallest = max((min(np.linalg.norm(b[0] - b[3]), np.linalg.norm(b[0] - b[1])) * scale
                       for b in out), default=0.0)
        if scale < 0.9 and out:
            out = self._refine(arr, out, scale)
        overview = int(self.options.get("overview_side", 1024))
        # only when there is large text (>= 28 px where the detector saw it) to see whole
        if overview and long_side * scale > 1.4 * overview and tallest >= 28:
            out = self._with_overview(small, (w, h), out, overview)
        return out

    def _with_overview(self, small_in: np.ndarray, full: tuple[int, int], boxes: list[np.ndarray],
                       side: int) -> list[np.ndarray]:
        """Large lines from a low-resolution pass replace their fragments from the fine pass.

        The detector is trained on lines roughly 10-60 px high: at high resolution a big
        certificate name or handwriting breaks into pieces that read as nonsense, while a
        1024 px overview sees it whole. Lines the overview sees well (>= 14 px there) come from
        the overview; everything else (small text) from the fine pass.
        """
        cv2 = self._cv2
        w, h = full
        ih, iw = small_in.shape[:2]    # the detection image (already scaled down)
        s = side / max(ih, iw)
        small = cv2.resize(small_in, (max(32, round(iw * s)), max(32, round(ih * s))),
                           interpolation=cv2.INTER_AREA)
        sh, sw = small.shape[:2]
        ph, pw = math.ceil(sh / 32) * 32, math.ceil(sw / 32) * 32
        small = cv2.copyMakeBorder(small, 0, ph - sh, 0, pw - sw, cv2.BORDER_REPLICATE)
        pp = self._det.postprocess_op
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        big = []
        for b in self._det_tile(np.ascontiguousarray(small)):
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

    def _refine(self, arr: np.ndarray, boxes: list[np.ndarray], scale: float) -> list[np.ndarray]:
        """Detect small lines again at full resolution, around where the coarse pass saw them.

        On a large photo detection runs scaled down, so a 12 px name is about 6 px there: it is
        found (often only roughly, or with a low score), but its box is too coarse to read it.
        A few small full-resolution crops around those boxes give exact boxes, cheaply.
        """
        cv2 = self._cv2
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
        # merge overlapping crops so each area is detected once
        merged = True
        groups = [[r, [k]] for r, k in zip(rects, small_idx)]
        while merged:
            merged = False
            for a in range(len(groups)):
                for c in range(a + 1, len(groups)):
                    ra, rc = groups[a][0], groups[c][0]
                    if ra[0] < rc[2] and rc[0] < ra[2] and ra[1] < rc[3] and rc[1] < ra[3]:
                        groups[a][0] = [min(ra[0], rc[0]), min(ra[1], rc[1]),
                                        max(ra[2], rc[2]), max(ra[3], rc[3])]
                        groups[a][1] += groups[c][1]
                        del groups[c]
                        merged = True
                        break
                if merged:
                    break
        keep = [b for k, b in enumerate(boxes) if k not in set(small_idx)]
        large = list(keep)
        pp = self._det.postprocess_op
        saved = pp.box_thresh
        pp.box_thresh = float(self.options["det_box_thresh"])
        pp.thresh = float(self.options["det_thresh"])
        try:
            for (x0, y0, x1, y1), members in groups:
                if (x1 - x0) * (y1 - y0) > 4_000_000:   # not "small" any more: keep coarse boxes
                    keep.extend(boxes[k] for k in members)
                    continue
                crop = arr[y0:y1, x0:x1]
                ch, cw = crop.shape[:2]
                ph, pw = max(64, math.ceil(ch / 32) * 32), max(64, math.ceil(cw / 32) * 32)
                crop = cv2.copyMakeBorder(crop, 0, ph - ch, 0, pw - cw, cv2.BORDER_REPLICATE)
                fine = self._det_tile(np.ascontiguousarray(crop))
                got = []
                for b in fine:
                    b = np.asarray(b, dtype=np.float32).reshape(4, 2).copy()
                    b[:, 0] = np.clip(b[:, 0], 0, cw) + x0
                    b[:, 1] = np.clip(b[:, 1], 0, ch) + y0
                    if _quad_area(b) < 4 or _covered_by(b, large):
                        continue
                    got.append(_order_points(b))
                if got:
                    keep.extend(got)
                    # a coarse box the fine pass did not explain is kept (fail closed)
                    for k in members:
                        if not _covered_by(boxes[k], got, 0.3):
                            keep.append(boxes[k])
                else:
                    keep.extend(boxes[k] for k in members)
        finally:
            pp.box_thresh = saved
        return keep

    def _det_tile(self, tile: np.ndarray) -> np.ndarray:
        """DB text detection on one RGB tile whose sides are multiples of 32."""
        x = tile[:, :, ::-1].astype(np.float32)   # the model wants BGR
        x *= 1.0 / 127.5          # (x / 255 - 0.5) / 0.5
        x -= 1.0
        inp = np.ascontiguousarray(x.transpose(2, 0, 1))[None]
        preds = self._det.infer(inp)[0]
        shape = tile.shape[:2]
        boxes, _ = self._det.postprocess_op(preds, shape)
        if boxes is None or len(boxes) == 0:
            return np.zeros((0, 4, 2), dtype=np.float32)
        return self._det.filter_tag_det_res(boxes, shape)

    def _crop(self, arr: np.ndarray, box: np.ndarray, margin: float = 0.0) -> np.ndarray:
        cv2 = self._cv2
        if margin > 0:
            box = np.asarray(_grow_polygon(box, pad_frac=margin, min_pad=0.0), dtype=np.float32)
            h, w = arr.shape[:2]
            box[:, 0] = np.clip(box[:, 0], 0, w)
            box[:, 1] = np.clip(box[:, 1], 0, h)
        wid = max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3]))
        hei = max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2]))
        wid, hei = max(2.0, float(wid)), max(2.0, float(hei))
        # Recognition works at 48 px line height: do not warp more pixels than it can use.
        f = min(1.0, 96.0 / min(wid, hei))
        ow, oh = max(2, round(wid * f)), max(2, round(hei * f))
        dst = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], dtype=np.float32)
        m = cv2.getPerspectiveTransform(box.astype(np.float32), dst)
        crop = cv2.warpPerspective(arr, m, (ow, oh), flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
        crop = crop[:, :, ::-1]   # BGR for the models
        if oh / ow >= 1.5:
            crop = np.rot90(crop)
        return np.ascontiguousarray(crop)

    def _recognise(self, arr: np.ndarray, boxes: list[np.ndarray]) -> list[Read]:
        margin = float(self.options.get("rec_margin", 0.0))
        crops = [self._crop(arr, b, margin) for b in boxes]
        try:
            crops, cls_res, _ = self._cls(crops)
            rec_res, _ = self._rec(crops)
        except Exception as exc:  # noqa: BLE001
            raise ModelError(f"text recognition failed ({exc})") from exc
        min_score = float(self.options["min_score"])
        out: list[Read] = []
        for box, cls_r, rec in zip(boxes, cls_res, rec_res):
            text, score = str(rec[0]).strip(), float(rec[1])
            if not text or score < min_score:
                continue
            pts = box
            if "180" in str(cls_r[0]) and float(cls_r[1]) > self._cls.cls_thresh:
                pts = np.array([box[2], box[3], box[0], box[1]], dtype=np.float32)
            poly = [(float(x), float(y)) for x, y in pts]
            out.append((poly, text, score))
        return out


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


# --------------------------------------------------------------------------------------------
# Names: normalisation and matching
# --------------------------------------------------------------------------------------------

TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "mme", "mlle", "rev"}

# Generic words that are not people's names: signs, school life, calendars. A line made only of
# capitalised words is "name-like" unless one of them is one of these. (Generic English, not
# taken from any test set.)
NON_NAME_WORDS = set("""
a an the and or of to in on at by for with from is it we you our your my me us all
welcome back well done good great happy merry new year years class school primary secondary
academy college nursery infant infants junior juniors high grammar academy trust university
day days week weeks month term half sports sport fun fete fair party disco assembly concert
show play club team house hall room office reception toilet toilets exit entrance way fire
door gate car park carpark staff only no not please keep clear push pull open closed quiet
library kitchen canteen dining lunch break playground field gym garden music art science
maths math english history geography computing reading writing spelling phonics topic
subject name names certificate achievement award awarded star stars student pupil pupils
teacher teachers headteacher head deputy assistant teaching support coordinator governor
governors parent parents visitor visitors guest volunteer council captain prefect monitor
book books exercise work homework project trip farm bus visit world national international
christmas easter summer autumn winter spring holiday holidays birthday celebration
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december hello hi bye thank thanks you congratulations
mum dad family families friends friend road street lane avenue drive close way church centre
center community city town village station north south east west upper lower main first
second third fourth fifth sixth last best winner winners champion champions proud
red orange yellow green blue purple pink black white brown grey gold silver bronze
oak ash elm beech birch willow maple pine cedar rowan
""".split())

# First names or surnames that are also everyday words: matched alone only when the line is
# just the name (a badge), not inside ordinary text ("May 2026", "Green Class").
COMMON_WORD_NAMES = set("""
may june april august summer autumn winter spring day will bill mark art hope joy faith
grace rose lily daisy ivy holly hazel poppy violet iris ruby pearl amber crystal star sky
river rain storm sunny dawn eve honey rich sandy rusty dusty ray page king bell rice hill
wood woods hall green brown white black gray grey young price long short little small
love may rose cook baker fisher hunter mason turner walker taylor carter shepherd
day north south west east lord knight bishop parsons chase cash golden silver stone brook
field fields lane mills miles rivers banks bush church flower rush wells wise best
""".split())

_CONFUSIONS = [
    ("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("|", "l"), ("!", "l"), ("i", "l"),
    ("5", "s"), ("$", "s"), ("8", "b"), ("2", "z"), ("6", "g"), ("@", "a"),
]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def canon(text: str) -> str:
    """A comparison key robust to case, accents and common OCR confusions ("Olivia" ~ "0LlVIA")."""
    s = strip_accents(text).lower()
    s = s.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    for a, b in _CONFUSIONS:
        s = s.replace(a, b)
    return re.sub(r"[^a-z]", "", s)


_NON_NAME_KEYS = {canon(w) for w in NON_NAME_WORDS}
_COMMON_KEYS = {canon(w) for w in COMMON_WORD_NAMES} | _NON_NAME_KEYS
_TITLE_KEYS = {canon(t) for t in TITLES}

_TOKEN_RE = re.compile(r"[^\s,;:·•/()\[\]{}<>\"“”]+")


@dataclass
class _Token:
    raw: str          # as read (punctuation trimmed)
    key: str          # canon()
    start: int
    end: int
    glued: bool = False   # split from the previous token without a space ("LilyWright")

    @property
    def capitalised(self) -> bool:
        letters = [c for c in self.raw if c.isalpha()]
        return bool(letters) and letters[0].isupper()

    @property
    def is_initial(self) -> bool:
        r = self.raw.rstrip(".")
        return len(r) == 1 and r.isalpha()

    @property
    def alpha(self) -> bool:
        r = self.raw.replace("'", "").replace("’", "").replace("-", "").rstrip(".!?")
        return bool(r) and r.isalpha()


def _split_points(chunk: str) -> list[int]:
    """Where OCR glued words together: "LilyWright", "Year5", "A.CLASS"."""
    cuts = []
    for k in range(1, len(chunk)):
        a, b = chunk[k - 1], chunk[k]
        if a.islower() and b.isupper():
            # keep "McDonald"/"MacLeod" whole; "O'Connor" has an apostrophe, not a case change
            head = chunk[:k]
            if head.endswith(("Mc", "Mac")) and (len(head) in (2, 3) or not head[-4:-2].isalpha()):
                continue
            cuts.append(k)
        elif (a.isalpha() and b.isdigit()) or (a.isdigit() and b.isalpha()):
            # a short digit run inside a word is an OCR confusion ("L1oyd", "0livia"): keep it
            lo = k if b.isdigit() else k - 1
            while lo > 0 and chunk[lo - 1].isdigit():
                lo -= 1
            hi = lo
            while hi < len(chunk) and chunk[hi].isdigit():
                hi += 1
            inside = lo > 0 and hi < len(chunk) and chunk[lo - 1].isalpha() and chunk[hi].isalpha()
            if not (inside and hi - lo <= 2):
                cuts.append(k)
        elif a == "." and b.isalpha():
            cuts.append(k)
    return cuts


def _tokens(text: str) -> list[_Token]:
    toks = []
    for m in _TOKEN_RE.finditer(text):
        chunk = m.group(0)
        bounds = [0, *_split_points(chunk), len(chunk)]
        for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
            raw = chunk[a:b]
            stripped = raw.strip(".!?'’-_*★☆")
            if not stripped:
                continue
            off = raw.find(stripped)
            start = m.start() + a + off
            raw_keep = stripped + "." if (len(stripped) == 1 and raw.endswith(".")) else stripped
            toks.append(_Token(raw_keep, canon(stripped), start, start + len(stripped),
                               glued=n > 0))
    return toks


@dataclass
class NameHit:
    """A register person's name found in a line of text."""

    person: str | None          # register id; None when the name fits several pupils
    role: str                   # "pupil" | "staff"
    form: str                   # "full", "surname_forename", "initial", "forename", "surname",
                                # "title_surname"
    score: float                # 0..100 fuzzy similarity
    span: tuple[int, int]       # character span in the text
    candidates: list[str] = field(default_factory=list)   # every id the name fits
    missing_chars: int = 0      # the line ends inside the name (box cut short): letters not read


_FORM_RANK = {"full": 6, "surname_forename": 6, "title_surname": 5, "initial": 5,
              "forename": 3, "surname": 2}


@dataclass
class _Variant:
    key: str
    person: str
    role: str
    form: str
    ntok: int


class NameMatcher:
    """Finds register names in OCR text (any case, accents removed, OCR confusions tolerated)."""

    def __init__(self, people: Sequence[Person], *, threshold: int | None = None):
        if threshold is None:
            try:
                from photovet.core.settings import Settings  # noqa: PLC0415

                threshold = int(Settings.load().get("text.fuzzy_threshold", 85))
            except Exception:  # noqa: BLE001
                threshold = 85
        self.threshold = int(threshold)
        # rejected register rows are matched too: policy redacts them (fail closed)
        self.people = list(people)
        self.by_id = {p.id: p for p in self.people}
        self._variants: list[_Variant] = []
        self.first_keys: dict[str, set[str]] = {}
        self.surname_keys: dict[str, set[str]] = {}
        for p in self.people:
            role = "staff" if p.role == "staff" else "pupil"
            firsts = {f for f in (p.legal_forename, p.preferred_forename) if f}
            surnames = {s for s in (p.legal_surname, p.preferred_surname) if s}
            for f in firsts:
                fk = canon(f)
                if not fk:
                    continue
                self.first_keys.setdefault(fk, set()).add(p.id)
                self._add(fk, p.id, role, "forename", len(f.split()))
                for s in surnames:
                    sk = canon(s)
                    if not sk:
                        continue
                    self._add(fk + sk, p.id, role, "full", len(f.split()) + len(s.split()))
                    self._add(sk + fk, p.id, role, "surname_forename",
                              len(f.split()) + len(s.split()))
                    self._add(fk + sk[0], p.id, role, "initial", len(f.split()) + 1)
            for s in surnames:
                sk = canon(s)
                if not sk:
                    continue
                self.surname_keys.setdefault(sk, set()).add(p.id)
                self._add(sk, p.id, role, "surname", len(s.split()))
                # hyphenated and double surnames: each part counts too
                for part in re.split(r"[-\s]+", s):
                    pk = canon(part)
                    if pk and pk != sk and len(pk) >= 3:
                        self._add(pk, p.id, role, "surname", 1)
                        self.surname_keys.setdefault(pk, set()).add(p.id)
        self._by_key: dict[str, list[_Variant]] = {}
        for v in self._variants:
            self._by_key.setdefault(v.key, []).append(v)

    def _add(self, key: str, pid: str, role: str, form: str, ntok: int) -> None:
        self._variants.append(_Variant(key, pid, role, form, ntok))

    # -- fuzzy core ---------------------------------------------------------------------------

    def _similar(self, key: str, threshold: int | None = None) -> list[tuple[_Variant, float]]:
        """Variants whose key is close to ``key``. Short keys must match exactly."""
        from rapidfuzz import fuzz  # noqa: PLC0415

        threshold = self.threshold if threshold is None else threshold
        if not key:
            return []
        exact = self._by_key.get(key)
        if exact:
            return [(v, 100.0) for v in exact]
        if len(key) <= 4:
            return []
        out = []
        for k, variants in self._by_key.items():
            if len(k) <= 4 or abs(len(k) - len(key)) > max(2, len(k) // 4):
                continue
            score = fuzz.ratio(key, k)
            if score >= threshold:
                out.extend((v, float(score)) for v in variants)
        return out

    # -- public -------------------------------------------------------------------------------

    def match(self, text: str) -> NameHit | None:
        """The best register name in ``text`` (pupils before staff), or None."""
        hits = self.find_all(text)
        return hits[0] if hits else None

    def find_all(self, text: str) -> list[NameHit]:
        toks = _tokens(text)
        if not toks:
            return []
        candidates: list[tuple[_Variant, float, int, int]] = []   # variant, score, i, j (tokens)
        for i in range(len(toks)):
            key = ""
            for j in range(i, min(len(toks), i + 4)):
                key += toks[j].key
                if j > i and toks[j].is_initial and j != i + 1:
                    break
                for v, score in self._similar(key):
                    if v.form == "initial" and not (j == i + 1 and toks[j].is_initial):
                        continue
                    if j != i and v.ntok < j - i + 1:
                        # one name word made of several tokens: only when OCR split one word
                        # ("Mc Donald" glued, or short pieces "Oli via")
                        pieces = toks[i:j + 1]
                        if not (all(t.glued for t in pieces[1:])
                                or all(len(t.key) <= 3 for t in pieces)):
                            continue
                    candidates.append((v, score, i, j))
        hits: list[NameHit] = []
        for v, score, i, j in candidates:
            hit = self._judge(text, toks, v, score, i, j)
            if hit is not None:
                hits.append(hit)
        if not any(h.role == "pupil" for h in hits):
            loose = self._loose_full_name(toks)
            if loose is not None:
                hits.append(loose)
        if not hits:
            return []
        # "Mrs Hughes" when a staff member is called Hughes: the title says it is the adult,
        # even if a pupil shares the surname
        staff_titled = {h.span for h in hits if h.role == "staff" and h.form == "title_surname"}
        hits = [h for h in hits if not (h.role == "pupil" and h.form == "title_surname"
                                        and h.span in staff_titled)]
        # group by person and form, pick the best; sort pupils first, then by form rank and score
        best: dict[tuple[str | None, str, tuple[int, int]], NameHit] = {}
        for h in hits:
            k = (h.person, h.role, h.span)
            if k not in best or (_FORM_RANK[h.form], h.score) > (_FORM_RANK[best[k].form], best[k].score):
                best[k] = h
        ordered = sorted(best.values(), key=lambda h: (h.role != "pupil", -_FORM_RANK[h.form],
                                                        -h.score, h.span[0]))
        return ordered

    def _loose_full_name(self, toks: list[_Token]) -> NameHit | None:
        """A line that is shaped like a name (2-3 capitalised words, nothing else) is compared
        as a whole with pupils' full names at a looser threshold: handwriting and script fonts
        are often misread by a few letters ("MemLlevelly" for "Megan Llewellyn"). Without this
        the line would still be flagged for review as an unknown name."""
        from rapidfuzz import fuzz  # noqa: PLC0415

        words = [t for t in toks if not _non_name(t)]
        if not 1 <= len(words) <= 3 or len(words) != len(toks):
            return None
        if not all(_name_shaped(t) or t.is_initial for t in words):
            return None
        key = "".join(t.key for t in words)
        if len(words) == 1:
            # one capitalised word alone on its line, close to a pupil's forename or surname
            # ("Llevelly"; "Piya" for "Priya")
            if len(key) < 4:
                return None
            loose = max(70, self.threshold - 10) if len(key) >= 7 else self.threshold
            forms = ("forename", "surname")
        else:
            if len(key) < 8:
                return None
            loose, forms = max(65, self.threshold - 15), ("full", "surname_forename")
        best: tuple[float, _Variant] | None = None
        for k, variants in self._by_key.items():
            v0 = variants[0]
            if v0.form not in forms or v0.role != "pupil" or len(k) < 5:
                continue
            score = fuzz.ratio(key, k)
            if score >= loose and (best is None or score > best[0]):
                best = (score, v0)
        if best is None:
            return None
        score, v = best
        ids = sorted({x.person for x in self._by_key[v.key] if x.role == "pupil"})
        return NameHit(v.person if len(ids) == 1 else None, v.role, v.form, float(score),
                       (words[0].start, words[-1].end), ids)

    def _judge(self, text: str, toks: list[_Token], v: _Variant, score: float,
               i: int, j: int) -> NameHit | None:
        """Accept or refuse one candidate in its context."""
        span = (toks[i].start, toks[j].end)
        prev_tok = toks[i - 1] if i > 0 else None
        next_tok = toks[j + 1] if j + 1 < len(toks) else None
        person = self.by_id[v.person]
        others = [t for k, t in enumerate(toks) if k < i or k > j]
        if v.form in ("forename", "surname"):
            word = toks[i].key if i == j else "".join(t.key for t in toks[i:j + 1])
            is_common = word in _COMMON_KEYS
            title_before = prev_tok is not None and prev_tok.key in _TITLE_KEYS
            if v.form == "surname":
                if title_before:
                    # "Mrs Hughes": a staff member, or (for a pupil's surname) a relative of the
                    # pupil: both identify the family, but the staff case is kept.
                    form = "title_surname"
                    span = (prev_tok.start, span[1])
                    return NameHit(v.person, v.role, form, score, span, [v.person])
                if is_common and self._has_ordinary_words(others):
                    return None
                if not toks[i].capitalised and not toks[i].raw.isupper():
                    # lower-case ordinary word ("a walk in the wood")
                    if is_common or self._has_ordinary_words(others):
                        return None
                return NameHit(v.person, v.role, "surname", score, span, [v.person])
            # forename
            if v.role == "staff":
                # a staff member's first name alone says little: not a match
                return None
            if is_common and self._has_ordinary_words(others):
                return None
            if is_common and not (toks[i].capitalised or toks[i].raw.isupper()):
                return None
            sur = [canon(x) for x in (person.legal_surname, person.preferred_surname) if x]
            if next_tok is not None and next_tok.alpha and len(next_tok.key) >= 2 and sur:
                from rapidfuzz import fuzz  # noqa: PLC0415

                close = max(fuzz.ratio(next_tok.key, x) for x in sur) >= 70
                prefix = len(next_tok.key) >= 3 and any(x.startswith(next_tok.key) for x in sur)
                if close or prefix:
                    missing = 0
                    if j + 2 == len(toks):   # the surname ends the line: was it cut short?
                        missing = max(0, min(len(x) for x in sur) - len(next_tok.key))
                    return NameHit(v.person, v.role, "full", score, (span[0], next_tok.end),
                                   [v.person], missing_chars=missing)
            # "Grace Thornbury": the forename of a pupil followed by a surname that is not
            # theirs is somebody else; it is left to looks_like_name (review).
            if next_tok is not None and next_tok.alpha and (next_tok.capitalised or next_tok.raw.isupper()) \
                    and next_tok.key not in _NON_NAME_KEYS \
                    and not next_tok.is_initial and len(next_tok.key) >= 2 and not title_before:
                return None
            if next_tok is not None and next_tok.is_initial:
                if sur and next_tok.key[:1] not in {s[:1] for s in sur}:
                    return None   # "Reuben B." is not Reuben Adeyemi
            ids = sorted(self.first_keys.get(v.key, {v.person}))
            pupil_ids = [p for p in ids if self.by_id[p].role != "staff"]
            if len(pupil_ids) > 1:
                return NameHit(None, "pupil", "forename", score, span, pupil_ids)
            return NameHit(v.person, v.role, "forename", score, span, [v.person])
        return NameHit(v.person, v.role, v.form, score, span, [v.person])

    @staticmethod
    def _has_ordinary_words(others: list[_Token]) -> bool:
        """Other words around the name that make the line ordinary text (dates, sentences)."""
        for t in others:
            if any(c.isdigit() for c in t.raw):
                return True
            if t.alpha and not (t.capitalised or t.raw.isupper()):
                return True
            if t.key in _NON_NAME_KEYS:
                return True
        return False


# --------------------------------------------------------------------------------------------
# Name-like text that is not in the register
# --------------------------------------------------------------------------------------------

_LABEL_RE = re.compile(r"\b(?:name|nom|nombre|naam|imię|imie|pupil|student)\s*[:=\-]\s*(\S.*)$",
                       re.IGNORECASE)
_MYNAME_RE = re.compile(r"\b(?:my\s+name\s+is|my\s+name's|i\s+am|i'm|call\s+me)\s+(\S.*)$",
                        re.IGNORECASE)


def _non_name(tok: _Token) -> bool:
    return tok.key in _NON_NAME_KEYS


def _name_shaped(tok: _Token) -> bool:
    raw = tok.raw.rstrip(".")
    if not tok.alpha or len(tok.key) < 2:
        return False
    letters = [c for c in raw if c.isalpha()]
    if not letters[0].isupper():
        return False
    rest = letters[1:]
    # "Olivia", "OLIVIA", "McDonald", "O'Connor"
    return raw.isupper() or sum(c.isupper() for c in rest) <= 2


def looks_like_name(text: str) -> str | None:
    """Why ``text`` looks like a person's name that the register does not know, or None.

    "staff-title" (a title and a surname: "Mrs Hughes"), "name-label" ("Name: Sam Reed"),
    "my-name-is", "capitalised-words" (two or three capitalised words: "Matilda Crowther").
    """
    text = text.strip()
    if not text:
        return None
    m = _LABEL_RE.search(text) or _MYNAME_RE.search(text)
    if m:
        value = [t for t in _tokens(m.group(1)) if t.alpha and len(t.key) >= 2]
        if value and not all(_non_name(t) for t in value):
            return "name-label" if _LABEL_RE.search(text) else "my-name-is"
    toks = _tokens(text)
    if not toks:
        return None
    for k, t in enumerate(toks[:-1]):
        if t.key in _TITLE_KEYS and t.raw.rstrip(".").lower() in TITLES:
            nxt = toks[k + 1]
            if _name_shaped(nxt) and not _non_name(nxt):
                return "staff-title"
    words = [t for t in toks if t.alpha]
    if len(toks) == 2 and len(words) == 2 and toks[1].is_initial and toks[1].raw.endswith(".") \
            and _name_shaped(toks[0]) and not _non_name(toks[0]):
        return "capitalised-words"   # "Reuben B."
    if 2 <= len(toks) <= 3 and len(words) == len(toks):
        if all(_name_shaped(t) or t.is_initial for t in toks) and sum(not t.is_initial for t in toks) >= 2:
            if not any(_non_name(t) for t in toks):
                return "capitalised-words"
    return None


# --------------------------------------------------------------------------------------------
# Classify and decide
# --------------------------------------------------------------------------------------------

def classify_texts(reads: Iterable[Read], matcher: NameMatcher | None) -> list[TextItem]:
    """TextItems with ``kind`` and ``person`` set; the decision is provisional (see decide_texts)."""
    items: list[TextItem] = []
    for poly, text, score in reads:
        item = TextItem(polygon=[(float(x), float(y)) for x, y in poly], text=str(text),
                        score=float(score))
        hit = matcher.match(item.text) if matcher is not None else None
        like = looks_like_name(item.text)
        if hit is not None and hit.role == "pupil":
            item.kind, item.person = "pupil-name", hit.person
            if hit.missing_chars and len(item.text.strip()) > 0:
                # the OCR box ends inside the name: stretch it over the letters not read
                item.polygon = _extend_right(item.polygon,
                                             hit.missing_chars / max(1, len(item.text.strip())))
            item.decision, item.reason = "redact", "Pupil's name"
        elif hit is not None and hit.role == "staff":
            item.kind, item.person = "staff-name", hit.person
            item.decision, item.reason = "keep", "Staff name"
        elif like == "staff-title":
            item.kind = "staff-name"
            item.decision, item.reason = "keep", "Staff name"
        elif like is not None:
            item.kind = "name-like"
            item.decision, item.reason = "review", "Looks like a name not in the register"
        else:
            item.kind = ""
            item.decision, item.reason = "keep", ""
        items.append(item)
    _absorb_name_fragments(items)
    return items


def _line_geometry(poly: Sequence[tuple[float, float]]):
    p = np.asarray(poly, dtype=np.float64).reshape(4, 2)
    along = ((p[1] - p[0]) + (p[2] - p[3])) / 2.0
    across = ((p[3] - p[0]) + (p[2] - p[1])) / 2.0
    length, height = np.linalg.norm(along), np.linalg.norm(across)
    if length < 1e-6 or height < 1e-6:
        return None
    return p.mean(axis=0), along / length, length, height


def _absorb_name_fragments(items: list[TextItem]) -> None:
    """A name split into several boxes ("Megn" + "Llewellyn"): the other pieces of the same
    line next to a pupil's name are covered with it, if they are words without digits or
    ordinary words (a "Class: 4B" beside the name stays)."""
    names = [t for t in items if t.kind == "pupil-name"]
    if not names:
        return
    for t in items:
        if t.kind not in ("", "name-like"):
            continue
        toks = _tokens(t.text)
        if not toks or len(toks) > 2 or NameMatcher._has_ordinary_words(toks):
            continue
        g = _line_geometry(t.polygon)
        if g is None:
            continue
        c, u, length, height = g
        for n in names:
            gn = _line_geometry(n.polygon)
            if gn is None:
                continue
            cn, un, ln, hn = gn
            if not (0.6 <= height / hn <= 1.6) or abs(float(np.dot(u, un))) < 0.95:
                continue
            d = c - cn
            off_line = abs(float(d[0] * -un[1] + d[1] * un[0]))     # distance across the line
            along = abs(float(np.dot(d, un)))
            gap = along - (length + ln) / 2.0
            if off_line <= 0.5 * hn and gap <= 1.5 * hn:
                t.kind, t.person = "pupil-name", n.person
                t.decision, t.reason = "redact", "Pupil's name"
                break


def decide_texts(texts: list[TextItem], people_by_id: dict[str, Person], channel: str,
                 on: _dt.date, mode: str) -> list[TextItem]:
    """Set each item's decision and reason for ``channel`` (in place; also returned)."""
    from photovet.core.policy import decide_name  # noqa: PLC0415

    for t in texts:
        if t.kind == "pupil-name":
            person = people_by_id.get(t.person) if t.person else None
            d = decide_name(person, channel, on, mode)
            t.decision, t.reason = d.action, d.reason
        elif t.kind == "name-like":
            t.decision, t.reason = "review", "Looks like a name not in the register"
        elif t.kind == "staff-name":
            t.decision, t.reason = "keep", "Staff name"
        else:
            t.decision, t.reason = "keep", ""
    return texts


def _extend_right(poly: Sequence[tuple[float, float]], frac: float) -> list[tuple[float, float]]:
    """Lengthen a line's box at its end (reading direction) by ``frac`` of its length."""
    p = np.asarray(poly, dtype=np.float64).reshape(4, 2)
    frac = min(1.0, max(0.0, frac))
    top, bottom = (p[1] - p[0]) * frac, (p[2] - p[3]) * frac
    out = [p[0], p[1] + top, p[2] + bottom, p[3]]
    return [(float(x), float(y)) for x, y in out]


def _grow_polygon(poly: Sequence[tuple[float, float]], pad_frac: float = 0.25,
                  min_pad: float = 3.0) -> list[tuple[float, float]]:
    """Grow a 4-point text box outwards along its own axes (by a share of its line height)."""
    p = np.asarray(poly, dtype=np.float64).reshape(4, 2)
    across = ((p[3] - p[0]) + (p[2] - p[1])) / 2.0       # top -> bottom
    along = ((p[1] - p[0]) + (p[2] - p[3])) / 2.0        # left -> right
    h, w = np.linalg.norm(across), np.linalg.norm(along)
    if h < 1e-6 or w < 1e-6:
        c = p.mean(axis=0)
        r = max(min_pad, 2.0)
        return [(c[0] - r, c[1] - r), (c[0] + r, c[1] - r), (c[0] + r, c[1] + r), (c[0] - r, c[1] + r)]
    line_h = min(h, w)
    pad = max(min_pad, pad_frac * line_h)
    u, v = along / w, across / h
    grown = [p[0] - u * pad - v * pad, p[1] + u * pad - v * pad,
             p[2] + u * pad + v * pad, p[3] - u * pad + v * pad]
    return [(float(x), float(y)) for x, y in grown]


def text_redactions(texts: Iterable[TextItem]) -> list[Redaction]:
    """Areas to cover: every text to redact, and (fail closed) every text still under review.

    The whole line's box is covered, grown by a quarter of the line height (at least 3 px) so
    tight OCR boxes still cover the glyphs.
    """
    out = []
    for t in texts:
        if t.final_decision not in ("redact", "review"):
            continue
        label = t.person or ("Name to review" if t.final_decision == "review" else "Name")
        out.append(Redaction(shape="polygon", points=_grow_polygon(t.polygon), source="text",
                             label=label))
    return out


# --------------------------------------------------------------------------------------------
# Captions
# --------------------------------------------------------------------------------------------

@dataclass
class CaptionFinding:
    span: tuple[int, int]
    person: str | None
    found: str
    replacement: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"span": list(self.span), "person": self.person, "found": self.found,
                "replacement": self.replacement, "reason": self.reason}


@dataclass
class CaptionCheck:
    ok: bool
    findings: list[CaptionFinding] = field(default_factory=list)
    suggestion: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_dict() for f in self.findings],
                "suggestion": self.suggestion}


def check_caption(caption: str, people: Sequence[Person], channel: str, on: _dt.date,
                  mode: str, *, threshold: int | None = None) -> CaptionCheck:
    """Find pupils' names in a caption and suggest the form the policy allows.

    Pupils whose names may not be shown become initials ("John Smith" -> "JS"); where the
    policy allows only first names, the surname is dropped. Staff names are left alone.
    """
    from photovet.core.policy import caption_name_form  # noqa: PLC0415

    matcher = NameMatcher(people, threshold=threshold if threshold is not None else 90)
    findings: list[CaptionFinding] = []
    taken: list[tuple[int, int]] = []
    for hit in matcher.find_all(caption):
        if hit.role != "pupil":
            continue
        s, e = hit.span
        if any(s < te and ts < e for ts, te in taken):
            continue
        person = matcher.by_id.get(hit.person) if hit.person else None
        found = caption[s:e]
        form = caption_name_form(person, channel, on, mode)
        if person is None:
            # the same first name fits several pupils: initials of the name as written
            repl = "".join(w[0].upper() for w in found.split() if w[:1].isalpha()) or found[:1]
            reason = "Name fits several pupils: use initials"
        elif form == "full":
            continue
        elif form == "first":
            if hit.form in ("forename",):
                continue
            repl = person.first_name
            reason = "First name only on this channel"
        else:
            if hit.form == "forename" or hit.form == "surname":
                repl = (person.first_name or found)[0].upper() if hit.form == "forename" \
                    else (person.surname or found)[0].upper()
            else:
                repl = person.initials
            reason = "No consent to name this pupil with a photo: use initials"
        findings.append(CaptionFinding((s, e), hit.person, found, repl, reason))
        taken.append((s, e))
    suggestion = caption
    for f in sorted(findings, key=lambda f: f.span[0], reverse=True):
        s, e = f.span
        suggestion = suggestion[:s] + f.replacement + suggestion[e:]
    return CaptionCheck(ok=not findings, findings=sorted(findings, key=lambda f: f.span[0]),
                        suggestion=suggestion)


__all__ = [
    "TextEngine", "NameMatcher", "NameHit", "looks_like_name", "classify_texts", "decide_texts",
    "text_redactions", "check_caption", "CaptionCheck", "CaptionFinding", "canon",
]
