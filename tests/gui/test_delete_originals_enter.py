"""s41 walk: in the delete-originals list Enter pressed "Delete 12 originals to the Recycle
Bin", and Enter again answered Yes in the question: two Enters deleted twelve originals. A
destructive action is never what Enter does: Enter closes the list, and in the question it
keeps them; deleting takes a deliberate click. With "Delete for good" ticked the note said
"Files were overwritten..." before anything was: it says what will happen now."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from photovet.core.transfer import PurgeItem, PurgeReport
from photovet.gui.dialogs.purge import PurgeDialog
from tests.gui.conftest import answer, button


def _dialog(qtbot) -> PurgeDialog:
    dlg = PurgeDialog(["Trip"], "Trip")
    qtbot.addWidget(dlg)
    dlg.show_report(PurgeReport(batch="Trip", dry_run=True, permanent=False, items=[
        PurgeItem(f"/p/IMG_000{i}.jpg", "would-delete",
                  f"its copy (trip-00{i}.jpg) is checked unchanged and marked posted")
        for i in (1, 2, 3)]))
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_enter_in_the_list_closes_it_and_deletes_nothing(qtbot):
    dlg = _dialog(qtbot)
    asked: list = []
    dlg.delete_requested.connect(lambda *a: asked.append(a))
    assert dlg.delete_btn.isEnabled() and dlg.delete_btn.text().startswith("Delete 3 originals")
    assert not dlg.delete_btn.isDefault() and not dlg.delete_btn.autoDefault()
    dlg.list.setFocus()
    QTest.keyClick(dlg.list, Qt.Key.Key_Return)
    QTest.keyClick(dlg, Qt.Key.Key_Enter)
    assert asked == [], "Enter asked to delete the originals"
    assert not dlg.isVisible()          # Enter closed the list (Close is the default button)
    # a click still asks
    dlg = _dialog(qtbot)
    dlg.delete_requested.connect(lambda *a: asked.append(a))
    dlg.delete_btn.click()
    assert asked == [("Trip", 0)]


def test_delete_for_good_says_what_will_happen_before_it_does(qtbot):
    dlg = _dialog(qtbot)
    assert "Recycle Bin" in dlg.note.text()
    dlg.permanent.setChecked(True)
    assert dlg.delete_btn.text() == "Delete 3 originals for good"
    note = dlg.note.text()
    assert "were overwritten" not in note, note
    assert "will be overwritten" in note and "cannot be got back" in note


def _confirm(window, monkeypatch, permanent: bool, act) -> list:
    """The question after "Delete ... " was clicked: ``act`` on it; the purges it started."""
    win = window
    dlg = PurgeDialog(["Trip"], "Trip", parent=win)
    dlg.report = PurgeReport(batch="Trip", dry_run=True, permanent=False, items=[
        PurgeItem("/p/IMG_0001.jpg", "would-delete", "ok"),
        PurgeItem("/p/IMG_0002.jpg", "would-delete", "ok")])
    started: list = []
    monkeypatch.setattr(win.after, "_purge",
                        lambda _d, batch, **k: started.append((batch, k)))
    seen: list = []

    def on_box(box: QMessageBox) -> None:
        seen.append((box.text(), box.informativeText()))
        act(box)

    answer(on_box, kind=QMessageBox)
    win.after._confirm_purge(dlg, "Trip", permanent)
    assert seen, "no question was asked"
    return started, seen


def test_enter_in_the_question_keeps_the_originals(make_window, monkeypatch):
    win = make_window()
    for permanent in (False, True):
        started, seen = _confirm(win, monkeypatch, permanent,
                                 lambda box: QTest.keyClick(box, Qt.Key.Key_Return))
        assert started == [], f"Enter deleted the originals (for good: {permanent})"
        if permanent:
            assert "for good" in seen[0][0] and "cannot be got back" in seen[0][1]
    # Escape keeps them too; the delete button, clicked, deletes
    started, _ = _confirm(win, monkeypatch, True,
                          lambda box: QTest.keyClick(box, Qt.Key.Key_Escape))
    assert started == []
    started, _ = _confirm(win, monkeypatch, True,
                          lambda box: button(box, "Delete 2 originals for good").click())
    assert started == [("Trip", {"dry_run": False, "permanent": True})]
