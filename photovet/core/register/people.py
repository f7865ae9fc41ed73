"""The consent register: who may appear where.

The school's record of its pupils and staff, their consent per channel for photos and for
videos, whether their name may appear with a photo, a do-not-photograph flag, and the face
signatures used to recognise them. It lives in the register database (see storage/), one
transaction per change, every change audited and kept in ``consent_history``.

Importing from the MIS is in importer.py, enrolment in enrolment.py; ``Register`` gives both a
short front door. Face signatures are deleted ``retention.purge_encodings_days_after_leaving``
days after a leaving date, and ``retention.purge_encodings_days_after_missing`` days after a
person stopped being in the MIS file; a person can be removed altogether (``delete_person``).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photovet.core.errors import ConsentRequestNeeded, RegisterError, UnknownPersonError
from photovet.core.models import NO, NOT_RECORDED, YES, FormerName, Person
from photovet.core.policy import consent_request_refusal
from photovet.core.register import importer, signatures
from photovet.core.register.csv_io import read_table
from photovet.core.register.mapping import (
    DO_NOT_PHOTOGRAPH,
    NAME_WITH_PHOTO,
    ColumnMapping,
    detect_mapping,
    norm,
)
from photovet.core.register.reports import (
    ConsentChange,
    EnrolReport,
    ImportReport,
    SignatureStatus,
)
from photovet.core.register.values import parse_yes_no
from photovet.core.settings import Settings
from photovet.core.storage import Database

if TYPE_CHECKING:
    import numpy as np

SPECIAL_FIELDS = (NAME_WITH_PHOTO, DO_NOT_PHOTOGRAPH)


def _now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def to_state(value: Any) -> str:
    """True/False/None/"Yes"/"no"/"not recorded" -> "yes" | "no" | "not recorded"."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, bool):
        return YES if value else NO
    state, _how = parse_yes_no(str(value))
    if state is None:
        raise RegisterError(f"'{value}' is not Yes or No")
    return state


def _names_in(text: str, person: Person) -> str:
    """The first of the person's names (3 letters or more, current or former) that ``text``
    says as a word, or ''."""
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
    forms = [person, *getattr(person, "also_known_as", ())]
    for form in forms:
        for name in (form.legal_forename, form.legal_surname, form.preferred_forename,
                     form.preferred_surname):
            for part in re.findall(r"[^\W\d_]+", name or ""):
                if len(part) >= 3 and part.casefold() in words:
                    return part
    return ""


def names_on(db: Database) -> list[Person]:
    """Everyone on the register with only their names, now and before (``also_known_as``), and
    whether they are staff: what a text is checked against for names (``free_text``), read
    without the consent rows and face signatures ``Register.people`` joins. Rejected rows too."""
    rows = db.all("SELECT id, legal_forename, legal_surname, preferred_forename, "
                  "preferred_surname, role FROM people ORDER BY id")
    known_as: dict[str, list[FormerName]] = {}
    for pid, lf, ls, pf, ps, other in db.all(
            "SELECT person_id, legal_forename, legal_surname, preferred_forename, "
            "preferred_surname, other_person FROM former_names ORDER BY id"):
        known_as.setdefault(pid, []).append(FormerName(lf or "", ls or "", pf or "", ps or "",
                                                       None, bool(other)))
    return [Person(id=r[0], legal_forename=r[1] or "", legal_surname=r[2] or "",
                   preferred_forename=r[3] or "", preferred_surname=r[4] or "",
                   role=r[5] or "pupil", also_known_as=tuple(known_as.get(r[0], ())))
            for r in rows]


class Register:
    """The consent register on one database. Made by the Workspace (``Register.open`` for a
    register on its own, as tools and tests use it)."""

    def __init__(self, db: Database, *, audit: Any = None, channels: Any = None,
                 settings: Settings | None = None):
        from photovet.core.audit import AuditLog  # noqa: PLC0415
        from photovet.core.channels import ChannelRegistry  # noqa: PLC0415

        self.db = db
        self.audit = audit if audit is not None else AuditLog(db)
        self.channel_registry = channels if channels is not None else ChannelRegistry(db, self.audit)
        self.settings = settings or Settings()

    @property
    def access(self) -> Any:
        """Who is signed in (accounts.Access), shared with the audit log."""
        return self.audit.access

    @property
    def keys(self) -> Any:
        """The register's key on this PC (keys.RegisterKeys), shared with the audit log."""
        return self.audit.keys

    @classmethod
    def open(cls, path: str | Path | None = None, *, access: Any = None) -> Register:
        """A register on its own (tools and tests; the app and the command line use a
        Workspace). ``access``: who acts (accounts.Access); nobody by default, so every change
        is refused until someone is signed in."""
        from photovet.core.audit import AuditLog  # noqa: PLC0415
        from photovet.core.storage import open_db  # noqa: PLC0415

        db = open_db(path)
        return cls(db, audit=AuditLog(db, access=access))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- channels -----------------------------------------------------------------------------

    def channels(self) -> list[str]:
        return self.channel_registry.ids()

    def channel_labels(self) -> dict[str, str]:
        return self.channel_registry.labels()

    def channel(self, channel_id: str):
        return self.channel_registry.get(channel_id)

    def add_channel(self, name: str, label: str | None = None, **rules: Any) -> str:
        """Add a school's own channel (e.g. "prospectus"). Everyone starts with no consent."""
        return self.channel_registry.add(name, label, **rules).id

    # -- reading ------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return self.db.one("SELECT 1 FROM people LIMIT 1") is None

    def _people_rows(self, where: str = "", params: Iterable[Any] = ()) -> list[Person]:
        chans = self.channels()
        rows = self.db.all(
            "SELECT id, legal_forename, legal_surname, preferred_forename, preferred_surname, role, "
            "year_group, reg_group, date_of_birth, leaving_date, notes, valid, family, "
            "missing_since, leaving_date_source FROM people "
            f"{where} ORDER BY LOWER(legal_surname), LOWER(legal_forename), id", list(params))
        if not rows:
            return []
        ids = [r[0] for r in rows]
        states: dict[str, dict[tuple[str, str], str]] = {}
        enrolled: dict[str, int] = {}
        former_cols = ("SELECT person_id, legal_forename, legal_surname, preferred_forename, "
                       "preferred_surname, replaced_at, other_person FROM former_names")
        history_cols = "SELECT person_id, channel, media, old, new, time FROM consent_history"
        if len(ids) > 500:
            cons = self.db.all("SELECT person_id, channel, media, value FROM consents")
            encs = self.db.all("SELECT person_id, COUNT(*) FROM encodings GROUP BY person_id")
            formers = self.db.all(former_cols + " ORDER BY id")
            changes = self.db.all(history_cols + " ORDER BY id")
        else:
            q = ",".join("?" * len(ids))
            cons = self.db.all(f"SELECT person_id, channel, media, value FROM consents "
                               f"WHERE person_id IN ({q})", ids)
            encs = self.db.all(f"SELECT person_id, COUNT(*) FROM encodings WHERE person_id IN "
                               f"({q}) GROUP BY person_id", ids)
            formers = self.db.all(former_cols + f" WHERE person_id IN ({q}) ORDER BY id", ids)
            changes = self.db.all(history_cols + f" WHERE person_id IN ({q}) ORDER BY id", ids)
        known_as: dict[str, list[FormerName]] = {}
        for pid, lf, ls, pf, ps, at, other in formers:
            known_as.setdefault(pid, []).append(FormerName(
                lf or "", ls or "", pf or "", ps or "",
                _dt.date.fromisoformat(at[:10]) if at else None, bool(other)))
        for pid, ch, media, v in cons:
            states.setdefault(pid, {})[(ch, media)] = v
        for pid, n in encs:
            enrolled[pid] = n
        # a consent's last change took a Yes away: withdrawn (on that day), not never given
        withdrawn: dict[str, dict[str, str]] = {}
        for pid, ch, media, old, new, when in changes:
            key = f"{ch}:{media or 'photo'}"
            if old == YES and new != YES:
                withdrawn.setdefault(pid, {})[key] = str(when or "")
            else:
                withdrawn.get(pid, {}).pop(key, None)
        out = []
        for r in rows:
            st = states.get(r[0], {})
            out.append(Person(
                id=r[0], legal_forename=r[1], legal_surname=r[2], preferred_forename=r[3],
                preferred_surname=r[4], role=r[5], year_group=r[6], reg_group=r[7],
                date_of_birth=_dt.date.fromisoformat(r[8]) if r[8] else None,
                leaving_date=_dt.date.fromisoformat(r[9]) if r[9] else None,
                notes=r[10],
                photo_consent={c: st.get((c, "photo"), NOT_RECORDED) for c in chans},
                video_consent={c: st.get((c, "video"), NOT_RECORDED) for c in chans},
                name_with_photo=st.get((NAME_WITH_PHOTO, "any")) == YES,
                name_consent=st.get((NAME_WITH_PHOTO, "any"), NOT_RECORDED),
                do_not_photograph=st.get((DO_NOT_PHOTOGRAPH, "any")) == YES,
                valid=bool(r[11]), enrolled=enrolled.get(r[0], 0) > 0, family=r[12] or "",
                also_known_as=tuple(known_as.get(r[0], ())),
                missing_since=_dt.date.fromisoformat(r[13][:10]) if r[13] else None,
                leaving_date_by_hand=bool(r[9]) and str(r[14] or "").startswith("user:"),
                withdrawn=withdrawn.get(r[0], {}),
            ))
        return out

    def people(self, include_invalid: bool = True) -> list[Person]:
        return self._people_rows("" if include_invalid else "WHERE valid = 1")

    def person(self, person_id: str) -> Person:
        pid = (person_id or "").strip().upper()
        rows = self._people_rows("WHERE id = ?", [pid]) or \
            self._people_rows("WHERE id = ?", [person_id])
        if not rows:
            raise UnknownPersonError(f"no one with id '{person_id}' in the register")
        return rows[0]

    def find(self, person_id: str | None) -> Person | None:
        """The person, or None (for callers that treat "not in the register" as a reason)."""
        if not person_id:
            return None
        try:
            return self.person(person_id)
        except UnknownPersonError:
            return None

    def invalid_reason(self, person_id: str) -> str:
        return self.db.scalar("SELECT invalid_reason FROM people WHERE id = ?", [person_id], "")

    def rejected(self) -> dict[str, str]:
        """Everyone whose register row was rejected at import (still listed by the MIS file):
        id -> why (a UPN on several rows names each row and whose it is)."""
        return {str(r[0]): r[1] or "" for r in self.db.all(
            "SELECT id, invalid_reason FROM people WHERE valid = 0 AND missing_since IS NULL")}

    def rejected_rows(self) -> int:
        """How many rows of the register file the last import rejected: every row, also the
        rows sharing one UPN, of which only one person is in the register (walk5 counted
        "2 with problems" for 3 rows rejected); never fewer than the people rejected."""
        people = len(self.rejected())
        row = self.db.all("SELECT summary FROM imports ORDER BY time DESC LIMIT 1")
        try:
            rows = len(json.loads(row[0][0]).get("skipped_rows") or []) if row else 0
        except (TypeError, ValueError, AttributeError):
            rows = 0                      # an unreadable summary: the people rejected
        return max(rows, people)

    def consent_states(self, person_id: str) -> dict[str, Any]:
        """{"photo": {channel: state}, "video": {channel: state}, "name_with_photo": state,
        "do_not_photograph": state}; each state "yes" | "no" | "not recorded"."""
        p = self.person(person_id)
        st = {(r[0], r[1]): r[2] for r in self.db.all(
            "SELECT channel, media, value FROM consents WHERE person_id = ?", [p.id])}
        return {
            "photo": {c: st.get((c, "photo"), NOT_RECORDED) for c in self.channels()},
            "video": {c: st.get((c, "video"), NOT_RECORDED) for c in self.channels()},
            NAME_WITH_PHOTO: st.get((NAME_WITH_PHOTO, "any"), NOT_RECORDED),
            DO_NOT_PHOTOGRAPH: st.get((DO_NOT_PHOTOGRAPH, "any"), NO),
        }

    def consent_source(self, person_id: str, channel: str, media: str = "photo"
                       ) -> tuple[str, str | None]:
        """Who set a value last ("import:<id>" or "user:<name>") and when."""
        media = "any" if channel in SPECIAL_FIELDS else media
        r = self.db.one("SELECT source, set_at FROM consents WHERE person_id = ? AND channel = ? "
                        "AND media = ?", [person_id, channel, media])
        return (r[0] or "", r[1]) if r else ("", None)

    def search(self, text: str) -> list[Person]:
        words = norm(text).split()
        people = self.people()
        if not words:
            return people

        def hay(p: Person) -> str:   # former names too: the office may know the old one
            return norm(" ".join([p.id, p.legal_forename, p.legal_surname, p.preferred_forename,
                                  p.preferred_surname, p.year_group, p.reg_group, p.role,
                                  *(f.display_name for f in p.also_known_as)]))
        return [p for p in people if all(w in hay(p) for w in words)]

    def encodings(self, model: str | None = None) -> list[tuple[str, np.ndarray]]:
        """Face signatures (of ``model``, or all), as (person id, vector), decrypted with the
        register's key (KeyUnavailableError when this PC does not hold it)."""
        return signatures.read_all(self.db, self.keys, model)

    def signature_models(self) -> dict[str, int]:
        """How many people have signatures of each model."""
        return {r[0]: r[1] for r in self.db.all(
            "SELECT model, COUNT(DISTINCT person_id) FROM encodings GROUP BY model")}

    def signature_status(self, current_model: str) -> SignatureStatus:
        """How many people are enrolled with ``current_model`` and how many only with an older
        face model (they need enrolling again: the banner's count)."""
        rows = self.db.all("SELECT person_id, model FROM encodings GROUP BY person_id, model")
        models: dict[str, set[str]] = {}
        for pid, model in rows:
            models.setdefault(pid, set()).add(model)
        st = SignatureStatus(current_model)
        for pid in sorted(models):
            if current_model in models[pid]:
                st.current += 1
                continue
            st.old += 1
            st.old_ids.append(pid)
            for m in models[pid]:
                st.old_models[m] = st.old_models.get(m, 0) + 1
        return st

    def enrolment_count(self, person_id: str) -> int:
        return self.db.scalar("SELECT COUNT(*) FROM encodings WHERE person_id = ?", [person_id], 0)

    def enrolment_days(self, person_id: str) -> list[str]:
        """The days (ISO) the person's face signatures were enrolled, oldest first, each once
        (a subject access report says them; the signatures themselves are never shown)."""
        days = {str(r[0])[:10] for r in self.db.all(
            "SELECT created_at FROM encodings WHERE person_id = ?", [person_id]) if r[0]}
        return sorted(days)

    def history(self, person_id: str) -> list[ConsentChange]:
        labels = self.channel_labels()
        return [ConsentChange(r[0], r[1], r[2], r[3], r[4], r[5], "", r[6], labels.get(r[1], ""),
                              r[7] or "", r[8] or "", how=r[9] or "")
                for r in self.db.all(
                    "SELECT person_id, channel, old, new, time, source, media, requested_by, "
                    "requested_on, how FROM consent_history WHERE person_id = ? ORDER BY id",
                    [person_id])]

    def imports(self) -> list[dict[str, Any]]:
        return [dict(zip(("id", "time", "file", "sha256", "user", "rows", "summary"), r))
                for r in self.db.all("SELECT id, time, file, sha256, actor, rows, summary "
                                     "FROM imports ORDER BY time")]

    # -- importing ----------------------------------------------------------------------------

    def detect_columns(self, csv_path: str | Path) -> ColumnMapping:
        """Headers of the CSV and the field each one holds (for the import wizard)."""
        headers, _rows, _enc, _sha = read_table(csv_path)
        return detect_mapping(headers, self.channel_labels())

    def check_file(self, csv_path: str | Path) -> importer.FileCheck:
        """A first look at a register file (the import wizard's first page): refuses a file
        that is not a register export (NotARegisterError) and says whether it is far larger
        than a school (``large``: ask a person, then ``import_csv(large_ok=True)``)."""
        return importer.check_file(csv_path, self.channel_labels())

    def import_csv(self, csv_path: str | Path, **kwargs: Any) -> ImportReport:
        """Import an MIS export (see importer.py). The take-down list is brought up to date by
        the Workspace (``Workspace.import_register``)."""
        return importer.import_csv(self, csv_path, **kwargs)

    # -- changes by hand ----------------------------------------------------------------------

    def _set_state(self, person_id: str, channel: str, media: str, state: str, *,
                   action: str, requested_by: str = "", requested_on: _dt.date | None = None,
                   request_required: bool = False,
                   expected: str | None = None, how: str = "") -> ConsentChange | None:
        who = self.access.require("register.edit").name
        p = self.person(person_id)
        requested_by = " ".join((requested_by or "").split())
        given = bool(requested_by) or requested_on is not None
        if given:   # a request given is a whole one, never a day still to come
            refusal = consent_request_refusal(requested_by, requested_on, _dt.date.today())
            if refusal:
                raise ConsentRequestNeeded(refusal)
            from photovet.core import free_text  # noqa: PLC0415

            # the parent's name is needed; another pupil's full name is not (s32)
            refusal = free_text.requester_check(self.db, requested_by, p.id)
            if refusal:
                raise ConsentRequestNeeded(refusal)
        with self.db.atomic():
            row = self.db.one("SELECT value, source, set_at FROM consents WHERE person_id = ? "
                              "AND channel = ? AND media = ?", [p.id, channel, media])
            old = row[0] if row else None
            if expected is not None:
                shown = old if old is not None else (NO if channel == DO_NOT_PHOTOGRAPH
                                                     else NOT_RECORDED)
                if shown != to_state(expected):
                    self._changed_meanwhile(p, channel, media, shown, row)
            src = f"user:{who}"
            now = _now_iso()
            if old == state and row is not None and (row[1] or "").startswith("user:"):
                return None
            how = " ".join((how or "").split())
            change = ConsentChange(p.id, channel, old, state, now, src, p.display_name, media,
                                   self.channel_labels().get(channel, ""), requested_by,
                                   requested_on.isoformat() if requested_on else "", how=how)
            if change.is_withdrawal and request_required and not given:
                raise ConsentRequestNeeded(consent_request_refusal("", None, _dt.date.today())
                                           or "say who asked for this withdrawal and when")
            self.db.execute(
                "INSERT INTO consents (person_id, channel, media, value, source, set_at) VALUES "
                "(?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, channel, media) DO UPDATE SET "
                "value = excluded.value, source = excluded.source, set_at = excluded.set_at",
                [p.id, channel, media, state, src, now])
            self.db.execute(
                "INSERT INTO consent_history (person_id, channel, media, old, new, time, source, "
                "import_id, requested_by, requested_on, how) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, "
                "?, ?, ?)",
                [p.id, channel, media, old, state, now, src, requested_by or None,
                 change.requested_on or None, how or None])
            # the day asked, and THAT someone asked; never their name (the audit log is kept
            # for good, the consent history goes with the person's row)
            self.audit.record(action, {"person_id": p.id, "field": channel, "media": media,
                                       "old": old, "new": state,
                                       **({"requested_on": change.requested_on,
                                           "request_recorded": True} if given else {})})
            if change.is_withdrawal:
                # the approvals that showed them end with it: a Yes later does not bring them
                # back (s36)
                from photovet.core.approval import (  # noqa: PLC0415
                    end_by_withdrawal,
                    media_ended,
                )

                ended = end_by_withdrawal(self.db, self.audit, [change], register=self)
                change.approvals_ended = len(ended)
                change.approvals_ended_videos = media_ended(ended)[1]
        return change

    def _changed_meanwhile(self, p: Person, channel: str, media: str, now: str,
                           row: Any) -> None:
        from photovet.core.register.reports import field_label  # noqa: PLC0415
        from photovet.core.review import local_time  # noqa: PLC0415

        src = (row[1] or "") if row else ""
        by = src.split(":", 1)[1] if src.startswith("user:") else \
            ("a register import" if src.startswith("import:") else "someone")
        what = field_label(channel, media, self.channel_labels())
        raise RegisterError(
            f"{what} for {p.display_name} was changed by {by} at "
            f"{local_time(row[2] if row else None)} (it is now {now.capitalize()}) since you "
            "looked at it; nothing was changed",
            hint="Look at it again as it is now, then change it if it still needs changing.")

    def set_consent(self, person_id: str, channel: str, value: bool | str | None, *,
                    media: str = "photo", requested_by: str = "",
                    requested_on: _dt.date | None = None,
                    request_required: bool = False,
                    expected: bool | str | None = None, how: str = "") -> ConsentChange | None:
        """Change one consent by hand (audited, kept in history; kept against a later import
        that is more permissive). ``channel`` may also be "name_with_photo". Returns the change,
        or None when nothing changed.

        ``requested_by`` / ``requested_on``: who asked for the change and the day they asked
        (kept with the change in the consent history; refused as policy.consent_request_refusal
        says: both, and never a day still to come). ``request_required``: a withdrawal without
        them is refused (``ConsentRequestNeeded``), as the app and the command line ask; a
        withdrawal is otherwise never refused for want of them (it reads "not recorded").
        ``expected``: the value the person changing it saw (a page opened earlier): if another
        PC changed it since, nothing is changed (RegisterError saying by whom and when; a
        stale "Yes -> Not recorded" would have undone another PC's "No"). ``how``: how it was
        entered (``words.CONSENT_TYPED``, ``CONSENT_FORM``, ``CONSENT_COMMAND``), kept with the
        change beside who entered it (the signed-in account), as the pupil's history and the
        subject access report say it."""
        if channel == NAME_WITH_PHOTO:
            media = "any"
        elif channel not in self.channels():
            raise RegisterError(f"unknown channel '{channel}'",
                                hint="Channels: " + ", ".join(self.channels()))
        elif media not in ("photo", "video"):
            raise RegisterError(f"'{media}' is not photo or video")
        return self._set_state(person_id, channel, media, to_state(value),
                               action="register.consent-edit", requested_by=requested_by,
                               requested_on=requested_on, request_required=request_required,
                               expected=None if expected is None else to_state(expected),
                               how=how)

    def set_consents(self, person_id: str, edits: Iterable[dict[str, Any]]
                     ) -> list[ConsentChange]:
        """A paper consent form entered at once: each of ``edits`` is the keywords of one
        ``set_consent`` (``channel``, ``value``, and ``media``, ``expected``, ``requested_by``,
        ``requested_on``, ``request_required`` as there). One transaction: every change is
        made, or none (a refusal, or a value changed on another PC since the form was opened,
        changes nothing). Returns the changes made."""
        out: list[ConsentChange] = []
        with self.db.atomic():
            for edit in edits:
                kw = dict(edit)
                change = self.set_consent(person_id, kw.pop("channel"), kw.pop("value"), **kw)
                if change is not None:
                    out.append(change)
        return out

    def set_do_not_photograph(self, person_id: str, value: bool, *, requested_by: str = "",
                              requested_on: _dt.date | None = None,
                              request_required: bool = False,
                              expected: bool | None = None, how: str = "") -> ConsentChange | None:
        """Put a person on (or take them off) the do-not-photograph list; the request as for
        ``set_consent`` (going on the list is a withdrawal). ``expected``: whether the person
        changing it saw them on the list (as for ``set_consent``)."""
        return self._set_state(person_id, DO_NOT_PHOTOGRAPH, "any", YES if value else NO,
                               action="register.do-not-photograph", requested_by=requested_by,
                               requested_on=requested_on, request_required=request_required,
                               expected=None if expected is None else (YES if expected else NO),
                               how=how)

    def set_leaving_date(self, person_id: str, day: _dt.date | None) -> tuple[int, int]:
        """Record (or clear, with None) a person's leaving date by hand: for someone the MIS
        file stopped listing ("has Alex left?"). From that date they are a leaver: always
        covered, and their face signatures and register row fall due on the retention
        schedule. Audited. It is kept as entered here (``leaving_date_source`` "user:<name>"):
        a later import whose file lists them without a leaving date keeps it and says so
        (``ImportReport.leaving_dates_kept``); a file with a date sets the file's (not one still
        to come over a date here that has passed). ``they_are_back``
        clears it. A date that had taken effect, cleared or moved to a day still to come, ends
        the approvals that showed them (``approval.end_by_leaving_undone``, s38: they counted
        again with nothing said); returns how many ended, as (photos, videos) (s39: said as
        what ended; (0, 0) when none, or nothing changed)."""
        who = self.access.require("register.edit")
        p = self.person(person_id)
        new = day.isoformat() if day else None
        old = p.leaving_date.isoformat() if p.leaving_date else None
        if new == old:
            return (0, 0)
        from photovet.core.approval import end_by_leaving_undone, media_ended  # noqa: PLC0415

        ended: list[Any] = []
        with self.db.atomic():
            self.db.execute("UPDATE people SET leaving_date = ?, leaving_date_source = ?, "
                            "updated_at = ? WHERE id = ?",
                            [new, f"user:{who.name}" if new else None, _now_iso(), p.id])
            self.audit.record("register.leaving-date", {"person_id": p.id, "old": old,
                                                        "new": new})
            end_by_leaving_undone(self.db, self.audit, p.id, p.leaving_date, day,
                                  register=self, ended=ended)
        return media_ended(ended)

    def they_are_back(self, person_id: str, *, ended: list[Any] | None = None
                      ) -> _dt.date | None:
        """"They are back": a person with a leaving date who has not left after all (a pupil
        who returned, a date entered by mistake). The leaving date is cleared, audited
        ("register.back", with the date and where it came from), and from then their consent
        decides again. Returns the date cleared, or None when they had none (nothing
        changes). A date a register file gave comes back with the next import of a file that
        still has it: change it in the MIS too. A date that had taken effect ends the
        approvals that showed them (``approval.end_by_leaving_undone``, s38); ``ended``, when
        given, gets them (``approval.media_ended`` counts them: the app and ``photovet register
        back`` say how many, s40)."""
        self.access.require("register.edit")
        from photovet.core.approval import end_by_leaving_undone  # noqa: PLC0415

        with self.db.atomic():
            p = self.person(person_id)
            if p.leaving_date is None:
                return None
            self.db.execute("UPDATE people SET leaving_date = NULL, leaving_date_source = NULL, "
                            "updated_at = ? WHERE id = ?", [_now_iso(), p.id])
            self.audit.record("register.back", {
                "person_id": p.id, "leaving_date": p.leaving_date.isoformat(),
                "entered": "here" if p.leaving_date_by_hand else "file"})
            end_by_leaving_undone(self.db, self.audit, p.id, p.leaving_date, None,
                                  register=self, ended=ended)
        return p.leaving_date

    def brought_back(self, person_id: str) -> str | None:
        """When someone last chose "They are back" for ``person_id`` (UTC ISO, from the audit
        log), or None: the person page says so rather than ask again whether they left."""
        return self.all_brought_back().get(person_id)

    def all_brought_back(self) -> dict[str, str]:
        """Person id -> when "They are back" was last chosen for them (``brought_back``)."""
        last: dict[str, str] = {}
        for when, details in self.db.all("SELECT time, details FROM audit_log WHERE action = ? "
                                         "ORDER BY id", ["register.back"]):
            try:
                pid = json.loads(details).get("person_id")
            except (ValueError, AttributeError):
                continue
            if pid:
                last[str(pid)] = when
        return last

    def set_leaving_dates(self, person_ids: Iterable[str], day: _dt.date) -> None:
        """One leaving date for several people at once (audit s28: last July's Year 6, all
        absent from September's MIS file), in one transaction: all of them, or none."""
        with self.db.atomic():
            for pid in person_ids:
                self.set_leaving_date(pid, day)

    def delete_person(self, person_id: str, *, reason: str) -> None:
        """Remove a person from the register: their details, consent, consent history and face
        signatures (export records keep the id only, so a take-down or subject access request
        can still be answered). Audited with the reason. The freed space is zeroed."""
        self.delete_people([(person_id, reason)])

    def delete_people(self, people: Iterable[tuple[str, str]], *,
                      known: Mapping[str, Mapping[str, str]] | None = None,
                      by_retention: bool = False) -> None:
        """``delete_person`` for each (register id, reason), in one transaction: all of them or
        none (the retention schedule's leavers: what named them is forgotten in one pass over
        the stored texts, s34). Every reason is checked before anything is deleted; one audit
        row each. ``known``: ``exports.forget_names``. ``by_retention``: the retention
        schedule removes its leavers (the forgotten list keeps that: an MIS file still listing
        them as leavers is one line of the import's preview, not a row each, s36)."""
        self.access.require("register.remove")
        from photovet.core import free_text  # noqa: PLC0415

        asked: list[tuple[Person, str]] = []
        refused: dict[str, str | None] = {}      # a reason given for many: checked once
        for person_id, reason in dict(people).items():
            if not reason or not reason.strip():
                raise RegisterError("say why this person is removed from the register")
            p = self.person(person_id)
            named = _names_in(reason, p)
            if named:
                raise RegisterError(
                    f"say why without their name ('{named}'): the reason is kept in the audit "
                    "log for good, after everything else about them is deleted",
                    hint="For example: 'left the school in July 2026' or 'the family asked for "
                         "their data to be erased'.")
            if reason not in refused:
                refused[reason] = free_text.check(self.db, reason)     # nor another pupil's
            if refused[reason]:
                raise RegisterError(str(refused[reason]))
            asked.append((p, reason))
        if not asked:
            return
        from photovet.core.approval import end_by_withdrawal  # noqa: PLC0415
        from photovet.core.records.exports import (  # noqa: PLC0415
            forget_names,
            full_names,
        )
        from photovet.core.records.takedown import forget_person_reasons  # noqa: PLC0415
        from photovet.core.register import forgotten  # noqa: PLC0415

        with self.db.atomic():
            # the approvals that showed them end: added again later, they do not come back
            # with them (s36; as a withdrawal: every channel, as the do-not-photograph list)
            now = _now_iso()
            end_by_withdrawal(self.db, self.audit, [
                ConsentChange(p.id, DO_NOT_PHOTOGRAPH, NO, YES, now, "removed", media="any")
                for p, _r in asked], removed=True, register=self)
            done: list[tuple[Person, str, int, list[int]]] = []
            for p, reason in asked:
                n_sig = self.db.execute("DELETE FROM encodings WHERE person_id = ?",
                                        [p.id]).rowcount
                self.db.execute("DELETE FROM consents WHERE person_id = ?", [p.id])
                self.db.execute("DELETE FROM consent_history WHERE person_id = ?", [p.id])
                self.db.execute("DELETE FROM former_names WHERE person_id = ?", [p.id])
                self.db.execute("DELETE FROM people WHERE id = ?", [p.id])
                # the take-down list's reasons about them named them or the parent who asked
                done.append((p, reason, n_sig, forget_person_reasons(self.db, p.id)))
            # and the captions recorded with an export or a post said their name
            captions = forget_names(self.db, [(p.id, full_names(p), p) for p, _r in asked],
                                    audit=self.audit, known=known)
            # and the other people's notes and family ids from the MIS said their name: kept
            # out, now and at every later import, by the forgotten list (s35)
            others = forgotten.forget(self.db, self.keys, [p for p, _r in asked],
                                      self._people_rows("WHERE notes != '' OR family != ''"),
                                      by=forgotten.BY_RETENTION if by_retention
                                      else forgotten.BY_PERSON)
            for p, reason, n_sig, items in done:
                self.audit.record("register.person-removed", {
                    "person_id": p.id, "reason": reason.strip(), "signatures_deleted": n_sig,
                    **({"takedown_reasons_cleared": items} if items else {}),
                    **({"captions_cleared": captions[p.id]} if captions[p.id] else {}),
                    **({"other_rows_cleared": others} if others else {})})
            self._scrub_after_commit()

    # -- enrolment ----------------------------------------------------------------------------

    def store_signatures(self, encs: dict[str, list[tuple[np.ndarray, str]]], *, replace: bool,
                         source: str, errors: int = 0, model: str = "dlib-128") -> None:
        """Store face signatures, encrypted with the register's key (audited)."""
        self.access.require("register.enrol")
        now = _now_iso()
        rows = {pid: signatures.rows_for(self.keys, pid, model, items, now)
                for pid, items in encs.items()}
        with self.db.atomic():
            for pid, items in rows.items():
                if replace:
                    self.db.execute("DELETE FROM encodings WHERE person_id = ?", [pid])
                self.db.executemany(
                    "INSERT INTO encodings (person_id, encoding, dims, photo_name, created_at, "
                    "model, key_id) VALUES (?, ?, ?, ?, ?, ?, ?)", items)
            self.audit.record("register.enrol", {
                "source": source, "people": {pid: len(v) for pid, v in encs.items()},
                "replaced": replace, "errors": errors, "model": model})
            if replace:
                self._scrub_after_commit()

    def _scrub_after_commit(self) -> None:
        """Once deleted signatures are committed, zero what the file still holds of them."""
        scrub = getattr(self.db, "scrub", None)
        if scrub is not None:
            self.db.on_commit(scrub)

    def enrol_photo(self, person_id: str, photo_path: str | Path, engine: Any, *,
                    replace: bool = True) -> int:
        """Enrol one photo; returns how many signatures the person now has."""
        self.access.require("register.enrol")
        path = Path(photo_path)
        from photovet.core.register import enrolment  # noqa: PLC0415 (numpy, PIL)

        p = enrolment.enrollable(self, person_id, _dt.date.today())
        enc = enrolment.encode_portrait(p, path, engine,
                                        max_pixels=self.settings.performance.max_pixels)
        self.store_signatures({p.id: [(enc, path.name)]}, replace=replace,
                              source=str(path.name), model=getattr(engine, "signature_model", "dlib-128"))
        return self.enrolment_count(p.id)

    def enrol_folder(self, folder: str | Path, engine: Any, *,
                     progress: Callable[[int, int, str], None] | None = None,
                     only_old: bool = False) -> EnrolReport:
        """Enrol every ``<id>.jpg`` (also ``<id>_2.jpg``, ``<id> (2).jpg``) in a folder.
        ``only_old``: only people whose signatures are all of an older face model than
        ``engine``'s (enrolling everyone again from the MIS photo folder is one action either
        way; this leaves people enrolled since from better photos alone)."""
        self.access.require("register.enrol")
        folder = Path(folder)
        report = EnrolReport()
        from photovet.core.register import enrolment  # noqa: PLC0415

        items = enrolment.folder_items(self, folder, report)
        if only_old:
            old = set(self.signature_status(getattr(engine, "signature_model", "")).old_ids)
            report.ignored.extend(p.name for pid, p in items if pid not in old)
            items = [(pid, p) for pid, p in items if pid in old]
        return enrolment.enrol_items(self, items, engine, f"folder:{folder.name}",
                                     progress=progress, report=report,
                                     max_pixels=self.settings.performance.max_pixels)

    def enrol_csv(self, csv_path: str | Path, engine: Any, *,
                  progress: Callable[[int, int, str], None] | None = None) -> EnrolReport:
        """Enrol from a CSV of id -> photo path (paths relative to the CSV's folder)."""
        self.access.require("register.enrol")
        path = Path(csv_path)
        report = EnrolReport()
        from photovet.core.register import enrolment  # noqa: PLC0415

        items = enrolment.csv_items(path, report)
        return enrolment.enrol_items(self, items, engine, f"csv:{path.name}",
                                     progress=progress, report=report,
                                     max_pixels=self.settings.performance.max_pixels)

    # -- retention ----------------------------------------------------------------------------

    def _purge(self, ids: list[str], action: str, details: dict[str, Any]) -> list[str]:
        if not ids:
            return []
        with self.db.atomic():
            n = 0
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                q = ",".join("?" * len(chunk))
                n += self.db.execute(f"DELETE FROM encodings WHERE person_id IN ({q})",
                                     chunk).rowcount
            self.audit.record(action, dict(details, people=ids, signatures=n))
            self._scrub_after_commit()
        return ids

    def purge_leavers(self, today: _dt.date | None = None, days: int | None = None, *,
                      _reason: str = "") -> list[str]:
        """Delete the face signatures of people ``days`` after their leaving date. Audited."""
        self.access.require("register.import" if _reason else "register.retention")
        today = today or _dt.date.today()
        if days is None:
            days = self.settings.retention.purge_encodings_days_after_leaving
        cutoff = (today - _dt.timedelta(days=max(0, days))).isoformat()
        ids = [r[0] for r in self.db.all(
            "SELECT DISTINCT p.id FROM people p JOIN encodings e ON e.person_id = p.id "
            "WHERE p.leaving_date IS NOT NULL AND p.leaving_date <= ? ORDER BY p.id", [cutoff])]
        return self._purge(ids, "register.purge-encodings", {
            "why": "left school", "days_after_leaving": days, "import_id": _reason or None})

    def purge_missing(self, today: _dt.date | None = None, days: int | None = None, *,
                      _reason: str = "") -> list[str]:
        """Delete the face signatures of people no longer in the MIS file for ``days``
        (a rejected row is not "missing": the school is fixing it). Audited."""
        self.access.require("register.import" if _reason else "register.retention")
        today = today or _dt.date.today()
        if days is None:
            days = self.settings.retention.purge_encodings_days_after_missing
        cutoff = (today - _dt.timedelta(days=max(0, days))).isoformat()
        ids = [r[0] for r in self.db.all(
            "SELECT DISTINCT p.id FROM people p JOIN encodings e ON e.person_id = p.id "
            "WHERE p.missing_since IS NOT NULL AND p.missing_since <= ? ORDER BY p.id", [cutoff])]
        return self._purge(ids, "register.purge-encodings", {
            "why": "no longer in the MIS file", "days_after_missing": days,
            "import_id": _reason or None})


__all__ = ["Register", "SPECIAL_FIELDS", "to_state"]
