"""What a line of text is: a person's name from the register, something that looks like a
name PhotoVet cannot place, or ordinary text. Independent of the channel, so the result is
cached with the analysis; policy.py decides what to cover.

Fail closed: a pupil's first name alone counts; an ambiguous first name is still covered;
something that looks like a name but is not in the register is covered and flagged for review.
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from photovet.core.models import UNREAD_AFTER_CUE, Person, TextItem
from photovet.core.vision.text.ocr import Read

# --------------------------------------------------------------------------------------------
# Names: normalisation and matching
# --------------------------------------------------------------------------------------------

TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "mme", "mlle", "rev"}

# Generic words that are not people's names: signs, school life, calendars. A line made only of
# capitalised words is "name-like" unless one of them is one of these. (Generic English, not
# taken from any test set.)
NON_NAME_WORDS = set([
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "is", "it",
    "we", "you", "our", "your", "my", "me", "us", "all", "welcome", "back", "well", "done", "good", "great",
    "happy", "merry", "new", "year", "years", "class", "school", "primary", "secondary", "academy", "college",
    "nursery", "infant", "infants", "junior", "juniors", "high", "grammar", "academy", "trust", "university",
    "day", "days", "week", "weeks", "month", "term", "half", "sports", "sport", "fun", "fete", "fair",
    "party", "disco", "assembly", "concert", "show", "play", "club", "team", "house", "hall", "room",
    "office", "reception", "toilet", "toilets", "exit", "entrance", "way", "fire", "door", "gate", "car",
    "park", "carpark", "staff", "only", "no", "not", "please", "keep", "clear", "push", "pull", "open",
    "closed", "quiet", "library", "kitchen", "canteen", "dining", "lunch", "break", "playground", "field",
    "gym", "garden", "music", "art", "science", "maths", "math", "english", "history", "geography",
    "computing", "reading", "writing", "spelling", "phonics", "topic", "subject", "name", "names",
    "certificate", "achievement", "award", "awarded", "star", "stars", "student", "pupil", "pupils",
    "teacher", "teachers", "headteacher", "head", "deputy", "assistant", "teaching", "support", "coordinator",
    "governor", "governors", "parent", "parents", "visitor", "visitors", "guest", "volunteer", "council",
    "captain", "prefect", "monitor", "book", "books", "exercise", "work", "homework", "project", "trip",
    "farm", "bus", "visit", "world", "national", "international", "christmas", "easter", "summer", "autumn",
    "winter", "spring", "holiday", "holidays", "birthday", "celebration", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "june", "july",
    "august", "september", "october", "november", "december", "hello", "hi", "bye", "thank", "thanks", "you",
    "congratulations", "mum", "dad", "family", "families", "friends", "friend", "road", "street", "lane",
    "avenue", "drive", "close", "way", "church", "centre", "center", "community", "city", "town", "village",
    "station", "north", "south", "east", "west", "upper", "lower", "main", "first", "second", "third",
    "fourth", "fifth", "sixth", "last", "best", "winner", "winners", "champion", "champions", "proud", "red",
    "orange", "yellow", "green", "blue", "purple", "pink", "black", "white", "brown", "grey", "gold",
    "silver", "bronze", "oak", "ash", "elm", "beech", "birch", "willow", "maple", "pine", "cedar", "rowan",
    "hello", "my", "name", "is", "am", "this", "presented", "awarded", "signed", "date", "id", "card", "pass",
    "badge", "lanyard", "visitor", "outstanding", "effort", "efforts", "excellent", "excellence", "fantastic",
    "brilliant", "super", "amazing", "wonderful", "kindness", "kind", "helpful", "attitude", "respect",
    "courage", "resilience", "teamwork", "attendance", "punctuality", "behaviour", "behavior", "progress",
    "improvement", "improved", "perfect", "participation", "contribution", "member", "hard", "working",
    "worker", "learner", "learning", "reader", "writer", "mathematician", "scientist", "artist", "athlete",
    "presentation", "performance", "achievement", "achiever", "effort", "values", "value", "ambassador",
    "leader", "reader", "form", "tutor", "year", "reception", "nursery", "key", "stage", "ks1", "ks2", "ks3",
    "ks4", "eyfs", "sen", "senco", "pe", "re", "pshe", "ofsted", "ptfa", "pta", "friends", "foundation",
    "federation", "multi", "mat", "diocese", "church", "ce", "rc", "st", "saint",
])

# Short forms written in capitals in school captions that are no one's initials ("PE", "DT",
# "KS2", "PTA", "BBC"), beside those already in NON_NAME_WORDS ("pe", "re", "pta"): a caption
# on a channel that shows no names may hold them though a pupil's initials are the same letters
# (a pupil called Poppy Evans does not make "PE with Year 3" name her). Kept apart from
# NON_NAME_WORDS: two-letter pieces there would let the badge reader take a name for words glued
# together (``_known_words``). (General knowledge of UK school life, not taken from any test
# set.)
CAPTION_ABBREVIATIONS = frozenset([
    "pe", "re", "dt", "it", "ict", "rse", "pshe", "mfl", "sats", "ks", "eyfs", "sen", "send",
    "senco", "ta", "hlta", "lsa", "slt", "ht", "fsm", "pp", "ppa", "cpd", "inset", "dbs", "ehcp",
    "dfe", "la", "pta", "ptfa", "pfa", "pto", "ofsted", "nhs", "bbc", "itv", "tv", "uk", "gb", "eu",
    "us", "un", "fc", "afc", "rfc", "cc", "pc", "mp", "gp", "dj", "mc", "cd", "dvd", "ok", "am",
    "pm", "ve", "vj", "ww", "raf", "rnli", "rspb", "rspca", "nspcc", "wwf", "stem", "diy", "faq",
    "ps", "nb", "eg", "ie", "aka", "id", "qr", "hq", "fa", "rfu", "ecb", "wi", "ymca", "cbbc",
    "ppe", "cpr", "sos", "gcse", "yr", "abc", "rsvp", "asap", "bst", "gmt", "st", "rc", "ce",
    "ad", "bc", "hm", "mbe", "obe", "cbe", "vip", "mvp", "pb", "ep",
    # three letters (s34: three capitals may be initials with a middle name, "TJW"): days and
    # months ("FRI 12 JUL"), and short forms school posts use
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "eal", "dsl", "lac",
    "tbc", "tba", "usa", "dna", "etc", "ltd", "plc", "rip", "lol", "omg", "fyi", "btw", "yay",
    "eco", "pre", "bio", "geo", "fab",      # ("ECO-COUNCIL", "PRE-SCHOOL")
])


# Two letters in lower case that are a word or a short form, beyond ``everyday_word`` and the
# short forms above: a caption's "oh", "mr", "cm", "vs" are not initials ("well done tw" are,
# for a pupil on the do-not-photograph list: captions._typed_initials)
TWO_LETTER_WORDS = frozenset([
    "ah", "aw", "ay", "eh", "ex", "ha", "lo", "ma", "mo", "mu", "oh", "ow", "ox", "pa", "pi",
    "uh", "um", "ye", "yo", "xo", "mr", "ms", "mx", "dr", "th", "nd", "rd", "kg", "km", "cm",
    "mm", "ml", "hr", "lb", "oz", "ft", "yd", "vs", "wk", "bn", "gm", "op", "od", "fm", "hp",
])


def abbreviation(letters: str) -> bool:
    """Are these capitals ("PE", "KS", "BBC") a short form school captions use, not initials?"""
    return letters.lower() in CAPTION_ABBREVIATIONS


# The most common English words (function words and everyday verbs): a line made of these is
# prose, and a word glued together from them by the reader ("awardedto", "THEPOND") is too.
COMMON_ENGLISH = set([
    "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it", "its", "they",
    "them", "their", "a", "an", "the", "this", "that", "these", "those", "there", "here", "what", "which",
    "who", "whom", "whose", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more",
    "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too", "very",
    "can", "will", "just", "should", "now", "and", "but", "or", "if", "because", "as", "until", "while", "of",
    "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before", "after",
    "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again",
    "further", "then", "once", "be", "is", "am", "are", "was", "were", "been", "being", "have", "has", "had",
    "having", "do", "does", "did", "doing", "go", "goes", "went", "going", "gone", "get", "got", "make",
    "made", "see", "saw", "seen", "look", "looked", "come", "came", "take", "took", "give", "gave", "like",
    "liked", "love", "loved", "want", "wanted", "play", "played", "playing", "feed", "feeding", "fed", "eat",
    "ate", "eating", "find", "found", "think", "thought", "say", "said", "tell", "told", "know", "knew",
    "use", "used", "work", "worked", "call", "called", "try", "tried", "ask", "asked", "need", "felt", "feel",
    "big", "small", "little", "good", "great", "new", "old", "first", "last", "long", "young", "high", "low",
    "next", "early", "late", "few", "lot", "lots", "many", "much", "one", "two", "three", "four", "five",
    "six", "seven", "eight", "nine", "ten", "day", "days", "time", "times", "way", "thing", "things",
    "people", "man", "woman", "child", "children", "boy", "boys", "girl", "girls", "world", "life", "hand",
    "part", "place", "week", "weeks", "home", "house", "water", "room", "mother", "father", "friend",
    "friends", "trip", "farm", "cow", "cows", "sheep", "pig", "pigs", "horse", "horses", "dog", "dogs", "cat",
    "cats", "bus", "car", "train", "tractor", "pond", "lake", "river", "park", "beach", "sea", "sun", "sunny",
    "rain", "rainy", "snow", "tree", "trees", "flower", "flowers", "animal", "animals", "bird", "birds",
    "field", "lunch", "dinner", "breakfast", "today", "yesterday", "tomorrow", "morning", "afternoon",
    "evening", "night", "fun", "nice", "lovely", "happy", "sad", "best",
])

def everyday_word(word: str) -> bool:
    """Is ``word``, in any case, one of the most common English words or a word of signs and
    school life ("to", "we", "go", "no")? (As written: no look-alike letters read as others.)"""
    return word.lower() in COMMON_ENGLISH or word.lower() in NON_NAME_WORDS


# The name of a school or other institution: a line with one of these is not a person's name
# even when its other words are unknown ("Oakfield Primary School", "St Mary's CE").
INSTITUTION_WORDS = set([
    "school", "schools", "primary", "secondary", "academy", "college", "nursery", "infant", "infants",
    "junior", "juniors", "high", "grammar", "trust", "university", "federation", "church", "ce", "rc", "st",
    "saint", "diocese", "preschool", "pre", "playgroup", "centre", "center", "club",
])

# First names or surnames that are also everyday words: matched alone only when the line is
# just the name (a badge), not inside ordinary text ("May 2026", "Green Class").
COMMON_WORD_NAMES = set([
    "may", "june", "april", "august", "summer", "autumn", "winter", "spring", "day", "will", "bill", "mark",
    "art", "hope", "joy", "faith", "grace", "rose", "lily", "daisy", "ivy", "holly", "hazel", "poppy",
    "violet", "iris", "ruby", "pearl", "amber", "crystal", "star", "sky", "river", "rain", "storm", "sunny",
    "dawn", "eve", "honey", "rich", "sandy", "rusty", "dusty", "ray", "page", "king", "bell", "rice", "hill",
    "wood", "woods", "hall", "green", "brown", "white", "black", "gray", "grey", "young", "price", "long",
    "short", "little", "small", "love", "may", "rose", "cook", "baker", "fisher", "hunter", "mason", "turner",
    "walker", "taylor", "carter", "shepherd", "day", "north", "south", "west", "east", "lord", "knight",
    "bishop", "parsons", "chase", "cash", "golden", "silver", "stone", "brook", "field", "fields", "lane",
    "mills", "miles", "rivers", "banks", "bush", "church", "flower", "rush", "wells", "wise", "best",
])

_CONFUSIONS = [
    ("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("|", "l"), ("!", "l"), ("i", "l"),
    ("5", "s"), ("$", "s"), ("8", "b"), ("2", "z"), ("6", "g"), ("@", "a"),
]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def canon(text: str) -> str:
    """A comparison key robust to case, accents and common OCR confusions ("Olivia" ~ "0LlVIA")."""
    s = strip_accents(text).lower()
    s = s.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    for a, b in _CONFUSIONS:
        s = s.replace(a, b)
    return re.sub(r"[^a-z]", "", s)


_NON_NAME_KEYS = {canon(w) for w in NON_NAME_WORDS}
_INSTITUTION_KEYS = {canon(w) for w in INSTITUTION_WORDS}
# (no one-letter pieces: "Amy" is not "a" + "my")
# units written after a number ("45mins", "30secs", "2hrs"): words, though no dictionary's
UNIT_WORDS = frozenset(["mins", "secs", "hrs", "yrs", "mths", "wks", "mph", "kph", "lbs", "kgs",
                        "pts", "ltrs", "mls", "cms", "kms"])
_KNOWN_KEYS = {k for k in _NON_NAME_KEYS | {canon(w) for w in COMMON_ENGLISH | UNIT_WORDS}
               if len(k) >= 2}
_LONG_KNOWN = sorted(k for k in _KNOWN_KEYS if len(k) >= 6)
_COMMON_KEYS = {canon(w) for w in COMMON_WORD_NAMES} | _NON_NAME_KEYS
_TITLE_KEYS = {canon(t) for t in TITLES}

_TOKEN_RE = re.compile(r"[^\s,;:·•/()\[\]{}<>\"“”]+")


@dataclass
class _Token:
    raw: str          # as read (punctuation trimmed)
    key: str          # canon()
    start: int
    end: int
    glued: bool = False   # split from the previous token without a space ("LilyWright")

    @property
    def capitalised(self) -> bool:
        letters = [c for c in self.raw if c.isalpha()]
        return bool(letters) and letters[0].isupper()

    @property
    def is_initial(self) -> bool:
        r = self.raw.rstrip(".")
        return len(r) == 1 and r.isalpha()

    @property
    def alpha(self) -> bool:
        r = self.raw.replace("'", "").replace("’", "").replace("-", "").rstrip(".!?")
        return bool(r) and r.isalpha()


def _split_points(chunk: str) -> list[int]:
    """Where OCR glued words together: "LilyWright", "Year5", "A.CLASS"."""
    cuts = []
    for k in range(1, len(chunk)):
        a, b = chunk[k - 1], chunk[k]
        if a.islower() and b.isupper():
            # keep "McDonald"/"MacLeod" whole; "O'Connor" has an apostrophe, not a case change
            head = chunk[:k]
            if head.endswith(("Mc", "Mac")) and (len(head) in (2, 3) or not head[-4:-2].isalpha()):
                continue
            cuts.append(k)
        elif (a.isalpha() and b.isdigit()) or (a.isdigit() and b.isalpha()):
            # a short digit run inside a word is an OCR confusion ("L1oyd", "0livia"): keep it
            lo = k if b.isdigit() else k - 1
            while lo > 0 and chunk[lo - 1].isdigit():
                lo -= 1
            hi = lo
            while hi < len(chunk) and chunk[hi].isdigit():
                hi += 1
            inside = lo > 0 and hi < len(chunk) and chunk[lo - 1].isalpha() and chunk[hi].isalpha()
            if not (inside and hi - lo <= 2):
                cuts.append(k)
        elif a == "." and b.isalpha():
            cuts.append(k)
    return cuts


def _tokens(text: str) -> list[_Token]:
    toks = []
    for m in _TOKEN_RE.finditer(text):
        chunk = m.group(0)
        bounds = [0, *_split_points(chunk), len(chunk)]
        for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
            raw = chunk[a:b]
            stripped = raw.strip(".!?'’-_*★☆")
            if not stripped:
                continue
            off = raw.find(stripped)
            start = m.start() + a + off
            raw_keep = stripped + "." if (len(stripped) == 1 and raw.endswith(".")) else stripped
            toks.append(_Token(raw_keep, _word_key(stripped), start, start + len(stripped),
                               glued=n > 0))
    return toks


_POSSESSIVE = ("'s", "’s", "'S", "’S")


def _word_key(word: str) -> str:
    """``canon`` of a word, without the possessive "'s": "Amy's painting" names Amy (audit
    s30: "Amy's painting won" and "Leo's painting won" passed, "amys" being no name)."""
    if len(word) > 2 and word.endswith(_POSSESSIVE) and word[-3].isalnum():
        word = word[:-2]
    return canon(word)


def words(text: str) -> list[tuple[str, str, int, int]]:
    """The words of a line as the name matcher sees them: (as read, comparison key from
    ``canon``, start, end), split where OCR glued words together. Other matchers (the school's
    identifiers) compare words the same way."""
    return [(t.raw, t.key, t.start, t.end) for t in _tokens(text)]


def ordinary_word(key: str) -> bool:
    """Is this comparison key an everyday or school-life word ("primary", "hill", "green")?"""
    return key in _COMMON_KEYS


def generic_word(key: str) -> bool:
    """Is this comparison key a word of signs and school life ("primary", "school", "road")?"""
    return key in _NON_NAME_KEYS


# The most common surnames in England and Wales: one of these misspelt alone in a caption names
# nobody in particular ("Smtih"); a rarer one does ("Winterbotom"). (General knowledge of UK
# surnames, not taken from any test set.)
COMMON_SURNAMES = set([
    "smith", "jones", "williams", "taylor", "brown", "davies", "evans", "wilson", "thomas", "johnson",
    "roberts", "robinson", "thompson", "wright", "walker", "white", "edwards", "hughes", "green",
    "hall", "lewis", "harris", "clarke", "clark", "patel", "jackson", "wood", "turner", "martin",
    "cooper", "hill", "ward", "morris", "moore", "lee", "king", "baker", "harrison", "morgan",
    "allen", "james", "scott", "phillips", "watson", "davis", "parker", "price", "bennett", "young",
    "griffiths", "mitchell", "kelly", "cook", "carter", "richardson", "bailey", "collins", "bell",
    "shaw", "murphy", "miller", "cox", "richards", "khan", "marshall", "anderson", "simpson", "ellis",
    "adams", "singh", "begum", "wilkinson", "foster", "chapman", "powell", "webb", "rogers", "gray",
    "grey", "mason", "ali", "hunt", "hussain", "campbell", "matthews", "owen", "palmer", "holmes",
    "mills", "barnes", "knight", "lloyd", "butler", "russell", "barker", "fisher", "stevens",
    "jenkins", "murray", "dixon", "harvey", "graham", "pearson", "ahmed", "fletcher", "walsh",
    "kaur", "gibson", "howard", "andrews", "stewart", "elliott", "reynolds", "saunders", "payne",
    "fox", "ford", "pearce", "day", "brooks", "west", "lawrence", "cole", "atkinson", "bradley",
    "spencer", "gill", "dawson", "ball", "burton", "obrien", "watts", "rose", "booth", "perry",
    "ryan", "grant", "wells", "armstrong", "francis", "rees", "hayes", "hart", "hudson", "newman",
    "barrett", "webster", "hunter", "gregory", "carr", "lowe", "page", "marsh", "riley", "dunn",
    "woods", "parsons", "berry", "stone", "reid", "holland", "hawkins", "harding", "porter",
    "robertson", "newton", "oliver", "reed", "kennedy", "williamson", "bird", "gardner", "shah",
    "dean", "lane", "cooke", "bates", "henderson", "parry", "burgess", "bishop", "walton", "burns",
    "nicholson", "shepherd", "ross", "cross", "long", "freeman", "warren", "nicholls", "hamilton",
    "byrne", "sutton", "mcdonald", "yates", "hodgson", "robson", "curtis", "hopkins", "obrien",
    "kim", "nguyen", "chen", "wang", "li", "zhang", "liu", "rahman", "islam", "miah", "uddin",
    "hussein", "mahmood", "akhtar", "iqbal", "sharma", "kumar",
])

_COMMON_SURNAME_KEYS = {canon(w) for w in COMMON_SURNAMES}

# Surnames that are everyday words (trades): their plural opening a sentence is the word
# ("Farmers market on Saturday"; names.NameMatcher._plural_of_a_word). (General English, not
# taken from any test set.)
WORD_SURNAMES = set([
    "farmer", "baker", "cook", "fisher", "hunter", "mason", "turner", "walker", "carter",
    "shepherd", "painter", "potter", "gardener", "butcher", "archer", "miller", "weaver",
    "porter", "builder", "carpenter", "singer", "dancer", "player", "brewer", "fowler", "bishop",
    "knight", "king", "bell", "hill", "wood", "field", "brook", "stone", "mill", "bird",
])
_WORD_SURNAME_KEYS = {canon(w) for w in WORD_SURNAMES}
# names that are everyday words (first names, surnames): their plural in lower case is the word
_WORD_NAME_KEYS = _COMMON_KEYS | _WORD_SURNAME_KEYS
_NOT_AFTER_A_WORD_KEYS = {canon(w) for w in (
    "family", "families", "twins", "household", "and", "or", "are", "were", "was", "is", "have",
    "has", "had", "will", "who", "all", "both")}

# A first name that is an everyday word ("Summer", "Rose", "Autumn") capitalised as the first
# word of one of these in a caption is the word: a school event, term or place ("Summer fair",
# "Autumn term", "Rose class", "Rose garden"). (General school-calendar words, not taken from
# any test set.)
WORD_NAME_PHRASES = set([
    "fair", "fayre", "fete", "term", "terms", "concert", "concerts", "show", "holiday", "holidays",
    "festival", "camp", "school", "club", "party", "disco", "ball", "uniform", "timetable", "menu",
    "newsletter", "production", "performance", "class", "classes", "garden", "gardens",
    "playground", "sports", "fun", "reading", "challenge", "walk", "trip", "half",
])
# ... and one that is a verb ("Hope") opening a sentence, followed by one of these
# ("Hope you all have a lovely half term", "Hope to see you there")
WORD_NAME_VERBS = set(["hope"])
_PHRASE_KEYS = {canon(w) for w in WORD_NAME_PHRASES}
_VERB_KEYS = {canon(w) for w in WORD_NAME_VERBS}
_AFTER_VERB_KEYS = {canon(w) for w in ("you", "we", "everyone", "everybody", "all", "to", "that",
                                       "your")}
# An article or a demonstrative right before a word makes it a thing, not a person: "the Isle
# of Wight", "the Games afternoon", "a Slice of cake" (no one writes "the Olivia"); not before
# a word for a family ("the Copper family" may be the Coopers typed with a slip).
_ARTICLE_KEYS = {canon(w) for w in ("the", "a", "an", "this", "that", "these", "those")}
_FAMILY_KEYS = {canon(w) for w in ("family", "families", "twins", "household", "siblings",
                                   "brothers", "sisters")}
# the shortest common surname taken for a name when typed with a slip alone
_SLIP_ALONE_MIN = 5
# ... and the shortest pupil's first name; one shorter than _SLIP_ALONE_MIN only with two
# letters swapped ("Loe" for Leo, "Evei" for Evie): a letter missing, extra or wrong in a name
# of three or four letters makes another name or a place ("Ella": Bella, Elsa; "Mila": Milan;
# "Isla": Islam) as often as a slip (measured s31 on bench/captions.py's register: of SCOWL's
# 9,635 names and places that are no pupil's name, 125 refused inside a sentence before; 219
# with every slip of a four-letter first name, 129 with swaps of three- and four-letter ones)
_SLIP_ALONE_FIRST_MIN = 3
# a name inside a longer run of letters read with no space (``NameMatcher._run_together``): the
# shortest first name and surname together, and the shortest first name or surname alone
_RUN_FULL_MIN = 6
_RUN_ALONE_MIN = 4
# everyday words as spelt: never taken for a name typed with a slip
_EVERYDAY = {w for w in NON_NAME_WORDS | COMMON_ENGLISH | COMMON_WORD_NAMES if w.isalpha()}


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """An English word list (SCOWL's British English list, as Debian's ``wbritish`` ships it;
    its licence is ``data/LICENSE-english_words.txt``; how it was made: ``data/README.txt``),
    lower case, letters only, read once when first asked. Used only to tell an ordinary word
    written where an ordinary word is (opening a sentence, after "the", in lower case) from a
    pupil's name typed with a slip ("Games afternoon" is not James, "the Isle of Wight" is not
    Elsie: NameMatcher._ordinary_word_near). It has no word that SCOWL also
    spells with a capital (names and places: "harry", "robin", "olive"), nor such a name with a
    letter doubled ("marry" for Mary: the commonest slip in a name), and none of the
    surnames and name-words PhotoVet knows (``COMMON_SURNAMES``, ``WORD_SURNAMES``,
    ``COMMON_WORD_NAMES``): such a word typed is more likely a name than the word."""
    raw = importlib.resources.files("photovet.core.vision.text").joinpath("data", "english_words.txt.gz")
    text = gzip.decompress(raw.read_bytes()).decode("ascii")
    names = {w for w in COMMON_SURNAMES | WORD_SURNAMES | COMMON_WORD_NAMES if w.isalpha()}
    return frozenset(text.split()) - names


def _spelling(text: str) -> str:
    """The letters as spelt, lower case, accents removed (no OCR-like confusions undone)."""
    return re.sub(r"[^a-z]", "", strip_accents(text).lower())


def _one_slip(typed: str, name: str) -> bool:
    """Is ``typed`` the comparison key ``name`` with one slip: two adjacent letters swapped, or
    one letter missing, extra or wrong (Damerau distance 1; OCR-like confusions are already
    undone by ``canon``)? Names of three letters allow only a swap, shorter ones nothing."""
    if typed == name or len(name) < 3:
        return False
    la, lb = len(typed), len(name)
    if la == lb:
        diff = [k for k in range(la) if typed[k] != name[k]]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            a, b = diff
            return typed[a] == name[b] and typed[b] == name[a]
        return len(diff) == 1 and lb >= 4
    if lb < 4 or abs(la - lb) != 1:
        return False
    short, long_ = (typed, name) if la < lb else (name, typed)
    k = 0
    while k < len(short) and short[k] == long_[k]:
        k += 1
    return short[k:] == long_[k + 1:]


# what may stand between the end of a sentence and its first word: spaces, line breaks, an
# opening quote or bracket, a bullet ('Great day. "Games afternoon" next', "• Hope you...")
_BEFORE_A_SENTENCE = " \t\r\n\u2028\u2029\"'“‘([{•·*★☆"
_SENTENCE_ENDS = (".", "!", "?", ":", ";", "…")
_LINE_BREAKS = ("\n", "\r", "\u2028", "\u2029")


def _swapped(tok: _Token, key: str, spellings: Iterable[str] = ()) -> bool:
    """Is ``tok`` the name ``key`` (or one of its ``spellings``) with two adjacent letters
    swapped ("Loe" for Leo, "Evei" for Evie), in its comparison key or as spelt?"""
    def swap(a: str, b: str) -> bool:
        d = [k for k in range(len(a)) if a[k] != b[k]] if len(a) == len(b) else []
        return len(d) == 2 and d[1] == d[0] + 1 and a[d[0]] == b[d[1]] and a[d[1]] == b[d[0]]
    spelt = _spelling(tok.raw)
    if tok.raw.endswith(_POSSESSIVE):
        spelt = spelt[:-1]
    return swap(tok.key, key) or any(swap(spelt, n) for n in spellings)


def _ends_name(between: str) -> bool:
    """Do the characters ``between`` two words of a caption end a name there (punctuation, or a
    line break: names listed one to a line)? One or more spaces do not."""
    return bool(between.strip()) or "\n" in between or "\r" in between


def _opens_sentence(text: str, tok: _Token) -> bool:
    """Is ``tok`` the first word of ``text``, of a sentence in it (after ".", "!", "?", ":",
    ";" or "…") or of a line? An opening quote, bracket or bullet before it changes nothing.
    The one rule for "opens a sentence", where a capital is grammar's rather than a name's
    (``NameMatcher._misspelt``, ``_plural_of_a_word``, ``_the_word_itself``)."""
    before = text[:tok.start]
    if not any(c.isalnum() for c in before):
        return True         # nothing but punctuation before it: the first word
    kept = before.rstrip(_BEFORE_A_SENTENCE)
    return kept.endswith(_SENTENCE_ENDS) or any(b in before[len(kept):] for b in _LINE_BREAKS)


def _after_a_colon(text: str, tok: _Token) -> bool:
    """Does ``tok`` come right after a colon (spaces, a line break, an opening quote or bracket
    aside)? A colon introduces a name as often as a sentence: "Star of the week: Gorge" is
    George (review s31), so a word one slip from a name is not taken for the word there."""
    return text[:tok.start].rstrip(_BEFORE_A_SENTENCE).endswith(":")


def _english_word(tok: _Token) -> bool:
    """Is ``tok``, letters only as typed (an "'s" or a full stop after it aside), a word of the
    English word list?"""
    raw = tok.raw
    for end in _POSSESSIVE:
        if raw.endswith(end):
            raw = raw[:-len(end)]
    raw = raw.rstrip(".!?")
    return raw.isascii() and raw.isalpha() and raw.lower() in english_words()


_LINE_SPLIT = re.compile(r"\r\n|[\n\r\u2028\u2029]")


def _in_capitals(text: str, tok: _Token) -> bool:
    """Is the line of ``text`` that ``tok`` is on written in capitals (no lower-case letter)?"""
    starts = [m.end() for m in _LINE_SPLIT.finditer(text, 0, tok.start)]
    start = starts[-1] if starts else 0
    m = _LINE_SPLIT.search(text, tok.end)
    line = text[start:m.start() if m else len(text)]
    return not any(c.islower() for c in line)


def _caps_line_of_words(text: str, toks: Sequence[_Token]) -> set[int]:
    """The indices of ``toks`` on a line of ``text`` written in capitals ("GORGE WALKING ON
    THE RESIDENTIAL") where every word is an ordinary English word (``english_words``, or a
    common or school word; numbers aside, a letter alone only "A" or "I"). In capitals, a
    capital says nothing: such a line is ordinary text, as the same words in lower case are
    (a word near a name is not taken for it there; a name exactly as written still is)."""
    out: set[int] = set()
    start = 0
    for m in [*_LINE_SPLIT.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        line = text[start:end]
        if any(c.isupper() for c in line) and not any(c.islower() for c in line):
            on = [k for k, t in enumerate(toks) if start <= t.start and t.end <= end]
            if on and all(_ordinary_in_capitals(toks[k]) for k in on):
                out.update(on)
        if m is not None:
            start = m.end()
    return out


def _ordinary_in_capitals(tok: _Token) -> bool:
    if not any(c.isalpha() for c in tok.raw):
        return True         # a number, a sign ("YEAR 6", "&")
    if any(c.isdigit() for c in tok.raw):
        return False        # digits read or typed for letters ("AI5HA"): no ordinary word
    if len(tok.key) == 1:
        return tok.raw.rstrip(".") in ("A", "I")
    return _english_word(tok) or tok.key in _KNOWN_KEYS


def _plural_of(tok: _Token, key: str) -> bool:
    """Is ``tok``, as spelt, the plural of the word ``key`` ("roses", "daisies", "summers")?"""
    spelt = _spelling(tok.raw)
    forms = {key + "s", key + "es"}
    if key.endswith("y"):
        forms.add(key[:-1] + "ies")
    return spelt in forms


def _only_the_ending(tok: _Token, key: str, spellings: Iterable[str]) -> bool:
    """Does ``tok`` differ from the name (its ``key``, or one of its ``spellings``) only in its
    last letter, and end as words do that grammar changes (-s, -d, -r, -y: "painted" for
    Painter, "farmers" for Farmer)? Alone, that is an everyday word rather than a surname typed
    with a slip ("Crowthet" is a slip)."""
    def ending(a: str, b: str) -> bool:
        k = len(os.path.commonprefix([a, b]))
        return k >= min(len(a), len(b)) - 1 and k >= 4 and a.endswith(("s", "d", "r", "y"))
    typed, spelt = tok.key, _spelling(tok.raw)
    if tok.raw.endswith(_POSSESSIVE):
        spelt = spelt[:-1]      # "Nwankwi's": the name is "Nwankwi" (the key has no "'s")
    return ending(typed, key) or any(ending(spelt, n) for n in spellings)


def _cut_short_misread(read: str, surnames: Iterable[str]) -> bool:
    """Is ``read`` (4 letters or more) the start of one of ``surnames``, at least 3 letters
    shorter than it, with one letter read wrong ("greer" for "greenwood")?"""
    if len(read) < 4:
        return False
    return any(len(s) >= len(read) + 3 and
               sum(a != b for a, b in zip(read, s[:len(read)])) == 1 for s in surnames)


def _split_name(pieces: Sequence[_Token], key: str) -> bool:
    """Are these words one name (``key``) that the reader split at spaces ("WINTER BOTTOM" for
    Winterbottom, "MAC DONALD", "O CONNOR", "JOHN MAC DONALD")? Every piece is a capitalised
    or upper-case word (an "O" too), and each piece at either end is needed to make the name:
    without it fewer letters than the name has are left ("JOHN SMITH AND" is John Smith and a
    word)."""
    if not all(t.alpha and (t.capitalised or t.raw.isupper()) for t in pieces):
        return False
    joined = "".join(t.key for t in pieces)
    return (len(joined) - len(pieces[0].key) < len(key)
            and len(joined) - len(pieces[-1].key) < len(key))


@dataclass
class NameHit:
    """A register person's name found in a line of text."""

    person: str | None          # register id; None when the name fits several pupils
    role: str                   # "pupil" | "staff"
    form: str                   # "full", "surname_forename", "initial", "forename", "surname",
                                # "title_surname"
    score: float                # 0..100 fuzzy similarity
    span: tuple[int, int]       # character span in the text
    candidates: list[str] = field(default_factory=list)   # every id the name fits
    missing_chars: int = 0      # the line ends inside the name (box cut short): letters not read
    misspelt: bool = False      # a slip away from the name ("Jhon Smtih"): in captions only
    weak: bool = False          # ... a first name or common surname alone ("Olivai", "Smtih"):
                                # it may be an everyday word the lists do not know ("Games")


_FORM_RANK = {"full": 6, "surname_forename": 6, "title_surname": 5, "initial": 5,
              "forename": 3, "surname": 2}


@dataclass
class _Variant:
    key: str
    person: str
    role: str
    form: str
    ntok: int
    attributed: bool = True     # False: found, but matched to nobody for certain
    #: matched only as written, never one slip away: a first initial run into a surname
    #: ("jsmith"; "viking" is not V. King)
    exact_only: bool = False


#: what a first name is often shortened to in the UK (a few for each; none that is an English
#: word: ``_nicknames``)
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "abigail": ("abbie", "abby", "abi"), "alexander": ("alex", "alfie", "xander"),
    "alexandra": ("alex", "lexi", "alexa"), "alfred": ("alfie", "alf"),
    "amelia": ("millie", "mia", "amy"), "anthony": ("tony", "ant"),
    "archibald": ("archie",), "benjamin": ("ben", "benji", "benny"),
    "catherine": ("cathy", "kate", "katie", "cat"), "charles": ("charlie", "chas"),
    "charlotte": ("lottie", "charlie", "lotte"), "christopher": ("chris", "kit"),
    "daniel": ("dan", "danny"), "david": ("dave", "davey"), "edward": ("eddie", "ed", "ted"),
    "eleanor": ("ellie", "nell", "nora"), "elizabeth": ("liz", "lizzie", "beth", "eliza", "libby"),
    "emily": ("em", "emmy", "millie"), "francesca": ("fran", "frankie", "chessie"),
    "frederick": ("fred", "freddie"), "gabriel": ("gabe", "gabby"),
    "gabriella": ("gabby", "ella"), "georgina": ("georgie", "gina"), "harriet": ("hattie",),
    "henry": ("harry", "hal", "hank"), "isabella": ("bella", "izzy", "issy", "isla"),
    "isabel": ("izzy", "issy", "bel"), "isabelle": ("izzy", "issy", "belle"),
    "jacob": ("jake", "jay"), "james": ("jamie", "jim", "jimmy"), "jennifer": ("jen", "jenny"),
    "jessica": ("jess", "jessie"), "jonathan": ("jon", "jonny"), "joseph": ("joe", "joey"),
    "joshua": ("josh",), "katherine": ("kate", "katie", "kathy", "kat"),
    "leonard": ("leo", "len", "lenny"), "louisa": ("lou", "lulu"), "louise": ("lou",),
    "madeleine": ("maddie", "maddy"), "margaret": ("maggie", "meg", "peggy"),
    "matilda": ("tilly", "tilda", "mattie"), "matthew": ("matt", "matty"),
    "michael": ("mike", "mikey", "mick"), "nathaniel": ("nate", "nat"),
    "nicholas": ("nick", "nicky"), "oliver": ("olly", "ollie"), "olivia": ("liv", "livvy"),
    "patrick": ("paddy",), "penelope": ("penny", "pen"), "rebecca": ("becky", "becca"),
    "richard": ("rich", "ricky", "dick"), "robert": ("rob", "bob", "bobby", "robbie"),
    "samantha": ("sam", "sammy"), "samuel": ("sam", "sammy"), "sebastian": ("seb", "bastian"),
    "sophia": ("sophie",), "stephanie": ("steph",), "susannah": ("susie", "sue"),
    "theodore": ("theo", "teddy", "ted"), "thomas": ("tom", "tommy"), "timothy": ("tim", "timmy"),
    "tobias": ("toby", "tobi"), "victoria": ("tori", "vicky", "vikki"),
    "william": ("will", "billy", "bill", "liam", "wills"), "zachary": ("zach", "zac", "zak"),
}


def _nicknames(forenames: Iterable[str]) -> list[str]:
    """The usual short forms of these first names (``_NICKNAMES``) that are no English or
    everyday word ("Will", "Kit" and "Bill" are words) and not one of the names themselves."""
    own = {canon(f) for f in forenames}
    out: list[str] = []
    for f in forenames:
        for n in _NICKNAMES_BY_KEY.get(canon(f), ()):
            if canon(n) not in own and n not in english_words() and canon(n) not in _KNOWN_KEYS \
                    and canon(n) not in _COMMON_KEYS and n.capitalize() not in out:
                out.append(n.capitalize())
    return out


_NICKNAMES_BY_KEY = {canon(k): v for k, v in _NICKNAMES.items()}


class NameMatcher:
    """Finds register names in OCR text (any case, accents removed, OCR confusions tolerated)."""

    def __init__(self, people: Sequence[Person], *, threshold: int = 85,
                 in_sentences: bool = False):
        """``in_sentences``: the text is written prose (a caption), where a capitalised name
        that is also an everyday word ("Well done Grace!") is still a name."""
        self.in_sentences = in_sentences
        self.threshold = int(threshold)
        # rejected register rows are matched too: policy covers them (fail closed)
        self.people = list(people)
        self.by_id = {p.id: p for p in self.people}
        self._variants: list[_Variant] = []
        self.first_keys: dict[str, set[str]] = {}
        self.surname_keys: dict[str, set[str]] = {}
        for p in self.people:
            role = "staff" if p.role == "staff" else "pupil"
            # every name they are known by, now and before (former names from an import that
            # renamed them: a renamed pupil is still called by the old one), exactly alike
            self._add_names(p.id, role, p.forenames, p.surnames, attributed=True)
            if in_sentences and p.do_not_photograph:
                # what friends call them, where the register has only the name on the roll
                # ("Toby" for Tobias; s61: "Well done Toby!" passed for a pupil on the
                # do-not-photograph list): found, as a name that may be theirs
                self._add_names(p.id, role, _nicknames(p.forenames), p.surnames,
                                attributed=False, exact_only=True)
            for former in p.also_known_as:
                if former.other_person:
                    # a name this id had when it was probably someone else (the date of birth
                    # changed too): found, but matched to nobody for certain
                    self._add_names(p.id, role, former.forenames, former.surnames,
                                    attributed=False)
        self._by_key: dict[str, list[_Variant]] = {}
        for v in self._variants:
            self._by_key.setdefault(v.key, []).append(v)
        # captions: names typed with a slip ("Jhon Smtih", "Winterbotom"), see _misspelt
        self._slip_full: dict[str, list[tuple[str, str, str]]] = {}   # forename: (surname, id, role)
        self._slip_surnames: dict[str, set[str]] = {}                  # rare surname: ids
        self._spelt: dict[str, set[str]] = {}       # key: the names as spelt ("abernethy")
        # a pupil's first name or a common surname alone with a slip ("Olivai", "Smtih")
        self._slip_alone: dict[str, set[str]] = {}
        self._slip_first: set[str] = set()          # (those of them that are first names)
        self._spelt_all: set[str] = set()           # every name word as spelt (_as_written)
        if in_sentences:
            for p in self.people:
                role = "staff" if p.role == "staff" else "pupil"
                for n in (*p.forenames, *p.surnames):
                    self._spelt.setdefault(canon(n), set()).add(_spelling(n))
                    self._spelt_all.add(_spelling(n))
                    self._spelt_all.update(_spelling(x) for x in re.split(r"[-\s]+", n))
                for f in p.forenames:
                    for sn in p.surnames:
                        fk, sk = canon(f), canon(sn)
                        if fk and sk:
                            self._slip_full.setdefault(fk, []).append((sk, p.id, role))
                for sn in p.surnames:
                    sk = canon(sn)
                    if len(sk) >= 6 and sk not in _COMMON_SURNAME_KEYS and sk not in _COMMON_KEYS \
                            and sk not in _KNOWN_KEYS:
                        self._slip_surnames.setdefault(sk, set()).add(p.id)
                    elif len(sk) >= _SLIP_ALONE_MIN and sk not in _COMMON_KEYS \
                            and sk not in _KNOWN_KEYS:
                        # a common surname (or a short one): alone with a slip, still theirs
                        self._slip_alone.setdefault(sk, set()).add(p.id)
                if role == "pupil":
                    for f in p.forenames:
                        fk = canon(f)
                        if len(fk) >= _SLIP_ALONE_FIRST_MIN and fk not in _KNOWN_KEYS \
                                and fk not in _COMMON_KEYS:     # not "Grade" for Grace
                            self._slip_alone.setdefault(fk, set()).add(p.id)
                            self._slip_first.add(fk)

    def _add_names(self, pid: str, role: str, firsts: Iterable[str], surnames: Iterable[str],
                   *, attributed: bool, exact_only: bool = False) -> None:
        """Every form of these names (``exact_only``: matched only as written, never one
        slip away)."""
        firsts, surnames = list(dict.fromkeys(firsts)), list(dict.fromkeys(surnames))
        for f in firsts:
            fk = canon(f)
            if not fk:
                continue
            self.first_keys.setdefault(fk, set()).add(pid)
            self._add(fk, pid, role, "forename", len(f.split()), attributed, exact_only=exact_only)
            for s in surnames:
                sk = canon(s)
                if not sk:
                    continue
                both = len(f.split()) + len(s.split())
                self._add(fk + sk, pid, role, "full", both, attributed, exact_only=exact_only)
                self._add(sk + fk, pid, role, "surname_forename", both, attributed,
                          exact_only=exact_only)
                self._add(fk + sk[0], pid, role, "initial", len(f.split()) + 1, attributed,
                          exact_only=exact_only)
                handle = fk[0] + sk
                if self.in_sentences and len(sk) >= 4 and handle not in _KNOWN_KEYS \
                        and handle not in _COMMON_KEYS and handle not in english_words():
                    # written text only: their first initial and surname run together, as a
                    # user name or an address has them ("Photo by jsmith", "jsmith@..."): the
                    # surname with who it is (s61: it passed, as "jsmith" is no name and
                    # "smith" alone lower case is an ordinary word there); never where that
                    # is an English word ("chill" for C. Hill)
                    self._add(handle, pid, role, "surname", 1, attributed, exact_only=True)
        for s in surnames:
            sk = canon(s)
            if not sk:
                continue
            self.surname_keys.setdefault(sk, set()).add(pid)
            self._add(sk, pid, role, "surname", len(s.split()), attributed, exact_only=exact_only)
            # hyphenated and double surnames: each part counts too
            for part in re.split(r"[-\s]+", s):
                pk = canon(part)
                if pk and pk != sk and len(pk) >= 3:
                    self._add(pk, pid, role, "surname", 1, attributed, exact_only=exact_only)
                    self.surname_keys.setdefault(pk, set()).add(pid)

    def _add(self, key: str, pid: str, role: str, form: str, ntok: int,
             attributed: bool = True, *, exact_only: bool = False) -> None:
        if not attributed and any(v.key == key and v.person == pid and v.form == form
                                  for v in self._variants):
            return      # also one of their own names
        self._variants.append(_Variant(key, pid, role, form, ntok, attributed, exact_only))

    # -- fuzzy core ---------------------------------------------------------------------------

    def _similar(self, key: str, threshold: int | None = None) -> list[tuple[_Variant, float]]:
        """Variants whose key is close to ``key``. Short keys must match exactly."""
        from rapidfuzz import fuzz  # noqa: PLC0415

        threshold = self.threshold if threshold is None else threshold
        if not key:
            return []
        exact = self._by_key.get(key)
        if exact:
            return [(v, 100.0) for v in exact]
        if len(key) <= 4:
            return []
        out: list[tuple[_Variant, float]] = []
        for k, variants in self._by_key.items():
            if len(k) <= 4 or abs(len(k) - len(key)) > max(2, len(k) // 4):
                continue
            score = fuzz.ratio(key, k)
            if score >= threshold:
                out.extend((v, float(score)) for v in variants if not v.exact_only)
        return out

    # -- public -------------------------------------------------------------------------------

    def near(self, word: str, threshold: int) -> bool:
        """Is ``word`` (one word, or words run together) a register name, or close to one
        (``threshold``: rapidfuzz ratio of the comparison keys; 4 letters or fewer exactly)?"""
        return bool(self._similar(canon(word), threshold))

    def named(self, word: str) -> bool:
        """Is ``word`` (one word, or a first name and surname run together), compared as
        ``canon`` compares, exactly a register name: a first name, a surname (or a part of a
        double one), both together in either order? (Not an initial's form: "noahb".)"""
        return any(v.form != "initial" for v in self._by_key.get(canon(word), ()))

    def match(self, text: str) -> NameHit | None:
        """The best register name in ``text`` (pupils before staff), or None."""
        hits = self.find_all(text)
        return hits[0] if hits else None

    def find_all(self, text: str) -> list[NameHit]:
        toks = _tokens(text)
        if not toks:
            return []
        candidates: list[tuple[_Variant, float, int, int]] = []   # variant, score, i, j (tokens)
        for i in range(len(toks)):
            key = ""
            if not toks[i].key:
                continue        # a sign ("&", "+") opens no name
            for j in range(i, min(len(toks), i + 4)):
                key += toks[j].key
                if j > i and toks[j].is_initial and j != i + 1:
                    break
                if not toks[j].key:
                    continue    # ...nor ends one: "Sam & Kai" is Sam and Kai, not "Sam &"
                for v, score in self._similar(key):
                    if v.form == "initial" and not (j == i + 1 and toks[j].is_initial):
                        continue
                    if self.in_sentences and score < 100 and all(
                            t.key in _KNOWN_KEYS or t.key in _COMMON_KEYS for t in toks[i:j + 1]):
                        continue    # everyday words near a name, not a name ("the long": Theo Long)
                    if self.in_sentences and score < 100 and i == j \
                            and v.form in ("forename", "surname") \
                            and self._ordinary_word_near(text, toks, i, v.key):
                        continue    # "Gorge walking" is not George (_ordinary_word_near)
                    if self.in_sentences and score >= 100 and i == j \
                            and v.form in ("forename", "surname") \
                            and self._word_by_look_alikes(toks[i], v.key):
                        continue    # "ALL" is not Ali (s32)
                    if j != i and v.ntok < j - i + 1:
                        # one name word made of several tokens: only when OCR split one word
                        # ("Mc Donald" glued, short pieces "Oli via", or a long name read as
                        # words: "WINTER BOTTOM", "MAC DONALD", "O CONNOR")
                        pieces = toks[i:j + 1]
                        if not (all(t.glued for t in pieces[1:])
                                or all(len(t.key) <= 3 for t in pieces)
                                or _split_name(pieces, v.key)):
                            continue
                    candidates.append((v, score, i, j))
        hits: list[NameHit] = []
        for v, score, i, j in candidates:
            hit = self._judge(text, toks, v, score, i, j)
            if hit is not None:
                if self.in_sentences and score < 100 and i == j and _english_word(toks[i]):
                    hit.weak = True     # an English word inside a sentence: the person is asked
                hits.append(hit)
        if self.in_sentences:
            hits.extend(self._misspelt(text, toks, hits))
        if not self.in_sentences:
            hits.extend(self._run_together(text, toks, hits))
        else:
            # a hashtag is words run together in written text too ("#teamtobias": s61, it
            # passed for a pupil on the do-not-photograph list)
            tags: list[_Token] = []
            for t in toks:
                if t.raw.startswith("#") or (t.glued and tags and tags[-1].end == t.start):
                    tags.append(t)
            if tags:
                hits.extend(self._run_together(text, tags, hits, hashtag=True))
        if not any(h.role == "pupil" for h in hits):
            loose = self._loose_full_name(toks)
            if loose is not None:
                hits.append(loose)
        if self.in_sentences and hits:
            # a line in capitals of ordinary English words is ordinary text: "GORGE WALKING"
            # is not George Wilson nor George (s32); only a name exactly as written counts there
            caps = _caps_line_of_words(text, toks)
            if caps:
                hits = [h for h in hits if not all(
                    k in caps for k, t in enumerate(toks)
                    if t.start < h.span[1] and h.span[0] < t.end) or self._as_written(h, toks)]
        if not hits:
            return []
        # "Mrs Hughes" when a staff member is called Hughes: the title says it is the adult,
        # even if a pupil shares the surname
        staff_titled = {h.span for h in hits if h.role == "staff" and h.form == "title_surname"}
        hits = [h for h in hits if not (h.role == "pupil" and h.form == "title_surname"
                                        and h.span in staff_titled)]
        # group by person and form, pick the best; sort pupils first, then by form rank and score
        best: dict[tuple[str | None, str, tuple[int, int]], NameHit] = {}
        for h in hits:
            k = (h.person, h.role, h.span)
            if k not in best or (_FORM_RANK[h.form], h.score) > (_FORM_RANK[best[k].form], best[k].score):
                best[k] = h
        # (of two equal hits, one matched to a person before one matched to nobody for certain
        # ("Tobi", a listed pupil's short form, inside "#teamtobias" is Tobias's own name too),
        # then the one over more of the name: "Tobias Winter Bottom" before "Tobias Winter")
        ordered = sorted(best.values(), key=lambda h: (h.role != "pupil", -_FORM_RANK[h.form],
                                                        -h.score, h.person is None, h.span[0],
                                                        h.span[0] - h.span[1]))
        return ordered

    def _misspelt(self, text: str, toks: list[_Token], found: list[NameHit]) -> list[NameHit]:
        """Names typed with a slip in a caption (``in_sentences``), where a reader still knows
        who is meant: a first name and surname next to each other (either order), each the
        register's with at most one slip (``_one_slip``: "Jhon Smtih", "Olivai Benett",
        "Smtih, Jhon"), and a rare surname alone with one slip ("Winterbotom"; not one of the
        ``COMMON_SURNAMES`` or an everyday word, six letters or more). A word that is itself an
        everyday word is never taken for a slip ("the Long" is not Theo Long). Spans where
        ``found`` already has a full name are left alone."""
        from rapidfuzz import fuzz  # noqa: PLC0415

        full_spans = [h.span for h in found if _FORM_RANK[h.form] >= 6]

        def free(span: tuple[int, int]) -> bool:
            return not any(a <= span[0] and span[1] <= b for a, b in full_spans)

        def word(t: _Token) -> bool:
            # letters, or digits read for letters ("Isabe1le")
            r = t.raw.replace("'", "").replace("’", "").replace("-", "").rstrip(".!?")
            return (not t.is_initial and len(t.key) >= 2 and any(c.isalpha() for c in r)
                    and all(c.isalpha() or c in "012568" for c in r))

        def fits(t: _Token, key: str) -> bool:
            typed, spelt = t.key, _spelling(t.raw)
            if t.raw.endswith(_POSSESSIVE):
                spelt = spelt[:-1]      # "Smtih's" (the key has no "'s")
            if typed == key:
                return True
            if spelt in _EVERYDAY or (typed in _KNOWN_KEYS | _COMMON_KEYS and spelt == typed):
                return False
            # one slip in the comparison key (OCR-like confusions undone), or in the letters as
            # spelt: "Tarnter" is Tranter, though "rn" reads as "m" in the key
            return _one_slip(typed, key) or any(_one_slip(spelt, n)
                                                for n in self._spelt.get(key, ()))

        # words cut where digits read for letters meet letters ("01" + "ivai") are one word here
        joined: list[_Token] = []
        for t in toks:
            prev = joined[-1] if joined else None
            if prev is not None and t.glued and prev.end == t.start \
                    and (prev.raw[-1:].isdigit() or t.raw[:1].isdigit()):
                raw = prev.raw + t.raw
                joined[-1] = _Token(raw, _word_key(raw), prev.start, t.end, prev.glued)
            else:
                joined.append(t)
        toks = joined
        out: list[NameHit] = []
        for i in range(len(toks) - 1):
            a, b = toks[i], toks[i + 1]
            if not (word(a) and word(b)):
                continue
            span = (a.start, b.end)
            if not free(span):
                continue
            ids: dict[str, str] = {}
            score, hit_form = 0.0, "full"
            for first, second, form in ((a, b, "full"), (b, a, "surname_forename")):
                for fk, rows in self._slip_full.items():
                    if abs(len(fk) - len(first.key)) > 3 or not fits(first, fk):
                        continue
                    for sk, pid, role in rows:
                        if (first.key, second.key) != (fk, sk) and fits(second, sk):
                            ids.setdefault(pid, role)
                            r = float(fuzz.ratio(first.key + second.key, fk + sk))
                            if r > score:
                                score, hit_form = r, form
            if not ids:
                continue
            pupils = sorted(p for p, r in ids.items() if r == "pupil")
            if len(ids) == 1:
                pid, role = next(iter(ids.items()))
                out.append(NameHit(pid, role, hit_form, score, span, [pid], misspelt=True))
            else:
                out.append(NameHit(None, "pupil" if pupils else "staff", hit_form, score, span,
                                   pupils or sorted(ids), misspelt=True))
            full_spans.append(span)
        for n, t in enumerate(toks):
            if not word(t) or len(t.key) < 5 or t.key in self._by_key or not free((t.start, t.end)):
                continue
            if not (t.capitalised or t.raw.isupper() or len(t.key) >= 7):
                continue        # a rare surname typed in lower case still counts when long
            ids_s: set[str] = set()
            best = 0.0
            for sk, pids in self._slip_surnames.items():
                if abs(len(sk) - len(t.key)) <= 3 and fits(t, sk) \
                        and not _only_the_ending(t, sk, self._spelt.get(sk, ())) \
                        and not self._ordinary_word_near(text, toks, n, sk):
                    ids_s |= pids
                    best = max(best, float(fuzz.ratio(t.key, sk)))
            if not ids_s:
                continue
            one = sorted(ids_s)
            role = "staff" if all(self.by_id[x].role == "staff" for x in one) else "pupil"
            out.append(NameHit(one[0] if len(one) == 1 else None, role, "surname", best,
                               (t.start, t.end), one, misspelt=True, weak=_english_word(t)))
        # a pupil's first name or a common surname alone, typed with a slip ("Well done
        # Olivai!", "Smtih collects her award"): the name itself alone is a name ("Well done
        # Olivia!"), and a reader still knows who is meant. Capitalised as a name is, never an
        # everyday word, nor one grammar made from a word ("Hopes", "painted"). A weaker sign
        # than a full name: a word the lists do not know may be one slip from a name ("Games"
        # for James), so the reason asks the person (captions.check_caption). A word of the
        # English word list (``english_words``) where an ordinary word is written is that word
        # (``_ordinary_word_near``: "Games afternoon", "Hurry, only a few tickets left", "the
        # Isle of Wight"); elsewhere inside a sentence a capital says name ("Well done Marry!"
        # is refused for Harry, "Congratulations to Sofa" for Sofia).
        taken = [h.span for h in [*found, *out]]
        for n, t in enumerate(toks):
            if not word(t) or len(t.key) < min(_SLIP_ALONE_MIN, _SLIP_ALONE_FIRST_MIN) - 1 \
                    or t.key in self._by_key \
                    or any(a < t.end and t.start < b for a, b in taken):
                continue
            if not (t.capitalised or t.raw.isupper()):
                continue        # (so an everyday word in lower case always passes: the reason
                                # says so, captions.check_caption)
            ids_a: set[str] = set()
            best, is_first = 0.0, False
            for k, pids in self._slip_alone.items():
                if len(k) < _SLIP_ALONE_MIN and not _swapped(t, k, self._spelt.get(k, ())):
                    continue
                if abs(len(k) - len(t.key)) <= 1 and fits(t, k) \
                        and not _only_the_ending(t, k, self._spelt.get(k, ())) \
                        and not self._ordinary_word_near(text, toks, n, k):
                    ids_a |= pids
                    best = max(best, float(fuzz.ratio(t.key, k)))
                    is_first = is_first or k in self._slip_first
            if not ids_a:
                continue
            one = sorted(ids_a)
            role = "staff" if all(self.by_id[x].role == "staff" for x in one) else "pupil"
            out.append(NameHit(one[0] if len(one) == 1 else None, role,
                               "forename" if is_first else "surname", best, (t.start, t.end), one,
                               misspelt=True, weak=True))
        return out

    def _ordinary_word_near(self, text: str, toks: Sequence[_Token], i: int, key: str) -> bool:
        """Is ``toks[i]``, close to the name ``key`` but not it, an ordinary English word
        (``english_words``: no name is in it) written as an ordinary word is, so that the name
        is not written there? In captions only. That is when it is:

        - one slip from the name only through the look-alike letters ``canon`` undoes, not as
          spelt: "Isle" is two slips from Elsie (an "i" read for an "l");
        - in lower case ("we went gorge walking");
        - the first word of a sentence or line, where the capital is grammar's ("Gorge walking
          on the residential", "Games afternoon"; ``_opens_sentence``);
        - right after an article or a demonstrative ("on the Isle of Wight", "We loved the
          Games afternoon", "a Slice of cake"), not before a word for a family.

        Never the name with "s" or "'s" ("Graces painting", "the Smiths": the pupil, the
        family). Elsewhere inside a sentence a capital says name: "Well done Hurry!" is refused
        for Harry, and the reason asks the person (``NameHit.weak``)."""
        tok = toks[i]
        if not _english_word(tok) or tok.key in (key + "s", key + "es") \
                or tok.raw.endswith(_POSSESSIVE):
            return False
        spelt = _spelling(tok.raw)
        if not any(spelt == n or _one_slip(spelt, n) for n in self._spelt.get(key, ()) or (key,)):
            return True
        if not (tok.capitalised or tok.raw.isupper()) or (
                _opens_sentence(text, tok) and not _after_a_colon(text, tok)):
            return True
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        return (prev is not None and prev.key in _ARTICLE_KEYS and prev.raw.isalpha()
                and not text[prev.end:tok.start].strip()
                and (nxt is None or nxt.key not in _FAMILY_KEYS))

    def _run_together(self, text: str, toks: list[_Token], found: list[NameHit], *,
                      hashtag: bool = False) -> list[NameHit]:
        """A register name inside a longer run of letters read with no space, in text read from
        a picture (never a caption: ``in_sentences``): "NAME:EVIEMARSHALLCLASS:IR",
        "NAMEEVIEMARSHALL", "evieMarshall2B", "NAMEEVIECLASS". The main match compares whole
        words, and the run's extra letters put it below the threshold (issue 13: "Evie
        Marshall" on a work label read as "EVIEMARSHALLCLASS" stayed readable).

        - A first name and surname together (either order, ``_RUN_FULL_MIN`` letters or more)
          count where each side of them in the run is nothing, a place where the reader split
          the run (a change of case, a digit: "EVIEMARSHALL4B"), or school and common words
          glued together ("NAME", "CLASS": ``_known_words``);
        - a pupil's first name or surname alone (``_RUN_ALONE_MIN`` letters or more, no
          everyday or English word) only between such words or the run's ends, one side at
          least a word: "NAMEEVIECLASS" is Evie; "ANNUAL" is not Ann, "ELIZABETHLINE" not Eli,
          and "JasperThornbury" is left to the main match (somebody else's surname).

        A run that is itself an English word ("Rosemary", "Theatre") is that word. Runs where
        the main match already found a pupil are left as they are.

        ``hashtag``: the runs are a caption's hashtags, words run together on purpose: a first
        name and surname count wherever they are ("#johnsmithrocks"), and a name alone at
        either end whatever is at the other ("#tobiaswins", "#teamtobias")."""
        runs: list[list[_Token]] = []
        for t in toks:
            if runs and t.glued:
                runs[-1].append(t)
            else:
                runs.append([t])
        out: list[NameHit] = []
        for run in runs:
            span = (run[0].start, run[-1].end)
            key = "".join(t.key for t in run)
            if len(key) <= _RUN_ALONE_MIN or any(
                    h.role == "pupil" and h.span[0] < span[1] and span[0] < h.span[1]
                    for h in found):
                continue
            if _spelling(text[span[0]:span[1]]) in english_words():
                continue
            # where the reader split the run (tokens), and inside a token a change of case
            # ("NAMEEvie": before "Evie") or digits kept in it ("EVIEMARSHALL4B": before "4")
            cuts: set[int] = set()
            at = 0
            for t in run:
                cuts.add(at)
                raw = t.raw
                for p in range(1, len(raw)):
                    if (raw[p].isdigit() != raw[p - 1].isdigit()) or (
                            p + 1 < len(raw) and raw[p - 1].isupper() and raw[p].isupper()
                            and raw[p + 1].islower()):
                        cuts.add(at + len(canon(raw[:p])))
                at += len(t.key)
            cuts.add(at)
            for start in range(len(key)):
                for end in range(start + min(_RUN_FULL_MIN, _RUN_ALONE_MIN), len(key) + 1):
                    variants = self._by_key.get(key[start:end]) if end - start < len(key) else None
                    if variants:
                        out.extend(self._run_hits(key, start, end, cuts, variants, span,
                                                  hashtag))
        return out

    def _run_hits(self, key: str, start: int, end: int, cuts: set[int],
                  variants: list[_Variant], span: tuple[int, int],
                  hashtag: bool = False) -> list[NameHit]:
        """The name ``key[start:end]`` (its ``variants``) inside a run of letters, when what is
        around it in the run lets it count (``_run_together``)."""
        left, right = key[:start], key[end:]
        name = key[start:end]
        full = [v for v in variants if v.form in ("full", "surname_forename")]
        alone = [v for v in variants if v.form in ("forename", "surname") and v.role == "pupil"]
        if full and len(name) >= _RUN_FULL_MIN and (hashtag or all(
                not side or at_cut or _known_words(side)
                for side, at_cut in ((left, start in cuts), (right, end in cuts)))):
            chosen = full
        elif alone and len(name) >= _RUN_ALONE_MIN and name not in _KNOWN_KEYS \
                and name not in _COMMON_KEYS and name not in english_words() \
                and (all(not side or _known_words(side) for side in (left, right))
                     or (hashtag and not (left and right))):
            chosen = alone
        else:
            return []
        # (a staff member's first name alone says little: pupils only there; several people
        # with the name: a pupil's name, nobody for certain)
        ids = sorted({v.person for v in chosen})
        pupils = [p for p in ids if self.by_id[p].role != "staff"]
        v = next((x for x in chosen if x.role == "pupil"), chosen[0])
        certain = len(ids) == 1 and all(x.attributed for x in chosen)
        return [NameHit(v.person if certain else None, "pupil" if pupils else "staff", v.form,
                        100.0, span, pupils or ids)]

    def _loose_full_name(self, toks: list[_Token]) -> NameHit | None:
        """A line that is shaped like a name (2-3 capitalised words, nothing else) is compared
        as a whole with pupils' full names at a looser threshold: handwriting and script fonts
        are often misread by a few letters ("MemLlevelly" for "Megan Llewellyn"). Without this
        the line would still be flagged for review as an unknown name."""
        from rapidfuzz import fuzz  # noqa: PLC0415

        words = [t for t in toks if not _non_name(t)]
        if not 1 <= len(words) <= 3 or len(words) != len(toks):
            return None
        if not all(_name_shaped(t) or t.is_initial for t in words):
            return None
        key = "".join(t.key for t in words)
        if len(words) == 1:
            # one capitalised word alone on its line, close to a pupil's forename or surname
            # ("Llevelly"; "Piya" for "Priya")
            if len(key) < 4:
                return None
            loose = max(70, self.threshold - 10) if len(key) >= 7 else self.threshold
            forms = ("forename", "surname")
        else:
            if len(key) < 8:
                return None
            loose, forms = max(65, self.threshold - 15), ("full", "surname_forename")
        best: tuple[float, _Variant] | None = None
        for k, variants in self._by_key.items():
            v0 = variants[0]
            if v0.form not in forms or v0.role != "pupil" or len(k) < 5:
                continue
            score = fuzz.ratio(key, k)
            if score >= loose and (best is None or score > best[0]):
                best = (score, v0)
        if best is None:
            return None
        score, v = best
        ids = sorted({x.person for x in self._by_key[v.key] if x.role == "pupil"})
        certain = len(ids) == 1 and all(x.attributed for x in self._by_key[v.key])
        return NameHit(v.person if certain else None, v.role, v.form, float(score),
                       (words[0].start, words[-1].end), ids)

    def _judge(self, text: str, toks: list[_Token], v: _Variant, score: float,
               i: int, j: int) -> NameHit | None:
        """Accept or refuse one candidate in its context."""
        hit = self._judge_variant(text, toks, v, score, i, j)
        if hit is not None and not v.attributed:
            hit.person = None           # fits a name this id had before: nobody for certain
        return hit

    def _judge_variant(self, text: str, toks: list[_Token], v: _Variant, score: float,
                       i: int, j: int) -> NameHit | None:
        span = (toks[i].start, toks[j].end)
        prev_tok = toks[i - 1] if i > 0 else None
        next_tok = toks[j + 1] if j + 1 < len(toks) else None
        person = self.by_id[v.person]
        others = [t for k, t in enumerate(toks) if k < i or k > j]
        if self.in_sentences and v.form in ("forename", "surname") and score < 100 and i == j \
                and toks[i].raw.islower() and v.key in _WORD_NAME_KEYS \
                and _plural_of(toks[i], v.key):
            return None     # "we planted roses", "our summers": the plural of a word (s32)
        if v.form in ("forename", "surname"):
            word = toks[i].key if i == j else "".join(t.key for t in toks[i:j + 1])
            is_common = word in _COMMON_KEYS
            title_before = prev_tok is not None and prev_tok.key in _TITLE_KEYS
            if v.form == "surname":
                if title_before and prev_tok is not None:
                    # "Mrs Hughes": a staff member, or (for a pupil's surname) a relative of the
                    # pupil: both identify the family, but the staff case is kept.
                    form = "title_surname"
                    span = (prev_tok.start, span[1])
                    return NameHit(v.person, v.role, form, score, span, [v.person])
                if is_common and self._initial_before(text, toks, i, person):
                    # "Well done O. King": their own first initial before a surname that is
                    # an everyday word is how a school writes the pupil (review s31: it passed
                    # as the word)
                    return NameHit(v.person, v.role, "surname", score,
                                   (toks[i - 1].start, span[1]), [v.person])
                if is_common and self._has_ordinary_words(others):
                    return None
                if self.in_sentences and score < 100 and i == j \
                        and self._plural_of_a_word(text, toks, i, v):
                    return None     # "Farmers market on Saturday": farmers, not the Farmers
                if (not toks[i].capitalised and not toks[i].raw.isupper()
                        and (is_common or self._has_ordinary_words(others))
                        and not (self.in_sentences and score >= 100 and i == j
                                 and not _english_word(toks[i]))):
                    # lower-case ordinary word ("a walk in the wood"); in a caption, a label or
                    # a note, a surname exactly as the register has it that is no English word
                    # is the surname in lower case too (s33: "winterbottom_sports_day" and
                    # "well done okonkwo" passed, though "tobias" was refused)
                    return None
                return NameHit(v.person, v.role, "surname", score, span, [v.person])
            # forename
            if v.role == "staff":
                # a staff member's first name alone says little: not a match
                return None
            if is_common and self._has_ordinary_words(others) and not (
                    self.in_sentences and (toks[i].capitalised or toks[i].raw.isupper())):
                return None
            if is_common and not (toks[i].capitalised or toks[i].raw.isupper()):
                return None
            if self.in_sentences and is_common and i == j and self._the_word_itself(text, toks, i):
                return None     # "Summer fair", "Rose class", "Hope you all...": the word
            sur = [canon(x) for x in person.surnames if x]
            if next_tok is not None and next_tok.alpha and len(next_tok.key) >= 2 and sur:
                from rapidfuzz import fuzz  # noqa: PLC0415

                close = max(fuzz.ratio(next_tok.key, x) for x in sur) >= 70
                prefix = len(next_tok.key) >= 3 and any(x.startswith(next_tok.key) for x in sur)
                # read from a picture, a box cut short inside the surname may end on a letter
                # misread too ("Sophie Greer" for Sophie Greenwood: the cover stopped at "Greer"
                # and left "nwood"-wide letters readable, ../shared 12 MP mosaic)
                prefix = prefix or (not self.in_sentences and j + 2 == len(toks)
                                    and _cut_short_misread(next_tok.key, sur))
                if close or prefix:
                    missing = 0
                    if j + 2 == len(toks):   # the surname ends the line: was it cut short?
                        missing = max(0, min(len(x) for x in sur) - len(next_tok.key))
                    return NameHit(v.person, v.role, "full", score, (span[0], next_tok.end),
                                   [v.person], missing_chars=missing)
            # "Grace Thornbury": the forename of a pupil followed by a surname that is not
            # theirs is somebody else; it is left to looks_like_name (review). Not across a
            # comma, a full stop or a line break in a caption: "Well done Grace, Sam and Ben"
            # and "Stars of the week:\nGrace\nSam" name Grace (review s31: they passed wherever
            # her first name alone is refused)
            # Nor when every word of that somebody else is a pupil's name (s32): "Well done Kai
            # Sam" (two pupils' first names), "Olivia Kowalski" (another pupil's surname) are
            # pupils' names; "author Julia Donaldson" (no pupil is a Donaldson) is a visitor. In
            # a line in capitals a capital says nothing: "GORGE WALKING" is Gorge and a word.
            if next_tok is not None and next_tok.alpha and (next_tok.capitalised or next_tok.raw.isupper()) \
                    and next_tok.key not in _NON_NAME_KEYS \
                    and not next_tok.is_initial and len(next_tok.key) >= 2 and not title_before \
                    and not (self.in_sentences and (
                        _ends_name(text[toks[j].end:next_tok.start])
                        or self._a_pupils_name(next_tok.key)
                        or (_in_capitals(text, next_tok) and _english_word(next_tok)))):
                return None
            if (not self.in_sentences and next_tok is not None and next_tok.is_initial
                    and next_tok.raw[:1].isupper()
                    and sur and next_tok.key[:1] not in {s[:1] for s in sur}):
                # "Reuben B." is not Reuben Adeyemi ("Kit, a star" is Kit: "a" is a word): in a
                # picture it is left to looks_like_name (covered, for review). A caption has no
                # such second look, and a first name with an initial is how a school writes a
                # pupil's name: "Olivia K." still shows the first name of a pupil called Olivia
                # (a slip in the initial, a former surname), so it counts as that first name.
                return None
            ids = sorted(self.first_keys.get(v.key, {v.person}))
            pupil_ids = [p for p in ids if self.by_id[p].role != "staff"]
            if len(pupil_ids) > 1:
                return NameHit(None, "pupil", "forename", score, span, pupil_ids)
            return NameHit(v.person, v.role, "forename", score, span, [v.person])
        if self.in_sentences and v.form == "initial" and text[span[1]:span[1] + 1] == "." \
                and text[span[1] + 1:].split("\n", 1)[0].strip():
            # "Olivia B. won": the initial's full stop goes with the name (a suggestion
            # "Olivia. won" would end a sentence); at the end of a line it ends the sentence too
            span = (span[0], span[1] + 1)
        return NameHit(v.person, v.role, v.form, score, span, [v.person])

    def _as_written(self, hit: NameHit, toks: Sequence[_Token]) -> bool:
        """Is ``hit`` a register name exactly as written, each word spelt as the register has
        a name ("GRACE", not "GORGE" for George nor "ALL" for Ali: the reader's look-alike
        letters are not undone)?"""
        if hit.score < 100 or hit.misspelt:
            return False
        spelt = self._spelt_all
        for t in toks:
            if t.start < hit.span[1] and hit.span[0] < t.end and not t.is_initial \
                    and t.key not in _TITLE_KEYS:
                word = _spelling(t.raw)
                if t.raw.endswith(_POSSESSIVE):
                    word = word[:-1]
                if word not in spelt:
                    return False
        return True

    def _word_by_look_alikes(self, tok: _Token, key: str) -> bool:
        """Is ``tok`` an everyday word as spelt that is the name ``key`` only through the
        look-alike letters ``canon`` undoes ("ALL" for Ali: an "l" read for an "i")? In a
        caption that is the word: a person types letters, and the word in capitals ("HOPE YOU
        ALL HAVE A LOVELY HALF TERM") has no capital to tell it from the name."""
        word = _spelling(tok.raw)
        if tok.raw.endswith(_POSSESSIVE):
            word = word[:-1]
        return word in _EVERYDAY and word not in self._spelt.get(key, {key})

    def _a_pupils_name(self, key: str) -> bool:
        """Is ``key`` a first name or a surname of a pupil of the register (now or before)?"""
        ids = self.first_keys.get(key, set()) | self.surname_keys.get(key, set())
        return any(self.by_id[p].role != "staff" for p in ids)

    @staticmethod
    def _initial_before(text: str, toks: list[_Token], i: int, person: Person) -> bool:
        """Is ``toks[i]`` (a surname) right after a capital initial of one of ``person``'s first
        names ("O. King", "O King", "O.King")? Not "A" or "I" without a full stop: a word."""
        prev = toks[i - 1] if i > 0 else None
        if prev is None or not prev.is_initial or not prev.raw[:1].isupper():
            return False
        if prev.raw in ("A", "I") or text[prev.end:toks[i].start].strip(". "):
            return False
        return prev.key[:1] in {canon(f)[:1] for f in person.forenames if canon(f)}

    def _plural_of_a_word(self, text: str, toks: list[_Token], i: int, v: _Variant) -> bool:
        """Is ``toks[i]``, close to a surname that is an everyday word (``WORD_SURNAMES``:
        Farmer, Baker, Walker), that word's plural opening a sentence before a word in lower
        case ("Farmers market on Saturday", "Bakers dozen")? A capital there is grammar's, and a
        family is written "The Farmers ...". Not with an apostrophe ("Farmers' Market" cannot
        be told from "the Bakers' garden"), not inside a sentence ("Visit the Farmers market"
        cannot be told from "the Farmers farm": the word in lower case passes there), not
        before "family", "are"..., and never with a first name of a pupil with that surname
        anywhere in the caption."""
        tok = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if v.key not in _WORD_SURNAME_KEYS or not tok.raw.isalpha() or nxt is None:
            return False
        if tok.key not in (v.key + "s", v.key + "es"):
            return False
        if not _opens_sentence(text, tok) or text[tok.end:nxt.start] != " " \
                or not nxt.raw.isalpha() or not nxt.raw.islower() \
                or nxt.key in _NOT_AFTER_A_WORD_KEYS:
            return False
        firsts = {canon(f) for pid in self.surname_keys.get(v.key, ())
                  for f in self.by_id[pid].forenames if canon(f)}
        return not any(t.key in firsts or any(len(fk) >= 4 and _one_slip(t.key, fk)
                                              for fk in firsts)
                       for k, t in enumerate(toks) if k != i)

    def _the_word_itself(self, text: str, toks: list[_Token], i: int) -> bool:
        """Is ``toks[i]``, a first name that is an everyday word ("Summer", "Rose", "Hope"),
        capitalised in a caption only as that word is: the first word of a school event or
        place (``WORD_NAME_PHRASES``: "Summer fair", "Autumn term", "Rose class") or a verb
        opening a sentence (``WORD_NAME_VERBS``: "Hope you all have a lovely half term")?
        Only the word as the register has it, followed by one space and that word, and only
        when no surname of a pupil with that first name, nor its initial, is anywhere in the
        caption ("Summer fair winner Summer S." is refused). "Summer won the race", "Well done
        Summer!" and "Summer's painting" are names."""
        tok = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None or text[tok.end:nxt.start] != " " or tok.raw.rstrip(".!?") != tok.raw \
                or not tok.raw.isalpha():
            return False
        phrase = nxt.key in _PHRASE_KEYS and nxt.raw.isalpha()
        verb = _opens_sentence(text, tok) and tok.key in _VERB_KEYS and nxt.key in _AFTER_VERB_KEYS
        if not (phrase or verb):
            return False
        surnames = {canon(s) for pid in self.first_keys.get(tok.key, ())
                    for s in self.by_id[pid].surnames if canon(s)}
        for k, t in enumerate(toks):
            if k == i:
                continue
            if t.is_initial and t.raw[:1].isupper() and any(sk[:1] == t.key for sk in surnames):
                return False
            if t.key in surnames or any(len(sk) >= 4 and _one_slip(t.key, sk) for sk in surnames):
                return False
        return True

    @staticmethod
    def _has_ordinary_words(others: list[_Token]) -> bool:
        """Other words around the name that make the line ordinary text (dates, sentences)."""
        for t in others:
            if any(c.isdigit() for c in t.raw):
                return True
            if t.alpha and not (t.capitalised or t.raw.isupper()):
                return True
            if t.key in _NON_NAME_KEYS:
                return True
        return False


# --------------------------------------------------------------------------------------------
# Name-like text that is not in the register
# --------------------------------------------------------------------------------------------

_LABEL_RE = re.compile(r"\b(?:name|nom|nombre|naam|imię|imie|pupil|student)\s*[:=\-]\s*(\S.*)$",
                       re.IGNORECASE)
_MYNAME_RE = re.compile(r"\b(?:my\s+name\s+is|my\s+name's|i\s+am|i'm|call\s+me)\s+(\S.*)$",
                        re.IGNORECASE)


def _non_name(tok: _Token) -> bool:
    """A school word, or (7 letters or more) school and common words glued by the reader."""
    return tok.key in _NON_NAME_KEYS or (len(tok.key) >= 7 and _known_words(tok.key))


def _name_shaped(tok: _Token) -> bool:
    raw = tok.raw.rstrip(".")
    if not tok.alpha or len(tok.key) < 2:
        return False
    letters = [c for c in raw if c.isalpha()]
    if raw[:1] == "l" and len(raw) > 2 and raw[1].islower() and raw[1] not in "aeiouyl":
        letters[0] = "I"      # OCR reads a capital I as l: "lqbal" is "Iqbal"
    if not letters[0].isupper():
        return False
    rest = letters[1:]
    # "Olivia", "OLIVIA", "McDonald", "O'Connor"
    return raw.isupper() or sum(c.isupper() for c in rest) <= 2


def looks_like_name(text: str) -> str | None:
    """Why ``text`` looks like a person's name that the register does not know, or None.

    "staff-title" (a title and a surname: "Mrs Hughes"), "name-label" ("Name: Sam Reed"),
    "my-name-is", "capitalised-words" (two or three capitalised words: "Matilda Crowther").
    """
    text = text.strip()
    if not text:
        return None
    m = _LABEL_RE.search(text) or _MYNAME_RE.search(text)
    if m:
        value = [t for t in _tokens(m.group(1)) if t.alpha and len(t.key) >= 2]
        if value and not all(_non_name(t) for t in value):
            return "name-label" if _LABEL_RE.search(text) else "my-name-is"
    toks = _tokens(text)
    if not toks:
        return None
    for k, t in enumerate(toks[:-1]):
        if t.key in _TITLE_KEYS and t.raw.rstrip(".").lower() in TITLES:
            nxt = toks[k + 1]
            if _name_shaped(nxt) and not _non_name(nxt):
                return "staff-title"
    words = [t for t in toks if t.alpha]
    if len(toks) == 2 and len(words) == 2 and toks[1].is_initial and toks[1].raw.endswith(".") \
            and _name_shaped(toks[0]) and not _non_name(toks[0]):
        return "capitalised-words"   # "Reuben B.", "Robinson, J."
    if len(toks) == 2 and len(words) == 2 and toks[0].is_initial and toks[0].raw[:1].isupper() \
            and toks[0].raw.endswith(".") and _name_shaped(toks[1]) and not _non_name(toks[1]):
        return "capitalised-words"   # "J. Robinson", "J.Robinson"
    if (2 <= len(toks) <= 3 and len(words) == len(toks)
            and all(_name_shaped(t) or t.is_initial for t in toks)
            and sum(not t.is_initial for t in toks) >= 2
            and not any(_non_name(t) for t in toks)):
        return "capitalised-words"
    return None


# --------------------------------------------------------------------------------------------
# Classify
# --------------------------------------------------------------------------------------------

# A line on a card that says a name follows it ("HELLO my name is", "Name:", "awarded to").
_CUE_RE = re.compile(r"(?:\bmy\s+name\s+is|\bname\s*[:=\-]?|\b(?:awarded|presented|given)\s+to)\s*[:.]?\s*$",
                     re.IGNORECASE)

#: Where text counts as worn or held (a badge, a lanyard card, a certificate held in front):
#: below a face, within these multiples of the face's width and height, and no taller than
#: ``WORN_MAX_TEXT`` of the face's height.
WORN_BELOW = (0.6, 6.0)         # from 0.6 to 6 face heights below the face's top
WORN_ASIDE = 2.0                # up to 2 face widths either side of the face
WORN_MAX_TEXT = 1.0
#: the part of that area the text reader looks at closely (where most badges and lanyard
#: cards hang): 1.5 face widths either side, from 0.6 down to 4.5 face heights. (0.9 widths
#: from 0.9 to 4.2 heights still holds every name of ../shared/data/badges, but lost one on a
#: 12 MP mosaic: the detector misses an 11 px name less than ~100 px from a crop's edge, and
#: the margin is that context.)
FOCUS_ASIDE, FOCUS_TOP, FOCUS_BELOW = 1.5, 0.6, 4.5
#: the smallest name worn below a face, as a share of the face's height (../shared/data/badges:
#: 0.045 to 0.195), and the line height the detector finds a name at: a face's badge area is
#: looked at closely at the scale where that name is READ_PX high (full resolution for faces
#: up to 250 px high, a scale down for larger ones, and not at all where the whole photo's
#: pass already sees it at that scale or finer)
BADGE_NAME_SHARE, READ_PX = 0.04, 10.0


#: where a badge, a lanyard card or a held certificate is (s38): its text's centre within
#: ``UNDER_ASIDE`` face widths of the face's centre (the body under it) and no taller than
#: ``UNDER_MAX_TEXT`` of the face's height. Text elsewhere in the ``worn`` area (beside the
#: face, or as large as a sign's letters) is treated the same, but called what it looks like: a
#: sign, a poster or a backdrop near a face ("HOLIY" for Hollywood beside a head). Measured on
#: ../shared/data/badges: every name on a badge, lanyard, certificate or work label is within
#: 0.57 face widths of its wearer's face centre and 0.19 face heights tall (the other lines on
#: those cards within 1.12 and 0.17); its signs "Sports Day 2026" and "Well done Year 5!"
#: beside faces at 1.67 and 2.40.
UNDER_ASIDE = 1.25
UNDER_MAX_TEXT = 0.4


def near_face(polygon: Sequence[tuple[float, float]], faces: Sequence[Sequence[float]]) -> str:
    """Where this line is among the faces (x, y, w, h boxes): "worn" where a badge, lanyard
    or certificate would be (below a face, on the body under it, smaller than a sign's
    letters), "near" elsewhere in the ``worn`` area (beside a face or large: a sign, a poster,
    a backdrop), "" elsewhere."""
    p = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    cx, cy = p[:, 0].mean(), p[:, 1].mean()
    g = _line_geometry(polygon) if len(p) == 4 else None
    height = g[3] if g is not None else float(p[:, 1].max() - p[:, 1].min())
    out = ""
    for x, y, w, h in faces:
        if w <= 0 or h <= 0 or height > WORN_MAX_TEXT * h:
            continue
        if y + WORN_BELOW[0] * h <= cy <= y + WORN_BELOW[1] * h and \
                x - WORN_ASIDE * w <= cx <= x + w + WORN_ASIDE * w:
            if abs(cx - (x + w / 2.0)) <= UNDER_ASIDE * w and height <= UNDER_MAX_TEXT * h:
                return "worn"
            out = "near"
    return out


#: a line read inside a face (s40): at least ``IN_FACE_SHARE`` of its box inside a face's box
#: and no taller than ``IN_FACE_MAX_TEXT`` of the face's height (an eye, a mouth, a nostril:
#: "PARE" read across an eye at 0.47, 14 px in an 836 px face; "HOeN" across a mouth)
IN_FACE_SHARE = 0.8
IN_FACE_MAX_TEXT = 0.25


def in_face(polygon: Sequence[tuple[float, float]], faces: Sequence[Sequence[float]]) -> bool:
    """Does this line lie inside a face (x, y, w, h boxes): ``IN_FACE_SHARE`` of its box or
    more inside one face's box, and small beside that face (``IN_FACE_MAX_TEXT``)? A badge, a
    lanyard, a T-shirt or a held card is below a face, not in its box. Pure; unit-tested."""
    p = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    x0, y0 = float(p[:, 0].min()), float(p[:, 1].min())
    x1, y1 = float(p[:, 0].max()), float(p[:, 1].max())
    area = max(1e-6, (x1 - x0) * (y1 - y0))
    g = _line_geometry(polygon) if len(p) == 4 else None
    height = g[3] if g is not None else y1 - y0
    for x, y, w, h in faces:
        if w <= 0 or h <= 0 or height > IN_FACE_MAX_TEXT * h:
            continue
        ix = min(x1, x + w) - max(x0, x)
        iy = min(y1, y + h) - max(y0, y)
        if ix > 0 and iy > 0 and ix * iy >= IN_FACE_SHARE * area:
            return True
    return False


def worn(polygon: Sequence[tuple[float, float]], faces: Sequence[Sequence[float]]) -> bool:
    """Is this line where a badge, lanyard or certificate would be: below a face and smaller
    than it (beside it too: ``near_face``)? ``faces``: (x, y, w, h) boxes."""
    return bool(near_face(polygon, faces))


#: a close-up (s40): a photo with at most ``CLOSE_UP_FACES`` faces of a badge's size. A
#: child's handwritten name under a close-up face is 18-46 px high: scaled down to where a
#: printed name of ``BADGE_NAME_SHARE`` is ``READ_PX`` high, the detector found only part of it
#: ("Llevelly" of "Megan Llewellyn") or nothing (a slanted "Elizabeth Ashworth"), and read at
#: full resolution it found the whole line, while another name ("Amara Okafor") was found only
#: scaled down. So the chest below a close-up face larger than that (``CLOSE_UP_ASIDE`` face
#: widths either side of its centre, from ``CLOSE_UP_TOP`` to ``CLOSE_UP_BELOW`` face heights
#: below its top: where a badge, a sticker or a held card is on a close-up) is read at full
#: resolution as well as at its own scale (``TextEngine.read``'s "again"). Group photos are
#: read as before.
CLOSE_UP_FACES = 3
CLOSE_UP_ASIDE, CLOSE_UP_TOP, CLOSE_UP_BELOW = 1.0, 0.7, 2.7


def badge_areas(faces: Sequence[Sequence[float]], *, min_face: float = 48.0
                ) -> list[tuple[int, int, int, int, float] | tuple[int, int, int, int, float, bool]]:
    """Where badges, lanyards and held certificates would be, below each face at least
    ``min_face`` px high (a smaller face's badge is too small to read): the chest and lanyard
    part of the ``worn`` area, for the text reader to look at closely
    (``TextEngine.read(image, focus=...)``), each with the scale to look at it (x0, y0, x1, y1,
    scale): where the smallest name such a face wears (``BADGE_NAME_SHARE`` of its height) is
    ``READ_PX`` high, at most 1 (the photo's own pixels). On a close-up (``CLOSE_UP_FACES``),
    under a face whose area is read scaled down, its chest too (x0, y0, x1, y1, 1.0, True): read
    at full resolution as well."""
    out: list[tuple[int, int, int, int, float] | tuple[int, int, int, int, float, bool]] = []
    sized = [f for f in faces if f[3] >= min_face and f[2] > 0]
    for x, y, w, h in sized:
        scale = min(1.0, READ_PX / (BADGE_NAME_SHARE * h))
        out.append((int(x - FOCUS_ASIDE * w), int(y + FOCUS_TOP * h),
                    int(math.ceil(x + w + FOCUS_ASIDE * w)), int(math.ceil(y + FOCUS_BELOW * h)),
                    round(scale, 4)))
        if len(sized) <= CLOSE_UP_FACES and scale < 1.0:
            cx = x + w / 2.0
            out.append((int(cx - CLOSE_UP_ASIDE * w), int(y + CLOSE_UP_TOP * h),
                        int(math.ceil(cx + CLOSE_UP_ASIDE * w)),
                        int(math.ceil(y + CLOSE_UP_BELOW * h)), 1.0, True))
    return out


def _known_words(key: str) -> bool:
    """Is ``key`` (letters only) made of school or common English words glued together
    ("awardedto", "certificateofachievement", "thepond")? The last piece may be cut short.
    Only used on words of 7 letters or more: short names are often two short words ("Noor",
    "Usman")."""
    n = len(key)
    if not n:
        return True
    ok = [False] * (n + 1)
    ok[0] = True
    for i in range(1, n + 1):
        for j in range(max(0, i - 16), i):
            if ok[j] and (key[j:i] in _KNOWN_KEYS or (i == n and i - j >= 4 and
                                                        any(k.startswith(key[j:i]) for k in _LONG_KNOWN))):
                ok[i] = True
                break
    return ok[n]


#: words for a class, a group or a room that a short code follows ("YEAR4B", "SET3A", "RM2")
_GROUP_WORDS = ("year", "class", "set", "group", "grp", "form", "room", "lab", "block", "table",
                "team", "house", "level", "stage", "key", "unit", "week", "term", "page", "step",
                "grade", "num")
_GROUP_KEYS = {canon(w) for w in (*_GROUP_WORDS, "y", "yr", "rm", "ks", "wk", "pg", "gr", "r",
                                  "b", "c", "s", "g", "no")}
_LONG_GROUP_KEYS = {canon(w) for w in _GROUP_WORDS}
#: digits a text reader reads for letters that look like them, in pictures ("Z41NAB" for ZAINAB,
#: "0LIVIA", "EV1E", "5ophie"): 1 is read as I (canon() takes I and l for one letter)
_DIGIT_LETTERS = {"0": "O", "1": "I", "2": "Z", "3": "E", "4": "A", "5": "S", "6": "G",
                  "7": "T", "8": "B"}
_ALNUM_RUN = re.compile(r"[^\W_]+")


def _words_with_digits(text: str) -> Iterable[tuple[re.Match[str], str, list[int], str]]:
    """Each word of ``text`` (a run of letters and digits) with a digit in it, every digit one
    that looks like a letter (``_DIGIT_LETTERS``): (its match, the word, where its digits are,
    its letters)."""
    for m in _ALNUM_RUN.finditer(text):
        run = m.group(0)
        digits = [k for k, c in enumerate(run) if c.isdigit()]
        if digits and all(run[k] in _DIGIT_LETTERS for k in digits):
            yield m, run, digits, "".join(c for c in run if c.isalpha())


def _read_digits(run: str) -> str:
    """``run`` with every digit that looks like a letter read as that letter."""
    return "".join(_DIGIT_LETTERS.get(c, c) for c in run)


def letters_for_digits(text: str, *, many: bool = False, even: bool = True,
                       anywhere: bool = False) -> str | None:
    """``text`` with digits that look like letters read as those letters, inside a word
    written with them ("Z41NAB" -> "ZAINAB", "0LIVIA", "EV1E MARSHALL" -> "EVIE MARSHALL",
    "5ophie" -> "Sophie"), or None when there is no such word. The same length as ``text``
    (a name found in it is where it is in ``text``). Numbers, years, times and codes stay as
    they are: a word needs 3 letters or more and more letters than digits, 2 digits at most,
    none at its end ("Year5", "Room12", "Day2026"), at least 2 letters after 2 digits
    ("RM12B"), its letters in one case or capitalised ("Rm1b"), and no school word before
    its digits with 2 characters or fewer after them ("Class3M", "Year4B"): "4B", "Y6",
    "2024", "RM12", "10:30", "1st", "3pm" are no words.

    A number opening a word before a unit or a word ("30secs", "55hrs", "3days") is read in
    no case.

    ``many``: words with 3 digits or more for letters are read too ("0L1V1A" -> "OLIVIA",
    "1SAB3LL4" -> "ISABELLA", "Z41N4B"), as letters only where that reading is then a register
    name or, on a badge, a possible name (``classify_texts``): 3 letters or more and no fewer
    letters than digits, no 3 digits in a row (years, phone numbers, "Rm101"), a digit between
    two letters (not "5DEC25"), and read as letters a word shaped like a name
    (``_sounds_like_a_name``: a vowel in every four letters, no 4 consonants in a row: not
    "Y5B2C1").
    ``even=False``: such a word needs more letters than digits (a possible name on a badge:
    "1SAB3LL4", not a code of letters and digits by turns, "B1E5N3").

    ``anywhere`` (a possible name on a badge, its codes already left out: ``_without_codes``):
    the digits may be anywhere, at the end too ("G3ORG3", "TO8Y", "GRAC3", "HALL1E",
    "18R4H1M"), in a word of 4 characters or more with 2 letters or more as read, at most one
    digit more than letters, no 4 digits in a row, not letters and digits by turns with as
    many digits as letters ("A1B2C3", "4D4M": a register name only, ``register_letters``), and
    read as letters a word shaped like a name (``_sounds_like_a_name``). Digits that are one
    number are no letters: in a word with 2 letters or fewer ("AB12", "12AB", "K40B"; "N04H"
    for Noah is a register name only, as "4D4M" is), opening the word as 2 digits or more or
    before 2 letters or fewer ("10am", "21st", "3pm"), closing it after a word ("fear2",
    "page3"), or after a word for a class, a group or a room with 2 characters or fewer after
    them ("YEAR4B", "SET3A", "B12A", "R00M12A"); "Y4B", "K4I" are too short."""
    out = list(text)
    changed = False
    for m, run, digits, letters in _words_with_digits(text):
        if len(letters) < (2 if anywhere else 3):
            continue
        head, tail = run[:digits[0]], run[digits[-1] + 1:]
        number = digits[-1] - digits[0] == len(digits) - 1     # the digits are one number
        if number and not head and canon(tail) in _KNOWN_KEYS:
            continue        # a number and its unit: "30secs", "55hrs", "3days"
        if anywhere:
            by_turns = all(run[k].isdigit() != run[k + 1].isdigit() for k in range(len(run) - 1))
            if len(run) < 4 or len(digits) > len(letters) + 1 or \
                    re.search(r"\d{4}", run) or (by_turns and len(digits) >= len(letters)) or \
                    (number and len(letters) <= 2) or \
                    (number and digits[0] == 0 and (len(digits) > 1 or len(tail) <= 2)) or \
                    (number and head and len(tail) <= 2 and canon(head) in _GROUP_KEYS) or \
                    (number and not tail and (_spelling(head) in english_words()
                                              or canon(head) in _KNOWN_KEYS)) or \
                    any(_read_digits(run).lower().startswith(g) and run[len(g)].isdigit()
                        for g in _GROUP_WORDS if len(run) > len(g)):
                continue
        elif len(digits) <= 2:
            if len(digits) >= len(letters) or run[-1].isdigit():
                continue
            if len(digits) == 2 and len(tail) < 2:
                continue
        elif not many or len(digits) > len(letters) - (0 if even else 1) or \
                re.search(r"\d{3}", run) or \
                not any(run[k - 1].isalpha() and run[k + 1].isalpha()
                        for k in digits if 0 < k < len(run) - 1):
            continue
        upper = letters.isupper()
        rest = letters[1:] if run[0].isalpha() else letters
        if not (upper or rest.islower()):
            continue
        if not anywhere and head and len(tail) <= 2 and \
                canon(head) in _KNOWN_KEYS | _NON_NAME_KEYS | _LONG_GROUP_KEYS:
            continue
        word = _read_digits(run)
        if (len(digits) > 2 or anywhere) and not _sounds_like_a_name(word):
            continue
        for k in digits:
            letter = word[k]
            out[m.start() + k] = letter if upper or k == 0 else letter.lower()
        changed = True
    return "".join(out) if changed else None


def register_letters(text: str, matcher: NameMatcher) -> str | None:
    """``text`` with each word written with digits for letters (``_DIGIT_LETTERS``) read as
    letters where that reading is exactly a register name (``NameMatcher.named``: a first
    name, a surname, both run together), however many digits it has and wherever they are:
    "G3ORG3" for George, "N04H" for Noah, "4D4M" for Adam, "708Y" for Toby, "Seba5ti4n"; None
    when no word reads so. The same length as ``text``. ``letters_for_digits`` reads only
    words shaped so that a code or a number cannot be one (no digit at the end, at most 2
    digits unless many letters): a register name read exactly is a name whatever its shape,
    and a code that reads as one (a plate "EL14 ..." for Ella) is covered as that pupil's name.

    A word needs a letter (numbers alone, "0770", stay numbers) and 3 characters or more; its
    letters may be in any case, as a name's may ("McAll1573r" for McAllister)."""
    out = list(text)
    changed = False
    for m, run, digits, letters in _words_with_digits(text):
        if not letters or len(run) < 3:
            continue
        word = _read_digits(run)
        if not matcher.named(word):
            continue
        for k in digits:        # in the case of the letter before it, as read ("McAll1573r")
            at = m.start() + k
            out[at] = word[k] if k == 0 or out[at - 1].isupper() else word[k].lower()
        changed = True
    return "".join(out) if changed else None


_VOWELS = frozenset("AEIOUY")


def _sounds_like_a_name(word: str) -> bool:
    """Could ``word`` (letters) be said as a name: a vowel (Y counted) for every four
    letters or fewer ("Ashworth" 2 in 8), no 4 consonants in a row ("Y5B2C1" -> "YSBZCI")?"""
    up = word.upper()
    vowels = sum(c in _VOWELS for c in up)
    return 4 * vowels >= len(up) and not re.search(r"[^AEIOUY]{4}", up)


_NOT_ALNUM_BEFORE, _NOT_ALNUM_AFTER = r"(?<![^\W_])", r"(?![^\W_])"
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WEEKDAYS = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|"
             r"fri(?:day)?|sat(?:urday)?|sun(?:day)?)")
_DAY_NUMBER = r"(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?"
_PLATE_LETTER = "[A-HJ-PR-Z]"     # (no I, no Q)
_SEP = r"[\s\-./,']*"
#: Codes in a line that are no one's name though their letters are not words, in the shapes
#: they are written in (s37): a UK number plate ("AB12CDE", "AB12 CDE": no I or Q, an age
#: identifier that is issued), a postcode with or without its space ("SW1A1AA", "LS12 4AB":
#: the letters each place allows), a date with its month or day in letters ("07 Jan 2026",
#: "5DEC25", "12JAN", "Mon 5 Jan", "JAN26"), a room ("RM1A", "Lab 12", "Room 4B", "DT3"). Plates
#: and postcodes in capitals only, as they are written; a month after a name is a date only
#: with a number after it that ends there ("June 4B" keeps June).
_CODE_RES = (      # (the shape, whether its digits may be letters a name was written with)
    (re.compile(_NOT_ALNUM_BEFORE + rf"{_PLATE_LETTER}{{2}}(?:0[2-9]|[12][0-9]|5[1-9]|[67][0-9])"
                rf"\s?{_PLATE_LETTER}{{3}}" + _NOT_ALNUM_AFTER), True),
    (re.compile(_NOT_ALNUM_BEFORE + r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|"
                r"[A-PR-UWYZ][0-9][A-HJKPS-UW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y])"
                r"\s?[0-9][ABD-HJLNP-UW-Z]{2}" + _NOT_ALNUM_AFTER), True),
    (re.compile(_NOT_ALNUM_BEFORE + rf"(?:{_WEEKDAYS}{_SEP})?{_DAY_NUMBER}{_SEP}{_MONTHS}"
                rf"(?:{_SEP}(?:[0-9]{{4}}|[0-9]{{2}}))?" + _NOT_ALNUM_AFTER, re.IGNORECASE), False),
    (re.compile(_NOT_ALNUM_BEFORE + rf"(?:{_WEEKDAYS}{_SEP})?{_MONTHS}{_SEP}"
                rf"(?:{_DAY_NUMBER}|[0-9]{{4}})(?:{_SEP}[0-9]{{2,4}})?" + _NOT_ALNUM_AFTER,
                re.IGNORECASE), False),
    (re.compile(_NOT_ALNUM_BEFORE + rf"{_WEEKDAYS}{_SEP}{_DAY_NUMBER}" + _NOT_ALNUM_AFTER,
                re.IGNORECASE), False),
    (re.compile(_NOT_ALNUM_BEFORE + r"(?:rm|room|lab|dt|ict|it|sci?)\.?\s?[0-9]{1,3}[a-z]?"
                + _NOT_ALNUM_AFTER, re.IGNORECASE), False),
)
#: how like a register name (rapidfuzz ratio of the comparison keys, 5 letters or more; shorter
#: ones exactly) a code read as letters must be to stay a possible name on a badge
CODE_NEAR_NAME = 75


def code_spans(text: str) -> list[tuple[int, int, bool]]:
    """Where ``text`` has a number plate, a postcode, a date or a room (``_CODE_RES``): (start,
    end, whether its digits may be letters) of each, in order, not overlapping."""
    spans: list[tuple[int, int, bool]] = []
    for rx, lettered in _CODE_RES:
        for m in rx.finditer(text):
            if m.end() > m.start() and not any(a < m.end() and m.start() < b
                                               for a, b, _ in spans):
                spans.append((m.start(), m.end(), lettered))
    return sorted(spans)


def _without_codes(text: str, matcher: NameMatcher | None) -> str:
    """``text`` with its codes (``code_spans``) blanked out, except a code whose words, its
    digits read as letters, are a register name or, in a plate or a postcode, close to one
    (``CODE_NEAR_NAME``: "MA77HEW", "HA62PLL" for Hazel L.) or a common surname ("RU55ELL"):
    that one is looked at as a possible name as before. (A date's numbers are numbers:
    "MAY04" is not near Maya, though "MAY4" is her name.)"""
    out = text
    for a, b, lettered in code_spans(text):
        word = "".join(_DIGIT_LETTERS.get(c, c) for c in text[a:b])
        words_in = (word, *_ALNUM_RUN.findall(word))
        if matcher is not None and any(matcher.near(w, CODE_NEAR_NAME if lettered else 100)
                                       for w in words_in):
            continue
        if lettered and any(canon(w) in _COMMON_SURNAME_KEYS for w in words_in):
            continue        # "RU55ELL", "P0W3LL": a name if not a pupil's
        out = out[:a] + " " * (b - a) + out[b:]
    return out


def badge_words(text: str) -> bool:
    """Could this line be a person's name if it is on a badge? True when it has a capitalised
    (or upper-case) word of 3 letters or more that is not a known school or common English
    word, or words glued from them, and it is not prose or a school's name: "Zainab",
    "JAMES ROBINSON", "Jamesrobinson" are, and so is a word in lower case that is no word
    ("zainab", "elianekAskueot"); "Oakfield Primary School", "Year 4 Class 4B", "awarded to",
    "Certificate ofAchievement", "we had our lunch by the pond" are not."""
    toks = [t for t in _tokens(text) if t.alpha and len(t.key) >= 2]
    if not toks or len(toks) > 4:
        return False               # nothing to read, or a sentence (names are short)
    if any(t.key in _INSTITUTION_KEYS for t in toks):
        return False
    # prose: an ordinary word in lower case ("Went on the bus"); a name is capitalised. A
    # word in lower case that is no word ("zainab" written by a child, "elianekAskueot" for
    # Elizabeth Ashworth misread) makes no prose: it may be a name itself
    lower = [t for t in toks if not _name_shaped(t) and t.key not in _TITLE_KEYS
             and not t.raw[:1].isupper()]
    if any(_lower_case_word(t) for t in lower):
        return False
    return any(len(t.key) >= 3 and (_name_shaped(t) or t in lower) and t.key not in _TITLE_KEYS
               and t.key not in _KNOWN_KEYS and not _non_name(t) for t in toks)


def _lower_case_word(tok: _Token) -> bool:
    """Is ``tok`` (in lower case) a word, so that its line is prose: an English word as spelt,
    a school or common word, words of those glued together ("bythepond"), or two letters (as
    often a word or a piece of one as a name: "we", "ot")?"""
    return len(tok.key) <= 2 or _spelling(tok.raw) in english_words() \
        or tok.key in _KNOWN_KEYS or _known_words(tok.key)


def _below(cue: Sequence[tuple[float, float]], item: Sequence[tuple[float, float]]) -> bool:
    """Is ``item`` the line right after ``cue`` (beside it, or under it within 3 line
    heights, overlapping it sideways)?"""
    a, b = np.asarray(cue, np.float64).reshape(-1, 2), np.asarray(item, np.float64).reshape(-1, 2)
    ah = max(1.0, float(a[:, 1].max() - a[:, 1].min()))
    ax0, ax1, ay0, ay1 = a[:, 0].min(), a[:, 0].max(), a[:, 1].min(), a[:, 1].max()
    bx0, bx1, by0, by1 = b[:, 0].min(), b[:, 0].max(), b[:, 1].min(), b[:, 1].max()
    sideways = min(ax1, bx1) - max(ax0, bx0) > 0
    under = sideways and ay0 < by0 and by0 - ay1 <= 3 * ah
    beside = abs((by0 + by1) / 2 - (ay0 + ay1) / 2) <= 0.6 * ah and 0 <= bx0 - ax1 <= 3 * ah
    return under or beside


#: where a name is written after a cue line that nothing was read after (``_after_cue``), in
#: the cue's own line heights: beside it (a worksheet's "Name: ...", a name handwritten in
#: pencil taller than the print) up to ``AFTER_BESIDE`` long and ``AFTER_BESIDE_GROW`` above
#: and below it; under it (a "HELLO my name is" sticker, a certificate's "awarded to") down to
#: ``AFTER_BELOW``, as wide as the cue and ``AFTER_BELOW_SIDE`` of its width more each side,
#: at least ``AFTER_BELOW_MIN_HALF`` line heights either side of its centre
AFTER_BESIDE, AFTER_BESIDE_GROW = 12.0, 0.75
AFTER_BELOW, AFTER_BELOW_SIDE, AFTER_BELOW_MIN_HALF = 4.0, 0.25, 6.0


def _after_cue(cue: TextItem) -> list[TextItem]:
    """Where the name after ``cue`` ("HELLO my name is", "Name:", "awarded to") would be,
    when nothing at all was read there: a name written in thin pencil or in a faint or
    flowing hand that the text detector does not find (s53, bench/badges_unseen.py: a 12 px
    script name on a sticker whose cue alone was read). Two areas, beside the cue and under
    it, along its own tilt, each an item with no text (``context`` ``UNREAD_AFTER_CUE``,
    ``kind`` "name-like", the same ``cue``: one question for both): policy covers them until a
    person decides (fail closed: a pupil's name the reader could not see is still a name)."""
    g = _line_geometry(cue.polygon)
    if g is None:
        return []
    centre, u, length, h = g
    v = np.array([-u[1], u[0]])          # across the line, downwards as the text reads
    right = centre + u * (length / 2.0)
    bottom = centre + v * (h / 2.0)
    half = max(length * (0.5 + AFTER_BELOW_SIDE), AFTER_BELOW_MIN_HALF * h)

    def quad(origin, along, across) -> list[tuple[float, float]]:
        o = np.asarray(origin, dtype=np.float64)
        return [(float(q[0]), float(q[1])) for q in (o, o + along, o + along + across, o + across)]

    beside = quad(right - v * (h / 2.0 + AFTER_BESIDE_GROW * h), u * (AFTER_BESIDE * h),
                  v * (h * (1.0 + 2.0 * AFTER_BESIDE_GROW)))
    under = quad(bottom - u * half, u * (2.0 * half), v * (AFTER_BELOW * h))
    # both places are one question (policy.cue_places): a person answers for the cue's name
    # once, wherever it is written
    cue_id = f"{centre[0]:.0f},{centre[1]:.0f}"
    return [TextItem(polygon=area, text="", score=0.0, kind="name-like",
                     context=UNREAD_AFTER_CUE, low_confidence=True, cue=cue_id)
            for area in (beside, under)]


def classify_texts(reads: Iterable[Read], matcher: NameMatcher | None, *,
                   faces: Sequence[Sequence[float]] = (), min_score: float = 0.0) -> list[TextItem]:
    """TextItems with ``kind``, ``person``, ``form`` and ``context`` set (policy.decide_text
    decides). Every line read is returned: nothing is dropped, so a reviewer sees it all.

    ``faces``: face boxes (x, y, w, h) in the photo: a line below a face is on a badge, a
    lanyard or a held certificate (``context`` "worn"; "near" beside the face or as large as
    a sign: ``near_face``), and any word there that is not a known school word counts as a
    possible name. A line after "my name is", "Name:" or "awarded to" gets ``context``
    "label" the same way. A line inside a face read unclearly and matching no one in the
    register (``in_face``: an eye or a mouth read as letters, or a name written there) is
    ``context`` "face": covered for review in words that say so (``policy.REASON_IN_FACE``).
    ``min_score``: lines the reader was less sure of
    are marked ``low_confidence`` (still classified, never dropped).
    """
    items: list[TextItem] = []
    for poly, text, score in reads:
        item = TextItem(polygon=[(float(x), float(y)) for x, y in poly], text=str(text),
                        score=float(score))
        item.low_confidence = float(score) < float(min_score)
        if faces:
            item.context = near_face(item.polygon, faces)
        hit = matcher.match(item.text) if matcher is not None else None
        like = looks_like_name(item.text)
        # a name read with digits for letters ("Z41NAB", "EV1E MARSHALL") is read as letters
        # too (pictures only: captions are typed)
        letters = letters_for_digits(item.text)
        if letters is not None:
            if hit is None and matcher is not None:
                hit = matcher.match(letters)
            like = like or looks_like_name(letters)
        # a word with 3 digits or more for letters ("0L1V1A", "1SAB3LL4") is the name it
        # reads as only where that is a register name (below: or a possible name on a badge)
        many = letters_for_digits(item.text, many=True)
        if hit is None and matcher is not None and many is not None and many != letters:
            hit = matcher.match(many)
        # ... and a word that, its digits read as letters, is exactly a register name is that
        # name whatever its digits ("G3ORG3", "N04H", "4D4M": s38, issue 13 item 4)
        if hit is None and matcher is not None:
            exact = register_letters(item.text, matcher)
            if exact is not None:
                hit = matcher.match(exact)
        if hit is not None:
            item.form = hit.form
        if hit is None and item.low_confidence and faces and in_face(item.polygon, faces):
            # read unclearly inside a face: likely an eye or a mouth read as letters ("PARE"
            # across an eye, s40), but maybe a name written there: covered for review, said
            # as such (policy). A register name read there (face paint) is still that name,
            # and a word read clearly still a possible name
            item.context = "face"
            items.append(item)
            continue
        if hit is not None and hit.role == "pupil":
            item.kind, item.person = "pupil-name", hit.person
            if hit.missing_chars and len(item.text.strip()) > 0:
                # the OCR box ends inside the name: stretch it over the letters not read
                item.polygon = _extend_right(item.polygon,
                                             hit.missing_chars / max(1, len(item.text.strip())))
        elif hit is not None and hit.role == "staff":
            item.kind, item.person = "staff-name", hit.person
        elif like == "staff-title":
            item.kind = "staff-name"
        elif like is not None:
            item.kind = "name-like"
        items.append(item)
    unread: list[TextItem] = []
    for cue in items:
        if _CUE_RE.search(cue.text):
            followed = False
            for t in items:
                if t is not cue and _below(cue.polygon, t.polygon):
                    followed = True
                    if not t.context:
                        t.context = "label"
            if not followed:
                unread.extend(_after_cue(cue))
    for t in items:
        # on a badge, a lanyard, a certificate or after "my name is": any word that is not a
        # school word may be a name the register does not know (or one the reader garbled);
        # a number plate, a postcode, a date or a room is not, unless it reads as a register
        # name nearly (s37: "AB12CDE" read as "ABIZCDE", "07 Jan 2026", "RM1A")
        if t.kind or not t.context or t.context == "face":
            continue
        text = _without_codes(t.text, matcher)
        if badge_words(text) or badge_words(letters_for_digits(text, many=True, even=False) or "") \
                or badge_words(letters_for_digits(_without_codes(t.text, None), anywhere=True)
                               or ""):
            t.kind = "name-like"
        elif t.context == "worn" and t.low_confidence:
            # on a badge, a lanyard or a certificate, not read clearly: a handwritten name
            # the reader cannot read ("o of" for Amara Okafor below a close-up face, s39) is
            # no word a school knows either: a possible name, covered until a person decides
            t.kind = "name-like"
    if matcher is not None:
        _join_split_names(items, matcher)
    _absorb_name_fragments(items)
    return items + unread


def _same_line_next(a: TextItem, b: TextItem) -> bool:
    """Is ``b`` the next box on ``a``'s line (same height and slant, just after it, at most
    1.5 line heights away)?"""
    ga, gb = _line_geometry(a.polygon), _line_geometry(b.polygon)
    if ga is None or gb is None:
        return False
    ca, ua, la, ha = ga
    cb, ub, lb, hb = gb
    if not (0.6 <= hb / ha <= 1.6) or float(np.dot(ua, ub)) < 0.95:
        return False
    d = cb - ca
    along = float(np.dot(d, ua))
    off_line = abs(float(d[0] * -ua[1] + d[1] * ua[0]))
    return along > 0 and off_line <= 0.5 * ha and along - (la + lb) / 2.0 <= 1.5 * ha


def _join_split_names(items: list[TextItem], matcher: NameMatcher) -> None:
    """A name the reader cut into two boxes on one line ("WINTER" + "BOTTOM" for
    Winterbottom, "Olivia" + "Bennet"): when the two read together are a register name that
    runs across both, both boxes are that name."""
    for a in items:
        if a.kind in ("pupil-name", "staff-name"):
            continue
        for b in items:
            if b is a or b.kind in ("pupil-name", "staff-name") or not _same_line_next(a, b):
                continue
            head = a.text.rstrip()
            hit = matcher.match(f"{head} {b.text.lstrip()}")
            if hit is None or not (hit.span[0] < len(head) < hit.span[1] - 1):
                continue
            kind = "pupil-name" if hit.role == "pupil" else "staff-name"
            for t in (a, b):
                t.kind, t.person, t.form = kind, hit.person, hit.form
            break


def _line_geometry(poly: Sequence[tuple[float, float]]):
    p = np.asarray(poly, dtype=np.float64).reshape(4, 2)
    along = ((p[1] - p[0]) + (p[2] - p[3])) / 2.0
    across = ((p[3] - p[0]) + (p[2] - p[1])) / 2.0
    length, height = np.linalg.norm(along), np.linalg.norm(across)
    if length < 1e-6 or height < 1e-6:
        return None
    return p.mean(axis=0), along / length, length, height


def _absorb_name_fragments(items: list[TextItem]) -> None:
    """A name split into several boxes ("Megn" + "Llewellyn"): the other pieces of the same
    line next to a pupil's name are covered with it, if they are words without digits or
    ordinary words (a "Class: 4B" beside the name stays)."""
    names = [t for t in items if t.kind == "pupil-name"]
    if not names:
        return
    for t in items:
        if t.kind not in ("", "name-like"):
            continue
        toks = _tokens(t.text)
        if not toks or len(toks) > 2 or NameMatcher._has_ordinary_words(toks):
            continue
        g = _line_geometry(t.polygon)
        if g is None:
            continue
        c, u, length, height = g
        for n in names:
            gn = _line_geometry(n.polygon)
            if gn is None:
                continue
            cn, un, ln, hn = gn
            if not (0.6 <= height / hn <= 1.6) or abs(float(np.dot(u, un))) < 0.95:
                continue
            d = c - cn
            off_line = abs(float(d[0] * -un[1] + d[1] * un[0]))     # distance across the line
            along = abs(float(np.dot(d, un)))
            gap = along - (length + ln) / 2.0
            if off_line <= 0.5 * hn and gap <= 1.5 * hn:
                t.kind, t.person, t.form = "pupil-name", n.person, n.form
                break


def _extend_right(poly: Sequence[tuple[float, float]], frac: float) -> list[tuple[float, float]]:
    """Lengthen a line's box at its end (reading direction) by ``frac`` of its length."""
    p = np.asarray(poly, dtype=np.float64).reshape(4, 2)
    frac = min(1.0, max(0.0, frac))
    top, bottom = (p[1] - p[0]) * frac, (p[2] - p[3]) * frac
    out = [p[0], p[1] + top, p[2] + bottom, p[3]]
    return [(float(x), float(y)) for x, y in out]


__all__ = ["CAPTION_ABBREVIATIONS", "INSTITUTION_WORDS", "NON_NAME_WORDS", "NameHit",
           "TWO_LETTER_WORDS",
           "NameMatcher", "abbreviation", "badge_areas", "everyday_word",
           "badge_words", "canon", "classify_texts", "code_spans", "generic_word",
           "letters_for_digits",
           "looks_like_name", "near_face", "register_letters",
           "ordinary_word", "words", "worn"]
