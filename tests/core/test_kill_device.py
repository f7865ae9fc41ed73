"""kill -9 at random moments (issue 10): import-device --clear. After every kill, every photo is
still on the card or has an identical copy on the PC; the next run finishes the job.

The command runs as a real process (`python -m photovet ...`), killed at a random moment each
round. Marked slow; CI runs it. The campaign is one file per command (tests/core/test_kill_*.py,
helpers and KILLS in tests/core/kill_util.py) so test workers share it.
"""

from __future__ import annotations

from tests.core.kill_util import CAMPAIGN, KILLS, audit_ok, cli, killed, photos, rng, sha, timed

pytestmark = CAMPAIGN

RNG = rng("import-device")


def test_kill_during_import_device_with_clearing(tmp_path):
    home = tmp_path / "home"
    probe_card, probe_pc = tmp_path / "probe-card", tmp_path / "probe-pc"
    photos(probe_card / "DCIM", 10)
    duration = timed(home, ["import-device", probe_card, "--into", probe_pc, "--clear",
                            "--permanent"])
    for k in range(KILLS["import-device"]):
        card, pc = tmp_path / f"card{k}", tmp_path / f"pc{k}"
        originals = {p.relative_to(card): sha(p) for p in photos(card / "DCIM", 10, seed=k)}
        killed(home, ["import-device", card, "--into", pc, "--clear", "--permanent"],
               RNG.uniform(0.2, duration))
        for rel, digest in originals.items():
            on_card = (card / rel).is_file() and sha(card / rel) == digest
            on_pc = (pc / rel).is_file() and sha(pc / rel) == digest
            assert on_card or on_pc, (k, rel, "lost")
        # finishing the job afterwards leaves every photo copied and the card clear
        run = cli(home, "import-device", card, "--into", pc, "--clear", "--permanent")
        assert run.returncode == 0, run.stderr
        for rel, digest in originals.items():
            assert sha(pc / rel) == digest and not (card / rel).exists()
    audit_ok(home)
