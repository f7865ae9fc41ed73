"""Analysis cache: what detection, recognition and OCR found in a photo, keyed by the photo's
content hash and by a fingerprint of everything that changes those results (analysis settings,
enrolled faces, register names). Re-opening a batch is then instant, and changing recognition
strictness or enrolling someone re-analyses.

Only channel-independent results are cached (boxes, who a face is nearest to, text read, as
register ids, never names); consent decisions and the review are applied again every time, so a
consent change takes effect at once. No face signatures are written here. Files are JSON,
written atomically, mode 0600, in the data folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_VERSION = 2


class AnalysisCache:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _file(self, sha256: str, key: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}-{key}.json"

    def get(self, sha256: str, key: str) -> dict[str, Any] | None:
        path = self._file(sha256, key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("_version") != CACHE_VERSION:
            return None
        return data

    def put(self, sha256: str, key: str, data: dict[str, Any]) -> None:
        path = self._file(sha256, key)
        payload = dict(data, _version=CACHE_VERSION)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh)
            os.replace(tmp, path)
        except OSError:
            # A cache that cannot be written only costs time; never fail the analysis for it.
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def clear(self) -> int:
        n = 0
        for p in self.root.glob("*/*.json"):
            try:
                p.unlink()
                n += 1
            except OSError:
                pass
        return n
