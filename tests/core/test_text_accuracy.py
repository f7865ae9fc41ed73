"""Names in the picture on ../shared/data (skipped when the evaluation data is absent).

badges/: its register.csv is the register and no pupil has name-with-photo consent, so every
pupil's name must be covered. Targets: >= 95% of names at least 14 px high covered (>= 90% of
the name's polygon), decoys covered <= 10% (review is allowed).
text/: nothing crashes on real photos and non-Latin scripts.

The school's name on the same badges (issue 18): the badges' school ("Oakfield Primary School",
initials "OPS" in the badges' logo block) is set as the school's identifiers, as a school would.

- Rule on: at least 70% of the school's names and initials printed on the cards are covered
  (23 of 30 measured; the others are too small for the text models even zoomed, see
  bench/text.py), and no decoy is covered.
- Rule off: the decoys covered are exactly those the names rules alone cover: setting the
  school's identifiers changes nothing on a channel that shows them, except that a misread
  school name found by the zoomed look may be held for a person as a possible name (1 of 30).

Both badge tests decide on the same reading of each badge photo (``badges_read``, read once).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import shared_data

BENCH = Path(__file__).resolve().parents[2] / "bench" / "text.py"


def _bench():
    spec = importlib.util.spec_from_file_location("photovet_bench_text", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def text_engine():
    from photovet.core.vision.text.ocr import TextEngine

    return TextEngine.load()


@pytest.fixture(scope="module")
def badges_read(text_engine):
    """{file: (image, face boxes, lines read)} of every badge photo, read once for the module
    (as bench/text.py's analyse_image reads them)."""
    folder = shared_data("badges")
    manifest = json.loads((folder / "manifest.json").read_text())
    return _bench().badge_reads(text_engine, folder, manifest["files"])


def test_badges_pupil_names_covered_and_decoys_left(text_engine, badges_read):
    from photovet.core.vision.text.names import NameMatcher

    folder = shared_data("badges")
    bench = _bench()
    manifest = json.loads((folder / "manifest.json").read_text())
    people = bench.load_register(folder / "register.csv")
    by_id = {p.id: p for p in people}
    matcher = NameMatcher(people, threshold=85)
    rows = []
    for entry in manifest["files"]:
        im, boxes, reads = badges_read[entry["file"]]
        items, red, rev, _ = bench.analyse_image(text_engine, matcher, by_id, im, reads=reads,
                                                 boxes=boxes)
        rows.extend(bench.score_items(entry["items"], items, red, rev))
    pupils = [r for r in rows if r["pupil"]]
    big = [r for r in pupils if r["height"] >= 14]
    assert big
    recall = sum(r["cov"] >= 0.9 for r in big) / len(big)
    missed = [r["text"] for r in big if r["cov"] < 0.9]
    assert recall >= 0.95, (recall, missed)
    decoys = [r for r in rows if not r["pupil"]]
    covered = [r["text"] for r in decoys if r["cov"] >= 0.5]
    assert len(covered) <= 0.10 * len(decoys), covered
    # covered names carry the right register id
    red = [r for r in pupils if r["cov"] >= 0.9]
    assert sum(r["person_ok"] for r in red) >= 0.95 * len(red)


def test_real_text_photos_and_non_latin_scripts_do_not_crash(text_engine):
    from photovet.core.vision.text.names import NameMatcher, classify_texts

    folder = shared_data("text")
    matcher = NameMatcher([], threshold=85)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    assert files
    total = 0
    for path in files:
        with Image.open(path) as im:
            im.load()
            reads = text_engine.read(im)
        items = classify_texts(reads, matcher)
        for it in items:
            assert isinstance(it.text, str) and len(it.polygon) == 4
        total += len(items)
    assert total > 20


@pytest.mark.shared
def test_school_name_covered_when_the_rule_is_on_and_decoys_unchanged_when_off(text_engine,
                                                                              badges_read):
    data = shared_data("badges").parent
    rows = _bench().school_rows(text_engine, data, looked=badges_read)
    school_on = [r for r in rows["on"] if r["kind"] == "school"]
    assert len(school_on) >= 20
    covered = sum(r["cov"] >= 0.9 for r in school_on)
    assert covered >= 0.7 * len(school_on), [r["file"] for r in school_on if r["cov"] < 0.9]
    # the rule off: the school's name is left as the names rules leave it. The zoomed second
    # look (made whatever the channel) can find a misread school name that the names rules then
    # treat as a possible name ("Oakneld Primsry Schoo"): held for a person, never kept unseen
    off = [r for r in rows["off"] if r["kind"] == "school"]
    none = [r for r in rows["none"] if r["kind"] == "school"]
    assert [r["text"] for r in off] == [r["text"] for r in none]
    extra = [o for o, n in zip(off, none) if o["cov"] >= 0.9 and n["cov"] < 0.9]
    assert all(o["cov_review"] >= 0.9 for o in extra), extra
    assert len(extra) <= 2, extra       # 1 of 30 measured
    school_off = sum(r["cov"] >= 0.9 for r in off)
    assert school_off < covered

    def decoys_covered(rule):
        return sorted((r["text"], r["kind"]) for r in rows[rule]
                      if r["kind"] != "school" and r["cov"] >= 0.5)

    assert decoys_covered("off") == decoys_covered("none")
    assert len(decoys_covered("on")) <= len(decoys_covered("none"))
