"""s57: the video player's timeline and what it says is open, for the places after one cue
(tests/core/test_video_cue_places.py): both places amber, one question for them."""

from __future__ import annotations

import pytest

from photovet.gui import style
from photovet.gui.views.video_player import open_sentence, timeline_rows
from tests.core.test_video_cue_places import _decided

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def test_the_timeline_shows_both_places_waiting_and_one_name_to_decide(ws):
    """The video player's rows (gui.views.video_player: pure, no window) and what it says is
    open: both places amber, one name to decide (it said "2 names are yours to decide")."""
    a = _decided(ws, ws.channels.get("website"))
    rows = {r.track_id: r for r in timeline_rows(a, {})}
    assert [rows[i].colour.name() for i in range(3)] == [style.REVIEW.name()] * 3
    assert [rows[i].review for i in range(3)] == [True] * 3      # drawn as waiting (dotted)
    assert "2 names" in open_sentence(a, can_review=True)     # the sticker's and the certificate's


def test_choosing_one_place_outlines_the_other_with_it(qtbot, ws):
    """A row chosen outlines its track on the picture; the other place after its cue is
    outlined with it (one question, one answer for both)."""
    from photovet.gui.views.video_player import VideoPlayer

    a = _decided(ws, ws.channels.get("website"))
    player = VideoPlayer()
    qtbot.addWidget(player)
    player.resize(900, 700)
    player.show()
    player.show_video(a, {}, title="cue.mp4")
    player.select_track(1)
    assert (player.canvas.selected, player.canvas.together) == (1, {0})
    player.select_track(2)                        # the certificate's place: alone after its cue
    assert (player.canvas.selected, player.canvas.together) == (2, set())
