"""Fixtures shared by the core's tests of checking, approving and exporting photos
(test_pipeline.py, test_signed_caption.py, test_vet_batch.py, test_free_text.py,
test_sar_held.py, test_assign_by_hand.py): a workspace with test_pipeline's register and three
faces enrolled, and an engine on it with the fake face engine.

A file that needs another workspace or engine names its own for what it is (``ws_office``,
``ws_with_leaver``, ``face_engine``, ``text_engine``...), never ``ws`` or ``engine``: a test
asking for ``ws`` gets this one (s33; 20 files shadowed ``ws`` and 8 ``engine``)."""

from __future__ import annotations

import pytest

from tests.core.test_pipeline import (
    ENC_SAM,
    ENC_STRANGER,
    ENC_TORI,
    REGISTER,
    new_engine,
    open_workspace,
)


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "home")
    csv = tmp_path / "register.csv"
    csv.write_text(REGISTER, encoding="utf-8")
    assert w.import_register(csv).applied
    w.register.store_signatures({"A1": [(ENC_TORI, "a1.jpg")], "B2": [(ENC_SAM, "b2.jpg")],
                                 "C3": [(ENC_STRANGER + 0.3, "c3.jpg")]},
                                replace=True, source="test")
    yield w
    w.close()


@pytest.fixture
def engine(ws):
    return new_engine(ws)


@pytest.fixture(scope="session")
def faces_only_engine():
    """An engine with the real face models and text reading off, on no register (everyone a
    stranger, covered), loaded once: the video tests' clips have drawn faces and no names."""
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    s = Settings()
    s.text.enabled = False
    return Engine(s, face_engine=FaceEngine.load(s))
