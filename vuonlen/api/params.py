"""Bounds for every parameter the API takes, so that no value reaches the database that the
database cannot hold (a page number of 10**20 gave SQLite's "datatype mismatch" and a 500):
out of bounds is a 422 naming the field."""

from typing import Annotated

from pydantic import AfterValidator, Field

from vuonlen.core.years import YEAR_MAX, YEAR_MIN  # noqa: F401 (the routers take the bounds from here)

# Ids: JSON-safe integers, within both databases' bigint.
MAX_ID = 2**53 - 1
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100  # rows a page of the keyset lists (vuonlen.api.keyset)
MAX_SEARCH = 100


def _printable(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no search needs control characters.
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("không được chứa ký tự điều khiển")
    return value


SearchText = Annotated[str, Field(max_length=MAX_SEARCH), AfterValidator(_printable)]
