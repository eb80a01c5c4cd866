"""Evidence files: checked by content and size, stored privately, served to those who may see."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges import services
from pledges.models import Evidence
from pledges.uploads import MAX_BYTES, validate_evidence_file
from tests.factories import complete_pledge

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""})


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        (
            "plan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("budget.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        ("notes.txt", "Résumé of the meeting\n".encode(), "text/plain"),
        ("letter.rtf", b"{\\rtf1\\ansi Hello}", "application/rtf"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "application/msword"),
    ],
)
def test_accepted_types_are_recognised_by_content(name, content, content_type):
    assert validate_evidence_file(SimpleUploadedFile(name, content)) == content_type


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "not of an accepted type"),
        ("archive.zip", zipped({"a.txt": b"x"}), "not of an accepted type"),
        ("report.pdf", DOCX, "named .pdf but its content is docx"),
        ("empty.pdf", b"", "empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not of an accepted type"),
    ],
)
def test_other_files_are_refused_with_a_reason(name, content, reason):
    with pytest.raises(ValidationError, match=reason):
        validate_evidence_file(SimpleUploadedFile(name, content))


def test_files_over_25_megabytes_are_refused():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_BYTES)
    with pytest.raises(ValidationError, match="limit is 25 MB"):
        validate_evidence_file(big)


def test_member_uploads_evidence_that_owners_can_download(client, member, organisation, outsider):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    response = client.post(
        reverse("portal:evidence_add", args=[pledge.reference]),
        {"evidence-title": "Budget", "evidence-file": SimpleUploadedFile("budget.pdf", PDF)},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(pledge=pledge)
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)
    assert evidence.uploaded_by == member

    url = reverse("portal:evidence_download", args=[pledge.reference, evidence.pk])
    download = client.get(url)
    assert download.status_code == 200
    # Reading the stream to its end closes the file, as a server would.
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")

    client.force_login(outsider)
    assert client.get(url).status_code == 404  # a draft's files are its owners'
    client.logout()
    assert client.get(url).status_code == 404


def test_a_refused_file_is_reported_and_nothing_stored(client, member, organisation, tmp_path):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(member)
    response = client.post(
        reverse("portal:evidence_add", args=[pledge.reference]),
        {
            "evidence-title": "Budget",
            "evidence-file": SimpleUploadedFile("budget.pdf", b"MZ" + b"\x00" * 50),
        },
        follow=True,
    )
    assert "not of an accepted type" in response.content.decode()
    assert not Evidence.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_outsiders_cannot_add_evidence(client, outsider, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    client.force_login(outsider)
    response = client.post(
        reverse("portal:evidence_add", args=[pledge.reference]),
        {"evidence-title": "Spam", "evidence-url": "https://spam.example"},
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_removing_evidence_deletes_its_file_once_committed(
    member, organisation, tmp_path, django_capture_on_commit_callbacks
):
    pledge = complete_pledge(lead_organisation=organisation)
    evidence = services.evidence_add(
        pledge=pledge, by=member, title="Plan", file=SimpleUploadedFile("plan.pdf", PDF)
    )
    stored = tmp_path / evidence.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=evidence, by=member)
    assert not stored.exists()


def test_published_evidence_is_public(client, member, secretariat, organisation):
    pledge = complete_pledge(lead_organisation=organisation)
    evidence = services.evidence_add(
        pledge=pledge, by=member, title="Plan", file=SimpleUploadedFile("plan.pdf", PDF)
    )
    services.pledge_submit(pledge=pledge, by=member)
    services.pledge_publish(pledge=pledge, by=secretariat)
    url = reverse("portal:evidence_download", args=[pledge.reference, evidence.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
