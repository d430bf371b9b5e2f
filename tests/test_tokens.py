"""Publishing tokens: shown once, stored as salted hashes only, scoped, expiring, revocable; and the `token` command."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from towngown.cli import cli
from towngown.config import Settings
from towngown.errors import Forbidden, InputError, NotFound, Unauthorized
from towngown.tokens import authorize, create_token, list_tokens, revoke_token, verify_token


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data directory."""
    return Settings(data_dir=tmp_path)


def test_the_token_file_holds_no_secret_only_a_salted_hash(settings: Settings, tmp_path: Path) -> None:
    """The token file (mode 600) holds neither token nor secret; each token has its own salt and scrypt hash."""
    first, info = create_token(settings, "Gjøvik kommune", ["gjovik-ntnu"])
    second, _ = create_token(settings, "Gjøvik kommune", ["gjovik-ntnu"])
    path = tmp_path / "tokens.json"
    text = path.read_text()
    for token in (first, second):
        assert token.split("_", 2)[2] not in text and token not in text
    records = json.loads(text)["tokens"]
    assert len({r["salt"] for r in records.values()}) == 2
    assert all(r["kdf"].startswith("scrypt") and len(bytes.fromhex(r["hash"])) == 32 for r in records.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.startswith(f"tg_{info.id}_")


def test_a_valid_token_speaks_for_its_publisher(settings: Settings) -> None:
    """A fresh token verifies to its publisher and partnerships, and authorises exactly those partnerships."""
    token, info = create_token(settings, "Oppdal kommune", ["oppdal-ntnu", "oppdal-ntnu", "trondheim-ntnu"])
    publisher = verify_token(settings, token)
    assert (publisher.name, publisher.token_id, publisher.partnerships) == (
        "Oppdal kommune", info.id, ("oppdal-ntnu", "trondheim-ntnu"),
    )
    assert authorize(settings, token, "trondheim-ntnu").name == "Oppdal kommune"
    with pytest.raises(Forbidden, match="oppdal-ntnu"):
        authorize(settings, token, "gjovik-ntnu")


@pytest.mark.parametrize("mangle", [
    lambda t: None, lambda t: "", lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "tg_000000000000_" + t[16:],
    lambda t: t.replace("tg_", "xx_", 1), lambda t: "Bearer", lambda t: t + "x",
])
def test_missing_wrong_or_unknown_tokens_are_unauthorized(settings: Settings, mangle) -> None:  # noqa: ANN001
    """No token, an empty one, a wrong secret, an unknown id or a malformed token is Unauthorized (401)."""
    token, _ = create_token(settings, "Oppdal kommune", ["oppdal-ntnu"])
    with pytest.raises(Unauthorized):
        authorize(settings, mangle(token), "oppdal-ntnu")


def test_tokens_expire(settings: Settings) -> None:
    """A token past its expiry is Unauthorized and listed as expired; --expires-days 0 never expires."""
    past = datetime.now(timezone.utc) - timedelta(days=10)
    old, _ = create_token(settings, "Oppdal kommune", ["oppdal-ntnu"], expires_days=3, now=past)
    forever, info = create_token(settings, "Oppdal kommune", ["oppdal-ntnu"], expires_days=0, now=past)
    with pytest.raises(Unauthorized, match="expired"):
        verify_token(settings, old)
    assert verify_token(settings, forever).token_id == info.id
    assert info.expires is None
    assert sorted(t.status() for t in list_tokens(settings)) == ["active", "expired"]


def test_revoked_tokens_stop_working(settings: Settings) -> None:
    """A revoked token is Unauthorized at once and listed as revoked; revoking an unknown id is NotFound."""
    token, info = create_token(settings, "Oppdal kommune", ["oppdal-ntnu"])
    revoked = revoke_token(settings, info.id)
    assert revoked.revoked is not None and revoked.status() == "revoked"
    with pytest.raises(Unauthorized, match="revoked"):
        verify_token(settings, token)
    with pytest.raises(NotFound):
        revoke_token(settings, "ffffffffffff")


def test_tokens_need_a_publisher_and_valid_partnership_slugs(settings: Settings) -> None:
    """A token without publisher, without partnership or with a slug that is not kebab-case is refused."""
    for publisher, slugs in (("", ["gjovik-ntnu"]), ("X", []), ("X", ["../etc"]), ("X", ["Gjøvik"])):
        with pytest.raises(InputError):
            create_token(settings, publisher, slugs)


def test_token_commands_create_list_and_revoke(tmp_path: Path) -> None:
    """`token create` prints the token once on stdout; `token list` shows ids and status but no secret; `token
    revoke` revokes by id."""
    runner = CliRunner()
    created = runner.invoke(cli, ["--data-dir", str(tmp_path), "token", "create", "--publisher", "Skien kommune",
                                  "--partnership", "skien-usn", "--expires-days", "30"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("tg_") and len(token.splitlines()) == 1
    settings = Settings(data_dir=tmp_path)
    token_id = verify_token(settings, token).token_id
    listed = runner.invoke(cli, ["--data-dir", str(tmp_path), "token", "list"])
    assert token_id in listed.stdout and "active" in listed.stdout and "skien-usn" in listed.stdout
    assert token.split("_", 2)[2] not in listed.output
    revoked = runner.invoke(cli, ["--data-dir", str(tmp_path), "token", "revoke", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in runner.invoke(cli, ["--data-dir", str(tmp_path), "token", "list"]).stdout
    with pytest.raises(Unauthorized):
        verify_token(settings, token)
