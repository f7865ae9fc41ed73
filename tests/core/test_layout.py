"""The architecture rules, checked: the core makes every decision and never depends on the
GUI or the CLI; it never prints (mat2's libmat2 rule: the library raises, callers report)."""

from __future__ import annotations

import ast
import functools
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "photovet" / "core"
FORBIDDEN = ("PySide6", "click", "photovet.gui", "photovet.cli", "tqdm")


def _core_files():
    return sorted(CORE.rglob("*.py"))


@functools.cache
def _read(path: Path) -> tuple[tuple[str, ...], tuple[tuple[str | None, int], ...], tuple[int, ...]]:
    """What the rules below look at in a file, from one parse and one walk of it (s35: the
    package's files were parsed and walked four times): the names of its ``import`` statements,
    the (module, level) of its ``from ... import`` statements, and the lines of its print()
    calls."""
    imported: list[str] = []
    imported_from: list[tuple[str | None, int]] = []
    prints: list[int] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported_from.append((node.module, node.level))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == "print":
            prints.append(node.lineno)
    return tuple(imported), tuple(imported_from), tuple(prints)


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_no_gui_or_cli(path):
    imported, imported_from, _ = _read(path)
    names = [*imported, *(module for module, level in imported_from if module and level == 0)]
    for name in names:
        assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_never_prints(path):
    calls = _read(path)[2]
    assert not calls, f"{path.name} calls print() on line {calls[0]}"


def test_cv2_only_through_the_qt_safe_import():
    """opencv-python rewrites Qt's plugin path on import; only core/cv.py may import it."""
    for path in CORE.parent.rglob("*.py"):
        if path.name == "cv.py":
            continue
        imported, imported_from, _ = _read(path)
        assert all(name != "cv2" for name in imported), f"{path} imports cv2 directly"
        assert all(module != "cv2" for module, _ in imported_from), \
            f"{path} imports from cv2 directly"


def test_onnxruntime_only_through_the_offline_switch():
    """onnxruntime sends telemetry from native code unless switched off before it loads: only
    core/offline.py may import it (it does so with the switch set, failing closed)."""
    for path in CORE.parent.rglob("*.py"):
        if path.name == "offline.py":
            continue
        imported, imported_from, _ = _read(path)
        assert all(not name.startswith("onnxruntime") for name in imported), \
            f"{path} imports onnxruntime directly"
        assert all(not (module or "").startswith("onnxruntime") for module, _ in imported_from), \
            f"{path} imports onnxruntime"


def test_import_linter_contracts_are_kept():
    """The layers in pyproject ([tool.importlinter]): launch > gui | cli > core; the core has no
    Qt or click; policy decides from plain data only."""
    import subprocess
    import sys

    root = CORE.parents[1]
    run = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import "
                          "lint_imports_command; sys.exit(lint_imports_command())"],
                         cwd=root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "BROKEN" not in run.stdout and "KEPT" in run.stdout


def test_every_package_ships_in_the_wheel():
    """pyproject lists the packages by hand (assets/ is mapped in): a new folder that is not
    listed would work in a checkout and be missing after `pip install .`."""
    import tomllib

    root = CORE.parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(p.parent.relative_to(root).parts)
             for p in (root / "photovet").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_every_data_file_in_the_package_ships_in_the_wheel():
    """A data file inside photovet/ (the English word list and its licence) is in the wheel
    only when [tool.setuptools.package-data] names it: without it the word list would load
    in a checkout and be missing after `pip install .`."""
    import fnmatch
    import tomllib

    root = CORE.parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages, data = set(config["packages"]), config["package-data"]
    files = [p for p in (root / "photovet").rglob("*") if p.is_file()
             and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert any(p.name == "english_words.txt.gz" for p in files)
    for p in files:
        pkg = p.parent
        while ".".join(pkg.relative_to(root).parts) not in packages:
            pkg = pkg.parent
        name = ".".join(pkg.relative_to(root).parts)
        rel = p.relative_to(pkg).as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in data.get(name, [])), \
            f"{p.relative_to(root)}: add it to [tool.setuptools.package-data] {name!r}"


def test_the_front_ends_never_act_as_a_named_tool():
    """``Access.system`` (every right, no account) is for tests and scripts; the app and the
    command line always act as the signed-in member of staff."""
    front = [p for sub in ("gui", "cli") for p in (CORE.parent / sub).rglob("*.py")]
    front.append(CORE.parent / "launch.py")
    for path in front:
        text = path.read_text(encoding="utf-8")
        assert "Access.system" not in text and "._system" not in text, path


def test_permissions_are_checked_in_one_place():
    """Roles are compared only in accounts.py: everything else asks ``Access.require`` /
    ``allowed`` with a permission name from accounts.PERMISSIONS."""
    import re

    for path in CORE.parent.rglob("*.py"):
        if path.name == "accounts.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""\.(has|roles)\(\s*["'](admin|approver|poster|preparer)""",
                             text), path
        assert not re.search(r"""["'](admin|approver|poster|preparer)["']\s+in\s+\w*\.?roles\(""",
                             text) or path.name == "users.py", path   # (a wording note only)


def _dev_tool(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (a dev extra: pip install -e '.[dev]')")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=CORE.parents[1],
                          capture_output=True, text=True, timeout=600)


def _mypy_cache() -> Path:
    """mypy's incremental cache for this checkout in the temporary folder, where a fresh clone
    at the same place (CI's) finds the last run's (s35: 22 of mypy's 24 CPU seconds are
    checking unchanged modules and numpy's stubs again). mypy checks again every module whose
    source changed and every module that depends on one whose interface changed, and starts
    afresh for another mypy, Python or set of options: an error in a changed file is found as
    by a run without a cache (s35: an error put in photovet/core/words.py failed the test)."""
    import hashlib
    import tempfile
    from importlib.metadata import version

    key = f"{CORE.parents[1]}|{version('mypy')}|{sys.version}"
    return Path(tempfile.gettempdir()) / \
        f"photovet-mypy-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def test_the_core_and_the_command_line_type_check():
    """mypy on photovet/core and photovet/cli with the project's settings ([tool.mypy] in
    pyproject; the command line since s33): clean. A finding that needs a design change gets a
    precise ``# type: ignore[code]`` with why."""
    _dev_tool("mypy")
    run = _run("mypy", "--no-error-summary", "--hide-error-context", "--cache-dir",
               str(_mypy_cache()))
    findings = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert run.returncode == 0 and not findings, (
        f"mypy found {len(findings)} problem(s) in photovet/core and photovet/cli:\n"
        + "\n".join(findings or [run.stdout[-4000:], run.stderr[-2000:]]))


def test_the_code_its_tests_and_benchmarks_are_lint_clean():
    """ruff with the project's rules ([tool.ruff] in pyproject) on the whole package (core,
    command line and app), the tests and the benchmarks."""
    _dev_tool("ruff")
    run = _run("ruff", "check", "--output-format", "concise", "--no-fix",
               "photovet", "tests", "bench")
    findings = [line for line in run.stdout.splitlines() if line.strip()
                and not line.startswith(("Found ", "[*]", "All checks passed"))]
    assert run.returncode == 0, ("ruff found problems:\n" + "\n".join(findings)
                                 + run.stderr[-2000:])


def test_no_core_test_file_shadows_the_shared_workspace_fixtures():
    """tests/core/conftest.py's ``ws`` and ``engine`` are the only fixtures by those names in
    tests/core: a file that needs another workspace or engine names its own for what it is
    (s33: 20 files defined a ``ws`` of their own and 8 an ``engine``, so which one a test got
    depended on the file it was in)."""
    import re

    here = Path(__file__).resolve().parent
    shadows = []
    for path in sorted(here.glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        if not re.search(r"\bdef\s+(ws|engine)\s*\(", text):
            continue        # no function by either name: nothing to parse (s35)
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and node.name in ("ws", "engine") and any(
                    "fixture" in ast.unparse(d) for d in node.decorator_list):
                shadows.append(f"{path.name}: {node.name}")
    assert not shadows, "fixtures shadowing tests/core/conftest.py's:\n" + "\n".join(shadows)
