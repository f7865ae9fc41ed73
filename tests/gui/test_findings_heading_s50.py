"""s50: the heading over the open questions ("Approved: 12 questions left open, covered") was one
line that could not be cut, so it set how narrow the findings panel could be at 1024 px (256 px
for the heading alone). It wraps."""

from __future__ import annotations

from photovet.gui.views.findings import FindingsPanel


def test_the_questions_heading_wraps_instead_of_widening_the_panel(qtbot):
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.decide_title.setText("Approved: 12 questions left open, covered")
    panel.resize(200, 600)
    panel.decide_box.setVisible(True)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.decide_title.minimumSizeHint().width() <= 120, \
        panel.decide_title.minimumSizeHint().width()
    # all of it is still there, on more lines
    assert panel.decide_title.text() == "Approved: 12 questions left open, covered"
    assert panel.decide_title.heightForWidth(150) > panel.decide_title.fontMetrics().height()
