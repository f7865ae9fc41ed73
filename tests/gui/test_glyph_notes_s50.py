"""s50: a character this PC's fonts cannot draw is an empty box on screen ('口' read on a sign,
on a PC with no Chinese or Japanese font). Since s48 the findings list says what it is after
the quote; the photo's menu, the reason asked before a text is left readable and the school's
name line quoted it as a box with nothing said. They say it too (``gui/glyphs.app_drawable``).
The fonts are made to lack every non-ASCII character here, so the test is the same on every
machine, whatever fonts it has."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication

from photovet.gui import glyphs
from photovet.gui.controllers import review
from photovet.gui.views import photo_flags
from photovet.gui.views.photo_view import TEXT
from tests.gui.test_review import current, window  # noqa: F401 - a fixture

NOTE = "(a Chinese/Japanese character, U+53E3)"


def _ascii_only():
    return lambda c: c.isascii()


def test_the_schools_name_line_says_what_a_character_drawn_as_a_box_is(monkeypatch):
    monkeypatch.setattr(photo_flags, "app_drawable", _ascii_only)
    item = SimpleNamespace(text="\u53e3", kind="", school="name", school_unsure=False,
                           needs_review=False, decision="cover")
    said = photo_flags.school_sentence(item)
    assert said.startswith(f"\u201c\u53e3\u201d {NOTE}"), said


def test_the_photos_menu_says_what_a_character_drawn_as_a_box_is(window, qtbot,  # noqa: F811
                                                                   monkeypatch):
    monkeypatch.setattr(review, "app_drawable", _ascii_only)
    current(window).texts[0].text = "\u53e3"
    seen: list[list[str]] = []

    def look() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, look)
            return
        seen.append([act.text() for act in menu.actions() if act.text()])
        menu.close()

    QTimer.singleShot(20, look)
    window.review.context_menu(TEXT, 0, QPoint(0, 0))
    assert seen and seen[0][0].startswith(f"\u201c\u53e3\u201d {NOTE} \u2014 "), seen


def test_the_application_fonts_drawable_follows_the_font(qtbot):
    """One ``Drawable`` for the application's font, made again when the font changes."""
    from PySide6.QtGui import QFont

    first = glyphs.app_drawable()
    assert glyphs.app_drawable() is first and first("A")
    old = QApplication.font()
    try:
        QApplication.setFont(QFont(old.family(), old.pointSize() + 3))
        assert glyphs.app_drawable() is not first
    finally:
        QApplication.setFont(old)
