"""s41 walk: in the export box, Enter in "Batch name" opened the folder chooser ("Choose…",
the first button that takes Enter), not the export. Enter now presses the box's main button,
Export; Choose… only opens when it is pressed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def test_enter_in_the_batch_name_exports_and_does_not_open_the_folder_chooser(
        qtbot, make_window, monkeypatch):
    import photovet.gui.dialogs.export as export_dialog

    chooser: list[str] = []
    monkeypatch.setattr(export_dialog.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: chooser.append("opened") or "")
    win = make_window()
    dlg = win.export.open()
    dlg.export_btn.setEnabled(True)          # as when photos are approved and can go
    pressed: list[bool] = []
    dlg.export_btn.clicked.connect(lambda *_: pressed.append(True))
    dlg.activateWindow()
    dlg.label.setFocus()
    QTest.keyClick(dlg.label, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert chooser == [], "Enter opened the folder chooser"
    assert pressed == [True], "Enter did not press Export"
    dlg.reject()
