"""`regen new`: a fresh region ready to paste or put in place, and its configuration entry."""

from __future__ import annotations

import re
import tomllib

import pytest

from regen.errors import ExitCode
from regen.markers import UUID
from tests.conftest import BEGIN, UUID_A, UUID_BLURB, Repo, Runner, git_init, region


def refused(repo: Repo, run: Runner, *args: str) -> str:
    """`regen new ARGS`, refused with nothing written: its first line."""
    before = repo.snapshot()
    result = run("new", *args)
    assert result.code == ExitCode.INPUT_ERROR
    assert repo.snapshot() == before
    return result.err.splitlines()[0]


def uuid_of(text: str) -> str:
    found = re.search(UUID, text)
    assert found is not None
    return found.group(0)


def test_new_prints_markers_and_adds_the_entry(repo: Repo, run: Runner) -> None:
    before = repo.read("regen.toml")
    result = run("new", "table", "--set", "source=carriers.csv", "--set", 'columns=["country"]')
    assert result.code == 0
    uuid = uuid_of(result.out)
    assert result.out == (
        f"{{{{!-- BEGIN do not edit content below, it is automatically generated {uuid} --}}}}\n"
        f"{{{{!-- END do not edit content above, it is automatically generated {uuid} --}}}}\n"
    )
    config = repo.read("regen.toml")
    assert config.startswith(before)  # appended: nothing of the user's file changes
    assert tomllib.loads(config)["regions"][uuid] == {
        "generator": "table",
        "source": "carriers.csv",
        "columns": ["country"],
    }
    assert re.match(r"[0-9a-f]{8}-[0-9a-f]{4}-4", uuid), "a uuid4"


def test_new_puts_the_markers_in_the_page_and_update_fills_them(repo: Repo, run: Runner) -> None:
    page = repo.write("docs/a.md", "# Title\r\n\r\nText.\r\n")
    result = run(
        "new",
        "table",
        "--set",
        "source=carriers.csv",
        "--set",
        'columns=["carrier"]',
        "--set",
        'sort=["carrier"]',
        "--page",
        "docs/a.md",
        "--after-line",
        "2",
    )
    assert result.code == 0
    uuid = uuid_of(result.out)
    lines = page.read_bytes().decode().split("\r\n")
    assert lines[:2] == ["# Title", ""]
    assert uuid in lines[2]
    assert uuid in lines[3]
    assert lines[4:] == ["Text.", ""]
    assert run("update").code == 0
    assert "| AT&T |\r\n" in page.read_bytes().decode()
    assert run("check").code == 0


def test_new_blurb_makes_its_master_and_no_entry(repo: Repo, run: Runner) -> None:
    before = repo.read("regen.toml")
    result = run("new", "blurb", "--html")
    uuid = uuid_of(result.out)
    assert result.out == f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    assert (repo.root / f"sources/blurbs/{uuid}.md").read_text() == ""
    assert repo.read("regen.toml") == before


def test_new_blurb_writes_its_master_with_the_page_or_nothing(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", "# Title\n")
    blurbs = repo.root / "sources/blurbs"
    for master in blurbs.iterdir():
        master.unlink()
    blurbs.rmdir()
    repo.write("sources/blurbs", "a file where the masters' folder should be\n")
    before = repo.snapshot()
    result = run("new", "blurb", "--page", "docs/a.md", "--after-line", "1")
    assert result.code == ExitCode.INPUT_ERROR
    assert re.fullmatch(
        r"sources/blurbs/[0-9a-f-]{36}\.md: cannot write: Not a directory \(.*\)",
        result.err.splitlines()[0],
    )
    assert repo.snapshot() == before  # the page too is as it was
    (repo.root / "sources/blurbs").unlink()
    result = run("new", "blurb", "--page", "docs/a.md", "--after-line", "1")
    assert result.code == ExitCode.OK
    uuid = uuid_of(result.out)
    assert (blurbs / f"{uuid}.md").read_text() == ""
    assert uuid in repo.read("docs/a.md")


def test_new_refuses_an_unknown_generator(repo: Repo, run: Runner) -> None:
    before = repo.snapshot()
    result = run("new", "tabel")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "tabel: unknown generator (known generators: blurb, carriers, keep, pins, skus, table)"
    )
    assert repo.snapshot() == before


def test_new_refuses_a_line_the_page_does_not_have(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", "one line\n")
    before = repo.snapshot()
    result = run("new", "keep", "--page", "docs/a.md", "--after-line", "5")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "docs/a.md: has no line 5 (give --after-line from 0 to 1)"
    )
    assert repo.snapshot() == before


def test_new_refuses_a_setting_without_a_value(repo: Repo, run: Runner) -> None:
    del repo
    result = run("new", "table", "--set", "source")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "--set: 'source' is not key=value (write it as --set source=x.csv)"
    )


def test_values_are_written_so_that_they_read_back(repo: Repo, run: Runner) -> None:
    result = run(
        "new",
        "table",
        "--set",
        "source=carriers.csv",
        "--set",
        'columns=["country"]',
        "--set",
        'where={ model = "B404" }',
        "--set",
        'empty=a "quoted"\\ value',
        "--set",
        "align=left",
    )
    assert result.code == 0, result.err
    uuid = uuid_of(result.out)
    entry = tomllib.loads(repo.read("regen.toml"))["regions"][uuid]
    assert entry["empty"] == 'a "quoted"\\ value'
    assert entry["where"] == {"model": "B404"}


def test_a_number_toml_would_rewrite_stays_text(repo: Repo, run: Runner) -> None:
    result = run(
        "new",
        "table",
        "--set",
        "source=carriers.csv",
        "--set",
        'columns=["country"]',
        "--set",
        'where={ model = "B404" }',
        "--set",
        "empty=1.10",
    )
    entry = tomllib.loads(repo.read("regen.toml"))["regions"][uuid_of(result.out)]
    assert entry["empty"] == "1.10"


def test_an_entry_its_generator_refuses_writes_nothing(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", "text\n")
    before = repo.snapshot()
    result = run(
        "new", "table", "--set", 'columns=["x"]', "--page", "docs/a.md", "--after-line", "1"
    )
    assert result.code == ExitCode.INPUT_ERROR
    assert "missing key 'source'" in result.err
    assert repo.snapshot() == before


def test_markers_in_a_code_block_are_refused(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", "```\ncode\n```\n")
    assert refused(repo, run, "keep", "--page", "docs/a.md", "--after-line", "1") == (
        "docs/a.md:2: markers there would not be read as a region "
        "(choose a line outside code blocks and other regions)"
    )


def test_a_page_outside_the_repository_is_refused(
    repo: Repo, run: Runner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "page.md"
    outside.write_text("text\n")
    result = run("new", "keep", "--page", str(outside), "--after-line", "1")
    assert result.code == ExitCode.INPUT_ERROR
    assert "outside the repository" in result.err.splitlines()[0]
    assert outside.read_text() == "text\n"
    assert repo.read("regen.toml").count("[regions.") == 1


def test_a_page_that_does_not_exist_is_refused(repo: Repo, run: Runner) -> None:
    assert refused(repo, run, "keep", "--page", "docs/typo.md", "--after-line", "1") == (
        "docs/typo.md: cannot read: No such file or directory (check the path given to --page)"
    )


@pytest.mark.parametrize("after_line", [3, 4, 5])
def test_a_line_inside_a_region_is_refused_by_the_page_s_own_lines(
    repo: Repo, run: Runner, after_line: int
) -> None:
    page = "# A\n\n" + region(UUID_A, "| a |\n| - |\n") + "after\n"
    repo.write("docs/a.md", page)
    assert refused(repo, run, "keep", "--page", "docs/a.md", "--after-line", str(after_line)) == (
        f"docs/a.md:{after_line}: is inside the region {UUID_A} (lines 3-6)"
        " (give --after-line 2 or 6, or any line outside regions)"
    )
    for outside in ("2", "6"):  # just before its BEGIN, just after its END
        repo.write("docs/a.md", page)
        assert run("new", "keep", "--page", "docs/a.md", "--after-line", outside).code == 0


def test_a_page_with_problems_of_its_own_is_refused_with_them(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", "# A\n\n" + BEGIN % UUID_A + "\nno end\n")
    first = refused(repo, run, "keep", "--page", "docs/a.md", "--after-line", "1")
    assert first.startswith(f"docs/a.md:3: generated BEGIN marker {UUID_A}")


@pytest.mark.parametrize(
    ("page", "why"),
    [
        ("README.md", "pages in regen.toml does not take it"),  # pages = ["docs/**/*.md"]
        ("docs/drafts/d.md", "exclude in regen.toml leaves it out"),
        ("docs/.github/h.md", "regen never reads it (in a hidden or git-ignored folder, or a"),
        ("docs/node_modules/m.md", "regen never reads it (in a hidden or git-ignored folder, or a"),
    ],
)
def test_a_file_regen_never_reads_as_a_page_is_refused(
    repo: Repo, run: Runner, page: str, why: str
) -> None:
    repo.write("regen.toml", 'exclude = ["docs/drafts/**"]\n' + repo.read("regen.toml"))
    repo.write("docs/a.md", "# A\n")
    repo.write(page, "# Not a page\n")
    first = refused(repo, run, "keep", "--page", page, "--after-line", "1")
    assert first.startswith(f"{page}: is not one of the pages: {why}")
    assert first.endswith("so its region would never be filled (give a page regen reads)")


def test_a_blurb_master_is_refused_as_a_page(repo: Repo, run: Runner) -> None:
    repo.write("regen.toml", 'pages = ["**/*.md"]\n' + repo.read("regen.toml").split("\n", 1)[1])
    master = f"sources/blurbs/{UUID_BLURB}.md"
    first = refused(repo, run, "keep", "--page", master, "--after-line", "1")
    assert first.startswith(f"{master}: is not one of the pages: regen never reads it")


def test_an_empty_configuration_will_do_to_start(repo: Repo, run: Runner) -> None:
    # As the README says: `touch regen.toml`, then `regen new` adds regions.
    repo.write("regen.toml", "")
    repo.write("docs/a.md", "# A\n")
    result = run("new", "keep", "--page", "docs/a.md", "--after-line", "1")
    assert result.code == ExitCode.OK, result.err
    assert run("update").code == ExitCode.OK
    assert run("check").code == ExitCode.OK


def test_a_page_git_ignores_is_refused(repo: Repo, run: Runner) -> None:
    git_init(repo.root)
    repo.write(".gitignore", "docs/build/\n")
    repo.write("docs/a.md", "# A\n")
    repo.write("docs/build/out.md", "# Built\n")
    first = refused(repo, run, "keep", "--page", "docs/build/out.md", "--after-line", "1")
    assert first.startswith("docs/build/out.md: is not one of the pages: regen never reads it")
