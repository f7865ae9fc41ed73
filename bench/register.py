"""Benchmark the consent register: import of a generated 2,000-pupil CSV (target < 3 s),
re-import of the same file, a re-import with 200 consent changes, and enrolment time per photo
(real FaceEngine when photovet.core.vision.faces is importable and shared scenario photos exist).

    python bench/register.py [--pupils 2000] [--photos 6]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data" / "scenario"

FORENAMES = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Ivy", "Arthur",
             "Freya", "Oscar", "Lily", "Harry", "Grace", "Jack", "Sophia", "Theo", "Evie", "Finley"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts"]
CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(n: int) -> str:
    digits = f"919241{n:06d}"
    total = sum(int(c) * (i + 2) for i, c in enumerate(digits))
    return CHECK[total % 23] + digits


def generate(path: Path, pupils: int, flip: int = 0, seed: int = 1) -> None:
    rng = random.Random(seed)
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
    del rng


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pupils", type=int, default=2000)
    ap.add_argument("--photos", type=int, default=6)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PHOTOVET_HOME"] = tmp
        from photovet.core.register.people import Register

        csv1, csv2 = Path(tmp) / "roll.csv", Path(tmp) / "roll2.csv"
        generate(csv1, args.pupils)
        generate(csv2, args.pupils, flip=200)
        print(f"register bench: {args.pupils} pupils, 6 channels "
              f"({csv1.stat().st_size / 1024:.0f} KiB CSV)")
        with Register.open() as reg:
            rep, t = timed(lambda: reg.import_csv(csv1, user="bench"))
            assert rep.applied and len(rep.new_people) == args.pupils, rep.summary_lines()[:5]
            print(f"  first import:            {t:6.2f} s  ({len(rep.new_people)} new people; "
                  f"target < 3 s: {'MET' if t < 3 else 'MISSED'})")
            _, t = timed(lambda: reg.import_csv(csv1, dry_run=True))
            print(f"  dry run, no changes:     {t:6.2f} s")
            rep, t = timed(lambda: reg.import_csv(csv1))
            print(f"  re-import, no changes:   {t:6.2f} s")
            rep, t = timed(lambda: reg.import_csv(csv2))
            print(f"  re-import, 200 changes:  {t:6.2f} s  ({len(rep.withdrawals)} withdrawals, "
                  f"{len(rep.consent_changes)} other changes)")
            _, t = timed(reg.people)
            print(f"  people() for {args.pupils}:      {t:6.3f} s")
            _, t = timed(reg.audit.verify)
            print(f"  audit verify:            {t:6.3f} s")

            try:
                from photovet.core.vision.faces import FaceEngine
                from photovet.core.settings import Settings
            except ImportError as exc:
                print(f"  enrolment: photovet.core.vision.faces not importable ({exc}); not measured")
                return 0
            enrol = SHARED / "enrol.csv"
            if not enrol.exists():
                print("  enrolment: ../shared/data/scenario is absent; not measured")
                return 0
            engine, t = timed(lambda: FaceEngine.load(Settings()))
            print(f"  face engine load:        {t:6.2f} s")
            rows = list(csv.DictReader(enrol.open(encoding="utf-8")))[: args.photos]
            # enrol the scenario photos against generated people (ids only matter here)
            sub = Path(tmp) / "enrol.csv"
            with open(sub, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["UPN", "Photo"])
                for i, r in enumerate(rows):
                    w.writerow([upn(i), str((SHARED / r["Photo"]).resolve())])
            rep, t = timed(lambda: reg.enrol_csv(sub, engine))
            n = max(rep.photos, 1)
            print(f"  enrolment:               {t:6.2f} s for {rep.photos} photos = "
                  f"{t / n:.2f} s per photo ({sum(rep.enrolled.values())} enrolled, "
                  f"{len(rep.errors)} errors)")
            for e in rep.errors:
                print(f"    {e}")
    try:
        load = os.getloadavg()[0]
        print(f"  (machine load average during the run: {load:.1f} on {os.cpu_count()} cores)")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
