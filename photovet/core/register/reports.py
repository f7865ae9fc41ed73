"""What an import or an enrolment did, in words for the office (withdrawals first)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photovet.core.models import NO, NOT_RECORDED, YES, Person
from photovet.core.register.mapping import DO_NOT_PHOTOGRAPH, NAME_WITH_PHOTO
from photovet.core.words import (
    ADD_AGAIN_APP,
    CONSENT_NOT_IN_FILE_COMMAND,
    DNP_KEPT,
    LEAVING_DATE_BACK_COMMAND,
    LEAVING_DATES_KEPT,
    RECORD_LEAVING_APP,
    REMOVED_BEFORE_ADDED,
    REMOVED_BEFORE_HELD,
    SEEN_BEFORE_ASK,
    approvals_ended,
    approvals_ended_by_leaving_cleared,
    approvals_ended_by_row_restored,
    consent_word,
    count,
    forgotten_unreadable,
    leavers_removed_still_in_file,
    media_count,
    register_unchanged,
    row_restored_note,
)


@dataclass
class RowProblem:
    """One problem with one cell or row of a register CSV (the header is line 1)."""

    line: int | None
    column: str
    value: str
    message: str
    person_id: str = ""
    kind: str = ""  # duplicate_id, invalid_value, invalid_date, missing_value, not_recorded,
    #                 accepted_variant, row_shape, id_format, unknown_column, ...
    #: what the column accepts, for a value it does not ("it must be Yes or No, or blank for
    #: not recorded"): said with the value where the row's rejection is (s39)
    accepts: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value,
                "message": self.message, "person_id": self.person_id, "kind": self.kind}


def _state_bool(state: str | None) -> bool | None:
    if state is None or state == NOT_RECORDED:
        return None
    return state == YES


def field_label(fld: str, media: str = "photo", labels: dict[str, str] | None = None) -> str:
    """'Facebook', 'Facebook (videos)', 'Name with photo', 'Do not photograph'."""
    if fld == NAME_WITH_PHOTO:
        return "Name with photo"
    if fld == DO_NOT_PHOTOGRAPH:
        return "Do not photograph"
    label = (labels or {}).get(fld, fld)
    return f"{label} (videos)" if media == "video" else label


def state_word(state: str | None) -> str:
    """A consent value in a sentence: 'Yes', 'No', 'not recorded' (also for no earlier value:
    the words of ``core.words.consent_word``, the one way PhotoVet says it)."""
    word = consent_word(state)
    return word.lower() if state in (NOT_RECORDED, None) else word


def local_day(iso: str | None) -> str:
    """'2026-03-12T10:00:00+00:00' -> '12/03/2026' (local time)."""
    if not iso:
        return ""
    try:
        return _dt.datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y")
    except ValueError:
        return iso[:10]


@dataclass
class ConsentChange:
    """One change of one consent value (or of name-with-photo / do-not-photograph)."""

    person_id: str
    channel: str            # a channel id, "name_with_photo" or "do_not_photograph"
    old_state: str | None   # "yes" | "no" | "not recorded" | None (no earlier value)
    new_state: str | None
    when: str = ""          # UTC ISO time
    source: str = ""        # "import:<id>" or "user:<name>"
    name: str = ""          # the person's display name (reports only)
    media: str = "photo"    # "photo" | "video" | "any" (the two special fields)
    label: str = ""         # the channel's label (reports only)
    requested_by: str = ""  # who asked for it ("Mrs Harris (mother), by email"); "" not recorded
    requested_on: str = ""  # the day they asked (ISO date); "" not recorded
    # an import's change of a value a person set in PhotoVet: "user:<name>" and when (UTC ISO)
    hand_source: str = ""
    hand_set_at: str = ""
    #: how a change by hand was entered (``words.CONSENT_TYPED``...); "" not recorded
    how: str = ""
    #: the approvals a withdrawal by hand ended (``approval.end_by_withdrawal``): the app
    #: says how many after saving (s37; an import counts its own, ``approvals_ended``); of
    #: them, the approvals of videos (s39: said as photos, videos, or both)
    approvals_ended: int = 0
    approvals_ended_videos: int = 0

    @property
    def old(self) -> bool | None:
        return _state_bool(self.old_state)

    @property
    def new(self) -> bool | None:
        return _state_bool(self.new_state)

    @property
    def person(self) -> str:
        return self.person_id

    @property
    def is_withdrawal(self) -> bool:
        if self.channel == DO_NOT_PHOTOGRAPH:
            return self.new_state == YES and self.old_state is not None and self.old_state != YES
        return self.old_state == YES and self.new_state != YES

    def __str__(self) -> str:
        who = f"{self.name} ({self.person_id})" if self.name else self.person_id
        what = field_label(self.channel, self.media, {self.channel: self.label} if self.label else None)
        text = f"{who}: {what} {state_word(self.old_state)} -> {state_word(self.new_state)}"
        if self.hand_source:
            # audit s28, finding 8: the Yes typed in from a paper form, undone by an MIS file
            # not yet updated, read as any withdrawal did
            by = self.hand_source.split(":", 1)[-1]
            text += (f" (the {state_word(self.old_state)} was entered in PhotoVet by {by} on "
                     f"{local_day(self.hand_set_at)}; this file has "
                     + ("it blank" if self.new_state == NOT_RECORDED else
                        state_word(self.new_state)) + ")")
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "channel": self.channel,
                "media": self.media, "old": self.old_state, "new": self.new_state,
                "when": self.when, "source": self.source, "withdrawal": self.is_withdrawal,
                "requested_by": self.requested_by, "requested_on": self.requested_on,
                "entered_by_hand": self.hand_source.split(":", 1)[-1] if self.hand_source
                else "", "how": self.how}

    def audit_dict(self) -> dict[str, Any]:
        """The change as the audit log keeps it: ids, never the person's name nor who asked
        (a parent's name): the audit log is kept for good, the consent history goes with the
        person's row (audit s29: the take-down list's audit row kept both)."""
        d = self.to_dict()
        del d["name"], d["requested_by"]
        d["request_recorded"] = bool(self.requested_by)
        return d


@dataclass
class ConsentConflict:
    """The MIS file says something more permissive than a change a person made in PhotoVet:
    the restrictive value is kept until the MIS agrees or a person sets it again by hand."""

    person_id: str
    channel: str
    media: str
    kept: str               # the value PhotoVet keeps
    mis_says: str           # the value in the file
    set_by: str             # "user:<name>"
    set_at: str             # when it was set in PhotoVet (UTC ISO)
    name: str = ""
    label: str = ""

    def __str__(self) -> str:
        who = f"{self.name} ({self.person_id})" if self.name else self.person_id
        what = field_label(self.channel, self.media, {self.channel: self.label} if self.label else None)
        verb = {NO: "withdrawn", NOT_RECORDED: "cleared", YES: "added"}.get(self.kept, "changed")
        if self.channel == DO_NOT_PHOTOGRAPH:
            verb = "put on the do-not-photograph list" if self.kept == YES else "changed"
        by = self.set_by.split(":", 1)[-1]
        return (f"{who}: {what}: kept {state_word(self.kept)} ({verb} in PhotoVet on "
                f"{local_day(self.set_at)} by {by}); the MIS still says {state_word(self.mis_says)}")

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "channel": self.channel,
                "media": self.media, "kept": self.kept, "mis_says": self.mis_says,
                "set_by": self.set_by, "set_at": self.set_at}


#: the kinds of ``ImportReport.revalidated``: a row an earlier import rejected that this file
#: has right, and someone an earlier file stopped listing whom this one lists again (the words
#: the change record keeps, ``approval.end_by_rows_restored``)
ROW_FIXED, ROW_BACK_IN_FILE = "rejected", "missing"


@dataclass
class PersonNote:
    person_id: str
    name: str
    message: str
    #: what it is a note of, where a list holds more than one kind (``revalidated``:
    #: ``ROW_FIXED`` or ``ROW_BACK_IN_FILE``); "" one kind
    kind: str = ""

    @classmethod
    def row_restored(cls, person_id: str, name: str, *, missing: bool) -> PersonNote:
        """The note of a register row an import makes valid again (``revalidated``): its
        kind and its words (``words.row_restored_note``) made here, in one place; the report
        tells the kinds apart by ``kind``, never by the words."""
        return cls(person_id, name, row_restored_note(missing=missing),
                   ROW_BACK_IN_FILE if missing else ROW_FIXED)

    def __str__(self) -> str:
        who = f"{self.name} ({self.person_id})" if self.name else self.person_id
        return f"{who}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "message": self.message}


@dataclass
class DetailChange:
    """What an import changed in a person's details, old -> new in words ("Kit Hart -> Chris
    Hart-Ellis (UPN): Legal surname: Hart -> Hart-Ellis; ..."). ``other_person``: the legal name and the
    date of birth both changed under one id: probably another person (a reused or mis-keyed
    UPN or staff code), so the face signatures are deleted and they must be enrolled again."""

    person_id: str
    name: str                       # the display name after the import
    old_name: str                   # before it ('' when the same)
    changes: list[tuple[str, str, str]] = field(default_factory=list)   # (what, old, new)
    other_person: bool = False
    enrolled: bool = False          # had face signatures before the import

    @property
    def who(self) -> str:
        names = f"{self.old_name} \u2192 {self.name}" if self.old_name and \
            self.old_name != self.name else self.name
        return f"{names} ({self.person_id})"

    @property
    def what(self) -> str:
        said = "; ".join(f"{what}: {old or '(blank)'} \u2192 {new or '(blank)'}"
                         if old or new else f"{what} changed" for what, old, new in self.changes)
        if not self.other_person:
            return said
        face = ("Their face signature will be deleted: enrol them again (until then their face "
                "is covered)" if self.enrolled else
                "Not enrolled, so there is no face signature to delete")
        return (f"the name and the date of birth both changed ({said}): probably a different "
                f"person under a reused or mis-keyed UPN. {face}.")

    def __str__(self) -> str:
        return f"{self.who}: {self.what}"

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "old_name": self.old_name,
                "changes": [{"field": w, "old": o, "new": n} for w, o, n in self.changes],
                "other_person": self.other_person, "enrolled": self.enrolled}


@dataclass
class ImportReport:
    file: str
    import_id: str = ""
    encoding: str = ""
    rows: int = 0
    dry_run: bool = False
    skip_invalid: bool = False
    applied: bool = False
    new_people: list[Person] = field(default_factory=list)
    consent_changes: list[ConsentChange] = field(default_factory=list)  # not withdrawals
    withdrawals: list[ConsentChange] = field(default_factory=list)      # Yes -> No, newly DNP
    conflicts: list[ConsentConflict] = field(default_factory=list)      # kept from PhotoVet
    leavers: list[Person] = field(default_factory=list)
    invalidated: list[PersonNote] = field(default_factory=list)  # rows rejected: now covered
    revalidated: list[PersonNote] = field(default_factory=list)  # were rejected, now valid
    missing: list[PersonNote] = field(default_factory=list)      # not in this file: now covered
    #: not in this file, as in the import before (no leaving date yet): still covered
    still_missing: list[PersonNote] = field(default_factory=list)
    #: the ids of everyone this file does not list who has no leaving date (in ``missing`` or
    #: ``still_missing``): the import can record one leaving date for them (``left_on``)
    no_leaving_date: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)   # ids given the leaving date ``left_on``
    left_on: _dt.date | None = None
    details_changed: list[DetailChange] = field(default_factory=list)  # names, year, class...
    #: the name and the date of birth changed under one id: probably another person (their face
    #: signatures are deleted by the import)
    identity_changes: list[DetailChange] = field(default_factory=list)
    signatures_removed: list[str] = field(default_factory=list)   # ids, for identity_changes
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    accepted_variants: list[RowProblem] = field(default_factory=list)
    blank_consents: list[PersonNote] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    #: of the rejected rows, the people the register holds under their UPNs (each once), and
    #: the other names on rows sharing one of those UPNs (not in the register at all): what
    #: the rows are, whether or not this import changed anything for them (``invalidated``
    #: notes only a change). None: not known (a report made before this was counted)
    rejected_rows_people: tuple[int, int] | None = None
    purged: list[str] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    takedown: list[Any] = field(default_factory=list)  # records.TakedownItem, open after this import
    #: consent the file has no column for at all (no video consent; a channel with neither),
    #: each a sentence: everyone is covered there until it is entered, and how to enter it
    consent_not_in_file: list[str] = field(default_factory=list)
    #: leaving dates kept though the file has none (entered in PhotoVet; or the file has no
    #: leaving date column): "Leaving date 18/07/2025 kept: entered here, not in the file"
    leaving_dates_kept: list[PersonNote] = field(default_factory=list)
    #: on the do-not-photograph list, kept there though the file has no column for it (a file
    #: that leaves the column out never takes a child off the list, s61)
    dnp_kept: list[PersonNote] = field(default_factory=list)
    #: the file is one imported before others and would give back what they changed: said
    #: first (importer._older_file_check); '' when not
    seen_before: str = ""
    #: rows with the whole name of someone removed from PhotoVet (the forgotten list, s35) and
    #: not in the register: held back (not added) unless a person asked to add them again
    #: ("This pupil was removed from PhotoVet on 01/12/2026: importing adds them again")
    removed_before: list[PersonNote] = field(default_factory=list)     # held back
    added_again: list[PersonNote] = field(default_factory=list)        # added, as asked
    #: of the rows held back, old leavers the retention schedule removed whom the file says
    #: have left: one line, not one each (s36, ``words.leavers_removed_still_in_file``)
    leavers_removed_before: list[PersonNote] = field(default_factory=list)
    #: approvals this import ended (``approval.end_by_withdrawal``, s36), all causes; of them,
    #: those its cleared leaving dates (s38) and its restored rows (s39) ended (the rest: its
    #: withdrawals)
    approvals_ended: int = 0
    approvals_ended_leaving: int = 0
    approvals_ended_restored: int = 0
    #: names on the forgotten list kept under a register key since replaced: they can no
    #: longer be recognised (``words.forgotten_unreadable``)
    forgotten_unreadable: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def rows_fixed(self) -> list[PersonNote]:
        """Of ``revalidated``: the rows an earlier import rejected that this file has right."""
        return [n for n in self.revalidated if n.kind != ROW_BACK_IN_FILE]

    def back_in_file(self) -> list[PersonNote]:
        """Of ``revalidated``: people an earlier file stopped listing whom this one lists
        again (s40: listed under "Rows fixed", which they are not)."""
        return [n for n in self.revalidated if n.kind == ROW_BACK_IN_FILE]

    def hand_entries_undone(self) -> str:
        """Audit s28, finding 8: withdrawals of a Yes a person entered in PhotoVet (a paper form)
        that the MIS file does not have yet, said with what to do; "" when there are none."""
        n = sum(1 for c in self.withdrawals if c.hand_source and c.old_state == YES)
        if not n:
            return ""
        return (f"{count(n, 'withdrawal')} {'undoes' if n == 1 else 'undo'} a Yes entered by "
                "hand in PhotoVet (a consent form?) that this file does not have. If the family "
                "said Yes, put it in the MIS and export the file again before importing; "
                "otherwise the import withdraws it.")

    def rejected_counts(self) -> tuple[int, int]:
        """(the people whose rows were rejected who are in the register, the rejected rows
        beyond them): rows sharing one UPN are one person in the register, and each other
        name on them (a note of its own in ``invalidated``) is not in it at all."""
        people = len({n.person_id for n in self.invalidated})
        return people, len(self.invalidated) - people

    def summary_lines(self, max_items: int | None = 50, *,
                      record_leaving: str = RECORD_LEAVING_APP,
                      add_again: str = ADD_AGAIN_APP, plain: bool = False) -> list[str]:
        """Human-readable summary: status, errors, WITHDRAWALS FIRST, then the rest.
        ``record_leaving``: how to record that people the file no longer lists have left (the
        app's words; the command line gives its own). ``plain``: every heading in sentence
        case (the app, which shows headings in bold; the command line's capitals are its only
        emphasis). A row problem of someone listed under "Rows rejected" is said there, with
        whose row it is, not under "Errors" as well (s36 walk: every one said twice)."""

        def loud(caps: str, words: str) -> str:
            return words if plain else caps

        out: list[str] = []
        name = Path(self.file).name
        n_err = len(self.errors)
        if self.dry_run:
            state = "Dry run (nothing was changed)"
        elif self.applied:
            state = "Imported"
        else:
            state = loud("NOT IMPORTED: nothing was changed", "Not imported: nothing was changed")
        out.append(f"{state}: {name}, {self.rows} rows, {n_err} error{'s' * (n_err != 1)}, "
                   f"{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}")
        if self.seen_before:
            older = self.seen_before
            if self.applied:
                older = older.replace(SEEN_BEFORE_ASK, "It was imported as today's export.")
            out.append(loud("AN OLDER FILE: ", "An older file: ") + older)
        if n_err and not self.applied and not self.dry_run:
            out.append("Fix the rows below and import again, or use --skip-invalid to import the "
                       "other rows (the rejected people are covered until fixed).")
        rejected = {n.person_id for n in self.invalidated}
        loose = [p for p in self.errors if not (p.person_id and p.person_id in rejected)]
        if loose:
            out.append(f"{'Other errors' if len(loose) < n_err else 'Errors'} ({len(loose)}):")
            out.extend(f"  {p}" for p in loose)
        if self.dry_run and self.errors and not self.skip_invalid:
            out.append("With these errors a real import would change nothing; with "
                       "--skip-invalid it would make the changes below.")
        if self.skipped_rows and (self.applied or self.dry_run):
            lines = ", ".join(str(x) for x in self.skipped_rows)
            # what was not imported is what the rows say: the people are in the register,
            # always covered (s39: "were not imported" beside "people whose rows were
            # rejected (in the register...)" read as a contradiction)
            was, are = ("would not be", "would be") if self.dry_run else ("was not", "are")
            if len(self.skipped_rows) == 1:
                out.append(f"Rejected row (line {lines}): the consent in it {was} imported. "
                           f"That person {'would be' if self.dry_run else 'is'} in the register, "
                           "always covered until their row is fixed in the MIS and imported "
                           "again.")
            else:
                # rows sharing a UPN: one of their people is in the register, the others not
                # at all (s41 walk: "Those people are in the register" for a UPN on two rows)
                # by the rows themselves (s52: the same file imported again, as each week, said
                # "Those people are in the register" of a name that is not: the notes that
                # counted them are written only for a change)
                more = (self.rejected_rows_people or self.rejected_counts())[1]
                if more:
                    one = "would be" if self.dry_run else "is"
                    # s52: a dry run said "that person would be not in the register at all"
                    not_in = "would not be" if self.dry_run else \
                        "is not" if more == 1 else "are not"
                    kept = len(self.skipped_rows) - more
                    out.append(f"Rejected rows (lines {lines}): the consent in them {was} "
                               f"imported. {kept} of those people {one if kept == 1 else are} "
                               "in the register, "
                               "always covered until their rows are fixed in the MIS and "
                               f"imported again; {more} more row{'s' if more != 1 else ''} "
                               "shared a UPN with another row: "
                               f"{'that person' if more == 1 else 'those people'} "
                               f"{not_in} in the register at all.")
                else:
                    out.append(f"Rejected rows (lines {lines}): the consent in them {was} "
                               f"imported. Those people {are} in the register, always covered "
                               "until their rows are fixed in the MIS and imported again.")

        def section(title: str, items: list, always_all: bool = False,
                    counted: bool = True) -> None:
            if not items:
                return
            out.append(f"{title} ({len(items)}):" if counted else f"{title}:")
            shown = items if (always_all or max_items is None) else items[:max_items]
            out.extend(f"  {_describe(x)}" for x in shown)
            if len(shown) < len(items):
                out.append(f"  ... and {len(items) - len(shown)} more")

        section(loud("WITHDRAWALS", "Withdrawals")
                + " (consent removed: check photos already posted)", self.withdrawals,
                always_all=True)
        if self.hand_entries_undone():
            out.append(self.hand_entries_undone())
        # each cause said in its own words (s39: a cleared leaving date's were said as a
        # withdrawal's)
        by_withdrawal = self.approvals_ended - self.approvals_ended_leaving - \
            self.approvals_ended_restored
        for n, said in ((by_withdrawal, approvals_ended),
                        (self.approvals_ended_leaving, approvals_ended_by_leaving_cleared),
                        (self.approvals_ended_restored, approvals_ended_by_row_restored)):
            if n > 0:
                out.append(said(n) + ".")
        if self.consent_not_in_file:
            out.append(loud("CONSENT NOT IN THIS FILE:", "Consent not in this file:"))
            out.extend(f"  {line}" for line in self.consent_not_in_file)
            out.append(f"  {CONSENT_NOT_IN_FILE_COMMAND}")
        if self.removed_before:
            section(loud(REMOVED_BEFORE_HELD, REMOVED_BEFORE_HELD.replace("NOT", "not")),
                    self.removed_before, always_all=True)
            out.append(f"  {add_again}")
        if self.leavers_removed_before:
            out.append(leavers_removed_still_in_file(len(self.leavers_removed_before)) + ".")
        section(REMOVED_BEFORE_ADDED, self.added_again, always_all=True)
        if self.forgotten_unreadable:
            out.append(forgotten_unreadable(self.forgotten_unreadable) + ".")
        section(loud("CONFLICTS", "Conflicts") + " (kept as changed in PhotoVet: the MIS file "
                "says otherwise; update the MIS, or set the value again by hand to accept the "
                "file)", self.conflicts, always_all=True)
        section(loud("SAME UPN, PROBABLY A DIFFERENT PERSON", "Same UPN, probably a different "
                     "person") + " (name and date of birth both changed): check the UPN in the "
                "MIS", self.identity_changes, always_all=True)
        if self.signatures_removed:
            who = count(len(self.signatures_removed), 'person', 'people')
            out.append(f"Face signatures deleted for {who} "
                       "whose name and date of birth changed: enrol them again (until then their "
                       "face is covered): " + ", ".join(self.signatures_removed))
        people, more = self.rejected_counts()
        if more:
            # a UPN on two rows: 3 rejected rows are 2 people in the register (s41 walk:
            # "these people are now covered (3)" above a name not in the register at all)
            rows = count(len(self.invalidated), "row")
            section(f"Rows rejected ({rows}, {count(people, 'person', 'people')} in the "
                    "register): everyone on them is covered", self.invalidated,
                    always_all=True, counted=False)
        else:
            section("Rows rejected: these people are now covered", self.invalidated,
                    always_all=True)
        section("Not in this file: these people are now covered", self.missing, always_all=True)
        section("Still not in this file" + ("" if self.left else ", no leaving date")
                + ": still covered", self.still_missing)
        if self.left and self.left_on is not None:
            verb = "would be recorded" if self.dry_run else "recorded"
            out.append(f"Leaving date {self.left_on:%d/%m/%Y} {verb} for "
                       f"{count(len(self.left), 'person', 'people')} not in this file (listed "
                       "above): always covered, and their face signatures fall due for "
                       "deletion.")
        elif self.no_leaving_date and (self.applied or self.dry_run):
            n = len(self.no_leaving_date)
            out.append(f"{count(n, 'person', 'people')} not in this file "
                       f"{'has' if n == 1 else 'have'} no leaving date. If they have left, "
                       f"{record_leaving}")
        section("New people", self.new_people)
        section("Consent changes", self.consent_changes)
        section("Leavers", self.leavers)
        section("Register rows fixed", self.rows_fixed())
        section("Back in the MIS file after being missing from an earlier one",
                self.back_in_file())
        section("Names, year, class or leaving date updated (a former name is kept as 'also "
                "known as')",
                self.details_changed)
        if self.dnp_kept:
            section(DNP_KEPT, self.dnp_kept, always_all=True)
        if self.leaving_dates_kept:
            section(LEAVING_DATES_KEPT, self.leaving_dates_kept)
            out.append(f"  {LEAVING_DATE_BACK_COMMAND}")
        if self.purged:
            out.append(f"Face data purged for {count(len(self.purged), 'leaver')}: "
                       f"{', '.join(self.purged)}")
        if self.takedown:
            new = sum(1 for t in self.takedown if getattr(t, "new", False))
            out.append(f"{loud('TAKE-DOWN LIST', 'Take-down list')}: "
                       f"{media_count(self.takedown)} published or exported "
                       f"{'shows' if len(self.takedown) == 1 else 'show'} "
                       f"someone without consent now ({new} new): see the take-down list.")
        if self.accepted_variants:
            n = len(self.accepted_variants)
            out.append(f"{count(n, 'value')} spelt differently {'was' if n == 1 else 'were'} "
                       "accepted (e.g. 'Y', ' yes ')")
        # each heading counts exactly the lines under it: the blank cells are not warnings
        # (the walkthrough, round 30: 'Warnings (1):' stood above two lines)
        section("Warnings", self.warnings)   # each says what it means (counted as No...)
        section("Consent not recorded (blank cells), counted as No", self.blank_consents)
        if not (self.errors or self.withdrawals or self.conflicts or self.new_people
                or self.consent_changes
                or self.leavers or self.invalidated or self.missing or self.details_changed
                or self.identity_changes or self.left or self.leaving_dates_kept
                or self.removed_before or self.added_again or self.revalidated
                or self.approvals_ended):
            out.append(register_unchanged(self.dry_run, len(self.leavers_removed_before)))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "import_id": self.import_id, "encoding": self.encoding,
            "rows": self.rows, "dry_run": self.dry_run, "applied": self.applied,
            "new_people": [p.id for p in self.new_people],
            "withdrawals": [c.to_dict() for c in self.withdrawals],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "consent_changes": [c.to_dict() for c in self.consent_changes],
            "leavers": [p.id for p in self.leavers],
            "invalidated": [n.to_dict() for n in self.invalidated],
            "revalidated": [n.to_dict() for n in self.revalidated],
            "missing": [n.to_dict() for n in self.missing],
            "still_missing": [n.to_dict() for n in self.still_missing],
            "no_leaving_date": list(self.no_leaving_date),
            "left": list(self.left),
            "left_on": self.left_on.isoformat() if self.left_on else None,
            "details_changed": [d.to_dict() for d in self.details_changed],
            "identity_changes": [d.to_dict() for d in self.identity_changes],
            "signatures_removed": list(self.signatures_removed),
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
            "accepted_variants": [p.to_dict() for p in self.accepted_variants],
            "skipped_rows": list(self.skipped_rows),
            "purged": list(self.purged),
            "mapping": dict(self.mapping),
            "takedown": [t.id for t in self.takedown],
            "consent_not_in_file": list(self.consent_not_in_file),
            "leaving_dates_kept": [n.to_dict() for n in self.leaving_dates_kept],
            "dnp_kept": [n.to_dict() for n in self.dnp_kept],
            "seen_before": self.seen_before,
            "removed_before": [n.to_dict() for n in self.removed_before],
            "added_again": [n.to_dict() for n in self.added_again],
            "leavers_removed_before": [n.person_id for n in self.leavers_removed_before],
            "approvals_ended": self.approvals_ended,
            "approvals_ended_leaving": self.approvals_ended_leaving,
            "approvals_ended_restored": self.approvals_ended_restored,
            "forgotten_unreadable": self.forgotten_unreadable,
        }


def _describe(x: Any) -> str:
    if isinstance(x, Person):
        extra = "Staff" if x.role == "staff" else (x.year_group or "")
        if x.reg_group:
            extra = f"{extra}, {x.reg_group}" if extra else x.reg_group
        if x.leaving_date:
            day = x.leaving_date.strftime("%d/%m/%Y")
            extra = f"{extra}, leaving date {day}" if extra else f"leaving date {day}"
        return f"{x.display_name} ({x.id})" + (f": {extra}" if extra else "")
    return str(x)


@dataclass
class EnrolProblem:
    person_id: str
    path: str
    message: str
    #: the person's name when the register has them ("" not known): the app says it first,
    #: the id after it (``said``; s37: it said only the UPN)
    name: str = ""

    def __str__(self) -> str:
        name = Path(self.path).name if self.path else ""
        return f"{name}: {self.message}" if name else self.message

    def said(self) -> str:
        """The message as the app says it: "Tori Amos (A123456789012): no face found ..."
        where it opened with the id alone (the command keeps the id first)."""
        lead = f"{self.person_id}: "
        if self.name and self.person_id and self.message.startswith(lead):
            return f"{self.name} ({self.person_id}): {self.message[len(lead):]}"
        return self.message


@dataclass
class EnrolLookalike:
    """A portrait just enrolled that is almost the same face as someone else enrolled (within
    the look-alike distance, ``recognition.lookalike_distance``): twins, or the wrong photo.
    Still enrolled; PhotoVet then asks more of either (the matcher's look-alike rule) and a
    reason before a face is confirmed as one while the other may not be shown."""

    person_id: str
    other_id: str
    distance: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "other_id": self.other_id,
                "distance": round(float(self.distance), 4), "message": self.message}


@dataclass
class EnrolReport:
    enrolled: dict[str, int] = field(default_factory=dict)  # person id -> photos used
    errors: list[EnrolProblem] = field(default_factory=list)
    photos: int = 0             # photos looked at
    ignored: list[str] = field(default_factory=list)  # files that are not photos
    seconds: float = 0.0
    lookalikes: list[EnrolLookalike] = field(default_factory=list)   # warnings, nearest first
    # photos found by the pupil's name in their file name (a photographer's folder), not a UPN:
    # (file name, person id, the person's name), said so the office can check each one
    by_name: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_name_lines(self) -> list[str]:
        return [f"{f}: taken as {name} ({pid}), from the name in the file name"
                for f, pid, name in self.by_name]

    def summary_lines(self) -> list[str]:
        n = len(self.enrolled)
        out = [f"Enrolled {n} {'person' if n == 1 else 'people'} from "
               f"{sum(self.enrolled.values())} of {self.photos} photos"
               f" ({len(self.errors)} problem{'s' * (len(self.errors) != 1)})"]
        out.extend(f"  warning: {w.message}" for w in self.lookalikes)
        out.extend(f"  note: {line}" for line in self.by_name_lines())
        out.extend(f"  error: {e}" for e in self.errors)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"enrolled": dict(self.enrolled), "photos": self.photos,
                "errors": [{"person_id": e.person_id, "path": e.path, "message": e.message}
                           for e in self.errors],
                "lookalikes": [w.to_dict() for w in self.lookalikes],
                "by_name": [{"file": f, "person_id": pid} for f, pid, _n in self.by_name],
                "ignored": list(self.ignored), "seconds": round(self.seconds, 3)}


@dataclass
class SignatureStatus:
    """Whose face signatures were made by the current face model, and whose by an older one
    (those people are still recognised with the old model until they are enrolled again from
    the MIS photo folder: ``photovet register enrol --folder DIR``)."""

    current_model: str
    current: int = 0                # people with signatures of the current model
    old: int = 0                    # people whose signatures are all of an older model
    old_ids: list[str] = field(default_factory=list)
    old_models: dict[str, int] = field(default_factory=dict)   # older model -> people

    @property
    def needs_enrolment(self) -> bool:
        return self.old > 0

    def message(self) -> str:
        """One sentence for a banner or the command line ("" when nothing is outstanding)."""
        if not self.old:
            return ""
        who = "1 person still has" if self.old == 1 else f"{self.old} people still have"
        return (f"{who} face signatures from the older face model (PhotoVet 0.1). They are still "
                "recognised, more slowly and less reliably, until they are enrolled again from "
                "the MIS photo folder.")

    def to_dict(self) -> dict[str, Any]:
        return {"current_model": self.current_model, "current": self.current, "old": self.old,
                "old_ids": list(self.old_ids), "old_models": dict(self.old_models),
                "message": self.message()}


__all__ = ["ConsentChange", "ConsentConflict", "DetailChange", "EnrolLookalike", "EnrolProblem",
           "EnrolReport", "ImportReport", "PersonNote", "ROW_BACK_IN_FILE", "ROW_FIXED",
           "RowProblem", "SignatureStatus", "field_label", "local_day", "state_word"]
