"""Words shared by the app, the commands and the core's own messages, so each thing is said
one way everywhere: how many photos and videos ("10 photos and 1 video", never "11 photos"
when one is a video), a consent value ("Yes", "No", "Not recorded"), a withdrawal
("Consent withdrawn on 12/03/2026"), and the caption that went out with an export or a post
(quoted, or "Not recorded"). Plain text only: no Qt, no click, nothing printed."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photovet.core.consent_states import NO, NOT_RECORDED, YES

if TYPE_CHECKING:   # the plain data's classes are not loaded by the words (every command's start)
    from photovet.core.models import Channel, Person

#: file endings counted as videos when only a file name is known (the core tells photos and
#: videos apart by content when it checks them; media/video/reader.VIDEO_EXTENSIONS agrees)
VIDEO_ENDINGS = (".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".webm", ".mkv")


def full_sentence(text: str) -> str:
    """A refusal or a reason as a sentence of its own: a capital first, a full stop last."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def count(n: int, word: str, many: str | None = None) -> str:
    """count(1, "photo") -> '1 photo'; count(3, "person", "people") -> '3 people'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def automatic_cores(used: int, usable: int) -> str:
    """The settings' Automatic choice of processor cores as what the app does on this PC
    (``settings.automatic_cores``: ``used`` of the ``usable``). s38: it said "All but one",
    and a two-core school laptop used both."""
    if used >= usable:
        return "Automatic (this PC's one core)" if usable == 1 else \
            ("Automatic (both of this PC's cores)" if usable == 2 else
             f"Automatic (all {usable} of this PC's cores)")
    return f"Automatic ({used} of this PC's {usable} cores, one kept free)"


def portraits_read(done: int, total: int) -> str:
    """'12 of 20 portraits read': how far an enrolment is, on the command's progress line on
    a terminal (the app's Enrol dialog, under its "Reading portraits", says '12 of 20
    read')."""
    return f"{done} of {count(total, 'portrait')} read"


def time_left(done: int, total: int, seconds: float) -> str:
    """'about 45 minutes left': how long the rest of a long check may take, from the pace so
    far (``done`` of ``total`` in ``seconds``), for the progress line beside "Checking: 6 of
    300" (s45 walk: 300 photos took about 50 minutes and nothing said so). Empty until the
    pace is known (two done and ten seconds gone) and when nothing is left."""
    left = total - done
    if done < 2 or seconds < 10 or left <= 0:
        return ""
    rest = seconds / done * left
    if rest < 60:
        return "less than a minute left"
    minutes = rest / 60
    if minutes < 10:
        n = max(1, round(minutes))
        return f"about {count(n, 'minute')} left"
    if minutes < 90:
        return f"about {int(5 * round(minutes / 5))} minutes left"
    hours, mins = divmod(int(10 * round(minutes / 10)), 60)
    return f"about {count(hours, 'hour')}" + (f" {mins} minutes" if mins else "") + " left"


def media_of(thing: object) -> str:
    """"photo" or "video" for an analysis, an export result or record, a list item holding an
    analysis, a media string, or a file name (by its ending): a video when what it says or its
    file's name says so (a result that failed early may not say)."""
    if isinstance(thing, str) and thing in ("photo", "video"):
        return thing
    if isinstance(thing, (str, Path)):
        return "video" if str(thing).lower().endswith(VIDEO_ENDINGS) else "photo"
    inner = getattr(thing, "analysis", None)
    if getattr(thing, "media", None) == "video" or getattr(inner, "media", None) == "video":
        return "video"
    for name in ("source", "source_path", "path"):
        where = getattr(thing, name, None) or getattr(inner, name, None)
        if where:   # by its ending (not made a Path: the photo list counts hundreds at a redraw)
            return "video" if str(where).lower().endswith(VIDEO_ENDINGS) else "photo"
    return "photo"


def tally(things: Iterable[object]) -> tuple[int, int]:
    """(photos, videos) among ``things`` (see ``media_of``)."""
    photos = videos = 0
    for t in things:
        if media_of(t) == "video":
            videos += 1
        else:
            photos += 1
    return photos, videos


def media_count(photos: int | Iterable[object], videos: int | None = None, *,
                which: str = "") -> str:
    """How many photos and videos, the one way PhotoVet says it: '3 photos', '1 video',
    '10 photos and 1 video' ('0 photos' for nothing). Give the two numbers, or the things
    themselves (analyses, results, records, list items, media strings or file names).
    ``which``: a word before each ('posted': '2 posted photos and 1 posted video')."""
    if videos is None:
        photos, videos = tally(photos)             # type: ignore[arg-type]
    assert isinstance(photos, int)
    photo, video = (f"{which} photo", f"{which} video") if which else ("photo", "video")
    if videos and photos:
        return f"{count(photos, photo)} and {count(videos, video)}"
    return count(videos, video) if videos else count(photos, photo)


def approval_while_checking(media: str = "photo", *, approver: bool = False,
                            not_checked: bool = False) -> str:
    """The Approval pane while the chosen photo or video is still being checked (s41 walk: it
    said "Choose a photo." with the photo chosen); ``not_checked``: nobody is checking it
    (checking was stopped, or the register's server could not be reached: s42)."""
    what = "approved" if approver else "marked ready"
    if not_checked:
        return (f"This {media} is not checked yet: it can be {what} once it is checked "
                "(click \u201ccheck them now\u201d above the photos).")
    return f"This {media} is still being checked: it can be {what} once PhotoVet has finished."


#: what an export removes besides the picture, said one way in the photo view (s41 walk: "2
#: hidden details removed" in its summary above "Hidden data removed by the export (2)")
HIDDEN_DETAILS_REMOVED = "Hidden details removed by the export"
def others_left_on_device(others: Sequence[str], shown: int = 5) -> str:
    """After a device was cleared: the files on it that were not photos or videos, which stay
    there (s62: "The device was cleared." with an iPhone's .AAE and a sidecar .XMP, which can
    say where a photo was taken and who is in it, still on it). '' when there are none."""
    if not others:
        return ""
    names = ", ".join(others[:shown]) + (f" and {len(others) - shown} more"
                                         if len(others) > shown else "")
    one = len(others) == 1
    return (f"{count(len(others), 'other file')} {'stays' if one else 'stay'} on the device, "
            f"not {'a photo or video' if one else 'photos or videos'}: {names}. Delete "
            f"{'it' if one else 'them'} there if {'it is' if one else 'they are'} not needed (a "
            "sidecar such as .XMP can say where a photo was taken and who is in it).")


#: what turning a safeguard off means, said where it is turned off: the Settings dialog under
#: its box, ``photovet settings set`` after the change (s62: the command said only "changed")
APPROVAL_OFF_MEANS = ("Turn this off only in a one-person office: photos are then exported "
                      "without anyone else looking at them.")
TEXT_OFF_MEANS = ("Turned off, names on badges, certificates and pupils' work are neither "
                  "looked for nor covered: each photo then says so, and a person must look for "
                  "them.")
#: the setting's key -> (the value that turns it off, what that means)
SAFEGUARDS_OFF = {"approval.required": (False, APPROVAL_OFF_MEANS),
                  "text.enabled": (False, TEXT_OFF_MEANS)}


#: a photo or video checked with reading text turned off (Settings, or ``scan --no-text``):
#: said where its text would be listed, never "No text found" (s62: it was)
NAMES_NOT_LOOKED_FOR = ("Names in the picture were not looked for: reading text is turned off. "
                        "Look for names on badges, certificates and work yourself.")


def hidden_details_removed(n: int) -> str:
    """'2 hidden details removed' (a photo's or a video's summary)."""
    return f"{count(n, 'hidden detail')} removed"


def media_noun(photos: int, videos: int) -> str:
    """What (``photos``, ``videos``) are, without how many: 'photo', 'video', 'photos',
    'videos' or 'photos and videos' ('photos' for none)."""
    if photos + videos == 1:
        return "video" if videos else "photo"
    if photos and videos:
        return "photos and videos"
    return "videos" if videos else "photos"


def verb(n: int | tuple[int, int], one: str, many: str) -> str:
    """The verb that agrees with a count (or a (photos, videos) tally): verb(1, 'is', 'are')."""
    total = sum(n) if isinstance(n, tuple) else n
    return one if total == 1 else many


def part_of(done: tuple[int, int], total: tuple[int, int]) -> str:
    """'2 of 5 photos', '1 of 2 videos', '9 of 11 (8 photos and 1 video)': how many of a batch,
    with photos and videos told apart."""
    n, of = sum(done), sum(total)
    if total[1] == 0:
        return f"{n} of {count(of, 'photo')}"
    if total[0] == 0:
        return f"{n} of {count(of, 'video')}"
    return f"{n} of {of} ({media_count(*done)})"


def register_count(people: int, rejected: int, missing: int = 0, rows: int = 0) -> str:
    """How many people the register holds, with the rejected rows said apart (they are in it,
    always covered, so an import's 'new people' and this count can differ), in short
    sentences (s36: one sentence with a parenthesis inside a parenthesis read as a puzzle):
    '27 people in the register: 25 ready, and 2 always covered because their rows were
    rejected. Fix those rows in the MIS and import the register again'. ``missing``: people the
    MIS file no longer lists (not counted in ``rejected``): '..., and 1 no longer in the MIS
    file (always covered: has this person left?)'. ``rows``: how many rows the last import
    rejected (``Register.rejected_rows``): more than ``rejected`` when rows shared a UPN, whose
    other people are not in the register at all (walk5), said: '... 1 more rejected row shared
    a UPN with another row: that person is not in the register at all. Fix ...'. No full stop
    at the end (the checklist adds it)."""
    text = f"{count(people, 'person', 'people')} in the register"
    if not rejected and not missing:
        return text
    said = []
    if rejected:
        said.append(f"{rejected} always covered because "
                    f"{'their rows were' if rejected != 1 else 'its row was'} rejected")
    if missing:
        said.append(f"{missing} no longer in the MIS file (always covered: "
                    f"{'has this person' if missing == 1 else 'have they'} left?)")
    text = f"{text}: {people - rejected - missing} ready, and " + ", and ".join(said)
    if rejected:
        more = rows - rejected
        if more > 0:
            text += (f". {more} more rejected row{'s' if more != 1 else ''} shared a UPN with "
                     f"another row: {'that person is' if more == 1 else 'those people are'} "
                     "not in the register at all")
        text += ". Fix those rows in the MIS and import the register again"
    return text


def original_kept(copies: Sequence[tuple[str, str, str]]) -> str:
    """Why "Delete originals" keeps an original, in the office's words, from what each of its
    exported copies is (``copies``: the copy's file name, what is so (``ORIGINAL_KEPT_*``),
    and the channel's label for a copy taken down): walk5 read "no verified export that is
    marked posted: export 1 file is missing" for a photo the office had taken down."""
    said = []
    for name, why, label in copies:
        if why == ORIGINAL_KEPT_TAKEN_DOWN:
            said.append(f"it was taken down from {label or 'where it was posted'} and its copy "
                        f"({name}) deleted, so no posted copy stands for it")
        elif why == ORIGINAL_KEPT_NOT_POSTED:
            said.append(f"its copy ({name}) is not marked posted yet")
        elif why == ORIGINAL_KEPT_CHANGED:
            said.append(f"its copy ({name}) was changed after PhotoVet exported it")
        elif why == ORIGINAL_KEPT_LINK:
            said.append(f"its copy ({name}) is now a shortcut (a link) to a file elsewhere, "
                        "not the copy PhotoVet made")
        else:
            said.append(f"its copy ({name}) is no longer in the export folder (moved or "
                        "deleted outside PhotoVet)")
    return "; ".join(said)


def original_deletable(copy_name: str, posted: bool) -> str:
    """Why "Delete originals" may delete an original: its copy, checked unchanged, is posted
    (or exported, where the school deletes originals once exported)."""
    return f"its copy ({copy_name}) is checked unchanged and " + (
        "marked posted" if posted else "exported (not posted yet)")


#: what an exported copy is, when "Delete originals" keeps its original (``original_kept``)
ORIGINAL_KEPT_TAKEN_DOWN = "taken-down"
ORIGINAL_KEPT_NOT_POSTED = "not-posted"
ORIGINAL_KEPT_CHANGED = "changed"
ORIGINAL_KEPT_MISSING = "missing"
ORIGINAL_KEPT_LINK = "link"
#: the reasons an original is kept as the rules say (not a problem to look into)
ORIGINAL_KEPT_AS_PLANNED = frozenset({ORIGINAL_KEPT_TAKEN_DOWN, ORIGINAL_KEPT_NOT_POSTED})


def not_in_mis_file(person: Person) -> str:
    """'Not in the MIS file since 30/11/2026 – has Alex left?' for someone the register
    imports stopped listing ('' for anyone else). Their name as the register writes it."""
    since = getattr(person, "missing_since", None)
    if since is None:
        return ""
    who = person.first_name or person.display_name
    return f"Not in the MIS file since {uk_day(since)} – has {who} left?"


def back_not_in_file(person: Person) -> str:
    """After "They are back" for someone the register imports stopped listing ('' for anyone
    else): they are still covered as not in the MIS file, and what brings them back."""
    since = getattr(person, "missing_since", None)
    if since is None:
        return ""
    who = person.first_name or person.display_name
    return (f"{who} is still not in the MIS file (missing since {uk_day(since)}), so they stay "
            "covered until a register file that lists them is imported: check that the MIS "
            "lists them, then import the register again.")


def rejected_count(rejected: int, more: int = 0) -> str:
    """'2 people whose rows were rejected (in the register, always covered until fixed)'.
    ``more``: rejected rows beyond those people, whose UPN was on another row (their person is
    not in the register at all), said as ``register_count`` says them (s41 walk: the import
    said "3 people ... in the register", Getting started "2 ... 1 more ... not in the register
    at all"): '...; 1 more rejected row shared a UPN with another row (that person is not in
    the register at all)'."""
    text = (f"{count(rejected, 'person', 'people')} whose "
            f"row{'s were' if rejected != 1 else ' was'} rejected (in the register, always "
            "covered until fixed)")
    if more > 0:
        text += (f"; {more} more rejected row{'s' if more != 1 else ''} shared a UPN with "
                 f"another row ({'that person is' if more == 1 else 'those people are'} not "
                 "in the register at all)")
    return text


def consent_word(state: str | None) -> str:
    """A consent value as people read it: 'Yes', 'No', 'Not recorded' (also for no value at
    all, such as the first entry of a consent history)."""
    return {YES: "Yes", NO: "No", NOT_RECORDED: "Not recorded"}.get(state or NOT_RECORDED,
                                                                     str(state))


def list_word(state: str | None) -> str:
    """A do-not-photograph value as people read it: 'On the list' (yes), 'Not on the list' (no,
    not recorded, nothing: s61 walk, the person page's history said "Not recorded -> No" for a
    pupil the first import found not on it, which reads as a consent refused)."""
    return "On the list" if state == YES else "Not on the list"


def uk_day(value: str | _dt.date | _dt.datetime | None) -> str:
    """'2026-03-12', a date, or an ISO time -> '12/03/2026' (a time in local time); '' for
    nothing; anything else as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        return (value.astimezone() if value.tzinfo else value).strftime("%d/%m/%Y")
    if isinstance(value, _dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    try:
        if "T" in text or " " in text.strip():
            return uk_day(_dt.datetime.fromisoformat(text))
        return _dt.date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text


#: how a consent change made by hand was entered (``Register.set_consent(how=...)``), said
#: after who entered it in the pupil's consent history and the subject access report
CONSENT_TYPED = "typed in PhotoVet"
CONSENT_FORM = "from a consent form, entered in PhotoVet"
CONSENT_COMMAND = "entered at the command line"


def entered_by(source: str, how: str = "") -> str:
    """Who made a consent change and how, as the consent history says it: 'Jo Preparer,
    typed in PhotoVet' (the signed-in account, and ``how``), 'Jo Preparer' (how not recorded:
    every change made before PhotoVet kept it), 'Register import'."""
    kind, _, rest = (source or "").partition(":")
    if kind == "import":
        return "Register import"
    if kind == "user":
        return ", ".join(x for x in (rest, " ".join((how or "").split())) if x)
    return source or ""


def request_words(requested_by: str | None, requested_on: str | _dt.date | None, *,
                  withdrawal: bool = True) -> str:
    """Who asked for a consent change and the day they asked, as the consent history says it:
    'Mrs Harris (mother), by email, 28/11/2026'; 'Not recorded' for a withdrawal without them
    (every one entered before PhotoVet asked, and every register import); '' for another
    change without them."""
    by = " ".join((requested_by or "").split())
    day = uk_day(requested_on)
    if not by and not day:
        return consent_word(NOT_RECORDED) if withdrawal else ""
    return ", ".join(x for x in (by or "someone not recorded", day) if x)


#: what a group of ``waiting_elsewhere`` marked ready before PhotoVet kept the computer says
READY_BEFORE_PC_KEPT = "before PhotoVet recorded which PC"
#: the approver's list's words for a photo or video waiting for approval in which every face
#: is covered (``policy.everyone_covered``): approved, or left out, at a glance (s36)
EVERYONE_COVERED = "Everyone covered"


def row_settled(state: str, how: str = "") -> str:
    """What is already so for a video track's row, said under its sentence in the player
    ('covered from 0:00.0 to 0:01.8 (seen from 0:01.0 to 0:01.7)'): 'Covered by the rules
    whenever it is seen.', 'Shown whenever it is seen.'. Never 'for the whole clip': a name's or
    crest's cover runs from and to the times its sentence says (covers.cover_span), and a face
    is covered or shown where it is seen, not in every frame of the clip."""
    return f"{state.capitalize()}{' ' + how if how else ''} whenever it is seen."


def waiting_elsewhere_summary(groups: Sequence[Any], *, here: int = 0) -> str:
    """``waiting_elsewhere`` in one short line, for the approver's list at 1366 x 768 (s37:
    its whole text took 230 px, a third of the list's column): '10 more photos wait, not
    open on this PC.' when ``here`` (how many wait in this PC's list, which "Show: Waiting for
    approval (N)" says just above) is not 0, '10 photos wait, not open on this PC.' when it
    is. '' when nothing waits elsewhere. Where they are and what to do stay in
    ``waiting_elsewhere``, shown on demand."""
    every = [n for g in groups for n in g.names]
    if not every:
        return ""
    return (f"{media_count(every, which='more' if here else '')} "
            f"{verb(len(every), 'waits', 'wait')}, not open on this PC.")


def approver_nothing_open(groups: Sequence[Any], channel_label: str) -> str:
    """The approver's empty list (nothing open on this PC), from what waits for approval for
    ``channel_label`` (``approval.waiting_elsewhere``'s groups): where those are, or that
    nothing waits (s46 walk PNG 31: the approver read only "Drop photos here... it makes safe
    copies when you export", and nothing said where the photos waiting for them were)."""
    every = [n for g in groups for n in g.names]
    if not every:
        return (f"Nothing is waiting for approval for {channel_label}.\n\n"
                "When a preparer marks photos ready, open their folder here (Choose a "
                "folder\u2026) to see them as they will be published and approve them.")
    one = len(every) == 1
    it, they, are = ("it", "it", "It is") if one else ("them", "they", "They are")
    head = (f"{media_count(every)} {verb(len(every), 'waits', 'wait')} for approval for "
            f"{channel_label}")
    if len(groups) == 1 and groups[0].here and groups[0].folder:
        return (f"{head}. {are} in {groups[0].folder}.\n\n"
                f"Open that folder here (Choose a folder\u2026) to see {it} as {they} will "
                f"be published and approve {it}.")
    return (f"{head}, not open on this PC.\n\n"
            f"\u201cDetails\u2026\u201d above says where {they} {'is' if one else 'are'} "
            f"and how to see {it} here.")


def waiting_elsewhere(groups: Sequence[Any], channel_label: str, *,
                      here: int | None = None) -> list[str]:
    """What waits for approval for ``channel_label`` on the shared register that this PC has
    not checked (``approval.waiting_elsewhere``'s groups), a line each, after a first line
    saying why it is not listed here: '12 photos on OFFICE-1, in
    D:\\Photos\\Trip (marked ready by Dee Office, last on 01/12/2026): trip1.jpg, trip2.jpg,
    and 10 more. Open that folder here (Add folder) to see them and approve them.' [] when
    nothing waits elsewhere. ``here``: how many wait for approval in this PC's list (what
    "Show: Waiting for approval" counts), said in the same first line (s36: the list said
    "(0)" above "12 photos wait"): 'Waiting for approval for Facebook: 3 listed here, and 12
    photos not open on this PC. ...'."""
    if not groups:
        return []
    every = [n for g in groups for n in g.names]
    one = len(every) == 1
    if here is None:
        head = (f"{media_count(every)} {verb(len(every), 'waits', 'wait')} for approval for "
                f"{channel_label} but {'is' if one else 'are'} not open on this PC.")
    else:
        head = (f"Waiting for approval for {channel_label}: {here or 'none'} listed here, and "
                f"{media_count(every)} not open on this PC.")
    lines = [f"{head} PhotoVet shows you, and lets you approve, only what this PC has "
             "checked:"]
    for g in groups:
        n = len(g.names)
        it = "it" if n == 1 else "them"
        where = (f" on {g.computer}" if g.computer else "") + \
            (f", in {g.folder}" if g.folder else "")
        by = f"marked ready by {', '.join(g.preparers)}" if g.preparers else "marked ready"
        if not g.computer:
            # s36: marked ready before the register kept the computer (approval-0006), which
            # the audit log does not say either: not "on another PC" (it may be this one)
            by += f" {READY_BEFORE_PC_KEPT}"
        day = uk_day(g.last)
        shown = [x for x in g.names[:3] if x]
        names = ", ".join(shown) + (f" and {n - len(shown)} more" if n > len(shown) and shown
                                    else "")
        head = (f"{media_count(g.names)}{where} ({by}"
                f"{f', last on {day}' if day else ''})" + (f": {names}." if names else "."))
        if g.here:
            todo = (f" Open that folder here (Add folder) to see {it} as {'it' if n == 1 else 'they'}"
                    f" will be published and approve {it}.")
        else:
            todo = (f" This PC cannot open that folder: approve {it} at "
                    f"{g.computer or 'the PC they were prepared on'}, or put {it} in a folder "
                    "both PCs share and open it here.")
        lines.append(head + todo)
    return lines


def withdrawn_reason(when: str | _dt.date | _dt.datetime | None, media: str = "photo",
                     channel_label: str = "", *, requested: str | None = None) -> str:
    """'Consent withdrawn on 12/03/2026' (for '... for videos on School website' when it was
    the video consent): what a take-down list says when the register once said Yes. With
    ``requested`` (``request_words``): '... (requested by Mrs Harris (mother), by email,
    28/11/2026)', or '... (who requested it: not recorded)'."""
    what = f" for videos on {channel_label}" if media == "video" and channel_label else ""
    day = uk_day(when)
    text = f"Consent withdrawn{what} on {day}" if day else f"Consent withdrawn{what}"
    if requested is None or not requested:
        return text
    if requested == consent_word(NOT_RECORDED):
        return f"{text} (who requested it: not recorded)"
    return f"{text} (requested by {asked_on_another_day(requested, day)})"


def asked_on_another_day(asked: str, day: str) -> str:
    """Who asked (``request_words``: 'Mrs Harris (mother), by phone, 02/12/2026') without the
    day when it is ``day``, the day the withdrawal is already said on (s41 walk: "Consent
    withdrawn on 02/12/2026 (requested by ..., by phone, 02/12/2026)")."""
    if day and asked.endswith(f", {day}"):
        return asked[:-len(day) - 2]
    return asked


#: what a take-down reason says of the person (``TakedownReason.kind``)
WITHDRAWN = "withdrawn"          # the register said Yes; its last change took it away
REFUSED = "refused"              # No, and never withdrawn here
NO_CONSENT = "not-recorded"      # consent not recorded
DO_NOT_PHOTOGRAPH = "dnp"        # on the do-not-photograph list (since ``day``, when put on by hand)
LEFT = "left"                    # left school on ``day``
REJECTED = "rejected"            # their register row was rejected
GONE = "gone"                    # no longer in the register
OTHER = "other"                  # policy's words as they are (``text``)


#: how a take-down reason begins for someone only a caption names: the caption went out with
#: every photo of its post, so each is listed ("Not in this photo, but the caption of this post
#: names them as \u201cE.T.\u201d: consent withdrawn on 12/03/2026")
CAPTION_NOT_IN_PHOTO = "Not in this photo, but "


@dataclass(frozen=True)
class TakedownReason:
    """Why someone in an export may not be there now, in its parts, made where the take-down
    list decides it (``takedown_reason``; records/takedown.py) and said in one place: the
    list's words (``words``) and a sentence about the person (``sentence``), so no reason is
    read back from its words.

    ``via``: how they are in it: "face", "name" (readable in the picture: ``detail`` is the
    reason about them), "caption" (``found``: the words it used), "file name" (``found``: its
    words; ``named`` False: they fit several pupils, s46) or "maybe" (a face shown as
    someone else may be them: ``how``, ``named``, and ``person_name`` for the list's words)."""

    kind: str
    channel: str = ""            # the channel's label
    media: str = "photo"
    day: str = ""                # DD/MM/YYYY: withdrawn on, on the list since, left on
    asked: str = ""              # who asked (``request_words``; "Not recorded"); "" not said
    text: str = ""               # policy's reason as decided
    via: str = "face"
    detail: str = ""
    found: str = ""
    how: str = ""
    named: bool = True
    person_name: str = ""
    #: a caption's reason ("caption"): whether they are in the photo itself too (a face, shown
    #: or covered, or a name in it). A caption recorded with a batch, or given when its posts
    #: were recorded, went out with every photo of the post: each is listed, and one that does
    #: not show them says why it is listed (``words``)
    in_it: bool = True
    #: what the export is ("photo" or "video"), said where it is not ``media``: a video's
    #: caption is judged by photo consent too (s62: "Not in this photo" of a video)
    of: str = "photo"
    posted: bool = True          # (a caption's reason) the caption went out; False: to go out

    @property
    def _asked_words(self) -> str:
        if not self.asked:
            return ""
        if self.asked == consent_word(NOT_RECORDED):
            return " (who requested it: not recorded)"
        return f" (requested by {asked_on_another_day(self.asked, self.day)})"

    @property
    def _what(self) -> str:
        """'Facebook', or 'videos on Facebook'."""
        return f"videos on {self.channel}" if self.media == "video" else self.channel

    @property
    def person_words(self) -> str:
        """What the register now says of them, as a take-down list says it: 'Consent withdrawn
        on 12/03/2026 (requested by ...)', 'Consent refused for School website', 'On the
        do-not-photograph list since 30/11/2026', or policy's reason as it is."""
        if self.kind == WITHDRAWN:
            return withdrawn_reason(self.day, self.media, self.channel, requested=self.asked)
        if self.kind == DO_NOT_PHOTOGRAPH:
            return (self.text + (f" since {self.day}" if self.day else "")
                    + self._asked_words)
        return self.text

    @property
    def words(self) -> str:
        """The take-down list's reason: 'Consent withdrawn on 12/03/2026', 'Name readable:
        pupil's name (no consent to show names)', 'Named in the caption as \u201cE.T.\u201d:
        consent refused for Facebook', 'A face in it may be Hope Bennett (staff named it as
        another person): consent withdrawn on 12/03/2026'."""
        if self.via == "name":
            return f"Name readable: {_low(self.text)}"
        if self.via == "caption" and not self.in_it:
            # s31: every photo of a post captioned with a pupil's name is listed, those that
            # do not show them too (the caption went out with each): said, so the list is not
            # taken for a mistake ("Sam is not in this photo")
            post = "the caption of this post" if self.posted else \
                "the caption to be posted with it"
            start = CAPTION_NOT_IN_PHOTO if self.of != "video" else \
                CAPTION_NOT_IN_PHOTO.replace("photo", "video")
            return (f"{start}{post} names them as \u201c{self.found}\u201d: "
                    f"{_low(self.person_words)}")
        if self.via == "caption":
            return f"Named in the caption as \u201c{self.found}\u201d: {_low(self.person_words)}"
        if self.via == "file name":
            how = "Named" if self.named else "May be named"
            return (f"{how} in the file name as \u201c{self.found}\u201d: "
                    f"{_low(self.person_words)}")
        if self.via == "maybe":
            return maybe_reason(self.person_name, self.how, self.named, self.person_words)
        return self.person_words

    def sentence(self, name: str, channel_label: str = "") -> str:
        """The reason said about ``name`` in a sentence: "Seun Adeyemi's consent for Facebook
        was withdrawn on 30/11/2026", "its caption names Kit Hart as \u201cE.T.\u201d (...)".
        ``channel_label``: the channel said when the reason does not carry one."""
        if self.via == "name":
            return f"{name}'s name can be read in it ({self.detail or _low(self.text)})"
        if self.via == "caption":
            return f"its caption names {name} as \u201c{self.found}\u201d" + (
                f" ({_low(self.person_words)})" if self.person_words else "")
        if self.via == "file name":
            how = "names" if self.named else "may name"
            return f"its file name {how} {name} as \u201c{self.found}\u201d" + (
                f" ({_low(self.person_words)})" if self.person_words else "")
        if self.via == "maybe":
            return (f"{_low(MAYBE_REASON_START)}{name} ({maybe_how(self.how, self.named)}), "
                    f"and {self._person_sentence(name, channel_label)}")
        return self._person_sentence(name, channel_label)

    def _person_sentence(self, name: str, channel_label: str) -> str:
        what = self._what if self.channel else channel_label
        if self.kind == WITHDRAWN:
            return (f"{name}'s consent for {what} was withdrawn"
                    + (f" on {self.day}" if self.day else "") + self._asked_words)
        if self.kind == REFUSED:
            return f"{name}'s consent for {what} is No"
        if self.kind == NO_CONSENT:
            return f"{name}'s consent for {what} is not recorded"
        if self.kind == DO_NOT_PHOTOGRAPH:
            return (f"{name} is on the do-not-photograph list"
                    + (f" since {self.day}" if self.day else "") + self._asked_words)
        if self.kind == LEFT:
            return f"{name} left school on {self.day}"
        if self.kind == REJECTED:
            return f"{name}'s register row was rejected"
        if self.kind == GONE:
            return f"{name} is no longer in the register"
        return f"{name}: {_low(self.text) or 'consent is missing'}"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _low(text: str) -> str:
    return text[:1].lower() + text[1:]


def takedown_reason(why: str, person: Person | None, channel: Channel, media: str,
                    history: Iterable[Any]) -> TakedownReason:
    """The parts of a take-down list's reason for someone whose face is in an export (``why``:
    policy's, ``consent_missing``): a No or a consent not recorded is a withdrawal (with its
    day and who asked) when the register once said Yes for this channel and media and its last
    change took the Yes away; do not photograph put on by hand, since when and who asked.
    Each is known by policy's own words for it (never by how a reason begins). ``history``:
    the person's consent changes, oldest first (``Register.history``)."""
    from photovet.core.policy import (  # noqa: PLC0415
        REASON_DNP,
        REASON_INVALID_ROW,
        consent_missing,
        no_consent_reason,
    )

    plain = TakedownReason(OTHER, channel.label, media, text=why)
    if person is None:
        gone = why == consent_missing(None, channel, media, _dt.date.today())
        return dataclasses.replace(plain, kind=GONE if gone else OTHER)
    if why == REASON_DNP:
        # put on the list by hand: who asked for it, as for a withdrawal
        last = None
        for change in history:
            if getattr(change, "channel", None) == "do_not_photograph":
                last = change
        if last is None or not getattr(last, "is_withdrawal", False):
            return dataclasses.replace(plain, kind=DO_NOT_PHOTOGRAPH)
        return dataclasses.replace(plain, kind=DO_NOT_PHOTOGRAPH, day=uk_day(last.when),
                                   asked=_asked(last))
    if why == REASON_INVALID_ROW:
        return dataclasses.replace(plain, kind=REJECTED)
    if person.leaving_date is not None and why == f"Left school on {uk_day(person.leaving_date)}":
        return dataclasses.replace(plain, kind=LEFT, day=uk_day(person.leaving_date))
    state = person.consent_state(channel.id, media)
    if why not in (no_consent_reason(channel, media, state),
                   no_consent_reason(channel, media, state, person.withdrawn_on(channel.id, media))):
        return plain
    last = None
    for change in history:
        if getattr(change, "channel", None) == channel.id and \
                (getattr(change, "media", "photo") or "photo") == media:
            last = change
    if last is None or last.old_state != YES or last.new_state == YES:
        return dataclasses.replace(plain, kind=REFUSED if state == NO else NO_CONSENT)
    return dataclasses.replace(plain, kind=WITHDRAWN, day=uk_day(last.when), asked=_asked(last))


def consent_missing_words(why: str, person: Person | None, channel: Channel, media: str,
                          history: Iterable[Any]) -> str:
    """The reason a take-down list gives for someone (``why``: policy's, such as "Consent
    refused for School website"), said as a withdrawal ("Consent withdrawn on 12/03/2026")
    when the register once said Yes for this channel and media and its last change took the
    Yes away (``takedown_reason``'s words)."""
    return takedown_reason(why, person, channel, media, history).words


#: how a take-down list's reason for a face that may be someone begins (``maybe_reason``)
MAYBE_REASON_START = "A face in it may be "


def maybe_how(how: str, named: bool) -> str:
    """Why a face shown may be someone though it is shown as another: 'staff named it as
    another person', 'PhotoVet recognised them; staff named it as another person', 'staff
    showed it without naming it'. Never whom it was named as: a subject access report says it."""
    said = "staff named it as another person" if named else "staff showed it without naming it"
    return f"PhotoVet recognised them; {said}" if how == "recognised" else said


def maybe_export_note(record: Any, person: str) -> str:
    """What a list of ``person``'s exports (``photovet exports --person``, the app's exports
    filtered by person) says of an export that only may show them
    (``ExportRecord.may_show_only``), never whom that face was named as: 'May show them: a
    face in it may be theirs (staff named it as another person)'. '' for an export that lists
    them (or does not involve them)."""
    if not record.may_show_only(person):
        return ""
    m = record.people_maybe[person]
    return f"May show them: a face in it may be theirs ({maybe_how(m.how, bool(m.named_as))})"


#: what a list of a person's exports says in place of whose faces are shown and whose names
#: are readable, for an export that only may show them (``maybe_export_note``): whom that face
#: was shown as would be among them, and the list would put the two names together
MAYBE_PEOPLE_NOT_SAID = "Not listed here (it may show them)"


def maybe_reason(name: str, how: str, named: bool, why: str) -> str:
    """A take-down list's reason for someone a face in an export may be (policy.maybe_shown),
    ``why`` their consent is missing (as ``consent_missing_words`` says it): 'A face in it may
    be Hope Bennett (staff named it as another person): consent withdrawn on 12/03/2026'."""
    return f"{MAYBE_REASON_START}{name} ({maybe_how(how, named)}): {_low(why)}"


def maybe_shown_count(records: Iterable[object], name: str, *, more: bool = False) -> str:
    """How many exports have a face shown that may be ``name``'s though staff did not name it
    as them (``ExportRecord.people_maybe``: a twin near a face confirmed as the other twin),
    as a person's page and ``photovet sar`` say it, never whom that face was named as: '1
    exported photo may show Hope: a face in it may be theirs though staff did not name it as
    them (their subject access report lists it)'; ``more``: said after the exports that list
    them ('2 more exported photos may show Hope: ...'). '' for none."""
    recs = list(records)
    if not recs:
        return ""
    one = len(recs) == 1
    return (f"{media_count(recs, which='more exported' if more else 'exported')} may show "
            f"{name}: a face in {'it' if one else 'each'} may be theirs though staff did not "
            f"name it as them (their subject access report lists {'it' if one else 'them'}).")


def _asked(change: Any) -> str:
    """Who asked for a change by hand (``request_words``); "" for one an MIS import made (the
    school's own register said so: nobody is asked here)."""
    if str(getattr(change, "source", "") or "").startswith("import:"):
        return ""
    return request_words(getattr(change, "requested_by", ""),
                         getattr(change, "requested_on", ""))


# --- initials typed in a caption (``policy.caption_initials_refusal`` decides) -----------------

_IF_ELSE = "(if they are short for something else, write it in full)"
#: a pupil's initials on a channel whose names rule is "none" ("Well done KJ")
CAPTION_NO_INITIALS = ("{channel} shows no names, not even initials: leave the initials out "
                       + _IF_ELSE)
#: ...typed in lower case or with one capital ("well done ac", "Well done Ac"): said that the
#: letters were read as a pupil's initials, which the person may not have meant (s34)
CAPTION_NO_INITIALS_LETTERS = ("{channel} shows no names, not even initials, and these two "
                               "letters are a pupil's initials: leave them out (if they are a "
                               "word or short for something else, write it in full)")
#: ...three letters whose first and last are a pupil's initials ("TJW" for Tori Wells): the
#: register keeps no middle names, so they may be the pupil's (s34)
CAPTION_NO_INITIALS_MIDDLE = ("{channel} shows no names, not even initials, and these letters "
                              "may be a pupil's initials with a middle name (PhotoVet does not "
                              "know middle names): leave them out " + _IF_ELSE)
#: the initials of a pupil who must not be in any post (``policy.caption_warning``), on every
#: channel. The pupil is not named: initials alone do not say who they are, and the reason is
#: shown wherever the caption's check is
CAPTION_NEVER_INITIALS = ("These are the initials of a pupil on the do-not-photograph list, "
                          "who must not appear in any post, not even by initials: leave the "
                          "initials out " + _IF_ELSE)
#: ...and when other pupils have the same initials (they may be meant): refused all the same
CAPTION_NEVER_INITIALS_SHARED = ("These initials are also those of a pupil on the "
                                 "do-not-photograph list, who must not appear in any post, not "
                                 "even by initials: leave the initials out " + _IF_ELSE)
#: ...three letters whose first and last are theirs ("TJW" for a listed Tobias Winterbottom)
CAPTION_NEVER_INITIALS_MIDDLE = ("These letters may be the initials, with a middle name "
                                 "(PhotoVet does not know middle names), of a pupil on the "
                                 "do-not-photograph list, who must not appear in any post, not "
                                 "even by initials: leave them out " + _IF_ELSE)

#: ...four letters or more whose first and last are a pupil's initials ("TJKW", "TJKLW" for
#: Tori Wells: two middle names or more; s36, they said "with a middle name")
CAPTION_NO_INITIALS_MIDDLES = ("{channel} shows no names, not even initials, and these letters "
                               "may be a pupil's initials with middle names (PhotoVet does not "
                               "know middle names): leave them out " + _IF_ELSE)
#: ...five letters or more that hold a pupil's initials as a run ("TJKLW" for Kai Lewis: s36)
CAPTION_NO_INITIALS_INSIDE = ("{channel} shows no names, not even initials, and these letters "
                              "hold a pupil's initials (typed together with other letters): "
                              "leave them out " + _IF_ELSE)
CAPTION_NEVER_INITIALS_MIDDLES = ("These letters may be the initials, with middle names "
                                  "(PhotoVet does not know middle names), of a pupil on the "
                                  "do-not-photograph list, who must not appear in any post, not "
                                  "even by initials: leave them out " + _IF_ELSE)
CAPTION_NEVER_INITIALS_INSIDE = ("These letters hold the initials of a pupil on the "
                                 "do-not-photograph list (typed together with other letters), "
                                 "who must not appear in any post, not even by initials: leave "
                                 "them out " + _IF_ELSE)
#: the reasons above by how the letters may be a pupil's initials (``policy
#: .caption_initials_refusal``'s ``shape``)
CAPTION_NO_INITIALS_SHAPES = {"middle": CAPTION_NO_INITIALS_MIDDLE,
                              "middles": CAPTION_NO_INITIALS_MIDDLES,
                              "inside": CAPTION_NO_INITIALS_INSIDE}
CAPTION_NEVER_INITIALS_SHAPES = {"middle": CAPTION_NEVER_INITIALS_MIDDLE,
                                 "middles": CAPTION_NEVER_INITIALS_MIDDLES,
                                 "inside": CAPTION_NEVER_INITIALS_INSIDE}


def caption_word(text: str | None) -> str:
    """A recorded caption as people read it: the caption in curly quotes, or 'Not recorded'
    when none was recorded (as ``consent_word`` says it for a consent)."""
    text = (text or "").strip()
    return f"\u201c{text}\u201d" if text else consent_word(NOT_RECORDED)


def caption_not_approved(caption: str, approved: str | None) -> str:
    """Why ``caption`` may not go out with a photo or video whose approval signed ``approved``
    ('' no caption; None: approved before captions were signed with an approval), saying what
    was approved (``policy.caption_approval_refusal`` decides)."""
    if approved is None:
        then = "it was approved before captions were, so with none"
    elif not approved:
        then = "it was approved with no caption"
    else:
        then = f"{caption_word(approved)} was"
    return f"the caption {caption_word(caption)} is not the one a senior leader approved ({then})"


def approval_caption(status: str, proposed: str, approved: str | None) -> str:
    """The caption of a photo's approval for a channel, as the preparer and the approver read
    it (the app's approval panel and contact sheet, 'photovet scan' and 'photovet approve'):
    ``proposed``, the preparer's ('' none); ``approved``, the one the approval signed ('' none;
    None: approved before captions were approved with photos)."""
    if status == "approved":
        if approved is None:
            return ("Caption: none approved (approved before captions were approved with "
                    "photos)")
        return f"Caption approved: {caption_word(approved) if approved else 'none'}"
    return f"Caption proposed: {caption_word(proposed) if proposed else 'none'}"


def sheet_captions(captions: list[str]) -> str:
    """The captions an approver signs on the contact sheet, said once beside the checklist
    (each tile says its own): the one they all share, or that they differ."""
    distinct = set(captions)
    if not captions or distinct == {""}:
        return "No caption was proposed with them: they are approved with none."
    if len(distinct) == 1:
        (caption,) = distinct
        return (f"Caption you approve with {'it' if len(captions) == 1 else 'them'}: "
                f"{caption_word(caption)}.")
    return "The captions differ: each one's caption is on its tile, and is approved with it."


def caption_get_approved_app(photos: int = 0, videos: int = 0) -> str:
    """``CAPTION_GET_APPROVED_APP`` said of what is exported (s40: it said "the photos" of a
    video too): the (``photos``, ``videos``) to post the caption with; none known, "photos or
    videos"."""
    noun = media_noun(photos, videos) if photos + videos else "photos or videos"
    return (f"To post this caption, mark the {noun} ready again with it (Mark ready) for a "
            "senior leader to approve.")


#: what to do about a caption not approved, said once after ``caption_not_approved`` where it
#: is shown: in the app's export window (which offers the approved caption beside it; there
#: with what is exported, ``caption_get_approved_app``) ...
CAPTION_GET_APPROVED_APP = caption_get_approved_app()
#: ... and by 'photovet export'
CAPTION_GET_APPROVED_COMMAND = ("To post this caption: 'photovet ready --caption', then "
                                "'photovet approve'. Or leave out --caption for the approved "
                                "one, or give --caption \"\" for none.")


def caption_posted_not_approved(file_name: str, channel_label: str, caption: str,
                                approved: str) -> str:
    """Why a post that went out with a caption its approval did not sign was not allowed (the
    take-down list keeps it): ``approved``, the caption that was approved ('' none)."""
    then = f"{caption_word(approved)} was approved" if approved else "no caption was approved"
    return (f"{file_name} went out on {channel_label} with a caption no senior leader approved "
            f"({caption_word(caption)}; {then})")


#: said instead of a suggested caption when nothing of the caption is left without the names
#: it may not show ("This is Tobias": s36; an empty suggestion read as a caption to use)
CAPTION_NOTHING_LEFT = ("Nothing of the caption is left without the name: write a caption that "
                        "names nobody it may not, or post with no caption")
#: ...nothing is left without the school's name (a channel that must not show which school it
#: is: "Oakfield!", s44 audit: it said "without the name: write a caption that names nobody")
CAPTION_NOTHING_LEFT_SCHOOL = ("Nothing of the caption is left without the school's name: write "
                               "one that does not name the school, or post with no caption")
#: ...words are left, but no caption PhotoVet could make of them reads right ("Tobias and Amy
#: are such stars": s38, it suggested "Amy is such stars")
CAPTION_NO_GOOD_SUGGESTION = ("PhotoVet cannot suggest a caption that reads right without the "
                              "name: write one that names nobody it may not, or post with no "
                              "caption")


#: what to do about a post's caption not approved (nothing was marked as posted), as
#: 'photovet posted' says it ...
CAPTION_POSTED_COMMAND = (
    "Not posted yet: post it with the caption a senior leader approved (or with none), then "
    "mark it. Already posted with this caption: add --already-posted to record it as it went "
    "out; it is then on the take-down list: take it down.")
#: ... and as the app says it (it asks whether the post went out so when Mark as posted is
#: pressed: ``after_posting._caption_went_out``)
CAPTION_POSTED_APP = (
    "Not posted yet: post it with the caption a senior leader approved (or with none), then "
    "mark it. Already posted with this caption: press Mark as posted and answer that it went "
    "out with this caption, to record it as it went out; it is then on the take-down list: "
    "take it down.")
#: how to say a copy exported for another channel really was posted on the one chosen, as
#: 'photovet posted' takes it ...
POSTED_ELSEWHERE_COMMAND = "say so (add --posted-elsewhere)"
#: ... and in the app, which asks when Mark as posted is pressed
POSTED_ELSEWHERE_APP = "say so when PhotoVet asks (press Mark as posted)"


def posted_caption_approved(approved: Sequence[str | None]) -> str:
    """What "Mark as posted" says under its caption box about the captions the photos chosen
    were approved with (``approved``: each approval's caption, '' none; None: exported
    without approval, or before approvals signed captions), so the post's caption is typed
    knowing which one is allowed (walk s33: the office typed one, took the suggestion for
    pupils' names, and was then refused for a caption no senior leader approved)."""
    signed = list(dict.fromkeys(a for a in approved if a is not None))
    if not signed:
        return ""
    if len(signed) > 1:
        return ("These photos were approved with different captions: a post of them all "
                "with one caption is not allowed. Leave the box empty if they went out with no "
                "caption.")
    if not signed[0]:
        return ("They were approved with no caption: leave the box empty (a post with a "
                "caption is not allowed).")
    return (f"The caption approved with them: {caption_word(signed[0])}. Leave the box empty "
            "if the post went out with it; a post with another caption is not allowed.")


#: "Mark as posted", photos exported without an approval of their caption: the caption box's
#: grey words and the line under it (s37 walk: "Optional: if not the export's caption" beside
#: "A post with another caption is not allowed"; approved photos say only
#: ``posted_caption_approved``)
POSTED_CAPTION_EMPTY = "Empty: it went out with the export's caption, or none"
POSTED_CAPTION_HINT = ("Type the caption only if the post went out with another one: PhotoVet "
                       "checks it with the channel's rules and records whom it names, for "
                       "take-down lists and subject access reports.")


def posted_captions_differ(groups: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Why one caption cannot be marked as posted for photos approved with different captions
    (``groups``: each approved caption, '' none, with the files approved with it), and what
    to do: mark them in groups, each with its own approved caption (walk s33: the form
    suggested the first photo's caption for the whole batch)."""
    said = "; ".join(
        f"{caption_word(c) if c else 'no caption'} for {media_count(files)} "
        f"({file_names((Path(f).name for f in files), most=3)})" for c, files in groups)
    return (f"these photos were approved with different captions ({said}): one post caption "
            "cannot be the approved one for them all")


#: what to do when the photos marked were approved with different captions
CAPTIONS_DIFFER_HINT = (
    "Mark them as posted in groups, each with the caption it was approved with: choose the "
    "photos approved with the same caption in the list of exports, then “Mark as "
    "posted…”. Or leave the caption empty if they went out with none.")


def approved_caption_now_refused(approved: str) -> str:
    """The caption approved with the photos names someone the channel may no longer name:
    no other caption can be suggested (only an approved one may go out)."""
    return (f"The caption approved with them ({caption_word(approved)}) may no longer be used. "
            "Post them with no caption, or mark them ready again with a new caption for a "
            "senior leader to approve.")


#: a post's caption not the approved one, added to another reason it was not allowed
CAPTION_POSTED_NOT_APPROVED_TOO = "and its caption is not the one a senior leader approved"


def caption_lines(record: Any, labels: Mapping[str, str] | None = None,
                  names: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """What caption went out with an export record, said the one way every screen shows it:
    ``(heading, caption, refers)`` for the caption recorded with the export first ('Caption
    exported', '\u201cWell done Year 4\u201d' or 'No caption'), then one for each post whose
    caption differed ('Caption posted on Facebook on 12/03/2026'), each with whom it refers to
    ('Tori Amos as \u201cT.A.\u201d'; '' for nobody). ``labels``: channel id -> label;
    ``names``: person id -> name (the id when unknown)."""
    labels, names = labels or {}, names or {}

    def refers(refs: Mapping[str, Any]) -> str:
        return ", ".join(f"{names.get(pid, pid)} as \u201c{ref.found}\u201d"
                         for pid, ref in refs.items())

    def said(text: str | None) -> str:
        return caption_word(text) if (text or "").strip() else NO_CAPTION

    out = [("Caption exported", said(record.caption), refers(record.caption_people))]
    for post in record.posts:
        if post.caption is None:            # posted with the export's caption
            continue
        on = uk_day(post.posted_on)
        out.append((f"Caption posted on {labels.get(post.channel, post.channel)}"
                    + (f" on {on}" if on else ""),
                    said(post.caption), refers(post.caption_people)))
    return out


#: an export or a post with no caption, in the list of exports (s65 walk: "Not recorded" read
#: as if PhotoVet had lost the caption; it was exported with none)
NO_CAPTION = "No caption"
#: said with it (the list's tooltip and the chosen export's captions under the list)
NO_CAPTION_NOTE = ("It was exported with no caption. A caption typed only on the website or "
                   "social media when it was posted is not known to PhotoVet, unless it was "
                   "typed under \u201cCaption posted\u201d when it was marked as posted.")


def caption_brief(record: Any, labels: Mapping[str, str] | None = None) -> list[str]:
    """The captions of ``caption_lines`` one short line each, for a list of exports: the
    export's caption (or 'No caption'), then 'Posted on Facebook on 12/03/2026: \u201cWell
    done, Year 4\u201d' for each post whose caption differed (white space and line breaks in
    a caption as one space)."""
    lines = caption_lines(record, labels)
    out = [lines[0][1]] + [f"{head.removeprefix('Caption ')}: {words}"
                           for head, words, _refs in lines[1:]]
    return [" ".join(line.split()) for line in (o[:1].upper() + o[1:] for o in out)]


def approvals_after_last_day(name: str, last: _dt.date, keep: bool = False) -> str:
    """What happens to an approver's approvals once their approver role ends on ``last``, a
    day still to come (the app's staff accounts and ``photovet users``): 'After 31/03/2027, Mr
    Head's approvals not exported by then no longer count: another senior leader approves
    them again.'"""
    return (f"After {last:%d/%m/%Y}, {name}'s approvals not exported by then "
            + ("are kept." if keep else
               "no longer count: another senior leader approves them again."))


#: how consent a register file has no column for is entered (``ImportReport.
#: consent_not_in_file``): in the app, and on the command line (the report says both)
CONSENT_NOT_IN_FILE_APP = ("To enter it: open the person in the Consent register and choose "
                           "Enter a consent form\u2026, or add the missing columns to the MIS "
                           "export and import it again.")
CONSENT_NOT_IN_FILE_COMMAND = ("To enter it: in the app, open the person in the Consent "
                               "register and choose Enter a consent form\u2026; on the command "
                               "line, photovet register set ID --channel C --consent yes "
                               "(with --media video for video consent). Or add the missing "
                               "columns to the MIS export and import it again.")


def days_words(days: Iterable[str | _dt.date]) -> str:
    """'on 12/11/2026', 'on 12/11/2026 and 14/11/2026', 'between 02/11/2026 and 20/11/2026'
    ('' for none): the days something happened, each said once, in order."""
    seen = sorted({d if isinstance(d, _dt.date) else _dt.date.fromisoformat(str(d)[:10])
                   for d in days if d})
    if not seen:
        return ""
    if len(seen) == 1:
        return f"on {uk_day(seen[0])}"
    if len(seen) == 2:
        return f"on {uk_day(seen[0])} and {uk_day(seen[1])}"
    return f"between {uk_day(seen[0])} and {uk_day(seen[-1])}"


def file_names(names: Iterable[str], most: int = 4) -> str:
    """Files by name, for a sentence: 'a.jpg', 'a.jpg and b.jpg', 'a.jpg, b.jpg and c.jpg';
    more than ``most``: the first few and how many more ('a.jpg, b.jpg, c.jpg and 5 more')."""
    names = list(dict.fromkeys(names))
    if len(names) > most:
        names = names[:most - 1] + [f"{len(names) - most + 1} more"]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" \
        if names else ""


def already_posted(posted: tuple[int, int], total: tuple[int, int], channel_label: str,
                   days: Iterable[str | _dt.date], names: Iterable[str] = ()) -> str:
    """Before an export: how many of the photos and videos to be exported were already posted
    on the channel, and when ('' none): '2 of 3 photos were already posted to Facebook on
    12/11/2026 (a.jpg and b.jpg). Exporting makes new copies of them: post only what is not
    up there yet.' ``names``: the files already posted, said (shortened when many) unless
    it is the one file being exported (walkthrough s33: "Both photos..." did not say which).
    Photos and videos together: each kind said ('Both photos were already posted ...; the
    video was not.'; s39: it said '2 of 3 (2 photos) were')."""
    n = sum(posted)
    if not n:
        return ""
    when = days_words(days)
    said = file_names(names) if sum(total) > 1 else ""
    when = f"{when} ({said})" if when and said else when or (f"({said})" if said else "")
    rest = ""
    if n < sum(total) and all(total):
        kinds = [(p, t, noun) for p, t, noun in zip(posted, total, ("photo", "video"),
                                                    strict=True)]
        head = " and ".join(_of_the(p, t, noun) for p, t, noun in kinds if p)
        head = f"{head[0].upper()}{head[1:]} {verb(n, 'was', 'were')}"
        rest = "".join(f"; the {noun} was not" if t == 1 else f"; the {t} {noun}s were not"
                       for p, t, noun in kinds if not p)
    elif n == sum(total):
        both = "photos" if not total[1] else "videos" if not total[0] else ""
        head = (f"{'This photo' if posted[0] else 'This video'} was" if n == 1 else
                (f"Both {both} were" if both else "The photo and the video were") if n == 2
                else
                f"All {media_count(*total)} were")
    else:
        head = f"{part_of(posted, total)} {verb(n, 'was', 'were')}"
    them = "it" if n == 1 else "them"
    return (f"{head} already posted to {channel_label}{' ' + when if when else ''}{rest}. "
            f"Exporting makes new copies of {them}: post only what is not up there yet.")


def _of_the(posted: int, total: int, noun: str) -> str:
    """'the photo', 'both photos', 'all 3 photos', '1 of the 2 videos': how many of one kind
    (``already_posted``)."""
    if posted == total:
        return f"the {noun}" if total == 1 else f"both {noun}s" if total == 2 else \
            f"all {total} {noun}s"
    return f"{posted} of the {total} {noun}s"


def approval_withdrawn(change: str, approvals: Sequence[tuple[str, str, str]],
                       posts: Sequence[tuple[str, str]]) -> str:
    """Before a change to a reviewed photo that voids its approvals (``Approvals.
    voided_by_review``): what was approved and posted, and what the change does.
    ``change``: 'Showing this face'; ``approvals``: (approver, channel label, day) each;
    ``posts``: (channel label, day) each of its copies posted."""
    said = "; ".join(f"by {who or 'a senior leader'} for {ch}" + (f" on {uk_day(day)}"
                                                                     if day else "")
                     for who, ch, day in approvals)
    head = f"This photo was approved {said}"
    by_channel: dict[str, list[str]] = {}
    for ch, day in posts:
        by_channel.setdefault(ch, []).append(day)
    if by_channel:
        head += ", and posted " + " and ".join(
            f"on {ch}" + (f" {days_words(d)}" if days_words(d) else "")
            for ch, d in by_channel.items())
    one = len(approvals) == 1
    text = (f"{head}. {change} withdraws {'the' if one else 'these'} "
            f"approval{'' if one else 's'}: a senior leader must approve the photo again "
            "before it is exported again.")
    if by_channel:
        text += (" The copy already posted stays as it was posted: PhotoVet does not change "
                 "or take it down.")
    return text


def posted_not_allowed(why: str, channel_label: str) -> str:
    """A post recorded though PhotoVet would not have allowed it (``Records.mark_posted``):
    why, that it is on record all the same, and what to do now."""
    why = why.strip()     # it starts with the file's name: never capitalised
    why = why if why.endswith(".") else why + "."
    return (f"{why} It is recorded as posted all the same (a post that happened is always on "
            f"record) and is on the take-down list now: take it down from {channel_label}.")


def takedown_closed(day: _dt.date) -> str:
    """Why a take-down item was closed without being done: nobody in it lacks consent for its
    channel now (``takedown.evaluate`` found it on ``day``)."""
    return f"Consent given again on {day:%d/%m/%Y}"


#: how ``caption_may_name`` begins: an item's reason held for a pupil a shared name may be
CAPTION_MAY_NAME_START = "May be named in the caption as "


def takedown_no_longer_needed(closed_reason: str) -> str:
    """How a take-down item closed because its reason went away is said beside it on the
    lists (``closed_reason``: ``takedown_closed``'s words)."""
    why = closed_reason.strip()
    return "no longer needed" + (f": {why[:1].lower()}{why[1:]}" if why else "")


def caption_may_name(found: str, reason: str) -> str:
    """A take-down item's reason for a pupil a caption that went out may name, when the
    caption check could not say which pupil its words are (``reason``: "Name fits several
    pupils: use initials"; what comes before the colon is said)."""
    why = reason.split(":", 1)[0].strip()
    why = why[:1].lower() + why[1:] if why else ""
    return f"{CAPTION_MAY_NAME_START}\u201c{found}\u201d" + (f" ({why})" if why else "")


def file_name_reason(reason: str) -> str:
    """The label check's reason about a pupil a posted copy's file name names, as the
    take-down list says it: without its advice for a label to be typed (": use initials",
    ": leave the name out"): the file is out already (s46)."""
    return re.sub(r": (use initials|leave the name out)(?=;|$)", "", reason)


def not_allowed_note(why: str) -> str:
    """A take-down item's words for a post PhotoVet would not have allowed."""
    return f"Recorded as posted although PhotoVet did not allow it: {why}"


#: where a text typed by staff is kept, as a refusal says it (``free_text_names``)
KEPT_IN_AUDIT_LOG = "in the audit log"
KEPT_WITH_CONSENT_HISTORY = ("with this person's consent history, and shown in their subject "
                             "access report")


def free_text_names(found: list[str], weak: bool = False, *,
                    kept: str = KEPT_IN_AUDIT_LOG) -> str:
    """Why a reason, comment or note typed by staff is refused (``free_text.refusal``): it
    names a pupil (``found``: the words, as typed), and it is kept in the audit log, which is
    never rewritten, so it would outlive the pupil's records (``kept``: where else it is kept,
    ``KEPT_WITH_CONSENT_HISTORY`` for who asked for a consent change). ``weak``: the words are
    only close to a name (it may be an everyday word)."""
    words = list(dict.fromkeys(found))
    said = ", ".join(f"\u201c{w}\u201d" for w in words)
    whose = "the pupil's name" if len(words) == 1 else "pupils' names"
    text = (f"Write this without {whose} ({said}): it is kept {kept}. "
            "Use their initials or 'the pupil'.")
    if weak:
        text += " If it is not a name but an ordinary word, write it in lower case."
    return text


def requester_names_another_child(found: list[str], own_first_name: str = "") -> str:
    """Why who asked for a consent change is refused when it says another pupil's first name
    as someone's child ("Sam's mum": ``free_text.children_named``), and what to write instead:
    the parent as this pupil's (``own_first_name``: "Tori's mum") or by their own name."""
    words = list(dict.fromkeys(found))
    said = ", ".join(f"\u201c{w}\u201d" for w in words)
    whose = "another pupil's name" if len(words) == 1 else "other pupils' names"
    theirs = f"\u201c{own_first_name}'s mum\u201d" if own_first_name else "\u201cthe pupil's mum\u201d"
    return (f"Write who asked without {whose} ({said}): it is kept {KEPT_WITH_CONSENT_HISTORY}. "
            f"Say the parent as this pupil's ({theirs}) or by their own name "
            "(\u201cMrs Hale (mother), by email\u201d).")


#: on the printed take-down list (staff only, but printed and left on desks): whose faces its
#: pictures show
TAKEDOWN_PICTURES_COVERED = ("In each picture only the faces of the people listed for it are "
                             "shown; every other face, and every other name PhotoVet left "
                             "readable, is covered.")


def takedown_no_picture(why: str) -> str:
    """Why an item of the printed take-down list has no picture: ``why`` "gone" (the exported
    copy is not on this PC), "video" (exported before a frame's faces were recorded), "unknown" (exported
    before PhotoVet recorded where faces are), "changed" (the file is not the one exported),
    "unreadable"."""
    return {
        "gone": "No picture: the exported copy is no longer on this PC.",
        "video": "No picture: it was exported before PhotoVet recorded where the faces are "
                 "in one frame of a video, so other children in it could not be covered on "
                 "this list.",
        "unknown": "No picture: it was exported before PhotoVet recorded where each face is, "
                   "so other children in it could not be covered on this list.",
        "changed": "No picture: the file at the export's place has changed since it was "
                   "exported (it may not be what was published).",
    }.get(why, "No picture: the exported copy could not be read.")


def other_media_still_yes(media: str, channel_label: str) -> str:
    """A withdrawal of one kind of consent (photos or videos) for a channel where the other is
    still Yes (walk s34: a parent asked to take their child off the website; the office set
    Photos to No and videos of the child could still go on the website). Offered, ticked,
    with the withdrawal; the office unticks it only when the family asked for one kind."""
    other = "video" if media == "photo" else "photo"
    return (f"Withdraw their {other} consent for {channel_label} too (it is Yes): untick "
            f"only if the family asked about {media}s alone")


#: what deleting a leaver's register row leaves behind, said before and after it is done (walk
#: s34: a DPO forgetting a leaver read "Deleted 1, kept 0" and could not tell what was kept)
LEAVER_ROW_GONE = ("Once a leaver's register row is deleted, PhotoVet no longer knows who they "
                   "are: in any photo their face is covered like anyone unknown's, and a subject "
                   "access report for them finds nothing. What stays is the audit log, which "
                   "lists what was done by register id, never by name (this deletion too).")


def changed_since_ready(name: str, what: str, old: str, new: str, when: str,
                        preparer: str) -> str:
    """One consent change of someone in a photo made after the preparer marked it ready, for
    the approver (walk s34: the head saw Toby covered in a photo the comms lead had prepared
    showing him, with nothing saying why). ``what``: 'School website consent', 'School
    website (videos) consent', 'do-not-photograph answer'; ``old``/``new``: the consent words;
    ``when``: the day."""
    by = f" {preparer}" if preparer else ""
    return (f"Changed since{by} marked it ready: {name}'s {what} went from {old} to {new} on "
            f"{when}; what is shown here is as it is now.")


def approval_ended_by_change(name: str, what: str, old: str, new: str, when: str) -> str:
    """The withdrawal that ended a photo's approval, said once to the approver, who sees the
    photo (s37: the panel said "Approval ended: consent was withdrawn on 01/12/2026 for
    someone it showed; approve it again as it is now." and under it "Changed since ... marked
    it ready: Tori Ashby's ... went from Yes to No on 01/12/2026; ...", the same thing twice).
    The approval's stored note (``approval_ended_by_withdrawal``) still names nobody; this
    line is made afresh from the register's history where the approver looks. Words as
    ``changed_since_ready``."""
    return (f"{APPROVAL_ENDED} {name}'s {what} went from {old} to {new} on {when}. What is "
            "shown here is as it is now: approve it again only if it may be posted so.")


def approval_ended_note(note: str) -> bool:
    """Is ``note`` (an approval's stored note) the one a withdrawal of consent left
    (``approval_ended_by_withdrawal``), not a removal from the register, a caption's
    (``approval_ended_by_caption``: its "check the caption" must still be said) or another
    note?"""
    note = note or ""
    return note.startswith(f"{APPROVAL_ENDED} consent was withdrawn ") and \
        note.endswith((approval_ended_by_withdrawal("").split(" for ", 1)[1],
                       _WITHDRAWAL_NOTE_END_BEFORE_S65))


def rejected_elsewhere(channel_label: str, approver: str, day: str, comment: str) -> str:
    """A photo looked at for one channel that a senior leader rejected for another (walk s34:
    the head rejected a photo for the website, "That is ZC, not JA", and on the newsletter it
    read "Nothing to cover", the face still named by hand, nothing saying why it was
    rejected): said beside its approval, so the preparer reads the leader's reason first."""
    why = f": \u201c{comment}\u201d" if comment else ""
    return f"Rejected for {channel_label} by {approver} on {day}{why}"


#: what a caption kept in the export records says instead of the words that named a person
#: whose records were deleted (they are no longer kept anywhere)
CAPTION_NAME_REMOVED = "[name removed]"


def with_names_removed(text: str, spans: Sequence[tuple[int, int]], gone: Collection[int],
                       joins: Callable[[str], bool] = lambda _gap: True) -> str:
    """``text`` with each run of the words at ``gone`` (indexes into ``spans``, the words'
    (start, end)) said as one ``CAPTION_NAME_REMOVED``; two words removed run together when
    ``joins`` says so of the text between them. Forgetting's texts and the register's notes."""
    out: list[str] = []
    last = 0
    k = 0
    while k < len(spans):
        if k not in gone:
            k += 1
            continue
        end = k
        while end + 1 in gone and joins(text[spans[end][1]:spans[end + 1][0]]):
            end += 1
        out += [text[last:spans[k][0]], CAPTION_NAME_REMOVED]
        last = spans[end][1]
        k = end + 1
    out.append(text[last:])
    return "".join(out)


def approval_name_removed(day: str) -> str:
    """An approval's note once forgetting a pupil took their name out of the reasons it signed
    (typed by staff in its review; s34): what it publishes is the same, so it still counts."""
    return (f"a pupil's name was taken out of the reasons given in its review on {day}, when "
            "their records were deleted; what it publishes is unchanged, so the approval still "
            "counts")


#: how a note saying why an approval ended begins: the note is its own label, so it is said
#: as it is, never after "PhotoVet's note:" (s36: two labels in a row)
APPROVAL_ENDED = "Approval ended:"

#: what the notes below ask for, said to whoever opens the photo (s65 walk: they ended
#: "approve it again as it is now", read by a preparer too, who cannot approve)
APPROVE_AGAIN = "a senior leader must approve it again as it is now"
CAPTION_APPROVE_AGAIN = "a senior leader must check the caption and approve it again"
#: how a withdrawal's note ended when stored before s65: still recognised
#: (``approval_ended_note``), the notes being kept with the approvals
_WITHDRAWAL_NOTE_END_BEFORE_S65 = "someone it showed; approve it again as it is now"

#: the batch tile of a photo or video whose approval ended and waits for approval again
#: (``ApprovalState.ended``; s42 walk: after a withdrawal the one photo showing the pupil said
#: "Waiting for approval" like every photo never approved, and nobody could tell which)
APPROVAL_ENDED_BADGE = "Approval ended"


def approval_ended_by_withdrawal(day: str) -> str:
    """Why a photo or video waits for approval again once the consent of someone its approval
    showed (face shown or name left readable) was withdrawn (s36): a later Yes does not bring
    the approval back, the approver looks again. The note names nobody: it is kept with the
    approval and shown to whoever opens the photo."""
    return (f"{APPROVAL_ENDED} consent was withdrawn on {day} for someone it showed; "
            f"{APPROVE_AGAIN}")


def approval_ended_by_removal(day: str) -> str:
    """Why a photo or video waits for approval again once someone its approval showed was
    removed from the register (an erasure, the retention schedule): added again later, the
    approval does not come back with them (s36). Names nobody."""
    return (f"{APPROVAL_ENDED} someone it showed was removed from the register on {day}; "
            f"{APPROVE_AGAIN}")


def approval_ended_by_caption(day: str) -> str:
    """Why a photo or video waits for approval again once someone its approved caption names
    (by name or initials, and nothing else of theirs shown) had a consent the caption needs
    withdrawn (s37): the caption is looked at again before it is approved. Names nobody."""
    return (f"{APPROVAL_ENDED} consent was withdrawn on {day} for someone its caption names; "
            f"{CAPTION_APPROVE_AGAIN}")


def approval_ended_by_leaving_cleared(day: str, *, caption: bool = False) -> str:
    """Why a photo or video waits for approval again once the leaving date of someone its
    approval showed (or its caption names) was cleared, after it took effect (s38,
    ``policy.leaving_undone``): while they were taken to have left the approval did not
    count, and it does not count again by itself, even when the date was entered by
    mistake. Names nobody."""
    whom = f"its caption names; {CAPTION_APPROVE_AGAIN} as it is now" if caption else \
        f"it showed; {APPROVE_AGAIN}"
    return (f"{APPROVAL_ENDED} a leaving date that had taken effect was cleared on {day} for "
            f"someone {whom}")


def approval_ended_by_row_restored(day: str, *, caption: bool = False) -> str:
    """Why a photo or video waits for approval again once an MIS import made valid again the
    register row of someone its approval showed (or its caption names), after the row was
    rejected or the file stopped listing them (s39, ``policy.row_restored``): while it was
    not valid the approval did not count, and it does not count again by itself. Names
    nobody."""
    whom = "its caption names" if caption else "it showed"
    then = CAPTION_APPROVE_AGAIN if caption else APPROVE_AGAIN
    return (f"{APPROVAL_ENDED} the register row of someone {whom} was rejected or missing "
            f"from the MIS file, and an import on {day} restored it; {then}")


def approvals_ended(n: int) -> str:
    """What a consent change that ended approvals says (an MIS import's result: s36): the
    photos and videos wait for a senior leader again, whoever prepared them."""
    one = n == 1
    return (f"{count(n, 'approved photo or video', 'approved photos and videos')} "
            f"{'shows' if one else 'show'} someone whose consent was withdrawn: "
            f"{'its approval' if one else 'their approvals'} ended, and a Yes given again "
            f"later does not bring {'it' if one else 'them'} back; a senior leader approves "
            f"{'it' if one else 'them'} again")


def row_restored_note(*, missing: bool) -> str:
    """What an MIS import's report says of someone whose register row it makes valid again
    (``ImportReport.revalidated``): rejected before, or missing from the file (``missing``);
    an approval that showed them is asked for again (s39, ``policy.row_restored``), so the
    office knows it before importing."""
    was = "back in the MIS file" if missing else "register row fixed"
    return (f"{was}: decided by consent again; any approved photo or video that showed them "
            "waits for approval again")


def _approvals_ended_as(n: int, whose: str) -> str:
    """``n`` approvals an MIS import ended, said with what happened to someone they showed
    (``whose``), other than a withdrawal (``approvals_ended``)."""
    one = n == 1
    return (f"{count(n, 'approved photo or video', 'approved photos and videos')} "
            f"{'shows' if one else 'show'} someone whose {whose}: "
            f"{'its approval' if one else 'their approvals'} ended; a senior leader approves "
            f"{'it' if one else 'them'} again")


def approvals_ended_by_leaving_cleared(n: int) -> str:
    """What an MIS import says of the approvals it ended by clearing leaving dates that had
    taken effect (s38, ``policy.leaving_undone``; s39: it said they showed someone whose
    consent was withdrawn)."""
    return _approvals_ended_as(n, "leaving date, which had taken effect, this file no longer "
                                  "has")


def approvals_ended_by_row_restored(n: int) -> str:
    """What an MIS import says of the approvals it ended by making register rows valid again
    that were rejected or missing from an earlier file (s39, ``policy.row_restored``)."""
    return _approvals_ended_as(n, "register row was rejected or missing from an earlier MIS "
                                  "file and is restored by this one")


def approvals_ended_here(photos: int, videos: int = 0) -> str:
    """What the person page says after a withdrawal entered by hand ended approvals of
    ``photos`` photos and ``videos`` videos (``ConsentChange.approvals_ended``; s37: it said
    nothing, only an import counted them), said as what ended (s39: "the photos and videos
    wait" when only photos had). Names nobody: the page already shows whose consent it was."""
    n = photos + videos
    one = n == 1
    return (f"{count(n, 'approval', 'approvals')} ended: the {media_noun(photos, videos)} "
            f"{'waits' if one else 'wait'} for a senior leader to approve "
            f"{'it' if one else 'them'} again as {'it is' if one else 'they are'} now.")


def approvals_a_withdrawal_ends(photos: int, videos: int = 0, *,
                                exported: tuple[int, int] = (0, 0),
                                posted: tuple[int, int] = (0, 0)) -> str:
    """What the question before a withdrawal says of the approvals it will end
    (``approval.withdrawal_would_end``, ``photos`` and ``videos`` in all; s42 walk: the
    question named only the exported photos, and "4 approvals ended" was said after); '' when
    it ends none. ``exported``/``posted`` (photos, videos): of them, those already exported
    for the channel and not posted there / posted there (``approval.ends_apart``), said apart
    (s43: "ends the approvals of 2 photos, exported or not: approved again before they can
    be exported" read as if the posted one only waited for approval)."""
    n = photos + videos
    if not n:
        return ""
    one = n == 1
    head = (f"It also ends the {'approval' if one else 'approvals'} of "
            f"{media_count(photos, videos)} that {'shows' if one else 'show'} them or "
            f"{'names' if one else 'name'} them in {'its' if one else 'their'} caption")
    out_p, out_v = exported[0] + posted[0], exported[1] + posted[1]
    if not out_p + out_v:
        return (f"{head}: a senior leader must approve {'it' if one else 'them'} again before "
                f"{'it' if one else 'they'} can be exported.")
    parts = []
    rest = (photos - out_p, videos - out_v)
    if not sum(rest) and not (sum(posted) and sum(exported)):
        return (f"{head}: {'it is' if one else 'they are'} "
                + ("already posted and must be taken down." if sum(posted) else
                   "exported but not posted, and must not be posted."))
    if sum(rest):
        many = sum(rest) != 1
        parts.append(f"{media_count(*rest)} not exported yet must be approved again "
                     f"by a senior leader before {'they' if many else 'it'} can be exported")
    if sum(posted):
        parts.append(f"{media_count(*posted)} already posted must be taken down")
    if sum(exported):
        parts.append(f"{media_count(*exported)} exported but not posted must not be "
                     "posted")
    return f"{head}: " + "; ".join(parts) + "."


def approval_again_name_removed(day: str) -> str:
    """Why a photo or video waits for approval again once forgetting a pupil took their name
    out of what the approval signed and will be published (its caption, words left readable;
    s34). Ends as the notes that say an approval ended do (``APPROVE_AGAIN``, s65): read by a
    preparer too, who cannot approve. Nothing recognises this note by its words, so one stored
    before s65 is simply shown as it was stored."""
    return (f"a pupil's name was taken out of the approved caption or words left readable on "
            f"{day}, when their records were deleted: {APPROVE_AGAIN}")


def earlier_copies_said(n: int) -> str:
    """The heading over the copies an earlier export left in a folder exported into again that
    should go (s35: ``records.earlier``), in the app and by ``photovet export``."""
    copies = "copy" if n == 1 else "copies"
    return (f"{n} earlier {copies} PhotoVet exported into this folder should not stay there "
            "(the folder would hold an old version, or a photo that may not be published now):")


#: what removing them does, said before the person decides
EARLIER_COPIES_REMOVE = ("Remove them? Only these copies PhotoVet made are removed, each checked "
                         "unchanged since it was exported; nothing else in the folder is touched.")


def approval_note_said(note: str) -> str:
    """An approval's note (PhotoVet's, never the approver's comment: why it was signed again,
    ``approval_name_removed``, or why it waits for approval again) as a sentence, where the
    approval is shown (the approval panel, ``photovet scan``; s35: it was stored and shown
    nowhere)."""
    note = " ".join(note.split()).rstrip(".")
    if not note:
        return ""
    if note.startswith(APPROVAL_ENDED):     # labelled already: one label, not two
        return f"{note}."
    return f"PhotoVet's note: {note[0].upper()}{note[1:]}."


def sar_nothing_held(person_id: str) -> str:
    """What a subject access request is answered with when PhotoVet holds nothing about the
    id asked for: said the same whether that id was never in the register or everything about
    it was deleted (it never confirms that someone was there), and in the report itself."""
    return (f"PhotoVet holds nothing about the person with the register id {person_id}: no "
            "register entry, no consent record, no face signature, no photo or video exported "
            "or held in which they were recognised or named.")


SAR_NOTHING_HELD_NEXT = ("The report says so: it can be sent as the answer to the request. "
                         "Photos PhotoVet never recognised them in cannot be listed by it.")


#: what the app asks for a subject access request made from the menu (walk s33: the office
#: typed the pupil's name and got a report saying nothing is held about "the register id
#: Tori Ashby", to be sent as the answer, while PhotoVet held her consent and 7 posts). It
#: asks whose information, not who asked (s39: a parent asks for their child's)
#: the question's box does not wrap its words: each line is broken at a sentence's end (s41
#: walk: "When a parent asks for their child's, the child's." read oddly, and a line broke in
#: the middle of a bracket)
SAR_ASK_WHO = ("Who is the request about? Type their name as the register has it,\n"
               "or their register id (for a pupil, usually the UPN, on the request or in the MIS).\n"
               "When a parent asks for their child's information, type the child's name.")


def sar_no_picture(name: str) -> str:
    """A subject access report's words where an export's picture would be and its exported copy
    is gone (deleted when it was taken down, or by the retention schedule). The picture is only
    ever made from the copy as exported: the original would show other pupils whose faces the
    export covered (s41 walk: "The exported file is no longer on this PC" read as if PhotoVet
    had forgotten the original was still there)."""
    return (f"No picture: the exported copy ({name}) has been deleted from this PC, for example "
            "when the photo was taken down. Pictures in this report are made only from the copy "
            "as it was published, never from the original photo, so that other people's faces "
            "stay covered.")


def sar_no_one_called(text: str) -> str:
    """What the app says when what was typed for a subject access request is neither a
    register id nor a name in the register (a name is never taken as an id: the report would
    say nothing is held about "the register id" of that name)."""
    return (f"No one in the register has the register id or the name \u201c{text}\u201d. "
            "Check the spelling, or type their register id (for a pupil, the UPN on the "
            "request or in the MIS).\n\nIf it is the register id of someone whose records "
            "were deleted, make the report for it: it says PhotoVet holds nothing about them.")


SAR_MAKE_FOR_ID = "Make the report for this id"



#: under "Delete for good" in the delete-originals list, before anything is deleted (s41 walk:
#: it said "Files were overwritten with random data and then deleted" before anything was)
PURGE_FOR_GOOD_NOTE = ("Ticked: the originals will be overwritten and then deleted. They cannot "
                       "be got back, not even from the Recycle Bin / Trash. (On SSDs, memory "
                       "cards and USB sticks the drive may still keep old copies that "
                       "overwriting cannot reach; only full-disk encryption protects against "
                       "that.)")
PURGE_TRASH_NOTE = ("Originals go to the Recycle Bin / Trash, so a mistake can be undone until "
                    "it is emptied.")
PURGE_KEEP = "Keep them"
#: how a tag on the photo, a video's row and ``photovet scan`` name the place after "my name
#: is" where nothing was read (models.UNREAD_AFTER_CUE, s53): it has no words to quote
PLACE_FOR_A_NAME = "Place for a name"


def purge_confirmation(n: int, batch: str, permanent: bool) -> tuple[str, str, str]:
    """The question before originals are deleted: (question, what it means, the delete
    button). Keeping them is the answer Enter gives (s41 walk: Enter, Enter deleted them)."""
    what = count(n, "original")
    if permanent:
        return (f"Delete {what} of \u201c{batch}\u201d for good?",
                "They are overwritten and then deleted: they cannot be got back, not even from "
                "the Recycle Bin / Trash. This is recorded in the audit log with your name.",
                f"Delete {what} for good")
    return (f"Move {what} of \u201c{batch}\u201d to the Recycle Bin / Trash?",
            "They can be got back from there until it is emptied. This is recorded in the audit "
            "log with your name.",
            f"Delete {what}")


def live_clips_left(clips: list[str], dry_run: bool) -> str:
    """What "Delete originals" says of the iPhone Live Photo clips beside the photos it deletes
    (``transfer.PurgeReport.live_clips_left``): they stay, and why, and what the office can do.
    Empty when there are none."""
    if not clips:
        return ""
    names = [os.path.basename(c) for c in clips]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    it = "it" if len(clips) == 1 else "them"
    stay = "will stay" if dry_run else ("stays" if len(clips) == 1 else "stay")
    return (f"{count(len(clips), 'Live Photo clip')} {stay} in the folder "
            f"({shown}): the moving part an iPhone keeps with a photo, the same moment with "
            f"sound. PhotoVet never checked {it} and has no copy of {it}, so it does not "
            f"delete {it}. Delete {it} yourself unless the school keeps such clips.")


def person_who(person) -> str:
    """A person as a list to choose from says them: "Tori Amos, A919, Year 5" (name, register
    id, year group or role)."""
    return ", ".join(x for x in (person.display_name, person.id,
                                 person.year_group or person.role) if x)


def sar_which_person(text: str, n: int) -> str:
    """Asked when a name typed for a subject access request fits several people."""
    return f"{n} people in the register fit \u201c{text}\u201d. Whose report is it?"


#: what an import's preview and report say where the register has a leaving date (entered in
#: PhotoVet, or by an earlier file) and the file has none: the import clears it, and from then
#: their consent decides again ("Leaving date: 18/07/2025 -> none in the file (...)")
LEAVING_DATE_NOT_IN_FILE = ("none in the file (no longer a leaver: their consent decides "
                            "again; if they have left, put the date in the MIS first)")


#: a leaving date an import keeps though its file has none (s31, fail closed): one entered in
#: PhotoVet, or any when the file has no leaving date column at all; the import's preview,
#: dry run and report list each ("Leaving date 18/07/2025 kept: entered here, not in the file")
#: (not "still leavers": a date entered for a day to come is kept too, review s31)
LEAVING_DATES_KEPT = "Leaving dates kept (always covered from that day)"
#: the question an older register file imported again ends with (``ImportReport.seen_before``)
SEEN_BEFORE_ASK = "Import it only if it is today's export from your MIS."
#: a register file with no do-not-photograph column: who is on the list stays on it (s61)
DNP_KEPT = "Kept on the do-not-photograph list (this file has no Do not photograph column)"
DNP_KEPT_NOTE = ("on the do-not-photograph list: kept, as this file does not say. To take them "
                 "off it, untick Do not photograph on their page in the Consent register")
LEAVING_DATE_BACK_APP = ("If someone is back, open them in the Consent register and choose "
                         "They are back\u2026")
LEAVING_DATE_BACK_COMMAND = ("If someone is back: photovet register back ID (in the app: They "
                             "are back\u2026 on their page)")
#: how to record that people an import no longer lists have left, as the app says it (the
#: import's report; the command line gives its own words: ``ImportReport.summary_lines``)
RECORD_LEAVING_APP = ("record it: \u201cThey have left\u201d when checking the import's changes, "
                      "or in the Register shown \u201cNot in the MIS file\u201d.")
#: a row of an MIS file with the whole name of someone removed from PhotoVet (an erasure
#: request, or removed by mistake) and not in the register now: the import holds it back (an
#: erasure is not undone by a routine import) unless a person asks to add them again (s35)
REMOVED_BEFORE_HELD = ("Removed from PhotoVet before: NOT added by this import unless you "
                       "choose to add them again")
REMOVED_BEFORE_ADDED = "Removed from PhotoVet before: added again, as you chose"
#: how to add such a row again, as the app says it (the command line says its own option)
ADD_AGAIN_APP = ("To add one of them again (only if they were removed by mistake, or the "
                 "family is back: an erasure request stands), import the file again and tick "
                 "them under \u201cRemoved from PhotoVet before\u201d when checking the "
                 "changes.")


def register_unchanged(dry_run: bool, leavers_held: int = 0) -> str:
    """What an import (its preview: ``dry_run``) that changes nothing in the register says, in
    the app's preview and by the command; ``leavers_held``: the file's old leavers the
    retention schedule removed, held back in one line (``leavers_removed_still_in_file``): the
    file does not match the register then, yet nothing changes (s36: the preview whose only
    line was theirs no longer said that nothing would change)."""
    would = "Nothing would change" if dry_run else "Nothing changed"
    if not leavers_held:
        return f"{would}: the register already matches this file."
    them = "the leaver" if leavers_held == 1 else "the leavers"
    are = "is" if leavers_held == 1 else "are"
    return (f"{would} in the register: it matches this file but for {them} removed by "
            f"retention, who {are} not imported.")


def leavers_removed_still_in_file(n: int) -> str:
    """The one line an import's preview gives the rows of old leavers the retention schedule
    removed that the MIS file still lists as having left (s36: each was listed under "Removed
    from PhotoVet before" at every import): held back all the same, no news. A pupil a person
    removed (an erasure) is still listed one by one."""
    are = "is" if n == 1 else "are"
    return (f"{count(n, 'leaver')} removed by retention {are} still in the MIS file: "
            "not imported")


def removed_before(day: str | None, *, pupil: bool = True) -> str:
    """What the import's preview says of a row with the name of someone removed from PhotoVet
    (``day``: ISO, '' when the forgotten list keeps none)."""
    who = "This pupil" if pupil else "This person"
    when = ""
    if day:
        try:
            when = f" on {_dt.date.fromisoformat(day[:10]):%d/%m/%Y}"
        except ValueError:
            when = ""
    return f"{who} was removed from PhotoVet{when}: importing adds them again"


def forgotten_unreadable(n: int) -> str:
    """The forgotten list's names (first name with surname: a pupil has one or more, so this
    is not a count of pupils) kept under a register key since replaced: they match no row
    now. Said on the import's preview so that an admin knows."""
    return (f"{count(n, 'name')} of removed pupils can no longer be recognised in imports: "
            f"{'it was' if n == 1 else 'they were'} kept under the old register key, so a "
            "removed pupil the MIS file still lists would be added again without this question")


#: what to do about a photo that shows a face named by hand over a refused recognition
#: (``policy.hand_named_refusal``), as the app says it (the command line says its own option)
HAND_NAMED_APP = "Open it in Review, look at that face and approve it there, on its own."


#: who can give a role, and where: the core's refusal says the command (it is what the
#: command line shows: 'photovet users grant') ...
ROLE_GRANT_COMMAND = "An admin can give you that role (photovet users grant)."
ROLE_GRANT_ONE_COMMAND = "An admin can give you one (photovet users grant)."
#: ... and the app says the Staff screen instead (walkthrough s32: a refusal in the app named
#: the command to an office worker who has never seen a command line)
ROLE_GRANT_APP = "An admin can give you that role in Register > Staff accounts\u2026"
ROLE_GRANT_ONE_APP = "An admin can give you one in Register > Staff accounts\u2026"

#: every other hint of the core that names a command, as the command line says it (the core's
#: errors carry these) and as the app says it (where in the app; walkthrough s33: "photovet
#: users list shows the accounts." reached the app) ...
USERS_LIST_COMMAND = "photovet users list shows the accounts."
USERS_LIST_APP = "Register > Staff accounts\u2026 lists the accounts."
USERS_ADD_COMMAND = "An admin adds new ones (photovet users add)."
USERS_ADD_APP = "An admin adds new ones in Register > Staff accounts\u2026"
CODE_RESET_COMMAND = "Ask an admin for a new one (photovet users reset)."
CODE_RESET_APP = ("Ask an admin for a new one (Register > Staff accounts\u2026, New one-time "
                  "code\u2026).")
AUDIT_CHANGED_COMMAND = ("Run 'photovet audit verify' and restore the register from a "
                         "backup.")
AUDIT_CHANGED_APP = ("Ask whoever looks after PhotoVet to check the audit log and restore the "
                     "register from a backup (Help > Copy diagnostics copies what they need).")
AUDIT_CHANGED_ADMIN_COMMAND = ("Run 'photovet audit verify'; an admin restores the register "
                               "from a backup.")
AUDIT_CHANGED_ADMIN_APP = ("Ask whoever looks after PhotoVet to check the audit log; an admin "
                           "restores the register from a backup (Help > Copy diagnostics "
                           "copies what they need).")
CHANNEL_ADD_COMMAND = "add one with: photovet register channels --add NAME"
CHANNEL_ADD_APP = "an admin adds one in Register > Channels\u2026"
#: (in an import's note about a column, said with the column)
CHANNEL_ADD_FIRST_COMMAND = "add the channel first (photovet register channels --add)"
CHANNEL_ADD_FIRST_APP = "add the channel first (Register > Channels\u2026)"
DEVICES_LIST_COMMAND = "photovet devices lists them with their numbers."
DEVICES_LIST_APP = "Register > Approved devices\u2026 lists them."
EXPORTS_LIST_COMMAND = "photovet exports lists the recorded batches."
EXPORTS_LIST_APP = "After posting > Exports and posts\u2026 lists the recorded batches."
CRESTS_LIST_COMMAND = "photovet settings crest lists them."
CRESTS_LIST_APP = ("Register > Settings\u2026, School rules, The school lists them (Crest and "
                   "logo pictures).")
ALLOW_PC_COMMAND = ("An admin allows this PC by typing the register's admin secret (photovet "
                    "setup allow-pc).")
ALLOW_PC_APP = ("An admin allows this PC by typing the register's admin secret (Register > "
                "Allow this PC (admin secret)\u2026).")
REPLACE_KEY_COMMAND = ("Use this register on the PC that holds its key, or an admin replaces "
                       "the key (photovet setup replace-key: face signatures must then be "
                       "enrolled again).")
REPLACE_KEY_APP = ("Use this register on the PC that holds its key, or ask whoever looks after "
                   "PhotoVet to replace the key (face signatures must then be enrolled again).")
ADMIN_SECRET_COMMAND = ("Set one on a PC that holds the key (photovet setup admin-secret).")
ADMIN_SECRET_APP = ("Ask whoever looks after PhotoVet to set one on a PC that holds the key.")
MAX_PIXELS_COMMAND = ("Resize it in a photo editor, or raise this PC's limit: photovet settings "
                      "set performance.max_pixels NUMBER")
MAX_PIXELS_APP = ("Resize it in a photo editor, or ask whoever looks after PhotoVet to raise "
                  "this PC's limit.")
CAPTION_SHOWN_COMMAND = ("Look at the caption with the photo and approve them together "
                         "('photovet approve' prints it).")
CAPTION_SHOWN_APP = ("Look at the caption beside the photo and approve them together.")
TELEMETRY_COMMAND = ("Start PhotoVet on its own (photovet or photovet-app), or set "
                     "ORT_DISABLE_TELEMETRY=1 before starting the program that imports it.")
TELEMETRY_APP = "Close PhotoVet and start it again on its own."
#: a file copied from a device that could not be moved to the trash there
TRASH_PERMANENT_COMMAND = "use --permanent to delete it for good"
TRASH_PERMANENT_APP = "PhotoVet asks whether to delete it for good"
#: where the take-down list is, after ``on_takedown_list_for``: in the app, by the command
TAKEDOWN_LIST_APP = "See After posting > Take-down list\u2026"
TAKEDOWN_LIST_COMMAND = "See photovet takedown."
#: an enrolment CSV with no rows: the other way to enrol
ENROL_FOLDER_COMMAND = "or use --folder with the folder of the MIS photo export"
ENROL_FOLDER_APP = "or choose 'A folder of photos named by UPN or staff code' and the folder " \
    "of the MIS photo export"
#: a folder named to be marked posted: its files, or the whole batch
POSTED_FOLDER_COMMAND = "name the exported files in it, or the whole batch with --batch LABEL"
POSTED_FOLDER_APP = "choose the exported files in it, or the whole batch"
#: ... a command's hint -> the app's (the import's two, said by its report, too)
_APP_HINTS = {ROLE_GRANT_COMMAND: ROLE_GRANT_APP, ROLE_GRANT_ONE_COMMAND: ROLE_GRANT_ONE_APP,
              USERS_LIST_COMMAND: USERS_LIST_APP, USERS_ADD_COMMAND: USERS_ADD_APP,
              CODE_RESET_COMMAND: CODE_RESET_APP, AUDIT_CHANGED_COMMAND: AUDIT_CHANGED_APP,
              AUDIT_CHANGED_ADMIN_COMMAND: AUDIT_CHANGED_ADMIN_APP,
              CHANNEL_ADD_COMMAND: CHANNEL_ADD_APP,
              CHANNEL_ADD_FIRST_COMMAND: CHANNEL_ADD_FIRST_APP,
              DEVICES_LIST_COMMAND: DEVICES_LIST_APP, EXPORTS_LIST_COMMAND: EXPORTS_LIST_APP,
              CRESTS_LIST_COMMAND: CRESTS_LIST_APP, ALLOW_PC_COMMAND: ALLOW_PC_APP,
              REPLACE_KEY_COMMAND: REPLACE_KEY_APP, ADMIN_SECRET_COMMAND: ADMIN_SECRET_APP,
              MAX_PIXELS_COMMAND: MAX_PIXELS_APP, CAPTION_SHOWN_COMMAND: CAPTION_SHOWN_APP,
              TELEMETRY_COMMAND: TELEMETRY_APP,
              CAPTION_GET_APPROVED_COMMAND: CAPTION_GET_APPROVED_APP,
              CONSENT_NOT_IN_FILE_COMMAND: CONSENT_NOT_IN_FILE_APP,
              LEAVING_DATE_BACK_COMMAND: LEAVING_DATE_BACK_APP,
              CAPTION_POSTED_COMMAND: CAPTION_POSTED_APP,
              POSTED_ELSEWHERE_COMMAND: POSTED_ELSEWHERE_APP,
              TRASH_PERMANENT_COMMAND: TRASH_PERMANENT_APP,
              TAKEDOWN_LIST_COMMAND: TAKEDOWN_LIST_APP,
              ENROL_FOLDER_COMMAND: ENROL_FOLDER_APP,
              POSTED_FOLDER_COMMAND: POSTED_FOLDER_APP}
#: the command hints, for a test that no other text of the core names a command
COMMAND_HINTS = tuple(_APP_HINTS)


def app_hint(hint: str | None) -> str | None:
    """A hint (or any text of the core's: a message, an import's note) as the app says it:
    where in the app, not the command, for every command hint above, whole or within the
    text (any other text as it is)."""
    if hint is None:
        return None
    if hint in _APP_HINTS:
        return _APP_HINTS[hint]
    for command, app in _APP_HINTS.items():
        if command in hint:
            hint = hint.replace(command, app)
    return hint


def leaving_date_kept(day: _dt.date, *, by_hand: bool, today: _dt.date | None = None,
                      file_day: _dt.date | None = None) -> str:
    """Why an import kept a leaving date its file does not have: "Leaving date 18/07/2025
    kept: entered here, not in the file", or, for one an earlier file gave, "... kept: this
    file has no leaving date column"; a day after ``today`` is said not to have come yet
    (their consent decides until then). ``file_day``: the file's date, still to come, that
    would have made them current again ("... kept: entered here; the file's 20/07/2027 would
    make them current again")."""
    if file_day is not None:
        return (f"Leaving date {day:%d/%m/%Y} kept: entered here; the file's "
                f"{file_day:%d/%m/%Y} would make them current again")
    why = "entered here, not in the file" if by_hand else "this file has no leaving date column"
    later = " (not left yet: always covered from that day)" if today is not None and \
        day > today else ""
    return f"Leaving date {day:%d/%m/%Y} kept: {why}{later}"


# --------------------------------------------------------------------------------------------
# Lines naming the school (a photo's TextItem.school, a video's text track)
# --------------------------------------------------------------------------------------------

#: after a crest or logo picture is added (the app and ``photovet settings crest``)
PICTURE_LOOKED_FOR = "photos and videos are checked for it from now on"

#: what a school identifier is, said to a person (``TextItem.school``, ``VideoTrack.school``)
SCHOOL_WORDS = {"name": "the school's name", "abbreviation": "the school's initials",
                "address": "where the school is", "crest": "the school's crest"}


def school_only(track: Any) -> bool:
    """A video's text track that names the school and is not (nor may be) anyone's name:
    said as "School" (or "Crest"), not "Name" (a track that is both is a name: its name rule
    comes first)."""
    return getattr(track, "kind", "text") == "text" and bool(getattr(track, "school", "")) \
        and not (getattr(track, "person", None) or getattr(track, "text_kind", ""))


def crest_track(track: Any) -> bool:
    """A video's track that is the school's crest found in the picture (not text read)."""
    return school_only(track) and getattr(track, "school", "") == "crest"


def text_track_word(track: Any) -> str:
    """'Name', 'School' or 'Crest': what a video's text track is called on its row ("Name 4",
    "School 5", "Crest 6")."""
    if crest_track(track):
        return "Crest"
    return "School" if school_only(track) else "Name"


def school_note(track: Any) -> str:
    """'the school's name' or 'might be the school's name' for a line naming the school ('' for
    one that does not)."""
    what = SCHOOL_WORDS.get(getattr(track, "school", "") or "", "")
    if not what:
        return ""
    return f"might be {what}" if getattr(track, "school_unsure", False) else what


def cover_label(track: Any) -> str:
    """What a video's cover over a text track is labelled in its cover list: 'name' for a
    name, else what of the school it hides ('the school's name', 'the school's crest', 'where
    the school is'; a match not sure is labelled as what it may be)."""
    if getattr(track, "kind", "text") == "text" and school_only(track):
        return SCHOOL_WORDS.get(getattr(track, "school", "") or "", "the school's name")
    return "name"


#: what a photo's cover over a line that is no one's name nor the school's is labelled
PHOTO_TEXT_COVER = "Name"
#: what a cover over the rest of a badge around a name is labelled (policy.covers_card: where
#: the channel hides the school, whose name is printed small on the badge)
BADGE_COVER = "the rest of the badge"


def photo_cover_label(item: Any) -> str:
    """What a photo's cover over a text line (``TextItem``) is labelled in the export's cover
    records: whose name it hides (the register id) for a name read as someone's, what of the
    school it hides for a line naming the school and no one ('the school's name', 'the
    school's crest': as a video's, ``cover_label``); else 'Name' (it was 'Name' over the
    school's name and crest too)."""
    if getattr(item, "person", None):
        return str(item.person)
    school = getattr(item, "school", "") or ""
    if school and not getattr(item, "kind", ""):
        return SCHOOL_WORDS.get(school, SCHOOL_WORDS["name"])
    return PHOTO_TEXT_COVER


#: a video's text tracks by what they are, as counted for a person (school_only, crest_track)
_TRACK_GROUPS = (("name", "names"), ("line naming the school", "lines naming the school"),
                 ("school crest", "school crests"))


def _track_groups(tracks: Sequence[Any]) -> list[tuple[list[Any], str, str]]:
    """(tracks, one, many) for names, lines naming the school and crests, in that order."""
    groups: list[list[Any]] = [[], [], []]
    for t in tracks:
        groups[2 if crest_track(t) else 1 if school_only(t) else 0].append(t)
    return [(g, one, many) for g, (one, many) in zip(groups, _TRACK_GROUPS)]


def text_tracks_read(tracks: Sequence[Any]) -> list[str]:
    """A video's text tracks counted as a person reads them: '2 names read (1 covered)', '1
    line naming the school read (1 covered)', '1 school crest found (1 covered)' (nothing for
    none)."""
    out = []
    for found, one, many in _track_groups(tracks):
        if found:
            covered = sum(1 for t in found if t.decision != "keep")
            seen = "found" if one == "school crest" else "read"
            out.append(f"{count(len(found), one, many)} {seen} ({covered} covered)")
    return out


def text_tracks_covered(tracks: Sequence[Any]) -> list[str]:
    """A video's covered text tracks: '1 name covered', '2 lines naming the school covered',
    '1 school crest covered' (nothing for none)."""
    out = []
    for found, one, many in _track_groups(tracks):
        n = sum(1 for t in found if t.decision == "cover")
        if n:
            out.append(count(n, one, many) + " covered")
    return out


def text_tracks_open(tracks: Sequence[Any], possible: bool = True) -> list[str]:
    """A video's text tracks still to decide: '1 possible name', '2 possible lines naming the
    school', '1 possible school crest' ('1 name', '2 lines naming the school' with
    ``possible`` False; nothing for none)."""
    may = "possible " if possible else ""
    out = []
    for found, one, many in _track_groups(tracks):
        n = sum(1 for t in found if t.needs_review)
        if n:
            out.append(count(n, f"{may}{one}", f"{may}{many}"))
    return out


__all__ = ["waiting_elsewhere", "CONSENT_TYPED", "CONSENT_FORM", "CONSENT_COMMAND",
           "entered_by", "already_posted", "approval_again_name_removed", "approval_ended_by_withdrawal",
           "approval_ended_by_removal", "approval_ended_by_caption",
           "approval_ended_by_leaving_cleared", "approval_ended_by_row_restored",
           "approvals_ended_by_leaving_cleared", "approvals_ended_by_row_restored",
           "row_restored_note",
           "approvals_ended", "approvals_ended_here", "approval_ended_by_change",
           "POSTED_CAPTION_EMPTY", "POSTED_CAPTION_HINT",
           "approval_ended_note",
           "approval_name_removed",
           "approval_note_said", "APPROVAL_ENDED", "APPROVE_AGAIN", "CAPTION_APPROVE_AGAIN",
           "EARLIER_COPIES_REMOVE", "with_names_removed",
           "earlier_copies_said",
           "approval_withdrawn", "back_not_in_file", "days_words",
           "approval_caption", "caption_posted_not_approved", "caption_not_approved",
           "CAPTION_POSTED_NOT_APPROVED_TOO", "CAPTION_POSTED_COMMAND", "CAPTION_POSTED_APP",
           "POSTED_ELSEWHERE_COMMAND", "POSTED_ELSEWHERE_APP", "TRASH_PERMANENT_COMMAND",
           "TRASH_PERMANENT_APP", "CAPTIONS_DIFFER_HINT", "CAPTION_NOTHING_LEFT",
           "CAPTION_NOTHING_LEFT_SCHOOL",
           "approved_caption_now_refused", "posted_captions_differ", "CAPTION_GET_APPROVED_APP",
           "CAPTION_GET_APPROVED_COMMAND", "caption_get_approved_app",
           "CAPTION_MAY_NAME_START", "CAPTION_NEVER_INITIALS", "CAPTION_NEVER_INITIALS_MIDDLE",
           "CAPTION_NEVER_INITIALS_MIDDLES", "CAPTION_NEVER_INITIALS_INSIDE",
           "CAPTION_NEVER_INITIALS_SHAPES", "CAPTION_NO_INITIALS_MIDDLES",
           "CAPTION_NO_INITIALS_INSIDE", "CAPTION_NO_INITIALS_SHAPES",
           "CAPTION_NEVER_INITIALS_SHARED", "CAPTION_NO_INITIALS", "CAPTION_NO_INITIALS_LETTERS",
           "CAPTION_NO_INITIALS_MIDDLE", "CAPTION_NAME_REMOVED", "CAPTION_NOT_IN_PHOTO",
           "CONSENT_NOT_IN_FILE_APP",
           "CONSENT_NOT_IN_FILE_COMMAND", "DO_NOT_PHOTOGRAPH", "GONE", "LEAVING_DATE_NOT_IN_FILE",
           "LEAVING_DATES_KEPT", "LEAVER_ROW_GONE", "LEAVING_DATE_BACK_APP", "LEAVING_DATE_BACK_COMMAND",
           "ROLE_GRANT_APP", "ROLE_GRANT_COMMAND", "ROLE_GRANT_ONE_APP", "ROLE_GRANT_ONE_COMMAND",
           "app_hint", "COMMAND_HINTS", "HAND_NAMED_APP", "ADD_AGAIN_APP", "REMOVED_BEFORE_ADDED",
           "REMOVED_BEFORE_HELD", "removed_before", "leavers_removed_still_in_file", "register_unchanged",
           "forgotten_unreadable", "LEFT", "RECORD_LEAVING_APP",
           "USERS_LIST_COMMAND", "USERS_ADD_COMMAND",
           "CODE_RESET_COMMAND", "AUDIT_CHANGED_COMMAND", "AUDIT_CHANGED_ADMIN_COMMAND",
           "CHANNEL_ADD_COMMAND", "CHANNEL_ADD_FIRST_COMMAND", "DEVICES_LIST_COMMAND",
           "EXPORTS_LIST_COMMAND", "CRESTS_LIST_COMMAND", "ALLOW_PC_COMMAND",
           "REPLACE_KEY_COMMAND", "ADMIN_SECRET_COMMAND", "MAX_PIXELS_COMMAND",
           "CAPTION_SHOWN_COMMAND", "TELEMETRY_COMMAND",
           "MAYBE_PEOPLE_NOT_SAID", "MAYBE_REASON_START", "NO_CONSENT", "OTHER", "REFUSED",
           "PURGE_FOR_GOOD_NOTE", "PURGE_KEEP", "PURGE_TRASH_NOTE",
           "REJECTED", "SAR_ASK_WHO", "SAR_MAKE_FOR_ID", "SAR_NOTHING_HELD_NEXT",
           "VIDEO_ENDINGS", "WITHDRAWN", "TakedownReason",
           "approvals_after_last_day", "asked_on_another_day", "caption_brief", "caption_lines",
           "caption_may_name", "file_name_reason",
           "caption_word", "changed_since_ready",
           "consent_missing_words", "consent_word", "count", "free_text_names",
           "file_names", "full_sentence",
           "maybe_how", "maybe_reason", "maybe_shown_count", "media_count", "media_of",
           "not_allowed_note", "not_in_mis_file", "part_of", "posted_caption_approved",
           "posted_not_allowed", "purge_confirmation",
           "ORIGINAL_KEPT_AS_PLANNED", "ORIGINAL_KEPT_CHANGED", "ORIGINAL_KEPT_LINK",
           "ORIGINAL_KEPT_MISSING",
           "ORIGINAL_KEPT_NOT_POSTED", "ORIGINAL_KEPT_TAKEN_DOWN", "original_deletable", "original_kept",
           "other_media_still_yes",
           "register_count", "rejected_count", "rejected_elsewhere",
           "request_words", "requester_names_another_child",
           "person_who", "sar_no_one_called", "sar_no_picture", "sar_nothing_held", "sar_which_person",
           "TAKEDOWN_PICTURES_COVERED", "takedown_closed", "takedown_no_longer_needed",
           "takedown_no_picture", "takedown_reason", "tally", "uk_day",
           "verb", "withdrawn_reason", "PICTURE_LOOKED_FOR", "SCHOOL_WORDS", "cover_label",
           "PHOTO_TEXT_COVER", "photo_cover_label",
           "crest_track", "school_note", "school_only",
           "text_track_word", "text_tracks_covered", "text_tracks_open", "text_tracks_read"]


def names_returned(n: int) -> str:
    """What an approver is told once a rejection said ``n`` faces' names given by hand are
    wrong (``Approvals.reject(wrong_names=...)``), in the app and by the command."""
    faces = "The face is" if n == 1 else f"The {n} faces are"
    its = "its name was" if n == 1 else "their names were"
    return (f"{faces} covered and {its} taken off: the preparer is asked to say again who "
            f"{'it is' if n == 1 else 'they are'}.")
__all__ += ["EVERYONE_COVERED", "portraits_read", "row_settled", "READY_BEFORE_PC_KEPT", "names_returned"]
__all__ += ["media_noun"]


#: a batch tile's words once PhotoVet deleted the photo's original (``transfer.originals_gone``;
#: s42 walk: the tiles still said "Approved" after the originals were deleted for good). What
#: became of its safe copy is in the sentence beside it (``original_deleted_detail``): "Posted,
#: original deleted" does not fit a tile's badge (it read "Posted, original d...")
ORIGINAL_DELETED_BADGE = "Original deleted"


def original_deleted_detail(posted: bool, exported: bool, media: str = "photo", *,
                            by_schedule: bool = False) -> str:
    """What happened to a photo whose original PhotoVet deleted, and what it means now (the
    tile's tooltip, the photo view): 'Its safe copy was exported and posted, then the original
    was deleted: PhotoVet cannot export this photo again.' (``by_schedule``: the retention
    schedule deleted it.)"""
    copy = ("Its safe copy was exported and posted" if posted else
            "Its safe copy was exported" if exported else "")
    how = "the original was deleted" + (" by the school's retention schedule"
                                        if by_schedule else "")
    return (f"{copy}, then {how}" if copy else how[:1].upper() + how[1:]) + \
        f": PhotoVet cannot export this {media} again."


#: the same tile while "Delete originals" began deleting its original and PhotoVet stopped
#: part-way, and the photo's folder is not there now or is on another USB stick or drive than
#: the one it was on (``transfer.originals_gone_at``, s50): it may never have been deleted.
#: As short as the badge above (a tile's badge fits about 18 characters)
DELETION_STOPPED_BADGE = "Deletion stopped"


def deletion_stopped_detail(folder: str, media: str = "photo", *,
                            by_schedule: bool = False) -> str:
    """What a tile saying ``DELETION_STOPPED_BADGE`` means and what to do (its tooltip, the
    photo view, and why it is neither marked ready nor approved). ``by_schedule``: the
    retention schedule began it ("Delete originals" did not), finished by applying it again."""
    again = ("apply the retention schedule again (Register \u203a Due for deletion)"
             if by_schedule else "delete the batch's originals again")
    return (f"PhotoVet began deleting this {media}'s original"
            f"{' on the retention schedule' if by_schedule else ''} and stopped part-way, and "
            f"its folder ({folder}) is not there now or is on another USB stick or drive than "
            "the one it was on: the original may still be on that stick or drive, and "
            f"PhotoVet cannot export this {media} from here. Connect the USB stick or drive it "
            f"was on, then {again} to finish, or add the photo again to check it.")


__all__ += ["APPROVAL_ENDED_BADGE", "ORIGINAL_DELETED_BADGE", "original_deleted_detail",
            "DELETION_STOPPED_BADGE", "deletion_stopped_detail"]


#: a batch tile's words while a safe copy of it is on the take-down list and not yet marked
#: done (``takedown.open_for``), before anything else the tile could say: posted, "Take down";
#: exported only, "Do not post" (s43 walk: a posted photo whose original was deleted said
#: "Original deleted" in grey after its pupil's consent was withdrawn; the list said it must
#: come down, the tile did not)
TAKE_DOWN_BADGE = "Take down"
DO_NOT_POST_BADGE = "Do not post"


def takedown_badge(posted: Sequence[str], exported: Sequence[str], here: str = "") -> str:
    """A tile's badge for a photo or video on the take-down list: what to do on ``here``, the
    channel the tile is shown for, when a copy for it is listed ("Take down" a posted one, "Do
    not post" one exported only; with no channel given, a posted copy anywhere first). A copy
    listed for another channel only, or posted on another channel (which comes before one here
    that must not be posted: the post shows someone now), says where, when its name is short
    enough for the badge ("Take off Facebook", "Not for Facebook"), else "On take-down list";
    the tooltip says the whole (s44 walk: with "Post
    to: School website", a photo whose Facebook copy alone must not be posted said "Do not
    post", as if its website copy must not go out either). ``posted``/``exported``: the
    channels' names."""
    if here in posted or (posted and not here):
        return TAKE_DOWN_BADGE
    if not posted and (here in exported or not here):
        return DO_NOT_POST_BADGE
    # a copy live on another channel comes first, over one here that must not be posted: the
    # post is what shows someone now (s44 audit: "Do not post" hid a Facebook post to take down)
    where = list(dict.fromkeys(posted or exported))
    if len(where) == 1 and len(where[0]) <= TAKEDOWN_BADGE_CHANNEL_CHARS:
        return f"Take off {where[0]}" if posted else f"Not for {where[0]}"
    return TAKEDOWN_BADGE_ELSEWHERE


#: the longest channel name a tile's take-down badge names (longer: ``TAKEDOWN_BADGE_ELSEWHERE``)
TAKEDOWN_BADGE_CHANNEL_CHARS = 12
TAKEDOWN_BADGE_ELSEWHERE = "On take-down list"


def takedown_tile_detail(posted: Sequence[str], exported: Sequence[str],
                         media: str = "photo") -> str:
    """What the tile's tooltip and the photo view say of a photo or video on the take-down
    list: 'Its safe copy is posted on Facebook and must be taken down: consent is now missing
    for someone in it (see the take-down list).' ``posted``/``exported``: the channels' names
    where a posted copy must come down / an exported copy must not be posted."""
    def channels(labels: Sequence[str]) -> str:
        labels = list(dict.fromkeys(labels))
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    said = []
    if posted:
        said.append(f"Its safe copy is posted on {channels(posted)} and must be taken down")
    if exported:
        said.append(("a safe copy" if posted else "Its safe copy") + " exported for "
                    f"{channels(exported)} must not be posted; delete it")
    return "; ".join(said) + f": consent is now missing for someone in this {media} (see the " \
        "take-down list)."


__all__ += ["DO_NOT_POST_BADGE", "TAKE_DOWN_BADGE", "TAKEDOWN_BADGE_CHANNEL_CHARS",
            "TAKEDOWN_BADGE_ELSEWHERE", "takedown_badge", "takedown_tile_detail"]



def on_takedown_list_for(items: Sequence[Any], name: str, see: str = TAKEDOWN_LIST_APP) -> str:
    """The open take-down items that list a person (``takedown.TakedownItem``), said after a
    withdrawal on their page and by ``photovet register set`` (s43: the command said "1 photo
    exported or posted now shows them without consent", the app what must come down where),
    counted in photos and videos (by original), not in items (one a channel);
    '' for none: "On the take-down list because of Nathan: 2 posted photos must be taken
    down from Facebook. See After posting > Take-down list…"."""
    if not items:
        return ""
    posted = [i for i in items if i.status == "posted"]
    rest = [i for i in items if i.status != "posted"]
    parts = []
    for group, which, must in ((posted, "posted", "must be taken down from"),
                               (rest, "exported", "must not be posted on")):
        if group:
            channels = list(dict.fromkeys(i.channel_label or i.channel for i in group))
            where = (", ".join(channels[:-1]) + " and " + channels[-1] if len(channels) > 1
                     else channels[0])
            # photos, not items: one photo posted in two places is one photo to take down
            # (s43 audit: it said "2 posted photos must be taken down from Facebook and X")
            photos = {i.source_path or i.output_path: i for i in group}
            parts.append(f"{media_count(photos.values(), which=which)} {must} {where}")
    return f"On the take-down list because of {name}: " + "; ".join(parts) + f". {see}"


__all__ += ["TAKEDOWN_LIST_APP", "TAKEDOWN_LIST_COMMAND", "on_takedown_list_for"]


def covering_what_was_left_readable(lines: Sequence[str], channels: Sequence[str]) -> str:
    """The question before "Keep it covered" (or Keep the rest covered) on a line a person left
    readable for another channel (``Reviewer.kept_readable_elsewhere``): a cover is for every
    channel, so it is covered there too (s44 walk: "Mrs Hughes", left readable with a reason
    for the School website, was covered there by "Keep it covered" on Facebook, silently).
    ``lines``: the words read ("" a place after "my name is" where none were); ``channels``:
    where each was left readable (names)."""
    one = len(lines) == 1
    # a place after "my name is" where nothing was read has no words to quote: said last
    words = sorted(dict.fromkeys(lines), key=lambda t: not t)
    said = ", ".join(f"\u201c{t}\u201d" if t else
                     ("the" if i else "The") + " place for a name where nothing was read"
                     for i, t in enumerate(words))
    where = list(dict.fromkeys(channels))
    there = where[0] if len(where) == 1 else ", ".join(where[:-1]) + " and " + where[-1]
    it = "it" if one else "them"
    return (f"{said} {'was' if one else 'were'} left readable for {there}. Keeping {it} "
            f"covered here covers {it} on every channel, {there} too: a cover is never undone "
            f"by choosing another channel. To show {it} on {there} again, choose {there} in "
            f"Post to: and leave {it} readable there.")


__all__ += ["covering_what_was_left_readable"]
__all__ += ["NO_CAPTION", "NO_CAPTION_NOTE"]
