"""The first-run panel: three choices, each a signal; the no-register choice says everyone is covered."""

from __future__ import annotations

from PySide6.QtCore import Qt

from photovet.gui.welcome import WelcomePanel


def test_buttons_emit_their_signals(qtbot):
    panel = WelcomePanel()
    qtbot.addWidget(panel)
    for button, signal in (
        (panel.import_button, panel.import_register_requested),
        (panel.enrol_button, panel.enrol_requested),
        (panel.continue_button, panel.continue_requested),
    ):
        with qtbot.waitSignal(signal, timeout=1000):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_no_register_choice_says_everyone_is_covered(qtbot):
    panel = WelcomePanel()
    qtbot.addWidget(panel)
    from PySide6.QtWidgets import QLabel

    words = " ".join(l.text() for l in panel.no_register_note.findChildren(QLabel))
    assert "EVERY face" in words and "covered" in words
    assert panel.continue_button.text() == "Carry on without a register"


def test_keyboard_lands_on_import_and_enter_activates(qtbot):
    panel = WelcomePanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    assert panel.focusWidget() is panel.import_button
    with qtbot.waitSignal(panel.import_register_requested, timeout=1000):
        qtbot.keyClick(panel.import_button, Qt.Key.Key_Space)
    # Tab order: import -> enrol -> carry on
    order, w = [], panel.import_button
    for _ in range(3):
        order.append(w)
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus):
            w = w.nextInFocusChain()
    assert order == [panel.import_button, panel.enrol_button, panel.continue_button]
