"""s48: a FAT or exFAT USB stick swapped for another in the same port. Linux gives the next
stick the same device number, and makes a FAT/exFAT file system's id (``statvfs().f_fsid``)
from that number, so the s46 check (device number, top folder's inode, file system id) took
the other stick for the one chosen. Only the volume serial (udev's ``/dev/disk/by-uuid``
name) goes with the stick. A real tmpfs is swapped in the same place (``port``: the same
device number), its file system id made the device number as FAT's is, and udev's names
faked; each test fails on the code before s48."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from photovet.core import fsutil, transfer
from photovet.core.errors import OutputFolderError
from tests.core.test_file_fix_s46 import port  # noqa: F401  (a fixture: a stick's place)
from tests.core.test_retention import ws_with_leaver  # noqa: F401  (a fixture)
from tests.core.test_transfer import batch  # noqa: F401  (a fixture: a batch to purge)

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


class _FatStatvfs:
    """``os.statvfs`` as Linux answers it for FAT and exFAT: the file system's id is the
    device number (fs/fat/inode.c, fs/exfat/super.c: ``huge_encode_dev(bd_dev)``)."""

    real = os.statvfs

    def __init__(self, path):
        self._said = _FatStatvfs.real(path)
        self.f_fsid = os.stat(path).st_dev

    def __getattr__(self, name):
        return getattr(self._said, name)


@pytest.fixture
def fat_port(port, tmp_path, monkeypatch):  # noqa: F811
    """``port`` as a FAT stick: mounted from the disk <tmp>/dev/sdz1 (``fsutil.MOUNTINFO``),
    whose volume serial udev names it by (``fsutil.BY_UUID``); ``swap()`` puts another stick,
    another serial, in the same port; ``serial(None)``: udev names it by none now."""
    place, swap = port
    monkeypatch.setattr(os, "statvfs", _FatStatvfs)
    disks = tmp_path / "dev"
    by_uuid = disks / "disk" / "by-uuid"
    by_uuid.mkdir(parents=True)
    sdz1 = disks / "sdz1"
    sdz1.write_bytes(b"")
    dev = os.stat(place).st_dev
    info = tmp_path / "mountinfo"
    info.write_text(f"900 25 {os.major(dev)}:{os.minor(dev)} / {place} rw,relatime - vfat "
                    f"{sdz1} rw,fmask=0022\n")
    monkeypatch.setattr(fsutil, "MOUNTINFO", str(info), raising=False)
    monkeypatch.setattr(fsutil, "BY_UUID", str(by_uuid), raising=False)
    monkeypatch.setattr(fsutil, "DISK_SOURCES", (f"{disks}{os.sep}",), raising=False)

    def serial(name):
        for old in by_uuid.iterdir():
            old.unlink()
        if name:
            (by_uuid / name).symlink_to(sdz1)

    serial("1A2B-3C4D")

    def swap_fat():
        swap()
        if os.stat(place).st_dev != dev:
            pytest.skip("the second tmpfs got another device number here")
        serial("5E6F-7A8B")

    return place, swap_fat, serial


def _import(dev: Path, dest: Path):
    from photovet.core.storage import open_db
    from tests.conftest import office_audit
    from tests.core.test_transfer import run

    return run(transfer.import_from_device(dev, dest, clear=True,
                                           audit=office_audit(open_db())))


def _on_the_card(dev: Path, originals: dict[str, bytes]) -> set[str]:
    kept = {str(p.relative_to(dev)) for p in dev.rglob("*.JPG")}
    assert all((dev / rel).read_bytes() == originals[rel] for rel in kept)
    return kept


def test_an_import_onto_a_fat_stick_swapped_between_photos_clears_nothing_more(
        fat_port, tmp_path, monkeypatch):
    """The card's photos imported onto a FAT stick and cleared; after the first, the stick is
    swapped for another in the same port. Before: the other two were copied onto the other
    stick and cleared from the card (the stick taken away had one photo). Now they stay on the
    card, said, and nothing goes onto the other stick."""
    from tests.core.test_transfer import make_device

    place, swap, _serial = fat_port
    dev = tmp_path / "card"
    originals = make_device(dev, 3)
    removed = transfer._remove_from_device
    done: list[Path] = []

    def remove_then_swap(path, permanent):
        removed(path, permanent)
        if not done:
            done.append(path)
            swap()

    monkeypatch.setattr(transfer, "_remove_from_device", remove_then_swap)
    _, results = _import(dev, place)
    assert [r.deleted for r in results] == [True, False, False], [r.error for r in results]
    assert all("no longer there" in (r.error or "") for r in results[1:])
    assert not [f for _d, _s, fs in os.walk(place) for f in fs], "copies on the other stick"
    assert len(_on_the_card(dev, originals)) == 2


def test_an_import_onto_a_fat_stick_swapped_while_a_photo_is_read_keeps_it_on_the_card(
        fat_port, tmp_path, monkeypatch):
    """The stick is swapped after the import checked its folder for a photo and before that
    photo is copied: the copy went onto the other stick, was read back there and the card's
    photo cleared. Now the folder is checked again before anything is cleared."""
    from tests.core.test_transfer import photo

    place, swap, _serial = fat_port
    dev = tmp_path / "phone"         # its photos in its top folder: no folder made on the stick
    dev.mkdir()
    originals = {}
    for i in range(2):
        photo(i, (64, 48)).save(dev / f"IMG_{i:04d}.JPG", "JPEG", quality=90)
        originals[f"IMG_{i:04d}.JPG"] = (dev / f"IMG_{i:04d}.JPG").read_bytes()
    hashed = transfer.sha256_of
    done: list[Path] = []

    def swap_while_read(path):
        if not done:
            done.append(path)
            swap()
        return hashed(path)

    monkeypatch.setattr(transfer, "sha256_of", swap_while_read)
    _, results = _import(dev, place)
    assert not any(r.deleted for r in results), [r.error for r in results]
    assert "swapped" in (results[0].error or "") and "kept on the device" in results[0].error
    assert _on_the_card(dev, originals) == set(originals)


def test_a_fat_stick_with_no_readable_serial_is_not_cleared_onto(fat_port, tmp_path):
    """Where udev names the stick by no serial (PhotoVet cannot tell it from another put in
    its place), an import that would clear the card is refused before anything is done, in
    words; without clearing, it copies as before."""
    from photovet.core.storage import open_db
    from tests.conftest import office_audit
    from tests.core.test_transfer import make_device, run

    place, _swap, serial = fat_port
    serial(None)
    dev = tmp_path / "card"
    originals = make_device(dev, 2)
    with pytest.raises(OutputFolderError) as ei:
        _import(dev, place)
    said = ei.value.message
    assert "cannot tell" in said and "cleared" in said and "nothing was copied" in said
    assert "without clearing" in (ei.value.hint or "")
    assert _on_the_card(dev, originals) == set(originals)
    assert not [f for _d, _s, fs in os.walk(place) for f in fs]
    _, results = run(transfer.import_from_device(dev, place, audit=office_audit(open_db())))
    assert [r.verified and not r.deleted for r in results] == [True, True]


def test_a_report_for_a_fat_stick_swapped_in_the_same_port_is_refused(fat_port):
    """A report's place chosen on a FAT stick, the stick swapped before it is written:
    before, the report (naming a pupil) was saved onto the other stick."""
    place, swap, _serial = fat_port
    disk = fsutil.disk_of(place / "sar.html")
    fsutil.write_report(place / "a.html", "<p>report</p>", disk=disk)      # same stick: saved
    swap()
    with pytest.raises(OutputFolderError) as ei:
        fsutil.write_report(place / "sar.html", "<p>report</p>", disk=disk)
    assert "not connected any more" in ei.value.message
    assert os.listdir(place) == []


# --------------------------------------------------------------------------------------------
# a deletion cut short, then its photo's stick not connected: never said deleted
# --------------------------------------------------------------------------------------------

def test_a_purge_cut_short_is_not_said_deleted_while_the_photos_folder_is_not_there(
        batch, tmp_path):  # noqa: F811
    """Deleting a batch's originals announced ("pending") then stopped (a crash) before the
    photo was touched; at the next purge the stick the originals are on is not connected.
    Before: the photo was missing, so it was marked deleted and its place forgotten for good
    (never looked for again), while it was still on the stick. Now it is left unfinished and
    said, and deleted as checked once the stick is back."""
    from tests.core.afterpost_util import sha
    from tests.core.test_transfer import statuses

    rec, res = batch
    src = Path(res["ok"].source)
    transfer._mark_pending(rec, src, sha(src), 1, "trash", None)   # then PhotoVet stopped
    stick, away = src.parent, tmp_path / "not connected"
    stick.rename(away)
    said = statuses(transfer.purge_batch(rec, "trip"))["ok"]
    assert said[0] != "already-deleted" and "not there now" in said[1], said
    assert "not marked deleted" in said[1] and "Connect it" in said[1]
    assert rec.db.all("SELECT state, source_path FROM purges") == [("pending", str(src))]
    away.rename(stick)                                              # plugged in again
    with pytest.MonkeyPatch.context() as m:
        moved: list[Path] = []
        m.setattr(transfer, "_trash", lambda p: moved.append(Path(p)) or os.unlink(p))
        said = statuses(transfer.purge_batch(rec, "trip"))["ok"]
    assert said[0] == "deleted" and moved == [src] and not src.exists()


def test_the_schedule_cut_short_is_not_said_deleted_while_the_files_folder_is_not_there(
        ws_with_leaver, tmp_path):  # noqa: F811
    """The same for the retention schedule's deletion of an export copy cut short: before,
    marked deleted at the next run while its stick was not connected."""
    from tests.core.afterpost_util import make_export
    from tests.core.test_retention import _deletion_for_good_pending

    out, _hidden = _deletion_for_good_pending(ws_with_leaver, make_export(tmp_path, 3))
    stick, away = out.parent, tmp_path / "not connected"
    stick.rename(away)
    assert ws_with_leaver.retention().finish_interrupted() == 0
    assert ws_with_leaver.db.scalar("SELECT state FROM retention_deletions") == "pending"
    assert any("not finished" in n for n in ws_with_leaver.settle_interrupted())
    away.rename(stick)
    ws_with_leaver.retention().finish_interrupted()
    assert ws_with_leaver.db.scalar("SELECT state FROM retention_deletions") == "failed"
    assert out.is_file()                  # in place: listed again, as before s48
