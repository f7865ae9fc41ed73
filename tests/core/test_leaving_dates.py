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
def ws_two_pupils(tmp_path):
    w = Workspace.open(access=office_access("Olive Office"))
    w.import_register(register_csv(tmp_path / "mis.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe"},
        {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"}]))
    yield w
    w.close()


def test_one_date_for_several_people_all_or_none(ws_two_pupils):
    with pytest.raises(UnknownPersonError):
        ws_two_pupils.register.set_leaving_dates([UPNS[0], "Z000000000000"], JULY)
    assert ws_two_pupils.register.person(UPNS[0]).leaving_date is None          # nothing was recorded
    for pid in UPNS[:2]:
        ws_two_pupils.register.store_signatures({pid: [(np.full(128, 0.1), f"{pid}.jpg")]}, replace=True,
                                     source="test")
    ws_two_pupils.register.set_leaving_dates(UPNS[:2], JULY)
    assert [ws_two_pupils.register.person(p).leaving_date for p in UPNS[:2]] == [JULY, JULY]
    assert len(ws_two_pupils.audit.rows(action="register.leaving-date")) == 2
    due = {i.ref for i in ws_two_pupils.retention().due(("signatures",))}
    assert due == {f"person:{UPNS[0]}", f"person:{UPNS[1]}"}


def _file(tmp_path, name: str, leaving: str = "", *, column: bool = True):
    """Joe and Ben, Joe with ``leaving`` as his leaving date; ``column=False``: a file with
    no leaving date column at all."""
    path = register_csv(tmp_path / name, [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe", "leaving": leaving},
        {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"}])
    if not column:
        rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
        at = rows[0].index("Leaving Date")
        path.write_text("\r\n".join(",".join(r[:at] + r[at + 1:]) for r in rows) + "\r\n",
                        encoding="utf-8")
    return path


KEPT = "Leaving date 18/07/2025 kept: entered here, not in the file"


def test_an_import_keeps_a_leaving_date_entered_here_that_the_file_does_not_have(ws_two_pupils, tmp_path):
    """s31 (fail closed): a leaving date entered in PhotoVet was cleared by the next import of
    a file that lists the person without one (s30 only said so): a pupil the office knows has
    left was current again, their consent deciding. It is kept, and the preview and the report
    say so; "they are back" clears it, audited."""
    ws_two_pupils.register.set_leaving_date(UPNS[0], dt.date(2025, 7, 18))
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date_by_hand and joe.to_dict()["leaving_date_by_hand"] is True
    again = _file(tmp_path, "again.csv")
    preview = ws_two_pupils.register.import_csv(again, dry_run=True)
    assert not preview.details_changed and not preview.leavers
    [kept] = preview.leaving_dates_kept
    assert (kept.person_id, kept.message) == (UPNS[0], KEPT)
    lines = preview.summary_lines()
    assert f"  Joe Harris ({UPNS[0]}): {KEPT}" in lines
    assert any(line.startswith("Leaving dates kept (always covered from that day)")
               for line in lines)
    assert "  If someone is back: photovet register back ID (in the app: They are back\u2026 on " \
        "their page)" in lines
    assert "Nothing changed" not in "\n".join(lines)
    assert preview.to_dict()["leaving_dates_kept"] == [
        {"person_id": UPNS[0], "name": "Joe Harris", "message": KEPT}]
    report = ws_two_pupils.register.import_csv(again)
    assert [n.message for n in report.leaving_dates_kept] == [KEPT]
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date == dt.date(2025, 7, 18) and joe.leaving_date_by_hand
    [row] = ws_two_pupils.audit.rows(action="register.import")[-1:]
    assert row["details"]["leaving_dates_kept"] == [UPNS[0]]
    # and by every import after it, until someone says they are back
    assert ws_two_pupils.register.import_csv(again).leaving_dates_kept
    assert ws_two_pupils.register.person(UPNS[0]).leaving_date == dt.date(2025, 7, 18)
    assert ws_two_pupils.register.they_are_back(UPNS[0]) == dt.date(2025, 7, 18)
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date is None and not joe.leaving_date_by_hand
    [back] = ws_two_pupils.audit.rows(action="register.back")
    assert back["details"] == {"person_id": UPNS[0], "leaving_date": "2025-07-18",
                               "entered": "here"}
    assert ws_two_pupils.register.they_are_back(UPNS[0]) is None          # nothing to clear: no row
    assert len(ws_two_pupils.audit.rows(action="register.back")) == 1
    after = ws_two_pupils.register.import_csv(again, dry_run=True)
    assert not after.leaving_dates_kept and not after.details_changed


def test_a_leaving_date_the_file_gave_and_no_longer_has_is_cleared(ws_two_pupils, tmp_path):
    """A leaving date a register file gave is the MIS's: a later file whose leaving date
    column no longer has it clears it (said as a change), as before."""
    ws_two_pupils.register.import_csv(_file(tmp_path, "july.csv", "18/07/2025"))
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date == dt.date(2025, 7, 18) and not joe.leaving_date_by_hand
    said = ("Leaving date: 18/07/2025 \u2192 none in the file (no longer a leaver: their "
            "consent decides again; if they have left, put the date in the MIS first)")
    report = ws_two_pupils.register.import_csv(_file(tmp_path, "sept.csv"), seen_before_ok=True)
    assert [c.what for c in report.details_changed] == [said]
    assert not report.leaving_dates_kept
    assert ws_two_pupils.register.person(UPNS[0]).leaving_date is None


def test_a_file_with_no_leaving_date_column_keeps_every_leaving_date(ws_two_pupils, tmp_path):
    """A file with no leaving date column says nothing about leaving (as a file without a
    family column says nothing about siblings): a date an earlier file gave is kept, and said."""
    ws_two_pupils.register.import_csv(_file(tmp_path, "july.csv", "18/07/2025"))
    report = ws_two_pupils.register.import_csv(_file(tmp_path, "no-column.csv", column=False))
    assert [n.message for n in report.leaving_dates_kept] == [
        "Leaving date 18/07/2025 kept: this file has no leaving date column"]
    assert not report.details_changed
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date == dt.date(2025, 7, 18) and not joe.leaving_date_by_hand


def test_a_file_with_a_leaving_date_sets_it_and_it_is_the_files_from_then(ws_two_pupils, tmp_path):
    """The file has a date for someone whose date was entered here: the file's is recorded,
    as the file's (a later file without it clears it)."""
    ws_two_pupils.register.set_leaving_date(UPNS[0], dt.date(2025, 7, 18))
    report = ws_two_pupils.register.import_csv(_file(tmp_path, "mis.csv", "20/07/2025"))
    assert [p.id for p in report.leavers] == [UPNS[0]] and not report.leaving_dates_kept
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date == dt.date(2025, 7, 20) and not joe.leaving_date_by_hand
    assert ws_two_pupils.register.import_csv(_file(tmp_path, "sept.csv"),
                                             seen_before_ok=True).details_changed
    assert ws_two_pupils.register.person(UPNS[0]).leaving_date is None


def test_the_migration_tells_a_date_entered_here_from_one_a_file_gave(ws_two_pupils, tmp_path):
    """register-0009-leaving-date-source, on a register made before it: a leaving date whose
    last hand entry in the audit log is that date was entered here; any other, a file's."""
    from photovet.core.storage.migrations import migrate

    ws_two_pupils.register.import_csv(_file(tmp_path, "july.csv", "18/07/2025"))      # Joe: the file's
    ws_two_pupils.register.set_leaving_date(UPNS[1], dt.date(2025, 7, 21))             # Ben: by hand
    db = ws_two_pupils.db
    with db.atomic():
        db.execute("ALTER TABLE people DROP COLUMN leaving_date_source")
        db.execute("DELETE FROM _migrations WHERE name = 'register-0009-leaving-date-source'")
    assert migrate(db) == ["register-0009-leaving-date-source"]
    assert not ws_two_pupils.register.person(UPNS[0]).leaving_date_by_hand
    ben = ws_two_pupils.register.person(UPNS[1])
    assert ben.leaving_date_by_hand
    assert db.scalar("SELECT leaving_date_source FROM people WHERE id = ?", [UPNS[1]]) == \
        "user:Olive Office"
    assert db.scalar("SELECT leaving_date_source FROM people WHERE id = ?",
                     [UPNS[0]]).startswith("import:import-")


def test_the_migration_forgets_a_hand_entry_made_before_the_person_was_removed(ws_two_pupils, tmp_path):
    """register-0009-leaving-date-source (review s31): a person removed from the register
    (everything about them deleted) and added again by a later import is a new row: a leaving
    date entered by hand before the removal is not theirs now. Their date, from the file, was
    taken as entered here when it was the same day (kept by every later import whose file has
    none: the MIS could no longer bring them back; the person page said "entered in
    PhotoVet")."""
    from photovet.core.storage.migrations import migrate

    ws_two_pupils.register.set_leaving_date(UPNS[0], dt.date(2025, 7, 18))             # by hand...
    ws_two_pupils.register.delete_person(UPNS[0], reason="added by mistake")            # ...removed...
    ws_two_pupils.register.import_csv(_file(tmp_path, "july.csv", "18/07/2025"),       # ...the file's now
                                      add_again=[UPNS[0]])
    ws_two_pupils.register.set_leaving_date(UPNS[1], dt.date(2025, 7, 21))             # Ben: by hand
    ws_two_pupils.register.delete_person(UPNS[1], reason="added by mistake")
    ws_two_pupils.register.import_csv(_file(tmp_path, "july2.csv", "18/07/2025"), add_again=[UPNS[1]])
    ws_two_pupils.register.set_leaving_date(UPNS[1], dt.date(2025, 7, 22))             # by hand, after
    assert not ws_two_pupils.register.person(UPNS[0]).leaving_date_by_hand
    db = ws_two_pupils.db
    with db.atomic():
        db.execute("ALTER TABLE people DROP COLUMN leaving_date_source")
        db.execute("DELETE FROM _migrations WHERE name = 'register-0009-leaving-date-source'")
    assert migrate(db) == ["register-0009-leaving-date-source"]
    assert not ws_two_pupils.register.person(UPNS[0]).leaving_date_by_hand
    assert db.scalar("SELECT leaving_date_source FROM people WHERE id = ?",
                     [UPNS[0]]).startswith("import:import-")
    assert ws_two_pupils.register.person(UPNS[1]).leaving_date_by_hand                 # entered since


def test_a_leaving_date_entered_here_for_later_is_kept_and_not_called_left(ws_two_pupils, tmp_path):
    """Review s31: a leaving date entered here for a day still to come (a pupil leaving at
    the end of term) is kept by an import whose file has none, like any other; the report
    said "still leavers, always covered" of them: they have not left, and their consent still
    decides until that day."""
    later = dt.date.today() + dt.timedelta(days=60)
    ws_two_pupils.register.set_leaving_date(UPNS[0], later)
    report = ws_two_pupils.register.import_csv(_file(tmp_path, "again.csv"))
    assert ws_two_pupils.register.person(UPNS[0]).leaving_date == later
    [kept] = report.leaving_dates_kept
    assert kept.message == (f"Leaving date {later:%d/%m/%Y} kept: entered here, not in the "
                            f"file (not left yet: always covered from that day)")
    text = "\n".join(report.summary_lines())
    assert "still leavers" not in text
    assert "Leaving dates kept (always covered from that day)" in text


def test_a_file_date_still_to_come_does_not_make_someone_who_left_current_again(ws_two_pupils, tmp_path):
    """Review s31 (fail closed): someone PhotoVet was told has left (a leaving date entered
    here, passed) was made current again by an import whose file gives a leaving date still to
    come (a planned date, a mistake in the MIS): their consent decided again, said only as a
    changed detail. The date entered here is kept, and said, until someone says they are
    back (as consent set by hand is kept against a file that allows more); a file date that
    has passed too is the file's, as before."""
    ws_two_pupils.register.set_leaving_date(UPNS[0], JULY)
    later = dt.date.today() + dt.timedelta(days=60)
    preview = ws_two_pupils.register.import_csv(_file(tmp_path, "mis.csv", f"{later:%d/%m/%Y}"),
                                     dry_run=True)
    assert not preview.details_changed and not preview.leavers
    [kept] = preview.leaving_dates_kept
    assert kept.message == (f"Leaving date {JULY:%d/%m/%Y} kept: entered here; the file's "
                            f"{later:%d/%m/%Y} would make them current again")
    ws_two_pupils.register.import_csv(_file(tmp_path, "mis.csv", f"{later:%d/%m/%Y}"))
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date == JULY and joe.leaving_date_by_hand
    assert joe.has_left(dt.date.today())
    # they are back: the file's date from then
    ws_two_pupils.register.they_are_back(UPNS[0])
    ws_two_pupils.register.import_csv(_file(tmp_path, "mis.csv", f"{later:%d/%m/%Y}"))
    joe = ws_two_pupils.register.person(UPNS[0])
    assert joe.leaving_date == later and not joe.leaving_date_by_hand
