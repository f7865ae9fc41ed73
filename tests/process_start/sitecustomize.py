"""Start-up of every Python process a test starts (tests/conftest.py puts this folder first on
``PYTHONPATH`` for the session): argon2 at its cheapest there too, as in the test's own process
(``cheap_key_work`` in tests/conftest.py), through the same public hooks
(``accounts.set_hasher``, ``keys.KDF``), set when PhotoVet imports those modules.

Without it every ``python -m photovet ...`` a test starts checked the password at argon2's real
cost (64 MiB, 4 lanes: 0.15 of the 0.9 CPU seconds of an export of 8 small photos), the first
one upgrading the test's cheap hash to the real cost for every sign-in after it, the test's own
too: the kill campaign alone starts about 200 such processes. Nothing is imported here at
start-up (tests/cli/test_startup.py checks what a command imports)."""

from __future__ import annotations

import sys

_CHEAP = {"photovet.core.accounts", "photovet.core.keys"}


def _cheapen(name: str, module) -> None:
    if name == "photovet.core.accounts":
        from argon2 import PasswordHasher, profiles

        module.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    else:
        module.KDF.update(time_cost=1, memory_cost=8192, parallelism=1)


class _CheapKeyWork:
    """A finder that finds nothing itself: it wraps the loader of the two modules above so that
    they are made cheap as soon as they are imported."""

    def find_spec(self, name, path=None, target=None):
        if name not in _CHEAP:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module):
            run(module)
            _cheapen(name, module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec

    def invalidate_caches(self) -> None:
        pass


sys.meta_path.insert(0, _CheapKeyWork())
