"""s59: two PCs on one register (tests/core/test_office_races.py's office): B's workspace and
engine read the school's settings before A's admin changed them, as a window open all morning
or a command that read them, then loaded its models for a minute, has. The mode was already
stopped at the last moment (test_b_exports_with_settings_read_before_a_made_the_mode_stricter);
every other setting that changes what a photo publishes or whether its approval counts was
compared only with the register as it was when the batch began, after B had read it."""

from __future__ import annotations

import pytest
from test_office_races import (  # noqa: F401  (office: a fixture)
    approve_all,
    decided,
    engine_of,
    exported_files,
    office,
    photos,
    run_export,
)

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _school_name(new):
    new.school.names = ["Hollins Lane Primary School"]


def _bigger_covers(new):
    new.cover.grow = 2.0


def _a_check_added(new):
    new.checklist.checks = [*new.checklist.checks, "No one is in swimwear"]


CHANGES = {"the school's name": (_school_name, "the school's name and details"),
           "bigger covers": (_bigger_covers, "covers"),
           "a check added": (_a_check_added, "the approver's checklist")}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_b_exports_with_settings_read_before_a_changed_them(office, tmp_path, change):  # noqa: F811
    a, b = office
    eng = engine_of(b)
    [x] = decided(eng, photos(tmp_path, 1))
    approve_all(b, eng, [x])
    make, words = CHANGES[change]
    new = a.settings.copy()
    make(new)
    a.save_settings(new)
    assert b.settings.to_dict() != a.settings.to_dict()      # B has not read them again
    [res] = run_export(b, eng, [x], tmp_path / "out")
    assert not res.ok, f"exported with the settings as they were before {change}"
    assert words in res.error, res.error
    assert exported_files(tmp_path / "out") == [] and b.records.exports() == []
