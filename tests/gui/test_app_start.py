"""Starting the app: when Qt cannot open a window, PhotoVet says why in its own words and how to
fix it, instead of Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

from photovet.gui.app import XCB_LIBRARIES, qt_start_problem


def test_no_display_is_explained():
    text = qt_start_problem(environ={}, platform="linux")
    assert "no display" in text and "photovet --help" in text


def test_missing_xcb_libraries_are_named_with_the_packages_to_install():
    gone = {"libxcb-icccm.so.4", "libxcb-cursor.so.0"}
    text = qt_start_problem(environ={"DISPLAY": ":0"}, platform="linux",
                            loads=lambda name: name not in gone, answers=lambda display: True)
    assert "libxcb-icccm.so.4" in text and "libxcb-cursor.so.0" in text
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in text


def test_a_display_that_does_not_answer_is_explained():
    """s40: DISPLAY set to a display nobody serves (a remote terminal, a desktop gone) let Qt
    abort with its own words and a hint about a library that was installed."""
    text = qt_start_problem(environ={"DISPLAY": ":99"}, platform="linux",
                            loads=lambda name: True, answers=lambda display: False)
    assert "(DISPLAY=:99) does not answer" in text and "photovet --help" in text
    assert qt_start_problem(environ={"DISPLAY": ":0"}, platform="linux",
                            loads=lambda name: True, answers=lambda display: True) is None


def test_the_check_asks_the_display_itself():
    """display_answers connects as Qt would: a display number nobody serves does not answer
    (one answering is in the Xvfb test below)."""
    from photovet.gui.app import display_answers

    free = next(n for n in range(240, 400) if not os.path.exists(f"/tmp/.X11-unix/X{n}")
                and not os.path.exists(f"/tmp/.X{n}-lock"))
    assert display_answers(f":{free}") is False


def test_the_app_opens_on_a_real_x_display_with_the_readme_libraries(xvfb_display, tmp_path):
    """On a real X server, with Qt's own xcb plugin (as on a school's Linux PC: CI installs the
    README's list of libraries), the checks find nothing wrong, the display answers, and the
    app opens its first screen and closes normally."""
    from photovet.gui.app import display_answers

    assert display_answers(xvfb_display)
    assert qt_start_problem(environ={"DISPLAY": xvfb_display}, platform="linux") is None
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=xvfb_display, HOME=str(tmp_path / "home"),
               PHOTOVET_HOME=str(tmp_path / "data"), PHOTOVET_CONFIG=str(tmp_path / "pc"),
               PHOTOVET_KEYSTORE="file", PHOTOVET_QUIT_AFTER="2")
    run = subprocess.run([sys.executable, "-m", "photovet", "app"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "platform plugin" not in run.stderr and "cannot open its window" not in run.stderr


def test_offscreen_wayland_and_other_systems_are_left_to_qt():
    assert qt_start_problem(environ={"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert qt_start_problem(environ={"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None
    assert qt_start_problem(environ={}, platform="win32") is None


def test_readme_lists_every_library_qt_needs():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for package in set(XCB_LIBRARIES.values()):
        assert package in readme, f"README does not list {package}"


def test_the_photovet_command_without_a_display_says_so_and_exits_1():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    run = subprocess.run([sys.executable, "-m", "photovet"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1
    assert "PhotoVet cannot open its window" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_error_while_the_window_closes_is_logged_never_a_dialog(qtbot, monkeypatch):
    """An uncaught error in a button's code is said in a dialog; once the window is gone or the
    app is quitting (a signal ends it), no dialog is opened on it: it is only reported, and
    the app can end (a dialog on a deleted window crashed it)."""
    from PySide6.QtWidgets import QMessageBox, QWidget

    from photovet.gui.app import show_unexpected_errors

    shown, reported = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(sys, "excepthook", lambda *a: reported.append(a[0]))
    win = QWidget()                                      # deleted below, by the test itself
    win.show()
    show_unexpected_errors(win)
    sys.excepthook(ValueError, ValueError("in a button"), None)
    assert len(shown) == 1 and reported == []
    win.hide()                                           # closing
    sys.excepthook(ValueError, ValueError("while closing"), None)
    win.deleteLater()
    qtbot.wait(10)
    sys.excepthook(ValueError, ValueError("after it was deleted"), None)
    assert len(shown) == 1 and reported == [ValueError, ValueError]


def test_a_timer_that_finds_the_register_closed_is_not_a_crash(qtbot, monkeypatch, tmp_path,
                                                               app_log):
    """s27: a timer using the register after it was closed reached the hook as an unexpected
    error (a traceback in the log and on stderr, "Something went wrong"). It is logged in a
    line as what it is, said in the core's words while the window is open, and only logged
    once the window is closing."""
    import logging

    from PySide6.QtWidgets import QMessageBox, QWidget

    from photovet.core.errors import RegisterClosedError
    from photovet.core.workspace import Workspace
    from photovet.gui.app import show_unexpected_errors

    ws = Workspace.open(tmp_path / "home")
    ws.close()
    try:
        ws.audit.rows()
    except RegisterClosedError as exc:
        err = exc
    shown, warned, reported = [], [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[1:3]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    monkeypatch.setattr(sys, "excepthook", lambda *a: reported.append(a[0]))
    records = app_log
    win = QWidget()
    win.show()
    show_unexpected_errors(win)
    sys.excepthook(RegisterClosedError, err, err.__traceback__)
    assert shown and shown[0][0] == "The register is closed"
    assert "the register was already closed, so this was not done" in shown[0][1].lower()
    win.hide()                                           # closing: the log only
    sys.excepthook(RegisterClosedError, err, err.__traceback__)
    assert len(shown) == 1 and warned == [] and reported == []
    lines = [r for r in records if "closed" in r.getMessage()]
    assert len(lines) == 2 and all(r.levelno == logging.WARNING for r in lines)
    assert "used after it was closed" in lines[0].getMessage()
    assert not any("unexpected error" in r.getMessage() for r in records)
    win.deleteLater()


def test_the_server_going_away_in_a_slot_is_said_as_that_once(qtbot, monkeypatch):
    """s35: a refresh reading the register while its server was away reached the hook as
    "Something went wrong"; it is said as what it is, and a timer meeting it again within a
    minute is only logged (no dialog after a dialog), then said again."""
    from PySide6.QtWidgets import QMessageBox, QWidget

    from photovet.core.errors import RegisterUnavailableError
    from photovet.gui import app as gui_app

    err = RegisterUnavailableError("The register's server cannot be reached.")
    warned, reported = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[1]))
    monkeypatch.setattr(sys, "excepthook", lambda *a: reported.append(a[0]))
    clock = [1000.0]
    monkeypatch.setattr(gui_app.time, "monotonic", lambda: clock[0])
    win = QWidget()
    win.show()
    gui_app.show_unexpected_errors(win)
    sys.excepthook(RegisterUnavailableError, err, None)
    assert warned == ["The register's server cannot be reached"]
    clock[0] += 30
    sys.excepthook(RegisterUnavailableError, err, None)
    assert len(warned) == 1                       # within the minute: the log only
    clock[0] += gui_app.SERVER_AWAY_QUIET
    sys.excepthook(RegisterUnavailableError, err, None)
    assert len(warned) == 2 and reported == []
    sys.excepthook(ValueError, ValueError("in a button"), None)
    assert warned[-1] == "Something went wrong"
    win.deleteLater()


def test_the_window_settings_file_is_readable_by_this_user_only(tmp_path):
    """gui.ini names the batch's files (often a pupil's name): audit s29 found it 0644 (Qt's
    default for a new file), and it is 0600 however it was left."""
    import os
    import stat

    from photovet.gui.context import gui_settings

    for before in (None, 0o644):
        ini = tmp_path / "gui.ini"
        if before is not None:
            ini.chmod(before)
        else:
            ini.unlink(missing_ok=True)
        qs = gui_settings(tmp_path)
        qs.setValue("batch/paths", [str(tmp_path / "Joel Abrahams sports day.jpg")])
        qs.sync()
        del qs
        assert stat.S_IMODE(os.stat(ini).st_mode) == 0o600, before
