"""The names of the evaluation metrics, in report order."""

KS = (1, 5, 10)
METRICS = [
    *(f"recall@{k}" for k in KS),
    "mrr",
    "citation_precision",
    "citation_recall",
    "quotes_verbatim",
    "key_facts",
    "correct_declines",
    "false_declines",
]
LOWER_IS_BETTER = {"false_declines"}
