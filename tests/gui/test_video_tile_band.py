"""s65 walk: in the approver's list a video waiting for approval with everyone covered had its
play sign and length ("\u25b6 0:09") drawn over the "Everyone covered" band across the foot of
its tile, which read "\u25b6 0:09ne covered". The mark is drawn above the band."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from photovet.core.models import VideoAnalysis
from photovet.gui.views import batch_view
from photovet.gui.views.batch_view import BatchView
from tests.gui.test_batch_counts_s35 import _painted


def test_a_videos_mark_is_above_the_everyone_covered_band(qtbot, monkeypatch):
    view = BatchView()
    qtbot.addWidget(view)
    view.model.add_paths(["/trip/assembly.mp4"])
    view.model.set_analyses([VideoAnalysis(path="/trip/assembly.mp4", sha256="a" * 64,
                                           fps=10.0, frame_times=[i / 10 for i in range(92)])])
    (item,) = view.model.items
    monkeypatch.setattr(type(item), "everyone_covered", property(lambda self: True))
    delegate = type(view.list.itemDelegate())
    drawn: dict[str, QRectF] = {}
    mark, band = delegate._paint_video_mark, delegate._paint_everyone_covered

    def spy_mark(*a):
        drawn["mark"] = QRectF(mark(*a))
        return drawn["mark"]

    def spy_band(*a):
        drawn["band"] = QRectF(band(*a))
        return drawn["band"]

    monkeypatch.setattr(delegate, "_paint_video_mark", staticmethod(spy_mark))
    monkeypatch.setattr(delegate, "_paint_everyone_covered", staticmethod(spy_band))
    view.model.set_published_view(True)                   # the approver's view
    _painted(view)
    assert set(drawn) == {"mark", "band"}
    assert drawn["mark"].bottom() < drawn["band"].top(), drawn
    assert drawn["mark"].height() > 0 and drawn["mark"].top() >= 0
    # the preparer's view: no band, the mark in the picture's corner as before
    drawn.clear()
    view.model.set_published_view(False)
    _painted(view)
    assert set(drawn) == {"mark"}
    assert delegate is batch_view.BatchDelegate
