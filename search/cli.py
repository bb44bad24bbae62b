"""The ``cables`` command: each command reads its options, asks the library one question and prints the answer
(:mod:`cables.search.render`, :mod:`cables.search.reports`); errors, exit codes and shared options: :mod:`cables.search.console`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cables.search.console import (
    EXIT_FAILURE,
    Failure,
    Group,
    QueryCommand,
    build_bundled_index_on_first_search,
    bundled_seeds,
    cable_filter_options,
    cable_id_argument,
    date_options,
    emit,
    facets_option,
    friendly,
    index_option,
    location,
    one_word,
    open_engine,
    print_version,
    query_argument,
    rebuild_with_progress,
    report_options,
    search_request,
    source_paths,
    tolerant_output,
    update_with_progress,
)

BLAS_THREADS = "OPENBLAS_NUM_THREADS"
"""No command does linear algebra, yet numpy's OpenBLAS starts a thread per core when numpy is first imported,
and starting it cost a cold search process about a fifth of its CPU (bench/README.md, "The cold process with one
BLAS thread"). Every command runs with one BLAS thread unless the user sets otherwise; importing the CLI imports no
numpy, so the setting is in place before any command imports it."""


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=print_version, help="Show the version and exit.")
def main() -> None:
    """Search US diplomatic cables: rebuild an index from cable files, then search it.

    \b
    Example:
      cables rebuild seeds/
      cables search "visa fraud" --origin Cairo --from 2008
    """
    os.environ.setdefault(BLAS_THREADS, "1")
    tolerant_output()


@main.command(cls=QueryCommand)
@query_argument
@cable_filter_options
@click.option("--marking", multiple=True, help="Paragraph marking such as S, C or S//NF: only paragraphs so marked. Repeatable.")
@date_options
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option(
    "--limit", type=click.IntRange(0, 1000), default=10, show_default=True, help="Results per page; 0 means all of them (as --all)."
)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--all", "every", is_flag=True, help="Every match, printed as it is found, without pages.")
@facets_option("5", "Values shown per facet (text); years are always all shown.")
@click.option("--explain", is_flag=True, help="Show how each score was made.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv", "ids"]),
    default="text",
    show_default=True,
    help="csv: one row per cable; ids: one cable id a line.",
)
@index_option
@friendly
def search(query, limit, page, every, facet_values, output_format, index_path, **options):
    """Search cables: ranked results with highlighted paragraphs and facets.

    \b
    Query syntax: words, "exact phrases" (stop words too), AND / OR / NOT,
    ( ), embass*, visa NEAR/5 fraud (at most 5 words apart in one
    paragraph; NEAR alone: 10), subject: tag: origin: classification: id:
    ref: marking: fields, created:[2008-01 TO 2009-06], created:>2009-03-01.
    A query starting with '-' goes after --: cables search -- -gas oil

    \b
    Examples:
      cables search "drug trafficking" --origin Ottawa
      cables search 'tag:SNAR "money laundering"' --from 2008 --format json
      cables search --classification SECRET --tag IC      (browse)
      cables search Icesave --all --format ids
    """
    from cables.search.render import result_pieces

    request = search_request(query, limit=0 if every else limit, page=1 if every or not limit else page, **options)
    build_bundled_index_on_first_search(index_path)
    result, hits = open_engine(index_path).results(request)
    emit(result_pieces(result, hits, output_format, facet_values), nl=False)


@main.command()
@cable_id_argument
@click.option("--raw", is_flag=True, help="Print the cable's file as published, byte for byte.")
@report_options
def show(cable_id, raw, output_format, index_path):
    """Show one cable: header fields, references, the file it came from, paragraphs.

    \b
    Examples:
      cables show 09OTTAWA265
      cables show 09OTTAWA265 --raw > 09OTTAWA265.txt
    """
    from cables.search.reports import show_report

    click.echo(show_report(open_engine(index_path), cable_id, raw, output_format), nl=False)


@main.command()
@click.argument("sources", nargs=-1, callback=source_paths)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes that read and index cables, each into its own index segment.",
)
@report_options
def rebuild(sources, jobs, output_format, index_path):
    """Build the index from cable files or folders (default: the bundled seeds/).

    The new index replaces the old one only when it is complete; a failed or
    killed rebuild leaves the previous index as it was.

    \b
    Example:
      cables rebuild ~/cablegate/cables --jobs 2
    """
    from cables.search.reports import build_summary

    report = rebuild_with_progress(location(index_path), list(sources) or [bundled_seeds()], jobs)
    emit(build_summary(report, output_format))
    if report.cables == 0:
        sys.exit(EXIT_FAILURE)


@main.command()
@click.argument("sources", nargs=-1, required=True, callback=source_paths)
@click.option("--prune", is_flag=True, help="Also remove cables whose files under SOURCES are gone.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes that read cables.")
@report_options
def update(sources, prune, jobs, output_format, index_path):
    """Add new cables and replace changed ones (by id) without a full rebuild.

    \b
    Example:
      cables update ~/new-cables --prune
    """
    from cables.search.reports import build_summary

    report = update_with_progress(location(index_path), list(sources), prune, jobs)
    emit(build_summary(report, output_format, update=True))


@main.command()
@click.argument("queries", type=click.File("rb"))
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--format", "output_format", type=click.Choice(["trec", "jsonl"]), default="trec", show_default=True)
@click.option("--run-name", default="cables", show_default=True, callback=one_word, help="One word: a TREC run's last column.")
@index_option
@friendly
def batch(queries, limit, output_format, run_name, index_path):
    """Run one query per line (qid<TAB>query) and write a TREC run or JSON lines.

    Blank lines and lines starting with # are skipped.  Every line is checked
    before the first query runs: a bad one stops the batch with no output.

    \b
    Example:
      cables batch bench/topics/needs.tsv > run.trec
    """
    from cables.search.batch import run_topics
    from cables.search.reports import batch_lines

    for qid, result in run_topics(open_engine(index_path), queries, queries.name, limit):
        emit(batch_lines(qid, result, output_format, run_name))


@main.command()
@facets_option("10", "Values shown per facet; years are always all shown.")
@report_options
def stats(facet_values, output_format, index_path):
    """Index statistics: cables, paragraphs, dates, largest facet values, size.

    \b
    Example:
      cables stats --format json
    """
    from cables.search.reports import stats_report

    emit(stats_report(open_engine(index_path).stats(), facet_values, output_format))


def _graph_command(cable_id: str, depth: int, output_format: str, index_path: Path | None, cited_by: bool) -> None:
    """Shared body of ``refs`` and ``cited-by``: the graph as an indented tree or JSON."""
    from cables.search import relations, reports

    nodes = relations.reference_graph(open_engine(index_path), cable_id, depth, cited_by=cited_by)
    emit(reports.graph_report(nodes, cited_by, output_format))


@main.command()
@cable_id_argument
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True, help="Follow references this many steps.")
@report_options
def refs(cable_id, depth, output_format, index_path):
    """The cables a cable's REF block cites, and theirs, to --depth.

    \b
    Example:
      cables refs 09OTTAWA265 --depth 2
    """
    _graph_command(cable_id, depth, output_format, index_path, cited_by=False)


@main.command("cited-by")
@cable_id_argument
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True, help="Follow citations this many steps.")
@report_options
def cited_by(cable_id, depth, output_format, index_path):
    """The cables whose REF block cites a cable (and those citing them, to --depth).

    \b
    Example:
      cables cited-by 09REYKJAVIK102
    """
    _graph_command(cable_id, depth, output_format, index_path, cited_by=True)


@main.command()
@click.argument("prefix", required=False, default="")
@report_options
def tags(prefix, output_format, index_path):
    """TAGS in the index with their meanings and how many cables carry them.

    \b
    Example:
      cables tags K
    """
    from cables.search import relations, reports

    emit(reports.tags_report(relations.tag_table(open_engine(index_path), prefix), output_format, prefix))


@main.command(cls=QueryCommand)
@query_argument
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@cable_filter_options
@date_options
@report_options
def timeline(query, by, output_format, index_path, **options):
    """How many matching cables per year (or month), as a histogram.

    \b
    Example:
      cables timeline Icesave --by month
      cables timeline Gaddafi --from 2008 --to 2009
    """
    from cables.search import relations, reports

    request = search_request(query, **options)
    engine = open_engine(index_path)
    counts = relations.timeline(engine, request, by)
    emit(reports.timeline_report(query, by, counts, output_format, relations.timeline_notes(engine, request, counts)))


@main.command()
@cable_id_argument
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@report_options
def similar(cable_id, limit, output_format, index_path):
    """Cables most like a given one, sharing its most distinctive words.

    \b
    Example:
      cables similar 09OTTAWA265
    """
    from cables.search import relations, reports

    terms, found = relations.similar(open_engine(index_path), cable_id, limit)
    emit(reports.similar_report(cable_id.upper(), terms, found, output_format))  # ids are upper case; lookups ignore case


@main.command()
@report_options
def check(output_format, index_path):
    """Verify every index file against the checksum its build recorded, then every invariant.

    Exits 0 when the index is whole, 1 naming each damaged file.

    \b
    Example:
      cables check --format json
    """
    from cables.index.check import check_index
    from cables.search.reports import check_report

    report = check_index(location(index_path))
    emit(check_report(report, output_format))
    if not report.whole:
        count = len(report.damaged)
        raise Failure(
            f"index {report.index} is damaged ({count} {'problem' if count == 1 else 'problems'}); rebuild it with 'cables rebuild'"
        )
