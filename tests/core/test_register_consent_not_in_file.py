"""An MIS export without video consent (or without a channel's columns at all) is imported, and
everyone stays covered there (fail closed): the import says so plainly, with how to enter it,
instead of saying nothing (s29: September's file had no video columns; every video was covered
and nobody knew why)."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core.models import NOT_RECORDED, YES
from photovet.core.register.people import Register
from photovet.core.words import CONSENT_NOT_IN_FILE_COMMAND
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
UPN1, UPN2 = "A919241717737", "G919241714767"
ALL_PHOTO = ("Consent: School Website,Consent: Facebook,Consent: X (Twitter),Consent: Instagram,"
             "Consent: Newsletter,Consent: Local Press,Consent: YouTube")


def write(tmp_path, header: str, cells: int, name="reg.csv"):
    rows = "".join(f"{u},Stone,Amelia,{','.join(['Yes'] * cells)}\n" for u in (UPN1, UPN2))
    p = tmp_path / name
    p.write_text(f"UPN,Surname,Forename,{header}\n" + rows, encoding="utf-8")
    return p


@pytest.fixture
def reg():
    r = Register.open(access=office_access("Mrs Office"))
    yield r
    r.close()


def test_a_file_with_no_video_consent_says_everyone_is_covered_in_videos(tmp_path, reg):
    path = write(tmp_path, ALL_PHOTO, 7)
    for dry in (True, False):
        rep = reg.import_csv(path, dry_run=dry, today=TODAY)
        assert len(rep.consent_not_in_file) == 1
        said = rep.consent_not_in_file[0]
        assert said == ("This file has no video consent at all, so everyone will be covered "
                        "in every video until their video consent is entered (consent already "
                        "entered in PhotoVet is kept).")
        lines = rep.summary_lines()
        assert "CONSENT NOT IN THIS FILE:" in lines and f"  {said}" in lines
        # how to enter it, in the app and on the command line
        assert f"  {CONSENT_NOT_IN_FILE_COMMAND}" in lines
        assert "Enter a consent form" in CONSENT_NOT_IN_FILE_COMMAND
        assert "--media video" in CONSENT_NOT_IN_FILE_COMMAND
        assert rep.to_dict()["consent_not_in_file"] == [said]
    assert reg.consent_states(UPN1)["video"]["facebook"] == NOT_RECORDED


def test_a_video_consent_entered_by_hand_is_said_to_be_kept(tmp_path, reg):
    path = write(tmp_path, ALL_PHOTO, 7)
    reg.import_csv(path, today=TODAY)
    reg.set_consent(UPN1, "facebook", True, media="video")
    rep = reg.import_csv(path, today=TODAY)
    assert "(consent already entered in PhotoVet is kept)" in rep.consent_not_in_file[0]
    assert reg.consent_states(UPN1)["video"]["facebook"] == YES


def test_some_channels_without_video_and_a_channel_without_anything_are_named(tmp_path, reg):
    header = ("Consent: School Website,Consent: Facebook,Consent: X (Twitter),"
              "Consent: Newsletter,Consent: Local Press,Consent: YouTube,"
              "Videos on Facebook,Videos on YouTube,Videos on School Website,Filming - X,"
              "Videos: Local Press,Videos: Newsletter")
    rep = reg.import_csv(write(tmp_path, header, 12), today=TODAY)
    assert rep.applied
    assert rep.consent_not_in_file == [
        "This file has no consent at all for Instagram, so everyone will be covered in photos "
        "or videos on Instagram until their consent is entered (consent already entered in "
        "PhotoVet is kept)."]
    header = header.replace(",Videos on YouTube", "").replace(",Filming - X", "")
    rep = reg.import_csv(write(tmp_path, header, 10, "two.csv"), today=TODAY)
    assert rep.consent_not_in_file[0].startswith(
        "This file has no video consent for X (Twitter) and YouTube, so everyone will be "
        "covered in videos on X (Twitter) and YouTube until their video consent is entered")
    assert rep.consent_not_in_file[1].startswith("This file has no consent at all for Instagram")


def test_a_file_with_every_column_says_nothing(tmp_path, reg):
    videos = ",".join(f"Videos on {c}" for c in ("School Website", "Facebook", "Twitter",
                                                  "Instagram", "Newsletter", "Local Press",
                                                  "YouTube"))
    rep = reg.import_csv(write(tmp_path, ALL_PHOTO + "," + videos, 14), today=TODAY)
    assert rep.applied and rep.consent_not_in_file == []
    assert not any("NOT IN THIS FILE" in line for line in rep.summary_lines())
