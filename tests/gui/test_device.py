"""Photos from a device (issue 15, item 1: clear the device after import): copied and checked
into a batch folder, opened as the batch, and the device is cleared (to its trash, each photo
checked again first) only when the office says yes. The same core call as import-device."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import answer, button, click, message_text, stop_answering, wait_checked
from tests.gui.fake_engine import make_photo


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("clear", [False, True, "for good"],
                         ids=["keep-on-device", "clear-device", "clear-for-good"])
def test_import_from_a_device(qtbot, make_window, tmp_path, ws, clear, monkeypatch):
    from photovet.core import transfer

    trashed: list[str] = []          # send2trash reads where the Trash is once, at import
    monkeypatch.setattr(transfer, "_trash", lambda p: (trashed.append(p.name), p.unlink()))
    device = tmp_path / "DCIM" / "100PHONE"
    originals = [make_photo(device / f"IMG_{i:04d}.jpg", colour=(120 + 20 * i, 150, 160))
                 for i in range(3)]
    digests = sorted(digest(p) for p in originals)
    win = make_window()
    asked = []

    def clear_or_not(box: QMessageBox) -> None:
        asked.append(message_text(box))
        button(box, "Yes, delete for good" if clear == "for good" else
               "Yes, move to the Trash" if clear else "&No").click()

    answer(clear_or_not, kind=QMessageBox)
    dest = tmp_path / "pc" / "trip"
    win.device.start(device.parent, dest)
    wait_checked(qtbot, win, 3)
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert "All 3 photos were copied" in asked[0] and \
        "compared with its copy again first" in asked[0]
    # s43 walk: "each copy was checked" read as the photos' own check, only begun
    assert "each copy was read back: it is the same as the photo on the device" in asked[0]
    assert "was checked" not in asked[0] and "checked cop" not in asked[0], asked[0]
    copies = sorted(dest.rglob("*.jpg"))
    assert sorted(digest(p) for p in copies) == digests          # verified, identical copies
    assert all(Path(it.path).is_relative_to(dest) for it in win.batch.model.items)
    if clear:
        qtbot.waitUntil(lambda: win.device.worker is None and
                        not any(p.exists() for p in originals), timeout=10000)
        # audit (second term), finding 10: "moved to the device's trash" was the Trash of
        # this PC; where they are is said, and how to be rid of them (or "Delete for good")
        assert "Move to the Trash: they go to the Trash (Recycle Bin) on this PC (empty it " \
            "to delete them for good)" in asked[0]
        assert "Delete for good: they are deleted now and cannot be got back" in asked[0]
        text = win.message_banner.text()
        assert "device's trash" not in text
        if clear == "for good":
            assert "The device was cleared. 3 photos deleted for good." in text
            assert not trashed
        else:
            assert "The device was cleared. 3 photos moved to the Trash (Recycle Bin) on this " \
                "PC: empty it to delete them for good." in text
            assert sorted(trashed) == [p.name for p in originals]
        actions = [r[0] for r in ws.db.all("SELECT action FROM audit_log ORDER BY id")]
        assert actions.count("device-deleted") == 3
        # the batch's summary follows the review at each re-read of the register: it no
        # longer writes over what happened to the device's photos (1 run in 8 failed on it)
        win.batch.refresh_summary()
        assert "The device was cleared." in win.message_banner.text()
    else:
        assert all(p.exists() for p in originals)
    assert sorted(digest(p) for p in dest.rglob("*.jpg")) == digests   # the copies stay


def test_a_destination_on_the_device_is_refused_in_plain_words(qtbot, make_window, tmp_path):
    device = tmp_path / "CARD"
    make_photo(device / "IMG_0001.jpg")
    win = make_window()
    win.device.start(device, device / "copies")
    qtbot.waitUntil(lambda: win.device.worker is None and win.message_banner.isVisible(),
                    timeout=10000)
    text = win.message_banner.text()
    assert "Copying from the device stopped" in text and "device folder itself, or inside it" in text
    assert "choose a folder on this PC. Nothing" in text
    assert (device / "IMG_0001.jpg").exists()


def test_a_device_with_no_photos_says_so(qtbot, make_window, tmp_path):
    """Not 'Copied and checked 0 photos' (a bad-input audit): the core's words, and no batch."""
    device = tmp_path / "CARD"
    device.mkdir()
    (device / "notes.txt").write_text("not a photo")
    win = make_window()
    win.device.start(device, tmp_path / "pc")
    qtbot.waitUntil(lambda: win.device.worker is None and win.message_banner.isVisible(),
                    timeout=10000)
    text = win.message_banner.text()
    assert "No photos or videos were found in" in text and "nothing was copied" in text, text
    assert "none of them a photo or video" in text and not win.batch.model.items


@pytest.mark.skipif(__import__("os").name == "nt", reason="making links needs a privilege there")
def test_a_link_on_the_device_is_said_and_the_device_not_offered_for_clearing(
        qtbot, make_window, tmp_path, monkeypatch):
    """s42: a link on the card to a photo elsewhere is not a photo of the device: not copied,
    said in the banner, and the device is not offered for clearing (something on it was not
    copied)."""
    device, home = tmp_path / "CARD", tmp_path / "home"
    make_photo(device / "IMG_0001.jpg")
    secret = make_photo(home / "private.jpg", colour=(10, 200, 10))
    (device / "IMG_0002.jpg").symlink_to(secret)
    win = make_window()
    asked: list[str] = []
    clearing = answer(lambda box: (asked.append(message_text(box)), button(box, "&No").click()),
                      kind=QMessageBox)
    said: list[str] = []
    say = win.device.banner.say
    monkeypatch.setattr(win.device.banner, "say",
                        lambda text, *a, **k: (said.append(text), say(text, *a, **k))[1])
    win.device.start(device, tmp_path / "pc")
    wait_checked(qtbot, win, 1)
    qtbot.waitUntil(lambda: win.device.worker is None and bool(said), timeout=10000)
    text = next((t for t in said if "left on it" in t), "")
    assert "IMG_0002.jpg is a link to a file elsewhere, not a photo on the device: not copied" \
        in text, said
    stop_answering(clearing)      # never asked: the answer must not click the next test's box
    assert not asked and (device / "IMG_0002.jpg").is_symlink() and secret.exists()
    assert sorted(p.name for p in (tmp_path / "pc").iterdir()) == ["IMG_0001.jpg"]


def test_a_device_that_keeps_its_photos_is_said_without_the_command(
        qtbot, make_window, tmp_path, monkeypatch):
    """The core's reason a photo stayed on the device named the command's option ("use
    --permanent to delete it for good"); the app says that it asks, and asks."""
    from photovet.core import transfer

    def refuse(p):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(transfer, "_trash", refuse)
    device = tmp_path / "CARD"
    original = make_photo(device / "IMG_0001.jpg")
    win = make_window()
    asked: list[str] = []
    kept: list = []
    monkeypatch.setattr(win.device, "ask_permanent", lambda k: (kept.extend(k), False)[1])
    said: list[str] = []       # the banner's words (the batch's check may say more after)
    say = win.device.banner.say
    monkeypatch.setattr(win.device.banner, "say",
                        lambda text, *a, **k: (said.append(text), say(text, *a, **k))[1])

    def reply(box: QMessageBox) -> None:
        asked.append(message_text(box))
        button(box, "Yes, move to the Trash").click()

    answer(reply, kind=QMessageBox)
    win.device.start(device, tmp_path / "pc")
    wait_checked(qtbot, win, 1)
    qtbot.waitUntil(lambda: bool(kept), timeout=10000)     # and it asks
    text = next((t for t in said if "left on the device" in t), "")
    assert "could not be moved to the trash" in text, said
    assert "--permanent" not in text and "PhotoVet asks whether to delete it for good" in text
    assert original.exists()


def test_the_device_cleared_stays_said_when_the_batch_lists_the_copies_after(
        qtbot, make_window, tmp_path, ws, monkeypatch):
    """s36 (seen on a loaded CI machine): the batch lists the copied photos in a worker; when
    that listing came back only after the device was cleared, "Added 3 photos" and then the
    check's summary ("Checked 3 photos") wrote over "The device was cleared". The listing is
    held here until the clear is done, and the whole flow above must still hold."""
    from photovet.gui.controllers import batch as batch_mod

    listed = batch_mod.BatchController._collected
    held: list[tuple] = []
    cleared: list[bool] = []

    def hold_until_cleared(self, result, quiet):
        # held only while the device is not yet cleared: on a loaded CI machine the listing
        # can come back after the clear by itself, and held then it was never let go (CI of
        # stop 60: the batch never checked, a 15 s timeout)
        if cleared:
            listed(self, result, quiet)
        else:
            held.append((self, result, quiet))

    monkeypatch.setattr(batch_mod.BatchController, "_collected", hold_until_cleared)

    def window(*a, **k):
        win = make_window(*a, **k)
        done = win.device._done

        def done_then_list(clear, permanent, stopped):
            done(clear, permanent, stopped)
            if clear:                             # the listing arrives now, after the clear
                cleared.append(True)
                for args in held:
                    listed(*args)
                held.clear()

        win.device._done = done_then_list
        return win

    test_import_from_a_device(qtbot, window, tmp_path, ws, "for good", monkeypatch)


def test_copying_from_a_device_shows_the_photos(qtbot, make_window, tmp_path):
    """Walk s39: started from the Consent register tab, the device's photos were copied,
    opened as the batch and checked out of sight (the tab stayed on the register). The
    window shows the Photos tab with the batch, as Add photos does."""
    device = tmp_path / "DCIM" / "100CANON"
    make_photo(device / "IMG_0001.jpg")
    win = make_window()
    win.tabs.setCurrentWidget(win.register_view)
    answer(click("&No"), kind=QMessageBox)              # the device is not cleared
    win.device.start(device.parent, tmp_path / "pc")
    assert win.tabs.currentIndex() == 0 and win.photos_stack.currentWidget() is win.photos
    wait_checked(qtbot, win, 1)
    qtbot.waitUntil(lambda: win.device.worker is None, timeout=10000)


def test_a_preparer_is_told_the_copies_were_read_back_not_that_the_photos_were_checked(
        qtbot, make_window, tmp_path, monkeypatch):
    """The s45 walk (PNG 32): a preparer, who may not clear the device, read "The photos were
    copied and checked" over tiles that all said "Checking...": the copies were read back, the
    photos' own check had only begun (the admin's question was reworded so in s43)."""
    from tests.gui.conftest import ONLY_PREPARER, sign_in_as

    device = tmp_path / "CARD"
    for i in range(2):
        make_photo(device / f"IMG_{i:04d}.jpg", colour=(100 + 40 * i, 150, 160))
    win = make_window()
    sign_in_as(win, ONLY_PREPARER)
    said: list[str] = []
    say = win.device.banner.say
    monkeypatch.setattr(win.device.banner, "say",
                        lambda text, *a, **k: (said.append(text), say(text, *a, **k))[1])
    win.device.start(device, tmp_path / "pc")
    qtbot.waitUntil(lambda: win.device.worker is None and bool(said), timeout=10000)
    text = said[0]
    assert "All 2 photos were copied to this PC, and each copy was read back" in text, said
    assert "They stay on the device too." in text and "Admin" in text
    assert "checked" not in text, text


def test_a_cleared_device_says_the_files_that_stay_on_it(qtbot, make_window, tmp_path,
                                                         monkeypatch):
    """s62: "The device was cleared." with an iPhone's .AAE and a sidecar .XMP still on it."""
    from photovet.core import transfer

    monkeypatch.setattr(transfer, "_trash", lambda p: p.unlink())
    device = tmp_path / "DCIM" / "100APPLE"
    make_photo(device / "IMG_0001.jpg")
    (device / "IMG_0001.AAE").write_text("<plist/>")
    (device / "IMG_0001.XMP").write_text("<x:xmpmeta/>")
    win = make_window()
    answer(lambda box: button(box, "Yes, move to the Trash").click(), kind=QMessageBox)
    win.device.start(device.parent, tmp_path / "pc")
    wait_checked(qtbot, win, 1)
    qtbot.waitUntil(lambda: win.device.worker is None and
                    not (device / "IMG_0001.jpg").exists(), timeout=10000)
    qtbot.waitUntil(lambda: "The device was cleared" in win.message_banner.text(),
                    timeout=10000)
    text = win.message_banner.text()
    assert "The device was cleared of its photos and videos." in text, text
    assert "2 other files stay on the device, not photos or videos: 100APPLE/IMG_0001.AAE, " \
        "100APPLE/IMG_0001.XMP." in text, text
