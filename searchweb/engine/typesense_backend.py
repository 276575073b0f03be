"""`TypesenseSearchBackend`: the same search, answered by a Typesense cluster.

The visitor's text is parsed as for Whoosh and translated by `typesense_query`; Typesense
finds, ranks, filters, counts facets and pages; postsearch turns its answer into the same
records (`searchweb.records`), so the page, the API, the widget and the CLI do not know
which engine answered. Snippets and title highlights are made by postsearch from the stored
text, marking the words Typesense says it matched, with the same code as for Whoosh.

The client is given every node of the cluster and moves to the next when one fails, so a
search keeps being answered while a node is down. Reads may go to any node; the store
waits for every node to apply a commit before it returns.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from typesense import exceptions as ts

from indexer.errors import BackendUnavailableError, IndexMissingError, SchemaMismatchError
from indexer.index import (
    INDEX_ONLY_FIELDS,
    TOKEN_PATTERN,
    TypesenseCluster,
    alias_target,
    analyzer_for,
    document_date,
    has_document,
    query_terms,
    retrying,
    schema_differences,
    sync_synonyms,
)
from searchweb.engine.hits import deep_links
from searchweb.engine.snippets import snippet_html, title_html
from searchweb.engine.typesense_query import TypesenseQuery, translate
from searchweb.engine.typesense_related import RELATED_LIMIT, related_posts
from searchweb.engine.typesense_spelling import suggest_correction
from searchweb.engine.typesense_suggest import SUGGEST_LIMIT, suggest
from searchweb.query.syntax import completing_last_word, parse_visitor_query
from searchweb.records import (
    TYPES,
    Completion,
    FacetCount,
    FacetCounts,
    Hit,
    RelatedPost,
    SearchOptions,
    SearchRequest,
    SearchResults,
)

LOG = logging.getLogger("postsearch")
_WORD = re.compile(TOKEN_PATTERN)
FEW_RESULTS = 2  # as for Whoosh: with this many results or fewer, look for a better spelling
MAX_FACET_VALUES = 20
FACET_FIELDS = {
    "year": "year",
    "categories": "category",
    "author": "author",
    "tags": "tag",
    "kind": "type",
}
LANGUAGE_TTL = 60.0  # seconds between checks of which language most posts are in
FUZZY_NOTICE = "No posts match “{query}” exactly; showing posts with close spellings."
SLOW_NOTICE = "This search took too long; the results shown may be incomplete."


class TypesenseSearchBackend:
    """A SearchBackend over the alias of a Typesense cluster."""

    def __init__(self, cluster: TypesenseCluster, options: SearchOptions | None = None) -> None:
        self.cluster = cluster
        self.options = options or SearchOptions()
        self._language = ("en", 0.0)  # (the most common language, when it was checked)
        self._lock = threading.Lock()
        self._open()

    def _open(self) -> None:
        """Check the alias and its schema, and send the config's synonyms, at start-up."""
        read = self.cluster.read
        name = read("opening the collection", lambda c: alias_target(c, self.cluster.alias))
        if name is None:
            raise IndexMissingError(
                f"no Typesense collection behind the alias {self.cluster.alias} "
                f"({self.cluster.describe()}): run `postsearch index SOURCE` first"
            )
        fields = read("opening the collection", lambda c: c.collections[name].retrieve())["fields"]
        problems = schema_differences(fields)
        if problems:
            raise SchemaMismatchError(
                f"the Typesense collection {name} has another schema than this postsearch "
                f"reads ({'; '.join(problems[:3])}); rebuild it with "
                "`postsearch index SOURCE --full`"
            )
        try:
            retrying(
                self.cluster,
                "sending synonyms",
                lambda c: sync_synonyms(c, name, self.options.synonyms),
            )
        except BackendUnavailableError as error:
            if not isinstance(error.__cause__, ts.RequestUnauthorized | ts.RequestForbidden):
                raise
            # The key read the schema, so it is a search-only key: searching still works.
            LOG.warning("synonyms not sent (%s); `postsearch index` sends them", error)

    # -- SearchBackend --------------------------------------------------------------------

    def search(self, request: SearchRequest, notices: list[str] | None = None) -> SearchResults:
        started = time.perf_counter()
        notices = list(notices or [])
        parsed = parse_visitor_query(request.query)
        if request.partial:
            parsed = completing_last_word(parsed, request.query)
        language = self._main_language()
        query = translate(parsed, request.filters, language)
        answer = self._run(query, request) if not query.empty else {"found": 0, "hits": []}
        suggestion, fuzzy = None, False
        if parsed.words and not query.empty:
            suggestion = suggest_correction(
                self._multi_search, request.query, parsed, language, answer["found"] > FEW_RESULTS
            )
        if answer["found"] == 0 and parsed.words and not query.empty:
            close = self._run(query, request, fuzzy=True)
            if close["found"]:
                answer, fuzzy = close, True
                notices.append(FUZZY_NOTICE.format(query=request.query))
        if answer.get("search_cutoff"):
            notices.append(SLOW_NOTICE)
        hits = [self._hit(hit, query, request) for hit in answer["hits"]]
        return SearchResults(
            query=request.query,
            total=int(answer["found"]),
            page=request.page,
            per_page=request.per_page,
            hits=hits,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            notices=notices,
            sort=request.sort,
            filters=request.filters,
            facets=_facets(answer) if request.with_facets and answer["found"] else FacetCounts(),
            suggestion=suggestion,
            fuzzy=fuzzy,
        )

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[Completion]:
        return suggest(self._search_params, prefix, self._main_language(), limit)

    def related(self, url: str, limit: int = RELATED_LIMIT) -> list[RelatedPost] | None:
        return related_posts(self.cluster.read, self.cluster.alias, url, limit)

    def has_url(self, url: str) -> bool:
        alias = self.cluster.alias
        return self.cluster.read("looking up a post", lambda c: has_document(c, alias, url))

    def doc_count(self) -> int:
        described = self.cluster.read(
            "counting posts", lambda c: c.collections[self.cluster.alias].retrieve()
        )
        return int(described["num_documents"])

    def warm_up(self) -> float:
        """Load each language's stemmer and ask the cluster once; the seconds it took."""
        started = time.perf_counter()
        query_terms("warming", self._main_language(refresh=True))
        self._search_params({"q": "*", "query_by": "body_terms", "per_page": 1})
        return time.perf_counter() - started

    # -- requests -------------------------------------------------------------------------

    def _run(self, query: TypesenseQuery, request: SearchRequest, fuzzy: bool = False) -> dict:
        params = query.params(request.sort, fuzzy)
        hidden = list(INDEX_ONLY_FIELDS)
        hidden += [] if request.with_snippets else ["body", "sections"]
        params.update(
            page=request.page,
            per_page=request.per_page,
            exclude_fields=",".join(hidden),
            highlight_fields="body_terms,title_terms",
            highlight_affix_num_tokens=1,
            search_cutoff_ms=int(self.options.time_limit * 1000),
        )
        if request.with_facets:
            params.update(facet_by=",".join(FACET_FIELDS), max_facet_values=MAX_FACET_VALUES)
        return self._search_params(params)

    def _search_params(self, params: dict) -> dict:
        documents = self.cluster.alias
        try:
            return self.cluster.read(
                "searching", lambda c: c.collections[documents].documents.search(params)
            )
        except ts.ObjectNotFound as error:
            raise IndexMissingError(
                f"no Typesense collection behind the alias {self.cluster.alias}"
            ) from error

    def _multi_search(self, searches: list[dict]) -> list[dict]:
        common = {"collection": self.cluster.alias}
        answer = self.cluster.read(
            "searching", lambda c: c.multi_search.perform({"searches": searches}, common)
        )
        return answer["results"]

    def _main_language(self, refresh: bool = False) -> str:
        """The language most posts are in: queries are analysed in it (Typesense cannot
        search one word as several stems at once)."""
        language, checked = self._language
        if not refresh and time.monotonic() - checked < LANGUAGE_TTL:
            return language
        answer = self._search_params(
            {"q": "*", "query_by": "words", "facet_by": "language", "per_page": 1}
        )
        counts = answer.get("facet_counts") or [{}]
        values = counts[0].get("counts") or [{"value": "en"}]
        with self._lock:
            self._language = (values[0]["value"], time.monotonic())
        return self._language[0]

    def _hit(self, hit: dict, query: TypesenseQuery, request: SearchRequest) -> Hit:
        document = hit["document"]
        analyzer = analyzer_for(document.get("language") or "en")
        title = document.get("title") or ""
        terms = query.terms | _matched(hit)
        if query.prefix:  # Typesense names the prefix it matched, not the words
            text = f"{title}\n{document.get('body') or ''}"
            terms |= completed_terms(text, query.prefix, document.get("language") or "en")
        terms = frozenset(terms)
        snippet, subs = "", []
        if request.with_snippets:
            body, settings = document.get("body") or "", self.options.snippets
            snippet = snippet_html(
                body,
                terms,
                analyzer,
                fragments=settings.fragments,
                context_chars=settings.context_chars,
                fallback=document.get("summary") or "",
            )
            sections = document.get("sections") or ()
            subs = deep_links(document["url"], body, sections, terms, analyzer)
        published = document_date(document)
        return Hit(
            url=document["url"],
            title=title,
            title_html=title_html(title, terms, analyzer),
            snippet_html=snippet,
            date=published.isoformat() if published else None,
            author=document.get("author"),
            categories=list(document.get("categories") or []),
            tags=list(document.get("tags") or []),
            score=float(hit.get("text_match") or 0),
            sub_results=subs,
            type="page" if document.get("kind") == "page" else "post",
        )


def completed_terms(text: str, prefix: str, language: str) -> set[str]:
    """The index words of `text` that complete `prefix` (what a prefix search matched)."""
    found = set()
    for word in {match.group().lower() for match in _WORD.finditer(text)}:
        if word.startswith(prefix[:3]):
            found.update(t for t in query_terms(word, language) if t.startswith(prefix))
    return found


def _matched(hit: dict) -> set[str]:
    """The index words Typesense matched in this hit (close spellings and prefixes too)."""
    found = set()
    for highlight in hit.get("highlights") or []:
        for token in highlight.get("matched_tokens") or []:
            found.update(token if isinstance(token, list) else [token])
    return {token.lower() for token in found}


def _facets(answer: dict) -> FacetCounts:
    counts = {name: [] for name in FACET_FIELDS.values()}
    for facet in answer.get("facet_counts") or []:
        name = FACET_FIELDS.get(facet["field_name"])
        if name is None:
            continue
        values = [FacetCount(str(c["value"]), int(c["count"])) for c in facet["counts"]]
        if name == "year":
            values.sort(key=lambda c: c.value, reverse=True)
        elif name == "type":  # posts, then pages, as Whoosh lists them
            values.sort(key=lambda c: TYPES.index(c.value) if c.value in TYPES else len(TYPES))
        else:
            values.sort(key=lambda c: (-c.count, c.value.lower()))
        counts[name] = values[:MAX_FACET_VALUES]
    return FacetCounts(counts)
