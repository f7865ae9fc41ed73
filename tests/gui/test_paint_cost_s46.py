"""s46 (issue 14 item 5): what the window paints while photos are checked is a plain copy of a
picture already the size it is drawn at, not a rescale at every paint.

The photo on screen is repainted often while a batch is checked (the list beside it changing,
a hover); it drew the 1600 px preview smoothly scaled into its place each time (~3 ms of CPU a
paint, on Qt's thread pool, which the GUI thread waits for on a busy machine). A tile's
thumbnail was made 4 px larger than the box it is drawn in, so every landscape tile was
rescaled at every paint of the list."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from photovet.core.models import PhotoAnalysis
from photovet.gui.views.batch_view import BatchDelegate
from photovet.gui.views.photo_view import PhotoCanvas
from tests.gui.fake_engine import make_photo

QUARTERS = ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0))


def _quartered(w: int, h: int) -> QImage:
    img = QImage(w, h, QImage.Format.Format_RGB888)
    p = QPainter(img)
    for i, rgb in enumerate(QUARTERS):
        p.fillRect(QRect((i % 2) * w // 2, (i // 2) * h // 2, w // 2, h // 2), QColor(*rgb))
    p.end()
    return img


def test_the_photo_on_screen_is_scaled_once_not_at_every_paint(qtbot, monkeypatch):
    scaled = []
    real = QImage.scaled

    def counting(self, *a, **k):
        scaled.append((self.width(), self.height()))
        return real(self, *a, **k)

    monkeypatch.setattr(QImage, "scaled", counting)
    canvas = PhotoCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(820, 620)
    img = _quartered(1600, 1200)
    canvas.set_photo(PhotoAnalysis(path="/photos/a.jpg", sha256="a" * 64, width=1600,
                                   height=1200), img)
    shots = [canvas.grab().toImage() for _ in range(4)]
    # one rescale of the preview for four paints (each paint rescaled it before)
    assert scaled.count((1600, 1200)) == 1, scaled
    # drawn where it was: each quarter of the photo in its place on screen
    r = canvas.image_rect()
    for i, rgb in enumerate(QUARTERS):
        x = int(r.x() + r.width() * (0.25 + 0.5 * (i % 2)))
        y = int(r.y() + r.height() * (0.25 + 0.5 * (i // 2)))
        got = shots[-1].pixelColor(x, y)
        assert (got.red(), got.green(), got.blue()) == rgb, (i, x, y)
    # the edges of the picture are where image_rect says (not a pixel off)
    for x, y in ((int(r.left()) + 1, int(r.center().y())), (int(r.right()) - 2, int(r.center().y()))):
        assert shots[-1].pixelColor(x, y) != QColor("#2b2f33"), (x, y)
    # another size (the window resized): scaled again, once
    canvas.resize(700, 500)
    canvas.grab()
    canvas.grab()
    assert scaled.count((1600, 1200)) == 2, scaled


def test_a_tiles_picture_is_made_the_size_its_box_is_drawn(qtbot, make_window, tmp_path):
    win = make_window()
    wide = make_photo(tmp_path / "wide.jpg", size=(800, 600))
    tall = make_photo(tmp_path / "tall.jpg", size=(600, 800))
    win.add_paths([str(wide), str(tall)])
    model = win.batch.model
    qtbot.waitUntil(lambda: len(model.items) == 2 and all(it.thumb is not None
                                                          for it in model.items), timeout=15000)
    delegate = win.photos.batch.list.itemDelegate()
    assert isinstance(delegate, BatchDelegate)
    option = QStyleOptionViewItem()
    option.font = win.font()
    card = delegate.sizeHint(option, model.index(0))
    # the box paint() draws the picture in: the card less its 2 px margins and the padding
    box = QSize(card.width() - 4 - 2 * BatchDelegate.PAD, BatchDelegate.THUMB)
    for it in model.items:
        dpr = it.thumb.devicePixelRatio() or 1.0
        logical = (it.thumb.width() / dpr, it.thumb.height() / dpr)
        assert logical[0] <= box.width() and logical[1] <= box.height(), (it.path, logical, box)
        # and fills it along its long edge (not made smaller than drawn)
        assert max(logical) >= min(box.width(), box.height()), (it.path, logical, box)
