"""Work on a translation catalogue in batches: export what is left, merge translations back.

    manage.py catalogue status LANG
    manage.py catalogue export LANG --to DIR [--size N]   # DIR/todo-01.json, todo-02.json ...
    manage.py catalogue merge LANG FILE.json

A translation file is a JSON list of {"key": <key from todo>, "msgstr": "..."}, or for a plural
entry {"key": ..., "msgstr_plural": [one form per the catalogue's nplurals]}. A translation whose
placeholders or HTML tags differ from the English is refused, so a catalogue never breaks a
page. The wording conventions are in docs/translating.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

PLACEHOLDER = re.compile(r"%\([a-zA-Z_0-9]+\)[sdif]|%[sdif]|\{[a-zA-Z_0-9]*\}|%%")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


class Command(BaseCommand):
    help = "Export the entries of a catalogue left to translate, or merge translations back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "export", "merge"])
        parser.add_argument("language", help="a catalogue of locale/: fr, es, ar, zh_Hans, ru")
        parser.add_argument("file", nargs="?", type=Path, help="merge: the translations")
        parser.add_argument("--to", type=Path, help="export: the folder to write chunks to")
        parser.add_argument("--size", type=int, default=150, help="export: entries per chunk")

    def handle(self, *args: Any, action: str, language: str, **options: Any) -> None:
        path = Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")
        if not path.exists():
            raise CommandError(f"No catalogue {path}.")
        catalogue = polib.pofile(str(path), wrapwidth=100)
        if action == "status":
            self.stdout.write(f"{len(_left(catalogue))} entries left")
        elif action == "export":
            if not options["to"]:
                raise CommandError("Say where: --to DIR.")
            self._export(catalogue, options["to"], options["size"])
        else:
            if not options["file"]:
                raise CommandError("Give the file of translations.")
            self._merge(catalogue, options["file"])

    def _export(self, catalogue: polib.POFile, folder: Path, size: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("todo-*.json"):
            old.unlink()
        forms = _nplurals(catalogue)
        rows = [
            {
                "key": _key(entry),
                "msgid": entry.msgid,
                **(
                    {"msgid_plural": entry.msgid_plural, "nplurals": forms}
                    if entry.msgid_plural
                    else {}
                ),
                **({"context": entry.msgctxt} if entry.msgctxt else {}),
                **({"comment": entry.comment} if entry.comment else {}),
                "where": [name for name, _line in entry.occurrences][:2],
            }
            for entry in _left(catalogue)
        ]
        for start in range(0, len(rows), size):
            chunk = folder / f"todo-{start // size + 1:02d}.json"
            chunk.write_text(json.dumps(rows[start : start + size], ensure_ascii=False, indent=1))
        self.stdout.write(f"{len(rows)} entries left, in {folder}")
        self.stdout.write(f"Plural-Forms: {catalogue.metadata.get('Plural-Forms')}")

    def _merge(self, catalogue: polib.POFile, file: Path) -> None:
        entries = {_key(entry): entry for entry in catalogue if not entry.obsolete}
        forms = _nplurals(catalogue)
        problems, merged = [], 0
        for row in json.loads(file.read_text(encoding="utf-8")):
            entry = entries.get(row.get("key"))
            if entry is None:
                problems.append(f"unknown key: {row.get('key')!r}")
                continue
            problem = _apply(entry, row, forms)
            if problem:
                problems.append(f"{entry.msgid!r}: {problem}")
                continue
            merged += 1
        catalogue.save()
        self.stdout.write(f"merged {merged}; {len(_left(catalogue))} left; {len(problems)} refused")
        for problem in problems:
            self.stdout.write(f"  {problem}")


def _apply(entry: polib.POEntry, row: dict[str, Any], forms: int) -> str | None:
    """Put the row's translation into the entry; or say why not."""
    if entry.msgid_plural:
        texts = row.get("msgstr_plural")
        if not isinstance(texts, list) or len(texts) != forms or not all(texts):
            return f"needs msgstr_plural with {forms} non-empty forms"
        if any(
            not (_marks_match(entry.msgid_plural, t) or _marks_match(entry.msgid, t)) for t in texts
        ):
            return "placeholders or tags differ"
        entry.msgstr_plural = dict(enumerate(texts))
    else:
        text = row.get("msgstr")
        if not text:
            return "empty msgstr"
        if not _marks_match(entry.msgid, text):
            return f"placeholders or tags differ: {text!r}"
        entry.msgstr = text
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return None


def _marks_match(source: str, target: str) -> bool:
    return sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)) and len(
        TAG.findall(source)
    ) == len(TAG.findall(target))


def _key(entry: polib.POEntry) -> str:
    return (entry.msgctxt + "\x04" if entry.msgctxt else "") + entry.msgid


def _left(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [
        entry
        for entry in catalogue
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


def _nplurals(catalogue: polib.POFile) -> int:
    found = re.search(r"nplurals=(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 2
