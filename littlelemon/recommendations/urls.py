from django.urls import path

from . import apis

urlpatterns = [
    path("recommendations/", apis.VisitorRecommendationsApi.as_view(), name="recommendations"),
    path("menu-items/<int:pk>/pairs-well-with/", apis.PairsWellWithApi.as_view(), name="menuitem-pairs-well-with"),
]
