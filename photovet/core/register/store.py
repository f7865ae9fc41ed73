"""The consent register: who may appear where.

The school's local record of its pupils and staff, their consent per channel, a do-not-photograph
flag, and the face encodings used to recognise them. It lives in ``register.db`` in the data
folder (see ``db.py``: owner-only file, WAL, named migrations, one transaction per change).

Importing from the MIS (``Register.import_csv``)
- Column headers of the common MIS exports are recognised automatically (UPN / Pupil UPN /
  Admission No / Staff Code, Legal Surname / Surname / Last Name, "Consent: School Website",
  "Photo consent - social media (Facebook)", "Twitter", "Local Press", ...). A saved mapping
  (field -> header, a small JSON file) overrides the detection.
- Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252 (Excel). Dates: DD/MM/YYYY,
  D/M/YY(YY), YYYY-MM-DD, DD-MM-YYYY, DD.MM.YYYY (a time part such as " 00:00" is ignored).
- Consent cells are read after trimming and ignoring case: yes/y/true/1 = Yes, no/n/false/0 =
  No; blank, n/a, na, -, "not recorded", "unknown" = not recorded, which counts as No (the
  words are reported as warnings, blanks are counted); anything else is an error for the row.
- A UPN on several rows is an error on every one of those rows.
- **Errors: by default nothing is changed.** ``import_csv`` then RETURNS a report with
  ``applied=False`` and every problem in ``report.errors`` (it does not raise, so the GUI can show
  the rows). Problems with the file as a whole (unreadable, not text, no header, a required
  column missing, two columns for one field) RAISE ``RegisterImportError`` with ``problems``.
  With ``skip_invalid=True`` the valid rows are imported and every rejected row's person is kept
  (or added) with ``valid=False``: policy blurs them until the register is fixed. A person who
  was valid before and whose new row is rejected is therefore blurred too (fail closed), and
  listed in ``report.invalidated``.
- People already in the register who are NOT in the file are marked not valid (blurred) and
  listed in ``report.missing``: an MIS export usually lists only people on roll, so someone who
  vanished from it has probably left. Only people of a role present in the file are affected, so
  importing a staff-only file leaves the pupils alone.
- Every consent value written is kept in ``consent_history`` with the import id (or the user
  for a manual edit). All writes of an import happen in one transaction, with its audit row.

Enrolment stores face encodings (128 floats), never photos. Leavers' encodings are purged
``retention.purge_encodings_days_after_leaving`` days after their leaving date (default 0: at
the first import on or after it), and the purge is audited.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from photovet.core.audit import AuditLog
from photovet.core.storage import Database, atomic, open_db
from photovet.core.fsutil import atomic_write_text
from photovet.core.errors import (
    EnrolmentError,
    PhotoVetError,
    RegisterError,
    RegisterImportError,
    UnknownPersonError,
)
from photovet.core.models import CHANNEL_LABELS, CHANNELS, Person, channel_label

# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------

NAME_WITH_PHOTO = "name_with_photo"
DO_NOT_PHOTOGRAPH = "do_not_photograph"
SPECIAL_FIELDS = (NAME_WITH_PHOTO, DO_NOT_PHOTOGRAPH)
YES, NO, NOT_RECORDED = "yes", "no", "not recorded"
ENCODING_DIMS = 128


# --------------------------------------------------------------------------------------------
# Report types
# --------------------------------------------------------------------------------------------

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


def _state_text(state: str | None) -> str:
    return {YES: "Yes", NO: "No", NOT_RECORDED: "not recorded", None: "none"}.get(state, str(state))


def field_label(fld: str) -> str:
    if fld == NAME_WITH_PHOTO:
        return "Name with photo"
    if fld == DO_NOT_PHOTOGRAPH:
        return "Do not photograph"
    return channel_label(fld)


@dataclass
class ConsentChange:
    """One change of one consent value (or of name-with-photo / do-not-photograph)."""

    person_id: str
    channel: str            # a channel name, "name_with_photo" or "do_not_photograph"
    old_state: str | None   # "yes" | "no" | "not recorded" | None (no earlier value)
    new_state: str | None
    when: str = ""          # UTC ISO time
    source: str = ""        # "import:<id>" or "user:<name>"
    name: str = ""          # the person's display name (reports only)

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
        return (f"{who}: {field_label(self.channel)} {_state_text(self.old_state)} -> "
                f"{_state_text(self.new_state)}")

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "channel": self.channel,
                "old": self.old_state, "new": self.new_state, "when": self.when,
                "source": self.source, "withdrawal": self.is_withdrawal}


@dataclass
class PersonNote:
    person_id: str
    name: str
    message: str

    def __str__(self) -> str:
        who = f"{self.name} ({self.person_id})" if self.name else self.person_id
        return f"{who}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "message": self.message}


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
    leavers: list[Person] = field(default_factory=list)
    invalidated: list[PersonNote] = field(default_factory=list)  # rows rejected: now blurred
    revalidated: list[PersonNote] = field(default_factory=list)  # were rejected, now valid
    missing: list[PersonNote] = field(default_factory=list)      # not in this file: now blurred
    details_changed: list[str] = field(default_factory=list)     # names, year, class... changed
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    accepted_variants: list[RowProblem] = field(default_factory=list)
    blank_consents: list[PersonNote] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    takedown: list[Any] = field(default_factory=list)  # records.TakedownItem, open after this import

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_lines(self, max_items: int | None = 50) -> list[str]:
        """Human-readable summary: status, errors, WITHDRAWALS FIRST, then the rest."""
        out: list[str] = []
        name = Path(self.file).name
        n_err = len(self.errors)
        if self.dry_run:
            state = "Dry run (nothing was changed)"
        elif self.applied:
            state = "Imported"
        else:
            state = "NOT IMPORTED: nothing was changed"
        out.append(f"{state}: {name}, {self.rows} rows, {n_err} error{'s' * (n_err != 1)}, "
                   f"{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}")
        if n_err and not self.applied and not self.dry_run:
            out.append("Fix the rows below and import again, or use --skip-invalid to import the "
                       "other rows (the rejected people are blurred until fixed).")
        if self.errors:
            out.append(f"Errors ({n_err}):")
            out.extend(f"  {p}" for p in self.errors)
        if self.dry_run and self.errors and not self.skip_invalid:
            out.append("With these errors a real import would change nothing; with "
                       "--skip-invalid it would make the changes below.")
        if self.skipped_rows and (self.applied or self.dry_run):
            lines = ", ".join(str(x) for x in self.skipped_rows)
            verb = "would not be" if self.dry_run else "were not"
            out.append(f"Rejected rows (lines {lines}) {verb} imported: those people are "
                       "blurred until the register is fixed.")

        def section(title: str, items: list, always_all: bool = False) -> None:
            if not items:
                return
            out.append(f"{title} ({len(items)}):")
            shown = items if (always_all or max_items is None) else items[:max_items]
            out.extend(f"  {_describe(x)}" for x in shown)
            if len(shown) < len(items):
                out.append(f"  ... and {len(items) - len(shown)} more")

        section("WITHDRAWALS (consent removed: check photos already posted)", self.withdrawals,
                always_all=True)
        section("Rows rejected: these people are now blurred", self.invalidated, always_all=True)
        section("Not in this file: these people are now blurred", self.missing, always_all=True)
        section("New people", self.new_people)
        section("Consent changes", self.consent_changes)
        section("Leavers", self.leavers)
        section("Register rows fixed", self.revalidated)
        if self.details_changed:
            out.append(f"Details updated (names, year, class...): {len(self.details_changed)} people")
        if self.purged:
            out.append(f"Face data purged for {len(self.purged)} leaver(s): {', '.join(self.purged)}")
        if self.takedown:
            new = sum(1 for t in self.takedown if getattr(t, "new", False))
            out.append(f"TAKE-DOWN LIST: {len(self.takedown)} published or exported photo(s) show "
                       f"someone without consent now ({new} new); see 'photovet takedown'.")
        section("Warnings (counted as No)", self.warnings)
        if self.blank_consents:
            out.append(f"{len(self.blank_consents)} people have blank consent cells (not "
                       "recorded): counted as No")
        if self.accepted_variants:
            out.append(f"{len(self.accepted_variants)} values spelt differently were accepted "
                       "(e.g. 'Y', ' yes ')")
        if not (self.errors or self.withdrawals or self.new_people or self.consent_changes
                or self.leavers or self.invalidated or self.missing or self.details_changed):
            out.append("Nothing changed: the register already matches this file.")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "import_id": self.import_id, "encoding": self.encoding,
            "rows": self.rows, "dry_run": self.dry_run, "applied": self.applied,
            "new_people": [p.id for p in self.new_people],
            "withdrawals": [c.to_dict() for c in self.withdrawals],
            "consent_changes": [c.to_dict() for c in self.consent_changes],
            "leavers": [p.id for p in self.leavers],
            "invalidated": [n.to_dict() for n in self.invalidated],
            "revalidated": [n.to_dict() for n in self.revalidated],
            "missing": [n.to_dict() for n in self.missing],
            "details_changed": list(self.details_changed),
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
            "accepted_variants": [p.to_dict() for p in self.accepted_variants],
            "skipped_rows": list(self.skipped_rows),
            "purged": list(self.purged),
            "mapping": dict(self.mapping),
            "takedown": [t.id for t in self.takedown],
        }


def _describe(x: Any) -> str:
    if isinstance(x, Person):
        extra = "Staff" if x.role == "staff" else (x.year_group or "")
        if x.reg_group:
            extra = f"{extra}, {x.reg_group}" if extra else x.reg_group
        if x.leaving_date:
            extra = f"{extra}, leaving date {x.leaving_date.isoformat()}" if extra else \
                f"leaving date {x.leaving_date.isoformat()}"
        return f"{x.display_name} ({x.id})" + (f": {extra}" if extra else "")
    return str(x)


@dataclass
class EnrolProblem:
    person_id: str
    path: str
    message: str

    def __str__(self) -> str:
        name = Path(self.path).name if self.path else ""
        return f"{name}: {self.message}" if name else self.message


@dataclass
class EnrolReport:
    enrolled: dict[str, int] = field(default_factory=dict)  # person id -> photos used
    errors: list[EnrolProblem] = field(default_factory=list)
    photos: int = 0             # photos looked at
    ignored: list[str] = field(default_factory=list)  # files that are not photos
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_lines(self) -> list[str]:
        n = len(self.enrolled)
        out = [f"Enrolled {n} {'person' if n == 1 else 'people'} from "
               f"{sum(self.enrolled.values())} of {self.photos} photos"
               f" ({len(self.errors)} problem{'s' * (len(self.errors) != 1)})"]
        out.extend(f"  error: {e}" for e in self.errors)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"enrolled": dict(self.enrolled), "photos": self.photos,
                "errors": [{"person_id": e.person_id, "path": e.path, "message": e.message}
                           for e in self.errors],
                "ignored": list(self.ignored), "seconds": round(self.seconds, 3)}


# --------------------------------------------------------------------------------------------
# Column detection
# --------------------------------------------------------------------------------------------

FIELDS: tuple[str, ...] = (
    "id", "legal_surname", "legal_forename", "preferred_forename", "preferred_surname", "role",
    "year_group", "reg_group", "date_of_birth", "leaving_date", NAME_WITH_PHOTO,
    DO_NOT_PHOTOGRAPH, "notes",
)
REQUIRED_FIELDS: tuple[str, ...] = ("id", "legal_surname", "legal_forename")
CONSENT_PREFIX = "consent:"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("\ufeff", "").lower()
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_ID_ALIASES = {
    "upn": ["upn", "pupil upn", "unique pupil number", "student upn", "learner upn", "upn number"],
    "staff": ["staff code", "staff id", "staff number", "staff no", "employee code",
              "employee number", "employee no", "staff ref", "staff reference", "teacher code"],
    "other": ["admission no", "admission number", "adm no", "adno", "admissions number",
              "admission num", "pupil id", "student id", "person id", "mis id", "id",
              "reference", "ref", "pupil number", "student number", "learner id"],
}
_ALIASES: dict[str, list[str]] = {
    "legal_surname": ["legal surname", "surname", "last name", "lastname", "family name",
                      "legal last name", "legal family name", "pupil surname", "student surname",
                      "legal surname name"],
    "legal_forename": ["legal forename", "forename", "first name", "firstname", "given name",
                       "legal first name", "forenames", "pupil forename", "student forename",
                       "legal given name", "first names", "legal forenames", "given names"],
    "preferred_forename": ["preferred forename", "known as", "preferred first name",
                           "preferred name", "chosen name", "preferred given name", "nickname",
                           "preferred forenames", "known as forename"],
    "preferred_surname": ["preferred surname", "preferred last name", "preferred family name",
                          "known as surname"],
    "year_group": ["year group", "year", "nc year", "national curriculum year", "yr",
                   "year grp", "yeargroup", "curriculum year", "nc yr", "yr group", "year group name"],
    "reg_group": ["reg group", "reg", "registration group", "form", "form group", "class",
                  "tutor group", "reg grp", "reggroup", "registration", "form class",
                  "class name", "registration class", "tutor"],
    "date_of_birth": ["dob", "date of birth", "birth date", "birthdate", "d o b"],
    "leaving_date": ["leaving date", "date of leaving", "leave date", "left date", "date left",
                     "end date", "leaving", "date of leaving school", "leaver date"],
    "notes": ["notes", "note", "comments", "comment", "remarks", "photo notes", "consent notes"],
    "role": ["role", "person type", "type", "pupil or staff", "staff or pupil", "category",
             "pupil staff", "staff pupil"],
}
_DNP_PHRASES = ["do not photograph", "dont photograph", "don t photograph", "photo restricted",
                "photograph restricted", "photography restricted", "photos restricted",
                "no photographs", "no photos", "no photo", "not to be photographed",
                "photo restriction", "photograph restriction", "do not photo", "dnp"]
_STOP = {"consent", "consents", "photo", "photos", "photograph", "photographs", "photography",
         "image", "images", "permission", "permissions", "use", "on", "the", "for", "in",
         "school", "social", "media", "local", "to", "of", "via", "account", "may", "be",
         "used", "publish", "published", "and", "with", "given", "parental", "video", "videos"}
_CHANNEL_WORDS: dict[str, set[str]] = {
    "website": {"website", "web", "site", "websites", "webpage", "internet"},
    "facebook": {"facebook", "fb"},
    "x": {"x", "twitter"},
    "instagram": {"instagram", "insta", "ig"},
    "newsletter": {"newsletter", "newsletters"},
    "press": {"press", "newspaper", "newspapers", "paper"},
}


def _id_kind_of(header: str) -> str:
    n = _norm(header)
    for kind, names in _ID_ALIASES.items():
        if n in names:
            return kind
    return "other"


@dataclass
class ColumnMapping:
    """Which CSV column holds which register field (``fields``: field -> header or None)."""

    headers: list[str] = field(default_factory=list)
    fields: dict[str, str | None] = field(default_factory=dict)
    unmapped_required: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)   # headers not used
    problems: list[str] = field(default_factory=list)  # e.g. two columns for one channel
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # field -> candidate headers
    notes: list[str] = field(default_factory=list)     # e.g. "Social media": which channel?

    def column_for(self, fld: str) -> str | None:
        return self.fields.get(fld)

    @property
    def id_kind(self) -> str:
        col = self.fields.get("id")
        return _id_kind_of(col) if col else "other"

    def to_dict(self) -> dict[str, str | None]:
        return dict(self.fields)


def _channel_words(channels: dict[str, str]) -> dict[str, set[str]]:
    words: dict[str, set[str]] = {}
    for name, label in channels.items():
        w = set(_CHANNEL_WORDS.get(name, set()))
        if name not in _CHANNEL_WORDS:
            w |= {t for t in _norm(name.replace("_", " ")).split() if t not in _STOP}
            w |= {t for t in _norm(label).split() if t not in _STOP}
        if w:
            words[name] = w
    return words


def detect_mapping(headers: list[str], channels: dict[str, str] | None = None) -> ColumnMapping:
    """Guess the field of every header. ``channels``: name -> label (builtins + school-added)."""
    channels = dict(channels or {c: CHANNEL_LABELS.get(c, c) for c in CHANNELS})
    words = _channel_words(channels)
    m = ColumnMapping(headers=list(headers))
    fields: dict[str, str | None] = {f: None for f in FIELDS}
    for ch in channels:
        fields[CONSENT_PREFIX + ch] = None
    claimed: dict[str, list[str]] = {}
    id_candidates: list[tuple[int, str]] = []
    order = {"upn": 0, "staff": 1, "other": 2}
    for h in headers:
        n = _norm(h)
        if not n:
            continue
        hit = None
        for kind, names in _ID_ALIASES.items():
            if n in names:
                id_candidates.append((order[kind], h))
                hit = "id"
                break
        if hit:
            continue
        for fld, names in _ALIASES.items():
            if n in names:
                hit = fld
                break
        tokens = n.split()
        if hit is None and (any(p == n or f" {p} " in f" {n} " for p in _DNP_PHRASES)):
            hit = DO_NOT_PHOTOGRAPH
        if hit is None and ("name" in tokens or "names" in tokens):
            hit = NAME_WITH_PHOTO
        if hit is None:
            found = {ch for ch, ws in words.items() if ws & set(t for t in tokens if t not in _STOP)}
            # "web site" / "school web site" written as two words
            if len(found) == 1:
                hit = CONSENT_PREFIX + found.pop()
            elif len(found) > 1:
                m.notes.append(f"column '{h}' names several channels "
                               f"({', '.join(sorted(channel_label(c) for c in found))}); "
                               "map it by hand if it should be used")
            elif {"consent", "permission"} & set(tokens) or "photo" in tokens:
                m.notes.append(f"column '{h}' looks like a consent column for a channel "
                               "PhotoVet does not know; add the channel first "
                               "(photovet register channels --add) or map it")
        if hit is None:
            m.ignored.append(h)
            continue
        claimed.setdefault(hit, []).append(h)
    if id_candidates:
        id_candidates.sort(key=lambda t: t[0])
        claimed["id"] = [id_candidates[0][1]]
        m.ignored.extend(h for _, h in id_candidates[1:])
    for fld, hs in claimed.items():
        if len(hs) > 1:
            m.ambiguous[fld] = list(hs)
            m.problems.append(f"{len(hs)} columns could be {_field_title(fld)}: "
                              f"{', '.join(repr(h) for h in hs)}; choose one with a column mapping")
            continue
        fields[fld] = hs[0]
    m.fields = fields
    m.unmapped_required = [f for f in REQUIRED_FIELDS if not fields.get(f)]
    return m


def _field_title(fld: str) -> str:
    if fld.startswith(CONSENT_PREFIX):
        return f"consent for {channel_label(fld[len(CONSENT_PREFIX):])}"
    return {"id": "the UPN / id", "legal_surname": "the surname", "legal_forename": "the forename",
            NAME_WITH_PHOTO: "consent for the name with photo",
            DO_NOT_PHOTOGRAPH: "do not photograph"}.get(fld, fld.replace("_", " "))


def _normalise_field_name(fld: str) -> str:
    for prefix in ("consent.", "consent_", "consent:"):
        if fld.startswith(prefix) and fld not in FIELDS:
            return CONSENT_PREFIX + fld[len(prefix):]
    return {"surname": "legal_surname", "forename": "legal_forename", "upn": "id",
            "year": "year_group"}.get(fld, fld)


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a saved column mapping (JSON: {"columns": {field: header}})."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise RegisterImportError("the column mapping file was not found", path=path) from exc
    except (OSError, ValueError) as exc:
        raise RegisterImportError(f"the column mapping file could not be read ({exc})",
                                  path=path) from exc
    cols = data.get("columns", data) if isinstance(data, dict) else None
    if not isinstance(cols, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in cols.items()):
        raise RegisterImportError(
            "the column mapping file should hold {\"columns\": {field: column header}}", path=path)
    return ColumnMapping(fields={_normalise_field_name(k): v for k, v in cols.items()
                                 if k != "photovet_register_mapping"})


def save_mapping(mapping: ColumnMapping | dict[str, str | None], path: str | Path) -> Path:
    """Write a column mapping as a small JSON file (atomically)."""
    fields = mapping.fields if isinstance(mapping, ColumnMapping) else dict(mapping)
    path = Path(path)
    data = {"photovet_register_mapping": 1,
            "columns": {_normalise_field_name(k): v for k, v in fields.items()}}
    return atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False), prefix=".mapping-")


# --------------------------------------------------------------------------------------------
# Reading CSV files
# --------------------------------------------------------------------------------------------

def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise RegisterImportError(f"the file is damaged UTF-16 text ({exc.reason})",
                                      path=path) from exc
    if b"\x00" in raw[:4096]:
        raise RegisterImportError("this is not a CSV text file (it contains binary data); "
                                  "export the register as CSV from your MIS", path=path)
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise RegisterImportError(
            f"the file is not UTF-8 or Windows-1252 text (byte 0x{raw[exc.start]:02x} at "
            f"position {exc.start})", path=path,
            hint="Save it from Excel as 'CSV UTF-8 (Comma delimited)'.") from exc


def _read_bytes(path: Path, what: str = "register file") -> bytes:
    if not path.exists():
        raise RegisterImportError(f"the {what} was not found", path=path)
    if path.is_dir():
        raise RegisterImportError(f"that is a folder, not a {what}", path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RegisterImportError(f"the {what} could not be read ({exc.strerror or exc})",
                                  path=path) from exc


def read_table(path: str | Path, what: str = "register file"
               ) -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    """(headers, [(line, cells)], encoding, sha256). Lines as a spreadsheet numbers them."""
    path = Path(path)
    raw = _read_bytes(path, what)
    if not raw.strip():
        raise RegisterImportError(f"the {what} is empty", path=path)
    text, encoding = _decode(raw, path)
    first = text.split("\n", 1)[0]
    delim = max([",", ";", "\t"], key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    prev = 0
    try:
        for cells in reader:
            start = prev + 1
            prev = reader.line_num
            if not cells or not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = [c.replace("\ufeff", "").strip() for c in cells]
                continue
            rows.append((start, cells))
    except csv.Error as exc:
        raise RegisterImportError(f"the CSV is malformed near line {prev + 1} ({exc})",
                                  path=path) from exc
    if headers is None:
        raise RegisterImportError(f"the {what} has no header row", path=path)
    return headers, rows, encoding, hashlib.sha256(raw).hexdigest()


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

_YES_WORDS = {"yes", "y", "true", "1"}
_NO_WORDS = {"no", "n", "false", "0"}
_NOT_RECORDED_WORDS = {"n/a", "na", "-", "not recorded", "unknown", "n.a.", "n a", "--"}
_STAFF_WORDS = {"staff", "teacher", "teaching staff", "support staff", "employee", "adult",
                "ta", "teaching assistant", "governor", "volunteer"}
_PUPIL_WORDS = {"pupil", "student", "learner", "child"}
UPN_RE = re.compile(r"^[A-Z]\d{12}$")
TEMP_UPN_RE = re.compile(r"^[A-Z]\d{11}[A-Z]$")
_UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_ok(upn: str) -> bool:
    """The DfE check letter of a permanent UPN (letter + 12 digits)."""
    if not UPN_RE.match(upn):
        return False
    total = sum(int(c) * (i + 2) for i, c in enumerate(upn[1:]))
    return _UPN_CHECK[total % 23] == upn[0]


def parse_yes_no(value: str) -> tuple[str | None, str]:
    """(state, how): state yes/no/not recorded, or None when invalid; how: exact, variant,
    blank, word."""
    v = (value or "").strip()
    low = " ".join(v.lower().split())
    if low == "":
        return NOT_RECORDED, "blank"
    if low in _YES_WORDS:
        return YES, "exact" if value == "Yes" else "variant"
    if low in _NO_WORDS:
        return NO, "exact" if value == "No" else "variant"
    if low in _NOT_RECORDED_WORDS:
        return NOT_RECORDED, "word"
    return None, "invalid"


_FAST_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_FAST_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d %b %Y",
                 "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%Y/%m/%d")


def parse_date(value: str) -> _dt.date | None:
    """A date from DD/MM/YYYY, ISO and a few other spellings; ValueError when it is not one."""
    v = (value or "").strip()
    if not v:
        return None
    dmy, iso = _FAST_DMY.match(v), _FAST_ISO.match(v)
    if dmy or iso:  # DD/MM/YYYY or YYYY-MM-DD, the common cases, without strptime
        try:
            if iso:
                return _dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
            return _dt.date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
        except ValueError:
            raise ValueError(v) from None
    v = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", v)
    for fmt in _DATE_FORMATS:
        try:
            return _dt.datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    raise ValueError(v)


# --------------------------------------------------------------------------------------------
# One parsed CSV row
# --------------------------------------------------------------------------------------------

@dataclass
class _Row:
    line: int
    id: str
    person: Person
    states: dict[str, str]          # field (channel or special) -> yes/no/not recorded
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    variants: list[RowProblem] = field(default_factory=list)
    blanks: list[str] = field(default_factory=list)


def _now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class _Layout:
    """Where each field is in a row (worked out once per import)."""

    def __init__(self, headers: list[str], mapping: ColumnMapping):
        idx = {h: i for i, h in enumerate(headers)}
        self.headers = headers
        self.cols: dict[str, tuple[int, str]] = {
            f: (idx[c], c) for f, c in mapping.fields.items() if c and c in idx}
        self.id_kind = mapping.id_kind


def _parse_row(line: int, cells: list[str], layout: _Layout, channels: list[str]) -> _Row:
    headers = layout.headers
    cols = layout.cols
    n_cells = len(cells)
    errors: list[RowProblem] = []

    def cell(fld: str) -> tuple[str, str]:
        hit = cols.get(fld)
        if hit is None:
            return "", ""
        i, col = hit
        return (cells[i] if i < n_cells else ""), col

    raw_id, id_col = cell("id")
    pid = re.sub(r"\s+", "", raw_id).upper()
    p = Person(id=pid)
    warnings: list[RowProblem] = []
    variants: list[RowProblem] = []
    if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
        errors.append(RowProblem(line, "", "", f"this row has {len(cells)} cells but the header "
                                 f"has {len(headers)}: check for a stray comma", pid, "row_shape"))
    elif len(cells) < len(headers):
        warnings.append(RowProblem(line, "", "", f"this row has only {len(cells)} of "
                                   f"{len(headers)} cells: the missing ones count as blank",
                                   pid, "row_shape"))
    if not pid:
        errors.append(RowProblem(line, id_col, raw_id, "no UPN / id in this row", "", "missing_value"))
    for fld in ("legal_surname", "legal_forename", "preferred_forename", "preferred_surname",
                "year_group", "reg_group", "notes"):
        value, col = cell(fld)
        setattr(p, fld, " ".join(value.split()))
        if fld in REQUIRED_FIELDS and col and not value.strip():
            errors.append(RowProblem(line, col, value, f"the {_field_title(fld)} is blank",
                                     pid, "missing_value"))
    for fld in ("date_of_birth", "leaving_date"):
        value, col = cell(fld)
        try:
            setattr(p, fld, parse_date(value))
        except ValueError:
            errors.append(RowProblem(line, col, value, f"'{value.strip()}' is not a date "
                                     "(use DD/MM/YYYY)", pid, "invalid_date"))
    # role: a role column, else "Staff" in the year group, else a staff-code id column
    role_value, role_col = cell("role")
    rv = " ".join(role_value.lower().split())
    if rv:
        if rv in _STAFF_WORDS:
            p.role = "staff"
        elif rv in _PUPIL_WORDS:
            p.role = "pupil"
        else:
            errors.append(RowProblem(line, role_col, role_value, f"'{role_value.strip()}' is not "
                                     "a role (use Pupil or Staff)", pid, "invalid_value"))
    elif p.year_group.strip().lower() in _STAFF_WORDS or layout.id_kind == "staff":
        p.role = "staff"
    if p.role == "staff" and p.year_group.strip().lower() in _STAFF_WORDS:
        p.year_group = ""
    if pid and layout.id_kind == "upn" and p.role == "pupil":
        if TEMP_UPN_RE.match(pid):
            pass
        elif not UPN_RE.match(pid):
            warnings.append(RowProblem(line, id_col, raw_id, f"'{raw_id.strip()}' does not look "
                                       "like a UPN (a letter and 12 digits)", pid, "id_format"))
        elif not upn_check_ok(pid):
            warnings.append(RowProblem(line, id_col, raw_id, f"the UPN '{pid}' has a wrong check "
                                       "letter: check it for a typing mistake", pid, "id_format"))
    states: dict[str, str] = {}
    blanks: list[str] = []
    for fld in [CONSENT_PREFIX + c for c in channels] + [NAME_WITH_PHOTO, DO_NOT_PHOTOGRAPH]:
        value, col = cell(fld)
        key = fld[len(CONSENT_PREFIX):] if fld.startswith(CONSENT_PREFIX) else fld
        if not col:
            states[key] = NO if key == DO_NOT_PHOTOGRAPH else NOT_RECORDED
            continue
        state, how = parse_yes_no(value)
        if state is None:
            errors.append(RowProblem(line, col, value, f"'{value.strip()}' is not Yes or No "
                                     "(the whole row is rejected)", pid, "invalid_value"))
            continue
        if key == DO_NOT_PHOTOGRAPH and state == NOT_RECORDED:
            state = NO  # a blank do-not-photograph cell is the normal "no restriction"
            if how == "word":
                warnings.append(RowProblem(line, col, value, f"'{value.strip()}' read as No",
                                           pid, "not_recorded"))
        elif how == "word":
            warnings.append(RowProblem(line, col, value, f"'{value.strip()}' means not recorded: "
                                       "counted as No", pid, "not_recorded"))
        elif how == "blank":
            blanks.append(key)
        elif how == "variant":
            variants.append(RowProblem(line, col, value, f"'{value}' read as "
                                       f"{'Yes' if state == YES else 'No'}", pid, "accepted_variant"))
        states[key] = state
    p.consents = {c: states.get(c) == YES for c in channels}
    p.name_with_photo = states.get(NAME_WITH_PHOTO) == YES
    p.do_not_photograph = states.get(DO_NOT_PHOTOGRAPH) == YES
    return _Row(line, pid, p, states, errors, warnings, variants, blanks)


# --------------------------------------------------------------------------------------------
# The register
# --------------------------------------------------------------------------------------------

class _hybrid:
    """A method callable on the class (built-in channels) or on an open register."""

    def __init__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, obj, owner):
        fn = self.fn
        target = obj if obj is not None else owner
        return lambda *a, **k: fn(target, *a, **k)


def _load_image(path: Path):
    try:
        from photovet.core.media.imaging import load_image  # noqa: PLC0415
    except ImportError:  # pragma: no cover - imaging lands in a sibling change
        from PIL import Image, ImageOps  # noqa: PLC0415

        with Image.open(path) as im:
            return ImageOps.exif_transpose(im).convert("RGB")
    return load_image(path).image


# Enrolment photos are portraits: the face is large, so detecting on a copy at most this many
# pixels on the long edge is several times faster and gives the encoder (a 150 px face chip)
# plenty of detail. When nothing is found on the small copy, the full image is tried.
ENROL_MAX_SIDE = 800


def _portrait_faces(engine: Any, image: Any) -> list:
    w, h = image.size
    if max(w, h) > ENROL_MAX_SIDE:
        small = image.copy()
        small.thumbnail((ENROL_MAX_SIDE, ENROL_MAX_SIDE))
        faces = engine.portrait_encodings(small)
        if faces:
            return faces
    return engine.portrait_encodings(image)


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff", ".bmp",
                  ".gif", ".avif"}


class Register:
    """The consent register. ``Register.open()``; use as a context manager or ``close()``."""

    FIELDS = FIELDS
    REQUIRED_FIELDS = REQUIRED_FIELDS

    def __init__(self, db: Database, path: Path | None = None):
        self.db = db
        self.path = path
        self.audit = AuditLog(db)

    @classmethod
    def open(cls, path: str | Path | None = None) -> "Register":
        db = open_db(path)
        return cls(db, Path(path) if path else None)

    def close(self) -> None:
        try:
            self.db.close()
        except Exception:  # noqa: BLE001
            pass

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------

    def channels(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM channels ORDER BY position, name")]

    def channel_labels(self) -> dict[str, str]:
        return {r[0]: r[1] for r in
                self.db.execute("SELECT name, label FROM channels ORDER BY position, name")}

    def add_channel(self, name: str, label: str | None = None, *, user: str | None = None) -> str:
        """Add a school's own channel (e.g. "prospectus"). Everyone starts with no consent."""
        key = re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")
        if not key or key in SPECIAL_FIELDS or key == "id":
            raise RegisterError(f"'{name}' cannot be used as a channel name")
        label = (label or name).strip()
        with atomic(self.db):
            if self.db.execute("SELECT 1 FROM channels WHERE name = ?", [key]).fetchone():
                raise RegisterError(f"there is already a channel called '{key}'")
            pos = self.db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM channels").fetchone()[0]
            self.db.execute("INSERT INTO channels (name, label, builtin, position) VALUES (?, ?, 0, ?)",
                            [key, label, pos])
            self.audit.record("register.channel-add", {"channel": key, "label": label}, user=user)
        return key

    def is_empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM people LIMIT 1").fetchone() is None

    def _people_rows(self, where: str = "", params: Iterable[Any] = ()) -> list[Person]:
        chans = self.channels()
        rows = self.db.execute(
            "SELECT id, legal_forename, legal_surname, preferred_forename, preferred_surname, role, "
            "year_group, reg_group, date_of_birth, leaving_date, notes, valid FROM people "
            f"{where} ORDER BY legal_surname COLLATE NOCASE, legal_forename COLLATE NOCASE, id",
            list(params)).fetchall()
        if not rows:
            return []
        ids = [r[0] for r in rows]
        states: dict[str, dict[str, str]] = {}
        enrolled: dict[str, int] = {}
        if len(ids) > 500:
            cons = self.db.execute("SELECT person_id, channel, value FROM consents").fetchall()
            encs = self.db.execute("SELECT person_id, COUNT(*) FROM encodings GROUP BY person_id")
        else:
            q = ",".join("?" * len(ids))
            cons = self.db.execute(
                f"SELECT person_id, channel, value FROM consents WHERE person_id IN ({q})", ids).fetchall()
            encs = self.db.execute(
                f"SELECT person_id, COUNT(*) FROM encodings WHERE person_id IN ({q}) GROUP BY person_id", ids)
        for pid, ch, v in cons:
            states.setdefault(pid, {})[ch] = v
        for pid, n in encs:
            enrolled[pid] = n
        out = []
        for r in rows:
            st = states.get(r[0], {})
            out.append(Person(
                id=r[0], legal_forename=r[1], legal_surname=r[2], preferred_forename=r[3],
                preferred_surname=r[4], role=r[5], year_group=r[6], reg_group=r[7],
                date_of_birth=_dt.date.fromisoformat(r[8]) if r[8] else None,
                leaving_date=_dt.date.fromisoformat(r[9]) if r[9] else None,
                notes=r[10], consents={c: st.get(c) == YES for c in chans},
                name_with_photo=st.get(NAME_WITH_PHOTO) == YES,
                do_not_photograph=st.get(DO_NOT_PHOTOGRAPH) == YES,
                valid=bool(r[11]), enrolled=enrolled.get(r[0], 0) > 0,
            ))
        return out

    def people(self, include_invalid: bool = True) -> list[Person]:
        return self._people_rows("" if include_invalid else "WHERE valid = 1")

    def person(self, person_id: str) -> Person:
        pid = (person_id or "").strip().upper()
        rows = self._people_rows("WHERE id = ?", [pid]) or self._people_rows("WHERE id = ?", [person_id])
        if not rows:
            raise UnknownPersonError(f"no one with id '{person_id}' in the register")
        return rows[0]

    def invalid_reason(self, person_id: str) -> str:
        r = self.db.execute("SELECT invalid_reason FROM people WHERE id = ?", [person_id]).fetchone()
        return r[0] if r else ""

    def consent_states(self, person_id: str) -> dict[str, str]:
        """Channel (and the two special fields) -> "yes" | "no" | "not recorded"."""
        self.person(person_id)
        st = {r[0]: r[1] for r in self.db.execute(
            "SELECT channel, value FROM consents WHERE person_id = ?", [person_id])}
        out = {c: st.get(c, NOT_RECORDED) for c in self.channels()}
        out[NAME_WITH_PHOTO] = st.get(NAME_WITH_PHOTO, NOT_RECORDED)
        out[DO_NOT_PHOTOGRAPH] = st.get(DO_NOT_PHOTOGRAPH, NO)
        return out

    def search(self, text: str) -> list[Person]:
        words = _norm(text).split()
        people = self.people()
        if not words:
            return people

        def hay(p: Person) -> str:
            return _norm(" ".join([p.id, p.legal_forename, p.legal_surname, p.preferred_forename,
                                   p.preferred_surname, p.year_group, p.reg_group, p.role]))
        return [p for p in people if all(w in hay(p) for w in words)]

    def encodings(self) -> list[tuple[str, np.ndarray]]:
        out = []
        for pid, blob, dims in self.db.execute(
                "SELECT person_id, encoding, dims FROM encodings ORDER BY person_id, id"):
            out.append((pid, np.frombuffer(blob, dtype=np.float64, count=dims).copy()))
        return out

    def enrolment_count(self, person_id: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM encodings WHERE person_id = ?",
                               [person_id]).fetchone()[0]

    def history(self, person_id: str) -> list[ConsentChange]:
        rows = self.db.execute(
            "SELECT person_id, channel, old, new, time, source FROM consent_history "
            "WHERE person_id = ? ORDER BY id", [person_id]).fetchall()
        return [ConsentChange(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def imports(self) -> list[dict[str, Any]]:
        return [dict(zip(("id", "time", "file", "sha256", "user", "rows", "summary"), r))
                for r in self.db.execute(
                    "SELECT id, time, file, sha256, actor, rows, summary FROM imports ORDER BY time")]

    # -- column mapping -----------------------------------------------------------------------

    @_hybrid
    def detect_columns(target, csv_path: str | Path) -> ColumnMapping:  # noqa: N805
        """Headers of the CSV and the field each one holds (for the import wizard)."""
        headers, _rows, _enc, _sha = read_table(csv_path)
        chans = (target.channel_labels() if isinstance(target, Register)
                 else {c: CHANNEL_LABELS.get(c, c) for c in CHANNELS})
        return detect_mapping(headers, chans)

    load_mapping = staticmethod(load_mapping)
    save_mapping = staticmethod(save_mapping)

    def _resolve_mapping(self, headers: list[str], mapping: Any, path: Path) -> ColumnMapping:
        auto = detect_mapping(headers, self.channel_labels())
        if mapping is None:
            m = auto
        else:
            if isinstance(mapping, (str, Path)):
                given = load_mapping(mapping).fields
            elif isinstance(mapping, ColumnMapping):
                given = mapping.fields
            elif isinstance(mapping, dict):
                given = {_normalise_field_name(k): v for k, v in mapping.items()}
            else:
                raise RegisterImportError("the column mapping is not a mapping", path=path)
            known = set(FIELDS) | {CONSENT_PREFIX + c for c in self.channels()}
            problems = []
            for fld, col in given.items():
                if fld not in known:
                    problems.append(RowProblem(None, col or "", "", f"the mapping names an unknown "
                                               f"field '{fld}'", "", "mapping"))
                elif col and col not in headers:
                    problems.append(RowProblem(None, col, "", f"the mapping uses column '{col}' for "
                                               f"{_field_title(fld)}, but the file has no such "
                                               "column", "", "mapping"))
            if problems:
                raise RegisterImportError(
                    f"the column mapping does not fit this file ({len(problems)} problem(s))",
                    problems, path=path)
            fields = dict(auto.fields)
            fields.update(given)
            # an auto-detection ambiguity is resolved when the mapping names that field
            remaining = [f"{len(hs)} columns could be {_field_title(f)}: "
                         f"{', '.join(repr(h) for h in hs)}; choose one with a column mapping"
                         for f, hs in auto.ambiguous.items() if f not in given]
            m = ColumnMapping(headers=list(headers), fields=fields, problems=remaining,
                              notes=auto.notes)
            used = {v for v in fields.values() if v}
            m.ignored = [h for h in headers if h not in used]
            m.unmapped_required = [f for f in REQUIRED_FIELDS if not fields.get(f)]
        problems = [RowProblem(1, "", "", p, "", "ambiguous_column") for p in m.problems]
        for f in m.unmapped_required:
            problems.append(RowProblem(1, "", "", f"no column for {_field_title(f)} (required); "
                                       f"the header has: {', '.join(headers)}", "", "missing_column"))
        cols = [v for v in m.fields.values() if v]
        for dup in sorted({c for c in cols if cols.count(c) > 1}):
            flds = [f for f, v in m.fields.items() if v == dup]
            problems.append(RowProblem(1, dup, "", f"column '{dup}' is used for "
                                       f"{' and '.join(_field_title(f) for f in flds)}", "",
                                       "ambiguous_column"))
        if not any(m.fields.get(CONSENT_PREFIX + c) for c in self.channels()):
            problems.append(RowProblem(1, "", "", "no consent column was found for any channel; "
                                       "map them with a column mapping", "", "missing_column"))
        if problems:
            raise RegisterImportError(
                f"the register file's columns could not be used ({len(problems)} problem(s))",
                problems, path=path)
        return m

    # -- import -------------------------------------------------------------------------------

    def import_csv(self, csv_path: str | Path, *, mapping: Any = None, dry_run: bool = False,
                   skip_invalid: bool = False, user: str | None = None,
                   today: _dt.date | None = None) -> ImportReport:
        """Import an MIS export. See the module docstring for the rules; returns a report.

        Row errors without ``skip_invalid``: nothing changes and ``report.applied`` is False.
        File-level problems raise ``RegisterImportError`` (with ``problems``).
        """
        path = Path(csv_path)
        today = today or _dt.date.today()
        headers, raw_rows, encoding, sha = read_table(path)
        m = self._resolve_mapping(headers, mapping, path)
        channels = self.channels()
        layout = _Layout(headers, m)
        parsed = [_parse_row(line, cells, layout, channels) for line, cells in raw_rows]
        report = ImportReport(file=str(path), encoding=encoding, rows=len(parsed),
                              dry_run=dry_run, mapping=dict(m.fields))
        for note in m.notes:
            report.warnings.append(RowProblem(1, "", "", note, "", "unknown_column"))
        for ch in channels:
            if not m.fields.get(CONSENT_PREFIX + ch):
                report.warnings.append(RowProblem(
                    1, "", "", f"no column for {channel_label(ch)} consent: everyone counts as No "
                    f"for {channel_label(ch)}", "", "missing_column"))
        # duplicates
        by_id: dict[str, list[_Row]] = {}
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
                    ", ".join(field_label(b) for b in r.blanks) + ": counted as No"))
        report.skipped_rows = [r.line for r in parsed if r.errors]
        report.skip_invalid = skip_invalid
        if not dry_run and report.errors and not skip_invalid:
            return report  # refused: nothing changes, every error is in the report
        if dry_run:
            self._plan(parsed, report, today, write=False)
            return report
        import_id = "import-" + _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + \
            "-" + secrets.token_hex(3)
        report.import_id = import_id
        with atomic(self.db):
            self._plan(parsed, report, today, write=True, import_id=import_id, user=user,
                       sha=sha)
            report.applied = True
            report.purged = self.purge_leavers(today=today, user=user, _reason=import_id)
        if report.withdrawals or report.invalidated or report.missing or report.leavers:
            # Consent was lost for someone: re-check everything already exported or posted.
            from photovet.core.records.store import Records  # noqa: PLC0415

            report.takedown = Records(self.db, self.audit).after_import(report, self)
        return report

    def _current_state(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
        people = {}
        cols = ("id", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname",
                "role", "year_group", "reg_group", "date_of_birth", "leaving_date", "notes",
                "valid", "invalid_reason")
        for r in self.db.execute(f"SELECT {', '.join(cols)} FROM people"):
            people[r[0]] = dict(zip(cols, r))
        states: dict[str, dict[str, str]] = {}
        for pid, ch, v in self.db.execute("SELECT person_id, channel, value FROM consents"):
            states.setdefault(pid, {})[ch] = v
        return people, states

    def _plan(self, parsed: list[_Row], report: ImportReport, today: _dt.date, *, write: bool,
              import_id: str = "", user: str | None = None, sha: str = "") -> None:
        """Work out (and with ``write`` apply) the changes. Call inside a transaction to write."""
        people, states = self._current_state()
        now = _now_iso()
        source = f"import:{import_id}" if import_id else "import:dry-run"
        person_rows: list[dict[str, Any]] = []
        consent_rows: list[tuple[str, str, str]] = []
        history_rows: list[tuple[Any, ...]] = []
        rejected: dict[str, list[_Row]] = {}
        seen: set[str] = set()
        roles_in_file: set[str] = set()

        def person_record(p: Person, line: int, valid: bool, reason: str) -> dict[str, Any]:
            return {
                "id": p.id, "legal_forename": p.legal_forename, "legal_surname": p.legal_surname,
                "preferred_forename": p.preferred_forename,
                "preferred_surname": p.preferred_surname, "role": p.role,
                "year_group": p.year_group, "reg_group": p.reg_group,
                "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
                "leaving_date": p.leaving_date.isoformat() if p.leaving_date else None,
                "notes": p.notes, "valid": 1 if valid else 0, "invalid_reason": reason,
                "source_line": line, "last_import": import_id or None, "updated_at": now,
            }

        for r in parsed:
            if not r.id:
                continue
            seen.add(r.id)
            roles_in_file.add(r.person.role)
            if r.errors:
                rejected.setdefault(r.id, []).append(r)
                continue
            p = r.person
            old = people.get(r.id)
            old_states = states.get(r.id, {})
            person_rows.append(person_record(p, r.line, True, ""))
            if old is None:
                report.new_people.append(p)
            else:
                if not old["valid"]:
                    report.revalidated.append(PersonNote(r.id, p.display_name,
                                                         "register row fixed: decided by consent again"))
                new_leaving = p.leaving_date.isoformat() if p.leaving_date else None
                if new_leaving != old["leaving_date"] and new_leaving:
                    report.leavers.append(p)
                rec = person_record(p, r.line, True, "")
                if any(rec[k] != old[k] for k in ("legal_forename", "legal_surname",
                                                  "preferred_forename", "preferred_surname",
                                                  "role", "year_group", "reg_group",
                                                  "date_of_birth", "notes")):
                    report.details_changed.append(r.id)
            if old is None and p.leaving_date:
                report.leavers.append(p)
            for key, new_state in r.states.items():
                old_state = old_states.get(key)
                if old_state == new_state:
                    continue
                consent_rows.append((r.id, key, new_state))
                history_rows.append((r.id, key, old_state, new_state, now, source, import_id or None))
                if old is not None:
                    ch = ConsentChange(r.id, key, old_state, new_state, now, source, p.display_name)
                    (report.withdrawals if ch.is_withdrawal else report.consent_changes).append(ch)
        invalid_updates: list[tuple[str, str, int]] = []
        for pid, rows in rejected.items():
            first = rows[0]
            kinds = {e.kind for rr in rows for e in rr.errors}
            if "duplicate_id" in kinds:
                reason = f"UPN on several rows (lines {', '.join(str(rr.line) for rr in rows)})"
            else:
                reason = f"row rejected (line {first.line}: " + "; ".join(
                    f"{e.column} {e.value.strip()!r}" if e.column else e.message
                    for e in first.errors) + ")"
            old = people.get(pid)
            name = first.person.display_name
            if old is None:
                person_rows.append(person_record(first.person, first.line, False, reason))
                report.invalidated.append(PersonNote(pid, name, f"new, {reason}: blurred until fixed"))
            else:
                invalid_updates.append((pid, reason, first.line))
                if old["valid"]:
                    report.invalidated.append(PersonNote(
                        pid, name, f"{reason}: was valid, now blurred until fixed (earlier "
                        "consent kept but not used)"))
        missing_updates: list[str] = []
        for pid, old in people.items():
            if pid in seen or old["role"] not in roles_in_file:
                continue
            missing_updates.append(pid)
            if old["valid"]:
                name = f"{old['preferred_forename'] or old['legal_forename']} " \
                       f"{old['preferred_surname'] or old['legal_surname']}".strip()
                report.missing.append(PersonNote(pid, name, "not in this register file: blurred "
                                                 "until a later import lists them again"))
        report.skipped_rows = sorted({r.line for rows in rejected.values() for r in rows} |
                                     {r.line for r in parsed if r.errors})
        if not write:
            return
        db = self.db
        if person_rows:
            cols = list(person_rows[0].keys())
            db.executemany(
                f"INSERT INTO people ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                f"ON CONFLICT(id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id"),
                [tuple(r[c] for c in cols) for r in person_rows])
        if invalid_updates:
            db.executemany(
                "UPDATE people SET valid = 0, invalid_reason = ?, source_line = ?, last_import = ?, "
                "updated_at = ? WHERE id = ?",
                [(reason, line, import_id, now, pid) for pid, reason, line in invalid_updates])
        if missing_updates:
            db.executemany(
                "UPDATE people SET valid = 0, invalid_reason = ?, updated_at = ? WHERE id = ?",
                [(f"not in the register file imported on {now[:10]} ({import_id})", now, pid)
                 for pid in missing_updates])
        if consent_rows:
            db.executemany(
                "INSERT INTO consents (person_id, channel, value) VALUES (?, ?, ?) "
                "ON CONFLICT(person_id, channel) DO UPDATE SET value = excluded.value",
                consent_rows)
        if history_rows:
            db.executemany(
                "INSERT INTO consent_history (person_id, channel, old, new, time, source, import_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", history_rows)
        summary = {
            "rows": report.rows, "new": len(report.new_people),
            "consent_changes": len(report.consent_changes), "withdrawals": len(report.withdrawals),
            "leavers": len(report.leavers), "invalidated": len(report.invalidated),
            "missing": len(report.missing), "errors": len(report.errors),
            "warnings": len(report.warnings), "skipped_rows": report.skipped_rows,
        }
        db.execute("INSERT INTO imports (id, time, file, sha256, actor, rows, summary) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [import_id, now, Path(report.file).name, sha, user or "", report.rows,
                    json.dumps(summary)])
        self.audit.record("register.import", {
            "import_id": import_id, "file": Path(report.file).name, "sha256": sha, **summary,
            "withdrawn": [f"{c.person_id}:{c.channel}" for c in report.withdrawals],
            "rejected": [n.person_id for n in report.invalidated],
        }, user=user)

    # -- manual edits -------------------------------------------------------------------------

    def _set_state(self, person_id: str, key: str, state: str, *, user: str,
                   action: str) -> ConsentChange | None:
        if not user or not str(user).strip():
            raise RegisterError("say who is making this change")
        p = self.person(person_id)
        with atomic(self.db):
            row = self.db.execute("SELECT value FROM consents WHERE person_id = ? AND channel = ?",
                                  [p.id, key]).fetchone()
            old = row[0] if row else None
            if old == state:
                return None
            now = _now_iso()
            self.db.execute(
                "INSERT INTO consents (person_id, channel, value) VALUES (?, ?, ?) "
                "ON CONFLICT(person_id, channel) DO UPDATE SET value = excluded.value",
                [p.id, key, state])
            src = f"user:{str(user).strip()}"
            self.db.execute(
                "INSERT INTO consent_history (person_id, channel, old, new, time, source, import_id) "
                "VALUES (?, ?, ?, ?, ?, ?, NULL)", [p.id, key, old, state, now, src])
            self.audit.record(action, {"person_id": p.id, "field": key, "old": old, "new": state},
                              user=user)
        return ConsentChange(p.id, key, old, state, now, src, p.display_name)

    @staticmethod
    def _to_state(value: Any) -> str:
        if value is None:
            return NOT_RECORDED
        if isinstance(value, bool):
            return YES if value else NO
        state, _how = parse_yes_no(str(value))
        if state is None:
            raise RegisterError(f"'{value}' is not Yes or No")
        return state

    def set_consent(self, person_id: str, channel: str, value: bool | str | None, *,
                    user: str) -> ConsentChange | None:
        """Change one consent by hand (audited, kept in history). None = not recorded.
        ``channel`` may also be "name_with_photo". Returns the change, or None if unchanged."""
        if channel not in self.channels() and channel != NAME_WITH_PHOTO:
            raise RegisterError(f"unknown channel '{channel}'",
                                hint="Channels: " + ", ".join(self.channels()))
        return self._set_state(person_id, channel, self._to_state(value), user=user,
                               action="register.consent-edit")

    def set_do_not_photograph(self, person_id: str, value: bool, *, user: str) -> ConsentChange | None:
        return self._set_state(person_id, DO_NOT_PHOTOGRAPH, YES if value else NO, user=user,
                               action="register.do-not-photograph")

    # -- enrolment ----------------------------------------------------------------------------

    def _encode_one(self, person: Person, path: Path, engine: Any) -> np.ndarray:
        try:
            image = _load_image(path)
        except PhotoVetError as exc:
            raise EnrolmentError(f"{person.id}: {exc.message}", path=path) from exc
        except (OSError, ValueError) as exc:
            raise EnrolmentError(f"{person.id}: the photo could not be read ({exc})",
                                 path=path) from exc
        faces = _portrait_faces(engine, image)
        if not faces:
            raise EnrolmentError(f"{person.id}: no face found in the enrolment photo; use a clear, "
                                 "front-facing portrait", path=path)
        if len(faces) > 1:
            raise EnrolmentError(f"{person.id}: {len(faces)} faces in the enrolment photo; use a "
                                 "single portrait", path=path)
        enc = np.asarray(faces[0][1], dtype=np.float64).reshape(-1)
        if enc.shape != (ENCODING_DIMS,) or not np.all(np.isfinite(enc)):
            raise EnrolmentError(f"{person.id}: the face encoder gave an unusable result",
                                 path=path)
        return enc

    def _check_enrollable(self, person_id: str, today: _dt.date) -> Person:
        p = self.person(person_id)
        if p.has_left(today):
            raise EnrolmentError(f"{p.id}: left school on {p.leaving_date.isoformat()}; face data "
                                 "is not kept for leavers")
        return p

    def enrol_photo(self, person_id: str, photo_path: str | Path, engine: Any, *,
                    replace: bool = True, user: str | None = None) -> int:
        """Enrol one photo; returns how many encodings the person now has. Raises EnrolmentError."""
        path = Path(photo_path)
        p = self._check_enrollable(person_id, _dt.date.today())
        enc = self._encode_one(p, path, engine)
        self._store({p.id: [(enc, path.name)]}, replace=replace, user=user,
                    source=str(path.name))
        return self.enrolment_count(p.id)

    def _store(self, encs: dict[str, list[tuple[np.ndarray, str]]], *, replace: bool,
               user: str | None, source: str, errors: int = 0) -> None:
        now = _now_iso()
        with atomic(self.db):
            for pid, items in encs.items():
                if replace:
                    self.db.execute("DELETE FROM encodings WHERE person_id = ?", [pid])
                self.db.executemany(
                    "INSERT INTO encodings (person_id, encoding, dims, photo_name, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(pid, e.astype(np.float64).tobytes(), int(e.size), name, now)
                     for e, name in items])
            self.audit.record("register.enrol", {
                "source": source, "people": {pid: len(v) for pid, v in encs.items()},
                "replaced": replace, "errors": errors}, user=user)

    def _enrol_items(self, items: list[tuple[str, Path]], engine: Any, source: str, *,
                     user: str | None, progress: Callable[[int, int, str], None] | None,
                     report: EnrolReport) -> EnrolReport:
        t0 = time.perf_counter()
        today = _dt.date.today()
        by_id: dict[str, list[Path]] = {}
        for pid, path in items:
            by_id.setdefault(pid, []).append(path)
        done = 0
        total = len(items)
        result: dict[str, list[tuple[np.ndarray, str]]] = {}
        for pid, paths in by_id.items():
            try:
                person = self._check_enrollable(pid, today)
            except (UnknownPersonError, EnrolmentError) as exc:
                msg = exc.message if isinstance(exc, EnrolmentError) else \
                    f"{pid}: no one with this id in the register"
                for path in paths:
                    report.errors.append(EnrolProblem(pid, str(path), msg))
                done += len(paths)
                report.photos += len(paths)
                continue
            for path in paths:
                report.photos += 1
                try:
                    enc = self._encode_one(person, path, engine)
                    result.setdefault(pid, []).append((enc, path.name))
                except EnrolmentError as exc:
                    report.errors.append(EnrolProblem(pid, str(path), exc.message))
                done += 1
                if progress:
                    progress(done, total, path.name)
        if result:
            self._store(result, replace=True, user=user, source=source, errors=len(report.errors))
        report.enrolled = {pid: len(v) for pid, v in result.items()}
        report.seconds = time.perf_counter() - t0
        return report

    def enrol_folder(self, folder: str | Path, engine: Any, *, user: str | None = None,
                     progress: Callable[[int, int, str], None] | None = None) -> EnrolReport:
        """Enrol every ``<id>.jpg`` (also ``<id>_2.jpg``, ``<id> (2).jpg``) in a folder."""
        folder = Path(folder)
        if not folder.is_dir():
            raise EnrolmentError("the enrolment folder was not found" if not folder.exists()
                                 else "that is a file, not a folder", path=folder)
        ids = {r[0] for r in self.db.execute("SELECT id FROM people")}
        report = EnrolReport()
        items: list[tuple[str, Path]] = []
        for f in sorted(folder.iterdir()):
            if f.name.startswith(".") or not f.is_file():
                continue
            if f.suffix.lower() not in IMAGE_SUFFIXES:
                report.ignored.append(f.name)
                continue
            stem = f.stem.strip()
            pid = stem.upper()
            if pid not in ids:
                mm = re.match(r"^(.+?)(?:[ _-]+\(?\d{1,2}\)?|\s*\(\d{1,2}\))$", stem)
                if mm and mm.group(1).strip().upper() in ids:
                    pid = mm.group(1).strip().upper()
            items.append((pid, f))
        return self._enrol_items(items, engine, f"folder:{folder.name}", user=user,
                                 progress=progress, report=report)

    def enrol_csv(self, csv_path: str | Path, engine: Any, *, user: str | None = None,
                  progress: Callable[[int, int, str], None] | None = None) -> EnrolReport:
        """Enrol from a CSV of id -> photo path (paths relative to the CSV's folder)."""
        path = Path(csv_path)
        try:
            headers, rows, _enc, _sha = read_table(path, "enrolment CSV")
        except RegisterImportError as exc:
            raise EnrolmentError(exc.message, path=path) from exc
        norm = [_norm(h) for h in headers]
        id_i = next((i for i, n in enumerate(norm)
                     if any(n in names for names in _ID_ALIASES.values())), None)
        photo_names = {"photo", "path", "file", "image", "photo path", "filename", "file name",
                       "picture", "photo file", "image path", "photograph"}
        ph_i = next((i for i, n in enumerate(norm) if n in photo_names), None)
        if id_i is None or ph_i is None:
            raise EnrolmentError("the enrolment CSV needs an id column (UPN) and a photo column "
                                 f"(Photo); its header has: {', '.join(headers)}", path=path)
        items: list[tuple[str, Path]] = []
        report = EnrolReport()
        for line, cells in rows:
            pid = re.sub(r"\s+", "", cells[id_i] if id_i < len(cells) else "").upper()
            ph = (cells[ph_i] if ph_i < len(cells) else "").strip()
            if not pid or not ph:
                report.errors.append(EnrolProblem(pid, "", f"line {line}: needs both an id and "
                                                  "a photo path"))
                continue
            photo = Path(ph)
            if not photo.is_absolute():
                photo = path.parent / photo
            items.append((pid, photo))
        return self._enrol_items(items, engine, f"csv:{path.name}", user=user, progress=progress,
                                 report=report)

    # -- retention ----------------------------------------------------------------------------

    def purge_leavers(self, today: _dt.date | None = None, days: int | None = None, *,
                      user: str | None = None, _reason: str = "") -> list[str]:
        """Delete the face encodings of people ``days`` after their leaving date. Audited."""
        today = today or _dt.date.today()
        if days is None:
            from photovet.core.settings import Settings  # noqa: PLC0415

            try:
                days = int(Settings.load().get("retention.purge_encodings_days_after_leaving", 0))
            except (PhotoVetError, TypeError, ValueError):
                days = 0
        cutoff = (today - _dt.timedelta(days=max(0, days))).isoformat()
        with atomic(self.db):
            ids = [r[0] for r in self.db.execute(
                "SELECT DISTINCT p.id FROM people p JOIN encodings e ON e.person_id = p.id "
                "WHERE p.leaving_date IS NOT NULL AND p.leaving_date <= ? ORDER BY p.id", [cutoff])]
            if ids:
                q = ",".join("?" * len(ids))
                n = self.db.execute(f"DELETE FROM encodings WHERE person_id IN ({q})", ids).rowcount
                self.audit.record("register.purge-encodings", {
                    "people": ids, "encodings": n, "days_after_leaving": days,
                    "import_id": _reason or None}, user=user)
        return ids


__all__ = [
    "ColumnMapping", "ConsentChange", "EnrolProblem", "EnrolReport", "FIELDS", "ImportReport",
    "PersonNote", "REQUIRED_FIELDS", "Register", "RowProblem", "detect_mapping", "load_mapping",
    "parse_date", "parse_yes_no", "read_table", "save_mapping", "upn_check_ok",
]
