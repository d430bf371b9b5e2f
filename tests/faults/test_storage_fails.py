"""A data directory that cannot be written (its history folder replaced by a regular file, so every mkdir and
write under it fails, as root too): publishing fails with a clear 507 problem and changes nothing; reads go on."""

from __future__ import annotations

import shutil

import requests

from towngown.tokens import create_token


def test_unwritable_data_directory_fails_publishing_clearly_and_reads_go_on(disk_site, kit) -> None:  # noqa: ANN001
    """With <data dir>/history a regular file, PUT and DELETE answer 507 problem+json naming the data directory,
    the store is unchanged, and pages, /sparql, GET /graphs and /healthz still answer 200."""
    site = disk_site
    slug = kit.SLUGS[0]
    token, _ = create_token(site.settings, "Test", [slug])
    body = kit.versions_of(slug)
    assert kit.put(site.url, slug, body[0], token).status_code == 201
    before = sorted(site.store.dump("nquads").splitlines())
    history = site.settings.data_dir.resolve() / "history"
    # Tests run as root, where chmod does not stop writes: a FILE where the folder must be stops them.
    shutil.rmtree(history)
    history.write_text("not a folder\n")
    answers = [kit.put(site.url, slug, body[1], token),
               requests.delete(f"{site.url}/graphs/{slug}", headers={"Authorization": f"Bearer {token}"}, timeout=30)]
    for answer in answers:
        assert answer.status_code == 507, answer.text[:300]
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        assert "data directory" in answer.json()["detail"]
    assert sorted(site.store.dump("nquads").splitlines()) == before
    reads = {path: requests.get(f"{site.url}{path}", timeout=30).status_code
             for path in ("/", f"/graphs/{slug}", "/healthz", f"/id/partnership/{slug}",
                          "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D")}
    print(f"\nunwritable data directory: publish answers {[a.status_code for a in answers]}, reads {reads}")
    assert set(reads.values()) == {200}
