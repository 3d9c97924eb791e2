from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from regen.errors import RegenError
from regen.write import PageWrite, _temp_name, remove_leftovers, write_pages


def write_atomic(file: Path, data: bytes, shown: str, expected: bytes) -> None:
    """Write one page as every run writes its pages."""
    write_pages([PageWrite(file, data, shown, expected)])


def test_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_bytes(b"old")
    page.chmod(0o640)  # not the temp file's own 0o600: kept, not happened upon
    write_atomic(page, b"new\r\n", "p.md", b"old")
    assert page.read_bytes() == b"new\r\n"
    assert page.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to own a page as another user")
def test_another_users_page_keeps_its_owner_and_every_mode_bit(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_bytes(b"old")
    os.chown(page, 65534, 65534)
    page.chmod(0o6755)  # set-user-ID and set-group-ID, which a change of owner clears
    write_atomic(page, b"new", "p.md", b"old")
    status = page.stat()
    assert (status.st_uid, status.st_gid, status.st_mode & 0o7777) == (65534, 65534, 0o6755)


def test_replaces_the_file_not_its_content(tmp_path: Path) -> None:
    # A reader holding the old file open keeps reading the old bytes: the new ones arrive by
    # rename, never by rewriting in place (which a crash could leave half done).
    page = tmp_path / "p.md"
    page.write_bytes(b"old text")
    with page.open("rb") as reader:
        write_atomic(page, b"new text", "p.md", b"old text")
        assert reader.read() == b"old text"
    assert page.read_bytes() == b"new text"


@pytest.fixture
def readonly_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder holding p.md that cannot be written to: a read-only mount when running as root
    (root ignores permission bits), a folder without write permission otherwise."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        (folder / "p.md").write_bytes(b"old")
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        (folder / "p.md").write_bytes(b"old")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_unwritable_folder_is_one_clear_error(readonly_folder: Path) -> None:
    page = readonly_folder / "p.md"
    with pytest.raises(RegenError) as caught:
        write_atomic(page, b"new", "locked/p.md", b"old")
    reason = "Permission denied" if os.geteuid() != 0 else "Read-only file system"
    assert str(caught.value) == (
        f"locked/p.md: cannot write: {reason} "
        "(check free space and permissions; no page was written)"
    )
    assert page.read_bytes() == b"old"
    assert [p.name for p in readonly_folder.iterdir()] == ["p.md"]


def test_page_changed_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_bytes(b"saved by an editor meanwhile")
    with pytest.raises(RegenError) as caught:
        write_atomic(page, b"new", "p.md", b"what regen read")
    assert (
        str(caught.value)
        == "p.md: changed while regen was running; no page was written (run regen again)"
    )
    assert page.read_bytes() == b"saved by an editor meanwhile"


def test_page_deleted_since_it_was_read_is_not_recreated(tmp_path: Path) -> None:
    with pytest.raises(RegenError) as caught:
        write_atomic(tmp_path / "p.md", b"new", "p.md", b"old")
    assert str(caught.value) == (
        "p.md: cannot write: No such file or directory "
        "(check free space and permissions; no page was written)"
    )
    assert not (tmp_path / "p.md").exists()


def test_interrupted_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "p.md"
    page.write_bytes(b"old")

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(page, b"new", "p.md", b"old")
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]
    assert page.read_bytes() == b"old"


def test_new_files_are_made_with_their_folders(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"old\n")
    new = tmp_path / "sources" / "imported" / "x.csv"
    written = write_pages(
        [
            PageWrite(new, b"a,b\n", "sources/imported/x.csv", None),
            PageWrite(page, b"new\n", "page.md", b"old\n"),
        ]
    )
    assert written == ["sources/imported/x.csv", "page.md"]
    assert new.read_bytes() == b"a,b\n"
    umask = os.umask(0)
    os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in new.parent.iterdir()) == ["x.csv"]  # no temp file left


def test_a_new_file_never_replaces_one(tmp_path: Path) -> None:
    existing = tmp_path / "x.csv"
    existing.write_bytes(b"mine\n")
    with pytest.raises(RegenError, match="already exists"):
        write_pages([PageWrite(existing, b"theirs\n", "x.csv", None)])
    assert existing.read_bytes() == b"mine\n"


def test_folders_made_for_new_files_go_when_nothing_is_written(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"changed meanwhile\n")
    with pytest.raises(RegenError, match="changed while regen was running"):
        write_pages(
            [
                PageWrite(tmp_path / "a" / "b" / "x.csv", b"x\n", "a/b/x.csv", None),
                PageWrite(page, b"new\n", "page.md", b"old\n"),
            ]
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]


NOBODY = 65534


def _as_nobody(write: Callable[[], None]) -> str:
    """Run `write` in a forked child that is user and group 65534 (nobody), with regen's
    modules already loaded: what it raised (its RegenError's text), or '' when it wrote."""
    read, out = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        os.close(read)
        said = b""
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            write()
        except RegenError as exc:
            said = str(exc).encode()
        except BaseException as exc:  # anything else: the test says what
            said = f"unexpected {type(exc).__name__}: {exc}".encode()
        os.write(out, said)
        os._exit(0)
    os.close(out)
    with os.fdopen(read, "rb") as pipe:
        heard = pipe.read().decode()
    os.waitpid(child, 0)
    return heard


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder anyone may write in (pytest's own are its user's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="regen-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to become another user")
def test_a_page_the_user_may_not_write_is_read_only_though_its_folder_is_writable(
    shared_folder: Path,
) -> None:
    """A rename needs only the folder: another user's page would be replaced, and become
    this user's. It is refused as read-only; a page the user may write, by its group, is not."""
    page = shared_folder / "p.md"
    page.write_bytes(b"old")
    page.chmod(0o644)  # root's
    said = _as_nobody(lambda: write_atomic(page, b"new", "p.md", b"old"))
    assert said == (
        "p.md: the page is another user's, and not writable by this one; no page was written"
        " (run regen as its owner (uid 0), or have them let this user write it)"
    )
    assert page.read_bytes() == b"old"
    assert (page.stat().st_uid, len(list(shared_folder.iterdir()))) == (0, 1)
    os.chown(page, 0, NOBODY)
    page.chmod(0o464)  # its owner may not write it, its group (nobody's) may
    assert _as_nobody(lambda: write_atomic(page, b"new", "p.md", b"old")) == ""
    assert page.read_bytes() == b"new"


@pytest.mark.parametrize("name", ["a" * 252 + ".md", "é" * 126 + ".md", "日本" * 41 + ".md"])
def test_a_page_named_near_the_longest_name_allowed_is_written(tmp_path: Path, name: str) -> None:
    """Its temp file's name (`.<page>.<token>.regen-tmp`) would be too long: the page's name
    in it is cut short, at a character's start, and it is still known as regen's."""
    page = tmp_path / name
    page.write_bytes(b"old")
    write_atomic(page, b"new", name, b"old")
    assert page.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == [name]
    temp = _temp_name(page, "0123456789abcdef01234567")
    assert len(temp.encode("utf-8")) <= 255
    assert temp.startswith(".")
    assert temp.endswith(".0123456789abcdef01234567.regen-tmp")
    (tmp_path / temp).write_bytes(b"half a page")  # as a crashed run leaves it
    assert remove_leftovers([tmp_path]) == [tmp_path / temp]
