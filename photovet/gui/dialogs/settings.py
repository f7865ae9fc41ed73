"""Settings: the school's (stored in the register, shared by every PC, audited: approval, how
faces are decided and covered, names in photos; keeping data is on School rules, Keeping data)
and this PC's; and the channels the school posts to (adding one makes it work everywhere at
once), each with the size and JPEG quality of the photos published there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from photovet.core import settings as core_settings
from photovet.core import words as core_words
from photovet.core.channels import NAMES_RULE_LABELS
from photovet.core.errors import PhotoVetError, SettingsConflict
from photovet.core.models import Channel
from photovet.core.settings import (
    RECOGNITION_PRESETS,
    SCHOOL_SECTIONS,
    Settings,
    recognition_preset,
)

from .. import style
from ..words import error_text, esc
from .common import fit_resize, ok_cancel
from .school_rules import (
    DELETE_WHEN,
    RETENTION_FIELDS,
    SchoolRulesPage,
    channel_voids_news,
    confirm_voids,
)

# the words for the core's recognition presets (settings.RECOGNITION_PRESETS: the numbers):
# the name in the list, and what it means under it
STRICTNESS = {
    "strict": ("Strict", "Shows a face only on a very close match: more faces are covered."),
    "standard": ("Standard (recommended)", "Anyone PhotoVet is not sure about is covered."),
    "relaxed": ("Relaxed", "Shows more pupils with consent in clear, well-lit photos."),
}
#: what a channel's size and quality mean, where a channel is added or changed
SIZE_HINT = ("The published photo is made at most this many pixels on its longest side "
             "(2048 is sharp on a website or social media, and small to upload). Full size "
             "keeps every pixel the camera took: a large file.")
QUALITY_HINT = ("The published photo's JPEG quality, out of 100: higher is sharper and a "
                "larger file (88 looks like the original).")


#: the same, under the list of channels
CHANNEL_TABLE_HINT = ("Published photo size: PhotoVet makes the photo it publishes at most this "
                      "many pixels on its longest side (2048 is sharp on a website or social "
                      "media, and small to upload). Published photo quality: that photo's JPEG "
                      "quality, out of 100 (higher is sharper and a larger file; 88 looks like "
                      "the original). Change\u2026 sets them for a channel.")


def size_words(long_edge: int | None) -> str:
    """A channel's published size: '2048 pixels (longest side)', or 'Full size'."""
    return f"{long_edge} pixels (longest side)" if long_edge else "Full size"


def quality_words(quality: int) -> str:
    """A channel's JPEG quality: '88 of 100'."""
    return f"{quality} of 100"
COVER_STYLES = (("solid", "A solid shape (recommended)"),
                ("pixelate", "Coarse blocks (too coarse to recognise anyone)"))
MODES = (("consent", "Show pupils who have consent for the channel"),
         ("no-identifiable-children",
          "Cover every pupil, whatever the consent (staff by their consent)"))


class ChannelDialog(QDialog):
    """Add or change a channel. ``submit(values)`` (adding): stores them when OK is pressed,
    saying why not when the core refuses (False), and the dialog then stays open with what
    was typed (s51 walk: "There is already a channel called 'facebook'" closed it, the name
    and every choice lost). A change refused is not kept open: the refusal may be another
    PC's change to that channel, which the dialog opened again shows."""

    def __init__(self, channel: Channel | None = None, parent=None,
                 submit: Callable[[dict], bool] | None = None):
        super().__init__(parent)
        self._submit = submit
        self.setWindowTitle("Change a channel" if channel else "Add a channel")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.label = QLineEdit(channel.label if channel else "")
        self.label.setPlaceholderText("For example: School prospectus")
        form.addRow("&Name:", self.label)
        self.names = QComboBox()
        for key, text in NAMES_RULE_LABELS.items():
            self.names.addItem(text, key)
        self.names.setCurrentIndex(max(0, self.names.findData(channel.names if channel
                                                              else "initials")))
        form.addRow("Names with photos:", self.names)
        form.addRow("", style.hint("How much of a name may appear with a photo when the "
                                    "family consented to names."))
        # full size is a choice of its own (long_edge None): the spin box alone showed 2048
        # for a full-size channel, and saving any other field made it 2048
        full = channel is not None and not channel.long_edge
        self.full_size = QRadioButton("Full size (as the photo was taken)")
        self.limited = QRadioButton("At most")
        self.size = QSpinBox()
        self.size.setRange(320, 12000)
        self.size.setSingleStep(100)
        self.size.setSuffix(" pixels on the longest side")
        self.size.setValue((channel.long_edge or 2048) if channel else 2048)
        (self.full_size if full else self.limited).setChecked(True)
        self.size.setEnabled(not full)
        self.limited.toggled.connect(self.size.setEnabled)
        sizes = QVBoxLayout()
        at_most = QHBoxLayout()
        at_most.addWidget(self.limited)
        at_most.addWidget(self.size)
        at_most.addStretch(1)
        sizes.addLayout(at_most)
        sizes.addWidget(self.full_size)
        form.addRow("Published photo size:", sizes)
        form.addRow("", style.hint(SIZE_HINT))
        self.quality = QSpinBox()
        self.quality.setRange(50, 95)
        self.quality.setSuffix(" of 100")
        self.quality.setValue(channel.quality if channel else 88)
        form.addRow("Published photo quality:", self.quality)
        form.addRow("", style.hint(QUALITY_HINT))
        self.no_children = QCheckBox("No identifiable children on this channel (every pupil is "
                                     "covered)")
        self.no_children.setChecked(bool(channel and channel.fixed_mode))
        form.addRow("", self.no_children)
        lay.addLayout(form)
        lay.addWidget(ok_cancel(self))

    def accept(self) -> None:
        if self._submit is not None and not self._submit(self.values()):
            self.label.setFocus()
            return
        super().accept()

    def values(self) -> dict:
        return {"label": self.label.text().strip(), "names": self.names.currentData(),
                "long_edge": None if self.full_size.isChecked() else self.size.value(),
                "quality": self.quality.value(),
                "fixed_mode": "no-identifiable-children" if self.no_children.isChecked() else None}


class SettingsDialog(QDialog):
    """``saved`` after the settings were stored; ``channels_changed`` after a channel changed."""

    saved = Signal()
    channels_changed = Signal()
    pictures_changed = Signal()     # the school's crest or logo pictures (stored at once)

    def __init__(self, ctx, *, tab: str = "school", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.change = None          # what the save changed (core SettingsChange), once saved
        self.setWindowTitle("Settings")
        self.setObjectName("SettingsDialog")
        fit_resize(self, 860, 640)
        s = ctx.ws.settings
        # the settings this window's values start from: a save stores only what was changed
        # here (another PC may change another setting while this window is open), and one
        # changed there too since is refused by the core (SettingsConflict)
        self.base = s.copy()
        self.analysis_key_before = s.analysis_key()
        tabs = QTabWidget()

        # -- the school's settings ---------------------------------------------------------------
        school = QWidget()
        sl = QVBoxLayout(school)
        sl.addWidget(style.hint("These settings are the school's: they are kept in the register, "
                                 "so every PC uses them, and each change is recorded with your "
                                 "name."))
        ap = QGroupBox("Approval")
        al = QVBoxLayout(ap)
        self.approval = QCheckBox("A senior leader approves every photo before it is exported "
                                  "(recommended)")
        self.approval.setChecked(s.approval.required)
        al.addWidget(self.approval)
        al.addWidget(style.hint(core_words.APPROVAL_OFF_MEANS))
        sl.addWidget(ap)
        faces = QGroupBox("Faces")
        fl = QFormLayout(faces)
        self.mode = QComboBox()
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setCurrentIndex(max(0, self.mode.findData(s.mode)))
        fl.addRow("Usually:", self.mode)
        self.strictness = QComboBox()
        for name in RECOGNITION_PRESETS:
            label, text = STRICTNESS.get(name, (name.capitalize(), ""))
            self.strictness.addItem(label, name)
            self.strictness.setItemData(self.strictness.count() - 1, text,
                                        Qt.ItemDataRole.ToolTipRole)
        current = self.strictness.findData(recognition_preset(s.recognition))
        if current < 0:
            self.strictness.addItem("Custom", "")
            self.strictness.setItemData(self.strictness.count() - 1,
                                        "Set by whoever installed PhotoVet: kept as it is.",
                                        Qt.ItemDataRole.ToolTipRole)
            current = self.strictness.count() - 1
        self.strictness.setCurrentIndex(current)
        fl.addRow("Recognition:", self.strictness)
        # what the chosen setting means, under it (the list shows the names only)
        self.strictness_hint = style.hint("")
        fl.addRow("", self.strictness_hint)
        self.strictness.currentIndexChanged.connect(lambda *_: self._strictness_hint())
        self._strictness_hint()
        self.cover_style = QComboBox()
        for key, text in COVER_STYLES:
            self.cover_style.addItem(text, key)
        self.cover_style.setCurrentIndex(max(0, self.cover_style.findData(s.cover.style)))
        fl.addRow("Covered faces look like:", self.cover_style)
        sl.addWidget(faces)
        names = QGroupBox("Names in photos")
        nl = QVBoxLayout(names)
        self.text = QCheckBox("Read the text in every photo and cover pupils' and staff names "
                              "(recommended)")
        self.text.setChecked(s.text.enabled)
        nl.addWidget(self.text)
        # what turning it off means, said before it is saved (s62)
        nl.addWidget(style.hint(core_words.TEXT_OFF_MEANS))
        sl.addWidget(names)
        keep = QHBoxLayout()
        keep.addWidget(style.hint("How long photos, face data and records are kept: School rules, "
                                   "Keeping data."), 1)
        self.keeping_button = QPushButton("Keeping data\u2026")
        self.keeping_button.clicked.connect(lambda *_: self.show_keeping_data())
        keep.addWidget(self.keeping_button)
        sl.addLayout(keep)
        sl.addStretch(1)
        tabs.addTab(school, "School")

        # -- channels --------------------------------------------------------------------------
        chans = QWidget()
        cl = QVBoxLayout(chans)
        cl.addWidget(style.hint("Where the school posts. Consent is recorded per channel; a new "
                                 "channel starts with nobody's consent until the register says "
                                 "so."))
        self.channel_table = QTableWidget(0, 5)
        self.channel_table.setHorizontalHeaderLabels(["Channel", "Names with photos",
                                                      "Published photo size",
                                                      "Published photo quality", "Children"])
        self.channel_table.verticalHeader().setVisible(False)
        self.channel_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.channel_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.channel_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.channel_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.channel_table.horizontalHeader().setStretchLastSection(True)
        self.channel_table.doubleClicked.connect(lambda *_: self.edit_channel())
        cl.addWidget(self.channel_table, 1)
        cl.addWidget(style.hint(CHANNEL_TABLE_HINT))
        row = QHBoxLayout()
        add = QPushButton("&Add a channel\u2026")
        add.clicked.connect(lambda *_: self.add_channel())
        edit = QPushButton("&Change\u2026")
        edit.clicked.connect(lambda *_: self.edit_channel())
        row.addWidget(add)
        row.addWidget(edit)
        row.addStretch(1)
        cl.addLayout(row)
        tabs.addTab(chans, "Channels")

        # -- this PC ----------------------------------------------------------------------------
        pc = QWidget()
        pl = QFormLayout(pc)
        self.cores = QSpinBox()
        self.cores.setSpecialValueText(automatic_cores_words())
        self.cores_hint = style.hint("")
        self.cores_hint.setObjectName("CoresHint")
        self.cores.valueChanged.connect(lambda *_: self._cores_hint())
        self._show_cores(s.performance.cores)
        pl.addRow("Processor cores for checking:", self.cores)
        pl.addRow("", self.cores_hint)
        pl.addRow("Data folder:", QLabel(str(ctx.ws.home)))
        tabs.addTab(pc, "This PC")
        # issue 18: retention, group shots, the school's identifiers, the approver's checklist
        self.rules = SchoolRulesPage(ctx)
        self.rules.channels_changed.connect(self.channels_changed)
        self.rules.pictures_changed.connect(self.pictures_changed)
        tabs.addTab(self.rules, "School rules")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        # after a save refused because the settings changed elsewhere: what happened, and the
        # person's own changes to make again (the widgets show the settings as they are now)
        self.conflict_note = QLabel("")
        self.conflict_note.setObjectName("SettingsConflictNote")
        self.conflict_note.setWordWrap(True)
        self.conflict_note.setTextFormat(Qt.TextFormat.RichText)
        self.conflict_note.setStyleSheet(style.BANNER_WARNING)
        self.conflict_note.linkActivated.connect(lambda *_: self.put_mine_back())
        self.conflict_note.hide()
        self._unsaved: tuple[Settings, Settings] | None = None
        lay.addWidget(self.conflict_note)
        lay.addWidget(tabs, 1)
        lay.addWidget(buttons)
        self.tabs = tabs
        self.tabs.setCurrentIndex({"school": 0, "channels": 1, "pc": 2,
                                   "rules": 3}.get(tab, 0))
        self._fill_channels()

    def show_keeping_data(self) -> None:
        """School rules, Keeping data: the one place for how long things are kept."""
        self.tabs.setCurrentWidget(self.rules)
        self.rules.tabs.setCurrentIndex(0)

    def _show_cores(self, cores: int) -> None:
        """The cores box up to this PC's cores (the ones PhotoVet may use: usable_cpus), or up
        to a larger number this PC's settings file already holds (set by hand or copied from
        another PC): shown as it is, with what it does, never lowered behind the person's
        back by Save."""
        self.cores.setRange(0, max(core_settings.usable_cpus(), cores))
        self.cores.setValue(cores)
        self._cores_hint()

    def _cores_hint(self) -> None:
        self.cores_hint.setText(cores_hint_words(self.cores.value(),
                                                 core_settings.usable_cpus()))

    def _strictness_hint(self) -> None:
        self.strictness_hint.setText(str(self.strictness.currentData(
            Qt.ItemDataRole.ToolTipRole) or ""))

    # -- channels -----------------------------------------------------------------------------

    def _fill_channels(self) -> None:
        chans = self.ctx.ws.channels.all()
        self.channel_table.setRowCount(len(chans))
        for r, c in enumerate(chans):
            vals = (c.label, NAMES_RULE_LABELS.get(c.names, c.names),
                    size_words(c.long_edge), quality_words(c.quality),
                    "Always covered" if c.fixed_mode else "By consent")
            for col, v in enumerate(vals):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.channel_table.setItem(r, col, item)

    def add_channel(self, values: dict | None = None) -> bool:
        if values is None:
            dlg = ChannelDialog(parent=self, submit=lambda v: self._add_channel(v, dlg))
            return bool(dlg.exec())
        return self._add_channel(values, self)

    def _add_channel(self, values: dict, parent) -> bool:
        try:
            self.ctx.ws.channels.add(values["label"], values["label"], long_edge=values["long_edge"],
                                     quality=values["quality"], names=values["names"],
                                     fixed_mode=values["fixed_mode"])
        except PhotoVetError as exc:
            self.ctx.fail(parent, "Channel not added", exc)
            return False
        self._fill_channels()
        self.channels_changed.emit()
        return True

    def edit_channel(self) -> None:
        row = self.channel_table.currentRow()
        if row < 0:
            return
        cid = self.channel_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        opened = self.ctx.ws.channels.get(cid)
        dlg = ChannelDialog(opened, parent=self)
        if not dlg.exec():
            return
        # only what the person changed: a rule another PC changed while the dialog was open
        # is not written back as it was (and one changed there too is refused by the core)
        values = {k: v for k, v in dlg.values().items() if getattr(opened, k) != v}
        if values:
            self.change_channel(cid, values, base=opened)

    def change_channel(self, cid: str, values: dict, base=None) -> bool:
        """Store a channel's new values, asking first when approvals on it would no longer
        count (the core's count: each approved photo decided again under the new rules).
        ``base``: the channel as the window showed it (ChannelRegistry.update(base=))."""
        try:
            change = self.ctx.ws.channel_change(cid, self.ctx.engine, **values)
        except PhotoVetError as exc:
            self.ctx.fail(self, "Channel not changed", exc)
            return False
        if change.voids and not self.confirm_voids(change, "Change the channel"):
            return False
        try:
            self.ctx.ws.channels.update(cid, base=base, **values)
        except PhotoVetError as exc:
            self.ctx.fail(self, "Channel not changed", exc)
            return False
        self._fill_channels()
        self.channels_changed.emit()
        channel_voids_news(self.ctx, change)
        return True

    # -- saving ---------------------------------------------------------------------------------

    def load(self, s: Settings) -> None:
        """Show ``s``'s values (the school's settings read again after a refused save)."""
        self.approval.setChecked(s.approval.required)
        self.mode.setCurrentIndex(max(0, self.mode.findData(s.mode)))
        current = self.strictness.findData(recognition_preset(s.recognition) or "")
        if current < 0:
            self.strictness.addItem("Custom", "")
            current = self.strictness.count() - 1
        self.strictness.setCurrentIndex(current)
        self.cover_style.setCurrentIndex(max(0, self.cover_style.findData(s.cover.style)))
        self.text.setChecked(s.text.enabled)
        self._show_cores(s.performance.cores)
        self.rules.load(s)

    def settings(self) -> Settings:
        new = self.base.copy()
        new.update(self.ctx.ws.settings.to_dict(tuple(
            k for k in self.ctx.ws.settings.to_dict() if k not in SCHOOL_SECTIONS)))
        preset = self.strictness.currentData()
        new.update({
            "mode": self.mode.currentData(),
            "approval": {"required": self.approval.isChecked()},
            "recognition": dict(RECOGNITION_PRESETS[preset]) if preset else {},
            "cover": {"style": self.cover_style.currentData()},
            "text": {"enabled": self.text.isChecked()},
            "performance": {"cores": self.cores.value()},
        })
        return self.rules.apply_to(new)

    def save(self) -> None:
        try:
            new = self.ctx.ws.merged_settings(self.settings(), self.base)
        except PhotoVetError as exc:
            QMessageBox.warning(self, "Settings not saved", error_text(exc))
            return
        if not new.approval.required and self.ctx.ws.settings.approval.required and \
                QMessageBox.warning(
                    self, "Turn off approval?",
                    "Photos will then be exported without a senior leader looking at them. Only "
                    "do this in a one-person office.",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        conflict = self.ctx.ws.settings_conflict(self.base, new)   # a setting I changed too
        if conflict is not None:      # changed elsewhere since this dialog read them
            self.refused(conflict, new)
            return
        try:   # the core says first what saving would cancel: asked only when it would
            change = self.ctx.ws.settings_change(new, self.ctx.engine)
        except PhotoVetError as exc:
            self.ctx.fail(self, "Settings not saved", exc)
            return
        if change.voids and not self.confirm_voids(change):
            return
        try:
            self.ctx.ws.save_settings(new, base=self.base)
        except SettingsConflict as exc:  # saved elsewhere while the question was open
            self.refused(exc, new)
            return
        except PhotoVetError as exc:
            self.ctx.fail(self, "Settings not saved", exc)
            return
        self.change = change
        self.saved.emit()
        self.accept()

    def confirm_voids(self, change, action: str = "Save") -> bool:
        """Asked before a save that voids approvals (school_rules.confirm_voids)."""
        return confirm_voids(self, change, action)

    def refused(self, conflict: SettingsConflict, mine: Settings) -> None:
        """The save was refused: the school's settings were changed elsewhere after this dialog
        read them. Says who changed what and when, and offers to show the settings as they are
        now, with the person's own changes listed to make again (nothing of theirs is lost
        from view, nothing of the other change is undone)."""
        edits = edit_lines(self.base, mine)
        box = QMessageBox(QMessageBox.Icon.Warning, "Settings changed elsewhere",
                          f"{conflict.summary}, on another computer or from the command "
                          "line, while you had Settings open. Your changes were not saved, "
                          "so that they do not undo it.\n\nShow the settings as they are now? "
                          "Your changes stay listed at the top of Settings, to make again.",
                          parent=self)
        load = box.addButton("Show the new settings", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(load)
        box.setEscapeButton(back)
        box.exec()
        if box.clickedButton() is not load:
            return
        self.reload(conflict, edits, mine)

    def reload(self, conflict: SettingsConflict, edits: list[str], mine: Settings) -> None:
        """Read the school's settings again (the window hears of the change as from another
        PC), show them, and list the person's changes that were not saved, with a link that
        puts them back into the dialog (to look at, then Save)."""
        self._unsaved = (self.base, mine)
        self.ctx.school_settings_reread(conflict.by)
        self.base = self.ctx.ws.settings.copy()
        self.analysis_key_before = self.base.analysis_key()
        self.load(self.base)
        items = "".join(f"<li>{esc(line)}</li>" for line in edits)
        self.conflict_note.setText(
            f"<b>Not saved.</b> {esc(conflict.summary)}, after you opened Settings. "
            "Settings now shows the school's settings as they are."
            + (f" Your changes, to make again if you still want them:<ul>{items}</ul>"
               "<a href='mine'>Put my changes back in</a> (then check them and Save)"
               if edits else ""))
        self.conflict_note.show()

    def put_mine_back(self) -> None:
        """The person's unsaved changes (only the values they changed) over the settings as
        they are now, shown in the dialog; nothing is saved until they Save."""
        if self._unsaved is None:
            return
        old, mine = self._unsaved
        merged = self.base.copy()
        merged.update(self.ctx.ws.settings.to_dict(tuple(
            k for k in self.ctx.ws.settings.to_dict() if k not in SCHOOL_SECTIONS)))
        a, b = old.to_dict(), mine.to_dict()
        for section, value in b.items():
            if not isinstance(value, dict):
                if value != a.get(section):
                    merged.update({section: value})
                continue
            changed = {k: v for k, v in value.items() if v != (a.get(section) or {}).get(k)}
            if changed:
                merged.update({section: changed})
        self.load(merged)
        self.conflict_note.setText(
            "<b>Your changes are back in</b>, over the settings as they are now: check them, "
            "then Save.")


def automatic_cores_words() -> str:
    """The cores setting's Automatic (0) as what the app does on this PC: the core's count
    (settings.automatic_cores), never a rule the PC does not follow ("All but one")."""
    usable = core_settings.usable_cpus()
    return core_words.automatic_cores(core_settings.automatic_cores(usable), usable)


def cores_words(cores: int) -> str:
    """The cores setting as the box shows it, for the list of changes: Automatic in words
    (what it uses on this PC), a number above this PC's cores with the PC's count, which is
    what it uses (``Performance.core_count``)."""
    if not cores:
        return automatic_cores_words()
    usable = core_settings.usable_cpus()
    return f"{cores} (this PC has {usable}: it uses {usable})" if cores > usable else str(cores)


def cores_hint_words(cores: int, usable: int) -> str:
    """Under the cores box: this PC's count, and what a number above it does: PhotoVet uses
    this PC's cores (``Performance.core_count``; s39: it checked that many photos at once on
    them, no faster and with more memory)."""
    has = core_words.count(usable, "processor core")
    if cores <= usable:
        return f"This PC has {has}."
    return (f"This PC has {has}, but {cores} is set here: PhotoVet uses {usable}, as many as "
            f"it has. Choose {usable} or fewer, or Automatic, then Save.")


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def edit_lines(old: Settings, new: Settings) -> list[str]:
    """The changes from ``old`` to ``new`` that this dialog makes, as the dialog labels them
    ('Covered faces look like: Coarse blocks (too coarse to recognise anyone)')."""
    out: list[str] = []
    if old.approval.required != new.approval.required:
        out.append(f"A senior leader approves every photo: {_on_off(new.approval.required)}")
    if old.mode != new.mode:
        out.append(f"Usually: {dict(MODES).get(new.mode, new.mode)}")
    if old.to_dict(("recognition",)) != new.to_dict(("recognition",)):
        preset = recognition_preset(new.recognition) or ""
        out.append(f"Recognition: {STRICTNESS.get(preset, ('Custom', ''))[0]}")
    if old.cover.style != new.cover.style:
        out.append(f"Covered faces look like: {dict(COVER_STYLES).get(new.cover.style)}")
    if old.text.enabled != new.text.enabled:
        out.append(f"Read the text in every photo: {_on_off(new.text.enabled)}")
    if old.performance.cores != new.performance.cores:
        out.append(f"Processor cores for checking: {cores_words(new.performance.cores)}")
    if old.retention.delete_originals_when != new.retention.delete_originals_when:
        out.append("Offer to delete a batch's originals: "
                   + dict(DELETE_WHEN).get(new.retention.delete_originals_when, ""))
    for name, label, _after in RETENTION_FIELDS:
        if getattr(old.retention, name) != getattr(new.retention, name):
            out.append(f"{label}: {getattr(new.retention, name)} days")
    if old.group.min_faces != new.group.min_faces:
        out.append(f"A group shot has at least: {new.group.min_faces} faces")
    if old.group.max_share != new.group.max_share:
        out.append(f"No pupil's face more than: {round(new.group.max_share * 100)} %")
    for name, label in (("names", "The school's names"), ("abbreviations", "Initials"),
                        ("address_words", "Address words and postcode")):
        if getattr(old.school, name) != getattr(new.school, name):
            out.append(f"{label}: " + ("; ".join(getattr(new.school, name)) or "(none)"))
    if old.checklist.checks != new.checklist.checks:
        out.append("Approver's checklist: " + ("; ".join(new.checklist.checks) or "(none)"))
    return out


__all__ = ["ChannelDialog", "SettingsDialog", "edit_lines"]
