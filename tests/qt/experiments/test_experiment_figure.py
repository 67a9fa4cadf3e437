"""ExperimentFigure: rows added batch by batch, in any order, draw exactly what the whole table
drawn at once does (per-cell statistics, curves, dots, heatmap grids), items kept in place."""

from __future__ import annotations

import random

import numpy as np
import pytest

from phoenix_gui.experiments.design import Design, parse_vary
from phoenix_gui.experiments.stats import cell_stats
from phoenix_gui.experiments.table import Row
from phoenix_gui.qt.experiments.figure import ExperimentFigure

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
METRIC = "obs_dhs"


def _rows(design: Design) -> list[Row]:
    rnd = random.Random(7)
    rows = []
    for cell, values in enumerate(design.cells()):
        for rep in range(design.replicates):
            failed = rnd.random() < 0.1
            row = {"cell": str(cell), "replicate": str(rep), "seed": str(rep),
                   "error": "RuntimeError: boom" if failed else "",
                   METRIC: "" if failed else repr(rnd.uniform(0.0, 1.0))}  # fmt: skip
            row.update({n: str(v) for n, v in zip(design.names, values, strict=True)})
            rows.append(row)
    return rows


def _in_batches(qtbot, design: Design, rows: list[Row]) -> ExperimentFigure:
    figure = ExperimentFigure()
    qtbot.addWidget(figure)
    figure.set_design(design, [METRIC])
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    for i in range(0, len(shuffled), 7):
        figure.add_rows(shuffled[i : i + 7])
    return figure


def _at_once(qtbot, design: Design, rows: list[Row]) -> ExperimentFigure:
    figure = ExperimentFigure()
    qtbot.addWidget(figure)
    figure.set_design(design, [METRIC])
    figure.set_rows(rows)
    return figure


def test_a_line_built_row_by_row_equals_the_whole_table(qtbot) -> None:
    design = Design((parse_vary("vnodes=1,2,4,8,16,32,64,128"),), 6, 1)
    rows = _rows(design)
    batched, whole = _in_batches(qtbot, design, rows), _at_once(qtbot, design, rows)
    expected = {s.cell: s for s in cell_stats(rows, design.names, METRIC)}
    assert batched.stats[METRIC] == whole.stats[METRIC] == expected
    curves = batched._curves[0]
    for mine, theirs in zip(curves, whole._curves[0], strict=True):
        xs, ys = mine.getData()
        xs2, ys2 = theirs.getData()
        assert np.array_equal(xs, xs2) and np.array_equal(ys, ys2)
    # One dot per run with a value (failed runs have none), each carrying its run.
    with_value = {(int(r["cell"]), int(r["replicate"])) for r in rows if not r["error"]}
    dots = {tuple(p.data()) for p in batched.scatters[0].points()}
    assert dots == with_value == {tuple(p.data()) for p in whole.scatters[0].points()}
    for cell in expected:
        assert batched.typical_replicate(METRIC, cell) == whole.typical_replicate(METRIC, cell)
        assert batched.describe_cell(METRIC, cell) == whole.describe_cell(METRIC, cell)


def test_heatmaps_built_row_by_row_equal_the_whole_table(qtbot) -> None:
    design = Design((parse_vary("vnodes=1,10,100"), parse_vary("tasks=500,1000,2000,4000")), 4, 1)
    rows = _rows(design)
    batched, whole = _in_batches(qtbot, design, rows), _at_once(qtbot, design, rows)
    images = [batched.images[0], batched.images[1]]  # made once, updated in place
    for k in range(2):
        a, b = batched.images[k].image, whole.images[k].image
        assert a.shape == (3, 4)
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=0, atol=0)
    batched.add_rows([])  # nothing new: nothing changes
    assert batched.images == images


def test_set_rows_forgets_what_was_drawn_before(qtbot) -> None:
    design = Design((parse_vary("vnodes=1,10"),), 3, 1)
    rows = _rows(design)
    figure = _in_batches(qtbot, design, rows)
    figure.set_rows(rows[:2])
    assert len(figure.scatters[0].points()) == sum(1 for r in rows[:2] if not r["error"])
    assert set(figure.stats[METRIC]) == {0}
