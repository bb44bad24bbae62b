"""The ``cables`` command: a thin click layer over :mod:`index.build` and :mod:`search.engine`.

Exit codes for every command: 0 success (zero hits included), 1 runtime
failure (no index, unreadable index, unknown id), 2 usage error (bad option,
bad query).  Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import time
from pathlib import Path

import click

from index.paths import printable
from index.store import BadLocation, IndexUnavailable, NothingIndexed, default_location, index_location

EXIT_FAILURE = 1
EXIT_USAGE = 2
FORMATS = click.Choice(["text", "json"])


def bundled_seeds() -> Path:
    """``./seeds`` when run from a folder that has one, else the repository's bundled corpus."""
    local = Path("seeds")
    if local.is_dir():
        return local.resolve()
    return Path(__file__).resolve().parent.parent / "seeds"


class Failure(click.ClickException):
    """A runtime failure: one line, exit 1."""

    exit_code = EXIT_FAILURE

    def show(self, file=None) -> None:
        click.echo(f"cables: error: {self.format_message()}", err=True)


class Usage(Failure):
    """A usage error found after option parsing (a bad query): exit 2."""

    exit_code = EXIT_USAGE


def friendly(command):
    """Turn the library's exceptions into one-line errors with the right exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from search.query import QuerySyntaxError

        _refuse_undecodable(kwargs)
        try:
            return command(*args, **kwargs)
        except click.ClickException:
            raise
        except BrokenPipeError:
            _end_on_closed_pipe()
        except QuerySyntaxError as error:
            raise Usage(f"bad query: {error}") from None
        except BadLocation as error:
            raise Usage(str(error)) from None
        except (IndexUnavailable, NothingIndexed) as error:
            raise Failure(str(error)) from None
        except KeyboardInterrupt as error:
            raise Failure(str(error) or "interrupted") from None
        except OSError as error:
            where = printable(error.filename) if error.filename else ""
            raise Failure(f"{where}: {error.strerror or type(error).__name__}".lstrip(": ")) from None
        except Exception as error:
            raise Failure(f"unexpected {type(error).__name__}: {error}") from None

    return wrapper


def _refuse_undecodable(arguments: dict) -> None:
    """Refuse a text argument holding bytes that are not UTF-8 (an id, a query), naming it with the bytes escaped.

    Paths are left alone: a file name need not be UTF-8.
    """
    for name, value in arguments.items():
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str) and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise Usage(f"{name.replace('_', ' ')} '{printable(text)}' is not valid UTF-8") from None


def _end_on_closed_pipe() -> None:
    """The reader of our output went away (``cables tags | head -1``): stop quietly with exit 0, as Unix tools do.

    Standard output is pointed at /dev/null first, so the interpreter's last
    flush of what is still buffered cannot complain either.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(0)


def index_option(command):
    """``--index DIR`` (else $CABLES_INDEX, else the default location), made absolute as it is read."""
    return click.option(
        "--index",
        "index_path",
        type=click.Path(),
        default=None,
        callback=_absolute_index,
        help="Index folder (default: $CABLES_INDEX, else ~/.local/share/cables/index).",
    )(command)


def _absolute_index(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Path | None:
    """The ``--index`` value resolved once against the current folder; a path that names no folder is a usage error."""
    if value is None:
        return None
    try:
        return index_location(value)
    except BadLocation as error:
        raise Usage(str(error)) from None


def _location(index_path: Path | None) -> Path:
    return index_path if index_path is not None else default_location()


def open_engine(index_path: Path | None, build_if_missing: bool = False):
    """Open the index; on first use of the default location, build it from the bundled seeds."""
    from search.engine import Engine

    location = _location(index_path)
    if build_if_missing and not location.exists() and index_path is None and not os.environ.get("CABLES_INDEX"):
        _echo_wrapped(f"No index yet at {location}: building it from the bundled cables in {bundled_seeds()} (once).", err=True)
        _run_rebuild(location, [bundled_seeds()], jobs=os.cpu_count() or 1, output_format="text", quiet_summary=True)
    return Engine(location)


def _echo_wrapped(text: str, subsequent: str = "  ", err: bool = False) -> None:
    """Print a message wrapped to the terminal's width at spaces; a path in it is never split, so it can be copied."""
    from search.render import width, wrap

    click.echo("\n".join(wrap(text, width(), "", subsequent, split_long=False)), err=err)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: read from the installed package's metadata only when asked (it is slow to import)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib import metadata

    try:
        version = metadata.version("cables")
    except metadata.PackageNotFoundError:
        version = "(not installed; running from source)"
    click.echo(f"cables {version}")
    ctx.exit()


NO_BREAK_HYPHEN = "\u2011"


def _hold_hyphens(text: str) -> str:
    """Hyphens inside words made unbreakable, so wrapping never splits YYYY-MM-DD or cited-by."""
    return re.sub(r"(?<=\w)-(?=\w)", NO_BREAK_HYPHEN, text)


class HelpFormatter(click.HelpFormatter):
    """click's help layout, wrapped only at spaces (plain hyphens are restored on output)."""

    def write_text(self, text: str) -> None:
        super().write_text(_hold_hyphens(text))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(first, _hold_hyphens(second)) for first, second in rows], col_max, col_spacing)

    def getvalue(self) -> str:
        return super().getvalue().replace(NO_BREAK_HYPHEN, "-")


class Context(click.Context):
    formatter_class = HelpFormatter


class Command(click.Command):
    context_class = Context


class Group(click.Group):
    context_class = Context
    command_class = Command


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the version and exit.")
def main() -> None:
    """Search US diplomatic cables: rebuild an index from cable files, then search it.

    \b
    Example:
      cables rebuild seeds/
      cables search "visa fraud" --origin Cairo --from 2008
    """


def _facet_values(_ctx: click.Context, _param: click.Parameter, value: str) -> int | None:
    """``--facets N|all``: how many values of each facet to show (None: all)."""
    if value.strip().lower() == "all":
        return None
    if value.strip().isdigit() and int(value) > 0:
        return int(value)
    raise click.BadParameter(f"{value!r} is neither a positive number nor 'all'")


class QueryCommand(Command):
    """A command whose argument is a query: a query that looks like an option gets a hint about ``--``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            word = next((arg for arg in given if arg.startswith(error.option_name)), error.option_name)
            raise click.UsageError(f"no such option {word!r}; to search for a word starting with '-', "
                                   f"put -- before the query: cables {self.name} -- {word}", ctx) from None


@main.command(cls=QueryCommand)
@click.argument("query", required=False, default="")
@click.option("--classification", multiple=True, help="A published value (SECRET//NOFORN) or a level (SECRET). Repeatable.")
@click.option("--origin", multiple=True, help="An origin (Embassy Ottawa) or its place (Ottawa). Repeatable.")
@click.option("--tag", multiple=True, help="A TAGS value such as PREL or MX. Repeatable.")
@click.option("--marking", multiple=True, help="Paragraph marking such as S, C or S//NF: only paragraphs so marked. Repeatable.")
@click.option("--from", "date_from", metavar="DATE", help="Created on or after DATE: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", metavar="DATE", help="Created on or before DATE: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(0, 1000), default=10, show_default=True, help="Results per page; 0 means all of them (as --all).")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--all", "every", is_flag=True, help="Every match, printed as it is found, without pages.")
@click.option("--facets", "facet_values", default="5", show_default=True, metavar="N|all", callback=_facet_values,
              help="Values shown per facet (text); years are always all shown.")
@click.option("--explain", is_flag=True, help="Show how each score was made.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv", "ids"]), default="text", show_default=True,
              help="csv: one row per cable; ids: one cable id a line.")
@index_option
@friendly
def search(query, classification, origin, tag, marking, date_from, date_to, sort, limit, page, every, facet_values, explain, output_format, index_path):
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
    from search.engine import SearchRequest
    from search.request import BadDate

    try:
        request = SearchRequest(
            query=query,
            classification=list(classification),
            origin=list(origin),
            tag=list(tag),
            marking=list(marking),
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            limit=0 if every else limit,
            page=1 if every or not limit else page,
            explain=explain,
        )
    except BadDate as error:
        raise click.BadParameter(error.reason, param_hint=error.option) from None
    engine = open_engine(index_path, build_if_missing=True)
    if request.limit:
        result = engine.search(request)
        hits = result.hits
    else:
        result, hits = engine.search_all(request)
    _print_result(result, hits, output_format, facet_values)


def _print_result(result, hits, output_format: str, facet_values: int | None) -> None:
    """Write a search result in the chosen format, hit by hit (``hits`` may be a stream)."""
    from search import render

    pieces = {
        "json": lambda: render.result_json_stream(result, hits) if result.limit == 0 else [render.result_json_text(result)],
        "csv": lambda: render.result_csv(hits),
        "ids": lambda: (f"{hit.id}\n" for hit in hits),
        "text": lambda: render.result_text_parts(result, facet_values, hits),
    }[output_format]()
    for piece in pieces:
        click.echo(piece, nl=False)


@main.command()
@click.argument("cable_id")
@click.option("--raw", is_flag=True, help="Print the cable's file as published, byte for byte.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def show(cable_id, raw, output_format, index_path):
    """Show one cable: header fields, references, the file it came from, paragraphs.

    \b
    Examples:
      cables show 09OTTAWA265
      cables show 09OTTAWA265 --raw > 09OTTAWA265.txt
    """
    from search.render import record_text

    engine = open_engine(index_path)
    record = engine.cable(cable_id.strip())
    if record is None:
        raise Failure(f"no cable {cable_id!r} in the index")
    source = engine.records.path(engine.records.ordinal(record["id"]))
    if raw:
        try:
            content = Path(source).read_bytes()
        except OSError as error:
            raise Failure(f"cannot read {source}, the file {record['id']} was indexed from: {error.strerror}") from None
        click.echo(content, nl=False)
        return
    if output_format == "json":
        click.echo(json.dumps({**record, "file": source}, ensure_ascii=False, indent=1))
        return
    in_index = {ref["id"] for ref in record["references"] if ref["id"] and engine.records.ordinal(ref["id"]) is not None}
    click.echo(record_text(record, in_index, source), nl=False)


class Progress:
    """Rebuild progress on stderr: cables done, rate and time left; silent when not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < total):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        if done < total:
            line = f"\r  {done:,}/{total:,} files  {rate:,.0f} cables/s  ETA {int(left // 60)}:{int(left % 60):02d} "
        else:
            line = f"\r  {done:,}/{total:,} files read in {elapsed:.0f} s; writing the index...     "
        click.echo(line, nl=done >= total, err=True)


def _run_rebuild(location: Path, sources, jobs: int, output_format: str, quiet_summary: bool = False):
    from index.build import rebuild

    report = rebuild(location, list(sources), jobs=jobs, progress=Progress(sys.stderr.isatty()))
    _print_report(report, output_format, quiet_summary)
    return report


def _print_report(report, output_format: str, quiet_summary: bool = False) -> None:
    """The rebuild/update summary, as text or the JSON shape."""
    data = {
        "cables": report.cables,
        "paragraphs": report.paragraphs,
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "seconds": report.seconds,
        "index": report.index,
    }
    if output_format == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    out = functools.partial(_echo_wrapped, err=quiet_summary)
    for skipped in report.skipped:
        out(f"skipped {skipped.path}: {skipped.reason}")
    out(
        f"Indexed {report.cables:,} cables ({report.paragraphs:,} paragraphs) in {report.seconds:.1f} s; "
        f"skipped {len(report.skipped)} files; index {report.index} ({report.size_bytes / 1e6:.1f} MB)"
    )


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes that read and index cables, each into its own index segment.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def rebuild(sources, jobs, output_format, index_path):
    """Build the index from cable files or folders (default: the bundled seeds/).

    The new index replaces the old one only when it is complete; a failed or
    killed rebuild leaves the previous index as it was.

    \b
    Example:
      cables rebuild ~/cablegate/cables --jobs 2
    """
    report = _run_rebuild(_location(index_path), sources or [bundled_seeds()], jobs, output_format)
    if report.cables == 0:
        sys.exit(EXIT_FAILURE)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Also remove cables whose files under SOURCES are gone.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes that read cables.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def update(sources, prune, jobs, output_format, index_path):
    """Add new cables and replace changed ones (by id) without a full rebuild.

    \b
    Example:
      cables update ~/new-cables --prune
    """
    from index.build import update as run_update

    report = run_update(_location(index_path), list(sources), prune=prune, jobs=jobs, progress=Progress(sys.stderr.isatty()))
    if output_format == "json":
        data = {key: getattr(report, key) for key in ("cables", "added", "replaced", "removed", "unchanged", "seconds", "index")}
        data["skipped"] = [{"path": s.path, "reason": s.reason} for s in report.skipped]
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for skipped in report.skipped:
        _echo_wrapped(f"skipped {skipped.path}: {skipped.reason}")
    _echo_wrapped(
        f"Updated {report.index}: {report.added} added, {report.replaced} replaced, {report.removed} removed, "
        f"{report.unchanged} unchanged; {report.cables:,} cables in {report.seconds:.1f} s"
    )


@main.command()
@click.argument("queries", type=click.File("rb"))
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--format", "output_format", type=click.Choice(["trec", "jsonl"]), default="trec", show_default=True)
@click.option("--run-name", default="cables", show_default=True)
@index_option
@friendly
def batch(queries, limit, output_format, run_name, index_path):
    """Run one query per line (qid<TAB>query) and write a TREC run or JSON lines.

    \b
    Example:
      cables batch bench/topics/needs.tsv > run.trec
    """
    from search.engine import SearchRequest
    from search.query import QuerySyntaxError
    from search.render import result_json

    engine = open_engine(index_path)
    for number, raw in enumerate(queries, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Usage(f"{queries.name}:{number}: not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})") from None
        if not line.strip():
            continue
        qid, tab, query = line.rstrip("\n").partition("\t")
        if not tab:
            raise Usage(f"{queries.name}:{number}: expected 'qid<TAB>query'")
        try:
            result = engine.search(SearchRequest(query=query, limit=limit))
        except QuerySyntaxError as error:
            raise Usage(f"{queries.name}:{number}: bad query: {error}") from None
        if output_format == "jsonl":
            click.echo(json.dumps({"qid": qid, **result_json(result)}, ensure_ascii=False))
            continue
        for rank, hit in enumerate(result.hits, start=1):
            click.echo(f"{qid} Q0 {hit.id} {rank} {hit.score:.4f} {run_name}")


@main.command()
@click.option("--facets", "facet_values", default="10", show_default=True, metavar="N|all", callback=_facet_values,
              help="Values shown per facet; years are always all shown.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def stats(facet_values, output_format, index_path):
    """Index statistics: cables, paragraphs, dates, largest facet values, size.

    \b
    Example:
      cables stats --format json
    """
    from index.build import folder_size
    from index.store import SCHEMA_VERSION
    from search.engine import SearchRequest
    from search.render import facets_text, width, wrap

    engine = open_engine(index_path)
    result = engine.search(SearchRequest(limit=1, sort="oldest"))
    newest = engine.search(SearchRequest(limit=1, sort="newest"))
    shown = {name: counts if name == "year" else dict(list(counts.items())[:facet_values]) for name, counts in result.facets.items()}
    data = {
        "index": str(engine.location),
        "cables": engine.cables,
        "paragraphs": engine.documents,
        "first": result.hits[0].created if result.hits else None,
        "last": newest.hits[0].created if newest.hits else None,
        "size_bytes": folder_size(engine.folder),
        "schema_version": SCHEMA_VERSION,
        "built": engine.marker.built,
        "facets": shown,
        "facets_left_out": {name: len(result.facets[name]) - len(counts) for name, counts in shown.items()},
    }
    if output_format == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    columns = width()
    summary = (
        f"{data['index']}: {data['cables']:,} cables, {data['paragraphs']:,} paragraphs, "
        f"{(data['first'] or '')[:10]} to {(data['last'] or '')[:10]}, {data['size_bytes'] / 1e6:.1f} MB, "
        f"schema version {data['schema_version']}, built {data['built']}"
    )
    click.echo("\n".join(wrap(summary, columns, "", "  ")))
    click.echo("\n".join(facets_text(result.facets, columns, facet_values)))


def _graph_command(cable_id: str, depth: int, output_format: str, index_path: Path | None, cited_by: bool) -> None:
    """Shared body of ``refs`` and ``cited-by``: the graph as an indented tree or JSON."""
    from search.threads import reference_graph

    engine = open_engine(index_path)
    try:
        nodes = reference_graph(engine, cable_id.strip(), depth, cited_by=cited_by)
    except KeyError:
        raise Failure(f"no cable {cable_id!r} in the index") from None
    if output_format == "json":
        click.echo(json.dumps([node.to_json() for node in nodes], ensure_ascii=False, indent=1))
        return
    from search.render import cable_line, width

    for node in nodes:
        indent = "  " * node.depth
        if node.in_index:
            click.echo("\n".join(cable_line(indent, node.id, node.created, node.origin, node.subject, width(), indent + "    ")))
        else:
            click.echo(f"{indent}{node.id} (not in index)")
    if len(nodes) == 1:
        click.echo("  (no cables)" if cited_by else "  (no references to cables)")


@main.command()
@click.argument("cable_id")
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True, help="Follow references this many steps.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def refs(cable_id, depth, output_format, index_path):
    """The cables a cable's REF block cites, and theirs, to --depth.

    \b
    Example:
      cables refs 09OTTAWA265 --depth 2
    """
    _graph_command(cable_id, depth, output_format, index_path, cited_by=False)


@main.command("cited-by")
@click.argument("cable_id")
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True, help="Follow citations this many steps.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def cited_by(cable_id, depth, output_format, index_path):
    """The cables whose REF block cites a cable (and those citing them, to --depth).

    \b
    Example:
      cables cited-by 09REYKJAVIK102
    """
    _graph_command(cable_id, depth, output_format, index_path, cited_by=True)


@main.command()
@click.argument("prefix", required=False, default="")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def tags(prefix, output_format, index_path):
    """TAGS in the index with their meanings and how many cables carry them.

    \b
    Example:
      cables tags K
    """
    from search.threads import tag_table

    rows = tag_table(open_engine(index_path), prefix)
    if output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        _echo_wrapped(f"{row['tag']:<8} {row['cables']:>6,}  {row['meaning'] or '(meaning not known)'}", " " * 18)


@main.command()
@click.argument("query", required=False, default="")
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option("--tag", multiple=True)
@click.option("--origin", multiple=True)
@click.option("--classification", multiple=True)
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def timeline(query, by, tag, origin, classification, output_format, index_path):
    """How many matching cables per year (or month), as a histogram.

    \b
    Example:
      cables timeline Icesave --by month
    """
    from search.engine import SearchRequest
    from search.threads import timeline as count_timeline

    request = SearchRequest(query=query, tag=list(tag), origin=list(origin), classification=list(classification))
    counts = count_timeline(open_engine(index_path), request, by)
    if output_format == "json":
        click.echo(json.dumps({"query": query, "by": by, "counts": counts}, ensure_ascii=False, indent=1))
        return
    if not counts:
        click.echo(f'No cables match "{query}".')
        return
    top = max(counts.values())
    for period, count in counts.items():
        bar = "█" * round(40 * count / top) if count else ""
        click.echo(f"{period:<8} {bar} {count:,}")


@main.command()
@click.argument("cable_id")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def similar(cable_id, limit, output_format, index_path):
    """Cables most like a given one, sharing its most distinctive words.

    \b
    Example:
      cables similar 09OTTAWA265
    """
    from search.render import cable_line, hit_json, width
    from search.threads import similar as find_similar

    engine = open_engine(index_path)
    try:
        terms, found = find_similar(engine, cable_id.strip(), limit)
    except KeyError:
        raise Failure(f"no cable {cable_id!r} in the index") from None
    if output_format == "json":
        data = {"id": cable_id, "key_terms": terms, "results": [{**hit_json(hit), "shared_terms": shared} for hit, shared in found]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    _echo_wrapped(f"Key terms of {cable_id}: {', '.join(terms)}")
    for rank, (hit, shared) in enumerate(found, start=1):
        click.echo("\n".join(cable_line(f"{rank:>2}. ", hit.id, hit.created, hit.origin, hit.subject, width(), "    ")))
        _echo_wrapped(f"    shared: {', '.join(shared)}", "            ")


@main.command()
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@index_option
@friendly
def check(output_format, index_path):
    """Verify every index file against the checksum its build recorded, then every invariant.

    Exits 0 when the index is whole, 1 naming each damaged file.

    \b
    Example:
      cables check --format json
    """
    from index.check import check_index

    report = check_index(_location(index_path))
    if output_format == "json":
        data = {
            "index": report.index,
            "whole": report.whole,
            "files": report.files,
            "damaged": [{"path": finding.path, "reason": finding.reason} for finding in report.damaged],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    elif report.whole:
        click.echo(f"index {report.index} is whole: {report.files:,} files match their checksums")
    else:
        for finding in report.damaged:
            click.echo(f"{finding.path or 'structure'}: {finding.reason}")
    if not report.whole:
        raise Failure(f"index {report.index} is damaged ({len(report.damaged)} {'problem' if len(report.damaged) == 1 else 'problems'}); rebuild it with 'cables rebuild'")
