"""The README's examples are what the commands print now (issue 18), so the README cannot drift from the program."""

from __future__ import annotations

import json

import pytest

from tests.readme_examples import README, REGENERATE, find_examples, rewrite, run_example

EXAMPLES = find_examples(README.read_text(encoding="utf-8"))


def test_the_readme_examples_are_found():
    """Every documented command family has its example found, so none escapes the check below."""
    commands = {example.command.split()[1] for example in EXAMPLES}
    assert {"search", "refs", "cited-by", "tags", "timeline", "similar", "show"} <= commands


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line{example.line}" for example in EXAMPLES])
def test_readme_example_output_is_real(seed_index, example):
    actual = run_example(example.command, seed_index)
    assert actual == example.output, (
        f"README.md line {example.line}: the output shown for `$ {example.command}` is not what it prints now; "
        f"regenerate the README's examples with `{REGENERATE}` and review the diff"
    )


def test_a_head_cut_keeps_the_first_lines(seed_index):
    whole = run_example("cables show 09OTTAWA265", seed_index).split("\n")
    assert run_example("cables show 09OTTAWA265 | head -3", seed_index).split("\n") == whole[:3]
    assert len(whole) > 23


def test_json_examples_are_checked_to_parse(seed_index):
    """A JSON example must be valid JSON: whole it parses, cut by head it is refused."""
    data = json.loads(run_example("cables search Icesave --limit 1 --format json", seed_index))
    assert data["query"] == "Icesave" and len(data["results"]) == 1
    with pytest.raises(ValueError, match="JSON cut by head"):
        run_example("cables search Icesave --format json | head -2", seed_index)


def test_rewrite_replaces_only_the_outputs():
    text = "intro\n```\n$ cables tags SN\nold line\nold line 2\n\n$ cables tags KC\nold\n```\nafter"
    examples = find_examples(text)
    assert [(example.command, example.output) for example in examples] == [
        ("cables tags SN", "old line\nold line 2"),
        ("cables tags KC", "old"),
    ]
    rewritten = rewrite(text, examples, ["new", "newer\nlines"])
    assert rewritten == "intro\n```\n$ cables tags SN\nnew\n\n$ cables tags KC\nnewer\nlines\n```\nafter"
