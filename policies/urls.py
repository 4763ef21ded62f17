from django.contrib.auth import views as auth_views
from django.urls import path

from policies.views import api_tokens as api_token_views
from policies.views import case_editing, case_files, cases, exercise_setup, exercises, reports, results, teams
from policies.views import dossier as dossier_views
from policies.views import scenarios as scenario_views
from policies.views import workshop as workshop_views

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
    path("exercises/<int:exercise_id>/reports/", reports.exercise_reports, name="reports"),
    path("exercises/<int:exercise_id>/reports/", reports.exercise_reports, name="report-request"),
    path("reports/<int:report_id>/", reports.report_status, name="report-status"),
    path("reports/<int:report_id>/cancel/", reports.report_cancel, name="report-cancel"),
    path("reports/<int:report_id>/retry/", reports.report_retry, name="report-retry"),
    path("reports/<int:report_id>/download/", reports.report_download, name="report-download"),
    path("cases/<int:case_id>/actors/", dossier_views.actors, name="case-actors"),
    path("cases/<int:case_id>/futures/", dossier_views.futures, name="case-futures"),
    path("cases/<int:case_id>/options/", dossier_views.options, name="case-options"),
    path("cases/<int:case_id>/criteria/", dossier_views.criteria, name="case-criteria"),
    path("cases/<int:case_id>/sources/", dossier_views.sources, name="case-sources"),
    path("cases/<int:case_id>/scenarios/builder/", scenario_views.scenario_builder, name="scenario-builder"),
    path("cases/<int:case_id>/consistency/", scenario_views.consistency_save, name="consistency-save"),
    path("cases/<int:case_id>/scenarios/promote/", scenario_views.scenario_promote, name="scenario-promote"),
    path("join/", workshop_views.join, name="workshop-join"),
    path("join/<str:code>/", workshop_views.join, name="workshop-join-code"),
    path("exercises/<int:exercise_id>/play/", workshop_views.play, name="workshop-play"),
    path("exercises/<int:exercise_id>/play/state/", workshop_views.play_state, name="workshop-state"),
    path("exercises/<int:exercise_id>/play/weights/", workshop_views.weights_save, name="workshop-weights"),
    path(
        "exercises/<int:exercise_id>/play/scores/<int:option_id>/<int:criterion_id>/",
        workshop_views.score_cell_save,
        name="workshop-score",
    ),
    path("exercises/<int:exercise_id>/comments/", workshop_views.comments, name="workshop-comments"),
    path("exercises/<int:exercise_id>/facilitate/", workshop_views.facilitate, name="workshop-facilitate"),
    path(
        "exercises/<int:exercise_id>/facilitate/live/", workshop_views.facilitate_live, name="workshop-live"
    ),
    path("exercises/<int:exercise_id>/facilitate/phase/", workshop_views.phase_set, name="workshop-phase"),
    path("exercises/<int:exercise_id>/facilitate/round/", workshop_views.round_next, name="workshop-round"),
    path(
        "exercises/<int:exercise_id>/facilitate/settings/",
        workshop_views.settings_save,
        name="workshop-settings",
    ),
    path("exercises/<int:exercise_id>/facilitate/code/", workshop_views.join_code_new, name="workshop-code"),
    path("exercises/<int:exercise_id>/trail/", workshop_views.trail, name="workshop-trail"),
    path("account/tokens/", api_token_views.api_tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", api_token_views.api_token_revoke, name="api-token-revoke"),
]
