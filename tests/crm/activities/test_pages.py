"""Activity pages: my day with quick complete, the list, forms with errors by field, detail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from valuechain.crm.activities import services
from valuechain.crm.activities.models import Activity
from valuechain.crm.activities.panels import open_activities
from valuechain.platform.attachments.models import Attachment
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import tenant_context


def _today_at(hour: int) -> dt.datetime:
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def day(tenant_a, admin_a, ada):
    now = timezone.now()
    with tenant_context(tenant_a, actor=admin_a.user):
        return {
            "late": services.create_activity(
                {"subject": "Late offer", "due_at": now - dt.timedelta(days=1), "person_id": ada.pk}
            ),
            "today": services.create_activity(
                {"kind": "call", "subject": "Call Ada", "due_at": _today_at(23)}
            ),
            "meeting": services.create_activity(
                {
                    "kind": "meeting",
                    "subject": "Demo",
                    "starts_at": _today_at(0) + dt.timedelta(minutes=5),
                }
            ),
        }


def _count(tenant, **filters) -> int:
    with tenant_context(tenant):
        return int(Activity.objects.filter(**filters).count())


def test_my_day_page_and_quick_complete(client_a, tenant_a, day, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        page = client_a.get("/crm/my-day/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Overdue" in html and "Late offer" in html and "Call Ada" in html and "Demo" in html
    assert "Ada Lovelace" in html
    url = f"/crm/activities/{day['today'].pk}/complete/"
    response = client_a.post(url, {"from": "my-day"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('<div id="my-day">')
    assert "Done today" in fragment and "Call Ada" in fragment
    assert _count(tenant_a, status="done") == 1
    again = client_a.post(url, {"from": "my-day"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert "not open" in again.content.decode()


def test_menu_shows_my_day(client_a, day):
    html = client_a.get("/crm/activities/").content.decode()
    assert 'href="/crm/my-day/"' in html


def test_list_filters_and_paginates(
    client_a, tenant_a, admin_a, day, django_assert_max_num_queries
):
    with tenant_context(tenant_a, actor=admin_a.user):
        for index in range(60):
            services.create_activity(
                {"subject": f"bulk {index:02d}", "due_at": timezone.now() + dt.timedelta(days=9)}
            )
    with django_assert_max_num_queries(14):
        page = client_a.get("/crm/activities/")
    assert page.status_code == 200
    assert "Page 1 of 2" in page.content.decode()
    html = client_a.get("/crm/activities/?due=overdue&status=open").content.decode()
    assert "Late offer" in html and "Call Ada" not in html
    html = client_a.get("/crm/activities/?kind=meeting").content.decode()
    assert "Demo" in html and "Late offer" not in html
    html = client_a.get("/crm/activities/?assignee=none").content.decode()
    assert "No activities match." in html
    assert client_a.get("/crm/activities/?due=nonsense&sort=bogus").status_code == 200  # ignored


def test_create_form_errors_by_field_and_success(client_a, tenant_a, ada):
    response = client_a.post(
        "/crm/activities/new/",
        {
            "kind": "meeting",
            "subject": "Demo",
            "priority": "normal",
            "starts_at": "2026-03-02T12:00",
            "ends_at": "2026-03-02T11:00",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_ends_at_error"' in html and "cannot end before it starts" in html
    response = client_a.post(
        "/crm/activities/new/", {"kind": "task", "subject": "", "priority": "normal"}
    )
    assert response.status_code == 422
    assert 'id="id_subject_error"' in response.content.decode()
    assert _count(tenant_a) == 0
    response = client_a.post(
        "/crm/activities/new/",
        {
            "kind": "call",
            "subject": "Ring Ada",
            "priority": "high",
            "due_at": "2026-03-02T12:00",
            "person_id": ada.pk,
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        created = Activity.objects.get()
    assert response["Location"] == f"/crm/activities/{created.pk}/"
    assert (created.kind, created.priority, created.person_id) == ("call", "high", ada.pk)
    form = client_a.get(f"/crm/activities/new/?kind=call&person_id={ada.pk}").content.decode()
    assert f'value="{ada.pk}"' in form


def test_edit_detail_and_actions(client_a, tenant_a, day, ada):
    task = day["late"]
    detail = client_a.get(f"/crm/activities/{task.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Late offer" in html and "Attachments" in html and "Mark done" in html
    edit = client_a.get(f"/crm/activities/{task.pk}/edit/")
    assert edit.status_code == 200 and 'name="kind"' not in edit.content.decode()
    bad = client_a.post(
        f"/crm/activities/{task.pk}/edit/",
        {
            "subject": "Late offer",
            "priority": "normal",
            "due_at": "2026-03-02T12:00",
            "reminder_at": "2026-03-03T12:00",
        },
    )
    assert bad.status_code == 422 and 'id="id_reminder_at_error"' in bad.content.decode()
    ok = client_a.post(
        f"/crm/activities/{task.pk}/edit/",
        {"subject": "Offer sent?", "priority": "low", "person_id": ada.pk},
    )
    assert ok.status_code == 302
    with tenant_context(tenant_a):
        assert Activity.objects.get(pk=task.pk).subject == "Offer sent?"
    assert (
        client_a.post(f"/crm/activities/{task.pk}/complete/", {"outcome": "Sent"}).status_code
        == 302
    )
    refused = client_a.post(f"/crm/activities/{task.pk}/cancel/")
    assert refused.status_code == 409 and "not open" in refused.content.decode()
    assert client_a.post(f"/crm/activities/{task.pk}/reopen/").status_code == 302
    assert client_a.post(f"/crm/activities/{task.pk}/explode/").status_code == 404
    assert client_a.get("/crm/activities/999999/").status_code == 404


def test_read_only_member_sees_but_cannot_change(tenant_a, day):
    planner = tenancy.add_member(
        tenant_a, tenancy.create_user("plan@alpha.test", "pw-long-enough-1"), "planner"
    )
    client = Client()
    client.force_login(planner.user)
    assert client.get("/crm/activities/").status_code == 200
    assert client.get("/crm/activities/new/").status_code == 403
    assert client.post(f"/crm/activities/{day['late'].pk}/complete/").status_code == 403
    assert _count(tenant_a, status="done") == 0


def test_other_tenant_gets_404(client_b, day):
    assert client_b.get(f"/crm/activities/{day['late'].pk}/").status_code == 404
    assert client_b.post(f"/crm/activities/{day['late'].pk}/complete/").status_code == 404


def test_attachment_upload_from_the_activity_page(
    client_a, tenant_a, day, django_capture_on_commit_callbacks
):
    task = day["late"]
    data = {"target": "activities.activity", "target_id": str(task.pk)}
    refused = client_a.post(
        "/attachments/upload/",
        {**data, "file": SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert 'id="id_file_error"' in refused.content.decode()
    ok = client_a.post(
        "/attachments/upload/",
        {**data, "file": SimpleUploadedFile("notes.txt", b"call notes")},
        HTTP_HX_REQUEST="true",
    )
    assert ok.status_code == 200 and "notes.txt attached." in ok.content.decode()
    plain = client_a.post(
        "/attachments/upload/",
        {**data, "file": SimpleUploadedFile("more.txt", b"more")},
        HTTP_REFERER=f"http://testserver/crm/activities/{task.pk}/",
    )
    assert (
        plain.status_code == 302
        and plain["Location"] == f"http://testserver/crm/activities/{task.pk}/"
    )
    with tenant_context(tenant_a):
        rows = list(Attachment.objects.order_by("pk"))
    assert [row.filename for row in rows] == ["notes.txt", "more.txt"]
    assert "notes.txt" in client_a.get(f"/crm/activities/{task.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        gone = client_a.post(f"/attachments/{rows[0].pk}/delete/", HTTP_HX_REQUEST="true")
    assert gone.status_code == 200 and "notes.txt deleted." in gone.content.decode()
    missing = client_a.post(
        "/attachments/upload/", {"target": "identity.apitoken", "target_id": "1"}
    )
    assert missing.status_code == 422


def test_customer_pages_show_attachments_and_the_360_panel(client_a, tenant_a, admin_a, day, ada):
    html = client_a.get(f"/crm/people/{ada.pk}/").content.decode()
    assert f'id="attachments-customers-person-{ada.pk}"' in html
    html = client_a.get(f"/crm/accounts/{ada.account_id}/").content.decode()
    assert f'id="attachments-customers-account-{ada.account_id}"' in html
    with tenant_context(tenant_a, actor=admin_a.user):
        data = open_activities("account", ada.account)
    assert [(row["subject"], row["overdue"]) for row in data["items"]] == [("Late offer", True)]
