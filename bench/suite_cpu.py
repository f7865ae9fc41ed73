"""Where the test suite's CPU goes, per module and per test (s37).

Wall times of a test run on a shared machine say more about the other processes than about the
tests; the CPU a test spends (its process's, and that of the processes it started and waited
for: a command run as ``python -m photovet``, a killed one) does not. As a pytest plugin, each
test worker appends one line per test phase to ``$SUITE_CPU_DIR/<worker>.tsv``:

    PYTHONPATH=bench SUITE_CPU_DIR=/tmp/cpu pytest -p suite_cpu [--timeout=0] ...

then ``python bench/suite_cpu.py /tmp/cpu [modules] [tests]`` lists the modules (and tests)
that spend the most. The PostgreSQL server's own CPU is not counted (another process tree).
Module-scoped fixtures are counted in their module's first test's set-up.
"""

from __future__ import annotations

import collections
import glob
import os
import resource
import sys
import time

import pytest

_out = None


def _write(line: str) -> None:
    global _out
    if _out is None:
        folder = os.environ.get("SUITE_CPU_DIR", ".")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _out = open(os.path.join(folder, f"{worker}.tsv"), "a", buffering=1, encoding="utf-8")
    _out.write(line + "\n")


def _cpu() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _phase(phase: str, item):
    t0, (own0, kids0) = time.time(), _cpu()
    yield
    t1, (own1, kids1) = time.time(), _cpu()
    _write(f"{t1:.3f}\t{phase}\t{t1 - t0:.3f}\t{own1 - own0:.3f}\t{kids1 - kids0:.3f}\t{item.nodeid}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield from _phase("setup", item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield from _phase("call", item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield from _phase("teardown", item)


def pytest_sessionfinish(session):
    own, kids = _cpu()          # the whole worker: collection and imports included
    _write(f"{time.time():.3f}\tsession\t0\t{own:.3f}\t{kids:.3f}\t-")


def main(folder: str, modules: int = 40, tests: int = 0) -> None:
    cpu: dict[str, float] = collections.defaultdict(float)
    wall: dict[str, float] = collections.defaultdict(float)
    per_test: dict[str, float] = collections.defaultdict(float)
    for path in sorted(glob.glob(os.path.join(folder, "*.tsv"))):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                _end, phase, w, own, kids, node = line.rstrip("\n").split("\t")
                if phase == "session":
                    print(f"{os.path.basename(path)}: the worker's CPU {float(own) + float(kids):.1f} s")
                    continue
                module = node.split("::")[0]
                cpu[module] += float(own) + float(kids)
                wall[module] += float(w)
                per_test[node] += float(own) + float(kids)
    total = sum(cpu.values())
    print(f"CPU in tests: {total:.1f} s; wall: {sum(wall.values()):.1f} s")
    for module, c in sorted(cpu.items(), key=lambda kv: -kv[1])[:modules]:
        print(f"{c:8.1f} {100 * c / max(total, 1e-9):5.1f}%  wall {wall[module]:7.1f}  {module}")
    for node, c in sorted(per_test.items(), key=lambda kv: -kv[1])[:tests]:
        print(f"{c:8.2f}  {node}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
