"""A register or enrolment CSV, or a folder of portraits, this account may not read: said in
words, with what to do (s65: "the register file could not be read (Permission denied)", the
system's words; the enrolment CSV's lost the hint on the way; the folder's was the command
line's last resort, "Tell IT")."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from photovet.core.errors import RegisterImportError
from photovet.core.register.csv_io import read_table
from tests.conftest import as_nobody, skip_unless_root


@pytest.fixture
def unreadable_csv():
    skip_unless_root()
    base = Path(tempfile.mkdtemp(prefix="photovet-nobody-"))
    os.chmod(base, 0o755)
    path = base / "register.csv"
    path.write_text("UPN,Surname,Forename,Website\nA919241717737,Ashby,Victoria,Yes\n")
    os.chmod(path, 0o000)
    yield path
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("what", ["register file", "enrolment CSV"])
def test_a_csv_this_account_may_not_read(unreadable_csv, what):
    with as_nobody(), pytest.raises(RegisterImportError) as caught:
        read_table(unreadable_csv, what)
    err = caught.value
    assert err.message == f"PhotoVet is not allowed to read the {what} (permission denied)"
    assert err.hint == ("Ask IT to give your account access to it, or save the export from "
                        "your MIS again, in a folder of your own.")


def test_the_enrolment_csv_keeps_the_hint(unreadable_csv):
    from photovet.core.errors import EnrolmentError
    from photovet.core.register.enrolment import EnrolReport, csv_items

    with as_nobody(), pytest.raises(EnrolmentError) as caught:
        csv_items(unreadable_csv, EnrolReport())
    assert caught.value.hint and caught.value.hint.startswith("Ask IT to give your account")


def test_an_enrolment_folder_this_account_may_not_open(unreadable_csv):
    """Before (s65): "PhotoVet could not use ... (permission denied); the command stopped.
    Tell IT" (the command line's last resort), and in the app whatever the OSError said."""
    from types import SimpleNamespace

    from photovet.core.errors import EnrolmentError
    from photovet.core.register.enrolment import EnrolReport, folder_items

    shut = unreadable_csv.parent / "portraits"
    shut.mkdir(mode=0o700)
    register = SimpleNamespace(db=SimpleNamespace(all=lambda *_a: []))
    with as_nobody(), pytest.raises(EnrolmentError) as caught:
        folder_items(register, shut, EnrolReport())
    assert str(caught.value) == ("portraits: PhotoVet is not allowed to open this folder "
                                 "(permission denied)")
    assert caught.value.hint == ("Ask IT to give your account access to it, or copy the "
                                 "portraits into a folder of your own.")
