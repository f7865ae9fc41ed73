"""Issue 7: the window shows a banner while the take-down list is not empty; the list can be
worked through (marked done, audited) and saved as a printable page."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from PIL import Image

from photovet.core.models import ExportResult
from photovet.core.records.exports import Records
from photovet.core.register.people import Register
from photovet.gui.main_window import MainWindow
from photovet.gui.takedown_dialog import TakedownDialog

HEADER = ["UPN", "Legal Surname", "Legal Forename", "Year Group", "Consent: School Website",
          "Consent: Facebook"]


def _register_csv(path: Path, facebook: str) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerow(["A919241717737", "Ashby", "Tori", "Year 6", "Yes", facebook])
    return path


def _posted_export(tmp_path: Path, reg: Register) -> None:
    out = tmp_path / "export.jpg"
    Image.new("RGB", (64, 48), (90, 120, 150)).save(out, "JPEG")
    import hashlib

    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    rec = Records(reg.db, reg.audit)
    rec.add_export(ExportResult(source=str(tmp_path / "orig.jpg"), output=str(out),
                                source_sha256="0" * 64, output_sha256=digest, width=64, height=48,
                                people_shown=["A919241717737"]),
                   batch="trip", channel="facebook", preparer="office", approver="head")
    rec.mark_posted(batch="trip", channel="facebook", date=dt.date(2026, 11, 1),
                    url="https://example.org/post/1")


def test_banner_appears_after_a_withdrawal_and_goes_when_done(qtbot, tmp_path):
    reg = Register.open()
    assert reg.import_csv(_register_csv(tmp_path / "r1.csv", "Yes")).applied
    _posted_export(tmp_path, reg)

    w = MainWindow(load_engine=False, register=reg)
    qtbot.addWidget(w)
    w.show()
    assert not w.takedown_banner.isVisible()

    report = reg.import_csv(_register_csv(tmp_path / "r2.csv", "No"))  # Facebook withdrawn
    assert report.applied and len(report.takedown) == 1
    w._register_changed()
    assert w.takedown_banner.isVisible()
    assert "1 posted photo should be taken down" in w.takedown_banner.text()

    dlg = TakedownDialog(reg, user="office", parent=w)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 1
    assert "Facebook" in dlg.table.item(0, 0).text()
    assert "Tori" in dlg.table.item(0, 1).text()
    page = dlg.save_html(str(tmp_path / "list.html"))
    assert page is not None and "Tori" in Path(page).read_text(encoding="utf-8")
    assert dlg.mark_done(note="removed from Facebook")
    assert dlg.table.rowCount() == 0 and dlg.empty.isVisibleTo(dlg)
    assert reg.audit.rows(action="takedown-done")

    w._refresh_takedown()
    assert not w.takedown_banner.isVisible()
    w.shutdown(2000)
