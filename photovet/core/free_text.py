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
write them, and nothing else is refused: initials, "the pupil", "Y3 girl".
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


def check(db: Any, text: str | None) -> str | None:
    """``refusal`` against the names on the register in ``db`` (a ``Database``)."""
    if not text or not text.strip():
        return None
    from photovet.core.register.people import names_on  # noqa: PLC0415 (the register sits above)

    return refusal(text, names_on(db))


__all__ = ["check", "refusal"]
