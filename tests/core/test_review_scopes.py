"""The read-only core helpers the app asks before a change (s32), tested in the core:
``Reviewer.face_scopes`` / ``text_scopes`` (the parts of a photo's review a decision would
alter: exactly what the real decision then alters, nothing stored), ``Approvals.
voided_by_review`` (the approvals such a change withdraws, and after it they really no longer
count), ``Records.exports_of`` (the exports and posts of some originals), ``Register.
brought_back`` (when "They are back" was last chosen) and ``Approvals.at_paths`` (approvals
found by the files' paths)."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from afterpost_util import FakeRegister, make_export, person

from photovet.core.approval import APPROVED, READY
from photovet.core.models import TextItem
from photovet.core.review import ALL
from photovet.core.storage import open_db
from tests.conftest import act_as, office_records
from tests.core.test_pipeline import make_photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
# an ordinary line of text, away from the faces (make_photo's picture is 360 x 240)
SIGN = [(120.0, 190.0), (240.0, 190.0), (240.0, 215.0), (120.0, 215.0)]


def _decided(engine, photo, channel, *, text=True):
    """``photo`` checked and decided for ``channel`` (with a sign's text on it when ``text``:
    the fake engine reads none)."""
    a = engine.analyse(photo)
    if text and not a.texts:
        a.texts.append(TextItem(polygon=list(SIGN), text="WELCOME TO THE FARM", score=0.95))
    return engine.decide(a, channel, on=TODAY)


def _state(ws, sha):
    """Everything a dry run must leave as it was: the stored review (every part, with its
    version) and the audit log."""
    reviews = sorted((r[0], r[1], int(r[2]), r[3]) for r in ws.db.all(
        "SELECT sha256, channel, version, doc FROM reviews WHERE sha256 = ?", [sha]))
    return reviews, len(ws.audit.rows())


def _contents(ws, sha, channel):
    return {p.channel: json.dumps(p.content(), sort_keys=True)
            for p in ws.reviews.parts(sha, channel)}


def _altered(before, after):
    return [scope for scope in before if before[scope] != after[scope]]


def _approve(ws, engine, a):
    """``a`` (decided for its channel) marked ready by Mrs Office and approved by Mr Head."""
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a, batch="Trip")
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    act_as(ws, "Mrs Office")
    assert ws.approvals.status(a.sha256, a.channel) == APPROVED


def _counts(ws, engine, photo, channel):
    """The core's own check: may the photo be exported for ``channel`` as it is now?"""
    a = _decided(engine, photo, channel)
    return ws.approvals.check(a, engine.approval_parts(a)).ok


# what was decided before (face or text index, action, channel, reason/person), then the
# decision asked about, and the parts it alters
FACE_CASES = {
    # the stranger (face 2), covered by the rules: a hand cover is every channel's
    "cover": ([], (1, "cover", "website", {}), [ALL]),
    # shown on Facebook only, with a reason: that channel's part
    "show": ([], (1, "show", "facebook", {"reason": "adult visitor who agreed"}), ["facebook"]),
    "assign": ([], (1, "assign", "website", {"person": "B2"}), [ALL]),
    "not-a-face": ([], (1, "not-a-face", "website", {"reason": "a poster of a face"}), [ALL]),
    # Tori is shown on the website by the rules: "show" stores nothing
    "show-as-the-rules": ([], (0, "show", "website", {}), []),
    # ... but after a hand cover it forgets the cover (every channel's part)
    "show-after-cover": ([(0, "cover", "website", {})], (0, "show", "website", {}), [ALL]),
    # a show on Facebook after a hand cover: the cover goes (every channel's), the show is
    # Facebook's
    "show-after-cover-elsewhere": ([(1, "cover", "website", {})],
                                   (1, "show", "facebook", {"reason": "adult visitor"}),
                                   [ALL, "facebook"]),
    # who it is, after it was shown on Facebook: the show goes too
    "assign-after-show": ([(1, "show", "facebook", {"reason": "adult visitor"})],
                          (1, "assign", "facebook", {"person": "B2"}), [ALL, "facebook"]),
}


@pytest.mark.parametrize("case", list(FACE_CASES))
def test_face_scopes_are_exactly_what_the_decision_then_alters(ws, engine, tmp_path, case):
    before_steps, (index, action, ch_id, kw), expected = FACE_CASES[case]
    photo = make_photo(tmp_path / "trip.jpg")
    reviewer = ws.reviewer()
    for i, act, cid, k in before_steps:
        ch = ws.channels.get(cid)
        reviewer.face(_decided(engine, photo, ch), i, act, ch, mode="consent", **k)
    ch = ws.channels.get(ch_id)
    a = _decided(engine, photo, ch)
    stored = _state(ws, a.sha256)

    scopes = reviewer.face_scopes(a, index, action, ch, person=kw.get("person"), mode=a.mode)
    assert _state(ws, a.sha256) == stored            # a dry run: nothing stored, nothing audited
    assert scopes == expected

    before = _contents(ws, a.sha256, ch.id)
    reviewer.face(a, index, action, ch, mode=a.mode, **kw)
    assert _altered(before, _contents(ws, a.sha256, ch.id)) == scopes


TEXT_CASES = {
    "cover": ([], ("cover", "website"), [ALL]),
    "keep-after-cover": ([("cover", "website")], ("keep", "facebook"), [ALL, "facebook"]),
    "cover-after-keep": ([("keep", "facebook")], ("cover", "facebook"), [ALL, "facebook"]),
    "keep-elsewhere": ([("keep", "facebook")], ("keep", "website"), ["website"]),
}


@pytest.mark.parametrize("case", list(TEXT_CASES))
def test_text_scopes_are_exactly_what_the_decision_then_alters(ws, engine, tmp_path, case):
    before_steps, (action, ch_id), expected = TEXT_CASES[case]
    photo = make_photo(tmp_path / "trip.jpg")
    reviewer = ws.reviewer()
    for act, cid in before_steps:
        ch = ws.channels.get(cid)
        reviewer.text(_decided(engine, photo, ch), 0, act, ch, reason="the farm's sign")
    ch = ws.channels.get(ch_id)
    a = _decided(engine, photo, ch)
    stored = _state(ws, a.sha256)

    scopes = reviewer.text_scopes(a, 0, action, ch)
    assert _state(ws, a.sha256) == stored
    assert scopes == expected

    before = _contents(ws, a.sha256, ch.id)
    reviewer.text(a, 0, action, ch, reason="the farm's sign")
    assert _altered(before, _contents(ws, a.sha256, ch.id)) == scopes


def test_scopes_of_no_such_face_text_or_decision_are_none(ws, engine, tmp_path):
    """Nothing the real call would do (it refuses these) is said to alter anything, and
    asking neither raises nor stores."""
    web = ws.channels.get("website")
    a = _decided(engine, make_photo(tmp_path / "trip.jpg"), web)
    stored = _state(ws, a.sha256)
    reviewer = ws.reviewer()
    assert (len(a.faces), len(a.texts)) == (2, 1)
    for index in (2, 5, -1):
        assert reviewer.face_scopes(a, index, "cover", web) == []
        assert reviewer.text_scopes(a, index, "cover", web) == []
    assert reviewer.face_scopes(a, 1, "blur", web) == []
    assert reviewer.face_scopes(a, 1, "keep", web) == []        # a text's decision
    assert reviewer.text_scopes(a, 0, "show", web) == []        # a face's decision
    assert reviewer.text_scopes(a, 0, "undo", web) == []
    assert _state(ws, a.sha256) == stored


# decisions the real call refuses whatever the reason: (face index, action, channel, kwargs)
REFUSED_FACE_CASES = {
    # Tori's family said No to Facebook
    "show-said-no": (0, "show", "facebook", {}),
    # no one with that id in the register
    "assign-unknown-id": (1, "assign", "website", {"person": "Z9"}),
}


@pytest.mark.parametrize("case", list(REFUSED_FACE_CASES))
def test_face_scopes_of_a_decision_the_policy_refuses_are_none(ws, engine, tmp_path, case):
    """s33: the dry run answered what a refused decision would alter (and the app warned
    about approvals it would withdraw); it answers nothing, as the real call changes
    nothing."""
    from photovet.core.review import ReviewRefused

    index, action, ch_id, kw = REFUSED_FACE_CASES[case]
    ch = ws.channels.get(ch_id)
    a = _decided(engine, make_photo(tmp_path / "trip.jpg"), ch)
    reviewer = ws.reviewer()
    stored = _state(ws, a.sha256)
    assert reviewer.face_ask(a, index, action, ch, **kw).refused
    assert reviewer.face_scopes(a, index, action, ch, **kw) == []
    with pytest.raises(ReviewRefused):
        reviewer.face(a, index, action, ch, reason="they asked", **kw)
    assert _state(ws, a.sha256) == stored


def test_face_scopes_of_a_decision_that_needs_a_reason_are_what_it_alters_with_one(
        ws, engine, tmp_path):
    """Asked before the reason is typed: a decision a reason makes allowed is answered as it
    will be made (the unknown face shown on Facebook alters Facebook's part)."""
    fb = ws.channels.get("facebook")
    a = _decided(engine, make_photo(tmp_path / "trip.jpg"), fb)
    reviewer = ws.reviewer()
    assert reviewer.face_scopes(a, 1, "show", fb) == ["facebook"]
    before = _contents(ws, a.sha256, fb.id)
    reviewer.face(a, 1, "show", fb, reason="adult visitor who agreed")
    assert _altered(before, _contents(ws, a.sha256, fb.id)) == ["facebook"]


def test_text_scopes_of_a_name_that_may_never_be_left_readable_are_none(ws, engine, tmp_path):
    from photovet.core.review import ReviewRefused

    web = ws.channels.get("website")
    a = _decided(engine, make_photo(tmp_path / "trip.jpg"), web, text=False)
    a.texts.append(TextItem(polygon=list(SIGN), text="Rory", score=0.95, person="C3",
                            kind="pupil-name"))
    a = engine.decide(a, web, on=TODAY)
    reviewer = ws.reviewer()
    index = len(a.texts) - 1
    assert a.texts[index].decision == "cover"
    assert reviewer.text_scopes(a, index, "keep", web) == []       # do not photograph
    with pytest.raises(ReviewRefused, match="do-not-photograph"):
        reviewer.text(a, index, "keep", web, reason="on the sign")
    assert reviewer.text_scopes(a, index, "cover", web) == [ALL]   # a cover always may be


def test_face_is_judged_with_the_analysis_mode_when_none_is_given(ws, engine, tmp_path):
    """s33: ``face`` judged with "consent" when the caller gave no mode, while ``face_ask``
    and ``face_scopes`` took the analysis's: a photo decided with no identifiable children
    let Tori be shown by a caller that gave none. All three take the analysis's now."""
    from photovet.core.policy import NO_CHILDREN
    from photovet.core.review import ReviewRefused

    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(make_photo(tmp_path / "trip.jpg")), web, mode=NO_CHILDREN,
                      on=TODAY)
    assert a.mode == NO_CHILDREN and a.faces[0].decision == "cover"
    reviewer = ws.reviewer()
    stored = _state(ws, a.sha256)
    assert reviewer.face_ask(a, 0, "show", web).refused
    assert reviewer.face_scopes(a, 0, "show", web) == []
    with pytest.raises(ReviewRefused):
        reviewer.face(a, 0, "show", web, reason="her parents agreed")
    assert _state(ws, a.sha256) == stored
    # with the mode given, as before
    with pytest.raises(ReviewRefused):
        reviewer.face(a, 0, "show", web, reason="her parents agreed", mode=NO_CHILDREN)


def test_voided_by_review_names_the_approvals_a_change_withdraws(ws, engine, tmp_path):
    """'*' (every channel's part) voids every channel's approval, a channel id only that
    channel's, and only approvals that were given (not one waiting); once the change is made,
    those no longer count at export and the others still do."""
    photo = make_photo(tmp_path / "trip.jpg")
    web, fb = ws.channels.get("website"), ws.channels.get("facebook")
    a_web = _decided(engine, photo, web)
    _approve(ws, engine, a_web)
    a_fb = _decided(engine, photo, fb)
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a_fb, batch="Trip")                # waiting, not approved
    a_x = _decided(engine, photo, ws.channels.get("x"))
    ws.approvals.mark_ready(a_x, batch="Trip")
    act_as(ws, "Mr Head")
    ws.approvals.reject(a_x, comment="not this one")          # rejected
    act_as(ws, "Mrs Office")
    assert ws.approvals.status(a_x.sha256, "x") != APPROVED
    sha = a_web.sha256
    voided = ws.approvals.voided_by_review
    assert [st.channel for st in voided(sha, [ALL])] == ["website"]
    assert voided(sha, ["facebook"]) == []
    assert voided(sha, []) == []

    _approve(ws, engine, _decided(engine, photo, fb))
    assert [st.channel for st in voided(sha, [ALL])] == ["facebook", "website"]
    assert [st.channel for st in voided(sha, [ALL, "facebook"])] == ["facebook", "website"]
    assert [st.channel for st in voided(sha, ["facebook"])] == ["facebook"]
    assert [st.channel for st in voided(sha, ["website"])] == ["website"]
    assert voided(sha, ["instagram"]) == [] and voided(sha, ["x"]) == []
    assert voided("0" * 64, [ALL]) == []                       # another photo's: none
    assert all(st.status == APPROVED and st.sha256 == sha for st in voided(sha, [ALL]))
    assert _counts(ws, engine, photo, web) and _counts(ws, engine, photo, fb)

    # a change to Facebook's part only: Facebook's approval no longer counts, the website's does
    reviewer = ws.reviewer()
    a = _decided(engine, photo, fb)
    scopes = reviewer.face_scopes(a, 1, "show", fb, mode=a.mode)
    assert [st.channel for st in voided(sha, scopes)] == ["facebook"]
    reviewer.face(a, 1, "show", fb, reason="adult visitor who agreed", mode=a.mode)
    assert not _counts(ws, engine, photo, fb)
    assert _counts(ws, engine, photo, web)

    # a change to every channel's part: the website's approval goes too
    a = _decided(engine, photo, web)
    scopes = reviewer.face_scopes(a, 0, "cover", web, mode=a.mode)
    assert scopes == [ALL]
    assert [st.channel for st in voided(sha, scopes)] == ["facebook", "website"]
    reviewer.face(a, 0, "cover", web, mode=a.mode)
    assert not _counts(ws, engine, photo, web)


@pytest.fixture
def records():
    db = open_db()
    rec = office_records(db, "jo")
    rec.register = FakeRegister([person(pid) for pid in ("A1", "B2")])
    yield rec
    db.close()


def test_exports_of_none_one_and_several(records, tmp_path):
    one = make_export(tmp_path, 1, shown=["A1"], name="one")
    again = make_export(tmp_path, 1, shown=["A1"], name="one-again")   # the same original
    other = make_export(tmp_path, 2, shown=["B2"], name="other")
    never = make_export(tmp_path, 3, shown=["B2"], name="never")       # never exported
    assert one.source_sha256 == again.source_sha256 != other.source_sha256
    assert records.exports_of([one.source_sha256]) == []
    assert records.exports_of([]) == [] and records.exports_of([""]) == []

    first = records.add_export(one, batch="trip", channel="website")
    assert [r.id for r in records.exports_of([one.source_sha256])] == [first]
    assert records.exports_of([one.source_sha256])[0].posts == []
    second = records.add_export(again, batch="trip", channel="facebook")
    third = records.add_export(other, batch="trip", channel="website")

    got = records.exports_of([one.source_sha256])
    assert [r.id for r in got] == [first, second]                      # oldest first
    assert {r.source_sha256 for r in got} == {one.source_sha256}
    assert [r.id for r in records.exports_of([one.source_sha256], "facebook")] == [second]
    assert [r.id for r in records.exports_of([one.source_sha256], "website")] == [first]
    assert records.exports_of([one.source_sha256], "instagram") == []
    both = [other.source_sha256, one.source_sha256, one.source_sha256, never.source_sha256]
    assert [r.id for r in records.exports_of(both)] == [first, second, third]
    assert [r.id for r in records.exports_of(iter(both), "website")] == [first, third]
    assert records.exports_of([never.source_sha256]) == []

    # with their posts: none, one, several
    records.mark_posted(files=[one.output], channel="website", date=dt.date(2026, 11, 2))
    records.mark_posted(files=[one.output], channel="website", date=dt.date(2026, 11, 9),
                        url="https://school.example/news/2")
    records.mark_posted(files=[again.output], channel="facebook", date=dt.date(2026, 11, 3))
    posts = {r.id: [(p.channel, p.posted_on) for p in r.posts]
             for r in records.exports_of(both)}
    assert posts == {first: [("website", "2026-11-02"), ("website", "2026-11-09")],
                     second: [("facebook", "2026-11-03")], third: []}


def test_brought_back_is_when_they_are_back_was_last_chosen(ws):
    reg = ws.register
    assert reg.brought_back("A1") is None                  # never gone
    assert reg.brought_back("Z9") is None                  # nobody
    reg.set_leaving_date("A1", dt.date(2026, 7, 20))
    assert reg.brought_back("A1") is None                  # gone, not back
    assert reg.they_are_back("A1") == dt.date(2026, 7, 20)
    back = reg.brought_back("A1")
    [row] = ws.audit.rows(action="register.back")
    assert back == row["time"] and back is not None
    assert dt.datetime.fromisoformat(back)                 # a time that can be read
    assert reg.brought_back("B2") is None                  # someone else was not

    # gone again after being back: when they were last brought back, still
    reg.set_leaving_date("A1", dt.date(2026, 12, 18))
    assert reg.brought_back("A1") == back
    # "They are back" with no leaving date changes nothing and records nothing
    assert reg.they_are_back("B2") is None
    assert reg.brought_back("B2") is None
    # back again: the later time
    assert reg.they_are_back("A1") == dt.date(2026, 12, 18)
    rows = ws.audit.rows(action="register.back")
    assert len(rows) == 2
    assert reg.brought_back("A1") == max(r["time"] for r in rows)
    assert reg.all_brought_back() == {"A1": reg.brought_back("A1")}


def test_at_paths_finds_each_path_marked_ready_once(ws, engine, tmp_path, monkeypatch):
    """Two files marked ready for the website are both found, by their full path however the
    path is spelt and however often it is asked; a path never marked is absent; a path marked
    ready twice (its file replaced) is left out, and the other path is still found; an approval
    that is given is found as it is."""
    web = ws.channels.get("website")
    first = make_photo(tmp_path / "first.jpg")
    second = make_photo(tmp_path / "second.jpg", colour=(90, 120, 200))
    never = make_photo(tmp_path / "never.jpg", colour=(10, 200, 90))
    a = _decided(engine, first, web, text=False)
    b = _decided(engine, second, web, text=False)
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a, batch="Trip")
    ws.approvals.mark_ready(b, batch="Trip")
    full = {p: os.path.abspath(p) for p in (first, second, never)}

    found = ws.approvals.at_paths([first, never, second], "website")
    assert sorted(found) == sorted([full[first], full[second]])
    assert (found[full[first]].sha256, found[full[second]].sha256) == (a.sha256, b.sha256)
    assert {st.status for st in found.values()} == {READY}
    assert ws.approvals.at_paths([never], "website") == {}
    assert ws.approvals.at_paths([], "website") == {}
    # the same path spelt another way, and asked twice: one entry, by its full path
    monkeypatch.chdir(tmp_path)
    found = ws.approvals.at_paths(["first.jpg", str(first), "./first.jpg"], "website")
    assert list(found) == [full[first]] and found[full[first]].sha256 == a.sha256
    assert list(ws.approvals.at_paths(["second.jpg"], "website")) == [full[second]]

    _approve(ws, engine, a)
    assert ws.approvals.at_paths([first], "website")[full[first]].status == APPROVED

    # the second file replaced and marked ready again: that path is left out, the first is not
    make_photo(second, colour=(200, 30, 30))
    c = _decided(engine, second, web, text=False)
    assert c.sha256 != b.sha256
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(c, batch="Trip")
    found = ws.approvals.at_paths([first, second, never], "website")
    assert list(found) == [full[first]]


def test_both_parts_of_a_review_are_read_in_one_query(ws, monkeypatch):
    """s36: the photo list's refresh read each photo's review twice (every channel, then the
    channel), a round trip each on a school's server: one query, the same two parts."""
    sha = "b" * 64
    doc = {"faces": [{"box": [1, 2, 30, 40], "action": "cover", "by": "Mrs Office"}],
           "texts": [], "covers": [], "flags": []}
    with ws.db.atomic():
        for scope, version in ((ALL, 3), ("website", 2), ("facebook", 5)):
            ws.db.execute("INSERT INTO reviews (sha256, channel, version, doc, actor, updated_at)"
                          " VALUES (?, ?, ?, ?, ?, ?)", [sha, scope, version,
                                                         json.dumps(doc), "Mrs Office",
                                                         "2026-11-21T10:00:00+00:00"])
    one = [ws.reviews.load(sha, ALL), ws.reviews.load(sha, "website")]
    asked: list[str] = []
    for name in ("one", "all"):
        real = getattr(ws.db, name)
        monkeypatch.setattr(ws.db, name, lambda sql, args=(), real=real: asked.append(sql)
                            or real(sql, args))
    parts = ws.reviews.parts(sha, "website")
    assert len(asked) == 1
    assert [(p.channel, p.version, p.content()) for p in parts] == \
        [(p.channel, p.version, p.content()) for p in one]
    assert [p.version for p in parts] == [3, 2]
    # a photo with no review: two empty parts, still one query
    asked.clear()
    empty = ws.reviews.parts("c" * 64, "website")
    assert len(asked) == 1 and [(p.channel, p.version, p.empty) for p in empty] == \
        [(ALL, 0, True), ("website", 0, True)]
