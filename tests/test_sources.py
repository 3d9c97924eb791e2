"""Loading CSV and JSON sources as tables of text (regen.sources)."""

from __future__ import annotations

from pathlib import Path

import pytest

import regen.sources
import regen.textfile
from regen.errors import RegenError
from regen.sources import (
    SourceCache,
    SourceKey,
    SourceNotFound,
    SourceTable,
    parse_csv,
    parse_json,
    parse_source,
)

HINT_FIELDS = "add or remove fields, or quote values that hold a comma"
HINT_QUOTING = "check the quoting of the record on this line"


def rows(table: SourceTable) -> list[list[str]]:
    return [list(row) for row in table.rows]


def columns(table: SourceTable) -> list[str]:
    return list(table.columns)


def problems_of(error: RegenError) -> list[str]:
    return [str(problem) for problem in error.problems]


def csv_error(text: str) -> list[str]:
    with pytest.raises(RegenError) as caught:
        parse_csv(text, "sources/s.csv")
    return problems_of(caught.value)


def json_error(text: str, records: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(RegenError) as caught:
        parse_json(text, "sources/s.json", records)
    return problems_of(caught.value)


def table_error(root: Path, key: SourceKey) -> list[str]:
    with pytest.raises(RegenError) as caught:
        SourceCache(root).table(key)
    return problems_of(caught.value)


def text_error(root: Path, path: str) -> list[str]:
    with pytest.raises(RegenError) as caught:
        SourceCache(root).text(path)
    return problems_of(caught.value)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


# parse_csv ------------------------------------------------------------------------------------


def test_csv_header_names_the_columns() -> None:
    frame = parse_csv("sku,description\nB404,LTE\n", "s.csv")

    assert columns(frame) == ["sku", "description"]
    assert rows(frame) == [["B404", "LTE"]]


def test_csv_cells_are_kept_as_text() -> None:
    frame = parse_csv("code,price,flag,model\n01,1.50,TRUE,B404\n007,1e3,,NaN\n", "s.csv")

    assert rows(frame) == [["01", "1.50", "TRUE", "B404"], ["007", "1e3", "", "NaN"]]
    assert all(isinstance(cell, str) for row in frame.rows for cell in row)


def test_a_tables_frame_for_plugins_holds_the_same_text_and_lines() -> None:
    table = parse_csv("code,price\n01,1.50\n\n007,NaN\n", "s.csv")

    frame = table.frame()

    assert list(frame.columns) == ["code", "price"]
    assert frame.values.tolist() == [["01", "1.50"], ["007", "NaN"]]
    assert [str(dtype) for dtype in frame.dtypes] == ["object", "object"]
    assert frame.attrs == {"lines": [2, 4], "header_line": 1}


def test_csv_keeps_blanks_around_a_cell() -> None:
    frame = parse_csv("a,b\n x , y\n", "s.csv")

    assert rows(frame) == [[" x ", " y"]]


def test_csv_quoted_comma_stays_in_its_cell() -> None:
    frame = parse_csv('name,carriers\nCanada,"Bell, Rogers"\n', "s.csv")

    assert rows(frame) == [["Canada", "Bell, Rogers"]]


def test_csv_quoted_newline_stays_in_its_cell() -> None:
    frame = parse_csv('name,note\nx,"line one\nline two"\ny,"say ""hi"""\n', "s.csv")

    assert rows(frame) == [["x", "line one\nline two"], ["y", 'say "hi"']]


def test_csv_reads_crlf_line_endings() -> None:
    frame = parse_csv('a,b\r\n1,"x\r\ny"\r\n3,4\r\n', "s.csv")

    assert rows(frame) == [["1", "x\r\ny"], ["3", "4"]]
    assert list(frame.lines) == [2, 4]


def test_csv_without_a_final_newline_keeps_its_last_row() -> None:
    frame = parse_csv("a,b\n1,2", "s.csv")

    assert rows(frame) == [["1", "2"]]


def test_csv_blank_lines_are_skipped() -> None:
    frame = parse_csv("a,b\n\n1,2\n\n\n3,4\n\n", "s.csv")

    assert rows(frame) == [["1", "2"], ["3", "4"]]


def test_csv_remembers_the_line_of_each_record() -> None:
    frame = parse_csv('a,b\n\n1,"two\nlines"\n3,4\n', "s.csv")

    assert list(frame.lines) == [3, 5]


def test_csv_with_only_a_header_has_columns_and_no_rows() -> None:
    frame = parse_csv("a,b\n", "s.csv")

    assert columns(frame) == ["a", "b"]
    assert rows(frame) == []


def test_csv_row_with_too_many_fields_is_an_error() -> None:
    assert csv_error("a,b\n1,2\n3,4,5\n") == [
        f"sources/s.csv:3: row has 3 fields, the header has 2 fields ({HINT_FIELDS})"
    ]


def test_csv_row_with_too_few_fields_is_an_error() -> None:
    assert csv_error("a,b,c\n1,2,3\n\n4,5\n") == [
        f"sources/s.csv:4: row has 2 fields, the header has 3 fields ({HINT_FIELDS})"
    ]


def test_csv_field_counts_of_one_are_singular() -> None:
    assert csv_error("a\n1\n2,3\n") == [
        f"sources/s.csv:3: row has 2 fields, the header has 1 field ({HINT_FIELDS})"
    ]


def test_csv_ragged_row_after_a_multiline_record_names_its_own_line() -> None:
    assert csv_error('a,b\n1,"x\ny\nz"\n2\n') == [
        f"sources/s.csv:5: row has 1 field, the header has 2 fields ({HINT_FIELDS})"
    ]


def test_csv_reports_every_ragged_row() -> None:
    assert csv_error("a,b\n1\n2,3\n4,5,6\n") == [
        f"sources/s.csv:2: row has 1 field, the header has 2 fields ({HINT_FIELDS})",
        f"sources/s.csv:4: row has 3 fields, the header has 2 fields ({HINT_FIELDS})",
    ]


def test_csv_duplicate_column_name_is_an_error() -> None:
    assert csv_error("sku,name,sku\n1,2,3\n") == [
        "sources/s.csv:1: column 'sku' appears twice in the header (give each column its own name)"
    ]


def test_csv_empty_column_name_is_an_error() -> None:
    assert csv_error("sku,,name\n1,2,3\n") == [
        "sources/s.csv:1: column 2 has no name (name every column)"
    ]


def test_csv_blank_column_name_is_an_error() -> None:
    assert csv_error("sku,name,  \n1,2,3\n") == [
        "sources/s.csv:1: column 3 has no name (name every column)"
    ]


def test_csv_empty_file_is_an_error() -> None:
    assert csv_error("") == [
        "sources/s.csv:1: empty CSV file (add a header row naming the columns)"
    ]


def test_csv_text_after_a_closing_quote_is_an_error() -> None:
    assert csv_error('a,b\n1,2\n3,"x"y\n') == [
        f"sources/s.csv:3: malformed CSV: ',' expected after '\"' ({HINT_QUOTING})"
    ]


def test_csv_text_after_a_closing_quote_names_the_line_its_record_starts_on() -> None:
    assert csv_error('a,b\n1,2\n3,"x\ny"z\n4,5\n') == [
        f"sources/s.csv:3: malformed CSV: ',' expected after '\"' ({HINT_QUOTING})"
    ]


def test_csv_quote_left_open_at_the_end_is_an_error() -> None:
    assert csv_error('a,b\n1,"x') == [
        f"sources/s.csv:2: malformed CSV: unexpected end of data ({HINT_QUOTING})"
    ]


def test_csv_quote_left_open_names_the_line_it_opens_on() -> None:
    assert csv_error('a,b\n1,"x\n2,y\n3,4\n') == [
        f"sources/s.csv:2: malformed CSV: unexpected end of data ({HINT_QUOTING})"
    ]


def test_csv_quote_left_open_after_blank_lines_names_the_line_it_opens_on() -> None:
    assert csv_error('a,b\n\n\n1,"x\n2,y\n') == [
        f"sources/s.csv:4: malformed CSV: unexpected end of data ({HINT_QUOTING})"
    ]


def test_csv_quoting_error_in_the_header_names_the_header_line() -> None:
    assert csv_error('\n"a"b,c\n1,2\n') == [
        f"sources/s.csv:2: malformed CSV: ',' expected after '\"' ({HINT_QUOTING})"
    ]


def test_csv_blank_lines_before_the_header_are_skipped() -> None:
    frame = parse_csv("\na,b\n1,2\n", "s.csv")

    assert columns(frame) == ["a", "b"]
    assert rows(frame) == [["1", "2"]]


def test_csv_lines_count_the_blank_lines_before_the_header() -> None:
    frame = parse_csv("\r\n\r\na,b\r\n1,2\r\n\r\n3,4\r\n", "s.csv")

    assert rows(frame) == [["1", "2"], ["3", "4"]]
    assert list(frame.lines) == [4, 6]


def test_csv_ragged_row_after_blank_lines_before_the_header_names_its_line() -> None:
    assert csv_error("\n\na,b\n1\n") == [
        f"sources/s.csv:4: row has 1 field, the header has 2 fields ({HINT_FIELDS})"
    ]


def test_csv_header_error_after_blank_lines_names_the_header_line() -> None:
    assert csv_error("\n\nsku,,name\n1,2,3\n") == [
        "sources/s.csv:3: column 2 has no name (name every column)"
    ]


def test_csv_duplicate_column_after_blank_lines_names_the_header_line() -> None:
    assert csv_error("\n\nsku,name,sku\n1,2,3\n") == [
        "sources/s.csv:3: column 'sku' appears twice in the header (give each column its own name)"
    ]


@pytest.mark.parametrize("text", ["\n", "\n\n", "\r\n\r\n\r\n", "  \n\t\n", " \r\n \t "])
def test_csv_file_of_blank_lines_is_an_empty_file(text: str) -> None:
    assert csv_error(text) == [
        "sources/s.csv:1: empty CSV file (add a header row naming the columns)"
    ]


def test_csv_lines_of_only_blanks_are_blank_lines() -> None:
    frame = parse_csv("a,b\n  \n1,2\n\t\n \t \r\n3,4\n   ", "s.csv")

    assert rows(frame) == [["1", "2"], ["3", "4"]]
    assert list(frame.lines) == [3, 6]


def test_csv_line_of_only_blanks_before_the_header_is_skipped() -> None:
    frame = parse_csv("   \n\t\na,b\n1,2\n", "s.csv")

    assert columns(frame) == ["a", "b"]
    assert list(frame.lines) == [4]


def test_csv_ragged_row_after_a_line_of_blanks_names_its_own_line() -> None:
    assert csv_error("a,b\n  \n1\n") == [
        f"sources/s.csv:3: row has 1 field, the header has 2 fields ({HINT_FIELDS})"
    ]


def test_csv_row_of_blank_cells_is_a_row() -> None:
    frame = parse_csv("a,b\n , \n,\n", "s.csv")

    assert rows(frame) == [[" ", " "], ["", ""]]
    assert list(frame.lines) == [2, 3]


# parse_json -----------------------------------------------------------------------------------


def test_json_list_of_records() -> None:
    frame = parse_json('[{"sku": "B404", "n": "01"}, {"sku": "B524", "n": "02"}]', "s.json")

    assert columns(frame) == ["sku", "n"]
    assert rows(frame) == [["B404", "01"], ["B524", "02"]]


def test_json_columns_in_first_seen_order_and_missing_keys_empty() -> None:
    frame = parse_json('[{"b": "1"}, {"a": "2", "b": "3"}, {"c": "4"}]', "s.json")

    assert columns(frame) == ["b", "a", "c"]
    assert rows(frame) == [["1", "", ""], ["3", "2", ""], ["", "", "4"]]


def test_json_records_at_a_nested_path() -> None:
    text = '{"meta": {"v": 1}, "data": {"skus": [{"sku": "B404"}, {"sku": "B524"}]}}'

    frame = parse_json(text, "s.json", ("data", "skus"))

    assert rows(frame) == [["B404"], ["B524"]]


@pytest.mark.parametrize(
    ("text", "line", "half"),
    [
        ('[{"a": "\\ud800", "b": "x"}]', 1, "\\ud800"),
        ('[\n{"a": "ok"},\n{"\\uDC00": "x"}]', 3, "\\udc00"),  # in a key, upper case
        (
            '[\n{"a": "\\ud83d\\ude00"},\n{"a": "x"},\n{"a": "\\ud83d"}]',
            4,
            "\\ud83d",
        ),  # paired above
        ('[\n{"a": "\\ud83d\\ude00"},\n{"a": "\\ude00"}]', 3, "\\ude00"),
    ],
)
def test_json_half_of_a_utf16_pair_alone_is_an_error(text: str, line: int, half: str) -> None:
    """It reads as a lone surrogate, which no page can hold: said at the source, not as an
    internal error when the page is written."""
    assert json_error(text) == [
        f"sources/s.json:{line}: '{half}' is half of a UTF-16 pair, alone: no page can hold it"
        " (write the character itself, or both halves of its pair)"
    ]


def test_json_key_twice_in_one_object_is_an_error_as_a_csv_column_twice_is() -> None:
    assert json_error('[{"sku": "B404"}, {"sku": "B524", "n": "1", "sku": "B523"}]') == [
        'sources/s.json: the key "sku" appears twice in one object (keep one)'
    ]
    assert json_error('{"data": {"a": [], "a": []}}', ("data",)) == [
        'sources/s.json: the key "a" appears twice in one object (keep one)'
    ]


def test_json_pairs_and_escaped_backslashes_are_text() -> None:
    frame = parse_json('[{"a": "\\ud83d\\ude00", "b": "\\\\ud800"}]', "s.json")

    assert rows(frame) == [["\U0001f600", "\\ud800"]]


def test_json_missing_key_in_the_records_path_is_an_error() -> None:
    assert json_error('{"data": {"skus": []}}', ("data", "sku")) == [
        "sources/s.json: no key 'data.sku' in the document"
        " (fix 'records' in the region's configuration)"
    ]


def test_json_records_path_through_a_list_is_an_error() -> None:
    assert json_error('{"data": [{"skus": []}]}', ("data", "skus")) == [
        "sources/s.json: no key 'data.skus' in the document"
        " (fix 'records' in the region's configuration)"
    ]


def test_json_object_at_the_top_level_is_an_error() -> None:
    assert json_error('{"sku": "B404"}') == [
        "sources/s.json: expected a list of objects at the top level"
        " (point 'records' at the list of records)"
    ]


def test_json_list_of_non_objects_is_an_error() -> None:
    assert json_error('[{"sku": "B404"}, "B524"]') == [
        "sources/s.json: expected a list of objects at the top level"
        " (point 'records' at the list of records)"
    ]


def test_json_records_path_to_an_object_is_an_error() -> None:
    assert json_error('{"data": {"skus": {"sku": "B404"}}}', ("data", "skus")) == [
        "sources/s.json: expected a list of objects at data.skus"
        " (point 'records' at the list of records)"
    ]


def test_json_malformed_names_the_line() -> None:
    assert json_error('[\n  {"sku": "B404"},\n  {"sku": }\n]') == [
        "sources/s.json:3: malformed JSON: Expecting value (column 11) (fix the JSON syntax)"
    ]


def test_json_nested_objects_become_dotted_columns() -> None:
    frame = parse_json('[{"sku": "B404", "radio": {"lte": {"cat": "M1"}, "bands": "2"}}]', "s.json")

    assert columns(frame) == ["sku", "radio.lte.cat", "radio.bands"]
    assert rows(frame) == [["B404", "M1", "2"]]


def test_json_scalars_become_the_text_a_csv_cell_would_hold() -> None:
    text = '[{"yes": true, "no": false, "none": null, "int": 10, "float": 1.5, "neg": -3}]'

    frame = parse_json(text, "s.json")

    assert rows(frame) == [["true", "false", "", "10", "1.5", "-3"]]


def test_json_numbers_keep_their_text_as_written() -> None:
    text = (
        '[{"price": 1.50, "big": 1e5, "small": 2.0E-3, "huge": 100000000000000000000000.0,'
        ' "zero": -0, "long": 12345678901234567890123, "round": 1.0}]'
    )

    frame = parse_json(text, "s.json")

    assert rows(frame) == [
        [
            "1.50",
            "1e5",
            "2.0E-3",
            "100000000000000000000000.0",
            "-0",
            "12345678901234567890123",
            "1.0",
        ]
    ]


def test_json_numbers_in_a_list_keep_their_text_as_written() -> None:
    frame = parse_json('[{"bands": [1.10, 2e1, -7.50]}]', "s.json")

    assert rows(frame) == [["1.10, 2e1, -7.50"]]


def test_json_lists_become_comma_separated_text() -> None:
    frame = parse_json('[{"bands": [2, "4", true, null]}, {"bands": []}]', "s.json")

    assert rows(frame) == [["2, 4, true, "], [""]]


def test_json_dotted_name_and_nested_object_for_one_column_is_an_error() -> None:
    assert json_error('[{"a": {"b": "0"}}, {"a.b": 1, "a": {"b": 2}}]') == [
        "sources/s.json: record 2 has the column 'a.b' twice (as a dotted name and as a nested"
        " object) (use one of the two)"
    ]


def test_json_nested_object_before_the_dotted_name_is_an_error_too() -> None:
    assert json_error('[{"a": {"b": 2}, "a.b": 1}]') == [
        "sources/s.json: record 1 has the column 'a.b' twice (as a dotted name and as a nested"
        " object) (use one of the two)"
    ]


def test_json_column_twice_at_a_deeper_level_is_an_error() -> None:
    assert json_error('[{"a": {"b": {"c": 1}}, "a.b": {"c": 2}}]') == [
        "sources/s.json: record 1 has the column 'a.b.c' twice (as a dotted name and as a nested"
        " object) (use one of the two)"
    ]


def test_json_dotted_name_beside_a_nested_object_with_other_keys_is_accepted() -> None:
    frame = parse_json('[{"a.b": "1", "a": {"c": "2"}}]', "s.json")

    assert columns(frame) == ["a.b", "a.c"]
    assert rows(frame) == [["1", "2"]]


def test_json_empty_list_is_an_empty_table() -> None:
    frame = parse_json("[]", "s.json")

    assert columns(frame) == []
    assert rows(frame) == []


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused(constant: str) -> None:
    assert json_error(f'[{{"sku": "A", "price": {constant}}}]') == [
        f"sources/s.json: malformed JSON: {constant} is not a JSON value (write it as a string)"
    ]


def test_json_nan_inside_a_list_is_refused() -> None:
    assert json_error('[{"bands": [1, NaN]}]') == [
        "sources/s.json: malformed JSON: NaN is not a JSON value (write it as a string)"
    ]


def test_json_nan_as_a_string_is_text() -> None:
    frame = parse_json('[{"price": "NaN"}]', "s.json")

    assert rows(frame) == [["NaN"]]


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '[{"a": ' + '{"b": ' * 100_000 + "1" + "}" * 100_001 + "]"],
    ids=["lists", "objects"],
)
def test_json_nested_too_deeply_is_an_error(text: str) -> None:
    assert json_error(text) == [
        "sources/s.json: JSON nested too deeply to read (flatten the document)"
    ]


def test_json_deep_but_readable_nesting_becomes_a_dotted_column() -> None:
    frame = parse_json('[{"a": ' + '{"b": ' * 50 + '"x"' + "}" * 51 + "]", "s.json")

    assert columns(frame) == ["a" + ".b" * 50]
    assert rows(frame) == [["x"]]


def test_json_list_of_objects_in_one_cell_is_an_error() -> None:
    assert json_error('[{"sku": "A", "bands": [2]}, {"sku": "B", "bands": [{"n": 2}]}]') == [
        "sources/s.json: record 2, 'bands': a list of objects or lists cannot be one cell"
        " (use a list of plain values, or nested objects)"
    ]


def test_json_list_of_lists_in_a_nested_cell_names_its_dotted_column() -> None:
    assert json_error('[{"radio": {"bands": [[2, 4], [12]]}}]') == [
        "sources/s.json: record 1, 'radio.bands': a list of objects or lists cannot be one cell"
        " (use a list of plain values, or nested objects)"
    ]


def test_json_list_mixing_values_and_an_object_is_an_error() -> None:
    assert json_error('[{"bands": [2, {"n": 4}]}]') == [
        "sources/s.json: record 1, 'bands': a list of objects or lists cannot be one cell"
        " (use a list of plain values, or nested objects)"
    ]


# parse_source -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["sources/s.csv", "sources/S.CSV", "sources/s.Csv"])
def test_parse_source_reads_csv_by_its_suffix(path: str) -> None:
    frame = parse_source("sku\nB404\n", SourceKey(path))

    assert rows(frame) == [["B404"]]
    assert list(frame.lines) == [2]


@pytest.mark.parametrize("path", ["sources/s.json", "sources/S.JSON"])
def test_parse_source_reads_json_by_its_suffix(path: str) -> None:
    frame = parse_source('{"data": [{"sku": "B404"}]}', SourceKey(path, ("data",)))

    assert rows(frame) == [["B404"]]


def test_parse_source_names_the_path_of_its_key_in_errors() -> None:
    with pytest.raises(RegenError) as caught:
        parse_source("a,b\n1\n", SourceKey("data/x.csv"))

    assert problems_of(caught.value) == [
        f"data/x.csv:2: row has 1 field, the header has 2 fields ({HINT_FIELDS})"
    ]


@pytest.mark.parametrize(
    ("path", "shown"),
    [("sources/skus.txt", ".txt"), ("sources/skus", "sources/skus"), ("s.csv.bak", ".bak")],
)
def test_parse_source_unknown_suffix_is_an_error(path: str, shown: str) -> None:
    with pytest.raises(RegenError) as caught:
        parse_source("sku\nB404\n", SourceKey(path))

    assert problems_of(caught.value) == [
        f"{path}: unknown source type '{shown}' (sources are .csv or .json files)"
    ]


def test_parse_source_records_on_a_csv_is_an_error() -> None:
    with pytest.raises(RegenError) as caught:
        parse_source("sku\nB404\n", SourceKey("sources/skus.csv", ("data",)))

    assert problems_of(caught.value) == [
        "sources/skus.csv: 'records' applies only to JSON sources"
        " (remove 'records' from the region's configuration)"
    ]


# SourceCache.table --------------------------------------------------------------------------


def test_table_reads_a_csv_below_the_root(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.csv", "sku\n01\n\nB404\n")

    frame = SourceCache(tmp_path).table(SourceKey("sources/skus.csv"))

    assert rows(frame) == [["01"], ["B404"]]
    assert list(frame.lines) == [2, 4]


def test_table_reads_json_records(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.json", '{"data": {"skus": [{"sku": "B404"}]}}')

    frame = SourceCache(tmp_path).table(SourceKey("sources/skus.json", ("data", "skus")))

    assert rows(frame) == [["B404"]]


def test_table_accepts_an_upper_case_suffix(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "SKUS.CSV", "sku\nB404\n")

    frame = SourceCache(tmp_path).table(SourceKey("sources/SKUS.CSV"))

    assert rows(frame) == [["B404"]]


def test_table_drops_a_utf8_bom_in_a_csv(tmp_path: Path) -> None:
    (tmp_path / "skus.csv").write_bytes(b"\xef\xbb\xbfsku,name\r\nB404,x\r\n")

    frame = SourceCache(tmp_path).table(SourceKey("skus.csv"))

    assert columns(frame) == ["sku", "name"]
    assert rows(frame) == [["B404", "x"]]


def test_table_drops_a_utf8_bom_in_json(tmp_path: Path) -> None:
    (tmp_path / "skus.json").write_bytes(b'\xef\xbb\xbf[{"sku": "B404"}]')

    assert rows(SourceCache(tmp_path).table(SourceKey("skus.json"))) == [["B404"]]


def test_table_of_a_missing_file_is_source_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound) as caught:
        SourceCache(tmp_path).table(SourceKey("sources/none.csv"))

    assert problems_of(caught.value) == ["sources/none.csv: file not found"]


def test_table_of_a_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources" / "dir.csv").mkdir(parents=True)

    assert table_error(tmp_path, SourceKey("sources/dir.csv")) == [
        "sources/dir.csv: a folder, not a file (name a .csv or .json file)"
    ]


def test_table_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_bytes(b"sku\nB404\nB\xe9\n")

    assert table_error(tmp_path, SourceKey("s.csv")) == [
        "s.csv:3: not valid UTF-8 (byte 0xe9 at offset 10) (re-save the file as UTF-8)"
    ]


def test_table_unknown_suffix_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.txt", "sku\nB404\n")

    assert table_error(tmp_path, SourceKey("sources/skus.txt")) == [
        "sources/skus.txt: unknown source type '.txt' (sources are .csv or .json files)"
    ]


def test_table_records_on_a_csv_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.csv", "sku\nB404\n")

    assert table_error(tmp_path, SourceKey("sources/skus.csv", ("data",))) == [
        "sources/skus.csv: 'records' applies only to JSON sources"
        " (remove 'records' from the region's configuration)"
    ]


def test_table_dotdot_staying_inside_the_root_is_read(tmp_path: Path) -> None:
    write(tmp_path / "data" / "skus.csv", "sku\nB404\n")
    (tmp_path / "sources").mkdir()

    frame = SourceCache(tmp_path).table(SourceKey("sources/../data/skus.csv"))

    assert rows(frame) == [["B404"]]


def test_table_symlink_staying_inside_the_root_is_read(tmp_path: Path) -> None:
    target = write(tmp_path / "data" / "skus.csv", "sku\nB404\n")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "link.csv").symlink_to(target)

    frame = SourceCache(tmp_path).table(SourceKey("sources/link.csv"))

    assert rows(frame) == [["B404"]]


# SourceCache.text ---------------------------------------------------------------------------


def test_text_keeps_newlines_as_they_are_and_drops_a_bom(tmp_path: Path) -> None:
    (tmp_path / "blurb.md").write_bytes(b"\xef\xbb\xbfone\r\ntwo\nthree")

    assert SourceCache(tmp_path).text("blurb.md") == "one\r\ntwo\nthree"


def test_text_of_a_missing_file_is_source_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound) as caught:
        SourceCache(tmp_path).text("sources/blurbs/none.md")

    assert isinstance(caught.value, RegenError)
    assert problems_of(caught.value) == ["sources/blurbs/none.md: file not found"]


def test_text_of_a_folder_is_an_error_but_not_source_not_found(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()

    with pytest.raises(RegenError) as caught:
        SourceCache(tmp_path).text("sources")

    assert not isinstance(caught.value, SourceNotFound)
    assert problems_of(caught.value) == [
        "sources: a folder, not a file (name a .csv or .json file)"
    ]


def test_text_that_cannot_be_read_names_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "s.csv", "a\n1\n")

    def refuse(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(regen.sources, "read_regular", refuse)

    assert text_error(tmp_path, "s.csv") == [
        "s.csv: cannot read: Permission denied (check its permissions)"
    ]


def test_text_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_bytes(b"ok\n\xff\n")

    assert text_error(tmp_path, "b.md") == [
        "b.md:2: not valid UTF-8 (byte 0xff at offset 3) (re-save the file as UTF-8)"
    ]


# SourceCache.inside -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "inside"),
    [
        ("sources/skus.csv", True),
        ("sources/none/at/all.csv", True),
        ("sources/../data/skus.csv", True),
        (".", True),
        ("..", False),
        ("../secret.csv", False),
        ("sources/../../secret.csv", False),
        ("/etc/passwd", False),
    ],
)
def test_inside_checks_the_path_stays_in_the_root(tmp_path: Path, path: str, inside: bool) -> None:
    root = tmp_path / "repo"
    root.mkdir()

    assert SourceCache(root).inside(path) is inside


def test_inside_follows_a_symlink_leading_out(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sources").mkdir(parents=True)
    outside = write(tmp_path / "secret.csv", "a\n1\n")
    (root / "sources" / "link.csv").symlink_to(outside)
    (root / "out").symlink_to(tmp_path)

    cache = SourceCache(root)

    assert not cache.inside("sources/link.csv")
    assert not cache.inside("out/secret.csv")


def test_inside_follows_a_symlink_staying_in(tmp_path: Path) -> None:
    target = write(tmp_path / "data" / "skus.csv", "sku\nB404\n")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "link.csv").symlink_to(target)

    assert SourceCache(tmp_path).inside("sources/link.csv")


def test_inside_refuses_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "loop.csv").symlink_to(tmp_path / "loop.csv")

    assert not SourceCache(tmp_path).inside("loop.csv")


# SourceCache: each file once per run ---------------------------------------------------------


def test_cache_returns_the_first_load_after_the_file_changes(tmp_path: Path) -> None:
    source = write(tmp_path / "sources" / "skus.csv", "sku\nB404\n")
    cache = SourceCache(tmp_path)
    key = SourceKey("sources/skus.csv")

    first = cache.table(key)
    source.write_text("sku\nCHANGED\n", encoding="utf-8")
    second = cache.table(key)

    assert second is first
    assert rows(second) == [["B404"]]


def test_cache_parses_each_key_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.csv", "x\n1\n")
    write(tmp_path / "b.csv", "x\n2\n")
    calls: list[SourceKey] = []
    real = regen.sources.parse_source

    def counting(text: str, key: SourceKey) -> SourceTable:
        calls.append(key)
        return real(text, key)

    monkeypatch.setattr(regen.sources, "parse_source", counting)
    cache = SourceCache(tmp_path)

    for _ in range(3):
        cache.table(SourceKey("a.csv"))
        cache.table(SourceKey("b.csv"))

    assert calls == [SourceKey("a.csv"), SourceKey("b.csv")]


def test_cache_reads_a_file_once_for_two_records_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "s.json", '{"a": [{"x": "1"}], "b": [{"x": "2"}]}')
    reads: list[str] = []
    real = regen.textfile.read_regular

    def counting(path: Path) -> bytes:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(regen.sources, "read_regular", counting)
    cache = SourceCache(tmp_path)

    first = cache.table(SourceKey("s.json", ("a",)))
    source.write_text('{"a": [{"x": "changed"}], "b": [{"x": "changed"}]}', encoding="utf-8")
    second = cache.table(SourceKey("s.json", ("b",)))
    text = cache.text("s.json")

    assert (rows(first), rows(second)) == ([["1"]], [["2"]])
    assert text == '{"a": [{"x": "1"}], "b": [{"x": "2"}]}'
    assert reads == ["s.json"]


def test_cache_keeps_different_records_of_one_file_apart(tmp_path: Path) -> None:
    write(tmp_path / "s.json", '{"a": [{"x": "1"}], "b": [{"x": "2"}]}')
    cache = SourceCache(tmp_path)

    assert rows(cache.table(SourceKey("s.json", ("a",)))) == [["1"]]
    assert rows(cache.table(SourceKey("s.json", ("b",)))) == [["2"]]


def test_cache_keeps_a_missing_file_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[SourceKey] = []
    real = regen.sources.parse_source

    def counting(text: str, key: SourceKey) -> SourceTable:
        calls.append(key)
        return real(text, key)

    monkeypatch.setattr(regen.sources, "parse_source", counting)
    cache = SourceCache(tmp_path)
    key = SourceKey("late.csv")

    with pytest.raises(SourceNotFound) as first:
        cache.table(key)
    write(tmp_path / "late.csv", "x\n1\n")
    with pytest.raises(SourceNotFound) as second:
        cache.table(key)
    with pytest.raises(SourceNotFound) as as_text:
        cache.text("late.csv")

    assert second.value is first.value
    assert as_text.value is first.value
    assert problems_of(second.value) == ["late.csv: file not found"]
    assert calls == []


def test_cache_keeps_a_parse_failure_per_key(tmp_path: Path) -> None:
    source = write(tmp_path / "s.json", '{"a": [{"x": "1"}], "b": "oops"}')
    cache = SourceCache(tmp_path)

    with pytest.raises(RegenError) as first:
        cache.table(SourceKey("s.json", ("b",)))
    source.write_text('{"b": [{"x": "2"}]}', encoding="utf-8")
    with pytest.raises(RegenError) as second:
        cache.table(SourceKey("s.json", ("b",)))

    assert second.value is first.value
    assert problems_of(first.value) == [
        "s.json: expected a list of objects at b (point 'records' at the list of records)"
    ]
    assert rows(cache.table(SourceKey("s.json", ("a",)))) == [["1"]]


def test_what_is_made_of_a_table_is_made_once_and_forgotten_with_its_text(
    tmp_path: Path,
) -> None:
    (tmp_path / "pins.csv").write_text("num,name\n1,D0\n", encoding="utf-8")
    cache, key = SourceCache(tmp_path), SourceKey("pins.csv")
    made: list[str] = []

    def names(table: SourceTable) -> list[str]:
        made.append("names")
        return [row[1] for row in table.rows]

    assert cache.derived(key, "names", names) == ["D0"]
    assert cache.derived(key, "names", names) == ["D0"]
    assert cache.derived(key, "other", lambda table: len(table.rows)) == 1
    assert made == ["names"]
    cache.give("pins.csv", "num,name\n1,D7\n")  # what `regen import` is about to write
    assert cache.derived(key, "names", names) == ["D7"]
    assert made == ["names", "names"]


def test_what_fails_to_be_made_of_a_table_fails_again_for_the_next_asker(tmp_path: Path) -> None:
    (tmp_path / "pins.csv").write_text("num,name\n1,D0\n", encoding="utf-8")
    cache, key = SourceCache(tmp_path), SourceKey("pins.csv")
    tries: list[int] = []

    def broken(table: SourceTable) -> int:
        tries.append(len(table.rows))
        raise RegenError.at("pins.csv", 2, "a bad pin", "fix it")

    for _ in range(2):
        with pytest.raises(RegenError, match="a bad pin"):
            cache.derived(key, "pins", broken)
    assert tries == [1, 1]


def test_what_is_made_of_each_list_of_a_json_source_is_its_own(tmp_path: Path) -> None:
    (tmp_path / "skus.json").write_text(
        '{"a": [{"sku": "A1"}], "b": [{"sku": "B1"}, {"sku": "B2"}]}', encoding="utf-8"
    )
    cache = SourceCache(tmp_path)

    def skus(table: SourceTable) -> list[str]:
        return [row[0] for row in table.rows]

    assert cache.derived(SourceKey("skus.json", ("a",)), "skus", skus) == ["A1"]
    assert cache.derived(SourceKey("skus.json", ("b",)), "skus", skus) == ["B1", "B2"]


def test_a_source_given_new_text_is_read_again_even_after_it_failed(tmp_path: Path) -> None:
    (tmp_path / "pins.csv").write_text('num,name\n1,"D0\n', encoding="utf-8")  # a quote open
    cache, key = SourceCache(tmp_path), SourceKey("pins.csv")
    with pytest.raises(RegenError):
        cache.table(key)
    cache.give("pins.csv", "num,name\n1,D0\n")  # what `regen import` is about to write
    assert rows(cache.table(key)) == [["1", "D0"]]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize(
    ("name", "good"), [("p.csv", "sku\nA1\n"), ("p.json", '[{"sku": "A1"}]\n')]
)
def test_an_unresolved_merge_conflict_is_named_as_such(newline: str, name: str, good: str) -> None:
    text = (
        good.splitlines(keepends=True)[0]
        + "<<<<<<< HEAD\nA1\n=======\nA2\n>>>>>>> branch\n"
        + "".join(good.splitlines(keepends=True)[1:])
    ).replace("\n", newline)
    with pytest.raises(RegenError) as caught:
        parse_source(text, SourceKey(name))
    assert [str(p) for p in caught.value.problems] == [
        f"{name}:2: unresolved merge conflict (lines 2-6) (keep the rows you want, and remove"
        " the <<<<<<<, ======= and >>>>>>> lines)"
    ]


def test_conflict_like_text_inside_a_cell_is_only_text() -> None:
    table = parse_source('sku,note\nA1,"<<<<<<< not a conflict"\n', SourceKey("p.csv"))
    assert rows(table) == [["A1", "<<<<<<< not a conflict"]]


def test_conflict_lines_inside_a_quoted_cell_are_only_text() -> None:
    text = 'sku,note\nA1,"x\n<<<<<<< HEAD\ny\n>>>>>>> b"\n'
    assert rows(parse_source(text, SourceKey("p.csv"))) == [["A1", "x\n<<<<<<< HEAD\ny\n>>>>>>> b"]]


def test_a_conflict_that_breaks_the_rows_is_named_as_such() -> None:
    text = "sku,price\n<<<<<<< HEAD\nA1,10\n=======\nA1,11\n>>>>>>> b1\nB2,20\n"
    with pytest.raises(RegenError) as caught:
        parse_source(text, SourceKey("p.csv"))
    assert [p.message for p in caught.value.problems] == ["unresolved merge conflict (lines 2-6)"]
