"""The window says at start what PhotoVet left unfinished when it last stopped part-way (a
crash, a power cut): the core's sentences (Workspace.interrupted), escaped, in the banner."""

from __future__ import annotations


def test_the_window_says_what_was_left_unfinished(qtbot, ws, make_window):
    ws.interrupted = ["an export was interrupted before it was finished (trip-001.jpg, batch "
                      "'<b>Year 3</b>'): its record was removed and nothing was published; "
                      "export that photo or video again"]
    win = make_window()
    text = win.message_banner.text()
    assert win.message_banner.isVisible()
    assert "stopped part-way last time" in text and "An export was interrupted" in text
    assert "&lt;b&gt;Year 3&lt;/b&gt;" in text          # a batch name is text, never markup
    win.link("hide-message")
    assert not win.message_banner.isVisible()


def test_nothing_is_said_after_a_clean_stop(qtbot, ws, make_window):
    assert ws.interrupted == []
    win = make_window()
    assert "stopped part-way" not in win.message_banner.text()
