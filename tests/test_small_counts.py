"""The small-count rule of the figures that leave a school: counts under 5 are hidden, and no hidden count can
be worked out again from the totals published beside it."""

from __future__ import annotations

import itertools
import random

from bot.domain.stats import SMALL_COUNT, hidden_cells


def _recoverable(grid: list[list[int]], hidden: set[tuple[int, int]], groups: list[list[int]]) -> bool:
    """Whether some hidden cell is the only hidden one of a line whose total is known."""
    lines = [[(r, c) for r in range(len(grid))] for c in range(len(grid[0]))]
    lines += [[(r, c) for c in group] for group in groups for r in range(len(grid))]
    return any(sum(cell in hidden for cell in line) == 1 for line in lines)


def test_small_counts_are_hidden_and_a_second_cell_guards_each_line() -> None:
    grid = [[3, 10, 0], [12, 2, 7], [20, 30, 40]]
    hidden = hidden_cells(grid)
    assert {(0, 0), (1, 1)} <= hidden
    assert (0, 2) not in hidden  # a zero names nobody
    assert not _recoverable(grid, hidden, [])


def test_row_groups_are_guarded_too() -> None:
    grid = [[2, 30, 40, 72], [10, 20, 30, 60]]  # father, mother, both, total
    hidden = hidden_cells(grid, row_groups=[[0, 1, 2, 3]])
    assert (0, 0) in hidden and not _recoverable(grid, hidden, [[0, 1, 2, 3]])


def test_random_tables_never_leave_a_hidden_count_alone_in_a_line() -> None:
    rng = random.Random(7)
    for _ in range(300):
        rows, cols = rng.randint(1, 6), rng.randint(1, 5)
        grid = [[rng.choice((0, 1, 2, 4, 5, 9, 30)) for _ in range(cols)] for _ in range(rows)]
        groups = [list(range(cols))] if cols > 1 else []
        hidden = hidden_cells(grid, row_groups=groups)
        for r, c in itertools.product(range(rows), range(cols)):
            if 0 < grid[r][c] < SMALL_COUNT:
                assert (r, c) in hidden
            if grid[r][c] == 0:
                assert (r, c) not in hidden
        lines = [[(r, c) for r in range(rows)] for c in range(cols)]
        lines += [[(r, c) for c in g] for g in groups for r in range(rows)]
        for line in lines:
            inside = [cell for cell in line if cell in hidden]
            nonzero_left = [cell for cell in line if cell not in hidden and grid[cell[0]][cell[1]] > 0]
            # A single hidden count stays alone only where nothing else in the line could guard it: then its
            # line's other cells are all zero, and the line's total is itself under 5 (hidden where published).
            assert len(inside) != 1 or not nonzero_left, (grid, hidden, line)
