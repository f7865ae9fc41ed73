"""Render PhotoVet's screens to docs/screenshots/*.png from the evaluation data beside the repo.

    python docs/make_screenshots.py [--data ../shared/data] [--out docs/screenshots] [--scale 2]

Runs offscreen (QT_QPA_PLATFORM=offscreen, on a 1366 x 768 screen) with a throw-away PHOTOVET_HOME and the real app:
the sign-in screen, the first-run checklist, the register import (scenario/register.csv,
leaving out the rows with errors as a school would after reading the preview), enrolment (scenario/enrol.csv, in the app's helper
process with the real models), the scenario's trip photos checked for Facebook, the review,
the approver's view with the school's checklist ticked (box by box, as a person clicks them; once
more for "approve all shown"), export, posts, a withdrawal and the take-down list, deleting
originals (the list only), the person page, the settings, the evaluation video clip in the player
and what is due for deletion a year and a half on. The window is 1366 x 768, a school office's
screen; ``--scale 2`` renders at 200 % (files end in @2x) to check that no text is cut off.

The trip photos and the clip are copied to a temporary folder first, under camera-style names
(IMG_0001.jpg...; the evaluation files are named after the real people in them, and the
screenshots must show none of those names); the export and the list of originals refer to
those copies; nothing from ../shared/data is copied into the repository: the PNGs are
our own renders of the app.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args(argv)
    data: Path = args.data.resolve()
    scen = data / "scenario"
    if not (scen / "register.csv").exists():
        print(f"{data}: scenario/register.csv not found (the evaluation data lives beside the "
              "repo)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="photovet-shots-"))
    # an offscreen screen of a school office's size (Qt's default is 800 x 800): dialogs that
    # size themselves from the screen (the approver's contact sheet) are drawn as people see them
    screen = work / "screen.json"
    screen.write_text(json.dumps({"screens": [{
        "name": "Office", "x": 0, "y": 0, "width": round(1366 * args.scale),
        "height": round(768 * args.scale), "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}),
        encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    os.environ["PHOTOVET_HOME"] = str(work / "home")
    os.environ["XDG_DATA_HOME"] = str(work / "xdg")
    sys.path.insert(0, str(REPO))
    shots = Shots(args.out, "@2x" if args.scale == 2 else "" if args.scale == 1 else
                  f"@{args.scale:g}x")
    shots.run(data, scen, work)
    return 0


#: marks the export folder as this script's own (export_folder)
OWN = ".photovet-screenshots"


def export_folder(work: Path) -> Path:
    """'<temp>/School photos/For Facebook', empty, for the export: made again when an earlier
    run of this script left it ('School photos' holds OWN); a folder of that name that is not
    its own is left alone, and the export goes under ``work``."""
    school = Path(tempfile.gettempdir()) / "School photos"
    if (school / OWN).exists():
        shutil.rmtree(school)
    if school.exists():
        out = work / "For Facebook"
        out.mkdir()
        return out
    out = school / "For Facebook"
    out.mkdir(parents=True)
    (school / OWN).write_text("made by docs/make_screenshots.py\n", encoding="utf-8")
    return out


class Shots:
    def __init__(self, out: Path, suffix: str):
        self.out = out
        self.suffix = suffix
        out.mkdir(parents=True, exist_ok=True)

    # -- helpers ---------------------------------------------------------------------------------

    def wait(self, cond, timeout: float = 120.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.app.processEvents()
            if cond():
                return True
            time.sleep(0.02)
        return cond()

    def settle(self, seconds: float = 0.5) -> None:
        self.wait(lambda: False, seconds)

    def grab(self, widget, name: str) -> None:
        self.app.processEvents()
        pm = widget.grab()
        path = self.out / f"{name}{self.suffix}.png"
        if not pm.save(str(path)):
            raise SystemExit(f"{path}: could not write the screenshot")
        print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path} "
              f"({pm.width()}x{pm.height()})", flush=True)

    def expect(self, name: str, then=None, kind=None) -> None:
        """When a dialog of ``kind`` opens (in its own loop), photograph it (unless ``name`` is
        None), then close it (or ``then``)."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        def shoot():
            w = QApplication.activeModalWidget()
            if w is None or (kind is not None and not isinstance(w, kind)):
                QTimer.singleShot(50, shoot)
                return
            QTimer.singleShot(300, lambda: (name and self.grab(w, name),
                                            (then or (lambda d: d.reject()))(w)))

        QTimer.singleShot(100, shoot)

    def modal(self, open_it, name: str, then=None, kind=None) -> None:
        """Open a dialog that runs its own loop, photograph it, then close it (or ``then``)."""
        self.expect(name, then, kind)
        open_it()
        self.settle(0.2)

    # -- the walk ----------------------------------------------------------------------------------

    def run(self, data: Path, scen: Path, work: Path) -> None:
        from PySide6.QtGui import QFont
        from PySide6.QtWidgets import QMessageBox

        from photovet.core.workspace import Workspace
        from photovet.gui.app import make_app
        from photovet.gui.context import AppContext
        from photovet.gui.main_window import MainWindow

        self.app = make_app([])
        self.app.setFont(QFont("DejaVu Sans", 10))
        ws = Workspace.open(Path(os.environ["PHOTOVET_HOME"]))
        ctx = AppContext(ws)
        # staff accounts: the office (the first admin) and a senior leader who approves
        office, head = "Mrs J Bennett", "Mr G Whitcombe"
        passwords = {office: "staple battery office horse", head: "staple battery head horse"}
        if ws.needs_first_admin():
            ctx.session.create_first_admin(office, passwords[office])
            ws.first_sign_in(head, ws.accounts.add(head, ["approver"]), passwords[head])
        # the sign-in screen, as the office sees it each morning (name typed, password hidden)
        from photovet.gui.dialogs.sign_in import SignInDialog
        signin = SignInDialog(ctx.session.sign_in, ctx.session.first_sign_in, name=office)
        signin.password.setText(passwords[office])
        signin.password.deselect()
        signin.show()
        self.settle(0.5)
        self.grab(signin, "01-sign-in")
        signin.reject()
        ctx.session.sign_in(office, passwords[office])
        win = MainWindow(ctx)
        win.resize(1366, 768)
        win.show()
        self.settle(1.0)
        self.grab(win, "02-first-run-checklist")

        # the register import, from the checklist
        wiz = win.register.import_register(str(scen / "register.csv"))
        wiz.resize(1000, 680)
        self.settle()
        wiz.next()
        self.grab(wiz, "03-import-columns")
        wiz.next()
        self.wait(lambda: wiz.preview_page.report is not None)
        self.settle()
        self.grab(wiz, "04-import-preview")
        wiz.preview_page.skip.setChecked(True)
        wiz.next()
        self.wait(lambda: wiz.result_page.isComplete())
        self.grab(wiz, "05-import-done")
        wiz.accept()
        self.settle()
        self.grab(win, "06-checklist-after-import")

        # enrolment, in the helper process
        self.wait(lambda: ctx.engine is not None, 600)
        dlg = win.register.enrol()
        dlg.from_csv.setChecked(True)
        dlg.path.setText(str(scen / "enrol.csv"))
        dlg.go.click()
        self.wait(lambda: not dlg.running, 600)
        self.settle()
        self.grab(dlg, "07-enrol-done")
        dlg.accept()

        # register tab and a person's page
        win.tabs.setCurrentIndex(1)
        self.settle()
        self.grab(win, "08-register")
        people = ws.register.people()
        dnp = next((p for p in people if p.do_not_photograph and p.enrolled), people[0])
        page = win.register.open_person(dnp.id)
        page.resize(1200, 740)
        self.settle()
        self.grab(page, "09-person-page")
        page.accept()
        win.tabs.setCurrentIndex(0)

        # settings and channels
        self.modal(lambda: win.register.settings("school").exec(), "10-settings")
        self.modal(lambda: win.register.settings("channels").exec(), "11-settings-channels")

        # the trip photos, for Facebook
        expected = json.loads((scen / "expected.json").read_text(encoding="utf-8"))
        trip = work / "Trip to the farm"
        trip.mkdir()
        # the evaluation files are named after the people in them (real people): a camera's
        # names instead, so that no real person's name is seen in the screenshots
        for i, p in enumerate(expected["photos"], 1):
            src = scen / p["photo"]
            shutil.copy2(src, trip / f"IMG_{i:04d}{src.suffix.lower()}")
        ctx.set_channel("facebook")
        win.channel_combo.setCurrentIndex(win.channel_combo.findData("facebook"))
        win.add_paths([str(trip)])
        self.wait(lambda: len(win.batch.model.analysed()) == len(expected["photos"])
                  and not win.batch.checking, 3600)
        self.settle(1.5)
        win.photos.batch.set_filter("all")
        win.photos.batch.select_row(0)
        self.settle(1.0)
        self.grab(win, "12-batch")

        # a photo with a question for the person
        win.next_open()
        self.settle(1.5)
        self.grab(win, "13-review-a-question")
        # the busiest photo: most faces and texts, its labels laid out
        busiest = max(win.batch.model.items, key=lambda it: len(it.analysis.faces)
                      + len(it.analysis.texts) if it.analysis else 0)
        win.photos.batch.set_filter("all")
        win.photos.batch.select_path(busiest.path)
        self.settle(1.5)
        self.grab(win, "14-photo-labels-and-findings")

        # who is this?
        from photovet.gui.dialogs.who import PersonPicker
        self.modal(lambda: win.review.choose_person(0), "15-who-is-this", kind=PersonPicker)

        # answer the questions (one click each), mark ready, approve all shown
        guard = 0
        left: set[str] = set()      # waiting on the school's rules (a group shot): left to wait
        win.photos.batch.set_filter("all")
        while guard < 50:
            guard += 1
            waiting = [it for it in win.batch.model.items if it.analysis is not None
                       and it.analysis.needs_review and it.path not in left]
            if not waiting:
                break
            win.photos.batch.select_path(waiting[0].path)
            # the photo's questions are drawn once it is shown (later on a busy PC)
            if self.wait(lambda: bool(win.photos.findings.cards), 10):
                card = win.photos.findings.cards[0]
                card.buttons["no" if "no" in card.buttons else "cover"].click()
            else:
                left.add(waiting[0].path)
                print(f"{Path(waiting[0].path).name}: left waiting (open: "
                      f"{[f.kind for f in waiting[0].analysis.flags if f.open]})")
            self.settle(0.3)
        win.photos.batch.set_filter("all")
        self.modal(win.approval.mark_all_shown_ready, "16-mark-ready-confirm",
                   then=lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        ctx.session.sign_in(head, passwords[head])      # the approver's view opens by itself
        self.settle(2.0)
        self.grab(win, "17-approver-view-published")

        # the school's checklist in the approval panel, ticked by clicking each box
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from photovet.gui.dialogs.contact_sheet import ContactSheetDialog

        def tick_all(ticks):
            for b in ticks.boxes:
                if not b.isChecked():
                    QTest.mouseClick(b, Qt.MouseButton.LeftButton)
                    self.app.processEvents()
            if len(ticks.ticked()) != len(ticks.checks()):
                raise SystemExit("the checklist's boxes did not tick when clicked")

        panel = win.photos.approval
        self.wait(lambda: panel.checks.isVisible() and bool(panel.checks.boxes), 30)
        tick_all(panel.checks)
        self.settle(0.5)
        self.grab(win, "18-approver-checklist-ticked")

        def approve_on_the_sheet(sheet):
            # every photo as it will be published; Approve waits until each was on screen
            self.wait(lambda: any(t.rendered for t in sheet.tiles), 120)
            self.settle(1.0)
            self.grab(sheet, "19-approve-all-shown")
            bar = sheet.scroll.verticalScrollBar()
            end = time.monotonic() + 300
            while not sheet.all_seen() and time.monotonic() < end:
                self.app.processEvents()
                if all(t.rendered or t.failed for t in sheet.tiles):
                    bar.setValue(min(bar.maximum(), bar.value() + max(1, bar.pageStep() // 2)))
                time.sleep(0.05)
            if not sheet.all_seen():
                raise SystemExit(f"the contact sheet was not all seen: {sheet.status.text()}")
            tick_all(sheet.ticks)
            self.settle(0.3)
            self.grab(sheet, "20-approve-all-checklist")
            QTest.mouseClick(sheet.approve_btn, Qt.MouseButton.LeftButton)

        self.modal(win.approval.approve_all_shown, None, then=approve_on_the_sheet,
                   kind=ContactSheetDialog)
        approved = win.batch.model.counts().get("approval:approved", 0)
        print(f"approved: {approved} photos", flush=True)
        ctx.session.sign_in(office, passwords[office])

        # export
        # a folder as a school names one (s40: the done page showed the script's random
        # temporary folder): this script's own, left by an earlier run, is made again
        out = export_folder(work)
        exp = win.export.open()
        exp.folder.setText(str(out))
        exp.label.setText("Trip to the farm")
        self.wait(lambda: exp.export_btn.isEnabled(), 120)
        self.settle()
        self.grab(exp, "21-export")
        exp.export_btn.click()
        self.wait(lambda: exp.stack.currentIndex() == 2, 1800)
        self.settle()
        self.grab(exp, "22-export-done")

        # posted
        from photovet.gui.dialogs.mark_posted import MarkPostedDialog

        def post(d):
            d.url.setText("https://www.facebook.com/hollinslane/posts/1")
            d.accept()
        offered = []

        def offer(box):
            offered.append(box)
            for b in box.buttons():
                if b.text() == "Not now":
                    b.click()
                    return
            box.reject()

        self.modal(lambda: win.after.mark_posted("Trip to the farm", parent=exp),
                   "23-mark-posted", then=lambda d: (post(d), self.expect(
                       "24-offer-delete-originals", then=offer, kind=QMessageBox)),
                   kind=MarkPostedDialog)
        self.wait(lambda: bool(offered), 120)
        exp.accept()
        self.settle()

        purge = win.after.delete_originals("Trip to the farm")
        self.wait(lambda: purge.report is not None, 120)
        self.settle()
        self.grab(purge, "25-delete-originals-list")
        purge.reject()

        hist = win.after.open_exports()
        hist.resize(1300, 620)
        self.settle()
        self.grab(hist, "26-exports-history")
        hist.accept()

        # a family withdraws consent for someone shown: the banner and the take-down list
        shown = {p for r in ws.records.exports() for p in r.people_shown}
        if shown:
            who = min(shown)
            ws.register.set_consent(who, "facebook", "no")
            ctx.register_changed.emit()
            self.wait(lambda: win.takedown_banner.isVisible(), 60)
            win.photos.batch.set_filter("all")
            win.photos.batch.select_row(0)
            self.settle(1.0)
            self.grab(win, "27-takedown-banner")
            td = win.after.open_takedown()
            td.resize(1200, 520)
            self.wait(lambda: td.table.rowCount() > 0, 60)
            self.settle()
            self.grab(td, "28-takedown-list")
            td.accept()

        # a video in the player: the evaluation clip, checked for Facebook like the photos
        clips = sorted((data / "video").glob("*.mp4"))
        if clips:
            assembly = work / "Assembly"
            assembly.mkdir()
            clip = assembly / "VID_0001.mp4"
            shutil.copy2(clips[0], clip)
            before = len(win.batch.model.analysed())
            win.add_paths([str(clip)])
            self.wait(lambda: len(win.batch.model.analysed()) > before
                      and not win.batch.checking, 1800)
            win.photos.batch.set_filter("all")
            win.photos.batch.select_path(str(clip))
            player = win.photos.video
            self.wait(lambda: player.canvas.image is not None, 120)
            self.settle(2.0)
            self.grab(win, "29-video-player")

        # due for deletion, as the retention schedule will see it in a year and a half
        import datetime as dt

        from photovet.gui.views.due_for_deletion import DueForDeletionDialog
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=550)
        due = DueForDeletionDialog(ctx, clock=lambda: later, parent=win)
        due.show()
        self.settle(0.5)
        self.grab(due, "30-due-for-deletion")
        due.reject()
        win.close()
        ws.close()


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
