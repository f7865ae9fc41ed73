"""Words staff type that PhotoVet keeps: never a pupil's name (DPO audit s31).

Why a face may be shown or a name left readable (a photo's or a video's review), why a flag is
accepted, an approver's comment on an approval or a rejection, what was done to take an item
down, why a person is removed from the register: each is kept in the audit log, which is
hash-chained and never rewritten, and most of them beside the photo too. They outlive the
pupil's records (deleted when the pupil leaves or asks), so a pupil's name typed into one would
be kept after everything else about them is gone. Every store that keeps one asks ``refusal``
first (``check`` reads the register's names from the database) and refuses it with
``words.free_text_names``: "Write this without the pupil's name (...): it is kept in the audit
log. Use their initials or 'the pupil'." The app and the commands show that message as the
core says it; the app asks before the dialog closes (``Workspace.free_text_refusal``), so
nothing typed is lost.

Names are found as a caption's are (``captions.note_names``): everyone on the register, their
names now and before, rejected rows too; pupils only (staff are named by the audit log's
account anyway). Staff's words are not published, so a refusal says which words and how to
write them, and nothing else is refused: initials, "the pupil", "Y3 girl". A device's label
("Mrs Khan's iPad") is kept in the devices list and the audit log: checked the same way (s32).

Who asked for a consent change ("Mrs Harriet Ellison (mother), by email") is not kept in the
audit log (only that someone asked, and the day), but with the person's consent history, and
the parent's name is what the record is for: ``requester_refusal`` refuses only another
pupil's full name there ("Sam Stayer's mum"), a third party's name in this pupil's record and
subject access report (s32), and another pupil's first name said as someone's child ("Sam's
mum", ``children_named``: a sibling at the school; s33), asking for the parent as this pupil's
("Tori's mum") or by their own name. A first name alone passes: a parent may have it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from photovet.core.models import Person
from photovet.core.words import free_text_names


def refusal(text: str | None, people: Sequence[Person]) -> str | None:
    """Why ``text`` (typed by staff, kept in the audit log) may not be kept as it is: the
    pupils' names it says, and how to write it instead; None when it names no pupil."""
    if not text or not text.strip():
        return None
    from photovet.core.vision.text.captions import note_names  # noqa: PLC0415 (numpy, lists)

    found = note_names(text, people)
    if not found:
        return None
    return free_text_names([w for w, _weak in found], weak=all(weak for _w, weak in found))


def requester_refusal(text: str | None, people: Sequence[Person], person_id: str
                      ) -> str | None:
    """Why ``text``, who asked for a consent change of ``person_id`` ("Mrs Harris (mother), by
    email"), may not be kept as it is: it gives another pupil's full name ("Sam Stayer's mum"),
    or another pupil's first name as someone's child ("Sam's mum": ``children_named``; the
    refusal asks for the parent as this pupil's, "Tori's mum", or by their own name). The
    requester's own name is needed for the record (the consent history is the evidence),
    and a parent's name shares words with pupils' names (their child's surname, a first name
    a pupil also has), so a first name or a surname alone is kept, and the person's own names
    always: a withdrawal is never held up by a parent's name. Another pupil's full name would
    be kept in this person's consent history and shown in their subject access report, a third
    party's name outliving that pupil's own records."""
    if not text or not text.strip():
        return None
    from photovet.core.vision.text.captions import note_names  # noqa: PLC0415 (numpy, lists)
    from photovet.core.words import KEPT_WITH_CONSENT_HISTORY  # noqa: PLC0415

    others = [p for p in people if p.id != person_id]
    own = {w.casefold() for p in people if p.id == person_id
           for w in _name_words(p)}
    found = [(w, weak) for w, weak in note_names(text, others)
             if len(names := _without_titles(w)) >= 2 and not weak
             and not {x.casefold() for x in names} <= own]
    if found:
        return free_text_names([w for w, _weak in found], kept=KEPT_WITH_CONSENT_HISTORY)
    # another pupil's first name said as someone's child ("Sam's mum"): a sibling at the
    # school, named in this pupil's record (s33); the first name alone stays (a parent's own)
    children = [w for w in children_named(text, [p for p in people if p.role != "staff"])
                if w.casefold() not in own]
    if not children:
        return None
    from photovet.core.words import requester_names_another_child  # noqa: PLC0415

    mine = next((p for p in people if p.id == person_id), None)
    return requester_names_another_child(children, mine.first_name if mine else "")


#: how a child says who a grown-up is to them ("Sam's mum", "mother of Sam")
RELATIONS = frozenset({
    "mum", "mummy", "mom", "mother", "dad", "daddy", "father", "parent", "parents", "carer",
    "carers", "guardian", "guardians", "gran", "granny", "grandma", "grandmother", "nan",
    "nana", "nanny", "grandad", "granddad", "grandpa", "grandfather", "grandparent",
    "grandparents", "aunt", "auntie", "aunty", "uncle", "stepmum", "stepdad", "stepmother",
    "stepfather", "step-mum", "step-dad", "brother", "sister", "family", "foster", "nanna"})

_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)*"


def _listed_before(text: str, tokens: list[tuple[str, str, int]], i: int,
                   firsts: set[str]) -> list[int]:
    """The tokens of first names listed before token ``i`` ("Sam, Amy and Tori's"): a name,
    then "and", "or" or "&", then more names after commas. None unless the list ends with
    "and", "or" or "&" (in "Kate, Tori's mum" Kate is the mum)."""

    def gap(j: int) -> str:      # the text between token j and the next
        return text[tokens[j][2] + len(tokens[j][0]) + len(tokens[j][1]):tokens[j + 1][2]].strip()

    j = i - 1
    if j >= 0 and tokens[j][0].casefold() in ("and", "or") and gap(j) == "":
        j -= 1
    elif not (j >= 0 and gap(j) == "&"):
        return []
    out: list[int] = []
    while j >= 0 and not tokens[j][1] and tokens[j][0].casefold() in firsts:
        out.append(j)
        if j >= 1 and gap(j - 1) == ",":
            j -= 1
            continue
        break
    return out


def children_named(text: str | None, people: Sequence[Person]) -> list[str]:
    """The first names of ``people`` (now and before) that ``text`` says as someone's child,
    as typed: with "'s" and capitalised or before a relation ("Sam's mum", "sam's dad",
    "Sam's"), listed before such a name ("Sam and Tori's mum": both), or after a relation and
    "of" ("mother of Sam"). Not after a title: "Mrs Thomas's email" is a parent's surname.
    A first name alone ("Sam Jones (mother)") is not a child's: a parent may have it too."""
    import re  # noqa: PLC0415

    if not text or not text.strip() or not people:
        return []
    firsts: set[str] = set()
    for p in people:
        for f in (p, *getattr(p, "also_known_as", ())):
            for n in (f.legal_forename, f.preferred_forename):
                firsts.update(w.casefold() for w in (n or "").split() if len(w) >= 2)
    if not firsts:
        return []
    tokens = [(m.group(1), m.group(2) or "", m.start(1)) for m in re.finditer(
        rf"({_WORD})(['\u2019]s?(?!\w))?", text)]
    found: dict[str, None] = {}
    for i, (word, poss, _at) in enumerate(tokens):
        after = tokens[i + 1][0].casefold() if i + 1 < len(tokens) else ""
        before = tokens[i - 1][0].rstrip(".").casefold() if i else ""
        if poss and word.casefold() in firsts and before not in _TITLES and (
                word[:1].isupper() or after in RELATIONS or
                (after.endswith("s") and after[:-1] in RELATIONS)):
            found[word] = None
            # "Sam and Tori's mum", "Sam, Amy & Tori's": the names listed before it too
            for j in _listed_before(text, tokens, i, firsts):
                found[tokens[j][0]] = None
    for m in re.finditer(rf"(?<!\w)({_WORD})\s+of\s+({_WORD})(?!\w)", text, re.IGNORECASE):
        if m.group(1).casefold() in RELATIONS and m.group(2).casefold() in firsts:
            found[m.group(2)] = None
    return sorted(found, key=text.find)


#: what goes before a parent's surname ("Mr Hale"): not a first name
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady",
                     "lord"})


def _without_titles(words: str) -> list[str]:
    return [w for w in words.split() if w.rstrip(".").casefold() not in _TITLES]


def _name_words(p: Person) -> set[str]:
    """Every word of a person's names, now and before."""
    out: set[str] = set()
    for f in (p, *getattr(p, "also_known_as", ())):
        for n in (f.legal_forename, f.legal_surname, f.preferred_forename, f.preferred_surname):
            out.update((n or "").split())
    return out


def requester_check(db: Any, text: str | None, person_id: str) -> str | None:
    """``requester_refusal`` against the names on the register in ``db``."""
    if not text or not text.strip():
        return None
    from photovet.core.register.people import names_on  # noqa: PLC0415 (the register sits above)

    return requester_refusal(text, names_on(db), person_id)


def check(db: Any, text: str | None) -> str | None:
    """``refusal`` against the names on the register in ``db`` (a ``Database``)."""
    if not text or not text.strip():
        return None
    from photovet.core.register.people import names_on  # noqa: PLC0415 (the register sits above)

    return refusal(text, names_on(db))


__all__ = ["RELATIONS", "check", "children_named", "refusal", "requester_check",
           "requester_refusal"]
