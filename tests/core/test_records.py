"""Export records and 'mark as posted'."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from afterpost_util import make_export, sha
from photovet.core.audit import AuditLog
from photovet.core.storage import open_db
from photovet.core.models import Face
from photovet.core.records.exports import Records, RecordsError


@pytest.fixture
def records():
    db = open_db()
    return Records(db, AuditLog(db))


def test_add_export_stores_everything_and_audits(records, tmp_path):
    res = make_export(tmp_path, 1, shown=["A1"], covered=["B2"], named=["C3"])
    rid = records.add_export(res, batch="sports-day", channel="facebook", preparer="jo",
                             approver="head")
    [rec] = records.exports()
    assert rec.id == rid
    assert rec.output_sha256 == sha(res.output) and rec.source_sha256 == sha(res.source)
    assert rec.output_path.endswith("photo001.jpg") and rec.source_path.endswith("photo001.JPG")
    assert len(rec.phash) == 16 and rec.phash != "0" * 16
    assert (rec.batch, rec.channel, rec.preparer, rec.approver) == ("sports-day", "facebook", "jo", "head")
    assert (rec.people_shown, rec.people_covered, rec.names_covered) == (["A1"], ["B2"], ["C3"])
    assert rec.created_at and not rec.posted
    rows = records.audit.rows(action="export-recorded")
    assert len(rows) == 1 and rows[0]["details"]["export_id"] == rid
    assert rows[0]["user"] == "jo"
    assert records.audit.verify().ok


def test_person_filter_covers_shown_covered_and_named(records, tmp_path):
    records.add_export(make_export(tmp_path, 1, shown=["A1"]), batch="b", channel="website",
                       preparer=None, approver=None)
    records.add_export(make_export(tmp_path, 2, covered=["A1"]), batch="b", channel="website",
                       preparer=None, approver=None)
    records.add_export(make_export(tmp_path, 3, named=["A1"]), batch="b", channel="website",
                       preparer=None, approver=None)
    records.add_export(make_export(tmp_path, 4, shown=["Z9"]), batch="b", channel="website",
                       preparer=None, approver=None)
    assert [r.output_path[-12:] for r in records.exports(person="A1")] == [
        "photo001.jpg", "photo002.jpg", "photo003.jpg"]
    assert len(records.exports()) == 4
    assert records.exports(person="nobody") == []


def test_faces_add_people_the_result_did_not_list(records, tmp_path):
    res = make_export(tmp_path, 1)
    faces = [Face(box=(0, 0, 10, 10), score=.9, person="S1", match_status="recognised",
                  decision="show"),
             Face(box=(0, 0, 10, 10), score=.9, person="B1", match_status="recognised",
                  decision="cover"),
             Face(box=(0, 0, 10, 10), score=.9, person="U1", match_status="uncertain",
                  decision="cover")]
    records.add_export(res, batch="b", channel="x", preparer=None, approver=None, faces=faces)
    rec = records.exports()[0]
    assert rec.people_shown == ["S1"] and rec.people_covered == ["B1"]  # uncertain is not a person


def test_failed_or_missing_or_changed_export_is_refused(records, tmp_path):
    res = make_export(tmp_path, 1)
    res.error, res.output = "could not write", None
    with pytest.raises(RecordsError):
        records.add_export(res, batch="b", channel="x", preparer=None, approver=None)
    res2 = make_export(tmp_path, 2)
    with open(res2.output, "ab") as fh:
        fh.write(b"changed")
    with pytest.raises(RecordsError, match="changed"):
        records.add_export(res2, batch="b", channel="x", preparer=None, approver=None)
    assert records.exports() == []


def test_mark_posted_by_batch_by_content_and_by_path(records, tmp_path):
    a = make_export(tmp_path, 1, shown=["A1"])
    b = make_export(tmp_path, 2, shown=["A1"])
    c = make_export(tmp_path, 3, shown=["A1"])
    for r, batch in ((a, "trip"), (b, "trip"), (c, "other")):
        records.add_export(r, batch=batch, channel="facebook", preparer=None, approver=None)
    n = records.mark_posted(batch="trip", channel="facebook", date=dt.date(2025, 3, 1),
                            url="https://fb.example/p/1", user="jo")
    assert n == 2
    posted = {r.output_path[-12:]: r.posts for r in records.exports()}
    assert [p.posted_on for p in posted["photo001.jpg"]] == ["2025-03-01"]
    assert posted["photo003.jpg"] == []
    # by content: a renamed copy of the export is still found
    copy = tmp_path / "renamed.jpg"
    copy.write_bytes(open(c.output, "rb").read())
    assert records.mark_posted(files=[copy], channel="website") == 1
    # by output path, once the file itself is gone
    import os
    os.unlink(b.output)
    assert records.mark_posted(files=[b.output], channel="newsletter") == 1
    rec_b = [r for r in records.exports() if r.output_path.endswith("photo002.jpg")][0]
    assert {p.channel for p in rec_b.posts} == {"facebook", "newsletter"}
    # marking the same post twice does not duplicate it
    records.mark_posted(batch="trip", channel="facebook", date=dt.date(2025, 3, 1),
                        url="https://fb.example/p/1")
    rec_b = [r for r in records.exports() if r.output_path.endswith("photo002.jpg")][0]
    assert len([p for p in rec_b.posts if p.channel == "facebook"]) == 1
    assert len(records.audit.rows(action="posted")) == 4


def test_mark_posted_unknown_file_or_batch(records, tmp_path):
    records.add_export(make_export(tmp_path, 1), batch="b", channel="x", preparer=None, approver=None)
    stranger = tmp_path / "stranger.jpg"
    stranger.write_bytes(b"not an export at all")
    with pytest.raises(RecordsError, match="no export record"):
        records.mark_posted(files=[stranger], channel="x")
    with pytest.raises(RecordsError, match="no exports are recorded for batch"):
        records.mark_posted(batch="nope", channel="x")
    problems: list = []
    exported = records.exports()[0].output_path
    assert records.mark_posted(files=[stranger, exported], channel="x", problems=problems) == 1
    assert problems and problems[0][0] == stranger


def test_records_survive_reopening(tmp_path):
    db = open_db()
    Records(db).add_export(make_export(tmp_path, 5, shown=["P"]), batch="b", channel="press",
                           preparer="a", approver="b")
    db.close()
    again = Records(open_db())
    [rec] = again.exports()
    assert rec.people_shown == ["P"] and json.dumps(rec.to_dict())


def test_real_export_batch_results_are_recorded_and_identified(records, tmp_path):
    """ExportResults from photovet.core.media.export (the real writer) go straight into the records,
    and a downloaded copy of the written file is identified."""
    from afterpost_util import downloaded_copy, photo
    from photovet.core.media.export import export_batch
    from photovet.core.settings import Settings

    src = tmp_path / "camera"
    src.mkdir()
    for i in range(3):
        photo(40 + i, (800, 600)).save(src / f"IMG_{i}.JPG", "JPEG", quality=92)
    (tmp_path / "out").mkdir()
    results = [p.result for p in export_batch([src], tmp_path / "out", label="real",
                                              settings=Settings(), channel="website", workers=1)
               if p.result is not None]
    assert len(results) == 3 and all(r.ok for r in results)
    ids = [records.add_export(r, batch="real", channel="website", preparer="jo", approver="head")
           for r in results]
    recs = records.exports(batch="real")
    assert [r.id for r in recs] == ids
    assert all(r.output_sha256 == sha(r.output_path) and r.source_sha256 == sha(r.source_path)
               for r in recs)
    copy = downloaded_copy(recs[1].output_path, tmp_path / "dl.jpg")
    assert records.identify(copy)[0].record.id == ids[1]
