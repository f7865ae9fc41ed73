"""The school scenario end to end (../shared/data/scenario): import the MIS register with
--skip-invalid, enrol the reference photos, check all 41 trip photos on every channel.

Targets (issue 4): nobody is shown who should be covered (false accepts, unknown people,
do-not-photograph, leavers, rejected rows), and at least 95% of the people who may be shown are
recognised and shown."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import office_access, shared_data

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
    faces = FaceEngine.load(ws.settings)
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
    # Regression floor: measured 78/88 = 0.886 at the conservative default (max distance 0.45).
    assert recall >= 0.88


@pytest.mark.xfail(strict=True, reason=(
    "issue 4 target (>= 0.95 of consenting appearances recognised) is NOT met: 0.886 measured. "
    "The missed faces sit 0.51-0.56 from their enrolment photo; accepting them would need a "
    "threshold near the closest different-adult pair (0.58), and the model confuses children. "
    "They are covered and offered for review instead. strict: this fails loudly once met."))
def test_issue_target_95_percent_of_consenting_people_recognised(scenario):
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


def test_a_near_match_to_someone_who_may_be_shown_is_offered_for_review(scenario):
    """A face near a consenting pupil (not certain enough) is covered and flagged: saying "yes,
    it is them" would change what is published. A face covered by a rule is not flagged."""
    expected, engine, analyses, on, _ = scenario
    flagged = open_photos = 0
    for photo in expected["photos"]:
        a = analyses[photo["file"]]
        engine.decide(a, "website", "consent", on)
        for f in a.faces:
            candidate = engine.people_by_id.get(f.person) if f.person else None
            would_show = candidate is not None and candidate.consents_to("website") and \
                candidate.valid and not candidate.do_not_photograph and not candidate.has_left(on)
            if f.match_status == "uncertain" and would_show:
                assert f.decision == "cover" and f.needs_review, (photo["file"], f.person)
                flagged += 1
            elif f.decision == "cover":
                assert not f.needs_review, (photo["file"], f.reason)
        open_photos += a.needs_review
    print(f"scenario, website: {open_photos} of {len(analyses)} photos need review "
          f"({flagged} faces offered as 'is this ...?')")
    assert flagged > 0


def test_no_identifiable_children_mode_shows_no_pupil(scenario):
    expected, engine, analyses, on, _ = scenario
    for a in analyses.values():
        engine.decide(a, "website", "no-identifiable-children", on)
        for f in a.faces:
            if f.final_decision == "show":
                assert engine.people_by_id[f.person].role == "staff"
