"""What the GUI tests share: a workspace in the test's data folder, a window on it with the fake
engine, and a way to answer the dialogs a person would answer."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QWidget,
)
from shiboken6 import isValid

from photovet.core.workspace import Workspace
from photovet.gui.context import AppContext
from photovet.gui.main_window import MainWindow
from tests.gui.fake_engine import FakeEngine

PREPARER_NAME = "Mrs Jo Preparer"      # the office: the first admin (admin, preparer, poster)
APPROVER_NAME = "Mr Sam Head"          # a senior leader (approver)
ONLY_PREPARER = "Pat Prep"             # prepares photos, nothing else
DEPUTY = "Mr Deputy"                   # prepares some photos, approves others
STAFF = {APPROVER_NAME: ("approver",), ONLY_PREPARER: ("preparer",),
         DEPUTY: ("preparer", "approver")}
FAILURES: list[BaseException] = []


@pytest.fixture
def xvfb_display():
    """A real X server of its own (Xvfb, no window manager, 1366 x 768) for one test: its
    DISPLAY (":N"). Display numbers from one this process picks (parallel workers and other
    tests start their own: Xvfb's -displayfd always takes the lowest free number, and two
    servers coming and going on it race), waiting until it answers."""
    import os
    import shutil
    import subprocess

    from photovet.gui.app import display_answers

    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (Debian: apt-get install xvfb)")
    start = 300 + os.getpid() % 500
    for number in range(start, start + 40):
        if os.path.exists(f"/tmp/.X{number}-lock"):
            continue
        # -noreset: an X server with no client left resets and refuses connections a moment
        server = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1366x768x24",
                                   "-nolisten", "tcp", "-noreset"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while server.poll() is None and time.monotonic() < deadline:
            if display_answers(f":{number}", tries=1):
                break
            time.sleep(0.05)
        if server.poll() is not None:
            continue                     # taken meanwhile: the next number
        try:
            assert display_answers(f":{number}"), "Xvfb did not answer within 15 s"
            yield f":{number}"
        finally:
            server.terminate()
            server.wait(10)
        return
    pytest.fail("no free X display number for Xvfb")


def password_of(name: str) -> str:
    return "staple battery " + str(len(name)) + " horse"


def create_staff(ws: Workspace) -> None:
    """The first admin (signed in afterwards) and the other accounts of ``STAFF``."""
    ws.create_first_admin(PREPARER_NAME, password_of(PREPARER_NAME))
    codes = {name: ws.accounts.add(name, roles) for name, roles in STAFF.items()}
    for name, code in codes.items():
        ws.first_sign_in(name, code, password_of(name))
    ws.sign_in(PREPARER_NAME, password_of(PREPARER_NAME))


def without_checklist(ws: Workspace) -> None:
    """The school asks no checklist of its approvers (the ticks are issue 18's screen)."""
    s = ws.settings.copy()
    s.checklist.checks = []
    ws.save_settings(s)


def sign_in_as(target, name: str) -> None:
    """Sign ``name`` in on a window (its session: every action is enabled again) or a
    workspace."""
    ctx = getattr(target, "ctx", None)
    if ctx is not None:
        ctx.session.sign_in(name, password_of(name))
    else:
        target.sign_in(name, password_of(name))


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    """While a GUI test runs, Python's cyclic garbage is collected on the GUI thread only, as
    the app does (``gui.app.collect_in_the_gui_thread``): collection by allocation is off
    during the test, and what the test left is collected here at its end.

    s56, CI's core file: a collection run by whichever thread allocated (the PostgreSQL clone
    pool's, a TCP proxy's) deleted an AppContext a test had left with its change-feed timer
    running; Qt could not stop that timer from another thread ("Timers cannot be stopped from
    another thread"), and the next test's first events fired it on the deleted object
    (QTimerInfoList::activateTimers -> notifyInternal2, SIGSEGV): the crash of s51 and s55,
    at the start of a test."""
    gc.disable()
    try:
        yield
    finally:
        # the young generations only: nothing was collected during the test, so all it made
        # is there (a full collection before and after each GUI test, through the worker's
        # whole heap, went with a CI run of 780 s against 650-730 s; not measured apart)
        gc.collect(1)
        gc.enable()


@pytest.fixture(autouse=True)
def no_dialog_failures():
    """An assertion raised while answering a dialog fails the test (Qt would swallow it)."""
    FAILURES.clear()
    yield
    if FAILURES:
        raise FAILURES[0]


@pytest.fixture(autouse=True)
def private_trash(tmp_path, monkeypatch):
    """Whatever a test sends to the trash goes to the test's own folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def ws(photovet_home):
    """The test's workspace with staff accounts, the office admin signed in."""
    w = Workspace.open(photovet_home)
    create_staff(w)
    yield w
    w.close()


@pytest.fixture
def make_window(qtbot, ws):
    made: list[MainWindow] = []

    def make(faces: dict | None = None, texts: dict | None = None, *, sign_in: bool = True,
             workspace: Workspace | None = None, face_engine=None, gate=None,
             engines: list | None = None) -> MainWindow:
        """``gate``: the engines' checks wait for it (``FakeEngine``); ``engines``: each engine
        the window makes is added to it."""
        w = workspace or ws

        def factory(wsp):
            engine = FakeEngine(wsp, faces, texts, face_engine=face_engine, gate=gate)
            if engines is not None:
                engines.append(engine)
            return engine

        ctx = AppContext(w, engine_factory=factory)
        if not sign_in:
            w.sign_out()
        win = MainWindow(ctx)
        win.resize(1366, 768)
        win.show()
        made.append(win)
        return win

    yield make
    # the window's end as in the app: closed (its work stopped), deleted, and then its
    # workspace closed (the ws fixture, after this). Left to pytest-qt, it was closed a second
    # time after its workspace and deleted whenever Qt next deleted what was waiting, in
    # another test (a preview delivered after the window was gone showed up this way, s56)
    for win in made:
        if isValid(win):
            if win.isVisible():
                win.close()
            win.deleteLater()
    made.clear()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QApplication.processEvents()


def wait_checked(qtbot, win: MainWindow, n: int, timeout: int = 15000) -> None:
    """Until ``n`` photos of the batch are checked and decided."""
    qtbot.waitUntil(lambda: len(win.batch.model.analysed()) >= n and not win.batch.checking,
                    timeout=timeout)


def checked_batch(qtbot, ws: Workspace, make_window, tmp_path: Path, n: int = 3, *,
                  checklist: bool = False) -> MainWindow:
    """The usual start of a window test: the fake register imported, the approver's checklist
    off (unless ``checklist``), ``n`` fake photos (``make_batch``) added and checked."""
    from tests.gui.fake_engine import make_batch, write_register

    ws.import_register(write_register(tmp_path / "mis.csv"))
    if not checklist:
        without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", n)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, n)
    return win


def wait_settled(qtbot, win: MainWindow, timeout: int = 10000) -> None:
    """Until the photo on screen has its preview and, when "what will be published" is shown,
    its published picture: each of those shows the photo again as it arrives, and a test that
    measures or clicks before then can meet it half-way (a full run under load: a button
    measured before a preview arrived had moved by the time it was measured again)."""
    def settled() -> bool:
        r = win.review
        item = r.current()
        if item is None:
            return True
        return item.path in r.previews and r._loading is None and r._rendering is None and \
            (not win.photos.photo.canvas.show_after or item.path in r.published)

    qtbot.waitUntil(settled, timeout=timeout)


def row_in_view(win: MainWindow, item) -> bool:
    """Is ``item`` (a row of the list of faces and text) inside what the side panel shows? The
    list never scrolls by itself: the panel around it does."""
    tree, scroll = win.photos.findings.tree, win.photos.findings_scroll
    at = tree.viewport().mapTo(scroll.viewport(), tree.visualItemRect(item).center())
    return scroll.viewport().rect().contains(at)


def select_photo(win: MainWindow, name: str) -> None:
    win.photos.batch.set_filter("all")
    path = next(it.path for it in win.batch.model.items if Path(it.path).name == name)
    assert win.photos.batch.select_path(path)


def play_video_through(qtbot, win: MainWindow, path) -> None:
    """As the signed-in approver: open the video ``path`` and play it to the end (a video is
    approved only by someone who has seen all of it: core approval.VideoViews)."""
    select_photo(win, Path(path).name)
    qtbot.waitUntil(lambda: win.photos.media.currentWidget() is win.photos.video, timeout=5000)
    qtbot.waitUntil(lambda: win.photos.video.canvas.image is not None, timeout=20000)
    player = win.photos.video
    player.play_btn.setChecked(True)
    qtbot.waitUntil(lambda: not player.play_btn.isChecked(), timeout=60000)
    win.video.report_seen()


# --------------------------------------------------------------------------------------------
# Answering dialogs as a person would: find the window that popped up, press its buttons
# --------------------------------------------------------------------------------------------

def select_row(view, row: int) -> None:
    """Choose ``row`` of a table, and only it, as a click would. ``QTableView.selectRow`` adds
    to the selection when the application believes Ctrl or Shift is held, which an earlier
    test's modified click can leave behind in the same process (seen once, in parallel runs)."""
    from PySide6.QtCore import QItemSelectionModel

    flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
             | QItemSelectionModel.SelectionFlag.Rows)
    view.selectionModel().setCurrentIndex(view.model().index(row, 0), flags)


def modal(timeout: float = 5.0, kind: type = QWidget) -> QWidget:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        w = QApplication.activeModalWidget()
        if isinstance(w, kind) and w.isVisible():
            return w
        time.sleep(0.01)
    raise AssertionError(f"no {kind.__name__} appeared")


def button(dialog: QWidget, text: str) -> QAbstractButton:
    """The button whose words start with ``text`` (ignoring the & of shortcuts)."""
    want = text.replace("&", "")
    for b in dialog.findChildren(QAbstractButton):
        if b.isVisible() and b.text().replace("&", "").startswith(want):
            return b
    raise AssertionError(f"no button '{text}' in {dialog.windowTitle()!r}: "
                         f"{[b.text() for b in dialog.findChildren(QAbstractButton)]}")


def answer(action: Callable[[QWidget], None], *, kind: type = QWidget, delay: int = 0,
           timeout: float = 10.0) -> list:
    """Run ``action`` on the next modal window of ``kind`` that opens. It looks from timers, so
    it works inside whatever event loop is running (a dialog's own, or a nested one)."""
    seen: list = []
    deadline = time.monotonic() + timeout + delay / 1000

    def poll() -> None:
        if _STOPPED in seen:
            return
        w = QApplication.activeModalWidget()
        if isinstance(w, kind) and w.isVisible():
            seen.append(w.windowTitle())
            try:
                action(w)
            except BaseException as exc:
                seen.append(exc)
                FAILURES.append(exc)
                if isinstance(w, QDialog):
                    w.reject()
                else:
                    w.close()
            return
        if time.monotonic() > deadline:
            FAILURES.append(AssertionError(f"no {kind.__name__} appeared"))
            return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(delay, poll)
    return seen


_STOPPED = object()


def stop_answering(seen: list) -> None:
    """Take back an ``answer`` (given its list) that must not fire: a test that expects no
    window of that kind ends with this, or the answer waits on and clicks a window of the
    next test (s42: a device test's unused "No" answered the next module's question)."""
    seen.append(_STOPPED)


def click(text: str) -> Callable[[QWidget], None]:
    return lambda w: button(w, text).click()


def message_text(w: QWidget) -> str:
    if isinstance(w, QMessageBox):
        return f"{w.text()}\n{w.informativeText()}"
    return w.windowTitle()


def accept_dialog(w: QWidget) -> None:
    if isinstance(w, QDialog):
        boxes = w.findChildren(QDialogButtonBox)
        if boxes:
            ok = boxes[0].button(QDialogButtonBox.StandardButton.Ok)
            if ok is not None:
                ok.click()
                return
        w.accept()


def look_through_sheet(sheet: QWidget, timeout: float = 60.0) -> None:
    """On the approver's contact sheet: wait for every tile's published picture, scrolling
    down a page at a time as a person would, until every tile has been seen."""
    bar = sheet.scroll.verticalScrollBar()
    end = time.monotonic() + timeout
    while not sheet.all_seen():
        if time.monotonic() > end:
            raise AssertionError(f"the contact sheet was not all seen: {sheet.status.text()}")
        QApplication.processEvents()
        if all(t.rendered or t.failed for t in sheet.tiles):
            # look at what is on screen before scrolling on, as a person does: the last
            # picture's arrival is seen once the sheet has handled it (a scroll in the same
            # instant left the first tile behind, never seen: the test failed now and then)
            QApplication.processEvents()
            bar.setValue(min(bar.maximum(), bar.value() + max(1, bar.pageStep() // 2)))
        time.sleep(0.01)
        QApplication.processEvents()


def approve_on_sheet(sheet: QWidget) -> None:
    """Look at every tile of the contact sheet, tick every check, press Approve."""
    look_through_sheet(sheet)
    for b in sheet.ticks.boxes:
        b.setChecked(True)
    assert sheet.approve_btn.isEnabled(), sheet.status.text()
    sheet.approve_btn.click()
