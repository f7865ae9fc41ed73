"""s48: what a school office worker noticed clicking through the app at 1024 x 768.

1. "Mark all shown ready..." was enabled over an empty list (pressing it only said "Nothing to
   mark"): it is greyed out while it would mark nothing, its tooltip saying why.
2. A caption for all of them typed in "Mark all shown ready"'s question and refused by the
   caption check (a pupil's full name) was put in the box under the video shown, which then
   read as the video's own caption. The question's caption never goes in that box.
3. The approver's buttons read "Approve (A)" and "Reject... (R)" (the keys written into the
   words); they read "Approve" and "Reject...", the keys A and R said in their tooltips, and
   no button reads with a "(X)" after its words.
4. The approver's empty list names the folder where photos wait for approval: at 1024 x 768 a
   long folder name was cut off at both sides (Qt breaks neither after '\\' nor '_'). It wraps
   after the path's separators, and inside a folder's name only when that name is wider than
   the column.
5. A Chinese character read on a sign ('口') was an empty box in the findings list on a PC
   with no font for it: the list says what it is after the quote ("a Chinese/Japanese
   character, U+53E3"), only where this PC's fonts (with Qt's fallbacks) cannot draw it."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument, QTextLayout, QTextOption
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

from photovet.gui.controllers.approval import (
    MARK_ALL_TIP,
    NOTHING_LEFT_TO_MARK,
    NOTHING_SHOWN_TO_MARK,
)
from photovet.gui.dialogs.batch_caption import MarkReadyQuestion
from photovet.gui.views.findings import Drawable, FindingsPanel, text_sentence
from photovet.gui.words import MAY_BREAK, breakable_path
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    checked_batch,
    click,
    select_photo,
    sign_in_as,
    wait_checked,
    without_checklist,
)
from tests.gui.fake_engine import make_batch, write_register

REFUSED = "Well done Joel Clarke!"          # Joel may not be named on the website


def _settle(n: int = 5) -> None:
    for _ in range(n):
        QApplication.processEvents()


def _mark_all_action(win):
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Approve")
    return next(a for a in menu.actions() if a.text().startswith("Mark all shown ready"))


def test_mark_all_shown_ready_is_greyed_out_while_it_would_mark_nothing(
        qtbot, ws, make_window, tmp_path):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    sign_in_as(win, PREPARER_NAME)
    view, panel = win.photos.batch, win.photos.approval
    btn, action = panel.ready_all_btn, _mark_all_action(win)
    _settle()
    assert btn.isVisible() and btn.isEnabled() and action.isEnabled()
    assert btn.toolTip().startswith(MARK_ALL_TIP), btn.toolTip()
    # the list shows nothing (its choice): greyed out, saying why
    view.set_filter("approval:rejected")
    _settle()
    assert not view.shown_items()
    assert not btn.isEnabled() and not action.isEnabled()
    assert btn.toolTip().startswith(NOTHING_SHOWN_TO_MARK), btn.toolTip()
    assert action.toolTip().startswith(NOTHING_SHOWN_TO_MARK), action.toolTip()
    view.set_filter("all")
    _settle()
    assert btn.isEnabled() and action.isEnabled()
    # every photo shown marked ready: nothing left to mark with no caption typed...
    panel.caption_edit.setText("")
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    _settle()
    assert {it.approval for it in win.batch.model.items} == {"ready"}, panel.message.text()
    assert not btn.isEnabled() and not action.isEnabled()
    assert btn.toolTip().startswith(NOTHING_LEFT_TO_MARK), btn.toolTip()
    # ...but a new caption typed marks them ready again, with it
    panel.caption_edit.setText("Sports day")
    _settle()
    assert btn.isEnabled() and btn.toolTip().startswith(MARK_ALL_TIP)
    # no photos at all: greyed out, saying why
    for it in list(win.batch.model.items):
        win.batch.remove(it.path)
    _settle()
    assert not btn.isEnabled() and btn.toolTip().startswith(NOTHING_SHOWN_TO_MARK)
    win.close()


def test_a_caption_refused_in_the_question_never_shows_as_the_videos_own(
        qtbot, ws, make_window, tmp_path):
    from tests.core.test_video_workflow import SquareFaces, make_video

    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", 1)
    clip = make_video(tmp_path / "photos" / "assembly.mp4")
    win = make_window(faces, face_engine=SquareFaces())
    win.add_paths([str(p) for p in paths] + [str(clip)])
    wait_checked(qtbot, win, 2, timeout=60000)
    sign_in_as(win, PREPARER_NAME)
    panel = win.photos.approval
    select_photo(win, clip.name)
    qtbot.waitUntil(lambda: win.photos.media.currentWidget() is win.photos.video, timeout=5000)
    _settle()
    assert panel.caption_edit.isVisible() and panel.caption_edit.text() == ""
    seen: list[str] = []

    def refused_then_no(box: MarkReadyQuestion) -> None:
        seen.append(box.refusal.text())
        click("&No")(box)

    def type_it(box: MarkReadyQuestion) -> None:
        box.caption_edit.setText(REFUSED)
        answer(refused_then_no, kind=MarkReadyQuestion, delay=100)
        click("&Yes")(box)

    answer(type_it, kind=MarkReadyQuestion)
    win.approval.mark_all_shown_ready()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10000)
    _settle()
    assert "nothing was marked ready" in seen[0], seen
    assert {it.approval for it in win.batch.model.items} == {"draft"}
    # why, said in the panel as the caption for all of them; the video's box holds its own
    assert panel.caption_edit.text() == "", panel.caption_edit.text()
    said = panel.message.text()
    assert panel.message.isVisible() and said.startswith(
        "The caption for all of them was not used.") and "nothing was marked ready" in said, said
    assert not panel.use_suggestion_btn.isVisible()      # it would go in the video's box
    # nor kept for the video while another is looked at
    select_photo(win, paths[0].name)
    _settle()
    assert panel.caption_edit.text() == ""
    select_photo(win, clip.name)
    _settle()
    assert panel.caption_edit.text() == ""
    # the suggestion taken in the question: each is marked with it, the video's box shows it
    # as the caption it was marked ready with
    def take(box: MarkReadyQuestion) -> None:
        box.caption_edit.setText(REFUSED)
        answer(lambda b: (b.use_suggestion.click(), click("&Yes")(b)), kind=MarkReadyQuestion,
               delay=100)
        click("&Yes")(box)

    answer(take, kind=MarkReadyQuestion)
    win.approval.mark_all_shown_ready()
    qtbot.waitUntil(lambda: {it.approval for it in win.batch.model.items} == {"ready"},
                    timeout=10000)
    _settle()
    video = win.batch.model.item_for(str(clip))
    assert ws.approvals.get(video.analysis.sha256, "website").caption == "Well done JC!"
    select_photo(win, clip.name)
    _settle()
    assert panel.caption_edit.text() == "Well done JC!"
    win.close()


def _keys_written_in(win) -> list[str]:
    """The words of every button of the window that end with a key in brackets: '(A)'."""
    buttons = win.findChildren(QAbstractButton)
    buttons.append(win.photos.findings.keep_rest_button)    # in the panel only when needed
    return [b.text() for b in buttons
            if re.search(r"\((?:Ctrl\+|Alt\+|Shift\+)?[A-Z0-9]\)\s*$", b.text())]


def test_approve_and_reject_read_as_words_and_their_keys_still_work(
        qtbot, ws, make_window, tmp_path, monkeypatch):
    win = checked_batch(qtbot, ws, make_window, tmp_path, 2)
    sign_in_as(win, PREPARER_NAME)
    _settle()
    assert _keys_written_in(win) == []
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    _settle()
    panel = win.photos.approval
    approve, reject = panel.approve_btn, panel.reject_btn
    assert approve.isVisible() and reject.isVisible()
    assert (approve.text(), reject.text()) == ("Approve", "Reject\u2026")
    assert "(shortcut: A)" in approve.toolTip() and "(shortcut: R)" in reject.toolTip()
    assert _keys_written_in(win) == []
    assert "shortcut: K" in win.photos.findings.keep_rest_button.toolTip()
    # the keys still do it (the list has the keyboard)
    done: list[str] = []
    monkeypatch.setattr(win.approval, "approve", lambda: done.append("approve"))
    monkeypatch.setattr(win.approval, "reject", lambda: done.append("reject"))
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    win.photos.batch.list.setFocus()
    QTest.keyClick(win.photos.batch.list, Qt.Key.Key_A)
    QTest.keyClick(win.photos.batch.list, Qt.Key.Key_R)
    _settle()
    assert done == ["approve", "reject"]
    win.close()


def _drawn_lines(label) -> list[list[tuple[str, float]]]:
    """The lines a word-wrapped plain-text label draws its words on, with their widths, a list
    for each paragraph (as QLabel lays them out: wrapped where a line may end, a word wider
    than the label drawn whole, and cut off)."""
    paragraphs = []
    for para in label.text().split("\n"):
        layout = QTextLayout(para, label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        lines = []
        while (line := layout.createLine()).isValid():
            line.setLineWidth(label.contentsRect().width())
            lines.append((para[line.textStart():line.textStart() + line.textLength()],
                          line.naturalTextWidth()))
        layout.endLayout()
        paragraphs.append(lines)
    return paragraphs


def test_the_approvers_empty_list_wraps_a_long_folder_at_its_separators(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    folder = tmp_path / "School_photos" / "2026_07_03_Sports_Day_Year_4_afternoon_races_and_prizes"
    paths, faces = make_batch(folder, 2)
    win = make_window(faces)
    win.resize(1024, 768)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 2)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)
    win.approval.set_approver_view(True)
    for p in paths:
        win.batch.remove(str(p))
    _settle(10)
    view = win.photos.batch
    label = view.empty_label
    assert view.stack.currentWidget() is view.empty and label.isVisible()
    # the folder's long name no longer makes the window wider than the screen (1139 px)
    assert win.width() <= 1024, win.width()
    # the words are the core's, the folder whole
    assert view.empty_words.startswith(f"2 photos wait for approval for School website. They "
                                       f"are in {folder}."), view.empty_words
    assert label.text().replace(MAY_BREAK, "") == view.empty_words
    width = label.contentsRect().width()
    paragraphs = _drawn_lines(label)
    lines = [line for para in paragraphs for line in para]
    assert len(lines) > 4, lines
    # nothing cut off: every line fits the column
    assert all(w <= width + 0.5 for _t, w in lines), (width, lines)
    # a line ends between words or after a separator (or, in a folder's name wider than the
    # column, after its '-', '_' or '.'): never inside a word
    for para in paragraphs:
        for text, _w in para[:-1]:
            assert text[-1] in (" ", "-", "/", MAY_BREAK), (text, width, paragraphs)
    ends = [t[-2] for para in paragraphs for t, _w in para[:-1] if t.endswith(MAY_BREAK)]
    assert "/" in ends, paragraphs
    # "Details..." above the list names the folder too: nothing of it cut off
    view.show_elsewhere_details(True)
    _settle(10)
    banner = view.elsewhere
    assert banner.isVisible() and "2026_07_03" in banner.text().replace(MAY_BREAK, "")
    doc = QTextDocument()
    doc.setDefaultFont(banner.font())
    option = doc.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    doc.setDefaultTextOption(option)
    doc.setHtml(banner.text())
    doc.setTextWidth(banner.contentsRect().width())
    assert doc.idealWidth() <= banner.contentsRect().width(), (doc.idealWidth(),
                                                               banner.contentsRect().width())
    win.close()


def test_a_windows_folder_may_wrap_after_each_backslash():
    """A folder on a school's Windows PC: Qt would not break after '\\' by itself."""
    shown = breakable_path("D:\\Photos\\Sports_Day_2026")
    assert shown == f"D:\\{MAY_BREAK}Photos\\{MAY_BREAK}Sports_Day_2026"
    # inside a folder's name only when it is too long for a line by itself
    assert breakable_path("D:\\Sports_Day", fits=lambda part: len(part) < 5) == \
        f"D:\\{MAY_BREAK}Sports_{MAY_BREAK}Day"


def test_a_character_the_fonts_cannot_draw_is_said_as_what_it_is(qtbot):
    import datetime as _dt

    from photovet.core.models import Channel, PhotoAnalysis, TextItem
    from photovet.core.policy import rule_for_text

    channel = Channel(id="website", label="School website", names="initials")

    def decided(text: str) -> TextItem:
        t = TextItem(polygon=[(0, 0), (10, 0), (10, 5), (0, 5)], text=text, context="sign")
        d = rule_for_text(t, None, channel, "photo", "consent", _dt.date(2026, 3, 12))
        t.decision, t.reason, t.needs_review = d.action, d.reason, d.needs_review
        return t

    a = PhotoAnalysis(path="x.jpg", sha256="x", texts=[decided("\u53e3"), decided("Exit")],
                      faces_checked=True)
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 700)
    panel.show()
    panel.show_analysis(a, {})
    head = panel.tree.topLevelItem(1)
    rows = [head.child(i).text(0) for i in range(head.childCount())]
    rows += [head.child(i).child(j).text(0) for i in range(head.childCount())
             for j in range(head.child(i).childCount())]
    glyphs = Drawable(panel.tree.font())
    assert glyphs("E") and glyphs("\u00e9")
    said = next(r for r in rows if r.startswith("\u201c\u53e3\u201d"))
    if not glyphs("\u53e3"):         # a PC with no Chinese or Japanese font (this one)
        assert said.startswith("\u201c\u53e3\u201d (a Chinese/Japanese character, U+53E3): "), rows
    else:
        assert said.startswith("\u201c\u53e3\u201d: "), rows
    assert any(r.startswith("\u201cExit\u201d: ") for r in rows), rows     # drawn: said as read
    # the sentence itself, for a PC that draws one character and not another
    t = decided("\u53e3\u5b66 Café")
    assert text_sentence(t, lambda c: c == "\u00e9").startswith(
        "\u201c\u53e3\u5b66 Café\u201d (Chinese/Japanese characters: U+53E3, U+5B66): ")
    assert text_sentence(t, lambda c: True).startswith("\u201c\u53e3\u5b66 Café\u201d: ")
