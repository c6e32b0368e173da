"""What the corpus holds for a party and treaty, and the honest "no" when a
question asks for something it cannot hold."""

from __future__ import annotations

from collections.abc import Iterable

from app.catalogue import Catalogue
from app.understand import Understanding
from ingest.records import Kind
from ingest.text import words

# Words most treaty titles share: no help in telling which treaty was meant.
_GENERIC = frozenset(
    """convention protocol international united nations treaty agreement relating status rights optional
    the of on and to for against all forms""".split()
)


def join(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def plural(kind: Kind, n: int = 2) -> str:
    name = "status record" if kind is Kind.STATUS else kind.value
    return name if n == 1 else name + "s"


def covers(catalogue: Catalogue, party: str | None, treaty: str | None) -> str:
    """'Azerbaijan's declarations, reservations and status record for the Convention on Cybercrime'."""
    kinds = catalogue.kinds_of(party, treaty)
    named = [plural(k, n) for k, n in kinds.items() if k is not Kind.CROSS_REFERENCE]
    owner = f"{party}'s " if party else ""
    where = f" for the {treaty}" if treaty else ""
    return f"{owner}{join(named)}{where}" if named else ""


def _similar_treaties(title: str, catalogue: Catalogue) -> list[str]:
    distinctive = set(words(title)) - _GENERIC
    return [t for t in catalogue.treaties if distinctive & set(words(t))][:3]


def _few(names: list[str], limit: int = 8) -> str:
    return (
        join(names) if len(names) <= limit else ", ".join(names[:limit]) + f" and {len(names) - limit} others"
    )


def refusal(u: Understanding, catalogue: Catalogue) -> str | None:
    """Why the corpus cannot answer, when that is clear before searching; else None."""
    if u.absent_treaties and not u.treaties:
        similar = [t for a in u.absent_treaties for t in _similar_treaties(a, catalogue)]
        message = f"The corpus does not contain the {join(u.absent_treaties)}."
        return message + (f" It has the {join(dict.fromkeys(similar))}." if similar else "")
    if u.absent_parties and not u.parties:
        message = f"The corpus has no records of {join(u.absent_parties)}."
        if len(u.treaties) == 1:
            message += (
                f" For the {u.treaties[0]} it has records of {_few(catalogue.parties_of(u.treaties[0]))}."
            )
        return message
    if u.status_facts and not u.parties and u.unknown_names:
        return f"The corpus has no records of {join(u.unknown_names)}."
    if not u.parties:
        return None
    treaties = u.treaties or (None,)
    pairs = [(p, t) for p in u.parties for t in treaties if catalogue.kinds_of(p, t)]
    if not pairs:
        treaty = u.treaties[0]
        return (
            f"The corpus has no records of {join(u.parties)} for the {treaty}; for that treaty it has "
            f"records of {_few(catalogue.parties_of(treaty))}."
        )
    wanted = (
        (Kind.STATUS,) if u.intent == "status" else u.kinds if u.intent == "content" and u.kind_asked else ()
    )
    # News and other secondary passages may speak of any kind of record.
    kinds_held = [catalogue.kinds_of(p, t) for p, t in pairs]
    if wanted and not any(kinds[k] or kinds[Kind.PASSAGE] for kinds in kinds_held for k in wanted):
        names = join(plural(k, 1) for k in wanted)
        return f"The corpus has {'; '.join(covers(catalogue, p, t) for p, t in pairs)}, but no {names}."
    return None
