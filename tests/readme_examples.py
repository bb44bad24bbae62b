"""The README's example blocks, run for real: find them, run them on the seeds index, report or rewrite (issue 18).

An example is a line ``$ cables ...`` inside a fenced block of README.md; the
lines after it, up to the next ``$`` line or the end of the block, are what
that command prints. ``| head -N`` after the command keeps its first N lines,
as the shell would. Commands run in-process through click's test runner on an
index of the bundled ``seeds/``, at ``COLUMNS=80`` and piped (no bold), with
``$CABLES_INDEX`` naming the index so the command shown is the command run;
stdout and stderr together, as a terminal shows them. The index holds the
seed files' absolute paths; they are printed as ``seeds/...``, as after
``cables rebuild seeds`` in the checkout, so no path of this machine lands
in the README.

    python -m tests.readme_examples            # list the examples whose output differs (exit 1 if any)
    python -m tests.readme_examples --write    # rewrite README.md with the real output

Both build a temporary index of seeds/ first (about a minute) unless
``--index DIR`` names one already built from seeds/.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPO, SEEDS

README = REPO / "README.md"
COLUMNS = 80
FENCE = "```"
PROMPT = "$ "
HEAD = re.compile(r"^(?P<command>.+?)\s*\|\s*head\s+-(?:n\s*)?(?P<lines>\d+)\s*$")
REGENERATE = "python -m tests.readme_examples --write"


@dataclass(frozen=True)
class Example:
    """One ``$ cables ...`` line of the README and the output shown under it (lines ``start`` to ``end``, 0-based, end excluded)."""

    command: str
    output: str
    start: int
    end: int

    @property
    def line(self) -> int:
        """The README line number (1-based) of the ``$`` line, for messages."""
        return self.start


def find_examples(text: str) -> list[Example]:
    """Every ``$ cables`` example inside a fenced block of ``text``, in order."""
    lines = text.split("\n")
    examples = []
    inside = False
    for number, line in enumerate(lines):
        if line.startswith(FENCE):
            inside = not inside
        elif inside and line.startswith(PROMPT + "cables"):
            end = _output_end(lines, number + 1)
            examples.append(Example(line[len(PROMPT) :], "\n".join(lines[number + 1 : end]), number + 1, end))
    return examples


def _output_end(lines: list[str], start: int) -> int:
    """Where the output starting at ``start`` ends: before the next ``$`` line or the closing fence, blank lines left out."""
    end = start
    while end < len(lines) and not lines[end].startswith((PROMPT, FENCE)):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def run_example(command: str, index: Path) -> str:
    """What ``command`` (``cables ...``, perhaps ``| head -N``) prints on ``index`` at 80 columns, piped.

    JSON output (``--format json`` or ``jsonl``) must parse, so a README
    example of it is always valid; a ``head`` cut of it is refused. Blank
    lines at the end are dropped, as they are from the README's blocks.
    """
    head = HEAD.match(command)
    words = shlex.split(head["command"] if head else command)
    if words[:1] != ["cables"]:
        raise ValueError(f"README example {command!r} does not start with 'cables'")
    from cables.search.cli import main

    runner = CliRunner(env={"COLUMNS": str(COLUMNS), "CABLES_INDEX": str(index)})
    output = runner.invoke(main, words[1:], catch_exceptions=False).output.replace(str(SEEDS), "seeds")
    lines = output.rstrip("\n").split("\n")
    if _json_format(words):
        if head:
            raise ValueError(f"README example {command!r}: JSON cut by head is not valid JSON")
        _check_json(command, output, _json_format(words) == "jsonl")
    shown = lines[: int(head["lines"])] if head else lines
    while shown and not shown[-1].strip():
        shown.pop()
    return "\n".join(shown)


def _json_format(words: list[str]) -> str | None:
    """``json`` or ``jsonl`` when the command's ``--format`` asks for it, else None."""
    for word, following in zip(words, words[1:] + [""], strict=True):
        value = word.split("=", 1)[1] if word.startswith("--format=") else following if word == "--format" else None
        if value in ("json", "jsonl"):
            return value
    return None


def _check_json(command: str, output: str, per_line: bool) -> None:
    """Raise ValueError naming the example when its output is not JSON (one document, or one a line)."""
    try:
        for document in output.splitlines() if per_line else [output]:
            json.loads(document)
    except json.JSONDecodeError as error:
        raise ValueError(f"README example {command!r} prints invalid JSON: {error}") from None


def rewrite(text: str, examples: list[Example], outputs: list[str]) -> str:
    """``text`` with each example's shown output replaced by the matching entry of ``outputs``."""
    lines = text.split("\n")
    for example, output in sorted(zip(examples, outputs, strict=True), key=lambda pair: pair[0].start, reverse=True):
        lines[example.start : example.end] = output.split("\n")
    return "\n".join(lines)


def differing(text: str, index: Path) -> list[tuple[Example, str]]:
    """The examples of ``text`` whose shown output is not what their command prints now, with that output."""
    examples = find_examples(text)
    return [(example, actual) for example in examples if (actual := run_example(example.command, index)) != example.output]


def _check_or_write(index: Path, write: bool) -> int:
    """Report the README examples that differ (exit 1 if any), or rewrite README.md with the real output."""
    text = README.read_text(encoding="utf-8")
    changed = differing(text, index)
    for example, _ in changed:
        print(f"README.md:{example.line}: $ {example.command}: {'rewritten' if write else 'output differs'}")
    if write and changed:
        README.write_text(rewrite(text, [example for example, _ in changed], [output for _, output in changed]), encoding="utf-8")
    if not changed:
        print(f"README.md: all {len(find_examples(text))} examples match")
    return 1 if changed and not write else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: check (default) or ``--write``, on ``--index DIR`` or a fresh index of seeds/."""
    parser = argparse.ArgumentParser(prog="python -m tests.readme_examples", description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md with the real output")
    parser.add_argument("--index", type=Path, help="an index already built from seeds/ (default: build one in a temporary folder)")
    arguments = parser.parse_args(argv)
    if arguments.index:
        return _check_or_write(arguments.index.resolve(), arguments.write)
    from cables.index.build import rebuild

    with tempfile.TemporaryDirectory(prefix="cables-readme-") as folder:
        location = Path(folder) / "index"
        print("building an index of seeds/ ...", file=sys.stderr)
        rebuild(location, [SEEDS], jobs=2)
        return _check_or_write(location, arguments.write)


if __name__ == "__main__":
    sys.exit(main())
