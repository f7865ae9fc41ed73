"""Checking a caption typed by a person: pupils' names in the form the policy allows."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Sequence

from photovet.core.models import Channel, Person
from photovet.core.policy import caption_name_form, caption_warning
from photovet.core.vision.text.names import NameMatcher

# --------------------------------------------------------------------------------------------
# Captions
# --------------------------------------------------------------------------------------------

@dataclass
class CaptionFinding:
    span: tuple[int, int]
    person: str | None
    found: str
    replacement: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"span": list(self.span), "person": self.person, "found": self.found,
                "replacement": self.replacement, "reason": self.reason}


@dataclass
class CaptionCheck:
    ok: bool
    findings: list[CaptionFinding] = field(default_factory=list)
    suggestion: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_dict() for f in self.findings],
                "suggestion": self.suggestion}


def check_caption(caption: str, people: Sequence[Person], channel: Channel, on: _dt.date,
                  mode: str, *, threshold: int = 90, media: str = "photo") -> CaptionCheck:
    """Find pupils' names in a caption and suggest the form the policy allows.

    Pupils whose names may not be shown become initials ("John Smith" -> "JS"); where the
    channel allows only first names, the surname is dropped. Anyone on the do-not-photograph
    list is named in a warning: they must not be in the post at all. Staff names are checked
    against their own consent, like pupils'.
    """
    matcher = NameMatcher(people, threshold=threshold, in_sentences=True)
    findings: list[CaptionFinding] = []
    taken: list[tuple[int, int]] = []
    for hit in matcher.find_all(caption):
        s, e = hit.span
        if any(s < te and ts < e for ts, te in taken):
            continue
        person = matcher.by_id.get(hit.person) if hit.person else None
        found = caption[s:e]
        warning = caption_warning(person, on)
        if hit.role == "staff" and hit.form == "forename":
            continue  # a staff member's first name alone says little (as in the picture)
        form = caption_name_form(person, channel, mode, on, media)
        if person is None:
            # the same first name fits several pupils: initials of the name as written
            repl = "".join(w[0].upper() for w in found.split() if w[:1].isalpha()) or found[:1]
            reason = "Name fits several pupils: use initials"
        elif warning:
            repl = ""
            reason = warning
        elif form == "full":
            continue
        elif form == "first":
            if hit.form in ("forename",):
                continue
            repl = person.first_name
            reason = f"First name only on {channel.label}"
        else:
            if hit.form == "forename" or hit.form == "surname":
                repl = (person.first_name or found)[0].upper() if hit.form == "forename" \
                    else (person.surname or found)[0].upper()
            else:
                repl = person.initials
            who = "this member of staff" if person.is_staff else "this pupil"
            reason = f"No consent to name {who} with a photo on {channel.label}: use initials"
        findings.append(CaptionFinding((s, e), hit.person, found, repl, reason))
        taken.append((s, e))
    suggestion = caption
    for f in sorted(findings, key=lambda f: f.span[0], reverse=True):
        s, e = f.span
        suggestion = suggestion[:s] + f.replacement + suggestion[e:]
    suggestion = " ".join(suggestion.split())
    return CaptionCheck(ok=not findings, findings=sorted(findings, key=lambda f: f.span[0]),
                        suggestion=suggestion)


__all__ = ["CaptionCheck", "CaptionFinding", "check_caption"]
