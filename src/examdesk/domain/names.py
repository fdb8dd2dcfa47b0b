"""People's names as typed: compared the way a person would read them."""

from __future__ import annotations

import unicodedata


def plain_name(text: str) -> str:
    """Case, accents and spacing set aside: 'ZOË  o'brien' and 'Zoe O'Brien' read the same."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def same_name(typed: str, on_file: str) -> bool:
    return bool(typed.strip()) and plain_name(typed) == plain_name(on_file)
