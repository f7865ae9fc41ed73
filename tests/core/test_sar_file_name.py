"""s62 audit: an export whose file name names the pupil (its batch label, published with the
copy) was left out of their subject access report: "Photos exported (0)", though the
take-down list reads file names (s46) and, once their consent went, listed that copy in the
same report's take-down section. It is listed, said as named in the file name, without
another pupil's name."""

from __future__ import annotations

import datetime as dt

import pytest
from afterpost_util import UPNS, joe_and_ben, make_export

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

A, B = UPNS[:2]


@pytest.fixture
def joe_ws(tmp_path):
    w = joe_and_ben(tmp_path)
    yield w
    w.close()


def test_a_copy_named_after_the_pupil_is_in_their_report(joe_ws, tmp_path):
    result = make_export(tmp_path, 1, shown=[B], name="joe-harris-award-001")
    rid = joe_ws.records.add_export(result, batch="Joe Harris award", channel="website",
                                preparer="p", approver="a")
    other = make_export(tmp_path, 2, shown=[B], name="sports-day-001")
    joe_ws.records.add_export(other, batch="Sports day", channel="website", preparer="p",
                          approver="a")
    joe_ws.records.mark_posted(files=[result.output, other.output], channel="website",
                           date=dt.date.today())
    doc = joe_ws.subject_access_report(A, tmp_path / "sar.html").read_text(encoding="utf-8")
    assert "Photos exported (1)" in doc
    assert "Named in the file name, published with it" in doc
    assert "Ben" not in doc and "Brook" not in doc and B not in doc
    assert joe_ws.audit.rows(action="sar.created")[-1]["details"]["exports"] == [rid]
    # and with the take-down item beside it once consent goes
    joe_ws.register.set_consent(A, "website", False)
    doc = joe_ws.subject_access_report(A, tmp_path / "sar2.html").read_text(encoding="utf-8")
    assert "Photos exported (1)" in doc and "Take-down list (1 to do)" in doc
    assert "Photo 1</td>" in doc         # the item is numbered as the photo listed above
    # Ben's report does not gain it for his face alone twice, nor anyone's for "award"
    doc = joe_ws.subject_access_report(B, tmp_path / "sar-ben.html").read_text(encoding="utf-8")
    assert "Photos exported (2)" in doc
