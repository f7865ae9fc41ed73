"""The approver's checklist widget (views/checklist_ticks.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from photovet.gui.views.checklist_ticks import ChecklistTicks

CHECKS = ["Everyone is dressed appropriately (no swimwear, nightwear or partial undress)",
          "No one is upset, distressed or being ridiculed",
          "Nothing shows where the school is (signs, crest, uniform badge, street names, car "
          "number plates)",
          "The caption and file names use pupils' initials, unless the channel's names rule "
          "allows more and their parents agreed to their name with photos"]


def test_a_hidden_or_not_yet_shown_checklist_sets_no_negative_sizes(qtbot, qtlog):
    """Qt warned "QWidget::setMinimumSize: (/CheckRow) Negative sizes (0,-1)" whenever a
    checklist was resized before it was shown or while hidden: the row asked its layout for
    its height, and a layout whose words are not on screen answers -1."""
    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    ticks = ChecklistTicks()
    lay.addWidget(ticks)
    ticks.set_checks(CHECKS)
    host.resize(420, 500)
    host.show()
    QApplication.processEvents()
    ticks.hide()                               # the approval panel hides it without checks
    host.resize(360, 500)
    ticks.set_checks(CHECKS[:2])
    for row in ticks.rows:
        row.resize(300, 20)
    QApplication.processEvents()
    ticks.show()
    host.resize(400, 500)
    QApplication.processEvents()
    negative = [r.message for r in qtlog.records if "Negative sizes" in r.message]
    assert negative == []
    # and a check's sentence still keeps its wrapped height (what the resize is for)
    for row in ticks.rows:
        assert row.minimumHeight() >= row.label.heightForWidth(row.label.width()) > 0
        assert row.height() >= row.label.heightForWidth(row.label.width())
