"""Faces: find every face, make a signature of each, and match them to the enrolled people
without guessing.

One idea per module:

- ``onnxfix``: the in-memory rewrites that let onnxruntime run the shipped model files;
- ``boxes``: IoU, non-maximum suppression, tiling, clipping; ``pixels``: any image mode to RGB,
  and a photo's scaled-down copies made once for both detectors;
- ``centerface``: the first detector (pyramid, tiles, refinement of weak candidates);
- ``yunet``: the second detector, and the landmarks that align a face;
- ``fusion``: the two detectors' boxes merged by an agreement rule;
- ``alignment``: five landmarks -> a 112 x 112 chip (numpy and Pillow);
- ``signatures``: the SFace encoder (current) and dlib's (people enrolled with PhotoVet 0.1);
- ``matching``: all faces of a photo matched jointly, look-alikes need more;
- ``engine``: ``FaceEngine``, what the pipeline and enrolment load once and call.

The model files (``assets/models``): CenterFace (MIT), YuNet int8bq (MIT) and SFace int8bq
(Apache-2.0) from OpenCV Zoo; provenance and licences beside them.
"""

from photovet.core.vision.faces.boxes import (
           box_iou,
           clip_box,
           iou_matrix,
           merge_nested,
           nms,
           nms_merge,
           tile_spans,
)
from photovet.core.vision.faces.engine import VERSION, FaceEngine
from photovet.core.vision.faces.matching import (
           FaceMatcher,
           Thresholds,
           assign,
           thresholds_from_settings,
)
from photovet.core.vision.faces.pixels import to_rgb
from photovet.core.vision.faces.signatures import CURRENT, DLIB, MODEL_NAMES, SFACE, SFACE_ONE_CROP

__all__ = ["CURRENT", "DLIB", "FaceEngine", "FaceMatcher", "MODEL_NAMES", "SFACE", "SFACE_ONE_CROP",
           "Thresholds", "VERSION", "assign", "box_iou", "clip_box", "iou_matrix", "merge_nested", "nms",
           "nms_merge", "thresholds_from_settings", "tile_spans", "to_rgb"]
