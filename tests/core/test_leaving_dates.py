"""One leaving date for several people at once (audit s28, finding 10): last July's Year 6,
absent from September's MIS file. ``Register.set_leaving_dates`` records it for all of them in
one transaction (an unknown id changes nothing), each audited; their face signatures then fall
due as leavers'."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from afterpost_util import UPNS, register_csv

from photovet.core.errors import UnknownPersonError
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

JULY = dt.date.today() - dt.timedelta(days=120)


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(access=office_access("Olive Office"))
    w.import_register(register_csv(tmp_path / "mis.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe"},
        {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"}]))
    yield w
    w.close()


def test_one_date_for_several_people_all_or_none(ws):
    with pytest.raises(UnknownPersonError):
        ws.register.set_leaving_dates([UPNS[0], "Z000000000000"], JULY)
    assert ws.register.person(UPNS[0]).leaving_date is None          # nothing was recorded
    for pid in UPNS[:2]:
        ws.register.store_signatures({pid: [(np.full(128, 0.1), f"{pid}.jpg")]}, replace=True,
                                     source="test")
    ws.register.set_leaving_dates(UPNS[:2], JULY)
    assert [ws.register.person(p).leaving_date for p in UPNS[:2]] == [JULY, JULY]
    assert len(ws.audit.rows(action="register.leaving-date")) == 2
    due = {i.ref for i in ws.retention().due(("signatures",))}
    assert due == {f"person:{UPNS[0]}", f"person:{UPNS[1]}"}


def test_an_import_says_it_clears_a_leaving_date_the_file_does_not_have(ws, tmp_path):
    """s30: a leaving date entered in PhotoVet was cleared by the next import of a file that
    lists the person without one, and neither the preview nor the report said so. It is said
    as a change of that person, before it happens (the import still clears it: the MIS is the
    school's record, and a pupil who came back is brought back so)."""
    ws.register.set_leaving_date(UPNS[0], dt.date(2025, 7, 18))
    again = register_csv(tmp_path / "again.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe"},
        {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"}])
    said = ("Leaving date: 18/07/2025 \u2192 none in the file (no longer a leaver: their "
            "consent decides again; if they have left, put the date in the MIS first)")
    preview = ws.register.import_csv(again, dry_run=True)
    [change] = preview.details_changed
    assert change.person_id == UPNS[0] and change.what == said
    assert f"  Joe Harris ({UPNS[0]}): {said}" in preview.summary_lines()
    assert "Nothing changed" not in "\n".join(preview.summary_lines())
    assert ws.register.person(UPNS[0]).leaving_date == dt.date(2025, 7, 18)   # a dry run
    report = ws.register.import_csv(again)
    assert [c.what for c in report.details_changed] == [said]
    assert ws.register.person(UPNS[0]).leaving_date is None
    # the same file again: nothing to say
    assert not ws.register.import_csv(again, dry_run=True).details_changed
