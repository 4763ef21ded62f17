"""ScenarioWizard project files (``.scw``) and cross-impact matrices as CSV, read and written as plain data.

ScenarioWizard is the reference desktop program for cross-impact balance analysis; exchanging its
project files lets a team take a matrix elicited in the workbench to it and back. This module only
translates files to and from :class:`CrossImpactMatrix` (drivers, their states, the whole-number
matrix); storing a matrix in a case is the services' business.

The ``.scw`` format
-------------------
A text file, one item per line, in sections closed by a line that starts with ``#``. The manual's
appendix ("The scw file format", ScenarioWizard 4.1-4.3 manuals, W. Weimer-Jehle, ZIRIUS, University
of Stuttgart) could not be consulted in full; the layout below is the one of project files written
by ScenarioWizard 4 and published with other CIB tools, and of the manual's fragments that could be
read (its descriptor and variant lines, and its matrix rows such as ``0 , 0 , 0 ,-2 , 1 , 1``)::

    $ ScenarioWizard 4.0          first line: the format's mark (any version is read)
    Somewhereland                 the project's title
    &A. Government                a descriptor (driver): '&' and its name
     -A1 "Patriots party"         its variants (states): ' -' and the name, one line each
    ...
    #
    &A                            section 2: the short names (abbreviations), same layout:
     A1                           '&' + the descriptor's, then one line per variant; may be
    ...                           blank, or the section empty
    #
    #                             section 3: not used here (empty in every file seen)
    FFFFFF                        section 4: a colour per variant, ignored
    #
    #                             section 5: not used here (empty in every file seen)
     0 , 0 , 0 ,-2 , 1 , 1 ...    section 6: the cross-impact matrix, one row per source variant,
    #                             comma-separated whole numbers, columns the target variants
    # 0-0                         then explanatory texts (per descriptor, per descriptor pair),
    ""                            ignored on reading and written empty
    #

Assumptions, as the full appendix could not be checked: section 1 holds the names and section 2
the short names (ScenarioWizard's manual speaks of optional abbreviations of descriptors and
variants); the contents of sections 3 and 5 are unknown and skipped; the text section's layout is
copied from ScenarioWizard's own files, with empty texts. Files are read as UTF-8 when they decode as
such and as Windows-1252 otherwise; they are written in Windows-1252 (ScenarioWizard is a Windows
program; characters outside that code page become ``?``) with Windows line ends.

Here a descriptor's and a variant's ``id`` is ScenarioWizard's short name and ``name`` its name.

The CSV layout
--------------
Two header rows and two label columns, rows the source states, columns the targets::

    ,,Government,Government,Economy,Economy,Economy
    ,,Junta,Civilian,Shrinking,Stagnant,Growing
    Government,Junta,0,0,-2,1,1
    Government,Civilian,0,0,1,0,-1
    Economy,Shrinking,...

Row 1 names the target descriptor of each column (repeated, or only over the first column of its
group with the others blank), row 2 the target variant; columns 1 and 2 name the source in the
same way, and must list the same states in the same order as the columns. An empty cell is 0 (no
impact). Commas, semicolons or tabs separate the cells. The same layout is read by prophesy-cib's
``load_model_from_matrix``. CSV carries names only: on reading, every ``id`` is empty. Written as
UTF-8 with a byte-order mark (which spreadsheet programs need to show accents).

A malformed file is refused with :class:`MatrixFileError`, carrying the line number and the reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

__all__ = [
    "CrossImpactMatrix",
    "Descriptor",
    "MatrixFileError",
    "Variant",
    "read_matrix_csv",
    "read_scw",
    "write_matrix_csv",
    "write_scw",
]

SCW_MARK = "$ ScenarioWizard"
SCW_VERSION_LINE = "$ ScenarioWizard 4.0"
SCW_ENCODING = "cp1252"
_WHOLE = re.compile(r"[+-]?\d+")
_COLOUR = "FFFFFF"


@dataclass(frozen=True)
class Variant:
    """One state of a driver: ``id`` is ScenarioWizard's short name (may be empty), ``name`` its name."""

    id: str
    name: str


@dataclass(frozen=True)
class Descriptor:
    """A driver and its states, in order."""

    id: str
    name: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class CrossImpactMatrix:
    """Drivers, their states, and the impacts: ``impacts[u][v]`` = impact of state ``u`` on state ``v``.

    States are numbered by concatenating the drivers' states in order (the convention of
    :mod:`policies.analysis.cib`, which takes ``impacts`` and ``state_counts`` as they are).
    """

    descriptors: tuple[Descriptor, ...]
    impacts: tuple[tuple[int, ...], ...]
    title: str = ""

    def __post_init__(self) -> None:
        size = sum(len(d.variants) for d in self.descriptors)
        if len(self.impacts) != size or any(len(row) != size for row in self.impacts):
            raise ValueError(f"The matrix must have one row and one column per state ({size}).")
        if any(isinstance(v, bool) or not isinstance(v, int) for row in self.impacts for v in row):
            raise ValueError("Impacts must be whole numbers.")

    @property
    def state_counts(self) -> tuple[int, ...]:
        return tuple(len(d.variants) for d in self.descriptors)

    def labels(self) -> list[tuple[Descriptor, Variant]]:
        """(driver, state) of each row and column, in order."""
        return [(d, v) for d in self.descriptors for v in d.variants]


class MatrixFileError(ValueError):
    """A file that cannot be read as a cross-impact matrix: where (1-based line) and why."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"Line {line}: {reason}")


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(SCW_ENCODING, errors="replace")


def _check_structure(descriptors: list[tuple[int, str, list[str]]], line: int) -> None:
    """At least two drivers of at least two states: the analysis needs no less."""
    if len(descriptors) < 2:
        raise MatrixFileError(line, f"the matrix has {len(descriptors)} driver(s); at least two are needed.")
    for descriptor_line, name, variants in descriptors:
        if len(variants) < 2:
            raise MatrixFileError(
                descriptor_line,
                f"driver {name!r} has {len(variants)} state(s); every driver needs at least two.",
            )


def _row_values(cells: list[str], line: int, row: int, size: int, *, empty_is_zero: bool) -> tuple[int, ...]:
    if len(cells) != size:
        raise MatrixFileError(
            line, f"row {row} of the matrix has {len(cells)} values; there are {size} states."
        )
    values = []
    for column, cell in enumerate(cells, start=1):
        text = cell.strip()
        if not text and empty_is_zero:
            values.append(0)
        elif _WHOLE.fullmatch(text):
            values.append(int(text))
        else:
            raise MatrixFileError(
                line, f"value {column} of row {row} of the matrix is {text!r}, not a whole number."
            )
    return tuple(values)


# ---------------------------------------------------------------------------------------------------
# .scw
# ---------------------------------------------------------------------------------------------------


def read_scw(data: bytes | str) -> CrossImpactMatrix:
    """Read a ScenarioWizard project file (see the module docstring for the layout and its assumptions).

    Raises:
        MatrixFileError: not a ScenarioWizard file, a line out of place, fewer than two drivers
            or a driver with fewer than two states, short names that do not follow the structure,
            a matrix row of the wrong length or holding something other than a whole number, too
            few or too many rows, or a file that ends early. The error carries the line number.
    """
    lines = _decode(data).splitlines()
    if not lines or not lines[0].lstrip().startswith(SCW_MARK):
        raise MatrixFileError(
            1, f"not a ScenarioWizard project file: the first line must start with {SCW_MARK!r}."
        )
    if len(lines) < 2:
        raise MatrixFileError(2, "the file ends before its list of drivers.")
    title = lines[1].strip()
    position = 2  # 0-based index of the next line; its number is position + 1

    def end(what: str) -> MatrixFileError:
        return MatrixFileError(len(lines) + 1, f"the file ends {what}.")

    # Section 1: names.
    descriptors: list[tuple[int, str, list[str]]] = []
    while True:
        if position >= len(lines):
            raise end("inside its list of drivers (no closing '#')")
        text = lines[position].strip()
        number = position + 1
        position += 1
        if text.startswith("#"):
            break
        if not text:
            continue
        if text.startswith("&"):
            descriptors.append((number, text[1:].strip(), []))
        elif text.startswith("-"):
            if not descriptors:
                raise MatrixFileError(
                    number, "a state (a line starting with '-') comes before any driver ('&')."
                )
            descriptors[-1][2].append(text[1:].strip())
        else:
            raise MatrixFileError(
                number,
                f"expected a driver ('&name'), a state (' -name') or '#' to close the list; got {text!r}.",
            )
    _check_structure(descriptors, position)

    # Section 2: short names, line for line (a blank line is a blank short name), or nothing.
    short: list[tuple[str, list[str]]] = []
    layout = [(d, v) for d, (_, _, variants) in enumerate(descriptors) for v in [-1, *range(len(variants))]]
    if position >= len(lines):
        raise end("before the cross-impact matrix")
    if not lines[position].strip().startswith("#"):
        for d, v in layout:
            if position >= len(lines):
                raise end("inside the short names")
            raw = lines[position]
            number = position + 1
            position += 1
            if raw.strip().startswith("#"):
                raise MatrixFileError(number, "the short names stop before every driver and state has one.")
            if v < 0:
                if not raw.lstrip().startswith("&"):
                    raise MatrixFileError(
                        number,
                        f"expected the short name of driver {descriptors[d][1]!r} (a line starting with '&'); "
                        f"got {raw.strip()!r}.",
                    )
                short.append((raw.lstrip()[1:].strip(), []))
            else:
                if raw.lstrip().startswith("&"):
                    raise MatrixFileError(
                        number, f"driver {descriptors[d][1]!r} has more states than short names for them."
                    )
                short[-1][1].append(raw.strip())
        if position >= len(lines) or not lines[position].strip().startswith("#"):
            raise MatrixFileError(
                min(position + 1, len(lines) + 1),
                "expected '#' after the short names: there are more than states.",
            )
    position += 1

    # Sections 3, 4 (colours) and 5: skipped up to their closing '#'.
    for _ in range(3):
        while True:
            if position >= len(lines):
                raise end("before the cross-impact matrix")
            text = lines[position].strip()
            position += 1
            if text.startswith("#"):
                break

    # Section 6: the matrix.
    size = sum(len(variants) for _, _, variants in descriptors)
    rows: list[tuple[int, ...]] = []
    while True:
        if position >= len(lines):
            if len(rows) < size:
                raise end(f"after {len(rows)} of the matrix's {size} rows")
            break
        text = lines[position].strip()
        number = position + 1
        position += 1
        if text.startswith("#"):
            if len(rows) < size:
                raise MatrixFileError(number, f"the matrix has {len(rows)} rows; there are {size} states.")
            break
        if not text:
            continue
        if len(rows) == size:
            raise MatrixFileError(number, f"the matrix has more rows than the {size} states.")
        rows.append(_row_values(text.split(","), number, len(rows) + 1, size, empty_is_zero=False))

    return CrossImpactMatrix(
        descriptors=tuple(
            Descriptor(
                id=short[d][0] if short else "",
                name=name,
                variants=tuple(
                    Variant(id=short[d][1][v] if short else "", name=variant)
                    for v, variant in enumerate(variants)
                ),
            )
            for d, (_, name, variants) in enumerate(descriptors)
        ),
        impacts=tuple(rows),
        title=title,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_scw(matrix: CrossImpactMatrix) -> bytes:
    """A ScenarioWizard project file of the matrix (Windows-1252, Windows line ends).

    Names and short names are written on one line each (inner line breaks become spaces); the
    colours are white and the explanatory texts empty. :func:`read_scw` reads it back to an equal
    matrix (for names without leading or trailing spaces and within Windows-1252).

    Raises:
        ValueError: a short name starting with '&' or '#', which the format cannot hold.
    """
    for descriptor in matrix.descriptors:
        for short in (descriptor.id, *(v.id for v in descriptor.variants)):
            if _one_line(short)[:1] in ("&", "#"):
                raise ValueError(f"A short name cannot start with '&' or '#': {short!r}.")
    out = [SCW_VERSION_LINE, _one_line(matrix.title)]
    for descriptor in matrix.descriptors:
        out.append("&" + _one_line(descriptor.name))
        out.extend(" -" + _one_line(v.name) for v in descriptor.variants)
    out.append("#")
    for descriptor in matrix.descriptors:
        out.append("&" + _one_line(descriptor.id))
        out.extend(" " + _one_line(v.id) for v in descriptor.variants)
    out += ["#", "#"]
    out.extend(_COLOUR for _ in matrix.labels())
    out += ["#", "#"]
    out.extend(",".join(f"{value:2d} " for value in row) for row in matrix.impacts)
    out += ["#", "# 0-0", '""']
    for descriptor in matrix.descriptors:
        out += ["# " + _one_line(descriptor.id), '""']
    for source in matrix.descriptors:
        for target in matrix.descriptors:
            out += [f"# {_one_line(source.id)} -> {_one_line(target.id)}", '""']
    out += ["#", "#"]
    return ("\r\n".join(out) + "\r\n").encode(SCW_ENCODING, errors="replace")


# ---------------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------------


def _delimiter(first_line: str) -> str:
    return max((",", ";", "\t"), key=first_line.count)


def _groups(labels: list[str], line: int, where: str) -> list[tuple[str, list[int]]]:
    """Consecutive positions under one driver name; a blank cell continues the group before it."""
    groups: list[tuple[str, list[int]]] = []
    for position, label in enumerate(labels):
        name = label.strip()
        if name and (not groups or groups[-1][0] != name):
            groups.append((name, [position]))
        elif groups:
            groups[-1][1].append(position)
        else:
            raise MatrixFileError(line, f"{where} 3 has no driver name.")
    return groups


def read_matrix_csv(data: bytes | str) -> CrossImpactMatrix:
    """Read a cross-impact matrix from CSV (layout in the module docstring); every ``id`` is empty.

    Raises:
        MatrixFileError: fewer than two header rows, fewer than two drivers or a driver with
            fewer than two states, row labels that differ from the column labels, a row with
            too few or too many values, a value that is not a whole number, or too few or too
            many rows. The error carries the line number.
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]))
    numbered = [(reader.line_num, row) for row in reader]
    while numbered and not any(cell.strip() for cell in numbered[-1][1]):
        numbered.pop()
    if len(numbered) < 2:
        raise MatrixFileError(len(numbered) + 1, "expected two header rows: the drivers, then their states.")
    (line_1, drivers_row), (line_2, states_row) = numbered[0], numbered[1]
    width = max(len(drivers_row), len(states_row))
    drivers_row += [""] * (width - len(drivers_row))
    states_row += [""] * (width - len(states_row))
    while width > 2 and not drivers_row[width - 1].strip() and not states_row[width - 1].strip():
        width -= 1
    size = width - 2
    column_groups = _groups(drivers_row[2:width], line_1, "column")
    structure = [
        (line_1, name, [states_row[2 + p].strip() for p in positions]) for name, positions in column_groups
    ]
    _check_structure(structure, line_2)
    columns = [(name, states_row[2 + p].strip()) for name, positions in column_groups for p in positions]

    rows: list[tuple[int, ...]] = []
    current = ""
    for line, cells in numbered[2:]:
        if len(rows) == size:
            raise MatrixFileError(line, f"the matrix has more rows than the {size} states of its columns.")
        cells = [*cells, "", ""][: max(len(cells), 2)]
        driver = cells[0].strip() or current
        if not driver:
            raise MatrixFileError(line, "this row has no driver name in its first column.")
        current = driver
        label = (driver, cells[1].strip())
        if label != columns[len(rows)]:
            raise MatrixFileError(
                line,
                f"row {len(rows) + 1} is labelled {label[0]!r} / {label[1]!r} but column {len(rows) + 1} is "
                f"{columns[len(rows)][0]!r} / {columns[len(rows)][1]!r}: rows and columns must list the same "
                "states in the same order.",
            )
        values = cells[2:]
        while len(values) > size and not values[-1].strip():
            values = values[:-1]
        rows.append(_row_values(values, line, len(rows) + 1, size, empty_is_zero=True))
    if len(rows) < size:
        raise MatrixFileError(
            numbered[-1][0] + 1, f"the matrix has {len(rows)} rows; its columns list {size} states."
        )
    return CrossImpactMatrix(
        descriptors=tuple(
            Descriptor(id="", name=name, variants=tuple(Variant(id="", name=state) for state in variants))
            for _, name, variants in structure
        ),
        impacts=tuple(rows),
    )


def write_matrix_csv(matrix: CrossImpactMatrix) -> bytes:
    """The matrix as CSV (layout in the module docstring), UTF-8 with a byte-order mark.

    Driver names are repeated over each of their columns and rows, so a driver's name must not be
    blank nor the same as the previous driver's (the reader could not tell them apart).

    Raises:
        ValueError: a blank driver name, or two neighbouring drivers of the same name.
    """
    previous = None
    for descriptor in matrix.descriptors:
        name = _one_line(descriptor.name)
        if not name or name == previous:
            raise ValueError(
                f"Driver names must be non-blank and differ from the previous driver's: {name!r}."
            )
        previous = name
    labels = [(_one_line(d.name), _one_line(v.name)) for d, v in matrix.labels()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["", "", *(d for d, _ in labels)])
    writer.writerow(["", "", *(v for _, v in labels)])
    for (driver, state), row in zip(labels, matrix.impacts, strict=True):
        writer.writerow([driver, state, *row])
    return buffer.getvalue().encode("utf-8-sig")
