"""Which source files a rebuild or update reads, and how it reports the rest (issue 13, items 3, 4, 11, 13).

Every test runs the ``cables`` command in a subprocess, as a user does: a FIFO
would block a test process forever, and only real stdout bytes show whether
the output is valid UTF-8.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cables.index.paths import printable, real_path
from cables.index.reader import MAX_BYTES, read_bytes
from tests.helpers import SEEDS, copy_seeds

REPO = SEEDS.parent
SEED_FILES = sorted(SEEDS.glob("*.txt"))
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def cables(*args: str | Path | bytes, before: Callable[[], None] | None = None) -> subprocess.CompletedProcess:
    """Run ``cables ARGS`` (arguments may be bytes, as file names are); fail the test after two minutes.

    ``before`` runs in the child before the command starts (a resource limit).
    """
    return subprocess.run(
        [sys.executable, "-m", "cables.search", *map(os.fsencode, args)],
        capture_output=True,
        cwd=REPO,
        timeout=120,
        preexec_fn=before,
    )


def one_gib_of_memory() -> None:
    """Cap the address space at 1 GiB, so a read without a cap fails fast instead of filling the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))


def without_root_reads() -> None:
    """Drop root's power to read any folder (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so mode 000 denies root too.

    Removed from the bounding set, the capabilities are gone after ``exec``.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def report_lines(output: bytes) -> list[str]:
    """A text build report as one entry per line the CLI meant, whatever the width it was wrapped to.

    The CLI wraps at the terminal's width with continuation lines indented
    by two spaces; wrapping may drop a run of spaces, so spaces are compared
    collapsed (see :func:`spaced`).
    """
    entries: list[str] = []
    for line in output.decode("utf-8").splitlines():
        if line.startswith("  ") and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    return [spaced(entry) for entry in entries]


def spaced(text: str) -> str:
    """``text`` with every run of spaces made one, as a wrapped line reads back."""
    return " ".join(part for part in text.split(" ") if part)


def summary(completed: subprocess.CompletedProcess) -> dict:
    """The JSON summary of a rebuild or update that succeeded; its bytes must be UTF-8."""
    assert completed.returncode == 0, completed.stderr.decode("utf-8")
    return json.loads(completed.stdout.decode("utf-8"))


def skipped(completed: subprocess.CompletedProcess) -> dict[str, str]:
    """Skipped path -> reason, from a JSON summary."""
    return {entry["path"]: entry["reason"] for entry in summary(completed)["skipped"]}


def test_a_fifo_is_skipped_by_rebuild_and_update_not_waited_on(tmp_path: Path) -> None:
    """Item 3: a FIFO named like a cable is reported; before, opening it blocked forever under the writer lock."""
    source = copy_seeds(tmp_path / "src", 0, 2)
    os.mkfifo(source / "pipe.txt")
    index = tmp_path / "index"
    expected = {str(source / "pipe.txt"): "is a FIFO (named pipe), not a cable file"}
    rebuilt = cables("rebuild", source, "--index", index, "--format", "json")
    assert skipped(rebuilt) == expected and summary(rebuilt)["cables"] == 2
    updated = cables("update", source, "--index", index, "--format", "json")
    assert skipped(updated) == expected and summary(updated)["unchanged"] == 2


def test_an_index_kept_inside_the_folder_it_indexes_is_no_skipped_file(tmp_path: Path) -> None:
    """`cables rebuild . --index ./index`, run twice, reported the index's generation as a folder "already read" (a
    link loop or a second link): the index link and its generation folder are one folder, and neither holds cables."""
    source = copy_seeds(tmp_path / "src", 0, 2)
    first = cables("rebuild", source, "--index", source / "index", "--format", "json")
    again = cables("rebuild", source, "--index", source / "index", "--format", "json")
    assert skipped(first) == skipped(again) == {} and summary(again)["cables"] == 2
    lookalike = copy_seeds(source / "lookalike", 2, 1)  # a marker's name proves nothing: its cables are read
    (lookalike / "cables-index.json").write_text("{}")
    (lookalike / "cables-generation").write_text("cables index generation lookalike in src\n")
    assert summary(cables("rebuild", source, "--index", source / "index", "--format", "json"))["cables"] == 3


def test_a_link_to_dev_zero_and_a_huge_file_are_skipped_within_a_memory_cap(tmp_path: Path) -> None:
    """Item 4: the build reads at most the cap plus one byte, so neither file fills memory.

    The command runs with 1 GiB of address space: reading either file whole
    (a 2 GiB sparse file, an endless device) fails the build, as it did before.
    """
    source = copy_seeds(tmp_path / "src", 0, 2)
    (source / "zero.txt").symlink_to("/dev/zero")
    with open(source / "huge.txt", "wb") as huge:
        huge.truncate(2 * 1024**3)
    completed = cables("rebuild", source, "--index", tmp_path / "index", "--format", "json", before=one_gib_of_memory)
    assert skipped(completed) == {
        str(source / "huge.txt"): f"larger than {MAX_BYTES // 1024**2} MiB; not a cable",
        str(source / "zero.txt"): "is a character device, not a cable file",
    }
    assert summary(completed)["cables"] == 2


def test_a_file_longer_than_its_stated_size_is_read_on_to_the_end() -> None:
    """The first read asks for the stated size; a file that says 0 bytes (as /proc files do) is still read whole."""
    path = Path("/proc/self/status")
    assert path.stat().st_size == 0
    data = read_bytes(path)
    assert data.startswith(b"Name:") and data.endswith(b"\n") and len(data) > 100


def test_file_names_that_are_not_utf8_are_indexed_or_skipped_and_printed_escaped(tmp_path: Path) -> None:
    """Item 11: a name with bytes that are not UTF-8 is read like any other and printed with \\x escapes.

    The escaped name is stored too, and turned back into the real name, so
    ``update --prune`` keeps the cable while its file exists and drops it after.
    """
    source = copy_seeds(tmp_path / "src", 0, 1)
    odd = os.fsencode(source) + b"/caf\xe9-\xff.txt"
    bad = os.fsencode(source) + b"/bad\xfe\n.txt"
    Path(os.fsdecode(odd)).write_bytes(SEED_FILES[1].read_bytes())
    Path(os.fsdecode(bad)).write_bytes(b"not a cable")
    index = tmp_path / "index"
    text = cables("rebuild", source, "--index", index)
    assert text.returncode == 0
    lines = report_lines(text.stdout)
    assert lines[0] == spaced(
        f"skipped {source}/bad\\xfe\\u000a.txt: line 1: ends inside the header; the published layout has 14 header lines"
    )
    assert lines[1].startswith("Indexed 2 cables") and len(lines) == 2
    assert skipped(cables("rebuild", source, "--index", index, "--format", "json")) == {
        f"{source}/bad\\xfe\\u000a.txt": "line 1: ends inside the header; the published layout has 14 header lines",
    }
    kept = summary(cables("update", source, "--prune", "--index", index, "--format", "json"))
    assert (kept["unchanged"], kept["removed"], kept["cables"]) == (2, 0, 2)
    os.remove(odd)
    pruned = summary(cables("update", source, "--prune", "--index", index, "--format", "json"))
    assert (pruned["removed"], pruned["cables"]) == (1, 1)


def test_printable_paths_are_one_line_of_utf8_and_undo_exactly() -> None:
    """The escape is reversible, including a backslash and text that looks like an escape."""
    for name in (b"plain.txt", b"caf\xc3\xa9.txt", b"\xff\xfe.txt", b"a\\xff\nb\tc\x7f.txt", b"\\u0041\xe2\x80\xa8.txt"):
        shown = printable(os.fsdecode(name))
        assert "\n" not in shown and shown.isprintable()
        shown.encode("utf-8")
        assert os.fsencode(real_path(shown)) == name
    assert printable(os.fsdecode(b"caf\xc3\xa9 \xff.txt")) == "café \\xff.txt"


def test_suffix_case_folder_links_and_loops(tmp_path: Path) -> None:
    """Item 13: ``*.TXT`` is a cable file, folder links are followed, a loop is reported once and ends."""
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    shutil.copy(SEED_FILES[0], source / "UPPER.TXT")
    shutil.copy(SEED_FILES[1], source / "sub" / "mixed.Txt")
    outside = copy_seeds(tmp_path / "outside", 2, 1)
    (source / "linked").symlink_to(outside)
    (source / "sub" / "up").symlink_to("..")
    completed = cables("rebuild", source, "--index", tmp_path / "index", "--format", "json")
    assert summary(completed)["cables"] == 3
    assert skipped(completed) == {str(source / "sub" / "up"): f"folder already read as {source} (a link loop or a second link)"}


def test_an_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    """Item 13: a folder that cannot be listed is a skip with the reason, not a silent gap.

    Tests run as root, who lists a mode-000 folder anyway, so the command runs
    without that power (:func:`without_root_reads`).
    """
    source = copy_seeds(tmp_path / "src", 0, 1)
    locked = copy_seeds(source / "locked", 1, 1)
    locked.chmod(0)
    try:
        completed = cables("rebuild", source, "--index", tmp_path / "index", "--format", "json", before=without_root_reads)
    finally:
        locked.chmod(0o755)
    assert skipped(completed) == {str(locked): "folder cannot be read (Permission denied)"}
    assert summary(completed)["cables"] == 1


def test_a_skip_reason_quotes_no_file_content(tmp_path: Path) -> None:
    """Item 13: a link to a secret file, or a wrong id or date line, is reported by line number, not by its text."""
    secret = tmp_path / "secret"
    secret.write_text("".join(f"user{n}:SECRET-HASH-{n}:19000:0:99999:7:::\n" for n in range(20)), encoding="utf-8")
    source = copy_seeds(tmp_path / "src", 0, 1)
    (source / "linked.txt").symlink_to(secret)
    lines = SEED_FILES[1].read_text(encoding="utf-8").split("\n")
    for number, label in ((5, "id"), (6, "date")):
        changed = lines[: number - 1] + [f"SECRET-{label.upper()}"] + lines[number:]
        (source / f"bad-{label}.txt").write_text("\n".join(changed), encoding="utf-8")
    completed = cables("rebuild", source, "--index", tmp_path / "index")
    assert completed.returncode == 0
    assert b"SECRET" not in completed.stdout + completed.stderr
    assert skipped(cables("rebuild", source, "--index", tmp_path / "index", "--format", "json")) == {
        str(source / "linked.txt"): "line 1: expected the header label 'Identifier'",
        str(source / "bad-id.txt"): "line 5: the identifier is not a cable reference id",
        str(source / "bad-date.txt"): "line 6: the created date is not 'YYYY-MM-DD HH:MM:SS'",
    }


KINDS = ("cable", "not a cable", "fifo", "link to /dev/zero", "link to itself", "link to nothing", "folder", "link loop", "locked folder")
# What each kind adds: (cables indexed, problems reported), when its name ends in .txt and when not.
OUTCOMES = {
    "cable": ((1, 0), (0, 0)),
    "not a cable": ((0, 1), (0, 0)),
    "fifo": ((0, 1), (0, 0)),
    "link to /dev/zero": ((0, 1), (0, 0)),
    "link to itself": ((0, 1), (0, 1)),
    "link to nothing": ((0, 1), (0, 1)),
    "folder": ((1, 0), (1, 0)),
    "link loop": ((0, 1), (0, 1)),
    "locked folder": ((0, 1), (0, 1)),
}
NAMES = st.tuples(
    st.binary(min_size=1, max_size=12).filter(lambda stem: b"/" not in stem and b"\0" not in stem and stem not in (b".", b"..")),
    st.sampled_from([b".txt", b".TXT", b".Txt", b""]),
).map(b"".join)
SHAPES = st.lists(st.tuples(NAMES, st.sampled_from(KINDS)), min_size=1, max_size=5, unique_by=lambda entry: entry[0])


def make(folder: bytes, name: bytes, kind: str, seed: Path) -> None:
    """Create one entry of a source folder; ``seed`` is the cable a cable or folder holds."""
    path = os.path.join(folder, name)
    if kind == "cable":
        shutil.copyfile(seed, path)
    elif kind == "not a cable":
        Path(os.fsdecode(path)).write_bytes(b"Identifier\nnot a cable\n")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind in ("folder", "locked folder"):
        os.mkdir(path)
        shutil.copyfile(seed, os.path.join(path, b"cable.txt"))
        os.chmod(path, 0 if kind == "locked folder" else 0o755)
    else:
        targets = {"link to /dev/zero": b"/dev/zero", "link to itself": name, "link to nothing": b"nowhere/x", "link loop": b"."}
        os.symlink(targets[kind], path)


# No shrinking: each example is a subprocess, and a failure prints its folder shape anyway.
@settings(max_examples=6, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow])
@given(shape=SHAPES, output_format=st.sampled_from(["text", "json"]))
def test_any_source_folder_gives_a_counted_one_line_report_in_utf8(shape: list[tuple[bytes, str]], output_format: str) -> None:
    """Acceptance: random file names (any bytes but / and NUL) and folder shapes.

    Every problem is one line (text) or one entry (JSON) naming the escaped
    path, the summary counts it, the output is UTF-8, and the exit code is 0
    with a cable indexed, 1 without; a locked folder is locked for root too
    (:func:`without_root_reads`).
    """
    with tempfile.TemporaryDirectory() as work:
        source = os.path.join(os.fsencode(work), b"src")
        os.mkdir(source)
        expected_cables, expected_paths = 0, set()
        for seed, (name, kind) in zip(SEED_FILES, shape, strict=False):
            make(source, name, kind, seed)
            cables_added, problems = OUTCOMES[kind][0 if name.lower().endswith(b".txt") else 1]
            expected_cables += cables_added
            if problems:
                expected_paths.add(printable(os.path.join(source, name)))
        completed = cables("rebuild", source, "--index", os.path.join(work, "index"), "--format", output_format, before=without_root_reads)
        out, err = completed.stdout.decode("utf-8"), completed.stderr.decode("utf-8")
        for path in Path(work).rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
    if not expected_cables:
        assert completed.returncode == 1 and out == ""
        if expected_paths:
            assert err.startswith(f"cables: error: no cable could be indexed ({len(expected_paths)} files skipped; the first, ")
            assert err.count("\n") == 1 and any(f"the first, {path}: " in err for path in expected_paths)
        else:
            assert err == "cables: error: no cable could be indexed: the sources hold no cable file (a folder's cable files end in .txt)\n"
    elif output_format == "json":
        data = summary(completed)
        assert data["cables"] == expected_cables
        assert {entry["path"] for entry in data["skipped"]} == expected_paths and len(data["skipped"]) == len(expected_paths)
    else:
        assert completed.returncode == 0 and err == ""
        *skipped_lines, last = report_lines(completed.stdout)
        assert len(skipped_lines) == len(expected_paths)
        assert all(any(line.startswith(spaced(f"skipped {path}: ")) for line in skipped_lines) for path in expected_paths)
        assert f"Indexed {expected_cables} cables" in last and f"skipped {len(expected_paths)} files" in last
