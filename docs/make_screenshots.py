"""Render PhotoVet's screens to docs/screenshots/*.png from the evaluation data beside the repo.

    python docs/make_screenshots.py [--data ../shared/data] [--out docs/screenshots]

Runs offscreen (QT_QPA_PLATFORM=offscreen) with a throw-away PHOTOVET_HOME: imports
scenario/register.csv (skipping the invalid rows, as a school would after reading the
preview), enrols from scenario/enrol.csv, then opens a batch of trip photos. The photos are
only read; nothing from ../shared/data is copied into the repository - the PNGs are our own
renders of the app.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"

# Trip photos (several identities) and a badge photo: they show recognised, covered and
# unknown faces, and a name covered on a badge.
BATCH = [
    "identities/deepface__couple.jpg",
    "identities/face_recognition__obama2.jpg",
    "identities/deepface__img1.jpg",
    "identities/deepface__img17.jpg",
    "identities/face_recognition__biden2.jpg",
    "identities/deepface__img35.jpg",
]


def wait(app, cond, timeout: float = 120.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.02)
    return False


def grab(widget, path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    pm = widget.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pm.save(str(path)):
        raise SystemExit(f"{path}: could not write the screenshot")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path} ({pm.width()}x{pm.height()})")


def pick_batch(data: Path) -> list[Path]:
    paths = [data / p for p in BATCH if (data / p).exists()]
    ident = sorted((data / "identities").glob("*.jpg"))
    enrol = set()
    enrol_csv = data / "scenario" / "enrol.csv"
    if enrol_csv.exists():
        import csv

        with open(enrol_csv, encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                enrol.add((data / "scenario" / row["Photo"]).resolve())
    for p in ident:
        if len(paths) >= 10:
            break
        if p.resolve() not in enrol and p not in paths:
            paths.append(p)
    badges = sorted((data / "badges").glob("*.jpg")) + sorted((data / "badges").glob("*.png"))
    if badges:
        paths.append(badges[0])
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    ap.add_argument("--only", choices=["register", "main", "all"], default="all")
    args = ap.parse_args(argv)
    data: Path = args.data.resolve()
    if not (data / "scenario" / "register.csv").exists():
        print(f"{data}: scenario/register.csv not found (the evaluation data lives beside the repo)",
              file=sys.stderr)
        return 2

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    home = tempfile.mkdtemp(prefix="photovet-shots-")
    os.environ["PHOTOVET_HOME"] = home
    sys.path.insert(0, str(REPO))

    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    app.setApplicationName("PhotoVet")
    font = QFont("DejaVu Sans", 10)
    app.setFont(font)

    from photovet.core.register.people import Register
    from photovet.gui.import_wizard import ImportWizard
    from photovet.gui.register_view import RegisterView
    from photovet.gui.welcome import WelcomePanel

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    if args.only in ("register", "all"):
        # 1. first run: the welcome panel
        welcome = WelcomePanel()
        welcome.resize(1100, 720)
        welcome.show()
        grab(welcome, out / "welcome.png")
        welcome.close()

        # 2. the import wizard: mapping and preview pages over the real sample export
        wiz = ImportWizard(csv_path=data / "scenario" / "register.csv")
        wiz.resize(960, 720)
        wiz.show()
        wiz.next()  # -> mapping
        grab(wiz, out / "import-wizard-mapping.png")
        wiz.next()  # -> preview (dry run in a worker)
        if not wait(app, lambda: wiz.preview_page.report is not None or wiz.preview_page.failure):
            print("the dry run did not finish", file=sys.stderr)
            return 1
        grab(wiz, out / "import-wizard-preview.png")
        if wiz.preview_page.errors.rowCount():
            wiz.preview_page.skip.setChecked(True)
        wiz.next()  # -> import
        if not wait(app, lambda: wiz.result_page.isComplete()):
            print("the import did not finish", file=sys.stderr)
            return 1
        if wiz.result_page.failure:
            print(f"import failed: {wiz.result_page.failure}", file=sys.stderr)
            return 1
        grab(wiz, out / "import-wizard-done.png")
        wiz.accept()

    # 3. enrol (the real face engine; a few seconds)
    reg = Register.open()
    try:
        if reg.is_empty():
            reg.import_csv(data / "scenario" / "register.csv", skip_invalid=True, user="screenshots")
        from photovet.gui.enrol_dialog import default_engine_loader

        engine = default_engine_loader()
        reg.enrol_csv(data / "scenario" / "enrol.csv", engine)
    finally:
        close = getattr(reg, "close", None)
        if callable(close):
            close()

    if args.only in ("register", "all"):
        view = RegisterView()
        view.resize(1360, 760)
        view.show()
        grab(view, out / "register.png")
        # a person's page: a do-not-photograph pupil
        from photovet.gui.person_dialog import PersonDialog

        dnp = next((p for p in view.model.people if p.do_not_photograph and p.enrolled), None)
        if dnp is not None:
            page = PersonDialog(dnp.id)
            page.show()
            grab(page, out / "person.png")
            page.close()
        view.close()

    if args.only in ("main", "all"):
        main_window_shots(app, data, out)
    return 0


def main_window_shots(app, data: Path, out: Path) -> None:
    try:
        from photovet.gui.main_window import MainWindow
    except ImportError as exc:
        print(f"main window not available yet ({exc}); skipping its screenshots", file=sys.stderr)
        return
    win = MainWindow()
    win.resize(1440, 900)
    win.show()
    done = {"analysed": False}
    win.analysis_finished.connect(lambda: done.update(analysed=True))
    wait(app, lambda: getattr(win, "engine", None) is not None, timeout=300)
    paths = pick_batch(data)
    win.add_paths([str(p) for p in paths])
    if not wait(app, lambda: done["analysed"], timeout=900):
        print("the batch did not finish analysing in time; the screenshot shows it in progress",
              file=sys.stderr)
    wait(app, lambda: False, timeout=2.0)  # thumbnails and preview settle
    grab(win, out / "main-window-batch.png")
    # the photo view: the first photo with faces, with its overlays
    model = win.batch.model
    row = next((i for i, it in enumerate(model.items)
                if it.analysis is not None and len(it.analysis.faces) >= 2), 0)
    win.batch.select_row(row)
    wait(app, lambda: False, timeout=3.0)
    grab(win, out / "photo-view.png")
    win.shutdown() if hasattr(win, "shutdown") else None
    win.close()


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave without tearing Qt down: worker threads still winding down inside the main window
    # can crash PySide's interpreter-exit cleanup (seen as exit 139 after every PNG was written).
    os._exit(code)
