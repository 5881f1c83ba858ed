"""The attachments API: upload by content type and size, list, download, delete, permissions."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from valuechain.platform.attachments.models import Attachment
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def _upload(client: Client, target: str, target_id, name: str, content: bytes, **extra):
    data = {
        "target": target,
        "target_id": str(target_id),
        "file": SimpleUploadedFile(name, content),
    }
    return client.post("/api/v1/attachments", data=data, **extra)


def _error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["details"]["field"] == field
    return body


def _rows(tenant) -> list[Attachment]:
    with tenant_context(tenant):
        return list(Attachment.objects.order_by("pk"))


def test_upload_list_download_delete(
    client_a,
    tenant_a,
    admin_a,
    ada,
    media_in_tmp,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    response = _upload(client_a, "customers.person", ada.pk, "Offer 2026.pdf", PDF)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {
        k: body[k]
        for k in (
            "target",
            "target_id",
            "filename",
            "size",
            "mime_type",
            "sha256",
            "uploaded_by_id",
        )
    } == {
        "target": "customers.person",
        "target_id": str(ada.pk),
        "filename": "Offer 2026.pdf",
        "size": len(PDF),
        "mime_type": "application/pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "uploaded_by_id": admin_a.user_id,
    }
    [row] = _rows(tenant_a)
    assert row.file.name.startswith(f"attachments/{tenant_a.pk}/")
    assert "Offer" not in row.file.name  # never the uploader's name on disk
    stored = media_in_tmp / row.file.name
    assert stored.read_bytes() == PDF
    for index in range(5):
        _upload(client_a, "customers.person", ada.pk, f"n{index}.txt", b"note %d" % index)
    with django_assert_max_num_queries(10):  # session, member, role, target, page, count
        listed = client_a.get(f"/api/v1/attachments?target=customers.person&target_id={ada.pk}")
    assert listed.status_code == 200
    assert listed.json()["count"] == 6
    assert listed.json()["items"][-1]["filename"] == "Offer 2026.pdf"
    download = client_a.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="Offer 2026.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    with tenant_context(tenant_a):
        assert client_a.get(f"/api/v1/attachments/{row.pk}").json()["id"] == row.pk
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client_a.delete(f"/api/v1/attachments/{row.pk}")
    assert deleted.status_code == 204
    assert not os.path.exists(stored)
    assert len(_rows(tenant_a)) == 5
    _error(client_a.delete(f"/api/v1/attachments/{row.pk}"), 404, "not_found")


def test_refusals_write_nothing(client_a, tenant_a, ada, settings, media_in_tmp):
    body = _error(
        _upload(client_a, "customers.person", ada.pk, "invoice.pdf", EXE),
        422,
        "file_type_not_allowed",
        "file",
    )
    assert body["details"]["detected"] == "application/x-msdownload"
    _error(
        _upload(client_a, "customers.person", ada.pk, "empty.txt", b""), 422, "empty_file", "file"
    )
    settings.ATTACHMENT_MAX_BYTES = 10
    body = _error(
        _upload(client_a, "customers.person", ada.pk, "big.pdf", PDF), 413, "file_too_large", "file"
    )
    assert body["details"]["max_bytes"] == 10
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    _error(
        _upload(client_a, "customers.person", 999999, "a.pdf", PDF),
        404,
        "unknown_target",
        "target_id",
    )
    _error(
        _upload(client_a, "customers.person", "abc", "a.pdf", PDF),
        404,
        "unknown_target",
        "target_id",
    )
    _error(
        _upload(client_a, "identity.apitoken", 1, "a.pdf", PDF),
        422,
        "target_not_attachable",
        "target",
    )
    response = client_a.post(
        "/api/v1/attachments", data={"target": "customers.person", "target_id": str(ada.pk)}
    )
    _error(response, 422, "validation_error")
    _error(client_a.get("/api/v1/attachments?target=customers.person"), 422, "validation_error")
    _error(
        client_a.get("/api/v1/attachments?target=customers.person&target_id=999999"),
        404,
        "unknown_target",
    )
    assert _rows(tenant_a) == []
    assert not media_in_tmp.exists() or not any(p.is_file() for p in media_in_tmp.rglob("*"))


def test_other_tenant_and_roles(client_a, client_b, tenant_a, tenant_b, ada, token_for):
    row_id = _upload(client_a, "customers.person", ada.pk, "a.pdf", PDF).json()["id"]
    _error(client_b.get(f"/api/v1/attachments/{row_id}"), 404, "not_found")
    _error(client_b.get(f"/api/v1/attachments/{row_id}/download"), 404, "not_found")
    _error(client_b.delete(f"/api/v1/attachments/{row_id}"), 404, "not_found")
    _error(_upload(client_b, "customers.person", ada.pk, "a.pdf", PDF), 404, "unknown_target")
    planner = tenancy.add_member(
        tenant_a, tenancy.create_user("plan@alpha.test", "pw-long-enough-1"), "planner"
    )
    warehouse = tenancy.add_member(
        tenant_a, tenancy.create_user("wh@alpha.test", "pw-long-enough-2"), "warehouse"
    )
    reader = Client()
    reader.force_login(planner.user)  # crm:read only
    assert reader.get(f"/api/v1/attachments/{row_id}").status_code == 200
    _error(_upload(reader, "customers.person", ada.pk, "b.pdf", PDF), 403, "permission_denied")
    _error(reader.delete(f"/api/v1/attachments/{row_id}"), 403, "permission_denied")
    outsider = Client()
    outsider.force_login(warehouse.user)  # no crm at all
    _error(outsider.get(f"/api/v1/attachments/{row_id}/download"), 403, "permission_denied")
    raw = token_for(planner, ["crm:read"])
    response = _upload(
        Client(), "customers.person", ada.pk, "c.pdf", PDF, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    _error(response, 403, "permission_denied")
    assert len(_rows(tenant_a)) == 1
    assert _rows(tenant_b) == []


@pytest.mark.parametrize("target", ["customers.account", "activities.activity"])
def test_other_registered_targets(client_a, tenant_a, admin_a, ada, target):
    from valuechain.crm.activities import services

    with tenant_context(tenant_a, actor=admin_a.user):
        target_id = (
            ada.account_id
            if target == "customers.account"
            else services.create_activity({"subject": "x"}).pk
        )
    assert (
        _upload(
            client_a, target, target_id, "a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
        ).status_code
        == 201
    )
