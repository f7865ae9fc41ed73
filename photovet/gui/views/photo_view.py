"""The photo: a large view with every face boxed and labelled, the names found, the areas drawn by
hand, and a before/after switch that shows exactly what the export will contain.

The canvas draws a *preview* of the photo (decoded off the GUI thread at screen size) and maps
the analysis's display-pixel coordinates onto it. It never decides anything: clicking a face asks
the main window (through ``face_toggle_requested``) which asks the core.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFontMetrics,
    QImage,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import Face, PhotoAnalysis, Cover, TextItem, channel_label

from . import style

# --------------------------------------------------------------------------------------------
# Words for faces and texts (shared with the findings panel)
# --------------------------------------------------------------------------------------------


def face_person(face: Face, people_by_id: dict[str, Any]):
    pid = face.override_person or face.person
    return people_by_id.get(pid) if pid else None


def face_label(face: Face, people_by_id: dict[str, Any], channel: str) -> str:
    """'Tori — consent for School website', 'Unknown', 'No consent for Facebook', 'Never publish'."""
    person = face_person(face, people_by_id)
    recognised = face.override_person is not None or face.match_status == "recognised"
    name = person.first_name if person is not None else ""
    if face.final_decision == "show":
        if face.override == "show" and not recognised:
            return "Shown by hand (not identified)"
        if face.override == "show" and face.decision != "show":
            return f"{name or 'Shown'} — shown by hand"
        return f"{name} — consent for {channel_label(channel)}" if name else "Shown"
    # covered
    if face.override == "cover" and face.decision == "show":
        return f"{name} — covered by hand" if name else "Covered by hand"
    if person is not None and getattr(person, "do_not_photograph", False):
        return f"{name} — Never publish" if name else "Never publish"
    if not recognised:
        if face.match_status == "uncertain" and name:
            return f"Not sure — {name}?"
        return "Unknown"
    reason = face.reason or f"No consent for {channel_label(channel)}"
    return f"{name} — {reason}" if name else reason


def face_colour(face: Face) -> QColor:
    if face.needs_review and face.override is None:
        return style.REVIEW
    return style.SHOW if face.final_decision == "show" else style.COVER


def text_label(t: TextItem, people_by_id: dict[str, Any]) -> str:
    d = t.final_decision
    word = {"cover": "covered", "keep": "stays", "review": "check"}.get(d, d)
    return f"“{t.text}”: {word}"


# --------------------------------------------------------------------------------------------
# The canvas
# --------------------------------------------------------------------------------------------

TOOL_SELECT, TOOL_RECT, TOOL_ELLIPSE = "select", "rect", "ellipse"


class PhotoCanvas(QWidget):
    face_clicked = Signal(int)                  # index into analysis.faces
    text_clicked = Signal(int, object)          # index into analysis.texts, global QPoint
    face_menu_requested = Signal(int, object)   # index, global QPoint
    manual_menu_requested = Signal(int, object)  # index into analysis.manual, global QPoint
    cover_drawn = Signal(str, tuple)        # shape, (x, y, w, h) in photo pixels
    navigate = Signal(int)                      # -1 / +1 (arrow keys)

    MIN_DRAW = 6  # screen pixels

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAccessibleName("Photo")
        self.analysis: PhotoAnalysis | None = None
        self.people_by_id: dict[str, Any] = {}
        self.channel = "website"
        self.before: QImage | None = None
        self.after: QImage | None = None
        self.show_after = False
        self.tool = TOOL_SELECT
        self.selected_face = -1
        self.hover_face = -1
        self.message = "Choose a photo from the batch."
        self._drag_start: QPointF | None = None
        self._drag_now: QPointF | None = None

    # -- data ---------------------------------------------------------------------------
    def set_photo(self, analysis: PhotoAnalysis | None, image: QImage | None,
                  people_by_id: dict[str, Any] | None = None, channel: str | None = None) -> None:
        same = analysis is not None and self.analysis is not None and analysis.path == self.analysis.path
        self.analysis = analysis
        self.before = image
        if not same:
            self.after = None
            self.selected_face = -1
        if people_by_id is not None:
            self.people_by_id = people_by_id
        if channel is not None:
            self.channel = channel
        self.update()

    def set_after(self, image: QImage | None) -> None:
        self.after = image
        self.update()

    def set_message(self, text: str) -> None:
        self.message = text
        self.update()

    # -- geometry -----------------------------------------------------------------------
    def _photo_size(self) -> tuple[int, int]:
        a = self.analysis
        if a is not None and a.width and a.height:
            return a.width, a.height
        if self.before is not None:
            return self.before.width(), self.before.height()
        return 0, 0

    def image_rect(self) -> QRectF:
        w, h = self._photo_size()
        if not w or not h:
            return QRectF()
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        s = min(area.width() / w, area.height() / h)
        dw, dh = w * s, h * s
        return QRectF(area.center().x() - dw / 2, area.center().y() - dh / 2, dw, dh)

    def _scale(self) -> float:
        w, _ = self._photo_size()
        r = self.image_rect()
        return r.width() / w if w else 1.0

    def to_screen(self, box) -> QRectF:
        r, s = self.image_rect(), self._scale()
        x, y, w, h = box
        return QRectF(r.left() + x * s, r.top() + y * s, w * s, h * s)

    def to_photo(self, pt: QPointF) -> tuple[float, float]:
        r, s = self.image_rect(), self._scale()
        return ((pt.x() - r.left()) / s, (pt.y() - r.top()) / s)

    def face_at(self, pt: QPointF) -> int:
        if self.analysis is None:
            return -1
        best, best_area = -1, None
        for i, f in enumerate(self.analysis.faces):
            rr = self.to_screen(f.box).adjusted(-3, -3, 3, 3)
            if rr.contains(pt):
                area = rr.width() * rr.height()
                if best_area is None or area < best_area:  # smallest box wins (nested faces)
                    best, best_area = i, area
        return best

    def text_at(self, pt: QPointF) -> int:
        if self.analysis is None:
            return -1
        s, r = self._scale(), self.image_rect()
        for i, t in enumerate(self.analysis.texts):
            if not t.polygon:
                continue
            poly = QPolygonF([QPointF(r.left() + x * s, r.top() + y * s) for x, y in t.polygon])
            if poly.boundingRect().adjusted(-3, -3, 3, 3).contains(pt):
                return i
        return -1

    def manual_at(self, pt: QPointF) -> int:
        if self.analysis is None:
            return -1
        for i in range(len(self.analysis.manual) - 1, -1, -1):
            m = self.analysis.manual[i]
            if m.box and self.to_screen(m.box).contains(pt):
                return i
        return -1

    # -- painting -----------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.setRenderHint(QPainter.SmoothPixmapTransform)
        p.fillRect(self.rect(), QColor("#2b2f33"))
        img = self.after if self.show_after else self.before
        r = self.image_rect()
        if self.analysis is None or r.isEmpty() or (img is None and not self.show_after):
            p.setPen(QColor("#e0e0e0"))
            p.drawText(self.rect().adjusted(20, 20, -20, -20), Qt.AlignCenter | Qt.TextWordWrap,
                       self.message if self.analysis is None else "Loading the photo…")
            return
        if img is None:  # after-view still rendering
            if self.before is not None:
                p.drawImage(r, self.before)
            p.fillRect(r, QColor(0, 0, 0, 150))
            p.setPen(QColor("#ffffff"))
            p.drawText(r, Qt.AlignCenter, "Preparing the published version…")
            return
        p.drawImage(r, img)
        if self.show_after:
            self._caption(p, r, "This is what will be published (no hidden data)")
            return
        self._draw_overlays(p)
        if self._drag_start is not None and self._drag_now is not None:
            rr = QRectF(self._drag_start, self._drag_now).normalized()
            p.setPen(QPen(style.MANUAL, 2, Qt.DashLine))
            p.setBrush(QColor(style.MANUAL.red(), style.MANUAL.green(), style.MANUAL.blue(), 70))
            if self.tool == TOOL_ELLIPSE:
                p.drawEllipse(rr)
            else:
                p.drawRect(rr)

    def _caption(self, p: QPainter, r: QRectF, text: str) -> None:
        fm = QFontMetrics(self.font())
        w = fm.horizontalAdvance(text) + 20
        box = QRectF(r.center().x() - w / 2, r.top() + 8, w, fm.height() + 8)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(0, 0, 0, 170))
        p.drawRoundedRect(box, 5, 5)
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignCenter, text)

    def _tag(self, p: QPainter, anchor: QRectF, text: str, colour: QColor, below: bool = False) -> None:
        fm = QFontMetrics(p.font())
        limit = max(80.0, self.width() * 0.45)
        # Elide only a label longer than the limit; otherwise size the tag to the whole text with
        # some slack (font hinting on some screens made an exact fit elide "Unknown" to "Unkno…").
        shown = text if fm.horizontalAdvance(text) + 14 <= limit else \
            fm.elidedText(text, Qt.ElideRight, int(limit) - 14)
        w = fm.horizontalAdvance(shown) + 14
        h = fm.height() + 4
        x = max(2.0, min(anchor.left(), self.width() - w - 2))
        y = anchor.bottom() + 2 if below else anchor.top() - h - 2
        if y < 2:
            y = anchor.bottom() + 2
        if y + h > self.height() - 2:
            y = anchor.top() - h - 2
        box = QRectF(x, y, w, h)
        p.setPen(Qt.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(box, 3, 3)
        dark = colour.lightness() > 150
        p.setPen(QColor("#1f1f1f") if dark else QColor("#ffffff"))
        p.drawText(box.adjusted(6, 0, -2, 0), Qt.AlignVCenter | Qt.AlignLeft | Qt.TextDontClip, shown)

    def _draw_overlays(self, p: QPainter) -> None:
        a = self.analysis
        # text lines
        for t in a.texts:
            if not t.polygon:
                continue
            s, r = self._scale(), self.image_rect()
            poly = QPolygonF([QPointF(r.left() + x * s, r.top() + y * s) for x, y in t.polygon])
            d = t.final_decision
            colour = style.COVER if d == "cover" else style.REVIEW if d == "review" else style.TEXT_KEEP
            if d == "keep" and not t.person and t.kind not in ("pupil-name", "staff-name", "name-like"):
                p.setPen(QPen(colour, 1, Qt.DotLine))
                p.setBrush(Qt.NoBrush)
                p.drawPolygon(poly)
                continue
            p.setPen(QPen(colour, 2))
            p.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 60 if d == "cover" else 25))
            p.drawPolygon(poly)
            self._tag(p, poly.boundingRect(), text_label(t, self.people_by_id), colour, below=True)
        # areas drawn by hand
        for m in a.manual:
            if not m.box:
                continue
            rr = self.to_screen(m.box)
            p.setPen(QPen(style.MANUAL, 2, Qt.DashLine))
            p.setBrush(QColor(style.MANUAL.red(), style.MANUAL.green(), style.MANUAL.blue(), 90))
            if m.shape == "ellipse":
                p.drawEllipse(rr)
            else:
                p.drawRect(rr)
        # faces
        for i, f in enumerate(a.faces):
            rr = self.to_screen(f.box)
            colour = face_colour(f)
            width = 4 if i == self.selected_face else 3 if i == self.hover_face else 2
            if f.final_decision != "show":
                p.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 55))
            else:
                p.setBrush(Qt.NoBrush)
            p.setPen(QPen(colour, width, Qt.SolidLine if not f.needs_review or f.override else Qt.DashLine))
            p.drawRect(rr)
            if i == self.selected_face:
                p.setPen(QPen(style.SELECTED, 2))
                p.setBrush(Qt.NoBrush)
                p.drawRect(rr.adjusted(-4, -4, 4, 4))
            self._tag(p, rr, face_label(f, self.people_by_id, self.channel), colour)

    # -- input --------------------------------------------------------------------------
    def mousePressEvent(self, ev) -> None:
        self.setFocus(Qt.MouseFocusReason)
        if self.analysis is None or self.show_after:
            return
        pos = ev.position()
        if ev.button() == Qt.RightButton:
            i = self.face_at(pos)
            if i >= 0:
                self.selected_face = i
                self.update()
                self.face_menu_requested.emit(i, ev.globalPosition().toPoint())
                return
            m = self.manual_at(pos)
            if m >= 0:
                self.manual_menu_requested.emit(m, ev.globalPosition().toPoint())
            return
        if ev.button() != Qt.LeftButton:
            return
        if self.tool == TOOL_SELECT:
            i = self.face_at(pos)
            if i >= 0:
                self.selected_face = i
                self.update()
                self.face_clicked.emit(i)
                return
            t = self.text_at(pos)
            if t >= 0:
                self.text_clicked.emit(t, ev.globalPosition().toPoint())
        elif self.image_rect().contains(pos):
            self._drag_start = pos
            self._drag_now = pos

    def mouseMoveEvent(self, ev) -> None:
        pos = ev.position()
        if self._drag_start is not None:
            r = self.image_rect()
            self._drag_now = QPointF(min(max(pos.x(), r.left()), r.right()),
                                     min(max(pos.y(), r.top()), r.bottom()))
            self.update()
            return
        if self.tool == TOOL_SELECT and not self.show_after:
            i = self.face_at(pos)
            if i != self.hover_face:
                self.hover_face = i
                self.setCursor(Qt.PointingHandCursor if i >= 0 else Qt.ArrowCursor)
                if i >= 0 and self.analysis is not None:
                    f = self.analysis.faces[i]
                    verb = "show" if f.final_decision != "show" else "cover"
                    self.setToolTip(f"{face_label(f, self.people_by_id, self.channel)}\n"
                                    f"Click to {verb} this face; right-click for more.")
                else:
                    self.setToolTip("")
                self.update()
        elif self.tool in (TOOL_RECT, TOOL_ELLIPSE):
            self.setCursor(Qt.CrossCursor)

    def mouseReleaseEvent(self, ev) -> None:
        if self._drag_start is None:
            return
        start, end = self._drag_start, self._drag_now or ev.position()
        self._drag_start = self._drag_now = None
        rr = QRectF(start, end).normalized()
        self.update()
        if rr.width() < self.MIN_DRAW or rr.height() < self.MIN_DRAW:
            return
        x0, y0 = self.to_photo(rr.topLeft())
        x1, y1 = self.to_photo(rr.bottomRight())
        W, H = self._photo_size()
        x0, y0 = max(0, int(round(x0))), max(0, int(round(y0)))
        x1, y1 = min(W, int(round(x1))), min(H, int(round(y1)))
        if x1 - x0 < 2 or y1 - y0 < 2:
            return
        self.cover_drawn.emit(self.tool, (x0, y0, x1 - x0, y1 - y0))

    def keyPressEvent(self, ev) -> None:
        if ev.key() in (Qt.Key_Left, Qt.Key_Up):
            self.navigate.emit(-1)
        elif ev.key() in (Qt.Key_Right, Qt.Key_Down):
            self.navigate.emit(1)
        elif ev.key() == Qt.Key_Escape and self._drag_start is not None:
            self._drag_start = self._drag_now = None
            self.update()
        else:
            super().keyPressEvent(ev)

    def select_next_face(self, step: int = 1) -> None:
        if self.analysis is None or not self.analysis.faces:
            return
        n = len(self.analysis.faces)
        self.selected_face = (self.selected_face + step) % n if self.selected_face >= 0 else 0
        self.update()


# --------------------------------------------------------------------------------------------
# The photo view: tools + canvas + a one-line status
# --------------------------------------------------------------------------------------------


class PhotoView(QWidget):
    """Tools (select faces / draw a rectangle / draw an ellipse / before-after) over the canvas."""

    after_toggled = Signal(int)   # 1 = showing the export (int: PySide6 6.12 Signal(bool) bug)
    assign_requested = Signal()
    keep_rest_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.canvas = PhotoCanvas(self)
        self.title = QLabel("")
        self.title.setObjectName("SectionTitle")
        self.title.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#55606b;")

        self.tools = QToolBar("Photo tools")
        self.tools.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        group = QActionGroup(self)
        self.act_select = QAction(style.icon("pointer"), "Faces", self, checkable=True)
        self.act_select.setToolTip("Click a face to cover or show it (S)")
        self.act_select.setShortcut(QKeySequence("S"))
        self.act_rect = QAction(style.icon("rect"), "Cover area", self, checkable=True)
        self.act_rect.setToolTip("Drag over the photo to cover an area with a rectangle")
        self.act_ellipse = QAction(style.icon("ellipse"), "Cover oval", self, checkable=True)
        self.act_ellipse.setToolTip("Drag over the photo to cover an area with an oval")
        for a in (self.act_select, self.act_rect, self.act_ellipse):
            group.addAction(a)
            self.tools.addAction(a)
            a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.addAction(a)
        self.act_select.setChecked(True)
        self.act_select.triggered.connect(lambda: self.set_tool(TOOL_SELECT))
        self.act_rect.triggered.connect(lambda: self.set_tool(TOOL_RECT))
        self.act_ellipse.triggered.connect(lambda: self.set_tool(TOOL_ELLIPSE))
        self.tools.addSeparator()
        self.act_assign = QAction(style.icon("person"), "Who is this?", self)
        self.act_assign.setToolTip("Say who the selected face is, from the register")
        self.act_assign.triggered.connect(self.assign_requested)
        self.tools.addAction(self.act_assign)
        self.act_keep = QAction(style.icon("approve"), "Keep rest covered", self)
        self.act_keep.setToolTip("Every face and name still marked ‘check’ (amber) stays covered or "
                                 "covered, and counts as checked (K)")
        self.act_keep.setShortcut(QKeySequence("K"))
        self.act_keep.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.act_keep.triggered.connect(self.keep_rest_requested)
        self.addAction(self.act_keep)
        self.tools.addAction(self.act_keep)
        self.after_button = QToolButton()
        self.after_button.setCheckable(True)
        self.after_button.setIcon(style.icon("eye"))
        self.after_button.setText("Show what will be published")
        self.after_button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.after_button.setToolTip("Switch between the original and exactly what the export will contain (V)")
        self.after_button.setShortcut(QKeySequence("V"))
        self.after_button.toggled.connect(self._after_toggled)
        self.after_button.setStyleSheet(
            "QToolButton { padding: 4px 10px; border: 1px solid #9fb3c8; border-radius: 4px; }"
            "QToolButton:checked { background: #1565c0; color: white; border-color: #1565c0; }")

        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.after_button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(head)
        lay.addWidget(self.tools)
        lay.addWidget(self.canvas, 1)
        lay.addWidget(self.hint)
        self.set_enabled_tools(False)

    def resizeEvent(self, ev) -> None:
        # narrow view: icons only (each has a tooltip) so no tool hides behind the » menu
        narrow = self.width() < 640
        self.tools.setToolButtonStyle(Qt.ToolButtonIconOnly if narrow else Qt.ToolButtonTextBesideIcon)
        super().resizeEvent(ev)

    def set_enabled_tools(self, on: bool) -> None:
        for a in (self.act_select, self.act_rect, self.act_ellipse, self.act_assign, self.act_keep):
            a.setEnabled(on)
        self.after_button.setEnabled(on)

    def set_tool(self, tool: str) -> None:
        self.canvas.tool = tool
        {TOOL_SELECT: self.act_select, TOOL_RECT: self.act_rect, TOOL_ELLIPSE: self.act_ellipse}[tool].setChecked(True)
        self.canvas.setCursor(Qt.ArrowCursor if tool == TOOL_SELECT else Qt.CrossCursor)
        self._update_hint()

    def _after_toggled(self, on: bool) -> None:
        self.canvas.show_after = on
        self.after_button.setText("Show the original" if on else "Show what will be published")
        self.canvas.update()
        self._update_hint()
        self.after_toggled.emit(1 if on else 0)

    def set_after_mode(self, on: bool) -> None:
        self.after_button.setChecked(on)

    def _update_hint(self) -> None:
        a = self.canvas.analysis
        if a is None:
            self.hint.setText("")
            return
        if a.error:
            self.hint.setText(f"This photo could not be checked: {a.error}. It will not be exported. "
                              "Check the file opens on this computer, or leave it out.")
            return
        if self.canvas.show_after:
            self.hint.setText("Grey and covered areas are painted over in the export, and every hidden "
                              "detail (location, camera, dates) is removed.")
        elif self.canvas.tool == TOOL_SELECT:
            if a.needs_review:
                self.hint.setText("Amber boxes need a decision: click a face to say who it is or to show "
                                  "it; click a name to cover or leave it; or press K to keep them all "
                                  "covered. ←/→ move between photos.")
            else:
                self.hint.setText("Click a face to cover or show it (B). Right-click a face to say who it "
                                  "is. ←/→ move between photos.")
        else:
            self.hint.setText("Drag over the photo to cover that area. Right-click a cover to remove it.")

    def show_analysis(self, analysis: PhotoAnalysis | None, image: QImage | None,
                      people_by_id: dict[str, Any], channel: str, title: str = "") -> None:
        self.canvas.set_photo(analysis, image, people_by_id, channel)
        self.title.setText(title)
        ok = analysis is not None and not analysis.error
        self.set_enabled_tools(ok)
        if not ok and self.after_button.isChecked():
            self.after_button.setChecked(False)
        self._update_hint()

    def clear(self, message: str = "Choose a photo from the batch.") -> None:
        self.canvas.set_photo(None, None)
        self.canvas.set_message(message)
        self.title.setText("")
        self.set_enabled_tools(False)
        self._update_hint()
