"""Loading CSV and JSON sources as tables of text (regen.sources)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import regen.sources
from regen.errors import RegenError
from regen.sources import SourceCache, SourceKey, load_source, parse_csv, parse_json

HINT_FIELDS = "add or remove fields, or quote values that hold a comma"
HINT_QUOTING = "check the quoting of the record on this line"


def rows(frame: pd.DataFrame) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in frame.itertuples(index=False)]


def columns(frame: pd.DataFrame) -> list[str]:
    return [str(column) for column in frame.columns]


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


def load_error(root: Path, key: SourceKey) -> list[str]:
    with pytest.raises(RegenError) as caught:
        load_source(root, key)
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
    assert all(isinstance(cell, str) for row in frame.itertuples(index=False) for cell in row)


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
    assert frame.attrs["lines"] == [2, 4]


def test_csv_without_a_final_newline_keeps_its_last_row() -> None:
    frame = parse_csv("a,b\n1,2", "s.csv")

    assert rows(frame) == [["1", "2"]]


def test_csv_blank_lines_are_skipped() -> None:
    frame = parse_csv("a,b\n\n1,2\n\n\n3,4\n\n", "s.csv")

    assert rows(frame) == [["1", "2"], ["3", "4"]]


def test_csv_remembers_the_line_of_each_record() -> None:
    frame = parse_csv('a,b\n\n1,"two\nlines"\n3,4\n', "s.csv")

    assert frame.attrs["lines"] == [3, 5]


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
    assert frame.attrs["lines"] == [4, 6]


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


@pytest.mark.parametrize("text", ["\n", "\n\n", "\r\n\r\n\r\n"])
def test_csv_file_of_blank_lines_is_an_empty_file(text: str) -> None:
    assert csv_error(text) == [
        "sources/s.csv:1: empty CSV file (add a header row naming the columns)"
    ]


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


# load_source ----------------------------------------------------------------------------------


def test_load_source_reads_a_csv_below_the_root(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.csv", "sku\n01\n\nB404\n")

    frame = load_source(tmp_path, SourceKey("sources/skus.csv"))

    assert rows(frame) == [["01"], ["B404"]]
    assert frame.attrs["lines"] == [2, 4]


def test_load_source_reads_json_records(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.json", '{"data": {"skus": [{"sku": "B404"}]}}')

    frame = load_source(tmp_path, SourceKey("sources/skus.json", ("data", "skus")))

    assert rows(frame) == [["B404"]]


def test_load_source_accepts_an_upper_case_suffix(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "SKUS.CSV", "sku\nB404\n")

    frame = load_source(tmp_path, SourceKey("sources/SKUS.CSV"))

    assert rows(frame) == [["B404"]]


def test_load_source_drops_a_utf8_bom_in_a_csv(tmp_path: Path) -> None:
    (tmp_path / "skus.csv").write_bytes(b"\xef\xbb\xbfsku,name\r\nB404,x\r\n")

    frame = load_source(tmp_path, SourceKey("skus.csv"))

    assert columns(frame) == ["sku", "name"]
    assert rows(frame) == [["B404", "x"]]


def test_load_source_missing_file_is_an_error(tmp_path: Path) -> None:
    assert load_error(tmp_path, SourceKey("sources/none.csv")) == [
        "sources/none.csv: source file not found"
        " (create it, or fix the source path in the configuration)"
    ]


def test_load_source_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources" / "dir.csv").mkdir(parents=True)

    assert load_error(tmp_path, SourceKey("sources/dir.csv")) == [
        "sources/dir.csv: cannot read source: Is a directory"
    ]


def test_load_source_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_bytes(b"sku\nB404\nB\xe9\n")

    assert load_error(tmp_path, SourceKey("s.csv")) == [
        "s.csv:3: not valid UTF-8 (byte 0xe9 at offset 10) (re-save the file as UTF-8)"
    ]


def test_load_source_unknown_suffix_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.txt", "sku\nB404\n")

    assert load_error(tmp_path, SourceKey("sources/skus.txt")) == [
        "sources/skus.txt: unknown source type '.txt' (sources are .csv or .json files)"
    ]


def test_load_source_without_a_suffix_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus", "sku\nB404\n")

    assert load_error(tmp_path, SourceKey("sources/skus")) == [
        "sources/skus: unknown source type 'skus' (sources are .csv or .json files)"
    ]


def test_load_source_records_on_a_csv_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "sources" / "skus.csv", "sku\nB404\n")

    assert load_error(tmp_path, SourceKey("sources/skus.csv", ("data",))) == [
        "sources/skus.csv: 'records' applies only to JSON sources"
        " (remove 'records' from the region's configuration)"
    ]


def test_load_source_dotdot_leading_outside_the_root_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write(tmp_path / "secret.csv", "a\n1\n")

    assert load_error(root, SourceKey("sources/../../secret.csv")) == [
        "sources/../../secret.csv: path leads outside the repository"
        " (keep sources and blurbs inside the repository)"
    ]


def test_load_source_dotdot_staying_inside_the_root_is_accepted(tmp_path: Path) -> None:
    write(tmp_path / "data" / "skus.csv", "sku\nB404\n")
    (tmp_path / "sources").mkdir()

    frame = load_source(tmp_path, SourceKey("sources/../data/skus.csv"))

    assert rows(frame) == [["B404"]]


def test_load_source_symlink_leading_outside_the_root_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sources").mkdir(parents=True)
    outside = write(tmp_path / "secret.csv", "a\n1\n")
    (root / "sources" / "link.csv").symlink_to(outside)

    assert load_error(root, SourceKey("sources/link.csv")) == [
        "sources/link.csv: path leads outside the repository"
        " (keep sources and blurbs inside the repository)"
    ]


def test_load_source_symlink_staying_inside_the_root_is_accepted(tmp_path: Path) -> None:
    target = write(tmp_path / "data" / "skus.csv", "sku\nB404\n")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "link.csv").symlink_to(target)

    frame = load_source(tmp_path, SourceKey("sources/link.csv"))

    assert rows(frame) == [["B404"]]


# SourceCache ----------------------------------------------------------------------------------


def test_cache_returns_the_first_load_after_the_file_changes(tmp_path: Path) -> None:
    source = write(tmp_path / "sources" / "skus.csv", "sku\nB404\n")
    cache = SourceCache(tmp_path)
    key = SourceKey("sources/skus.csv")

    first = cache.table(key)
    source.write_text("sku\nCHANGED\n", encoding="utf-8")
    second = cache.table(key)

    assert second is first
    assert rows(second) == [["B404"]]


def test_cache_loads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.csv", "x\n1\n")
    write(tmp_path / "b.csv", "x\n2\n")
    calls: list[SourceKey] = []
    real = regen.sources.load_source

    def counting(root: Path, key: SourceKey) -> pd.DataFrame:
        calls.append(key)
        return real(root, key)

    monkeypatch.setattr(regen.sources, "load_source", counting)
    cache = SourceCache(tmp_path)

    for _ in range(3):
        cache.table(SourceKey("a.csv"))
        cache.table(SourceKey("b.csv"))

    assert calls == [SourceKey("a.csv"), SourceKey("b.csv")]


def test_cache_keeps_different_records_of_one_file_apart(tmp_path: Path) -> None:
    write(tmp_path / "s.json", '{"a": [{"x": "1"}], "b": [{"x": "2"}]}')
    cache = SourceCache(tmp_path)

    assert rows(cache.table(SourceKey("s.json", ("a",)))) == [["1"]]
    assert rows(cache.table(SourceKey("s.json", ("b",)))) == [["2"]]


def test_cache_keeps_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[SourceKey] = []
    real = regen.sources.load_source

    def counting(root: Path, key: SourceKey) -> pd.DataFrame:
        calls.append(key)
        return real(root, key)

    monkeypatch.setattr(regen.sources, "load_source", counting)
    cache = SourceCache(tmp_path)
    key = SourceKey("late.csv")

    with pytest.raises(RegenError) as first:
        cache.table(key)
    write(tmp_path / "late.csv", "x\n1\n")
    with pytest.raises(RegenError) as second:
        cache.table(key)

    assert second.value is first.value
    assert problems_of(second.value) == [
        "late.csv: source file not found (create it, or fix the source path in the configuration)"
    ]
    assert calls == [key]
