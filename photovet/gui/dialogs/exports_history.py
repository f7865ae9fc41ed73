"""Every export PhotoVet made: when, which batch and channel, who is in it, who approved it,
where it was posted, and the caption it went out with (and a post's own, where it differed;
the core's words: core/words.caption_lines). Filter by batch, person and channel; mark chosen
exports or a whole batch posted; delete a batch's originals. The same records as ``photovet exports``.
Filtered by a person, it lists too the exports with a face shown as someone else that may be
theirs (a twin), marked "May show them" in the "This person" column, never saying whom that
face was named as (core/words.maybe_export_note)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from photovet.core.errors import PhotoVetError
from photovet.core.records import takedown
from photovet.core.records.exports import ExportRecord
from photovet.core.records.sar import exports_listing
from photovet.core.words import (
    MAYBE_PEOPLE_NOT_SAID,
    NO_CAPTION_NOTE,
    caption_brief,
    caption_lines,
    maybe_export_note,
)

from ..words import day, esc, plural, when
from .common import fit_resize

_ROOT = QModelIndex()   # the model's root: rows of a flat list or table


def newest_first(recs: list) -> list:
    """Export records newest first, and the numbered copies of one export (records next to
    each other of one batch and channel, in one folder, named ``<name>-<number>``) by their
    number, highest first: copies are recorded as they finish, two at a time, but numbered by
    the photo's place in the batch (s42), so in the order recorded the list read "041, 038,
    040, 039". In one folder a later export's numbers come after an earlier's."""
    def run_of(r: ExportRecord) -> tuple:
        p = Path(r.output_path)
        return (r.batch, r.channel, str(p.parent), _NUMBERED.sub("", p.stem))

    out: list = []
    for _key, run in itertools.groupby(reversed(recs), key=run_of):
        out.extend(sorted(run, key=lambda r: Path(r.output_path).name, reverse=True))
    return out


_NUMBERED = re.compile(r"-\d+$")   # a copy's number at the end of its name


class ExportsModel(QAbstractTableModel):
    COLUMNS = ("Exported", "Batch", "For", "File", "This person", "Faces shown",
               "Names readable", "Approved by", "Posted", "Caption")
    #: how the person the list is filtered by is in each export (hidden for everyone)
    PERSON = 4
    FACES = 5
    CAPTION = 9
    #: the faces column's widest, in average characters: longer lists end in '\u2026'
    FACES_CHARS = 28
    #: the "This person" cell of an export that only may show them
    MAY_SHOW = "May show them"
    #: the caption column's widest, in average characters: longer captions end in '…' (the
    #: whole of each in the tooltip and under the list for the chosen export)
    CAPTION_CHARS = 48

    def __init__(self, parent=None):
        super().__init__(parent)
        self.records: list[ExportRecord] = []
        self.names: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.person: str | None = None
        self.by_file_name: frozenset[int] = frozenset()

    def set_records(self, records, names, labels, person: str | None = None,
                    by_file_name: frozenset[int] = frozenset()) -> None:
        """``by_file_name``: the ids of the records listed for ``person`` only because their
        file name names them (``sar.exports_listing``)."""
        self.beginResetModel()
        self.records, self.names, self.labels = list(records), names, labels
        self.person, self.by_file_name = person, by_file_name
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def _people(self, ids: list[str]) -> str:
        return ", ".join(self.names.get(i, i) for i in ids) or "\u2014"

    def text(self, r: ExportRecord, col: int) -> str:
        if col == 0:
            return when(r.created_at)
        if col == 1:
            return r.batch
        if col == 2:
            return self.labels.get(r.channel, r.channel)
        if col == 3:
            return Path(r.output_path).name
        if col == self.PERSON:
            if self.person is None:
                return ""
            if r.may_show_only(self.person):
                return self.MAY_SHOW
            roles = ", ".join(r.roles(self.person)
                              + (["named in the file name"] if r.id in self.by_file_name
                                 else []))
            return roles[:1].upper() + roles[1:] or "\u2014"
        if col in (5, 6) and self.person is not None and r.may_show_only(self.person):
            # whom the face that may be theirs was shown as is among these: never beside
            # "May show them" (staff would put the two names together)
            return MAYBE_PEOPLE_NOT_SAID
        if col == 5:
            return self._people(r.people_shown)
        if col == 6:
            return self._people(r.names_shown)
        if col == 7:
            return r.approver or "\u2014"
        if col == self.CAPTION:          # a line each: the export's, a post's own
            return "\n".join(caption_brief(r, self.labels))
        posts = [f"{self.labels.get(p.channel, p.channel)} {day(p.posted_on)}"
                 + (" (posted though not allowed)" if p.not_allowed else "")
                 for p in r.posts]
        return "; ".join(posts) or "Not posted"

    def maybe_note(self, r: ExportRecord) -> str:
        """For an export that only may show the person the list is filtered by, why (never
        whom that face was named as); '' otherwise."""
        if self.person is None or not r.may_show_only(self.person):
            return ""
        return maybe_export_note(r, self.person) + "; their subject access report lists it."

    def caption_html(self, r: ExportRecord) -> str:
        """Every caption that went out with ``r``, in full, with whom each refers to (rich
        text: a tooltip and the note under the list wrap it)."""
        parts = []
        for head, text, refers in caption_lines(r, self.labels, self.names):
            parts.append(f"<b>{esc(head)}:</b> {esc(text)}"
                         + (f"<br>Refers to {esc(refers)}" if refers else ""))
        if not (r.caption or "").strip():       # what "No caption" means (s65 walk)
            parts.insert(1, esc(NO_CAPTION_NOTE))
        return "<p>" + "</p><p>".join(parts) + "</p>"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 3:
                return r.output_path
            if index.column() == self.CAPTION:
                return self.caption_html(r)
            if index.column() == self.PERSON and self.maybe_note(r):
                return self.maybe_note(r)
            return self.text(r, index.column())
        return None


class ExportsDialog(QDialog):
    mark_posted_requested = Signal(str, list)      # batch, chosen records
    delete_originals_requested = Signal(str)       # batch

    def __init__(self, ctx, *, person: str | None = None, batch: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Exports and posts")
        self.setObjectName("ExportsDialog")
        # as wide as the screen allows, up to 1400 px (s44 walk: 1100 px at 1366 x 768 hid
        # Posted and Caption behind the scroll bar); fit_resize keeps it on a small screen
        fit_resize(self, 1400, 600)
        self.model = ExportsModel(self)

        self.batch = QComboBox()
        self.batch.setAccessibleName("Batch")
        self.person = QComboBox()
        self.person.setAccessibleName("Person")
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.channel = QComboBox()
        self.channel.setAccessibleName("Channel")
        bar = QHBoxLayout()
        for text, w in (("&Batch:", self.batch), ("&Person:", self.person),
                        ("&Channel:", self.channel)):
            lab = QLabel(text)
            lab.setBuddy(w)
            bar.addWidget(lab)
            bar.addWidget(w, 1)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAccessibleName("Exports")
        self._natural: dict[int, int] = {}      # each column's width for its words (reload)
        self.table.viewport().installEventFilter(self)
        self.count = QLabel("")
        self.caption = QLabel("")       # the chosen export's captions in full
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setAccessibleName("Caption of the chosen export")
        self.caption.hide()

        self.posted_btn = QPushButton("Mark as posted\u2026")
        self.posted_btn.clicked.connect(self._mark_posted)
        self.purge_btn = QPushButton("Delete this batch's originals\u2026")
        self.purge_btn.clicked.connect(lambda *_: self.delete_originals_requested.emit(
            self.batch.currentData() or ""))
        self.open_btn = QPushButton("Open the folder")
        self.open_btn.clicked.connect(self._open_folder)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.posted_btn)
        buttons.addWidget(self.purge_btn)
        buttons.addWidget(self.open_btn)
        buttons.addStretch(1)
        buttons.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.caption)
        lay.addWidget(self.count)
        lay.addLayout(buttons)
        self._fill_filters(person, batch)
        for w in (self.batch, self.person, self.channel):
            w.currentIndexChanged.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self.reload()

    def _fill_filters(self, person: str | None, batch: str | None) -> None:
        ws = self.ctx.ws
        self.batch.addItem("All batches", None)
        for b in reversed(ws.records.batches()):
            self.batch.addItem(b, b)
        self.person.addItem("Everyone", None)
        for p in ws.register.people():
            self.person.addItem(f"{p.display_name} ({p.id})", p.id)
        self.channel.addItem("All channels", None)
        for c in ws.channels.all():
            self.channel.addItem(c.label, c.id)
        if batch:
            self.batch.setCurrentIndex(max(0, self.batch.findData(batch)))
        if person:
            i = self.person.findData(person)
            if i < 0:  # no longer in the register: the records still name the id
                self.person.addItem(person, person)
                i = self.person.count() - 1
            self.person.setCurrentIndex(i)

    def reload(self) -> None:
        ws = self.ctx.ws
        person = self.person.currentData()
        # for a person: with a face shown as someone else that may be theirs (a twin), marked,
        # and those whose file name names them, as their subject access report lists them
        listing = exports_listing(ws.records, ws.register, person,
                                  batch=self.batch.currentData(), maybe=True)
        recs, by_file_name = listing.records, listing.by_file_name
        ch = self.channel.currentData()
        if ch:
            recs = [r for r in recs if r.channel == ch or any(p.channel == ch for p in r.posts)]
        recs = newest_first(recs)
        ids = {p for r in recs for p in r.people} | ({person} if person else set())
        names = {}
        for i in ids:
            found = ws.register.find(i)
            if found is not None:
                names[i] = found.display_name
        self.model.set_records(recs, names, ws.channels.labels(), person, by_file_name)
        self.table.setColumnHidden(self.model.PERSON, person is None)
        self.table.resizeColumnsToContents()
        widest = self.table.fontMetrics().averageCharWidth() * self.model.CAPTION_CHARS
        if self.table.columnWidth(self.model.CAPTION) > widest:
            self.table.setColumnWidth(self.model.CAPTION, widest)
        # several faces' names are cut with "\u2026" (the tooltip says them all), not the
        # columns after them (s44 walk)
        faces = self.table.fontMetrics().averageCharWidth() * self.model.FACES_CHARS
        if self.table.columnWidth(self.model.FACES) > faces:
            self.table.setColumnWidth(self.model.FACES, faces)
        self._natural = {c: self.table.columnWidth(c) for c in range(self.model.columnCount())}
        self._spread()
        # a row of two lines for a post with its own caption, no row lower than the others
        rows = self.table.verticalHeader()
        for row in range(self.model.rowCount()):
            rows.resizeSection(row, max(rows.defaultSectionSize(),
                                        self.table.sizeHintForRow(row) + 8))
        posted = sum(1 for r in recs if r.posted)
        maybe = sum(1 for r in recs if person is not None and r.may_show_only(person))
        who = names.get(person, person) if person is not None else ""
        # s43 walk: 8 posts to take down read here as any other post ("16 exports, 16 marked
        # posted."), nothing saying they must come down nor where that is done
        try:
            # read as the list last stood (its banner's check keeps it up to date), never
            # evaluated here: a write under the register's lock, on this thread (s43 audit)
            down = takedown.open_export_ids(ws.records)
        except PhotoVetError:               # (the register away: its banner says so)
            down = set()
        listed = sum(1 for r in recs if r.id in down)
        self.count.setText(f"{plural(len(recs), 'export')}, {posted} marked posted"
                           + (f"; {maybe} may show {who} (a face shown as someone else may be "
                              "theirs)" if maybe else "")
                           + (f"; {listed} on the take-down list (After posting > Take-down "
                              "list\u2026)" if listed else "") + "."
                           if recs else self._none_said(person, ch))
        self._update()

    #: the most room a column is given beyond its words, in average characters (the caption,
    #: the last column, takes the rest)
    SPREAD_CHARS = 12

    def _spread(self) -> None:
        """The dialog's width shared among the columns (s65 walk: in a wide dialog the columns
        kept their words' width, cramped together, and the caption column took the rest,
        mostly empty): each column but the caption is given up to ``SPREAD_CHARS`` more, the
        same for each; the caption, the last, stretches to the edge."""
        natural = self._natural
        if not natural:
            return
        shown = [c for c in natural if not self.table.isColumnHidden(c)]
        spare = self.table.viewport().width() - sum(natural[c] for c in shown)
        others = [c for c in shown if c != self.model.CAPTION]
        if not others:
            return
        most = self.table.fontMetrics().averageCharWidth() * self.SPREAD_CHARS
        each = max(0, min(most, spare // (len(others) + 1)))
        for c in others:
            self.table.setColumnWidth(c, natural[c] + each)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if obj is self.table.viewport() and ev.type() == QEvent.Type.Resize:
            self._spread()                  # the list's new width shared again
        return super().eventFilter(obj, ev)

    def _none_said(self, person: str | None, channel: str | None) -> str:
        """What an empty list means: nothing exported at all yet (s51 walk: a new office read
        "No exports match." with every filter at "All"), or nothing for these choices."""
        if person is None and channel is None and self.batch.currentData() is None:
            return ("Nothing has been exported yet. Approved photos and videos are listed here "
                    "once they are exported (Export on the toolbar).")
        return "No exports match these choices."

    def chosen(self) -> list[ExportRecord]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.records[r] for r in rows]

    def _update(self) -> None:
        has_batch = self.batch.currentData() is not None
        self.posted_btn.setEnabled(bool(self.chosen()) or has_batch)
        self.purge_btn.setEnabled(has_batch)
        self.open_btn.setEnabled(bool(self.chosen()))
        chosen = self.chosen()
        if len(chosen) == 1:
            note = self.model.maybe_note(chosen[0])     # it only may show the person chosen
            self.caption.setText((f"<p><b>{esc(note)}</b></p>" if note else "")
                                 + self.model.caption_html(chosen[0]))
        self.caption.setVisible(len(chosen) == 1)

    def _mark_posted(self) -> None:
        self.mark_posted_requested.emit(self.batch.currentData() or "", self.chosen())

    def _open_folder(self) -> None:
        chosen = self.chosen()
        if chosen:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(chosen[0].output_path).parent)))


__all__ = ["ExportsDialog", "ExportsModel"]
