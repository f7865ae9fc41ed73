"""--mode on scan, ready, approve, export and caption is the school's mode or stricter, never
looser (an audit exported a pupil's face uncovered with ``--mode consent`` while the school's
setting was "no identifiable children")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PIL import Image

from photovet.cli import cli
from photovet.core.register.people import Register
from tests.conftest import office_access

CSV = (
    "UPN,Legal Surname,Legal Forename,Preferred Forename,Role,Consent: School Website,"
    "Consent: Facebook,Consent: Videos on Facebook,Name with photo,Do Not Photograph\n"
    "B123456789012,Clarke,Amy,,pupil,yes,yes,yes,yes,\n"
)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def register(tmp_path, photovet_home):
    path = tmp_path / "mis.csv"
    path.write_text(CSV, encoding="utf-8")
    with Register.open(access=office_access()) as reg:
        assert reg.import_csv(path).applied


@pytest.fixture
def photo(tmp_path):
    p = tmp_path / "photos" / "trip.jpg"
    p.parent.mkdir()
    Image.new("RGB", (64, 48), (120, 160, 200)).save(p, "JPEG")
    return p


def school_mode(mode: str) -> None:
    result = run("settings", "set", "mode", mode)
    assert result.exit_code == 0, result.output


def test_caption_mode_looser_than_the_schools_is_refused(register):
    # consent mode: Amy's family agreed to her name with a photo on the website
    assert run("caption", "-c", "website", "--mode", "consent", "Amy Clarke wins").exit_code == 0
    school_mode("no-identifiable-children")
    result = run("caption", "-c", "website", "--mode", "consent", "Amy Clarke wins")
    assert result.exit_code == 2, result.output
    assert "--mode consent" in result.output
    assert "no identifiable children" in result.output      # the school's setting, named
    assert "Only an admin" in result.output                 # and who can change it
    assert "OK" not in result.output
    # without --mode the school's mode decides: Amy is not named
    result = run("caption", "-c", "website", "Amy Clarke wins")
    assert result.exit_code == 1 and "Suggested: AC wins" in result.output


def test_a_stricter_mode_than_the_schools_is_allowed(register):
    result = run("caption", "-c", "website", "--mode", "no-identifiable-children", "Amy Clarke wins")
    assert result.exit_code == 1, result.output            # stricter: Amy is not named
    assert "Suggested: AC wins" in result.output
    school_mode("no-identifiable-children")
    result = run("caption", "-c", "website", "--mode", "no-identifiable-children", "Amy Clarke wins")
    assert result.exit_code == 1 and "Suggested: AC wins" in result.output


@pytest.mark.parametrize("command", [
    ("scan", "--channel", "facebook"),
    ("ready", "--channel", "facebook"),
    ("approve", "--channel", "facebook", "--all-checks-done"),
    ("export", "--channel", "facebook", "--out", "{out}"),
])
def test_photo_commands_refuse_a_looser_mode_before_reading_anything(register, photo, tmp_path,
                                                                     staff, command):
    school_mode("no-identifiable-children")
    out = tmp_path / "out"
    out.mkdir()
    if command[0] == "approve":
        staff.use("Mr Head")
    args = [a.format(out=out) for a in command]
    result = run(*args, "--mode", "consent", photo)
    assert result.exit_code == 2, result.output
    assert "--mode consent" in result.output and "no identifiable children" in result.output
    assert "Only an admin" in result.output
    assert list(out.iterdir()) == []
    # nothing was marked ready or approved
    from photovet.core.workspace import Workspace

    with Workspace.open(access=office_access()) as ws:
        assert ws.db.all("SELECT sha256 FROM approvals") == []


def test_help_says_mode_is_stricter_only():
    result = run("scan", "--help")
    text = " ".join(result.output.split())
    assert "A mode looser than the school's is refused" in text
    assert "default, or the school's mode" not in text


def test_settings_set_says_which_approvals_no_longer_count(register, tmp_path):
    from photovet.core.models import Face, PhotoAnalysis
    from photovet.core.workspace import Workspace
    from tests.cli.conftest import password_of

    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        engine = ws.engine()
        a = PhotoAnalysis(path=str(tmp_path / "a.jpg"), sha256="ab" * 32, width=100, height=100,
                          faces_checked=True, analysis_key=engine.cache_key(as_checked=True),
                          faces=[Face(box=(10, 10, 40, 40), score=0.99, person="B123456789012",
                                      match_status="recognised")])
        engine.decide(a, "website")
        ws.approvals.mark_ready(a)
        ws.sign_in("Mr Head", password_of("Mr Head"))
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))
    result = run("settings", "set", "retention.cache_days", "10")
    assert result.exit_code == 0 and "no longer count" not in result.output
    result = run("settings", "set", "mode", "no-identifiable-children", "--yes")
    assert result.exit_code == 0, result.output
    assert "note: 1 approval (1 photo) no longer counts: it must be approved again." in \
        result.output
