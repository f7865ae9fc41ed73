"""A command starts without the heavy libraries it does not use (issue 14): 'photovet --help' and
the commands that only open the register (register list, users, settings, exports) import no
numpy, Pillow, OpenCV, PyAV, onnxruntime nor PostgreSQL driver; those load in the commands that
read pictures. Each check runs in a fresh interpreter (this one has imported them all)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("numpy", "PIL", "pillow_heif", "cv2", "av", "onnxruntime", "psycopg", "shapely",
         "rapidocr_onnxruntime", "PySide6")


def loaded_after(code: str) -> list[str]:
    """The heavy top-level packages a fresh interpreter holds after running ``code``."""
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_command_line_and_the_workspace_import_no_picture_libraries():
    assert loaded_after("import photovet.cli") == []
    assert loaded_after("import photovet.core.workspace") == []


def test_help_runs_without_picture_libraries():
    code = ("from photovet.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert loaded_after(code) == []


@pytest.mark.parametrize("args", [["register", "list"], ["users", "list"], ["exports"]])
def test_commands_that_only_read_the_register_start_without_picture_libraries(args):
    """Signed in (this folder's fixture: a register with staff accounts, and the environment of
    a script signed in as the office admin)."""
    code = ("from photovet.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit as exc:\n"
            "    assert not exc.code, exc.code")
    assert loaded_after(code) == []
