"""YuNet (OpenCV Zoo ``face_detection_yunet_2023mar_int8bq.onnx``, MIT): the second face
detector, and the 5 landmarks that align a face for the signature model.

Network: input N,3,H,W float **BGR** 0..255 (what ``cv2.dnn.blobFromImage`` gives for a cv2
image), H and W multiples of 32 (zero padding right and bottom, as OpenCV's FaceDetectorYN
does). 12 outputs: cls/obj (sigmoid already applied), bbox, kps at strides 8, 16, 32, each
[1, (H/s)*(W/s), k].

Decode (OpenCV ``modules/objdetect/src/face_detect.cpp``): score = sqrt(cls * obj);
cx = (col + bbox0) * s, cy = (row + bbox1) * s, w = exp(bbox2) * s, h = exp(bbox3) * s;
landmark k = ((kps[2k] + col) * s, (kps[2k+1] + row) * s), in the order image-left eye,
image-right eye, nose tip, left and right mouth corners (the ArcFace template's order).

The network sees faces of about 10 to 300 px: ``detect`` searches the photo at its own pixels in
tiles plus a coarse pass for faces that fill the frame. ``landmarks_for`` runs it once on a crop
around a face found by either detector, scaled so the face is about 128 px: CenterFace's own
landmarks drift toward the centre on large faces and cost a quarter of the matches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from photovet.core.offline import give_back_arena, large_runs
from photovet.core.vision.faces.boxes import inside_pads, iou_matrix, nms, tile_spans
from photovet.core.vision.faces.pixels import Pyramid, pad_border

_OUT = ("cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32",
        "bbox_8", "bbox_16", "bbox_32", "kps_8", "kps_16", "kps_32")
INPUT = "input"


def decode(outs: dict[str, np.ndarray], pad_h: int, pad_w: int, threshold: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """Network outputs -> boxes (N, 5: x1, y1, x2, y2, score) and landmarks (N, 10)."""
    boxes, lms = [], []
    for s in (8, 16, 32):
        cols = pad_w // s
        cls = np.clip(outs[f"cls_{s}"][0, :, 0], 0, 1)
        obj = np.clip(outs[f"obj_{s}"][0, :, 0], 0, 1)
        score = np.sqrt(cls * obj)
        idx = np.nonzero(score >= threshold)[0]
        if not idx.size:
            continue
        r, c = (idx // cols).astype(np.float32), (idx % cols).astype(np.float32)
        bb = outs[f"bbox_{s}"][0, idx]
        kp = outs[f"kps_{s}"][0, idx]
        cx, cy = (c + bb[:, 0]) * s, (r + bb[:, 1]) * s
        w, h = np.exp(bb[:, 2]) * s, np.exp(bb[:, 3]) * s
        boxes.append(np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score[idx]], 1))
        lm = np.empty((idx.size, 10), np.float32)
        lm[:, 0::2] = (kp[:, 0::2] + c[:, None]) * s
        lm[:, 1::2] = (kp[:, 1::2] + r[:, None]) * s
        lms.append(lm)
    if not boxes:
        return np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32)
    return np.concatenate(boxes).astype(np.float32), np.concatenate(lms)


class YuNet:
    """The YuNet network: ``run`` on one array, ``detect`` on a photo, ``landmarks_for`` a box."""

    def __init__(self, session: Any, *, tile: int = 640, overlap: int = 160,
                 coarse_side: int = 640, max_pass_pixels: float = 16e6):
        self._session = session
        self.tile = int(tile)
        self.overlap = int(overlap)
        self.coarse_side = int(coarse_side)
        self.max_pass_pixels = float(max_pass_pixels)
        #: the coarse pass (a photo larger than ``coarse_side``) widened past the photo's
        #: border by ``edge_pad`` of its side, filled with ``edge_fill`` (pixels.pad_border):
        #: a face the frame cuts is seen with room around it (fusion.py's docstring: measured)
        self.edge_pad = 0.0
        self.edge_fill = "reflect"

    def give_back(self) -> None:
        """Return the buffers of the last runs to the system (``offline.give_back_arena``)."""
        give_back_arena(self._session)

    def run(self, rgb: np.ndarray, threshold: float = 0.5, nms_iou: float = 0.3
            ) -> tuple[np.ndarray, np.ndarray]:
        """One network run on an RGB uint8 (h, w, 3) array: boxes and landmarks in its pixels."""
        h, w = rgb.shape[:2]
        if h < 1 or w < 1:
            return np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32)
        ph, pw = int(math.ceil(h / 32) * 32), int(math.ceil(w / 32) * 32)
        blob = np.zeros((1, 3, ph, pw), np.float32)
        blob[0, :, :h, :w] = rgb[:, :, ::-1].transpose(2, 0, 1)   # RGB -> BGR, CHW
        with large_runs.beside():   # never beside the text detector's overview (offline.TakeTurns)
            res = self._session.run(list(_OUT), {INPUT: blob})
        boxes, lms = decode(dict(zip(_OUT, res)), ph, pw, threshold)
        if len(boxes):
            keep = nms(boxes[:, :4], boxes[:, 4], nms_iou, containment=1.01)
            boxes, lms = boxes[keep], lms[keep]
        return boxes, lms

    def detect(self, rgb: Image.Image, *, threshold: float = 0.3, pyramid: Pyramid | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Faces in an RGB photo: a pass at its own pixels (tiled; scaled down only when larger
        than ``max_pass_pixels``) and a coarse pass (long side ``coarse_side``) for faces up to
        the whole frame. Boxes (N, 5) and landmarks (N, 10) in photo pixels, merged by NMS.
        ``pyramid``: the photo's scaled-down copies shared with the other detector."""
        if pyramid is None or pyramid.rgb is not rgb:
            pyramid = Pyramid(rgb)
        width, height = rgb.size
        long_side = max(width, height)
        levels = [min(1.0, math.sqrt(self.max_pass_pixels / max(1, width * height)))]
        if long_side > self.coarse_side:
            coarse = self.coarse_side / long_side
            if coarse < levels[0] / 1.15:
                levels.insert(0, coarse)
        all_b, all_m = [], []
        for s in levels:
            sw, sh = max(1, int(round(width * s))), max(1, int(round(height * s)))
            src = rgb if abs(s - 1.0) < 1e-6 else pyramid.box((sw, sh))
            for y0, y1 in tile_spans(sh, self.tile, self.overlap):
                for x0, x1 in tile_spans(sw, self.tile, self.overlap):
                    # tile by tile from the picture: no 36 MB array copy of a 12 MP photo
                    arr = np.asarray(src.crop((x0, y0, x1, y1)))
                    pads = (0, 0, 0, 0)
                    if s < levels[-1] and self.edge_pad > 0:
                        arr, pads = pad_border(arr, (x0 == 0, y0 == 0, x1 == sw, y1 == sh),
                                               self.edge_pad, self.edge_fill)
                    b, m = self.run(arr, threshold)
                    if any(pads) and len(b):
                        b, m = inside_pads(b, m, (x1 - x0, y1 - y0), pads)
                    if not len(b):
                        continue
                    b[:, [0, 2]] = (b[:, [0, 2]] + x0) / s
                    b[:, [1, 3]] = (b[:, [1, 3]] + y0) / s
                    m[:, 0::2] = (m[:, 0::2] + x0) / s
                    m[:, 1::2] = (m[:, 1::2] + y0) / s
                    all_b.append(b)
                    all_m.append(m)
        if not all_b:
            return np.zeros((0, 5), np.float32), np.zeros((0, 10), np.float32)
        boxes, lms = np.concatenate(all_b), np.concatenate(all_m)
        keep = nms(boxes[:, :4], boxes[:, 4], 0.3, containment=0.6)
        boxes, lms = boxes[keep], lms[keep]
        boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, width)
        boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, height)
        return boxes, lms

    def _best_in_crop(self, rgb: Image.Image, box: Sequence[float], target: int, margin: float,
                      threshold: float, min_iou: float) -> tuple[float, np.ndarray] | None:
        """YuNet once on a crop around ``box`` (x, y, w, h, photo pixels): the score and the 5
        landmarks (5, 2, photo pixels) of the detection overlapping the box best, or None.

        The crop is the box grown by ``margin`` of its long side on every side, scaled so the
        face is about ``target`` px; a detection counts when its IoU with the box (in photo
        pixels) is at least ``min_iou``.
        """
        x, y, w, h = (float(v) for v in box)
        side = max(w, h, 1.0)
        m = margin * side
        cx0, cy0 = max(0, int(math.floor(x - m))), max(0, int(math.floor(y - m)))
        cx1 = min(rgb.width, int(math.ceil(x + w + m)))
        cy1 = min(rgb.height, int(math.ceil(y + h + m)))
        if cx1 - cx0 < 4 or cy1 - cy0 < 4:
            return None
        k = target / side
        cw, ch = max(8, int(round((cx1 - cx0) * k))), max(8, int(round((cy1 - cy0) * k)))
        crop = rgb.crop((cx0, cy0, cx1, cy1)).resize(
            (cw, ch), Image.Resampling.BOX if k < 1 else Image.Resampling.BILINEAR)
        kx, ky = cw / (cx1 - cx0), ch / (cy1 - cy0)
        boxes, lms = self.run(np.asarray(crop), threshold)
        if not len(boxes):
            return None
        b = boxes[:, :4].astype(np.float64).copy()
        b[:, [0, 2]] = b[:, [0, 2]] / kx + cx0
        b[:, [1, 3]] = b[:, [1, 3]] / ky + cy0
        ious = iou_matrix(np.array([[x, y, x + w, y + h]]), b)[0]
        j = int(np.argmax(ious))
        if ious[j] < min_iou:
            return None
        lm = lms[j].astype(np.float64).reshape(5, 2)
        lm[:, 0] = lm[:, 0] / kx + cx0
        lm[:, 1] = lm[:, 1] / ky + cy0
        return float(boxes[j, 4]), lm

    def landmarks_for(self, rgb: Image.Image, box: Sequence[float], *, target: int = 128,
                      margin: float = 0.6, threshold: float = 0.3, min_iou: float = 0.3
                      ) -> np.ndarray | None:
        """YuNet's 5 landmarks (5, 2) for the face in ``box`` (x, y, w, h, photo pixels), or None
        (``_best_in_crop``: one search of a crop around the box)."""
        found = self._best_in_crop(rgb, box, target, margin, threshold, min_iou)
        return None if found is None else found[1]

    def sureness(self, rgb: Image.Image, box: Sequence[float], *, target: int = 128,
                 margin: float = 0.6, min_iou: float = 0.3) -> float:
        """How sure YuNet is that ``box`` holds a face, searched as ``landmarks_for`` searches
        (0.0 when it finds nothing there). Enrolment asks it of a portrait's face."""
        found = self._best_in_crop(rgb, box, target, margin, 0.05, min_iou)
        return 0.0 if found is None else found[0]


__all__ = ["INPUT", "YuNet", "decode"]
