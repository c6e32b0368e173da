"""Names of states, for recognising a party in a page heading."""

from __future__ import annotations

import re
from functools import cache


@cache
def state_names() -> frozenset[str]:
    """Lower-cased short, official and common names of every ISO 3166 country."""
    import pycountry

    names = set()
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if value := getattr(country, attr, None):
                names.add(value.lower())
    return frozenset(names)


def split_trailing_state(heading: str) -> tuple[str, str | None]:
    """'Convention on Cybercrime Azerbaijan' -> ('Convention on Cybercrime', 'Azerbaijan')."""
    words = heading.split()
    for size in range(min(7, len(words) - 1), 0, -1):
        candidate = " ".join(words[-size:])
        if candidate.lower() in state_names():
            return " ".join(words[:-size]), candidate
    return heading, None


def is_state(name: str) -> bool:
    """'France', 'Bolivia (Plurinational State of)', 'Saint Lucia'."""
    plain = re.sub(r"\s*\(.*\)$", "", name.strip()).lower()
    return plain in state_names() or plain.replace("st. ", "saint ") in state_names()
