"""Search keys for Chinese names: characters, full pinyin and pinyin initials.

`gmdq` finds 国美电器, so does `guomei`, `国美` and the business code. The keys are kept in
one lowercase column per record (`search_text`) so that a single indexed LIKE answers a query
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s\-_·.,，。()（）/\\'\"]+")


def _compact(text: str) -> str:
    return _PUNCT.sub("", text).lower()


def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin and initials of `text`, lowercase, without separators."""
    syllables = [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="default") if s.strip()]
    full = _compact("".join(syllables))
    initials = _compact("".join(s.strip()[0] for s in syllables if s.strip()))
    return full, initials


def build_search_text(*parts: str | None) -> str:
    """The search column for a record: every part, its full pinyin and its initials."""
    keys: list[str] = []
    for part in parts:
        if not part:
            continue
        full, initials = pinyin_keys(part)
        keys.extend([_compact(part), full, initials])
    # De-duplicate while keeping order; `|` keeps one key from running into the next.
    return "|".join(dict.fromkeys(k for k in keys if k))


def query_terms(query: str) -> list[str]:
    """Split a user's query into lowercase terms that must all match."""
    return [_compact(term) for term in _SPACES.split(query.strip()) if _compact(term)]
