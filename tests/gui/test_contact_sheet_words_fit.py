"""A contact-sheet tile whose words run to more lines than its neighbours' (two pupils' names
shown, and the caption) keeps them under its picture (s31 walk): the tile took the height its
label guessed for one line of words, so the photo's name was drawn over the bottom of the
picture and the words were squeezed."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from photovet.gui.dialogs.contact_sheet import ContactSheetDialog, Tile

CAPTION = "Caption proposed: \u201cOur Year 6 awards evening\u201d"


def _image() -> QImage:
    img = QImage(QSize(800, 600), QImage.Format.Format_RGB32)
    img.fill(QColor("#808080"))
    return img


def test_long_words_stay_under_the_picture(qtbot):
    tiles = [Tile(path="/x/a.jpg", name="deepface__img4.jpg",
                  lines=["Faces shown: Tori Ashby", "Nothing covered", CAPTION]),
             Tile(path="/x/c.jpg", name="face_recognition__alex-lacamoire.png",
                  lines=["No face shown", "Covered: 1 face", CAPTION]),
             Tile(path="/x/b.jpg", name="face_recognition__two_people.jpg",
                  lines=["Faces shown: Graham Whitcombe, Nathan Ellison", "Nothing covered",
                         CAPTION])]
    sheet = ContactSheetDialog(tiles, ["Everyone is dressed appropriately"],
                               channel="School website", approver="Mr Sam Head")
    qtbot.addWidget(sheet)
    sheet.show()
    qtbot.waitExposed(sheet)
    for i in range(len(tiles)):
        sheet.show_result(i, [_image()])
    QApplication.processEvents()
    for tile in sheet.tiles:
        assert tile.name.geometry().top() >= tile.picture.geometry().bottom(), tile.tile.name
        assert tile.words.geometry().top() >= tile.name.geometry().bottom(), tile.tile.name
        assert tile.words.height() >= tile.words.heightForWidth(tile.words.width()), \
            tile.tile.name
