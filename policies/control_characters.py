"""Control characters in text people typed, removed before the text leaves the workbench.

A bell or an escape has no business in a chart label or a spreadsheet cell, and some outputs refuse them
outright: openpyxl raises on most of C0, so one rationale holding ``\\x07`` would stop a whole workbook. The
inputs keep what was typed (only NUL, which PostgreSQL cannot store, is refused there); every output that
carries user text asks this module.
"""

import re

# C0 except tab and the line breaks, DEL, and C1: nothing a reader needs to see.
_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("\r\n?")


def without_control_characters(text: str) -> str:
    """``text`` with line breaks written as ``\\n``, tabs as spaces and every other control character removed.

    Letters, marks and format characters (bidirectional marks among them) are kept: they belong to names in
    scripts written right to left.
    """
    return _DROPPED.sub("", _LINE_BREAK.sub("\n", text).replace("\t", " "))
