"""Saving the school's settings says first what it changes and which approvals it voids
(Workspace.settings_change: the app asks before saving when any would be); another PC's change
is read again with the same account of it (Workspace.reload_settings_change). The count is
checked against what Approvals.check says afterwards."""

from __future__ import annotations

import pytest

from photovet.core.approval import explain_difference
from photovet.core.models import Face, PhotoAnalysis, TextItem
from photovet.core.workspace import Workspace

CSV = ("UPN,Legal Surname,Legal Forename,Role,Consent: School Website,Consent: Facebook\n"
       "B123456789012,Clarke,Amy,pupil,yes,yes\n")
PW = {"Mrs Prep": "staple battery office horse", "Mr Head": "staple battery head horse"}


def office(tmp_path, monkeypatch, register: str = CSV) -> Workspace:
    """A data folder with the office (Mrs Prep, admin and preparer, signed in) and a senior
    leader (Mr Head, approver), and ``register`` imported."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    w = Workspace.open(tmp_path / "home")
    w.create_first_admin("Mrs Prep", PW["Mrs Prep"])
    code = w.accounts.add("Mr Head", ["approver"])
    w.first_sign_in("Mr Head", code, PW["Mr Head"])
    w.sign_in("Mrs Prep", PW["Mrs Prep"])
    csv = tmp_path / "r.csv"
    csv.write_text(register, encoding="utf-8")
    assert w.import_register(csv).applied
    return w


@pytest.fixture
def ws_office(tmp_path, monkeypatch):
    w = office(tmp_path, monkeypatch)
    yield w
    w.close()


def _approved(ws, n: int, channel: str = "website") -> list[PhotoAnalysis]:
    """``n`` photos of Amy, checked with the key a check gives now (the models' engine),
    marked ready and approved."""
    engine = ws.engine()
    out = []
    for i in range(n):
        a = PhotoAnalysis(path=f"/trip/{i}.jpg", sha256=f"{i:02d}" * 32, width=100, height=100,
                          faces_checked=True, analysis_key=engine.cache_key(as_checked=True),
                          faces=[Face(box=(10, 10, 40, 40), score=0.99, person="B123456789012",
                                      match_status="recognised")])
        engine.decide(a, channel)
        ws.approvals.mark_ready(a)
        out.append(a)
    ws.sign_in("Mr Head", PW["Mr Head"])
    for a in out:
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda a=a: engine.approval_now(a))
    ws.sign_in("Mrs Prep", PW["Mrs Prep"])
    return out


def _still_valid(ws, analyses, *, key_changed: bool = False) -> int:
    engine = ws.engine()
    n = 0
    for a in analyses:
        if key_changed:
            a.analysis_key = engine.cache_key(as_checked=True)   # what checking it again gives
        engine.decide(a, a.channel)
        n += ws.approvals.check(a, engine.approval_parts(a)).ok
    return n


def _approved_with_text(ws, n: int, *, start: int = 50, cache: bool = True) -> list[PhotoAnalysis]:
    """``n`` photos of Amy with a line of ordinary text (a shop sign: left readable) and, with
    ``cache``, their analysis in this PC's cache as a check stores it, approved; ``start``
    numbers their files."""
    engine = ws.engine()
    out = []
    for i in range(start, start + n):
        a = PhotoAnalysis(path=f"/trip/{i}.jpg", sha256=f"{i:02d}" * 32, width=100, height=100,
                          faces_checked=True, analysis_key=engine.cache_key(as_checked=True),
                          faces=[Face(box=(10, 10, 40, 40), score=0.99, person="B123456789012",
                                      match_status="recognised")],
                          texts=[TextItem(polygon=[(50, 60), (90, 60), (90, 70), (50, 70)],
                                          text="Wexbridge Bakery", score=0.9)])
        if cache:
            ws.cache.put(a.sha256, a.analysis_key, {"analysis": a.detected().to_dict()})
        engine.decide(a, "website")
        ws.approvals.mark_ready(a)
        out.append(a)
    ws.sign_in("Mr Head", PW["Mr Head"])
    for a in out:
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda a=a: engine.approval_now(a))
    ws.sign_in("Mrs Prep", PW["Mrs Prep"])
    return out


def _cache_plain(ws, photos) -> None:
    """Put ``photos`` (no text) in this PC's cache as a check stores them."""
    for a in photos:
        ws.cache.put(a.sha256, a.analysis_key, {"analysis": a.detected().to_dict()})


@pytest.mark.parametrize("named_before", [False, True])
def test_the_schools_name_voids_the_approvals_of_photos_with_text_only(ws_office, named_before):
    """A new name for the school voids the approvals of photos that show a text line (it may
    now match the school's name, or stop matching it, and be covered or left readable): they
    are approved again. A photo with no text keeps its approval, checked again or not: the
    office does not approve everything again. The settings screen is told how many first.
    ``named_before``: the school had a name already (its approvals say which had text), or
    sets one for the first time (its photos' analyses in this PC's cache say)."""
    if named_before:
        first = ws_office.settings.copy()
        first.update({"school": {"names": ["Oakfield Primary School"]}})
        ws_office.save_settings(first)
    plain = _approved(ws_office, 3)
    if not named_before:
        _cache_plain(ws_office, plain)
    text = _approved_with_text(ws_office, 2, cache=not named_before)
    new = ws_office.settings.copy()
    new.update({"school": {"names": ["St Mary's C of E Primary"], "abbreviations": ["SMP"]}})
    change = ws_office.settings_change(new)
    assert change.sections == ["school"] and change.recheck
    assert change.what() == "the school's name and details"
    assert sorted(v.sha256 for v in change.voids) == sorted(a.sha256 for a in text)
    assert change.school_text == 2 and change.unsure == 0
    assert change.question() == (
        "The school's name and details will change. 2 approved photos show text that may be the "
        "school's name: they will need approving again. Approved photos with no text keep "
        "their approval.")
    assert _still_valid(ws_office, plain + text) == 5          # nothing is voided before saving
    ws_office.save_settings(new)
    # checked again with the new name: what export judges by
    assert _still_valid(ws_office, plain, key_changed=True) == 3
    assert _still_valid(ws_office, text, key_changed=True) == 0
    engine = ws_office.engine()
    why = ws_office.approvals.check(text[0], engine.approval_parts(text[0])).why
    assert why.startswith("the approval no longer counts: the photo was checked again")
    # "approved again" is all it takes: the approver approves what is published now
    ws_office.sign_in("Mr Head", PW["Mr Head"])
    for a in text:
        ws_office.approvals.approve(a, engine.approval_parts(a),
                                    checks=ws_office.approvals.required_checks(),
                                    now=lambda a=a: engine.approval_now(a))
    assert _still_valid(ws_office, plain + text) == 5


def test_a_photo_that_shows_the_schools_name_only_under_the_new_name_is_approved_again(ws_office):
    """Fail closed: a photo approved with no text, in which checking again with the new name
    finds a line of it (the zoomed second look), is a photo with text now: its approval no
    longer counts (it signs the school's words now, and what it publishes changed too)."""
    (a,) = _approved(ws_office, 1)
    new = ws_office.settings.copy()
    new.update({"school": {"names": ["St Mary's C of E Primary"]}})
    ws_office.save_settings(new)
    engine = ws_office.engine()
    a.analysis_key = engine.cache_key(as_checked=True)
    a.texts = [TextItem(polygon=[(50, 60), (90, 60), (90, 70), (50, 70)],
                        text="St Mary's C of E Primary", score=0.9, school="name")]
    engine.decide(a, "website")
    assert not ws_office.approvals.check(a, engine.approval_parts(a)).ok


def test_an_approval_that_cannot_be_told_is_counted_in_case(ws_office):
    """Setting the school's name for the first time, with an approved photo whose check is not
    in this PC's cache (another PC checked it): whether it shows text is not known here, so
    it is counted, and the person is told why."""
    _approved(ws_office, 1)
    new = ws_office.settings.copy()
    new.update({"school": {"names": ["St Mary's C of E Primary"]}})
    change = ws_office.settings_change(new)
    assert len(change.voids) == 1 and change.unsure == 1
    assert change.voids_sentence() == (
        "1 approved photo shows text that may be the school's name: it will need approving "
        "again. Approved photos with no text keep their approval. (PhotoVet could not look "
        "for text in it on this computer, because it was checked on another computer or too "
        "long ago: it is counted in case.)")


def test_a_change_that_voids_nothing_asks_nothing(ws_office):
    _approved(ws_office, 2)
    new = ws_office.settings.copy()
    new.update({"retention": {"cache_days": 10}})
    change = ws_office.settings_change(new)
    assert change.sections == ["retention"] and not change.recheck
    assert change.voids == [] and change.question() == ""
    same = ws_office.settings_change(ws_office.settings.copy())
    assert not same.changed and same.voids == []


def test_the_mode_voids_approvals_on_channels_without_a_fixed_mode_only(ws_office):
    web = _approved(ws_office, 2, "website")
    ws_office.channels.update("facebook", fixed_mode="no-identifiable-children")
    fb = [PhotoAnalysis(path="/trip/fb.jpg", sha256="fb" * 32, width=100, height=100,
                        faces_checked=True, analysis_key=ws_office.engine().cache_key(as_checked=True))]
    engine = ws_office.engine()
    engine.decide(fb[0], "facebook")
    ws_office.approvals.mark_ready(fb[0])
    ws_office.sign_in("Mr Head", PW["Mr Head"])
    ws_office.approvals.approve(fb[0], engine.approval_parts(fb[0]), checks=ws_office.approvals.required_checks(),
                         now=lambda: engine.approval_now(fb[0]))
    ws_office.sign_in("Mrs Prep", PW["Mrs Prep"])
    new = ws_office.settings.copy()
    new.mode = "no-identifiable-children"
    change = ws_office.settings_change(new)
    assert change.what() == "the school's mode (now \u201cno identifiable children\u201d)"
    assert sorted(s.channel for s in change.voids) == ["website", "website"]
    ws_office.save_settings(new)
    assert _still_valid(ws_office, web) == 0 and _still_valid(ws_office, fb) == 1


def test_cover_style_and_a_new_check_are_counted_as_they_void(ws_office):
    photos = _approved(ws_office, 2)
    new = ws_office.settings.copy()
    new.update({"cover": {"style": "pixelate"}})
    assert len(ws_office.settings_change(new).voids) == 2
    new = ws_office.settings.copy()
    new.update({"checklist": {"checks": [*ws_office.settings.checklist.checks, "No car number plates"]}})
    change = ws_office.settings_change(new)
    assert len(change.voids) == 2 and change.what() == "the approver's checklist"
    fewer = ws_office.settings.copy()
    fewer.update({"checklist": {"checks": ws_office.settings.checklist.checks[:1]}})
    assert ws_office.settings_change(fewer).voids == []   # a check taken away voids none
    ws_office.save_settings(fewer)
    assert _still_valid(ws_office, photos) == 2


def test_an_approval_void_already_is_not_counted(ws_office):
    photos = _approved(ws_office, 2)
    # the first was approved (before approvals said what the analysis was made with apart
    # from the register) with an analysis made before enrolments changed: void already
    row = ws_office.approvals.get(photos[0].sha256, "website")
    assert row.parts["checked_with"]
    parts = {k: v for k, v in row.parts.items() if k not in ("checked_with", "people_maybe")}
    parts["analysis"] = "an-older-key"
    import json

    ws_office.db.execute("UPDATE approvals SET parts = ? WHERE sha256 = ?", [json.dumps(parts),
                                                                      photos[0].sha256])
    new = ws_office.settings.copy()
    new.mode = "no-identifiable-children"
    one = ws_office.settings_change(new)
    assert len(one.voids) == 1
    # an engine given (the app's) decides what "now" is: one that checks differently counts none
    assert ws_office.settings_change(new, ws_office.engine()).voids == []
    assert one.voids_sentence() == "1 approval (1 photo) no longer counts: it must be approved again."


def test_another_pcs_change_is_read_again_with_what_it_voided(ws_office, tmp_path):
    _approved(ws_office, 2)
    other = Workspace.open(tmp_path / "home")
    try:
        other.sign_in("Mrs Prep", PW["Mrs Prep"])
        new = other.settings.copy()
        new.mode = "no-identifiable-children"
        other.save_settings(new)
    finally:
        other.close()
    assert ws_office.settings.mode == "consent"
    change = ws_office.reload_settings_change()
    assert change.sections == ["mode"] and len(change.voids) == 2 and not change.recheck
    assert ws_office.settings.mode == "no-identifiable-children"
    again = ws_office.reload_settings_change()
    assert not again.changed and again.voids == []
    # a change this workspace saved itself is no news when read again
    mine = ws_office.settings.copy()
    mine.mode = "consent"
    ws_office.save_settings(mine)
    assert not ws_office.reload_settings_change().changed


def test_a_video_is_called_a_video_when_its_approval_no_longer_counts():
    old = {"photo": "x", "channel": "website", "media": "video", "mode": "consent",
           "analysis": "k1", "review": "r", "publication": "p", "sound": "remove"}
    why = explain_difference(old, dict(old, analysis="k2"))
    assert why == ("the video was checked again with different settings or enrolments since "
                   "it was approved")
    assert "photo" not in explain_difference(old, dict(old, photo="y"))
    photo = dict(old, media="photo")
    assert explain_difference(photo, dict(photo, analysis="k2")).startswith("the photo was")


def test_an_approval_given_before_a_register_change_is_counted_as_standing(ws_office):
    """An approval says what its analysis was made with apart from the register: one given
    before the register changed (its analysis key is another now) still counts when its photo,
    checked again, publishes the same, so a settings change counts it."""
    photos = _approved(ws_office, 2)
    row = ws_office.approvals.get(photos[0].sha256, "website")
    import json

    ws_office.db.execute("UPDATE approvals SET parts = ? WHERE sha256 = ?",
                  [json.dumps(dict(row.parts, analysis="made-before-enrolments-changed")),
                   photos[0].sha256])
    new = ws_office.settings.copy()
    new.mode = "no-identifiable-children"
    assert len(ws_office.settings_change(new).voids) == 2


def test_a_crest_picture_may_void_standing_approvals_and_means_checking_again(ws_office):
    """A crest or logo picture changes what photos are checked against (the register side):
    an approval whose photo, checked again, publishes the same still counts; which ones change
    is known only after checking, so the count says 'may'."""
    photos = _approved(ws_office, 2)
    change = ws_office.pictures_change()
    assert change.recheck and change.what() == "the school's crest and logo pictures"
    assert len(change.voids) == 2 and change.may
    assert change.question() == (
        "Changing the school's crest and logo pictures means that 2 approvals (2 photos) may "
        "no longer count: they are checked again, and any that would now cover or show "
        "someone differently must be approved again.")
    import tempfile
    from pathlib import Path

    from tests.core.test_school_identifiers import draw_crest

    with tempfile.TemporaryDirectory() as d:
        crest = Path(d) / "crest.png"
        draw_crest(400).save(crest)
        ws_office.school_pictures.add(crest, kind="crest")
    # checked again (no crest in them): what they publish is the same, so both still count
    assert _still_valid(ws_office, photos, key_changed=True) == 2
    assert photos[0].analysis_key != ws_office.approvals.get(photos[0].sha256, "website").parts[
        "analysis"]


def test_after_checking_again_a_crest_change_says_which_approvals_no_longer_count(ws_office, tmp_path):
    """s29: after a crest change the banner kept saying approvals "may" no longer count even
    once the photos were checked again. Checked again, the core says it exactly: one whose
    photo now covers someone differently no longer counts, one that publishes the same still
    counts, one whose photo was not checked again yet still may not."""
    import copy

    from tests.core.test_school_identifiers import draw_crest

    photos = _approved(ws_office, 3)
    change = ws_office.pictures_change()
    crest = tmp_path / "crest.png"
    draw_crest(400).save(crest)
    ws_office.school_pictures.add(crest, kind="crest")
    engine = ws_office.engine()
    again = []
    for a in photos[:2]:                               # photo 3 is not checked again
        b = copy.deepcopy(a)
        b.analysis_key = engine.cache_key(as_checked=True)
        b.register_key = engine.register_key()
        again.append(b)
    again[0].faces[0].person, again[0].faces[0].match_status = None, "unknown"   # now covered
    after = ws_office.pictures_change_checked(change, again, engine)
    assert not after.may and after.checked_again
    assert [v.sha256 for v in after.voids] == [photos[0].sha256]
    assert [v.sha256 for v in after.not_checked] == [photos[2].sha256]
    assert after.still_count == 1
    assert after.voids_sentence() == (
        "Checked again: 1 approval (1 photo) no longer counts: it would now cover or show "
        "someone differently and must be approved again. 1 approval (1 photo) may no longer "
        "count: its photo is not checked again yet; any that would now cover or show someone "
        "differently must be approved again. 1 approval still counts: it publishes what was "
        "approved.")
    # all checked again and the same: nothing but that they still count
    same = ws_office.pictures_change_checked(change, [_checked_again(a, engine) for a in photos],
                                      engine)
    assert same.voids == [] and same.not_checked == [] and same.still_count == 3
    assert same.voids_sentence() == ("Checked again: 3 approvals still count: they publish "
                                     "what was approved.")


def _checked_again(a, engine):
    import copy

    b = copy.deepcopy(a)
    b.analysis_key = engine.cache_key(as_checked=True)
    b.register_key = engine.register_key()
    return b


def test_a_save_over_another_pcs_change_is_refused_with_who_what_and_when(ws_office, tmp_path):
    """A setting changed on another PC since the editor read the settings, and changed here
    too (to something else): nothing is saved, and who changed what and when is said. A setting
    changed only there is kept, and saving around it works."""
    from photovet.core.errors import SettingsConflict

    def another_pc(change) -> None:
        other = Workspace.open(tmp_path / "home")
        try:
            other.sign_in("Mrs Prep", PW["Mrs Prep"])
            theirs = other.settings.copy()
            change(theirs)
            other.save_settings(theirs)
        finally:
            other.close()

    base = ws_office.settings.copy()                   # an editor opens the settings here
    mine = base.copy()
    mine.update({"cover": {"style": "pixelate"}, "retention": {"cache_days": 12}})

    def theirs(s):
        s.mode = "no-identifiable-children"
        s.retention.cache_days = 45
    another_pc(theirs)
    conflict = ws_office.settings_conflict(base)
    assert conflict is not None and conflict.by == "Mrs Prep"
    assert conflict.sections == ["mode", "retention"]              # changed there at all
    only = ws_office.settings_conflict(base, mine)
    assert only is not None and only.sections == ["retention"]     # changed on both
    with pytest.raises(SettingsConflict) as err:
        ws_office.save_settings(mine, base=base)
    text = err.value.message
    assert text.startswith("Mrs Prep changed ") and "at " in text
    assert "so yours were not saved" in text and "/20" in text      # the time, with its day
    ws_office.reload_settings()
    assert ws_office.settings.mode == "no-identifiable-children"           # their changes stand
    assert ws_office.settings.retention.cache_days == 45
    assert ws_office.settings.cover.style == "solid"                       # and nothing of mine
    # a setting changed only there is no conflict: saved around it, theirs kept
    base = ws_office.settings.copy()
    mine = base.copy()
    mine.update({"cover": {"style": "pixelate"}})
    another_pc(lambda s: s.update({"retention": {"cache_days": 50}}))
    assert ws_office.settings_conflict(base, mine) is None
    ws_office.save_settings(mine, base=base)
    assert ws_office.settings.cover.style == "pixelate" and ws_office.settings.retention.cache_days == 50
    assert ws_office.settings.mode == "no-identifiable-children"


def test_an_approval_signed_with_the_schools_words_before_still_counts_until_they_change(
        ws_office):
    """An approval of a photo with no text given before such photos stopped signing the
    school's words (they signed what the photo was checked with, the school's name included)
    counts as it did: nobody approves again because PhotoVet was updated. A new name then voids
    it (it signed the old one), and is counted so before saving."""
    import json

    from photovet.core.approval import fingerprint

    named = ws_office.settings.copy()
    named.update({"school": {"names": ["Oakfield Primary School"]}})
    ws_office.save_settings(named)
    (a,) = _approved(ws_office, 1)
    row = ws_office.approvals.get(a.sha256, "website")
    assert row.parts["checked_with_named"] != row.parts["checked_with"]
    before = {k: v for k, v in row.parts.items() if k != "checked_with_named"}
    before["checked_with"] = row.parts["checked_with_named"]        # as it was signed before
    ws_office.db.execute("UPDATE approvals SET parts = ?, fingerprint = ? WHERE sha256 = ?",
                         [json.dumps(before), fingerprint(before), a.sha256])
    assert _still_valid(ws_office, [a]) == 1
    new = ws_office.settings.copy()
    new.update({"school": {"names": ["St Mary's C of E Primary"]}})
    change = ws_office.settings_change(new)
    assert len(change.voids) == 1 and change.unsure == 0
    ws_office.save_settings(new)
    assert _still_valid(ws_office, [a], key_changed=True) == 0
