"""Plain data shared by every part of PhotoVet. No Qt, no I/O, no heavy imports.

Coordinates are always in *display orientation* pixels (after EXIF rotation), origin top left.
Boxes are ``(x, y, w, h)``. Every class has ``to_dict()`` giving JSON-ready values (the CLI's
``--json`` output and the analysis cache use them) and, where it is read back, ``from_dict()``.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from photovet.core.consent_states import NO as NO  # (for the modules that take it from here)
from photovet.core.consent_states import NOT_RECORDED, YES
from photovet.core.words import NAMES_NOT_LOOKED_FOR

# What a consent is for: photos and videos are consented to separately.
MEDIA: tuple[str, ...] = ("photo", "video")

# A consent cell's three states, YES, NO and NOT_RECORDED: defined in consent_states.py (which
# imports nothing), imported above. Only YES allows anything; NOT_RECORDED is treated as No, but
# unlike NO (a parent said no) a person may show a face with a stated reason (see policy).


@dataclass(frozen=True)
class Channel:
    """Where a school posts (see channels.py for the registry and the rules' meanings)."""

    id: str
    label: str
    long_edge: int | None = 2048      # exports are scaled so the longest side fits
    quality: int = 88                 # JPEG quality 50..95
    names: str = "initials"           # "full" | "first" | "initials" | "none"
    fixed_mode: str | None = None     # a mode that always applies on this channel
    audio: str = "listen"             # "listen" | "keep" | "mute" | "remove" (videos)
    builtin: bool = False
    position: int = 0
    cover_school: bool = False        # cover the school's names, address and crest (issue 18)
    group_only: bool = False          # group shots only: a photo one pupil dominates is flagged

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Mode(str, Enum):
    """How faces are decided.

    CONSENT: pupils and staff are shown where they consented for the channel.
    NO_IDENTIFIABLE_CHILDREN: every pupil is covered whatever the consent; staff by their consent.
    """

    CONSENT = "consent"
    NO_IDENTIFIABLE_CHILDREN = "no-identifiable-children"


# --------------------------------------------------------------------------------------------
# Metadata findings
# --------------------------------------------------------------------------------------------

# Finding categories, most serious first. ``location`` and ``people`` are the ones a school
# must never leak; the rest identify the device or owner.
FINDING_CATEGORIES = (
    "location",     # GPS, XMP/IPTC city/sublocation/country
    "people",       # XMP face regions with names, person-in-image tags
    "embedded",     # EXIF thumbnail, MPF previews, trailer data, motion-photo video
    "device",       # make/model, body and lens serial numbers
    "owner",        # owner, artist, copyright, author
    "date",         # capture/modify dates
    "text",         # comments, descriptions, PNG text chunks, keywords, captions
    "software",
    "makernote",
    "colour",       # ICC profile (converted to sRGB and dropped)
    "other",
)


@dataclass
class Finding:
    """One thing in a photo's file that would leak if the file were posted as it is."""

    category: str          # one of FINDING_CATEGORIES
    label: str             # for people: "GPS position", "Camera serial number"
    value: str             # for people: "52.9500 N, 1.1500 W"; "" when there is nothing to show
    source: str = ""       # where it lives: "EXIF", "XMP", "IPTC", "PNG text", "JPEG trailer"...
    action: str = "removed"  # what an export does with it: "removed" (always, today)
    data: dict[str, Any] = field(default_factory=dict)  # machine-readable, e.g. {"lat":..,"lon":..}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(**d)

    def sentence(self) -> str:
        """'GPS position 52.9500 N, 1.1500 W: removed'."""
        core = f"{self.label} {self.value}".strip()
        return f"{core}: {self.action}"


@dataclass
class MetadataReport:
    """What a photo file carries besides its pixels."""

    format: str = ""                 # "JPEG", "PNG", "HEIF", "WEBP", "TIFF", "AVIF", ...
    extension_mismatch: bool = False  # the name says one format, the content another
    orientation: int = 1             # EXIF orientation as stored (1..8; invalid shown as 1)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def gps(self) -> tuple[float, float] | None:
        for f in self.findings:
            if "lat" in f.data and "lon" in f.data:
                return (f.data["lat"], f.data["lon"])
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "extension_mismatch": self.extension_mismatch,
            "orientation": self.orientation,
            "gps": list(self.gps) if self.gps else None,
            "findings": [f.to_dict() for f in self.findings],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MetadataReport:
        return cls(
            format=d.get("format", ""),
            extension_mismatch=d.get("extension_mismatch", False),
            orientation=d.get("orientation", 1),
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            warnings=list(d.get("warnings", [])),
        )


# --------------------------------------------------------------------------------------------
# People and consent (the register's view that policy needs)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FormerName:
    """A name a person had in the register before an MIS import renamed them ("also known as").
    Names are checked with every former name exactly as with the current one (a renamed pupil is
    still known by the old name, and the rename is often the safeguarding event itself).
    ``other_person``: replaced when the date of birth changed too (probably another person under
    a reused or mis-keyed id): a name found in this form is matched to nobody for certain."""

    legal_forename: str = ""
    legal_surname: str = ""
    preferred_forename: str = ""
    preferred_surname: str = ""
    until: _dt.date | None = None            # the day the import replaced it
    other_person: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.preferred_forename or self.legal_forename} " \
               f"{self.preferred_surname or self.legal_surname}".strip()

    @property
    def forenames(self) -> tuple[str, ...]:
        return tuple(f for f in (self.legal_forename, self.preferred_forename) if f)

    @property
    def surnames(self) -> tuple[str, ...]:
        return tuple(s for s in (self.legal_surname, self.preferred_surname) if s)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["until"] = self.until.isoformat() if self.until else None
        return d


@dataclass
class Person:
    """One row of the consent register, as policy and the app see it."""

    id: str                                  # UPN for pupils, staff code for staff
    legal_forename: str = ""
    legal_surname: str = ""
    preferred_forename: str = ""
    preferred_surname: str = ""
    role: str = "pupil"                      # "pupil" | "staff"
    year_group: str = ""
    reg_group: str = ""
    date_of_birth: _dt.date | None = None
    leaving_date: _dt.date | None = None
    notes: str = ""
    photo_consent: dict[str, str] = field(default_factory=dict)  # channel -> yes/no/not recorded
    video_consent: dict[str, str] = field(default_factory=dict)
    name_with_photo: bool = False            # consent to publish the name beside a photo
    name_consent: str = NOT_RECORDED         # the same as "yes" / "no" / "not recorded"
    do_not_photograph: bool = False          # safeguarding: overrides everything
    valid: bool = True                       # False when the register row was rejected
    enrolled: bool = False                   # has at least one face signature
    family: str = ""                         # the MIS family / contact id: siblings share it
    also_known_as: tuple[FormerName, ...] = ()   # former names (an import renamed them)
    missing_since: _dt.date | None = None    # first not in the MIS file (None: in it)
    #: the leaving date was entered in PhotoVet (kept by an import whose file has none), not
    #: given by a register file
    leaving_date_by_hand: bool = False
    #: when a consent's Yes was taken away, while it still is: "channel:media" -> the change's
    #: time (UTC ISO), from the register's history (its last change for that channel and media
    #: took a Yes away). Words only: policy says "Consent withdrawn on ..." for it, not "refused"
    withdrawn: dict[str, str] = field(default_factory=dict)

    @property
    def first_name(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def surname(self) -> str:
        return self.preferred_surname or self.legal_surname

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.surname}".strip() or self.id

    @property
    def initials(self) -> str:
        return "".join(p[0].upper() for p in (self.first_name, self.surname) if p)

    @property
    def forenames(self) -> tuple[str, ...]:
        """Every first name this person is known by: legal and preferred, now and before (a
        former name that may be another person's, ``FormerName.other_person``, is not theirs)."""
        names = [self.legal_forename, self.preferred_forename]
        for f in self.also_known_as:
            if not f.other_person:
                names.extend(f.forenames)
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def surnames(self) -> tuple[str, ...]:
        """Every surname this person is known by (as ``forenames``)."""
        names = [self.legal_surname, self.preferred_surname]
        for f in self.also_known_as:
            if not f.other_person:
                names.extend(f.surnames)
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    def consent_state(self, channel: str, media: str = "photo") -> str:
        """"yes", "no" or "not recorded" for this channel and media type."""
        states = self.video_consent if media == "video" else self.photo_consent
        return states.get(channel, NOT_RECORDED)

    def withdrawn_on(self, channel: str, media: str = "photo") -> str:
        """When this channel's and media's Yes was withdrawn (UTC ISO), or '' when it was
        never given (or is Yes now)."""
        if self.consent_state(channel, media) == YES:
            return ""
        return self.withdrawn.get(f"{channel}:{media}", "")

    def consents_to(self, channel: str, media: str = "photo") -> bool:
        """True only for an explicit Yes (photo consent is not video consent)."""
        return self.consent_state(channel, media) == YES

    def has_left(self, on: _dt.date) -> bool:
        return self.leaving_date is not None and self.leaving_date <= on

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("date_of_birth", "leaving_date", "missing_since"):
            d[k] = d[k].isoformat() if d[k] else None
        d["also_known_as"] = [f.to_dict() for f in self.also_known_as]
        return d


# --------------------------------------------------------------------------------------------
# Faces
# --------------------------------------------------------------------------------------------

class MatchStatus(str, Enum):
    RECOGNISED = "recognised"   # distance under threshold AND margin large enough
    UNCERTAIN = "uncertain"     # near someone, but not certain enough: covered, shown for review
    UNKNOWN = "unknown"         # nobody near
    NO_REGISTER = "no-register"  # nobody enrolled / face too small or poor to encode


def _same_as_from(value: Any) -> list[tuple[int, float]]:
    """``VideoTrack.same_as`` read back from JSON: [(track id, distance)]."""
    out: list[tuple[int, float]] = []
    for item in value or []:
        try:
            tid, dist = item
            out.append((int(tid), float(dist)))
        except (TypeError, ValueError):
            continue
    return out


def near_from(value: Any) -> list[tuple[str, float]]:
    """``Face.near`` / ``VideoTrack.near`` read back from JSON: [(register id, distance)]."""
    out: list[tuple[str, float]] = []
    for item in value or []:
        try:
            pid, dist = item
            out.append((str(pid), float(dist)))
        except (TypeError, ValueError):
            continue
    return out


@dataclass
class Match:
    """Result of comparing one face encoding with the enrolled people."""

    status: MatchStatus
    person: str | None = None        # register id of the nearest person (set for RECOGNISED and UNCERTAIN)
    distance: float | None = None    # to that person's nearest encoding
    margin: float | None = None      # distance to the nearest *different* person minus distance
    #: other enrolled people this face is also near enough to be (within their own accept
    #: distance + the uncertain band), nearest first: (register id, distance). Twins, siblings
    #: and look-alikes land here; policy asks a reason before a face is confirmed as one of
    #: them while another may not be shown (``policy.lookalikes_covered``).
    near: list[tuple[str, float]] = field(default_factory=list)

    @property
    def recognised(self) -> bool:
        return self.status is MatchStatus.RECOGNISED and self.person is not None


@dataclass
class Decision:
    """Show or cover (faces) / keep, cover or review (texts), with a reason a person understands."""

    action: str     # faces: "show" | "cover"; texts: "keep" | "cover" | "review"
    reason: str     # "No consent for Facebook", "On the do-not-photograph list", ...
    needs_review: bool = False  # uncertain: a human should look (the safe action is still taken)


@dataclass
class Face:
    """A detected face: what the detector and the matcher found, the human decision applied to
    it (from the photo's review), and the decision policy took (``decision``, ``reason``).

    ``decision`` is final: policy has already weighed any override, and refuses the ones it
    must (a do-not-photograph pupil is never shown, whatever was clicked).
    """

    box: tuple[int, int, int, int]     # x, y, w, h in display pixels
    score: float                       # detector confidence 0..1
    landmarks: list[tuple[float, float]] | None = None  # 5 points when the detector gives them
    person: str | None = None          # register id when recognised (or uncertain nearest)
    distance: float | None = None
    margin: float | None = None
    match_status: str = MatchStatus.UNKNOWN.value
    decision: str = "cover"            # "show" | "cover"  (fail closed: cover by default)
    reason: str = "Not recognised"
    needs_review: bool = False         # a decision is open that could change what is published
    override: str | None = None        # the review's decision: "show" | "cover" | "not-a-face"
    override_person: str | None = None  # the review says who this is
    override_reason: str = ""          # why a person showed it (required for unknown faces)
    refused: str = ""                  # why policy refused the override ("" when it did not)
    encoding: Any = None               # the face signature, or None; never serialised to JSON
    assigned_by: str = ""              # who said who this is (the review's "assign")
    assign_reason: str = ""            # why they said so (required over a recognition)
    hand_named: str = ""               # set by policy: "", "named", "relabelled", "over-refusal",
                                       # "look-alike"
    hand_note: str = ""                # set by policy: the words an approver reads about it
    #: the matcher's other candidates for this face (``Match.near``): (register id, distance)
    near: list[tuple[str, float]] = field(default_factory=list)
    near_note: str = ""                # set by policy: "It could also be Hope Bennett, ..." or ""

    @property
    def final_decision(self) -> str:
        return self.decision

    @property
    def who(self) -> str | None:
        """The register id this face is taken to be (assigned by hand, or recognised)."""
        if self.override == "not-a-face":
            return None
        if self.override_person:
            return self.override_person
        return self.person if self.match_status == MatchStatus.RECOGNISED.value else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "box": [int(v) for v in self.box],
            "score": round(float(self.score), 4),
            "landmarks": [[round(float(x), 1), round(float(y), 1)] for x, y in self.landmarks]
            if self.landmarks else None,
            "person": self.person,
            "distance": None if self.distance is None else round(float(self.distance), 4),
            "margin": None if self.margin is None else round(float(self.margin), 4),
            "match_status": self.match_status,
            "decision": self.decision,
            "reason": self.reason,
            "needs_review": self.needs_review,
            "override": self.override,
            "override_person": self.override_person,
            "override_reason": self.override_reason,
            "refused": self.refused,
            "assigned_by": self.assigned_by,
            "assign_reason": self.assign_reason,
            "hand_named": self.hand_named,
            "hand_note": self.hand_note,
            "near": [[str(p), round(float(x), 4)] for p, x in self.near],
            "near_note": self.near_note,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Face:
        return cls(
            box=tuple(d["box"]),
            score=d["score"],
            landmarks=[tuple(p) for p in d["landmarks"]] if d.get("landmarks") else None,
            person=d.get("person"),
            distance=d.get("distance"),
            margin=d.get("margin"),
            match_status=d.get("match_status", MatchStatus.UNKNOWN.value),
            decision=d.get("decision", "cover"),
            reason=d.get("reason", ""),
            needs_review=d.get("needs_review", False),
            override=d.get("override"),
            override_person=d.get("override_person"),
            override_reason=d.get("override_reason", ""),
            refused=d.get("refused", ""),
            assigned_by=d.get("assigned_by", ""),
            assign_reason=d.get("assign_reason", ""),
            hand_named=d.get("hand_named", ""),
            hand_note=d.get("hand_note", ""),
            near=near_from(d.get("near")),
            near_note=d.get("near_note", ""),
        )

    def detected(self) -> Face:
        """Only what detection and recognition found (no decisions): what the cache keeps."""
        return Face(box=self.box, score=self.score, landmarks=self.landmarks, person=self.person,
                    distance=self.distance, margin=self.margin, match_status=self.match_status,
                    near=list(self.near))


# --------------------------------------------------------------------------------------------
# Text in the picture
# --------------------------------------------------------------------------------------------

#: the kinds of text (``TextItem.kind``, a video text track's ``text_kind``) that are, or may
#: be, someone's name: their words are kept as the register id only, and a name left readable
NAME_KINDS = ("pupil-name", "staff-name", "name-like")
#: the context (``TextItem.context``, a video text track's ``context``) of the place after
#: "my name is", "Name:" or "awarded to" where nothing at all was read (names._after_cue, s53):
#: it has no text, and policy covers it until a person decides
UNREAD_AFTER_CUE = "unread"


@dataclass
class TextItem:
    """A line of text read in the photo, and what to do with it (``decision`` is final, as for
    faces)."""

    polygon: list[tuple[float, float]]  # 4 points, display pixels, TL, TR, BR, BL
    text: str
    score: float = 0.0                  # OCR confidence
    person: str | None = None           # register id when the text names a person
    kind: str = ""                      # "pupil-name" | "staff-name" | "name-like" | "" (ordinary)
    form: str = ""                      # how the name is written: "full", "forename", "surname"...
    school: str = ""                    # a school identifier: "name" | "abbreviation" | "address"
                                        # | "crest" (the crest picture, not text) | "" (none)
    school_unsure: bool = False         # the school match is uncertain (covered, for review)
    context: str = ""                   # "worn" (below a face: badge, lanyard, certificate),
                                        # "near" (beside a face, or large: a sign, a backdrop),
                                        # "label" (after "my name is", "Name:"), "" elsewhere
    low_confidence: bool = False        # the reader was not sure of the letters
    decision: str = "keep"              # "cover" | "keep"
    reason: str = ""
    needs_review: bool = False
    override: str | None = None         # the review's decision: "cover" | "keep"
    override_reason: str = ""
    refused: str = ""
    card: bool = False                  # decided with ``decision`` (policy.covers_card): the
                                        # badge around this line is covered too (its other
                                        # printed lines: the school's name, where hidden)
    cue: str = ""                       # the places after one cue line where nothing was read
                                        # (context ``UNREAD_AFTER_CUE``) share it: one question,
                                        # one answer for them all (policy.cue_places)

    @property
    def final_decision(self) -> str:
        return self.decision

    def to_dict(self) -> dict[str, Any]:
        return {
            "polygon": [[round(float(x), 1), round(float(y), 1)] for x, y in self.polygon],
            "text": self.text,
            "score": round(float(self.score), 4),
            "person": self.person,
            "kind": self.kind,
            "form": self.form,
            "school": self.school,
            "school_unsure": self.school_unsure,
            "context": self.context,
            "low_confidence": self.low_confidence,
            "decision": self.decision,
            "reason": self.reason,
            "needs_review": self.needs_review,
            "override": self.override,
            "override_reason": self.override_reason,
            "refused": self.refused,
        } | ({"card": True} if self.card else {}) | ({"cue": self.cue} if self.cue else {})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TextItem:
        return cls(
            polygon=[tuple(p) for p in d["polygon"]],
            text=d["text"],
            score=d.get("score", 0.0),
            person=d.get("person"),
            kind=d.get("kind", ""),
            form=d.get("form", ""),
            school=d.get("school", ""),
            school_unsure=d.get("school_unsure", False),
            context=d.get("context", ""),
            low_confidence=d.get("low_confidence", False),
            decision=d.get("decision", "keep"),
            reason=d.get("reason", ""),
            needs_review=d.get("needs_review", False),
            override=d.get("override"),
            override_reason=d.get("override_reason", ""),
            refused=d.get("refused", ""),
            card=bool(d.get("card", False)),
            cue=str(d.get("cue", "")),
        )

    def detected(self) -> TextItem:
        return TextItem(polygon=self.polygon, text=self.text, score=self.score,
                        person=self.person, kind=self.kind, form=self.form, school=self.school,
                        school_unsure=self.school_unsure, context=self.context,
                        low_confidence=self.low_confidence, cue=self.cue)


# --------------------------------------------------------------------------------------------
# Devices and photo-level flags (issue 18)
# --------------------------------------------------------------------------------------------

def _norm_word(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Device:
    """A camera or phone, as a photo's metadata names it (make, model, body serial number)."""

    make: str = ""
    model: str = ""
    serial: str = ""

    @property
    def known(self) -> bool:
        return bool(self.make or self.model or self.serial)

    @property
    def label(self) -> str:
        """'Canon EOS 250D (serial 0123456)'."""
        name = self.model if self.make and self.model.lower().startswith(
            self.make.lower().split()[0]) else f"{self.make} {self.model}"
        name = " ".join(name.split()) or "Unknown camera"
        return f"{name} (serial {self.serial})" if self.serial else name

    def key(self) -> tuple[str, str, str]:
        """What identifies the device: case and spacing ignored."""
        return (_norm_word(self.make), _norm_word(self.model), _norm_word(self.serial))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PhotoFlag:
    """Something about the whole photo a person should see (set by policy at each decision).

    ``kind``: "group-shot" (one pupil dominates on a group-shots-only channel), "device" (which
    camera took it, and whether the school approved it). ``needs_review``: a person should look
    (the photo shows as needing review). ``blocks``: export and approval are refused until a
    person accepts it with a reason (``accepted``, from the photo's review).
    """

    kind: str
    message: str
    needs_review: bool = False
    blocks: bool = False
    accepted: str = ""               # why a person accepted it ("" = not accepted)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.needs_review and not self.accepted

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PhotoFlag:
        return cls(kind=d["kind"], message=d.get("message", ""),
                   needs_review=d.get("needs_review", False), blocks=d.get("blocks", False),
                   accepted=d.get("accepted", ""), data=dict(d.get("data") or {}))


# --------------------------------------------------------------------------------------------
# Covers (what export paints over)
# --------------------------------------------------------------------------------------------

@dataclass
class Cover:
    """An area to cover in the export.

    ``shape``: "ellipse" (faces; ``box`` is the area to fill, already grown), "rect" or
    "polygon" (texts; ``points``). ``source`` says why: "face", "text" or "manual".
    """

    shape: str
    box: tuple[int, int, int, int] | None = None
    points: list[tuple[float, float]] | None = None
    source: str = "manual"
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "shape": self.shape,
            "box": list(self.box) if self.box else None,
            "points": [list(p) for p in self.points] if self.points else None,
            "source": self.source,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Cover:
        return cls(
            shape=d["shape"],
            box=tuple(d["box"]) if d.get("box") else None,
            points=[tuple(p) for p in d["points"]] if d.get("points") else None,
            source=d.get("source", "manual"),
            label=d.get("label", ""),
        )


# --------------------------------------------------------------------------------------------
# A photo's analysis and its export
# --------------------------------------------------------------------------------------------

class PhotoStatus(str, Enum):
    READY = "ready"                # nothing to cover, nothing open
    WILL_COVER = "will-cover"      # faces or text will be covered; nothing open
    NEEDS_REVIEW = "needs-review"  # a decision is open that could change what is published
    FAILED = "failed"


STATUS_LABELS = {
    PhotoStatus.READY: "Ready",
    PhotoStatus.WILL_COVER: "Will cover",
    PhotoStatus.NEEDS_REVIEW: "Needs review",
    PhotoStatus.FAILED: "Failed",
}


@dataclass
class PhotoAnalysis:
    """Everything PhotoVet found in one photo, and (after ``policy.decide_photo``) what it
    decided for one channel."""

    path: str
    sha256: str = ""
    width: int = 0                      # display orientation
    height: int = 0
    media: str = "photo"
    channel: str = ""
    mode: str = Mode.CONSENT.value
    error: str | None = None            # one line, names the cause; set => status FAILED
    warnings: list[str] = field(default_factory=list)
    faces: list[Face] = field(default_factory=list)
    texts: list[TextItem] = field(default_factory=list)
    manual: list[Cover] = field(default_factory=list)  # areas covered by hand (from the review)
    metadata: MetadataReport | None = None
    faces_checked: bool = False         # False: detection did not run; never exported
    analysis_key: str = ""              # settings and enrolments the analysis was made with
    register_key: str = ""              # the register it was made with (Engine.register_key)
    review_notes: list[str] = field(default_factory=list)  # review decisions that no longer fit
    review_version: str = ""            # what review was applied (see review.py)
    flags: list[PhotoFlag] = field(default_factory=list)  # set by policy at each decision

    @property
    def names_not_looked_for(self) -> bool:
        """True when reading text was off for it: nobody looked for names on badges,
        certificates or work, and every view says so where its text would be listed."""
        return NAMES_NOT_LOOKED_FOR in self.warnings

    @property
    def cover_count(self) -> int:
        return sum(1 for f in self.faces if f.decision != "show")

    @property
    def covered_text_count(self) -> int:
        return sum(1 for t in self.texts if t.decision == "cover")

    @property
    def needs_review(self) -> bool:
        """A decision is still open that could change what is published (set by policy)."""
        return any(f.needs_review for f in self.faces) or any(t.needs_review for t in self.texts) \
            or any(f.open for f in self.flags)

    @property
    def status(self) -> PhotoStatus:
        if self.error:
            return PhotoStatus.FAILED
        if self.needs_review:
            return PhotoStatus.NEEDS_REVIEW
        if self.cover_count or self.covered_text_count or self.manual:
            return PhotoStatus.WILL_COVER
        return PhotoStatus.READY

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
            "media": self.media,
            "channel": self.channel,
            "mode": self.mode,
            "status": self.status.value,
            "error": self.error,
            "warnings": list(self.warnings),
            "faces": [f.to_dict() for f in self.faces],
            "texts": [t.to_dict() for t in self.texts],
            "manual": [r.to_dict() for r in self.manual],
            "metadata": self.metadata.to_dict() if self.metadata else None,
            "faces_checked": self.faces_checked,
            "analysis_key": self.analysis_key,
            "register_key": self.register_key,
            "review_notes": list(self.review_notes),
            "flags": [f.to_dict() for f in self.flags],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PhotoAnalysis:
        return cls(
            path=d["path"],
            sha256=d.get("sha256", ""),
            width=d.get("width", 0),
            height=d.get("height", 0),
            media=d.get("media", "photo"),
            channel=d.get("channel", ""),
            mode=d.get("mode", Mode.CONSENT.value),
            error=d.get("error"),
            warnings=list(d.get("warnings", [])),
            faces=[Face.from_dict(f) for f in d.get("faces", [])],
            texts=[TextItem.from_dict(t) for t in d.get("texts", [])],
            manual=[Cover.from_dict(r) for r in d.get("manual", [])],
            metadata=MetadataReport.from_dict(d["metadata"]) if d.get("metadata") else None,
            faces_checked=d.get("faces_checked", False),
            analysis_key=d.get("analysis_key", ""),
            register_key=d.get("register_key", ""),
            review_notes=list(d.get("review_notes", [])),
            flags=[PhotoFlag.from_dict(f) for f in d.get("flags", [])],
        )

    def detected(self) -> PhotoAnalysis:
        """What analysis found, with no decisions and no review (what the cache keeps)."""
        return PhotoAnalysis(
            path=self.path, sha256=self.sha256, width=self.width, height=self.height,
            media=self.media, error=self.error, warnings=list(self.warnings),
            faces=[f.detected() for f in self.faces], texts=[t.detected() for t in self.texts],
            metadata=self.metadata, faces_checked=self.faces_checked,
            analysis_key=self.analysis_key, register_key=self.register_key)


@dataclass
class ExportResult:
    """One exported file (or the reason it was not exported)."""

    source: str
    output: str | None = None
    error: str | None = None
    source_sha256: str = ""
    output_sha256: str = ""
    width: int = 0
    height: int = 0
    faces_covered: int = 0
    texts_covered: int = 0
    manual_covers: int = 0
    metadata_removed: list[str] = field(default_factory=list)   # Finding.sentence() of each
    people_shown: list[str] = field(default_factory=list)    # register ids, face shown
    people_covered: list[str] = field(default_factory=list)  # recognised, face covered
    names_covered: list[str] = field(default_factory=list)   # their name in the picture covered
    names_shown: list[str] = field(default_factory=list)     # their name in the picture readable
    #: people a face shown may be besides whom it is shown as (policy.maybe_shown): (register
    #: id, whom that face is shown as ('' nobody), "recognised" | "near")
    people_maybe: list[tuple[str, str, str]] = field(default_factory=list)
    #: why each of them was already missing here as the export was decided ('' they were not);
    #: one not given is judged as the register is when the export is recorded
    maybe_missing: dict[str, str] = field(default_factory=dict)
    #: every face left visible in a photo, where it is as fractions of the picture (x, y, w,
    #: h) and whom it is shown as ('' nobody): a subject access report covers the others'
    #: (records/sar.py). None: not recorded (a video: faces move)
    faces_shown: list[dict[str, Any]] | None = None
    #: every name left readable in a photo: where (its corners as fractions of the picture)
    #: and whose ('' nobody known); None: not recorded (a video)
    names_kept: list[dict[str, Any]] | None = None
    #: a video: the time (seconds from its first picture) of the one frame whose faces left
    #: visible and names left readable ``faces_shown`` and ``names_kept`` are (the frame a
    #: report shows, covered: s33); None for a photo
    faces_at: float | None = None
    channel: str = ""
    #: the channel's rules the copy was made under (``policy.rules_of``: the school's name and
    #: crest covered, group shots only, the sound rule, the names rule, a fixed mode), kept with
    #: its record so a post of it elsewhere, or after the channel's rules changed, is judged by
    #: what was applied to it, not by the rules as they are then (s46); {}: not known
    channel_rules: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""    # what was approved (approval.py); no approval: what it published
    analysis_key: str = ""                                   # the analysis it was decided from
    approver: str | None = None
    preparer: str | None = None                              # who marked it ready (approval.py)
    device: dict[str, Any] = field(default_factory=dict)     # camera and whether approved
    checks: list[str] = field(default_factory=list)          # the approver's ticked checks
    #: the caption its approval signed ('' none: an approval with no caption, or one stored
    #: before captions were signed; None: exported without approval)
    approved_caption: str | None = None
    media: str = "photo"                                     # "photo" | "video"
    duration: float = 0.0                                    # videos: seconds of picture
    frames: int = 0                                          # videos: frames written
    sound: str = ""                                          # videos: "keep" | "mute" | "remove"
    # not exported: the kind of reason (pipeline.HELD_KINDS: "unreadable", "not-approved"...);
    # "" when the photo was refused while it was written (disk full, read-back check...)
    held: str = ""
    # exported already in this batch, as the same photo (the same bytes) read from this file:
    # ``output`` is that export (a second copy is never made)
    same_as: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and self.output is not None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d


@dataclass
class Progress:
    """Yielded by pipeline generators, one per photo (and one at the start with total)."""

    done: int
    total: int
    path: str | None = None
    result: Any = None          # PhotoAnalysis or ExportResult for this photo
    message: str = ""
    #: (the first, of a device's import) the files under it left alone, not photos or videos,
    #: as paths inside it: said after clearing, when they stay on the device (s62)
    others: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Videos (issue 17): faces and names followed through time as tracks
# --------------------------------------------------------------------------------------------

#: what a video's sound becomes in an export, least to most removed
SOUND_MODES: tuple[str, ...] = ("keep", "mute", "remove")


@dataclass
class VideoTrack:
    """One face (``kind`` "face") or one name, or line naming the school, written in the
    picture (``kind`` "text") followed through a video, from its first to its last detection,
    inside one shot.

    Boxes are ``(x1, y1, x2, y2)`` in display pixels of the analysed video, one per detection
    (``frames[i]`` is the frame of ``boxes[i]``). Covers are drawn from these with padding in
    space and time (media/video/covers.py). Who it is and the decisions work as for a ``Face``:
    ``decision`` is final, set by ``policy.decide_video``; ``override*`` come from the video's
    review (video_review.py).
    """

    id: int
    kind: str = "face"
    frames: list[int] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    shot_start: int = 0                # first frame of the shot the track lives in
    shot_end: int | None = None        # last frame of that shot (None: to the end of the video)
    vx: float = 0.0                    # smoothed speed, display px per frame
    vy: float = 0.0
    first_time: float = 0.0            # seconds from the first picture (first detection)
    last_time: float = 0.0             # (last detection)
    # recognition (face tracks)
    match_status: str = MatchStatus.UNKNOWN.value
    person: str | None = None          # recognised, or the nearest person of an uncertain track
    distance: float | None = None
    margin: float | None = None
    samples: int = 0                   # face crops that were encoded for recognition
    best_frame: int = -1               # where the best view is (the GUI's thumbnail)
    best_box: tuple[float, float, float, float] | None = None
    # text tracks: the best reading and how it was classified (TextItem's fields)
    text: str = ""
    text_kind: str = ""
    form: str = ""
    context: str = ""
    low_confidence: bool = False
    #: text tracks: the school identifier the line is (TextItem's ``school``: "name" |
    #: "abbreviation" | "address"; "" none) and whether that match is uncertain (covered and
    #: sent for review on channels that cover school identifiers: policy.decide_school_identifier)
    school: str = ""
    school_unsure: bool = False
    # decisions for one channel
    decision: str = "cover"
    reason: str = "Not recognised"
    needs_review: bool = False
    override: str | None = None        # faces: "show" | "cover" | "not-a-face"; texts: "keep" | "cover"
    override_person: str | None = None
    override_reason: str = ""
    refused: str = ""
    assigned_by: str = ""              # as Face: who said who this is, and why
    assign_reason: str = ""
    #: text tracks, decided with ``decision`` (policy.covers_card_track, as TextItem's
    #: ``card``): the badge around this name is covered too, whether the name is covered or
    #: kept (covers.py ``card_bands``: the school's name printed above it, where hidden)
    card: bool = False
    hand_named: str = ""               # set by policy (as Face)
    hand_note: str = ""
    near: list[tuple[str, float]] = field(default_factory=list)   # as Face (any crop's)
    near_note: str = ""                # set by policy (as Face)
    #: signatures taken of this face for its appearance (0: not known: too small, no
    #: landmarks, or analysed before PhotoVet compared tracks) and the clip's other face tracks
    #: that may be the same person (never on a frame with it, and alike: analysis.same_faces),
    #: as (track id, distance), nearest first. Ids and distances only, never a signature.
    views: int = 0
    same_as: list[tuple[int, float]] = field(default_factory=list)
    #: face tracks: the times (seconds, as ``first_time``) each later part of it begins (found
    #: again after a gap, a jump, a change of size, or becoming too small to check or checkable
    #: again), where the tracker may have carried it on with another face (analysis.BestCrops)
    found_again: list[float] = field(default_factory=list)
    #: text tracks: the face tracks this name is worn under (a badge, a lanyard card), as
    #: (face track id, the name's box relative to that face: (x1, y1, x2, y2) in face sizes
    #: from the face box's centre, every reading's box in one). The name's cover follows each
    #: of these faces for its whole time on screen (covers.py ``ride_boxes``).
    rides: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    #: the school's crest (``school`` "crest"): the last frame before it was first found on
    #: which its place was known to be clear (searched and nothing found there, or unchanged
    #: since such a search), and the first frame after it was last found on which its place
    #: was searched and nothing found: its cover starts and ends there (covers.py
    #: ``crest_params``). None: not known (its cover is padded as a name's is)
    clear_before: int | None = None
    clear_after: int | None = None
    #: text tracks: the places after one cue where nothing was read share it (TextItem's
    #: ``cue`` with the frame it was read on, "FRAME:x,y", from the frame each track was first
    #: found on): one question for them all; a card shown later in the same place has its own
    cue: str = ""

    @property
    def first_frame(self) -> int:
        return self.frames[0] if self.frames else 0

    @property
    def last_frame(self) -> int:
        return self.frames[-1] if self.frames else 0

    @property
    def detections(self) -> int:
        return len(self.frames)

    @property
    def who(self) -> str | None:
        """The register id this track is taken to be (assigned by hand, or recognised)."""
        if self.override == "not-a-face":
            return None
        if self.override_person:
            return self.override_person
        if self.kind == "text":
            return self.person
        return self.person if self.match_status == MatchStatus.RECOGNISED.value else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "frames": list(self.frames),
            "boxes": [[round(float(v), 2) for v in b] for b in self.boxes],
            "scores": [round(float(s), 4) for s in self.scores],
            "shot_start": self.shot_start, "shot_end": self.shot_end,
            "vx": round(float(self.vx), 4), "vy": round(float(self.vy), 4),
            "first_time": round(float(self.first_time), 4),
            "last_time": round(float(self.last_time), 4),
            "match_status": self.match_status, "person": self.person,
            "distance": None if self.distance is None else round(float(self.distance), 4),
            "margin": None if self.margin is None else round(float(self.margin), 4),
            "samples": self.samples, "best_frame": self.best_frame,
            "best_box": [round(float(v), 2) for v in self.best_box] if self.best_box else None,
            "text": self.text, "text_kind": self.text_kind, "form": self.form,
            "context": self.context, "low_confidence": self.low_confidence,
            "school": self.school, "school_unsure": self.school_unsure,
            "decision": self.decision, "reason": self.reason, "needs_review": self.needs_review,
            "override": self.override, "override_person": self.override_person,
            "override_reason": self.override_reason, "refused": self.refused,
            "assigned_by": self.assigned_by, "assign_reason": self.assign_reason,
            "hand_named": self.hand_named, "hand_note": self.hand_note,
            "near": [[str(p), round(float(x), 4)] for p, x in self.near],
            "near_note": self.near_note, "views": self.views,
            "same_as": [[int(i), round(float(x), 4)] for i, x in self.same_as],
            "rides": [[int(i), [round(float(v), 4) for v in rel]] for i, rel in self.rides],
            "clear_before": self.clear_before, "clear_after": self.clear_after,
        } | ({"card": True} if self.card else {}) | ({"cue": self.cue} if self.cue else {}) \
            | ({"found_again": [round(float(x), 3) for x in self.found_again]}
               if self.found_again else {})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VideoTrack:
        return cls(
            id=int(d["id"]), kind=d.get("kind", "face"), frames=[int(f) for f in d["frames"]],
            boxes=[tuple(b) for b in d["boxes"]], scores=list(d.get("scores", [])),
            shot_start=int(d.get("shot_start", 0)), shot_end=d.get("shot_end"),
            vx=float(d.get("vx", 0.0)), vy=float(d.get("vy", 0.0)),
            first_time=float(d.get("first_time", 0.0)), last_time=float(d.get("last_time", 0.0)),
            match_status=d.get("match_status", MatchStatus.UNKNOWN.value),
            person=d.get("person"), distance=d.get("distance"), margin=d.get("margin"),
            samples=int(d.get("samples", 0)), best_frame=int(d.get("best_frame", -1)),
            best_box=tuple(d["best_box"]) if d.get("best_box") else None,
            text=d.get("text", ""), text_kind=d.get("text_kind", ""), form=d.get("form", ""),
            context=d.get("context", ""), low_confidence=d.get("low_confidence", False),
            school=d.get("school") or "", school_unsure=bool(d.get("school_unsure", False)),
            decision=d.get("decision", "cover"), reason=d.get("reason", ""),
            needs_review=d.get("needs_review", False), override=d.get("override"),
            override_person=d.get("override_person"),
            override_reason=d.get("override_reason", ""), refused=d.get("refused", ""),
            assigned_by=d.get("assigned_by", ""), assign_reason=d.get("assign_reason", ""),
            hand_named=d.get("hand_named", ""), hand_note=d.get("hand_note", ""),
            near=near_from(d.get("near")), near_note=d.get("near_note", ""),
            views=int(d.get("views", 0)), same_as=_same_as_from(d.get("same_as")),
            rides=[(int(i), (float(rel[0]), float(rel[1]), float(rel[2]), float(rel[3])))
                   for i, rel in d.get("rides") or []],
            clear_before=_frame_or_none(d.get("clear_before")),
            clear_after=_frame_or_none(d.get("clear_after")), card=bool(d.get("card", False)),
            cue=str(d.get("cue", "")),
            found_again=[float(x) for x in d.get("found_again") or []])

    def detected(self) -> VideoTrack:
        """Only what analysis found (no decisions): what the cache keeps."""
        d = self.to_dict()
        for k in ("decision", "reason", "needs_review", "override", "override_person",
                  "override_reason", "refused", "assigned_by", "assign_reason", "hand_named",
                  "hand_note", "near_note", "card"):
            d.pop(k, None)
        return VideoTrack.from_dict(d)


def _frame_or_none(v: Any) -> int | None:
    return None if v is None else int(v)


@dataclass
class VideoAnalysis:
    """Everything PhotoVet found in one video and (after ``policy.decide_video``) what it
    decided for one channel. Shares the names a ``PhotoAnalysis`` has where they mean the same
    (``path``, ``sha256``, ``channel``, ``mode``, ``error``, ``status``...), so approval and
    export treat both alike.

    ``frame_times[i]`` is frame i's time in seconds from the first picture (variable frame rate
    is kept). ``sampling`` records how often faces and text were looked for (the covers' padding
    depends on it).
    """

    path: str
    sha256: str = ""
    width: int = 0                      # display orientation
    height: int = 0
    media: str = "video"
    channel: str = ""
    mode: str = Mode.CONSENT.value
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    fps: float = 0.0
    rotation: int = 0                   # counter-clockwise degrees the player turns the picture
    mirror: bool = False                # the player flips it left to right before the turn
    frame_times: list[float] = field(default_factory=list)
    cuts: list[int] = field(default_factory=list)   # first frames of new shots
    has_audio: bool = False
    tracks: list[VideoTrack] = field(default_factory=list)
    sampling: dict[str, Any] = field(default_factory=dict)
    metadata: MetadataReport | None = None
    faces_checked: bool = False
    texts_checked: bool = False
    analysis_key: str = ""
    register_key: str = ""              # as PhotoAnalysis.register_key
    review_notes: list[str] = field(default_factory=list)
    review_version: str = ""
    sound: str = "remove"               # decided: "keep" | "mute" | "remove"
    sound_reason: str = ""
    sound_needs_review: bool = False
    manual: list[Cover] = field(default_factory=list)   # (no hand areas on videos yet)

    @property
    def names_not_looked_for(self) -> bool:
        """True when reading text was off for it: nobody looked for names on badges,
        certificates or work, and every view says so where its text would be listed."""
        return NAMES_NOT_LOOKED_FOR in self.warnings

    @property
    def frame_count(self) -> int:
        return len(self.frame_times)

    @property
    def duration(self) -> float:
        """Seconds from the first to the end of the last frame."""
        t = self.frame_times
        if not t:
            return 0.0
        step = (t[-1] - t[0]) / (len(t) - 1) if len(t) > 1 else (1.0 / self.fps if self.fps else 0.0)
        return t[-1] - t[0] + step

    @property
    def face_tracks(self) -> list[VideoTrack]:
        return [t for t in self.tracks if t.kind == "face"]

    @property
    def text_tracks(self) -> list[VideoTrack]:
        return [t for t in self.tracks if t.kind == "text"]

    def track(self, track_id: int) -> VideoTrack:
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(track_id)

    def frame_at(self, seconds: float) -> int:
        """The frame shown at ``seconds`` (the last frame starting at or before it)."""
        if not self.frame_times:
            return 0
        i = bisect.bisect_right(self.frame_times, float(seconds) + 1e-4) - 1
        return max(0, min(len(self.frame_times) - 1, i))

    def time_of(self, frame: int) -> float:
        if not self.frame_times:
            return 0.0
        return self.frame_times[max(0, min(len(self.frame_times) - 1, int(frame)))]

    @property
    def cover_count(self) -> int:
        return sum(1 for t in self.face_tracks if t.decision != "show")

    @property
    def covered_text_count(self) -> int:
        return sum(1 for t in self.text_tracks if t.decision == "cover")

    @property
    def needs_review(self) -> bool:
        return any(t.needs_review for t in self.tracks) or self.sound_needs_review

    @property
    def status(self) -> PhotoStatus:
        if self.error:
            return PhotoStatus.FAILED
        if self.needs_review:
            return PhotoStatus.NEEDS_REVIEW
        if self.cover_count or self.covered_text_count or self.sound != "keep" and self.has_audio:
            return PhotoStatus.WILL_COVER
        return PhotoStatus.READY

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "sha256": self.sha256, "width": self.width,
            "height": self.height, "media": self.media, "channel": self.channel,
            "mode": self.mode, "status": self.status.value, "error": self.error,
            "warnings": list(self.warnings), "fps": round(float(self.fps), 4),
            "rotation": self.rotation, "mirror": self.mirror, "frames": self.frame_count,
            "duration": round(self.duration, 4),
            "frame_times": [round(float(t), 5) for t in self.frame_times],
            "cuts": list(self.cuts), "has_audio": self.has_audio,
            "tracks": [t.to_dict() for t in self.tracks], "sampling": dict(self.sampling),
            "metadata": self.metadata.to_dict() if self.metadata else None,
            "faces_checked": self.faces_checked, "texts_checked": self.texts_checked,
            "analysis_key": self.analysis_key, "register_key": self.register_key,
            "review_notes": list(self.review_notes), "sound": self.sound, "sound_reason": self.sound_reason,
            "sound_needs_review": self.sound_needs_review,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> VideoAnalysis:
        return cls(
            path=d["path"], sha256=d.get("sha256", ""), width=d.get("width", 0),
            height=d.get("height", 0), media=d.get("media", "video"),
            channel=d.get("channel", ""), mode=d.get("mode", Mode.CONSENT.value),
            error=d.get("error"), warnings=list(d.get("warnings", [])),
            fps=float(d.get("fps", 0.0)), rotation=int(d.get("rotation", 0)),
            mirror=bool(d.get("mirror", False)),
            frame_times=[float(t) for t in d.get("frame_times", [])],
            cuts=[int(c) for c in d.get("cuts", [])], has_audio=d.get("has_audio", False),
            tracks=[VideoTrack.from_dict(t) for t in d.get("tracks", [])],
            sampling=dict(d.get("sampling", {})),
            metadata=MetadataReport.from_dict(d["metadata"]) if d.get("metadata") else None,
            faces_checked=d.get("faces_checked", False),
            texts_checked=d.get("texts_checked", False),
            analysis_key=d.get("analysis_key", ""),
            register_key=d.get("register_key", ""),
            review_notes=list(d.get("review_notes", [])),
            sound=d.get("sound", "remove"), sound_reason=d.get("sound_reason", ""),
            sound_needs_review=d.get("sound_needs_review", False))

    def detected(self) -> VideoAnalysis:
        """What analysis found, with no decisions and no review (what the cache keeps)."""
        return VideoAnalysis(
            path=self.path, sha256=self.sha256, width=self.width, height=self.height,
            error=self.error, warnings=list(self.warnings), fps=self.fps,
            rotation=self.rotation, mirror=self.mirror, frame_times=list(self.frame_times),
            cuts=list(self.cuts),
            has_audio=self.has_audio, tracks=[t.detected() for t in self.tracks],
            sampling=dict(self.sampling), metadata=self.metadata,
            faces_checked=self.faces_checked, texts_checked=self.texts_checked,
            analysis_key=self.analysis_key, register_key=self.register_key)
