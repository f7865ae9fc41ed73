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
  the parent's own name there as often as not, and that pupil's record is the evidence);
- (s34) an approver's comment and an approval's note, the reasons of reviews and video
  reviews and the words read where a text decision was made (``forget_in_reviews``), why a
  take-down item was closed, a camera's label: found as a note's are; the name of the photo
  a face signature was taken from, as a file name (``forget_in_register_texts``). What
  becomes of an approval that signed such a reason: ``forget_in_approvals`` (it still
  counts, signed again traceably, when what it publishes is the same).

Several people are forgotten at once (a retention run's leavers: ``exports.forget_names``):
each text is read once, with one matcher for all their names.

Each becomes ``words.CAPTION_NAME_REMOVED`` where it named them; the rest stays. Audit rows
are never rewritten (the log is hash-chained and its head signed): from s33 they never hold a
post's web address (``Records.mark_posted``), nor a take-down note naming a pupil
(``free_text``)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from photovet.core.models import Person
from photovet.core.words import CAPTION_NAME_REMOVED, with_names_removed

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


def spaced_words(text: str, spans: list[tuple[int, int]] | None = None) -> str:
    """A web address or a file name read as its words separated by spaces (as
    ``scrub_web_words`` gives it to the caption check)."""
    if spans is None:
        if "%" in text:
            text = unquote(text, errors="replace")
        spans = _words_of(text)
    return " ".join(text[a:b] for a, b in spans)


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
    spaced = spaced_words(text, spans)
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
    return with_names_removed(text, spans, gone)


class Forgetter:
    """What may name the people being forgotten (one, or a retention run's leavers all at
    once: s34) in the texts kept with posts, take-downs, reviews and approvals. Each text is
    read once (``scrub``: one matcher for all of them)."""

    def __init__(self, people: Person | Sequence[Person] | None, scrub: Any,
                 full_names: Iterable[str] | Mapping[str, Iterable[str]]) -> None:
        if people is None:
            people = []
        elif isinstance(people, Person):
            people = [people]
        self.people = list(people)
        self.person = self.people[0] if len(self.people) == 1 else None   # (as before)
        self.scrub = scrub                         # exports._Scrubber: as in a caption
        self.words: set[str] = set()
        self.joined: set[str] = set()
        for p in self.people:
            words, joined = name_words(p)
            self.words |= words
            self.joined |= joined
        by_id = dict(full_names) if isinstance(full_names, Mapping) else {"": full_names}
        self.full = {pid: [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE)
                           for n in names if n] for pid, names in by_id.items()}
        self._seen: dict[str, str] = {}     # the same address or note again: read once

    def web(self, text: str) -> str:
        """A web address or a file name."""
        if text not in self._seen and self._not_theirs(text):
            self._seen[text] = text
        if text not in self._seen:
            self._seen[text] = scrub_web_words(text, self.scrub.patterns, self.words,
                                               self.joined)
            derive = getattr(self.scrub, "derive", None)
            if derive is not None and self._seen[text] != text:
                derive(spaced_words(text), spaced_words(self._seen[text]))
        return self._seen[text]

    def _not_theirs(self, text: str) -> bool:
        """Whether ``text`` (a web address, a file name) surely has nothing of theirs, without
        reading it word by word (s35: each leaver forgotten alone read every address): the
        caption check found none of them in it when the run read it for all of them
        (``exports.ReadTexts``), none of their full names or the words a caption was recorded
        naming them by is in it, and none of their name words, run together or not, is even
        part of a word of it."""
        known = getattr(self.scrub, "known", None)
        spaced_of = getattr(known, "spaced", None)
        if known is None or spaced_of is None:
            return False
        spaced = spaced_of.get(text)
        if spaced is None:
            spaced = spaced_of[text] = spaced_words(text)
        found = known.get(spaced)
        if found is None or any(p.id in found for p in self.people):
            return False
        low = (unquote(text, errors="replace") if "%" in text else text).casefold()
        if any(w in low for w in self.words) or any(j in low for j in self.joined):
            return False
        return not any(p.search(spaced) for p in getattr(self.scrub, "said", ()))

    def text(self, text: str) -> str:
        """A sentence (a note, why a post was not allowed, a reason): its file names and web
        addresses word by word, the rest as a caption's names are found."""
        if not text:
            return text
        key = "\0text\0" + text
        if key not in self._seen:
            parts = re.split(r"(\s+)", text)
            self._seen[key] = str(self.scrub("".join(self.web(p) if _WEBBY.search(p) else p
                                                 for p in parts)))
        return self._seen[key]

    def requester(self, text: str, but: str | None = None) -> str:
        """Who asked for another pupil's consent change ("Sam's mum"): their full names, and
        a first name of theirs said as someone's child; ``but``: not the one whose consent it
        was (their own record says who asked for them)."""
        if not text:
            return text
        from photovet.core.free_text import children_named  # noqa: PLC0415

        for pid, patterns in self.full.items():
            if but is not None and pid == but:
                continue
            for pattern in patterns:
                text = pattern.sub(CAPTION_NAME_REMOVED, text)
        others = [p for p in self.people if p.id != but]
        if others:
            for w in children_named(text, others):
                text = re.sub(rf"(?<!\w){re.escape(w)}(?!\w)", CAPTION_NAME_REMOVED, text)
        return text


def forget_in_posts_and_takedowns(db: Any, person_ids: str | Collection[str],
                                  forget: Forgetter) -> dict[str, int]:
    """``Forgetter`` over the posts' web addresses and why each was not allowed, the take-down
    items' notes, why an item was closed and their reasons about others, and who asked for
    others' consent changes, in the caller's transaction (``person_ids``: whom ``forget``
    forgets). Returns how many rows of each changed (for the audit row)."""
    gone = {person_ids} if isinstance(person_ids, str) else set(person_ids)
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
    for tid, note, reasons, closed in db.all(
            "SELECT id, note, reasons, closed_reason FROM takedown_items WHERE (note IS NOT "
            "NULL AND note != '') OR reasons != '{}' OR (closed_reason IS NOT NULL AND "
            "closed_reason != '')"):
        new_note = forget.text(str(note)) if note else note
        new_closed = forget.text(str(closed)) if closed else closed
        try:
            held = json.loads(reasons or "{}")
        except ValueError:
            held = {}
        new_held = {pid: forget.requester(text) if pid not in gone and isinstance(text, str)
                    else text for pid, text in held.items()} if isinstance(held, dict) else held
        if new_note == note and new_held == held and new_closed == closed:
            continue
        db.execute("UPDATE takedown_items SET note = ?, reasons = ?, closed_reason = ? WHERE "
                   "id = ?", [new_note, json.dumps(new_held) if new_held != held else reasons,
                              new_closed, tid])
        changed["takedown_items"] += 1
    for hid, whose, asked in db.all("SELECT id, person_id, requested_by FROM consent_history "
                                    "WHERE requested_by IS NOT NULL AND requested_by != ''"):
        # their own consent history says who asked for them: kept while their row is (it is
        # deleted with it); another pupil's that names them is not theirs to keep
        new = forget.requester(str(asked), but=str(whose))
        if new != asked:
            db.execute("UPDATE consent_history SET requested_by = ? WHERE id = ?", [new, hid])
            changed["consent_history"] += 1
    return changed


def forget_in_register_texts(db: Any, forget: Forgetter) -> dict[str, int]:
    """``Forgetter`` over what the register keeps beside people (s34), in the caller's
    transaction: the name of the photo a face signature was taken from (another pupil's: "Sam
    and Tori at sports day.jpg"; kept for the record, never read back), word by word as a file
    name; and the label staff gave one of the school's cameras ("Sam Hale's dad's camera").
    Returns how many rows of each changed."""
    changed = {"encodings": 0, "devices": 0}
    for (name,) in db.all("SELECT DISTINCT photo_name FROM encodings WHERE photo_name != ''"):
        new = forget.web(str(name))
        if new != name:
            changed["encodings"] += db.execute("UPDATE encodings SET photo_name = ? WHERE "
                                               "photo_name = ?", [new, name]).rowcount
    for did, label in db.all("SELECT id, label FROM devices WHERE label != ''"):
        new = forget.text(str(label))
        if new != label:
            db.execute("UPDATE devices SET label = ? WHERE id = ?", [new, did])
            changed["devices"] += 1
    return changed


#: the texts staff typed into a review's decisions: why a face is shown, said to be someone or
#: not a face, why a name is left readable, why a warning was accepted; and the words read
#: where a text decision was made (``TextDecision.text``, a video track's ``text``)
_REVIEW_TEXTS = {"reviews": (("faces", ("reason",)), ("texts", ("reason", "text")),
                             ("flags", ("reason",))),
                 "video_reviews": (("tracks", ("reason", "text")),)}


@dataclass
class ReviewsForgotten:
    """A photo's or video's review whose reasons lost a name (``forget_in_reviews``): each
    scope's document before and after, and each reason as it was -> as it is now."""

    table: str                                       # "reviews" | "video_reviews"
    before: dict[str, dict[str, Any]] = field(default_factory=dict)
    after: dict[str, dict[str, Any]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def digest(self, sha256: str, channel: str, *, now: bool) -> str:
        """The review digest an approval for ``channel`` signs (``review.review_hash``,
        ``video_review.video_review_hash``), of the review before or after."""
        docs = self.after if now else self.before
        if self.table == "reviews":
            from photovet.core.review import ALL, Review, review_hash  # noqa: PLC0415

            return review_hash([Review.from_content(sha256, scope, docs[scope], 0, "", "")
                                if scope in docs else Review(sha256, scope)
                                for scope in (ALL, channel)])
        from photovet.core.review import ALL as EVERY  # noqa: PLC0415
        from photovet.core.video_review import VideoReview, video_review_hash  # noqa: PLC0415

        return video_review_hash([VideoReview.from_content(sha256, scope, docs[scope], 0, "", "")
                                  if scope in docs else VideoReview(sha256, scope)
                                  for scope in (EVERY, channel)])


def forget_in_reviews(db: Any, forget: Forgetter) -> dict[tuple[str, str], ReviewsForgotten]:
    """``Forgetter`` over the reasons staff typed in the reviews of photos and videos (and
    the words read where a text decision was made), in the caller's transaction: typed before
    the free-text check existed, or with a name the check let through. A review keeps its
    version (its decisions are the same). Returns, for each (table, content hash) changed,
    what changed (``forget_in_approvals`` needs it)."""
    out: dict[tuple[str, str], ReviewsForgotten] = {}
    for table, lists in _REVIEW_TEXTS.items():
        for sha, scope, doc in db.all(f"SELECT sha256, channel, doc FROM {table}"):
            try:
                before = json.loads(doc or "{}")
            except ValueError:
                continue
            if not isinstance(before, dict):
                continue
            if not any(isinstance(d, dict) and isinstance(d.get(f), str) and d[f]
                       and forget.text(d[f]) != d[f]
                       for key, fields in lists for d in before.get(key) or []
                       for f in fields):
                continue        # nothing in it names them (each text read once: cached)
            after = copy.deepcopy(before)
            said: dict[str, str] = {}
            for key, fields in lists:
                for d in after.get(key) or []:
                    if not isinstance(d, dict):
                        continue
                    for f in fields:
                        if isinstance(d.get(f), str) and d[f]:
                            new = forget.text(d[f])
                            if new != d[f]:
                                if f == "reason":
                                    said[d[f]] = new
                                d[f] = new
            if after == before:
                continue
            db.execute(f"UPDATE {table} SET doc = ? WHERE sha256 = ? AND channel = ?",
                       [json.dumps(after, sort_keys=True), sha, scope])
            got = out.setdefault((table, str(sha)), ReviewsForgotten(table))
            got.before[str(scope)], got.after[str(scope)] = before, after
            got.reasons.update(said)
    # the scopes not changed, as they are (both sides of a digest need them)
    for (table, sha), got in out.items():
        for scope, doc in db.all(f"SELECT channel, doc FROM {table} WHERE sha256 = ?", [sha]):
            if str(scope) not in got.after:
                try:
                    data = json.loads(doc or "{}")
                except ValueError:
                    continue
                got.before[str(scope)] = got.after[str(scope)] = data
    return out


def _as_now(reason: str, said: Mapping[str, str]) -> str:
    """A reason an approval signed ("Shown by hand: Sam's mum agreed": the decision's words
    and the reason typed) as the review's reasons now make it."""
    for old, new in sorted(said.items(), key=lambda x: -len(x[0])):
        if reason.endswith(old):
            return reason[:-len(old)] + new
    return reason


def _signed_forgotten(signed: dict[str, Any], sha: str, channel: str,
                      review: ReviewsForgotten | None, forget: Forgetter
                      ) -> tuple[dict[str, Any], bool, bool]:
    """What an approval signed (``parts``) with what named the forgotten people removed;
    whether what it publishes is the same (only the review's reasons lost a name), and
    whether it signed the review as it was (else it did not count already, and still does
    not: the digest it signed is kept, and what it publishes is not compared)."""
    new = copy.deepcopy(signed)
    stands, same_review = True, True
    said = review.reasons if review is not None else {}
    if review is not None:
        if new.get("review") == review.digest(sha, channel, now=False):
            new["review"] = review.digest(sha, channel, now=True)
        else:
            same_review = False     # it signed another review: it did not count already
    if isinstance(new.get("caption"), str) and new["caption"]:
        cleaned = forget.scrub(new["caption"])
        if cleaned != new["caption"]:
            new["caption"], stands = cleaned, False       # what is posted changed
    pub = new.get("publication")
    if isinstance(pub, list):
        # the faces shown (box, whose, why), the texts kept readable (words, whose, why) and
        # a video's tracks (..., why): the reasons are the review's; the rest is the photo's
        rows: list[tuple[list[Any], int, bool]] = []
        for at, why in ((5, 2), (6, 2), (7, 6)):
            if len(pub) > at and isinstance(pub[at], list):
                rows += [(r, why, True) for r in pub[at] if isinstance(r, list) and len(r) > why]
                if at == 6:
                    rows += [(r, 0, False) for r in pub[at] if isinstance(r, list) and r]
        for row, i, reason in rows:
            if not isinstance(row[i], str) or not row[i]:
                continue
            mapped = _as_now(row[i], said) if reason else row[i]
            cleaned = forget.text(mapped)
            if cleaned != mapped:
                stands = False              # a name in what it publishes, or not the review's
            row[i] = cleaned
    return new, stands, same_review


def forget_in_approvals(db: Any, forget: Forgetter,
                        reviews: Mapping[tuple[str, str], ReviewsForgotten], *, audit: Any,
                        people: Sequence[str]) -> dict[str, int]:
    """``Forgetter`` over the approvals, in the caller's transaction: the approver's comment
    and PhotoVet's note (typed before the free-text check existed), the caption the preparer
    proposed, and what an approval signed (``parts``: its caption, and the reasons of the
    review it signed, which are part of what will be published: ``Publication.signature``).

    An approval signs exactly what was reviewed (s34, docs/POLICIES.md): where only the
    reasons of the review lost a name, what it publishes is unchanged, and the approval still
    counts: it signs the review as it is now (a new fingerprint), its note says so
    (``words.approval_name_removed``), and an ``approval.name-removed`` audit row holds the
    fingerprint it was given with and the one it has now (never silently re-signed). Where
    what it publishes changed (the caption it signed, words left readable) it waits for
    approval again, saying why (``words.approval_again_name_removed``; audited as
    ``approval.cancelled``). An approval that did not count already (it signed something
    else) only loses the name, and still does not count. ``people``: whom (ids, for the audit
    rows). Returns how many approvals of each kind changed."""
    from photovet.core.approval import APPROVED, READY, fingerprint  # noqa: PLC0415
    from photovet.core.words import (  # noqa: PLC0415
        approval_again_name_removed,
        approval_name_removed,
    )

    changed = {"approvals": 0, "re-signed": 0, "to-approve-again": 0}
    import datetime as _dt  # noqa: PLC0415

    day = _dt.date.today().strftime("%d/%m/%Y")
    for sha, channel, status, fp, parts, comment, note, caption, approver, decided in db.all(
            "SELECT sha256, channel, status, fingerprint, parts, comment, note, caption, "
            "approver, decided_at FROM approvals"):
        new_comment = forget.text(str(comment)) if comment else comment
        new_note = forget.text(str(note)) if note else note
        new_caption = forget.scrub(str(caption)) if caption else caption
        try:
            signed = json.loads(parts) if parts else None
        except ValueError:
            signed = None
        new_parts, new_fp, new_status = parts, fp, status
        if isinstance(signed, dict):
            table = "video_reviews" if signed.get("media") == "video" else "reviews"
            new_signed, stands, same_review = _signed_forgotten(
                signed, str(sha), str(channel), reviews.get((table, str(sha))), forget)
            if new_signed != signed:
                new_parts = json.dumps(new_signed, sort_keys=True)
                given = status == APPROVED and bool(fp) and fp == fingerprint(signed)
                if given and (stands or not same_review):
                    # signed again, traceably: the fingerprint the approver gave (their
                    # approval.approved row) -> this one; one that did not count (it signed
                    # another review) still does not, and says nothing new
                    new_fp = fingerprint(new_signed)
                    if same_review:
                        new_note = approval_name_removed(day)
                    audit.record("approval.name-removed", {
                        "sha256": sha, "channel": channel, "fingerprint_was": fp,
                        "fingerprint": new_fp, "people": list(people)})
                    changed["re-signed"] += 1
                elif given:
                    new_status, new_parts, new_fp = READY, "", ""
                    new_note, new_comment = approval_again_name_removed(day), ""
                    audit.record("approval.cancelled", {
                        "sha256": sha, "channel": channel, "approver": approver,
                        "approved_at": decided, "why": new_note, "people": list(people)})
                    changed["to-approve-again"] += 1
        if (new_comment, new_note, new_caption, new_parts, new_fp, new_status) == (
                comment, note, caption, parts, fp, status):
            continue
        if new_status != status:
            db.execute("UPDATE approvals SET status = ?, approver = NULL, approver_id = NULL, "
                       "decided_at = NULL, comment = ?, fingerprint = ?, parts = ?, note = ?, "
                       "caption = ? WHERE sha256 = ? AND channel = ?",
                       [new_status, new_comment, new_fp, new_parts, new_note, new_caption, sha,
                        channel])
        else:
            db.execute("UPDATE approvals SET comment = ?, fingerprint = ?, parts = ?, note = ?, "
                       "caption = ? WHERE sha256 = ? AND channel = ?",
                       [new_comment, new_fp, new_parts, new_note, new_caption, sha, channel])
        changed["approvals"] += 1
    return changed


__all__ = ["Forgetter", "ReviewsForgotten", "forget_in_approvals", "forget_in_posts_and_takedowns",
           "forget_in_register_texts", "forget_in_reviews", "name_words", "scrub_web_words",
           "spaced_words"]
