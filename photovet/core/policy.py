"""The policy: the one place PhotoVet decides what may be published.

Pure functions on plain data (models.py): no files, no database, no models, no settings file.
The app, the command line, export, take-down and the subject access report all call these and
never decide for themselves (import-linter keeps this module free of everything else).

Faces. A face is shown only when every one of these holds; otherwise it is covered and the
reason says which check failed first:

1. it is RECOGNISED as a person in the register (or a person said who it is);
2. that person's register row is valid (not rejected at import);
3. they are not on the do-not-photograph list (this overrides every consent);
4. they have not left (no leaving date on or before the day);
5. on a channel or in a mode with no identifiable children, they are staff;
6. they have consent "Yes" for the channel AND the media type (photo consent is not video
   consent; a channel the register has no column for is no consent).

What a person may change (an override, stored in the photo's review and audited):

- Cover anything: always.
- Say who a face is: always (the rules above then apply to that person); but saying a face
  PhotoVet RECOGNISED as one person is someone else (or that a face it took to be someone who
  may not be shown here is someone who may) needs a reason, given after being told whom PhotoVet
  recognised and their consent ("PhotoVet recognised this face as Joe Harris (Facebook: No)").
  Confirming (or naming) a face PhotoVet was NOT CERTAIN of, while someone else near it
  (``face.near``: a twin, a sibling, a look-alike) may not be shown here, needs a reason too,
  after being told whom it could also be ("It could also be Hope Bennett, Grace's twin
  (Facebook: No)": ``near_note``, ``lookalikes_covered``). A name given by hand is said
  wherever an approver decides (``face.hand_note``), and a face named by hand over a recognised
  person who may not be shown here, or with such a twin near it (``HAND_LOOK_AT``), is never
  approved in bulk (``hand_named_refusal``): the approver looks at that photo on its own.
- Show a face the rules cover: refused for anyone on the do-not-photograph list, whose consent
  for the channel and media is explicitly "No", who has left, whose register row is rejected,
  or (for pupils) on a channel with no identifiable children. Allowed only with a stated reason
  for a face nobody recognised (an adult visitor who agreed) or a person whose consent is "not
  recorded" (a form that came in today).
- "Not a face": refused for a face recognised as someone, or that looks like someone on the
  do-not-photograph list.
- Leave a name visible that the rules cover: refused for a do-not-photograph pupil; otherwise
  only with a stated reason (the OCR misread a sign).

Every override is checked again at every decision: an override the rules now refuse (consent
withdrawn since) is not applied, and ``refused`` says why.

What needs review: only a decision that is still open and could change what is published: an
uncertain match to someone who would be shown, and text that looks like a name PhotoVet cannot
place. Everything covered by a rule is simply covered.

Text. A register name read in the picture follows that person's name-with-photo consent
(``decide_name``). Text that may be a name but is not in the register is covered and offered
for review; on a badge, a lanyard or a held certificate (a line below a face) or after "my name
is" / "Name:", that is any line not made only of school words. Every other line stays readable,
with a reason, so the findings account for every line read.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from photovet.core import words as _words
from photovet.core.geometry import in_face_cover
from photovet.core.models import (
    NAME_KINDS,
    NO,
    NOT_RECORDED,
    UNREAD_AFTER_CUE,
    Channel,
    Cover,
    Decision,
    Device,
    Face,
    MatchStatus,
    Mode,
    Person,
    PhotoAnalysis,
    PhotoFlag,
    TextItem,
    VideoAnalysis,
    VideoTrack,
)
from photovet.core.words import TakedownReason, caption_not_approved, original_deleted_detail

NO_CHILDREN = Mode.NO_IDENTIFIABLE_CHILDREN.value
CONSENT = Mode.CONSENT.value

REASON_NOT_RECOGNISED = "Not recognised"
REASON_NOBODY_ENROLLED = "Not recognised (nobody is enrolled yet)"
REASON_NOT_IN_REGISTER = "Not in the register"
#: why someone published may not be shown now once their register row is deleted
REASON_GONE = "No longer in the register"
REASON_INVALID_ROW = "Register row rejected (fix the register)"
REASON_DNP = "On the do-not-photograph list"
REASON_NO_CHILDREN = "No identifiable children on this channel"
REASON_UNKNOWN_MODE = "Unknown mode (covered to be safe)"
REASON_COVERED_BY_HAND = "Covered by hand"
#: what a shown face's reason ends with when a person named it (who and whom: face.hand_note)
NAMED_BY_HAND = "; named by hand"
REASON_NOT_A_FACE = "Not a face (checked by hand)"

#: A detection scoring at least this is "not a face" only with a reason, as "show" is: calling
#: a real face "not a face" publishes it uncovered. The fused detector's scores (CenterFace kept
#: alone from 0.3, YuNet from 0.6, weaker boxes only where both agree) measured on the shared
#: faces photos and 120 WIDER FACE test photos (Students_Schoolkids, Family_Group; 1627 boxes on
#: an annotated face, 1009 on none, an over-count in crowds WIDER does not annotate fully):
#: median 0.81 on faces, 0.23 on the rest; at 0.5, 85 % of real faces need a reason while 93 %
#: of the other boxes (the walls, patterns and crowd blurs people clear) stay one click; at 0.6
#: only 77 % of real faces would need one. Failing closed, the lower of the two.
NOT_A_FACE_REASON_SCORE = 0.5

MEDIA_WORDS = {"photo": "photos", "video": "videos"}

REASON_NOT_A_NAME = "Not a name"
#: a line below a face, where a badge would be, that the reader could not read clearly
#: (``names.classify_texts``, s39): a child's handwritten name it misreads ("o of") is as
#: likely there as a pattern on a jumper
REASON_UNREAD_WORN = ("Text where a badge would be that could not be read clearly: it may be "
                      "a name")
REASON_FRAGMENT = "Not a name (an unreadable fragment: no word of three letters or more)"
#: where a name is written after "my name is", "Name:" or "awarded to" and nothing could be
#: read there at all (names._after_cue, s53): covered until a person decides
REASON_UNREAD_AFTER_CUE = ("Nothing could be read after \u201cmy name is\u201d, \u201cName:\u201d "
                           "or \u201cawarded to\u201d: a name may be written there (in pencil, "
                           "or too faint to read)")
#: the places after one cue where nothing was read (beside the words and under them, s57) are
#: one question: the first still open asks it for both, the others wait on its answer
REASON_CUE_BOTH = "; one answer for both places, beside those words and under them"
REASON_CUE_ASKED = "; asked once, with the other place after those words"
#: a line read unclearly inside a face and matching no one in the register (names.in_face,
#: s40: "PARE" read across an eye was said to be on a sign near a face): covered for review,
#: saying what it likely is (kept readable, a name painted on a cheek would go out)
REASON_IN_FACE = ("Read unclearly inside a face: an eye or a mouth can look like letters, but "
                  "it may be a name written there")
#: a single letter or digit read unclearly inside a face (an eye read as "O", s47): no name
#: is one character, and a pupil's initial is what a caption may show, so it stays readable
#: and nothing is asked (a covered eye went out on an approved photo when nobody answered)
REASON_ONE_MARK_IN_FACE = ("Not a name (one letter read inside a face: an eye or a mouth can "
                           "look like a letter)")
#: said after the rule's reason of a line the rules cover until a person decides that lies
#: inside the cover of a face that is covered (``decide_photo``, s41): nothing to decide
#: while that face stays covered
REASON_WITH_FACE = "; it is inside a face that is covered, so it stays covered with the face"
#: where a line of text was found (TextItem.context), as words for a reason
#: ("near": beside a face or as large as a sign's letters, names.near_face: PhotoVet saw no
#: badge there, so the words do not say it did)
TEXT_CONTEXTS = {"worn": " on a badge, lanyard or certificate",
                 "near": " on a sign, poster or backdrop near a face",
                 "label": " after \"my name is\" or \"Name:\""}


def name_like_reason(where: str = "") -> str:
    """The reason a line that may be a name, of nobody in the register, is covered until a
    person decides; ``where``: a ``TEXT_CONTEXTS`` value. Where it is comes last (s52: "...
    on a sign, poster or backdrop near a face that is not in the register" read as if the
    face were not in the register)."""
    return f"Looks like a name that is not in the register{',' + where if where else ''}"


#: each reason as it read before s52, which approvals of videos signed (a video's tracks sign
#: their reasons): signed so still, so an approval given before stays the same approval
#: (``VideoPublication.signature``)
_REASON_SIGNED_AS = {name_like_reason(where): f"Looks like a name{where} that is not in the "
                     "register" for where in TEXT_CONTEXTS.values()} | {
    # s57: a place after a cue says whether it asks for both or waits on the other's answer
    # (one question per cue): the same decision, signed as the reason read before
    REASON_UNREAD_AFTER_CUE + REASON_CUE_BOTH: REASON_UNREAD_AFTER_CUE,
    REASON_UNREAD_AFTER_CUE + REASON_CUE_ASKED: REASON_UNREAD_AFTER_CUE}
#: the same, for a line kept readable: where it is, since a line below a face may be on a
#: T-shirt or a table as well as a badge (words only: the decision is the same)
KEPT_CONTEXTS = {"worn": " below a face, where a badge would be",
                 "near": " on a sign, poster or backdrop near a face",
                 "label": " after \"my name is\" or \"Name:\""}
#: scripts written without spaces, where two characters already make a word
_IDEOGRAPHIC = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def _script(ch: str) -> str:
    """The script a character is written in ('LATIN', 'GREEK', 'CJK'...; digits count with
    Latin letters, as in '4B' or 'Y6'), or '' for anything else (spaces, marks, symbols)."""
    if ch.isdigit():
        return "LATIN"
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    if name.startswith(_IDEOGRAPHIC):
        return "CJK"
    return name.split(" ", 1)[0]


def text_fragment(text: str) -> bool:
    """Is this line read only a fragment ("D", "—", "My wa") or noise ("#色0色", the reader's
    guess at a tie's pattern): no word, that is three letters or digits or more of one script
    in a row (two for Chinese, Japanese or Korean characters)? Words only: it says why a line
    is kept readable, never whether."""
    run, script = 0, ""
    for ch in unicodedata.normalize("NFC", text or ""):
        kind = _script(ch)
        run = run + 1 if kind and kind == script else (1 if kind else 0)
        script = kind
        if kind and run >= (2 if kind == "CJK" else 3):
            return False
    return True


def one_mark(text: str) -> bool:
    """Is this line read as one letter or digit of an alphabet ("O", "e", "5", "O."), the rest
    spaces or marks? Chinese, Japanese or Korean characters never are: one of those can be a
    whole name (``_script``: ideographs, kana and hangul). Decides: a line read unclearly
    inside a face that is one mark is no name (``REASON_ONE_MARK_IN_FACE``)."""
    marks = [ch for ch in unicodedata.normalize("NFC", text or "") if _script(ch)]
    return len(marks) == 1 and _script(marks[0]) != "CJK"


def _fmt_day(day: _dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def effective_mode(channel: Channel, mode: str | Mode) -> str:
    """A channel's fixed mode wins over the school's chosen one."""
    if channel.fixed_mode:
        return channel.fixed_mode
    return mode.value if isinstance(mode, Mode) else str(mode)


def _known_mode(mode: str) -> bool:
    return mode in (CONSENT, NO_CHILDREN)


#: how strict each mode is: a higher number covers more (every pupil, whatever the consent)
MODE_STRICTNESS = {CONSENT: 0, NO_CHILDREN: 1}
#: the school's modes in words, as Settings shows them
MODE_WORDS = {CONSENT: "consent (pupils shown where their family consented)",
              NO_CHILDREN: "no identifiable children (every pupil covered, whatever the consent)"}


def requested_mode_refusal(school_mode: str | Mode, requested: str | Mode | None) -> str | None:
    """Why a mode asked for one check, scan, approval or export (``--mode``) may not be used,
    or None. The school's mode is the school's decision, changed only by an admin in its
    settings: a mode asked for one job may be as strict as the school's or stricter, never
    looser (an audit exported a pupil's face with ``--mode consent`` while the school's setting
    was "no identifiable children"). An unknown mode is refused too."""
    if requested is None or requested == "":
        return None
    school = school_mode.value if isinstance(school_mode, Mode) else str(school_mode)
    asked = requested.value if isinstance(requested, Mode) else str(requested)
    if asked not in MODE_STRICTNESS:
        return f"there is no mode \u201c{asked}\u201d (the modes are: {', '.join(MODE_STRICTNESS)})"
    # a school mode PhotoVet does not know is the strictest (fail closed): nothing is looser
    if MODE_STRICTNESS[asked] >= MODE_STRICTNESS.get(school, max(MODE_STRICTNESS.values()) + 1):
        return None
    return (f"the mode \u201c{asked}\u201d would show what the school's setting covers: the "
            f"school's mode is {MODE_WORDS.get(school, school)}. A mode asked for one job may "
            "only be as strict as the school's or stricter. Only an admin changes the school's "
            "mode (in the app: Settings, School, Faces; or 'photovet settings set mode ...').")


def mode_to_use(school_mode: str | Mode, requested: str | Mode | None) -> str:
    """The mode a job decides with: the one asked for when ``requested_mode_refusal`` allows
    it, else the school's (callers refuse first; this never loosens)."""
    school = school_mode.value if isinstance(school_mode, Mode) else str(school_mode)
    if requested_mode_refusal(school, requested) is not None or not requested:
        return school
    return requested.value if isinstance(requested, Mode) else str(requested)


def person_block(person: Person | None, on: _dt.date) -> str | None:
    """The first reason this person may never be published, or None."""
    if person is None:
        return REASON_NOT_IN_REGISTER
    if not person.valid:
        if person.missing_since is not None:     # not rejected: the file stopped listing them
            return f"Not in the MIS file since {_fmt_day(person.missing_since)}"
        return REASON_INVALID_ROW
    if person.do_not_photograph:
        return REASON_DNP
    if person.has_left(on) and person.leaving_date is not None:   # has_left: a date is set
        return f"Left school on {_fmt_day(person.leaving_date)}"
    return None


def back_since_missing(person: Person, back: str | None) -> bool:
    """"They are back" was chosen for ``person`` (``back``: when, ``Register.brought_back``)
    since the MIS file stopped listing them."""
    if not back or person.missing_since is None:
        return False
    t = _dt.datetime.fromisoformat(back)
    return (t.astimezone() if t.tzinfo else t).date() >= person.missing_since


def missing_from_mis_file(person: Person, on: _dt.date) -> bool:
    """No longer in the MIS file, and no leaving date passed by ``on``: have they left? (The
    register list, the person page and ``person_standing`` ask this one question.)"""
    return person.missing_since is not None and not person.has_left(on)


def person_standing(person: Person, on: _dt.date, back: str | None = None) -> list[str]:
    """Everything on ``person``'s register row that stops them being published (or soon
    will), in the order a list of people says it: "do_not_photograph"; "back" ("They are
    back" chosen since the MIS file stopped listing them, ``back``: when) or "not_in_file"
    (no longer in the MIS file and no leaving date passed: have they left?); "rejected" (the
    row rejected at import); "left" (their leaving date passed) or "leaving" (a leaving date
    to come). [] : nothing. The app's register list and ``photovet register list``/``show``
    both say it (s46: each decided it itself, and the command said only the first it found:
    a do-not-photograph pupil no longer in the MIS file was listed as "not in the MIS file"
    alone)."""
    out = ["do_not_photograph"] if person.do_not_photograph else []
    if missing_from_mis_file(person, on):
        out.append("back" if back_since_missing(person, back) else "not_in_file")
    elif not person.valid and person.missing_since is None:
        out.append("rejected")
    if person.has_left(on):
        out.append("left")
    elif person.leaving_date:
        out.append("leaving")
    return out


def no_consent_reason(channel: Channel, media: str, state: str, withdrawn: str = "") -> str:
    """Why a consent that is not Yes covers someone: 'Consent withdrawn on 12/03/2026' when
    the register said Yes and its last change took it away (``withdrawn``: when,
    ``Person.withdrawn_on``; '... for videos on School website on ...' for a video), as the
    take-down list says it; else 'Consent refused for School website' (a No never withdrawn
    here) or 'No consent for School website' (not recorded)."""
    if withdrawn:
        return _words.withdrawn_reason(withdrawn, media, channel.label)
    what = "" if media == "photo" else " videos on"
    if state == NO:
        return f"Consent refused for{what} {channel.label}"
    return f"No consent for{what} {channel.label}"


def consent_note(person: Person, channel: Channel, media: str, on: _dt.date) -> str:
    """A person's standing for ``channel`` in a few words, the one way a list of people or a
    warning says it: 'do not photograph', 'left 20/07/2026', 'register row rejected', 'not in
    the MIS file', else
    'Facebook: Yes' / 'Facebook: No' / 'Facebook: Not recorded' ('Facebook videos: ...' for a
    video). Words only: ``decide_person`` decides."""
    if not person.valid:
        return "not in the MIS file" if person.missing_since is not None else \
            "register row rejected"
    if person.do_not_photograph:
        return "do not photograph"
    if person.has_left(on) and person.leaving_date is not None:
        return f"left {_fmt_day(person.leaving_date)}"
    state = person.consent_state(channel.id, media)
    word = {"yes": "Yes", NO: "No", NOT_RECORDED: "Not recorded"}.get(state, str(state))
    return f"{channel.label}{'' if media == 'photo' else ' videos'}: {word}"


# --------------------------------------------------------------------------------------------
# Faces
# --------------------------------------------------------------------------------------------

#: what ``face.hand_named`` says of a face a person named by hand
HAND_NAMED = "named"                 # PhotoVet did not recognise it
HAND_RELABELLED = "relabelled"       # PhotoVet took it to be someone else, who may be shown here
HAND_OVER_REFUSAL = "over-refusal"   # PhotoVet took it to be someone else, who may NOT be shown
#: PhotoVet was not certain, and someone else near the face (a twin, a sibling, a look-alike:
#: ``face.near``) may NOT be shown here: confirmed (or named) by hand, it may be them
HAND_LOOKALIKE = "look-alike"
#: the kinds an approver looks at on the photo alone (never approved in bulk)
HAND_LOOK_AT = (HAND_OVER_REFUSAL, HAND_LOOKALIKE)
REASON_HAND_NAMED_NO_REASON = "Named by hand over PhotoVet's recognition, with no reason given"
#: a face PhotoVet matched (sure or not) to a pupil on the do-not-photograph list, said to be
#: someone else (named, shown, "not a face"): it stays covered (s36, the lead's decision: a
#: reason let it be shown, and if the match was right a never-publish child was published)
REASON_NEVER_PUBLISH_MATCH = ("This face looks like a pupil who must never be published, so it "
                              "stays covered even if it is someone else")
#: the same for a face PhotoVet was not sure of that was also near such a pupil (a twin, a
#: look-alike: ``face.near``): it could not tell them apart, so neither can a reason
REASON_NEVER_PUBLISH_NEAR = ("This face could be a pupil who must never be published (PhotoVet "
                             "could not tell them apart), so it stays covered even if it is "
                             "someone else")
NEVER_PUBLISH_REASONS = (REASON_NEVER_PUBLISH_MATCH, REASON_NEVER_PUBLISH_NEAR)
#: a face whose name given by hand an approver said is wrong when rejecting the photo (s36,
#: ``Approvals.reject(wrong_names=...)``): the name is taken off and the face covered, kept in
#: the review as a cover with these words, until a person says again who it is (or covers it)
REASON_NAMING_RETURNED = ("The approver said the name given to this face by hand is wrong: it "
                          "stays covered until someone says again who it is")

#: the register rows of the people near a face (``face.near``), by id; a row not given (None,
#: or the id missing) counts as someone who may not be shown (fail closed)
Near = Mapping[str, "Person | None"]


def recognised_as(face: Face | VideoTrack) -> str | None:
    """Whom PhotoVet itself took this face to be: the recognised person, or an uncertain
    match's nearest person; None when it did not know."""
    if face.person and face.match_status in (MatchStatus.RECOGNISED.value,
                                             MatchStatus.UNCERTAIN.value):
        return face.person
    return None


def never_publish_match(face: Face, recognised: Person | None, near: Near | None) -> str:
    """Why no one may uncover this face whatever they say it is (s36), or "":
    ``REASON_NEVER_PUBLISH_MATCH`` when PhotoVet took it (recognised, or its uncertain nearest
    match) to be a pupil on the do-not-photograph list; ``REASON_NEVER_PUBLISH_NEAR`` when it
    was not certain and such a pupil was near it (``face.near``: a twin, a look-alike; the
    matcher could not tell them apart). A face PhotoVet RECOGNISED as someone else is not
    (the matcher already asked more of a look-alike before it was certain). Only rows given
    count: a match whose row is not given (removed from the register) is judged by the other
    rules (a reason is asked). ``recognised``: the row of ``recognised_as(face)``; ``near``:
    ``near_people``."""
    machine = recognised_as(face)
    if machine is None:
        return ""
    if recognised is not None and recognised.id == machine and recognised.do_not_photograph:
        return REASON_NEVER_PUBLISH_MATCH
    if face.match_status == MatchStatus.UNCERTAIN.value:
        rows = near or {}
        for pid, _dist in face.near:
            row = rows.get(pid)
            if row is not None and row.id == pid and row.do_not_photograph:
                return REASON_NEVER_PUBLISH_NEAR
    return ""


def _recognised_refused(face: Face, recognised: Person | None, channel: Channel, media: str,
                        mode: str | Mode, on: _dt.date) -> bool:
    """Would PhotoVet's own match keep this face covered here (a refusal, do not photograph,
    a leaver, no consent, no identifiable children)? Fail closed: a match whose register row
    is not given counts as refused."""
    machine = recognised_as(face)
    if machine is None:
        return False
    if recognised is None or recognised.id != machine:
        return True
    return decide_person(recognised, channel, media, mode, on).action != "show"


def near_people(face: Face, person_of: Callable[[str], Person | None]) -> dict[str, Person | None]:
    """The register rows of the people near ``face`` (``face.near``), for ``near=`` below."""
    return {pid: person_of(pid) for pid, _dist in face.near}


def lookalikes_covered(face: Face, chosen: str | None, near: Near | None, channel: Channel,
                       media: str, mode: str | Mode, on: _dt.date) -> list[tuple[str, Person | None]]:
    """The people an UNCERTAIN face is also near (``face.near``: a twin, a sibling, a
    look-alike), other than ``chosen``, who may not be shown here, nearest first, as (id, row).
    Saying such a face is ``chosen`` may publish one of them. Empty for a face PhotoVet
    recognised (the matcher already asked more of a look-alike) or did not place. Fail closed:
    someone whose row is not in ``near`` counts."""
    if face.match_status != MatchStatus.UNCERTAIN.value or not face.person:
        return []
    rows = near or {}
    out: list[tuple[str, Person | None]] = []
    for pid, _dist in face.near:
        if pid == chosen:
            continue
        row = rows.get(pid)
        if row is None or row.id != pid or \
                decide_person(row, channel, media, mode, on).action != "show":
            out.append((pid, row))
    return out


def _family_key(person: Person) -> str:
    return " ".join(str(person.family or "").split()).casefold()


def relation_words(other: Person, to: Person | None) -> str:
    """How ``other`` stands to ``to`` in a few words: "Grace's twin" (same family in the MIS
    and the same date of birth), "in Grace's family", or "who looks like Grace". Words only."""
    if to is None:
        return "who looks alike"
    first = to.first_name or to.display_name
    if _family_key(other) and _family_key(other) == _family_key(to):
        if other.date_of_birth is not None and other.date_of_birth == to.date_of_birth:
            return f"{first}'s twin"
        return f"in {first}'s family"
    return f"who looks like {first}"


def near_words(covered: list[tuple[str, Person | None]], to: Person | None, channel: Channel,
               media: str, on: _dt.date) -> str:
    """'Hope Bennett, Grace's twin (Facebook: No)' for each of ``covered``
    (``lookalikes_covered``), joined with "or"."""
    parts = []
    for _pid, row in covered:
        if row is None:
            parts.append("someone else in the register, whose consent is not known here")
        else:
            parts.append(f"{row.display_name}, {relation_words(row, to)} "
                         f"({consent_note(row, channel, media, on)})")
    return "; or ".join(parts)


def near_note(face: Face, person: Person | None, near: Near | None, channel: Channel,
              media: str, mode: str | Mode, on: _dt.date) -> str:
    """What anyone deciding about an uncertain face is told of the people near it who may not
    be shown here: 'It could also be Hope Bennett, Grace's twin (Facebook: No)', or ''.
    ``person``: the register row of whom the face is taken to be (named, or nearest)."""
    chosen = face.override_person or face.person
    covered = lookalikes_covered(face, chosen, near, channel, media, mode, on)
    if not covered:
        return ""
    to = person if person is not None and person.id == chosen else None
    return f"It could also be {near_words(covered, to, channel, media, on)}"


def hand_named_kind(face: Face, recognised: Person | None, channel: Channel, media: str,
                    mode: str | Mode, on: _dt.date, *, near: Near | None = None) -> str:
    """"" (nobody named it by hand, or a person confirmed PhotoVet's own match and nobody near
    it is refused here), HAND_NAMED, HAND_RELABELLED, HAND_OVER_REFUSAL or HAND_LOOKALIKE.
    ``recognised``: the register row of ``recognised_as(face)``; ``near``: the rows of the
    people near it (``near_people``)."""
    if not face.override_person or face.override == "not-a-face":
        return ""
    machine = recognised_as(face)
    if machine is None:
        return HAND_NAMED
    twin = bool(lookalikes_covered(face, face.override_person, near, channel, media, mode, on))
    if machine == face.override_person:
        return HAND_LOOKALIKE if twin else ""
    if _recognised_refused(face, recognised, channel, media, mode, on):
        return HAND_OVER_REFUSAL
    return HAND_LOOKALIKE if twin else HAND_RELABELLED


def covered_whatever_said(person: Person | None, channel: Channel, media: str,
                          mode: str | Mode, on: _dt.date) -> bool:
    """Is a face taken to be ``person`` covered on ``channel`` whatever anyone says: no reason
    could show it (not in the register, a rejected row, do not photograph, a leaver, no
    identifiable children, consent refused, an unknown mode)? A person whose consent is not
    recorded is not: a reason can show them ("consent form received today")."""
    return _known_show_refusal(person, channel, media, mode, on, "a reason") is not None


def assign_needs_reason(face: Face, chosen: str | None, recognised: Person | None,
                        channel: Channel, media: str, mode: str | Mode, on: _dt.date, *,
                        chosen_row: Person | None = None, near: Near | None = None) -> bool:
    """Does saying this face is ``chosen`` need a reason? Yes when PhotoVet RECOGNISED someone
    else; when its uncertain match was someone else who may not be shown here (a look-alike
    of a refused child named as a consented one publishes, perhaps, the refused child); and
    when it was not certain and someone else near the face may not be shown here (the s27
    audit, item 2: "Yes, it is Grace" with Grace's twin Hope, Facebook: No, as near).

    No when ``chosen_row`` (the register row of ``chosen``) is covered here whatever anyone says
    (``covered_whatever_said``): the face stays covered, nothing is loosened. Checked again at
    every decision, so a name given without a reason while the chosen person was refused is
    not used once their consent allows them to be shown (fail closed). Without ``chosen_row``
    the chosen person is taken to be one who could be shown (a reason is asked). No either when
    PhotoVet matched the face to a pupil who must never be published (``never_publish_match``):
    the name is recorded and the face stays covered whatever it is named."""
    machine = recognised_as(face)
    if machine is None or chosen is None:
        return False
    if chosen_row is not None and chosen_row.id == chosen and \
            covered_whatever_said(chosen_row, channel, media, mode, on):
        return False
    if never_publish_match(face, recognised, near):
        return False                 # stays covered whatever it is named: nothing is loosened
    if machine != chosen:
        if face.match_status == MatchStatus.RECOGNISED.value:
            return True
        if _recognised_refused(face, recognised, channel, media, mode, on):
            return True
    return bool(lookalikes_covered(face, chosen, near, channel, media, mode, on))


def assign_warning(face: Face, recognised: Person | None, chosen: Person | None,
                   channel: Channel, media: str, on: _dt.date, *, mode: str | Mode = CONSENT,
                   near: Near | None = None) -> str:
    """What a person is told before naming a face as ``chosen`` over PhotoVet's match:
    'PhotoVet recognised this face as Joe Harris (Facebook: No). You are saying it is Kit Hart
    (Facebook: Yes).' Confirming an uncertain match with a twin near it: 'PhotoVet thought
    this face might be Grace Bennett (Facebook: Yes), but it could also be Hope Bennett,
    Grace's twin (Facebook: No), who may not be shown on Facebook.'"""
    machine = recognised_as(face)
    if recognised is not None and recognised.id == machine:
        them = f"{recognised.display_name} ({consent_note(recognised, channel, media, on)})"
    else:
        them = "someone in the register"
    covered = lookalikes_covered(face, chosen.id if chosen is not None else None, near,
                                 channel, media, mode, on)
    if face.match_status == MatchStatus.RECOGNISED.value:
        text = f"PhotoVet recognised this face as {them}."
    else:
        text = f"PhotoVet thought this face might be {them}."
    if covered:
        to = recognised if recognised is not None and recognised.id == machine else chosen
        one = len(covered) == 1
        text = (text[:-1] + f", but it could also be {near_words(covered, to, channel, media, on)}"
                f", who may not be shown on {channel.label}" + ("." if one else " (any of them)."))
    if chosen is not None and (chosen.id != machine or not covered):
        text += (f" You are saying it is {chosen.display_name} "
                 f"({consent_note(chosen, channel, media, on)}).")
    elif chosen is not None:
        text += f" You are saying it is {chosen.display_name}."
    return text


def _assign_refusal(face: Face, chosen: Person | None, recognised: Person | None,
                    channel: Channel, media: str, mode: str | Mode, on: _dt.date,
                    reason: str, near: Near | None = None) -> str | None:
    if chosen is None:
        return "that person is not in the register"
    if assign_needs_reason(face, chosen.id, recognised, channel, media, mode, on,
                           chosen_row=chosen, near=near) and not reason.strip():
        twin = lookalikes_covered(face, chosen.id, near, channel, media, mode, on)
        example = ("checked with the class teacher, who can tell them apart" if twin else
                   "checked with the class teacher, twins")
        return (assign_warning(face, recognised, chosen, channel, media, on, mode=mode,
                               near=near)
                + f" Say why this is {chosen.display_name} (for example: {example})")
    return None


def hand_named_note(face: Face, recognised: Person | None, channel: Channel, media: str,
                    on: _dt.date, *, mode: str | Mode = CONSENT, near: Near | None = None) -> str:
    """What an approver reads about a face named by hand (``face.hand_named`` set): 'Named by
    hand by Mrs Jane Okafor: PhotoVet recognised Joe Harris (Facebook: No). Reason: “twins”';
    PhotoVet's uncertain match confirmed with a twin near it who may not be shown here:
    'Confirmed by hand by Mrs Jane Okafor: PhotoVet thought it might be Grace Bennett
    (Facebook: Yes); it could also be Hope Bennett, Grace's twin (Facebook: No). Reason: ...'."""
    kind = face.hand_named
    if not kind:
        return ""
    by = f" by {face.assigned_by}" if face.assigned_by else ""
    covered = lookalikes_covered(face, face.override_person, near, channel, media, mode, on) \
        if kind == HAND_LOOKALIKE else []
    if kind == HAND_NAMED:
        text = f"Named by hand{by} (PhotoVet did not recognise this face)"
    elif covered and face.override_person == recognised_as(face):
        them = (f"{recognised.display_name} ({consent_note(recognised, channel, media, on)})"
                if recognised is not None and recognised.id == face.override_person else
                "them")
        text = (f"Confirmed by hand{by}: PhotoVet thought it might be {them}, not certain; "
                f"it could also be {near_words(covered, recognised, channel, media, on)}")
    else:
        if recognised is not None and recognised.id == recognised_as(face):
            them = f"{recognised.display_name} ({consent_note(recognised, channel, media, on)})"
        else:
            them = "someone else in the register"
        seen = "recognised" if face.match_status == MatchStatus.RECOGNISED.value else \
            "thought it might be"
        text = f"Named by hand{by}: PhotoVet {seen} {them}"
        if covered:
            text += f"; it could also be {near_words(covered, recognised, channel, media, on)}"
    why = face.assign_reason.strip()
    return text + (f". Reason: \u201c{why}\u201d" if why else "")



def decide_person(person: Person | None, channel: Channel, media: str, mode: str | Mode,
                  on: _dt.date) -> Decision:
    """May this (recognised) person's face be shown on ``channel``? The rules 2-6 above."""
    block = person_block(person, on)
    if block:
        return Decision("cover", block)
    assert person is not None
    mode_v = effective_mode(channel, mode)
    if not _known_mode(mode_v):
        return Decision("cover", REASON_UNKNOWN_MODE)
    if mode_v == NO_CHILDREN and not person.is_staff:
        return Decision("cover", REASON_NO_CHILDREN)
    state = person.consent_state(channel.id, media)
    if state != "yes":
        return Decision("cover", no_consent_reason(channel, media, state,
                                                   person.withdrawn_on(channel.id, media)))
    what = "" if media == "photo" else " videos on"
    return Decision("show", f"Consent for{what} {channel.label}")


def rule_for_face(face: Face, person: Person | None, channel: Channel, media: str,
                  mode: str | Mode, on: _dt.date) -> Decision:
    """What the rules alone say about a face (before any override). ``person`` is the register
    row of ``face.who`` (or, for an uncertain match, of the nearest person)."""
    if face.override_person:
        if person is None or person.id != face.override_person:
            return Decision("cover", REASON_NOT_IN_REGISTER)
        return decide_person(person, channel, media, mode, on)
    status = face.match_status
    if status == MatchStatus.RECOGNISED.value and face.person:
        if person is None or person.id != face.person:
            return Decision("cover", REASON_NOT_IN_REGISTER)  # never show on a mismatch
        return decide_person(person, channel, media, mode, on)
    if status == MatchStatus.UNCERTAIN.value and face.person:
        who = person.first_name if person is not None and person.first_name else None
        reason = f"Is this {who}? Not certain enough" if who else "Recognised, but not certain enough"
        # Open only when saying "yes" would show them; otherwise it stays covered either way.
        would_show = decide_person(person, channel, media, mode, on).action == "show"
        return Decision("cover", reason, needs_review=would_show)
    if status == MatchStatus.NO_REGISTER.value:
        return Decision("cover", REASON_NOBODY_ENROLLED)
    return Decision("cover", REASON_NOT_RECOGNISED)


def _known_show_refusal(person: Person | None, channel: Channel, media: str,
                        mode: str | Mode, on: _dt.date, reason: str) -> str | None:
    """Why a face taken to be ``person`` may not be shown by hand (with ``reason``), or None."""
    rule = decide_person(person, channel, media, mode, on)
    if rule.action == "show":
        return None
    block = person_block(person, on)
    if block:
        return f"{person.display_name if person else 'This person'}: {block.lower()}; " \
               "their face is always covered"
    assert person is not None
    mode_v = effective_mode(channel, mode)
    if mode_v == NO_CHILDREN and not person.is_staff:
        return f"No pupil may be shown on {channel.label} (no identifiable children)"
    if not _known_mode(mode_v):
        return REASON_UNKNOWN_MODE
    state = person.consent_state(channel.id, media)
    if state == NO:
        return f"{person.display_name}'s parents said No for {channel.label}" + (
            "" if media == "photo" else " videos")
    if state == NOT_RECORDED and not reason.strip():
        return "Say why this face may be shown (for example: consent form received today)"
    return None


def face_override_refusal(action: str, face: Face, person: Person | None, channel: Channel,
                          media: str, mode: str | Mode, on: _dt.date, reason: str = "", *,
                          recognised: Person | None = None, near: Near | None = None
                          ) -> str | None:
    """Why a person may NOT make this change to a face, or None when they may. ``person``: the
    register row the face is taken to be (or its nearest match when uncertain); for "assign",
    the person chosen. ``recognised``: the register row of whom PhotoVet itself took the face
    to be (``recognised_as``), for "assign"; ``near``: the rows of the people near the face
    (``near_people``: fail closed, a row not given counts as someone who may not be shown)."""
    if action == "cover":
        return None
    if action == "assign":
        return _assign_refusal(face, person, recognised, channel, media, mode, on, reason, near)
    known = face.override_person is not None or (
        face.match_status == MatchStatus.RECOGNISED.value and face.person is not None)
    near_dnp = person is not None and person.do_not_photograph
    never = never_publish_match(face, recognised, near)
    if action == "not-a-face":
        if known and person is not None:
            return f"This face was recognised as {person.display_name}; say who it is instead"
        if near_dnp and person is not None:
            return (f"This face looks like {person.display_name}, who is on the "
                    "do-not-photograph list")
        if never:
            return never
        if face.score >= NOT_A_FACE_REASON_SCORE and not reason.strip():
            # shown uncovered if it is a face after all: as sure a detection needs a reason
            return ("PhotoVet is fairly sure this is a face, and marking it not a face "
                    "publishes it uncovered. Say what it is (for example: a pattern on the wall, "
                    "a cartoon character)")
        return None
    if action != "show":
        return f"unknown review action '{action}'"
    if known:
        return _known_show_refusal(person, channel, media, mode, on, reason) or (
            never or None)
    if near_dnp and person is not None:
        return (f"This face looks like {person.display_name}, who is on the "
                "do-not-photograph list")
    if never:
        return never
    maybe = _maybe_refused(face, person, near, channel, media, mode, on)
    if maybe:
        # shown unnamed, it may publish a child who may not be shown here: say who it is
        # instead ("Who is this?": a reason, named by hand, never approved in bulk)
        return (f"This face may be {maybe}. If it is someone else, say who it is (Who is "
                "this?); otherwise it stays covered")
    if not reason.strip():
        return "Say why this face may be shown (for example: an adult visitor who agreed)"
    return None


def _maybe_refused(face: Face, person: Person | None, near: Near | None, channel: Channel,
                   media: str, mode: str | Mode, on: _dt.date) -> str:
    """Whom an UNCERTAIN face may be that may not be shown here, in words ("Hope Bennett
    (Facebook: No)"): its nearest match, or anyone else near it (``lookalikes_covered``: fail
    closed, a row not given counts); "" when nobody (a face nobody was near)."""
    if face.match_status != MatchStatus.UNCERTAIN.value or not face.person:
        return ""
    parts = []
    if person is None or person.id != face.person:
        parts.append("someone in the register whose consent is not known here")
    elif decide_person(person, channel, media, mode, on).action != "show":
        parts.append(f"{person.display_name} ({consent_note(person, channel, media, on)})")
    covered = lookalikes_covered(face, face.person, near, channel, media, mode, on)
    if covered:
        parts.append(near_words(covered, person, channel, media, on))
    return "; or ".join(parts)


def decide_face(face: Face, person: Person | None, channel: Channel, media: str,
                mode: str | Mode, on: _dt.date, *, recognised: Person | None = None,
                near: Near | None = None) -> Decision:
    """The final decision for a face, its override (``face.override``) included. Sets
    ``face.refused`` when the override is not allowed, ``face.hand_named`` /
    ``face.hand_note`` for a face a person named (``recognised``: the register row of whom
    PhotoVet took it to be, ``recognised_as``), and ``face.near_note`` for an uncertain face
    near someone who may not be shown here (``near``: their rows, ``near_people``)."""
    rule = rule_for_face(face, person, channel, media, mode, on)
    face.refused = ""
    face.hand_named = hand_named_kind(face, recognised, channel, media, mode, on, near=near)
    face.hand_note = hand_named_note(face, recognised, channel, media, on, mode=mode, near=near)
    face.near_note = near_note(face, person, near, channel, media, mode, on)
    action = face.override
    never = never_publish_match(face, recognised, near)
    named_never = bool(face.override_person) and person is not None and \
        person.id == face.override_person and person.do_not_photograph
    if never and face.override_person and action not in ("cover", "not-a-face") and \
            not named_never:
        # matched to a pupil who must never be published and named by hand as someone else:
        # the name is kept (the subject access report, the take-down list) but uncovers
        # nothing (s36; "show" and "not a face" are refused below, face_override_refusal)
        if action == "show":
            face.refused = never
        return Decision("cover", never)
    if never and action is None and not face.override_person and rule.needs_review:
        # "Is this Grace?" with a never-publish pupil near it: no answer can show it, so it is
        # not asked; it is said why it stays covered
        return Decision("cover", never)
    if face.override_person and action not in ("cover", "not-a-face"):
        # checked again at every decision: a name given over a recognition, or over an
        # uncertain match with a refused twin near it, without a reason (made before a reason
        # was asked, or by a tool) is not used
        refusal = _assign_refusal(face, person, recognised, channel, media, mode, on,
                                  face.assign_reason, near)
        if refusal:
            face.refused = refusal
            return Decision("cover", REASON_HAND_NAMED_NO_REASON, needs_review=True)
    if face.hand_named and rule.action == "show" and (
            action is None or action == "show"):
        # signed with the approval (the publication's reasons); who and whom: face.hand_note
        rule = Decision("show", rule.reason + NAMED_BY_HAND, rule.needs_review)
    if action is None or (action == "show" and rule.action == "show"):
        return rule
    if action == "cover":
        if face.override_reason == REASON_NAMING_RETURNED:
            return Decision("cover", REASON_NAMING_RETURNED, needs_review=True)
        return Decision("cover", REASON_COVERED_BY_HAND)
    refusal = face_override_refusal(action, face, person, channel, media, mode, on,
                                    face.override_reason, recognised=recognised, near=near)
    if refusal:
        face.refused = refusal
        return Decision("cover", rule.reason, needs_review=rule.needs_review)
    if action == "not-a-face":
        why = face.override_reason.strip()
        return Decision("show", f"{REASON_NOT_A_FACE}: {why}" if why else REASON_NOT_A_FACE)
    return Decision("show", f"Shown by hand: {face.override_reason.strip()}"
                    if face.override_reason.strip() else "Shown by hand")


#: what ``OverrideAsk.verdict`` says of a change a person wants to make
ALLOWED, NEEDS_REASON, REFUSED = "allowed", "needs a reason", "refused"
#: any reason at all, to learn whether one would make a change allowed
_SOME_REASON = "a reason"


@dataclass(frozen=True)
class OverrideAsk:
    """What a change a person wants to make to a face or a name needs, in one answer:
    ``ALLOWED`` (make it), ``NEEDS_REASON`` (ask for one; ``words`` say what to show: for a
    face named by hand, whom PhotoVet recognised and both people's consent; else the question,
    "Say why this face may be shown (for example: ...)"), or ``REFUSED`` (``words``: why; no
    reason would make it allowed). The store (``Reviewer``) checks again with the reason."""

    verdict: str
    words: str = ""
    #: said once the change is made, whatever the verdict: what it does not do (naming a face
    #: matched to a pupil who must never be published: the name is recorded, the face stays
    #: covered, and why: ``named_stays_covered``), '' when nothing needs saying
    note: str = ""

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOWED

    @property
    def needs_reason(self) -> bool:
        return self.verdict == NEEDS_REASON

    @property
    def refused(self) -> bool:
        return self.verdict == REFUSED


def named_stays_covered(action: str, face: Face, person: Person | None,
                        recognised: Person | None, near: Near | None) -> str:
    """What naming ``face`` as ``person`` ("assign") is told at once when PhotoVet matched it
    to a pupil who must never be published (``never_publish_match``, s36): the name is
    recorded, and the face stays covered, and why ('' otherwise; not when the person chosen is
    on the do-not-photograph list themself: that is why it stays covered)."""
    if action != "assign" or person is None or person.do_not_photograph:
        return ""
    why = never_publish_match(face, recognised, near)
    return f"The name is recorded. {why}." if why else ""


def face_override_ask(action: str, face: Face, person: Person | None, channel: Channel,
                      media: str, mode: str | Mode, on: _dt.date, *,
                      recognised: Person | None = None, near: Near | None = None
                      ) -> OverrideAsk:
    """``face_override_refusal`` asked once for a person about to make a change: allowed,
    needs a reason (and what to show), or refused (why). Same arguments."""
    ask = _face_override_ask(action, face, person, channel, media, mode, on,
                             recognised=recognised, near=near)
    note = named_stays_covered(action, face, person, recognised, near)
    return dataclasses.replace(ask, note=note) if note and not ask.refused else ask


def _face_override_ask(action: str, face: Face, person: Person | None, channel: Channel,
                       media: str, mode: str | Mode, on: _dt.date, *,
                       recognised: Person | None = None, near: Near | None = None
                       ) -> OverrideAsk:
    first = face_override_refusal(action, face, person, channel, media, mode, on, "",
                                  recognised=recognised, near=near)
    if first is None:
        return OverrideAsk(ALLOWED)
    final = face_override_refusal(action, face, person, channel, media, mode, on, _SOME_REASON,
                                  recognised=recognised, near=near)
    if final is not None:
        return OverrideAsk(REFUSED, final)
    if action == "assign":
        return OverrideAsk(NEEDS_REASON, assign_warning(face, recognised, person, channel,
                                                        media, on, mode=mode, near=near))
    return OverrideAsk(NEEDS_REASON, first)


def maybe_refused_ask(ask: OverrideAsk, others: Sequence[tuple[Person | None, bool]],
                      channel: Channel, media: str, mode: str | Mode,
                      on: _dt.date) -> OverrideAsk:
    """``ask`` (showing a face nobody is sure of, with a reason) with a warning first when the
    face may be someone who may NOT be shown here: ``others`` are the register rows other faces
    of the same clip were taken to be, that may be this face (never seen at the same moment),
    each with True when a person named it by hand. A warning only: the face is shown with a
    reason as before (audit, second term, finding 11: "Show for the whole clip" on a row of
    the child just named as refused in another row asked only for a free-text reason)."""
    if not ask.needs_reason:
        return ask
    seen: set[str] = set()
    refused: list[tuple[Person, bool]] = []
    for person, by_hand in others:
        if person is None or person.id in seen:
            continue
        if decide_person(person, channel, media, mode, on).action != "show":
            seen.add(person.id)
            refused.append((person, by_hand))
    if not refused:
        return ask
    who = [f"{p.display_name} ({consent_note(p, channel, media, on)})" for p, _h in refused]
    named = ("named as" if all(h for _p, h in refused) else
             "recognised as" if not any(h for _p, h in refused) else "named or recognised as")
    listed = who[0] if len(who) == 1 else ", ".join(who[:-1]) + " and " + who[-1]
    one = len(refused) == 1
    them = refused[0][0].display_name if one else "one of them"
    return OverrideAsk(NEEDS_REASON, (
        f"careful: another face in this clip was {named} {listed}, who may not be shown on "
        f"{channel.label}. This face is never seen at the same moment as "
        f"{'that face' if one else 'those faces'}, so it could be {them}: if it could be, "
        f"keep it covered.\n\n{ask.words[:1].upper()}{ask.words[1:]}"))


def text_override_ask(action: str, item: TextItem, person: Person | None, *, channel: Channel,
                      media: str, mode: str | Mode, on: _dt.date) -> OverrideAsk:
    """``text_override_refusal`` asked once, as ``face_override_ask``."""
    first = text_override_refusal(action, item, person, "", channel=channel, media=media,
                                  mode=mode, on=on)
    if first is None:
        return OverrideAsk(ALLOWED)
    final = text_override_refusal(action, item, person, _SOME_REASON, channel=channel,
                                  media=media, mode=mode, on=on)
    if final is not None:
        return OverrideAsk(REFUSED, final)
    return OverrideAsk(NEEDS_REASON, first)


# --------------------------------------------------------------------------------------------
# Names in the picture and in captions
# --------------------------------------------------------------------------------------------

def name_rule_allows(channel: Channel, form: str) -> bool:
    """Does the channel's names rule allow a name written this way? ``form``: "full",
    "surname_forename", "forename", "surname", "initial", "title_surname"..."""
    if channel.names == "full":
        return True
    if channel.names == "first":
        return form == "forename"
    return False


def decide_name(person: Person | None, channel: Channel, media: str, mode: str | Mode,
                on: _dt.date, form: str = "full") -> Decision:
    """Keep or cover a person's name READ IN THE PICTURE (a badge, a certificate, a door sign).
    Staff follow their own name-with-photo consent, as pupils do."""
    action, reason, _detail = _name_rule(person, channel, media, mode, on, form)
    return Decision(action, reason)


def _low(text: str) -> str:
    return text[:1].lower() + text[1:]


def _name_rule(person: Person | None, channel: Channel, media: str, mode: str | Mode,
               on: _dt.date, form: str) -> tuple[str, str, str]:
    """``decide_name``'s (action, reason, detail): the detail is the reason about the person
    without whose name it is ('on the do-not-photograph list', 'no consent to show names'),
    for a take-down list's sentence ("Kit Hart's name can be read in it (...)")."""
    if person is None:
        return "cover", "Name not matched to the register", "not matched to the register"
    block = person_block(person, on)
    if block:
        return "cover", f"Name: {_low(block)}", _low(block)
    mode_v = effective_mode(channel, mode)
    if not _known_mode(mode_v):
        return "cover", REASON_UNKNOWN_MODE, _low(REASON_UNKNOWN_MODE)
    who = "Staff name" if person.is_staff else "Pupil's name"
    if mode_v == NO_CHILDREN and not person.is_staff:
        detail = "no identifiable children on this channel"
    elif not person.name_with_photo:
        detail = "no consent to show names"
    elif not person.consents_to(channel.id, media):
        detail = _low(no_consent_reason(channel, media, person.consent_state(channel.id, media),
                                        person.withdrawn_on(channel.id, media)))
    elif not name_rule_allows(channel, form):
        rule = {"first": "first names only", "initials": "initials only",
                "none": "no names"}.get(channel.names, channel.names)
        detail = f"{channel.label}: {rule}"
    else:
        detail = f"consent to show names on {channel.label}"
        return "keep", f"{who} ({detail})", detail
    return "cover", f"{who} ({detail})", detail


def rule_for_text(item: TextItem, person: Person | None, channel: Channel, media: str,
                  mode: str | Mode, on: _dt.date) -> Decision:
    rule = _rule_for_name(item, person, channel, media, mode, on)
    if rule.action == "keep" and item.school:
        return decide_school_identifier(item, channel)
    return rule


def _rule_for_name(item: TextItem, person: Person | None, channel: Channel, media: str,
                   mode: str | Mode, on: _dt.date) -> Decision:
    if item.kind in ("pupil-name", "staff-name") and item.person:
        return decide_name(person, channel, media, mode, on, item.form or "full")
    if item.kind == "pupil-name":
        return Decision("cover", "A pupil's name (it fits several pupils)")
    if item.kind == "staff-name":
        return Decision("cover", "Looks like a staff member's name that is not in the register",
                        needs_review=True)
    if item.kind == "name-like" and item.context == UNREAD_AFTER_CUE:
        return Decision("cover", REASON_UNREAD_AFTER_CUE, needs_review=True)
    if item.kind == "name-like" and item.low_confidence and item.context == "worn":
        return Decision("cover", REASON_UNREAD_WORN, needs_review=True)
    if item.kind == "name-like":
        return Decision("cover", name_like_reason(TEXT_CONTEXTS.get(item.context, "")),
                        needs_review=True)
    # Ordinary text stays readable; the reason says why, so every line read is accounted for.
    if item.context == "face":
        if one_mark(item.text):
            return Decision("keep", REASON_ONE_MARK_IN_FACE)
        # fail closed: a person uncovers an eye; a name on a cheek would not come back
        return Decision("cover", REASON_IN_FACE, needs_review=True)
    if text_fragment(item.text):
        return Decision("keep", REASON_FRAGMENT[:-1] + ("; read with low confidence)"
                                                        if item.low_confidence else ")"))
    if item.context:
        return Decision("keep", f"Only school words{KEPT_CONTEXTS.get(item.context, '')} "
                                "(not a name)")
    if item.low_confidence:
        return Decision("keep", "Not a name (read with low confidence)")
    return Decision("keep", REASON_NOT_A_NAME)


def text_override_refusal(action: str, item: TextItem, person: Person | None,
                          reason: str = "", *, channel: Channel | None = None,
                          media: str = "photo", mode: str | Mode | None = None,
                          on: _dt.date | None = None) -> str | None:
    """Why a person may NOT make this change to a text, or None when they may. A name matched
    to someone in the register follows the register on ``channel`` as a face does: where it
    says No (to names with photos, or for the channel), the person is a leaver or on the
    do-not-photograph list, or the channel shows less of a name, no one can leave it readable
    by hand (an audit left readable a pupil's name whose family said No); where consent is
    only not recorded, a reason is asked for."""
    if action == "cover":
        return None
    if action != "keep":
        return f"unknown review action '{action}'"
    if person is not None and person.do_not_photograph:
        return f"{person.display_name} is on the do-not-photograph list: their name is always covered"
    if person is not None and channel is not None and item.person and \
            item.kind in ("pupil-name", "staff-name"):
        refusal = _name_refusal(item, person, channel, media, mode, on or _dt.date.today())
        if refusal:
            return refusal
    if item.school == "crest" and not reason.strip():
        return "Say why this may stay visible (for example: it is not the school's crest)"
    if (item.kind or item.school) and not reason.strip():
        return "Say why this text may stay readable (for example: it is a street name)"
    return None


def _name_refusal(item: TextItem, person: Person, channel: Channel, media: str,
                  mode: str | Mode | None, on: _dt.date) -> str | None:
    """Why a name matched to ``person`` can never be left readable on ``channel`` (None when
    the register allows it, or only lacks a recorded answer)."""
    name = person.display_name
    if decide_name(person, channel, media, mode if mode is not None else CONSENT, on,
                   item.form or "full").action == "keep":
        return None
    block = person_block(person, on)
    if block:
        return f"{name}: {block[0].lower()}{block[1:]}; their name is always covered"
    mode_v = effective_mode(channel, mode if mode is not None else CONSENT)
    if not _known_mode(mode_v):
        return REASON_UNKNOWN_MODE
    if mode_v == NO_CHILDREN and not person.is_staff:
        return f"No pupil's name may be shown on {channel.label} (no identifiable children)"
    if person.name_consent == NO:
        return (f"{name}: the register says No to showing their name with photos; it stays "
                "covered (if the register is wrong, change it there)")
    if person.consent_state(channel.id, media) == NO:
        return (f"{name}'s parents said No for {channel.label}" + ("" if media == "photo"
                else " videos") + "; their name stays covered")
    if not name_rule_allows(channel, item.form or "full"):
        shown = {"first": "first names only", "initials": "initials only",
                 "none": "no names"}.get(channel.names, channel.names)
        return f"{channel.label} shows {shown}: this name stays covered"
    return None


def decide_text(item: TextItem, person: Person | None, channel: Channel, media: str,
                mode: str | Mode, on: _dt.date) -> Decision:
    rule = rule_for_text(item, person, channel, media, mode, on)
    item.refused = ""
    action = item.override
    if action is None:
        return rule
    if action == rule.action:   # a person confirmed what the rules do: nothing is open
        return Decision(rule.action, rule.reason)
    if action == "cover":
        return Decision("cover", REASON_COVERED_BY_HAND)
    refusal = text_override_refusal(action, item, person, item.override_reason,
                                    channel=channel, media=media, mode=mode, on=on)
    if refusal:
        item.refused = refusal
        return Decision("cover", rule.reason, needs_review=rule.needs_review)
    return Decision("keep", f"Left readable by hand: {item.override_reason.strip()}"
                    if item.override_reason.strip() else "Left readable by hand")


def caption_name_form(person: Person | None, channel: Channel, mode: str | Mode,
                      on: _dt.date, media: str = "photo") -> str:
    """What a caption may call this person: "full", "first", "initials" or "none".

    Initials unless the name may be shown (``decide_name``); then what the channel's names rule
    allows. Anyone who may never be published gets initials too (and ``caption_warning`` names
    the reason). On a channel that shows no names, "none": the name is left out, not made
    initials (s32: the caption check suggested initials there).
    """
    if channel.names == "none":
        return "none"
    if person is None or decide_name(person, channel, media, mode, on).action != "keep":
        # decide_name with form "full" fails on a first-names channel: ask for the first name
        if person is not None and channel.names == "first" and \
                decide_name(person, channel, media, mode, on, "forename").action == "keep":
            return "first"
        return "initials"
    return "full" if channel.names == "full" else "first"


#: why initials typed in a caption may not go out: the words are ``words``' (shared by the app
#: and the commands), named here too as before
CAPTION_NO_INITIALS = _words.CAPTION_NO_INITIALS
CAPTION_NEVER_INITIALS = _words.CAPTION_NEVER_INITIALS
CAPTION_NEVER_INITIALS_SHARED = _words.CAPTION_NEVER_INITIALS_SHARED


def caption_initials_refusal(people: Sequence[Person], channel: Channel, mode: str | Mode,
                             on: _dt.date, media: str = "photo", *,
                             lower_case: bool = False, middle: bool = False,
                             word: bool = False, shape: str = "middle") -> str | None:
    """Why initials typed in a caption ("Well done KJ", "K.J. won") may not go out on
    ``channel``, or None. ``people``: every pupil in the register whose initials they are
    (staff are left out: initials are how staff are asked to write a pupil's name).

    Initials of a pupil who must not be in any post (``caption_warning``: the do-not-photograph
    list) are refused on every channel (s33: "Well done TW" passed on a channel that shows
    names, though the warning says "not even by initials"), also when other pupils share them:
    nobody can tell whom they stand for, so they fail closed. A channel that shows no names
    (``caption_name_form`` "none") shows no initials either: the initials of any pupil there
    are refused, whoever they stand for (s33: "Well done KJ" passed there). Every other channel
    allows initials (the form ``caption_name_form`` falls back to).

    ``lower_case``: the letters were not typed in capitals ("well done tw", "Well done Tw"),
    where two letters are as often a word or a short form: the caption check passes those
    (``names.TWO_LETTER_WORDS``, ``names.CAPTION_ABBREVIATIONS``) and asks here only about the
    rest, refused as capitals are (s34: "Tw won" for a listed pupil and, where no names are
    shown, "well done ac" passed), saying the letters are a pupil's initials. ``middle``: three
    letters whose first and last are the pupils' initials ("TJW" for Tori Wells): the register
    keeps no middle names, so they may be theirs, and they are refused as two would be (fail
    closed, s34), saying so. ``word``: two letters not typed in capitals that are a short form
    written so as often as initials ("see pg 4", "love from Year 2 xx", "the co-op":
    ``captions.LOWER_SHORT_FORMS``): refused only as a listed pupil's initials (who must not be
    in any post, however unlikely), not where no names are shown (s35: nearly every pair of
    letters is some pupil's initials in a large school, so "pg 4" was refused there); three
    capitals that are a name, a place or a short form of the word list ("TOM", "ROME": s36)
    are ``word`` too. ``shape``, with ``middle``: how the letters may be the pupils' (s36, the
    reason says so): "middle", one middle name between ("TJW"); "middles", more ("TJKW",
    "TJKLW"); "inside", five letters or more that hold their initials as a run ("TJKLW" for
    Kai Lewis)."""
    pupils = [p for p in people if not p.is_staff]
    never = [p for p in pupils if caption_warning(p, on)]
    if never:
        if middle:
            return _words.CAPTION_NEVER_INITIALS_SHAPES.get(
                shape, _words.CAPTION_NEVER_INITIALS_MIDDLE)
        return _words.CAPTION_NEVER_INITIALS if len(never) == len(pupils) else \
            _words.CAPTION_NEVER_INITIALS_SHARED
    if word:
        return None
    if any(caption_name_form(p, channel, mode, on, media) == "none" for p in pupils):
        said = _words.CAPTION_NO_INITIALS_SHAPES.get(shape, _words.CAPTION_NO_INITIALS_MIDDLE) \
            if middle else \
            _words.CAPTION_NO_INITIALS_LETTERS if lower_case else _words.CAPTION_NO_INITIALS
        return said.format(channel=channel.label)
    return None


def caption_media(media: Sequence[str] | str = ("photo",)) -> tuple[str, ...]:
    """The media types whose consent a caption needs, for a photo or video or a batch holding
    ``media``: a photo's always (a caption goes out with its batch, and so with photos:
    ``pipeline.batch_media``), and a video's too when there is a video; checked in this order,
    so each check says the same words. Marking a video ready checked its caption for video
    consent alone, while the export refused it for a pupil with no photo consent (s38)."""
    kinds = (media,) if isinstance(media, str) else tuple(media or ())
    return ("photo", "video") if "video" in kinds else ("photo",)


def caption_warning(person: Person | None, on: _dt.date) -> str | None:
    """A warning by name for someone who must not be in the post at all."""
    if person is None:
        return None
    if person.do_not_photograph:
        return (f"{person.display_name} is on the do-not-photograph list: they must not appear in "
                "this post at all, not even by initials")
    return None


# --------------------------------------------------------------------------------------------
# A whole photo
# --------------------------------------------------------------------------------------------

def decide_photo(analysis: PhotoAnalysis, people_by_id: dict[str, Person], channel: Channel,
                 mode: str | Mode, on: _dt.date, rules: PhotoRules | None = None) -> PhotoAnalysis:
    """Decide every face and text of an analysed photo for ``channel`` (in place; returned).
    The review must already be applied (``review.apply_review``). ``rules``: what the school
    set beyond consent (group shots, approved devices) and the flags a person accepted; the
    photo's ``flags`` are set from them."""
    analysis.channel = channel.id
    analysis.mode = effective_mode(channel, mode)
    media = analysis.media
    for face in analysis.faces:
        pid = face.override_person or face.person
        person = people_by_id.get(pid) if pid else None
        machine = recognised_as(face)
        d = decide_face(face, person, channel, media, mode, on,
                        recognised=people_by_id.get(machine) if machine else None,
                        near=near_people(face, people_by_id.get))
        face.decision, face.reason, face.needs_review = d.action, d.reason, d.needs_review
    # every face not shown is covered by an oval (``publication``)
    covered = [face.box for face in analysis.faces if face.decision != "show"]
    for item in analysis.texts:
        person = people_by_id.get(item.person) if item.person else None
        d = decide_text(item, person, channel, media, mode, on)
        if d.needs_review and d.action == "cover" and item.override is None and \
                any(in_face_cover(item.polygon, box) for box in covered):
            # a line the rules cover until a person decides, inside a face that is covered
            # (an eye or a mouth read as letters, s40): the question was whether to leave it
            # readable, and it could not be seen either way. Still covered, by the rule; asked
            # again as soon as the face is shown (s41: 6 of the scenario's 41 photos asked
            # only this)
            d = Decision("cover", d.reason + REASON_WITH_FACE)
        item.decision, item.reason, item.needs_review = d.action, d.reason, d.needs_review
        item.card = covers_card(item, channel)
    _one_question_per_cue(analysis.texts)
    analysis.flags = photo_flags(analysis, people_by_id, channel, rules or PhotoRules())
    return analysis


def _cue_key(item: TextItem | VideoTrack) -> tuple[str, str | None] | None:
    """What the places decided together share: a place after a cue where nothing was read
    (``names._after_cue``) has its cue and how a person decided it (``override``: none yet, or
    the one answer given for them all); anything else None, decided on its own."""
    if not item.cue or item.context != UNREAD_AFTER_CUE:
        return None
    return item.cue, item.override


def cue_places(texts: Sequence[TextItem | VideoTrack], index: int) -> list[int]:
    """The places decided with text ``index``, ``index`` first: the places after the same cue
    line ("HELLO my name is" read and nothing after it: beside the words and under them,
    ``names._after_cue``) that stand as it does, none decided by a person or all by the same
    answer; ``[index]`` for any other line. A decision about one of them is made for all
    (``review.Reviewer.text``, ``video_review.VideoReviewer.track``): a person answers where
    the cue's name is written once, and never changes what a person decided about one place
    on its own (s57). ``texts``: a photo's lines or a video's tracks (a face track is in no
    cue)."""
    key = _cue_key(texts[index])
    if key is None:
        return [index]
    return [index] + [i for i, t in enumerate(texts) if i != index and _cue_key(t) == key]


def cue_track_ids(tracks: Sequence[VideoTrack], track_id: int) -> list[int]:
    """``cue_places`` of a video's track by its id: the ids of the tracks decided with it,
    itself first."""
    index = next((i for i, t in enumerate(tracks) if t.id == track_id), None)
    return [track_id] if index is None else [tracks[i].id for i in cue_places(tracks, index)]


def _cue_groups(texts: Sequence[TextItem | VideoTrack]) -> list[list[int]]:
    """The places decided together (``cue_places``), each group in order."""
    groups: dict[tuple[str, str | None], list[int]] = {}
    for i, t in enumerate(texts):
        key = _cue_key(t)
        if key is not None:
            groups.setdefault(key, []).append(i)
    return list(groups.values())


def waiting_on_cue(texts: Sequence[TextItem | VideoTrack]) -> set[int]:
    """The places after a cue whose question another place asks (still open: answering it
    decides them too). Shown as waiting for a decision, as that place is."""
    return {j for g in _cue_groups(texts) if any(texts[i].needs_review for i in g)
            for j in g if not texts[j].needs_review}


def _one_question_per_cue(texts: Sequence[TextItem | VideoTrack]) -> None:
    """Of the places decided together that are still open, the first asks the question for
    all of them; the others stay covered without a question of their own (their answer is its
    answer: ``cue_places``). Each stays covered until then (fail closed): only a covered
    place waits on another's question."""
    for group in _cue_groups(texts):
        asking = [i for i in group if texts[i].needs_review]
        rest = [j for j in asking[1:] if texts[j].decision == "cover"]
        if not rest:
            continue                      # alone, or nothing open
        texts[asking[0]].reason += REASON_CUE_BOTH
        for j in rest:
            texts[j].needs_review = False
            texts[j].reason += REASON_CUE_ASKED


#: how a face shown may be someone else (``maybe_shown``): PhotoVet recognised that person, or
#: was not certain and that person was near it (a twin, a sibling, a look-alike)
MAYBE_RECOGNISED = "recognised"
MAYBE_NEAR = "near"


def maybe_shown(face: Face | VideoTrack) -> list[tuple[str, str]]:
    """The other people a face (a video: face track) that is SHOWN may be, as (register id,
    ``MAYBE_RECOGNISED`` or ``MAYBE_NEAR``), in order: whom PhotoVet itself took it to be when
    a person said it is someone else (or not a face), and, when PhotoVet was not certain, every
    one near it (``face.near``) other than whom it is shown as. A face staff confirmed as Grace
    while her twin Hope was near it may be Hope: an export records it, so Hope's subject access
    report lists it and the take-down list treats it as Hope's when her consent goes. Empty
    for a covered face, and for a face PhotoVet recognised and nobody renamed (the matcher
    already asked a look-alike for more before it was certain)."""
    if face.decision != "show" or getattr(face, "kind", "face") != "face":
        return []
    who = face.who
    out: dict[str, str] = {}
    machine = recognised_as(face)
    if machine and machine != who:
        out[machine] = (MAYBE_RECOGNISED if face.match_status == MatchStatus.RECOGNISED.value
                        else MAYBE_NEAR)
    if face.match_status == MatchStatus.UNCERTAIN.value:
        for pid, _dist in face.near:
            if pid and pid != who:
                out.setdefault(pid, MAYBE_NEAR)
    return list(out.items())


@dataclass
class Publication:
    """What an export of a decided photo shows and covers: the substance of an approval."""

    covers: list[Cover] = field(default_factory=list)
    people_shown: list[str] = field(default_factory=list)
    people_covered: list[str] = field(default_factory=list)
    names_shown: list[str] = field(default_factory=list)
    names_covered: list[str] = field(default_factory=list)
    faces_shown: list[tuple[tuple[int, int, int, int], str | None, str]] = field(default_factory=list)
    texts_kept: list[tuple[str, str | None, str]] = field(default_factory=list)
    #: the people a face shown may be besides whom it is shown as (``maybe_shown``): (register
    #: id, whom it is shown as ('' nobody), how). Recorded with the export; signed by an
    #: approval that signs ``checked_with`` instead of the analysis key (approval.py: a twin
    #: enrolled since may make a face shown someone else); older approvals signed the analysis
    #: key, which covered it
    people_maybe: list[tuple[str, str, str]] = field(default_factory=list)

    def signature(self) -> list:
        """A canonical, JSON-ready form (for the approval fingerprint). A cover over a line
        naming the school is signed as it was before it was labelled for what it hides
        (``words.photo_cover_label``): the same cover, so approvals given before still count."""
        return [
            sorted(json.dumps(_signed_cover(c), sort_keys=True) for c in self.covers),
            sorted(self.people_shown), sorted(self.people_covered),
            sorted(self.names_shown), sorted(self.names_covered),
            sorted([list(b), p or "", r] for b, p, r in self.faces_shown),
            sorted([t, p or "", r] for t, p, r in self.texts_kept),
        ]


#: the labels of text covers signed as the photo's plain text cover label (Publication.signature)
_SCHOOL_COVER_LABELS = frozenset(_words.SCHOOL_WORDS.values())


def _signed_cover(c: Cover) -> dict:
    d = c.to_dict()
    if c.source == "text" and c.label in _SCHOOL_COVER_LABELS:
        d["label"] = _words.PHOTO_TEXT_COVER
    return d


def publication(analysis: PhotoAnalysis, face_cover, text_cover, card_covers) -> Publication:
    """What will be published for a decided photo. ``face_cover(box)`` and ``text_cover(item)``
    turn a face box and a text line into the Cover the export paints (media/cover.py);
    ``card_covers(item)``, a line worn on a badge into the covers over the rest of the badge
    (for a line ``covers_card`` decided so: media/cover.py's ``card_covers``). All three are
    needed: policy reads no pictures and makes no shapes itself (the import contract), and a
    caller cannot leave the badge covers out by forgetting one."""
    pub = Publication()
    for face in analysis.faces:
        who = face.who
        if face.decision == "show":
            x, y, w, h = face.box
            pub.faces_shown.append(((int(x), int(y), int(w), int(h)), who, face.reason))
            if who:
                pub.people_shown.append(who)
            pub.people_maybe += [(pid, who or "", how) for pid, how in maybe_shown(face)]
        else:
            pub.covers.append(face_cover(face.box))
            if who:
                pub.people_covered.append(who)
    for item in analysis.texts:
        if item.decision == "keep":
            if item.kind or item.school:
                # a name's words are not signed (the analysis cache keeps ids, not names): the
                # register id and the reason say whose name stays readable
                words = "" if item.kind in NAME_KINDS else item.text
                pub.texts_kept.append((words, item.person, item.reason))
                if item.person:
                    pub.names_shown.append(item.person)
        else:
            pub.covers.append(text_cover(item))
            if item.person:
                pub.names_covered.append(item.person)
        if item.card:
            pub.covers.extend(card_covers(item))
    pub.covers.extend(analysis.manual)
    pub.people_shown = sorted(set(pub.people_shown))
    pub.people_maybe = _maybe_kept(pub)
    pub.people_covered = sorted(set(pub.people_covered) - set(pub.people_shown))
    pub.names_shown = sorted(set(pub.names_shown))
    pub.names_covered = sorted(set(pub.names_covered) - set(pub.names_shown))
    return pub


def hand_named_shown(analysis: PhotoAnalysis | VideoAnalysis) -> list[tuple[str, str, str]]:
    """Every face (a video: face track) shown because a person named it by hand, as
    (register id, kind, note), in order: what an approver is told and counts."""
    items = analysis.faces if isinstance(analysis, PhotoAnalysis) else [
        t for t in analysis.tracks if t.kind == "face"]
    return [(x.override_person or "", x.hand_named, x.hand_note) for x in items
            if x.decision == "show" and x.hand_named]


def hand_named_heading(kinds: Sequence[str]) -> str:
    """What an approver reads over the faces named by hand (one ``hand_named`` kind a face):
    what PhotoVet itself decided about them, before the lines saying whom each was named as
    (s36: it said "PhotoVet did not decide who this face is" of a face PhotoVet recognised as
    someone else). 'PhotoVet took this face for someone else; a person named it';
    'PhotoVet took 2 of these faces for someone else and did not recognise 1; a person named
    each'."""
    counts = [(kind, sum(1 for k in kinds if k == kind))
              for kind in (HAND_OVER_REFUSAL, HAND_LOOKALIKE, HAND_RELABELLED, HAND_NAMED)]
    counts = [(kind, c) for kind, c in counts if c]
    if not counts:
        return ""
    n = len(kinds)
    parts = []
    for i, (kind, c) in enumerate(counts):
        what = (("this face" if n == 1 else f"these {n} faces") if len(counts) == 1 else
                f"{c} of these faces" if i == 0 else str(c))
        parts.append({
            HAND_NAMED: f"did not recognise {what}",
            HAND_RELABELLED: f"took {what} for someone else",
            HAND_OVER_REFUSAL: f"took {what} for someone who may not be shown here",
            HAND_LOOKALIKE: f"was not sure of {what} ({'it' if c == 1 else 'each'} could be "
                            "someone who may not be shown here)",
        }[kind])
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"PhotoVet {listed}; a person named {'it' if n == 1 else 'each'}"


def hand_named_refusal(analysis: PhotoAnalysis | VideoAnalysis) -> str | None:
    """Why this photo may not be approved without its approver saying they looked at its
    faces named by hand, or None: a face shown because a person named it over PhotoVet's
    recognition of someone who may not be shown here, or confirmed it while a twin or
    look-alike near it may not be (``HAND_LOOK_AT``). Never approved in bulk (a contact sheet,
    a list of files): the approver opens it and looks at that face."""
    shown = hand_named_shown(analysis)
    what = "video" if getattr(analysis, "media", "photo") == "video" else "photo"
    over = [note for _pid, kind, note in shown if kind == HAND_OVER_REFUSAL]
    if over:
        return (f"this {what} shows a face named by hand over PhotoVet's recognition of someone "
                f"who may not be shown here ({over[0]}); open it, look at that face and approve "
                "it on its own")
    twin = [note for _pid, kind, note in shown if kind == HAND_LOOKALIKE]
    if twin:
        return (f"this {what} shows a face named by hand that could also be someone who may "
                f"not be shown here ({twin[0]}); open it, look at that face and approve it on "
                "its own")
    return None


def everyone_covered(analysis: PhotoAnalysis | VideoAnalysis) -> bool:
    """Does this decided photo (a video: its face tracks) have faces, and cover every one of
    them (none shown, none marked "not a face" and left uncovered)? What the approver's list
    says of a photo waiting for approval, so it can be approved or left out at a glance (s36:
    such photos still go to approval, as every post is approved). False before it is
    decided, for a photo that could not be checked, for one with no face found, and for one
    that leaves a name readable (a person's, or what may be one: "everyone covered" must not
    hurry the approver past it)."""
    if getattr(analysis, "error", "") or not getattr(analysis, "channel", ""):
        return False
    if isinstance(analysis, PhotoAnalysis):
        decided = [f.decision for f in analysis.faces]
        kept = [(t.person, t.kind) for t in analysis.texts if t.decision == "keep"]
    else:
        decided = [t.decision for t in analysis.tracks if t.kind == "face"]
        kept = [(t.person, t.text_kind) for t in analysis.tracks
                if t.kind != "face" and t.decision == "keep"]
    named = any(person or kind in NAME_KINDS for person, kind in kept)
    return bool(decided) and not named and all(d == "cover" for d in decided)


def export_refusal(analysis: PhotoAnalysis | VideoAnalysis) -> str | None:
    """Why this analysed photo may not be exported at all (before approval), or None."""
    if analysis.error:
        return analysis.error
    if not analysis.faces_checked:
        return "faces in this photo were not checked"
    if not analysis.channel:
        return "no channel was decided for this photo"
    return open_flag_refusal(analysis)


def post_channel_refusal(exported_for: str, posted_on: str,
                         label_of: Callable[[str], str] = str) -> str | None:
    """Why an exported copy may not be recorded as posted on ``posted_on``, or None. A copy is
    checked (consent, names, covers, size) and approved for the one channel it was exported
    for; posting it anywhere else publishes what nobody checked for there (the GUI audit,
    item 19: "Posted on" could name another channel and it was recorded)."""
    if posted_on == exported_for:
        return None
    return (f"it was exported for {label_of(exported_for)}, not {label_of(posted_on)}: consent "
            f"and covers were checked and approved for {label_of(exported_for)} only")


@dataclass(frozen=True)
class TakenDown:
    """A take-down item of an export, as the records keep it (plain data for
    ``post_refusal``): on which channel (its label; ``channel``, its id: '' when not known,
    taken to be any channel), since when it is listed, when it was marked taken down (None:
    still open), and whether the export had been posted there."""

    channel_label: str
    listed_on: _dt.date | None = None
    done_on: _dt.date | None = None
    posted: bool = True
    channel: str = ""

    def on(self, channel: Channel) -> bool:
        """Is this item about ``channel``? An item whose channel is not known is taken to be
        about every channel (fail closed)."""
        return not self.channel or self.channel == channel.id


def _person_clause(name: str, reason: TakedownReason | str, channel_label: str) -> str:
    """A take-down list's reason for one person said about them in a sentence ("Seun
    Adeyemi's consent for Facebook was withdrawn on 30/11/2026"), from its parts
    (``TakedownReason.sentence``). A reason known only by its words (recorded before, and no
    longer missing now) is said as it is ("Seun Adeyemi: consent withdrawn on 30/11/2026")."""
    if isinstance(reason, TakedownReason):
        return reason.sentence(name, channel_label)
    return f"{name}: {_low(reason) if reason else 'consent is missing'}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def post_refusal(file_name: str, channel: Channel,
                 missing: Sequence[tuple[str, TakedownReason | str]],
                 taken_down: Sequence[TakenDown] = (), *,
                 exported_for: Channel | None = None,
                 school_in_name: Sequence[str] = (), media: str = "photo",
                 people_in_name: Sequence[tuple[str, str]] = ()) -> str | None:
    """Why an export may not be recorded as posted on ``channel``, or None.

    Marking as posted is where PhotoVet learns a photo is live (again); an audit recorded a
    re-post of a photo taken down nine minutes earlier, of photos on the take-down list and of
    a do-not-photograph pupil, without a word. So it is refused when

    - the export has a take-down item on ``channel`` (``taken_down``; an item on another
      channel does not refuse it here: a withdrawal for Facebook says nothing about the
      school's website, and whoever lacks consent on ``channel`` too, do-not-photograph,
      withdrawn for every channel, a channel no longer known, is in ``missing``): taken down
      (done), it came down for a reason and cannot go up again; still open, it must come
      down, not go up;
    - anyone it shows, whose name can be read in it, or whom its caption names would now be
      covered on ``channel`` for its media type (``missing``: ``(name, reason)`` for each, the
      reason in its parts (``TakedownReason``), as
      the take-down list decides them with ``consent_missing``, ``name_consent_missing`` and
      ``caption_consent_missing``, with the register as it is now).

    - it was made for another channel (``exported_for``) whose rules leave the school's name,
      initials, crest and badges uncovered, and ``channel`` must not show which school it is,
      or its file name names the school there (``school_in_name``): ``school_shown_refusal``
      (s45: a website copy recorded as posted on Facebook was checked for consent there, never
      for the school); or a rule of ``channel`` was never applied to it: group shots only, a
      video's sound (``media``; ``rules_not_checked_refusal``). ``exported_for`` has the rules
      the copy was made under (``made_under``, s46): a copy made for ``channel`` itself before
      its rules were made stricter is judged by them too.
    - its file name (made from the batch label) names someone whose name may not be used on
      ``channel`` now (``people_in_name``: ``(words, why in a sentence)``, the label check's
      findings; ``file_name_people_refusal``; s46: checked for the school only).

    A photo still wanted is exported again: checked and approved afresh."""
    why = _post_refusal(file_name, channel, missing, taken_down)
    more_checks = [file_name_people_refusal(file_name, channel, people_in_name)]
    if exported_for is not None:
        more_checks += [school_shown_refusal(file_name, exported_for, channel, school_in_name),
                        rules_not_checked_refusal(file_name, exported_for, channel, media)]
    for more in more_checks:
        if more:
            why = f"{why.rstrip('.')}; and it {more[len(file_name) + 1:]}" if why else more
    return why


def file_name_people_refusal(file_name: str, posted_on: Channel,
                             people_in_name: Sequence[tuple[str, str]]) -> str | None:
    """Why a copy whose file name names someone (``people_in_name``: the words and why they
    may not be used on ``posted_on`` now, in a sentence) may not be recorded as posted there,
    or None. The file name is published with the copy, as the batch label it was made from
    (``captions.label_refusal``). The returned sentence starts with ``file_name``."""
    if not people_in_name:
        return None
    said = "; ".join(f"\u201c{w}\u201d: {why}" for w, why in people_in_name)
    return (f"{file_name} has a file name that names someone ({said}): the file name is "
            f"published with it on {posted_on.label}")


#: the rules of a channel a copy is made under that its record keeps (``rules_of``, s46)
MADE_UNDER_RULES = ("names", "fixed_mode", "audio", "cover_school", "group_only")
#: a rule a record does not say it was made under: judged as if it was not applied (the
#: school's name and crest not covered, not checked as a group shot, all the sound kept, full
#: names, no fixed mode): fail closed
_NOT_KNOWN_RULES: dict[str, object] = {"names": "full", "fixed_mode": None, "audio": "",
                                       "cover_school": False, "group_only": False}


def rules_of(channel: Channel) -> dict[str, object]:
    """The rules of ``channel`` a copy made for it is made under, for its export record
    (``MADE_UNDER_RULES``; ``made_under`` reads them back)."""
    return {k: getattr(channel, k) for k in MADE_UNDER_RULES}


#: how strict each names rule is (``channels.NAMES_RULES``: full names the least)
_NAMES_STRICTNESS = {"full": 0, "first": 1, "initials": 2, "none": 3}


def rules_made_stricter(made_with: Mapping[str, object], now: Channel) -> list[str]:
    """The rules of ``now`` (a channel as it is now) stricter than ``made_with`` (the rules a
    copy was made under: ``rules_of``), in ``MADE_UNDER_RULES`` order: a copy made under the
    old rule may show what the channel now covers, so it is not recorded (``pipeline.
    _LastCheck``). A rule made looser is not one: the copy covers more than the channel now
    asks, which is what was approved (s46 audit: it was refused all the same, "check it
    again and approve it again"). A change either way that is not clearly looser (a value
    not known, muted sound made removed) counts as stricter (fail closed)."""
    def looser(key: str, then: object, new: object) -> bool:
        if key in ("cover_school", "group_only"):
            return then is True and new is False
        if key == "fixed_mode":
            return then is not None and new is None
        if key == "names":
            a, b = _NAMES_STRICTNESS.get(str(then)), _NAMES_STRICTNESS.get(str(new))
            return a is not None and b is not None and b < a
        if key == "audio":
            a, b = _SOUND_LETS_OUT.get(str(then)), _SOUND_LETS_OUT.get(str(new))
            return a is not None and b is not None and b > a
        return False                    # a rule not known here: any change counts

    out = []
    # and any other rule ``made_with`` holds (``channels.DECIDING`` grown): changed, it counts
    for k in dict.fromkeys([*MADE_UNDER_RULES, *made_with]):
        then, new = made_with.get(k), getattr(now, k, None)
        if then != new and not looser(k, then, new):
            out.append(k)
    return out


def made_under(channel: Channel, rules: Mapping[str, object] | None) -> Channel:
    """``channel`` (as it is now: its id and label) with the rules a copy made for it was made
    under (``rules``, its record's; ``rules_of``), to judge a post of that copy by what was
    applied to it, not by the channel's rules as they are when it is posted (s46: a copy made
    before Facebook started hiding the school, or before the website took group shots only,
    was judged as covered, or checked, by today's rule). A record without them (made before
    records kept them and not worked out from the channel's changes: ``storage/migrations.
    _export_rules``), or without one of them, or with a value of the wrong kind, is judged
    as if that rule was not applied (``_NOT_KNOWN_RULES``: fail closed)."""
    got = dict(rules or {})
    out: dict[str, object] = {}
    for k in MADE_UNDER_RULES:
        v = got.get(k, _NOT_KNOWN_RULES[k])
        kind = bool if k in ("cover_school", "group_only") else str
        ok = isinstance(v, kind) or (k == "fixed_mode" and v is None)
        # a value no rule has (a names rule "f" read from a change row cut short): not known
        # either, so no later check reads it as a rule it is not (s46 audit)
        ok = ok and (k != "names" or v in _NAMES_STRICTNESS) and \
            (k != "audio" or v in _SOUND_LETS_OUT) and \
            (k != "fixed_mode" or v in (None, NO_CHILDREN))
        out[k] = v if ok else _NOT_KNOWN_RULES[k]
    return dataclasses.replace(channel, **out)  # type: ignore[arg-type]


def _made_for(file_name: str, exported_for: Channel, posted_on: Channel) -> str:
    """"<file> was made for <channel>" for a copy posted elsewhere, "... made for <channel>
    under its earlier rules" for one posted where it was made for after that channel's rules
    changed (``made_under``)."""
    if exported_for.id == posted_on.id:
        return f"{file_name} was made for {exported_for.label} under its earlier rules"
    return f"{file_name} was made for {exported_for.label}"


#: how much of a video's sound a channel's sound rule lets out: kept unheard, kept once an
#: approver listened, none (``decide_sound``); a rule not known: all of it when it made the
#: copy, none where it is posted (fail closed both ways)
_SOUND_LETS_OUT = {"keep": 2, "listen": 1, "mute": 0, "remove": 0}


def rules_not_checked_refusal(file_name: str, exported_for: Channel, posted_on: Channel,
                              media: str = "photo") -> str | None:
    """Why a copy made for ``exported_for`` may not be recorded as posted on ``posted_on``
    because a rule of ``posted_on`` was never applied to it, or None (s45, as for the school:
    ``school_shown_refusal``): "group shots only" (a photo one pupil dominates is held there,
    ``group_shot_flag``; the copy was not checked so), and a video's sound where
    ``posted_on``'s sound rule lets out less than ``exported_for``'s (kept without anyone
    listening where an approver must listen first; kept at all where the sound is removed).
    ``exported_for`` has the rules the copy was made under (``made_under``), so a copy posted
    where it was made for, after that channel's rules were made stricter, is judged too (s46).
    The returned sentence starts with ``file_name``."""
    said = []
    if media != "video" and posted_on.group_only and not exported_for.group_only:
        said.append(f"it was not checked as a group shot ({posted_on.label} takes group shots "
                    "only)")
    if media == "video" and _SOUND_LETS_OUT.get(exported_for.audio, 2) > \
            _SOUND_LETS_OUT.get(posted_on.audio, 0):
        rule = ("keeps a video's sound only once an approver has listened to all of it"
                if posted_on.audio == "listen" else "does not publish a video's sound")
        said.append(f"its sound may be in it ({posted_on.label} {rule})")
    if not said:
        return None
    return f"{_made_for(file_name, exported_for, posted_on)}, where {' and '.join(said)}"


def channel_not_known(channel_id: str, *, posted_on: bool = False) -> Channel:
    """The rules a channel not in the channel list is judged by (one since removed or renamed,
    an id from elsewhere): nobody has consent for it and it shows no names; each other rule is
    not known, so it is the strict one for what is decided (fail closed both ways). A copy
    made for it may show the school, may be of one pupil alone and may have all its sound in
    it (``_SOUND_LETS_OUT``: a rule not known lets out all of it; s45 audit O2: it was read as
    "listen"). A post on it (``posted_on``) is judged as on a channel that must not show which
    school it is, takes group shots only and publishes no sound (s46: a post recorded on such
    a channel was checked for consent alone, not for the school nor group shots nor sound).
    The two stand-ins differ, so a copy made for a channel not known and posted on it is
    checked too (``school_shown_refusal``, ``rules_not_checked_refusal``)."""
    if posted_on:
        return Channel(id=channel_id, label=channel_id, names="none", audio="remove",
                       cover_school=True, group_only=True)
    return Channel(id=channel_id, label=channel_id, names="none", audio="",
                   cover_school=False, group_only=False)


def channel_not_known_said(why: str, posted_on: Channel) -> str:
    """``why`` a post on a channel not in the channel list (``channel_not_known``) is not
    allowed, with why it was judged so strictly, in plain words."""
    return (f"{why.rstrip('.')} ({posted_on.label} is not in PhotoVet's list of channels, so "
            "PhotoVet cannot tell what it allows: it is taken to hide the school, to take "
            "group shots only and to publish no sound)")


def school_shown_refusal(file_name: str, exported_for: Channel, posted_on: Channel,
                         school_in_name: Sequence[str] = ()) -> str | None:
    """Why a copy made for ``exported_for`` may not be recorded as posted on ``posted_on``
    because of the school, or None. Where ``posted_on`` must not show which school it is
    (``Channel.cover_school``) and ``exported_for`` does not cover the school's name,
    initials, address, crest and the pupils' badges, the copy's pictures may show them (its
    record does not say they do not: fail closed); and its file name, made from the batch
    label, must not name the school (``school_in_name``: the words that do). A copy made for
    a channel that covers them too is covered (its label was checked there). ``exported_for``
    has the rules the copy was made under (``made_under``): a copy made for ``posted_on``
    itself before it hid the school is judged so too (s46). The returned sentence starts with
    ``file_name``."""
    if not posted_on.cover_school:
        return None
    if exported_for.id == posted_on.id and exported_for.cover_school:
        return None
    found = [w for w in school_in_name if w.strip()]
    named = ", ".join(f"\u201c{w}\u201d" for w in found)
    hide = f"{posted_on.label} must not show which school it is"
    if not exported_for.cover_school:
        also = f", and its file name names the school ({named})" if found else ""
        return (f"{_made_for(file_name, exported_for, posted_on)}, where the school's name, "
                f"crest and badges are not covered, so it may show which school it is{also}: "
                f"{hide}")
    if found:
        return f"{file_name} has a file name that names the school ({named}): {hide}"
    return None


def _post_refusal(file_name: str, channel: Channel,
                  missing: Sequence[tuple[str, TakedownReason | str]],
                  taken_down: Sequence[TakenDown]) -> str | None:
    """``post_refusal`` for consent and the take-down list."""
    who = _and([_person_clause(n, r, channel.label) for n, r in missing]) if missing else ""
    because = f" because {who}" if who else " because consent is now missing for someone in it"
    taken_down = [t for t in taken_down if t.on(channel)]
    done = [t for t in taken_down if t.done_on is not None]
    if done:
        t = max(done, key=lambda t: t.done_on or _dt.date.min)
        assert t.done_on is not None
        return (f"{file_name} was taken down from {t.channel_label} on {_fmt_day(t.done_on)}"
                f"{because}: it cannot be posted again")
    if taken_down:
        t = taken_down[0]
        since = f" (since {_fmt_day(t.listed_on)})" if t.listed_on else ""
        again = " again" if any(x.posted for x in taken_down) else ""
        return (f"{file_name} is on the take-down list{since}{because}: it cannot be posted"
                f"{again}")
    if missing:
        return f"{file_name} cannot be posted on {channel.label} because {who}"
    return None


def caption_posted_refusal(file_name: str, channel: Channel,
                           findings: Sequence[tuple[str, str]], other: str | None = None) -> str:
    """Why a post that went out with a caption PhotoVet refuses was not allowed, when the
    take-down list's reasons do not say it (a name that fits several pupils, one of them on
    the do-not-photograph list): ``findings``, the caption check's ``(words, reason in a
    sentence)``; ``other``, why it was not allowed besides (``post_refusal``)."""
    # the school's own words are no one (s44 audit: "names someone it may not ("Oakfield
    # Primary": names the school: ...)"): said as the school, once
    school = [found for found, reason in findings
              if reason.lower().startswith(_NAMES_SCHOOL.lower())]
    people = [(found, reason) for found, reason in findings
              if not reason.lower().startswith(_NAMES_SCHOOL.lower())]
    parts = []
    if people:
        said = "; ".join(f"\u201c{found}\u201d: {reason}" for found, reason in people)
        parts.append(f"names someone it may not ({said})")
    if school:
        said = ", ".join(f"\u201c{found}\u201d" for found in school)
        parts.append(f"names the school ({said}), which {channel.label} must not show")
    what = " and ".join(parts) or "names someone it may not"
    if other:
        return f"{other.rstrip('.')}; and its caption {what}"
    return f"{file_name} went out on {channel.label} with a caption that {what}"


# --------------------------------------------------------------------------------------------
# What the school policies ask beyond faces (issue 18)
# --------------------------------------------------------------------------------------------

SCHOOL_COVERED = "(this channel covers school identifiers)"
SCHOOL_SHOWN = "(this channel does not cover school identifiers)"
SCHOOL_REASONS = {
    "name": f"The school's name {SCHOOL_COVERED}",
    "abbreviation": f"The school's initials {SCHOOL_COVERED}",
    "address": f"Where the school is {SCHOOL_COVERED}",
    "crest": f"The school's crest {SCHOOL_COVERED}",
}


def decide_school_identifier(item: TextItem, channel: Channel) -> Decision:
    """Keep or cover something that identifies the school: covered on a channel whose rule says
    so; an uncertain match is covered too and a person is asked to look (fail closed)."""
    reason = SCHOOL_REASONS.get(item.school, SCHOOL_REASONS["name"])
    if not channel.cover_school:
        # said as what it is (s34: `photovet scan` printed "KEEP - " and the findings list
        # "Ordinary text, not a name" for the school's name left readable where allowed)
        reason = reason.replace(SCHOOL_COVERED, SCHOOL_SHOWN)
    if item.school_unsure:
        reason = reason.replace("The school's", "Might be the school's").replace(
            "Where the school is", "Might say where the school is")
    if not channel.cover_school:
        return Decision("keep", reason)
    return Decision("cover", reason, needs_review=item.school_unsure)


def covers_card(item: TextItem, channel: Channel) -> bool:
    """Whether the badge around a text line is covered too (``media/cover.card_covers``: a
    band 4 line heights above the line and the stretches beside it, along its tilt): on a channel whose rule
    says the school must not be identifiable, for a line worn below a face (a badge, a
    lanyard) that names someone, is name-like, or names the school (a fragment of it read).
    The school's name and initials are printed small just above or beside the pupil's name
    on a badge, 8-14 px high and tilted, where the reader misses them or reads a fragment
    (s44: 7 of the 30 on the badge photos were not covered). Covered whether the name itself
    is covered or kept (a name shown stays readable; what is around it is not). Elsewhere
    (the website: no school rule) nothing changes."""
    return bool(channel.cover_school and item.context == "worn"
                and (item.kind or item.school))


def original_deleted_refusal(deleted: bool, media: str = "photo", detail: str = "") -> str | None:
    """Why a photo or video may not be marked ready or approved because PhotoVet deleted its
    original ("Delete originals" or the retention schedule: ``deleted``), or None: export
    reads the original's bytes, so nothing approved could ever be exported, and an approval
    would say it was (s42 walk: the tiles said "Approved" after the originals were deleted).
    ``detail``: what became of its safe copy (``words.original_deleted_detail``; the core's
    ``Approvals`` and the app's panel both give it, so the command and the app say one thing).
    Asked by ``Approvals.mark_ready`` and ``approve`` (under the writer lock: the command's
    and the app's one rule) and by the app's approval panel before it offers them (s45: the
    panel alone decided it)."""
    if not deleted:
        return None
    # what happened, not "approve it again" (s44 walk): that nothing can be exported again is
    # why it is neither marked ready nor approved
    return detail or original_deleted_detail(False, False, media)


def covers_card_track(track: VideoTrack, channel: Channel) -> bool:
    """``covers_card`` for a video's text track: a name (or a line naming the school) worn
    under a face (read so, or riding on a face track: ``VideoTrack.rides``), on a badge or a
    lanyard card, where ``channel`` hides the school. s45: the badge covers were painted on
    photos only; the school's name printed small above a pupil's name on a badge stayed
    readable in a video for Facebook whenever the reader missed it."""
    return bool(channel.cover_school and track.kind == "text"
                and (track.context == "worn" or track.rides)
                and (track.text_kind or track.school))


def caption_school_refusal(channel: Channel, found: Sequence[str]) -> str | None:
    """Why a caption or a batch label (the export's file names) that names the school may not
    go out on ``channel``, or None: the channel's rule says the school must not be
    identifiable there (``Channel.cover_school``), as its name, initials, address and crest
    are covered in the picture. ``found``: the words in it that name the school for sure (the
    school's own words, ``vision/text/school.SchoolMatcher``). s44: a caption "Sports day at
    Oakfield Primary!" and a label giving oakfield-sports-day-001.jpg went out on Facebook,
    whose rule covers the school's name on every badge and sign in the photos."""
    if not channel.cover_school or not any(f.strip() for f in found):
        return None
    return f"{_NAMES_SCHOOL}: {channel.label} must not show which school it is"


_NAMES_SCHOOL = "Names the school"


def school_name_warning(school_names: list[str], channels: list[Channel]) -> str | None:
    """The warning before photos are prepared or approved when the school's name is not set
    but a channel's rule says the school must not be identifiable there: text naming the
    school (a sign, a badge, a uniform) cannot be recognised, so it is not covered. None when
    the name is set or no channel covers school identifiers. Its initials, address or crest do
    not stand in for the name (each is looked for on its own)."""
    if any(n.strip() for n in school_names):
        return None
    covering = [c.label for c in channels if c.cover_school]
    if not covering:
        return None
    where = covering[0] if len(covering) == 1 else \
        ", ".join(covering[:-1]) + " and " + covering[-1]
    return ("PhotoVet does not yet know your school's name, so in photos and videos for "
            f"{where}, where the school must not be identifiable, it covers only text shaped "
            "like a school's name (\u201cOakfield Primary School\u201d), not the name alone, "
            "the school's initials or its address. Until the name is set, look for them "
            "yourself and cover them by hand.")


@dataclass
class PhotoRules:
    """What the school set beyond consent, for deciding one photo (plain data, built by the
    pipeline from the settings, the device list, the photo's metadata and its review)."""

    group_min_faces: int = 3
    group_max_share: float = 0.4
    approved_devices: list[Device] | None = None   # None or empty: the school keeps no list
    camera: Device | None = None                   # the device the photo's metadata names
    camera_serials: list[str] = field(default_factory=list)  # every serial the file names
    accepted: dict[str, str] = field(default_factory=dict)   # flag kind -> why a person accepted


# -- group shots ------------------------------------------------------------------------------

def face_area_share(faces: list[Face], people_by_id: dict[str, Person]) -> tuple[int, float]:
    """(how many faces, the largest share of all face area held by one face that is not known
    to be staff). Faces a person marked "not a face" do not count."""
    real = [f for f in faces if f.override != "not-a-face"]
    areas = [max(0, int(f.box[2])) * max(0, int(f.box[3])) for f in real]
    total = sum(areas)
    if not real or total <= 0:
        return len(real), 0.0
    best = 0
    for f, a in zip(real, areas):
        who = people_by_id.get(f.who) if f.who else None
        if who is not None and who.is_staff:
            continue
        best = max(best, a)
    return len(real), best / total


def group_shot_flag(analysis: PhotoAnalysis, people_by_id: dict[str, Person], channel: Channel,
                    rules: PhotoRules) -> PhotoFlag | None:
    """On a "group shots only" channel: a photo where one pupil dominates, or too few people
    to be a group, is held for a person to look (it blocks export until accepted)."""
    if not channel.group_only:
        return None
    count, share = face_area_share(analysis.faces, people_by_id)
    pupils = [f for f in analysis.faces if f.override != "not-a-face" and not (
        f.who and people_by_id.get(f.who) is not None and people_by_id[f.who].is_staff)]
    if not pupils:
        return None   # no pupil in it (a display, a staff photo): nothing to single out
    why = ""
    if count < rules.group_min_faces:
        why = (f"{count} face{'s' if count != 1 else ''} only: not a group photo "
               f"(at least {rules.group_min_faces})")
    elif share >= rules.group_max_share:
        why = (f"one pupil's face takes {share:.0%} of all the faces' area: they stand out "
               f"(at most {rules.group_max_share:.0%} in a group shot)")
    if not why:
        return None
    return PhotoFlag("group-shot", f"{channel.label} takes group shots only, and {why}",
                     needs_review=True, blocks=True,
                     data={"faces": count, "largest_share": round(share, 3)})


# -- approved devices -------------------------------------------------------------------------

def device_matches(photo: Device, approved: Device) -> bool:
    """The photo's device is this approved one: same make and model, and the same body serial
    number (an entry without a serial is a device whose photos carry none)."""
    pm, pmod, pser = photo.key()
    am, amod, aser = approved.key()
    return (pm, pmod) == (am, amod) and pser == aser


def device_flag(rules: PhotoRules) -> PhotoFlag:
    """Which device took the photo, and whether it is one the school approved. Not blocking (the
    school decides), but a photo from another device, or one that does not say, needs a look."""
    cam = rules.camera or Device()
    data = {**cam.to_dict(), "approved": None, "serials": list(rules.camera_serials)}
    listed = rules.approved_devices or []
    if len(rules.camera_serials) > 1:
        data["approved"] = False
        return PhotoFlag("device", "This file names two camera serial numbers ("
                         + ", ".join(rules.camera_serials) + "): PhotoVet cannot tell which "
                         "device took it" + (", so it may not be a school device" if listed else ""),
                         needs_review=bool(listed), data=data)
    if not cam.known:
        if not listed:
            return PhotoFlag("device", "The file does not say which camera took it", data=data)
        data["approved"] = False
        return PhotoFlag("device", "The file does not say which camera took it, so PhotoVet "
                         "cannot tell whether it came from a school device", needs_review=True,
                         data=data)
    if not listed:
        return PhotoFlag("device", f"Taken with {cam.label}", data=data)
    if any(device_matches(cam, a) for a in listed):
        data["approved"] = True
        return PhotoFlag("device", f"Taken with {cam.label}, a school device", data=data)
    data["approved"] = False
    return PhotoFlag("device", f"Taken with {cam.label}, which is not on the school's list of "
                     "approved devices", needs_review=True, data=data)


# -- the photo's flags ------------------------------------------------------------------------

def photo_flags(analysis: PhotoAnalysis, people_by_id: dict[str, Person], channel: Channel,
                rules: PhotoRules) -> list[PhotoFlag]:
    if analysis.error:
        return []
    flags = [f for f in (group_shot_flag(analysis, people_by_id, channel, rules),
                         device_flag(rules)) if f is not None]
    for f in flags:
        if f.needs_review and rules.accepted.get(f.kind):
            f.accepted = rules.accepted[f.kind]
    return flags


def flag_accept_refusal(analysis: PhotoAnalysis, kind: str, reason: str) -> str | None:
    """Why a person may NOT accept the photo's ``kind`` flag now, or None."""
    flag = next((f for f in analysis.flags if f.kind == kind), None)
    if flag is None or not flag.needs_review:
        return f"there is nothing to accept about this photo's {kind.replace('-', ' ')}"
    if not reason.strip():
        return "Say why this photo may be published as it is (for example: the whole team is " \
               "in it, the pupil is not named)" if kind == "group-shot" else \
               "Say why (for example: a school camera whose settings hide the serial number)"
    return None


def open_flag_refusal(analysis: PhotoAnalysis | VideoAnalysis) -> str | None:
    """Why the photo may not be approved or exported while a blocking flag is open, or None."""
    for f in getattr(analysis, "flags", ()):      # videos carry no photo flags
        if f.blocks and f.open:
            return f"{f.message}; a person must look and accept it first"
    return None


# -- the approver's checklist -----------------------------------------------------------------

def _check_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def resolve_checks(checklist: list[str], given: list[str]) -> tuple[list[str], list[str]]:
    """The checks ``given`` ticks, in the checklist's own words (by text, any case and spacing,
    or by number from 1), and what was given that is no check."""
    by_key = {_check_key(c): c for c in checklist}
    ticked: list[str] = []
    unknown: list[str] = []
    for g in given:
        g = str(g).strip()
        hit = None
        if g.isdigit() and 1 <= int(g) <= len(checklist):
            hit = checklist[int(g) - 1]
        else:
            hit = by_key.get(_check_key(g))
        if hit is None:
            unknown.append(g)
        elif hit not in ticked:
            ticked.append(hit)
    return [c for c in checklist if c in ticked], unknown


#: default checks whose words were corrected: {new words: the words approvals ticked before};
#: such a tick still counts for the check (an upgrade does not void every approval; the ticks
#: signed stay as they were)
CHECKS_REWORDED = {
    _check_key("The caption and file names use pupils' initials, unless the channel's names "
               "rule allows more and their parents agreed to their name with photos"):
        _check_key("The caption and file names use initials only (no pupil's full name)"),
}


def checklist_refusal(checklist: list[str], ticked: list[str]) -> str | None:
    """Why an approval with these ticks is refused (a check not ticked), or None."""
    done = {_check_key(t) for t in ticked}
    done |= {new for new, old in CHECKS_REWORDED.items() if old in done}
    missing = [(n, c) for n, c in enumerate(checklist, 1) if _check_key(c) not in done]
    if not missing:
        return None
    if len(missing) == len(checklist) > 1:      # the checks are on screen (and the CLI lists
        # them after): four checks' words in a red box said nothing the list did not
        return (f"not every check is ticked: none of the school's {len(checklist)} checks is "
                "ticked yet. Look for each one and tick it, or reject it")
    return ("not every check is ticked: " + "; ".join(f"{n}. '{c}'" for n, c in missing)
            + ". Look for each one and tick it, or reject it")



def lapsed_approval_refusal(approver: str, last_day: _dt.date | None, *, kept: bool,
                            exported_by_then: bool) -> str | None:
    """Why an approval given by ``approver``, whose approver role has ended (its last day
    ``last_day``; None: no role of theirs is known), no longer counts for an export, or None
    when it still does. It counts when an admin chose to keep their approvals when the role
    ended (``kept``), or when it had been exported before the role ended
    (``exported_by_then``: ending the role now asks about those not exported yet only). Any
    other, also one given between the admin's question and a last day still to come then, does
    not: fail closed, a current senior leader approves it again."""
    if kept or exported_by_then:
        return None
    if last_day is None:
        return f"{approver} no longer holds the approver role"
    return (f"{approver}'s approver role ended (last day {last_day:%d/%m/%Y}) before it was "
            "exported, and their approvals were not kept")


def caption_text(caption: str | None) -> str:
    """A caption as an approval signs and compares it: white space and line breaks as one
    space, none at either end."""
    return " ".join((caption or "").split())


def caption_approval_refusal(approved: str | None, caption: str | None) -> str | None:
    """Why ``caption`` may not be published with a photo or video whose approval signed the
    caption ``approved`` ('' none; None: an approval given before captions were signed), or
    None. The caption a senior leader approved may go out (white space aside), and so may no
    caption at all (less is published); any other caption was seen by nobody with authority:
    refused (fail closed)."""
    now = caption_text(caption)
    if not now or (approved is not None and caption_text(approved) == now):
        return None
    return caption_not_approved(now, approved if approved is None else caption_text(approved))


# --------------------------------------------------------------------------------------------
# After publishing: take-down
# --------------------------------------------------------------------------------------------

def consent_missing(person: Person | None, channel: Channel, media: str, on: _dt.date) -> str | None:
    """Why a person whose face was published on ``channel`` may NOT be shown there now, or
    None while they still may (consent mode: once someone was shown, the school's posting mode
    at the time no longer matters)."""
    if person is None:
        return REASON_GONE
    d = decide_person(person, channel, media, CONSENT, on)
    return None if d.action == "show" else d.reason


def _stored_time(iso: str) -> _dt.datetime | None:
    """A stored time (UTC ISO; a bare date as its midnight, UTC), or None when unreadable."""
    try:
        t = _dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=_dt.UTC)


def withdrawn_since(history: Sequence[object], channel: str, media: str, since: str) -> bool:
    """Whether the register took a Yes away from this person for ``channel`` and ``media``, or
    put them on the do-not-photograph list, at or after ``since`` (a stored UTC ISO time: when
    an export, or a caption, was recorded). ``history``: their consent changes, oldest first
    (``Register.history``: ``channel``, ``media``, ``when`` and ``is_withdrawal`` each). Within
    the same second counts as after, and a time that cannot be read counts as after: a consent
    given and withdrawn again since is never mistaken for the one missing then (fail closed)."""
    start = _stored_time(since)
    for change in history:
        field_ = getattr(change, "channel", None)
        if not getattr(change, "is_withdrawal", False):
            continue
        if field_ != "do_not_photograph" and not (
                field_ == channel and (getattr(change, "media", "photo") or "photo") == media):
            continue
        when = _stored_time(getattr(change, "when", "") or "")
        if start is None or when is None or when >= start:
            return True
    return False


def same_refusal(now: str, then: str, person: Person | None, channel: Channel,
                 media: str) -> bool:
    """Whether ``now`` (why ``person`` is refused or missing on ``channel`` today, in this
    version's words) is the reason recorded as ``then`` (with an export, a caption): the same
    words, or the words PhotoVet used before s36 for the same consent (a withdrawn consent
    was said "Consent refused for Facebook" / "No consent for Facebook", as a No never given;
    it is now "Consent withdrawn on 28/11/2026"). A record made before then must not read as
    a new reason (s37: an export whose face may be the twin, withdrawn before it was made, was
    put on the take-down list again). A withdrawal after it was recorded is caught apart
    (``withdrawn_since``)."""
    if now == then:
        return True
    if person is None or not then:
        return False
    state = person.consent_state(channel.id, media)
    withdrawn = person.withdrawn_on(channel.id, media)
    return bool(withdrawn) and now == no_consent_reason(channel, media, state, withdrawn) \
        and then == no_consent_reason(channel, media, state)


def maybe_consent_missing(person: Person | None, channel: Channel, media: str, on: _dt.date,
                          *, missing_then: str = "", history: Sequence[object] = (),
                          since: str = "") -> str | None:
    """Why a post in which a face shown may be ``person`` (``maybe_shown``: a twin near a face
    staff confirmed as the other twin) must now come down from ``channel``, or None: treated
    as their own face (``consent_missing``), fail closed, unless they were missing for that
    same reason when it was exported (``missing_then``, recorded with the export: staff named
    the face as someone else knowing it, with a reason, and an approver looked at it alone)
    and nothing was withdrawn since (``withdrawn_since``: ``history``, their consent changes;
    ``since``, when the export was recorded): a No at export, a Yes later and a withdrawal
    after it comes down, though the reason reads the same as at export."""
    why = consent_missing(person, channel, media, on)
    if not why:
        return None
    if not same_refusal(why, missing_then, person, channel, media) or (
            since and withdrawn_since(history, channel.id, media, since)):
        return why
    return None


def refused_outright(person: Person | None, channel: Channel, media: str, on: _dt.date, *,
                     name: bool = False) -> str | None:
    """Why the register now refuses ``person`` on ``channel`` outright (not in it, a rejected
    row, do not photograph, a leaver, an explicit No for the channel, or for ``name``s an
    explicit No to names with photos), or None. Unlike ``consent_missing``, a consent that is
    only not recorded is not a refusal: a person may have shown them with a reason. What stops
    an export being recorded when consent changed while it was made."""
    block = person_block(person, on)
    if block:
        return block
    assert person is not None
    if person.consent_state(channel.id, media) == NO:
        return no_consent_reason(channel, media, NO, person.withdrawn_on(channel.id, media))
    if name and person.name_consent == NO:
        return "No to showing their name with photos"
    return None


def no_longer_shown(before: Person | None, now: Person | None, channel: Channel, media: str,
                    mode_then: str | Mode, mode_now: str | Mode, on: _dt.date, *,
                    name: bool = False, channel_now: Channel | None = None) -> str | None:
    """Why a person an export decided to show (``name``: whose name it decided to leave
    readable) may no longer be shown, as the register (``now``) and the school's mode
    (``mode_now``) are at the moment the file is recorded, or None. ``before`` and
    ``mode_then``: the register row and the mode the export was decided with (another PC may
    have changed either while the copy was being made); ``channel_now``: the channel's rules
    now (a fixed mode set meanwhile), ``channel`` as decided when not given.

    - Refused outright now (``refused_outright``): always stopped.
    - Shown because the rules allowed it then, and they no longer do: stopped (consent
      withdrawn to "not recorded", the school's mode made stricter).
    - A mode now stricter than the one decided with: a pupil it covers is stopped, whatever
      the reason they were shown.
    - Shown by a person's decision (a consent not recorded, with a reason) and nothing
      changed: not stopped (the decision was approved as it is)."""
    ch_now = channel_now if channel_now is not None else channel
    reason = refused_outright(now, ch_now, media, on, name=name)
    if reason:
        return reason
    if name:
        # the person's standing for names (the written form was judged by the channel's
        # names rule when decided)
        now_d = decide_name(now, dataclasses.replace(ch_now, names="full"), media, mode_now, on)
        then_ok = decide_name(before, dataclasses.replace(channel, names="full"), media,
                              mode_then, on).action == "keep"
        ok_now = now_d.action == "keep"
    else:
        now_d = decide_person(now, ch_now, media, mode_now, on)
        then_ok = before is not None and \
            decide_person(before, channel, media, mode_then, on).action == "show"
        ok_now = now_d.action == "show"
    if ok_now:
        return None
    if then_ok:
        return now_d.reason
    top = max(MODE_STRICTNESS.values()) + 1       # a mode PhotoVet does not know: strictest
    stricter = MODE_STRICTNESS.get(effective_mode(ch_now, mode_now), top) > \
        MODE_STRICTNESS.get(effective_mode(channel, mode_then), top)
    return now_d.reason if stricter else None


def name_consent_missing(person: Person | None, channel: Channel, media: str, on: _dt.date,
                         form: str = "full") -> str | None:
    """Why a person whose NAME was left readable on ``channel`` may not be named there now."""
    parts = name_consent_missing_parts(person, channel, media, on, form)
    return parts[0] if parts else None


def name_consent_missing_parts(person: Person | None, channel: Channel, media: str,
                               on: _dt.date, form: str = "full") -> tuple[str, str] | None:
    """``name_consent_missing`` with its detail about the person ('on the do-not-photograph
    list'): (reason, detail), or None."""
    if person is None:
        return "No longer in the register", "no longer in the register"
    action, reason, detail = _name_rule(person, channel, media, CONSENT, on, form)
    return None if action == "keep" else (reason, detail)


#: how much of a name a caption used, least first ("E.T." < "Emily" < "Emily Tranter")
CAPTION_FORMS = ("initials", "first", "full")


def caption_consent_missing(person: Person | None, channel: Channel, media: str, on: _dt.date,
                            *, form: str, refused_then: str = "", history: Sequence[object] = (),
                            since: str = "") -> str | None:
    """Why a post whose caption refers to ``person`` (by ``form``: "initials", "first" or
    "full") must now come down from ``channel``, or None.

    The register now refuses them outright (consent withdrawn, do not photograph, a leaver, a
    rejected row, no longer in the register) and did not for the same reason when the caption
    was recorded (``refused_then``: a pupil with a No from the start may be called by initials,
    as ``caption_name_form`` allowed), or did, but a consent was withdrawn since
    (``withdrawn_since``: ``history``, their consent changes; ``since``, when the caption was
    recorded: a No then, a Yes later, withdrawn again); or the caption uses more of their name
    than may now be used (name-with-photo consent withdrawn: initials only)."""
    why = refused_outright(person, channel, media, on)
    if why:
        if not same_refusal(why, refused_then, person, channel, media) or (
                since and withdrawn_since(history, channel.id, media, since)):
            return why
        return None
    assert person is not None
    allowed = caption_name_form(person, channel, CONSENT, on, media)
    if allowed == "none":
        # a post recorded there with initials stays up: the caption check refuses a pupil's
        # initials on such a channel (s33: caption_initials_refusal), so they were allowed when
        # it was posted (the channel showed names then, or the post predates s33)
        allowed = "initials"
    rank = {f: i for i, f in enumerate(CAPTION_FORMS)}
    if rank.get(form, len(CAPTION_FORMS)) > rank[allowed]:
        return (name_consent_missing(person, channel, media, on,
                                     "forename" if form == "first" else "full")
                or ("Only initials may be used now" if allowed == "initials"
                    else "Only the first name may be used now"))
    return None


# --------------------------------------------------------------------------------------------
# Who asked for a consent change (a withdrawal)
# --------------------------------------------------------------------------------------------

def consent_request_refusal(requested_by: str, requested_on: _dt.date | None,
                            today: _dt.date) -> str | None:
    """Why a consent change made by hand cannot be recorded with this request, or None. A
    withdrawal entered by staff says who asked for it ("Mrs Harris (mother), by email") and the
    day they asked (today or earlier: never a day still to come)."""
    if not (requested_by or "").strip():
        return ("say who asked for this (for example: Mrs Harris (mother), by email); it is "
                "kept with the consent history")
    if requested_on is None:
        return "say the day they asked (DD/MM/YYYY)"
    if requested_on > today:
        return (f"{_fmt_day(requested_on)} is still to come: say the day they asked (today, "
                f"{_fmt_day(today)}, or earlier)")
    return None


__all__ = [
    "HAND_LOOKALIKE", "HAND_LOOK_AT", "HAND_NAMED", "HAND_OVER_REFUSAL", "HAND_RELABELLED",
    "REASON_HAND_NAMED_NO_REASON", "Near", "lookalikes_covered", "near_note", "near_people",
    "MAYBE_NEAR", "MAYBE_RECOGNISED", "maybe_consent_missing", "maybe_shown", "withdrawn_since",
    "near_words", "relation_words",
    "assign_needs_reason", "assign_warning", "consent_note", "consent_request_refusal",
    "hand_named_kind",
    "hand_named_note", "hand_named_refusal", "hand_named_shown", "recognised_as",
    "PhotoRules", "checklist_refusal", "decide_school_identifier", "device_flag",
    "school_name_warning",
    "device_matches", "face_area_share", "flag_accept_refusal", "group_shot_flag",
    "open_flag_refusal", "photo_flags", "resolve_checks",
    "CAPTION_FORMS", "CAPTION_NEVER_INITIALS", "CAPTION_NEVER_INITIALS_SHARED",
    "CAPTION_NO_INITIALS", "Publication", "caption_consent_missing",
    "caption_initials_refusal", "caption_name_form",
    "caption_warning", "consent_missing", "decide_face",
    "cue_places", "cue_track_ids", "decide_name", "decide_person", "decide_photo",
    "decide_text", "effective_mode", "waiting_on_cue",
    "mode_to_use", "requested_mode_refusal", "MODE_STRICTNESS", "MODE_WORDS",
    "NOT_A_FACE_REASON_SCORE", "export_refusal", "face_override_refusal",
    "ALLOWED", "NEEDS_REASON", "REFUSED", "OverrideAsk", "covered_whatever_said",
    "face_override_ask", "text_override_ask",
    "name_consent_missing", "name_consent_missing_parts", "no_longer_shown", "person_block",
    "caption_posted_refusal", "post_refusal", "publication",
    "refused_outright", "rule_for_face", "rule_for_text", "TakenDown", "text_override_refusal",
]


# --------------------------------------------------------------------------------------------
# Videos (issue 17): a face or a name followed through time is decided as one track
# --------------------------------------------------------------------------------------------

REASON_TOO_BRIEF = "Seen too briefly to be sure who it is"
SOUND_ACTIONS = ("keep", "mute", "remove")
_SOUND_ORDER = {"keep": 0, "mute": 1, "remove": 2}
SPOKEN_NAMES = "spoken names cannot be checked automatically"


def track_as_face(track: VideoTrack) -> Face:
    """A face track as the ``Face`` the photo rules decide (its best view's box)."""
    box = track.best_box or (track.boxes[0] if track.boxes else (0.0, 0.0, 0.0, 0.0))
    return Face(box=(int(box[0]), int(box[1]), int(box[2] - box[0]), int(box[3] - box[1])),
                score=max(track.scores) if track.scores else 0.0, person=track.person,
                distance=track.distance, margin=track.margin, match_status=track.match_status,
                override=track.override, override_person=track.override_person,
                override_reason=track.override_reason, assigned_by=track.assigned_by,
                assign_reason=track.assign_reason, near=list(track.near))


def track_as_text(track: VideoTrack) -> TextItem:
    """A text track (a name, or a line naming the school) as the ``TextItem`` the photo rules
    decide."""
    b = track.boxes[0] if track.boxes else (0.0, 0.0, 0.0, 0.0)
    return TextItem(polygon=[(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])],
                    text=track.text, person=track.person, kind=track.text_kind, form=track.form,
                    school=track.school, school_unsure=track.school_unsure,
                    context=track.context, low_confidence=track.low_confidence,
                    override=track.override if track.override in ("keep", "cover") else None,
                    override_reason=track.override_reason)


#: the clip's other face tracks a track may be (``VideoTrack.same_as``), each with the register
#: row of whom it is taken to be (None, or another id: someone who may not be shown; fail closed)
SameAs = Sequence[tuple[VideoTrack, "Person | None"]]


def taken_to_be(track: VideoTrack) -> str | None:
    """Whom a face track is taken to be by a person or by PhotoVet: named by hand, recognised,
    or PhotoVet's nearest match when it was not certain (None: nobody, or "not a face")."""
    if track.kind != "face" or track.override == "not-a-face":
        return None
    return track.who or recognised_as(track_as_face(track))


def same_as_rows(analysis: VideoAnalysis, track: VideoTrack,
                 person_of: Callable[[str], Person | None]) -> list[tuple[VideoTrack,
                                                                     Person | None]]:
    """The face tracks ``track`` may be, with the register row of whom each is taken to be
    (``taken_to_be``; ``person_of``: id -> row), for ``same=`` below: those of
    ``track.same_as`` (compared, and alike) and, where either face's appearance is not known
    (``views`` 0: every view too small to encode, or no landmarks, or analysed before faces
    were compared), every face track never on a frame with it. A face nobody could compare
    cannot be ruled out, so it is not shown on a reason alone when the other is someone who may
    not be shown (fail closed; saying who it is still can, with a reason)."""
    by_id = {t.id: t for t in analysis.tracks}
    ids = [tid for tid, _dist in track.same_as]
    mine = set(track.frames)
    ids += [t.id for t in analysis.tracks
            if t.kind == "face" and t.id != track.id and t.id not in ids
            and not (track.views and t.views) and mine.isdisjoint(t.frames)]
    out: list[tuple[VideoTrack, Person | None]] = []
    for tid in ids:
        other = by_id.get(tid)
        if other is None or other.kind != "face" or other.id == track.id:
            continue
        pid = taken_to_be(other)
        out.append((other, person_of(pid) if pid else None))
    return out


def same_face_refused(track: VideoTrack, same: SameAs | None, channel: Channel,
                      mode: str | Mode, on: _dt.date, *, chosen: str | None = None
                      ) -> list[tuple[VideoTrack, Person | None]]:
    """The clip's other face tracks ``track`` may be the same person as (``same``: those of
    ``track.same_as``: never on a frame with it, and alike, media/video/analysis.same_faces)
    taken to be someone who may NOT be shown in videos here (named by hand, recognised, or
    PhotoVet's uncertain match), one per person, as (track, row). ``chosen``: whom this track
    is said to be (that person is not counted again). Fail closed: a row not given counts."""
    out: list[tuple[VideoTrack, Person | None]] = []
    seen: set[str] = set()
    for other, row in same or ():
        if other.id == track.id:
            continue
        pid = taken_to_be(other)
        if pid is None or pid == chosen or pid in seen:
            continue
        mine = row if row is not None and row.id == pid else None
        if mine is None or decide_person(mine, channel, "video", mode, on).action != "show":
            seen.add(pid)
            out.append((other, mine))
    return out


def same_face_words(items: list[tuple[VideoTrack, Person | None]], channel: Channel,
                    on: _dt.date) -> str:
    """'Hope Bennett (named in another part of the clip; Facebook videos: No)' for each of
    ``same_face_refused``, joined with "or"."""
    parts = []
    for other, row in items:
        how = ("named" if other.override_person else
               "recognised" if other.match_status == MatchStatus.RECOGNISED.value else
               "perhaps seen")
        if row is None:
            parts.append(f"someone in the register whose consent is not known here ({how} in "
                         "another part of the clip)")
        else:
            parts.append(f"{row.display_name} ({how} in another part of the clip; "
                         f"{consent_note(row, channel, 'video', on)})")
    return "; or ".join(parts)


def track_override_refusal(action: str, track: VideoTrack, person: Person | None,
                           channel: Channel, mode: str | Mode, on: _dt.date, reason: str = "",
                           *, recognised: Person | None = None, near: Near | None = None,
                           same: SameAs | None = None) -> str | None:
    """``face_override_refusal`` for a face track of a video, and (audit, second term, finding
    11) what another track of the clip says: a face nobody is sure of (not recognised, not
    named) that may be the same person as a track taken to be someone who may not be shown
    here (``same``, ``same_face_refused``) is not shown, nor marked "not a face", with a reason
    alone: a person says who it is instead ("Who is this?"), which needs a reason and is shown
    to the approver as named by hand over a look-alike. A name track: ``text_override_refusal``."""
    if track.kind != "face":
        return text_override_refusal(action, track_as_text(track), person, reason,
                                     channel=channel, media="video", mode=mode, on=on)
    face = track_as_face(track)
    first = face_override_refusal(action, face, person, channel, "video", mode, on, reason,
                                  recognised=recognised, near=near)
    if first is not None or action not in ("show", "not-a-face", "assign"):
        return first
    if action == "assign":
        chosen = person.id if person is not None else None
        if person is None or covered_whatever_said(person, channel, "video", mode, on):
            return None                          # stays covered: nothing is loosened
        refused = same_face_refused(track, same, channel, mode, on, chosen=chosen)
        if refused and not reason.strip():
            return (f"This face may be {same_face_words(refused, channel, on)}. You are saying "
                    f"it is {person.display_name} "
                    f"({consent_note(person, channel, 'video', on)}). Say why this is "
                    f"{person.display_name} (for example: checked with the class teacher, who "
                    "can tell them apart)")
        return None
    return same_face_refusal(track, same, channel, mode, on)


#: a timeline row's words when "show" is refused because the face may be a child who may not
#: be shown, after the row has said whom it may be (``VideoTrack.near_note``): said once
SAME_FACE_SAID = ("It cannot be shown while it may be that person: if it is someone else, say "
                  "who it is (Who is this?).")


def same_face_refusal(track: VideoTrack, same: SameAs | None, channel: Channel,
                      mode: str | Mode, on: _dt.date) -> str | None:
    """Why a face nobody is sure of cannot be shown (nor marked "not a face") with a reason
    alone: it may be the same person as another track of the clip taken to be someone who may
    not be shown here (``same_face_refused``); None otherwise."""
    if track.who is not None:
        return None
    refused = same_face_refused(track, same, channel, mode, on)
    if refused:
        return (f"This face may be {same_face_words(refused, channel, on)}. Say who it is "
                "(Who is this?) if it is someone else; otherwise it stays covered")
    return None


def track_override_ask(action: str, track: VideoTrack, person: Person | None,
                       channel: Channel, mode: str | Mode, on: _dt.date, *,
                       recognised: Person | None = None, near: Near | None = None,
                       same: SameAs | None = None) -> OverrideAsk:
    """``track_override_refusal`` asked once for a person about to make a change: allowed,
    needs a reason (and what to show), or refused (why). Same arguments."""
    ask = _track_override_ask(action, track, person, channel, mode, on, recognised=recognised,
                              near=near, same=same)
    note = named_stays_covered(action, track_as_face(track), person, recognised, near) \
        if track.kind == "face" else ""
    return dataclasses.replace(ask, note=note) if note and not ask.refused else ask


def _track_override_ask(action: str, track: VideoTrack, person: Person | None,
                        channel: Channel, mode: str | Mode, on: _dt.date, *,
                        recognised: Person | None = None, near: Near | None = None,
                        same: SameAs | None = None) -> OverrideAsk:
    first = track_override_refusal(action, track, person, channel, mode, on, "",
                                   recognised=recognised, near=near, same=same)
    if first is None:
        return OverrideAsk(ALLOWED)
    final = track_override_refusal(action, track, person, channel, mode, on, _SOME_REASON,
                                   recognised=recognised, near=near, same=same)
    if final is not None:
        return OverrideAsk(REFUSED, final)
    if action == "assign" and track.kind == "face":
        face = track_as_face(track)
        if assign_needs_reason(face, person.id if person else None, recognised, channel,
                               "video", mode, on, chosen_row=person, near=near):
            return OverrideAsk(NEEDS_REASON, assign_warning(face, recognised, person, channel,
                                                            "video", on, mode=mode, near=near))
    return OverrideAsk(NEEDS_REASON, first)


def decide_track(track: VideoTrack, person: Person | None, channel: Channel, mode: str | Mode,
                 on: _dt.date, *, recognised: Person | None = None,
                 near: Near | None = None, same: SameAs | None = None) -> Decision:
    """The final decision for one track, with the VIDEO consent for ``channel`` (photo consent
    never shows a face in a video). A face is decided by ``decide_face``; a face track seen on
    one sampled frame only is covered (and offered for review) even when recognised: one view
    is not enough to be sure the whole track is that person. Sets ``track.refused``."""
    if track.kind == "text":
        item = track_as_text(track)
        d = decide_text(item, person, channel, "video", mode, on)
        track.refused = item.refused
        return d
    face = track_as_face(track)
    d = decide_face(face, person, channel, "video", mode, on, recognised=recognised, near=near)
    track.refused = face.refused
    track.hand_named, track.hand_note = face.hand_named, face.hand_note
    track.near_note = face.near_note
    d = _same_face_decision(track, d, person, channel, mode, on, same)
    if d.action == "show" and track.detections < 2 and track.override is None \
            and not track.override_person:
        d = Decision("cover", REASON_TOO_BRIEF, needs_review=True)
    if d.needs_review and track.found_again:
        # the answer is for the whole track: where the tracker may have carried it on with
        # another face, the person answering is asked to look there (s59)
        d = Decision(d.action, f"{d.reason} ({found_again_words(track.found_again)})",
                     needs_review=True)
    return d


def found_again_words(times: Sequence[float]) -> str:
    """What a question about a face track says where another face may have taken its place
    (``VideoTrack.found_again``: found again after a gap, a jump, a change of size, or too small
    to check from there)."""
    shown = [_clock(t) for t in times[:3]]
    at = (", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]) \
        + (" and later" if len(times) > 3 else "")
    return f"from {at} it may be another face: check it is the same face all through"


def _same_face_decision(track: VideoTrack, d: Decision, person: Person | None,
                        channel: Channel, mode: str | Mode, on: _dt.date,
                        same: SameAs | None) -> Decision:
    """``decide_track``'s answer with what the clip's other tracks say (``same``,
    ``track_override_refusal``), checked again at every decision: a "show" or "not a face"
    with only a reason on a face that may be someone who may not be shown here is not used;
    a name given by hand over such a look-alike without a reason is not used, and with one it
    is a look-alike named by hand (``HAND_LOOKALIKE``: the approver looks at it on its own)."""
    if not same or d.reason in NEVER_PUBLISH_REASONS:
        return d
    chosen = track.override_person if track.override != "not-a-face" else None
    refused = same_face_refused(track, same, channel, mode, on, chosen=chosen)
    if not refused:
        return d
    words = same_face_words(refused, channel, on)
    if chosen:
        if track.refused or covered_whatever_said(person, channel, "video", mode, on):
            return d
        if not track.assign_reason.strip():
            track.refused = track_override_refusal("assign", track, person, channel, mode, on,
                                                   "", same=same) or ""
            return Decision("cover", REASON_HAND_NAMED_NO_REASON, needs_review=True)
        if track.hand_named != HAND_OVER_REFUSAL:
            track.hand_named = HAND_LOOKALIKE
            by = f" by {track.assigned_by}" if track.assigned_by else ""
            base = track.hand_note.split(". Reason: ")[0] if track.hand_note else \
                f"Named by hand{by}"
            track.hand_note = (f"{base}; another part of the clip may be the same face: "
                               f"{words}. Reason: \u201c{track.assign_reason.strip()}\u201d")
        return d
    if track.who is not None:
        return d
    note = f"It may be {words}"
    track.near_note = f"{track.near_note}. {note}" if track.near_note else note
    if track.override in ("show", "not-a-face") and not track.refused:
        refusal = track_override_refusal(track.override, track, person, channel, mode, on,
                                         track.override_reason, same=same)
        if refusal:
            track.refused = refusal
            rule = rule_for_face(track_as_face(track), person, channel, "video", mode, on)
            return Decision("cover", rule.reason, needs_review=rule.needs_review)
    return d


def decide_sound(channel: Channel, has_audio: bool, *, listened_by: str | None = None,
                 requested: str | None = None) -> Decision:
    """What happens to a video's sound on ``channel`` (``action``: keep, mute or remove).

    The channel's rule decides: "keep", "mute", "remove", or "listen" (social channels): the
    sound is kept only after an approver confirmed they listened to the whole video
    (``listened_by``), because spoken names cannot be checked automatically; until then it is
    removed and the video needs review. A reviewer may ask for less sound (``requested``
    "mute" or "remove"), never more."""
    if not has_audio:
        return Decision("remove", "This video has no sound")
    rule = channel.audio
    if rule == "keep":
        d = Decision("keep", f"Sound kept on {channel.label} ({SPOKEN_NAMES}: listen to it)")
    elif rule == "mute":
        d = Decision("mute", f"Sound silenced on {channel.label}")
    elif rule == "remove":
        d = Decision("remove", f"Sound removed on {channel.label}")
    elif rule == "listen" and listened_by:
        d = Decision("keep", f"Sound kept: {listened_by} listened to the whole video")
    elif rule == "listen":
        d = Decision("remove", f"Sound removed until an approver confirms they listened to the "
                               f"whole video ({SPOKEN_NAMES})", needs_review=True)
    else:
        d = Decision("remove", f"Unknown sound rule '{rule}' (removed to be safe)")
    if requested in _SOUND_ORDER and (_SOUND_ORDER[requested] > _SOUND_ORDER[d.action] or
                                      (d.needs_review and
                                       _SOUND_ORDER[requested] >= _SOUND_ORDER[d.action])):
        # less sound is always allowed, and removing it answers the open question: nothing is
        # left for an approver to listen to (the GUI audit saw a preparer's video stay "yours
        # to decide" for ever, on a question only an approver could close)
        word = {"mute": "silenced", "remove": "removed"}[requested]
        return Decision(requested, f"Sound {word} by hand")
    return d


def decide_video(analysis: VideoAnalysis, people_by_id: dict[str, Person], channel: Channel,
                 mode: str | Mode, on: _dt.date, *, listened_by: str | None = None,
                 sound_request: str | None = None) -> VideoAnalysis:
    """Decide every track and the sound of an analysed video for ``channel`` (in place;
    returned). The review must already be applied (video_review.apply_video_review)."""
    analysis.channel = channel.id
    analysis.mode = effective_mode(channel, mode)
    for t in analysis.tracks:
        pid = t.override_person or t.person
        person = people_by_id.get(pid) if pid else None
        machine = recognised_as(track_as_face(t)) if t.kind == "face" else None
        d = decide_track(t, person, channel, mode, on,
                         recognised=people_by_id.get(machine) if machine else None,
                         near={pid: people_by_id.get(pid) for pid, _d in t.near},
                         same=same_as_rows(analysis, t, people_by_id.get))
        t.decision, t.reason, t.needs_review = d.action, d.reason, d.needs_review
        t.card = covers_card_track(t, channel)
    _one_question_per_cue(analysis.tracks)
    s = decide_sound(channel, analysis.has_audio, listened_by=listened_by,
                     requested=sound_request)
    analysis.sound, analysis.sound_reason, analysis.sound_needs_review = (
        s.action, s.reason, s.needs_review)
    return analysis


@dataclass
class VideoPublication(Publication):
    """What an export of a decided video shows and covers: every track (first and last frame,
    decision, whose) and the sound. Covers per frame follow from these and the analysis key."""

    tracks: list[tuple[int, str, str, str, int, int, str]] = field(default_factory=list)
    sound: str = "remove"

    def signature(self) -> list:
        """As a photo's, with every track (its reason as approvals signed it: a reason
        reworded since is signed as it read then, ``_REASON_SIGNED_AS``) and the sound."""
        tracks = [[*t[:6], _REASON_SIGNED_AS.get(t[6], t[6])] for t in self.tracks]
        return super().signature() + [sorted(tracks), self.sound]


def video_publication(analysis: VideoAnalysis) -> VideoPublication:
    """What will be published for a decided video (the substance of its approval)."""
    pub = VideoPublication(sound=analysis.sound if analysis.has_audio else "remove")
    for t in analysis.tracks:
        who = t.who
        pub.tracks.append((t.id, t.kind, t.decision, who or "", t.first_frame, t.last_frame,
                           t.reason))
        if t.kind == "face":
            if t.decision == "show":
                box = t.best_box or t.boxes[0]
                pub.faces_shown.append(((int(box[0]), int(box[1]), int(box[2] - box[0]),
                                         int(box[3] - box[1])), who, t.reason))
                if who:
                    pub.people_shown.append(who)
                pub.people_maybe += [(pid, who or "", how) for pid, how in maybe_shown(t)]
            elif who:
                pub.people_covered.append(who)
        else:
            if t.decision == "keep":
                pub.texts_kept.append((t.text, t.person, t.reason))
                if t.person:
                    pub.names_shown.append(t.person)
            elif t.person:
                pub.names_covered.append(t.person)
    pub.people_shown = sorted(set(pub.people_shown))
    pub.people_maybe = _maybe_kept(pub)
    pub.people_covered = sorted(set(pub.people_covered) - set(pub.people_shown))
    pub.names_shown = sorted(set(pub.names_shown))
    pub.names_covered = sorted(set(pub.names_covered) - set(pub.names_shown))
    return pub


def _maybe_kept(pub: Publication) -> list[tuple[str, str, str]]:
    """``people_maybe`` once each (the first face that may be them), sorted, leaving out
    anyone another face shows as them (they are shown: that is recorded already)."""
    seen: dict[str, tuple[str, str, str]] = {}
    for pid, named, how in pub.people_maybe:
        if pid not in pub.people_shown:
            seen.setdefault(pid, (pid, named, how))
    return sorted(seen.values())


__all__ += ["missing_from_mis_file"]
__all__ += ["channel_not_known", "channel_not_known_said", "back_since_missing",
            "person_standing"]
__all__ += ["covers_card_track", "original_deleted_refusal", "post_channel_refusal",
            "rules_not_checked_refusal", "school_shown_refusal"]

__all__ += ["REASON_TOO_BRIEF", "SOUND_ACTIONS", "VideoPublication", "decide_sound",
            "decide_track", "decide_video", "track_as_face", "track_as_text",
            "video_publication", "SameAs", "same_as_rows", "same_face_refused",
            "same_face_words", "taken_to_be", "track_override_ask", "track_override_refusal"]


# --------------------------------------------------------------------------------------------
# Videos: has the approver seen the picture? (the GUI audit, item 8: a video was approved from
# its first frame, its 20 faces never looked at)
# --------------------------------------------------------------------------------------------

#: a video counts as seen when the frames an approver had on screen leave no stretch of it
#: longer than this unseen: played through to the end at any speed (the player shows a frame
#: every few), dragged across slowly, or stepped a second at a time (Shift and an arrow)
WATCH_GAP = 1.0


def seen_spans(spans: list[tuple[float, float]] | list[list[float]], times: list[float], *,
               duration: float) -> list[tuple[float, float]]:
    """The stretches of a video seen, with the moments ``times`` (seconds from its start, each
    a frame that was on screen) added: moments less than ``WATCH_GAP`` apart join into one
    stretch. Sorted, merged; every moment within 0..duration."""
    points = [(max(0.0, min(float(duration), float(s))), max(0.0, min(float(duration), float(e))))
              for s, e in spans]
    points += [(max(0.0, min(float(duration), float(t))),) * 2 for t in times]
    merged: list[tuple[float, float]] = []
    for s, e in sorted(points):
        if merged and s - merged[-1][1] <= WATCH_GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _unseen(spans: list[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    """The stretches longer than ``WATCH_GAP`` that were never on screen."""
    gaps, at = [], 0.0
    for s, e in sorted(spans):
        if s - at > WATCH_GAP:
            gaps.append((at, s))
        at = max(at, e)
    if duration - at > WATCH_GAP:
        gaps.append((at, duration))
    return gaps


def seen_seconds(spans: list[tuple[float, float]], duration: float) -> float:
    """How much of the video was seen (the stretches seen, a gap shorter than ``WATCH_GAP``
    counted as seen): what the approver is told ('4 s of 9 s seen')."""
    if not spans:
        return 0.0
    return max(0.0, float(duration) - sum(e - s for s, e in _unseen(spans, duration)))


def _seconds(x: float) -> str:
    """'9 s', '1 min 5 s' (whole seconds, down: a part seen is never said as more)."""
    n = int(x + 1e-6)
    return f"{n} s" if n < 60 else f"{n // 60} min {n % 60} s" if n % 60 else f"{n // 60} min"


def _clock(x: float) -> str:
    """'0:04.2' (tenths, down: the player's clock says the same at that frame)."""
    tenths = int(max(0.0, x) * 10 + 1e-6)
    m, s = divmod(tenths, 600)
    return f"{m}:{s // 10:02d}.{s % 10}"


def watch_refusal(duration: float, spans: list[tuple[float, float]]) -> str | None:
    """Why a video may not be approved yet by an approver who saw ``spans`` of it (None when
    every part of it was on screen: no stretch longer than ``WATCH_GAP`` unseen). Photos are
    seen when opened; a video only when its picture was looked at from the start to the end."""
    # nothing on screen is nothing seen, however short the clip
    gaps = _unseen(spans, duration) if spans else [(0.0, float(duration))]
    if not gaps:
        return None
    total = max(float(duration), 1.0)
    seen = min(seen_seconds(spans, duration), total)
    first = gaps[0]
    where = (f"not seen yet from {_clock(first[0])} to the end" if first[1] >= duration - 1e-6
             else f"not seen yet from {_clock(first[0])} to {_clock(first[1])}")
    return (f"Play the clip to the end (or step through it) before approving: "
            f"{_seconds(seen)} of {_seconds(round(total))} seen; {where}")


__all__ += ["WATCH_GAP", "seen_seconds", "seen_spans", "watch_refusal"]
__all__ += ["lapsed_approval_refusal"]


# --------------------------------------------------------------------------------------------
# What waits for a person's decision (the banner and the photo's panel say the same)
# --------------------------------------------------------------------------------------------

#: approval states in which a photo has been handed on by its preparer (``approval.READY``,
#: ``approval.APPROVED``): what is still open in it stays covered, as decided
HANDED_ON = ("ready", "approved")


def waiting_for_decision(needs_review: bool, approval: str) -> bool:
    """Does a photo (or video) wait for a preparer's decision? Only while something in it
    still needs one (``needs_review``) and it has not been handed on (``approval``: its
    approval state for the channel; marked ready or approved, what is open stays covered and
    is no longer waiting). The batch's count, its banner and the photo's panel all ask this."""
    return bool(needs_review) and approval not in HANDED_ON


__all__ += ["HANDED_ON", "waiting_for_decision"]
__all__ += ["caption_approval_refusal", "caption_text"]


# --------------------------------------------------------------------------------------------
# Earlier copies in a folder exported into again (s35)
# --------------------------------------------------------------------------------------------

#: why a photo was held back from an export that also says the copy an earlier export left in
#: that folder may not stay there: it cannot be read or checked now, its review or approval is
#: missing, or what it publishes changed since it was approved (consent withdrawn: a face now
#: covered). Stopped, or another caption than the approved one, say nothing about the copy.
EARLIER_COPY_HELD = ("unreadable", "needs-review", "out-of-date", "not-approved",
                     "approval-changed")


def earlier_copy_refusal(exported_now: bool, held: str | None, why: str | None) -> str | None:
    """An export of a photo into a folder PhotoVet exported it into before (the same channel)
    finished with this photo exported now (``exported_now``) or held back (``held``: the
    pipeline's kind, ``why``: its reason). Why the earlier copy left there should go, or None
    when nothing says it should (fail closed: a copy PhotoVet would not export now is said, and
    a person decides; PhotoVet removes only its own copies, verified)."""
    if exported_now:
        return "out of date: a new copy of this photo, as it may be published now, was exported"
    if held in EARLIER_COPY_HELD:
        said = (why or "").removeprefix("not exported: ").strip()
        return "no longer allowed as it is" + (f": {said}" if said else "")
    return None


__all__ += ["EARLIER_COPY_HELD", "earlier_copy_refusal"]
__all__ += ["hand_named_heading", "named_stays_covered"]
__all__ += ["NEVER_PUBLISH_REASONS", "REASON_NAMING_RETURNED", "REASON_NEVER_PUBLISH_MATCH",
            "REASON_NEVER_PUBLISH_NEAR", "everyone_covered", "never_publish_match"]


# --------------------------------------------------------------------------------------------
# An approval ended by a withdrawal (s36)
# --------------------------------------------------------------------------------------------

#: the change (``approval_ended_by``'s ``change.channel``) of a leaving date cleared, or moved
#: to a day still to come, after it took effect (``leaving_undone``)
LEFT = "left"


def leaving_undone(old: _dt.date | None, new: _dt.date | None, on: _dt.date) -> bool:
    """Does changing a person's leaving date from ``old`` to ``new`` (None: none) on day ``on``
    make someone who had left (``old`` on or before ``on``) no longer a leaver (``new`` cleared,
    or a day after ``on``)? Then every approval standing that showed them, given before they
    were taken to have left, ends (``approval_ended_by`` with ``LEFT``; s38): while they were a
    leaver it did not count (they would have been covered), and with the date cleared it
    would count again with nothing said. A date entered by mistake and cleared is the same:
    nobody can tell from the register which it was, so an approver looks again (fail closed);
    the note says a leaving date was cleared. A date still to come, cleared or changed, ends
    nothing: it never took effect."""
    return old is not None and old <= on and (new is None or new > on)


#: the change (``approval_ended_by``'s ``change.channel``) of a register row an import made
#: valid again after it was rejected or missing from the MIS file (``row_restored``)
RESTORED = "restored"


def row_restored(was_valid: bool, is_valid: bool) -> bool:
    """Does an import that makes a register row valid (``is_valid``) again, after it was
    rejected or the MIS file stopped listing the person (``was_valid`` false:
    ``person_block``), end the approvals standing that showed them? It does (s39): while the
    row was not valid they were covered and those approvals did not count; restored, they
    would count again with nothing said. It does whatever the fix changed, also when nothing a
    policy reads changed (a date of birth typed again, a pupil missing from one file and back
    in the next as they were): a rejected row's values were never read, a pupil missing from
    the file may have left and come back or their UPN may now be someone else's, and the
    register cannot tell which, so an approver looks again (fail closed; as ``leaving_undone``
    for a date entered by mistake). What it ends is what a leaver's cleared date ends
    (``approval_ended_by`` with ``RESTORED``: their face, a face that may be them, their name,
    a caption using their name; initials, what a caption may call someone whose row is not
    valid, end nothing)."""
    return not was_valid and is_valid

def approval_ended_by(parts: Mapping[str, object], channel: str, change: object, *,
                      caption_forms: Mapping[str, str] | None = None) -> bool:
    """Does the consent change ``change`` (a ``ConsentChange``: ``person_id``, ``channel``,
    ``media``, ``is_withdrawal``) end an approval that signed ``parts`` on ``channel``? It does
    when it is a withdrawal of the consent that let the approval show the person: their face
    shown (``people_shown``, or a face shown that may be them, ``people_maybe``) or their name
    left readable (``names_shown``), and the withdrawal is of that channel's consent for the
    approval's media type, of name-with-photo (their name left readable), or puts them on the
    do-not-photograph list (anything of theirs shown). A later Yes does not bring the approval
    back: it was given for consent that was then taken away, and an approver looks again (s36:
    withdrawing and granting again revived approvals made before the withdrawal). A person
    the approval covered is not ended by it (nothing of theirs was going to be published).

    ``caption_forms``: whom the caption the approval signed refers to, ``{register id: form}``
    ("initials", "first" or "full": ``captions.caption_mentions``, a name several pupils share
    giving all of them). A caption that refers to the person is ended as the take-down list
    would list it (``caption_consent_missing``, s37): by a withdrawal of that channel's
    consent for the approval's media type (for a video's, its photo consent too: an export
    checks a caption for both), or of the do-not-photograph list, whatever the form; of
    name-with-photo, when it uses their name ("first" or "full": initials are what a caption
    may still call them). Before s37, an approval whose caption alone named the pupil
    went on looking valid after the withdrawal (the export held it back)."""
    if not getattr(change, "is_withdrawal", False):
        return False
    pid = getattr(change, "person_id", None)
    if not pid:
        return False
    def ids(key: str) -> set[str]:
        value = parts.get(key) or ()
        return {str(v) for v in value} if isinstance(value, (list, tuple)) else set()

    maybe = parts.get("people_maybe") or ()
    faces = ids("people_shown") | ({str(m[0]) for m in maybe if m}
                                   if isinstance(maybe, (list, tuple)) else set())
    names = ids("names_shown")
    form = (caption_forms or {}).get(pid) if parts.get("caption") else None
    field_ = getattr(change, "channel", "")
    if field_ == "do_not_photograph":
        return pid in faces or pid in names or form is not None
    if field_ in (LEFT, RESTORED):
        # a leaving date cleared after it took effect (``leaving_undone``), a register row
        # valid again (``row_restored``): what a leaver, or someone whose row is not valid,
        # may not have, on any channel: their face, their name, a caption that uses it
        # (initials a caption may still call them: ``caption_name_form``)
        return pid in faces or pid in names or (form is not None and form != "initials")
    if field_ == "name_with_photo":
        return pid in names or (form is not None and form != "initials")
    media = str(parts.get("media") or "photo")
    if field_ != channel:
        return False
    withdrawn = getattr(change, "media", "photo") or "photo"
    if withdrawn == media:
        return pid in faces or pid in names or form is not None
    # a caption goes out with its batch, whose photo consent it needs whatever the media type
    # (``pipeline.batch_media``: an export checks a video's caption for both)
    return form is not None and withdrawn == "photo"


__all__ += ["approval_ended_by", "same_refusal"]
__all__ += ["LEFT", "caption_media", "leaving_undone"]
__all__ += ["RESTORED", "row_restored"]
__all__ += ["MADE_UNDER_RULES", "file_name_people_refusal", "made_under", "rules_of"]
__all__ += ["rules_made_stricter"]
__all__ += ["name_like_reason"]
__all__ += ["found_again_words"]
