from django.contrib.auth import views as auth_views
from django.urls import path

from policies.views import case_editing, case_files, cases, exercise_setup, exercises, reports, results, teams
from policies.views import dossier as dossier_views
from policies.views import scenarios as scenario_views

urlpatterns = [
    path("", teams.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("teams/<slug:slug>/", teams.team_detail, name="team"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/export/", case_files.case_export, name="case-export"),
    path("teams/<slug:slug>/import/", case_files.case_import, name="case-import"),
    path("teams/<slug:slug>/copy/<int:case_id>/", case_files.case_clone, name="case-clone"),
    path("cases/<int:case_id>/exercises/new/", exercise_setup.exercise_new, name="exercise-new"),
    path("cases/<int:case_id>/edit/", case_editing.case_edit, name="case-edit"),
    path("cases/<int:case_id>/edit/<str:kind>/new/", case_editing.item_edit, name="case-item-new"),
    path("cases/<int:case_id>/edit/<str:kind>/<int:item_id>/", case_editing.item_edit, name="case-item-edit"),
    path(
        "cases/<int:case_id>/edit/<str:kind>/<int:item_id>/history/",
        case_editing.item_history_view,
        name="case-item-history",
    ),
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
    path("cases/<int:case_id>/actors/", dossier_views.actors, name="case-actors"),
    path("cases/<int:case_id>/futures/", dossier_views.futures, name="case-futures"),
    path("cases/<int:case_id>/options/", dossier_views.options, name="case-options"),
    path("cases/<int:case_id>/criteria/", dossier_views.criteria, name="case-criteria"),
    path("cases/<int:case_id>/sources/", dossier_views.sources, name="case-sources"),
    path("cases/<int:case_id>/scenarios/builder/", scenario_views.scenario_builder, name="scenario-builder"),
    path("cases/<int:case_id>/consistency/", scenario_views.consistency_save, name="consistency-save"),
    path("cases/<int:case_id>/scenarios/promote/", scenario_views.scenario_promote, name="scenario-promote"),
]
