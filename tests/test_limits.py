"""The JSON API bounds each client's work: rate limits, CORS allow-list, bounded parameters."""

from __future__ import annotations

from searchweb.web.app import create_app


def _app(index_dir, **config):
    return create_app(config={"index_dir": index_dir, "query_log": False, **config})


def test_a_client_over_the_limit_gets_429_with_retry_after(demo_index):
    client = _app(demo_index[0], rate_limit="3 per minute").test_client()
    statuses = [client.get("/api/search?q=garden").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get("/api/search?q=garden")
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    # The HTML page is not limited, and another client has its own allowance.
    assert client.get("/search?q=garden").status_code == 200
    other = client.get("/api/search?q=garden", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_rate_limit_can_be_switched_off(demo_index):
    client = _app(demo_index[0], rate_limit="").test_client()
    assert {client.get("/api/search?q=bread").status_code for _ in range(20)} == {200}


def test_cors_answers_only_listed_origins(demo_index):
    client = _app(demo_index[0], cors_origins=["https://blog.example"]).test_client()
    allowed = client.get("/api/search?q=garden", headers={"Origin": "https://blog.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://blog.example"
    assert "Origin" in allowed.headers["Vary"]
    refused = client.get("/api/search?q=garden", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert refused.status_code == 200  # the browser, not the server, withholds the answer
    page = client.get("/search?q=garden", headers={"Origin": "https://blog.example"})
    assert "Access-Control-Allow-Origin" not in page.headers
