"""The settings dialog: strictness presets, safe bound, channel presets, retention, approval."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from photovet.core.paths import settings_path
from photovet.core.settings import Settings
from photovet.gui.settings_dialog import (
    SAFE_MAX_DISTANCE,
    SAFE_MIN_MARGIN,
    STRICTNESS,
    SettingsDialog,
)


def saved() -> dict:
    return json.loads(settings_path().read_text(encoding="utf-8"))


def test_defaults_show_standard_and_save_round_trips(qtbot):
    dlg = SettingsDialog(Settings.load())
    qtbot.addWidget(dlg)
    assert STRICTNESS[dlg.strictness.value()][0] == "Standard"
    assert "Recommended" in dlg.strictness_text.text()
    dlg.strictness.setValue(0)  # Strict
    dlg.cover.setCurrentIndex(dlg.cover.findData("pixelate"))
    dlg.long_edge["facebook"].setValue(1200)
    dlg.quality["facebook"].setValue(80)
    dlg.purge_days.setValue(30)
    dlg.delete_originals.setCurrentIndex(dlg.delete_originals.findData("exported"))
    dlg.accept()
    data = saved()
    assert data["recognition"]["max_distance"] == STRICTNESS[0][1]
    assert data["recognition"]["min_margin"] == STRICTNESS[0][2]
    assert data["cover"]["style"] == "pixelate"
    assert data["channels"]["facebook"]["long_edge"] == 1200
    assert data["channels"]["facebook"]["quality"] == 80
    assert data["retention"]["purge_encodings_days_after_leaving"] == 30
    assert data["retention"]["delete_originals_when"] == "exported"
    # reading back through Settings gives the same values
    s = Settings.load()
    assert s.get("recognition.max_distance") == STRICTNESS[0][1]
    again = SettingsDialog(s)
    qtbot.addWidget(again)
    assert again.strictness.value() == 0


def test_looser_than_safe_values_are_tightened(qtbot):
    s = Settings.load()
    s.set("recognition.max_distance", 0.7)
    s.set("recognition.min_margin", 0.0)
    dlg = SettingsDialog(s)
    qtbot.addWidget(dlg)
    assert "safe limit" in dlg.strictness_text.text()
    vals = dlg.values()
    assert vals["recognition.max_distance"] == SAFE_MAX_DISTANCE
    assert vals["recognition.min_margin"] == SAFE_MIN_MARGIN
    # every preset is within the bound
    for _, d, m, _ in STRICTNESS:
        assert d <= SAFE_MAX_DISTANCE and m >= SAFE_MIN_MARGIN


def test_turning_approval_off_warns_and_asks(qtbot, monkeypatch):
    dlg = SettingsDialog(Settings.load())
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.approval_warning.isVisible() or dlg.tabs.currentIndex() != 3
    dlg.tabs.setCurrentIndex(3)
    dlg.approval.setChecked(False)
    assert dlg.approval_warning.isVisible()
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No)
    dlg.accept()
    assert asked, "turning approval off must ask for confirmation"
    assert not settings_path().exists(), "answering No must not save"
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dlg.accept()
    assert saved()["approval"]["required"] is False


def test_data_folder_is_shown_with_override_note(qtbot, photovet_home):
    dlg = SettingsDialog(Settings.load())
    qtbot.addWidget(dlg)
    assert dlg.data_folder.text() == str(photovet_home)
