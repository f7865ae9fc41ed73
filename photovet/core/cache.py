"""Analysis cache: what detection, recognition and OCR found in a photo, keyed by the photo's
content hash and by a fingerprint of everything that changes those results (analysis settings,
enrolled faces, register names). Re-opening a batch is then instant, and changing recognition
strictness or enrolling someone re-analyses.

Only channel-independent results are cached (boxes, who a face is nearest to, text read, as
register ids, never names); consent decisions and the review are applied again every time, so a
consent change takes effect at once. No face signatures are written here. Files are JSON,
written atomically, mode 0600, in the data folder.

Ids only, never names (issue 18): ``put`` withholds the words of every line read as a name
(``NAME_KINDS``: the register id says whose it is), the photo's file name (it may be a pupil's
name; the caller knows the path), and the metadata values that are names or free text (people
tagged, owner and author, comments). A file of an older cache version (which kept them) is
deleted when it is met. The retention schedule (retention.py) deletes files older than
``retention.cache_days``.

Sealed: each entry carries an HMAC (``_seal``) made with a key derived from the register key,
over the entry as written and the photo hash and analysis key it is filed under. An entry that
was edited (a face taken out of the list, a name's kind changed), damaged on disk, or copied
under another photo's name does not match its seal: it is deleted and the photo is checked
again. Without the register key on this PC nothing is read from or written to the cache (the
photos are checked every time).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from photovet.core.fsutil import crash_point
from photovet.core.keys import mac, mac_ok
from photovet.core.models import NAME_KINDS  # text kinds kept as the register id only

log = logging.getLogger("photovet.cache")

CACHE_VERSION = 4   # 4: sealed
#: metadata finding categories whose values may be names or free text
WITHHELD_CATEGORIES = ("people", "owner", "text")


def without_names(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a cache entry with names withheld (see the module notes)."""
    out = dict(data)
    analysis = out.get("analysis")
    if isinstance(analysis, dict):
        a = dict(analysis)
        a["path"] = ""
        a["texts"] = [dict(t, text="") if t.get("kind") in NAME_KINDS else t
                      for t in a.get("texts", [])]
        meta = a.get("metadata")
        if isinstance(meta, dict):
            meta = dict(meta)
            meta["findings"] = [dict(f, value="", data={}) if f.get("category") in
                                WITHHELD_CATEGORIES else f for f in meta.get("findings", [])]
            a["metadata"] = meta
        out["analysis"] = a
    return out


def _canonical(payload: dict[str, Any]) -> str:
    """The entry as one string, the same after a JSON round trip (what the seal covers)."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class AnalysisCache:
    """``seal``: gives the key entries are sealed with, or None when this PC has no register
    key (then the cache is not used). Without ``seal`` at all (a cache made by hand in a test
    or benchmark) entries are not sealed."""

    def __init__(self, root: Path, seal: Callable[[], bytes | None] | None = None):
        self.root = Path(root)
        self._seal = seal

    def _file(self, sha256: str, key: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}-{key}.json"

    def _seal_key(self) -> bytes | None:
        """The sealing key; b"" for an unsealed cache; None: do not use the cache."""
        return b"" if self._seal is None else self._seal()

    @staticmethod
    def _drop(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass

    def get(self, sha256: str, key: str) -> dict[str, Any] | None:
        seal = self._seal_key()
        if seal is None:
            return None
        path = self._file(sha256, key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("_version") != CACHE_VERSION:
            # an older version kept names: it goes now, not at the next retention run
            self._drop(path)
            return None
        if seal:
            stamp = data.pop("_seal", None)
            if not mac_ok(seal, stamp, "cache v1", sha256, key, _canonical(data)):
                log.warning("cache entry %s-%s does not match its seal: deleted, the photo is "
                            "checked again", sha256[:12], key[:8])
                self._drop(path)
                return None
        return data

    def put(self, sha256: str, key: str, data: dict[str, Any]) -> None:
        seal = self._seal_key()
        if seal is None:
            return
        path = self._file(sha256, key)
        payload = dict(without_names(data), _version=CACHE_VERSION)
        if seal:
            payload["_seal"] = mac(seal, "cache v1", sha256, key, _canonical(payload))
        try:
            # the cache folder too (mkdir gives ``mode`` to the last folder only: the cache
            # folder was made 0755, audit s29)
            for folder in (self.root, path.parent):
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh)
            crash_point("cache.temp-written")
            os.replace(tmp, path)
        except OSError:
            # A cache that cannot be written only costs time; never fail the analysis for it.
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def files(self) -> list[Path]:
        """Every cache file (any version)."""
        return sorted(self.root.glob("*/*.json"))

    def clear(self) -> int:
        n = 0
        for p in self.root.glob("*/*.json"):
            try:
                p.unlink()
                n += 1
            except OSError:
                pass
        return n
