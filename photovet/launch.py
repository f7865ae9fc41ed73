"""The ``photovet`` program: the command line, which opens the desktop app when no command is
given. The one place that knows both front ends (see the import-linter layers in pyproject)."""

from __future__ import annotations

from collections.abc import Iterable


def open_app() -> int:
    from photovet.gui.app import run  # noqa: PLC0415  (Qt is loaded only when a window is wanted)

    return run()


def main(argv: Iterable[str] | None = None) -> None:
    from photovet.cli import main as cli_main  # noqa: PLC0415

    cli_main(argv, open_app=open_app)


if __name__ == "__main__":  # pragma: no cover
    main()
