"""s35, the head teacher's session: the line under "Show" counted every state but rejected
photos ("3 rejected: see why" now, which shows them); and "Nothing is waiting for approval"
was said while the photos marked ready were being checked again after a settings change."""

from __future__ import annotations

from photovet.core.models import PhotoAnalysis
from photovet.gui.views.batch_view import BatchView


def _view(qtbot, n: int) -> BatchView:
    view = BatchView()
    qtbot.addWidget(view)
    paths = [f"/photos/trip_{i}.jpg" for i in range(n)]
    view.model.add_paths(paths)
    view.model.set_analyses([PhotoAnalysis(path=p, sha256=f"{i}" * 64)
                             for i, p in enumerate(paths)])
    return view


def test_rejected_photos_are_counted_and_shown_on_asking(qtbot):
    view = _view(qtbot, 4)
    view.model.set_approvals({"/photos/trip_0.jpg": ("rejected", ""),
                              "/photos/trip_1.jpg": ("rejected", ""),
                              "/photos/trip_2.jpg": ("approved", "")})
    said = view.count_label.text()
    assert "1 approved" in said and "2 rejected: see why" in said, said
    view.count_label.linkActivated.emit("rejected")
    assert view.proxy.key == "approval:rejected" and view.proxy.rowCount() == 2


def test_photos_checked_again_are_not_nothing_waiting(qtbot):
    view = _view(qtbot, 3)
    view.model.set_approvals({p: ("ready", "") for p in
                              ("/photos/trip_0.jpg", "/photos/trip_1.jpg")})
    view.set_filter("approval:ready")
    assert view.proxy.rowCount() == 2
    # the school's settings changed: every photo is checked again (BatchController)
    for it in view.model.items:
        it.analysis = None
    view.model.refresh_rows()
    assert view.proxy.rowCount() == 0
    said = view.no_match_text.text()
    assert "Nothing is waiting for approval" not in said
    assert said.startswith("Nothing checked so far is waiting for approval: 3 photos are still "
                           "being checked (2 of them again, after a change)"), said
    for it in view.model.items[2:]:
        it.approval = "approved"
    view.model.refresh_rows()
    assert "3 photos are still being checked again after a change." in \
        view.no_match_text.text()
    # once checked, and nothing waits: said as before
    view.model.set_analyses([PhotoAnalysis(path=it.path, sha256="9" * 64)
                             for it in view.model.items])
    view.model.set_approvals({it.path: ("approved", "") for it in view.model.items})
    assert view.no_match_text.text() == "Nothing is waiting for approval."
