"""After export: the records of what was exported and posted (exports.py), what must now be
taken down (takedown.py), and subject access reports (sar.py)."""
