"""Several PCs of one office on one register: PC A and PC B, each with its own data folder
(cache, settings.json, audit anchor) and its own connection to the one register (a shared
SQLite file, or the school's PostgreSQL server). Each race is played step by step: B's work is
interrupted at a named moment by a hook that makes A's change (committed), then B carries on.
Nothing here sleeps or relies on timing.

What must hold (docs/ARCHITECTURE.md, BRIEF principles 1-2):
- nothing exported after a withdrawal (or a stricter mode, a changed review, a withdrawn
  approval) is committed shows what is no longer allowed: an export under way re-checks at its
  last moment (inside the record's transaction, under the writer lock) or, when the change
  came after it was recorded, it is on the take-down list;
- the last write never silently drops another PC's decision (reviews are versioned);
- an approval signs exactly what the approver saw;
- a right ended on one PC stops the other PC's next write under the lock;
- a stale Settings window saving one section never undoes another PC's other section.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pipeline import (
    ENC_SAM,
    ENC_STRANGER,
    ENC_TORI,
    REGISTER,
    FakeFaceEngine,
    make_photo,
)

from photovet.core.errors import PermissionDenied
from photovet.core.media import export as photo_export
from photovet.core.pipeline import CHANNEL_RULE_WORDS, Engine, export_batch
from photovet.core.review import ReviewConflict
from photovet.core.workspace import Workspace
from tests.conftest import act_as, office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

PW = "a long enough password"
TORI = 0        # the left face of make_photo: Tori Ashby (A1), website consent Yes
STRANGER = 1    # the right face: nobody enrolled


@pytest.fixture
def office(tmp_path, register_engine, monkeypatch):
    """PC A (the office, which imported the register) and PC B (another PC), each with its own
    data folder, on one register."""
    if register_engine == "sqlite":
        share = tmp_path / "school-share"
        share.mkdir()
        monkeypatch.setenv("PHOTOVET_REGISTER", str(share / "register.db"))
    a = Workspace.open(tmp_path / "pc-a", access=office_access("Mrs Office"))
    a.settings.text.enabled = False
    csv = tmp_path / "register.csv"
    csv.write_text(REGISTER, encoding="utf-8")
    assert a.import_register(csv).applied
    a.register.store_signatures({"A1": [(ENC_TORI, "a1.jpg")], "B2": [(ENC_SAM, "b2.jpg")],
                                 "C3": [(ENC_STRANGER + 0.3, "c3.jpg")]},
                                replace=True, source="test")
    b = Workspace.open(tmp_path / "pc-b", access=office_access("Mr Other"))
    b.settings.text.enabled = False
    yield a, b
    b.close()
    a.close()


def engine_of(ws: Workspace) -> Engine:
    return Engine(ws.settings, register=ws.register, face_engine=FakeFaceEngine(),
                  cache=ws.cache, reviews=ws.reviews)


def photos(tmp_path: Path, n: int) -> list[Path]:
    (tmp_path / "in").mkdir(exist_ok=True)
    return [make_photo(tmp_path / "in" / f"trip{i}.jpg", colour=(200, 120 + 9 * i, 90))
            for i in range(n)]


def decided(engine: Engine, paths, channel="website"):
    return [engine.decide(engine.analyse(p), channel) for p in paths]


def approve_all(ws: Workspace, engine: Engine, analyses, approver="Mr Head") -> None:
    """Marked ready by the workspace's identity, approved by ``approver`` (as they saw it)."""
    for a in analyses:
        ws.approvals.mark_ready(a)
    who = ws.audit.access
    act_as(ws, approver)
    for a in analyses:
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda a=a: engine.approval_now(a))
    ws.audit.access = who


def run_export(ws: Workspace, engine: Engine, analyses, out: Path, *, approvals=True, **kw):
    out.mkdir(exist_ok=True)
    return [s.result for s in export_batch(
        analyses, out, label="Trip", engine=engine, channel="website", records=ws.records,
        approvals=ws.approvals if approvals else None, workers=1, **kw)
        if s.result is not None]


def on_render(monkeypatch, when: int, change) -> list[int]:
    """Make ``change`` (A's step) while B renders its ``when``-th copy (1-based): after B
    decided and planned the batch, before that copy is recorded."""
    real, calls = photo_export.render, []

    def render(*args, **kwargs):
        calls.append(1)
        if len(calls) == when:
            change()
        return real(*args, **kwargs)

    monkeypatch.setattr(photo_export, "render", render)
    return calls


def exported_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


# --------------------------------------------------------------------------------------------
# Consent withdrawn on A while B exports
# --------------------------------------------------------------------------------------------

WITHDRAWALS = {
    "refused": lambda ws: ws.register.set_consent("A1", "website", False),
    "not recorded": lambda ws: ws.register.set_consent("A1", "website", None),
    "never publish": lambda ws: ws.register.set_do_not_photograph("A1", True),
    "removed": lambda ws: ws.register.delete_person("A1", reason="family asked"),
}


@pytest.mark.parametrize("withdrawal", sorted(WITHDRAWALS))
def test_consent_withdrawn_on_a_mid_batch_on_b(office, tmp_path, monkeypatch, withdrawal):
    """B exports three approved photos of Tori; A withdraws while B renders the second. The
    first (recorded before the withdrawal committed) is on the take-down list; the second and
    third are not exported and no file of them is left. A withdrawal to 'not recorded' (the
    register's own word for a withdrawal: Yes -> anything else) stops it too: it was exported
    before (only an explicit No or a block was checked at the last moment)."""
    a, b = office
    eng = engine_of(b)
    batch = decided(eng, photos(tmp_path, 3))
    assert all(x.faces[TORI].decision == "show" for x in batch)
    approve_all(b, eng, batch)
    on_render(monkeypatch, 2, lambda: WITHDRAWALS[withdrawal](a))
    out = tmp_path / "out"
    results = run_export(b, eng, batch, out)
    assert [r.ok for r in results] == [True, False, False], [r.error for r in results]
    for r in results[1:]:
        assert "changed (" in r.error and "while the copy was being made" in r.error, r.error
        assert "Tori Ashby" in r.error or "Victoria Ashby" in r.error, r.error
    assert exported_files(out) == [Path(results[0].output).name]
    assert len(b.records.exports()) == 1
    # the one exported before the withdrawal committed must come down
    items = a.takedown()
    assert [i.export_id for i in items] == [b.records.exports()[0].id]
    assert items[0].people == ["A1"]


def test_a_withdrawal_committed_after_the_record_puts_the_copy_on_the_takedown_list(
        office, tmp_path, monkeypatch):
    """A withdraws after B recorded the copy and before B named it: the copy is named (it was
    allowed when recorded) and A's take-down list has it at once."""
    a, b = office
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    approve_all(b, eng, [x])
    real = photo_export.link_no_overwrite

    def link(tmp, final):
        a.register.set_consent("A1", "website", False)
        return real(tmp, final)

    monkeypatch.setattr(photo_export, "link_no_overwrite", link)
    [res] = run_export(b, eng, [x], tmp_path / "out")
    assert res.ok
    [item] = a.takedown()
    assert item.export_id == b.records.exports()[0].id and item.people == ["A1"]


@pytest.mark.parametrize("withdrawal", ["refused", "not recorded"])
def test_b_approved_a_stale_view_after_the_withdrawal(office, tmp_path, withdrawal):
    """B's window decided the photo before A's withdrawal and B's approver approved what it
    showed (Tori visible) after it. An export with an engine that reads the register now
    holds it back (the approval no longer matches); one with B's stale engine (a long-lived
    window) is stopped at the last moment. Nothing is exported either way."""
    a, b = office
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    WITHDRAWALS[withdrawal](a)                  # committed before B approves
    approve_all(b, eng, [x])                     # B's view is stale: Tori shown
    fresh = engine_of(b)
    [held] = run_export(b, fresh, [fresh.decide(x, "website")], tmp_path / "out1")
    assert not held.ok and "would now be covered" in held.error, held.error
    stale = run_export(b, eng, [x], tmp_path / "out2")
    assert not stale[0].ok and "while the copy was being made" in stale[0].error
    assert exported_files(tmp_path / "out1") == exported_files(tmp_path / "out2") == []
    assert b.records.exports() == []


def test_consent_withdrawn_while_b_reviews_refuses_a_show(office, tmp_path):
    """B has the photo open (decided before A's withdrawal); B's 'show' of Tori with a reason is
    checked against the register as it is now, and refused."""
    from photovet.core.review import ReviewRefused

    a, b = office
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    b.reviewer().face(x, TORI, "cover", b.channels.get("website"))
    x = eng.decide(x, "website")
    a.register.set_consent("A1", "website", False)
    with pytest.raises(ReviewRefused):
        b.reviewer().face(x, TORI, "show", b.channels.get("website"), reason="parent agreed")


def test_a_consent_changed_on_a_after_b_opened_the_person_page(office):
    """B's person page shows Tori's website consent Yes; A sets it to No; B, from what its
    page shows, changes Yes to 'Not recorded': refused, saying who changed it (it overwrote
    A's No with the looser 'Not recorded'). The do-not-photograph box likewise."""
    from photovet.core.errors import RegisterError

    a, b = office
    seen = b.register.person("A1").consent_state("website", "photo")
    a.register.set_consent("A1", "website", False)
    with pytest.raises(RegisterError, match="School website for .* was changed by Mrs Office "
                                            ".*it is now No"):
        b.register.set_consent("A1", "website", None, expected=seen)
    assert a.register.person("A1").consent_state("website", "photo") == "no"
    a.register.set_do_not_photograph("A1", True)
    with pytest.raises(RegisterError, match="Do not photograph for"):
        b.register.set_do_not_photograph("A1", False, expected=False)
    assert a.register.person("A1").do_not_photograph
    b.register.set_consent("A1", "website", None, expected="no")     # as it is now: done
    assert a.register.person("A1").consent_state("website", "photo") == "not recorded"


# --------------------------------------------------------------------------------------------
# The school's mode changed on A while B exports
# --------------------------------------------------------------------------------------------

def _mode(ws: Workspace, mode: str) -> None:
    new = ws.settings.copy()
    new.mode = mode
    ws.save_settings(new)


def test_mode_made_stricter_on_a_mid_batch_on_b(office, tmp_path, monkeypatch):
    """A admin sets 'no identifiable children' while B renders the second of three copies: the
    second and third are not exported (Tori is a pupil); the first is recorded."""
    a, b = office
    eng = engine_of(b)
    batch = decided(eng, photos(tmp_path, 3))
    approve_all(b, eng, batch)
    on_render(monkeypatch, 2, lambda: _mode(a, "no-identifiable-children"))
    out = tmp_path / "out"
    results = run_export(b, eng, batch, out)
    assert [r.ok for r in results] == [True, False, False], [r.error for r in results]
    assert "the school's mode changed" in results[1].error, results[1].error
    assert len(exported_files(out)) == 1 and len(b.records.exports()) == 1


def test_b_exports_with_settings_read_before_a_made_the_mode_stricter(office, tmp_path):
    """B's workspace read the school's settings before A's change (a window open all morning,
    a command started earlier): B decides, approves and exports with the old mode; the last
    moment reads the mode from the register and stops it."""
    a, b = office
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    approve_all(b, eng, [x])
    _mode(a, "no-identifiable-children")
    assert b.settings.mode == "consent"           # B has not read it again
    [res] = run_export(b, eng, [x], tmp_path / "out")
    assert not res.ok and "the school's mode changed" in res.error, res.error
    assert exported_files(tmp_path / "out") == [] and b.records.exports() == []


def test_channel_given_a_fixed_mode_on_a_mid_batch_on_b(office, tmp_path, monkeypatch):
    """An admin on A gives the website the fixed mode 'no identifiable children' while B
    exports for it: the rest of B's batch is not exported."""
    a, b = office
    eng = engine_of(b)
    batch = decided(eng, photos(tmp_path, 2))
    approve_all(b, eng, batch)
    on_render(monkeypatch, 2, lambda: a.channels.update(
        "website", fixed_mode="no-identifiable-children"))
    results = run_export(b, eng, batch, tmp_path / "out")
    assert [r.ok for r in results] == [True, False], [r.error for r in results]
    assert "the rules of School website changed" in results[1].error, results[1].error


def test_a_stale_channel_window_on_b_keeps_the_fixed_mode_a_set(office):
    """B opened the website's rules (the window gives every value it shows); A gives the
    channel the fixed mode 'no identifiable children'; B changes the quality and saves: the
    fixed mode stays (the stale window's 'no fixed mode' undid it). The same rule changed on
    both is refused on B, with nothing saved."""
    from photovet.core.errors import SettingsError

    a, b = office
    shown = b.channels.get("website")
    window = {"label": shown.label, "names": shown.names, "long_edge": shown.long_edge,
              "quality": shown.quality, "fixed_mode": shown.fixed_mode}
    a.channels.update("website", fixed_mode="no-identifiable-children")
    b.channels.update("website", base=shown, **dict(window, quality=70))
    now = a.channels.get("website")
    assert now.fixed_mode == "no-identifiable-children" and now.quality == 70
    shown = b.channels.get("website")
    a.channels.update("website", quality=80)
    with pytest.raises(SettingsError, match="quality was changed on another computer"):
        b.channels.update("website", base=shown, quality=60)
    assert a.channels.get("website").quality == 80


def test_consent_withdrawn_on_a_mid_batch_of_the_export_command_on_b(office, tmp_path,
                                                                     monkeypatch):
    """'photovet export' checks, decides and exports each photo in one pass (vet_batch): a
    withdrawal on A while B's second copy is made stops it there too."""
    from photovet.core.pipeline import vet_batch

    a, b = office
    eng = engine_of(b)
    paths = photos(tmp_path, 3)
    approve_all(b, eng, decided(eng, paths))
    on_render(monkeypatch, 2, lambda: a.register.set_consent("A1", "website", None))
    out = tmp_path / "out"
    out.mkdir()
    results = [s.result for s in vet_batch(paths, eng, "website", out, label="Trip",
                                           records=b.records, approvals=b.approvals, workers=1)
               if s.result is not None]
    assert [r.ok for r in results] == [True, False, False], [r.error for r in results]
    assert "consent changed (" in results[1].error, results[1].error
    assert len(exported_files(out)) == 1 and len(b.records.exports()) == 1


def test_approval_turned_on_on_a_while_b_exports_without_it(office, tmp_path, monkeypatch):
    """A one-person office had approval off; an admin turns it on (on A) while B exports:
    what B had not recorded yet is not exported without a senior leader's approval."""
    a, b = office
    off = a.settings.copy()
    off.approval.required = False
    a.save_settings(off)
    b.reload_settings()
    eng = engine_of(b)
    batch = decided(eng, photos(tmp_path, 2))

    def approval_on():
        on = a.settings.copy()
        on.approval.required = True
        a.save_settings(on)

    on_render(monkeypatch, 2, approval_on)
    results = run_export(b, eng, batch, tmp_path / "out", approvals=False)
    assert [r.ok for r in results] == [True, False], [r.error for r in results]
    assert "the school turned approval on" in results[1].error, results[1].error
    assert len(exported_files(tmp_path / "out")) == 1


def approval_off(a: Workspace, b: Workspace) -> None:
    off = a.settings.copy()
    off.approval.required = False
    a.save_settings(off)
    b.reload_settings()


def test_with_approval_off_a_rejected_photo_is_still_not_exported(office, tmp_path):
    """A person's "no" holds whatever the settings (s60): with approval turned off (a one-person
    office), a photo a senior leader rejected was exported, by the app and by the command, as
    if nobody had looked at it. Rejected for the website, it is held back there with who
    rejected it and why (``plan_exports``, ``export_batch``, ``vet_batch``); on another
    channel it is not rejected."""
    from photovet.core.pipeline import HELD_NOT_APPROVED, plan_exports, vet_batch

    a, b = office
    approval_off(a, b)
    eng = engine_of(b)
    paths = photos(tmp_path, 2)
    x, y = decided(eng, paths)
    b.approvals.mark_ready(x)
    act_as(b, "Mr Head")
    b.approvals.reject(x, comment="pupil upset")
    ready, held = plan_exports([x, y], eng, eng.channel("website"), rejections=b.approvals)
    assert [r[0].sha256 for r in ready] == [y.sha256]
    assert [(h.analysis.sha256, h.kind) for h in held] == [(x.sha256, HELD_NOT_APPROVED)]
    assert held[0].why == "not exported: rejected by Mr Head: pupil upset", held[0].why
    results = run_export(b, eng, [x, y], tmp_path / "out", approvals=False,
                         rejections=b.approvals)
    assert [r.ok for r in results] == [False, True], [r.error for r in results]
    assert "rejected by Mr Head: pupil upset" in results[0].error, results[0].error
    assert len(exported_files(tmp_path / "out")) == 1 and len(b.records.exports()) == 1
    # the command's way: checked and exported in one pass
    out = tmp_path / "out2"
    out.mkdir()
    steps = [s.result for s in vet_batch(paths, eng, "website", out, label="Trip two",
                                         records=b.records, rejections=b.approvals)
             if s.result is not None]
    assert [r.ok for r in steps] == [False, True], [r.error for r in steps]
    assert "rejected by Mr Head" in steps[0].error
    # rejected for the website only: another channel may take it
    ready, held = plan_exports([eng.decide(x, "facebook")], eng, eng.channel("facebook"),
                               rejections=b.approvals)
    assert not [h for h in held if "rejected" in h.why]


def test_with_approval_off_a_rejection_on_a_while_b_exports_stops_the_copy(office, tmp_path,
                                                                          monkeypatch):
    """The last check before a copy is recorded reads the rejection too (approval off): a
    senior leader rejecting the photo on A while B makes its copy, it is not kept."""
    a, b = office
    approval_off(a, b)
    eng = engine_of(b)
    [x, y] = decided(eng, photos(tmp_path, 2))
    a.approvals.mark_ready(x)

    def reject_on_a():
        act_as(a, "Mrs Deputy Head")
        a.approvals.reject(x, comment="pupil upset")

    on_render(monkeypatch, 1, reject_on_a)
    results = run_export(b, eng, [x, y], tmp_path / "out", approvals=False,
                         rejections=b.approvals)
    assert [r.ok for r in results] == [False, True], [r.error for r in results]
    assert "it was rejected by Mrs Deputy Head: pupil upset" in results[0].error, \
        results[0].error
    assert len(exported_files(tmp_path / "out")) == 1 and len(b.records.exports()) == 1


def test_a_stale_settings_save_on_b_keeps_the_mode_a_set(office):
    """B's Settings were read before A made the mode stricter; B then saves another section
    (the approver's checklist) from its stale copy. A's mode stays: B's save writes only the
    sections B changed (it wrote every section that differed, so B's old mode undid A's)."""
    a, b = office
    stale = b.settings.copy()
    _mode(a, "no-identifiable-children")
    stale.checklist.checks = ["No pupil on the do-not-photograph list"]
    b.save_settings(stale)
    assert a.reload_settings().mode == "no-identifiable-children"
    assert a.settings.checklist.checks == ["No pupil on the do-not-photograph list"]
    assert b.settings.mode == "no-identifiable-children"   # B now holds the register's


def test_two_admins_changing_the_same_section_the_second_is_told(office):
    """Both change the approver's checklist from the same start: the second is told who
    changed it, and nothing is overwritten."""
    from photovet.core.errors import SettingsError

    a, b = office
    base = b.settings.copy()                   # B opened Settings
    mine = a.settings.copy()
    mine.checklist.checks = ["Nobody on the do-not-photograph list"]
    a.save_settings(mine)
    theirs = base.copy()
    theirs.checklist.checks = ["No pupil in swimwear"]
    with pytest.raises(SettingsError, match="Mrs Office changed the approver.s checklist"):
        b.save_settings(theirs)
    assert a.reload_settings().checklist.checks == ["Nobody on the do-not-photograph list"]


# --------------------------------------------------------------------------------------------
# Two preparers, and an approver, on one photo
# --------------------------------------------------------------------------------------------

def test_cover_on_a_and_show_on_b_at_once_never_drops_the_cover(office, tmp_path):
    """Both opened the photo; A covers the stranger, then B (stale) shows the stranger with a
    reason: B is told who changed it, A's cover stays; the other order likewise."""
    a, b = office
    path = photos(tmp_path, 1)[0]
    ea, eb = engine_of(a), engine_of(b)
    web = a.channels.get("website")
    on_a, on_b = ea.decide(ea.analyse(path), web), eb.decide(eb.analyse(path), web)
    assert on_a.faces[STRANGER].decision == on_b.faces[STRANGER].decision == "cover"
    a.reviewer().face(on_a, STRANGER, "cover", web)
    with pytest.raises(ReviewConflict, match="changed by Mrs Office"):
        b.reviewer().face(on_b, STRANGER, "show", web, reason="a visiting author, agreed")
    again = engine_of(b).decide(engine_of(b).analyse(path), web)
    assert again.faces[STRANGER].decision == "cover"
    assert [d.action for d in b.reviews.parts(again.sha256, "website")[0].faces] == ["cover"]

    # the other order: B shows first, A's cover from a stale view is refused, not lost
    path2 = make_photo(tmp_path / "in" / "other.jpg", colour=(90, 200, 120))
    on_a, on_b = ea.decide(ea.analyse(path2), web), eb.decide(eb.analyse(path2), web)
    b.reviewer().face(on_b, STRANGER, "show", web, reason="a visiting author, agreed")
    with pytest.raises(ReviewConflict, match="changed by Mr Other"):
        a.reviewer().face(on_a, STRANGER, "cover", web)


def test_an_approval_signs_what_the_approver_saw_not_a_review_changed_meanwhile(
        office, tmp_path):
    """A's approver has the photo on screen and approves what A saw; B shows the stranger
    just after (a change made meanwhile is refused at once: the next test). The approval holds
    the stranger covered, so the export (which decides again) holds the photo back saying the
    review changed, and by whom: nothing B showed is published under A's approval."""
    a, b = office
    path = photos(tmp_path, 1)[0]
    ea, eb = engine_of(a), engine_of(b)
    web = a.channels.get("website")
    seen = ea.decide(ea.analyse(path), web)
    b.approvals.mark_ready(eb.decide(eb.analyse(path), web))
    act_as(a, "Mr Head")
    parts = ea.approval_parts(seen)                 # what is on A's screen
    on_b = eb.decide(eb.analyse(path), web)
    a.approvals.approve(seen, parts, checks=a.approvals.required_checks(),
                        now=lambda: ea.approval_now(seen))
    b.reviewer().face(on_b, STRANGER, "show", web, reason="a visiting author, agreed")
    assert a.approvals.get(seen.sha256, "website").parts["publication"] == parts["publication"]
    fresh = engine_of(b)
    [res] = run_export(b, fresh, [fresh.decide(fresh.analyse(path), web)], tmp_path / "out")
    assert not res.ok and "approval no longer counts" in res.error, res.error
    assert "Mr Other" in res.error, res.error
    assert exported_files(tmp_path / "out") == []


def test_an_approval_of_a_photo_changed_since_it_was_opened_is_refused_at_once(office, tmp_path):
    """s28: A's approver has the photo on screen; B covers Tori meanwhile. A's Approve was
    stored, then failed at export. Now the core decides the photo again as the approval is
    stored and refuses at once, saying who changed it, when and what: nothing is approved. A
    looks again (decided afresh) and approves what is there now, which exports."""
    from photovet.core.errors import ApprovalConflict

    a, b = office
    path = photos(tmp_path, 1)[0]
    ea, eb = engine_of(a), engine_of(b)
    web = a.channels.get("website")
    seen = ea.decide(ea.analyse(path), web)                  # on A's screen: Tori shown
    b.approvals.mark_ready(eb.decide(eb.analyse(path), web))
    act_as(a, "Mr Head")
    b.reviewer().face(eb.decide(eb.analyse(path), web), TORI, "cover", web)
    with pytest.raises(ApprovalConflict) as caught:
        a.approvals.approve(seen, ea.approval_parts(seen), checks=a.approvals.required_checks(),
                            now=lambda: ea.approval_now(seen))
    said = caught.value.message
    assert said.startswith("Mr Other changed this photo at "), said
    assert "after you opened it (covered a face): look at it again" in said, said
    assert caught.value.by == "Mr Other"
    assert "Nothing was approved" in caught.value.hint
    assert a.approvals.status(seen.sha256, "website") == "ready"
    assert [f.decision for f in seen.faces][TORI] == "show"    # what was shown, left as it was
    again = ea.decide(seen, web)                               # A looks again
    a.approvals.approve(again, ea.approval_parts(again), checks=a.approvals.required_checks(),
                        now=lambda: ea.approval_now(again))
    [res] = run_export(a, ea, [ea.decide(ea.analyse(path), web)], tmp_path / "out")
    assert res.ok, res.error


def test_a_review_changed_at_the_moment_of_approval_is_seen_under_the_lock(
        office, tmp_path, monkeypatch):
    """B's preparer covers Tori at the moment A's approver presses Approve (after A's checks,
    before A's transaction): the photo is decided again inside the approval's transaction,
    so A's approval of Tori shown is refused, not stored."""
    from photovet.core.errors import ApprovalConflict

    a, b = office
    path = photos(tmp_path, 1)[0]
    ea, eb = engine_of(a), engine_of(b)
    web = a.channels.get("website")
    seen = ea.decide(ea.analyse(path), web)
    b.approvals.mark_ready(eb.decide(eb.analyse(path), web))
    act_as(a, "Mr Head")
    parts = ea.approval_parts(seen)
    engine_class, calls = type(a.db), []
    real = engine_class._begin

    def begin(self):
        if self is a.db and not calls:
            calls.append(1)
            b.reviewer().face(eb.decide(eb.analyse(path), web), TORI, "cover", web)
        return real(self)

    monkeypatch.setattr(engine_class, "_begin", begin)
    with pytest.raises(ApprovalConflict, match="Mr Other changed this photo"):
        a.approvals.approve(seen, parts, checks=a.approvals.required_checks(),
                            now=lambda: ea.approval_now(seen))
    assert calls and a.approvals.status(seen.sha256, "website") == "ready"


def test_an_approval_after_a_consent_withdrawn_since_it_was_opened_is_refused(office, tmp_path):
    """Not only a review: Tori's website consent is withdrawn on A after B's approver opened
    the photo (B's window has read the register again, the photo on screen not yet). B's
    Approve is refused with what would change."""
    from photovet.core.errors import ApprovalConflict

    a, b = office
    eb = engine_of(b)
    [x] = decided(eb, photos(tmp_path, 1))
    b.approvals.mark_ready(x)
    a.register.set_consent("A1", "website", False)
    eb.reload_register()
    act_as(b, "Mr Head")
    with pytest.raises(ApprovalConflict) as caught:
        b.approvals.approve(x, eb.approval_parts(x), checks=b.approvals.required_checks(),
                            now=lambda: eb.approval_now(x))
    assert "this photo changed after you opened it (Tori Ashby would now be covered)" in \
        caught.value.message, caught.value.message
    assert b.approvals.status(x.sha256, "website") == "ready"


def test_review_changed_on_a_while_b_exports_the_approved_photo(office, tmp_path, monkeypatch):
    """B exports an approved photo; while the copy is made, A's preparer covers Tori (say the
    family rang). The copy B is making does not have A's cover: it is not exported (it was)."""
    a, b = office
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    approve_all(b, eng, [x])
    web = a.channels.get("website")

    def cover_on_a():
        ea = engine_of(a)
        a.reviewer().face(ea.decide(ea.analyse(x.path), web), TORI, "cover", web)

    on_render(monkeypatch, 1, cover_on_a)
    [res] = run_export(b, eng, [x], tmp_path / "out")
    assert not res.ok and "its review was changed by Mrs Office" in res.error, res.error
    assert exported_files(tmp_path / "out") == [] and b.records.exports() == []


def test_approval_withdrawn_on_a_while_b_exports(office, tmp_path, monkeypatch):
    """B exports an approved photo; A's senior leader rejects it while the copy is made (or
    the preparer marks it ready again): not exported."""
    a, b = office
    eng = engine_of(b)
    [x, y] = decided(eng, photos(tmp_path, 2))
    approve_all(b, eng, [x, y])

    def reject_on_a():
        act_as(a, "Mrs Deputy Head")
        a.approvals.reject(x, comment="pupil upset")
        a.approvals.mark_ready(y)            # the preparer takes it back

    on_render(monkeypatch, 1, reject_on_a)
    results = run_export(b, eng, [x, y], tmp_path / "out")
    assert [r.ok for r in results] == [False, False]
    assert "its approval was withdrawn or changed" in results[0].error, results[0].error
    assert exported_files(tmp_path / "out") == [] and b.records.exports() == []


def test_a_rejection_on_a_while_b_approves_stands(office, tmp_path, monkeypatch):
    """A's senior leader rejects the photo at the moment B's approves it (after B's checks,
    before B's transaction): B's approval, read again under the lock, is refused; the
    rejection stands. (Checked safe: no change needed.)"""
    from photovet.core.errors import ApprovalError

    a, b = office
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    b.approvals.mark_ready(x)
    act_as(b, "Mr Head")
    act_as(a, "Mrs Deputy")
    engine_class, calls = type(b.db), []
    real = engine_class._begin

    def begin(self):
        if self is b.db and not calls:
            calls.append(1)
            a.approvals.reject(x, comment="pupil upset")
        return real(self)

    monkeypatch.setattr(engine_class, "_begin", begin)
    with pytest.raises(ApprovalError, match="Mrs Deputy rejected this photo"):
        b.approvals.approve(x, eng.approval_parts(x), checks=b.approvals.required_checks(),
                            now=lambda: eng.approval_now(x))
    assert a.approvals.status(x.sha256, "website") == "rejected"


# --------------------------------------------------------------------------------------------
# A staff account's right ended on A while B uses it
# --------------------------------------------------------------------------------------------

@pytest.fixture
def accounts(office):
    """A: an admin; B: Pat Poster (poster and preparer), signed in on B."""
    a, b = office
    a.access = type(a.access)()                 # real accounts from here
    a.audit.access.fresh_grants = a.accounts.current_grants
    a.create_first_admin("Olive Office", PW)
    code = a.accounts.add("Pat Poster", ["poster", "preparer"])
    b.access = type(b.access)()
    b.audit.access.fresh_grants = b.accounts.current_grants
    b.first_sign_in("Pat Poster", code, PW)
    return a, b


def test_posting_right_ended_on_a_while_b_marks_posted(accounts, tmp_path, monkeypatch):
    """B matches its files (hashing them: seconds for a batch of videos) while A ends B's
    poster role: nothing is marked as posted (it was, by a poster no longer)."""
    a, b = accounts
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    [res] = run_export(b, eng, [x], tmp_path / "out", approvals=False)
    assert res.ok, res.error
    real = type(b.records)._match_files

    def match(self, *args, **kwargs):
        a.accounts.end_role("Pat Poster", "poster")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(b.records), "_match_files", match)
    with pytest.raises(PermissionDenied, match="poster"):
        b.records.mark_posted(files=[Path(res.output)], channel="website")
    assert b.db.scalar("SELECT COUNT(*) FROM posts") == 0
    assert not a.audit.rows(action="export.posted")


def test_export_right_ended_on_a_while_b_records_a_copy(accounts, tmp_path, monkeypatch):
    """A removes B's account while B's copy is being read for its perceptual hash (after the
    first check of the right, before the record): not recorded, no file kept."""
    from photovet.core.media import phash as phash_module

    a, b = accounts
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    real = phash_module.phash_variants_file

    def phash(path):
        a.accounts.remove("Pat Poster")
        return real(path)

    monkeypatch.setattr(phash_module, "phash_variants_file", phash)
    [res] = run_export(b, eng, [x], tmp_path / "out", approvals=False)
    assert not res.ok and "removed" in res.error, res.error
    assert exported_files(tmp_path / "out") == []
    assert a.db.scalar("SELECT COUNT(*) FROM exports") == 0


def test_approve_right_ended_just_before_the_approval_is_stored(accounts, tmp_path,
                                                                monkeypatch):
    """The approver's role is ended on A at the last moment before the approval's transaction
    begins (after every check B made): the approval is refused (the right is read again under
    the writer lock), the photo stays waiting."""
    a, b = accounts
    code = a.accounts.add("Hana Head", ["approver"])
    head = Workspace.open(Path(str(b.home) + "-head"))
    try:
        head.first_sign_in("Hana Head", code, PW)
        eng = engine_of(b)
        [x] = decided(eng, photos(tmp_path, 1))
        b.approvals.mark_ready(x)
        parts = eng.approval_parts(x)
        engine_class = type(head.db)
        real, calls = engine_class._begin, []

        def begin(self):
            if self is head.db and not calls:
                calls.append(1)
                a.accounts.end_role("Hana Head", "approver")     # committed on A first
            return real(self)

        monkeypatch.setattr(engine_class, "_begin", begin)
        with pytest.raises(PermissionDenied, match="approver"):
            head.approvals.approve(x, parts, checks=head.approvals.required_checks(),
                                   now=lambda: eng.approval_now(x))
        assert calls and a.approvals.status(x.sha256, "website") == "ready"
    finally:
        head.close()




# --------------------------------------------------------------------------------------------
# The register's server goes away in the middle of B's change
# --------------------------------------------------------------------------------------------

@pytest.fixture
def b_via_proxy(office, register_engine, pg_url, monkeypatch, tmp_path):
    """B (Mr Other) again, its connection through a proxy the test can cut ("the server PC
    switched off"); A stays on the server directly."""
    if register_engine != "postgresql":
        pytest.skip("a register file does not go away in the middle of a change")
    from urllib.parse import urlsplit

    from tcpproxy import Proxy

    a, _b = office
    u = urlsplit(pg_url)
    proxy = Proxy(u.port)
    monkeypatch.setenv("PHOTOVET_REGISTER", u._replace(
        netloc=f"{u.username}:{u.password}@127.0.0.1:{proxy.port}").geturl())
    b = Workspace.open(tmp_path / "pc-b-far", access=office_access("Mr Other"))
    b.settings.text.enabled = False
    yield a, b, proxy
    b.close()
    proxy.down()


def cut_inside(ws: Workspace, proxy, monkeypatch) -> None:
    """The server goes away inside B's next write, after its first statements (when the
    audit row is about to be written: the change itself is already sent)."""
    real = type(ws.audit).record

    def record(self, *args, **kwargs):
        if self is ws.audit:
            monkeypatch.setattr(type(ws.audit), "record", real)
            proxy.down()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(ws.audit), "record", record)


def test_server_gone_mid_review_edit_mid_approval_mid_post(b_via_proxy, tmp_path, monkeypatch):
    """Each of B's changes fails with the clear message (nothing half saved), A sees none of
    it, the audit chain is whole, and once the server is back B's same step works."""
    from photovet.core.audit import AuditLog
    from photovet.core.errors import RegisterUnavailableError

    a, b, proxy = b_via_proxy
    eng = engine_of(b)
    web = b.channels.get("website")
    [x] = decided(eng, photos(tmp_path, 1))
    rows_before = a.db.scalar("SELECT COUNT(*) FROM audit_log")

    # a review edit
    cut_inside(b, proxy, monkeypatch)
    with pytest.raises(RegisterUnavailableError, match="was lost; the change in progress was "
                                                        "not saved") as e:
        b.reviewer().face(x, STRANGER, "cover", web)
    assert "Nothing was half saved" in e.value.hint
    assert a.reviews.parts(x.sha256, "website")[0].faces == []
    with pytest.raises(RegisterUnavailableError, match="cannot be reached"):
        b.reviewer().face(x, STRANGER, "cover", web)      # still away: said at once
    proxy.up()
    b.reviewer().face(x, STRANGER, "cover", web)           # back: the same step works
    assert [d.action for d in a.reviews.parts(x.sha256, "website")[0].faces] == ["cover"]

    # an approval
    x = eng.decide(x, web)
    b.approvals.mark_ready(x)
    act_as(b, "Mr Head")
    cut_inside(b, proxy, monkeypatch)
    with pytest.raises(RegisterUnavailableError, match="was lost"):
        b.approvals.approve(x, eng.approval_parts(x), checks=b.approvals.required_checks(),
                            now=lambda: eng.approval_now(x))
    assert a.approvals.status(x.sha256, "website") == "ready"
    proxy.up()
    b.approvals.approve(x, eng.approval_parts(x), checks=b.approvals.required_checks(),
                        now=lambda: eng.approval_now(x))
    assert a.approvals.status(x.sha256, "website") == "approved"

    # an export (the copy is not kept), then marking it as posted
    act_as(b, "Mr Other")
    out = tmp_path / "out"
    cut_inside(b, proxy, monkeypatch)
    with pytest.raises(RegisterUnavailableError):
        run_export(b, eng, [x], out)
    assert exported_files(out) == [] and a.db.scalar("SELECT COUNT(*) FROM exports") == 0
    proxy.up()
    [res] = run_export(b, eng, [x], out)
    assert res.ok and exported_files(out) == [Path(res.output).name]
    cut_inside(b, proxy, monkeypatch)
    with pytest.raises(RegisterUnavailableError, match="was lost"):
        b.records.mark_posted(files=[Path(res.output)], channel="website")
    assert a.db.scalar("SELECT COUNT(*) FROM posts") == 0
    proxy.up()
    assert b.records.mark_posted(files=[Path(res.output)], channel="website") == 1

    # the school's settings
    new = b.settings.copy()
    new.mode = "no-identifiable-children"
    cut_inside(b, proxy, monkeypatch)
    with pytest.raises(RegisterUnavailableError, match="was lost"):
        b.save_settings(new)
    assert a.reload_settings().mode == "consent"
    proxy.up()
    b.save_settings(new)
    assert a.reload_settings().mode == "no-identifiable-children"

    v = AuditLog(a.db, keys=a.keys, anchor=False).verify()
    assert v.ok, v.message
    actions = [r["action"] for r in a.audit.rows()][rows_before:]
    assert actions.count("review.face-cover") == 1 and actions.count("approval.approved") == 1
    assert actions.count("export.recorded") == 1 and actions.count("export.posted") == 1


def test_roles_read_again_after_a_role_ended_and_the_account_removed_on_a(accounts):
    """What B's window shows (``Access.reread_roles``, asked when an account changed): the
    roles as the register holds them now, not as at B's sign-in; nothing changed, no news."""
    a, b = accounts
    assert b.access.reread_roles() is False
    assert b.access.allowed("post")
    a.accounts.end_role("Pat Poster", "poster")
    assert b.access.allowed("post")              # B has not read them again yet
    assert b.access.reread_roles() is True
    assert not b.access.allowed("post") and b.access.allowed("review")
    assert b.access.reread_roles() is False
    a.accounts.remove("Pat Poster")
    assert b.access.reread_roles() is True
    assert b.access.roles() == frozenset()


def test_an_export_that_outlasts_the_idle_time_is_still_recorded(accounts, tmp_path,
                                                                 monkeypatch):
    """A long export (a sports-day video on a slow PC) takes longer than the school's idle
    time with nobody touching the mouse: the window locks, but the export B started while
    signed in is still recorded (it was refused at the end, all that work thrown away, and
    started again it was refused again). The right itself is still read again: a role ended
    meanwhile stops it (test_export_right_ended_on_a_while_b_records_a_copy)."""
    from photovet.core.media import phash as phash_module

    a, b = accounts
    clock = [0.0]
    b.access.clock = lambda: clock[0]
    b.touch()
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    real = phash_module.phash_variants_file

    def phash(path):
        clock[0] += b.session.idle_minutes * 60 + 1     # nobody touched the PC meanwhile
        return real(path)

    monkeypatch.setattr(phash_module, "phash_variants_file", phash)
    [res] = run_export(b, eng, [x], tmp_path / "out", approvals=False)
    assert res.ok, res.error
    assert len(exported_files(tmp_path / "out")) == 1
    assert b.idle_locked()                               # the window is locked all the same
    from photovet.core.errors import SessionLocked

    with pytest.raises(SessionLocked, match="locked itself"):
        b.require("export")                              # a new action is refused


def test_someone_else_signed_in_while_a_copy_was_made_is_not_recorded_under_their_name(
        accounts, tmp_path, monkeypatch):
    """B's export carries on through the lock screen; there 'Sign out' was chosen and Olive
    signed in at B's PC before the copy was recorded: it is not recorded (it would have
    been under Olive's name, who never exported it), the copy is not kept."""
    from photovet.core.media import phash as phash_module

    a, b = accounts
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    real = phash_module.phash_variants_file

    def phash(path):
        b.sign_out()
        b.sign_in("Olive Office", PW)
        return real(path)

    monkeypatch.setattr(phash_module, "phash_variants_file", phash)
    [res] = run_export(b, eng, [x], tmp_path / "out", approvals=False)
    assert not res.ok
    assert "Pat Poster began this export and Olive Office is signed in now" in res.error
    assert exported_files(tmp_path / "out") == []
    assert a.db.scalar("SELECT COUNT(*) FROM exports") == 0


@pytest.mark.parametrize("rule", [{"cover_school": True}, {"group_only": True},
                                  {"names": "none"}])
def test_a_channels_rule_made_stricter_on_a_mid_batch_on_b(office, tmp_path, monkeypatch,
                                                          rule):
    """s46: an admin on A makes the website hide the school's name and badges (or take
    group shots only, or show no names) while B exports for it. The copies B made after were
    made under the old rule, and were recorded all the same when nobody in them lost their
    consent (only the fixed mode was seen, through the people it shows): not now."""
    a, b = office
    out = tmp_path / "out"
    results = _export_with_rule_changed(a, b, tmp_path, monkeypatch, rule, out)
    assert [r.ok for r in results] == [True, False], [r.error for r in results]
    [(key, _v)] = rule.items()
    assert f"School website's {CHANNEL_RULE_WORDS[key]} was changed (its approval no longer " \
           "counts" in results[1].error, results[1].error
    assert len(exported_files(out)) == 1 and len(b.records.exports()) == 1


def _export_with_rule_changed(a, b, tmp_path, monkeypatch, rule: dict, out: Path) -> list:
    """B exports two approved photos for the website into ``out``; A changes the website's
    ``rule`` while B renders the second: the two results."""
    eng = engine_of(b)
    batch = decided(eng, photos(tmp_path, 2))
    approve_all(b, eng, batch)
    on_render(monkeypatch, 2, lambda: a.channels.update("website", **rule))
    return run_export(b, eng, batch, out)


@pytest.mark.parametrize("rule", [{"cover_school": False}, {"names": "full"},
                                  {"audio": "keep"}, {"fixed_mode": None}])
def test_a_channels_rule_made_looser_on_a_mid_batch_on_b_refuses_nothing(office, tmp_path,
                                                                         monkeypatch, rule):
    """s46 audit: a rule made LOOSER on A while B exports (the website shows the school again)
    refused B's copy as a stricter one does ("check it again and approve it again"), though
    the copy covers more than the website now asks: what was approved. Recorded, and its
    record keeps the stricter rules it was made under (a post of it is judged by them)."""
    a, b = office
    a.channels.update("website", cover_school=True, names="initials", audio="listen",
                      fixed_mode="no-identifiable-children")
    out = tmp_path / "out"
    results = _export_with_rule_changed(a, b, tmp_path, monkeypatch, rule, out)
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    recs = b.records.exports()
    assert len(exported_files(out)) == 2 and len(recs) == 2
    assert all(r.rules is not None and r.rules["cover_school"] is True
               and r.rules["names"] == "initials" for r in recs), [r.rules for r in recs]


def test_a_copy_that_does_not_say_which_rules_it_was_made_under_is_not_recorded(
        office, tmp_path, monkeypatch):
    """s48: a copy whose result carries no rules (a producer that forgot them) was recorded
    under its channel's rules as they were at its last check, which may be stricter than
    what it was made under: a later post of it judged by rules it never had. Refused at the
    last check (nothing recorded, no file kept); ``Records.record`` itself stores NULL for
    such a result (judged as if no rule was applied: ``policy.made_under``)."""
    a, b = office
    a.channels.update("website", cover_school=True)
    eng = engine_of(b)
    batch = decided(eng, photos(tmp_path, 2))
    approve_all(b, eng, batch)
    real, calls = photo_export.rules_of, []

    def forgetful(channel):
        calls.append(1)
        return real(channel) if len(calls) == 1 else {}

    monkeypatch.setattr(photo_export, "rules_of", forgetful)
    out = tmp_path / "out"
    results = run_export(b, eng, batch, out)
    assert [r.ok for r in results] == [True, False], [r.error for r in results]
    assert "which of School website's rules it was made under is not known" in \
        results[1].error, results[1].error
    assert len(exported_files(out)) == 1
    [rec] = b.records.exports()
    assert rec.rules is not None and rec.rules["cover_school"] is True
    # the record itself: no rules carried, none guessed
    from photovet.core.models import ExportResult

    src = sorted((tmp_path / "in").iterdir())[0]
    copy = tmp_path / "elsewhere.jpg"
    copy.write_bytes(src.read_bytes())
    rid = b.records.record(ExportResult(source=str(src), output=str(copy), channel="website",
                                        width=8, height=8), copy, batch="by hand")
    assert b.records.records_by_id([rid])[0].rules is None


def test_the_school_s_name_added_on_a_mid_batch_on_b(office, tmp_path, monkeypatch):
    """Walked on two PCs (s34): A's admin adds the school's name while B renders the second
    of three copies. A is told the approvals no longer count (the name is looked for in
    every photo now); the second and third copies were recorded all the same, approved as
    they were before. Now they are not; the first, recorded before, is."""
    a, b = office
    eng = engine_of(b)
    batch = decided(eng, photos(tmp_path, 3))
    approve_all(b, eng, batch)

    def name_added():
        new = a.settings.copy()
        new.school.names = ["Hollins Lane Primary School"]
        a.save_settings(new)

    on_render(monkeypatch, 2, name_added)
    out = tmp_path / "out"
    results = run_export(b, eng, batch, out)
    assert [r.ok for r in results] == [True, False, False], [r.error for r in results]
    assert "the school's settings for " in results[1].error, results[1].error
    assert "the school's name and details" in results[1].error, results[1].error
    assert "were changed (its approval no longer counts" in results[1].error, results[1].error
    assert len(exported_files(out)) == 1 and len(b.records.exports()) == 1
