"""Key material: generation for a new installation, and the ciphers built from settings."""

import base64
import binascii
import hmac
import secrets
import threading
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes


def generate_keys() -> tuple[str, list[str], str]:
    """A fresh (SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY) triple."""
    return secrets.token_urlsafe(50), [Fernet.generate_key().decode()], secrets.token_urlsafe(32)


@lru_cache(maxsize=8)
def multifernet(keys: tuple[str, ...]) -> MultiFernet:
    """The cipher for a key list: encrypts with the first key, decrypts with any."""
    return MultiFernet([Fernet(key.encode()) for key in keys])


_URLSAFE = bytes.maketrans(b"-_", b"+/")
#: PKCS #7 padding of n bytes, for n in 1..16
_PADDING = [bytes([n]) * n for n in range(17)]
_MIN_TOKEN = 1 + 8 + 16 + 16 + 32  # version, time stamp, IV, one block, HMAC


class FernetOpener:
    """Opens Fernet tokens like ``MultiFernet(keys).decrypt`` (no time limit), with the
    per-key work done once instead of for every value.

    Fernet builds a new AES-CBC cipher and PKCS #7 unpadder for every token (about sixty
    Python calls, half a page of signals' work). Here each key's AES block decryptor is made
    once per thread and CBC is undone by hand: each plaintext block is the decrypted block
    XOR the ciphertext block before it (the IV before the first). The checks are Fernet's,
    in its order: the version byte, then the HMAC-SHA256 over everything before it (compared
    in constant time, so nothing is decrypted that the key did not sign), then the padding.
    ``tests/test_encryption.py`` compares it with ``cryptography``'s own Fernet.
    """

    def __init__(self, keys: tuple[str, ...]) -> None:
        if not keys:
            raise ValueError("MultiFernet requires at least one Fernet instance")
        raw = [base64.urlsafe_b64decode(key) for key in keys]
        if any(len(key) != 32 for key in raw):
            raise ValueError("Fernet key must be 32 url-safe base64-encoded bytes.")
        self._keys = [(key[:16], key[16:]) for key in raw]
        self._local = threading.local()

    def _contexts(self) -> list[tuple[bytes, CipherContext]]:
        """(signing key, AES block decryptor) per key; a decryptor is not shared by threads."""
        contexts: list[tuple[bytes, CipherContext]] | None = getattr(self._local, "contexts", None)
        if contexts is None:
            contexts = [
                # ECB here decrypts single blocks for the CBC undone below, never a message
                (signing, Cipher(algorithms.AES(key), modes.ECB()).decryptor())  # noqa: S305
                for signing, key in self._keys
            ]
            self._local.contexts = contexts
        return contexts

    def decrypt(self, token: bytes) -> bytes:
        if not isinstance(token, bytes):
            raise TypeError("token must be bytes")
        try:
            data = binascii.a2b_base64(token.translate(_URLSAFE))
        except binascii.Error:
            raise InvalidToken from None
        if len(data) < _MIN_TOKEN or data[0] != 0x80 or (len(data) - _MIN_TOKEN) % 16:
            raise InvalidToken
        signed, signature = data[:-32], data[-32:]
        for signing, blocks in self._contexts():
            if hmac.compare_digest(hmac.digest(signing, signed, "sha256"), signature):
                ciphertext = signed[25:]
                chained = int.from_bytes(blocks.update(ciphertext)) ^ int.from_bytes(signed[9:-16])
                padded = chained.to_bytes(len(ciphertext))
                pad = padded[-1]
                if 1 <= pad <= 16 and padded.endswith(_PADDING[pad]):
                    return padded[:-pad]
                # as MultiFernet: a key whose MAC matched but whose padding did not is
                # not this token's key; try the next
        raise InvalidToken


@lru_cache(maxsize=8)
def fernet_opener(keys: tuple[str, ...]) -> FernetOpener:
    """The opener for a key list: decrypts with any of them."""
    return FernetOpener(keys)


def write_development_env(path: str) -> None:
    """A ``.env`` for a development or demo machine, with fresh random keys (never commit it)."""
    secret_key, field_keys, blind_key = generate_keys()
    lines = [
        "# Written by `make run` for development and demo use. Never commit this file.",
        "SPONA_MODE=development",
        "SPONA_DEMO=true",
        f"SECRET_KEY={secret_key}",
        f"FIELD_ENCRYPTION_KEYS={','.join(field_keys)}",
        f"BLIND_INDEX_KEY={blind_key}",
    ]
    with open(path, "x", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
