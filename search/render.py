"""Text and JSON renderings of results, for people at a terminal and for scripts.

Text is wrapped to the terminal (at most 100 columns) and uses bold only
through click's styling, which click strips when the output is not a
terminal, so piped text carries no markup.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from collections.abc import Iterable, Iterator

import click

from cables.search.engine import Hit, SearchResult
from cables.search.snippets import mark
from cables.search.tagmeanings import meaning
from cables.search.tiers import partial_note

TOP_FACET_VALUES = 5
BAR_WIDTH = 20
MIN_LABEL = 12


def width() -> int:
    """Columns to wrap text at: the terminal's ($COLUMNS first), at most 100."""
    import shutil  # here: only text is wrapped, and shutil brings bz2 and lzma to every search

    return max(40, min(100, shutil.get_terminal_size((80, 24)).columns))


def note_lines(notes: list[str], columns: int) -> list[str]:
    """Each note as ``note: ...``, wrapped with its continuation lines indented under the text."""
    return [line for note in notes for line in wrap(f"note: {note}", columns, "", "      ")]


HUGE_WORD = 1000
HUGE_WORD_RE = re.compile(rf"\S{{{HUGE_WORD + 1},}}")


def _pieces(word: str, columns: int) -> str:
    """A huge word as pieces of a line's length, apart (see :func:`wrap`)."""
    size = max(1, columns - 8)
    return " ".join(word[start : start + size] for start in range(0, len(word), size))


def wrap(text: str, columns: int, indent: str = "", subsequent: str | None = None, split_long: bool = True) -> list[str]:
    """``text`` wrapped at spaces to ``columns`` (never inside a hyphenated word).

    A word longer than a line is split, unless ``split_long`` is false: then
    it keeps a line of its own whole, as a path must to be copied back.  A
    word longer than :data:`HUGE_WORD` is cut into line-long pieces first:
    textwrap splits a long word by copying what is left of it for every
    line, which for a 40 MB token in a hostile file never ended.
    """
    if split_long and len(text) > HUGE_WORD:
        text = HUGE_WORD_RE.sub(lambda word: _pieces(word.group(), columns), text)
    return textwrap.wrap(
        text,
        columns,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_on_hyphens=False,
        break_long_words=split_long,
    ) or [indent.rstrip()]


def bold_first(lines: list[str], word: str) -> list[str]:
    """The wrapped lines with the first occurrence of ``word`` in the first line set in bold."""
    if lines and word:
        lines[0] = lines[0].replace(word, click.style(word, bold=True), 1)
    return lines


def bar(count: int, top: int) -> str:
    """A histogram bar for ``count`` beside the largest count ``top``: ``top`` fills BAR_WIDTH blocks,
    any other count its share of them, rounded, but at least one block; a count of 0 has no bar."""
    return "█" * max(1, round(BAR_WIDTH * count / top)) if count else ""


def json_text(data: object) -> str:
    """The JSON every command writes: indented by one space, non-ASCII kept as it is."""
    return json.dumps(data, ensure_ascii=False, indent=1)


def cut(text: str, size: int) -> str:
    """``text`` in at most ``size`` characters, ending in ``…`` when something was cut off."""
    return text if len(text) <= size else text[: max(0, size - 1)].rstrip() + "…"


def cable_line(prefix: str, hit_id: str, created: str, origin: str, subject: str, columns: int, indent: str) -> list[str]:
    """``ID · date · origin · subject`` wrapped to the width, the id in bold (similar, refs, cited-by)."""
    return bold_first(wrap(f"{prefix}{hit_id} · {created[:10]} · {origin} · {subject}", columns, "", indent), hit_id)


def result_json(result: SearchResult) -> dict:
    """The stable JSON shape of ``cables search --format json``."""
    data = {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "limit": result.limit,
        "results": [hit_json(hit) for hit in result.hits],
        "facets": result.facets,
    }
    notes = [*result.notes, *past_the_end(result)]
    if notes:
        data["notes"] = notes
    if result.suggestions:
        data["suggestions"] = result.suggestions
    if result.expansions:
        data["expansions"] = result.expansions
    return data


def past_the_end(result: SearchResult) -> list[str]:
    """A note for a page past the last result, which a script reading ``results`` alone would take for no match."""
    if not (result.limit and result.total and not result.hits):
        return []
    pages = -(-result.total // result.limit)
    return [f"page {result.page} is past the last result (the last is page {pages}, at {result.limit} results a page)"]


def result_json_text(result: SearchResult) -> str:
    """``cables search --format json`` for one page, indented."""
    return json_text(result_json(result)) + "\n"


def result_json_stream(result: SearchResult, hits: Iterable[Hit]) -> Iterator[str]:
    """The same JSON shape for every match (``--all``), written one result at a time."""
    data = result_json(result)
    head = {key: data[key] for key in ("query", "total", "page", "limit")}
    tail = {key: value for key, value in data.items() if key not in head and key != "results"}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
    for number, hit in enumerate(hits):
        yield ("," if number else "") + "\n " + json.dumps(hit_json(hit), ensure_ascii=False)
    yield "\n], " + json.dumps(tail, ensure_ascii=False)[1:] + "\n"


def result_pieces(result: SearchResult, hits: Iterable[Hit], output_format: str, facet_values: int | None) -> Iterable[str]:
    """``cables search`` in a format (text, json, csv or ids), piece by piece: ``hits`` may be a stream (``--all``)."""
    if output_format == "json":
        return result_json_stream(result, hits) if result.limit == 0 else [result_json_text(result)]
    if output_format == "csv":
        return result_csv(hits)
    if output_format == "ids":
        return (f"{hit.id}\n" for hit in hits)
    return result_text_parts(result, facet_values, hits)


CSV_COLUMNS = ("id", "date", "classification", "origin", "subject", "tags", "score", "paragraphs")


def result_csv(hits: Iterable[Hit]) -> Iterator[str]:
    """``--format csv``: a header, then one row per cable (tags and best paragraph numbers space-separated)."""
    yield _csv_row(CSV_COLUMNS)
    for hit in hits:
        numbers = " ".join(str(p.number) for p in hit.paragraphs if p.number is not None)
        yield _csv_row(
            (hit.id, hit.created[:10], hit.classification, hit.origin, hit.subject, " ".join(hit.tags), f"{hit.score:.4f}", numbers)
        )


def _csv_row(values: Iterable[str]) -> str:
    """One CSV line (RFC 4180 quoting, \\n line end)."""
    import csv  # here: only --format csv writes it

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def hit_json(hit: Hit) -> dict:
    """One result in the JSON shape; highlights are marked ``**word**``."""
    data = {
        "id": hit.id,
        "score": hit.score,
        "created": hit.created,
        "classification": hit.classification,
        "origin": hit.origin,
        "subject": hit.subject,
        "tags": hit.tags,
        "paragraphs": [{"number": p.number, "marking": p.marking, "snippet": mark(p.text, p.spans, "**", "**")} for p in hit.paragraphs],
    }
    if hit.explanation is not None:
        data["explanation"] = hit.explanation
    return data


def paragraph_label(number: int | None, marking: str | None) -> str:
    """``¶3 (S//NF)``, ``¶3``, ``(C)`` or ``¶–`` for a paragraph."""
    label = f"¶{number}" if number is not None else "¶–"
    return f"{label} ({marking})" if marking else label


def tag_label(tag: str) -> str:
    """A tag with its whole meaning from the glossary (``SNAR (narcotics and illegal drugs)``), where known."""
    known = meaning(tag)
    return f"{tag} ({known})" if known else tag


def result_text_parts(result: SearchResult, facet_values: int | None = TOP_FACET_VALUES, hits=None):
    """The text of a result piece by piece: head, one block per hit (from ``hits`` if given), facets.

    Yielding pieces lets ``--all`` print results as they are made.
    """
    columns = width()
    headline = _partial(result)
    lines = wrap(_headline(result, headline), columns, "", "  ")
    lines.extend(line for text in _expansion_lines(result) for line in wrap(text, columns, "", "  "))
    lines.extend(note_lines([note for note in result.notes if note != headline], columns))
    yield "\n".join(lines) + "\n\n"
    first = (result.page - 1) * result.limit + 1
    for rank, hit in enumerate(result.hits if hits is None else hits, start=first):
        yield "\n".join(hit_lines(rank, hit, columns)) + "\n\n"
    if result.total:
        yield "\n".join(facets_text(result.facets, columns, facet_values)) + "\n"


def _expansion_lines(result: SearchResult) -> list[str]:
    """``also matched: qadhafi (62), qaddafi (3)``: what else the query's words were searched as, with
    how many cables hold each; and a suggestion for words no cable holds when others matched."""
    variants = [variant for found in result.expansions.values() for variant in found]
    lines = []
    if variants:
        lines.append("also matched: " + ", ".join(f"{variant} ({result.expansion_cables.get(variant, 0):,})" for variant in variants))
    if result.total and result.suggestions:
        lines.append(
            "did you mean: " + ", ".join(f"{wrong} → {click.style(right, bold=True)}" for wrong, right in result.suggestions.items())
        )
    return lines


def _partial(result: SearchResult) -> str | None:
    """The engine's note on cables that have only some of the words, which the headline tells."""
    return partial_note(result.total - result.partial, result.partial) if result.partial else None


def _described(result: SearchResult) -> str:
    """What was asked: the quoted query and the option filters, or 'all cables'."""
    asked = [f'"{result.query}"'] if result.query else []
    asked.extend(result.filters)
    return " ".join(asked) if asked else "all cables"


def _headline(result: SearchResult, partial: str | None) -> str:
    """'N cables match ...' with the page shown, or the no-hits message with suggestions."""
    asked = _described(result)
    if not result.total:
        message = f"No cables match {asked}."
        if result.suggestions:
            corrected = result.query
            for wrong, right in result.suggestions.items():
                corrected = corrected.replace(wrong, right)
            message += f" Did you mean: {click.style(corrected, bold=True)}?"
        return message
    if result.limit:
        first = (result.page - 1) * result.limit + 1
        last = min(result.total, first + len(result.hits) - 1)
        shown = f"showing {first:,}-{last:,}" if result.hits else f"page {result.page} is past the last result"
    else:
        shown = "showing all"
    noun = "cable matches" if result.total == 1 else "cables match"
    counted = f"{result.total:,} {noun} {asked}"
    if partial:
        counted += f": {partial}"
    return f"{counted} · {shown}"


def hit_lines(rank: int, hit: Hit, columns: int) -> list[str]:
    """The lines of one result: header, subject, tags, snippets."""
    indent = " " * 4
    header = f"{rank:>2}. {hit.id} · {hit.created[:10]} · {hit.classification} · {hit.origin}"
    lines = bold_first(wrap(header, columns, "", indent), hit.id)
    lines.extend(wrap(hit.subject or "(no subject)", columns, indent))
    if hit.tags:
        lines.extend(wrap("Tags: " + ", ".join(tag_label(t) for t in hit.tags), columns, indent, indent + "      "))
    for paragraph in hit.paragraphs:
        label = paragraph_label(paragraph.number, paragraph.marking)
        lines.extend(_styled_wrap(f"{label} ", paragraph.text, paragraph.spans, columns, indent))
    if hit.explanation:
        for line in _explanation_lines(hit.score, hit.explanation):
            lines.extend(wrap(line, columns, indent, indent + "  "))
        for word, variants in hit.explanation.get("matched", {}).items():
            lines.extend(wrap(f"{word} matched as: {', '.join(variants) if variants else word}", columns, indent))
    return lines


def _explanation_lines(score: float, explanation: dict) -> list[str]:
    """``--explain`` as text: the tier, each score part times its weight, and where each query word was found."""
    weights = explanation["weights"]
    parts = ", ".join(f"{name} {value} x {weights.get(name, 1.0)}" for name, value in explanation["parts"].items())
    if weights.get("header words in whole cable"):
        parts += f" (the whole cable counts header words x {weights['header words in whole cable']})"
    tier = explanation["tier"]
    lines = [f"score {score} (tier {tier['tier']}: {tier['reason']}): {parts}"]
    words = []
    for word in explanation["words"]:
        where = ", ".join(word["found in"]) or "nowhere"
        variants = f" ({'/'.join(word['stems'])})" if len(word["stems"]) > 1 else ""
        tags = f" [{' '.join(word['tags'] + word['meaning tags'])}]" if word["tags"] or word["meaning tags"] else ""
        words.append(f"{word['word']}{variants}: {where}{tags}")
    coverage = explanation["coverage"]
    lines.append(f"words: {'; '.join(words)} · {coverage['in subject']} of {coverage['words']} in the subject")
    return lines


def _styled_wrap(label: str, text: str, spans: list[tuple[int, int]], columns: int, indent: str) -> list[str]:
    """Wrap a snippet, then bold its highlighted words (wrapping first keeps widths right)."""
    marker_open, marker_close = "\x01", "\x02"
    marked = mark(text, spans, marker_open, marker_close)
    wrapped = wrap(label + marked, columns, indent, indent + "  ")
    styled = []
    bold_open = click.style("", bold=True, reset=False)
    reset = click.style("", reset=True)
    for line in wrapped:
        line = line.replace(marker_open, bold_open).replace(marker_close, reset)
        styled.append(line)
    return styled


def facets_text(facets: dict[str, dict[str, int]], columns: int, values: int | None = TOP_FACET_VALUES) -> list[str]:
    """Each facet's values with small bars: years all, in time order; others the ``values`` largest (None: all).

    Labels take what the width leaves beside the bars, cut with ``…``; the
    values left out are counted on a last line.
    """
    lines = []
    for name, counts in facets.items():
        if not counts:
            continue
        items = sorted(counts.items()) if name == "year" else list(counts.items())[:values]
        top = max(count for _, count in items)
        count_width = len(f"{top:,}")
        room = max(MIN_LABEL, columns - 2 - 1 - BAR_WIDTH - 1 - count_width)
        labels = [tag_label(value) if name == "tag" else value for value, _ in items]
        label_width = min(room, max(len(label) for label in labels))
        lines.append(click.style(name.capitalize(), bold=True))
        for label, (_, count) in zip(labels, items, strict=True):
            lines.append(f"  {cut(label, label_width):<{label_width}} {bar(count, top)} {count:,}")
        more = len(counts) - len(items)
        if more > 0:
            lines.append(f"  … {more:,} more (--facets all shows every value)")
    return lines


def record_text(record: dict, in_index: set[str], source: str | None = None) -> str:
    """A whole cable for ``cables show``: header fields, references, the file it came from, paragraphs."""
    columns = width()
    header = f"{record['id']} · {record['created'].replace('T', ' ')} · {record['classification']} · {record['origin']}"
    lines = [*bold_first(wrap(header, columns, "", "  "), record["id"]), ""]
    fields = [
        ("Subject", record["subject"]),
        ("Title", record["title"] if _says_more(record["title"], record["subject"]) else ""),
        ("Tags", ", ".join(tag_label(t) for t in record["tags"])),
        ("Classified by", record["classified_by"] or ""),
        ("Reasons", ", ".join(record["reasons"])),
        ("Declassify on", record["declassify_on"] or ""),
    ]
    for label, value in fields:
        if value:
            lines.extend(wrap(f"{label}: {value}", columns, "", " " * (len(label) + 2)))
    if record["references"]:
        lines.append("References:")
        for ref in record["references"]:
            status = "" if not ref["id"] else (" (in index)" if ref["id"] in in_index else " (not in index)")
            target = f"{ref['id']}  " if ref["id"] else ""
            lines.extend(wrap(f"{target}{ref['text']}{status}", columns, "  ", "    "))
    if source:
        lines.extend(wrap(f"File: {source}", columns, "", "      "))
    lines.append("")
    for paragraph in record["paragraphs"]:
        label = paragraph_label(paragraph["number"], paragraph["marking"])
        lines.extend(wrap(f"{label} {paragraph['text']}", columns, "", "  "))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _says_more(title: str | None, subject: str | None) -> bool:
    """Whether a cable's title adds words to its subject (often it is the subject cut short, with ``...``,
    or behind a marking such as ``(C)``)."""
    unmarked = re.sub(r"^\s*\([A-Z]+(?:/+[A-Z]+)*\)\s*", "", title or "")
    title_words = re.findall(r"\w+", unmarked.casefold())
    subject_words = re.findall(r"\w+", (subject or "").casefold())
    return bool(title_words) and title_words != subject_words[: len(title_words)]
