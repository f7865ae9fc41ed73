"""Checking a caption typed by a person: pupils' names in the form the policy allows."""

from __future__ import annotations

import datetime as _dt
import functools
import gzip
import importlib.resources
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from photovet.core.errors import ExportError
from photovet.core.models import Channel, Mode, Person
from photovet.core.policy import (
    caption_initials_refusal,
    caption_media,
    caption_name_form,
    caption_school_refusal,
    caption_warning,
)
from photovet.core.vision.text.names import (
    COMMON_SURNAMES,
    COMMON_WORD_NAMES,
    TWO_LETTER_WORDS,
    WORD_SURNAMES,
    NameMatcher,
    abbreviation,
    canon,
    english_words,
    everyday_word,
    ordinary_word,
    strip_accents,
)
from photovet.core.words import (
    CAPTION_NO_GOOD_SUGGESTION,
    CAPTION_NOTHING_LEFT,
    CAPTION_NOTHING_LEFT_SCHOOL,
)

# --------------------------------------------------------------------------------------------
# Captions
# --------------------------------------------------------------------------------------------

# Letters that look like Latin ones (Cyrillic and Greek capitals, small capitals): a caption
# typed or pasted with them still shows the name to every reader (found by an audit:
# "ЕМІLY ТRАNТЕR" passed). One letter for one, so spans stay where they were.
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХІЈЅУЁаеорсхуіјѕ"        # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοκν"                 # Greek
    "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ",        # small capitals
    "ABEKMHOPCTXIJSYEaeopcxyijs"
    "ABEZHIKMNOPTYXokv"
    "abcdefghijklmnopqrstuvwyz")
# a name spelt out letter by letter: "E.m.i.l.y", "E m i l y" (three letters or more)
_SPELLED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][.\s\-·•]{1,2}){2,}[^\W\d_](?![^\W\d_])")


# Direction controls: a right-to-left override (U+202E, RLO) shows the letters after it in
# reverse order until U+202C (PDF) or the end of the line, so "\u202eHTIMS NHOJ" is seen as
# "JOHN SMITH" by every reader (found by an audit: it passed). The other controls (embeddings,
# isolates, marks) move whole words, never letters, and are only left out of the text read.
_RLO, _LRO, _PDF = "\u202e", "\u202d", "\u202c"
_DIRECTION = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                       "\u200e\u200f\u061c")


def _in_display_order(text: str, reverse: bool = True) -> tuple[str, list[int]]:
    """``text`` with every right-to-left override run in the order it is shown (reversed; as
    typed when not ``reverse``) and the direction controls left out, with each character's
    index in ``text``."""
    if not reverse:
        kept = [i for i, ch in enumerate(text) if ch not in _DIRECTION]
        return "".join(text[i] for i in kept), kept
    out: list[int] = []
    run: list[int] | None = None      # the indices inside an override run, as typed
    depth = 0
    for i, ch in enumerate(text):
        if ch in _DIRECTION:
            if ch in (_RLO, _LRO) or (ch in "\u202a\u202b" and run is not None):
                if run is None and ch == _RLO:
                    run, depth = [], 1
                elif run is not None:
                    depth += 1
            elif ch == _PDF and run is not None:
                depth -= 1
                if depth == 0:
                    out.extend(reversed(run))
                    run = None
            continue
        if ch in "\n\r\u2029" and run is not None:     # an override ends with its paragraph
            out.extend(reversed(run))
            run = None
        (run if run is not None else out).append(i)
    if run is not None:
        out.extend(reversed(run))
    return "".join(text[i] for i in out), out


def _as_read(caption: str, shown_order: bool = True) -> tuple[str, list[int]]:
    """The caption as a reader reads it (lookalike letters as Latin ones, letters under a
    right-to-left override in the order shown, names spelt out letter by letter joined up),
    and for each of its characters the index it came from. ``shown_order`` False: the letters
    in the order typed (an override nested in another shows its letters as typed)."""
    text, shown = _in_display_order(caption.translate(_LOOKALIKES), shown_order)
    out: list[str] = []
    where: list[int] = []
    pos = 0
    for m in _SPELLED.finditer(text):
        out.extend(text[pos:m.start()])
        where.extend(shown[pos:m.start()])
        for i in range(m.start(), m.end()):
            if text[i].isalpha():
                out.append(text[i])
                where.append(shown[i])
        pos = m.end()
    out.extend(text[pos:])
    where.extend(shown[pos:])
    return "".join(out), where


#: an "@" before a letter: an address ("tobias@school.org") whose name part is read as a word
#: of its own, or a social media handle ("@jsmith", "@twinterbottom": s61, they passed, the
#: "@" read as the letter a) (``_readings``)
_AT_IN_WORD = re.compile(r"@(?=\w)|(?<=[^\W_])_(?=[^\W_])")   # (and "Tobias_W": s61)


def _readings(caption: str) -> list[tuple[str, list[int]]]:
    """Every way the caption may be read (``_as_read``): the letters in the order typed and,
    when a right-to-left override reorders them, in the order shown. Both are checked: a name
    either way is a name (fail closed on what a viewer's bidi support makes of nested runs).
    And where an "@" stands before a letter, each again with it read as a space: the name
    matcher reads "@" as the letter a (a reading's "M@ry"), so the name before an address's
    "@" was one word with what follows ("tobias@x.uk", s60: passed, for a pupil who must
    never be named), and a handle's name began with an "a" ("@jsmith", s61). An underscore
    between letters is read as a space the same way ("Tobias_W", s61)."""
    typed = _as_read(caption, shown_order=False)
    shown = _as_read(caption) if _RLO in caption else typed
    out = [typed] if shown[0] == typed[0] else [typed, shown]
    return out + [(_AT_IN_WORD.sub(" ", read), where) for read, where in out
                  if _AT_IN_WORD.search(read)]


def _typed_span(where: list[int], start: int, end: int) -> tuple[int, int]:
    """The characters of the caption as typed that the read text's ``start:end`` came from
    (reversed under an override, so the smallest and the largest index)."""
    picked = where[start:end]
    return min(picked), max(picked) + 1


def _hits(matcher: NameMatcher, caption: str) -> Iterator[tuple[str, list[int], Any]]:
    """(read text, its indices in the caption, a name found in it) for every reading."""
    for read, where in _readings(caption):
        for hit in matcher.find_all(read):
            yield read, where, hit


def _found(caption: str, read: str, where: list[int], start: int, end: int) -> str:
    """The words found, as typed; as shown when an override reversed them (a reason that
    quoted "HTIMS NHOJ" would make no sense to the person who typed it)."""
    s, e = _typed_span(where, start, end)
    typed = caption[s:e]
    if where[start:end] == sorted(where[start:end]):
        return typed
    return read[start:end]


#: said after the reason for a word only close to a first name or a common surname alone
#: ("Olivai", "Smtih"; names.NameHit.weak): it may be an everyday word PhotoVet does not know
#: (inside a sentence, "Year 3 Games afternoon": "Games" is one letter from James; opening one,
#: or after "the", a word of names.english_words passes: NameMatcher._ordinary_word_near), and
#: only the person can tell. An everyday word in lower case is never taken for one.
WEAK_NAME_ASK = ("if it is not a name but an ordinary word, write it in lower case and check "
                 "again")


#: the reason for a name on a channel whose names rule is "none" (``policy.caption_name_form``)
_NO_NAMES = "{channel} shows no names: leave the name out"


@dataclass
class CaptionFinding:
    span: tuple[int, int]
    person: str | None
    found: str
    replacement: str
    reason: str
    named: bool = False       # the reason starts with a person's name, as the register has it

    @property
    def reason_in_sentence(self) -> str:
        """The reason inside a sentence: lower case first, unless it starts with a name."""
        if self.named or not self.reason:
            return self.reason
        return self.reason[0].lower() + self.reason[1:]

    def to_dict(self) -> dict[str, Any]:
        return {"span": list(self.span), "person": self.person, "found": self.found,
                "replacement": self.replacement, "reason": self.reason}


@dataclass
class CaptionCheck:
    ok: bool
    findings: list[CaptionFinding] = field(default_factory=list)
    suggestion: str = ""
    #: no suggestion though words are left: none reads right without the names ("Tobias and
    #: Amy are such stars": ``_agrees``)
    cannot_suggest: bool = False
    #: why there is no suggestion, where the words are not this check's own
    #: (``caption_verdict``: a later check refused its suggestion, or the school's name)
    none_because: str = ""
    #: what later checks changed in the suggestion (``CaptionError.also``: their places are
    #: in the suggestion, not in the caption as typed): said, never highlighted (s46 walk)
    also: list[CaptionFinding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_dict() for f in self.findings],
                "suggestion": self.suggestion}

    @property
    def no_suggestion(self) -> str:
        """Why there is no suggestion, in the office's words ('' when there is one)."""
        if self.ok or self.suggestion.strip():
            return ""
        if self.none_because:
            return self.none_because
        return CAPTION_NO_GOOD_SUGGESTION if self.cannot_suggest else CAPTION_NOTHING_LEFT


def check_caption(caption: str, people: Sequence[Person], channel: Channel, on: _dt.date,
                  mode: str, *, threshold: int = 90, media: str = "photo",
                  sentence: bool = True, matcher: NameMatcher | None = None) -> CaptionCheck:
    """Find pupils' names in a caption and suggest the form the policy allows.

    Pupils whose names may not be shown become initials ("John Smith" -> "JS"); where the
    channel allows only first names, the surname is dropped. Anyone on the do-not-photograph
    list is named in a warning: they must not be in the post at all. Staff names are checked
    against their own consent, like pupils'. Former names ("also known as": an import renamed
    them) are checked exactly like the current one. The suggestion never holds any part of the
    name, now or before, of anyone on the do-not-photograph list. ``sentence``: the suggestion
    reads as a sentence (``_as_sentence``; not for a batch label, which becomes file names).
    ``matcher``: ``caption_matcher(people, threshold)`` built once for many captions (s34: a
    register of 900 pupils took 0.2 s to build it for each caption).
    """
    if matcher is None:
        matcher = caption_matcher(people, threshold)
    first = _check_once(caption, matcher, channel, on, mode, media)
    suggestion = _without_dnp_names(first.suggestion, people)
    cannot = first.cannot_suggest
    for _ in range(3):      # what is left must pass too (initials that are a name, ...)
        again = _check_once(suggestion, matcher, channel, on, mode, media)
        if again.ok:
            break
        suggestion = _without_dnp_names(again.suggestion, people)
        cannot = cannot or again.cannot_suggest
    if first.ok:
        return first
    said = _as_sentence(caption, suggestion) if sentence else suggestion
    if said != suggestion and _check_once(said, matcher, channel, on, mode, media).ok:
        suggestion = said       # (a capital that makes a word a name, "Hope ...", stays off)
    if not any(c.isalnum() for c in suggestion):
        suggestion = ""         # nothing is left ("This is Tobias."): no suggestion, not "."
    return CaptionCheck(ok=False, findings=first.findings, suggestion=suggestion,
                        cannot_suggest=cannot and not suggestion)


def caption_matcher(people: Sequence[Person], threshold: int) -> NameMatcher:
    """The names of ``people`` as captions are checked against (``check_caption``): built
    once, for as many captions as are checked against the same people and threshold (it is
    only read afterwards, so threads may share it)."""
    return NameMatcher(people, threshold=threshold, in_sentences=True)


def _as_sentence(caption: str, suggestion: str) -> str:
    """The suggestion opening as the caption did: with a capital when a name or initials left
    out opened it ("Sam won the race" -> "Won the race", not "won the race"), and not with a
    word that joined names in a list ("Sam, Kai and Olivia won" -> "Olivia won")."""
    joiner = _OPENING_JOINER.match(suggestion)
    if joiner and joiner.end() < len(suggestion) and not _OPENING_JOINER.match(caption):
        suggestion = suggestion[joiner.end():]
    was = next((c for c in caption if c.isalpha()), "")
    word = re.search(r"[^\W\d_]+", suggestion)
    first = next((c for c in suggestion if c.isalnum()), "")
    if was.isupper() and word and word.group(0).islower() and not first.isdigit():
        # (not after a number: "Tobias is 7 today!" -> "7 today!", not "7 Today!")
        k = word.start()
        suggestion = suggestion[:k] + suggestion[k].upper() + suggestion[k + 1:]
    return suggestion


# a word that joins names in a list, opening a text ("and Olivia won")
_OPENING_JOINER = re.compile(r"\s*(?:and|or|&)(?![^\W_])[\s,;]*", re.IGNORECASE)


def _initials(words: str) -> str:
    """"Kit Hart" -> "KH" (lookalike letters as the Latin ones a reader sees)."""
    return "".join(w[0].upper() for w in _as_read(words)[0].split() if w[:1].isalpha())


def _in_current_name(found: str, person: Person) -> bool:
    """Is any word of ``found`` one of the person's current names (not a former one)?"""
    now = {canon(n) for n in (person.legal_forename, person.preferred_forename,
                              person.legal_surname, person.preferred_surname) if n}
    read = _as_read(found)[0]
    if any(canon(w) in now for w in re.split(r"[\s,]+", read) if w):
        return True
    joined = canon(read)        # a name spelt out letter by letter is read as one word
    return any(len(k) >= 3 and k in joined for k in now)


def _after_a_first_name(caption: str, start: int, matcher: NameMatcher) -> bool:
    """Does the word right before ``start`` (one or more spaces between) read as a pupil's
    first name ("Olivia" in "Olivia Kowalski")?"""
    before = caption[:start]
    if not before.endswith(" ") or not before.strip():
        return False
    word = _as_read(before.rstrip(" ").rsplit(None, 1)[-1])[0]
    return bool(_WORD.fullmatch(word)) and canon(word) in matcher.first_keys


def _check_once(caption: str, matcher: NameMatcher, channel: Channel, on: _dt.date, mode: str,
                media: str) -> CaptionCheck:
    findings: list[CaptionFinding] = []
    taken: list[tuple[int, int]] = []
    names: list[tuple[int, int]] = []       # every name and initials, left as typed or not
    for read, where, hit in _hits(matcher, caption):
        s, e = _typed_span(where, *hit.span)    # back to the caption typed
        at = s > 0 and caption[s - 1] == "@" and (s == 1 or not caption[s - 2].isalnum())
        s -= at     # a handle's "@" goes with its name ("cc @twinterbottom" left "cc @")
        names.append((s, e))
        if any(s < te and ts < e for ts, te in taken):
            continue
        person = matcher.by_id.get(hit.person) if hit.person else None
        found = "@" * at + _found(caption, read, where, *hit.span)
        warning = caption_warning(person, on)
        if hit.role == "staff" and hit.form == "forename":
            continue  # a staff member's first name alone says little (as in the picture)
        form = caption_name_form(person, channel, mode, on, media)
        named = False
        if form == "none" and not warning and not (person is None and any(
                c in matcher.by_id and matcher.by_id[c].do_not_photograph
                for c in hit.candidates)):
            # a channel that shows no names: the name is left out, never made initials (s32)
            repl = ""
            reason = _NO_NAMES.format(channel=channel.label)
            if hit.misspelt:
                whose = "a member of staff's" if person is not None and person.is_staff \
                    else "a pupil's"
                reason = (f"Looks like {whose} name spelt differently; "
                          f"{reason[0].lower()}{reason[1:]}")
        elif person is None:
            candidates = [matcher.by_id[c] for c in hit.candidates if c in matcher.by_id]
            if any(c.do_not_photograph for c in candidates):
                # one of the pupils it may be must not be in the post at all
                repl = ""
                reason = ("Name fits a pupil on the do-not-photograph list: leave it out of "
                          "this post")
            elif len(candidates) > 1 and hit.misspelt:
                # "Smtih" with two pupils called Smith: said as it is for one of them
                repl = _initials(found) or found[:1]
                reason = "Looks like a pupil's name spelt differently (it fits several): use initials"
            elif len(candidates) > 1:
                # the same first name fits several pupils: initials of the name as written
                repl = _initials(found) or found[:1]
                reason = "Name fits several pupils: use initials"
            else:
                repl = _initials(found) or found[:1]
                reason = "Name not matched to one pupil for certain: use initials"
        elif warning:
            repl = ""
            reason = warning
            named = True
        elif form == "full":
            continue
        elif form == "first":
            if hit.form in ("forename",):
                continue
            repl = person.first_name if _in_current_name(found, person) or hit.misspelt else \
                found.split()[0] if found.split() else found
            if hit.form == "surname" and _after_a_first_name(caption, s, matcher):
                repl = ""   # "Olivia Kowalski": the surname goes, as a full name's does (s32)
            reason = f"First name only on {channel.label}"
        else:
            # a name typed with a slip ("Jhon Smtih") is still theirs: their initials
            current = _in_current_name(found, person) or hit.misspelt
            if hit.form == "forename" or hit.form == "surname":
                repl = _initials(found)[:1] or found[:1] if not current else \
                    (person.first_name or found)[0].upper() if hit.form == "forename" \
                    else (person.surname or found)[0].upper()
            elif hit.misspelt:
                # their initials, whatever the slip ("Smtih, Jhon" -> "JS", "01ivai" -> "O")
                repl = person.initials
            else:
                repl = person.initials if current else (_initials(found) or found[:1])
            who = "this member of staff" if person.is_staff else "this pupil"
            # a video's caption follows video consent: said so (audit s29: "with a photo" for
            # a batch refused for its video sent the office to a photo consent that was there)
            what = "a video" if media == "video" else "a photo"
            reason = f"No consent to name {who} with {what} on {channel.label}: use initials"
            if hit.misspelt:
                whose = "a member of staff's" if person.is_staff else "a pupil's"
                reason = (f"Looks like {whose} name spelt differently; "
                          f"{reason[0].lower()}{reason[1:]}")
        if hit.weak:
            reason = f"{reason}; {WEAK_NAME_ASK}"
        if repl and found[-2:].lower() in _POSSESSIVE and repl[-2:].lower() not in _POSSESSIVE:
            repl += found[-2:]      # "Sam's painting" -> "S's painting", not "S painting"
        elif repl and found[-1:].lower() == "s" and caption[e:e + 1] in ("'", "\u2019") \
                and not caption[e + 1:e + 2].isalpha() and repl[-1:].lower() != "s":
            repl += caption[e] + "s"    # "James' painting" -> "J's painting", not "J' painting"
            e += 1
        findings.append(CaptionFinding((s, e), hit.person, found, repl, reason, named))
        taken.append((s, e))
    for s, e, typed, pupils, lower, middle, word in _typed_initials(caption, matcher):
        names.append((s, e))
        if any(s < te and ts < e for ts, te in taken):
            continue
        # (three letters in lower case that are all a pupil's, "tsw": said as initials are)
        two = sum(c.isalpha() for c in typed) == 2
        refusal = caption_initials_refusal(pupils, channel, mode, on, media,
                                           lower_case=lower and two, middle=bool(middle),
                                           word=word, shape=middle)
        if refusal:
            findings.append(CaptionFinding((s, e), pupils[0].id if len(pupils) == 1 else None,
                                           typed, "", refusal))
            taken.append((s, e))
    suggestion = caption
    staff = frozenset(f.person for f in findings
                      if f.person in matcher.by_id and matcher.by_id[f.person].is_staff)
    edits = _edits(caption, findings, names, staff)
    for (s, e), repl in reversed(edits):
        suggestion = suggestion[:s] + repl + suggestion[e:]
    # an edit that cannot be made right: no suggestion (the caption is refused all the same)
    cannot = any(r == _NO_SUGGESTION for _sp, r in edits)
    return CaptionCheck(ok=not findings, findings=sorted(findings, key=lambda f: f.span[0]),
                        suggestion="" if cannot else _tidy(suggestion), cannot_suggest=cannot)


_POSSESSIVE = ("'s", "\u2019s")
# Two capitals typed as initials: "KJ", "K.J.", "K. J.", "K J" (not inside a word or a number:
# "PTA", "KS2")
_TWO_INITIALS = re.compile(r"(?<![^\W_])([A-Z])(\.)?(\s)?([A-Z])(\.)?(?![^\W_])")
# ... and in lower case: "tw", "t.w.", "t. w." (a space only after a full stop: "a b" is no one)
_TWO_LOWER = re.compile(r"(?<![^\W_])([a-z])(?:(\.)(\s)?)?([a-z])(\.)?(?![^\W_])")
# ... and with one capital, as a name is written: "Tw", "T.w." (s34)
_TWO_TITLE = re.compile(r"(?<![^\W_])([A-Z])(?:(\.)(\s)?)?([a-z])(\.)?(?![^\W_])")
# Three capitals: "TJW", "T.J.W.", "T. J. W." (a middle name's initial between: s34)
_THREE_INITIALS = re.compile(
    r"(?<![^\W_])([A-Z])(\.)?(\s)?([A-Z])(\.)?(\s)?([A-Z])(\.)?(?![^\W_])")
# Three letters or more typed as one word, in any mix of case, or each with a full stop (and a
# space) after it (letters spelt out with spaces, "t j w", are read joined up by _as_read):
# "tjw", "Tjw", "tJW", "TJWB", "TJKLW", "t.j.w.", "T. J. W. B." (s35, s36; which of them are
# initials: _typed_initials); not "a.m. to"
_MORE_LETTERS = re.compile(
    r"(?<![^\W_])(?:[A-Za-z]{3,}\.?|(?:[A-Za-z]\.\s?){2,}[A-Za-z]\.?)(?![^\W_])")
# the most letters typed as one word ("TJWB") read as a pupil's initials with middle names
# between, first and last theirs (s35); five or more typed so are read as initials only when
# they look like no word ("TJKLW", "TAJKW", not "HEATON", "sportsclub", "yaaay":
# _unlike_a_word), and
# then as the initials of every pupil whose initials they hold as a run too (s36: "TJKLW" for
# Kai Lewis); spelt out with full stops or spaces, any number ("T.J.K.L.W."); with one capital
# and a vowel they are a name or a place ("Schmidt", "Twinkl": the name check reads names)
_BARE_MOST = 4
# a short form written with full stops ("e.g.", "i.e.", "a.m.", "P.E.", "etc."): a reading of
# initials does not run on into the next letter ("e.g. a banana" is no "EGA": s36)
_DOTTED = re.compile(r"(?<![^\W_])(?:[A-Za-z](?:\.[A-Za-z])+\.?|etc\.)(?![^\W_])")
# short forms written with full stops in lower case as well as those of names.abbreviation
_DOTTED_LOWER = frozenset(["cf", "viz", "nb", "ps", "eg", "ie", "am", "pm", "aka", "rsvp", "pto",
                           "etc", "approx"])
# a first part of a word in mixed case that is no word of its own ("iPad", "eBay", "McDonald")
_CAMEL_PREFIXES = frozenset(["i", "e", "x", "mc", "mac", "o", "de", "di", "da", "la", "le",
                             "van", "von", "st"])


# words of three or four letters school posts use that the word list lacks (festivals, clubs,
# phonics schemes, things online, words typed short: general knowledge of UK school life, not
# taken from any test set): "Eid lunch", "RWI phonics", "pics from sports day", "Gran's visit"
_SCHOOL_WORDS = frozenset([
    "eid", "holi", "puja", "diya", "onam", "wudu", "vlog", "bmx", "pgl", "rota", "kpop", "yolo",
    "fomo", "dojo", "tbt", "rwi", "phse", "pic", "pics", "vids", "mins", "hols", "bday", "gran",
    "thx", "pls", "xoxo", "hmm", "ooh", "aah", "eek", "grr", "sch", "ppl", "tmrw", "meds", "hwk",
    # five letters or more (s36: read as initials when they look like no word): charities and
    # bodies, qualifications, words typed short
    "nspcc", "rspca", "unicef", "mencap", "barnardos", "ofsted", "senco", "gcses", "phd", "bsc",
    "msc", "pgce", "thnks", "thnx", "hwrk", "shhh", "hmmm", "brrr", "grrr", "psst", "spag",
    "abrsm", "dofe", "camhs", "twinkl", "czech", "adhd", "asd", "mtc", "ttrs", "hmrc", "fifa", "uefa",
])
# a number in Roman numerals ("Henry VIII", "Year iii", "Louis xiv")
_ROMAN = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")


@functools.lru_cache(maxsize=1)
def short_words() -> frozenset[str]:
    """Every word of three or four letters in SCOWL's British English list (as Debian's
    ``wbritish`` ships it), in lower case, names, places and short forms too ("kit", "bee",
    "odd", "eid", "tom", "rome", "nasa": ``names.english_words`` leaves those out): letters typed
    as one word in lower case or with one capital ("tjw", "Tjw"), or four in capitals ("TJWB"),
    are read as initials only when they are none of these (s35). How it was made:
    ``data/README.txt``; its licence is ``data/LICENSE-english_words.txt``."""
    raw = importlib.resources.files("photovet.core.vision.text").joinpath(
        "data", "short_words.txt.gz")
    return frozenset(gzip.decompress(raw.read_bytes()).decode("ascii").split())


#: Two letters that are a word or a short form written in lower case as often as initials are
#: ("see pg 4", "ch 3", "rm 12", "love from Year 2 xx", "pt 2", "the co-op", "Mrs Khan and co"),
#: beyond ``names.TWO_LETTER_WORDS``: every pair SCOWL's British English list (as Debian's
#: ``wbritish`` ships it: ``data/README.txt``) has in lower case that is not one of those, with
#: "co" (SCOWL has only "Co"). In lower case or with one capital they are refused only as the
#: initials of a pupil on the do-not-photograph list; where no names are shown, other pupils'
#: initials in these letters pass (``policy.caption_initials_refusal``, ``word``: s35, measured
#: with bench/captions.py: nearly every pair is some pupil's initials in a register of 300)
LOWER_SHORT_FORMS = frozenset([
    "ca", "cf", "ch", "co", "cs", "ct", "cu", "dd", "dz", "ea", "ed", "em", "es", "fl", "fr",
    "gr", "gs", "ho", "ii", "iv", "ix", "kc", "ls", "mg", "mi", "nu", "pd", "pg", "pl", "pt",
    "qt", "rm", "rs", "sh", "sq", "ti", "ts", "vi", "wt", "xi", "xv", "xx",
])


def _pupil_initials(people: Sequence[Person]) -> dict[str, list[Person]]:
    """Every pupil by the initials a caption may call them ("KJ"): of each first name with each
    surname they are known by (legal, preferred, former); and, when their names have three
    words between them ("Tori Smith-Wells", "Mary Jane Cole"), by the three ("TSW", "MJC")."""
    out: dict[str, list[Person]] = {}

    def add(key: str, p: Person) -> None:
        who = out.setdefault(strip_accents(key), [])
        if p not in who:
            who.append(p)

    for p in people:
        if p.is_staff:
            continue
        for f in p.forenames:
            for sn in p.surnames:
                a, b = _as_read(f)[0][:1].upper(), _as_read(sn)[0][:1].upper()
                if a.isalpha() and b.isalpha():
                    add(a + b, p)
                parts = [w for w in re.split(r"[-\s]+", _as_read(f"{f} {sn}")[0]) if w]
                if len(parts) == 3 and all(w[:1].isalpha() for w in parts):
                    add("".join(w[0].upper() for w in parts), p)
    return out


def _not_initials(letters: str, bare: bool, capitals: bool, *, typed: str = "",
                  alone: bool = False) -> str:
    """Are these letters, found where initials may be, a word or a short form instead? "word":
    never read as initials; "soft": a word too, read as initials only where a pupil on the
    do-not-photograph list may be meant (``policy.caption_initials_refusal``, ``word``: they
    are refused on every channel, s37); "": initials.

    A short form school captions use ("PE", "KS", "PTA": ``names.abbreviation``), always a
    word; a word ("TO", "WE", "THE", "FUN"; not in capitals "to", "oh", "mr":
    ``names.TWO_LETTER_WORDS``) unless written in capitals with full stops or spaces ("T.O."),
    which only initials are. Three or four letters typed as one word that are no word but a
    name, a place or a short form of the English word list (``short_words``: "eid", "tom",
    "rome", "tlc"), a school word (``_SCHOOL_WORDS``: "pls", "RWI", "NSPCC"), a number in Roman
    numerals ("VIII") are words, as those are far more often meant than initials (s35), but
    "soft": three in capitals ("TOM"), two letters in lower case that are a short form written
    so ("pg", "xx": ``LOWER_SHORT_FORMS``), and, in capitals standing ``alone`` among words that
    are not (capitals are how initials are typed), those with a vowel ("Well done TOM", "a trip
    to ROME", "PLS won": s37, a listed pupil's initials were passed); there, without a vowel,
    initials ("TLC's painting": s37, it passed where no names are shown). In a caption written
    in capitals ("ROME TRIP 2026") four are words. Letters ``typed`` in an
    odd mix of case ("aRC", "PlS", "tJW": no word is written so) are initials unless a short
    form written so (``_MIXED_CASE_FORMS``: "PhD", "BSc")."""
    low = letters.lower()
    if bare and typed.isalpha() and not capitals and not typed.islower() and \
            not (typed[:1].isupper() and typed[1:].islower()):
        return "word" if typed in _MIXED_CASE_FORMS else ""
    if abbreviation(letters):
        return "word"
    if bare and re.search(r"(.)\1\1", letters):
        return "word"       # a letter said over: "sooo", "zzz", "NOOO" (s36)
    if bare and low in _SCHOOL_WORDS:
        # ("PGL", "RWI", "BMX"); alone in capitals, a listed pupil's initials too ("PLS won")
        return "soft" if capitals and alone else "word"
    if capitals and not bare:
        return ""
    if everyday_word(low) or (len(low) > 2 and low in english_words()):
        return "word"
    if bare and len(low) > 2 and (low in short_words() or _ROMAN.fullmatch(low)):
        if not capitals:
            return "word"   # "kit", "eid", "Stan", "xiv"
        if alone:
            # "TLC's painting": no word is said so; "Well done TOM", "a trip to ROME", "Henry
            # VIII": a listed pupil's initials too (s37)
            return "soft" if any(c in _VOWELS for c in low) else ""
        return "soft" if len(low) == 3 else "word"      # in a caption in capitals: "ROME TRIP"
    if not capitals and low in TWO_LETTER_WORDS:
        return "word"       # "MR" in capitals: initials
    if bare and not capitals and len(low) == 2 and low in LOWER_SHORT_FORMS:
        return "soft"
    return ""


# short forms written in a mix of case that no initials are typed in ("PhD", "BSc")
_MIXED_CASE_FORMS = frozenset(["PhD", "BSc", "MSc", "BEd", "MEd", "BTec", "DfE", "DfES", "DofE"])


def _alone_in_capitals(caption: str, s: int, e: int) -> bool:
    """Are the capitals at ``s:e`` the only capitals among the words beside them: the word
    before and the word after (two letters or more), where there are any, are not written in
    capitals ("Well done AMELO!", "TLC's painting"; not "ROME TRIP 2026", "DAN THE DRAGON")?"""
    before = re.findall(r"[^\W\d_]{2,}", caption[:s])
    after = re.findall(r"[^\W\d_]{2,}", caption[e:])
    return not any(w.isupper() for w in before[-1:] + after[:1])


def _whose(letters: str, by_initials: dict[str, list[Person]]) -> tuple[list[Person], str]:
    """The pupils whose initials ``letters`` (two or more, in capitals) may be, and how: ""
    theirs exactly ("KJ"; "TSW" for Tori Smith-Wells); "middle", with a middle name between
    (the register keeps none, s34: "TJW" for Tori Wells, first and last theirs); "middles",
    with two or more ("TJKW", "TJKLW"; or "TJSW" for Tori Smith-Wells, whose three are the
    first, one between and the last); "inside", five letters or more that hold their initials
    as a run ("TJKLW" for Kai Lewis, "KL": s36), when no pupil's are the first and last."""
    exact = by_initials.get(letters, [])
    if len(letters) == 2:
        return list(exact), ""
    who = list(exact)
    for key in [letters[0] + letters[-1]] + [letters[0] + m + letters[-1]
                                             for m in dict.fromkeys(letters[1:-1])]:
        if key != letters:
            who += [p for p in by_initials.get(key, []) if p not in who]
    shape = "" if exact else "middle" if len(letters) == 3 else "middles"
    if len(letters) >= 5:
        ends = bool(who)
        for size in (2, 3):
            for k in range(len(letters) - size + 1):
                who += [p for p in by_initials.get(letters[k:k + size], []) if p not in who]
        if who and not ends:
            shape = "inside"
    return who, shape


def _typed_initials(caption: str, matcher: NameMatcher
                    ) -> Iterator[tuple[int, int, str, list[Person], bool, str, bool]]:
    """(start, end, as typed, the pupils whose initials they may be, not typed in capitals,
    how beyond their initials (``_whose``: "" none, "middle", "middles", "inside"), a word or
    short form that is refused only as a listed pupil's initials) for
    each group of letters in the caption typed as initials that may be a pupil's
    (``policy.caption_initials_refusal`` says which may not go out):

    * two capitals ("Well done KJ", "K.J. won"), unless a short form school captions use
      ("PE", "DT", "KS2": ``names.abbreviation``) or a common English word in capitals ("WE",
      "TO") written without full stops or a space ("T.O." is initials);
    * two letters in lower case ("well done tw", "t.w.") or with one capital, as a name is
      written ("Tw won", "Well done Tw": s34), unless a short form or a word ("to", "we", "pe",
      "am", "oh", "mr": ``names.TWO_LETTER_WORDS``; "To", "Us", "At" opening a sentence), with
      full stops or not ("e.g.", "a.m."); with one capital, not a first name someone in the
      register has ("Jo": a member of staff's name, or the pupil's, which the name check finds);
      a short form written so too ("pg", "xx", "Co": ``LOWER_SHORT_FORMS``) is said as one;
    * three capitals ("TJW", "T.J.W.") or three letters in lower case or with one capital
      ("t.j.w.", "tjw", "Tjw": s35), four ("TJWB", "tjwb", "T.J.W.B.": s35) or, spelt out with
      full stops, up to six: the first and the last a pupil's initials, with a middle name or
      more between (the register keeps none: they may be theirs, s34), or the initials of a
      pupil's three names ("TSW": Tori Smith-Wells) with or without more between, unless a short
      form ("PTA", "SEN", "BBC") or, typed as one word, a word ("THE", "FUN"; "kit", "eid",
      "Tom", "ROME" in lower case, with one capital or four in capitals: ``short_words``; or
      a number in Roman numerals, "VIII", "xiv");
      with one capital, not a first name someone in the register has."""
    # the register's pupils by their initials: worked out once per matcher (kept with it)
    by_initials = getattr(matcher, "_pupil_initials", None)
    if by_initials is None:
        by_initials = _pupil_initials(list(matcher.by_id.values()))
        matcher._pupil_initials = by_initials     # type: ignore[attr-defined]
    if not by_initials:
        return
    seen: set[tuple[int, int]] = set()
    for read, where in _readings(_dotted_masked(caption)):
        found: list[tuple[re.Match[str], str, bool]] = []
        for m in _THREE_INITIALS.finditer(read):
            found.append((m, m.group(1) + m.group(4) + m.group(7), True))
        for m in _MORE_LETTERS.finditer(read):
            run = m.group(0)
            letters = "".join(c for c in run if c.isalpha())
            capitals = letters.isupper()
            if capitals and len(letters) == 3:
                continue        # (_THREE_INITIALS)
            if capitals or letters.islower() or (letters[0].isupper() and letters[1:].islower()):
                found.append((m, letters.upper(), capitals))
            elif not run.isalpha():
                found.append((m, letters.upper(), False))      # "t.J.w.": spelt out
            elif re.fullmatch(r"[A-Z]{2,}s", run):
                # a short form's plural ("DVDs", "PTAs", "SATs"), or initials': their letters
                if len(run) > 3 and _not_initials(run[:-1], True, True) != "word":
                    found.append((m, run[:-1], True))
            elif not _camel_words(run):
                found.append((m, letters.upper(), False))      # "tJW", "TjW" (s36)
        for pattern, capitals in ((_TWO_INITIALS, True), (_TWO_LOWER, False),
                                  (_TWO_TITLE, False)):
            for m in pattern.finditer(read):
                found.append((m, (m.group(1) + m.group(4)).upper(), capitals))
        for m, letters, capitals in found:
            s, e = _typed_span(where, m.start(), m.end())
            said = _found(caption, read, where, m.start(), m.end())
            if caption[s:e].endswith(".") and caption[s:e - 1].isalpha():
                e -= 1          # "Well done TJW.": the sentence's full stop stays
                said = said.rstrip(".")
            # as typed: letters spelt out one by one ("T.J.W.", "t. j. w.") are read joined up
            bare = caption[s:e].isalpha() or re.fullmatch(r"[A-Z]{2,}s", caption[s:e]) is not None
            letters = strip_accents(letters)
            # in capitals among words that are not ("Well done AMELO!", "TLC's painting"): as
            # initials are typed, not as a caption written in capitals ("ROME TRIP") is (s37)
            alone = capitals and bare and _alone_in_capitals(caption, s, e)
            if bare and len(letters) > _BARE_MOST and \
                    m.group(0)[:1].isupper() and m.group(0)[1:].islower() and \
                    any(c in _VOWELS for c in m.group(0).lower()):
                continue        # "Schmidt", "Twinkl": a name or a place (the name check's)
            who, middle = _whose(letters, by_initials)
            kind = _not_initials(letters, bare, capitals, typed=m.group(0), alone=alone) \
                if who else "word"
            if kind == "" and bare and len(letters) > _BARE_MOST and \
                    not _unlike_a_word(letters, alone):
                # "HEATON", "sportsclub", "yaaay", "cross", "begin" (the word list has them as
                # names only): read as a word (see _BARE_MOST), for a listed pupil too (s37:
                # as their initials, 3 of 220 ordinary captions more were refused)
                kind = "word"
            if kind == "word":
                continue
            if not capitals and m.group(0)[:1].isupper() and canon(m.group(0)) in \
                    matcher.first_keys:
                continue        # "Jo": a first name in the register, not initials
            if caption[e:e + 2] in _POSSESSIVE:
                e += 2          # "KJ's painting": the "'s" goes with them
            if (s, e) in seen:
                continue
            seen.add((s, e))
            # a short form typed as one ("pg", "Ch"; "p.g." is initials), or letters that are a
            # name, a place or a short form of the word list ("ROME TRIP", "eid", "pls": s36,
            # s37): refused only as a listed pupil's (policy.caption_initials_refusal, word)
            yield s, e, said, who, not capitals, middle, kind == "soft"


def _dotted_masked(caption: str) -> str:
    """The caption with each short form written with full stops ("e.g.", "i.e.", "a.m.", "p.m.",
    "etc.", "P.E.", "R.E.", "D.T.") made no letters (as long), so that letters spelt out as
    initials are not read on into it ("e.g. a banana", "at 3 p.m. a show": s36). In lower case
    the common ones (``_DOTTED_LOWER``) and every ``names.abbreviation``; in capitals only
    those ("E.G." may be initials)."""
    def masked(m: re.Match[str]) -> str:
        said = m.group(0)
        letters = "".join(c for c in said if c.isalpha())
        low = letters.lower()
        if (letters.islower() and low in _DOTTED_LOWER) or (
                (letters.islower() or letters.isupper()) and abbreviation(letters)):
            return "\u2060" * len(said)       # (a word joiner: no letter, no space)
        return said

    return _DOTTED.sub(masked, caption) if "." in caption else caption


def _camel_words(run: str) -> bool:
    """Is a run of letters in mixed case ("iPad", "eBay", "YouTube", "PowerPoint", "McDonald",
    "LinkedIn") words written together, not initials typed in any case ("tJW", "TjW": s36)?
    Every part (a capital and the small letters after it; small letters alone) is a word of
    the word lists, a name (a capital and three small letters or more) or a known opening
    ("i", "e", "Mc")."""
    parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", run)
    if len(parts) < 2:
        return False
    for k, part in enumerate(parts):
        low = part.lower()
        if (k == 0 and low in _CAMEL_PREFIXES) or (part[:1].isupper() and len(part) >= 4
                                                   and part[1:].islower()):
            continue
        if part.isupper() and len(part) > 1:
            if abbreviation(low):
                continue        # ("iOS" is no word: "eSH" is initials)
        elif len(low) >= 2 and (everyday_word(low) or low in TWO_LETTER_WORDS
                                or abbreviation(low) or low in english_words()
                                or low in short_words() or low in _SCHOOL_WORDS):
            continue
        return False
    return True


#: letters that count as vowels for ``_unlike_a_word``
_VOWELS = frozenset("aeiouy")


def _unlike_a_word(letters: str, alone: bool = False) -> bool:
    """Do five letters or more typed as one word look like no word, so that they may be
    initials ("TJKLW", "tjklw", "TAJKW")? Not a word of the word lists or a school word, not a
    Roman numeral, not a letter said three times over ("yaaay", "sooo", "zzzzz"), not words of
    the word list run together ("sportsclub", "bookweek"); and no vowel (a, e, i, o, u, y), or
    two letters side by side that hardly any word of the lists has ("jk" in "TAJKW", "jr" in
    "EJRKE"), or, with fewer than two vowels or more than four other letters together, three
    side by side that none has, each word's ends counted ("HEATON", "WEMBLEY", "channel",
    "CHRIS", "FRENCH", "beautfil" pass: a place, a name, a word the list leaves out or typed
    with a slip; the name check reads names). About a quarter of five initials chosen at
    random read as a word so and pass (s36, bench/captions.py). ``alone``: five capitals alone
    among words that are not (``_alone_in_capitals``: "Well done AMELO!") are initials when no
    word of the lists, however they read (s37: a word written so is in the lists)."""
    low = letters.lower()
    if low in english_words() or low in _SCHOOL_WORDS or abbreviation(low) or \
            everyday_word(low) or _ROMAN.fullmatch(low) or re.search(r"(.)\1\1", low) or \
            low in short_words():
        return False
    if low[-1] == "s" and (low[:-1] in _SCHOOL_WORDS or low[:-1] in short_words()
                           or low[:-1] in english_words()):
        return False        # a plural: "diyas", "vlogs"
    if not any(c in _VOWELS for c in low) or (alone and len(low) == 5):
        return True
    pairs, threes = _letter_runs()
    vowels = sum(c in _VOWELS for c in low)
    if any(pairs.get(low[k:k + 2], 0) < 3 for k in range(len(low) - 1)):
        return not _run_of_words(low)
    if vowels >= 2 and max(len(r) for r in re.split("[aeiouy]+", low)) <= 4:
        return False
    ends = f"^{low}$"
    if all(ends[k:k + 3] in threes for k in range(len(ends) - 2)):
        return False
    return not _run_of_words(low)


@functools.lru_cache(maxsize=1)
def _letter_runs() -> tuple[dict[str, int], frozenset[str]]:
    """How often each two letters side by side come in the words of the word lists (names,
    places and short forms too: ``short_words``, ``names.english_words`` and the names it
    leaves out), and every three side by side ("^" and "$" for a word's ends): built once."""
    raw = importlib.resources.files("photovet.core.vision.text").joinpath(
        "data", "english_words.txt.gz")
    words = set(gzip.decompress(raw.read_bytes()).decode("ascii").split()) | short_words() | {
        w for w in COMMON_SURNAMES | WORD_SURNAMES | COMMON_WORD_NAMES if w.isalpha()}
    # (a run across two words has "$^" in it, never looked up)
    codes = np.frombuffer("".join(f"^{w}$" for w in words).encode("ascii"), dtype=np.uint8)
    codes = codes.astype(np.int64)
    counts = np.bincount(codes[:-1] * 256 + codes[1:], minlength=65536)
    pairs = {chr(k // 256) + chr(k % 256): int(counts[k]) for k in np.flatnonzero(counts)}
    three = np.unique(codes[:-2] * 65536 + codes[1:-1] * 256 + codes[2:])
    threes = frozenset(chr(k >> 16) + chr((k >> 8) & 255) + chr(k & 255) for k in three.tolist())
    return pairs, threes


def _run_of_words(low: str) -> bool:
    """Is ``low`` two words of the word lists or more written together, each of three letters
    or more ("sportsclub", "funrun")?"""
    words = english_words()
    short = short_words()
    ok = [True] + [False] * len(low)
    for i in range(1, len(low) + 1):
        for j in range(max(0, i - 20), i - 2):
            if ok[j] and (low[j:i] in words or low[j:i] in short):
                ok[i] = True
                break
    return ok[len(low)] and low not in words


# an initial right after a name ("Olivia K.", "Olivia K")
# ("A" and "I" only with a full stop: otherwise a word); a full stop ending the line stays
_AN_INITIAL = re.compile(r" +(?:[B-HJ-Z]\.?|[AI]\.)(?![^\W\d_])")
# what joins names in a list: "Amy, John and Zoe", "Kai & Sam"
_JOINERS = re.compile(r"[\s,;]*(?:(?:and|or|&)[\s,;]*)?", re.IGNORECASE)


def _edits(caption: str, findings: Sequence[CaptionFinding],
           names: Sequence[tuple[int, int]] = (), staff: frozenset[str | None] = frozenset()
           ) -> list[tuple[tuple[int, int], str]]:
    """The changes the suggestion makes, in order: each finding's span and replacement; names
    left out one after another in a list go with what joined them ("Well done Amy, John and
    Zoe!" -> "Well done!", not "Well done, and!"); a name left out that is said to in words of
    its own beside another name said to in words of its own goes with those words ("Well done
    Tobias and great job Amy" -> "Great job Amy": ``_own_words``); a name left out that a
    clause of its own says more of becomes "the pupil" ("Well done to Tobias who won the race"
    -> "Well done to the pupil who won the race": ``_said_who``); a name's possessive left out
    becomes "the" ("Tobias's painting won" -> "The painting won": ``_possessive_left_out``); a
    list of names left out opening a sentence goes with "are", "were", "have (been)" after it
    ("Tobias and Amy are our new prefects" -> "Our new prefects": ``_with_its_verb``); the
    verb said of a list with one name left is said of that one, after "who" too ("Well done
    Tobias and Amy who are always winners" -> "Well done Amy who is always one of the
    winners": ``_agree_all``, s39).
    ``names``: where the caption says a name or initials, left as typed or not; ``staff``: the
    ids of findings that are staff ("the member of staff who...")."""
    out: list[tuple[tuple[int, int], str]] = []
    starts = [f.span[0] for f in findings]
    gone = {f.span[0] for f in findings if not f.replacement}
    for f in sorted(findings, key=lambda f: f.span[0]):
        s, e = f.span
        initial = _AN_INITIAL.match(caption, e)
        if not f.replacement and initial and not any(e <= x < initial.end() for x in starts):
            e = initial.end()       # "Olivia K." left out: the initial goes with the name
            if caption[e - 1] == "." and not caption[e:].split("\n", 1)[0].strip():
                e -= 1
        if out and not f.replacement and not out[-1][1] and out[-1][0][1] <= s \
                and _JOINERS.fullmatch(caption[out[-1][0][1]:s]):
            out[-1] = ((out[-1][0][0], e), "")
            # the list opened a sentence and was what "are" said something of: the verb goes
            # too ("Tobias and Amy are our new prefects" -> "Our new prefects", not "Are...")
            listed = _with_its_verb(caption, out[-1][0][0], e, "",
                                    out[-2][0][1] if len(out) > 1 else 0, plural=True)
            if listed is not None and listed[0][0] == out[-1][0][0]:
                out[-1] = listed
                continue
            # a clause of its own says more of them: "the pupils" ("Tobias and Sam who won"
            # -> "The pupils who won", not "Who won": s37)
            start = out[-1][0][0]
            first = min(g.span[0] for g in findings if start <= g.span[0] < e)
            who = _said_who(caption, first, e, caption[first:e],
                            "members of staff" if all(g.person in staff for g in findings
                                                      if start <= g.span[0] < e)
                            else "pupils")
            if who is not None:
                if first > start:
                    # after a word the list was joined to ("Well done Amy, Tobias and Sam who
                    # won"), the joiner stays, an "and" after a name left as it was: "Well
                    # done Amy and the pupils who won" (s39: "Well done Amythe pupils who won")
                    joiner = caption[start:first]
                    if not _AND_OR.search(joiner) and any(ne == start for _ns, ne in names):
                        joiner = " and "
                    who = ((start, e), joiner + who[1])
                out[-1] = who
                continue
            # the list goes on with a name left as it was, a verb said of them all after it:
            # said of one ("Tobias, Sam and Amy are at the zoo" -> "Amy is at the zoo")
            after = _JOINER_AFTER.match(caption, e)
            other = next((ne for ns, ne in names if after and ns == after.end()), None)
            if after is not None and other is not None and \
                    not any(g.span[0] == after.end() and not g.replacement
                            for g in findings) and \
                    not _JOINER_AFTER.match(caption, other) and \
                    _list_ends(caption, other):
                out[-1] = ((out[-1][0][0], after.end()), "")
                out.extend(_agree_all(caption, other))
            continue
        if not f.replacement:
            kind = "member of staff" if f.person in staff else "pupil"
            own = _said_who(caption, s, e, f.found, kind) or \
                _possessive_left_out(caption, s, e, f.found, names, kind)
            if own is not None:
                out.append(own)
                continue
        own = _own_words(caption, s, e, names, out[-1][0][1] if out else 0) \
            if not f.replacement else None
        if own is None and not f.replacement:
            own = _with_its_verb(caption, s, e, f.found, out[-1][0][1] if out else 0)
        if own is None and not f.replacement:
            own = _own_clause(caption, s, e, names, out[-1][0][1] if out else 0)
        if own is not None:
            out.append(own)
            continue
        verbs: list[tuple[tuple[int, int], str]] = []
        kept = ""
        if not f.replacement:
            # a name left out beside another name goes with the word that joined them ("Well
            # done Amy and TW!" -> "Well done Amy!", "TW and Amy won" -> "Amy won"; not "Well
            # done Amy and!"); beside an ordinary word before it, it stays ("We painted and Sam
            # sang"); before the name, its joiner goes too, to whatever word follows ("Well
            # done Tobias and his mum" -> "Well done his mum", not "Well done and his mum"),
            # with the word before the name when the joiner repeats it ("Thanks to Tobias and
            # to everyone" -> "Thanks to everyone", not "Thanks to to everyone")
            before = _JOINER_BEFORE.search(caption, 0, s)
            after = _JOINER_AFTER.match(caption, e)
            comma = _COMMA_AFTER.match(caption, e)
            to = _TO_BEFORE.search(caption, out[-1][0][1] if out else 0, s)
            if before and before.group(1)[:1].isupper() and \
                    not (out and out[-1][0][1] > before.start(2)):
                s = before.start(2)
                # a possessive said of the list stays with the name now last ("Ella and
                # Tobias's mum came" -> "Ella's mum came", not "Ella mum came": s37)
                if f.found[-2:] in _POSSESSIVE:
                    kept = f.found[-2:]
                elif caption[e:e + 2] in _POSSESSIVE:
                    kept, e = caption[e:e + 2], e + 2
                # the last of a list left out: the comma before the one now last says its
                # joiner ("Amy, Sam and Tobias are" -> "Amy and S are", not "Amy, S are")
                comma = _LIST_COMMA.search(caption, 0, before.start(1))
                said = before.group(2).strip(" ,")
                if said and comma and any(ne == comma.start() for _ns, ne in names) and \
                        any(ns == before.start(1) for ns, _ne in names) and \
                        not any(a < comma.end() and comma.start() < b for (a, b), _r in out):
                    out.append(((comma.start(), comma.end()), f" {said} "))
                elif not comma and before.start(1) not in gone and \
                        any(ns == before.start(1) for ns, _ne in names):
                    # "Amy and Tobias are" -> "Amy is"; "A is" where Amy is initials (s37)
                    verbs = [v for v in (_agrees(caption, e),) if v is not None]
            elif after and not any(e <= x < after.end() for x in starts if x != f.span[0]):
                e = after.end()
                s = _repeated_before(caption, s, e, out[-1][0][1] if out else 0)
                other = next((ne for ns, ne in names if ns == e), None)
                if other is not None and not any(
                        g.span[0] == e and not g.replacement for g in findings) and \
                        not _JOINER_AFTER.match(caption, other) and \
                        _list_ends(caption, other) and \
                        not _LIST_BEFORE.search(caption, 0, s):
                    verbs = _agree_all(caption, other)  # "Tobias and Amy are" -> "Amy is"
            elif comma and any(ns == comma.end() for ns, _ne in names):
                e = comma.end()     # "Yesterday Tobias, Amy and Sam went" -> "Yesterday Amy..."
            elif to and f.found[-2:] not in _POSSESSIVE and \
                    not _JOINER_AFTER.match(caption, e) and not _NAME_GOES_ON.match(caption, e):
                # the word that said whom to goes with the name ("Thanks to Tobias for the
                # cakes" -> "Thanks for the cakes", not "Thanks to for the cakes"; "Amy with
                # Tobias at the museum" -> "Amy at the museum": s35)
                s = to.start()
        out.append(((s, e), f.replacement or kept))
        out.extend(verbs)
    return sorted(out, key=lambda edit: edit[0][0])


# up to three words opening a clause, right before a name ("Well done " in "Well done Tobias
# and great job Amy"; "well done " after "Year 3 loved it, ")
_CLAUSE_OPENING = re.compile(r"(?:^|(?<=[.!?;:,\n]))[ \t]*((?:[^\W\d_]+[ \t]+){1,3})$")
# what joins two clauses said to two people ("Tobias and great job", "Tobias, great job")
_CLAUSE_JOINER = re.compile(r",?[ \t]+(?:and|&)[ \t]+|,[ \t]+", re.IGNORECASE)
# ...the same, before up to five words and the name that ends a clause ("Amy and great job "
# in "Well done Amy and great job Tobias!")
_CLAUSE_BEFORE = re.compile(
    r"(,?[ \t]+(?:and|&)[ \t]+|,[ \t]+)((?:(?!and[ \t])[^\W\d_]+[ \t]+){1,5})$", re.IGNORECASE)
# words that open a noun, not words said to someone: "his sister Amy" is whom "Well done" is
# said to ("Well done Tobias and his sister Amy" -> "Well done his sister Amy"; "Thanks to
# Tobias and everyone who helped Amy" -> "Thanks to everyone who helped Amy")
_NOUN_OPENERS = frozenset(["his", "her", "their", "our", "my", "your", "its", "the", "this",
                           "that", "these", "those", "every", "all", "both", "each", "everyone",
                           "everybody", "anyone", "anybody", "someone", "somebody", "us", "them",
                           "you", "him", "me"])
_CLAUSE_END = re.compile(r"[.!?;:\n]")
# words said to someone, opening what is said: praise, thanks, wishes, greetings ("Well done",
# "great job", "thanks to", "a big thank you to", "happy birthday", "good luck", "welcome");
# not what a photo shows ("In the photo Tobias and friends with Amy": s35, it suggested "Friends
# with Amy", as though "In the photo" were said to Tobias)
_SAID_TO = re.compile(
    r"(?:(?:a|and|so|very|such|what|three|a\s+very)\s+)?(?:(?:big|huge|massive|special|warm|"
    r"very|really)\s+)*(?:well|great|good|brilliant|fantastic|amazing|super|superb|excellent|"
    r"fab|fabulous|wonderful|terrific|outstanding|awesome|lovely|nice|top|thanks|thank|"
    r"congratulations|congrats|happy|merry|welcome|best|bravo|hats|hello|hi|goodbye|farewell|"
    r"cheers|shout|kudos|proud|star|hooray|hurray|hurrah|go)(?![^\W_])", re.IGNORECASE)


def _own_words(caption: str, s: int, e: int, names: Sequence[tuple[int, int]], after: int
               ) -> tuple[tuple[int, int], str] | None:
    """The edit for a name left out (at ``s:e``) that the caption says something to in words
    of its own beside another name said to in words of its own (s34): "Well done Tobias and
    great job Amy" suggested "Well done great job Amy"; the name goes with the words said to
    it and the joiner, "Great job Amy" (the next word takes the capital the words taken out
    had), and "Well done Amy and great job Tobias!" -> "Well done Amy!". Up to three words,
    none a name, none before ``after`` (an earlier edit's end); the other words say a name
    right after them and end their clause there, and do not open a noun ("his sister Amy",
    "everyone who helped Amy", "Year 3's Amy": whom "Well done" is said to); up to five of
    those ("a big thank you to Amy"). None when the name is not said to so."""
    end = _CLAUSE_END.search(caption, e)
    stop = end.start() if end else len(caption)

    def name_at(a: int, b: int) -> bool:
        return any(a <= ns < b or a < ne <= b for ns, ne in names if (ns, ne) != (s, e))

    def opens_noun(words: str) -> bool:
        first = words.split()[0]        # ("Year 3's Amy", "Mrs Khan": a capital, a noun)
        return first.lower() in _NOUN_OPENERS or not first.islower() or \
            not _SAID_TO.match(words.strip())       # "friends with Amy": what the photo shows

    opening = _CLAUSE_OPENING.search(caption, 0, s)
    joiner = _CLAUSE_JOINER.match(caption, e)
    if opening and joiner and opening.start(1) >= after and \
            not name_at(opening.start(1), s) and _SAID_TO.match(opening.group(1)):
        # the other name ends the clause after words of its own: "great job Amy(!)"
        then = joiner.end()
        ends = [(ns, ne) for ns, ne in names
                if then < ns and ne <= stop and not caption[ne:stop].strip(" \t,")]
        if ends:
            ns = min(n for n, _ in ends)
            said = caption[then:ns]
            if said.strip() and not name_at(then, ns) and len(said.split()) <= 5 and \
                    not opens_noun(said):
                a = opening.start(1)
                if caption[a].isupper() and caption[then].islower():
                    return (a, then + 1), caption[then].upper()
                return (a, then), ""
    if not caption[e:stop].strip(" \t,"):
        # a name ending its clause, said to in words of its own after another name's
        before = _CLAUSE_BEFORE.search(caption, 0, s)
        if before and before.start(1) >= after and not name_at(before.start(2), s) and \
                not opens_noun(before.group(2)) and \
                any(ne == before.start(1) for _ns, ne in names):
            return (before.start(1), e), ""
    return None


# a word and what joins it to a name right after ("Amy and " in "Well done Amy and TW",
# "Amy, " in "Amy, TW and Sam")
_JOINER_BEFORE = re.compile(r"([^\W\d_][^\s,;]*)(,\s*|,?\s+(?:and|or|&)\s+)$", re.IGNORECASE)
# a joiner right after a name, before a word (" and " in "TW and Amy won")
_JOINER_AFTER = re.compile(r",?\s+(?:and|or|&)\s+(?=[^\W\d_])", re.IGNORECASE)


# what a list of names says about them, said of one ("Amy and Tobias are our prefects" -> "Amy
# is our prefect" would need the noun too: only the verb is said of one)
_PLURAL_VERBS = {"are": "is", "were": "was", "have": "has"}
# ...right after the name, or opening a clause of its own that says more of it ("who are" in
# "Well done Tobias and Amy who are always winners": s39, "Well done Amy who are ...")
_VERB_AFTER = re.compile(r"(?:,?[ \t]+who)?[ \t]+(are|were|have)(?![^\W_])", re.IGNORECASE)
# a name and what joins it to the name right after ("Sam and " in "Sam and Tobias"; "Amy, ")
_LIST_BEFORE = re.compile(r"[^\W\d_]+(?:,[ \t]*|,?[ \t]+(?:and|or|&)[ \t]+)$", re.IGNORECASE)


# words between the verb and what it says, kept when said of one ("are always winners" -> "is
# always one of the winners"; "have now been")
_ADVERBS_AFTER = re.compile(
    r"(?:[ \t]+(?:always|now|still|also|already|officially|just|really|never|often|usually|"
    r"sometimes|again|once\s+again|finally|each\s+year))+(?![^\W_])", re.IGNORECASE)
# a word that says the list as a whole, left out when said of one before no noun ("are both
# here" -> "is here", "have all won" -> "has won"); before a plural noun ("are all smiles",
# "are both winners") or "together", no suggestion
_WHOLE_AFTER = re.compile(r"[ \t]+(?:both|all|each)(?![^\W_])", re.IGNORECASE)
_TOGETHER_AFTER = re.compile(r"[ \t]+together(?![^\W_])", re.IGNORECASE)
_BEEN_AFTER = re.compile(r"[ \t]+been(?![^\W_])", re.IGNORECASE)
#: an edit's replacement meaning "no suggestion can be made right" (``_agrees``: "Tobias and
#: Amy are such stars" said of one); the check offers none rather than bad English
_NO_SUGGESTION = "\x00"


def _agrees(caption: str, at: int) -> tuple[tuple[int, int], str] | None:
    """The edit that says the verb right after ``at`` of one, when a list of two names left one
    ("Amy and Tobias are at the zoo" -> "Amy is at the zoo", not "Amy are at the zoo"): s35.
    What the verb says of them is said of one too: a plural noun after "our", "the" or alone
    becomes "one of" them, after words such as "always", "now" ("Tobias and Amy are always
    winners" -> "Amy is always one of the winners"; s38, it suggested "Amy is always
    winners"), and "both", "all" go before no noun ("are both here" -> "is here"). A plural
    noun that cannot be said of one so ("are such stars", "are not winners", "are all
    smiles") or "together" gives the edit ``_NO_SUGGESTION``: no suggestion rather than
    English a parent would laugh at. The same after "who" (s39: "Well done Tobias and Amy who
    are always winners" suggested "Well done Amy who are always winners"; now "Well done Amy
    who is always one of the winners", "who were" -> "who was", "who have" -> "who has")."""
    verb = _VERB_AFTER.match(caption, at)
    if verb is None:
        return None
    said = _PLURAL_VERBS[verb.group(1).lower()]
    if verb.group(1)[0].isupper():
        said = said.capitalize()
    end = verb.end(1)
    kept, whole = "", False
    for part in (_ADVERBS_AFTER, _WHOLE_AFTER, _ADVERBS_AFTER, _BEEN_AFTER, _ADVERBS_AFTER):
        m = part.match(caption, end)
        if m is None:
            continue
        if part is _WHOLE_AFTER:
            whole = True
        else:
            kept += m.group(0)
        end = m.end()
    if said.lower() == "has" and not _BEEN_AFTER.search(kept):
        # "have won", "have both won": what follows is no complement
        return (verb.start(1), end), said + kept
    if _TOGETHER_AFTER.match(caption, end) or _TOGETHER_NOUN_AFTER.match(caption, end) or \
            (whole and (_SAID_OF_MANY.match(caption, end) or
                        _bare_plural(caption, end, loose=True))):
        # "are together again", "are all smiles", "are twins": no words say it of one
        return (verb.start(1), end), _NO_SUGGESTION
    if _SAID_OF_MANY.match(caption, end):
        said += kept + " one of"  # "Amy is one of our new prefects", not "Amy is our new..."
    elif _bare_plural(caption, end):
        said += kept + " one of the"    # "Amy is one of the prefects", not "...is prefects"
    elif _bare_plural(caption, end, loose=True):
        return (verb.start(1), end), _NO_SUGGESTION
    else:
        said += kept
    return (verb.start(1), end), said


# words that may come between "are" and a plural noun without being said of it ("are both
# winners", "are now prefects")
_NOT_BEFORE_THE_NOUN = frozenset(["both", "all", "also", "now", "still", "very", "so", "not",
                                  "never", "always", "just", "really", "too", "each", "already",
                                  "officially", "proud", "such", "as", "no", "a", "an"])


# what two are only together ("Amy is best friends", not "one of the best friends")
_TOGETHER = frozenset(["friends", "twins", "partners", "siblings", "cousins", "brothers",
                       "sisters", "neighbours", "classmates", "teammates", "opponents", "rivals"])


# ...right after the verb, alone ("are twins", "who are cousins": s39, it suggested "Amy is
# twins"); not "friends", said of one ("Amy is friends with Sam", "Amy is best friends")
_TOGETHER_NOUN_AFTER = re.compile(
    rf"[ \t]+(?:{'|'.join(sorted(_TOGETHER - {'friends'}))})(?![^\W_])", re.IGNORECASE)


def _bare_plural(caption: str, at: int, *, loose: bool = False) -> bool:
    """Does a plural noun with no word that says whose or which come right after ``at`` ("are
    prefects", "were new prefects", "are Year 6 prefects"), ending what "are" says (the
    clause, or before "in", "at", "for"...)? Not a word that only looks plural ("famous",
    "glass", "always"), nor what two are only together ("best friends", "twins").
    ``loose``: whatever words come before the noun ("such stars", "not winners")."""
    m = re.match(r"[ \t]+((?:[^\W_]+[ \t]+){0,2}?)([^\W\d_]+)(?=[ \t]*(?:[.!?,;:\n]|$|"
                 r"(?:in|at|for|of|on|from|with|and|this|today|again)(?![^\W_])))", caption[at:])
    if m is None:
        return False
    before = m.group(1).lower().split()
    noun = m.group(2).lower()
    if not loose and any(w in _NOT_BEFORE_THE_NOUN or w in ("the", "our", "their", "your", "my",
                                                            "his", "her", "these", "those")
                         for w in before):
        return False
    return noun not in _NOT_BEFORE_THE_NOUN and noun not in _TOGETHER and len(noun) >= 4 and \
        noun.endswith("s") and not noun.endswith(("ss", "us", "is", "ys", "'s"))


# what "are" says of a list of names, a plural noun after words that say whose or which ("our
# new prefects", "the winners"): said of one, "one of" them (s36)
_NOT_THE_NOUN = r"(?!(?:of|in|at|for|with|on|from|to|and|or|who|this|that|as|by)(?![^\W_]))"
_SAID_OF_MANY = re.compile(
    r"[ \t]+(?:our|the|their|your|my|his|her|these|those)[ \t]+"
    rf"(?:{_NOT_THE_NOUN}[^\W\d_]+[ \t]+){{0,3}}?"
    rf"{_NOT_THE_NOUN}[^\W\d_]*[^\W\d_s]s(?![^\W_]|['\u2019])", re.IGNORECASE)


# a comma between two names of a list, before the last name left ("Amy, Sam" in "Amy, Sam and
# Tobias")
_LIST_COMMA = re.compile(r",[ \t]*$")
# a comma right after a name, before the next name of a list ("Tobias, " in "Tobias, Amy and Sam")
_COMMA_AFTER = re.compile(r",[ \t]*")
# ...or before a clause of its own that says more of it ("Amy, who" in "Tobias and Amy, who
# are prefects, won": the list ends there)
_WHO_AFTER_COMMA = re.compile(r",[ \t]*who(?![^\W_])", re.IGNORECASE)
# a word that joins names ("and" in "Amy and ", "&")
_AND_OR = re.compile(r"(?<![^\W_])(?:and|or)(?![^\W_])|&", re.IGNORECASE)


def _agree_all(caption: str, at: int) -> list[tuple[tuple[int, int], str]]:
    """``_agrees`` for a name left alone of a list (ending at ``at``), and past a clause of
    its own between commas the verb after it too ("Tobias and Amy, who are in Year 6, are our
    prefects" -> "Amy, who is in Year 6, is one of our prefects": s39, "... , are our
    prefects")."""
    edits = [v for v in (_agrees(caption, at),) if v is not None]
    if _WHO_AFTER_COMMA.match(caption, at):
        end = _CLAUSE_END.search(caption, at)
        closing = caption.find(",", at + 1, end.start() if end else len(caption))
        then = _agrees(caption, closing + 1) if closing >= 0 else None
        if then is not None:
            edits.append(then)
    return edits


def _list_ends(caption: str, at: int) -> bool:
    """Does a list of names end with the name ending at ``at`` as far as a comma says: no
    comma after it, or one opening a clause of its own ("Amy, who ...": s39)?"""
    return not _COMMA_AFTER.match(caption, at) or bool(_WHO_AFTER_COMMA.match(caption, at))
# a word that says whom something is to, with, by or from, after a word, right before a name
# (" to " in "Thanks to Tobias for the cakes")
_TO_BEFORE = re.compile(r"(?<=[^\W\d_])[ \t]+(?:to|with|by|from)[ \t]+$", re.IGNORECASE)
# ...unless the name is followed by words that go on about them ("with Tobias's mum")
_NAME_GOES_ON = re.compile(r"['\u2019]s(?![^\W_])")
# what a clause of its own opens with after its subject: a word in lower case that does not
# join it to another name or say whom with ("won" in "Tobias won the race", not "Tobias and",
# "Tobias with Amy")
_CLAUSE_VERB = re.compile(r"(?:['\u2019]s)?[ \t]+(?!(?:and|or|with|nor|&)(?![^\W_]))[a-z]")
# what joins two clauses, each with a name for its subject ("Tobias won the race and Amy came
# second", "Amy won, but Tobias came second")
_CLAUSES_JOINED = re.compile(r"(?:,?[ \t]+(?:and|but|while|whilst|then)[ \t]+|,[ \t]+|;[ \t]*)$",
                             re.IGNORECASE)
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?\n][ \t\"'\u201c\u2018]*)$")


def _own_clause(caption: str, s: int, e: int, names: Sequence[tuple[int, int]], after: int
                ) -> tuple[tuple[int, int], str] | None:
    """The edit for a name left out (at ``s:e``) that is the subject of a clause of its own
    beside a clause with another name for its subject (s35): the name goes with its clause
    and the joiner ("Tobias won the race and Amy came second" -> "Amy came second", not "Won
    the race and Amy came second"; "Amy won the race and Tobias came second" -> "Amy won the
    race", not "Amy won the race and came second"). None when the name opens no clause (a
    word in lower case after it: ``_CLAUSE_VERB``), when its clause is the whole sentence
    (the suggestion keeps what it can), or when the clause names someone else too."""
    if not _CLAUSE_VERB.match(caption, e):
        return None
    end = _CLAUSE_END.search(caption, e)
    stop = end.start() if end else len(caption)
    others = [(ns, ne) for ns, ne in names if (ns, ne) != (s, e)]
    if _SENTENCE_OPENS.search(caption, 0, s):
        # the clause ends with a joiner right before another name that opens a clause
        for ns, ne in sorted(others):
            if e < ns < stop:
                joined = _CLAUSES_JOINED.search(caption, e, ns)
                if joined and _CLAUSE_VERB.match(caption, ne):
                    return (s, ns), ""
                return None         # another name inside the clause: it stays
        # ...or it is the whole sentence, and the caption says more: the sentence goes ("Sports
        # day was great. Tobias won the sprint." -> "Sports day was great.")
        if end is not None and caption[stop] in ".!?\n":
            rest = end.end()
            while rest < len(caption) and caption[rest] in ".!?":
                rest += 1
            if caption[rest:].strip() and rest >= after:
                while rest < len(caption) and caption[rest] in " \t":
                    rest += 1
                return (s, rest), ""
            if caption[:s].strip() and not caption[rest:].strip():
                return (s, len(caption)), ""
        return None
    joined = _CLAUSES_JOINED.search(caption, after, s)
    if joined is None or not caption[:joined.start()].strip() or \
            not _SENTENCE_OPENS.search(caption, 0, _sentence_start(caption, joined.start())):
        return None
    # the clause goes to the next joiner before another name that opens a clause, or the end
    upto = stop
    for ns, ne in sorted(others):
        if e < ns < stop:
            nxt = _CLAUSES_JOINED.search(caption, e, ns)
            if nxt and _CLAUSE_VERB.match(caption, ne):
                upto = nxt.start()
                break
            return None
    if any(joined.start() <= ns < s for ns, _ne in others):
        return None
    # the clause before has a subject of its own, a name opening the sentence, and words of
    # its own after it ("Amy won the race and Tobias...", not "Amy and Tobias are...")
    opening = _sentence_start(caption, joined.start())
    if not any(ns == opening and ne < joined.start() and _CLAUSE_VERB.match(caption, ne)
               for ns, ne in others):
        return None
    return (joined.start(), upto), ""


# "is", "was", "has been" right after a name that opens a sentence ("Tobias is our new prefect")
_BE_AFTER = re.compile(r"[ \t]+(?:is|was|has[ \t]+been|had[ \t]+been|will[ \t]+be|has)[ \t]+"
                       r"(?=[^\W_])", re.IGNORECASE)
# ...and right before a name that ends its clause ("Our new prefect is Tobias")
_BE_BEFORE = re.compile(r"(?<=[^\W_])[ \t]+(?:is|was|will[ \t]+be)[ \t]+$", re.IGNORECASE)
# ...and after a list of names ("Tobias and Amy are our new prefects")
_ARE_AFTER = re.compile(r"[ \t]+(?:are|were|have[ \t]+been|had[ \t]+been|will[ \t]+be|have)"
                        r"[ \t]+(?=[^\W_])", re.IGNORECASE)
# words that say no more than "the one in the photo" before "is" ("This is Tobias")
_POINTING = re.compile(r"(?:this|that|here|it|there|he|she|meet)(?:[ \t]+(?:is|was))?[ \t]+$",
                       re.IGNORECASE)
# "and so is" before a name ending its clause ("Amy is a prefect and so is Tobias")
_ALSO_BEFORE = re.compile(r",?[ \t]+(?:and[ \t]+)?so[ \t]+(?:is|was|did|does|has)[ \t]+$",
                          re.IGNORECASE)
# a name said more of in a clause of its own ("It was Tobias who scored")
_WHO_AFTER = re.compile(r",?[ \t]+(?:who|whose|that)(?![^\W_])", re.IGNORECASE)
# a comma after a name before words that say who they are ("Meet Tobias, our new prefect")
_APPOSITION = re.compile(r",[ \t]+(?=(?:our|the|a|an|his|her|their|my|this)[ \t])",
                         re.IGNORECASE)


def _with_its_verb(caption: str, s: int, e: int, found: str, after: int, *,
                   plural: bool = False) -> tuple[tuple[int, int], str] | None:
    """The edit for a name left out (at ``s:e``) that is what "is" says something of (s36:
    "Tobias is our new prefect" suggested "Is our new prefect"): opening a sentence, the name
    goes with "is", "was", "has been" after it ("Our new prefect", "Star of the week",
    "Chosen as head boy"); ending a clause after "is" or "was", with the word ("Our new prefect
    is Tobias" -> "Our new prefect", "The winner was Tobias!" -> "The winner!"), and with the
    words before it that only point at them ("This is Tobias", "Here is Tobias with his
    certificate" -> "With his certificate"); between a word and a comma before words that say
    who they are, with the comma ("Meet Tobias, our new prefect" -> "Meet our new prefect").
    None for any other name (a possessive, "Tobias's painting", stays with its noun).
    ``plural``: ``s:e`` is a list of names left out ("Tobias and Amy"), said to be something
    only with "are", "were", "have (been)" opening a sentence ("Our new prefects": s36)."""
    if found[-2:] in _POSSESSIVE or caption[e:e + 1] in ("'", "\u2019"):
        return None
    end = _CLAUSE_END.search(caption, e)
    stop = end.start() if end else len(caption)
    opens = _SENTENCE_OPENS.search(caption, after, s) is not None or (
        s == after == 0)
    be = (_ARE_AFTER if plural else _BE_AFTER).match(caption, e)
    if opens and be and be.end() < stop:
        if caption[:s].strip() and caption[be.end()].islower():
            # a sentence after another: its next word opens it ("... great. Our champion.")
            return (s, be.end() + 1), caption[be.end()].upper()
        return (s, be.end()), ""
    if plural:
        return None
    start = _sentence_start(caption, s) if not opens else s
    before = _BE_BEFORE.search(caption, max(after, start), s)
    also = _ALSO_BEFORE.search(caption, max(after, start), s)
    if also is not None and not caption[e:stop].strip(" \t,"):
        return (also.start(), e), ""        # "Amy won and so did Tobias" -> "Amy won"
    if before is not None:
        pointing = _POINTING.fullmatch(caption, start, s)
        if pointing and start >= after and not _WHO_AFTER.match(caption, e):
            k = e
            if not caption[e:stop].strip(" \t,"):
                # the sentence says no more ("This is Tobias. He won." -> "He won.")
                k = stop
                while k < len(caption) and caption[k] in ".!?":
                    k += 1
            while k < len(caption) and caption[k] in " \t":
                k += 1
            return (start, k), ""
        said = caption[start:before.start()].split()
        if not caption[e:stop].strip(" \t,") and said and \
                said[-1].lower() not in ("so", "nor", "neither", "as", "too"):
            return (before.start(), e), ""      # (not "...and so is Tobias")
    if not opens and caption[s - 1:s] in (" ", "\t"):
        comma = _APPOSITION.match(caption, e)
        if comma is not None:
            return (s, comma.end()), ""
    return None


# "who" or "whose" right after a name: a clause of its own says more of them ("Well done to
# Tobias who won the race", "It was Tobias who scored", "Tobias, who won the race, is ...")
_WHO_CLAUSE = re.compile(r",?[ \t]+(?:who|whose)(?![^\W_])", re.IGNORECASE)
# a word that says whom to, of, with... right before a name ("to" in "Well done to Tobias")
_WHOM_BEFORE = re.compile(r"(?<![^\W_])(?:to|with|by|from|for|of|at|and|is|was|meet|thank|"
                          r"congratulate|welcome|congratulating|thanking|welcoming)[ \t]+$",
                          re.IGNORECASE)


def _said_who(caption: str, s: int, e: int, found: str, who: str
              ) -> tuple[tuple[int, int], str] | None:
    """The edit for a name left out (at ``s:e``) that a clause of its own after it says more
    of (s36: "Well done to Tobias who won the race" suggested "Well done who won the race"):
    the name becomes "the pupil" (``who``), with "to" after words said to them without it
    ("Well done Tobias who won" -> "Well done to the pupil who won"), opening a sentence with
    a capital ("The pupil who..."). None for any other name."""
    if found[-2:] in _POSSESSIVE or not _WHO_CLAUSE.match(caption, e):
        return None
    the = f"the {who}"
    if _SENTENCE_OPENS.search(caption, 0, s):
        return (s, e), the.capitalize() if caption[s:s + 1].isupper() else the
    if _WHOM_BEFORE.search(caption, 0, s):
        return (s, e), the
    opening = _CLAUSE_OPENING.search(caption, 0, s)
    if opening and _SAID_TO.match(opening.group(1)):
        return (s, e), f"to {the}"      # "Well done to the pupil who..."
    return (s, e), the


def _possessive_left_out(caption: str, s: int, e: int, found: str,
                         names: Sequence[tuple[int, int]], who: str = "pupil"
                         ) -> tuple[tuple[int, int], str] | None:
    """The edit for a name left out (at ``s:e``) with its possessive before a word of its own
    (s36: "Tobias's painting won first prize" suggested "Painting won first prize", "Well done
    to Tobias's team" "Well done to team"): the name and its "'s" become "the" ("The painting
    won first prize", "Well done to the team"). None for a name that is not a possessive, or
    one after another name in a list ("Amy and Tobias's painting": said as it was). Before a
    word for a person (``_PEOPLE_WORDS``: "mum", "brother", "teacher") they become "a pupil's"
    (``who``: s37, "Tobias's mum came" suggested "The mum came"): "A pupil's mum came"."""
    if found[-2:] in _POSSESSIVE:
        k = e
    elif caption[e:e + 2] in _POSSESSIVE:
        k = e + 2
    elif found[-1:].lower() == "s" and caption[e:e + 1] in ("'", "\u2019") and \
            not caption[e + 1:e + 2].isalpha():
        k = e + 1       # "James' painting"
    else:
        return None
    if not re.match(r"[ \t]+(?!(?:and|or|nor)(?![^\W_]))[a-z]", caption[k:]):
        return None     # ("Tobias's and Amy's paintings", "Tobias's!")
    listed = _LIST_BEFORE.search(caption, 0, s)
    if listed and any(ns == listed.start() for ns, _ne in names):
        return None
    opens = _SENTENCE_OPENS.search(caption, 0, s) is not None
    said = "the"
    noun = re.match(r"[ \t]+([^\W\d_]+)", caption[k:])
    if noun and noun.group(1).lower() in _PEOPLE_WORDS:
        said = f"{'an' if who[0] in 'aeiou' else 'a'} {who}'s"
    return (s, k), said.capitalize() if opens and caption[s:s + 1].isupper() else said


# words for a person that a pupil's name says whose ("Tobias's mum"): "a pupil's mum", not "the
# mum" (s37)
_PEOPLE_WORDS = frozenset([
    "mum", "mummy", "mam", "mom", "mother", "dad", "daddy", "father", "parent", "parents",
    "grandma", "grandmother", "grandad", "granddad", "grandpa", "grandfather", "grandparents",
    "grandparent", "nan", "nana", "nanna", "gran", "granny", "grandson", "granddaughter",
    "brother", "brothers", "sister", "sisters", "sibling", "siblings", "twin", "cousin",
    "cousins", "aunt", "auntie", "aunty", "uncle", "family", "families", "carer", "carers",
    "stepmum", "stepdad", "baby", "friend", "friends", "classmate", "classmates", "teacher",
    "teammate", "teammates", "partner", "godmother", "godfather", "guardian", "dog", "puppy",
])


def _sentence_start(caption: str, at: int) -> int:
    """Where the sentence holding ``at`` starts (its first letter)."""
    k = max(caption.rfind(c, 0, at) for c in ".!?\n") + 1
    while k < at and not caption[k].isalnum():
        k += 1
    return k


# the last one, two or three words before a name, with the spaces after them
_LAST_WORDS = {k: re.compile(rf"(?<![^\W\d_])((?:[^\W\d_]+\s+){{{k}}})$") for k in (1, 2, 3)}


def _repeated_before(caption: str, s: int, e: int, after: int) -> int:
    """Where a name left out at ``s`` and its joiner (to ``e``) start being taken out, with the
    words before it when the words after the joiner say them again ("to" in "Thanks to Tobias
    and to everyone", "well done" in "Well done Tobias and well done Amy"): up to three words,
    none before ``after`` (an earlier edit's end)."""
    then = [w.lower() for w in _WORD.findall(caption[e:e + 80])]
    for k in (3, 2, 1):
        said = _LAST_WORDS[k].search(caption[:s])
        if said and said.start(1) >= after and len(then) >= k and \
                [w.lower() for w in said.group(1).split()] == then[:k]:
            return said.start(1)
    return s


def _tidy(text: str) -> str:
    """Spaces as a person types them once words were taken out ("Well done , a star"), with
    no direction controls (a name's initials put back under an override would show reversed)."""
    text = "".join(ch for ch in text if ch not in _DIRECTION)
    text = " ".join(text.split())
    # (not before a smiley's colon or semicolon, ":)" ";-)": s50)
    text = re.sub(r"\s+([,.;:!?])(?![-']?[()\[\]DPp/|])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return text.strip(" ,;:")


_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def _without_dnp_names(text: str, people: Sequence[Person]) -> str:
    """``text`` without any word that is part of the name, now or before, of someone on the
    do-not-photograph list (a capitalised word, or one that is not an everyday word: "we will"
    stays for a pupil called Will)."""
    keys: set[str] = set()
    for p in people:
        if not p.do_not_photograph:
            continue
        names = [p.legal_forename, p.preferred_forename, p.legal_surname, p.preferred_surname]
        for f in p.also_known_as:
            names.extend((*f.forenames, *f.surnames))
        for n in names:
            for part in [n, *re.split(r"[-\s]+", n or "")]:
                k = canon(part or "")
                if len(k) >= 2:
                    keys.add(k)
    if not keys:
        return text
    read = text.translate(_LOOKALIKES)
    out, pos = [], 0
    for m in _WORD.finditer(read):
        word = m.group(0)
        parts = [word, *re.split(r"[-'’]", word)]
        hit = any(canon(x) in keys for x in parts if x)
        if hit and (word[:1].isupper() or not ordinary_word(canon(word))):
            out.append(text[pos:m.start()])
            pos = m.end()
    out.append(text[pos:])
    return _tidy("".join(out))


# Initials as a caption writes them: "E.T.", "E. T.", "E.T", "ET" (capitals, two or three letters;
# check_caption suggests "JS" for John Smith)
_INITIALS = re.compile(r"(?<![^\W\d_])([A-Z])\.?\s?([A-Z])\.?(?:\s?([A-Z])\.?)?(?![^\W\d_])")


@dataclass
class CaptionMention:
    """Someone a caption refers to: the words it uses, and how much of the name ("initials",
    "first" or "full": policy.CAPTION_FORMS)."""

    found: str
    form: str

    def to_dict(self) -> dict[str, Any]:
        return {"found": self.found, "form": self.form}


_HIT_FORMS = {"forename": "first"}     # every other form of a name found is the name in full
_FORM_RANK = {"initials": 0, "first": 1, "full": 2}


def caption_mentions(caption: str, people: Sequence[Person], *, threshold: int = 90,
                     matcher: NameMatcher | None = None) -> dict[str, CaptionMention]:
    """Everyone a caption refers to, ``{register id: CaptionMention}``, for the export record
    (take-down lists and subject access reports): full names, first names and surnames found
    the way ``check_caption`` finds them (a first name that fits several pupils gives all of
    them), and initials ("E.T.", "ET") of everyone whose initials they are, also where the
    caption check reads initials ("Tw", "well done ac", "TJW" with a middle name:
    ``_typed_initials``). A report lists too many rather than miss someone, so initials shared
    by several people record all of them.
    A member of staff named by first name alone is not counted (as in ``check_caption``).
    Someone referred to twice keeps the fullest form. ``matcher``: a ``NameMatcher`` of
    ``people`` made once by a caller reading many texts (forgetting leavers: s34)."""
    return _caption_mentions(caption, people, threshold=threshold, matcher=matcher)


def _caption_mentions(caption: str, people: Sequence[Person], *, threshold: int,
                      matcher: NameMatcher | None) -> dict[str, CaptionMention]:
    out: dict[str, CaptionMention] = {}

    def add(pid: str, found: str, form: str) -> None:
        had = out.get(pid)
        if had is None or _FORM_RANK[form] > _FORM_RANK[had.form]:
            out[pid] = CaptionMention(found, form)

    if not caption or not caption.strip() or not people:
        return out
    if matcher is None:
        matcher = caption_matcher(people, threshold)
    for read, where, hit in _hits(matcher, caption):
        if hit.role == "staff" and hit.form == "forename":
            continue
        found = _found(caption, read, where, *hit.span)
        for pid in hit.candidates or ([hit.person] if hit.person else []):
            add(pid, found, _HIT_FORMS.get(hit.form, "full"))
    by_initials: dict[str, list[str]] = {}
    for p in people:
        if len(p.initials) >= 2:
            by_initials.setdefault(p.initials, []).append(p.id)
    for read, where in _readings(caption):
        for m in _INITIALS.finditer(read):
            letters = "".join(g for g in m.groups() if g)
            found = _found(caption, read, where, m.start(), m.end()).strip()
            for pid in by_initials.get(letters, []):
                add(pid, found, "initials")
    # initials as the caption check reads them (s34): with one capital or in lower case ("Tw",
    # "well done ac"), three with a middle name ("TJW": Tori Wells's too, as they may be)
    for _s, _e, typed, pupils, _lower, _middle, word in _typed_initials(caption, matcher):
        if word:
            continue        # "pg 4", "love from Year 2 xx": a short form (LOWER_SHORT_FORMS)
        for p in pupils:
            add(p.id, typed[:-2] if typed[-2:] in _POSSESSIVE else typed, "initials")
    return out


def note_names(text: str, people: Sequence[Person], *,
               threshold: int = 90) -> list[tuple[str, bool]]:
    """The words of ``text`` typed by staff (a reason, a comment, a note kept in the audit
    log: ``free_text.refusal``) that name a pupil of ``people``, as typed, each with whether it
    is only close to a name (``NameHit.weak``: it may be an everyday word). Found the way a
    caption's names are found (full names, first names, surnames, former names, slips, letters
    that look alike, a right-to-left override). Initials are not names here: they are what
    staff are asked to write. A name that is also a member of staff's ("Mrs Jones" where a
    pupil is a Jones too) is taken for the member of staff's: the account names staff anyway."""
    if not text or not text.strip() or not people:
        return []
    matcher = NameMatcher(people, threshold=threshold, in_sentences=True)
    found: dict[tuple[int, int], tuple[str, bool]] = {}
    for read, where, hit in _hits(matcher, text):
        ids = hit.candidates or ([hit.person] if hit.person else [])
        rows = [matcher.by_id[i] for i in ids if i in matcher.by_id]
        if hit.role == "staff" or not rows or any(r.is_staff for r in rows):
            continue
        span = _typed_span(where, *hit.span)
        if any(s < span[1] and span[0] < e for s, e in found):
            continue
        words = _found(text, read, where, *hit.span).strip()
        if words[-2:] in ("'s", "\u2019s") and len(words) > 2:     # "Nathan's mum": "Nathan"
            words = words[:-2]
        found[span] = (words, hit.weak)
    return [found[k] for k in sorted(found)]


#: what a subject access report says instead of the words that name another pupil (their
#: name is a third party's personal data, not the subject's)
ANOTHER_PUPIL = "[another pupil]"
# word separators in file names and labels ("tori_ashby-award.jpg"), read as spaces
_SEPARATORS = str.maketrans("_-.+", "    ")
# ...and as line breaks, which end a first name as they do in a list of names ("Kai_Sam.jpg":
# Kai and Sam, not a Kai Sam) and leave a full name whole ("tori_ashby"): review s31
_SEPARATORS_AS_BREAKS = str.maketrans("_-.+", "\n\n\n\n")


class OtherPupils:
    """Hides the names of pupils other than ``person`` in texts shown to ``person`` (a subject
    access report: captions, batch labels, file names, notes). A name is found as a caption's
    is (full names, first names, surnames, former names, slips, letters that look alike) in the
    text with file-name separators read as spaces; one that may be ``person``'s ("Sam" when
    they are a Sam too, a surname they share) or a member of staff's stays. ``refs``: whom a
    recorded caption refers to (``CaptionRef``: id and the words used), so initials and names
    the register no longer has are hidden too, unless the same words refer to ``person``."""

    def __init__(self, person: str, people: Sequence[Person], *, threshold: int = 90):
        self.person = person
        self.matcher = NameMatcher(people, threshold=threshold, in_sentences=True) \
            if people else None
        # initials ("B.B.", "BB") of the other pupils, unless they are this person's too
        theirs = {p.initials for p in people if p.id == person}
        self.initials = {p.initials for p in people if p.id != person and not p.is_staff
                         and len(p.initials) >= 2} - theirs

    def spans(self, text: str, refs: dict[str, Any] | None = None) -> list[tuple[int, int]]:
        """Where ``text`` names another pupil: (start, end) of each, in order, not overlapping."""
        found: list[tuple[int, int]] = []
        if not text:
            return found
        read = text.translate(_SEPARATORS)
        kept: list[tuple[int, int]] = []       # words that may be theirs, or staff's
        # as written too: a full stop between two words ("Kai. Sam came second") ends a name
        # there, read as a space it would not; and with the separators as line breaks (review
        # s31); every reading keeps the length
        matcher = self.matcher
        for reading in dict.fromkeys((read, text, text.translate(_SEPARATORS_AS_BREAKS))):
            if matcher is None:
                break
            for _read, where, hit in _hits(matcher, reading):
                ids = hit.candidates or ([hit.person] if hit.person else [])
                rows = [matcher.by_id[i] for i in ids if i in matcher.by_id]
                span = _typed_span(where, *hit.span)
                if self.person in ids or hit.role == "staff" or any(r.is_staff for r in rows):
                    kept.append(span)
                else:
                    found.append(span)
        # a word of their own name that is another's too ("Ellison" of "Nathan Ellison", his
        # sister's surname) stays; another's name that only begins like theirs goes
        found = [(s, e) for s, e in found if not any(ks <= s and e <= ke for ks, ke in kept)]
        for read_, where in _readings(text):
            for m in _INITIALS.finditer(read_):
                if "".join(g for g in m.groups() if g) in self.initials:
                    found.append(_typed_span(where, m.start(), m.end()))
        # ...and in every form the caption check reads as a pupil's initials (s35): in lower
        # case or with one capital ("tw", "Tw", "tjw"), with a middle name or two ("TJW",
        # "T.J.K.W."), unless they may be this person's too or are a short form ("pg 4")
        if matcher is not None:
            for s, e, _typed, pupils, _lower, _middle, word in _typed_initials(text, matcher):
                if not word and pupils and all(p.id != self.person for p in pupils):
                    found.append((s, e))
        # "Ben's photo": the name goes, the "'s" stays
        found = [(s, e - 2) if text[s:e][-2:] in ("'s", "\u2019s") and e - s > 2 else (s, e)
                 for s, e in found]
        mine = {getattr(r, "found", "") for pid, r in (refs or {}).items() if pid == self.person}
        for pid, ref in (refs or {}).items():
            words = (getattr(ref, "found", "") or "").strip()
            if pid == self.person or not words or words in mine:
                continue
            for m in re.finditer(r"(?<![^\W_])" + re.escape(words) + r"(?![^\W_])", text):
                found.append((m.start(), m.end()))
        out: list[tuple[int, int]] = []
        for s, e in sorted(found):
            if out and s < out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
        return out

    def hide(self, text: str | None, refs: dict[str, Any] | None = None) -> str:
        """``text`` with every other pupil's name as ``ANOTHER_PUPIL``."""
        if not text:
            return text or ""
        out = text
        for s, e in reversed(self.spans(text, refs)):
            out = out[:s] + ANOTHER_PUPIL + out[e:]
        return out


class CaptionError(ExportError):
    """The caption to post with an export names someone the channel may not name; nothing was
    exported. ``suggestion``: the caption with those names in the form allowed."""

    def __init__(self, message: str, *, suggestion: str, findings: list[CaptionFinding],
                 hint: str | None = None, also: list[CaptionFinding] | None = None):
        super().__init__(message, hint=hint)
        self.suggestion = suggestion
        self.findings = findings
        #: what later checks changed in the first check's suggestion (their places are in
        #: that suggestion, not in the caption as typed): said, never highlighted
        self.also = list(also or [])


def school_findings(text: str, channel: Channel, school: Any, *,
                    label: bool = False) -> list[CaptionFinding]:
    """The words of a caption or a batch label that name the school, where the channel's rule
    says the school must not be identifiable (``policy.caption_school_refusal``); [] elsewhere.
    ``school``: the school's own words (``vision/text/school.SchoolMatcher``, None or empty:
    none set). Only its sure matches: an everyday word that is also one of the school's ("Hill"
    alone, "green") is a word in a caption, as a line of a photo would only be sent for review.
    The school's initials glued to a word in capitals ("#OPSsportsday") count too, and in a
    ``label`` (the file names, typed in lower case) in any case ("ops-sports-day")."""
    if school is None or getattr(school, "empty", True) or not text.strip():
        return []
    spans = [_rest_of_phrase(text, h.span, h.phrase) for h in school.find_all(text)
             if not h.unsure]
    spans += _initials_spans(text, school, any_case=label)
    why = caption_school_refusal(channel, [text[s:e] for s, e in spans])
    if why is None:
        return []
    # spans that overlap are one finding, as long as all of them (s45 walk: the address
    # "Hollins Lane" and the name "Hollins Lane Primary" start together; the shorter was kept,
    # "names the school (“Hollins Lane”)", and the suggestion was "Year 6 from Primary ...")
    merged: list[list[int]] = []
    for span in sorted(_whole_words(text, *sp) for sp in spans):
        if merged and span[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append([span[0], span[1]])
    return [CaptionFinding((s, e), None, text[s:e], "", why) for s, e in merged]


def _rest_of_phrase(text: str, span: tuple[int, int], phrase: str) -> tuple[int, int]:
    """``span`` grown over the words right after it that are the rest of the school's
    ``phrase`` ("Oakfield Primary" found in "... at Oakfield Primary School!": the suggestion
    was "... at School!")."""
    keys = {canon(w) for w in re.findall(r"[^\W_]+", phrase)} - {""}
    s, e = span
    while m := re.match(r"\s+([^\W_]+)", text[e:]):
        if canon(m.group(1)) not in keys:
            break
        e += m.end()
    return s, e


def _initials_spans(text: str, school: Any, *, any_case: bool) -> list[tuple[int, int]]:
    """Where the school's initials (configured in capitals, "OPS") stand that
    ``SchoolMatcher`` leaves to a photo's own words: glued to a word after them or before
    them ("#OPSsportsday", "#GoOPS", s44 audit: passed on Facebook); with ``any_case``, a
    word of their letters in any case ("ops" in the label "ops-sports-day", the file names
    ops-sports-day-001.jpg: passed on Facebook)."""
    out: list[tuple[int, int]] = []
    for raw, _key, upper in getattr(school, "abbreviations", ()):
        letters = re.sub(r"[^A-Za-z0-9]", "", raw)
        if len(letters) < 2:
            continue
        if upper:
            out += [m.span() for m in re.finditer(
                r"(?<![A-Z])" + re.escape(letters) + r"(?![A-Z])", text)]
        if any_case:
            out += [m.span() for m in re.finditer(
                r"(?<![A-Za-z0-9])" + re.escape(letters) + r"(?![A-Za-z0-9])", text, re.I)]
    return out


def _whole_words(text: str, s: int, e: int) -> tuple[int, int]:
    """The span ``s:e`` grown to the whole words around it (a web address or a handle the
    school's name is part of: "www.oakfieldprimary.sch.uk", "@OakfieldPS"), less the
    punctuation that ends a sentence."""
    while s > 0 and not text[s - 1].isspace():
        s -= 1
    while e < len(text) and not text[e].isspace():
        e += 1
    while e > s and text[e - 1] in ",.!?;:)'\"\u2019\u201d":
        e -= 1
    return s, e


#: a word that only said where, left before the school's name taken out ("at", "from")
#: ("in the", or "the" alone: "Fun in the sunshine!" for Sunshine Nursery gave "Fun in the!")
_LEFT_BEFORE = re.compile(r"\b(?:(?:at|from|in|of|to|visit(?:ing|ed|s)?)(?:\s+the)?|the)\s*"
                          r"(?=[,.!?;:]|$)", re.I)
# the word that led to the school's name, left before the word that leads on ("Year 6 from
# Hollins Lane Primary at the museum" -> "Year 6 from at the museum": "from" goes)
_LED_TO = re.compile(r"\b(?:at|from|in|of|to)\s*$", re.I)
_LEADS_ON = re.compile(r"\s*(?:at|from|in|of|to|on|with|for|by)\b", re.I)


def without_school(text: str, findings: Sequence[CaptionFinding]) -> str:
    """``text`` with the words that name the school (``school_findings``) left out: "Sports day
    at Oakfield Primary!" -> "Sports day!"."""
    parts, pos = [], 0
    for f in sorted(findings, key=lambda f: f.span):
        s, e = f.span
        before = text[pos:max(pos, s)]
        if _LEADS_ON.match(text[e:]):
            before = _LED_TO.sub("", before)
        parts.append(before)
        pos = max(pos, e)
    parts.append(text[pos:])
    out = re.sub(r"\s+([,.!?;:])", r"\1", " ".join("".join(parts).split()))
    out = _LEFT_BEFORE.sub("", out)
    out = re.sub(r"\s+([,.!?;:])", r"\1", " ".join(out.split()))
    # a comma left before the end ("Sports day at Oakfield Primary, Wexbridge!" gave
    # "Sports day,!") and the stop after initials at the start ("O.P.S. sports day" gave
    # ". sports day") go too; nothing but punctuation left is no caption ("Oakfield!")
    out = re.sub(r"[,;:]+(?=[,.!?;:]|$)", "", out).strip(" ,;:-").lstrip(".!?").strip()
    if not any(c.isalnum() for c in out):
        return ""
    return out[:1].upper() + out[1:] if out[:1].islower() and text[:1].isupper() else out


def _without_school_at_all(text: str, named: Sequence[CaptionFinding], channel: Channel,
                           school: Any, *, label: bool = False) -> str:
    """``without_school``, again on what is left while that still names the school (words
    brought together by the cut: "Oak Oakfield field" left "Oak field"): a suggestion is
    never one the same check refuses; '' when none is left."""
    out = without_school(text, named)
    for _ in range(3):
        again = school_findings(out, channel, school, label=label)
        if not again:
            return out
        out = without_school(out, again)
    return "" if school_findings(out, channel, school, label=label) else out


def caption_refusal(caption: str, people: Sequence[Person], channel: Channel, on: _dt.date,
                    mode: str, *, threshold: int = 90, media: Sequence[str] = ("photo",),
                    outcome: str = "nothing was exported",
                    matcher: NameMatcher | None = None, school: Any = None
                    ) -> CaptionError | None:
    """The error to raise for a caption that names someone the channel may not name (checked
    for each media type whose consent it needs, ``policy.caption_media``: a photo's always,
    a video's too for a video), or that names the school where the channel's rule says the
    school must not be identifiable (``school``: the school's words, ``school_findings``), or
    None. ``outcome``: what the refusal means, in the error's words; ``matcher``: as
    ``check_caption``'s.

    The refusal says the first check that fails (the school's words, then each media type's
    consent); its suggestion passes them all where one can: each check's suggestion is
    checked again (s45 walk: a trip's photos and video, "Nathan Ellison and Tori Ashby at the
    museum" on the website: "Use the suggested caption" gave "Nathan Ellison and TA at the
    museum", which the video's consent refused in turn, suggesting "NE and TA ..."). Where a
    later check refuses the suggestion and has none of its own, none is suggested."""
    if matcher is None:
        matcher = caption_matcher(people, threshold)
    refused = _refusal_once(caption, people, channel, on, mode, threshold=threshold,
                            media=media, outcome=outcome, matcher=matcher, school=school)
    if refused is None or not refused.suggestion.strip():
        return refused
    suggestion = refused.suggestion
    later: list[CaptionFinding] = []    # what the later checks changed in the suggestion
    for _ in range(5):                  # the school, then each media type: a few at most
        again = _refusal_once(suggestion, people, channel, on, mode, threshold=threshold,
                              media=media, outcome=outcome, matcher=matcher, school=school)
        if again is None:
            break
        later += again.findings
        if not again.suggestion.strip() or again.suggestion == suggestion:
            # no caption passes every check: none is suggested, and the hint says what the
            # later check found (s45 audit: the school's check suggested "Rory Quinn and Sam
            # Hale are both winners" for Facebook, naming a pupil on the do-not-photograph
            # list, and "Use the suggested caption" put it in the box)
            return CaptionError(refused.message, suggestion="", findings=refused.findings,
                                hint=again.hint if not again.suggestion.strip() else
                                "Leave out the names and words said above.")
        suggestion = again.suggestion
    else:
        return CaptionError(refused.message, suggestion="", findings=refused.findings,
                            hint="Leave out the names and words said above.")
    if suggestion == refused.suggestion:
        return refused
    # the message says why the suggestion differs from the first check's too (s46 walk: on
    # Instagram with a video, "Nathan Ellison" became "N" while the message named only the
    # photos' reason, which allows his first name: the video's consent was not said). The
    # findings stay the first check's: their places are in the caption as typed, the later
    # ones' in a suggestion
    also = "; ".join(f"\u201c{f.found}\u201d: {f.reason_in_sentence}" for f in later)
    tail = f"; {outcome}"
    message = refused.message
    if also and message.endswith(f"){tail}") and message.startswith(_NAMES_SOMEONE):
        message = f"{message[:-len(tail) - 1]}; {also}){tail}"
    elif also and message.endswith(tail):
        message = f"{message[:-len(tail)]}; it also {_NAMES_SOMEONE[12:]}({also}){tail}"
    return CaptionError(message, suggestion=suggestion, findings=refused.findings,
                        hint=f"Suggested caption: {suggestion}", also=later)


def caption_verdict(caption: str, people: Sequence[Person], channel: Channel, on: _dt.date,
                    mode: str, *, threshold: int = 90, media: Sequence[str] = ("photo",),
                    school: Any = None) -> CaptionCheck:
    """What a caption check tells the person, as marking ready and export decide it
    (``caption_refusal``): ok, or the first refusal's findings (the school's words, then each
    media type's consent), the suggestion that passes every check ('' none) and why there is
    none (``CaptionCheck.no_suggestion``). ``photovet caption`` prints it (s45 audit W1: the
    command gathered the findings and made a suggestion of its own)."""
    matcher = caption_matcher(people, threshold)
    refused = caption_refusal(caption, people, channel, on, mode, threshold=threshold,
                              media=media, matcher=matcher, school=school)
    if refused is None:
        return check_caption(caption, people, channel, on, mode, threshold=threshold,
                             media=caption_media(media)[0], matcher=matcher)
    why = ""
    if not refused.suggestion.strip():
        first = _refusal_once(caption, people, channel, on, mode, threshold=threshold,
                              media=media, outcome="", matcher=matcher, school=school)
        if first is not None and not first.suggestion.strip() and \
                school_findings(caption, channel, school):
            # nothing left without the school's name: said so, not "without the name" (s44)
            why = CAPTION_NOTHING_LEFT_SCHOOL
        else:
            # the check's own words, or the later check's that refused its suggestion
            why = (refused.hint or "").rstrip(".") or CAPTION_NOTHING_LEFT
    return CaptionCheck(ok=False, findings=list(refused.findings),
                        suggestion=refused.suggestion if refused.suggestion.strip() else "",
                        none_because=why,
                        also=list(refused.also) if refused.suggestion.strip() else [])


_NAMES_SOMEONE = "the caption names someone it may not "


def _refusal_once(caption: str, people: Sequence[Person], channel: Channel, on: _dt.date,
                  mode: str, *, threshold: int, media: Sequence[str], outcome: str,
                  matcher: NameMatcher, school: Any) -> CaptionError | None:
    """``caption_refusal``'s first check that fails, with that check's own suggestion."""
    named = school_findings(caption, channel, school)
    if named:
        said = ", ".join(f"\u201c{f.found}\u201d" for f in named)
        suggestion = _without_school_at_all(caption, named, channel, school)
        return CaptionError(
            f"the caption names the school ({said}): {channel.label} must not show which "
            f"school it is; {outcome}", suggestion=suggestion, findings=named,
            hint=f"Suggested caption: {suggestion}" if suggestion else
            "Leave the school's name out of the caption.")
    for kind in caption_media(media):
        result = check_caption(caption, people, channel, on, mode, threshold=threshold,
                               media=kind, matcher=matcher)
        if result.ok:
            continue
        said = "; ".join(f"\u201c{f.found}\u201d: {f.reason_in_sentence}"
                         for f in result.findings)
        return CaptionError(
            f"{_NAMES_SOMEONE}({said}); {outcome}",
            suggestion=result.suggestion, findings=result.findings,
            hint=f"Suggested caption: {result.suggestion}" if result.suggestion
            else result.no_suggestion)
    return None


# --------------------------------------------------------------------------------------------
# Batch labels (they become the export's file names, published with the photos)
# --------------------------------------------------------------------------------------------

DEFAULT_LABEL = "photos"


class LabelError(ExportError):
    """The batch label names someone the channel may not name; nothing was exported.
    ``suggestion``: a label that would do."""

    def __init__(self, message: str, *, suggestion: str, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.suggestion = suggestion


# two letters in lower case, a word of their own ("tw" in "tw sports day")
_LOWER_PAIR = re.compile(r"(?<![^\W_])[a-z]{2}(?![^\W_])")


def _label_words(label: str) -> str:
    """'tori_ashby-award.2026' -> 'tori ashby award 2026': the words a file name will show."""
    return " ".join(re.sub(r"[-_.+]+", " ", label or "").split())


def file_name_school_words(file_name: str, channel: Channel, school: Any) -> list[str]:
    """The words of an exported copy's file name (its label, numbered: made from the batch
    label) that name the school where ``channel`` must not show which school it is
    (``school_findings``, read as a label); [] elsewhere or with no school words set."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return [f.found for f in school_findings(_label_words(stem), channel, school, label=True)]


def file_name_people(file_name: str, people: Sequence[Person], channel: Channel,
                     on: _dt.date, media: str = "photo", *,
                     matcher: NameMatcher | None = None) -> list[tuple[str, str]]:
    """The names in an exported copy's file name (its label, numbered) that may not be used on
    ``channel`` now, each ``(words, why in a sentence)``, as a batch label is checked
    (``check_label``, with the school's consent rule); [] none. s46: a copy made for the
    website, whose file name names a pupil in full, was recorded as posted on Facebook (no
    names) with its file name never checked there."""
    return [(f.found, f.reason) for f in file_name_findings(file_name, people, channel, on,
                                                             media, matcher=matcher)]



def copy_label(file_name: str) -> str:
    """The batch label an exported copy's file name was made from: without its extension and
    the copy's number (``NameAllocator``: "tori-hale-award-001.jpg" -> "tori-hale-award").
    What the file-name checks read, so copies of one label share one check."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return re.sub(r"[-_ ]\d+$", "", stem)

def file_name_findings(file_name: str, people: Sequence[Person], channel: Channel,
                       on: _dt.date, media: str = "photo", *,
                       matcher: NameMatcher | None = None) -> list[CaptionFinding]:
    """``file_name_people``'s findings, each with the pupil it names (``person``: None where
    the words fit several). ``matcher``: ``caption_matcher(people, 90)`` built once for many
    file names (s46: the take-down list checks every posted copy's)."""
    result = check_label(copy_label(file_name), people, channel, on, Mode.CONSENT.value, media=media,
                         matcher=matcher, findings_only=True)
    return [] if result.ok else list(result.findings)


def file_name_mentions(file_name: str, people: Sequence[Person], *,
                       matcher: NameMatcher | None = None) -> set[str]:
    """Everyone of ``people`` an exported copy's file name (its label, numbered) may refer to
    at all, however it may be used (``caption_mentions`` of the label's words, as typed and as
    ``check_label`` reads them): a take-down list of one person checks in full only the file
    names that mention them (s46; too many rather than one missed)."""
    words = _label_words(copy_label(file_name))
    read = _LOWER_PAIR.sub(lambda m: m.group(0).upper(), words)
    if matcher is None:
        matcher = caption_matcher(people, 90)
    return {pid for text in dict.fromkeys((words, read))
            for pid in _caption_mentions(text, people, threshold=90, matcher=matcher)}


def file_names_naming(person: Person, file_names: Iterable[str]) -> set[str]:
    """Of ``file_names`` (exported copies' names), those that may refer to ``person`` at all
    (``file_name_mentions`` with their names alone, checked once a label): the one reading the
    subject access report, the take-down list and the person's page share (s63: the page and
    its list of exports left out a copy named after them that the report listed)."""
    matcher = caption_matcher([person], 90)
    by_label: dict[str, bool] = {}
    out = set()
    for name in file_names:
        label = copy_label(name)
        if label not in by_label:
            by_label[label] = person.id in file_name_mentions(name, [person], matcher=matcher)
        if by_label[label]:
            out.add(name)
    return out


def check_label(label: str, people: Sequence[Person], channel: Channel, on: _dt.date,
                mode: str, *, threshold: int = 90, media: str = "photo",
                matcher: NameMatcher | None = None, findings_only: bool = False
                ) -> CaptionCheck:
    """Check a batch label like a caption (issue 18): the file names made from it are published
    with every photo of the batch, so a pupil's name in it must be allowed on the channel in that
    form. ``suggestion`` is the label with those names as initials (or left out);
    ``findings_only``: the same findings, no suggestion made (``file_name_findings``: the
    take-down list reads every posted copy's, s46)."""
    words = _label_words(label)
    # two letters in lower case are read as initials too ("tw_sports_day"): file names are
    # often typed in lower case (s33); the caption's rules say which are a pupil's; a word or
    # short form only in lower case ("mr_smiths_class", "oh_what_fun": names.TWO_LETTER_WORDS)
    # stays as it is, as in a caption
    read = _LOWER_PAIR.sub(lambda m: m.group(0) if m.group(0) in TWO_LETTER_WORDS
                           or m.group(0) in LOWER_SHORT_FORMS else m.group(0).upper(), words)
    if matcher is None:
        matcher = caption_matcher(people, threshold)
    if findings_only:   # ``check_caption``'s findings are its first check's
        first = _check_once(read, matcher, channel, on, mode, media)
        for f in first.findings:
            f.found = words[f.span[0]:f.span[1]] or f.found
        return CaptionCheck(ok=first.ok, findings=sorted(first.findings,
                                                         key=lambda f: f.span[0]))
    result = check_caption(read, people, channel, on, mode, threshold=threshold, media=media,
                           sentence=False, matcher=matcher)
    if result.ok:
        return CaptionCheck(ok=True, suggestion=words)
    for f in result.findings:       # the words as the label has them
        f.found = words[f.span[0]:f.span[1]] or f.found
    suggestion = _label_words(result.suggestion) or DEFAULT_LABEL
    again = check_caption(suggestion, people, channel, on, mode, threshold=threshold, media=media,
                          sentence=False, matcher=matcher)
    if not again.ok:   # initials that are themselves a name: a neutral label
        suggestion = DEFAULT_LABEL
    return CaptionCheck(ok=False, findings=result.findings, suggestion=suggestion)


def label_refusal(label: str, people: Sequence[Person], channel: Channel, on: _dt.date,
                  mode: str, *, threshold: int = 90,
                  media: str | Sequence[str] = ("photo",), school: Any = None
                  ) -> LabelError | None:
    """The error to raise for a label that names someone it may not, or the school where the
    channel's rule says the school must not be identifiable (``school``, as for
    ``caption_refusal``), or None. Checked for each media type the batch holds (``media``),
    as a caption is: a video's file name is made from the same label and names the pupil with
    a video, which needs the video consent."""
    words = _label_words(label)
    named = school_findings(words, channel, school, label=True)
    if named:
        suggestion = _label_words(_without_school_at_all(words, named, channel, school,
                                                         label=True)) or DEFAULT_LABEL
        return LabelError(
            f"the batch label \u201c{label}\u201d names the school (\u201c{named[0].found}"
            f"\u201d): {channel.label} must not show which school it is. The label becomes "
            "the file names, which are published with the photos",
            suggestion=suggestion, hint=f"Use a general label, for example: {suggestion}")
    kinds = (media,) if isinstance(media, str) else tuple(dict.fromkeys(media or ("photo",)))
    for kind in kinds:
        result = check_label(label, people, channel, on, mode, threshold=threshold, media=kind)
        if not result.ok:
            break
    else:
        return None
    first = result.findings[0]
    more = f" (and {len(result.findings) - 1} more)" if len(result.findings) > 1 else ""
    return LabelError(
        f"the batch label \u201c{label}\u201d names \u201c{first.found}\u201d{more}: "
        f"{first.reason_in_sentence}. The label becomes the file names, "
        f"which are published with the photos",
        suggestion=result.suggestion,
        hint=f"Use a general label, for example: {result.suggestion}")


__all__ = ["ANOTHER_PUPIL", "DEFAULT_LABEL", "CaptionCheck", "CaptionError", "CaptionFinding",
           "CaptionMention", "LabelError", "OtherPupils", "caption_mentions", "caption_refusal",
           "caption_verdict", "check_caption", "check_label", "copy_label", "file_name_findings",
           "file_name_mentions", "file_name_people",
           "file_name_school_words", "label_refusal", "note_names", "school_findings",
           "without_school"]
