"""s48: PCs made from one image (a school's master copy) share their name and machine id, so
``fsutil.host_tag``. Their process ids say nothing about each other's: a copy in progress on
PC A, its process id not running on PC B, was taken by B for B's own left behind. Each test
plays PC B as this process with another id of its start (``fsutil.BOOT_ID_FILE``) and fails
on the code before s48."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from photovet.core import fsutil

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL: a register shared by the PCs


def _another_start(monkeypatch, tmp_path: Path) -> None:
    """From now on this process is a PC with this one's name and machine id (the same image)
    started apart from it: Linux's boot id differs."""
    other = tmp_path / "boot_id"
    other.write_text("3f0c9d1e-0000-4000-8000-00000000b00b\n")
    monkeypatch.setattr(fsutil, "BOOT_ID_FILE", str(other), raising=False)
    monkeypatch.setattr(fsutil, "_boot_tags", {}, raising=False)


def test_a_clones_export_being_named_is_left_alone_and_said(tmp_path, monkeypatch):
    """PC A recorded an export and is giving its copy its name in a shared folder; PC B (made
    from the same image, same name, same tag) opens the shared register, A's process id not
    running on B. Before: B forgot A's record ("nothing was published") and removed A's copy
    in progress. Now: both left as they are, and the school is told why, in words."""
    from tests.conftest import office_records
    from tests.core.test_file_audit_s46 import _recorded_naming

    rec = office_records()
    rid, temp = _recorded_naming(rec, tmp_path, 1)       # PC A's, its process not on B
    _another_start(monkeypatch, tmp_path)                 # this is PC B now
    notes = rec.settle_interrupted()
    assert temp.is_file(), "the other PC's copy in progress was removed"
    assert rid in {r.id for r in rec.exports()}, "the other PC's export record was forgotten"
    assert rec.db.one("SELECT naming FROM exports WHERE id = ?", [rid])[0] is not None
    assert len(notes) == 1, notes
    final = Path(rec.db.one("SELECT output_path FROM exports WHERE id = ?", [rid])[0])
    said = notes[0]
    assert final.name in said and "batch 'b'" in said and str(final.parent) in said
    assert "cannot tell" in said and "another computer" in said and "left as they are" in said
    assert "6 hours" in said and "export it again" in said
    assert "removed" not in said and "nothing was published" not in said
    rec.db.close()


def test_this_pcs_export_from_before_it_restarted_is_settled_once_nobody_touched_it(
        tmp_path, monkeypatch):
    """A power cut while an export was being named, then the PC restarted: its start's id is
    another, so it cannot tell that export from a clone's and leaves it; once nobody has
    touched it for hours (recorded then, its temporary file not written to since) it is
    settled as before: record forgotten, file removed, said."""
    from tests.conftest import office_records
    from tests.core.test_file_audit_s46 import _recorded_naming

    rec = office_records()
    rid, temp = _recorded_naming(rec, tmp_path, 1)
    _another_start(monkeypatch, tmp_path)                 # restarted since
    assert len(rec.settle_interrupted()) == 1 and temp.is_file()
    rec.db.execute("UPDATE exports SET created_at = ? WHERE id = ?",
                   ["2026-01-05T09:00:00+00:00", rid])
    assert len(rec.settle_interrupted()) == 1 and temp.is_file(), \
        "recorded long ago, its file written a moment ago: still under way"
    os.utime(temp, (1, 1))
    notes = rec.settle_interrupted()
    assert len(notes) == 1 and "its record was removed" in notes[0]
    assert rid not in {r.id for r in rec.exports()} and not temp.exists()
    assert rec.settle_interrupted() == []
    rec.db.close()


def test_a_pc_with_no_id_of_its_start_leaves_its_export_being_named(tmp_path, monkeypatch):
    """Where the system gives no id of its start (Windows), PhotoVet cannot tell its own
    export being named from a clone's: left and said, even with its process gone."""
    from tests.conftest import office_records
    from tests.core.test_file_audit_s46 import _recorded_naming

    monkeypatch.setattr(fsutil, "BOOT_ID_FILE", str(tmp_path / "none"), raising=False)
    monkeypatch.setattr(fsutil, "_boot_tags", {}, raising=False)
    rec = office_records()
    rid, temp = _recorded_naming(rec, tmp_path, 1)
    assert json.loads(rec.db.one("SELECT naming FROM exports WHERE id = ?",
                                 [rid])[0]).get("boot", "") == ""
    notes = rec.settle_interrupted()
    assert len(notes) == 1 and "cannot tell" in notes[0]
    assert rid in {r.id for r in rec.exports()} and temp.is_file()
    rec.db.close()


@pytest.mark.parametrize("where", ["export", "import"])
def test_a_clones_copy_in_progress_in_a_shared_folder_is_not_removed(tmp_path, monkeypatch,
                                                                     where):
    """PC A is writing a copy (an export's ``.part``, an import's temporary name) into a
    shared folder; PC B, made from the same image, cleans that folder up. Before: the name
    said this PC's name and id and a process B does not have, so B removed it. Now its start
    is in its name too: B leaves it; B's own dead process's file goes at once as before."""
    from photovet.core import transfer
    from photovet.core.media.export import TEMP_PREFIX, clean_leftovers
    from tests.core.test_crash_anywhere import _dead_pid

    shared = tmp_path / "shared"
    shared.mkdir()
    prefix, clean, tail, own_tail = (
        (TEMP_PREFIX, clean_leftovers, "-aaaa.part", "-bbbb.part") if where == "export"
        else (transfer.TMP_PREFIX, transfer.clean_temp_files, "-ab-IMG_1.JPG", "-cd-IMG_2.JPG"))
    dead = _dead_pid()

    def named(tail: str) -> Path:    # as ``temp_owner`` names it here, for the process ``dead``
        return shared / f"{prefix}{dead}@{fsutil.temp_owner().split('@', 1)[1]}{tail}"

    theirs = named(tail)                                             # written on PC A
    theirs.write_bytes(b"PC A is writing")
    _another_start(monkeypatch, tmp_path)                            # this is PC B
    mine = named(own_tail)
    mine.write_bytes(b"B's own, its process gone")
    assert clean(shared) == [mine]
    assert theirs.read_bytes() == b"PC A is writing"
