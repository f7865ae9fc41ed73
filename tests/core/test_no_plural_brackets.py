"""Nothing PhotoVet says to a person counts with "(s)": "1 face signature(s)", "Consent history
(8 change(s))", "Marked 1 export(s) as posted" (s51 walk: the subject access report's heading).
Counts go through ``words.count`` ("1 change", "8 changes"), verbs agree ("1 deletion ... was").
Log lines (read by whoever keeps the PC, never shown) and docstrings may keep it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import photovet

ROOT = Path(photovet.__file__).parent
BRACKETS = re.compile(r"[a-z]\(s\)")
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}


def _said_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal (or f-string part) outside docstrings and logging calls."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in LOGGING):
            for arg in ast.walk(node):
                skip.add(id(arg))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skip and BRACKETS.search(node.value)]


def test_the_check_finds_a_count_with_brackets() -> None:
    """The check itself: a message counted with "(s)" is found, a log line and a docstring not."""
    source = ('"""2 file(s)."""\nimport logging\nlog = logging.getLogger()\n'
              'def f(n):\n    """n item(s)"""\n    log.info("removed %d file(s)", n)\n'
              '    return f"{n} change(s)"\n')
    assert _said_strings(ast.parse(source)) == [(7, " change(s)")]


def test_nothing_said_to_a_person_counts_with_brackets() -> None:
    found = [f"{path.relative_to(ROOT)}:{line}: {text!r}"
             for path in sorted(ROOT.rglob("*.py"))
             for line, text in _said_strings(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, "\n".join(found)
