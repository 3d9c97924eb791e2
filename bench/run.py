"""`make bench`: regen against the floor and cog on generated corpora, as ratios measured
side by side in one run. Writes BENCHMARKS.md.

    python bench/run.py [--pages 3000 30000] [--repeat 5] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import build
from least import least

PYTHON = sys.executable
REGEN = [PYTHON, "-m", "regen"]
FLOOR = [PYTHON, str(Path(__file__).parent / "floor.py"), "docs"]
# Every command runs as an installed program would: with its modules' bytecode. pip compiles
# a package when it installs it (click's is there), but an editable install is compiled only
# by running it, and never where PYTHONDONTWRITEBYTECODE is set (as on some CI machines):
# then every run would compile regen's sources first, and the pre-commit case would measure
# the compiler.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def compile_regen() -> None:
    import regen

    package = Path(regen.__file__).parent
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(package)], env=ENV, check=True)


@dataclass
class Sample:
    name: str
    times: list[float]
    rss_mb: float
    codes: set[int]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def spread(self) -> str:
        return f"{min(self.times):.3f}–{max(self.times):.3f}"


def measure(
    name: str,
    command: Sequence[str],
    cwd: Path,
    repeat: int,
    before: Callable[[int], None] | None = None,
) -> Sample:
    """Run `command` `repeat` times; its wall time and the peak memory of its process."""
    sample = Sample(name, [], 0, set())
    for turn in range(repeat):
        if before is not None:
            before(turn)
        _run_once(sample, command, cwd)
    return sample


def side_by_side(
    commands: Sequence[tuple[str, Sequence[str]]],
    cwd: Path | Sequence[Path],
    repeat: int,
    before: Callable[[int], None] | None = None,
) -> list[Sample]:
    """Run the commands in turn, `repeat` rounds: a ratio of two of them then compares runs
    made under the same conditions (this machine's speed wanders by a third over seconds).
    `cwd`: one folder for all, or one for each; `before(index)` runs before each command."""
    folders = [cwd] * len(commands) if isinstance(cwd, Path) else list(cwd)
    samples = [Sample(name, [], 0, set()) for name, _ in commands]
    for _ in range(repeat):
        for index, (sample, (_, command)) in enumerate(zip(samples, commands, strict=True)):
            if before is not None:
                before(index)
            _run_once(sample, command, folders[index])
    return samples


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def can_drop_caches() -> bool:
    """Whether this process may empty the kernel's file cache (Linux, as root)."""
    try:
        drop_caches()
    except OSError:
        return False
    return True


def drop_caches() -> None:
    """Empty the kernel's file cache, as after a reboot: every file is read from disk again."""
    os.sync()  # only what is on disk can be dropped
    DROP_CACHES.write_text("3\n", encoding="ascii")


def _run_once(sample: Sample, command: Sequence[str], cwd: Path) -> None:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    sample.times.append(time.perf_counter() - start)
    sample.codes.add(os.waitstatus_to_exitcode(status))
    sample.rss_mb = max(sample.rss_mb, usage.ru_maxrss / 1024)  # KiB on Linux


def cog_available() -> bool:
    if shutil.which("cog") or (Path(PYTHON).parent / "cog").exists():
        return True
    done = subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "cogapp"], capture_output=True, check=False
    )
    return done.returncode == 0


def cog_corpus(regen_root: Path, target: Path) -> None:
    """The same pages with each region as a cog block whose code prints the same body."""
    from regen.scan import scan_text

    if target.exists():
        shutil.rmtree(target)
    (target / "bodies").mkdir(parents=True)
    bodies: dict[str, int] = {}
    for page in sorted((regen_root / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        out: list[str] = []
        for part in scan_text(text, page.name).parts:
            if isinstance(part, str):
                out.append(part)
                continue
            number = bodies.setdefault(part.body, len(bodies))
            body_file = target / "bodies" / f"{number}.md"
            if not body_file.exists():
                body_file.write_text(part.body, encoding="utf-8")
            out.append(
                "<!-- [[[cog\nimport cog\n"
                f"cog.out(open('bodies/{number}.md', encoding='utf-8').read())\n]]] -->\n"
                f"{part.body}<!-- [[[end]]] -->\n"
            )
        (target / page.name).write_text("".join(out), encoding="utf-8")
    names = sorted(p.name for p in target.glob("*.md"))
    (target / "files.txt").write_text("\n".join(names) + "\n", encoding="utf-8")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        memory = int(re.findall(r"\d+", info.readline())[0]) // (1024 * 1024)
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} GiB; Linux {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def commit(root: Path) -> None:
    """The corpus as a git repository with one commit. git packs 30,000 loose objects in the
    background after a commit (a core busy for the first ten seconds of timing): not here."""
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    quiet = ["-c", "gc.auto=0", "-c", "maintenance.auto=false"]
    for command in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "corpus"],
    ):
        subprocess.run(["git", *identity, *quiet, *command], cwd=root, check=True)


@dataclass
class Size:
    """The samples of one corpus: with its files in memory, and read from disk (None where
    the file cache could not be dropped)."""

    samples: list[Sample]
    from_disk: list[Sample] | None
    least: list[str]  # the table of bench/least.py, files in memory


def run_size(pages: int, repeat: int, work: Path, with_cog: bool) -> Size:
    root = work / f"corpus-{pages}"
    print(f"building {pages} pages ...", flush=True)
    build(root, pages)
    subprocess.run([*REGEN, "--no-cache", "update", "-q"], cwd=root, check=True)
    commit(root)  # a docs site is a git repository: discovery and the pre-commit case use git
    os.sync()  # written to disk before anything is timed
    cache = root / ".regen-cache"
    shutil.rmtree(cache, ignore_errors=True)
    carriers = root / "sources" / "carriers" / "carriers.csv"
    original = carriers.read_text(encoding="utf-8")

    # The two commands of a tenth of a second are compared with each other: more runs, so that
    # their medians do not follow this machine's noise (a spread of 30% in five runs).
    quick = max(15, 3 * repeat)

    def cold(_: int) -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def one_cell(turn: int) -> None:
        text = original if turn % 2 else original.replace("Canada,Telus,", "Canada,Telus Mobility,")
        carriers.write_text(text, encoding="utf-8")

    samples = [
        measure("floor (read + one regex)", FLOOR, root, repeat),
        measure("regen check, cold (no cache)", [*REGEN, "check", "-q"], root, repeat, cold),
        measure("regen check, warm", [*REGEN, "check", "-q"], root, repeat),
        measure("regen update, nothing to do", [*REGEN, "update", "-q"], root, repeat),
        measure(
            "regen update, one source cell changed",
            [*REGEN, "update", "-q"],
            root,
            repeat,
            one_cell,
        ),
    ]
    click, affected = side_by_side(
        [
            ("python -c 'import click'", [PYTHON, "-c", "import click"]),
            (
                "regen check --affected one page (pre-commit)",
                [*REGEN, "check", "-q", "--affected", "docs/page-00017.md"],
            ),
        ],
        root,
        quick,
    )
    samples[1:1] = [click]
    samples.append(affected)
    carriers.write_text(original, encoding="utf-8")
    subprocess.run([*REGEN, "update", "-q"], cwd=root, check=True)
    commands: list[tuple[str, Sequence[str]]] = [
        ("floor (read + one regex)", FLOOR),
        ("regen check, cold (no cache)", [*REGEN, "check", "-q"]),
        ("regen check, warm", [*REGEN, "check", "-q"]),
    ]
    folders = [root, root, root]
    if with_cog:
        cog_root = work / f"cog-{pages}"
        cog_corpus(root, cog_root)
        os.sync()
        cog = [shutil.which("cog") or str(Path(PYTHON).parent / "cog"), "--check", "@files.txt"]
        samples.append(measure("cog --check", cog, cog_root, repeat))
        commands.append(("cog --check", cog))
        folders.append(cog_root)
    print(f"the least a cold check of {pages} pages could take ...", flush=True)
    steps = least(root).markdown()
    if not can_drop_caches():
        return Size(samples, None, steps)

    def from_disk(index: int) -> None:
        if commands[index][0] == "regen check, cold (no cache)":
            shutil.rmtree(cache, ignore_errors=True)
        drop_caches()

    subprocess.run([*REGEN, "check", "-q"], cwd=root, check=True)  # the warm run's cache
    print(f"the same, {pages} pages, each run after the file cache is dropped ...", flush=True)
    return Size(samples, side_by_side(commands, folders, repeat, from_disk), steps)


def table(samples: Sequence[Sample], floor: float) -> list[str]:
    lines = [
        "| Command | Median (s) | Spread (s) | × floor | Peak RSS (MB) | Exit |",
        "| :--- | ---: | ---: | ---: | ---: | :--- |",
    ]
    for sample in samples:
        lines.append(
            f"| {sample.name} | {sample.median:.3f} | {sample.spread()} | "
            f"{sample.median / floor:.2f} | {sample.rss_mb:.0f} | "
            f"{', '.join(map(str, sorted(sample.codes)))} |"
        )
    return lines


def against_cog(samples: Sequence[Sample]) -> list[str]:
    by_name = {s.name: s for s in samples}
    if "cog --check" not in by_name:
        return []
    cold = by_name["regen check, cold (no cache)"].median
    return [f"- cog --check: {by_name['cog --check'].median / cold:.2f}× regen's cold check."]


LEAST = """\
### The least a cold check could take

`bench/least.py`: the steps a cold check cannot skip, each timed alone as its fastest run in a
warm process, with scanning and planning free. What a cold check costs beyond these sums is
its scanning, planning and counting of the pages, and the workers' start and merge.
"""

FROM_DISK = """\
### Read from disk

The same commands, each run after the kernel's file cache is emptied (`sync; echo 3 >
/proc/sys/vm/drop_caches`), as on the first run after a reboot: the pages, the sources and
Python's own modules are read from disk. Ratios are against the floor measured so, in the
same rounds.
"""


def report(results: dict[int, Size]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (`bench/run.py`): corpora built from a seed, every command run in a",
        "fresh process, several times; the median and the spread (fastest–slowest) of its wall",
        "time, and its peak memory (RSS). Ratios are against the floor, measured in the same run.",
        "Each corpus is a git repository, as a docs site is; regen's modules are byte-compiled",
        "first, as pip compiles an installed package (and click's modules are).",
        "",
        f"Machine: {machine()}.",
        "",
    ]
    for pages, size in results.items():
        samples = size.samples
        by_name = {s.name: s for s in samples}
        click = by_name["python -c 'import click'"].median
        affected = by_name["regen check --affected one page (pre-commit)"].median
        lines += [f"## {pages:,} pages", "", "### Files in memory", ""]
        lines += table(samples, samples[0].median)
        lines += ["", f"- pre-commit check: {affected / click:.2f}× `import click`."]
        lines += against_cog(samples)
        lines += ["", LEAST, *size.least, ""]
        if size.from_disk is None:
            lines += [
                "### Read from disk",
                "",
                "Not measured: emptying the kernel's file cache takes root on Linux.",
                "",
            ]
        else:
            lines += [FROM_DISK]
            lines += table(size.from_disk, size.from_disk[0].median)
            lines += ["", *against_cog(size.from_disk), ""]
    if len(results) == 2:
        small, large = (results[k].samples for k in sorted(results))
        cold = "regen check, cold (no cache)"
        small_cold = next(s for s in small if s.name == cold)
        large_cold = next(s for s in large if s.name == cold)
        lines += [
            f"From {min(results):,} to {max(results):,} pages, a cold check takes "
            f"{large_cold.median / small_cold.median:.1f}× the time and "
            f"{large_cold.rss_mb / small_cold.rss_mb:.2f}× the memory.",
            "",
        ]
    findings = Path(__file__).parent / "findings.md"
    lines += ["", findings.read_text(encoding="utf-8")]
    return "\n".join(lines)


LIMITS_INTRO = """
## Large inputs

`bench/limits.py`: each in a fresh tree, `regen update` (cold) then `regen check` (warm).
Time and memory stay bounded; the peak memory of a huge page or source is a few times its
size (the bytes, the text, and the rewritten text; the table of a CSV).

"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "BENCHMARKS.md")
    parser.add_argument("--no-cog", action="store_true")
    args = parser.parse_args(argv)
    with_cog = not args.no_cog and cog_available()
    compile_regen()
    results: dict[int, Size] = {}
    with tempfile.TemporaryDirectory(prefix="regen-bench-") as work:
        for pages in args.pages:
            repeat = args.repeat if pages <= 5000 else max(3, args.repeat // 2)
            results[pages] = run_size(pages, repeat, Path(work), with_cog)
            print(report({pages: results[pages]}), flush=True)
    text = report(results)
    limits = subprocess.run(
        [PYTHON, str(Path(__file__).parent / "limits.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    text += LIMITS_INTRO + limits.stdout
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
