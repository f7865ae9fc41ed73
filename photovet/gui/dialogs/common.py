"""Pieces every dialog shares."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def ok_cancel(dialog: QDialog, ok_text: str | None = None, *, cancel_text: str | None = None,
              on_ok: Callable[[], None] | None = None) -> QDialogButtonBox:
    """The dialog's OK and Cancel buttons, OK named for what it does ("Add account"); OK calls
    ``on_ok`` (default: accept), Cancel rejects. The caller places the box in its layout."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    if cancel_text:
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


__all__ = ["ok_cancel"]
