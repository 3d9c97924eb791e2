from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from regen.errors import ExitCode
from tests.conftest import (
    BEGIN,
    BLURB,
    BLURB_BEGIN,
    BLURB_END,
    CONFIG,
    END,
    TABLE,
    UUID_A,
    UUID_B,
    UUID_BLURB,
    Repo,
    Runner,
    blurb,
    region,
)
from tests.test_workers import with_workers

STALE_PAGE = "# Carriers\n\n" + region(UUID_A, "\nold table\n\n\n") + "\nThe end.\n"
FRESH_PAGE = "# Carriers\n\n" + region(UUID_A, TABLE) + "\nThe end.\n"


def test_update_rewrites_stale_region_then_changes_nothing(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    first = run("update")
    assert (first.code, first.err) == (0, "")
    assert first.out == (
        "updated docs/a.md (1 region)\nregen: rebuilt 1 of 1 region, in 1 of 1 page\n"
    )
    assert repo.read("docs/a.md") == FRESH_PAGE
    before = repo.snapshot()
    second = run()
    assert (second.code, second.out) == (0, "regen: all 1 region in 1 page up to date\n")
    assert repo.snapshot() == before  # same bytes, same mtimes


def test_unchanged_pages_keep_their_mtime(repo: Repo, run: Runner) -> None:
    fresh = repo.write("docs/fresh.md", FRESH_PAGE)
    os.utime(fresh, ns=(1_000_000_000, 1_000_000_000))
    repo.write("docs/stale.md", STALE_PAGE)
    assert run("update").code == 0
    assert fresh.stat().st_mtime_ns == 1_000_000_000


def test_update_keeps_file_mode(repo: Repo, run: Runner) -> None:
    page = repo.write("docs/a.md", STALE_PAGE)
    page.chmod(0o640)
    assert run("update").code == 0
    assert page.stat().st_mode & 0o777 == 0o640
    assert not list(page.parent.glob("*.regen-tmp"))


def test_check_prints_a_diff_per_stale_region(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    before = repo.snapshot()
    result = run("check")
    assert result.code == ExitCode.STALE
    assert result.out == (
        f"docs/a.md:3: region {UUID_A} is stale (run 'regen update' to rebuild it)\n"
        "--- docs/a.md\n"
        "+++ docs/a.md (regenerated)\n"
        "@@ -4,4 +4,7 @@\n"
        " \n"
        "-old table\n"
        "+| Country | Carriers |\n"
        "+| :--- | :--- |\n"
        "+| Canada | Bell Mobility, Telus |\n"
        "+| Mexico | AT&T |\n"
        " \n"
        " \n"
        "regen: 1 of 1 region stale in 1 page (run 'regen update')\n"
    )
    assert repo.snapshot() == before


def test_check_after_a_source_edit_names_file_line_and_uuid(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH_PAGE)
    assert run("check").code == ExitCode.OK
    repo.write(
        "sources/carriers.csv", repo.read("sources/carriers.csv").replace("Telus", "Telus Mobility")
    )
    result = run("check")
    assert result.code == ExitCode.STALE
    assert f"docs/a.md:3: region {UUID_A} is stale" in result.out
    assert (
        "-| Canada | Bell Mobility, Telus |\n+| Canada | Bell Mobility, Telus Mobility |\n"
        in result.out
    )


def test_diff_numbers_new_side_after_earlier_regions_grow(repo: Repo, run: Runner) -> None:
    page = region(UUID_A, "") + "\n" + blurb(UUID_BLURB, "old\n")
    repo.write("docs/a.md", page)
    out = run("check").out
    # The blurb's body starts at line 5 of the page; the table above it adds 7 lines.
    assert "@@ -5 +12,3 @@\n-old\n+Shared text.\n+\n+Second paragraph.\n" in out


def test_unbalanced_marker_exits_3_and_writes_nothing(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    repo.write("docs/b.md", f"intro\n{BEGIN % UUID_A}\nthe rest of the page\n")
    before = repo.snapshot()
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.out == ""
    assert result.err == (
        f"docs/b.md:2: generated BEGIN marker {UUID_A} has no END "
        "(add its END line where the region stops)\n"
        "regen: 1 problem found; nothing was written\n"
    )
    assert repo.snapshot() == before


def test_unknown_uuid_is_an_error_not_an_emptied_region(repo: Repo, run: Runner) -> None:
    unknown = "0f8fad5b-d9cb-469f-a165-70867728950e"
    repo.write("docs/a.md", region(unknown, "precious\n"))
    before = repo.snapshot()
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"docs/a.md:1: unknown region uuid {unknown} "
        f'(add [regions."{unknown}"] to regen.toml, or remove the region\'s markers)'
    )
    assert repo.snapshot() == before


def test_every_problem_in_every_file_in_one_run(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", f"{END % UUID_A}\n")
    repo.write("docs/b.md", blurb("0f8fad5b-d9cb-469f-a165-70867728950e", "x\n"))
    repo.write("docs/c.md", b"caf\xe9\n")
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines() == [
        "docs/a.md:1: generated END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)",
        "docs/c.md:1: not valid UTF-8 (byte 0xe9 at offset 3) (re-save the file as UTF-8)",
        "docs/b.md:1: blurb 0f8fad5b-d9cb-469f-a165-70867728950e has no master text "
        "sources/blurbs/0f8fad5b-d9cb-469f-a165-70867728950e.md "
        "(create it with the blurb's text, or fix the uuid)",
        "regen: 3 problems found",
    ]


def test_crlf_page_with_bom_is_identical_outside_regions(repo: Repo, run: Runner) -> None:
    head = "\ufeff# Title  \r\n\r\nkeep\ttrailing   \r\n"
    tail = "\r\nno final newline"
    page = (
        head
        + f"{BEGIN % UUID_A}\r\nold\r\n{END % UUID_A}\r\n"
        + f"{BLURB_BEGIN % UUID_BLURB}\r\n{BLURB_END}\r\n"
        + tail
    )
    repo.write("docs/a.md", page.encode("utf-8"))
    assert run("update").code == 0
    data = repo.data("docs/a.md")
    expected = (
        head
        + f"{BEGIN % UUID_A}\r\n"
        + TABLE.replace("\n", "\r\n")
        + f"{END % UUID_A}\r\n"
        + f"{BLURB_BEGIN % UUID_BLURB}\r\n"
        + BLURB.replace("\n", "\r\n")
        + f"{BLURB_END}\r\n"
        + tail
    )
    assert data == expected.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf# Title")
    assert run("check").code == 0


def test_paths_limit_the_run(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    repo.write("docs/b.md", STALE_PAGE)
    assert run("update", "docs/b.md").code == 0
    assert repo.read("docs/a.md") == STALE_PAGE
    assert repo.read("docs/b.md") == FRESH_PAGE


def test_path_outside_the_repository_is_refused(repo: Repo, run: Runner) -> None:
    result = run("check", str(repo.root.parent))
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"{repo.root.parent}: outside the repository (name pages below {repo.root.resolve()})"
    )


def test_missing_path_is_an_input_error(run: Runner) -> None:
    result = run("check", "docs/nope.md")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == "docs/nope.md: no such file or folder (check the path)"


def test_list_shows_every_region(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE + blurb(UUID_BLURB, BLURB))
    result = run("list")
    assert result.code == 0
    assert result.out == (
        f"docs/a.md:3\tgenerated\t{UUID_A}\ttable\tregen.toml:3\tsources/carriers.csv\tstale\n"
        f"docs/a.md:11\tblurb\t{UUID_BLURB}\tblurb\t-\tsources/blurbs/{UUID_BLURB}.md\tfresh\n"
    )


def test_list_json(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH_PAGE)
    result = run("list", "--json")
    assert json.loads(result.out) == {
        "regions": [
            {
                "path": "docs/a.md",
                "line": 3,
                "kind": "generated",
                "uuid": UUID_A,
                "generator": "table",
                "config": {"file": "regen.toml", "line": 3, "key": f'regions."{UUID_A}"'},
                "sources": ["sources/carriers.csv"],
                "status": "fresh",
            }
        ],
        "problems": [],
    }


def test_list_marks_regions_that_cannot_be_built(repo: Repo, run: Runner) -> None:
    repo.write("regen.toml", repo.read("regen.toml").replace("carriers.csv", "gone.csv"))
    repo.write("docs/a.md", FRESH_PAGE)
    result = run("list", "--json")
    assert result.code == ExitCode.INPUT_ERROR
    document = json.loads(result.out)
    assert document["regions"][0]["status"] == "error"
    assert document["problems"] == [
        {
            "path": "regen.toml",
            "line": 5,
            "message": f'regions."{UUID_A}".source: sources/gone.csv not found',
            "hint": "create it, or fix the path in the configuration",
        }
    ]


def test_usage_error_exits_2(repo: Repo, run: Runner) -> None:
    del repo
    result = run("frobnicate")
    assert result.code == ExitCode.USAGE
    assert "No such command 'frobnicate'" in result.err


def test_help_exits_0(run: Runner) -> None:
    result = run("--help")
    assert result.code == 0
    assert "Keep generated regions" in result.out


def test_no_configuration(
    tmp_path_factory: pytest.TempPathFactory, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path_factory.mktemp("bare")
    monkeypatch.chdir(bare)
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err == (
        f"{bare.resolve()}: no regen.toml (or pyproject.toml with [tool.regen]) here or in any "
        "parent folder (create regen.toml at the repository root (an empty one will do); see "
        "the README's Configuration section)\nregen: 1 problem found\n"
    )


def test_bug_is_one_line_without_traceback(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("docs/a.md", FRESH_PAGE)

    def broken(*_args: object, **_kwargs: object) -> str:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("regen.generators.table.TableGenerator.prepare", broken)
    result = run("check")
    assert result.code == ExitCode.INTERNAL_ERROR
    assert result.err == (
        "regen: internal error: ZeroDivisionError: boom (this is a bug in regen; please report "
        "it at https://github.com/regen-docs/regen/issues with the output of REGEN_DEBUG=1 "
        "regen ...)\n"
    )
    monkeypatch.setenv("REGEN_DEBUG", "1")
    debug = run("check")
    assert debug.code == ExitCode.INTERNAL_ERROR
    assert "Traceback (most recent call last)" in debug.err
    assert "ZeroDivisionError: boom" in debug.err


def test_python_dash_m_regen(repo: Repo) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    result = subprocess.run(
        [sys.executable, "-m", "regen", "check"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ExitCode.STALE
    assert f"docs/a.md:3: region {UUID_A} is stale" in result.stdout


def test_config_option(repo: Repo, run: Runner, tmp_path: Path) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    elsewhere = tmp_path.parent
    os.chdir(elsewhere)
    result = run("--config", str(repo.root / "regen.toml"), "check")
    assert result.code == ExitCode.STALE


def test_ctrl_c_exits_130(repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("docs/a.md", STALE_PAGE)

    def interrupted(*_args: object, **_kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("regen.generators.table.TableGenerator.prepare", interrupted)
    before = repo.snapshot()
    result = run("update")
    assert (result.code, result.err) == (ExitCode.INTERRUPTED, "\nregen: interrupted\n")
    assert repo.snapshot() == before


def test_symlinked_page_stays_a_symlink(repo: Repo, run: Runner) -> None:
    target = repo.write("shared/a.md", STALE_PAGE)
    link = repo.root / "docs" / "a.md"
    link.parent.mkdir()
    link.symlink_to(Path("../shared/a.md"))
    result = run("update")
    assert result.out.splitlines()[0] == "updated docs/a.md (1 region)"
    assert link.is_symlink()
    assert target.read_text() == FRESH_PAGE


def test_debug_does_not_turn_a_user_error_into_a_traceback(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGEN_DEBUG", "1")
    result = run("check", "nope.md")
    assert (result.code, result.err) == (
        ExitCode.INPUT_ERROR,
        "nope.md: no such file or folder (check the path)\nregen: 1 problem found\n",
    )


def test_paths_without_a_command_mean_update(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    repo.write("docs/b.md", STALE_PAGE)
    result = run("docs/b.md")
    assert (result.code, result.out.splitlines()[0]) == (0, "updated docs/b.md (1 region)")
    assert repo.read("docs/a.md") == STALE_PAGE
    assert run("--config", "regen.toml", "docs").code == 0
    assert repo.read("docs/a.md") == FRESH_PAGE


@pytest.mark.parametrize(
    "args",
    [("-q",), ("--fail-on-change",), ("--config", "regen.toml", "-q"), ("--no-cache", "-q")],
)
def test_update_options_without_the_command_mean_update(
    repo: Repo, run: Runner, args: tuple[str, ...]
) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    result = run(*args)
    assert result.code == (ExitCode.STALE if "--fail-on-change" in args else ExitCode.OK)
    assert repo.read("docs/a.md") == FRESH_PAGE
    assert ("updated docs/a.md" in result.out) == ("-q" not in args)


@pytest.mark.parametrize(
    ("args", "code", "written"),
    [
        (("-q", "update"), ExitCode.OK, True),
        (("-q", "check"), ExitCode.STALE, False),
        (("--no-cache", "-q", "check", "docs/a.md"), ExitCode.STALE, False),
        (("-q", "update", "docs/a.md"), ExitCode.OK, True),
        (("-q", "--config", "regen.toml", "check"), ExitCode.STALE, False),
    ],
)
def test_options_before_the_command_are_the_commands(
    repo: Repo, run: Runner, args: tuple[str, ...], code: int, written: bool
) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    result = run(*args)
    assert (result.code, result.err) == (code, "")
    assert repo.read("docs/a.md") == (FRESH_PAGE if written else STALE_PAGE)
    assert "updated" not in result.out  # -q reached the command


def test_an_options_value_named_like_a_command_stays_its_value(run: Runner) -> None:
    result = run("--since", "check")  # a ref named check: update since it (not a repository)
    assert result.code == ExitCode.INPUT_ERROR
    assert "git" in result.err or "repository" in result.err
    assert "requires an argument" not in result.err


def test_the_groups_own_help_is_still_its_own(run: Runner) -> None:
    assert run("--help").out.startswith("Usage: regen [OPTIONS] [COMMAND] [ARGS]...")
    unknown = run("--nope")
    assert unknown.code == ExitCode.USAGE
    assert unknown.err.startswith("regen update: No such option '--nope'")


def test_a_mistyped_command_is_not_taken_for_a_path(run: Runner) -> None:
    result = run("chek")
    assert result.code == ExitCode.USAGE
    assert "No such command 'chek'" in result.err


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(run: Runner, flag: str) -> None:
    from regen import __version__

    assert run(flag).out == f"regen {__version__}\n"


def test_check_that_covers_no_page_fails(repo: Repo, run: Runner) -> None:
    repo.write("regen.toml", repo.read("regen.toml").replace('"docs/**/*.md"', '"doc/**/*.md"'))
    repo.write("docs/a.md", STALE_PAGE)
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err == (
        'regen.toml:1: no page matches pages = ["doc/**/*.md"] '
        "(fix the globs; they are relative to the folder holding regen.toml)\n"
        "regen: 1 problem found\n"
    )


def test_configuration_and_page_problems_in_one_run(repo: Repo, run: Runner) -> None:
    repo.write("regen.toml", "pgaes = 1\n" + repo.read("regen.toml").replace('"table"', "3"))
    repo.write("docs/a.md", STALE_PAGE + f"{END % UUID_A}\n")
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines() == [
        "regen.toml:1: pgaes: unknown key (known keys: pages, exclude, sources, blurbs, regions)",
        f'regen.toml:5: regions."{UUID_A}".generator: expected a string, got a number',
        "docs/a.md:11: generated END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)",
        "regen: 3 problems found; nothing was written",
    ]


def test_list_json_reports_a_broken_configuration(repo: Repo, run: Runner) -> None:
    repo.write("regen.toml", "pages = [\n")
    result = run("list", "--json")
    assert result.code == ExitCode.INPUT_ERROR
    assert json.loads(result.out) == {
        "regions": [],
        "problems": [
            {
                "path": "regen.toml",
                "line": 2,
                "message": "not valid TOML: Invalid value (at end of document)",
                "hint": "fix the TOML syntax",
            }
        ],
    }


def test_a_usage_error_is_one_line(run: Runner) -> None:
    result = run("check", "--format", "xml")
    assert result.code == ExitCode.USAGE
    assert result.err == (
        "regen check: Invalid value for '--format': 'xml' is not one of 'text', 'github', "
        "'json'. (see 'regen check --help')\n"
    )


def test_no_cache_after_the_command(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    assert run("update", "--no-cache", "-q").code == 0
    assert not list((repo.root / ".regen-cache").glob("*.json"))


def test_a_named_folder_without_pages_is_an_error(repo: Repo, run: Runner) -> None:
    repo.write("notes/todo.txt", "x\n")
    result = run("check", "notes")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "notes: no page in this folder matches the configured globs "
        "(check the folder, or pages in regen.toml)"
    )


def test_fail_on_change_says_what_to_do(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    result = run("update", "--fail-on-change")
    assert result.code == ExitCode.STALE
    assert result.err == (
        "regen: pages and regen.lock were rewritten; review them, git add them, and commit again\n"
    )


def test_output_cut_off_by_a_closed_pipe_is_exit_141_without_a_traceback(repo: Repo) -> None:
    # More than a pipe holds, so that regen is still writing when its reader stops.
    repo.write("docs/many.md", "".join(blurb(UUID_BLURB, BLURB) for _ in range(3000)))
    with subprocess.Popen(
        [sys.executable, "-m", "regen", "list"],
        cwd=repo.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline().startswith(b"docs/many.md:1\tblurb")
        process.stdout.close()  # as `| head -1` does
        err = process.stderr.read()
        code = process.wait()
    assert (code, err) == (ExitCode.OUTPUT_CLOSED, b"")


def test_what_a_region_should_hold_is_worked_out_once_but_applies_to_each_page(
    repo: Repo, run: Runner
) -> None:
    """The planner remembers a region's new body by its BEGIN line: the same uuid in either
    newline style and either comment form gets its own, a kept body stays each page's own,
    and an unknown uuid is reported on every page that holds it."""
    repo.write("regen.toml", CONFIG + f'\n[regions."{UUID_B}"]\ngenerator = "keep"\n')
    html = region(UUID_A, "old\n").replace("{{!--", "<!--").replace("--}}", "-->")
    repo.write("docs/lf.md", region(UUID_A, "old\n") + region(UUID_B, "mine\n"))
    repo.write("docs/lf2.md", region(UUID_B, "ours\n"))  # the same BEGIN line as lf.md's
    repo.write(
        "docs/crlf.md", (region(UUID_A, "old\n") + region(UUID_B, "yours\n")).replace("\n", "\r\n")
    )
    repo.write("docs/html.md", html)
    assert run("update").code == ExitCode.OK
    assert repo.read("docs/lf.md") == region(UUID_A, TABLE) + region(UUID_B, "mine\n")
    assert repo.read("docs/lf2.md") == region(UUID_B, "ours\n")
    assert repo.read("docs/crlf.md") == (region(UUID_A, TABLE) + region(UUID_B, "yours\n")).replace(
        "\n", "\r\n"
    )
    assert repo.read("docs/html.md") == html.replace("old\n", TABLE)
    assert run("check").code == ExitCode.OK

    unknown = "0f8fad5b-d9cb-469f-a165-70867728950e"
    repo.write("docs/u1.md", region(unknown, "x\n"))
    repo.write("docs/u2.md", "intro\n\n" + region(unknown, "x\n"))
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert [line.split(" (")[0] for line in result.err.splitlines()[:2]] == [
        f"docs/u1.md:1: unknown region uuid {unknown}",
        f"docs/u2.md:3: unknown region uuid {unknown}",
    ]


def _regen_process(
    repo: Repo, *args: str, script: str = "", unbuffered: bool = False, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """`regen ARGS` through its console entry (cli.run) in a new interpreter, its output
    buffered as in a terminal's pipe (no PYTHONUNBUFFERED), after `script`; `unbuffered`:
    with PYTHONUNBUFFERED=1, as CI machines and containers often set it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    code = f"{script}\nimport sys\nsys.argv = ['regen', *{list(args)!r}]\n"
    code += "from regen.cli import run\nrun()\n"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=repo.root, env=env, text=True, check=False, **popen
    )


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_ends_at_once_yet_runs_atexit_handlers_and_waits_for_threads(
    repo: Repo, thread: bool
) -> None:
    """`regen` skips taking the interpreter down object by object, but not what a plugin may
    count on: its atexit handlers run (what they print is written), a thread of its is
    waited for, the output is whole."""
    repo.write("docs/a.md", FRESH_PAGE)
    script = "import atexit, threading, time\natexit.register(lambda: print('atexit ran'))\n"
    if thread:
        script += (
            "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        )
    done = _regen_process(repo, "check", script=script, capture_output=True)
    assert done.returncode == ExitCode.OK
    lines = done.stdout.splitlines()
    assert lines[0] == "regen: all 1 region in 1 page up to date"
    assert "atexit ran" in lines
    assert ("thread done" in lines) is thread


@pytest.mark.parametrize("closed", ["stdout", "stderr"])
def test_a_closed_output_is_no_crash(repo: Repo, closed: str) -> None:
    """Run with stdout or stderr closed (`regen check >&-`): Python has no stream there, and
    the exit code is still the run's, never a traceback's 1 ("stale")."""
    repo.write("docs/a.md", FRESH_PAGE)
    fd = 1 if closed == "stdout" else 2
    for args, code in [(("check",), ExitCode.OK), (("check", "--bogus"), ExitCode.USAGE)]:
        done = _regen_process(
            repo,
            *args,
            script=f"import os\nos.close({fd})\nimport sys\nsys.{closed} = None\n",
            capture_output=True,
        )
        assert done.returncode == code, done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("unbuffered", [False, True])
@pytest.mark.parametrize(
    "args",
    [("chek",), ("update", "--since", "nope"), ("check", "docs/none.md"), ("check",)],
)
def test_errors_to_a_closed_stderr_are_exit_141(
    repo: Repo, args: tuple[str, ...], unbuffered: bool
) -> None:
    """A usage error, a run that cannot start and a problem, each said on a stderr whose
    reader is gone: exit 141, as for stdout, not 1 ("stale") from an escaped exception."""
    repo.write("docs/a.md", "{{!-- END shared-blurb --}}\n")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before regen writes a byte
    try:
        done = _regen_process(
            repo, *args, unbuffered=unbuffered, stdout=subprocess.DEVNULL, stderr=write
        )
    finally:
        os.close(write)
    assert done.returncode == ExitCode.OUTPUT_CLOSED


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["check", "list"])
def test_output_to_a_full_disk_is_said_on_stderr_and_exit_141(repo: Repo, command: str) -> None:
    """Found at the last flush (check's line), or while printing (list's many lines)."""
    repo.write("docs/a.md", FRESH_PAGE)
    repo.write("docs/many.md", "".join(blurb(UUID_BLURB, BLURB) for _ in range(500)))
    with Path("/dev/full").open("w") as full:
        done = _regen_process(repo, command, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == ExitCode.OUTPUT_CLOSED
    assert done.stderr == "regen: its output could not be written (No space left on device)\n"


@pytest.mark.parametrize(("encoding", "shown"), [("utf-8", "\ufffd"), ("latin-1", "?")])
def test_a_page_name_the_output_cannot_hold_is_shown_replaced(
    repo: Repo, encoding: str, shown: str
) -> None:
    """A page named in bytes that are not UTF-8, listed on an output that takes UTF-8 alone,
    or Latin-1: the name is shown with a stand-in for what it cannot hold, never a crash."""
    repo.write(os.fsdecode(b"docs/\xff.md"), FRESH_PAGE)
    done = subprocess.run(
        [sys.executable, "-m", "regen", "list"],
        cwd=repo.root,
        env={**os.environ, "PYTHONIOENCODING": f"{encoding}:strict"},
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (ExitCode.OK, b"")
    assert done.stdout.decode(encoding).startswith(f"docs/{shown}.md:3\t")


def test_a_full_run_reports_a_broken_entry_whose_page_has_broken_markers(
    repo: Repo, run: Runner
) -> None:
    # The page's missing END keeps its region from being met, but its entry is broken too:
    # one run says both, not the second only once the first is fixed.
    repo.write("regen.toml", repo.read("regen.toml").replace("columns = [", "colums = ["))
    repo.write("docs/a.md", f"# A\n\n{BEGIN % UUID_A}\nold\n")
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    lines = result.err.splitlines()
    assert lines[0].startswith(f"docs/a.md:3: generated BEGIN marker {UUID_A} has no END")
    assert any(line.startswith("regen.toml:") and "colums" in line for line in lines), lines
    assert lines[-1] == "regen: 2 problems found"


def test_a_full_run_reports_a_broken_entry_no_page_uses(repo: Repo, run: Runner) -> None:
    repo.write("regen.toml", repo.read("regen.toml").replace("carriers.csv", "missing.csv"))
    repo.write("docs/a.md", "# A page without regions\n")
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert "missing.csv not found" in result.err
    assert run("check", "docs/a.md").code == ExitCode.OK  # a run over some pages: theirs only


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("sources/carriers.csv", "a source"),
        ("regen.toml", "the configuration"),
        (f"sources/blurbs/{UUID_BLURB}.md", "a blurb master"),
    ],
)
def test_an_input_named_as_a_page_is_not_a_silent_pass(
    repo: Repo, run: Runner, name: str, kind: str
) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    result = run("check", name)
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"{name}: is {kind}, not a page: named so, only its own markers are checked"
        " (to act on the pages it feeds, add --affected)"
    )
    if kind == "a source":  # the page is built from it
        assert run("check", "--affected", name).code == ExitCode.STALE


def test_pages_and_other_files_named_are_checked_as_pages(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE_PAGE)
    repo.write("notes.txt", "no regions\n")
    assert run("check", "docs/a.md", "notes.txt").code == ExitCode.STALE


UUID_C = "5d0c1f0e-76e0-11eb-9439-0242ac130002"


def with_entries(repo: Repo, *uuids: str) -> None:
    """More entries like UUID_A's, for the uuids given."""
    entry = CONFIG[CONFIG.index("[regions.") :]
    repo.write("regen.toml", CONFIG + "".join("\n" + entry.replace(UUID_A, uuid) for uuid in uuids))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_configured_region_on_no_page_is_noted_not_failed(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    with_entries(repo, UUID_B, UUID_C)
    repo.write("docs/a.md", "# A\n\n" + region(UUID_A, TABLE))
    repo.write("docs/b.md", "# B\n\n" + region(UUID_B, TABLE))  # in the second process
    with_workers(monkeypatch, workers)
    note = (
        "regen: note: 1 configured region on no page (regen.toml:23); put its markers on a"
        " page, or remove its entry"
    )
    result = run("check")
    assert result.code == ExitCode.OK
    assert result.err.splitlines() == [note]
    document = json.loads(run("check", "--format", "json").out)
    assert document["unused"] == [{"uuid": UUID_C, "file": "regen.toml", "line": 23}]
    assert run("update").err.splitlines() == [note]
    assert run("check", "-q").err == ""
    assert run("check", "docs/a.md").err == ""  # over some pages: the others may hold them


def test_a_blurb_entry_s_problem_is_told_once(repo: Repo, run: Runner) -> None:
    # Met on a page as a blurb: not built again as an entry no page met.
    repo.write("regen.toml", CONFIG + f'\n[regions."{UUID_C}"]\ngenerator = "blurb"\n')
    repo.write("docs/a.md", "# A\n\n" + blurb(UUID_C, "text\n"))
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[-1] == "regen: 1 problem found", result.err


def test_several_configured_regions_on_no_page_are_noted_together(repo: Repo, run: Runner) -> None:
    with_entries(repo, UUID_B, UUID_C)
    repo.write("docs/a.md", "# A\n")
    assert run("check").err.splitlines() == [
        "regen: note: 3 configured regions on no page (regen.toml:3, regen.toml:13,"
        " regen.toml:23); put their markers on pages, or remove their entries"
    ]
