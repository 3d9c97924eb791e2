"""The `carriers` generator, run through regen.update_text on small tidy sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.regionkit import OneRegion

KIT = OneRegion(
    "c9241a2c-76e0-11eb-9439-0242ac130002", "carriers", "# Countries\n\nText before the table.\n"
)
UUID, KEY, BEGIN, END, PAGE = KIT.uuid, KIT.key, KIT.begin, KIT.end, KIT.page
config_for, build, build_error, page_with = KIT.config, KIT.build, KIT.errors, KIT.page_with

CARRIERS = (
    "country,carrier,2g,3g,cat1,m1,footnote\n"
    "Canada,Telus,,,,yes,\n"
    "Canada,Rogers Wireless,,,yes,yes,2\n"
    "Canada,Bell Mobility,,,,yes,\n"
    "France,SFR,,yes,,,\n"
    "France,Orange,yes,yes,yes,,\n"
    "France,Bouygues,yes,,,,1\n"
    "Mexico,Telcel,,,,yes,\n"
    "Mexico,Movistar,,,yes,,\n"
    "Mexico,AT&T,,,,yes,\n"
    "Germany,Vodafone,,,,yes,\n"
)
MODELS = "model,2g,3g,cat1,m1\nB404,,,,yes\nB524,yes,yes,yes,\nB402,yes,,,yes\n"
AVAILABILITY = (
    "model,country\nB404,Mexico\nB524,France\nB402,France\nB404,Canada\nB524,Canada\nB402,Canada\n"
)
HEADER = ("| Country | Model | Technologies | Carriers |", "| :--- | :--- | :--- | :--- |")
CANADA_B404 = "| Canada | B404 | M1 | Bell Mobility, Rogers Wireless<sup>2</sup>, Telus |"
CANADA_B524 = "| Canada | B524 | Cat1 | Rogers Wireless<sup>2</sup> |"
CANADA_B402 = "| Canada | B402 | M1 | Bell Mobility, Rogers Wireless<sup>2</sup>, Telus |"
FRANCE_B524 = "| France | B524 | 2G, 3G, Cat1 | Bouygues<sup>1</sup>, Orange, SFR |"
FRANCE_B402 = "| France | B402 | 2G | Bouygues<sup>1</sup>, Orange |"
MEXICO_B404 = "| Mexico | B404 | M1 | AT&T, Telcel |"
CARRIERS_NEEDS = (
    "the carriers source needs the columns country, carrier, 2g, 3g, cat1, m1, footnote"
)


def write_sources(
    root: Path,
    carriers: str = CARRIERS,
    models: str = MODELS,
    availability: str = AVAILABILITY,
    folder: str = "carriers",
) -> None:
    base = root / "sources" / folder
    base.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("carriers.csv", carriers),
        ("models.csv", models),
        ("availability.csv", availability),
    ):
        (base / name).write_text(text, encoding="utf-8", newline="")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    write_sources(tmp_path)
    return tmp_path


# Tables ---------------------------------------------------------------------------------------


def test_one_row_per_country_where_the_model_is_offered(sources: Path) -> None:
    # Movistar offers only Cat1, which the B404's modem lacks; Germany's carrier offers M1,
    # but the B404 is not offered there.
    assert build(sources, 'models = ["B404"]\n') == page_with(*HEADER, CANADA_B404, MEXICO_B404)


def test_technologies_are_the_modems_that_a_carrier_there_offers(sources: Path) -> None:
    # In Canada only Rogers offers one of the B524's technologies (Cat1); in France all three
    # are offered, shown in the fixed order 2G, 3G, Cat1, M1 whatever the carriers' order.
    assert build(sources, 'models = ["B524"]\n') == page_with(*HEADER, CANADA_B524, FRANCE_B524)


def test_a_single_model_may_be_given_as_a_string(sources: Path) -> None:
    assert build(sources, 'models = "B404"\n') == page_with(*HEADER, CANADA_B404, MEXICO_B404)


@pytest.mark.parametrize(
    ("models", "rows"),
    [
        (
            '["B524", "B404", "B402"]',
            [CANADA_B524, CANADA_B404, CANADA_B402, FRANCE_B524, FRANCE_B402, MEXICO_B404],
        ),
        (
            '["B402", "B404", "B524"]',
            [CANADA_B402, CANADA_B404, CANADA_B524, FRANCE_B402, FRANCE_B524, MEXICO_B404],
        ),
    ],
)
def test_several_models_sort_by_country_then_by_the_models_order(
    sources: Path, models: str, rows: list[str]
) -> None:
    assert build(sources, f"models = {models}\n") == page_with(*HEADER, *rows)


def test_the_model_column_can_be_dropped(sources: Path) -> None:
    assert build(sources, 'models = ["B524"]\nmodel_column = false\n') == page_with(
        "| Country | Technologies | Carriers |",
        "| :--- | :--- | :--- |",
        "| Canada | Cat1 | Rogers Wireless<sup>2</sup> |",
        "| France | 2G, 3G, Cat1 | Bouygues<sup>1</sup>, Orange, SFR |",
    )


def test_the_model_column_stays_with_several_models(sources: Path) -> None:
    # Without it, the rows of two models in one country could not be told apart.
    assert build_error(sources, 'models = ["B524", "B404"]\nmodel_column = false\n') == [
        f"regen.toml:5: {KEY}.model_column: the Model column tells the rows of several models "
        "apart (keep it, or name one model)"
    ]


def test_model_column_true_is_the_default(sources: Path) -> None:
    assert build(sources, 'models = ["B404"]\nmodel_column = true\n') == page_with(
        *HEADER, CANADA_B404, MEXICO_B404
    )


def test_footnotes_follow_their_carrier(tmp_path: Path) -> None:
    carriers = (
        "country,carrier,2g,3g,cat1,m1,footnote\n"
        "Canada,Telus,,,,yes,3\n"
        "Canada,Bell Mobility,,,,yes,1\n"
        "Canada,Rogers Wireless,,,,yes,\n"
    )
    write_sources(tmp_path, carriers=carriers, availability="model,country\nB404,Canada\n")
    assert build(tmp_path, 'models = ["B404"]\n') == page_with(
        *HEADER,
        "| Canada | B404 | M1 | Bell Mobility<sup>1</sup>, Rogers Wireless, Telus<sup>3</sup> |",
    )


def test_carriers_sort_by_name_not_by_their_footnote(tmp_path: Path) -> None:
    carriers = (
        "country,carrier,2g,3g,cat1,m1,footnote\n"
        "Canada,Telus Mobility,,,,yes,\n"
        "Canada,Telus,,,,yes,1\n"
    )
    write_sources(tmp_path, carriers=carriers, availability="model,country\nB404,Canada\n")
    assert build(tmp_path, 'models = ["B404"]\n') == page_with(
        *HEADER, "| Canada | B404 | M1 | Telus<sup>1</sup>, Telus Mobility |"
    )


def test_technology_cells_take_any_yes_or_no_word(tmp_path: Path) -> None:
    carriers = (
        "country,carrier,2g,3g,cat1,m1,footnote\n"
        "Canada,Telus,no,n,false,Yes,\n"
        "Canada,Bell Mobility,,,,x,\n"
        "Canada,Rogers Wireless,,,,0,\n"
        "Canada,Freedom,,,,TRUE,\n"
    )
    models = "model,2g,3g,cat1,m1\nB404,No,,0,y\n"
    write_sources(
        tmp_path, carriers=carriers, models=models, availability="model,country\nB404,Canada\n"
    )
    assert build(tmp_path, 'models = ["B404"]\n') == page_with(
        *HEADER, "| Canada | B404 | M1 | Bell Mobility, Freedom, Telus |"
    )


def test_the_sources_can_be_named(tmp_path: Path) -> None:
    write_sources(tmp_path, folder="cellular")
    options = (
        'models = ["B404"]\n'
        "sources = { carriers = 'cellular/carriers.csv', models = 'cellular/models.csv',"
        " availability = 'cellular/availability.csv' }\n"
    )
    assert build(tmp_path, options) == page_with(*HEADER, CANADA_B404, MEXICO_B404)


# Errors ---------------------------------------------------------------------------------------


def test_unknown_models_are_named_with_the_known_ones(sources: Path) -> None:
    assert build_error(sources, 'models = ["B404", "X9", "B405"]\n') == [
        f"regen.toml:4: {KEY}.models: unknown model X9, B405 in sources/carriers/models.csv"
        " (known models: B404, B524, B402)"
    ]


def test_no_models_is_an_error(sources: Path) -> None:
    assert build_error(sources, "models = []\n") == [
        f"regen.toml:4: {KEY}.models: no models (name at least one model)"
    ]


def test_models_are_required(sources: Path) -> None:
    assert build_error(sources, "model_column = false\n") == [
        f"regen.toml:2: {KEY}: missing key 'models' (add models = ... to this entry)"
    ]


def test_an_unknown_option_is_an_error(sources: Path) -> None:
    assert build_error(sources, 'models = ["B404"]\nmodel = "B404"\n') == [
        f"regen.toml:5: {KEY}.model: unknown key (known keys: models, model_column, sources)"
    ]


def test_model_column_must_be_true_or_false(sources: Path) -> None:
    assert build_error(sources, 'models = ["B404"]\nmodel_column = "no"\n') == [
        f"regen.toml:5: {KEY}.model_column: expected true or false, got a string"
    ]


def test_an_unknown_source_name_is_an_error(sources: Path) -> None:
    assert build_error(sources, 'models = ["B404"]\nsources = { modles = "m.csv" }\n') == [
        f"regen.toml:5: {KEY}.sources.modles: unknown key"
        " (known keys: carriers, models, availability)"
    ]


def test_a_missing_source_file_is_named(sources: Path) -> None:
    assert build_error(sources, 'models = ["B404"]\nsources = { models = "gone.csv" }\n') == [
        f"regen.toml:5: {KEY}.sources.models: sources/gone.csv not found"
        " (create it, or fix the path in the configuration)"
    ]


def test_every_country_without_a_carrier_for_the_model_is_reported(tmp_path: Path) -> None:
    # France has carriers, but none offers M1; Japan has no carrier at all.
    availability = "model,country\nB404,Canada\nB404,France\nB524,Japan\nB524,France\n"
    write_sources(tmp_path, availability=availability)
    assert build_error(tmp_path, 'models = ["B404", "B524"]\n') == [
        "sources/carriers/availability.csv:3: B404 is offered in France, but no carrier there"
        " offers M1 in sources/carriers/carriers.csv (add the carriers, or remove this row)",
        "sources/carriers/availability.csv:4: B524 is offered in Japan, but no carrier there"
        " offers 2G or 3G or Cat1 in sources/carriers/carriers.csv"
        " (add the carriers, or remove this row)",
    ]


def test_a_technology_cell_that_is_not_yes_or_no_is_an_error(tmp_path: Path) -> None:
    carriers = CARRIERS.replace("Canada,Rogers Wireless,,,yes,yes,2", "Canada,Rogers,,,maybe,yes,")
    write_sources(tmp_path, carriers=carriers)
    assert build_error(tmp_path, 'models = ["B404"]\n') == [
        "sources/carriers/carriers.csv:3: column 'cat1' holds 'maybe', which is not a yes/no"
        " value (write yes or no; true/false, 1/0 and an empty cell work too)"
    ]


def test_a_modem_cell_that_is_not_yes_or_no_is_an_error(tmp_path: Path) -> None:
    write_sources(tmp_path, models=MODELS.replace("B524,yes,", "B524,2G,"))
    assert build_error(tmp_path, 'models = ["B404"]\n') == [
        "sources/carriers/models.csv:3: column '2g' holds '2G', which is not a yes/no value"
        " (write yes or no; true/false, 1/0 and an empty cell work too)"
    ]


@pytest.mark.parametrize(
    ("source", "text", "message"),
    [
        (
            "carriers",
            "country,carrier,2g,3g,cat1,m1\nCanada,Telus,,,,yes\n",
            f"sources/carriers/carriers.csv:1: missing column footnote ({CARRIERS_NEEDS})",
        ),
        (
            "carriers",
            "country,name,2g,3g,cat1,m1,notes\nCanada,Telus,,,,yes,\n",
            "sources/carriers/carriers.csv:1: missing columns carrier, footnote"
            f" ({CARRIERS_NEEDS})",
        ),
        (
            "models",
            "model,3g,cat1\nB404,,\n",
            "sources/carriers/models.csv:1: missing columns 2g, m1"
            " (the models source needs the columns model, 2g, 3g, cat1, m1)",
        ),
        (
            "availability",
            "model,region\nB404,Canada\n",
            "sources/carriers/availability.csv:1: missing column country"
            " (the availability source needs the columns model, country)",
        ),
    ],
)
def test_missing_source_columns_are_named(
    tmp_path: Path, source: str, text: str, message: str
) -> None:
    write_sources(tmp_path, **{source: text})
    assert build_error(tmp_path, 'models = ["B404"]\n') == [message]


def test_a_model_offered_in_no_country_is_an_error(tmp_path: Path) -> None:
    write_sources(tmp_path, availability="model,country\nB404,Canada\n")
    assert build_error(tmp_path, 'models = ["B404", "B524"]\n') == [
        "sources/carriers/availability.csv: B524 is offered in no country "
        f'(add rows for it, or remove it from regions."{UUID}".models)'
    ]


def test_a_model_without_technologies_is_an_error(tmp_path: Path) -> None:
    models = "model,2g,3g,cat1,m1\nB404,,,,\n"
    write_sources(tmp_path, models=models)
    assert build_error(tmp_path, 'models = ["B404"]\n') == [
        "sources/carriers/models.csv:2: model B404 has none of the technologies 2g, 3g, cat1, m1"
        " (say yes to those its modem supports)"
    ]


def test_blanks_around_availability_cells_do_not_count(tmp_path: Path) -> None:
    write_sources(tmp_path, availability="model,country\n B404 , Mexico \n")
    assert build(tmp_path, 'models = "B404"\n') == page_with(*HEADER, MEXICO_B404)


def test_every_problem_in_the_sources_is_reported_at_once(tmp_path: Path) -> None:
    carriers = (
        "country,carrier,2g,3g,cat1,m1,footnote\n"
        "Canada,Telus,,,,yes,\n"
        "Canada,Telus,,,,yes,1\n"
        ",Nobody,,,,yes,\n"
        "Canada,Bell,,,,perhaps,\n"
    )
    models = "model,2g,3g,cat1,m1\nB404,,,,yes\nB404,,,,yes\n,,,,yes\n"
    availability = "model,country\nB404,Canada\nB404,Canada\nB4O4,Mexico\n,Peru\n"
    write_sources(tmp_path, carriers=carriers, models=models, availability=availability)
    assert build_error(tmp_path, 'models = ["B404"]\n') == [
        "sources/carriers/models.csv:3: model B404 is listed twice (first at line 2)"
        " (keep one row)",
        "sources/carriers/models.csv:4: a model without a name (fill in the model)",
        "sources/carriers/carriers.csv:3: Telus in Canada is listed twice (first at line 2)"
        " (keep one row)",
        "sources/carriers/carriers.csv:4: a row without country or carrier (fill both in)",
        "sources/carriers/carriers.csv:5: column 'm1' holds 'perhaps', which is not a yes/no"
        " value (write yes or no; true/false, 1/0 and an empty cell work too)",
        "sources/carriers/availability.csv:3: B404 in Canada is listed twice (first at line 2)"
        " (keep one row)",
        "sources/carriers/availability.csv:4: unknown model B4O4"
        " (add it to sources/carriers/models.csv, or fix the name)",
        "sources/carriers/availability.csv:5: a row without model or country (fill both in)",
    ]


def test_an_empty_model_list_says_so(tmp_path: Path) -> None:
    write_sources(tmp_path, models="model,2g,3g,cat1,m1\n", availability="model,country\n")
    assert build_error(tmp_path, 'models = ["B404"]\n') == [
        f"regen.toml:4: {KEY}.models: unknown model B404 in sources/carriers/models.csv"
        " (known models: none: sources/carriers/models.csv has no rows)"
    ]
