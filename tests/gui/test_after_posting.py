"""The whole lifecycle after review, from the menu bar (issue 15, item 1): export (what is held
back and why), exports history (filter by batch, person, channel), mark posted (a batch or the
chosen exports, channel, date, address), the take-down list (banner that fails closed, many
marked done at once, a printable page with pictures), the subject access report from the
person page, and deleting originals after posting (the list first)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from photovet.core.records.takedown import takedown_picture
from photovet.core.words import (
    CONSENT_TYPED,
    SAR_MAKE_FOR_ID,
    sar_no_one_called,
    sar_which_person,
)
from photovet.gui import style
from photovet.gui.controllers import after_posting
from photovet.gui.dialogs.mark_posted import MarkPostedDialog
from photovet.gui.dialogs.person import PersonDialog
from photovet.gui.dialogs.purge import PurgeDialog
from photovet.gui.dialogs.reason import ReasonDialog
from photovet.gui.dialogs.takedown import PICTURE_SIZE
from photovet.gui.dialogs.withdrawal import WithdrawalDialog
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    button,
    click,
    modal,
    select_row,
    sign_in_as,
    wait_checked,
)
from tests.gui.fake_engine import FACE_A, JANE, JOEL, SAM, TORI, make_photo, write_register

# s31: a caption names someone not in the photo: listed, and said so (the caption went
# out with every photo of its post)
POST_NAMES = "Not in this photo, but the caption of this post names them as "


@pytest.fixture
def window(qtbot, ws, make_window, tmp_path):
    """Three photos: Tori, Jane (staff) and nobody; all approved for Facebook."""
    ws.import_register(write_register(tmp_path / "mis.csv"))
    paths = [make_photo(tmp_path / "trip" / f"trip_{i}.jpg", faces=[FACE_A],
                        colour=(150 + 30 * i, 140, 130)) for i in range(3)]
    faces = {"trip_0.jpg": [(FACE_A, TORI, "recognised")],
             "trip_1.jpg": [(FACE_A, JANE, "recognised")], "trip_2.jpg": []}
    win = make_window(faces)
    win.ctx.set_channel("facebook")
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 3)
    return win


def approve_all(win, caption: str = "", captions: list[str] | None = None,
                first: int | None = None) -> None:
    """Every photo (or the ``first`` ones) marked ready and approved, with ``caption`` (s31:
    the approval signs the caption; export and posts allow that one or none), or each with its
    own ``captions``."""
    ctx = win.ctx
    items = win.batch.model.items[:first]
    each = captions or [caption] * len(items)
    for it, text in zip(items, each, strict=True):
        ctx.ws.approvals.mark_ready(
            it.analysis, caption=text,
            caption_refusal=ctx.engine.proposed_caption_check(it.analysis.channel))
    sign_in_as(win, APPROVER_NAME)
    for it, text in zip(items, each, strict=True):
        ctx.ws.approvals.approve(it.analysis, ctx.engine.approval_parts(it.analysis),
                                 checks=ctx.ws.approvals.required_checks(),
                                 now=lambda it=it: ctx.engine.approval_now(it.analysis),
                                 caption=text)
    sign_in_as(win, PREPARER_NAME)
    ctx.approvals_changed.emit([it.analysis.sha256 for it in items])


def export(win, qtbot, folder: Path, label: str = "Sports day"):
    folder.mkdir(exist_ok=True)
    win.act_export.trigger()
    dlg = win.export.dialog
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled() or dlg.held.count() > 0, timeout=10000)
    dlg.folder.setText(str(folder))
    dlg.label.setText(label)
    return dlg


def test_export_says_what_is_held_back_and_why(window, qtbot, tmp_path):
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.held.count() == 3, timeout=10000)
    assert not dlg.export_btn.isEnabled()
    assert "not marked ready and approved yet" in dlg.held.item(0).text()
    dlg.reject()


def test_export_progress_counts_what_goes_out_and_says_held_back_apart(window, qtbot,
                                                                       tmp_path):
    """s40: the progress counted every file, held-back ones too ("Exporting: 3 of 3" with
    one of them never written): it counts the ones that go out, the others said apart."""
    approve_all(window, first=2)
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    said: list[tuple[int, int, str]] = []
    real_step = dlg.step
    dlg.step = lambda done, total, text: (said.append((done, total, text)),
                                          real_step(done, total, text))
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    counted = [s for s in said if s[2].startswith("Exporting")]
    assert counted[-1] == (2, 2, "Exporting: 2 of 2 (1 held back)"), said
    assert all(total == 2 for _done, total, _text in counted), said
    dlg.reject()


def test_export_progress_says_already_exported_apart():
    """The words of the progress for files already in this folder, and a late refusal."""
    from photovet.core.models import ExportResult
    from photovet.gui.controllers.export import export_progress

    already = ExportResult(source="a.jpg", output="out/a.jpg", same_as="a.jpg")
    written = ExportResult(source="b.jpg", output="out/b.jpg")
    late = ExportResult(source="c.jpg", error="c.jpg: not exported: its approval changed",
                        held="approval-changed")
    failed = ExportResult(source="d.jpg", error="d.jpg: the disk is full")
    assert export_progress([already], 4) == (0, 3, "Exporting: 0 of 3 (1 already in this "
                                                     "folder)")
    assert export_progress([already, written, late, failed], 4) == (
        2, 2, "Exporting: 2 of 2 (1 held back, 1 already in this folder)")


def test_photos_approved_with_different_captions_are_exported_with_none_said_in_full(
        window, qtbot):
    """Walk s33: the export's caption box said it only in its grey example text, cut off
    ("None: these photos were approved with different captions (export each group on its own
    t..."), and the app had no "group" to export. Said in full under the box, with how."""
    win = window
    approve_all(win, captions=["Sports day", "Sports day", "Well done Year 5"])
    win.act_export.trigger()
    dlg = win.export.dialog
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    note = dlg.findChild(QLabel, "CaptionsDiffer")
    assert note is not None and note.isVisible() and note.wordWrap()
    assert note.text().startswith("These photos were approved with different captions, so "
                                  "they are exported with none.")
    assert "New batch" in note.text() and dlg.caption.text() == ""
    dlg.reject()
    # one caption for all: no such note, the caption is the approved one
    approve_all(win, caption="Sports day")
    win.act_export.trigger()
    dlg = win.export.dialog
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    assert not dlg.findChild(QLabel, "CaptionsDiffer").isVisible()
    assert dlg.caption.text() == "Sports day"
    dlg.reject()


def test_export_then_mark_posted_then_delete_the_originals(window, qtbot, tmp_path, ws):
    approve_all(window)
    originals = [Path(it.path) for it in window.batch.model.items]
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    assert dlg.export_btn.text() == "Export 3 photos"
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    assert dlg.result.text() == "<b>Exported 3 photos</b> for Facebook."
    # s40: the done page says where they are (a button opens it) and what to do next, each
    # step with its button (it was one line over an empty page)
    assert dlg.where.isVisibleTo(dlg) and dlg.open_btn.isVisibleTo(dlg)
    assert "They are in the folder <b>out</b>" in dlg.where.text()
    assert str(tmp_path / "out") in dlg.where.text()
    assert dlg.post_step.text().startswith("1. Post them on Facebook: upload the photos from "
                                           "this folder (the safe copies, not your originals)")
    assert dlg.mark_step.text().startswith("2. Then choose <b>Mark as posted\u2026</b>")
    assert dlg.posted_btn.isVisibleTo(dlg) and dlg.posted_btn.isEnabled()
    assert not dlg.purge_row.isVisibleTo(dlg)       # the default deletes them once posted
    outputs = sorted((tmp_path / "out").glob("sports-day-*.jpg"))
    assert len(outputs) == 3
    assert len(ws.records.exports(batch="Sports day")) == 3

    def post(d: MarkPostedDialog) -> None:
        assert d.batch.currentText() == "Sports day" and d.by_batch.isChecked()
        assert d.date.text() == QDate.currentDate().toString("dd/MM/yyyy")   # UK order
        d.channel.setCurrentIndex(d.channel.findData("facebook"))
        d.date.setDate(min(QDate(2026, 3, 12), QDate.currentDate()))
        d.url.setText("https://facebook.example/posts/1")
        d.accept()

    def offer(box: QMessageBox) -> None:
        assert "3 photos marked as posted" in box.text()
        # nobody chose it: PhotoVet's default, and where to change it (audit s26 item 13)
        assert box.informativeText().startswith(
            "By default PhotoVet deletes the originals once their safe copies are posted "
            "(change this in Settings, School rules, Keeping data).")
        assert "school's settings say" not in box.informativeText()
        # audit s28: the same trip for another channel, not prepared yet, needs its originals
        assert box.informativeText().endswith(
            "If these photos are also going somewhere you have not prepared yet (the school "
            "website, the newsletter\u2026), choose Not now: the originals are needed for that.")
        button(box, "Show me").click()

    answer(post, kind=MarkPostedDialog)
    answer(offer, kind=QMessageBox, delay=300)
    dlg.posted_btn.click()
    purge = modal(kind=PurgeDialog, timeout=10)
    qtbot.waitUntil(lambda: purge.report is not None, timeout=10000)
    assert purge.report.dry_run and purge.report.count("would-delete") == 3
    assert all(p.exists() for p in originals)            # nothing deleted by the list
    assert purge.delete_btn.text() == "Delete 3 originals to the Recycle Bin"
    answer(click("Delete 3 originals"), kind=QMessageBox)
    purge.delete_btn.click()
    qtbot.waitUntil(lambda: purge.report is not None and not purge.report.dry_run, timeout=10000)
    assert purge.report.count("deleted") == 3
    assert not any(p.exists() for p in originals)
    assert all(p.exists() for p in outputs)              # the posted copies stay
    rec = ws.records.exports(batch="Sports day")[0]
    assert rec.posts[0].channel == "facebook" and rec.posts[0].url.endswith("/posts/1")
    purge.accept()
    dlg.reject()


def test_exports_history_filters_and_marks_chosen_exports_posted(window, qtbot, tmp_path, ws):
    approve_all(window)
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    dlg.accept()
    hist = window.after.open_exports()
    assert hist.model.rowCount() == 3
    hist.person.setCurrentIndex(hist.person.findData(TORI))
    assert hist.model.rowCount() == 1 and hist.model.text(hist.model.records[0], 5) == "Tori Amos"
    hist.person.setCurrentIndex(0)
    hist.channel.setCurrentIndex(hist.channel.findData("website"))
    assert hist.model.rowCount() == 0
    hist.channel.setCurrentIndex(hist.channel.findData("facebook"))
    hist.batch.setCurrentIndex(hist.batch.findData("Sports day"))
    assert hist.model.rowCount() == 3
    assert hist.model.text(hist.model.records[0], 0)[2] == "/"      # DD/MM/YYYY HH:MM
    select_row(hist.table, 0)

    def post(d: MarkPostedDialog) -> None:
        assert d.by_selection.isChecked() and "1 export" in d.by_selection.text()
        d.accept()

    answer(post, kind=MarkPostedDialog)
    answer(click("Not now"), kind=QMessageBox, delay=300)
    hist.posted_btn.click()
    qtbot.waitUntil(lambda: sum(1 for r in ws.records.exports() if r.posted) == 1,
                    timeout=10000)
    qtbot.waitUntil(lambda: "1 marked posted" in hist.count.text(), timeout=5000)
    assert hist.model.text(hist.model.records[0], 8).startswith("Facebook ")
    assert _dt.date.today().strftime("%d/%m/%Y") in hist.model.text(hist.model.records[0], 8)
    hist.accept()


def test_a_batch_exported_for_facebook_is_not_marked_as_posted_on_the_website(
        window, qtbot, tmp_path, ws):
    """The audit (item 19): 'Posted on' could name another channel than the one the photos
    were checked and approved for, and it was recorded without a word. The core refuses it
    unless the person says it really was posted there (then the take-down list checks
    consent there); a slip is undone with 'Go back'."""
    approve_all(window, caption="Sports day")
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    said: list[str] = []

    def post(d: MarkPostedDialog) -> None:
        d.channel.setCurrentIndex(d.channel.findData("website"))
        d.accept()

    def ask(box: QMessageBox) -> None:
        said.append(f"{box.windowTitle()}: {box.text()}")
        answer(lambda d: (said.append("the form again"), d.reject()), kind=MarkPostedDialog)
        button(box, "Go back").click()

    answer(post, kind=MarkPostedDialog)
    answer(ask, kind=QMessageBox, delay=100)
    dlg.posted_btn.click()
    qtbot.waitUntil(lambda: len(said) == 2, timeout=10000)
    assert said[1] == "the form again"                  # Go back, then Cancel: nothing marked
    assert said[0].startswith("Posted on another channel?: Not marked yet (3 photos). It was "
                              "exported for Facebook, not School website"), said
    assert all(r.posts == [] for r in ws.records.exports(batch="Sports day"))

    # "Go back" returns to the form with everything typed kept (audit s26 item 12: it closed
    # the form, and the date, address and caption had to be typed again)
    done: list[str] = []
    kept: list = []

    def fill(d: MarkPostedDialog) -> None:
        d.channel.setCurrentIndex(d.channel.findData("website"))
        d.date.setDate(min(QDate(2026, 3, 12), QDate.currentDate()))
        d.url.setText("https://school.example/news/1")
        d.caption.setText("Sports day")
        d.accept()

    def back(box: QMessageBox) -> None:
        answer(again, kind=MarkPostedDialog)
        button(box, "Go back").click()

    def again(d: MarkPostedDialog) -> None:
        kept.append((d.channel.currentData(), d.url.text(), d.caption.text(), d.date.date()))
        answer(record, kind=QMessageBox, delay=100)
        d.accept()

    def record(box: QMessageBox) -> None:
        answer(lambda b: (done.append(b.text()), b.accept()), kind=QMessageBox, delay=300)
        button(box, "It was posted on School website: record it").click()

    answer(fill, kind=MarkPostedDialog)
    answer(back, kind=QMessageBox, delay=100)
    dlg.posted_btn.click()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert kept == [("website", "https://school.example/news/1", "Sports day",
                     min(QDate(2026, 3, 12), QDate.currentDate()))]
    assert "3 photos marked as posted" in done[0] and "exports" not in done[0]
    assert {p.channel for r in ws.records.exports(batch="Sports day") for p in r.posts} == \
        {"website"}
    assert ws.audit.rows(action="export.posted")[-1]["details"]["elsewhere"] is True
    dlg.accept()


@pytest.fixture
def posted(window, qtbot, tmp_path, ws):
    approve_all(window, caption="JC on sports day")     # the caption a post may go out with
    dlg = export(window, qtbot, tmp_path / "out")
    dlg.caption.setText("")                            # exported with none (allowed)
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    dlg.accept()
    ws.records.mark_posted(batch="Sports day", channel="facebook")
    window.ctx.records_changed.emit()
    return window


def withdraw(win, person: str, qtbot) -> None:
    win.ctx.ws.register.set_consent(person, "facebook", "no")
    win.ctx.register_changed.emit()


def two_to_take_down(win, qtbot):
    """Tori's and Jane's Facebook consent withdrawn after the post: once the banner says two
    posted photos must come down, the take-down list opened from it, listing both."""
    withdraw(win, TORI, qtbot)
    withdraw(win, JANE, qtbot)
    qtbot.waitUntil(lambda: "2 posted photos must be taken down" in win.takedown_banner.text(),
                    timeout=10000)
    win.link("takedown")
    dlg = win.after.takedown_dialog
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 2, timeout=10000)
    return dlg


def test_the_take_down_banner_and_list_mark_many_done_at_once(posted, qtbot, ws):
    win = posted
    assert not win.takedown_banner.isVisible()
    dlg = two_to_take_down(win, qtbot)
    assert "Take this photo down from Facebook" in dlg.table.item(0, 1).text()
    # the same reason on both rows is said once, above them (s36 walk)
    assert dlg.table.isColumnHidden(3)
    assert "The reason for every item: Consent withdrawn on " in dlg.state.text()
    # s37 walk: the photo chosen is shown beside the list, as the printed page draws it
    # (everyone not listed for it covered), so the office can find the post
    assert dlg.picture.pixmap().isNull() and "Choose an item" in dlg.picture_words.text()
    select_row(dlg.table, 0)
    qtbot.waitUntil(lambda: not dlg.picture.pixmap().isNull(), timeout=10000)   # a worker
    assert dlg.picture_note.isVisible()
    image, why = takedown_picture(dlg.items[0], PICTURE_SIZE)
    assert image is not None and why == ""
    shown = dlg.picture.pixmap().toImage()
    assert max(shown.width(), shown.height()) == PICTURE_SIZE
    qtbot.waitUntil(lambda: dlg.picture.height() >= shown.height(), timeout=2000)  # not 0 px
    assert shown.width() / shown.height() == pytest.approx(image.width / image.height, 0.02)
    dlg.table.selectAll()
    assert dlg.picture.pixmap().isNull() and not dlg.picture_note.isVisible()

    def note(d: ReasonDialog) -> None:
        d.edit.setText("Removed from the Facebook page")
        button(d, "Mark 2 items done").click()

    answer(note, kind=ReasonDialog)
    dlg.done_btn.click()
    qtbot.waitUntil(lambda: not win.takedown_banner.isVisible(), timeout=10000)
    # and what was done is said (s36 walk: the rows only went away)
    assert dlg.done_note.isVisible() and dlg.done_note.text() == (
        "2 items marked as taken down, and 2 exported copies deleted from this PC. They are "
        "listed under \u201cShow items already done\u201d.")
    done = ws.db.all("SELECT done_by, note FROM takedown_items")
    assert done == [("Mrs Jo Preparer", "Removed from the Facebook page")] * 2
    # a done item whose copy was deleted: why there is no picture (the list reloaded without
    # them first: a reload still on its way once done items are asked for is dropped)
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 0, timeout=10000)
    dlg.show_done.setChecked(True)
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 2, timeout=10000)
    select_row(dlg.table, 1)
    qtbot.waitUntil(lambda: dlg.picture_words.text() == "No picture: the exported copy is "
                    "no longer on this PC.", timeout=10000)
    assert dlg.picture.pixmap().isNull() and not dlg.picture_note.isVisible()
    dlg.accept()


def test_the_printable_page_is_saved_without_a_crash(posted, qtbot, tmp_path, monkeypatch):
    win = posted
    withdraw(win, TORI, qtbot)
    qtbot.waitUntil(lambda: win.takedown_banner.isVisible(), timeout=10000)
    dlg = win.after.open_takedown()
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 1, timeout=10000)
    target = tmp_path / "take-down list.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    seen = answer(click("Close"), kind=QMessageBox)
    dlg.page_btn.click()          # the real button: this crashed ("not bool")
    qtbot.waitUntil(lambda: target.exists() and bool(seen), timeout=10000)
    html = target.read_text(encoding="utf-8")
    assert "data:image/jpeg;base64," in html and "@page { size: A4" in html
    assert "Tori Amos" in html
    dlg.accept()


def test_the_take_down_banner_fails_closed(posted, qtbot, monkeypatch):
    win = posted
    real = after_posting.takedown_summary

    def broken(ws):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(after_posting, "takedown_summary", broken)
    win.after.check_takedowns()
    qtbot.waitUntil(lambda: "Could not check take-downs" in win.takedown_banner.text(),
                    timeout=10000)
    assert win.takedown_banner.isVisible() and win.takedown_banner.kind == "error"
    win.ctx.records_changed.emit()               # it stays until a check succeeds
    qtbot.wait(300)
    assert "Could not check take-downs" in win.takedown_banner.text()
    monkeypatch.setattr(after_posting, "takedown_summary", real)
    win.link("takedown-retry")
    qtbot.waitUntil(lambda: not win.takedown_banner.isVisible(), timeout=10000)


def test_subject_access_report_from_the_person_page(posted, qtbot, tmp_path, monkeypatch):
    win = posted
    target = tmp_path / "sar.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    opened = []
    monkeypatch.setattr(after_posting.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    win.tabs.setCurrentIndex(1)
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    assert "1 exported photo lists Tori" in page.exports_label.text()
    seen = answer(click("Open it"), kind=QMessageBox)
    page.sar_btn.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened == [str(target)] and seen == ["Saved"]
    html = target.read_text(encoding="utf-8")
    assert "Subject access report" in html and "Tori Amos" in html
    # the workspace's holdings were looked at (no photo of her held unexported; the test's
    # stand-in recogniser needs no face signature)
    assert "Held, not published (0)" in html and "Not looked at" not in html
    assert "PhotoVet holds no face signature for Tori Amos." in html
    page.accept()


def test_a_subject_access_request_for_someone_no_longer_held(window, qtbot, tmp_path,
                                                              monkeypatch):
    """After posting > Subject access request, by register id: for an id PhotoVet holds
    nothing about (never there, or all of it deleted) the report is written and the office is
    told plainly that nothing is held (DPO audit s30: it was an error)."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QInputDialog

    from photovet.core.words import sar_nothing_held

    win = window
    target = tmp_path / "sar-gone.html"
    questions: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (questions.append(a[2]), (" X123 ", True))[1])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    told = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text, *a, **k: told.append(text))
    [act] = [a for a in win.findChildren(QAction) if a.text() == "Subject access request\u2026"]
    assert act.isEnabled()
    seen: list = []
    # s33: an id not in the register is first said to be no one's, and the report for it is
    # made only when the office says it is an id (someone whose records were deleted)
    asked = answer(lambda w: (seen.append(w.text()), button(w, SAR_MAKE_FOR_ID).click(),
                              seen.append(answer(click("Close"), kind=QMessageBox, delay=50))),
                   kind=QMessageBox)
    act.trigger()
    qtbot.waitUntil(lambda: len(seen) == 2 and bool(seen[1]), timeout=10000)
    assert asked == ["Subject access request"] and seen[0] == sar_no_one_called("X123")
    # s39: it asks whose information the request is about (a parent asks for their child's),
    # not who asked
    assert questions[0].startswith("Who is the request about?")
    # s41 walk: "When a parent asks for their child's, the child's." and a line broken inside
    # a bracket: each line is whole (the box does not wrap)
    assert "the child's." not in questions[0]
    assert all(line.count("(") == line.count(")") and line.endswith((",", "."))
               for line in questions[0].split("\n")), questions[0]
    assert "child's" in questions[0] and "Who asked" not in questions[0]
    assert seen[1] == ["Saved"] and len(told) == 1 and \
        told[0].startswith(sar_nothing_held("X123"))
    assert sar_nothing_held("X123") in target.read_text(encoding="utf-8")


def sar_from_the_menu(win, monkeypatch, typed: str, target: Path) -> list:
    """After posting > Subject access request with ``typed``; the save dialogs it opens are
    listed (none when no report is made)."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (typed, True))
    saves: list = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (saves.append(a[2] if len(a) > 2 else ""),
                                         (str(target), ""))[1])
    [act] = [a for a in win.findChildren(QAction) if a.text() == "Subject access request\u2026"]
    act.trigger()
    return saves


def test_a_subject_access_request_typed_as_a_name_is_for_that_person(window, qtbot, tmp_path,
                                                                    monkeypatch):
    """Walk s33: the office typed the pupil's name where the menu asked for a register id and
    got a report saying PhotoVet holds nothing about "the register id Tori Ashby", offered as
    the answer to send, while it held her consent and seven posts. A name that fits one person
    is that person's report (said first); a name that fits no one makes no report unless the
    office says it is an id; one that fits several asks whose."""
    from PySide6.QtWidgets import QInputDialog

    from photovet.core.words import sar_nothing_held

    win = window
    told: list = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text, *a, **k: told.append(text))
    # one person fits: asked to confirm, and the report is hers
    target = tmp_path / "sar-tori.html"
    asked: list = []
    saved: list = []
    answer(lambda w: (asked.append(w.text()), button(w, "Yes").click(),
                      saved.append(answer(click("Close"), kind=QMessageBox, delay=50))),
           kind=QMessageBox)
    saves = sar_from_the_menu(win, monkeypatch, "  tori amos ", target)
    qtbot.waitUntil(lambda: bool(saved) and bool(saved[0]), timeout=10000)
    assert asked == [f"Make the subject access report for Tori Amos, {TORI}, Year 5?"]
    assert len(saves) == 1 and TORI in saves[0]      # the file is named by her id, not the text
    html = target.read_text(encoding="utf-8")
    assert "Tori Amos" in html and sar_nothing_held("tori amos") not in html
    assert not told                                  # never "nothing is held"

    # no one fits: said so, and Cancel makes no report at all
    other = tmp_path / "sar-nobody.html"
    seen: list = []
    answer(lambda w: (seen.append(w.text()), button(w, "Cancel").click()), kind=QMessageBox)
    saves = sar_from_the_menu(win, monkeypatch, "Tori Ashby", other)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    QApplication.processEvents()
    assert seen == [sar_no_one_called("Tori Ashby")]
    assert saves == [] and not other.exists() and not told

    # several fit: the office chooses whose
    offered: list = []

    def choose(parent, title, label, items, *a, **k):
        offered.append((label, list(items)))
        return next(i for i in items if SAM in i), True
    monkeypatch.setattr(QInputDialog, "getItem", choose)
    third = tmp_path / "sar-sam.html"
    closed = answer(click("Close"), kind=QMessageBox)
    saves = sar_from_the_menu(win, monkeypatch, "year 5", third)
    qtbot.waitUntil(lambda: bool(closed), timeout=10000)
    assert offered == [(sar_which_person("year 5", 2),
                        [f"Tori Amos, {TORI}, Year 5", f"Sam Brown, {SAM}, Year 5"])]
    assert len(saves) == 1 and SAM in saves[0] and "Sam Brown" in third.read_text("utf-8")


def withdraw_as_asked(seen: list, who: str = "Mrs Amos (mother), by email",
                      day: str = "") -> Callable:
    """Fill in the withdrawal dialog (who asked, and the day: today when not given) and OK."""
    def fill(dlg: WithdrawalDialog) -> None:
        seen.append(dlg.findChild(QLabel).text())
        dlg.who.setText(who)
        if day:
            dlg.day.setText(day)
        button(dlg, dlg.buttons.button(dlg.buttons.StandardButton.Ok).text()).click()
    return fill


def test_the_person_page_changes_consent_and_the_take_down_list_follows(posted, qtbot):
    win = posted
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    combo = page.combos[("facebook", "photo")]
    seen: list = []
    asked_on = (_dt.date.today() - _dt.timedelta(days=2)).strftime("%d/%m/%Y")
    answer(withdraw_as_asked(seen, day=asked_on), kind=WithdrawalDialog)
    combo.setCurrentIndex(combo.findData("no"))
    assert "from Yes to No" in seen[0] and "listed to take down" in seen[0]
    # s37: the approval of the photo that shows her ended, and the page says so (it said
    # nothing; only an MIS import counted them)
    from photovet.core.words import approvals_ended_here
    assert page.said.isVisibleTo(page)
    # s45 walk (PNG 77): the posted photo to take down, the urgent part, leads what the
    # page says, before the approval ended (it was said only lower down, under Published
    # photos, below a blue "1 approval ended")
    # (s50: the take-down list checked in a worker)
    qtbot.waitUntil(lambda: page.said.text().startswith(
        "On the take-down list because of Tori"), timeout=10000)
    down = page.said.text().split("\n")[0]
    assert page.said.text() == f"{down}\n{approvals_ended_here(1)}"
    assert page.said.styleSheet() == style.BANNER_ERROR
    # said once (s65): the box under Exported photos and videos points up to it
    from photovet.gui.dialogs.person import TAKEDOWN_ABOVE
    assert page.takedown_label.text() == TAKEDOWN_ABOVE
    qtbot.waitUntil(lambda: win.takedown_banner.isVisible(), timeout=10000)
    assert page.history.rowCount() >= 1
    # the column is "By": the name (it read "Changed by Mrs Jo Preparer", by twice)
    assert page.history.horizontalHeaderItem(3).text() == "By"
    assert page.history.item(0, 3).text() == "Mrs Jo Preparer"
    assert page.history.item(0, 0).text()[2] == "/"
    # who asked, and the day they asked (not the day it was entered), on a line of its own
    # under the change, across the table (read without scrolling)
    # (and how it was entered: s35)
    assert page.history.item(1, 0).text() == \
        f"\u21b3 Typed in PhotoVet \u00b7 Requested by Mrs Amos (mother), by email, {asked_on}"
    assert page.history.columnSpan(1, 0) == page.history.columnCount()
    # a consent first set by the import has no earlier value: "Not recorded", as the SAR says
    changes = [page.history.item(r, 2).text() for r in range(page.history.rowCount())]
    assert "Not recorded \u2192 Yes" in changes and not any("Nothing" in c for c in changes)
    # s35: a Yes typed by hand keeps who entered it and how ("typed in PhotoVet"), said on
    # the line under it (it recorded no how, and the page said only a name)
    answer(click("&Yes"), kind=QMessageBox)
    combo = page.combos[("facebook", "photo")]            # the page was shown again
    combo.setCurrentIndex(combo.findData("yes"))
    [back] = [c for c in win.ctx.ws.register.history(TORI) if c.channel == "facebook"
              and c.media == "photo" and c.new_state == "yes" and c.source.startswith("user:")]
    assert (back.source, back.how) == ("user:Mrs Jo Preparer", CONSENT_TYPED)
    assert not page.said.isVisibleTo(page)       # a Yes ends nothing (nor brings it back)
    assert page.history.item(0, 3).text() == "Mrs Jo Preparer"
    assert page.history.item(1, 0).text() == "\u21b3 Typed in PhotoVet"
    assert page.history.columnSpan(1, 0) == page.history.columnCount()
    page.accept()


def test_a_withdrawal_is_made_only_with_who_asked_and_the_day(posted, qtbot):
    """Both fields are required, with the core's words when one is empty, and never a day
    still to come; cancelled, nothing changes."""
    win = posted
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    combo = page.combos[("facebook", "photo")]
    said: list = []
    future = (_dt.date.today() + _dt.timedelta(days=3)).strftime("%d/%m/%Y")

    def try_it(dlg: WithdrawalDialog) -> None:
        dlg.who.setText("")
        dlg.day.setText("")
        for who, day in (("", "01/11/2026"), ("Mrs Amos (mother), by phone", ""),
                         ("Mrs Amos (mother), by phone", "31/02/2026"),
                         ("Mrs Amos (mother), by phone", future)):
            dlg.who.setText(who)
            dlg.day.setText(day)
            button(dlg, "Withdraw consent").click()
            said.append(dlg.error.text() if dlg.isVisible() and dlg.error.isVisible() else "")
        button(dlg, "Cancel").click()

    answer(try_it, kind=WithdrawalDialog)
    combo.setCurrentIndex(combo.findData("no"))
    assert said[0].startswith("Say who asked for this (for example: Mrs Harris (mother), by ")
    assert said[1] == "Say the day they asked (DD/MM/YYYY)."
    assert "is not a date" in said[2]
    assert said[3].startswith(f"{future} is still to come")
    assert combo.currentData() == "yes"
    assert win.ctx.ws.register.person(TORI).consent_state("facebook", "photo") == "yes"
    page.accept()


def test_do_not_photograph_asks_who_asked_and_a_take_down_says_it(posted, qtbot):
    """Going on the do-not-photograph list withdraws every consent: the same dialog; the
    take-down list's reason says who asked and when."""
    win = posted
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    seen: list = []
    answer(withdraw_as_asked(seen, who="Mrs Amos (mother), in person", day="27/11/2026"),
           kind=WithdrawalDialog)
    page.dnp.setChecked(True)
    assert "do-not-photograph list" in seen[0]
    assert win.ctx.ws.register.person(TORI).do_not_photograph
    # the posted photo to take down first, then the approval ended (s45 walk)
    # (s50: once the take-down check, in a worker, is back)
    qtbot.waitUntil(lambda: page.said.text().startswith(
        "On the take-down list because of Tori: "), timeout=10000)
    assert "\n1 approval ended: " in page.said.text(), page.said.text()
    assert page.history.item(1, 0).text() == ("\u21b3 Typed in PhotoVet \u00b7 Requested by "
                                              "Mrs Amos (mother), in person, 27/11/2026")
    qtbot.waitUntil(lambda: win.takedown_banner.isVisible(), timeout=10000)
    reasons = [r for i in win.ctx.ws.takedown() for r in i.reasons.values()]
    assert reasons and all(r.startswith("On the do-not-photograph list since ")
                           and r.endswith("(requested by Mrs Amos (mother), in person, "
                                          "27/11/2026)") for r in reasons), reasons
    page.accept()


def test_the_caption_is_checked_as_it_is_typed_and_recorded_with_the_export(window, qtbot,
                                                                            tmp_path, ws):
    """s25: a caption typed in the export dialog is checked by the core as it is typed; a
    caption naming Joel (no name consent) holds the export back and suggests initials; the
    caption exported is recorded with Joel, so his withdrawal lists the posts (with where the
    exported copy is) and marking them done can delete the copies."""
    from photovet.gui.dialogs.takedown import MarkDoneDialog

    approve_all(window, caption="Well done JC at sports day")
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.caption.setText("Well done Joel Clarke at sports day")
    qtbot.waitUntil(lambda: "cannot be posted here" in dlg.caption_check.text(), timeout=5000)
    assert "Joel Clarke" in dlg.caption_check.text()
    assert "Well done JC at sports day" in dlg.caption_check.text()
    assert not dlg.export_btn.isEnabled() and dlg.use_suggestion.isVisible()
    dlg.use_suggestion.click()
    qtbot.waitUntil(lambda: "names nobody" in dlg.caption_check.text(), timeout=5000)
    assert dlg.caption.text() == "Well done JC at sports day" and dlg.export_btn.isEnabled()
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    dlg.accept()
    recs = ws.records.exports(batch="Sports day")
    assert len(recs) == 3 and {r.caption for r in recs} == {"Well done JC at sports day"}
    assert all(set(r.caption_people) == {JOEL} for r in recs)
    ws.records.mark_posted(batch="Sports day", channel="facebook")
    window.ctx.records_changed.emit()
    withdraw(window, JOEL, qtbot)
    qtbot.waitUntil(lambda: "3 posted photos must be taken down" in
                    window.takedown_banner.text(), timeout=10000)
    window.link("takedown")
    td = window.after.takedown_dialog
    qtbot.waitUntil(lambda: td.table.rowCount() == 3, timeout=10000)
    assert POST_NAMES + "\u201cJC\u201d" in td.table.item(0, 3).text()
    # a withdrawal is said as one, as for a face (walkthrough s30: "consent refused for ...")
    said = [td.table.item(i, 3).text() for i in range(3)]
    by_caption = [s for s in said if s.startswith(POST_NAMES)]
    assert by_caption and all(": consent withdrawn on " in s and "refused" not in s
                              for s in by_caption), said
    assert "(still on this PC)" in td.table.item(0, 4).text()
    first = Path(td.items[0].output_path)
    first_sha = td.items[0].output_sha256
    select_row(td.table, 0)

    def done(d: MarkDoneDialog) -> None:
        # s36: the example note is about where these posts were (it named Facebook always)
        assert any("for example: the post on Facebook was deleted." in w.text()
                   for w in d.findChildren(QLabel))
        assert d.delete_copy.isChecked()
        assert d.delete_copy.text() == f"Also delete the exported copy (\u2026/{first.name})"
        button(d, "Mark 1 item done").click()

    answer(done, kind=MarkDoneDialog)
    td.done_btn.click()
    qtbot.waitUntil(lambda: not first.exists(), timeout=10000)
    assert len(list((tmp_path / "out").glob("*.jpg"))) == 2
    row = ws.audit.rows(action="takedown.copy-deleted")[-1]["details"]
    assert row["sha256"] == first_sha and "output" not in row     # never the file's name
    td.accept()


def test_mark_posted_says_the_caption_approved_before_one_is_typed(window, qtbot, tmp_path,
                                                                  ws):
    """Walk s33: the office typed the caption the post went out with, took the suggestion
    given for a pupil's name, and was then refused: not the caption a senior leader approved
    (and for a batch approved with different captions, the one offered was the first photo's).
    The form says under the box which caption the photos were approved with."""
    approve_all(window, captions=["Sports day", "Sports day", "Well done Year 5"])
    dlg = export(window, qtbot, tmp_path / "out", label="Mixed")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    dlg.accept()
    approve_all(window, caption="JC on sports day")
    dlg = export(window, qtbot, tmp_path / "out2", label="One caption")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    dlg.accept()
    seen: dict = {}

    def look(d: MarkPostedDialog) -> None:
        note = d.findChild(QLabel, "ApprovedCaptionNote")
        seen["one"] = (note.isVisible(), note.text())
        # one story (s37 walk): no "Optional: if not the export's caption" in the box, nor
        # "PhotoVet checks it..." under it, beside "not allowed"
        seen["box"] = (d.caption.placeholderText(),
                       d.findChild(QLabel, "PostedCaptionHint").isVisible())
        d.batch.setCurrentText("Mixed")
        seen["mixed"] = (note.isVisible(), note.text())
        d.reject()

    answer(look, kind=MarkPostedDialog)
    window.after.mark_posted("One caption")
    qtbot.waitUntil(lambda: "mixed" in seen, timeout=10000)
    assert seen["one"] == (True, "The caption approved with them: \u201cJC on sports day\u201d. "
                                 "Leave the box empty if the post went out with it; a post with "
                                 "another caption is not allowed.")
    assert seen["box"] == ("", False), seen["box"]
    assert seen["mixed"][0] and seen["mixed"][1].startswith(
        "These photos were approved with different captions: a post of them all with one "
        "caption is not allowed.")


def test_mark_posted_with_a_caption_is_checked_and_recorded(posted, qtbot, ws):
    """s25: the post's own caption, when it differed from the export's, is checked by the core
    (refused: nothing marked, the core's words) and recorded with whom it names.

    Audit s27, finding 9: the refusal closed the form and the caption typed was lost, and
    "Posted on" started at the toolbar's channel. Now the form stays open with everything
    typed, says why in it, offers the suggested caption, and starts at the batch's channel."""
    win = posted
    win.ctx.set_channel("website")                 # the toolbar: not where the batch went
    seen: dict = {}

    def fill(d: MarkPostedDialog) -> None:
        seen["channel"] = d.channel.currentData()
        d.url.setText("https://facebook.example/posts/2")
        d.caption.setText("Joel Clarke on sports day")
        # s29: asked whether it already went out with this caption: not yet
        answer(lambda box: (seen.setdefault("asked", box.objectName()),
                            click("No, not posted yet")(box)), kind=QMessageBox, delay=100)
        d.accept()
        qtbot.waitUntil(lambda: d.refusal.isVisible(), timeout=10000)
        seen["refusal"] = d.refusal.text()
        seen["still open"] = d.isVisible() and QApplication.activeModalWidget() is d
        seen["kept"] = (d.caption.text(), d.url.text(), d.channel.currentData())
        seen["marked meanwhile"] = any(p.url.endswith("/2") for r in ws.records.exports()
                                       for p in r.posts)
        assert d.use_suggestion.isVisible()
        d.use_suggestion.click()
        seen["suggested"] = d.caption.text()
        answer(click("Not now"), kind=QMessageBox, delay=300)
        d.accept()

    answer(fill, kind=MarkPostedDialog)
    win.after.mark_posted("Sports day")
    qtbot.waitUntil(lambda: any(p.caption == "JC on sports day" for r in ws.records.exports()
                                for p in r.posts), timeout=10000)
    assert seen["channel"] == "facebook" and seen["asked"] == "CaptionAlreadyPosted"
    assert "Joel Clarke" in seen["refusal"] and \
        "nothing was marked as posted" in seen["refusal"].lower()
    assert seen["still open"] and not seen["marked meanwhile"]
    assert seen["kept"] == ("Joel Clarke on sports day", "https://facebook.example/posts/2",
                            "facebook")
    assert seen["suggested"] == "JC on sports day"
    assert all(JOEL in p.caption_people for r in ws.records.exports() for p in r.posts
               if p.caption)
    assert all(p.url.endswith("/2") for r in ws.records.exports() for p in r.posts
               if p.caption)


def test_mark_posted_with_a_refused_caption_that_already_went_out_is_recorded(posted, qtbot, ws):
    """s29: a caption the core refuses was only ever refused, with a suggested caption: a post
    that really went out with it was then recorded with a caption it never had, or not at all.
    Now the office is asked whether it already went out with this caption; yes: it is recorded
    as it went out, flagged, on the take-down list at once, and the warning says take it down."""
    win = posted
    seen: dict = {}

    def fill(d: MarkPostedDialog) -> None:
        d.url.setText("https://facebook.example/posts/4")
        d.caption.setText("Joel Clarke on sports day")

        def ask(box: QMessageBox) -> None:
            seen["asked"] = (box.objectName(), box.text(), box.informativeText())
            answer(lambda b: (seen.setdefault("said", (b.objectName(), b.text())), b.accept()),
                   kind=QMessageBox, delay=300)
            click("Yes, it went out with this caption")(box)

        answer(ask, kind=QMessageBox, delay=100)
        d.accept()

    answer(fill, kind=MarkPostedDialog)
    win.after.mark_posted("Sports day")
    qtbot.waitUntil(lambda: "said" in seen, timeout=20000)
    name, text, info = seen["asked"]
    assert name == "CaptionAlreadyPosted" and "Joel Clarke" in text
    assert info.startswith("Was it already posted with this caption?")
    name, said = seen["said"]
    assert name == "PostedNotAllowed"
    assert said.startswith("3 photos marked as posted.\n\n3 photos PhotoVet would not have "
                           "allowed are recorded as posted all the same")
    assert "its caption names Joel Clarke as \u201cJoel Clarke\u201d" in said
    assert "Take them down from Facebook now" in said
    posts = [p for r in ws.records.exports() for p in r.posts if p.url.endswith("/4")]
    assert len(posts) == 3 and all(p.caption == "Joel Clarke on sports day" and p.not_allowed
                                   and JOEL in p.caption_people for p in posts)
    items = ws.takedown()
    assert len(items) == 3 and all(i.people == [JOEL] and i.status == "posted" for i in items)
    assert all(i.reasons[JOEL].startswith(POST_NAMES + "\u201cJoel Clarke\u201d")
               for i in items)
    qtbot.waitUntil(lambda: "3 posted photos must be taken down" in win.takedown_banner.text(),
                    timeout=10000)


def test_mark_posted_of_a_photo_taken_down_is_recorded_and_says_take_it_down(posted, qtbot, ws):
    """Audit s27, finding 1: "Mark as posted" recorded a re-post of a photo taken down minutes
    earlier, without a word. s29: a post that happened is always on record, so it is recorded,
    flagged, and on the take-down list at once; the warning says each one, who and why, and
    to take it down now."""
    win = posted
    withdraw(win, TORI, qtbot)
    qtbot.waitUntil(lambda: "1 posted photo must be taken down" in win.takedown_banner.text(),
                    timeout=10000)
    [item] = ws.takedown()
    from photovet.core.records import takedown

    takedown.mark_done(ws.records, [item.id], "removed")
    tori = Path(item.output_path).name
    said: list = []

    def post(d: MarkPostedDialog) -> None:
        d.date.setDate(QDate.currentDate())
        d.url.setText("https://facebook.example/posts/3")
        d.accept()

    answer(post, kind=MarkPostedDialog)
    answer(lambda box: (said.append((box.objectName(), box.icon(), box.text())), box.accept()),
           kind=QMessageBox, delay=300)
    win.after.mark_posted("Sports day")
    qtbot.waitUntil(lambda: bool(said), timeout=10000)
    name, icon, text = said[0]
    today = _dt.date.today().strftime("%d/%m/%Y")
    assert name == "PostedNotAllowed" and icon == QMessageBox.Icon.Warning
    assert text.startswith("3 photos marked as posted.\n\n1 photo PhotoVet would not have "
                           "allowed is recorded as posted all the same (a post that happened "
                           "is always on record) and on the take-down list now:")
    assert (f"\u2022 {tori} was taken down from Facebook on {today} because Tori Amos's "
            "consent for Facebook") in text
    assert "it cannot be posted again." in text
    assert "Take it down from Facebook now, then mark it done on the take-down list." in text
    reposted = {Path(r.output_path).name: [p.url for p in r.posts]
                for r in ws.records.exports(batch="Sports day")}
    assert reposted[tori] == ["", "https://facebook.example/posts/3"]
    assert all(urls == ["", "https://facebook.example/posts/3"] for urls in reposted.values())
    # the take-down list has it again, open
    [again] = ws.takedown()
    assert again.id == item.id and not again.done and again.not_allowed
    qtbot.waitUntil(lambda: "1 posted photo must be taken down" in win.takedown_banner.text(),
                    timeout=10000)


def test_a_caption_the_core_refuses_at_export_says_why_on_the_form_kept(window, qtbot,
                                                                        tmp_path, ws):
    """The dialog's live check holds Export back; should the core still refuse the caption
    (the register changed meanwhile), its words are on the page shown, not a hidden one: the
    form again, with what was typed (s51: nothing was written, so there is nothing to report
    on a page of results with only Close on it)."""
    approve_all(window)
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    dlg.label.setText("Sports day")
    window.export.start(str(tmp_path / "out"), "Sports day", "Well done Joel Clarke")
    qtbot.waitUntil(lambda: not dlg.running and "Nothing was exported" in dlg.problem.text(),
                    timeout=20000)
    assert dlg.stack.currentIndex() == 0 and dlg.export_btn.isVisible()
    said = dlg.problem.text()
    assert said.startswith("Nothing was exported. ") and "Joel Clarke" in said and "JC" in said
    assert dlg.label.text() == "Sports day"
    assert ws.records.exports() == [] and not list((tmp_path / "out").iterdir())
    dlg.reject()


def test_the_originals_folder_refused_at_export_leaves_the_form_to_choose_another(
        window, qtbot, tmp_path, ws):
    """s51 walk: the originals' folder typed as where the safe copies go: "Nothing was
    exported. trip: this is the folder holding the original photos..." on a page with only
    Close, the batch name and caption to type again. The form stays, saying why; another
    folder then exports."""
    approve_all(window)
    dlg = export(window, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    originals = Path(window.batch.model.items[0].path).parent
    dlg.folder.setText(str(originals))
    dlg.label.setText("Sports day")
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: not dlg.running and "Nothing was exported" in dlg.problem.text(),
                    timeout=20000)
    assert dlg.stack.currentIndex() == 0, dlg.result.text()
    assert "folder holding the original photos" in dlg.problem.text(), dlg.problem.text()
    assert dlg.label.text() == "Sports day" and ws.records.exports() == []
    dlg.folder.setText(str(tmp_path / "out"))
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    assert dlg.result.text().startswith("<b>Exported 3 photos</b>"), dlg.result.text()
    dlg.reject()


def test_chosen_files_refused_for_one_reason_say_it_once(window, qtbot):
    said: list[str] = []
    answer(lambda box: (said.append(box.text()), box.accept()), kind=QMessageBox)
    why = "it was exported for Facebook, not School website: consent and covers were checked " \
          "and approved for Facebook only"
    window.after._posted(([], [(Path(f"/x/a{i}.jpg"), why) for i in range(4)]), "", window)
    assert said == [f"0 photos marked as posted.\n\n4 files not marked: {why}."]


def test_exports_history_shows_the_caption_each_export_and_post_went_out_with(window, qtbot,
                                                                              tmp_path, ws):
    """s26: the history had no caption, though each export keeps the caption it went out
    with. Now a 'Caption' column says it in the core's words (and a post's own caption where
    it differed), cut short with '…' and whole in the tooltip and under the list for the
    chosen export; 'No caption' when there is none."""
    from PySide6.QtCore import Qt

    long = ("A lovely afternoon at sports day with Year 4 and their teachers, who ran the egg "
            "and spoon race & the sack race <in the rain>")
    approve_all(window, caption=long)
    for label, caption in (("Sports day", long), ("Trip", "")):
        dlg = export(window, qtbot, tmp_path / label, label)
        dlg.caption.setText(caption)
        qtbot.waitUntil(lambda d=dlg: d.export_btn.isEnabled() and d.caption_ok, timeout=10000)
        dlg.export_btn.click()
        qtbot.waitUntil(lambda d=dlg: d.stack.currentIndex() == 2, timeout=20000)
        dlg.accept()
    hist = window.after.open_exports()
    model = hist.model
    col = model.COLUMNS.index("Caption")
    assert model.headerData(col, Qt.Orientation.Horizontal) == "Caption"
    rows = {r.batch: [] for r in model.records}
    for row, r in enumerate(model.records):
        rows[r.batch].append(row)
    assert len(rows["Trip"]) == 3 and len(rows["Sports day"]) == 3
    assert {model.data(model.index(row, col)) for row in rows["Trip"]} == {"No caption"}
    assert {model.data(model.index(row, col)) for row in rows["Sports day"]} == \
        {f"\u201c{long}\u201d"}

    # s31: a post's own caption is one its approval did not sign: it went out so (recorded,
    # flagged and on the take-down list), as the history shows it
    ws.records.mark_posted(batch="Sports day", channel="facebook", caption="JC on sports day",
                           people=ws.register.people(), already_posted=True)
    window.ctx.records_changed.emit()
    hist.reload()
    today = _dt.date.today().strftime("%d/%m/%Y")
    posted_row = next(row for row, r in enumerate(model.records) if r.batch == "Sports day")
    cell = model.data(model.index(posted_row, col))
    assert cell == (f"\u201c{long}\u201d\nPosted on Facebook on {today}: "
                    "\u201cJC on sports day\u201d")              # a line each
    tip = model.data(model.index(posted_row, col), Qt.ItemDataRole.ToolTipRole)
    assert "&amp; the sack race &lt;in the rain&gt;" in tip          # the whole, escaped
    assert f"<b>Caption posted on Facebook on {today}:</b> \u201cJC on sports day\u201d" in tip
    assert "Refers to Joel Clarke as \u201cJC\u201d" in tip
    trip_row = next(row for row, r in enumerate(model.records) if r.batch == "Trip")

    # a sensible width: the long caption is cut short with '…', not a column a screen wide
    fm = hist.table.fontMetrics()
    assert hist.table.columnWidth(col) <= fm.averageCharWidth() * model.CAPTION_CHARS
    assert fm.horizontalAdvance(f"\u201c{long}\u201d") > hist.table.columnWidth(col)
    assert hist.table.rowHeight(posted_row) >= 2 * fm.lineSpacing()   # both lines in view

    # the chosen export's captions in full under the list
    assert hist.caption.isHidden()
    select_row(hist.table, posted_row)
    assert not hist.caption.isHidden()
    assert "egg and spoon race &amp; the sack race" in hist.caption.text()
    assert "JC on sports day" in hist.caption.text()
    select_row(hist.table, trip_row)
    assert not hist.caption.isHidden()                # one export chosen
    assert "<b>Caption exported:</b> No caption" in hist.caption.text()
    assert "It was exported with no caption." in hist.caption.text()
    hist.accept()


def test_posted_counts_photos_and_videos_the_one_way(window, ws):
    """Audit s26 item 12: '3 exports marked as posted' for 2 photos and 1 video."""
    said: list[str] = []
    answer(lambda box: (said.append(box.text()), box.accept()), kind=QMessageBox)
    marked = [SimpleNamespace(media="photo"), SimpleNamespace(media="photo"),
              SimpleNamespace(media="video")]
    window.after._posted((marked, []), "", window)
    assert said == ["2 photos and 1 video marked as posted."]


def test_an_export_that_writes_nothing_new_says_so_and_a_posted_batch_gets_a_new_name(
        window, qtbot, tmp_path, ws):
    """Audit s27, finding 8: exporting again into the same folder and batch said "Exported 3
    photos" though nothing was written (all 'already exported'); and once the batch was
    marked as posted, the dialog still offered its name."""
    approve_all(window)
    for _ in range(2):
        dlg = export(window, qtbot, tmp_path / "out")
        qtbot.waitUntil(lambda d=dlg: d.export_btn.isEnabled(), timeout=10000)
        dlg.export_btn.click()
        qtbot.waitUntil(lambda d=dlg: d.stack.currentIndex() == 2, timeout=20000)
        text = dlg.result.text()
        # nothing new: no steps, but the folder can still be opened (s40)
        shown = (dlg.where_box.isVisibleTo(dlg), dlg.open_btn.isVisibleTo(dlg),
                 dlg.next_step.isVisibleTo(dlg))
        dlg.accept()
    assert shown == (True, True, False), shown
    today = _dt.date.today().strftime("%d/%m/%Y")
    assert "Exported" not in text, text
    assert text.startswith(
        "<b>Nothing new to export:</b> these 3 photos were already exported in batch "
        f"\u201cSports day\u201d on {today}, into {tmp_path / 'out'}. Nothing was written "
        "again."), text
    assert len(ws.records.exports(batch="Sports day")) == 3
    ws.records.mark_posted(batch="Sports day", channel="facebook")
    window.act_export.trigger()
    dlg = window.export.dialog
    assert dlg.label.text() == "Sports day (2)"
    dlg.reject()


def test_a_long_list_of_photos_to_take_down_stays_on_the_screen(window, qtbot):
    """A whole trip posted though on the take-down list (41 photos): the warning shows the
    first eight with every one in its details."""
    flagged = [(Path(f"/x/trip-{i:03d}.jpg"), f"trip-{i:03d}.jpg is on the take-down list "
                f"(since 30/11/2026) because Kit Hart is on the do-not-photograph list: it "
                "cannot be posted again") for i in range(41)]
    said: list = []
    answer(lambda box: (said.append((box.text(), box.detailedText())), box.accept()),
           kind=QMessageBox)
    window.after._posted(([], [], flagged), "", window, "Facebook")
    text, details = said[0]
    assert text.count("\u2022") == 8 and "\u2026 and 33 more (Show Details)" in text
    assert "41 photos PhotoVet would not have allowed are recorded as posted" in text
    assert "Take them down from Facebook now" in text and details.count("trip-") == 41


def test_the_takedown_list_shows_an_item_closed_when_consent_was_given_again(qtbot):
    """s30: with "Show items already done", an item closed because its reason went away is
    shown with why, as done items are (not counted as to do, not chosen to mark done)."""
    from photovet.core.records.takedown import TakedownItem
    from photovet.gui.dialogs.takedown import TakedownDialog

    dlg = TakedownDialog()
    qtbot.addWidget(dlg)
    closed = TakedownItem(id=4, export_id=1, channel="facebook", status="posted",
                          people=["A1"], reasons={"A1": "Consent withdrawn on 01/11/2026"},
                          names={"A1": "Amy Able"}, output_path="/x/trip0.jpg",
                          output_sha256="0" * 64, source_path="/s/a.jpg", batch="trip",
                          channel_label="Facebook", closed_at="2026-11-30T10:00:00+00:00",
                          closed_reason="Consent given again on 30/11/2026")
    dlg.show_items([closed])
    assert dlg.table.item(0, 1).text() == ("Take this photo down from Facebook (no longer "
                                           "needed: consent given again on 30/11/2026)")
    assert dlg.state.text().startswith("0 items to do")
    dlg.table.selectRow(0)
    assert dlg.chosen() == [] and not dlg.done_btn.isEnabled()


def test_a_subject_access_report_is_saved_first_in_the_data_folder_never_documents(
        window, qtbot, tmp_path, monkeypatch):
    """Walkthrough s33: saving a subject access report started in the home folder. It starts in
    the data folder's reports folder (private: the report names a pupil), then in the folder a
    report was saved in last, as the take-down list's saves do. Not in the user's Documents,
    even when there is one (s41: Documents is often synced to a cloud drive)."""
    from PySide6.QtWidgets import QInputDialog

    win = window
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    win.ctx.qs.remove("paths/reports")
    assert win.after.reports_folder() == Path(win.ctx.ws.home) / "reports"
    assert list((home / "Documents").iterdir()) == []
    starts: list[str] = []
    target = tmp_path / "elsewhere" / "sar.html"
    target.parent.mkdir()

    def save(parent, title, start, *a, **k):
        starts.append(start)
        return (str(target), "") if len(starts) == 1 else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    # a register id (an id no one has now asks first: "Make the report for this id")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (TORI, True))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    win.ctx.qs.remove("paths/reports")
    reports = Path(win.ctx.ws.home) / "reports"
    seen = answer(click("Close"), kind=QMessageBox)
    win.after.subject_access_by_id()
    assert Path(starts[0]).parent == reports and reports.is_dir()
    assert Path(starts[0]).name.startswith(f"Subject access report {TORI} ")
    assert reports.stat().st_mode & 0o077 == 0
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    win.after.subject_access_by_id()              # the folder used last
    assert Path(starts[1]).parent == target.parent
    win.after.save_page()                         # the take-down list's save: the same folder
    assert Path(starts[2]).parent == target.parent


def test_the_example_note_for_a_take_down_names_where_the_posts_were():
    """s36: the example note said "removed from the Facebook page" over School website posts."""
    from types import SimpleNamespace

    from photovet.gui.dialogs.takedown import done_example

    site = SimpleNamespace(channel="website", channel_label="School website")
    assert done_example([site]) == "the post on School website was deleted."
    assert done_example([site, site]) == "the posts on School website were deleted."
    x = SimpleNamespace(channel="x", channel_label="")
    assert done_example([x]) == "the post on x was deleted."
    assert done_example([site, x]) == "the posts were deleted."


def test_the_consent_form_says_the_approvals_its_withdrawal_ended(window, qtbot):
    """A withdrawal entered from the family's consent form ends the approval of the photo
    that shows her, and the person page says how many (the core's count, as for a consent
    changed in its box): s37 left this path with no test."""
    from photovet.core.words import approvals_ended_here
    from photovet.gui.dialogs.consent_form import ConsentFormDialog

    win = window
    approve_all(win)
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    assert not page.said.isVisibleTo(page)
    seen: list = []

    def no_photos(form: ConsentFormDialog) -> None:
        form.findChild(type(form.save_btn), "all-photo-no").click()
        answer(withdraw_as_asked(seen, who="Mrs Amos (mother), on the form"),
               kind=WithdrawalDialog)
        form.save_btn.click()

    answer(no_photos, kind=ConsentFormDialog)
    page.enter_form()
    assert seen and "listed to take down" in seen[0]
    assert win.ctx.ws.register.person(TORI).consent_state("facebook", "photo") == "no"
    # trip_0 shows Tori and was approved for Facebook: one approval ended, said on the page
    assert page.said.isVisibleTo(page) and page.said.text() == approvals_ended_here(1)
    statuses = [win.ctx.ws.approvals.status(it.analysis.sha256, "facebook")
                for it in win.batch.model.items]
    assert statuses == ["ready", "approved", "approved"], statuses
    # a form that changes nothing more ends nothing, and says nothing
    answer(lambda form: form.reject(), kind=ConsentFormDialog)
    page.enter_form()
    assert not page.said.isVisibleTo(page) and page.said.text() == ""
    page.accept()


def test_they_are_back_says_the_approvals_it_ended(window, qtbot, monkeypatch):
    """s40: "They are back" on a leaving date that had taken effect ends the approval of the
    photo that shows her (the core's rule, s38), and the person page says how many, as it does
    for a withdrawal (it said nothing)."""
    from photovet.core.words import approvals_ended_here

    win = window
    approve_all(win)
    win.ctx.ws.register.set_leaving_date(TORI, _dt.date.today())     # taken effect today
    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    win.register_view.person_requested.emit(TORI)
    page = modal(kind=PersonDialog)
    assert not page.said.isVisibleTo(page)
    assert page.they_are_back()
    # said before, in the question, too (walk s40)
    assert "An approved photo or video that shows them will wait for a senior leader to " \
        "approve it again." in asked[0], asked
    assert page.said.isVisibleTo(page) and page.said.text() == approvals_ended_here(1)
    assert win.ctx.ws.approvals.status(win.batch.model.items[0].analysis.sha256,
                                       "facebook") == "ready"
    page.accept()


def test_marking_done_leaves_the_list_in_front_saying_what_was_done(posted, qtbot, ws):
    """s41 walk (Xvfb, no window manager): items chosen, "Mark chosen as taken down", a note
    and Enter: the list seemed to close with the banner, and nothing said what was done. It
    was behind the window, raised to take the keyboard back when the question closed. The
    keyboard goes back to the list now, which stays in front and says what was done."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win = posted
    dlg = two_to_take_down(win, qtbot)
    dlg.table.selectAll()

    def note(d: ReasonDialog) -> None:
        d.edit.setText("Removed from the Facebook page")
        QTest.keyClick(d.edit, Qt.Key.Key_Return)

    answer(note, kind=ReasonDialog)
    dlg.done_btn.setFocus()
    QTest.keyClick(dlg.done_btn, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not win.takedown_banner.isVisible(), timeout=10000)
    assert ws.db.all("SELECT note FROM takedown_items") == [("Removed from the Facebook page",)] * 2
    qtbot.wait(300)
    assert win.after.takedown_dialog is dlg and dlg.isVisible(), "the list closed"
    # it was not closed but put behind the window: with no window manager (a kiosk, some remote
    # sessions; Xvfb) the window took the keyboard back and was raised over the list
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=2000)
    assert dlg.done_note.isVisible() and dlg.done_note.text().startswith(
        "2 items marked as taken down")


def test_the_delete_originals_offer_names_other_places_than_where_they_were_posted(window):
    """s43 walk: marked posted on the School website, the offer to delete the originals said
    "If these photos are also going somewhere you have not prepared yet (the school website,
    the newsletter...)": its examples are other places than the one just posted on."""
    said: dict[str, str] = {}
    for label in ("School website", "Facebook", "Newsletter"):
        answer(lambda box, label=label: (said.__setitem__(label, box.informativeText()),
                                         button(box, "Not now").click()), kind=QMessageBox)
        window.after._posted(([object()] * 3, []), "Sports day", window, label)
    assert "(the newsletter, Facebook\u2026)" in said["School website"], said
    assert "(the school website, the newsletter\u2026)" in said["Facebook"], said
    assert "(the school website, Facebook\u2026)" in said["Newsletter"], said


def test_the_exports_history_says_how_many_are_on_the_take_down_list(posted, qtbot, ws):
    """s43 walk: after a withdrawal, the 8 posts to take down read in the export history as
    any other ("16 exports, 16 marked posted."): it says how many are on the take-down list,
    and where that list is."""
    hist = posted.after.open_exports()
    assert hist.count.text() == "3 exports, 3 marked posted."
    hist.reject()
    withdraw(posted, TORI, qtbot)
    qtbot.waitUntil(lambda: posted.takedown_banner.isVisible(), timeout=10000)
    hist = posted.after.open_exports()
    assert hist.count.text() == ("3 exports, 3 marked posted; 1 on the take-down list (After "
                                 "posting > Take-down list\u2026)."), hist.count.text()
    hist.reject()


def test_the_exports_history_reads_the_take_down_list_without_evaluating_it(
        posted, qtbot, ws, monkeypatch):
    """s43 audit: the count of exports on the take-down list evaluated the whole list (a write
    under the register's writer lock, across every export with people) on the window's thread,
    each time a filter changed. It reads the open items as the list last stood (its banner's
    check keeps it up to date)."""
    from photovet.core.records import takedown as takedown_mod

    withdraw(posted, TORI, qtbot)
    qtbot.waitUntil(lambda: posted.takedown_banner.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: posted.after._checking is None, timeout=10000)
    evaluated: list = []
    real = takedown_mod.evaluate
    monkeypatch.setattr(takedown_mod, "evaluate",
                        lambda *a, **k: evaluated.append(1) or real(*a, **k))
    hist = posted.after.open_exports()
    hist.channel.setCurrentIndex(hist.channel.count() - 1)
    hist.channel.setCurrentIndex(0)
    assert hist.count.text() == ("3 exports, 3 marked posted; 1 on the take-down list (After "
                                 "posting > Take-down list\u2026)."), hist.count.text()
    hist.reject()
    assert evaluated == []


def test_the_delete_originals_offer_gives_no_place_the_copies_were_exported_for(window):
    """s45 walk (PNG 72): the Facebook copies marked posted, the offer gave "the school
    website" as somewhere "not prepared yet", though copies of these photos had just been
    exported for it: its examples leave out every channel they were exported for, and say
    none when no example is left."""
    said: list[str] = []

    def offer(box: QMessageBox) -> None:
        said.append(box.informativeText())
        button(box, "Not now").click()

    answer(offer, kind=QMessageBox)
    window.after._posted(([object()] * 3, [], [], ["website", "facebook"]), "Sports day",
                         window, "Facebook")
    assert "(the newsletter\u2026)" in said[-1] and "school website" not in said[-1], said
    answer(offer, kind=QMessageBox)
    window.after._posted(([object()] * 3, [], [], ["website", "newsletter", "facebook"]),
                         "Sports day", window, "Facebook")
    assert said[-1].endswith("If these photos are also going somewhere you have not prepared "
                             "yet, choose Not now: the originals are needed for that."), said


def test_the_exports_history_says_when_nothing_was_exported_yet(window, qtbot):
    """s51 walk: a new office opening After posting > Exports and posts read "No exports
    match." with every choice at "All": it says nothing was exported yet, and how things get
    there; with a choice made, that nothing matches it."""
    hist = window.after.open_exports()
    assert hist.count.text() == ("Nothing has been exported yet. Approved photos and videos "
                                 "are listed here once they are exported (Export on the "
                                 "toolbar)."), hist.count.text()
    hist.channel.setCurrentIndex(1)
    assert hist.count.text() == "No exports match these choices.", hist.count.text()
    hist.reject()


def test_the_same_photo_twice_in_the_batch_is_saved_once_and_said_so(qtbot, ws, make_window,
                                                                     tmp_path):
    """s52: a copy of a photo under another name in the batch was written twice into the
    export folder (two copies of one photo to post). It is saved once, the done page says so,
    and its original is kept with that export ("Delete originals" deletes both)."""
    ws.import_register(write_register(tmp_path / "mis.csv"))
    one = make_photo(tmp_path / "trip" / "trip_0.jpg", faces=[], colour=(150, 140, 130))
    two = make_photo(tmp_path / "trip" / "trip_1.jpg", faces=[], colour=(180, 140, 130))
    copy = tmp_path / "trip" / "trip_0 copy.jpg"
    copy.write_bytes(one.read_bytes())
    win = make_window({"trip_0.jpg": [], "trip_1.jpg": [], "trip_0 copy.jpg": []})
    win.ctx.set_channel("facebook")
    win.add_paths([str(one), str(copy), str(two)])
    wait_checked(qtbot, win, 3)
    approve_all(win)
    dlg = export(win, qtbot, tmp_path / "out")
    qtbot.waitUntil(lambda: dlg.export_btn.isEnabled(), timeout=10000)
    # said before the export too
    assert dlg.plan.text() == ("<b>3 photos will be exported.</b> One of them is a second copy "
                               "of a photo in the batch (the same photo under another name): "
                               "it is saved once."), dlg.plan.text()
    dlg.export_btn.click()
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == 2, timeout=20000)
    assert len(list((tmp_path / "out").iterdir())) == 2
    text = dlg.result.text()
    assert text.startswith("<b>Exported 3 photos</b> for Facebook. One of them was a second "
                           "copy of a photo in the batch (the same photo under another name): "
                           "it was saved once."), text
    assert ws.db.all("SELECT source_path FROM export_same_photo") == [(str(copy),)]
    dlg.reject()


def test_the_delete_originals_offer_says_videos_when_a_video_was_posted(window):
    """s65 walk: 8 photos and a video marked posted, the offer said "Photos marked ready ...
    If these photos are also going somewhere...": a batch with a video says "photos and
    videos"; one of photos only says "photos" as before."""
    from types import SimpleNamespace

    said: list[str] = []
    answer(lambda box: (said.append(box.informativeText()), button(box, "Not now").click()),
           kind=QMessageBox)
    marked = [SimpleNamespace(media="photo"), SimpleNamespace(media="video")]
    window.after._posted((marked, []), "Sports day", window, "Facebook")
    assert "Photos and videos marked ready or approved for another channel keep their " \
           "originals. If these photos and videos are also going somewhere" in said[-1], said
    answer(lambda box: (said.append(box.informativeText()), button(box, "Not now").click()),
           kind=QMessageBox)
    window.after._posted(([SimpleNamespace(media="photo")] * 2, []), "Sports day", window,
                         "Facebook")
    assert "Photos marked ready or approved for another channel keep their originals. If " \
           "these photos are also going somewhere" in said[-1], said
