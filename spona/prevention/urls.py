from django.urls import path

from spona.prevention import views

app_name = "prevention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("m/<str:code>/", views.municipality, name="municipality"),
    path("groups/new/", views.group_create, name="group_create"),
    path("settlements/new/", views.settlement_create, name="settlement_create"),
    path("counts/new/", views.count_create, name="count_create"),
    path("counts/import/", views.count_import, name="count_import"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/outreach/", views.outreach_create, name="outreach_create"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<str:code>/done/", views.follow_up_done, name="follow_up_done"),
]
