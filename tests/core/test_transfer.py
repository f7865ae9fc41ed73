"""Device import with clearing, and purging originals only when it is safe."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from afterpost_util import make_export, photo, sha

from photovet.core import fsutil, transfer, words
from photovet.core.storage import open_db
from photovet.core.transfer import (
    FLASH_NOTE,
    PURGE_PREFIX,
    TMP_PREFIX,
    import_from_device,
    overwrite_and_unlink,
    purge_batch,
)
from tests.conftest import folders_not_to_be_opened, office_audit, office_records
from tests.video_clips import make_live_clip

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


# --------------------------------------------------------------------------------------------
# import from a device
# --------------------------------------------------------------------------------------------

def make_device(root: Path, n: int = 4, start: int = 0) -> dict[str, bytes]:
    """A camera card: DCIM/100CANON/IMG_xxxx.JPG and a sub-folder; returns rel path -> bytes."""
    files = {}
    for i in range(start, start + n):
        rel = Path("DCIM") / ("100CANON" if i % 2 else "101CANON") / f"IMG_{i:04d}.JPG"
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        photo(i, (64, 48)).save(p, "JPEG", quality=90)
        files[str(rel)] = p.read_bytes()
    (root / "DCIM" / "notes.txt").write_text("not a photo")
    return files


def run(gen):
    out = list(gen)
    return out[0], [p.result for p in out[1:]]


@pytest.fixture
def audit():
    return office_audit(open_db())


def _free_name(folder: Path, name: str) -> str:
    n = 0
    while (folder / (f"{n}-{name}" if n else name)).exists():
        n += 1
    return f"{n}-{name}" if n else name


@pytest.fixture
def trash(tmp_path, monkeypatch):
    bin_ = tmp_path / "Trash"
    bin_.mkdir()
    monkeypatch.setattr(transfer, "_trash", lambda p: shutil.move(str(p), bin_ / _free_name(bin_, Path(p).name)))
    return bin_




def test_import_copies_verified_keeps_folders_and_clears_to_the_trash(tmp_path, audit, trash):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    files = make_device(dev)
    first, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert len(list(trash.iterdir())) == 4                  # cleared = moved to the trash
    assert first.total == 4 and "left alone" in first.message
    assert all(r.ok and r.verified and r.copied and r.deleted for r in results)
    for rel, data in files.items():
        assert (pc / rel).read_bytes() == data
        assert not (dev / rel).exists()
    assert (dev / "DCIM" / "notes.txt").exists()            # not a photo: left alone
    assert not list(pc.rglob(TMP_PREFIX + "*"))
    actions = [r["action"] for r in audit.rows()]
    assert actions.count("device-import-copied") == 4 and actions.count("device-deleted") == 4
    # "about to delete" comes before "deleted" for each file
    for i, a in enumerate(actions):
        if a == "device-deleted":
            assert actions[i - 1] == "device-delete-pending"
    assert audit.verify().ok


def test_permanent_clearing_deletes_without_the_trash(tmp_path, audit, trash):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev, 2)
    _, results = run(import_from_device(dev, pc, clear=True, permanent=True, audit=audit))
    assert all(r.ok and r.deleted for r in results)
    assert not list(trash.iterdir()) and not list(dev.rglob("*.JPG"))
    assert {r["details"]["method"] for r in audit.rows(action="device-deleted")} == {"unlink"}


def test_a_device_without_a_trash_keeps_its_photos(tmp_path, audit, monkeypatch):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    files = make_device(dev, 2)

    def no_trash(path):
        raise OSError("no trash on this device")

    monkeypatch.setattr(transfer, "_trash", no_trash)
    _, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert all(r.verified and not r.deleted and "--permanent" in r.error for r in results)
    assert all((dev / rel).read_bytes() == data for rel, data in files.items())


# The destination reached by another path is the device itself: clearing would delete the only
# copy. Files are compared, not path strings (issue 10, break 1).

def _assert_refused_and_kept(dev, dest, files, audit):
    with pytest.raises(Exception, match="device folder"):
        list(import_from_device(dev, dest, clear=True, permanent=True, audit=audit))
    assert all((dev / rel).read_bytes() == data for rel, data in files.items())
    assert "device-deleted" not in [r["action"] for r in audit.rows()]


def test_destination_that_is_a_symlink_to_the_device_is_refused(tmp_path, audit):
    dev = tmp_path / "card"
    files = make_device(dev, 3)
    link = tmp_path / "pc_link"
    link.symlink_to(dev, target_is_directory=True)
    _assert_refused_and_kept(dev, link, files, audit)
    _assert_refused_and_kept(dev, link / "DCIM" / "copies", files, audit)


def test_a_destination_around_the_device_folder_is_refused(tmp_path, audit):
    dev = tmp_path / "card" / "DCIM"
    files = make_device(dev, 2)
    _assert_refused_and_kept(dev, tmp_path / "card", files, audit)


def test_destination_under_a_symlinked_parent_is_refused(tmp_path, audit):
    dev = tmp_path / "media" / "card"
    files = make_device(dev, 3)
    parent_link = tmp_path / "elsewhere"
    parent_link.symlink_to(tmp_path / "media", target_is_directory=True)
    _assert_refused_and_kept(dev, parent_link / "card", files, audit)
    _assert_refused_and_kept(dev, parent_link / "card" / "PC copies", files, audit)


def test_destination_that_is_a_bind_mount_of_the_device_is_refused(tmp_path, audit):
    if sys.platform != "linux":
        pytest.skip("bind mounts are a Linux feature")
    dev = tmp_path / "card"
    files = make_device(dev, 3)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(dev), str(mnt)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot make a bind mount here ({mounted.stderr.decode().strip()})")
    try:
        _assert_refused_and_kept(dev, mnt, files, audit)
        _assert_refused_and_kept(dev, mnt / "sub", files, audit)
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_a_copy_that_is_the_source_itself_is_never_deleted(tmp_path, audit, monkeypatch):
    """Belt and braces: even if the folder check were fooled, a source whose 'verified copy' is
    the same file is kept."""
    dev, pc = tmp_path / "card", tmp_path / "pc"
    files = make_device(dev, 2)
    monkeypatch.setattr(transfer, "destination_problem", lambda s, d: None)

    def same_file_copy(src, sha, target):
        return src, False

    monkeypatch.setattr(transfer, "_copy_verified", same_file_copy)
    _, results = run(import_from_device(dev, pc, clear=True, permanent=True, audit=audit))
    assert all(not r.deleted and "the original itself" in r.error for r in results)
    assert all((dev / rel).read_bytes() == data for rel, data in files.items())


def test_import_without_clear_keeps_the_device_and_never_duplicates(tmp_path, audit):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    files = make_device(dev)
    _, results = run(import_from_device(dev, pc, audit=audit))
    assert all(r.ok and not r.deleted for r in results)
    assert all((dev / rel).exists() for rel in files)
    _, again = run(import_from_device(dev, pc, audit=audit))   # same files again
    assert all(r.ok and not r.copied for r in again)
    assert len([p for p in pc.rglob("*") if p.is_file()]) == 4


def test_import_never_overwrites_a_different_file(tmp_path, audit, trash):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    files = make_device(dev, 1)
    rel = next(iter(files))
    (pc / rel).parent.mkdir(parents=True)
    (pc / rel).write_bytes(b"someone else's photo")
    _, [res] = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert res.ok and res.dest.endswith("IMG_0000 (1).JPG")
    assert (pc / rel).read_bytes() == b"someone else's photo"
    assert Path(res.dest).read_bytes() == files[rel]


def test_failed_verification_keeps_the_source(tmp_path, audit, monkeypatch, trash):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    files = make_device(dev, 2)
    real = transfer.hash_and_stat         # the read back: the copy itself, never a link

    def corrupt_read_back(p):
        digest, st = real(p)
        return ("0" * 64 if Path(p).is_relative_to(pc) else digest), st

    monkeypatch.setattr(transfer, "hash_and_stat", corrupt_read_back)
    _, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert all(not r.ok and "read back" in r.error for r in results)
    assert all((dev / rel).read_bytes() == data for rel, data in files.items())
    assert not [p for p in pc.rglob("*") if p.is_file()]        # the bad copies were removed
    assert "device-deleted" not in [r["action"] for r in audit.rows()]


def test_one_bad_file_does_not_stop_the_batch(tmp_path, audit, trash):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev, 4)
    (pc / "DCIM").mkdir(parents=True)
    (pc / "DCIM" / "100CANON").write_text("a file where a folder should be")
    _, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    bad = [r for r in results if not r.ok]
    assert len(bad) == 2 and all("IMG_" in r.error for r in bad)
    for r in bad:
        assert Path(r.source).exists()
    assert sum(r.deleted for r in results) == 2


def test_a_photo_with_the_longest_name_a_disk_takes_is_imported(tmp_path, audit, trash):
    """A name of 250 bytes is legal on a card; the temporary name it was copied under
    (.photovet-tmp-<pid>-<hex>-<name>) was not: "File name too long", the photo left behind.
    A different photo of that name already on the PC gets a " (1)" name that fits as well."""
    dev, pc = tmp_path / "card", tmp_path / "pc"
    dev.mkdir()
    pc.mkdir()
    name = "Sports day \u00e9t\u00e9 " + "x" * 229 + ".jpg"     # 250 bytes in UTF-8
    assert len(name.encode()) == 250
    photo(1, (64, 48)).save(dev / name, "JPEG", quality=90)
    photo(2, (64, 48)).save(pc / name, "JPEG", quality=90)          # another photo, same name
    _, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert [r.error for r in results] == [None]
    copy = Path(results[0].dest)
    assert copy.parent == pc and copy.name.endswith(" (1).jpg")
    assert len(copy.name.encode()) <= 255 and copy.read_bytes() == (trash / name).read_bytes()
    assert not [n for n in os.listdir(pc) if n.startswith(TMP_PREFIX)]


@pytest.mark.skipif(os.name == "nt" or sys.platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_a_photo_whose_name_is_not_utf8_is_imported_and_the_batch_goes_on(tmp_path, audit, trash):
    """A card written by an older camera or PC can name a file in Latin-1 ("caf\xe9.jpg"):
    Python reads such a name with the bytes it cannot decode kept as surrogates. Cutting the
    temporary and " (1)" names to fit (s41) encoded them as UTF-8, which raised
    UnicodeEncodeError out of the import: that photo and every one after it were left on the
    device with no word for any of them."""
    dev, pc = tmp_path / "card", tmp_path / "pc"
    dev.mkdir()
    pc.mkdir()
    raw = os.fsdecode(os.fsencode(dev) + b"/caf\xe9 " + b"y" * 246 + b".jpg")   # 255 bytes
    try:
        photo(1, (64, 48)).save(raw, "JPEG", quality=90)
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    photo(2, (64, 48)).save(pc / Path(raw).name, "JPEG", quality=90)    # another, same name
    photo(3, (64, 48)).save(dev / "z_after.jpg", "JPEG", quality=90)
    _, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert [r.error for r in results] == [None, None]
    copy = Path(results[0].dest)
    assert copy.name.endswith(" (1).jpg") and len(os.fsencode(copy.name)) <= 255
    assert os.fsencode(copy.name).startswith(b"caf\xe9 yyy")        # the name's own bytes
    assert sorted(os.listdir(pc)) == sorted([Path(raw).name, copy.name, "z_after.jpg"])
    assert not os.listdir(dev)
    # recorded on both engines (a PostgreSQL register refused the name and stopped the import
    # there, s42), readably, and read back as the file itself
    from photovet.core.storage.database import stored_path

    [(kept,)] = audit.db.all("SELECT path FROM device_copies WHERE sha256 = ?",
                             [results[0].sha256])
    assert "caf\\xe9 yyy" in kept and stored_path(kept) == str(copy)


@pytest.mark.skipif(os.name == "nt" or sys.platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_purge_finds_an_original_whose_name_is_not_utf8(tmp_path, trash):
    """Its place is stored as "caf\\xe9.JPG" (its odd byte as \\xNN, on both engines): read back
    as it is, it named no file, and purge said the original was missing (moved or deleted
    outside PhotoVet) and kept it for good. The file itself is found, checked and deleted, and
    its place forgotten; one that really holds the characters "\\xe9" is never taken for it."""
    rec = office_records()
    r = make_export(tmp_path, 1, name="x", size=(96, 64))
    raw = os.fsdecode(os.fsencode(tmp_path / "originals") + b"/caf\xe9.JPG")
    try:
        os.rename(r.source, raw)
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    r.source = raw
    lookalike = tmp_path / "originals" / "caf\\xe9.JPG"        # the same text, another file
    rec.add_export(r, batch="trip", channel="website", preparer=None, approver=None)
    rec.mark_posted(files=[Path(r.output)], channel="website")
    [export] = rec.exports(batch="trip")
    assert export.source_path == raw
    report = purge_batch(rec, "trip")
    assert [(i.status, i.source) for i in report.items] == [("deleted", raw)], report.to_dict()
    assert not os.path.lexists(raw) and os.listdir(trash) == [Path(raw).name]
    assert rec.db.all("SELECT source_path FROM exports") == [("",)]   # its place forgotten
    # a file named with the four characters is another file: found as itself, never deleted
    r2 = make_export(tmp_path, 2, name="y", size=(96, 64))
    os.rename(r2.source, lookalike)
    r2.source = str(lookalike)
    rec.add_export(r2, batch="trip2", channel="website", preparer=None, approver=None)
    rec.mark_posted(files=[Path(r2.output)], channel="website")
    assert [(i.status, i.source) for i in purge_batch(rec, "trip2").items] == [
        ("deleted", str(lookalike))]


@pytest.mark.skipif(os.name == "nt" or sys.platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_an_interrupted_purge_of_a_name_not_utf8_is_finished(tmp_path, trash):
    """Killed right after the original was renamed to its hidden name: the place read back
    ("caf\\xe9.JPG", its odd byte as \\xNN) names no file and its hidden name was looked for
    as text, so purge said the original deleted by an earlier purge and the hidden photo (to
    be deleted for good) stayed on the disk. It is found, overwritten and removed."""
    rec = office_records()
    r = make_export(tmp_path, 1, name="x", size=(96, 64))
    folder = os.fsencode(tmp_path / "originals")
    raw = os.fsdecode(folder + b"/caf\xe9.JPG")
    try:
        os.rename(r.source, raw)
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    r.source = raw
    rec.add_export(r, batch="trip", channel="website", preparer=None, approver=None)
    rec.mark_posted(files=[Path(r.output)], channel="website")
    transfer._mark_pending(rec, Path(raw), sha(raw), 1, "overwrite", None)
    hidden = os.fsdecode(folder + b"/" + PURGE_PREFIX.encode() + b"caf\xe9.JPG")
    os.rename(raw, hidden)                           # killed right after the rename
    report = purge_batch(rec, "trip")
    assert [(i.status, i.reason) for i in report.items] == [
        ("deleted", "deletion finished (it had been interrupted)")], report.to_dict()
    assert not os.path.lexists(hidden) and not os.listdir(trash)


# --------------------------------------------------------------------------------------------
# links on the device (s42): a link is not a photo taken on the device
# --------------------------------------------------------------------------------------------

@pytest.mark.skipif(os.name == "nt", reason="making symbolic links needs a privilege there")
@pytest.mark.parametrize("clear", [False, True])
def test_links_on_the_device_are_not_copied_nor_cleared_and_each_is_said(tmp_path, audit, trash,
                                                                          clear):
    """A link on the card to a file in /home was copied as if it were a photo on the device
    (and "clear" removed only the link); a link to a folder elsewhere was passed over without
    a word. Each link is left alone with its own line, its target is never copied or touched,
    and the device's own photos are imported (and cleared) as before."""
    dev, pc, home = tmp_path / "card", tmp_path / "pc", tmp_path / "home"
    files = make_device(dev, 2)
    home.mkdir()
    secret = home / "private.jpg"
    photo(7, (64, 48)).save(secret, "JPEG", quality=90)
    (home / "album").mkdir()
    photo(8, (64, 48)).save(home / "album" / "IMG_0008.JPG", "JPEG", quality=90)
    secret_bytes = secret.read_bytes()
    cam = dev / "DCIM" / "100CANON"
    (cam / "IMG_0100.JPG").symlink_to(secret)                        # a file elsewhere
    (dev / "DCIM" / "ALBUM").symlink_to(home / "album", target_is_directory=True)
    (cam / "IMG_0101.JPG").symlink_to(cam / "IMG_0001.JPG")          # another file on it
    (dev / "DCIM" / "SAME").symlink_to(cam, target_is_directory=True)  # another folder on it
    (cam / "IMG_0102.JPG").symlink_to(tmp_path / "nowhere.jpg")      # to nothing
    first, results = run(import_from_device(dev, pc, clear=clear, audit=audit))
    assert "5 links not copied" in first.message
    said = {Path(r.source).name: r.error for r in results if r.error}
    assert said == {
        "IMG_0100.JPG": "DCIM/100CANON/IMG_0100.JPG is a link to a file elsewhere, not a photo "
                        "on the device: not copied",
        "ALBUM": "DCIM/ALBUM is a link to a folder elsewhere, not a folder on the device: "
                 "nothing in it was copied",
        "IMG_0101.JPG": "DCIM/100CANON/IMG_0101.JPG is a link to another file on the device "
                        "(DCIM/100CANON/IMG_0001.JPG), not a photo of its own: not copied "
                        "through the link",
        "SAME": "DCIM/SAME is a link to another folder on the device (DCIM/100CANON): nothing "
                "was copied through the link",
        "IMG_0102.JPG": "DCIM/100CANON/IMG_0102.JPG is a link to a file or folder that is not "
                        "there: not copied"}
    copied = sorted(str(Path(r.dest).relative_to(pc)) for r in results if r.ok)
    assert copied == sorted(files)                     # the device's own photos, once each
    assert sorted(str(p.relative_to(pc)) for p in pc.rglob("*") if p.is_file()) == copied
    assert secret.read_bytes() == secret_bytes and (home / "album" / "IMG_0008.JPG").exists()
    for link in ("100CANON/IMG_0100.JPG", "ALBUM", "100CANON/IMG_0101.JPG", "SAME",
                 "100CANON/IMG_0102.JPG"):
        assert (dev / "DCIM" / link).is_symlink()      # left on the device, untouched
    assert all(r.deleted == clear for r in results if r.ok)
    assert not [p for p in trash.iterdir() if p.is_symlink()]
    started = [r for r in audit.rows() if r["action"] == "device-import-started"]
    assert started[-1]["details"]["links"] == 5 and started[-1]["details"]["files"] == 2


@pytest.mark.skipif(os.name == "nt", reason="making symbolic links needs a privilege there")
@pytest.mark.parametrize("after", ["listed", "hashed"])
def test_a_photo_made_a_link_after_the_device_was_listed_is_not_copied_through_it(
        tmp_path, audit, trash, monkeypatch, after):
    """The file becomes a link between the listing and its copy (or between its hash and its
    copy): nothing is read through it, the link and its target stay, and the batch goes on."""
    dev, pc, home = tmp_path / "card", tmp_path / "pc", tmp_path / "home"
    make_device(dev, 2)
    home.mkdir()
    secret = home / "private.jpg"
    photo(7, (64, 48)).save(secret, "JPEG", quality=90)
    real_links = transfer._links_on

    def listed_then_swapped(src, photos, skipped):
        links = real_links(src, photos, skipped)
        photos[0].unlink()
        photos[0].symlink_to(secret)
        return links

    real_sha = transfer.sha256_of
    first = sorted(dev.rglob("*.JPG"))[0]

    def hashed_then_swapped(path):
        digest = real_sha(path)
        if Path(path) == first and not first.is_symlink():
            first.unlink()
            first.symlink_to(secret)
        return digest

    if after == "listed":
        monkeypatch.setattr(transfer, "_links_on", listed_then_swapped)
    else:
        monkeypatch.setattr(transfer, "sha256_of", hashed_then_swapped)
    _, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert [r.ok for r in results] == [False, True]
    assert Path(results[0].source) == first
    assert results[0].error == ("DCIM/100CANON/IMG_0001.JPG: it is a link to another file, "
                                "not a photo on the device: not copied")
    assert Path(results[0].source).is_symlink() and secret.exists()
    assert len([p for p in pc.rglob("*") if p.is_file()]) == 1


def test_a_folder_of_the_device_that_cannot_be_read_is_a_failure_not_left_alone(
        tmp_path, audit, trash, monkeypatch):
    """Its photos are not copied: the import says so, as a failure (the person must not wipe
    the card), and clears nothing in it. Errors name the file as it is on the device."""

    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev, 2)
    locked = dev / "DCIM" / "LOCKED"
    locked.mkdir()
    photo(9, (64, 48)).save(locked / "IMG_0009.JPG", "JPEG", quality=90)
    folders_not_to_be_opened(monkeypatch, "LOCKED")
    first, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert "1 folder that could not be read" in first.message
    bad = [r for r in results if not r.ok]
    # s65: in words, with what to do (was the system's "(Permission denied)")
    assert len(bad) == 1 and bad[0].error == (
        "DCIM/LOCKED: this folder on the device could not be read: PhotoVet is not allowed to "
        "open it (permission denied); its photos were NOT copied (and nothing in it was "
        "cleared); ask IT to give your account access to it, then import again")
    assert (locked / "IMG_0009.JPG").exists() and not (pc / "DCIM" / "LOCKED").exists()
    assert sum(r.deleted for r in results) == 2


def test_a_failed_file_is_named_as_it_is_on_the_device(tmp_path, audit, trash):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev, 4)
    (pc / "DCIM").mkdir(parents=True)
    (pc / "DCIM" / "100CANON").write_text("a file where a folder should be")
    _, results = run(import_from_device(dev, pc, audit=audit))
    bad = [r for r in results if not r.ok]
    assert bad and all(r.error.startswith("DCIM/100CANON/IMG_") for r in bad), bad
    assert all("still on the device" in r.error for r in bad)


def test_stale_temp_files_are_removed_live_ones_kept(tmp_path, audit):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev, 1)
    pc.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = pc / f"{TMP_PREFIX}{fsutil.temp_owner(int(dead))}-abcd-IMG_9.JPG"
    live = pc / f"{TMP_PREFIX}{fsutil.temp_owner()}-abcd-IMG_8.JPG"
    stale.write_bytes(b"half")
    live.write_bytes(b"half")
    run(import_from_device(dev, pc, audit=audit))
    assert not stale.exists() and live.exists()


def test_stop_event_stops_between_files(tmp_path, audit, trash):
    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev, 4)
    stop = threading.Event()
    gen = import_from_device(dev, pc, clear=True, stop=stop, audit=audit)
    next(gen)
    next(gen)
    stop.set()
    assert list(gen) == []
    assert len(list(dev.rglob("*.JPG"))) == 3


def test_destination_inside_the_device_is_refused(tmp_path, audit):
    dev = tmp_path / "card"
    make_device(dev, 1)
    with pytest.raises(Exception, match="inside it"):
        list(import_from_device(dev, dev / "copies", audit=audit))


def test_missing_device_is_a_clear_error(tmp_path, audit):
    with pytest.raises(Exception, match="device folder was not found"):
        list(import_from_device(tmp_path / "nope", tmp_path / "pc", audit=audit))


# --------------------------------------------------------------------------------------------
# purge
# --------------------------------------------------------------------------------------------

@pytest.fixture
def batch(tmp_path):
    """Six originals in batch 'trip', each in a different state."""
    rec = office_records()
    res = {}
    for i, name in enumerate(["ok", "changed", "unposted", "export_gone", "export_changed",
                              "original_gone"]):
        r = make_export(tmp_path, i, name=name, size=(96, 64))
        rec.add_export(r, batch="trip", channel="website", preparer=None, approver=None)
        res[name] = r
    rec.mark_posted(files=[Path(res[n].output) for n in res if n != "unposted"], channel="website")
    Path(res["changed"].source).write_bytes(b"edited in a photo editor")
    os.unlink(res["export_gone"].output)
    with open(res["export_changed"].output, "ab") as fh:
        fh.write(b"x")
    os.unlink(res["original_gone"].source)
    return rec, res


def statuses(report):
    return {Path(i.source).stem: (i.status, i.reason) for i in report.items}


def test_dry_run_changes_nothing(batch, trash):
    rec, res = batch
    before = rec.audit.count()
    report = purge_batch(rec, "trip", dry_run=True)
    st = statuses(report)
    assert st["ok"][0] == "would-delete"
    assert all(Path(r.source).exists() for n, r in res.items() if n != "original_gone")
    assert rec.audit.count() == before and not list(trash.iterdir())


def test_purge_removes_only_what_is_safe(batch, trash):
    rec, res = batch
    data_ok = Path(res["ok"].source).read_bytes()
    report = purge_batch(rec, "trip")
    st = statuses(report)
    assert st["ok"][0] == "deleted"
    assert st["changed"] == ("refused", st["changed"][1]) and "changed since" in st["changed"][1]
    assert st["unposted"][0] == "refused" and "not marked posted" in st["unposted"][1]
    assert st["export_gone"][0] == "refused" and \
        "no longer in the export folder" in st["export_gone"][1]
    # a copy not posted yet is kept as the rules say; a copy gone or changed is a problem
    planned = {Path(i.source).stem: i.as_planned for i in report.items}
    assert planned["unposted"] and not planned["export_gone"] and not planned["export_changed"]
    assert st["export_changed"][0] == "refused" and "changed" in st["export_changed"][1]
    assert st["original_gone"][0] == "refused" and "missing" in st["original_gone"][1]
    assert not Path(res["ok"].source).exists() and (trash / "ok.JPG").read_bytes() == data_ok
    for n in ("changed", "unposted", "export_gone", "export_changed"):
        assert Path(res[n].source).exists()
    assert "Trash" in report.note and not report.ok
    # audited by its content, never its path (a file name often names a pupil: DPO s30)
    acts = [(r["action"], r["details"].get("sha256")) for r in rec.audit.rows()]
    i = acts.index(("original-delete-pending", res["ok"].source_sha256))
    assert acts[i + 1] == ("original-deleted", res["ok"].source_sha256)
    where = str(Path(res["ok"].source).parent)
    assert not any(where in str(r["details"]) for r in rec.audit.rows())
    # and, once deleted, its path is kept nowhere: the purge and its export record forget it
    assert rec.db.scalar("SELECT COUNT(*) FROM purges WHERE source_path != ''") == 0
    assert [r.source_path for r in rec.exports() if r.source_sha256 == res["ok"].source_sha256
            ] == [""]
    # a second run knows it was already deleted (by its content: its place is forgotten)
    again = {i.sha256: (i.status, i.source) for i in purge_batch(rec, "trip").items}
    status, said = again[res["ok"].source_sha256]
    assert status == "already-deleted" and said.startswith("the original of export ")


class _Approvals:
    """Approval states by photo (the part of core.approval.Approvals purge_batch reads)."""

    def __init__(self, states):
        self.states = states

    def for_photo(self, sha256):
        return [s for s in self.states if s.sha256 == sha256]


def test_an_original_still_waiting_on_another_channel_is_kept(batch, trash):
    """Audit (second term), finding 6: posted on the website, the original was deleted although
    it was approved for YouTube and not exported there: that post could no longer be made."""
    from photovet.core.approval import ApprovalState

    rec, res = batch
    sha = rec.exports(batch="trip")[0].source_sha256
    assert Path(res["ok"].source).exists()
    waiting = _Approvals([ApprovalState(sha, "website", "approved"),
                          ApprovalState(sha, "youtube", "approved")])
    st = statuses(purge_batch(rec, "trip", approvals=waiting))
    assert st["ok"][0] == "refused" and "approved for youtube" in st["ok"][1].lower()
    assert "not exported there yet" in st["ok"][1]
    assert Path(res["ok"].source).exists()
    # rejected there (or only a draft): nothing waits, the original goes as before
    done = _Approvals([ApprovalState(sha, "website", "approved"),
                       ApprovalState(sha, "youtube", "rejected"),
                       ApprovalState(sha, "facebook", "draft")])
    assert statuses(purge_batch(rec, "trip", approvals=done))["ok"][0] == "deleted"


def test_an_original_whose_approval_time_cannot_be_read_is_kept(batch, trash):
    """s45 (s44 note 4): whether the export was made after the approval was decided by
    comparing their times; a time that could not be read counted as "exported since", and
    the original was deleted for good. Not knowing is not knowing it was exported: it is kept
    (said as still wanted there), as one approved after its export is."""
    from photovet.core import transfer
    from photovet.core.approval import ApprovalState

    rec, res = batch
    sha = rec.exports(batch="trip")[0].source_sha256
    assert not transfer._exported_since("2026-11-20T10:00:00+00:00", "not a time")
    assert not transfer._exported_since("not a time", "2026-11-20T10:00:00+00:00")
    assert transfer._exported_since("2026-11-21T10:00:00+00:00", "2026-11-20T10:00:00+00:00")
    unreadable = _Approvals([ApprovalState(sha, "website", "approved",
                                           decided_at="the day after sports day")])
    st = statuses(purge_batch(rec, "trip", approvals=unreadable))
    assert st["ok"][0] == "refused" and "not exported there again yet" in st["ok"][1], st["ok"]
    assert Path(res["ok"].source).exists()


def test_once_exported_allows_unposted(batch, trash):
    rec, res = batch
    st = statuses(purge_batch(rec, "trip", allow_exported=True))
    assert st["unposted"][0] == "deleted" and "not posted" in st["unposted"][1]
    assert st["changed"][0] == "refused"


def test_setting_delete_when_exported(batch, trash):
    from photovet.core.settings import Settings

    rec, res = batch
    s = Settings.from_dict({"retention": {"delete_originals_when": "exported"}})
    assert statuses(purge_batch(rec, "trip", settings=s))["unposted"][0] == "deleted"


def test_permanent_overwrites_and_warns_about_flash(batch, trash, tmp_path):
    rec, res = batch
    src = Path(res["ok"].source)
    original = src.read_bytes()
    with open(src, "rb") as spy:      # an open file still sees the data: we can see the overwrite
        report = purge_batch(rec, "trip", permanent=True)
        after = spy.read()
    assert statuses(report)["ok"][0] == "deleted"
    assert not src.exists() and not list(trash.iterdir())
    assert after != original and len(after) == len(original)
    assert report.note == FLASH_NOTE and "SSD" in report.note and "flash" in report.note.lower()
    assert not list(src.parent.glob(PURGE_PREFIX + "*"))


def test_interrupted_permanent_purge_is_finished_next_time(batch, trash):
    rec, res = batch
    src = Path(res["ok"].source)
    transfer._mark_pending(rec, src, sha(src), 1, "overwrite", None)
    os.rename(src, src.with_name(PURGE_PREFIX + src.name))   # killed right after the rename
    st = statuses(purge_batch(rec, "trip"))
    assert st["ok"] == ("deleted", "deletion finished (it had been interrupted)")
    assert not list(src.parent.glob(PURGE_PREFIX + "*"))


def test_unknown_batch(batch):
    rec, _ = batch
    with pytest.raises(Exception, match="no exports are recorded"):
        purge_batch(rec, "nope")


def test_overwrite_and_unlink(tmp_path):
    f = tmp_path / "f.bin"
    f.write_bytes(b"A" * 3000)
    with open(f, "rb") as spy:
        overwrite_and_unlink(f)
        after = spy.read()
    assert not f.exists() and len(after) == 3000 and b"AAAA" not in after


def test_overwrite_and_unlink_never_writes_through_a_link(tmp_path):
    """A shortcut or a second name is another file's data: refused before a byte is written."""
    from photovet.core.errors import DeletionError

    other = tmp_path / "elsewhere.jpg"
    other.write_bytes(b"B" * 3000)
    shortcut = tmp_path / "shortcut.jpg"
    shortcut.symlink_to(other)
    with pytest.raises(OSError):              # opened without following the link
        overwrite_and_unlink(shortcut)
    second = tmp_path / "second-name.jpg"
    os.link(other, second)
    with pytest.raises(DeletionError, match="other name"):
        overwrite_and_unlink(second)
    assert other.read_bytes() == b"B" * 3000 and second.exists() and shortcut.is_symlink()


@pytest.mark.parametrize("permanent", [False, True])
@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_purge_keeps_an_original_that_is_a_link_to_another_file(batch, trash, tmp_path,
                                                                 permanent, link):
    """An original added to the batch through a shortcut (or with a second name) is kept, with
    the reason: deleting the name would not delete the photo, and overwriting it would destroy
    a file that is not the batch's (found by an audit: the target was overwritten)."""
    rec, res = batch
    src = Path(res["ok"].source)
    data = src.read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "kept.jpg"
    if link == "symbolic":
        os.rename(src, target)
        src.symlink_to(target)
    else:
        os.link(src, target)
    st = statuses(purge_batch(rec, "trip", permanent=permanent))
    assert st["ok"][0] == "refused", st["ok"]
    assert ("shortcut" if link == "symbolic" else "hard link") in st["ok"][1]
    assert target.read_bytes() == data and src.read_bytes() == data
    assert not list(trash.iterdir()) and not list(src.parent.glob(PURGE_PREFIX + "*"))


def test_real_send2trash_in_a_private_trash(tmp_path):
    """The default path really uses send2trash (in a subprocess with its own XDG trash)."""
    home = tmp_path / "home"
    code = f"""
import json, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from typing import Any
from afterpost_util import make_export
from photovet.core.storage import open_db
from photovet.core.records.exports import Records
from photovet.core.transfer import purge_batch
from photovet.core.accounts import Access
from photovet.core.audit import AuditLog

db = open_db()
rec = Records(db, AuditLog(db, access=Access.system("office")))
r = make_export(Path({str(tmp_path)!r}), 1, name="keepme", size=(64, 48))
rec.add_export(r, batch="b", channel="x", preparer=None, approver=None)
rec.mark_posted(batch="b", channel="x")
print(json.dumps(purge_batch(rec, "b").to_dict()))
"""
    # send2trash uses the home trash for a file on the same disk as HOME (its own folder here:
    # wherever the test's temporary folders are), the disk's own trash otherwise
    env = dict(os.environ, XDG_DATA_HOME=str(home), HOME=str(tmp_path),
               PHOTOVET_HOME=str(tmp_path / "pv"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["items"][0]["status"] == "deleted"
    assert (home / "Trash" / "files" / "keepme.JPG").exists()
    assert not (tmp_path / "originals" / "keepme.JPG").exists()


def test_a_device_folder_with_no_photos_says_so(tmp_path, audit):
    """Not 'Copied and verified 0 files' as if something was done (found by a bad-input audit);
    not an error either (a card already cleared by an earlier run)."""
    empty = tmp_path / "card"
    empty.mkdir()
    first, results = run(import_from_device(empty, tmp_path / "pc", audit=audit))
    assert results == [] and first.total == 0
    assert first.message == f"no photos or videos were found in {empty}; nothing was copied"
    (empty / "notes.txt").write_text("not a photo")
    first, _ = run(import_from_device(empty, tmp_path / "pc", audit=audit))
    assert "(1 other file, none of them a photo or video)" in first.message


def test_where_the_trash_keeps_a_cleared_photo_is_known(tmp_path, audit, trash, monkeypatch):
    """Audit (second term), finding 10: "moved to the device's trash" was this PC's Trash. The
    core says where the system's Trash keeps each photo: this PC's (the same disk as the home
    Trash) or a Trash folder on the device itself (another disk: a card or a phone)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))       # not made yet: its disk
    dev, pc = tmp_path / "card", tmp_path / "pc"
    make_device(dev)
    assert transfer.trash_place(next(dev.rglob("*.JPG"))) == transfer.TRASH_PC
    _first, results = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert {r.trashed_to for r in results} == {transfer.TRASH_PC}
    # a permanent clear is trashed nowhere
    make_device(dev)
    _first, results = run(import_from_device(dev, tmp_path / "pc2", clear=True, audit=audit,
                                             permanent=True))
    assert all(r.deleted for r in results) and {r.trashed_to for r in results} == {""}
    # another disk than the home Trash's (/proc is never the disk of a file): the device's own
    if Path("/proc").is_dir() and transfer.os.name != "nt":
        monkeypatch.setattr(transfer, "_home_trash_root", lambda: Path("/proc"))
        assert transfer.trash_place(tmp_path) == transfer.TRASH_DEVICE
    assert transfer.trash_place(tmp_path / "gone.jpg") == transfer.TRASH_DEVICE   # not known


def test_an_original_whose_copy_was_taken_down_is_kept_in_the_offices_words(batch):
    """Walk5 (PNG 112): a photo taken down (its copy deleted) read "Kept: ... no verified
    export that is marked posted: export 1 file is missing", in red. It says which copy, that
    it was taken down, and is kept as the rules say (not a problem)."""
    rec, res = batch
    gone = rec.exports(batch="trip")
    (down,) = [r for r in gone if r.output_path == str(res["export_gone"].output)]
    rec.db.execute("INSERT INTO takedown_items (export_id, channel, first_listed_at, done_at, "
                   "done_by) VALUES (?, 'website', '2026-12-01T10:00:00+00:00', "
                   "'2026-12-01T11:00:00+00:00', 'Mrs Office')", [down.id])
    report = purge_batch(rec, "trip", dry_run=True)
    (item,) = [i for i in report.items if Path(i.source).stem == "export_gone"]
    assert item.status == "refused" and item.as_planned
    assert item.reason == (
        f"it was taken down from School website and its copy "
        f"({Path(down.output_path).name}) deleted, so no posted copy stands for it")
    assert "export " not in item.reason and item.to_dict()["as_planned"] is True


def test_the_purge_list_follows_the_photos_order_not_the_exports(tmp_path, trash):
    """s41 walk: the copies are numbered as each export finished (IMG_0010 became -012), and
    the list of originals followed the copies, so it read IMG_0011, IMG_0012, IMG_0010. It
    follows the photos' names now, a number in a name compared as a number (IMG_9 before
    IMG_10)."""
    rec = office_records()
    outs = []
    for i, name in enumerate(["IMG_11", "IMG_10", "IMG_9", "IMG_0012", "IMG_0010", "IMG_0011"]):
        r = make_export(tmp_path, i, name=name, size=(48, 32))
        rec.add_export(r, batch="trip", channel="website", preparer=None, approver=None)
        outs.append(Path(r.output))
    rec.mark_posted(files=outs, channel="website")
    report = purge_batch(rec, "trip", dry_run=True)
    assert [Path(i.source).stem for i in report.items] == \
        ["IMG_9", "IMG_0010", "IMG_10", "IMG_0011", "IMG_11", "IMG_0012"]
    assert all(i.status == "would-delete" for i in report.items)


def test_originals_gone_says_which_originals_purge_deleted_and_what_became_of_the_copy(
        batch, trash):
    """s42: the batch's tiles said "Approved" after "Delete originals": the core says which
    photos' originals it deleted, and whether their copy was exported and posted there; one
    put back (from the bin) is the photo again; another channel has no copy of it."""
    rec, res = batch
    purge_batch(rec, "trip", allow_exported=True)
    photos = [(r.source_sha256, r.source) for r in res.values()]
    gone = transfer.originals_gone(rec, photos, "website")
    assert set(gone) == {res["ok"].source_sha256, res["unposted"].source_sha256}
    assert gone[res["ok"].source_sha256] == transfer.OriginalGone(exported=True, posted=True)
    assert gone[res["unposted"].source_sha256] == transfer.OriginalGone(exported=True,
                                                                        posted=False)
    assert gone[res["ok"].source_sha256].badge == "Original deleted"
    assert gone[res["unposted"].source_sha256].detail() == (
        "Its safe copy was exported, then the original was deleted: PhotoVet cannot export "
        "this photo again.")
    elsewhere = transfer.originals_gone(rec, photos, "facebook")
    assert elsewhere[res["ok"].source_sha256] == transfer.OriginalGone(False, False)
    # the original missing without a purge (moved, deleted outside PhotoVet) is not said so
    assert res["original_gone"].source_sha256 not in gone
    # put back where it was: the photo again
    Path(res["ok"].source).write_bytes(b"back from the bin")
    assert res["ok"].source_sha256 not in transfer.originals_gone(rec, photos, "website")


def test_marking_ready_or_approving_a_deleted_original_is_refused_in_the_apps_words(
        batch, trash):
    """s45 audit W2: the refusal of a photo whose original PhotoVet deleted read "Its original
    was deleted: ..." in the core (and so ``photovet approve``/``ready``) and what became of
    its safe copy in the app's panel. The core now says the panel's words
    (``transfer.original_gone``: ``originals_gone_at`` for one photo)."""
    from photovet.core.approval import Approvals
    from photovet.core.models import PhotoAnalysis
    from photovet.core.policy import original_deleted_refusal

    rec, res = batch
    purge_batch(rec, "trip", allow_exported=True)
    photos = [(r.source_sha256, r.source) for r in res.values()]
    approvals = Approvals(rec.db, rec.audit)
    for channel in ("website", "facebook"):
        gone = transfer.originals_gone_at(rec, photos, channel)
        for sha_, path in photos:
            one = transfer.original_gone(rec.db, sha_, path, channel)
            assert one == gone.get((sha_, path)), (channel, path)
            said = approvals.original_refusal(PhotoAnalysis(path=path, sha256=sha_,
                                                            channel=channel))
            # the app's panel: the same rule on the batch's ``originals_gone_at``
            panel = (original_deleted_refusal(True, "photo", gone[(sha_, path)].detail())
                     if (sha_, path) in gone else None)
            assert said == panel, (channel, path, said)
    said = approvals.original_refusal(PhotoAnalysis(path=res["ok"].source,
                                                    sha256=res["ok"].source_sha256,
                                                    channel="website"))
    assert said == ("Its safe copy was exported and posted, then the original was deleted: "
                    "PhotoVet cannot export this photo again.")
    said = approvals.original_refusal(PhotoAnalysis(path=res["ok"].source,
                                                    sha256=res["ok"].source_sha256,
                                                    channel="facebook"))
    assert said == "The original was deleted: PhotoVet cannot export this photo again."


def test_originals_gone_at_answers_each_path_of_the_same_photo(batch, tmp_path):
    """s43 audit: the same photo twice in a batch (under two names) - only one tile said
    "Original deleted". ``originals_gone_at`` answers each (content, path) on its own; and
    ``originals_gone`` (one path per content) answers as before. The batch controller asks
    per path."""
    from types import SimpleNamespace

    from photovet.gui.controllers.batch import BatchController

    rec, res = batch
    purge_batch(rec, "trip", allow_exported=True)
    sha = res["ok"].source_sha256
    twin_gone = str(tmp_path / "copy of ok.jpg")          # never there (deleted too)
    twin_here = tmp_path / "still here.jpg"
    twin_here.write_bytes(b"the same photo under another name")
    pairs = [(sha, res["ok"].source), (sha, twin_gone), (sha, str(twin_here))]
    gone = transfer.originals_gone_at(rec, pairs, "website")
    assert set(gone) == {(sha, res["ok"].source), (sha, twin_gone)}
    assert gone[(sha, twin_gone)] == transfer.OriginalGone(exported=True, posted=True)
    # one path per content: the last given, as before
    assert sha in transfer.originals_gone(rec, pairs[:2], "website")
    assert sha not in transfer.originals_gone(rec, pairs, "website")
    # the batch's tiles: each path its own answer
    items = [SimpleNamespace(path=p, known_sha=None,
                             analysis=SimpleNamespace(sha256=sha)) for _, p in pairs]
    ctl = SimpleNamespace(model=SimpleNamespace(items=items),
                          ctx=SimpleNamespace(ws=SimpleNamespace(records=rec), channel="website"))
    tiles = BatchController._originals_gone(ctl, [p for _, p in pairs])
    assert tiles == {res["ok"].source: gone[(sha, res["ok"].source)],
                     twin_gone: gone[(sha, twin_gone)], str(twin_here): None}


# --------------------------------------------------------------------------------------------
# a file with the hidden name of a deletion for good (s43): only PhotoVet's own is finished
# --------------------------------------------------------------------------------------------

def test_a_hidden_name_file_photovet_did_not_make_is_never_overwritten_and_the_photo_kept(
        batch, trash):
    """A ``.photovet-purge-<name>`` beside an original, with no deletion of it cut short: it was
    overwritten with random bytes and removed as if it were the photo half-deleted, the photo
    then said deleted (its place forgotten) and left on the disk. Now both are kept, and why."""
    rec, res = batch
    src = Path(res["ok"].source)
    data = src.read_bytes()
    stranger = src.with_name(PURGE_PREFIX + src.name)
    stranger.write_bytes(b"someone else's file")
    for dry_run in (True, False):
        st = statuses(purge_batch(rec, "trip", permanent=True, dry_run=dry_run))
        assert st["ok"][0] == "refused" and "did not leave there" in st["ok"][1], st["ok"]
        assert stranger.read_bytes() == b"someone else's file" and src.read_bytes() == data
    assert rec.db.scalar("SELECT COUNT(*) FROM exports WHERE source_path = ?", [str(src)]) == 1
    assert rec.db.scalar("SELECT COUNT(*) FROM purges") == 0
    # to the trash it is not in the way (nothing is renamed): the photo goes, the file stays
    assert statuses(purge_batch(rec, "trip"))["ok"][0] == "deleted"
    assert stranger.read_bytes() == b"someone else's file" and not src.exists()


def test_a_deletion_cut_short_finishes_only_the_file_it_renamed(batch, trash):
    """A deletion for good cut short after the rename, and another file now has the hidden
    name (the photo's was removed by someone): it is not the photo, and is never overwritten."""
    rec, res = batch
    src = Path(res["ok"].source)
    transfer._mark_pending(rec, src, sha(src), 1, "overwrite", None)
    hidden = src.with_name(PURGE_PREFIX + src.name)
    os.rename(src, hidden)                                   # killed right after the rename
    os.unlink(hidden)
    hidden.write_bytes(b"another file, with that name since")
    st = statuses(purge_batch(rec, "trip"))
    assert st["ok"][0] == "error" and "not the photo PhotoVet was deleting" in st["ok"][1]
    assert hidden.read_bytes() == b"another file, with that name since"
    assert rec.db.scalar("SELECT state FROM purges") == "pending"      # not said deleted


def test_a_deletion_cut_short_half_way_through_the_overwrite_is_finished(batch, trash):
    """Its content no longer the photo's (half overwritten): the same file by its identity."""
    rec, res = batch
    src = Path(res["ok"].source)
    transfer._mark_pending(rec, src, sha(src), 1, "overwrite", None)
    hidden = src.with_name(PURGE_PREFIX + src.name)
    os.rename(src, hidden)
    with open(hidden, "r+b") as fh:                          # killed mid-overwrite
        fh.write(os.urandom(100))
    st = statuses(purge_batch(rec, "trip"))
    assert st["ok"] == ("deleted", "deletion finished (it had been interrupted)")
    assert not os.path.lexists(hidden)


def test_a_rejected_photo_is_not_deleted_for_good_over_a_file_of_its_hidden_name(tmp_path):
    from photovet.core.errors import DeletionError

    src = tmp_path / "IMG_1.JPG"
    src.write_bytes(b"photo")
    stranger = tmp_path / (PURGE_PREFIX + src.name)
    stranger.write_bytes(b"someone else's file")

    class Rejected:
        def for_photo(self, sha256):
            return [type("S", (), {"status": "rejected", "channel": "website",
                                   "approver": "Head"})()]

    audit = office_audit(open_db())
    with pytest.raises(DeletionError, match="did not leave there"):
        transfer.delete_rejected_original(src, sha256=sha(src), approvals=Rejected(),
                                          audit=audit, permanent=True)
    assert src.read_bytes() == b"photo" and stranger.read_bytes() == b"someone else's file"


# --------------------------------------------------------------------------------------------
# links in the destination (s43): a link is never the verified copy
# --------------------------------------------------------------------------------------------

@pytest.mark.skipif(os.name == "nt", reason="making symbolic links needs a privilege there")
def test_a_link_in_the_destination_to_an_identical_file_is_not_the_copy(tmp_path, audit, trash):
    """The destination's file of that name was a link to an identical file elsewhere: it was
    taken as the verified copy ("already copied") and the device's photo cleared, its only copy
    the link's target (a stick, a folder that may go). A copy of its own is made beside it."""
    dev, pc, elsewhere = tmp_path / "card", tmp_path / "pc", tmp_path / "stick"
    files = make_device(dev, 1)
    rel = next(iter(files))
    elsewhere.mkdir()
    (elsewhere / "same.JPG").write_bytes(files[rel])
    (pc / rel).parent.mkdir(parents=True)
    os.symlink(elsewhere / "same.JPG", pc / rel)
    _, [res] = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert res.ok and res.copied and res.deleted, res.to_dict()
    assert res.dest.endswith("IMG_0000 (1).JPG") and not os.path.islink(res.dest)
    assert Path(res.dest).read_bytes() == files[rel]
    assert os.path.islink(pc / rel)                                # left alone
    os.unlink(elsewhere / "same.JPG")                              # the stick goes
    assert Path(res.dest).read_bytes() == files[rel]


@pytest.mark.skipif(os.name == "nt", reason="making symbolic links needs a privilege there")
def test_a_folder_of_the_destination_that_links_elsewhere_gets_no_copy(tmp_path, audit, trash):
    """A sub-folder of the destination that is a link to a folder elsewhere: the copy would be
    made (or an identical one found) there, outside the destination, and the photo cleared."""
    dev, pc, elsewhere = tmp_path / "card", tmp_path / "pc", tmp_path / "stick"
    files = make_device(dev, 1)
    rel = Path(next(iter(files)))
    elsewhere.mkdir()
    (elsewhere / rel.name).write_bytes(files[str(rel)])
    (pc / rel.parent.parent).mkdir(parents=True)
    os.symlink(elsewhere, pc / rel.parent)
    _, [res] = run(import_from_device(dev, pc, clear=True, audit=audit))
    assert not res.ok and not res.deleted and "link" in res.error, res.to_dict()
    assert (dev / rel).read_bytes() == files[str(rel)]
    assert os.listdir(elsewhere) == [rel.name]


# --------------------------------------------------------------------------------------------
# two originals whose places are the same text in the register (s43)
# --------------------------------------------------------------------------------------------

def _twin_originals_posted(tmp_path: Path) -> tuple[Any, str, str, Any]:
    """Two originals whose places are stored as the same text, "caf\\xe9.JPG": one holding the
    byte 0xE9 (``raw``, exported in batch "trip") and one holding those four characters
    (``lookalike``, batch "trip2"), both exported for the website and posted. Returns (records,
    raw, lookalike, the lookalike's export result)."""
    from photovet.core.storage.database import text_safe

    rec = office_records()
    folder = tmp_path / "originals"
    raw = os.fsdecode(os.fsencode(folder) + b"/caf\xe9.JPG")
    lookalike = str(folder / "caf\\xe9.JPG")
    r1 = make_export(tmp_path, 1, name="x", size=(96, 64))
    r2 = make_export(tmp_path, 2, name="y", size=(96, 64))
    try:
        os.rename(r1.source, raw)
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    os.rename(r2.source, lookalike)
    assert text_safe(raw) == text_safe(lookalike)                 # the same text
    r1.source, r2.source = raw, lookalike
    rec.add_export(r1, batch="trip", channel="website", preparer=None, approver=None)
    rec.add_export(r2, batch="trip2", channel="website", preparer=None, approver=None)
    rec.mark_posted(files=[Path(r1.output), Path(r2.output)], channel="website")
    return rec, raw, lookalike, r2


@pytest.mark.skipif(os.name == "nt" or sys.platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_two_originals_stored_as_the_same_text_are_never_taken_for_each_other(tmp_path, trash):
    """A name holding the byte 0xE9 is stored as "caf\\xe9.JPG", the same text as a name that
    really holds those four characters. With both on the disk, the first was read back as the
    second (found "changed since it was exported", kept), and deleting one forgot the other's
    place in its export record (never deleted, said "deleted earlier"). Each is told apart by
    its content: each deleted as itself, the other's record untouched."""
    rec, raw, lookalike, r2 = _twin_originals_posted(tmp_path)
    assert [e.source_path for e in rec.exports(batch="trip")] == [raw]
    assert [e.source_path for e in rec.exports(batch="trip2")] == [lookalike]
    report = purge_batch(rec, "trip", permanent=True)
    assert [(i.status, i.source) for i in report.items] == [("deleted", raw)], report.to_dict()
    assert not os.path.lexists(raw) and os.path.exists(lookalike)
    assert [e.source_path for e in rec.exports(batch="trip2")] == [lookalike]   # not forgotten
    report = purge_batch(rec, "trip2")
    assert [(i.status, i.source) for i in report.items] == [("deleted", lookalike)]
    assert not os.path.lexists(lookalike)


@pytest.mark.skipif(os.name == "nt", reason="making symbolic links needs a privilege there")
def test_an_exported_copy_that_is_now_a_link_does_not_let_the_original_go(batch, trash, tmp_path):
    """The export's copy replaced by a link to an identical file elsewhere (a stick): it was
    checked unchanged through the link, and the original deleted while the only copy was the
    link's target. Kept, and why."""
    rec, res = batch
    out, src = Path(res["ok"].output), Path(res["ok"].source)
    stick = tmp_path / "stick"
    stick.mkdir()
    os.replace(out, stick / out.name)
    os.symlink(stick / out.name, out)
    st = statuses(purge_batch(rec, "trip", permanent=True))
    assert st["ok"][0] == "refused" and "a link" in st["ok"][1], st["ok"]
    assert src.exists()


def test_deleting_one_of_two_originals_stored_as_the_same_text_leaves_the_other_s_row(tmp_path,
                                                                                       trash):
    """s43 audit: the other original's deletion, cut short before its file was touched, has a
    pending row of the same place text ("caf\\xe9.JPG"). Deleting the first marked that row
    deleted too, its file still on the disk (``_not_the_twins``: no test failed without it)."""
    rec, raw, lookalike, r2 = _twin_originals_posted(tmp_path)
    [e2] = rec.exports(batch="trip2")
    rec.db.execute("INSERT INTO purges (source_path, sha256, export_id, method, state, "
                   "pending_at, actor) VALUES (?, ?, ?, 'trash', 'pending', ?, 'x')",
                   [lookalike, r2.source_sha256, e2.id, "2026-01-01T00:00:00+00:00"])
    report = purge_batch(rec, "trip", permanent=True)
    assert [(i.status, i.source) for i in report.items] == [("deleted", raw)], report.to_dict()
    assert os.path.exists(lookalike)
    assert rec.db.all("SELECT state FROM purges WHERE sha256 = ?",
                      [r2.source_sha256]) == [("pending",)]


def test_a_disk_without_inode_numbers_never_takes_another_file_for_the_photo(tmp_path,
                                                                              monkeypatch):
    """s43 audit: where the disk gives every file inode number 0 (some FAT/exFAT and network
    drives), the identity "0:<size>" matched any file of the photo's size under its hidden
    name, and that file was overwritten as the photo's unfinished deletion. There the photo is
    known by its content only."""
    src = tmp_path / "IMG_1.JPG"
    src.write_bytes(b"photo")
    real = os.lstat

    def no_inodes(path, *a, **kw):
        st = real(path, *a, **kw)
        return os.stat_result((st.st_mode, 0, st.st_dev, st.st_nlink, st.st_uid, st.st_gid,
                               st.st_size, int(st.st_atime), int(st.st_mtime),
                               int(st.st_ctime)))

    monkeypatch.setattr(os, "lstat", no_inodes)
    recorded = transfer.file_identity(src)
    os.unlink(src)
    stranger = src.with_name(PURGE_PREFIX + src.name)
    stranger.write_bytes(b"other")                       # the same size, another file
    assert transfer.hidden_is_ours(src, stranger, sha256="ab" * 32, file_id=recorded) is not None
    assert transfer.hidden_is_ours(src, stranger, sha256="ab" * 32, file_id="0:5") is not None


def test_an_export_whose_time_cannot_be_read_does_not_keep_the_original_for_ever(batch, trash):
    """s45 audit: with a time that cannot be read counted as "not exported since" (a4dfc4d),
    the channel's latest export was picked by comparing the times as text: an unreadable time
    ("the day after sports day") sorts after every real one, so an export made again after
    the approval never counted, and "Delete originals" kept the original for ever, saying it
    was "not exported there again yet" however often it was. Any export made after the
    approval counts; one whose time cannot be read alone does not."""
    from photovet.core.approval import ApprovalState

    rec, res = batch
    (ok,) = [r for r in rec.exports(batch="trip") if r.source_path == res["ok"].source]
    approved = _Approvals([ApprovalState(ok.source_sha256, "website", "approved",
                                         decided_at="2020-01-01T10:00:00+00:00")])
    # a second copy of it for the website, recorded on a PC whose time cannot be read
    rec.add_export(res["ok"], batch="trip", channel="website", preparer=None, approver=None)
    newest = max(r.id for r in rec.exports(batch="trip"))
    rec.db.execute("UPDATE exports SET created_at = ? WHERE id = ?",
                   ["the day after sports day", newest])
    st = statuses(purge_batch(rec, "trip", approvals=approved))
    assert st["ok"][0] == "deleted", st["ok"]


def test_times_stored_as_datetimes_are_read_when_originals_are_deleted():
    """s45 audit: a4dfc4d reads a time stored as a datetime (not text: ``str()``), which no
    test held; without it such a time counted as unreadable and every original approved so
    was kept for ever."""
    import datetime as _dt

    from photovet.core import transfer

    utc = _dt.UTC
    exported = _dt.datetime(2026, 11, 21, 10, tzinfo=utc)
    assert transfer._exported_since(exported, _dt.datetime(2026, 11, 20, 10, tzinfo=utc))
    assert transfer._exported_since(exported, "2026-11-20T10:00:00+00:00")
    assert not transfer._exported_since(exported, _dt.datetime(2026, 11, 22, 10, tzinfo=utc))


def test_delete_originals_says_the_live_photo_clips_beside_them_stay(batch, trash):
    """s52's note: "Delete originals" left a deleted photo's Live Photo clip in its folder and
    said nothing. The batch leaves such clips out, so PhotoVet never checked them and has no
    copy: they are not deleted, and the office is told they stay (a dry run first)."""
    rec, res = batch
    ok_clip = make_live_clip(Path(res["ok"].source))
    kept_clip = make_live_clip(Path(res["unposted"].source))   # its photo is kept: nothing to say

    preview = purge_batch(rec, "trip", dry_run=True)
    assert preview.live_clips_left == [str(ok_clip)]
    assert preview.to_dict()["live_clips_left"] == [str(ok_clip)]
    said = words.live_clips_left(preview.live_clips_left, dry_run=True)
    assert said.startswith("1 Live Photo clip will stay in the folder (ok.MOV)")
    assert "never checked it" in said and "Delete it yourself" in said

    report = purge_batch(rec, "trip")
    assert statuses(report)["ok"][0] == "deleted"
    assert report.live_clips_left == [str(ok_clip)]
    assert words.live_clips_left(report.live_clips_left, dry_run=False).startswith(
        "1 Live Photo clip stays in the folder (ok.MOV)")
    assert ok_clip.exists() and kept_clip.exists() and [p.name for p in trash.iterdir()] == [
        "ok.JPG"]
    assert words.live_clips_left([], dry_run=False) == ""


def test_a_clip_that_is_no_live_photo_is_not_said_to_be_one(batch, trash):
    """A video filmed as a video under the photo's name (no Apple content id) is not named
    as a Live Photo clip left behind."""
    from tests.video_clips import make_clip

    rec, res = batch
    make_clip(Path(res["ok"].source).with_suffix(".mov"), size=(64, 48), seconds=1.0, fmt="mov")
    assert purge_batch(rec, "trip", dry_run=True).live_clips_left == []
