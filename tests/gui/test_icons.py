"""The small icons drawn in style.py read as what they stand for."""

from __future__ import annotations

import math

from photovet.gui.style import icon


def _ring_changes(name: str, radius: float, size: int = 64) -> int:
    """How often a circle around the icon's middle crosses from paint to none and back."""
    img = icon(name).pixmap(size, size).toImage()
    c = size / 2
    steps = 360
    seen = [img.pixelColor(int(c + radius * size * math.cos(math.tau * i / steps)),
                           int(c + radius * size * math.sin(math.tau * i / steps))).alpha() > 60
            for i in range(steps)]
    return sum(seen[i] != seen[i - 1] for i in range(steps))


def test_the_settings_icon_is_a_cog_not_a_radio_button(qapp):
    """s45 walk (PNG 88): the Settings icon, a grey disc with a white dot, looked like a radio
    button. It is a cog: a circle through its teeth meets paint and gap in turn, eight times
    each; one through its body and one through its hole are unbroken."""
    assert _ring_changes("settings", 0.31) == 16
    assert _ring_changes("settings", 0.20) == 0


def test_an_unknown_icon_name_draws_a_dot_and_never_fails(qapp):
    assert not icon("no such icon").isNull()
