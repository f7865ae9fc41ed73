"""Text that identifies the school (issue 18): its names, abbreviations and address words, read
on lanyards, badges, signs, book labels. Compared like pupils' names (``names.words``: any case,
accents removed, OCR confusions tolerated, words OCR glued together split again), so
"0AKFIELD PRIMARY SCH00L" is the school's name and "oakfieldprimary.sch.uk" names it too.

What counts (each configured phrase, e.g. "Oakfield Primary School"):
- the whole phrase, or most of it in order, close enough (fuzzy, the school's name threshold);
- one of its distinctive words alone ("Oakfield"; not "Primary" or "School", which every school
  shares), or a word that contains one (a web address, "@OakfieldPS");
- an abbreviation ("OPS") as a word of its own, written in capitals as configured;
- a postcode (letters and digits compared without spaces).

A weaker match (a distinctive word that is also an everyday word, like "Hill" or "Green", alone
on a line that has nothing else of the phrase; or a phrase a little below the threshold) is
"unsure": policy covers it and asks a person to look. Which lines are covered, and where, is
policy's decision (``decide_school_identifier``), per channel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from photovet.core.models import TextItem
from photovet.core.vision.text.names import canon, generic_word, ordinary_word, words

UNSURE_MARGIN = 10          # a phrase this far below the threshold is still covered, for review
MIN_DISTINCT = 4            # a distinctive word must have at least this many letters
MIN_INSIDE = 5              # ...and this many to be found inside a longer word ("oakfieldps")
DISTINCT_IN_PHRASE = 50     # in a whole-phrase match, the distinctive word may be misread this much
                            # ("Daknetd Primary School"): covered, for review, when the phrase is
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$", re.IGNORECASE)


@dataclass
class SchoolHit:
    what: str           # "name" | "abbreviation" | "address"
    phrase: str         # the configured phrase that matched
    score: float        # 0..100
    unsure: bool
    span: tuple[int, int]


@dataclass
class _Phrase:
    what: str
    text: str
    keys: list[str]           # comparison key of each word
    distinct: list[str]       # keys of its distinctive words
    postcode: str = ""


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


class SchoolMatcher:
    """Finds the school's identifiers in lines of text."""

    def __init__(self, names: Sequence[str] = (), abbreviations: Sequence[str] = (),
                 address_words: Sequence[str] = (), *, threshold: int = 85):
        self.threshold = int(threshold)
        self.phrases: list[_Phrase] = []
        for what, items in (("name", names), ("address", address_words)):
            for text in items:
                keys = [k for _, k, _, _ in words(text) if k]
                if not keys:
                    continue
                distinct = [k for k in keys if len(k) >= MIN_DISTINCT and not _generic(k)]
                pc = _alnum(text) if _POSTCODE.match(text.strip()) else ""
                self.phrases.append(_Phrase(what, text.strip(), keys, distinct, pc))
        self.abbreviations = [(a.strip(), canon(a), a.strip().isupper())
                              for a in abbreviations if canon(a)]
        # the same initials written with dots or spaces between them ("H.L.P.S.", "H L P S")
        self._spelled = [(raw, re.compile(
            r"(?<![A-Za-z])" + r"[\s.·•\-_/]{0,2}".join(re.escape(c) for c in _alnum(raw))
            + r"(?![A-Za-z])", 0 if upper else re.IGNORECASE))
            for raw, _key, upper in self.abbreviations if len(_alnum(raw)) >= 2]

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.abbreviations)

    def match(self, text: str) -> SchoolHit | None:
        """The strongest school identifier in a line, or None (certain before unsure)."""
        hits = self.find_all(text)
        return hits[0] if hits else None

    def find_all(self, text: str) -> list[SchoolHit]:
        from rapidfuzz import fuzz  # noqa: PLC0415

        toks = words(text)
        if not toks:
            return []
        keys = [k for _, k, _, _ in toks]
        hits: list[SchoolHit] = []
        for ph in self.phrases:
            if ph.postcode:
                joined = _alnum(text)
                if ph.postcode in joined:
                    hits.append(SchoolHit(ph.what, ph.text, 100.0, False, (0, len(text))))
                continue
            best: tuple[float, int, int] | None = None
            n = len(ph.keys)
            target = "".join(ph.keys)
            # the whole phrase (or its first words: "Oakfield Primary") in a window of the line
            for size in range(max(1, n - 1), n + 2):
                for i in range(0, len(toks) - size + 1):
                    if ph.distinct and not _has_distinct(keys[i:i + size], ph.distinct,
                                                         DISTINCT_IN_PHRASE, fuzz):
                        continue   # "Primary School" names no school in particular
                    window = "".join(keys[i:i + size])
                    score = fuzz.ratio(window, target)
                    if size >= 2 and size < n and ph.distinct:
                        head = "".join(ph.keys[:size])
                        if any(d in ph.keys[:size] for d in ph.distinct):
                            score = max(score, fuzz.ratio(window, head))
                    if best is None or score > best[0]:
                        best = (score, i, i + size - 1)
            if best is not None and best[0] >= self.threshold - UNSURE_MARGIN and (n >= 2 or ph.distinct):
                score, i, j = best
                hits.append(SchoolHit(ph.what, ph.text, score, score < self.threshold,
                                      (toks[i][2], toks[j][3])))
                continue
            # one distinctive word of the phrase, alone or inside a longer word
            for d in ph.distinct:
                hit = self._word(d, ph, toks, keys, fuzz)
                if hit is not None:
                    hits.append(hit)
                    break
        for raw_abbr, key, upper in self.abbreviations:
            for raw, k, s, e in toks:
                if k == key and (not upper or raw.isupper()):
                    hits.append(SchoolHit("abbreviation", raw_abbr, 100.0, False, (s, e)))
                    break
        found = {h.phrase for h in hits if h.what == "abbreviation"}
        for raw_abbr, pattern in self._spelled:
            m = pattern.search(text) if raw_abbr not in found else None
            if m is not None:
                hits.append(SchoolHit("abbreviation", raw_abbr, 100.0, False, m.span()))
        hits.sort(key=lambda h: (h.unsure, -h.score))
        return hits

    def _word(self, d: str, ph: _Phrase, toks, keys, fuzz) -> SchoolHit | None:
        everyday = ordinary_word(d)
        others = set(ph.keys) - {d}
        for idx, (_raw, k, s, e) in enumerate(toks):
            pair = k + keys[idx + 1] if idx + 1 < len(keys) else ""
            score = 0.0
            span = (s, e)
            if k == d or (len(d) > 4 and fuzz.ratio(k, d) >= self.threshold):
                score = fuzz.ratio(k, d)
            elif pair and len(d) > 4 and fuzz.ratio(pair, d) >= self.threshold:
                score, span = fuzz.ratio(pair, d), (s, toks[idx + 1][3])
            elif len(d) >= MIN_INSIDE and len(k) > len(d) and d in k:
                score = 100.0 - (len(k) - len(d))   # "oakfieldps", "oakfieldprimaryschuk"
            if score <= 0:
                continue
            with_more = bool(others & set(keys))
            unsure = everyday and not with_more
            return SchoolHit(ph.what, ph.text, score, unsure, span)
        return None


def school_words(settings: Any) -> SchoolMatcher:
    """The school's own words from its settings (names, initials, address words), as a photo's
    lines are matched against them (``school.load_identity``): what captions and batch labels
    are checked against on a channel that must not show which school it is
    (``captions.school_findings``). Empty when none is set."""
    school = settings.school
    return SchoolMatcher(list(school.names), list(school.abbreviations),
                         list(school.address_words), threshold=settings.text.fuzzy_threshold)


def _has_distinct(window: Sequence[str], distinct: Sequence[str], threshold: float, fuzz) -> bool:
    joined = "".join(window)
    return any(d in joined or any(fuzz.ratio(k, d) >= threshold for k in window)
               for d in distinct)


def _generic(key: str) -> bool:
    """Words every school or address shares ("primary", "school", "road"): not distinctive."""
    return generic_word(key)


# A lanyard or badge prints the school's name in small letters next to the pupil's name, often
# too small for the text detector at the photo's scale. A second, zoomed look is taken around the
# names read (where a card is), for the school's identifiers only. On ../shared/data/badges this
# finds 23 of the 30 school names and initials printed on cards, against 17 without it
# (bench/text.py); the others are too small or blurred for the text models even zoomed.
ZOOM_TEXT_PX = 60
ZOOM_MAX = 4.0
ZOOM_MIN = 1.5
ZOOM_REGIONS = 8           # at most this many regions per photo
ZOOM_SIDE = 1280
#: overlapping cards' regions are looked at as one (neighbours in a group photo share most of
#: theirs), and a card's region that is less than this share of the look it was merged into is
#: also looked at alone while there is room (``ZOOM_REGIONS``): a larger look is enlarged less
#: by the reader (ocr det_min_side), and a badge's small "OPS" beside Ella Hammond's name
#: (../shared badge_023) read at 3.2x alone was read "D" at 2.5x in one look with a line 50 px
#: away newly read as a possible name ("ericanldol", s35); the merged look stays, as it finds
#: a school line beside two names that neither card's own region holds (a 12 MP bench mosaic)
ZOOM_MERGE_SHARE = 0.5


def _box(poly) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in poly]
    ys = [float(p[1]) for p in poly]
    return min(xs), min(ys), max(xs), max(ys)


def _area(r: Sequence[float]) -> float:
    return max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])


def zoom_regions(items: Sequence[TextItem], size: tuple[int, int]
                 ) -> list[tuple[tuple[int, int, int, int], float]]:
    """Where to look again, and how much to zoom: around each line read as a name (a badge, a
    lanyard or a label is there; three line heights above and below, half its width either
    side), the smallest first, overlapping regions merged while they stay small enough, at most
    ``ZOOM_REGIONS``; with room left, a card's own region that is a small part of its merged
    look (``ZOOM_MERGE_SHARE``) is looked at alone too."""
    w, h = size
    regions: list[list[float]] = []          # x0, y0, x1, y1, zoom
    parts: list[list[list[float]]] = []      # the cards' own regions in each
    cards = [t for t in items if t.kind]          # a name: a badge, lanyard or label is there
    for t in sorted(cards, key=lambda t: _box(t.polygon)[3] - _box(t.polygon)[1]):
        x0, y0, x1, y1 = _box(t.polygon)
        lh = max(1.0, y1 - y0)
        zoom = min(ZOOM_MAX, max(ZOOM_MIN, ZOOM_TEXT_PX / lh))
        r = [max(0.0, x0 - 0.5 * (x1 - x0)), max(0.0, y0 - 3 * lh),
             min(float(w), x1 + 0.5 * (x1 - x0)), min(float(h), y1 + 3 * lh), zoom]
        for other, own in zip(regions, parts):
            if r[0] < other[2] and other[0] < r[2] and r[1] < other[3] and other[1] < r[3]:
                merged = [min(r[0], other[0]), min(r[1], other[1]), max(r[2], other[2]),
                          max(r[3], other[3]), max(r[4], other[4])]
                if max(merged[2] - merged[0], merged[3] - merged[1]) * merged[4] <= 1.5 * ZOOM_SIDE:
                    other[:] = merged
                    own.append(r)
                    break
        else:
            if len(regions) >= ZOOM_REGIONS:
                continue
            regions.append(r)
            parts.append([list(r)])
    # a card's own region that became a small part of a merged look, alone too, while there is
    # room: the most zoomed (the smallest name) first
    alone = sorted((p for look, own in zip(regions, parts) if len(own) > 1 for p in own
                    if _area(p) < ZOOM_MERGE_SHARE * _area(look)), key=lambda p: -p[4])
    regions += alone[:max(0, ZOOM_REGIONS - len(regions))]
    out = []
    for x0, y0, x1, y1, zoom in regions:
        zoom = min(zoom, ZOOM_SIDE / max(1.0, x1 - x0, y1 - y0))
        if zoom >= 1.2:
            out.append(((int(x0), int(y0), int(x1), int(y1)), zoom))
    return out


def find_small_school_text(image, items: Sequence[TextItem], reader,
                           matcher: SchoolMatcher | None, *,
                           classify: Callable[[list], list[TextItem]] | None = None
                           ) -> list[TextItem]:
    """Lines naming the school found by a zoomed second look around the lines already read
    (``reader.read(image)`` as ocr.TextEngine). Only lines that match the school's identifiers
    and are not already among ``items`` are returned, in the photo's pixels, classified by
    ``classify`` (the pipeline's ``names.classify_texts``: a pupil's name read on the same line
    is a name as anywhere else) and marked with the school identifier."""
    if matcher is None or matcher.empty or reader is None or not items:
        return []
    from PIL import Image  # noqa: PLC0415

    reads: list = []
    known = [_box(t.polygon) for t in items if t.school]
    for (x0, y0, x1, y1), zoom in zoom_regions(items, image.size):
        crop = image.crop((x0, y0, x1, y1))
        crop = crop.resize((max(8, round(crop.width * zoom)), max(8, round(crop.height * zoom))),
                           Image.Resampling.BICUBIC)
        for poly, text, score in reader.read(crop):
            if matcher.match(text) is None:
                continue
            pts = [(x0 + float(px) / zoom, y0 + float(py) / zoom) for px, py in poly]
            b = _box(pts)
            if any(b[0] < k[2] and k[0] < b[2] and b[1] < k[3] and k[1] < b[3] for k in known):
                continue   # already found (at the photo's scale or in another region)
            known.append(b)
            reads.append((pts, str(text), float(score)))
    if not reads:
        return []
    found = classify(reads) if classify is not None else [
        TextItem(polygon=list(pts), text=text, score=score) for pts, text, score in reads]
    mark_school_texts(found, matcher)
    return found


#: words that make a line some school's name when a distinctive word stands just before them
#: ("Oakfield Primary School", "ST MARY'S ACADEMY", "Hillside Infants")
SCHOOL_KINDS = frozenset(canon(w) for w in (
    "school", "academy", "college", "primary", "infant", "infants", "junior", "juniors",
    "nursery", "grammar", "secondary"))
#: words before "School" that make it an activity, an event or a kind of school, not one
#: school's name ("Forest School" sessions, "Eco School", "Whole School Assembly")
NOT_A_SCHOOL_NAME = frozenset(canon(w) for w in (
    "forest", "eco", "whole", "summer", "holiday", "sunday", "saturday", "weekend", "night",
    "dance", "drama", "music", "art", "ballet", "swim", "swimming", "ski", "surf", "sailing",
    "riding", "driving", "film", "cookery", "cooking", "language", "football", "rugby",
    "netball", "cricket", "tennis", "golf", "chess", "coding", "bbc", "online", "home", "boarding",
    "state", "private", "independent", "free", "faith", "village", "local", "outstanding",
    "prep", "preparatory", "special", "middle", "upper", "lower", "our", "your", "the", "this",
    "new", "old", "big", "little", "first", "out", "back", "after", "before", "ofsted"))
#: everyday words that stand inside schools' names ("Hollins Lane Primary", "Church of
#: England", "St Mary's C of E"), between the distinctive word and the kind of school
NAME_JOINERS = frozenset(canon(w) for w in (
    "of", "and", "the", "st", "saint", "c", "e", "ce", "rc", "church", "england", "catholic",
    "methodist", "lane", "road", "street", "hill", "park", "green", "wood", "vale", "valley",
    "bridge", "farm", "field", "fields", "north", "south", "east", "west", "upper", "lower",
    "great", "little", "new", "old", "high", "community", "county", "village", "federation",
    "free"))   # (kinds of school are allowed between too: SCHOOL_KINDS)
#: the phrase a line shaped like a school's name is reported as
ANY_SCHOOL = "a school's name"


def any_school_name(text: str) -> SchoolHit | None:
    """A line shaped like a school's name, whichever school: a kind of school ("Primary",
    "Academy") with a distinctive word (not an everyday or sign word, 3+ letters) up to three
    words before it. Unsure (policy covers it and asks a person to look) and found whether or
    not the school's own name is set: before it is set, nothing else finds a badge's "Oakfield
    Primary School" (walk s33); after, it catches what the configured name does not ("Oakfeld
    Primary", a school renamed). "Summer School", "Forest School", "Primary School" alone, a
    word and "School" on either side of a colon or a dash: no."""
    toks = words(text)
    keys = [k for _, k, _, _ in toks]
    for i, key in enumerate(keys):
        if key not in SCHOOL_KINDS:
            continue
        for j in range(max(0, i - 3), i):
            k = keys[j]
            between = text[toks[j][3]:toks[i][2]]
            if len(k) >= 3 and k not in SCHOOL_KINDS and k not in NOT_A_SCHOOL_NAME and \
                    not _generic(k) and not ordinary_word(k) and \
                    not re.search(r"[^\w\s'\u2019.&]", between) and \
                    all(m in SCHOOL_KINDS or m in NAME_JOINERS or not ordinary_word(m)
                        for m in keys[j + 1:i]):   # "Olivia at school": not a name's words
                return SchoolHit("name", ANY_SCHOOL, 50.0, True, (toks[j][2], toks[i][3]))
    return None


def mark_school_texts(items: Iterable[TextItem], matcher: SchoolMatcher | None) -> None:
    """Set ``school`` and ``school_unsure`` on every line that names the school (in place):
    the school's own identifiers (``matcher``, when set), else a line shaped like any school's
    name (``any_school_name``, unsure)."""
    for item in items:
        hit = matcher.match(item.text) if matcher is not None and not matcher.empty else None
        hit = hit or any_school_name(item.text)
        if hit is not None:
            item.school, item.school_unsure = hit.what, hit.unsure


__all__ = ["ANY_SCHOOL", "SchoolHit", "SchoolMatcher", "any_school_name", "find_small_school_text",
           "mark_school_texts", "school_words",
           "zoom_regions"]
