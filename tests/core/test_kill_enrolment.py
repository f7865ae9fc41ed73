"""kill -9 at random moments (issue 10): enrolment. After every kill, the register opens, its audit
chain verifies, and the enrolment happened completely (every signature from one single run) or
not at all.

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
    in_process,
    killed,
    open_register,
    register_file,
    rng,
    timed,
)

pytestmark = CAMPAIGN

RNG = rng("enrol")


def test_kill_during_enrolment(tmp_path):
    pytest.importorskip("dlib")
    from tests.conftest import SHARED

    faces = SHARED / "identities"
    portraits = sorted(faces.glob("*.jpg"))[:8] if faces.is_dir() else []
    if len(portraits) < 4:
        pytest.skip("../shared/data/identities is not present: no real portraits to enrol")
    home = tmp_path / "home"
    folder = tmp_path / "portraits"
    folder.mkdir()
    ids = [f"K{i:012d}" for i in range(len(portraits))]
    for pid, p in zip(ids, portraits):
        (folder / f"{pid}.jpg").write_bytes(p.read_bytes())
    reg = register_file(tmp_path / "r.csv", len(ids), "Yes")
    # the register's import into the data folder is also how long the kill window is measured
    # (the import into a fresh folder, plus 6 s for the models and the portraits)
    duration = timed(home, ["register", "import", reg]) + 6.0
    enrolled_once = False
    for k in range(KILLS["enrol"]):
        killed(home, ["register", "enrol", "--folder", folder], RNG.uniform(0.5, duration))
        con = open_register(home)
        rows = con.execute("SELECT person_id, created_at FROM encodings").fetchall()
        con.close()
        # one transaction for the whole folder: no signatures, or every enrollable person's
        # from one single run (one time stamp), never a mix or a half
        stamps = {at for _, at in rows}
        assert len(stamps) <= 1, (k, stamps)
        people = {pid for pid, _ in rows}
        if people:
            enrolled_once = True
            in_process(home, "register", "list", "--json")   # reads what the kill left
        assert not enrolled_once or people, (k, "signatures lost by a killed enrolment")
        audit_ok(home)
