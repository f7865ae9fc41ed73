"""The log file support reads (issue 12): it says what happened, by ids, and never holds a
pupil's or a member of staff's name or a photo's file name, whatever the commands did.

A whole scenario runs as real ``photovet`` processes (the register imported, photos whose file
names and pictures carry pupils' names checked, prepared, approved, exported, a subject access
report and a take-down list made, one bad file among them), then the log is searched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

pytestmark = pytest.mark.slow

UPN1, UPN2 = "A919241717737", "G919241714767"
PUPILS = [("Ashby", "Victoria"), ("Abrahams", "Joel")]
ARTIST = "Margaret Thistlewood"    # a teacher's name written into the photo files


def run(*args: str) -> subprocess.CompletedProcess:
    """A real command, signed in as whoever tests/cli/conftest.py's ``staff`` last chose."""
    env = dict(os.environ)
    env.pop("PHOTOVET_QUIT_AFTER", None)
    return subprocess.run([sys.executable, "-m", "photovet", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def badge_photo(path: Path, text: str) -> Path:
    im = Image.new("RGB", (900, 600), (70, 120, 60))
    d = ImageDraw.Draw(im)
    d.rectangle((250, 220, 700, 360), fill="white", outline="navy", width=5)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 46)
    except OSError:
        font = ImageFont.load_default(size=46)
    d.text((280, 260), text, fill="black", font=font)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x013B] = ARTIST
    im.save(path, "JPEG", quality=92, exif=exif)
    return path


def test_the_log_holds_ids_never_names(tmp_path, staff):
    home = Path(os.environ["PHOTOVET_HOME"])
    trip, out = tmp_path / "Victoria Ashby trip", tmp_path / "out"
    trip.mkdir()
    out.mkdir()
    register = tmp_path / "register.csv"
    register.write_text(
        "UPN,Surname,Forename,Year,Website,Facebook,Name with Photo,Do Not Photograph\n"
        f"{UPN1},{PUPILS[0][0]},{PUPILS[0][1]},Year 6,Yes,Yes,No,\n"
        f"{UPN2},{PUPILS[1][0]},{PUPILS[1][1]},Year 5,Yes,No,Yes,\n", encoding="utf-8")
    photos = [badge_photo(trip / "Victoria Ashby award.jpg", "Victoria Ashby"),
              badge_photo(trip / "joel abrahams.jpg", "Joel Abrahams")]
    (trip / "Joel Abrahams broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")

    steps = [
        ("Office Admin", ("register", "import", str(register))),
        ("Mrs Office", ("scan", "--channel", "website", str(trip))),
        ("Mrs Office", ("ready", "--channel", "website", *map(str, photos))),
        ("Mr Head", ("approve", "--channel", "website", "--all-checks-done",
                      *map(str, photos))),
        ("Mrs Office", ("export", "--channel", "website", "--out", str(out), "--label",
                        "summer fair", *map(str, photos))),
        ("Office Admin", ("sar", UPN1, "--out", str(tmp_path / "sar.html"))),
        ("Office Admin", ("takedown",)),
        ("Office Admin", ("register", "show", UPN1)),
        ("Office Admin", ("devices", "add", *map(str, photos))),   # (no camera named: refused)
        ("Office Admin", ("retention", "--apply")),
    ]
    for who, args in steps:
        staff.use(who)
        res = run(*args)
        assert res.returncode in (0, 1), (args, res.stderr)
    assert len(list(out.glob("*.jpg"))) == 2, "the scenario must really export"

    log = (home / "logs" / "photovet.log").read_text(encoding="utf-8")
    # it says what happened ...
    for expected in ("photovet register import: exit 0", "photovet export: exit 0",
                     "checked file#", "exported file#", "audit #", "not checked"):
        assert expected in log, expected
    # ... and names nobody, and no file
    # pupils by forename and by surname; staff accounts by full name (their words, "Admin",
    # "Office", are also ordinary words of the log); the teacher written into the files by word
    forbidden = [w for s, f in PUPILS for w in (s, f)] + ["Office Admin", "Mrs Office",
                                                          "Mr Head", *ARTIST.split()]
    forbidden += ["award", "broken", "trip", "summer fair"]
    low = log.lower()
    leaked = [w for w in forbidden if w.lower() in low]
    assert leaked == [], f"the log names {leaked}"
    assert oct((home / "logs" / "photovet.log").stat().st_mode & 0o777) == "0o600"
