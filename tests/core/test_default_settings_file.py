"""assets/default_settings.json, shipped for a school to read and copy values from, says the
code's defaults exactly. It had drifted: settings long gone ("max_pixels", "redaction", whose
keys settings.json refuses), the dlib-era recognition values and a 1024 px detection tile
(the code searches 512 px tiles): a school copying from it would have changed detection."""
from __future__ import annotations

import json

import pytest

from photovet.core.errors import SettingsError
from photovet.core.paths import asset_path
from photovet.core.settings import Settings


def test_the_shipped_defaults_file_says_the_codes_defaults():
    data = json.loads(asset_path("default_settings.json").read_text(encoding="utf-8"))
    shown = {k: v for k, v in data.items() if not k.startswith("_")}
    assert shown == Settings().to_dict()
    # every value in it can be copied into settings.json as it stands
    assert Settings.from_dict(data).to_dict() == Settings().to_dict()


def test_a_setting_that_never_did_anything_is_read_past_and_not_written_again():
    """``cover.pixel_blocks`` was offered (2-16) and never used: a pixelated face was always 8
    blocks across whatever it said (s63 cover audit). Settings saved by an earlier version
    carry it and still load; it is not written again, and other unknown keys stay refused."""
    old = Settings().to_dict()
    old["cover"]["pixel_blocks"] = 16
    loaded = Settings.from_dict(old)
    assert "pixel_blocks" not in loaded.to_dict()["cover"]
    assert loaded.to_dict() == Settings().to_dict()
    old["cover"]["pixel_block"] = 8
    with pytest.raises(SettingsError, match="unknown setting 'cover.pixel_block'"):
        Settings.from_dict(old)
