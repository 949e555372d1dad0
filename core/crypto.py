"""Field encryption (AES-GCM) and keyed blind indexes (HMAC-SHA256).

Every ciphertext carries the id of the key that made it ("k2:<base64>"), so a
key rotation can run in batches and be resumed, and reads keep working on rows
that still hold the old key. The column's name is bound in as associated data,
so a ciphertext copied into another column does not decrypt.

Blind indexes let staff find a person by exact name, ID number or phone without
storing them in the clear. They are keyed per key id; a search asks for the
index under every key in the ring, so it also finds rows not yet rotated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


class KeyringError(RuntimeError):
    """The keyring is missing, malformed, or lacks the key a ciphertext names."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@dataclass(frozen=True)
class _Key:
    key_id: str
    enc: AESGCM
    index_key: bytes


class Keyring:
    """Named master keys, one of them current. Old keys only decrypt and search."""

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if current not in keys:
            raise KeyringError(f"current key {current!r} is not in the keyring")
        self._keys: dict[str, _Key] = {}
        for key_id, master in keys.items():
            if len(master) != 32:
                raise KeyringError(f"key {key_id!r} must be 32 bytes")
            if ":" in key_id:
                raise KeyringError("a key id may not contain ':'")
            self._keys[key_id] = _Key(
                key_id,
                AESGCM(_derive(master, b"field-encryption")),
                _derive(master, b"blind-index"),
            )
        self.current_id = current

    @classmethod
    def from_spec(cls, spec: str, current: str | None = None) -> Keyring:
        """Parse "k2:BASE64,k1:BASE64"; the first key is current unless named."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            key_id, _, b64 = part.partition(":")
            try:
                keys[key_id] = base64.urlsafe_b64decode(b64.encode())
            except ValueError as exc:
                raise KeyringError(f"key {key_id!r} is not valid base64") from exc
            order.append(key_id)
        if not order:
            raise KeyringError("no field-encryption key configured")
        return cls(keys, current or order[0])

    @staticmethod
    def new_key_spec(key_id: str) -> str:
        return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"

    @property
    def key_ids(self) -> list[str]:
        return list(self._keys)

    def encrypt(self, plaintext: str, context: str) -> str:
        key = self._keys[self.current_id]
        nonce = os.urandom(12)
        sealed = key.enc.encrypt(nonce, plaintext.encode(), context.encode())
        return f"{key.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, context: str) -> str:
        key_id, _, b64 = token.partition(":")
        key = self._keys.get(key_id)
        if key is None:
            raise KeyringError(f"ciphertext made with unknown key {key_id!r}")
        raw = base64.urlsafe_b64decode(b64.encode())
        return key.enc.decrypt(raw[:12], raw[12:], context.encode()).decode()

    def blind_index(self, normalised: str, context: str, key_id: str | None = None) -> str:
        key = self._keys[key_id or self.current_id]
        digest = hmac.new(key.index_key, f"{context}\x00{normalised}".encode(), hashlib.sha256)
        return digest.hexdigest()

    def blind_indexes(self, normalised: str, context: str) -> list[str]:
        """The index under every key, for searches that must also hit unrotated rows."""
        return [self.blind_index(normalised, context, key_id) for key_id in self._keys]


_keyring: Keyring | None = None


def install_keyring(keyring: Keyring) -> None:
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise KeyringError("field-encryption keyring not installed; call create_app() first")
    return _keyring


class EncryptedText(TypeDecorator[str]):
    """A text column stored AES-GCM encrypted; `context` is bound in as associated data."""

    impl = String(1024)
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        return None if value is None else keyring().encrypt(value, self.context)

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        return None if value is None else keyring().decrypt(value, self.context)
