"""Where PhotoVet keeps its data on this PC.

Everything lives under one data folder: the platform's per-user data directory
(``platformdirs.user_data_dir("PhotoVet")``), or ``$PHOTOVET_HOME`` when set (tests,
portable installs on a USB stick). The folder is created with mode 0700: it holds
children's personal and biometric data.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "PhotoVet"


def data_dir(create: bool = True) -> Path:
    env = os.environ.get("PHOTOVET_HOME")
    path = Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass
    return path


def config_dir(create: bool = True) -> Path:
    """This PC user's PhotoVet configuration folder: where keys live when there is no OS
    keyring (and pinned server certificates). ``$PHOTOVET_CONFIG`` when set (tests). It is
    NOT the data folder, so a copy or backup of the data folder does not carry the keys."""
    env = os.environ.get("PHOTOVET_CONFIG")
    path = Path(env).expanduser() if env else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass
    return path


def register_path() -> Path:
    return data_dir() / "register.db"


def settings_path() -> Path:
    return data_dir() / "settings.json"


def cache_dir() -> Path:
    p = data_dir() / "cache"
    p.mkdir(parents=True, exist_ok=True, mode=0o700)
    return p


def batches_dir() -> Path:
    """Default place for imported batches (copies from devices)."""
    p = data_dir() / "batches"
    p.mkdir(parents=True, exist_ok=True, mode=0o700)
    return p


def asset_path(*parts: str) -> Path:
    """A file shipped in the package's assets (models, icons, default settings)."""
    return Path(str(resources.files("photovet.assets").joinpath(*parts)))
