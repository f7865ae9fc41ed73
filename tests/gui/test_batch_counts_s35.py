"""s35, the head teacher's session: the line under "Show" counted every state but rejected
photos ("3 rejected: see why" now, which shows them); "Nothing is waiting for approval" was
said while the photos marked ready were being checked again after a settings change; and the
approver's list showed the photos as taken (faces the export covers)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from photovet.core.models import Face, PhotoAnalysis
from photovet.gui.views.batch_view import BatchView, published_key


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


def _painted(view: BatchView, item_row: int = 0) -> QImage:
    """The tile of row ``item_row`` as the list's delegate paints it."""
    img = QImage(200, 220, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 200, 220)
    p = QPainter(img)
    view.list.itemDelegate().paint(p, option, view.proxy.index(item_row, 0))
    p.end()
    return img


def _reds(img: QImage) -> int:
    return sum(1 for x in range(0, img.width(), 4) for y in range(0, img.height(), 4)
               if img.pixelColor(x, y).name() == "#ff0000")


def test_the_approvers_tiles_never_show_the_photo_as_taken(qtbot):
    """s35: in the approver's view the list showed pupils' faces the export covers. There,
    a tile is the photo as it will be published (drawn for its decisions now), or words."""
    view = _view(qtbot, 1)
    item = view.model.items[0]
    taken = QImage(132, 99, QImage.Format.Format_RGB32)
    taken.fill(QColor("#ff0000"))                 # the photo as taken
    item.thumb = taken
    assert _reds(_painted(view)) > 100            # the preparer's view: as taken
    asked: list = []
    view.model.published_wanted.connect(asked.append)
    view.model.set_published_view(True)
    assert _reds(_painted(view)) == 0 and asked == [[item.path]]
    published = QImage(132, 99, QImage.Format.Format_RGB32)
    published.fill(QColor("#00ff00"))
    view.model.set_published([(item.path, published_key(item.analysis), published)])
    tile = _painted(view)
    assert _reds(tile) == 0 and tile.pixelColor(100, 60).name() == "#00ff00"
    # a decision changed since it was drawn: words again, and drawn anew
    item.analysis.faces.append(Face(box=(1, 1, 5, 5), score=0.9, decision="cover"))
    assert _reds(_painted(view)) == 0 and _painted(view).pixelColor(100, 60).name() != "#00ff00"
    assert len(asked) == 2
    # a tile drawn for other decisions, arriving late, is dropped
    before = item.published_for
    view.model.set_published([(item.path, ("old",), published)])
    assert item.published_for == before != published_key(item.analysis)
    assert _painted(view).pixelColor(100, 60).name() != "#00ff00"
    view.model.set_published_view(False)
    assert _reds(_painted(view)) > 100


def test_one_photo_changed_is_counted_again_alone(qtbot, monkeypatch):
    """s35: every change to the list (a thumbnail, one photo's approval) counted every photo
    again (20-50 ms for 300 on the GUI thread). The counts are kept as rows change: one photo
    changed is looked at again, not the whole list, and the counts are those counted afresh."""
    from photovet.gui.views.batch_view import PhotoItem

    view = _view(qtbot, 60)
    view.model.add_paths(["/photos/clip.mp4"])
    looked: list[str] = []
    real = PhotoItem.list_status
    monkeypatch.setattr(PhotoItem, "list_status",
                        property(lambda it: looked.append(it.path) or real.fget(it)))
    view.model.set_approvals({"/photos/trip_7.jpg": ("ready", "")})
    view.model.set_thumbnails([("/photos/trip_9.jpg", QImage(4, 4, QImage.Format.Format_RGB32))])
    assert len(looked) <= 6, len(looked)           # the two rows (and the filter's look)
    said = view.count_label.text()
    assert said.startswith("60 photos and 1 video") and "61 being checked" not in said, said
    view.model.set_analyses([PhotoAnalysis(path="/photos/trip_3.jpg", sha256="3" * 64,
                                           faces=[Face(box=(0, 0, 9, 9), score=0.9,
                                                     needs_review=True)])])
    view.model.remove_path("/photos/trip_0.jpg")
    for it in view.model.items[10:20]:                # changed in place, then said (as tests do)
        it.approval = "approved"
    view.model.refresh_rows()
    afresh: dict[str, int] = {"all": len(view.model.items)}
    for it in view.model.items:
        afresh[it.list_status] = afresh.get(it.list_status, 0) + 1
        if it.analysis is not None and not it.analysis.error:
            afresh["approval:" + it.approval] = afresh.get("approval:" + it.approval, 0) + 1
    kept = view.model.counts()
    assert {k: v for k, v in kept.items() if k in afresh} == afresh
    assert kept["approval:waiting"] == afresh.get("approval:ready", 0)
    assert (kept["media:photo"], kept["media:video"]) == (59, 1)
    view.model.clear()
    assert view.model.counts()["all"] == 0 and "media:photo" not in view.model.counts()


def test_photos_waiting_with_everyone_covered_are_said_and_listed_apart(qtbot):
    """s36: a photo in which every face is covered still goes to approval (every post is
    approved): the approver's tile says "Everyone covered" and "Show" lists them apart, to be
    approved or left out at once (``policy.everyone_covered`` decides)."""
    view = _view(qtbot, 4)
    covered = [Face(box=(1, 1, 9, 9), score=0.9, decision="cover") for _ in range(2)]
    items = view.model.items
    for it, faces in zip(items, (covered, covered[:1] + [Face(box=(20, 1, 9, 9), score=0.9,
                                                              decision="show")], [], covered)):
        it.analysis.faces, it.analysis.channel = list(faces), "facebook"
    view.model.set_approvals({it.path: ("ready", "") for it in items[:3]})
    assert [it.everyone_covered for it in items] == [True, False, False, False]
    # a name left readable: not "everyone covered" (it must not hurry the approver past it)
    from photovet.core.models import TextItem
    from photovet.core.policy import everyone_covered
    a = items[0].analysis
    a.texts = [TextItem(text="Tori", polygon=[(0, 0), (9, 0), (9, 9), (0, 9)], score=0.9,
                        kind="pupil-name", decision="keep")]
    assert not everyone_covered(a)
    a.texts[0].decision = "cover"
    assert everyone_covered(a)
    a.texts = []
    assert view.model.counts()["approval:everyone-covered"] == 1
    view.set_filter("approval:everyone-covered")
    assert view.proxy.rowCount() == 1
    assert "Waiting, everyone covered (1)" in [
        view.filter_combo.itemText(i) for i in range(view.filter_combo.count())]
    # one whose approval no longer counts is under that choice, not among those waiting
    view.model.set_approvals({items[3].path: ("void", "the review changed")})
    assert not items[3].everyone_covered
    assert view.model.counts()["approval:everyone-covered"] == 1
    assert view.proxy.rowCount() == 1
    # the tile says it in the approver's view, in a dark band across its foot
    view.model.set_published_view(True)
    tile = _painted(view)
    assert tile.pixelColor(100, 120).lightness() < 80, tile.pixelColor(100, 120).name()
    # nor the tile of one whose approval no longer counts (the band is for those waiting)
    view.set_filter("approval:void")
    assert view.proxy.rowCount() == 1
    assert _painted(view).pixelColor(100, 120).lightness() > 150
    view.set_filter("approval:everyone-covered")
    view.model.set_published_view(False)
    assert _painted(view).pixelColor(100, 120).lightness() > 150
