"""A pupil is forgotten: the words staff or PhotoVet kept with a post, a take-down item or
another pupil's withdrawal that may name them (s33).

``exports.forget_caption_names`` removes a forgotten pupil's name from the captions, approved
captions and batch labels. What else is kept with a post or a take-down was typed before the
free-text check (``free_text``) existed, or cannot be refused because it is what happened:

- a post's web address ("https://oakfield.example/news/sam-hale-wins": the school's own page
  named after the pupil), read as its words ("news sam hale wins"), with words run together
  ("samhale", "SamHale"), percent-encoded ("sam%20hale") or a name word alone ("/sam/") found
  too: in a web address every word is lower case, so an everyday word that is one of their
  names ("hope") is removed there as well (fail closed). Where two posts of one export on one
  channel and day would then have the same address, the later one gets " (2)";
- why a post was recorded as not allowed (it says the file name, made from the batch label,
  and the people's names) and the note kept when an item was taken down: found as a
  caption's names are (``exports._Scrubber``), and their file names and web addresses word
  by word as above;
- who asked for another pupil's consent change ("Sam's mum" on his sister's withdrawal) and
  the take-down reasons that repeat it: only their full name and their first name said as
  someone's child (``free_text.children_named``), never a first name or surname alone (it is
  the parent's own name there as often as not, and that pupil's record is the evidence).

Each becomes ``words.CAPTION_NAME_REMOVED`` where it named them; the rest stays. Audit rows
are never rewritten (the log is hash-chained and its head signed): from s33 they never hold a
post's web address (``Records.mark_posted``), nor a take-down note naming a pupil
(``free_text``)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from photovet.core.models import Person
from photovet.core.words import CAPTION_NAME_REMOVED

#: something in a text that is a file name or a web address: a separator between letters
_WEBBY = re.compile(r"[^\W_][/\\\-_.=?&+%#:~][^\W_]")
_ASCII_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def name_words(person: Person | None) -> tuple[set[str], set[str]]:
    """``(words, joined)``: every word of ``person``'s names now and before (any case, split
    at hyphens too, 2 letters or more), and each first name and surname run together
    ("samhale")."""
    words: set[str] = set()
    joined: set[str] = set()
    if person is None:
        return words, joined
    for f in (person, *getattr(person, "also_known_as", ())):
        firsts = [n for n in (f.legal_forename, f.preferred_forename) if n]
        lasts = [n for n in (f.legal_surname, f.preferred_surname) if n]
        for n in (*firsts, *lasts):
            words.update(w.casefold() for w in re.findall(r"[^\W_]+", n) if len(w) >= 2)
        for first in firsts:
            for last in lasts:
                run = "".join(re.findall(r"[^\W_]+", f"{first}{last}")).casefold()
                if len(run) >= 5:
                    joined.add(run)
    return words, joined


def _words_of(text: str) -> list[tuple[int, int]]:
    """Where each word of ``text`` is; a word in mixed case is split where a capital starts
    ("SamHaleWins": Sam, Hale, Wins)."""
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\W_]+", text):
        t = m.group()
        if t.isascii() and not t.isupper() and not t.islower():
            out += [(m.start() + s.start(), m.start() + s.end())
                    for s in _ASCII_PARTS.finditer(t)]
        else:
            out.append((m.start(), m.end()))
    return out


def scrub_web_words(text: str, patterns: Callable[[str], list[Any]], words: set[str],
                    joined: set[str]) -> str:
    """``text`` (a web address, a file name) with each of its words that may name the person
    replaced by ``CAPTION_NAME_REMOVED`` (words next to each other once): read as its words
    separated by spaces, where ``patterns`` finds the words that name them as in a sentence;
    and any word that is one of their name ``words`` (or it with an "s"), or contains a
    first name and surname run together (``joined``)."""
    given = text
    if "%" in text:
        text = unquote(text, errors="replace")
    spans = _words_of(text)
    if not spans:
        return given
    spaced = " ".join(text[a:b] for a, b in spans)
    starts: list[int] = []
    at = 0
    for a, b in spans:
        starts.append(at)
        at += b - a + 1
    gone: set[int] = set()
    for pattern in patterns(spaced):
        for m in pattern.finditer(spaced):
            gone.update(k for k, (a, b) in enumerate(spans)
                        if starts[k] < m.end() and m.start() < starts[k] + b - a)
    for k, (a, b) in enumerate(spans):
        w = text[a:b].casefold()
        if w in words or (w.endswith("s") and w[:-1] in words) or any(j in w for j in joined):
            gone.add(k)
    if not gone:
        return given          # as it was given, percent-encoded or not
    out: list[str] = []
    last = 0
    k = 0
    while k < len(spans):
        if k not in gone:
            k += 1
            continue
        end = k
        while end + 1 in gone:
            end += 1
        out += [text[last:spans[k][0]], CAPTION_NAME_REMOVED]
        last = spans[end][1]
        k = end + 1
    out.append(text[last:])
    return "".join(out)


class Forgetter:
    """What may name one forgotten person in the texts kept with posts and take-downs."""

    def __init__(self, person: Person | None, scrub: Any, full_names: Iterable[str]) -> None:
        self.person = person
        self.scrub = scrub                         # exports._Scrubber: as in a caption
        self.words, self.joined = name_words(person)
        self.full = [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE)
                     for n in full_names if n]
        self._seen: dict[str, str] = {}     # the same address or note again: read once

    def web(self, text: str) -> str:
        """A web address or a file name."""
        if text not in self._seen:
            self._seen[text] = scrub_web_words(text, self.scrub.patterns, self.words,
                                               self.joined)
        return self._seen[text]

    def text(self, text: str) -> str:
        """A sentence (a note, why a post was not allowed): its file names and web addresses
        word by word, the rest as a caption's names are found."""
        if not text:
            return text
        key = "\0text\0" + text
        if key not in self._seen:
            parts = re.split(r"(\s+)", text)
            self._seen[key] = str(self.scrub("".join(self.web(p) if _WEBBY.search(p) else p
                                                 for p in parts)))
        return self._seen[key]

    def requester(self, text: str) -> str:
        """Who asked for another pupil's consent change ("Sam's mum"): their full names, and
        a first name of theirs said as someone's child."""
        if not text:
            return text
        from photovet.core.free_text import children_named  # noqa: PLC0415

        for pattern in self.full:
            text = pattern.sub(CAPTION_NAME_REMOVED, text)
        if self.person is not None:
            for w in children_named(text, [self.person]):
                text = re.sub(rf"(?<!\w){re.escape(w)}(?!\w)", CAPTION_NAME_REMOVED, text)
        return text


def forget_in_posts_and_takedowns(db: Any, person_id: str, forget: Forgetter) -> dict[str, int]:
    """``Forgetter`` over the posts' web addresses and why each was not allowed, the take-down
    items' notes and their reasons about others, and who asked for others' consent changes,
    in the caller's transaction. Returns how many rows of each changed (for the audit row)."""
    changed = {"posts": 0, "takedown_items": 0, "consent_history": 0}
    for post_id, export_id, channel, day, url, why in db.all(
            "SELECT id, export_id, channel, posted_on, url, not_allowed FROM posts WHERE "
            "url != '' OR not_allowed != ''"):
        new_url = forget.web(str(url)) if url else ""
        new_why = forget.text(str(why)) if why else ""
        if new_url == (url or "") and new_why == (why or ""):
            continue
        unique, n = new_url, 2
        while new_url != url and db.one(
                "SELECT 1 FROM posts WHERE export_id = ? AND channel = ? AND posted_on = ? AND "
                "url = ? AND id != ?", [export_id, channel, day, unique, post_id]):
            unique, n = f"{new_url} ({n})", n + 1
        db.execute("UPDATE posts SET url = ?, not_allowed = ? WHERE id = ?",
                   [unique, new_why, post_id])
        changed["posts"] += 1
    for tid, note, reasons in db.all("SELECT id, note, reasons FROM takedown_items WHERE "
                                     "(note IS NOT NULL AND note != '') OR reasons != '{}'"):
        new_note = forget.text(str(note)) if note else note
        try:
            held = json.loads(reasons or "{}")
        except ValueError:
            held = {}
        new_held = {pid: forget.requester(text) if pid != person_id and isinstance(text, str)
                    else text for pid, text in held.items()} if isinstance(held, dict) else held
        if new_note == note and new_held == held:
            continue
        db.execute("UPDATE takedown_items SET note = ?, reasons = ? WHERE id = ?",
                   [new_note, json.dumps(new_held) if new_held != held else reasons, tid])
        changed["takedown_items"] += 1
    for hid, asked in db.all("SELECT id, requested_by FROM consent_history WHERE person_id != ? "
                             "AND requested_by IS NOT NULL AND requested_by != ''", [person_id]):
        new = forget.requester(str(asked))
        if new != asked:
            db.execute("UPDATE consent_history SET requested_by = ? WHERE id = ?", [new, hid])
            changed["consent_history"] += 1
    return changed


__all__ = ["Forgetter", "forget_in_posts_and_takedowns", "name_words", "scrub_web_words"]
