"""Deciding the kind of a record from a heading or from its wording."""

from __future__ import annotations

import re

from ingest.records import Kind

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
    # "withdraws its reservation" is a communication; "reserves the right ... to withdraw" is not.
    (Kind.COMMUNICATION, re.compile(r"\b(?:withdraws|withdrawal\s+of)\b[^.]{0,60}\breservations?\b", re.I)),
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
