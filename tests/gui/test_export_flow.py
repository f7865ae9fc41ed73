"""Approval and export through the window: the preparer marks ready, a different person approves
(the same person is refused), export takes approved photos only and writes files with the
covers and no metadata; closing the window during an export stops it cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

try:
    from tests.gui.fake_engine import FACE_A, FACE_B, FakeEngine, make_batch, make_photo
except ImportError:  # tests/ is not a package
    from fake_engine import FACE_A, FACE_B, FakeEngine, make_batch, make_photo
from photovet.gui.main_window import MainWindow


def open_window(qtbot, folder: Path, faces: dict, n_expected: int, **engine_kw) -> MainWindow:
    w = MainWindow(load_engine=False)
    qtbot.addWidget(w)
    assert w.register is not None, "the register should open in PHOTOVET_HOME"
    w.engine = FakeEngine(faces=faces, register=w.register, **engine_kw)
    w.engine.people = list(FakeEngine().people)
    w.engine.people_by_id = {p.id: p for p in w.engine.people}
    w._engine_is_ready()
    w.show()
    if w.welcome is not None:
        w.dismiss_welcome()
    w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: len(w.batch.model.analysed()) == n_expected and w.analysis_job is None,
                    timeout=20000)
    return w


def select(w, name: str):
    for row in range(w.batch.proxy.rowCount()):
        if w.batch.proxy.index(row, 0).data() == name:
            w.batch.select_row(row)
            return w.current()
    raise AssertionError(name)


def run_export(qtbot, w, dest: Path):
    w.open_export()
    dlg = w.export_dialog
    assert dlg is not None
    dlg.dest.setText(str(dest))
    dlg.label.setText("Sports day")
    results = []
    dlg.exported.connect(results.extend)
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=30000)
    return dlg, results


def test_approval_needs_a_different_person_and_export_takes_approved_only(qtbot, tmp_path):
    paths, faces = make_batch(tmp_path / "b", 3)
    w = open_window(qtbot, tmp_path / "b", {}, 3)   # no faces: nothing to cover here
    w.preparer = "Sam Smith"

    # the preparer marks two photos ready
    for name in ("photo_000.jpg", "photo_001.jpg"):
        select(w, name)
        w.mark_ready()
        assert w.approval.status(w.current().analysis.sha256) == "ready"
        assert w.current().approval == "ready"

    # the preparer cannot approve their own photo
    item = select(w, "photo_000.jpg")
    w.approver = "sam smith"
    w.decide_current(True)
    assert w.approval.status(item.analysis.sha256) == "ready"
    assert "cannot also approve" in w.approval_panel.error_label.text()
    assert w.approval_panel.error_label.isVisibleTo(w)

    # a senior leader approves one (A) and rejects the other (R) with a comment
    w.approver = "Mrs J Patel"
    select(w, "photo_000.jpg")
    w.batch.list.setFocus()
    qtbot.keyClick(w.batch.list, "a")
    assert w.approval.status(item.analysis.sha256) == "approved"
    other = select(w, "photo_001.jpg")
    w.ask_approver = lambda **kw: ("Mrs J Patel", "Crop out the car number plate")
    w.decide_current(False)
    st = w.approval.state(other.analysis.sha256)
    assert st.status == "rejected" and st.comment == "Crop out the car number plate"
    actions = [r[0] for r in w.register.db.execute("SELECT action FROM audit_log").fetchall()]
    assert "photo marked ready" in actions and "photo approved" in actions and "photo rejected" in actions

    # export: only the approved photo goes out, with no metadata
    dlg, results = run_export(qtbot, w, tmp_path / "out")
    ok = [r for r in results if r.ok]
    assert len(ok) == 1 and Path(ok[0].source).name == "photo_000.jpg"
    out = Path(ok[0].output)
    assert out.exists() and out.parent == tmp_path / "out" or out.parent.parent == tmp_path / "out"
    with Image.open(out) as im:
        exif = im.getexif()
        assert not exif.get_ifd(0x8825)          # no GPS
        assert 0x010F not in exif                # no camera make
        assert "exif" not in im.info
    text = dlg.summary.toPlainText()
    assert "1 photo exported" in text
    assert "GPS position" in text
    assert dlg.open_btn.isVisible()
    dlg.close()


def test_export_contains_the_covers(qtbot, tmp_path):
    pytest.importorskip("photovet.core.media.cover")
    paths, faces = make_batch(tmp_path / "b", 1)
    w = open_window(qtbot, tmp_path / "b", faces, 1)
    w.preparer = "Sam Smith"
    item = select(w, "photo_000.jpg")
    a = item.analysis
    # cover an area by hand too
    w.add_cover("rect", (20, 380, 120, 80))
    w.keep_rest_covered()          # the unknown face stays covered: checked
    w.mark_ready()
    w.approver = "Mrs J Patel"
    w.decide_current(True)
    assert w.approval.status(a.sha256) == "approved"
    dlg, results = run_export(qtbot, w, tmp_path / "out")
    ok = [r for r in results if r.ok]
    assert len(ok) == 1
    assert ok[0].faces_covered == 1 and ok[0].manual_covers == 1
    with Image.open(ok[0].output) as im:
        im = im.convert("RGB")
        s = im.width / a.width

        def px(x, y):
            return im.getpixel((int(x * s), int(y * s)))

        bx, by, bw, bh = FACE_B
        ax, ay, aw, ah = FACE_A
        assert min(px(bx + bw / 2, by + bh / 2)) < 235     # the unknown face's white oval is covered
        assert min(px(ax + aw / 2, ay + ah / 2)) > 235     # Tori (consent for the website) shows
        # the area covered by hand is painted like the covered face (the same solid cover)
        covered, face_cover = px(80, 420), px(bx + bw / 2, by + bh / 2)
        assert sum(abs(c - f) for c, f in zip(covered, face_cover)) < 20
        outside = px(300, 300)      # untouched background keeps the photo's colour
        assert sum(abs(c - o) for c, o in zip(outside, (180, 160, 140))) < 20
    assert "Faces covered: 1" in dlg.summary.toPlainText()
    dlg.close()


def test_approval_off_exports_everything_with_a_visible_warning(qtbot, tmp_path):
    from photovet.core.settings import Settings

    s = Settings.load()
    s.set("approval.required", False)
    s.save()
    make_batch(tmp_path / "b", 2)
    w = open_window(qtbot, tmp_path / "b", {}, 2)
    assert not w.approval.required
    assert w.approval_banner.isVisibleTo(w)
    assert "Approval is turned off" in w.approval_banner.text()
    assert not w.approval_panel.approve_btn.isVisibleTo(w)
    dlg, results = run_export(qtbot, w, tmp_path / "out")
    assert "not been checked by a senior leader" in dlg.warning.text()
    assert sum(1 for r in results if r.ok) == 2
    dlg.close()


def test_closing_the_window_during_an_export_stops_cleanly(qtbot, tmp_path):
    from photovet.core.settings import Settings

    s = Settings.load()
    s.set("approval.required", False)
    s.save()
    folder = tmp_path / "many"
    for i in range(40):
        make_photo(folder / f"p{i:03d}.jpg", size=(1600, 1200), gps=True)
    w = open_window(qtbot, folder, {}, 40)
    w.open_export()
    dlg = w.export_dialog
    out = tmp_path / "out"
    dlg.dest.setText(str(out))
    got = []
    dlg.exported.connect(got.extend)
    seen = []
    dlg.start()
    dlg.job.items.connect(seen.extend)
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=20000)
    w.close()                                # cancels and waits for the worker
    assert dlg.job is None or not dlg.job.running
    files = sorted(out.rglob("*"))
    written = [f for f in files if f.is_file()]
    assert 0 < len(written) < 40                     # it really stopped part way
    for f in written:                                 # and every file left is complete
        assert f.suffix.lower() == ".jpg", f"temporary file left behind: {f.name}"
        with Image.open(f) as im:
            im.load()


@pytest.mark.slow
def test_end_to_end_with_the_real_engine(qtbot, tmp_path):
    """The real Engine (face models) in its worker: add photos, check them, export, no metadata."""
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings

    s = Settings.load()
    s.set("approval.required", False)
    s.save()
    folder = tmp_path / "real"
    for i in range(3):
        make_photo(folder / f"r{i}.jpg", size=(480, 360), gps=True, serial="SN1")
    (folder / "readme.txt").write_text("not a photo")
    w = MainWindow(engine_loader=lambda st, reg: Engine.load(st, reg, faces=True, text=False))
    qtbot.addWidget(w)
    w.show()
    w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: w.engine is not None, timeout=120000)
    qtbot.waitUntil(lambda: len(w.batch.model.analysed()) == 3 and w.analysis_job is None, timeout=120000)
    for it in w.batch.model.items:
        assert it.analysis.error is None and it.analysis.faces_checked
    dlg, results = run_export(qtbot, w, tmp_path / "out")
    ok = [r for r in results if r.ok]
    assert len(ok) == 3
    for r in ok:
        with Image.open(r.output) as im:
            assert not im.getexif()
            assert "exif" not in im.info and "icc_profile" not in im.info
    assert "GPS position (3 photos)" in dlg.summary.toPlainText()
    dlg.close()
    w.close()
