"""s41 walk: at 1366x768 the take-down list's last column ("Listed") was cut off behind a
horizontal scroll bar. The long columns (File, Why, What to do) wrap onto more lines so that
every column fits the list's width."""

from __future__ import annotations

from photovet.core.records.exports import PostRecord
from photovet.core.records.takedown import TakedownItem
from photovet.gui.dialogs.takedown import TakedownDialog


def _items(why: list[str]) -> list[TakedownItem]:
    return [TakedownItem(
        id=n, export_id=n, channel="facebook", channel_label="Facebook", status="posted",
        people=["W1"], reasons={"W1": r}, names={"W1": "Nathan Ellison"},
        output_path=f"/exports/trip-to-the-farm-{n:03d}.jpg", output_sha256="x",
        source_path=f"/trip/IMG_{n:04d}.jpg", batch="Trip to the farm",
        posts=[PostRecord(id=n, export_id=n, channel="facebook", posted_on="2026-12-02",
                          url="https://www.facebook.com/hollinslane/posts/1")],
        first_listed_at="2026-12-02T10:00:00", copy_on_disk=True)
        for n, r in enumerate(why, 1)]


def test_every_column_fits_the_list_at_1366(qtbot):
    for why in (["Consent withdrawn on 02/12/2026 (who requested it: not recorded)"] * 6,
                [f"Consent withdrawn on 0{d}/12/2026 (requested by Mrs Ellison (mother), by "
                 "phone)" for d in range(1, 7)]):
        dlg = TakedownDialog()
        qtbot.addWidget(dlg)
        dlg.resize(1100, 560)               # fit_resize's size on a 1366x768 screen
        dlg.show()
        qtbot.waitExposed(dlg)
        dlg.show_items(_items(why))
        t = dlg.table
        qtbot.waitUntil(lambda t=t: t.viewport().width() > 0)
        shown = [c for c in range(t.columnCount()) if not t.isColumnHidden(c)]
        qtbot.wait(100)                      # the last column stretches to the viewport
        right = t.columnViewportPosition(shown[-1]) + t.columnWidth(shown[-1])
        assert t.horizontalScrollBar().maximum() == 0, (why[0], right, t.viewport().width())
        assert right <= t.viewport().width(), [t.columnWidth(c) for c in range(t.columnCount())]
        # the long ones wrap: every row tall enough for its words (no word cut off)
        assert all(t.rowHeight(r) >= t.sizeHintForRow(r) for r in range(t.rowCount()))
        dlg.close()


def test_each_copys_file_name_is_read_whole_in_the_narrowed_column(qtbot):
    """s43 walk: the File column narrowed to 150 px read "facebook-02-12-2026…" on every row:
    the name had no place to wrap, so its end, the copy's number that tells the rows apart,
    was cut off. It wraps after its dashes now, every line inside the column."""
    from PySide6.QtGui import QTextLayout, QTextOption
    from PySide6.QtWidgets import QStyleOptionViewItem

    items = _items([f"Consent withdrawn on 0{d}/12/2026 (requested by Mrs Ellison (mother), by "
                    "phone)" for d in range(1, 7)])
    for it in items:
        it.output_path = f"/exports/facebook-02-12-2026-{it.id:03d}.jpg"
    dlg = TakedownDialog()
    qtbot.addWidget(dlg)
    dlg.resize(1100, 560)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.show_items(items)
    t = dlg.table
    qtbot.waitUntil(lambda: t.viewport().width() > 0)
    qtbot.wait(100)
    room = t.columnWidth(4) - 8             # the cell's margins
    assert room < 200                        # narrowed, as at 1366 x 768
    for r, it in enumerate(items):
        plain = t.item(r, 4).text()
        assert plain.startswith(f"facebook-02-12-2026-{it.id:03d}.jpg")
        # what the column draws: the name with a break allowed after each dash
        drawn = t.itemDelegateForColumn(4)
        option = QStyleOptionViewItem()
        drawn.initStyleOption(option, t.model().index(r, 4))
        text = option.text
        assert text.replace("\u200b", "") == plain
        layout = QTextLayout(text, t.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        widest = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(room)
            widest = max(widest, line.naturalTextWidth())
        layout.endLayout()
        assert widest <= room, (text, widest, room)
        # the tooltip, what is copied, is the plain name
        assert "\u200b" not in t.item(r, 4).toolTip()
    dlg.close()


def test_a_file_name_copied_from_the_take_down_list_has_no_hidden_characters(qtbot):
    """s44 walk: the zero-width spaces that let a file name wrap (s43) were in the cell, so
    Ctrl+C on the File column copied them with the name, and a screen reader read them: a
    name pasted into a search of the school's site or a file manager found nothing. The cell
    holds the plain name; only its drawing may break after the dashes."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    items = _items(["Consent withdrawn on 01/12/2026"] * 2)
    for it in items:
        it.output_path = f"/exports/facebook-02-12-2026-{it.id:03d}.jpg"
    dlg = TakedownDialog()
    qtbot.addWidget(dlg)
    dlg.resize(1100, 560)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.show_items(items)
    t = dlg.table
    t.setCurrentCell(1, 4)
    t.setFocus()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(t, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"facebook-02-12-2026-{items[1].id:03d}.jpg"), repr(copied)
    assert "\u200b" not in copied
    for r in range(t.rowCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            assert "\u200b" not in str(t.model().index(r, 4).data(role) or "")
    dlg.close()
