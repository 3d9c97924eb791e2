"""Write changed pages atomically: a temp file in the same folder, then os.replace."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from regen.errors import RegenError


def write_atomic(file: Path, data: bytes, shown: str) -> None:
    """Replace `file` with `data` so that a reader (or a crash) sees the old or the new bytes,
    never a mix. The file keeps its permission bits; a symlinked page stays a symlink (its
    target is replaced)."""
    file = file.resolve()
    try:
        mode = stat.S_IMODE(file.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".regen-tmp", dir=file.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temp).chmod(mode)
        Path(temp).replace(file)
    except OSError as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
        raise RegenError.at(
            shown,
            None,
            f"cannot write: {exc.strerror or exc}",
            "check free space and permissions; the page was left as it was",
        ) from None
