"""identify: find the export record of a copy downloaded back from a social network."""

from __future__ import annotations

import time

import numpy as np
import pytest
from afterpost_util import FakeRegister, downloaded_copy, make_export, person, photo

from photovet.core.media import phash as ph
from photovet.core.storage import atomic
from tests.conftest import office_records

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


@pytest.fixture(scope="module")
def pictures():
    return [photo(s, (800, 600)) for s in range(12)]


def test_hash_is_stable_and_distinguishes_photos(pictures):
    hs = [ph.phash_image(p) for p in pictures]
    assert hs[0] == ph.phash_image(pictures[0].copy())
    dists = [ph.hamming(a, b) for i, a in enumerate(hs) for b in hs[i + 1:]]
    assert min(dists) > ph.DEFAULT_MAX_DISTANCE + 2, dists


@pytest.mark.parametrize("crop", [
    (0, 0, 0, 0), (0.02, 0.02, 0.02, 0.02), (0.03, 0.03, 0.03, 0.03), (0.03, 0.02, 0.02, 0.03),
    (0.03, 0, 0, 0), (0, 0, 0.03, 0.02), (0.01, 0.03, 0.02, 0)])
def test_variants_absorb_half_size_q70_and_small_crops(pictures, tmp_path, crop):
    worst_same, best_other = 0, 64
    variants = [ph.phash_variants(p) for p in pictures]
    for i, pic in enumerate(pictures):
        src = tmp_path / f"e{i}.jpg"
        pic.save(src, "JPEG", quality=88)
        q = ph.phash_file(downloaded_copy(src, tmp_path / f"d{i}.jpg", crop=crop))
        d = [min(ph.hamming(q, v) for v in vs) for vs in variants]
        worst_same = max(worst_same, d[i])
        best_other = min(best_other, min(d[:i] + d[i + 1:]))
    assert worst_same <= ph.DEFAULT_MAX_DISTANCE - 2, worst_same
    assert best_other > ph.DEFAULT_MAX_DISTANCE, best_other


def test_index_query_nearest_first():
    idx = ph.HashIndex([10, 11, 12], [[0b1111], [0b0], [0xFFFF]])
    assert idx.query(0b0111, max_distance=5) == [(10, 1), (11, 3)]
    idx.add(13, [0b0111])
    assert idx.query(0b0111, max_distance=0) == [(13, 0)]
    assert ph.HashIndex().query(5) == []


def test_popcount_fallback_matches_numpy(monkeypatch):
    x = np.random.default_rng(1).integers(0, 2**63, 1000, dtype=np.int64).astype(np.uint64)
    fast = ph._popcount64(x)
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    assert (ph._popcount64(x) == fast).all()
    assert fast[0] == bin(int(x[0])).count("1")


@pytest.fixture
def records(tmp_path):
    rec = office_records()
    for seed in range(8):
        rec.add_export(make_export(tmp_path, seed, shown=[f"P{seed}"], covered=["B0"],
                                   size=(1024, 768)),
                       batch="b", channel="facebook", preparer=None, approver=None)
    return rec


def test_identify_finds_downloaded_copy_and_who_is_in_it(records, tmp_path):
    target = records.exports()[5]
    copy = downloaded_copy(target.output_path, tmp_path / "from-facebook.jpg",
                           crop=(0.03, 0.02, 0.025, 0.03))
    reg = FakeRegister([person("P5", "Pia", "Five")])
    hits = records.identify(copy, register=reg)
    assert hits and hits[0].record.id == target.id and not hits[0].exact
    assert hits[0].record.people_shown == ["P5"] and hits[0].record.people_covered == ["B0"]
    assert hits[0].names == {"P5": "Pia Five"}
    assert len(hits) == 1  # no other record is near


def test_identify_exact_copy_and_unrelated_photo(records, tmp_path):
    target = records.exports()[2]
    same = tmp_path / "same.jpg"
    same.write_bytes(open(target.output_path, "rb").read())
    [hit] = records.identify(same)
    assert hit.exact and hit.distance == 0 and hit.record.id == target.id
    other = tmp_path / "other.jpg"
    photo(999, (1024, 768)).save(other, "JPEG", quality=80)
    assert records.identify(other) == []
    assert records.identify(downloaded_copy(other, tmp_path / "o2.jpg")) == []


def test_identify_says_what_is_wrong_with_a_file_in_words(records, tmp_path):
    """Read as every photo is read: a clear reason, and the pixel limit (an audit decoded a
    400-megapixel picture, 841 MB, here)."""
    from PIL import Image

    from photovet.core.records.exports import RecordsError

    text = tmp_path / "notes.jpg"
    text.write_text("not a photo at all")
    with pytest.raises(RecordsError) as err:
        records.identify(text)
    assert "cannot identify" not in str(err.value) and "notes.jpg" in str(err.value)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(open(records.exports()[0].output_path, "rb").read()[:2000])
    with pytest.raises(RecordsError, match="ends early|damaged"):
        records.identify(cut)
    huge = tmp_path / "huge.png"
    Image.new("1", (20_000, 20_000)).save(huge)          # 400 MP, a few KB on disk
    with pytest.raises(RecordsError, match="megapixel|too large|pixels"):
        records.identify(huge)


def test_identify_sees_records_added_by_another_connection(records, tmp_path):
    records.identify(records.exports()[0].output_path)  # index loaded
    other = office_records()
    rid = other.add_export(make_export(tmp_path / "more", 77), batch="c", channel="x",
                           preparer=None, approver=None)
    copy = downloaded_copy(tmp_path / "more" / "exports" / "photo077.jpg", tmp_path / "c77.jpg")
    assert records.identify(copy)[0].record.id == rid


def test_identify_is_fast_with_many_records(records, tmp_path):
    # 10,000 synthetic rows beside the 8 real ones (the full benchmark is bench/identify.py)
    rng = np.random.default_rng(0)
    rows = []
    for i in range(10_000):
        hs = [int(h) for h in rng.integers(0, 2**63, ph.N_VARIANTS, dtype=np.int64)]
        rows.append(["2025-01-01T00:00:00", "bulk", "website", f"/x/{i}.jpg", f"{i:064x}",
                     ph.to_hex(hs[0]), ph.pack(hs), f"/s/{i}.jpg", "", "[]", "[]", "[]"])
    with atomic(records.db):
        records.db.executemany(
            "INSERT INTO exports (created_at, batch, channel, output_path, output_sha256, phash,"
            " phash_variants, source_path, source_sha256, people_shown, people_covered,"
            " names_covered) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    target = records.exports(batch="b")[3]
    copy = downloaded_copy(target.output_path, tmp_path / "dl.jpg")
    records.identify(copy)  # loads the index once
    times = []
    for _ in range(5):
        t = time.perf_counter()
        hits = records.identify(copy)
        times.append(time.perf_counter() - t)
    assert hits[0].record.id == target.id
    assert sorted(times)[2] < 0.2, times
