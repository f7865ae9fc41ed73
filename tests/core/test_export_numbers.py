"""s42: an export's copies are numbered by the photos' place in the batch, not by the order
they finished in (two photos are exported at once: the second one's copy was "-001" whenever
it finished first, so the same batch got other names from one export to the next)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

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

    def verify(tmp, size, **kwargs):
        out = real_verify(tmp, size, **kwargs)
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


# s43: the command (vet_batch) numbered by the place among ALL the files (a photo held back
# left a gap; a run again after a stop numbered on from after the whole batch), the app
# (export_batch) by the place among the photos exported. Both now number as the app does.

def _names(results) -> dict[str, str | None]:
    return {Path(r.source).name: (Path(r.output).name if r.ok else None) for r in results}


def test_a_photo_held_back_leaves_no_gap_and_the_command_names_as_the_app(ws, tmp_path):
    from photovet.core.pipeline import analyse_batch
    from photovet.core.pipeline import export_batch as app_export
    from tests.core.test_vet_batch import (
        TODAY,
        SideBySideFaces,
        engine_for,
        photos,
        results,
        vet_batch,
    )

    paths = photos(tmp_path / "src", 5)
    paths[1].write_text("this is not a photo")          # held back: cannot be read
    eng = engine_for(ws, SideBySideFaces(slow=0.05))
    cli_out, app_out = tmp_path / "cli", tmp_path / "app"
    cli_out.mkdir()
    app_out.mkdir()
    by_cli = _names(results(vet_batch(paths, eng, "website", cli_out, label="Trip",
                                      records=ws.records, on=TODAY, workers=2)))
    analyses = results(analyse_batch(paths, eng, "website", on=TODAY))
    by_app = _names(results(app_export(analyses, app_out, label="Trip", engine=eng,
                                       channel="website", records=ws.records)))
    assert by_cli == {"p0.jpg": "trip-001.jpg", "p1.jpg": None, "p2.jpg": "trip-002.jpg",
                      "p3.jpg": "trip-003.jpg", "p4.jpg": "trip-004.jpg"}, by_cli
    assert by_app == by_cli


def test_a_run_again_after_a_stop_carries_on_with_the_next_numbers(ws, tmp_path):
    import threading as _threading

    from photovet.core.pipeline import vet_batch
    from tests.core.test_vet_batch import TODAY, SideBySideFaces, engine_for, photos, results

    paths = photos(tmp_path / "src", 6)
    out = tmp_path / "out"
    out.mkdir()
    eng = engine_for(ws, SideBySideFaces(slow=0.05))
    stop = _threading.Event()
    first = []
    for step in vet_batch(paths, eng, "website", out, label="Trip", records=ws.records,
                          on=TODAY, stop=stop, workers=2):
        if step.result is not None:
            first.append(step.result)
            stop.set()
    written = sorted(p.name for p in out.iterdir())
    assert 1 <= len(written) < 6
    assert written == [f"trip-{i:03d}.jpg" for i in range(1, len(written) + 1)]
    again = results(vet_batch(paths, eng, "website", out, label="Trip", records=ws.records,
                              on=TODAY, workers=2))
    assert all(r.ok for r in again), [r.error for r in again]
    # the same names as one run without a stop: the next numbers, not after the batch's six
    assert sorted(p.name for p in out.iterdir()) == [f"trip-{i:03d}.jpg" for i in range(1, 7)]
    assert [Path(r.output).name for r in again] == [f"trip-{i:03d}.jpg" for i in range(1, 7)]


def test_the_same_photo_twice_named_by_the_one_exported_when_the_later_goes_first(
        ws, tmp_path, monkeypatch):
    """The later of two copies of one photo is checked first and exported: it is the first
    photo exported, so -001 (it waits for the earlier copy to give up its number, and that
    one waits for its turn: neither waits for the other for ever)."""
    from photovet.core.pipeline import vet_batch
    from tests.core.test_vet_batch import TODAY, SideBySideFaces, engine_for, photos, results

    paths = photos(tmp_path / "src", 2)
    copy = tmp_path / "src" / "copy of p0.jpg"
    copy.write_bytes(paths[0].read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    eng = engine_for(ws, SideBySideFaces(slow=0))
    real, real_export = eng._check, export_mod.export_photo
    # the first copy is checked last: once the later copy holds its turn (its export began),
    # not after a fixed 0.6 s, which the later copy's check and export could outlast on a
    # loaded machine (the first copy would then be the one exported)
    later_exporting = threading.Event()

    def export_photo(job, *a, **kw):
        if Path(job.source) == copy:
            later_exporting.set()
        return real_export(job, *a, **kw)

    def check(path, **kw):
        if Path(path) == paths[0]:
            assert later_exporting.wait(30), "the later copy was never exported"
        return real(path, **kw)

    monkeypatch.setattr(export_mod, "export_photo", export_photo)
    eng._check = check
    res = results(vet_batch([paths[0], copy, paths[1]], eng, "website", out, label="Trip",
                            records=ws.records, on=TODAY, workers=2))
    assert all(r.ok for r in res), [r.error for r in res]
    assert not res[1].same_as and res[0].same_as == str(copy)   # the later one exported
    assert _names(res) == {"p0.jpg": "trip-001.jpg", "copy of p0.jpg": "trip-001.jpg",
                           "p1.jpg": "trip-002.jpg"}
    assert sorted(p.name for p in out.iterdir()) == ["trip-001.jpg", "trip-002.jpg"]


@pytest.mark.parametrize("seed", range(8))
def test_mixed_batches_never_wait_for_ever_nor_share_a_name(ws, tmp_path, seed):
    """s43 audit: a copy's number waits for every earlier photo's check (CopyNumbers), and the
    same photo twice waits for its turn (_Turns); mixed batches (copies of one photo under
    other names, the same path twice, an unreadable file, a check failing unexpectedly, a
    stop, 1 to 3 workers, photos finishing out of order) always end, and no two copies share
    a name. Run in a thread with a deadline: a wait for ever fails here instead of hanging
    the suite (pytest-timeout cannot end it: the pool waits for its threads)."""
    import random

    from photovet.core.pipeline import vet_batch
    from tests.core.test_vet_batch import TODAY, SideBySideFaces, engine_for, photos

    rng = random.Random(seed)
    n = rng.randint(1, 6)
    paths = photos(tmp_path / "src", n)
    files = list(paths)
    for k in range(rng.randint(1, 3)):
        src = rng.choice(paths)
        cp = tmp_path / "src" / f"copy{k}_{src.name}"
        cp.write_bytes(src.read_bytes())
        files.insert(rng.randint(0, len(files)), cp)
    if rng.random() < 0.5:
        files.insert(rng.randint(0, len(files)), rng.choice(files))   # the same path twice
    if rng.random() < 0.5:
        bad = tmp_path / "src" / "bad.jpg"
        bad.write_text("not a photo")
        files.insert(rng.randint(0, len(files)), bad)
    # the first file, a copy of a photo further on, is checked last: that later copy gets
    # its turn first and waits for the first's number (the first gives it up: _Turns)
    first = tmp_path / "src" / "first_copy.jpg"
    first.write_bytes(rng.choice(paths).read_bytes())
    files.insert(0, first)
    delay = {str(f): rng.random() * 0.1 for f in files}
    delay[str(first)] = 0.5
    boom = {str(f) for f in files[1:] if rng.random() < 0.15}
    eng = engine_for(ws, SideBySideFaces(slow=0))
    real = eng._check

    def check(path, **kw):
        threading.Event().wait(delay.get(str(path), 0.0))
        if str(path) in boom:
            raise RuntimeError("a check failing unexpectedly")
        return real(path, **kw)

    eng._check = check
    out = tmp_path / "out"
    out.mkdir()
    stop = threading.Event()
    stop_after = rng.choice([None, None, 0, 2])
    workers = 1 if seed % 4 == 0 else rng.choice([2, 3])
    got: list = []
    done = threading.Event()

    def run() -> None:
        try:
            for i, step in enumerate(vet_batch(files, eng, "website", out, label="Trip",
                                               records=ws.records, on=TODAY, stop=stop,
                                               workers=workers)):
                if step.result is not None:
                    got.append(step.result)
                if stop_after is not None and i >= stop_after:
                    stop.set()
        finally:
            done.set()
    threading.Thread(target=run, daemon=True).start()
    assert done.wait(60), f"waits for ever: {[f.name for f in files]}, {workers} workers"
    made = [r.output for r in got if r.ok and not r.same_as]
    assert len(made) == len(set(made)), made
    assert sorted(Path(m).name for m in made) == sorted(p.name for p in out.iterdir())
