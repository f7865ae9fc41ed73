"""How long does forgetting leavers take? (s34: forgetting read every stored web address and
note once per forgotten pupil: 1,500 posts with addresses, 4.9 s per pupil; a retention run
removing 60 leavers ~5 min.)

s35: each leaver is then forgotten in a transaction of their own (the stored texts read once for
all of them first, outside any transaction). On a shared 2-core machine (load 15-25), 60
leavers, 1,500 posts: the writer lock was held for the whole pass before (export-records: 144 s
wall, ~22 s CPU; leavers-rows: 120 s wall, ~21 s CPU), at most 2.3 s wall / 0.31 s CPU at a time
after; the whole pass costs more CPU (29-32 s against 21-22 s: each leaver's transaction goes
over every stored row once more).

    python bench/forgetting.py [--posts 1500] [--leavers 60] [--people 300]

A throw-away data folder gets a register of ``--people`` pupils (``--leavers`` of them left
long ago) and ``--posts`` export records, each posted with a web address that names one of its
pupils ("/news/amelia-hale-wins-12"), a third of them also recorded as not allowed, and an
approval with a comment and a review with a reason naming them; the leavers' posts are taken
down, with a note naming them (rows written in SQL, as an older version could have left them:
the bench does not spend minutes making JPEGs). Then the retention schedule, when everything about the
leavers is due, removes them from the export records and deletes their register rows.

Measured: "due" (listing what is due), "export-records" and "leavers-rows" (applying each
kind, all leavers), wall clock and this process's CPU time (the machine may be shared), and
per leaver; the longest the writer lock was held at a time (s35: other PCs wait that long);
and that what they named is gone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FIRSTS = str.split("Amelia Oliver Isla Noah Ava Arthur Mia Leo Freya Oscar Lily Harry Grace Jack "
                   "Evie Theo Ella Alfie Poppy Finley Rosie Archie Sophie Henry Daisy Jacob Ruby "
                   "Louis Florence Thomas")
LASTS = str.split("Hale Ellison Marsh Thornton Pike Barlow Quill Ashdown Fenwick Gower Hurst "
                  "Kettering Lindqvist Moorcroft Nettleton Ormsby Pryce Radley Sowerby Tolland "
                  "Upshaw Vickery Wardle Yeoman Ainsley Blackett Crowther Dunmore Eastwood "
                  "Fairbairn")


def name(i: int) -> tuple[str, str]:
    return FIRSTS[i % len(FIRSTS)], LASTS[(i // len(FIRSTS) + i) % len(LASTS)]


def build(home: Path, *, people: int, leavers: int, posts: int) -> object:
    import csv

    from photovet.core.accounts import Access
    from photovet.core.workspace import Workspace

    ws = Workspace.open(home, access=Access.system("bench"))
    reg = home.parent / "register.csv"
    left = (dt.date.today() - dt.timedelta(days=800)).strftime("%d/%m/%Y")
    with open(reg, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Admission No", "Surname", "Forename", "Leaving Date",
                    "Consent: School Website"])
        for i in range(people):
            first, last = name(i)
            w.writerow([f"P{i:04d}", last, first, left if i < leavers else "", "Yes"])
    assert ws.import_register(reg).applied
    now = "2024-03-12T10:00:00"
    with ws.db.atomic():
        for n in range(posts):
            pid = n % people
            first, last = name(pid)
            rid = ws.db.execute(
                "INSERT INTO exports (created_at, batch, channel, output_path, output_sha256, "
                "phash, phash_variants, source_path, source_sha256, people_shown) VALUES "
                "(?, ?, 'website', ?, ?, '0', ?, '', ?, ?) RETURNING id",
                [now, f"Sports day {n // 100}", f"/nowhere/export-{n:05d}.jpg", f"o{n:063d}",
                 b"", f"s{n:063d}", json.dumps([f"P{pid:04d}"])]).fetchone()[0]
            ws.db.execute("INSERT INTO export_people (export_id, person, role) VALUES "
                          "(?, ?, 'shown')", [rid, f"P{pid:04d}"])
            ws.db.execute(
                "INSERT INTO posts (export_id, channel, posted_on, url, actor, created_at, "
                "not_allowed) VALUES (?, 'website', '2024-03-12', ?, 'bench', ?, ?)",
                [rid, f"https://oakfield.example/news/{first.lower()}-{last.lower()}-wins-{n}",
                 now, f"export-{n:05d}.jpg was on the take-down list ({first} {last})"
                 if n % 3 == 0 else ""])
            sha = f"s{n:063d}"
            ws.db.execute(
                "INSERT INTO approvals (sha256, channel, status, batch, preparer, approver, "
                "comment, parts, fingerprint, note) VALUES (?, 'website', 'rejected', ?, "
                "'bench', 'Mr Head', ?, '', '', '')",
                [sha, f"Sports day {n // 100}", f"{first} looks upset here"])
            ws.db.execute(
                "INSERT INTO reviews (sha256, channel, version, doc, actor, updated_at) VALUES "
                "(?, '*', 1, ?, 'bench', ?)",
                [sha, json.dumps({"faces": [{"box": [1, 2, 3, 4], "action": "show",
                                             "person": None, "reason": f"{first}'s mum agreed",
                                             "by": "bench", "at": now}],
                                  "texts": [], "covers": []}, sort_keys=True), now])
    # the leavers' posts came down (the list is evaluated as on the day; then the notes as
    # an older version let them be typed, naming the pupil)
    from photovet.core.records import takedown

    later = dt.date.today() + dt.timedelta(days=800)
    items = takedown.evaluate(ws.records, ws.register, later)
    takedown.mark_done(ws.records, [i.id for i in items], note="removed from the website")
    with ws.db.atomic():
        for i in items:
            first, last = name(int(i.people[0][1:]) if i.people else 0)
            ws.db.execute("UPDATE takedown_items SET note = ? WHERE id = ?",
                          [f"Took down {first}'s photo, told the office", i.id])
    return ws


def _time_lock_holds(db) -> list[tuple[float, float]]:
    """How long each write transaction held the writer lock (BEGIN to COMMIT or ROLLBACK), wall
    clock and this process's CPU time (the machine may be shared: the wall clock then says more
    about the other processes)."""
    holds: list[tuple[float, float]] = []
    began: list[tuple[float, float]] = []
    begin, commit, rollback = db._begin, db._commit, db._rollback

    def _begin() -> None:
        began.append((time.perf_counter(), time.process_time()))
        begin()

    def _end(fn):
        def end() -> None:
            fn()
            if began:
                wall, cpu = began.pop()
                holds.append((time.perf_counter() - wall, time.process_time() - cpu))
        return end

    db._begin, db._commit, db._rollback = _begin, _end(commit), _end(rollback)
    return holds


def _longest(holds: list[tuple[float, float]]) -> tuple[float, float]:
    """The longest hold, wall clock and CPU (each its own maximum)."""
    return (max((h[0] for h in holds), default=0.0), max((h[1] for h in holds), default=0.0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=1500)
    ap.add_argument("--leavers", type=int, default=60)
    ap.add_argument("--people", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="photovet-bench-forget-") as tmp:
        t0 = time.perf_counter()
        ws = build(Path(tmp) / "home", people=args.people, leavers=args.leavers,
                   posts=args.posts)
        print(f"built {args.posts} export records and posts, {args.people} people "
              f"({args.leavers} leavers) in {time.perf_counter() - t0:.1f} s")
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=800)
        holds = _time_lock_holds(ws.db)
        sched = ws.retention(lambda: later)
        t = time.perf_counter()
        due = sched.due(("export-records",))
        t_due = time.perf_counter() - t
        assert len(due) == args.leavers and not any(i.held for i in due), due[:3]
        t, c = time.perf_counter(), time.process_time()
        holds.clear()
        report = sched.apply(due)
        t_rec, c_rec = time.perf_counter() - t, time.process_time() - c
        hold_rec = _longest(holds)
        assert report.count("deleted") == args.leavers, report.items[:3]
        rows = sched.due(("leavers-rows",))
        t, c = time.perf_counter(), time.process_time()
        holds.clear()
        report = sched.apply(rows)
        t_rows, c_rows = time.perf_counter() - t, time.process_time() - c
        hold_rows = _longest(holds)
        assert report.count("deleted") == args.leavers, report.items[:3]
        # what they named is gone: not a web address, a note, a comment, a reason
        first, last = name(0)
        left = [r[0] for r in ws.db.all(
            "SELECT url FROM posts WHERE url LIKE ? UNION ALL SELECT comment FROM approvals "
            "WHERE sha256 = ? AND comment LIKE ? UNION ALL SELECT doc FROM reviews WHERE "
            "sha256 = ? AND doc LIKE ?", [f"%{first.lower()}-{last.lower()}-%", f"s{0:063d}",
                                          f"%{first}%", f"s{0:063d}", f"%{first}%"])]
        ws.close()
    print(f"listing export-records due: {t_due:.2f} s")
    for what, wall, cpu, hold in (("export-records", t_rec, c_rec, hold_rec),
                                  ("leavers-rows", t_rows, c_rows, hold_rows)):
        print(f"{what}, {args.leavers} leavers: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({cpu / args.leavers:.3f} s CPU per leaver); writer lock held at most "
              f"{hold[0]:.2f} s wall, {hold[1]:.2f} s CPU at a time")
    print(f"texts still naming leaver P0000 ({first} {last}): {len(left)}")


if __name__ == "__main__":
    main()
