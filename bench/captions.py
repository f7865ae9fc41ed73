"""Benchmark: pupils' names in captions, misspelt or not, against ordinary captions refused.

    python bench/captions.py [--show]

A made-up register of 300 pupils with realistic UK names (including names that are everyday
words: Grace, Hope, Summer, Rose, Bell, Hill, Long, Brown, Young), nobody with consent to be
named with a photo, on an initials-only channel. Two figures:

  * caught: captions naming a pupil with a plausible misspelling of first name + surname
    (adjacent letters swapped, one letter missing, extra or wrong in a word, typed or read like
    OCR: "rn" for "m", "1" for "l", "0" for "o"), and rare surnames misspelt alone; every one of
    them must be refused;
  * false refusals: about 200 ordinary school captions that name nobody; none should be refused;
    among them, captions opening with an everyday word one slip from a pupil's first name or a
    common surname ("Games afternoon" for James), also counted on their own;
  * caught alone: a pupil's first name (four letters or more) or a common surname (five or more)
    alone with one change ("Well done Olivai!", "Smtih collects her award"); first names of
    four letters are caught only with two letters swapped ("Evei"), and surnames that are
    everyday words are left out by design (one letter from "Rose" is "Nose", one from "Price"
    is "Prize"; one from "Mila" is "Milan"), so this figure is not 100%;
  * everyday-word first names used as names ("Summer won the race"): every one refused;
  * visitors named in full whose first name is a pupil's ("Author Julia Donaldson"): those
    whose surname is no pupil's should pass; those whose surname is a pupil's too are refused
    (a pupil's first name before another pupil's name is taken for pupils' names);
  * on a channel that shows no names (s33): the ordinary captions again (no more refused than
    on the website), captions with short forms in capitals ("PE", "DT", "KS2", "PTA": none
    refused, though many are a pupil's initials too), and pupils' initials typed by staff
    ("Well done KJ!", "K.J. won the race": every one refused, except initials that are a short
    form themselves);
  * with every tenth pupil on the do-not-photograph list (s33), on the website: ordinary
    captions and short forms refused (no more than without the list), those pupils' initials
    typed by staff ("Well done TW": every one refused, on every channel, except short forms),
    other pupils' initials left to pass; the ordinary captions in lower case (on the website
    and on a channel that shows no names), the listed pupils' initials in lower case ("well
    done tw": every one refused, except words and short forms, "to", "pe", "oh") and other
    pupils' initials in lower case (none refused);
  * s34: pupils' initials in lower case or with one capital where no names are shown ("well
    done kj", "Kj won": every one refused, except words and short forms), with a middle name
    ("Well done KMJ": every one refused there), the short-form captions in lower case (none
    refused) and the ordinary captions in capitals (no more than in ordinary case); listed pupils' initials with one capital ("Tw won") and with a middle name
    ("TJW") on the website (every one refused), other pupils' with a middle name (none);
  * s35: pupils' initials with a middle name in lower case or with one capital ("tjw", "Tjw")
    or with two ("TJKW", "T.J.K.W.", "tjkw") where no names are shown (every one refused, but
    those that spell a word, a name or a place), listed pupils' on the website (every one),
    other pupils' on the website (none); ordinary captions with short forms in lower case,
    numerals and names of places ("see pg 4", "xx", "co-op", "Henry VIII", "eid lunch": none
    refused, where no names are shown and with the listed pupils on the website).
  * s37: made-up initials of three to five letters (a pupil's first and last, random letters
    between: "AMELO", "tkw") in capitals or in lower case where no names are shown (every one
    refused, but those that are an English word or a school short form, counted aside), and
    listed pupils' on the website (every one, words too, counted).

Everything here is written for this benchmark (no shared data). ``--show`` prints every miss
and every false refusal.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photovet.core.models import YES, Channel, Person  # noqa: E402
from photovet.core.vision.text.captions import check_caption  # noqa: E402
from photovet.core.vision.text.names import (  # noqa: E402
    COMMON_SURNAMES,
    abbreviation,
    everyday_word,
)

try:
    from photovet.core.vision.text.captions import LOWER_SHORT_FORMS
except ImportError:     # (before s35: measured against main's figures)
    LOWER_SHORT_FORMS = frozenset(["ca", "cf", "ch", "co", "cs", "ct", "cu", "dd", "dz", "ea",
                                   "ed", "em", "es", "fl", "fr", "gr", "gs", "ho", "ii", "iv",
                                   "ix", "kc", "ls", "mg", "mi", "nu", "pd", "pg", "pl", "pt",
                                   "qt", "rm", "rs", "sh", "sq", "ti", "ts", "vi", "wt", "xi",
                                   "xv", "xx"])
try:
    from photovet.core.vision.text.names import TWO_LETTER_WORDS
except ImportError:     # (before s33: measured against main's lower-case figures)
    TWO_LETTER_WORDS = frozenset()

ON = _dt.date(2026, 6, 1)
CHANNEL = Channel("website", "School website", names="full")

FORENAMES = [
    "Oliver", "George", "Arthur", "Noah", "Muhammad", "Leo", "Oscar", "Harry", "Archie", "Jack",
    "Henry", "Charlie", "Freddie", "Theodore", "Thomas", "Finley", "Theo", "Alfie", "Jacob",
    "William", "Isaac", "Tommy", "Joshua", "James", "Lucas", "Alexander", "Arlo", "Teddy",
    "Edward", "Max", "Ethan", "Reuben", "Samuel", "Daniel", "Logan", "Harrison", "Mason", "Louie",
    "Hugo", "Joseph", "Adam", "Sebastian", "Elijah", "Zachary", "Albie", "Rory", "Dylan", "Toby",
    "Jude", "Ezra", "Ronnie", "Riley", "Felix", "Jaxon", "Frankie", "Hunter", "Ibrahim", "Yusuf",
    "Ali", "Omar", "Ayaan", "Kai", "Callum", "Connor", "Kieran", "Declan", "Owen", "Rhys",
    "Dafydd", "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia",
    "Willow", "Rosie", "Sophia", "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Elsie",
    "Emily", "Ella", "Evelyn", "Phoebe", "Sofia", "Evie", "Charlotte", "Harper", "Millie",
    "Matilda", "Maya", "Sophie", "Alice", "Emilia", "Isabelle", "Ruby", "Luna", "Maisie", "Aria",
    "Penelope", "Mila", "Bonnie", "Eva", "Hallie", "Eliza", "Ada", "Violet", "Esme", "Ayla",
    "Aisha", "Fatima", "Zainab", "Maryam", "Hope", "Summer", "Rose", "Holly", "Hazel", "Amber",
    "Faith", "Joy", "Skye", "Autumn", "April", "Megan", "Ffion", "Caitlin", "Niamh", "Siobhan",
    "Priya", "Anaya", "Chloe", "Jessica", "Lauren", "Bethany", "Keira", "Molly", "Erin", "Orla",
]
SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
    "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker",
    "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan",
    "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster",
    "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell",
    "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler",
    "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Long",
    "Rose", "Winterbottom", "MacDonald", "O'Connor", "Fairbrother", "Ramsbottom", "Featherstone",
    "Ashworth", "Greenhalgh", "Higginbottom", "Oyelaran", "Nwankwo", "Kowalczyk", "Wiśniewski",
    "Chaudhry", "Rahman", "Iqbal", "Okonkwo", "Abernethy", "Llewellyn", "Pritchard", "Cartwright",
    "Sutcliffe", "Hargreaves", "Whitaker", "Pemberton", "Tranter", "Ackroyd", "Blackburn",
    "Ormerod", "Fairclough", "Pilkington", "Entwistle", "Crowther", "Haworth", "Threlfall",
    "Lightfoot", "Dunmore", "Kirkpatrick", "McAllister", "Fitzgerald", "Donoghue", "Quigley",
    "Brennan", "Gallagher", "Doherty", "Sweeney", "Mahmood", "Akhtar", "Nowak", "Popescu",
    "Adeyemi", "Mensah", "Osei", "Tshabalala", "Nakamura", "Nguyen", "Kaur", "Gill", "Sandhu",
]
# common UK surnames (names.COMMON_SURNAMES): misspelt alone they name nobody in particular
COMMON = COMMON_SURNAMES


def register(n: int = 300) -> list[Person]:
    rng = random.Random(29)
    people = []
    for k in range(n):
        first = FORENAMES[k % len(FORENAMES)]
        last = SURNAMES[(k * 7 + k // len(FORENAMES)) % len(SURNAMES)]
        people.append(Person(id=f"P{k:03d}", legal_forename=first, legal_surname=last,
                             photo_consent={c: YES for c in ("website", "facebook")},
                             name_with_photo=False, year_group=str(rng.randint(1, 6))))
    return people


# --- ordinary captions that name nobody -------------------------------------------------------

CAPTIONS = """
Year 5 at the Science Museum
Sports day relay
Sports Day 2026: the egg and spoon race
Year 6 leavers' assembly
Reception's first week at school
Well done to everyone who took part in the cross-country!
Our Year 3 choir singing at the care home
Harvest festival donations for the food bank
World Book Day costumes in Year 2
Year 4 trip to the Roman villa
Bikeability training for Year 6
Forest School fun in the mud
Our new library is open!
Christmas jumper day raised £240 for charity
The nativity play: a huge thank you to all our families
Year 1 planting sunflowers in the garden
Summer fair this Saturday from 12 until 3
Hope you all have a lovely half term
Rose class visited the farm
Maple class learning about the Great Fire of London
Class 4B made volcanoes in science
Our football team won the league!
Netball tournament at Greenfield Academy
Year 5 residential at Kingswood
Swimming gala results
Chess club meets every Tuesday
Safer Internet Day assembly
Anti-bullying week: odd socks day
Red Nose Day bake sale
Children in Need: spotty day
Remembrance assembly with poppies made by Year 2
Black History Month display in the hall
Mental health awareness week
Road safety talk from the local police
Fire engine visit for Nursery
Reception meet the farm animals
Year 2 at the seaside
Year 3 Stone Age day
Egyptian day in Year 4
Tudor day: Year 5 dressed up
Evacuee day for Year 6
Maths week: times tables rock stars
Science week: building bridges
Art gallery of our self-portraits
Music concert in the school hall
Our orchestra performs at the town hall
Year 6 SATs breakfast club
Sports Relief mile
The Big Garden Birdwatch
Easter bonnet parade
Easter egg hunt on the field
Pancake races in the playground
Chinese New Year dragon dance
Diwali celebrations with diyas
Eid celebration lunch
Hanukkah story time
Year 1 visit to the church
Year 4 recorder concert
Well done Year 5!
Welcome back everyone!
Happy Christmas from all of us
Reading corner in Class 3
Our school council meeting
School council visit the town hall
Eco-council litter pick
Gardening club harvest potatoes
Cooking club made pizza
Coding club programmes robots
Year 6 perform Macbeth
Year 5 perform Oliver!
Year 2 perform The Gruffalo
Sleeping Beauty pantomime visit
Theatre trip to see Matilda
Our Year 6 play: Bugsy Malone
Sports day medals
Tag rugby tournament
Cricket coaching with Lancashire
Tennis taster session
Dance workshop with a visiting company
Gymnastics display
Football match against St Mary's
Hockey festival results
Athletics at the stadium
Cross-country at Heaton Park
Swimming lessons begin for Year 4
Year 3 at the zoo
Year 1 at the aquarium
Year 2 at the toy museum
Year 5 at the planetarium
Year 6 visit the secondary school
Transition day for Year 6
New Reception children settling in well
Stay and play for Nursery families
Grandparents' afternoon tea
Mother's Day cards
Father's Day breakfast
Teddy bears' picnic
Superhero day in Reception
Pyjama day for charity
Sponsored silence raised £300
Non-uniform day
Cake sale for the PTA
Summer concert in the sunshine
Spring walk in the woods
Autumn leaves art
Winter wonderland display
Snow day fun on the field
Rainy day indoor games
Our new climbing frame
The new playground markings
Outdoor classroom opening
Library books donated by families
Author visit for World Book Day
Poetry competition winners
Spelling bee final
Handwriting awards this week
Star of the week certificates
Golden time rewards
Headteacher's awards
Attendance cup for Class 5
Well done to our attendance champions
Thank you to our volunteers
Thank you to the PTA for the new books
A huge thank you to our parents
Year 6 enterprise project
Year 4 made their own board games
Year 3 made moving toys
Year 2 made fruit kebabs
Year 1 made puppets
Nursery made playdough
Reception counting with conkers
Maths in the outdoors
Measuring the playground
Fractions with pizza
Science investigation: which paper towel is best?
Growing cress in Year 1
Life cycle of a butterfly
Tadpoles in the classroom
Chicks hatching in Reception
Visit from the dentist
Healthy eating week
Fruit and vegetable tasting
Brass band lessons
Ukulele lessons in Year 4
Steel pans workshop
Year 5 at the mosque
Year 4 at the gurdwara
Year 3 at the synagogue
Year 2 at the cathedral
Our Harvest assembly
Carol singing in the village
Christmas lunch in the dining hall
Christmas party in the hall
Santa's grotto at the PTA fair
Year 6 bake off winners
Year 5 Viking longboats
Year 4 rainforest topic
Year 3 volcano models
Year 2 Great Fire of London houses
Year 1 castles topic
Fun run for the hospice
Sports leaders help with KS1 games
Playground buddies ready to help
Prefects chosen for next year
House captains announced
Blue house won sports day
Green team tidy the garden
Bell ringing at the church
Hill walking on the residential
Long jump at sports day
Brown bread baking in Year 2
Young voices concert at the arena
Hope and Faith: our RE topic
Grace before lunch
Rose garden planted by Year 6
Summer term dates
Holly and ivy wreaths for Christmas
Amber warning: school closed for snow
Daisy chains on the field
Violet and yellow paintings
Ruby anniversary of our school
Autumn term newsletter
April showers: our weather topic
Year 6 leavers' hoodies
The leavers' disco
Last day of term
First day back
Open morning for new families
Parents' evening next week
School photographs on Monday
Flu vaccinations in school
Sports kit reminder
Lost property table
Uniform shop open
Breakfast club pancakes
After-school club crafts
Design and technology: bridges
Computing: coding with Scratch
History: the Romans in Britain
Geography: rivers and mountains
French day: croissants and crêpes
Spanish songs in Year 3
""".strip().splitlines()

# ordinary captions opening with an everyday word one slip from a pupil's first name or a common
# surname of the register ("Games" for James, "Hurry" for Harry, "Copper" for Cooper): part of
# the ordinary set above, and counted on their own too (written before any result was seen)
EVERYDAY_WORD_CAPTIONS = """
Games afternoon for Year 3
Hurry, only a few tickets left for the quiz night!
Began our new science topic on forces today
Slice of birthday cake for everyone in Class 2
Hamper raffle: tickets on sale at the office
Login details for the homework website are in book bags
Tummy bugs are going round: please keep children off for 48 hours
Puppy visit to Reception
Vegan and vegetarian options at the summer fair
Gorge walking on the Year 6 residential
Jolly Phonics songs in Reception
Copper and zinc: Year 6 science experiments
Homes for hedgehogs built by Year 3
Butter making in Reception
Ferry crossing on the Isle of Wight trip
Giant puppets at the carnival
Gates open at 8:40 for the summer fair
Buns for the bake sale
""".strip().splitlines()
CAPTIONS += EVERYDAY_WORD_CAPTIONS

# visitors and characters named in full, whose first name is a pupil's (s32: a pupil's first
# name before a word that is another pupil's name is refused): counted on their own, not among
# the ordinary captions above, in two groups: the surname is no pupil's (they should pass), or
# it is a pupil's surname too (refused: the cost of failing closed on "Kai Sam"). (caption,
# surname). The first eight were written before any result was seen; the register turned out
# to use only 54 of SURNAMES, so only one of them fell in the second group, and the last nine
# were added after the first run, to measure both groups.
VISITORS = [
    ("Author Julia Donaldson visits Year 2", "Donaldson"),
    ("Storyteller Grace Nichols read her poems in assembly", "Nichols"),
    ("Football coach Jack Wilshere ran a session for Year 5", "Wilshere"),
    ("Meet the author: Chloe Daykin", "Daykin"),
    ("Reading Oliver Twist in Year 6", "Twist"),
    ("Mayor Amelia Whitfield opened the new library", "Whitfield"),
    ("Olympian Jessica Ennis-Hill opened our sports day", "Ennis-Hill"),
    ("Thank you to Leo Reynolds from the library service", "Reynolds"),
    ("Thank you to PC Harry Morgan for his road safety talk", "Morgan"),
    ("Our visitor Adam Hargreaves from the fire service", "Hargreaves"),
    ("Musician Evie Walker led our singing", "Walker"),
    ("Artist Lily Parker ran our printing workshop", "Parker"),
    ("Thanks to Oscar Davies from the rugby club", "Davies"),
    # added after the first run
    ("Florence Nightingale day in Year 2", "Nightingale"),
    ("Isaac Newton and the apple: our forces topic", "Newton"),
    ("Grace Darling and the lifeboat: Year 1 history", "Darling"),
    ("Author Jack Mitchell visited Year 4", "Mitchell"),
    ("Thanks to Grace Harris from the town library", "Harris"),
    ("Year 6 met Olympian Leo Russell", "Russell"),
    ("Our visitor Amelia Smith from the NHS", "Smith"),
    ("Thank you to Oscar Watson from the fire service", "Watson"),
    ("Poet Chloe Williams ran a writing workshop", "Williams"),
]

# --- a channel that shows no names (s33) -------------------------------------------------------

NO_NAMES = Channel("noticeboard", "Noticeboard", names="none")

# Ordinary captions with capitals that are short forms, not initials: on a channel that shows no
# names every one should pass, though 17 of names.CAPTION_ABBREVIATIONS are some pupil's initials
# in this register (AD, AM, CC, DT, EG, EP, FA, FC, GB, GP, HT, IT, LA, MC, MP, PS, RC). Written
# for s33 before the first run.
SHORT_FORM_CAPTIONS = """
DT projects in Year 6
Our DT club made bird boxes
IT lessons in the new suite
Year 3 in PE
PE kits on Monday please
RE: visiting the mosque
KS2 SATs week
KS1 nativity rehearsals
Cake sale for the PTA
BBC Children in Need: spotty day
Our FA Cup trip to Wembley
Year 5 at the local FC ground
GP surgery visit for our People Who Help Us topic
Our local MP visited Year 6
HT award winners this week
Romans in AD 43: our history topic
Stone Age to 500 BC
Parents' evening at 6 PM
Doors open at 8.45 AM
PS: the fair is on Saturday
Thank you to the LA team
Year 6 and the RC parish
CC: please bring a coat
VE Day tea party
WW2 evacuee day
GB athletics coach visited
NHS heroes week
PSHE: keeping safe online
EYFS stay and play
SEN coffee morning
""".strip().splitlines()

# Ordinary captions with two letters in lower case or with one capital that are a short form
# written so ("pg 4", "xx", "co-op", "ch 3", "rm 12"), Roman numerals ("Henry VIII") and words of
# three or four letters that are names or places ("eid", "kit", "bee"): none names anyone by
# initials. Written for s35 before the first run; it showed two that name a pupil of the register
# by chance, refused by the name check whatever the initials rules ("Mrs Khan": a pupil's
# surname; "henry" in lower case: a pupil's first name), left in as they were written.
LOWER_SHORT_FORM_CAPTIONS = """
Reading books: see pg 4 of the newsletter
Homework is on pg 12 of the planner
Thank you from everyone in Year 2 xx
Love from Reception xx
Trip to the co-op for our shopping topic
The Co-op donated fruit for sports day
Mrs Khan and co ran the cake stall
Class 3 are in rm 4 this week
We read ch 5 of our class novel together
Ch 3 of The Iron Man
Stay safe online pt 2
Henry VIII and his six wives: Year 4 history
henry viii day in Year 4
King Charles III display in the hall
Louis XIV and Versailles: Year 5 French day
Year 6 kit list for the residential
eid lunch in the hall
spelling bee final
odd socks day for anti-bullying week
Our Year 3 trip to Rome (well, the Roman villa)
Year 5 at the sq mile fun run
Lost property: pe kit in the hall
Henry VIII day: Tudor banquet in Year 5
Chapter 2, pg 7: Year 3 reading group
""".strip().splitlines()

#: how staff type a pupil's initials
INITIAL_FORMS = ("{a}{b}", "{a}.{b}.", "{a}. {b}.")
INITIAL_TEMPLATES = ("Well done {}!", "{} won the race", "Congratulations to {}",
                     "{}'s painting won first prize")


def typed_initials(people: list[Person]) -> list[tuple[str, str]]:
    """(caption, initials) giving the first 60 pupils' initials in every form and template."""
    out = []
    for k, p in enumerate(people[:60]):
        form = INITIAL_FORMS[k % len(INITIAL_FORMS)].format(a=p.initials[0], b=p.initials[1])
        out.append((INITIAL_TEMPLATES[k % len(INITIAL_TEMPLATES)].format(form), p.initials))
    return out


# --- misspellings -------------------------------------------------------------------------------

TEMPLATES = ["Well done {} for winning the race!", "{} collects her award", "Congratulations to {}",
             "Year 5 with {} at the museum", "{}'s painting won first prize"]
_NEAR = {"a": "s", "e": "r", "i": "o", "o": "i", "u": "y", "n": "m", "m": "n", "s": "a",
         "t": "r", "r": "t", "l": "k", "h": "j", "c": "v", "d": "f", "b": "v", "g": "h"}
_OCR = [("m", "rn"), ("l", "1"), ("o", "0"), ("i", "l"), ("s", "5"), ("w", "vv")]


def _swap(w: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(w) - 1) if len(w) > 2 else 0
    return w[:k] + w[k + 1] + w[k] + w[k + 2:]


def _drop(w: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(w))
    return w[:k] + w[k + 1:]


def _extra(w: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(w))
    return w[:k] + w[k] + w[k:]


def _wrong(w: str, rng: random.Random) -> str:
    ks = [k for k in range(1, len(w)) if w[k].lower() in _NEAR]
    if not ks:
        return _drop(w, rng)
    k = rng.choice(ks)
    return w[:k] + _NEAR[w[k].lower()] + w[k + 1:]


def _ocr(w: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in _OCR if a in w[1:].lower()]
    if not options:
        return _swap(w, rng)
    a, b = rng.choice(options)
    k = w.lower().index(a, 1)
    return w[:k] + b + w[k + 1:]


KINDS = {"swap": _swap, "drop": _drop, "extra": _extra, "wrong": _wrong, "ocr": _ocr}


def misspelt(people: list[Person], rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, caption, person id): first name + surname with one change in each word (the
    surname only when the first name is three letters or fewer), and rare surnames (7 letters or more, not common) with one change, alone."""
    out = []
    for p in rng.sample(people, 120):
        for kind, f in KINDS.items():
            # both words changed ("Jhon Smtih"): with one word as the register has it, the
            # name is found by that word alone
            first, last = p.legal_forename, p.legal_surname
            if len(first) >= 4:
                first = f(first, rng)
            last = f(last, rng)
            out.append((f"full-{kind}", rng.choice(TEMPLATES).format(f"{first} {last}"), p.id))
    rare = [p for p in people if len(p.legal_surname) >= 7
            and p.legal_surname.lower().replace("'", "") not in COMMON]
    for p in rng.sample(rare, min(60, len(rare))):
        for kind, f in KINDS.items():
            out.append((f"surname-{kind}",
                        rng.choice(TEMPLATES).format(f(p.legal_surname, rng)), p.id))
    return out


def misspelt_alone(people: list[Person], rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, caption, person id): a first name alone with one change ("Well done Olivai!"),
    first names of four letters or more, and a common surname (``COMMON``, five letters or
    more, not an everyday word) alone with one change ("Smtih"). Each is a name leak as the
    name itself alone is."""
    out = []
    firsts = [p for p in people if len(p.legal_forename) >= 4]
    for p in rng.sample(firsts, 60):
        for kind, f in KINDS.items():
            out.append((f"first-{kind}", rng.choice(TEMPLATES).format(f(p.legal_forename, rng)),
                        p.id))
    common = [p for p in people if p.legal_surname.lower() in COMMON
              and len(p.legal_surname) >= 5]
    for p in rng.sample(common, min(40, len(common))):
        for kind, f in KINDS.items():
            out.append((f"common-{kind}", rng.choice(TEMPLATES).format(f(p.legal_surname, rng)),
                        p.id))
    return out


# a pupil's first name that is an everyday word, used as the name: every one must be refused
# (the ordinary captions above use the same words as words: "Summer fair", "Hope you all...")
WORD_NAMES_AS_NAMES = """
Summer won the race
Well done Summer!
Summer collects her award
Summer's painting won first prize
Congratulations to Hope
Hope and Grace at the museum
Rose scored the winning goal
Well done Rose, a star
Grace read her poem in assembly
Holly and Daisy at the zoo
Amber was star of the week
Ruby and Violet perform a duet
April won the spelling bee
Summer fair winner: Summer!
Autumn planted the sunflowers
Faith sang a solo
Joy at sports day
Summer term star: Hope
Hope, you were brilliant
""".strip().splitlines()


def with_listed(people: list[Person]) -> list[Person]:
    """The register with every tenth pupil on the do-not-photograph list (s33)."""
    return [dataclasses.replace(p, do_not_photograph=k % 10 == 0) for k, p in enumerate(people)]


def never_initials(people: list[Person], show: bool) -> None:
    """s33: every tenth pupil on the do-not-photograph list, on the website (names shown):
    ordinary captions and short forms refused (no more than without the list), the listed
    pupils' initials typed by staff refused (all, but short forms), and other pupils' initials
    (not a listed pupil's too) left to pass."""
    listed = with_listed(people)
    never = [p for p in listed if p.do_not_photograph]
    theirs = {p.initials for p in never}
    refused = [c for c in CAPTIONS if not check_caption(c, listed, CHANNEL, ON, "consent").ok]
    short = [c for c in SHORT_FORM_CAPTIONS
             if not check_caption(c, listed, CHANNEL, ON, "consent").ok]
    print(f"with {len(never)} pupils on the do-not-photograph list, on the website: ordinary "
          f"captions refused {len(refused)}/{len(CAPTIONS)}, short forms refused "
          f"{len(short)}/{len(SHORT_FORM_CAPTIONS)}")
    if show:
        for c in refused + short:
            print(f"  REFUSED {c!r}")
    typed = typed_initials(never)
    kept = [(c, i) for c, i in typed if not abbreviation(i)]
    passed = [c for c, _ in kept if check_caption(c, listed, CHANNEL, ON, "consent").ok]
    say_refused("  their initials typed (TW, T.W., T. W.)", len(kept), passed,
                f" (and {len(typed) - len(kept)} whose initials are a short form, left to pass)")
    others = [(c, i) for c, i in typed_initials([p for p in listed if not p.do_not_photograph])
              if i not in theirs]
    out = [c for c, _ in others if not check_caption(c, listed, CHANNEL, ON, "consent").ok]
    print(f"  other pupils' initials (no listed pupil's) refused: {len(out)}/{len(others)}")
    for c in out:
        print(f"  REFUSED {c!r}")
    # in lower case (s33): "well done tw" is a listed pupil's initials; "to", "pe", "oh" not
    lowered = [c.lower() for c in CAPTIONS]
    for where, channel in (("website", CHANNEL), ("no names", NO_NAMES)):
        out = [c for c in lowered if not check_caption(c, listed, channel, ON, "consent").ok]
        print(f"  ordinary captions in lower case refused ({where}): {len(out)}/{len(lowered)}")
        if show:
            for c in out:
                print(f"  REFUSED {c!r}")
    low = [(c.lower(), i) for c, i in typed]
    kept = [(c, i) for c, i in low if not abbreviation(i) and not everyday_word(i)
            and i.lower() not in TWO_LETTER_WORDS]
    passed = [c for c, _ in kept if check_caption(c, listed, CHANNEL, ON, "consent").ok]
    say_refused("  their initials in lower case (tw, t.w., t. w.)", len(kept), passed,
                f" (and {len(low) - len(kept)} that are a word or a short form, left to pass)")
    others = [(c.lower(), i) for c, i in others]
    out = [c for c, _ in others if not check_caption(c, listed, CHANNEL, ON, "consent").ok]
    print(f"  other pupils' initials in lower case refused: {len(out)}/{len(others)}")
    for c in out:
        print(f"  REFUSED {c!r}")
    # with one capital (s34): "Tw won" is a listed pupil's initials; "To", "Us", "At" not
    titled = [(_one_capital(c), i) for c, i in typed]
    kept = [(c, i) for c, i in titled if not abbreviation(i) and not everyday_word(i)
            and i.lower() not in TWO_LETTER_WORDS]
    passed = [c for c, _ in kept if check_caption(c, listed, CHANNEL, ON, "consent").ok]
    say_refused("  their initials with one capital (Tw, T.w., T. w.)", len(kept), passed,
                f" (and {len(titled) - len(kept)} that are a word or a short form, left to pass)")
    # three letters, a middle name between (s34): "TJW" may be a listed Tori Wells's
    three = middle_initials(never)
    passed = [c for c in three if check_caption(c, listed, CHANNEL, ON, "consent").ok]
    say_refused("  their initials with a middle name (TJW, T.J.W.)", len(three), passed)
    firsts_lasts = {p.initials for p in never}
    three = [c for c in middle_initials([p for p in listed if not p.do_not_photograph])
             if _first_last(c) not in firsts_lasts]
    out = [c for c in three if not check_caption(c, listed, CHANNEL, ON, "consent").ok]
    print(f"  other pupils' initials with a middle name refused: {len(out)}/{len(three)}")
    for c in out:
        print(f"  REFUSED {c!r}")


def _one_capital(caption: str) -> str:
    """The caption with its initials ("KJ", "K.J.") written with one capital ("Kj", "K.j.")."""
    import re
    return re.sub(r"(?<![^\W_])([A-Z])(\.?\s?)([A-Z])(?![A-Za-z])",
                  lambda m: m.group(1) + m.group(2) + m.group(3).lower(), caption, count=1)


#: middle initials the benchmark puts between a pupil's (no word, no short form, for any
#: first and last letter: a vowel-less middle is rarely a word)
MIDDLES = "JMRLKS"
THREE_FORMS = ("{a}{m}{b}", "{a}.{m}.{b}.", "{a}. {m}. {b}.")


def middle_initials(people: list[Person]) -> list[str]:
    """Captions with three initials, a middle name's between the pupil's: "Well done TJW!"
    (those that are a short form or a word in capitals are left out: "PTA", "BBC", "TOT")."""
    from photovet.core.vision.text.names import english_words
    out = []
    for k, p in enumerate(people[:60]):
        a, b, m = p.initials[0], p.initials[1], MIDDLES[k % len(MIDDLES)]
        letters = a + m + b
        if abbreviation(letters) or everyday_word(letters) or letters.lower() in english_words():
            continue
        form = THREE_FORMS[k % len(THREE_FORMS)].format(a=a, m=m, b=b)
        out.append(INITIAL_TEMPLATES[k % len(INITIAL_TEMPLATES)].format(form))
    return out


def _letters_word(letters: str) -> bool:
    """Are these three or four letters a word, a name, a place or a short form (the benchmark
    leaves them out of the initials typed: "TOM", "ROME")?"""
    import re
    low = letters.lower()
    try:
        from photovet.core.vision.text.captions import short_words
        words = short_words()
    except ImportError:
        words = frozenset()
    return abbreviation(low) or everyday_word(low) or low in words or \
        bool(re.fullmatch(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", low))


#: forms of a pupil's initials with a middle name typed as one word, not in capitals, and with
#: two middle names (s35)
MORE_FORMS = ("{a}{m}{b}", "{A}{m}{b}", "{A}{M}{N}{B}", "{A}.{M}.{N}.{B}.", "{a}{m}{n}{b}",
              "{A}. {M}. {N}. {B}.")


def more_initials_of(people: list[Person], letters_too: bool = False) -> list:
    """Captions with a pupil's initials in lower case or with one capital with a middle name
    between ("Well done tjw!", "Tjw won the race"), and with two middle names ("TJKW",
    "T.J.K.W.", "tjkw"): those whose letters are a word, a name, a place or a short form are left
    out ("tom", "Rome")."""
    from photovet.core.vision.text.names import english_words
    out = []
    for k, p in enumerate(people[:60]):
        a, b = p.initials[0], p.initials[1]
        m, n = MIDDLES[k % len(MIDDLES)], MIDDLES[(k + 3) % len(MIDDLES)]
        form = MORE_FORMS[k % len(MORE_FORMS)]
        letters = (a + m + b) if "N" not in form.upper() else (a + m + n + b)
        if _letters_word(letters) or letters.lower() in english_words():
            continue
        typed = form.format(a=a.lower(), A=a, m=m.lower(), M=m, n=n.lower(), N=n, b=b.lower(),
                            B=b)
        caption = INITIAL_TEMPLATES[k % len(INITIAL_TEMPLATES)].format(typed)
        out.append((caption, letters) if letters_too else caption)
    return out


def say_refused(what: str, total: int, passed: list[str], aside: str = "") -> None:
    """'<what> refused: <refused>/<total><aside>', then each caption that passed."""
    print(f"{what} refused: {total - len(passed)}/{total}{aside}")
    for c in passed:
        print(f"  PASSED {c!r}")


def more_initials(people: list[Person], show: bool) -> None:
    """s35: initials with a middle name in lower case or with one capital ("tjw", "Tjw") and
    with two middle names ("TJKW", "T.J.K.W."): every one refused where no names are shown and,
    for pupils on the do-not-photograph list, on the website; other pupils' left to pass on the
    website. Short forms in lower case and numerals ("pg 4", "xx", "co-op", "Henry VIII"): none
    refused."""
    typed = more_initials_of(people)
    passed = [c for c in typed if check_caption(c, people, NO_NAMES, ON, "consent").ok]
    say_refused("s35: pupils' initials with a middle name in lower case or one capital, or two "
                "middle names (tjw, Tjw, TJKW, T.J.K.W.), no names shown,", len(typed), passed)
    listed = with_listed(people)
    never = [p for p in listed if p.do_not_photograph]
    typed = more_initials_of(never)
    passed = [c for c in typed if check_caption(c, listed, CHANNEL, ON, "consent").ok]
    say_refused("  listed pupils' (the same shapes) on the website", len(typed), passed)
    firsts_lasts = {p.initials for p in never}
    typed = [c for c, letters in more_initials_of([p for p in listed if not p.do_not_photograph],
                                                  letters_too=True)
             if (letters[0] + letters[-1]).upper() not in firsts_lasts]
    out = [c for c in typed if not check_caption(c, listed, CHANNEL, ON, "consent").ok]
    print(f"  other pupils' (the same shapes) on the website refused: {len(out)}/{len(typed)}")
    for c in out:
        print(f"  REFUSED {c!r}")
    for where, channel, group in (("no names", NO_NAMES, people),
                                  ("website, listed pupils", CHANNEL, listed)):
        out = [c for c in LOWER_SHORT_FORM_CAPTIONS
               if not check_caption(c, group, channel, ON, "consent").ok]
        print(f"  captions with short forms in lower case, numerals, names of places ({where}) "
              f"refused: {len(out)}/{len(LOWER_SHORT_FORM_CAPTIONS)}")
        for c in out:
            print(f"  REFUSED {c!r}")


# s36: ordinary captions with short forms written with full stops before a word of one letter,
# words in mixed case, plurals of short forms, words of five letters or more that are no word
# of the list (places, names, words said long), names and places of three capitals: general
# knowledge of school posts, not taken from any test set
S36_ORDINARY = """
Bring a snack, e.g. a banana or an apple
Year 3 visited the farm, i.e. a day of mud
The show starts at 3 p.m. a great afternoon
Doors open at 9 a.m. a reminder to be on time
P.E. a must on Fridays: bring your kit
R.E. a visit to the gurdwara
D.T. a chance to build a bridge
Pens, pencils etc. a bag for each child
Our new iPads arrived today
We raised money on eBay for the library
Watch our YouTube channel for the concert
A PowerPoint on the solar system
New DVDs for the library
Thank you to the PTAs of both schools
SATs week: good luck Year 6
Our trip to McDonald's after the match
HEATON PARK TRIP
Off to WEMBLEY for the final
We had sooo much fun at the disco
Raising money for the NSPCC
Year 2 went to LEGOLAND
Our Ofsted report is out
TOM'S MIDNIGHT GARDEN: our class book
DAN THE DRAGON visits Reception
BEN NEVIS: the staff climb
ROME TRIP 2026
FUN DAY ON FRIDAY
Henry VII and the Tudors
Our sportsclub won the league
Our MasterChef winners
""".strip().splitlines()
S36_FORMS = ("{A}{M}{N}{K}{B}", "{a}{M}{B}", "{A}{m}{B}", "{a}{m}{B}", "{A}. {M}. {N}. {K}. {B}.",
             "{A} {M} {N} {K} {B}", "{a}{m}{n}{k}{b}")


def s36_initials_of(people: list[Person]) -> list[str]:
    """Captions with a pupil's initials in the shapes s36 reads: five letters or more ("TJKLW",
    "tjklw", "T. J. K. L. W.", "T J K L W") and odd mixed case ("tJW", "TjW", "tjW")."""
    out = []
    for k, p in enumerate(people[:60]):
        a, b = p.initials[0], p.initials[1]
        m, n, q = MIDDLES[k % len(MIDDLES)], MIDDLES[(k + 2) % len(MIDDLES)], \
            MIDDLES[(k + 4) % len(MIDDLES)]
        form = S36_FORMS[k % len(S36_FORMS)]
        typed = form.format(a=a.lower(), A=a, m=m.lower(), M=m, n=n.lower(), N=n, k=q.lower(),
                            K=q, b=b.lower(), B=b)
        out.append(INITIAL_TEMPLATES[k % len(INITIAL_TEMPLATES)].format(typed))
    return out


def s36(people: list[Person], show: bool) -> None:
    """s36: pupils' initials in the shapes that passed (five letters or more, odd mixed case):
    every one refused where no names are shown and, for listed pupils, on the website; and the
    ordinary captions of those shapes: none refused."""
    typed = s36_initials_of(people)
    passed = [c for c in typed if check_caption(c, people, NO_NAMES, ON, "consent").ok]
    say_refused("s36: pupils' initials of five letters or more or in odd mixed case (TJKLW, "
                "tJW, T J K L W), no names shown,", len(typed), passed)
    listed = with_listed(people)
    typed = s36_initials_of([p for p in listed if p.do_not_photograph])
    passed = [c for c in typed if check_caption(c, listed, CHANNEL, ON, "consent").ok]
    say_refused("  listed pupils' (the same shapes) on the website", len(typed), passed)
    for where, channel, group in (("no names", NO_NAMES, people),
                                  ("website, listed pupils", CHANNEL, listed)):
        out = [c for c in S36_ORDINARY if not check_caption(c, group, channel, ON, "consent").ok]
        print(f"  ordinary captions with e.g./p.m., mixed case, long words, names in capitals "
              f"({where}) refused: {len(out)}/{len(S36_ORDINARY)}")
        for c in out:
            print(f"  REFUSED {c!r}")


# s37: made-up initials of three to five letters, a pupil's first and last with random middle
# letters between ("AMELO", "TKW", "JQRB"), typed as one word in capitals or in lower case: the
# shapes that passed when they read like a word
RANDOM_FORMS = ("{}", "{}", "{}", "{low}")


def random_initials_of(people: list[Person], rng: random.Random, n: int = 120
                       ) -> list[tuple[str, str, bool]]:
    """(caption, letters, a word or short form) for ``n`` made-up initials of three to five
    letters of ``people`` (first and last theirs, uniformly random letters between)."""
    import string

    from photovet.core.vision.text.names import english_words
    out = []
    for k in range(n):
        p = rng.choice(people)
        size = 3 + k % 3
        letters = p.initials[0] + "".join(rng.choices(string.ascii_uppercase, k=size - 2)) + \
            p.initials[1]
        form = RANDOM_FORMS[k % len(RANDOM_FORMS)]
        typed = form.format(letters, low=letters.lower())
        word = bool(abbreviation(letters)) or letters.lower() in english_words() or \
            everyday_word(letters.lower())
        out.append((INITIAL_TEMPLATES[k % len(INITIAL_TEMPLATES)].format(typed), letters, word))
    return out


def random_initials(people: list[Person], show: bool) -> None:
    """s37: made-up initials of three to five letters (random middle letters between a pupil's
    first and last): every one refused where no names are shown, but those that are an English
    word or a short form (counted aside), and every listed pupil's on the website (words too)."""
    rng = random.Random(37)
    typed = random_initials_of(people, rng)
    for title, capitals in (("in capitals", True), ("in lower case", False)):
        group = [(c, w) for c, letters, w in typed if (letters in c) == capitals]
        kept = [c for c, w in group if not w]
        passed = [c for c in kept if check_caption(c, people, NO_NAMES, ON, "consent").ok]
        say_refused(f"s37: made-up initials of 3-5 letters {title}, no names shown,",
                    len(kept), passed, f" (and {len(group) - len(kept)} that are a word or a "
                    "short form, left aside)")
    listed = with_listed(people)
    typed = random_initials_of([p for p in listed if p.do_not_photograph], rng, 60)
    passed = [(c, w) for c, _letters, w in typed
              if check_caption(c, listed, CHANNEL, ON, "consent").ok]
    print(f"  listed pupils' made-up initials (the same shapes) on the website refused: "
          f"{len(typed) - len(passed)}/{len(typed)} (of them words or short forms passed: "
          f"{sum(w for _c, w in passed)})")
    for c, _w in passed:
        print(f"  PASSED {c!r}")


def _first_last(caption: str) -> str:
    import re
    letters = re.search(r"([A-Z])\.? ?[A-Z]\.? ?([A-Z])", caption)
    return (letters.group(1) + letters.group(2)) if letters else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    people = register()
    rng = random.Random(2026)
    t0 = time.perf_counter()
    refused = []
    for c in CAPTIONS:
        r = check_caption(c, people, CHANNEL, ON, "consent")
        if not r.ok:
            refused.append((c, [(f.found, f.person) for f in r.findings]))
    t1 = time.perf_counter()
    print(f"register: {len(people)} pupils; ordinary captions: {len(CAPTIONS)}")
    print(f"false refusals: {len(refused)}/{len(CAPTIONS)} "
          f"({100 * len(refused) / len(CAPTIONS):.1f}%), "
          f"{1000 * (t1 - t0) / len(CAPTIONS):.1f} ms per caption")
    everyday = [c for c, _ in refused if c in EVERYDAY_WORD_CAPTIONS]
    print(f"  of them, ordinary captions opening with a word one slip from a name: "
          f"{len(everyday)}/{len(EVERYDAY_WORD_CAPTIONS)}")
    if args.show:
        for c, fs in refused:
            print(f"  REFUSED {c!r}: {fs}")
    refused_none = [c for c in CAPTIONS
                    if not check_caption(c, people, NO_NAMES, ON, "consent").ok]
    print(f"on a channel that shows no names, false refusals: "
          f"{len(refused_none)}/{len(CAPTIONS)}")
    if args.show:
        for c in refused_none:
            print(f"  REFUSED {c!r}")
    short = [c for c in SHORT_FORM_CAPTIONS
             if not check_caption(c, people, NO_NAMES, ON, "consent").ok]
    print(f"  captions with short forms (PE, DT, KS2, PTA...) refused: "
          f"{len(short)}/{len(SHORT_FORM_CAPTIONS)}")
    for c in short:
        print(f"  REFUSED {c!r}")
    typed = typed_initials(people)
    shortform = [(c, i) for c, i in typed if abbreviation(i)]
    passed = [c for c, i in typed if (c, i) not in shortform
              and check_caption(c, people, NO_NAMES, ON, "consent").ok]
    say_refused("  pupils' initials typed (KJ, K.J., K. J.)", len(typed) - len(shortform),
                passed, f" (and {len(shortform)} whose initials are a short form, left to pass)")
    # not in capitals (s34): "well done kj", "Kj won" are refused there too, words not
    low = [(c.lower(), i) for c, i in typed] + [(_one_capital(c), i) for c, i in typed]
    kept = [(c, i) for c, i in low if not abbreviation(i) and not everyday_word(i)
            and i.lower() not in TWO_LETTER_WORDS]
    passed = [c for c, _ in kept if check_caption(c, people, NO_NAMES, ON, "consent").ok]
    say_refused("  pupils' initials in lower case or with one capital (kj, Kj)", len(kept),
                passed, f" (and {len(low) - len(kept)} that are a word or a short form, left "
                "to pass)")
    # s35: of them, short forms written in lower case ("pg", "xx", "ch": LOWER_SHORT_FORMS)
    short = [(c, i) for c, i in kept if i.lower() in LOWER_SHORT_FORMS]
    passed = [c for c, _ in short if check_caption(c, people, NO_NAMES, ON, "consent").ok]
    print(f"    of them, short forms in lower case (pg, xx, ch) left to pass: "
          f"{len(passed)}/{len(short)}")
    three = middle_initials(people)
    passed = [c for c in three if check_caption(c, people, NO_NAMES, ON, "consent").ok]
    say_refused("  pupils' initials with a middle name (KMJ, K.M.J.)", len(three), passed)
    lowered = [c.lower() for c in SHORT_FORM_CAPTIONS]
    out = [c for c in lowered if not check_caption(c, people, NO_NAMES, ON, "consent").ok]
    print(f"  captions with short forms in lower case refused: {len(out)}/{len(lowered)}")
    for c in out:
        print(f"  REFUSED {c!r}")
    upper = [c.upper() for c in CAPTIONS]
    out = [c for c in upper if not check_caption(c, people, NO_NAMES, ON, "consent").ok]
    print(f"  ordinary captions in capitals refused (three capitals may be initials): "
          f"{len(out)}/{len(upper)}")
    if args.show:
        for c in out:
            print(f"  REFUSED {c!r}")
    never_initials(people, args.show)
    more_initials(people, args.show)
    s36(people, args.show)
    random_initials(people, args.show)
    cases = misspelt(people, rng)
    by_kind: dict[str, list[int]] = {}
    missed = []
    for kind, caption, pid in cases:
        r = check_caption(caption, people, CHANNEL, ON, "consent")
        ok = not r.ok
        by_kind.setdefault(kind, [0, 0])
        by_kind[kind][0] += ok
        by_kind[kind][1] += 1
        if not ok:
            missed.append((kind, caption, pid))
    caught = sum(v[0] for v in by_kind.values())
    print(f"misspelt names caught: {caught}/{len(cases)} ({100 * caught / len(cases):.1f}%)")
    for kind, (a, n) in sorted(by_kind.items()):
        print(f"  {kind:16s} {a:4d}/{n:<4d} ({100 * a / n:.0f}%)")
    if args.show:
        for kind, caption, pid in missed:
            print(f"  MISSED {kind}: {caption!r} ({pid})")
    alone = misspelt_alone(people, rng)
    by_kind = {}
    missed = []
    for kind, caption, pid in alone:
        r = check_caption(caption, people, CHANNEL, ON, "consent")
        by_kind.setdefault(kind, [0, 0])
        by_kind[kind][0] += not r.ok
        by_kind[kind][1] += 1
        if r.ok:
            missed.append((kind, caption, pid))
    caught = sum(v[0] for v in by_kind.values())
    print(f"misspelt alone (first names, common surnames) caught: {caught}/{len(alone)} "
          f"({100 * caught / len(alone):.1f}%)")
    for kind, (a, n) in sorted(by_kind.items()):
        print(f"  {kind:16s} {a:4d}/{n:<4d} ({100 * a / n:.0f}%)")
    if args.show:
        for kind, caption, pid in missed:
            print(f"  MISSED {kind}: {caption!r} ({pid})")
    surnames = {p.legal_surname for p in people}
    for title, group in (
            ("visitors named in full, surname no pupil's",
             [c for c, sn in VISITORS if sn not in surnames]),
            ("visitors named in full, surname a pupil's too",
             [c for c, sn in VISITORS if sn in surnames])):
        out = [c for c in group if not check_caption(c, people, CHANNEL, ON, "consent").ok]
        print(f"{title}: refused {len(out)}/{len(group)}")
        if args.show:
            for c in out:
                print(f"  REFUSED {c!r}")
    passed = [c for c in WORD_NAMES_AS_NAMES
              if check_caption(c, people, CHANNEL, ON, "consent").ok]
    say_refused("everyday-word first names used as names", len(WORD_NAMES_AS_NAMES), passed)


if __name__ == "__main__":
    main()
