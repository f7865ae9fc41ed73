"""s35 (DPO): an approval PhotoVet signed again once a pupil's name was taken out of its
review's reasons keeps a note saying so (``words.approval_name_removed``), and one that waits
for approval again says why: both were stored and shown nowhere. The approval panel's sentence
and ``photovet scan``'s approval line now say them, in the office's words. Pure: no window."""

from __future__ import annotations

import click
from click.testing import CliRunner

from photovet.cli.photos import _approval_line
from photovet.core.approval import ApprovalState
from photovet.core.words import (
    approval_again_name_removed,
    approval_ended_by_removal,
    approval_ended_by_row_restored,
    approval_ended_by_withdrawal,
    approval_name_removed,
    approval_note_said,
)
from photovet.gui.views.approval_panel import state_sentence

RE_SIGNED = approval_name_removed("21/11/2026")
AGAIN = approval_again_name_removed("21/11/2026")


def _state(status: str, note: str) -> ApprovalState:
    return ApprovalState("a" * 64, "website", status=status, preparer="Mrs Office",
                         approver="Mr Head" if status == "approved" else None,
                         decided_at="2026-11-20T10:00:00+00:00", note=note)


def test_the_note_is_said_as_a_sentence():
    said = approval_note_said(RE_SIGNED)
    assert said.startswith("PhotoVet's note: A pupil's name was taken out of the reasons")
    assert said.endswith("so the approval still counts.")
    assert approval_note_said("") == ""


def test_a_note_that_says_the_approval_ended_has_one_label():
    """s36: the panel read "PhotoVet's note: Approval ended: ..." (two labels in a row)."""
    for note in (approval_ended_by_withdrawal("21/11/2026"),
                 approval_ended_by_removal("21/11/2026"),
                 approval_ended_by_row_restored("21/11/2026")):    # s39
        said = approval_note_said(note)
        assert said.startswith("Approval ended: ") and "PhotoVet's note" not in said, said
        # s65: who approves it again (a preparer reads it too)
        assert said.endswith("; a senior leader must approve it again as it is now."), said
        waiting = state_sentence(_state("ready", note), "", "School website")
        assert "note" not in waiting and "<br>Approval ended: " in waiting, waiting


def test_the_approval_panel_says_the_note():
    approved = state_sentence(_state("approved", RE_SIGNED), "", "School website")
    assert approved.startswith("<b>Approved</b> for School website by Mr Head")
    assert "PhotoVet&#x27;s note: A pupil&#x27;s name was taken out" in approved or \
        "PhotoVet's note: A pupil's name was taken out" in approved, approved
    waiting = state_sentence(_state("ready", AGAIN), "", "School website")
    # s65: who approves it again (a preparer reads it too, who cannot approve)
    assert waiting.endswith("when their records were deleted: a senior leader must approve it "
                            "again as it is now."), waiting
    assert "note" not in state_sentence(_state("approved", ""), "", "School website")


def test_photovet_scan_says_the_note():
    class Channel:
        label = "School website"

    @click.command()
    def line() -> None:
        _approval_line(Channel, _state("approved", RE_SIGNED), None)

    out = CliRunner().invoke(line).output
    assert "approval for School website: approved" in out
    assert approval_note_said(RE_SIGNED) in out.replace("\n  ", " ").replace("\n", " ") or \
        "PhotoVet's note: A pupil's name was taken out" in out, out


def test_photovet_scan_says_an_ended_approval_once():
    """s36: a photo whose approval a withdrawal ended waits for approval again; the status
    line says the note already (``Approvals.check``), so it is not said twice."""
    from photovet.core.approval import Verdict
    from photovet.core.words import approval_ended_by_withdrawal

    class Channel:
        label = "School website"

    note = approval_ended_by_withdrawal("28/11/2026")
    state = _state("ready", note)

    @click.command()
    def line() -> None:
        _approval_line(Channel, state, Verdict(False, "waiting for a senior leader's approval "
                                                      f"({note})", state))

    out = CliRunner().invoke(line).output
    assert out.count("Approval ended: consent was withdrawn on 28/11/2026") == 1, out
    waiting = state_sentence(state, "", "School website")
    assert "Approval ended: consent was withdrawn on 28/11/2026 for someone it showed" in waiting
