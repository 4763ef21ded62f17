"""Forms for editing a case: its header and every kind of item. Bilingual texts are edited as one English and
one French field each, shown side by side.

Every form carries the `version` of the row it was made from; `policies.services.case_editing` refuses a save
made from an older version. The same forms validate the API's writes, so a rule holds whatever the entry point.
"""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from policies.casefile.storage import MAX_SCORE
from policies.models import (
    Actor,
    Case,
    Criterion,
    Driver,
    DriverState,
    Evidence,
    Option,
    Scenario,
    SourceDocument,
)
from policies.models.cases import PreferenceFunction
from policies.models.fields import column_field

LONG_TEXTS = {
    "description",
    "instruments",
    "risks",
    "definition",
    "narrative",
    "text",
    "summary",
    "stance",
    "question",
}
LANGUAGES = (("en", _("English")), ("fr", _("French")))


# The largest primary key or version a database column holds; a bigger posted number cannot name a row.
MAX_ID = 2**63 - 1


class KeyMultipleChoiceField(forms.ModelMultipleChoiceField[Model]):
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
        return super()._check_values(value)  # type: ignore[misc]  # private to Django, so not in its stubs


def choice_of_rows(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, a choice among rows, whose rows are narrowed to the case at hand."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field


class BilingualModelForm[Row: Model](forms.ModelForm[Row]):
    """A ModelForm plus `<field>_en` / `<field>_fr` inputs for each bilingual field named in `bilingual`, and
    the hidden `version` the edit was made from."""

    bilingual: tuple[str, ...] = ()
    required_bilingual: tuple[str, ...] = ("name",)
    # Texts shorter than the case file's 20,000 characters per language (a source's title: 400, as in the file).
    bilingual_max_length: dict[str, int] = {}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = getattr(self.instance, "version", None) if self.instance.pk else None
        for name in self.bilingual:
            label = column_field(self._meta.model, name).verbose_name
            current = getattr(self.instance, name, None) or {}
            for language, language_label in LANGUAGES:
                attrs = {"lang": language}
                widget = (
                    forms.Textarea(attrs={"rows": 4, **attrs})
                    if name in LONG_TEXTS
                    else forms.TextInput(attrs=attrs)
                )
                self.fields[f"{name}_{language}"] = forms.CharField(
                    label=f"{str(label).capitalize()} ({language_label})",
                    required=name in self.required_bilingual and language == "en",
                    max_length=self.bilingual_max_length.get(name, 20_000),
                    widget=widget,
                    initial=current.get(language, ""),
                )
        if self.field_order:  # the bilingual inputs are added last; a form may put them first
            self.order_fields(self.field_order)

    def rows(self) -> Iterator[tuple[forms.BoundField, forms.BoundField | None]]:
        """The fields in order, a bilingual field's English and French inputs as one row, side by side."""
        for name in self.fields:
            if name == "version":
                continue
            if name.endswith("_fr") and name[:-3] in self.bilingual:
                continue
            if name.endswith("_en") and name[:-3] in self.bilingual:
                yield self[name], self[f"{name[:-3]}_fr"]
            else:
                yield self[name], None

    def validate_constraints(self) -> None:
        """The database's checks only where the form's own found nothing: they restate its messages."""
        if not self.errors:
            super().validate_constraints()

    def save(self, commit: bool = True) -> Row:
        item = super().save(commit=False)
        for name in self.bilingual:
            texts = {lang: self.cleaned_data[f"{name}_{lang}"].strip() for lang, _label in LANGUAGES}
            setattr(item, name, {lang: text for lang, text in texts.items() if text})
        if commit:
            item.save()
            self.save_m2m()
        return item


class CaseItemForm[Item: Model](BilingualModelForm[Item]):
    """A form for an item of `case`; choices among other items are narrowed to that case."""

    links: tuple[str, ...] = ()  # many-to-many fields offered as checkboxes among the case's rows

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        for name in self.links:
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField), name
            assert field.queryset is not None, name
            related = field.queryset.model
            # Refuses ids no database key holds, before they reach the query.
            self.fields[name] = KeyMultipleChoiceField(
                label=field.label,
                queryset=related._default_manager.filter(**_in_case(related, case)),
                widget=forms.CheckboxSelectMultiple(),
                required=False,
            )


def _in_case(model: type[Model], case: Case) -> dict[str, Any]:
    if model is DriverState:
        return {"driver__case": case}
    return {"case": case}


class SourceForm(CaseItemForm[SourceDocument]):
    bilingual = ("title",)
    required_bilingual = ("title",)
    bilingual_max_length = {"title": 400}
    field_order = ["title_en", "title_fr"]

    class Meta:
        model = SourceDocument
        fields = ["authors", "publisher", "date", "kind", "url"]


class EvidenceForm(CaseItemForm[Evidence]):
    bilingual = ("text",)
    required_bilingual = ("text",)

    class Meta:
        model = Evidence
        fields = ["source", "locator", "quote"]

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        choice_of_rows(self, "source").queryset = case.sources.all()
        self.fields["source"].help_text = _("Add the source first if it is not listed.")


class ActorForm(CaseItemForm[Actor]):
    bilingual = ("name", "stance")
    links = ("evidence",)

    class Meta:
        model = Actor
        fields = ["kind", "evidence"]


class DriverForm(CaseItemForm[Driver]):
    bilingual = ("name", "description")
    links = ("evidence",)

    class Meta:
        model = Driver
        fields = ["evidence"]


class DriverStateForm(CaseItemForm[DriverState]):
    bilingual = ("name", "description")

    class Meta:
        model = DriverState
        fields = ["driver"]

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        choice_of_rows(self, "driver").queryset = case.drivers.all()
        self.fields["driver"].help_text = _("Add the driver first if it is not listed.")


class ScenarioForm(CaseItemForm[Scenario]):
    """A scenario with one state of each driver (or none where the scenario leaves a driver open)."""

    bilingual = ("name", "narrative")
    links = ("evidence",)

    class Meta:
        model = Scenario
        fields = ["plausibility", "evidence"]
        widgets = {"plausibility": forms.NumberInput(attrs={"min": 1, "max": 5})}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        chosen = set(self.instance.states.values_list("pk", flat=True)) if self.instance.pk else set()
        self.drivers = list(case.drivers.prefetch_related("states"))
        for driver in self.drivers:
            states = list(driver.states.all())
            self.fields[f"driver_{driver.pk}"] = forms.TypedChoiceField(
                label=_("State of “%(driver)s”") % {"driver": str(driver)},
                choices=[("", _("(not set)")), *((state.pk, str(state)) for state in states)],
                coerce=int,
                required=False,
                empty_value=None,
                initial=next((state.pk for state in states if state.pk in chosen), ""),
            )

    def clean_plausibility(self) -> int:
        value = self.cleaned_data["plausibility"]
        if value is None or not 1 <= value <= 5:
            raise forms.ValidationError(
                _("Plausibility goes from 1 (barely plausible) to 5 (very plausible).")
            )
        return int(value)

    def chosen_states(self) -> list[DriverState]:
        ids = [self.cleaned_data.get(f"driver_{driver.pk}") for driver in self.drivers]
        return list(DriverState.objects.filter(pk__in=[pk for pk in ids if pk is not None]))

    def save(self, commit: bool = True) -> Scenario:
        scenario = super().save(commit=commit)
        parent_save_m2m = self.save_m2m

        def save_m2m() -> None:
            parent_save_m2m()
            scenario.states.set(self.chosen_states())

        if commit:
            scenario.states.set(self.chosen_states())
        else:
            self.save_m2m = save_m2m  # type: ignore[method-assign]
        return scenario


class OptionForm(CaseItemForm[Option]):
    bilingual = ("name", "description", "instruments", "risks")
    links = ("actors", "evidence")

    class Meta:
        model = Option
        fields = ["actors", "evidence"]


class CriterionForm(CaseItemForm[Criterion]):
    """A criterion, or a group of criteria: a group asks for no direction, scale nor preference function."""

    bilingual = ("name", "definition", "scale_low", "scale_high")
    links = ("evidence",)

    is_group_choice = forms.BooleanField(
        label=_("This is a group of criteria (its criteria are weighted and scored, not the group)"),
        required=False,
    )

    class Meta:
        model = Criterion
        fields = [
            "parent",
            "direction",
            "scale_min",
            "scale_max",
            "unit",
            "preference_function",
            "indifference_threshold",
            "preference_threshold",
            "gaussian_spread",
            "evidence",
        ]

    SCALE_FIELDS = (
        "direction",
        "scale_min",
        "scale_max",
        "unit",
        "scale_low_en",
        "scale_low_fr",
        "scale_high_en",
        "scale_high_fr",
        "preference_function",
        "indifference_threshold",
        "preference_threshold",
        "gaussian_spread",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        groups = case.criteria.filter(parent__isnull=True, is_group=True)
        if self.instance.pk:
            groups = groups.exclude(pk=self.instance.pk)
        choice_of_rows(self, "parent").queryset = groups
        self.fields["parent"].label = _("Group")
        self.fields["parent"].help_text = _("Leave empty for a criterion at the top of the tree.")
        self.fields["is_group_choice"].initial = bool(self.instance.pk and self.instance.is_group)
        self.fields["scale_low_en"].help_text = _(
            "What the minimum of the scale means, e.g. “no water delivered”."
        )
        self.fields["scale_high_en"].help_text = _("What the maximum means, e.g. “every need met”.")
        # Move the group choice to the top, after the name: it decides which fields matter.
        order = ["name_en", "name_fr", "is_group_choice"]
        self.order_fields(order + [name for name in self.fields if name not in order])
        for name in ("direction", "scale_min", "scale_max", "preference_function"):
            self.fields[name].required = False
        # Marks the fields a group does not use, so the page can hide them when "group" is ticked.
        for name in self.SCALE_FIELDS:
            self.fields[name].widget.attrs["data-scale-field"] = "1"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_group_choice"):
            if data.get("parent") is not None:
                self.add_error("parent", _("A group stays at the top of the tree: leave “Group” empty."))
            if self.instance.pk and self.instance.score_judgments.exists():
                self.add_error(
                    "is_group_choice",
                    _("Options were already scored on this criterion; a group is not scored."),
                )
            return data
        if self.instance.pk and self.instance.children.exists():
            self.add_error(
                "is_group_choice", _("This group holds criteria: move them out before making it a criterion.")
            )
        if self.instance.pk and data.get("parent") and self.instance.children.exists():
            self.add_error("parent", _("A group cannot be placed inside another group."))
        data["direction"] = data.get("direction") or self.instance.direction or "benefit"
        self._clean_scale(data)
        self._clean_preference(data)
        return data

    def _clean_scale(self, data: dict[str, Any]) -> None:
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is None and "scale_min" not in self.errors:
            self.add_error("scale_min", _("Give the lowest score of the scale."))
        if high is None and "scale_max" not in self.errors:
            self.add_error("scale_max", _("Give the highest score of the scale."))
        if low is None or high is None:
            return
        if max(abs(low), abs(high)) > MAX_SCORE:
            # A score anywhere on the scale must fit the score_value_finite constraint.
            self.add_error(None, _("Scores lie between -%(max)g and %(max)g.") % {"max": MAX_SCORE})
        if low >= high:
            self.add_error("scale_max", _("The scale minimum must be below its maximum."))
        elif self.instance.pk:
            outside = self.instance.score_judgments.exclude(value__gte=low, value__lte=high).count()
            if outside:
                self.add_error(
                    None,
                    _("%(count)s existing scores lie outside %(low)g to %(high)g; widen the scale.")
                    % {"count": outside, "low": low, "high": high},
                )

    def _clean_preference(self, data: dict[str, Any]) -> None:
        """The thresholds the chosen function needs, and only those: the rules of `policies.analysis`."""
        kind = data.get("preference_function") or PreferenceFunction.USUAL
        data["preference_function"] = kind
        q, p, s = (data.get(n) for n in ("indifference_threshold", "preference_threshold", "gaussian_spread"))
        needs_q = kind in {"u-shape", "level", "linear"}
        needs_p = kind in {"v-shape", "level", "linear"}
        needs_s = kind == "gaussian"
        for name, value, needed in (
            ("indifference_threshold", q, needs_q),
            ("preference_threshold", p, needs_p),
            ("gaussian_spread", s, needs_s),
        ):
            if needed and value is None and name not in self.errors:
                self.add_error(name, _("The chosen preference function needs this threshold."))
            if not needed:
                data[name] = None  # a threshold the function does not read is not kept
        if needs_q and q is not None and q < 0:
            self.add_error("indifference_threshold", _("The indifference threshold cannot be negative."))
        if needs_p and p is not None and p <= 0:
            self.add_error("preference_threshold", _("The preference threshold must be above zero."))
        if needs_q and needs_p and q is not None and p is not None and q >= 0 and p > 0 and p < q:
            self.add_error(
                "preference_threshold", _("The preference threshold p must be at least the indifference q.")
            )
        if needs_s and s is not None and s <= 0:
            self.add_error("gaussian_spread", _("The Gaussian spread must be above zero."))

    def save(self, commit: bool = True) -> Criterion:
        criterion = super().save(commit=False)
        criterion.is_group = bool(self.cleaned_data.get("is_group_choice"))
        if criterion.is_group:
            # A group keeps the defaults: it is neither weighted nor scored.
            criterion.parent = None
        if commit:
            criterion.save()
            self.save_m2m()
        return criterion


class CaseHeaderForm(BilingualModelForm[Case]):
    """The case's title, decision question and summary, with its period and region."""

    bilingual = ("title", "question", "summary")
    required_bilingual = ("title",)

    class Meta:
        model = Case
        fields = ["period", "region"]


FORMS: dict[str, type[CaseItemForm[Any]]] = {
    "source": SourceForm,
    "evidence": EvidenceForm,
    "actor": ActorForm,
    "driver": DriverForm,
    "state": DriverStateForm,
    "scenario": ScenarioForm,
    "option": OptionForm,
    "criterion": CriterionForm,
}
