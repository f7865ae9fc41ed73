"""The school's mode is the school's decision: a mode asked for one job (a command's --mode)
may be as strict as the school's or stricter, never looser (policy.requested_mode_refusal;
Engine.mode_for and Workspace.mode_for refuse it before anything is decided)."""

from __future__ import annotations

import pytest

from photovet.core.errors import ModeRefusedError
from photovet.core.models import Face, Mode, PhotoAnalysis
from photovet.core.pipeline import analyse_batch, export_batch
from photovet.core.policy import mode_to_use, requested_mode_refusal
from tests.conftest import register_workspace

CONSENT, NO_CHILDREN = Mode.CONSENT.value, Mode.NO_IDENTIFIABLE_CHILDREN.value
CSV = ("UPN,Legal Surname,Legal Forename,Role,Consent: School Website,Consent: Facebook\n"
       "B123456789012,Clarke,Amy,pupil,yes,yes\n")


@pytest.mark.parametrize("school, asked, refused", [
    (CONSENT, None, False), (CONSENT, CONSENT, False), (CONSENT, NO_CHILDREN, False),
    (NO_CHILDREN, None, False), (NO_CHILDREN, NO_CHILDREN, False),
    (NO_CHILDREN, CONSENT, True),                      # looser than the school's: refused
    (CONSENT, "show-everyone", True),                  # no such mode
    ("a-mode-from-a-newer-version", CONSENT, True),    # unknown school mode: nothing is looser
    ("a-mode-from-a-newer-version", NO_CHILDREN, True),
])
def test_a_mode_for_one_job_is_never_looser_than_the_schools(school, asked, refused):
    why = requested_mode_refusal(school, asked)
    assert (why is not None) == refused, why
    if refused:
        assert mode_to_use(school, asked) == school   # never the looser one
    else:
        assert mode_to_use(school, asked) == (asked or school)


def test_the_refusal_names_the_schools_setting_and_who_changes_it():
    why = requested_mode_refusal(NO_CHILDREN, Mode.CONSENT)
    assert "no identifiable children" in why and "consent" in why
    assert "Only an admin changes the school's mode" in why


@pytest.fixture
def ws_no_children(tmp_path):
    w = register_workspace(tmp_path, CSV)
    new = w.settings.copy()
    new.mode = NO_CHILDREN
    w.save_settings(new)
    yield w
    w.close()


def _amy(tmp_path) -> PhotoAnalysis:
    return PhotoAnalysis(path=str(tmp_path / "a.jpg"), sha256="ab" * 32, width=100, height=100,
                         faces_checked=True,
                         faces=[Face(box=(10, 10, 40, 40), score=0.99, person="B123456789012",
                                     match_status="recognised")])


def test_engine_refuses_a_looser_mode_and_decides_with_the_schools(ws_no_children, tmp_path):
    engine = ws_no_children.engine()
    a = _amy(tmp_path)
    with pytest.raises(ModeRefusedError, match="no identifiable children"):
        engine.decide(a, "website", CONSENT)
    with pytest.raises(ModeRefusedError):
        ws_no_children.mode_for(CONSENT)
    engine.decide(a, "website")
    assert a.mode == NO_CHILDREN and a.faces[0].decision == "cover"
    engine.decide(a, "website", NO_CHILDREN)
    assert a.faces[0].decision == "cover"
    # the school back to consent: consent shows Amy, the stricter mode still covers her
    new = ws_no_children.settings.copy()
    new.mode = CONSENT
    ws_no_children.save_settings(new)
    engine = ws_no_children.engine()
    assert engine.decide(a, "website", CONSENT).faces[0].decision == "show"
    assert engine.decide(a, "website", NO_CHILDREN).faces[0].decision == "cover"
    assert ws_no_children.mode_for(NO_CHILDREN) == NO_CHILDREN and ws_no_children.mode_for(None) == CONSENT


def test_batches_refuse_a_looser_mode_before_anything_is_read(ws_no_children, tmp_path):
    engine = ws_no_children.engine()
    missing = tmp_path / "never-read.jpg"
    with pytest.raises(ModeRefusedError):
        next(iter(analyse_batch([missing], engine, "website", CONSENT)))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ModeRefusedError):
        next(iter(export_batch([_amy(tmp_path)], out, label="trip", engine=engine,
                               channel="website", mode=CONSENT)))
    assert list(out.iterdir()) == []
