"""Finding, reading and validating the configuration (regen.config)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import regen
from regen.config import find_config, load_config, parse_config
from regen.errors import Problem, RegenError
from regen.generators import builtin_registry
from regen.model import RegionSpec

UUID = "c9241a2c-76e0-11eb-9439-0242ac130002"
OTHER = "99975710-76e0-11eb-9439-0242ac130002"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(error: RegenError) -> list[str]:
    return [str(problem) for problem in error.problems]


def load_error(path: Path) -> list[str]:
    with pytest.raises(RegenError) as caught:
        load_config(path)
    return problems_of(caught.value)


# find_config ------------------------------------------------------------------------------


def test_find_config_finds_regen_toml_in_the_start_folder(tmp_path: Path) -> None:
    config = write(tmp_path / "regen.toml", "")

    assert find_config(tmp_path) == config.resolve()


def test_find_config_finds_pyproject_with_a_tool_regen_table(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.regen]\n')

    assert find_config(tmp_path) == pyproject.resolve()


def test_find_config_finds_pyproject_with_only_a_tool_regen_subtable(tmp_path: Path) -> None:
    pyproject = write(
        tmp_path / "pyproject.toml", f'[tool.regen.regions."{UUID}"]\ngenerator = "keep"\n'
    )

    assert find_config(tmp_path) == pyproject.resolve()


def test_find_config_skips_a_pyproject_without_tool_regen(tmp_path: Path) -> None:
    config = write(tmp_path / "regen.toml", "")
    write(tmp_path / "pkg" / "pyproject.toml", "[tool.regenerate]\nx = 1\n")

    assert find_config(tmp_path / "pkg") == config.resolve()


def test_find_config_walks_up_the_parent_folders(tmp_path: Path) -> None:
    config = write(tmp_path / "regen.toml", "")
    start = tmp_path / "docs" / "deep" / "deeper"
    start.mkdir(parents=True)

    assert find_config(start) == config.resolve()


def test_find_config_prefers_regen_toml_to_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    config = write(tmp_path / "regen.toml", "")
    write(tmp_path / "pyproject.toml", "[tool.regen]\n")

    assert find_config(tmp_path) == config.resolve()


def test_find_config_takes_the_nearest_folder_first(tmp_path: Path) -> None:
    write(tmp_path / "regen.toml", "")
    nearer = write(tmp_path / "sub" / "pyproject.toml", "[tool.regen]\n")

    assert find_config(tmp_path / "sub") == nearer.resolve()


def test_find_config_ignores_a_folder_named_regen_toml(tmp_path: Path) -> None:
    config = write(tmp_path / "regen.toml", "")
    (tmp_path / "sub" / "regen.toml").mkdir(parents=True)

    assert find_config(tmp_path / "sub") == config.resolve()


def test_find_config_error_when_there_is_none(tmp_path: Path) -> None:
    start = tmp_path / "a" / "b"
    start.mkdir(parents=True)
    write(tmp_path / "a" / "pyproject.toml", "[tool.black]\n")

    with pytest.raises(RegenError) as caught:
        find_config(start)

    assert problems_of(caught.value) == [
        f"{start.resolve()}: no regen.toml (or pyproject.toml with [tool.regen]) here or in any"
        " parent folder (create regen.toml at the repository root; see the README's"
        " Configuration section)"
    ]


def test_find_config_reads_a_tool_regen_header_with_blanks(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "sub" / "pyproject.toml", "[ tool.regen ]\n")
    write(tmp_path / "regen.toml", "")

    assert find_config(tmp_path / "sub") == pyproject.resolve()


def test_find_config_reads_tool_regen_written_as_a_dotted_key(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "sub" / "pyproject.toml", '[tool]\nregen = { pages = ["a.md"] }\n')
    write(tmp_path / "regen.toml", "")

    assert find_config(tmp_path / "sub") == pyproject.resolve()


def test_find_config_ignores_tool_regen_text_inside_a_string(tmp_path: Path) -> None:
    config = write(tmp_path / "regen.toml", "")
    write(
        tmp_path / "sub" / "pyproject.toml",
        '[project]\nname = "x"\ndescription = """\n[tool.regen]\n"""\n',
    )

    assert find_config(tmp_path / "sub") == config.resolve()


# load_config: reading -----------------------------------------------------------------------


def test_load_config_of_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "regen.toml", ""))

    assert config.root == tmp_path
    assert config.file == "regen.toml"
    assert config.pages == ("**/*.md",)
    assert config.exclude == ()
    assert config.sources == "sources"
    assert config.blurbs == "sources/blurbs"
    assert dict(config.regions) == {}


def test_load_config_reads_pages_exclude_sources_and_blurbs(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        'pages = ["docs/**/*.md", "README.md"]\n'
        'exclude = ["docs/drafts/**"]\n'
        'sources = "data"\n'
        'blurbs = "texts/shared"\n',
    )

    config = load_config(path)

    assert config.pages == ("docs/**/*.md", "README.md")
    assert config.exclude == ("docs/drafts/**",)
    assert config.sources == "data"
    assert config.blurbs == "texts/shared"


def test_load_config_takes_one_page_glob_as_a_list_of_one(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "regen.toml", 'pages = "README.md"\n'))

    assert config.pages == ("README.md",)


def test_load_config_puts_blurbs_below_the_configured_sources(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "regen.toml", 'sources = "data/"\n'))

    assert config.sources == "data"
    assert config.blurbs == "data/blurbs"


def test_load_config_reads_a_region_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        'pages = ["docs/*.md"]\n'
        "\n"
        "# the carriers of the B404\n"
        f'[regions."{UUID}"]\n'
        'generator = "table"\n'
        'source = "carriers.csv"\n'
        'where = { model = "B404" }\n'
        'columns = ["country", { column = "carrier", join = ", " }]\n',
    )

    config = load_config(path)

    assert dict(config.regions) == {
        UUID: RegionSpec(
            UUID,
            "table",
            {
                "source": "carriers.csv",
                "where": {"model": "B404"},
                "columns": ["country", {"column": "carrier", "join": ", "}],
            },
            4,
        )
    }


def test_load_config_reads_several_regions_each_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions."{UUID}"]\ngenerator = "keep"\n# next\n'
        f'[regions."{OTHER}"]\ngenerator = "blurb"\n',
    )

    regions = load_config(path).regions

    assert [(s.uuid, s.generator, s.line) for s in regions.values()] == [
        (UUID, "keep", 1),
        (OTHER, "blurb", 4),
    ]


def test_region_after_a_blank_line_gets_the_line_of_its_table(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml", f'pages = ["a.md"]\n\n[regions."{UUID}"]\ngenerator = "keep"\n'
    )

    assert load_config(path).regions[UUID].line == 3


def test_error_about_a_key_after_a_blank_line_names_the_key_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\nsources = "../x"\n')

    assert load_error(path) == [
        f"regen.toml:3: sources: '../x' is outside the repository (use a path below {tmp_path})"
    ]


def test_load_config_reads_tool_regen_from_pyproject(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n'
        '[tool.regen]\npages = ["docs/*.md"]\nsources = "data"\n'
        f'[tool.regen.regions."{UUID}"]\ngenerator = "keep"\n',
    )

    config = load_config(path)

    assert config.file == "pyproject.toml"
    assert config.root == tmp_path
    assert config.pages == ("docs/*.md",)
    assert config.sources == "data"
    assert dict(config.regions) == {UUID: RegionSpec(UUID, "keep", {}, 7)}


def test_load_config_of_a_pyproject_without_tool_regen_gives_the_defaults(
    tmp_path: Path,
) -> None:
    config = load_config(write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n'))

    assert config.pages == ("**/*.md",)
    assert dict(config.regions) == {}


def test_load_config_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "regen.toml"

    assert load_error(path) == [
        f"regen.toml: cannot read the configuration: [Errno 2] No such file or directory: '{path}'"
    ]


def test_load_config_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "regen.toml"
    path.write_bytes(b'pages = ["\xff"]\n')

    assert load_error(path) == [
        "regen.toml: cannot read the configuration: 'utf-8' codec can't decode byte 0xff in"
        " position 10: invalid start byte"
    ]


def test_invalid_toml_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\nsources "data"\n')

    assert load_error(path) == [
        "regen.toml:3: not valid TOML: Expected '=' after a key in a key/value pair"
        " (at line 3, column 9) (fix the TOML syntax)"
    ]


# load_config: validation --------------------------------------------------------------------


def test_unknown_top_level_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\npage = ["b.md"]\n')

    assert load_error(path) == [
        "regen.toml:2: page: unknown key (known keys: pages, exclude, sources, blurbs, regions)"
    ]


def test_unknown_top_level_key_after_blank_lines_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\n\n# typo below\nsource = "data"\n')

    assert load_error(path) == [
        "regen.toml:5: source: unknown key (known keys: pages, exclude, sources, blurbs, regions)"
    ]


def test_unknown_top_level_table_names_its_header_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\n[region]\nx = 1\n')

    assert load_error(path) == [
        "regen.toml:3: region: unknown key (known keys: pages, exclude, sources, blurbs, regions)"
    ]


def test_unknown_top_level_table_known_through_a_subtable_names_its_line(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "regen.toml", f'pages = ["a.md"]\n\n[region."{UUID}"]\nx = 1\n')

    assert load_error(path) == [
        "regen.toml:3: region: unknown key (known keys: pages, exclude, sources, blurbs, regions)"
    ]


def test_unknown_key_in_tool_regen_names_its_full_path(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.regen]\nsource = 'data'\n")

    assert load_error(path) == [
        "pyproject.toml:2: tool.regen.source: unknown key"
        " (known keys: pages, exclude, sources, blurbs, regions)"
    ]


def test_unknown_top_level_key_that_is_not_an_identifier_is_quoted(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", '"page s" = ["a.md"]\n')

    assert load_error(path) == [
        'regen.toml:1: "page s": unknown key (known keys: pages, exclude, sources, blurbs, regions)'
    ]


def test_error_in_tool_regen_names_its_own_line_not_another_tables(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml", '[tool.ruff]\nexclude = ["x"]\n\n[tool.regen]\nexclude = 3\n'
    )

    assert load_error(path) == [
        "pyproject.toml:5: tool.regen.exclude: expected a string, got a number"
    ]


def test_pages_of_the_wrong_type_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", '# pages\n# more\npages = ["a.md", 3]\n')

    assert load_error(path) == ["regen.toml:3: pages[1]: expected a string, got a number"]


def test_exclude_of_the_wrong_type_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", "exclude = { x = 1 }\n")

    assert load_error(path) == ["regen.toml:1: exclude: expected a string, got a table"]


def test_sources_leading_outside_the_repository_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\nsources = "../x"\n')

    assert load_error(path) == [
        f"regen.toml:2: sources: '../x' is outside the repository (use a path below {tmp_path})"
    ]


def test_sources_leading_outside_through_a_subfolder_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'sources = "data/../../x"\n')

    assert load_error(path) == [
        "regen.toml:1: sources: 'data/../../x' is outside the repository"
        f" (use a path below {tmp_path})"
    ]


def test_absolute_sources_path_outside_is_an_error(tmp_path: Path) -> None:
    outside = tmp_path.parent
    path = write(tmp_path / "regen.toml", f'sources = "{outside}"\n')

    assert load_error(path) == [
        f"regen.toml:1: sources: '{outside}' is outside the repository"
        f" (use a path below {tmp_path})"
    ]


def test_blurbs_leading_outside_the_repository_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.regen]\nblurbs = "../blurbs"\n')

    assert load_error(path) == [
        "pyproject.toml:2: tool.regen.blurbs: '../blurbs' is outside the repository"
        f" (use a path below {tmp_path})"
    ]


def test_sources_inside_the_repository_through_dotdot_is_accepted(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "regen.toml", 'sources = "docs/../data"\n'))

    assert config.sources == "data"
    assert config.blurbs == "data/blurbs"


def test_default_blurbs_below_a_sources_dot_is_normalised(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "regen.toml", 'sources = "."\n'))

    assert (config.sources, config.blurbs) == (".", "blurbs")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("data", "data"),
        ("data/", "data"),
        ("./data", "data"),
        ("data//csv/./", "data/csv"),
        ("docs/../data", "data"),
        (".", "."),
        ("./", "."),
    ],
)
def test_folder_paths_are_normalised(tmp_path: Path, written: str, normalised: str) -> None:
    config = load_config(
        write(tmp_path / "regen.toml", f'sources = "{written}"\nblurbs = "{written}"\n')
    )

    assert (config.sources, config.blurbs) == (normalised, normalised)


def test_unknown_generator_is_not_checked_by_the_configuration(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID}"]\ngenerator = "nope"\nx = 1\n')

    config = load_config(path)

    assert dict(config.regions) == {UUID: RegionSpec(UUID, "nope", {"x": 1}, 1)}


def test_unknown_generator_is_reported_by_the_plan(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'# one\n[regions."{UUID}"]\ngenerator = "nope"\n')
    page = (
        f"<!-- BEGIN do not edit content below, it is automatically generated {UUID} -->\n"
        f"<!-- END do not edit content above, it is automatically generated {UUID} -->\n"
    )

    with pytest.raises(RegenError) as caught:
        regen.update_text(page, config=load_config(path), registry=builtin_registry())

    assert problems_of(caught.value) == [
        f"regen.toml:2: regions.\"{UUID}\".generator: unknown generator 'nope'"
        " (known generators: blurb, keep, table)"
    ]


def test_region_key_that_is_not_a_uuid_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", '# one\n[regions."c9241a2c-76e0"]\ngenerator = "table"\n')

    assert load_error(path) == [
        'regen.toml:2: regions."c9241a2c-76e0": not a uuid'
        " (region keys are the uuids written in the page's markers)"
    ]


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("carriers", "carriers"),
        ("_carriers_2", "_carriers_2"),
        ("carriers-b404", '"carriers-b404"'),
        ("2carriers", '"2carriers"'),
        ('"b404 carriers"', '"b404 carriers"'),
    ],
)
def test_region_key_path_quotes_a_key_that_is_not_an_identifier(
    tmp_path: Path, written: str, shown: str
) -> None:
    path = write(tmp_path / "regen.toml", f'[regions.{written}]\ngenerator = "table"\n')

    assert load_error(path) == [
        f"regen.toml:1: regions.{shown}: not a uuid"
        " (region keys are the uuids written in the page's markers)"
    ]


def test_region_uuid_is_lower_cased(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID.upper()}"]\ngenerator = "keep"\n')

    regions = load_config(path).regions

    assert list(regions) == [UUID]
    assert regions[UUID].uuid == UUID


def test_duplicate_uuid_differing_in_case_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions."{UUID}"]\ngenerator = "keep"\n\n'
        f'[regions."{UUID.upper()}"]\ngenerator = "table"\n',
    )

    with pytest.raises(RegenError) as caught:
        load_config(path)

    [problem] = caught.value.problems
    assert (problem.path, problem.message, problem.hint) == (
        "regen.toml",
        f'regions."{UUID.upper()}": this uuid has two entries',
        "keep one of them",
    )


def test_duplicate_uuid_error_points_at_the_second_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions."{UUID}"]\ngenerator = "keep"\n# again\n'
        f'[regions."{UUID.upper()}"]\ngenerator = "table"\n',
    )

    assert load_error(path) == [
        f'regen.toml:4: regions."{UUID.upper()}": this uuid has two entries (keep one of them)'
    ]


def test_duplicate_uuid_in_lower_case_after_upper_case_points_at_the_lower_case_one(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions."{UUID.upper()}"]\ngenerator = "keep"\n\n\n'
        f'[regions."{UUID}"]\ngenerator = "table"\n',
    )

    assert load_error(path) == [
        f'regen.toml:5: regions."{UUID}": this uuid has two entries (keep one of them)'
    ]


def test_duplicate_uuid_as_keys_of_one_regions_table_points_at_the_second(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions]\n"{UUID}" = {{ generator = "keep" }}\n\n'
        f'"{UUID.upper()}" = {{ generator = "keep" }}\n',
    )

    assert load_error(path) == [
        f'regen.toml:4: regions."{UUID.upper()}": this uuid has two entries (keep one of them)'
    ]


def test_region_without_a_generator_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID}"]\nsource = "x.csv"\n')

    assert load_error(path) == [
        f"regen.toml:1: regions.\"{UUID}\": missing key 'generator'"
        " (add generator = ... to this entry)"
    ]


def test_region_generator_that_is_not_a_string_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID}"]\ngenerator = ["table"]\n')

    assert load_error(path) == [
        f'regen.toml:1: regions."{UUID}".generator: expected a string, got a list'
    ]


def test_region_entry_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions]\n"{UUID}" = "table"\n')

    assert load_error(path) == [f'regen.toml:2: regions."{UUID}": expected a table, got a string']


def test_regions_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\nregions = ["x"]\n')

    assert load_error(path) == ["regen.toml:3: regions: expected a table, got a list"]


# parse_config -------------------------------------------------------------------------------


def test_parse_config_validates_already_parsed_data(tmp_path: Path) -> None:
    data = tomllib.loads(f'sources = "data"\n[regions."{UUID.upper()}"]\ngenerator = "keep"\n')

    config = parse_config(data, root=tmp_path, file="conf.toml")

    assert config.file == "conf.toml"
    assert config.sources == "data"
    assert config.blurbs == "data/blurbs"
    assert dict(config.regions) == {UUID: RegionSpec(UUID, "keep", {}, None)}


def test_parse_config_without_text_reports_no_line(tmp_path: Path) -> None:
    with pytest.raises(RegenError) as caught:
        parse_config({"sources": "../x"}, root=tmp_path, file="conf.toml")

    assert caught.value.problems == (
        Problem(
            "conf.toml",
            None,
            "sources: '../x' is outside the repository",
            f"use a path below {tmp_path}",
        ),
    )


def test_broken_pyproject_with_tool_regen_is_reported_not_skipped(tmp_path: Path) -> None:
    write(tmp_path / "regen.toml", "")
    child = tmp_path / "child"
    write(child / "pyproject.toml", "[tool.regen]\npages = [\n")
    found = find_config(child)
    assert found == child / "pyproject.toml"
    assert load_error(found) == [
        "pyproject.toml:3: not valid TOML: Invalid value (at end of document) (fix the TOML syntax)"
    ]


def test_tool_regen_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool]\nregen = "ab"\n')
    assert load_error(path) == ["pyproject.toml:2: tool.regen: expected a table"]
