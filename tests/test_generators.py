"""The registry: built-ins, plugins found through the `regen.generators` entry-point group (a
real distribution on sys.path, read by importlib.metadata), and the Protocol they follow."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from regen.api import update_text
from regen.config import parse_config
from regen.errors import RegenError
from regen.generators import Generator, builtin_registry, default_registry

PLUGIN = """
from regen.generators import Job


class Shout:
    summary = "the option 'text' in capitals"

    def prepare(self, context):
        text = context.options.get("text").string()
        return Job((), lambda: text.upper() + "\\n")


class Count:
    summary = "how many rows of a source hold a value, counted by pandas"

    def prepare(self, context):
        node = context.options.get("source")
        key = context.source_key(node)

        def build():
            frame = context.frame(key, node)
            column = context.options.get("column").string()
            value = context.options.get("value").string()
            return f"{int((frame[column] == value).sum())} of {len(frame)}\\n"

        return Job((key.path,), build)


class NotAGenerator:
    pass


def broken():
    raise RuntimeError("cannot start")
"""


@pytest.fixture
def plugin_dist(tmp_path: Path) -> Iterator[Path]:
    """Install a plugin distribution by putting it on sys.path, as pip would leave it."""
    site = tmp_path / "site"
    info = site / "regen_shout-1.0.dist-info"
    info.mkdir(parents=True)
    (site / "regen_shout.py").write_text(PLUGIN)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: regen-shout\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[regen.generators]\nshout = regen_shout:Shout\n")
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    yield info
    sys.path.remove(str(site))
    sys.modules.pop("regen_shout", None)
    importlib.invalidate_caches()


def test_builtins_follow_the_protocol() -> None:
    registry = builtin_registry()
    assert sorted(registry) == ["blurb", "carriers", "keep", "pins", "skus", "table"]
    assert all(isinstance(g, Generator) for g in registry.values())


def test_plugin_is_found_and_used(plugin_dist: Path, tmp_path: Path) -> None:
    del plugin_dist
    registry = default_registry()
    assert registry["shout"].summary == "the option 'text' in capitals"
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    config = parse_config(
        {"regions": {uuid: {"generator": "shout", "text": "hello"}}},
        root=tmp_path,
        file="regen.toml",
    )
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    assert update_text(page, config=config, registry=registry) == (
        f"<!-- BEGIN shared-blurb {uuid} -->\nHELLO\n<!-- END shared-blurb -->\n"
    )


def test_a_plugin_may_read_a_source_as_a_pandas_frame(plugin_dist: Path, tmp_path: Path) -> None:
    (plugin_dist / "entry_points.txt").write_text("[regen.generators]\ncount = regen_shout:Count\n")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "skus.csv").write_text("sku,region\nB404,NA\nB524,EMEA\nB402,NA\n")
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    config = parse_config(
        {
            "regions": {
                uuid: {
                    "generator": "count",
                    "source": "skus.csv",
                    "column": "region",
                    "value": "NA",
                }
            }
        },
        root=tmp_path,
        file="regen.toml",
    )
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    assert update_text(page, config=config, registry=default_registry()) == (
        f"<!-- BEGIN shared-blurb {uuid} -->\n2 of 3\n<!-- END shared-blurb -->\n"
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "table = regen_shout:Shout",
            "regen_shout:Shout: plugin generator 'table' clashes with a built-in "
            "(rename the plugin's entry point)",
        ),
        (
            "odd = regen_shout:NotAGenerator",
            "regen_shout:NotAGenerator: plugin 'odd' is not a generator "
            "(it must provide summary and prepare())",
        ),
        (
            "bad = regen_shout:broken",
            "regen_shout:broken: cannot load plugin generator 'bad': cannot start "
            "(fix or uninstall the plugin)",
        ),
        (
            "gone = regen_missing:Thing",
            "regen_missing:Thing: cannot load plugin generator 'gone': "
            "No module named 'regen_missing' (fix or uninstall the plugin)",
        ),
    ],
)
def test_bad_plugins_are_named(plugin_dist: Path, entry: str, message: str) -> None:
    (plugin_dist / "entry_points.txt").write_text(f"[regen.generators]\n{entry}\n")
    registry = default_registry()  # plugins are looked for only when needed
    assert registry["table"].summary  # a built-in needs no plugin
    with pytest.raises(RegenError) as caught:
        list(registry)
    assert str(caught.value) == message


def test_a_bad_plugin_is_a_problem_of_the_region_that_needs_it(
    plugin_dist: Path, tmp_path: Path
) -> None:
    (plugin_dist / "entry_points.txt").write_text("[regen.generators]\nbad = regen_shout:broken\n")
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    config = parse_config(
        {"regions": {uuid: {"generator": "bad"}}}, root=tmp_path, file="regen.toml"
    )
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    with pytest.raises(RegenError) as caught:
        update_text(page, config=config, registry=default_registry())
    assert str(caught.value) == (
        "regen_shout:broken: cannot load plugin generator 'bad': cannot start "
        "(fix or uninstall the plugin)"
    )


def test_unknown_generator_names_the_known_ones(tmp_path: Path) -> None:
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    config = parse_config(
        {"regions": {uuid: {"generator": "tabel"}}},
        root=tmp_path,
        file="regen.toml",
        text=f'[regions."{uuid}"]\ngenerator = "tabel"\n',
    )
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    with pytest.raises(RegenError) as caught:
        update_text(page, config=config, registry=builtin_registry())
    assert str(caught.value) == (
        f"regen.toml:2: regions.\"{uuid}\".generator: unknown generator 'tabel' "
        "(known generators: blurb, carriers, keep, pins, skus, table)"
    )


def test_keep_leaves_the_body_and_rejects_options(tmp_path: Path) -> None:
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n\n anything \n\n<!-- END shared-blurb -->\n"
    keep = parse_config({"regions": {uuid: {"generator": "keep"}}}, root=tmp_path, file="r.toml")
    assert update_text(page, config=keep) == page
    bad = parse_config(
        {"regions": {uuid: {"generator": "keep", "source": "x.csv"}}}, root=tmp_path, file="r.toml"
    )
    with pytest.raises(RegenError) as caught:
        update_text(page, config=bad)
    assert (
        str(caught.value) == f'r.toml: regions."{uuid}".source: unknown key (it takes no options)'
    )


@pytest.mark.parametrize(
    "master",
    [
        "text\n{{!-- END shared-blurb --}}\nmore\n",  # a marker line
        "text\n```\ncode, and the fence is never closed\n",  # would hide the END marker
        "   <!-- BEGIN shared-blurb b69a2546-9baa-11ec-b909-0242ac120002 -->\n",
    ],
)
def test_a_body_that_would_change_how_the_page_is_read_is_refused(
    tmp_path: Path, master: str
) -> None:
    uuid = "97fa98d2-9baa-11ec-b909-0242ac120002"
    blurbs = tmp_path / "sources" / "blurbs"
    blurbs.mkdir(parents=True)
    (blurbs / f"{uuid}.md").write_text(master)
    config = parse_config({}, root=tmp_path, file="regen.toml")
    page = f"{{{{!-- BEGIN shared-blurb {uuid} --}}}}\n{{{{!-- END shared-blurb --}}}}\n"
    with pytest.raises(RegenError) as caught:
        update_text(page, config=config)
    assert str(caught.value) == (
        f"sources/blurbs/{uuid}.md: the text built for region {uuid} holds a marker line or an "
        "unclosed code fence, which would change how the page is read "
        "(remove the marker line, or close the fence)"
    )


def test_a_closed_fence_in_a_body_is_fine(tmp_path: Path) -> None:
    uuid = "97fa98d2-9baa-11ec-b909-0242ac120002"
    blurbs = tmp_path / "sources" / "blurbs"
    blurbs.mkdir(parents=True)
    master = "```\n{{!-- END shared-blurb --}}\n```\n"
    (blurbs / f"{uuid}.md").write_text(master)
    config = parse_config({}, root=tmp_path, file="regen.toml")
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    assert update_text(page, config=config) == (
        f"<!-- BEGIN shared-blurb {uuid} -->\n{master}<!-- END shared-blurb -->\n"
    )


def test_plugin_body_without_final_newline_gets_one(plugin_dist: Path, tmp_path: Path) -> None:
    (plugin_dist.parent / "regen_shout.py").write_text(
        "from regen.generators import Job\n"
        "class Shout:\n"
        "    summary = 'x'\n"
        "    def prepare(self, context):\n"
        "        return Job((), lambda: 'no newline')\n"
    )
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    config = parse_config(
        {"regions": {uuid: {"generator": "shout"}}}, root=tmp_path, file="regen.toml"
    )
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    assert update_text(page, config=config, registry=default_registry()) == (
        f"<!-- BEGIN shared-blurb {uuid} -->\nno newline\n<!-- END shared-blurb -->\n"
    )


def test_a_failing_plugin_is_a_problem_not_a_crash(plugin_dist: Path, tmp_path: Path) -> None:
    (plugin_dist.parent / "regen_shout.py").write_text(
        "class Shout:\n"
        "    summary = 'x'\n"
        "    def prepare(self, context):\n"
        "        raise KeyError('oops')\n"
    )
    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    text = f'[regions."{uuid}"]\ngenerator = "shout"\n'
    config = parse_config(
        {"regions": {uuid: {"generator": "shout"}}}, root=tmp_path, file="regen.toml", text=text
    )
    page = f"<!-- BEGIN shared-blurb {uuid} -->\n<!-- END shared-blurb -->\n"
    with pytest.raises(RegenError) as caught:
        update_text(page, config=config, registry=default_registry())
    assert str(caught.value) == (
        f"regen.toml:1: regions.\"{uuid}\": plugin generator 'shout' failed: KeyError: 'oops' "
        "(this is a bug in the plugin; report it to its authors)"
    )
