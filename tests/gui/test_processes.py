"""The helper process ends with the app (issue 15, item 7): when the window closes, and when the
app gets SIGTERM or SIGINT (a logout, Ctrl+C in a terminal); nothing is left running (the old
app left the helper and multiprocessing's resource tracker behind as orphans)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from photovet.core.workspace import Workspace
from photovet.gui.context import AppContext
from photovet.gui.main_window import MainWindow
from tests.gui.conftest import PREPARER_NAME, create_staff, password_of

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                   reason="reads /proc")]


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split()
    return int(rest[1]), rest[0]


def descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = _stat(int(d))
            if st is not None:
                parents[int(d)] = st[0]
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parents.items() if pp == p}
        todo.extend(kids - out)
        out |= kids
    return out


def alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[1] not in ("Z", "X")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def wait_until(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL],
                         ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_the_helper_ends_with_the_app_on_a_signal(tmp_path, sig):
    with Workspace.open(tmp_path / "home") as w:      # a register with staff accounts
        create_staff(w)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PHOTOVET_HOME=str(tmp_path / "home"),
               XDG_DATA_HOME=str(tmp_path / "xdg"), PHOTOVET_USER=PREPARER_NAME,
               PHOTOVET_PASSWORD=password_of(PREPARER_NAME))   # signs in as the commands do
    app = subprocess.Popen([sys.executable, "-m", "photovet"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # wait until the helper has been handed its start-up data and imported PhotoVet (its
        # models load on first use, so an idle helper stays near 50 MB). Killing the app before
        # that is a different test: the half-started child then reports multiprocessing's own
        # "Ran out of input" (CI's slow machine once took over 20 s to get there).
        def helper_started() -> bool:
            return any("spawn_main" in cmdline(p) and rss_mb(p) > 40
                       for p in descendants(app.pid))

        assert wait_until(helper_started, 180), \
            f"no helper started: {[cmdline(p) for p in descendants(app.pid)]}"
        helpers = descendants(app.pid)
        app.send_signal(sig)
        app.wait(timeout=60)
        assert wait_until(lambda: not any(alive(p) for p in helpers), 20), \
            f"left running: {[p for p in helpers if alive(p)]}"
        err = app.stderr.read().decode(errors="replace")
        assert "Traceback" not in err, err
        if sig != signal.SIGKILL:     # closed like the window's close button: state saved
            assert app.returncode == 0, err[-4000:]     # a crash: where each thread was
            assert (tmp_path / "home" / "gui.ini").exists()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_the_helper_ends_when_the_window_closes(qtbot, ws):
    ctx = AppContext(ws)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: ctx.engine is not None, timeout=120000)
    # multiprocessing's resource tracker belongs to this test process (it ends with pytest,
    # as it ends with the app in the signal tests above); the helper is what the window owns
    helpers = {p for p in descendants(os.getpid()) if "resource_tracker" not in cmdline(p)}
    assert helpers, "the helper did not start"
    win.close()
    assert wait_until(lambda: not any(alive(p) for p in helpers), 20), \
        f"left running: {[p for p in helpers if alive(p)]}"
