"""Loading files of each format, detected by content; bad files give clear errors."""

import re
from pathlib import Path

import pytest
from fpdf import FPDF

from ingest.errors import DocumentError
from ingest.loaders import load_file
from ingest.pipeline import parse_file
from ingest.records import Kind

TREATY_PAGE_HTML = """<!DOCTYPE html><html><head><title>Contracting Parties - Treaty database</title></head>
<body><nav><ul><li><a href="/a">About us</a></li><li><a href="/b">Patents and trademarks</a></li></ul></nav>
<main><h1>Contracting Parties Convention on Cybercrime Azerbaijan</h1>
<p>Dates Signature: June 30, 2008 Ratification: March 15, 2010 Entry into force: July 1, 2010</p>
<p>Declarations made upon signature and confirmed upon ratification:</p>
<ol><li>"According to Article 38 of the Convention, the Republic declares that it is unable to guarantee
implementation of the Convention in certain territories."</li>
<li>"According to paragraph 1 of Article 35 of the Convention, the Republic designates the Ministry of
National Security as a point of contact."</li></ol></main>
<footer>Copyright. Terms of use. Privacy policy.</footer></body></html>"""


def write_pdf(path: Path, lines: list[str]) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_html_is_detected_by_content_and_keeps_list_numbers(tmp_path: Path) -> None:
    page = tmp_path / "page.dat"  # no telling extension
    page.write_text(TREATY_PAGE_HTML)
    assert load_file(page).format == "html"
    parser, records, _ = parse_file(page, "page.dat")
    assert parser == "treaty-page"
    assert [(r.kind, r.number, r.articles) for r in records] == [
        (Kind.STATUS, None, ()),
        (Kind.DECLARATION, "1", ("38",)),
        (Kind.DECLARATION, "2", ("35(1)",)),
    ]
    assert not any("Patents and trademarks" in r.text for r in records)


def test_pdf_text_is_extracted_and_parsed(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "report.pdf",
        [
            "Annual review of treaty practice",
            "",
            "The Secretary-General received a number of declarations concerning article 24 of the "
            "Convention on Cybercrime during the reporting period, most of them designating "
            "central authorities.",
        ],
    )
    loaded = load_file(pdf)
    assert loaded.format == "pdf"
    _, records, _ = parse_file(pdf, "report.pdf")
    assert records and records[0].kind is Kind.PASSAGE
    assert "designating central authorities" in records[0].text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x00\x01\x02\xff\xfe" * 200, "binary"),
        (b"%PDF-1.4\n this is not really a pdf", "not a readable PDF"),
    ],
)
def test_unreadable_files_raise_a_document_error_that_names_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(DocumentError, match=message) as info:
        load_file(bad)
    assert str(bad) in str(info.value)


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("Déclaration de la République française concernant l'article 29.".encode("latin-1"))
    assert "République" in load_file(path).text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_exports_with_or_without_a_byte_order_mark_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "export.txt"
    text = "Déclaration: the Government of Testland declares that article 5 applies to all its territory."
    path.write_bytes(text.encode(encoding))
    assert load_file(path).text.strip() == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_two_short_lines_of_utf16_without_a_byte_order_mark_become_records(
    tmp_path: Path, encoding: str
) -> None:
    text = "Testland declares that article 5 applies.\nIt ratified the treaty in 2020."
    assert len(text) < 80
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode(encoding))
    _, records, _ = parse_file(path, "short.txt")
    assert [r.text for r in records] == text.splitlines()


def test_html_nested_thousands_deep_is_read_without_a_recursion_limit(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    body = (
        "<div>" * 20_000
        + "Testland declares that the Convention applies to all its territory."
        + "</div>" * 20_000
    )
    path.write_text(f"<!DOCTYPE html><html><head><title>Deep</title></head><body>{body}</body></html>")
    _, records, notes = parse_file(path, "deep.html")
    assert [r.text for r in records] == [
        "Testland declares that the Convention applies to all its territory."
    ]
    assert not notes


def test_a_readable_file_without_records_says_why(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("a,b\nc\nd,e,f,g\n")
    _, records, notes = parse_file(path, "list.csv")
    assert not records and notes and notes[-1].startswith("no records")


def test_library_warnings_go_into_the_files_notes_not_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Testland declares that the Convention applies to all its territory. " * 3)
    data = bytes(pdf.output())
    path = tmp_path / "bad-xref.pdf"
    # The cross-reference table is not where the file says: readable, with a warning.
    path.write_bytes(re.sub(rb"startxref\s+(\d+)", lambda m: b"startxref\n" + b"%d" % (int(m[1]) + 7), data))
    loaded = load_file(path)
    assert "Testland declares" in loaded.text
    assert any("startxref" in note for note in loaded.notes)
    assert "startxref" not in capsys.readouterr().err
