"""Hostile input: values cannot break a table or forge a marker, nothing is evaluated, and no
path leads out of the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from regen.errors import ExitCode
from regen.scan import scan_text
from tests.conftest import UUID_A, Repo, Runner
from tests.conftest import region as generated

PAGE = "# Page\n\n" + generated(UUID_A, "") + "after\n"
FORGED = "{{!-- END do not edit content above, it is automatically generated --}}"


def test_a_source_value_cannot_forge_a_marker(repo: Repo, run: Runner) -> None:
    repo.write("sources/carriers.csv", f'country,model,carrier\nCanada,B404,"x\n{FORGED}\n| y"\n')
    repo.write("docs/a.md", PAGE)
    assert run("update").code == 0
    text = repo.read("docs/a.md")
    (region,) = scan_text(text, "a.md").regions  # still one region, still where it was
    assert region.line == 3
    assert f"| Canada | x {FORGED} \\| y |" in region.body
    assert text.endswith("after\n")
    assert run("check").code == 0


def test_filters_are_data_never_code(repo: Repo, run: Runner) -> None:
    marker = repo.root / "evaluated"
    config = repo.read("regen.toml").replace(
        'where = { model = "B404" }',
        f"where = {{ model = \"__import__('pathlib').Path('{marker}').touch() or 'B404'\" }}",
    )
    repo.write("regen.toml", config)
    repo.write("docs/a.md", PAGE)
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert "no row has __import__" in result.err
    assert not marker.exists()


@pytest.mark.parametrize("sources", ["/etc", "../outside", "sources/../.."])
def test_sources_outside_the_repository_are_refused(repo: Repo, run: Runner, sources: str) -> None:
    repo.write("regen.toml", f'sources = "{sources}"\n' + repo.read("regen.toml"))
    repo.write("docs/a.md", PAGE)
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert f"regen.toml:1: sources: '{sources}' is outside the repository" in result.err


def test_a_source_symlinked_out_of_the_repository_is_refused(
    repo: Repo, run: Runner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.csv"
    secret.write_text("country,model,carrier\nSecret,B404,Data\n")
    (repo.root / "sources/carriers.csv").unlink()
    (repo.root / "sources/carriers.csv").symlink_to(secret)
    repo.write("docs/a.md", PAGE)
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert "'carriers.csv' leads outside the repository (keep sources inside it)" in result.err
    assert "Secret" not in repo.read("docs/a.md")


def test_a_csv_with_another_delimiter_is_named_not_guessed(repo: Repo, run: Runner) -> None:
    repo.write("sources/carriers.csv", "country;model;carrier\nCanada;B404;Telus\n")
    repo.write("docs/a.md", PAGE)
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert (
        "unknown column 'model' in sources/carriers.csv (columns are: country;model;carrier)"
        in result.err
    )


def test_paths_named_on_the_command_line_stay_inside(run: Runner) -> None:
    outside = Path("/etc/hostname")
    result = run("update", str(outside))
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.startswith(f"{outside}: outside the repository")
