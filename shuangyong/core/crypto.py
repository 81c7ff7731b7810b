"""Encryption at rest (SM4-GCM) and blind indexes (HMAC-SM3) for sensitive fields.

Keys live outside the database: in ``SHUANGYONG_KEYS`` (JSON) or the key file
``SHUANGYONG_KEY_FILE`` (default ``<data dir>/keys.json``)::

    {"active": "k1", "keys": {"k1": "<32 hex>", "k0": "<32 hex>"}, "index": "<64 hex>"}

Every ciphertext names the key that made it (``sm4gcm:k1:<base64>``), so after
``shuangyong keys rotate`` old and new rows both read while rows are being
re-encrypted. The blind-index key is separate and stays put: exact lookups by
ID number keep working during and after a rotation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

PREFIX = "sm4gcm"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """A stored value cannot be decrypted with the configured keys."""


@dataclass(frozen=True)
class KeyRing:
    active: str
    keys: dict[str, bytes]
    index_key: bytes

    def as_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "keys": {kid: key.hex() for kid, key in self.keys.items()},
                "index": self.index_key.hex(),
            },
            indent=2,
        )


def _parse(text: str, source: str) -> KeyRing:
    try:
        data = json.loads(text)
        keys = {kid: bytes.fromhex(hexkey) for kid, hexkey in data["keys"].items()}
        ring = KeyRing(data["active"], keys, bytes.fromhex(data["index"]))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured(f"The encryption keys in {source} are malformed: {exc}") from exc
    if ring.active not in ring.keys:
        raise ImproperlyConfigured(
            f"The active key “{ring.active}” is not among the keys in {source}."
        )
    if any(len(k) != 16 for k in ring.keys.values()) or len(ring.index_key) < 32:
        raise ImproperlyConfigured(
            f"In {source}, SM4 keys must be 16 bytes (32 hex) and the index key 32 bytes or more."
        )
    return ring


def key_file() -> Path:
    return Path(getattr(settings, "SHUANGYONG_KEY_FILE", settings.DATA_DIR / "keys.json"))


def new_key_id() -> str:
    return "k" + dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)


def new_ring() -> KeyRing:
    kid = new_key_id()
    return KeyRing(kid, {kid: secrets.token_bytes(16)}, secrets.token_bytes(32))


def write_key_file(ring: KeyRing, path: Path | None = None) -> Path:
    """Write the ring atomically, readable by the owner only."""
    path = path or key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(ring.as_json())
    temporary.replace(path)
    return path


def inline_keys() -> str:
    return getattr(settings, "SHUANGYONG_KEYS", "")


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    """The configured keys; created once in the data folder when allowed (local use)."""
    inline = inline_keys()
    if inline:
        return _parse(inline if isinstance(inline, str) else json.dumps(inline), "SHUANGYONG_KEYS")
    path = key_file()
    if path.exists():
        return _parse(path.read_text(), str(path))
    if getattr(settings, "SHUANGYONG_AUTO_KEYS", False):
        write_key_file(new_ring(), path)
        return _parse(path.read_text(), str(path))
    raise ImproperlyConfigured(
        f"No encryption keys: set SHUANGYONG_KEYS or create {path} with `shuangyong keys init`."
    )


def _reset(**kwargs) -> None:
    if kwargs.get("setting") in {"SHUANGYONG_KEYS", "SHUANGYONG_KEY_FILE", "DATA_DIR"}:
        key_ring.cache_clear()


setting_changed.connect(_reset)


def encrypt(plaintext: str, *, context: str, ring: KeyRing | None = None) -> str:
    """SM4-GCM with a fresh nonce; ``context`` (table and column) is bound as AAD."""
    return encrypt_bytes(plaintext.encode("utf-8"), context=context, ring=ring)


def encrypt_bytes(data: bytes, *, context: str, ring: KeyRing | None = None) -> str:
    """``encrypt`` of bytes (a kept page, compressed): the same scheme and stored form."""
    ring = ring or key_ring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.keys[ring.active]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(data) + encryptor.finalize()
    token = base64.b64encode(nonce + body + encryptor.tag).decode("ascii")
    return f"{PREFIX}:{ring.active}:{token}"


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1] if stored.startswith(PREFIX + ":") else ""


def decrypt(stored: str, *, context: str, ring: KeyRing | None = None) -> str:
    """The plaintext, or DecryptionError naming the key and the reason.

    A key id this process has not seen makes it re-read the key file once:
    another process may have rotated the keys while this one was running.
    """
    return decrypt_bytes(stored, context=context, ring=ring).decode("utf-8")


def decrypt_bytes(stored: str, *, context: str, ring: KeyRing | None = None) -> bytes:
    """``decrypt`` of what ``encrypt_bytes`` stored: the bytes, or DecryptionError."""
    try:
        prefix, kid, token = stored.split(":", 2)
    except ValueError:
        raise DecryptionError(f"{context}: the stored value is not an encrypted value") from None
    if prefix != PREFIX:
        raise DecryptionError(f"{context}: unknown encryption scheme “{prefix}”")
    if ring is None:
        ring = key_ring()
        if kid not in ring.keys:
            key_ring.cache_clear()
            ring = key_ring()
    if kid not in ring.keys:
        raise DecryptionError(
            f"{context}: encrypted with key “{kid}”, which is not among the configured keys"
        )
    raw = base64.b64decode(token)
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(ring.keys[kid]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        opened = decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise DecryptionError(
            f"{context}: key “{kid}” does not open this value (wrong key, or the value was altered)"
        ) from None
    return opened


def blind_index(normalized: str, *, ring: KeyRing | None = None) -> str:
    """HMAC-SM3 of an already-normalised value: equal values, equal indexes; nothing else."""
    if not normalized:
        return ""
    ring = ring or key_ring()
    return hmac.new(ring.index_key, normalized.encode("utf-8"), "sm3").hexdigest()


def sm3_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.new("sm3")
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
