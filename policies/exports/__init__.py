"""File builders for what leaves the workbench: the Excel workbook and the CSV of judgments.

They read selectors and return bytes; the report service stores them. Each is built for one reader's view
(policies.selectors.visibility): the rounds it opens, participants under the label it gives, and a line saying
what is withheld.
"""
