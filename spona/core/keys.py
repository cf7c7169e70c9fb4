"""Key material: generation for a new installation, and the ciphers built from settings."""

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
from collections.abc import Sequence
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


class _Signer:
    """HMAC-SHA256 under one key, as ``hmac.digest(key, message, "sha256")`` gives it, with
    the key's two padded blocks hashed once, not for every message (RFC 2104:
    H((K ^ opad) || H((K ^ ipad) || message)), K padded with zeros to SHA-256's 64-byte
    block; Fernet's signing key is 16 bytes). ``hmac.digest`` looks SHA-256 up in OpenSSL
    and hashes both blocks at each call: some 3 µs of a token's 4; copying the two hashes
    already fed is 1 µs."""

    _BLOCK = 64

    def __init__(self, key: bytes) -> None:
        if len(key) > self._BLOCK:
            raise ValueError("a signing key longer than SHA-256's block is hashed first")
        padded = key.ljust(self._BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))

    def sign(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


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

    def _contexts(self) -> list[tuple[_Signer, CipherContext]]:
        """(signer, AES block decryptor) per key; neither is shared by threads."""
        contexts: list[tuple[_Signer, CipherContext]] | None = getattr(
            self._local, "contexts", None
        )
        if contexts is None:
            contexts = [
                # ECB here decrypts single blocks for the CBC undone below, never a message
                (_Signer(signing), Cipher(algorithms.AES(key), modes.ECB()).decryptor())  # noqa: S305
                for signing, key in self._keys
            ]
            self._local.contexts = contexts
        return contexts

    def decrypt(self, token: bytes) -> bytes:
        signed, signature = _read(token)
        for signer, blocks in self._contexts():
            if hmac.compare_digest(signer.sign(signed), signature):
                ciphertext = signed[25:]
                chained = int.from_bytes(blocks.update(ciphertext)) ^ int.from_bytes(signed[9:-16])
                padded = chained.to_bytes(len(ciphertext))
                pad = padded[-1]
                if 1 <= pad <= 16 and padded.endswith(_PADDING[pad]):
                    return padded[:-pad]
                # as MultiFernet: a key whose MAC matched but whose padding did not is
                # not this token's key; try the next
        raise InvalidToken

    def decrypt_all(self, tokens: Sequence[bytes]) -> list[bytes]:
        """``decrypt`` of each token (``b""`` for ``b""``), with the AES work of all of them
        done in one call per key: what is left for each is its signature checked and its
        padding taken off. CBC undone over all at once: each token's ciphertext blocks are
        joined, decrypted together (ECB: block by block, so one call is the calls of each),
        and XOR-ed with the same tokens' blocks one before (their IVs first). The checks
        and their order are ``decrypt``'s: nothing is decrypted whose signature no key
        made; a token whose padding does not hold under the key that signed it goes to
        ``decrypt`` (the next key, or ``InvalidToken``). The batch duplicate scan opens
        some 7,000 tokens a chunk, the API's page of signals some 200: the keys' contexts
        are looked up once for all of them, not for each token."""
        opened = [b""] * len(tokens)
        contexts = self._contexts()
        signers = [signer.sign for signer, _blocks in contexts]
        signed_by: list[list[tuple[int, bytes, bytes]]] = [[] for _ in contexts]
        for i, token in enumerate(tokens):
            if not token:
                continue
            body, signature = _read(token)
            for at, sign in enumerate(signers):
                if hmac.compare_digest(sign(body), signature):
                    # its ciphertext, and the blocks its CBC chains each block to (the IV,
                    # then all but the last)
                    signed_by[at].append((i, body[25:], body[9:-16]))
                    break
            else:
                raise InvalidToken
        for (_signer, blocks), signed in zip(contexts, signed_by, strict=True):
            if not signed:
                continue
            ciphertext = b"".join([text for _i, text, _chain in signed])
            chains = int.from_bytes(b"".join([chain for _i, _text, chain in signed]))
            decrypted = int.from_bytes(blocks.update(ciphertext))
            chained = (decrypted ^ chains).to_bytes(len(ciphertext))
            end = 0
            for i, text, _chain in signed:
                start, end = end, end + len(text)
                padded = chained[start:end]
                pad = padded[-1]
                good = 1 <= pad <= 16 and padded.endswith(_PADDING[pad])
                opened[i] = padded[:-pad] if good else self.decrypt(tokens[i])
        return opened


def _read(token: bytes) -> tuple[bytes, bytes]:
    """A token's signed part and its signature, if it can be a Fernet token at all."""
    if not isinstance(token, bytes):
        raise TypeError("token must be bytes")
    try:
        data = binascii.a2b_base64(token.translate(_URLSAFE))
    except binascii.Error:
        raise InvalidToken from None
    size = len(data)
    if size < _MIN_TOKEN or data[0] != 0x80 or (size - _MIN_TOKEN) % 16:
        raise InvalidToken
    return data[:-32], data[-32:]


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
