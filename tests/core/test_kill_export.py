"""kill -9 at random moments (issue 10): export. After every kill, every file with a final name in
the output folder is recorded, byte for byte, and carries no metadata; nothing unchecked has a
name. The next export removes the leftovers.

The command runs as a real process (`python -m photovet ...`), killed at a random moment each
round. Marked slow; CI runs it. The campaign is one file per command (tests/core/test_kill_*.py,
helpers and KILLS in tests/core/kill_util.py) so test workers share it.
"""

from __future__ import annotations

from tests.core.kill_util import (
    CAMPAIGN,
    KILLS,
    audit_ok,
    cli,
    killed,
    office_fixture,  # noqa: F401  (a fixture: "office")
    open_register,
    photos,
    rng,
    sha,
    timed,
)

pytestmark = CAMPAIGN

RNG = rng("export")


def test_kill_during_export(office, tmp_path):
    src = tmp_path / "trip"
    photos(src, 8)
    (tmp_path / "first").mkdir()
    duration = timed(office, ["export", "--out", tmp_path / "first", "--label", "first", src])
    for k in range(KILLS["export"]):
        out = tmp_path / f"out{k}"
        out.mkdir()
        killed(office, ["export", "--out", out, "--label", f"kill{k}", src],
               RNG.uniform(0.2, duration))
        con = open_register(office)
        recorded = {r[0]: r[1] for r in con.execute(
            "SELECT output_path, output_sha256 FROM exports")}
        con.close()
        for f in out.iterdir():
            if f.name.startswith("."):
                continue               # a hidden temporary file: never given a name
            assert str(f.resolve()) in recorded or str(f) in recorded, (k, f.name)
            assert sha(f) == recorded.get(str(f.resolve()), recorded.get(str(f))), (k, f.name)
            data = f.read_bytes()
            assert b"Exif" not in data and b"PhoneMaker" not in data
        # the next export into that folder removes what the killed one left behind: its
        # temporary files always, its finished copies (now out of date: s35, records/earlier.py)
        # when asked to
        again = cli(office, "export", "--out", out, "--label", f"again{k}",
                    "--remove-earlier-copies", src)
        assert again.returncode == 0, again.stderr
        assert not [f for f in out.iterdir() if f.name.startswith(".photovet-export-")]
        assert sorted(f.name for f in out.iterdir()) == \
            [f"again{k}-{n:03d}.jpg" for n in range(1, 9)], (k, again.stdout)
    audit_ok(office)
