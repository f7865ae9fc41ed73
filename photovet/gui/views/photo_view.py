"""The photo: every face and every text found, boxed and labelled, the areas covered by hand,
and a switch to what will be published.

The canvas draws a preview (decoded off the GUI thread at screen size) and maps the analysis's
display-pixel coordinates onto it. Labels are laid out so that none covers a face, a text or
another label (issue 15: overlapping labels left a 5 px strip to click); a label is part of its
target, so clicking it selects the face or text it names. The canvas decides nothing: it says
what was clicked, and the review controller asks the core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFontMetrics,
    QImage,
    QKeySequence,
    QPainter,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import UNREAD_AFTER_CUE, Face, PhotoAnalysis, TextItem
from photovet.core.policy import cue_places, waiting_for_decision, waiting_on_cue
from photovet.core.words import PLACE_FOR_A_NAME

from .. import style
from ..session import permission_tip
from ..words import read_words
from .banners import ElidedLabel

FACE, TEXT, COVER = "face", "text", "cover"

#: what the middle says while the batch is empty
NOTHING_ADDED = "Add photos to start: drop them on this window, or use File > Add photos."

# --------------------------------------------------------------------------------------------
# Words for faces and texts (shared with the findings panel)
# --------------------------------------------------------------------------------------------


def face_person(face: Face, people_by_id: dict[str, Any]):
    """The register row this face is taken to be, or is nearest to when uncertain."""
    pid = face.who or (face.person if face.match_status == "uncertain" else None)
    return people_by_id.get(pid) if pid else None


def face_name(face: Face, people_by_id: dict[str, Any]) -> str:
    """'Joel Smith', 'Joel?' (uncertain), 'Not a face', 'Unknown'."""
    if face.override == "not-a-face":
        return "Not a face"
    person = face_person(face, people_by_id)
    if person is None:
        if face.who:
            return f"Not in the register ({face.who})"
        return "Unknown"
    if face.who is None:  # uncertain: nearest only
        return f"{person.first_name}?"
    return person.display_name


def face_tag(index: int, face: Face, people_by_id: dict[str, Any]) -> str:
    """The short label on the photo: '2 Joel? covered'."""
    name = face_name(face, people_by_id)
    if face.override == "not-a-face":
        return f"{index + 1} Not a face"
    short = name.split()[0] if face.who and " " in name and not name.startswith("Not in") else name
    if face.decision == "show" and face.hand_named:
        return f"{index + 1} {short} shown, named by hand"
    return f"{index + 1} {short} {'shown' if face.decision == 'show' else 'covered'}"


def face_colour(face: Face) -> QColor:
    if face.needs_review:
        return style.REVIEW
    return style.SHOW if face.decision == "show" else style.COVER


def text_tag(index: int, item: TextItem) -> str:
    shown = item.text if len(item.text) <= 24 else item.text[:23] + "\u2026"
    head = read_words(shown) if shown else \
        (PLACE_FOR_A_NAME if item.context == UNREAD_AFTER_CUE else "A name")  # words not kept
    return f"{head} {'covered' if item.decision == 'cover' else 'kept'}"


def text_colour(item: TextItem, waiting: bool = False) -> QColor:
    """``waiting``: a place after a cue whose question another place asks
    (``policy.waiting_on_cue``): amber as that place is."""
    if item.needs_review or waiting:
        return style.REVIEW
    return style.COVER if item.decision == "cover" else style.TEXT_KEEP


def text_matters(item: TextItem) -> bool:
    """Text worth a label on the photo: names, covered text, text decided by hand."""
    return bool(item.kind or item.decision == "cover" or item.override or item.needs_review)


# --------------------------------------------------------------------------------------------
# Label layout: no label over a face, a text or another label
# --------------------------------------------------------------------------------------------

@dataclass
class Label:
    kind: str
    index: int
    text: str
    colour: QColor
    target: QRectF
    short: str = ""                       # used when the full text finds no free place
    rect: QRectF = field(default_factory=QRectF)


Box = tuple[float, float, float, float]   # x1, y1, x2, y2


def _box(r: QRectF) -> Box:
    return (r.left(), r.top(), r.right(), r.bottom())


def _hits(a: Box, boxes: list[Box], pad: float = 1.0) -> bool:
    ax1, ay1, ax2, ay2 = a
    for bx1, by1, bx2, by2 in boxes:
        if ax1 < bx2 + pad and bx1 - pad < ax2 and ay1 < by2 + pad and by1 - pad < ay2:
            return True
    return False


def _cost(a: Box, boxes: list[Box]) -> float:
    ax1, ay1, ax2, ay2 = a
    total = 0.0
    for bx1, by1, bx2, by2 in boxes:
        w, h = min(ax2, bx2) - max(ax1, bx1), min(ay2, by2) - max(ay1, by1)
        if w > 0 and h > 0:
            total += w * h
    return total


def _candidates(t: Box, w: float, h: float, bounds: Box, far: bool):
    """Places for a w x h label near target ``t``: beside it first, then further away."""
    x1, y1, x2, y2 = t
    cx = (x1 + x2) / 2
    xs = (x1, x2 - w, cx - w / 2)
    if not far:
        for k in range(3):
            for y in (y1 - h - 2 - k * (h + 2), y2 + 2 + k * (h + 2)):
                for x in xs:
                    yield (x, y)
        yield (x2 + 3, y1)
        yield (x1 - w - 3, y1)
        yield (x2 + 3, y2 - h)
        yield (x1 - w - 3, y2 - h)
        return
    bx1, by1, bx2, by2 = bounds
    cy = (y1 + y2) / 2
    grid = [(x, y) for y in _steps(by1, by2 - h, h + 2) for x in _steps(bx1, bx2 - w, max(w / 3, 8))]
    grid.sort(key=lambda p: (p[0] + w / 2 - cx) ** 2 + (p[1] + h / 2 - cy) ** 2)
    yield from grid[:600]


def _steps(lo: float, hi: float, step: float):
    v = lo
    while v <= hi:
        yield v
        v += step


def layout_labels(labels: list[Label], obstacles: list[QRectF], bounds: QRectF,
                  fm: QFontMetrics) -> None:
    """Place each label where it covers no face or text (``obstacles``) and no label placed
    before it: beside its target when there is room, in its short form (the number) when only
    that fits, further away (the painter draws a line to the target) when nothing fits beside
    it. Only when the whole canvas is full does a label cover something, as little as it can."""
    obs = [_box(o) for o in obstacles]
    placed: list[Box] = []
    B = _box(bounds)
    h = fm.height() + 6

    def clamp(x: float, y: float, w: float) -> Box:
        x = min(max(x, B[0]), B[2] - w)
        y = min(max(y, B[1]), B[3] - h)
        return (x, y, x + w, y + h)

    for lab in labels:
        t = _box(lab.target)
        texts = [lab.text] + ([lab.short] if lab.short and lab.short != lab.text else [])
        chosen: Box | None = None
        for far in (False, True):
            for text in texts:
                w = min(fm.horizontalAdvance(text) + 16, bounds.width())
                for x, y in _candidates(t, w, h, B, far):
                    c = clamp(x, y, w)
                    if not _hits(c, obs) and not _hits(c, placed):
                        chosen, lab.text = c, text
                        break
                if chosen:
                    break
            if chosen:
                break
        if chosen is None:   # nowhere free: the place that covers least, never its own face
            w = min(fm.horizontalAdvance(texts[-1]) + 16, bounds.width())
            lab.text = texts[-1]
            chosen = min((clamp(x, y, w) for x, y in _candidates(t, w, h, B, False)),
                         key=lambda c: _cost(c, obs) * 4 + _cost(c, placed) + _cost(c, [t]) * 8)
        lab.rect = QRectF(chosen[0], chosen[1], chosen[2] - chosen[0], chosen[3] - chosen[1])
        placed.append(chosen)


# --------------------------------------------------------------------------------------------
# The canvas
# --------------------------------------------------------------------------------------------

TOOL_SELECT, TOOL_RECT, TOOL_ELLIPSE = "select", "rect", "ellipse"


class PhotoCanvas(QWidget):
    selected = Signal(str, int)                 # kind ("face"/"text"/"cover"/""), index
    context_requested = Signal(str, int, object)  # kind, index, global QPoint
    cover_drawn = Signal(str, tuple)            # shape, (x, y, w, h) in photo pixels
    navigate = Signal(int)                      # -1 / +1 (arrow keys)

    MIN_DRAW = 6  # screen pixels

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAccessibleName("Photo")
        self.analysis: PhotoAnalysis | None = None
        self.people_by_id: dict[str, Any] = {}
        self.before: QImage | None = None
        self.after: QImage | None = None
        self.show_after = False
        self.tool = TOOL_SELECT
        self.selection: tuple[str, int] = ("", -1)
        self.hover: tuple[str, int] = ("", -1)
        # the window opens on an empty batch (walk s32: it said "Choose a photo from the
        # batch" with nothing to choose; the review controller says the same once it runs)
        self.message = NOTHING_ADDED
        self.problem = ""               # why the chosen photo cannot be shown (its file is gone...)
        self.labels: list[Label] = []
        self._layout_key: tuple = ()
        # the picture scaled to where it is drawn, made once per picture and size: each paint
        # (a hover, the list changing beside it while photos are checked) is then a plain copy
        # instead of a smooth rescale of the 1600 px preview (s46: ~3 ms of CPU a paint, spread
        # over Qt's thread pool, which the GUI thread waits for on a busy machine)
        self._scaled: tuple[tuple, QImage] | None = None
        self._drag_start: QPointF | None = None
        self._drag_now: QPointF | None = None

    # -- data ---------------------------------------------------------------------------
    def set_photo(self, analysis: PhotoAnalysis | None, image: QImage | None,
                  people_by_id: dict[str, Any] | None = None) -> None:
        same = analysis is not None and self.analysis is not None and \
            analysis.path == self.analysis.path
        self.analysis = analysis
        self.before = image
        if not same:
            self.after = None
            self.selection = ("", -1)
            self.problem = ""
        if people_by_id is not None:
            self.people_by_id = people_by_id
        self._layout_key = ()
        self.update()

    def set_after(self, image: QImage | None) -> None:
        self.after = image
        self.update()

    def set_message(self, text: str) -> None:
        """The words shown when no photo is chosen, or why the chosen one cannot be shown (a
        photo that failed to load keeps saying so instead of "Loading the photo...")."""
        self.message = text
        if self.analysis is not None:
            self.problem = text
        self.update()

    def waiting_text(self) -> str:
        """What the canvas says while it has no picture to draw."""
        if self.analysis is None:
            return self.message
        return self.problem or "Loading the photo\u2026"

    def select(self, kind: str, index: int) -> None:
        self.selection = (kind, index)
        self.update()

    # -- geometry -----------------------------------------------------------------------
    def _photo_size(self) -> tuple[int, int]:
        a = self.analysis
        if a is not None and a.width and a.height:
            return a.width, a.height
        if self.before is not None:
            return self.before.width(), self.before.height()
        return 0, 0

    def _draw_scaled(self, p: QPainter, r: QRectF, img: QImage) -> None:
        """``img`` drawn into ``r``, from a copy scaled to ``r``'s size once (``scaled_for``)."""
        scaled = self.scaled_for(img, r)
        if scaled is None:
            p.drawImage(r, img)
            return
        # at whole pixels: a plain copy (a fractional place is resampled)
        p.drawImage(QPoint(round(r.x() + (r.width() - scaled.width()) / 2),
                           round(r.y() + (r.height() - scaled.height()) / 2)), scaled)

    def scaled_for(self, img: QImage, r: QRectF) -> QImage | None:
        """``img`` scaled to fit ``r`` (smoothly, as the painter drew it), kept for the next
        paints of the same picture at the same size; None when it needs no scaling or is empty."""
        w, h = round(r.width()), round(r.height())
        if img.isNull() or w <= 0 or h <= 0 or (w, h) == (img.width(), img.height()):
            return None
        key = (img.cacheKey(), w, h)
        if self._scaled is None or self._scaled[0] != key:
            scaled = img.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)
            # the raster engine's own formats: drawing it is a plain copy (a picture with
            # transparency keeps it, blended over the background as before)
            fmt = QImage.Format.Format_ARGB32_Premultiplied if img.hasAlphaChannel() \
                else QImage.Format.Format_RGB32
            self._scaled = (key, scaled.convertToFormat(fmt))
        return self._scaled[1]

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

    def poly_to_screen(self, poly) -> QPolygonF:
        r, s = self.image_rect(), self._scale()
        return QPolygonF([QPointF(r.left() + x * s, r.top() + y * s) for x, y in poly])

    def to_photo(self, pt: QPointF) -> tuple[float, float]:
        r, s = self.image_rect(), self._scale()
        return ((pt.x() - r.left()) / s, (pt.y() - r.top()) / s)

    def _cover_rect(self, cover) -> QRectF | None:
        if cover.box:
            return self.to_screen(cover.box)
        if cover.points:
            return self.poly_to_screen(cover.points).boundingRect()
        return None

    def hit(self, pt: QPointF) -> tuple[str, int]:
        """What is under the point: a label first, then the smallest face, a text, a cover."""
        if self.analysis is None or self.show_after:
            return ("", -1)
        for lab in reversed(self.labels):
            if lab.rect.contains(pt):
                return (lab.kind, lab.index)
        best, best_area = -1, None
        for i, f in enumerate(self.analysis.faces):
            rr = self.to_screen(f.box).adjusted(-3, -3, 3, 3)
            if rr.contains(pt):
                area = rr.width() * rr.height()
                if best_area is None or area < best_area:  # the smallest box wins
                    best, best_area = i, area
        if best >= 0:
            return (FACE, best)
        for i, t in enumerate(self.analysis.texts):
            if t.polygon and self.poly_to_screen(t.polygon).boundingRect().adjusted(
                    -3, -3, 3, 3).contains(pt):
                return (TEXT, i)
        for i in range(len(self.analysis.manual) - 1, -1, -1):
            rr = self._cover_rect(self.analysis.manual[i])
            if rr is not None and rr.contains(pt):
                return (COVER, i)
        return ("", -1)

    # -- painting -----------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), QColor("#2b2f33"))
        img = self.after if self.show_after else self.before
        r = self.image_rect()
        if self.analysis is None or r.isEmpty() or (img is None and not self.show_after):
            p.setPen(QColor("#e0e0e0"))
            p.drawText(self.rect().adjusted(20, 20, -20, -20),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self.waiting_text())
            return
        if img is None:  # the published version is still being made
            if self.before is not None:
                self._draw_scaled(p, r, self.before)
            p.fillRect(r, QColor(0, 0, 0, 150))
            p.setPen(QColor("#ffffff"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self.problem or "Preparing what will be published\u2026")
            return
        self._draw_scaled(p, r, img)
        if self.show_after:
            self._caption(p, r, "What will be published")
        else:
            self._draw_overlays(p)
        if self._drag_start is not None and self._drag_now is not None:
            rr = QRectF(self._drag_start, self._drag_now).normalized()
            p.setPen(QPen(style.MANUAL, 2, Qt.PenStyle.DashLine))
            p.setBrush(QColor(style.MANUAL.red(), style.MANUAL.green(), style.MANUAL.blue(), 70))
            if self.tool == TOOL_ELLIPSE:
                p.drawEllipse(rr)
            else:
                p.drawRect(rr)

    def _caption(self, p: QPainter, r: QRectF, text: str) -> None:
        fm = QFontMetrics(self.font())
        shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, int(r.width()) - 24)
        w = fm.horizontalAdvance(shown) + 20
        box = QRectF(r.center().x() - w / 2, r.top() + 8, w, fm.height() + 8)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 170))
        p.drawRoundedRect(box, 5, 5)
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, shown)

    def _targets(self) -> tuple[list[Label], list[QRectF]]:
        a = self.analysis
        labels: list[Label] = []
        obstacles: list[QRectF] = []
        for i, f in enumerate(a.faces):
            rr = self.to_screen(f.box)
            obstacles.append(rr)
            labels.append(Label(FACE, i, face_tag(i, f, self.people_by_id), face_colour(f), rr,
                                short=str(i + 1)))
        waiting = waiting_on_cue(a.texts)
        for i, t in enumerate(a.texts):
            if not t.polygon:
                continue
            rr = self.poly_to_screen(t.polygon).boundingRect()
            obstacles.append(rr)
            if text_matters(t):
                labels.append(Label(TEXT, i, text_tag(i, t), text_colour(t, i in waiting), rr,
                                    short=f"\u201c{t.text[:6]}\u2026\u201d" if t.text else "Name"))
        # larger targets first: they have the most room around them
        labels.sort(key=lambda lab: (lab.kind != FACE, -lab.target.width() * lab.target.height()))
        return labels, obstacles

    def _draw_overlays(self, p: QPainter) -> None:
        a = self.analysis
        kind, sel = self.selection
        # the text chosen, and the other places after its cue (one question for them all)
        together = cue_places(a.texts, sel) if kind == TEXT and 0 <= sel < len(a.texts) else []
        waiting = waiting_on_cue(a.texts)
        # text lines
        for i, t in enumerate(a.texts):
            if not t.polygon:
                continue
            poly = self.poly_to_screen(t.polygon)
            colour = text_colour(t, i in waiting)
            chosen = i in together
            if not text_matters(t) and not chosen:
                p.setPen(QPen(colour, 1, Qt.PenStyle.DotLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawPolygon(poly)
                continue
            p.setPen(QPen(style.SELECTED if chosen else colour, 3 if chosen else 2))
            p.setBrush(QColor(colour.red(), colour.green(), colour.blue(),
                              60 if t.decision == "cover" else 25))
            p.drawPolygon(poly)
        # areas covered by hand
        for i, m in enumerate(a.manual):
            rr = self._cover_rect(m)
            if rr is None:
                continue
            chosen = kind == COVER and sel == i
            p.setPen(QPen(style.SELECTED if chosen else style.MANUAL, 3 if chosen else 2,
                          Qt.PenStyle.DashLine))
            p.setBrush(QColor(style.MANUAL.red(), style.MANUAL.green(), style.MANUAL.blue(), 90))
            if m.shape == "ellipse":
                p.drawEllipse(rr)
            elif m.shape == "polygon" and m.points:
                p.drawPolygon(self.poly_to_screen(m.points))
            else:
                p.drawRect(rr)
        # faces
        for i, f in enumerate(a.faces):
            rr = self.to_screen(f.box)
            colour = face_colour(f)
            hovered = self.hover == (FACE, i)
            if f.decision != "show":
                p.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 55))
            else:
                p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(colour, 3 if hovered else 2,
                          Qt.PenStyle.DashLine if f.needs_review else Qt.PenStyle.SolidLine))
            p.drawRect(rr)
            if kind == FACE and sel == i:
                p.setPen(QPen(style.SELECTED, 3))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(rr.adjusted(-4, -4, 4, 4))
        # labels, laid out around everything above (again only when something moved)
        fm = QFontMetrics(p.font())
        key = (id(a), a.review_version, a.channel, tuple(f.decision for f in a.faces),
               tuple(t.decision for t in a.texts), self.width(), self.height(),
               id(self.people_by_id))
        if key != self._layout_key:
            self.labels, obstacles = self._targets()
            layout_labels(self.labels, obstacles, QRectF(self.rect()).adjusted(2, 2, -2, -2), fm)
            self._layout_key = key
        for lab in self.labels:
            self._draw_label(p, lab, fm, chosen=(lab.kind, lab.index) == self.selection)

    def _draw_label(self, p: QPainter, lab: Label, fm: QFontMetrics, chosen: bool) -> None:
        box = lab.rect
        t = lab.target
        # a thin line to the target when the label is not right beside it
        gap = max(t.top() - box.bottom(), box.top() - t.bottom(), t.left() - box.right(),
                  box.left() - t.right())
        if gap > 4:
            p.setPen(QPen(lab.colour, 1))
            p.drawLine(box.center(), QPointF(min(max(box.center().x(), t.left()), t.right()),
                                             min(max(box.center().y(), t.top()), t.bottom())))
        p.setPen(QPen(style.SELECTED, 2) if chosen else Qt.PenStyle.NoPen)
        p.setBrush(lab.colour)
        p.drawRoundedRect(box, 3, 3)
        dark = lab.colour.lightness() > 150
        p.setPen(QColor("#1f1f1f") if dark else QColor("#ffffff"))
        shown = fm.elidedText(lab.text, Qt.TextElideMode.ElideRight, int(box.width()) - 10)
        p.drawText(box.adjusted(7, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter
                   | Qt.AlignmentFlag.AlignLeft, shown)

    # -- input --------------------------------------------------------------------------
    def mousePressEvent(self, ev) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self.analysis is None:
            return
        pos = ev.position()
        if self.show_after:
            # what will be published: no boxes to pick, but an area can be covered here too
            # (the audit: "Cover an area" looked active and dragging did nothing)
            if ev.button() == Qt.MouseButton.LeftButton and self.tool != TOOL_SELECT and \
                    self.after is not None and self.image_rect().contains(pos):
                self._drag_start = self._drag_now = pos
            return
        if ev.button() == Qt.MouseButton.RightButton:
            kind, i = self.hit(pos)
            if kind:
                self.select(kind, i)
                self.selected.emit(kind, i)
                self.context_requested.emit(kind, i, ev.globalPosition().toPoint())
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        if self.tool == TOOL_SELECT:
            kind, i = self.hit(pos)
            self.select(kind, i)
            self.selected.emit(kind, i)
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
            h = self.hit(pos)
            if h != self.hover:
                self.hover = h
                self.setCursor(Qt.CursorShape.PointingHandCursor if h[0]
                               else Qt.CursorShape.ArrowCursor)
                self.update()
        else:
            self.setCursor(Qt.CursorShape.ArrowCursor if self.tool == TOOL_SELECT
                           else Qt.CursorShape.CrossCursor)

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
        pw, ph = self._photo_size()
        # outwards to whole pixels: what was drawn is covered to its edge (rounded, up to half a
        # pixel of it on each side was left out; s63 cover audit)
        x0, y0 = max(0, math.floor(x0)), max(0, math.floor(y0))
        x1, y1 = min(pw, math.ceil(x1)), min(ph, math.ceil(y1))
        if x1 - x0 < 2 or y1 - y0 < 2:
            return
        self.cover_drawn.emit(self.tool, (x0, y0, x1 - x0, y1 - y0))

    def _selection_rect(self) -> QRectF | None:
        """Where the chosen face, text or area covered by hand is on screen (None: nothing)."""
        kind, i = self.selection
        a = self.analysis
        if a is None:
            return None
        if kind == FACE and 0 <= i < len(a.faces):
            return self.to_screen(a.faces[i].box)
        if kind == TEXT and 0 <= i < len(a.texts):
            return self.poly_to_screen(a.texts[i].polygon).boundingRect()
        if kind == COVER and 0 <= i < len(a.manual):
            return self._cover_rect(a.manual[i])
        return None

    def keyPressEvent(self, ev) -> None:
        if ev.key() in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.navigate.emit(-1)
        elif ev.key() in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.navigate.emit(1)
        elif ev.key() == Qt.Key.Key_F and self.analysis is not None and self.analysis.faces:
            n = len(self.analysis.faces)
            kind, i = self.selection
            nxt = (i + 1) % n if kind == FACE else 0
            self.select(FACE, nxt)
            self.selected.emit(FACE, nxt)
        elif (ev.key() == Qt.Key.Key_Menu or (
                ev.key() == Qt.Key.Key_F10
                and ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)) \
                and self.analysis is not None and not self.show_after \
                and (at := self._selection_rect()) is not None:
            # the menu a right-click opens, for the face (or text, or area) chosen with F or a
            # click, opened beside it
            self.context_requested.emit(self.selection[0], self.selection[1],
                                        self.mapToGlobal(at.center().toPoint()))
        elif ev.key() == Qt.Key.Key_Escape and self._drag_start is not None:
            self._drag_start = self._drag_now = None
            self.update()
        else:
            super().keyPressEvent(ev)


# --------------------------------------------------------------------------------------------
# The photo view: title, tools, canvas, hint
# --------------------------------------------------------------------------------------------

#: what the line under the photo says, by what the person is doing
HINTS = {
    "after": "This is the export: covered faces and names are painted over, and hidden details "
             "(location, camera, dates) are removed.",
    "after-draw": "This is the export. Drag over the photo to cover that area: it is covered at "
                  "once. To remove an area covered by hand, choose \u201cShow the boxes\u201d.",
    "review": "Amber means a decision is yours to make: answer it on the right, or press K to "
              "keep the rest covered. \u2190/\u2192 move between photos.",
    # the keyboard way too (audit, second term, finding 13: only right-click and F were said)
    "select": "Click a face or a text to see why it is shown or covered; right-click to change "
              "it. Keyboard: F picks the next face and the Menu key opens its choices (or Tab "
              "to the list on the right); \u2190/\u2192: next photo.",
    "draw": "Drag over the photo to cover that area. Right-click a covered area to remove it.",
    # s45 walk: "Click a face..." stayed under a photo still being checked, with nothing to click
    "checking": "This photo is still being checked: its faces and names can be clicked once "
                "PhotoVet has finished.",
}


class PhotoView(QWidget):
    """One photo with its tools. (A video view will sit beside it as another page.)"""

    after_toggled = Signal(int)   # 1 = showing what will be published (int: see tasks._Runner)
    assign_requested = Signal()
    keep_rest_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.canvas = PhotoCanvas(self)
        # may the signed-in person change a photo's review (the review controller says)
        self.can_review = True
        # the photo's approval state (the review controller says): handed on, its open
        # questions wait for nobody (policy.waiting_for_decision) and the hint says so
        self.approval = "draft"
        # the photo on screen is still being checked (the review controller says): the hint
        # says so, not how to click faces that are not there yet
        self.checking = False
        # the file's name, cut in the middle when long (s50: a 200-character name made the
        # window 2,223 px wide, the findings off a 1024 px laptop's screen)
        self.title = ElidedLabel("", min_width=120, mode=Qt.TextElideMode.ElideMiddle)
        self.title.setObjectName("SectionTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel("")
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)

        self.tools = QToolBar("Photo tools")
        self.tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        group = QActionGroup(self)
        self.act_select = QAction(style.icon("pointer"), "Select", self, checkable=True)
        self.act_select.setToolTip("Click a face or a text to see it and decide (S)")
        self.act_select.setShortcut(QKeySequence("S"))
        self.act_rect = QAction(style.icon("rect"), "Cover an area", self, checkable=True)
        self.act_rect.setToolTip("Drag over the photo to cover an area with a rectangle")
        self.act_ellipse = QAction(style.icon("ellipse"), "Cover an oval", self, checkable=True)
        self.act_ellipse.setToolTip("Drag over the photo to cover an area with an oval")
        for a in (self.act_select, self.act_rect, self.act_ellipse):
            group.addAction(a)
            self.tools.addAction(a)
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(a)
        self.act_select.setChecked(True)
        self.act_select.triggered.connect(lambda: self.set_tool(TOOL_SELECT))
        self.act_rect.triggered.connect(lambda: self.set_tool(TOOL_RECT))
        self.act_ellipse.triggered.connect(lambda: self.set_tool(TOOL_ELLIPSE))
        self.tools.addSeparator()
        self.act_assign = QAction(style.icon("person"), "Who is this?", self)
        self.act_assign.setToolTip("Say who the selected face is, from the register (W)")
        self.act_assign.setShortcut(QKeySequence("W"))
        self.act_assign.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_assign.triggered.connect(self.assign_requested)
        self.addAction(self.act_assign)
        self.tools.addAction(self.act_assign)

        self.after_button = QToolButton()
        self.after_button.setCheckable(True)
        self.after_button.setIcon(style.icon("eye"))
        self.after_button.setText("Show what will be published")
        self.after_button.setAccessibleName("Show what will be published")
        self.after_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.after_button.setToolTip("Switch between the photo with its boxes and exactly what "
                                     "the export will contain (V)")
        # V: a shortcut of the Photos tab (main_window), not of the whole window (s51: V
        # typed in the consent register's list switched this view out of sight)
        self.after_button.toggled.connect(self._after_toggled)
        self.after_button.setStyleSheet(
            "QToolButton { padding: 4px 10px; border: 1px solid #9fb3c8; border-radius: 4px; }"
            "QToolButton:checked { background: #1565c0; color: white; border-color: #1565c0; }"
            # no photo chosen: greyed like the tools beside it (s38 walk: an approver's list
            # emptied by "Approve all shown" left it bright blue, a button that did nothing)
            "QToolButton:checked:disabled { background: #dde3ea; color: #8a96a3; "
            "border-color: #c9d3dc; }")

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
        # a narrow view shows icons only (each has a tooltip) so no tool hides behind a » menu
        narrow = self.width() < 560
        self.tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if narrow
                                      else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        super().resizeEvent(ev)
        self._fit_hint()

    def set_enabled_tools(self, on: bool) -> None:
        """The tools for a photo that can be shown (``on``); those that change its review
        only for who may review (``can_review``, set by the controller): greyed out, their
        tooltip says who may (an approver could draw a cover, then was refused)."""
        self.act_select.setEnabled(on)
        self.after_button.setEnabled(on)
        for a in (self.act_rect, self.act_ellipse, self.act_assign):
            base = a.property("photovet_tip")
            if base is None:
                base = a.toolTip()
                a.setProperty("photovet_tip", base)
            a.setEnabled(on and self.can_review)
            a.setToolTip(base if self.can_review else f"{base}\n{permission_tip('review')}")
        if not self.can_review and self.canvas.tool != TOOL_SELECT:
            self.set_tool(TOOL_SELECT)

    def set_tool(self, tool: str) -> None:
        self.canvas.tool = tool
        {TOOL_SELECT: self.act_select, TOOL_RECT: self.act_rect,
         TOOL_ELLIPSE: self.act_ellipse}[tool].setChecked(True)
        self.canvas.setCursor(Qt.CursorShape.ArrowCursor if tool == TOOL_SELECT
                              else Qt.CursorShape.CrossCursor)
        self._update_hint()

    def _after_toggled(self, on: bool) -> None:
        self.canvas.show_after = on
        self.after_button.setText("Show the boxes" if on else "Show what will be published")
        self.canvas.update()
        self._update_hint()
        self.after_toggled.emit(1 if on else 0)

    def set_after_mode(self, on: bool) -> None:
        if self.after_button.isChecked() != on:
            self.after_button.setChecked(on)

    def set_approval(self, approval: str) -> None:
        """The photo on screen was marked ready, approved, or sent back."""
        if approval != self.approval:
            self.approval = approval
            self._update_hint()

    def _update_hint(self) -> None:
        a = self.canvas.analysis
        if a is None:
            self.hint.setText(HINTS["checking"] if self.checking else "")
        elif a.error:
            self.hint.setText(f"This photo could not be checked: {a.error}. It will not be "
                              "exported. Check the file opens on this computer, or leave it out.")
        elif self.canvas.show_after:
            self.hint.setText(HINTS["after"] if self.canvas.tool == TOOL_SELECT
                              else HINTS["after-draw"])
        elif self.canvas.tool == TOOL_SELECT:
            self.hint.setText(HINTS["review"] if waiting_for_decision(a.needs_review,
                                                                       self.approval)
                              else HINTS["select"])
        else:
            self.hint.setText(HINTS["draw"])
        self._fit_hint()

    def _fit_hint(self) -> None:
        """The hint keeps one height whatever it says (the height of the longest hint at this
        width): a hint of another length would resize the photo under the mouse (the audit:
        the second area covered landed elsewhere; the two views showed the photo at two
        scales)."""
        width = self.hint.width() if self.hint.width() > 50 else max(200, self.width() - 8)
        texts = list(HINTS.values()) + [self.hint.text()]
        fm = self.hint.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        need = max(fm.boundingRect(0, 0, width, 10_000, flags, t).height() for t in texts)
        m = self.hint.contentsMargins()
        self.hint.setFixedHeight(need + m.top() + m.bottom() + 2)

    def show_analysis(self, analysis: PhotoAnalysis | None, image: QImage | None,
                      people_by_id: dict[str, Any], title: str = "") -> None:
        self.checking = False
        self.canvas.set_photo(analysis, image, people_by_id)
        self.title.setText(title)
        ok = analysis is not None and not analysis.error
        self.set_enabled_tools(ok)
        self._update_hint()

    def show_checking(self, title: str, message: str, *, checking: bool) -> None:
        """A photo with no findings yet: its name, why (being checked, or nobody checks it now)
        in the canvas, the tools greyed out, and a hint that fits (not "Click a face...")."""
        self.checking = checking
        self.canvas.set_photo(None, None)
        self.canvas.set_message(message)
        self.title.setText(title)
        self.set_enabled_tools(False)
        self._update_hint()

    def clear(self, message: str = NOTHING_ADDED) -> None:
        self.checking = False
        self.canvas.set_photo(None, None)
        self.canvas.set_message(message)
        self.title.setText("")
        self.set_enabled_tools(False)
        self._update_hint()


__all__ = ["COVER", "FACE", "TEXT", "Label", "PhotoCanvas", "PhotoView", "face_colour",
           "face_name", "face_person", "face_tag", "layout_labels", "text_colour", "text_tag"]
