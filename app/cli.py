"""The `treatyqa` command: ingest, ask, serve. Heavy imports happen inside commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from app.errors import QuestionError, TreatyQAError

if TYPE_CHECKING:  # the commands import these when run: `treatyqa --help` stays fast
    from app.assistant import Assistant
    from app.conversation import Turn
    from app.results import Answer
    from ingest.pipeline import IngestReport

# A line of `ask --file`: its id (any JSON value), question, why it cannot be asked, history.
Line = tuple[object, str | None, str | None, Sequence["Turn"]]


class _Group(click.Group):
    """Show TreatyQA errors as one-line messages, not tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TreatyQAError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.version_option(package_name="treatyqa")
def cli() -> None:
    """Ask questions about treaty declarations, reservations and status; get cited answers."""


def _assistant() -> Assistant:
    from app.assistant import Assistant

    return Assistant()


def print_ingest_report(report: IngestReport, err: bool = True, quiet: bool = False) -> None:
    for f in report.files:
        if f.error:
            click.secho(f"  FAILED  {f.source}: {f.error}", fg="red", err=err)
        elif not quiet:
            click.echo(
                f"  {f.records:6d} records  +{f.added} -{f.removed}  {f.source}  [{f.parser}]", err=err
            )
        for note in f.notes:  # shown even when quiet: a readable file without records is news
            click.secho(f"  note    {f.source}: {note}", fg="yellow", err=err)
    for source in report.removed_sources:
        click.echo(f"  removed  {source} (file no longer exists)", err=err)
    click.echo(
        f"{len(report.files)} files, {len(report.failed)} failed; {report.added} records added, "
        f"{report.removed} removed; {report.total_records} in the store; {report.seconds:.1f} s",
        err=err,
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Empty the store first (e.g. after changing the model).")
@click.option("--quiet", "-q", is_flag=True, help="Only print the summary line.")
def ingest(paths: tuple[Path, ...], rebuild: bool, quiet: bool) -> None:
    """Ingest files or directories (default: the bundled corpus) into the store."""
    assistant = _assistant()
    report = assistant.ingest(list(paths) or None, rebuild=rebuild, show_progress=not quiet)
    print_ingest_report(report, err=False, quiet=quiet)
    if report.failed:
        sys.exit(2)


def _print_answer(result: Answer) -> None:
    click.echo(result.answer)
    for c in result.citations:
        snapshot = f", snapshot {c.snapshot_date}" if c.snapshot_date else ""
        click.echo(f"\n{c.heading}")
        click.echo(f"    source: {c.source_title} ({c.source}{snapshot})")


def _result_json(
    assistant: Assistant,
    qid: object,
    question: str | None,
    problem: str | None = None,
    history: Sequence[Turn] = (),
) -> tuple[dict[str, Any], bool]:
    """One --json result; a question that cannot be asked becomes an abstained result
    whose answer says why."""
    from app.results import Answer

    try:
        if problem:
            raise QuestionError(problem)
        result, ok = assistant.ask(question or "", history=history), True
    except TreatyQAError as exc:
        result, ok = Answer(answer=f"Error: {exc}", abstained=True), False
    return {"id": qid, "question": question, **result.model_dump(mode="json")}, ok


def _read_line(line: str) -> Line:
    """(id, question, problem, history) of one JSONL line; `history` is optional: earlier
    turns, each a question or an object like the API's."""
    from pydantic import TypeAdapter, ValidationError

    from app.conversation import Turn

    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"not valid JSON ({exc.msg})", ()
    if not isinstance(item, dict):
        return None, None, 'each line needs an object with a string field "question"', ()
    question = item.get("question")
    if not isinstance(question, str):
        return item.get("id"), None, 'each line needs a string field "question"', ()
    problem = '"history" must be a list of questions or {"question": ...} objects'
    given = item.get("history") or []
    if not isinstance(given, list):
        return item.get("id"), question, problem, ()
    try:
        history = TypeAdapter(list[Turn]).validate_python(
            [{"question": t} if isinstance(t, str) else t for t in given]
        )
    except ValidationError:
        return item.get("id"), question, problem, ()
    return item.get("id"), question, None, history


def _ask_file(assistant: Assistant, fh: IO[str]) -> bool:
    all_ok = True
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        out, ok = _result_json(assistant, *_read_line(line))
        if not ok:
            click.echo(f"line {n}: {out['answer']}", err=True)
        all_ok &= ok
        click.echo(json.dumps(out, ensure_ascii=False))
    return all_ok


@cli.command()
@click.argument("question", required=False)
@click.option(
    "--file",
    "-f",
    "file",
    type=click.File("r"),
    help='JSONL file, one {"id", "question"} per line, optionally with "history" ("-" for stdin).',
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print a list answer's table as CSV.")
def ask(question: str | None, file: IO[str] | None, as_json: bool, as_csv: bool) -> None:
    """Answer QUESTION from the ingested sources, with citations."""
    if bool(question) == bool(file):
        raise click.UsageError("Give either a QUESTION or --file questions.jsonl.")
    if as_csv and (as_json or file):
        raise click.UsageError("--csv prints one answer's table; it does not combine with --json or --file.")
    assistant = _assistant()
    if file:
        if not as_json:
            raise click.UsageError("--file writes JSON lines; add --json.")
        sys.exit(0 if _ask_file(assistant, file) else 1)
    if as_csv:
        from app.results import table_csv

        result = assistant.ask(question or "")
        if not result.table:
            click.echo(f"This answer is not a list, so it has no table:\n{result.answer}", err=True)
            sys.exit(1)
        click.echo(table_csv(result.table), nl=False)
        return
    if as_json:
        out, ok = _result_json(assistant, None, question)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        sys.exit(0 if ok else 1)
    _print_answer(assistant.ask(question or ""))


@cli.command()
def chat() -> None:
    """Chat in the terminal: follow-up questions are read in the context of the
    conversation. /new starts a new conversation; Ctrl-D or /quit leaves."""
    from app.conversation import Turn, bounded

    assistant = _assistant()
    history: list[Turn] = []
    click.echo("TreatyQA — ask about treaty declarations, reservations and status.")
    click.echo("Follow-up questions are read in context; /new starts over, Ctrl-D leaves.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            click.echo()
            return
        except KeyboardInterrupt:
            click.echo()
            continue
        if question in ("/quit", "/exit"):
            return
        if question == "/new":
            history = []
            click.echo("New conversation.")
            continue
        if not question:
            continue
        try:
            answer = assistant.ask(question, history=history)
        except TreatyQAError as exc:
            click.secho(f"Error: {exc}", fg="red")
            continue
        if answer.resolved_question:
            click.secho(f"Read as: {answer.resolved_question}", dim=True)
        _print_answer(answer)
        s = assistant.settings
        history = bounded([*history, Turn.of(question, answer)], s.max_history_turns, s.max_history_chars)


@cli.command()
@click.option("--repair", is_flag=True, help="Rebuild from the store whatever disagrees with it.")
def doctor(repair: bool) -> None:
    """Check that the store, its segment vectors and the saved indexes agree."""
    from app.doctor import check

    checkup = check(_assistant(), repair=repair)
    click.echo(f"{checkup.records} records, {checkup.segment_vectors} segment vectors in the store.")
    for finding in checkup.findings:
        if finding.repaired:
            click.secho(f"  repaired  {finding.problem}", fg="green")
        else:
            click.secho(f"  drift     {finding.problem}", fg="red")
    if not checkup.findings:
        click.echo("The store and its indexes agree.")
    if not checkup.healthy:
        click.echo("Run `treatyqa doctor --repair` to rebuild them from the store.", err=True)
        sys.exit(1)


@cli.command("log")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]),
    help="Only answers from then on (a date, or a date and time, UTC).",
)
@click.option("--rating", type=click.Choice(["up", "down"]), help="Only answers rated so.")
@click.option("--csv", "as_csv", is_flag=True, help="Export as CSV (UTF-8, header row) instead.")
def audit_log(since: Any, rating: Any, as_csv: bool) -> None:
    """Show the audit log: each answer with who asked, how it was read, what it cited,
    and the feedback it got."""
    from datetime import UTC

    from app.audit import COLUMNS, AuditLog
    from app.config import Settings
    from app.results import write_csv

    s = Settings()
    if s.audit_log == "off" and not s.audit_path.exists():
        raise click.ClickException("The audit log is off (TREATYQA_AUDIT_LOG=off) and holds nothing.")
    entries = AuditLog(s.audit_path).entries(since.replace(tzinfo=UTC) if since else None, rating)
    if as_csv:
        write_csv(sys.stdout, COLUMNS, (e.row() for e in entries))
        return
    shown = 0
    for e in entries:
        shown += 1
        feedback = f"  rated {e.rating}" + (f": {e.comment}" if e.comment else "") if e.rating else ""
        click.echo(f"{e.time}  {e.user or '-'}  {e.latency_ms:.0f} ms  {e.answer_id}{feedback}")
        if e.question is not None:
            click.echo(f"  Q: {e.question}\n  read as: {e.read_as}\n  A: {e.answer}")
        click.echo(f"  cited: {' '.join(e.cited) or '-'}\n")
    if not shown:
        click.echo("No answers in the log" + (" match." if since or rating else " yet."), err=True)


@cli.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1, TREATYQA_HOST).")
@click.option("--port", default=None, type=int, help="Port (default 7860, TREATYQA_PORT).")
def serve(host: str | None, port: int | None) -> None:
    """Start the web chat and API (ingesting the bundled corpus first if the store is empty)."""
    from app.assistant import Assistant
    from app.config import Settings
    from app.server import serve as run

    overrides: dict[str, Any] = {
        key: value for key, value in (("host", host), ("port", port)) if value is not None
    }
    assistant = Assistant(Settings(**overrides))
    if report := assistant.ensure_ingested(show_progress=True):
        print_ingest_report(report, quiet=True)
    run(assistant)


def _out_option(default: Path, files: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=f"Directory for {files}.",
    )


def _threshold_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--min-recall-at-5 0.8, --max-false-declines 0.1...: one option per metric."""
    from evals.metrics import COUNTS, LOWER_IS_BETTER, METRICS

    for metric in reversed(METRICS):
        bound = "max" if metric in LOWER_IS_BETTER else "min"
        flag = f"--{bound}-" + metric.replace("@", "-at-").replace("_", "-")
        below = "above" if bound == "max" else "below"
        command = click.option(
            flag,
            metric.replace("@", "_at_"),
            type=click.FloatRange(0, None if metric in COUNTS else 1),
            default=None,
            help=f"Fail (exit 1) if TreatyQA's {metric} is {below} this.",
        )(command)
    return command


@cli.command("eval")
@click.argument("qa_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--answerer",
    type=click.Choice(["extractive", "llm"]),
    default=None,
    help="Answerer to evaluate (default: the configured one).",
)
@click.option("--k", "k", type=click.IntRange(1, 100), default=None, help="Records retrieved per question.")
@click.option(
    "--min-score", type=click.FloatRange(0, 1.5), default=None, help="Abstention threshold (0-1.5)."
)
@_out_option(Path("evals/out"), "report.json, report.md and report.png")
@click.option(
    "--compare",
    type=click.Choice(["baseline"]),
    default=None,
    help="Also run the naive baseline on the same corpus and questions.",
)
@click.option("--skip-missing", is_flag=True, help="Skip questions whose gold records are not in the store.")
@click.option(
    "--split",
    type=click.Choice(["dev", "test", "blind"]),
    default=None,
    help="Only the questions of this split (default: all, reported side by side).",
)
@_threshold_options
def evaluate(
    qa_file: Path | None,
    answerer: str | None,
    k: int | None,
    min_score: float | None,
    out: Path,
    compare: str | None,
    skip_missing: bool,
    split: str | None,
    **thresholds: float | None,
) -> None:
    """Score answers to a question set (default: the bundled one) against the store."""
    from app.assistant import Assistant
    from app.config import Settings
    from evals import dataset, report, runner
    from evals.baseline import Baseline
    from evals.metrics import shortfalls

    overrides: dict[str, Any] = {"answerer": answerer, "top_k": k, "min_score": min_score}
    # An evaluation's answers are no one's: they stay out of the audit log.
    settings = Settings(audit_log="off", **{key: v for key, v in overrides.items() if v is not None})
    assistant = Assistant(settings)
    if not assistant.store.count():
        raise TreatyQAError("The store is empty; run `treatyqa ingest` first.")
    items = [i for i in dataset.load(*([qa_file] if qa_file else [])) if split in (None, i.split)]

    def make_baseline() -> Baseline:
        return Baseline(settings.corpus_dir, settings.data_dir, settings.embedding_model)

    result = runner.run(
        items, assistant, make_baseline if compare else None, skip_missing=skip_missing, show_progress=True
    )
    paths = report.write(result, out)
    click.echo(report.markdown(result).split("\n## ")[0])
    click.echo(f"Reports: {', '.join(str(p) for p in paths.values())}")
    limits = {name.replace("_at_", "@"): v for name, v in thresholds.items() if v is not None}
    if missed := shortfalls(result.systems[0].summary(), limits):
        click.secho("Below threshold: " + "; ".join(missed), fg="red", err=True)
        sys.exit(1)


@cli.command()
@_out_option(Path("bench"), "report.json and report.md")
@click.option(
    "--scale",
    "sizes",
    type=click.IntRange(1_000),
    multiple=True,
    default=(50_000, 100_000),
    show_default=True,
    help="Store sizes measured with generated records (repeat the option).",
)
@click.option("--port", type=int, default=7871, show_default=True, help="Loopback port for `serve`.")
def bench(out: Path, sizes: tuple[int, ...], port: int) -> None:
    """Measure ingest, question latency, cold start and memory on this machine (20-30 min)."""
    from evals import bench as benchmark

    report = benchmark.run(out, sizes=sorted(sizes), port=port, say=lambda line: click.echo(f"- {line}"))
    click.echo(benchmark.markdown(report))
    click.echo(f"Reports: {out / 'report.json'}, {out / 'report.md'}")


@cli.command()
@click.option("--clients", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--minutes", type=click.FloatRange(0.1), default=20, show_default=True)
@click.option("--port", type=int, default=7872, show_default=True, help="Loopback port for `serve`.")
@_out_option(Path("bench"), "soak.json and soak.md")
def soak(clients: int, minutes: float, port: int, out: Path) -> None:
    """Ask `serve` from many clients over loopback for a long time; print throughput,
    latency, status codes and the server's memory over time."""
    from app.config import Settings
    from evals import soak as load

    report = load.run(
        Settings(),
        out,
        clients=clients,
        minutes=minutes,
        port=port,
        say=lambda line: click.echo(line),
    )
    click.echo(load.markdown(report))


def main() -> None:
    from ingest.offline import stay_offline

    stay_offline()
    cli()
