"""PhotoVet's desktop app (PySide6). Thin: every decision is made in photovet.core."""
