"""The machinery under the ``cables`` commands: one-line errors with exit codes, help wrapped at spaces,
the options several commands share, finding and opening the index (building the bundled one on a
first search), printing lines, and rebuild progress on the terminal.

Exit codes for every command: 0 success (zero hits included), 1 runtime
failure (no index, unreadable index, unknown id), 2 usage error (bad option,
bad query).  Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import io
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cables.index.paths import printable
from cables.index.sources import MissingSource
from cables.index.store import ENV_VARIABLE, BadLocation, IndexUnavailable, NothingIndexed, default_location, index_location
from cables.search.errors import BadTopicLine, UnknownCable, UnreadableSource

if TYPE_CHECKING:
    from cables.index.build import BuildReport
    from cables.search.engine import Engine
    from cables.search.request import SearchRequest

EXIT_FAILURE = 1
EXIT_USAGE = 2
FORMATS = click.Choice(["text", "json"])
NO_BREAK_HYPHEN = "\u2011"


class Failure(click.ClickException):
    """A runtime failure: one line, exit 1."""

    exit_code = EXIT_FAILURE

    def show(self, file=None) -> None:
        click.echo(f"cables: error: {self.format_message()}", err=True)


class Usage(Failure):
    """A usage error found after option parsing (a bad query): exit 2."""

    exit_code = EXIT_USAGE


def tolerant_output() -> None:
    """Write a character the output's encoding lacks as a backslash escape, not fail on it.

    Cable text holds typographic characters (…, é, Cyrillic); a terminal or
    pipe set to Latin-1 or ASCII (``PYTHONIOENCODING``, an old locale) made
    every such result end in an encoding error half-way through.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def friendly(command):
    """Turn the library's exceptions into one-line errors with the right exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from cables.search.query import QuerySyntaxError

        _refuse_undecodable(kwargs)
        try:
            return command(*args, **kwargs)
        except click.UsageError as error:
            raise one_line(error) from None
        except click.ClickException:
            raise
        except BrokenPipeError:
            _end_on_closed_pipe()
        except QuerySyntaxError as error:
            raise Usage(f"bad query: {error}") from None
        except (BadLocation, BadTopicLine) as error:
            raise Usage(str(error)) from None
        except (IndexUnavailable, NothingIndexed, MissingSource, UnknownCable, UnreadableSource) as error:
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


def report_options(command):
    """What most commands take: ``--format text|json`` and ``--index``, with the library's errors made one line."""
    return click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)(index_option(friendly(command)))


def cable_filter_options(command):
    """``--classification``, ``--origin`` and ``--tag``: repeatable filters on what a cable is (search, timeline)."""
    options = (
        click.option(
            "--classification",
            multiple=True,
            help="A published value (SECRET//NOFORN) or a level (SECRET), or as markings abbreviate them (S//NF, S, SBU). Repeatable.",
        ),
        click.option("--origin", multiple=True, help="An origin (Embassy Ottawa), its place (Ottawa) or its country (Canada). Repeatable."),
        click.option(
            "--tag", multiple=True, help="A TAGS value such as PREL or MX (a country or organisation may be named: Mexico). Repeatable."
        ),
    )
    return _with_options(command, options)


def date_options(command):
    """``--from`` and ``--to``: the span of creation dates a command counts (search, timeline)."""
    options = (
        click.option("--from", "date_from", metavar="DATE", help="Created on or after DATE: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--to", "date_to", metavar="DATE", help="Created on or before DATE: YYYY, YYYY-MM or YYYY-MM-DD."),
    )
    return _with_options(command, options)


def _with_options(command, options):
    """A command with these options, listed in its help in the order given."""
    for option in reversed(options):
        command = option(command)
    return command


def facets_option(default: str, description: str):
    """``--facets N|all`` with a command's own default and help (search shows 5 values, stats 10)."""
    return click.option(
        "--facets", "facet_values", default=default, show_default=True, metavar="N|all", callback=facet_values, help=description
    )


OPTION_NAMES = {"date_from": "from", "date_to": "to"}
"""Request fields whose option has another name."""


def search_request(query: str, **options: Any) -> SearchRequest:
    """The request a command's options describe (repeated options become lists); a bad date is a usage error naming its option."""
    from cables.search.request import BadDate, SearchRequest

    fields: dict[str, Any] = {name: list(value) if isinstance(value, tuple) else value for name, value in options.items()}
    for name, value in fields.items():
        if any(isinstance(given, str) and not given.strip() for given in (value if isinstance(value, list) else [value])):
            option = OPTION_NAMES.get(name, name.replace("_", "-"))
            raise click.BadParameter("an empty value filters nothing; leave the option out", param_hint=f"--{option}")
    try:
        return SearchRequest(query=query, **fields)
    except BadDate as error:
        raise click.BadParameter(error.reason, param_hint=error.option) from None


def query_argument(command):
    """The query: every argument after the options, joined by spaces (``cables search visa fraud``, ``-- -gas oil``)."""
    return click.argument("query", nargs=-1, callback=lambda ctx, param, value: " ".join(value))(command)


def cable_id_argument(command):
    """A cable's id as people write it (see :meth:`cables.search.engine.Engine.cable`); a blank one is a usage error,
    as it names no cable."""
    return click.argument("cable_id", callback=_named_cable)(command)


def _named_cable(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The id typed, refused when blank."""
    if not value.strip():
        raise click.BadParameter("an empty id names no cable", param_hint="CABLE_ID")
    return value


def one_word(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """An option value that must be one word, without spaces (a column of a TREC run line)."""
    from cables.search import batch  # here: only ``cables batch`` has such an option

    if not batch.one_word(value):
        raise click.BadParameter(f"{value!r} must be one word, without spaces")
    return value


def source_paths(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> list[Path]:
    """The cable sources as paths; an empty one is a usage error (as a path it would be ``.``, the current folder)."""
    if any(not source.strip() for source in value):
        raise click.BadParameter("an empty source names no file or folder", param_hint="SOURCES")
    return [Path(source) for source in value]


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


def location(index_path: Path | None) -> Path:
    """The index to use: ``--index`` when given, else $CABLES_INDEX, else the default location."""
    return index_path if index_path is not None else default_location()


def emit(lines: Iterable[str], err: bool = False, nl: bool = True) -> None:
    """Print lines (on stderr with ``err``); without ``nl``, pieces that end their own lines."""
    for line in lines:
        click.echo(line, err=err, nl=nl)


def bundled_seeds() -> Path:
    """``./seeds`` when run from a folder that has one, else the bundled corpus.

    The bundled cables sit beside this package: ``seeds/`` of the source
    checkout, or ``cables/seeds`` where the wheel installs them.
    """
    local = Path("seeds")
    if local.is_dir():
        return local.resolve()
    return Path(__file__).resolve().parent.parent / "seeds"


def open_engine(index_path: Path | None) -> Engine:
    """The engine on the index named by ``--index``, $CABLES_INDEX or the default location."""
    from cables.search.engine import Engine

    return Engine(location(index_path))


def build_bundled_index_on_first_search(index_path: Path | None) -> None:
    """Make the README's first search work in a fresh checkout: when no index is named (no ``--index``,
    no $CABLES_INDEX) and the default location holds none yet, build it there from the bundled
    cables, saying so on stderr, with the rebuild's progress and summary on stderr too.  Without
    bundled cables (an install that lacks them) it fails with one line saying how to index a folder."""
    if index_path is not None or os.environ.get(ENV_VARIABLE):
        return
    target = default_location()
    if target.exists():
        return
    from cables.search.reports import build_summary, wrapped

    seeds = bundled_seeds()
    if not seeds.is_dir():
        raise Failure(f"no index at {target} and no bundled cables to build one from; index a folder with 'cables rebuild FOLDER'")
    emit(wrapped(f"No index yet at {target}: building it from the bundled cables in {seeds} (once)."), err=True)
    emit(build_summary(rebuild_with_progress(target, [seeds], os.cpu_count() or 1), "text"), err=True)


def rebuild_with_progress(target: Path, sources: list[Path], jobs: int) -> BuildReport:
    """Rebuild the index at ``target`` from ``sources``, showing progress when stderr is a terminal."""
    from cables.index.build import rebuild

    with writing(target):
        return rebuild(target, sources, jobs=jobs, progress=Progress(sys.stderr.isatty()))


def update_with_progress(target: Path, sources: list[Path], prune: bool, jobs: int) -> BuildReport:
    """Update the index at ``target`` from ``sources``, showing progress when stderr is a terminal."""
    from cables.index.build import update

    with writing(target):
        return update(target, sources, prune=prune, jobs=jobs, progress=Progress(sys.stderr.isatty()))


@contextmanager
def writing(target: Path) -> Iterator[None]:
    """Name the index being written in an OS error that names no file (a full disk: "No space left on device")."""
    try:
        yield
    except OSError as error:
        if error.filename is not None:
            raise
        reason = error.strerror or str(error) or type(error).__name__
        raise OSError(error.errno, f"writing the index {printable(target)}: {reason}") from None


def print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
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
    """A click context whose help uses :class:`HelpFormatter`."""

    formatter_class = HelpFormatter


def one_line(error: click.UsageError) -> Usage:
    """A usage error of click's (a bad option or value) as one line naming where to read more, still exit 2."""
    ctx = error.ctx or click.get_current_context(silent=True)
    command = ctx.command_path if ctx is not None else "cables"
    return Usage(f"{error.format_message()} (see '{command} --help')")


class Command(click.Command):
    """A command whose help is wrapped at spaces only, and whose usage errors are one line."""

    context_class = Context

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise one_line(self.explained(error, given)) from None

    def explained(self, error: click.UsageError, given: list[str]) -> click.UsageError:
        """A usage error as the user reads it (a command may say more)."""
        return error


class Group(click.Group):
    """A group of :class:`Command`, its own help wrapped at spaces only, and its usage errors one line."""

    context_class = Context
    command_class = Command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:  # click shows the help, as a usage error whose message is the help itself
            return super().parse_args(ctx, args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise one_line(error) from None

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            raise one_line(error) from None


def facet_values(_ctx: click.Context, _param: click.Parameter, value: str) -> int | None:
    """``--facets N|all``: how many values of each facet to show (None: all)."""
    if value.strip().lower() == "all":
        return None
    if value.strip().isdigit() and int(value) > 0:
        return int(value)
    raise click.BadParameter(f"{value!r} is neither a positive number nor 'all'")


class QueryCommand(Command):
    """A command whose argument is a query: a query that looks like an option gets a hint about ``--``."""

    def explained(self, error: click.UsageError, given: list[str]) -> click.UsageError:
        if not isinstance(error, click.NoSuchOption) or error.option_name.startswith("--"):
            return error
        word = next((arg for arg in given if arg.startswith(error.option_name)), error.option_name)
        return click.UsageError(
            f"no such option {word!r}; to search for a word starting with '-', put -- before the query: cables {self.name} -- {word}",
            error.ctx,
        )


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
