"""Migration 0015 turns the plain source titles saved before it into texts by language, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("policies", "0014_workshop_cross_impacts")]
AFTER = [("policies", "0015_source_titles_by_language")]


def migrate(target: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_plain_titles_become_english_and_come_back() -> None:
    try:
        old = migrate(BEFORE)
        team = old.get_model("policies", "Team").objects.create(name="Migrating", slug="migrating")
        case = old.get_model("policies", "Case").objects.create(
            team=team, key="old-case", title={"en": "Old"}
        )
        source_model = old.get_model("policies", "SourceDocument")
        source_model.objects.create(case=case, key="memo", title="A memo")
        source_model.objects.create(case=case, key="untitled", title="")

        new = migrate(AFTER)
        titles = dict(new.get_model("policies", "SourceDocument").objects.values_list("key", "title"))
        assert titles == {"memo": {"en": "A memo"}, "untitled": {}}

        new.get_model("policies", "SourceDocument").objects.filter(key="memo").update(
            title={"fr": "Une note", "en": "A memo"}
        )
        back = migrate(BEFORE)
        titles = dict(back.get_model("policies", "SourceDocument").objects.values_list("key", "title"))
        assert titles == {"memo": "A memo", "untitled": ""}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("policies"))
