"""s64 walk: a pupil's page (Consent register > a person) is modal to the window; "Show their
exports..." opened the list of their exports as another window of the main window, so the
page's modality blocked it: its Close, its Batch, Person and Channel choices did nothing
until the page was closed, which sat under it. The list is opened from the page as the page's
own window (as their subject access report already was), and answers the mouse."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from photovet.gui.dialogs.exports_history import ExportsDialog
from tests.core.afterpost_util import make_export
from tests.gui.fake_engine import JOEL, TORI, write_register


def test_the_list_of_their_exports_opened_from_their_page_can_be_used(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window({})
    ws.records.add_export(make_export(tmp_path, 1, shown=[JOEL], name="tori-amos-award-001"),
                          batch="Tori Amos award", channel="facebook")
    page = win.register.open_person(TORI)          # as a double-click in the register does
    qtbot.waitUntil(page.isVisible)
    assert page.isModal()
    page.exports_btn.click()
    [hist] = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, ExportsDialog) and w.isVisible()]
    qtbot.waitExposed(hist)
    close = next(b for b in hist.findChildren(type(page.exports_btn)) if b.text() == "Close")
    # a click as the system delivers it (to the window: a window blocked by a modal one is
    # given none), on its Close
    QTest.mouseClick(hist.windowHandle(), Qt.MouseButton.LeftButton,
                     pos=close.mapTo(hist, QPoint(5, 5)))
    qtbot.waitUntil(lambda: not hist.isVisible(), timeout=3000)
    assert page.isVisible()                        # back on their page
    page.accept()
