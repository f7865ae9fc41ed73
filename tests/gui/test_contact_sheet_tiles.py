"""The contact sheet's tiles (s27): a 4:3 photo fills its picture with no dark strip beside it,
and a video's three moments are laid out with no empty cell (they sat in a 2 x 2 grid with its
fourth cell dark)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage

from photovet.gui.dialogs.contact_sheet import (
    PICTURE,
    SheetTile,
    Tile,
    _sheet_of,
    moment_cells,
    picture_size,
)

WIDE, UPRIGHT = QSize(1920, 1080), QSize(1080, 1920)


def solid(size: QSize, colour: str = "#ffffff") -> QImage:
    img = QImage(size, QImage.Format.Format_RGB32)
    img.fill(QColor(colour))
    return img


@pytest.mark.parametrize("room", [QSize(1350, 688), QSize(1904, 1000), QSize(1008, 560),
                                  QSize(1270, 700)])
def test_the_picture_box_is_4_by_3_on_every_screen(room):
    box, _columns = picture_size(room, 17)
    assert box.width() * 3 == box.height() * 4, box
    assert box.width() <= PICTURE.width() and box.height() <= PICTURE.height()


def test_a_4_by_3_photo_fills_its_tile_with_no_strip(qtbot):
    box, _ = picture_size(QSize(1350, 688), 17)
    tile = SheetTile(Tile(path="/x/a.jpg", name="a.jpg"), box=box)
    qtbot.addWidget(tile)
    tile.show_result([solid(QSize(4000, 3000))])
    assert tile.picture.pixmap().size() == box


def test_three_wide_moments_two_above_one_centred_below():
    box = QSize(296, 222)
    cells = moment_cells(3, WIDE, box)
    assert len(cells) == 3 and len({c.size().toTuple() for c in cells}) == 1
    assert all(QRect(0, 0, box.width(), box.height()).contains(c) for c in cells)
    top, bottom = cells[:2], cells[2]
    assert top[0].y() == top[1].y() < bottom.y()
    # the third is centred under the two: no empty cell beside it
    assert abs(bottom.left() - (box.width() - bottom.right() - 1)) <= 1
    # and the moments are as large as a 2 x 2 grid's cells allowed, or larger
    assert cells[0].width() >= (box.width() - 4) // 2 - 1


def test_three_upright_moments_side_by_side_and_two_wide_ones_above_each_other():
    box = QSize(296, 222)
    row = moment_cells(3, UPRIGHT, box)
    assert len({c.y() for c in row}) == 1 and row[0].height() > box.height() * 0.7
    two = moment_cells(2, WIDE, box)
    assert two[0].x() == two[1].x() and two[0].width() > box.width() * 0.6
    assert moment_cells(1, WIDE, box)[0].width() == box.width()
    assert moment_cells(0, WIDE, box) == []


def test_the_painted_sheet_has_no_dark_cell_in_a_corner(qtbot):
    """Three white moments painted: the lower half is as bright on the left as on the right
    (the old 2 x 2 grid left its lower right quarter dark)."""
    box = QSize(296, 222)
    img = _sheet_of([solid(WIDE)] * 3, box).toImage()

    def bright(x0: int, x1: int) -> int:
        return sum(1 for x in range(x0, x1) for y in range(box.height() // 2, box.height())
                   if QColor(img.pixel(x, y)).lightness() > 200)

    left, right = bright(0, box.width() // 2), bright(box.width() // 2, box.width())
    assert left > 0 and abs(left - right) <= box.height()      # a column's worth at most
