from django.urls import path

from procurement.budgets import views

app_name = "budgets"
urlpatterns = [
    path("anggaran/", views.BudgetLineListView.as_view(), name="line-list"),
    path("anggaran/impor/", views.BudgetImportView.as_view(), name="line-import"),
    path("anggaran/<int:pk>/", views.BudgetLineDetailView.as_view(), name="line-detail"),
    path("anggaran/<int:pk>/pagu/", views.BudgetLinePaguView.as_view(), name="line-pagu"),
]
