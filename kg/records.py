"""The records an incremental corpus build keeps: one per document, beside the store.

:class:`CorpusState` is the SQLite file ``DIR/zhkg-corpus.sqlite`` in an ``oxigraph:DIR`` store:
per document its content hash, the document as read, the names it establishes, what it tells the
entity resolver and its analysed form. :class:`Spill` holds analysed documents waiting for the
corpus' names, on disk. :mod:`kg.corpus` decides what to do with them.
"""
from __future__ import annotations

import json
import pickle
import sqlite3
import tempfile
import zlib
from pathlib import Path
from typing import Iterable, Iterator

from kg.errors import KGError
from kg.stages import BuildOptions
from kg.types import Document

STATE_FILE = "zhkg-corpus.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    iri TEXT PRIMARY KEY, doc_id TEXT NOT NULL, hash TEXT NOT NULL, source BLOB NOT NULL,
    names BLOB NOT NULL, contrib BLOB NOT NULL, relations INTEGER NOT NULL, final BLOB NOT NULL);
"""


def dump(obj) -> bytes:
    return zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 1)


def load(blob: bytes):
    return pickle.loads(zlib.decompress(blob))


class CorpusState:
    """The per-document records of a store (an SQLite file inside the store's folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(str(path))
        self.db.executescript(SCHEMA)

    def check_options(self, options: BuildOptions) -> None:
        """A store is built with one set of options: another set would mix two kinds of graph."""
        recorded = {k: v for k, v in options.__dict__.items() if k != "config" or v is not None}
        wanted = json.dumps(recorded, sort_keys=True)  # a store of the default config: as before
        row = self.db.execute("SELECT value FROM meta WHERE key = 'options'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('options', ?)", (wanted,))
        elif row[0] != wanted:
            raise KGError(f"the store was built with other options ({row[0]})",
                          hint="use the same --base, --ner-model, --config and --no-text, or a new store")

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        self.db.commit()

    def hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT iri, hash FROM docs"))

    def column(self, name: str, iris: Iterable[str] | None = None) -> Iterator[tuple[str, object]]:
        """(iri, value) of one column, unpickled, for all records or the given ones."""
        if iris is None:
            rows = self.db.execute(f"SELECT iri, {name} FROM docs ORDER BY iri")
        else:
            rows = (r for iri in sorted(iris)
                    for r in self.db.execute(f"SELECT iri, {name} FROM docs WHERE iri = ?", (iri,)))
        for iri, blob in rows:
            yield iri, blob if isinstance(blob, (int, str)) else load(blob)

    def put(self, iri: str, doc: Document, digest: str, source: dict, names, contrib) -> None:
        self.db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (iri, doc.id, digest, dump(source), dump(names), dump(contrib),
                         len(doc.relations), dump(doc)))

    def delete(self, iri: str) -> None:
        self.db.execute("DELETE FROM docs WHERE iri = ?", (iri,))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()


class Spill:
    """Analysed documents waiting for the corpus' names, kept on disk (a temporary SQLite file)."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="zhkg-")
        self.db = sqlite3.connect(str(Path(self._dir.name) / "spill.sqlite"))
        self.db.execute("CREATE TABLE pending (iri TEXT PRIMARY KEY, hash TEXT, source BLOB, "
                        "names BLOB, doc BLOB)")
        self.names: dict[str, dict] = {}

    def add(self, iri: str, digest: str, source: dict, doc, names) -> None:
        self.names[iri] = names
        self.db.execute("INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?, ?)",
                        (iri, digest, dump(source), dump(names), dump(doc)))

    def __contains__(self, iri: str) -> bool:
        return iri in self.names

    def __len__(self) -> int:
        return len(self.names)

    def items(self) -> Iterator[tuple[str, str, dict, dict, Document]]:
        for iri, digest, source, names, doc in self.db.execute("SELECT * FROM pending ORDER BY iri"):
            yield iri, digest, load(source), load(names), load(doc)

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()
