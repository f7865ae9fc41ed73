"""The school scenario end to end (../shared/data/scenario): import the MIS register with
--skip-invalid, enrol the reference photos, check all 41 trip photos on every channel.

Targets: nobody is shown who should be covered (false accepts, unknown people,
do-not-photograph, leavers, rejected rows); at least 95% of the people who may be shown are
recognised and shown (issue 4, met with SFace), 97% (issue 13, not met)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import office_access, shared_data
from tests.core.seen_faces import SeenFaces

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = shared_data("scenario")
    from photovet.core.pipeline import Engine
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.workspace import Workspace

    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    ws = Workspace.open(tmp_path_factory.mktemp("scenario-home"), access=office_access())
    ws.settings.text.enabled = False
    report = ws.import_register(root / "register.csv", skip_invalid=True)
    assert report.applied
    # the photos checked again with stricter thresholds (test_a_near_match...) are matched
    # again from the faces and signatures found the first time (26 of the module's s on CI)
    faces = SeenFaces(FaceEngine.load(ws.settings))
    enrol = ws.register.enrol_csv(root / "enrol.csv", faces)
    engine = Engine(ws.settings, register=ws.register, face_engine=faces, cache=ws.cache,
                    reviews=ws.reviews)
    on = dt.date.fromisoformat(expected["reference_date"])
    analyses = {}
    for photo in expected["photos"]:
        path = (root / photo["photo"]).resolve()
        analyses[photo["file"]] = engine.analyse(path)
    yield expected, engine, analyses, on, enrol
    ws.close()


def test_enrolment_of_the_scenario(scenario):
    expected, engine, analyses, on, enrol = scenario
    assert len(engine.register.encodings()) >= 19  # 21 photos for 20 people; a few may be refused


def test_nobody_is_shown_who_should_be_covered_and_most_consenting_people_are(scenario):
    expected, engine, analyses, on, _ = scenario
    channels = expected["channels"] if isinstance(expected["channels"], list) else list(expected["channels"])
    wrongly_shown, should_show, shown_ok = [], 0, 0
    for photo in expected["photos"]:
        a = analyses[photo["file"]]
        assert a.error is None, (photo["file"], a.error)
        for ch in channels:
            engine.decide(a, ch, "consent", on)
            allowed = set(photo["by_channel"][ch]["show"])
            shown = [f.who for f in a.faces if f.decision == "show"]
            for pid in shown:
                if pid not in allowed:
                    wrongly_shown.append((photo["file"], ch, pid))
            should_show += len(allowed)
            shown_ok += len(allowed & set(shown))
    assert wrongly_shown == [], f"privacy failures: {wrongly_shown}"
    recall = shown_ok / should_show
    print(f"scenario: {shown_ok}/{should_show} consenting appearances shown ({recall:.3f}); "
          f"0 wrongly shown")
    # Regression floor: measured 84/88 = 0.955 with SFace (78/88 = 0.886 with PhotoVet 0.1's
    # dlib encoder at max distance 0.45). The 4 missed appearances are one person (registered
    # as a Year 5 pupil: pupil threshold 0.84) in a dark, soft video still about 1.0 from
    # their studio enrolment photo, as far as the nearest different-person pair (1.01): they
    # stay covered, as unknown.
    assert recall >= 0.95


def test_issue_4_target_95_percent_of_consenting_people_recognised(scenario):
    """Issue 4's target (>= 0.95 of consenting appearances shown automatically), met since the
    SFace encoder (84/88)."""
    expected, engine, analyses, on, _ = scenario
    should_show = shown_ok = 0
    for photo in expected["photos"]:
        a = analyses[photo["file"]]
        for ch in expected["channels"]:
            engine.decide(a, ch, "consent", on)
            allowed = set(photo["by_channel"][ch]["show"])
            should_show += len(allowed)
            shown_ok += len(allowed & {f.person for f in a.faces if f.final_decision == "show"})
    assert shown_ok / should_show >= 0.95


@pytest.mark.xfail(strict=True, reason=(
    "issue 13 goal (>= 0.97 of consenting appearances shown) is NOT met: 84/88 = 0.955. The 4 "
    "misses are one person on 4 channels (registered as a Year 5 pupil: threshold 0.84) in a "
    "dark, soft video still about 1.0 from their studio enrolment photo (distance between unit "
    "SFace signatures), as far as the nearest pair of different people in the shared "
    "identities (1.01-1.03). Test-time flip, landmarks averaged over three crops (now used) and "
    "the mirror image as a second enrolment view leave that pair at 0.98-1.04 "
    "(bench/recognition.py --recipes): only a threshold near 1.0, never calibrated for "
    "children, would show them. "
    "strict: this fails loudly once met."))
def test_issue_13_goal_97_percent_of_consenting_people_recognised(scenario):
    expected, engine, analyses, on, _ = scenario
    should_show = shown_ok = 0
    for photo in expected["photos"]:
        a = analyses[photo["file"]]
        for ch in expected["channels"]:
            engine.decide(a, ch, "consent", on)
            allowed = set(photo["by_channel"][ch]["show"])
            should_show += len(allowed)
            shown_ok += len(allowed & {f.person for f in a.faces if f.final_decision == "show"})
    assert shown_ok / should_show >= 0.97


def test_a_near_match_to_someone_who_may_be_shown_is_offered_for_review(scenario):
    """A face near a consenting pupil (not certain enough) is covered and flagged: saying "yes,
    it is them" would change what is published. A face covered by a rule is not flagged.

    At the default thresholds every uncertain face of the scenario is near someone who would
    be covered anyway (a do-not-photograph pupil, a pupil without consent), so the check also
    runs with stricter thresholds, where consenting people fall into the uncertain band."""
    from photovet.core.pipeline import Engine

    expected, engine, analyses, on, _ = scenario
    strict_settings = engine.settings.copy()
    strict_settings.update({"recognition": {"pupil_distance": 0.6, "staff_distance": 0.6}})
    strict = Engine(strict_settings, register=engine.register, face_engine=engine.face_engine,
                    cache=None, reviews=engine.reviews)
    for eng, label in ((engine, "defaults"), (strict, "strict")):
        flagged = open_photos = 0
        for photo in expected["photos"]:
            a = analyses[photo["file"]] if eng is engine else \
                eng.analyse((shared_data("scenario") / photo["photo"]).resolve())
            eng.decide(a, "website", "consent", on)
            for f in a.faces:
                candidate = eng.people_by_id.get(f.person) if f.person else None
                would_show = candidate is not None and candidate.consents_to("website") and \
                    candidate.valid and not candidate.do_not_photograph and not candidate.has_left(on)
                if f.match_status == "uncertain" and would_show:
                    assert f.decision == "cover" and f.needs_review, (photo["file"], f.person)
                    flagged += 1
                elif f.decision == "cover":
                    assert not f.needs_review, (photo["file"], f.reason)
            open_photos += a.needs_review
        print(f"scenario, website, {label}: {open_photos} of {len(analyses)} photos need review "
              f"({flagged} faces offered as 'is this ...?')")
        if eng is strict:
            assert flagged > 0


def test_no_identifiable_children_mode_shows_no_pupil(scenario):
    expected, engine, analyses, on, _ = scenario
    for a in analyses.values():
        engine.decide(a, "website", "no-identifiable-children", on)
        for f in a.faces:
            if f.final_decision == "show":
                assert engine.people_by_id[f.person].role == "staff"
