"""kill -9 at random moments (issue 10): register import. After every kill, the register opens, its
audit chain verifies, and the import happened completely or not at all.

The command runs as a real process (`python -m photovet ...`), killed at a random moment each
round. Marked slow; CI runs it. The campaign is one file per command (tests/core/test_kill_*.py,
helpers and KILLS in tests/core/kill_util.py) so test workers share it.
"""

from __future__ import annotations

import pytest

from tests.core.kill_util import (
    CAMPAIGN,
    KILLS,
    audit_ok,
    cli,
    killed,
    open_register,
    register_file,
    rng,
    timed,
)

pytestmark = CAMPAIGN

RNG = rng("register import")


def test_kill_during_register_import(tmp_path):
    home = tmp_path / "home"
    first = register_file(tmp_path / "r1.csv", 1500, "Yes")
    assert cli(home, "register", "import", first, "--skip-invalid").returncode in (0, 1)
    second = register_file(tmp_path / "r2.csv", 1500, "No")
    duration = timed(tmp_path / "probe", ["register", "import", second, "--skip-invalid"])
    for k in range(KILLS["register import"]):
        killed(home, ["register", "import", second if k % 2 else first, "--skip-invalid"],
               RNG.uniform(0.1, duration))
        con = open_register(home)
        states = {r[0] for r in con.execute(
            "SELECT value FROM consents WHERE channel = 'facebook' AND media = 'photo'")}
        people = con.execute("SELECT COUNT(*) FROM people").fetchone()[0]
        con.close()
        assert people == 1500
        assert len(states) == 1, (k, "an import was half applied", states)
        audit_ok(home)


def test_the_check_after_a_kill_sees_a_broken_audit_chain(tmp_path):
    """audit_ok (run in the test's process) fails on a register whose audit record was changed
    behind PhotoVet's back, as the real command would."""
    home = tmp_path / "home"
    assert cli(home, "register", "import", register_file(tmp_path / "r.csv", 3, "Yes")).returncode == 0
    audit_ok(home)
    con = open_register(home)
    with con:
        con.execute("UPDATE audit_log SET details = details || ' (changed)' WHERE id = "
                    "(SELECT MAX(id) FROM audit_log)")
    con.close()
    assert cli(home, "audit", "verify").returncode != 0
    with pytest.raises(AssertionError):
        audit_ok(home)
