"""Principle 3, proved by crashing: every operation that writes files or the register is run as a
real command (``python -m photovet ...``) that ends at a named moment between two durable steps
(``PHOTOVET_CRASH_AT``, photovet/core/fsutil.crash_point: ``os._exit(137)``, what a kill -9 or a
power cut leaves behind a process: no clean-up, no finally). After each crash the invariants of
tests/core/crash_util.py are checked; then the same command is run again and must finish the
work, leaving no temporary file.

Operations: import from a card (with clearing), scan, export (photos and a video), deleting
originals after a verified, posted export (trash and permanent), the retention schedule,
enrolment, and a migration (a register made by 0.1.0 opened for the first time). Each crash
point must be reached (a renamed point fails the test instead of passing silently).

bench/crash_sweep.py runs the longer sweeps: every commit of a migration, random SIGKILLs.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.core.crash_util import (
    OLD_REGISTER_DUMP,
    Office,
    clean_of_temp,
    exports_consistent,
    files_under,
    gps_jpeg,
    is_temp,
    no_half_files,
    old_register,
    prefix_schemas,
    register_sound,
    schema,
    sha,
    tiny_clip,
)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="crash points end the process the POSIX way")

SETTINGS = {"approval.required": False, "text.enabled": False}


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Office:
    """One data folder for the photo operations (approval and name reading off: the crashes
    are about files, not models)."""
    return Office(tmp_path_factory.mktemp("crash-office"), settings=SETTINGS).create()


def _photos(folder: Path, n: int, seed: int) -> dict[Path, str]:
    return {p: sha(p) for p in (gps_jpeg(folder / f"IMG_{seed:03d}{i}.JPG", seed * 10 + i)
                                for i in range(n))}


# --------------------------------------------------------------------------------------------
# Import from a card, clearing it. The crashes follow each other on one card: each command
# first finishes what the one before left (a photo copied, not yet cleared) and then stops at
# the next point; a last, clean run must leave every photo copied once and the card clear.
# --------------------------------------------------------------------------------------------

IMPORT_POINTS = ["import.temp-written@2", "import.copied@2", "import.delete-pending@2",
                 "import.removed@2", "db.committed@3"]


@pytest.mark.parametrize("permanent", [True, False], ids=["permanent", "trash"])
def test_import_from_a_card_with_clearing(office, permanent):
    card, pc = office.base / f"card-{permanent}", office.base / f"pc-{permanent}"
    points = IMPORT_POINTS if permanent else IMPORT_POINTS[2:4]
    originals = _photos(card / "DCIM" / "100PHONE", 2 * len(points) + 2, seed=100 + permanent)
    args = ["import-device", card, "--into", pc, "--clear"] + (["--permanent"] if permanent else [])
    for point in points:
        office.run(*args, crash=point)
        for src, digest in originals.items():
            rel = src.relative_to(card)
            if not (src.is_file() and sha(src) == digest):
                copy = pc / rel
                assert copy.is_file() and sha(copy) == digest, f"LOST at {point}: {rel}"
                # by its content: the audit log holds no path (DPO audit s30)
                assert office.audited("device-delete-pending", digest), \
                    f"{rel} left the card without an 'about to delete' record ({point})"
        no_half_files(pc, known=set(originals.values()))
        register_sound(office)
    office.run(*args)              # a clean run finishes the work
    for src, digest in originals.items():
        assert not src.exists() and sha(pc / src.relative_to(card)) == digest
    assert len([p for p in files_under(pc) if not is_temp(p)]) == len(originals)
    clean_of_temp(pc, card)


# --------------------------------------------------------------------------------------------
# Scan (writes only the analysis cache)
# --------------------------------------------------------------------------------------------

def test_scan(office):
    src = office.base / "scan-trip"
    originals = _photos(src, 2, seed=200)
    office.run("scan", "--no-text", src, crash="cache.temp-written@1", ok=(0, 1))
    assert {p: sha(p) for p in originals} == originals
    register_sound(office)
    left = [p for p in files_under(office.home / "cache") if is_temp(p)]
    assert left, "the crash left no temporary cache file: the point missed its moment"
    for p in left:                  # as if the crash was long ago (nobody is still writing it)
        os.utime(p, (1, 1))
    office.run("scan", "--no-text", src)
    assert {p: sha(p) for p in originals} == originals
    assert not [p for p in left if p.exists()], "an interrupted save's temporary file stays"


# --------------------------------------------------------------------------------------------
# Export: photos and a video, into one folder each, crash after crash; the first crash is the
# one between recording an export and naming its file, then any command reopens the register
# and must settle it (and say so)
# --------------------------------------------------------------------------------------------

EXPORT_POINTS = ["export.recorded@2", "export.temp-written@2", "export.named@2",
                 "db.committed@2"]
VIDEO_POINTS = ["export.recorded@1", "export.temp-written@1", "export.named@1"]


def _export_crashes(office: Office, points: list[str], make, out: Path, label: str) -> None:
    """Crash an export of new photos (``make(k)``: {path: sha} in a folder of its own) into
    ``out`` at each point; then one export of every folder finishes the work."""
    out.mkdir(parents=True, exist_ok=True)
    sources: list[Path] = []
    originals: dict[Path, str] = {}
    for k, point in enumerate(points):
        made = make(k)
        originals.update(made)
        sources.append(next(iter(made)).parent)
        office.run("export", "--out", out, "--label", label, sources[-1], crash=point)
        assert {p: sha(p) for p in originals} == originals, "an original changed"
        exports_consistent(office, [out], every_record=False)
        no_half_files(out)
        register_sound(office)
        if point.startswith("export.recorded"):
            # recorded, never named: any command that opens the register settles it
            reopened = office.run("exports", "--batch", label)
            assert "interrupted" in reopened.stderr, "reopening does not say what was interrupted"
            exports_consistent(office, [out], every_record=True)
    office.run("export", "--out", out, "--label", label, *sources)   # finishes the work
    exports_consistent(office, [out], every_record=True)
    clean_of_temp(out)
    exported = {s for (s,) in office.rows("SELECT source_sha256 FROM exports WHERE batch = ?",
                                          (label,))}
    assert set(originals.values()) <= exported, "an original was never exported"
    assert office.rows("SELECT COUNT(*) FROM exports WHERE batch = ? AND naming IS NOT NULL",
                       (label,))[0][0] == 0


def test_export_photos(office):
    _export_crashes(office, EXPORT_POINTS,
                    lambda k: _photos(office.base / f"export-trip{k}", 2, seed=300 + k),
                    office.base / "out", "crash-export")


def test_export_a_video(office):
    def clip(k: int) -> dict[Path, str]:
        (office.base / f"video-trip{k}").mkdir()
        path = tiny_clip(office.base / f"video-trip{k}" / f"VID_{k}.mp4", seed=k)
        return {path: sha(path)}

    _export_crashes(office, VIDEO_POINTS, clip, office.base / "vout", "crash-video")


# --------------------------------------------------------------------------------------------
# Deleting originals once a verified export was posted, then the retention schedule (export
# copies due at once). As for the card: the crashes follow each other on one batch.
# --------------------------------------------------------------------------------------------

PURGE_POINTS = {True: ["purge.pending@1", "purge.hidden@1", "purge.overwritten@1",
                       "purge.removed@1"],
                False: ["purge.pending@1", "purge.removed@1"]}


def _deleted_safely(office: Office, p: Path, digest: str, point: str) -> None:
    """``p`` is there untouched, or gone with an 'about to delete' record and a verified copy."""
    hidden = p.with_name(".photovet-purge-" + p.name)
    if p.exists():
        assert sha(p) == digest, f"{p.name} changed in place ({point})"
        assert not hidden.exists()
        return
    # by its content: a finished deletion keeps no path (DPO audit s30)
    state = office.rows("SELECT state, export_id FROM purges WHERE sha256 = ? "
                        "ORDER BY id DESC LIMIT 1", (digest,))
    assert state and state[0][0] in ("pending", "deleted"), \
        f"{p.name} deleted without an 'about to delete' record ({point})"
    assert office.audited("original-delete-pending", digest)
    out_path, out_sha = office.rows("SELECT output_path, output_sha256 FROM exports "
                                    "WHERE id = ?", (state[0][1],))[0]
    assert sha(Path(out_path)) == out_sha, "deleted without a verified copy"


@pytest.mark.parametrize("permanent", [True, False], ids=["permanent", "trash"])
def test_purge_after_posting(office, permanent):
    points = PURGE_POINTS[permanent]
    src, out, batch = (office.base / f"purge-trip-{permanent}", office.base / f"pout-{permanent}",
                       f"crash-purge-{permanent}")
    originals = _photos(src, len(points) + 2, seed=400 + permanent)
    out.mkdir()
    office.run("export", "--out", out, "--label", batch, src)
    office.run("posted", "--batch", batch, "--channel", "website")
    args = ["purge", batch] + (["--permanent"] if permanent else [])
    for point in points:
        office.run(*args, crash=point)
        for p, digest in originals.items():
            _deleted_safely(office, p, digest, point)
        register_sound(office)
    pending = office.rows("SELECT COUNT(*) FROM purges WHERE state = 'pending'")[0][0]
    assert pending, "no crash left a deletion to finish: the points missed their moment"
    again = office.run(*args)      # the next purge of the batch finishes the deletions
    assert "not finished" in again.stderr, "reopening does not say what was interrupted"
    assert not any(p.exists() for p in originals)
    clean_of_temp(src)
    marks = ",".join("?" * len(originals))
    states = office.rows(f"SELECT state, source_path FROM purges WHERE sha256 IN ({marks})",
                         tuple(originals.values()))
    assert {s for (s, _) in states} == {"deleted"}, states
    assert {where for (_, where) in states} == {""}, "a deleted original's path was kept"
    if permanent:
        trash = office.base / "xdg" / "Trash" / "files"
        assert not [p for p in files_under(trash) if sha(p) in originals.values()]


RETENTION_POINTS = ["retention.pending@1", "retention.hidden@1", "purge.overwritten@1",
                    "retention.removed@1"]


@pytest.fixture(scope="module")
def keeper(tmp_path_factory) -> Office:
    return Office(tmp_path_factory.mktemp("crash-retention"),
                  settings=dict(SETTINGS, **{"retention.export_copies_days": 0})).create()


def test_retention_apply_permanent(keeper):
    src, out = keeper.base / "trip", keeper.base / "out"
    originals = _photos(src, len(RETENTION_POINTS) + 2, seed=500)
    out.mkdir()
    keeper.run("export", "--out", out, "--label", "ret", src)
    copies = {Path(p): s for p, s in keeper.rows(
        "SELECT output_path, output_sha256 FROM exports WHERE batch = 'ret'")}
    for point in RETENTION_POINTS:
        keeper.run("retention", "--apply", "--permanent", crash=point)
        for p, digest in copies.items():
            if p.exists():
                assert sha(p) == digest, f"{p.name} changed in place"
                continue
            rows = keeper.rows("SELECT state FROM retention_deletions WHERE sha256 = ?",
                               (digest,))
            assert rows and rows[-1][0] in ("pending", "deleted"), f"{p.name} deleted unrecorded"
        assert {p: sha(p) for p in originals} == originals, "an original was touched"
        register_sound(keeper)
    pending = keeper.rows("SELECT COUNT(*) FROM retention_deletions WHERE state = 'pending'")
    assert pending[0][0], "no crash left a deletion to finish: the points missed their moment"
    again = keeper.run("retention", "--apply", "--permanent", ok=(0, 1))
    assert "not finished" in again.stderr, "reopening does not say what was interrupted"
    assert not any(p.exists() for p in copies)
    clean_of_temp(out)
    assert not keeper.rows("SELECT * FROM retention_deletions WHERE state = 'pending'")
    keeper.audit_ok()


# --------------------------------------------------------------------------------------------
# Enrolment (real portraits from the shared data; one transaction for the folder)
# --------------------------------------------------------------------------------------------

ENROL_POINTS = ["db.committed@2"]


@pytest.mark.slow
@pytest.mark.parametrize("point", ENROL_POINTS)
def test_enrolment(tmp_path, point):
    from tests.conftest import shared_data

    portraits = sorted(shared_data("identities").glob("*.jpg"))[:3]
    office = Office(tmp_path).create()
    folder = tmp_path / "portraits"
    folder.mkdir()
    ids = [f"K{i:012d}" for i in range(len(portraits))]
    for pid, p in zip(ids, portraits):
        (folder / f"{pid}.jpg").write_bytes(p.read_bytes())
    reg = tmp_path / "r.csv"
    reg.write_text("UPN,Surname,Forename,Year,Consent: School Website\n"
                   + "".join(f"{pid},Pupil{i},Name{i},Year 3,Yes\n" for i, pid in enumerate(ids)))
    office.run("register", "import", reg, ok=(0, 1))
    office.run("register", "enrol", "--folder", folder, crash=point, ok=(0, 1))
    stamps = {r[0] for r in office.rows("SELECT created_at FROM encodings")}
    assert len(stamps) <= 1, "a half-applied enrolment"
    register_sound(office)
    office.run("register", "enrol", "--folder", folder, ok=(0, 1))
    assert office.rows("SELECT COUNT(DISTINCT person_id) FROM encodings")[0][0] >= 1
    office.audit_ok()


# --------------------------------------------------------------------------------------------
# A migration: a register made by 0.1.0 opened for the first time (the schema's history one
# migration a transaction, then the register's key and its signatures encrypted)
# --------------------------------------------------------------------------------------------



def _old_register_missing() -> int:
    """How many of today's migrations a 0.1.0 register has not applied (its dump's history)."""
    from photovet.core.storage.migrations import MIGRATIONS

    con = sqlite3.connect(":memory:")
    con.executescript(OLD_REGISTER_DUMP.read_text(encoding="utf-8"))
    done = {r[0] for r in con.execute("SELECT name FROM _migrations")}
    con.close()
    return len([m for m in MIGRATIONS if m.name not in done])


# the commits of a first open: one to start the history (and read what it holds), one per
# migration not yet applied, the key, then (a register with signatures stored in clear) the
# signatures encrypted
KEY_COMMIT = _old_register_missing() + 2
MIGRATION_POINTS = ["db.commit@2", f"db.commit@{KEY_COMMIT}", f"db.committed@{KEY_COMMIT}",
                    f"db.commit@{KEY_COMMIT + 1}", "fsutil.temp-written@1"]


@pytest.fixture(scope="module")
def migrated_schemas(tmp_path_factory) -> dict:
    """The schema a 0.1.0 register has after each prefix of the migrations, and the fresh one."""
    return prefix_schemas(tmp_path_factory.mktemp("prefixes"))


@pytest.mark.parametrize("point", MIGRATION_POINTS)
def test_first_open_of_an_old_register(tmp_path, point, migrated_schemas):
    office = Office(tmp_path)
    db = office.home / "register.db"
    old_register(db)
    counts = {t: office.rows(f"SELECT COUNT(*) FROM {t}")[0][0]
              for t in ("people", "consents", "encodings", "exports", "audit_log")}
    office.run("audit", "verify", crash=point)
    if "_migrations" in {r[0] for r in office.rows("SELECT name FROM sqlite_master")}:
        names = register_sound(office)
        assert schema(db) == migrated_schemas[frozenset(names)], \
            f"the schema is not what its {len(names)} recorded migrations make: half applied"
    for t, n in counts.items():
        assert office.rows(f"SELECT COUNT(*) FROM {t}")[0][0] >= n, f"rows lost from {t}"
    left = [p for p in office.home.iterdir() if is_temp(p)]
    for p in left:                  # as if the crash was long ago (nobody is still writing it)
        os.utime(p, (1, 1))
    office.run("audit", "verify", ok=(1,))     # no staff accounts yet: the open still finishes
    assert not [p for p in left if p.exists()], "an interrupted save's temporary file stays"
    assert schema(db) == migrated_schemas["fresh"]
    assert office.rows("SELECT COUNT(*) FROM encodings WHERE key_id IS NULL")[0][0] == 0
    for t, n in counts.items():
        assert office.rows(f"SELECT COUNT(*) FROM {t}")[0][0] >= n, f"rows lost from {t}"
    no_half_files(office.home)


NEW_FOLDER_POINTS = ["db.commit@1", f"db.commit@{KEY_COMMIT}"]


@pytest.mark.parametrize("point", NEW_FOLDER_POINTS)
def test_first_open_of_a_new_data_folder(tmp_path, point, migrated_schemas):
    """The very first command on a PC: the schema, then the register's key (stored on this PC
    first, then recorded in the register with the audit head signed)."""
    office = Office(tmp_path)
    office.run("audit", "verify", crash=point)
    register_sound(office)
    office.run("audit", "verify", ok=(1,))
    assert schema(office.home / "register.db") == migrated_schemas["fresh"]
    office.create()                # the first admin can be made: the register takes changes
    office.audit_ok()


# --------------------------------------------------------------------------------------------
# Settling an export recorded but never named, in-process (records/exports.py)
# --------------------------------------------------------------------------------------------

def _recorded_unnamed(rec, tmp_path: Path, seed: int, *, pid: int, host: str | None = None,
                      named_on_disk: bool = False) -> tuple[int, Path, Path]:
    """An export recorded from its temporary file, as media/export.py records it, with the
    process and PC naming it set to ``pid`` and ``host``."""
    import json
    import socket

    from tests.core.afterpost_util import make_export

    r = make_export(tmp_path, seed)
    final = Path(r.output)
    temp = final.with_name(f".photovet-export-{pid}-{seed:04x}.part")
    final.rename(temp)
    rid = rec.record(r, temp, batch="b")
    if named_on_disk:
        os.link(temp, final)
    # its own note of who is naming it (this PC, this start), with that process and PC
    who = json.loads(rec.db.one("SELECT naming FROM exports WHERE id = ?", [rid])[0])
    who.update({"temp": str(temp), "pid": pid, "host": host or socket.gethostname()})
    rec.db.execute("UPDATE exports SET naming = ? WHERE id = ?", [json.dumps(who), rid])
    return rid, temp, final


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_an_unnamed_export_of_a_dead_process_is_forgotten_and_said(tmp_path):
    from tests.conftest import office_records

    rec = office_records()
    dead = _dead_pid()
    lost, lost_temp, lost_final = _recorded_unnamed(rec, tmp_path, 1, pid=dead)
    done, done_temp, done_final = _recorded_unnamed(rec, tmp_path, 2, pid=dead,
                                                    named_on_disk=True)
    running, _, _ = _recorded_unnamed(rec, tmp_path, 3, pid=os.getpid())
    elsewhere, _, _ = _recorded_unnamed(rec, tmp_path, 4, pid=dead, host="another-pc")
    notes = rec.settle_interrupted()
    assert len(notes) == 1 and lost_final.name in notes[0] and "interrupted" in notes[0]
    ids = {r.id for r in rec.exports()}
    assert lost not in ids and not lost_temp.exists() and not lost_final.exists()
    assert {done, running, elsewhere} <= ids           # named, still running, another PC's
    assert done_final.is_file()
    pending = {r[0] for r in rec.db.all("SELECT id FROM exports WHERE naming IS NOT NULL")}
    assert pending == {running, elsewhere}
    abandoned = [r for r in rec.audit.rows(action="export.abandoned")
                 if r["details"]["export_id"] == lost]
    assert abandoned and "stopped" in abandoned[0]["details"]["reason"]
    assert abandoned[0]["user"] in ("office", "PhotoVet (after an interruption)")
    assert rec.settle_interrupted() == []               # settled once
    rec.db.close()


def test_an_export_names_its_file_then_clears_its_naming(tmp_path):
    """The whole export path (media/export.py with the real recorder) leaves no export marked
    as still being named."""
    from photovet.core.media.export import ExportJob, NameAllocator, export_photo
    from photovet.core.models import Channel
    from tests.conftest import office_records

    rec = office_records()
    src = gps_jpeg(tmp_path / "IMG_1.JPG", 1)
    out = tmp_path / "out"
    out.mkdir()
    res = export_photo(ExportJob(source=src, expected_sha256=sha(src), covers=[]),
                       NameAllocator(out, "b", 1), Channel(id="website", label="Website"),
                       recorder=rec.recorder(batch="b"))
    assert res.error is None and Path(res.output).is_file()
    assert rec.db.all("SELECT naming FROM exports") == [(None,)]
    rec.db.close()
