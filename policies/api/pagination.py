"""Limit/offset pagination with the total count, and bounds checked (422) rather than silently clamped."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class Page(PaginationBase):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Number of items across all pages.")
        limit: int
        offset: int

    items_attribute = "items"

    def __init__(self, *, item: Callable[[Any], Any] | None = None, **kwargs: Any) -> None:
        """`item` turns each object of the page into its response form, so only one page is converted."""
        self.item = item
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start, stop = pagination.offset, pagination.offset + pagination.limit
        page = list(queryset[start:stop])
        return {
            "items": [self.item(obj) for obj in page] if self.item else page,
            "count": self._items_count(queryset),
            "limit": pagination.limit,
            "offset": pagination.offset,
        }
