"""Large inputs in bounded time and memory: a 100 MB page, a page of 10,000 regions, a 50 MB
CSV source. Prints a Markdown table (`make bench` adds it to BENCHMARKS.md).

    python bench/limits.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UUID = "c9241a2c-76e0-11eb-9439-0242ac130002"
BEGIN = f"{{{{!-- BEGIN do not edit content below, it is automatically generated {UUID} --}}}}\n"
END = f"{{{{!-- END do not edit content above, it is automatically generated {UUID} --}}}}\n"
CONFIG = f"""\
pages = ["docs/*.md"]

[regions."{UUID}"]
generator = "table"
source = "data.csv"
where = {{ model = "B404" }}
sort = ["country"]
columns = ["country", "carrier"]
"""


def run(root: Path, *args: str) -> tuple[float, float, int]:
    """Wall time (s), peak memory (MB) and exit code of `regen ARGS` in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "regen", *args],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode


def tree(root: Path, page: list[tuple[str, int]], rows: int) -> None:
    """The tree; the page is written piece by piece ((text, times) pairs), never held whole:
    a child's peak memory counts what it shared with this process when it was forked."""
    (root / "docs").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "regen.toml").write_text(CONFIG)
    with (root / "sources/data.csv").open("w") as out:
        out.write("country,model,carrier\n")
        out.write("Canada,B404,Telus\nMexico,B404,AT&T\n")
        line = "Narnia,B524," + "x" * 40 + "\n"
        out.write(line * rows)
    with (root / "docs/page.md").open("w") as out:
        for text, times in page:
            for _ in range(times):
                out.write(text)


def main() -> int:
    prose = "A line of prose, kept byte for byte by every run.\n"
    block = prose * 1000
    cases = {  # (the page as (text, times) pieces, how many filler rows the CSV gets)
        "a 100 MB page with 8 regions": ([(block * 260 + BEGIN + END, 8)], 10),
        "a page of 10,000 regions": ([(prose + BEGIN + END, 10_000)], 10),
        "a 50 MB CSV source": ([(prose + BEGIN + END, 1)], 940_000),
    }
    print("| Input | update (s) | update peak RSS (MB) | check again (s) | check RSS (MB) |")
    print("| :--- | ---: | ---: | ---: | ---: |")
    for name, (page, rows) in cases.items():
        with tempfile.TemporaryDirectory(prefix="regen-limits-") as work:
            root = Path(work)
            tree(root, page, rows)
            update = run(root, "update", "-q")
            check = run(root, "check", "-q")
            if update[2] != 0 or check[2] != 0:
                raise SystemExit(f"{name}: regen failed: {update}, {check}")
            print(
                f"| {name} | {update[0]:.2f} | {update[1]:.0f} | {check[0]:.2f} | {check[1]:.0f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
