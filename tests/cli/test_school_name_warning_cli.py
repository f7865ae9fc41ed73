"""'photovet scan' (and ready, approve) warns when the school's name is not set while the
channel's rule says the school must not be identifiable: text naming it cannot be covered."""

from __future__ import annotations

from click.testing import CliRunner
from PIL import Image

from photovet.cli import cli

WARNING = "warning: PhotoVet does not yet know your school's name"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_scan_warns_until_the_schools_name_is_set(tmp_path):
    photo = tmp_path / "trip.jpg"
    Image.new("RGB", (64, 48), (120, 160, 200)).save(photo, "JPEG")
    result = run("scan", "--channel", "facebook", "--no-text", photo)
    assert WARNING in result.output, result.output
    assert "photovet settings set school.names" in result.output
    result = run("scan", "--channel", "website", "--no-text", photo)   # no such rule there
    assert WARNING not in result.output, result.output
    assert run("settings", "set", "school.names", '["Oakfield Primary School"]').exit_code == 0
    result = run("scan", "--channel", "facebook", "--no-text", photo)
    assert WARNING not in result.output, result.output
