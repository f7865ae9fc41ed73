"""Flow 2, "From a device": the photos are copied into a new batch folder and checked by hash,
the batch opens with them, and the device is cleared only when the office says yes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

try:
    from tests.gui.fake_engine import FakeEngine, make_photo
except ImportError:  # tests/ is not a package
    from fake_engine import FakeEngine, make_photo
from photovet.gui.main_window import MainWindow


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("clear", [False, True], ids=["keep-originals", "clear-device"])
def test_import_from_a_device(qtbot, tmp_path, monkeypatch, clear):
    device = tmp_path / "DCIM" / "100PHONE"
    device.mkdir(parents=True)
    originals = [make_photo(device / f"IMG_{i:04d}.jpg", colour=(120 + 20 * i, 150, 160)) for i in range(3)]
    digests = sorted(_digest(p) for p in originals)

    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(device.parent))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[1]) or (QMessageBox.Yes if clear else QMessageBox.No))

    w = MainWindow(load_engine=False)
    qtbot.addWidget(w)
    w.engine = FakeEngine(register=w.register)
    w._engine_is_ready()
    w.show()
    if w.welcome is not None:
        w.dismiss_welcome()

    w.import_from_device()
    qtbot.waitUntil(lambda: w.device_job is None and len(w.batch.model.analysed()) == 3, timeout=20000)
    assert asked == ["Clear the device?"]
    dest = Path(w._device_dest)
    copies = sorted(dest.rglob("*.jpg"))
    assert sorted(_digest(p) for p in copies) == digests       # verified, byte-identical copies
    assert all(Path(it.path).is_relative_to(dest) for it in w.batch.model.items)  # the copies, not the device
    if clear:
        qtbot.waitUntil(lambda: w.device_job is None and not any(p.exists() for p in originals),
                        timeout=20000)
        assert sorted(_digest(p) for p in dest.rglob("*.jpg")) == digests   # copies still there
    else:
        assert all(p.exists() for p in originals)
    w.shutdown(5000)
