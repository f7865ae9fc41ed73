"""What leaves and what stays: faces (shown or covered, and why), names found in the picture,
areas covered by hand, and the hidden data in the file (all removed on export)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import PhotoAnalysis, channel_label

from . import style
from .photo_view import face_colour, face_label

KIND_ROLE = Qt.UserRole + 1
INDEX_ROLE = Qt.UserRole + 2


def text_sentence(t, people_by_id: dict[str, Any]) -> str:
    """"Name 'Amelia' on a badge: covered"."""
    d = t.final_decision
    outcome = {"cover": "covered", "keep": "stays", "review": "covered until you check it"}.get(d, d)
    if t.person or t.kind in ("pupil-name", "staff-name"):
        what = f"Name ‘{t.text}’"
    elif t.kind == "name-like":
        what = f"Possible name ‘{t.text}’"
    else:
        what = f"Text ‘{t.text}’"
    why = f" ({t.reason})" if t.reason and d != "keep" else ""
    return f"{what}: {outcome}{why}"


def metadata_sentences(a: PhotoAnalysis) -> list[str]:
    md = a.metadata
    if md is None:
        return []
    return [f.sentence() for f in md.findings]


def summary_lines(a: PhotoAnalysis, people_by_id: dict[str, Any]) -> list[tuple[str, str, int, QColor | None]]:
    """(section, sentence, index, colour) rows, in the order the panel shows them."""
    rows: list[tuple[str, str, int, QColor | None]] = []
    for i, f in enumerate(a.faces):
        verb = "shown" if f.final_decision == "show" else "covered"
        label = face_label(f, people_by_id, a.channel)
        if f.needs_review and f.override is None:
            text = f"Face {i + 1}: {label} — covered until you check it"
        else:
            text = f"Face {i + 1}: {verb} — {label}"
        rows.append(("face", text, i, face_colour(f)))
    for i, t in enumerate(a.texts):
        if t.final_decision == "keep" and not t.person and t.kind not in ("pupil-name", "staff-name", "name-like"):
            continue
        col = style.COVER if t.final_decision == "cover" else style.REVIEW if t.final_decision == "review" else style.TEXT_KEEP
        rows.append(("text", text_sentence(t, people_by_id), i, col))
    for i, m in enumerate(a.manual):
        shape = "oval" if m.shape == "ellipse" else "rectangle"
        rows.append(("manual", f"Area you covered ({shape}): covered", i, style.MANUAL))
    for s in metadata_sentences(a):
        rows.append(("meta", s, -1, QColor("#607d8b")))
    return rows


def _dot(colour: QColor | None) -> QIcon:
    key = colour.name() if colour is not None else "none"
    ic = _DOTS.get(key)
    if ic is None:
        ic = QIcon()
        for size in (12, 16, 24, 32):
            pm = QPixmap(size, size)
            pm.fill(Qt.transparent)
            if colour is not None:
                p = QPainter(pm)
                p.setRenderHint(QPainter.Antialiasing)
                p.setPen(Qt.NoPen)
                p.setBrush(colour)
                p.drawEllipse(QRectF(size * 0.2, size * 0.2, size * 0.6, size * 0.6))
                p.end()
            ic.addPixmap(pm)
        _DOTS[key] = ic
    return ic


_DOTS: dict[str, QIcon] = {}


class FindingsPanel(QWidget):
    face_selected = Signal(int)
    text_selected = Signal(int)
    manual_selected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = QLabel("What leaves and what stays")
        self.heading.setObjectName("SectionTitle")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Findings for this photo")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.summary)
        lay.addWidget(self.list, 1)
        self.show_analysis(None, {})

    def _section(self, text: str) -> None:
        it = QListWidgetItem(text)
        f = it.font()
        f.setBold(True)
        it.setFont(f)
        it.setFlags(Qt.ItemIsEnabled)
        it.setBackground(QBrush(QColor("#eef1f4")))
        self.list.addItem(it)

    def _row(self, text: str, kind: str, index: int, colour: QColor | None) -> None:
        it = QListWidgetItem(text)
        it.setIcon(_dot(colour))
        it.setData(KIND_ROLE, kind)
        it.setData(INDEX_ROLE, index)
        if colour is not None:
            it.setForeground(QBrush(colour.darker(130)))
        if kind == "meta":
            it.setFlags(Qt.ItemIsEnabled)
        self.list.addItem(it)

    def show_analysis(self, a: PhotoAnalysis | None, people_by_id: dict[str, Any]) -> None:
        self.list.clear()
        if a is None:
            self.summary.setText("Choose a photo to see what PhotoVet found in it.")
            return
        if a.error:
            self.summary.setText(f"This photo could not be checked: {a.error}.\n"
                                 "It will not be exported.")
            return
        rows = summary_lines(a, people_by_id)
        covered = a.cover_count
        shown = len(a.faces) - covered
        bits = [f"For {channel_label(a.channel)}:"]
        bits.append(f"{covered} face{'s' if covered != 1 else ''} covered, {shown} shown.")
        if a.covered_text_count:
            bits.append(f"{a.covered_text_count} name{'s' if a.covered_text_count != 1 else ''} covered.")
        meta = metadata_sentences(a)
        if meta:
            bits.append(f"{len(meta)} hidden detail{'s' if len(meta) != 1 else ''} removed.")
        self.summary.setText(" ".join(bits))

        sections = [("face", "Faces"), ("text", "Names and text in the picture"),
                    ("manual", "Areas covered by hand"), ("meta", "Hidden data in the file")]
        for kind, title in sections:
            mine = [r for r in rows if r[0] == kind]
            if kind == "face" and not mine:
                self._section(title)
                self._row("No faces found.", "none", -1, None)
                continue
            if kind == "meta" and not mine:
                self._section(title)
                self._row("Nothing found. The export is written fresh with no hidden data.", "meta", -1, None)
                continue
            if not mine:
                continue
            self._section(title)
            for _, text, idx, col in mine:
                self._row(text, kind, idx, col)
        for w in a.warnings:
            self._section("Notes")
            self._row(w, "meta", -1, None)
            break

    def _activated(self, item: QListWidgetItem) -> None:
        kind, idx = item.data(KIND_ROLE), item.data(INDEX_ROLE)
        if idx is None or idx < 0:
            return
        if kind == "face":
            self.face_selected.emit(idx)
        elif kind == "text":
            self.text_selected.emit(idx)
        elif kind == "manual":
            self.manual_selected.emit(idx)

    def lines(self) -> list[str]:
        return [self.list.item(i).text().strip() for i in range(self.list.count())]
