"""Who asked for a withdrawal, and the day they asked (as opposed to the day staff entered it):
kept with the consent change, refused when half given or for a day still to come, required
when the app or a command asks for it, and said in the consent history, the take-down list's
reason and the subject access report. A withdrawal entered without it reads "not recorded"."""

from __future__ import annotations

import datetime as dt

import pytest
from afterpost_util import UPNS, make_export, register_csv

from photovet.core import policy
from photovet.core.errors import ConsentRequestNeeded
from photovet.core.records import takedown
from photovet.core.records.sar import subject_access_report
from photovet.core.words import request_words, uk_day
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date.today()
ASKED = TODAY - dt.timedelta(days=2)
DATES_FROM_TODAY = {"TODAY": 0, "ASKED": -2}  # set again on the day each test runs (tests/conftest.py)


@pytest.fixture
def ws_with_export(tmp_path):
    w = Workspace.open(access=office_access("Olive Office"))
    w.import_register(register_csv(tmp_path / "mis.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe"},
        {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"}]))
    w.records.add_export(make_export(tmp_path, 1, shown=[UPNS[0], UPNS[1]]), batch="trip",
                         channel="website", preparer="p", approver="a")
    yield w
    w.close()


def test_the_policy_asks_for_both_and_never_a_day_to_come():
    assert policy.consent_request_refusal("Mrs Harris (mother), by email", ASKED, TODAY) is None
    assert policy.consent_request_refusal("Mrs Harris (mother)", TODAY, TODAY) is None
    assert "say who asked" in policy.consent_request_refusal("  ", ASKED, TODAY)
    assert policy.consent_request_refusal("Mrs Harris", None, TODAY) == \
        "say the day they asked (DD/MM/YYYY)"
    why = policy.consent_request_refusal("Mrs Harris", TODAY + dt.timedelta(days=1), TODAY)
    assert why.startswith(f"{uk_day(TODAY + dt.timedelta(days=1))} is still to come")


def test_a_withdrawal_keeps_who_asked_and_when_apart_from_when_it_was_entered(ws_with_export, tmp_path):
    change = ws_with_export.register.set_consent(UPNS[0], "website", False,
                                     requested_by="Mrs Harris (mother),  by email",
                                     requested_on=ASKED, request_required=True)
    assert change.is_withdrawal
    [h] = [c for c in ws_with_export.register.history(UPNS[0]) if c.source.startswith("user:")]
    assert h.requested_by == "Mrs Harris (mother), by email"
    assert h.requested_on == ASKED.isoformat() and h.when[:10] == dt.datetime.now(
        dt.UTC).date().isoformat()
    assert request_words(h.requested_by, h.requested_on) == \
        f"Mrs Harris (mother), by email, {uk_day(ASKED)}"
    # the audit says a request was recorded and its day; never the parent's name (the audit
    # log is kept for good; the history goes with the person's row)
    row = ws_with_export.audit.rows(action="register.consent-edit")[-1]
    assert row["details"]["requested_on"] == ASKED.isoformat()
    assert "Harris (mother)" not in str(row["details"])
    # the take-down list's reason
    ws_with_export.register.set_consent(UPNS[1], "website", False)       # entered without: not recorded
    [item] = takedown.evaluate(ws_with_export.records, ws_with_export.register)
    assert item.reasons[UPNS[0]] == (f"Consent withdrawn on {uk_day(TODAY)} (requested by "
                                     f"Mrs Harris (mother), by email, {uk_day(ASKED)})")
    assert item.reasons[UPNS[1]] == (f"Consent withdrawn on {uk_day(TODAY)} "
                                     "(who requested it: not recorded)")
    # put on the do-not-photograph list at a parent's request: said as for a withdrawal
    ws_with_export.register.set_do_not_photograph(UPNS[1], True, requested_by="Mr Brook (father), letter",
                                      requested_on=ASKED, request_required=True)
    [item] = takedown.evaluate(ws_with_export.records, ws_with_export.register)
    assert item.reasons[UPNS[1]] == (f"On the do-not-photograph list since {uk_day(TODAY)} "
                                     f"(requested by Mr Brook (father), letter, "
                                     f"{uk_day(ASKED)})")
    # the subject access report's consent history
    doc = subject_access_report(ws_with_export.register, ws_with_export.records, UPNS[0],
                                tmp_path / "sar.html").read_text(encoding="utf-8")
    hist = doc[doc.index("Consent history"):doc.index("Appendix: technical details")]
    assert "<th>Requested by (and the day they asked)</th>" in hist
    assert f"<td>Mrs Harris (mother), by email, {uk_day(ASKED)}</td>" in hist
    doc = subject_access_report(ws_with_export.register, ws_with_export.records, UPNS[1],
                                tmp_path / "sar2.html").read_text(encoding="utf-8")
    hist = doc[doc.index("Consent history"):doc.index("Appendix: technical details")]
    assert "<td>Yes</td><td>No</td><td>Changed by Olive Office</td><td>Not recorded</td>" \
        in hist


def test_the_take_down_lists_audit_row_names_neither_the_pupil_nor_who_asked(ws_with_export, tmp_path):
    """Audit s29: the consent edit's audit row kept ids only, but the take-down list's row
    written with it (``photovet register set``, an MIS import) kept the pupil's name and the
    parent's: in the audit log, which is kept for good, after the pupil's row is deleted."""
    change = ws_with_export.register.set_consent(UPNS[0], "website", False,
                                     requested_by="Mrs Harris (mother), by email",
                                     requested_on=ASKED, request_required=True)
    ws_with_export.takedown(record=True, withdrawals=[change])
    rows = [r for r in ws_with_export.audit.rows() if r["action"] in ("takedown.list-updated",
                                                          "register.consent-edit")]
    assert [r["action"] for r in rows] == ["register.consent-edit", "takedown.list-updated"]
    [w] = rows[-1]["details"]["withdrawals"]
    assert w["person_id"] == UPNS[0] and w["channel"] == "website" and w["withdrawal"]
    assert w["request_recorded"] is True and w["requested_on"] == ASKED.isoformat()
    for row in rows:
        assert "Harris" not in str(row["details"]) and "Joe" not in str(row["details"])
    # an MIS import that withdraws: the same
    ws_with_export.import_register(register_csv(tmp_path / "mis2.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe"},
        {"upn": UPNS[1], "surname": "Brook", "forename": "Ben", "consent": {"website": "No"}}]))
    row = ws_with_export.audit.rows(action="takedown.list-updated")[-1]
    assert [w["person_id"] for w in row["details"]["withdrawals"]] == [UPNS[1]]
    assert "Brook" not in str(row["details"]) and "Ben" not in str(row["details"])


def test_when_asked_for_a_withdrawal_without_who_or_when_is_refused_and_changes_nothing(ws_with_export):
    with pytest.raises(ConsentRequestNeeded, match="say who asked"):
        ws_with_export.register.set_consent(UPNS[0], "website", False, request_required=True)
    with pytest.raises(ConsentRequestNeeded, match="say who asked"):
        ws_with_export.register.set_do_not_photograph(UPNS[0], True, request_required=True)
    with pytest.raises(ConsentRequestNeeded, match="still to come"):
        ws_with_export.register.set_consent(UPNS[0], "website", False, requested_by="Mrs Harris",
                                requested_on=TODAY + dt.timedelta(days=1),
                                request_required=True)
    with pytest.raises(ConsentRequestNeeded, match="the day they asked"):
        ws_with_export.register.set_consent(UPNS[0], "website", False, requested_by="Mrs Harris")
    p = ws_with_export.register.person(UPNS[0])
    assert p.consent_state("website", "photo") == "yes" and not p.do_not_photograph
    assert not [c for c in ws_with_export.register.history(UPNS[0]) if c.source.startswith("user:")]
    # giving consent back needs nothing; a withdrawal not asked for is never refused for it
    given = ws_with_export.register.set_consent(UPNS[0], "facebook", True, request_required=True)
    assert given is not None and not given.is_withdrawal
    assert ws_with_export.register.set_consent(UPNS[0], "website", False) is not None
