"""A consent cell's three states, as plain strings with no imports: the plain data
(``models.py``) and the shared words (``words.py``) both use them, and every command loads the
words at start-up (the plain data's classes cost more to load than some commands' work)."""

from __future__ import annotations

# Only YES allows anything; NOT_RECORDED is treated as No, but unlike NO (a parent said no) a
# person may show a face with a stated reason (see policy).
YES, NO, NOT_RECORDED = "yes", "no", "not recorded"

__all__ = ["NO", "NOT_RECORDED", "YES"]
