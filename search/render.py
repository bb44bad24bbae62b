"""Text and JSON renderings of results, for people at a terminal and for scripts.

Text is wrapped to the terminal (at most 100 columns) and uses bold only
through click's styling, which click strips when the output is not a
terminal, so piped text carries no markup.
"""

from __future__ import annotations

import shutil
import textwrap

import click

from index.glossary import meaning
from search.engine import Hit, SearchResult
from search.snippets import mark

TOP_FACET_VALUES = 5
BAR_WIDTH = 20


def width() -> int:
    """Columns to wrap text at."""
    return max(40, min(100, shutil.get_terminal_size((80, 24)).columns))


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
    if result.notes:
        data["notes"] = result.notes
    if result.suggestions:
        data["suggestions"] = result.suggestions
    return data


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
        "paragraphs": [
            {"number": p["number"], "marking": p["marking"], "snippet": mark(p["text"], p["spans"], "**", "**")}
            for p in hit.paragraphs
        ],
    }
    if hit.explanation is not None:
        data["explanation"] = hit.explanation
    return data


def paragraph_label(number: int | None, marking: str | None) -> str:
    """``¶3 (S//NF)``, ``¶3``, ``(C)`` or ``¶–`` for a paragraph."""
    label = f"¶{number}" if number is not None else "¶–"
    return f"{label} ({marking})" if marking else label


def tag_label(tag: str) -> str:
    """A tag with the gist of its meaning (``SNAR (narcotics)``), where the glossary knows it."""
    known = meaning(tag)
    if not known:
        return tag
    gist = " ".join(known.split(" and ")[0].split(",")[0].split()[:3])
    return f"{tag} ({gist})"


def result_text(result: SearchResult) -> str:
    """The search result as wrapped, styled text."""
    columns = width()
    lines = [_headline(result), ""]
    first = (result.page - 1) * result.limit + 1
    for rank, hit in enumerate(result.hits, start=first):
        lines.extend(_hit_lines(rank, hit, columns))
        lines.append("")
    if result.total:
        lines.extend(facets_text(result.facets, columns))
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines).rstrip() + "\n"


def _headline(result: SearchResult) -> str:
    """'N cables match ...' with the page shown, or the no-hits message with suggestions."""
    query = f'"{result.query}"' if result.query else "all cables"
    if not result.total:
        message = f"No cables match {query}."
        if result.suggestions:
            corrected = result.query
            for wrong, right in result.suggestions.items():
                corrected = corrected.replace(wrong, right)
            message += f" Did you mean: {click.style(corrected, bold=True)} ?"
        return message
    first = (result.page - 1) * result.limit + 1
    last = min(result.total, first + len(result.hits) - 1)
    noun = "cable matches" if result.total == 1 else "cables match"
    shown = f"showing {first}-{last}" if result.hits else f"page {result.page} is past the last result"
    return f"{result.total:,} {noun} {query} · {shown}"


def _hit_lines(rank: int, hit: Hit, columns: int) -> list[str]:
    """The lines of one result: header, subject, tags, snippets."""
    indent = " " * 4
    header = f"{rank:>2}. {click.style(hit.id, bold=True)} · {hit.created[:10]} · {hit.classification} · {hit.origin}"
    lines = [header]
    lines.extend(textwrap.wrap(hit.subject or "(no subject)", columns, initial_indent=indent, subsequent_indent=indent))
    if hit.tags:
        lines.extend(textwrap.wrap("Tags: " + ", ".join(tag_label(t) for t in hit.tags), columns, initial_indent=indent, subsequent_indent=indent + "      "))
    for paragraph in hit.paragraphs:
        label = paragraph_label(paragraph["number"], paragraph["marking"])
        lines.extend(_styled_wrap(f"{label} ", paragraph["text"], paragraph["spans"], columns, indent))
    if hit.explanation:
        for line in _explanation_lines(hit.score, hit.explanation):
            lines.extend(textwrap.wrap(line, columns, initial_indent=indent, subsequent_indent=indent + "  "))
    return lines


def _explanation_lines(score: float, explanation: dict) -> list[str]:
    """``--explain`` as text: the tier, each score part times its weight, and where each query word was found."""
    weights = explanation["weights"]
    parts = ", ".join(f"{name} {value} x {weights.get(name, 1.0)}" for name, value in explanation["parts"].items())
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
    wrapped = textwrap.wrap(label + marked, columns + 0, initial_indent=indent, subsequent_indent=indent + "  ")
    styled = []
    bold_open = click.style("", bold=True, reset=False)
    reset = click.style("", reset=True)
    for line in wrapped:
        line = line.replace(marker_open, bold_open).replace(marker_close, reset)
        styled.append(line)
    return styled


def facets_text(facets: dict[str, dict[str, int]], columns: int) -> list[str]:
    """The top values of each facet, with small bars."""
    lines = []
    for name, counts in facets.items():
        if not counts:
            continue
        items = sorted(counts.items()) if name == "year" else list(counts.items())[:TOP_FACET_VALUES]
        if name == "year" and len(items) > 8:
            items = items[-8:]
        top = max(count for _, count in items)
        label_width = min(30, max(len(tag_label(value) if name == "tag" else value) for value, _ in items))
        lines.append(click.style(name.capitalize(), bold=True))
        for value, count in items:
            bar = "█" * max(1, round(BAR_WIDTH * count / top))
            label = tag_label(value) if name == "tag" else value
            lines.append(f"  {label[:label_width]:<{label_width}} {bar} {count:,}")
        more = len(counts) - len(items)
        if more > 0 and name != "year":
            lines.append(f"  … {more} more")
    return lines


def record_text(record: dict, in_index: set[str]) -> str:
    """A whole cable for ``cables show``: header fields, references, paragraphs."""
    columns = width()
    lines = [
        click.style(record["id"], bold=True) + f" · {record['created'].replace('T', ' ')} · {record['classification']} · {record['origin']}",
        "",
    ]
    fields = [
        ("Subject", record["subject"]),
        ("Title", record["title"]),
        ("Tags", ", ".join(tag_label(t) for t in record["tags"])),
        ("Classified by", record["classified_by"] or ""),
        ("Reasons", ", ".join(record["reasons"])),
        ("Declassify on", record["declassify_on"] or ""),
    ]
    for label, value in fields:
        if value:
            lines.extend(textwrap.wrap(f"{label}: {value}", columns, subsequent_indent=" " * (len(label) + 2)))
    if record["references"]:
        lines.append("References:")
        for ref in record["references"]:
            status = "" if not ref["id"] else (" (in index)" if ref["id"] in in_index else " (not in index)")
            target = f"{ref['id']}  " if ref["id"] else ""
            lines.append(f"  {target}{ref['text']}{status}")
    lines.append("")
    for paragraph in record["paragraphs"]:
        label = paragraph_label(paragraph["number"], paragraph["marking"])
        lines.extend(textwrap.wrap(f"{label} {paragraph['text']}", columns, subsequent_indent="  "))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
