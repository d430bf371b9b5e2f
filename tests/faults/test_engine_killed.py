"""The embedded engine killed (kill -9) in the middle of a stream of publishes: 503 with a clear message while it
is down, /healthz says so, the watcher restarts it, every graph is then its old or its new version, whole, and no
acknowledged publish is lost."""

from __future__ import annotations

import os
import signal
import threading
import time

import requests

from towngown.submission import same_data
from towngown.tokens import create_token


def test_engine_killed_during_publishes_loses_nothing(disk_site, kit) -> None:  # noqa: ANN001
    """Two publisher threads alternate two versions of their graph while the engine is killed twice; answers are
    200/201 or 503 (never 500), /healthz turns 503 then 200, and each graph equals its last acknowledged version
    (or a later attempt), whole."""
    site = disk_site
    SLUGS, held, put, submitted, versions_of = kit.SLUGS, kit.held, kit.put, kit.submitted, kit.versions_of  # noqa: N806
    token, _ = create_token(site.settings, "Test", list(SLUGS))
    bodies = {slug: versions_of(slug) for slug in SLUGS}
    log: dict[str, list[tuple[int, int, str]]] = {slug: [] for slug in SLUGS}
    stop = threading.Event()

    def publisher(slug: str) -> None:
        n = 0
        while not stop.is_set():
            which = n % 2
            try:
                answer = put(site.url, slug, bodies[slug][which], token)
                status = answer.status_code
                detail = answer.json().get("detail", "") if status >= 400 else ""
            except requests.RequestException as exc:  # a broken connection counts as not acknowledged
                status, detail = 0, str(exc)
            log[slug].append((which, status, detail))
            n += 1
            time.sleep(0.02)

    threads = [threading.Thread(target=publisher, args=(slug,)) for slug in SLUGS]
    for thread in threads:
        thread.start()
    health: list[int] = []
    engine = site.store.engine
    for _ in range(2):
        time.sleep(1.5)
        pid = engine.pid
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = requests.get(f"{site.url}/healthz", timeout=30).status_code
            health.append(status)
            if status == 200 and engine.pid != pid:
                break
            time.sleep(0.02)
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    down = [d for slug in SLUGS for _, s, d in log[slug] if s == 503]
    statuses = {s for slug in SLUGS for _, s, _ in log[slug]}
    acknowledged = sum(1 for slug in SLUGS for _, s, _ in log[slug] if s in (200, 201))
    lost = 0
    for slug in SLUGS:
        entries = log[slug]
        last_ok = max(i for i, (_, s, _) in enumerate(entries) if s in (200, 201))
        candidates = [entries[last_ok][0]] + [w for w, s, _ in entries[last_ok + 1:]]
        now = held(site, slug)
        assert now is not None
        whole = [w for w in set(candidates) if same_data(now, submitted(bodies[slug][w]))]
        lost += 0 if whole else 1
    print(f"\nengine killed twice (restarts: {engine.restarts}); publishes acknowledged/lost: {acknowledged}/{lost}; "
          f"503 answers while down: {len(down)}; /healthz 503 polls: {health.count(503)}")
    assert lost == 0
    assert engine.restarts >= 2
    assert 503 in health and health[-1] == 200
    assert statuses <= {200, 201, 503}, statuses
    assert all(d for d in down)
    assert acknowledged >= 4
