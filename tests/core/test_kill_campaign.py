"""kill -9 at random moments (issue 10): permanent purges. After every kill, every original is still
there, or its deletion was recorded first; a cut deletion is finished by the next run.

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
    in_process,
    killed,
    office_fixture,  # noqa: F401  (a fixture: "office")
    open_register,
    photos,
    rng,
    sha,
    timed,
)

pytestmark = CAMPAIGN

RNG = rng("purge")


def test_kill_during_permanent_purge(office, tmp_path):
    src = tmp_path / "trip"
    shots = photos(src, 6, seed=3)
    out = tmp_path / "exports"
    out.mkdir()
    for k in range(KILLS["purge"] + 1):
        batch = f"purge{k}"
        srck = tmp_path / f"trip{k}"
        srck.mkdir()
        originals = {}
        for p in shots:
            q = srck / p.name
            q.write_bytes(p.read_bytes() + bytes([k]))   # unique content per round
            originals[q] = sha(q)
        # the batch to purge is prepared in the test's process (not a subject of the campaign:
        # half of its processes went on that); every kill hits a real purge process
        in_process(office, "export", "--out", out, "--label", batch, srck)
        in_process(office, "posted", "--batch", batch, "--channel", "website")
        if k == 0:   # the first round runs to the end: how long a purge takes
            duration = timed(office, ["purge", batch, "--permanent"])
            continue
        killed(office, ["purge", batch, "--permanent"], RNG.uniform(0.2, duration))
        con = open_register(office)
        # by content: a finished deletion keeps no path (DPO audit s30)
        pending_or_done = {r[0] for r in con.execute(
            "SELECT sha256 FROM purges WHERE state IN ('pending', 'deleted')")}
        con.close()
        for q, digest in originals.items():
            gone = not q.exists()
            if gone:
                assert digest in pending_or_done, (k, q)
            else:
                assert sha(q) == digest, (k, q, "changed in place")
        run = cli(office, "purge", batch, "--permanent")   # the next run finishes the job
        assert run.returncode == 0, run.stderr + run.stdout
        assert not any(q.exists() for q in originals)
        assert not list(srck.glob(".photovet-purge-*"))
    audit_ok(office)


def test_the_campaign_is_at_least_a_hundred_kills():
    assert sum(KILLS.values()) >= 100
