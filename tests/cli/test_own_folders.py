"""PhotoVet's own folders and log, when this account may not use them: one message in words,
never a traceback (audit 2, A2 and A3)."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import tempfile
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from photovet.cli import cli, main
from photovet.core import logs
from tests.conftest import as_nobody, skip_unless_root


@pytest.fixture
def locked(monkeypatch):
    """A folder only root may enter (0700), and a way to run part of a test as 'nobody'."""
    skip_unless_root()
    base = Path(tempfile.mkdtemp(prefix="photovet-locked-"))
    os.chmod(base, 0o755)
    shut = base / "shut"
    shut.mkdir(mode=0o700)
    free = base / "free"
    free.mkdir(mode=0o777)
    os.chmod(free, 0o777)

    yield base, shut, free, as_nobody
    subprocess.run(["rm", "-rf", str(base)], check=False)


def _photo(path: Path) -> Path:
    Image.new("RGB", (64, 48), (90, 140, 200)).save(path, "JPEG")
    os.chmod(path, 0o644)
    return path


@pytest.mark.parametrize("where", ["the folder", "a new folder inside it"])
def test_a_data_folder_this_account_cannot_open(locked, monkeypatch, where):
    base, shut, _free, as_nobody = locked
    home = shut if where == "the folder" else shut / "newsub"
    monkeypatch.setenv("PHOTOVET_HOME", str(home))
    with as_nobody():
        res = CliRunner().invoke(cli, ["register", "list"])
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit), \
        "".join(traceback.format_exception(*res.exc_info))
    assert (f"error: PhotoVet cannot open its data folder {home} (permission denied).\n"
            "Ask IT to give your account access to it, or set PHOTOVET_HOME to a folder you "
            "own.") in res.stderr


def test_a_key_folder_this_account_cannot_open(locked, monkeypatch):
    base, shut, free, as_nobody = locked
    monkeypatch.setenv("PHOTOVET_HOME", str(free / "home"))
    monkeypatch.setenv("PHOTOVET_CONFIG", str(shut / "cfg"))
    monkeypatch.setenv("PHOTOVET_KEYSTORE", "file")
    monkeypatch.delenv("PHOTOVET_REGISTER", raising=False)
    with as_nobody():
        res = CliRunner().invoke(cli, ["register", "list"])
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit), \
        "".join(traceback.format_exception(*res.exc_info))
    assert (f"PhotoVet cannot open its key folder {shut / 'cfg'} (permission denied)"
            in res.stderr), res.stderr
    assert "set PHOTOVET_CONFIG to a folder you own" in res.stderr


@pytest.mark.parametrize("failure,words", [
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
])
def test_a_log_that_cannot_be_written_is_one_warning_and_the_command_still_runs(
        tmp_path, monkeypatch, capfd, failure, words):
    """Before: '--- Logging error ---' and a traceback for every line logged (159 lines for
    one scan), on a command that had worked."""
    photo = _photo(tmp_path / "ok.jpg")
    real_open = os.open
    log_file = str(logs.log_path(Path(os.environ["PHOTOVET_HOME"])))

    def refuse(path, *a, **k):
        if os.fspath(path) == log_file:
            raise failure
        return real_open(path, *a, **k)

    monkeypatch.setattr(logs, "_problem", None, raising=False)
    for handler in logs._configured.values():
        handler.close()       # opened again (delay=True) at the next line logged
    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(SystemExit) as stop:
        main(["scan", "--no-text", str(photo)])
    for _ in range(3):      # later lines in the same process: still nothing on the screen
        logs.get("test").warning("one more line")
    logging.getLogger("py.warnings").warning("a library warning")
    err = capfd.readouterr().err
    assert stop.value.code == 0, err
    assert "Logging error" not in err and "Traceback" not in err, err
    assert err.strip().splitlines() == [
        f"warning: PhotoVet cannot write its log file ({log_file}: {words}); the command "
        "still ran. Tell IT."]


def test_a_file_error_no_command_foresaw_is_one_line_not_a_traceback(monkeypatch, capfd):
    from photovet.core.workspace import Workspace

    def broken(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", "/shared/Zoe Smith.jpg")

    monkeypatch.setattr(Workspace, "open", broken)
    with pytest.raises(SystemExit) as stop:
        main(["register", "list"])
    err = capfd.readouterr().err
    assert stop.value.code == 1
    assert "Traceback" not in err
    assert err.splitlines()[0] == (
        "error: PhotoVet could not use /shared/Zoe Smith.jpg (permission denied); the command "
        "stopped. Tell IT (the details are in PhotoVet's log).")
    log = logs.log_path(Path(os.environ["PHOTOVET_HOME"])).read_text(encoding="utf-8")
    assert "PermissionError" in log and "Zoe" not in log
