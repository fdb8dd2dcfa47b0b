"""Languages of families: codes, names, and the score-report languages of seed 003."""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "vi": "Vietnamese",
    "zh-Hant": "Chinese (Traditional)",
    "fil": "Filipino",
    "ar": "Arabic",
    "ko": "Korean",
    "pa": "Punjabi",
    "ru": "Russian",
    "hy": "Armenian",
}
_ALIASES = {
    "chinese": "zh-Hant",
    "traditional chinese": "zh-Hant",
    "chinese traditional": "zh-Hant",
    "zh": "zh-Hant",
    "zh-tw": "zh-Hant",
    "cantonese": "zh-Hant",
    "mandarin": "zh-Hant",
    "tagalog": "fil",
    "tl": "fil",
    "filipino (tagalog)": "fil",
    "español": "es",
    "espanol": "es",
    "tiếng việt": "vi",
}


def language_code(text: str) -> str | None:
    t = text.strip()
    low = t.lower()
    for code, name in LANGUAGES.items():
        if low in (code.lower(), name.lower()):
            return code
    return _ALIASES.get(low)


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


# Babel locale per language, for dates and month names in letters and emails.
LOCALES: dict[str, str] = {
    "en": "en_US",
    "es": "es_US",
    "vi": "vi",
    "zh-Hant": "zh_Hant",
    "fil": "fil",
    "ar": "ar",
    "ko": "ko",
    "pa": "pa",
    "ru": "ru",
    "hy": "hy",
}
