"""Export: choose where, for which channel, and a batch label; then progress with Cancel, a
summary of what was covered, covered and removed, and "Open folder".

The export itself is ``photovet.core.pipeline.export_batch`` running in a ``Job``. Closing the
dialog (or the main window) while it runs cancels it and waits for the worker to stop; the core
writes each file under a temporary name and renames it only when it is complete and verified, so
no partial file is left behind.
"""

from __future__ import annotations

import collections
import datetime as _dt
import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import CHANNELS, PhotoAnalysis, channel_label

from . import style
from .workers import Job


def default_export_dir() -> str:
    pics = QStandardPaths.writableLocation(QStandardPaths.PicturesLocation) or str(Path.home())
    return str(Path(pics) / "PhotoVet exports")


def default_label() -> str:
    return f"Photos {_dt.date.today().isoformat()}"


def choose_photos(analyses: list[PhotoAnalysis], status_of: Callable[[str], str], *,
                  approval_required: bool, include_review: bool) -> tuple[list[PhotoAnalysis], list[str]]:
    """Which photos the export takes, and one line for each that is left out (and why)."""
    take, left = [], []
    for a in analyses:
        name = Path(a.path).name
        if a.error:
            left.append(f"{name}: could not be checked ({a.error})")
        elif approval_required and status_of(a.sha256) != "approved":
            st = status_of(a.sha256)
            why = {"ready": "waiting for approval", "rejected": "rejected"}.get(st, "not approved yet")
            left.append(f"{name}: {why}")
        elif not approval_required and a.needs_review and not include_review:
            left.append(f"{name}: still needs checking")
        else:
            take.append(a)
    return take, left


def summarise(results: list[Any], analyses_by_path: dict[str, PhotoAnalysis]) -> dict[str, Any]:
    ok = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    meta = collections.Counter()
    for r in ok:
        a = analyses_by_path.get(str(r.source))
        labels = set()
        if a is not None and a.metadata is not None:
            labels = {f.label for f in a.metadata.findings}
        elif r.metadata_removed:
            labels = {s.split(":")[0] for s in r.metadata_removed}
        for lab in labels:
            meta[lab] += 1
    return {
        "exported": len(ok),
        "failed": [f"{Path(r.source).name}: {r.error}" for r in failed],
        "faces_covered": sum(r.faces_covered for r in ok),
        "texts_covered": sum(r.texts_covered for r in ok),
        "manual": sum(r.manual_covers for r in ok),
        "metadata": meta,
        "outputs": [r.output for r in ok],
    }


def summary_text(s: dict[str, Any], folder: str, cancelled: bool) -> str:
    lines = []
    n = s["exported"]
    if cancelled:
        lines.append(f"Export stopped. {n} photo{'s' if n != 1 else ''} had been exported; "
                     "nothing half-written was left behind.")
    else:
        lines.append(f"{n} photo{'s' if n != 1 else ''} exported to {folder}.")
    lines.append(f"Faces covered: {s['faces_covered']}. Names covered: {s['texts_covered']}. "
                 f"Areas covered by hand: {s['manual']}.")
    if s["metadata"]:
        parts = [f"{lab} ({c} photo{'s' if c != 1 else ''})" for lab, c in s["metadata"].most_common()]
        lines.append("Hidden data removed: " + ", ".join(parts) + ".")
    else:
        lines.append("No hidden data was found; every file was written fresh anyway.")
    if s["failed"]:
        lines.append("")
        lines.append(f"Not exported ({len(s['failed'])}):")
        lines.extend("  • " + f for f in s["failed"])
    return "\n".join(lines)


class ExportDialog(QDialog):
    """Modal-ish dialog; emits ``exported(list[ExportResult])`` when a run ends."""

    exported = Signal(list)

    def __init__(self, analyses: list[PhotoAnalysis], *, engine: Any, channel: str, mode: str,
                 approval_required: bool, status_of: Callable[[str], str],
                 preparer: str = "", approver: str = "", channels: list[str] | None = None,
                 destination: str = "", label: str = "", export_fn: Callable | None = None,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export safe copies")
        self.setMinimumWidth(560)
        self.analyses = analyses
        self.engine = engine
        self.mode = mode
        self.approval_required = approval_required
        self.status_of = status_of
        self.preparer, self.approver = preparer, approver
        self.job: Job | None = None
        self.results: list[Any] = []
        self.out_dir = ""
        self._closing = False
        self._export_fn = export_fn

        intro = QLabel("PhotoVet writes new copies with faces covered, names covered and all hidden "
                       "data removed. Your original photos are not changed.")
        intro.setWordWrap(True)

        self.dest = QLineEdit(destination or default_export_dir())
        self.dest.setAccessibleName("Destination folder")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest, 1)
        dest_row.addWidget(browse)

        self.channel = QComboBox()
        for ch in channels or list(CHANNELS):
            self.channel.addItem(channel_label(ch), ch)
        i = self.channel.findData(channel)
        self.channel.setCurrentIndex(max(0, i))
        self.channel.currentIndexChanged.connect(self._update_counts)
        self.label = QLineEdit(label or default_label())
        self.label.setAccessibleName("Batch label")
        self.label.setPlaceholderText("e.g. Sports day 2025")
        self.include_review = QCheckBox("Include photos that still need checking (uncertain faces stay covered)")
        self.include_review.setVisible(not approval_required)
        self.include_review.toggled.connect(self._update_counts)

        form = QFormLayout()
        form.addRow("Save to:", dest_row)
        form.addRow("Post to:", self.channel)
        form.addRow("Batch label:", self.label)
        form.addRow("", self.include_review)
        self.form_widget = QWidget()
        self.form_widget.setLayout(form)

        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setObjectName("Banner")
        self.count_label = QLabel("")
        self.count_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_label = QLabel("")
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setVisible(False)
        self.summary.setMinimumHeight(140)

        self.export_btn = QPushButton(style.icon("export"), "Export")
        self.export_btn.setDefault(True)
        self.export_btn.clicked.connect(self.start)
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.clicked.connect(self._cancel_clicked)
        self.open_btn = QPushButton(style.icon("folder"), "Open folder")
        self.open_btn.setVisible(False)
        self.open_btn.clicked.connect(self.open_folder)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_btn)
        buttons.addWidget(self.cancel_btn)
        buttons.addWidget(self.export_btn)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.form_widget)
        lay.addWidget(self.warning)
        lay.addWidget(self.count_label)
        lay.addWidget(self.progress)
        lay.addWidget(self.progress_label)
        lay.addWidget(self.summary, 1)
        lay.addLayout(buttons)
        self.setTabOrder(self.dest, browse)
        self.setTabOrder(browse, self.channel)
        self.setTabOrder(self.channel, self.label)
        self.setTabOrder(self.label, self.export_btn)
        self._update_counts()

    # -- setup ----------------------------------------------------------------------------
    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Where should the safe copies go?", self.dest.text())
        if d:
            self.dest.setText(d)

    def selected(self) -> tuple[list[PhotoAnalysis], list[str]]:
        return choose_photos(self.analyses, self.status_of, approval_required=self.approval_required,
                             include_review=self.include_review.isChecked())

    def _update_counts(self) -> None:
        take, left = self.selected()
        ch = channel_label(self.channel.currentData())
        text = f"{len(take)} photo{'s' if len(take) != 1 else ''} will be exported for {ch}."
        if left:
            text += f" {len(left)} will be left out"
            text += " (not approved yet)." if self.approval_required else "."
        self.count_label.setText(text)
        if not self.approval_required:
            self.warning.setText("Approval is turned off in Settings: these photos have not been "
                                 "checked by a senior leader.")
            self.warning.setStyleSheet(style.BANNER_WARNING)
            self.warning.show()
        else:
            self.warning.hide()
        self.export_btn.setEnabled(bool(take) and self.job is None)
        if not take:
            self.count_label.setText(
                text + ("\nApprove photos first (A), or filter the batch by “Waiting for approval”."
                        if self.approval_required else "")
            )

    # -- running --------------------------------------------------------------------------
    def start(self) -> None:
        take, _ = self.selected()
        if not take or self.job is not None:
            return
        out = Path(self.dest.text().strip()).expanduser()
        if not str(out).strip() or str(out) == ".":
            self._problem("Choose a folder to save the safe copies in.")
            return
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._problem(f"The folder {out} could not be created ({exc.strerror or exc}). "
                          "Choose another folder.")
            return
        label = self.label.text().strip() or default_label()
        channel = self.channel.currentData()
        self.out_dir = str(out)
        self.results = []
        by_path = {str(a.path): a for a in take}
        self._by_path = by_path
        engine, preparer, approver = self.engine, self.preparer, self.approver
        require = self.approval_required
        export_fn = self._export_fn
        if export_fn is None:
            from photovet.core.pipeline import export_batch as export_fn  # noqa: PLC0415

        def factory(stop: threading.Event):
            return export_fn(take, out, label=label, engine=engine, channel=channel, stop=stop,
                             preparer=preparer or None, approver=approver or None,
                             require_approved=require)

        self.job = Job(factory, name="export", parent=self)
        self.job.items.connect(self._on_items)
        self.job.failed.connect(self._on_failed)
        self.job.finished.connect(self._on_finished)
        self.form_widget.setEnabled(False)
        self.export_btn.setEnabled(False)
        self.cancel_btn.setText("Stop")
        self.progress.setRange(0, len(take))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.progress_label.setText("Exporting…")
        self.summary.setVisible(False)
        self.open_btn.setVisible(False)
        self.job.start()

    def _problem(self, text: str) -> None:
        self.warning.setText(text)
        self.warning.setStyleSheet(style.BANNER_ERROR)
        self.warning.show()

    def _on_items(self, items: list) -> None:
        for pr in items:
            if pr.total:
                self.progress.setMaximum(pr.total)
            self.progress.setValue(pr.done)
            if pr.result is not None:
                self.results.append(pr.result)
                self.progress_label.setText(f"Exported {pr.done} of {pr.total}: {Path(pr.path or '').name}")

    def _on_failed(self, text: str) -> None:
        self._problem(f"The export stopped: {text}")

    def _on_finished(self, cancelled: bool) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        s = summarise(self.results, getattr(self, "_by_path", {}))
        self.summary.setPlainText(summary_text(s, self.out_dir, cancelled))
        self.summary.setVisible(True)
        self.progress_label.setText("Stopped." if cancelled else "Done.")
        self.open_btn.setVisible(bool(s["exported"]))
        self.cancel_btn.setText("Close")
        self.form_widget.setEnabled(True)
        self.exported.emit(list(self.results))
        if self._closing:
            super().reject()

    # -- closing --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def _cancel_clicked(self) -> None:
        if self.job is not None:
            self.progress_label.setText("Stopping after the current photo…")
            self.cancel_btn.setEnabled(False)
            self.job.cancel()
            self.cancel_btn.setEnabled(True)
            return
        self.reject()

    def shutdown(self, wait_ms: int = 60000) -> bool:
        """Cancel a running export and wait for the worker to stop (window closing)."""
        job = self.job
        if job is None:
            return True
        job.cancel()
        ok = job.wait(wait_ms)
        return ok

    def reject(self) -> None:  # Esc / window close button
        if self.job is not None:
            self._closing = True
            self.progress_label.setText("Stopping after the current photo…")
            self.job.cancel()
            return
        super().reject()

    def closeEvent(self, ev) -> None:
        if self.job is not None:
            self._closing = True
            self.job.cancel()
            ev.ignore()
            return
        super().closeEvent(ev)

    def open_folder(self) -> None:
        if self.out_dir:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.out_dir))
