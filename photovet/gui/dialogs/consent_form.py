"""A paper consent form entered in one go (audit s28, finding 3): every channel's photo and
video answer on one screen, "Yes on every channel" for a column in one click, and one
confirmation for the whole form. A withdrawal among the answers asks once who asked for it
and when. The register saves the form as one change (``Register.set_consents``): all of it,
or nothing."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.errors import PhotoVetError
from photovet.core.models import NO, NOT_RECORDED, YES
from photovet.core.register.mapping import NAME_WITH_PHOTO
from photovet.core.words import CONSENT_FORM

from .. import style
from ..words import consent_word
from .common import ok_cancel
from .withdrawal import WithdrawalDialog

STATES = (YES, NO, NOT_RECORDED)
MEDIA = (("photo", "Photos"), ("video", "Videos"))


def approvals_ending_said(ctx, person_id: str, fields: list[tuple[str, str]]) -> str:
    """What the question before a withdrawal says of the approvals it ends, exported or not
    (s42 walk: only the exported photos were said, "4 approvals ended" came after), from the
    core (``Approvals.withdrawals_would_end_said``): '' when none, or when the register cannot
    be read now (the withdrawal then says what it ended, as before)."""
    try:
        said = ctx.ws.approvals.withdrawals_would_end_said(person_id, fields, ctx.ws.records,
                                                           register=ctx.ws.register)
    except PhotoVetError:
        return ""
    return f"\n\n{said}" if said else ""


class ConsentFormDialog(QDialog):
    """``person``: the register's Person as the page showed it (the values the form starts
    from are checked again when it is saved: a change made meanwhile on another PC is not
    overwritten)."""

    def __init__(self, ctx, person, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.person = person
        self.setObjectName("ConsentFormDialog")
        self.setWindowTitle(f"Consent form \u2013 {person.display_name}")
        self.boxes: dict[tuple[str, str], QComboBox] = {}
        #: the changes saved (``Register.set_consents``): the person page says what they ended
        self.changes: list = []
        self.labels: dict[tuple[str, str], str] = {}
        self.was: dict[tuple[str, str], str] = {}
        lay = QVBoxLayout(self)
        intro = QLabel(f"<b>{person.display_name}</b> ({person.id}): enter the answers on the "
                       "family's form, then save them together. Nothing changes until you "
                       "save.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Channel</b>"), 0, 0)
        self.all_buttons: dict[tuple[str, str], QPushButton] = {}
        for col, (media, title) in enumerate(MEDIA, start=1):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
            for row, (state, word) in enumerate(((YES, "Yes"), (NO, "No")), start=1):
                b = QPushButton(f"{title}: {word} on every channel")
                b.setObjectName(f"all-{media}-{state}")
                b.clicked.connect(lambda *_, m=media, s=state: self.set_column(m, s))
                self.all_buttons[(media, state)] = b
                grid.addWidget(b, row, col)
        row = 3
        channels = ctx.ws.channels.all()
        for ch in channels:
            grid.addWidget(QLabel(ch.label), row, 0)
            for col, (media, _title) in enumerate(MEDIA, start=1):
                grid.addWidget(self._box(ch.id, media, ch.label, person.consent_state(ch.id, media)),
                               row, col)
            row += 1
        grid.addWidget(QLabel("Name with photo"), row, 0)
        states = ctx.ws.register.consent_states(person.id)
        grid.addWidget(self._box(NAME_WITH_PHOTO, "any", "Name with photo",
                                 states[NAME_WITH_PHOTO]), row, 1)
        lay.addLayout(grid)
        lay.addWidget(style.hint("Each answer is recorded with your name. A \u201cNo\u201d where "
                                 "the register had \u201cYes\u201d is a withdrawal: you are "
                                 "asked who asked for it and when, and photos already posted "
                                 "that show them are listed to take down."))
        buttons = ok_cancel(self, "Save the form", on_ok=self.save)
        self.save_btn = buttons.button(QDialogButtonBox.StandardButton.Ok)
        lay.addWidget(buttons)

    def _box(self, channel: str, media: str, label: str, state: str) -> QComboBox:
        c = QComboBox()
        for s in STATES:
            c.addItem(consent_word(s), s)
        state = state if state in STATES else NOT_RECORDED
        c.setCurrentIndex(STATES.index(state))
        what = "" if media in ("photo", "any") else " (videos)"
        c.setAccessibleName(f"Consent for {label}{what}")
        self.boxes[(channel, media)] = c
        self.labels[(channel, media)] = label + (" (videos)" if media == "video" else "")
        self.was[(channel, media)] = state
        return c

    def set_column(self, media: str, state: str) -> None:
        """Every channel's answer for photos (or videos) set to ``state`` (not saved yet)."""
        for (_ch, m), box in self.boxes.items():
            if m == media:
                box.setCurrentIndex(STATES.index(state))

    def edits(self) -> list[tuple[str, str, str, str]]:
        """(channel, media, old, new) for every answer that differs from the register's."""
        return [(ch, m, self.was[(ch, m)], box.currentData())
                for (ch, m), box in self.boxes.items()
                if box.currentData() != self.was[(ch, m)]]

    def save(self) -> None:
        edits = self.edits()
        if not edits:
            self.reject()
            return
        p = self.person
        lines = [f"{self.labels[(ch, m)]}: {consent_word(old)} \u2192 {consent_word(new)}"
                 for ch, m, old, new in edits]
        question = (f"Save {len(edits)} consent answer{'s' * (len(edits) != 1)} for "
                    f"{p.display_name} ({p.id})?\n\n" + "\n".join(lines))
        withdrawals = [e for e in edits if e[2] == YES and e[3] != YES]
        request: dict = {}
        if withdrawals:
            kinds = {e[1] for e in withdrawals}
            kind = ("Photos and videos" if len(kinds) > 1 else
                    "Videos" if kinds == {"video"} else "Photos")
            ending = approvals_ending_said(self.ctx, p.id, [(e[0], e[1]) for e in withdrawals])
            dlg = WithdrawalDialog(question + f"\n\n{kind} already exported that show them "
                                   "there will be listed to take down." + ending,
                                   ok_text="Save the form", title="Consent form", parent=self,
                                   names=lambda text: self.ctx.ws.requester_refusal(p.id, text))
            if not dlg.exec():
                return
            request = {"requested_by": dlg.requested_by(), "requested_on": dlg.requested_on(),
                       "request_required": True}
        else:
            answer = QMessageBox.question(
                self, "Save the consent form?", f"{question}\n\nThis is recorded with your name.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes)
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.changes = self.ctx.ws.register.set_consents(p.id, [
                {"channel": ch, "value": new, "media": "photo" if m == "any" else m,
                 "expected": old, "how": CONSENT_FORM,
                 **(request if old == YES and new != YES else {})}
                for ch, m, old, new in edits])
        except PhotoVetError as exc:
            # nothing was saved: the whole form is one change
            self.ctx.fail(self, "Consent form not saved", exc)
            return
        self.ctx.register_changed.emit()
        self.accept()


__all__ = ["ConsentFormDialog"]
