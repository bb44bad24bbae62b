"""The baseline: the same searches done with SQLite FTS5 (Python's own sqlite3).

One FTS5 row per cable (subject, body = paragraphs, tags) beside a plain
``meta`` table (id, classification, level, origin, year, created and the
cable's record JSON) and a ``tags`` table (one row per cable and tag).  The
tokenizer is ``porter unicode61`` (stemming, like the engine's Snowball).

A search does what ``cables search`` does:

1. the matching cables with their bm25 score (column weights subject 3,
   body 1, tags 2) go into a temporary table, the filters (--tag,
   --classification, --origin, --from, --to) as a WHERE on ``meta``/``tags``;
2. the top ``limit`` by score, each with a body snippet;
3. facet counts (classification, origin, tag, year) by GROUP BY over all
   matches, and their total.

Usage (the cold-call benchmark runs the second form as a subprocess)::

    python bench/fts5.py build DB SOURCE... [--jobs N]
    python bench/fts5.py search DB QUERY [--tag T] [--classification C] [--origin O] [--from Y] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5(subject, body, tags, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, classification TEXT NOT NULL,
                   level TEXT NOT NULL, origin TEXT NOT NULL, year INTEGER NOT NULL, created TEXT NOT NULL,
                   record TEXT NOT NULL);
CREATE TABLE tags (rowid INTEGER NOT NULL, tag TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX tags_by_tag ON tags (tag, rowid);
CREATE INDEX tags_by_rowid ON tags (rowid, tag);
"""
WEIGHTS = (3.0, 1.0, 2.0)  # bm25 weights of subject, body, tags
FACETS = {
    "classification": "SELECT m.classification, count(*) FROM hits h JOIN meta m ON m.rowid = h.rowid GROUP BY 1",
    "origin": "SELECT m.origin, count(*) FROM hits h JOIN meta m ON m.rowid = h.rowid GROUP BY 1",
    "tag": "SELECT t.tag, count(*) FROM hits h JOIN tags t ON t.rowid = h.rowid GROUP BY 1",
    "year": "SELECT m.year, count(*) FROM hits h JOIN meta m ON m.rowid = h.rowid GROUP BY 1 ORDER BY 1",
}


@dataclass
class Options:
    """Filters and page size, as in the engine's SearchRequest."""

    tag: list[str] = field(default_factory=list)
    classification: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    limit: int = 10


# ---------------------------------------------------------------- building


def _row(path: Path) -> tuple | None:
    """Read one cable file into the values of a row (None when the reader rejects it)."""
    from cables.index.cable import record_json
    from cables.index.reader import CableError, read_file

    try:
        cable = read_file(path).cable
    except CableError:
        return None
    record = record_json(cable)
    body = "\n\n".join(p.text for p in cable.paragraphs)
    return (
        cable.id,
        cable.subject,
        body,
        " ".join(cable.tags),
        cable.classification,
        cable.level,
        cable.origin,
        cable.created.year,
        record["created"],
        json.dumps(record, ensure_ascii=False),
    )


def _rows(files: list[Path], jobs: int) -> Iterator[tuple | None]:
    """Rows in file order, read by ``jobs`` worker processes when more than one."""
    if jobs <= 1:
        yield from map(_row, files)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_row, files, chunksize=32)


def cable_files(sources: Iterable[str | Path]) -> list[Path]:
    """Every ``*.txt`` under the sources, sorted."""
    found: list[Path] = []
    for source in map(Path, sources):
        found.extend(sorted(source.rglob("*.txt")) if source.is_dir() else [source])
    return sorted(found)


def build(db: Path, files: list[Path], jobs: int = 1) -> dict:
    """Create the FTS5 database ``db`` from cable files; return counts, seconds and sizes."""
    started = time.perf_counter()
    if db.exists():
        db.unlink()
    connection = sqlite3.connect(db)
    connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
    seen: set[str] = set()
    count = 0
    with connection:
        for row in _rows(files, jobs):
            if row is None or row[0] in seen:
                continue
            seen.add(row[0])
            count += 1
            cable_id, subject, body, tags, *meta = row
            connection.execute("INSERT INTO fts (rowid, subject, body, tags) VALUES (?, ?, ?, ?)", (count, subject, body, tags))
            connection.execute("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (count, cable_id, *meta))
            connection.executemany("INSERT INTO tags VALUES (?, ?)", [(count, tag) for tag in tags.split()])
        connection.executescript(INDEXES)
        connection.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    connection.execute("VACUUM")
    connection.close()
    return {"cables": count, "seconds": time.perf_counter() - started, "size_bytes": db.stat().st_size}


# ---------------------------------------------------------------- searching


def match_expression(query: str) -> str:
    """The FTS5 MATCH text of a benchmark query: quoted words (implicit AND) and quoted phrases."""
    parts: list[str] = []
    rest = query
    while '"' in rest:
        before, _, after = rest.partition('"')
        phrase, _, rest = after.partition('"')
        parts.extend(f'"{w}"' for w in before.split())
        parts.append(f'"{phrase.strip()}"')
    parts.extend(f'"{w}"' for w in rest.split())
    return " ".join(parts)


def _where(options: Options) -> tuple[str, list]:
    """SQL conditions on ``meta m`` (and ``tags``) for the filters, with their parameters."""
    conditions, params = [], []
    if options.tag:
        conditions.append(f"m.rowid IN (SELECT rowid FROM tags WHERE tag IN ({','.join('?' * len(options.tag))}))")
        params += [t.upper() for t in options.tag]
    if options.classification:
        marks = ",".join("?" * len(options.classification))
        conditions.append(f"(m.classification IN ({marks}) OR m.level IN ({marks}))")
        params += [c.upper() for c in options.classification] * 2
    if options.origin:
        conditions.append("(" + " OR ".join("m.origin = ? OR m.origin LIKE ?" for _ in options.origin) + ")")
        for origin in options.origin:
            params += [origin, f"% {origin}"]
    if options.date_from:
        conditions.append("m.created >= ?")
        params.append(options.date_from)
    if options.date_to:
        conditions.append("m.created < ?")
        params.append(options.date_to + "~")  # '~' sorts after every digit, so 2009 takes all of 2009
    return " AND ".join(conditions), params


class Fts5:
    """An open FTS5 database answering benchmark searches."""

    def __init__(self, db: Path) -> None:
        self.connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self.connection.execute("PRAGMA temp_store = MEMORY")
        self.connection.execute("CREATE TEMP TABLE hits (rowid INTEGER PRIMARY KEY, score REAL NOT NULL)")

    def close(self) -> None:
        """Close the database."""
        self.connection.close()

    def _fill(self, query: str, options: Options) -> None:
        """Put the matching cables and their scores into the temp table ``hits``."""
        where, params = _where(options)
        join = " JOIN meta m ON m.rowid = fts.rowid" if where else ""
        self.connection.execute("DELETE FROM hits")
        self.connection.execute(
            f"INSERT INTO hits SELECT fts.rowid, bm25(fts, {', '.join(map(str, WEIGHTS))}) FROM fts{join}"
            f" WHERE fts MATCH ?{' AND ' + where if where else ''}",
            [match_expression(query), *params],
        )

    def search(self, query: str, options: Options | None = None) -> dict:
        """Ranked page with snippets, total and the four facets (what `cables search` returns)."""
        options = options or Options()
        self._fill(query, options)
        execute = self.connection.execute
        top = execute(
            "SELECT h.rowid, h.score, m.id, m.created, m.classification, m.origin, m.record FROM hits h"
            " JOIN meta m ON m.rowid = h.rowid ORDER BY h.score, m.created DESC LIMIT ?",
            (options.limit,),
        ).fetchall()
        expression = match_expression(query)
        hits = []
        for rowid, score, cable_id, created, classification, origin, record in top:
            snippet = execute(
                "SELECT snippet(fts, 1, '[', ']', '...', 24) FROM fts WHERE fts MATCH ? AND rowid = ?", (expression, rowid)
            ).fetchone()
            subject = json.loads(record)["subject"]
            hits.append(
                {
                    "id": cable_id,
                    "score": -score,
                    "created": created,
                    "classification": classification,
                    "origin": origin,
                    "subject": subject,
                    "snippet": snippet[0] if snippet else "",
                }
            )
        facets = {
            name: {str(value): n for value, n in sorted(execute(sql).fetchall(), key=lambda r: (-r[1], str(r[0])))}
            for name, sql in FACETS.items()
        }
        total = execute("SELECT count(*) FROM hits").fetchone()[0]
        return {"query": query, "total": total, "hits": hits, "facets": facets}

    def plain(self, query: str, options: Options | None = None) -> list[str]:
        """Ids of the top cables by bm25 only: no snippets, no facets, no total."""
        options = options or Options()
        where, params = _where(options)
        join = " JOIN meta m ON m.rowid = fts.rowid" if where else ""
        rows = self.connection.execute(
            f"SELECT fts.rowid FROM fts{join} WHERE fts MATCH ?{' AND ' + where if where else ''}"
            f" ORDER BY bm25(fts, {', '.join(map(str, WEIGHTS))}) LIMIT ?",
            [match_expression(query), *params, options.limit],
        ).fetchall()
        return [self.connection.execute("SELECT id FROM meta WHERE rowid = ?", row).fetchone()[0] for row in rows]

    def cable(self, cable_id: str) -> dict | None:
        """The stored record of a cable (as `cables show` gives it), or None."""
        row = self.connection.execute("SELECT record FROM meta WHERE id = ?", (cable_id,)).fetchone()
        return json.loads(row[0]) if row else None


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """``build`` a database or ``search`` one and print JSON (the cold-call baseline)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build")
    build_parser.add_argument("db", type=Path)
    build_parser.add_argument("sources", nargs="+")
    build_parser.add_argument("--jobs", type=int, default=1)
    search_parser = commands.add_parser("search")
    search_parser.add_argument("db", type=Path)
    search_parser.add_argument("query")
    for name in ("tag", "classification", "origin"):
        search_parser.add_argument(f"--{name}", action="append", default=[])
    search_parser.add_argument("--from", dest="date_from")
    search_parser.add_argument("--to", dest="date_to")
    search_parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)
    if args.command == "build":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        print(json.dumps(build(args.db, cable_files(args.sources), args.jobs)))
        return 0
    if not args.db.exists():
        print(f"fts5: no database at {args.db}", file=sys.stderr)
        return 1
    engine = Fts5(args.db)
    options = Options(args.tag, args.classification, args.origin, args.date_from, args.date_to, args.limit)
    print(json.dumps(engine.search(args.query, options), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
