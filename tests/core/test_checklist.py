"""The approver's checklist (issue 18): the school writes its checks; approval is refused unless
every one is ticked; the ticks are signed with the approval, kept in the export record, shown by
``photovet approve`` and printed in the subject access report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from photovet.core.errors import ApprovalError
from photovet.core.models import Face
from photovet.core.pipeline import Engine, export_batch
from photovet.core.policy import checklist_refusal, resolve_checks
from photovet.core.records.sar import subject_access_report
from photovet.core.settings import DEFAULT_CHECKS, Settings
from tests.conftest import act_as, register_workspace

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
BOX = (60, 40, 90, 110)
ENC = [0.05] * 128
ENC[0] = 0.6

REGISTER = """Admission No,Surname,Forename,Year,Consent: School Website,Name with photo
A1,Ashby,Victoria,Year 4,Yes,No
"""


class Tori:
    def detect(self, image):
        return [Face(box=BOX, score=0.99)]

    def encode(self, image, faces, model=None):
        import numpy as np

        return [np.asarray(ENC) + 0.01]


def photo(path: Path) -> Path:
    img = Image.new("RGB", (320, 240), (40, 90, 150))
    ImageDraw.Draw(img).ellipse([60, 40, 150, 150], fill=(200, 120, 90))
    img.save(path, "JPEG", quality=92)
    return path


@pytest.fixture
def ws_enrolled(tmp_path):
    import numpy as np

    w = register_workspace(tmp_path, REGISTER)
    w.register.store_signatures({"A1": [(np.asarray(ENC), "a1.jpg")]}, replace=True,
                                source="test")
    yield w
    w.close()


def ready(ws, tmp_path):
    engine = Engine(ws.settings, register=ws.register, face_engine=Tori(), cache=ws.cache,
                    reviews=ws.reviews)
    a = engine.decide(engine.analyse(photo(tmp_path / "trip.jpg")), "website", on=TODAY)
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    return engine, a


def test_defaults_come_from_the_policies():
    checks = Settings().checklist.checks
    assert checks == DEFAULT_CHECKS and len(checks) == 4
    words = " ".join(checks).lower()
    for needed in ("dressed", "upset", "ridicul", "where the school is", "initials"):
        assert needed in words


def test_ticks_by_text_or_number_and_what_is_missing():
    ticked, unknown = resolve_checks(DEFAULT_CHECKS, ["1", " no one is UPSET, distressed or "
                                                           "being ridiculed ", "7", "looks nice"])
    assert ticked == DEFAULT_CHECKS[:2] and unknown == ["7", "looks nice"]
    why = checklist_refusal(DEFAULT_CHECKS, ticked)
    assert why and DEFAULT_CHECKS[2] in why and DEFAULT_CHECKS[0] not in why
    assert checklist_refusal(DEFAULT_CHECKS, DEFAULT_CHECKS) is None
    assert f"3. '{DEFAULT_CHECKS[2]}'" in why       # numbered as the screen and the CLI list them
    # none ticked: said in a line, not the whole checklist again (s38 walk: a red wall of text)
    none = checklist_refusal(DEFAULT_CHECKS, [])
    assert none == ("not every check is ticked: none of the school's 4 checks is ticked yet. "
                    "Look for each one and tick it, or reject it")


def test_approval_refused_unless_every_check_is_ticked(ws_enrolled, tmp_path):
    engine, a = ready(ws_enrolled, tmp_path)
    parts = engine.approval_parts(a)
    with pytest.raises(ApprovalError, match="not every check is ticked"):
        ws_enrolled.approvals.approve(a, parts, now=lambda: engine.approval_now(a))
    with pytest.raises(ApprovalError, match="not every check is ticked"):
        ws_enrolled.approvals.approve(a, parts, checks=["1", "2", "3"], now=lambda: engine.approval_now(a))
    with pytest.raises(ApprovalError, match="no check on the school's checklist says 'pretty'"):
        ws_enrolled.approvals.approve(a, parts, checks=["pretty", "1", "2", "3", "4"],
                             now=lambda: engine.approval_now(a))
    assert ws_enrolled.approvals.status(a.sha256, "website") == "ready"
    ws_enrolled.approvals.approve(a, parts, checks=["4", "3", "2", "1"], now=lambda: engine.approval_now(a))
    state = ws_enrolled.approvals.get(a.sha256, "website")
    assert state.status == "approved" and state.parts["checks"] == DEFAULT_CHECKS
    assert ws_enrolled.audit.rows(action="approval.approved")[-1]["details"]["checks"] == DEFAULT_CHECKS


def test_the_ticks_are_signed_and_a_new_check_voids_the_approval(ws_enrolled, tmp_path):
    engine, a = ready(ws_enrolled, tmp_path)
    ws_enrolled.approvals.approve(a, engine.approval_parts(a), checks=DEFAULT_CHECKS,
                         now=lambda: engine.approval_now(a))
    assert ws_enrolled.approvals.check(a, engine.approval_parts(a)).ok
    # the stored ticks are part of the fingerprint: editing them in the database voids it
    state = ws_enrolled.approvals.get(a.sha256, "website")
    forged = dict(state.parts, checks=DEFAULT_CHECKS[:3] + ["Nothing at all"])
    ws_enrolled.db.execute("UPDATE approvals SET parts = ? WHERE sha256 = ?",
                  [json.dumps(forged), a.sha256])
    v = ws_enrolled.approvals.check(a, engine.approval_parts(a))
    assert not v.ok and "no longer counts" in v.why
    # approved properly again; then the school adds a check: approve again
    ws_enrolled.approvals.approve(a, engine.approval_parts(a), checks=DEFAULT_CHECKS,
                         now=lambda: engine.approval_now(a))
    new = ws_enrolled.settings.copy()
    new.checklist.checks = DEFAULT_CHECKS + ["No pupil's home or route to school can be worked out"]
    ws_enrolled.save_settings(new)
    v = ws_enrolled.approvals.check(a, engine.approval_parts(a))
    assert not v.ok and "checklist changed since it was approved" in v.why
    assert "route to school" in v.why


def test_ticks_are_in_the_export_record_and_the_subject_access_report(ws_enrolled, tmp_path):
    engine, a = ready(ws_enrolled, tmp_path)
    ws_enrolled.approvals.approve(a, engine.approval_parts(a), checks=DEFAULT_CHECKS,
                         now=lambda: engine.approval_now(a))
    out = tmp_path / "out"
    out.mkdir()
    [res] = [s.result for s in export_batch([a], out, label="Trip", engine=engine,
                                            channel="website", records=ws_enrolled.records,
                                            approvals=ws_enrolled.approvals) if s.result]
    assert res.ok, res.error
    [rec] = ws_enrolled.records.exports()
    assert rec.checks == DEFAULT_CHECKS and rec.approver == "Mr Head"
    sar = subject_access_report(ws_enrolled.register, ws_enrolled.records, "A1", tmp_path / "sar.html")
    html = sar.read_text(encoding="utf-8")
    assert "Checks the approver ticked" in html
    for c in DEFAULT_CHECKS:
        assert c.replace("'", "&#x27;") in html


def test_the_export_record_names_who_prepared_it_not_who_exported_it(ws_enrolled, tmp_path):
    """Audit s29: the export record (and the subject access report's "Prepared by") named
    the account that ran the export, not the one that marked the photo ready for approval;
    with a comms lead exporting the office's photos, the report named the wrong person."""
    engine, a = ready(ws_enrolled, tmp_path)                 # marked ready by Mrs Office
    ws_enrolled.approvals.approve(a, engine.approval_parts(a), checks=DEFAULT_CHECKS,
                         now=lambda: engine.approval_now(a))
    act_as(ws_enrolled, "Mr Poster")
    ws_enrolled.records.audit.access = ws_enrolled.audit.access
    out = tmp_path / "out"
    out.mkdir()
    [res] = [s.result for s in export_batch([a], out, label="Trip", engine=engine,
                                            channel="website", records=ws_enrolled.records,
                                            approvals=ws_enrolled.approvals) if s.result]
    assert res.ok, res.error
    [rec] = ws_enrolled.records.exports()
    assert rec.preparer == "Mrs Office" and rec.approver == "Mr Head"
    [row] = ws_enrolled.audit.rows(action="export.recorded")
    assert row["user"] == "Mr Poster" and row["details"]["preparer"] == "Mrs Office"
    html = subject_access_report(ws_enrolled.register, ws_enrolled.records, "A1",
                                 tmp_path / "sar.html").read_text(encoding="utf-8")
    # who prepared it; the report names who made it too (s40), which is another thing
    assert "<tr><td>Prepared by</td><td>Mrs Office</td></tr>" in html
    assert "<td>Prepared by</td><td>Mr Poster" not in html and "by Mr Poster.</p>" in html


def test_cli_approve_needs_the_checks_and_prints_them(ws_enrolled, tmp_path, monkeypatch):
    from photovet.cli import cli
    from photovet.core.accounts import Access
    from tests.cli.conftest import Staff, create_staff, password_of

    create_staff(ws_enrolled)
    ws_enrolled.access = Access()       # the office manager's account prepares the photo
    ws_enrolled.sign_in("Mrs Office", password_of("Mrs Office"))
    engine, a = ready(ws_enrolled, tmp_path)
    ws_enrolled.close()
    Staff(monkeypatch).use("Mr Head")
    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("photovet.cli.common.load_engine",
                        lambda w, text=True: Engine(w.settings, register=w.register,
                                                    face_engine=Tori(), cache=w.cache,
                                                    reviews=w.reviews))
    monkeypatch.setattr("photovet.cli.photos.load_engine",
                        lambda w, text=True: Engine(w.settings, register=w.register,
                                                    face_engine=Tori(), cache=w.cache,
                                                    reviews=w.reviews))
    runner = CliRunner()
    args = ["approve", a.path, "--channel", "website"]
    res = runner.invoke(cli, args + ["--checked", "1", "--checked", "2"])
    assert res.exit_code == 1 and "not every check is ticked" in res.stderr
    assert "3. Nothing shows where the school is" in res.stderr
    res = runner.invoke(cli, args + ["--all-checks-done"])
    assert res.exit_code == 0, res.output
    for c in DEFAULT_CHECKS:
        assert f"[x] {c}" in res.output


def test_the_reworded_default_check_still_counts_ticks_of_its_old_words():
    """walk s33: the fourth default check said "initials only" while a channel may allow full
    names with the parents' consent; its words were corrected, and approvals that ticked the
    old words still count for it (an upgrade voids nothing), while other checks do not."""
    from photovet.core.policy import checklist_refusal
    from photovet.core.settings import DEFAULT_CHECKS

    old = "The caption and file names use initials only (no pupil's full name)"
    assert old not in DEFAULT_CHECKS and "names rule allows more" in DEFAULT_CHECKS[3]
    assert checklist_refusal(DEFAULT_CHECKS, [*DEFAULT_CHECKS[:3], old]) is None
    assert checklist_refusal(DEFAULT_CHECKS, list(DEFAULT_CHECKS)) is None
    # the old words count for the reworded check only, never for another
    assert "dressed appropriately" in checklist_refusal(DEFAULT_CHECKS, [*DEFAULT_CHECKS[1:], old])
