"""s44 walk: what a school office worker tripped on, under Xvfb at 1366 x 768."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from photovet.gui.dialogs.reason import ReasonDialog
from tests.gui.conftest import answer, button, message_text, select_photo
from tests.gui.test_review import window  # noqa: F401 - fixture


def _leave_readable_on_the_website(win) -> None:
    def give_reason(dlg: ReasonDialog) -> None:
        dlg.edit.setText("It is the name of the school minibus")
        button(dlg, "Record and go on").click()

    win.ctx.set_channel("website")
    select_photo(win, "photo_000.jpg")
    answer(give_reason, kind=ReasonDialog)
    assert win.review.text_action(2, "keep")
    assert win.review.current().analysis.texts[2].decision == "keep"


def _decision_on(win, qtbot, channel: str) -> str:
    win.ctx.set_channel(channel)
    qtbot.waitUntil(lambda: win.review.current().analysis.channel == channel, timeout=5000)
    select_photo(win, "photo_000.jpg")
    return win.review.current().analysis.texts[2].decision


def test_keep_it_covered_on_one_channel_says_it_covers_a_line_left_readable_on_another(
        window, qtbot):  # noqa: F811
    """s43/s44 walk: "Mrs Hughes", left readable with a reason for the School website, was
    covered there too by "Keep it covered" on Facebook (a cover is for every channel), and
    nobody was told. Now the person is asked first, in the core's words, with Cancel."""
    win = window
    _leave_readable_on_the_website(win)
    assert _decision_on(win, qtbot, "facebook") == "cover"      # open there: covered until asked
    assert win.review.current().analysis.texts[2].needs_review
    seen: list = []
    answer(lambda box: (seen.append(message_text(box)),
                        box.button(QMessageBox.StandardButton.Cancel).click()),
           kind=QMessageBox)
    assert not win.review.text_action(2, "cover")
    assert seen and "\u201cMuhammadlqbal\u201d was left readable for School website" in seen[0]
    assert "covers it on every channel, School website too" in seen[0], seen[0]
    assert _decision_on(win, qtbot, "website") == "keep"        # cancelled: nothing changed
    # "Keep the rest covered" (K) on Facebook asks the same
    win.ctx.set_channel("facebook")
    qtbot.waitUntil(lambda: win.review.current().analysis.channel == "facebook", timeout=5000)
    select_photo(win, "photo_000.jpg")
    seen.clear()
    answer(lambda box: (seen.append(message_text(box)),
                        box.button(QMessageBox.StandardButton.Cancel).click()),
           kind=QMessageBox)
    assert not win.review.keep_rest()
    assert seen and "left readable for School website" in seen[0]
    # chosen: covered on every channel, the website too
    answer(lambda box: button(box, "Cover it on every channel").click(), kind=QMessageBox)
    assert win.review.text_action(2, "cover")
    assert _decision_on(win, qtbot, "website") == "cover"


def test_keep_it_covered_asks_nothing_when_no_other_channel_left_it_readable(
        window, qtbot):  # noqa: F811
    win = window
    win.ctx.set_channel("facebook")
    qtbot.waitUntil(lambda: win.review.current().analysis.channel == "facebook", timeout=5000)
    select_photo(win, "photo_000.jpg")
    assert win.review.text_action(2, "cover")           # no question: it would block here
    assert win.review.current().analysis.texts[2].decision == "cover"


def test_a_long_status_in_the_register_wraps_onto_a_second_line(qtbot, ws, make_window,
                                                               tmp_path):
    """s43/s44 walk at 1366 x 768: the Status column read "Row rejected: UPN also on
    Mart\u2026" (the column is as wide as the usual words, so the consent columns stay on the
    screen). A longer status wraps onto a second line of its row; other rows stay one line,
    and the column keeps its width."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextLayout, QTextOption
    from PySide6.QtWidgets import QStyleOptionViewItem

    from photovet.gui.views.register_tab import STATUS_WIDTH_WORDS
    from tests.gui.fake_engine import REGISTER_ROWS, TORI, write_register

    rows = [*REGISTER_ROWS,
            [TORI, "Dunmore", "Martin", "Year 4", "4P", "Yes", "Yes", "Yes", "No"]]
    ws.import_register(write_register(tmp_path / "r.csv", rows), skip_invalid=True)
    win = make_window()
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    view = win.register_view
    t = view.table
    fm = t.fontMetrics()
    assert t.columnWidth(5) <= fm.horizontalAdvance(STATUS_WIDTH_WORDS) + 20   # as wide
    people = [view.proxy.index(r, 0).data(view.model.PERSON_ROLE).id
              for r in range(view.proxy.rowCount())]
    tori = people.index(TORI)
    status = view.proxy.index(tori, 5).data()
    assert status.startswith("Row rejected: UPN also on Martin Dunmore")
    one = t.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: t.rowHeight(tori) > one, timeout=3000)
    assert all(t.rowHeight(r) == one for r in range(len(people)) if r != tori)
    # drawn wrapped, in two lines that each fit the column
    option = QStyleOptionViewItem()
    t.itemDelegateForColumn(5).initStyleOption(option, view.proxy.index(tori, 5))
    assert option.features & QStyleOptionViewItem.ViewItemFeature.WrapText
    layout = QTextLayout(status, t.font())
    text_option = QTextOption()
    text_option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(text_option)
    layout.beginLayout()
    lines = 0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(t.columnWidth(5) - 10)
        lines += 1
    layout.endLayout()
    assert lines == 2 and t.rowHeight(tori) >= one + fm.lineSpacing()
    # sorted the other way, the tall row follows its person
    t.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    people = [view.proxy.index(r, 0).data(view.model.PERSON_ROLE).id
              for r in range(view.proxy.rowCount())]
    tori = people.index(TORI)
    qtbot.waitUntil(lambda: t.rowHeight(tori) > one, timeout=3000)
    assert all(t.rowHeight(r) == one for r in range(len(people)) if r != tori)
