"""s35, the head teacher's session: a Yes typed by hand on the pupil's page recorded who
entered it but not how, and the history said nothing but a name. The change now keeps how it
was entered ("typed in PhotoVet", "from a consent form, entered in PhotoVet", "entered at
the command line") beside the signed-in person who entered it, and the pupil's history and
the subject access report say both; a change made before reads as it did."""

from __future__ import annotations

import pytest

from photovet.core.records.sar import _history_rows
from photovet.core.words import CONSENT_FORM, CONSENT_TYPED, entered_by
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL: the column is a migration

REGISTER = """Admission No,Surname,Forename,Year,Consent: School Website,Name with photo
A1,Ashby,Victoria,Year 4,No,No
"""


def test_a_yes_typed_by_hand_keeps_who_and_how(tmp_path):
    w = Workspace.open(access=office_access("Olive Office"))
    try:
        csv = tmp_path / "mis.csv"
        csv.write_text(REGISTER, encoding="utf-8")
        w.import_register(csv)
        w.register.set_consent("A1", "website", True, how=CONSENT_TYPED)
        w.register.set_consent("A1", "website", True, media="video", how=f"  {CONSENT_FORM} ")
        w.register.set_consent("A1", "name_with_photo", True)          # how not given
        by_hand = [c for c in w.register.history("A1") if c.source.startswith("user:")]
        assert [c.how for c in by_hand] == [CONSENT_TYPED, CONSENT_FORM, ""]
        assert by_hand[0].to_dict()["how"] == CONSENT_TYPED
        assert [entered_by(c.source, c.how) for c in by_hand] == [
            "Olive Office, typed in PhotoVet",
            "Olive Office, from a consent form, entered in PhotoVet", "Olive Office"]
        # the subject access report's history: who and how, for each change by hand
        rows = [r for r in _history_rows(w.register, "A1") if r[4].startswith("Changed by")]
        assert [r[4] for r in rows] == ["Changed by Olive Office, typed in PhotoVet",
                                        "Changed by Olive Office, from a consent form, "
                                        "entered in PhotoVet", "Changed by Olive Office"]
        assert entered_by("import:import-1", CONSENT_TYPED) == "Register import"
    finally:
        w.close()
