"""Vietnamese text: NFC normalisation, diacritic folding for search, Vietnamese sort order.

Sort keys are stored in a column (see ``SearchableNameMixin``) so that the database orders
rows the Vietnamese way on SQLite and PostgreSQL alike, whatever the server's collation.
The key uses only the characters 0-9 and a-z, which every collation orders the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks that are tones (thanh điệu); the others (breve, circumflex, horn) make letters.
_TONES = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
# Vietnamese alphabet order; letters outside it (f, j, w, z) keep their Latin place.
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_DIGITS = "0123456789"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"

_WS = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner whitespace; None becomes ''."""
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():  # ASCII is NFC already: most cells of an import skip the normaliser
        text = unicodedata.normalize("NFC", text)
    # str.split() splits on exactly the characters ``\s`` matches (str.isspace) and drops the
    # ends: the same result as ``_WS.sub(" ", text).strip()``, several times faster — an
    # import calls this 1,600,000 times for 130,000 people.
    return " ".join(text.split())


@lru_cache(maxsize=1 << 16)
def fold(value: str | None) -> str:
    """Lower-case, diacritics removed, đ→d: the key for search with or without accents.

    Cached: an import folds the same few labels ("Nam", "Chủ hộ", "Xơ Đăng") once per cell,
    hundreds of thousands of times.
    """
    text = unicodedata.normalize("NFD", nfc(value).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("đ", "d")


@lru_cache(maxsize=1024)
def _split_letter(ch: str) -> tuple[str, int]:
    """Split a (lower-case) character into its base letter (with ă â ê ô ơ ư) and its tone."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONES:
            tone = _TONES[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _code(n: int) -> str:
    return _B36[n // 36] + _B36[n % 36]


_ORDER: dict[str, int] = {}
for _i, _d in enumerate(_DIGITS):
    _ORDER[_d] = 2 + _i
for _i, _letter in enumerate(_ALPHABET):
    _ORDER[_letter] = 20 + _i


@lru_cache(maxsize=1 << 16)
def sort_key(value: str | None) -> str:
    """A string whose plain ordering is Vietnamese dictionary order.

    Primary level: letters in the order a ă â b c d đ e ê g h i … (tones ignored); secondary
    level, for names equal at the first: tones in the order ngang, huyền, hỏi, ngã, sắc, nặng.

    Cached, as ``fold`` is (and each letter's split): the demo's 205,000 names took 3 s of CPU
    through it uncached, most of it splitting the same few dozen letters again (issue 17).
    """
    primary: list[str] = []
    secondary: list[str] = []
    for ch in nfc(value).lower():
        if ch == " ":
            primary.append(_code(1))
            continue
        base, tone = _split_letter(ch)
        order = _ORDER.get(base)
        if order is None:
            # Punctuation and other scripts: after the alphabet, stable by code point.
            order = 60 + min(ord(base[0]) if base else 0, 36 * 36 - 61)
        primary.append(_code(order))
        secondary.append(str(tone))
    return "".join(primary) + "00" + "".join(secondary)


def vi_sorted(items, key=lambda x: x):
    """Sort Python objects by a Vietnamese string taken from each."""
    return sorted(items, key=lambda item: sort_key(key(item)))
