"""Words shared by the app, the commands and the core's own messages, so each thing is said
one way everywhere: how many photos and videos ("10 photos and 1 video", never "11 photos"
when one is a video), a consent value ("Yes", "No", "Not recorded"), and a withdrawal
("Consent withdrawn on 12/03/2026"). Plain text only: no Qt, no click, nothing printed."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from photovet.core.models import NO, NOT_RECORDED, YES, Channel, Person

#: file endings counted as videos when only a file name is known (the core tells photos and
#: videos apart by content when it checks them; media/video/reader.VIDEO_EXTENSIONS agrees)
VIDEO_ENDINGS = (".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".webm", ".mkv")


def count(n: int, word: str, many: str | None = None) -> str:
    """count(1, "photo") -> '1 photo'; count(3, "person", "people") -> '3 people'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


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
        if where:
            return media_of(Path(str(where)))
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


def register_count(people: int, rejected: int) -> str:
    """How many people the register holds, with the rejected rows said apart (they are in it,
    always covered, so an import's 'new people' and this count can differ): '27 people in the
    register: 25 ready, and 2 whose rows were rejected (always covered until the MIS is fixed
    and the register imported again)'."""
    text = f"{count(people, 'person', 'people')} in the register"
    if not rejected:
        return text
    return (f"{text}: {people - rejected} ready, and {rejected} whose "
            f"row{'s were' if rejected != 1 else ' was'} rejected (always covered until the MIS "
            "is fixed and the register imported again)")


def rejected_count(rejected: int) -> str:
    """'2 people whose rows were rejected (in the register, always covered until fixed)'."""
    return (f"{count(rejected, 'person', 'people')} whose "
            f"row{'s were' if rejected != 1 else ' was'} rejected (in the register, always "
            "covered until fixed)")


def consent_word(state: str | None) -> str:
    """A consent value as people read it: 'Yes', 'No', 'Not recorded' (also for no value at
    all, such as the first entry of a consent history)."""
    return {YES: "Yes", NO: "No", NOT_RECORDED: "Not recorded"}.get(state or NOT_RECORDED,
                                                                     str(state))


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


def withdrawn_reason(when: str | _dt.date | _dt.datetime | None, media: str = "photo",
                     channel_label: str = "") -> str:
    """'Consent withdrawn on 12/03/2026' (for '... for videos on School website' when it was
    the video consent): what a take-down list says when the register once said Yes."""
    what = f" for videos on {channel_label}" if media == "video" and channel_label else ""
    day = uk_day(when)
    return f"Consent withdrawn{what} on {day}" if day else f"Consent withdrawn{what}"


def consent_missing_words(why: str, person: Person | None, channel: Channel, media: str,
                          history: Iterable[Any]) -> str:
    """The reason a take-down list gives for someone (``why``: policy's, such as "Consent
    refused for School website"), said as a withdrawal ("Consent withdrawn on 12/03/2026")
    when the register once said Yes for this channel and media and its last change took the
    Yes away. Only the words change: any other reason (do not photograph, a leaver, never
    asked) is ``why`` as it is. ``history``: the person's consent changes, oldest first
    (``Register.history``)."""
    from photovet.core.policy import no_consent_reason  # noqa: PLC0415

    if person is None or why != no_consent_reason(channel, media,
                                                  person.consent_state(channel.id, media)):
        return why
    last = None
    for change in history:
        if getattr(change, "channel", None) == channel.id and \
                (getattr(change, "media", "photo") or "photo") == media:
            last = change
    if last is None or last.old_state != YES or last.new_state == YES:
        return why
    return withdrawn_reason(last.when, media, channel.label)


__all__ = ["VIDEO_ENDINGS", "consent_missing_words", "consent_word", "count", "media_count",
           "media_of", "part_of", "register_count", "rejected_count", "tally", "uk_day", "verb",
           "withdrawn_reason"]
