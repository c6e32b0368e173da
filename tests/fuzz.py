"""A generator of malformed and awkward source files (fixed seed), for the ingest fuzz test:
empty files, random bytes under text extensions, truncated PDFs, latin-1, UTF-16 with
and without a byte-order mark, very large and single-line files, deeply nested HTML,
ragged CSVs, odd names and a symlink loop — beside valid documents whose records must
all arrive.

    python -m tests.fuzz DIR          # writes the files into DIR
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SEED = 20261125
VALID_UNTC = """#Testland
Declaration:Testland declares that article {n} of the Convention shall apply only to its mainland territory.

#Otherland
Reservation:Otherland does not consider itself bound by paragraph {m} of article {n} of the Convention.
"""
WORDS = "treaty article reservation declaration state party convention protocol shall apply territory".split()


def _sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _paragraphs(rng: random.Random, n: int) -> str:
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(n))


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def generate(directory: Path, seed: int = SEED, big_mb: int = 20) -> dict[str, list[Path]]:
    """Write the files; returns them by what an ingest must do with them: "valid" (all
    their records arrive), "awkward" (records, or a reason in the report) and "failing"
    (unreadable: empty, random bytes, truncated PDFs; each fails with its reason)."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {"valid": [], "awkward": [], "failing": []}

    def write(name: str, data: bytes | str, kind: str = "awkward") -> None:
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        files[kind].append(path)

    for i in range(20):
        text = _paragraphs(rng, rng.randint(1, 4))
        write(f"valid/notice-{i:02d}.txt", text, "valid")
    for i in range(10):
        write(f"valid/untc/declarations/99-{i}.txt", VALID_UNTC.format(n=rng.randint(1, 40), m=2), "valid")
    for i in range(15):
        write(
            f"empty/empty-{i:02d}.{rng.choice(['txt', 'html', 'csv', 'pdf'])}",
            b"" if i % 2 else b" \n\t ",
            "failing",
        )
    for i in range(30):
        ext = rng.choice(["txt", "html", "csv", "md", "pdf"])
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(10, 5000)))
        write(f"binary/random-{i:02d}.{ext}", data, "failing")
    pdf = _pdf(_paragraphs(rng, 3))
    for i in range(15):
        write(f"pdf/truncated-{i:02d}.pdf", pdf[: rng.randint(10, len(pdf) - 1)], "failing")
    for i in range(5):
        write(f"pdf/whole-{i:02d}.pdf", _pdf(_paragraphs(rng, 2)))
    for i in range(15):
        text = _paragraphs(rng, 2) + " Déclaration de la République: traité, État partie, réserve."
        write(f"latin1/latin1-{i:02d}.txt", text.encode("latin-1"))
    for i in range(20):
        text = _paragraphs(rng, 2)
        encoding = ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"][i % 4]
        write(f"utf16/text-{i:02d}.txt", text.encode(encoding))
    for i in range(20):
        width = rng.randint(2, 6)
        rows = [",".join(f"col{c}" for c in range(width))]
        for _ in range(rng.randint(3, 40)):
            cells = [rng.choice(["Testland", "12 Mar 1990", "", '"quoted, cell"', "x" * rng.randint(1, 30)])]
            rows.append(",".join(cells * rng.randint(1, width + 3)))
        write(f"csv/ragged-{i:02d}.csv", "\n".join(rows))
    for i, depth in enumerate([1_000, 10_000, 10_000, 50_000]):
        body = (
            "<div>" * depth
            + "Testland declares that the Convention applies to all its territory."
            + "</div>" * depth
        )
        write(f"html/deep-{i}.html", f"<!DOCTYPE html><html><body>{body}</body></html>")
    for i in range(10):
        body = "".join(f"<p>{_sentence(rng)}</p>" for _ in range(rng.randint(1, 20)))
        cut = rng.randint(1, len(body))
        write(f"html/broken-{i:02d}.html", f"<html><body>{body[:cut]}")
    write("big/single-line.txt", " ".join(rng.choice(WORDS) for _ in range(200_000)))  # ~1.4 MB, one line
    write("big/big.txt", (_paragraphs(rng, 40) + "\n\n") * (1024 * 1024 // 20_000))  # ~1 MB of paragraphs
    # Text pulled from a PDF is often one line: big_mb megabytes of sentences, no line break.
    write("big/one-line.txt", " ".join(_sentence(rng) for _ in range(big_mb * 1024 * 1024 // 100)))
    for i, name in enumerate(
        ["naïve déclaration.txt", "spaces in name .txt", "x" * 200 + ".txt", "UPPER.TXT", "dots.in.name.md"]
    ):
        write(f"names/{i}-{name}", _paragraphs(rng, 1))
    for i in range(30):
        write(
            f"mixed/control-{i:02d}.txt",
            _paragraphs(rng, 1) + "".join(chr(rng.randint(0, 31)) for _ in range(50)),
        )
    loop = directory / "loop"
    loop.mkdir(exist_ok=True)
    if not (loop / "self").exists():
        (loop / "self").symlink_to(loop, target_is_directory=True)
    return files


if __name__ == "__main__":
    found = generate(Path(sys.argv[1]))
    print(f"{sum(len(v) for v in found.values())} files in {sys.argv[1]}")
