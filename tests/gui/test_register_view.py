"""The register screen over a real Register: empty state, consent in words, marks for
do-not-photograph / left / rejected rows, search and filter, the person page, refresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from photovet.core.register.people import Register
from photovet.gui import register_view as rv
from photovet.gui.register_view import NO, YES, PeopleModel, RegisterView

HEADER = ("UPN,Legal Surname,Legal Forename,Preferred Forename,Year Group,Reg Group,Date of Birth,"
          "Leaving Date,Consent: School Website,Consent: Facebook,Consent: X (Twitter),"
          "Consent: Instagram,Consent: Newsletter,Consent: Local Press,Consent: Name with Photo,"
          "Do Not Photograph,Notes")
ROWS = [
    "A100000000001,Smith,Amelia,Millie,Year 3,3R,01/02/2018,,Yes,Yes,No,No,Yes,No,Yes,,",
    "B100000000002,Jones,Oliver,,Year 4,4P,03/04/2017,,Yes,Yes,Yes,Yes,Yes,Yes,Yes,Yes,Safeguarding",
    "C100000000003,Patel,Priya,,Year 6,6W,05/06/2015,18/07/2024,Yes,No,No,No,No,No,No,,Left",
    "D100000000004,Brown,Sam,,Staff,,07/08/1980,,Yes,No,No,No,No,No,No,,Teacher",
]


def write_csv(path: Path, rows=ROWS) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def filled(tmp_path):
    reg = Register.open()
    try:
        reg.import_csv(write_csv(tmp_path / "reg.csv"), user="test")
    finally:
        rv.close_register(reg)


def texts(view: RegisterView, column: int) -> list[str]:
    return [view.proxy.index(r, column).data() for r in range(view.proxy.rowCount())]


def test_empty_register_explains_itself(qtbot):
    view = RegisterView()
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 1
    assert view.empty_label.text() == "No one in the register yet. Import your MIS export to start."
    assert not view.enrol_button.isEnabled()


def test_people_and_consent_in_words(qtbot, filled):
    view = RegisterView()
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 0
    assert view.model.rowCount() == 4
    by_id = {p.id: p for p in view.model.people}
    assert by_id["A100000000001"].consents["facebook"] is True
    m = view.model
    row = [p.id for p in m.people].index("A100000000001")
    fb = m.column_of_channel("facebook")
    x = m.column_of_channel("x")
    assert m.index(row, fb).data() == YES
    assert m.index(row, x).data() == NO
    assert m.index(row, 0).data() == "Millie Smith (Amelia)"
    # do-not-photograph and left are marked in words, and tinted
    dnp = [p.id for p in m.people].index("B100000000002")
    assert "Do not photograph" in m.index(dnp, 5).data()
    assert m.index(dnp, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    left = [p.id for p in m.people].index("C100000000003")
    assert "Left on 2024-07-18" in m.index(left, 5).data()
    assert "2 do not photograph" not in view.summary.text()
    assert "3 pupils" in view.summary.text() and "1 staff" in view.summary.text()


def test_search_and_filter(qtbot, filled):
    view = RegisterView()
    qtbot.addWidget(view)
    qtbot.keyClicks(view.search, "millie")
    assert [p.id for p in view.people_shown()] == ["A100000000001"]
    view.search.setText("B1000")
    assert [p.id for p in view.people_shown()] == ["B100000000002"]
    view.search.setText("year 6")
    assert [p.id for p in view.people_shown()] == ["C100000000003"]
    view.search.setText("nobody-like-this")
    assert view.people_shown() == []
    assert view.count_label.text() == "No one matches."
    view.search.clear()
    view.filter.setCurrentIndex(view.filter.findData("dnp"))
    assert [p.id for p in view.people_shown()] == ["B100000000002"]
    view.filter.setCurrentIndex(view.filter.findData("left"))
    assert [p.id for p in view.people_shown()] == ["C100000000003"]
    view.filter.setCurrentIndex(view.filter.findData("staff"))
    assert [p.id for p in view.people_shown()] == ["D100000000004"]
    assert view.count_label.text() == "Showing 1 of 4"


def test_sorted_by_surname(qtbot, filled):
    view = RegisterView()
    qtbot.addWidget(view)
    assert [p.legal_surname for p in view.people_shown()] == ["Brown", "Jones", "Patel", "Smith"]


def test_double_click_opens_person_page(qtbot, filled, monkeypatch):
    opened = []
    monkeypatch.setattr(RegisterView, "open_person", lambda self, pid: opened.append(pid))
    view = RegisterView()
    qtbot.addWidget(view)
    view.search.setText("Patel")
    idx = view.proxy.index(0, 2)
    view.table.doubleClicked.emit(idx)
    assert opened == ["C100000000003"]
    # Enter on the selected row does the same (keyboard)
    view.table.setCurrentIndex(idx)
    view.open_selected()
    assert opened == ["C100000000003", "C100000000003"]


def test_refresh_and_register_changed(qtbot, tmp_path):
    view = RegisterView()
    qtbot.addWidget(view)
    assert view.model.rowCount() == 0
    reg = Register.open()
    try:
        reg.import_csv(write_csv(tmp_path / "r.csv", ROWS[:2]), user="test")
    finally:
        rv.close_register(reg)
    with qtbot.waitSignal(view.register_changed, timeout=1000):
        view._changed()
    assert view.model.rowCount() == 2 and view.stack.currentIndex() == 0


def test_unopenable_register_is_shown_not_raised(qtbot):
    def broken():
        from photovet.core.errors import CorruptRegisterError

        raise CorruptRegisterError("this file is not a PhotoVet register", path="register.db",
                                   hint="Move it aside.")

    view = RegisterView(register_opener=broken)
    qtbot.addWidget(view)
    assert view.stack.currentIndex() == 1
    assert "could not be opened" in view.empty_label.text()
    assert "register.db: this file is not a PhotoVet register" in view.empty_hint.text()
