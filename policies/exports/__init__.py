"""File builders for what leaves the workbench: the Excel workbook and the CSV of judgments.

They read selectors and return bytes; the report service stores them. Participants appear under the name the
exercise's anonymity setting allows a reader outside the room to see.
"""
