"""A pupil removed from the register is not named again by the others' rows (DPO audit s35):
their sister's MIS note ("agreed with Sam Hale's mum"), a family id made from their name
("HALE01"), a note about a cousin, lose the name when they are removed, and the next MIS
import, whose file still says it, does not bring it back. The register keeps keyed digests of
the name (``register/forgotten.py``), never the name."""

from __future__ import annotations

import pytest

from photovet.core.register.forgotten import Forgotten
from photovet.core.words import CAPTION_NAME_REMOVED
from tests.conftest import register_workspace

HEADER = "Admission No,Surname,Forename,Consent: School Website,Photo notes,Family ID\n"
SAM = "S1,Hale,Sam,Yes,,HALE01\n"
OTHERS = ("T1,Hale,Tori,Yes,\"Group photos only, agreed with Sam Hale's mum\",HALE01\n"
          "A1,Jones,Amy,Yes,Sam is her cousin; Will says hello,JONES7\n"
          "K1,Khan,Kai,Yes,samhale family friend,SamHaleFriends\n"
          "W1,Wells,Will,Yes,Will's own note,WELLS2\n")


@pytest.fixture
def hales(tmp_path):
    w = register_workspace(tmp_path, HEADER + SAM + OTHERS)
    yield w
    w.close()


def _texts(ws) -> dict[str, tuple[str, str]]:
    return {str(pid): (str(n), str(f)) for pid, n, f in
            ws.db.all("SELECT id, notes, family FROM people ORDER BY id")}


def test_removed_pupil_is_not_named_by_the_others_rows_nor_brought_back(hales, tmp_path):
    hales.register.delete_person("S1", reason="the family asked for their data to be erased")
    now = _texts(hales)
    assert now["T1"][0] == f"Group photos only, agreed with {CAPTION_NAME_REMOVED}'s mum"
    assert now["A1"][0] == f"{CAPTION_NAME_REMOVED} is her cousin; Will says hello"
    assert now["K1"][0] == f"{CAPTION_NAME_REMOVED} family friend"
    assert now["W1"] == ("Will's own note", "WELLS2")     # nobody else's name touched
    # a family id made from the name: a pseudonym, the same for both siblings' id
    assert now["T1"][1].startswith("family ") and "HALE" not in now["T1"][1].upper()
    assert now["K1"][1].startswith("family ") and now["K1"][1] != now["T1"][1]
    assert now["A1"][1] == "JONES7"
    # the register keeps no name of his: only digests
    for table in ("people", "forgotten_names"):
        for row in hales.db.all(f"SELECT * FROM {table}"):
            assert not any("sam" in str(v).casefold() for v in row), (table, row)

    # the MIS file still says it: the next import does not bring it back, nor says the rows
    # changed (the same pseudonym again)
    again = tmp_path / "again.csv"
    again.write_text(HEADER + OTHERS, encoding="utf-8")
    report = hales.import_register(again)
    assert report.applied
    assert _texts(hales) == now
    assert not [c for c in report.details_changed if c.person_id in ("T1", "K1", "A1")]


def test_a_note_keeps_its_own_names_and_everyday_words(hales):
    """Tori's own surname is Sam's too: hers stays in her note; "will" in lower case is a word,
    "Will" with a capital may be the name."""
    hales.register.delete_person("S1", reason="left")
    f = Forgotten.of(hales.db, hales.register.keys)
    tori = hales.register.person("T1")
    assert f.note("Tori Hale: group only", tori) == "Tori Hale: group only"
    amy = hales.register.person("A1")
    assert f.note("Ask Hale's dad", amy) == f"Ask {CAPTION_NAME_REMOVED}'s dad"
    assert f.note("she will sam", amy) == f"she will {CAPTION_NAME_REMOVED}"   # no English word
    assert f.note("SAM HALE", amy) == CAPTION_NAME_REMOVED
    assert f.family("jones-7") == "jones-7"
    assert f.family("hale-fam").startswith("family ")
