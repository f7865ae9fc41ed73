"""How much review does the shared scenario need, and how many clicks does it take in the app?

    python bench/review_burden.py [--data ../shared/data] [--channel facebook]

A throw-away data folder gets the scenario's register (rows with errors left out, as a school
would after reading the preview) and its enrolment photos; the 41 trip photos are checked by the
real engine in the app's helper process, for the channel. Then the review is done through the
window as a person would: "Next photo with a decision for you" (one click), and for each open
question the one-click answer (an uncertain match: "Yes, it is ..." when the expected outcome
says that person is in the photo, else "No"; a possible name: "Keep it covered"). Every click is
counted. Afterwards no photo may still have a question open, and no face may be shown that the
scenario's expected outcome does not allow (a privacy failure).

Issue 15 measured the old app: 17 of 41 photos "needed review" for Facebook.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def wait(app, cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--channel", default="facebook")
    args = ap.parse_args(argv)
    scen = args.data / "scenario"
    if not (scen / "expected.json").exists():
        print(f"{scen}: the scenario is not there", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="photovet-review-"))
    os.environ["PHOTOVET_HOME"] = str(home)

    from PySide6.QtWidgets import QApplication

    from photovet.core.workspace import Workspace
    from photovet.gui.context import AppContext
    from photovet.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    expected = json.loads((scen / "expected.json").read_text(encoding="utf-8"))
    ws = Workspace.open(home)
    ctx = AppContext(ws)
    # the school's first admin (a preparer too), as on a first run
    name, password = "Bench", "staple battery office horse"
    if ws.needs_first_admin():
        ctx.session.create_first_admin(name, password)
    ctx.session.sign_in(name, password)
    ws.import_register(scen / "register.csv", skip_invalid=True)
    win = MainWindow(ctx)
    win.resize(1366, 768)
    win.show()
    t0 = time.monotonic()
    if not wait(app, lambda: ctx.engine is not None, 300):
        print("the helper did not start", file=sys.stderr)
        return 1
    report = ctx.engine.enrol("csv", scen / "enrol.csv", session=ws.session,
                                register=ws.register)
    ctx.register_changed.emit()
    wait(app, lambda: False, 1.0)
    enrolled = len(report.enrolled)

    photos = {(scen / p["photo"]).resolve(): p for p in expected["photos"]}
    ctx.set_channel(args.channel)
    win.channel_combo.setCurrentIndex(win.channel_combo.findData(args.channel))
    win.add_paths([str(p) for p in photos])
    if not wait(app, lambda: len(win.batch.model.analysed()) == len(photos)
                and not win.batch.checking, 3600):
        print("checking did not finish", file=sys.stderr)
        return 1
    checked_s = time.monotonic() - t0
    analyses = win.batch.model.analysed()
    by_path = {Path(a.path).resolve(): a for a in analyses}
    need = [a for a in analyses if a.needs_review]
    open_faces = sum(1 for a in analyses for f in a.faces if f.needs_review)
    open_texts = sum(1 for a in analyses for t in a.texts if t.needs_review)

    # the review, through the window
    clicks = {"next photo": 0, "yes": 0, "no": 0, "keep covered": 0}
    nxt = next(a for m in win.menuBar().actions() if m.text().replace("&", "") == "Review"
               for a in m.menu().actions() if a.text().startswith("Next photo"))
    guard = 0
    # each decision decides the photo again: its analysis is read afresh from the batch
    while any(a.needs_review for a in win.batch.model.analysed()) and guard < 500:
        guard += 1
        nxt.trigger()
        clicks["next photo"] += 1
        app.processEvents()
        item = win.review.current()
        truth = photos[Path(item.path).resolve()]
        in_photo = {p["upn"] for p in truth["people"] if p.get("upn")}
        asked = 0
        while item.analysis.needs_review and asked < 50:
            asked += 1
            cards = [c for c in win.photos.findings.cards if c.property("target")]
            if not cards:
                print(f"{Path(item.path).name}: needs review, no question shown", file=sys.stderr)
                break
            card = cards[0]
            kind, i = card.property("target")
            if kind == "face":
                pid = item.analysis.faces[i].person
                key = "yes" if pid in in_photo and "yes" in card.buttons else "no"
            else:
                key = "cover"
            card.buttons[key].click()
            clicks["keep covered" if key == "cover" else key] += 1
            app.processEvents()
            item = win.review.current()     # the photo's row, decided again

    # correctness: nothing shown that the expected outcome does not allow
    analyses = win.batch.model.analysed()
    for a in analyses:
        if a.needs_review:      # a question the one-click answer did not settle: say which
            print(f"still open: {Path(a.path).name}: "
                  + "; ".join([f"face {i}" for i, f in enumerate(a.faces) if f.needs_review]
                              + [f"text {t.text!r} {t.score:.2f} {t.reason}"
                                 for t in a.texts if t.needs_review]), file=sys.stderr)
    by_path = {Path(a.path).resolve(): a for a in analyses}
    failures, missed = [], 0
    for path, truth in photos.items():
        a = by_path[path]
        allowed = set(truth["by_channel"][args.channel]["show"])
        shown = {f.who for f in a.faces if f.decision == "show"}
        for who in shown:
            if who not in allowed:
                failures.append((path.name, who))
        missed += len(allowed - shown)
    print(json.dumps({
        "channel": args.channel, "photos": len(photos), "enrolled_people": enrolled,
        "photos_needing_review": len(need), "open_face_questions": open_faces,
        "open_text_questions": open_texts, "clicks": clicks,
        "total_clicks": sum(clicks.values()), "privacy_failures": failures,
        "people_not_shown_who_could_be": missed, "checking_seconds": round(checked_s, 1),
        "still_open_after_review": sum(1 for a in analyses if a.needs_review),
    }, indent=2))
    win.close()
    ws.close()
    return 0 if not failures else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
