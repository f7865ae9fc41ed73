"""Start the desktop app."""

from __future__ import annotations

import sys


def run(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow, QLabel

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("PhotoVet")
    win = QMainWindow()
    win.setWindowTitle("PhotoVet")
    win.setCentralWidget(QLabel("PhotoVet"))
    win.resize(1200, 800)
    win.show()
    return app.exec()
