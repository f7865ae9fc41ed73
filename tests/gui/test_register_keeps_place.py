"""The register's table keeps the person chosen and where it was scrolled to when it is read
again: after a consent change on a person's page, an enrolment, or a change made on another
PC of the office (the change feed). It went back to the top with nobody chosen, under the
office's eyes (s56)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import QApplication

from tests.gui.fake_engine import REGISTER_ROWS, write_register


def a_long_register(tmp_path):
    rows = [REGISTER_ROWS[0]] + [
        [f"E1000000001{i:02d}", f"Surname{i:02d}", f"Pupil{i:02d}", "Year 3", "3C", "Yes", "Yes",
         "No", "No"] for i in range(60)]
    return write_register(tmp_path / "mis.csv", rows)


def test_the_register_keeps_the_person_chosen_and_the_scroll_when_read_again(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(a_long_register(tmp_path))
    win = make_window()
    win.tabs.setCurrentWidget(win.register_view)
    view = win.register_view
    view.refresh()
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 60, timeout=5000)
    bar = view.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    row = view.proxy.rowCount() - 5
    view.table.setCurrentIndex(view.proxy.index(row, 0))
    view.table.scrollTo(view.proxy.index(row, 0))
    QApplication.processEvents()
    who, at = view.chosen_id(), bar.value()
    assert who is not None and at > 0
    # a consent changed elsewhere (another PC, a person's page): the register is read again
    win.ctx.ws.register.set_consent(who, "website", False, requested_by="the pupil's mother",
                                    requested_on=_dt.date.today())
    win.ctx.register_changed.emit()
    QApplication.processEvents()
    assert view.chosen_id() == who
    assert bar.value() == at
    # read again: the change is shown on the row kept
    from PySide6.QtCore import Qt

    column = next(c for c in range(view.proxy.columnCount())
                  if " ".join(str(view.proxy.headerData(
                      c, Qt.Orientation.Horizontal)).split()).startswith("School website"))
    assert "No" in view.proxy.index(view.table.currentIndex().row(), column).data()
