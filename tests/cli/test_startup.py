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


# What 'photovet --help' does without either (the plain data's classes, the settings and the
# register's reports: dataclasses, a third of a command's start-up)
PLAIN_DATA = ("photovet.core.models", "photovet.core.settings", "photovet.core.register.reports")


def loaded_after(code: str, names: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of ``names`` (top-level packages, or modules by their full name) a fresh
    interpreter holds after running ``code``."""
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps(sorted(({{m.split('.')[0] for m in sys.modules}} | set(sys.modules))"
             f" & {set(names)!r})))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_command_line_and_the_workspace_import_no_picture_libraries():
    assert loaded_after("import photovet.cli") == []
    assert loaded_after("import photovet.core.workspace") == []


def test_help_runs_without_picture_libraries_nor_the_plain_data():
    code = ("from photovet.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert loaded_after(code, HEAVY + PLAIN_DATA) == []


@pytest.mark.parametrize("args", [["register", "list"], ["users", "list"], ["exports"]])
def test_commands_that_only_read_the_register_start_without_picture_libraries(args):
    """Signed in (this folder's fixture: a register with staff accounts, and the environment of
    a script signed in as the office admin)."""
    code = ("from photovet.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit as exc:\n"
            "    assert not exc.code, exc.code")
    assert loaded_after(code) == []


def test_a_command_loads_only_its_own_commands_and_the_package_no_words():
    """'photovet users list' imports the users commands, not the photo, register, settings...
    ones (photovet/cli/__init__.py, ``WHERE``); importing the package (every process does,
    the app's helper included) loads no words nor plain data (core/offline.py)."""
    probe = ("import sys, json\nimport photovet\n"
             "first = sorted(m for m in sys.modules if m.startswith('photovet.'))\n"
             "from photovet.cli import main\n"
             "try:\n    main(['users', 'list'])\nexcept SystemExit as exc:\n"
             "    assert not exc.code, exc.code\n"
             "print(json.dumps([first, sorted(m for m in sys.modules "
             "if m.startswith('photovet.cli.'))]))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    first, commands = json.loads(run.stdout.strip().splitlines()[-1])
    assert first == ["photovet.core", "photovet.core.errors", "photovet.core.offline"]
    assert commands == ["photovet.cli.common", "photovet.cli.users"]


def test_the_command_table_names_every_command_where_it_is():
    """Each name in ``WHERE`` is the command's own name, and every top-level command of the
    modules it names is in it (a new command added to a module without a line there would
    be missing from 'photovet --help')."""
    import importlib

    import click

    from photovet.cli import WHERE, cli

    for name in WHERE:
        assert cli.commands[name].name == name
    for module in {m for m, _ in WHERE.values()}:
        mod = importlib.import_module(f"photovet.cli.{module}")
        found = [v for v in vars(mod).values() if isinstance(v, click.Command)]
        inside = {id(c) for g in found if isinstance(g, click.Group) for c in g.commands.values()}
        for cmd in found:
            if id(cmd) not in inside:
                assert WHERE.get(cmd.name, (None,))[0] == module, (module, cmd.name)


def test_the_log_names_the_command_and_a_groups_subcommand_only():
    """What the support log calls a command (photovet/cli ``command_name``), found without
    loading the other commands: never an argument, even one spelt like a command."""
    from photovet.cli import command_name

    assert command_name(["register", "list", "--json"]) == "register list"
    assert command_name(["--json", "takedown", "done", "12"]) == "takedown done"
    assert command_name(["scan", "list", "Amelia Jones.jpg"]) == "scan"   # a file called list
    assert command_name(["register", "Amelia"]) == "register"
    assert command_name(["Amelia Jones.jpg"]) == command_name([]) == "app"
