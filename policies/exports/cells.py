"""What people typed, made safe for a spreadsheet cell: the CSV and the workbook both write through here.

A staff officer opens these files in Excel or LibreOffice. Text that begins like a formula must stay text
(an option named ``=HYPERLINK("http://...")`` would otherwise be a live link in the workbook), and control
characters go (openpyxl refuses most of them, so one rationale holding a bell would stop the whole export).
"""

from collections.abc import Iterable

from openpyxl.cell.cell import TYPE_FORMULA, TYPE_STRING
from openpyxl.worksheet.worksheet import Worksheet

from policies.control_characters import without_control_characters

# What makes a spreadsheet read a CSV field as a formula (OWASP's list; tabs and carriage returns are already
# gone with the control characters).
FORMULA_STARTS = ("=", "+", "-", "@")


def csv_field(value: object) -> object:
    """A CSV field: text without control characters; text beginning like a formula (perhaps after spaces) gets
    a leading apostrophe, which spreadsheets show as text. Numbers and dates pass unchanged."""
    if not isinstance(value, str):
        return value
    text = without_control_characters(value)
    if text.lstrip(" \n").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append a row to a workbook sheet: every text a string cell (never a formula), without control
    characters; numbers stay numbers. The workbook holds no formula of ours, so none is lost."""
    sheet.append([without_control_characters(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == TYPE_FORMULA:  # openpyxl takes any text beginning with "=" for a formula
            cell.data_type = TYPE_STRING
