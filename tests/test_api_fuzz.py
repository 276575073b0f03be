"""10,000 random queries and parameter sets at /api/search: never a 5xx, every 4xx in shape.

Hypothesis draws from what visitors and scripts actually send: words from the demo site,
query syntax in every wrong place (quotes, OR, fields, dates, stars, minus signs), emoji,
control characters, very long text, and parameters of every kind of wrong.

The second test runs the first once more, counting the status of every answer for
docs/reliability.md. Hypothesis runs derandomized, so it sends the same 10,000 requests;
it doubles the time, so it runs only when POSTSEARCH_FUZZ_COUNT=1 (`make harden`).
"""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Both tests send 10,000 requests. A module mark, not a decorator: Hypothesis derives the
# derandomized examples from the test function's source, decorators included.
pytestmark = pytest.mark.slow

WORDS = ["garden", "bread", "sourdough", "bike", "the", "hedgehgo", "compost", "Maya", "año"]
SYNTAX = [
    '"',
    "-",
    "OR",
    "AND",
    "*",
    "?",
    ":",
    "title:",
    "author:",
    "category:",
    "tag:",
    "date:",
    "date:2023",
    "date:2021..2023",
    "date:..",
    "..",
    "(",
    ")",
    "\\",
    "%",
    "&",
]
ODD = [
    "🍞",
    "\u0000",
    "\u202e",
    "\ufeff",
    "<script>",
    "' OR 1=1 --",
    "\t",
    "\n",
    "\uff47\uff41\uff52\uff44\uff45\uff4e",
]

query_piece = st.one_of(
    st.sampled_from(WORDS + SYNTAX + ODD),
    st.text(max_size=12),
    st.builds(lambda w: w + "*", st.sampled_from(WORDS)),
    st.builds(lambda f, w: f"{f}{w}", st.sampled_from(SYNTAX), st.sampled_from(WORDS)),
)
queries = st.one_of(
    st.lists(query_piece, max_size=12).map(" ".join),
    st.text(max_size=40),
    st.builds(lambda n: "garden " * n, st.integers(0, 1200)),
)
numbers = st.one_of(
    st.integers(-5, 200).map(str),
    st.sampled_from(["", "abc", "1.5", "1e3", "99999999999999999999"]),
)
values = st.one_of(
    st.sampled_from(["2023", "Gardening", "Maya Okafor", "bread", ""]), st.text(max_size=15)
)
params = st.fixed_dictionaries(
    {},
    optional={
        "q": queries,
        "s": queries,
        "page": numbers,
        "per_page": numbers,
        "sort": st.sampled_from(["relevance", "newest", "oldest", "", "RANDOM", "date"]),
        "year": st.lists(values, max_size=12),
        "category": st.lists(values, max_size=3),
        "author": st.lists(values, max_size=3),
        "tag": st.lists(values, max_size=12),
        "from": st.sampled_from(["2021", "2021-05", "2021-05-04", "2021-13", "x", ""]),
        "to": st.sampled_from(["2022", "2022-02-29", "..", ""]),
    },
)


@settings(
    max_examples=10_000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params)
def test_random_requests_never_fail_the_server(demo_client, request_params):
    response = demo_client.get("/api/search", query_string=request_params)
    assert response.status_code < 500, (request_params, response.get_data(as_text=True))
    body = response.get_json()
    if response.status_code >= 400:
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message"} and body["error"]["message"]
    else:
        assert isinstance(body["results"], list)
        assert len(body["results"]) <= body["per_page"]
        for hit in body["results"]:
            assert not set(re.findall(r"</?([a-zA-Z][\w-]*)", hit["snippet_html"])) - {"mark"}


class CountingClient:
    """The Flask test client, counting each answer's status (and 4xx error codes)."""

    def __init__(self, client) -> None:
        self.client = client
        self.statuses: Counter[int] = Counter()
        self.codes: Counter[str] = Counter()

    def get(self, *args, **kwargs):
        response = self.client.get(*args, **kwargs)
        self.statuses[response.status_code] += 1
        if response.status_code >= 400:
            self.codes[response.get_json()["error"]["code"]] += 1
        return response


@pytest.mark.skipif(
    os.environ.get("POSTSEARCH_FUZZ_COUNT") != "1",
    reason="a second run of the 10,000-example fuzz test: set POSTSEARCH_FUZZ_COUNT=1",
)
def test_fuzzed_requests_counted_by_status(demo_client):
    counting = CountingClient(demo_client)
    test_random_requests_never_fail_the_server(counting)  # the test above, on this client
    total = sum(counting.statuses.values())
    print(f"\nfuzzed requests: {total}; statuses {dict(sorted(counting.statuses.items()))}")
    print(f"4xx error codes: {dict(counting.codes.most_common())}")
    assert total >= 10_000
    assert counting.statuses[200] > 0  # some requests were answered, not all refused
    assert not any(status >= 500 for status in counting.statuses)
