"""Compare two ``bench/text.py --dump`` files item by item (before, after).

    python bench/text_compare.py before.json after.json

Lists every pupil's name that one version covers (>= 90 %) and the other does not, every decoy
whose fate changed (covered >= 50 % / review / left), the school's name and initials changed,
the text folder's words per file, and the median CPU seconds per photo of each timed set. A
speed change is ready only when the first list is empty on the "after" side.
"""

from __future__ import annotations

import json
import statistics
import sys


def fate(row: dict) -> str:
    if row["cov"] >= 0.5:
        return "covered"
    if row.get("cov_review", 0.0) >= 0.5:
        return "review"
    return "left"


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2
    before, after = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
    lost = 0
    for title, rows_a in before.get("sections", {}).items():
        rows_b = after.get("sections", {}).get(title)
        if rows_b is None or len(rows_b) != len(rows_a):
            print(f"== {title}: not comparable (missing or different item count)")
            lost += 1
            continue
        pupils = [(a, b) for a, b in zip(rows_a, rows_b) if a["pupil"]]
        n_a = sum(a["cov"] >= 0.9 for a, _ in pupils)
        n_b = sum(b["cov"] >= 0.9 for _, b in pupils)
        print(f"== {title}: pupils' names covered {n_a} -> {n_b} of {len(pupils)}")
        for k, (a, b) in enumerate(pupils):
            if (a["cov"] >= 0.9) != (b["cov"] >= 0.9):
                lost += a["cov"] >= 0.9
                print(f"   {'LOST' if a['cov'] >= 0.9 else 'GAINED'}: #{k} {a['text']!r} "
                      f"({a['height']:.1f} px) cov {a['cov']:.2f} -> {b['cov']:.2f}")
            elif a["cov"] >= 0.9 and a["person_ok"] != b["person_ok"]:
                print(f"   person id {a['person_ok']} -> {b['person_ok']}: #{k} {a['text']!r}")
        for k, (a, b) in enumerate(zip(rows_a, rows_b)):
            if not a["pupil"] and fate(a) != fate(b):
                print(f"   decoy #{k} {a['kind']} {a['text']!r}: {fate(a)} -> {fate(b)}")
    for rule, rows_a in before.get("school", {}).items():
        rows_b = after.get("school", {}).get(rule, [])
        changed = [(a, b) for a, b in zip(rows_a, rows_b) if fate(a) != fate(b)]
        print(f"== school rule {rule}: {len(changed)} item(s) changed")
        for a, b in changed:
            print(f"   {a['kind']} {a['text']!r}: {fate(a)} -> {fate(b)}")
    ta, tb = before.get("text", {}), after.get("text", {})
    if ta:
        print(f"== text folder: words found {sum(v['hit'] for v in ta.values())} -> "
              f"{sum(v['hit'] for v in tb.values())}")
        for f, v in ta.items():
            w = tb.get(f, {}).get("hit")
            if w != v["hit"]:
                print(f"   {f}: {v['hit']} -> {w} of {v['words']}")
    print("== CPU seconds per photo (median), before -> after (ratio)")
    for label, times in before.get("times", {}).items():
        other = after.get("times", {}).get(label)
        if other:
            a = statistics.median(c for _, c in times)
            b = statistics.median(c for _, c in other)
            print(f"   {label}: {a:.2f} -> {b:.2f} ({b / a:.2f})")
    print(f"names lost: {lost}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
