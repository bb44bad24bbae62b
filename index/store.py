"""Where an index lives on disk, and how a new one replaces the old safely.

An index path is a symbolic link to one *generation* folder beside it
(``INDEX.generations/<name>``).  A rebuild or update writes a complete new
generation and then swaps the link in one atomic rename, so a reader sees the
old index or the new one, never a half-written one; a killed build leaves only
an orphan folder that the next build removes.  The generation before the
current one is kept, so searches that opened it just before a swap finish.

Each generation holds a marker file with the schema version, each file's size
and checksum: the engine opens only folders it made itself, and refuses one
whose files changed (:mod:`index.integrity`; reading one runs no code in any
case, :mod:`index.unpickling`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from index.schema import SCHEMA_VERSION

MARKER = "cables-index.json"
WHOOSH_FOLDER = "whoosh"
ENV_VARIABLE = "CABLES_INDEX"


class IndexUnavailable(Exception):
    """An index that is missing, foreign, damaged or locked; the message says what to do."""


class NothingIndexed(Exception):
    """A build found no readable cable; the previous index is kept."""


def default_location() -> Path:
    """``$CABLES_INDEX``, else ``$XDG_DATA_HOME/cables/index`` (``~/.local/share`` by default)."""
    if os.environ.get(ENV_VARIABLE):
        return Path(os.environ[ENV_VARIABLE]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "cables" / "index"


def generations_folder(location: Path) -> Path:
    """The folder beside ``location`` that holds its generations."""
    return location.with_name(location.name + ".generations")


@dataclass(frozen=True)
class Marker:
    """What an index says about itself."""

    schema_version: int
    cables: int
    paragraphs: int
    built: str
    files: dict[str, int]
    checksums: dict[str, str] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        """Write the marker into a generation folder."""
        (folder / MARKER).write_text(json.dumps(self.__dict__, indent=1), encoding="utf-8")


def file_sizes(folder: Path) -> dict[str, int]:
    """Every file of a generation (but the marker and whoosh's lock) with its size, to detect damage."""
    return {
        str(path.relative_to(folder)): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in (MARKER, "MAIN_WRITELOCK")
    }


def check_files(folder: Path, marker: Marker, location: Path) -> None:
    """Refuse a generation whose files are missing or changed in size since it was built."""
    for name, size in marker.files.items():
        path = folder / name
        if not path.is_file():
            raise IndexUnavailable(f"index {location} is damaged ({name} is missing); rebuild it with 'cables rebuild'")
        if path.stat().st_size != size:
            raise IndexUnavailable(f"index {location} is damaged ({name} is {path.stat().st_size} bytes, was {size}); rebuild it with 'cables rebuild'")


def current_generation(location: Path) -> Path:
    """The generation folder an index path points at, checked to be ours and current."""
    if not location.exists() and not location.is_symlink():
        raise IndexUnavailable(f"no index at {location}; build one with 'cables rebuild'")
    folder = location.resolve()
    if not (folder / MARKER).is_file():
        raise IndexUnavailable(f"{location} is not a cables index (no {MARKER}); refusing to open it. Rebuild with 'cables rebuild --index DIR' into a new folder")
    read_marker(folder, location)
    return folder


def read_marker(folder: Path, location: Path | None = None) -> Marker:
    """Read a generation's marker: a damaged one or one of another schema version is reported, not raised raw."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        version = data.get("schema_version")
    except (OSError, ValueError, AttributeError) as error:
        raise IndexUnavailable(f"index marker in {folder} is damaged ({error}); rebuild with 'cables rebuild'") from None
    if version != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"index {location or folder} has schema version {version}, this engine needs {SCHEMA_VERSION}; rebuild it with 'cables rebuild'"
        )
    try:
        return Marker(**data)
    except TypeError as error:
        raise IndexUnavailable(f"index marker in {folder} is damaged ({error}); rebuild with 'cables rebuild'") from None


def new_generation(location: Path) -> Path:
    """A fresh, empty generation folder beside ``location``."""
    if location.exists() and not location.is_symlink():
        if not (location / MARKER).exists() and any(location.iterdir()):
            raise IndexUnavailable(f"{location} exists and is not a cables index; choose another --index")
    parent = generations_folder(location)
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder.mkdir()
    return folder


def publish(location: Path, folder: Path) -> None:
    """Point ``location`` at ``folder`` atomically, then drop generations older than the previous."""
    previous = location.resolve() if location.is_symlink() else None
    if location.exists() and not location.is_symlink():
        if (location / MARKER).exists() or not any(location.iterdir()):
            shutil.rmtree(location)
    link = location.with_name(f".{location.name}.link-{os.getpid()}")
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(folder, location.parent))
    os.replace(link, location)
    _fsync_folder(location.parent)
    remove_stale_generations(location, keep={folder, previous})


def remove_stale_generations(location: Path, keep: set[Path | None]) -> None:
    """Remove generation folders that are neither kept nor being built right now."""
    parent = generations_folder(location)
    if not parent.is_dir():
        return
    kept = {path.resolve() for path in keep if path is not None}
    for folder in parent.iterdir():
        if folder.resolve() in kept or (not (folder / MARKER).exists() and _builder_alive(folder)):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _builder_alive(folder: Path) -> bool:
    """True while the process that names an unfinished generation folder is still running."""
    try:
        pid = int(folder.name.split("-")[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def writer_lock(location: Path) -> Iterator[None]:
    """Hold the index's writer lock; a second writer fails at once with a clear message."""
    location.parent.mkdir(parents=True, exist_ok=True)
    lock_path = location.with_name(f".{location.name}.lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexUnavailable(f"index {location} is being written by {holder}; try again when it has finished") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
