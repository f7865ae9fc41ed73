"""s42: an export's copies are numbered by the photos' place in the batch, not by the order
they finished in (two photos are exported at once: the second one's copy was "-001" whenever
it finished first, so the same batch got other names from one export to the next)."""

from __future__ import annotations

import threading
from pathlib import Path

from photovet.core.media import export as export_mod
from photovet.core.media.export import NameAllocator, export_batch, neutral_names
from tests.core.test_export import WEB, jobs, leaky_jpeg, listing


def _first_finishes_last(monkeypatch, first: Path) -> threading.Event:
    """The batch's first photo is read only once another photo's copy was given its name."""
    named = threading.Event()
    real_read, real_verify = export_mod._read_checked, export_mod.verify_export

    def read(source, *args, **kwargs):
        if Path(source) == first:
            assert named.wait(20), "no other photo was named while the first waited"
        return real_read(source, *args, **kwargs)

    def verify(tmp, size, *, shown_as=None):
        out = real_verify(tmp, size, shown_as=shown_as)
        named.set()
        return out

    monkeypatch.setattr(export_mod, "_read_checked", read)
    monkeypatch.setattr(export_mod, "verify_export", verify)
    return named


def test_the_first_photo_is_001_though_it_finishes_last(tmp_path, monkeypatch):
    srcs = [leaky_jpeg(tmp_path / f"IMG_{i}.jpg", colour=(40 * i, 90, 90)) for i in range(4)]
    out = tmp_path / "out"
    out.mkdir()
    _first_finishes_last(monkeypatch, srcs[0])
    done = [s.result for s in export_batch(jobs(srcs), out, label="Trip", channel=WEB,
                                           workers=2)][1:]
    assert all(r.ok for r in done), [r.error for r in done]
    by_source = {Path(r.source).name: Path(r.output).name for r in done}
    assert by_source == {"IMG_0.jpg": "trip-001.jpg", "IMG_1.jpg": "trip-002.jpg",
                         "IMG_2.jpg": "trip-003.jpg", "IMG_3.jpg": "trip-004.jpg"}, by_source
    assert listing(out) == [f"trip-00{i}.jpg" for i in range(1, 5)]


def test_numbers_skip_files_already_in_the_folder_in_the_batch_order(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "trip-002.jpg").write_bytes(b"x")
    (out / "trip-003.mp4").write_bytes(b"x")       # a video's number is taken too
    names = NameAllocator(out, "Trip", 3)
    # asked for out of order, each gets its place's number
    assert [names.take(n).name for n in (3, 1, 2)] == ["trip-005.jpg", "trip-001.jpg",
                                                       "trip-004.jpg"]
    assert names.take(2).name == "trip-006.jpg"    # its name was handed out: the next free
    assert names.take(None, ".mp4").name == "trip-007.mp4"
    assert neutral_names([Path("b.jpg"), Path("a.jpg")], "Trip", out) == {
        Path("b.jpg"): "trip-001.jpg", Path("a.jpg"): "trip-004.jpg"}


def test_a_number_taken_meanwhile_goes_after_the_batch(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    names = NameAllocator(out, "Trip", 2)
    (out / "trip-001.jpg").write_bytes(b"another export got here first")
    assert names.take(1).name == "trip-003.jpg"    # never the second photo's number
    assert names.take(2).name == "trip-002.jpg"


def test_a_number_taken_meanwhile_skips_a_number_a_file_of_another_extension_has(tmp_path):
    """s42 audit: the name after the batch's (another export took one of its names) skipped
    only a file of the same extension: a photo was named trip-004.jpg beside an earlier
    export's video trip-004.mp4 (two things with one number, for a person taking one down)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "trip-004.mp4").write_bytes(b"an earlier export's video")
    names = NameAllocator(out, "Trip", 3)
    (out / "trip-002.jpg").write_bytes(b"another export got here first")
    assert names.take(2).name == "trip-005.jpg"
    assert names.next(".mp4").name == "trip-006.mp4"
