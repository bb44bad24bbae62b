"""Where an index lives, what cables may delete, locks and signals (issue 13: items 1, 7, 8, 10, 12, 13).

Every test drives the ``cables`` command the way a user meets it: in a
subprocess where signals, kills and other processes matter, else through
click's runner in the folder the command runs in (which is much faster).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import chdir
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cables.index.store import MARKER, generations_folder, lock_path
from cables.search.cli import main
from cables.search.engine import Engine
from tests.helpers import answers, copy_seeds

REPO = Path(__file__).resolve().parent.parent
PROBES = ["security", "oil", "tag:PREL"]


def cli(*args: object, cwd: Path = REPO, env: dict | None = None):
    """Run ``cables`` in this process, in folder ``cwd``: the result has ``exit_code``, ``stdout`` and ``stderr``."""
    with chdir(cwd):
        return CliRunner().invoke(main, list(map(str, args)), env=env, catch_exceptions=False)


def run(*args: object) -> subprocess.CompletedProcess:
    """Run ``cables`` in a fresh process."""
    return subprocess.run([sys.executable, "-m", "cables.search", *map(str, args)], cwd=REPO, capture_output=True, text=True, timeout=300)


def start(*args: object) -> subprocess.Popen:
    """Start ``cables`` in a fresh process without waiting for it."""
    return subprocess.Popen(
        [sys.executable, "-m", "cables.search", *map(str, args)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def one_error_line(stderr: str) -> bool:
    """True when stderr is exactly one ``cables: error:`` line."""
    return stderr.startswith("cables: error: ") and stderr.count("\n") == 1 and "unexpected" not in stderr


def probe(location: Path) -> list:
    return answers(location, PROBES)


def user_files(root: Path) -> dict[str, object]:
    """Every folder, file (with its content) and link under ``root`` except inside index generations: what a user sees."""
    found: dict[str, object] = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.endswith(".generations")]
        for name in folders + files:
            path = Path(folder) / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("folder",)
            else:
                found[key] = ("file", path.read_bytes())
    return found


def unfinished_generations(location: Path) -> list[Path]:
    folder = generations_folder(location)
    return [path for path in folder.iterdir() if not (path / MARKER).exists()] if folder.is_dir() else []


def children(pid: int) -> set[int]:
    """The running child processes of ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture(scope="module")
def few(tmp_path_factory) -> Path:
    """Five seed cables in a folder of their own."""
    return copy_seeds(tmp_path_factory.mktemp("few") / "src", 0, 5)


# Item 1: a user folder is never deleted, whatever file names it holds.


def test_a_user_folder_with_a_file_named_like_the_marker_is_refused_and_kept(tmp_path, few):
    (tmp_path / "x" / "Documents").mkdir(parents=True)
    (tmp_path / "x" / "Documents" / "thesis.txt").write_text("precious\n")
    (tmp_path / "x" / MARKER).write_text("{}\n")
    before = user_files(tmp_path)
    result = cli("rebuild", few, "--index", tmp_path / "x")
    assert result.exit_code == 1 and one_error_line(result.stderr) and "not a cables index" in result.stderr
    assert user_files(tmp_path) == before, "the folder, its files and no lock file: nothing changed"


def test_only_generations_cables_stamped_are_ever_removed(tmp_path, few):
    """Folders in INDEX.generations that cables did not make (even with its file names or name pattern) survive rebuilds."""
    location = tmp_path / "ix"
    assert cli("rebuild", few, "--index", location).exit_code == 0
    generations = generations_folder(location)
    planted = {
        "notes": {"todo.txt": "mine"},
        "20200101T000000-1-1": {MARKER: "{}", "data.csv": "1,2"},
        "20200101T000000-2-2": {"cables-generation": "forged\n", "thesis.txt": "precious"},
    }
    for name, files in planted.items():
        (generations / name).mkdir()
        for file_name, text in files.items():
            (generations / name / file_name).write_text(text)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("keep")
    (generations / "20200101T000000-3-3").symlink_to(tmp_path / "elsewhere")
    for _ in range(2):  # the second drops the first generation: now stale, it is removed
        assert cli("rebuild", few, "--index", location).exit_code == 0
    for name, files in planted.items():
        assert {path.name: path.read_text() for path in (generations / name).iterdir()} == files
    assert (tmp_path / "elsewhere" / "keep.txt").read_text() == "keep"
    made = [path for path in generations.iterdir() if path.name not in planted and not path.is_symlink()]
    assert len(made) == 2 and location.resolve() in made, "the current generation and the previous one"


def test_a_generation_holding_a_file_its_build_did_not_write_is_kept(tmp_path, few):
    """A note someone saved inside the index's folder is not the program's to delete: that generation stays, the others go.

    Before, it went with its generation two rebuilds later, right after
    `cables check` had named it "not written by the build".
    """
    location = tmp_path / "ix"
    assert cli("rebuild", few, "--index", location).exit_code == 0
    (location / "mynotes.txt").write_text("precious")
    noted = location.resolve()
    assert "mynotes.txt: not written by the build" in cli("check", "--index", location).stdout
    for _ in range(3):
        assert cli("rebuild", few, "--index", location).exit_code == 0
    assert (noted / "mynotes.txt").read_text() == "precious"
    assert len([path for path in generations_folder(location).iterdir() if path != noted]) == 2, "the current and the previous"


# Item 7: SIGTERM and SIGHUP end the workers and release the lock; a dead holder's lock is taken over.


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_end_a_parallel_rebuild_like_ctrl_c(tmp_path, signal_number):
    location = tmp_path / "ix"
    small = copy_seeds(tmp_path / "a", 0, 20)
    assert cli("rebuild", small, "--index", location).exit_code == 0
    before = probe(location)
    process = start("rebuild", copy_seeds(tmp_path / "b", 20, 220), "--index", location, "--jobs", "2")
    assert wait_for(lambda: len(children(process.pid)) >= 2), "the two workers started"
    workers = children(process.pid)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and stderr == f"cables: error: interrupted by {signal_number.name}\n"
    assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), 20), "no worker outlives the rebuild"
    assert not lock_path(location).exists(), "the writer lock is released"
    assert not unfinished_generations(location), "the unfinished generation is removed"
    assert probe(location) == before
    assert cli("update", small, "--index", location).exit_code == 0, "the next writer gets the lock at once"


HOLDER = """
import fcntl, os, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
handle.write(f"process {os.getpid()}")
handle.flush()
if os.fork() == 0:  # like an orphaned worker: the child inherits the lock and lives on
    open(sys.argv[2], "w").write(str(os.getpid()))
    time.sleep(120)
os._exit(0)
"""


def test_a_lock_whose_holder_died_is_taken_over_with_a_note(tmp_path, few):
    location = tmp_path / "ix"
    assert cli("rebuild", few, "--index", location).exit_code == 0
    holder = subprocess.run(
        [sys.executable, "-c", HOLDER, lock_path(location), tmp_path / "child"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    assert holder.returncode == 0 and wait_for(lambda: (tmp_path / "child").exists() and (tmp_path / "child").read_text())
    child = int((tmp_path / "child").read_text())
    dead = lock_path(location).read_text().split()[-1]
    try:
        result = run("rebuild", few, "--index", location)
    finally:
        os.kill(child, signal.SIGKILL)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line]
    assert len(notes) == 1 and notes[0].startswith("cables: note: ") and f"process {dead}, which is no longer running" in notes[0]
    assert Engine(location).cables == 5 and not lock_path(location).exists()


# Item 8: a writer removes what a killed rebuild left before it starts, not only when it publishes.


def test_a_writer_removes_a_killed_rebuilds_leftovers_when_it_starts(tmp_path):
    location = tmp_path / "ix"
    assert cli("rebuild", copy_seeds(tmp_path / "a", 0, 20), "--index", location).exit_code == 0
    before = probe(location)
    process = start("rebuild", copy_seeds(tmp_path / "b", 20, 400), "--index", location)
    assert wait_for(lambda: any(any((path / "whoosh").glob("*.tmp")) for path in unfinished_generations(location)))
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert unfinished_generations(location), "the killed rebuild left its generation and a segment's temporary folder"
    (tmp_path / "empty").mkdir()
    result = cli("rebuild", tmp_path / "empty", "--index", location)
    assert result.exit_code == 1 and "no cable could be indexed" in result.stderr
    assert not unfinished_generations(location), "removed by the writer that started, though it published nothing"
    assert probe(location) == before


# Item 10: a relative --index or $CABLES_INDEX is resolved once, against the folder the command runs in.


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_relative_index_path_works_and_stays_where_it_was_asked(tmp_path, few, how):
    work = tmp_path / "x"
    work.mkdir()
    args, env = (["--index", "relidx"], None) if how == "option" else ([], {"CABLES_INDEX": "relidx"})
    for _ in range(2):
        result = cli("rebuild", os.path.relpath(few, work), *args, cwd=work, env=env)
        assert result.exit_code == 0, result.stderr
    location = work / "relidx"
    generation = os.readlink(location)
    assert generation.startswith("relidx.generations/") and generation.count("/") == 1
    assert sorted(path.name for path in work.iterdir()) == ["relidx", "relidx.generations"], "no lock file, no doubled folder"
    assert not list(generations_folder(location).glob("*/relidx*"))
    assert Engine(location).cables == 5
    browsed = cli("search", "--format", "json", *args, cwd=work, env=env)
    assert browsed.exit_code == 0 and json.loads(browsed.stdout)["total"] == 5


# Item 12: index paths that can name no index, and link loops: one line, the documented exit code, before any work.


@pytest.mark.parametrize("given", ["/", ".", "", "..", "sub/..", "./"])
@pytest.mark.parametrize("command", ["rebuild", "search"])
def test_an_index_path_that_names_no_folder_is_a_usage_error(tmp_path, few, given, command):
    (tmp_path / "sub").mkdir()
    before = user_files(tmp_path)
    result = cli(command, few if command == "rebuild" else "oil", "--index", given, cwd=tmp_path)
    assert result.exit_code == 2 and one_error_line(result.stderr) and "names no folder of its own" in result.stderr
    assert user_files(tmp_path) == before


def test_an_environment_index_path_that_names_no_folder_is_a_usage_error(tmp_path, few):
    result = cli("rebuild", few, env={"CABLES_INDEX": "/"})
    assert result.exit_code == 2 and one_error_line(result.stderr) and "'/'" in result.stderr


@pytest.mark.parametrize("command", ["rebuild", "update", "search"])
def test_an_index_link_loop_fails_in_one_line_before_any_work(tmp_path, few, command):
    (tmp_path / "loop").symlink_to("loop")
    result = cli(command, few if command != "search" else "oil", "--index", tmp_path / "loop")
    assert result.exit_code == 1 and one_error_line(result.stderr) and "symbolic link loop" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["loop"], "no lock file, no generations"


# Item 13: a refused --index leaves no lock file; the marker's file list names nothing outside the index.


@pytest.mark.parametrize("target", ["folder", "file", "link"])
def test_a_refused_index_leaves_no_lock_file(tmp_path, few, target):
    given = tmp_path / "given"
    if target == "folder":
        given.mkdir()
    elif target == "file":
        given.write_text("notes")
    else:
        given.symlink_to(few)
    result = cli("rebuild", few, "--index", given)
    assert result.exit_code == 1 and one_error_line(result.stderr)
    assert not lock_path(given).exists() and not generations_folder(given).exists()


@pytest.mark.parametrize("outside", ["../../outside.bin", "/{tmp}/outside.bin"])
def test_a_marker_naming_a_file_outside_the_index_is_damage(tmp_path, few, outside):
    location = tmp_path / "ix"
    assert cli("rebuild", few, "--index", location).exit_code == 0
    marker_path = location.resolve() / MARKER
    marker = json.loads(marker_path.read_text())
    assert all(not Path(name).is_absolute() and ".." not in Path(name).parts for name in marker["files"])
    (tmp_path / "outside.bin").write_bytes(b"x" * 7)
    marker["files"][outside.format(tmp=str(tmp_path).strip("/"))] = 7
    marker_path.write_text(json.dumps(marker))
    result = cli("search", "oil", "--index", location)
    assert result.exit_code == 1 and one_error_line(result.stderr) and "damaged" in result.stderr and "outside the index" in result.stderr


# Acceptance: --index targets of every shape.  Exit 0, 1 or 2 as documented, one line of error,
# nothing of the user's touched, and the existing index still answering.

NEW = ("new", "new-relative", "new-in-new-folder")
OURS = ("our-index", "our-index-relative")
NO_NAME = ("root", "dot", "empty", "dotdot")
REFUSED = (
    "existing-file",
    "empty-folder",
    "user-folder",
    "folder-with-marker-name",
    "link-to-user-folder",
    "link-to-file",
    "link-loop",
    "dangling-link",
    "link-to-our-index",
)


def make_target(workspace: Path, kind: str) -> str:
    """Set up one kind of ``--index`` target in the workspace and return it as the user would type it."""
    if kind in NO_NAME:
        return {"root": "/", "dot": ".", "empty": "", "dotdot": ".."}[kind]
    target = workspace / "target"
    if kind == "existing-file":
        target.write_text("a file of the user's")
    elif kind == "empty-folder":
        target.mkdir()
    elif kind in ("user-folder", "folder-with-marker-name"):
        (target / "Documents").mkdir(parents=True)
        (target / "Documents" / "thesis.txt").write_text("precious")
        (target / (MARKER if kind == "folder-with-marker-name" else "notes.md")).write_text("{}")
    elif kind == "link-to-user-folder":
        target.symlink_to(workspace / "docs")
    elif kind == "link-to-file":
        target.symlink_to(workspace / "notes.txt")
    elif kind == "link-loop":
        target.symlink_to("target")
    elif kind == "dangling-link":
        target.symlink_to(workspace / "nowhere")
    elif kind == "link-to-our-index":
        target.symlink_to("ix")
    elif kind in OURS:
        target = workspace / "ix"
    elif kind == "new-in-new-folder":
        target = workspace / "more" / "ix2"
    if kind.endswith("-relative"):
        return os.path.relpath(target, workspace)
    return str(target)


def expected_exit(kind: str, command: str) -> int:
    if kind in NO_NAME:
        return 2
    if kind in OURS or (kind in NEW and command == "rebuild"):
        return 0
    return 1


@pytest.fixture(scope="module")
def template(tmp_path_factory, few) -> Path:
    """A workspace with the user's files and a cables index ``ix`` of five cables, copied for each example."""
    root = tmp_path_factory.mktemp("template")
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "thesis.txt").write_text("precious")
    (root / "docs" / "sub" / "data.csv").write_text("1,2,3")
    (root / "notes.txt").write_text("notes")
    assert cli("rebuild", few, "--index", root / "ix").exit_code == 0
    return root


@pytest.mark.parametrize("kind", NEW + OURS + NO_NAME + REFUSED)
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["rebuild", "update"]), slash=st.booleans())
def test_every_index_target_exits_as_documented_and_touches_nothing_of_the_users(template, few, kind, command, slash):
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder) / "w"
        shutil.copytree(template, workspace, symlinks=True)
        given = make_target(workspace, kind)
        if slash and given not in ("", "/"):
            given += "/"
        before = user_files(workspace)
        old = probe(workspace / "ix")
        with chdir(workspace):
            result = CliRunner().invoke(main, [command, str(few), "--index", given], catch_exceptions=False)
        assert result.exit_code == expected_exit(kind, command), result.output
        if result.exit_code:
            assert one_error_line(result.stderr), result.stderr
        after = user_files(workspace)
        if result.exit_code == 0:
            location = workspace / given.rstrip("/")
            assert Engine(location).cables == 5
            written = os.path.relpath(location, workspace)
            before.pop(written, None)
            after.pop(written)
            after.pop(os.path.dirname(written), None)  # the folder made to hold a new index
        assert after == before, "nothing of the user's changed, and no lock file is left"
        assert probe(workspace / "ix") == old, "the existing index still answers"


# The writer lock and a killed build's leftovers: only what cables made is written over or removed (audit, 2026-12-03).


@pytest.mark.parametrize("planted", ["link", "file", "folder"])
def test_something_of_the_users_where_the_lock_goes_is_refused_and_kept(tmp_path, few, planted):
    """A link, a file or a folder standing where the writer lock goes is not cables's: the rebuild stops, all of it stays.

    Before, the lock was opened through a link (writing "process N" over the
    file it named) and removed at the end, link or user's file alike.
    """
    location = tmp_path / "ix"
    precious = tmp_path / "precious.txt"
    precious.write_text("precious\n")
    lock = lock_path(location)
    if planted == "link":
        lock.symlink_to(precious)
    elif planted == "file":
        lock.write_text("my own notes\n")
    else:
        lock.mkdir()
    before = user_files(tmp_path)
    result = cli("rebuild", few, "--index", location)
    assert result.exit_code == 1 and one_error_line(result.stderr) and "writer lock" in result.stderr, result.stderr
    assert str(lock) in result.stderr
    assert user_files(tmp_path) == before and precious.read_text() == "precious\n"


def test_a_killed_rebuilds_leftovers_holding_a_users_file_are_kept(tmp_path):
    """An unfinished generation holding a file its build does not write (a note) is kept; without it, it goes."""
    location = tmp_path / "ix"
    assert cli("rebuild", copy_seeds(tmp_path / "a", 0, 20), "--index", location).exit_code == 0
    process = start("rebuild", copy_seeds(tmp_path / "b", 20, 400), "--index", location)
    assert wait_for(lambda: any(any((path / "whoosh").glob("*.tmp")) for path in unfinished_generations(location)))
    process.send_signal(signal.SIGKILL)
    process.wait()
    (leftover,) = unfinished_generations(location)
    (leftover / "notes.md").write_text("mine")
    assert cli("rebuild", copy_seeds(tmp_path / "c", 0, 5), "--index", location).exit_code == 0
    assert (leftover / "notes.md").read_text() == "mine"
    (leftover / "notes.md").unlink()
    assert cli("rebuild", copy_seeds(tmp_path / "d", 0, 5), "--index", location).exit_code == 0
    assert not leftover.exists()


def test_an_index_path_under_a_file_or_too_long_fails_in_one_line_and_makes_nothing(tmp_path, few):
    """A file where a folder of the path should be, and a path longer than SQLite takes, are named before any folder is made.

    Before, the first said only "afile: File exists", and an 800-character
    path made 400 folders and then failed with "unexpected OperationalError".
    """
    (tmp_path / "afile").write_text("mine\n")
    before = user_files(tmp_path)
    under_file = cli("rebuild", few, "--index", tmp_path / "afile" / "sub")
    assert under_file.exit_code == 1 and one_error_line(under_file.stderr) and "afile is a file, not a folder" in under_file.stderr
    too_long = cli("rebuild", few, "--index", tmp_path / ("a/" * 400 + "end"))
    assert too_long.exit_code == 1 and one_error_line(too_long.stderr) and "characters long" in too_long.stderr
    assert user_files(tmp_path) == before
