"""What the corpus holds for a party and treaty, and the honest "no" when a
question asks for something it cannot hold."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

from app.catalogue import Catalogue
from app.understand import Understanding
from ingest.records import Kind
from ingest.text import words
from ingest.vocabulary import STATEMENT_KINDS, plural

MAX_TREATIES = 4  # treaties a question is answered for separately, at most

# Words most treaty titles share: no help in telling which treaty was meant.
_GENERIC = frozenset(
    """convention protocol international united nations treaty agreement relating status rights optional
    the of on and to for against all forms""".split()
)


def and_list(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def possessive(name: str) -> str:
    """ "Azerbaijan's", "the Netherlands'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def record_name(party: str | None, label: str, treaty: str | None) -> str:
    """ "China's Reservation 2 to the Vienna Convention on Diplomatic Relations"."""
    owner = f"{possessive(party)} " if party else ""
    return f"{owner}{label}" + (f" to the {treaty}" if treaty else "")


def records_held(catalogue: Catalogue, party: str | None, treaty: str | None) -> str:
    """'Azerbaijan's declarations, reservations and status record for the Convention on Cybercrime'."""
    kinds = catalogue.kinds_of(party, treaty)
    named = [plural(k, n) for k, n in kinds.items() if k is not Kind.CROSS_REFERENCE]
    owner = f"{possessive(party)} " if party else ""
    where = f" for the {treaty}" if treaty else ""
    return f"{owner}{and_list(named)}{where}" if named else ""


def _similar_treaties(title: str, catalogue: Catalogue) -> list[str]:
    distinctive = set(words(title)) - _GENERIC
    return [t for t in catalogue.treaties if distinctive & set(words(t))][:3]


def _few(names: list[str], limit: int = 8) -> str:
    return (
        and_list(names)
        if len(names) <= limit
        else ", ".join(names[:limit]) + f" and {len(names) - limit} others"
    )


def not_held(parties: Iterable[str], treaties: Iterable[str]) -> str:
    """'The corpus has no records of the United Nations for the Convention on ...'."""
    return f"(The corpus has no records of {and_list(parties)} for the {and_list(treaties)}.)"


def filed_under(party: str, treaty: str, under: str) -> str:
    """Where a state's statements on a treaty are filed, when its entry only points there."""
    return (
        f"{possessive(party)} statements on the {treaty} are filed under the {under} "
        "(its entry for the former only refers to the latter)."
    )


def filtered(named: Iterable[str], kept: Iterable[str]) -> str:
    """'(Answered for Azerbaijan, as filtered; the question named France.)'."""
    return f"(Answered for {and_list(kept)}, as filtered; the question named {and_list(named)}.)"


def refusal(u: Understanding, catalogue: Catalogue) -> str | None:
    """Why the corpus cannot answer, when that is clear before searching; else None."""
    if message := too_many_treaties(u):
        return message
    if u.absent_treaties and not u.treaties:
        similar = [t for a in u.absent_treaties for t in _similar_treaties(a, catalogue)]
        message = f"The corpus does not contain the {and_list(u.absent_treaties)}."
        return message + (f" It has the {and_list(dict.fromkeys(similar))}." if similar else "")
    if u.absent_parties and not u.parties:
        message = f"The corpus has no records of {and_list(u.absent_parties)}."
        if len(u.treaties) == 1:
            message += (
                f" For the {u.treaties[0]} it has records of {_few(catalogue.parties_of(u.treaties[0]))}."
            )
        return message
    if u.refers_back and not (u.parties or u.treaties):
        return (
            "The question refers to a treaty or state without naming it, and no earlier question "
            "names one. Which treaty (and which state) do you mean?"
        )
    if u.unknown_names and not u.parties and not catalogue.mentioning(u.unknown_names):
        # A name in a state's place that is no party, and that no record speaks of: never
        # answered from another state.
        near = [m for name in u.unknown_names for m in get_close_matches(name, catalogue.parties, 2, 0.75)]
        guess = f" Did you mean {and_list(dict.fromkeys(near))}?" if near else ""
        return f"The corpus has no records of {and_list(u.unknown_names)}.{guess}"
    if not u.parties:
        return None
    treaties = u.treaties or (None,)
    pairs = [(p, t) for p in u.parties for t in treaties if catalogue.kinds_of(p, t)]
    if not pairs:
        treaty = u.treaties[0]
        return (
            f"The corpus has no records of {and_list(u.parties)} for the {treaty}; for that treaty it has "
            f"records of {_few(catalogue.parties_of(treaty))}."
        )
    # The kind a question names ranks records, it does not exclude them: a "reservation"
    # the source files as a declaration still answers. Declined only when the party holds
    # nothing of the sort (an objection is another act; news may speak of any kind).
    if u.intent == "content" and u.kind_asked:
        statements = set(u.kinds) <= set(STATEMENT_KINDS)
        wanted = (*(STATEMENT_KINDS if statements else u.kinds), Kind.PASSAGE)
        if not any(catalogue.kinds_of(p, t)[k] for p, t in pairs for k in wanted):
            held = "; ".join(records_held(catalogue, p, t) for p, t in pairs)
            also = " or other statements" if statements else ""
            return f"The corpus has {held}, but no {and_list(plural(k) for k in u.kinds)}{also}."
    return None


def too_many_treaties(u: Understanding) -> str | None:
    """A treaty name that fits more treaties than can be answered for each."""
    for choices in u.treaty_choices:
        if len(choices) > MAX_TREATIES:
            return (
                f"Several treaties in the corpus fit that name: {_few(list(choices))}. "
                "Name the one you mean (its title, or a distinctive word of it)."
            )
    return None
