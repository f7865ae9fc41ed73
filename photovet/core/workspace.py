"""The Workspace: a data folder, opened once, with everything wired to it.

``Workspace.open()`` is the one place PhotoVet's objects are put together: it reads this PC's
settings, opens the register (and brings its schema up to date), reads the school's settings
from the register, and builds the audit log, channel registry, register, review store,
approvals and export records on that one database. The CLI and the app each open one Workspace
and pass it (or what they need from it) on; nothing in the core opens files or reads settings
by itself.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from photovet.core import logs
from photovet.core.approval import Approvals
from photovet.core.audit import AuditLog
from photovet.core.cache import AnalysisCache
from photovet.core.channels import ChannelRegistry
from photovet.core.devices import DeviceList
from photovet.core.errors import SettingsError
from photovet.core.paths import data_dir
from photovet.core.records import takedown
from photovet.core.records.exports import Records
from photovet.core.register.people import Register
from photovet.core.review import Reviewer, ReviewStore
from photovet.core.school import SchoolPictures
from photovet.core.settings import (
    SCHOOL_SECTIONS,
    Settings,
    read_settings_file,
    upgrade_settings_file,
)
from photovet.core.storage import Database, open_db

log = logs.get("workspace")


# Temporary files PhotoVet writes in the data folder (and its cache) while saving; a process
# killed at that moment leaves one behind. Older than this, nobody is still writing it.
LEFTOVER_PATTERNS = (".settings-*.tmp", ".photovet-tmp-*", ".mapping-*.tmp", "cache/*/.cache-*.tmp")
LEFTOVER_AGE_SECONDS = 600


def clean_leftovers(home: Path) -> int:
    """Remove temporary files of interrupted saves in the data folder; returns how many."""
    import time  # noqa: PLC0415

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

    def __init__(self, home: Path, db: Database, settings: Settings):
        self.home = Path(home)
        self.db = db
        self.settings = settings
        self.audit = AuditLog(db)
        self.channels = ChannelRegistry(db, self.audit)
        self.register = Register(db, audit=self.audit, channels=self.channels, settings=settings)
        self.records = Records(db, self.audit, channels=self.channels)
        self.approvals = Approvals(db, self.audit,
                                   checklist=lambda: list(self.settings.checklist.checks))
        self.reviews = ReviewStore(db, self.audit)
        self.cache = AnalysisCache(self.home / "cache")
        self.devices = DeviceList(db, self.audit)
        self.school_pictures = SchoolPictures(db, self.audit)

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, home: str | Path | None = None) -> "Workspace":
        home = Path(home) if home is not None else data_dir()
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        logs.setup(home)
        removed = clean_leftovers(home)
        if removed:
            log.info("removed %d unfinished temporary file(s) left by an interrupted run", removed)
        settings_file = home / "settings.json"
        raw, legacy_channels = upgrade_settings_file(read_settings_file(settings_file))
        settings = Settings.from_dict(raw, path=settings_file)
        db = open_db(home / "register.db")
        try:
            ws = cls(home, db, settings)
            ws._load_school_settings(raw, legacy_channels)
        except BaseException:
            db.close()
            raise
        log.info("workspace opened (%s register, schema up to date)", db.engine)
        return ws

    def _load_school_settings(self, from_file: dict[str, Any],
                              legacy_channels: dict[str, Any]) -> None:
        stored = {r[0]: r[1] for r in self.db.all("SELECT section, value FROM school_settings")}
        in_file = {k: v for k, v in from_file.items() if k in SCHOOL_SECTIONS}
        if not stored and (in_file or legacy_channels):
            # First open after 0.1: the school's settings move from this PC's file into the
            # register (once, audited), and the file keeps only this PC's settings.
            with self.db.atomic():
                self._store_school_settings(self.settings, user=None,
                                            action="settings.moved-into-register")
                for cid, conf in legacy_channels.items():
                    if not isinstance(conf, dict):
                        continue
                    changes = {k: conf[k] for k in ("long_edge", "quality", "label") if k in conf}
                    try:
                        if changes:
                            self.channels.update(cid, **changes)
                    except Exception as exc:  # noqa: BLE001 - an old value we cannot use
                        log.warning("channel %s settings from settings.json not used: %s", cid, exc)
            self.settings.save()
            return
        if in_file and stored:
            log.warning("settings.json holds school settings (%s); the register's are used",
                        ", ".join(sorted(in_file)))
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
        self.settings = fresh
        self.register.settings = fresh

    def _store_school_settings(self, settings: Settings, *, user: str | None, action: str) -> dict:
        now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        old = {r[0]: json.loads(r[1]) for r in self.db.all("SELECT section, value FROM school_settings")}
        new = settings.to_dict(SCHOOL_SECTIONS)
        changed = {}
        with self.db.atomic():
            for section, value in new.items():
                if old.get(section) == value:
                    continue
                changed[section] = {"old": old.get(section), "new": value}
                self.db.execute(
                    "INSERT INTO school_settings (section, value, updated_at, actor) VALUES "
                    "(?, ?, ?, ?) ON CONFLICT (section) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at, actor = excluded.actor",
                    [section, json.dumps(value, sort_keys=True), now, user])
            if changed:
                self.audit.record(action, {"changed": changed}, user=user)
        return changed

    def save_settings(self, settings: Settings, *, user: str | None = None) -> dict:
        """Store the school's sections in the register (audited) and this PC's in settings.json.
        Returns what changed, by section."""
        changed = self._store_school_settings(settings, user=user, action="settings.change")
        settings.save(self.home / "settings.json")
        self.settings = settings
        self.register.settings = settings
        return changed

    # -- what several stores do together ------------------------------------------------------

    def reviewer(self, person_of=None) -> Reviewer:
        """Records a person's review decisions, refusing what policy refuses."""
        return Reviewer(self.reviews, person_of or self.register.find)

    def load_engine(self, *, faces: bool = True, text: bool = True,
                    separate_process: bool = False):
        """The models, loaded once, wired to this workspace's register, cache and reviews."""
        from photovet.core.pipeline import Engine  # noqa: PLC0415

        return Engine.load(self.settings, self.register, faces=faces, text=text,
                           separate_process=separate_process, cache=self.cache,
                           reviews=self.reviews, home=self.home)

    def import_register(self, csv_path: str | Path, **kwargs: Any):
        """Import the MIS register, then bring the take-down list up to date (consent lost for
        someone already exported or posted)."""
        report = self.register.import_csv(csv_path, **kwargs)
        if report.applied and (report.withdrawals or report.invalidated or report.missing
                               or report.leavers):
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
                "withdrawals": [w.to_dict() for w in (withdrawals or [])]})
        return items

    def retention(self, clock=None):
        """The retention schedule of this workspace (``clock``: a function giving the time
        now, for tests)."""
        from photovet.core.retention import RetentionSchedule  # noqa: PLC0415

        return RetentionSchedule(self.db, self.audit, settings=self.settings, records=self.records,
                                 register=self.register, cache=self.cache, clock=clock)

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


__all__ = ["Workspace"]
