"""The words and formats of a UK school office: DD/MM/YYYY everywhere (metadata dates too),
plurals, consent states, errors as sentences."""

from __future__ import annotations

import datetime as _dt

from photovet.core.errors import PhotoVetError
from photovet.gui.words import (
    consent_word,
    day,
    error_text,
    media_words,
    plural,
    sentence,
    uk_dates,
    when,
)


def test_dates_are_day_month_year():
    assert day("2026-03-12") == "12/03/2026"
    assert day(_dt.date(2026, 3, 12)) == "12/03/2026"
    assert day(None) == "" and day("") == ""
    local = _dt.datetime(2026, 3, 12, 10, 42, tzinfo=_dt.UTC).astimezone()
    assert when("2026-03-12T10:42:00+00:00") == local.strftime("%d/%m/%Y %H:%M")


def test_metadata_dates_as_a_school_reads_them():
    assert uk_dates("2011:07:03 20:09:45") == "03/07/2011 20:09"
    assert uk_dates("2011-07-03T20:09:45Z") == "03/07/2011 20:09"
    assert uk_dates("Version 2.0.1") == "Version 2.0.1"
    assert uk_dates("0000:00:00 00:00:00") == "0000:00:00 00:00:00"


def test_plurals_consent_and_sentences():
    assert plural(1, "photo") == "1 photo" and plural(3, "photo") == "3 photos"
    assert plural(2, "person", "people") == "2 people"
    assert [consent_word(s) for s in ("yes", "no", "not recorded")] == \
        ["Yes", "No", "Not recorded"]
    assert sentence("the register is busy") == "The register is busy."
    assert error_text(PhotoVetError("the file is empty", hint="Choose another file.")) == \
        "The file is empty.\nChoose another file."


def test_a_batch_is_counted_as_photos_and_videos():
    assert media_words(["a.jpg", "b.HEIC", "c.png"]) == "3 photos"
    assert media_words(["trip.MOV"]) == "1 video"
    assert media_words(["a.jpg", "clip.mp4", "b.jpg", "c.webm"]) == "2 photos and 2 videos"
    assert media_words([]) == "0 photos"


def test_a_name_whose_words_are_not_kept_is_not_shown_as_empty_quotes():
    """The analysis cache keeps no names, so after a restart a name read in a photo has no
    words: the window says what it is ("Words that look like a name") instead of quoting
    nothing."""
    from photovet.core.models import TextItem
    from photovet.gui.views.findings import text_sentence
    from photovet.gui.views.photo_view import text_tag
    from photovet.gui.words import UNKEPT_NAME, read_words

    box = [(0.0, 0.0), (90.0, 0.0), (90.0, 20.0), (0.0, 20.0)]
    kept = TextItem(box, "", kind="name-like", decision="cover", reason="Looks like a name")
    assert read_words("") == UNKEPT_NAME and read_words("Olivia") == "\u201cOlivia\u201d"
    # walk5 (PNG 100): "A possible name (its words are not kept)" read as a fault: what it
    # is, without its words
    assert text_sentence(kept).startswith("Words that look like a name: covered.")
    assert read_words("", "pupil-name") == "A pupil's name"
    assert read_words("", "staff-name") == "A staff member's name"
    assert "not kept" not in text_sentence(kept)
    assert text_tag(0, kept) == "A name covered"
    read = TextItem(box, "Olivia Bennett", kind="name-like", decision="cover")
    assert text_tag(0, read) == "\u201cOlivia Bennett\u201d covered"
    assert "\u201c\u201d" not in text_sentence(kept) + text_tag(0, kept)


def test_the_place_after_a_cue_where_nothing_was_read_is_said_as_such():
    """s53: the place after "my name is" where nothing was read has no words: the findings,
    the tag on the photo and a video's row say what it is, not "Words that look like a
    name" (nothing was read there)."""
    from photovet.core.models import TextItem, VideoTrack
    from photovet.core.policy import REASON_UNREAD_AFTER_CUE
    from photovet.gui.views.findings import text_sentence
    from photovet.gui.views.photo_view import text_tag
    from photovet.gui.views.video_player import track_who
    from photovet.gui.words import UNREAD_PLACE, read_words

    box = [(0.0, 0.0), (90.0, 0.0), (90.0, 20.0), (0.0, 20.0)]
    place = TextItem(box, "", kind="name-like", context="unread", decision="cover",
                     reason=REASON_UNREAD_AFTER_CUE, needs_review=True)
    assert read_words("", "name-like", context="unread") == UNREAD_PLACE
    assert text_sentence(place).startswith(
        "A place where a name may be written: covered. Nothing could be read after "
        "\u201cmy name is\u201d")
    assert text_tag(0, place) == "Place for a name covered"
    track = VideoTrack(id=1, kind="text", text="", context="unread")
    assert track_who(track, {}) == "Place for a name"
    assert track_who(VideoTrack(id=2, kind="text", text=""), {}) == "A name"


def test_an_error_with_what_to_do_reads_as_sentences():
    """s27: every place that shows an error and its hint (the sign-in dialog, the window's
    messages, 'PhotoVet cannot start') reads as sentences: a capital first (not a file's name,
    spelt as it is), a full stop after each, never two."""
    from photovet.core.errors import AccountError, ImageError, PhotoVetError
    from photovet.gui.words import error_text

    assert error_text(AccountError("wrong name or password", hint="Check Caps Lock")) == \
        "Wrong name or password.\nCheck Caps Lock."
    assert error_text(PhotoVetError("done.", hint="Nothing else to do.")) == \
        "Done.\nNothing else to do."
    assert error_text(PhotoVetError("the register is busy")) == "The register is busy."
    assert error_text(ImageError("the file is empty", path="img_1.jpg")) == \
        "img_1.jpg: the file is empty."
    # after words of the window's own: the core's first letter kept, the stops added
    assert error_text(AccountError("you cannot remove your own account", hint="Ask another "
                                   "admin"), after="Not removed") == \
        "Not removed: you cannot remove your own account.\nAsk another admin."


def test_a_refusal_in_the_app_says_who_and_where_never_the_command(qtbot, ws, make_window):
    """Walkthrough s32: the app's refusal said "An admin can give you that role (photovet users
    grant)" to an office worker. The core's refusal names the command (the command line shows
    it as it is); the app says the Staff screen instead (words.app_hint)."""
    from PySide6.QtWidgets import QMessageBox

    from photovet.core.words import ROLE_GRANT_APP, ROLE_GRANT_COMMAND
    from photovet.gui.session import permission_refusal
    from tests.gui.conftest import ONLY_PREPARER, answer, message_text, sign_in_as

    win = make_window()
    sign_in_as(win, ONLY_PREPARER)
    exc = permission_refusal(win.ctx, "register.edit")
    assert exc is not None and exc.hint == ROLE_GRANT_COMMAND      # the core's: the command
    assert "photovet users grant" in exc.full()
    said = error_text(exc)
    assert said == (f"{ONLY_PREPARER} cannot change consent by hand: it needs the admin role.\n"
                    "An admin can give you that role in Register > Staff accounts\u2026")
    assert ROLE_GRANT_APP in said and "photovet" not in said
    seen: list[str] = []
    answer(lambda box: (seen.append(message_text(box)), box.accept()), kind=QMessageBox)
    win.ctx.fail(win, "Consent not changed", exc)                  # as the person page does
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "Register > Staff accounts" in seen[0] and "photovet users grant" not in seen[0]
    # any other hint is said as the core wrote it
    other = PhotoVetError("the file is not a photo", hint="Choose a JPEG.")
    assert error_text(other) == "The file is not a photo.\nChoose a JPEG."


def test_no_hint_or_text_the_app_shows_names_a_command(qtbot, ws, make_window):
    """Walkthrough s33: "photovet users list shows the accounts.", "photovet exports lists...",
    "Run 'photovet audit verify'..." reached the app. Every hint of the core that names a
    command (``words.COMMAND_HINTS``; tests/core/test_command_hints.py: no other core text
    does) is said the app's way by the one function every refusal goes through, as a real
    refusal from the staff accounts shows; and the app's own texts name no command."""
    import ast
    import re
    from pathlib import Path

    from PySide6.QtWidgets import QMessageBox

    from photovet.core import words
    from photovet.core.errors import AccountError
    from tests.gui.conftest import answer, message_text

    command = re.compile(r"(?<![\w.-])photovet(?: [a-z]|-app)")
    for hint in words.COMMAND_HINTS:
        said = error_text(PhotoVetError("it was refused", hint=hint))
        assert not command.search(said), said
        # a command hint inside the message (an import's note) too
        said = error_text(PhotoVetError(f"it was refused ({hint})"))
        assert not command.search(said), said
    # a real refusal: an account removed on another PC
    win = make_window()
    try:
        win.ctx.ws.accounts.get("Nobody Here")
    except AccountError as exc:
        refusal = exc
    assert "photovet users list" in refusal.full()               # the command line's words
    seen: list[str] = []
    answer(lambda box: (seen.append(message_text(box)), box.accept()), kind=QMessageBox)
    win.ctx.fail(win, "Not changed", refusal)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0].strip() == ("There is no account called 'Nobody Here'.\n"
                       "Register > Staff accounts\u2026 lists the accounts."), seen[0]
    # the app's own words
    gui = Path(__file__).resolve().parents[2] / "photovet" / "gui"
    strays = []
    for path in sorted(gui.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        strays += [f"{path.name}:{n.lineno}" for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and id(n) not in docs and command.search(n.value)]
    assert not strays, strays


def test_a_question_on_a_name_whose_words_are_not_kept_says_it_once(qtbot):
    """s55 walk: "Words that look like a name: looks like a name that is not in the register,
    on a badge..." on each of eight cards. It says where to look instead of saying it twice."""
    from PySide6.QtWidgets import QLabel

    from photovet.core.models import PhotoAnalysis, TextItem
    from photovet.gui.views.findings import FindingsPanel

    box = [(0.0, 0.0), (90.0, 0.0), (90.0, 20.0), (0.0, 20.0)]
    why = "Looks like a name that is not in the register, on a badge, lanyard or certificate"
    a = PhotoAnalysis(path="/x/badge.jpg", sha256="ab" * 32, width=100, height=100, texts=[
        TextItem(box, "", kind="name-like", decision="cover", reason=why, needs_review=True),
        TextItem(box, "Olivia Bennett", kind="name-like", decision="cover", reason=why,
                 needs_review=True)])
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.show_analysis(a, {})
    unkept, read = (c.findChild(QLabel).text() for c in panel.cards)
    assert unkept == ("<b>Words on the photo</b>: looks like a name that is not in the register, "
                      "on a badge, lanyard or certificate.")
    assert read.startswith("<b>\u201cOlivia Bennett\u201d</b>: looks like a name")
    # "Leave it readable..." asks in the same words (one function says both)
    from photovet.gui.words import text_question
    assert text_question("", "name-like", why) == (
        "Words on the photo", "looks like a name that is not in the register, on a badge, "
                              "lanyard or certificate")
    assert text_question("", "pupil-name", "") == ("A pupil's name", "may be a name")
