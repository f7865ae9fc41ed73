"""Names in the picture on ../shared/data (skipped when the evaluation data is absent).

badges/: its register.csv is the register and no pupil has name-with-photo consent, so every
pupil's name must be covered. Targets: >= 95% of names at least 14 px high covered (>= 90% of
the name's polygon), decoys covered <= 10% (review is allowed).
text/: nothing crashes on real photos and non-Latin scripts.
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


def test_badges_pupil_names_covered_and_decoys_left(text_engine):
    from photovet.core.vision.text.names import NameMatcher

    folder = shared_data("badges")
    bench = _bench()
    manifest = json.loads((folder / "manifest.json").read_text())
    people = bench.load_register(folder / "register.csv")
    by_id = {p.id: p for p in people}
    matcher = NameMatcher(people, threshold=85)
    rows = []
    for entry in manifest["files"]:
        im = Image.open(folder / entry["file"])
        im.load()
        items, red, rev, _ = bench.analyse_image(text_engine, matcher, by_id, im)
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
