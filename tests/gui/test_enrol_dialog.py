"""Enrolment dialog over a real Register with a fake face engine: runs in a worker thread,
shows progress, lists each unusable photo in plain English, and goes on with the rest."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photovet.core.register.people import Register
from photovet.gui.enrol_dialog import EnrolDialog

HEADER = ("UPN,Legal Surname,Legal Forename,Year Group,Reg Group,Consent: School Website,"
          "Consent: Facebook")
ROWS = ["A100000000001,Smith,Amelia,Year 3,3R,Yes,Yes", "B100000000002,Jones,Oliver,Year 4,4P,Yes,No"]


class FakeEngine:
    """Faces by colour: red = one face, blue = two faces, green = none."""

    def __init__(self):
        self.threads: set[str] = set()

    def portrait_encodings(self, image):
        self.threads.add(threading.current_thread().name)
        r, g, b = np.asarray(image.convert("RGB"))[0, 0]
        enc = np.full(128, 0.05) + r / 1e4
        n = 1 if r > 200 else 2 if b > 200 else 0
        return [((10 * i, 10, 40, 40), enc) for i in range(n)]


@pytest.fixture
def register(tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    with Register.open() as reg:
        reg.import_csv(csv, user="office")


def photo(path: Path, colour) -> Path:
    Image.new("RGB", (64, 64), colour).save(path)
    return path


def run(qtbot, dlg):
    dlg.start()
    qtbot.waitUntil(lambda: bool(dlg.report is not None or dlg.failure), timeout=10000)
    qtbot.waitUntil(lambda: not dlg.busy(), timeout=5000)


def test_folder_enrolment_with_problems_listed(qtbot, register, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    photo(folder / "A100000000001.jpg", (255, 0, 0))
    photo(folder / "B100000000002.jpg", (0, 0, 255))    # two faces
    photo(folder / "Z999999999999.jpg", (255, 0, 0))    # not in the register
    engine = FakeEngine()
    dlg = EnrolDialog(engine_loader=lambda: engine)
    qtbot.addWidget(dlg)
    dlg.set_source(folder)
    assert dlg.from_folder.isChecked() and dlg.start_button.isEnabled()
    with qtbot.waitSignal(dlg.enrolled, timeout=10000):
        run(qtbot, dlg)
    assert "MainThread" not in engine.threads, "enrolment must run off the GUI thread"
    items = [dlg.problems.item(i).text() for i in range(dlg.problems.count())]
    assert "B100000000002: 2 faces in the enrolment photo; use a single portrait (B100000000002.jpg)" in items
    assert any(i.startswith("Z999999999999: no one with this id") for i in items)
    assert "1 person enrolled" in dlg.status.text() and "2 photos could not be used" in dlg.status.text()
    assert dlg.progress.value() == dlg.progress.maximum() == 3
    with Register.open() as reg:
        assert reg.enrolment_count("A100000000001") == 1
        assert reg.enrolment_count("B100000000002") == 0


def test_csv_enrolment(qtbot, register, tmp_path):
    photo(tmp_path / "amelia.jpg", (255, 0, 0))
    photo(tmp_path / "oliver.jpg", (0, 255, 0))  # no face
    csv = tmp_path / "enrol.csv"
    csv.write_text("UPN,Photo\nA100000000001,amelia.jpg\nB100000000002,oliver.jpg\n", encoding="utf-8")
    dlg = EnrolDialog(engine_loader=FakeEngine)
    qtbot.addWidget(dlg)
    dlg.set_source(csv)
    assert dlg.from_csv.isChecked()
    run(qtbot, dlg)
    items = [dlg.problems.item(i).text() for i in range(dlg.problems.count())]
    assert items == ["B100000000002: no face found in the enrolment photo; use a clear, front-facing "
                     "portrait (oliver.jpg)"]
    with Register.open() as reg:
        assert reg.person("A100000000001").enrolled


def test_engine_failure_is_explained(qtbot, register, tmp_path):
    from photovet.core.errors import ModelError

    def broken():
        raise ModelError("the face model file is missing", hint="Reinstall PhotoVet.")

    dlg = EnrolDialog(engine_loader=broken)
    qtbot.addWidget(dlg)
    dlg.set_source(tmp_path)
    run(qtbot, dlg)
    assert "Nothing was enrolled" in dlg.status.text()
    assert "Reinstall PhotoVet." in dlg.status.text()
    assert dlg.buttons.isEnabled() and dlg.start_button.isEnabled()


def test_source_must_exist(qtbot, tmp_path):
    dlg = EnrolDialog(engine_loader=FakeEngine)
    qtbot.addWidget(dlg)
    assert not dlg.start_button.isEnabled()
    dlg.path_edit.setText(str(tmp_path / "missing"))
    assert dlg.status.text() == "No folder with that name."
    dlg.from_csv.setChecked(True)
    dlg.path_edit.setText(str(tmp_path))
    assert dlg.status.text() == "That is a folder: choose the CSV file."
    assert not dlg.start_button.isEnabled()
