"""Finding, reading and validating the configuration (regen.config)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import regen
from regen.config import DEFAULT_PAGES, find_config, load_config, parse_config
from regen.errors import Problem, RegenError
from regen.generators import builtin_registry
from regen.model import RegionSpec

UUID = "c9241a2c-76e0-11eb-9439-0242ac130002"
OTHER = "99975710-76e0-11eb-9439-0242ac130002"
THIRD = "b69a2546-9baa-11ec-b909-0242ac120002"
KNOWN_KEYS = "known keys: pages, exclude, sources, blurbs, regions"
NOT_A_UUID = "region keys are the uuids written in the page's markers"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(error: RegenError) -> list[str]:
    return [str(problem) for problem in error.problems]


def load_error(path: Path | str) -> list[str]:
    """What load_config raises: only for a file it cannot read, decode or parse."""
    with pytest.raises(RegenError) as caught:
        load_config(path)
    return problems_of(caught.value)


def config_problems(path: Path) -> list[str]:
    """What load_config collects, without raising, about the content of the file."""
    return [str(problem) for problem in load_config(path).problems]


def region(uuid: str) -> str:
    return (
        f"<!-- BEGIN do not edit content below, it is automatically generated {uuid} -->\n"
        f"<!-- END do not edit content above, it is automatically generated {uuid} -->\n"
    )


def update_error(text: str, path: Path) -> list[str]:
    with pytest.raises(RegenError) as caught:
        regen.update_text(text, config=load_config(path), registry=builtin_registry())
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
        " parent folder (create regen.toml at the repository root (an empty one will do); see"
        " the README's Configuration section)"
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
    assert config.problems == ()
    assert config.broken == frozenset()


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
    assert config.problems == ()


def test_load_config_takes_one_page_glob_as_a_list_of_one(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "regen.toml", 'pages = "README.md"\n'))

    assert config.pages == ("README.md",)


def test_load_config_puts_blurbs_below_the_configured_sources(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "regen.toml", 'sources = "data/"\n'))

    assert config.sources == "data"
    assert config.blurbs == "data/blurbs"


def test_load_config_accepts_a_str_path(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n')

    config = load_config(str(path))

    assert (config.root, config.file, config.pages) == (tmp_path, "regen.toml", ("a.md",))


def test_load_config_decodes_a_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "regen.toml"
    path.write_bytes(b'\xef\xbb\xbfpages = ["caf\xc3\xa9.md"]\nexclude = 3\n')

    config = load_config(path)

    assert config.pages == ("café.md",)
    assert [str(p) for p in config.problems] == [
        "regen.toml:2: exclude: expected a string, got a number"
    ]


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
            "regen.toml",
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


def test_regions_as_keys_of_one_table_each_get_their_own_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions]\n"{UUID}" = {{ generator = "keep" }}\n\n'
        f'"{OTHER}" = {{ generator = "blurb" }}\n',
    )

    regions = load_config(path).regions

    assert [(s.uuid, s.generator, s.line) for s in regions.values()] == [
        (UUID, "keep", 2),
        (OTHER, "blurb", 4),
    ]


def test_region_after_a_blank_line_gets_the_line_of_its_table(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml", f'pages = ["a.md"]\n\n[regions."{UUID}"]\ngenerator = "keep"\n'
    )

    assert load_config(path).regions[UUID].line == 3


def test_error_about_a_key_after_a_blank_line_names_the_key_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\nsources = "../x"\n')

    assert config_problems(path) == [
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
    assert dict(config.regions) == {UUID: RegionSpec(UUID, "keep", {}, 7, "pyproject.toml")}
    assert config.problems == ()


def test_load_config_of_a_pyproject_without_tool_regen_gives_the_defaults(
    tmp_path: Path,
) -> None:
    config = load_config(write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n'))

    assert config.pages == ("**/*.md",)
    assert dict(config.regions) == {}
    assert config.problems == ()


def test_load_config_missing_file_is_raised(tmp_path: Path) -> None:
    path = tmp_path / "regen.toml"

    assert load_error(path) == [f"{path}: configuration file not found (check the --config path)"]


def test_load_config_missing_file_given_as_a_relative_str_shows_it_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert load_error("conf/regen.toml") == [
        "conf/regen.toml: configuration file not found (check the --config path)"
    ]


def test_load_config_of_a_folder_is_raised(tmp_path: Path) -> None:
    path = tmp_path / "regen.toml"
    path.mkdir()

    assert load_error(path) == [
        f"{path}: cannot read the configuration: Is a directory (check its permissions)"
    ]


def test_load_config_not_utf8_is_raised_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "regen.toml"
    path.write_bytes(b'# ok\npages = ["\xff"]\n')

    assert load_error(path) == [
        "regen.toml:2: not valid UTF-8 (byte 0xff at offset 15) (re-save the file as UTF-8)"
    ]


def test_invalid_toml_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\nsources "data"\n')

    assert load_error(path) == [
        "regen.toml:3: not valid TOML: Expected '=' after a key in a key/value pair"
        " (at line 3, column 9) (fix the TOML syntax)"
    ]


# load_config: validation, collected in Config.problems -------------------------------------


def test_unknown_top_level_key_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\npage = ["b.md"]\n')

    config = load_config(path)

    assert [str(p) for p in config.problems] == [f"regen.toml:2: page: unknown key ({KNOWN_KEYS})"]
    assert config.pages == ("a.md",)


def test_unknown_top_level_key_after_blank_lines_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\n\n# typo below\nsource = "data"\n')

    assert config_problems(path) == [f"regen.toml:5: source: unknown key ({KNOWN_KEYS})"]


def test_unknown_top_level_table_names_its_header_line(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\n[region]\nx = 1\n')

    assert config_problems(path) == [f"regen.toml:3: region: unknown key ({KNOWN_KEYS})"]


def test_unknown_top_level_table_known_through_a_subtable_names_its_line(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "regen.toml", f'pages = ["a.md"]\n\n[region."{UUID}"]\nx = 1\n')

    assert config_problems(path) == [f"regen.toml:3: region: unknown key ({KNOWN_KEYS})"]


def test_every_unknown_top_level_key_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'page = ["a.md"]\nsources = "data"\nblurb = "b"\n')

    config = load_config(path)

    assert [str(p) for p in config.problems] == [
        f"regen.toml:1: page: unknown key ({KNOWN_KEYS})",
        f"regen.toml:3: blurb: unknown key ({KNOWN_KEYS})",
    ]
    assert config.sources == "data"


def test_unknown_key_in_tool_regen_names_its_full_path(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.regen]\nsource = 'data'\n")

    assert config_problems(path) == [
        f"pyproject.toml:2: tool.regen.source: unknown key ({KNOWN_KEYS})"
    ]


def test_unknown_top_level_key_that_is_not_an_identifier_is_quoted(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", '"page s" = ["a.md"]\n')

    assert config_problems(path) == [f'regen.toml:1: "page s": unknown key ({KNOWN_KEYS})']


def test_error_in_tool_regen_names_its_own_line_not_another_tables(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml", '[tool.ruff]\nexclude = ["x"]\n\n[tool.regen]\nexclude = 3\n'
    )

    assert config_problems(path) == [
        "pyproject.toml:5: tool.regen.exclude: expected a string, got a number"
    ]


def test_pages_of_the_wrong_type_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", '# pages\n# more\npages = ["a.md", 3]\n')

    assert config_problems(path) == ["regen.toml:3: pages[1]: expected a string, got a number"]


def test_exclude_of_the_wrong_type_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", "exclude = { x = 1 }\n")

    assert config_problems(path) == ["regen.toml:1: exclude: expected a string, got a table"]


def test_sources_leading_outside_the_repository_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\nsources = "../x"\n')

    assert config_problems(path) == [
        f"regen.toml:2: sources: '../x' is outside the repository (use a path below {tmp_path})"
    ]


def test_sources_leading_outside_through_a_subfolder_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'sources = "data/../../x"\n')

    assert config_problems(path) == [
        "regen.toml:1: sources: 'data/../../x' is outside the repository"
        f" (use a path below {tmp_path})"
    ]


def test_absolute_sources_path_outside_is_a_problem(tmp_path: Path) -> None:
    outside = tmp_path.parent
    path = write(tmp_path / "regen.toml", f'sources = "{outside}"\n')

    assert config_problems(path) == [
        f"regen.toml:1: sources: '{outside}' is outside the repository"
        f" (use a path below {tmp_path})"
    ]


def test_blurbs_leading_outside_the_repository_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.regen]\nblurbs = "../blurbs"\n')

    assert config_problems(path) == [
        "pyproject.toml:2: tool.regen.blurbs: '../blurbs' is outside the repository"
        f" (use a path below {tmp_path})"
    ]


@pytest.mark.parametrize("key", ["sources", "blurbs"])
def test_a_folder_in_a_symlink_loop_is_a_problem(tmp_path: Path, key: str) -> None:
    (tmp_path / "loop").symlink_to("loop")
    path = write(tmp_path / "regen.toml", f'{key} = "loop/data"\n')

    assert config_problems(path) == [
        f"regen.toml:1: {key}: 'loop/data' leads into a symlink loop (fix the link, or name"
        " another folder)"
    ]


def test_a_bad_value_is_replaced_by_its_default(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml", 'pages = 3\nexclude = [1]\nsources = "../x"\nblurbs = false\n'
    )

    config = load_config(path)

    assert len(config.problems) == 4
    assert (config.pages, config.exclude, config.sources, config.blurbs) == (
        DEFAULT_PAGES,
        (),
        "sources",
        "sources/blurbs",
    )


def test_a_bad_blurbs_defaults_below_the_good_sources(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'sources = "data"\nblurbs = 1\n')

    config = load_config(path)

    assert (config.sources, config.blurbs) == ("data", "data/blurbs")
    assert [str(p) for p in config.problems] == [
        "regen.toml:2: blurbs: expected a string, got a number"
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

    assert dict(config.regions) == {UUID: RegionSpec(UUID, "nope", {"x": 1}, 1, "regen.toml")}
    assert config.problems == ()


def test_unknown_generator_is_reported_by_the_plan(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'# one\n[regions."{UUID}"]\ngenerator = "nope"\n')

    assert update_error(region(UUID), path) == [
        f"regen.toml:3: regions.\"{UUID}\".generator: unknown generator 'nope'"
        " (known generators: blurb, carriers, keep, pins, skus, table)"
    ]


def test_region_key_that_is_not_a_uuid_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", '# one\n[regions."c9241a2c-76e0"]\ngenerator = "table"\n')

    config = load_config(path)

    assert [str(p) for p in config.problems] == [
        f'regen.toml:2: regions."c9241a2c-76e0": not a uuid ({NOT_A_UUID})'
    ]
    assert dict(config.regions) == {}


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

    assert config_problems(path) == [f"regen.toml:1: regions.{shown}: not a uuid ({NOT_A_UUID})"]


def test_region_uuid_is_lower_cased(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID.upper()}"]\ngenerator = "keep"\n')

    regions = load_config(path).regions

    assert list(regions) == [UUID]
    assert regions[UUID].uuid == UUID


def test_duplicate_uuid_differing_in_case_is_a_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions."{UUID}"]\ngenerator = "keep"\n\n'
        f'[regions."{UUID.upper()}"]\ngenerator = "table"\n',
    )

    config = load_config(path)

    [problem] = config.problems
    assert (problem.path, problem.message, problem.hint) == (
        "regen.toml",
        f'regions."{UUID.upper()}": this uuid has two entries',
        "keep one of them",
    )
    assert config.regions[UUID].generator == "keep"
    assert config.broken == {UUID}


def test_duplicate_uuid_error_points_at_the_second_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'[regions."{UUID}"]\ngenerator = "keep"\n# again\n'
        f'[regions."{UUID.upper()}"]\ngenerator = "table"\n',
    )

    assert config_problems(path) == [
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

    assert config_problems(path) == [
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

    assert config_problems(path) == [
        f'regen.toml:4: regions."{UUID.upper()}": this uuid has two entries (keep one of them)'
    ]


def test_region_without_a_generator_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID}"]\nsource = "x.csv"\n')

    config = load_config(path)

    assert [str(p) for p in config.problems] == [
        f"regen.toml:1: regions.\"{UUID}\": missing key 'generator'"
        " (add generator = ... to this entry)"
    ]
    assert dict(config.regions) == {}
    assert config.broken == {UUID}


def test_region_generator_that_is_not_a_string_is_a_problem_at_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml", f'[regions."{UUID}"]\nsource = "x.csv"\ngenerator = ["table"]\n'
    )

    assert config_problems(path) == [
        f'regen.toml:3: regions."{UUID}".generator: expected a string, got a list'
    ]


def test_region_entry_that_is_not_a_table_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions]\n"{UUID}" = "table"\n')

    assert config_problems(path) == [
        f'regen.toml:2: regions."{UUID}": expected a table, got a string'
    ]


def test_regions_that_is_not_a_table_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", 'pages = ["a.md"]\n\nregions = ["x"]\n')

    config = load_config(path)

    assert [str(p) for p in config.problems] == [
        "regen.toml:3: regions: expected a table, got a list"
    ]
    assert (config.pages, dict(config.regions)) == (("a.md",), {})


def test_every_problem_in_the_file_is_collected_in_one_run(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        'pages = ["a.md", 3]\n'
        'page = ["b.md"]\n'
        "exclude = { x = 1 }\n"
        'sources = "../data"\n'
        "blurbs = 5\n"
        "\n"
        "[regions]\n"
        '"c9241a2c-76e0" = { generator = "table" }\n'
        f'"{UUID}" = {{ source = "x.csv" }}\n'
        f'"{OTHER}" = {{ generator = ["keep"] }}\n'
        f'"{THIRD}" = {{ generator = "keep" }}\n',
    )

    config = load_config(path)

    assert [str(p) for p in config.problems] == [
        f"regen.toml:2: page: unknown key ({KNOWN_KEYS})",
        "regen.toml:1: pages[1]: expected a string, got a number",
        "regen.toml:3: exclude: expected a string, got a table",
        f"regen.toml:4: sources: '../data' is outside the repository (use a path below {tmp_path})",
        "regen.toml:5: blurbs: expected a string, got a number",
        f'regen.toml:8: regions."c9241a2c-76e0": not a uuid ({NOT_A_UUID})',
        f"regen.toml:9: regions.\"{UUID}\": missing key 'generator'"
        " (add generator = ... to this entry)",
        f'regen.toml:10: regions."{OTHER}".generator: expected a string, got a list',
    ]
    assert dict(config.regions) == {THIRD: RegionSpec(THIRD, "keep", {}, 11, "regen.toml")}
    assert config.broken == {"c9241a2c-76e0", UUID, OTHER}
    assert (config.pages, config.exclude, config.sources, config.blurbs) == (
        DEFAULT_PAGES,
        (),
        "sources",
        "sources/blurbs",
    )


# Config problems in a run -------------------------------------------------------------------


def test_update_text_raises_the_config_problems_with_the_pages(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        f'pages = 3\n[regions]\n"{UUID}" = {{ generator = "keep" }}\n"{OTHER}" = {{ x = 1 }}\n',
    )
    page = "# Title\n" + region(UUID) + region(OTHER) + region(THIRD)

    assert update_error(page, path) == [
        "regen.toml:1: pages: expected a string, got a number",
        f"regen.toml:4: regions.\"{OTHER}\": missing key 'generator'"
        " (add generator = ... to this entry)",
        f"<text>:6: unknown region uuid {THIRD}"
        f' (add [regions."{THIRD}"] to regen.toml, or remove the region\'s markers)',
    ]


def test_update_text_raises_config_problems_even_when_the_page_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'page = 1\n[regions."{UUID}"]\ngenerator = "keep"\n')

    assert update_error(region(UUID), path) == [f"regen.toml:1: page: unknown key ({KNOWN_KEYS})"]


def test_a_region_with_a_broken_entry_is_not_also_an_unknown_uuid(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID.upper()}"]\ngeneratr = "keep"\n')

    assert update_error(region(UUID) + region(UUID), path) == [
        f"regen.toml:1: regions.\"{UUID.upper()}\": missing key 'generator'"
        " (add generator = ... to this entry)"
    ]


def test_update_text_without_problems_returns_the_text(tmp_path: Path) -> None:
    path = write(tmp_path / "regen.toml", f'[regions."{UUID}"]\ngenerator = "keep"\n')
    page = region(UUID)

    assert regen.update_text(page, config=load_config(path), registry=builtin_registry()) == page


# tool.regen. prefix on every key path -------------------------------------------------------


def test_region_problem_in_pyproject_starts_with_tool_regen(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.regen]\npages = ["a.md"]\n\n'
        f'[tool.regen.regions."{UUID}"]\nsource = "x.csv"\n',
    )

    config = load_config(path)

    assert [str(p) for p in config.problems] == [
        f"pyproject.toml:7: tool.regen.regions.\"{UUID}\": missing key 'generator'"
        " (add generator = ... to this entry)"
    ]
    assert config.prefix == "tool.regen."


def test_generator_errors_in_pyproject_start_with_tool_regen(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml",
        f'[tool.regen.regions."{UUID}"]\ngenerator = "keep"\n\nx = 1\n',
    )

    assert update_error(region(UUID), path) == [
        f'pyproject.toml:4: tool.regen.regions."{UUID}".x: unknown key (it takes no options)'
    ]


def test_unknown_generator_in_pyproject_starts_with_tool_regen(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", f'[tool.regen.regions."{UUID}"]\ngenerator = "no"\n')

    assert update_error(region(UUID), path) == [
        f"pyproject.toml:2: tool.regen.regions.\"{UUID}\".generator: unknown generator 'no'"
        " (known generators: blurb, carriers, keep, pins, skus, table)"
    ]


def test_unknown_uuid_with_a_pyproject_names_the_tool_regen_table(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.regen]\npages = ["a.md"]\n')

    assert update_error(region(UUID), path) == [
        f"<text>:1: unknown region uuid {UUID}"
        f' (add [tool.regen.regions."{UUID}"] to pyproject.toml, or remove the region\'s'
        " markers)"
    ]


# parse_config -------------------------------------------------------------------------------


def test_parse_config_validates_already_parsed_data(tmp_path: Path) -> None:
    data = tomllib.loads(f'sources = "data"\n[regions."{UUID.upper()}"]\ngenerator = "keep"\n')

    config = parse_config(data, root=tmp_path, file="conf.toml")

    assert config.file == "conf.toml"
    assert config.sources == "data"
    assert config.blurbs == "data/blurbs"
    assert dict(config.regions) == {UUID: RegionSpec(UUID, "keep", {}, None, "conf.toml")}
    assert config.problems == ()


def test_parse_config_without_text_reports_no_line(tmp_path: Path) -> None:
    config = parse_config({"sources": "../x"}, root=tmp_path, file="conf.toml")

    assert config.problems == (
        Problem(
            "conf.toml",
            None,
            "sources: '../x' is outside the repository",
            f"use a path below {tmp_path}",
        ),
    )
    assert config.sources == "sources"


def test_parse_config_with_a_prefix_shows_it_on_every_key(tmp_path: Path) -> None:
    data = {"page": 1, "regions": {UUID: {"x": 1}}}

    config = parse_config(data, root=tmp_path, file="pyproject.toml", prefix="tool.regen.")

    assert [str(p) for p in config.problems] == [
        f"pyproject.toml: tool.regen.page: unknown key ({KNOWN_KEYS})",
        f"pyproject.toml: tool.regen.regions.\"{UUID}\": missing key 'generator'"
        " (add generator = ... to this entry)",
    ]


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


def test_tool_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "tool = 3\n")
    assert load_error(path) == ["pyproject.toml:1: tool.regen: expected a table"]


def test_a_merge_conflict_in_the_configuration_is_named_as_one(tmp_path: Path) -> None:
    path = write(
        tmp_path / "regen.toml",
        'pages = ["docs/**/*.md"]\n<<<<<<< HEAD\nexclude = ["a"]\n=======\nexclude = ["b"]\n'
        ">>>>>>> x\n",
    )
    assert load_error(path) == [
        "regen.toml:2: unresolved merge conflict (lines 2-6) (keep the entries you want, and"
        " remove the <<<<<<<, ======= and >>>>>>> lines)"
    ]
