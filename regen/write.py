"""Write changed pages atomically: a temp file in the same folder, then os.replace."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from regen.errors import RegenError

TEMP_SUFFIX = ".regen-tmp"


def write_atomic(file: Path, data: bytes, shown: str, expected: bytes) -> None:
    """Replace `file` with `data` so that a reader (or a crash) sees the old or the new bytes,
    never a mix. `expected` is what the page held when it was read: if someone changed it
    since (an editor's save), it is left alone and the run says so.

    The page keeps its permission bits; a symlinked page stays a symlink (its target is
    replaced). A hard-linked page loses its link, as with any editor that saves atomically.
    """
    file = file.resolve()
    temp: Path | None = None
    try:
        mode = stat.S_IMODE(file.stat().st_mode)
        if file.read_bytes() != expected:
            raise RegenError.at(
                shown,
                None,
                "changed while regen was running; left as it is",
                "run regen again",
            )
        fd, name = tempfile.mkstemp(prefix=f".{file.name}.", suffix=TEMP_SUFFIX, dir=file.parent)
        temp = Path(name)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp.chmod(mode)
        temp.replace(file)
        temp = None
    except OSError as exc:
        raise RegenError.at(
            shown,
            None,
            f"cannot write: {exc.strerror or exc}",
            "check free space and permissions; the page was left as it was",
        ) from None
    finally:
        if temp is not None:  # failed or interrupted (Ctrl-C) before the rename
            with contextlib.suppress(OSError):
                temp.unlink()
