"""PhotoVet: check school photos for consent, faces, names and hidden metadata before posting."""

__version__ = "0.2.0"

# Before anything can load onnxruntime: switch its telemetry off (photovet/core/offline.py).
from photovet.core import offline as _offline

_offline.apply()
