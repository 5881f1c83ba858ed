"""Pages of customer returns."""

from django.urls import path

from valuechain.scm.returns import views

urlpatterns = [
    path("scm/returns/", views.rma_list, name="returns-list"),
    path("scm/returns/new/", views.rma_create, name="returns-create"),
    path("scm/returns/<int:rma_id>/", views.rma_detail, name="returns-detail"),
    path("scm/returns/<int:rma_id>/<slug:action>/", views.rma_action, name="returns-action"),
]
