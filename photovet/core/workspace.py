"""The Workspace: a data folder, opened once, with everything wired to it.

``Workspace.open()`` is the one place PhotoVet's objects are put together: it reads this PC's
settings, opens the register (``register.db`` in the data folder, or the school's server when
this PC's ``database.url`` says so) and brings its schema up to date, reads the school's
settings from the register, and builds the accounts, audit log, channel registry, register,
review store, approvals and export records on that one database, all sharing one ``Access``
(who is signed in) and one ``RegisterKeys`` (this PC's key for the register). The CLI and the
app each open one Workspace and pass it (or what it gives) on; nothing in the core opens files
or reads settings by itself.

What the app needs, in order:

1. ``ws = Workspace.open()``. Nobody is signed in. ``ws.key_status()`` is "not-allowed" on a
   PC that does not hold the register's key yet (a new PC of a shared register): show
   "an admin types the admin secret" and call ``ws.allow_this_pc(secret)``.
2. ``ws.needs_first_admin()``: a fresh install; show the first-run screen and call
   ``ws.create_first_admin(name, password)`` (it signs them in).
3. Otherwise the sign-in screen: ``ws.sign_in(name, password)``, or, for a new account,
   ``ws.first_sign_in(name, one_time_code, new_password)``. ``AccountError`` says why not.
4. While signed in: ``ws.allowed("approve")`` etc. to enable actions (``accounts.PERMISSIONS``
   lists them; the core refuses anyway: ``PermissionDenied``); ``ws.touch()`` on user input;
   ``ws.idle_locked()`` from a timer, then a lock screen and ``ws.unlock(password)``;
   ``ws.sign_out()``.
5. ``ws.changes().subscribe(callback)``: other PCs' changes (see changes.py).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from photovet.core import logs
from photovet.core.accounts import Access, Accounts, Actor, Session
from photovet.core.approval import Approvals
from photovet.core.audit import AuditLog
from photovet.core.cache import AnalysisCache
from photovet.core.changes import ChangeFeed
from photovet.core.channels import DECIDING, ChannelChange, ChannelRegistry
from photovet.core.devices import DeviceList
from photovet.core.errors import (
    AccountError,
    NotSignedIn,
    PhotoVetError,
    SettingsConflict,
    SettingsError,
)
from photovet.core.keys import RegisterKeys, default_key_store
from photovet.core.paths import data_dir, ensure_folder
from photovet.core.previews import PreviewFolder, clean_old_temp_previews, clean_previews
from photovet.core.records import takedown
from photovet.core.records.exports import Records
from photovet.core.register import signatures
from photovet.core.register.people import Register
from photovet.core.review import Reviewer, ReviewStore
from photovet.core.school import SchoolPictures
from photovet.core.settings import (
    SCHOOL_SECTIONS,
    Settings,
    SettingsChange,
    changed_sections,
    read_settings_file,
    upgrade_settings_file,
)
from photovet.core.storage import Database, connect, connect_server, migrate
from photovet.core.storage.server import is_server_url, password_key, split_password
from photovet.core.words import count

log = logs.get("workspace")

UPGRADE_ACTOR = "PhotoVet (upgrade)"


def register_target(home: Path, settings: Settings) -> str | Path:
    """Where this PC's register is: ``$PHOTOVET_REGISTER`` (tests, scripts), else the
    ``database.url`` setting, else ``register.db`` in the data folder."""
    env = os.environ.get("PHOTOVET_REGISTER", "").strip()
    if env:
        return env if is_server_url(env) else Path(env).expanduser()
    if settings.database.url:
        return settings.database.url
    return Path(home) / "register.db"


def open_register(target: str | Path, *, store: Any = None,
                  certificate: str | Path | None = None) -> Database:
    """Open and migrate the register at ``target``; a server's password comes from the
    address (``$PHOTOVET_REGISTER``) or from this PC's key store."""
    password = None
    if is_server_url(target):
        _url, in_url = split_password(str(target))
        if in_url is None:
            password = (store or default_key_store()).get(password_key(str(target)))
    db = connect(target, password=password, certificate=certificate or None)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


# Temporary files PhotoVet writes in the data folder (and its cache) while saving; a process
# killed at that moment leaves one behind. Older than this, nobody is still writing it.
LEFTOVER_PATTERNS = (".settings-*.tmp", ".photovet-tmp-*", ".mapping-*.tmp", ".anchor-*.tmp",
                     "cache/*/.cache-*.tmp")
LEFTOVER_AGE_SECONDS = 600


def clean_leftovers(home: Path) -> int:
    """Remove temporary files of interrupted saves in the data folder; returns how many."""
    now, n = time.time(), 0
    for pattern in LEFTOVER_PATTERNS:
        for p in home.glob(pattern):
            try:
                if now - p.stat().st_mtime > LEFTOVER_AGE_SECONDS:
                    p.unlink()
                    n += 1
            except OSError:
                continue
    return n


class Workspace:
    """Everything PhotoVet keeps, for one data folder. Use ``Workspace.open()``; close it (or use
    it as a context manager) when done."""

    def __init__(self, home: Path, db: Database, settings: Settings, *,
                 access: Access | None = None, keys: RegisterKeys | None = None,
                 target: str | Path | None = None):
        self.home = Path(home)
        self.db = db
        self.settings = settings
        self.target = target if target is not None else getattr(db, "path", None)
        self.keys = keys if keys is not None else RegisterKeys(db)
        anchor: Any = True if db.engine == "sqlite" else self.home / "audit-anchor.json"
        self.audit = AuditLog(db, access=access if access is not None else Access(),
                              keys=self.keys, anchor=anchor)
        self.accounts = Accounts(db, self.audit,
                                 idle_minutes=lambda: self.settings.accounts.idle_lock_minutes)
        if self.audit.access.fresh_grants is None:
            # the workspace that owns this Access reads roles at every action (workers'
            # workspaces share the Access, and this reader)
            self.audit.access.fresh_grants = self.accounts.current_grants
        self.channels = ChannelRegistry(db, self.audit)
        self.register = Register(db, audit=self.audit, channels=self.channels, settings=settings)
        self.records = Records(db, self.audit, channels=self.channels, register=self.register,
                               school=self._school_words)
        self.approvals = Approvals(db, self.audit,
                                   checklist=lambda: list(self.settings.checklist.checks))
        self.accounts.approvals = self.approvals
        self.reviews = ReviewStore(db, self.audit)
        self.cache = AnalysisCache(self.home / "cache", seal=self.keys.cache_key)
        self.devices = DeviceList(db, self.audit)
        self.school_pictures = SchoolPictures(db, self.audit)
        self._feeds: list[ChangeFeed] = []
        self._previews: PreviewFolder | None = None
        #: what PhotoVet was doing when it last stopped part-way (a crash, a power cut), in
        #: words, found when the data folder was opened (``settle_interrupted``)
        self.interrupted: list[str] = []
        # the school's sections as this workspace last read them from the register: what a
        # save changes is told from these, so a section another PC changed since is kept
        self._school_read: dict[str, Any] = settings.to_dict(SCHOOL_SECTIONS)

    def _school_words(self) -> Any:
        """The school's words as the settings hold them now (``school.school_words``): what
        a post's caption is checked against where the school must not be identifiable."""
        from photovet.core.vision.text.school import school_words  # noqa: PLC0415

        return school_words(self.settings)

    @property
    def access(self) -> Access:
        """Who is signed in (shared by every store through the audit log)."""
        return self.audit.access

    @access.setter
    def access(self, value: Access) -> None:
        self.audit.access = value

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, home: str | Path | None = None, *, access: Access | None = None) -> Workspace:
        """Open the data folder ``home`` (default: this user's). Nobody is signed in
        (``access`` is for tests and tools: ``Access.system``)."""
        home = ensure_folder(Path(home), "data") if home is not None else data_dir()
        logs.setup(home)
        removed = clean_leftovers(home)
        if removed:
            log.info("removed %d unfinished temporary file(s) left by an interrupted run", removed)
        clean_previews(home)   # rendered previews a crashed or killed run left (logs counts)
        clean_old_temp_previews()   # older versions' in the system temp folder, when safe
        settings_file = home / "settings.json"
        raw, legacy_channels = upgrade_settings_file(read_settings_file(settings_file))
        settings = Settings.from_dict(raw, path=settings_file)
        target = register_target(home, settings)
        db = open_register(target, certificate=settings.database.certificate or None)
        try:
            ws = cls(home, db, settings, target=target, access=access)
            ws._load_school_settings(raw, legacy_channels)
            ws._after_open()
            ws.interrupted = ws.settle_interrupted()
        except BaseException:
            db.close()
            raise
        log.info("workspace opened (%s register, schema up to date, key %s)", db.engine,
                 ws.keys.status())
        return ws

    def _after_open(self) -> None:
        """Give a register its key the first time (a new one, or one made by an earlier
        version: its face signatures are encrypted now and the file scrubbed)."""
        if self.keys.status() == "not-allowed":
            log.warning("this PC does not hold the register's key")
            return
        self.keys.master()
        if signatures.encrypt_plaintext(self.db, self.keys, self.audit):
            scrub = getattr(self.db, "scrub", None)
            if scrub is not None:
                scrub(vacuum=True)

    def settle_interrupted(self) -> list[str]:
        """What PhotoVet left unfinished when it stopped part-way (a crash, a power cut), one
        sentence each. Exports recorded but never given their name are settled now (their
        records removed: records/exports.py); deletions of originals that were announced
        ("pending") are only told: the same purge, or the retention schedule applied again,
        finishes them as the admin who runs it. Never stops the register from opening."""
        notes: list[str] = []
        try:
            notes += self.records.settle_interrupted()
        except Exception as exc:
            log.warning("interrupted exports not settled (%s)", type(exc).__name__)
        try:
            # a deletion whose file is missing from a folder that is not there now, or is on
            # another disk than when it was announced (or one whose id cannot be read): doing
            # it again finishes it only with the stick or drive it was on connected (s50)
            batches: dict[str, list[int]] = {}
            for batch, path, sha, disk in self.db.all(
                    "SELECT e.batch, p.source_path, p.sha256, p.disk_id FROM purges p "
                    "LEFT JOIN exports e ON e.id = p.export_id WHERE p.state = 'pending' "
                    "ORDER BY p.id"):
                counts = batches.setdefault(batch or "?", [0, 0])
                counts[1 if _pending_elsewhere(path, sha, disk) else 0] += 1
            for batch, (here, away) in batches.items():
                if here:
                    notes.append(f"deleting {count(here, 'original')} of batch '{batch}' was not "
                                 "finished (PhotoVet stopped part-way); deleting that batch's "
                                 "originals again finishes it")
                if away:
                    notes.append(f"deleting {count(away, 'original')} of batch '{batch}' was not "
                                 f"finished (PhotoVet stopped part-way) and {_AWAY}. Connect "
                                 "the USB stick or drive they were on, then delete that "
                                 "batch's originals again")
            from photovet.core.transfer import PURGE_PREFIX  # noqa: PLC0415

            rows = self.db.all("SELECT path, sha256, method, file_id, disk_id FROM "
                               "retention_deletions WHERE state = 'pending'")
            stuck = sum(1 for r in rows if _left_hidden_not_ours(*r[:4]))
            away = sum(1 for r in rows if not _left_hidden_not_ours(*r[:4])
                       and _pending_elsewhere(r[0], r[1], r[4]))
            if here := len(rows) - stuck - away:
                notes.append(f"{count(here, 'deletion')} by the retention schedule "
                             f"{_were(here)} not finished (PhotoVet stopped part-way); applying "
                             f"the schedule again finishes {'it' if here == 1 else 'them'}")
            if away:
                notes.append(f"{count(away, 'deletion')} by the retention schedule {_were(away)} "
                             f"not finished (PhotoVet stopped part-way) and {_AWAY}. Connect the "
                             "USB stick or drive they were on, then apply the schedule again")
            if stuck:
                # applying the schedule again never finishes these (it touches only the file
                # it renamed): said so, not "applying again finishes them" for good (s43 audit)
                notes.append(f"{count(stuck, 'deletion')} for good by the retention schedule "
                             f"{_were(stuck)} cut short, and the file left under a name starting with "
                             f"{PURGE_PREFIX} is not one PhotoVet can recognise as the photo it "
                             "was deleting (it may be what is left of the photo, or another "
                             "file). PhotoVet did not touch it and cannot finish these "
                             "deletions: look at those files in the photos' folders and delete "
                             "them yourself if they are what is left of the photos")
        except Exception as exc:
            log.warning("unfinished deletions not listed (%s)", type(exc).__name__)
        return notes

    def _load_school_settings(self, from_file: dict[str, Any],
                              legacy_channels: dict[str, Any]) -> None:
        stored = {r[0]: r[1] for r in self.db.all("SELECT section, value FROM school_settings")}
        in_file = {k: v for k, v in from_file.items() if k in SCHOOL_SECTIONS}
        if not stored and (in_file or legacy_channels) and self.keys.available:
            # First open after 0.1: the school's settings move from this PC's file into the
            # register (once, audited), and the file keeps only this PC's settings.
            upgrade = Access.system(UPGRADE_ACTOR)
            with self.db.atomic():
                self._store_school_settings(self.settings, action="settings.moved-into-register",
                                            actor=UPGRADE_ACTOR)
                channels = ChannelRegistry(self.db, AuditLog(self.db, access=upgrade,
                                                             keys=self.keys, anchor=self.audit.anchor))
                for cid, conf in legacy_channels.items():
                    if not isinstance(conf, dict):
                        continue
                    changes = {k: conf[k] for k in ("long_edge", "quality", "label") if k in conf}
                    try:
                        if changes:
                            channels.update(cid, **changes)
                    except Exception as exc:
                        log.warning("channel %s settings from settings.json not used: %s", cid, exc)
            self.settings.save()
            return
        if in_file and stored:
            log.warning("settings.json holds school settings (%s); the register's are used",
                        ", ".join(sorted(in_file)))
        self.settings = self._settings_from_register(stored)
        self.register.settings = self.settings
        self._school_read = self.settings.to_dict(SCHOOL_SECTIONS)

    def _settings_from_register(self, stored: dict[str, str]) -> Settings:
        fresh = Settings.from_dict(self.settings.to_dict(
            tuple(k for k in self.settings.to_dict() if k not in SCHOOL_SECTIONS)),
            path=self.settings.path)
        for section, value in stored.items():
            try:
                fresh.update({section: json.loads(value)}, only=SCHOOL_SECTIONS)
            except (ValueError, SettingsError) as exc:
                raise SettingsError(
                    f"the school's '{section}' settings in the register cannot be used ({exc})",
                    hint="Open Settings and save them again, or ask whoever set up PhotoVet.",
                ) from exc
        return fresh

    def reload_settings(self) -> Settings:
        """Read the school's settings again (another PC changed them)."""
        stored = {r[0]: r[1] for r in self.db.all("SELECT section, value FROM school_settings")}
        self.settings = self._settings_from_register(stored)
        self.register.settings = self.settings
        self._school_read = self.settings.to_dict(SCHOOL_SECTIONS)
        return self.settings

    def settings_change(self, new: Settings, engine: Any = None) -> SettingsChange:
        """What saving ``new`` would change (settings.SettingsChange): the school's sections,
        whether every photo is checked again, and the approvals it voids (ask before saving
        when there are any). ``engine``: the one photos are checked with now, so approvals
        void already are not counted."""
        return self._change(self.settings, new, engine)

    def _current_keys(self, engine: Any) -> set[str] | None:
        """The keys photos and videos are checked with now (compared with
        ``approval.signed_key``: the analysis keys, and the same without the register, which
        approvals sign since a register change alone no longer voids them): the engine's, or
        (none given) those of an engine with the models, worked out without loading them; None when
        they cannot be known (the register's key is not on this PC): then every approval
        counts as standing (asking once too often, never once too few)."""
        if engine is not None:
            return {engine.cache_key(), engine.video_cache_key(), engine.checked_with_key(),
                    engine.checked_with_key(school=False), engine.video_checked_with_key()}
        plain = self.engine()
        if plain.recognition_off:
            return None
        return {plain.cache_key(as_checked=True), plain.video_cache_key(as_checked=True),
                plain.checked_with_key(as_checked=True),
                plain.checked_with_key(as_checked=True, school=False),
                plain.video_checked_with_key(as_checked=True)}

    def _change(self, old: Settings, new: Settings, engine: Any) -> SettingsChange:
        sections = changed_sections(old, new)
        voids: list[Any] = []
        unsure = school_text = 0
        if sections:
            current = self._current_keys(engine)
            fixed = {c.id for c in self.channels.all() if c.fixed_mode}
            grow = old.cover.grow != new.cover.grow
            basis = new
            if grow:          # the cover's size: counted exactly below, by deciding again
                basis = new.copy()
                basis.cover.grow = old.cover.grow
            # the school's name and details alone: only approvals of photos with a text line
            # or crest (and of videos) are voided (approval.signs_school_words), counted below
            school = old.analysis_key(school=False) == new.analysis_key(school=False) and \
                old.analysis_key() != new.analysis_key()
            if school:
                basis = basis.copy() if basis is new else basis
                basis.school = old.school
            voids = self.approvals.voided_by_settings(old, basis, fixed_channels=fixed,
                                                      current=current)
            if school:
                counted = {(v.sha256, v.channel) for v in voids}
                before = self._decider(engine).deciding_with(old)
                for state in self.approvals.standing(current):
                    if (state.sha256, state.channel) in counted:
                        continue
                    shows = self._shows_text(state, before)
                    if shows is not False:
                        school_text += 1
                        unsure += shows is None
                        counted.add((state.sha256, state.channel))
                voids = [s for s in self.approvals.standing(current)
                         if (s.sha256, s.channel) in counted]
            if grow and old.analysis_key() == new.analysis_key():
                counted = {(v.sha256, v.channel) for v in voids}
                rest = [s for s in self.approvals.standing(current)
                        if (s.sha256, s.channel) not in counted]
                decider = self._decider(engine)
                more, unsure = self._voided_by_deciding(
                    rest, (decider.deciding_with(old), None), (decider.deciding_with(new), None))
                gone = {(v.sha256, v.channel) for v in more} | counted
                voids = [s for s in self.approvals.standing(current)
                         if (s.sha256, s.channel) in gone]
        return SettingsChange(old, new, sections, voids, unsure=unsure, school_text=school_text)

    def _shows_text(self, state: Any, engine: Any) -> bool | None:
        """Does the approval ``state`` sign the school's name and details
        (``approval.signs_school_words``: its photo shows a text line or crest, or it is a
        video)? From what it signed when that tells (the school's name was set when it was
        approved), else from its analysis in this PC's cache; None when neither tells (counted
        as voided, in case)."""
        from photovet.core.approval import signed_key, signs_school_words  # noqa: PLC0415

        parts = state.parts or {}
        if parts.get("media", "photo") == "video":
            return True
        key = signed_key(parts)
        for as_checked in (False, True):
            words = engine.checked_with_key(as_checked=as_checked)
            none = engine.checked_with_key(as_checked=as_checked, school=False)
            if words != none and key in (words, none):
                return key == words
        analysis = self._cached_analysis(state, engine)
        return signs_school_words(analysis) if analysis is not None else None

    def channel_change(self, channel_id: str, engine: Any = None, **changes: Any) -> ChannelChange:
        """What changing a channel (``changes``: as ``ChannelRegistry.update`` takes them) would
        do, before it is stored (channels.ChannelChange): the settings changed, and the
        approvals on that channel that would no longer count. Each approved photo and video is
        decided again, under the channel as it is and as it would be, from what its check
        found (this PC's analysis cache) and its review, without running a model; an approval
        whose publication, mode or sound would differ is counted. One that cannot be decided
        again here (checked on another PC, or its cache entry gone) is counted too
        (``unsure``): asked once too often, never once too few. ``engine``: as for
        ``settings_change``."""
        old = self.channels.get(channel_id)
        new = self.channels.proposed(channel_id, **changes)
        fields = [k for k in changes if getattr(old, k) != getattr(new, k)]
        change = ChannelChange(old, new, fields)
        if not set(fields) & set(DECIDING):
            return change          # its name, size or quality: nothing an approval signed
        states = self.approvals.standing(self._current_keys(engine), channel=channel_id)
        if states:
            decider = self._decider(engine)
            change.voids, change.unsure = self._voided_by_deciding(
                states, (decider, old), (decider, new))
        return change

    def _decider(self, engine: Any) -> Any:
        """An engine that decides (no model is run): the one given, or one without models."""
        return engine if engine is not None else self.engine()

    def _voided_by_deciding(self, states: list[Any], before: tuple[Any, Any],
                            after: tuple[Any, Any]) -> tuple[list[Any], int]:
        """Of the approvals ``states``, those the change voids, and how many of them could not
        be decided again here (counted in case). Each is decided by ``before`` and by
        ``after`` (each: an engine, and the channel to decide for, or None for the approval's
        own channel as stored) from the same analysis, and judged with the one rule export
        applies (``approval.same_signed``): it is voided when it counts as things are and
        would not after the change. An approval carried over to a photo checked again since
        (a register change that left what it publishes as it was) is judged on the analysis
        as checked now, as export would judge it, not counted in case."""
        from photovet.core.approval import same_signed  # noqa: PLC0415

        voids, unsure = [], 0
        for state in states:
            a = self._signed_now(state, *before)
            b = self._signed_now(state, *after) if a is not None else None
            if a is None or b is None:
                voids.append(state)
                unsure += 1
            elif same_signed(state.parts, a, state.fingerprint) and \
                    not same_signed(state.parts, b, state.fingerprint):
                voids.append(state)
        return voids, unsure

    def _cached_analysis(self, state: Any, engine: Any) -> Any:
        """The analysis of ``state``'s photo or video in this PC's cache (as checked now with
        the register as it is, else the one the approval signed), undecided; None when
        neither is here or it cannot be read."""
        from photovet.core.models import PhotoAnalysis, VideoAnalysis  # noqa: PLC0415

        parts = state.parts or {}
        video = parts.get("media", "photo") == "video"
        keys = ([engine.video_cache_key(as_checked=True), engine.video_cache_key()] if video
                else [engine.cache_key(as_checked=True), engine.cache_key()])
        kind = "video" if video else "analysis"
        cached, key = None, ""
        for key in dict.fromkeys([*keys, parts.get("analysis") or ""]):
            cached = self.cache.get(state.sha256, key) if key else None
            if cached and isinstance(cached.get(kind), dict):
                break
            cached = None
        if cached is None:
            return None
        try:
            analysis: Any = (VideoAnalysis if video else PhotoAnalysis).from_dict(cached[kind])
        except (PhotoVetError, KeyError, TypeError, ValueError) as exc:
            log.info("approval %s/%s: its analysis could not be read: %s", state.sha256[:12],
                     state.channel, exc)
            return None
        analysis.sha256, analysis.analysis_key, analysis.path = state.sha256, key, state.path
        return analysis

    def _signed_now(self, state: Any, engine: Any, channel: Any) -> dict[str, Any] | None:
        """What an approval of ``state``'s photo or video would sign if decided now by
        ``engine`` for ``channel``, from its analysis in this PC's cache (as checked now with
        the register as it is, else the one the approval signed) and its review; None when
        neither is here or it cannot be decided."""
        parts = state.parts or {}
        analysis = self._cached_analysis(state, engine)
        if analysis is None:
            return None
        try:
            engine.decide(analysis, channel if channel is not None else state.channel)
            signed = engine.approval_parts(analysis)
        except (PhotoVetError, KeyError, TypeError, ValueError) as exc:
            log.info("approval %s/%s could not be decided again: %s", state.sha256[:12],
                     state.channel, exc)
            return None
        if "checks" in parts:
            signed = dict(signed, checks=parts["checks"])
        if "caption" in parts:      # the caption it was approved with (a settings change
            signed = dict(signed, caption=parts["caption"])     # does not change it)
        return signed

    def pictures_change(self, engine: Any = None) -> SettingsChange:
        """What adding or removing a crest or logo picture does (stored at once, so ask
        before): every photo is checked again against the school's identifiers, and every
        approval given with the analysis as it is now MAY no longer count (``may``): one whose
        photo, checked again, covers or shows the same must not be given again
        (``approval.fingerprint``: a register change alone does not void an approval), one
        whose publication changes (the crest now found and covered) must; which, is known only
        after checking again. Approvals stored before approvals signed ``"checked_with"``
        sign the analysis key itself and no longer count after it."""
        return SettingsChange(self.settings, self.settings, ["pictures"],
                              self.approvals.standing(self._current_keys(engine)), register=True,
                              may=True)

    def pictures_change_checked(self, change: SettingsChange, analyses: list[Any],
                                engine: Any) -> SettingsChange:
        """``change`` (``pictures_change``: approvals that MAY no longer count) once photos
        were checked again (``analyses``: as checked now, with ``engine``): each approval whose
        photo or video is among them, checked with the register as it is now, is decided again
        for its channel and checked (``Approvals.check``, the rule export applies): those it
        refuses no longer count (``voids``), the others still count (``still_count``); those
        whose photo was not checked again stay unknown (``not_checked``). Nothing is stored."""
        import copy  # noqa: PLC0415

        if not change.may:
            return change
        by_sha = {a.sha256: a for a in analyses
                  if a is not None and a.sha256 and not a.error and not engine.out_of_date(a)}
        voids, not_checked, kept = [], [], 0
        with self.approvals.one_look():      # each approver's roles read once
            for state in change.voids:
                a = by_sha.get(state.sha256)
                if a is None:
                    not_checked.append(state)
                    continue
                a = engine.decide(copy.deepcopy(a), state.channel)
                verdict = self.approvals.check(a, engine.approval_parts(a),
                                               name_of=engine.name_of)
                if verdict.ok:
                    kept += 1
                else:
                    voids.append(state)
        return SettingsChange(change.old, change.new, list(change.sections), voids,
                              register=change.register, checked_again=True,
                              not_checked=not_checked, still_count=kept)

    def reload_settings_change(self, engine: Any = None) -> SettingsChange:
        """Read the school's settings again (another PC, or a command, may have changed them)
        and say what changed from those this workspace held (nothing, for a change this
        workspace saved itself): the sections, whether photos are checked again, and the
        approvals the change voided (read before the settings are replaced)."""
        old = self.settings
        stored = {r[0]: r[1] for r in self.db.all("SELECT section, value FROM school_settings")}
        new = self._settings_from_register(stored)
        change = self._change(old, new, engine)
        if change.changed:
            self.settings = new
            self.register.settings = new
        self._school_read = new.to_dict(SCHOOL_SECTIONS)
        return change

    def _store_school_settings(self, settings: Settings, *, action: str,
                               actor: str | None = None,
                               base: dict[str, Any] | None = None) -> dict:
        """Store the school's sections of ``settings`` that differ from the register's.
        ``base``: the school's sections the edit started from; then only the sections the
        edit changed are stored (another PC's change to another section since is kept), and
        a section another PC changed since to something else is refused (SettingsConflict:
        by whom and when; nothing stored). Read and written under the writer lock."""
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        new = settings.to_dict(SCHOOL_SECTIONS)
        changed = {}
        with self.db.atomic():
            rows = {r[0]: r for r in self.db.all(
                "SELECT section, value, updated_at, actor FROM school_settings")}
            old = {k: json.loads(r[1]) for k, r in rows.items()}
            held = self._settings_from_register({k: r[1] for k, r in rows.items()}).to_dict(
                SCHOOL_SECTIONS) if base is not None else {}
            who = self.audit.actor_name(actor)
            for section, value in new.items():
                if base is not None:
                    if value == base.get(section):
                        continue                 # not changed by this edit: left as it is
                    if held[section] != base.get(section) and held[section] != value:
                        was = self._settings_from_register(
                            {k: json.dumps(v) for k, v in base.items()})
                        raise self._conflict(rows, [section], was,
                                             self._settings_from_register(
                                                 {k: r[1] for k, r in rows.items()}))
                if old.get(section) == value:
                    continue
                changed[section] = {"old": old.get(section), "new": value}
                self.db.execute(
                    "INSERT INTO school_settings (section, value, updated_at, actor) VALUES "
                    "(?, ?, ?, ?) ON CONFLICT (section) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at, actor = excluded.actor",
                    [section, json.dumps(value, sort_keys=True), now, who])
            if changed:
                self.audit.record(action, {"changed": changed}, user=actor)
        return changed

    def school_name_warning(self, channel: str | None = None) -> str | None:
        """The warning to show before photos are prepared or approved when the school's name is
        not set while a channel (``channel``; default: any) must not identify the school
        (policy.school_name_warning), or None."""
        from photovet.core.policy import school_name_warning  # noqa: PLC0415

        chans = [self.channels.get(channel)] if channel else self.channels.all()
        return school_name_warning(list(self.settings.school.names), chans)

    def mode_for(self, mode: str | None = None) -> str:
        """The mode a job decides with: the school's, or ``mode`` (one command's ``--mode``)
        when it is as strict or stricter; a looser one raises ModeRefusedError
        (policy.requested_mode_refusal: only an admin changes the school's mode)."""
        from photovet.core.errors import ModeRefusedError  # noqa: PLC0415
        from photovet.core.policy import mode_to_use, requested_mode_refusal  # noqa: PLC0415

        refusal = requested_mode_refusal(self.settings.mode, mode)
        if refusal is not None:
            raise ModeRefusedError(refusal)
        return mode_to_use(self.settings.mode, mode)

    def settings_conflict(self, base: Settings, edited: Settings | None = None
                          ) -> SettingsConflict | None:
        """The school's settings as stored now differ from ``base`` (those an editor read before
        the person changed them) in a section ``edited`` changes too, to something else (without
        ``edited``: in any section): who changed them, when and what (a SettingsConflict to show
        or raise), or None. A section changed only elsewhere is no conflict: ``save_settings``
        keeps it. Saving over a conflict would undo that change unseen."""
        rows = {r[0]: r for r in self.db.all(
            "SELECT section, value, updated_at, actor FROM school_settings")}
        stored = self._settings_from_register({k: r[1] for k, r in rows.items()})
        sections = changed_sections(base, stored)
        if edited is not None:
            mine, was, now = (edited.to_dict(SCHOOL_SECTIONS), base.to_dict(SCHOOL_SECTIONS),
                              stored.to_dict(SCHOOL_SECTIONS))
            sections = [x for x in sections if mine[x] != was[x] and mine[x] != now[x]]
        return self._conflict(rows, sections, base, stored) if sections else None

    def _conflict(self, rows: dict[str, Any], sections: list[str], base: Settings,
                  stored: Settings) -> SettingsConflict:
        latest = max((rows[x] for x in sections if x in rows), key=lambda r: r[2] or "",
                     default=None)
        by, at = (latest[3] or "", latest[2] or "") if latest is not None else ("", "")
        from photovet.core.review import local_time  # noqa: PLC0415

        what = SettingsChange(base, stored, sections).what()
        summary = f"{by or 'someone'} changed {what} at {local_time(at)}"
        return SettingsConflict(
            f"{summary} (on another computer or from the command line) after these settings "
            "were read, so yours were not saved: saving them would have undone that change.",
            by=by, at=at, sections=sections, summary=summary,
            hint="Read the settings again, then make your changes again if they are still "
                 "wanted.")

    def save_settings(self, settings: Settings, *, base: Settings | None = None) -> dict:
        """Store the school's sections in the register (a signed-in admin; audited) and this
        PC's in settings.json. Returns what changed, by section.

        Only the school's sections this edit changed are stored: those that differ from
        ``base`` (the settings the edit started from, e.g. when a Settings window opened;
        default: as this workspace last read them from the register). A section another PC
        changed since is kept, not undone by this PC's older copy (a stale save used to write
        every section and so put back a looser mode); one this edit changed too, to something
        else, is refused: nothing is saved and SettingsConflict says who changed what and when
        (checked inside the write, under the register's writer lock). Afterwards this
        workspace holds the register's."""
        start = base.to_dict(SCHOOL_SECTIONS) if base is not None else dict(self._school_read)
        new_school = settings.to_dict(SCHOOL_SECTIONS)
        if new_school != start:
            self.access.require("settings")
            if (start.get("approval") or {}).get("required", True) and \
                    not settings.approval.required:
                self.access.require("approval.off")
        if settings.to_dict(("database",)) != self.settings.to_dict(("database",)):
            self.access.require("database")
        changed = self._store_school_settings(settings, action="settings.change", base=start)
        settings.save(self.home / "settings.json")
        # what the register holds now: a section another PC changed since (and this edit
        # left alone) is taken from it
        stored = {r[0]: r[1] for r in self.db.all("SELECT section, value FROM school_settings")}
        held = self._settings_from_register(stored).to_dict(SCHOOL_SECTIONS)
        for section in SCHOOL_SECTIONS:
            if new_school[section] == start[section] and held[section] != start[section]:
                settings.update({section: held[section]}, only=SCHOOL_SECTIONS)
        self.settings = settings
        self.register.settings = settings
        self._school_read = held
        return changed

    def merged_settings(self, edited: Settings, base: Settings) -> Settings:
        """``edited`` (made from ``base``, e.g. a Settings window's values) on top of the
        settings as this workspace holds them now: the school's sections the edit did not
        change are today's (another PC may have changed them since ``base``)."""
        out = edited.copy()
        now, was, mine = (self.settings.to_dict(SCHOOL_SECTIONS), base.to_dict(SCHOOL_SECTIONS),
                          edited.to_dict(SCHOOL_SECTIONS))
        for section in SCHOOL_SECTIONS:
            if mine[section] == was[section] and now[section] != mine[section]:
                out.update({section: now[section]}, only=SCHOOL_SECTIONS)
        return out

    # -- signing in ---------------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        return self.access.session

    def needs_first_admin(self) -> bool:
        """A fresh install: no account yet (only ``create_first_admin`` works)."""
        return not self.accounts.any()

    def create_first_admin(self, name: str, password: str) -> Session:
        """First run: the first admin (who is signed in at once)."""
        self.access.session = None
        s = self.accounts.create_first_admin(name, password)
        self.access.session = s
        log.info("first admin created (account %s)", s.account_id)
        return s

    def sign_in(self, name: str, password: str) -> Session:
        self.access.session = None
        s = self.accounts.sign_in(name, password)
        self.access.session = s
        log.info("signed in (account %s)", s.account_id)
        return s

    def first_sign_in(self, name: str, code: str, new_password: str) -> Session:
        """A new account's first sign-in: the one-time code an admin gave, and a password."""
        self.access.session = None
        s = self.accounts.first_sign_in(name, code, new_password)
        self.access.session = s
        return s

    def sign_out(self) -> None:
        self.access.session = None

    def lock(self) -> None:
        """Lock now (the person steps away); ``unlock`` with their password."""
        if self.access.session is not None:
            self.access.session.locked = True

    def idle_locked(self) -> bool:
        """Has the session locked itself (idle time) or been locked?"""
        return self.access.idle_locked()

    def touch(self) -> None:
        """The person did something (the app calls this on keyboard and mouse input)."""
        self.access.touch()

    def unlock(self, password: str) -> Session:
        """The same person carries on after the lock, with their password."""
        s = self.access.session
        if s is None:
            raise NotSignedIn("nobody is signed in")
        self.accounts.check_password(s.name, password)
        s.locked = False
        s.touch(self.access.clock())
        return s

    def change_password(self, old: str, new: str) -> None:
        s = self.access.session
        if s is None:
            raise NotSignedIn("sign in first")
        self.accounts.change_password(s, old, new)

    def allowed(self, permission: str) -> bool:
        """May the signed-in account do this now? (For enabling actions; the core checks.)"""
        return self.access.allowed(permission)

    def require(self, permission: str) -> Actor:
        return self.access.require(permission)

    # -- the register's key -------------------------------------------------------------------

    def key_status(self) -> str:
        """"ready", "new" or "not-allowed" (this PC lacks the register's key)."""
        return self.keys.status()

    def allow_this_pc(self, secret: str) -> None:
        """An admin types the register's admin secret on a new PC (no sign-in needed: knowing
        the secret is the permission). Audited."""
        self.keys.allow_this_pc(secret)
        self.audit.record("register.pc-allowed", {"key_id": self.keys.key_id_in_register()},
                          user="admin secret")
        log.info("this PC is now allowed to use the register")

    def set_admin_secret(self, secret: str) -> None:
        """Store the register key wrapped under a (new) admin secret (a signed-in admin)."""
        actor = self.access.require("keys")
        wrap = self.keys.wrap(secret)               # the slow part, before the writer lock
        with self.db.atomic():
            self.keys.store_wrap(wrap, actor=actor.name)
            self.audit.record("register.admin-secret-set", {"key_id": self.keys.key_id_in_register()})

    def replace_key(self, *, admin_name: str | None = None, admin_password: str | None = None,
                    admin_secret: str | None = None) -> dict[str, int]:
        """A new register key: face signatures this PC can read are re-encrypted with it (the
        others deleted: enrol them again), the audit head is signed with it, the admin secret
        is set again (required for a register on a server). On a PC that holds the key a
        signed-in admin does it; on a PC that lost it, an admin's name and password are
        checked instead. Every other PC must then be allowed again. Audited."""
        from photovet.core.keys import check_secret, key_id  # noqa: PLC0415

        if self.db.engine == "postgresql" and not admin_secret:
            raise AccountError("a register on a server needs an admin secret with its new key")
        if admin_secret:
            check_secret(admin_secret)
        if admin_name is not None:   # no sign-in (it would need the key): password checked
            acc_id = self.accounts.check_password(admin_name, admin_password or "")
            info = self.accounts.get(admin_name)
            access = Access(Session(acc_id, info.name, tuple(info.grants)))
            actor = access.require("keys")
        else:
            actor = self.access.require("keys")
            access = self.access
        try:
            old = self.keys.signature_key() if self.keys.status() == "ready" else None
        except Exception:
            old = None
        old_kid = self.keys.key_id_in_register()
        new = self.keys.new_key_bytes()
        from photovet.core.keys import _derive  # noqa: PLC0415

        audit = AuditLog(self.db, access=access, keys=self.keys, anchor=self.audit.anchor)
        wrap = self.keys.wrap(admin_secret, new) if admin_secret else None
        with self.db.atomic():
            moved, dropped = signatures.reencrypt(self.db, old or b"", _derive(new, b"signatures v1"),
                                                  key_id(new))
            self.keys.install(new)
            if wrap is not None:
                self.keys.store_wrap(wrap, actor=actor.name)
            audit.record("register.key-replaced", {"old_key_id": old_kid, "new_key_id": key_id(new),
                                                   "signatures_reencrypted": moved,
                                                   "signatures_deleted": dropped})
        scrub = getattr(self.db, "scrub", None)
        if scrub is not None:
            scrub(vacuum=True)
        return {"reencrypted": moved, "deleted": dropped}

    # -- what several stores do together ------------------------------------------------------

    def free_text_refusal(self, text: str) -> str | None:
        """Why a reason, comment or note typed by staff would be refused as it is (it names a
        pupil, and it is kept in the audit log: ``free_text``), or None: asked by the app
        before its dialog closes; every store asks again when it keeps it."""
        from photovet.core import free_text  # noqa: PLC0415

        return free_text.check(self.db, text)

    def requester_refusal(self, person_id: str, text: str) -> str | None:
        """Why who asked for a consent change of ``person_id`` would be refused as it is
        (another pupil's full name: ``free_text.requester_refusal``), or None: asked by the
        app before its dialog closes; the register asks again when it keeps it."""
        from photovet.core import free_text  # noqa: PLC0415

        return free_text.requester_check(self.db, text, person_id)

    def reviewer(self, person_of=None) -> Reviewer:
        """Records a person's review decisions, refusing what policy refuses."""
        return Reviewer(self.reviews, person_of or self.register.find)

    def signature_status(self):
        """Who still has face signatures from an older face model (``SignatureStatus``: the
        count and sentence for the "enrol again" banner). Cheap: no model is loaded."""
        from photovet.core.vision.faces.signatures import CURRENT  # noqa: PLC0415

        return self.register.signature_status(CURRENT)

    def video_reviewer(self, person_of=None):
        """Records a person's decisions about a video's tracks and sound (video_review.py)."""
        from photovet.core.video_review import VideoReviewer, VideoReviewStore  # noqa: PLC0415

        return VideoReviewer(VideoReviewStore(self.db, self.audit),
                             person_of or self.register.find)

    def sound_checks(self):
        """An approver's confirmation that they listened to a video's sound (video_review.py)."""
        from photovet.core.video_review import SoundChecks  # noqa: PLC0415

        return SoundChecks(self.db, self.audit)

    def load_engine(self, *, faces: bool = True, text: bool = True,
                    separate_process: bool = False):
        """The models, loaded once, wired to this workspace's register, cache and reviews."""
        from photovet.core.pipeline import Engine  # noqa: PLC0415

        return Engine.load(self.settings, self.register, faces=faces, text=text,
                           separate_process=separate_process, cache=self.cache,
                           reviews=self.reviews, home=self.home)

    def start_helper(self, *, faces: bool = True, text: bool = True, stop: Any = None):
        """Start the helper process that loads the models and analyses photos (seconds; reads
        no register here, so the app calls it from a worker thread; ``stop``, an Event, ends
        the wait). Give it to ``engine``."""
        from photovet.core.pipeline import AnalysisProcess  # noqa: PLC0415

        return AnalysisProcess(self.settings, self.home, faces=faces, text=text, stop=stop)

    def engine(self, helper: Any = None):
        """An engine wired to this workspace: analysing in ``helper`` (``start_helper``), or
        without models (deciding and exporting photos analysed already)."""
        from photovet.core.pipeline import Engine  # noqa: PLC0415

        if helper is not None:
            return Engine.with_helper(helper, self.settings, self.register, cache=self.cache,
                                      reviews=self.reviews)
        return Engine(self.settings, register=self.register, cache=self.cache,
                      reviews=self.reviews)

    def import_register(self, csv_path: str | Path, **kwargs: Any):
        """Import the MIS register, then bring the take-down list up to date (consent lost for
        someone already exported or posted)."""
        report = self.register.import_csv(csv_path, **kwargs)
        if report.applied and (report.withdrawals or report.invalidated or report.missing
                               or report.leavers or report.left):
            report.takedown = self.takedown(record=True, withdrawals=report.withdrawals)
        return report

    def takedown(self, *, person: str | None = None, include_done: bool = False,
                 record: bool = False, withdrawals: Any = None) -> list:
        """The take-down list, evaluated against the register as it is now."""
        items = takedown.evaluate(self.records, self.register, person=person,
                                  include_done=include_done)
        if record:
            self.audit.record("takedown.list-updated", {
                "open_items": len(items), "new_items": [i.id for i in items if i.new],
                "withdrawals": [w.audit_dict() for w in (withdrawals or [])]})
        return items

    def subject_access_report(self, person_id: str, out: str | Path, *,
                              overwrite: bool = False) -> Path:
        """The subject access report (records/sar.py) with everything this workspace holds
        about the person besides the export records (records/held.py): photos held but never
        published, faces recognised as them but named as another person, face signatures."""
        from photovet.core.records import held  # noqa: PLC0415
        from photovet.core.records.sar import subject_access_report  # noqa: PLC0415

        return subject_access_report(self.register, self.records, person_id, out,
                                     overwrite=overwrite,
                                     holdings=lambda pid: held.holdings(self, pid))

    def sar_nothing_held(self, person_id: str) -> bool:
        """Whether PhotoVet holds nothing at all about ``person_id`` (never in the register, or
        everything about them deleted): its subject access report says so plainly
        (``words.sar_nothing_held``)."""
        from photovet.core.records import held  # noqa: PLC0415
        from photovet.core.records.sar import nothing_held  # noqa: PLC0415

        return nothing_held(self.register, self.records, person_id,
                            holdings=lambda pid: held.holdings(self, pid))

    def retention(self, clock=None):
        """The retention schedule of this workspace (``clock``: a function giving the time
        now, for tests)."""
        from photovet.core.retention import RetentionSchedule  # noqa: PLC0415

        return RetentionSchedule(self.db, self.audit, settings=self.settings, records=self.records,
                                 register=self.register, cache=self.cache, clock=clock,
                                 approvals=self.approvals)

    # -- where the register lives ------------------------------------------------------------

    def has_data(self) -> bool:
        """Does this register hold anything worth keeping (accounts, people, records...)?"""
        from photovet.core.storage.move import server_is_empty  # noqa: PLC0415

        return not server_is_empty(self.db)

    def use_server(self, url: str, *, password: str | None = None,
                   certificate_pem: str | None = None,
                   admin_secret: str | Callable[[], str | None] | None = None,
                   min_version: int = 130000) -> dict[str, Any]:
        """Make the school's PostgreSQL server this PC's register (what ``photovet setup
        database`` and the app's Settings call). It checks the server (reachable, TLS unless it
        is this PC, PostgreSQL 13 or later, an empty database or a PhotoVet register), creates
        or migrates the schema, and then:

        - **move**: this PC's register has data and the server's is empty: a signed-in admin
          moves every row across (``storage/move.py``, audit chain verified before and after)
          and sets the admin secret (required: it allows the office's other PCs);
        - **create**: both are empty: a new register on the server (admin secret required);
        - **join**: the server already holds a register and this PC's is empty: this PC uses it
          (allowed with the admin secret when it does not hold the key yet).

        Two registers with data are never merged (refused). The password goes to this PC's key
        store, the address (without it) and the pinned certificate to this PC's settings; the
        register file is kept as ``register.db.moved-<date>``. The workspace is closed: open a
        new one. Returns what was done. ``admin_secret`` may be a function, asked only when
        the secret is needed."""

        def secret() -> str | None:
            return admin_secret() if callable(admin_secret) else admin_secret

        from photovet.core.keys import check_secret  # noqa: PLC0415
        from photovet.core.paths import config_dir  # noqa: PLC0415
        from photovet.core.storage.move import move_to_server, server_is_empty  # noqa: PLC0415
        from photovet.core.storage.server import host_port, is_local, secure_conninfo  # noqa: PLC0415

        clean, in_url = split_password(url)
        password = password if password is not None else in_url
        if not is_server_url(clean):
            raise SettingsError(f"'{clean}' is not a postgresql:// address")
        host, port = host_port(clean)
        cert_path: Path | None = None
        if certificate_pem:
            cert_path = config_dir() / f"server-{host.replace(':', '_')}-{port}.pem"
            cert_path.write_text(certificate_pem, encoding="utf-8")
        secure_conninfo(clean, cert_path)   # TLS rule first: refuse before sending a password
        local_data = self.has_data()
        if local_data:
            self.access.require("database")
        dst = connect_server(clean, password=password, certificate=cert_path)
        report: dict[str, Any] = {"server": dst.location, "local": is_local(host)}
        try:
            version = dst.server_version()
            report["server_version"] = version
            if version < min_version:
                raise SettingsError(f"the server runs PostgreSQL {version // 10000}; PhotoVet "
                                    f"needs {min_version // 10000} or later")
            report["encrypted"] = bool(dst.scalar(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
            migrate(dst)
            empty = server_is_empty(dst)
            dkeys = RegisterKeys(dst, self.keys.store)
            if empty and local_data:
                admin_secret = secret()
                if not admin_secret:
                    raise AccountError("moving the register to a server needs an admin secret "
                                       "(it allows the office's other PCs)")
                # the slow argon2 work first; the wrap is stored in the move's own transaction
                wrap = self.keys.wrap(admin_secret)

                def keep_wrap(dst_db: Any, dst_audit: Any) -> None:
                    RegisterKeys(dst_db, self.keys.store).store_wrap(
                        wrap, actor=self.audit.actor_name())
                    dst_audit.record("register.admin-secret-set", {"key_id": wrap[0]})

                moved = move_to_server(self.db, dst, src_audit=self.audit, also=keep_wrap)
                report.update(action="move", rows=moved.rows, audit_rows=moved.audit_rows)
                daudit = AuditLog(dst, access=self.access, keys=dkeys, anchor=False)
                report["audit"] = daudit.verify().message
            elif empty:
                admin_secret = secret()
                if not admin_secret:
                    raise AccountError("a new register on a server needs an admin secret (it "
                                       "allows the office's other PCs)")
                check_secret(admin_secret)
                dkeys.master()
                dkeys.store_wrap(dkeys.wrap(admin_secret), actor=None)
                report.update(action="create")
            elif local_data:
                raise SettingsError(
                    f"both this PC's register and the one on {dst.location} hold data; PhotoVet "
                    "never merges two registers, so nothing was changed",
                    hint="Use an empty database on the server to move this PC's register there, "
                         "or use this PC's register as it is.")
            else:
                report.update(action="join")
                if dkeys.status() == "not-allowed":
                    admin_secret = secret()
                    if admin_secret:
                        dkeys.allow_this_pc(admin_secret)
                        AuditLog(dst, keys=dkeys, anchor=False).record(
                            "register.pc-allowed", {"key_id": dkeys.key_id_in_register()},
                            user="admin secret")
                        report["allowed"] = True
                    else:
                        report["allowed"] = False
        finally:
            dst.close()
        if password:
            self.keys.store.put(password_key(clean), password)
        new = self.settings.copy()
        new.database.url = clean
        new.database.certificate = str(cert_path) if cert_path else ""
        new.save(self.home / "settings.json")
        self._retire_register_file(report)
        return report

    def _retire_register_file(self, report: dict[str, Any]) -> None:
        """After a move: close, and keep the register file (and its anchor) as a dated
        backup; the anchor's claims hold for the server register (same register, same rows)."""
        path = getattr(self.db, "path", None)
        self.close()
        if path is None or not Path(path).exists():
            return
        anchor = Path(str(path) + "-anchor")
        if report.get("action") == "move" and anchor.exists():
            shutil.copy2(anchor, self.home / "audit-anchor.json")
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm", "-anchor"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.rename(p.with_name(f"{Path(path).name}.moved-{stamp}{suffix}"))
        report["kept_as"] = f"{Path(path).name}.moved-{stamp}"

    # -- other PCs ----------------------------------------------------------------------------

    def open_again(self) -> Database:
        """Another connection to this register (a background thread's)."""
        return open_register(self.target if self.target is not None else self.home / "register.db",
                             certificate=self.settings.database.certificate or None)

    def changes(self, *, interval: float = 2.0) -> ChangeFeed:
        """The register's changes from every PC since now (``poll()``, or ``subscribe(cb)``
        for a background thread). Closed with the workspace."""
        feed = ChangeFeed(self.db, self.open_again, interval=interval)
        self._feeds.append(feed)
        return feed

    # -- closing ------------------------------------------------------------------------------

    def previews(self) -> PreviewFolder:
        """This run's private folder for rendered previews (``previews/`` in the data folder,
        0700; core/previews.py): made at the first use, removed at ``close``. Previews of
        pupils are never written anywhere else (never the system's temporary folder)."""
        if self._previews is None or self._previews.closed:
            self._previews = PreviewFolder(self.home)
        return self._previews

    def close(self) -> None:
        if self._previews is not None:
            self._previews.close()
        for feed in self._feeds:
            feed.close()
        self._feeds.clear()
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


__all__ = ["Workspace", "open_register", "register_target"]


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


#: why a deletion cut short cannot be finished now (``_pending_elsewhere``), in words
_AWAY = ("their photos' folders are not there now, or are on another USB stick or drive than "
         "the one they were on (or one PhotoVet cannot tell from it), so PhotoVet cannot tell "
         "whether they were deleted; they are not marked deleted")


def _pending_elsewhere(path: str | None, sha: str | None, disk: str | None) -> bool:
    """A deletion cut short ("pending") that doing it again cannot finish now: its file is
    missing from its place, and that folder is not there (a USB stick not connected) or is on
    another disk than the one recorded when it was announced, or on one whose id cannot be
    read (``transfer.folder_not_there``, ``fsutil.disk_changed``; s48, s49). The purge and the
    schedule then leave it unfinished; the register's opening says so (s50)."""
    from photovet.core.storage.database import stored_path  # noqa: PLC0415
    from photovet.core.transfer import folder_not_there, pending_disk_changed  # noqa: PLC0415

    if not path:
        return False
    p = Path(stored_path(path, sha or ""))
    try:
        if os.path.lexists(p):
            return False
        return folder_not_there(p.parent) or bool(pending_disk_changed(p.parent, disk))
    except OSError:
        return True


def _left_hidden_not_ours(path: str | None, sha: str | None, method: str | None,
                          file_id: str | None) -> bool:
    """A pending deletion for good by the retention schedule that applying it again never
    finishes: the photo gone from its place and the file of its hidden name not the one it
    renamed there (``transfer.hidden_is_ours``: another file, or one already partly
    overwritten whose row, written before its identity was kept, knows only its content)."""
    from photovet.core.storage.database import stored_path  # noqa: PLC0415
    from photovet.core.transfer import hidden_is_ours, hidden_left  # noqa: PLC0415

    if method != "overwrite" or not path:
        return False
    p = Path(stored_path(path, sha or ""))
    hidden = hidden_left(p)
    if os.path.lexists(p) or not os.path.lexists(hidden):
        return False
    return hidden_is_ours(p, hidden, sha or "", file_id or "") is not None
