"""Every command and subcommand (including ones other parts add later) has help and --help works."""

from __future__ import annotations

import click
from click.testing import CliRunner

from photovet.cli import cli


def walk(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from walk(cmd, prefix + (name,))


def test_every_command_has_help():
    runner = CliRunner()
    commands = list(walk(cli))
    names = {" ".join(path) for path, _ in commands}
    assert {"inspect", "export"} <= names
    for path, cmd in [((), cli)] + commands:
        assert (cmd.help or cmd.short_help or "").strip(), f"'photovet {' '.join(path)}' has no help text"
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.hidden and param.name not in ("help", "version"):
                assert param.help, f"option {param.opts} of 'photovet {' '.join(path)}' has no help"


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in cli.list_commands(click.Context(cli)):
        if not cli.commands[name].hidden:
            assert name in result.output


def test_help_words_a_comms_lead_reads():
    """Audit s26 item 14: each text says what the person needs to type, in the right tense."""
    runner = CliRunner()
    posted = " ".join(runner.invoke(cli, ["posted", "--help"]).output.split())
    assert "Where they were posted" in posted and "will be posted" not in posted
    sar = " ".join(runner.invoke(cli, ["sar", "--help"]).output.split())
    assert "ID is the person's id in the register" in sar and "photovet register list" in sar
    done = " ".join(runner.invoke(cli, ["takedown", "done", "--help"]).output.split())
    assert "number shown in brackets by 'photovet takedown'" in done
    top = runner.invoke(cli, ["--help"]).output
    assert "Run with no command to open the app" in top
    listed = [line.split()[0] for line in top.split("Commands:")[1].splitlines() if line.strip()]
    assert "app" not in listed and "sar" in listed
    assert runner.invoke(cli, ["app", "--help"]).exit_code == 0  # still there for old scripts
