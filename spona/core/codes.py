"""Pseudonymous record codes: a letter, a dash and seven characters people can read aloud."""

import secrets

#: No look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B are left out.
ALPHABET = "ACDEFHJKMNPRTUVWXY3479"


def new_code(prefix: str, length: int = 7) -> str:
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(length))
