"""A hint that names a command is said where it is shown (walkthrough s33): the command line
says the command, the app says where in the app (``words.app_hint``). Every text of the core
that names a ``photovet`` command is one of ``words.COMMAND_HINTS`` (or part of one), which
the app says in its own words, or is one only a command can reach."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from photovet.core import words
from photovet.core.errors import PhotoVetError

CORE = Path(__file__).resolve().parents[2] / "photovet" / "core"
COMMAND = re.compile(r"(?<![\w.-])photovet(?: [a-z]|-app)")
#: a command's option named alone ("the command: --already-posted"): a command all the same
OPTION = re.compile(r"(?<![\w-])--[a-z]")

#: texts naming a command that no path of the app can show, each with why
COMMAND_LINE_ONLY = {
    # a mode asked for one job: only the commands take --mode
    "or 'photovet settings set mode ...').": "policy.requested_mode_refusal",
    # database.url is written by 'photovet setup database' only
    "this PC's key store: photovet setup database)": "settings.DatabaseSettings",
    # the server's certificate is pinned by 'photovet setup database' only
    "Pin the server's certificate at setup (photovet setup database shows its":
        "storage.server.conninfo",
    # the import window leaves out the lines naming --skip-invalid (import_wizard)
    "or use --skip-invalid to import the": "reports.ImportReport.summary_lines",
    "with --skip-invalid it would make the changes below": "reports.ImportReport.summary_lines",
}


def _texts(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            docs.add(id(node.body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docs]


def test_every_core_text_naming_a_command_has_the_apps_words():
    strays = []
    for path in sorted(CORE.rglob("*.py")):
        for line, text in _texts(path):
            if not (COMMAND.search(text) or OPTION.search(text)):
                continue
            if any(text in hint for hint in words.COMMAND_HINTS):
                continue
            if any(part in text for part in COMMAND_LINE_ONLY):
                continue
            strays.append(f"{path.relative_to(CORE)}:{line}: {text[:80]!r}")
    assert not strays, "a command named without the app's words (words.app_hint):\n" + \
        "\n".join(strays)


@pytest.mark.parametrize("hint", words.COMMAND_HINTS)
def test_the_app_says_every_command_hint_without_the_command(hint):
    said = words.app_hint(hint)
    assert said and said != hint
    assert not COMMAND.search(said) and not OPTION.search(said), said
    assert "command line" not in said.lower() or "photovet" not in said.lower()


def test_a_command_hint_within_a_text_is_said_the_apps_way():
    note = f"column 'Web' looks like one; {words.CHANNEL_ADD_FIRST_COMMAND} or map it"
    said = words.app_hint(note)
    assert said == "column 'Web' looks like one; add the channel first (Register > " \
                   "Channels\u2026) or map it"
    assert words.app_hint("Choose a JPEG.") == "Choose a JPEG."
    assert words.app_hint(None) is None


def test_the_cores_refusals_carry_the_command_hints(tmp_path):
    """The hints the core raises are the shared ones (so the app finds its words for them)."""
    from photovet.core.register.mapping import detect_mapping

    mapping = detect_mapping(["Id", "First name", "Surname", "Snapchat photo consent"],
                             {"website": "School website"})
    assert any(words.CHANNEL_ADD_FIRST_COMMAND in n for n in mapping.notes), mapping.notes
    err = PhotoVetError("no exports are recorded for batch 'x'",
                        hint=words.EXPORTS_LIST_COMMAND)
    assert "photovet exports" in err.full()


def test_the_app_says_its_own_words_and_the_command_line_its_own():
    """s34: the refusal of a face named by hand and the import's note on people with no leaving
    date said the app's words and then the command's, in the app too: the core says the app's
    (no command), the command line its own (its modules)."""
    from photovet.cli.photos import HAND_NAMED_COMMAND
    from photovet.cli.register import RECORD_LEAVING_COMMAND

    for app, command in ((words.HAND_NAMED_APP, HAND_NAMED_COMMAND),
                         (words.RECORD_LEAVING_APP, RECORD_LEAVING_COMMAND)):
        assert not COMMAND.search(app) and not OPTION.search(app), app
        assert words.app_hint(app) == app
        assert OPTION.search(command), command
