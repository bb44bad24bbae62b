"""Text and JSON of the reports other than search results: index stats, tags, timelines, reference graphs,
similar cables, batch runs, and the summaries of rebuild, update and check.

Each function returns the lines a command prints (a JSON document is one
line), so that the command line only picks the format and prints them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING

from cables.index.paths import real_path
from cables.search.engine import Engine, Hit, IndexStats, SearchResult
from cables.search.errors import UnknownCable, UnreadableSource
from cables.search.relations import Node
from cables.search.render import (
    bar,
    cable_line,
    facets_text,
    hit_json,
    json_text,
    note_lines,
    record_text,
    result_json,
    width,
    wrap,
)

if TYPE_CHECKING:
    from cables.index.build import BuildReport
    from cables.index.check import CheckReport

REBUILD_KEYS = ("cables", "paragraphs", "skipped", "seconds", "index")
UPDATE_KEYS = ("cables", "added", "replaced", "removed", "unchanged", "seconds", "index", "skipped")
"""The keys of ``rebuild --format json`` and ``update --format json``, in the order they are written."""


def wrapped(text: str, subsequent: str = "  ") -> list[str]:
    """A message wrapped to the terminal's width at spaces; a path in it is never split, so it can be copied."""
    return wrap(text, width(), "", subsequent, split_long=False)


def problems_json(problems: Iterable) -> list[dict]:
    """Skipped cable files or damaged index files, each as ``{"path", "reason"}``."""
    return [{"path": problem.path, "reason": problem.reason} for problem in problems]


def build_summary(report: BuildReport, output_format: str, update: bool = False) -> list[str]:
    """What a rebuild (with ``update``, an update) did: each skipped file, then a line of totals; or the JSON shape.

    A skipped file is one line whatever its length, like an error, so that
    ``grep skipped`` finds each file whole and ``wc -l`` counts them.
    """
    if output_format == "json":
        keys = UPDATE_KEYS if update else REBUILD_KEYS
        return [json_text({key: problems_json(report.skipped) if key == "skipped" else getattr(report, key) for key in keys})]
    if update:
        totals = (
            f"Updated {report.index}: {report.added} added, {report.replaced} replaced, {report.removed} removed, "
            f"{report.unchanged} unchanged, skipped {len(report.skipped)} files; {report.cables:,} cables in {report.seconds:.1f} s"
        )
    else:
        totals = (
            f"Indexed {report.cables:,} cables ({report.paragraphs:,} paragraphs) in {report.seconds:.1f} s; "
            f"skipped {len(report.skipped)} files; index {report.index} ({report.size_bytes / 1e6:.1f} MB)"
        )
    return [f"skipped {problem.path}: {problem.reason}" for problem in report.skipped] + wrapped(totals)


def check_report(report: CheckReport, output_format: str) -> list[str]:
    """``cables check``: whether every index file matches its checksum, or each damaged file; or the JSON shape."""
    if output_format == "json":
        return [json_text({"index": report.index, "whole": report.whole, "files": report.files, "damaged": problems_json(report.damaged)})]
    if report.whole:
        return [f"index {report.index} is whole: {report.files:,} files match their checksums"]
    return [f"{finding.path or 'structure'}: {finding.reason}" for finding in report.damaged]


def stats_report(stats: IndexStats, values: int | None, output_format: str) -> list[str]:
    """``cables stats``: a summary line and each facet's ``values`` largest values (years all; None: all of every facet)."""
    if output_format == "json":
        shown = {name: counts if name == "year" else dict(list(counts.items())[:values]) for name, counts in stats.facets.items()}
        left_out = {name: len(stats.facets[name]) - len(counts) for name, counts in shown.items()}
        return [json_text({**asdict(stats), "facets": shown, "facets_left_out": left_out})]
    columns = width()
    summary = (
        f"{stats.index}: {stats.cables:,} cables, {stats.paragraphs:,} paragraphs, "
        f"{(stats.first or '')[:10]} to {(stats.last or '')[:10]}, {stats.size_bytes / 1e6:.1f} MB, "
        f"schema version {stats.schema_version}, built {stats.built}"
    )
    return wrap(summary, columns, "", "  ") + facets_text(stats.facets, columns, values)


def tags_report(rows: list[dict], output_format: str, prefix: str = "") -> list[str]:
    """``cables tags``: one line per tag with its count of cables and its meaning; or the rows as JSON."""
    if output_format == "json":
        return [json_text(rows)]
    if not rows:
        return [f'No tag in the index starts with "{prefix}", is named by it or means it.']
    return [
        line
        for row in rows
        for line in wrapped(f"{row['tag']:<8} {row['cables']:>6,}  {row['meaning'] or '(meaning not known)'}", " " * 18)
    ]


def timeline_report(query: str, by: str, counts: dict[str, int], output_format: str, notes: list[str] | None = None) -> list[str]:
    """``cables timeline``: a histogram of cables per period; or the counts as JSON (with ``notes`` when some say
    why nothing matched, as a search's do)."""
    if output_format == "json":
        return [json_text({"query": query, "by": by, "counts": counts, **({"notes": notes} if notes else {})})]
    if not counts:
        return [f'No cables match "{query}".', *note_lines(notes or [], width())]
    top = max(counts.values())
    return [f"{period:<8} {bar(count, top)} {count:,}" for period, count in counts.items()]


def graph_report(nodes: list[Node], cited_by: bool, output_format: str) -> list[str]:
    """``cables refs`` and ``cited-by``: the graph as a tree indented by depth; or the nodes as JSON."""
    if output_format == "json":
        return [json_text([node.to_json() for node in nodes])]
    lines = []
    for node in nodes:
        indent = "  " * node.depth
        if node.created is None:
            lines.append(f"{indent}{node.id} (not in index)")
        else:
            lines.extend(cable_line(indent, node.id, node.created, node.origin or "", node.subject or "", width(), indent + "    "))
    if len(nodes) == 1:
        lines.append("  (no cables)" if cited_by else "  (no references to cables)")
    return lines


def similar_report(cable_id: str, terms: list[str], found: list[tuple[Hit, list[str]]], output_format: str) -> list[str]:
    """``cables similar``: the cable's key terms, then each similar cable with the terms it shares; or the JSON shape."""
    if output_format == "json":
        results = [{**hit_json(hit), "shared_terms": shared} for hit, shared in found]
        return [json_text({"id": cable_id, "key_terms": terms, "results": results})]
    lines = wrapped(f"Key terms of {cable_id}: {', '.join(terms)}")
    for rank, (hit, shared) in enumerate(found, start=1):
        lines.extend(cable_line(f"{rank:>2}. ", hit.id, hit.created, hit.origin, hit.subject, width(), "    "))
        lines.extend(wrapped(f"    shared: {', '.join(shared)}", " " * 12))
    return lines


def batch_lines(qid: str, result: SearchResult, output_format: str, run_name: str) -> list[str]:
    """One query of ``cables batch``: its hits as TREC run lines (``qid Q0 id rank score run``), or one JSON line."""
    if output_format == "jsonl":
        return [json.dumps({"qid": qid, **result_json(result)}, ensure_ascii=False)]
    return [f"{qid} Q0 {hit.id} {rank} {hit.score:.4f} {run_name}" for rank, hit in enumerate(result.hits, start=1)]


def show_report(engine: Engine, cable_id: str, raw: bool, output_format: str) -> str | bytes:
    """``cables show``: the cable's file byte for byte (``raw``), its record as JSON, or as text with its references marked held or not."""
    record = engine.cable(cable_id.strip())
    source = engine.source(record["id"]) if record is not None else None
    if record is None or source is None:
        raise UnknownCable(cable_id)
    if raw:
        from cables.index.reader import CableError, content_digest, read_bytes  # here: only --raw reads a cable's own file

        try:
            data = read_bytes(real_path(source))
        except CableError as error:
            raise UnreadableSource(f"cannot read {source}, the file {record['id']} was indexed from: it {error.reason}") from None
        if content_digest(data) != engine.source_digest(record["id"]):
            raise UnreadableSource(
                f"{source}, the file {record['id']} was indexed from, has changed since; "
                "run cables update to index it again, or leave out --raw for the indexed record"
            )
        return data
    if output_format == "json":
        return json_text({**record, "file": source}) + "\n"
    return record_text(record, engine.held(ref["id"] for ref in record["references"]), source)
