"""s35: photos marked ready on one PC wait for an approver at another PC sharing the register.
The register keeps the computer each was marked ready on; ``Approvals.waiting`` lists what waits
for a channel wherever it was marked ready, and ``waiting_elsewhere`` tells apart what this PC
has not checked (never shown nor approved here), by computer and folder, in the core's words."""

from __future__ import annotations

import os

import pytest

from photovet.core import words
from photovet.core.approval import Approvals, ApprovalState, this_computer, waiting_elsewhere
from photovet.core.models import PhotoAnalysis
from photovet.core.storage import open_db
from tests.conftest import office_audit


@pytest.mark.engines  # SQLite and PostgreSQL: the column is a migration
def test_marked_ready_records_the_computer_and_waits_for_any_pc(tmp_path):
    db = open_db()
    try:
        approvals = Approvals(db, office_audit(db, "Dee Office"))
        for i, ch in enumerate(("website", "website", "facebook")):
            approvals.mark_ready(PhotoAnalysis(path=str(tmp_path / f"trip{i}.jpg"),
                                               sha256=f"{i}" * 64, channel=ch))
        waiting = approvals.waiting("website")
        assert [s.sha256 for s in waiting] == ["0" * 64, "1" * 64]
        assert {s.prepared_on for s in waiting} == {this_computer()} and this_computer()
        assert approvals.get("2" * 64, "facebook").prepared_on == this_computer()
    finally:
        db.close()


@pytest.mark.engines
@pytest.mark.skipif(os.name == "nt" or __import__("sys").platform == "darwin",
                    reason="names are Unicode there: no name can hold bytes that are not UTF-8")
def test_a_photo_whose_name_is_not_utf8_is_found_at_its_place(tmp_path):
    """s42: its place is stored with the odd byte as \\xNN (a server refused it as it was);
    read back, the approval names the file itself, and ``at_paths`` finds it by its place."""
    raw = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.jpg")
    try:
        open(raw, "wb").close()
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    db = open_db()
    try:
        approvals = Approvals(db, office_audit(db, "Dee Office"))
        approvals.mark_ready(PhotoAnalysis(path=raw, sha256="a" * 64, channel="website"))
        [waiting] = approvals.waiting("website")
        assert waiting.path == raw
        assert list(approvals.at_paths([raw], "website")) == [raw]
        assert waiting_elsewhere([waiting], set(), {raw}) == []     # listed here: not elsewhere
    finally:
        db.close()


def _state(sha: str, path: str, on: str, who: str = "Dee Office",
           at: str = "2026-12-01T09:14:00+00:00") -> ApprovalState:
    return ApprovalState(sha * 64, "website", "ready", path, preparer=who, prepared_at=at,
                         prepared_on=on)


def test_what_this_pc_has_not_checked_is_grouped_and_said(tmp_path):
    here = str(tmp_path)
    states = [_state("a", "/srv/trip/img1.jpg", "OFFICE-1"),
              _state("b", "/srv/trip/img2.jpg", "OFFICE-1", at="2026-12-02T10:00:00+00:00"),
              _state("c", "/srv/trip/clip.mp4", "OFFICE-1", who="Al Prep"),
              _state("d", os.path.join(here, "x.jpg"), "OFFICE-2"),
              _state("e", os.path.join(here, "y.jpg"), "OFFICE-2")]
    # "e" is checked here, "d" is listed here and being checked: neither is elsewhere
    groups = waiting_elsewhere(states, {"e" * 64}, {os.path.join(here, "x.jpg")})
    assert len(groups) == 1
    g = groups[0]
    assert (g.computer, g.folder, g.names) == ("OFFICE-1", "/srv/trip",
                                               ["clip.mp4", "img1.jpg", "img2.jpg"])
    assert g.preparers == ["Dee Office", "Al Prep"] and g.last.startswith("2026-12-02")
    assert not g.here                         # /srv/trip is not a folder on this PC
    said = words.waiting_elsewhere(groups, "School website")
    assert said[0].startswith("2 photos and 1 video wait for approval for School website but "
                              "are not open on this PC")
    assert "on OFFICE-1, in /srv/trip (marked ready by Dee Office, Al Prep, last on " \
           "02/12/2026): clip.mp4, img1.jpg, img2.jpg." in said[1]
    assert "This PC cannot open that folder: approve them at OFFICE-1" in said[1]
    # a folder this PC can open is offered; nothing checked here: all of them, largest first
    groups = waiting_elsewhere(states, set())
    assert [len(g.names) for g in groups] == [3, 2] and groups[1].here
    assert "Open that folder here" in words.waiting_elsewhere(groups, "School website")[2]
    assert words.waiting_elsewhere([], "School website") == []


def test_the_first_line_says_those_here_too_and_an_old_mark_says_no_pc():
    """s36: "Show: Waiting for approval (3)" counted this PC's list while the note counted
    the rest: the note's first line says both. A photo marked ready before the register kept
    the computer (approval-0006) was said to be "on another PC": it may be this one."""
    states = [_state("a", "/srv/trip/img1.jpg", "OFFICE-1"),
              _state("b", "/srv/old/img2.jpg", ""), _state("c", "", "")]
    groups = waiting_elsewhere(states, set())
    said = words.waiting_elsewhere(groups, "School website", here=3)
    assert said[0].startswith("Waiting for approval for School website: 3 listed here, and 3 "
                              "photos not open on this PC.")
    assert words.waiting_elsewhere(groups, "School website", here=0)[0].startswith(
        "Waiting for approval for School website: none listed here, and 3 photos")
    old = [line for line in said if "/srv/old" in line][0]
    assert "(marked ready by Dee Office before PhotoVet recorded which PC, last on" in old
    nowhere = [line for line in said[1:] if "/srv" not in line][0]
    assert nowhere.startswith("1 photo (marked ready by Dee Office before PhotoVet recorded "
                              "which PC")
    assert not any("another PC" in line for line in said)
    assert "approve it at the PC they were prepared on" in nowhere
