"""import-device into a folder PhotoVet cannot use is refused before anything is copied, in
words with what to do (s65: "the destination folder could not be created (File exists)" for a
file given as the folder, and for a read-only folder the operating system's "Read-only file
system; the photo is still on the device" once for every photo)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from photovet.core.errors import NotAFileError, OutputFolderError
from photovet.core.transfer import import_from_device
from tests.conftest import as_nobody, skip_unless_root


def _device(root: Path) -> Path:
    folder = root / "DCIM" / "100CANON"
    folder.mkdir(parents=True)
    for i in range(2):
        Image.new("RGB", (64, 48), (40 * i, 90, 200)).save(folder / f"IMG_{i}.JPG", "JPEG")
    return root


def _refusal(src: Path, dest: Path) -> OutputFolderError:
    # nothing is recorded before the destination is checked: a signed-in preparer is all
    # the audit log is asked for (no register needed)
    preparer = SimpleNamespace(name="Mrs Office")
    audit = SimpleNamespace(access=SimpleNamespace(require=lambda _what: preparer))
    with pytest.raises(OutputFolderError) as caught:
        list(import_from_device(src, dest, audit=audit))
    return caught.value


@pytest.mark.parametrize("where", ["the folder", "a folder inside it"])
def test_a_file_where_the_folder_should_be(tmp_path, where):
    dev = _device(tmp_path / "card")
    (tmp_path / "photos.jpg").write_bytes(b"a file, not a folder")
    dest = tmp_path / "photos.jpg" if where == "the folder" else tmp_path / "photos.jpg" / "trip"
    err = _refusal(dev, dest)
    assert err.message == ("a file is in the way where the folder on this PC should be; give "
                           "a folder to copy the photos into")
    assert err.hint == ("Choose a folder you can write to. Nothing was copied: the photos are "
                        "still on the device.")
    assert (tmp_path / "photos.jpg").read_bytes() == b"a file, not a folder"
    assert sorted(p.name for p in (dev / "DCIM" / "100CANON").iterdir()) == ["IMG_0.JPG",
                                                                              "IMG_1.JPG"]


@pytest.fixture
def nobody_base():
    skip_unless_root()
    base = Path(tempfile.mkdtemp(prefix="photovet-nobody-"))
    os.chmod(base, 0o777)

    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("new", [False, True], ids=["existing folder", "new folder in it"])
def test_a_folder_this_account_may_not_write_in(nobody_base, new):
    base = nobody_base
    dev = _device(base / "card")
    for folder in (dev, *dev.rglob("*")):
        os.chmod(folder, 0o755 if folder.is_dir() else 0o644)
    shut = base / "shared"
    shut.mkdir(mode=0o555)
    os.chmod(shut, 0o555)
    dest = shut / "trip" if new else shut
    with as_nobody():
        err = _refusal(dev, dest)
    said = ("the folder on this PC could not be made (permission denied)" if new else
            "PhotoVet cannot write in the folder on this PC (permission denied)")
    assert err.message == said and err.path == dest
    assert err.hint and err.hint.endswith("Nothing was copied: the photos are still on the device.")
    assert list(shut.iterdir()) == []      # not even a probe left behind


@pytest.mark.parametrize("side", ["device", "pc"])
def test_one_photo_that_cannot_be_read_or_written_says_which(nobody_base, side):
    """Before (s65): the operating system's words ("Permission denied; the photo is still on
    the device"), the same whether the card or this PC refused."""
    base = nobody_base
    dev = base / "card"
    (dev / "DCIM").mkdir(parents=True)
    photo = dev / "DCIM" / "IMG_1.JPG"
    Image.new("RGB", (64, 48), (90, 140, 200)).save(photo, "JPEG")
    into = base / "pc"
    (into / "DCIM").mkdir(parents=True)
    for folder in (dev, dev / "DCIM", into):
        os.chmod(folder, 0o777)
    os.chmod(photo, 0o000 if side == "device" else 0o644)
    os.chmod(into / "DCIM", 0o777 if side == "device" else 0o555)
    preparer = SimpleNamespace(name="Mrs Office")
    audit = SimpleNamespace(access=SimpleNamespace(require=lambda _what: preparer),
                            record=lambda *_a, **_k: None)
    with as_nobody():
        steps = list(import_from_device(dev, into, audit=audit))
    (result,) = [s.result for s in steps if s.result is not None]
    said = {"device": "DCIM/IMG_1.JPG: it could not be read on the device (permission denied); "
                      "it is still on the device",
            "pc": "DCIM/IMG_1.JPG: its copy could not be written in the folder on this PC "
                  "(permission denied); the photo is still on the device"}[side]
    assert result.error == said and not result.verified
    assert photo.exists() and list((into / "DCIM").iterdir()) == []


def test_a_device_folder_this_account_may_not_open(nobody_base):
    """Before (s65): "error: .: this folder on the device could not be read (Permission
    denied); its photos were NOT copied" (the device folder itself, named '.')."""
    base = nobody_base
    dev = _device(base / "card")
    os.chmod(dev, 0o000)
    into = base / "pc"
    into.mkdir(mode=0o777)
    os.chmod(into, 0o777)
    try:
        with as_nobody():
            with pytest.raises(NotAFileError) as caught:
                list(import_from_device(dev, into, audit=SimpleNamespace(
                    access=SimpleNamespace(require=lambda _w: SimpleNamespace(name="Jo")))))
    finally:
        os.chmod(dev, 0o755)
    assert str(caught.value) == "card: PhotoVet cannot open the device folder (permission denied)"
    assert caught.value.hint and caught.value.hint.endswith("Nothing was copied.")
    assert list(into.iterdir()) == []


def test_an_error_that_names_no_file_is_not_blamed_on_the_card(tmp_path):
    """A read or write error that names no file (a disk's I/O error mid-copy) cannot say which
    side failed: it says neither."""
    import errno

    from photovet.core.transfer import _copy_failed

    dest = tmp_path / "pc"
    assert _copy_failed(OSError(errno.EIO, "Input/output error"), dest) == (
        "it could not be copied (input/output error); the photo is still on the device")
    assert _copy_failed(OSError(errno.EIO, "Input/output error", str(dest / "a.jpg")), dest) \
        .startswith("its copy could not be written in the folder on this PC")
    assert _copy_failed(OSError(errno.EIO, "Input/output error", str(tmp_path / "card" / "a")),
                        dest).startswith("it could not be read on the device")
