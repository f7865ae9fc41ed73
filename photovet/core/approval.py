"""Approval: a preparer marks a photo ready for a channel; an approver (a senior leader who is not
the preparer) approves or rejects it. Export takes approved photos only, unless the school's
settings turn approval off (a one-person office), which the app shows as a warning. A rejection
holds either way: a photo a senior leader rejected for a channel is not exported there with
approval off either (``Approvals.rejection``, pipeline's ``rejections``; s60).

Who prepared and who approved are signed-in staff accounts (accounts.py): only an account with
the approver role approves, and never a photo its own account marked ready (the accounts are
compared, not the names typed), nor one whose review it changed after it was marked ready,
other than to cover more (``_not_a_changer``, s60), nor one in which it gave someone by hand,
after it was marked ready, what lets them be shown or named (consent there, s62). A photo
marked ready before staff accounts existed is marked ready again by its preparer before it can
be approved.

An approval signs a fingerprint of exactly what was reviewed: the photo's content hash, the
channel, the mode, what the analysis was made with (the school's settings analysis depends on,
the analysis version and models; not the register's people, face signatures and crest, whose
effect is signed as what will be published), the review, and what will be published (every
cover, every face and name left visible, and whose). A photo checked again after a register
change (a pupil enrolled, a leaver's face photos deleted) so keeps its approval when it
publishes the same; an approval stored before it signed ``"checked_with"`` signs the analysis
key itself (``same_signed``). Export computes the fingerprint again from the photo as it is
now: any difference voids the approval, and
``Approvals.check`` says why ("the review changed after approval (by ... at ...)", "Olivia
Bennett would now be covered: consent refused for Facebook", "the photo was checked again with
different settings or enrolments"). Every step is audited.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from photovet.core import free_text
from photovet.core.errors import ApprovalConflict, ApprovalError
from photovet.core.looks import ReadOnce
from photovet.core.models import PhotoAnalysis
from photovet.core.policy import (
    NEVER_PUBLISH_REASONS,
    Publication,
    caption_approval_refusal,
    caption_text,
    checklist_refusal,
    hand_named_refusal,
    lapsed_approval_refusal,
    open_flag_refusal,
    original_deleted_refusal,
    resolve_checks,
    seen_spans,
    watch_refusal,
)
from photovet.core.review import ReviewStore, local_time, naming_returned
from photovet.core.settings import SECTION_WORDS
from photovet.core.storage import Database
from photovet.core.storage.database import stored_path
from photovet.core.words import CAPTION_SHOWN_COMMAND, HAND_NAMED_APP, caption_word

DRAFT, READY, APPROVED, REJECTED = "draft", "ready", "approved", "rejected"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def approval_parts(analysis: PhotoAnalysis, review_digest: str, pub: Publication) -> dict[str, Any]:
    """What an approval signs, JSON-ready."""
    return {
        "photo": analysis.sha256,
        "channel": analysis.channel,
        "media": analysis.media,
        "mode": analysis.mode,
        "analysis": analysis.analysis_key,
        "review": review_digest,
        "publication": pub.signature(),
        "people_shown": list(pub.people_shown),
        "names_shown": list(pub.names_shown),
        "people_covered": list(pub.people_covered),
    }


def video_approval_parts(analysis: Any, review_digest: str, pub: Any) -> dict[str, Any]:
    """What an approval of a decided video signs: as a photo's (the publication's signature
    holds every track's decision, span and whose it is), plus what happens to the sound."""
    parts = approval_parts(analysis, review_digest, pub)
    parts["sound"] = getattr(pub, "sound", "remove")
    return parts


def fingerprint(parts: dict[str, Any]) -> str:
    """The hash of what an approval signs. Parts that carry ``"checked_with"`` (what the
    analysis was made with apart from the register: the school's settings analysis depends on,
    the analysis version and models; ``Engine.checked_with_key``) sign that instead of
    ``"analysis"`` (which also holds the register's key, and stays in the parts for the
    record): a photo checked again after a register change (someone enrolled, a leaver's face
    photos deleted, a crest picture) keeps its approval when everything else it signs,
    what it publishes above all, is the same. Parts without it (approvals stored before, an
    analysis whose making is not known) sign the analysis key itself: the strict rule.
    ``"checked_with_named"`` is never signed: it says what an approval given before photos
    with no text stopped signing the school's words signed instead (``same_signed``)."""
    if parts.get("checked_with"):
        parts = {k: v for k, v in parts.items() if k != "analysis"}
    parts = {k: v for k, v in parts.items() if k != "checked_with_named"}   # (same_signed)
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


#: what only an approval that signs ``"checked_with"`` signs: with the analysis key left out, who
#: else a face shown may be (``policy.maybe_shown``: a twin enrolled since, PhotoVet now taking
#: a face named by hand for someone else) is signed in its place
SIGNED_WITH_CHECKED_WITH = ("checked_with", "people_maybe")


def with_checked_with(parts: dict[str, Any], checked_with: str, pub: Any) -> dict[str, Any]:
    """``parts`` signing ``checked_with`` (``Engine.checked_with_key``: what the analysis was
    made with apart from the register) instead of the analysis key, and so also who else each
    face shown may be (which the analysis key covered before: the register it was matched
    against)."""
    return dict(parts, checked_with=checked_with,
                people_maybe=sorted([p, w or "", h] for p, w, h in pub.people_maybe))


def as_signed(signed: dict[str, Any], parts: dict[str, Any]) -> dict[str, Any]:
    """``parts`` (what an approval would sign now) in the form of the approval that signed
    ``signed``: one stored without ``"checked_with"`` (before approvals carried it) compares
    the analysis key itself, as it always did, so nothing already stored changes meaning."""
    if (signed or {}).get("checked_with"):
        return parts
    return {k: v for k, v in parts.items() if k not in SIGNED_WITH_CHECKED_WITH}


def same_signed(signed: dict[str, Any], now: dict[str, Any],
                signed_fp: str | None = None) -> bool:
    """Does ``now`` (what an approval would sign now) sign what ``signed`` signed (its stored
    fingerprint ``signed_fp``; default: ``signed``'s own)? When both say what their analysis
    was made with apart from the register (``"checked_with"``), the analysis key is left out
    (``fingerprint``); when either does not (an approval stored before, an analysis made
    with another engine's key), the analysis key itself is compared, the strict rule."""
    fp = fingerprint(signed) if signed_fp is None else signed_fp
    if signed.get("checked_with") and now.get("checked_with"):
        # a photo with no text signs what it was checked with without the school's words
        # (signs_school_words); one approved before that, with the school's words as they
        # are now (``"checked_with_named"``), signed the same
        named = now.get("checked_with_named")
        return fp == fingerprint(now) or (
            bool(named) and signed.get("checked_with") == named
            and fp == fingerprint(dict(now, checked_with=named)))
    if signed.get("checked_with"):
        # what the analysis shown now was made with is not known: the strict rule, on the
        # stored parts (which must be what the stored fingerprint signed)
        return fp == fingerprint(signed) and \
            fingerprint(as_signed({}, signed)) == fingerprint(as_signed({}, now))
    return fp == fingerprint(as_signed({}, now))


def signs_school_words(analysis: Any) -> bool:
    """Does an approval of ``analysis`` sign the school's name and details (what its
    ``"checked_with"`` is made with: ``Engine.checked_with``)? A photo with any text line or
    crest found: under another name a line may match, or stop matching, the school's, and so
    be covered or left readable: it is approved again after the name changes (fail closed).
    A photo with none keeps its approval: no name can change what it publishes (checked again,
    a line of the new name found only then is a text line: it is approved again). Every
    video does: its ordinary lines are not kept (only names and the school's lines are
    tracks), so which could change is not known."""
    if getattr(analysis, "media", "photo") == "video" or not hasattr(analysis, "texts"):
        return True
    return bool(analysis.texts)


def this_computer() -> str:
    """This computer's network name ("OFFICE-1"), as another PC sharing the register is told
    where photos marked ready here are ('' when the system does not say)."""
    try:
        return socket.gethostname().split(".")[0]
    except OSError:
        return ""


@dataclass
class WaitingElsewhere:
    """Photos and videos waiting for approval on the shared register that this PC has not
    checked, from one folder of one computer: the approver is told what they are and where,
    never shown them nor able to approve them here (what this PC cannot show is never
    approved: fail closed)."""

    folder: str                       # the folder they were marked ready from ('' unknown)
    computer: str                     # the computer they were marked ready on ('' unknown)
    names: list[str]                  # their file names, in order of name
    preparers: list[str]              # who marked them ready, each once
    last: str                         # when the last of them was marked ready (UTC ISO)
    here: bool = False                # the folder can be opened on this PC


def waiting_elsewhere(states: Sequence[ApprovalState], checked: set[str] | frozenset[str],
                      listed: set[str] | frozenset[str] = frozenset(), *,
                      folder_here: Callable[[str], bool] = os.path.isdir
                      ) -> list[WaitingElsewhere]:
    """Of ``states`` (``Approvals.waiting``), those this PC cannot show: not among the
    content hashes it ``checked`` nor the full paths ``listed`` in its batch (being checked),
    grouped by computer and folder, the largest group first. ``folder_here``: whether the
    folder can be opened from this PC (a shared drive seen from both)."""
    groups: dict[tuple[str, str], WaitingElsewhere] = {}
    for st in states:
        if st.sha256 in checked or (st.path and st.path in listed):
            continue
        folder = os.path.dirname(st.path) if st.path else ""
        key = (st.prepared_on, folder)
        g = groups.get(key)
        if g is None:
            g = groups[key] = WaitingElsewhere(folder, st.prepared_on, [], [], "")
        g.names.append(os.path.basename(st.path) if st.path else "")
        if st.preparer and st.preparer not in g.preparers:
            g.preparers.append(st.preparer)
        g.last = max(g.last, st.prepared_at or "")
    out = sorted(groups.values(), key=lambda g: (-len(g.names), g.computer, g.folder))
    for g in out:
        g.names.sort(key=str.lower)         # read as the folder lists them
        try:
            g.here = bool(g.folder) and folder_here(g.folder)
        except OSError:
            g.here = False
    return out


def signed_key(parts: dict[str, Any]) -> str:
    """The key of what the analysis an approval signed was made with, as the approval compares
    it: ``"checked_with"`` when it carries one, else ``"analysis"`` ('' when neither)."""
    return str((parts or {}).get("checked_with") or (parts or {}).get("analysis") or "")


@dataclass
class ApprovalState:
    sha256: str
    channel: str
    status: str = DRAFT
    path: str = ""
    batch: str = ""
    preparer: str | None = None
    prepared_at: str | None = None
    approver: str | None = None
    decided_at: str | None = None
    comment: str = ""
    fingerprint: str = ""
    parts: dict[str, Any] = field(default_factory=dict)
    note: str = ""                    # e.g. why an old approval no longer counts
    preparer_id: int | None = None    # the preparer's account
    approver_id: int | None = None    # the approver's account
    caption: str = ""                 # the caption the preparer proposed ('' none)
    prepared_on: str = ""             # the computer it was marked ready on ('' not recorded)

    @property
    def ended(self) -> bool:
        """Waiting for approval again because an approval it had ended (a withdrawal, a
        removal from the register, a leaving date cleared, a register row restored, an
        admin's cancellation, a name taken out of its caption): ``note`` says why
        (``_back_to_waiting`` and the like keep it; marking the photo ready afresh clears it).
        The tile says so, not the "Waiting for approval" of a photo never approved (s42)."""
        return self.status == READY and bool(self.note)

    @property
    def approved_caption(self) -> str | None:
        """The caption this approval signed ('' none), as export compares it; None when it
        signed none because it was given before captions were signed (or is no approval)."""
        if self.status != APPROVED or "caption" not in self.parts:
            return None
        return str(self.parts["caption"])


@dataclass
class Verdict:
    """May this photo, as it is now, be exported for this channel?"""

    ok: bool
    why: str = ""                     # when not ok: for the person ("not approved yet", ...)
    state: ApprovalState | None = None
    caption_refused: bool = False     # not ok for the caption alone: another was approved


def _names(ids: list[str], name_of) -> str:
    return ", ".join(name_of(i) for i in ids)


def _maybe_added(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Whom a face shown may now be that it was not taken to maybe be when signed (both sides
    signing ``people_maybe``), by id."""
    if "people_maybe" not in old or "people_maybe" not in new:
        return []
    then = {m[0] for m in old["people_maybe"]}
    return sorted({m[0] for m in new["people_maybe"]} - then)


#: a video's sound and a face's cover, as said when what was approved or shown differs
_SOUND_DONE = {"keep": "kept", "mute": "silenced", "remove": "removed"}
_COVERED_WITH = {"solid": "solid shapes", "pixelate": "coarse blocks"}


#: the cover's size (``CoverSettings.grow``) a video's approval signs by leaving it out (every
#: video approval given before the size was signed: ``Engine.approval_parts``)
VIDEO_SIGNED_GROW = 1.4


def _cover_size_changed(old: dict[str, Any], new: dict[str, Any], then: str) -> str:
    """A video's face covers made larger or smaller (``"cover_grow"``, absent: the default
    size) since ``old`` was signed or shown, in words."""
    now = float(new.get("cover_grow", VIDEO_SIGNED_GROW))
    before = float(old.get("cover_grow", VIDEO_SIGNED_GROW))
    how = "smaller" if now < before else "larger"
    return f"the face covers would now be {how} ({then} covers {before:g} times a face)"


def explain_difference(old: dict[str, Any], new: dict[str, Any], name_of=lambda i: i,
                       review_by: str = "", review_at: str = "", *,
                       covered_why: Mapping[str, str] | None = None) -> str:
    """Why an approval no longer fits the photo as it is now (the first difference that
    matters to a person). ``covered_why``: for people now covered by a rule no consent or
    register change made (``covered_by_rule``), the rule's words, said instead of "their
    consent or the register changed"."""
    what = "video" if (new.get("media") or old.get("media")) == "video" else "photo"
    if old.get("photo") != new.get("photo"):
        return f"the {what} file changed since it was approved"
    if old.get("channel") != new.get("channel") or old.get("media") != new.get("media"):
        return "it was approved for another channel"
    if old.get("mode") != new.get("mode"):
        return ("the mode for this channel changed since it was approved (the school's mode, "
                "or the channel's own)")
    if old.get("sound") != new.get("sound"):
        word = _SOUND_DONE
        now, then = new.get("sound"), old.get("sound")
        return (f"the sound would now be {word.get(str(now), now)} "
                f"(it was approved {word.get(str(then), then)})")
    if old.get("cover_style", "solid") != new.get("cover_style", "solid"):
        how = _COVERED_WITH
        now, then = new.get("cover_style", "solid"), old.get("cover_style", "solid")
        return (f"faces would now be covered with {how.get(now, now)} (it was approved with "
                f"{how.get(then, then)})")
    if old.get("cover_grow") != new.get("cover_grow"):
        return _cover_size_changed(old, new, "it was approved with")
    effect = ""
    gone = sorted(set(old.get("people_shown", [])) - set(new.get("people_shown", [])))
    added = sorted(set(new.get("people_shown", [])) - set(old.get("people_shown", [])))
    ngone = sorted(set(old.get("names_shown", [])) - set(new.get("names_shown", [])))
    nadded = sorted(set(new.get("names_shown", [])) - set(old.get("names_shown", [])))
    ruled = [covered_why[i] for i in gone if covered_why and i in covered_why]
    if gone:
        effect = f"{_names(gone, name_of)} would now be covered"
        if ruled:
            effect += f": {ruled[0][:1].lower()}{ruled[0][1:]}"
    elif added:
        effect = f"{_names(added, name_of)} would now be shown, which was not approved"
    elif ngone or nadded:
        effect = "which names stay readable changed"
    elif _maybe_added(old, new):
        effect = (f"a face shown may now be {_names(_maybe_added(old, new), name_of)}, which "
                  "was not approved")
    if old.get("review") != new.get("review"):
        who = f" (by {review_by}" + (f" at {review_at}" if review_at else "") + ")" if review_by else ""
        return f"the review changed after it was approved{who}" + (f": {effect}" if effect else "")
    if effect and ruled:
        return effect
    if effect:
        return f"{effect} (their consent or the register changed since it was approved)"
    if old.get("caption") != new.get("caption"):
        return (f"the caption changed since it was approved ({caption_word(new.get('caption'))}; "
                f"{caption_word(old.get('caption')) if old.get('caption') else 'no caption'} "
                "was approved)")
    if signed_key(old) != signed_key(new) or old.get("analysis") != new.get("analysis"):
        return (f"the {what} was checked again with different settings or enrolments since it "
                "was approved")
    return "what would be published is not what was approved"


def covered_by_rule(analysis: Any) -> dict[str, str]:
    """The people a decided photo or video covers by a rule no consent or register change
    brought (a face PhotoVet matched to a pupil who must never be published, named by hand as
    them: ``policy.never_publish_match``), by id, with the rule's words."""
    faces = getattr(analysis, "faces", None)
    if faces is None:
        faces = [t for t in getattr(analysis, "tracks", []) if t.kind == "face"]
    return {x.who: x.reason for x in faces
            if x.decision == "cover" and x.who and x.reason in NEVER_PUBLISH_REASONS}


@dataclass
class AsNow:
    """A photo or video as an approval of it would sign it now: decided again from the
    register (its review, the people, the school's settings and the channel's rules) while the
    approval is being stored (``Engine.approval_now``). ``review_version``: the review it was
    decided with; ``review_by`` and ``review_at``: who changed that review last, and when
    (stored time)."""

    parts: dict[str, Any]
    review_version: str = ""
    review_by: str = ""
    review_at: str = ""
    name_of: Callable[[str], str] = field(default=lambda i: i)


def people_in(analysis: Any) -> set[str]:
    """The register ids of everyone PhotoVet recognised, or a person named, in a photo's faces
    or a video's face tracks (shown or covered)."""
    out: set[str] = set()
    for f in list(getattr(analysis, "faces", None) or []) + \
            list(getattr(analysis, "tracks", None) or []):
        for pid in (getattr(f, "person", None), getattr(f, "override_person", None)):
            if pid:
                out.add(pid)
    return out


def consent_changes_since_ready(state: Any, analysis: Any, history: Callable[[str], Sequence[Any]]
                                ) -> list[Any]:
    """The consent changes, made after ``state`` was marked ready, of the people in
    ``analysis`` that bear on its channel and media type (or their do-not-photograph and
    name-with-photo answers): ``history(person_id)`` gives a person's ``ConsentChange``s.
    What the approver is shown is decided afresh from the register; this only says what
    changed since the preparer looked (walk s34), oldest first."""
    since = getattr(state, "prepared_at", None) or ""
    if not since or getattr(state, "status", "") != READY:
        return []
    media = "video" if getattr(analysis, "media", "photo") == "video" else "photo"
    out = []
    for pid in sorted(people_in(analysis)):
        for c in history(pid):
            if (c.when or "") <= since or c.old_state == c.new_state:
                continue
            if c.channel in ("do_not_photograph", "name_with_photo") or (
                    c.channel == analysis.channel and c.media == media):
                out.append(c)
    return sorted(out, key=lambda c: c.when)


#: changes to a review after which the one who made them may still approve the photo: they
#: cover more, or are an approver's own part (accepting a flag, a name sent back on rejecting)
#: (``Approvals._not_a_changer``)
COVERING_DOINGS = frozenset({
    "review.face-cover", "review.cover-add", "review.text-cover", "review.video-track-cover",
    "review.keep-rest-covered", "review.flag-accept", "review.flag-undo",
    "review.naming-returned"})

#: the register's changes by hand that may let a person be shown or named (``_register_gave``)
_GIVING_ACTIONS = ("register.consent-edit", "register.do-not-photograph",
                   "register.leaving-date", "register.back")


def _register_gave(action: str, said: Mapping[str, Any], channel: str, media: str) -> str:
    """What a register change by hand (its audit ``action`` and ``said`` details) gave that
    may let its person be shown or named on ``channel`` in ``media`` ("photo"/"video"), in the
    words of the approver's refusal ("gave consent (photos)"); "" when it gave nothing there
    (a withdrawal, another channel, the other media). Pure; unit-tested."""
    old, new = said.get("old"), said.get("new")
    if action == "register.consent-edit":
        field = said.get("field")
        if new != "yes" or old == "yes":
            return ""
        if field == "name_with_photo":
            return "said their name may go with their photo"
        if field == channel and said.get("media") == media:
            return f"gave consent ({media}s)"
        return ""
    if action == "register.do-not-photograph":
        return "took them off the do-not-photograph list" if old == "yes" and new != "yes" \
            else ""
    if action == "register.back":
        return "cleared their leaving date (they are back)"
    if action == "register.leaving-date":
        # a date cleared, or put later: they may be shown for longer (fail closed on a date
        # that does not read)
        if not old:
            return ""
        if not new or str(new) > str(old):
            return "cleared their leaving date" if not new else "put their leaving date later"
    return ""


#: a video's sound asked for by hand that publishes less than any rule: its maker may still
#: approve (``Approvals._not_a_changer``); back to the channel's rule (None) may publish more
LESS_SOUND = frozenset({"mute", "remove"})

#: the school's settings sections whose change may change what a photo or video publishes
#: (``settings.SCHOOL_SECTIONS`` but approval, retention, the checklist and sign-in): an
#: approver who changed one after the item was marked ready approves what the preparer did
#: not see (``_changed_settings``); and the school's crest pictures, taken away
PUBLISHING_SECTIONS = ("mode", "recognition", "detection", "text", "cover", "school", "group",
                       "video")
#: a channel's rules that may change what is published on it, in the refusal's words
#: (its name, size and quality do not change who or what is shown)
PUBLISHING_CHANNEL_RULES = {"names": "names rule", "fixed_mode": "fixed mode",
                            "audio": "sound rule", "cover_school": "school identifiers rule",
                            "group_only": "group shots rule"}

#: what a change to a review did, in the words of the approver's refusal ("covered a face")
REVIEW_DOINGS = {
    "review.face-cover": "covered a face",
    "review.face-show": "left a face shown",
    "review.face-assign": "said who a face is",
    "review.face-not-a-face": "said something is not a face",
    "review.face-undo": "undid a decision about a face",
    "review.text-cover": "covered a name or word",
    "review.text-keep": "left a name or word readable",
    "review.keep-rest-covered": "kept the rest covered",
    "review.flag-accept": "accepted a warning about it",
    "review.flag-undo": "undid an accepted warning",
    "review.cover-add": "covered an area by hand",
    "review.cover-remove": "took away a cover added by hand",
    "review.video-track-cover": "covered a face or name",
    "review.video-track-show": "left a face shown",
    "review.video-track-assign": "said who a face is",
    "review.video-track-not-a-face": "said something is not a face",
    "review.video-track-keep": "left a name readable",
    "review.video-track-undo": "undid a decision about a face or name",
    "review.video-sound": "changed what happens to the sound",
}


def changed_since_shown(old: dict[str, Any], new: dict[str, Any], name_of=lambda i: i) -> str:
    """What differs between what the approver was shown (``old``) and what the photo or video
    would publish now (``new``), the first difference that matters to a person."""
    what = "video" if (new.get("media") or old.get("media")) == "video" else "photo"
    if old.get("photo") != new.get("photo"):
        return f"the {what} file changed"
    if old.get("mode") != new.get("mode"):
        return "the mode for this channel changed (the school's mode, or the channel's own)"
    if old.get("sound") != new.get("sound"):
        word = _SOUND_DONE
        now, then = new.get("sound"), old.get("sound")
        return (f"the sound would now be {word.get(str(now), now)} (you were shown it "
                f"{word.get(str(then), then)})")
    if old.get("cover_style", "solid") != new.get("cover_style", "solid"):
        how = _COVERED_WITH
        now = new.get("cover_style", "solid")
        return f"faces would now be covered with {how.get(now, now)}"
    if old.get("cover_grow") != new.get("cover_grow"):
        return _cover_size_changed(old, new, "you were shown")
    gone = sorted(set(old.get("people_shown", [])) - set(new.get("people_shown", [])))
    added = sorted(set(new.get("people_shown", [])) - set(old.get("people_shown", [])))
    if gone:
        return f"{_names(gone, name_of)} would now be covered"
    if added:
        return f"{_names(added, name_of)} would now be shown"
    if set(old.get("names_shown", [])) != set(new.get("names_shown", [])):
        return "which names stay readable changed"
    if _maybe_added(old, new):
        return f"a face shown may now be {_names(_maybe_added(old, new), name_of)}"
    if old.get("analysis") != new.get("analysis"):
        return f"the {what} was checked again with different settings or enrolments"
    return f"what the {what} would publish changed"


class VideoViews:
    """What each approver has seen of a video's picture (table ``video_views``): the GUI's
    player reports the moments it had on screen (``seen``), the core keeps the stretches they
    make (``policy.seen_spans``) and decides from them whether the video may be approved
    (``policy.watch_refusal``: no stretch longer than ``policy.WATCH_GAP`` unseen). A record is
    for one version of the video, the one an approval would sign (the fingerprint of its
    ``approval_parts``): after any change to what would be published, it is seen afresh.
    Photos need none of this: a photo is seen whole when it is opened."""

    def __init__(self, db: Database, audit: Any):
        self.db = db
        self.audit = audit

    @staticmethod
    def _viewer(who: Any) -> str:
        if who.account_id is not None:
            return f"account:{who.account_id}"
        return "name:" + " ".join(who.name.split()).casefold()

    def _row(self, analysis: Any, viewer: str) -> tuple[str, list[tuple[float, float]], str] | None:
        r = self.db.one("SELECT fingerprint, spans, how FROM video_views WHERE sha256 = ? AND "
                        "channel = ? AND viewer = ?", [analysis.sha256, analysis.channel, viewer])
        if not r:
            return None
        return r[0], [tuple(x) for x in json.loads(r[1] or "[]")], r[2] or "player"

    def _spans(self, analysis: Any, parts: dict[str, Any], viewer: str
               ) -> list[tuple[float, float]]:
        row = self._row(analysis, viewer)
        # seen as this version (a register change alone that leaves what it publishes as it
        # was is the same version), or recorded before "checked_with" with the same analysis
        seen = (fingerprint(_unticked(parts)), fingerprint(as_signed({}, _unticked(parts))))
        return row[1] if row is not None and row[0] in seen else []

    def _store(self, analysis: Any, parts: dict[str, Any], who: Any,
               spans: list[tuple[float, float]], how: str) -> None:
        self.db.execute(
            "INSERT INTO video_views (sha256, channel, viewer, actor, account_id, fingerprint, "
            "spans, how, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256, "
            "channel, viewer) DO UPDATE SET actor = excluded.actor, account_id = "
            "excluded.account_id, fingerprint = excluded.fingerprint, spans = excluded.spans, "
            "how = excluded.how, updated_at = excluded.updated_at",
            [analysis.sha256, analysis.channel, self._viewer(who), who.name, who.account_id,
             fingerprint(_unticked(parts)), json.dumps([list(x) for x in spans]), how, _now()])

    def seen(self, analysis: Any, parts: dict[str, Any], times: Sequence[float]) -> str | None:
        """The signed-in approver had these moments of the video on screen (seconds from its
        start), as ``parts`` (``engine.approval_parts`` of the video as shown) would publish it.
        Stored at once; returns what is still left (``refusal``'s words) or None."""
        who = self.audit.access.require("approve")
        if getattr(analysis, "media", "photo") != "video":
            return None
        duration = float(analysis.duration)
        with self.db.atomic():
            before = self._spans(analysis, parts, self._viewer(who))
            after = seen_spans(before, [float(t) for t in times], duration=duration)
            if after != before:
                self._store(analysis, parts, who, after, "player")
                if watch_refusal(duration, before) and not watch_refusal(duration, after):
                    self.audit.record("video.watched", {"sha256": analysis.sha256,
                                                        "channel": analysis.channel,
                                                        "how": "player"})
        return watch_refusal(duration, after)

    def confirm(self, analysis: Any, parts: dict[str, Any]) -> None:
        """The signed-in approver says they watched the whole video in a player of their own
        (the command line has none): recorded as such, with their name, and audited."""
        who = self.audit.access.require("approve")
        with self.db.atomic():
            self._store(analysis, parts, who, [(0.0, float(analysis.duration))], "confirmed")
            self.audit.record("video.watched", {"sha256": analysis.sha256,
                                                "channel": analysis.channel, "how": "confirmed"})

    def spans_seen(self, analysis: Any, parts: dict[str, Any]) -> list[tuple[float, float]]:
        """The stretches of the video (seconds) the signed-in account has seen, as ``parts``
        publishes it (none for anyone not signed in)."""
        who = self.audit.access.actor()
        return self._spans(analysis, parts, self._viewer(who)) if who is not None else []

    def refusal(self, analysis: Any, parts: dict[str, Any]) -> str | None:
        """Why the signed-in account may not approve this video yet, as ``parts`` publishes it,
        for what it has not seen (None: seen, or not a video). Nobody signed in: nothing seen."""
        if getattr(analysis, "media", "photo") != "video":
            return None
        return watch_refusal(float(analysis.duration), self.spans_seen(analysis, parts))


def _local_day(iso: str | None) -> _dt.date | None:
    """The day (this PC's) of a stored UTC time; None when there is none or it cannot be read."""
    if not iso:
        return None
    try:
        return _dt.datetime.fromisoformat(iso).astimezone().date()
    except ValueError:
        return None


def _unticked(parts: dict[str, Any]) -> dict[str, Any]:
    """What was seen is what will be published: the approver's ticks are not part of it."""
    return {k: v for k, v in parts.items() if k != "checks"}


def _back_to_waiting(db: Database, st: ApprovalState, note: str, *,
                     approver_id: int | None = None) -> None:
    """An approval that no longer stands (a withdrawal ended it, an admin cancelled it): the
    photo or video waits for approval again, with ``note`` saying why; nothing of what was
    signed is kept. Only while it is still approved (by ``approver_id``, when given)."""
    by = " AND approver_id = ?" if approver_id is not None else ""
    db.execute(
        "UPDATE approvals SET status = ?, approver = NULL, approver_id = NULL, "
        "decided_at = NULL, comment = '', fingerprint = '', parts = '', note = ? "
        f"WHERE sha256 = ? AND channel = ? AND status = ?{by}",
        [READY, note, st.sha256, st.channel, APPROVED,
         *([approver_id] if approver_id is not None else [])])


def media_ended(states: Sequence[ApprovalState]) -> tuple[int, int]:
    """(photos, videos) among approvals ``end_by_withdrawal`` ended, by what each signed
    (its file's ending when it signed no media type), so what is said of them names what
    ended (s39: "the photos and videos wait" when only photos had)."""
    from photovet.core.words import tally  # noqa: PLC0415

    return tally(st.parts.get("media") or st.path for st in states)


@dataclass(frozen=True)
class EndsApart:
    """The approvals a withdrawal would end (``withdrawal_would_end``), said apart by what
    became of each one's copy for its channel (``ends_apart``), each as (photos, videos): a
    person reading "ends the approvals of 2 photos" took both to wait for approval again when
    one was already posted and had to come down (s43)."""

    waiting: tuple[int, int] = (0, 0)     # not exported for it: approved again before export
    exported: tuple[int, int] = (0, 0)    # exported for it, not posted there: not to be posted
    posted: tuple[int, int] = (0, 0)      # posted there: to be taken down


def ends_apart(states: Sequence[ApprovalState], records: Any) -> EndsApart:
    """``states`` (approvals, by photo and channel) split by their copies for their channel in
    the export records: posted there (from an export for any channel), exported for it only,
    or neither. Reads only."""
    from photovet.core.words import tally  # noqa: PLC0415

    groups: dict[str, list[ApprovalState]] = {"waiting": [], "exported": [], "posted": []}
    for st in states:
        # every export of the photo: one made for another channel and posted on this one
        # ("elsewhere", flagged) is posted here too, and the take-down list lists it (s43
        # audit: only this channel's exports were read, so it "waited for approval")
        recs = records.exports_of([st.sha256]) if st.sha256 else []
        posted = any(p.channel == st.channel for r in recs for p in r.posts)
        exported = any(r.channel == st.channel for r in recs)
        groups["posted" if posted else "exported" if exported else "waiting"].append(st)
    return EndsApart(*(tally(st.parts.get("media") or st.path for st in groups[k])
                       for k in ("waiting", "exported", "posted")))


def withdrawal_would_end(db: Database, person_id: str, field: str, media: str = "photo", *,
                         register: Any = None) -> list[ApprovalState]:
    """The approvals standing that withdrawing ``person_id``'s consent ``field`` (a channel id,
    "name_with_photo", or "do_not_photograph": put on the list) for ``media`` would end, by
    ``end_by_withdrawal``'s own rule, read only: what the question before a withdrawal says
    (s42 walk: it named only the exported photos to take down, and "4 approvals ended" came
    after). The withdrawal itself ends them again, as the register has them then."""
    from photovet.core.register.reports import ConsentChange  # noqa: PLC0415

    old, new = ("no", "yes") if field == "do_not_photograph" else ("yes", "no")
    change = ConsentChange(str(person_id), field, old, new, media=media)
    return [st for st, _c, _shown in _ended_by(db, None, [change], register=register)]


def _caption_forms(db: Database, audit: Any, pids: Sequence[str], register: Any
                   ) -> Callable[[ApprovalState], dict[str, str]]:
    """Whom each approval's signed caption refers to among ``pids`` (``{register id: form}``,
    ``captions.caption_mentions`` at the school's threshold), each caption read once. Matched
    against those people alone: a name that is nearer another pupil's is still counted as
    theirs (fail closed: an approval ended that need not be is approved again)."""
    from photovet.core.register.people import Register  # noqa: PLC0415
    from photovet.core.vision.text.captions import (  # noqa: PLC0415
        caption_matcher,
        caption_mentions,
    )

    read: dict[str, dict[str, str]] = {}
    made: list[Any] = []        # (people, threshold, matcher): made at the first caption

    def forms(st: ApprovalState) -> dict[str, str]:
        caption = str(st.parts.get("caption") or "")
        if not caption:
            return {}
        if not made:
            reg = register if register is not None else Register(db, audit=audit)
            people = [p for pid in dict.fromkeys(pids) if (p := reg.find(pid)) is not None]
            threshold = reg.settings.text.caption_threshold
            made.append((people, threshold, caption_matcher(people, threshold)
                         if people else None))
        people, threshold, matcher = made[0]
        if matcher is None:
            return {}
        if caption not in read:
            read[caption] = {pid: m.form for pid, m in caption_mentions(
                caption, people, threshold=threshold, matcher=matcher).items()}
        return read[caption]
    return forms


@dataclass
class LeavingUndone:
    """A leaving date cleared, or moved to a day still to come, after it took effect
    (``policy.leaving_undone``), as ``end_by_withdrawal`` takes a change: it ends what a
    withdrawal of everything a leaver may not have would end (``policy.LEFT``)."""

    person_id: str
    when: str                       # when it was cleared (UTC ISO)
    left_on: str                    # the leaving date that had taken effect (ISO day)
    channel: str = "left"           # (policy.LEFT)
    media: str = "any"
    is_withdrawal: bool = True


def end_by_leaving_undone(db: Database, audit: Any, person_id: str, old: _dt.date | None,
                          new: _dt.date | None, *, on: _dt.date | None = None,
                          register: Any = None, ended: list[ApprovalState] | None = None
                          ) -> int:
    """A person's leaving date goes from ``old`` to ``new`` (None: none) on ``on`` (default
    today): when that makes someone who had left no longer a leaver (``policy.leaving_undone``),
    every approval standing that showed them, or whose caption uses their name, ends
    (``end_by_withdrawal``: waiting for approval again, a note saying a leaving date was
    cleared, audited by id with the date that had taken effect), so it does not count again
    with nothing said (s38). Call inside the transaction that changes the date. Returns how
    many ended; ``ended``, when given, gets them (``media_ended``)."""
    from photovet.core.policy import LEFT, leaving_undone  # noqa: PLC0415

    if not leaving_undone(old, new, on or _dt.date.today()) or old is None:
        return 0
    change = LeavingUndone(person_id, _now(), old.isoformat(), channel=LEFT)
    states = end_by_withdrawal(db, audit, [change], register=register)
    if ended is not None:
        ended.extend(states)
    return len(states)


@dataclass
class RowRestored:
    """A register row an MIS import made valid again after it was rejected or missing from
    the file (``policy.row_restored``), as ``end_by_withdrawal`` takes a change: it ends what
    a leaving date cleared ends (``policy.RESTORED``)."""

    person_id: str
    when: str                       # when the import restored it (UTC ISO)
    was: str                        # "rejected" or "missing" (from the MIS file)
    channel: str = "restored"       # (policy.RESTORED)
    media: str = "any"
    is_withdrawal: bool = True


def end_by_rows_restored(db: Database, audit: Any, restored: Sequence[tuple[str, str]], *,
                         register: Any = None) -> int:
    """Register rows an MIS import makes valid again (``restored``: (person id, "rejected" or
    "missing")), after they were rejected or missing from an earlier file: every approval
    standing that showed them, or whose caption uses their name, ends (``end_by_withdrawal``:
    waiting for approval again, a note saying a register row was restored, never whose,
    audited by id with what the row was), so it does not count again with nothing said (s39,
    ``policy.row_restored``). Call inside the import's transaction. Returns how many ended."""
    from photovet.core.policy import RESTORED  # noqa: PLC0415

    when = _now()
    changes = [RowRestored(pid, when, was, channel=RESTORED) for pid, was in restored]
    return len(end_by_withdrawal(db, audit, changes, register=register)) if changes else 0


def _ended_by(db: Database, audit: Any, changes: Sequence[Any], *, removed: bool = False,
              register: Any = None) -> Iterator[tuple[ApprovalState, Any, bool]]:
    """The approvals standing that ``changes`` end (``end_by_withdrawal``'s rule), each as
    (its state, the change that ends it, whether it showed the person: else its caption names
    them), each once, read only: nothing is changed."""
    from photovet.core.policy import approval_ended_by  # noqa: PLC0415

    withdrawals = [c for c in changes if getattr(c, "is_withdrawal", False)]
    if not withdrawals:
        return
    captions = _caption_forms(db, audit, [str(c.person_id) for c in withdrawals], register)
    # a caption may name any of them: the approvals that signed one, read once (one signed
    # with no caption, '""', is left out; written otherwise, it is read: fail closed)
    captioned = [Approvals._row(r) for r in db.all(
        f"SELECT {Approvals._COLS} FROM approvals WHERE status = ? AND parts LIKE ? AND "
        "parts NOT LIKE ?", [APPROVED, '%"caption"%', '%"caption": ""%'])]
    seen: set[tuple[str, str]] = set()
    for change in withdrawals:
        pid = str(change.person_id)
        # the ids the approval signed are in its JSON parts: a cheap first pass, each one
        # then judged by the rule itself
        # (an id with a character LIKE reads as a pattern, or that JSON escapes, is looked
        # for in every approval)
        plain = pid.isascii() and pid.isprintable() and not any(c in pid for c in '\\%_"')
        like = f'%"{pid}"%' if plain else "%"
        rows = {(st.sha256, st.channel): st for st in (Approvals._row(r) for r in db.all(
            f"SELECT {Approvals._COLS} FROM approvals WHERE status = ? AND parts LIKE ?",
            [APPROVED, like]))}
        for st in captioned:
            rows.setdefault((st.sha256, st.channel), st)
        for key in sorted(rows):
            st = rows[key]
            if key in seen:
                continue
            shown = approval_ended_by(st.parts, st.channel, change)
            # whom its caption names is read only where naming them in full would end it
            # (another channel's consent withdrawn: no caption of this one matters); someone
            # removed from the register: their name is taken out of the caption, and the
            # approval asked for again, by the removal itself (records.forget_names)
            if not shown and (removed or not (
                    approval_ended_by(st.parts, st.channel, change, caption_forms={pid: "full"})
                    and approval_ended_by(st.parts, st.channel, change,
                                          caption_forms=captions(st)))):
                continue
            seen.add(key)
            yield st, change, bool(shown)


def end_by_withdrawal(db: Database, audit: Any, changes: Sequence[Any], *,
                      removed: bool = False, register: Any = None) -> list[ApprovalState]:
    """End every approval standing that showed someone whose consent ``changes`` withdraw
    (``policy.approval_ended_by``: their face shown, or their name left readable, on that
    channel and media type; the do-not-photograph list, everywhere): each photo or video waits
    for approval again, its note saying why ("Approval ended: consent was withdrawn on
    28/11/2026 ..."), audited by id (``approval.ended``: the photo by its content, the
    channel, the person's register id, when it was approved and when the consent was
    withdrawn). Call inside the transaction that records the withdrawal
    (``Register.set_consent``, an MIS import), so the approval never outlives it, also across
    a restart, and a later Yes does not revive it (s36: an approval, once the consent it was
    given for is withdrawn, is looked at again by an approver; it is not read back from the
    photo publishing the same again). ``removed``: the people are removed from the register
    (``Register.delete_people``: ``changes`` put each on the do-not-photograph list, so every
    approval that showed them ends, and its note says they were removed; s36: removed and
    added again, the approval counted again once the photo published the same). An approval
    whose signed caption refers to them ends too, as the take-down list would list that
    caption (``policy.approval_ended_by``'s ``caption_forms``; its note says the caption
    names someone, its audit row ``caption``: s37, such an approval went on looking valid);
    for people ``removed``, the removal takes their name out of such a caption and asks for
    the approval again itself (``records.forget_names``, s34).
    ``register``: the register the withdrawal is recorded in (the people's names and the
    school's caption threshold; read from ``db`` when not given). Changes whose ``channel`` is
    ``policy.LEFT`` (``LeavingUndone``: leaving dates cleared after they took effect, s38) say
    so in the note (``words.approval_ended_by_leaving_cleared``) and the audit row
    (``left_on``); those whose ``channel`` is ``policy.RESTORED`` (``RowRestored``: a register row valid
    again, s39) say so in the note (``words.approval_ended_by_row_restored``) and the audit
    row (``restored``: what the row was).
    Returns the approvals ended."""
    from photovet.core.policy import LEFT, RESTORED  # noqa: PLC0415
    from photovet.core.register.reports import local_day  # noqa: PLC0415
    from photovet.core.words import (  # noqa: PLC0415
        approval_ended_by_caption,
        approval_ended_by_leaving_cleared,
        approval_ended_by_removal,
        approval_ended_by_row_restored,
        approval_ended_by_withdrawal,
    )

    ended: dict[tuple[str, str], ApprovalState] = {}
    for st, change, shown in _ended_by(db, audit, changes, removed=removed, register=register):
        pid = str(change.person_id)
        day = local_day(change.when) or "today"
        leaving, restored = change.channel == LEFT, change.channel == RESTORED
        if leaving:
            note = approval_ended_by_leaving_cleared(day, caption=not shown)
        elif restored:
            note = approval_ended_by_row_restored(day, caption=not shown)
        else:
            note = (approval_ended_by_removal if removed else
                    approval_ended_by_withdrawal)(day) if shown else \
                approval_ended_by_caption(day)
        _back_to_waiting(db, st, note)
        audit.record("approval.ended", {
            "sha256": st.sha256, "channel": st.channel, "person_id": pid,
            "field": change.channel, "media": change.media,
            "approved_at": st.decided_at, "withdrawn_at": change.when,
            **({"removed": True} if removed else {}),
            **({"left_on": change.left_on} if leaving else {}),
            **({"restored": change.was} if restored else {}),
            **({} if shown else {"caption": True})})
        ended[(st.sha256, st.channel)] = st
    return list(ended.values())


def _what(analysis: Any) -> str:
    """'video' or 'photo': what an approval's refusal calls it (s61: a video's refusals said
    "this photo": read from what was stored, which has no media before it is approved)."""
    return "video" if getattr(analysis, "media", "photo") == "video" else "photo"


def rejected_words(state: ApprovalState) -> str:
    """A rejection in words: "rejected by <approver>: <comment>"."""
    return f"rejected by {state.approver or 'a senior leader'}" + \
        (f": {state.comment}" if state.comment else "")


class Approvals:
    """``checklist``: gives the school's approver's checklist now (the Workspace wires it to the
    school settings). With it, an approval is refused unless every check is ticked, the ticks
    are part of what the approval signs, and an approval whose ticks no longer cover the
    checklist (a check added since) no longer counts."""

    def __init__(self, db: Database, audit: Any = None, *,
                 checklist: Callable[[], list[str]] | None = None):
        if audit is None:
            from photovet.core.audit import AuditLog  # noqa: PLC0415

            audit = AuditLog(db)
        self.db = db
        self.audit = audit
        self.checklist = checklist
        self.views = VideoViews(db, audit)
        #: inside ``one_look``: approver account id -> (grants, still an account)
        self._standing: ReadOnce[int, tuple[list[tuple[_dt.date, _dt.date | None, str]],
                                            bool]] = ReadOnce()

    def one_look(self) -> AbstractContextManager[None]:
        """Checking many photos at once (the grid, an export's plan, a settings change):
        inside it, on the thread that began it, each approver's roles are read from the
        register once, not once per photo (``lapsed_refusal``). Only for one pass over a
        batch: a role changed on another PC after it began is seen at the next look. Nested:
        the outer one holds; another thread reads the register as ever."""
        return self._standing.look()

    def _approver_standing(self, account_id: int, *, fresh: bool = False
                           ) -> tuple[list[tuple[_dt.date, _dt.date | None, str]], bool]:
        """The account's approver grants (from, to, what becomes of its approvals after) and
        whether it is still an account (not removed): read once per ``one_look`` (``fresh``:
        from the register now, whatever a look holds)."""
        def read() -> tuple[list[tuple[_dt.date, _dt.date | None, str]], bool]:
            grants = [(_dt.date.fromisoformat(r[0]),
                       _dt.date.fromisoformat(r[1]) if r[1] else None, r[2] or "")
                      for r in self.db.all(
                "SELECT valid_from, valid_to, approvals_after FROM account_roles "
                "WHERE account_id = ? AND role = 'approver' ORDER BY id", [account_id])]
            removed = self.db.one("SELECT removed_at FROM accounts WHERE id = ?", [account_id])
            return grants, removed is not None and not removed[0]

        return read() if fresh else self._standing.get(account_id, read)

    def required_checks(self) -> list[str]:
        return list(self.checklist()) if self.checklist is not None else []

    _COLS = ("sha256, channel, status, path, batch, preparer, prepared_at, approver, decided_at, "
             "comment, fingerprint, parts, note, preparer_id, approver_id, caption, prepared_on")

    @staticmethod
    def _row(r: Any) -> ApprovalState:
        # the file itself, also one whose name is not UTF-8 (stored as \\xNN: s42)
        return ApprovalState(r[0], r[1], r[2], stored_path(r[3] or "", r[0] or ""), r[4] or "",
                             r[5], r[6],
                             r[7], r[8],
                             r[9] or "", r[10] or "", json.loads(r[11]) if r[11] else {},
                             r[12] or "", r[13], r[14], r[15] or "", r[16] or "")

    def withdrawal_would_end(self, person_id: str, field: str, media: str = "photo", *,
                             register: Any = None) -> list[ApprovalState]:
        """The approvals a withdrawal would end (``withdrawal_would_end``), read only."""
        return withdrawal_would_end(self.db, person_id, field, media, register=register)

    def withdrawals_would_end_said(self, person_id: str, fields: Sequence[tuple[str, str]],
                                   records: Any, *, register: Any = None) -> str:
        """What the question before withdrawing ``fields`` ((consent field, media) pairs) says
        of the approvals it ends: each approval once (``withdrawal_would_end`` for each pair),
        those already exported or posted said apart (``ends_apart``, s43); '' for none. Read
        only."""
        from photovet.core.words import approvals_a_withdrawal_ends  # noqa: PLC0415

        ending: dict[tuple[str, str], ApprovalState] = {}
        for consent, media in fields:
            for st in self.withdrawal_would_end(person_id, consent, media, register=register):
                ending[(st.sha256, st.channel)] = st
        states = list(ending.values())
        apart = ends_apart(states, records)
        return approvals_a_withdrawal_ends(*media_ended(states), exported=apart.exported,
                                           posted=apart.posted)

    def get(self, sha256: str, channel: str) -> ApprovalState:
        r = self.db.one(f"SELECT {self._COLS} FROM approvals WHERE sha256 = ? AND channel = ?",
                        [sha256, channel])
        return self._row(r) if r else ApprovalState(sha256, channel)

    def for_photo(self, sha256: str) -> list[ApprovalState]:
        return [self._row(r) for r in self.db.all(
            f"SELECT {self._COLS} FROM approvals WHERE sha256 = ? ORDER BY channel", [sha256])]

    def at_paths(self, paths: Sequence[str | os.PathLike[str]],
                 channel: str) -> dict[str, ApprovalState]:
        """The approval for ``channel`` recorded for the file at each of ``paths`` (by its
        full path, as ``mark_ready`` keeps it), keyed by that full path; paths with none are
        left out, and so are paths with more than one (the file there was replaced and marked
        ready again: which one is there now is known only by reading it). No file is read:
        what is there now may not be what was approved (the export checks each file's content
        against its approval when it reads it), so this only tells what an export of these
        files is likely to need, such as its default caption (``export_caption``), without
        reading every file twice."""
        full = list(dict.fromkeys(os.path.abspath(os.fspath(p)) for p in paths))
        found: dict[str, ApprovalState | None] = {}
        for i in range(0, len(full), 500):
            chunk = full[i:i + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.all(f"SELECT {self._COLS} FROM approvals WHERE channel = ? AND "
                               f"path IN ({marks})", [channel, *chunk])
            for r in rows:
                at = stored_path(r[3], r[0] or "")
                found[at] = None if at in found else self._row(r)
        return {path: state for path, state in found.items() if state is not None}

    def waiting(self, channel: str) -> list[ApprovalState]:
        """Every photo and video marked ready for ``channel`` on the shared register, wherever
        it was marked ready, oldest first: what waits for an approver, whichever PC they sit
        at (an approver is shown and approves only what their own PC has checked:
        ``waiting_elsewhere`` says what is not)."""
        return [self._row(r) for r in self.db.all(
            f"SELECT {self._COLS} FROM approvals WHERE status = ? AND channel = ? "
            "ORDER BY prepared_at, sha256", [READY, channel])]

    def voided_by_review(self, sha256: str, scopes: Sequence[str]) -> list[ApprovalState]:
        """The approvals of photo ``sha256`` a change to the parts ``scopes`` of its review
        would void (``Reviewer.face_scopes``; ``"*"``, every channel's part, is signed by each
        channel's approval): every approval signs its channel's review as a whole, so any
        change to a part it signed means it no longer counts."""
        every = "*" in scopes
        return [st for st in self.for_photo(sha256)
                if st.status == APPROVED and (every or st.channel in scopes)]

    def export_caption(self, sha256s: Sequence[str], channel: str) -> tuple[str, list[str]]:
        """The caption an export of these photos and videos for ``channel`` defaults to, and
        the captions their approvals signed (each once, '' for none; approvals given before
        captions were signed count as none). The default is the one caption every approval
        signed; when they differ (or none was signed) it is '' (no caption: less is
        published, and each group of photos is exported with its own)."""
        signed: list[str] = []
        for sha in dict.fromkeys(sha256s):
            state = self.get(sha, channel)
            if state.status == APPROVED:
                signed.append(state.approved_caption or "")
        distinct = list(dict.fromkeys(signed))
        return (distinct[0] if len(distinct) == 1 else ""), distinct

    def caption_refusal(self, sha256s: Sequence[str], channel: str,
                        caption: str | None) -> str | None:
        """Why ``caption`` may not be exported with these photos and videos for ``channel``
        (those approved: the others are held back anyway; what to do is the app's or the
        command's own words: ``words.CAPTION_GET_APPROVED_APP``, ``_COMMAND``); None when every
        approval signed it, or there is no caption (``check`` holds each photo back the same
        way; this says it before an export starts, as the caption is typed)."""
        refused = [(state, why) for sha in dict.fromkeys(sha256s)
                   if (state := self.get(sha, channel)).status == APPROVED
                   and (why := caption_approval_refusal(state.approved_caption, caption))]
        if not refused:
            return None
        if len(refused) == 1:
            return refused[0][1]
        # how many, as photos and videos, first (s40 walk: "... (it was approved with no
        # caption) (so for 38 of the photos and videos)" for 38 photos, brackets twice)
        from photovet.core.words import media_count, tally  # noqa: PLC0415

        many = media_count(*tally(st.parts.get("media") or st.path for st, _why in refused))
        return f"for {many}: {refused[0][1]}"

    def status(self, sha256: str, channel: str) -> str:
        return self.get(sha256, channel).status

    def original_refusal(self, analysis: PhotoAnalysis) -> str | None:
        """Why ``analysis`` may not be marked ready or approved because PhotoVet deleted its
        original and it is not at its path any more (``transfer.original_gone``,
        ``policy.original_deleted_refusal``), or None: with what became of its safe copy on
        its channel (``OriginalGone.detail``), the words the app's approval panel says."""
        from photovet.core.transfer import original_gone  # noqa: PLC0415

        media = "video" if getattr(analysis, "media", "photo") == "video" else "photo"
        gone = original_gone(self.db, analysis.sha256,
                             os.path.abspath(analysis.path) if analysis.path else "",
                             analysis.channel)
        return original_deleted_refusal(gone is not None, media,
                                        gone.detail(media) if gone is not None else "")

    def mark_ready(self, analysis: PhotoAnalysis, *, batch: str = "", caption: str = "",
                   caption_refusal: Callable[[str], Exception | None] | None = None) -> None:
        """The signed-in preparer has reviewed the photo for ``analysis.channel``, and proposes
        ``caption`` to be posted with it there ('' none; a batch marked ready together shares
        one), which the approver sees and the approval signs. ``caption_refusal``: the
        channel's rules for captions (``Engine.caption_refusal`` for this photo's channel,
        mode and media type): a caption is never proposed unchecked, and one they refuse is
        raised (a CaptionError, with the suggestion): nothing is marked ready. Marking ready
        again replaces the proposed caption (and asks for the approval afresh)."""
        preparer = self.audit.access.require("review")
        what = "video" if getattr(analysis, "media", "photo") == "video" else "photo"
        if analysis.error:
            raise ApprovalError(f"this {what} cannot be marked ready: it could not be checked: "
                                f"{analysis.error}")
        refusal = self.original_refusal(analysis)
        if refusal:
            raise ApprovalError(refusal)
        caption = (caption or "").strip()
        if caption:
            if caption_refusal is None:
                raise ApprovalError("a caption cannot be proposed without the channel's rules "
                                    "to check it")
            refused = caption_refusal(caption)
            if refused is not None:
                raise refused
        # the original's full path: a relative one would mean another file wherever the
        # retention schedule runs (an audit saw it move a backup's copy to the trash)
        path = os.path.abspath(analysis.path) if analysis.path else ""
        with self.db.atomic():
            # its original deleted by a purge on another PC a moment ago: nothing to mark
            # ready (read again under the writer lock, as approve does; s45 audit W3)
            gone = self.original_refusal(analysis)
            if gone:
                raise ApprovalError(gone)
            self.db.execute(
                "INSERT INTO approvals (sha256, channel, status, path, batch, preparer, prepared_at,"
                " approver, decided_at, comment, fingerprint, parts, note, preparer_id, "
                "approver_id, caption, prepared_on) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, '', "
                "'', '', '', ?, NULL, ?, ?) "
                "ON CONFLICT (sha256, channel) DO UPDATE SET status = excluded.status, "
                "path = excluded.path, batch = excluded.batch, preparer = excluded.preparer, "
                "prepared_at = excluded.prepared_at, approver = NULL, decided_at = NULL, "
                "comment = '', fingerprint = '', parts = '', note = '', "
                "preparer_id = excluded.preparer_id, approver_id = NULL, "
                "caption = excluded.caption, prepared_on = excluded.prepared_on",
                [analysis.sha256, analysis.channel, READY, path, batch, preparer.name,
                 _now(), preparer.account_id, caption, this_computer()])
            # the audit row names the file by its content, never by its path: a file name
            # such as "Nathan Ellison at sports day.jpg" would stay in the log for good (nor
            # the caption's words, nor the batch label's, "Nathan's award" (s32): whether
            # there is one; the approval row keeps the label, and forgets a pupil's name in it)
            self.audit.record("approval.ready", {"sha256": analysis.sha256,
                                                 "channel": analysis.channel,
                                                 **({"batch": True} if batch else {}),
                                                 **({"caption": True} if caption else {})})

    def _precheck(self, analysis: PhotoAnalysis, approver: Any) -> ApprovalState:
        """Refusals that come before anything else an approver is told: the photo is not
        ready, or the approving account prepared it (checked again when the decision is
        stored)."""
        state = self.get(analysis.sha256, analysis.channel)
        what = _what(analysis)
        if state.status == DRAFT:
            raise ApprovalError(
                f"this {what} has not been marked ready by a preparer yet",
                hint=f"The person who prepared the {what} marks it ready first.")
        self._not_the_preparer(state, approver, what)
        return state

    @staticmethod
    def _not_overruling(state: ApprovalState, approver: Any) -> None:
        """A senior leader's rejection stands: another approver cannot approve the photo over
        it (found by an audit: a photo rejected as 'pupil upset' was approved by a colleague,
        with no word, and exported). The one who rejected it may change their mind; otherwise
        the preparer marks it ready again (having changed what was wrong), and it is decided
        afresh."""
        if state.status != REJECTED:
            return
        if approver.account_id is not None and state.approver_id is not None:
            same = state.approver_id == approver.account_id
        else:
            same = " ".join((state.approver or "").split()).casefold() == \
                " ".join(approver.name.split()).casefold()
        if not same:
            when = f" at {local_time(state.decided_at)}" if state.decided_at else ""
            raise ApprovalError(
                f"{state.approver} rejected this photo{when}"
                + (f" ('{state.comment}')" if state.comment else "")
                + "; another approver cannot approve it over that",
                hint="Talk to them, or the preparer changes what was wrong and marks it ready "
                     "again; then it can be approved.")

    def _last_review_change(self, sha256: str) -> tuple[str, str, str] | None:
        """(who, stored time, what they did in words) of the last change to this photo's or
        video's review, from the audit log; None when the log has none."""
        row = self.db.one("SELECT actor, time, action FROM audit_log WHERE action LIKE ? AND "
                          "details LIKE ? ORDER BY id DESC LIMIT 1",
                          ["review.%", f'%"sha256":"{sha256}"%'])
        if row is None:
            return None
        return row[0] or "", row[1] or "", REVIEW_DOINGS.get(row[2] or "", "changed its review")

    def _same_as_shown(self, analysis: PhotoAnalysis, parts: dict[str, Any], now: AsNow) -> None:
        """ApprovalConflict unless the approver was shown the photo as it is now: the review
        version it was decided with is the review's now, and what an approval would sign now
        is what ``parts`` (taken from what was shown) says."""
        what = "video" if getattr(analysis, "media", "photo") == "video" else "photo"
        hint = (f"Nothing was approved. The {what} now shows what it would publish; approve "
                "it if it is still right.")
        shown_version = getattr(analysis, "review_version", "")
        if shown_version and now.review_version and shown_version != now.review_version:
            last = self._last_review_change(analysis.sha256)
            by, at, doing = last if last is not None else (now.review_by, now.review_at, "")
            by = by or now.review_by or "someone"
            raise ApprovalConflict(
                f"{by} changed this {what} at {local_time(at or now.review_at)} after you "
                "opened it" + (f" ({doing})" if doing else "") + ": look at it again",
                by=by, at=at or now.review_at, hint=hint)
        if not same_signed(_unticked(parts), _unticked(now.parts)):
            why = changed_since_shown(parts, now.parts, now.name_of)
            raise ApprovalConflict(f"this {what} changed after you opened it ({why}): look at "
                                   "it again", hint=hint)

    def _decide(self, analysis: PhotoAnalysis, status: str, comment: str,
                parts: dict[str, Any] | None, seen_on: str = "",
                now: Callable[[], AsNow] | None = None,
                shown_caption: str | None = None) -> None:
        # the comment is kept with the approval and in the audit log: no pupil's name in it
        named = free_text.check(self.db, comment)
        if named:
            raise ApprovalError(named)
        with self.db.atomic():
            # the right to approve as the register holds it now, under the writer lock (a role
            # ended on another PC a moment ago stops it)
            approver = self.audit.access.require("approve")
            state = self._precheck(analysis, approver)
            if status == APPROVED:
                self._not_overruling(state, approver)   # read again inside the change
                self._not_a_changer(state, approver, _what(analysis), analysis)
                # its original deleted by a purge on another PC a moment ago: nothing to
                # approve (read again under the writer lock)
                gone = self.original_refusal(analysis)
                if gone:
                    raise ApprovalError(gone)
                if now is None or parts is None:
                    raise ApprovalError("an approval needs what was shown and the photo as it "
                                        "is now")
                # what was shown is what is signed: decided again here, under the writer
                # lock, so a change made on another PC a moment ago is seen
                self._same_as_shown(analysis, parts, now())
                parts = dict(parts, caption=self._caption_as_shown(state, shown_caption,
                                                                   _what(analysis)))
            fp = fingerprint(parts) if parts is not None else ""
            self.db.execute(
                "UPDATE approvals SET status = ?, approver = ?, approver_id = ?, decided_at = ?, "
                "comment = ?, fingerprint = ?, parts = ?, note = '' WHERE sha256 = ? AND "
                "channel = ?",
                [status, approver.name, approver.account_id, _now(), comment or "", fp,
                 json.dumps(parts, sort_keys=True) if parts is not None else "",
                 analysis.sha256, analysis.channel])
            self.audit.record(f"approval.{status}", {
                "sha256": analysis.sha256, "channel": analysis.channel,
                "comment": comment or "", "fingerprint": fp,
                "preparer": state.preparer,
                "people_shown": (parts or {}).get("people_shown", []),
                "names_shown": (parts or {}).get("names_shown", []),
                "checks": (parts or {}).get("checks", []),
                **({"caption": True} if (parts or {}).get("caption") else {}),
                **({"seen_on": seen_on} if seen_on else {})})

    @staticmethod
    def _caption_as_shown(state: ApprovalState, shown: str | None, what: str = "photo") -> str:
        """The caption an approval signs: the preparer's proposal as stored now (white space
        as one space), when it is what the approver was shown (``shown``; None: none was
        shown); else nothing is approved (ApprovalError, ApprovalConflict when it changed
        after they were shown it)."""
        proposed = caption_text(state.caption)
        if caption_text(shown) == proposed:
            return proposed
        if shown is None:
            raise ApprovalError(
                f"the preparer proposed a caption to post with this {what} "
                f"({caption_word(state.caption)}), and it was not shown with it",
                hint=CAPTION_SHOWN_COMMAND)
        raise ApprovalConflict(
            f"the caption proposed for this {what} changed after you opened it: it is now "
            f"{caption_word(state.caption)}" if proposed else
            f"the caption proposed for this {what} was taken away after you opened it: look at "
            "it again", hint=f"Nothing was approved. Look at the {what} and its caption again; "
                             "approve them if they are right.")

    def _not_a_changer(self, state: ApprovalState, approver: Any, what: str = "photo",
                       analysis: Any = None) -> None:
        """Four eyes over what is published (s60): an account that changed the photo's
        review after it was marked ready (in any way but covering more: ``COVERING_DOINGS``)
        cannot also approve it. Before, only the account that marked it ready was compared, so
        a senior leader who also prepares could show a face after a colleague marked the photo
        ready and approve it alone. Read from the audit log: who changed the photo's review (by
        name, on any channel: fail closed) after its last "marked ready" row for this channel
        (by row, not by clock: PCs' clocks differ), under the caller's writer lock when it
        stores the approval.

        The same for the register (s62): an account that, by hand after it was marked ready,
        gave one of the people in ``analysis`` what lets them be shown or named here (consent
        for this channel and media, name-with-photo, off the do-not-photograph list, a leaving
        date cleared or put later) cannot also approve it. The photo is decided afresh from
        the register, so a senior leader could type a Yes for a pupil the preparer saw covered
        and approve the pupil shown alone. What an MIS file changed is the MIS's word, not
        the approver's (``register.import`` rows are not read)."""
        sha = f'%"sha256":"{state.sha256}"%'
        # its channel compared exactly, not by LIKE: a channel's id has '_' in it, which LIKE
        # reads as any one character ("year_6_blog" found "year66_blog" marked ready later,
        # and the changes before that were not read: s61)
        ready = max((int(i) for i, details in self.db.all(
            "SELECT id, details FROM audit_log WHERE action = 'approval.ready' AND "
            "details LIKE ?", [sha])
            if json.loads(details or "{}").get("channel") == state.channel), default=None)
        if ready is None:
            return
        me = " ".join(approver.name.split()).casefold()
        for actor, at, action, details in self.db.all(
                "SELECT actor, time, action, details FROM audit_log WHERE id > ? AND action "
                "LIKE ? AND details LIKE ? ORDER BY id", [int(ready), "review.%", sha]):
            if action in COVERING_DOINGS or " ".join((actor or "").split()).casefold() != me:
                continue
            if action == "review.video-sound" and \
                    json.loads(details or "{}").get("sound") in LESS_SOUND:
                continue    # silenced or removed: less is published (s62: it refused)
            raise ApprovalError(
                f"{approver.name} changed this {what} after it was marked ready "
                f"({REVIEW_DOINGS.get(action, 'changed its review')} at {local_time(at)}), so "
                "cannot also approve it",
                hint=f"Its preparer looks at the change and marks the {what} ready again, or "
                     "another senior leader approves it.")
        self._changed_settings(ready, me, approver.name, what, state.channel)
        if analysis is None:
            return
        people = sorted(people_in(analysis))
        if not people:
            return
        # (their rows only, by id in the details: compared exactly below)
        whose = " OR ".join("details LIKE ?" for _ in people)
        for actor, at, action, details in self.db.all(
                "SELECT actor, time, action, details FROM audit_log WHERE id > ? AND action IN "
                f"(?, ?, ?, ?) AND ({whose}) ORDER BY id",
                [int(ready), *_GIVING_ACTIONS,
                 *(f"%{json.dumps(p, ensure_ascii=False)}%" for p in people)]):
            if " ".join((actor or "").split()).casefold() != me:
                continue
            said = json.loads(details or "{}")
            if said.get("person_id") not in people:
                continue
            gave = _register_gave(action, said, state.channel, what)
            if not gave:
                continue
            raise ApprovalError(
                f"{approver.name} {gave} for someone in this {what} at {local_time(at)}, after "
                "it was marked ready, so cannot also approve it",
                hint=f"Its preparer looks at the {what} again and marks it ready again, or "
                     "another senior leader approves it.")

    def _changed_settings(self, ready: int, me: str, name: str, what: str,
                          channel: str) -> None:
        """Four eyes over the school's settings (s63): what is published is decided afresh
        with them, so an admin who also approves could turn reading text off (a badge's name
        then left readable), loosen recognition or the covers, take a crest picture away, or
        let ``channel`` show full names, after a colleague marked the item ready, and approve
        what nobody else saw. Their change of a ``PUBLISHING_SECTIONS`` section, a crest
        picture removed, or a ``PUBLISHING_CHANNEL_RULES`` rule of ``channel``, after audit
        row ``ready`` refuses; ``me``: their name as compared (casefolded)."""
        for actor, at, action, details in self.db.all(
                "SELECT actor, time, action, details FROM audit_log WHERE id > ? AND action IN "
                "('settings.change', 'school.picture-remove', 'channel.change') ORDER BY id",
                [int(ready)]):
            if " ".join((actor or "").split()).casefold() != me:
                continue
            said = json.loads(details or "{}")
            if action == "school.picture-remove":
                words = ["the school's crest and logo pictures"]
            elif action == "channel.change":
                if said.get("channel") != channel:
                    continue
                words = [f"the channel's {w}" for k, w in PUBLISHING_CHANNEL_RULES.items()
                         if k in (said.get("changes") or {})]
            else:
                words = [SECTION_WORDS.get(x, x) for x in PUBLISHING_SECTIONS
                         if x in (said.get("changed") or {})]
            if not words:
                continue
            changed = ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]
            raise ApprovalError(
                f"{name} changed the school's settings ({changed}) at {local_time(at)}, after "
                f"this {what} was marked ready, so cannot also approve it",
                hint=f"Its preparer looks at the {what} as the settings check it now and marks "
                     "it ready again, or another senior leader approves it.")

    def four_eyes_refusal(self, analysis: Any) -> str | None:
        """Why the signed-in approver may not approve ``analysis`` for its channel by the
        four-eyes rules (they prepared it, changed its review after it was marked ready, or
        gave someone in it consent there since: ``_not_the_preparer``, ``_not_a_changer``), in
        the words approving would be refused with; None when they may, when it is not
        waiting for approval, or when nobody who may approve is signed in. For the app to say
        before Approve is pressed (s62: said only once it was); ``approve`` checks again
        when it stores. Reads only: the session is not touched (it still locks when idle)."""
        access = self.audit.access
        approver = access.actor() if access.allowed("approve") else None
        if approver is None or not getattr(analysis, "sha256", ""):
            return None
        state = self.get(analysis.sha256, analysis.channel)
        if state.status not in (READY, APPROVED):   # (approved: one approved again, void)
            return None
        what = _what(analysis)
        try:
            self._not_the_preparer(state, approver, what)
            self._not_a_changer(state, approver, what, analysis)
        except ApprovalError as exc:
            return f"{exc.message[0].upper()}{exc.message[1:]}." + \
                (f" {exc.hint}" if exc.hint else "")
        return None

    @staticmethod
    def _not_the_preparer(state: ApprovalState, approver: Any, what: str = "photo") -> None:
        """Four eyes: the approving account is not the account that prepared the photo
        (``what``: "photo" or "video", as the refusal says it)."""
        if state.preparer_id is None and approver.account_id is not None:
            raise ApprovalError(
                f"this {what} was marked ready before staff sign-in existed, so who prepared it "
                "is not known for certain",
                hint="Its preparer marks it ready again (signed in); then it can be approved.")
        if approver.account_id is None:   # a named tool (tests, scripts): by its name
            same = " ".join((state.preparer or "").split()).casefold() == \
                " ".join(approver.name.split()).casefold()
        else:
            same = state.preparer_id == approver.account_id
        if same:
            raise ApprovalError(
                f"{approver.name} prepared this {what}, so cannot also approve it",
                hint="A different senior leader must approve it (or, in a one-person office, "
                     "an admin turns off approval in Settings).")

    def signed_checks(self, checks: Sequence[str] | None) -> list[str]:
        """The approver's ticks in the checklist's own words; ApprovalError when a tick is no
        check or a check is not ticked (policy.checklist_refusal)."""
        required = self.required_checks()
        if not required:
            return []
        ticked, unknown = resolve_checks(required, list(checks or []))
        if unknown:
            raise ApprovalError(
                "no check on the school's checklist says " + ", ".join(f"'{u}'" for u in unknown),
                hint="The checks are: " + "; ".join(f"{i}. {c}" for i, c in enumerate(required, 1)))
        refusal = checklist_refusal(required, ticked)
        if refusal:
            raise ApprovalError(refusal)
        return ticked

    def approve(self, analysis: PhotoAnalysis, parts: dict[str, Any], *,
                now: Callable[[], AsNow], comment: str = "",
                checks: Sequence[str] | None = None, seen_on: str = "",
                hand_named_checked: bool = False, caption: str | None = None) -> None:
        """The signed-in approver approves exactly ``parts`` (``approval_parts`` of the photo
        as they saw it), with their ticks of the school's checklist (``checks``: each check's
        text or number). Refused while a flag that needs a person's decision is open, or unless
        every check is ticked; the ticks are kept with the approval and signed with it.
        ``seen_on``: where the approver saw what they approved ("the photo", "a contact sheet
        of N"), for the audit row only (not signed: it does not change what is published).
        ``hand_named_checked``: the approver looked, on this photo alone, at each face a person
        named by hand over PhotoVet's recognition of someone who may not be shown here
        (``policy.hand_named_refusal``); without it such a photo is refused (never approved in
        bulk), and with it the audit row says so.
        ``now``: the photo as an approval would sign it now (``Engine.approval_now``), asked
        while the approval is stored: when it is not what the approver was shown (``analysis``,
        as decided for them, and ``parts``), ApprovalConflict says who changed what and when,
        and nothing is approved. Required: an approval always signs what it was shown as it
        is when stored.
        ``caption``: the caption the approver was shown with it (``ApprovalState.caption``, the
        preparer's proposal; None: none was shown). The approval signs the proposed caption
        ('' none), so export may publish that caption or none, never another; a proposal the
        approver was not shown, or one changed since they were shown it, refuses the approval
        (nothing approved)."""
        if parts.get("photo") != analysis.sha256 or parts.get("channel") != analysis.channel:
            raise ApprovalError("what is being approved is not this photo for this channel")
        approver = self.audit.access.require("approve")
        state = self._precheck(analysis, approver)
        self._not_overruling(state, approver)
        self._not_a_changer(state, approver, _what(analysis), analysis)
        refusal = self.original_refusal(analysis) or open_flag_refusal(analysis)
        if refusal:
            raise ApprovalError(refusal)
        # a video is approved only by someone who has seen all of its picture, as it would be
        # published (the GUI audit, item 8); a photo is seen whole when opened
        refusal = self.views.refusal(analysis, parts)
        if refusal:
            raise ApprovalError(refusal, hint="Open the video and play it to the end, or step "
                                              "through it; then approve it.")
        hand = hand_named_refusal(analysis)
        if hand and not hand_named_checked:
            # the app's words; the command line says its own option (cli.photos)
            raise ApprovalError(hand, hint=HAND_NAMED_APP)
        if hand:
            seen_on = (seen_on + "; " if seen_on else "") + \
                "faces named by hand over a recognition looked at on their own"
        ticked = self.signed_checks(checks)
        if self.checklist is not None:
            parts = dict(parts, checks=ticked)
        self._decide(analysis, APPROVED, comment, parts, seen_on, now, shown_caption=caption)

    def reject(self, analysis: PhotoAnalysis, *, comment: str = "",
               wrong_names: Sequence[int] = ()) -> None:
        """Reject the photo or video for its channel. ``wrong_names``: the faces whose name
        given by hand the approver says is wrong (a photo's by index; a video's tracks by id:
        s36: the rejection left the name, and the face shown, in place): in the same
        transaction each name is taken off and the face (the whole track) covered until a
        person says again who it is (``review.naming_returned``,
        ``video_review.naming_returned``: s37), audited by id (``review.naming-returned``)."""
        if not wrong_names:
            self._decide(analysis, REJECTED, comment, None)
            return
        by = self.audit.access.require("approve").name
        if getattr(analysis, "media", "photo") == "video":
            from photovet.core import video_review  # noqa: PLC0415

            video: Any = analysis       # (a VideoAnalysis: its media says so)
            change: Any = video_review.naming_returned(video, wrong_names, by)
            store: Any = video_review.VideoReviewStore(self.db, self.audit)
        else:
            change, store = naming_returned(analysis, wrong_names, by), \
                ReviewStore(self.db, self.audit)
        with self.db.atomic():
            self._decide(analysis, REJECTED, comment, None)
            store.edit(analysis.sha256, analysis.channel, change,
                       action="review.naming-returned", permission="approve")

    def not_exported_by(self, account_id: int) -> list[ApprovalState]:
        """The approvals the account gave that stand and have not been exported since (no
        export of that photo or video for that channel recorded after the approval): what an
        approver whose role ends leaves behind."""
        return [self._row(r) for r in self.db.all(
            f"SELECT {self._COLS} FROM approvals a WHERE status = ? AND approver_id = ? AND "
            "NOT EXISTS (SELECT 1 FROM exports e WHERE e.source_sha256 = a.sha256 AND "
            "e.channel = a.channel AND e.created_at >= a.decided_at) "
            "ORDER BY decided_at, sha256, channel", [APPROVED, account_id])]

    def cancel_of(self, account_id: int, name: str, *, why: str) -> list[ApprovalState]:
        """An admin cancels the account's approvals not exported yet (``not_exported_by``): each
        photo or video waits for approval again, saying ``why`` ("Mr Head's approval was
        cancelled: their approver role ended"), audited one by one. Returns what was
        cancelled. (Staff accounts: ``Accounts.end_role`` and ``remove`` call it.)"""
        self.audit.access.require("accounts")
        with self.db.atomic():
            states = self.not_exported_by(account_id)
            for st in states:
                _back_to_waiting(self.db, st, why, approver_id=account_id)
                self.audit.record("approval.cancelled", {
                    "sha256": st.sha256, "channel": st.channel,
                    "approver": name, "approved_at": st.decided_at,
                    "why": why})
        return states

    def standing(self, current: set[str] | None = None, *,
                 channel: str | None = None) -> list[ApprovalState]:
        """The approvals given with the analysis photos are checked with now (``current``:
        the engine's keys, ``Workspace._current_keys``: an approval that signed
        ``"checked_with"`` is compared by that, one stored before by its analysis key; without
        ``current``, every approval): what a change to what photos are matched against (the
        school's crest pictures, enrolments) may void, when it changes what a photo publishes.
        ``channel``: on that channel only."""
        where, args = "status = ?", [APPROVED]
        if channel is not None:
            where, args = where + " AND channel = ?", [*args, channel]
        return [s for s in (self._row(r) for r in self.db.all(
            f"SELECT {self._COLS} FROM approvals WHERE {where} ORDER BY decided_at, sha256, "
            "channel", args))
            if current is None or signed_key(s.parts) in current]

    def voided_by_settings(self, old: Any, new: Any, *, fixed_channels: set[str],
                           current: set[str] | None = None) -> list[ApprovalState]:
        """The approvals that a change of the school's settings from ``old`` to ``new``
        (settings.Settings) would void, from what each approval signed: the analysis (every
        approval, when what analysis finds changes: recognition, detection, text, the school's
        name and details; videos, when the video settings change; ``Workspace.settings_change``
        passes the school's name and details unchanged and counts those it voids itself:
        approvals of photos with text, ``signs_school_words``), the mode (on a channel with
        no fixed mode of its own), how faces are covered (the cover style; the cover's size
        is counted here as voiding every approval: ``Workspace.settings_change`` counts it
        exactly instead, by deciding each approved photo again), and the checklist (a check
        added that the ticks do not cover). ``current``: the keys photos are checked with now
        (``Workspace._current_keys``: the engine's ``cache_key``, ``video_cache_key`` and the
        same without the register, compared with ``signed_key``): an approval signed with
        another is void already and not counted; without it, every approval is taken as
        standing."""
        analysis = old.analysis_key() != new.analysis_key()
        video = old.to_dict(("video",)) != new.to_dict(("video",))
        mode = old.mode != new.mode
        style = old.cover.style != new.cover.style
        grow = old.cover.grow != new.cover.grow
        checks_old, checks_new = list(old.checklist.checks), list(new.checklist.checks)
        checks = self.checklist is not None and checks_old != checks_new
        if not (analysis or video or mode or style or grow or checks):
            return []
        out = []
        for r in self.db.all(f"SELECT {self._COLS} FROM approvals WHERE status = ? ORDER BY "
                             "decided_at, sha256, channel", [APPROVED]):
            state = self._row(r)
            p = state.parts or {}
            if current is not None and signed_key(p) not in current:
                continue                      # checked again since: void already
            media = p.get("media", "photo")
            ticks = list(p.get("checks", []))
            if (analysis or grow or (video and media == "video")
                    or (mode and state.channel not in fixed_channels and p.get("mode") == old.mode)
                    or (style and media == "photo"
                        and p.get("cover_style", "solid") == old.cover.style)
                    or (checks and "checks" in p and checklist_refusal(checks_new, ticks)
                        and not checklist_refusal(checks_old, ticks))):
                out.append(state)
        return out

    def as_handed_on(self, sha256: str, channel: str, status: str) -> str:
        """The approval state a photo's open questions are judged by
        (``policy.waiting_for_decision``): an approval that no longer counts only because its
        approver's role ended (``lapsed_refusal``) is still handed on, "approved": the photo
        is as it was approved and waits for a current senior leader to approve it again
        (Approve \u203a Approve again\u2026), not for its preparer. Any other state as it is."""
        if status != "void" or not sha256:
            return status
        return "approved" if self.lapsed_refusal(self.get(sha256, channel)) else status

    def lapsed_refusal(self, state: ApprovalState, *, fresh: bool = False) -> str | None:
        """Why an approval no longer counts because its approver's approver role has ended
        (``policy.lapsed_approval_refusal``: unless it was exported before, or an admin kept
        their approvals when the role ended, also on a last day set in advance), or None (the
        role it was given under holds today, or was given again from the day after its last
        day: held every day since; a role given again after a gap is a new one, and the
        admin's choice for the approvals of the one that ended stands; the state is no
        approval; or it was given by a named tool). Today is the signed-in session's
        (``Access.today``). ``fresh``: the approver's roles read
        from the register now even inside a ``one_look`` (an export's last check)."""
        if state.status != APPROVED or state.approver_id is None:
            return None
        today = self.audit.access.today()
        grants, account = self._approver_standing(state.approver_id, fresh=fresh)
        decided = _local_day(state.decided_at)
        # the grant it was given under: the one holding on the day of the approval (else, the
        # clock having moved, the last to end before it)
        held = [g for g in grants if decided is not None and g[0] <= decided
                and (g[1] is None or decided <= g[1])]
        ended = [g for g in grants if g[1] is not None and (decided is None or g[0] <= decided)]
        grant = max(held or ended, key=lambda g: g[1] or _dt.date.max, default=None)
        # held since without a day's gap (a role given again from the day after its last day,
        # e.g. a temporary approver's role extended, is the same role held on): the grant
        # whose last day ended it, or the role still held today
        while grant is not None and grant[1] is not None:
            nxt = max((g for g in grants if g[0] <= grant[1] + _dt.timedelta(days=1)
                       and (g[1] is None or g[1] > grant[1])),
                      key=lambda g: g[1] or _dt.date.max, default=None)
            if nxt is None:
                break
            grant = nxt
        if account and grant is not None and grant[0] <= today and (
                grant[1] is None or today <= grant[1]):
            return None                        # held every day since the approval
        # (a role given again after a gap is a new role: the approvals of the one that ended
        # stay as the admin left them when it ended, cancelled or kept)
        last = grant[1] if grant is not None else None
        # exported before the role ended: by the end of the day after the last day, the day a
        # role ended "now" was ended on (its approvals not exported then were cancelled then,
        # and after a last day set in advance nothing is exported without this check passing)
        exported = last is not None and any(
            (_local_day(r[0]) or _dt.date.max) <= last + _dt.timedelta(days=1)
            for r in self.db.all(
                "SELECT created_at FROM exports WHERE source_sha256 = ? AND channel = ? AND "
                "created_at >= ?", [state.sha256, state.channel, state.decided_at or ""]))
        return lapsed_approval_refusal(state.approver or "their approver",
                                       last, kept=grant is not None and grant[2] == "keep",
                                       exported_by_then=exported)

    def role_ended(self, channel: str | None = None) -> list[tuple[ApprovalState, str]]:
        """The approvals that no longer count because their approver's role ended
        (``lapsed_refusal``), each with why, oldest first; ``channel``: on that channel only.
        They cannot be kept after the fact: a current senior leader approves them again, all
        at once ("photovet approve --role-ended", the app's "Approve again\u2026" in the Approve
        menu), each as it is now."""
        with self.one_look():
            return [(s, why) for s in self.standing(channel=channel)
                    if (why := self.lapsed_refusal(s))]

    def rejection(self, sha256: str, channel: str) -> str | None:
        """Why the photo may not be exported for ``channel`` when the school does not require
        approval: a senior leader rejected it there ("rejected by ...: ..."), else None. A
        rejection holds whether or not approval is required (s60: with approval turned off, a
        photo rejected as "pupil upset" was exported), also once the photo is marked ready
        again (``photovet ready``): with approval off nobody decides it afresh, so it holds
        until a senior leader approves it (s61: marked ready again, changed or not, it was
        exported). Read from the audit log: its last decision for ``channel``."""
        state = self.get(sha256, channel)
        if state.status == REJECTED:
            return rejected_words(state)
        if state.status != READY:
            return None
        last = None
        for actor, action, details in self.db.all(
                "SELECT actor, action, details FROM audit_log WHERE action IN "
                "('approval.rejected', 'approval.approved') AND details LIKE ? ORDER BY id",
                [f'%"sha256":"{sha256}"%']):
            said = json.loads(details or "{}")
            if said.get("channel") == channel:
                last = (actor, action, said)
        if last is None or last[1] != "approval.rejected":
            return None
        was = ApprovalState(sha256, channel, REJECTED, approver=last[0],
                            comment=str(last[2].get("comment") or ""))
        return f"{rejected_words(was)} (marked ready again since: a senior leader approves it " \
            "before it is exported)"

    def check(self, analysis: PhotoAnalysis, parts: dict[str, Any], *, name_of=lambda i: i,
              review_by: str = "", review_at: str = "", caption: str | None = None,
              state: ApprovalState | None = None) -> Verdict:
        """May the photo be exported as it is now (``parts``), with ``caption`` (None or '':
        none)? Says why not. A caption is allowed only when it is the one the approval signed
        (``policy.caption_approval_refusal``); no caption always is (less is published).
        ``state``: its approval for its channel as just read (``get``), for a caller that read
        it for itself (the photo list's refresh: read once, not twice); else read here."""
        if state is None or (state.sha256, state.channel) != (analysis.sha256,
                                                              analysis.channel):
            state = self.get(analysis.sha256, analysis.channel)
        if state.status == DRAFT:
            return Verdict(False, "not marked ready and approved yet", state)
        if state.status == READY:
            return Verdict(False, "waiting for a senior leader's approval"
                           + (f" ({state.note})" if state.note else ""), state)
        if state.status == REJECTED:
            return Verdict(False, rejected_words(state), state)
        lapsed = self.lapsed_refusal(state)
        if lapsed:
            return Verdict(False, f"the approval no longer counts: {lapsed}; a current senior "
                           "leader approves it again", state)
        if "checks" in state.parts:
            parts = dict(parts, checks=state.parts["checks"])
        refused = caption_approval_refusal(state.approved_caption, caption)
        if refused:
            # what to do is said once where it is shown (words.CAPTION_GET_APPROVED_APP,
            # _COMMAND), not for each photo
            return Verdict(False, refused, state, caption_refused=True)
        if "caption" in state.parts:
            # no caption publishes less than the one approved: it is signed by that approval
            parts = dict(parts, caption=caption_text(caption) or state.parts["caption"])
        if not same_signed(state.parts, parts, state.fingerprint):
            why = explain_difference(state.parts, parts, name_of, review_by, review_at,
                                     covered_why=covered_by_rule(analysis))
            return Verdict(False, f"the approval no longer counts: {why}; approve it again", state)
        required = self.required_checks()
        if required:
            missing = checklist_refusal(required, list(state.parts.get("checks", [])))
            if missing:
                why = ("it was approved before the school's checklist" if "checks" not in state.parts
                       else "the school's checklist changed since it was approved")
                return Verdict(False, f"the approval no longer counts: {why} ({missing}); "
                               "approve it again", state)
        return Verdict(True, "", state)


__all__ = ["APPROVED", "ApprovalState", "Approvals", "AsNow", "DRAFT", "READY", "REJECTED",
           "REVIEW_DOINGS", "SIGNED_WITH_CHECKED_WITH", "Verdict", "VideoViews", "approval_parts",
           "as_signed", "changed_since_shown", "consent_changes_since_ready",
           "end_by_leaving_undone", "end_by_rows_restored", "end_by_withdrawal",
           "explain_difference", "media_ended", "EndsApart", "ends_apart",
           "fingerprint", "people_in", "same_signed", "signed_key", "signs_school_words",
           "this_computer", "video_approval_parts", "waiting_elsewhere", "WaitingElsewhere",
           "with_checked_with"]
__all__ += ["LeavingUndone", "RowRestored", "VIDEO_SIGNED_GROW", "covered_by_rule"]
