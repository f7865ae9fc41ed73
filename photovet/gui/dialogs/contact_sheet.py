"""The approver's contact sheet: "Approve all shown" shows every photo and video as it will be
published before anything is signed (the GUI audit, item 7: one checklist signed off five photos
when the approver had opened one).

Each tile is the export's own rendering (the core paints it in a worker: ``core.media.preview``)
with the file's short name and what the core says it publishes: faces shown and whose, how much
is covered, and anything still open. This dialog decides nothing: it shows tiles, says which
have been seen, and hands back the ticks.

**Seen** means: the tile's published picture was on screen, at least most of it inside the
scrolled area. The checklist can be ticked and "Approve" pressed only once every tile has been
seen. Why both "rendered" and "scrolled past" rather than either: a sheet that only waited for
the renders could be approved with the first eight of 50 ever on screen; one that only waited
for the scroll could be scrolled past grey "Preparing..." boxes. A tile that cannot be rendered
says why and is left out of the approval (approved on its own, opened, or not at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photovet.core.words import part_of, tally, verb

from ..views.checklist_ticks import ChecklistTicks
from ..words import esc, media_count

#: the published picture's box on a tile, in px, at its largest (a smaller screen gets smaller
#: pictures, never narrower than ``SMALLEST``: see ``picture_size``). 4:3, the shape of most
#: school cameras' and phones' photos, which then fill it with no dark strip beside them
PICTURE = QSize(296, 222)
SMALLEST = 220
#: a tile counts as seen when this share of its picture's height was inside the scrolled area
SEEN_SHARE = 0.6
#: at most this many tiles across (as many as the screen holds, from 1)
COLUMNS = 4
#: the right-hand column (what is approved, the checklist, the buttons), in px
SIDE = 340
#: a tile's frame, margins and border around its picture, and the grid's gap between tiles
TILE_EDGE = 16
GAP = 8
#: what a tile holds below its picture, in lines of text (its name and up to four lines of
#: words), for sizing the pictures so that two full rows of tiles are in view
TILE_LINES = 5


#: a window's title bar and frame, which the window manager adds around the dialog
FRAME = QSize(16, 40)


def available_area(widget: QWidget | None = None) -> QRect:
    """The area of the screen for a window (less any task bar), where ``widget`` is."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def available_room(widget: QWidget | None = None) -> QSize:
    """The room on the screen for a window (less any task bar): the sheet is never larger."""
    return available_area(widget).size()


def centred(size: QSize, frame: QSize, over: QRect, area: QRect) -> QPoint:
    """Where a window of ``size`` (its title bar and edges ``frame`` around it) goes: its
    frame centred on ``over`` (the main window, or the screen's area), moved inside ``area``
    where it would stick out, its top-left corner in view whatever happens."""
    outer = QRect(QPoint(0, 0), size + frame)
    outer.moveCenter(over.center())
    x = max(area.left(), min(outer.left(), area.left() + area.width() - outer.width()))
    y = max(area.top(), min(outer.top(), area.top() + area.height() - outer.height()))
    return QPoint(x, y)


#: the dialog's own margins, the tiles' scroll bar and frame, the gaps: around the tiles
CHROME = QSize(70, 34)


def picture_size(room: QSize, line_height: int, chrome: QSize = CHROME) -> tuple[QSize, int]:
    """The pictures' box and the number of tiles across for a screen's ``room``: as many
    columns as fit beside the right-hand column at ``SMALLEST`` or more (up to ``COLUMNS``),
    the pictures as wide as then fit (up to ``PICTURE``), and low enough that two full rows
    of tiles are in view. ``chrome``: the dialog's own margins, scroll bar and gaps."""
    width = room.width() - chrome.width() - SIDE
    columns = max(1, min(COLUMNS, width // (SMALLEST + TILE_EDGE + GAP)))
    w = min(PICTURE.width(), width // columns - TILE_EDGE - GAP)
    # two rows: each a picture, its name and words, the tile's edge; the grid's gaps
    rows_h = room.height() - chrome.height()
    h_for_rows = (rows_h - 2 * (TILE_LINES * line_height + TILE_EDGE + 12) - 3 * GAP) // 2
    h = max(120, min(PICTURE.height(), h_for_rows))
    return four_by_three(QSize(max(SMALLEST * 3 // 4, w), h)), columns


def four_by_three(room: QSize) -> QSize:
    """The largest 4:3 box inside ``room``, its width a multiple of 4 (so its height is
    exactly three quarters of it: a 4:3 photo scaled into it fills it to the pixel)."""
    w = min(room.width(), room.height() * 4 // 3) // 4 * 4
    return QSize(w, w * 3 // 4)


@dataclass
class Tile:
    """What a tile says about one photo or video (words made by the caller from the core's
    publication)."""

    path: str
    name: str
    video: bool = False
    lines: list[str] = field(default_factory=list)      # shown, covered... (plain text)
    open: list[str] = field(default_factory=list)       # still open ("yours to decide")
    #: why it cannot be approved from this sheet (the core's words: a video the approver has
    #: not seen whole in the player; its moments here are not all of it); '' when it can
    held: str = ""
    hand: list[str] = field(default_factory=list)       # faces shown, named by hand (core's words)
    alone: str = ""     # why the core approves it only on its own: shown, never approved here


def _all_of(total: tuple[int, int]) -> str:
    """'all 10 photos and 1 video' (for one: 'it')."""
    return "it" if sum(total) == 1 else f"all {media_count(*total)}"


def _ticks_note(ok: tuple[int, int], total: tuple[int, int], *, seen: bool = False) -> str:
    """The checklist's note: what the ticks are for, counted as Approve counts (``ok``: what it
    would approve), not every tile shown (s65: "once you have seen all 8 photos and 1 video; a
    tick says it holds for every one of them" while the video was left out). ``seen``: every
    tile has been seen, the ticks can be given."""
    if not sum(ok):
        return "Nothing here can be approved yet, so there is nothing to tick."
    if sum(ok) == 1:
        what = "it" if sum(total) == 1 else f"the {media_count(*ok)} that can be approved"
        of = "it"
    else:
        what, of = f"all {media_count(*ok)}", "every one of them"
    if seen:
        return f"Tick a check only if it holds for {what}; the ticks are kept with each approval."
    return f"Tick each check once you have seen {what}; a tick says it holds for {of}."


def short_name(name: str, limit: int = 34) -> str:
    """A long file name cut in the middle, so its start and its end stay readable."""
    if len(name) <= limit:
        return name
    keep = limit - 1
    return name[: keep - keep // 2] + "\u2026" + name[-(keep // 2):]


#: the gap between a video's moments on its tile, in px
MOMENT_GAP = 4


def moment_cells(n: int, shape: QSize, box: QSize, gap: int = MOMENT_GAP) -> list[QRect]:
    """Where a video's ``n`` moments (each of ``shape``) go in ``box``: all the same size, as
    large as they fit, in as many columns as make them largest (three wide frames: two above,
    one below; three upright phone videos: side by side); a last row with fewer moments is
    centred, and the whole centred in the box, so no cell is left empty in a corner."""
    if n <= 0 or shape.isEmpty() or box.isEmpty():
        return []
    best: tuple[float, int] = (0.0, 1)
    for cols in range(1, n + 1):
        rows = (n + cols - 1) // cols
        cw = (box.width() - gap * (cols - 1)) / cols
        ch = (box.height() - gap * (rows - 1)) / rows
        scale = min(cw / shape.width(), ch / shape.height())
        if scale > best[0] + 1e-9:
            best = (scale, cols)
    scale, cols = best
    w = max(1, int(shape.width() * scale))
    h = max(1, int(shape.height() * scale))
    rows = (n + cols - 1) // cols
    top = (box.height() - (rows * h + gap * (rows - 1))) // 2
    cells = []
    for r in range(rows):
        in_row = min(cols, n - r * cols)
        left = (box.width() - (in_row * w + gap * (in_row - 1))) // 2
        cells += [QRect(left + c * (w + gap), top + r * (h + gap), w, h) for c in range(in_row)]
    return cells


def _sheet_of(images: Sequence[QImage], box: QSize) -> QPixmap:
    """A video's moments in one picture, laid out by ``moment_cells`` (as large as they fit,
    a last row centred)."""
    out = QPixmap(box)
    out.fill(QColor("#2b2b2b"))
    p = QPainter(out)
    cells = moment_cells(len(images), images[0].size(), box) if images else []
    for img, cell in zip(images, cells, strict=False):
        scaled = img.scaled(cell.size(), Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)
        p.drawImage(cell.x() + (cell.width() - scaled.width()) // 2,
                    cell.y() + (cell.height() - scaled.height()) // 2, scaled)
    p.end()
    return out


class SheetTile(QFrame):
    """One photo or video: its published picture, short name and what it publishes."""

    def __init__(self, tile: Tile, parent: QWidget | None = None, box: QSize = PICTURE):
        super().__init__(parent)
        self.tile = tile
        self.box = QSize(box)
        self.rendered = False
        self.images: list[QImage] = []      # the core's published pictures, as sent
        self.failed = ""
        self.seen = False
        self.setObjectName("SheetTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.picture = QLabel("Preparing what will be published\u2026")
        self.picture.setObjectName("SheetPicture")
        self.picture.setFixedSize(self.box)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setWordWrap(True)
        self.picture.setStyleSheet("background:#2b2b2b; color:#dddddd;")
        self.name = QLabel(f"<b>{esc(short_name(tile.name))}</b>"
                           + (" &nbsp;<span style='color:#55606b'>video</span>"
                              if tile.video else ""))
        self.name.setToolTip(tile.name)
        self.name.setTextFormat(Qt.TextFormat.RichText)
        text = "<br>".join(esc(line) for line in tile.lines)
        if tile.hand:
            # a face shown because a person named it: said apart, so a label is never trusted
            # as PhotoVet's (the s26 audit, item 1)
            text += ("<br>" if text else "") + "<br>".join(
                f"<span style='color:#b23b3b'><b>Named by hand</b> \u2014 {esc(line)}</span>"
                for line in tile.hand)
        if tile.open:
            text += ("<br>" if text else "") + "<br>".join(
                f"<span style='color:#7a5200'>\u25b2 {esc(line)}</span>" for line in tile.open)
        if tile.held:
            text += ("<br>" if text else "") + (
                f"<span style='color:#6b1111'><b>Left out:</b> {esc(tile.held)}. Open it "
                "on its own to approve it.</span>")
        self.words = QLabel(text)
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setWordWrap(True)
        self.words.setFixedWidth(self.box.width())
        self.words.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.words.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        # the height its wrapped words take at that width: the tile's size hint took the
        # label's own guess (fewer lines), and a tile with more words than its neighbours
        # (two names shown, and the caption) drew its name over the bottom of its picture
        self.words.setMinimumHeight(self.words.heightForWidth(self.box.width()))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(3)
        lay.addWidget(self.picture)
        lay.addWidget(self.name)
        lay.addWidget(self.words)
        lay.addStretch(1)
        self._style()

    def _style(self) -> None:
        edge = "#b23b3b" if self.failed else "#e0a000" if self.tile.held else \
            "#2e7d32" if self.seen else "#c5cad1"
        self.setStyleSheet(f"QFrame#SheetTile {{ border: 2px solid {edge}; border-radius: 4px; "
                           "background: #ffffff; }")

    def show_result(self, images: Sequence[QImage] | None, error: str = "") -> None:
        if images:
            self.rendered = True
            self.images = list(images)
            if len(images) == 1:
                img = images[0].scaled(self.box, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
                self.picture.setPixmap(QPixmap.fromImage(img))
            else:
                self.picture.setPixmap(_sheet_of(images, self.box))
            what = "moments of this video" if self.tile.video else "this photo"
            self.picture.setAccessibleName(f"{what} as it will be published")
        else:
            self.failed = error or "it could not be shown"
            self.picture.setText(f"This cannot be shown here: {self.failed}\n\nIt is left out: "
                                 "open it on its own to approve it.")
            self.picture.setStyleSheet("background:#fde7e7; color:#6b1111; padding:8px;")
        self._style()

    def mark_seen(self) -> None:
        self.seen = True
        self._style()


class ContactSheetDialog(QDialog):
    """``tiles`` in a scrolling grid on the left; on the right what is approved, the school's
    ``checks`` and the buttons. ``approvable()``: the indexes of the tiles seen as published
    (after ``exec`` returns Accepted).

    Sized to the screen (never larger than its available room): the tiles have the whole
    height, so at 1366 x 768 two full rows are in view (the checklist below them left 1.3),
    and the right-hand column scrolls on its own if its words do not fit, with the buttons
    always in view below it."""

    def __init__(self, tiles: Sequence[Tile], checks: Sequence[str], *, channel: str,
                 approver: str, summary: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ContactSheet")
        self._paths = [t.path for t in tiles]
        what = media_count(["video" if t.video else "photo" for t in tiles])
        self.setWindowTitle(f"Approve {what}")
        self._checks = list(checks)
        self._ticks_open = False        # the ticks can be ticked once every tile was seen
        room = available_room(parent)
        self.room = room                # the screen's room; the dialog, framed, fits inside
        room = room - FRAME
        self.picture_box, self.max_columns = picture_size(room, self.fontMetrics().lineSpacing())
        lay = QHBoxLayout(self)
        lay.setSpacing(12)

        # -- the tiles: the whole height on the left -----------------------------------------
        self.tiles = [SheetTile(t, box=self.picture_box) for t in tiles]
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setSpacing(GAP)
        self.columns = 0
        self._lay_out(self.max_columns)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(grid_host)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setMinimumHeight(self.picture_box.height() + 40)
        self.scroll.setMinimumWidth(self.picture_box.width() + TILE_EDGE + 40)
        bar = self.scroll.verticalScrollBar()
        bar.valueChanged.connect(lambda *_: self.update_seen())
        bar.rangeChanged.connect(lambda *_: QTimer.singleShot(0, self.update_seen))
        self.scroll.viewport().installEventFilter(self)
        lay.addWidget(self.scroll, 1)

        # -- on the right: what is approved, how far the approver has got, the checklist -----
        self._channel, self._approver = channel, approver
        head = QLabel(f"<b>Approve {esc(what)} for {esc(channel)} as {esc(approver)}?</b>")
        head.setTextFormat(Qt.TextFormat.RichText)
        head.setWordWrap(True)
        self.head = head
        intro = QLabel(
            "Each one is shown on the left exactly as it will be published, with what PhotoVet "
            "found. Look at every one: scroll down to the end. Each is approved exactly as it "
            "is now; a later change to its review, or to the consent of someone in it, voids "
            "the approval." + (f"\n\n{summary}" if summary else ""))
        intro.setWordWrap(True)
        self.intro = intro
        self.status = QLabel("")
        self.status.setObjectName("SheetStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-weight: 600;")
        self.ticks = ChecklistTicks()
        self.ticks.heading.setText("The school's checklist, for every one of them")
        self.ticks.set_checks(self._checks, editable=False,
                              note=self._note())
        self.ticks.setVisible(bool(self._checks))
        self.ticks.changed.connect(self._update_buttons)
        side_host = QWidget()
        side_host.setObjectName("SheetSide")
        col = QVBoxLayout(side_host)
        col.setContentsMargins(0, 0, 6, 0)
        col.setSpacing(8)
        for w in (head, intro, self.ticks):
            col.addWidget(w)
        col.addStretch(1)
        self.side = QScrollArea()
        self.side.setObjectName("SheetSideScroll")
        self.side.setWidgetResizable(True)
        self.side.setFrameShape(QFrame.Shape.NoFrame)
        self.side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side.setWidget(side_host)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.approve_btn: QPushButton = self.buttons.addButton(
            f"Approve {what}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.approve_btn.setObjectName("Primary")
        self.approve_btn.setAutoDefault(False)
        self.approve_btn.setDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        right = QVBoxLayout()
        # how far the approver has got, above the buttons: always in view, and the checks
        # do not move under the pointer when it changes (above them, the checks moved up a
        # line after the last tick)
        right.addWidget(self.side, 1)
        right.addWidget(self.status)
        right.addWidget(self.buttons)
        side_box = QWidget()
        side_box.setLayout(right)
        side_box.setFixedWidth(SIDE)
        right.setContentsMargins(0, 0, 0, 0)
        self.side_box = side_box
        lay.addWidget(side_box)

        # as large as the screen allows, never larger (a sheet taller than the screen hid its
        # buttons); as wide as the tiles need
        m = lay.contentsMargins()
        tiles_w = (self.max_columns * (self.picture_box.width() + TILE_EDGE + GAP) + GAP + 8
                   + self.scroll.verticalScrollBar().sizeHint().width() + 4)
        width = tiles_w + lay.spacing() + SIDE + m.left() + m.right()
        self.setMaximumSize(room)
        self.resize(min(width, room.width()), room.height())
        self._place(parent)
        self._update_buttons()

    def _place(self, parent: QWidget | None) -> None:
        """Centred on the main window (or the screen's area) and inside that area, as a
        desktop dialog is, also with no window manager to place it (Qt's own guess of a title
        bar put the sheet in the screen's top-left corner under Xvfb). The title bar and edges
        are taken to be those of the main window (none without a window manager)."""
        area = available_area(parent)
        top = parent.window() if parent is not None else None
        if top is not None and top.isVisible():
            over = top.frameGeometry()
            frame = over.size() - top.geometry().size()
        else:
            over, frame = area, FRAME
        self.move(centred(self.size(), frame, over, area))

    def _lay_out(self, columns: int) -> None:
        """The tiles in ``columns`` columns (as many as the window's width holds: a tile cut
        off at the side could never be seen)."""
        columns = max(1, columns)
        if columns == self.columns:
            return
        self.columns = columns
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 0)
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // columns, i % columns, Qt.AlignmentFlag.AlignTop)
        self.grid.setRowStretch((len(self.tiles) + columns - 1) // columns, 1)

    # -- what the worker sends -------------------------------------------------------------

    def show_result(self, index: int, images: Sequence[QImage] | None, error: str = "") -> None:
        """Tile ``index`` as published (``images``: one picture, or a video's moments), or why
        it cannot be shown."""
        if 0 <= index < len(self.tiles):
            self.tiles[index].show_result(images, error)
            QTimer.singleShot(0, self.update_seen)
            self._update_buttons()

    # -- seen ------------------------------------------------------------------------------

    def update_seen(self) -> None:
        """Mark each rendered tile whose picture is (mostly) inside the scrolled area now."""
        if not self.isVisible():
            return
        view = self.scroll.viewport()
        area = view.rect()
        changed = False
        for tile in self.tiles:
            if tile.seen or not (tile.rendered or tile.failed):
                continue
            pic = tile.picture
            top_left = pic.mapTo(view, QPoint(0, 0))
            inside = QRect(top_left, pic.size()).intersected(area)
            if inside.height() >= SEEN_SHARE * pic.height() and \
                    inside.width() >= SEEN_SHARE * pic.width():
                tile.mark_seen()
                changed = True
        if changed:
            self._update_buttons()

    def seen_count(self) -> int:
        return sum(1 for t in self.tiles if t.seen)

    def all_seen(self) -> bool:
        return all(t.seen for t in self.tiles)

    def approvable(self) -> list[int]:
        """The tiles that were seen as published (a tile that could not be shown is not, nor
        one the core holds back: a video not seen whole, a photo approved only on its own)."""
        return [i for i, t in enumerate(self.tiles)
                if t.seen and t.rendered and not t.failed and not t.tile.held
                and not t.tile.alone]

    def ticked(self) -> list[str]:
        return self.ticks.ticked()

    def _kinds(self, which=None) -> tuple[int, int]:
        """(photos, videos) among the tiles, or among those ``which`` says yes to."""
        return tally("video" if t.tile.video else "photo" for t in self.tiles
                     if which is None or which(t))

    def _approves(self) -> tuple[int, int]:
        """What Approve would approve: every tile but those that cannot be shown, or are left
        out (the count does not grow as the tiles are seen: "Approve 3 photos" read as if 8
        were left out)."""
        return self._kinds(lambda t: not t.failed and not t.tile.held and not t.tile.alone)

    def _note(self) -> str:
        """The checklist's note, counting what Approve approves (``_ticks_note``)."""
        return _ticks_note(self._approves(), self._kinds(), seen=self._ticks_open)

    def _update_buttons(self) -> None:
        total = self._kinds()
        seen = self._kinds(lambda t: t.seen)
        rendered = self._kinds(lambda t: t.rendered or t.failed)
        every = self.all_seen()
        if every and not self._ticks_open:
            self._ticks_open = True
            self.ticks.set_checks(self._checks, editable=True, note=self._note())
        elif self.ticks.hint.text() != self._note():
            # a tile that could not be shown is left out: the note counts what is left
            self.ticks.hint.setText(self._note())
        ok = self._approves()
        left_out = [t.tile.name for t in self.tiles if t.failed]
        held = [t.tile.name for t in self.tiles if t.tile.held and not t.failed]
        alone = [t.tile.name for t in self.tiles
                 if t.tile.alone and not t.tile.held and not t.failed]
        all_ticked = len(self.ticks.ticked()) == len(self._checks)
        if sum(rendered) < sum(total):
            text = (f"Preparing what will be published: {part_of(rendered, total)} ready. "
                    + (f"You have seen {part_of(seen, total)}." if sum(seen) else
                       "You have seen none of them yet."))
        elif not every:
            text = (f"You have seen {part_of(seen, total)}." if sum(seen) else
                    "You have seen none of them yet.") + " Scroll down to see the rest."
        elif not self._checks or all_ticked or not sum(ok):
            # nothing to approve here: no "Now tick each check" (s45 walk, PNG 61: a video
            # left out was the sheet's only item, and the sheet asked for the ticks)
            text = f"You have seen {_all_of(total)}."
        else:
            text = (f"You have seen {_all_of(total)}. Now tick each check that holds for "
                    "every one of them.")
        if left_out:
            out = self._kinds(lambda t: bool(t.failed))
            text += (f" {media_count(*out)} could not be shown and "
                     f"{verb(out, 'is', 'are')} left out: "
                     + ", ".join(short_name(x, 40) for x in left_out[:3])
                     + ("\u2026" if len(left_out) > 3 else "") + ".")
        if held:
            n = len(held)
            text += (f" {media_count(0, n)} {'is' if n == 1 else 'are'} left out: not seen "
                     "whole in the player yet ("
                     + ", ".join(short_name(x, 40) for x in held[:3])
                     + ("\u2026" if n > 3 else "") + ").")
        if alone:
            n = self._kinds(lambda t: bool(t.tile.alone) and not t.tile.held and not t.failed)
            text += (f" {media_count(*n)} {verb(n, 'is', 'are')} approved only on "
                     f"{verb(n, 'its', 'their')} own (marked \u25b2): "
                     + ", ".join(short_name(x, 40) for x in alone[:3])
                     + ("\u2026" if len(alone) > 3 else "") + ".")
        self.status.setText(text)
        self.approve_btn.setText(f"Approve {media_count(*ok)}" if sum(ok) else "Approve")
        # the question asks what Approve approves (walk s33: it asked to approve "19 photos
        # and 1 video" while the video was left out and the button said "Approve 19 photos")
        what = media_count(*(ok if sum(ok) else total))
        if sum(ok) or sum(rendered) < sum(total):
            self.head.setText(f"<b>Approve {esc(what)} for {esc(self._channel)} as "
                              f"{esc(self._approver)}?</b>")
        else:
            # every tile is left out (s45 walk, PNG 61: "Approve 1 video ...?" over the one
            # video left out, not seen whole in the player): why is said below
            self.head.setText(f"<b>Nothing here can be approved for {esc(self._channel)} "
                              "yet: why is said below.</b>")
        self.approve_btn.setEnabled(every and bool(sum(ok)) and all_ticked)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        QTimer.singleShot(0, self.update_seen)

    def eventFilter(self, watched, ev) -> bool:
        if watched is self.scroll.viewport() and ev.type() == QEvent.Type.Resize:
            room = self.scroll.viewport().width() - 8
            self._lay_out(min(self.max_columns,
                              room // (self.picture_box.width() + TILE_EDGE + GAP)))
            QTimer.singleShot(0, self.update_seen)
        return super().eventFilter(watched, ev)


__all__ = ["ContactSheetDialog", "SheetTile", "Tile", "available_area", "centred",
           "short_name"]
