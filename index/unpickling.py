"""Open a whoosh index without letting its files run code.

whoosh keeps Python pickles on disk: the schema and the segment list in the
table of contents and the stored fields (posting lists are raw arrays,
:mod:`cables.index.codec`; position lists are pickled only in memory, when
whoosh's merge reads them from the codec and its writer decodes them).
Unpickling can call any importable function, so a planted pickle would run code the moment an
index is read.  Here every pickle whoosh reads goes through an unpickler that
resolves only the few classes a ``cables`` index holds (found by recording
every global its pickles name), and refuses anything else before it is
built.  The schema is never unpickled at all: its bytes in the table of
contents must equal those of this engine's own schema, which is what whoosh
is then given; and the segment list is checked field by field before any
segment is opened.
"""

from __future__ import annotations

import io
import pickle
import re
import struct
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from cables.index.integrity import TOC_PATTERN, IndexDamage, require
from cables.index.schema import paragraph_schema

INDEX_NAME = "MAIN"
ALLOWED_GLOBALS = frozenset(
    {
        ("whoosh.codec.whoosh3", "W3Segment"),  # the segment list
        ("cables.index.codec", "ArrayCodec"),  # each segment's codec: whoosh's W3 with postings as arrays
        ("collections", "defaultdict"),  # a segment's field lengths
        ("builtins", "int"),  # their default factory
    }
)
SEGMENT_ID = re.compile(r"[0-9a-z]{1,64}")
SEGMENT_ATTRIBUTES = {"indexname", "segid", "_codec", "_doccount", "_deleted", "compound", "_fieldlengths"}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only :data:`ALLOWED_GLOBALS`."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"a pickle names {module}.{name}, which no cables index holds")
        return super().find_class(module, name)


def restricted_loads(data: bytes) -> Any:
    """``pickle.loads`` limited to the classes of a cables index."""
    return RestrictedUnpickler(io.BytesIO(data)).load()


def restricted_load(handle: IO[bytes]) -> Any:
    """``pickle.load`` limited to the classes of a cables index."""
    return RestrictedUnpickler(handle).load()


def guard_whoosh() -> None:
    """Route every pickle whoosh reads through the restricted unpickler.

    whoosh binds ``load``/``loads`` into each module that reads pickles when
    it is imported, so those bindings are the ones replaced (whoosh is pinned
    exactly; a test checks that no whoosh module keeps the unrestricted ones).
    """
    from whoosh import columns, formats
    from whoosh.codec import whoosh3
    from whoosh.filedb import structfile

    structfile.load_pickle = restricted_load  # the segment list, block headers, hash table extras
    whoosh3.loads = restricted_loads  # posting blocks, inlined postings
    columns.loads = restricted_loads  # stored fields
    formats.loads = restricted_loads  # position lists


def open_index(folder: Path):
    """Open the whoosh index in ``folder`` with this engine's schema, after checking its segment list."""
    from whoosh import index as whoosh_index

    guard_whoosh()
    check_schema_bytes(folder)
    try:
        ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME, schema=paragraph_schema())
    except pickle.UnpicklingError as error:
        raise IndexDamage(f"its table of contents is refused: {error}") from None
    from whoosh.index import TOC

    check_segments(TOC.read(ix.storage, INDEX_NAME, schema=paragraph_schema()).segments)
    return ix


def check_schema_bytes(folder: Path) -> None:
    """Refuse a table of contents whose layout or pickled schema is not exactly what this engine writes.

    whoosh would read the newest ``.toc``; its head (number sizes, byte
    order mark, format and whoosh versions, schema pickle) is read here with
    whoosh's number readers (no pickle) and compared, bytes for bytes, with
    the head of a table of contents whoosh writes in memory for
    :func:`cables.index.schema.paragraph_schema`.
    """
    generations = [int(path.name.split("_")[-1].removesuffix(".toc")) for path in folder.iterdir() if TOC_PATTERN.fullmatch(path.name)]
    require(bool(generations), "the whoosh folder has no table of contents")
    name = f"_{INDEX_NAME}_{max(generations)}.toc"
    try:
        with open(folder / name, "rb") as handle:
            found = _toc_head(handle)
    except (OSError, EOFError, struct.error) as error:
        raise IndexDamage(f"{name} cannot be read: {error}") from None
    require(found == expected_toc_head(), f"{name} is not a table of contents this engine writes, or holds another schema")


def _toc_head(handle: IO[bytes]) -> tuple:
    """What a table of contents holds before its generation and segments: sizes, marks, versions and the schema's bytes."""
    from whoosh.filedb.structfile import StructFile

    stream = StructFile(handle)
    sizes = [stream.read_varint() for _ in range(3)]
    marks = [stream.read_int(), stream.read_int()]
    release = [stream.read_varint() for _ in range(3)]
    return sizes, marks, release, stream.read(stream.read_varint())


@lru_cache(maxsize=1)
def expected_toc_head() -> tuple:
    """The head of the table of contents whoosh writes for this engine's schema (written in memory once)."""
    from whoosh.filedb.filestore import RamStorage
    from whoosh.index import TOC

    storage = RamStorage()
    TOC(paragraph_schema(), [], 1).write(storage, INDEX_NAME)
    (name,) = storage.list()
    return _toc_head(io.BytesIO(storage.open_file(name).read()))


def schema_bytes() -> bytes:
    """The schema pickle whoosh writes into a table of contents (protocol 2, as ``TOC.write`` does)."""
    schema = paragraph_schema()
    schema.clean()
    return pickle.dumps(schema, 2)


def check_segments(segments: Any) -> None:
    """Refuse a segment list that is not what a build writes: whoosh 3 segments with sane counts and ids."""
    from whoosh.codec.whoosh3 import W3Segment

    from cables.index.codec import ArrayCodec

    require(type(segments) is list, "the segment list is not a list")
    seen: set[str] = set()
    for segment in segments:
        require(type(segment) is W3Segment and set(vars(segment)) == SEGMENT_ATTRIBUTES, "a segment is not a whoosh 3 segment")
        require(segment.indexname == INDEX_NAME and not segment.compound, "a segment belongs to another index layout")
        require(
            isinstance(segment.segid, str) and bool(SEGMENT_ID.fullmatch(segment.segid)) and segment.segid not in seen,
            "a segment id is malformed or repeated",
        )
        seen.add(segment.segid)
        state = vars(segment)  # the unpickled state, checked key by key: whoosh's on-disk segment format
        count = state["_doccount"]
        require(type(count) is int and count >= 0, f"segment {segment.segid} has a malformed document count")
        deleted = state["_deleted"]
        require(
            deleted is None or (type(deleted) is set and all(type(d) is int and 0 <= d < count for d in deleted)),
            f"segment {segment.segid} deletes documents it does not have",
        )
        lengths = state["_fieldlengths"]
        require(
            type(lengths) is defaultdict
            and lengths.default_factory is int
            and all(type(k) is str and type(v) is int for k, v in lengths.items()),
            f"segment {segment.segid} has malformed field lengths",
        )
        codec = segment.codec()
        require(
            type(codec) is ArrayCodec and all(type(v) is int for v in vars(codec).values()),
            f"segment {segment.segid} has a malformed codec",
        )
