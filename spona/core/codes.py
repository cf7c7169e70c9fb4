"""Pseudonymous record codes: a letter, a dash and seven characters people can read aloud."""

import secrets

#: No look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B are left out.
ALPHABET = "ACDEFHJKMNPRTUVWXY3479"


def drawn(alphabet: str, length: int) -> str:
    """``length`` characters of ``alphabet`` (at most 256 of them), each drawn uniformly and
    independently from the operating system's random source, as ``secrets.choice`` draws
    them, but from one read of random bytes, not one (and some ten Python calls) for each
    character: a byte is taken modulo the alphabet's size, and a byte at or above the
    greatest multiple of the size is dropped (it would favour the first characters)."""
    size = len(alphabet)
    if not 0 < size <= 256:
        raise ValueError("an alphabet of 1 to 256 characters")
    below = 256 - 256 % size
    chosen: list[str] = []
    while len(chosen) < length:
        chosen += [
            alphabet[byte % size] for byte in secrets.token_bytes(2 * length) if byte < below
        ]
    return "".join(chosen[:length])


def new_code(prefix: str, length: int = 7) -> str:
    return f"{prefix}-{drawn(ALPHABET, length)}"
