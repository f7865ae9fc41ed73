"""Benchmark the consent register on both engines (SQLite file, PostgreSQL server): import of a
generated 2,000-pupil CSV (target < 3 s), re-imports, the register look-ups made for each photo
decision, face signatures decrypted for the recogniser, one audited edit, a staff sign-in with
the real argon2 cost, and the time until ANOTHER client sees a withdrawal. Optionally enrolment
time per photo (real FaceEngine, shared scenario photos).

    python bench/register.py [--pupils 2000] [--engine both|sqlite|postgresql] [--pg URL]
                             [--photos 0] [--repeat 20]

PostgreSQL: ``--pg`` (a superuser address: a database is made and dropped), else
``$PHOTOVET_TEST_PG``, else a throwaway server is started with tests/pgserver.py when
PostgreSQL's programs are installed. The test server runs with fsync off (a real server adds
roughly 1-5 ms per commit on an SSD).
"""

from __future__ import annotations

import argparse
import csv
import os
import queue
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data" / "scenario"

FORENAMES = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Ivy", "Arthur",
             "Freya", "Oscar", "Lily", "Harry", "Grace", "Jack", "Sophia", "Theo", "Evie", "Finley"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts"]
CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(n: int) -> str:
    digits = f"919241{n:06d}"
    total = sum(int(c) * (i + 2) for i, c in enumerate(digits))
    return CHECK[total % 23] + digits


def generate(path: Path, pupils: int, flip: int = 0) -> None:
    header = ["UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "Year Group",
              "Reg Group", "Date of Birth", "Leaving Date", "Consent: School Website",
              "Consent: Facebook", "Consent: X (Twitter)", "Consent: Instagram",
              "Consent: Newsletter", "Consent: Local Press", "Consent: Name with Photo",
              "Do Not Photograph", "Notes"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        for i in range(pupils):
            r = random.Random(i)
            year = 1 + i % 6
            cons = [r.choice(["Yes", "Yes", "No", ""]) for _ in range(7)]
            if i < flip:
                cons[1] = "No" if cons[1] == "Yes" else "Yes"
            w.writerow([upn(i), r.choice(SURNAMES), r.choice(FORENAMES), "", f"Year {year}",
                        f"{year}{'AB'[i % 2]}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2019 - year}",
                        "", *cons, "Yes" if i % 97 == 0 else "", ""])


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def best(fn, n: int = 3):
    times = []
    out = None
    for _ in range(n):
        out, t = timed(fn)
        times.append(t)
    return out, min(times)


class Server:
    """A PostgreSQL database for one run: made from --pg / PHOTOVET_TEST_PG / a throwaway."""

    def __init__(self, url: str | None):
        self.admin = url or os.environ.get("PHOTOVET_TEST_PG")
        self.started = False
        if not self.admin:
            from tests import pgserver

            self.admin = pgserver.server_url()
            self.started = self.admin is not None
            if self.admin is None:
                raise SystemExit(f"no PostgreSQL server: {pgserver.SKIP_REASON}")
        self.name = f"pv_bench_{os.getpid()}"

    def __enter__(self) -> str:
        from urllib.parse import urlsplit

        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {self.name}")
            c.execute(f"CREATE DATABASE {self.name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")
        return urlsplit(self.admin)._replace(path="/" + self.name).geturl()

    def __exit__(self, *exc) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def run_engine(engine: str, args, tmp: Path, target: str | None) -> dict[str, float]:
    import numpy as np

    from photovet.core.accounts import Access
    from photovet.core.models import PhotoAnalysis
    from photovet.core.workspace import Workspace

    home = tmp / engine
    os.environ["PHOTOVET_HOME"] = str(home)
    os.environ["PHOTOVET_CONFIG"] = str(tmp / f"{engine}-config")
    os.environ["PHOTOVET_KEYSTORE"] = "file"
    if target:
        os.environ["PHOTOVET_REGISTER"] = target
    else:
        os.environ.pop("PHOTOVET_REGISTER", None)
    res: dict[str, float] = {}
    csv1, csv2 = tmp / "roll.csv", tmp / "roll2.csv"
    ws = Workspace.open(home, access=Access.system("bench"))
    try:
        rep, res["import"] = timed(lambda: ws.import_register(csv1))
        assert rep.applied and len(rep.new_people) == args.pupils
        _, res["dry_run"] = best(lambda: ws.register.import_csv(csv1, dry_run=True))
        _, res["reimport_same"] = best(lambda: ws.import_register(csv1))
        rep, res["reimport_200"] = timed(lambda: ws.import_register(csv2))
        _, res["people"] = best(ws.register.people)
        # face signatures for everyone (encrypted), decrypted at once for the recogniser
        rng = np.random.default_rng(1)
        sigs = {upn(i): [(rng.normal(size=128), "p.jpg")] for i in range(args.pupils)}
        _, res["store_signatures"] = timed(lambda: ws.register.store_signatures(
            sigs, replace=True, source="bench"))
        _, res["decrypt_all"] = best(ws.register.encodings)
        # per photo decision: the review (both scopes) and the approval state of the photo
        shas = [f"{k:064x}" for k in range(500)]
        for sha in shas[:100]:
            ws.approvals.mark_ready(PhotoAnalysis(path="/p.jpg", sha256=sha, channel="website",
                                                  faces_checked=True))

        def lookups() -> None:
            for sha in shas:
                ws.reviews.parts(sha, "website")
                ws.approvals.get(sha, "website")

        _, t = best(lookups)
        res["lookup_per_photo_ms"] = t / len(shas) * 1000
        # one audited change (set_consent): the writer lock, the row, history and audit
        edits = []
        for i in range(20):
            _, t = timed(lambda i=i: ws.register.set_consent(upn(i), "instagram", i % 2 == 0))
            edits.append(t)
        res["edit_ms"] = statistics.median(edits) * 1000
        _, res["audit_verify"] = best(ws.audit.verify, 1)
        # another client sees a withdrawal: time from the commit to the other PC's callback
        other = Workspace.open(home, access=Access.system("other pc"))
        seen: queue.Queue[float] = queue.Queue()
        feed = other.changes(interval=args.poll).subscribe(
            lambda ch: seen.put(time.perf_counter()) if any(
                c.action == "register.consent-edit" for c in ch) else None)
        time.sleep(0.5)
        lat = []
        for i in range(args.repeat):
            time.sleep(random.Random(i).uniform(0.05, 0.4))    # out of phase with polling
            t0 = time.perf_counter()
            ws.register.set_consent(upn(100 + i), "website", False)   # a withdrawal
            t1 = seen.get(timeout=30)
            lat.append(t1 - t0)
        feed.close()
        other.close()
        res["withdrawal_seen_median_ms"] = statistics.median(lat) * 1000
        res["withdrawal_seen_max_ms"] = max(lat) * 1000
        res["feed_mode"] = feed.mode
        # a staff sign-in with the real argon2 cost (the tests use the cheapest)
        from argon2 import PasswordHasher

        from photovet.core import accounts

        accounts.set_hasher(PasswordHasher())
        ws.access = Access()
        ws.create_first_admin("Bench Admin", "a long bench password")
        _, res["sign_in"] = best(lambda: ws.sign_in("Bench Admin", "a long bench password"))
        if args.photos:
            res.update(enrol(ws, tmp, args.photos))
    finally:
        ws.close()
    return res


def enrol(ws, tmp: Path, photos: int) -> dict[str, float]:
    enrol_csv = SHARED / "enrol.csv"
    if not enrol_csv.exists():
        print("  enrolment: ../shared/data/scenario is absent; not measured")
        return {}
    from photovet.core.accounts import Access
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    ws.access = Access.system("bench")
    engine = FaceEngine.load(Settings())
    rows = list(csv.DictReader(enrol_csv.open(encoding="utf-8")))[:photos]
    sub = tmp / "enrol.csv"
    with open(sub, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["UPN", "Photo"])
        for i, r in enumerate(rows):
            w.writerow([upn(i), str((SHARED / r["Photo"]).resolve())])
    rep, t = timed(lambda: ws.register.enrol_csv(sub, engine))
    return {"enrol_per_photo": t / max(rep.photos, 1)}


ROWS = [
    ("import", "first import of {n} pupils", "s", 1),
    ("dry_run", "dry run, nothing to change", "s", 1),
    ("reimport_same", "re-import, no changes", "s", 1),
    ("reimport_200", "re-import, 200 changes", "s", 1),
    ("people", "people() for {n}", "s", 1),
    ("store_signatures", "store {n} signatures (encrypted)", "s", 1),
    ("decrypt_all", "decrypt {n} signatures", "s", 1),
    ("lookup_per_photo_ms", "look-ups per photo decision", "ms", 1),
    ("edit_ms", "one audited consent edit (median)", "ms", 1),
    ("audit_verify", "audit verify", "s", 1),
    ("withdrawal_seen_median_ms", "withdrawal seen by another PC, median", "ms", 1),
    ("withdrawal_seen_max_ms", "withdrawal seen by another PC, max", "ms", 1),
    ("sign_in", "sign-in (argon2id, real cost)", "s", 1),
    ("enrol_per_photo", "enrolment per photo", "s", 1),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pupils", type=int, default=2000)
    ap.add_argument("--engine", choices=["both", "sqlite", "postgresql"], default="both")
    ap.add_argument("--pg", default=None, help="a PostgreSQL superuser address")
    ap.add_argument("--photos", type=int, default=0, help="enrol this many scenario photos")
    ap.add_argument("--repeat", type=int, default=20, help="withdrawals timed")
    ap.add_argument("--poll", type=float, default=0.5,
                    help="polling interval of a register file's change feed (s)")
    args = ap.parse_args()
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        generate(tmp / "roll.csv", args.pupils)
        generate(tmp / "roll2.csv", args.pupils, flip=200)
        for engine in engines:
            if engine == "sqlite":
                results[engine] = run_engine(engine, args, tmp, None)
            else:
                server = Server(args.pg)
                with server as url:
                    results[engine] = run_engine(engine, args, tmp, url)
    print(f"register bench: {args.pupils} pupils, 7 channels; change feed: "
          + ", ".join(f"{e} {r.get('feed_mode')}" for e, r in results.items())
          + f" (register file polled every {args.poll:g} s)")
    print(f"  {'':44}" + "".join(f"{e:>14}" for e in results))
    for key, label, unit, _ in ROWS:
        if not any(key in r for r in results.values()):
            continue
        cells = []
        for r in results.values():
            v = r.get(key)
            cells.append("-" if v is None else (f"{v:.2f} {unit}" if unit == "s" and v >= 0.1
                                                else f"{v * 1000:.1f} ms" if unit == "s"
                                                else f"{v:.2f} {unit}"))
        print(f"  {label.format(n=args.pupils):44}" + "".join(f"{c:>14}" for c in cells))
    imp = {e: r["import"] for e, r in results.items()}
    print("  import target < 3 s: " + ", ".join(f"{e} {'MET' if t < 3 else 'MISSED'}"
                                                 for e, t in imp.items()))
    try:
        load = os.getloadavg()
        print(f"  (load average {load[0]:.1f} / {load[1]:.1f} on {os.cpu_count()} cores)")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
