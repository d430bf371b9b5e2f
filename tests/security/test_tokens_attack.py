"""Publishing tokens under attack: every bad token is 401/403, brute force is rate-limited (429 with Retry-After)
and logged, tokens are compared in constant time, and no token or stored hash shows up in a log or a body."""

from __future__ import annotations

import inspect
import json
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from towngown import tokens
from towngown.datadir import tokens_path
from towngown.errors import Unauthorized
from towngown.tokens import create_token, revoke_token, verify_token

ROOT = Path(__file__).resolve().parents[2]
SLUG = "oppdal-ntnu"
OPPDAL = (ROOT / "data" / "partnerships" / f"{SLUG}.trig").read_bytes()


def _put(site, token: str | None, body: bytes = OPPDAL, slug: str = SLUG) -> requests.Response:  # noqa: ANN001
    headers = {"Content-Type": "application/trig", "Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.put(f"{site.url}/graphs/{slug}", data=body, headers=headers, timeout=60)


def _delete(site, token: str) -> requests.Response:  # noqa: ANN001
    return requests.delete(f"{site.url}/graphs/{SLUG}", headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _stored_hashes(settings) -> list[str]:  # noqa: ANN001
    records = json.loads(Path(tokens_path(settings)).read_text())["tokens"]
    return [r["hash"] for r in records.values()] + [r["salt"] for r in records.values()]


def test_bad_tokens_are_refused_and_nothing_secret_is_logged_or_echoed(site, caplog, capfd) -> None:  # noqa: ANN001
    """Wrong, malformed, expired, revoked, other-partnership and replayed-after-revocation tokens get 401/403 and
    write nothing; no token, secret or stored hash appears in any log line, stderr/stdout or response body."""
    caplog.set_level(logging.DEBUG)
    settings = site.settings
    good, good_info = create_token(settings, "Oppdal kommune", [SLUG])
    past = datetime.now(timezone.utc) - timedelta(days=3)
    expired, _ = create_token(settings, "Oppdal kommune", [SLUG], expires_days=1, now=past)
    revoked, revoked_info = create_token(settings, "Oppdal kommune", [SLUG])
    revoke_token(settings, revoked_info.id)
    other, _ = create_token(settings, "Gjøvik kommune", ["gjovik-ntnu"])
    prefix, token_id, secret = good.split("_", 2)
    wrong_secret = f"{prefix}_{token_id}_{secret[::-1]}"
    unknown_id = f"{prefix}_{'0' * 12}_{secret}"
    before = sorted(site.store.dump("nquads").splitlines())
    cases = {
        "missing": (None, 401), "garbage": ("not-a-token", 401), "wrong secret": (wrong_secret, 401),
        "unknown id": (unknown_id, 401), "expired": (expired, 401), "revoked": (revoked, 401),
        "other partnership": (other, 403),
    }
    bodies = []
    for name, (token, status) in cases.items():
        answer = _put(site, token)
        assert answer.status_code == status, (name, answer.status_code, answer.text[:200])
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        bodies.append(answer.text)
    assert sorted(site.store.dump("nquads").splitlines()) == before
    # Replay after revocation: the token worked, is revoked, and is refused from then on (PUT and DELETE).
    assert _put(site, good).status_code == 201
    revoke_token(settings, good_info.id)
    replay, replay_delete = _put(site, good), _delete(site, good)
    assert (replay.status_code, replay_delete.status_code) == (401, 401)
    assert "revoked" in replay.json()["detail"]
    bodies += [replay.text, replay_delete.text]
    with_hashes = _stored_hashes(settings)
    out, err = capfd.readouterr()
    secrets = [good, expired, revoked, other, wrong_secret, unknown_id, secret, secret[::-1]]
    secrets += [t.split("_", 2)[2] for t in (expired, revoked, other)]
    leaks = [s for s in secrets + with_hashes for text in (caplog.text, out, err, *bodies) if s in text]
    print(f"\nbad tokens refused: {len(cases) + 2}, log lines checked: {len(caplog.records)}, secrets leaked: {len(leaks)}")
    assert leaks == []


def test_brute_force_is_rate_limited_per_address_and_logged(site_with, caplog) -> None:  # noqa: ANN001
    """After 10 failed authentications in a minute an address gets 429 with Retry-After, even with a valid token;
    each failure is logged with the address but without the token; GETs are unaffected."""
    caplog.set_level(logging.WARNING)
    site = site_with(auth_failures_per_minute=10)
    if True:
        good, _ = create_token(site.settings, "Oppdal kommune", [SLUG])
        prefix, token_id, secret = good.split("_", 2)
        statuses = [_put(site, f"{prefix}_{token_id}_guess{n:04d}").status_code for n in range(14)]
        assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
        blocked = _put(site, good)
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["Retry-After"]) <= 60
        assert blocked.json()["status"] == 429
        assert requests.get(f"{site.url}/graphs/gjovik-ntnu", timeout=30).status_code == 200
        failures = [r for r in caplog.records if "failed authentication" in r.getMessage()]
        assert len(failures) == 10 and all("127.0.0.1" in r.getMessage() for r in failures)
        assert not any(secret in r.getMessage() or "guess" in r.getMessage() for r in caplog.records)
        print(f"\nbrute force: {statuses.count(401)} guesses answered 401, then {statuses.count(429) + 1} answered 429")


def test_token_comparison_is_constant_time(site, monkeypatch) -> None:  # noqa: ANN001
    """verify_token compares with hmac.compare_digest, and a wrong secret for a real id does the same work as an
    unknown id (one scrypt derivation with the same cost parameters, one constant-time comparison of 32 bytes), so timing does not
    tell which ids exist. (Counted, not timed: timings belong in bench/.)"""
    source = inspect.getsource(tokens)
    assert "hmac.compare_digest" in source and "== expected" not in source
    settings = site.settings
    good, _ = create_token(settings, "Oppdal kommune", [SLUG])
    prefix, token_id, secret = good.split("_", 2)
    probes = {"valid id, wrong secret": f"{prefix}_{token_id}_{'x' * len(secret)}",
              "unknown id": f"{prefix}_{'f' * 12}_{'x' * len(secret)}"}
    tokens._dummy_digest()  # derived once per process, before any probe
    original_hash, original_compare = tokens._hash, tokens.hmac.compare_digest
    work: dict[str, list[tuple[str, int]]] = {}
    for name, probe in probes.items():
        calls: list[tuple[str, int]] = []
        monkeypatch.setattr(tokens, "_hash", lambda s, salt, c=calls: (c.append(("scrypt", 0)), original_hash(s, salt))[1])
        monkeypatch.setattr(tokens.hmac, "compare_digest",
                            lambda x, y, c=calls: (c.append(("compare", len(x))), original_compare(x, y))[1])
        try:
            verify_token(settings, probe)
        except Unauthorized:
            pass
        work[name] = calls
    assert work["valid id, wrong secret"] == work["unknown id"] == [("scrypt", 0), ("compare", 32)]
