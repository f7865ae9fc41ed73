"""One person's page: details, consent for photos and for videos on every channel, name with
photo, do not photograph, the consent history, the exports they appear in, and their subject
access report. Consent changes go through the register (audited, kept against a later import
that is more permissive)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.approval import media_ended
from photovet.core.errors import PhotoVetError
from photovet.core.models import NO, NOT_RECORDED, YES, Person
from photovet.core.policy import back_since_missing, missing_from_mis_file
from photovet.core.records import takedown
from photovet.core.records.sar import exports_listing
from photovet.core.register.mapping import NAME_WITH_PHOTO
from photovet.core.retention import signatures_due_on
from photovet.core.words import (
    CONSENT_TYPED,
    approvals_ended_here,
    back_not_in_file,
    entered_by,
    maybe_shown_count,
    not_in_mis_file,
    on_takedown_list_for,
    other_media_still_yes,
    request_words,
    tally,
    verb,
)

from .. import style
from ..session import permission_tip, permit
from ..words import consent_word, day, esc, list_word, media_count, rejected_why, when
from .common import fit_resize
from .consent_form import ConsentFormDialog, approvals_ending_said
from .leaving_date import record_leaving_date
from .reason import ReasonDialog
from .withdrawal import WithdrawalDialog

STATES = (YES, NO, NOT_RECORDED)
#: the person page while its take-down check runs (a worker, s50)
CHECKING_TAKEDOWN = "Checking the take-down list for them\u2026"
#: the Exported photos and videos box while the banner at the top of the page says what of
#: theirs must come down (s65: the same sentence was said twice, in both places)
TAKEDOWN_ABOVE = "On the take-down list: see the red note at the top of this page."
#: the same, when the take-down list could not be checked
TAKEDOWN_UNCHECKED_ABOVE = ("The take-down list could not be checked: see the red note at the "
                            "top of this page.")
#: room around a value in a consent history cell (the cell's margins and its grid line)
HISTORY_PAD = 8


def takedown_text(items: list, name: str) -> str:
    """The person page's words for the open take-down items that list them ('' for none):
    the core's ``on_takedown_list_for``, as ``photovet register set`` says them."""
    return on_takedown_list_for(items, name)


class PersonDialog(QDialog):
    sar_requested = Signal(str)
    exports_requested = Signal(str)
    enrol_requested = Signal()

    def __init__(self, ctx, person_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.person_id = person_id
        self.person: Person | None = None
        self.combos: dict[tuple[str, str], QComboBox] = {}
        self.setObjectName("PersonDialog")
        # 1100 wide where the screen has room (1366 x 768): the consent history's four columns
        # fit whole beside the consent (walk s39: at 1000 its "By" column was cut)
        fit_resize(self, 1100, 700)

        self.name_label = QLabel()
        f = self.name_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        self.name_label.setFont(f)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.details = QFormLayout()
        details_box = QGroupBox("Details")
        details_box.setLayout(self.details)

        self.consent_box = QGroupBox("Consent")
        self.consent_grid = QGridLayout(self.consent_box)
        self.dnp = QCheckBox("Do not photograph (their face is covered on every channel)")
        self.dnp.toggled.connect(self._dnp_toggled)
        note = style.hint("Each change is recorded with your name. A later register import cannot "
                      "undo a withdrawal made here: change it in your MIS too, so both agree.")

        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(["Entered", "What", "Change", "By"])
        self.history.setWordWrap(False)
        self.history.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setAccessibleName("Consent history")
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setTextElideMode(Qt.TextElideMode.ElideRight)
        hist_box = QGroupBox("Consent history")
        hl = QVBoxLayout(hist_box)
        hl.addWidget(self.history)

        self.exports_label = QLabel("")
        self.exports_label.setWordWrap(True)
        # s32: what of theirs is on the take-down list, from the core's take-down records
        # (the main window's banner said it, behind this page)
        self.takedown_label = QLabel("")
        self.takedown_label.setObjectName("PersonTakedown")
        self.takedown_label.setWordWrap(True)
        self.takedown_label.setTextFormat(Qt.TextFormat.PlainText)
        self.takedown_label.setStyleSheet(style.BANNER_ERROR)
        self.takedown_label.hide()
        # the take-down check runs in a worker (it brings the whole list up to date: 0.5 s
        # and more of the window frozen on a register of a few thousand exports, s50); the
        # latest asked for is the one shown, and nothing is shown once the page has closed
        self._takedown_asked = 0
        self._takedown_checking = False
        # what the take-down check said last ('' for nothing listed, or not yet checked),
        # whether it was the check failing, and whether the banner at the top of the page
        # carries it (the box then points there rather than saying it again): kept here, the
        # label only shows it
        self._takedown_text = ""
        self._takedown_failed_text = False
        self._takedown_on_top = False
        self._closed = False
        self._ended: tuple[int, int] = (0, 0)     # what say_ended said last (said again)
        self.exports_btn = QPushButton("Show their exports\u2026")
        self.exports_btn.clicked.connect(lambda *_: self.exports_requested.emit(self.person_id))
        self.sar_btn = QPushButton("Subject access report\u2026")
        self.sar_btn.setToolTip("Everything PhotoVet holds about this person: every photo "
                                "exported with them in it and its posts, photos held but never "
                                "published, their face signatures and consent history, as one "
                                "page to save, open and print")
        self.sar_btn.clicked.connect(lambda *_: self.sar_requested.emit(self.person_id))
        pub_box = QGroupBox("Exported photos and videos")
        pl = QVBoxLayout(pub_box)
        pl.addWidget(self.exports_label)
        pl.addWidget(self.takedown_label)
        row = QHBoxLayout()
        row.addWidget(self.exports_btn)
        row.addWidget(self.sar_btn)
        row.addStretch(1)
        pl.addLayout(row)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        # a paper form: every answer on one screen, saved with one confirmation (audit s28)
        self.form_btn = QPushButton("Enter a consent form\u2026")
        self.form_btn.setToolTip("Enter the answers on the family's consent form together: "
                                 "\u201cYes on every channel\u201d in one click, one "
                                 "confirmation for the whole form")
        self.form_btn.clicked.connect(self.enter_form)
        # an account that may not change consent reads the page (the controls greyed out)
        self.read_only = style.hint("")
        self.read_only.hide()
        ll.addWidget(self.read_only)
        ll.addWidget(self.form_btn)
        ll.addWidget(self.consent_box)
        ll.addWidget(self.dnp)
        ll.addWidget(note)
        ll.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setWidget(left)
        # the details sit above the published photos (s31 walk: under a banner of three
        # lines at 1366 x 768 the left column, details and consent, cut its last line)
        right = QVBoxLayout()
        right.addWidget(details_box)
        right.addWidget(pub_box)
        right.addWidget(hist_box, 1)
        body = QHBoxLayout()
        body.addWidget(left_scroll, 5)
        body.addLayout(right, 5)

        self.enrol_btn = QPushButton("Enrol face photos\u2026")
        self.enrol_btn.clicked.connect(lambda *_: self.enrol_requested.emit())
        self.remove_btn = QPushButton("Remove from the register\u2026")
        self.remove_btn.clicked.connect(self.remove_person)
        self.leaving_btn = QPushButton("Record a leaving date\u2026")
        self.leaving_btn.setToolTip("They are no longer in the MIS file: if they have left, "
                                    "say when")
        self.leaving_btn.clicked.connect(
            lambda *_: record_leaving_date(self.ctx, self.person_id, self))
        self.leaving_btn.hide()
        # a leaving date entered here is kept by every import whose file has none (fail
        # closed): a pupil who came back is brought back here, audited
        self.back_btn = QPushButton("They are back\u2026")
        self.back_btn.setToolTip("They have not left after all: clear their leaving date (their "
                                 "consent decides again)")
        self.back_btn.clicked.connect(lambda *_: self.they_are_back())
        self.back_btn.hide()
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_btn)
        buttons.addWidget(self.leaving_btn)
        buttons.addWidget(self.back_btn)
        buttons.addWidget(self.remove_btn)
        buttons.addStretch(1)
        buttons.addWidget(close)
        # what a change just saved did beyond the page: the approvals a withdrawal ended (s37:
        # the core ended them and nothing said so; an import counted them)
        self.said = QLabel("")
        self.said.setObjectName("PersonSaid")
        self.said.setTextFormat(Qt.TextFormat.PlainText)
        self.said.setWordWrap(True)
        self.said.setStyleSheet(style.BANNER_INFO)
        self.said.hide()
        lay = QVBoxLayout(self)
        lay.addWidget(self.name_label)
        lay.addWidget(self.banner)
        lay.addWidget(self.said)
        lay.addLayout(body, 1)
        lay.addLayout(buttons)
        ctx.register_changed.connect(self.reload)
        ctx.records_changed.connect(self.reload)
        self.finished.connect(self._disconnect)
        self.reload()

    def _reload_quietly(self) -> None:
        """After a change that was not made: the page as the register is now, when it can be
        read (its server away: the message was given once already)."""
        try:
            self.reload()
        except PhotoVetError:
            pass

    def _disconnect(self, *_) -> None:
        self._closed = True
        self.ctx.register_changed.disconnect(self.reload)
        self.ctx.records_changed.disconnect(self.reload)

    # -- loading --------------------------------------------------------------------------------

    def reload(self) -> None:
        reg = self.ctx.ws.register
        p = reg.find(self.person_id)
        if p is None:
            self.name_label.setText(f"{self.person_id}: no longer in the register")
            self.consent_box.setEnabled(False)
            self.form_btn.setEnabled(False)
            self.dnp.setEnabled(False)
            self.remove_btn.setEnabled(False)
            self.leaving_btn.hide()
            self.back_btn.hide()
            self.person = None
            return
        self.person = p
        self.setWindowTitle(f"{p.display_name} \u2013 PhotoVet")
        self.name_label.setText(p.display_name)
        self._banner(p, reg.invalid_reason(p.id))
        self._details(p, reg.enrolment_count(p.id))
        self._consents(p)
        self._permits()
        self._history(reg.history(p.id))
        records = self.ctx.ws.records
        # with the copies whose file name names them, as their subject access report lists
        # them (s63: "No exported photo lists this person" beside a report that listed one)
        listing = exports_listing(records, reg, p.id)
        exports = listing.records
        posted = sum(1 for r in exports if r.posted)
        # audit (second term), finding 13: what was taken down is said too
        down = len(takedown.taken_down(records, exports))
        name = p.first_name or p.display_name
        # a face shown as another person that may be theirs (a twin): the office answers a
        # parent from this page, so it is counted here, never naming whom it was named as (the
        # core's one count: their subject access report says the same number)
        maybe = records.exports_may_show_only(p.id)
        # those listed only for their file name, said so an office reads why (s64 walk: "3 by
        # the file name alone" beside photos Toby is not in)
        named = len(listing.by_file_name)
        named_text = (f"; {named} only because {name} is named in "
                      f"{'its' if named == 1 else 'their'} file name" if named else "")
        text = (f"{media_count(exports, which='exported')} "
                f"{verb(tally(exports), 'lists', 'list')} {name} "
                f"({posted} marked posted{f', {down} taken down' if down else ''}"
                f"{named_text})."
                if exports else "No exported photo lists this person.")
        more = maybe_shown_count(maybe, name, more=bool(exports))
        self.exports_label.setText(f"{text} {more}" if more else text)
        self._takedown(p.id, name)
        # "Show their exports" lists those that may show them too, marked (ExportsDialog)
        self.exports_btn.setEnabled(bool(exports or maybe))

    def _takedown(self, person_id: str, name: str) -> None:
        """What of theirs is on the take-down list now: the core's list brought up to date
        for this person (``Workspace.takedown``, in a worker with its own workspace), its open
        items that list them. What was said stays until the answer is in; a page opened
        fresh says it is checking."""
        self._takedown_asked += 1
        asked = self._takedown_asked
        self._takedown_checking = True
        self._show_takedown()
        ctx = self.ctx

        def check():
            with ctx.thread_workspace() as wws:
                return [i for i in wws.takedown(person=person_id)
                        if person_id in i.people and not i.done]

        ctx.workers.start(check, name="person-takedown",
                          on_return=lambda items: self._takedown_checked(asked, items, name),
                          on_error=lambda text: self._takedown_failed(asked, text))

    def _takedown_checked(self, asked: int, items: list, name: str) -> None:
        if self._closed or asked != self._takedown_asked:
            return          # the page closed, or a later check was asked for
        self._say_takedown(takedown_text(items, name), failed=False)

    def _takedown_failed(self, asked: int, text: str) -> None:
        if self._closed or asked != self._takedown_asked:
            return
        self._say_takedown(f"Could not check the take-down list: {text} Photos already posted "
                           "may show them.", failed=True)

    def _say_takedown(self, text: str, *, failed: bool) -> None:
        self._takedown_checking = False
        self._takedown_text = text
        self._takedown_failed_text = failed
        if sum(self._ended):
            self.say_ended(*self._ended)        # what must come down leads it (s45 walk)
        else:
            self._show_takedown()

    def _show_takedown(self) -> None:
        """The Exported photos and videos box's take-down note, from the state kept: checking
        (a page opened fresh, nothing said yet), what the check said, a short pointer while
        the banner at the top of the page says it, or nothing (hidden)."""
        text = self._takedown_text
        if self._takedown_checking and not text:
            self.takedown_label.setStyleSheet(style.BANNER_INFO)
            self.takedown_label.setText(CHECKING_TAKEDOWN)
        else:
            self.takedown_label.setStyleSheet(style.BANNER_ERROR)
            if text and self._takedown_on_top:
                text = TAKEDOWN_UNCHECKED_ABOVE if self._takedown_failed_text \
                    else TAKEDOWN_ABOVE
            self.takedown_label.setText(text)
        self.takedown_label.setVisible(bool(self.takedown_label.text()))

    def _banner(self, p: Person, invalid_reason: str) -> None:

        lines = []
        if p.do_not_photograph:
            lines.append("<b>Do not photograph.</b> Their face is always covered, on every "
                         "channel, whatever the consent below says.")
        today = _dt.date.today()
        gone = missing_from_mis_file(p, today)
        back = self.ctx.ws.register.brought_back(p.id) if gone else None
        if gone and back is not None and back_since_missing(p, back):
            # s31: straight after "They are back" the page asked "has Toby left?"
            lines.append(f"<b>They are back (their leaving date was cleared on "
                         f"{day(back)}).</b> {esc(back_not_in_file(p))}")
        elif gone:
            due = signatures_due_on(p, self.ctx.ws.settings.retention)
            lines.append(f"<b>{esc(not_in_mis_file(p))}</b> The register files imported since "
                         "then do not list them, so they are always covered. If they have left, "
                         "record their leaving date." + (
                             f" Their face signature is due for deletion on {day(due[0])}, as "
                             "a leaver's, unless a later import lists them again."
                             if due is not None and p.enrolled else ""))
        elif not p.valid and p.missing_since is None:
            why = rejected_why(invalid_reason)
            lines.append("<b>Register row rejected.</b> The last import found a problem with their "
                         "row" + (f". {esc(why)} They are" if why else ", so they are") +
                         " always covered until it is fixed in the MIS and imported again.")
        self.leaving_btn.setVisible(gone)
        self.back_btn.setVisible(p.leaving_date is not None)
        if p.has_left(today):
            due = signatures_due_on(p, self.ctx.ws.settings.retention) if p.enrolled else None
            lines.append(f"<b>Left school on {day(p.leaving_date)}.</b> Always covered." + (
                f" Their face signature is due for deletion on {day(due[0])} (Register \u203a "
                "Due for deletion)." if due is not None else "") + (
                " The leaving date was entered in PhotoVet: a register import whose file has "
                "none keeps it. If they are back, choose They are back\u2026"
                if p.leaving_date_by_hand else ""))
        if not p.enrolled:
            lines.append("<b>No face photo enrolled.</b> PhotoVet cannot recognise them, so their "
                         "face is always covered.")
        serious = p.do_not_photograph or (not p.valid and p.missing_since is None)
        self.banner.setText("<br>".join(lines))
        self.banner.setVisible(bool(lines))
        self.banner.setStyleSheet("padding: 8px; border-radius: 4px; " + (
            "background: #fde2e1; color: #5c1010;" if serious else
            "background: #fff1cc; color: #5c4300;"))

    def _details(self, p: Person, enrolments: int) -> None:
        while self.details.rowCount():
            self.details.removeRow(0)

        def add(label: str, value: str) -> None:
            v = QLabel(value or "\u2014")
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.setWordWrap(True)
            self.details.addRow(label + ":", v)

        add("UPN / staff code", p.id)
        add("Legal name", f"{p.legal_forename} {p.legal_surname}".strip())
        if p.preferred_forename or p.preferred_surname:
            add("Known as", f"{p.first_name} {p.surname}".strip())
        former = [f for f in p.also_known_as if not f.other_person]
        if former:
            # checked like the current name: captions, badges (never published)
            add("Also known as", "; ".join(
                f"{f.display_name}" + (f" (until {day(f.until)})" if f.until else "")
                for f in former))
        other = [f for f in p.also_known_as if f.other_person]
        if other:
            add("Earlier under this UPN", "; ".join(
                f"{f.display_name}" + (f" (until {day(f.until)}: name and date of birth both "
                                       "changed, face photos deleted)" if f.until else "")
                for f in other))
        add("Role", "Staff" if p.is_staff else "Pupil")
        if not p.is_staff:
            add("Year group", p.year_group)
            add("Class", p.reg_group)
        if p.date_of_birth:
            add("Date of birth", day(p.date_of_birth))
        add("Leaving date", day(p.leaving_date))
        add("Face photos enrolled", str(enrolments))
        if p.notes:
            add("Notes", p.notes)

    def _consents(self, p: Person) -> None:
        while self.consent_grid.count():
            item = self.consent_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos.clear()
        self.consent_grid.addWidget(QLabel("<b>Channel</b>"), 0, 0)
        self.consent_grid.addWidget(QLabel("<b>Photos</b>"), 0, 1)
        self.consent_grid.addWidget(QLabel("<b>Videos</b>"), 0, 2)
        row = 1
        for ch in self.ctx.ws.channels.all():
            self.consent_grid.addWidget(QLabel(ch.label), row, 0)
            for col, media in ((1, "photo"), (2, "video")):
                self.consent_grid.addWidget(self._combo(ch.id, media, ch.label,
                                                        p.consent_state(ch.id, media)), row, col)
            row += 1
        states = self.ctx.ws.register.consent_states(p.id)
        self.consent_grid.addWidget(QLabel("Name with photo"), row, 0)
        self.consent_grid.addWidget(self._combo(NAME_WITH_PHOTO, "any", "name with photo",
                                                states[NAME_WITH_PHOTO]), row, 1)
        self.dnp.blockSignals(True)
        self.dnp.setChecked(p.do_not_photograph)
        self.dnp.blockSignals(False)

    def _permits(self) -> None:
        """What the signed-in account may change here, as the core's table of roles says
        (walk s32: a preparer chose No, typed who asked, and was then refused with a command
        to type): the rest is shown greyed out, with the role it needs."""
        s = self.ctx.session
        for c in self.combos.values():
            permit(c, s, "register.edit")
        for w in (self.dnp, self.form_btn, self.leaving_btn, self.back_btn):
            permit(w, s, "register.edit")
        permit(self.enrol_btn, s, "register.enrol")
        permit(self.remove_btn, s, "register.remove")
        permit(self.sar_btn, s, "sar")
        may = s.allowed("register.edit")
        tip = permission_tip("register.edit")         # "Needs the Admin role (to ...)."
        self.read_only.setText("" if may else
                               f"You can read this page. Changing it {tip[:1].lower()}{tip[1:]}")
        self.read_only.setVisible(not may)

    def _combo(self, channel: str, media: str, label: str, state: str) -> QComboBox:
        c = QComboBox()
        for s in STATES:
            c.addItem(consent_word(s), s)
        c.setCurrentIndex(STATES.index(state) if state in STATES else 2)
        what = "" if media in ("photo", "any") else " (videos)"
        c.setAccessibleName(f"Consent for {label}{what}")
        c.setProperty("was", state)
        c.currentIndexChanged.connect(lambda *_: self._changed(c, channel, media, label))
        self.combos[(channel, media)] = c
        return c

    def _history(self, changes: list) -> None:
        """Newest first; a change someone asked for (every withdrawal) has a line of its own
        under it, across the table: who asked and the day they asked ("Requested by: not
        recorded" for a withdrawal entered without them), so it is read without scrolling;
        so has how a change by hand was entered ("Typed in PhotoVet \u00b7 Requested by ...")."""
        # "nothing -> not recorded" (a column the first import found empty) says nothing, nor
        # "nothing -> not on the do-not-photograph list" (the first import's every pupil)
        changes = [c for c in changes if not (
            c.old_state is None and (c.new_state == NOT_RECORDED or (
                c.channel == "do_not_photograph" and list_word(c.new_state) == list_word(None))))]
        rows: list[tuple[list[str], str]] = []
        labels = self.ctx.ws.channels.labels()
        for ch in reversed(changes):
            if ch.channel == NAME_WITH_PHOTO:
                what = "Name with photo"
            elif ch.channel == "do_not_photograph":
                what = "Do not photograph"
            else:
                what = labels.get(ch.channel, ch.channel) + (" (videos)" if ch.media == "video"
                                                              else "")
            said = list_word if ch.channel == "do_not_photograph" else consent_word
            old = said(ch.old_state)       # no earlier value: "Not recorded", as the SAR
            asked = request_words(ch.requested_by, ch.requested_on,
                                  withdrawal=ch.is_withdrawal)
            asked = ("Requested by: not recorded" if asked == consent_word(NOT_RECORDED) else
                     f"Requested by {asked}" if asked else "")
            # s35: how it was entered ("Typed in PhotoVet"), on the line under it, with who
            # asked (the "By" column keeps the name alone: the two did not fit)
            how = " ".join((ch.how or "").split()) if ch.source.startswith("user:") else ""
            line = " \u00b7 ".join(x for x in (how[:1].upper() + how[1:], asked) if x)
            rows.append(([when(ch.when), what, f"{old} \u2192 {said(ch.new_state)}",
                          entered_by(ch.source)], line))
        self.history.clearSpans()
        self.history.setRowCount(sum(1 + bool(asked) for _vals, asked in rows))
        r = 0
        for vals, asked in rows:
            for c, v in enumerate(vals):
                cell = QTableWidgetItem(v)
                cell.setToolTip(v)          # a narrow column shows "Mrs Karen Adebayo-..."
                self.history.setItem(r, c, cell)
            r += 1
            if asked:
                line = f"\u21b3 {asked}"
                item = QTableWidgetItem(line)
                item.setToolTip(line[2:])
                f = item.font()
                f.setItalic(True)
                item.setFont(f)
                self.history.setItem(r, 0, item)
                for c in range(1, self.history.columnCount()):
                    self.history.setItem(r, c, QTableWidgetItem(""))
                self.history.setSpan(r, 0, 1, self.history.columnCount())
                r += 1
        if not rows:
            # walk s32: an empty table, its columns squeezed to their headers, said nothing
            for c, v in enumerate(("00/00/0000 00:00", "Do not photograph", "Not recorded "
                                   "\u2192 Not recorded", "Register import")):
                self.history.setColumnWidth(c, self.history.fontMetrics().horizontalAdvance(v)
                                            + 16)
            self.history.setRowCount(1)
            empty = QTableWidgetItem("No consent recorded for them yet.")
            self.history.setItem(0, 0, empty)
            self.history.setSpan(0, 0, 1, self.history.columnCount())
            self.history.horizontalHeader().setStretchLastSection(True)
            return
        # each column as wide as its longest value, from the rows' own texts: the table's own
        # resizeColumnsToContents counted the lines across it (who asked) and widened the
        # first column, and with the vertical scroll bar the "By" column went under a
        # horizontal one (walk s39, 1366 x 768: "Mrs Jo Offi", "Register ir"); the last
        # column takes what is left, a name too long for it ending in "..." (its tooltip
        # says it whole)
        fm = self.history.fontMetrics()
        header = self.history.horizontalHeader()
        for c in range(self.history.columnCount() - 1):
            title = self.history.horizontalHeaderItem(c)
            self.history.setColumnWidth(c, max(
                [header.fontMetrics().horizontalAdvance(title.text() if title else "")]
                + [fm.horizontalAdvance(vals[c]) for vals, _asked in rows]) + HISTORY_PAD)
        header.setStretchLastSection(True)

    # -- changing -------------------------------------------------------------------------------

    def confirm(self, question: str, extra: str = "") -> bool:
        answer = QMessageBox.question(
            self, "Change consent?", f"{question}\n\nThis is recorded with your name.{extra}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _changed(self, combo: QComboBox, channel: str, media: str, label: str) -> None:
        p = self.person
        old, new = combo.property("was"), combo.currentData()
        what = label + (" (videos)" if media == "video" else "")
        withdrawal = old == YES and new != YES
        kind = "Videos" if media == "video" else "Photos"
        extra = (f"\n\n{kind} already exported that show them there will be listed to take down."
                 + approvals_ending_said(self.ctx, p.id, [(channel, media)])
                 if withdrawal and p is not None else "")
        question = (f"Change consent for {what} for {p.display_name} ({p.id}) from "
                    f"{consent_word(old)} to {consent_word(new)}?" if p is not None else "")
        # walk s34: a parent asks to take their child off the website; Photos set to No left
        # Videos at Yes. The other kind, still Yes, is offered with the withdrawal, ticked
        other = {"photo": "video", "video": "photo"}.get(media, "")
        also = (other_media_still_yes(media, label)
                if p is not None and withdrawal and other
                and p.consent_state(channel, other) == YES else "")
        request = (self.ask_request(question + extra, also=also)
                   if p is not None and withdrawal else {})
        if p is None or request is None or (not withdrawal and not self.confirm(question)):
            combo.blockSignals(True)
            combo.setCurrentIndex(STATES.index(old) if old in STATES else 2)
            combo.blockSignals(False)
            return
        both = bool(request.pop("also", False))
        self.say_saved([])
        try:
            # what this page showed: changed on another PC since, nothing is changed
            if both:          # both kinds in one transaction: both changed, or neither
                changes = self.ctx.ws.register.set_consents(p.id, [
                    {"channel": channel, "value": new, "media": m, "expected": was,
                     "how": CONSENT_TYPED, **request}
                    for m, was in ((media, old), (other, YES))])
            else:
                changes = [self.ctx.ws.register.set_consent(
                    p.id, channel, new, media="photo" if media == "any" else media,
                    expected=old, how=CONSENT_TYPED, **request)]
        except PhotoVetError as exc:
            # nothing was saved (the register's server away, changed elsewhere, a refusal):
            # the box shows the register's value again, never a change that was not made
            combo.blockSignals(True)
            combo.setCurrentIndex(STATES.index(old) if old in STATES else 2)
            combo.blockSignals(False)
            self.ctx.fail(self, "Consent not changed", exc)
            self._reload_quietly()
            return
        self.ctx.register_changed.emit()
        self.say_saved(changes)

    def say_saved(self, changes) -> None:
        """After a change is saved: how many approvals it ended (the core's count, each
        photo or video waiting for a senior leader again, said as photos, videos or both),
        or nothing (hidden)."""
        ended = sum(getattr(c, "approvals_ended", 0) for c in changes if c is not None)
        videos = sum(getattr(c, "approvals_ended_videos", 0) for c in changes if c is not None)
        self.say_ended(ended - videos, videos)

    def say_ended(self, photos: int, videos: int) -> None:
        """How many approvals of photos and videos a change here ended, or nothing (hidden)."""
        ended = photos + videos
        self._ended = (photos, videos)
        text = approvals_ended_here(photos, videos) if ended else ""
        # what must be taken down first, when the change put posted photos on the list (s45
        # walk PNG 77: the blue "2 approvals ended" led the page, and "2 posted photos must be
        # taken down", the urgent part, sat lower down, under Exported photos and videos)
        # (said once: the box under Exported photos and videos then points up here, s65)
        down = self._takedown_text if ended and not self._takedown_checking else ""
        self.said.setText(f"{down}\n{text}" if down else text)
        self.said.setStyleSheet(style.BANNER_ERROR if down else style.BANNER_INFO)
        self.said.setVisible(bool(ended))
        self._takedown_on_top = bool(down)
        self._show_takedown()

    def enter_form(self) -> None:
        """The family's paper form, entered on one screen and saved at once."""
        if self.person is None:
            return
        self.say_saved([])
        dlg = ConsentFormDialog(self.ctx, self.person, self)
        if dlg.exec():
            self.say_saved(dlg.changes)

    def ask_request(self, question: str, *, ok_text: str = "Withdraw consent",
                    title: str = "Withdraw consent", also: str = "") -> dict | None:
        """Who asked for a withdrawal and the day they asked (both required): the keywords for
        the register's change, or None when the person cancelled. With ``also`` (a second
        withdrawal offered, ticked), "also": whether it stayed ticked."""
        pid = self.person.id if self.person is not None else ""
        dlg = WithdrawalDialog(question, ok_text=ok_text, title=title, parent=self,
                               names=lambda text: self.ctx.ws.requester_refusal(pid, text),
                               also=also)
        if not dlg.exec():
            return None
        return {"requested_by": dlg.requested_by(), "requested_on": dlg.requested_on(),
                "request_required": True, **({"also": dlg.also_chosen()} if also else {})}

    def _dnp_toggled(self, on: bool) -> None:
        p = self.person
        extra = ("\n\nTheir face will be covered on every channel, and photos already exported "
                 "that show them will be listed to take down." if on else
                 "\n\nOnly do this if the safeguarding lead has agreed: their face may then be "
                 "shown where they have consent.")
        question = (f"{'Put' if on else 'Take'} {p.display_name} ({p.id}) "
                    f"{'on' if on else 'off'} the do-not-photograph list?" if p is not None else "")
        # going on the list withdraws every consent: who asked, and when, as for a withdrawal
        if p is not None and on:
            extra += approvals_ending_said(self.ctx, p.id, [("do_not_photograph", "any")])
        request = self.ask_request(question + extra, ok_text="Put on the list",
                                   title="Do not photograph") if p is not None and on else {}
        if p is None or request is None or (not on and not self.confirm(question, extra)):
            self.dnp.blockSignals(True)
            self.dnp.setChecked(not on)
            self.dnp.blockSignals(False)
            return
        self.say_saved([])
        try:
            change = self.ctx.ws.register.set_do_not_photograph(p.id, on, expected=not on,
                                                                how=CONSENT_TYPED, **request)
        except PhotoVetError as exc:
            self.dnp.blockSignals(True)          # not saved: shown as the register has it
            self.dnp.setChecked(not on)
            self.dnp.blockSignals(False)
            self.ctx.fail(self, "Not changed", exc)
            self._reload_quietly()
            return
        self.ctx.register_changed.emit()
        self.say_saved([change])

    def they_are_back(self) -> bool:
        """"They are back": the leaving date is cleared in the register (the core checks the
        right and audits it), after one question; True when cleared."""
        p = self.person
        if p is None or p.leaving_date is None:
            return False
        where = ("It was entered in PhotoVet." if p.leaving_date_by_hand else
                 "It came from the MIS file: change it in the MIS too, or the next import of a "
                 "file that has it sets it again.")
        answer = QMessageBox.question(
            self, "They are back",
            f"Clear the leaving date {day(p.leaving_date)} of {p.display_name} ({p.id})? "
            f"{where}\n\n"
            + (back_not_in_file(p) if p.missing_since is not None else
               "From now on their consent decides again, as for any current "
               f"{'member of staff' if p.is_staff else 'pupil'}.")
            + " This is recorded with your name."
            # walk s40: said before, as it is done (a date that had taken effect, s38)
            + ("\n\nAn approved photo or video that shows them will wait for a senior leader "
               "to approve it again." if p.has_left(_dt.date.today()) else "")
            + ("" if p.enrolled else
               "\n\nNo face photo is enrolled for them (face data is deleted when someone "
               "leaves): choose Enrol face photos\u2026 afterwards. Until then PhotoVet cannot "
               "recognise them, so their face stays covered."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.say_saved([])
        ended: list = []
        try:
            self.ctx.ws.register.they_are_back(p.id, ended=ended)
        except PhotoVetError as exc:
            self.ctx.fail(self, "Leaving date not cleared", exc)
            return False
        self.ctx.register_changed.emit()
        self.say_ended(*media_ended(ended))   # s40: a date that had taken effect ended them
        return True

    def remove_person(self) -> None:
        p = self.person
        if p is None:
            return
        dlg = ReasonDialog("Remove from the register",
                           f"Remove {p.display_name} ({p.id}) from the register? Their details, "
                           "consent, consent history and face photos are deleted. Export records "
                           "keep their id, so a take-down or a subject access request can still "
                           "be answered. Say why, without their name (it is kept in the "
                           "audit log for good, with yours).",
                           ok_text="Remove", parent=self,
                           check=self.ctx.ws.free_text_refusal)
        if not dlg.exec():
            return
        try:
            self.ctx.ws.register.delete_person(p.id, reason=dlg.value())
        except PhotoVetError as exc:
            self.ctx.fail(self, "Not removed", exc)
            return
        self.ctx.register_changed.emit()
        self.accept()


__all__ = ["PersonDialog"]
