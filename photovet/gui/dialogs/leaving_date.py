"""Record a leaving date by hand, for someone the MIS file stopped listing ("Not in the MIS file
since 30/11/2026 – has Alex left?"). The register records it (audited, ``Register.
set_leaving_date``); from that date they are a leaver (always covered, their face signature
falls due on the retention schedule)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from photovet.core.models import Person
from photovet.core.words import not_in_mis_file

from ..words import day, esc
from .common import DateField, ok_cancel


class _AsksALeavingDate(QDialog):
    """A dialog with one leaving date (``self.date``, a DateField): OK only with a date."""

    date: DateField

    def accept(self) -> None:
        if self.date.check():           # a date as written, never one Qt guessed
            super().accept()

    def value(self) -> _dt.date:
        value = self.date.value()
        assert value is not None        # a leaving date is needed (accept checked it)
        return value


class LeavingDateDialog(_AsksALeavingDate):
    def __init__(self, person: Person, *, days_after_leaving: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("LeavingDateDialog")
        self.setWindowTitle("Record a leaving date")
        self.person = person
        lay = QVBoxLayout(self)
        missing = not_in_mis_file(person)
        who = f"{person.display_name} ({person.id})"
        text = (f"{esc(missing)}<br><br>" if missing else "") + (
            f"When did <b>{esc(who)}</b> leave? From that day they are always covered, and "
            "their face signature is due for deletion "
            + (f"{days_after_leaving} days after it" if days_after_leaving else "on that day")
            + " (Register \u203a Due for deletion). This is recorded with your name, and kept "
            "by later register imports, until someone chooses They are back\u2026 on their "
            "page. If they have not left, do not record it: check that your MIS export lists "
            "them.")
        question = QLabel(text)
        question.setWordWrap(True)
        lay.addWidget(question)
        start = person.leaving_date or person.missing_since or _dt.date.today()
        self.date = DateField(start, name="Leaving date")
        lay.addWidget(self.date)
        if person.missing_since is not None:
            hint = QLabel(f"The first register file without them was imported on "
                          f"{day(person.missing_since)}.")
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555555;")
            lay.addWidget(hint)
        lay.addWidget(ok_cancel(self, "Record leaving date"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)


class LeavingDatesDialog(_AsksALeavingDate):
    """One leaving date for everyone the register shows as no longer in the MIS file (audit
    s28: the Year 6 who left in July are simply absent from September's file)."""

    def __init__(self, people: list[Person], *, days_after_leaving: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("LeavingDatesDialog")
        self.setWindowTitle("Record a leaving date")
        self.people = people
        lay = QVBoxLayout(self)
        names = ", ".join(esc(p.display_name) for p in people[:12]) + (
            f" and {len(people) - 12} more" if len(people) > 12 else "")
        question = QLabel(
            f"<b>{len(people)} {'person is' if len(people) == 1 else 'people are'}</b> no "
            f"longer in the MIS file: {names}.<br><br>If they all left on the same day (the end "
            "of the summer term), record it for all of them. From that day they are always "
            "covered, and their face signatures are due for deletion "
            + (f"{days_after_leaving} days after it" if days_after_leaving else "on that day")
            + " (Register \u203a Due for deletion). This is recorded with your name. Anyone "
            "who has not left: record theirs from their own page instead, or check that your "
            "MIS export lists them.")
        question.setWordWrap(True)
        lay.addWidget(question)
        since = min((p.missing_since for p in people if p.missing_since), default=None)
        self.date = DateField(since or _dt.date.today(), name="Leaving date")
        lay.addWidget(self.date)
        lay.addWidget(ok_cancel(self, f"Record it for {len(people)}"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)


def _ask_and_record(ctx, dlg: _AsksALeavingDate, save, failed: str,
                    parent: QWidget | None) -> bool:
    """Ask ``dlg``; on OK, ``save(date)`` in the register (the core checks the right and
    audits it), a refusal said under ``failed``; True when recorded."""
    from photovet.core.errors import PhotoVetError  # noqa: PLC0415

    if not dlg.exec():
        return False
    try:
        save(dlg.value())
    except PhotoVetError as exc:
        ctx.fail(parent, failed, exc)
        return False
    ctx.register_changed.emit()
    return True


def record_leaving_dates(ctx, person_ids: list[str], parent: QWidget | None = None) -> bool:
    """One leaving date for several people (the register records all or none); True when
    recorded."""
    people = [p for p in (ctx.ws.register.find(i) for i in person_ids) if p is not None]
    if not people:
        return False
    dlg = LeavingDatesDialog(
        people, days_after_leaving=ctx.ws.settings.retention.purge_encodings_days_after_leaving,
        parent=parent)
    return _ask_and_record(
        ctx, dlg, lambda day: ctx.ws.register.set_leaving_dates([p.id for p in people], day),
        "Leaving dates not recorded", parent)


def record_leaving_date(ctx, person_id: str, parent: QWidget | None = None) -> bool:
    """Ask for the leaving date and record it in the register (the core checks the right and
    audits it); True when recorded."""
    p = ctx.ws.register.find(person_id)
    if p is None:
        return False
    dlg = LeavingDateDialog(
        p, days_after_leaving=ctx.ws.settings.retention.purge_encodings_days_after_leaving,
        parent=parent)
    return _ask_and_record(ctx, dlg, lambda day: ctx.ws.register.set_leaving_date(p.id, day),
                           "Leaving date not recorded", parent)


__all__ = ["LeavingDateDialog", "LeavingDatesDialog", "record_leaving_date",
           "record_leaving_dates"]
