"""schemathesis against /openapi.json: every documented route, without tokens, in-process over WSGI."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

FUZZ = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def test_no_route_answers_500_breaks_its_schema_or_writes_without_a_token(site) -> None:  # noqa: ANN001
    """Generated requests to every documented operation (no token) never get a 5xx other than a stated limit,
    every response matches the documented schema, and the store is unchanged afterwards."""
    store = site.app.extensions["towngown.store"]
    before = store.dump("nquads")
    schema = schemathesis.openapi.from_wsgi("/openapi.json", site.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    calls: dict[int, int] = {}

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def check(case) -> None:  # noqa: ANN001
            response = case.call()
            calls[response.status_code] = calls.get(response.status_code, 0) + 1
            assert response.status_code < 500 or response.status_code in (503, 507), (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            )
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            if case.method in ("PUT", "DELETE"):
                assert response.status_code in (401, 400, 404, 405, 413, 415, 429), response.text[:300]

        check()
    assert store.dump("nquads") == before, "a request without a token changed the store"
    print(f"schemathesis: {len(operations)} operations, {sum(calls.values())} requests, statuses {dict(sorted(calls.items()))}")
