"""The command line: a thin layer over regen.api. The only module that prints or picks exit
codes, and the one place that catches broadly."""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeVar, cast

import click

from regen import api
from regen.affected import Change
from regen.config import Config
from regen.diff import change_diff, edit_diff, region_diff
from regen.discover import discover, matches, relative
from regen.errors import ExitCode, Problem, RegenError
from regen.generators import default_registry
from regen.git import show_prefix
from regen.lockfile import LOCK_FILE
from regen.model import RegionKind, RegionResult, Status
from regen.sources import holds_conflict

if TYPE_CHECKING:  # the commands that need more import it when they run: start-up is felt
    from regen.importer import ImportPlan

ISSUES_URL = "https://github.com/regen-docs/regen/issues"
NOTHING_WRITTEN = "; nothing was written"
F = TypeVar("F", bound=Callable[..., Any])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _say_unused(report: api.Report) -> None:
    """The configured regions on no page: a note, not a problem (an entry may be written
    before the page that will hold it)."""
    if not report.unused:
        return
    where = [f"{spec.file}:{spec.line}" for spec in report.unused[:3]]
    more = f" and {len(report.unused) - 3} more" if len(report.unused) > 3 else ""
    its = "its markers on a page, or remove its entry"
    if len(report.unused) > 1:
        its = "their markers on pages, or remove their entries"
    _echo(
        f"regen: note: {_plural(len(report.unused), 'configured region')} on no page"
        f" ({', '.join(where)}{more}); put {its}",
        err=True,
    )


class _OutputClosed(Exception):
    """The reader of the output went away (`regen list | head`), or the output cannot be
    written (a full disk: `why` says so). Not an OSError, which click would turn into exit
    code 1: that means "stale" here."""

    def __init__(self, why: str | None = None) -> None:
        super().__init__(why)
        self.why = why


def _echo(text: str = "", *, err: bool = False) -> None:
    # NO_COLOR (https://no-color.org) wins over a terminal; elsewhere click drops the colour
    # when the output is not a terminal.
    color = False if os.environ.get("NO_COLOR") else None
    try:
        try:
            click.echo(text, err=err, color=color)
        except UnicodeEncodeError:
            # A page named in bytes that are not UTF-8 (legal on Linux; Python keeps them as
            # surrogates), on an output that takes UTF-8 alone: each such byte shown as �;
            # on an output of another encoding, what it cannot hold shown as ?.
            shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            encoding = getattr(sys.stderr if err else sys.stdout, "encoding", None) or "utf-8"
            shown = shown.encode(encoding, "replace").decode(encoding)
            click.echo(shown, err=err, color=color)
    except BrokenPipeError:
        raise _OutputClosed from None
    except OSError as exc:  # a full disk, say: said on stderr if it can be
        raise _OutputClosed(exc.strerror or str(exc)) from None


def _say_waiting(why: str) -> None:
    """Said while a run waits for another's lock on the tree."""
    _echo(f"regen: {why}", err=True)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's last flush at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # captured in tests
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _report_problems(problems: Sequence[Problem], tail: str = "") -> int:
    for problem in problems:
        _echo(str(problem), err=True)
    _echo(f"regen: {_plural(len(problems), 'problem')} found{tail}", err=True)
    return ExitCode.INPUT_ERROR


@dataclass(frozen=True)
class Settings:
    """The group's options, passed to every command."""

    config: Path | None
    cache: bool


class _UpdateByDefault(click.Group):
    """`regen PATHS...` means `regen update PATHS...`, as plain `regen` means `regen update`.

    A first argument that is no command but looks like a path (it exists, or has a '/' or a
    '.') is taken for one; anything else is still an unknown command, so a typo such as
    `regen chek` is not mistaken for a page.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`regen --force` is `regen update --force`: an option that is not the group's own
        starts the update command's arguments, unless a command follows the options (`regen
        -q check` is `regen check -q`)."""
        own = {name for param in self.params for name in getattr(param, "opts", ())}
        own.update(ctx.help_option_names)
        index = 0
        while index < len(args):
            name = args[index].split("=", 1)[0]
            if name not in own:
                break
            index += 2 if name == "--config" and "=" not in args[index] else 1
        if index < len(args) and args[index].startswith("-") and args[index] != "--":
            valued = {"--config", *_valued(self.commands.values())}  # `--since REF` takes REF
            after = index
            while after < len(args) and args[after].startswith("-") and args[after] != "--":
                takes = args[after] in valued  # (`--since=REF` holds its value)
                after += 2 if takes else 1
            if after < len(args) and args[after] in self.commands:  # `regen -q check`
                args = [*args[:index], args[after], *args[index:after], *args[after + 1 :]]
            else:
                args = [*args[:index], "update", *args[index:]]
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        first = args[0] if args else ""
        if first not in self.commands and _looks_like_path(first):
            return "update", self.commands["update"], args
        return super().resolve_command(ctx, args)


def _valued(commands: Iterable[click.Command]) -> set[str]:
    """The names of the commands' options that take a value."""
    return {
        name
        for command in commands
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for name in param.opts
    }


def _print_traceback() -> None:
    import traceback  # only with REGEN_DEBUG: not on every run's start-up

    traceback.print_exc()


def _looks_like_path(arg: str) -> bool:
    return bool(arg) and ("/" in arg or "." in arg or os.sep in arg or Path(arg).exists())


def _selection(command: F) -> F:
    """PATHS, and the options that pick pages by what changed."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--changed",
            is_flag=True,
            help="Only the pages affected by what changed in the work tree and index against "
            "HEAD: changed pages, pages built from changed sources or configuration entries.",
        ),
        click.option("--staged", is_flag=True, help="As --changed, for the index alone."),
        click.option(
            "--since",
            metavar="REF",
            help="As --changed, for everything since the merge base of REF and HEAD "
            "(in CI: --since origin/main).",
        ),
        click.option(
            "--affected",
            is_flag=True,
            help="PATHS are changed files of any kind (pages, sources, configuration): act on "
            "the pages they affect. This is what the pre-commit hooks run.",
        ),
    ]

    @functools.wraps(command)
    def gathered(
        *args: Any,
        command_config: Path | None,
        command_no_cache: bool,
        paths: tuple[Path, ...],
        changed: bool,
        staged: bool,
        since: str | None,
        affected: bool,
        **kwargs: Any,
    ) -> Any:
        picked = _Picked(command_config, command_no_cache, paths, changed, staged, since, affected)
        return command(*args, picked=picked, **kwargs)

    wrapped: Any = gathered
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, _no_cache_option(_config_option(wrapped)))


@dataclass(frozen=True)
class _Picked:
    """The page-selecting options of update, check and list, as given after the command."""

    config: Path | None
    no_cache: bool
    paths: tuple[Path, ...]
    changed: bool
    staged: bool
    since: str | None
    affected: bool


class _Selection(NamedTuple):
    paths: tuple[Path, ...]
    change: Change | None
    config: Config | Path | None
    cache: bool


def _selection_of(settings: Settings, picked: _Picked) -> _Selection:
    """The pages named, the change that selects pages, the configuration and whether to use
    the cache: the options given before the command and after it, merged."""
    config_file = picked.config or settings.config
    cache = settings.cache and not picked.no_cache
    paths, changed, staged = picked.paths, picked.changed, picked.staged
    since, affected = picked.since, picked.affected
    chosen = [
        name
        for name, on in [
            ("--changed", changed),
            ("--staged", staged),
            ("--since", since is not None),
            ("--affected", affected),
        ]
        if on
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} exclude each other; choose one")
    if since is not None and not since.strip():
        raise click.UsageError("--since needs a ref (is the CI variable that names it empty?)")
    if not chosen:
        return _Selection(paths, None, config_file, cache)
    if affected:  # git lists the staged deletions while the configuration is read
        deletions = api.deletions_asked(config_file)
        try:
            config = api.configuration(config_file, cache=cache)
        finally:
            deleted = deletions()
        return _Selection((), api.change_from_paths(config, paths, deleted), config, cache)
    config = api.configuration(config_file, cache=cache)
    return _Selection(paths, api.change_from_git(config, since=since, staged=staged), config, cache)


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
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build every region from its sources, without reading or writing .regen-cache/.",
)
@click.version_option(
    None, "-V", "--version", package_name="regen", prog_name="regen", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, no_cache: bool) -> int:
    """Keep generated regions of Markdown pages true to their CSV/JSON sources.

    Without a command, runs `regen update` (on PATHS, if given).
    """
    ctx.obj = Settings(config_file, not no_cache)
    if ctx.invoked_subcommand is None:
        code: int = ctx.invoke(update_command)
        return code
    return ExitCode.OK


def _no_cache_option(command: F) -> F:
    return click.option(
        "--no-cache", "command_no_cache", is_flag=True, help="As `regen --no-cache COMMAND`."
    )(command)


def _config_option(command: F) -> F:
    """--config after the command too, as hooks pass their arguments there."""
    return click.option(
        "--config",
        "command_config",
        type=click.Path(path_type=Path, dir_okay=False),
        help="The configuration file (as `regen --config FILE COMMAND`).",
    )(command)


def _verbosity(command: F) -> F:
    return _verbosity_saying("Print only problems.")(command)


def _verbosity_saying(quiet: str) -> Callable[[F], F]:
    """-q (saying what it still prints) and -v."""

    def options(command: F) -> F:
        command = click.option("-q", "--quiet", is_flag=True, help=quiet)(command)
        verbose = click.option(
            "-v", "--verbose", is_flag=True, help="Also print every region's status."
        )
        return verbose(command)

    return options


def _one_verbosity(quiet: bool, verbose: bool) -> None:
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")


def _checked(settings: Settings, picked: _Picked, every_region: bool = True) -> api.Report:
    """What check and list report; a problem in choosing the pages is in the report too, so
    that it comes out in the format asked for (JSON, annotations)."""
    try:
        chosen = _selection_of(settings, picked)
    except RegenError as exc:
        return api.Report((), exc.problems)
    return api.check(
        chosen.paths,
        config=chosen.config,
        change=chosen.change,
        cache=chosen.cache,
        every_region=every_region,
    )


@cli.command("update")
@_selection
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="Exit 1 when a page was rewritten, so that a git hook stops the commit.",
)
@click.option(
    "--keep-edited",
    is_flag=True,
    help="Refuse to rebuild a generated region edited by hand (by default its edit is printed "
    "and discarded).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite blurb copies edited by hand with their master (the edits are printed).",
)
@_verbosity
@click.pass_obj
def update_command(
    settings: Settings,
    picked: _Picked,
    fail_on_change: bool = False,
    keep_edited: bool = False,
    force: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    """Rewrite every stale region in PATHS (default: every configured page), and regen.lock.

    A generated region edited by hand is rebuilt, and its edit printed. A blurb copy edited
    by hand stops the run: `regen adopt PAGE:LINE` makes it the master, --force discards it.
    Nothing is written when any problem is found.
    """
    _one_verbosity(quiet, verbose)
    chosen = _selection_of(settings, picked)
    report = api.update(
        chosen.paths,
        config=chosen.config,
        change=chosen.change,
        cache=chosen.cache,
        on_wait=_say_waiting,
        keep_edited=keep_edited,
        force=force,
        every_region=verbose,  # else only the pages written are kept
    )
    return _print_update(report, quiet=quiet, verbose=verbose, fail_on_change=fail_on_change)


def _print_update(
    report: api.Report,
    *,
    quiet: bool,
    verbose: bool,
    fail_on_change: bool = False,
    summary: bool = True,
) -> int:
    """What update and adopt say: the pages written, the hand edits discarded, problems."""
    written = set(report.written)
    if verbose:
        _print_statuses(report.results)
    for page in report.stale:
        if page.path not in written:
            continue
        if not quiet:
            _echo(f"updated {page.path} ({_plural(len(page.stale), 'region')})")
        for result in page.stale:
            if result.status.edited:  # printed even with --quiet: it is lost from the page
                _print_discarded(report, result)
    if report.problems:
        anything = report.written or report.also_written
        return _report_problems(report.problems, "" if anything else NOTHING_WRITTEN)
    regions, pages = report.regions, report.pages
    if quiet or not summary:
        pass
    elif report.written:
        rebuilt = report.count(Status.STALE, Status.EDITED, Status.EDITED_STALE)
        _echo(
            f"regen: rebuilt {rebuilt} of {_plural(regions, 'region')}, "
            f"in {len(report.written)} of {_plural(pages, 'page')}"
        )
    else:
        recorded = "; recorded them in regen.lock" if LOCK_FILE in report.also_written else ""
        _echo(
            f"regen: all {_plural(regions, 'region')} in {_plural(pages, 'page')} up to date"
            + recorded
        )
    if not quiet:
        _say_unused(report)
    if fail_on_change and (report.written or report.also_written):
        what = " and ".join([*(["pages"] if report.written else []), *report.also_written])
        verb = "was" if what == LOCK_FILE else "were"
        # Paths are shown from the configuration's folder; git adds them from the top.
        below = _workspace_prefix(report)
        add = f"git add them (the paths above are within {below})" if below else "git add them"
        _echo(f"regen: {what} {verb} rewritten; review them, {add}, and commit again", err=True)
        return ExitCode.STALE
    return ExitCode.OK


@cli.command("adopt")
@click.argument("where", metavar="PAGE:LINE")
@click.option(
    "--force",
    is_flag=True,
    help="Also overwrite other copies edited by hand (their edits are printed).",
)
@_config_option
@_verbosity
@click.pass_obj
def adopt_command(
    settings: Settings,
    where: str,
    force: bool,
    command_config: Path | None,
    quiet: bool,
    verbose: bool,
) -> int:
    """Make the blurb copy at PAGE:LINE (a line of its markers or text) the blurb's master,
    and spread it to every page. Nothing is written when another copy holds a different hand
    edit, unless --force."""
    _one_verbosity(quiet, verbose)
    page, _, number = where.rpartition(":")
    if not page or not number.isdigit() or int(number) < 1:
        raise click.UsageError(f"'{where}' is not PAGE:LINE (as in docs/intro.md:42)")
    report = api.adopt(
        page,
        int(number),
        config=command_config or settings.config,
        force=force,
        on_wait=_say_waiting,
    )
    code = _print_update(report, quiet=quiet, verbose=verbose, summary=False)
    if code == ExitCode.OK and not quiet:
        if report.root is not None:  # shown from the configuration's folder, as every path
            where = f"{relative(report.root, api.named_page(report.root, page))}:{number}"
        master = [other for other in report.also_written if other != LOCK_FILE]
        if master:
            copies = _plural(len(report.written), "page")
            _echo(f"regen: {master[0]} now holds the copy at {where}; spread to {copies}")
        else:
            _echo(f"regen: the copy at {where} is the master already")
    return code


@cli.command("check")
@_selection
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="github: also GitHub Actions annotations; json: one JSON document, for other CI.",
)
@_verbosity_saying("Print only problems, and one line a stale region (no diff).")
@click.pass_obj
def check_command(
    settings: Settings,
    picked: _Picked,
    output: str,
    quiet: bool,
    verbose: bool,
) -> int:
    """Exit 1 and print a diff for each region in PATHS that is stale or edited by hand (or
    when regen.lock does not record what the pages hold); write nothing."""
    _one_verbosity(quiet, verbose)
    every_region = verbose or output == "json"  # else only what is stale is kept
    report = _checked(settings, picked, every_region)
    stale = report.count(Status.STALE, Status.EDITED, Status.EDITED_STALE)
    edited = report.count(Status.EDITED, Status.EDITED_STALE)
    behind = report.lock_outdated
    code = (
        ExitCode.INPUT_ERROR
        if report.problems
        else ExitCode.STALE
        if stale or behind
        else ExitCode.OK
    )
    if output == "json":
        _echo(json.dumps(_report_json(report), indent=2))
        return code
    prefix = _workspace_prefix(report) if output == "github" else ""
    if output == "github":
        base = report.root if report.root is not None else Path.cwd()
        for problem in report.problems:
            # A problem of the run (a --since that does not resolve) is about no file.
            # (An absolute path is outside the workspace, as GitHub reads file=: none.)
            inside = not Path(problem.path).is_absolute() and (base / problem.path).exists()
            about = prefix + problem.path if inside else None
            # Where it is goes in the annotation's properties, not again in its text (as for
            # a stale region: "what is wrong; how to fix it").
            if about is None:
                text = str(problem)
            else:
                text = f"{problem.message}; {problem.hint}" if problem.hint else problem.message
            _echo(_annotation(about, problem.line, text))
    if verbose and not report.problems:
        _print_statuses(report.results)
    # Stale regions are listed even when problems stop the run (after them): fixing those
    # must not be followed by a second failure that this run already knew of. Not when they
    # were built from inputs the commit does not hold (--staged, with unstaged changes).
    for page in () if report.unstaged else report.stale:
        for result, lines in change_diff(page.results):
            message, hint = _why_outdated(result)
            _echo(f"{result.path}:{result.region.line}: {message} ({hint})")
            if output == "github":
                _echo(_annotation(prefix + result.path, result.region.line, f"{message}; {hint}"))
            if quiet:
                continue
            if result.status.edited:
                for line in _edit_lines(report, result):
                    _echo(_coloured(line))
            if result.status is not Status.EDITED:  # what update writes, unless only edited
                for line in lines:
                    _echo(_coloured(line))
    if report.problems:
        listed = stale and not report.unstaged
        also = f"; and {_plural(stale, 'region')} stale, listed above" if listed else ""
        return _report_problems(report.problems, also)
    if behind:
        message, hint = LOCK_BEHIND
        _echo(f"{LOCK_FILE}: {message} ({hint})")
        if output == "github":
            _echo(_annotation(prefix + LOCK_FILE, None, f"{message}; {hint}"))
    regions = report.regions
    if quiet:
        return code
    _say_unused(report)
    if stale:
        also = f", {edited} of them edited by hand," if edited else ""
        blurbs = any(r.status.edited and r.region.kind is RegionKind.BLURB for r in report.results)
        then = "; an edited blurb needs 'regen adopt' or --force" if blurbs else ""
        _echo(
            f"regen: {stale} of {_plural(regions, 'region')} stale{also} in "
            f"{_plural(len(report.stale), 'page')} (run 'regen update'{then})"
        )
    else:
        _echo(
            f"regen: all {_plural(regions, 'region')} in "
            f"{_plural(report.pages, 'page')} up to date"
            + (f", but not {LOCK_FILE} (run 'regen update')" if behind else "")
        )
    return code


# A lock that disagrees with fresh pages was not committed with them: the next hand edit
# would be misread. Said once, as a stale region is.
LOCK_BEHIND = (
    "does not record what the pages hold",
    "run 'regen update', and commit regen.lock with the pages",
)


@cli.command("list")
@_selection
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def list_command(
    settings: Settings,
    picked: _Picked,
    as_json: bool,
) -> int:
    """List every region: where, kind, uuid, generator, configuration entry, sources and
    status."""
    report = _checked(settings, picked)
    rows = [_region_json(r) for r in report.results]
    if as_json:
        document = {"regions": rows, "problems": [_problem_json(p) for p in report.problems]}
        _echo(json.dumps(document, indent=2))
    else:
        for row in rows:
            entry = f"{row['config']['file']}:{row['config']['line']}" if row["config"] else "-"
            _echo(
                f"{row['path']}:{row['line']}\t{row['kind']}\t{row['uuid']}\t"
                f"{row['generator'] or '-'}\t{entry}\t{','.join(row['sources']) or '-'}\t"
                f"{row['status']}"
            )
        if report.problems:
            return _report_problems(report.problems)
    return ExitCode.INPUT_ERROR if report.problems else ExitCode.OK


@cli.command("install-hook")
@_config_option
@click.pass_obj
def install_hook_command(settings: Settings, command_config: Path | None) -> int:
    """Write a git pre-commit hook that runs `regen update --staged --fail-on-change`.

    For teams that do not use the pre-commit framework (for those, see the README). A hook
    regen did not write is never replaced. The hook names the configuration it was installed
    with (--config, or the nearest one from here), so that it works from the top of the work
    tree, where git runs hooks.
    """
    from regen.hook import install_hook

    config = api.configuration(command_config or settings.config)
    hook = install_hook(Path.cwd(), config.root.resolve() / config.file)
    _echo(f"regen: installed {hook}")
    return ExitCode.OK


@cli.command("new")
@click.argument("generator")
@click.option(
    "--set",
    "settings_",
    multiple=True,
    metavar="KEY=VALUE",
    help="An option of the entry (TOML value, or a plain string): --set source=skus.csv.",
)
@click.option("--html", is_flag=True, help="HTML comment markers, for Markdown without Handlebars.")
@click.option(
    "--page", type=click.Path(path_type=Path, dir_okay=False), help="Insert the markers here."
)
@click.option("--after-line", type=int, default=None, help="With --page: after this line (0: top).")
@_config_option
@click.pass_obj
def new_command(
    settings: Settings,
    generator: str,
    settings_: tuple[str, ...],
    html: bool,
    page: Path | None,
    after_line: int | None,
    command_config: Path | None,
) -> int:
    """Make a region with a fresh uuid for GENERATOR: print its markers, add its entry to the
    configuration (a blurb gets an empty master file instead), and with --page put the markers
    in place. Then run `regen update` to fill it."""
    from regen.scaffold import (
        check_entry,
        known_generator,
        new_region,
        parse_settings,
        with_entry,
        with_markers,
    )
    from regen.write import PageWrite, write_pages

    if (page is None) != (after_line is None):
        raise click.UsageError("--page and --after-line go together")
    config = api.configuration(command_config or settings.config)
    known_generator(generator, list(default_registry()))
    region = new_region(config, generator, parse_settings(settings_), html=html)
    root = config.root.resolve()
    writes = []
    entry = with_entry(root / config.file, region)
    if entry is not None:
        check_entry(entry, root / config.file, region.uuid)
        writes.append(entry)
    if page is not None and after_line is not None:
        target = api.named_page(root, page)
        name = relative(root, target)
        marked = with_markers(target, name, after_line, region)
        if not _a_page(config, name):
            raise RegenError.at(
                name,
                None,
                f"is not one of the pages: {_why_not_a_page(config, name)}, so its region"
                " would never be filled",
                "give a page regen reads",
            )
        writes.append(marked)
    if region.master is not None and not (root / region.master).exists():
        writes.append(PageWrite(root / region.master, b"", region.master, None))
    from regen.lock import run_lock

    with run_lock(root, on_wait=_say_waiting):
        write_pages(writes)  # the entry, the page and the blurb's master together, or none
    _echo(region.begin)
    _echo(region.end)
    if region.entry:
        _echo(f'regen: added [{config.prefix}regions."{region.uuid}"] to {config.file}', err=True)
    if region.master is not None:
        _echo(f"regen: its text goes in {region.master}", err=True)
    if page is not None:
        _echo(f"regen: put the markers in {page} after line {after_line}", err=True)
    return ExitCode.OK


def _a_page(config: Config, name: str) -> bool:
    """Whether a run over every page reads the page `name`: discovery's own rule."""
    try:
        return name in discover(config)
    except RegenError:  # no page at all
        return False


def _why_not_a_page(config: Config, name: str) -> str:
    where = f"{config.prefix}%s in {config.file}"
    if not matches(name, config.pages):
        return f"{where % 'pages'} does not take it"
    if matches(name, config.exclude):
        return f"{where % 'exclude'} leaves it out"
    return "regen never reads it (in a hidden or git-ignored folder, or a blurb master)"


@cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--prefer",
    multiple=True,
    metavar="PAGE",
    type=click.Path(path_type=Path),
    help="Where copies of a region differ, take the one on PAGE (else the most common).",
)
@click.option(
    "--normalize",
    is_flag=True,
    help="Also import a table regen would lay out otherwise (|---|, padded cells, other blank "
    "lines): it is rewritten in regen's layout, and the rewrite printed as a diff.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be imported; write nothing.")
@_config_option
@click.pass_obj
def import_command(
    settings: Settings,
    paths: tuple[Path, ...],
    prefer: tuple[Path, ...],
    normalize: bool,
    dry_run: bool,
    command_config: Path | None,
) -> int:
    """Turn the regions in PATHS (default: every configured page) that no configuration
    knows into sources and entries: a table becomes a CSV in sources/imported/ and a `table`
    entry, a blurb its master. Copies that differ are rewritten to the one taken. A region
    regen cannot build back byte for byte is kept as it is, by a `keep` entry. Without a
    configuration, regen.toml is made here."""
    from regen.importing import import_regions  # here: its modules cost every run's start-up

    plan = import_regions(
        paths,
        config=command_config or settings.config,
        prefer=prefer,
        dry_run=dry_run,
        on_wait=_say_waiting,
        normalize=normalize,
    )
    if plan.problems:
        return _report_problems(plan.problems, "" if plan.written else NOTHING_WRITTEN)
    _print_import(plan, dry_run)
    return ExitCode.OK


def _print_import(plan: ImportPlan, dry_run: bool) -> None:
    def verb(past: str, present: str) -> str:
        return f"would {present}" if dry_run else past

    for choice in plan.choices:
        what = "blurb" if choice.kind is RegionKind.BLURB else "region"
        _echo(f"{what} {choice.uuid} has {len(choice.variants)} variants:")
        for number, variant in enumerate(choice.variants):
            mark = f"  <- taken: {choice.why}" if number == choice.taken else ""
            _echo(f"  {number + 1}. {', '.join(c.where for c in variant.copies)}{mark}")
    for rewrite in plan.rewritten:
        uuid = rewrite.result.region.uuid
        how = "in regen's table layout" if rewrite.normalized else "as taken"
        _echo(f"{rewrite.copy.where}: {verb('rewrote', 'rewrite')} this copy of {uuid} {how}")
        for _, lines in change_diff([rewrite.result]):
            for line in lines:
                _echo(_coloured(line))
    for imported in plan.imported:
        what = "blurb" if imported.kind is RegionKind.BLURB else "region"
        copies = len(imported.copies)
        more = f" ({copies} copies)" if copies > 1 else ""
        where = imported.first.where
        _echo(
            f"{verb('imported', 'import')} {where} {what} {imported.uuid} -> {imported.file}{more}"
        )
    for left in plan.left:
        for line in left.lines():
            _echo(line)
    for copy in plan.drifted:
        _echo(
            f"{copy.where}: blurb {copy.region.uuid} differs from its master: "
            f"{verb('kept', 'keep')} as a hand edit ('regen adopt {copy.where}' makes it the "
            "master; 'regen update --force' takes the master)"
        )
    tables, blurbs = plan.count(RegionKind.GENERATED), plan.count(RegionKind.BLURB)
    if plan.imported or plan.left or plan.config_created:
        added_entries = tables + len(plan.left)  # a table's entry, or a keep entry
        entries = f"{added_entries} {'entry' if added_entries == 1 else 'entries'}"
        added = f"{verb('added', 'add')} {entries} to {plan.config_file}"
        if plan.config_created:
            added = f"{verb('created', 'create')} {plan.config_file} with {entries}"
        pages = len({r.copy.path for r in plan.rewritten})
        rewrites = f", {verb('rewrote', 'rewrite')} {_plural(pages, 'page')}" if pages else ""
        _echo(f"regen: {added}{rewrites}")
    kept = len(plan.left)
    how = ' (generator = "keep")' if kept else ""
    _echo(
        f"regen: {verb('imported', 'import')} {_plural(len(plan.imported), 'region')} "
        f"({_plural(tables, 'table')}, {_plural(blurbs, 'blurb')}); "
        f"{kept} kept as {'it is' if kept == 1 else 'they are'}{how}; "
        f"{plan.skipped} configured already" + ("; nothing was written" if dry_run else "")
    )


# Output -------------------------------------------------------------------------------------


def _workspace_prefix(report: api.Report) -> str:
    """Paths are shown from the configuration's folder; GitHub places annotations by paths
    from the top of the repository."""
    return show_prefix(report.root) if report.root is not None else ""


def _coloured(line: str) -> str:
    if line.startswith(("+++", "---")):
        return click.style(line, bold=True)
    if line.startswith("+"):
        return click.style(line, fg="green")
    if line.startswith("-"):
        return click.style(line, fg="red")
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    return line


def _why_outdated(result: RegionResult) -> tuple[str, str]:
    """What is wrong with a region update would rewrite, and what to do about it."""
    uuid, where = result.region.uuid, f"{result.path}:{result.region.line}"
    status = result.status
    if not status.edited:
        return f"region {uuid} is stale", "run 'regen update' to rebuild it"
    also = ", and its sources changed" if status is Status.EDITED_STALE else ""
    if result.region.kind is RegionKind.BLURB:
        if holds_conflict(result.region.body, markdown=True):  # (adopt names its lines)
            return (
                f"blurb {uuid} holds a merge conflict{also}",
                "resolve it in the blurb's master; 'regen update --force' then copies that",
            )
        return (
            f"blurb {uuid} was edited by hand{also}",
            f"'regen adopt {where}' makes this copy the master; "
            "'regen update --force' discards the edit",
        )
    return (
        f"region {uuid} was edited by hand{also}",
        "'regen update' discards the edit: make the change in its sources",
    )


def _edit_lines(report: api.Report, result: RegionResult) -> list[str]:
    """The hand edit as a diff against what regen wrote, or why it cannot be shown."""
    from regen.edits import last_written  # git, only for a region edited by hand

    written = None if report.root is None else last_written(report.root, result)
    if written is None:
        return [
            "(what regen wrote here before is neither what it builds now nor in git's HEAD: "
            "the diff below is against what it builds now)"
        ]
    return list(edit_diff(result, written))


def _print_discarded(report: api.Report, result: RegionResult) -> None:
    _echo(
        f"regen: {result.path}:{result.region.line}: discarded a hand edit of "
        f"{'blurb' if result.region.kind is RegionKind.BLURB else 'region'} "
        f"{result.region.uuid}:",
        err=True,
    )
    lines = _edit_lines(report, result)
    if len(lines) == 1:  # not known: show what the page held against what replaced it
        lines += region_diff(result)
    for line in lines:
        _echo(_coloured(line), err=True)


def _print_statuses(results: Sequence[RegionResult]) -> None:
    for result in results:
        _echo(f"{result.path}:{result.region.line}: {result.region.uuid} {result.status.value}")


def _annotation(path: str | None, line: int | None, message: str) -> str:
    """A GitHub Actions workflow command: `::error file=...,line=...::message` (no file:
    `::error::message`)."""

    def escape(text: str, in_property: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if in_property else text

    if path is None:
        return f"::error::{escape(message)}"
    where = f"file={escape(path, True)}" + (f",line={line}" if line is not None else "")
    return f"::error {where}::{escape(message)}"


def _region_json(result: RegionResult) -> dict[str, Any]:
    spec = result.spec
    return {
        "path": result.path,
        "line": result.region.line,
        "kind": "blurb" if result.region.kind is RegionKind.BLURB else "generated",
        "uuid": result.region.uuid,
        "generator": spec.generator if spec else None,
        "config": (
            {"file": spec.file, "line": spec.line, "key": f'regions."{spec.uuid}"'}
            if spec is not None and spec.file is not None
            else None
        ),
        "sources": list(result.sources),
        "status": result.status.value,
    }


def _report_json(report: api.Report) -> dict[str, Any]:
    regions = []
    for page in report.changes:
        diffs = {r.region.line: lines for r, lines in change_diff(page.results)}
        for result in page.results:
            row = _region_json(result)
            row["diff"] = diffs.get(result.region.line)
            row["edit"] = _edit_lines(report, result) if result.status.edited else None
            regions.append(row)
    return {
        "regions": regions,
        "problems": [_problem_json(p) for p in report.problems],
        "summary": {
            "pages": report.pages,
            "regions": report.regions,
            "stale": report.count(Status.STALE),
            "edited": report.count(Status.EDITED),
            "edited+stale": report.count(Status.EDITED_STALE),
            "outdated": report.count(Status.STALE, Status.EDITED, Status.EDITED_STALE),
            "errors": report.count(Status.ERROR),
            "lock_outdated": report.lock_outdated,
        },
        "unused": [
            {"uuid": spec.uuid, "file": spec.file, "line": spec.line} for spec in report.unused
        ],
    }


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
    try:
        return _main(argv)
    except _OutputClosed as exc:  # while an error was said, on an output gone meanwhile
        return _output_closed(exc)


def _output_closed(exc: _OutputClosed) -> int:
    _silence_stdout()
    if exc.why:
        _say_output_lost(exc.why)
    return ExitCode.OUTPUT_CLOSED


def _main(argv: Sequence[str] | None) -> int:
    debug = os.environ.get("REGEN_DEBUG") == "1"
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="regen", standalone_mode=False
        )
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.ClickException as exc:
        # One line, as every other error: what is wrong, and where to read how it goes.
        command = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else "regen"
        _echo(f"{command}: {exc.format_message()} (see '{command} --help')", err=True)
        return ExitCode.USAGE
    except (KeyboardInterrupt, click.exceptions.Abort):
        _echo("regen: interrupted", err=True)
        return ExitCode.INTERRUPTED
    except _OutputClosed as exc:
        return _output_closed(exc)
    except RegenError as exc:
        if debug:
            _print_traceback()
        return _report_problems(exc.problems)
    except Exception as exc:
        if debug:
            _print_traceback()
        _echo(
            f"regen: internal error: {type(exc).__name__}: {exc} (this is a bug in regen; "
            f"please report it at {ISSUES_URL} with the output of REGEN_DEBUG=1 regen ...)",
            err=True,
        )
        return ExitCode.INTERNAL_ERROR
    return int(code) if isinstance(code, int) else ExitCode.OK


def run() -> NoReturn:
    """The `regen` command (and `python -m regen`): main(), then out at once. Taking the
    interpreter down object by object, after regen's modules, costs 9 ms, a tenth of a
    pre-commit run (click's alone, 5 ms): the output is flushed and any atexit handler run
    (a plugin's; what it prints flushed too), then the process ends without it, as mypy
    ends. With a thread still running (a plugin's), Python's own exit waits for it."""
    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    code = _flushed(code)
    atexit._run_exitfuncs()
    os._exit(_flushed(code))


def _flushed(code: int) -> int:
    """`code`, once what is printed is written; OUTPUT_CLOSED when it cannot be."""
    for stream in (sys.stdout, sys.stderr):  # None where the descriptor was closed
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # the reader went away after the last line (`| head`)
            code = ExitCode.OUTPUT_CLOSED
            _silence_stdout()
        except (OSError, ValueError) as exc:  # a full disk, or closed under us
            code = ExitCode.OUTPUT_CLOSED
            if stream is sys.stdout:
                _silence_stdout()
                _say_output_lost(getattr(exc, "strerror", None) or str(exc))
    return code


def _say_output_lost(why: str) -> None:
    """One line on stderr, where it can still be written."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"regen: its output could not be written ({why})\n")
        sys.stderr.flush()


if __name__ == "__main__":  # pragma: no cover
    run()
