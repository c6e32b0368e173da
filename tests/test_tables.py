"""List answers as tables: every record a row with its citation, in the core result,
`ask --json` and `ask --csv` (the real store and model)."""

from __future__ import annotations

import csv
import io
import json

from app.answer import MAX_LISTED
from app.assistant import Assistant
from app.catalogue import article_matches
from app.results import Row, table_csv
from tests.test_cli import run

CEDAW_9 = "Which states made reservations to article 9 of CEDAW?"


def test_a_list_answer_has_one_row_per_cited_record(assistant: Assistant) -> None:
    answer = assistant.ask(CEDAW_9)
    assert len(answer.table) == len(answer.citations) > 5
    by_marker = {c.marker: c for c in answer.citations}
    for row in answer.table:
        citation = by_marker[row.marker]
        assert (row.record_id, row.state, row.kind) == (citation.record_id, citation.party, citation.kind)
        assert article_matches("9", tuple(row.articles.split(", ")))
        assert row.citation.startswith(f"[{row.marker}] ")
        assert row.quote == citation.quote and row.quote in citation.text


def test_a_list_longer_than_the_sentence_is_whole_in_the_table(assistant: Assistant) -> None:
    answer = assistant.ask("Which states have ratified the Convention on the Rights of the Child?")
    parties = {
        r.party
        for r in assistant.indexes.catalogue.records
        if r.kind.value == "status" and r.treaty == "Convention on the Rights of the Child" and r.consent_date
    }
    assert len(parties) > MAX_LISTED
    assert {row.state for row in answer.table} == parties
    assert {c.record_id for c in answer.citations} == {row.record_id for row in answer.table}
    named = [row for row in answer.table if f"[{row.marker}]" in answer.answer]
    assert len(named) == MAX_LISTED
    assert f"{len(parties) - MAX_LISTED} more are in the table" in answer.answer
    row = answer.table[0]
    assert row.consent and row.consent_kind and row.consent[4] == "-"  # ISO date


def test_an_answer_that_is_no_list_has_no_table(assistant: Assistant) -> None:
    answer = assistant.ask("What is Algeria's declaration on article 8 of the ICESCR?")
    assert answer.citations and not answer.table


def test_the_csv_has_a_header_and_one_line_per_row(assistant: Assistant) -> None:
    answer = assistant.ask(CEDAW_9)
    lines = list(csv.DictReader(io.StringIO(table_csv(answer.table))))
    assert [line["record_id"] for line in lines] == [row.record_id for row in answer.table]
    assert list(lines[0]) == list(Row.model_fields)


def test_ask_csv_prints_the_table_and_ask_json_carries_it(assistant: Assistant) -> None:
    printed = run(assistant.settings, "ask", "--csv", CEDAW_9)
    assert printed.returncode == 0, printed.stderr
    lines = list(csv.DictReader(io.StringIO(printed.stdout)))
    as_json = run(assistant.settings, "ask", "--json", CEDAW_9)
    table = json.loads(as_json.stdout)["table"]
    assert [line["record_id"] for line in lines] == [row["record_id"] for row in table] and table
    assert {line["state"] for line in lines} >= {"Bahamas", "Malaysia"}
    not_a_list = run(assistant.settings, "ask", "--csv", "When did Algeria ratify the ICESCR?")
    assert not_a_list.returncode == 1 and "not a list" in not_a_list.stderr
