"""The take-down list: exported (or posted) photos that show someone whose consent is now
missing. Choose several and mark them done at once; save the list as a printable page (A4,
with a picture of each photo) or a spreadsheet. The same core as ``photovet takedown``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.records.takedown import TakedownItem
from photovet.core.words import TAKEDOWN_PICTURES_COVERED, not_allowed_note

from .. import style
from ..words import day, plural
from .common import fit_resize
from .reason import ReasonDialog

#: how wide the chosen item's picture is drawn beside the list
PICTURE_SIZE = 240


class TakedownDialog(QDialog):
    refresh_requested = Signal(int)            # 1: include items already done
    done_requested = Signal(list)              # item ids
    save_page_requested = Signal()
    save_csv_requested = Signal()
    #: the item chosen (one row), whose picture to show (``show_picture``); None: none chosen
    picture_wanted = Signal(object)

    COLUMNS = ("No.", "What to do", "Who", "Why", "File", "Posted", "Listed")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Take-down list")
        self.setObjectName("TakedownDialog")
        fit_resize(self, 1100, 560)
        self.items: list[TakedownItem] = []
        intro = QLabel("Consent is now missing for someone in these photos or named in their "
                       "caption (withdrawn, on the do-not-photograph list, left school, or their "
                       "register row has a problem). Take each post down, or delete the export "
                       "if it was not posted, then mark it done. Everything you mark is recorded "
                       "with your name.")
        intro.setWordWrap(True)
        self.state = QLabel("Checking\u2026")
        self.state.setWordWrap(True)
        #: what was just done ("6 items marked as taken down."), kept until the next mark
        self.done_note = QLabel("")
        self.done_note.setWordWrap(True)
        self.done_note.setStyleSheet("color:#1b5e20; font-weight:600;")
        self.done_note.hide()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        # a word still too long for its column keeps its end (the copy's number) in view
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setAccessibleName("Photos to take down")
        # the File column's names may wrap after their dashes where they are drawn, while the
        # cell holds the plain name: what Ctrl+C copies and a screen reader reads (s44 walk)
        self._file_names = BreakableNames(self.table)
        self.table.setItemDelegateForColumn(4, self._file_names)
        self.table.itemSelectionChanged.connect(self._update)
        # the photo chosen, to find it on the site (s37 walk: only the export's file name,
        # which the post does not show; the pictures were on the printed page alone)
        # the picture and the words in two labels: one wrapping words laid a picture out 0 px
        # high
        self.picture = QLabel()
        self.picture.setObjectName("TakedownPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.picture.setFixedWidth(PICTURE_SIZE + 8)
        self.picture.hide()
        self.picture_words = QLabel("Choose an item to see its photo.")
        self.picture_words.setWordWrap(True)
        self.picture_words.setFixedWidth(PICTURE_SIZE + 8)
        self.picture_note = QLabel(TAKEDOWN_PICTURES_COVERED)
        self.picture_note.setWordWrap(True)
        self.picture_note.setFixedWidth(PICTURE_SIZE + 8)
        self.picture_note.setObjectName("Hint")
        self.picture_note.hide()
        #: the item whose picture is shown or being drawn (None: none chosen)
        self.wanted: TakedownItem | None = None
        self.table.itemSelectionChanged.connect(self._chosen_changed)
        self.show_done = QCheckBox("Show items already done")
        self.show_done.toggled.connect(lambda on: self.refresh_requested.emit(1 if on else 0))

        self.done_btn = QPushButton("Mark chosen as taken down\u2026")
        self.done_btn.setObjectName("Primary")
        self.done_btn.clicked.connect(lambda *_: self.done_requested.emit(self.chosen()))
        self.page_btn = QPushButton("Save as a printable page\u2026")
        self.page_btn.clicked.connect(lambda *_: self.save_page_requested.emit())
        self.csv_btn = QPushButton("Save as a spreadsheet\u2026")
        self.csv_btn.clicked.connect(lambda *_: self.save_csv_requested.emit())
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_btn)
        buttons.addWidget(self.page_btn)
        buttons.addWidget(self.csv_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.show_done)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.state)
        lay.addWidget(self.done_note)
        side = QVBoxLayout()
        side.addWidget(self.picture)
        side.addWidget(self.picture_words)
        side.addWidget(self.picture_note)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(side)
        lay.addLayout(body, 1)
        lay.addLayout(buttons)
        self._update()

    def show_items(self, items: list[TakedownItem]) -> None:
        self.items = list(items)
        open_items = [i for i in items if not i.done]
        posted = sum(1 for i in open_items if i.status == "posted")
        self.state.setStyleSheet("")
        if not items:
            self.state.setText("Nothing to take down: every exported photo still matches the "
                               "consent register.")
        else:
            self.state.setText(f"{plural(len(open_items), 'item')} to do ({posted} posted, "
                               f"{len(open_items) - posted} exported but not posted). Choose "
                               "several with Ctrl or Shift to mark them done together.")
        whys = [why_text(it) for it in items]
        # the same reason on every row is said once, above the list (s36 walk: the same two
        # lines on each of six rows)
        same = len(items) > 1 and len(set(whys)) == 1
        if same:
            self.state.setText(f"{self.state.text()}\nThe reason for every item: {whys[0]}")
        self.table.setColumnHidden(3, same)
        self.table.setRowCount(len(items))
        for r, it in enumerate(items):
            who = ", ".join(it.names.get(p, p) for p in it.people)
            why = whys[r]
            posts = "; ".join(day(p.posted_on) for p in it.posts) or "Not posted"
            action = it.action + (f" ({it.done_text})" if it.closed else
                                  f" (done {day(it.done_at)} by {it.done_by})" if it.done else "")
            # the file's name may break after its dashes (s43 walk: narrowed to 150 px,
            # "facebook-02-12-2026-001.jpg" had no place to wrap and was cut to
            # "facebook-02-12-2026...", the number that tells the rows apart cut off)
            name = Path(it.output_path).name        # drawn breakable: BreakableNames
            where = (f"{name} (still on this PC)" if it.copy_on_disk
                     else f"{name} (no longer on this PC)")
            for c, text in enumerate((str(it.id), action, who, why, where,
                                      posts, day(it.first_listed_at))):
                cell = QTableWidgetItem(text)
                cell.setToolTip(it.copy_text if c == 4 else text)
                cell.setData(Qt.ItemDataRole.UserRole, it.id)
                if it.done:
                    cell.setForeground(style.TEXT_KEEP)
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        for c, w in ((1, 320), (3, 260)):
            if self.table.columnWidth(c) > w:
                self.table.setColumnWidth(c, w)
        self.fit_columns()
        self.wanted = None                  # the rows are new: the picture follows them
        self._chosen_changed()
        self._update()

    #: the columns whose words wrap, narrowed in this order (to at least so many pixels) until
    #: every column fits the list's width: File, Why, What to do
    NARROWED = ((4, 150), (3, 160), (1, 200))

    def fit_columns(self) -> None:
        """Every column in the list's width, the long ones wrapping onto more lines (s41 walk:
        at 1366x768 "Listed" was cut off behind a scroll bar)."""
        t = self.table
        room = t.viewport().width()
        if not t.verticalScrollBar().isVisible():     # rows grown taller may bring one
            room -= t.verticalScrollBar().sizeHint().width()
        shown = [c for c in range(t.columnCount()) if not t.isColumnHidden(c)]
        # the last is stretched to the list's edge: counted at what it needs (never less than
        # the header's default size, a stretched section's least)
        last, head = shown[-1], t.horizontalHeader()
        total = sum(t.columnWidth(c) for c in shown[:-1]) + max(
            t.sizeHintForColumn(last), head.sectionSizeHint(last), head.defaultSectionSize())
        for c, least in self.NARROWED:
            over = total - room
            if over <= 0:
                break
            if t.isColumnHidden(c):
                continue
            cut = min(over, max(0, t.columnWidth(c) - least))
            t.setColumnWidth(c, t.columnWidth(c) - cut)
            total -= cut
        t.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.items:
            self.fit_columns()

    def _chosen_changed(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        item = self.items[rows[0]] if len(rows) == 1 and rows[0] < len(self.items) else None
        if item is self.wanted and item is not None:
            return
        self.wanted = item
        # never the last item's picture beside this one while its own is drawn
        self.show_picture(None, "Choose an item to see its photo." if not rows else "")
        self.picture_wanted.emit(item)

    def show_picture(self, image: QImage | None, why: str = "") -> None:
        """The chosen item's picture as the printed list shows it (everyone else covered), or
        why there is none."""
        shown = image is not None and not image.isNull()
        pixmap = QPixmap()
        if image is not None and shown:
            pixmap = QPixmap.fromImage(image).scaled(
                PICTURE_SIZE, PICTURE_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)
        self.picture.setVisible(shown)
        self.picture_words.setText("" if shown else why)
        self.picture_words.setVisible(not shown)
        self.picture_note.setVisible(shown)

    def say_done(self, text: str) -> None:
        """What marking just did, said until the next mark ('' hides it)."""
        self.done_note.setText(text)
        self.done_note.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.state.setText(f"Could not check take-downs: {text}")
        self.state.setStyleSheet(style.PROBLEM_TEXT)

    def chosen_items(self) -> list[TakedownItem]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.items[r] for r in rows if not self.items[r].done]

    def chosen(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.items[r].id for r in rows if not self.items[r].done]

    def _update(self) -> None:
        self.done_btn.setEnabled(bool(self.chosen()))
        has = bool(self.items)
        self.page_btn.setEnabled(has)
        self.csv_btn.setEnabled(has)


#: a break allowed where nothing is drawn (a zero-width space)
_MAY_BREAK = "\u200b"


def breakable(name: str) -> str:
    """A file's name that may wrap after each '-' or '_' (a zero-width space after it)
    where a list narrows its column; read the same, and copied without it from the tooltip."""
    return "".join(c + _MAY_BREAK if c in "-_" else c for c in name).rstrip(_MAY_BREAK)


class BreakableNames(QStyledItemDelegate):
    """Draws a cell's text with a break allowed after each '-' or '_' (``breakable``), so a
    long file name wraps in a narrow column; the cell keeps the plain name (s44 walk: the
    zero-width spaces were in the cell, so Ctrl+C copied them with the name)."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.text = breakable(option.text)


def why_text(it: TakedownItem) -> str:
    """An item's reasons in one line, as its row says them."""
    return "; ".join([it.reasons.get(p, "") for p in it.people]
                     + ([not_allowed_note(it.not_allowed)] if it.not_allowed else []))


def done_text(marked: int, deleted: int, kept: int) -> str:
    """What marking items taken down did, said in the list: '6 items marked as taken down,
    and their 6 exported copies deleted from this PC.'"""
    text = f"{plural(marked, 'item')} marked as taken down"
    if deleted:
        text += (", and " + ("its exported copy" if deleted == 1 else
                             f"{deleted} exported copies") + " deleted from this PC")
    if kept:
        text += f" ({kept} not deleted: see the message)"
    return text + ". They are listed under \u201cShow items already done\u201d."


def done_example(items: list[TakedownItem]) -> str:
    """The example note for marking ``items`` taken down, about where they were (s36: it said
    "removed from the Facebook page" over a list of School website posts)."""
    labels = list(dict.fromkeys(i.channel_label or i.channel for i in items))
    posts = "the post" if len(items) == 1 else "the posts"
    deleted = "was deleted" if len(items) == 1 else "were deleted"
    if len(labels) == 1:
        return f"{posts} on {labels[0]} {deleted}."
    return f"{posts} {deleted}."


class MarkDoneDialog(ReasonDialog):
    """Mark items taken down: a note for the record, and (when an exported copy is still on
    this PC) "Also delete the exported copy (…/001.jpg)", ticked: the export folder is what the
    office posts from next time."""

    def __init__(self, items: list[TakedownItem], parent: QWidget | None = None, *,
                 check=None):
        n = len(items)
        super().__init__("Mark as taken down",
                         f"Mark {plural(n, 'item')} as taken down? A note for the record "
                         f"(optional), for example: {done_example(items)}",
                         ok_text=f"Mark {plural(n, 'item')} done", required=False, parent=parent,
                         check=check)
        copies = list(dict.fromkeys(i.output_path for i in items if i.copy_on_disk))
        if len(copies) == 1:
            text = f"Also delete the exported copy (\u2026/{Path(copies[0]).name})"
        else:
            text = f"Also delete the {len(copies)} exported copies still on this PC"
        self.delete_copy = QCheckBox(text)
        self.delete_copy.setToolTip("\n".join(copies) + "\nOnly the file exactly as PhotoVet "
                                    "exported it is deleted (overwritten, then removed); your "
                                    "original photo is not touched.")
        self.delete_copy.setChecked(bool(copies))
        self.delete_copy.setVisible(bool(copies))
        self.copies = copies
        lay = self.layout()
        assert isinstance(lay, QVBoxLayout)
        lay.insertWidget(lay.count() - 1, self.delete_copy)

    def delete_copies(self) -> bool:
        """Delete the exported copies when marking done (there are some, and it is ticked)."""
        return bool(self.copies) and self.delete_copy.isChecked()


__all__ = ["MarkDoneDialog", "TakedownDialog"]
