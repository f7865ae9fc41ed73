"""The office's whole job, driven as a person would, through the window's own buttons, menus,
fields and dialogs (issue 15): from an empty data folder to deleting the originals after
posting, then a consent withdrawal, the take-down list and a subject access report.

Synthetic fixtures only: the fake engine stands in for the models (it says which faces are in
each photo); everything else (register, review store, approvals, export, records, transfer)
is the real core."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QWizard,
)

from photovet.core.workspace import Workspace
from photovet.gui.context import AppContext
from photovet.gui.controllers.access import sign_in_at_start
from photovet.gui.dialogs.accounts import AddAccountDialog, StaffAccountsDialog
from photovet.gui.dialogs.contact_sheet import ContactSheetDialog
from photovet.gui.dialogs.enrol import EnrolDialog
from photovet.gui.dialogs.export import ExportDialog
from photovet.gui.dialogs.import_wizard import ImportWizard
from photovet.gui.dialogs.mark_posted import MarkPostedDialog
from photovet.gui.dialogs.person import PersonDialog
from photovet.gui.dialogs.purge import PurgeDialog
from photovet.gui.dialogs.reason import ReasonDialog
from photovet.gui.dialogs.settings import SettingsDialog
from photovet.gui.dialogs.sign_in import FirstAdminDialog, SignInDialog
from photovet.gui.dialogs.takedown import TakedownDialog
from photovet.gui.dialogs.withdrawal import WithdrawalDialog
from photovet.gui.main_window import MainWindow
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    approve_on_sheet,
    button,
    click,
    message_text,
    modal,
    password_of,
    select_row,
    without_checklist,
)
from tests.gui.fake_engine import (
    JANE,
    JOEL,
    TORI,
    FakeEngine,
    make_batch,
    write_portraits,
    write_register,
)


def menu_action(win: MainWindow, menu: str, text: str):
    for m in win.menuBar().actions():
        if m.text().replace("&", "") == menu:
            for a in m.menu().actions():
                if a.text().replace("&", "").startswith(text):
                    return a
    raise AssertionError(f"no {menu} > {text}")


def drop_files(win: MainWindow, paths: list[Path]) -> None:
    """Drag photos from the file manager onto the window."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(win.width() / 2, win.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, drop)


def sign_in(name: str, *, code: str = ""):
    def fill(dlg: SignInDialog) -> None:
        dlg.name.setText(name)
        if code:
            dlg.switch.click()
            dlg.code.setText(code.lower().replace("-", " "))   # typed as read out
            dlg.new_password.setText(password_of(name))
            dlg.again.setText(password_of(name))
        else:
            dlg.password.setText(password_of(name))
        dlg.ok.click()
        assert not dlg.isVisible(), dlg.problem.text()
    return fill


def save_as(path: Path):
    def choose(dlg: QFileDialog) -> None:
        dlg.selectFile(str(path))
        dlg.accept()
    return choose


def test_from_an_empty_data_folder_to_deleting_the_originals(qtbot, photovet_home, tmp_path,
                                                             monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    csv_path = write_register(tmp_path / "from-the-MIS.csv")
    portraits = write_portraits(tmp_path / "portraits", [TORI, JOEL, JANE])
    photos, faces = make_batch(tmp_path / "Sports day", 3)
    out = tmp_path / "for Facebook"
    out.mkdir()

    ws = Workspace.open(photovet_home)
    ctx = AppContext(ws, engine_factory=lambda w: FakeEngine(w, faces))

    # 0. a fresh install: the first administrator
    def first_admin(dlg: FirstAdminDialog) -> None:
        dlg.name.setText(PREPARER_NAME)
        dlg.password.setText(password_of(PREPARER_NAME))
        dlg.again.setText(password_of(PREPARER_NAME))
        dlg.ok.click()

    answer(first_admin, kind=FirstAdminDialog)
    assert sign_in_at_start(ctx.session)
    without_checklist(ws)      # the approver's ticks are issue 18's screen, tested there
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    try:
        # 1. first run: the checklist
        assert win.photos_stack.currentWidget() is win.checklist
        win.checklist.findChild(QPushButton, "step-register").click()
        wiz = modal(kind=ImportWizard)
        wiz.file_page.path_edit.setText(str(csv_path))
        qtbot.waitUntil(lambda: wiz.button(QWizard.WizardButton.NextButton).isEnabled(),
                        timeout=10000)                  # the file is read in a worker
        wiz.button(QWizard.WizardButton.NextButton).click()
        wiz.button(QWizard.WizardButton.NextButton).click()
        qtbot.waitUntil(lambda: wiz.preview_page.isComplete(), timeout=10000)
        wiz.button(QWizard.WizardButton.CommitButton).click()
        qtbot.waitUntil(lambda: wiz.result_page.isComplete(), timeout=10000)
        wiz.button(QWizard.WizardButton.FinishButton).click()
        assert win.register_view.model.rowCount() == 5

        win.checklist.findChild(QPushButton, "step-enrol").click()
        enrol = modal(kind=EnrolDialog)
        enrol.path.setText(str(portraits))
        qtbot.waitUntil(lambda: enrol.go.isEnabled(), timeout=5000)
        enrol.go.click()
        qtbot.waitUntil(lambda: "enrolled" in enrol.state.text(), timeout=10000)
        button(enrol, "Close").click()

        answer(click("Cancel"), kind=SettingsDialog)
        win.checklist.findChild(QPushButton, "step-channels").click()
        qtbot.waitUntil(lambda: win.checklist.rows[2].mark.text().endswith("Done"), timeout=5000)
        # the school's name: looked at (this school leaves it empty; the step counts as seen)
        answer(click("Cancel"), kind=SettingsDialog)
        win.checklist.findChild(QPushButton, "step-school").click()
        qtbot.waitUntil(lambda: win.checklist.rows[3].mark.text().endswith("Done"), timeout=5000)
        # staff accounts: a senior leader who approves, with a one-time code
        codes = []

        def add_head(accounts: StaffAccountsDialog) -> None:
            def fill(add: AddAccountDialog) -> None:
                add.name.setText(APPROVER_NAME)
                add.roles.boxes["approver"].setChecked(True)
                add.accept()

            def note_code(box: QMessageBox) -> None:
                codes.append(message_text(box))
                box.accept()

            answer(fill, kind=AddAccountDialog)
            answer(note_code, kind=QMessageBox, delay=100)
            accounts.add_btn.click()
            assert accounts.table.rowCount() == 2
            accounts.accept()

        answer(add_head, kind=StaffAccountsDialog)
        win.checklist.findChild(QPushButton, "step-approval").click()
        qtbot.waitUntil(lambda: bool(codes) and win.accounts.dialog is None, timeout=10000)
        code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", codes[0]).group(0)
        assert not win.act_setup.isVisible()
        button(win.checklist, "Start checking photos").click()

        # 2. the photos, for Facebook
        win.channel_combo.setCurrentIndex(win.channel_combo.findData("facebook"))
        drop_files(win, photos)
        qtbot.waitUntil(lambda: len(win.batch.model.analysed()) == 3, timeout=15000)
        qtbot.waitUntil(lambda: "decision for you" in win.message_banner.text(), timeout=5000)

        # 3. review: the one open question, in one click
        menu_action(win, "Review", "Next photo with a decision for you").trigger()
        card_yes = win.photos.findings.findChild(QPushButton, "decide-yes")
        assert card_yes.text() == "Yes, it is Joel"
        card_yes.click()
        win.photos.batch.filter_combo.setCurrentIndex(0)          # all photos
        assert win.photos.batch.count_label.text() == "3 photos"  # nothing left to decide

        # 4. ready, then a senior leader approves all shown
        answer(click("&Yes"), kind=QMessageBox)
        win.photos.approval.ready_all_btn.click()
        assert not win.act_approver.isEnabled()                    # the office cannot approve
        answer(click("&Yes"), kind=QMessageBox)                     # sign out?
        answer(sign_in(APPROVER_NAME, code=code), kind=SignInDialog, delay=100)
        menu_action(win, "Account", "Sign out").trigger()
        assert win.ctx.session.name() == APPROVER_NAME
        assert win.approval.approver_view                          # the senior leader's view
        assert win.photos.photo.after_button.isChecked()
        assert win.photos.batch.proxy.rowCount() == 3
        answer(approve_on_sheet, kind=ContactSheetDialog, timeout=60)
        win.photos.approval.approve_all_btn.click()
        assert win.photos.batch.proxy.rowCount() == 0
        answer(click("&Yes"), kind=QMessageBox)
        answer(sign_in(PREPARER_NAME), kind=SignInDialog, delay=100)
        menu_action(win, "Account", "Sign out").trigger()          # back to the office
        assert not win.approval.approver_view

        # 5. export
        win.act_export.trigger()
        exp = modal(kind=ExportDialog)
        exp.folder.setText(str(out))
        exp.label.setText("Sports day 2026")
        qtbot.waitUntil(lambda: exp.export_btn.isEnabled(), timeout=10000)
        exp.export_btn.click()
        qtbot.waitUntil(lambda: exp.stack.currentIndex() == 2, timeout=20000)
        copies = sorted(out.glob("sports-day-2026-*.jpg"))
        assert len(copies) == 3

        # 6. posted, then the originals deleted (after seeing the list)
        answer(click("Mark as posted"), kind=MarkPostedDialog)
        answer(click("Show me"), kind=QMessageBox, delay=200)
        exp.posted_btn.click()
        purge = modal(kind=PurgeDialog, timeout=10)
        qtbot.waitUntil(lambda: purge.delete_btn.isEnabled(), timeout=10000)
        assert purge.delete_btn.text() == "Delete 3 originals to the Recycle Bin"
        answer(click("Delete 3 originals"), kind=QMessageBox)
        purge.delete_btn.click()
        qtbot.waitUntil(lambda: not any(p.exists() for p in photos), timeout=10000)
        assert all(c.exists() for c in copies)
        button(purge, "Close").click()
        button(exp, "Close").click()

        # 7. a family withdraws consent: the person page, then the take-down list
        win.tabs.setCurrentIndex(1)
        win.register_view.search.setText("Tori")
        select_row(win.register_view.table, 0)
        win.register_view.open_button.click()
        page = modal(kind=PersonDialog)

        def asked(dlg: WithdrawalDialog) -> None:    # who asked, and when (today)
            dlg.who.setText("Mrs Amos (mother), by email")
            button(dlg, "Withdraw consent").click()

        answer(asked, kind=WithdrawalDialog)
        combo = page.combos[("facebook", "photo")]
        combo.setCurrentIndex(combo.findData("no"))
        qtbot.waitUntil(lambda: win.takedown_banner.isVisible(), timeout=10000)
        assert "1 posted photo must be taken down" in win.takedown_banner.text()

        # the subject access report, from her page
        sar = tmp_path / "SAR Tori.html"
        answer(save_as(sar), kind=QFileDialog)
        saved = answer(click("Close"), kind=QMessageBox, delay=100)
        page.sar_btn.click()
        qtbot.waitUntil(lambda: sar.exists() and saved == ["Saved"], timeout=10000)
        button(page, "Close").click()

        menu_action(win, "After posting", "Take-down list").trigger()
        td = win.findChild(TakedownDialog)
        qtbot.waitUntil(lambda: td.table.rowCount() == 1, timeout=10000)
        select_row(td.table, 0)
        answer(click("Mark 1 item done"), kind=ReasonDialog)
        td.done_btn.click()
        qtbot.waitUntil(lambda: not win.takedown_banner.isVisible(), timeout=10000)
        page_path = tmp_path / "take-down.html"
        td.show_done.setChecked(True)
        qtbot.waitUntil(lambda: td.table.rowCount() == 1, timeout=10000)
        answer(save_as(page_path), kind=QFileDialog)
        saved = answer(click("Close"), kind=QMessageBox, delay=100)
        td.page_btn.click()
        qtbot.waitUntil(lambda: page_path.exists() and saved == ["Saved"], timeout=10000)
        assert "Done" in page_path.read_text(encoding="utf-8")
        button(td, "Close").click()

        # everything that happened is in the audit log, with who did it
        actions = {r[0]: r[1] for r in ws.db.all("SELECT action, actor FROM audit_log")}
        assert actions["review.face-assign"] == PREPARER_NAME
        assert actions["approval.approved"] == APPROVER_NAME
        assert actions["original-deleted"] == PREPARER_NAME
        assert actions["takedown.done"] == PREPARER_NAME
        assert ws.audit.verify().ok
    finally:
        win.close()
        ws.close()
