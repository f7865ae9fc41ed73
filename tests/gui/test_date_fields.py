"""Dates typed as an office types them (audit s28, finding 11: Qt's date box, typed over with
"22/07/2026", recorded 30/07/2026 without a word; six leaving dates went in a week late)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from photovet.gui.dialogs.common import DateField
from photovet.gui.dialogs.leaving_date import LeavingDateDialog
from tests.gui.conftest import answer
from tests.gui.fake_engine import REGISTER_ROWS, SAM, write_register

TODAY = dt.date.today()
DATES_FROM_TODAY = {"TODAY": 0}  # set again on the day each test runs (tests/conftest.py)


def _type_over(qtbot, field: DateField, text: str) -> None:
    """As a person does: click in the field, select what is there, type."""
    qtbot.mouseClick(field.line, Qt.MouseButton.LeftButton)
    field.line.selectAll()
    qtbot.keyClicks(field.line, text)


def test_a_date_typed_over_the_shown_one_is_the_date_typed(qtbot):
    field = DateField(dt.date(2026, 11, 30), name="Leaving date")
    qtbot.addWidget(field)
    field.show()
    _type_over(qtbot, field, "22/07/2026")
    assert field.value() == dt.date(2026, 7, 22) and field.check()
    for typed, meant in (("2026-07-31", dt.date(2026, 7, 31)), ("31/07/2026", dt.date(2026, 7, 31)),
                         ("1/9/2026", dt.date(2026, 9, 1))):
        _type_over(qtbot, field, typed)
        assert field.value() == meant, typed
    assert field.text() == "1/9/2026"


def test_a_text_that_is_not_a_date_is_said_and_never_read_as_one(qtbot):
    field = DateField(dt.date(2026, 11, 30), name="Leaving date")
    qtbot.addWidget(field)
    field.show()
    for typed in ("31/02/2026", "22/07", "next Tuesday", ""):
        _type_over(qtbot, field, typed)
        assert not field.check(), typed
        assert field.error.isVisible() and "DD/MM/YYYY" in field.error.text()
        assert not field.date().isValid()
    _type_over(qtbot, field, "22/07/2026")              # mended: the reason goes
    assert not field.error.isVisible() and field.check()


def test_bounds_and_an_empty_field_that_means_something(qtbot):
    posted = DateField(TODAY, latest=TODAY, name="Date posted")
    qtbot.addWidget(posted)
    posted.set_value(TODAY + dt.timedelta(days=1))
    assert not posted.check() and "cannot be after" in posted.error.text()
    until = DateField(None, empty_text="now", earliest=TODAY, name="Until")
    qtbot.addWidget(until)
    assert until.text() == "now" and until.value() is None and until.check()
    until.set_value(TODAY - dt.timedelta(days=1))
    assert not until.check() and "cannot be before" in until.error.text()


def test_the_leaving_date_recorded_is_the_one_typed(qtbot, ws, make_window, tmp_path):
    """End to end: the person page's leaving date dialog, typed over, records what was typed;
    a date that is not one keeps the dialog open and records nothing."""
    ws.import_register(write_register(tmp_path / "a.csv"))
    ws.import_register(write_register(tmp_path / "b.csv",
                                      [r for r in REGISTER_ROWS if r[0] != SAM]))
    win = make_window()
    view = win.register_view
    typed = TODAY - dt.timedelta(days=3)
    stayed_open = []

    def fill(dlg: LeavingDateDialog) -> None:
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        _type_over(qtbot, dlg.date, "31/02/2026")
        ok.click()
        stayed_open.append(dlg.isVisible() and dlg.date.error.isVisible())
        _type_over(qtbot, dlg.date, typed.strftime("%d/%m/%Y"))
        ok.click()

    answer(fill, kind=LeavingDateDialog)
    view.leaving_date_requested.emit(SAM)
    qtbot.waitUntil(lambda: ws.register.person(SAM).leaving_date is not None, timeout=5000)
    assert stayed_open == [True]
    assert ws.register.person(SAM).leaving_date == typed
