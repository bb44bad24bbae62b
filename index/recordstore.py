"""The cable record store: one row per cable in SQLite, beside the whoosh index.

Results and ``cables show`` read whole records from here by id or ordinal;
the REF graph is a table of (cable, cited id) pairs.  SQLite comes with
Python, opens in microseconds and reads one row without loading the rest.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

RECORDS_FILE = "cables.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS cables (
    ord INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE COLLATE NOCASE,
    path TEXT NOT NULL,
    digest TEXT NOT NULL,
    subject_length INTEGER NOT NULL,
    record BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS refs (
    ord INTEGER NOT NULL,
    ref TEXT NOT NULL COLLATE NOCASE
);
CREATE INDEX IF NOT EXISTS refs_by_ref ON refs (ref);
CREATE INDEX IF NOT EXISTS refs_by_ord ON refs (ord);
"""


def _pack(record: dict) -> bytes:
    """A record as compressed JSON: cable text shrinks about threefold, keeping the index small."""
    return zlib.compress(json.dumps(record, ensure_ascii=False).encode("utf-8"), 6)


def _unpack(packed: bytes) -> dict:
    """The record stored by :func:`_pack`."""
    return json.loads(zlib.decompress(packed))


class RecordStore:
    """Read and write cable records in one generation's SQLite file."""

    def __init__(self, path: Path, *, writable: bool = False) -> None:
        if writable:
            self._db = sqlite3.connect(path)
            self._db.executescript(SCHEMA)
        else:
            self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)

    def close(self) -> None:
        """Commit pending writes and close."""
        self._db.commit()
        self._db.close()

    def put(self, ordinal: int, record: dict, path: str, digest: str, subject_length: int) -> None:
        """Insert or replace the record with this ordinal, and its references."""
        self._db.execute(
            "INSERT OR REPLACE INTO cables (ord, id, path, digest, subject_length, record) VALUES (?, ?, ?, ?, ?, ?)",
            (ordinal, record["id"], path, digest, subject_length, _pack(record)),
        )
        self._db.execute("DELETE FROM refs WHERE ord = ?", (ordinal,))
        self._db.executemany(
            "INSERT INTO refs (ord, ref) VALUES (?, ?)",
            [(ordinal, ref["id"]) for ref in record["references"] if ref["id"]],
        )

    def delete(self, ordinal: int) -> None:
        """Remove a cable and its references."""
        self._db.execute("DELETE FROM cables WHERE ord = ?", (ordinal,))
        self._db.execute("DELETE FROM refs WHERE ord = ?", (ordinal,))

    def ordinal(self, cable_id: str) -> int | None:
        """The ordinal of the cable with this id (case-insensitive), or None."""
        row = self._db.execute("SELECT ord FROM cables WHERE id = ?", (cable_id,)).fetchone()
        return row[0] if row else None

    def record(self, ordinal: int) -> dict:
        """The stored record of a cable."""
        row = self._db.execute("SELECT record FROM cables WHERE ord = ?", (ordinal,)).fetchone()
        if row is None:
            raise KeyError(ordinal)
        return _unpack(row[0])

    def digest(self, ordinal: int) -> str:
        """The SHA-1 of the file's bytes when the cable was indexed from it (an update's test for a changed file)."""
        row = self._db.execute("SELECT digest FROM cables WHERE ord = ?", (ordinal,)).fetchone()
        if row is None:
            raise KeyError(ordinal)
        return row[0]

    def path(self, ordinal: int) -> str:
        """The file a cable was indexed from, as it was named to the build."""
        row = self._db.execute("SELECT path FROM cables WHERE ord = ?", (ordinal,)).fetchone()
        if row is None:
            raise KeyError(ordinal)
        return row[0]

    def records(self, ordinals: list[int] | None = None) -> Iterator[tuple[int, dict, int]]:
        """Every (ordinal, record, subject length in stems), in ordinal order; only those of ``ordinals`` (held ones) when given."""
        rows: Iterable[tuple[int, bytes, int]]
        if ordinals is None:
            rows = self._db.execute("SELECT ord, record, subject_length FROM cables ORDER BY ord")
        else:
            rows = (
                row
                for ordinal in ordinals
                for row in self._db.execute("SELECT ord, record, subject_length FROM cables WHERE ord = ?", (ordinal,))
            )
        for ordinal, packed, subject_length in rows:
            yield ordinal, _unpack(packed), subject_length

    def sources(self) -> dict[str, tuple[int, str, str]]:
        """Cable id -> (ordinal, source path, content digest), for updates."""
        return {cid: (o, p, d) for o, cid, p, d in self._db.execute("SELECT ord, id, path, digest FROM cables")}

    def citing(self, cable_id: str) -> list[int]:
        """Ordinals of cables whose REF block cites ``cable_id``."""
        rows = self._db.execute("SELECT DISTINCT ord FROM refs WHERE ref = ? ORDER BY ord", (cable_id,))
        return [row[0] for row in rows]

    def count(self) -> int:
        """How many cables the store holds."""
        return self._db.execute("SELECT COUNT(*) FROM cables").fetchone()[0]

    def max_ordinal(self) -> int:
        """The largest ordinal in use, or -1 when empty."""
        return self._db.execute("SELECT COALESCE(MAX(ord), -1) FROM cables").fetchone()[0]
