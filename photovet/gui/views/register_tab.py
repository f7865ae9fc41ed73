"""The register tab: a searchable table of everyone in the consent register.

Consent is shown with a tick or a cross AND the words Yes / No / Not recorded (never colour
alone), for photos or for videos. People who must never be published (do not photograph), who
have left, whom the MIS file no longer lists ("has Alex left?": a right-click records a leaving
date), or whose register row was rejected are marked in words in a Status column, and tinted.
The tab re-reads the register whenever anything changes it (``AppContext.register_changed``).
"""

from __future__ import annotations

import datetime as _dt
import re

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import NO, Channel, Person
from photovet.core.models import YES as STATE_YES
from photovet.core.policy import (
    back_since_missing,
    missing_from_mis_file,
    person_block,
    person_standing,
)
from photovet.core.words import back_not_in_file, not_in_mis_file

from ..words import day, rejected_why

YES = "\u2713 Yes"
NO_WORDS = "\u2717 No"
NOT_RECORDED = "\u2013 Not recorded"

# Row tints (the Status column says the same thing in words).
TINT_DNP = QColor("#fde2e1")      # do not photograph
TINT_INVALID = QColor("#fff1cc")  # rejected at import
TINT_LEFT = QColor("#ececec")     # has left
TINT_MISSING = QColor("#e4ecf7")  # no longer in the MIS file: has the person left?


def consent_text(state: str) -> str:
    return YES if state == STATE_YES else NO_WORDS if state == NO else NOT_RECORDED


def missing(p: Person, today: _dt.date) -> bool:
    """No longer in the MIS file, and no leaving date that has passed (have they left?), as
    the core decides it (``policy.missing_from_mis_file``)."""
    return missing_from_mis_file(p, today)


def person_status(p: Person, today: _dt.date | None = None, back: str | None = None) -> str:
    """What stops a person being published, in words ("" when nothing does), as the core
    decides it (``policy.person_standing``). ``back``: when "They are back" was last chosen
    for them (``Register.brought_back``)."""
    said = {"do_not_photograph": "Do not photograph",
            # walk s32: still "has Lucy left?" after They are back
            "back": "Back, but not in the MIS file yet",
            "not_in_file": not_in_mis_file(p),
            "rejected": "Row rejected at import",
            "left": f"Left on {day(p.leaving_date)}",
            "leaving": f"Leaving on {day(p.leaving_date)}"}
    return "; ".join(said[k] for k in person_standing(p, today or _dt.date.today(), back))


def two_lines(label: str) -> str:
    """'School website' -> 'School\\nwebsite' so channel columns stay narrow."""
    if len(label) <= 10 or " " not in label:
        return label
    mid = len(label) // 2
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - mid))
    return label[:cut] + "\n" + label[cut + 1:]


def role_label(role: str) -> str:
    return {"pupil": "Pupil", "staff": "Staff"}.get(role, role.capitalize())


_ROOT = QModelIndex()   # the model's root: rows of a flat list or table


#: the most of a name the register's Name column shows before cutting it (in letters)
NAME_WIDTH_CHARS = 34
#: the Status column is at most as wide as these words (the longest of the usual ones); a
#: longer status is cut, and its tooltip gives it whole
STATUS_WIDTH_WORDS = "Back, but not in the MIS file yet"


class PeopleModel(QAbstractTableModel):
    """People and their consent, one row each."""

    SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
    PERSON_ROLE = Qt.ItemDataRole.UserRole + 2
    SORT_ROLE = Qt.ItemDataRole.UserRole + 3

    FIXED = ("Name", "ID (UPN)", "Role", "Year", "Class", "Status", "Face photo")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._people: list[Person] = []
        self._channels: list[Channel] = []
        self.media = "photo"
        self.today = _dt.date.today()
        self.back: dict[str, str] = {}      # person id -> when "They are back" was chosen

    # -- data -------------------------------------------------------------------------
    def set_people(self, people: list[Person], channels: list[Channel],
                   back: dict[str, str] | None = None,
                   rejected: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self._people = list(people)
        self._channels = list(channels)
        self.back = dict(back or {})
        #: why each rejected row was (``Register.rejected``): said in the status tip, and
        #: searched, so a pupil whose row shared another's UPN is found by their name
        self.rejected = dict(rejected or {})
        self.endResetModel()

    def set_media(self, media: str) -> None:
        self.beginResetModel()
        self.media = media
        self.endResetModel()

    def person_at(self, row: int) -> Person:
        return self._people[row]

    @property
    def people(self) -> list[Person]:
        return list(self._people)

    @property
    def channels(self) -> list[Channel]:
        return list(self._channels)

    def column_of_channel(self, channel: str) -> int:
        return len(self.FIXED) + [c.id for c in self._channels].index(channel)

    # -- Qt model ---------------------------------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.FIXED) + len(self._channels) + 1

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(self.FIXED):
                return self.FIXED[section]
            k = section - len(self.FIXED)
            if k < len(self._channels):
                return two_lines(self._channels[k].label)
            return "Name with\nphoto"
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(self.FIXED):
            k = section - len(self.FIXED)
            what = "face" if self.media == "photo" else "face in videos"
            if k < len(self._channels):
                return f"Consent to show this person's {what} on {self._channels[k].label}"
            return "Consent to publish the person's name with a photo"
        return None

    def _text(self, p: Person, col: int) -> str:
        if col == 0:
            name = p.display_name
            if p.preferred_forename and p.legal_forename and p.preferred_forename != p.legal_forename:
                name += f" ({p.legal_forename})"
            return name
        if col == 1:
            return p.id
        if col == 2:
            return role_label(p.role)
        if col == 3:
            return p.year_group
        if col == 4:
            return p.reg_group
        if col == 5:
            status = person_status(p, self.today, self.back.get(p.id))
            why = self.rejected.get(p.id, "")
            others = [f"{name}'s row (line {line})" for line, name in
                      re.findall(r"line (\d+) \(([^)]*)\)", why) if name != p.display_name]
            if "several rows" in why and others:
                # the row found by another pupil's name says why at once (walk5)
                status = status.replace("Row rejected at import",
                                        f"Row rejected: UPN also on {', '.join(others)}")
            return status
        if col == 6:
            return "Enrolled" if p.enrolled else "Not enrolled"
        k = col - len(self.FIXED)
        state = p.consent_state(self._channels[k].id, self.media) if k < len(self._channels) \
            else (STATE_YES if p.name_with_photo else NO)
        if state == STATE_YES and person_block(p, self.today):
            # the MIS says Yes, but this person is never shown (a GUI audit read the tick as
            # consent): the core's rule, said in the cell itself
            return f"{consent_text(state)} (not used)"
        return consent_text(state)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self._people[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(p, col)
        if role == self.SORT_ROLE:
            if col == 0:
                return (p.surname.lower(), p.first_name.lower())
            if col == 3:
                digits = "".join(ch for ch in p.year_group if ch.isdigit())
                return (0 if digits else 1, int(digits) if digits else 0, p.year_group)
            return self._text(p, col)
        if role == self.SEARCH_ROLE:
            return " ".join(
                [p.id, p.legal_forename, p.legal_surname, p.preferred_forename, p.preferred_surname,
                 p.year_group, p.reg_group, role_label(p.role),
                 *(f.display_name for f in p.also_known_as),        # found by a former name too
                 self.rejected.get(p.id, "")]       # and by another row that shared the UPN
            ).lower()
        if role == self.PERSON_ROLE:
            return p
        if role == Qt.ItemDataRole.BackgroundRole:
            if p.do_not_photograph:
                return QBrush(TINT_DNP)
            if missing(p, self.today):
                return QBrush(TINT_MISSING)
            if p.has_left(self.today):
                return QBrush(TINT_LEFT)
            if not p.valid:
                return QBrush(TINT_INVALID)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col >= len(self.FIXED):
            # Colour is a second cue only: the text already says Yes/No.
            value = self._text(p, col)
            if value.endswith("(not used)"):
                return QBrush(QColor("#6b6b6b"))
            return QBrush(QColor("#1b6e20") if value == YES else QColor("#8a1c1c")
                          if value == NO_WORDS else QColor("#6d4c00"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0 and any(not f.other_person for f in p.also_known_as):
                return "Also known as " + ", ".join(dict.fromkeys(
                    f.display_name for f in p.also_known_as if not f.other_person))
            if col == 0:
                return self._text(p, 0)     # the whole name, when the column cuts a long one
            if col == 5:
                # the status whole (the column cuts a long one), then what it means
                status, why = self._text(p, 5), self._status_tip(p)
                return f"{status}.\n{why}" if status and why else (status or why)
            if col == 6 and not p.enrolled:
                return ("No face photo enrolled: PhotoVet cannot recognise this person, so they "
                        "are always covered.")
            block = person_block(p, self.today) if col >= len(self.FIXED) else None
            if block:
                return f"{block}: covered on every channel whatever the MIS says here."
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= len(self.FIXED):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and col >= len(self.FIXED):
            head = str(self.headerData(col, Qt.Orientation.Horizontal)).replace("\n", " ")
            return f"{head}: {self._text(p, col)}"
        return None


    def _status_tip(self, p: Person) -> str | None:
        """What the Status column's words mean for ``p`` (None: nothing more to say)."""
        if p.do_not_photograph:
            return ("On the do-not-photograph list: this person's face is always covered, "
                    "on every channel.")
        back = self.back.get(p.id)
        if missing(p, self.today) and back_since_missing(p, back):
            # walk s33: the tip still said "If they have left, record their leaving date..."
            # under "Back, but not in the MIS file yet" (the person page's words)
            return (f"They are back (their leaving date was cleared on {day(back)}). "
                    f"{back_not_in_file(p)}")
        if missing(p, self.today):
            return ("The register files imported since then do not list this person, so "
                    "they are always covered. If they have left, record their leaving date "
                    "(right-click, or open their page); their face signature is due for "
                    "deletion either way, as a leaver's (Register \u203a Due for deletion). "
                    "A later import that lists them makes them current again.")
        if not p.valid and p.missing_since is None:
            why = self.rejected.get(p.id, "")
            return ("The register row for this person had a problem and was not imported."
                    + (f" {rejected_why(why)}" if why else "") + " They are always covered "
                    "until the register is fixed and imported again."
                    + (" Only this row's person is in the register: the other rows with the "
                       "UPN are not, until the MIS gives each its own." if "several rows" in why
                       else ""))
        return None


class WrappedStatus(QStyledItemDelegate):
    """The Status column's words wrap onto the second line its row is given when they are
    longer than the column (``RegisterView._fit_status_rows``); a third is still cut with
    "\u2026", the tooltip says it whole."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText


FILTERS = (
    ("everyone", "Everyone"),
    ("pupils", "Pupils"),
    ("staff", "Staff"),
    ("dnp", "Do not photograph"),
    ("left", "Left school"),
    ("invalid", "Rows with problems"),
    ("missing", "Not in the MIS file"),
    ("not_enrolled", "No face photo"),
)


class PeopleFilter(QSortFilterProxyModel):
    """Search text (name, id, year, class) plus a category filter."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._category = "everyone"
        self.setSortRole(PeopleModel.SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def _refilter(self, apply) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            apply()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            apply()
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().lower()))

    def set_category(self, category: str) -> None:
        self._refilter(lambda: setattr(self, "_category", category))

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        a = left.data(PeopleModel.SORT_ROLE)
        b = right.data(PeopleModel.SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        model: PeopleModel = self.sourceModel()
        p = model.person_at(source_row)
        c = self._category
        if c == "pupils" and p.role != "pupil":
            return False
        if c == "staff" and p.role != "staff":
            return False
        if c == "dnp" and not p.do_not_photograph:
            return False
        if c == "left" and not p.has_left(model.today):
            return False
        if c == "invalid" and (p.valid or p.missing_since is not None):
            return False
        if c == "missing" and not missing(p, model.today):
            return False
        if c == "not_enrolled" and p.enrolled:
            return False
        if self._text:
            hay = model.index(source_row, 0).data(PeopleModel.SEARCH_ROLE)
            return all(word in hay for word in self._text.split())
        return True


class RegisterView(QWidget):
    """The register: search, filter, and the ways in to import, enrol and a person's page."""

    import_requested = Signal()
    enrol_requested = Signal()
    person_requested = Signal(str)
    leaving_date_requested = Signal(str)
    leaving_dates_requested = Signal(list)

    EMPTY_TEXT = "No one in the register yet. Import your MIS export to start."

    def set_permissions(self, session) -> None:
        """Import and enrol only for the roles the core allows (tooltips say which)."""
        from ..session import permit  # noqa: PLC0415

        for button, permission in ((self.import_button, "register.import"),
                                   (self.empty_import, "register.import"),
                                   (self.enrol_button, "register.enrol")):
            permit(button, session, permission)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("RegisterView")
        self.model = PeopleModel(self)
        self.proxy = PeopleFilter(self)
        self.proxy.setSourceModel(self.model)

        # -- top bar --------------------------------------------------------------------
        self.title = QLabel("<b>Consent register</b>")
        self.summary = QLabel("")
        self.summary.setObjectName("registerSummary")
        # its lines wrap: on one line a register with rejected rows, leavers and people not in
        # the MIS file asked 858 px, and the hidden tab made the whole window 1253 px wide at
        # 1024 x 768, the Approve button off the screen (s46 walk PNG 35)
        self.summary.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, UPN, year or class")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the register")
        self.search.textChanged.connect(self.proxy.set_text)
        self.search.textChanged.connect(self._update_count)
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show")
        for key, label in FILTERS:
            self.filter.addItem(label, key)
        self.filter.currentIndexChanged.connect(self._filter_changed)
        show_label = QLabel("&Show:")
        show_label.setBuddy(self.filter)
        self.import_button = QPushButton("&Import register…")
        self.import_button.setToolTip("Import or update the register from your MIS export (a CSV file)")
        self.import_button.clicked.connect(lambda *_: self.import_requested.emit())
        self.enrol_button = QPushButton("&Enrol photos…")
        self.enrol_button.setToolTip("Add face photos so PhotoVet can recognise people")
        self.enrol_button.clicked.connect(lambda *_: self.enrol_requested.emit())
        self.open_button = QPushButton("&Open person…")
        self.open_button.setToolTip("Open the selected person's page (or double-click a row)")
        self.open_button.clicked.connect(lambda *_: self.open_selected())
        self.media = QComboBox()
        self.media.setAccessibleName("Consent for")
        self.media.addItem("Photos", "photo")
        self.media.addItem("Videos", "video")
        self.media.currentIndexChanged.connect(self._media_changed)
        media_label = QLabel("Consent &for:")
        media_label.setBuddy(self.media)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.enrol_button)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(show_label)
        bar.addWidget(self.filter)
        bar.addWidget(media_label)
        bar.addWidget(self.media)
        bar.addWidget(self.open_button)

        # -- table ------------------------------------------------------------------------
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setWordWrap(False)
        # a status longer than its column wraps onto a second line of its row (s44 walk:
        # "Row rejected: UPN also on Mart\u2026" at 1366 x 768); every other cell is cut
        self.table.setItemDelegateForColumn(5, WrappedStatus(self.table))
        for signal in (self.proxy.layoutChanged, self.proxy.modelReset, self.proxy.rowsInserted,
                       self.proxy.rowsRemoved):
            signal.connect(lambda *_: QTimer.singleShot(0, self._fit_status_rows))
        self.table.horizontalHeader().sectionResized.connect(
            lambda col, *_: self._fit_status_rows() if col == 5 else None)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setAccessibleName("People in the register")
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)  # Enter / Return
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.count_label = QLabel("")
        self.count_label.setObjectName("registerCount")
        self.legend = QLabel(
            "\u2713 Yes: consent given for that channel. \u2717 No, or \u2013 not recorded: the "
            "face is covered there. Do not photograph, left school, not in the MIS file and "
            "rejected rows are always covered."
        )
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #555555;")

        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(bar)
        tl.addWidget(self.table, 1)
        # shown with "Not in the MIS file": one leaving date for all of them (audit s28)
        self.left_all_button = QPushButton("They have left: record a leaving date\u2026")
        self.left_all_button.setToolTip("Record one leaving date for everyone shown here "
                                         "(the pupils who left at the end of the year)")
        self.left_all_button.clicked.connect(lambda *_: self.leaving_dates_requested.emit(
            [p.id for p in self.people_shown() if missing(p, self.model.today)]))
        self.left_all_button.hide()
        foot = QHBoxLayout()
        foot.addWidget(self.left_all_button)
        foot.addWidget(self.count_label)
        foot.addWidget(self.legend, 1)
        tl.addLayout(foot)

        # -- empty state / error state ------------------------------------------------------
        empty_page = QWidget()
        el = QVBoxLayout(empty_page)
        el.addStretch(1)
        self.empty_label = QLabel(self.EMPTY_TEXT)
        self.empty_label.setObjectName("registerEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        f = self.empty_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        self.empty_label.setFont(f)
        self.empty_hint = QLabel(
            "Export your pupils and staff with their photo consent from SIMS, Arbor, Bromcom or "
            "another MIS as a CSV file, then choose Import register…\n"
            "Until then every face in every photo is covered."
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.empty_import = QPushButton("Import register…")
        self.empty_import.clicked.connect(lambda *_: self.import_requested.emit())
        eb = QHBoxLayout()
        eb.addStretch(1)
        eb.addWidget(self.empty_import)
        eb.addStretch(1)
        el.addWidget(self.empty_label)
        el.addWidget(self.empty_hint)
        el.addLayout(eb)
        el.addStretch(2)

        self.stack = QStackedWidget()
        self.stack.addWidget(table_page)
        self.stack.addWidget(empty_page)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.setTabOrder(self.search, self.filter)
        self.setTabOrder(self.filter, self.open_button)
        self.setTabOrder(self.open_button, self.table)

        ctx.register_changed.connect(self.refresh)
        ctx.channels_changed.connect(self.refresh)
        self.refresh()

    # -- public ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the register (after an import, enrolment or consent change, here or on
        another PC). The person chosen stays chosen and the table where it was scrolled to: it
        went back to the top with nobody chosen under the office's eyes (s56)."""
        people = self.ctx.ws.register.people()
        kept, at = self.chosen_id(), self.table.verticalScrollBar().value()
        self.model.today = _dt.date.today()
        self.model.set_people(people, self.ctx.ws.channels.all(),
                              self.ctx.ws.register.all_brought_back(),
                              self.ctx.ws.register.rejected())
        if kept is not None:
            row = next((r for r, p in enumerate(self.people_shown())
                        if p is not None and p.id == kept), None)
            if row is not None:
                self.table.selectionModel().setCurrentIndex(
                    self.proxy.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
        self.rejected_rows = self.ctx.ws.register.rejected_rows()
        self._resize_columns()
        self.table.verticalScrollBar().setValue(at)     # (rows may wrap anew in their columns)
        self.stack.setCurrentIndex(1 if not people else 0)
        self.enrol_button.setEnabled(bool(people))
        self.summary.setText(self._summary_text(people))
        self._update_count()

    def people_shown(self) -> list[Person]:
        """The people currently visible (after search and filter), in display order."""
        return [self.proxy.index(r, 0).data(PeopleModel.PERSON_ROLE) for r in range(self.proxy.rowCount())]

    def chosen_id(self) -> str | None:
        """The register id of the person chosen in the table, if any."""
        p = self._person_at(self.table.currentIndex())
        return p.id if p is not None else None

    def open_selected(self) -> None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            self.count_label.setText("Choose a person in the table first.")
            return
        self._open_index(idx)

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _person_at(idx: QModelIndex) -> Person | None:
        """The person of a row of the table (any of its columns), if any."""
        return idx.siblingAtColumn(0).data(PeopleModel.PERSON_ROLE) if idx.isValid() else None

    def _open_index(self, idx: QModelIndex) -> None:
        p = self._person_at(idx)
        if p is not None:
            self.person_requested.emit(p.id)

    def row_actions(self, p: Person) -> list[tuple[str, str]]:
        """(text, what) for a row's menu: "open", and "leaving" for someone no longer in the
        MIS file (has the person left?)."""
        actions = [("Open their page\u2026", "open")]
        if missing(p, self.model.today):
            actions.insert(0, ("Record a leaving date\u2026", "leaving"))
        return actions

    def _row_menu(self, pos) -> None:
        p = self._person_at(self.table.indexAt(pos))
        if p is None:
            return
        menu = QMenu(self)
        for text, what in self.row_actions(p):
            act = menu.addAction(text)
            act.setData(what)
        chosen = menu.exec(self.table.viewport().mapToGlobal(pos))
        if chosen is None:
            return
        if chosen.data() == "leaving":
            self.leaving_date_requested.emit(p.id)
        else:
            self.person_requested.emit(p.id)

    def _media_changed(self) -> None:
        self.model.set_media(self.media.currentData())
        self._resize_columns()

    def _filter_changed(self) -> None:
        self.proxy.set_category(self.filter.currentData())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if total and not shown:
            self.count_label.setText("No one matches.")
        elif shown == total:
            self.count_label.setText(f"{total} {'person' if total == 1 else 'people'}")
        else:
            self.count_label.setText(f"Showing {shown} of {total}")
        gone = self.filter.currentData() == "missing" and shown > 0 and \
            self.ctx.ws.allowed("register.edit")
        self.left_all_button.setText(f"They have left: record a leaving date for {shown}\u2026")
        self.left_all_button.setVisible(gone)

    def _summary_text(self, people: list[Person]) -> str:
        if not people:
            return ""
        pupils = sum(1 for p in people if p.role == "pupil")
        staff = sum(1 for p in people if p.role == "staff")
        enrolled = sum(1 for p in people if p.enrolled)
        dnp = sum(1 for p in people if p.do_not_photograph)
        today = self.model.today
        gone = sum(1 for p in people if missing(p, today))
        bad = sum(1 for p in people if not p.valid and p.missing_since is None)
        # every row rejected, also each of the rows that shared one UPN (walk5: "2 with
        # problems" for 3 rows; the third pupil is not in the register at all)
        rows = max(bad, getattr(self, "rejected_rows", 0)) if bad else 0
        parts = [f"{pupils} pupils", f"{staff} staff", f"{enrolled} enrolled (face photo)"]
        if dnp:
            parts.append(f"{dnp} do not photograph")
        if rows:
            parts.append(f"{rows} row{'s' if rows != 1 else ''} rejected at import"
                         + (f" ({bad} in the register)" if rows != bad else ""))
        if gone:
            parts.append(f"{gone} not in the MIS file")
        left = sum(1 for p in people if p.has_left(today))
        if left:      # counted above too: September's "36 pupils" were 22 and last July's 14
            parts.append(f"{left} left school (always covered)")
        return " · ".join(parts)

    def _fit_status_rows(self) -> None:
        """Rows whose status is longer than the Status column two lines high (its words wrap:
        ``WrappedStatus``), the others one."""
        one = self.table.verticalHeader().defaultSectionSize()
        fm = self.table.fontMetrics()
        room = self.table.columnWidth(5) - 10        # the cell's margins
        for r in range(self.proxy.rowCount()):
            text = str(self.proxy.index(r, 5).data() or "")
            tall = bool(text) and fm.horizontalAdvance(text) > room
            want = one + fm.lineSpacing() if tall else one
            if self.table.rowHeight(r) != want:
                self.table.setRowHeight(r, want)

    def _resize_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        fm = self.table.fontMetrics()
        for col in range(len(PeopleModel.FIXED), self.model.columnCount()):
            # channel headers can be wider than the ✓ Yes cells: keep them readable.
            head = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            w = max(max(fm.horizontalAdvance(line) for line in head.split("\n")),
                    *(fm.horizontalAdvance(t) for t in (YES, NO_WORDS, NOT_RECORDED,
                                                        f"{YES} (not used)"))) + 20
            self.table.setColumnWidth(col, w)
        # the Status column as wide as its usual words, never wider: "Not in the MIS file
        # since 30/11/2026 \u2013 has Lucy left?" (walkthrough s32) pushed the channels' consent
        # off a 1366 px screen; a longer status is cut with "\u2026", its tooltip says it whole
        status_w = self.table.columnWidth(5)
        self.table.setColumnWidth(5, min(max(status_w, 120),
                                         fm.horizontalAdvance(STATUS_WIDTH_WORDS) + 20))
        # a long name is cut (its tooltip gives it whole), never the consent: one pupil's
        # 52-letter name pushed every channel past a 1024 px laptop's screen
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), NAME_WIDTH_CHARS
                                         * fm.horizontalAdvance("x")))
        self._fit_status_rows()
