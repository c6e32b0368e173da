"""The names of the evaluation metrics, in report order, and checks against limits."""

from __future__ import annotations

from collections.abc import Mapping

KS = (1, 5, 10)
METRICS = [
    *(f"recall@{k}" for k in KS),
    "mrr",
    "citation_precision",
    "citation_recall",
    "quotes_verbatim",
    "key_facts",
    "right_record_cited",
    "correct_declines",
    "false_declines",
    "wrong_treaty_answers",
]
LOWER_IS_BETTER = {"false_declines", "wrong_treaty_answers"}
COUNTS = {"wrong_treaty_answers"}  # a number of questions, not a share


def shortfalls(summary: Mapping[str, float | int | None], limits: Mapping[str, float]) -> list[str]:
    """Each metric of `summary` on the wrong side of its limit (a maximum for the metrics
    where lower is better, else a minimum), said as "metric value < limit"."""
    missed = []
    for metric, limit in limits.items():
        value = summary[metric]
        if value is None:
            missed.append(f"{metric} could not be computed on this question set")
        elif value > limit if metric in LOWER_IS_BETTER else value < limit:
            missed.append(f"{metric} {value} {'>' if metric in LOWER_IS_BETTER else '<'} {limit}")
    return missed
