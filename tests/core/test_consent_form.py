"""A paper consent form entered at once (audit s28, finding 3): ``Register.set_consents`` makes
every answer of the form in one transaction, each one audited and in the history as a change
by hand; a refusal or a value changed meanwhile on another PC changes nothing at all."""

from __future__ import annotations

import datetime as dt

import pytest
from afterpost_util import UPNS, register_csv

from photovet.core.errors import ConsentRequestNeeded, RegisterError
from photovet.core.models import NO, NOT_RECORDED, YES
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

ASKED = dt.date.today() - dt.timedelta(days=1)
DATES_FROM_TODAY = {"ASKED": -1}  # set again on the day each test runs (tests/conftest.py)


@pytest.fixture
def ws_one_pupil(tmp_path):
    w = Workspace.open(access=office_access("Olive Office"))
    w.import_register(register_csv(tmp_path / "mis.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe",
         "consent": {"website": "", "facebook": "", "x": "", "instagram": "",
                     "newsletter": "", "press": ""}}]))
    yield w
    w.close()


def _hand_changes(ws):
    return [c for c in ws.register.history(UPNS[0]) if c.source.startswith("user:")]


def test_a_form_is_saved_as_one_change_of_every_answer(ws_one_pupil):
    p = ws_one_pupil.register.person(UPNS[0])
    assert p.consent_state("website", "photo") == NOT_RECORDED
    changes = ws_one_pupil.register.set_consents(UPNS[0], [
        {"channel": "website", "value": YES, "media": "photo", "expected": NOT_RECORDED},
        {"channel": "facebook", "value": YES, "media": "photo", "expected": NOT_RECORDED},
        {"channel": "website", "value": YES, "media": "video", "expected": NOT_RECORDED},
        {"channel": "x", "value": NO, "media": "photo", "expected": NOT_RECORDED}])
    assert len(changes) == 4
    p = ws_one_pupil.register.person(UPNS[0])
    assert p.consent_state("website", "photo") == YES
    assert p.consent_state("facebook", "photo") == YES
    assert p.consent_state("website", "video") == YES
    assert p.consent_state("facebook", "video") == NOT_RECORDED
    assert p.consent_state("x", "photo") == NO
    assert len(_hand_changes(ws_one_pupil)) == 4


def test_a_stale_answer_changes_nothing_of_the_form(ws_one_pupil):
    # another PC said No for Facebook after the form was opened (it still showed Not recorded)
    ws_one_pupil.register.set_consent(UPNS[0], "facebook", NO)
    before = len(_hand_changes(ws_one_pupil))
    with pytest.raises(RegisterError, match="since you looked at it"):
        ws_one_pupil.register.set_consents(UPNS[0], [
            {"channel": "website", "value": YES, "media": "photo", "expected": NOT_RECORDED},
            {"channel": "facebook", "value": YES, "media": "photo",
             "expected": NOT_RECORDED}])
    p = ws_one_pupil.register.person(UPNS[0])
    assert p.consent_state("website", "photo") == NOT_RECORDED   # the first answer too
    assert p.consent_state("facebook", "photo") == NO
    assert len(_hand_changes(ws_one_pupil)) == before


def test_a_withdrawal_in_a_form_needs_who_asked_or_nothing_is_saved(ws_one_pupil):
    ws_one_pupil.register.set_consent(UPNS[0], "website", YES)
    form = [{"channel": "facebook", "value": YES, "media": "photo", "expected": NOT_RECORDED},
            {"channel": "website", "value": NO, "media": "photo", "expected": YES,
             "request_required": True}]
    with pytest.raises(ConsentRequestNeeded):
        ws_one_pupil.register.set_consents(UPNS[0], form)
    assert ws_one_pupil.register.person(UPNS[0]).consent_state("facebook", "photo") == NOT_RECORDED
    form[1].update(requested_by="Mrs Harris (mother), on the form", requested_on=ASKED)
    ws_one_pupil.register.set_consents(UPNS[0], form)
    p = ws_one_pupil.register.person(UPNS[0])
    assert p.consent_state("facebook", "photo") == YES
    assert p.consent_state("website", "photo") == NO
    [w] = [c for c in _hand_changes(ws_one_pupil) if c.is_withdrawal]
    assert w.requested_by == "Mrs Harris (mother), on the form"
