"""Where a school posts: one registry of channels, defined once, in the register.

A channel has an id ("facebook"), a label ("Facebook"), the size and JPEG quality of its exports,
its names rule (how much of a pupil's name may appear with a photo when the parents consented to
names: full names, first names, initials only, or no names), an optional fixed mode (a school
whose X account never shows children's faces fixes "no-identifiable-children" there), and what
happens to the sound of a video. Adding a channel (``photovet register channels --add``, or the
app) makes it work everywhere at once: consent columns, scan, export, captions, the app.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from dataclasses import replace as _replace
from typing import Any

from photovet.core.errors import PhotoVetError, SettingsError
from photovet.core.models import Channel
from photovet.core.policy import MADE_UNDER_RULES
from photovet.core.settings import VoidedApprovals
from photovet.core.storage import Database
from photovet.core.words import CHANNEL_ADD_COMMAND

NAMES_RULES = ("full", "first", "initials", "none")
AUDIO_RULES = ("listen", "keep", "mute", "remove")
FIXED_MODES = ("no-identifiable-children",)

NAMES_RULE_LABELS = {
    "full": "Full names",
    "first": "First names only",
    "initials": "Initials only",
    "none": "No names",
}
AUDIO_RULE_LABELS = {
    "listen": "Keep only after the approver has listened",
    "keep": "Keep the sound",
    "mute": "Silence the sound",
    "remove": "Remove the sound track",
}


#: a channel's rules that change what policy decides for a photo or video posted there (so an
#: approval signed under the old rule may no longer fit); its label, size and quality do not.
#: The same rules an export record keeps (``policy.MADE_UNDER_RULES``): one list
DECIDING = MADE_UNDER_RULES


def _rule_words(channel: Channel, rule: str) -> str:
    """One rule of a channel in words, as it is now on ``channel``."""
    label = channel.label
    if rule == "names":
        return (f"{label}'s names rule (now \u201c"
                f"{NAMES_RULE_LABELS.get(channel.names, channel.names)}\u201d)")
    if rule == "fixed_mode":
        return (f"{label}'s rule for children (now \u201c"
                + ("no identifiable children" if channel.fixed_mode else "by consent")
                + "\u201d)")
    if rule == "audio":
        return (f"{label}'s sound rule (now \u201c"
                f"{AUDIO_RULE_LABELS.get(channel.audio, channel.audio)}\u201d)")
    if rule == "cover_school":
        return (f"whether {label} covers the school's name and crest (now "
                + ("covered" if channel.cover_school else "shown") + ")")
    if rule == "group_only":
        return (f"{label}'s group-shot rule (now \u201c"
                + ("group shots only" if channel.group_only else "any photo") + "\u201d)")
    return {"label": f"the channel's name (now \u201c{label}\u201d)",
            "long_edge": f"{label}'s published photo size",
            "quality": f"{label}'s published photo quality"}.get(rule, f"{label}'s {rule}")


@dataclass
class ChannelChange(VoidedApprovals):
    """What changing a channel from ``old`` to ``new`` does, as the core knows it before it is
    stored (``Workspace.channel_change``): the settings changed and the approvals on that
    channel it voids, found by deciding each approved photo and video again under the new
    rules (from what its check found and its review, no model run) and comparing with what
    was signed. ``unsure``: of ``voids``, those that could not be decided again on this PC."""

    old: Channel
    new: Channel
    fields: list[str] = field(default_factory=list)
    voids: list[Any] = field(default_factory=list)     # approval.ApprovalState
    unsure: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.fields)

    def what(self) -> str:
        """'Facebook's names rule (now “Initials only”)' and the like, joined with 'and'."""
        bits = [_rule_words(self.new, f) for f in self.fields]
        if not bits:
            return "nothing"
        return bits[0] if len(bits) == 1 else ", ".join(bits[:-1]) + " and " + bits[-1]


class UnknownChannelError(PhotoVetError):
    """No channel with that id in the register."""


def check_channel_values(long_edge: Any, quality: Any, names: Any, fixed_mode: Any,
                         audio: Any) -> None:
    if long_edge is not None and (not isinstance(long_edge, int) or not 320 <= long_edge <= 12000):
        raise SettingsError(f"a channel's longest side must be 320 to 12000 pixels, not {long_edge!r}")
    if not isinstance(quality, int) or not 50 <= quality <= 95:
        raise SettingsError(f"a channel's JPEG quality must be 50 to 95, not {quality!r}")
    if names not in NAMES_RULES:
        raise SettingsError(f"a channel's names rule must be one of {', '.join(NAMES_RULES)}, "
                            f"not {names!r}")
    if fixed_mode is not None and fixed_mode not in FIXED_MODES:
        raise SettingsError(f"a channel's fixed mode must be {' or '.join(FIXED_MODES)}, "
                            f"not {fixed_mode!r}")
    if audio not in AUDIO_RULES:
        raise SettingsError(f"a channel's sound rule must be one of {', '.join(AUDIO_RULES)}, "
                            f"not {audio!r}")


def channel_key(name: str) -> str:
    """'School prospectus' -> 'school_prospectus'."""
    return re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")


RESERVED_KEYS = ("id", "name_with_photo", "do_not_photograph")

_COLUMNS = ("name, label, long_edge, quality, names, fixed_mode, audio, builtin, position, "
            "cover_school, group_only")


class ChannelRegistry:
    """The channels of this register (read fresh each time: another PC may have added one)."""

    def __init__(self, db: Database, audit: Any = None):
        if audit is None:
            from photovet.core.audit import AuditLog  # noqa: PLC0415

            audit = AuditLog(db)
        self.db = db
        self.audit = audit

    def all(self) -> list[Channel]:
        return [Channel(id=r[0], label=r[1], long_edge=r[2], quality=int(r[3]), names=r[4],
                        fixed_mode=r[5], audio=r[6], builtin=bool(r[7]), position=int(r[8]),
                        cover_school=bool(r[9]), group_only=bool(r[10]))
                for r in self.db.all(f"SELECT {_COLUMNS} FROM channels ORDER BY position, name")]

    def ids(self) -> list[str]:
        return [c.id for c in self.all()]

    def labels(self) -> dict[str, str]:
        return {c.id: c.label for c in self.all()}

    def get(self, channel_id: str) -> Channel:
        for c in self.all():
            if c.id == channel_id:
                return c
        raise UnknownChannelError(
            f"unknown channel '{channel_id}'",
            hint="Channels: " + ", ".join(self.ids()) + f" ({CHANNEL_ADD_COMMAND})")

    def label(self, channel_id: str) -> str:
        try:
            return self.get(channel_id).label
        except UnknownChannelError:
            return channel_id

    def add(self, name: str, label: str | None = None, *, long_edge: int | None = 2048,
            quality: int = 88, names: str = "initials", fixed_mode: str | None = None,
            audio: str = "listen", cover_school: bool = True,
            group_only: bool = False) -> Channel:
        """Add a school's own channel. Nobody has consent for it until an import or an edit
        says so; its names rule defaults to initials only, and the school's identifiers are
        covered on it until the school says otherwise. Needs a signed-in admin."""
        self.audit.access.require("channels")
        key = channel_key(name)
        if not (name or "").strip():
            raise SettingsError("a channel needs a name")
        if not key:
            raise SettingsError(f"'{name}' cannot be used as a channel name: it needs letters "
                                "or digits")
        if key in RESERVED_KEYS:
            raise SettingsError(f"'{name}' cannot be used as a channel name: PhotoVet uses it "
                                "for something else")
        label = (label or name).strip()
        check_channel_values(long_edge, quality, names, fixed_mode, audio)
        with self.db.atomic():
            same = self.db.one("SELECT label FROM channels WHERE name = ?", [key])
            if same:
                # said as the list shows it ('facebook ' typed: "... called 'Facebook'"; s51
                # walk: the short name was said), and the short name when it is not that
                raise SettingsError(f"there is already a channel called '{same[0]}'" + (
                    "" if channel_key(same[0]) == key else f" (short name '{key}')"))
            pos = self.db.scalar("SELECT COALESCE(MAX(position), -1) + 1 FROM channels")
            self.db.execute(f"INSERT INTO channels ({_COLUMNS}) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                            [key, label, long_edge, quality, names, fixed_mode, audio, pos,
                             int(bool(cover_school)), int(bool(group_only))])
            self.audit.record("channel.add", {"channel": key, "label": label,
                                              "long_edge": long_edge, "quality": quality,
                                              "names": names, "fixed_mode": fixed_mode,
                                              "audio": audio, "cover_school": bool(cover_school),
                                              "group_only": bool(group_only)})
        return self.get(key)

    def proposed(self, channel_id: str, **changes: Any) -> Channel:
        """The channel as it would be with ``changes`` (checked: SettingsError), not stored."""
        old = self.get(channel_id)
        allowed = {"label", "long_edge", "quality", "names", "fixed_mode", "audio",
                   "cover_school", "group_only"}
        unknown = set(changes) - allowed
        if unknown:
            raise SettingsError(f"a channel has no setting {', '.join(sorted(unknown))}")
        new = asdict(old)
        new.update(changes)
        check_channel_values(new["long_edge"], new["quality"], new["names"], new["fixed_mode"],
                             new["audio"])
        if not str(new["label"]).strip():
            raise SettingsError("a channel needs a label")
        for rule in ("cover_school", "group_only"):
            if not isinstance(new[rule], bool):
                raise SettingsError(f"a channel's {rule} rule must be true or false, not {new[rule]!r}")
        return _replace(old, **{k: new[k] for k in changes})

    def update(self, channel_id: str, *, base: Channel | None = None,
               **changes: Any) -> Channel:
        """Change a channel's label, size, quality, names rule, fixed mode, sound rule, or its
        rules "cover school identifiers" (``cover_school``) and "group shots only"
        (``group_only``) (a signed-in admin). A change of a rule that decides what is published
        (``DECIDING``) may void approvals: ``Workspace.channel_change`` says which, first.

        ``base``: the channel as the edit started (a window opened earlier, which gives every
        value it shows): only what differs from it is changed, so another PC's change to
        another rule meanwhile (a fixed mode) is kept, not undone by this window's old value;
        a rule changed both here and there is refused (SettingsError), nothing saved. Read
        and written under the register's writer lock."""
        self.audit.access.require("channels")
        self.proposed(channel_id, **changes)       # unknown or bad values: refused first
        with self.db.atomic():
            return self._update(channel_id, base, changes)

    def _update(self, channel_id: str, base: Channel | None, changes: dict[str, Any]) -> Channel:
        old = self.get(channel_id)
        if base is not None:
            changes = {k: v for k, v in changes.items() if getattr(base, k) != v}
            clash = [k for k, v in changes.items()
                     if getattr(old, k) != getattr(base, k) and getattr(old, k) != v]
            if clash:
                words = {"label": "name", "long_edge": "size", "names": "names rule",
                         "fixed_mode": "fixed mode", "audio": "sound rule",
                         "cover_school": "school identifiers rule",
                         "group_only": "group shots rule"}
                raise SettingsError(
                    f"{old.label}'s {', '.join(words.get(k, k) for k in clash)} was changed on "
                    "another computer (or from the command line) since this was opened; "
                    "nothing was saved",
                    hint="Open the channel again: it shows the change; then make yours.")
        new = asdict(self.proposed(channel_id, **changes))
        diff = {k: [getattr(old, k), new[k]] for k in changes if getattr(old, k) != new[k]}
        if not diff:
            return old
        self.db.execute("UPDATE channels SET label = ?, long_edge = ?, quality = ?, names = ?, "
                        "fixed_mode = ?, audio = ?, cover_school = ?, group_only = ? "
                        "WHERE name = ?",
                        [new["label"], new["long_edge"], new["quality"], new["names"],
                         new["fixed_mode"], new["audio"], int(new["cover_school"]),
                         int(new["group_only"]), channel_id])
        self.audit.record("channel.change", {"channel": channel_id, "changes": diff})
        return self.get(channel_id)


__all__ = ["AUDIO_RULES", "AUDIO_RULE_LABELS", "Channel", "ChannelChange", "ChannelRegistry",
           "DECIDING", "FIXED_MODES",
           "NAMES_RULES", "NAMES_RULE_LABELS", "UnknownChannelError", "channel_key"]
