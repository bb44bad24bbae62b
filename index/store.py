"""Where an index lives on disk, and how a new one replaces the old safely.

An index path is a symbolic link to one *generation* folder beside it
(``INDEX.generations/<name>``).  A rebuild or update writes a complete new
generation and then swaps the link in one atomic rename, so a reader sees the
old index or the new one, never a half-written one; a killed build leaves only
an orphan folder that the next writer removes as it starts.  A writer deletes
only generations it can prove it made (:func:`made_by_cables`) and writes
only where nothing is or over its own link (:func:`check_target`).  The
generation before the current one is kept, so searches that opened it just
before a swap finish.

Each generation holds a marker file with the schema version, each file's size
and checksum: the engine opens only folders it made itself, and refuses one
whose files changed (:mod:`cables.index.integrity`; reading one runs no code in any
case, :mod:`cables.index.unpickling`).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

MARKER = "cables-index.json"
STAMP = "cables-generation"
GENERATIONS_SUFFIX = ".generations"
GENERATION_NAME = re.compile(r"\d{8}T\d{6}-\d+-\d+")
WHOOSH_FOLDER = "whoosh"
ENV_VARIABLE = "CABLES_INDEX"
# 14: segments are written with cables.index.codec.ArrayCodec (posting lists
# once, as arrays in the whoosh folder; no W3 blocks), so older indexes need a rebuild.
# 15: posting lists' documents are one-byte gaps with exceptions (cables.index.termarrays).
# 16: each segment field's posting arrays are one pack file (cables.index.termarrays).
SCHEMA_VERSION = 16
"""The layout of an index generation (whoosh schema, record store, arrays); a marker of another version is refused."""


class IndexUnavailable(Exception):
    """An index that is missing, foreign, damaged or locked; the message says what to do."""


class NothingIndexed(Exception):
    """A build found no readable cable; the previous index is kept."""


class BadLocation(ValueError):
    """An index path that can never name an index (``/``, ``.``, an empty string): a usage error."""


def default_location() -> Path:
    """``$CABLES_INDEX``, else ``$XDG_DATA_HOME/cables/index`` (``~/.local/share`` by default), made absolute."""
    if os.environ.get(ENV_VARIABLE):
        return index_location(os.environ[ENV_VARIABLE])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return index_location(Path(data_home) / "cables" / "index")


def index_location(given: str | os.PathLike) -> Path:
    """An index path as given by the user, made absolute once so that nothing later depends on the current folder.

    The folders above the index are resolved; the index path itself is not,
    because it is the link that cables swaps.  A path with no name of its own
    (``/``, ``.``, ``..``, empty) raises :class:`BadLocation`.
    """
    text = os.fspath(given)
    path = Path(text).expanduser()
    if not text.strip() or path.name in ("", ".", ".."):
        raise BadLocation(f"index path {text!r} names no folder of its own; give a new path such as ./cables-index")
    absolute = Path.cwd() / path
    return Path(os.path.realpath(absolute.parent)) / absolute.name


def _is_loop(path: Path) -> bool:
    """True when following ``path`` never ends (a symbolic link loop)."""
    try:
        os.stat(path)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def _is_our_link(location: Path) -> bool:
    """True when ``location`` is a link cables made: it names one generation folder beside it, in the form publish writes."""
    if not location.is_symlink():
        return False
    generations, _, name = os.readlink(location).partition("/")
    return generations == generations_folder(location).name and GENERATION_NAME.fullmatch(name) is not None


MAX_INDEX_PATH = 400
"""The longest index path taken: its generations' files (``cables.sqlite`` in a dated folder) must stay within
SQLite's limit of 512 characters for a database's path."""


def check_target(location: Path) -> None:
    """Refuse to write an index at ``location`` unless nothing is there or it is a link cables made.

    Called before any work and again just before the link is swapped, so a
    folder, a file or a link of the user's is never replaced or deleted.
    """
    length = len(str(location.absolute()))
    if length > MAX_INDEX_PATH:
        raise IndexUnavailable(
            f"index path {str(location)[:60]}... is {length:,} characters long; "
            f"the index's files need a path of at most {MAX_INDEX_PATH}: give --index a shorter one"
        )
    if _is_loop(location):
        raise IndexUnavailable(f"index path {location} is a symbolic link loop; give --index a path that does not exist yet")
    blocking = next((parent for parent in location.parents if parent.exists() or parent.is_symlink()), None)
    if blocking is not None and not blocking.is_dir():
        raise IndexUnavailable(f"index path {location}: {blocking} is a file, not a folder; give --index a path inside a folder")
    if location.is_symlink() and not _is_our_link(location):
        raise IndexUnavailable(
            f"index path {location} is a symbolic link cables did not make (to {os.readlink(location)}); "
            "cables never replaces it: give --index a path that does not exist yet"
        )
    if not location.is_symlink() and location.exists():
        kind = "folder" if location.is_dir() else "file"
        raise IndexUnavailable(
            f"index path {location} is a {kind} that is not a cables index (cables made none there); "
            "cables never writes over it: give --index a path that does not exist yet"
        )
    generations = generations_folder(location)
    if generations.is_symlink() or (generations.exists() and not generations.is_dir()):
        raise IndexUnavailable(f"{generations} is not a folder cables made for index generations; move it away or choose another --index")


def generations_folder(location: Path) -> Path:
    """The folder beside ``location`` that holds its generations."""
    return location.with_name(location.name + GENERATIONS_SUFFIX)


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
    """Every file of a generation (but the marker and whoosh's lock) with its size, to detect damage.

    Only regular files inside the folder are listed, never a link, so the list names nothing outside it.
    """
    return {
        str(path.relative_to(folder)): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink() and path.name not in (MARKER, "MAIN_WRITELOCK")
    }


def check_files(folder: Path, marker: Marker, location: Path) -> None:
    """Refuse a generation whose files are missing, not regular files (a link, a pipe, a device) or changed in size since it
    was built, or whose marker names a path outside it.

    One ``os.stat`` per file on plain strings: a full-size index has hundreds
    of files, and every search process checks them all before it reads one.
    """
    base = os.fspath(folder)
    for name, size in marker.files.items():
        if name.startswith("/") or ".." in name.split("/"):
            raise IndexUnavailable(
                f"index {location} is damaged (its marker names {name!r}, outside the index); rebuild it with 'cables rebuild'"
            )
        try:
            found = os.lstat(f"{base}/{name}")  # not followed: the build writes no links, so a link is a planted file
        except OSError:
            raise IndexUnavailable(f"index {location} is damaged ({name} is missing); rebuild it with 'cables rebuild'") from None
        if not S_ISREG(found.st_mode):
            raise IndexUnavailable(f"index {location} is damaged ({name} is not a regular file); rebuild it with 'cables rebuild'")
        if found.st_size != size:
            raise IndexUnavailable(
                f"index {location} is damaged ({name} is {found.st_size} bytes, was {size}); rebuild it with 'cables rebuild'"
            )


def current_generation(location: Path) -> Path:
    """The generation folder an index path points at, checked to be ours and current."""
    return open_generation(location)[0]


def open_generation(location: Path) -> tuple[Path, Marker]:
    """The generation folder an index path points at, checked to be ours and current, and its marker (read once)."""
    if _is_loop(location):
        raise IndexUnavailable(f"index path {location} is a symbolic link loop; point --index at an index")
    if not location.exists() and not location.is_symlink():
        raise IndexUnavailable(f"no index at {location}; build one with 'cables rebuild'")
    folder = location.resolve()
    if not (folder / MARKER).is_file():
        raise IndexUnavailable(
            f"{location} is not a cables index (no {MARKER}); refusing to open it. "
            "Rebuild with 'cables rebuild --index DIR' into a new folder"
        )
    return folder, read_marker(folder, location)


def read_marker(folder: Path, location: Path | None = None) -> Marker:
    """Read a generation's marker: a damaged one or one of another schema version is reported, not raised raw."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        version = data.get("schema_version")
    except (OSError, ValueError, AttributeError) as error:
        raise IndexUnavailable(f"index marker in {folder} is damaged ({error}); rebuild with 'cables rebuild'") from None
    if not isinstance(version, int):
        raise IndexUnavailable(f"{location or folder} is not a cables index: its {MARKER} gives no schema version number")
    if version != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"index {location or folder} has schema version {version}, this engine needs {SCHEMA_VERSION}; rebuild it with 'cables rebuild'"
        )
    try:
        return Marker(**data)
    except TypeError as error:
        raise IndexUnavailable(f"index marker in {folder} is damaged ({error}); rebuild with 'cables rebuild'") from None


def new_generation(location: Path) -> Path:
    """A fresh generation folder beside ``location``, holding only the stamp that proves cables made it."""
    parent = generations_folder(location)
    parent.mkdir(exist_ok=True)
    folder = parent / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder.mkdir()
    with open(folder / STAMP, "x", encoding="utf-8") as stamp:
        stamp.write(_stamp_text(folder))
    return folder


def _stamp_text(folder: Path) -> str:
    """What the stamp of a generation folder says: which generation of which index it is."""
    return f"cables index generation {folder.name} in {folder.parent.name}\n"


def made_by_cables(location: Path, folder: Path) -> bool:
    """True only for a generation cables made for ``location``: its place, its name's pattern and its stamp's content."""
    if folder.parent != generations_folder(location) or not GENERATION_NAME.fullmatch(folder.name):
        return False
    if folder.is_symlink() or not folder.is_dir():
        return False
    try:
        descriptor = os.open(folder / STAMP, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(descriptor, "rb") as stamp:
        return stamp.read(512) == _stamp_text(folder).encode("utf-8")


def is_generation(folder: Path) -> bool:
    """True for a folder that is, or links to, a generation cables made, proved as :func:`made_by_cables` proves it."""
    real = folder.resolve()
    generations = real.parent
    if not generations.name.endswith(GENERATIONS_SUFFIX):
        return False
    return made_by_cables(generations.with_name(generations.name.removesuffix(GENERATIONS_SUFFIX)), real)


def publish(location: Path, folder: Path) -> None:
    """Point ``location`` at ``folder`` atomically, then drop generations older than the previous."""
    check_target(location)
    previous = location.resolve() if location.is_symlink() else None
    link = location.with_name(f".{location.name}.link-{os.getpid()}")
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(folder, location.parent))
    os.replace(link, location)
    _fsync_folder(location.parent)
    remove_stale_generations(location, keep={folder, previous})


def remove_stale_generations(location: Path, keep: set[Path | None] | None = None) -> None:
    """Remove the generations cables made for ``location`` that are neither kept nor being built right now.

    With ``keep`` None (a writer starting) every finished generation stays and
    only what killed builds left goes: their folders and the partly written
    segments inside them, so the new build has that disk back before it starts.
    Anything not proven by :func:`made_by_cables` is never touched.
    """
    parent = generations_folder(location)
    if not parent.is_dir() or parent.is_symlink():
        return
    kept = {path.name for path in keep or () if path is not None}
    for folder in parent.iterdir():
        finished = (folder / MARKER).exists()
        if folder.name in kept or (keep is None and finished) or not made_by_cables(location, folder):
            continue
        if not (_only_its_own_files(folder) if finished else _only_build_files(folder)):
            continue
        if finished or not _builder_alive(folder):
            import shutil  # here, not above: a search never removes a generation, and shutil brings bz2 and lzma

            shutil.rmtree(folder, ignore_errors=True)


BUILD_FILE = re.compile(
    r"(cables-generation|cables-index\.json|cables\.sqlite(-journal|-wal|-shm)?|stems\.tsv|stems\.offsets\.npy|variants\.json"
    r"|columns/\w+\.(npy|json)|postings/segments\.json(\.new)?"
    r"|whoosh/(_?MAIN_\w+(\.\w+)*|\w+\.tmp/\w+\.(run|ctmp|tmp|\w+)))"
)
"""The files a build writes (its temporary ones too), by path inside the generation: what an unfinished one may hold."""


def _only_build_files(folder: Path) -> bool:
    """True when every file under an unfinished generation is named as a build names its files.

    A killed build leaves no record of what it wrote, so names stand in for
    one: a note saved among its leftovers (``notes.md``) is not one of them,
    and the generation holding it is kept.
    """
    return all(BUILD_FILE.fullmatch(str(path.relative_to(folder))) for path in folder.rglob("*") if path.is_symlink() or not path.is_dir())


def _only_its_own_files(folder: Path) -> bool:
    """True when every file under a finished generation is one its build recorded in the marker.

    A file someone put there (notes, a copy) was not made by cables, so the
    generation holding it is kept rather than removed with it; ``cables
    check`` names such a file.
    """
    try:
        recorded = set(json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all(
        name in recorded or Path(name).name in (MARKER, STAMP, "MAIN_WRITELOCK")
        for name in (str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_symlink() or not path.is_dir())
    )


def _builder_alive(folder: Path) -> bool:
    """True while the process that names an unfinished generation folder is still running."""
    return _process_alive(int(folder.name.split("-")[1]))


def _process_alive(pid: int) -> bool:
    """True while process ``pid`` runs (this one included); a zombie, which has ended, counts as gone."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


_HELD_LOCKS: list = []


def _forget_locks_in_child() -> None:
    """In a forked worker, close the inherited writer lock.

    An flock belongs to the open file, which fork shares: a worker that kept
    it open would keep the index locked after its parent died.
    """
    for handle in _HELD_LOCKS:
        handle.close()
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_forget_locks_in_child)


def lock_path(location: Path) -> Path:
    """The writer lock file of an index: beside it, hidden; it exists only while a writer runs."""
    return location.with_name(f".{location.name}.lock")


@contextmanager
def writer_lock(location: Path) -> Iterator[None]:
    """Hold the index's writer lock; a second writer fails at once with a clear message.

    The target is checked first, so a refused ``--index`` leaves nothing
    behind; the lock file is removed when the writer ends.
    """
    check_target(location)
    location.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(location)
    with _folder_guard(location.parent):
        handle = _acquire(path, location)
    _HELD_LOCKS.append(handle)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        yield
    finally:
        _HELD_LOCKS.remove(handle)
        if _is_open_file(handle, path):
            path.unlink()
        handle.close()


LOCK_TEXT = re.compile(r"(process \d+)?")
"""What a lock file cables made holds: nothing yet, or the writer's process id."""


def _open_lock(path: Path, location: Path):
    """Open (or make) the lock file without following a link; refuse anything that is not a lock file cables made.

    A link, a folder, a pipe or a file holding anything but a writer's
    process id stands where the lock goes: it is not cables's to write over
    or delete, so the writer stops and says so.
    """
    refusal = f"index {location}: {path} is in the way of its writer lock"
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        reason = "a symbolic link" if error.errno == errno.ELOOP else (error.strerror or str(error)).lower()
        raise IndexUnavailable(f"{refusal} ({reason}); move it away or choose another --index") from None
    handle = os.fdopen(descriptor, "r+", encoding="utf-8", errors="replace")
    if not S_ISREG(os.fstat(descriptor).st_mode):
        handle.close()
        raise IndexUnavailable(f"{refusal} (not a plain file); move it away or choose another --index")
    if not LOCK_TEXT.fullmatch(handle.read(64).strip()):
        handle.close()
        raise IndexUnavailable(f"{refusal} (a file cables did not make); move it away or choose another --index")
    return handle


def _is_open_file(handle, path: Path) -> bool:
    """Whether ``path`` is still the very file ``handle`` has open (not replaced or removed meanwhile)."""
    try:
        return os.path.samestat(os.fstat(handle.fileno()), path.lstat())
    except OSError:
        return False


@contextmanager
def _folder_guard(folder: Path) -> Iterator[None]:
    """Serialise lock taking in one folder, so a take-over never removes a lock file another writer just made."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _acquire(path: Path, location: Path):
    """Lock ``path`` (made if missing) and return its open file; a live holder fails, a dead one is taken over.

    A holder that has died can still hold the flock through a process that
    inherited it; its lock file is then unlinked and a fresh one taken.  A
    file unlinked by a finishing writer is noticed (another inode) and retried.
    """
    while True:
        handle = _open_lock(path, location)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            pid = int(holder.split()[-1]) if holder.startswith("process ") and holder.split()[-1].isdigit() else None
            if pid is None or _process_alive(pid):
                raise IndexUnavailable(
                    f"index {location} is being written by {holder or 'another process'}; try again when it has finished"
                ) from None
            print(
                f"cables: note: index {location} was locked by process {pid}, which is no longer running; taking the lock over",
                file=sys.stderr,
            )
            path.unlink(missing_ok=True)
            continue
        if _is_open_file(handle, path):
            return handle
        handle.close()
