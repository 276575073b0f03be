"""The fuzz test of test_api_fuzz.py once more, counting the status of every answer.

Hypothesis runs it derandomized, so these are the same 10,000 requests `make test` sends;
the counts go into docs/reliability.md. It doubles the fuzz test's time, so it runs only
when POSTSEARCH_FUZZ_COUNT=1 (`make harden`); the assertions are the original test's.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import test_api_fuzz as fuzz

pytestmark = pytest.mark.skipif(
    os.environ.get("POSTSEARCH_FUZZ_COUNT") != "1",
    reason="a second run of the 10,000-example fuzz test: set POSTSEARCH_FUZZ_COUNT=1",
)


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


def test_fuzzed_requests_counted_by_status(demo_client):
    counting = CountingClient(demo_client)
    fuzz.test_random_requests_never_fail_the_server(counting)
    total = sum(counting.statuses.values())
    print(f"\nfuzzed requests: {total}; statuses {dict(sorted(counting.statuses.items()))}")
    print(f"4xx error codes: {dict(counting.codes.most_common())}")
    assert total >= 10_000
    assert not any(status >= 500 for status in counting.statuses)
