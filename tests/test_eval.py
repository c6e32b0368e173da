"""The evaluation feature: the question set, the runner on the test corpus (with
thresholds at the measured level, so regressions fail), reports and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.assistant import Assistant
from app.config import Settings
from evals import dataset, report, runner
from evals.baseline import Baseline
from evals.metrics import shortfalls
from ingest.errors import ConfigError

# Measured with the extractive answerer on the test corpus (seeds + 5 UNTC treaties, 82 of
# the 101 questions answerable there): recall@5 0.959, citation_recall 0.90, key_facts
# 0.885, correct_declines 1.0, false_declines 0.049, citation_precision 0.65.
FLOORS = {
    "recall@5": 0.92,
    "citation_recall": 0.85,
    "key_facts": 0.83,
    "correct_declines": 0.95,
    "citation_precision": 0.6,
    "quotes_verbatim": 1.0,
}
CEILINGS = {"false_declines": 0.1}
TREATYQA = Path(sys.executable).with_name("treatyqa")  # the console script installed beside this Python


def test_the_bundled_set_has_enough_questions_of_every_kind() -> None:
    items = dataset.load()
    categories = Counter(i.category for i in items)
    assert len(items) >= 80
    assert sum(not i.answerable for i in items) >= 15
    for category in (
        "seed-declaration",
        "seed-reservation",
        "seed-dates",
        "news",
        "status",
        "reservation",
        "objection",
        "cross-state",
        "paraphrase",
        "alias",
        "cybercrime-trap",
        "unanswerable",
    ):
        assert categories[category], category


def test_every_gold_record_of_the_bundled_set_exists_in_the_bundled_corpus() -> None:
    from ingest.pipeline import discover, parse_file
    from ingest.sources import BUNDLED_CORPUS

    wanted = {g.source for i in dataset.load() for g in i.gold}
    files = [f for f in discover([BUNDLED_CORPUS]) if any(f.as_posix().endswith(w) for w in wanted)]
    records = [r for f in files for r in parse_file(f, f.relative_to(BUNDLED_CORPUS).as_posix())[1]]
    missing = [(i.id, g) for i in dataset.load() for g in i.gold if not any(g.matches(r) for r in records)]
    assert not missing


def test_a_malformed_question_set_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "qa.jsonl"
    bad.write_text('{"id": "a", "question": "q?", "answerable": true}\n')
    with pytest.raises(ConfigError, match=r"line 1: item: Value error, an answerable question needs gold"):
        dataset.load(bad)


@pytest.fixture(scope="module")
def evaluation(assistant: Assistant) -> runner.EvalRun:
    dev = [i for i in dataset.load() if i.split == "dev"]  # the split thresholds are tuned on
    return runner.run(dev, assistant, skip_missing=True)


def test_quality_on_the_test_corpus_does_not_regress(evaluation: runner.EvalRun) -> None:
    summary = evaluation.systems[0].summary()
    low = {m: summary[m] for m, floor in FLOORS.items() if summary[m] < floor}
    high = {m: summary[m] for m, ceiling in CEILINGS.items() if summary[m] > ceiling}
    assert not low and not high, summary


def test_reports_are_written_as_json_markdown_and_chart(evaluation: runner.EvalRun, tmp_path: Path) -> None:
    paths = report.write(evaluation, tmp_path)
    data = json.loads(paths["json"].read_text())
    summary = data["systems"]["treatyqa"]["summary"]
    assert summary["questions"] == len(evaluation.systems[0].outcomes) > 80
    assert data["systems"]["treatyqa"]["by_split"]["dev"] == summary  # only dev questions were asked
    assert "| recall@5 |" in paths["md"].read_text()
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_baseline_runs_side_by_side_on_the_same_questions(assistant: Assistant, tmp_path: Path) -> None:
    items = [i for i in dataset.load() if i.category in ("seed-declaration", "unanswerable")]
    settings = assistant.settings

    def make() -> Baseline:
        return Baseline(settings.corpus_dir, tmp_path, settings.embedding_model)

    result = runner.run(items, assistant, make, skip_missing=True)
    treatyqa, baseline = (s.summary() for s in result.systems)
    assert baseline["questions"] == treatyqa["questions"] == len(items)
    # The baseline never declines, and finds the seed records it has the files of.
    assert (baseline["false_declines"], baseline["correct_declines"]) == (0.0, 0.0), baseline
    assert baseline["recall@10"] >= 0.8 and treatyqa["recall@10"] >= baseline["recall@10"], baseline
    cited = {source for o in result.systems[1].outcomes for source in o.cited}
    assert cited and all((settings.corpus_dir / source).is_file() for source in cited)  # files, not records
    assert "| metric | treatyqa | baseline |" in report.markdown(result)


def test_the_eval_command_fails_when_a_threshold_is_not_met(
    settings: Settings, tmp_path: Path, assistant: Assistant
) -> None:
    qa = tmp_path / "qa.jsonl"
    qa.write_text(
        "".join(
            line for line in dataset.DEFAULT_SET.read_text().splitlines(keepends=True) if '"seed-' in line
        )
    )
    env = {
        **os.environ,
        "TREATYQA_DATA_DIR": str(settings.data_dir),
        "TREATYQA_CORPUS_DIR": str(settings.corpus_dir),
    }
    command = [str(TREATYQA), "eval", str(qa), "--out", str(tmp_path / "out")]
    passing = subprocess.run([*command, "--min-key-facts", "0.5"], env=env, capture_output=True, text=True)
    assert passing.returncode == 0, passing.stderr
    # Declining everything (the highest threshold) leaves only the status answers right.
    failing = subprocess.run(
        [*command, "--min-score", "1.5", "--min-key-facts", "0.5"], env=env, capture_output=True, text=True
    )
    assert failing.returncode == 1 and "key_facts 0." in failing.stderr
    # The seed questions are all answerable: a threshold on declines cannot be judged.
    unknown = subprocess.run(
        [*command, "--min-correct-declines", "0.5"], env=env, capture_output=True, text=True
    )
    assert unknown.returncode == 1 and "correct_declines could not be computed" in unknown.stderr
    assert (tmp_path / "out" / "report.md").is_file()


def test_shortfalls_name_each_metric_on_the_wrong_side_of_its_limit() -> None:
    summary = {"recall@5": 0.9, "false_declines": 0.2, "key_facts": None, "mrr": 0.95}
    limits = {"recall@5": 0.95, "false_declines": 0.1, "key_facts": 0.5, "mrr": 0.9}
    assert shortfalls(summary, limits) == [
        "recall@5 0.9 < 0.95",
        "false_declines 0.2 > 0.1",
        "key_facts could not be computed on this question set",
    ]
