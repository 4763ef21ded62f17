"""ScenarioWizard project files and cross-impact CSV: reading, writing, round trips and refusals."""

from __future__ import annotations

import pytest

from policies.analysis import cib_scenarios
from policies.casefile.scenariowizard import (
    CrossImpactMatrix,
    Descriptor,
    MatrixFileError,
    Variant,
    read_matrix_csv,
    read_scw,
    write_matrix_csv,
    write_scw,
)

# A small project in ScenarioWizard's layout: 2 drivers of 2 and 3 states, with short names.
SCW_LINES = [
    "$ ScenarioWizard 4.0",
    "Sahel test",
    "&Government",
    " -Junta",
    " -Civilian rule",
    "&Aid",
    " -Suspended",
    " -Partial",
    " -Full",
    "#",
    "&GOV",
    " J",
    " C",
    "&AID",
    " S",
    " P",
    " F",
    "#",
    "#",
    "FFFFFF",
    "FFFFFF",
    "FFFFFF",
    "FFFFFF",
    "FFFFFF",
    "#",
    "#",
    " 0 , 0 , 3 , 0 ,-3 ",
    " 0 , 0 ,-2 , 1 , 1 ",
    " 2 ,-2 , 0 , 0 , 0 ",
    " 0 , 0 , 0 , 0 , 0 ",
    "-1 , 1 , 0 , 0 , 0 ",
    "#",
    "# 0-0",
    '""',
    "# GOV",
    '""',
    "# AID",
    '""',
    "# GOV -> GOV",
    '""',
    "# GOV -> AID",
    '""',
    "# AID -> GOV",
    '""',
    "# AID -> AID",
    '""',
    "#",
    "#",
]
SCW_TEXT = "\r\n".join(SCW_LINES) + "\r\n"

SAHEL = CrossImpactMatrix(
    descriptors=(
        Descriptor("GOV", "Government", (Variant("J", "Junta"), Variant("C", "Civilian rule"))),
        Descriptor("AID", "Aid", (Variant("S", "Suspended"), Variant("P", "Partial"), Variant("F", "Full"))),
    ),
    impacts=((0, 0, 3, 0, -3), (0, 0, -2, 1, 1), (2, -2, 0, 0, 0), (0, 0, 0, 0, 0), (-1, 1, 0, 0, 0)),
    title="Sahel test",
)


def scw(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def refused(reader: object, data: str | bytes) -> MatrixFileError:
    with pytest.raises(MatrixFileError) as caught:
        reader(data)  # type: ignore[operator]
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == f"Line {caught.value.line}: {caught.value.reason}"
    return caught.value


# ------------------------------------------------------------------------------------------------
# .scw
# ------------------------------------------------------------------------------------------------


def test_reads_a_project_file() -> None:
    matrix = read_scw(SCW_TEXT.encode("cp1252"))
    assert matrix == SAHEL
    assert matrix.state_counts == (2, 3)
    assert [(d.id, v.id, v.name) for d, v in matrix.labels()][:3] == [
        ("GOV", "J", "Junta"),
        ("GOV", "C", "Civilian rule"),
        ("AID", "S", "Suspended"),
    ]


def test_writes_scenariowizards_layout_exactly() -> None:
    assert write_scw(SAHEL) == SCW_TEXT.encode("cp1252")


def test_the_read_matrix_goes_straight_into_the_analysis() -> None:
    matrix = read_scw(SCW_TEXT)
    result = cib_scenarios(matrix.impacts, matrix.state_counts)
    # Junta -> suspended aid (+3) and suspended aid -> junta (+2) hold each other: total 5. Civilian rule
    # pushes partial and full aid equally (+1), full aid pushes civilian rule (+1): total 2. Partial aid
    # pushes neither state of government, so civilian rule, tied, stays: total 1.
    assert [tuple(s) for s in result.scenarios.tolist()] == [(0, 0), (1, 2), (1, 1)]
    assert result.total_impact.tolist() == [5, 2, 1]


@pytest.mark.parametrize(
    "matrix",
    [
        SAHEL,
        CrossImpactMatrix(
            descriptors=(
                Descriptor("d1", "Sécheresse", (Variant("a", "Détente"), Variant("b", "Aggravée"))),
                Descriptor("d2", "Ansar Eddine", (Variant("c", "Négociable"), Variant("d", "Intransigeant"))),
                Descriptor(
                    "", "No short names", (Variant("", "Yes"), Variant("", "No"), Variant("", "Maybe"))
                ),
            ),
            impacts=tuple(
                tuple(
                    (r * 7 + c * 3) % 31 - 15 if (r < 2) != (c < 2) or (r >= 4) != (c >= 4) else 0
                    for c in range(7)
                )
                for r in range(7)
            ),
            title="Mali, 2012",
        ),
    ],
)
def test_round_trips(matrix: CrossImpactMatrix) -> None:
    assert read_scw(write_scw(matrix)) == matrix
    back = read_matrix_csv(write_matrix_csv(matrix))
    assert back.impacts == matrix.impacts
    assert [(d.name, [v.name for v in d.variants]) for d in back.descriptors] == [
        (d.name, [v.name for v in d.variants]) for d in matrix.descriptors
    ]
    assert all(d.id == "" and all(v.id == "" for v in d.variants) for d in back.descriptors)
    assert back.title == ""


def test_reads_variants_of_the_layout() -> None:
    lines = [line.replace("&GOV", "& GOV") for line in SCW_LINES]
    assert read_scw(scw(lines)) == SAHEL  # LF line ends, a space after '&'
    assert read_scw(b"\xef\xbb\xbf" + SCW_TEXT.encode()) == SAHEL  # UTF-8 with a byte-order mark
    no_short = SCW_LINES[:10] + SCW_LINES[17:]  # section 2 empty: no short names
    matrix = read_scw(scw(no_short))
    assert [d.id for d in matrix.descriptors] == ["", ""] and matrix.impacts == SAHEL.impacts
    blank_short = [*SCW_LINES[:10], "&", " ", " ", "&", " ", " ", " ", *SCW_LINES[17:]]
    assert read_scw(scw(blank_short)).descriptors[1].variants[2] == Variant("", "Full")
    minimal = SCW_LINES[:10] + ["#"] * 4 + SCW_LINES[26:31]  # no closing '#', no texts
    assert read_scw(scw(minimal)).impacts == SAHEL.impacts
    spaced = [*SCW_LINES[:3], "", *SCW_LINES[3:27], "", *SCW_LINES[27:]]
    assert read_scw(scw(spaced)) == SAHEL
    latin = scw(SCW_LINES).replace("Civilian rule", "Régime civil").encode("cp1252")
    assert read_scw(latin).descriptors[0].variants[1].name == "Régime civil"
    large = scw(SCW_LINES).replace(" 2 ,-2 ,", "15 ,-11 ,")
    assert read_scw(large).impacts[2][:2] == (15, -11)


def test_names_on_one_line_and_characters_outside_windows_1252() -> None:
    matrix = CrossImpactMatrix(
        descriptors=(
            Descriptor("G", "Govern-\nment", (Variant("1", "a"), Variant("2", "b"))),
            Descriptor("H", "Ḥaraka", (Variant("1", "x"), Variant("2", "y"))),
        ),
        impacts=((0,) * 4,) * 4,
    )
    back = read_scw(write_scw(matrix))
    assert back.descriptors[0].name == "Govern- ment"
    assert back.descriptors[1].name == "?araka"


SCW_REFUSALS = [
    ("", 1, "first line must start with '$ ScenarioWizard'"),
    ("ScenarioWizard\n", 1, "first line"),
    ("$ ScenarioWizard 4.0\n", 2, "ends before its list of drivers"),
    (scw([*SCW_LINES[:2], " -Orphan", *SCW_LINES[2:]]), 3, "comes before any driver"),
    (scw([*SCW_LINES[:4], "Junta", *SCW_LINES[4:]]), 5, "expected a driver"),
    (scw(SCW_LINES[:4] + SCW_LINES[5:]), 3, "driver 'Government' has 1 state(s)"),
    (scw(SCW_LINES[:2] + SCW_LINES[5:]), 7, "has 1 driver(s); at least two"),
    (scw(SCW_LINES[:7]), 8, "ends inside its list of drivers"),
    (scw(SCW_LINES[:10]), 11, "ends before the cross-impact matrix"),
    (scw(SCW_LINES[:12] + SCW_LINES[13:]), 13, "more states than short names"),
    (scw([*SCW_LINES[:10], " GOV", *SCW_LINES[11:]]), 11, "expected the short name of driver 'Government'"),
    (scw(SCW_LINES[:16] + SCW_LINES[17:]), 17, "short names stop before"),
    (scw([*SCW_LINES[:17], " X", *SCW_LINES[17:]]), 18, "expected '#' after the short names"),
    (scw(SCW_LINES[:20]), 21, "ends before the cross-impact matrix"),
    (
        scw([*SCW_LINES[:27], " 0 , 0 ,-2 , 1 ", *SCW_LINES[28:]]),
        28,
        "row 2 of the matrix has 4 values; there are 5",
    ),
    (
        scw([*SCW_LINES[:27], " 0 , 0 ,-2 , 1 , 1.5 ", *SCW_LINES[28:]]),
        28,
        "value 5 of row 2 of the matrix is '1.5'",
    ),
    (scw([*SCW_LINES[:27], " 0 , x ,-2 , 1 , 1 ", *SCW_LINES[28:]]), 28, "value 2 of row 2"),
    (
        scw([*SCW_LINES[:27], " 0 , ,-2 , 1 , 1 ", *SCW_LINES[28:]]),
        28,
        "value 2 of row 2 of the matrix is ''",
    ),
    (scw(SCW_LINES[:30] + SCW_LINES[31:]), 31, "the matrix has 4 rows; there are 5 states"),
    (scw([*SCW_LINES[:31], " 0 , 0 , 0 , 0 , 0 ", *SCW_LINES[31:]]), 32, "more rows than the 5 states"),
    (scw(SCW_LINES[:29]), 30, "ends after 3 of the matrix's 5 rows"),
]


@pytest.mark.parametrize(("text", "line", "reason"), SCW_REFUSALS)
def test_refuses_malformed_project_files(text: str, line: int, reason: str) -> None:
    error = refused(read_scw, text)
    assert error.line == line
    assert reason in error.reason


def test_refuses_short_names_the_format_cannot_hold() -> None:
    bad = CrossImpactMatrix(
        descriptors=(
            Descriptor("#1", "A", (Variant("a", "a"), Variant("b", "b"))),
            Descriptor("B", "B", (Variant("&x", "x"), Variant("y", "y"))),
        ),
        impacts=((0,) * 4,) * 4,
    )
    with pytest.raises(ValueError, match="cannot start with '&' or '#'"):
        write_scw(bad)


def test_the_structure_refuses_a_matrix_of_the_wrong_size_or_kind() -> None:
    with pytest.raises(ValueError, match="one row and one column per state"):
        CrossImpactMatrix(descriptors=SAHEL.descriptors, impacts=SAHEL.impacts[:4])
    with pytest.raises(ValueError, match="whole numbers"):
        CrossImpactMatrix(descriptors=SAHEL.descriptors, impacts=((0.5,) + (0,) * 4, *SAHEL.impacts[1:]))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------------

CSV_LINES = [
    ",,Government,Government,Aid,Aid,Aid",
    ",,Junta,Civilian rule,Suspended,Partial,Full",
    "Government,Junta,0,0,3,0,-3",
    "Government,Civilian rule,0,0,-2,1,1",
    "Aid,Suspended,2,-2,0,0,0",
    "Aid,Partial,0,0,0,0,0",
    "Aid,Full,-1,1,0,0,0",
]


def csv_text(lines: list[str]) -> str:
    return "\r\n".join(lines) + "\r\n"


def without_ids(matrix: CrossImpactMatrix) -> CrossImpactMatrix:
    return CrossImpactMatrix(
        descriptors=tuple(
            Descriptor("", d.name, tuple(Variant("", v.name) for v in d.variants)) for d in matrix.descriptors
        ),
        impacts=matrix.impacts,
    )


def test_writes_and_reads_csv() -> None:
    assert write_matrix_csv(SAHEL) == csv_text(CSV_LINES).encode("utf-8-sig")
    assert read_matrix_csv(write_matrix_csv(SAHEL)) == without_ids(SAHEL)


def test_reads_the_usual_spreadsheet_variants() -> None:
    sparse = [
        ",,Government,,Aid,,",  # a driver's name only over its first column
        ",,Junta,Civilian rule,Suspended,Partial,Full,,",  # trailing empty columns
        "Government,Junta,,,3,,-3",  # empty cells are 0
        ",Civilian rule,0,0,-2,1,1",  # a blank driver cell continues the one above
        "Aid,Suspended,2,-2,0,0,0,",
        ",Partial,0,0,0,0,0",
        ",Full,-1,+1,0, 0 ,0",
        ",,,,,,",  # trailing empty rows
        "",
    ]
    assert read_matrix_csv(csv_text(sparse)) == without_ids(SAHEL)
    semicolons = [line.replace(",", ";") for line in CSV_LINES]
    assert read_matrix_csv(csv_text(semicolons)) == without_ids(SAHEL)
    tabs = "\n".join(line.replace(",", "\t") for line in CSV_LINES)
    assert read_matrix_csv(tabs) == without_ids(SAHEL)
    quoted = [line.replace("Civilian rule", '"Civilian, elected"') for line in CSV_LINES]
    assert read_matrix_csv(csv_text(quoted)).descriptors[0].variants[1].name == "Civilian, elected"
    assert read_matrix_csv(csv_text(CSV_LINES).encode("cp1252")).impacts == SAHEL.impacts


CSV_REFUSALS = [
    ([",,Government,Government,Aid,Aid,Aid"], 2, "two header rows"),
    ([",,,Government,Aid,Aid", ",,Junta,Civilian rule,Suspended,Partial"], 1, "column 3 has no driver name"),
    (
        [
            ",,Government,Government",
            ",,Junta,Civilian rule",
            "Government,Junta,0,0",
            "Government,Civilian rule,0,0",
        ],
        2,
        "1 driver(s)",
    ),
    (
        [",,Government,Aid,Aid", ",,Junta,Suspended,Full", "Government,Junta,0,0,0"],
        1,
        "driver 'Government' has 1 state(s)",
    ),
    (
        [*CSV_LINES[:3], "Government,Civilian,0,0,-2,1,1", *CSV_LINES[4:]],
        4,
        "row 2 is labelled 'Government' / 'Civilian'",
    ),
    (CSV_LINES[:2] + CSV_LINES[3:], 3, "row 1 is labelled 'Government' / 'Civilian rule' but column 1"),
    ([*CSV_LINES[:2], ",Junta,0,0,3,0,-3", *CSV_LINES[3:]], 3, "no driver name in its first column"),
    (
        [*CSV_LINES[:4], "Aid,Suspended,2,-2,0,0.5,0", *CSV_LINES[5:]],
        5,
        "value 4 of row 3 of the matrix is '0.5'",
    ),
    ([*CSV_LINES[:4], "Aid,Suspended,2,-2,zero,0,0", *CSV_LINES[5:]], 5, "value 3 of row 3"),
    (
        [*CSV_LINES[:4], "Aid,Suspended,2,-2,0,0", *CSV_LINES[5:]],
        5,
        "row 3 of the matrix has 4 values; there are 5",
    ),
    ([*CSV_LINES[:4], "Aid,Suspended,2,-2,0,0,0,7", *CSV_LINES[5:]], 5, "has 6 values"),
    ([*CSV_LINES, "Aid,Full,-1,1,0,0,0"], 8, "more rows than the 5 states"),
    (CSV_LINES[:6], 7, "the matrix has 4 rows; its columns list 5 states"),
]


@pytest.mark.parametrize(("lines", "line", "reason"), CSV_REFUSALS)
def test_refuses_malformed_csv(lines: list[str], line: int, reason: str) -> None:
    error = refused(read_matrix_csv, csv_text(lines))
    assert error.line == line
    assert reason in error.reason


def test_refuses_to_write_driver_names_the_csv_cannot_tell_apart() -> None:
    same = CrossImpactMatrix(
        descriptors=(
            Descriptor("a", "Aid", (Variant("1", "x"), Variant("2", "y"))),
            Descriptor("b", "Aid", (Variant("1", "x"), Variant("2", "y"))),
        ),
        impacts=((0,) * 4,) * 4,
    )
    with pytest.raises(ValueError, match="differ from the previous driver's"):
        write_matrix_csv(same)
    blank = CrossImpactMatrix(
        descriptors=(same.descriptors[0], Descriptor("b", " ", same.descriptors[1].variants)),
        impacts=same.impacts,
    )
    with pytest.raises(ValueError, match="non-blank"):
        write_matrix_csv(blank)
