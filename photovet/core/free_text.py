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
subject access report (s32).
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
    email"), may not be kept as it is: it gives another pupil's full name ("Sam Stayer's mum").
    The requester's own name is needed for the record (the consent history is the evidence),
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
    if not found:
        return None
    return free_text_names([w for w, _weak in found], kept=KEPT_WITH_CONSENT_HISTORY)


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


__all__ = ["check", "refusal", "requester_check", "requester_refusal"]
