"""The index: its schema and analysis, its files, and the one interface that writes it.

This package is the contract between the indexer and the search side. The names below are
its public face: `searchweb` imports only these (import-linter checks it), and reads the
index through them, never through the modules behind them nor through Whoosh's internals
(which stay in `indexer.index.whoosh_internals` and, for writing, `whoosh_writer`).

- `schema`, `analysis`, `manifest`: what the index holds and how text is analysed.
- `storage`: opening an index (read-only for searching), durable commits.
- `store`: `PostStore`, the write interface, and `WhooshPostStore`.
- `listfiles`: long posting lists written beside each segment, read with numpy.
- `wordfiles`: each segment's vocabulary ("did you mean"'s words), written beside it.
- `whoosh_writer`: the writer `WhooshPostStore` writes with.
- `segment_cache`: the one cache for values read from immutable segments.
- `typesense_docs`, `typesense_cluster`, `typesense_store`: the same posts in a Typesense
  cluster instead (the document mapping both sides share, the client with its errors and
  retries, and `TypesensePostStore`).
"""

from importlib import import_module
from typing import TYPE_CHECKING

from indexer.index.analysis import (
    DEFAULT_LANGUAGE,
    SNOWBALL_LANGUAGES,
    TOKEN_PATTERN,
    normalize_language,
    stem_terms,
    text_analyzer,
)
from indexer.index.listfiles import read_list, read_positions, select_positions
from indexer.index.manifest import (
    MANIFEST_NAME,
    READABLE_SCHEMA_VERSIONS,
    SCHEMA_VERSION,
    read_manifest,
)
from indexer.index.schema import KIND_FIELD, body_field, build_schema, stored_text, title_field
from indexer.index.segment_cache import SegmentCache
from indexer.index.storage import open_existing
from indexer.index.store import PostStore, WhooshPostStore
from indexer.index.typesense_docs import (
    INDEX_ONLY_FIELDS,
    TYPESENSE_SCHEMA_VERSION,
    analyzer_for,
    document_date,
    document_id,
    name_terms,
    plain_words,
    query_terms,
    schema_differences,
)
from indexer.index.whoosh_internals import (
    LENGTH_OF_CODE,
    bm25_parameters,
    deleted_docnums,
    is_null_query,
    length_codes,
    read_whoosh_positions,
    segment_id,
    segment_key,
)
from indexer.index.wordfiles import segment_words

# The Typesense client (and the HTTP stack under it) is loaded when one of these is first
# used, so that commands and servers on the Whoosh index start without it.
_TYPESENSE_NAMES = {
    "TypesenseCluster": "typesense_cluster",
    "alias_target": "typesense_cluster",
    "cluster_errors": "typesense_cluster",
    "node_health": "typesense_cluster",
    "read_generation": "typesense_cluster",
    "retrying": "typesense_cluster",
    "TypesensePostStore": "typesense_store",
    "has_document": "typesense_store",
    "sync_synonyms": "typesense_store",
}

if TYPE_CHECKING:
    from indexer.index.typesense_cluster import (
        TypesenseCluster,
        alias_target,
        cluster_errors,
        node_health,
        read_generation,
        retrying,
    )
    from indexer.index.typesense_store import TypesensePostStore, has_document, sync_synonyms


def __getattr__(name: str) -> object:
    """A Typesense name, imported on first use (PEP 562)."""
    module = _TYPESENSE_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"indexer.index.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_LANGUAGE",
    "INDEX_ONLY_FIELDS",
    "KIND_FIELD",
    "LENGTH_OF_CODE",
    "MANIFEST_NAME",
    "READABLE_SCHEMA_VERSIONS",
    "SCHEMA_VERSION",
    "SNOWBALL_LANGUAGES",
    "TOKEN_PATTERN",
    "TYPESENSE_SCHEMA_VERSION",
    "PostStore",
    "SegmentCache",
    "TypesenseCluster",
    "TypesensePostStore",
    "WhooshPostStore",
    "alias_target",
    "analyzer_for",
    "bm25_parameters",
    "body_field",
    "build_schema",
    "cluster_errors",
    "deleted_docnums",
    "document_date",
    "document_id",
    "has_document",
    "is_null_query",
    "length_codes",
    "name_terms",
    "node_health",
    "normalize_language",
    "open_existing",
    "plain_words",
    "query_terms",
    "read_generation",
    "read_list",
    "read_manifest",
    "read_positions",
    "read_whoosh_positions",
    "retrying",
    "schema_differences",
    "segment_id",
    "segment_key",
    "segment_words",
    "select_positions",
    "stem_terms",
    "stored_text",
    "sync_synonyms",
    "text_analyzer",
    "title_field",
]
