from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regen.config import parse_config
from regen.discover import _order, discover, glob_regex
from regen.errors import RegenError
from tests.conftest import git, git_init


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("**/*.md", "a.md", True),
        ("**/*.md", "docs/deep/a.md", True),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),
        ("docs/**", "docs/sub/a.md", True),
        ("docs/**/*.md", "docs/a.md", True),
        ("README.md", "README.md", True),
        ("README.md", "docs/README.md", False),
        ("a?.md", "ab.md", True),
        ("a?.md", "a/.md", False),
        ("*.md", "a.mdx", False),
        ("docs/(x).md", "docs/(x).md", True),
    ],
)
def test_globs(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_regex(pattern).match(path)) is matches


def make(root: Path, *paths: str) -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x\n")


def test_configured_globs_and_excludes(tmp_path: Path) -> None:
    make(
        tmp_path,
        "README.md",
        "docs/a.md",
        "docs/b.txt",
        "docs/drafts/c.md",
        "docs/sub/d.md",
        "other/e.md",
        ".venv/lib/f.md",
        "docs/.hidden/g.md",
        "node_modules/pkg/h.md",
    )
    config = parse_config(
        {"pages": ["docs/**/*.md", "README.md"], "exclude": ["docs/drafts/**"]},
        root=tmp_path,
        file="regen.toml",
    )
    assert discover(config) == ["README.md", "docs/a.md", "docs/sub/d.md"]


def test_default_globs_skip_hidden_and_dependency_folders(tmp_path: Path) -> None:
    make(tmp_path, "a.md", ".hidden/b.md", ".venv/c.md", "node_modules/d.md", "x/__pycache__/e.md")
    config = parse_config({}, root=tmp_path, file="regen.toml")
    assert discover(config) == ["a.md"]


MASTER = "b69a2546-9baa-11ec-b909-0242ac120002.md"


@pytest.mark.parametrize("in_git", [False, True])
@pytest.mark.parametrize(
    ("settings", "masters"),
    [
        ({}, "sources/blurbs"),
        ({"blurbs": "text/shared/"}, "text/shared"),
        ({"blurbs": "./docs"}, "docs"),
        ({"blurbs": "."}, ""),
    ],
)
def test_blurb_masters_are_never_pages_and_nothing_else_is_left_out(
    tmp_path: Path, in_git: bool, settings: dict[str, str], masters: str
) -> None:
    # The default globs take every .md file, the masters blurb regions copy included; any
    # other file in the blurbs folder, or below it, is a page like any other.
    folder = f"{masters}/" if masters else ""
    pages = ["a.md", f"{folder}notes.md", f"{folder}sub/{MASTER}", "sources/d.md"]
    make(tmp_path, *pages, f"{folder}{MASTER}", f"{folder}{MASTER.upper()}"[:-3] + ".md")
    if in_git:
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    config = parse_config(settings, root=tmp_path, file="regen.toml")
    assert discover(config) == sorted(set(pages), key=lambda name: name.split("/"))


def test_named_folder_is_filtered_and_named_file_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, "docs/a.md", "docs/b.txt", "notes.txt")
    monkeypatch.chdir(tmp_path)
    config = parse_config({}, root=tmp_path, file="regen.toml")
    found = discover(config, [Path("docs"), Path("notes.txt"), Path("docs/a.md")])
    assert found == ["docs/a.md", "notes.txt"]


def test_symlink_out_of_the_tree_is_skipped_and_refused(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("x\n")
    make(tmp_path, "docs/a.md")
    (tmp_path / "docs/link.md").symlink_to(outside)
    monkeypatch.chdir(tmp_path)
    config = parse_config({}, root=tmp_path, file="regen.toml")
    assert discover(config) == ["docs/a.md"]
    with pytest.raises(RegenError) as caught:
        discover(config, [Path("docs/link.md")])
    assert str(caught.value) == (
        f"docs/link.md: outside the repository (name pages below {tmp_path.resolve()})"
    )


def test_dotdot_is_folded_before_globs_and_excludes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, "README.md", "docs/a.md", "docs/drafts/d.md")
    config = parse_config(
        {"pages": ["docs/**/*.md"], "exclude": ["docs/drafts/**"]}, root=tmp_path, file="r.toml"
    )
    monkeypatch.chdir(tmp_path / "docs")
    assert discover(config, [Path("..")]) == ["docs/a.md"]
    # A file named explicitly is taken as it is, under its normal name.
    assert discover(config, [Path("../README.md")]) == ["README.md"]


def test_paths_through_a_symlinked_folder(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, "docs/a.md")
    link = tmp_path_factory.mktemp("elsewhere") / "repo-link"
    link.symlink_to(tmp_path)
    monkeypatch.chdir(link)
    config = parse_config({}, root=tmp_path, file="r.toml")
    assert discover(config, [Path("docs/a.md")]) == ["docs/a.md"]
    assert discover(config, [link / "docs"]) == ["docs/a.md"]


def test_symlink_loops_are_skipped_and_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, "docs/a.md")
    (tmp_path / "docs/loop.md").symlink_to(tmp_path / "docs/loop.md")
    monkeypatch.chdir(tmp_path)
    config = parse_config({}, root=tmp_path, file="r.toml")
    assert discover(config) == ["docs/a.md"]
    with pytest.raises(RegenError) as caught:
        discover(config, [Path("docs/loop.md")])
    assert str(caught.value) == "docs/loop.md: leads into a symlink loop (fix or remove the link)"


def test_hidden_files_are_not_pages(tmp_path: Path) -> None:
    make(tmp_path, "docs/a.md", "docs/.draft.md")
    config = parse_config({}, root=tmp_path, file="r.toml")
    assert discover(config) == ["docs/a.md"]


def test_globs_that_match_nothing_are_an_error(tmp_path: Path) -> None:
    make(tmp_path, "docs/a.md")
    text = 'pages = ["doc/**/*.md"]\n'
    config = parse_config({"pages": ["doc/**/*.md"]}, root=tmp_path, file="regen.toml", text=text)
    with pytest.raises(RegenError) as caught:
        discover(config)
    assert str(caught.value) == (
        'regen.toml:1: no page matches pages = ["doc/**/*.md"] '
        "(fix the globs; they are relative to the folder holding regen.toml)"
    )


@pytest.mark.parametrize("in_git", [False, True])
def test_pages_come_in_the_order_of_their_paths_parts(tmp_path: Path, in_git: bool) -> None:
    """By parts, as Path orders them, not as their strings sort ('a-b/x' before 'a/x' would)."""
    pages = ["docs/a-b/x.md", "docs/a/x.md", "docs/a.md", "docs/a b/x.md", "docs/A/y.md"]
    make(tmp_path, *pages)
    if in_git:
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    config = parse_config({"pages": ["docs/**/*.md"]}, root=tmp_path, file="regen.toml")
    found = discover(config)
    assert [tmp_path / page for page in found] == sorted(tmp_path / page for page in pages)
    assert found[:3] == ["docs/A/y.md", "docs/a/x.md", "docs/a b/x.md"]


# A page name as git gives it: parts joined by '/', none empty or '.'; any other character,
# those that sort before '/' included.
part = st.text(alphabet="ab-. \t~é\x01", min_size=1, max_size=4).filter(lambda p: p != ".")
page_name = st.lists(part, min_size=1, max_size=3).map("/".join)


@given(st.lists(page_name))
def test_the_order_key_sorts_names_as_their_parts_do(names: list[str]) -> None:
    assert sorted(names, key=_order) == sorted(names, key=lambda n: PurePosixPath(n).parts)


@pytest.mark.parametrize(
    ("folder", "globs", "may"),
    [
        ("", ["docs/*.md"], True),
        ("docs/", ["docs/*.md"], True),
        ("docs/sub/", ["docs/*.md"], False),
        ("docs/sub/", ["docs/**/*.md"], True),
        ("build/", ["docs/**/*.md"], False),
        ("build/x/", ["**/*.md"], True),
        ("guide/a/", ["guide/*/index.md"], True),
        ("guide/a/b/", ["guide/*/index.md"], False),
        ("guides/", ["guide?/**"], True),
        ("other/", ["docs/*.md", "other/**"], True),
        ("docs/", ["README.md"], False),
    ],
)
def test_a_folder_may_hold_pages_when_a_glob_reaches_below_it(
    folder: str, globs: list[str], may: bool
) -> None:
    from regen.discover import _may_hold_pages

    assert _may_hold_pages(folder, globs) is may


@pytest.mark.parametrize("in_git", [False, True], ids=["walked", "listed by git"])
@pytest.mark.parametrize("nested", ["regen.toml", "pyproject.toml"])
def test_a_folder_with_a_configuration_of_its_own_is_left_to_it(
    tmp_path: Path, in_git: bool, nested: str
) -> None:
    """Its pages are that configuration's, as a run started there finds (its uuids unknown
    to the configuration above): a run of the one above leaves them alone."""
    make(tmp_path, "regen.toml", "docs/a.md", "site/docs/s.md", "site/notes/pyproject.toml")
    (tmp_path / "site" / nested).write_text(
        '[tool.regen]\npages = ["docs/*.md"]\n' if nested == "pyproject.toml" else ""
    )
    if in_git:
        git_init(tmp_path)
        git(tmp_path, "add", "-A")
    config = parse_config({}, root=tmp_path, file="regen.toml")
    assert discover(config) == ["docs/a.md"]
    for named in ("site", "site/docs", "site/docs/s.md"):
        with pytest.raises(RegenError) as caught:
            discover(config, [tmp_path / named])
        assert str(caught.value) == (
            f"{tmp_path / named}: site has a configuration of its own (run regen in site, or"
            " with --config pointing at its configuration)"
        )
