"""The words TreatyQA reads, in one place: the kinds of record (as the parsers read
them in documents and as questions use them), the acts of treaty status, the nouns
that name a treaty, and years."""

from __future__ import annotations

import re

from ingest.records import Kind

# What people call each kind of record, as a regex over one word (singular, plural, verb forms).
NOUNS: dict[Kind, str] = {
    Kind.RESERVATION: r"reserv(?:e|es|ed|ation|ations)|caveats?",
    Kind.UNDERSTANDING: r"understand(?:s|ing|ings)?|interpretative",
    Kind.OBJECTION: r"object(?:ed|ing|ion|ions)?|objects\s+to",  # "objects launched into space" are not
    Kind.COMMUNICATION: r"communications?|notifications?|withdr[ae]w(?:s|n|al)?",
    Kind.DECLARATION: r"declar(?:e|es|ed|ation|ations)|statements?",
}
# The nouns of the kinds of statement ("statement" for any of them), singular.
KIND_WORDS = ("reservation", "declaration", "understanding", "objection", "communication", "statement")
# A kind of record named by its noun: "reservation", "declarations" (not the verb "reserve").
KIND_NOUN = re.compile(rf"\b(?:{'|'.join(f'{w}s?' for w in KIND_WORDS)})\b", re.I)
# The kinds a question asks for by a plural noun: "what reservations did X make" wants them all.
PLURAL_NOUN = re.compile(rf"\b(?:{'|'.join(f'{w}s' for w in KIND_WORDS if w != 'communication')})\b", re.I)
_ASKED_NOUN = "|".join(f"{w}s?" for w in KIND_WORDS if w != "communication")
# "Did X make reservations", "X's declarations", "any objection": the records of that kind are
# what is asked for, not a topic.
KIND_ASKED = re.compile(
    r"\b(?:make|made|makes|enter|entered|lodge|lodged|formulate|formulated|have|has|had|any|its|their|what|which"
    rf"|the)\s+(?:any\s+|the\s+following\s+)?(?:{_ASKED_NOUN})\b|'s\s+(?:{_ASKED_NOUN})\b"
    r"|\bobject(?:s|ed)?\s+to\b",
    re.I,
)
# A label with a number, as answers and model replies write it: "Declaration 2".
NUMBERED_LABEL = re.compile(rf"\b({'|'.join(w for w in KIND_WORDS if w != 'statement')})\s+(\d+)\b", re.I)
# The kinds that say what a state holds about a treaty's content (not status, not pointers).
CONTENT_KINDS = (
    Kind.RESERVATION,
    Kind.DECLARATION,
    Kind.UNDERSTANDING,
    Kind.OBJECTION,
    Kind.COMMUNICATION,
)


# The acts of treaty status, as questions name them: what each asks a date of.
STATUS_WORDS = {
    "signature": r"sign(?:s|ed|ing|ature|atory)?",
    "consent": r"ratif(?:y|ies|ied|ication)|acced(?:e|ed|es)|accession|succe(?:ed|eded|ssion)"
    r"|part(?:y|ies)\s+to|approv(?:e|es|al|ed)|accept(?:s|ance|ed)?|bec(?:o|a)me\s+(?:a\s+)?part(?:y|ies)"
    r"|join(?:s|ed)?",
    "entry_into_force": r"(?:entry|enter(?:ed|s)?)\s+into\s+force|in\s+force",
}
# The verbs of becoming bound, by their stems: "ratify", "signed", "acceded", "joins".
ACT_STEMS = ("ratif", "sign", "acced", "join")
# The nouns a question calls a treaty by ("this convention", "the same protocol").
TREATY_NOUNS = ("treaty", "convention", "covenant", "protocol", "agreement")
# Words that make a phrase name a treaty; the first one in a title says what it is.
TREATY_HEADS = frozenset((*TREATY_NOUNS, *"charter statute constitution pact amendment annex".split()))
# A year as treaty titles and questions give it: "the 1971 psychotropics treaty".
YEAR = r"(?:1[6-9]|20)\d\d"

# How a question asks what a treaty itself says (Kind.TREATY_TEXT), not what a state said:
# "what does article 9 provide", "how does the CAT define torture", "which article deals with".
DEFINING = ("define", "defines", "defined", "definition", "meant", "meaning")
TEXT_VERBS = (
    *"""say says provide provides stipulate stipulates require requires deal deals cover covers address
    addresses protect protects guarantee guarantees prohibit prohibits recognise recognises recognize
    recognizes establish establishes text wording quote""".split(),
    *DEFINING,
)
TEXT_ASKED = re.compile(rf"\b(?:{'|'.join(TEXT_VERBS)})\b|\bwhich\s+(?:article|provision)s?\b", re.I)
DEFINITION_ASKED = re.compile(rf"\b(?:{'|'.join(DEFINING)})\b", re.I)


# Records that are no state's statement on a treaty's content: what a content question
# excludes (a treaty's own text answers only a question about what the treaty says).
NOT_STATEMENTS = (Kind.CROSS_REFERENCE, Kind.STATUS, Kind.TREATY_TEXT)


# A state's own statements on a treaty's terms: which of them is a "reservation" is often
# the parser's guess from wording, so a question for one is answered from all three.
STATEMENT_KINDS = (Kind.RESERVATION, Kind.DECLARATION, Kind.UNDERSTANDING)


def kinds_named(text: str) -> tuple[Kind, ...]:
    """The kinds of record a question names, in vocabulary order; an objection always
    speaks of a reservation, so a question naming objections is about objections."""
    kinds = tuple(k for k, nouns in NOUNS.items() if re.search(rf"\b(?:{nouns})\b", text, re.I))
    return (Kind.OBJECTION,) if Kind.OBJECTION in kinds else kinds


def plural(kind: Kind, n: int = 2) -> str:
    """'reservations', 'status record'."""
    name = "status record" if kind is Kind.STATUS else kind.value
    return name if n == 1 else name + "s"


_LABEL_WORDS = {
    "declaration": Kind.DECLARATION,
    "interpretative declaration": Kind.DECLARATION,
    "reservation": Kind.RESERVATION,
    "understanding": Kind.UNDERSTANDING,
    "objection": Kind.OBJECTION,
    "communication": Kind.COMMUNICATION,
    "notification": Kind.COMMUNICATION,
}


def kind_from_label(label: str) -> Kind | None:
    """'Reservations made upon signature' -> RESERVATION."""
    label = label.lower().strip()
    for word, kind in sorted(_LABEL_WORDS.items(), key=lambda kv: -len(kv[0])):
        if label.startswith(word):
            return kind
    return None


# Checked in order: an objection mentions the reservation it objects to, and a
# reservation often "declares" something, so the more specific kinds come first.
_WORDING = [
    (Kind.OBJECTION, re.compile(r"\bobject(?:s|ing|ion|ions)?\s+(?:to|against)\b", re.I)),
    # "withdraws its reservation" is a communication; "reserves the right ... to withdraw" is not,
    # nor a reservation that speaks of its own withdrawal later on ("until the withdrawal of ...").
    (
        Kind.COMMUNICATION,
        re.compile(r"^[^.]{0,200}\b(?:withdraws|withdrawal\s+of)\b[^.]{0,60}\breservations?\b", re.I),
    ),
    (
        Kind.RESERVATION,
        re.compile(
            r"^\W*reservations?\b|\breserves?\b|\bmakes?\s+(?:the\s+following\s+|a\s+)?reservations?\b"
            r"|\bwith\s+(?:the\s+|a\s+)?reservations?\b|\bsubject\s+to\s+(?:the\s+|a\s+)?reservations?\b"
            r"|\benters?\s+(?:a\s+|the\s+following\s+)?reservations?\b"
            r"|\breservations?\s+(?:to|in\s+respect\s+of|concerning|on|regarding)\s+(?:the\s+)?(?:article|paragraph|provision)"
            r"|\bdoes\s+not\s+consider\s+itself\s+bound\b|\bnot\s+(?:to\s+)?be\s+bound\b"
            r"|\b(?:will|shall)\s+(?:only\s+)?be\s+applied\s+(?:only\s+)?(?:provided|subject|to\s+the\s+extent"
            r"|in\s+so\s+far)\b",
            re.I,
        ),
    ),
    (
        Kind.UNDERSTANDING,
        re.compile(r"\bunderstands?\b|\bunderstanding\b|\bunderstood\b|\binterprets?\b", re.I),
    ),
    (Kind.DECLARATION, re.compile(r"\bdeclar(?:es?|ation)\b", re.I)),
]


def kind_from_wording(text: str) -> Kind | None:
    """The kind the text says it is, or None when its wording does not say."""
    for kind, pattern in _WORDING:
        if pattern.search(text):
            return kind
    return None


def may_be(kind: Kind, text: str, asked: tuple[Kind, ...]) -> bool:
    """Whether a record filed as `kind` may be what a question calls one of `asked`:
    reservations, declarations and understandings stand for one another (the filing is
    often a guess from wording); an objection or a communication is another act, so a
    record is one only if filed or worded as one."""
    if not asked or kind in asked or kind is Kind.PASSAGE:
        return True
    if set(asked) <= set(STATEMENT_KINDS):
        return kind in STATEMENT_KINDS
    return kind_from_wording(text) in asked
