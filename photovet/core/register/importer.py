"""Importing the register CSV exported from the MIS.

- The file is read (csv_io), its columns matched to fields (mapping), every row parsed (rows).
- A UPN on several rows is an error on every one of those rows.
- **Errors: by default nothing is changed.** ``import_csv`` then RETURNS a report with
  ``applied=False`` and every problem in ``report.errors`` (so the app can show the rows).
  Problems with the file as a whole (unreadable, not text, no header, a required column
  missing, two columns for one field) RAISE ``RegisterImportError`` with ``problems``. With
  ``skip_invalid`` the valid rows are imported and every rejected row's person is kept (or
  added) with ``valid=False``: policy covers them until the register is fixed.
- People already in the register who are NOT in the file are marked not valid (covered) and
  listed in ``report.missing``; the date they first went missing is kept, and their face
  signatures are deleted after the school's grace period. Only people of a role present in the
  file are affected, so importing a staff-only file leaves the pupils alone.
- **Restrictive wins.** A consent value a person changed in PhotoVet is kept when the file says
  something more permissive (the MIS still says Yes for a consent withdrawn by hand), and the
  report lists it as a conflict, until the MIS agrees or a person sets the value again by hand.
  The file always wins in the restrictive direction. A value set by hand for which the file has
  no column at all is left alone; any other value without a column becomes "not recorded",
  except the do-not-photograph list: a file with no column for it takes nobody off it
  (``report.dnp_kept``).
- **An older file** (the content of one imported before others) that would give back what the
  newer ones changed is said to be one (``report.seen_before``) and imported only when a
  person says it is today's export (``seen_before_ok``; else ``RegisterFileSeenBefore``).
- Every value written is kept in ``consent_history``. All writes of an import happen in one
  transaction, with its audit row.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photovet.core.errors import (
    NotARegisterError,
    RegisterFileSeenBefore,
    RegisterImportError,
    RegisterTooLargeError,
)
from photovet.core.models import NO, NOT_RECORDED, YES, Person
from photovet.core.policy import leaving_undone, row_restored
from photovet.core.register.csv_io import MIXED_ENCODING, read_table, read_titled_table
from photovet.core.register.mapping import (
    CONSENT_PREFIX,
    DO_NOT_PHOTOGRAPH,
    FIELDS,
    REQUIRED_FIELDS,
    VIDEO_PREFIX,
    ColumnMapping,
    could_be,
    detect_mapping,
    field_title,
    load_mapping,
    normalise_field_name,
    parse_consent_field,
)
from photovet.core.register.reports import (
    ConsentChange,
    ConsentConflict,
    DetailChange,
    ImportReport,
    PersonNote,
    RowProblem,
    field_label,
)
from photovet.core.register.rows import Key, Layout, Row, consent_keys, parse_row
from photovet.core.register.values import TEMP_UPN_RE, UPN_RE
from photovet.core.words import (
    DNP_KEPT_NOTE,
    LEAVING_DATE_NOT_IN_FILE,
    SEEN_BEFORE_ASK,
    count,
    leaving_date_kept,
    removed_before,
)

# How permissive a value is (higher = allows more).
_RANK = {NO: 0, NOT_RECORDED: 1, YES: 2}
_RANK_DNP = {YES: 0, NOT_RECORDED: 1, NO: 1}


def permissiveness(key: Key, state: str) -> int:
    return (_RANK_DNP if key[0] == DO_NOT_PHOTOGRAPH else _RANK).get(state, 0)


def _now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def set_by_hand(source: str | None) -> bool:
    return bool(source) and str(source).startswith("user:")


#: A register file with more rows than this needs a person to say it is the right file. The
#: largest schools in England have about 3,000 to 4,000 pupils (all-through and the biggest
#: secondaries), plus their staff; a trust's or a council's export has tens of thousands of
#: rows (an audit imported 200,000 without a question: 2 GB of memory, a 1 GB register).
LARGE_REGISTER_ROWS = 5_000

#: Columns that make a file look like a register export: an id or a name.
_NAME_LIKE = re.compile(r"(^|[^a-z])(sur|fore|first|last|family|given|full|pupil|student|"
                        r"child)?\s*name([^a-z]|$)", re.I)
_REGISTER_LIKE = ("id", "legal_surname", "legal_forename", "preferred_surname",
                  "preferred_forename")


def _upn_like_column(rows: list[tuple[int, list[str]]], width: int) -> bool:
    """Whether a column holds UPNs (by its values: an MIS with headers PhotoVet does not know
    still has its pupils' UPNs), on the first rows."""
    sample = [cells for _line, cells in rows[:50]]
    for col in range(width):
        values = [c[col].strip().upper() for c in sample if col < len(c) and c[col].strip()]
        upns = sum(1 for v in values if UPN_RE.match(v) or TEMP_UPN_RE.match(v))
        if values and upns * 2 >= len(values):
            return True
    return False


def _refuse_if_not_a_register(m: ColumnMapping, path: Path,
                              rows: list[tuple[int, list[str]]]) -> None:
    """A file with no UPN-like and no name-like column (a text file, another spreadsheet)
    is refused first, in words, before any list of missing columns (a column of UPNs under
    a header PhotoVet does not know is UPN-like: those columns can be chosen by hand)."""
    if not any(m.fields.get(f) for f in _REGISTER_LIKE) and \
            not any(_NAME_LIKE.search(h) and "photo" not in h.lower() for h in m.headers) and \
            not _upn_like_column(rows, len(m.headers)):
        raise NotARegisterError(
            "this doesn't look like a register export (no UPN or surname column)", path=path,
            hint="Check you chose the CSV from SIMS, Arbor or Bromcom.")


def _large_question(rows: int) -> str:
    return (f"this file has {rows:,} rows, far more than a school's roll (PhotoVet asks above "
            f"{LARGE_REGISTER_ROWS:,}): it may be a whole trust's or council's export. "
            "Is this the right file?")


@dataclass
class FileCheck:
    """What the first look at a register file found (the import wizard's first page)."""

    path: Path
    rows: int
    mapping: ColumnMapping

    @property
    def large(self) -> bool:
        return self.rows > LARGE_REGISTER_ROWS

    @property
    def question(self) -> str:
        """What to ask a person before a large file is imported ('' when not large)."""
        text = _large_question(self.rows)
        return text[0].upper() + text[1:] if self.large else ""


def check_file(csv_path: str | Path, labels: dict[str, str]) -> FileCheck:
    """Read the file and refuse one that is not a register export (NotARegisterError); say
    how many rows it has (``large``: a person must confirm it, ``import_csv(large_ok=True)``)."""
    path = Path(csv_path)
    headers, rows, _enc, _sha = read_table(path)
    m = detect_mapping(headers, labels)
    _refuse_if_not_a_register(m, path, rows)
    return FileCheck(path, len(rows), m)


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------

def resolve_mapping(headers: list[str], mapping: Any, path: Path, labels: dict[str, str],
                    header_line: int = 1) -> ColumnMapping:
    """The mapping to use for this file (detected, or given and checked against the file)."""
    channels = list(labels)
    auto = detect_mapping(headers, labels)
    if mapping is None:
        m = auto
    else:
        if isinstance(mapping, (str, Path)):
            given = load_mapping(mapping).fields
        elif isinstance(mapping, ColumnMapping):
            given = mapping.fields
        elif isinstance(mapping, dict):
            given = {normalise_field_name(k): v for k, v in mapping.items()}
        else:
            raise RegisterImportError("the column mapping is not a mapping", path=path)
        known = set(FIELDS) | {CONSENT_PREFIX + c for c in channels} | \
            {VIDEO_PREFIX + c for c in channels}
        problems = []
        for fld, col in given.items():
            if fld not in known:
                problems.append(RowProblem(None, col or "", "", f"the mapping names an unknown "
                                           f"field '{fld}'", "", "mapping"))
            elif col and col not in headers:
                problems.append(RowProblem(None, col, "", f"the mapping uses column '{col}' for "
                                           f"{field_title(fld, labels)}, but the file has no such "
                                           "column", "", "mapping"))
        if problems:
            raise RegisterImportError(
                f"the column mapping does not fit this file ({count(len(problems), 'problem')})",
                problems, path=path)
        fields = dict(auto.fields)
        fields.update(given)
        remaining = [could_be(f, hs, list(headers), labels)
                     for f, hs in auto.ambiguous.items() if f not in given]
        m = ColumnMapping(headers=list(headers), fields=fields, problems=remaining,
                          notes=auto.notes)
        used = {v for v in fields.values() if v}
        m.ignored = [h for h in headers if h not in used]
        m.unmapped_required = [f for f in REQUIRED_FIELDS if not fields.get(f)]
    problems = [RowProblem(header_line, "", "", p, "", "ambiguous_column") for p in m.problems]
    for f in m.unmapped_required:
        problems.append(RowProblem(header_line, "", "", f"no column for {field_title(f, labels)} (required); "
                                   f"the header has: {', '.join(headers)}", "", "missing_column"))
    by_column: dict[str, list[str]] = {}
    for fld, col in m.fields.items():
        if col:
            by_column.setdefault(col, []).append(fld)
    for col, flds in sorted(by_column.items()):
        if len(flds) < 2:
            continue
        cms = [parse_consent_field(f) for f in flds]
        # one "photos and videos" column may give both consents of one channel
        if len(flds) == 2:
            first, second = cms
            if first and second and first[0] == second[0]:
                continue
        problems.append(RowProblem(header_line, col, "", f"column '{col}' is used for "
                                   f"{' and '.join(field_title(f, labels) for f in flds)}", "",
                                   "ambiguous_column"))
    if not any(m.fields.get(CONSENT_PREFIX + c) or m.fields.get(VIDEO_PREFIX + c)
               or any(f in (CONSENT_PREFIX + c, VIDEO_PREFIX + c) for f in m.ambiguous)
               for c in channels):
        problems.append(RowProblem(header_line, "", "", "no consent column was found for any channel; "
                                   "map them with a column mapping", "", "missing_column"))
    if problems:
        raise RegisterImportError(
            f"the register file's columns could not be used ({count(len(problems), 'problem')})",
            problems, path=path)
    return m


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def consent_not_in_file(m: ColumnMapping, labels: dict[str, str]) -> list[str]:
    """What consent a register file has no column for at all, each said plainly with what it
    means (everyone covered there, fail closed): no video consent at all (photo consent is
    not video consent), a channel with neither photo nor video consent. A value already
    entered by hand in PhotoVet is kept (the import leaves it alone). How to enter it:
    ``words.CONSENT_NOT_IN_FILE_APP`` and ``CONSENT_NOT_IN_FILE_COMMAND``."""
    channels = list(labels)
    no_photo = [c for c in channels if not m.fields.get(CONSENT_PREFIX + c)]
    no_video = [c for c in channels if not m.fields.get(VIDEO_PREFIX + c)]
    nothing = [c for c in channels if c in no_photo and c in no_video]
    kept = " (consent already entered in PhotoVet is kept)."
    out: list[str] = []
    if no_video and len(no_video) == len(channels):
        out.append("This file has no video consent at all, so everyone will be covered in "
                   "every video until their video consent is entered" + kept)
    else:
        only_video = [labels[c] for c in no_video if c not in nothing]
        if only_video:
            out.append(f"This file has no video consent for {_listed(only_video)}, so everyone "
                       f"will be covered in videos on {_listed(only_video)} until their video "
                       "consent is entered" + kept)
    if nothing:
        names = _listed([labels[c] for c in nothing])
        media = "photos" if no_video and len(no_video) == len(channels) else "photos or videos"
        out.append(f"This file has no consent at all for {names}, so everyone will be covered "
                   f"in {media} on {names} until their consent is entered" + kept)
    return out


# --------------------------------------------------------------------------------------------
# The plan: what an import would change
# --------------------------------------------------------------------------------------------

@dataclass
class Plan:
    person_rows: list[dict[str, Any]] = field(default_factory=list)
    consent_rows: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    history_rows: list[tuple[Any, ...]] = field(default_factory=list)
    invalid_updates: list[tuple[str, str, int]] = field(default_factory=list)
    missing_updates: list[str] = field(default_factory=list)
    unmissing: list[str] = field(default_factory=list)
    #: (person, legal forename, legal surname, preferred forename, preferred surname, when,
    #: import, other person): the names an import replaces, kept as "also known as"
    former_names: list[tuple[Any, ...]] = field(default_factory=list)
    #: ids whose name and date of birth both changed: their face signatures are deleted
    other_person: list[str] = field(default_factory=list)
    #: (id, the leaving date that had taken effect, the file's: None or a day still to come):
    #: the approvals that showed them end (``approval.end_by_leaving_undone``, s38)
    leaving_undone: list[tuple[str, _dt.date, _dt.date | None]] = field(default_factory=list)
    #: (id, "rejected" or "missing"): rows rejected or missing from an earlier file that this
    #: one makes valid again: the approvals that showed them end
    #: (``approval.end_by_rows_restored``, s39)
    rows_restored: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Current:
    """The register as it is, for planning."""

    people: dict[str, dict[str, Any]]
    states: dict[str, dict[Key, tuple[str, str, str | None]]]   # id -> key -> (value, source, at)
    enrolled: set[str] = field(default_factory=set)             # ids with face signatures


def current_state(db: Any) -> Current:
    cols = ("id", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname",
            "role", "year_group", "reg_group", "date_of_birth", "leaving_date", "notes", "valid",
            "invalid_reason", "missing_since", "family", "leaving_date_source")
    people = {r[0]: dict(zip(cols, r)) for r in db.all(f"SELECT {', '.join(cols)} FROM people")}
    states: dict[str, dict[Key, tuple[str, str, str | None]]] = {}
    for pid, ch, media, v, src, at in db.all(
            "SELECT person_id, channel, media, value, source, set_at FROM consents"):
        states.setdefault(pid, {})[(ch, media)] = (v, src or "", at)
    enrolled = {r[0] for r in db.all("SELECT DISTINCT person_id FROM encodings")}
    return Current(people, states, enrolled)


def _held_name(old: Mapping[str, Any]) -> str:
    """The name a register row holds (its preferred names, else its legal ones)."""
    return f"{old['preferred_forename'] or old['legal_forename']} " \
           f"{old['preferred_surname'] or old['legal_surname']}".strip()


def _rejected_notes(pid: str, reason: str, names: list[str], kept: str, holder: str,
                    said: str, *, held_before: bool) -> list[PersonNote]:
    """The notes of a rejected row's people: ``kept``, the one the register holds under the
    UPN, ``said`` after ``reason``; any other name on a row sharing that UPN is not in the
    register at all (s41 walk and audit: each was said as if it were), said with ``holder``,
    whose UPN it is there: held before this import (``held_before``), or taken now from the
    first of the rows (s45 walk: in a new register, "the UPN is Sophie Dunmore's there" read
    as if Sophie had been in it already)."""
    whose = (f"it already holds this UPN for {holder}" if held_before else
             f"it takes this UPN for {holder}, on the first of these rows")
    return [PersonNote(pid, name, f"{reason}: {said}") if name == kept else
            PersonNote(pid, name, f"{reason}: not added to the register ({whose}), covered "
                       "until fixed")
            for name in names]


def _person_record(p: Person, line: int, valid: bool, reason: str, import_id: str, now: str,
                   missing_since: str | None = None, leaving_source: str | None = None
                   ) -> dict[str, Any]:
    return {
        "id": p.id, "legal_forename": p.legal_forename, "legal_surname": p.legal_surname,
        "preferred_forename": p.preferred_forename, "preferred_surname": p.preferred_surname,
        "role": p.role, "year_group": p.year_group, "reg_group": p.reg_group,
        "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
        "leaving_date": p.leaving_date.isoformat() if p.leaving_date else None,
        "notes": p.notes, "family": p.family, "valid": 1 if valid else 0, "invalid_reason": reason,
        "source_line": line, "last_import": import_id or None, "updated_at": now,
        "missing_since": missing_since,
        # where the leaving date came from: this file ("import:<id>"), or kept as it was
        "leaving_date_source": leaving_source if leaving_source is not None else (
            f"import:{import_id}" if p.leaving_date else None),
    }


_DETAIL_FIELDS = ("legal_forename", "legal_surname", "preferred_forename", "preferred_surname",
                  "role", "year_group", "reg_group", "date_of_birth", "notes", "family")
_NAME_FIELDS = ("legal_forename", "legal_surname", "preferred_forename", "preferred_surname")
_DETAIL_WORDS = {"legal_forename": "Legal first name", "legal_surname": "Legal surname",
                 "preferred_forename": "Preferred first name",
                 "preferred_surname": "Preferred surname", "role": "Role", "year_group": "Year group",
                 "reg_group": "Class", "date_of_birth": "Date of birth", "notes": "Notes",
                 "family": "Family ID"}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _shown(fld: str, value: Any) -> str:
    """A detail's value as the office reads it (dates DD/MM/YYYY)."""
    text = _text(value)
    if fld in ("date_of_birth", "leaving_date") and text:
        try:
            return _dt.date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return text
    return text


def _name_of(rec: dict[str, Any]) -> str:
    return (f"{rec.get('preferred_forename') or rec.get('legal_forename') or ''} "
            f"{rec.get('preferred_surname') or rec.get('legal_surname') or ''}").strip()


def detail_change(old: dict[str, Any], new: dict[str, Any], *, enrolled: bool = False
                  ) -> DetailChange | None:
    """What changed in a person's details between the register (``old``) and the file
    (``new``), in words, or None. The legal name and the date of birth both changing under one
    id is probably another person (``other_person``): a reused or mis-keyed UPN or staff
    code."""
    changed = [k for k in _DETAIL_FIELDS if _text(old.get(k)) != _text(new.get(k))]
    # a leaving date the file does not have is cleared by the import: said before it happens
    # (it was cleared unsaid, a date an office entered by hand too); a new or later date is
    # said among the leavers
    cleared = bool(old.get("leaving_date")) and not new.get("leaving_date")
    if not changed and not cleared:
        return None
    legal = any(_text(old.get(k)).casefold() != _text(new.get(k)).casefold()
                for k in ("legal_forename", "legal_surname"))
    born = bool(old.get("date_of_birth")) and bool(new.get("date_of_birth")) and \
        "date_of_birth" in changed
    old_name, new_name = _name_of(old), _name_of(new)
    said = [(_DETAIL_WORDS[k], "" if k == "notes" else _shown(k, old.get(k)),   # notes: long
             "" if k == "notes" else _shown(k, new.get(k))) for k in changed]
    if cleared:
        said.append(("Leaving date", _shown("leaving_date", old.get("leaving_date")),
                     LEAVING_DATE_NOT_IN_FILE))
    return DetailChange(str(new["id"]), new_name, old_name if old_name != new_name else "",
                        said, other_person=legal and born, enrolled=enrolled)


def _kept_leaving_date(r: Row, old: dict[str, Any] | None, report: ImportReport,
                       today: _dt.date) -> str | None:
    """A leaving date the register has and the file does not, kept (fail closed: they stay a
    leaver, always covered): one entered in PhotoVet (``leaving_date_source`` "user:..."), or
    any when the file has no leaving date column at all (it says nothing about leaving). Set
    on ``r.person``, said in ``report.leaving_dates_kept``; returns its source (None: nothing
    kept). A date an earlier file gave that this file's column no longer has is the MIS's
    decision: cleared, and said as a change (``detail_change``). A date entered here that has
    passed is kept against a file date still to come too (that would make someone PhotoVet was
    told has left current again: as consent set by hand against a file that allows more)."""
    if old is None or not old.get("leaving_date"):
        return None
    source = str(old.get("leaving_date_source") or "")
    by_hand = set_by_hand(source)
    if not by_hand and r.leaving_date_present:
        return None
    try:
        day = _dt.date.fromisoformat(str(old["leaving_date"])[:10])
    except ValueError:
        return None
    file_day = r.person.leaving_date
    if file_day is not None and not (by_hand and day <= today < file_day):
        return None
    r.person.leaving_date = day
    report.leaving_dates_kept.append(PersonNote(r.id, r.person.display_name,
                                                leaving_date_kept(day, by_hand=by_hand,
                                                                  today=today,
                                                                  file_day=file_day)))
    return source or None


def plan_import(parsed: list[Row], report: ImportReport, cur: Current, channels: list[str],
                labels: dict[str, str], *, today: _dt.date, import_id: str = "",
                removed: dict[str, str] | None = None, add_again: Iterable[str] = (),
                leavers_removed: Iterable[str] = ()) -> Plan:
    """Work out every change of an import (pure: no database). Fills ``report``.

    ``removed``: the rows (by id) with the whole name of someone removed from the register
    (the forgotten list: id -> the day, ISO or ''). One not in the register now is held back
    (not added; ``report.removed_before``: an erasure is not undone by a routine import)
    unless its id is in ``add_again`` (a person asked: ``report.added_again``).
    ``leavers_removed``: of those, the old leavers the retention schedule removed that the file
    says have left: held back the same, said in one line (``report.leavers_removed_before``),
    not one by one (s36: an MIS file still listing old leavers listed each at every import)."""
    now = _now_iso()
    source = f"import:{import_id}" if import_id else "import:dry-run"
    plan = Plan()
    rejected: dict[str, list[Row]] = {}
    seen: set[str] = set()
    roles_in_file: set[str] = set()
    keys = consent_keys(channels)
    removed = removed or {}
    again = set(add_again)
    quiet = set(leavers_removed)
    said: set[str] = set()
    for r in parsed:
        if not r.id:
            continue
        seen.add(r.id)
        roles_in_file.add(r.person.role)
        if r.id in removed and r.id not in cur.people:
            note = PersonNote(r.id, r.person.display_name,
                              removed_before(removed[r.id], pupil=r.person.role == "pupil"))
            if r.id not in said:
                said.add(r.id)
                (report.added_again if r.id in again else
                 report.leavers_removed_before if r.id in quiet else
                 report.removed_before).append(note)
            if r.id not in again:
                continue
        if r.errors:
            rejected.setdefault(r.id, []).append(r)
            continue
        p = r.person
        old = cur.people.get(r.id)
        old_states = cur.states.get(r.id, {})
        if not r.family_present and old is not None:
            # a file without a family column says nothing about siblings: the link stays
            p.family = old.get("family") or ""
        kept_source = _kept_leaving_date(r, old, report, today)
        plan.person_rows.append(_person_record(p, r.line, True, "", import_id, now,
                                               leaving_source=kept_source))
        if old is None:
            report.new_people.append(p)
        else:
            if row_restored(bool(old["valid"]), True):
                note = PersonNote.row_restored(r.id, p.display_name,
                                               missing=bool(old["missing_since"]))
                plan.rows_restored.append((r.id, note.kind))
                report.revalidated.append(note)
            new_leaving = p.leaving_date.isoformat() if p.leaving_date else None
            if new_leaving != old["leaving_date"] and new_leaving:
                report.leavers.append(p)
            was = _dt.date.fromisoformat(str(old["leaving_date"])[:10]) \
                if old["leaving_date"] else None
            if leaving_undone(was, p.leaving_date, today) and was is not None:
                plan.leaving_undone.append((r.id, was, p.leaving_date))
            rec = plan.person_rows[-1]
            change = detail_change(old, rec, enrolled=r.id in cur.enrolled)
            if change is not None:
                if change.other_person:
                    report.identity_changes.append(change)
                    plan.other_person.append(r.id)
                else:
                    report.details_changed.append(change)
                if any(_text(old[k]) != _text(rec[k]) for k in _NAME_FIELDS):
                    # the name it replaces stays known: checked like the current one
                    plan.former_names.append((r.id, *(_text(old[k]) for k in _NAME_FIELDS),
                                              now, import_id or None, int(change.other_person)))
        if old is None and p.leaving_date:
            report.leavers.append(p)
        for key in keys:
            _plan_value(plan, report, r, key, old is not None, old_states.get(key), source, now,
                        import_id, labels)
    for pid, rows in rejected.items():
        first = rows[0]
        kinds = {e.kind for rr in rows for e in rr.errors}
        dup = "duplicate_id" in kinds
        if dup:
            # each row with its name: the other pupil's row is not in the register at all,
            # and the office looks for them by name (walk5: "Martin" found nothing)
            reason = "UPN on several rows: " + "; ".join(
                f"line {rr.line} ({rr.person.display_name})" for rr in rows)
        else:
            # each cell with what its column accepts (s39: "Local press 'Maybe'" did not say)
            reason = f"row rejected (line {first.line}: " + "; ".join(
                f"{e.column} is {e.value.strip()!r}: {e.accepts}" if e.column and e.accepts
                else e.message for e in first.errors) + ")"
        old = cur.people.get(pid)
        # every row of a UPN on several rows is listed with its own name (the other pupil
        # was missing from the list: a GUI audit)
        names = list(dict.fromkeys(rr.person.display_name for rr in rows)) if dup \
            else [first.person.display_name]
        if old is None:
            plan.person_rows.append(_person_record(first.person, first.line, False, reason,
                                                   import_id, now))
            # what is wrong first (s40 walk: "new, row rejected ..." read as a new person)
            # a UPN on several rows: only the first row's person is in the register; the
            # others are not in it at all (s41 walk: "not in the register before, covered
            # until fixed" for each read as if every one of them were in it now)
            kept = first.person.display_name
            report.invalidated.extend(_rejected_notes(
                pid, reason, names, kept, kept, "not in the register before, covered until fixed",
                held_before=False))
        else:
            plan.invalid_updates.append((pid, reason, first.line))
            if old["valid"]:
                # a UPN on several rows: the register holds the person it held (their name,
                # else the first row's is taken for theirs); the others are not in it at all
                # (s41 audit: "was valid" was said of a name the register never held)
                held = _held_name(old)
                report.invalidated.extend(_rejected_notes(
                    pid, reason, names, held if held in names else names[0], held,
                    "was valid, now covered until fixed (earlier consent kept but not used)",
                    held_before=True))
    for pid, old in cur.people.items():
        if pid in seen or old["role"] not in roles_in_file:
            continue
        plan.missing_updates.append(pid)
        name = _held_name(old)
        if old["valid"]:
            report.missing.append(PersonNote(pid, name, "not in this register file: covered "
                                             "until a later import lists them again"))
        elif old["missing_since"] and not old["leaving_date"]:
            report.still_missing.append(PersonNote(
                pid, name, f"not in the MIS file since {_shown('date_of_birth', old['missing_since'])}"
                ", no leaving date: still covered"))
        if not old["leaving_date"] and (old["valid"] or old["missing_since"]):
            report.no_leaving_date.append(pid)
    report.skipped_rows = sorted({r.line for rows in rejected.values() for r in rows} |
                                 {r.line for r in parsed if r.errors})
    report.rejected_rows_people = (len(rejected), sum(
        len(dict.fromkeys(rr.person.display_name for rr in rows)) - 1
        for rows in rejected.values()))
    return plan


def _plan_value(plan: Plan, report: ImportReport, r: Row, key: Key, existing_person: bool,
                old: tuple[str, str, str | None] | None, source: str, now: str, import_id: str,
                labels: dict[str, str]) -> None:
    channel, media = key
    new_state = r.states[key]
    old_state = old[0] if old else None
    old_source = old[1] if old else ""
    manual = set_by_hand(old_source)
    if channel == DO_NOT_PHOTOGRAPH and key not in r.present and old_state == YES:
        # a file with no do-not-photograph column says nothing about who is on the list:
        # leaving a column out never takes a child off it (s61: a re-import without the
        # column cleared the flag, and a never-publish pupil with consent was shown)
        report.dnp_kept.append(PersonNote(r.id, r.person.display_name, DNP_KEPT_NOTE))
        return
    if old is not None and manual:
        if key not in r.present:
            return  # the file says nothing about a value set by hand: it stays
        if new_state == old_state:
            # the MIS now agrees with what was set by hand: the file is the source again
            plan.consent_rows.append((r.id, channel, media, new_state, source, now))
            return
        if permissiveness(key, new_state) > permissiveness(key, old_state or NOT_RECORDED):
            report.conflicts.append(ConsentConflict(
                r.id, channel, media, old_state or NOT_RECORDED, new_state, old_source,
                old[2] or "", r.person.display_name, labels.get(channel, "")))
            return
    if old_state == new_state:
        return
    plan.consent_rows.append((r.id, channel, media, new_state, source, now))
    plan.history_rows.append((r.id, channel, media, old_state, new_state, now, source,
                              import_id or None))
    if existing_person:
        ch = ConsentChange(r.id, channel, old_state, new_state, now, source,
                           r.person.display_name, media, labels.get(channel, ""),
                           hand_source=old_source if manual else "",
                           hand_set_at=(old[2] or "") if old is not None and manual else "")
        (report.withdrawals if ch.is_withdrawal else report.consent_changes).append(ch)


def apply_plan(db: Any, plan: Plan, report: ImportReport, *, import_id: str, sha: str,
               user: str | None, audit: Any, today: _dt.date, register: Any = None) -> None:
    """Write a plan (call inside a transaction). ``user``: the signed-in account's name
    (recorded with the import); ``register``: the register it is written to (the names and
    caption threshold the approvals a withdrawal ends are found with; else read from ``db``)."""
    now = _now_iso()
    if plan.person_rows:
        cols = list(plan.person_rows[0].keys())
        updates = [c for c in cols if c not in ("id", "missing_since")]
        db.executemany(
            f"INSERT INTO people ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT (id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in updates) + ", missing_since = NULL",
            [tuple(r[c] for c in cols) for r in plan.person_rows])
    if plan.former_names:
        db.executemany(
            "INSERT INTO former_names (person_id, legal_forename, legal_surname, "
            "preferred_forename, preferred_surname, replaced_at, import_id, other_person) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", plan.former_names)
    if plan.other_person:
        # probably another person under this id: the face signatures are not theirs. Deleted
        # (fail closed: their face is covered until they are enrolled again), and said.
        removed = []
        for pid in plan.other_person:
            if db.execute("DELETE FROM encodings WHERE person_id = ?", [pid]).rowcount:
                removed.append(pid)
        report.signatures_removed = removed
        if removed:
            audit.record("register.purge-encodings", {
                "why": "name and date of birth changed under one id (probably another person)",
                "people": removed, "import_id": import_id})
            scrub = getattr(db, "scrub", None)
            if scrub is not None:
                db.on_commit(scrub)
    if plan.invalid_updates:
        db.executemany(
            "UPDATE people SET valid = 0, invalid_reason = ?, source_line = ?, last_import = ?, "
            "updated_at = ?, missing_since = NULL WHERE id = ?",
            [(reason, line, import_id, now, pid) for pid, reason, line in plan.invalid_updates])
    if plan.missing_updates:
        day = today.isoformat()
        db.executemany(
            "UPDATE people SET valid = 0, invalid_reason = ?, updated_at = ?, "
            "missing_since = COALESCE(missing_since, ?) WHERE id = ?",
            [(f"not in the register file imported on {today.strftime('%d/%m/%Y')} ({import_id})",
              now, day, pid) for pid in plan.missing_updates])
    if plan.consent_rows:
        db.executemany(
            "INSERT INTO consents (person_id, channel, media, value, source, set_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, channel, media) DO UPDATE SET "
            "value = excluded.value, source = excluded.source, set_at = excluded.set_at",
            plan.consent_rows)
    if plan.history_rows:
        db.executemany(
            "INSERT INTO consent_history (person_id, channel, media, old, new, time, source, "
            "import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", plan.history_rows)
    summary = {
        "rows": report.rows, "new": len(report.new_people),
        "consent_changes": len(report.consent_changes), "withdrawals": len(report.withdrawals),
        "conflicts": len(report.conflicts), "leavers": len(report.leavers),
        "invalidated": len(report.invalidated), "missing": len(report.missing),
        "errors": len(report.errors), "warnings": len(report.warnings),
        "skipped_rows": report.skipped_rows,
        "details_changed": len(report.details_changed),
        "renamed": sorted({row[0] for row in plan.former_names}),
        "other_person": list(plan.other_person),
        "leaving_dates_kept": [n.person_id for n in report.leaving_dates_kept],
        # rows with the name of someone removed from PhotoVet: held back, or added again as a
        # person chose (ids only)
        "removed_before_held": [n.person_id for n in report.removed_before],
        "removed_before_added_again": [n.person_id for n in report.added_again],
        # of those held, old leavers the retention schedule removed (one line, s36)
        "removed_before_leavers_held": [n.person_id for n in report.leavers_removed_before],
    }
    # (to the microsecond: two imports in one second stay in the order they were made, which
    # says whether a file imported again is an older one: _seen_before)
    db.execute("INSERT INTO imports (id, time, file, sha256, actor, rows, summary) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)",
               [import_id, _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds"),
                Path(report.file).name, sha, user or "", report.rows,
                json.dumps(summary)])
    audit.record("register.import", {
        "import_id": import_id, "file": Path(report.file).name, "sha256": sha, **summary,
        "withdrawn": [f"{c.person_id}:{c.channel}:{c.media}" for c in report.withdrawals],
        "kept_from_photovet": [f"{c.person_id}:{c.channel}:{c.media}" for c in report.conflicts],
        "rejected": list(dict.fromkeys(n.person_id for n in report.invalidated)),
    })
    if report.withdrawals:
        # the approvals that showed them end with the import: a Yes later does not bring
        # them back (s36)
        from photovet.core.approval import end_by_withdrawal  # noqa: PLC0415

        report.approvals_ended = len(end_by_withdrawal(db, audit, report.withdrawals,
                                                       register=register))
    if plan.leaving_undone:
        # a leaving date the file cleared after it took effect: the approvals that showed
        # them end, and do not count again with nothing said (s38)
        from photovet.core.approval import end_by_leaving_undone  # noqa: PLC0415

        report.approvals_ended_leaving = sum(
            end_by_leaving_undone(db, audit, pid, was, new, on=today, register=register)
            for pid, was, new in plan.leaving_undone)
        report.approvals_ended += report.approvals_ended_leaving
    if plan.rows_restored:
        # a register row rejected or missing from an earlier file, valid again: the approvals
        # that showed them end, and do not count again with nothing said (s39)
        from photovet.core.approval import end_by_rows_restored  # noqa: PLC0415

        report.approvals_ended_restored = end_by_rows_restored(db, audit, plan.rows_restored,
                                                               register=register)
        report.approvals_ended += report.approvals_ended_restored


# --------------------------------------------------------------------------------------------
# The whole import
# --------------------------------------------------------------------------------------------

def _seen_before(db: Any, sha: str) -> tuple[str, str, int, str] | None:
    """When this file (by its content) was imported before and other files have been imported
    since: (when, its name then, how many since, when the last), else None. The same file as
    the last import is no news."""
    imports = db.all("SELECT time, sha256, file FROM imports ORDER BY time, id")
    if not imports or imports[-1][1] == sha:
        return None
    then = [k for k, row in enumerate(imports) if row[1] == sha]
    if not then:
        return None
    when, _sha, name = imports[then[-1]]
    since = imports[then[-1] + 1:]
    return when, name, len(since), since[-1][0]


def _gives_back(report: ImportReport, plan: Plan) -> list[str]:
    """What the import would give back, each said (none: []): consent made more permissive (a
    withdrawal undone, someone off the do-not-photograph list), people back in the register,
    leaving dates cleared."""
    more = {c.person_id for c in report.consent_changes
            if permissiveness((c.channel, c.media), c.new_state or NOT_RECORDED)
            > permissiveness((c.channel, c.media), c.old_state or NOT_RECORDED)}
    out = []
    if more:
        out.append(f"consent withdrawn since would come back for "
                   f"{count(len(more), 'person', 'people')}")
    if report.revalidated:
        n = len(report.revalidated)
        out.append(f"{count(n, 'person', 'people')} they no longer list "
                   f"{'is' if n == 1 else 'are'} listed again")
    if plan.leaving_undone:
        out.append(f"{count(len(plan.leaving_undone), 'leaving date')} would be cleared")
    return out


def _older_file_check(db: Any, sha: str, report: ImportReport, plan: Plan, path: Path, *,
                      dry_run: bool, seen_before_ok: bool) -> None:
    """An older file imported again (s61: September's file, from the Downloads folder, after
    October's had withdrawn a consent, gave the consent back): a file says what the MIS said
    when it was exported. When a file imported before, with others imported since, would give
    something back, the report says so (``seen_before``, the preview's first line), and the
    import itself is refused unless a person said it is today's export (``seen_before_ok``):
    an MIS export can be the same as an old one when what changed was changed back."""
    seen = _seen_before(db, sha)
    if seen is None:
        return
    back = _gives_back(report, plan)
    if not back:
        return
    when, name, since, last = seen
    said = "; ".join(back)
    report.seen_before = (
        f"This is the same file as the one imported at {_local(when)} ({name}), and "
        f"{count(since, 'other register file')} {'has' if since == 1 else 'have'} been "
        f"imported since (the last at {_local(last)}). Importing it would undo what they "
        f"changed: {said}. {SEEN_BEFORE_ASK}")
    if not dry_run and not seen_before_ok:
        raise RegisterFileSeenBefore(
            report.seen_before + " Nothing was imported", path=path,
            hint="Export the register from your MIS again and import that file.")


def _local(iso: str) -> str:
    """A stored time as the office reads it: '14:02 on 29/11/2026' (this PC's time zone)."""
    try:
        return _dt.datetime.fromisoformat(iso).astimezone().strftime("%H:%M on %d/%m/%Y")
    except ValueError:
        return iso


def import_csv(register: Any, csv_path: str | Path, *, mapping: Any = None, dry_run: bool = False,
               skip_invalid: bool = False, today: _dt.date | None = None,
               large_ok: bool = False, left_on: _dt.date | None = None,
               left_ids: Iterable[str] | None = None,
               add_again: Iterable[str] = (), seen_before_ok: bool = False) -> ImportReport:
    """Import an MIS export into ``register`` (see the module notes); returns a report.
    Needs a signed-in admin (a dry run too: it shows the register's consents). A file that is
    not a register export raises NotARegisterError; one with more than LARGE_REGISTER_ROWS
    rows raises RegisterTooLargeError unless ``large_ok`` (a person said it is the right
    file), a dry run too.

    ``left_on``: the people in the register this file does not list and who have no leaving
    date (``report.no_leaving_date``; of those, only ``left_ids`` when given: the ones a
    person was shown) left on that day: recorded with the import, in its transaction
    (``Register.set_leaving_dates``, audited each), listed in ``report.left``. From that day
    they are leavers: always covered, their face signatures due on the retention schedule.

    ``add_again``: ids of rows with the name of someone removed from PhotoVet that a person
    asked to add again (``report.removed_before``: held back otherwise; audited).

    ``seen_before_ok``: a person said the file is today's export though its content is that of
    a file imported before others (``report.seen_before``, ``RegisterFileSeenBefore``)."""
    user = register.access.require("register.import").name
    if left_on is not None:
        register.access.require("register.edit")
    path = Path(csv_path)
    today = today or _dt.date.today()
    headers, raw_rows, encoding, sha, titles, header_line = read_titled_table(path)
    labels = register.channel_labels()
    channels = list(labels)
    if mapping is None:    # columns chosen by hand are the person's word that it is one
        _refuse_if_not_a_register(detect_mapping(headers, labels), path, raw_rows)
    m = resolve_mapping(headers, mapping, path, labels, header_line)
    if not raw_rows:
        # s65: "0 rows ... the register already matches this file", exit 0: an MIS report run
        # with a filter that matched nobody, or a file saved before its rows were pasted in
        raise RegisterImportError(
            "the register file has its column headings but no rows: nobody is in it. Nothing "
            "was imported", path=path,
            hint="Export the register from your MIS again, with everyone on roll, and import "
                 "that file.")
    if len(raw_rows) > LARGE_REGISTER_ROWS and not large_ok:
        raise RegisterTooLargeError(_large_question(len(raw_rows)), len(raw_rows),
                                    path=path)
    layout = Layout(headers, m)
    parsed = [parse_row(line, cells, layout, channels) for line, cells in raw_rows]
    report = ImportReport(file=str(path), encoding=encoding, rows=len(parsed), dry_run=dry_run,
                          mapping=dict(m.fields))
    if encoding.startswith(MIXED_ENCODING):
        # each line read in its own kind (csv_io._mixed_utf8): said, with the lines to check
        report.warnings.append(RowProblem(
            None, "", "", f"the file mixes two kinds of text: UTF-8, and Windows-1252 on "
            f"{encoding[len(MIXED_ENCODING):].strip()} (added or changed in another program?). "
            "Each line was read in its own kind: check the names on those lines, and save the "
            "file from Excel as 'CSV UTF-8 (Comma delimited)' next time",
            "", "mixed_encoding"))
    for line, title in titles:   # said, so the office sees which row was taken for what
        report.warnings.append(RowProblem(
            line, "", title, f"'{title}' is above the column headings: read as the report's "
            "title and left out", "", "title_row"))
    for note in m.notes:
        report.warnings.append(RowProblem(header_line, "", "", note, "", "unknown_column"))
    for ch in channels:
        if m.fields.get(VIDEO_PREFIX + ch) and not m.fields.get(CONSENT_PREFIX + ch):
            report.warnings.append(RowProblem(
                header_line, "", "", f"no column for {labels[ch]} photo consent: everyone "
                f"counts as No for "
                f"{labels[ch]} (except values set by hand in PhotoVet)", "", "missing_column"))
    report.consent_not_in_file = consent_not_in_file(m, labels)
    by_id: dict[str, list[Row]] = {}
    for r in parsed:
        if r.id:
            by_id.setdefault(r.id, []).append(r)
    id_col = m.fields.get("id") or "id"
    for pid, rows in by_id.items():
        if len(rows) > 1:
            lines = [r.line for r in rows]
            names = "; ".join(r.person.display_name for r in rows)
            text = (f"UPN {pid} is on {len(rows)} rows (lines "
                    f"{', '.join(map(str, lines[:-1]))} and {lines[-1]}: {names}); every row "
                    "with this UPN is rejected")
            for r in rows:
                r.errors.insert(0, RowProblem(r.line, id_col, pid, text, pid, "duplicate_id"))
    for r in parsed:
        report.errors.extend(r.errors)
        report.warnings.extend(r.warnings)
        report.accepted_variants.extend(r.variants)
        if r.blanks and not r.errors:
            report.blank_consents.append(PersonNote(
                r.id, r.person.display_name, "no consent recorded for " +
                ", ".join(field_label(*_field_key(b), labels) for b in r.blanks) + ": counted as No"))
    report.skipped_rows = [r.line for r in parsed if r.errors]
    report.skip_invalid = skip_invalid
    if not dry_run and report.errors and not skip_invalid:
        return report  # refused: nothing changes, every error is in the report
    db = register.db
    removed, quiet = _keep_forgotten_out(db, register.keys, parsed, report, today)
    again = [re.sub(r"\s+", "", a).upper() for a in add_again]     # as rows read their ids
    if dry_run:
        plan = plan_import(parsed, report, current_state(db), channels, labels, today=today,
                           removed=removed, add_again=again, leavers_removed=quiet)
        _older_file_check(db, sha, report, plan, path, dry_run=True, seen_before_ok=False)
        _left(report, left_on, left_ids)
        return report
    import_id = "import-" + _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ") + \
        "-" + secrets.token_hex(3)
    report.import_id = import_id
    with db.atomic():
        plan = plan_import(parsed, report, current_state(db), channels, labels, today=today,
                           import_id=import_id, removed=removed, add_again=again,
                           leavers_removed=quiet)
        _older_file_check(db, sha, report, plan, path, dry_run=False,
                          seen_before_ok=seen_before_ok)
        apply_plan(db, plan, report, import_id=import_id, sha=sha, user=user,
                   audit=register.audit, today=today, register=register)
        if _left(report, left_on, left_ids):
            register.set_leaving_dates(report.left, left_on)
        report.applied = True
        report.purged = register.purge_leavers(today=today, _reason=import_id)
        report.purged += register.purge_missing(today=today, _reason=import_id)
    return report


def _keep_forgotten_out(db: Any, keys: Any, parsed: list[Row], report: ImportReport,
                        today: _dt.date) -> tuple[dict[str, str], set[str]]:
    """The file's notes and family ids as the register keeps them: without the names of the
    pupils removed from the register (``register.forgotten``, s35): an MIS file still saying
    "agreed with Sam Hale's mum" on his sister's row does not bring his name back. Returns
    the rows (id -> the day, ISO or '') with the whole name of someone removed (the import
    holds those not in the register back: ``plan_import``), and of them the rows of old
    leavers the retention schedule removed, which the file says have left (no news: one line
    of the preview, s36); the names kept under a replaced register key are counted in
    ``report.forgotten_unreadable``."""
    if not db.one("SELECT 1 FROM forgotten_names LIMIT 1"):
        return {}, set()
    from photovet.core.register.forgotten import Forgotten  # noqa: PLC0415

    forgotten = Forgotten.of(db, keys)
    report.forgotten_unreadable = forgotten.unreadable_names
    removed: dict[str, str] = {}
    quiet: set[str] = set()
    for r in parsed:
        if r.id:
            day = forgotten.removed_on(r.person)
            if day is not None:
                removed[r.id] = day
                if r.person.has_left(today) and forgotten.removed_by_retention(r.person):
                    quiet.add(r.id)
        r.person.notes = forgotten.note(r.person.notes, r.person)
        r.person.family = forgotten.family(r.person.family)
    return removed, quiet


def _left(report: ImportReport, left_on: _dt.date | None, left_ids: Iterable[str] | None
          ) -> list[str]:
    """Who gets ``left_on`` as their leaving date: the people this file does not list who
    have none (only those of ``left_ids`` when given); said in ``report.left``."""
    if left_on is None:
        return []
    wanted = None if left_ids is None else set(left_ids)
    report.left_on = left_on
    report.left = [pid for pid in report.no_leaving_date if wanted is None or pid in wanted]
    left = set(report.left)
    said = (f"not in this register file: leaving date {left_on:%d/%m/%Y} "
            f"{'would be ' if report.dry_run else ''}recorded (always covered)")
    for note in report.missing + report.still_missing:
        if note.person_id in left:
            note.message = said
    return report.left


def _field_key(fld: str) -> tuple[str, str]:
    cm = parse_consent_field(fld)
    return cm if cm is not None else (fld, "any")


__all__ = ["LARGE_REGISTER_ROWS", "FileCheck", "Plan", "check_file", "consent_not_in_file",
           "current_state",
           "detail_change",
           "import_csv", "permissiveness", "plan_import", "resolve_mapping", "set_by_hand"]
