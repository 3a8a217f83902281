"""The one way the REST API pages a list: `limit` and `offset` within bounds a database can take.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from collections.abc import Callable
from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.pagination import paginate as ninja_paginate

MAX_LIMIT = 500
# Far beyond any list the platform holds, and well inside a signed 64-bit integer.
MAX_OFFSET = 1_000_000_000


class PageInput(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} items.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset paging that answers 422 instead of passing a huge number to the database."""

    Input = PageInput  # type: ignore[assignment]  # a narrower Input is the point

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


def paginate(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ninja's `@paginate`, with the bounded limit and offset."""
    return ninja_paginate(BoundedPagination)(view)
