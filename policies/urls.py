from django.contrib.auth import views as auth_views
from django.urls import path

from policies.views import cases, exercises, reports, results, teams

urlpatterns = [
    path("", teams.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("teams/<slug:slug>/", teams.team_detail, name="team"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("exercises/<int:exercise_id>/", exercises.exercise_detail, name="exercise"),
    path(
        "exercises/<int:exercise_id>/weights/<int:criterion_id>/", exercises.weight_save, name="weight-save"
    ),
    path(
        "exercises/<int:exercise_id>/scores/<int:option_id>/<int:criterion_id>/",
        exercises.score_save,
        name="score-save",
    ),
    path("exercises/<int:exercise_id>/results/", results.results, name="results"),
    path("exercises/<int:exercise_id>/method/", results.method_set, name="method-set"),
    path("exercises/<int:exercise_id>/reports/", reports.report_request, name="report-request"),
    path("reports/<int:report_id>/", reports.report_status, name="report-status"),
    path("reports/<int:report_id>/download/", reports.report_download, name="report-download"),
]
