"""manage.py catalogue: what is left to translate goes out in chunks, and a translation comes
back only with the English's placeholders and tags."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import polib
from django.core.management import call_command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("catalogue", *args, stdout=out)
    return out.getvalue()


def test_export_then_merge_checks_placeholders(tmp_path, settings):
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = Path(settings.BASE_DIR, "locale", "fr", "LC_MESSAGES", "django.po")
    shutil.copy(source, folder / "django.po")
    catalogue = polib.pofile(str(folder / "django.po"))
    good, bad = [e for e in catalogue if "%(reference)s" in e.msgid and not e.msgid_plural][:2]
    good.msgstr = bad.msgstr = ""
    catalogue.save()
    settings.BASE_DIR = tmp_path
    assert run("status", "fr").startswith("2 entries left")
    run("export", "fr", "--to", str(tmp_path / "todo"))
    todo = json.loads((tmp_path / "todo" / "todo-01.json").read_text())
    assert {row["msgid"] for row in todo} == {good.msgid, bad.msgid}
    answers = tmp_path / "done.json"
    answers.write_text(
        json.dumps(
            [
                {"key": good.msgid, "msgstr": f"Traduit {good.msgid}"},
                {"key": bad.msgid, "msgstr": "Sans la référence"},
            ]
        )
    )
    said = run("merge", "fr", str(answers))
    assert "merged 1; 1 left; 1 refused" in said
    assert "placeholders or tags differ" in said
    merged = {e.msgid: e.msgstr for e in polib.pofile(str(folder / "django.po"))}
    assert merged[good.msgid] == f"Traduit {good.msgid}"
    assert merged[bad.msgid] == ""
