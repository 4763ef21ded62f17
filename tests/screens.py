"""The main screens of a team's case and exercise, for tests that sweep them all (accessibility, XSS)."""

from django.urls import reverse

from policies.models import Case, Exercise


def main_screens(case: Case, exercise: Exercise) -> list[str]:
    team = case.team
    option = case.options.first()
    return [
        reverse("home"),
        reverse("team", args=[team.slug]),
        reverse("case", args=[case.pk]),
        *(reverse(name, args=[case.pk]) for name in ("case-actors", "case-futures", "case-options")),
        *(reverse(name, args=[case.pk]) for name in ("case-criteria", "case-sources", "scenario-builder")),
        reverse("case-edit", args=[case.pk]),
        reverse("case-item-edit", args=[case.pk, "option", option.pk]),
        reverse("case-item-history", args=[case.pk, "option", option.pk]),
        reverse("case-import", args=[team.slug]),
        reverse("exercise-new", args=[case.pk]),
        reverse("exercise", args=[exercise.pk]),
        reverse("results", args=[exercise.pk]),
        reverse("reports", args=[exercise.pk]),
    ]
