"""Reading one cell of an MIS export: Yes/No/not recorded, dates, roles, UPNs."""

from __future__ import annotations

import datetime as _dt
import re

from photovet.core.models import NO, NOT_RECORDED, YES

_YES_WORDS = {"yes", "y", "true", "1"}
_NO_WORDS = {"no", "n", "false", "0"}
_NOT_RECORDED_WORDS = {"n/a", "na", "-", "not recorded", "unknown", "n.a.", "n a", "--"}
STAFF_WORDS = {"staff", "teacher", "teaching staff", "support staff", "employee", "adult",
                "ta", "teaching assistant", "governor", "volunteer"}
PUPIL_WORDS = {"pupil", "student", "learner", "child"}
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
            if dmy:
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
