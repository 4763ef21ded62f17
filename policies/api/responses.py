"""Declared error responses, so the OpenAPI document lists every status an endpoint may answer with."""

from policies.api.errors import ErrorOut


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error body for each of `codes`, plus 500 (which every endpoint may answer, with the same body)."""
    return {code: ErrorOut for code in (*codes, 500)}
