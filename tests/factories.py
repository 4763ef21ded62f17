"""factory-boy factories: the smallest valid objects, linked as the domain requires."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Max

from policies.models import (
    Case,
    Criterion,
    Exercise,
    Membership,
    Option,
    Participant,
    Role,
    Scenario,
    ScoreJudgment,
    Team,
    WeightJudgment,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        """A confirmed address, as every person who signs in has (UserFactory(verified=False) to leave it out)."""
        if create and self.email and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PARTICIPANT


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    team = factory.SubFactory(TeamFactory)
    key = factory.Sequence(lambda n: f"case-{n}")
    title = factory.LazyAttribute(lambda case: {"en": f"Case {case.key}", "fr": f"Cas {case.key}"})


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    case = factory.SubFactory(CaseFactory)
    key = factory.Sequence(lambda n: f"option-{n}")
    name = factory.LazyAttribute(lambda option: {"en": f"Option {option.key}", "fr": f"Option {option.key}"})
    position = factory.Sequence(int)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    case = factory.SubFactory(CaseFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.LazyAttribute(lambda c: {"en": f"Criterion {c.key}", "fr": f"Critère {c.key}"})
    position = factory.Sequence(int)


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    key = factory.Sequence(lambda n: f"scenario-{n}")
    name = factory.LazyAttribute(lambda s: {"en": f"Scenario {s.key}", "fr": f"Scénario {s.key}"})
    position = factory.Sequence(int)


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    case = factory.SubFactory(CaseFactory)
    team = factory.LazyAttribute(lambda exercise: exercise.case.team)
    key = factory.Sequence(lambda n: f"exercise-{n}")
    title = factory.LazyAttribute(lambda e: {"en": f"Exercise {e.key}", "fr": f"Exercice {e.key}"})


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    exercise = factory.SubFactory(ExerciseFactory)
    key = factory.Sequence(lambda n: f"participant-{n}")
    alias = factory.Sequence(lambda n: f"Participant {n}")
    # The next free number in the exercise, as joining gives one.
    number = factory.LazyAttribute(
        lambda p: (p.exercise.participants.aggregate(top=Max("number"))["top"] or 0) + 1
    )


class WeightJudgmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeightJudgment

    participant = factory.SubFactory(ParticipantFactory)
    criterion = factory.SubFactory(CriterionFactory)
    value = 50


class ScoreJudgmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreJudgment

    participant = factory.SubFactory(ParticipantFactory)
    option = factory.SubFactory(OptionFactory)
    criterion = factory.SubFactory(CriterionFactory)
    value = 5


def make_exercise(*, options: int = 3, criteria: int = 2, team: Team | None = None) -> Exercise:
    """An exercise with its options and criteria in play, all of one case."""
    case = CaseFactory(team=team or TeamFactory())
    exercise = ExerciseFactory(case=case)
    exercise.options.set(OptionFactory.create_batch(options, case=case))
    exercise.criteria.set(CriterionFactory.create_batch(criteria, case=case))
    return exercise
