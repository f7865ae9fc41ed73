"""A person's page: who they are, what stops them being published, their consent per channel
(editable, with confirmation, through ``Register.set_consent`` which audits every change), the
consent history, enrolment, and the exports that show them (when records exist).
"""

from __future__ import annotations

import datetime as _dt
import getpass
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import Person, channel_label

from .register_view import close_register, default_opener, role_label

SPECIAL = {"name_with_photo": "Name with photo", "do_not_photograph": "Do not photograph"}


def label_for(channel: str) -> str:
    return SPECIAL.get(channel) or channel_label(channel)


def _get(obj: Any, *names: str, default: Any = "") -> Any:
    for n in names:
        if isinstance(obj, dict) and n in obj:
            return obj[n]
        if hasattr(obj, n):
            return getattr(obj, n)
    return default


def _source_text(source: str) -> str:
    if source.startswith("import:"):
        return "Register import"
    if source.startswith("user:"):
        return f"{source[5:]} (changed by hand)"
    return source


def _yn(v: Any) -> str:
    if v is None or v == "":
        return "\u2014"
    if isinstance(v, str):
        return {"yes": "Yes", "no": "No"}.get(v, v)
    return "Yes" if v else "No"


def _when(v: Any) -> str:
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v.isoformat(sep=" ", timespec="minutes") if isinstance(v, _dt.datetime) else v.isoformat()
    s = str(v or "")
    if len(s) >= 16 and s[10] == "T":
        try:  # stored in UTC: show the PC's local time
            t = _dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
            if t.tzinfo is not None:
                t = t.astimezone()
            return t.strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return s.replace("T", " ")[:16]
    return s


class PersonDialog(QDialog):
    """One person's page. ``consent_changed`` is emitted after an audited consent change."""

    consent_changed = Signal()

    def __init__(self, person_id: str, register_opener: Callable[[], Any] | None = None,
                 parent=None, user: str | None = None):
        super().__init__(parent)
        self.person_id = person_id
        self.register_opener = register_opener or default_opener
        self.user = user or _os_user()
        self.person: Person | None = None
        self.states: dict[str, str] = {}
        self.invalid_reason = ""
        self.checks: dict[str, QCheckBox] = {}
        self.setWindowTitle("Person")

        self.name_label = QLabel()
        f = self.name_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        self.name_label.setFont(f)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("personBanner")
        self.details = QFormLayout()
        details_box = QGroupBox("Details")
        details_box.setLayout(self.details)

        self.consent_box = QGroupBox("Consent")
        self.consent_grid = QGridLayout(self.consent_box)
        self.consent_note = QLabel(
            "Tick or untick to change consent or do not photograph. Each change asks you to confirm and is recorded "
            "in the audit log with your name. The next register import from your MIS will "
            "replace it again, so change it in the MIS too.")
        self.consent_note.setWordWrap(True)

        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(["When", "What", "Change", "By"])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setAccessibleName("Consent history")
        self.history_empty = QLabel("No consent changes recorded yet.")
        hist_box = QGroupBox("Consent history")
        hl = QVBoxLayout(hist_box)
        hl.addWidget(self.history_empty)
        hl.addWidget(self.history)

        self.exports_box = QGroupBox("Exported photos this person appears in")
        self.exports = QTableWidget(0, 5)
        self.exports.setHorizontalHeaderLabels(["Exported", "Channel", "Photo", "In the photo", "Posted"])
        self.exports.verticalHeader().setVisible(False)
        self.exports.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.exports.horizontalHeader().setStretchLastSection(True)
        self.exports_empty = QLabel("")
        el = QVBoxLayout(self.exports_box)
        el.addWidget(self.exports_empty)
        el.addWidget(self.exports)

        left = QVBoxLayout()
        left.addWidget(details_box)
        left.addWidget(self.consent_box)
        left.addWidget(self.consent_note)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(hist_box, 2)
        right.addWidget(self.exports_box, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.name_label)
        lay.addWidget(self.banner)
        lay.addLayout(body, 1)
        lay.addWidget(buttons)
        self.resize(920, 680)
        self.reload()

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        reg = self.register_opener()
        try:
            self.person = reg.person(self.person_id)
            channels = list(reg.channels()) if hasattr(reg, "channels") else []
            history = list(reg.history(self.person_id)) if hasattr(reg, "history") else []
            enrol_count = self._enrolment_count(reg)
            states = reg.consent_states(self.person_id) if hasattr(reg, "consent_states") else {}
            reason = reg.invalid_reason(self.person_id) if hasattr(reg, "invalid_reason") else ""
            exports = self._exports(reg)
        finally:
            close_register(reg)
        self.states, self.invalid_reason = states, reason
        self._show(self.person, channels, history, enrol_count, exports)

    def _enrolment_count(self, reg: Any) -> int | None:
        for name in ("enrolment_count", "encoding_count", "enrolments"):
            fn = getattr(reg, name, None)
            if callable(fn):
                try:
                    v = fn(self.person_id)
                except Exception:
                    continue
                return len(v) if isinstance(v, (list, tuple)) else int(v)
        return None

    def _exports(self, reg: Any) -> list | None:
        try:
            from photovet.core.records.exports import Records
        except ImportError:
            return None
        try:
            return list(Records(reg.db).exports(person=self.person_id))
        except Exception:
            return None

    # -- showing ---------------------------------------------------------------------------
    def _show(self, p: Person, channels: list[str], history: list, enrol_count: int | None,
              exports: list | None) -> None:
        self.setWindowTitle(f"{p.display_name} - PhotoVet")
        self.name_label.setText(p.display_name)
        today = _dt.date.today()
        banners = []
        if p.do_not_photograph:
            banners.append("<b>Do not photograph.</b> This person's face is always covered, on every "
                           "channel, whatever the consent below says.")
        if not p.valid:
            banners.append("<b>Register row rejected.</b> The last import found a problem with this "
                           "person's row" + (f" ({self.invalid_reason})" if self.invalid_reason else "")
                           + ", so they are always covered until it is fixed in the MIS and imported again.")
        if p.has_left(today):
            banners.append(f"<b>Left school on {p.leaving_date.isoformat()}.</b> Always covered.")
        if not p.enrolled:
            banners.append("<b>No face photo enrolled.</b> PhotoVet cannot recognise this person, "
                           "so their face is always covered.")
        self.banner.setText("<br>".join(banners))
        self.banner.setVisible(bool(banners))
        serious = p.do_not_photograph or not p.valid
        self.banner.setStyleSheet(
            "padding: 8px; border-radius: 4px; "
            + ("background: #fde2e1; color: #5c1010;" if serious else "background: #fff1cc; color: #5c4300;"))

        while self.details.rowCount():
            self.details.removeRow(0)

        def add(label: str, value: str) -> None:
            v = QLabel(value or "-")
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.setWordWrap(True)
            self.details.addRow(label + ":", v)

        add("UPN / staff code", p.id)
        legal = f"{p.legal_forename} {p.legal_surname}".strip()
        add("Legal name", legal)
        if p.preferred_forename or p.preferred_surname:
            add("Preferred name", f"{p.preferred_forename or p.legal_forename} {p.preferred_surname or p.legal_surname}".strip())
        add("Role", role_label(p.role))
        if p.role == "pupil" or p.year_group:
            add("Year group", p.year_group)
            add("Class", p.reg_group)
        if p.date_of_birth:
            add("Date of birth", p.date_of_birth.isoformat())
        add("Leaving date", p.leaving_date.isoformat() if p.leaving_date else "")
        if enrol_count is not None:
            add("Face photos enrolled", str(enrol_count))
        else:
            add("Face photo enrolled", "Yes" if p.enrolled else "No")
        if p.notes:
            add("Notes", p.notes)

        # consent checkboxes
        while self.consent_grid.count():
            item = self.consent_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.checks.clear()
        keys = list(channels or p.consents.keys()) + ["name_with_photo", "do_not_photograph"]
        for i, ch in enumerate(keys):
            if ch == "do_not_photograph":
                value = p.do_not_photograph
            else:
                value = p.name_with_photo if ch == "name_with_photo" else bool(p.consents.get(ch, False))
            box = QCheckBox(label_for(ch))
            box.setChecked(value)
            box.setAccessibleName(f"Consent for {label_for(ch)}")
            box.toggled.connect(lambda on, ch=ch, box=box: self._toggled(ch, on, box))
            state = QLabel()
            state.setObjectName(f"state_{ch}")
            self._set_state(state, value, self.states.get(ch) == "not recorded",
                            dnp=ch == "do_not_photograph")
            box.setProperty("state_label", state)
            self.consent_grid.addWidget(box, i, 0)
            self.consent_grid.addWidget(state, i, 1)
            self.checks[ch] = box

        # history
        self.history.setRowCount(len(history))
        for r, h in enumerate(history):
            ch = str(_get(h, "channel", "field", default=""))
            old = _get(h, "old_state", "old", default=None)
            new = _get(h, "new_state", "new", default=None)
            by = _source_text(str(_get(h, "source", "by", "user", default="") or ""))
            vals = [_when(_get(h, "at", "time", "when", "timestamp", default="")), label_for(ch) if ch else "",
                    f"{_yn(old)} \u2192 {_yn(new)}", str(by or "")]
            for c, v in enumerate(vals):
                self.history.setItem(r, c, QTableWidgetItem(v))
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history_empty.setVisible(not history)
        self.history.setVisible(bool(history))

        # exports (after-posting records, when that part of PhotoVet is present)
        if exports is None:
            self.exports_box.hide()
        else:
            self.exports_box.show()
            self.exports.setRowCount(len(exports))
            for r, e in enumerate(exports):
                roles = e.roles(self.person_id) if hasattr(e, "roles") else []
                posts = getattr(e, "posts", []) or []
                posted = ", ".join(sorted({getattr(x, "posted_on", "") for x in posts} - {""}))
                out = str(_get(e, "output_path", "output", "path", default=""))
                vals = [_when(_get(e, "created_at", "at", default="")),
                        channel_label(str(_get(e, "channel", default=""))),
                        out.replace("\\", "/").rsplit("/", 1)[-1],
                        ", ".join(roles).capitalize() if roles else "",
                        f"Posted {posted}" if posted else "Not marked as posted"]
                for c, v in enumerate(vals):
                    item = QTableWidgetItem(v)
                    if c == 2:
                        item.setToolTip(out)
                    self.exports.setItem(r, c, item)
            self.exports.resizeColumnsToContents()
            self.exports.horizontalHeader().setStretchLastSection(True)
            self.exports_empty.setText("No exported photo shows this person." if not exports else "")
            self.exports_empty.setVisible(not exports)
            self.exports.setVisible(bool(exports))

    @staticmethod
    def _set_state(label: QLabel, value: bool, not_recorded: bool = False, dnp: bool = False) -> None:
        if dnp:
            label.setText("YES: never publish" if value else "No")
            label.setStyleSheet("color: #8a1c1c; font-weight: bold;" if value else "")
            return
        label.setText("\u2713 Yes" if value else ("\u2717 No (not recorded)" if not_recorded else "\u2717 No"))
        label.setStyleSheet("color: #1b6e20;" if value else "color: #8a1c1c;")

    # -- editing ---------------------------------------------------------------------------
    def confirm(self, channel: str, value: bool) -> bool:
        """Ask before changing consent (tests replace this)."""
        p = self.person
        old = "Yes" if not value else "No"
        extra = ""
        if channel == "do_not_photograph":
            if value:
                extra = ("\n\nTheir face will be covered on every channel, whatever their consent.")
            else:
                extra = ("\n\nOnly do this if the school's safeguarding lead has agreed: their face "
                         "may then be shown where they have consent.")
        elif not value:
            extra = ("\n\nPhotos already posted that show them on this channel may need taking "
                     "down: check their published photos.")
        if channel == "do_not_photograph":
            question = (f"{'Put' if value else 'Take'} {p.display_name} ({p.id}) "
                        f"{'on' if value else 'off'} the do-not-photograph list?")
        else:
            question = (f"Change consent for {label_for(channel)} for {p.display_name} ({p.id}) "
                        f"from {old} to {'Yes' if value else 'No'}?")
        answer = QMessageBox.question(
            self, "Change consent?",
            f"{question}\n\nThis is recorded in the audit log as changed by {self.user}.{extra}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _toggled(self, channel: str, value: bool, box: QCheckBox) -> None:
        if not self.confirm(channel, value):
            box.blockSignals(True)
            box.setChecked(not value)
            box.blockSignals(False)
            return
        reg = self.register_opener()
        try:
            if channel == "do_not_photograph":
                reg.set_do_not_photograph(self.person_id, value, user=self.user)
            else:
                reg.set_consent(self.person_id, channel, value, user=self.user)
        except Exception as exc:
            box.blockSignals(True)
            box.setChecked(not value)
            box.blockSignals(False)
            msg = exc.full() if hasattr(exc, "full") else str(exc)
            QMessageBox.critical(self, "Consent not changed", f"The change was not saved.\n{msg}")
            return
        finally:
            close_register(reg)
        self.reload()
        self.consent_changed.emit()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
