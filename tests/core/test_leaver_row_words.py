"""Walk s34 (a DPO forgetting a leaver on the retention screen): the row read "register row,
consent history and face signatures" for a leaver who had no face signature (never enrolled,
or deleted on their leaving date, as the schedule does): it names face signatures only when
there are some, with how many."""

from __future__ import annotations

import numpy as np

from tests.core.test_retention import LEAVES, TODAY, clock_at, ws_with_leaver  # noqa: F401


def _row(ws, days):
    [row] = ws.retention(clock_at(days)).due(("leavers-rows",))
    return row


def test_a_leaver_without_face_signatures_is_not_said_to_have_some(ws_with_leaver):  # noqa: F811
    days = (LEAVES - TODAY).days + ws_with_leaver.settings.retention.leavers_rows_days_after_leaving
    row = _row(ws_with_leaver, days)
    assert row.what == f"L1: register row and consent history; left {LEAVES:%d/%m/%Y}"


def test_a_leaver_with_face_signatures_is_said_to_have_them(ws_with_leaver):  # noqa: F811
    ws_with_leaver.register.store_signatures({"L1": [(np.full(128, 0.1), "L1.jpg")]},
                                             replace=True, source="test")
    days = (LEAVES - TODAY).days + ws_with_leaver.settings.retention.leavers_rows_days_after_leaving
    row = _row(ws_with_leaver, days)
    assert row.what == (f"L1: register row and consent history, and 1 face signature; "
                        f"left {LEAVES:%d/%m/%Y}")
