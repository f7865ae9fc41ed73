"""The shared fixture that keeps a module's dates on the day each test runs (tests/conftest.py)."""

import datetime as dt
import types

from tests.conftest import set_dates_from_today

DATES_FROM_TODAY = {"TODAY": 0, "ASKED": -2}
TODAY = dt.date(2000, 1, 1)  # deliberately stale: the autouse fixture must have moved it
ASKED = dt.date(2000, 1, 1)


def test_a_module_taken_before_midnight_is_given_the_day_the_test_runs():
    stale = types.SimpleNamespace(DATES_FROM_TODAY={"TODAY": 0, "LEAVES": 10, "ASKED": -2},
                                  TODAY=dt.date(2026, 11, 30), LEAVES=dt.date(2026, 12, 10),
                                  ASKED=dt.date(2026, 11, 28), FIXED=dt.date(2026, 11, 21))
    set_dates_from_today(stale, dt.date(2026, 12, 1))
    assert (dt.date(2026, 12, 1), dt.date(2026, 12, 11), dt.date(2026, 11, 29)) == \
        (stale.TODAY, stale.LEAVES, stale.ASKED)
    assert dt.date(2026, 11, 21) == stale.FIXED  # a date the module does not name is left alone


def test_the_autouse_fixture_sets_this_modules_dates():
    assert dt.date.today() == TODAY
    assert dt.date.today() - dt.timedelta(days=2) == ASKED
