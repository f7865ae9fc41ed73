"""photovet register enrol says how far it is as the app's Enrol dialog does ('12 of 20
portraits read', s36), on stderr and only when stderr is a terminal: a script or a test
reading the output gets nothing extra. A stand-in face model: no model is loaded."""

from __future__ import annotations

import io
import sys

import numpy as np
from click.testing import CliRunner
from PIL import Image

from photovet.cli import cli, common
from photovet.core import words

UPN, UPN2 = "A919241717737", "G919241714767"


class _Portraits:
    """One face in every portrait, with a signature of its own."""

    signature_model = "sface"

    def portrait_faces(self, image):
        return [((5, 5, 50, 50), np.random.default_rng(1).normal(size=128), 0.95)]


def _enrol(tmp_path, monkeypatch, *, terminal: bool):
    from photovet.core.vision.faces import FaceEngine

    reg = tmp_path / "reg.csv"
    reg.write_text("UPN,Surname,Forename,Year,Website\n"
                   f"{UPN},Ashby,Victoria,Year 6,Yes\n"
                   f"{UPN2},Abrahams,Joel,Year 5,Yes\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["register", "import", str(reg)]).exit_code == 0
    folder = tmp_path / "portraits"
    folder.mkdir()
    for name in (UPN, UPN2, "Z000000000001"):     # the last: no one has this id
        Image.new("RGB", (64, 64)).save(folder / f"{name}.jpg")
    monkeypatch.setattr(FaceEngine, "load", classmethod(lambda cls, settings: _Portraits()))
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: terminal)
    import photovet.cli.register as register_cli
    monkeypatch.setattr(register_cli, "stderr_is_terminal", lambda: terminal)
    return CliRunner().invoke(cli, ["register", "enrol", "--folder", str(folder)])


def test_enrol_says_how_many_portraits_are_read_on_a_terminal(tmp_path, monkeypatch):
    r = _enrol(tmp_path, monkeypatch, terminal=True)
    assert "Enrolled 2 people from 2 of 3 photos" in r.output
    err = r.stderr
    # each portrait as it is read, the one no one has counted too (as the report counts it)
    assert "2 of 3 portraits read" in err and "3 of 3 portraits read" in err, err
    assert f"{UPN}.jpg" not in err.split("error:")[0]      # no file's name on the bar


def test_enrol_prints_nothing_extra_when_not_on_a_terminal(tmp_path, monkeypatch):
    r = _enrol(tmp_path, monkeypatch, terminal=False)
    assert "Enrolled 2 people from 2 of 3 photos" in r.output
    assert "portraits read" not in r.stderr and "Enrolling" not in r.stderr, r.stderr


def test_the_words_are_the_apps():
    assert words.portraits_read(12, 20) == "12 of 20 portraits read"
    assert words.portraits_read(1, 1) == "1 of 1 portrait read"
    bar = common.StderrProgress(0, "Enrolling", words.portraits_read)
    out = io.StringIO()
    bar.total, bar.enabled = 20, True
    old, sys.stderr = sys.stderr, out
    try:
        bar.update(12)
    finally:
        sys.stderr = old
    assert out.getvalue().startswith("\rEnrolling [") and "12 of 20 portraits read" in out.getvalue()
