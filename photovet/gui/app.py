"""Start the desktop app, or say in PhotoVet's own words why the window cannot open."""

from __future__ import annotations

import ctypes
import os
import sys
import time
from pathlib import Path

QUIT_AFTER_ENV = "PHOTOVET_QUIT_AFTER"

# What Qt's X11 ("xcb") platform plugin loads, and the Debian/Ubuntu package of each. A minimal
# Linux install often lacks several of them; without this check Qt only prints "could not load
# the Qt platform plugin" and aborts. The README lists the same packages.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def _xcb_plugin() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_xcb_libraries(loads=_loads) -> list[str]:
    """The libraries of Qt's X11 platform plugin that this PC cannot load (Linux only)."""
    return [lib for lib in XCB_LIBRARIES if not loads(lib)]


def display_answers(display: str, tries: int = 3) -> bool:
    """Whether the X display ``display`` (":0") can be reached by this user: libxcb connects
    as Qt would (an X server there, and this user allowed on it). Asked ``tries`` times 0.2 s
    apart: an X server with no other client resets itself when one leaves, and refuses
    connections for a moment meanwhile. Unsure (libxcb not loaded): True, and Qt decides."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    for attempt in range(tries):
        if attempt:
            time.sleep(0.2)
        conn = xcb.xcb_connect(display.encode(), None)
        if not conn:
            continue
        try:
            if xcb.xcb_connection_has_error(conn) == 0:
                return True
        finally:
            xcb.xcb_disconnect(conn)
    return False


def qt_start_problem(environ=os.environ, platform: str = sys.platform, loads=_loads,
                     answers=display_answers) -> str | None:
    """Why PhotoVet's window cannot open here, with the fix; None when it can."""
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the person chose it
    if not platform.startswith("linux"):
        return None
    if not chosen and environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY"):
        return None  # Qt uses its Wayland plugin
    if not environ.get("DISPLAY"):
        return ("PhotoVet cannot open its window: there is no display here (DISPLAY is not set). "
                "Run it on the desktop, or use the commands instead: photovet --help")
    missing = missing_xcb_libraries(loads)
    if missing:
        packages = " ".join(dict.fromkeys(XCB_LIBRARIES[m] for m in missing))
        return ("PhotoVet cannot open its window: this computer is missing system libraries "
                f"that Qt needs to draw windows ({', '.join(missing)}).\n"
                f"Ask IT to install them, on Debian or Ubuntu with:\n"
                f"    sudo apt-get install {packages}\n"
                "Until then the commands still work: photovet --help")
    if not answers(environ["DISPLAY"]):
        # Qt would abort with "could not connect to display" and a misleading hint about
        # libxcb-cursor0
        return ("PhotoVet cannot open its window: the display it was given "
                f"(DISPLAY={environ['DISPLAY']}) does not answer. Start PhotoVet from the "
                "desktop of the person signed in to this computer (not from a remote "
                "terminal without a display), or use the commands instead: photovet --help")
    plugin = _xcb_plugin()
    if plugin is not None:
        try:
            ctypes.CDLL(str(plugin))
        except OSError as exc:
            return ("PhotoVet cannot open its window: Qt's display plugin does not load on this "
                    f"computer ({exc}). Install the missing library named there, or use the "
                    "commands instead: photovet --help")
    return None


def make_app(argv: list[str] | None = None):
    """The QApplication (created once), named and styled for PhotoVet."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    # Hand the GIL to the GUI thread sooner when a worker runs Python code (default 5 ms).
    sys.setswitchinterval(0.001)
    app = QApplication.instance()
    if app is None:
        # Qt 6 scales for high-DPI screens itself; keep fractional scale factors (125%, 150%)
        # exact instead of rounding, so text and icons stay sharp.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv)
    QCoreApplication.setOrganizationName("PhotoVet")
    QCoreApplication.setApplicationName("PhotoVet")
    from photovet.gui.style import icon

    app.setWindowIcon(icon("app"))
    return app


#: seconds after saying the register's server cannot be reached in which it is not said again
SERVER_AWAY_QUIET = 60.0


def show_unexpected_errors(parent=None) -> None:
    """An exception nobody caught in a button's or menu's code (Qt calls Python slots from C++,
    where an exception would only be printed and the click silently do nothing) is logged
    (its type and where, never its message: it may hold a name) and said in a dialog."""
    import traceback

    from PySide6.QtWidgets import QApplication

    from photovet.core import logs

    log = logs.get("gui")
    previous = sys.excepthook
    showing = []

    def hook(kind, exc, tb) -> None:
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            previous(kind, exc, tb)
            return
        from PySide6.QtWidgets import QMessageBox

        from photovet.core.errors import RegisterClosedError, RegisterUnavailableError
        from photovet.gui.tasks import where
        from photovet.gui.words import error_text

        app = QApplication.instance()
        if issubclass(kind, RegisterClosedError):
            # a timer that used the register after it was closed (the window closing): not a
            # crash. Logged in a line with where it was; said only while the window is open
            if exc is not None and exc.__traceback__ is None and tb is not None:
                exc = exc.with_traceback(tb)
            log.warning("the register was used after it was closed (%s)",
                        where(exc) if exc is not None else "unknown")
            if app is None or showing or app.closingDown() or closing or not _shown(parent):
                return
            showing.append(1)
            try:
                QMessageBox.information(parent, "The register is closed", error_text(exc))
            finally:
                showing.clear()
            return
        if issubclass(kind, RegisterUnavailableError):
            # the server went away while a refresh or a button's code read the register (the
            # panels catch it where they can; a slot that did not reached here as "Something
            # went wrong"). Said once as what it is; a timer meeting it again within a minute
            # is only logged, never a dialog after a dialog
            if exc is not None and exc.__traceback__ is None and tb is not None:
                exc = exc.with_traceback(tb)
            log.warning("the register's server could not be reached (%s)",
                        where(exc) if exc is not None else "unknown")
            now = time.monotonic()
            if app is None or showing or app.closingDown() or closing or not _shown(parent) \
                    or now - server_said[0] < SERVER_AWAY_QUIET:
                return
            server_said[0] = now
            showing.append(1)
            try:
                QMessageBox.warning(parent, "The register's server cannot be reached",
                                    error_text(exc))
            finally:
                showing.clear()
            return
        log.error("unexpected error: %s\n%s", kind.__name__, "".join(traceback.format_tb(tb)))
        if app is None or showing or app.closingDown() or closing or not _shown(parent):
            # closing (a signal, the window's close button): no dialog any more, only the log
            # and the standard report
            previous(kind, exc, tb)
            return
        showing.append(1)             # an error while the dialog is open is only logged
        try:
            QMessageBox.warning(parent,
                                "Something went wrong", error_text(exc))
        finally:
            showing.clear()

    closing: list[int] = []
    server_said = [-SERVER_AWAY_QUIET]      # when the server's absence was last said
    inst = QApplication.instance()
    if inst is not None:
        inst.aboutToQuit.connect(lambda: closing.append(1))
    sys.excepthook = hook


def _shown(widget) -> bool:
    """``widget`` (or no parent at all) can still carry a dialog: not deleted, still shown."""
    if widget is None:
        return True
    import shiboken6

    return shiboken6.isValid(widget) and widget.isVisible()


def end_on_signals(app, window) -> None:
    """Close the window (and with it the helper process) on SIGTERM and SIGINT, as if the person
    had closed it: Qt's event loop is in C++, so the signal wakes it through a socket.

    The handler only asks for the close; the event loop does it next, from its top level.
    Python runs a signal's handler at the next line of Python the GUI thread runs, which can
    be inside any slot, timer, event filter or paint of a widget: closing there stops the
    workers and delivers what they sent last (``processEvents``, deferred deletes), which can
    delete the very object whose code is under the handler on the stack. s38: the app closed
    by SIGTERM still crashed (-11) now and then under load with only the GUI thread in Python,
    inside the event loop."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    asked = []

    def close_now() -> None:
        window.close()
        app.quit()

    def close(*_):
        if not asked:                   # a second signal while closing asks nothing more
            asked.append(True)
            QTimer.singleShot(0, close_now)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, close)
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        try:
            reader.recv(64)
        except OSError:
            pass

    notifier.activated.connect(drain)
    app._photovet_signal_sockets = (reader, writer, notifier)  # kept alive with the app


def open_workspace(app):
    """The data folder, or None after telling the person in a dialog why it cannot be opened."""
    from PySide6.QtWidgets import QMessageBox

    from photovet.core.errors import PhotoVetError
    from photovet.core.workspace import Workspace

    try:
        return Workspace.open()
    except PhotoVetError as exc:
        from photovet.gui.words import error_text

        QMessageBox.critical(None, "PhotoVet cannot start", error_text(exc))
        return None


def run(argv: list[str] | None = None) -> int:
    _stacks_on_a_crash()
    problem = qt_start_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    app = make_app(argv)
    collect_in_the_gui_thread(app)
    ws = open_workspace(app)
    if ws is None:
        return 1
    from photovet.gui.context import AppContext
    from photovet.gui.controllers.access import sign_in_at_start
    from photovet.gui.main_window import MainWindow

    ctx = AppContext(ws)
    _quit_after(app)           # also ends a start left waiting on the sign-in screen
    try:
        signed_in = sign_in_at_start(ctx.session)
    except BaseException:
        ws.close()
        raise
    if not signed_in:          # Quit on the first screen: nothing was started yet
        ws.close()
        return 0
    win = MainWindow(ctx)
    show_unexpected_errors(win)
    end_on_signals(app, win)
    win.showMaximized() if win.start_maximized else win.show()
    try:
        return app.exec()
    finally:
        ctx.shutdown()
        ws.close()


def collect_in_the_gui_thread(app) -> None:
    """Python's cyclic garbage is collected on the GUI thread only, from a timer, not in
    whichever thread happens to allocate: a collection in a worker thread can delete Qt objects
    that belong to the GUI thread (a closed dialog's widgets caught in a cycle with the
    lambdas connected to their signals) while the GUI thread uses them. s37: the app closed
    by a signal crashed (-11) inside the event loop while a worker thread was running a
    collection (faulthandler's stacks: multiprocessing's finalizers called from the
    collection). The same thresholds as Python's own, checked every 0.2 s."""
    import gc

    from PySide6.QtCore import QTimer

    gc.disable()
    first, second, third = gc.get_threshold()

    def collect() -> None:
        young, middle, old = gc.get_count()
        if young > first:
            gc.collect(2 if old > third else 1 if middle > second else 0)

    timer = QTimer(app)
    timer.setInterval(200)
    timer.timeout.connect(collect)
    timer.start()
    app._photovet_gc_timer = timer          # kept alive with the app


def _stacks_on_a_crash() -> None:
    """A crash inside Qt or a library (a segmentation fault) prints where each thread was to
    stderr, for a bug report: s37, the app ended by SIGTERM once exited -11 on a busy machine
    with nothing saying where. Nothing is printed otherwise (no stderr: pythonw, a shortcut)."""
    import faulthandler

    if sys.stderr is not None and not faulthandler.is_enabled():
        try:
            faulthandler.enable()
        except (OSError, ValueError, AttributeError, RuntimeError):
            pass


def _quit_after(app) -> None:
    """With PHOTOVET_QUIT_AFTER=<seconds> set, close the window that long after the start, as a
    user would (the engine's helper process is shut down normally). Tests that run the real app
    start in a subprocess use it (tests/core/test_no_network_process.py)."""
    value = os.environ.get(QUIT_AFTER_ENV, "").strip()
    if not value:
        return
    from PySide6.QtCore import QTimer

    try:
        seconds = float(value)
    except ValueError:
        print(f"photovet: ignoring {QUIT_AFTER_ENV}={value!r} (not a number of seconds)",
              file=sys.stderr)
        return
    def close_all() -> None:
        for w in app.topLevelWidgets():
            if w.isVisible() and hasattr(w, "reject") and w.isModal():
                w.reject()             # a sign-in screen: Quit
        app.closeAllWindows()

    QTimer.singleShot(max(0, int(seconds * 1000)), close_all)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
