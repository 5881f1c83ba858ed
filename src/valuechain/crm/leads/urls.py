"""Pages of leads, and the public web-to-lead form of each tenant."""

from django.urls import path

from valuechain.crm.leads import views, webform

urlpatterns = [
    path("crm/leads/", views.lead_list, name="leads-lead-list"),
    path("crm/leads/new/", views.lead_create, name="leads-lead-create"),
    path("crm/leads/scoring/", views.scoring_rules, name="leads-scoring-rules"),
    path("crm/leads/web-form/", webform.web_form_settings, name="leads-web-form-settings"),
    path("crm/leads/<int:lead_id>/", views.lead_detail, name="leads-lead-detail"),
    path("crm/leads/<int:lead_id>/edit/", views.lead_edit, name="leads-lead-edit"),
    path("crm/leads/<int:lead_id>/convert/", views.lead_convert, name="leads-lead-convert"),
    path("forms/<slug:slug>/lead/", webform.web_form, name="leads-web-form"),
    path("forms/<slug:slug>/lead/thanks/", webform.web_form_thanks, name="leads-web-form-thanks"),
]
