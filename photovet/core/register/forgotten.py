"""The forgotten list: a removed pupil's names kept out of the register without keeping them
(DPO audit s35).

When a pupil is removed from the register (``Register.delete_people``: the family asked, or the
retention schedule's leavers), the other people's rows may still say their name: a note from
the MIS ("Group photos only, agreed with Sam Hale's mum"), a family or contact id made from
it ("HALE01", "SamHaleFamily"). Forgetting takes it out there, and the next MIS import, whose
file still says it, must not bring it back. PhotoVet cannot keep the name to look for: it
keeps keyed digests of it instead (HMAC-SHA256 under a key derived from the register key, so a
copied register.db cannot be asked "was Sam Hale removed?"; ``forgotten_names``, no register
id, no date of birth). Each digest is of one normalised form (accents dropped, any case):

- ``word``: each word of their names, now and before (2 letters or more);
- ``pair``: each first name with each surname ("sam hale");
- ``joined``: first name and surname run together ("samhale").

What is done with a text (``Forgotten.note`` and ``Forgotten.family``):

- a note (free text): two words that are a pair, a word that is a joined name, and a word that
  is one of their names written as a name is (with a capital, or a word that is no English
  word) become ``words.CAPTION_NAME_REMOVED``; the row's own names stay (a sibling shares the
  surname: "Tori Hale, group photos only");
- a family or contact id is an id: one in which any word is one of their names (any case,
  words split at capitals, digits and signs: "HALE01", "sam-hale") becomes a pseudonym made
  from it ("family 3f2a…": the same id always gives the same pseudonym, so siblings still
  share it and a later import gives it again, and no name is left in it).

A name typed with a slip in an MIS note ("Smtih" for a removed Smith) is found at the removal
itself, while the name is known (``NearMisses``, s36: a surname of four letters or more with
one slip, a first name with or without one before a surname of theirs; never an English word,
a name PhotoVet knows, or the name of anyone still in the register). A later import can catch
only what a digest matches: each name word exactly as written (any case, accents dropped), a
first name with a surname, the two run together; a note that arrives later with a slip of a
removed name ("Smtih" first typed in the MIS after the removal) is kept as it is. (Keeping a
digest of every one-slip spelling would catch it, at ~50 digests per letter of each surname:
~600 rows for "Winterbottom", read at every import.) If the register key is ever replaced
(``Keys.replace_key``), the digests made under the old key no longer match: the list is then
said to be unreadable (``Forgotten.unreadable``)."""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from photovet.core.models import Person
from photovet.core.words import with_names_removed

_WORD = re.compile(r"[^\W_]+")
_ID_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_A-Za-z]+")   # "SamHALE01"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Accents dropped, any case: "Zoë" and "ZOE" are one name."""
    return _plain(text).casefold()


def _forms(person: Person) -> tuple[set[str], set[str], set[str]]:
    """(words, pairs, joined) of ``person``'s names now and before, normalised."""
    words: set[str] = set()
    pairs: set[str] = set()
    joined: set[str] = set()
    for f in (person, *getattr(person, "also_known_as", ())):
        firsts = [n for n in (f.legal_forename, f.preferred_forename) if n]
        lasts = [n for n in (f.legal_surname, f.preferred_surname) if n]
        for n in (*firsts, *lasts):
            words.update(w for w in (normalise(x) for x in _WORD.findall(n)) if len(w) >= 2)
        for first in firsts:
            for last in lasts:
                a = [normalise(x) for x in _WORD.findall(first)]
                b = [normalise(x) for x in _WORD.findall(last)]
                if a and b:
                    pairs.add(f"{a[-1]} {b[0]}")
                    run = "".join(a + b)
                    if len(run) >= 5:
                        joined.add(run)
    return words, pairs, joined


def digest(key: bytes, kind: str, form: str) -> str:
    return hmac.new(key, f"{kind}\0{form}".encode(), hashlib.sha256).hexdigest()


#: who removed a name on the forgotten list (``forgotten_names.removed_by``, s36)
BY_RETENTION, BY_PERSON = "retention", "person"


def remember(db: Any, key: bytes, key_id: str, people: Iterable[Person], *,
             by: str = BY_PERSON) -> int:
    """Add the digests of ``people``'s names to the forgotten list, in the caller's
    transaction. Returns how many digests are new. ``by``: ``BY_RETENTION`` (the retention
    schedule's leavers) or ``BY_PERSON`` (an erasure, a removal by mistake): a name a person
    removed stays so, whoever removes it again (the import lists it one by one)."""
    day = _dt.date.today().isoformat()
    added = 0
    for p in people:
        words, pairs, joined = _forms(p)
        for kind, forms in (("word", words), ("pair", pairs), ("joined", joined)):
            for form in forms:
                d = digest(key, kind, form)
                row = db.one("SELECT removed_by FROM forgotten_names WHERE digest = ?", [d])
                if not row:
                    db.execute("INSERT INTO forgotten_names (digest, kind, key_id, added_on, "
                               "removed_by) VALUES (?, ?, ?, ?, ?)",
                               [d, kind, key_id, day, by])
                    added += 1
                elif kind != "word":
                    # a whole name removed again (added back since): the import says the
                    # last day it was removed (``Forgotten.removed_on``), and who removed it
                    # (a person's removal stands over the schedule's)
                    was = row[0] if row[0] in (BY_RETENTION, BY_PERSON) else BY_PERSON
                    db.execute("UPDATE forgotten_names SET added_on = ?, removed_by = ? "
                               "WHERE digest = ?",
                               [day, BY_PERSON if BY_PERSON in (was, by) else BY_RETENTION, d])
    return added


class Forgotten:
    """The forgotten list as this PC can read it (the register key's digests)."""

    def __init__(self, db: Any, key: bytes, key_id: str) -> None:
        self.key = key
        self.digests: set[str] = set()
        self.days: dict[str, str] = {}      # digest -> the day it was added (no name)
        #: the digests of names only the retention schedule removed (its leavers)
        self.by_retention: set[str] = set()
        self.unreadable = 0                 # digests made under another key
        self.unreadable_names = 0           # of them, whole names (first name with surname)
        for d, kind, kid, day, by in db.all(
                "SELECT digest, kind, key_id, added_on, removed_by FROM forgotten_names"):
            if kid == key_id:
                self.digests.add(str(d))
                self.days[str(d)] = str(day or "")
                if by == BY_RETENTION:
                    self.by_retention.add(str(d))
            else:
                self.unreadable += 1
                self.unreadable_names += kind == "pair"

    @classmethod
    def of(cls, db: Any, keys: Any) -> Forgotten:
        return cls(db, forgotten_key(keys), keys.key_id_in_register() or "")

    def __bool__(self) -> bool:
        return bool(self.digests)

    def _is(self, kind: str, form: str) -> bool:
        return digest(self.key, kind, form) in self.digests

    def _whole_names(self, person: Person) -> list[str]:
        """The digests on the list of ``person``'s whole names (first name with surname, or
        the two run together)."""
        _words, pairs, joined = _forms(person)
        return [d for d in [digest(self.key, "pair", f) for f in pairs]
                + [digest(self.key, "joined", f) for f in joined] if d in self.digests]

    def removed_by_retention(self, person: Person) -> bool:
        """Whether every whole name of ``person`` (a row of an MIS file) on the list was
        removed by the retention schedule (its leavers), none by a person (an erasure): an MIS
        file still listing old leavers is then no news (s36). False when none is on it."""
        found = self._whole_names(person)
        return bool(found) and all(d in self.by_retention for d in found)

    def removed_on(self, person: Person) -> str | None:
        """Whether ``person`` (a row of an MIS file) has the whole name of someone removed
        from the register: a first name with a surname, or the two run together (a word alone
        is a sibling's surname, not them). None: no; else the last day such a name was removed
        (ISO, as the list keeps it without the name), or "" when the list has no day."""
        if not self.digests:
            return None
        days = [self.days.get(d, "") for d in self._whole_names(person)]
        if not days:
            return None
        return max(days)

    def note(self, text: str, own: Person | None = None) -> str:
        """``text`` (a note about ``own``) with what names a forgotten pupil removed."""
        if not text or not self.digests:
            return text
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        mine = _forms(own)[0] if own is not None else set()
        gone: set[int] = set()
        forms = [normalise(w) for _a, _b, w in spans]
        for k, (_a, _b, w) in enumerate(spans):
            n = forms[k]
            if k + 1 < len(spans) and text[spans[k][1]:spans[k + 1][0]].strip() in ("", "-") \
                    and self._is("pair", f"{n} {forms[k + 1]}"):
                gone.update((k, k + 1))
            if self._is("joined", n) or (n not in mine and self._is("word", n)
                                         and (w[:1].isupper() or not _english(n))):
                gone.add(k)
        if not gone:
            return text
        return with_names_removed(text, [(a, b) for a, b, _w in spans], gone,
                                  lambda gap: gap.strip() in ("", "-"))

    def family(self, value: str) -> str:
        """A family or contact id: a pseudonym made from it where one of its words is a
        forgotten pupil's name (the same id, the same pseudonym), else as it is."""
        if not value or not self.digests or value.startswith("family "):
            return value
        parts = [p.casefold() for w in _WORD.findall(_plain(value))
                 for p in _ID_PARTS.findall(w)]
        runs = {"".join(parts[i:j]) for i in range(len(parts))
                for j in range(i + 1, len(parts) + 1)}
        if any(self._is("word", p) for p in parts) or any(self._is("joined", r) for r in runs):
            return "family " + digest(self.key, "family", value)[:12]
        return value


def _english(word: str) -> bool:
    from photovet.core.vision.text.names import english_words  # noqa: PLC0415

    return word in english_words()


def forgotten_key(keys: Any) -> bytes:
    """The key the forgotten list's digests are made with (derived from the register key)."""
    from photovet.core.keys import _derive  # noqa: PLC0415

    return _derive(keys.master(), b"forgotten names v1")


def _ordinary(word: str) -> bool:
    """Is ``word`` (normalised) an English word or a name PhotoVet knows (a surname, a name
    that is a word): a word one slip from a removed pupil's name that is itself a word or
    another name ("Hall", "Well", "Smyth") is that word, not a slip (s36)."""
    from photovet.core.vision.text import names  # noqa: PLC0415
    from photovet.core.vision.text.captions import short_words  # noqa: PLC0415

    # (the word list leaves out words SCOWL also spells with a capital, "male" for Malé: its
    # words of three and four letters, names and places too, are ordinary here)
    return word in names.english_words() or word in short_words() or word in _known_names()


@functools.lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    from photovet.core.vision.text import names  # noqa: PLC0415

    return frozenset(normalise(w) for w in
                     names.COMMON_SURNAMES | names.WORD_SURNAMES | names.COMMON_WORD_NAMES)


class NearMisses:
    """The removed pupils' names typed with one slip in another pupil's note (s36: "Smtih" for
    a removed Smith), found at the removal, while their names are still known (the forgotten
    list keeps digests of the names exactly as written: a later import cannot find a slip).

    Taken out of a note: a word one slip (two letters swapped, one missing, extra or wrong:
    ``names._one_slip``) from one of their surnames, now or before, of four letters or more;
    and a first name of theirs, as written or with one slip, just before a surname of theirs
    (as written or with a slip): their full name. Never: a word that is an English word or a
    name PhotoVet knows (``_ordinary``: "Hall" is not a slip of Hale), a name of anyone still
    in the register (``keep``: another pupil is Smyth), nor the row's own names."""

    def __init__(self, gone: Iterable[Person], keep: Iterable[str] = ()) -> None:
        self.surnames: set[str] = set()
        self.firsts: set[str] = set()
        for p in gone:
            for f in (p, *getattr(p, "also_known_as", ())):
                for n in (f.legal_surname, f.preferred_surname):
                    self.surnames.update(w for w in (normalise(x) for x in _WORD.findall(n or ""))
                                         if len(w) >= 4)
                for n in (f.legal_forename, f.preferred_forename):
                    self.firsts.update(w for w in (normalise(x) for x in _WORD.findall(n or ""))
                                       if len(w) >= 3)
        #: every word of the names of the people still in the register, normalised
        self.keep: set[str] = {normalise(w) for n in keep for w in _WORD.findall(n or "")}

    def _near(self, word: str, names: set[str]) -> bool:
        from photovet.core.vision.text.names import _one_slip  # noqa: PLC0415

        return any(_one_slip(word, n) for n in names)

    def note(self, text: str, own: Person | None = None) -> str:
        """``text`` (a note about ``own``) without the removed pupils' names typed with a
        slip."""
        if not text or not self.surnames:
            return text
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        mine = (_forms(own)[0] if own is not None else set()) | self.keep
        forms = [normalise(w) for _a, _b, w in spans]

        def slip(n: str, names: set[str]) -> bool:
            # (the word lists are read only for a word one slip from a name)
            return n not in names and n not in mine and self._near(n, names) and \
                not _ordinary(n)

        surname = [n in self.surnames or slip(n, self.surnames) for n in forms]
        gone: set[int] = set()
        for k, n in enumerate(forms):
            if surname[k] and n not in self.surnames:
                gone.add(k)
            if k + 1 < len(spans) and surname[k + 1] and \
                    text[spans[k][1]:spans[k + 1][0]].strip() in ("", "-") and \
                    (n in self.firsts or slip(n, self.firsts)) and \
                    not (n in mine and forms[k + 1] in mine):
                gone.update((k, k + 1))
        if not gone:
            return text
        return with_names_removed(text, [(a, b) for a, b, _w in spans], gone,
                                  lambda gap: gap.strip() in ("", "-"))


def scrub_people(db: Any, forgotten: Forgotten, people: Iterable[Person],
                 near: NearMisses | None = None) -> int:
    """Every remaining person's notes and family id as ``forgotten`` makes them (and, at a
    removal, ``near``: the removed pupils' names typed with a slip), in the caller's
    transaction. Returns how many rows changed."""
    changed = 0
    for p in people:
        # the slips first: a full name with one ("Sam Hael") goes as one name
        notes = near.note(p.notes, p) if near is not None else p.notes
        notes, family = forgotten.note(notes, p), forgotten.family(p.family)
        if (notes, family) != (p.notes, p.family):
            db.execute("UPDATE people SET notes = ?, family = ? WHERE id = ?",
                       [notes, family, p.id])
            changed += 1
    return changed


def forget(db: Any, keys: Any, gone: Iterable[Person], others: Iterable[Person], *,
           by: str = BY_PERSON) -> int:
    """``gone`` are removed from the register: their names' digests join the forgotten list
    and ``others`` (everyone left) lose them from their notes and family ids, in the caller's
    transaction. Returns how many of the others' rows changed. ``by``: who removed them
    (``remember``)."""
    key = forgotten_key(keys)
    kid = keys.key_id_in_register() or ""
    gone = list(gone)
    others = list(others)
    remember(db, key, kid, gone, by=by)
    near = None
    if any(p.notes for p in others):
        # (the names of everyone still in the register: a slip that is another pupil's name
        # is that pupil)
        near = NearMisses(gone, [n for r in db.all(
            "SELECT legal_forename, legal_surname, preferred_forename, preferred_surname "
            "FROM people") for n in r if n])
    return scrub_people(db, Forgotten(db, key, kid), others, near)


__all__ = ["BY_PERSON", "BY_RETENTION", "Forgotten", "NearMisses", "digest", "forget", "forgotten_key",
           "normalise", "remember", "scrub_people"]
