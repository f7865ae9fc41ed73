"""A face PhotoVet matched to a pupil who must never be published (do not photograph), named
by hand as someone else (s36, the lead's decision). Before: named as a consented pupil with a
reason, it was shown, and approved; if the match was right, a never-publish child was
published. Now (``policy.never_publish_match``): such a face stays covered whatever it is
named; the name is recorded (the subject access report, the take-down list) but uncovers
nothing, and the person is told why in plain words. A face PhotoVet was not certain of that
was also near such a pupil (a twin, a look-alike: ``face.near``) stays covered too: the
matcher could not tell them apart. A face PhotoVet RECOGNISED as a consented pupil, with a
never-publish pupil only near it, is shown as before (the matcher asks more of a look-alike
before it is certain). An approval given before this rule no longer counts, and says why."""

from __future__ import annotations

import datetime as dt

from photovet.core import policy
from photovet.core.models import NO, YES, Channel, Face, MatchStatus, Person, VideoTrack
from photovet.core.policy import decide_face, decide_track, face_override_ask
from tests.conftest import act_as
from tests.core.test_pipeline import TODAY, make_photo

ON = dt.date(2026, 11, 21)
FB = Channel("facebook", "Facebook", names="first")


def pupil(pid: str, first: str, fb: str, **kw) -> Person:
    return Person(id=pid, legal_forename=first, legal_surname="Bennett", role="pupil",
                  photo_consent={"facebook": fb}, video_consent={"facebook": fb},
                  enrolled=True, **kw)


DAN = pupil("D1", "Dan", YES, do_not_photograph=True)     # never published
KIT = pupil("K1", "Kit", YES)
JOE = pupil("J1", "Joe", NO)                              # refused, not never-publish


def face(pid: str = "D1", status: MatchStatus = MatchStatus.RECOGNISED, **kw) -> Face:
    return Face(box=(10, 10, 50, 50), score=0.95, person=pid, match_status=status.value, **kw)


def named_kit(f: Face, why: str = "twins, checked with the class teacher") -> Face:
    f.override_person, f.assigned_by, f.assign_reason = "K1", "Mrs Jane Okafor", why
    return f


def test_a_face_recognised_as_a_never_publish_pupil_named_as_another_stays_covered():
    for status in (MatchStatus.RECOGNISED, MatchStatus.UNCERTAIN):
        f = named_kit(face(status=status))
        d = decide_face(f, KIT, FB, "photo", "consent", ON, recognised=DAN)
        assert d.action == "cover", status
        assert d.reason == ("This face looks like a pupil who must never be published, so it "
                            "stays covered even if it is someone else")
        assert not d.needs_review                 # nothing anyone says can show it
        assert f.override_person == "K1" and f.who == "K1"     # the name is kept
        # a video track: the same rule
        t = VideoTrack(id=1, frames=[0, 5, 10], boxes=[(0, 0, 40, 40)] * 3, scores=[0.9] * 3,
                       match_status=status.value, person="D1", override_person="K1",
                       assigned_by="Mrs Jane Okafor", assign_reason="twins")
        assert decide_track(t, KIT, FB, "consent", ON, recognised=DAN).action == "cover"
    # the same face recognised as a refused (not never-publish) pupil: a reason still shows it
    j = named_kit(face("J1"))
    assert decide_face(j, KIT, FB, "photo", "consent", ON, recognised=JOE).action == "show"


def test_naming_it_needs_no_reason_and_showing_it_is_refused_in_plain_words():
    f = face()
    ask = face_override_ask("assign", f, KIT, FB, "photo", "consent", ON, recognised=DAN)
    assert ask.allowed                       # recorded at once: it loosens nothing
    # and said at once, with why (s36: the preparer learnt it from the findings later)
    assert ask.note == ("The name is recorded. This face looks like a pupil who must never be "
                        "published, so it stays covered even if it is someone else.")
    t = VideoTrack(id=1, frames=[0, 5], boxes=[(0, 0, 40, 40)] * 2, scores=[0.9] * 2,
                   match_status=MatchStatus.UNCERTAIN.value, person="K1", near=[("D1", 0.88)])
    tk = policy.track_override_ask("assign", t, KIT, FB, "consent", ON, recognised=KIT,
                                   near={"D1": DAN})
    assert tk.allowed and tk.note == f"The name is recorded. {policy.REASON_NEVER_PUBLISH_NEAR}."
    # nothing to say: named as Dan himself (his own rule says why), or a face not matched
    assert face_override_ask("assign", face(), DAN, FB, "photo", "consent", ON,
                             recognised=DAN).note == ""
    assert face_override_ask("assign", face("J1"), KIT, FB, "photo", "consent", ON,
                             recognised=JOE).note == ""
    named_kit(f)
    show = face_override_ask("show", f, KIT, FB, "photo", "consent", ON, recognised=DAN)
    assert show.refused and show.words == policy.REASON_NEVER_PUBLISH_MATCH
    # stored "show" over the name (made before this rule): not used, and said
    f.override, f.override_reason = "show", "it is Kit"
    d = decide_face(f, KIT, FB, "photo", "consent", ON, recognised=DAN)
    assert d.action == "cover" and f.refused == policy.REASON_NEVER_PUBLISH_MATCH


def test_a_face_only_near_a_never_publish_pupil_stays_covered_when_uncertain():
    """Decided (s36): an uncertain face with a never-publish pupil within the look-alike
    margin (``face.near``) stays covered whoever it is said to be, confirmed as PhotoVet's own
    nearest match too, shown or marked "not a face"; recognised for sure, it is shown."""
    near = {"D1": DAN}
    f = face("K1", MatchStatus.UNCERTAIN, near=[("D1", 0.88)])
    f.override_person, f.assign_reason = "K1", "checked with the class teacher"
    d = decide_face(f, KIT, FB, "photo", "consent", ON, recognised=KIT, near=near)
    assert d.action == "cover" and d.reason == policy.REASON_NEVER_PUBLISH_NEAR
    assert "could not tell them apart" in d.reason
    g = face("K1", MatchStatus.UNCERTAIN, near=[("D1", 0.88)])
    # nobody answered "Is this Kit?": not asked, as no answer can show it; said why
    d = decide_face(g, KIT, FB, "photo", "consent", ON, recognised=KIT, near=near)
    assert d.action == "cover" and not d.needs_review
    assert d.reason == policy.REASON_NEVER_PUBLISH_NEAR
    for action in ("show", "not-a-face"):
        ask = face_override_ask(action, g, KIT, FB, "photo", "consent", ON, recognised=KIT,
                                near=near)
        assert ask.refused and ask.words == policy.REASON_NEVER_PUBLISH_NEAR, action
    sure = face("K1", MatchStatus.RECOGNISED, near=[("D1", 0.88)])
    assert decide_face(sure, KIT, FB, "photo", "consent", ON, recognised=KIT,
                       near=near).action == "show"
    # the near pupil not on the list: as before, confirmed with a reason it is shown
    h = face("K1", MatchStatus.UNCERTAIN, near=[("J1", 0.88)])
    h.override_person, h.assign_reason = "K1", "checked with the class teacher"
    assert decide_face(h, KIT, FB, "photo", "consent", ON, recognised=KIT,
                       near={"J1": JOE}).action == "show"


def test_named_as_the_never_publish_pupil_themself_says_so():
    f = face()
    f.override_person = "D1"
    d = decide_face(f, DAN, FB, "photo", "consent", ON, recognised=DAN)
    assert d.action == "cover" and d.reason == policy.REASON_DNP


def test_an_approval_given_before_the_rule_no_longer_counts_and_says_why(ws, engine, tmp_path,
                                                                          monkeypatch):
    """Tori (A1) is on the do-not-photograph list; her face was named Sam (B2) with a reason
    and approved while a reason still showed it. Now it is covered, and the approval's
    re-check says why (not "their consent or the register changed": neither did)."""
    ws.register.set_do_not_photograph("A1", True)
    engine.reload_people()
    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    assert a.faces[0].person == "A1"
    with monkeypatch.context() as m:                 # the rule as it was before s36
        m.setattr(policy, "never_publish_match", lambda *a, **k: "")
        ws.reviewer().face(a, 0, "assign", fb, person="B2", reason="twins")
        engine.decide(a, fb, on=TODAY)
        assert a.faces[0].decision == "show"
        ws.approvals.mark_ready(a)
        act_as(ws, "Mr Head")
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             seen_on="the photo, opened", hand_named_checked=True,
                             now=lambda: engine.approval_now(a))
        assert ws.approvals.check(a, engine.approval_parts(a)).ok
    engine.decide(a, fb, on=TODAY)
    assert a.faces[0].decision == "cover" and a.faces[0].override_person == "B2"
    # the face's menu offers no "show", and says why (judged with the recognised row)
    choices = ws.reviewer().face_choices(a, 0, fb)
    assert "show" not in choices.actions and "assign" in choices.actions
    assert "It cannot be shown: This face looks like a pupil who must never be published" \
        in choices.settled
    verdict = ws.approvals.check(a, engine.approval_parts(a), name_of=engine.name_of)
    assert not verdict.ok
    assert verdict.why == ("the approval no longer counts: Sam Hale would now be covered: this "
                           "face looks like a pupil who must never be published, so it stays "
                           "covered even if it is someone else; approve it again")


# --- an approver's rejection that says a name given by hand is wrong (s36) -------------------

def test_a_rejection_saying_a_name_is_wrong_sends_the_face_back_covered(ws, engine, tmp_path):
    """Tori (A1, Facebook: No) named Sam (B2) with a reason is shown; the approver rejects the
    photo saying that name is wrong: the name is taken off and the face covered, waiting for
    a person to decide again, at once (a new engine reads it back), audited by id."""
    from photovet.core.errors import PhotoVetError
    from photovet.core.review import named_by_hand
    from tests.core.test_pipeline import new_engine

    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    ws.reviewer().face(a, 0, "assign", fb, person="B2", reason="twins")
    engine.decide(a, fb, on=TODAY)
    assert a.faces[0].decision == "show" and named_by_hand(a) == [0]
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    try:
        ws.approvals.reject(a, comment="wrong child", wrong_names=[1])     # face 2: not named
    except PhotoVetError as exc:
        assert "face 2 of this photo was not named by hand" in str(exc)
    else:
        raise AssertionError("a face not named by hand was sent back")
    assert ws.approvals.get(a.sha256, "facebook").status == "ready"    # nothing was done
    ws.approvals.reject(a, comment="the wrong child is named", wrong_names=[0])
    assert ws.approvals.get(a.sha256, "facebook").status == "rejected"
    again = new_engine(ws)
    b = again.decide(again.analyse(photo), fb, on=TODAY)
    f = b.faces[0]
    assert f.override_person is None and f.decision == "cover" and f.needs_review
    assert f.reason == policy.REASON_NAMING_RETURNED
    row = [r for r in ws.audit.rows() if r["action"] == "review.naming-returned"][-1]
    assert row["details"]["faces"] == [1] and row["details"]["named"] == ["B2"]
    assert row["details"]["recognised"] == ["A1"] and row["user"] == "Mr Head"
    # the preparer decides again: covering it settles it; naming it again is asked as before
    act_as(ws, "Mrs Office")
    ws.reviewer().face(b, 0, "cover", fb)
    again.decide(b, fb, on=TODAY)
    assert b.faces[0].decision == "cover" and not b.faces[0].needs_review


def test_the_reject_command_says_which_face_is_named_wrong(tmp_path, monkeypatch):
    """``photovet approve --reject --name-wrong FACE``: one photo; the face's name is taken off
    and the face covered, and the command says so."""
    from click.testing import CliRunner

    from photovet.cli import cli
    from photovet.core.accounts import Access
    from photovet.core.pipeline import Engine
    from tests.cli.conftest import commands_as, create_staff, password_of
    from tests.conftest import register_workspace
    from tests.core.test_pipeline import ENC_SAM, ENC_TORI, REGISTER, FakeFaceEngine

    w = register_workspace(tmp_path, REGISTER)
    w.register.store_signatures({"A1": [(ENC_TORI, "a1.jpg")], "B2": [(ENC_SAM, "b2.jpg")]},
                                replace=True, source="test")
    w.settings.approval.required = True
    create_staff(w)
    w.access = Access()
    w.sign_in("Mrs Office", password_of("Mrs Office"))
    fb = w.channels.get("facebook")
    eng = Engine(w.settings, register=w.register, face_engine=FakeFaceEngine(), cache=w.cache,
                 reviews=w.reviews)
    photo = make_photo(tmp_path / "trip.jpg")
    a = eng.decide(eng.analyse(photo), fb)
    w.reviewer().face(a, 0, "assign", fb, person="B2", reason="twins")
    eng.decide(a, fb)
    w.approvals.mark_ready(a)
    sha = a.sha256
    w.close()
    commands_as(monkeypatch, "Mr Head", tmp_path / "home",
                lambda w, text=True: Engine(w.settings, register=w.register,
                                            face_engine=FakeFaceEngine(), cache=w.cache,
                                            reviews=w.reviews))
    runner = CliRunner()
    # scan numbers the faces as --name-wrong counts them, in its lines and its JSON (s36)
    res = runner.invoke(cli, ["scan", str(photo), "--channel", "facebook"])
    assert res.exit_code == 0, res.output
    lines = [x for x in res.output.splitlines() if x.startswith("  face ")]
    assert [x[:9] for x in lines] == [f"  face {n}:" for n in range(1, len(lines) + 1)], lines
    assert " Sam: SHOW" in lines[0], lines
    res = runner.invoke(cli, ["scan", str(photo), "--channel", "facebook", "--json"])
    import json
    [row] = [json.loads(x) for x in res.output.splitlines() if x.startswith("{")]
    assert [f["number"] for f in row["faces"]] == list(range(1, len(lines) + 1))
    assert "--name-wrong" in runner.invoke(cli, ["scan", "--help"]).output
    args = ["approve", str(photo), "--channel", "facebook", "--reject"]
    res = runner.invoke(cli, args[:-1] + ["--name-wrong", "1"])
    assert res.exit_code == 2 and "with --reject" in res.output
    res = runner.invoke(cli, args + ["--name-wrong", "1", "--comment", "wrong child"])
    assert res.exit_code == 0, res.output + res.stderr
    assert "rejected for Facebook" in res.output
    assert "The face is covered and its name was taken off" in res.output
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access

    w = Workspace.open(tmp_path / "home", access=office_access("Mr Head"))
    try:
        assert w.approvals.get(sha, "facebook").status == "rejected"
        assert [d.action for d in w.reviews.load(sha, "*").faces] == ["cover"]
    finally:
        w.close()


def test_the_approver_is_told_what_photovet_decided_about_faces_named_by_hand():
    """s36: the approval panel said "PhotoVet did not decide who this face is" of a face
    PhotoVet recognised as someone else: it says what PhotoVet decided (the core's words)."""
    h = policy.hand_named_heading
    assert h([policy.HAND_NAMED]) == "PhotoVet did not recognise this face; a person named it"
    assert h([policy.HAND_RELABELLED]) == ("PhotoVet took this face for someone else; a "
                                           "person named it")
    assert "took this face for someone who may not be shown here" in \
        h([policy.HAND_OVER_REFUSAL])
    assert "was not sure of this face (it could be someone who may not be shown here)" in \
        h([policy.HAND_LOOKALIKE])
    assert h([policy.HAND_NAMED, policy.HAND_RELABELLED, policy.HAND_RELABELLED]) == (
        "PhotoVet took 2 of these faces for someone else and did not recognise 1; a person "
        "named each")
    assert h([policy.HAND_NAMED] * 2) == ("PhotoVet did not recognise these 2 faces; a person "
                                          "named each")
    assert h([]) == ""
