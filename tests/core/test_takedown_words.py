"""The take-down list says a withdrawal is one ("Consent withdrawn on 12/03/2026"), not
"Consent refused" (GUI audit s24, item 17); a No the register always had stays "Consent
refused". Only the words change: the same people are listed for the same exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from afterpost_util import UPNS, make_export, register_csv

from photovet.core.policy import consent_missing
from photovet.core.records import takedown
from photovet.core.words import uk_day
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def test_a_withdrawal_is_listed_with_its_date_and_a_refusal_as_a_refusal(tmp_path):
    ws = Workspace.open(access=office_access("Olive Office"))
    try:
        ws.import_register(register_csv(tmp_path / "mis.csv", [
            {"upn": UPNS[0], "surname": "Able", "forename": "Amy"},
            {"upn": UPNS[1], "surname": "Brook", "forename": "Ben",
             "consent": {"website": "Yes"}}]))
        rid = ws.records.add_export(make_export(tmp_path, 1, shown=[UPNS[0], UPNS[1]]),
                                    batch="trip", channel="website", preparer="p",
                                    approver="a")
        assert takedown.evaluate(ws.records, ws.register) == []
        ws.register.set_consent(UPNS[0], "website", False)       # Amy's family withdraws
        ws.register.set_consent(UPNS[1], "website", None)        # Ben's: not recorded now
        [item] = takedown.evaluate(ws.records, ws.register)
        assert item.export_id == rid and sorted(item.people) == sorted(UPNS[:2])
        # entered without who asked for it (as before PhotoVet asked): said so
        assert item.reasons[UPNS[0]] == (f"Consent withdrawn on {uk_day(dt.date.today())} "
                                         "(who requested it: not recorded)")
        assert item.reasons[UPNS[1]] == item.reasons[UPNS[0]]
        # the register says when each was withdrawn, so a face says it too (s36 walk: a face
        # said "Consent refused for School website" beside this list's "Consent withdrawn")
        website = ws.register.channel("website")
        for pid in UPNS[:2]:
            assert consent_missing(ws.register.person(pid), website, "photo", dt.date.today()) \
                == f"Consent withdrawn on {uk_day(dt.date.today())}"
    finally:
        ws.close()


def test_a_no_from_the_start_stays_a_refusal_and_other_reasons_are_unchanged(tmp_path):
    ws = Workspace.open(access=office_access("Olive Office"))
    try:
        ws.import_register(register_csv(tmp_path / "mis.csv", [
            {"upn": UPNS[0], "surname": "Able", "forename": "Amy",
             "consent": {"website": "No"}},
            {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"}]))
        ws.records.add_export(make_export(tmp_path, 1, shown=[UPNS[0], UPNS[1]]),
                              batch="trip", channel="website", preparer="p", approver="a")
        ws.register.set_do_not_photograph(UPNS[1], True)
        [item] = takedown.evaluate(ws.records, ws.register)
        assert item.reasons[UPNS[0]] == "Consent refused for School website"
        assert consent_missing(ws.register.person(UPNS[0]), ws.register.channel("website"),
                               "photo", dt.date.today()) == "Consent refused for School website"
        # put on the list by hand (without who asked for it): since when, and said so
        assert item.reasons[UPNS[1]] == (f"On the do-not-photograph list since "
                                         f"{uk_day(dt.date.today())} (who requested it: not "
                                         "recorded)")
    finally:
        ws.close()


def test_items_listed_together_are_numbered_in_file_order(tmp_path):
    """s36 walk: the list read 002, 001, 004, ... (exports are recorded as each copy is
    finished, several at once): items first listed together are numbered in file order,
    the numbers in a name counted as numbers."""
    ws = Workspace.open(access=office_access("Olive Office"))
    try:
        ws.import_register(register_csv(tmp_path / "mis.csv", [
            {"upn": UPNS[0], "surname": "Able", "forename": "Amy",
             "consent": {"website": "Yes"}}]))
        for n in (10, 2, 1):
            ws.records.add_export(make_export(tmp_path, n, shown=[UPNS[0]], name=f"trip-{n}"),
                                  batch="trip", channel="website", preparer="p", approver="a")
        ws.register.set_consent(UPNS[0], "website", False)
        items = takedown.evaluate(ws.records, ws.register)
        assert [Path(i.output_path).name for i in items] == ["trip-1.jpg", "trip-2.jpg",
                                                             "trip-10.jpg"]
        assert [i.id for i in items] == sorted(i.id for i in items)
    finally:
        ws.close()


def test_on_takedown_list_for_counts_photos_not_items():
    """s43 audit: one photo posted on Facebook and on X is two take-down items (one a channel)
    but one photo: it said "2 posted photos must be taken down from Facebook and X"."""
    from types import SimpleNamespace

    from photovet.core.words import on_takedown_list_for

    def item(channel, label, source, status="posted"):
        return SimpleNamespace(channel=channel, channel_label=label, status=status,
                               source_path=source, output_path=f"/out/{channel}/{source}")

    items = [item("facebook", "Facebook", "/in/a.jpg"), item("x", "X (Twitter)", "/in/a.jpg")]
    assert on_takedown_list_for(items, "Tori", see="See the list.") == (
        "On the take-down list because of Tori: 1 posted photo must be taken down from "
        "Facebook and X (Twitter). See the list.")
    items += [item("facebook", "Facebook", "/in/b.mp4"), item("website", "School website",
                                                               "/in/a.jpg", status="exported")]
    assert on_takedown_list_for(items, "Tori", see="See the list.") == (
        "On the take-down list because of Tori: 1 posted photo and 1 posted video must be "
        "taken down from Facebook and X (Twitter); 1 exported photo must not be posted on "
        "School website. See the list.")
