"""Disclosure control: the one set of rules for every figure shown to a restricted audience.

**Primary suppression.** A count of people or cases from 1 to ``threshold - 1`` (default 1 to 4)
is shown as ``c`` (DfE's symbol for suppressed). Zero is shown: it discloses nothing about a
person.

**Derived figures.** A figure built from a group (its FTE, workload points, caseload, a rate or a
share) is hidden whenever any count it is built from is hidden, so that ``points = 3.0`` never
gives away ``cases = 3``.

**Complementary suppression.** Shown figures often add up: a team's case holders are its red,
amber and green workers; a service area is the sum of its teams; the council is the sum of its
service areas. Each such relation is a :class:`Sum` (``total = part + part + ...``), and a hidden
figure must not be recoverable from the shown ones. The algorithm, repeated to a fixed point:

1. hide every figure derived from a hidden figure;
2. for each sum with exactly one hidden cell (which subtraction would recover), hide one more:
   the smallest non-zero shown part (ties: the earliest listed), else the total if it is non-zero,
   else a zero part, else a zero total;
3. when no sum has a single hidden cell, solve the sums as a system of linear equations over the
   hidden cells (exact fractions), which finds any hidden cell recoverable by combining several
   sums (subtracting one table's row from another's); for each such non-zero cell hide the
   smallest non-zero shown cell of a sum it is in, and start again.

Each round hides at least one more cell, so it ends; the result depends only on the values and
the order the sums are given in, so every page built from the same figures hides the same cells.
Cells that a page never shows (``unpublished``) count as hidden but are never reported as
suppressed. Cells published in full elsewhere (``kept``: the council's own totals, which DfE
publishes) are never hidden; the complementary cells are then found among the others.

**Pseudonyms.** Where a role sees rows about people without their names (the performance
analyst), each person is a keyed pseudonym: HMAC-SHA256, under the installation's secret, of the
kind of record, the council and a stable natural key (staff number, child reference), written
as a letter for the kind and 8 characters of Crockford's base 32 (40 bits), e.g. ``W-7F3K9Q2M``.
The same secret always gives the same pseudonym, so pages and exports can be linked over time;
without the secret it cannot be recomputed from guessed staff numbers, and it never carries a
database id."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Generic, TypeVar

from caseload.errors import InvalidInputError

SUPPRESSED = "c"
DEFAULT_THRESHOLD = 5
# Crockford's base 32: digits and capitals without I, L, O and U (nothing to misread).
PSEUDONYM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PSEUDONYM_CHARS = 8
PSEUDONYM_PREFIXES = {"worker": "W", "child": "C", "family": "F", "involvement": "I"}

K = TypeVar("K", bound=Hashable)
Shown = int | float | str | None


def check_publication_day(as_at: date, data_date: date, *, suppressed: bool) -> None:
    """Suppressed figures are published for the data date only. Protected again for another day,
    the same figures could hide different cells, and the cells shown on one day would give away
    those hidden on another; a request for another day is refused."""
    if suppressed and as_at != data_date:
        raise InvalidInputError(
            "figures with small numbers hidden are published for the data date, "
            f"{data_date.isoformat()}, only; remove the date from the address to see them"
        )


def is_small(value: float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True for a count that primary suppression hides: from 1 to ``threshold - 1``."""
    return value is not None and 0 < value < threshold


def suppress_count(value: int | None, threshold: int = DEFAULT_THRESHOLD) -> int | str | None:
    """A count on its own (no totals beside it): 1 to ``threshold - 1`` becomes ``c``."""
    return SUPPRESSED if is_small(value, threshold) else value


@dataclass(frozen=True)
class Sum(Generic[K]):
    """``total`` equals the sum of ``parts``."""

    total: K
    parts: tuple[K, ...]

    @property
    def cells(self) -> tuple[K, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Protection(Generic[K]):
    """The outcome: ``hidden`` cells (shown as ``c``), of which ``primary`` are small counts;
    the rest are hidden as derived figures or to protect them."""

    hidden: frozenset[K]
    primary: frozenset[K]

    def show(self, cell: K, value: Shown) -> Shown:
        """``value`` as shown: ``c`` when ``cell`` is hidden."""
        return SUPPRESSED if cell in self.hidden else value


@dataclass
class Grid(Generic[K]):
    """Figures shown together (one page, or pages whose figures can be combined), with how they
    add up. Build with :meth:`count`, :meth:`figure` and :meth:`add_sum`, then :meth:`protect`."""

    values: dict[K, float] = field(default_factory=dict)
    counts: set[K] = field(default_factory=set)
    sources: dict[K, tuple[K, ...]] = field(default_factory=dict)
    unpublished: set[K] = field(default_factory=set)
    kept: set[K] = field(default_factory=set)
    sums: list[Sum[K]] = field(default_factory=list)

    def count(self, cell: K, value: int, *, published: bool = True) -> None:
        """A count of people or cases (subject to primary suppression)."""
        self.values[cell] = value
        self.counts.add(cell)
        if not published:
            self.unpublished.add(cell)

    def keep(self, cell: K) -> None:
        """A cell always shown (published in full elsewhere): never hidden."""
        self.kept.add(cell)

    def figure(self, cell: K, value: float | None, *, of: Iterable[K] = ()) -> None:
        """A figure built from the counts (or figures) ``of``: hidden when any of them is."""
        self.values[cell] = 0.0 if value is None else float(value)
        self.sources[cell] = tuple(of)

    def add_sum(self, total: K, parts: Iterable[K]) -> None:
        """``total`` = the sum of ``parts`` (cells already added)."""
        chosen = tuple(parts)
        for cell in (total, *chosen):
            if cell not in self.values:
                raise KeyError(f"cell {cell!r} is not in the grid")
        self.sums.append(Sum(total, chosen))

    def add_sum_if_exact(self, total: K, parts: Iterable[K], *, within: float = 1e-6) -> bool:
        """Add the sum only when its cells are in the grid and their values add up (to
        ``within``: the rounding of figures shown to 1 decimal place lets an onlooker subtract
        to about that); True if added."""
        chosen = tuple(parts)
        if any(cell not in self.values for cell in (total, *chosen)):
            return False
        if abs(self.values[total] - sum(self.values[p] for p in chosen)) > within:
            return False
        self.add_sum(total, chosen)
        return True

    def protect(self, threshold: int = DEFAULT_THRESHOLD) -> Protection[K]:
        primary = frozenset(
            cell for cell in self.counts if is_small(self.values[cell], threshold)
        ) - frozenset(self.unpublished | self.kept)
        hidden = protect(
            self.values,
            sums=self.sums,
            start=primary | self.unpublished,
            sources={k: v for k, v in self.sources.items() if k not in self.kept},
            kept=self.kept,
        )
        return Protection(frozenset(hidden - self.unpublished), primary)


def protect(
    values: Mapping[K, float],
    *,
    sums: Sequence[Sum[K]],
    start: Iterable[K],
    sources: Mapping[K, Sequence[K]] | None = None,
    kept: Iterable[K] = (),
) -> set[K]:
    """The cells to hide: ``start`` (small counts and unpublished cells), the figures derived from
    hidden cells, and enough complementary cells that no hidden non-zero cell can be worked out
    from the shown ones through ``sums`` (see the module's description)."""
    hidden = set(start)
    derived = dict(sources or {})
    order = {cell: index for index, cell in enumerate(values)}
    fixed = frozenset(kept)
    while True:
        _hide_derived(hidden, derived)
        changed = False
        for relation in sums:
            if sum(1 for cell in relation.cells if cell in hidden) == 1:
                extra = _complement(relation, hidden | fixed, values, order)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
                    _hide_derived(hidden, derived)
        if changed:
            continue
        for cell in determined(hidden, sums, order):
            if values[cell] == 0:
                continue
            extra = _complement_for(cell, hidden, fixed, sums, values, order)
            if extra is not None:
                hidden.add(extra)
                changed = True
                break
        if not changed:
            return hidden


def _hide_derived(hidden: set[K], derived: Mapping[K, Sequence[K]]) -> None:
    grew = True
    while grew:
        grew = False
        for cell, of in derived.items():
            if cell not in hidden and any(source in hidden for source in of):
                hidden.add(cell)
                grew = True


def _complement(
    relation: Sum[K], hidden: set[K], values: Mapping[K, float], order: Mapping[K, int]
) -> K | None:
    """The second cell to hide in a sum with one hidden cell."""
    shown_parts = [cell for cell in relation.parts if cell not in hidden]
    non_zero = [cell for cell in shown_parts if values[cell] != 0]
    if non_zero:
        return min(non_zero, key=lambda cell: (abs(values[cell]), order[cell]))
    total = relation.total
    if total not in hidden and values[total] != 0:
        return total
    if shown_parts:
        return min(shown_parts, key=lambda cell: order[cell])
    return None if total in hidden else total


def _complement_for(
    cell: K,
    hidden: set[K],
    fixed: frozenset[K],
    sums: Sequence[Sum[K]],
    values: Mapping[K, float],
    order: Mapping[K, int],
) -> K | None:
    """A shown non-zero cell to hide so that ``cell`` (recoverable by combining sums) is not:
    the smallest in a sum that holds ``cell``, else in any sum with a hidden cell."""
    near = [relation for relation in sums if cell in relation.cells]
    far = [relation for relation in sums if any(c in hidden for c in relation.cells)]
    for group in (near, far):
        candidates = [
            other
            for relation in group
            for other in relation.cells
            if other not in hidden and other not in fixed and values[other] != 0
        ]
        if candidates:
            return min(candidates, key=lambda other: (abs(values[other]), order[other]))
    return None


def determined(hidden: set[K], sums: Sequence[Sum[K]], order: Mapping[K, int]) -> list[K]:
    """Hidden cells whose value follows from the shown cells and the sums: those whose unit
    vector lies in the row space of the sums' coefficients on the hidden cells (reduced row
    echelon form in exact fractions)."""
    pivots: dict[K, dict[K, Fraction]] = {}
    for relation in sums:
        row: dict[K, Fraction] = {}
        for cell, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if cell in hidden:
                row[cell] = row.get(cell, Fraction(0)) + sign
        row = {cell: value for cell, value in row.items() if value}
        for pivot in [cell for cell in row if cell in pivots]:
            factor = row.get(pivot)
            if factor:
                _subtract(row, pivots[pivot], factor)
        if not row:
            continue
        pivot = min(row, key=lambda cell: order.get(cell, len(order)))
        scale = row[pivot]
        row = {cell: value / scale for cell, value in row.items()}
        for other in pivots.values():
            factor = other.get(pivot)
            if factor:
                _subtract(other, row, factor)
        pivots[pivot] = row
    found = [pivot for pivot, row in pivots.items() if len(row) == 1]
    return sorted(found, key=lambda cell: order.get(cell, len(order)))


def _subtract(row: dict[K, Fraction], other: Mapping[K, Fraction], factor: Fraction) -> None:
    for cell, value in other.items():
        updated = row.get(cell, Fraction(0)) - factor * value
        if updated:
            row[cell] = updated
        else:
            row.pop(cell, None)


def pseudonym(secret: bytes, kind: str, authority: str, key: str) -> str:
    """The keyed pseudonym of a record: ``kind`` (worker, child, family...), the council's code
    and the record's natural key, under ``secret``. E.g. ``W-7F3K9Q2M``."""
    if not secret:
        raise ValueError("a pseudonym needs a secret key")
    message = f"{kind}\x1f{authority}\x1f{key}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")  # 40 bits: 8 characters of 5 bits
    chars = "".join(
        PSEUDONYM_ALPHABET[(number >> shift) & 31]
        for shift in range(5 * (PSEUDONYM_CHARS - 1), -1, -5)
    )
    prefix = PSEUDONYM_PREFIXES.get(kind, kind[:1].upper() or "X")
    return f"{prefix}-{chars}"
