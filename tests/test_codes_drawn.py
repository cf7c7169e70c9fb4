"""Record codes drawn from one read of random bytes (issue 18, h34signal), as random as
``secrets.choice``'s: each character uniform over the alphabet, independently."""

from collections import Counter

import pytest

from spona.core import codes
from spona.core.codes import ALPHABET, drawn, new_code


def test_codes_are_drawn_from_the_alphabet_at_one_read_each(monkeypatch) -> None:
    reads = []
    token_bytes = codes.secrets.token_bytes

    def counted(size: int) -> bytes:
        reads.append(size)
        return token_bytes(size)

    monkeypatch.setattr(codes.secrets, "token_bytes", counted)
    code = new_code("S")
    assert code[:2] == "S-"
    assert len(code) == 9
    assert set(code[2:]) <= set(ALPHABET)
    assert reads == [14]


def test_a_byte_that_would_favour_the_first_characters_is_dropped(monkeypatch) -> None:
    """22 characters: the bytes 242 to 255 are dropped (242 = 11 × 22), the others taken
    modulo 22; too few left after a read, another is made."""
    given = iter([bytes([255, 242, 0, 21, 22, 241]), bytes([243, 43, 1, 2, 3, 4])])
    monkeypatch.setattr(codes.secrets, "token_bytes", lambda size: next(given))
    assert drawn(ALPHABET, 5) == ALPHABET[0] + ALPHABET[21] + ALPHABET[0] + ALPHABET[21] * 2


def test_each_character_is_drawn_as_often() -> None:
    """About as uniform as ``secrets.choice``: 44,000 characters, each of the 22 about 2,000
    times (the standard deviation is some 44: a bias of a byte's rejection band, 14/256,
    would put the first characters some 100 above)."""
    counts = Counter(drawn(ALPHABET, 44_000))
    assert set(counts) == set(ALPHABET)
    assert all(1_800 < n < 2_200 for n in counts.values())


def test_an_alphabet_must_fit_in_a_byte() -> None:
    with pytest.raises(ValueError, match="an alphabet of 1 to 256"):
        drawn("", 3)
    with pytest.raises(ValueError, match="an alphabet of 1 to 256"):
        drawn("x" * 257, 3)
    assert drawn("x" * 256, 3) == "xxx"
