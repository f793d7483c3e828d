"""A small deterministic all-pairs generator: rows that cover every pair of values of any two dimensions."""

from collections.abc import Mapping, Sequence
from itertools import combinations

Pair = tuple[tuple[str, str], tuple[str, str]]


def _pair(names: list[str], first: tuple[str, str], second: tuple[str, str]) -> Pair:
    # Pairs are stored with the earlier dimension first, so lookups do not depend on the order chosen.
    return (first, second) if names.index(first[0]) < names.index(second[0]) else (second, first)


def _best_value(name: str, values: Sequence[str], row: dict[str, str], uncovered: set[Pair], names: list[str]) -> str:
    """The value that covers most new pairs with the row so far, then the one with most pairs still open."""

    def score(value: str) -> tuple[int, int]:
        gain = sum(1 for other in row.items() if _pair(names, (name, value), other) in uncovered)
        pending = sum(1 for pair in uncovered if (name, value) in pair)
        return gain, pending

    return max(values, key=score)


def all_pairs(dimensions: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """Greedy all-pairs: each new row covers as many still-uncovered pairs as it can; ties go to the earliest."""
    names = list(dimensions)
    uncovered: set[Pair] = {
        ((a, va), (b, vb)) for a, b in combinations(names, 2) for va in dimensions[a] for vb in dimensions[b]
    }
    rows: list[dict[str, str]] = []
    while uncovered:
        row: dict[str, str] = {}
        for name in names:
            row[name] = _best_value(name, dimensions[name], row, uncovered, names)
        covered = {pair for pair in uncovered if all(row[dim] == value for dim, value in pair)}
        if not covered:  # a greedy pick always covers an open pair; never loop forever
            raise AssertionError("pairwise generation made no progress")
        uncovered -= covered
        rows.append(row)
    return rows
