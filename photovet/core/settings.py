"""Settings: the shipped defaults (assets/default_settings.json) overlaid with the school's
own ``settings.json`` in the data folder. The file is plain JSON so a school can edit it.

Only values that change analysis results go into ``analysis_key()``; the analysis cache
uses it, so changing recognition strictness re-analyses photos, and changing JPEG quality
does not.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from photovet.core.errors import SettingsError
from photovet.core.fsutil import atomic_write_text
from photovet.core.paths import asset_path, settings_path


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def defaults() -> dict[str, Any]:
    with open(asset_path("default_settings.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("_comment", None)
    return data


class Settings:
    """Dictionary-like settings with dotted access: ``settings.get("recognition.max_distance")``."""

    def __init__(self, data: dict[str, Any] | None = None, path: Path | None = None):
        self.path = path
        self.data = _merge(defaults(), data or {})

    @classmethod
    def load(cls, path: Path | None = None) -> "Settings":
        path = Path(path) if path else settings_path()
        user: dict[str, Any] = {}
        if path.exists():
            try:
                user = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SettingsError(
                    f"the settings file could not be read ({exc})",
                    path=path,
                    hint="Fix or delete the file; PhotoVet will use its defaults.",
                ) from exc
            if not isinstance(user, dict):
                raise SettingsError("the settings file is not a JSON object", path=path)
        return cls(user, path)

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def set(self, dotted: str, value: Any) -> None:
        node = self.data
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    @property
    def channels(self) -> list[str]:
        return list(self.data.get("channels", {}).keys())

    def channel(self, name: str) -> dict[str, Any]:
        ch = self.data.get("channels", {}).get(name)
        if ch is None:
            raise SettingsError(
                f"unknown channel '{name}'",
                hint="Channels: " + ", ".join(self.channels),
            )
        return ch

    def analysis_key(self) -> str:
        """A short hash of every setting that changes analysis results."""
        relevant = {k: self.data.get(k) for k in ("recognition", "detection", "text")}
        blob = json.dumps(relevant, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def save(self, path: Path | None = None) -> Path:
        """Write atomically (temp file + rename)."""
        path = Path(path or self.path or settings_path())
        atomic_write_text(path, json.dumps(self.data, indent=2, sort_keys=True), prefix=".settings-")
        self.path = path
        return path
