"""The `treatyqa` command: ingest, ask, serve. Heavy imports happen inside commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from ingest.errors import QuestionError, TreatyQAError


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


def _assistant() -> Any:
    from app.assistant import Assistant

    return Assistant()


def print_ingest_report(report: Any, err: bool = True) -> None:
    for f in report.files:
        if f.error:
            click.secho(f"  FAILED  {f.source}: {f.error}", fg="red", err=err)
        else:
            click.echo(
                f"  {f.records:6d} records  +{f.added} -{f.removed}  {f.source}  [{f.parser}]", err=err
            )
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
    if quiet:
        report.files = [f for f in report.files if f.error]
    print_ingest_report(report, err=False)
    if report.failed:
        sys.exit(2)


def _print_answer(result: Any) -> None:
    click.echo(result.answer)
    for c in result.citations:
        what = " — ".join(
            x
            for x in [
                f"[{c.marker}] {c.kind.capitalize()}" + (f" {c.number}" if c.number else ""),
                c.party,
                c.treaty,
                ("Art. " + ", ".join(c.articles)) if c.articles else None,
                f"made {c.made_upon}" if c.made_upon else None,
            ]
            if x
        )
        click.echo(
            f"\n{what}\n    source: {c.source_title} ({c.source}"
            + (f", snapshot {c.snapshot_date})" if c.snapshot_date else ")")
        )


def _result_json(assistant: Any, qid: Any, question: Any) -> tuple[dict[str, Any], bool]:
    """One --json result; a bad question becomes an abstained result carrying the message."""
    from app.results import Answer

    try:
        if not isinstance(question, str):
            raise QuestionError('each line needs a string field "question"')
        result, ok = assistant.ask(question), True
    except TreatyQAError as exc:
        result, ok = Answer(answer=f"Error: {exc}", abstained=True), False
    return {"id": qid, "question": question, **result.model_dump(mode="json")}, ok


def _ask_file(assistant: Any, fh: IO[str]) -> bool:
    all_ok = True
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            qid, question = (item.get("id"), item.get("question")) if isinstance(item, dict) else (None, None)
        except json.JSONDecodeError as exc:
            qid, question = None, None
            click.echo(f"line {n}: not valid JSON ({exc.msg})", err=True)
        out, ok = _result_json(assistant, qid, question)
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
    help='JSONL file, one {"id", "question"} per line ("-" for stdin).',
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def ask(question: str | None, file: IO[str] | None, as_json: bool) -> None:
    """Answer QUESTION from the ingested sources, with citations."""
    if bool(question) == bool(file):
        raise click.UsageError("Give either a QUESTION or --file questions.jsonl.")
    assistant = _assistant()
    if file:
        if not as_json:
            raise click.UsageError("--file writes JSON lines; add --json.")
        sys.exit(0 if _ask_file(assistant, file) else 1)
    if as_json:
        out, ok = _result_json(assistant, None, question)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        sys.exit(0 if ok else 1)
    _print_answer(assistant.ask(question))


@cli.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 7860).")
def serve(host: str | None, port: int | None) -> None:
    """Start the web chat (ingesting the bundled corpus first if the store is empty)."""
    from app.web import serve as run

    assistant = _assistant()
    if report := assistant.ensure_ingested(show_progress=True):
        print_ingest_report(report)
    run(assistant, host or assistant.settings.host, port or assistant.settings.port)


def main() -> None:
    cli()
