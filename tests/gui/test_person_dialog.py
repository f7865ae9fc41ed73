"""A person's page over a real Register: details, banners, consent edits (confirmed, audited,
kept in history), do-not-photograph, enrolment count."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from photovet.core.register.people import Register
from photovet.gui.person_dialog import PersonDialog

HEADER = ("UPN,Legal Surname,Legal Forename,Preferred Forename,Year Group,Reg Group,Date of Birth,"
          "Leaving Date,Consent: School Website,Consent: Facebook,Consent: X (Twitter),"
          "Consent: Instagram,Consent: Newsletter,Consent: Local Press,Consent: Name with Photo,"
          "Do Not Photograph,Notes")
ROWS = [
    "A100000000001,Smith,Amelia,Millie,Year 3,3R,01/02/2018,,Yes,Yes,No,No,Yes,,Yes,,",
    "B100000000002,Jones,Oliver,,Year 4,4P,03/04/2017,,Yes,Yes,Yes,Yes,Yes,Yes,Yes,Yes,Safeguarding",
]


@pytest.fixture
def register(tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    with Register.open() as reg:
        reg.import_csv(csv, user="office")


def labels(dlg) -> str:
    return " | ".join(l.text() for l in dlg.findChildren(QLabel))


def test_details_and_consent_shown(qtbot, register):
    dlg = PersonDialog("A100000000001", user="tester")
    qtbot.addWidget(dlg)
    assert dlg.name_label.text() == "Millie Smith"
    text = labels(dlg)
    assert "A100000000001" in text and "Amelia Smith" in text and "Year 3" in text
    assert dlg.checks["facebook"].isChecked() and not dlg.checks["x"].isChecked()
    assert "No face photo enrolled" in dlg.banner.text()
    # blank press consent: "not recorded" in words
    press_state = dlg.findChild(QLabel, "state_press")
    assert press_state.text() == "\u2717 No (not recorded)"
    # the import wrote history rows
    assert dlg.history.rowCount() >= 1
    assert dlg.history.item(0, 3).text() == "Register import"


def test_do_not_photograph_banner(qtbot, register):
    dlg = PersonDialog("B100000000002", user="tester")
    qtbot.addWidget(dlg)
    assert "Do not photograph" in dlg.banner.text()
    assert dlg.checks["do_not_photograph"].isChecked()


def test_consent_change_confirmed_audited_and_in_history(qtbot, register, monkeypatch):
    dlg = PersonDialog("A100000000001", user="tester")
    qtbot.addWidget(dlg)
    before = dlg.history.rowCount()
    asked = []
    monkeypatch.setattr(dlg, "confirm", lambda ch, v: asked.append((ch, v)) or True)
    with qtbot.waitSignal(dlg.consent_changed, timeout=1000):
        dlg.checks["facebook"].setChecked(False)
    assert asked == [("facebook", False)]
    with Register.open() as reg:
        assert reg.person("A100000000001").consents["facebook"] is False
        last = reg.history("A100000000001")[-1]
        assert (last.channel, last.old_state, last.new_state) == ("facebook", "yes", "no")
        assert last.source == "user:tester"
        assert any(r.get("action") == "register.consent-edit" for r in _audit_rows(reg))
    assert dlg.history.rowCount() == before + 1
    row = dlg.history.rowCount() - 1
    assert dlg.history.item(row, 2).text() == "Yes \u2192 No"
    assert dlg.history.item(row, 3).text() == "tester (changed by hand)"


def test_declined_change_reverts_and_writes_nothing(qtbot, register, monkeypatch):
    dlg = PersonDialog("A100000000001", user="tester")
    qtbot.addWidget(dlg)
    monkeypatch.setattr(dlg, "confirm", lambda ch, v: False)
    dlg.checks["x"].setChecked(True)
    assert not dlg.checks["x"].isChecked()
    with Register.open() as reg:
        assert reg.person("A100000000001").consents["x"] is False


def test_do_not_photograph_can_be_set(qtbot, register, monkeypatch):
    dlg = PersonDialog("A100000000001", user="tester")
    qtbot.addWidget(dlg)
    monkeypatch.setattr(dlg, "confirm", lambda ch, v: True)
    dlg.checks["do_not_photograph"].setChecked(True)
    with Register.open() as reg:
        assert reg.person("A100000000001").do_not_photograph is True
    assert "Do not photograph" in dlg.banner.text()


def _audit_rows(reg):
    audit = reg.audit
    for name in ("rows", "show", "entries", "all"):
        fn = getattr(audit, name, None)
        if callable(fn):
            rows = list(fn())
            return [r if isinstance(r, dict) else getattr(r, "__dict__", {}) for r in rows]
    return [dict(zip(("action",), r)) for r in reg.db.execute("SELECT action FROM audit")]
