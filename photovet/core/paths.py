"""Where PhotoVet keeps its data on this PC.

Everything lives under one data folder: the platform's per-user data directory
(``platformdirs.user_data_dir("PhotoVet")``), or ``$PHOTOVET_HOME`` when set (tests,
portable installs on a USB stick). The folder is created with mode 0700: it holds
children's personal and biometric data.
"""

from __future__ import annotations

import errno
import os
from importlib import resources
from pathlib import Path

import platformdirs

from photovet.core.errors import FolderAccessError

APP_NAME = "PhotoVet"

# what each of PhotoVet's own folders is called for a person, and the variable that moves it
_FOLDERS = {"data": ("data folder", "PHOTOVET_HOME"), "config": ("key folder", "PHOTOVET_CONFIG")}


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "a file is in the way where the folder should be"
    return (exc.strerror or type(exc).__name__).lower()


def folder_error(path: Path, exc: OSError, kind: str = "data") -> FolderAccessError:
    """An OSError met opening one of PhotoVet's own folders, in words with what to do."""
    what, env = _FOLDERS[kind]
    return FolderAccessError(
        f"PhotoVet cannot open its {what} {path} ({_why(exc)})",
        hint=f"Ask IT to give your account access to it, or set {env} to a folder you own.")


def ensure_folder(path: Path, kind: str = "data") -> Path:
    """Create ``path`` (0700) if needed and check this account can read and write in it;
    FolderAccessError in words otherwise (never a bare PermissionError)."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(path))
    except OSError as exc:
        raise folder_error(path, exc, kind) from exc
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    effective = os.access in os.supports_effective_ids   # the account this process acts as
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK, effective_ids=effective):
        raise folder_error(path, PermissionError(errno.EACCES, "Permission denied"), kind)
    return path


def data_dir(create: bool = True) -> Path:
    env = os.environ.get("PHOTOVET_HOME")
    path = Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if create:
        ensure_folder(path, "data")
    return path


def config_dir(create: bool = True) -> Path:
    """This PC user's PhotoVet configuration folder: where keys live when there is no OS
    keyring (and pinned server certificates). ``$PHOTOVET_CONFIG`` when set (tests). It is
    NOT the data folder, so a copy or backup of the data folder does not carry the keys."""
    env = os.environ.get("PHOTOVET_CONFIG")
    path = Path(env).expanduser() if env else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    if create:
        ensure_folder(path, "config")
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
