"""The same photo twice in a batch (a copy under another name) is exported once, by the app and
by the command alike, and both originals are deleted by "Delete originals" once the copy is
verified (s52).

Before, ``photovet export`` wrote it once and recorded only the first original, so a purge left
the other on the disk for good; the app wrote two identical files into the export folder (two
records), which kept the purge right at the cost of the same photo twice to post. The other
original's place is now kept with the export (``export_same_photo``,
``records-0013-export-same-photo``)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from photovet.core import transfer
from photovet.core.pipeline import analyse_batch, export_batch, export_counts, vet_batch
from photovet.core.transfer import purge_batch
from tests.core.test_pipeline import TODAY, make_photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


@pytest.fixture
def trash(tmp_path, monkeypatch):
    bin_ = tmp_path / "Trash"
    bin_.mkdir()
    monkeypatch.setattr(transfer, "_trash",
                        lambda p: shutil.move(str(p), bin_ / f"{len(list(bin_.iterdir()))}-{Path(p).name}"))
    return bin_


@pytest.fixture
def trip(tmp_path) -> list[Path]:
    """Two photos and a copy of the first under another name (the order a folder lists them)."""
    src = tmp_path / "trip"
    src.mkdir()
    one = make_photo(src / "IMG_0001.jpg", colour=(200, 120, 90))
    two = make_photo(src / "IMG_0002.jpg", colour=(90, 200, 120))
    copy = src / "IMG_0001 (1).jpg"
    copy.write_bytes(one.read_bytes())
    return [one, copy, two]


def _results(steps) -> list:
    return [s.result for s in steps if s.result is not None]


def _app_export(ws, engine, paths: list[Path], out: Path, **kw) -> list:
    analyses = _results(analyse_batch(paths, engine, "website", on=TODAY))
    out.mkdir(exist_ok=True)
    return _results(export_batch(analyses, out, label="Trip", engine=engine, channel="website",
                                 records=ws.records, **kw))


def _command_export(ws, engine, paths: list[Path], out: Path) -> list:
    out.mkdir(exist_ok=True)
    return _results(vet_batch(paths, engine, "website", out, label="Trip", records=ws.records,
                              on=TODAY, workers=1))


@pytest.mark.parametrize("export", [_app_export, _command_export], ids=["app", "command"])
def test_the_same_photo_twice_is_written_once_and_both_originals_are_deleted(
        ws, engine, trip, tmp_path, trash, export):
    one, copy, two = trip
    out = tmp_path / "out"
    res = export(ws, engine, trip, out)
    assert all(r.ok for r in res), [r.error for r in res]
    assert sorted(p.name for p in out.iterdir()) == ["trip-001.jpg", "trip-002.jpg"]
    by_source = {Path(r.source).name: r for r in res}
    assert by_source[copy.name].same_as == str(one)
    assert by_source[copy.name].output == by_source[one.name].output
    assert len(ws.records.exports(batch="Trip")) == 2
    assert export_counts(res).written == (2, 0) and export_counts(res).same == 1

    report = purge_batch(ws.records, "Trip", allow_exported=True)
    done = {Path(i.source).name: i.status for i in report.items}
    assert done == {one.name: "deleted", copy.name: "deleted", two.name: "deleted"}
    assert not one.exists() and not copy.exists() and not two.exists()
    assert len(list(trash.iterdir())) == 3
    # its place is forgotten with it (a file name may name a pupil), its content kept
    assert ws.db.all("SELECT source_path, source_sha256 != '' FROM export_same_photo") == [
        ("", True)]
    # asked again: nothing is looked for twice, nothing said missing
    again = purge_batch(ws.records, "Trip", allow_exported=True)
    assert {i.status for i in again.items} == {"already-deleted"}


def test_the_other_original_is_kept_while_the_copy_is_not_verified(ws, engine, trip, tmp_path,
                                                                   trash):
    """The same rules as for the first original: a copy changed since it was exported keeps
    both originals."""
    one, copy, _two = trip
    out = tmp_path / "out"
    res = _command_export(ws, engine, trip, out)
    with open(next(r.output for r in res if Path(r.source) == one), "ab") as fh:
        fh.write(b"edited")
    report = purge_batch(ws.records, "Trip", allow_exported=True)
    kept = {Path(i.source).name: i.status for i in report.items}
    assert kept[one.name] == kept[copy.name] == "refused"
    assert one.exists() and copy.exists()


def test_a_copy_whose_photo_was_not_written_is_not_exported_and_says_why(ws, engine, trip,
                                                                         tmp_path):
    """The app's export stopped before anything was written: the copy is not said exported."""
    stop = threading.Event()
    stop.set()
    res = _app_export(ws, engine, trip, tmp_path / "out", stop=stop)
    copy = next(r for r in res if Path(r.source) == trip[1])
    assert not copy.ok
    assert copy.error == ("IMG_0001 (1).jpg: not exported: it is the same photo as "
                          "IMG_0001.jpg, which was not exported")
    assert ws.db.scalar("SELECT COUNT(*) FROM export_same_photo") == 0


def test_the_retention_schedule_knows_where_the_other_original_is(ws, engine, trip, tmp_path):
    """Once no exported copy is left, the retention schedule deletes the originals that were
    exported: the other one too, which only its export knows."""
    _command_export(ws, engine, trip, tmp_path / "out")
    known = ws.retention().originals_known()
    assert known[str(trip[1])][2] == "the same photo as another, exported"


def test_recording_another_photo_as_an_exports_original_is_refused(ws, engine, trip, tmp_path):
    from photovet.core.records.exports import RecordsError

    res = _command_export(ws, engine, trip, tmp_path / "out")
    rec = ws.records.exports(batch="Trip")[0]
    other = next(r for r in res if r.source_sha256 != rec.source_sha256)
    with pytest.raises(RecordsError):
        ws.records.same_photo(rec.id, other.source, other.source_sha256)
    assert not ws.records.same_photo(rec.id, rec.source_path, rec.source_sha256)  # its own


def test_a_name_that_is_not_utf8_is_not_recorded_as_its_own_twin(ws, engine, tmp_path):
    """The register holds such a name as text (\\xNN): the export's own original, asked
    again under its name on the disk, is the export's original, not another."""
    import os

    src = tmp_path / "trip"
    src.mkdir()
    odd = Path(os.fsdecode(bytes(src) + b"/caf\xe9.jpg"))
    make_photo(odd)
    res = _command_export(ws, engine, [odd], tmp_path / "out")
    assert res[0].ok, res[0].error
    rec = ws.records.exports(batch="Trip")[0]
    assert not ws.records.same_photo(rec.id, odd, rec.source_sha256)
    assert ws.db.scalar("SELECT COUNT(*) FROM export_same_photo") == 0
