"""`photovet caption`: exit 0 when fine, 1 when it names a pupil who must not be named."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from photovet.cli import cli
from photovet.core.register.people import Register

CSV = (
    "UPN,Legal Surname,Legal Forename,Preferred Forename,Role,Consent: School Website,"
    "Consent: Facebook,Name with photo\n"
    "A123456789012,Smith,John,,pupil,yes,yes,no\n"
    "B123456789012,Clarke,Amy,,pupil,yes,yes,yes\n"
)


@pytest.fixture
def register(tmp_path, photovet_home):
    path = tmp_path / "mis.csv"
    path.write_text(CSV, encoding="utf-8")
    with Register.open() as reg:
        report = reg.import_csv(path, user="test")
        assert report.applied, report.errors
        people = {p.legal_forename: p for p in reg.people()}
    assert people["Amy"].name_with_photo and not people["John"].name_with_photo
    return people


def test_caption_naming_a_pupil_without_consent_exits_1(register):
    result = CliRunner().invoke(cli, ["caption", "Well done John Smith!"])
    assert result.exit_code == 1, result.output
    assert '"John Smith" -> "JS"' in result.output
    assert "Suggested: Well done JS!" in result.output


def test_caption_that_is_fine_exits_0(register):
    result = CliRunner().invoke(cli, ["caption", "Amy Clarke and Mrs Hughes at Sports Day 2026"])
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


def test_caption_with_an_empty_register(photovet_home):
    result = CliRunner().invoke(cli, ["caption", "John Smith"])
    assert result.exit_code == 0
    assert "no pupils in the register" in result.output


def test_caption_help_documents_exit_status():
    result = CliRunner().invoke(cli, ["caption", "--help"])
    assert result.exit_code == 0 and "Exit status" in result.output
