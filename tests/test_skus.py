"""The `skus` generator, run through regen.update_text on a small SKU list."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.regionkit import OneRegion

KIT = OneRegion(
    "b28329f3-7067-4ae1-aafa-c48b75d77674", "skus", "### SKUs\n\nText before the table.\n"
)
UUID, KEY, BEGIN, END, PAGE = KIT.uuid, KIT.key, KIT.begin, KIT.end, KIT.page
config_for, build, build_error, page_with = KIT.config, KIT.build, KIT.errors, KIT.page_with

SKUS = (
    "sku,description,family,region,modem,ethersim,lifecycle,replacement,datasheet\n"
    'B524MEA,"B Series LTE CAT1/3G/2G (Europe), [x1]",b-series,EMEAA,EG91-E,yes,GA,,'
    "/datasheets/b524/\n"
    'B402MEA,"B Series LTE CAT-M1 (NorAm), [x1]",b-series,NORAM,R410M,no,Deprecated,B404XMEA,'
    "/datasheets/b402/\n"
    "M2EVAL,Particle M.2 SoM Evaluation Board [x1],b-series-accessory,Global,,,GA,,\n"
    'B404XMEA,"B Series LTE CAT-M1 (NorAm), [x1]",b-series,NORAM,R510,yes,GA,,'
    "/datasheets/b404x/\n"
    'BRN404X,"Boron LTE CAT-M1 (NorAm), [x1]",boron,NORAM,R510,yes,GA,,/datasheets/boron/\n'
    'B523MEA,"B Series LTE CAT1/3G/2G (Europe), [x1]",b-series,EMEAA,EG91-E,no,'
    "In development,B524MEA,\n"
    "M2BREAKOUT,M.2 breakout | kit,m2-accessory,Global,,,GA,,/datasheets/m2-breakout/\n"
)
COLUMN_NAMES = "sku, description, region, modem, ethersim, lifecycle, replacement"
SOURCE_COLUMNS = (
    "sku, description, family, region, modem, ethersim, lifecycle, replacement, datasheet"
)


def write_source(root: Path, name: str, text: str) -> None:
    file = root / "sources" / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8", newline="")


@pytest.fixture
def skus(tmp_path: Path) -> Path:
    write_source(tmp_path, "skus.csv", SKUS)
    return tmp_path


# Filters --------------------------------------------------------------------------------------


def test_family_filter_sorted_by_sku_by_default(skus: Path) -> None:
    assert build(skus, 'family = "b-series"\ncolumns = ["sku", "description"]\n') == page_with(
        "| SKU | Description |",
        "| :--- | :--- |",
        "| B402MEA | B Series LTE CAT-M1 (NorAm), [x1] |",
        "| B404XMEA | B Series LTE CAT-M1 (NorAm), [x1] |",
        "| B523MEA | B Series LTE CAT1/3G/2G (Europe), [x1] |",
        "| B524MEA | B Series LTE CAT1/3G/2G (Europe), [x1] |",
    )


def test_families_and_a_lifecycle(skus: Path) -> None:
    options = (
        'family = ["b-series", "b-series-accessory"]\n'
        'lifecycle = "GA"\n'
        'columns = ["sku", "description", "region", "lifecycle"]\n'
    )
    assert build(skus, options) == page_with(
        "| SKU | Description | Region | Lifecycle |",
        "| :--- | :--- | :--- | :--- |",
        "| B404XMEA | B Series LTE CAT-M1 (NorAm), [x1] | NORAM | GA |",
        "| B524MEA | B Series LTE CAT1/3G/2G (Europe), [x1] | EMEAA | GA |",
        "| M2EVAL | Particle M.2 SoM Evaluation Board [x1] | Global | GA |",
    )


def test_lifecycles(skus: Path) -> None:
    options = 'lifecycle = ["Deprecated", "In development"]\ncolumns = ["sku", "lifecycle"]\n'
    assert build(skus, options) == page_with(
        "| SKU | Lifecycle |",
        "| :--- | :--- |",
        "| B402MEA | Deprecated |",
        "| B523MEA | In development |",
    )


@pytest.mark.parametrize(
    ("region", "rows"),
    [
        ('"NORAM"', ["| B402MEA | NORAM |", "| B404XMEA | NORAM |", "| BRN404X | NORAM |"]),
        (
            '["EMEAA", "Global"]',
            [
                "| B523MEA | EMEAA |",
                "| B524MEA | EMEAA |",
                "| M2BREAKOUT | Global |",
                "| M2EVAL | Global |",
            ],
        ),
    ],
)
def test_regions(skus: Path, region: str, rows: list[str]) -> None:
    options = f'region = {region}\ncolumns = ["sku", "region"]\n'
    assert build(skus, options) == page_with("| SKU | Region |", "| :--- | :--- |", *rows)


def test_every_filter_must_hold(skus: Path) -> None:
    options = (
        'family = ["b-series", "boron"]\nlifecycle = "GA"\nregion = "NORAM"\ncolumns = ["sku"]\n'
    )
    assert build(skus, options) == page_with("| SKU |", "| :--- |", "| B404XMEA |", "| BRN404X |")


def test_without_filters_every_sku_is_shown(skus: Path) -> None:
    assert build(skus, 'columns = ["sku"]\n') == page_with(
        "| SKU |",
        "| :--- |",
        "| B402MEA |",
        "| B404XMEA |",
        "| B523MEA |",
        "| B524MEA |",
        "| BRN404X |",
        "| M2BREAKOUT |",
        "| M2EVAL |",
    )


# Columns --------------------------------------------------------------------------------------


def test_every_column_with_its_title(skus: Path) -> None:
    # EtherSIM is centred and shows &check; for yes; an empty cell (or no) is &nbsp;.
    options = (
        'family = ["b-series", "b-series-accessory"]\n'
        'columns = ["sku", "description", "region", "modem", "ethersim", "lifecycle",'
        ' "replacement"]\n'
    )
    assert build(skus, options) == page_with(
        "| SKU | Description | Region | Modem | EtherSIM | Lifecycle | Replacement |",
        "| :--- | :--- | :--- | :--- | :---: | :--- | :--- |",
        "| B402MEA | B Series LTE CAT-M1 (NorAm), [x1] | NORAM | R410M | &nbsp; | Deprecated"
        " | B404XMEA |",
        "| B404XMEA | B Series LTE CAT-M1 (NorAm), [x1] | NORAM | R510 | &check; | GA | &nbsp; |",
        "| B523MEA | B Series LTE CAT1/3G/2G (Europe), [x1] | EMEAA | EG91-E | &nbsp;"
        " | In development | B524MEA |",
        "| B524MEA | B Series LTE CAT1/3G/2G (Europe), [x1] | EMEAA | EG91-E | &check; | GA"
        " | &nbsp; |",
        "| M2EVAL | Particle M.2 SoM Evaluation Board [x1] | Global | &nbsp; | &nbsp; | GA"
        " | &nbsp; |",
    )


@pytest.mark.parametrize(
    ("column", "title", "align", "cells"),
    [
        ("sku", "SKU", ":---", ["B402MEA", "B523MEA"]),
        (
            "description",
            "Description",
            ":---",
            ["B Series LTE CAT-M1 (NorAm), [x1]", "B Series LTE CAT1/3G/2G (Europe), [x1]"],
        ),
        ("region", "Region", ":---", ["NORAM", "EMEAA"]),
        ("modem", "Modem", ":---", ["R410M", "EG91-E"]),
        ("ethersim", "EtherSIM", ":---:", ["&nbsp;", "&nbsp;"]),
        ("lifecycle", "Lifecycle", ":---", ["Deprecated", "In development"]),
        ("replacement", "Replacement", ":---", ["B404XMEA", "B524MEA"]),
    ],
)
def test_each_column_has_its_title(
    skus: Path, column: str, title: str, align: str, cells: list[str]
) -> None:
    options = f'lifecycle = ["Deprecated", "In development"]\ncolumns = ["{column}"]\n'
    assert build(skus, options) == page_with(
        f"| {title} |", f"| {align} |", *(f"| {cell} |" for cell in cells)
    )


def test_columns_are_shown_in_the_order_given(skus: Path) -> None:
    options = 'region = "EMEAA"\ncolumns = ["ethersim", "lifecycle", "sku"]\n'
    assert build(skus, options) == page_with(
        "| EtherSIM | Lifecycle | SKU |",
        "| :---: | :--- | :--- |",
        "| &nbsp; | In development | B523MEA |",
        "| &check; | GA | B524MEA |",
    )


def test_a_pipe_in_a_cell_cannot_break_the_table(skus: Path) -> None:
    options = 'family = "m2-accessory"\ncolumns = ["sku", "description"]\n'
    assert build(skus, options) == page_with(
        "| SKU | Description |", "| :--- | :--- |", "| M2BREAKOUT | M.2 breakout \\| kit |"
    )


def test_link_makes_each_sku_a_link_to_its_datasheet(skus: Path) -> None:
    # Only the SKU is linked; a SKU without a datasheet stays plain text.
    options = (
        'family = ["b-series", "b-series-accessory"]\n'
        "link = true\n"
        'columns = ["sku", "replacement"]\n'
    )
    assert build(skus, options) == page_with(
        "| SKU | Replacement |",
        "| :--- | :--- |",
        "| [B402MEA](/datasheets/b402/) | B404XMEA |",
        "| [B404XMEA](/datasheets/b404x/) | &nbsp; |",
        "| B523MEA | B524MEA |",
        "| [B524MEA](/datasheets/b524/) | &nbsp; |",
        "| M2EVAL | &nbsp; |",
    )


def test_link_false_is_the_default(skus: Path) -> None:
    options = 'region = "NORAM"\nlink = false\ncolumns = ["sku"]\n'
    assert build(skus, options) == page_with(
        "| SKU |", "| :--- |", "| B402MEA |", "| B404XMEA |", "| BRN404X |"
    )


# Sort -----------------------------------------------------------------------------------------


def test_sort_descending(skus: Path) -> None:
    options = (
        'region = "NORAM"\nsort = [{ column = "sku", descending = true }]\ncolumns = ["sku"]\n'
    )
    assert build(skus, options) == page_with(
        "| SKU |", "| :--- |", "| BRN404X |", "| B404XMEA |", "| B402MEA |"
    )


def test_sort_by_several_columns_each_its_own_way(skus: Path) -> None:
    options = (
        'family = ["b-series", "b-series-accessory"]\n'
        'sort = ["region", { column = "sku", descending = true }]\n'
        'columns = ["region", "sku"]\n'
    )
    assert build(skus, options) == page_with(
        "| Region | SKU |",
        "| :--- | :--- |",
        "| EMEAA | B524MEA |",
        "| EMEAA | B523MEA |",
        "| Global | M2EVAL |",
        "| NORAM | B404XMEA |",
        "| NORAM | B402MEA |",
    )


def test_sort_by_one_column_named_alone_with_blank_cells_last(skus: Path) -> None:
    # The sort is stable: SKUs with the same modem keep the source's order.
    options = 'sort = "modem"\ncolumns = ["modem", "sku"]\n'
    assert build(skus, options) == page_with(
        "| Modem | SKU |",
        "| :--- | :--- |",
        "| EG91-E | B524MEA |",
        "| EG91-E | B523MEA |",
        "| R410M | B402MEA |",
        "| R510 | B404XMEA |",
        "| R510 | BRN404X |",
        "| &nbsp; | M2EVAL |",
        "| &nbsp; | M2BREAKOUT |",
    )


def test_another_source_can_be_named(tmp_path: Path) -> None:
    write_source(tmp_path, "catalog/list.csv", SKUS)
    options = 'source = "catalog/list.csv"\nregion = "EMEAA"\ncolumns = ["sku"]\n'
    assert build(tmp_path, options) == page_with(
        "| SKU |", "| :--- |", "| B523MEA |", "| B524MEA |"
    )


# Errors ---------------------------------------------------------------------------------------


def test_an_unknown_column_name_is_an_error(skus: Path) -> None:
    assert build_error(skus, 'columns = ["sku", "colour"]\n') == [
        f"regen.toml:4: {KEY}.columns[1]: unknown value 'colour' (expected one of: {COLUMN_NAMES})"
    ]


def test_a_source_column_that_is_not_shown_is_not_a_column(skus: Path) -> None:
    assert build_error(skus, 'columns = ["sku", "datasheet"]\n') == [
        f"regen.toml:4: {KEY}.columns[1]: unknown value 'datasheet'"
        f" (expected one of: {COLUMN_NAMES})"
    ]


@pytest.mark.parametrize(
    ("sort", "key"),
    [('["colour"]', "sort[0]"), ('{ column = "colour" }', "sort.column")],
)
def test_an_unknown_sort_column_is_an_error(skus: Path, sort: str, key: str) -> None:
    assert build_error(skus, f'columns = ["sku"]\nsort = {sort}\n') == [
        f"regen.toml:5: {KEY}.{key}: unknown value 'colour' (expected one of: {COLUMN_NAMES})"
    ]


def test_a_sort_option_skus_does_not_know_is_an_error(skus: Path) -> None:
    assert build_error(
        skus, 'columns = ["sku"]\nsort = [{ column = "sku", numeric = true }]\n'
    ) == [f"regen.toml:5: {KEY}.sort[0].numeric: unknown key (known keys: column, descending)"]


def test_no_matching_sku_names_the_value_nowhere_in_its_column(skus: Path) -> None:
    assert build_error(skus, 'family = ["argon", "xenon"]\ncolumns = ["sku"]\n') == [
        f"regen.toml:4: {KEY}.family: no row has argon or xenon in column 'family'"
        " (values there: b-series, b-series-accessory, boron, m2-accessory)"
    ]


def test_no_matching_sku_for_a_lifecycle(skus: Path) -> None:
    assert build_error(skus, 'columns = ["sku"]\nlifecycle = "EOL"\n') == [
        f"regen.toml:5: {KEY}.lifecycle: no row has EOL in column 'lifecycle'"
        " (values there: Deprecated, GA, In development)"
    ]


def test_no_sku_meeting_every_filter_is_an_error(skus: Path) -> None:
    # Each value is somewhere in its column, but no SKU has both. The message is the table
    # generator's, which names 'where' (a key skus does not have) at the region's line.
    assert build_error(skus, 'family = "boron"\nregion = "EMEAA"\ncolumns = ["sku"]\n') == [
        f"regen.toml:4: {KEY}.family: no row meets all these conditions together (loosen them)"
    ]


def test_an_empty_sku_list_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "skus.csv", SKUS.split("\n", 1)[0] + "\n")
    assert build_error(tmp_path, 'columns = ["sku"]\n') == [
        f"regen.toml:2: {KEY}.source: sources/skus.csv has no rows (add rows, or remove the region)"
    ]


def test_an_ethersim_cell_that_is_not_yes_or_no_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "skus.csv", SKUS.replace("R410M,no,", "R410M,maybe,"))
    assert build_error(tmp_path, 'columns = ["sku", "ethersim"]\n') == [
        "sources/skus.csv:3: column 'ethersim' holds 'maybe', which is not a yes/no value"
        " (write yes or no; true/false, 1/0 and an empty cell work too)"
    ]


def test_a_source_without_a_filtered_column_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "skus.csv", "sku,description\nB404XMEA,B Series\n")
    assert build_error(tmp_path, 'columns = ["sku"]\nfamily = "b-series"\n') == [
        f"regen.toml:5: {KEY}.family: unknown column 'family' in sources/skus.csv"
        " (columns are: sku, description)"
    ]


def test_a_source_without_datasheets_cannot_link(tmp_path: Path) -> None:
    write_source(tmp_path, "skus.csv", "sku,description\nB404XMEA,B Series\n")
    assert build_error(tmp_path, 'columns = ["sku"]\nlink = true\n') == [
        f"regen.toml:5: {KEY}.link: unknown column 'datasheet' in sources/skus.csv"
        " (columns are: sku, description)"
    ]


def test_a_missing_source_is_named(tmp_path: Path) -> None:
    assert build_error(tmp_path, 'columns = ["sku"]\n') == [
        f"regen.toml:2: {KEY}.source: sources/skus.csv not found"
        " (create it, or fix the path in the configuration)"
    ]


def test_columns_are_required(skus: Path) -> None:
    assert build_error(skus, 'family = "b-series"\n') == [
        f"regen.toml:2: {KEY}: missing key 'columns' (add columns = ... to this entry)"
    ]


def test_no_columns_is_an_error(skus: Path) -> None:
    assert build_error(skus, "columns = []\n") == [
        f"regen.toml:4: {KEY}.columns: no columns (name at least one column to show)"
    ]


def test_an_unknown_option_is_an_error(skus: Path) -> None:
    assert build_error(skus, 'columns = ["sku"]\nwhere = { family = "boron" }\n') == [
        f"regen.toml:5: {KEY}.where: unknown key"
        " (known keys: source, columns, link, sort, family, lifecycle, region)"
    ]


def test_link_must_be_true_or_false(skus: Path) -> None:
    assert build_error(skus, 'columns = ["sku"]\nlink = "datasheet"\n') == [
        f"regen.toml:5: {KEY}.link: expected true or false, got a string"
    ]


def test_a_decimal_filter_value_must_be_quoted(skus: Path) -> None:
    assert build_error(skus, 'columns = ["sku"]\nlifecycle = 1.5\n') == [
        f"regen.toml:5: {KEY}.lifecycle: a decimal number"
        ' (write it as the source does, in quotes: "1.5")'
    ]


def test_a_sku_listed_twice_is_an_error_at_its_line(tmp_path: Path) -> None:
    write_source(tmp_path, "skus.csv", SKUS + "B524MEA,again,b-series,EMEAA,,,GA,,\n")
    assert build_error(tmp_path, 'columns = ["sku"]\n') == [
        "sources/skus.csv:9: SKU B524MEA is listed twice (first at line 2) (keep one row)"
    ]


def test_link_without_the_sku_column_is_an_error(skus: Path) -> None:
    assert build_error(skus, 'columns = ["description"]\nlink = true\n') == [
        f"regen.toml:5: {KEY}.link: links the SKU, but no sku column is shown (add sku to columns)"
    ]


def test_an_empty_filter_list_is_an_error(skus: Path) -> None:
    assert build_error(skus, 'columns = ["sku"]\nfamily = []\n') == [
        f"regen.toml:5: {KEY}.family: an empty list (name at least one value)"
    ]


def test_a_datasheet_path_with_blanks_or_brackets_stays_one_link(tmp_path: Path) -> None:
    source = (
        "sku,description,family,region,modem,ethersim,lifecycle,replacement,datasheet\n"
        "A1,x,f,r,,,GA,,/data sheets/a (old)/\n"
    )
    write_source(tmp_path, "skus.csv", source)
    assert build(tmp_path, 'columns = ["sku"]\nlink = true\n') == page_with(
        "| SKU |", "| :--- |", "| [A1](</data sheets/a (old)/>) |"
    )
