"""One row of an MIS export, read into a Person and its consent values, with every problem
found in it (by line and column)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from photovet.core.models import NO, NOT_RECORDED, YES, Person
from photovet.core.register.mapping import (
    DO_NOT_PHOTOGRAPH,
    NAME_WITH_PHOTO,
    REQUIRED_FIELDS,
    ColumnMapping,
    consent_field,
    field_title,
)
from photovet.core.register.reports import RowProblem
from photovet.core.register.values import (
    PUPIL_WORDS,
    STAFF_WORDS,
    TEMP_UPN_RE,
    UPN_RE,
    parse_date,
    parse_yes_no,
    upn_check_ok,
)

Key = tuple[str, str]   # (channel or special field, media: "photo" | "video" | "any")
SPECIAL_KEYS: tuple[Key, ...] = ((NAME_WITH_PHOTO, "any"), (DO_NOT_PHOTOGRAPH, "any"))


def consent_keys(channels: list[str]) -> list[Key]:
    """Every consent value a person has: photo and video per channel, and the two special ones."""
    return [(c, m) for c in channels for m in ("photo", "video")] + list(SPECIAL_KEYS)


def key_field(key: Key) -> str:
    channel, media = key
    return channel if media == "any" else consent_field(channel, media)


@dataclass
class Row:
    line: int
    id: str
    person: Person
    states: dict[Key, str]          # (channel, media) -> yes/no/not recorded
    present: set[Key] = field(default_factory=set)   # values the file has a column for
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    variants: list[RowProblem] = field(default_factory=list)
    blanks: list[str] = field(default_factory=list)
    family_present: bool = False    # the file has a family / contact column
    leaving_date_present: bool = False  # the file has a leaving date column


class Layout:
    """Where each field is in a row (worked out once per import)."""

    def __init__(self, headers: list[str], mapping: ColumnMapping):
        idx = {h: i for i, h in enumerate(headers)}
        self.headers = headers
        self.cols: dict[str, tuple[int, str]] = {
            f: (idx[c], c) for f, c in mapping.fields.items() if c and c in idx}
        self.id_kind = mapping.id_kind


def parse_row(line: int, cells: list[str], layout: Layout, channels: list[str]) -> Row:
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
            errors.append(RowProblem(line, col, value, f"the {field_title(fld)} is blank",
                                     pid, "missing_value"))
    family, family_col = cell("family")
    p.family = " ".join(family.split())
    leaving_col = cell("leaving_date")[1]
    for fld in ("date_of_birth", "leaving_date"):
        value, col = cell(fld)
        try:
            setattr(p, fld, parse_date(value))
        except ValueError:
            errors.append(RowProblem(line, col, value, f"'{value.strip()}' is not a date "
                                     "(use DD/MM/YYYY)", pid, "invalid_date",
                                     "it must be a date written DD/MM/YYYY, or blank"))
    # role: a role column, else "Staff" in the year group, else a staff-code id column
    role_value, role_col = cell("role")
    rv = " ".join(role_value.lower().split())
    if rv:
        if rv in STAFF_WORDS:
            p.role = "staff"
        elif rv in PUPIL_WORDS:
            p.role = "pupil"
        else:
            errors.append(RowProblem(line, role_col, role_value, f"'{role_value.strip()}' is not "
                                     "a role (use Pupil or Staff)", pid, "invalid_value",
                                     "it must be Pupil or Staff"))
    elif p.year_group.strip().lower() in STAFF_WORDS or layout.id_kind == "staff":
        p.role = "staff"
    if p.role == "staff" and p.year_group.strip().lower() in STAFF_WORDS:
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
    states: dict[Key, str] = {}
    present: set[Key] = set()
    blanks: list[str] = []
    for key in consent_keys(channels):
        fld = key_field(key)
        value, col = cell(fld)
        if not col:
            states[key] = NO if fld == DO_NOT_PHOTOGRAPH else NOT_RECORDED
            continue
        present.add(key)
        state, how = parse_yes_no(value)
        if state is None:
            # what a blank cell counts as, as read below
            blank = "No" if fld == DO_NOT_PHOTOGRAPH else "not recorded"
            errors.append(RowProblem(line, col, value, f"'{value.strip()}' is not Yes or No "
                                     "(the whole row is rejected)", pid, "invalid_value",
                                     f"it must be Yes or No, or blank for {blank}"))
            continue
        if fld == DO_NOT_PHOTOGRAPH and state == NOT_RECORDED:
            state = NO  # a blank do-not-photograph cell is the normal "no restriction"
            if how == "word":
                warnings.append(RowProblem(line, col, value, f"'{value.strip()}' read as No",
                                           pid, "not_recorded"))
        elif how == "word":
            warnings.append(RowProblem(line, col, value, f"'{value.strip()}' means not recorded: "
                                       "counted as No", pid, "not_recorded"))
        elif how == "blank":
            blanks.append(fld)
        elif how == "variant":
            variants.append(RowProblem(line, col, value, f"'{value}' read as "
                                       f"{'Yes' if state == YES else 'No'}", pid, "accepted_variant"))
        states[key] = state
    p.photo_consent = {c: states.get((c, "photo"), NOT_RECORDED) for c in channels}
    p.video_consent = {c: states.get((c, "video"), NOT_RECORDED) for c in channels}
    p.name_with_photo = states.get((NAME_WITH_PHOTO, "any")) == YES
    p.name_consent = states.get((NAME_WITH_PHOTO, "any"), NOT_RECORDED)
    p.do_not_photograph = states.get((DO_NOT_PHOTOGRAPH, "any")) == YES
    return Row(line, pid, p, states, present, errors, warnings, variants, blanks,
               family_present=bool(family_col), leaving_date_present=bool(leaving_col))


__all__ = ["Key", "Layout", "Row", "SPECIAL_KEYS", "consent_keys", "key_field", "parse_row"]
