"""s58 walk: the grey notes under a form's fields (``style.hint``) had the room of a narrow
guess at their wrapping, four lines for two under "Batch name" in the export window and six
for two under the caption, their lines centred in it: each note floated half way to the next
field. A note is as tall as its lines at its width, right under its field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget


def _line_room(label) -> int:
    """The height its text takes at its width, and a line's leading to spare."""
    return label.heightForWidth(label.width()) + label.fontMetrics().leading() + 1


def test_the_export_windows_notes_sit_under_their_fields(qtbot):
    from photovet.gui.dialogs.export import ExportDialog

    dlg = ExportDialog("School website", "School website 04-12-2026", "", approval_required=True,
                       media=(3, 0))
    qtbot.addWidget(dlg)
    dlg.show_plan(3, [(f"IMG_{i:04d}.jpg", "not marked ready and approved yet")
                      for i in range(4, 71)])
    dlg.resize(720, 560)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.wait(50)
    for field, note in ((dlg.label, dlg.names), (dlg.caption, dlg.caption_check)):
        lines = note.heightForWidth(note.width()) // note.fontMetrics().lineSpacing()
        assert lines >= 2, note.text()            # the notes wrap at this width
        assert note.height() <= _line_room(note), (note.text(), note.height())
        gap = note.geometry().top() - field.geometry().bottom()    # the caption's label has
        assert 0 <= gap <= 16, (note.text(), gap)                  # two lines: its row is taller
        assert note.alignment() & Qt.AlignmentFlag.AlignTop
    # a longer text (the caption check's findings) gets the room it needs, at once
    dlg.caption_check.setText("A caption that names somebody. " * 12)
    qtbot.wait(50)
    assert dlg.caption_check.height() >= dlg.caption_check.heightForWidth(
        dlg.caption_check.width()), dlg.caption_check.height()


def test_a_note_follows_its_width(qtbot):
    """Made narrower, a note takes more lines and the form gives them room; wider, it gives
    the room back."""
    from photovet.gui import style

    page = QWidget()
    qtbot.addWidget(page)
    form = QFormLayout(page)
    form.addRow("Name:", QLineEdit())
    note = style.hint("PhotoVet names the files after the batch, and the batch name is also "
                      "how you find these photos later to mark them posted on the website.")
    form.addRow("", note)
    form.addRow("Other:", QLineEdit())
    page.resize(900, 200)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)
    wide = note.height()
    assert wide <= _line_room(note), wide
    page.resize(330, 300)
    qtbot.wait(50)
    narrow = note.height()
    assert narrow > wide and note.heightForWidth(note.width()) <= narrow <= _line_room(note)
    page.resize(900, 200)
    qtbot.wait(50)
    assert note.height() == wide
