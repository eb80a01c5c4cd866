"""Checking uploaded evidence by what it is, not by what it is called.

The official pledge form accepts one file of up to 25 MB of office and PDF types. A file's
name and the browser's content type are claims; the first bytes of the file are evidence.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_BYTES = 25 * 1024 * 1024

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, .xls, .ppt
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "rtf": "application/rtf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    **ODF_TYPES,
}
ALLOWED = ", ".join(sorted(CONTENT_TYPES))


def detect_kind(upload: UploadedFile) -> str | None:
    """The file's real type, as one of the allowed extensions, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(OLE2):
        extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
        return extension if extension in {"doc", "xls", "ppt"} else None
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return "txt" if _is_text(upload) else None


def _zip_kind(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Read a few bytes only: an entry's declared size can hide a huge expansion.
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
                return next((k for k, v in ODF_TYPES.items() if v == mimetype), None)
            if "[Content_Types].xml" in names:
                for kind, folder in OOXML_PARTS.items():
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    return None


def _is_text(upload: UploadedFile) -> bool:
    sample = upload.read(64 * 1024)
    upload.seek(0)
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(sample) - 3
    return True


def validate_evidence_file(upload: UploadedFile) -> str:
    """Check size and real type; return the content type to store. Raises ValidationError."""
    if upload.size is not None and upload.size > MAX_BYTES:
        megabytes = upload.size / 1024 / 1024
        raise ValidationError(
            _("This file is %(size)s MB; the limit is 25 MB.")
            % {"size": number_format(megabytes, 1)}
        )
    if not upload.size:
        raise ValidationError(_("This file is empty."))
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            _("This file is not of an accepted type (%(types)s).") % {"types": ALLOWED}
        )
    claimed = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if claimed and claimed != kind:
        raise ValidationError(
            # Translators: %(claimed)s and %(kind)s are file extensions: "docx", "pdf".
            _("This file is named .%(claimed)s but its content is %(kind)s.")
            % {"claimed": claimed, "kind": kind}
        )
    return CONTENT_TYPES[kind]
