"""Pages of a long table: which rows a page holds, and a plain refusal for a page past the end."""

from __future__ import annotations

from dataclasses import dataclass

from typing_extensions import TypedDict

from caseload.errors import InvalidInputError


class PageFields(TypedDict):
    """Where a page is: its number, how many there are, and the first and last row shown."""

    page: int
    pages: int
    first: int
    last: int


@dataclass(frozen=True)
class Page:
    """Page ``number`` of ``pages`` over ``count`` rows: rows ``start`` to ``start + size``."""

    number: int
    pages: int
    start: int
    size: int

    @classmethod
    def of(cls, count: int, number: int, size: int, what: str) -> Page:
        pages = max(1, -(-count // size))
        if number > pages:
            raise InvalidInputError(
                f"there are only {pages} pages of {what}; choose page 1 to {pages}"
            )
        return cls(number, pages, (number - 1) * size, size)

    def bounds(self, shown: int) -> PageFields:
        """The page's fields for a context: page, pages, and the first and last row shown."""
        return {
            "page": self.number,
            "pages": self.pages,
            "first": self.start + 1 if shown else 0,
            "last": self.start + shown,
        }
