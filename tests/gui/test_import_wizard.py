"""The import wizard over a real Register: detected mapping, dry-run preview with withdrawals
first, row errors with line/column/value, skip-invalid, the import itself (in a worker thread),
and saving a mapping file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from photovet.core.register.people import Register
from photovet.gui.import_wizard import NOT_IN_FILE, ImportWizard

HEADER = ("UPN,Legal Surname,Legal Forename,Preferred Forename,Year Group,Reg Group,Date of Birth,"
          "Leaving Date,Consent: School Website,Consent: Facebook,Consent: X (Twitter),"
          "Consent: Instagram,Consent: Newsletter,Consent: Local Press,Consent: Name with Photo,"
          "Do Not Photograph,Notes")
AMELIA = "A100000000001,Smith,Amelia,Millie,Year 3,3R,01/02/2018,,Yes,Yes,No,No,Yes,No,Yes,,"
OLIVER = "B100000000002,Jones,Oliver,,Year 4,4P,03/04/2017,,Yes,No,No,No,Yes,No,No,,"
BAD = "C100000000003,Patel,Priya,,Year 6,6W,05/06/2015,,Yes,Maybe,No,No,No,No,No,,"


def write(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def people() -> dict:
    with Register.open() as reg:
        return {p.id: p for p in reg.people()}


def go_to_preview(qtbot, wiz: ImportWizard):
    wiz.show()
    assert wiz.currentPage() is wiz.file_page
    assert wiz.file_page.isComplete()
    wiz.next()
    assert wiz.currentPage() is wiz.mapping_page
    wiz.next()
    assert wiz.currentPage() is wiz.preview_page
    qtbot.waitUntil(lambda: bool(wiz.preview_page.report is not None or wiz.preview_page.failure),
                    timeout=10000)


def finish_import(qtbot, wiz: ImportWizard):
    wiz.next()
    assert wiz.currentPage() is wiz.result_page
    qtbot.waitUntil(wiz.result_page.isComplete, timeout=10000)


def top_titles(wiz: ImportWizard) -> list[str]:
    t = wiz.preview_page.tree
    return [t.topLevelItem(i).text(0) for i in range(t.topLevelItemCount())]


def test_full_import(qtbot, tmp_path):
    csv = write(tmp_path / "reg.csv", AMELIA, OLIVER)
    wiz = ImportWizard(csv_path=csv)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.next()
    combos = wiz.mapping_page.combos
    assert combos["id"].currentText() == "UPN"
    assert combos["consent:facebook"].currentText() == "Consent: Facebook"
    assert combos["preferred_surname"].currentText() == NOT_IN_FILE
    wiz.next()
    qtbot.waitUntil(lambda: wiz.preview_page.report is not None, timeout=10000)
    assert people() == {}, "the preview must not change the register"
    assert top_titles(wiz)[0] == "No consent withdrawn"
    assert "New people (2)" in top_titles(wiz)
    assert wiz.preview_page.isComplete()
    assert wiz.button(QWizard.WizardButton.CommitButton).text().replace("&", "") == "Import"
    with qtbot.waitSignal(wiz.imported, timeout=10000):
        wiz.next()
    qtbot.waitUntil(wiz.result_page.isComplete, timeout=10000)
    assert wiz.result_page.title() == "Register imported"
    assert "2 new people" in wiz.result_page.summary.text()
    got = people()
    assert set(got) == {"A100000000001", "B100000000002"}
    assert got["A100000000001"].consents["facebook"] is True
    assert got["B100000000002"].consents["facebook"] is False


def test_withdrawal_is_listed_first_and_highlighted(qtbot, tmp_path):
    with Register.open() as reg:
        reg.import_csv(write(tmp_path / "a.csv", AMELIA, OLIVER), user="test")
    withdrawn = AMELIA.replace("Year 3,3R,01/02/2018,,Yes,Yes", "Year 3,3R,01/02/2018,,Yes,No")
    newly = OLIVER.replace("Yes,No,No,No,Yes,No,No", "Yes,Yes,No,No,Yes,No,No")
    wiz = ImportWizard(csv_path=write(tmp_path / "b.csv", withdrawn, newly))
    qtbot.addWidget(wiz)
    go_to_preview(qtbot, wiz)
    tree = wiz.preview_page.tree
    first = tree.topLevelItem(0)
    assert first.text(0) == "Consent withdrawn: check photos already posted (1)"
    assert first.child(0).text(0) == "Millie Smith (A100000000001)"
    assert first.child(0).text(1) == "Facebook: Yes \u2192 No"
    assert first.background(0).color().name() == "#fde2e1"
    assert "1 consent withdrawal (listed first)" in wiz.preview_page.status.text()
    other = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
             if tree.topLevelItem(i).text(0).startswith("Other consent changes")][0]
    assert other.childCount() == 1 and "Oliver Jones" in other.child(0).text(0)
    finish_import(qtbot, wiz)
    assert "consent withdrawal" in wiz.result_page.summary.text()
    assert people()["A100000000001"].consents["facebook"] is False


def test_errors_by_row_and_skip_invalid(qtbot, tmp_path):
    csv = write(tmp_path / "reg.csv", AMELIA, BAD, OLIVER)
    wiz = ImportWizard(csv_path=csv)
    qtbot.addWidget(wiz)
    go_to_preview(qtbot, wiz)
    page = wiz.preview_page
    assert page.errors.rowCount() >= 1
    row = [[page.errors.item(r, c).text() for c in range(4)] for r in range(page.errors.rowCount())]
    assert ["3", "Consent: Facebook", "'Maybe'"] == row[0][:3]
    assert page.skip.isVisible()
    assert not page.isComplete(), "with errors, importing needs the skip choice"
    assert not wiz.button(QWizard.WizardButton.CommitButton).isEnabled()
    page.skip.setChecked(True)
    assert page.isComplete()
    finish_import(qtbot, wiz)
    got = people()
    assert "A100000000001" in got and "B100000000002" in got
    assert "C100000000003" not in got or not got["C100000000003"].valid
    assert "were not imported" in wiz.result_page.summary.text()


def test_duplicate_upn_reported(qtbot, tmp_path):
    dup = OLIVER.replace("B100000000002", "A100000000001")
    wiz = ImportWizard(csv_path=write(tmp_path / "reg.csv", AMELIA, dup))
    qtbot.addWidget(wiz)
    go_to_preview(qtbot, wiz)
    page = wiz.preview_page
    lines = {page.errors.item(r, 0).text() for r in range(page.errors.rowCount())}
    assert {"2", "3"} <= lines
    assert any("A100000000001" in page.errors.item(r, 3).text() for r in range(page.errors.rowCount()))


def test_missing_required_column_blocks_mapping_page(qtbot, tmp_path):
    header = HEADER.replace("UPN,", "Pupil Reference,")
    wiz = ImportWizard(csv_path=write(tmp_path / "reg.csv", AMELIA, header=header))
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.next()
    page = wiz.mapping_page
    assert page.combos["id"].currentText() == NOT_IN_FILE
    assert not page.isComplete()
    page.combos["id"].setCurrentIndex(page.combos["id"].findText("Pupil Reference"))
    assert page.isComplete()
    wiz.next()
    qtbot.waitUntil(lambda: bool(wiz.preview_page.report is not None or wiz.preview_page.failure), timeout=10000)
    assert wiz.preview_page.report is not None, wiz.preview_page.status.text()
    assert "New people (1)" in top_titles(wiz)


def test_mapping_saved_and_loaded(qtbot, tmp_path):
    header = HEADER.replace("UPN,", "Pupil Reference,")
    wiz = ImportWizard(csv_path=write(tmp_path / "reg.csv", AMELIA, header=header))
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.next()
    page = wiz.mapping_page
    page.combos["id"].setCurrentIndex(page.combos["id"].findText("Pupil Reference"))
    target = tmp_path / "sims.mapping.json"
    page.save_to(target)
    data = json.loads(target.read_text())
    assert data["columns"]["id"] == "Pupil Reference"
    # a fresh wizard loads it back
    wiz2 = ImportWizard(csv_path=tmp_path / "reg.csv")
    qtbot.addWidget(wiz2)
    wiz2.show()
    wiz2.next()
    assert wiz2.mapping_page.combos["id"].currentText() == NOT_IN_FILE
    wiz2.mapping_page.load_from(target)
    assert wiz2.mapping_page.combos["id"].currentText() == "Pupil Reference"


def test_unreadable_file_is_explained(qtbot, tmp_path):
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    wiz = ImportWizard(csv_path=bad)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.next()
    assert wiz.currentPage() is wiz.mapping_page
    assert "photo.csv" in wiz.mapping_page.error.text() or not wiz.mapping_page.isComplete()
    assert not wiz.mapping_page.isComplete()


def test_file_page_needs_a_file(qtbot, tmp_path):
    wiz = ImportWizard()
    qtbot.addWidget(wiz)
    wiz.show()
    assert not wiz.file_page.isComplete()
    wiz.file_page.path_edit.setText(str(tmp_path))
    assert "folder" in wiz.file_page.message.text()
    wiz.file_page.path_edit.setText(str(tmp_path / "nope.csv"))
    assert wiz.file_page.message.text() == "No file with that name."


def test_file_level_problems_listed_and_import_blocked(qtbot, tmp_path):
    # two columns both claim to be the Facebook consent: the core refuses the file as it is
    header = HEADER + ",Facebook consent"
    wiz = ImportWizard(csv_path=write(tmp_path / "reg.csv", AMELIA + ",Yes", header=header))
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.next()
    page = wiz.mapping_page
    # make the two columns clash explicitly
    page.combos["consent:facebook"].setCurrentIndex(page.combos["consent:facebook"].findText("Consent: Facebook"))
    page.combos["consent:x"].setCurrentIndex(page.combos["consent:x"].findText("Consent: Facebook"))
    wiz.next()
    qtbot.waitUntil(lambda: bool(wiz.preview_page.report is not None or wiz.preview_page.failure), timeout=10000)
    prev = wiz.preview_page
    assert prev.report is None
    assert prev.errors.rowCount() >= 1
    assert any("Consent: Facebook" in prev.errors.item(r, 3).text() or
               "Consent: Facebook" in prev.errors.item(r, 1).text() for r in range(prev.errors.rowCount()))
    assert not prev.skip.isVisible()
    assert not prev.isComplete()
