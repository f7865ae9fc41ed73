"""Enrolment: a face signature for each person from a clear portrait (a folder of photos named
by UPN, or a CSV of UPN and photo). The models are already loaded in the checking process, so
the work is done there; problems are listed one line per photo and enrolment goes on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.register.reports import EnrolReport

from ..words import esc, plural


class EnrolDialog(QDialog):
    enrol_requested = Signal(str, str)     # kind ("folder" | "csv"), path
    #: how far the enrolment is (done, total): emitted from the enrolment's thread, shown here
    progressed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Enrol face photos")
        self.setObjectName("EnrolDialog")
        self.resize(760, 300)
        self.running = False
        #: (kind, path) of the last run that enrolled someone, while it is still the one chosen:
        #: pressing the button again asks first (s43 walk: it re-enrolled everyone silently)
        self.enrolled_from: tuple[str, str] | None = None
        self._run_from: tuple[str, str] | None = None
        intro = QLabel("PhotoVet recognises people from one clear portrait of each (the school "
                       "photo is ideal). Each photo must show exactly one face. Only a face "
                       "signature is kept, never the photo; enrolling someone again replaces "
                       "their old signature.")
        intro.setWordWrap(True)
        self.from_folder = QRadioButton("A &folder of photos named by UPN or staff code "
                                        "(A123456789012.jpg) or by name (Rosie Cooper.jpg)")
        self.from_csv = QRadioButton("A &CSV file with two columns: UPN and Photo (the photo's "
                                     "file name)")
        self.from_folder.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_folder)
        group.addButton(self.from_csv)
        self.from_folder.toggled.connect(lambda *_: self._kind_changed())
        self.path = QLineEdit()
        self.path.setAccessibleName("Folder or CSV file")
        self.path.textChanged.connect(self._update)
        browse = QPushButton("&Browse\u2026")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Photos that could not be used")
        self.problems.hide()
        self.go = QPushButton("Enrol")
        self.go.setObjectName("Primary")
        self.go.clicked.connect(self._go)
        self.close_btn = QPushButton("Close")
        self.close_btn.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.go)
        buttons.addWidget(self.close_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.from_folder)
        lay.addWidget(self.from_csv)
        lay.addLayout(row)
        lay.addWidget(self.state)
        lay.addWidget(self.busy)
        lay.addWidget(self.problems, 1)
        lay.addStretch(0)
        lay.addLayout(buttons)
        self.ready = False
        self.progressed.connect(self.show_progress)
        self._update()

    def set_ready(self, ready: bool) -> None:
        """The face recogniser is loaded (it takes a few seconds after PhotoVet starts)."""
        self.ready = ready
        if not ready:
            self.state.setText("PhotoVet is getting ready (loading the face recogniser)\u2026")
        elif self.state.text().startswith("PhotoVet is getting ready"):
            self.state.setText("")
        self._update()

    def _browse(self) -> None:
        if self.from_folder.isChecked():
            p = QFileDialog.getExistingDirectory(self, "Choose the folder of portraits",
                                                 self.path.text() or str(Path.home()))
        else:
            p, _ = QFileDialog.getOpenFileName(self, "Choose the enrolment CSV",
                                               self.path.text() or str(Path.home()),
                                               "CSV files (*.csv);;All files (*)")
        if p:
            self.path.setText(p)

    def _kind_changed(self) -> None:
        """A folder or a CSV file: a fresh start (the audit: the folder's path and the last
        result stayed when the person switched to a CSV file)."""
        if self.running:
            return
        self.path.clear()
        self.problems.clear()
        self.problems.hide()
        if not self.state.text().startswith("PhotoVet is getting ready"):
            self.state.setText("")
        self._update()

    def kind(self) -> str:
        return "folder" if self.from_folder.isChecked() else "csv"

    def _update(self) -> None:
        p = Path(self.path.text().strip()) if self.path.text().strip() else None
        ok = p is not None and (p.is_dir() if self.kind() == "folder" else p.is_file())
        self.go.setEnabled(ok and self.ready and not self.running)
        if self.enrolled_from is not None and self.enrolled_from != self._chosen():
            self.enrolled_from = None         # another folder or file: a new run
        self.go.setText("Enrol again\u2026" if self.enrolled_from else "Enrol")
        self.go.setToolTip("These portraits were just enrolled: to enrol more people, choose "
                           "another folder or file" if self.enrolled_from else "")

    def _chosen(self) -> tuple[str, str]:
        return self.kind(), self.path.text().strip()

    def _go(self) -> None:
        if self.enrolled_from is not None and not self._again():
            return
        self.running = True
        self._run_from = self._chosen()
        self._update()
        self.busy.setRange(0, 0)             # until the core says how many there are
        self.busy.show()
        self.problems.clear()
        self.problems.hide()
        # said at once (s37 walk: "about a second per photo" until the first portrait was
        # read); the core says "0 of 21" as soon as it has listed them
        self.state.setText("Reading portraits\u2026")
        self._running_buttons()
        self.enrol_requested.emit(self.kind(), self.path.text().strip())

    def _again(self) -> bool:
        """The portraits just enrolled, chosen again: enrol them all again only if asked to."""
        what = "folder" if self.kind() == "folder" else "file"
        box = QMessageBox(QMessageBox.Icon.Question, "Enrol again?",
                          f"The portraits in this {what} were just enrolled. Enrol everyone in "
                          "it again?", QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText("PhotoVet reads every portrait again and replaces each "
                               "person's face signature. To enrol more people, choose another "
                               f"{what}.")
        again = box.addButton("Enrol again", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is again

    def _running_buttons(self) -> None:
        """Close waits for the enrolment (a click did nothing, s37 walk): greyed, saying so."""
        self.close_btn.setEnabled(not self.running)
        self.close_btn.setToolTip("Enrolment finishes first (about a second per portrait)"
                                  if self.running else "")

    def show_progress(self, done: int, total: int) -> None:
        """'Reading portraits: 12 of 20 read…', and the bar filled as far (s36 walk: it said
        "about a second per photo" for over a minute, with no count)."""
        if not self.running or total <= 0:
            return
        self.busy.setRange(0, total)
        self.busy.setValue(min(done, total))
        self.state.setText(f"Reading portraits: {done} of {total} read\u2026")

    def show_report(self, report: EnrolReport) -> None:
        self.running = False
        self._running_buttons()
        self.busy.hide()
        n = len(report.enrolled)
        self.enrolled_from = self._run_from if n else None
        used, total = sum(report.enrolled.values()), report.photos
        # "6 people enrolled from 6 photos.", "... from 2 of the 6 photos. 4 photos could not
        # be used (listed below)." (it read "from 6 photos of 6.", and "could not be used:"
        # ran into the next sentence)
        state = (f"<b>{plural(n, 'person', 'people')} enrolled</b> from "
                 + (plural(total, 'photo') if used == total else
                    f"{used} of the {plural(total, 'photo')}") + ".")
        if report.errors:
            state += (f" {plural(len(report.errors), 'photo')} could not be used (listed "
                      "below).")
        self.state.setText(state)
        # a photographer's files named by the pupil: which pupil each was taken as (audit s28),
        # for the photos enrolled (one that could not be used has nothing to check)
        failed = {Path(e.path).name for e in report.errors if e.path}
        by_name = [line for (f, _pid, _name), line in zip(getattr(report, "by_name", []),
                                                          report.by_name_lines())
                   if f not in failed]
        if by_name:
            self.state.setText(self.state.text() + " " + esc(
                f"{plural(len(by_name), 'photo')} found by the name in the file name: check "
                "each one is the right pupil (listed below)."))
        warnings = getattr(report, "lookalikes", [])
        if warnings:
            # still enrolled: the core's words, both people named
            self.state.setText(self.state.text() + " " + esc(
                f"{plural(len(warnings), 'portrait')} {'is' if len(warnings) == 1 else 'are'} "
                "almost the same face as someone else enrolled:"))
        for w in warnings:
            self.problems.addItem(f"Warning: {w.message}.")
        for line in by_name:
            self.problems.addItem(f"Check: {line}.")
        for e in report.errors:
            # the pupil's name first, the UPN after it (s37 walk: the UPN alone)
            self.problems.addItem(f"{Path(e.path).name if e.path else e.person_id}: {e.said()}")
        self.problems.setVisible(bool(report.errors or warnings or by_name))
        if report.errors or warnings or by_name:
            self.resize(self.width(), max(self.height(), 520))
        self._update()

    def show_error(self, text: str) -> None:
        self.running = False
        self._running_buttons()
        self.busy.hide()
        self.state.setText(f"Nothing was enrolled: {esc(text)}")
        self._update()

    def reject(self) -> None:
        if self.running:
            return   # the enrolment finishes first (a few seconds)
        super().reject()


__all__ = ["EnrolDialog"]
