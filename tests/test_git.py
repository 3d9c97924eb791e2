"""regen in real git repositories: which pages it sees, which a change affects, and its
errors about git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from regen.cli import main
from regen.errors import ExitCode
from regen.git import changed_files, repository_files
from tests.conftest import (
    BLURB,
    BLURB_BEGIN,
    BLURB_END,
    TABLE,
    UUID_A,
    UUID_B,
    UUID_BLURB,
    Repo,
    Runner,
    git_init,
)
from tests.conftest import git as run_git
from tests.conftest import region as generated

FRESH = "# Carriers\n\n" + generated(UUID_A, TABLE)
BLURB_PAGE = f"# Blurb\n\n{BLURB_BEGIN % UUID_BLURB}\n{BLURB}{BLURB_END}\n"


def git(root: Path, *args: str) -> str:
    return run_git(root, *args).stdout


@pytest.fixture
def repo_git(repo: Repo) -> Repo:
    """The test repository as a git repository with one commit of fresh pages."""
    git_init(repo.root)
    repo.write("docs/carriers.md", FRESH)
    repo.write("docs/blurb.md", BLURB_PAGE)
    repo.write("docs/plain.md", "# No regions\n")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "first")
    return repo


# Which files ---------------------------------------------------------------------------------


def test_repository_files_are_tracked_and_untracked_but_not_ignored(repo_git: Repo) -> None:
    repo_git.write(".gitignore", "docs/build/\n")
    repo_git.write("docs/build/out.md", "x\n")
    repo_git.write("docs/new.md", "x\n")
    names = repository_files(repo_git.root)
    assert names is not None
    assert "docs/new.md" in names
    assert "docs/carriers.md" in names
    assert "docs/build/out.md" not in names


def test_repository_files_of_named_paths_only(repo_git: Repo) -> None:
    repo_git.write(".gitignore", "docs/build/\n")
    repo_git.write("docs/build/out.md", "x\n")
    repo_git.write("docs/[x]*.md", "x\n")  # a name git would read as a pattern
    repo_git.write("notes/a.md", "x\n")

    def named(*paths: str) -> set[str]:
        files = repository_files(repo_git.root, paths)
        assert files is not None
        return files

    assert named("docs/plain.md") == {"docs/plain.md"}
    assert named("docs/[x]*.md") == {"docs/[x]*.md"}
    assert named("notes") == {"notes/a.md"}
    assert named("notes/a.md", "docs/plain.md") == {"notes/a.md", "docs/plain.md"}  # untracked
    assert named("docs/build/out.md", "docs/build") == set()
    assert named() == set()


def test_a_named_page_through_a_symlink_is_known_by_its_target(repo_git: Repo, run: Runner) -> None:
    (repo_git.root / "docs" / "link.md").symlink_to("carriers.md")
    repo_git.write(".gitignore", "docs/link.md\n")  # the link itself is ignored, not its page
    assert run("check", "docs/link.md").code == 0
    assert run("check", "docs/carriers.md", "docs/plain.md").code == 0


def test_outside_a_repository_every_file_counts(tmp_path: Path) -> None:
    assert repository_files(tmp_path) is None


def test_ignored_pages_are_never_touched(repo_git: Repo, run: Runner) -> None:
    repo_git.write(".gitignore", "docs/build/\n")
    stale = "# Built\n\n" + generated(UUID_A, "old\n")
    repo_git.write("docs/build/out.md", stale)
    result = run("update")
    assert result.code == 0
    assert repo_git.read("docs/build/out.md") == stale
    named = run("update", "docs/build/out.md")
    assert named.code == ExitCode.INPUT_ERROR
    assert named.err.splitlines()[0] == (
        "docs/build/out.md: ignored by git (regen never touches ignored files)"
    )


# What changed --------------------------------------------------------------------------------


def test_changed_files_cover_work_tree_index_and_untracked(repo_git: Repo) -> None:
    repo_git.write("docs/plain.md", "# Edited\n")
    repo_git.write("sources/carriers.csv", repo_git.read("sources/carriers.csv") + "Peru,B404,X\n")
    git(repo_git.root, "add", "sources/carriers.csv")
    repo_git.write("docs/untracked.md", "x\n")
    changes = changed_files(repo_git.root)
    assert changes.paths == {"docs/plain.md", "sources/carriers.csv", "docs/untracked.md"}
    assert changes.base == "HEAD"
    staged = changed_files(repo_git.root, staged=True)
    assert staged.paths == {"sources/carriers.csv"}


def test_changes_since_a_ref_start_at_the_merge_base(repo_git: Repo) -> None:
    git(repo_git.root, "checkout", "-q", "-b", "feature")
    repo_git.write("docs/plain.md", "# On the branch\n")
    git(repo_git.root, "commit", "-q", "-am", "branch")
    git(repo_git.root, "checkout", "-q", "main")
    repo_git.write("docs/blurb.md", BLURB_PAGE + "more\n")
    git(repo_git.root, "commit", "-q", "-am", "main moves on")
    git(repo_git.root, "checkout", "-q", "feature")
    # Only the branch's own change, not what main did since it forked.
    assert changed_files(repo_git.root, since="main").paths == {"docs/plain.md"}


def test_a_repository_without_commits_compares_with_nothing(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "a.md").write_text("x\n")
    git(tmp_path, "add", "a.md")
    assert changed_files(tmp_path, staged=True).paths == {"a.md"}


def test_not_a_git_repository(repo: Repo, run: Runner) -> None:
    del repo
    result = run("check", "--changed")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        ".: not a git repository "
        "(run regen inside one, or leave out --changed, --staged and --since)"
    )


def test_unknown_ref(repo_git: Repo, run: Runner) -> None:
    del repo_git  # the fixture makes the repository
    result = run("check", "--since", "origin/nope")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "--since origin/nope: unknown ref (check its name, or fetch it)"
    )


def test_shallow_clone_that_lacks_the_ref(
    repo_git: Repo,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    git(repo_git.root, "checkout", "-q", "-b", "feature")
    for n in range(3):
        repo_git.write("docs/plain.md", f"# {n}\n")
        git(repo_git.root, "commit", "-q", "-am", f"change {n}")
    clone = tmp_path_factory.mktemp("ci") / "clone"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "feature",
            f"file://{repo_git.root}",
            str(clone),
        ],
        check=True,
    )
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    monkeypatch.chdir(clone)
    code = main(["check", "--since", "origin/main"])
    captured = capsys.readouterr()
    assert code == ExitCode.INPUT_ERROR
    assert captured.err.splitlines()[0] == (
        "--since origin/main: this shallow clone does not reach it (fetch more history: "
        "git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
    )


# Which pages a change affects ----------------------------------------------------------------


def test_changed_source_selects_exactly_its_pages(repo_git: Repo, run: Runner) -> None:
    repo_git.write(
        "sources/carriers.csv",
        repo_git.read("sources/carriers.csv").replace("Telus", "Telus Mobility"),
    )
    result = run("list", "--changed", "--json")
    assert result.code == 0
    listed = {(r["path"], r["status"]) for r in json.loads(result.out)["regions"]}
    assert listed == {("docs/carriers.md", "stale")}
    check = run("check", "--changed")
    assert check.code == ExitCode.STALE
    assert "docs/carriers.md:3: region" in check.out
    assert "blurb.md" not in check.out


def test_changed_blurb_master_selects_its_pages(repo_git: Repo, run: Runner) -> None:
    repo_git.write(f"sources/blurbs/{UUID_BLURB}.md", "New text.\n")
    result = run("update", "--changed")
    assert result.out.splitlines()[0] == "updated docs/blurb.md (1 region)"
    assert repo_git.read("docs/carriers.md") == FRESH


@pytest.mark.parametrize("folder", [".", "docs/shared", "sources/blurbs"])
def test_changed_blurb_master_selects_its_pages_wherever_the_masters_are(
    repo_git: Repo, run: Runner, folder: str
) -> None:
    master = f"{folder}/{UUID_BLURB}.md".removeprefix("./")
    (repo_git.root / f"sources/blurbs/{UUID_BLURB}.md").unlink()
    repo_git.write(master, BLURB)
    repo_git.write("regen.toml", f'blurbs = "{folder}"\n' + repo_git.read("regen.toml"))
    git(repo_git.root, "add", "-A")
    git(repo_git.root, "commit", "-q", "-m", "masters moved")
    assert run("check").code == ExitCode.OK
    repo_git.write(master, "New text.\n")
    for how in (["--changed"], ["--affected", master]):
        result = run("check", "-q", *how)
        assert result.code == ExitCode.STALE, how
        assert result.out.startswith(f"docs/blurb.md:3: region {UUID_BLURB} is stale"), how


def test_unrelated_change_selects_nothing(repo_git: Repo, run: Runner) -> None:
    repo_git.write("notes.txt", "x\n")
    result = run("check", "--changed")
    assert (result.code, result.out) == (0, "regen: all 0 regions in 0 pages up to date\n")


def test_changed_configuration_entry_selects_its_pages_only(repo_git: Repo, run: Runner) -> None:
    config = repo_git.read("regen.toml").replace('title = "Carriers"', 'title = "Operators"')
    repo_git.write("regen.toml", config)
    result = run("check", "--changed", "--quiet")
    assert result.code == ExitCode.STALE
    assert result.out == (
        f"docs/carriers.md:3: region {UUID_A} is stale (run 'regen update' to rebuild it)\n"
    )


def test_changed_top_level_configuration_selects_every_page(repo_git: Repo, run: Runner) -> None:
    repo_git.write(
        "regen.toml",
        repo_git.read("regen.toml").replace('pages = ["docs/**/*.md"]', 'pages = ["docs/*.md"]'),
    )
    result = run("list", "--changed", "--json")
    paths = {r["path"] for r in json.loads(result.out)["regions"]}
    assert paths == {"docs/carriers.md", "docs/blurb.md"}


def test_staged_ignores_unstaged_changes(repo_git: Repo, run: Runner) -> None:
    repo_git.write(
        "sources/carriers.csv", repo_git.read("sources/carriers.csv").replace("Telus", "T")
    )
    assert run("check", "--staged").code == 0
    git(repo_git.root, "add", "sources/carriers.csv")
    assert run("check", "--staged").code == ExitCode.STALE


def test_affected_takes_changed_files_as_paths(repo_git: Repo, run: Runner) -> None:
    repo_git.write(
        "sources/carriers.csv", repo_git.read("sources/carriers.csv").replace("Telus", "T")
    )
    result = run("update", "--affected", "sources/carriers.csv", "notes.txt")
    assert result.out.splitlines()[0] == "updated docs/carriers.md (1 region)"
    assert run("check", "--affected", "docs/plain.md").code == 0


def test_affected_with_a_git_option_is_a_usage_error(repo_git: Repo, run: Runner) -> None:
    del repo_git
    result = run("check", "--affected", "--changed", "x.csv")
    assert result.code == ExitCode.USAGE


def test_pages_alone_are_read_alone(repo_git: Repo, run: Runner) -> None:
    # Only pages changed: the others are not even read (a broken one goes unnoticed here, and
    # is reported by any full run).
    repo_git.write("docs/broken.md", "{{!-- END shared-blurb --}}\n")
    repo_git.write("docs/carriers.md", "# Carriers\n\n" + generated(UUID_A, "old\n"))
    result = run("check", "--affected", "docs/carriers.md", "-q")
    assert result.code == ExitCode.STALE
    assert result.err == ""
    assert run("check").code == ExitCode.INPUT_ERROR


TWO_REGIONS = f"""\

[regions."{UUID_B}"]
generator = "table"
source = "carriers.csv"
columns = [{{ column = "model", title = "Model" }}]
sort = ["model"]
"""


def test_a_changed_entry_selects_exactly_the_pages_holding_it(repo_git: Repo, run: Runner) -> None:
    repo_git.write("regen.toml", repo_git.read("regen.toml") + TWO_REGIONS)
    repo_git.write("docs/models.md", generated(UUID_B, ""))
    run("update")
    git(repo_git.root, "add", "-A")
    git(repo_git.root, "commit", "-q", "-m", "second region")
    repo_git.write("regen.toml", repo_git.read("regen.toml").replace('"Model"', '"Models"'))
    listed = json.loads(run("list", "--changed", "--json").out)["regions"]
    assert {r["path"] for r in listed} == {"docs/models.md"}


def test_a_configuration_that_means_the_same_selects_nothing(repo_git: Repo, run: Runner) -> None:
    # Comments, spacing and the order of keys within an entry change no entry.
    text = repo_git.read("regen.toml").replace('generator = "table"\n', "")
    text = text.replace(
        'source = "carriers.csv"', 'source="carriers.csv"  # moved\ngenerator="table"'
    )
    repo_git.write("regen.toml", "# the same, written otherwise\n" + text)
    assert json.loads(run("list", "--changed", "--json").out)["regions"] == []


def test_a_rename_counts_both_names(repo_git: Repo, run: Runner) -> None:
    git(repo_git.root, "mv", "docs/carriers.md", "docs/operators.md")
    assert changed_files(repo_git.root).paths == {"docs/carriers.md", "docs/operators.md"}
    listed = json.loads(run("list", "--changed", "--json").out)["regions"]
    assert {r["path"] for r in listed} == {"docs/operators.md"}


def test_a_file_named_head_is_no_ref(repo_git: Repo, run: Runner) -> None:
    repo_git.write("HEAD", "a file, not a ref\n")
    assert run("check", "--changed").code == 0


@pytest.mark.parametrize(
    "config", [(), ("--config", "regen.toml"), ("--config", "docs/../regen.toml")]
)
def test_a_staged_deletion_affects_the_pages_built_from_it(
    repo_git: Repo, run: Runner, config: tuple[str, ...]
) -> None:
    git(repo_git.root, "rm", "-q", "sources/carriers.csv")
    # pre-commit passes no deleted file; regen asks git for them (while it reads regen.toml).
    result = run(*config, "check", "--affected", "docs/plain.md")
    assert result.code == ExitCode.INPUT_ERROR
    assert "sources/carriers.csv not found" in result.err


def test_the_deletions_asked_before_the_configuration_is_read_are_of_its_repository(
    repo_git: Repo, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from regen import api
    from regen.config import load_config

    git(repo_git.root, "rm", "-q", "sources/carriers.csv")
    monkeypatch.chdir(repo_git.root)
    deletions = api.deletions_asked(None)()
    assert deletions is not None
    assert deletions.names == {"sources/carriers.csv"}
    config = load_config(repo_git.root / "regen.toml")
    elsewhere = api.Deletions(tmp_path_factory.mktemp("other"), frozenset())  # another repository's
    assert "sources/carriers.csv" in api.change_from_paths(config, [], elsewhere).paths
    monkeypatch.chdir(tmp_path_factory.mktemp("no-config"))
    assert api.deletions_asked(None)() is None  # nothing to find: asked later, if at all


def test_a_broken_draft_the_change_does_not_touch_is_not_reported(
    repo_git: Repo, run: Runner
) -> None:
    repo_git.write("docs/draft.md", "{{!-- BEGIN shared-blurb --}}\n")
    assert run("check", "--affected", "notes.txt").code == 0
    assert run("check", "--affected", "docs/draft.md").code == ExitCode.INPUT_ERROR


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--changed", "--staged"), "--changed and --staged exclude each other; choose one"),
        (("--since", ""), "--since needs a ref (is the CI variable that names it empty?)"),
        (("-q", "-v"), "--quiet and --verbose exclude each other"),
    ],
)
def test_option_mistakes_are_usage_errors(
    repo_git: Repo, run: Runner, args: tuple[str, ...], message: str
) -> None:
    del repo_git
    result = run("check", *args)
    assert result.code == ExitCode.USAGE
    assert message in result.err


def test_selection_problems_come_out_as_json(repo_git: Repo, run: Runner) -> None:
    del repo_git
    result = run("check", "--format", "json", "--since", "nope")
    assert result.code == ExitCode.INPUT_ERROR
    assert json.loads(result.out)["problems"] == [
        {
            "path": "--since nope",
            "line": None,
            "message": "unknown ref",
            "hint": "check its name, or fetch it",
        }
    ]


def test_git_failing_is_one_line_not_a_traceback(repo_git: Repo, run: Runner) -> None:
    # A repository owned by someone else: git refuses it ("dubious ownership").
    subprocess.run(["chown", "-R", "12345", str(repo_git.root)], check=True)
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.startswith(".: git failed: detected dubious ownership in repository")
    changed = run("check", "--changed")
    assert changed.code == ExitCode.INPUT_ERROR
    assert "Traceback" not in changed.err


def test_annotations_are_placed_from_the_top_of_the_repository(
    repo_git: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = repo_git.root / "site"
    site.mkdir()
    for name in ("regen.toml", "sources", "docs"):
        (repo_git.root / name).rename(site / name)
    (site / "docs/carriers.md").write_text("# Carriers\n\n" + generated(UUID_A, "old\n"))
    monkeypatch.chdir(site)
    out = run("check", "--format", "github").out
    assert f"::error file=site/docs/carriers.md,line=3::region {UUID_A} is stale" in out


def test_a_problem_of_the_run_is_annotated_without_a_file(repo_git: Repo, run: Runner) -> None:
    del repo_git  # the fixture makes the repository
    result = run("check", "--format", "github", "--since", "origin/nope")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.out.splitlines() == [
        "::error::--since origin/nope: unknown ref (check its name, or fetch it)"
    ]


@pytest.mark.parametrize("broken", ["a gitdir that is gone", "a folder without HEAD"])
def test_a_git_that_git_cannot_read_is_an_error_not_no_repository(
    repo: Repo, run: Runner, broken: str
) -> None:
    """Taken for no repository, every file would be a page, those git ignores too."""
    if broken == "a folder without HEAD":
        (repo.root / ".git").mkdir()
    else:
        repo.write(".git", "gitdir: /nowhere/repository\n")
    repo.write("docs/a.md", FRESH)
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.startswith(
        f"{repo.root / '.git'}: git does not read this as a repository (not a git repository"
    )
    assert result.err.splitlines()[0].endswith(
        "(repair it, or remove it, so that regen knows which files git ignores)"
    )


@pytest.mark.parametrize("ref", ["HEAD~1..HEAD", "main...HEAD", "HEAD:docs"])
def test_since_a_range_or_a_path_says_it_takes_one_commit(
    repo_git: Repo, run: Runner, ref: str
) -> None:
    del repo_git  # the fixture makes the repository
    result = run("check", "--since", ref)
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"--since {ref}: not a ref (name one commit: the changes since it are taken)"
    )


def test_since_in_a_repository_without_a_commit_says_so(repo: Repo, run: Runner) -> None:
    git_init(repo.root)
    result = run("check", "--since", "HEAD")
    assert result.err.splitlines()[0] == (
        "--since HEAD: the repository has no commit yet (commit first)"
    )


def test_since_a_ref_with_a_colon_that_names_one_commit_is_taken(
    repo_git: Repo, run: Runner
) -> None:
    del repo_git  # the fixture makes the repository
    assert run("check", "--since", "HEAD@{2030-01-01 00:00:00}").code == ExitCode.OK


def test_a_repository_git_was_told_not_to_see_is_no_error(
    repo_git: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIT_CEILING_DIRECTORIES (or GIT_DIR) tells git where to look: its answer stands."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo_git.root))
    repo_git.write("notes/regen.toml", "")
    repo_git.write("notes/a.md", "# No region\n")
    monkeypatch.chdir(repo_git.root / "notes")
    assert main(["check"]) == ExitCode.OK
