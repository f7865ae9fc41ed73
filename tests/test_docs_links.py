"""The README and docs/ link to each other: every relative link names a file that exists, and
every #anchor a heading there (s44 moved the figures table's history into docs/MEASUREMENTS.md
and the step-by-step into docs/USING.md, and each README row links to its section)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {_anchor(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target}: no such heading in {linked.name}")
    return broken


def test_every_link_of_the_readme_and_docs_leads_somewhere():
    broken = {page.name: b for page in PAGES if (b := broken_links(page))}
    assert broken == {}


def test_a_link_to_a_missing_heading_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("## Where it is\n\n[here](#where-it-is) [gone](#where-it-was) "
                    "[file](missing.md)\n", encoding="utf-8")
    assert broken_links(page) == ["#where-it-was: no such heading in page.md",
                                  "missing.md: no such file"]
