"""Import OpenCV without letting it break Qt.

The opencv-python wheel (which rapidocr-onnxruntime needs) points QT_QPA_PLATFORM_PLUGIN_PATH
and QT_QPA_FONTDIR at its own bundled Qt 5 plugins when imported. In the same process as
PySide6 that would make Qt 6 load the wrong plugins. Import cv2 only through this module.
"""

from __future__ import annotations

import os

_QT_VARS = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


def import_cv2():
    saved = {k: os.environ.get(k) for k in _QT_VARS}
    try:
        import cv2  # noqa: PLC0415
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return cv2
