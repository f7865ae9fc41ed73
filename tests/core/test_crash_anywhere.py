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
    Office,
    clean_of_temp,
    exports_consistent,
    files_under,
    gps_jpeg,
    is_temp,
    no_half_files,
    register_sound,
    schema,
    sha,
    tiny_clip,
)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="crash points end the process the POSIX way")

SETTINGS = {"approval.required": "false", "text.enabled": "false"}


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Office:
    """One data folder for the photo operations (approval and name reading off: the crashes
    are about files, not models)."""
    return Office(tmp_path_factory.mktemp("crash-office"), settings=SETTINGS).create()


def _photos(folder: Path, n: int, seed: int) -> dict[Path, str]:
    return {p: sha(p) for p in (gps_jpeg(folder / f"IMG_{seed:03d}{i}.JPG", seed * 10 + i)
                                for i in range(n))}


# --------------------------------------------------------------------------------------------
# Import from a card, clearing it
# --------------------------------------------------------------------------------------------

IMPORT_POINTS = ["import.temp-written@2", "import.copied@2", "import.delete-pending@2",
                 "import.removed@2", "db.committed@3"]


@pytest.mark.parametrize("point", IMPORT_POINTS)
def test_import_from_a_card_with_clearing(office, point):
    k = IMPORT_POINTS.index(point)
    card, pc = office.base / f"card{k}", office.base / f"pc{k}"
    originals = _photos(card / "DCIM" / "100PHONE", 3, seed=100 + k)
    args = ["import-device", card, "--into", pc, "--clear", "--permanent"]
    office.run(*args, crash=point)
    for src, digest in originals.items():
        rel = src.relative_to(card)
        on_card = src.is_file() and sha(src) == digest
        copy = pc / rel
        if not on_card:
            assert copy.is_file() and sha(copy) == digest, f"LOST at {point}: {rel}"
            assert office.audited("device-delete-pending", str(src)), \
                f"{rel} left the card without an 'about to delete' record"
    no_half_files(pc, known=set(originals.values()))
    register_sound(office)
    office.run(*args)              # the same command again finishes the work
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
    office.run("scan", "--no-text", src)
    assert {p: sha(p) for p in originals} == originals


# --------------------------------------------------------------------------------------------
# Export: photos and a video
# --------------------------------------------------------------------------------------------

EXPORT_POINTS = ["export.temp-written@2", "export.recorded@2", "export.named@2",
                 "db.committed@2"]


def _export_round(office: Office, point: str, src: Path, out: Path, label: str,
                  originals: dict[Path, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    args = ["export", "--out", out, "--label", label, src]
    office.run(*args, crash=point)
    assert {p: sha(p) for p in originals} == originals, "an original changed"
    exports_consistent(office, [out], every_record=False)
    no_half_files(out)
    register_sound(office)
    office.run(*args, ok=(0, 1))   # the next export into the folder settles what was cut short
    exports_consistent(office, [out], every_record=True)
    clean_of_temp(out)
    assert office.rows("SELECT COUNT(*) FROM exports WHERE batch = ?", (label,))[0][0] \
        >= len(originals)


@pytest.mark.parametrize("point", EXPORT_POINTS)
def test_export_photos(office, point):
    k = EXPORT_POINTS.index(point)
    src = office.base / f"export-trip{k}"
    originals = _photos(src, 3, seed=300 + k)
    _export_round(office, point, src, office.base / f"out{k}", f"crash-export-{k}", originals)


VIDEO_POINTS = ["export.temp-written@1", "export.recorded@1", "export.named@1"]


@pytest.mark.parametrize("point", VIDEO_POINTS)
def test_export_a_video(office, point):
    k = VIDEO_POINTS.index(point)
    src = office.base / f"video-trip{k}"
    src.mkdir()
    clip = tiny_clip(src / f"VID_{k}.mp4", seed=k)
    _export_round(office, point, src, office.base / f"vout{k}", f"crash-video-{k}",
                  {clip: sha(clip)})


# --------------------------------------------------------------------------------------------
# Deleting originals once a verified export was posted
# --------------------------------------------------------------------------------------------

PURGE_POINTS = [("purge.pending@2", True), ("purge.hidden@1", True),
                ("purge.overwritten@2", True), ("purge.removed@2", True),
                ("purge.pending@1", False), ("purge.removed@2", False)]


@pytest.mark.parametrize("point,permanent", PURGE_POINTS,
                         ids=[f"{p}-{'permanent' if f else 'trash'}" for p, f in PURGE_POINTS])
def test_purge_after_posting(office, point, permanent):
    k = PURGE_POINTS.index((point, permanent))
    src, out, batch = office.base / f"purge-trip{k}", office.base / f"pout{k}", f"crash-purge-{k}"
    originals = _photos(src, 3, seed=400 + k)
    out.mkdir()
    office.run("export", "--out", out, "--label", batch, src)
    office.run("posted", "--batch", batch, "--channel", "website")
    args = ["purge", batch] + (["--permanent"] if permanent else [])
    office.run(*args, crash=point)
    for p, digest in originals.items():
        hidden = p.with_name(".photovet-purge-" + p.name)
        if p.exists():
            assert sha(p) == digest, f"{p.name} changed in place"
            assert not hidden.exists()
            continue
        state = office.rows("SELECT state, export_id FROM purges WHERE source_path = ? "
                            "ORDER BY id DESC LIMIT 1", (os.path.abspath(p),))
        assert state and state[0][0] in ("pending", "deleted"), \
            f"{p.name} deleted without an 'about to delete' record ({point})"
        assert office.audited("original-delete-pending", str(p))
        out_path, out_sha = office.rows("SELECT output_path, output_sha256 FROM exports "
                                        "WHERE id = ?", (state[0][1],))[0]
        assert sha(Path(out_path)) == out_sha, "deleted without a verified copy"
    register_sound(office)
    office.run(*args)              # the next purge of the batch finishes the deletions
    assert not any(p.exists() for p in originals)
    clean_of_temp(src)
    states = office.rows("SELECT state FROM purges WHERE source_path IN (%s)" % ",".join(
        "?" * len(originals)), tuple(os.path.abspath(p) for p in originals))
    assert {s for (s,) in states} == {"deleted"}, states


# --------------------------------------------------------------------------------------------
# The retention schedule (export copies due at once)
# --------------------------------------------------------------------------------------------

RETENTION_POINTS = ["retention.pending@2", "retention.hidden@1", "purge.overwritten@2",
                    "retention.removed@2"]


@pytest.fixture(scope="module")
def keeper(tmp_path_factory) -> Office:
    return Office(tmp_path_factory.mktemp("crash-retention"),
                  settings=dict(SETTINGS, **{"retention.export_copies_days": "0"})).create()


@pytest.mark.parametrize("point", RETENTION_POINTS)
def test_retention_apply_permanent(keeper, point):
    k = RETENTION_POINTS.index(point)
    src, out = keeper.base / f"trip{k}", keeper.base / f"out{k}"
    originals = _photos(src, 3, seed=500 + k)
    out.mkdir()
    keeper.run("export", "--out", out, "--label", f"ret{k}", src)
    copies = {Path(p): s for p, s in keeper.rows(
        "SELECT output_path, output_sha256 FROM exports WHERE batch = ?", (f"ret{k}",))}
    keeper.run("retention", "--apply", "--permanent", crash=point)
    for p, digest in copies.items():
        if p.exists():
            assert sha(p) == digest, f"{p.name} changed in place"
            continue
        rows = keeper.rows("SELECT state FROM retention_deletions WHERE path = ?", (str(p),))
        assert rows and rows[-1][0] in ("pending", "deleted"), f"{p.name} deleted unrecorded"
    assert {p: sha(p) for p in originals} == originals, "an original was touched"
    register_sound(keeper)
    keeper.run("retention", "--apply", "--permanent", ok=(0, 1))
    assert not any(p.exists() for p in copies)
    clean_of_temp(out)
    assert not keeper.rows("SELECT * FROM retention_deletions WHERE state = 'pending'")


# --------------------------------------------------------------------------------------------
# Enrolment (real portraits from the shared data; one transaction for the folder)
# --------------------------------------------------------------------------------------------

ENROL_POINTS = ["db.commit@2", "db.committed@2"]


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
# A migration: a register made by 0.1.0 opened for the first time (30 commits: the schema's
# history one migration a transaction, then the register's key and its signatures encrypted)
# --------------------------------------------------------------------------------------------

DUMP = Path(__file__).resolve().parents[1] / "data" / "register-v0.1.0.sql"
MIGRATION_POINTS = ["db.commit@1", "db.commit@2", "db.commit@14", "db.committed@14",
                    "db.commit@28", "db.committed@28", "db.commit@29", "db.committed@29",
                    "db.commit@30", "db.committed@30", "fsutil.temp-written@1"]


def _old_register(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(DUMP.read_text(encoding="utf-8"))
    con.close()


@pytest.fixture(scope="module")
def migrated_schemas(tmp_path_factory) -> dict:
    """The schema a 0.1.0 register has after each prefix of the migrations, and the fresh one."""
    from photovet.core.storage import open_db
    from photovet.core.storage.migrations import MIGRATIONS, migrate
    from photovet.core.storage.sqlite import SQLiteDatabase

    base = tmp_path_factory.mktemp("prefixes")
    out = {}
    for n in range(len(MIGRATIONS) + 1):
        path = base / f"r{n}.db"
        _old_register(path)
        db = SQLiteDatabase(path)
        migrate(db, MIGRATIONS[:n])
        db.close()
        names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM _migrations")}
        out[frozenset(names)] = schema(path)
    open_db(base / "fresh.db").close()
    out["fresh"] = schema(base / "fresh.db")
    return out


@pytest.mark.parametrize("point", MIGRATION_POINTS)
def test_first_open_of_an_old_register(tmp_path, point, migrated_schemas):
    office = Office(tmp_path)
    db = office.home / "register.db"
    _old_register(db)
    counts = {t: office.rows(f"SELECT COUNT(*) FROM {t}")[0][0]
              for t in ("people", "consents", "encodings", "exports", "audit_log")}
    office.run("audit", "verify", crash=point)
    if "_migrations" in {r[0] for r in office.rows("SELECT name FROM sqlite_master")}:
        names = register_sound(office)
        assert schema(db) == migrated_schemas[frozenset(names)], \
            f"the schema is not what its {len(names)} recorded migrations make: half applied"
    for t, n in counts.items():
        assert office.rows(f"SELECT COUNT(*) FROM {t}")[0][0] >= n, f"rows lost from {t}"
    office.run("audit", "verify", ok=(1,))     # no staff accounts yet: the open still finishes
    assert schema(db) == migrated_schemas["fresh"]
    assert office.rows("SELECT COUNT(*) FROM encodings WHERE key_id IS NULL")[0][0] == 0
    for t, n in counts.items():
        assert office.rows(f"SELECT COUNT(*) FROM {t}")[0][0] >= n, f"rows lost from {t}"
    no_half_files(office.home)


NEW_FOLDER_POINTS = ["db.commit@1", "db.commit@28", "db.commit@29", "db.committed@29"]


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
