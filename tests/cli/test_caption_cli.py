"""`photovet caption`: exit 0 when fine, 1 when it names a pupil who must not be named."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from photovet.cli import cli
from photovet.core.register.people import Register
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

CSV = (
    "UPN,Legal Surname,Legal Forename,Preferred Forename,Role,Consent: School Website,"
    "Consent: Facebook,Consent: Videos on Facebook,Name with photo,Do Not Photograph\n"
    "A123456789012,Smith,John,,pupil,yes,yes,yes,no,\n"
    "B123456789012,Clarke,Amy,,pupil,yes,yes,no,yes,\n"
    "C123456789012,Winterbottom,Tobias,,pupil,yes,yes,yes,yes,yes\n"
    "D123456789012,Okafor,Grace,,staff,yes,yes,yes,no,\n"
)


@pytest.fixture
def register(tmp_path, photovet_home):
    path = tmp_path / "mis.csv"
    path.write_text(CSV, encoding="utf-8")
    with Register.open(access=office_access()) as reg:
        report = reg.import_csv(path)
        assert report.applied, report.errors
        people = {p.legal_forename: p for p in reg.people()}
    assert people["Amy"].name_with_photo and not people["John"].name_with_photo
    assert people["Tobias"].do_not_photograph and people["Grace"].is_staff
    assert people["Amy"].consents_to("facebook") and not people["Amy"].consents_to("facebook", "video")
    return people


def test_caption_naming_a_pupil_without_consent_exits_1(register):
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "Well done John Smith!"])
    assert result.exit_code == 1, result.output
    assert '"John Smith" -> "JS"' in result.output
    assert "Suggested: Well done JS!" in result.output


def test_caption_naming_a_pupil_misspelt_exits_1_with_initials(register):
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "Well done Jhon Smtih!"])
    assert result.exit_code == 1, result.output
    assert '"Jhon Smtih" -> "JS": Looks like a pupil\'s name spelt differently;' in result.output
    assert "Suggested: Well done JS!" in result.output


def test_caption_that_is_fine_exits_0(register):
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "Amy Clarke and Mrs Hughes at Sports Day 2026"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK")


def test_caption_json_and_channel(register):
    result = CliRunner().invoke(cli, ["caption", "--channel", "facebook", "--json",
                                      "Amy Clarke and JOHN SMITH"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["ok"] is False and data["channel"] == "facebook"
    assert data["suggestion"] == "Amy and JS"
    assert [f["replacement"] for f in data["findings"]] == ["Amy", "JS"]


def test_caption_unknown_channel_is_a_usage_error(register):
    result = CliRunner().invoke(cli, ["caption", "--channel", "tiktok", "hello"])
    assert result.exit_code == 2
    assert "unknown channel 'tiktok'" in result.output


def test_caption_video_uses_video_consent(register):
    # Amy's parents agreed to photos on Facebook but not to videos
    result = CliRunner().invoke(cli, ["caption", "--channel", "facebook", "Amy scores!"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["caption", "--channel", "facebook", "--video", "--json",
                                      "Amy scores!"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["suggestion"] == "A scores!"
    assert [f["person"] for f in data["findings"]] == ["B123456789012"]
    # John has video consent but no consent to be named
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "--video", "John Smith scores!"])
    assert result.exit_code == 1 and "Suggested: JS scores!" in result.output


def test_caption_naming_a_do_not_photograph_pupil_warns_by_name(register):
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "Tobias Winterbottom and Amy Clarke win"])
    assert result.exit_code == 1, result.output
    assert '"Tobias Winterbottom" -> "": Tobias Winterbottom is on the do-not-photograph list: ' \
        "they must not appear in this post at all" in result.output
    assert "Suggested: Amy Clarke win" in result.output   # s33: not "and Amy Clarke win"


def test_caption_naming_staff_follows_their_name_consent(register):
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "Mrs Okafor led the trip"])
    assert result.exit_code == 1, result.output
    assert '"Mrs Okafor" -> "GO"' in result.output and "member of staff" in result.output
    assert "Suggested: GO led the trip" in result.output


def test_caption_with_an_empty_register(photovet_home):
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "John Smith"])
    assert result.exit_code == 0
    assert result.output.startswith("OK: no one in the register to check against.")


def test_caption_help_documents_exit_status():
    result = CliRunner().invoke(cli, ["caption", "--help"])
    assert result.exit_code == 0 and "Exit status" in result.output


def test_caption_channel_is_required(register):
    """A Facebook caption checked without -c was checked with the website's rules and could
    say "OK": the channel is required, as for 'photovet ready' and 'photovet posted'."""
    result = CliRunner().invoke(cli, ["caption", "Well done Amy Clarke!"])
    assert result.exit_code == 2, result.output
    assert "--channel" in result.output
    help_text = CliRunner().invoke(cli, ["caption", "--help"]).output
    assert "required" in help_text and "default: website" not in help_text


def test_caption_with_nothing_left_says_why_not_an_empty_suggestion(register):
    """s37 walk: "Tobias" alone (on the do-not-photograph list) leaves nothing of the caption;
    the command printed "Suggested: " with nothing after it. It says why, as the app does."""
    from photovet.core.words import CAPTION_NOTHING_LEFT

    result = CliRunner().invoke(cli, ["caption", "-c", "website", "This is Tobias."])
    assert result.exit_code == 1, result.output
    assert "Suggested:" not in result.output, result.output
    assert f"No suggestion: {CAPTION_NOTHING_LEFT}." in result.output, result.output


def test_caption_video_needs_photo_consent_too(register, tmp_path):
    """s38: a caption goes out with its batch's photos, so a video's caption needs the photo
    consent too, as marking ready and export check it ('--video' checked video consent
    alone: the check said OK and marking ready refused it)."""
    from photovet.core.workspace import Workspace

    with Workspace.open(access=office_access()) as ws:
        ws.register.set_consent("B123456789012", "facebook", True, media="video")
        ws.register.set_consent("B123456789012", "facebook", False)
    result = CliRunner().invoke(cli, ["caption", "--channel", "facebook", "--video",
                                      "Amy scores!"])
    assert result.exit_code == 1, result.output
    assert "Suggested: A scores!" in result.output


def test_a_caption_naming_the_school_is_refused_where_the_school_must_not_be_shown(register):
    """s44: on Facebook (its rule covers the school's name in every photo) a caption naming
    the school was "OK"; the export and marking ready refuse it, and so does this check."""
    run = CliRunner().invoke
    assert run(cli, ["settings", "set", "school.names", '["Oakfield Primary School"]']
               ).exit_code == 0
    result = run(cli, ["caption", "-c", "facebook", "Sports day at Oakfield Primary!"])
    assert result.exit_code == 1, result.output
    assert "must not show which school it is" in result.output
    assert "Suggested: Sports day!" in result.output
    result = run(cli, ["caption", "-c", "website", "Sports day at Oakfield Primary!"])
    assert result.exit_code == 0, result.output
    # nothing left: said as the school's name, not a pupil's (s44 audit)
    result = run(cli, ["caption", "-c", "facebook", "Oakfield!"])
    assert result.exit_code == 1, result.output
    assert "No suggestion: Nothing of the caption is left without the school's name" \
        in result.output


def test_the_suggested_caption_passes_the_videos_check_too(register):
    """The s45 walk: for a video the photo check's suggestion was printed ("JS and Amy score!")
    though the video check refuses it (Amy has no Facebook video consent): marking ready then
    refused it. The suggestion printed passes both."""
    result = CliRunner().invoke(cli, ["caption", "--channel", "facebook", "--video",
                                      "John Smith and Amy Clarke score!"])
    assert result.exit_code == 1, result.output
    assert "Suggested: JS and A score!" in result.output, result.output
    # s46 walk: and why Amy is "A", not "Amy" as the photo check's line says: the video's
    # consent, said on a line of its own before the suggestion
    lines = result.output.splitlines()
    said = [i for i, line in enumerate(lines) if line.startswith('"Amy" -> "A": ')]
    assert said and "video" in lines[said[0]], result.output
    assert said[0] < next(i for i, line in enumerate(lines) if line.startswith("Suggested:"))
    # and --json says it too, beside the first check's findings (s46 walk: it was left out)
    out = CliRunner().invoke(cli, ["caption", "--channel", "facebook", "--video", "--json",
                                   "John Smith and Amy Clarke score!"])
    assert out.exit_code == 1, out.output
    data = json.loads(out.output)
    assert data["suggestion"] == "JS and A score!", data
    assert [(f["found"], f["replacement"]) for f in data["also"]] == [("Amy", "A")], data
    assert "video" in data["also"][0]["reason"], data


def test_no_suggestion_is_printed_that_a_later_check_refuses(register):
    """s45 audit: the school named, and Tobias (on the do-not-photograph list) in a caption no
    suggestion reads right without ("both"): the command printed its own school-less
    suggestion, "Suggested: Tobias Winterbottom and Amy Clarke are both winners", naming him.
    No caption passes every check: none is printed, and why."""
    run = CliRunner().invoke
    assert run(cli, ["settings", "set", "school.names", '["Oakfield Primary School"]']
               ).exit_code == 0
    result = run(cli, ["caption", "-c", "facebook", "Oakfield Primary School: Tobias "
                       "Winterbottom and Amy Clarke are both winners"])
    assert result.exit_code == 1, result.output
    assert "must not show which school it is" in result.output
    assert "Suggested:" not in result.output and "No suggestion: " in result.output, \
        result.output


def test_the_command_prints_the_cores_answer(register, monkeypatch):
    """s45 audit W1: the command gathered its findings and made a school suggestion itself;
    it prints the core's answer now (``captions.caption_verdict``), whatever it is."""
    from photovet.core.vision.text import captions
    from photovet.core.vision.text.captions import CaptionCheck, CaptionFinding

    asked = []

    def core(text, people, channel, on, mode, **kw):
        asked.append((text, channel.id, kw["media"]))
        finding = CaptionFinding(span=(0, 3), person=None, found="Amy", replacement="A",
                                 reason="the core says so")
        return CaptionCheck(ok=False, findings=[finding], suggestion="",
                            none_because="the core's reason")

    monkeypatch.setattr(captions, "caption_verdict", core, raising=False)
    result = CliRunner().invoke(cli, ["caption", "-c", "website", "--video", "Amy wins"])
    assert result.exit_code == 1, result.output
    assert asked == [("Amy wins", "website", ("video",))]
    assert result.output == '"Amy" -> "A": the core says so\nNo suggestion: the core\'s reason.\n'
