"""Look and feel: a calm palette, the colours that mean show / cover / review, status badges, and
small icons drawn with QPainter (sharp at any device pixel ratio, no image files needed).

Colour is never the only signal: every box and badge also carries words.
"""

from __future__ import annotations

import math
from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QLabel

# Decision colours (faces and texts)
SHOW = QColor("#2e7d32")        # green: shown, allowed
COVER = QColor("#b23b3b")       # muted red: will be covered
REVIEW = QColor("#e0a000")      # amber: a decision is open, a person can change what is published
MANUAL = QColor("#6a4fb3")      # purple: an area a person covered by hand
TEXT_KEEP = QColor("#607d8b")   # grey-blue: text that stays readable
SELECTED = QColor("#1565c0")    # blue outline of the selected face or text

# Photo statuses (badge background, text colour)
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "ready": ("#2e7d32", "#ffffff"),
    "will-cover": ("#455a64", "#ffffff"),
    "needs-review": ("#e0a000", "#1f1f1f"),
    "failed": ("#b23b3b", "#ffffff"),
    "pending": ("#9e9e9e", "#ffffff"),
    # not checked and nobody checking it (stopped, the server away): a dark grey, not the amber
    # the window's hint says is "a decision yours to make" (s42)
    "not-checked": ("#5f6368", "#ffffff"),
}

# Approval states (small corner mark)
APPROVAL_COLOURS: dict[str, str] = {
    "draft": "#9e9e9e",
    "ready": "#1565c0",
    "approved": "#2e7d32",
    "rejected": "#b23b3b",
    "void": "#e0a000",
}

#: a tile whose original PhotoVet deleted after its copy was posted: nothing more to do (s42)
ORIGINAL_GONE_COLOUR = "#607d8b"

#: a tile with a copy on the take-down list (to take down, or not to post): a red (s43)
TAKEDOWN_COLOUR = "#b23b3b"

APPROVAL_LABELS: dict[str, str] = {
    "draft": "Not marked ready",
    "ready": "Waiting for approval",
    "approved": "Approved",
    "rejected": "Rejected",
    "void": "Approval no longer counts",
}

BANNER_WARNING = "background:#fff4ce; color:#4a3b00; border:1px solid #e0c060; padding:6px;"
BANNER_INFO = "background:#e8f1fb; color:#0d3a66; border:1px solid #a9c8ec; padding:6px;"
BANNER_ERROR = "background:#fde7e7; color:#6b1111; border:1px solid #e4a0a0; padding:6px;"

APP_STYLESHEET = """
QToolBar { spacing: 3px; padding: 4px; }
QToolButton { padding: 4px 5px; }
QListView#BatchGrid { background: #f6f7f9; }
QLabel#EmptyState { color: #55606b; font-size: 15px; }
QLabel#SectionTitle { font-weight: 600; margin-top: 6px; }
QLabel#Banner { border-radius: 4px; }
QLabel#Hint { color: #55606b; }
QLabel#Problem { color: #8a1c1c; }
QPushButton#Primary { font-weight: 600; }
"""

PROBLEM_TEXT = "color:#8a1c1c;"


def decision_colour(decision: str, needs_review: bool = False) -> QColor:
    if needs_review:
        return REVIEW
    return {"show": SHOW, "cover": COVER, "keep": TEXT_KEEP}.get(decision, COVER)


def status_colours(status: str) -> tuple[QColor, QColor]:
    bg, fg = STATUS_COLOURS.get(status, STATUS_COLOURS["pending"])
    return QColor(bg), QColor(fg)


# --------------------------------------------------------------------------------------------
# Icons drawn with QPainter at several sizes (sharp on high-DPI screens)
# --------------------------------------------------------------------------------------------

_ICON_SIZES = (16, 20, 24, 32, 48, 64)


def _draw(name: str, p: QPainter, s: float) -> None:
    ink = QColor("#37474f")
    pen = QPen(ink, max(1.0, s / 14), Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.NoBrush)
    m = s * 0.15
    r = QRectF(m, m, s - 2 * m, s - 2 * m)
    if name == "folder":
        path = QPainterPath()
        path.moveTo(r.left(), r.top() + r.height() * 0.2)
        path.lineTo(r.left() + r.width() * 0.4, r.top() + r.height() * 0.2)
        path.lineTo(r.left() + r.width() * 0.5, r.top() + r.height() * 0.32)
        path.lineTo(r.right(), r.top() + r.height() * 0.32)
        path.lineTo(r.right(), r.bottom() - r.height() * 0.1)
        path.lineTo(r.left(), r.bottom() - r.height() * 0.1)
        path.closeSubpath()
        p.setBrush(QColor("#f3c969"))
        p.drawPath(path)
    elif name == "files":
        for i, off in enumerate((0.12, 0.0)):
            rr = QRectF(r.left() + r.width() * (0.1 + off), r.top() + r.height() * (off),
                        r.width() * 0.65, r.height() * 0.85)
            p.setBrush(QColor("#ffffff") if i else QColor("#e3e8ec"))
            p.drawRect(rr)
        p.drawLine(QPointF(r.left() + r.width() * 0.22, r.top() + r.height() * 0.35),
                   QPointF(r.left() + r.width() * 0.6, r.top() + r.height() * 0.35))
        p.drawLine(QPointF(r.left() + r.width() * 0.22, r.top() + r.height() * 0.55),
                   QPointF(r.left() + r.width() * 0.6, r.top() + r.height() * 0.55))
    elif name == "device":
        body = QRectF(r.left(), r.top() + r.height() * 0.22, r.width(), r.height() * 0.65)
        p.setBrush(QColor("#cfd8dc"))
        p.drawRoundedRect(body, s * 0.08, s * 0.08)
        p.setBrush(QColor("#ffffff"))
        c = body.center()
        p.drawEllipse(c, body.height() * 0.3, body.height() * 0.3)
        p.drawRect(QRectF(r.left() + r.width() * 0.3, r.top() + r.height() * 0.08,
                          r.width() * 0.3, r.height() * 0.14))
    elif name == "export":
        p.drawLine(QPointF(r.center().x(), r.bottom() - r.height() * 0.3),
                   QPointF(r.center().x(), r.top()))
        p.drawLine(QPointF(r.center().x(), r.top()),
                   QPointF(r.center().x() - r.width() * 0.25, r.top() + r.height() * 0.25))
        p.drawLine(QPointF(r.center().x(), r.top()),
                   QPointF(r.center().x() + r.width() * 0.25, r.top() + r.height() * 0.25))
        path = QPainterPath()
        path.moveTo(r.left(), r.center().y())
        path.lineTo(r.left(), r.bottom())
        path.lineTo(r.right(), r.bottom())
        path.lineTo(r.right(), r.center().y())
        p.drawPath(path)
    elif name == "approve":
        p.setPen(QPen(SHOW, s / 8, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
        p.drawPolyline([QPointF(r.left(), r.center().y()),
                        QPointF(r.left() + r.width() * 0.38, r.bottom() - r.height() * 0.1),
                        QPointF(r.right(), r.top() + r.height() * 0.1)])
    elif name == "reject":
        p.setPen(QPen(COVER, s / 8, Qt.SolidLine, Qt.RoundCap))
        p.drawLine(r.topLeft(), r.bottomRight())
        p.drawLine(r.topRight(), r.bottomLeft())
    elif name == "ready":
        p.setPen(QPen(SELECTED, s / 10, Qt.SolidLine, Qt.RoundCap))
        p.drawEllipse(r)
        p.drawLine(QPointF(r.center().x(), r.top() + r.height() * 0.25), r.center())
        p.drawLine(r.center(), QPointF(r.right() - r.width() * 0.25, r.center().y()))
    elif name == "rect":
        p.setBrush(QColor(MANUAL.red(), MANUAL.green(), MANUAL.blue(), 90))
        p.drawRect(r.adjusted(0, r.height() * 0.15, 0, -r.height() * 0.15))
    elif name == "ellipse":
        p.setBrush(QColor(MANUAL.red(), MANUAL.green(), MANUAL.blue(), 90))
        p.drawEllipse(r.adjusted(0, r.height() * 0.1, 0, -r.height() * 0.1))
    elif name == "pointer":
        path = QPainterPath()
        path.moveTo(r.left() + r.width() * 0.2, r.top())
        path.lineTo(r.left() + r.width() * 0.2, r.bottom() - r.height() * 0.1)
        path.lineTo(r.left() + r.width() * 0.45, r.bottom() - r.height() * 0.35)
        path.lineTo(r.right() - r.width() * 0.1, r.bottom() - r.height() * 0.35)
        path.closeSubpath()
        p.setBrush(QColor("#ffffff"))
        p.drawPath(path)
    elif name == "person":
        p.setBrush(QColor("#cfd8dc"))
        p.drawEllipse(QPointF(r.center().x(), r.top() + r.height() * 0.28), r.width() * 0.22,
                      r.height() * 0.22)
        p.drawChord(QRectF(r.left() + r.width() * 0.1, r.top() + r.height() * 0.55, r.width() * 0.8,
                           r.height() * 0.9), 0, 180 * 16)
    elif name == "eye":
        path = QPainterPath()
        path.moveTo(r.left(), r.center().y())
        path.quadTo(r.center().x(), r.top(), r.right(), r.center().y())
        path.quadTo(r.center().x(), r.bottom(), r.left(), r.center().y())
        p.drawPath(path)
        p.setBrush(ink)
        p.drawEllipse(r.center(), r.width() * 0.13, r.width() * 0.13)
    elif name == "cancel":
        p.setPen(QPen(ink, s / 10, Qt.SolidLine, Qt.RoundCap))
        p.drawEllipse(r)
        p.drawLine(QPointF(r.left() + r.width() * 0.3, r.top() + r.height() * 0.3),
                   QPointF(r.right() - r.width() * 0.3, r.bottom() - r.height() * 0.3))
        p.drawLine(QPointF(r.right() - r.width() * 0.3, r.top() + r.height() * 0.3),
                   QPointF(r.left() + r.width() * 0.3, r.bottom() - r.height() * 0.3))
    elif name == "settings":
        # a cog with eight teeth and a hole (s45 walk: a disc with a dot read as a radio
        # button, not as settings)
        c, teeth = r.center(), 8
        outer, inner = r.width() * 0.5, r.width() * 0.36
        path = QPainterPath()
        for i in range(teeth * 4):
            # each tooth: two points on the outer circle, then two on the inner one
            rad = outer if i % 4 in (1, 2) else inner
            a = math.tau * (i - 0.5) / (teeth * 4)
            pt = QPointF(c.x() + rad * math.cos(a), c.y() + rad * math.sin(a))
            if i == 0:
                path.moveTo(pt)
            else:
                path.lineTo(pt)
        path.closeSubpath()
        path.addEllipse(c, r.width() * 0.15, r.height() * 0.15)     # the hole (odd-even fill)
        p.setBrush(QColor("#cfd8dc"))
        p.drawPath(path)
    elif name == "app":
        p.setPen(Qt.NoPen)
        p.setBrush(QColor("#1565c0"))
        p.drawRoundedRect(QRectF(0, 0, s, s), s * 0.2, s * 0.2)
        p.setBrush(QColor("#ffffff"))
        p.drawEllipse(QPointF(s * 0.5, s * 0.42), s * 0.17, s * 0.17)
        p.drawChord(QRectF(s * 0.22, s * 0.62, s * 0.56, s * 0.5), 0, 180 * 16)
        p.setBrush(SHOW)
        p.drawEllipse(QPointF(s * 0.78, s * 0.22), s * 0.12, s * 0.12)
    else:  # unknown name: a plain dot, never a crash
        p.setBrush(ink)
        p.drawEllipse(r.center(), r.width() * 0.2, r.width() * 0.2)


@cache
def icon(name: str) -> QIcon:
    """A crisp icon at every common size (Qt picks the right one for the screen's DPR)."""
    ic = QIcon()
    for size in _ICON_SIZES:
        pm = QPixmap(size, size)
        pm.fill(Qt.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.Antialiasing)
        _draw(name, p, float(size))
        p.end()
        ic.addPixmap(pm)
    return ic


class Hint(QLabel):
    """A grey note under a form's field or a list, wrapped to its width (the "Hint" style), as
    tall as its lines and right under what it is about. A wrapped QLabel asks its layout for
    the height of a narrow guess (s58 walk: in the export window the two lines under "Batch
    name" had four lines' room and those under the caption six, each centred in it, so a
    note floated half way to the next field); once laid out it asks for the height its
    text takes at its own width, and its lines start at the top of their room."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setObjectName("Hint")
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        width = self.width()
        if self.isVisible() and self.text() and width >= 20 * self.fontMetrics().averageCharWidth():
            return QSize(size.width(), self.heightForWidth(width))
        return size

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if ev.size().width() != ev.oldSize().width():
            self.updateGeometry()      # its height follows its new width


def hint(text: str = "") -> QLabel:
    """A grey note under a form or a list, wrapped to its width (a ``Hint``)."""
    return Hint(text)


def bold(font: QFont, size_delta: int = 0) -> QFont:
    f = QFont(font)
    f.setBold(True)
    if size_delta:
        f.setPointSize(max(6, f.pointSize() + size_delta))
    return f
