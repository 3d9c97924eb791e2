"""The library the command line is a thin layer over: regen.check, regen.update, update_text."""

from __future__ import annotations

import pytest

import regen
from regen.model import FileChange, Page, Status
from tests.conftest import TABLE, UUID_A, Repo, region

STALE = region(UUID_A, "old\n")
FRESH = region(UUID_A, TABLE)


def test_check_reports_without_writing(repo: Repo) -> None:
    repo.write("docs/a.md", STALE)
    before = repo.snapshot()
    report = regen.check(config=repo.root / "regen.toml")
    assert report.problems == ()
    assert [c.path for c in report.stale] == ["docs/a.md"]
    assert report.count(Status.STALE) == 1
    assert not report.ok
    assert repo.snapshot() == before


def test_update_writes_and_reports(repo: Repo) -> None:
    repo.write("docs/a.md", STALE)
    report = regen.update(config=repo.root / "regen.toml")
    assert report.written == ("docs/a.md",)
    assert repo.read("docs/a.md") == FRESH
    assert regen.check(config=repo.root / "regen.toml").ok


def test_update_with_a_problem_writes_nothing(repo: Repo) -> None:
    repo.write("docs/a.md", STALE)
    repo.write("docs/b.md", region("0f8fad5b-d9cb-469f-a165-70867728950e", "x\n"))
    before = repo.snapshot()
    report = regen.update(config=repo.root / "regen.toml")
    assert report.written == ()
    assert [p.path for p in report.problems] == ["docs/b.md"]
    assert repo.snapshot() == before


def test_update_finds_the_configuration_from_the_current_folder(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("docs/a.md", STALE)
    monkeypatch.chdir(repo.root / "docs")
    assert regen.update().written == ("docs/a.md",)


def test_update_text(repo: Repo) -> None:
    config = regen.load_config(repo.root / "regen.toml")
    assert regen.update_text("before\n" + STALE + "after", config=config) == (
        "before\n" + FRESH + "after"
    )


def test_update_text_raises_every_problem(repo: Repo) -> None:
    config = regen.load_config(repo.root / "regen.toml")
    text = "{{!-- END shared-blurb --}}\n{{!-- END shared-blurb --}}\n"
    with pytest.raises(regen.RegenError) as caught:
        regen.update_text(text, config=config, path="page.md")
    assert [str(p) for p in caught.value.problems] == [
        "page.md:1: shared-blurb END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)",
        "page.md:2: shared-blurb END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)",
    ]


def test_a_uuid_on_many_pages_is_built_once(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(20):
        repo.write(f"docs/p{n}.md", STALE)
    calls: list[str] = []
    from regen.generators import Context, Job
    from regen.generators.table import TableGenerator

    original = TableGenerator.prepare

    def counting(self: TableGenerator, context: Context) -> Job:
        job = original(self, context)

        def build() -> str | None:
            calls.append(context.spec.uuid)
            return job.build()

        return Job(job.inputs, build)

    monkeypatch.setattr(TableGenerator, "prepare", counting)
    report = regen.update(config=repo.root / "regen.toml")
    assert len(report.written) == 20
    assert calls == [UUID_A]


def test_check_reports_input_problems_instead_of_raising(repo: Repo) -> None:
    report = regen.check([repo.root / "nope.md"], config=repo.root / "regen.toml")
    assert [str(p) for p in report.problems] == [
        f"{repo.root / 'nope.md'}: no such file or folder (check the path)"
    ]
    missing = regen.check(config=repo.root / "gone.toml")
    assert [str(p) for p in missing.problems] == [
        f"{repo.root / 'gone.toml'}: configuration file not found (check the --config path)"
    ]


def test_load_config_takes_a_string(repo: Repo) -> None:
    assert regen.load_config(str(repo.root / "regen.toml")).file == "regen.toml"


def test_a_page_saved_meanwhile_stops_every_write(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b", "c"):
        repo.write(f"docs/{name}.md", STALE)
    # Someone saves b.md between the planning and the writing: no page is written at all.
    from regen import write

    real = write.Staging.stage

    def save_meanwhile(self: write.Staging, page: write.PageWrite) -> None:
        if page.shown == "docs/b.md":
            (repo.root / "docs/b.md").write_text("edited meanwhile\n")
        real(self, page)

    monkeypatch.setattr(write.Staging, "stage", save_meanwhile)
    report = regen.update(config=repo.root / "regen.toml")
    assert report.written == ()
    assert [str(p) for p in report.problems] == [
        "docs/b.md: changed while regen was running; no page was written (run regen again)"
    ]
    assert repo.read("docs/a.md") == STALE
    assert repo.read("docs/b.md") == "edited meanwhile\n"
    assert repo.read("docs/c.md") == STALE
    assert not list((repo.root / "docs").glob(".*.regen-tmp"))


def test_a_run_that_needs_not_every_region_keeps_only_the_pages_it_changes(repo: Repo) -> None:
    for number in range(5):
        repo.write(f"docs/{number}.md", FRESH)
    repo.write("docs/stale.md", STALE)
    config = repo.root / "regen.toml"
    lean = regen.check(config=config, every_region=False)
    full = regen.check(config=config)
    assert [change.path for change in lean.changes] == ["docs/stale.md"]
    assert len(full.changes) == 6
    for report in (lean, full):  # the counts cover every page either way
        assert (report.pages, report.regions) == (6, 6)
        assert (report.count(Status.FRESH), report.count(Status.STALE)) == (5, 1)
    report = regen.update(config=config, every_region=False)
    assert report.written == ("docs/stale.md",)
    assert regen.check(config=config).ok


def test_an_update_keeps_no_text_of_what_it_wrote_but_a_hand_edits(repo: Repo) -> None:
    """What it wrote is on disk: an update of thousands of pages holds none of their texts,
    only the statuses; a hand edit's texts stay, for the diff of what is lost."""
    config = repo.root / "regen.toml"
    repo.write("docs/edited.md", FRESH)
    assert not regen.update(config=config).problems
    repo.write("docs/edited.md", FRESH.replace("Telus", "Telus (hand edit)"))
    repo.write("docs/stale.md", STALE)  # new: stale, not edited (the lock has no entry)
    report = regen.update(config=config, every_region=False)
    assert not report.problems
    assert sorted(report.written) == ["docs/edited.md", "docs/stale.md"]
    (edited,) = (r for change in report.changes for r in change.results if r.status.edited)
    assert "hand edit" in edited.region.body
    assert edited.new_body == TABLE
    for change in report.changes:
        assert change.staged
        assert change.page.source.text == change.new_text == ""
        for result in change.results:
            if not result.status.edited:
                assert result.region.body == result.new_body == ""
                assert result.status is Status.STALE


def test_pages_staged_before_a_problem_is_found_leave_nothing(repo: Repo) -> None:
    # update writes each page to a temp file as soon as it is planned; a problem in a page
    # planned later removes them all, and no page is written.
    repo.write("docs/a.md", STALE)
    repo.write("docs/sub/b.md", STALE)
    repo.write("docs/z.md", "{{!-- END shared-blurb --}}\n")
    report = regen.update(config=repo.root / "regen.toml", every_region=False)
    assert [p.path for p in report.problems] == ["docs/z.md"]
    assert report.written == ()
    assert repo.read("docs/a.md") == repo.read("docs/sub/b.md") == STALE
    assert not list(repo.root.rglob("*.regen-tmp"))


def test_a_crashed_runs_temp_files_are_removed_and_the_new_ones_kept(repo: Repo) -> None:
    repo.write("docs/a.md", STALE)
    repo.write("docs/other/c.md", FRESH)  # a folder where nothing is written this time
    leftover = repo.write("docs/other/.c.md.0a1b2c3d.regen-tmp", "half a page")
    report = regen.update(config=repo.root / "regen.toml", every_region=False)
    assert report.written == ("docs/a.md",)
    assert not leftover.exists()
    assert not list(repo.root.rglob("*.regen-tmp"))


def test_a_page_saved_after_it_was_staged_stops_every_write(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # update writes a page's temp file as soon as it is planned; a save of that page while
    # later pages are planned is still found, before anything is put in place.
    from regen.plan import Planner

    repo.write("docs/a.md", STALE)
    repo.write("docs/b.md", STALE)
    real = Planner.plan_page

    def save_a_while_planning_b(self: Planner, page: Page) -> FileChange:
        if page.document.path == "docs/b.md":
            (repo.root / "docs/a.md").write_text("saved meanwhile\n")
        return real(self, page)

    monkeypatch.setattr(Planner, "plan_page", save_a_while_planning_b)
    report = regen.update(config=repo.root / "regen.toml", every_region=False)
    assert [str(p) for p in report.problems] == [
        "docs/a.md: changed while regen was running; no page was written (run regen again)"
    ]
    assert report.written == ()
    assert repo.read("docs/a.md") == "saved meanwhile\n"
    assert repo.read("docs/b.md") == STALE
    assert not list(repo.root.rglob("*.regen-tmp"))


def test_an_interrupt_while_writing_leaves_no_temp_file(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("docs/a.md", STALE)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("regen.api.lock_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        regen.update(config=repo.root / "regen.toml", every_region=False)
    assert repo.read("docs/a.md") == STALE
    assert not list(repo.root.rglob("*.regen-tmp"))
