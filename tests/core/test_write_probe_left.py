"""s65: import-device checks it may write in the folder on this PC by making a file there
and removing it (``transfer._cannot_write_in``). It was named ".photovet-probe-<hex>", which no
clean-up knows: PhotoVet killed between the two (or the removal refused) left it in the
school's folder for ever. It is named as a copy in progress is (``.photovet-tmp-`` with this
process and computer), so the clean-up that runs before the next import into that folder
removes it as any other temporary file left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from photovet.core import fsutil, transfer
from photovet.core.errors import OutputFolderError
from photovet.core.storage import open_db
from photovet.core.transfer import import_from_device
from tests.conftest import office_audit
from tests.core.test_file_hunt_s45 import _dead_pid


def _device(root: Path) -> Path:
    folder = root / "DCIM"
    folder.mkdir(parents=True)
    Image.new("RGB", (64, 48), (90, 140, 200)).save(folder / "IMG_1.JPG", "JPEG")
    return root


def _audit() -> SimpleNamespace:
    """Enough of the audit log for a refusal: nothing is recorded before the folder is
    checked."""
    preparer = SimpleNamespace(name="Mrs Office")
    return SimpleNamespace(access=SimpleNamespace(require=lambda _what: preparer))


def _probe_left_by_a_killed_import(dest: Path, monkeypatch) -> Path:
    """The check's file, left as a PhotoVet killed before removing it leaves it: made by a
    process that has ended (its removal refused here)."""
    dest.mkdir(parents=True, exist_ok=True)
    owner = fsutil.temp_owner(int(_dead_pid()))
    monkeypatch.setattr(transfer, "temp_owner", lambda: owner)

    def refused(path, *_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "unlink", refused)
    assert transfer._cannot_write_in(dest) is None       # it could write: the folder is fine
    monkeypatch.undo()
    (left,) = list(dest.iterdir())
    return left


def test_a_probe_left_behind_is_a_temporary_file_the_clean_up_removes(tmp_path, monkeypatch):
    dest = tmp_path / "photos"
    left = _probe_left_by_a_killed_import(dest, monkeypatch)
    assert transfer.is_temp_name(left.name)
    assert transfer.clean_temp_files(dest) == [left]
    assert list(dest.iterdir()) == []


def test_the_next_import_into_the_folder_removes_it(tmp_path, monkeypatch):
    dest = tmp_path / "photos"
    left = _probe_left_by_a_killed_import(dest, monkeypatch)
    steps = list(import_from_device(_device(tmp_path / "card"), dest,
                                    audit=office_audit(open_db())))
    (result,) = [s.result for s in steps if s.result is not None]
    assert result.verified and not result.error
    assert not left.exists()
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == \
        ["DCIM", "DCIM/IMG_1.JPG"]


def test_a_probe_of_a_running_photovet_is_not_removed(tmp_path, monkeypatch):
    """Another PhotoVet, still running, checking the same folder: its file stays."""
    dest = tmp_path / "photos"
    dest.mkdir()
    monkeypatch.setattr(os, "unlink", lambda path, *_a, **_k: (_ for _ in ()).throw(
        PermissionError(errno.EACCES, "Permission denied", str(path))))
    assert transfer._cannot_write_in(dest) is None
    monkeypatch.undo()
    (left,) = list(dest.iterdir())
    assert transfer.clean_temp_files(dest) == [] and left.exists()


@pytest.mark.parametrize("code, said", [(errno.EROFS, "the disk is read-only"),
                                        (errno.EACCES, "permission denied")])
def test_a_folder_it_cannot_write_in_is_still_refused(tmp_path, monkeypatch, code, said):
    """Run as root here, so the refusal of a read-only disk or of the folder's permissions is
    the operating system's answer to making the check's file, given as it would be."""
    dev = _device(tmp_path / "card")
    dest = tmp_path / "photos"
    dest.mkdir()
    real_open = os.open

    def refusing(path, *args, **kwargs):
        if Path(path).parent == dest:
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    with pytest.raises(OutputFolderError) as caught:
        list(import_from_device(dev, dest, audit=_audit()))
    monkeypatch.undo()
    assert caught.value.message == f"PhotoVet cannot write in the folder on this PC ({said})"
    assert list(dest.iterdir()) == []
    assert (dev / "DCIM" / "IMG_1.JPG").exists()
