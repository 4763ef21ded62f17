"""Cross-impact balance analysis: balances, consistent scenarios, succession and ensembles."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.analysis import (
    CIBEnsemble,
    CIBScenarios,
    cib_balances,
    cib_ensemble,
    cib_scenarios,
    cib_succession,
    consensus,
)

# ------------------------------------------------------------------------------------------------
# Published matrices
# ------------------------------------------------------------------------------------------------

# "Somewhereland", the worked example of the ScenarioWizard manual (Weimer-Jehle, ScenarioWizard 4.3
# manual, ch. 4 and appendix 1): descriptors A-F (government, foreign policy, economy, distribution of
# wealth, social cohesion, social values) with 3, 3, 3, 2, 3, 3 variants. The numbers are those of the
# manual's project file as distributed with the R package StochasticCIB (data/SomewhereLand.csv); rows
# A1 and A2 were checked against the manual's appendix, which prints them. Rows are sources, columns
# targets, in the order A1 A2 A3 B1 B2 B3 C1 C2 C3 D1 D2 E1 E2 E3 F1 F2 F3.
SOMEWHERELAND_COUNTS = (3, 3, 3, 2, 3, 3)
SOMEWHERELAND = np.array(
    [
        [0, 0, 0, -2, 1, 1, 0, 0, 0, 0, 0, -2, 1, 1, 0, 0, 0],
        [0, 0, 0, 2, 1, -3, -2, -1, 3, -2, 2, 0, 0, 0, 2, -1, -1],
        [0, 0, 0, 0, 0, 0, 0, 2, -2, 3, -3, 2, -1, -1, -2, 2, 0],
        [0, 0, 0, 0, 0, 0, -2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 1, -1, 0, 0, 1, 0, -1, 0, 0, 0],
        [3, -1, -2, 0, 0, 0, 3, 0, -3, 0, 0, 3, -1, -2, -2, 1, 1],
        [2, 1, -3, 0, 0, 0, 0, 0, 0, -2, 2, -3, 1, 2, 0, 0, 0],
        [-1, 2, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, -2, 2, 3, -1, -2, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, -1, -2, -2, 1, 1],
        [0, -3, 3, 0, 0, 0, 0, 0, 0, 0, 0, -3, 1, 2, 2, -1, -1],
        [0, 0, 0, 0, 0, 0, -2, -1, 3, 0, 0, 0, 0, 0, 2, -1, -1],
        [0, 0, 0, -1, 0, 1, 1, 1, -2, 0, 0, 0, 0, 0, -1, 0, 1],
        [2, -1, -1, -3, 1, 2, 3, 0, -3, 0, 0, 0, 0, 0, -2, -1, 3],
        [0, 3, -3, 0, 0, 0, -3, 0, 3, -3, 3, -2, 1, 1, 0, 0, 0],
        [1, -2, 1, 0, 0, 0, -1, 2, -1, 2, -2, 2, -1, -1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, -1, 2, -1, 1, -1, 2, -1, -1, 0, 0, 0],
    ]
)

# A three-descriptor matrix (3, 3, 4 variants, impacts up to ±6) whose consistent scenarios
# ScenarioWizard itself computed: its solution file, published with the matrix in the
# sei-international/cibsa repository (sample_files/CIB_global.scw and .sl) and re-exported from
# ScenarioWizard in IainDM/CrossImpactBalances (test/sample_files/CIB_global_sw.sl), lists exactly
# the scenarios 2-2-2, 2-3-2, 3-1-3 and 1-2-3 (1-based), with total impact scores 9, 15, 12 and 8.
GLOBAL_COUNTS = (3, 3, 4)
GLOBAL = np.array(
    [
        [0, 0, 0, 1, 2, -3, -4, -2, 3, 3],
        [0, 0, 0, -2, 1, 1, 3, 5, -3, -5],
        [0, 0, 0, 2, 1, -3, -2, 0, 4, -2],
        [1, -3, 2, 0, 0, 0, -1, -1, 1, 1],
        [1, -2, 1, 0, 0, 0, 0, 1, 0, -1],
        [-2, 3, -1, 0, 0, 0, 1, 2, -1, -2],
        [-3, 5, -2, -3, 1, 2, 0, 0, 0, 0],
        [-2, 3, -1, -2, 1, 1, 0, 0, 0, 0],
        [2, -4, 2, 1, 0, -1, 0, 0, 0, 0],
        [3, -6, 3, -1, 1, 0, 0, 0, 0, 0],
    ]
)
GLOBAL_SCENARIOWIZARD = {(1, 1, 1): 9, (1, 2, 1): 15, (2, 0, 2): 12, (0, 1, 2): 8}  # 0-based

# ------------------------------------------------------------------------------------------------
# An independent implementation, one scenario at a time, straight from the definitions
# ------------------------------------------------------------------------------------------------


def offsets_of(counts: tuple[int, ...] | list[int]) -> list[int]:
    return [sum(counts[:d]) for d in range(len(counts))]


def brute_balances(matrix: np.ndarray, counts: tuple[int, ...], scenario: tuple[int, ...]) -> list[Any]:
    """balance(v) = sum over the OTHER descriptors i of M[g_i, v], by explicit loops."""
    offsets = offsets_of(counts)
    owner = [d for d, c in enumerate(counts) for _ in range(c)]
    table = matrix.tolist()
    return [
        sum(table[offsets[i] + scenario[i]][v] for i in range(len(counts)) if i != owner[v])
        for v in range(sum(counts))
    ]


def brute_force(
    matrix: np.ndarray, counts: tuple[int, ...], max_inconsistency: int = 0
) -> list[tuple[tuple[int, ...], int, int]]:
    """(scenario, inconsistency, total impact) within the threshold, sorted as the contract says."""
    offsets = offsets_of(counts)
    rows = []
    for scenario in itertools.product(*(range(c) for c in counts)):
        balances = brute_balances(matrix, counts, scenario)
        gaps = []
        total = 0
        for d, count in enumerate(counts):
            block = balances[offsets[d] : offsets[d] + count]
            own = block[scenario[d]]
            gaps.append(max(block) - own)
            total += own
        if max(gaps) <= max_inconsistency:
            rows.append((scenario, max(gaps), total))
    rows.sort(key=lambda row: (row[1], -row[2], row[0]))
    return rows


def brute_successor(
    matrix: np.ndarray, counts: tuple[int, ...], scenario: tuple[int, ...]
) -> tuple[int, ...]:
    balances = brute_balances(matrix, counts, scenario)
    offsets = offsets_of(counts)
    following = []
    for d, count in enumerate(counts):
        block = balances[offsets[d] : offsets[d] + count]
        best = [i for i, b in enumerate(block) if b == max(block)]
        following.append(scenario[d] if scenario[d] in best else best[0])
    return tuple(following)


def rows_of(result: CIBScenarios) -> list[tuple[tuple[int, ...], int, int]]:
    return list(
        zip(
            map(tuple, result.scenarios.tolist()),
            result.inconsistency.tolist(),
            result.total_impact.tolist(),
            strict=True,
        )
    )


def random_matrix(counts: tuple[int, ...], seed: int, spread: int = 3) -> np.ndarray:
    size = sum(counts)
    return np.random.default_rng(seed).integers(-spread, spread + 1, size=(size, size))


# ------------------------------------------------------------------------------------------------
# The published examples
# ------------------------------------------------------------------------------------------------


def test_somewhereland_balances_of_one_scenario_worked_by_hand() -> None:
    """Scenario A1 B1 C1 D1 E1 F1: the balances are the column sums of rows A1, B1, C1, D1, E1, F1
    (each row's own-descriptor block left out):

              A1 A2 A3 | B1 B2 B3 | C1 C2 C3 | D1 D2 | E1 E2 E3 | F1 F2 F3
        A1     .  .  . | -2  1  1 |  0  0  0 |  0  0 | -2  1  1 |  0  0  0
        B1     0  0  0 |  .  .  . | -2  1  1 |  0  0 |  0  0  0 |  0  0  0
        C1     2  1 -3 |  0  0  0 |  .  .  . | -2  2 | -3  1  2 |  0  0  0
        D1     0  0  0 |  0  0  0 |  0  0  0 |  .  . |  3 -1 -2 | -2  1  1
        E1     0  0  0 |  0  0  0 | -2 -1  3 |  0  0 |  .  .  . |  2 -1 -1
        F1     0  3 -3 |  0  0  0 | -3  0  3 | -3  3 | -2  1  1 |  .  .  .
        sum    2  4 -6 | -2  1  1 | -7  0  7 | -5  5 | -4  2  2 |  0  0  0

    Every descriptor but F is pushed away from its first variant: the gaps are 4-2, 1-(-2), 7-(-7),
    5-(-5), 2-(-4), 0-0, so the inconsistency is 14 (economy) and the total impact
    2 - 2 - 7 - 5 - 4 + 0 = -16.
    """
    balances = cib_balances(SOMEWHERELAND, SOMEWHERELAND_COUNTS, [0, 0, 0, 0, 0, 0])
    assert balances.tolist() == [2, 4, -6, -2, 1, 1, -7, 0, 7, -5, 5, -4, 2, 2, 0, 0, 0]
    result = cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS, max_inconsistency=14)
    row = [r for r in rows_of(result) if r[0] == (0, 0, 0, 0, 0, 0)]
    assert row == [((0, 0, 0, 0, 0, 0), 14, -16)]
    assert cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS, max_inconsistency=13).matched_count == (
        result.matched_count - sum(1 for r in rows_of(result) if r[1] == 14)
    )


def test_somewhereland_consistent_scenarios() -> None:
    """The manual's own list could not be consulted here; the ten scenarios below are those of the
    brute-force enumeration in this file (and of prophesy-cib in the cross-check test). Each is
    re-checked through its balances: every descriptor sits on a variant of highest balance."""
    result = cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS)
    expected = [
        ((0, 2, 0, 1, 2, 2), 0, 21),
        ((2, 1, 1, 0, 0, 1), 0, 19),
        ((2, 0, 1, 0, 0, 1), 0, 18),
        ((1, 0, 2, 1, 1, 0), 0, 17),
        ((1, 1, 2, 1, 1, 0), 0, 15),
        ((0, 2, 1, 0, 0, 1), 0, 14),
        ((0, 2, 1, 0, 0, 2), 0, 12),
        ((0, 1, 1, 0, 0, 1), 0, 9),
        ((2, 0, 2, 1, 0, 0), 0, 9),
        ((2, 1, 2, 1, 0, 0), 0, 8),
    ]
    assert rows_of(result) == expected == brute_force(SOMEWHERELAND, SOMEWHERELAND_COUNTS)
    assert (result.total_count, result.matched_count) == (486, 10)
    offsets = offsets_of(SOMEWHERELAND_COUNTS)
    for scenario, _, total in expected:
        balances = cib_balances(SOMEWHERELAND, SOMEWHERELAND_COUNTS, scenario)
        for d, count in enumerate(SOMEWHERELAND_COUNTS):
            block = balances[offsets[d] : offsets[d] + count]
            assert block[scenario[d]] == block.max()
        assert sum(int(balances[offsets[d] + s]) for d, s in enumerate(scenario)) == total


def test_scenariowizards_own_solution_of_a_published_matrix() -> None:
    result = cib_scenarios(GLOBAL, GLOBAL_COUNTS)
    found = dict(zip(map(tuple, result.scenarios.tolist()), result.total_impact.tolist(), strict=True))
    assert found == GLOBAL_SCENARIOWIZARD
    assert result.total_impact.tolist() == [15, 12, 9, 8]  # the contract's order: total descending


# ------------------------------------------------------------------------------------------------
# Against the independent implementation
# ------------------------------------------------------------------------------------------------


@st.composite
def cib_fields(
    draw: Any, max_descriptors: int = 4, max_variants: int = 4
) -> tuple[tuple[int, ...], np.ndarray]:
    counts = tuple(draw(st.lists(st.integers(2, max_variants), min_size=2, max_size=max_descriptors)))
    spread = draw(st.sampled_from([1, 2, 3, 6, 40]))
    seed = draw(st.integers(0, 2**32 - 1))
    return counts, random_matrix(counts, seed, spread)  # same-descriptor blocks random too: ignored


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=cib_fields(), threshold=st.integers(0, 5), chunk=st.integers(1, 70))
def test_enumeration_matches_brute_force(
    field: tuple[tuple[int, ...], np.ndarray], threshold: int, chunk: int
) -> None:
    counts, matrix = field
    result = cib_scenarios(matrix, counts, threshold, chunk_size=chunk)
    expected = brute_force(matrix, counts, threshold)
    assert rows_of(result) == expected
    assert result.matched_count == len(expected)
    assert result.total_count == int(np.prod(counts))


@settings(max_examples=60, deadline=None)
@given(field=cib_fields(), data=st.data())
def test_balances_match_the_definition(field: tuple[tuple[int, ...], np.ndarray], data: Any) -> None:
    counts, matrix = field
    scenario = tuple(data.draw(st.integers(0, c - 1)) for c in counts)
    assert cib_balances(matrix, counts, scenario).tolist() == brute_balances(matrix, counts, scenario)


@settings(max_examples=60, deadline=None)
@given(field=cib_fields(), data=st.data())
def test_succession_follows_the_rule_and_stops_at_the_first_repeat(
    field: tuple[tuple[int, ...], np.ndarray], data: Any
) -> None:
    counts, matrix = field
    start = tuple(data.draw(st.integers(0, c - 1)) for c in counts)
    path = cib_succession(matrix, counts, start)
    assert path[0] == start
    for before, after in itertools.pairwise(path):
        assert after == brute_successor(matrix, counts, before)
    assert len(set(path[:-1])) == len(path) - 1  # nothing repeats before the end...
    assert path[-1] in path[:-1]  # ...and the end is a repeat
    consistent = {row[0] for row in brute_force(matrix, counts)}
    assert (path[-1] == path[-2]) == (path[-1] in consistent)


@settings(max_examples=25, deadline=None)
@given(
    field=cib_fields(max_descriptors=3, max_variants=3), members=st.integers(1, 4), seed=st.integers(0, 999)
)
def test_ensemble_counts_match_each_members_enumeration(
    field: tuple[tuple[int, ...], np.ndarray], members: int, seed: int
) -> None:
    counts, first = field
    stack = np.stack([first] + [random_matrix(counts, seed + k, 2) for k in range(1, members)])
    result = cib_ensemble(stack, counts)
    per_member = [{row[0] for row in brute_force(stack[k], counts)} for k in range(members)]
    mean = stack.mean(axis=0)
    offsets = offsets_of(counts)
    expected_set = set().union(*per_member)
    for scenario in itertools.product(*(range(c) for c in counts)):
        balances = brute_balances(mean, counts, scenario)
        gap = max(
            max(balances[offsets[d] : offsets[d] + c]) - balances[offsets[d] + scenario[d]]
            for d, c in enumerate(counts)
        )
        if gap <= 1e-9:
            expected_set.add(scenario)
    got = list(map(tuple, result.scenarios.tolist()))
    assert set(got) == expected_set and len(got) == len(expected_set)
    for row, scenario in enumerate(got):
        flags = [scenario in per_member[k] for k in range(members)]
        assert result.member_consistent[row].tolist() == flags
        assert result.member_counts[row] == sum(flags)
        balances = brute_balances(mean, counts, scenario)
        gap = max(
            max(balances[offsets[d] : offsets[d] + c]) - balances[offsets[d] + scenario[d]]
            for d, c in enumerate(counts)
        )
        assert result.group_inconsistency[row] == pytest.approx(gap)
        assert result.group_consistent[row] == (gap <= 1e-9)
        assert result.group_total_impact[row] == pytest.approx(
            sum(balances[offsets[d] + s] for d, s in enumerate(scenario))
        )
    keys = [
        (-int(c), float(g), -float(t), s)
        for c, g, t, s in zip(
            result.member_counts, result.group_inconsistency, result.group_total_impact, got, strict=True
        )
    ]
    assert keys == sorted(keys)


# ------------------------------------------------------------------------------------------------
# Conventions
# ------------------------------------------------------------------------------------------------


def test_same_descriptor_blocks_are_ignored_whatever_they_hold() -> None:
    noisy = SOMEWHERELAND.astype(float)
    noisy[0:3, 0:3] = [[9, -7, np.nan], [1, 2, 3], [np.inf, 0, 5]]
    assert rows_of(cib_scenarios(noisy, SOMEWHERELAND_COUNTS)) == rows_of(
        cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS)
    )


def test_whole_numbers_are_not_capped() -> None:
    counts = (2, 3, 2)
    big = random_matrix(counts, 7, 3) * 1000 + 15  # up to ±3015
    assert rows_of(cib_scenarios(big, counts, 500)) == brute_force(big, counts, 500)
    floats = random_matrix(counts, 8, 6).astype(float)  # whole numbers held as floats are fine
    assert rows_of(cib_scenarios(floats, counts)) == brute_force(floats.astype(int), counts)
    huge = random_matrix(counts, 9, 3) * 2**40  # balances beyond 32 bits
    assert rows_of(cib_scenarios(huge, counts, 2**41)) == brute_force(huge, counts, 2**41)


def test_the_callers_arrays_are_never_modified() -> None:
    matrix = SOMEWHERELAND.astype(float)
    matrix[0, 1] = 4.0  # a same-descriptor cell: ignored, but must stay as given
    before = matrix.copy()
    scenario = np.array([0, 1, 2, 1, 0, 1])
    stack = np.stack([SOMEWHERELAND, SOMEWHERELAND.T.copy(), np.zeros_like(SOMEWHERELAND)])
    stack_before = stack.copy()
    cib_balances(matrix, SOMEWHERELAND_COUNTS, scenario)
    cib_scenarios(matrix, SOMEWHERELAND_COUNTS, 2, chunk_size=7)
    cib_succession(matrix, SOMEWHERELAND_COUNTS, scenario)
    cib_ensemble(stack, SOMEWHERELAND_COUNTS)
    assert np.array_equal(matrix, before)
    assert scenario.tolist() == [0, 1, 2, 1, 0, 1]
    assert np.array_equal(stack, stack_before)


def test_the_result_does_not_depend_on_the_chunk_size() -> None:
    reference = rows_of(cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS, 3))
    for chunk in (1, 2, 3, 9, 100, 486, 10**6):
        assert rows_of(cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS, 3, chunk_size=chunk)) == reference


def test_limit_keeps_the_head_of_the_order_and_counts_all() -> None:
    full = cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS, 4)
    for chunk in (5, 1 << 16):
        head = cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS, 4, limit=12, chunk_size=chunk)
        assert rows_of(head) == rows_of(full)[:12]
        assert head.matched_count == full.matched_count > 12
    assert len(cib_scenarios(SOMEWHERELAND, SOMEWHERELAND_COUNTS, limit=0).scenarios) == 0


def test_progress_reports_every_step_up_to_the_whole_field() -> None:
    calls: list[tuple[int, int]] = []
    cib_scenarios(
        SOMEWHERELAND, SOMEWHERELAND_COUNTS, chunk_size=50, progress=lambda d, t: calls.append((d, t))
    )
    assert len(calls) > 5
    assert all(total == 486 for _, total in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == 486
    ensemble_calls: list[tuple[int, int]] = []
    stack = np.stack([SOMEWHERELAND, SOMEWHERELAND])
    cib_ensemble(
        stack, SOMEWHERELAND_COUNTS, chunk_size=100, progress=lambda d, t: ensemble_calls.append((d, t))
    )
    assert ensemble_calls[-1] == (3 * 486, 3 * 486)
    assert [d for d, _ in ensemble_calls] == sorted(d for d, _ in ensemble_calls)


def test_a_field_of_twelve_drivers_of_three_states() -> None:
    counts = (3,) * 12
    matrix = random_matrix(counts, 2026, 3)
    result = cib_scenarios(matrix, counts, 2)
    assert result.total_count == 531_441
    for scenario, gap, total in rows_of(result)[:50]:
        balances = brute_balances(matrix, counts, scenario)
        gaps = [
            max(balances[o : o + 3]) - balances[o + s]
            for o, s in zip(offsets_of(counts), scenario, strict=True)
        ]
        assert (
            max(gaps),
            sum(balances[o + s] for o, s in zip(offsets_of(counts), scenario, strict=True)),
        ) == (
            gap,
            total,
        )


# ------------------------------------------------------------------------------------------------
# Succession
# ------------------------------------------------------------------------------------------------


def test_a_consistent_start_gives_start_twice() -> None:
    for scenario in GLOBAL_SCENARIOWIZARD:
        assert cib_succession(GLOBAL, GLOBAL_COUNTS, scenario) == [scenario, scenario]


def test_succession_reaches_a_consistent_scenario() -> None:
    path = cib_succession(SOMEWHERELAND, SOMEWHERELAND_COUNTS, np.zeros(6, dtype=int))
    assert path == [(0, 0, 0, 0, 0, 0), (1, 1, 2, 1, 1, 0), (1, 1, 2, 1, 1, 0)]
    assert path[-1] in {row[0] for row in brute_force(SOMEWHERELAND, SOMEWHERELAND_COUNTS)}


def test_a_cycle_ends_where_it_closes() -> None:
    """B follows A (A1 -> B1, A2 -> B2) while A opposes B (B1 -> A2, B2 -> A1): a four-step loop."""
    matrix = np.zeros((4, 4), dtype=int)
    matrix[0, 2] = matrix[1, 3] = 1  # A1 promotes B1, A2 promotes B2
    matrix[2, 1] = matrix[3, 0] = 1  # B1 promotes A2, B2 promotes A1
    assert cib_succession(matrix, (2, 2), (0, 0)) == [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    assert cib_succession(matrix, (2, 2), (1, 1)) == [(1, 1), (0, 1), (0, 0), (1, 0), (1, 1)]
    assert len(cib_scenarios(matrix, (2, 2)).scenarios) == 0
    nobody = cib_ensemble(np.stack([matrix, matrix]), (2, 2))  # no consistent scenario for anyone
    assert nobody.scenarios.shape == (0, 2) and nobody.member_consistent.shape == (0, 2)


def test_ties_keep_the_current_variant_or_take_the_first_of_the_highest() -> None:
    """A has 3 variants, B 2. B1 pushes A2 and A3 equally (+2 each); A pushes nothing, so B's two
    variants always tie at 0 and B keeps whatever it holds."""
    matrix = np.zeros((5, 5), dtype=int)
    matrix[3, 1] = matrix[3, 2] = 2
    assert cib_succession(matrix, (3, 2), (2, 0)) == [(2, 0), (2, 0)]  # A3 is among the highest: kept
    assert cib_succession(matrix, (3, 2), (1, 0)) == [(1, 0), (1, 0)]
    assert cib_succession(matrix, (3, 2), (0, 0)) == [(0, 0), (1, 0), (1, 0)]  # A1 is not: first of A2, A3
    assert cib_succession(matrix, (3, 2), (0, 1)) == [(0, 1), (0, 1)]  # under B2 all of A tie at 0


# ------------------------------------------------------------------------------------------------
# Ensembles
# ------------------------------------------------------------------------------------------------


def test_ensemble_of_a_small_group() -> None:
    """Three members: two judge as the manual, the third reverses every impact of the government (A)."""
    third = SOMEWHERELAND.copy()
    third[0:3] = -third[0:3]
    stack = np.stack([SOMEWHERELAND, SOMEWHERELAND, third])
    result = cib_ensemble(stack, SOMEWHERELAND_COUNTS)
    assert isinstance(result, CIBEnsemble)
    assert result.n_members == 3
    by_scenario = dict(zip(map(tuple, result.scenarios.tolist()), result.member_counts.tolist(), strict=True))
    base = {row[0] for row in brute_force(SOMEWHERELAND, SOMEWHERELAND_COUNTS)}
    reversed_set = {row[0] for row in brute_force(third, SOMEWHERELAND_COUNTS)}
    for scenario in base | reversed_set:
        assert by_scenario[scenario] == 2 * (scenario in base) + (scenario in reversed_set)
    assert result.member_counts.tolist() == sorted(result.member_counts.tolist(), reverse=True)
    assert np.allclose(result.group_impacts[0:3, 3:], SOMEWHERELAND[0:3, 3:] / 3)
    assert np.allclose(result.group_impacts[3:, :], SOMEWHERELAND[3:, :])
    # Rows of A: members say (x, x, -x). Sorted, (-x, x, x) for x > 0: by linear interpolation Q1 sits
    # halfway between the first two values (0) and Q3 halfway between the last two (x), so the IQR is |x|.
    assert np.allclose(result.disagreement[0:3, 3:], np.abs(SOMEWHERELAND[0:3, 3:]))
    assert np.allclose(result.disagreement, consensus(stack.astype(float)).iqr)  # the same quartile rule
    assert not result.disagreement[3:, :].any()


def test_one_outlier_does_not_put_a_cell_in_dispute_in_a_group_of_five() -> None:
    stack = np.zeros((5, 4, 4), dtype=int)
    stack[4, 0, 2] = 3  # one member alone sees a strong push of A1 on B1
    stack[[0, 1, 2], 1, 3] = -2  # three of five see A2 hinder B2, two see nothing: a split room
    result = cib_ensemble(stack, (2, 2))
    assert result.disagreement[0, 2] == 0
    assert result.group_impacts[0, 2] == pytest.approx(0.6)
    assert result.disagreement[1, 3] == 2


def test_same_descriptor_blocks_are_zero_in_the_group_matrices() -> None:
    stack = np.stack([SOMEWHERELAND, SOMEWHERELAND])
    stack[1, 0, 1] = 3  # disagreement inside a block: meaningless
    result = cib_ensemble(stack, SOMEWHERELAND_COUNTS)
    assert result.group_impacts[0, 1] == 0 and result.disagreement[0, 1] == 0


# ------------------------------------------------------------------------------------------------
# prophesy-cib as a second independent implementation
# ------------------------------------------------------------------------------------------------


def prophesy_model(matrix: np.ndarray, counts: tuple[int, ...]) -> Any:
    prophesy = pytest.importorskip("prophesy_cib", reason="prophesy-cib (a dev extra) is not installed")
    offsets = offsets_of(counts)
    descriptors = [
        prophesy.Descriptor(
            index=d + 1,
            name=f"D{d + 1}",
            type="nominal",
            variants=tuple(prophesy.Variant(index=v + 1, name=f"V{v + 1}") for v in range(c)),
        )
        for d, c in enumerate(counts)
    ]
    impacts = [
        prophesy.CrossImpact(d + 1, u + 1, e + 1, v + 1, float(matrix[offsets[d] + u, offsets[e] + v]))
        for d, c in enumerate(counts)
        for e, k in enumerate(counts)
        if d != e
        for u in range(c)
        for v in range(k)
        if matrix[offsets[d] + u, offsets[e] + v]
    ]
    return prophesy.Model(descriptors, impacts)


@pytest.mark.parametrize(
    ("matrix", "counts"),
    [
        (SOMEWHERELAND, SOMEWHERELAND_COUNTS),
        (GLOBAL, GLOBAL_COUNTS),
        (random_matrix((3, 2, 4, 2), 11, 3), (3, 2, 4, 2)),
        (random_matrix((2, 2, 2, 2, 3), 12, 6), (2, 2, 2, 2, 3)),
    ],
)
def test_prophesy_cib_finds_the_same_balances_and_consistent_scenarios(
    matrix: np.ndarray, counts: tuple[int, ...]
) -> None:
    model = prophesy_model(matrix, counts)
    from prophesy_cib.model import Scenario
    from prophesy_cib.succession import compute_balances, compute_scenario_consistency

    consistent = set()
    for scenario in itertools.product(*(range(c) for c in counts)):
        theirs = Scenario(variant_indices={d + 1: s + 1 for d, s in enumerate(scenario)})
        balances = compute_balances(theirs, model)
        ours = cib_balances(matrix, counts, scenario)
        offsets = offsets_of(counts)
        assert [balances[(d + 1, v + 1)] for d, c in enumerate(counts) for v in range(c)] == [
            float(ours[offsets[d] + v]) for d, c in enumerate(counts) for v in range(c)
        ]
        if compute_scenario_consistency(theirs, model) == 0:  # their sum of gaps: 0 iff ours is 0
            consistent.add(scenario)
    assert set(map(tuple, cib_scenarios(matrix, counts).scenarios.tolist())) == consistent


# ------------------------------------------------------------------------------------------------
# Refusals
# ------------------------------------------------------------------------------------------------

M4 = np.zeros((4, 4), dtype=int)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cib_scenarios(np.zeros((3, 3)), [3]), "at least two drivers"),
        (lambda: cib_scenarios(np.zeros((3, 3)), [2, 1]), "Driver 2 has 1 state"),
        (lambda: cib_scenarios(np.zeros((4, 4)), [2, 2.5]), "whole numbers"),
        (lambda: cib_scenarios(np.zeros((4, 4)), [[2, 2]]), "flat list"),
        (lambda: cib_scenarios(np.zeros((4, 3)), [2, 2]), "must be square"),
        (lambda: cib_scenarios(np.zeros(4), [2, 2]), "must be square"),
        (lambda: cib_scenarios(np.zeros((5, 5)), [2, 2]), "one row and one column per state (4)"),
        (lambda: cib_scenarios(np.where(np.eye(4, k=2) > 0, 1.5, 0), [2, 2]), "state 1 on state 3"),
        (lambda: cib_scenarios(np.where(np.eye(4, k=-2) > 0, np.nan, 0), [2, 2]), "state 3 on state 1"),
        (lambda: cib_scenarios(np.where(np.eye(4, k=2) > 0, np.inf, 0), [2, 2]), "not a whole number"),
        (lambda: cib_scenarios(np.full((4, 4), 2.0**60), [2, 2]), "not a whole number"),
        (lambda: cib_scenarios(np.full((4, 4), 2**60), [2, 2]), "too large to add up exactly"),
        (lambda: cib_scenarios(np.eye(4, dtype=bool), [2, 2]), "not true/false"),
        (lambda: cib_scenarios([["a"] * 4] * 4, [2, 2]), "only numbers"),
        (lambda: cib_scenarios(M4, [2, 2], -1), "maximum inconsistency"),
        (lambda: cib_scenarios(M4, [2, 2], 0.5), "maximum inconsistency"),
        (lambda: cib_scenarios(M4, [2, 2], True), "maximum inconsistency"),
        (lambda: cib_scenarios(M4, [2, 2], limit=-2), "limit"),
        (lambda: cib_scenarios(M4, [2, 2], chunk_size=0), "chunk size"),
        (lambda: cib_scenarios(np.zeros((24, 24), int), [3] * 8, max_scenarios=6560), "6,561 scenarios"),
        (lambda: cib_balances(M4, [2, 2], [0]), "one state index per driver (2 drivers)"),
        (lambda: cib_balances(M4, [2, 2], [[0, 1]]), "one state index per driver"),
        (lambda: cib_balances(M4, [2, 2], [0.0, 1.0]), "whole state indices"),
        (lambda: cib_balances(M4, [2, 2], [True, False]), "whole state indices"),
        (
            lambda: cib_balances(M4, [2, 2], [0, 2]),
            "driver 2 state index 2, but that driver has states 0 to 1",
        ),
        (lambda: cib_balances(M4, [2, 2], [-1, 0]), "driver 1 state index -1"),
        (lambda: cib_succession(M4, [2, 2], [0, 5]), "start scenario gives driver 2 state index 5"),
        (lambda: cib_succession(np.zeros((3, 3)), [2, 2], [0, 0]), "per state (4)"),
        (lambda: cib_ensemble(np.zeros((0, 4, 4)), [2, 2]), "no member"),
        (lambda: cib_ensemble(M4, [2, 2]), "members x states x states"),
        (lambda: cib_ensemble(np.zeros((2, 5, 5)), [2, 2]), "members x states x states"),
        (lambda: cib_ensemble(np.stack([M4, np.where(np.eye(4, k=2) > 0, 0.5, 0)]), [2, 2]), "member 2"),
        (lambda: cib_ensemble(np.stack([M4, M4]), [2, 2], -3), "maximum inconsistency"),
        (lambda: cib_ensemble(np.stack([M4, M4]), [2, 2], chunk_size=-1), "chunk size"),
        (lambda: cib_ensemble(np.zeros((1, 24, 24)), [3] * 8, max_scenarios=10), "more than the 10"),
    ],
)
def test_refusals(call: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value)
