"""Pages of dataexchange."""

from django.urls import path

from valuechain.platform.dataexchange import views

urlpatterns = [
    path("data/import/", views.import_home, name="dataexchange-import"),
    path("data/import/<int:job_id>/", views.job_detail, name="dataexchange-job"),
    path("data/import/<int:job_id>/rejects/", views.rejects, name="dataexchange-rejects"),
]
