"""The long crash sweep (principle 3): what tests/core/test_crash_anywhere.py does at chosen
moments, here at every moment it can name, and at random ones.

    python bench/crash_sweep.py [--what migration points kills] [--kills 40] [--seed 1]

- migration: a register made by 0.1.0 opened for the first time, crashed before and after EVERY
  commit of that first open (the schema's history, the register's key, the signatures
  encrypted): afterwards the register must pass SQLite's check, hold exactly the schema its
  recorded migrations make, and finish the upgrade at the next open with every row kept;
- points: import from a card (with clearing), export and purge (permanent) crashed at every
  named point (photovet/core/fsutil.crash_point) at its 1st, 2nd and 3rd pass, and at the 1st
  to 6th commit of each command;
- kills: the same commands SIGKILLed after a random delay (0 to the length of a whole run).

After each crash the invariants of tests/core/crash_util.py are checked, then the command runs
again and must finish the work. Prints one line per operation (crashes, failures, seconds) and
every failure in full; exits 1 if any. Each command is a real process (``python -m photovet``).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.core.crash_util import (  # noqa: E402
    CRASHED,
    Office,
    clean_of_temp,
    exports_consistent,
    gps_jpeg,
    no_half_files,
    old_register,
    prefix_schemas,
    register_sound,
    schema,
    sha,
)

SETTINGS = {"approval.required": False, "text.enabled": False}


class Tally:
    def __init__(self) -> None:
        self.rows: dict[str, list] = {}
        self.failures: list[str] = []

    def run(self, what: str, fn, *args) -> bool | None:
        """Run one crash; its result (did it crash), or None when an invariant failed."""
        row = self.rows.setdefault(what, [0, 0, 0.0])
        t0 = time.monotonic()
        crashed = None
        try:
            crashed = fn(*args)
            row[0] += 1 if crashed else 0
        except Exception:
            row[1] += 1
            self.failures.append(f"{what} {args[2:]!r}:\n{traceback.format_exc()}")
        row[2] += time.monotonic() - t0
        return crashed


def migration_once(base: Path, schemas: dict, point: str) -> bool:
    office = Office(base)
    db = office.home / "register.db"
    old_register(db)
    tables = ("people", "consents", "encodings", "exports", "audit_log")
    counts = {t: office.rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}
    env = dict(office.env, PHOTOVET_CRASH_AT=point)
    run = subprocess.run([sys.executable, "-m", "photovet", "audit", "verify"], env=env,
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    if run.returncode != CRASHED:
        return False               # past the last commit: nothing to crash
    names = register_sound(office)
    if names:
        assert schema(db) == schemas[frozenset(names)], f"half-applied migration at {point}"
    office.run("audit", "verify", ok=(1,))
    assert schema(db) == schemas["fresh"], f"not upgraded after {point}"
    assert office.rows("SELECT COUNT(*) FROM encodings WHERE key_id IS NULL")[0][0] == 0
    for t, n in counts.items():
        assert office.rows(f"SELECT COUNT(*) FROM {t}")[0][0] >= n, f"rows lost from {t}"
    no_half_files(office.home)
    return True


def sweep_migration(root: Path, tally: Tally) -> None:
    schemas = prefix_schemas(root / "prefixes")
    for label in ("db.commit", "db.committed", "fsutil.temp-written"):
        for n in range(1, 100):     # until the first open ends before reaching the point
            if tally.run("migration", migration_once, root / f"mig-{label}-{n}", schemas,
                         f"{label}@{n}") is False:
                break


# --------------------------------------------------------------------------------------------
# The file operations, at every named point or after random delays
# --------------------------------------------------------------------------------------------

def _start(office: Office, args: list, point: str | None, delay: float | None) -> bool:
    """Run; True if it crashed (at ``point``, or SIGKILLed after ``delay`` seconds)."""
    env = dict(office.env)
    if point:
        env["PHOTOVET_CRASH_AT"] = point
    proc = subprocess.Popen([sys.executable, "-m", "photovet", *map(str, args)], env=env,
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        code = proc.wait(timeout=delay if delay is not None else 300)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True
    return code in (CRASHED, -signal.SIGKILL)


def import_once(office: Office, k: int, point: str | None, delay: float | None = None) -> bool:
    card, pc = office.base / f"card{k}", office.base / f"pc{k}"
    originals = {p: sha(p) for p in (gps_jpeg(card / "DCIM" / f"IMG_{k:04d}{i}.JPG", k * 10 + i)
                                     for i in range(4))}
    args = ["import-device", card, "--into", pc, "--clear", "--permanent"]
    crashed = _start(office, args, point, delay)
    for src, digest in originals.items():
        if not (src.is_file() and sha(src) == digest):
            copy = pc / src.relative_to(card)
            assert copy.is_file() and sha(copy) == digest, f"LOST: {src.name}"
            # the audit names the photo by its content, never its path (a name may name a pupil)
            assert office.audited("device-delete-pending", digest)
    no_half_files(pc, known=set(originals.values()))
    register_sound(office)
    office.run(*args)
    assert all(not s.exists() and sha(pc / s.relative_to(card)) == d for s, d in originals.items())
    clean_of_temp(pc)
    return crashed


def export_once(office: Office, k: int, point: str | None, delay: float | None = None) -> bool:
    src, out = office.base / f"trip{k}", office.base / f"out{k}"
    originals = {p: sha(p) for p in (gps_jpeg(src / f"IMG_{k:04d}{i}.JPG", 1000 + k * 10 + i)
                                     for i in range(3))}
    out.mkdir()
    args = ["export", "--out", out, "--label", f"sweep{k}", src]
    crashed = _start(office, args, point, delay)
    assert {p: sha(p) for p in originals} == originals
    exports_consistent(office, [out], every_record=False)
    no_half_files(out)
    register_sound(office)
    office.run("exports", "--batch", f"sweep{k}")        # reopening settles what was cut
    exports_consistent(office, [out], every_record=True)
    office.run(*args, ok=(0, 1))
    exports_consistent(office, [out], every_record=True)
    clean_of_temp(out)
    return crashed


def purge_once(office: Office, k: int, point: str | None, delay: float | None = None) -> bool:
    src, out, batch = office.base / f"ptrip{k}", office.base / f"pout{k}", f"psweep{k}"
    originals = {p: sha(p) for p in (gps_jpeg(src / f"IMG_{k:04d}{i}.JPG", 5000 + k * 10 + i)
                                     for i in range(3))}
    out.mkdir()
    office.run("export", "--out", out, "--label", batch, src)
    office.run("posted", "--batch", batch, "--channel", "website")
    args = ["purge", batch, "--permanent"]
    crashed = _start(office, args, point, delay)
    for p, digest in originals.items():
        if p.exists():
            assert sha(p) == digest, f"{p.name} changed in place"
            continue
        # by content: a finished deletion's row forgets the original's place
        state = office.rows("SELECT state FROM purges WHERE sha256 = ? ORDER BY id DESC "
                            "LIMIT 1", (digest,))
        assert state and state[0][0] in ("pending", "deleted"), f"{p.name}: no record first"
    register_sound(office)
    office.run(*args)
    assert not any(p.exists() for p in originals)
    clean_of_temp(src)
    return crashed


OPERATIONS = {
    "import": (import_once, ["import.temp-written", "import.copied", "import.delete-pending",
                             "import.removed", "db.commit", "db.committed"]),
    "export": (export_once, ["export.temp-written", "export.recorded", "export.named",
                             "db.commit", "db.committed"]),
    "purge": (purge_once, ["purge.pending", "purge.hidden", "purge.overwritten",
                           "purge.removed", "db.commit", "db.committed"]),
}


def sweep_points(root: Path, tally: Tally) -> None:
    office = Office(root / "points", settings=SETTINGS).create()
    k = 0
    for what, (fn, labels) in OPERATIONS.items():
        for label in labels:
            for n in (range(1, 7) if label.startswith("db.") else (1, 2, 3)):
                k += 1
                tally.run(f"points {what}", fn, office, k, f"{label}@{n}")


def sweep_kills(root: Path, tally: Tally, kills: int, rng: random.Random) -> None:
    office = Office(root / "kills", settings=SETTINGS).create()
    k = 10_000
    for what, (fn, _labels) in OPERATIONS.items():
        t0 = time.monotonic()
        k += 1
        fn(office, k, None)                    # how long a whole run takes here (and after)
        whole = max(0.5, time.monotonic() - t0)
        for _ in range(kills):
            k += 1
            tally.run(f"kills {what}", fn, office, k, None, rng.uniform(0.05, whole))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--what", nargs="+", default=["migration", "points", "kills"],
                    choices=["migration", "points", "kills"])
    ap.add_argument("--kills", type=int, default=20, help="random kills per operation")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    tally = Tally()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="photovet-crash-") as tmp:
        root = Path(tmp)
        if "migration" in args.what:
            sweep_migration(root, tally)
        if "points" in args.what:
            sweep_points(root, tally)
        if "kills" in args.what:
            sweep_kills(root, tally, args.kills, random.Random(args.seed))
    print(f"{'operation':<18} {'crashes':>8} {'failed':>7} {'seconds':>8}")
    for what, (crashes, failed, secs) in tally.rows.items():
        print(f"{what:<18} {crashes:>8} {failed:>7} {secs:>8.1f}")
    print(f"load average {os.getloadavg()[0]:.2f}; {time.monotonic() - t0:.0f} s in all")
    for f in tally.failures:
        print("\nFAILED " + f)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
