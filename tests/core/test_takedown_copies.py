"""Take-down items say where the exported copy is, and marking an item done can delete that
copy: only the file exactly as exported, never through a link, audited (audit item 13)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from afterpost_util import FakeRegister, make_export, person

from photovet.core.records import takedown
from photovet.core.storage import open_db
from tests.conftest import office_records

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def listed(tmp_path):
    rec = office_records(open_db())
    reg = FakeRegister([person("AMY", "Amy", "Able")])
    rec.register = reg      # what a post is checked against
    results = [make_export(tmp_path, i, shown=["AMY"], name=f"trip{i}") for i in range(3)]
    for r in results:
        rec.add_export(r, batch="trip", channel="facebook")
    rec.mark_posted(batch="trip", channel="facebook", date=dt.date(2026, 11, 1))
    reg.withdraw("AMY", "facebook")
    items = {Path(i.output_path).name: i for i in takedown.evaluate(rec, reg, TODAY)}
    return rec, reg, results, items


def test_an_item_says_where_the_exported_copy_is(listed, tmp_path):
    rec, reg, results, items = listed
    it = items["trip0.jpg"]
    assert it.copy_on_disk and it.copy_text.endswith(results[0].output)
    os.unlink(results[0].output)
    again = {Path(i.output_path).name: i for i in takedown.evaluate(rec, reg, TODAY)}
    assert not again["trip0.jpg"].copy_on_disk
    assert again["trip0.jpg"].copy_text == "The exported copy is no longer on this PC"
    page = takedown.write_html(list(again.values()), tmp_path / "td.html").read_text("utf-8")
    assert "The exported copy is still on this PC" in page and "no longer on this PC" in page
    import csv

    rows = csv.DictReader(open(takedown.write_csv(list(again.values()), tmp_path / "td.csv"),
                               encoding="utf-8-sig"))
    assert {Path(r["file"]).name: r["copy_on_this_pc"] for r in rows} == {
        "trip0.jpg": "No", "trip1.jpg": "Yes", "trip2.jpg": "Yes"}


def test_the_exported_copy_is_deleted_verified_and_audited(listed):
    rec, _reg, results, items = listed
    it = items["trip0.jpg"]
    takedown.mark_done(rec, [it.id])
    (done,) = takedown.delete_copies(rec, [it.id])
    assert done.deleted and done.path == results[0].output
    assert not os.path.lexists(results[0].output) and os.path.exists(results[0].source)
    row = rec.audit.rows(action="takedown.copy-deleted")[-1]
    # by its content, never its file name (made from the batch label: s32)
    assert "output" not in row["details"] and row["details"]["export_id"] == it.export_id
    assert row["details"]["sha256"] == results[0].output_sha256
    (again,) = takedown.delete_copies(rec, [it.id])
    assert not again.deleted and "no longer on this PC" in again.message


def test_a_changed_file_a_link_or_a_hard_link_is_never_deleted(listed, tmp_path):
    rec, _reg, results, items = listed
    # changed since it was exported: not the copy PhotoVet made
    Path(results[0].output).write_bytes(b"someone else's file")
    # a shortcut in place of the export, pointing at another file
    other = tmp_path / "other.jpg"
    other.write_bytes(Path(results[1].output).read_bytes())
    os.unlink(results[1].output)
    os.symlink(other, results[1].output)
    # the export with a second name
    twin = tmp_path / "twin.jpg"
    os.link(results[2].output, twin)
    got = takedown.delete_copies(rec, [items[f"trip{i}.jpg"].id for i in range(3)])
    assert [g.deleted for g in got] == [False, False, False]
    assert "changed since it was exported" in got[0].message
    assert "shortcut" in got[1].message and "hard link" in got[2].message
    assert Path(results[0].output).read_bytes() == b"someone else's file"
    assert other.exists() and os.path.islink(results[1].output)
    assert Path(results[2].output).exists() and twin.exists()
    assert len(rec.audit.rows(action="takedown.copy-kept")) == 3


def test_every_earlier_copy_is_listed_whatever_batch_or_folder(tmp_path):
    """s36 (checked: no gap): an exported copy an export into the same folder again does not
    replace (a photo left out of the batch exported again), and a copy of the same photo in
    another folder, are each an export record of their own: a withdrawal lists every one
    that shows the pupil, with where its copy is, while another channel's is not listed."""
    rec = office_records(open_db())
    reg = FakeRegister([person("AMY", "Amy", "Able")])
    first = [make_export(tmp_path / "web", i, shown=["AMY"], size=(96, 72), name=f"trip{i}") for i in range(3)]
    for r in first:
        rec.add_export(r, batch="trip", channel="facebook")
    # exported again into the same folder: only the first photo, under its own name
    again = make_export(tmp_path / "web", 0, shown=["AMY"], size=(96, 72), name="trip0 (2)")
    rec.add_export(again, batch="trip", channel="facebook")
    # the same photo in another folder, and on another channel
    elsewhere = make_export(tmp_path / "usb", 1, shown=["AMY"], size=(96, 72), name="trip1")
    rec.add_export(elsewhere, batch="trip for the newsletter", channel="facebook")
    website = make_export(tmp_path / "site", 1, shown=["AMY"], size=(96, 72), name="trip1")
    rec.add_export(website, batch="trip", channel="website")
    reg.withdraw("AMY", "facebook")
    items = takedown.evaluate(rec, reg, TODAY)
    assert sorted(i.output_path for i in items) == sorted(
        r.output for r in (*first, again, elsewhere))
    assert all(i.copy_on_disk and i.channel == "facebook" for i in items)


def test_a_copy_exported_again_under_the_same_name_is_deleted_with_its_own_item(tmp_path):
    """s59 review: two take-down items whose exports were written to the same file name (the
    first copy deleted by hand, the photo exported again under that name): deleting both
    items' copies said the first's "has changed since it was exported; kept" and skipped the
    second as the same file, so the second's copy, exactly as exported and still to take down,
    stayed in the export folder with nothing said of it."""
    rec = office_records(open_db())
    reg = FakeRegister([person("AMY", "Amy", "Able")])
    rec.register = reg
    first = make_export(tmp_path, 1, shown=["AMY"], name="trip1")
    rec.add_export(first, batch="trip", channel="facebook")
    os.unlink(first.output)
    again = make_export(tmp_path, 2, shown=["AMY"], name="trip1")
    assert again.output == first.output and again.output_sha256 != first.output_sha256
    rec.add_export(again, batch="trip", channel="facebook")
    reg.withdraw("AMY", "facebook")
    items = takedown.evaluate(rec, reg, TODAY)
    assert len(items) == 2
    # the file there is the later export's: the first item's copy is not on this PC
    assert {i.export_id: i.copy_on_disk for i in items} == {1: False, 2: True}
    by_export = {i.export_id: i.id for i in items}
    said = takedown.delete_copies(rec, sorted(by_export.values()))
    assert not os.path.lexists(again.output), said
    assert [(c.item, c.deleted, c.message) for c in said] == [
        (by_export[2], True, "deleted"),
        (by_export[1], False, "the exported copy is no longer on this PC; nothing to delete")]
