"""The command line: a thin layer over regen.api. The only module that prints or picks exit
codes, and the one place that catches broadly."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from regen import api
from regen.diff import change_diff
from regen.errors import ExitCode, Problem, RegenError
from regen.model import RegionKind, Status

ISSUES_URL = "https://github.com/regen-docs/regen/issues"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _report_problems(problems: Sequence[Problem], tail: str = "") -> int:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"regen: {_plural(len(problems), 'problem')} found{tail}", err=True)
    return ExitCode.INPUT_ERROR


NOTHING_WRITTEN = "; nothing was written"


class _UpdateByDefault(click.Group):
    """`regen PATHS...` means `regen update PATHS...`, as plain `regen` means `regen update`.

    A first argument that is no command but looks like a path (it exists, or has a '/' or a
    '.') is taken for one; anything else is still an unknown command, so a typo such as
    `regen chek` is not mistaken for a page.
    """

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        first = args[0] if args else ""
        if first not in self.commands and _looks_like_path(first):
            return "update", self.commands["update"], args
        return super().resolve_command(ctx, args)


def _looks_like_path(arg: str) -> bool:
    return bool(arg) and ("/" in arg or "." in arg or os.sep in arg or Path(arg).exists())


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=False))


@click.group(
    cls=_UpdateByDefault,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The configuration file (default: the nearest regen.toml or pyproject.toml with "
    "[tool.regen], from the current folder up).",
)
@click.version_option(
    None, "-V", "--version", package_name="regen", prog_name="regen", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None) -> int:
    """Keep generated regions of Markdown pages true to their CSV/JSON sources.

    Without a command, runs `regen update` (on PATHS, if given).
    """
    ctx.obj = config_file
    if ctx.invoked_subcommand is None:
        code: int = ctx.invoke(update_command, paths=())
        return code
    return ExitCode.OK


@cli.command("update")
@paths_argument
@click.pass_obj
def update_command(config_file: Path | None, paths: tuple[Path, ...]) -> int:
    """Rewrite every stale region in PATHS (default: every configured page).

    Nothing is written when any problem is found.
    """
    report = api.update(paths, config=config_file)
    written = set(report.written)
    for change in report.stale:
        if change.path in written:
            click.echo(f"updated {change.path} ({_plural(len(change.stale), 'region')})")
    if report.problems:
        return _report_problems(report.problems, "" if report.written else NOTHING_WRITTEN)
    regions = len(report.results)
    pages = len(report.changes)
    if report.written:
        click.echo(
            f"regen: rebuilt {report.count(Status.STALE)} of {_plural(regions, 'region')}, "
            f"in {len(report.written)} of {_plural(pages, 'page')}"
        )
    else:
        click.echo(
            f"regen: all {_plural(regions, 'region')} in {_plural(pages, 'page')} up to date"
        )
    return ExitCode.OK


@cli.command("check")
@paths_argument
@click.pass_obj
def check_command(config_file: Path | None, paths: tuple[Path, ...]) -> int:
    """Exit 1 and print a diff for each stale region in PATHS; write nothing."""
    report = api.check(paths, config=config_file)
    if report.problems:
        return _report_problems(report.problems)
    for change in report.stale:
        for result, lines in change_diff(change.results):
            click.echo(
                f"{result.path}:{result.region.line}: region {result.region.uuid} is stale "
                "(run 'regen update' to rebuild it)"
            )
            for line in lines:
                click.echo(line)
    regions = len(report.results)
    stale = report.count(Status.STALE)
    if stale:
        click.echo(
            f"regen: {stale} of {_plural(regions, 'region')} stale in "
            f"{_plural(len(report.stale), 'page')} (run 'regen update')"
        )
        return ExitCode.STALE
    click.echo(
        f"regen: all {_plural(regions, 'region')} in "
        f"{_plural(len(report.changes), 'page')} up to date"
    )
    return ExitCode.OK


@cli.command("list")
@paths_argument
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def list_command(config_file: Path | None, paths: tuple[Path, ...], as_json: bool) -> int:
    """List every region: where, kind, uuid, generator, sources and status."""
    report = api.check(paths, config=config_file)
    rows: list[dict[str, Any]] = [
        {
            "path": r.path,
            "line": r.region.line,
            "kind": "blurb" if r.region.kind is RegionKind.BLURB else "generated",
            "uuid": r.region.uuid,
            "generator": r.spec.generator if r.spec else None,
            "sources": list(r.sources),
            "status": r.status.value,
        }
        for r in report.results
    ]
    if as_json:
        document = {"regions": rows, "problems": [_problem_json(p) for p in report.problems]}
        click.echo(json.dumps(document, indent=2))
    else:
        for row in rows:
            click.echo(
                f"{row['path']}:{row['line']}\t{row['kind']}\t{row['uuid']}\t"
                f"{row['generator'] or '-'}\t{','.join(row['sources']) or '-'}\t{row['status']}"
            )
        if report.problems:
            return _report_problems(report.problems)
    return ExitCode.INPUT_ERROR if report.problems else ExitCode.OK


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "message": problem.message,
        "hint": problem.hint,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code; never raises. REGEN_DEBUG=1 adds the
    traceback of an error to its one-line message."""
    debug = os.environ.get("REGEN_DEBUG") == "1"
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="regen", standalone_mode=False
        )
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("regen: interrupted", err=True)
        return ExitCode.INTERRUPTED
    except RegenError as exc:
        if debug:
            traceback.print_exc()
        return _report_problems(exc.problems, NOTHING_WRITTEN)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(
            f"regen: internal error: {type(exc).__name__}: {exc} (this is a bug in regen; "
            f"please report it at {ISSUES_URL} with the output of REGEN_DEBUG=1 regen ...)",
            err=True,
        )
        return ExitCode.INTERNAL_ERROR
    return int(code) if isinstance(code, int) else ExitCode.OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
