"""A command that would void approvals says which first and changes nothing without --yes (or
the person's yes at a terminal): 'photovet settings set' and 'photovet register channels
--channel'. A change another PC saved while the command asked is not overwritten."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from photovet.cli import cli
from photovet.core.models import Face, PhotoAnalysis, TextItem
from photovet.core.workspace import Workspace
from tests.cli.conftest import password_of

AMY = "B123456789012"
# on a register file and on a school's server (several PCs share one there)
pytestmark = pytest.mark.engines

CSV = ("UPN,Legal Surname,Legal Forename,Role,Consent: School Website,Consent: Facebook\n"
       f"{AMY},Clarke,Amy,pupil,yes,yes\n")


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


@pytest.fixture
def approved(tmp_path):
    """Amy's photo approved for Facebook; a line of it reads the school's name (covered on
    Facebook, whose rule covers school identifiers). Checked on this PC: in its cache."""
    csv = tmp_path / "mis.csv"
    csv.write_text(CSV, encoding="utf-8")
    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        assert ws.import_register(csv).applied
        engine = ws.engine()
        key = engine.cache_key(as_checked=True)
        a = PhotoAnalysis(path=str(tmp_path / "a.jpg"), sha256="ab" * 32, width=400, height=300,
                          faces_checked=True, analysis_key=key,
                          faces=[Face(box=(10, 10, 40, 40), score=0.99, person=AMY,
                                      match_status="recognised")],
                          texts=[TextItem(polygon=[(50, 200), (250, 200), (250, 230), (50, 230)],
                                          text="Oakfield Primary", score=0.95, school="name")])
        ws.cache.put(a.sha256, key, {"analysis": a.detected().to_dict()})
        engine.decide(a, "facebook")
        ws.approvals.mark_ready(a)
        ws.sign_in("Mr Head", password_of("Mr Head"))
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))
    return a


def stored(ws_check):
    with Workspace.open() as ws:
        return ws_check(ws)


QUESTION = ("Changing the school's mode (now \u201cno identifiable children\u201d) means that "
            "1 approval (1 photo) no longer counts: it must be approved again.")


def test_settings_set_asks_first_and_saves_nothing_without_yes(approved):
    result = run("settings", "set", "mode", "no-identifiable-children")
    assert result.exit_code == 2, result.output
    assert QUESTION in result.output
    assert "nothing was changed: use --yes to save it all the same" in result.output
    assert stored(lambda ws: ws.settings.mode) == "consent"
    result = run("settings", "set", "mode", "no-identifiable-children", "--yes")
    assert result.exit_code == 0, result.output
    assert stored(lambda ws: ws.settings.mode) == "no-identifiable-children"


def test_settings_set_asks_at_a_terminal(approved, monkeypatch):
    monkeypatch.setattr("photovet.cli.common.stdin_is_terminal", lambda: True)
    result = run("settings", "set", "mode", "no-identifiable-children", input="n\n")
    assert result.exit_code == 2 and "Save it? [y/N]" in result.output, result.output
    assert stored(lambda ws: ws.settings.mode) == "consent"
    result = run("settings", "set", "mode", "no-identifiable-children", input="y\n")
    assert result.exit_code == 0, result.output
    assert stored(lambda ws: ws.settings.mode) == "no-identifiable-children"


def test_a_setting_that_voids_nothing_is_saved_without_a_question(approved):
    result = run("settings", "set", "retention.cache_days", "10")
    assert result.exit_code == 0 and "Changing" not in result.output, result.output


def test_a_change_another_pc_saved_while_asking_is_not_overwritten(approved, monkeypatch):
    def another_pc_saves_meanwhile(*_args, **_kwargs) -> bool:
        with Workspace.open() as other:
            other.sign_in("Mrs Office", password_of("Mrs Office"))
            s = other.settings.copy()
            s.update({"cover": {"style": "pixelate"}})
            other.save_settings(s)
        return True                           # and the person here says yes

    monkeypatch.setattr("photovet.cli.common.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("photovet.cli.common.click.confirm", another_pc_saves_meanwhile)
    result = run("settings", "set", "mode", "no-identifiable-children")
    # another setting changed there meanwhile: mine is saved and theirs stands (this
    # command's older copy of the settings no longer writes it back)
    assert result.exit_code == 0, result.output
    assert stored(lambda ws: (ws.settings.mode, ws.settings.cover.style)) == \
        ("no-identifiable-children", "pixelate")


def test_a_channel_rule_that_voids_approvals_asks_first(approved):
    result = run("register", "channels", "--channel", "facebook", "--show-school")
    assert result.exit_code == 2, result.output
    assert ("Changing whether Facebook covers the school's name and crest (now shown) means "
            "that 1 approval (1 photo) no longer counts: it must be approved again.") \
        in result.output
    assert stored(lambda ws: ws.channels.get("facebook").cover_school) is True
    # a rule that changes nothing published is changed without a question
    result = run("register", "channels", "--channel", "website", "--group-only")
    assert result.exit_code == 0 and "Changing" not in result.output, result.output
    result = run("register", "channels", "--channel", "facebook", "--show-school", "--yes")
    assert result.exit_code == 0, result.output
    assert "note: 1 approval (1 photo) no longer counts" in result.output
    assert stored(lambda ws: ws.channels.get("facebook").cover_school) is False


def test_a_crest_picture_says_what_the_app_says_about_approvals(approved, tmp_path):
    """s29: 'photovet settings crest' said nothing about approvals. As in the app, it says
    first which approvals may no longer count (the core's words) and changes nothing without
    --yes (or a yes at a terminal); afterwards it says it again."""
    from tests.core.test_school_identifiers import draw_crest

    crest = tmp_path / "crest.png"
    draw_crest(400).save(crest)
    may = ("1 approval (1 photo) may no longer count: it is checked again, and must be "
           "approved again if it would now cover or show someone differently.")
    result = run("settings", "crest", crest)
    assert result.exit_code == 2, result.output
    assert ("Changing the school's crest and logo pictures means that " + may) in result.output
    assert "use --yes to add the picture all the same" in result.output
    assert stored(lambda ws: ws.school_pictures.all()) == []
    result = run("settings", "crest", crest, "--yes")
    assert result.exit_code == 0, result.output
    assert f"note: {may}" in result.output
    [pic] = stored(lambda ws: ws.school_pictures.all())
    # removing it asks the same (the approval was given before the picture: it still stands
    # until its photo is checked again)
    result = run("settings", "crest", "--remove", pic.sha256[:12])
    assert result.exit_code == 2 and "use --yes to remove the picture" in result.output, \
        result.output
    assert len(stored(lambda ws: ws.school_pictures.all())) == 1


def test_a_channel_is_made_full_size_or_smaller_again_from_the_command_line(approved):
    """s29: only the app could make a channel full size. 'register channels --channel ID
    --full-size' does it with the same core call (audited; nothing an approval signed, so no
    question), --long-edge makes it smaller again, and --help says so."""
    result = run("register", "channels", "--channel", "website", "--full-size")
    assert result.exit_code == 0, result.output
    assert "Changing" not in result.output
    assert stored(lambda ws: ws.channels.get("website").long_edge) is None
    assert any(ln.startswith("website") and "exports full size" in ln
               for ln in result.output.splitlines()), result.output
    def last_change(ws):
        ws.sign_in("Office Admin", password_of("Office Admin"))
        return ws.audit.rows(action="channel.change")[-1]["details"]

    assert stored(last_change) == {"channel": "website", "changes": {"long_edge": [2048, None]}}
    result = run("register", "channels", "--channel", "website", "--long-edge", "1600")
    assert result.exit_code == 0, result.output
    assert stored(lambda ws: ws.channels.get("website").long_edge) == 1600
    result = run("register", "channels", "--channel", "website", "--long-edge", "1600",
                 "--full-size")
    assert result.exit_code == 2 and "not both" in result.output, result.output
    result = run("register", "channels", "--add", "prospectus", "--full-size")
    assert result.exit_code == 0, result.output
    assert stored(lambda ws: ws.channels.get("prospectus").long_edge) is None
    result = run("register", "channels", "--help")
    assert "--full-size" in result.output and "full size, as they were taken" in \
        " ".join(result.output.split())


def test_turning_a_safeguard_off_says_what_it_means(approved):
    """s62: 'photovet settings set text.enabled false' said only "changed"; the Settings
    dialog's words under each box are said after turning approval or reading text off."""
    from photovet.core.words import APPROVAL_OFF_MEANS, TEXT_OFF_MEANS

    for key, means in (("text.enabled", TEXT_OFF_MEANS),
                       ("approval.required", APPROVAL_OFF_MEANS)):
        result = run("settings", "set", key, "false", "--yes")
        assert result.exit_code == 0, result.output
        assert f"note: {means}" in result.stderr, result.stderr
        again = run("settings", "set", key, "false", "--yes")      # unchanged: nothing said
        assert "note:" not in again.stderr, again.stderr
        back = run("settings", "set", key, "true", "--yes")
        assert back.exit_code == 0 and means not in back.stderr, back.stderr
