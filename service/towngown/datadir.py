"""The small files towngown keeps under the data directory: where they live, atomic writes, cross-process locks.

Tokens, the version history of every graph, the harvest registry and its state are files under
``settings.data_dir``, not triples in the store (old versions in the store would be counted by every query).
A deployment with several machines must share this directory (and its ``fcntl`` locks, e.g. NFSv4).
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import Settings
from .errors import InputError, StoreBusy

__all__ = [
    "SLUG_PATTERN", "check_slug", "tokens_path", "history_dir", "harvest_dir", "lock_path",
    "write_atomic", "read_json", "write_json", "file_lock",
]

logger = logging.getLogger(__name__)


#: A partnership slug: lower-case ASCII kebab-case (docs/model.md); also a safe file name.
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_slug(slug: str) -> str:
    """The slug if it is a valid partnership slug (lower-case ASCII kebab-case, at most 100 characters), else InputError."""
    if not isinstance(slug, str) or len(slug) > 100 or not SLUG_PATTERN.fullmatch(slug):
        raise InputError(f"{slug!r} is not a partnership slug (lower-case letters, digits and single hyphens)", slug=str(slug)[:100])
    return slug


def _root(settings: Settings) -> Path:
    return Path(settings.data_dir).resolve()


def tokens_path(settings: Settings) -> Path:
    """The token file (salted hashes only, never a secret)."""
    return _root(settings) / "tokens.json"


def history_dir(settings: Settings, slug: str) -> Path:
    """Where the versions of graph/<slug> are kept: <n>.nq files and index.json."""
    return _root(settings) / "history" / check_slug(slug)


def harvest_dir(settings: Settings) -> Path:
    """Where the harvest registry (sources.json) and its state (state.json) are kept."""
    return _root(settings) / "harvest"


def lock_path(settings: Settings, name: str) -> Path:
    """The lock file for ``name`` (e.g. ``graph-<slug>``, ``tokens``)."""
    return _root(settings) / "locks" / f"{name}.lock"


def write_atomic(path: Path, data: bytes | str, *, mode: int = 0o644) -> None:
    """Write a file so that readers see the old or the new content, never a part: a temporary file, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json(path: Path, default: object) -> object:
    """A JSON file's content, or ``default`` when the file does not exist yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def write_json(path: Path, value: object, *, mode: int = 0o644) -> None:
    """Write JSON atomically (see write_atomic)."""
    write_atomic(path, json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n", mode=mode)


@contextmanager
def file_lock(path: Path, timeout_s: float, *, what: str = "the resource") -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` on ``path`` (across threads and processes); StoreBusy after ``timeout_s``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"{what} is being changed by someone else; try again shortly") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
