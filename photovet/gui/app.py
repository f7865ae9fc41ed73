"""Start the desktop app."""

from __future__ import annotations

import sys


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
    from .style import icon

    app.setWindowIcon(icon("app"))
    return app


def run(argv: list[str] | None = None) -> int:
    app = make_app(argv)
    from .main_window import MainWindow

    win = MainWindow()
    win.show()
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
