"""The words and formats of a UK school office, in one place: dates as DD/MM/YYYY, "covered"
for what an export paints, plurals, consent states, and errors in plain words."""

from __future__ import annotations

import datetime as _dt
import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from photovet import __version__
from photovet.core import words as _w
from photovet.core.errors import PhotoVetError, ended
from photovet.core.models import UNREAD_AFTER_CUE

#: '2026-03-12', a date, or an ISO time -> '12/03/2026' (local time); '' for nothing
day = _w.uk_day


def when(value: str | _dt.datetime | None) -> str:
    """An ISO time -> '12/03/2026 10:42' in local time."""
    if not value:
        return ""
    try:
        t = value if isinstance(value, _dt.datetime) else _dt.datetime.fromisoformat(str(value))
    except ValueError:
        return day(str(value))
    if t.tzinfo is not None:
        t = t.astimezone()
    return t.strftime("%d/%m/%Y %H:%M")


_STAMP = re.compile(r"\b(\d{4})[:\-](\d{2})[:\-](\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?"
                    r"(?:Z|[+\-]\d{2}:?\d{2})?)?\b")


def uk_dates(text: str) -> str:
    """Dates as files write them ('2011:07:03 20:09:45', '2011-07-03T20:09') shown as
    '03/07/2011 20:09'."""
    def one(m: re.Match) -> str:
        y, mo, d, hh, mm = m.groups()
        if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
            return m.group(0)
        return f"{d}/{mo}/{y}" + (f" {hh}:{mm}" if hh else "")
    return _STAMP.sub(one, text)


#: how many of something, and of photos and videos, said one way by app, commands and core
plural = _w.count
media_count = _w.media_count
consent_word = _w.consent_word
list_word = _w.list_word


#: an approved photo whose approved caption may not go out now (``Engine.caption_refusal``):
#: the approval panel and the photo list's tooltip lead with it, the list's badge says it short
#: (beside the approved tick; the full words elided there at the list's width)
APPROVED_CAPTION_REFUSED = "Not with its approved caption"
APPROVED_CAPTION_REFUSED_BADGE = "Caption not allowed"
#: ... and while that is being checked (in the background: s34, a large register): never
#: "Approved" unchecked
APPROVED_CAPTION_CHECKING_BADGE = "Checking caption\u2026"
APPROVED_CAPTION_CHECKING = ("Its approved caption is being checked with the channel's rules "
                             "(as export checks it)\u2026")
APPROVED_CAPTION_REFUSED_NEXT = ("Export it with no caption, or mark it ready again with a new "
                                 "caption for a senior leader to approve.")


def media_words(paths) -> str:
    """How many photos and videos, by file name (for messages: the core tells them apart by
    content when it checks them): '3 photos', '1 video', '12 photos and 2 videos'."""
    return _w.media_count([Path(str(p)) for p in paths])


def error_text(exc: BaseException, *, after: str = "") -> str:
    """An exception as sentences a school office can act on: the core's message and what to do
    about it, each with a full stop (never two), the first with a capital (not a file's name,
    spelt as it is). ``after``: words it follows, as 'Not added: the name is taken.' (the
    message's first letter then as the core wrote it)."""
    if isinstance(exc, PhotoVetError):
        # the app's words for a hint (or a message) that names a command (words.app_hint:
        # "Register > Staff accounts\u2026", not "photovet users grant")
        hint = _w.app_hint(exc.hint)
        said = _w.app_hint(str(exc)) or ""
        text = ended(f"{ended(said)}\n{ended(hint)}" if hint else said)
        if after:
            return f"{after}: {text}"
        return text if exc.path is not None else text[:1].upper() + text[1:]
    if after:
        return f"{after}: {error_text(exc)}"
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory. Close other programs and try again."
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"The file could not be used{where}: {exc.strerror or exc}."
    return f"Something unexpected went wrong ({type(exc).__name__}: {exc}). " \
           "Help > Copy diagnostics copies what support needs to know."


def clip_length(seconds: float) -> str:
    """A clip's length as a phone shows it: '0:09', '1:05', '1:02:03' (the nearest whole
    second; a clip under a second is '0:01', never '0:00')."""
    total = max(1, int(float(seconds) + 0.5)) if seconds > 0 else 0
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def sentence(text: str) -> str:
    """Capital first letter and a full stop (core messages are lower-case clauses)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


#: a break allowed where nothing is drawn (a zero-width space)
MAY_BREAK = "\u200b"
_PATH_PARTS = re.compile(r"([\\/])")


def breakable_path(path: str, fits: Callable[[str], bool] = lambda part: True) -> str:
    """``path`` as wrapped words show it: a line may end after each folder separator ('/' or
    '\\', a zero-width space after it), and inside a folder's name only where that name is
    too long for a line by itself (``fits(name)`` false): after a '-', '_' or '.'. Qt breaks
    after neither '\\' nor '_' by itself, so a long path was cut off at both sides of a
    narrow column, or broken inside a word (s48 walk, 1024 x 768)."""
    out = []
    for part in _PATH_PARTS.split(path):
        if part in ("/", "\\"):
            out.append(part + MAY_BREAK)
        elif part and not fits(part):
            out.append("".join(c + MAY_BREAK if c in "-_." else c for c in part))
        else:
            out.append(part)
    return "".join(out).rstrip(MAY_BREAK)


def breakable_paths(text: str, paths: Iterable[str],
                    fits: Callable[[str], bool] = lambda part: True) -> str:
    """``text`` with each of ``paths`` in it made breakable (``breakable_path``)."""
    for path in sorted({p for p in paths if p}, key=len, reverse=True):
        text = text.replace(path, breakable_path(path, fits))
    return text


_REJECTED = re.compile(r"row rejected \(line (\d+): (.*)\)", re.S)


def rejected_why(reason: str) -> str:
    """Why the last import rejected someone's register row (``Register.invalid_reason``), as
    sentences to stand after "Register row rejected.": "On line 6 of the file, Facebook is
    'Maybe': it must be Yes or No, or blank for not recorded." (s40 walk: the person page said
    "their row (row rejected (line 6: ...))", brackets in brackets). '' for none."""
    m = _REJECTED.fullmatch(reason.strip())
    if m:
        return f"On line {m.group(1)} of the file, {m.group(2).strip()}".rstrip(".") + "."
    if reason.startswith("UPN on several rows: "):
        return "The same UPN is on several rows: " + reason.partition(": ")[2] + "."
    return sentence(reason)


#: a name read in a photo whose words are not kept: the analysis cache keeps no names, so a name
#: read before PhotoVet was restarted, or on another PC of the office, has none to show; said
#: as what it is (walk5: "A possible name (its words are not kept)" read as a fault)
UNKEPT_NAME = "A name"
UNKEPT_BY_KIND = {"pupil-name": "A pupil's name", "staff-name": "A staff member's name",
                  "name-like": "Words that look like a name"}


#: the place after "my name is", "Name:" or "awarded to" where nothing was read (the core's
#: TextItem.context ``UNREAD_AFTER_CUE``, s53): no words to quote, said as what it is
UNREAD_PLACE = "A place where a name may be written"


def read_words(text: str, kind: str = "", can_draw: Callable[[str], bool] | None = None,
               context: str = "") -> str:
    """A text read in a photo as the window quotes it ("“Olivia Bennett”"), or what it is
    (``kind``: the core's TextItem.kind) instead of empty quotes when its words are not kept:
    "A pupil's name", "Words that look like a name". ``can_draw``: whether this PC's fonts
    draw a character; those it cannot are said after the quote (``unshown_note``).
    ``context`` ``UNREAD_AFTER_CUE``: the place after a cue where nothing was read
    (``UNREAD_PLACE``)."""
    if not text:
        if context == UNREAD_AFTER_CUE:
            return UNREAD_PLACE
        return UNKEPT_BY_KIND.get(kind, UNKEPT_NAME)
    note = unshown_note(text, can_draw) if can_draw is not None else ""
    return f"\u201c{text}\u201d" + (f" ({note})" if note else "")


def text_question(text: str, kind: str, reason: str,
                  can_draw: Callable[[str], bool] | None = None,
                  context: str = "") -> tuple[str, str]:
    """What an open question on a text says, as (what was read, why it is asked): its card
    ("<b>what</b>: why.") and the question "Leave it readable..." asks say it alike. A name
    whose words are not kept (after a restart) is "Words on the photo": "Words that look like
    a name: looks like a name..." said it twice (s55 walk, eight cards)."""
    # its first letter only: "Name:" inside a reason is quoted as read (s53)
    why = reason[:1].lower() + reason[1:] if reason else "may be a name"
    said = read_words(text, kind, can_draw, context)
    if not text and why.startswith("looks like a name"):
        said = "Words on the photo"
    return said, why


#: the scripts a character read may be in, by the start of its Unicode name, as the office
#: would name them
_SCRIPTS = (("CJK", "Chinese/Japanese"), ("HIRAGANA", "Japanese"), ("KATAKANA", "Japanese"),
            ("HANGUL", "Korean"), ("ARABIC", "Arabic"), ("HEBREW", "Hebrew"),
            ("DEVANAGARI", "Devanagari"), ("BENGALI", "Bengali"), ("GURMUKHI", "Gurmukhi"),
            ("GUJARATI", "Gujarati"), ("TAMIL", "Tamil"), ("THAI", "Thai"),
            ("GREEK", "Greek"), ("CYRILLIC", "Cyrillic"))


def _script(c: str) -> str:
    name = unicodedata.name(c, "")
    return next((said for start, said in _SCRIPTS if name.startswith(start)), "")


def unshown_note(text: str, can_draw: Callable[[str], bool]) -> str:
    """What the characters of ``text`` that this PC's fonts cannot draw are (``can_draw``
    false: drawn as an empty box), '' when it draws them all (s48 walk: '口' read on a sign
    was an empty box in the findings list): 'a Chinese/Japanese character, U+53E3';
    'Chinese/Japanese characters: U+53E3, U+5B66'; at most three codes, then how many more."""
    unshown = list(dict.fromkeys(
        c for c in text if not c.isascii() and unicodedata.category(c)[0] not in "MZC"
        and not can_draw(c)))
    if not unshown:
        return ""
    scripts = {_script(c) for c in unshown}
    script = scripts.pop() if len(scripts) == 1 else ""
    codes = ", ".join(f"U+{ord(c):04X}" for c in unshown[:3])
    if len(unshown) > 3:
        codes += f" and {len(unshown) - 3} more"
    if len(unshown) == 1:
        return f"{'an' if script[:1] in tuple('AEIOU') else 'a'} {script} character, {codes}" \
            if script else f"a character, {codes}"
    return f"{script} characters: {codes}" if script else f"characters: {codes}"


def about_text(home: object) -> str:
    """Help > About: what PhotoVet is, its version and licence, and where this PC keeps its
    data (the register, unless the school shares one on its server)."""
    return (f"<p><b>PhotoVet {esc(__version__)}</b></p>"
            "<p>PhotoVet checks school photos and videos before they are posted: faces without "
            "consent and names are covered, hidden data is removed, a senior leader approves, "
            "and what was published is recorded. Nothing leaves the school.</p>"
            "<p>Free software under the GNU General Public Licence, version 3 or later. The "
            "face models it ships are under the Apache 2.0 and MIT licences (their licence "
            "files come with PhotoVet).</p>"
            f"<p>This PC keeps PhotoVet's data in {esc(home)}</p>")


#: the copies an earlier export left in a folder exported into again, kept (s35)
EARLIER_COPIES_KEPT = ("They are still in the folder: export the batch into this folder again to "
                       "be asked again, or delete them yourself before anything in the folder is "
                       "posted.")


__all__ = ["EARLIER_COPIES_KEPT", "UNKEPT_BY_KIND", "UNKEPT_NAME", "UNREAD_PLACE", "about_text",
           "consent_word", "day", "error_text", "esc", "list_word", "media_count", "media_words",
           "plural", "read_words", "rejected_why", "sentence", "text_question", "uk_dates", "when"]
