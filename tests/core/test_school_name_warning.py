"""Before photos are prepared or approved: when the school's name is not set while a channel's
rule says the school must not be identifiable there, PhotoVet says that text naming the school
cannot be recognised and covered (policy.school_name_warning; Workspace.school_name_warning)."""

from __future__ import annotations

from photovet.core.models import Channel
from photovet.core.policy import school_name_warning
from photovet.core.workspace import Workspace
from tests.conftest import office_access

WEB = Channel(id="website", label="School website", cover_school=False)
FB = Channel(id="facebook", label="Facebook", cover_school=True)
X = Channel(id="x", label="X (Twitter)", cover_school=True)


def test_the_warning_names_the_channels_whose_rule_it_is():
    text = school_name_warning([], [WEB, FB, X])
    assert text == ("PhotoVet does not yet know your school's name, so in photos and videos for "
                    "Facebook and X (Twitter), where the school must not be identifiable, it covers only "
                    "text shaped like a school's name (\u201cOakfield Primary School\u201d), not "
                    "the name alone, the school's initials or its address. Until the name is "
                    "set, look for them yourself and cover them by hand.")
    assert "in photos and videos for Facebook, where" in school_name_warning([], [FB])


def test_no_warning_once_the_name_is_set_or_where_no_rule_asks_for_it():
    assert school_name_warning(["St Mary's C of E Primary"], [WEB, FB]) is None
    assert school_name_warning([], [WEB]) is None
    assert school_name_warning(["  "], [FB]) is not None      # blank is not a name


def test_the_workspace_warns_for_a_new_school_and_stops_once_the_name_is_set(tmp_path):
    with Workspace.open(tmp_path / "home", access=office_access()) as ws:
        assert ws.school_name_warning() is not None           # Facebook and others cover it
        assert ws.school_name_warning("website") is None      # the website says which school
        assert "Facebook" in ws.school_name_warning("facebook")
        new = ws.settings.copy()
        new.update({"school": {"names": ["St Mary's C of E Primary"]}})
        ws.save_settings(new)
        assert ws.school_name_warning() is None
