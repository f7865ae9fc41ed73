"""Which characters this PC's fonts draw, for every place the window quotes text read in a
photo: a character no font here has is drawn as an empty box ('口' read on a sign, on a PC with
no Chinese or Japanese font; s48 walk), so the quote says what it is after it
(``words.read_words`` with ``can_draw``). s50: the findings list said so; the reason asked
before leaving a text readable, the photo's menu and the school's-name lines did not."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QApplication


class Drawable:
    """Whether a font, with the fonts Qt falls back to, draws a character (an empty box
    otherwise: '口' read on a sign, on a PC with no Chinese or Japanese font; s48 walk).
    QFontMetrics.inFontUcs4 asks the font alone; a character it lacks is laid out to see
    whether a fallback font has it (glyph 0 is the empty box). Remembered per character."""

    def __init__(self, font: QFont):
        self.font, self.metrics = QFont(font), QFontMetrics(font)
        self._known: dict[str, bool] = {}

    def __call__(self, c: str) -> bool:
        known = self._known.get(c)
        if known is None:
            known = self._known[c] = self.metrics.inFontUcs4(ord(c)) or self._fallback(c)
        return known

    def _fallback(self, c: str) -> bool:
        layout = QTextLayout(c, self.font)
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        runs = layout.glyphRuns()
        return bool(runs) and all(g != 0 for run in runs for g in run.glyphIndexes())


_APP: Drawable | None = None


def app_drawable() -> Drawable:
    """``Drawable`` for the application's font (dialogs, menus, labels), kept while it is."""
    global _APP
    font = QApplication.font()
    if _APP is None or _APP.font != font:
        _APP = Drawable(font)
    return _APP
