"""What a line of text's menu offers (Reviewer.text_choices): only the decisions that change
something, and "keep" also for a line left readable that still waits for a person, so the
question can be closed by confirming it (it could only be covered before)."""

from __future__ import annotations

import datetime as dt

from photovet.core.models import Channel, PhotoAnalysis, TextItem
from photovet.core.review import Reviewer

FB = Channel("facebook", "Facebook")
POLY = [(10.0, 10.0), (90.0, 10.0), (90.0, 30.0), (10.0, 30.0)]


def choices(item: TextItem) -> tuple[str, ...]:
    a = PhotoAnalysis(path="sign.jpg", texts=[item])
    r = Reviewer(None, {}.get, today=lambda: dt.date(2026, 12, 2))
    return r.text_choices(a, 0, FB).actions


def test_a_readable_line_waiting_for_a_person_can_be_confirmed_readable_or_covered():
    item = TextItem(POLY, "Car park", decision="keep", needs_review=True)
    assert set(choices(item)) == {"cover", "keep"}


def test_a_readable_line_nobody_needs_to_look_at_offers_only_cover():
    assert choices(TextItem(POLY, "Car park", decision="keep")) == ("cover",)


def test_a_line_covered_by_the_rules_offers_keep_where_policy_allows_it():
    item = TextItem(POLY, "Car park", decision="cover", needs_review=True)
    assert set(choices(item)) == {"cover", "keep"}
    assert choices(TextItem(POLY, "Car park", decision="cover")) == ("keep",)
