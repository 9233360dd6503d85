"""Renderers on a report whose quotes carry HTML, script and Markdown: everything stays inert."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from barraiser.grading.report import Report
from barraiser.render import render

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
MARKDOWN = "**bold** | pipe"

TEXT = f"""# Mock: shelf alerts

[00:05] Omar: Design an AI feature that tells shoppers whether an item is on the shelf.
[00:12] Ana: Is this for shoppers on the mobile app {SCRIPT}, or for **store staff** | who restock shelves?
[00:20] Omar: Shoppers, on the mobile app.
[00:30] Ana: I'll design for a shopper who plans a trip to the store today {IMG} from the mobile app.
[00:50] Ana: The one thing we cannot get wrong is saying an item is on the shelf when it is not, so we accept showing {MARKDOWN} fewer items as in stock.
[01:10] Ana: When confidence is low, we fall back to showing "limited stock", labelled as such, instead of a guess.
"""


@pytest.fixture(scope="module")
def detector():
    from barraiser.grading.detect import Detector

    return Detector()


@pytest.fixture(scope="module")
def report(detector) -> Report:
    from barraiser.grading import grade
    from barraiser.transcript.readers import read_text

    tr = read_text(TEXT, name="mock.md")
    assert tr.candidate == "Ana"
    return grade(tr, detector=detector)


@pytest.fixture(scope="module")
def html_page(report) -> str:
    return render(report, "html")


def all_quotes(report: Report) -> list[str]:
    return [e.quote for s in report.signals for e in s.evidence]


def test_the_report_quotes_the_markup(report):
    """The other tests need quotes that carry the markup; if this fails, reword TEXT."""
    quoted = " ".join(all_quotes(report))
    for piece in (SCRIPT, IMG, MARKDOWN):
        assert piece in quoted, all_quotes(report)
    # And the transcript itself keeps every piece verbatim for the HTML view.
    said = " ".join(t.text for t in report.transcript if t.candidate)
    for piece in (SCRIPT, IMG, MARKDOWN):
        assert piece in said


# --------------------------------------------------------------------------- HTML

class Page(HTMLParser):
    """Collects what the tests look at: tags, attributes, ids, text per element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: dict[str, str] = {}
        self.stack: list[tuple[str, dict]] = []
        self.text_by_id: dict[str, list[str]] = {}
        self.title = ""
        self.figcaptions: list[str] = []
        self._figcaption: list[str] | None = None
        self._open_ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids[a["id"]] = tag
            self.text_by_id.setdefault(a["id"], [])
            if tag == "li":
                self._open_ids.append(a["id"])
        if tag == "figcaption":
            self._figcaption = []
        self.stack.append((tag, a))

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._figcaption is not None:
            self.figcaptions.append("".join(self._figcaption))
            self._figcaption = None
        if tag == "li" and self._open_ids:
            self._open_ids.pop()
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "title" and not any(t == "svg" for t, _ in self.stack):
            self.title += data
        if self._figcaption is not None:
            self._figcaption.append(data)
        for i in self._open_ids:
            self.text_by_id[i].append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def test_html_escapes_transcript_markup(html_page):
    assert "&lt;script&gt;" in html_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_page
    assert not re.search(r"<\s*script", html_page, re.I)  # the page has no script tag at all
    assert not re.search(r"<\s*img\b", html_page, re.I)
    page = parse(html_page)
    tags = {t for t, _ in page.tags}
    assert "script" not in tags and "img" not in tags and "iframe" not in tags
    handlers = [(t, k) for t, a in page.tags for k in a if k.lower().startswith("on")]
    assert handlers == [], "event-handler attributes must never appear outside text"
    # The escaped text reads back as the candidate's words.
    assert any(SCRIPT in "".join(txt) for txt in page.text_by_id.values())


def test_html_document_structure(html_page, report):
    assert html_page.startswith("<!doctype html>")
    assert re.search(r'<html lang="en">', html_page)
    page = parse(html_page)
    assert report.source in page.title and page.title.strip()
    sections = [a for t, a in page.tags if t == "section"]
    assert len(sections) >= 5
    for a in sections:
        label = a.get("aria-labelledby")
        assert label, f"section without aria-labelledby: {a}"
        assert page.ids.get(label) in {"h2", "h3"}, f"aria-labelledby={label!r} names no heading"


def test_html_timeline_has_a_figcaption_explaining_its_shapes(html_page):
    page = parse(html_page)
    assert "svg" in {t for t, _ in page.tags}
    assert len(page.figcaptions) == 1
    caption = page.figcaptions[0].lower()
    for word in ("circle", "square", "triangle", "late", "red flag", "plan"):
        assert word in caption, word
    svg = html_page[html_page.index("<svg"):html_page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg


def test_html_evidence_links_to_existing_turn_anchors(html_page, report):
    page = parse(html_page)
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#")]
    evidence = [e for s in report.signals for e in s.evidence]
    assert evidence, "the fixture must produce evidence"
    assert len(links) == len(evidence)
    for e in evidence:
        anchor = f"turn-{e.turn}"
        assert f"#{anchor}" in links
        assert page.ids.get(anchor) == "li", f"no element with id={anchor!r}"
        # The anchor is the quoted turn: the quote is in its text, spoken by the candidate.
        assert e.quote in "".join(page.text_by_id[anchor])
        classes = next(a.get("class", "") for t, a in page.tags if a.get("id") == anchor)
        assert "cand" in classes.split()
    for href in links:
        assert href[1:] in page.ids, f"dangling link {href}"


def test_html_fetches_nothing(html_page):
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html_page, re.I)
    assert not re.search(r"<link\b", html_page, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", html_page, re.I)


# --------------------------------------------------------------------------- Markdown

def test_markdown_escapes_transcript_text(report):
    md = render(report, "markdown")
    assert md.startswith("# Debrief: mock.md")
    assert "<script" not in md and "<img" not in md
    assert "&lt;script&gt;alert(\"x\")&lt;/script&gt;" in md
    assert "\\*\\*store staff\\*\\* \\| who restock shelves?" in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "\\*\\*bold\\*\\* \\| pipe" in md
    assert "**store staff**" not in md and "**bold**" not in md
    # Every row of the signals table keeps its six cells: a quoted "|" does not split a cell.
    rows = md.split("## Signals", 1)[1].split("\n## ", 1)[0].strip().splitlines()
    assert len(rows) == 2 + 25
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 7, row


# --------------------------------------------------------------------------- JSON

def test_json_round_trips_and_validates(report, validate_report):
    text = render(report, "json")
    data = json.loads(text)
    validate_report(data)
    assert text.count("\n{") == 0 and text.startswith("{")
    assert data["source"] == "mock.md"
    assert data["timing"] == "measured"
    # Quotes are kept verbatim (JSON escapes nothing that a reader would see).
    assert SCRIPT in " ".join(e["quote"] for s in data["signals"] for e in s["evidence"])
    # The JSON is the whole report but the transcript: reading it back gives the same report.
    again = Report.model_validate(data)
    assert again == report.model_copy(update={"transcript": []})


# --------------------------------------------------------------------------- terminal

@pytest.mark.parametrize("width", [60, 80, 100])
def test_terminal_fits_the_width(report, width):
    out = render(report, "terminal", width=width)
    too_long = [line for line in out.splitlines() if len(line) > width]
    assert too_long == []


def test_terminal_colour_only_when_asked(report):
    plain = render(report, "terminal", color=False, width=80)
    coloured = render(report, "terminal", color=True, width=80)
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    strip = re.compile(r"\x1b\[[0-9;]*m")
    assert strip.sub("", coloured).splitlines()[0] == plain.splitlines()[0]
    # Colour is doubled by words: the plain text still says what the colour says.
    from barraiser.render.labels import VERDICT_LABELS

    assert plain.splitlines()[0].startswith(VERDICT_LABELS[report.verdict].upper())
    assert "shown" in plain and "missing" in plain


def test_terminal_prints_markup_literally(report):
    """Rich markup in the candidate's words is not interpreted (quotes are Text, not markup)."""
    out = render(report, "terminal", width=200)
    assert "<script>alert" in out
    assert "**store staff** | who restock shelves?" in out
