"""Forms for editing a case. Bilingual texts are edited as one English and one French field each."""

from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from policies.casefile.storage import MAX_SCORE
from policies.models import Case, Criterion, Evidence, Option, Scenario
from policies.models.exercises import Anonymity, Method, WeightingMethod
from policies.models.fields import localize

LONG_TEXTS = {"description", "instruments", "risks", "definition", "narrative", "text", "summary", "stance"}


class CaseItemForm(forms.ModelForm):  # type: ignore[type-arg]
    """A ModelForm plus `<field>_en` / `<field>_fr` inputs for each bilingual field named in `bilingual`."""

    bilingual: tuple[str, ...] = ()
    required_bilingual: tuple[str, ...] = ("name",)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        for name in self.bilingual:
            label = self._meta.model._meta.get_field(name).verbose_name
            widget = forms.Textarea(attrs={"rows": 4}) if name in LONG_TEXTS else forms.TextInput
            current = getattr(self.instance, name, None) or {}
            for language, language_label in (("en", _("English")), ("fr", _("French"))):
                self.fields[f"{name}_{language}"] = forms.CharField(
                    label=f"{str(label).capitalize()} ({language_label})",
                    required=name in self.required_bilingual and language == "en",
                    max_length=20_000,
                    widget=widget,
                    initial=current.get(language, ""),
                )

    def save(self, commit: bool = True) -> Model:
        item = super().save(commit=False)
        for name in self.bilingual:
            texts = {lang: self.cleaned_data[f"{name}_{lang}"].strip() for lang in ("en", "fr")}
            setattr(item, name, {lang: text for lang, text in texts.items() if text})
        if commit:
            item.save()
            self.save_m2m()
        return item


class OptionForm(CaseItemForm):
    bilingual = ("name", "description", "instruments", "risks")

    class Meta:
        model = Option
        fields: list[str] = []


class ScenarioForm(CaseItemForm):
    bilingual = ("name", "narrative")

    class Meta:
        model = Scenario
        fields = ["plausibility"]
        widgets = {"plausibility": forms.NumberInput(attrs={"min": 1, "max": 5})}

    def clean_plausibility(self) -> int:
        value = self.cleaned_data["plausibility"]
        if not 1 <= value <= 5:
            raise forms.ValidationError(
                _("Plausibility goes from 1 (barely plausible) to 5 (very plausible).")
            )
        return int(value)


class EvidenceForm(CaseItemForm):
    bilingual = ("text",)
    required_bilingual = ("text",)

    class Meta:
        model = Evidence
        fields = ["source", "locator", "quote"]

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["source"].queryset = case.sources.all()  # type: ignore[attr-defined]


class CriterionForm(CaseItemForm):
    bilingual = ("name", "definition")

    class Meta:
        model = Criterion
        fields = ["parent", "direction", "scale_min", "scale_max", "unit"]

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        groups = case.criteria.filter(parent__isnull=True)
        if self.instance.pk:
            groups = groups.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = groups  # type: ignore[attr-defined]
        self.fields["parent"].label = _("Group")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None:
            if max(abs(low), abs(high)) > MAX_SCORE:
                # A score anywhere on the scale must fit the score_value_finite constraint.
                raise forms.ValidationError(
                    _("Scores lie between -%(max)g and %(max)g.") % {"max": MAX_SCORE}
                )
            if low >= high:
                raise forms.ValidationError(_("The scale minimum must be below its maximum."))
            if self.instance.pk:
                outside = self.instance.score_judgments.exclude(value__gte=low, value__lte=high).count()
                if outside:
                    raise forms.ValidationError(
                        _("%(count)s existing scores lie outside %(low)g to %(high)g; widen the scale.")
                        % {"count": outside, "low": low, "high": high}
                    )
        if self.instance.pk and data.get("parent") and self.instance.children.exists():
            raise forms.ValidationError(_("A group cannot be placed inside another group."))
        return data


FORMS: dict[str, type[CaseItemForm]] = {
    "option": OptionForm,
    "criterion": CriterionForm,
    "scenario": ScenarioForm,
    "evidence": EvidenceForm,
}


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


# The largest primary key or version a database column holds; a bigger posted number cannot name a row.
MAX_ID = 2**63 - 1


class KeyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses numbers no database key can hold before they reach the query: SQLite overflows past 64 bits."""

    def _check_values(self, value: Any) -> Any:
        for key in value:
            try:
                number = int(str(key).strip())
            except ValueError:
                continue  # the parent refuses what is not a number
            if abs(number) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                )
        return super()._check_values(value)


class ExerciseSetupForm(forms.Form):
    """A new exercise on a case: its title, what is in play and the ranking method."""

    title = forms.CharField(label=_("Title"), max_length=200)
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

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaves = case.criteria.filter(is_group=False)
        self.fields["options"].queryset = case.options.all()  # type: ignore[attr-defined]
        self.fields["criteria"].queryset = leaves  # type: ignore[attr-defined]
        self.fields["scenarios"].queryset = case.scenarios.all()  # type: ignore[attr-defined]
        self.fields["options"].initial = list(case.options.values_list("pk", flat=True))
        self.fields["criteria"].initial = list(leaves.values_list("pk", flat=True))
        self.fields["scenarios"].initial = list(case.scenarios.values_list("pk", flat=True))
        for name in ("options", "criteria", "scenarios"):
            self.fields[name].label_from_instance = lambda item: localize(item.name)  # type: ignore[attr-defined]

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
