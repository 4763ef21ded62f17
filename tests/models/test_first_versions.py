"""Migration 0016 gives every case, source and driver state that exists a first version in its new history,
so that an existing item's first edit can be reverted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("policies", "0014_workshop_cross_impacts")]
AFTER = [("policies", "0016_history_soft_delete_reference_values")]


def test_existing_rows_get_a_first_version() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    team = apps.get_model("policies", "Team").objects.create(name="Team", slug="first-versions")
    case = apps.get_model("policies", "Case").objects.create(
        team=team, key="drought", title={"en": "Drought"}, version=4
    )
    apps.get_model("policies", "SourceDocument").objects.create(case=case, key="report", title="Report")
    driver = apps.get_model("policies", "Driver").objects.create(case=case, key="rain", name={"en": "Rain"})
    apps.get_model("policies", "DriverState").objects.create(driver=driver, key="dry", name={"en": "Dry"})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    cases = apps.get_model("policies", "HistoricalCase").objects.all()
    assert [(c.id, c.title, c.version, c.history_type) for c in cases] == [
        (case.pk, {"en": "Drought"}, 4, "+")
    ]
    source = apps.get_model("policies", "HistoricalSourceDocument").objects.get()
    assert (source.title, source.case_id) == ({"en": "Report"}, case.pk)  # by language since 0015
    state = apps.get_model("policies", "HistoricalDriverState").objects.get()
    assert (state.name, state.driver_id) == ({"en": "Dry"}, driver.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest schema for the other tests
