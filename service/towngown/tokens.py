"""Publishing tokens: shown once, stored only as a salted scrypt hash, scoped to partnerships, expiring, revocable.

A token reads ``tg_<id>_<secret>``: the id (12 hex characters) finds the record in one dictionary lookup, the
secret is checked against ``scrypt(secret, per-token salt)`` with ``hmac.compare_digest``. The token file
(``<data dir>/tokens.json``, mode 600) never holds a secret; nothing here logs a token or a hash.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .config import Settings
from .datadir import check_slug, file_lock, lock_path, read_json, tokens_path, write_json
from .errors import Forbidden, InputError, NotFound, Unauthorized

__all__ = [
    "TokenInfo", "Publisher", "create_token", "list_tokens", "revoke_token", "verify_token", "authorize",
]

logger = logging.getLogger(__name__)

_PREFIX = "tg"
_ID_HEX = 12
# scrypt with N=2^14, r=8 (16 MiB, ~50 ms): cheap for one publish, expensive for guessing.
_KDF = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_KDF_NAME = "scrypt-n16384-r8-p1"
_DUMMY_SALT = b"towngown-no-such-token-salt"


@dataclass(frozen=True)
class TokenInfo:
    """What is known about a token, without its secret: id, publisher, partnerships, dates."""

    id: str
    publisher: str
    partnerships: tuple[str, ...]
    created: str
    expires: str | None
    revoked: str | None

    def status(self, now: datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked:
            return "revoked"
        if self.expires and _parse_time(self.expires) <= (now or _now()):
            return "expired"
        return "active"


@dataclass(frozen=True)
class Publisher:
    """Whoever a valid token speaks for: the publisher's name, the token's id and the partnerships it may publish."""

    name: str
    token_id: str
    partnerships: tuple[str, ...]

    def may_publish(self, slug: str) -> bool:
        """True when the token covers graph/<slug>."""
        return slug in self.partnerships


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_KDF)


@functools.lru_cache(maxsize=1)
def _dummy_digest() -> bytes:
    """A digest no token matches, derived once, to compare against when the token id is unknown."""
    return _hash("", _DUMMY_SALT)


def _records(settings: Settings) -> dict[str, dict]:
    data = read_json(tokens_path(settings), {"tokens": {}})
    return dict(data.get("tokens", {})) if isinstance(data, dict) else {}


def _info(token_id: str, record: dict) -> TokenInfo:
    return TokenInfo(
        id=token_id,
        publisher=str(record["publisher"]),
        partnerships=tuple(record["partnerships"]),
        created=str(record["created"]),
        expires=record.get("expires"),
        revoked=record.get("revoked"),
    )


def _save(settings: Settings, records: dict[str, dict]) -> None:
    write_json(tokens_path(settings), {"format": 1, "tokens": records}, mode=0o600)


def create_token(
    settings: Settings,
    publisher: str,
    partnerships: Iterable[str],
    *,
    expires_days: int | None = None,
    now: datetime | None = None,
) -> tuple[str, TokenInfo]:
    """Make a token for ``publisher`` covering the partnership slugs; return the token (shown once) and its record."""
    publisher = " ".join(str(publisher).split())
    if not publisher:
        raise InputError("a token needs the publisher's name (--publisher)")
    slugs = tuple(dict.fromkeys(check_slug(s) for s in partnerships))
    if not slugs:
        raise InputError("a token needs at least one partnership (--partnership <slug>)")
    days = settings.token_expires_days if expires_days is None else expires_days
    if days < 0:
        raise InputError("--expires-days cannot be negative")
    created = now or _now()
    salt = secrets.token_bytes(16)
    secret = secrets.token_urlsafe(32)
    with file_lock(lock_path(settings, "tokens"), settings.publish_lock_timeout_s, what="the token file"):
        records = _records(settings)
        token_id = secrets.token_hex(_ID_HEX // 2)
        while token_id in records:
            token_id = secrets.token_hex(_ID_HEX // 2)
        records[token_id] = {
            "publisher": publisher,
            "partnerships": list(slugs),
            "created": _format_time(created),
            "expires": _format_time(created + timedelta(days=days)) if days else None,
            "revoked": None,
            "kdf": _KDF_NAME,
            "salt": salt.hex(),
            "hash": _hash(secret, salt).hex(),
        }
        _save(settings, records)
        info = _info(token_id, records[token_id])
    logger.info("created token %s for %s (%s)", token_id, publisher, ", ".join(slugs))
    return f"{_PREFIX}_{token_id}_{secret}", info


def list_tokens(settings: Settings) -> list[TokenInfo]:
    """Every token's record (never a secret or a hash), oldest first."""
    infos = [_info(token_id, record) for token_id, record in _records(settings).items()]
    return sorted(infos, key=lambda info: (info.created, info.id))


def revoke_token(settings: Settings, token_id: str, *, now: datetime | None = None) -> TokenInfo:
    """Revoke a token by its id (from `token list`); NotFound if there is no such token."""
    token_id = token_id.strip()
    if token_id.startswith(f"{_PREFIX}_"):
        token_id = token_id.split("_", 2)[1]
    with file_lock(lock_path(settings, "tokens"), settings.publish_lock_timeout_s, what="the token file"):
        records = _records(settings)
        record = records.get(token_id)
        if record is None:
            raise NotFound(f"no token with id {token_id!r}")
        if not record.get("revoked"):
            record["revoked"] = _format_time(now or _now())
            _save(settings, records)
    logger.info("revoked token %s", token_id)
    return _info(token_id, record)


def verify_token(settings: Settings, token: str | None, *, now: datetime | None = None) -> Publisher:
    """The publisher a token speaks for; Unauthorized when it is missing, unknown, wrong, expired or revoked."""
    if not token:
        raise Unauthorized("publishing needs a token: send 'Authorization: Bearer <token>'")
    parts = token.strip().split("_", 2)
    well_formed = len(parts) == 3 and parts[0] == _PREFIX and len(parts[1]) == _ID_HEX
    record = _records(settings).get(parts[1]) if well_formed else None
    if record is None:
        # The same work as for a real token, so that timing does not tell which ids exist.
        # One derivation, as for a real id (issue 7: two made unknown ids twice as slow).
        hmac.compare_digest(_hash(token, _DUMMY_SALT), _dummy_digest())
        raise Unauthorized("the token is not valid", error="invalid_token")
    try:
        expected = bytes.fromhex(record["hash"])
        actual = _hash(parts[2], bytes.fromhex(record["salt"]))
    except (KeyError, ValueError):
        logger.error("token record %s is damaged", parts[1])
        raise Unauthorized("the token is not valid", error="invalid_token") from None
    if not hmac.compare_digest(actual, expected):
        raise Unauthorized("the token is not valid", error="invalid_token")
    info = _info(parts[1], record)
    status = info.status(now)
    if status == "revoked":
        raise Unauthorized(f"the token was revoked on {info.revoked}", error="invalid_token")
    if status == "expired":
        raise Unauthorized(f"the token expired on {info.expires}", error="invalid_token")
    return Publisher(name=info.publisher, token_id=info.id, partnerships=info.partnerships)


def authorize(settings: Settings, token: str | None, slug: str, *, now: datetime | None = None) -> Publisher:
    """The publisher if ``token`` may publish graph/<slug>: Unauthorized (401) without a valid token,
    Forbidden (403) when the token is for other partnerships."""
    check_slug(slug)
    publisher = verify_token(settings, token, now=now)
    if not publisher.may_publish(slug):
        raise Forbidden(
            f"this token may publish {', '.join(publisher.partnerships)}, not {slug}", slug=slug
        )
    return publisher
