"""Signing chain heads with Ed25519, using a key file kept outside the database.

The key file is created on first use (mode 0600). Its public half is served at
`/v1/verify/key` so devices can check the heads they receive. The latest head of each store
is also written beside the key (`heads/<store id>.json`): a truncated log whose heads were
deleted from the database is still caught against that file.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from sync.errors import ConfigError
from sync.protocol import SignedHead, head_message
from sync.server.file_lock import FileLock


class HeadSigner:
    def __init__(self, key_file: Path) -> None:
        self.key_file = key_file
        self._key = _load_or_create(key_file)
        self.public_raw = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = hashlib.sha256(self.public_raw).hexdigest()[:16]

    def sign(self, partition: str, position: int, hash_hex: str) -> SignedHead:
        signature = self._key.sign(head_message(partition, position, hash_hex)).hex()
        return SignedHead(
            partition=partition,
            position=position,
            hash=hash_hex,
            signature=signature,
            key_id=self.key_id,
            signed_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        )

    def check(self, head: SignedHead) -> bool:
        return check_signature(self.public_raw, head)

    def sign_message(self, message: bytes) -> str:
        """A signature (hex) over other records the store vouches for (verified checkpoints)."""
        return self._key.sign(message).hex()


def check_signature(public_raw: bytes, head: SignedHead) -> bool:
    message = head_message(head.partition, head.position, head.hash)
    return check_message(public_raw, message, head.signature)


def check_message(public_raw: bytes, message: bytes, signature_hex: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _load_or_create(key_file: Path) -> Ed25519PrivateKey:
    try:
        if key_file.exists():
            key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key_file.read_text().strip()))
            return key
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(raw + "\n")
        return key
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot use the signing key file {key_file}: {exc}") from exc


def write_head_file(heads_dir: Path, store_id: str, head: SignedHead) -> None:
    """Keep the latest head off the database. Pushes answered at once (threads, worker
    processes) take turns, so an earlier head never replaces a later one; the replace is
    atomic, so a crash leaves a whole file."""
    path = heads_dir / f"{store_id}-{head.partition}.json"
    if not heads_dir.is_dir():  # the first head: make the folder once
        heads_dir.mkdir(parents=True, exist_ok=True)
    with FileLock.at(f"{path}.lock"):
        current = read_head_file(heads_dir, store_id, head.partition)
        if current is not None and current.position >= head.position:
            return  # a later head is already there
        tmp = path.with_suffix(".tmp")  # only the writer holding the turn uses it
        tmp.write_text(json.dumps(head.model_dump()))
        os.replace(tmp, path)


def read_head_file(heads_dir: Path, store_id: str, partition: str) -> SignedHead | None:
    path = heads_dir / f"{store_id}-{partition}.json"
    try:
        return SignedHead.model_validate_json(path.read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise ConfigError(f"the head file {path} is damaged: {exc}") from exc
