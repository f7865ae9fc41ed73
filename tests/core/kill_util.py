"""The kill campaign's shared parts (issue 10): the commands run as real processes
(``python -m photovet ...``), each killed (SIGKILL) part-way at a random moment. The campaign is
one file per command (tests/core/test_kill_*.py), so test workers share it; KILLS is its size.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

# each test kills a real command 10-25 times (105 s for the longest on CI's 2-core machine,
# sharing it with another test worker): more than the suite's 300 s per test is not a hang.
# Every kill file sets ``pytestmark = CAMPAIGN``.
CAMPAIGN = [pytest.mark.slow, pytest.mark.timeout(900)]

KILLS = {"export": 25, "import-device": 25, "purge": 20, "register import": 20, "enrol": 10}


def rng(command: str) -> random.Random:
    """The random moments of one command's kills (the same on every run)."""
    return random.Random(f"20261129-{command}")


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


USER, PASSWORD = "Kill Tester", "staple battery kill horse"
_SET_UP: set[Path] = set()


def env_for(home: Path) -> dict[str, str]:
    """The environment of a command in ``home``, signed in as the office's first admin (created
    once per data folder: admin, preparer and poster, as 'photovet setup admin' gives)."""
    # this "PC"'s key store belongs to the data folder (module fixtures outlive a test's env)
    env = dict(os.environ, PHOTOVET_HOME=str(home), PHOTOVET_USER=USER,
               PHOTOVET_PASSWORD=PASSWORD, PHOTOVET_KEYSTORE="file",
               PHOTOVET_CONFIG=str(home.parent / f"{home.name}-config"))
    env.pop("PHOTOVET_QUIT_AFTER", None)
    if home not in _SET_UP:
        from photovet.core.workspace import Workspace

        saved = dict(os.environ)
        os.environ.update(env)
        try:
            ws = Workspace.open(home)
            try:
                if ws.needs_first_admin():
                    ws.create_first_admin(USER, PASSWORD)
            finally:
                ws.close()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        _SET_UP.add(home)
    return env


def cli(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "photovet", *map(str, args)], env=env_for(home),
                          capture_output=True, text=True, timeout=timeout)


def killed(home: Path, args: list, delay: float) -> None:
    """Start a command and SIGKILL it after ``delay`` seconds (or let it finish first)."""
    proc = subprocess.Popen([sys.executable, "-m", "photovet", *map(str, args)],
                            env=env_for(home), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def timed(home: Path, args: list) -> float:
    t0 = time.monotonic()
    run = cli(home, *args)
    assert run.returncode in (0, 1), run.stderr
    return time.monotonic() - t0


def photos(folder: Path, n: int, seed: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    rng = random.Random(seed)
    for i in range(n):
        p = folder / f"IMG_{seed:02d}{i:03d}.JPG"
        im = Image.new("RGB", (640, 480), tuple(rng.randrange(256) for _ in range(3)))
        im.paste(tuple(rng.randrange(256) for _ in range(3)), (rng.randrange(500), rng.randrange(300),
                                                               600, 450))
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        im.save(p, "JPEG", quality=90, exif=exif)
        out.append(p)
    return out


def open_register(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "register.db")


def audit_ok(home: Path) -> None:
    """The register opens and its audit chain verifies ('photovet audit verify', a check after
    a kill: run in the test's process, see in_process)."""
    in_process(home, "audit", "verify")


REGISTER_HEAD = "UPN,Surname,Forename,Year,Consent: School Website,Consent: Facebook\n"


def register_file(path: Path, n: int, facebook: str) -> Path:
    rows = [f"K{i:012d},Pupil{i},Name{i},Year 3,Yes,{facebook}" for i in range(n)]
    path.write_text(REGISTER_HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def in_process(home: Path, *args: object) -> None:
    """Run a command that prepares a kill, or only reads what a kill left ('audit verify'), in
    the test's own process: the same command, without a process start-up each time (two of the
    campaign's four processes a round went on those), and the models' answer for a picture
    they have seen kept (tests/models_once.py): a round of the purge campaign prepares its
    batch from the same six pictures as every round before it (each file a byte longer, so
    the analysis cache, keyed by the file's bytes, misses), and face detection was 60% of the
    campaign's CPU (s37: 26 of its 34 CPU s were the preparation). A killed command, and the
    command whose run after a kill must finish the job, always run as real processes, which
    read for themselves. It must succeed."""
    from click.testing import CliRunner

    from photovet.cli import cli as photovet_cli
    from tests.models_once import models_read_once

    env = {**env_for(home), "PHOTOVET_QUIT_AFTER": None}
    with pytest.MonkeyPatch.context() as patch:
        models_read_once(patch)
        result = CliRunner().invoke(photovet_cli, [str(a) for a in args], env=env)
    assert result.exit_code == 0, (args[:2], result.output, result.exception)


def office_home(home: Path) -> Path:
    """A data folder with approval off (a one-person office) and name checks off, so the kill
    campaign spends its time in the file work, not in models."""
    for key, value in (("approval.required", "false"), ("text.enabled", "false")):
        in_process(home, "settings", "set", key, value)
    return home


@pytest.fixture(scope="module", name="office")
def office_fixture(tmp_path_factory) -> Path:
    """One ``office_home`` data folder per kill file (a file imports ``office_fixture``)."""
    return office_home(tmp_path_factory.mktemp("kill-home"))
