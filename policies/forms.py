"""Forms for setting up and steering exercises. The case editor's forms are in `policies.case_forms`."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policies.case_forms import KeyMultipleChoiceField, choice_of_rows
from policies.formatting import language_name
from policies.models import Case, Criterion, Option, Scenario
from policies.models.exercises import Anonymity, Method, WeightingMethod, WhenTimeIsUp

SCALES: dict[str, tuple[Any, tuple[float, float] | None]] = {
    "criteria": (_("Each criterion's own scale"), None),
    "0-10": (_("0 to 10"), (0.0, 10.0)),
    "1-5": (_("1 to 5"), (1.0, 5.0)),
    "1-9": (_("1 to 9"), (1.0, 9.0)),
    "0-100": (_("0 to 100"), (0.0, 100.0)),
}


WEIGHTS_BY_SCENARIO_LABEL = _(
    "Weights differ by scenario (participants weigh the criteria again for each scenario in play)"
)


def other_language() -> str:
    """The workbench's language other than the page's (it speaks English and French)."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    return next((code for code, _name in settings.LANGUAGES if code != current), current)


class ExerciseSetupForm(forms.Form):
    """A new exercise on a case: its title, what is in play and the ranking method."""

    title = forms.CharField(label=_("Title"), max_length=200)
    # The title in the workbench's other language, so that a report in that language is titled in it too; its
    # label names the language (set in __init__, from the language of the page).
    title_translation = forms.CharField(
        label=_("Title in the other language"), max_length=200, required=False
    )
    options = KeyMultipleChoiceField(
        label=_("Options in play"), queryset=Option.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    criteria = KeyMultipleChoiceField(
        label=_("Criteria in play"), queryset=Criterion.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    scenarios = KeyMultipleChoiceField(
        label=_("Scenarios in play"),
        queryset=Scenario.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    method = forms.ChoiceField(label=_("Ranking method"), choices=Method.choices, initial=Method.WEIGHTED_SUM)
    # Workshop settings. A request that leaves them out (older clients) gets an open exercise with the defaults;
    # the form offers the facilitated workshop first.
    mode = forms.ChoiceField(
        label=_("How participants take part"),
        choices=[
            ("workshop", _("Facilitated workshop: phases, blind scoring, reveal and Delphi rounds")),
            ("open", _("Open exercise: members weigh and score at any time and see the ranking live")),
        ],
        initial="workshop",
        required=False,
        widget=forms.RadioSelect,
    )
    weighting_method = forms.ChoiceField(
        label=_("Weighting method"),
        choices=WeightingMethod.choices,
        initial=WeightingMethod.DIRECT,
        required=False,
    )
    weights_by_scenario = forms.BooleanField(
        label=WEIGHTS_BY_SCENARIO_LABEL,
        help_text=_(
            "Only with scenarios in play: the results then score each scenario with its own weights."
        ),
        required=False,
    )
    scale = forms.ChoiceField(
        label=_("Score scale"),
        choices=[(k, label) for k, (label, _range) in SCALES.items()],
        initial="criteria",
        required=False,
    )
    anonymity = forms.ChoiceField(
        label=_("Anonymity"), choices=Anonymity.choices, initial=Anonymity.NAMED, required=False
    )
    max_rounds = forms.IntegerField(
        label=_("Number of rounds"), min_value=1, max_value=10, initial=3, required=False
    )
    consensus_threshold = forms.FloatField(
        label=_("Consensus threshold (largest interquartile range of a cell that still counts as agreement)"),
        min_value=0,
        max_value=1000,
        initial=1.0,
        required=False,
    )
    phase_minutes = forms.IntegerField(
        label=_("Timer per phase, in minutes (leave empty for none)"),
        min_value=1,
        max_value=240,
        required=False,
    )
    guest_retention_days = forms.IntegerField(
        label=_("Erase the names of guests this many days after the workshop closes"),
        help_text=_("Leave empty to keep them. Their judgments stay, under pseudonyms."),
        min_value=0,
        max_value=3650,
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        other = other_language()
        self.fields["title_translation"].label = _("Title in %(language)s (optional)") % {
            "language": language_name(other)
        }
        leaves = case.criteria.filter(is_group=False)
        choice_of_rows(self, "options").queryset = case.options.all()
        choice_of_rows(self, "criteria").queryset = leaves
        choice_of_rows(self, "scenarios").queryset = case.scenarios.all()
        self.fields["options"].initial = list(case.options.values_list("pk", flat=True))
        self.fields["criteria"].initial = list(leaves.values_list("pk", flat=True))
        self.fields["scenarios"].initial = list(case.scenarios.values_list("pk", flat=True))

    def clean_title_translation(self) -> dict[str, str]:
        """The translations of the title, as {language: text} (empty when none was given)."""
        text = (self.cleaned_data.get("title_translation") or "").strip()
        return {other_language(): text} if text else {}

    def clean_options(self) -> Any:
        options = self.cleaned_data["options"]
        if len(options) < 2:
            raise forms.ValidationError(_("Choose at least two options to compare."))
        return options

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        defaults = {
            "mode": "open",
            "weighting_method": WeightingMethod.DIRECT,
            "scale": "criteria",
            "anonymity": Anonymity.NAMED,
            "max_rounds": 3,
            "consensus_threshold": 1.0,
        }
        for name, default in defaults.items():
            if data.get(name) in (None, ""):
                data[name] = default
        if data.get("weights_by_scenario") and not data.get("scenarios"):
            self.add_error(
                "weights_by_scenario", _("Weights can differ by scenario only when scenarios are in play.")
            )
        return data


class WorkshopSettingsForm(forms.Form):
    """Settings a facilitator may change while the workshop runs; `version` detects concurrent edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    blind = forms.BooleanField(
        label=_("Blind scoring (nobody sees the others' judgments before the reveal)"), required=False
    )
    weighting_method = forms.ChoiceField(label=_("Weighting method"), choices=WeightingMethod.choices)
    weights_by_scenario = forms.BooleanField(label=WEIGHTS_BY_SCENARIO_LABEL, required=False)
    anonymity = forms.ChoiceField(label=_("Anonymity"), choices=Anonymity.choices)
    max_rounds = forms.IntegerField(label=_("Number of rounds"), min_value=1, max_value=10)
    consensus_threshold = forms.FloatField(
        label=_("Consensus threshold (interquartile range)"), min_value=0, max_value=1000
    )
    phase_minutes = forms.IntegerField(
        label=_("Timer per phase, in minutes"), min_value=1, max_value=240, required=False
    )
    when_time_is_up = forms.ChoiceField(
        label=_("When time is up"), choices=WhenTimeIsUp.choices, required=False
    )
    weights_locked = forms.BooleanField(label=_("Lock the weights while the room scores"), required=False)

    def clean_when_time_is_up(self) -> str:
        """A form sent without the choice (an older page, a script) keeps the timer informative only."""
        return str(self.cleaned_data.get("when_time_is_up") or WhenTimeIsUp.NOTHING)
