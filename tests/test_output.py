"""How check reports, for people and for CI: text with a coloured diff on a terminal, GitHub
Actions annotations, one JSON document; --quiet and --verbose."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from regen.cli import cli
from regen.errors import ExitCode
from tests.conftest import TABLE, UUID_A, Repo, Runner
from tests.conftest import region as generated

STALE = "# Carriers\n\n" + generated(UUID_A, "\nold\n\n\n")
FRESH = "# Carriers\n\n" + generated(UUID_A, TABLE)
ANNOTATION = re.compile(r"^::error file=(?P<file>[^,:]+)(?:,line=(?P<line>\d+))?::(?P<message>.+)$")


def test_github_annotations_besides_the_diff(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    result = run("check", "--format", "github")
    assert result.code == ExitCode.STALE
    annotations = [m.groupdict() for m in map(ANNOTATION.match, result.out.splitlines()) if m]
    assert annotations == [
        {
            "file": "docs/a.md",
            "line": "3",
            "message": f"region {UUID_A} is stale; run 'regen update' to rebuild it",
        }
    ]
    assert "-old\n" in result.out


def test_github_annotations_for_problems_escape_their_text(repo: Repo, run: Runner) -> None:
    repo.write("docs/a,b.md", "x\n{{!-- END shared-blurb --}}\n")
    result = run("check", "--format", "github")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.out == (
        "::error file=docs/a%2Cb.md,line=2::shared-blurb END marker has no BEGIN; "
        "add the BEGIN line above it or delete this one\n"
    )


def test_json_is_one_document(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    repo.write("docs/b.md", FRESH)
    result = run("check", "--format", "json")
    assert result.code == ExitCode.STALE
    document = json.loads(result.out)
    assert document["summary"] == {
        "pages": 2,
        "regions": 2,
        "stale": 1,
        "edited": 0,
        "edited+stale": 0,
        "outdated": 1,
        "errors": 0,
        "lock_outdated": False,
    }
    stale, fresh = document["regions"]
    assert (stale["path"], stale["status"], fresh["status"]) == ("docs/a.md", "stale", "fresh")
    assert stale["diff"][:3] == ["--- docs/a.md", "+++ docs/a.md (regenerated)", "@@ -4,4 +4,7 @@"]
    assert fresh["diff"] is None
    assert document["problems"] == []


def test_json_reports_problems(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", "{{!-- END shared-blurb --}}\n")
    result = run("check", "--format", "json")
    assert result.code == ExitCode.INPUT_ERROR
    assert json.loads(result.out)["problems"] == [
        {
            "path": "docs/a.md",
            "line": 1,
            "message": "shared-blurb END marker has no BEGIN",
            "hint": "add the BEGIN line above it or delete this one",
        }
    ]


def test_json_lock_outdated_leaves_alone_the_lines_of_a_page_it_cannot_read(
    repo: Repo, run: Runner
) -> None:
    repo.write("docs/a.md", FRESH)
    repo.write("docs/b.md", FRESH)
    assert run("update", "-q").code == ExitCode.OK  # regen.lock records both pages
    lock = repo.read("regen.lock")

    def lock_outdated() -> object:
        return json.loads(run("check", "--format", "json").out)["summary"]["lock_outdated"]

    assert lock_outdated() is False
    # b.md's region cannot be read: its lines in the lock are not known to be wrong.
    repo.write("docs/b.md", FRESH.replace("{{!-- END", "{{!-- FIN"))
    assert lock_outdated() is False
    repo.write("regen.lock", lock.replace("docs/a.md", "docs/a2.md"))
    assert lock_outdated() is True  # the pages read are still compared
    repo.write("regen.lock", lock.replace("docs/b.md", "docs/b2.md"))
    assert lock_outdated() is True  # and lines of no page planned are still found


def test_quiet_prints_one_line_a_stale_region(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    result = run("check", "--quiet")
    assert result.out == (
        f"docs/a.md:3: region {UUID_A} is stale (run 'regen update' to rebuild it)\n"
    )
    assert run("update", "-q").out == ""
    assert run("check", "-q").out == ""


def test_verbose_prints_every_region(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    repo.write("docs/b.md", STALE)
    result = run("check", "--verbose")
    assert result.out.splitlines()[:2] == [
        f"docs/a.md:3: {UUID_A} fresh",
        f"docs/b.md:3: {UUID_A} stale",
    ]


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_diff_is_coloured_on_a_terminal_unless_no_color(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, no_color: str | None, coloured: bool
) -> None:
    repo.write("docs/a.md", STALE)
    monkeypatch.chdir(repo.root)
    env = {"NO_COLOR": no_color} if no_color else {}
    if not no_color:
        monkeypatch.delenv("NO_COLOR", raising=False)
    # color=True makes click behave as on a terminal.
    result = CliRunner().invoke(cli, ["check"], color=True, env=env)
    assert ("\x1b[31m-old\x1b[0m" in result.output) is coloured
    assert ("-old" in result.output) is True


def test_diff_is_plain_when_piped(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    assert "\x1b[" not in run("check").out


def test_annotation_escapes_what_github_reads_as_syntax() -> None:
    from regen.cli import _annotation

    assert _annotation("docs/a:b,c.md", 4, "50% done\nnext: line") == (
        "::error file=docs/a%3Ab%2Cc.md,line=4::50%25 done%0Anext: line"
    )
    assert _annotation("regen.toml", None, "x") == "::error file=regen.toml::x"


@pytest.mark.parametrize("output", ["text", "github"])
def test_stale_regions_are_listed_even_when_a_problem_stops_the_run(
    repo: Repo, run: Runner, output: str
) -> None:
    # One run tells all: fixing the broken page must not be followed by a second failure
    # for a stale region this run already found.
    repo.write("docs/a.md", STALE)
    repo.write("docs/b.md", "x\n{{!-- END shared-blurb --}}\n")
    result = run("check", "--format", output, "-q")
    assert result.code == ExitCode.INPUT_ERROR
    stale = f"docs/a.md:3: region {UUID_A} is stale (run 'regen update' to rebuild it)"
    assert stale in result.out.splitlines()
    assert result.err.splitlines() == [
        "docs/b.md:2: shared-blurb END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)",
        "regen: 1 problem found; and 1 region stale, listed above",
    ]
    if output == "github":
        files = [m["file"] for m in map(ANNOTATION.match, result.out.splitlines()) if m]
        assert files == ["docs/b.md", "docs/a.md"]


def test_with_a_problem_a_stale_region_s_diff_is_shown_too(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    repo.write("docs/b.md", "x\n{{!-- END shared-blurb --}}\n")
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert "-old\n" in result.out
    assert "+| Canada | Bell Mobility, Telus |\n" in result.out
    assert "up to date" not in result.out
