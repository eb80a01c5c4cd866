"""Every word a template shows goes through the translation tags.

The check reads each template as Django's lexer does: text inside `{% translate %}`,
`{% blocktranslate %}`, comments, scripts and styles is left out; what remains is the HTML that
reaches the reader as it is. Its text and the attributes people read (alt, title, aria-label,
placeholder, a button's value) must hold no word.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR, "templates")
# Names and formats, the same in every language.
UNTRANSLATED = {
    "API",
    "CSV",
    "XLSX",
    "PDF",
    "JSON",
    "JSONL",
    "SDMX",
    "ISO",
    "Atom",
    "OpenAPI",
    "Redoc",
    "Swagger",
    "UI",
    "GCM",
    "IMRF",
    "SDG",
    "SMART",
    "URL",
    "ID",
    "Open",
    "gz",
    "SHA",
}
WORD = re.compile(r"[^\W\d_]{2,}")
# Stands in for a variable or a tag, so that the text around it stays apart.
HOLE = "\x00"
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
SKIPPED_BLOCKS = {
    "comment": "endcomment",
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "verbatim": "endverbatim",
}


def shown_markup(source: str) -> str:
    """The template with its tags as holes and the text of translation blocks left out."""
    parts: list[str] = []
    closing = None
    for token in Lexer(source).tokenize():
        words = token.contents.split()
        if closing:
            if token.token_type == TokenType.BLOCK and words and words[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK and words and words[0] in SKIPPED_BLOCKS:
            closing = SKIPPED_BLOCKS[words[0]]
        if token.token_type != TokenType.COMMENT:
            parts.append(HOLE)
    return "".join(parts)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shown: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and (
                name in READ_ATTRIBUTES
                or (
                    name == "value"
                    and tag in {"input", "button"}
                    and values.get("type") in {"submit", "button", "reset"}
                )
            ):
                self.shown.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.shown.append(data)


def untranslated_words(source: str) -> list[str]:
    reader = _Reader()
    reader.feed(shown_markup(source))
    reader.close()
    found = []
    for text in reader.shown:
        for piece in text.split(HOLE):
            words = [word for word in WORD.findall(piece) if word not in UNTRANSLATED]
            if words:
                found.append(" ".join(piece.split()))
    return found


TEMPLATE_FILES = sorted(path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"})


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_template_text_is_marked_for_translation(path):
    assert untranslated_words(path.read_text()) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<p>Pledges</p>", ["Pledges"]),
        ('<p>{% translate "Pledges" %}</p>', []),
        ("<p>{{ count }} pledges</p>", ["pledges"]),
        ("{% blocktranslate %}{{ count }} pledges{% endblocktranslate %}", []),
        ('<img alt="Chart" src="x.svg">', ["Chart"]),
        ('<a class="button primary" href="{% url "home" %}">→</a>', []),
        ("{% comment %}Why this is here{% endcomment %}<script>let chart = 1;</script>", []),
        ('<input type="submit" value="Save">', ["Save"]),
        ("<p>PDF · CSV</p>", []),
    ],
)
def test_the_check_finds_words_outside_the_tags(source, found):
    assert untranslated_words(source) == found
