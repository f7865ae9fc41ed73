"""The decision policy: may this face be shown, may this name be read, on this channel?

Pure functions, no I/O. Everything fails closed: a face is shown only when every one of these
holds, otherwise it is blurred and the reason says which check failed first:

1. the face is RECOGNISED (not unknown, not uncertain) as a person in the register;
2. that person's register row is valid (it was not rejected at import);
3. they are not on the do-not-photograph list (this overrides every consent);
4. they have not left (no leaving date on or before the day of the check);
5. in ``no-identifiable-children`` mode, they are staff (every pupil is blurred);
6. they have consent "Yes" for the channel (a channel the register has no column for = no consent).

The reasons are written for school office staff: "No consent for Facebook",
"On the do-not-photograph list", "Left school on 2025-07-18", "Not recognised".
"""

from __future__ import annotations

import datetime as _dt

from photovet.core.models import CHANNELS, Decision, Match, MatchStatus, Mode, Person, channel_label

# Channels on which, even with consent to publish a name, a pupil's caption uses the first name
# only (common safeguarding advice for social media). School-added channels count as social.
FULL_NAME_CHANNELS = ("website", "newsletter", "press")

REASON_NOT_RECOGNISED = "Not recognised"
REASON_NOT_IN_REGISTER = "Not in the register"
REASON_INVALID_ROW = "Register row rejected (fix the register)"
REASON_DNP = "On the do-not-photograph list"
REASON_NO_CHILDREN = "No identifiable children on this channel"
REASON_UNKNOWN_MODE = "Unknown mode (blurred to be safe)"


def _mode_value(mode: str | Mode) -> str:
    return mode.value if isinstance(mode, Mode) else str(mode)


def _mode_known(mode: str) -> bool:
    return mode in (Mode.CONSENT.value, Mode.NO_IDENTIFIABLE_CHILDREN.value)


def left_reason(person: Person) -> str:
    assert person.leaving_date is not None
    return f"Left school on {person.leaving_date.isoformat()}"


def _person_block(person: Person | None, on: _dt.date) -> str | None:
    """The first reason this person may never be published, or None."""
    if person is None:
        return REASON_NOT_IN_REGISTER
    if not person.valid:
        return REASON_INVALID_ROW
    if person.do_not_photograph:
        return REASON_DNP
    if person.has_left(on):
        return left_reason(person)
    return None


def _is_staff(person: Person) -> bool:
    return person.role == "staff"


def has_channel_consent(person: Person, channel: str) -> bool:
    """True only for an explicit Yes for that channel (missing = not recorded = No)."""
    return person.consents.get(channel) is True


def decide_face(match: Match, person: Person | None, channel: str, on: _dt.date,
                mode: str | Mode = Mode.CONSENT) -> Decision:
    """Show or blur one face. ``person`` is the register row for ``match.person`` (or None)."""
    if match.status is MatchStatus.UNCERTAIN and match.person is not None:
        who = person.first_name if person is not None and person.first_name else None
        reason = (f"Recognised as {who}? Not certain enough" if who
                  else "Recognised, but not certain enough")
        return Decision("blur", reason, needs_review=True)
    if not match.recognised:
        return Decision("blur", REASON_NOT_RECOGNISED)
    if person is not None and person.id != match.person:
        # The caller passed the wrong row: never show on a mismatch.
        return Decision("blur", REASON_NOT_IN_REGISTER)
    block = _person_block(person, on)
    if block:
        return Decision("blur", block)
    assert person is not None
    mode_v = _mode_value(mode)
    if not _mode_known(mode_v):
        return Decision("blur", REASON_UNKNOWN_MODE)
    if mode_v == Mode.NO_IDENTIFIABLE_CHILDREN.value and not _is_staff(person):
        return Decision("blur", REASON_NO_CHILDREN)
    label = channel_label(channel)
    if not has_channel_consent(person, channel):
        return Decision("blur", f"No consent for {label}")
    return Decision("show", f"Consent for {label}")


def _name_consented(person: Person, channel: str, mode: str) -> bool:
    if _is_staff(person):
        return True
    return (mode == Mode.CONSENT.value and person.name_with_photo
            and has_channel_consent(person, channel))


def decide_name(person: Person | None, channel: str, on: _dt.date,
                mode: str | Mode = Mode.CONSENT) -> Decision:
    """Keep or redact a person's name READ IN THE PICTURE (a name badge, a certificate...)."""
    if person is None:
        return Decision("redact", "Name not matched to the register")
    block = _person_block(person, on)
    if block:
        return Decision("redact", f"Name: {block[0].lower()}{block[1:]}")
    mode_v = _mode_value(mode)
    if not _mode_known(mode_v):
        return Decision("redact", REASON_UNKNOWN_MODE)
    if _is_staff(person):
        return Decision("keep", "Staff name")
    label = channel_label(channel)
    if mode_v == Mode.NO_IDENTIFIABLE_CHILDREN.value:
        return Decision("redact", "Pupil's name (no identifiable children on this channel)")
    if not person.name_with_photo:
        return Decision("redact", "Pupil's name (no consent to show names)")
    if not has_channel_consent(person, channel):
        return Decision("redact", f"Pupil's name (no consent for {label})")
    return Decision("keep", f"Pupil's name (consent to show names on {label})")


def caption_name_form(person: Person | None, channel: str, on: _dt.date,
                      mode: str | Mode = Mode.CONSENT) -> str:
    """What a caption may call this person: "full", "first" or "initials".

    Initials unless the name may be shown (see ``decide_name``). Staff: full name. Pupils with
    consent: full name on the website, newsletter and press; first name only on social media
    and school-added channels.
    """
    if person is None or decide_name(person, channel, on, mode).action != "keep":
        return "initials"
    if _is_staff(person):
        return "full"
    return "full" if channel in FULL_NAME_CHANNELS else "first"


__all__ = [
    "CHANNELS", "FULL_NAME_CHANNELS", "decide_face", "decide_name", "caption_name_form",
    "has_channel_consent", "left_reason",
]
