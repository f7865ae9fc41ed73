"""s65: the export's check that it may write in its folder (``export.check_output_folder``)
and the folder's own clock (``fsutil.FolderClock.now``) each make a file in the school's
folder and remove it. Named by ``tempfile.mkstemp`` (".photovet-probe-<random>"), one left
behind (PhotoVet killed between the two, or the removal refused) stayed there for ever: no
clean-up knew it. It is named with its process and computer (``fsutil.probe_name``), so the
clean-up that runs for that folder removes it once that process is gone, never a running
PhotoVet's, and the export does not count it as an unfinished copy."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from photovet.core import fsutil
from photovet.core.errors import OutputFolderError
from photovet.core.fsutil import FolderClock
from photovet.core.media import export
from photovet.core.media.export import check_output_folder, clean_leftovers, export_batch
from photovet.core.models import Channel
from photovet.core.transfer import clean_temp_files
from tests.core.test_file_hunt_s45 import _dead_pid


def _refused(path, *_a, **_k):
    raise PermissionError(errno.EACCES, "Permission denied", str(path))


def _left(folder: Path, monkeypatch, make, *, dead: bool = True) -> Path:
    """The test file ``make`` makes in ``folder``, left as a PhotoVet killed before removing it
    leaves it: by a process that has ended (``dead``) or by this one, still running."""
    folder.mkdir(parents=True, exist_ok=True)
    if dead:
        owner = fsutil.temp_owner(int(_dead_pid()))
        monkeypatch.setattr(fsutil, "temp_owner", lambda: owner)
    monkeypatch.setattr(os, "unlink", _refused)
    make(folder)
    monkeypatch.undo()
    (left,) = list(folder.iterdir())
    assert left.name.startswith(".photovet-probe-")
    return left


def _by_check(folder: Path) -> None:
    check_output_folder(folder)


def _by_clock(folder: Path) -> None:
    assert FolderClock(folder).now() is not None


WEB = Channel("website", "School website", long_edge=2048, quality=88)


def _first_message(out: Path) -> str:
    steps = list(export_batch([], out, label="Sports Day", channel=WEB))
    return steps[0].message


@pytest.mark.parametrize("make", [_by_check, _by_clock], ids=["check", "clock"])
def test_a_probe_left_in_an_export_folder_is_removed_and_not_called_a_copy(tmp_path,
                                                                           monkeypatch, make):
    out = tmp_path / "safe copies"
    left = _left(out, monkeypatch, make)
    assert clean_leftovers(out) == []         # not an unfinished copy
    assert not left.exists()
    assert list(out.iterdir()) == []


def test_the_next_export_removes_it_and_says_nothing_of_unfinished_copies(tmp_path,
                                                                         monkeypatch):
    out = tmp_path / "safe copies"
    left = _left(out, monkeypatch, _by_check)
    message = _first_message(out)
    assert "unfinished" not in message
    assert not left.exists() and list(out.iterdir()) == []


def test_an_unfinished_copy_beside_a_left_probe_is_counted_alone(tmp_path, monkeypatch):
    out = tmp_path / "safe copies"
    left = _left(out, monkeypatch, _by_clock)
    owner = fsutil.temp_owner(int(_dead_pid()))
    copy = out / f"{export.TEMP_PREFIX}{owner}-0123456789ab.part"
    copy.write_bytes(b"half a photo")
    message = _first_message(out)
    assert "removed 1 unfinished copy left by an interrupted export" in message
    assert not left.exists() and not copy.exists() and list(out.iterdir()) == []


def test_a_clock_probe_left_in_an_import_folder_is_removed_by_clean_temp_files(tmp_path,
                                                                              monkeypatch):
    dest = tmp_path / "photos" / "DCIM"
    left = _left(dest, monkeypatch, _by_clock)
    assert clean_temp_files(tmp_path / "photos") == []     # not a copy either
    assert not left.exists()


@pytest.mark.parametrize("make", [_by_check, _by_clock], ids=["check", "clock"])
def test_a_probe_of_a_running_photovet_is_kept(tmp_path, monkeypatch, make):
    """Another PhotoVet, still running (here: this one), testing the same folder."""
    out = tmp_path / "safe copies"
    left = _left(out, monkeypatch, make, dead=False)
    assert clean_leftovers(out) == [] and left.exists()
    assert clean_temp_files(out) == [] and left.exists()
    assert fsutil.clean_probes(out) == [] and left.exists()


def test_a_probe_of_another_computer_waits_as_its_copies_do(tmp_path, monkeypatch):
    """Another PC's (a shared folder): its process cannot be asked about, so only once nobody
    has written to it for hours by the folder's clock."""
    out = tmp_path / "safe copies"
    out.mkdir()
    other = out / ".photovet-probe-4242@0badc0de+0badc0de-00112233"
    other.write_bytes(b"")
    assert clean_leftovers(out) == [] and other.exists()
    old = os.stat(other).st_mtime - fsutil.STALE_TEMP_SECONDS - 60
    os.utime(other, (old, old))
    assert clean_leftovers(out) == [] and not other.exists()


def test_a_writable_folder_is_accepted_and_left_as_it_was(tmp_path):
    out = tmp_path / "safe copies"
    out.mkdir()
    check_output_folder(out)
    assert FolderClock(out).now() is not None
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("code, said", [(errno.EROFS, "the disk is read-only"),
                                        (errno.EACCES, "permission denied")])
def test_a_folder_it_cannot_write_in_is_still_refused(tmp_path, monkeypatch, code, said):
    """Run as root here, so the refusal is the operating system's answer to making the test
    file, given as it would be."""
    out = tmp_path / "safe copies"
    out.mkdir()
    real_open = os.open

    def refusing(path, *args, **kwargs):
        if Path(path).parent == out:
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    with pytest.raises(OutputFolderError) as caught:
        check_output_folder(out)
    assert FolderClock(out).now() is None
    monkeypatch.undo()
    assert caught.value.message == f"PhotoVet cannot write to the output folder ({said})"
    assert list(out.iterdir()) == []
