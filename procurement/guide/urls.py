from django.urls import path

from procurement.guide import views

app_name = "guide"
urlpatterns = [
    path("panduan/", views.GuideIndexView.as_view(), name="index"),
    path("panduan/<slug:role>/", views.GuideRoleView.as_view(), name="role"),
]
