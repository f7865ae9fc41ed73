"""What the window shows: one class per tab or panel (the photo view is one component, so a
video view can sit beside it later)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLayout, QWidget


def take_down(layout: QLayout, widgets: Iterable[QWidget]) -> None:
    """Take ``widgets`` (a panel's cards or rows, about to be built anew) out of ``layout``,
    hidden at once and deleted once the events waiting for them have run."""
    for w in widgets:
        layout.removeWidget(w)
        w.hide()
        w.setParent(None)
        w.deleteLater()
