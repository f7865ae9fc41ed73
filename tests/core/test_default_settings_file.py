"""assets/default_settings.json, shipped for a school to read and copy values from, says the
code's defaults exactly. It had drifted: settings long gone ("max_pixels", "redaction", whose
keys settings.json refuses), the dlib-era recognition values and a 1024 px detection tile
(the code searches 512 px tiles): a school copying from it would have changed detection."""
from __future__ import annotations

import json

from photovet.core.paths import asset_path
from photovet.core.settings import Settings


def test_the_shipped_defaults_file_says_the_codes_defaults():
    data = json.loads(asset_path("default_settings.json").read_text(encoding="utf-8"))
    shown = {k: v for k, v in data.items() if not k.startswith("_")}
    assert shown == Settings().to_dict()
    # every value in it can be copied into settings.json as it stands
    assert Settings.from_dict(data).to_dict() == Settings().to_dict()
