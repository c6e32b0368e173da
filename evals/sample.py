"""Draw records of the bundled corpus at random, to write test questions from.

Questions written from what the system already answers well would flatter it;
questions written from records drawn at random (stratified so that every kind of
record appears, in equal shares) do not. The corpus is parsed, not embedded, so no store is
needed. Cross-references are skipped: they only point elsewhere.

    .venv/bin/python -m evals.sample            # 60 records, seed 20261125
    .venv/bin/python -m evals.sample --n 120 --seed 7
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

from ingest.pipeline import discover, parse_file, source_key
from ingest.records import Kind, Record
from ingest.sources import BUNDLED_CORPUS

SEED = 20261125


def load_records(corpus_dir: Path = BUNDLED_CORPUS) -> list[Record]:
    """Every record of the corpus except cross-references, in file order."""
    records: list[Record] = []
    for file in discover([corpus_dir]):
        _, parsed, _ = parse_file(file, source_key(file, corpus_dir))
        records += [r for r in parsed if r.kind is not Kind.CROSS_REFERENCE]
    return records


def stratified_sample(records: list[Record], n: int, seed: int) -> list[Record]:
    """n records at random, in equal shares per kind as far as each kind has records
    (status rows outnumber everything else a hundredfold and would fill a plain sample)."""
    rng = random.Random(seed)
    by_kind: dict[Kind, list[Record]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    pools = [rng.sample(group, len(group)) for _, group in sorted(by_kind.items())]
    chosen: list[Record] = []
    while len(chosen) < n and any(pools):
        for pool in pools:
            if pool and len(chosen) < n:
                chosen.append(pool.pop())
    rng.shuffle(chosen)
    return chosen


def describe(record: Record) -> str:
    fields = {
        "source": record.source,
        "treaty": record.treaty,
        "party": record.party,
        "kind": record.kind.value,
        "number": record.number,
        "articles": ", ".join(record.articles) or None,
        "made_upon": record.made_upon,
        "signature": record.signature_date,
        "consent": f"{record.consent_date} ({record.consent_act})" if record.consent_date else None,
        "entry_into_force": record.entry_into_force_date,
    }
    head = "\n".join(f"{name}: {value}" for name, value in fields.items() if value)
    return f"{head}\ntext: {record.text}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="records to draw (default 60)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    records = load_records()
    sample = stratified_sample(records, args.n, args.seed)
    print(f"{len(sample)} of {len(records)} records (seed {args.seed})\n")
    for i, record in enumerate(sample, 1):
        print(f"=== {i}\n{describe(record)}\n")


if __name__ == "__main__":
    main()
