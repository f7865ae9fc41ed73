"""Which column of an MIS export holds which register field.

Headers of the common MIS exports are recognised automatically (UPN / Pupil UPN / Admission No /
Staff Code, Legal Surname / Surname / Last Name, "Consent: School Website", "Photo consent -
social media (Facebook)", "Twitter", "Local Press", ...). A column that speaks of video
("Consent: Videos on Facebook", "Filming - YouTube") is VIDEO consent for its channel and never
photo consent; "Photos and videos on Facebook" is both. A saved mapping (field -> header, a
small JSON file) overrides the detection.

Fields: the person fields in ``FIELDS``, ``consent:<channel>`` (photo consent) and
``video:<channel>`` (video consent).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from photovet.core.errors import RegisterImportError
from photovet.core.fsutil import atomic_write_text
from photovet.core.words import CHANNEL_ADD_FIRST_COMMAND

NAME_WITH_PHOTO = "name_with_photo"
DO_NOT_PHOTOGRAPH = "do_not_photograph"
SPECIAL_FIELDS = (NAME_WITH_PHOTO, DO_NOT_PHOTOGRAPH)

FIELDS: tuple[str, ...] = (
    "id", "legal_surname", "legal_forename", "preferred_forename", "preferred_surname", "role",
    "year_group", "reg_group", "date_of_birth", "leaving_date", NAME_WITH_PHOTO,
    DO_NOT_PHOTOGRAPH, "notes", "family",
)
REQUIRED_FIELDS: tuple[str, ...] = ("id", "legal_surname", "legal_forename")
CONSENT_PREFIX = "consent:"
VIDEO_PREFIX = "video:"


def consent_field(channel: str, media: str) -> str:
    return (VIDEO_PREFIX if media == "video" else CONSENT_PREFIX) + channel


def parse_consent_field(fld: str) -> tuple[str, str] | None:
    """(channel, media) for a consent field, else None."""
    if fld.startswith(CONSENT_PREFIX):
        return fld[len(CONSENT_PREFIX):], "photo"
    if fld.startswith(VIDEO_PREFIX):
        return fld[len(VIDEO_PREFIX):], "video"
    return None


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("\ufeff", "").lower()
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


ID_ALIASES = {
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
    # notes about photos or consent only (shown on the person's page to the office, e.g. "group
    # photos only, agreed with mum"): an MIS's general notes, comments or remarks column holds
    # health, SEN and family details PhotoVet does not need, so it is not taken by itself
    # (GENERAL_NOTES; it can still be chosen by hand)
    "notes": ["photo notes", "consent notes", "photo consent notes", "photograph notes",
              "photography notes", "media notes", "image notes", "photo comments",
              "consent comments", "photo note", "consent note"],
    # siblings and twins share it (SIMS "Family ID", Arbor "Family Code", contact ids...)
    "family": ["family", "family id", "family code", "family no", "family number", "family ref",
               "family reference", "family group", "family key", "sibling group",
               "sibling id", "sibling code", "sibling group id", "sibling link", "household",
               "household id", "household code", "contact id", "contact code", "main contact id",
               "primary contact id", "priority contact id", "contact 1 id", "parent id",
               "carer id", "guardian id"],
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
         "used", "publish", "published", "and", "with", "given", "parental", "video", "videos",
         "film", "films", "filming", "filmed", "recording", "recordings", "recorded", "footage",
         "moving", "clips", "clip"}
_VIDEO_WORDS = {"video", "videos", "film", "films", "filming", "filmed", "recording",
                "recordings", "recorded", "footage", "moving", "clips", "clip"}
_PHOTO_WORDS = {"photo", "photos", "photograph", "photographs", "photography", "image",
                "images", "picture", "pictures", "still", "stills"}
_CHANNEL_WORDS: dict[str, set[str]] = {
    "website": {"website", "web", "site", "websites", "webpage", "internet"},
    "facebook": {"facebook", "fb"},
    "x": {"x", "twitter"},
    "instagram": {"instagram", "insta", "ig"},
    "newsletter": {"newsletter", "newsletters"},
    "press": {"press", "newspaper", "newspapers", "paper"},
}


#: words that say a column does not allow something ("no video", "not for the website")
_NOT_WORDS = {"no", "not", "non", "without", "excluding", "except", "exc", "excl", "never",
              "nor"}
#: how a header says its values' form ("Facebook (Yes/No)"): not a "no" of its own
_ANSWER_PAIRS = re.compile(r"\b(?:yes no|no yes|y n|n y)\b")


def _says_not(tokens: list[str]) -> bool:
    """Does a header (its ``norm`` words) say what its column does not allow?"""
    return bool(_NOT_WORDS & set(_ANSWER_PAIRS.sub(" ", " ".join(tokens)).split()))


def _id_kind_of(header: str) -> str:
    n = norm(header)
    for kind, names in ID_ALIASES.items():
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


#: an MIS's general notes columns: not taken as the register's notes by themselves (see
#: ``_ALIASES["notes"]``); the mapping says why
GENERAL_NOTES = frozenset({"notes", "note", "comments", "comment", "remarks", "general notes",
                           "pupil notes", "student notes", "additional notes", "other notes",
                           "other information", "additional information"})


def _channel_words(channels: dict[str, str]) -> dict[str, set[str]]:
    words: dict[str, set[str]] = {}
    for name, label in channels.items():
        w = set(_CHANNEL_WORDS.get(name, set()))
        if name not in _CHANNEL_WORDS:
            w |= {t for t in norm(name.replace("_", " ")).split() if t not in _STOP}
            w |= {t for t in norm(label).split() if t not in _STOP}
        if w:
            words[name] = w
    return words


def detect_mapping(headers: list[str], channels: dict[str, str] | None = None) -> ColumnMapping:
    """Guess the field of every header. ``channels``: name -> label (builtins + school-added)."""
    channels = dict(channels or {})
    words = _channel_words(channels)
    m = ColumnMapping(headers=list(headers))
    fields: dict[str, str | None] = {f: None for f in FIELDS}
    for ch in channels:
        fields[CONSENT_PREFIX + ch] = None
        fields[VIDEO_PREFIX + ch] = None
    claimed: dict[str, list[str]] = {}
    id_candidates: list[tuple[int, str]] = []
    order = {"upn": 0, "staff": 1, "other": 2}
    for h in headers:
        n = norm(h)
        if not n:
            continue
        hit = None
        for kind, names in ID_ALIASES.items():
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
        if hit is None and _says_not(tokens) and (
                {"name", "names"} & set(tokens) or any(
                    ws & set(t for t in tokens if t not in _STOP) for ws in words.values())):
            # "Instagram (no video)", "Facebook photos without names": a Yes there is not
            # consent for all the header names, and which part it is for is a person's
            # reading: never guessed (s61: the first was taken as video consent)
            m.notes.append(f"column '{h}' says what it does not allow; PhotoVet cannot tell "
                           "which consent a Yes in it gives, so it is not used: map it by "
                           "hand")
            m.ignored.append(h)
            continue
        if hit is None and ("name" in tokens or "names" in tokens):
            hit = NAME_WITH_PHOTO
        hits: list[str] = [hit] if hit else []
        if hit is None:
            found = {ch for ch, ws in words.items() if ws & set(t for t in tokens if t not in _STOP)}
            # "web site" / "school web site" written as two words
            if len(found) == 1:
                ch = found.pop()
                video = bool(_VIDEO_WORDS & set(tokens))
                photo = bool(_PHOTO_WORDS & set(tokens)) or not video
                hits = ([CONSENT_PREFIX + ch] if photo else []) + ([VIDEO_PREFIX + ch] if video else [])
                hit = hits[0]
            elif len(found) > 1:
                m.notes.append(f"column '{h}' names several channels "
                               f"({', '.join(sorted(channels.get(c, c) for c in found))}); "
                               "map it by hand if it should be used")
            elif {"consent", "permission"} & set(tokens) or "photo" in tokens:
                m.notes.append(f"column '{h}' looks like a consent column for a channel "
                               f"PhotoVet does not know; {CHANNEL_ADD_FIRST_COMMAND} or "
                               "map it")
        if hit is None and n in GENERAL_NOTES:
            m.notes.append(f"column '{h}' is not kept: PhotoVet keeps only notes about photos "
                           "or consent (a column called 'Photo notes' or 'Consent notes'); an "
                           "MIS's general notes can hold health, SEN or family details it does "
                           "not need. Map it by hand only if it holds nothing else")
        if hit is None:
            m.ignored.append(h)
            continue
        for fld in hits:
            claimed.setdefault(fld, []).append(h)
    if id_candidates:
        id_candidates.sort(key=lambda t: t[0])
        claimed["id"] = [id_candidates[0][1]]
        m.ignored.extend(h for _, h in id_candidates[1:])
    for fld, hs in claimed.items():
        if len(hs) > 1:
            m.ambiguous[fld] = list(hs)
            m.problems.append(could_be(fld, hs, headers, channels))
            continue
        fields[fld] = hs[0]
    m.fields = fields
    m.unmapped_required = [f for f in REQUIRED_FIELDS if not fields.get(f)]
    return m


def column_letter(index: int) -> str:
    """A column's letter as a spreadsheet shows it (0 -> 'A', 26 -> 'AA')."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def could_be(fld: str, candidates: list[str], headers: list[str],
             labels: dict[str, str] | None = None) -> str:
    """The problem of several columns that could be one field, with what to do: a column
    mapping chooses one by its header, so columns with the same header (a pupil's and a
    contact's "Surname") are named by their letters, and one of them must be renamed."""
    title = field_title(fld, labels)
    same = [h for h in dict.fromkeys(candidates) if headers.count(h) > 1]
    if same:
        h = same[0]
        letters = [column_letter(i) for i, x in enumerate(headers) if x == h]
        listed = ", ".join(letters[:-1]) + " and " + letters[-1]
        return (f"columns {listed} are all called '{h}' and could each be {title}: rename "
                "the ones that are not (in Excel, on the first row), save it as CSV and import "
                "it again" if len(letters) > 2 else
                f"columns {listed} are both called '{h}' and either could be {title}: rename "
                "the one that is not (in Excel, on the first row), save it as CSV and import "
                "it again")
    return (f"{len(candidates)} columns could be {title}: "
            f"{', '.join(repr(h) for h in candidates)}; choose one with a column mapping")


def field_title(fld: str, labels: dict[str, str] | None = None) -> str:
    """'consent for Facebook', 'video consent for YouTube', 'the surname'..."""
    cm = parse_consent_field(fld)
    if cm is not None:
        ch, media = cm
        label = (labels or {}).get(ch, ch)
        return f"video consent for {label}" if media == "video" else f"consent for {label}"
    return {"id": "the UPN / id", "legal_surname": "the surname", "legal_forename": "the forename",
            NAME_WITH_PHOTO: "consent for the name with photo",
            DO_NOT_PHOTOGRAPH: "do not photograph",
            "family": "the family / contact id (siblings)"}.get(fld, fld.replace("_", " "))


def normalise_field_name(fld: str) -> str:
    for prefix in ("video.", "video_", "video:"):
        if fld.startswith(prefix) and fld not in FIELDS:
            return VIDEO_PREFIX + fld[len(prefix):]
    for prefix in ("consent.", "consent_", "consent:"):
        if fld.startswith(prefix) and fld not in FIELDS:
            return CONSENT_PREFIX + fld[len(prefix):]
    return {"surname": "legal_surname", "forename": "legal_forename", "upn": "id",
            "year": "year_group"}.get(fld, fld)


#: what to do about a file given as a column mapping that is not one
MAPPING_HINT = ("Choose the .json file PhotoVet saved with the column choices ('Save the "
                "column choices' in the app's register import).")


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a saved column mapping (JSON: {"columns": {field: header}})."""
    path = Path(path)
    # s65: each was Python's own words ("[Errno 21] Is a directory: '...'", "Expecting value:
    # line 1 column 1 (char 0)", "'utf-8' codec can't decode byte 0xff ...")
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise RegisterImportError("the column mapping file was not found", path=path) from exc
    except IsADirectoryError as exc:
        raise RegisterImportError("that is a folder, not a column mapping file", path=path,
                                  hint=MAPPING_HINT) from exc
    except PermissionError as exc:
        raise RegisterImportError("PhotoVet is not allowed to read the column mapping file "
                                  "(permission denied)", path=path) from exc
    except OSError as exc:
        raise RegisterImportError("the column mapping file could not be read "
                                  f"({exc.strerror or exc})", path=path) from exc
    if not raw.strip():
        raise RegisterImportError("the column mapping file is empty", path=path,
                                  hint=MAPPING_HINT)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RegisterImportError("this is not a column mapping file (it is not text)",
                                  path=path, hint=MAPPING_HINT) from exc
    except json.JSONDecodeError as exc:
        raise RegisterImportError(
            f"this is not a column mapping file PhotoVet can read (its text is not in the "
            f"form PhotoVet saves, near line {exc.lineno})", path=path, hint=MAPPING_HINT) from exc
    cols = data.get("columns", data) if isinstance(data, dict) else None
    if not isinstance(cols, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in cols.items()):
        raise RegisterImportError(
            "the column mapping file should hold {\"columns\": {field: column header}}", path=path)
    return ColumnMapping(fields={normalise_field_name(k): v for k, v in cols.items()
                                 if k != "photovet_register_mapping"})


def save_mapping(mapping: ColumnMapping | dict[str, str | None], path: str | Path) -> Path:
    """Write a column mapping as a small JSON file (atomically)."""
    fields = mapping.fields if isinstance(mapping, ColumnMapping) else dict(mapping)
    path = Path(path)
    data = {"photovet_register_mapping": 1,
            "columns": {normalise_field_name(k): v for k, v in fields.items()}}
    return atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False), prefix=".mapping-")


__all__ = ["CONSENT_PREFIX", "ColumnMapping", "DO_NOT_PHOTOGRAPH", "FIELDS", "NAME_WITH_PHOTO",
           "REQUIRED_FIELDS", "SPECIAL_FIELDS", "VIDEO_PREFIX", "column_letter", "consent_field",
           "could_be", "detect_mapping",
           "field_title", "load_mapping", "normalise_field_name", "parse_consent_field",
           "save_mapping"]
