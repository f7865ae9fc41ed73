"""s62 note: a copy whose file name names a pupil (its batch label, published with it) is in
their subject access report (s62 audit), yet their page said "No exported photo lists this
person." and "Show their exports..." was disabled. The page and the list of their exports now
add those copies, from the same core reading (``sar.named_in_file_names``)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from photovet.gui.dialogs.exports_history import ExportsDialog
from photovet.gui.dialogs.person import PersonDialog
from tests.core.afterpost_util import make_export
from tests.gui.fake_engine import JOEL, TORI, write_register


def test_a_copy_named_after_the_pupil_is_on_their_page_and_in_their_exports(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window({})
    # Joel's face, in a copy named after Tori (her award), and one named for nobody
    ws.records.add_export(make_export(tmp_path, 1, shown=[JOEL], name="tori-amos-award-001"),
                          batch="Tori Amos award", channel="facebook")
    ws.records.add_export(make_export(tmp_path, 2, shown=[JOEL], name="sports-day-001"),
                          batch="Sports day", channel="facebook")
    page = PersonDialog(win.ctx, TORI)
    qtbot.addWidget(page)
    page.exports_requested.connect(lambda pid: win.after.open_exports(person=pid))  # as the app
    assert page.exports_label.text() == \
        "1 exported photo lists Tori (0 marked posted; 1 only because Tori is named in its file name)."
    assert page.exports_btn.isEnabled()
    # her subject access report counts the same one
    doc = ws.subject_access_report(TORI, tmp_path / "sar.html").read_text(encoding="utf-8")
    assert "Photos exported (1)" in doc
    page.exports_btn.click()
    [hist] = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, ExportsDialog) and w.isVisible()]
    assert [r.batch for r in hist.model.records] == ["Tori Amos award"]
    assert hist.model.text(hist.model.records[0], hist.model.PERSON) == \
        "Named in the file name"
    # (her full name may not go out with a photo on Facebook: the take-down list has it)
    assert hist.count.text() == ("1 export, 0 marked posted; 1 on the take-down list (After "
                                 "posting > Take-down list\u2026).")
    # filtered by another batch: not listed
    hist.batch.setCurrentIndex(hist.batch.findData("Sports day"))
    assert hist.model.rowCount() == 0
    hist.accept()
    # Joel's page: both, for his face (nothing said of file names)
    joel = PersonDialog(win.ctx, JOEL)
    qtbot.addWidget(joel)
    assert joel.exports_label.text() == "2 exported photos list Joel (0 marked posted)."
    joel.accept()
    page.accept()


def test_copies_named_after_the_pupil_say_why_they_are_listed(qtbot, ws, make_window, tmp_path):
    """s64 walk: Toby's page read "3 exported photos list Toby (0 marked posted, 3 by the file
    name alone)" beside photos he is not in; an office did not know what "by the file name
    alone" meant. It says why they are listed: he is named in their file name."""
    ws.import_register(write_register(tmp_path / "mis.csv"))
    win = make_window({})
    for n in (1, 2):
        ws.records.add_export(make_export(tmp_path, n, shown=[JOEL],
                                          name=f"tori-amos-award-00{n}"),
                              batch="Tori Amos award", channel="facebook")
    ws.records.add_export(make_export(tmp_path, 3, shown=[TORI], name="sports-day-001"),
                          batch="Sports day", channel="facebook")
    page = PersonDialog(win.ctx, TORI)
    qtbot.addWidget(page)
    assert page.exports_label.text() == ("3 exported photos list Tori (0 marked posted; 2 only "
                                         "because Tori is named in their file name).")
    page.accept()
