"""The `table` generator, run through regen.update_text on real source files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import regen
from regen.config import parse_config
from regen.generators import Context, builtin_registry
from regen.generators.table import TableGenerator
from regen.sources import SourceCache
from tests.regionkit import OneRegion

KIT = OneRegion(
    "c9241a2c-76e0-11eb-9439-0242ac130002", "table", "# Carriers\n\nText before the table.\n"
)
UUID, KEY, BEGIN, END, PAGE = KIT.uuid, KIT.key, KIT.begin, KIT.end, KIT.page
config_for, build, build_error, page_with = KIT.config, KIT.build, KIT.errors, KIT.page_with

CARRIERS = (
    "country,model,technologies,carrier\n"
    "Canada,B404,M1,Telus\n"
    "Canada,B404,M1,Bell Mobility\n"
    "United States,B404,M1,AT&T\n"
    "Canada,B524,LTE Cat 1,Rogers Wireless\n"
    "Mexico,B404,M1,Telcel\n"
    "Canada,B404,M1,Rogers Wireless\n"
)
KNOWN = "columns are: country, model, technologies, carrier"


def write_source(root: Path, name: str, text: str) -> None:
    file = root / "sources" / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8", newline="")


@pytest.fixture
def carriers(tmp_path: Path) -> Path:
    write_source(tmp_path, "carriers.csv", CARRIERS)
    return tmp_path


# Layout, columns and titles -------------------------------------------------------------------


def test_columns_are_shown_in_source_order_without_sort(carriers: Path) -> None:
    assert build(carriers, 'source = "carriers.csv"\ncolumns = ["carrier", "country"]\n') == (
        page_with(
            "| carrier | country |",
            "| :--- | :--- |",
            "| Telus | Canada |",
            "| Bell Mobility | Canada |",
            "| AT&T | United States |",
            "| Rogers Wireless | Canada |",
            "| Telcel | Mexico |",
            "| Rogers Wireless | Canada |",
        )
    )


def test_second_run_changes_nothing(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = ["country"]\nwhere = { country = "Mexico" }\n'
    once = build(carriers, options)

    assert build(carriers, options, page=once) == once
    assert once != PAGE


def test_source_naming_the_sources_folder_is_still_relative_to_it(carriers: Path) -> None:
    options = 'source = "sources/carriers.csv"\ncolumns = ["carrier"]\nwhere = { model = "B524" }\n'

    assert build_error(carriers, options) == [
        f"regen.toml:4: {KEY}.source: sources/sources/carriers.csv not found"
        " (create it, or fix the path in the configuration)"
    ]


def test_source_in_a_subfolder_named_sources_is_read(carriers: Path) -> None:
    write_source(carriers, "sources/carriers.csv", "carrier\nNested\n")
    options = 'source = "sources/carriers.csv"\ncolumns = ["carrier"]\n'

    assert build(carriers, options) == page_with("| carrier |", "| :--- |", "| Nested |")


def test_source_path_is_normalised_below_the_sources_folder(carriers: Path) -> None:
    options = (
        'source = "./old/../carriers.csv"\ncolumns = ["carrier"]\nwhere = { model = "B524" }\n'
    )

    assert build(carriers, options) == page_with("| carrier |", "| :--- |", "| Rogers Wireless |")


def test_source_may_leave_the_sources_folder_with_dotdot(tmp_path: Path) -> None:
    (tmp_path / "top.csv").write_text("a\nroot\n", encoding="utf-8")

    assert build(tmp_path, 'source = "../top.csv"\ncolumns = ["a"]\n') == page_with(
        "| a |", "| :--- |", "| root |"
    )


def test_source_leading_out_of_the_repository_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")

    assert build_error(root, 'source = "../../secret.csv"\ncolumns = ["a"]\n') == [
        f"regen.toml:4: {KEY}.source: '../../secret.csv' leads outside the repository"
        " (keep sources inside it)"
    ]


def test_column_titles(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { country = "Mexico" }\n'
        'columns = [{ column = "country", title = "Country" }, { column = "carrier" }]\n'
    )

    assert build(carriers, options) == page_with(
        "| Country | carrier |", "| :--- | :--- |", "| Mexico | Telcel |"
    )


def test_alignment_per_column_and_table_default(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { country = "Mexico" }\nalign = "center"\n'
        'columns = ["country", { column = "model", align = "right" },'
        ' { column = "technologies", align = "none" }, { column = "carrier", align = "left" }]\n'
    )

    assert build(carriers, options) == page_with(
        "| country | model | technologies | carrier |",
        "| :---: | ---: | --- | :--- |",
        "| Mexico | B404 | M1 | Telcel |",
    )


def test_unknown_alignment_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = [{ column = "country", align = "middle" }]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns[0].align: unknown value 'middle'"
        " (expected one of: left, center, right, none)"
    ]


# where ----------------------------------------------------------------------------------------


def test_where_keeps_rows_equal_to_a_value(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { model = "B524" }\ncolumns = ["country", "carrier"]\n'
    )

    assert build(carriers, options) == page_with(
        "| country | carrier |", "| :--- | :--- |", "| Canada | Rogers Wireless |"
    )


def test_where_keeps_rows_in_a_list(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { country = ["Mexico", "United States"] }\n'
        'columns = ["carrier"]\n'
    )

    assert build(carriers, options) == page_with(
        "| carrier |", "| :--- |", "| AT&T |", "| Telcel |"
    )


def test_where_not_drops_rows_in_a_list(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { country = { not = ["Canada", "Mexico"] } }\n'
        'columns = ["carrier"]\n'
    )

    assert build(carriers, options) == page_with("| carrier |", "| :--- |", "| AT&T |")


def test_where_not_takes_a_single_value(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { country = { not = "Canada" } }\ncolumns = ["carrier"]\n'
    )

    assert build(carriers, options) == page_with(
        "| carrier |", "| :--- |", "| AT&T |", "| Telcel |"
    )


def test_where_conditions_must_all_hold(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\n'
        'where = { country = "Canada", model = "B404", carrier = { not = ["Telus"] } }\n'
        'columns = ["carrier"]\n'
    )

    assert build(carriers, options) == page_with(
        "| carrier |", "| :--- |", "| Bell Mobility |", "| Rogers Wireless |"
    )


def test_where_number_is_compared_as_text(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n1,one\n01,zero-one\n1.0,one-point-oh\n2,two\n")

    assert build(tmp_path, 'source = "n.csv"\nwhere = { n = 1 }\ncolumns = ["name"]\n') == (
        page_with("| name |", "| :--- |", "| one |")
    )


def test_where_whole_numbers_in_a_list_are_compared_as_text(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n1,one\n2,two\n02,zero-two\n3,three\n")

    options = 'source = "n.csv"\nwhere = { n = [2, 1] }\ncolumns = ["name"]\n'

    assert build(tmp_path, options) == page_with("| name |", "| :--- |", "| one |", "| two |")


def test_where_decimal_is_refused_with_a_hint_to_quote_it(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n1.5,one-half\n1.50,one-fifty\n")
    options = 'source = "n.csv"\ncolumns = ["name"]\nwhere = { n = 1.50 }\n'

    assert build_error(tmp_path, options) == [
        f"regen.toml:6: {KEY}.where.n: a decimal number"
        ' (write it as the source does, in quotes: "1.5")'
    ]


def test_where_decimal_in_a_list_is_refused(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n1.5,one-half\n")
    options = 'source = "n.csv"\nwhere = { n = [2, 1.5] }\ncolumns = ["name"]\n'

    assert build_error(tmp_path, options) == [
        f"regen.toml:5: {KEY}.where.n[1]: a decimal number"
        ' (write it as the source does, in quotes: "1.5")'
    ]


def test_where_decimal_under_not_is_refused(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n2.0,two\n")
    options = 'source = "n.csv"\nwhere = { n = { not = 2.0 } }\ncolumns = ["name"]\n'

    assert build_error(tmp_path, options) == [
        f"regen.toml:5: {KEY}.where.n.not: a decimal number"
        ' (write it as the source does, in quotes: "2.0")'
    ]


def test_where_quoted_decimal_matches_the_text_as_written(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n1,one\n1.5,one-half\n1.50,one-fifty\n")
    options = 'source = "n.csv"\nwhere = { n = ["1.50", 2] }\ncolumns = ["name"]\n'

    assert build(tmp_path, options) == page_with("| name |", "| :--- |", "| one-fifty |")


def test_where_boolean_value_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\nwhere = { model = true }\ncolumns = ["carrier"]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.where.model: expected a string or number, got true or false"
    ]


def test_where_unknown_key_in_a_condition_is_an_error(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { model = { is = "B404" } }\ncolumns = ["carrier"]\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.where.model.is: unknown key (known keys: not)"
    ]


def test_where_value_nowhere_in_its_column_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = ["carrier"]\nwhere = { model = "B40" }\n'

    assert build_error(carriers, options) == [
        f"regen.toml:6: {KEY}.where.model: no row has B40 in column 'model'"
        " (values there: B404, B524)"
    ]


def test_where_values_nowhere_in_their_column_are_named_in_order(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { country = ["France", "Cuba"] }\ncolumns = ["carrier"]\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.where.country: no row has Cuba or France in column 'country'"
        " (values there: Canada, Mexico, United States)"
    ]


def test_where_names_the_condition_whose_value_is_nowhere(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { model = "B404", country = "France" }\n'
        'columns = ["carrier"]\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.where.country: no row has France in column 'country'"
        " (values there: Canada, Mexico, United States)"
    ]


def test_where_value_nowhere_lists_at_most_twelve_values(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n\n" + "".join(f"v{i:02}\n" for i in range(13, 0, -1)))
    options = 'source = "n.csv"\nwhere = { n = "v00" }\ncolumns = ["n"]\n'

    shown = ", ".join(f"v{i:02}" for i in range(1, 13))
    assert build_error(tmp_path, options) == [
        f"regen.toml:5: {KEY}.where.n: no row has v00 in column 'n' (values there: {shown}, ...)"
    ]


def test_where_conditions_that_together_match_nothing_are_an_error(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\ncolumns = ["carrier"]\n'
        'where = { model = "B524", country = "Mexico" }\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:6: {KEY}.where.model: no row meets all these conditions together (loosen them)"
    ]


def test_where_not_dropping_every_row_is_an_error_at_its_condition(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { model = { not = ["B404", "B524"] } }\n'
        'columns = ["carrier"]\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.where.model: no row meets all these conditions together (loosen them)"
    ]


def test_source_without_rows_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\n\n   \n")

    assert build_error(tmp_path, 'source = "e.csv"\ncolumns = ["a"]\n') == [
        f"regen.toml:4: {KEY}.source: sources/e.csv has no rows (add rows, or remove the region)"
    ]


def test_json_source_of_no_record_has_no_rows_not_unknown_columns(tmp_path: Path) -> None:
    write_source(tmp_path, "e.json", "[]")

    assert build_error(tmp_path, 'source = "e.json"\ncolumns = ["a", "b"]\n') == [
        f"regen.toml:4: {KEY}.source: sources/e.json has no rows (add rows, or remove the region)"
    ]


def test_source_without_rows_is_named_before_the_where_conditions(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\n")
    options = 'columns = ["a"]\nwhere = { a = "x" }\nsource = "e.csv"\n'

    assert build_error(tmp_path, options) == [
        f"regen.toml:6: {KEY}.source: sources/e.csv has no rows (add rows, or remove the region)"
    ]


# Boolean columns ------------------------------------------------------------------------------


def test_bool_column_default_texts(tmp_path: Path) -> None:
    write_source(tmp_path, "f.csv", "sku,lte\nA,yes\nB,no\nC,\n")
    options = 'source = "f.csv"\ncolumns = ["sku", { column = "lte", type = "bool" }]\n'

    assert build(tmp_path, options) == page_with(
        "| sku | lte |",
        "| :--- | :--- |",
        "| A | &check; |",
        "| B | &nbsp; |",
        "| C | &nbsp; |",
    )


def test_bool_column_custom_texts(tmp_path: Path) -> None:
    write_source(tmp_path, "f.csv", "sku,lte\nA,yes\nB,no\n")
    options = (
        'source = "f.csv"\n'
        'columns = ["sku", { column = "lte", type = "bool", true = "Yes", false = "No" }]\n'
    )

    assert build(tmp_path, options) == page_with(
        "| sku | lte |", "| :--- | :--- |", "| A | Yes |", "| B | No |"
    )


def test_bool_column_reads_every_documented_word(tmp_path: Path) -> None:
    words = ["yes", "no", "TRUE", "False", "1", "0", "Y", "n", "x", "", " yes "]
    write_source(tmp_path, "f.csv", "w,v\n" + "".join(f"{i},{w}\n" for i, w in enumerate(words)))
    options = (
        'source = "f.csv"\ncolumns = [{ column = "v", type = "bool", true = "T", false = "F" }]\n'
    )

    assert build(tmp_path, options) == page_with(
        "| v |", "| :--- |", *(f"| {t} |" for t in "TFTFTFTFTFT")
    )


def test_bool_invalid_value_names_the_source_file_and_line(tmp_path: Path) -> None:
    write_source(tmp_path, "f.csv", "sku,lte\nA,yes\n\nB,maybe\nC,no\n")
    options = 'source = "f.csv"\ncolumns = ["sku", { column = "lte", type = "bool" }]\n'

    assert build_error(tmp_path, options) == [
        "sources/f.csv:4: column 'lte' holds 'maybe', which is not a yes/no value"
        " (write yes or no; true/false, 1/0 and an empty cell work too)"
    ]


def test_bool_invalid_value_keeps_its_line_after_where_and_sort(tmp_path: Path) -> None:
    write_source(tmp_path, "f.csv", "sku,lte\nZ,yes\nY,sometimes\nX,no\nW,oui\n")
    options = (
        'source = "f.csv"\nwhere = { sku = { not = "W" } }\nsort = "sku"\n'
        'columns = ["sku", { column = "lte", type = "bool" }]\n'
    )

    assert build_error(tmp_path, options) == [
        "sources/f.csv:3: column 'lte' holds 'sometimes', which is not a yes/no value"
        " (write yes or no; true/false, 1/0 and an empty cell work too)"
    ]


@pytest.mark.parametrize("word", ["✓", "&check;", "oui", "2"])
def test_bool_column_refuses_other_words(tmp_path: Path, word: str) -> None:
    write_source(tmp_path, "f.csv", f"v\nyes\n{word}\n")
    options = 'source = "f.csv"\ncolumns = [{ column = "v", type = "bool" }]\n'

    assert build_error(tmp_path, options) == [
        f"sources/f.csv:3: column 'v' holds '{word}', which is not a yes/no value"
        " (write yes or no; true/false, 1/0 and an empty cell work too)"
    ]


def test_bool_invalid_value_in_json_names_the_record(tmp_path: Path) -> None:
    write_source(tmp_path, "f.json", '[{"sku": "A", "lte": true}, {"sku": "B", "lte": "maybe"}]')
    options = 'source = "f.json"\ncolumns = ["sku", { column = "lte", type = "bool" }]\n'

    assert build_error(tmp_path, options) == [
        "sources/f.json: record 2: column 'lte' holds 'maybe', which is not a yes/no value"
        " (write yes or no; true/false, 1/0 and an empty cell work too)"
    ]


def test_unknown_column_type_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = [{ column = "model", type = "boolean" }]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns[0].type: unknown value 'boolean'"
        " (expected one of: text, bool)"
    ]


# Empty cells ----------------------------------------------------------------------------------


def test_empty_cell_is_nbsp_by_default(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\nx,\n,y\n")

    assert build(tmp_path, 'source = "e.csv"\ncolumns = ["a", "b"]\n') == page_with(
        "| a | b |", "| :--- | :--- |", "| x | &nbsp; |", "| &nbsp; | y |"
    )


def test_empty_cell_text_set_for_the_table(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\nx,\n,y\n")

    assert build(tmp_path, 'source = "e.csv"\nempty = "-"\ncolumns = ["a", "b"]\n') == (
        page_with("| a | b |", "| :--- | :--- |", "| x | - |", "| - | y |")
    )


def test_empty_cell_text_set_for_a_column_wins(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\nx,\n,y\n")
    options = 'source = "e.csv"\nempty = "-"\ncolumns = ["a", { column = "b", empty = "n/a" }]\n'

    assert build(tmp_path, options) == page_with(
        "| a | b |", "| :--- | :--- |", "| x | n/a |", "| - | y |"
    )


def test_cell_of_only_blanks_is_empty(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\nx,   \n\t, y \n")

    assert build(tmp_path, 'source = "e.csv"\ncolumns = ["a", "b"]\n') == page_with(
        "| a | b |", "| :--- | :--- |", "| x | &nbsp; |", "| &nbsp; |  y  |"
    )


def test_cell_of_only_blanks_takes_the_empty_text_of_its_column(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\n  ,  \n")
    options = 'source = "e.csv"\nempty = "-"\ncolumns = ["a", { column = "b", empty = "n/a" }]\n'

    assert build(tmp_path, options) == page_with("| a | b |", "| :--- | :--- |", "| - | n/a |")


def test_empty_cell_text_may_be_empty(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", "a,b\nx,\n")
    options = 'source = "e.csv"\ncolumns = ["a", { column = "b", empty = "" }]\n'

    assert build(tmp_path, options) == page_with("| a | b |", "| :--- | :--- |", "| x |  |")


# Links ----------------------------------------------------------------------------------------


def test_link_column_makes_the_cell_a_link(tmp_path: Path) -> None:
    write_source(tmp_path, "l.csv", "name,url\nTelus,https://telus.com\nBell,\n,https://none\n")
    options = 'source = "l.csv"\ncolumns = [{ column = "name", title = "Carrier", link = "url" }]\n'

    assert build(tmp_path, options) == page_with(
        "| Carrier |",
        "| :--- |",
        "| [Telus](https://telus.com) |",
        "| Bell |",
        "| &nbsp; |",
    )


def test_link_with_a_blank_name_or_url_is_no_link(tmp_path: Path) -> None:
    write_source(tmp_path, "l.csv", "name,url\n  ,https://none\nBell,  \n")
    options = 'source = "l.csv"\ncolumns = [{ column = "name", link = "url" }]\n'

    assert build(tmp_path, options) == page_with("| name |", "| :--- |", "| &nbsp; |", "| Bell |")


# join -----------------------------------------------------------------------------------------


def test_join_groups_rows_and_joins_distinct_values_in_row_order(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\n'
        'columns = ["country", "model", { column = "carrier", title = "Carriers", join = ", " }]\n'
    )

    assert build(carriers, options) == page_with(
        "| country | model | Carriers |",
        "| :--- | :--- | :--- |",
        "| Canada | B404 | Telus, Bell Mobility, Rogers Wireless |",
        "| United States | B404 | AT&T |",
        "| Canada | B524 | Rogers Wireless |",
        "| Mexico | B404 | Telcel |",
    )


def test_join_keeps_each_value_once(tmp_path: Path) -> None:
    write_source(tmp_path, "j.csv", "k,v\na,1\na,2\na,1\nb,\na,2\n")
    options = 'source = "j.csv"\ncolumns = ["k", { column = "v", join = "/" }]\n'

    assert build(tmp_path, options) == page_with(
        "| k | v |", "| :--- | :--- |", "| a | 1/2 |", "| b | &nbsp; |"
    )


def test_join_order_follows_sort(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { model = "B404" }\nsort = ["country", "carrier"]\n'
        'columns = ["country", "model", "technologies", { column = "carrier", join = ", " }]\n'
    )

    assert build(carriers, options) == page_with(
        "| country | model | technologies | carrier |",
        "| :--- | :--- | :--- | :--- |",
        "| Canada | B404 | M1 | Bell Mobility, Rogers Wireless, Telus |",
        "| Mexico | B404 | M1 | Telcel |",
        "| United States | B404 | M1 | AT&T |",
    )


def test_join_drops_values_of_only_blanks(tmp_path: Path) -> None:
    write_source(tmp_path, "j.csv", "k,v\na,1\na,  \na,2\n")
    options = 'source = "j.csv"\ncolumns = ["k", { column = "v", join = "/" }]\n'

    assert build(tmp_path, options) == page_with("| k | v |", "| :--- | :--- |", "| a | 1/2 |")


def test_grouping_ignores_blanks_around_values(tmp_path: Path) -> None:
    write_source(tmp_path, "j.csv", "k,v\nTelus,1\nTelus ,2\n Telus\t,3\nBell,4\n")
    options = 'source = "j.csv"\ncolumns = ["k", { column = "v", join = "/" }]\n'

    assert build(tmp_path, options) == page_with(
        "| k | v |", "| :--- | :--- |", "| Telus | 1/2/3 |", "| Bell | 4 |"
    )


def test_joined_values_are_stripped_and_kept_once(tmp_path: Path) -> None:
    write_source(tmp_path, "j.csv", "k,v\na, 1\na,1 \na,\t2\na,1\n")
    options = 'source = "j.csv"\ncolumns = ["k", { column = "v", join = ", " }]\n'

    assert build(tmp_path, options) == page_with("| k | v |", "| :--- | :--- |", "| a | 1, 2 |")


def test_every_column_joined_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = [{ column = "carrier", join = ", " }]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns: every column has 'join' (leave one to group by)"
    ]


# sort -----------------------------------------------------------------------------------------


def test_sort_by_several_columns(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nsort = ["model", { column = "carrier", descending = true }]\n'
        'columns = ["model", "carrier"]\n'
    )

    assert build(carriers, options) == page_with(
        "| model | carrier |",
        "| :--- | :--- |",
        "| B404 | Telus |",
        "| B404 | Telcel |",
        "| B404 | Rogers Wireless |",
        "| B404 | Bell Mobility |",
        "| B404 | AT&T |",
        "| B524 | Rogers Wireless |",
    )


def test_sort_is_stable(carriers: Path) -> None:
    options = 'source = "carriers.csv"\nsort = "model"\ncolumns = ["model", "carrier"]\n'

    assert build(carriers, options) == page_with(
        "| model | carrier |",
        "| :--- | :--- |",
        "| B404 | Telus |",
        "| B404 | Bell Mobility |",
        "| B404 | AT&T |",
        "| B404 | Telcel |",
        "| B404 | Rogers Wireless |",
        "| B524 | Rogers Wireless |",
    )


def test_sort_as_text_by_default(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n\n10\n9\n100\n")

    assert build(tmp_path, 'source = "n.csv"\nsort = "n"\ncolumns = ["n"]\n') == page_with(
        "| n |", "| :--- |", "| 10 |", "| 100 |", "| 9 |"
    )


@pytest.mark.parametrize(
    ("descending", "order"),
    [("false", ["d", "b", "a", "c", "e"]), ("true", ["b", "d", "a", "c", "e"])],
)
def test_text_sort_puts_blank_values_last_in_row_order(
    tmp_path: Path, descending: str, order: list[str]
) -> None:
    write_source(tmp_path, "t.csv", "n,m\n,a\nb,b\n  ,c\na,d\n\t,e\n")
    options = (
        f'source = "t.csv"\nsort = {{ column = "n", descending = {descending} }}\ncolumns = ["m"]\n'
    )

    assert build(tmp_path, options) == page_with("| m |", "| :--- |", *(f"| {m} |" for m in order))


def test_text_sort_with_blanks_last_then_a_second_key(tmp_path: Path) -> None:
    write_source(tmp_path, "t.csv", "n,m\n,z\nb,y\n ,x\na,w\nb,v\n")
    options = 'source = "t.csv"\nsort = ["n", "m"]\ncolumns = ["m"]\n'

    assert build(tmp_path, options) == page_with(
        "| m |", "| :--- |", "| w |", "| v |", "| y |", "| x |", "| z |"
    )


def test_numeric_sort(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n\n10\n9\n\n100\n-1.5\n")
    options = 'source = "n.csv"\nsort = { column = "n", numeric = true }\ncolumns = ["n"]\n'

    assert build(tmp_path, options) == page_with(
        "| n |", "| :--- |", "| -1.5 |", "| 9 |", "| 10 |", "| 100 |"
    )


def test_numeric_sort_puts_empty_values_last(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n,none\n2,two\n1,one\n")
    options = 'source = "n.csv"\nsort = [{ column = "n", numeric = true }]\ncolumns = ["name"]\n'

    assert build(tmp_path, options) == page_with(
        "| name |", "| :--- |", "| one |", "| two |", "| none |"
    )


def test_numeric_sort_descending_puts_empty_values_last(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,name\n,none\n2,two\n1,one\n10,ten\n")
    options = (
        'source = "n.csv"\nsort = [{ column = "n", numeric = true, descending = true }]\n'
        'columns = ["name"]\n'
    )

    assert build(tmp_path, options) == page_with(
        "| name |", "| :--- |", "| ten |", "| two |", "| one |", "| none |"
    )


@pytest.mark.parametrize(
    ("descending", "order"),
    [("false", ["e", "b", "d", "a", "c", "f"]), ("true", ["d", "b", "e", "a", "c", "f"])],
)
def test_numeric_sort_keeps_empty_and_blank_values_last_in_row_order(
    tmp_path: Path, descending: str, order: list[str]
) -> None:
    write_source(tmp_path, "n.csv", "n,m\n,a\n2,b\n  ,c\n10,d\n1,e\n\t,f\n")
    options = (
        f'source = "n.csv"\nsort = {{ column = "n", numeric = true, descending = {descending} }}\n'
        'columns = ["m"]\n'
    )

    assert build(tmp_path, options) == page_with("| m |", "| :--- |", *(f"| {m} |" for m in order))


def test_numeric_sort_with_blanks_last_then_a_second_key(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,m\n,z\n1,y\n,x\n1,w\n")
    options = (
        'source = "n.csv"\nsort = [{ column = "n", numeric = true, descending = true }, "m"]\n'
        'columns = ["m"]\n'
    )

    assert build(tmp_path, options) == page_with(
        "| m |", "| :--- |", "| w |", "| y |", "| x |", "| z |"
    )


def test_numeric_sort_reads_signs_fractions_exponents_and_blanks_around(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n\n1e1\n+2\n.5\n -3 \n4.\n1E-1\n")
    options = 'source = "n.csv"\nsort = { column = "n", numeric = true }\ncolumns = ["n"]\n'

    assert build(tmp_path, options) == page_with(
        "| n |", "| :--- |", "|  -3  |", "| 1E-1 |", "| .5 |", "| +2 |", "| 4. |", "| 1e1 |"
    )


def test_numeric_sort_descending(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n\n10\n9\n100\n02\n")
    options = (
        'source = "n.csv"\nsort = [{ column = "n", numeric = true, descending = true }]\n'
        'columns = ["n"]\n'
    )

    assert build(tmp_path, options) == page_with(
        "| n |", "| :--- |", "| 100 |", "| 10 |", "| 9 |", "| 02 |"
    )


def test_non_number_in_a_numeric_sort_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n\n10\nten\n")
    options = 'source = "n.csv"\nsort = [{ column = "n", numeric = true }]\ncolumns = ["n"]\n'

    assert build_error(tmp_path, options) == [
        f"sources/n.csv:3: 'ten' in column 'n' is not a number"
        f" (fix the value, or drop numeric = true from {KEY}.sort[0])"
    ]


@pytest.mark.parametrize(
    "value", ["nan", "NaN", "inf", "-inf", "Infinity", "1_0", "0x10", "1 000", "1e", "--1"]
)
def test_numeric_sort_rejects_what_is_not_a_plain_number(tmp_path: Path, value: str) -> None:
    write_source(tmp_path, "x.csv", f"n\n1\n{value}\n2\n")
    options = 'source = "x.csv"\nsort = [{ column = "n", numeric = true }]\ncolumns = ["n"]\n'

    assert build_error(tmp_path, options) == [
        f"sources/x.csv:3: '{value}' in column 'n' is not a number"
        f" (fix the value, or drop numeric = true from {KEY}.sort[0])"
    ]


def test_non_number_names_its_own_source_line(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", 'n,note\n10,a\n\n2,"two\nlines"\nten,b\n')
    options = (
        'source = "n.csv"\nsort = ["note", { column = "n", numeric = true }]\ncolumns = ["n"]\n'
    )

    assert build_error(tmp_path, options) == [
        "sources/n.csv:6: 'ten' in column 'n' is not a number"
        f" (fix the value, or drop numeric = true from {KEY}.sort[1])"
    ]


def test_non_number_in_a_row_dropped_by_where_is_not_read(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n,keep\n10,y\nten,n\n9,y\n")
    options = (
        'source = "n.csv"\nwhere = { keep = "y" }\nsort = { column = "n", numeric = true }\n'
        'columns = ["n"]\n'
    )

    assert build(tmp_path, options) == page_with("| n |", "| :--- |", "| 9 |", "| 10 |")


def test_non_number_in_json_names_the_record(tmp_path: Path) -> None:
    write_source(tmp_path, "n.json", '[{"n": 1}, {"n": "abc"}, {"n": 2}]')
    options = 'source = "n.json"\nsort = { column = "n", numeric = true }\ncolumns = ["n"]\n'

    assert build_error(tmp_path, options) == [
        "sources/n.json: record 2: 'abc' in column 'n' is not a number"
        f" (fix the value, or drop numeric = true from {KEY}.sort)"
    ]


def test_sort_option_of_the_wrong_type_is_an_error(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nsort = [{ column = "country", numeric = "yes" }]\n'
        'columns = ["country"]\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.sort[0].numeric: expected true or false, got a string"
    ]


# Unknown columns and keys ---------------------------------------------------------------------


def test_unknown_column_is_an_error_listing_the_columns(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = ["country", "model", { column = "Carier" }]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns[2]: unknown column 'Carier' in sources/carriers.csv ({KNOWN})"
    ]


def test_unknown_column_in_where_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\nwhere = { Model = "B404" }\ncolumns = ["country"]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.where.Model: unknown column 'Model' in sources/carriers.csv ({KNOWN})"
    ]


def test_unknown_column_in_sort_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\nsort = ["country", "sku"]\ncolumns = ["country"]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.sort[1]: unknown column 'sku' in sources/carriers.csv ({KNOWN})"
    ]


def test_unknown_link_column_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = [{ column = "carrier", link = "url" }]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns[0].link: unknown column 'url' in sources/carriers.csv"
        f" ({KNOWN})"
    ]


def test_every_unknown_column_is_reported_in_one_run(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\nwhere = { Model = "B404", country = "Canada" }\n'
        'sort = ["carrier", { column = "sku" }]\n'
        'columns = ["Country", { column = "carrier", link = "url" }, "model", "technology"]\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.where.Model: unknown column 'Model' in sources/carriers.csv"
        f" ({KNOWN})",
        f"regen.toml:7: {KEY}.columns[0]: unknown column 'Country' in sources/carriers.csv"
        f" ({KNOWN})",
        f"regen.toml:7: {KEY}.columns[3]: unknown column 'technology' in sources/carriers.csv"
        f" ({KNOWN})",
        f"regen.toml:7: {KEY}.columns[1].link: unknown column 'url' in sources/carriers.csv"
        f" ({KNOWN})",
        f"regen.toml:6: {KEY}.sort[1]: unknown column 'sku' in sources/carriers.csv ({KNOWN})",
    ]


def test_unknown_dotted_column_in_where_is_quoted_in_the_key_path(tmp_path: Path) -> None:
    write_source(tmp_path, "s.json", '[{"sku": "A", "info": {"region": "EU"}}]')
    options = 'source = "s.json"\nwhere = { "info.regon" = "EU" }\ncolumns = ["sku"]\n'

    assert build_error(tmp_path, options) == [
        f"regen.toml:5: {KEY}.where.\"info.regon\": unknown column 'info.regon' in sources/s.json"
        " (columns are: sku, info.region)"
    ]


def test_unknown_option_key_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolums = ["country"]\ncolumns = ["country"]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.colums: unknown key"
        " (known keys: source, records, where, columns, sort, align, empty)"
    ]


def test_unknown_column_option_key_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = ["country", { column = "model", titel = "M" }]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns[1].titel: unknown key"
        " (known keys: column, title, align, type, true, false, empty, link, join)"
    ]


def test_missing_columns_is_an_error(carriers: Path) -> None:
    assert build_error(carriers, 'source = "carriers.csv"\n') == [
        f"regen.toml:2: {KEY}: missing key 'columns' (add columns = ... to this entry)"
    ]


def test_empty_columns_is_an_error(carriers: Path) -> None:
    assert build_error(carriers, 'source = "carriers.csv"\ncolumns = []\n') == [
        f"regen.toml:5: {KEY}.columns: no columns (name at least one column to show)"
    ]


def test_missing_source_key_is_an_error(carriers: Path) -> None:
    assert build_error(carriers, 'columns = ["country"]\n') == [
        f"regen.toml:2: {KEY}: missing key 'source' (add source = ... to this entry)"
    ]


def test_missing_source_file_is_an_error(tmp_path: Path) -> None:
    assert build_error(tmp_path, 'source = "none.csv"\ncolumns = ["country"]\n') == [
        f"regen.toml:4: {KEY}.source: sources/none.csv not found"
        " (create it, or fix the path in the configuration)"
    ]


def test_broken_source_is_reported_with_its_line(tmp_path: Path) -> None:
    write_source(tmp_path, "bad.csv", "a,b\n1,2\n3\n")

    assert build_error(tmp_path, 'source = "bad.csv"\ncolumns = ["a"]\n') == [
        "sources/bad.csv:3: row has 1 field, the header has 2 fields"
        " (add or remove fields, or quote values that hold a comma)"
    ]


# Escaping -------------------------------------------------------------------------------------


def test_pipe_and_newline_in_a_value_are_escaped(tmp_path: Path) -> None:
    write_source(tmp_path, "e.csv", 'a,b\n"x|y","line one\n  line two\r\nthree"\n')
    options = 'source = "e.csv"\ncolumns = [{ column = "a", title = "A|B" }, "b"]\n'

    assert build(tmp_path, options) == page_with(
        "| A\\|B | b |", "| :--- | :--- |", "| x\\|y | line one line two three |"
    )


# JSON sources ---------------------------------------------------------------------------------


def test_json_source_with_a_records_path(tmp_path: Path) -> None:
    write_source(
        tmp_path,
        "skus.json",
        '{"data": {"skus": ['
        '{"sku": "B524MEA", "info": {"name": "B Series | EMEAA", "lte": true}},'
        '{"sku": "B404XMEA", "info": {"name": "B Series NorAm", "lte": false}}'
        "]}}",
    )
    options = (
        'source = "skus.json"\nrecords = "data.skus"\nsort = "sku"\n'
        'columns = ["sku", { column = "info.name", title = "Name" },'
        ' { column = "info.lte", title = "LTE", type = "bool", false = "no" }]\n'
    )

    assert build(tmp_path, options) == page_with(
        "| sku | Name | LTE |",
        "| :--- | :--- | :--- |",
        "| B404XMEA | B Series NorAm | no |",
        "| B524MEA | B Series \\| EMEAA | &check; |",
    )


def test_json_where_on_a_dotted_column(tmp_path: Path) -> None:
    write_source(
        tmp_path,
        "skus.json",
        '[{"sku": "A", "info": {"region": "EU"}}, {"sku": "B", "info": {"region": "US"}}]',
    )
    options = 'source = "skus.json"\nwhere = { "info.region" = "US" }\ncolumns = ["sku"]\n'

    assert build(tmp_path, options) == page_with("| sku |", "| :--- |", "| B |")


def test_json_numbers_are_shown_and_matched_as_written(tmp_path: Path) -> None:
    write_source(
        tmp_path,
        "p.json",
        '[{"sku": "A", "price": 1.50, "max": 1e5}, {"sku": "B", "price": 1.5, "max": 100000}]',
    )
    options = 'source = "p.json"\nwhere = { price = "1.50" }\ncolumns = ["sku", "price", "max"]\n'

    assert build(tmp_path, options) == page_with(
        "| sku | price | max |", "| :--- | :--- | :--- |", "| A | 1.50 | 1e5 |"
    )


def test_json_dotted_name_colliding_with_a_nested_object_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "c.json", '[{"sku": "A", "info.lte": true, "info": {"lte": false}}]')

    assert build_error(tmp_path, 'source = "c.json"\ncolumns = ["sku"]\n') == [
        "sources/c.json: record 1 has the column 'info.lte' twice (as a dotted name and as a"
        " nested object) (use one of the two)"
    ]


def test_records_on_a_csv_source_is_an_error(carriers: Path) -> None:
    options = 'source = "carriers.csv"\nrecords = "data"\ncolumns = ["country"]\n'

    assert build_error(carriers, options) == [
        "sources/carriers.csv: 'records' applies only to JSON sources"
        " (remove 'records' from the region's configuration)"
    ]


def test_absolute_source_path_is_refused(carriers: Path) -> None:
    assert build_error(carriers, 'source = "/etc/passwd"\ncolumns = ["a"]\n') == [
        f"regen.toml:4: {KEY}.source: an absolute path "
        "(name the source relative to the sources folder)"
    ]


def test_source_symlink_leading_out_of_the_repository_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sources").mkdir(parents=True)
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    (root / "sources" / "link.csv").symlink_to(tmp_path / "secret.csv")

    assert build_error(root, 'source = "link.csv"\ncolumns = ["a"]\n') == [
        f"regen.toml:4: {KEY}.source: 'link.csv' leads outside the repository"
        " (keep sources inside it)"
    ]


def test_source_symlink_staying_inside_the_repository_is_read(tmp_path: Path) -> None:
    write_source(tmp_path, "../data/a.csv", "a\nlinked\n")
    (tmp_path / "sources" / "link.csv").symlink_to(tmp_path / "data" / "a.csv")

    assert build(tmp_path, 'source = "link.csv"\ncolumns = ["a"]\n') == page_with(
        "| a |", "| :--- |", "| linked |"
    )


def test_source_that_is_a_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources" / "dir.csv").mkdir(parents=True)

    assert build_error(tmp_path, 'source = "dir.csv"\ncolumns = ["a"]\n') == [
        "sources/dir.csv: a folder, not a file (name a .csv or .json file)"
    ]


def test_json_source_with_nan_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "n.json", '[{"sku": "A", "price": NaN}]')

    assert build_error(tmp_path, 'source = "n.json"\ncolumns = ["sku"]\n') == [
        "sources/n.json: malformed JSON: NaN is not a JSON value (write it as a string)"
    ]


def test_json_source_with_a_list_of_objects_in_a_cell_is_an_error(tmp_path: Path) -> None:
    write_source(tmp_path, "l.json", '[{"sku": "A", "carriers": [{"name": "Telus"}]}]')

    assert build_error(tmp_path, 'source = "l.json"\ncolumns = ["sku"]\n') == [
        "sources/l.json: record 1, 'carriers': a list of objects or lists cannot be one cell"
        " (use a list of plain values, or nested objects)"
    ]


# Lines of configuration keys ------------------------------------------------------------------


def test_each_region_key_is_located_on_its_own_line(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\n'  # 4
        "\n"
        "# shown columns\n"
        'columns = ["country"]\n'  # 7
        'sort = "country"\n'  # 8
        "\n"
        'where = { model = "B404", country = "Cuba" }\n'  # 10
    )

    assert build_error(carriers, options) == [
        f"regen.toml:10: {KEY}.where.country: no row has Cuba in column 'country'"
        " (values there: Canada, Mexico, United States)"
    ]


def test_unknown_key_names_its_own_line(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = ["country"]\n\n# typo\ncolumn = "model"\n'

    assert build_error(carriers, options) == [
        f"regen.toml:8: {KEY}.column: unknown key"
        " (known keys: source, records, where, columns, sort, align, empty)"
    ]


def test_missing_source_is_located_at_its_key_after_other_keys(tmp_path: Path) -> None:
    options = 'columns = ["a"]\n\nalign = "right"\nsource = "sub/none.csv"\n'

    assert build_error(tmp_path, options) == [
        f"regen.toml:7: {KEY}.source: sources/sub/none.csv not found"
        " (create it, or fix the path in the configuration)"
    ]


def test_keys_in_an_inline_table_get_the_line_of_that_table(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\ncolumns = ["country"]\n\n'
        'where = { country = "Canada", model = { not = "B524", also = 1 } }\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:7: {KEY}.where.model.also: unknown key (known keys: not)"
    ]


def test_items_of_a_list_and_their_keys_get_the_line_of_the_list(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\n'
        "columns = [\n"  # 5
        '    "country",\n'
        '    { column = "model" },\n'
        '    { column = "carrier", align = "middle" },\n'
        "]\n"
    )

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns[2].align: unknown value 'middle'"
        " (expected one of: left, center, right, none)"
    ]


def test_unknown_column_in_a_multiline_list_gets_the_line_of_the_list(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = [\n    "country",\n    "modle",\n]\n'

    assert build_error(carriers, options) == [
        f"regen.toml:5: {KEY}.columns[1]: unknown column 'modle' in sources/carriers.csv ({KNOWN})"
    ]


def test_records_of_the_wrong_type_is_located_at_its_line(carriers: Path) -> None:
    options = 'source = "carriers.csv"\ncolumns = ["country"]\nrecords = 3\n'

    assert build_error(carriers, options) == [
        f"regen.toml:6: {KEY}.records: expected a string, got a number"
    ]


def test_key_in_upper_case_config_uuid_is_located(tmp_path: Path) -> None:
    write_source(tmp_path, "a.csv", "a\n1\n")
    text = f'[regions."{UUID.upper()}"]\ngenerator = "table"\nsource = "a.csv"\ncolumns = [1]\n'
    config = parse_config(tomllib.loads(text), root=tmp_path, file="regen.toml", text=text)

    with pytest.raises(regen.RegenError) as caught:
        regen.update_text(PAGE, config=config, registry=builtin_registry())

    assert [str(p) for p in caught.value.problems] == [
        f"regen.toml:4: {KEY}.columns[0]: expected a table, got a number"
    ]


def test_table_align_after_a_column_align_names_its_own_line(carriers: Path) -> None:
    options = (
        'source = "carriers.csv"\ncolumns = [{ column = "country", align = "right" }]\n'
        'align = "middle"\n'
    )

    assert build_error(carriers, options) == [
        f"regen.toml:6: {KEY}.align: unknown value 'middle'"
        " (expected one of: left, center, right, none)"
    ]


def test_source_after_a_where_on_a_source_column_names_its_own_line(tmp_path: Path) -> None:
    options = 'columns = ["a"]\nwhere = { source = "web" }\nsource = "none.csv"\n'

    assert build_error(tmp_path, options) == [
        f"regen.toml:6: {KEY}.source: sources/none.csv not found"
        " (create it, or fix the path in the configuration)"
    ]


def test_where_written_as_a_subtable_is_located_at_its_keys(carriers: Path) -> None:
    options = f'source = "carriers.csv"\ncolumns = ["country"]\n\n[{KEY}.where]\nmodel = "B40"\n'

    assert build_error(carriers, options) == [
        f"regen.toml:8: {KEY}.where.model: no row has B40 in column 'model'"
        " (values there: B404, B524)"
    ]


def test_pyproject_key_paths_start_with_tool_regen(tmp_path: Path) -> None:
    write_source(tmp_path, "n.csv", "n\n1\nx\n")
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "x"\n\n[tool.regen]\n\n'
        f'[tool.regen.{KEY}]\ngenerator = "table"\nsource = "n.csv"\n'
        'columns = ["n", "m"]\nsort = [{ column = "n", numeric = true }]\n',
        encoding="utf-8",
    )

    with pytest.raises(regen.RegenError) as first:
        regen.update_text(PAGE, config=regen.load_config(path), registry=builtin_registry())
    path.write_text(path.read_text().replace('"n", "m"', '"n"'), encoding="utf-8")
    with pytest.raises(regen.RegenError) as second:
        regen.update_text(PAGE, config=regen.load_config(path), registry=builtin_registry())

    assert [str(p) for p in first.value.problems] == [
        f"pyproject.toml:9: tool.regen.{KEY}.columns[1]: unknown column 'm' in sources/n.csv"
        " (columns are: n)"
    ]
    assert [str(p) for p in second.value.problems] == [
        "sources/n.csv:3: 'x' in column 'n' is not a number"
        f" (fix the value, or drop numeric = true from tool.regen.{KEY}.sort[0])"
    ]


# The generator protocol -----------------------------------------------------------------------


def test_prepare_names_the_source_and_build_reads_it(carriers: Path) -> None:
    config = config_for(
        carriers, 'source = "./carriers.csv"\ncolumns = ["model"]\nsort = "model"\n'
    )
    spec = config.regions[UUID]
    cache = SourceCache(carriers)
    context = Context(spec, config.node(spec), config.sources, config.blurbs, cache, ("p.md", 1))

    job = TableGenerator().prepare(context)
    assert job.inputs == ("sources/carriers.csv",)
    (carriers / "sources/carriers.csv").unlink()  # prepare read nothing; build reads now
    with pytest.raises(regen.RegenError):
        job.build()


def test_build_returns_the_body(carriers: Path) -> None:
    config = config_for(carriers, 'source = "carriers.csv"\ncolumns = ["model"]\nsort = "model"\n')
    spec = config.regions[UUID]
    context = Context(
        spec, config.node(spec), config.sources, config.blurbs, SourceCache(carriers), ("p.md", 1)
    )
    assert TableGenerator().prepare(context).build() == (
        "\n| model |\n| :--- |\n" + "| B404 |\n" * 5 + "| B524 |\n\n\n"
    )
