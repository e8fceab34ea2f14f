"""The README and docs/*.md: every relative link leads to a file of the checkout and, when it names
an anchor, to a heading of that file, as GitHub renders it; the README stays short."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^ {0,3}(```|~~~)")
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN = re.compile(r"`[^`]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def prose(text: str) -> str:
    """The text with fenced code blocks blanked out, line for line."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        lines.append("" if fenced or FENCE.match(line) else line)
    return "\n".join(lines)


def links(text: str):
    """(line number, target) of every link and image outside code, link texts over two lines too."""
    body = CODE_SPAN.sub(lambda span: "\n" * span.group().count("\n"), prose(text))
    for match in LINK.finditer(body):
        yield body.count("\n", 0, match.start()) + 1, match.group(1)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation other than - and _ dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading's anchor; a repeated heading gets -1, -2, ... as on GitHub."""
    found, times = set(), {}
    for line in prose(text).splitlines():
        if match := HEADING.match(line):
            base = slug(match.group(1))
            found.add(f"{base}-{times[base]}" if base in times else base)
            times[base] = times.get(base, 0) + 1
    return found


def broken_links(page: Path) -> list[str]:
    """Each relative link of a Markdown page whose file or heading does not exist, with its line."""
    text = page.read_text(encoding="utf-8")
    where = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page.name
    broken = []
    for number, target in links(text):
        if SCHEME.match(target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{where}:{number}: {target}: no such file")
        elif page.is_relative_to(ROOT) and not file.is_relative_to(ROOT):
            broken.append(f"{where}:{number}: {target}: outside the checkout")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file.read_text(encoding="utf-8")):
            broken.append(f"{where}:{number}: {target}: no heading #{anchor} in {file.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_an_existing_file_and_heading(page):
    broken = broken_links(page)
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_a_missing_file_and_a_missing_heading_are_both_reported(tmp_path):
    (tmp_path / "guide.md").write_text("# Guide\n\n## What `kuota up` starts\n", encoding="utf-8")
    (tmp_path / "page.md").write_text(
        "# Page\n\n"
        "[ok](guide.md#what-kuota-up-starts) [ok](#page) [web](https://example.org/x.md)\n"
        "[gone](gone.md) and ![img](guide.md#nowhere)\n"
        "```\n[inside a code block](not-a-link.md)\n```\n"
        "`[in a code span](not-a-link.md)` and [a text over\ntwo lines](guide.md#guid)\n",
        encoding="utf-8")
    assert broken_links(tmp_path / "page.md") == [
        "page.md:4: gone.md: no such file",
        "page.md:4: guide.md#nowhere: no heading #nowhere in guide.md",
        "page.md:8: guide.md#guid: no heading #guid in guide.md",
    ]


@pytest.mark.parametrize("heading, anchor", [
    ("What `kuota up` starts", "what-kuota-up-starts"),
    ("Allocation next to realisation (the 40% rule)", "allocation-next-to-realisation-the-40-rule"),
    ("Latency: produce -> alert", "latency-produce---alert"),
    ("Sending events over HTTP: `POST /api/v1/events`", "sending-events-over-http-post-apiv1events"),
    ("A Dinas's supplier registry (re-collection)", "a-dinass-supplier-registry-re-collection"),
])
def test_anchors_follow_githubs_slug_rules(heading, anchor):
    assert slug(heading) == anchor


def test_a_repeated_heading_gets_a_numbered_anchor():
    assert anchors("## Importing\n\n### Importing\n") == {"importing", "importing-1"}


def test_the_readme_links_every_page_under_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [p.name for p in PAGES[1:] if f"](docs/{p.name})" not in readme] == []


def test_the_readme_stays_under_300_lines():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) < 300
