"""Benchmark: ordinary codes and dates on a badge against names spelt with digits for letters.

    python bench/text_tokens.py [--n 3000] [--show 8] [--root OTHER_TREE]

No photos: each line is classified as a text reader's line on a badge (below a face) and on a
sign (nobody under it) by ``names.classify_texts``, against bench/captions.py's made-up register
of 300 pupils, as a photo's lines are. Printed per set: how many lines become a register name
("pupil"), a possible name ("possible": covered and sent for review) or stay readable.

Ordinary lines (made up, seeded; should stay readable, except where read as letters they are a
register name): UK number plates ("AB12CDE", "AB12 CDE"), postcodes with and without the space
("SW1A1AA", "LS124AB"), room codes ("RM1A", "Rm12B"), dates ("07 Jan 2026", "5DEC25",
"12JAN", "Mon 5 Jan"), times, phone numbers, class codes, numbers with a unit or an ordinal
("10am", "21st", "12kg"), group codes ("SET3A", "Team2B", "B12A").

Names (should be found): register names spelt with 1, 2 or 3+ digits for letters ("0L1V1A",
"1S4B3LL4", "MA77HEW", "G3ORG3", "4D4M"), in capitals and capitalised, as a register name on a
badge and on a sign; and names of people not in the register (a 40-pupil register, the other
names) spelt so, as a possible name on a badge.

The ordinary sets are drawn before the names, so adding a set changes which names are drawn: to
compare two versions of names.py, run this same file against each (``--root``).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "--root" in sys.argv[:-1]:       # another tree's photovet (main's, to compare): same bench
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--root") + 1]).resolve()))

from bench.captions import FORENAMES, SURNAMES, register  # noqa: E402
from photovet.core.vision.text.names import NameMatcher, classify_texts  # noqa: E402

FACE = (400.0, 100.0, 200.0, 240.0)     # x, y, w, h; a badge line is below it
LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"      # letters UK plates use
PLATE_AGES = [f"{y:02d}" for y in range(2, 26)] + [f"{y}" for y in range(51, 76)]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DIGIT_FOR = {"O": "0", "I": "1", "Z": "2", "E": "3", "A": "4", "S": "5", "G": "6", "T": "7",
             "B": "8"}


def _line(text: str, x: float, y: float, h: float = 24.0):
    w = max(30.0, 0.6 * h * len(text))
    return ([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], text, 0.95)


def fate(text: str, matcher: NameMatcher, where: str) -> str:
    read = _line(text, 420.0, 460.0) if where == "badge" else _line(text, 20.0, 40.0)
    (item,) = classify_texts([read], matcher, faces=[FACE])
    if item.kind == "pupil-name":
        return "pupil"
    return "possible" if item.kind in ("name-like", "staff-name") else "left"


def plates(rng: random.Random, n: int, space: bool) -> list[str]:
    sep = " " if space else ""
    return [f"{''.join(rng.choices(LETTERS, k=2))}{rng.choice(PLATE_AGES)}{sep}"
            f"{''.join(rng.choices(LETTERS, k=3))}" for _ in range(n)]


def postcodes(rng: random.Random, n: int, space: bool) -> list[str]:
    sep = " " if space else ""
    # the letters each place of a UK postcode allows (no Q, V, X first; no I, J, Z second...)
    first, second = "ABCDEFGHIJKLMNOPRSTUWYZ", "ABCDEFGHKLMNOPQRSTUVWXY"
    third, fourth, inward = "ABCDEFGHJKPSTUW", "ABEHMNPRVWXY", "ABDEFGHJLNPQRSTUWXYZ"
    out = []
    for _ in range(n):
        area = rng.choice(first) + (rng.choice(second) if rng.random() < 0.7 else "")
        district = str(rng.randint(1, 99 if rng.random() < 0.6 else 9))
        if len(district) == 1 and rng.random() < 0.15:
            district += rng.choice(third if len(area) == 1 else fourth)   # "W1D", "SW1A"
        out.append(f"{area}{district}{sep}{rng.randint(0, 9)}{''.join(rng.choices(inward, k=2))}")
    return out


def rooms(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        head = rng.choice(("RM", "Rm", "R", "LAB", "Lab", "B", "S", "G", "IT", "DT", "SC"))
        out.append(f"{head}{rng.randint(1, 30)}{rng.choice(('', 'A', 'B', 'C', 'a', 'b'))}")
    return out


def dates(rng: random.Random, n: int) -> list[str]:
    out = []
    shapes = ("{d:02d} {m} {y}", "{d} {M} {yy}", "{d}{M}{yy}", "{d:02d}{M}{y}", "{d}{M}",
              "{d:02d}{M}", "{M}{yy}", "{M} {y}", "{w} {d} {m}", "{W} {d} {M}", "{d}th {m}",
              "{m} {d}", "{M}{d:02d}", "{d}-{M}-{yy}", "{d} {m}", "{W}{d}{M}")
    for k in range(n):
        m = rng.choice(MONTHS)
        w = rng.choice(DAYS)
        out.append(shapes[k % len(shapes)].format(
            d=rng.randint(1, 28), m=m, M=m.upper(), y=rng.randint(2020, 2027),
            yy=rng.randint(20, 27), w=w, W=w.upper()))
    return out


def times_phones_classes(rng: random.Random, n: int) -> list[str]:
    out = []
    for k in range(n):
        r = k % 4
        if r == 0:
            out.append(f"{rng.randint(7, 17)}:{rng.choice(('00', '15', '30', '45'))}"
                       f"{rng.choice(('', 'am', 'pm'))}")
        elif r == 1:
            out.append(f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}")
        elif r == 2:
            out.append(f"{rng.choice(('Y', 'Year', 'Class', 'Yr'))}{rng.randint(1, 6)}"
                       f"{rng.choice(('', 'A', 'B', 'M', 'H'))}")
        else:
            out.append(f"{rng.choice(('Year ', 'Class ', 'Y'))}{rng.randint(1, 6)}/"
                       f"{rng.randint(1, 6)}")
    return out


def units_and_groups(rng: random.Random, n: int) -> list[str]:
    """Numbers with a unit or an ordinal ("10am", "21st", "12kg", "30secs") and group codes
    ("SET3A", "Team2B", "TABLE4", "Grade5", "B12A", "A12B")."""
    units = ("am", "pm", "st", "nd", "rd", "th", "kg", "km", "cm", "mm", "ml", "mins", "secs",
             "hrs", "mph", "yrs", "x", "m", "g", "p", "k")
    groups = ("SET", "Set", "TEAM", "Team", "TABLE", "Table", "GROUP", "Group", "GRADE", "Grade",
              "BLOCK", "Block", "HOUSE", "House", "STEP", "Step", "FORM", "Form", "LEVEL")
    out = []
    for k in range(n):
        if k % 3 == 0:
            out.append(f"{rng.randint(1, 120)}{rng.choice(units)}")
        elif k % 3 == 1:
            out.append(f"{rng.choice(groups)}{rng.randint(1, 12)}{rng.choice(('', 'A', 'B', 'C'))}")
        else:
            a, b = rng.choice(LETTERS), rng.choice(LETTERS)
            out.append(rng.choice((f"{a}{rng.randint(1, 99)}{b}", f"{a}{b}{rng.randint(1, 99)}",
                                   f"{rng.randint(1, 99)}{a}{b}")))
    return out


def with_digits(name: str, rng: random.Random, count: str) -> str | None:
    """``name`` with letters that digits look like written as digits: "1", "2" or "3+" of
    them (None when the name has too few such letters)."""
    up = name.upper()
    spots = [k for k, c in enumerate(up) if c in DIGIT_FOR]
    want = {"1": 1, "2": 2}.get(count)
    if want is None:
        if len(spots) < 3:
            return None
        want = rng.randint(3, len(spots))
    if len(spots) < want:
        return None
    chosen = set(rng.sample(spots, want))
    caps = rng.random() < 0.6
    base = up if caps else name
    return "".join(DIGIT_FOR[up[k]] if k in chosen else base[k] for k in range(len(name)))


def table(title: str, rows: list[tuple[str, dict[str, int], int]]) -> None:
    print(f"\n### {title}\n")
    print("| set | lines | pupil | possible | left |")
    print("|---|---:|---:|---:|---:|")
    for name, counts, n in rows:
        print(f"| {name} | {n} | {counts.get('pupil', 0)} | {counts.get('possible', 0)} | "
              f"{counts.get('left', 0)} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000, help="lines per ordinary set")
    ap.add_argument("--show", type=int, default=6, help="examples listed per set and fate")
    ap.add_argument("--root", type=Path, default=None,
                    help="the tree whose photovet to measure (default: this bench's own)")
    args = ap.parse_args()
    import photovet
    print(f"photovet from {Path(photovet.__file__).parent}")
    rng = random.Random(20261201)
    people = register()
    matcher = NameMatcher(people, threshold=85)

    ordinary = {
        "number plates AB12CDE": plates(rng, args.n, False),
        "number plates AB12 CDE": plates(rng, args.n, True),
        "postcodes without a space": postcodes(rng, args.n, False),
        "postcodes with a space": postcodes(rng, args.n, True),
        "room codes": rooms(rng, args.n),
        "dates": dates(rng, args.n),
        "times, phones, classes": times_phones_classes(rng, args.n),
        "units, ordinals, group codes": units_and_groups(rng, args.n),
    }
    for where in ("badge", "sign"):
        rows = []
        for name, lines in ordinary.items():
            counts: dict[str, int] = {}
            seen: dict[str, list[str]] = {}
            for t in lines:
                f = fate(t, matcher, where)
                counts[f] = counts.get(f, 0) + 1
                seen.setdefault(f, []).append(t)
            rows.append((name, counts, len(lines)))
            for f in ("pupil", "possible"):
                if seen.get(f) and args.show:
                    print(f"  {where} {name} {f}: {', '.join(seen[f][:args.show])}")
        table(f"Ordinary lines on a {where} (should stay readable)", rows)

    # register names spelt with digits: each forename and surname, and first + surname
    names = [p.legal_forename for p in people] + [p.legal_surname for p in people]
    names = list(dict.fromkeys(n for n in names if n.isalpha()))
    rows = {where: [] for where in ("badge", "sign")}
    for count in ("1", "2", "3+"):
        spelt = [s for s in (with_digits(n, rng, count) for n in names) if s]
        for where in ("badge", "sign"):
            counts = {}
            missed = []
            for s in spelt:
                f = fate(s, matcher, where)
                counts[f] = counts.get(f, 0) + 1
                if f != "pupil":
                    missed.append(s)
            rows[where].append((f"register names, {count} digits", counts, len(spelt)))
            if missed and args.show:
                print(f"  {where} {count} digits not a register name: "
                      f"{', '.join(missed[:args.show])}")
    for where in ("badge", "sign"):
        table(f"Register names spelt with digits, on a {where} (should be 'pupil')", rows[where])

    # names not in the register spelt with digits: a possible name on a badge
    small = people[:40]
    known = {p.legal_forename for p in small} | {p.legal_surname for p in small}
    others = [n for n in dict.fromkeys(FORENAMES + SURNAMES) if n.isalpha() and n not in known]
    m40 = NameMatcher(small, threshold=85)
    rows_o = []
    for count in ("1", "2", "3+"):
        spelt = [s for s in (with_digits(n, rng, count) for n in others) if s]
        counts = {}
        missed = []
        for s in spelt:
            f = fate(s, m40, "badge")
            counts[f] = counts.get(f, 0) + 1
            if f == "left":
                missed.append(s)
        rows_o.append((f"other names, {count} digits", counts, len(spelt)))
        if missed and args.show:
            print(f"  badge {count} digits left readable: {', '.join(missed[:args.show])}")
    table("Names not in the register spelt with digits, on a badge (should not be 'left')",
          rows_o)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
