"""The first search without an index: it builds one from the bundled cables, or says in one line how to make one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cables.search import cli, console
from tests.helpers import SEEDS

CABLES = ("09OTTAWA265", "00HARARE5461", "00HARARE6677")


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user with no index yet: the default location under a new XDG_DATA_HOME, no $CABLES_INDEX."""
    monkeypatch.delenv("CABLES_INDEX", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def test_first_search_builds_the_index_from_the_bundled_cables(fresh_home: Path) -> None:
    """``./seeds`` stands in for the bundled folder (three cables, so the build is quick); the second search reuses the index."""
    (fresh_home / "work" / "seeds").mkdir()
    for cable_id in CABLES:
        shutil.copy(SEEDS / f"{cable_id}.txt", fresh_home / "work" / "seeds")

    first = CliRunner().invoke(cli.main, ["search", "mexico", "--format", "ids"])
    assert first.exit_code == 0, first.output
    assert "building it from the bundled cables" in first.stderr
    assert first.stdout.split() == ["09OTTAWA265"]
    assert (fresh_home / "data" / "cables" / "index").is_symlink()

    again = CliRunner().invoke(cli.main, ["search", "mexico", "--format", "ids"])
    assert again.exit_code == 0 and again.stderr == ""
    assert again.stdout.split() == ["09OTTAWA265"]


def test_first_search_without_bundled_cables_says_how_to_index_a_folder(fresh_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An install without the bundled folder: exit 1 (as for a missing index), one line naming the command to run."""
    monkeypatch.setattr(console, "bundled_seeds", lambda: fresh_home / "no-seeds-here")

    result = CliRunner().invoke(cli.main, ["search", "mexico"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("cables: error: no index at ")
    assert "index a folder with 'cables rebuild FOLDER'" in result.stderr
    assert not (fresh_home / "data" / "cables").exists()
