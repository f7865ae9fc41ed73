"""An error and what to do about it read as sentences (s27: the sign-in dialog ran "wrong name
or password" into its hint with no full stop): ``PhotoVetError.full`` ends the message and the
hint with a full stop where they lack one, never a second."""

from __future__ import annotations

from photovet.core.errors import AccountError, PhotoVetError, RegisterClosedError, ended


def test_the_message_and_the_hint_each_end_as_a_sentence():
    e = AccountError("wrong name or password", hint="Check that Caps Lock is off")
    assert e.full() == "wrong name or password.\nCheck that Caps Lock is off."


def test_a_full_stop_is_never_doubled():
    e = PhotoVetError("the copy was not made.", hint="Try again.")
    assert e.full() == "the copy was not made.\nTry again."
    assert ended("Is this Tori?") == "Is this Tori?"
    assert ended("An admin can give you one (photovet users grant).") == \
        "An admin can give you one (photovet users grant)."
    assert ended("Reason: \u201ctwins.\u201d") == "Reason: \u201ctwins.\u201d"
    assert ended("Roles: admin, approver") == "Roles: admin, approver."
    assert ended("(photovet users grant)") == "(photovet users grant)."
    assert ended("") == ""


def test_without_a_hint_the_message_is_as_it_was():
    """The command line prints 'error: <message>'; a file's message starts with its name."""
    assert PhotoVetError("the file is empty", path="IMG_1.jpg").full() == \
        "IMG_1.jpg: the file is empty"


def test_the_register_closed_error_reads_as_two_sentences():
    assert RegisterClosedError().full() == (
        "the register was already closed, so this was not done.\nNothing was changed by it, "
        "and the register itself is fine. If PhotoVet is still open, do it again.")
