"""The controls dock, driven as a user would: typing in value boxes, dragging sliders, clicking."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6 import QtCore, QtGui, QtWidgets

from phoenix_gui.engine.config import PARADIGMS
from phoenix_gui.params import PARAMS
from phoenix_gui.qt.panels.controls import CONTROL_PARAMS, ControlsPanel, SliderScale
from phoenix_gui.qt.panels.metrics_panel import MetricsPanel


@pytest.fixture
def controls(qtbot):
    panel = ControlsPanel()
    qtbot.addWidget(panel)
    return panel


def type_into(qtbot, box: QtWidgets.QAbstractSpinBox, text: str) -> None:
    """Select the box's text and type over it, then press Enter: what a user does."""
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, QtCore.Qt.Key.Key_Return)


def test_controls_are_generated_from_the_param_specs(controls):
    assert set(controls.rows) == set(CONTROL_PARAMS)
    for name, row in controls.rows.items():
        spec = PARAMS[name]
        factor = 100 if spec.percent else 1
        assert row.box.maximum() == pytest.approx(spec.maximum * factor)
        assert row.label.text().startswith(spec.label)
        if spec.min_exclusive:
            assert row.box.minimum() > spec.minimum * factor
        else:
            assert row.box.minimum() == pytest.approx(spec.minimum * factor)
    assert controls.rows["trust"].box.suffix() == " %"
    assert controls.values()["hours"] == PARAMS["hours"].default
    combo = controls.paradigm_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(PARADIGMS)
    assert "trust-weighted" in PARADIGMS


def test_typing_the_source_example_shows_dhs_82_5_healthy(qtbot, controls):
    metrics = MetricsPanel()
    qtbot.addWidget(metrics)
    controls.valuesPreview.connect(metrics.show_values)
    # The defaults already are the example: move away first so the test can fail.
    controls.set_values({"joins": 40, "leaves": 30, "hours": 2, "trust": 0.5, "compliance": 0.5})
    assert "Critical" in metrics.dhs_label.text()

    type_into(qtbot, controls.rows["joins"].box, "12")
    type_into(qtbot, controls.rows["leaves"].box, "8")
    type_into(qtbot, controls.rows["hours"].box, "24")
    controls.rows["trust"].slider.setValue(95)  # a drag to 95 on the 0–100 % slider
    type_into(qtbot, controls.rows["compliance"].box, "98")

    values = controls.values()
    assert (values["joins"], values["leaves"], values["hours"]) == (12, 8, 24.0)
    assert values["trust"] == pytest.approx(0.95)
    assert values["compliance"] == pytest.approx(0.98)
    assert metrics.dhs_label.text() == "✓ 82.5 % Healthy"
    assert metrics.table.item(5, 0).text() == "0.8333"  # MCR
    assert "MCR = (12 + 8) / 24 = 0.8333 events/h" in metrics.configured_formulas.text()
    assert controls.rows["trust"].box.value() == 95
    # The engine hears the final values, coalesced.
    with qtbot.waitSignal(controls.paramChanged, timeout=1000):
        pass


def test_param_changed_is_rate_limited_and_carries_the_final_value(qtbot, controls):
    previews: list[dict[str, float]] = []
    changes: list[tuple[str, float]] = []
    controls.valuesPreview.connect(previews.append)
    controls.paramChanged.connect(lambda name, value: changes.append((name, value)))
    slider = controls.rows["trust"].slider
    for position in range(1, 61):  # a drag across 60 positions, faster than the timer
        slider.setValue(position)
    assert len(previews) == 60  # the metrics panel sees every position at once
    assert previews[-1]["trust"] == pytest.approx(0.60)
    assert changes == []  # nothing reached the engine yet
    with qtbot.waitSignal(controls.paramChanged, timeout=1000) as blocker:
        pass
    assert blocker.args == ["trust", pytest.approx(0.60)]
    assert changes == [("trust", pytest.approx(0.60))]


def test_step_flushes_pending_changes_before_stepping(qtbot, controls):
    order: list[str] = []
    controls.paramChanged.connect(lambda name, value: order.append(f"{name}={value:g}"))
    controls.stepRequested.connect(lambda: order.append("step"))
    controls.rows["leaves"].slider.setValue(controls.rows["leaves"].scale.to_position(3))
    qtbot.mouseClick(controls.step_button, QtCore.Qt.MouseButton.LeftButton)
    assert order == ["leaves=3", "step"]


def test_slider_and_box_stay_in_sync_both_ways(controls):
    for name, row in controls.rows.items():
        factor = 100 if PARAMS[name].percent else 1
        row.slider.setValue(row.scale.positions // 3)
        expected = row.scale.to_value(row.scale.positions // 3)
        assert row.box.value() == pytest.approx(expected * factor)
        assert controls.values()[name] == pytest.approx(expected)

        target = row.scale.clamp(row.scale.low + 7 * PARAMS[name].step)
        row.box.setValue(target * factor)
        assert controls.values()[name] == pytest.approx(target)
        assert row.slider.value() == row.scale.to_position(target)
        # The slider moved without writing its own (coarser) value back into the box.
        assert row.box.value() == pytest.approx(target * factor)


def test_set_values_clamps_ignores_nan_and_emits_one_preview(qtbot, controls):
    previews: list[dict[str, float]] = []
    changes: list[tuple[str, float]] = []
    controls.valuesPreview.connect(previews.append)
    controls.paramChanged.connect(lambda name, value: changes.append((name, value)))
    before = controls.values()
    controls.set_values(
        {
            "joins": -5,
            "trust": 7.0,
            "hours": 0.0,
            "tasks": 1e12,
            "speed": math.nan,
            "crash_share": -math.inf,
            "w_join": 3.0,  # a parameter the dock does not show: skipped
        }
    )
    values = controls.values()
    assert values["joins"] == 0
    assert values["trust"] == 1.0
    assert values["hours"] > 0
    assert values["tasks"] == PARAMS["tasks"].maximum
    assert values["speed"] == before["speed"]
    assert values["crash_share"] == 0.0
    assert all(math.isfinite(v) for v in values.values())
    assert len(previews) == 1 and previews[0] == values
    controls.flush()
    assert changes == []  # set by the program, not asked by the user: no engine request
    assert controls.rows["trust"].box.value() == 100
    with pytest.raises(KeyError, match="jions"):
        controls.set_values({"jions": 3})


def test_play_step_reset_buttons_emit(qtbot, controls):
    with qtbot.waitSignal(controls.playToggled) as blocker:
        qtbot.mouseClick(controls.play_button, QtCore.Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    assert controls.play_button.text() == "Pause"
    with qtbot.assertNotEmitted(controls.playToggled):
        controls.set_playing(False)
    assert controls.play_button.text() == "Play"
    with qtbot.waitSignal(controls.stepRequested):
        qtbot.mouseClick(controls.step_button, QtCore.Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(controls.resetRequested):
        qtbot.mouseClick(controls.reset_button, QtCore.Qt.MouseButton.LeftButton)


def test_set_actions_lets_one_action_serve_toolbar_and_panel(qtbot, controls):
    play, step, reset = (QtGui.QAction(text, controls) for text in ("Play", "Step", "Reset"))
    play.setCheckable(True)
    controls.set_actions(play, step, reset)
    with qtbot.assertNotEmitted(controls.stepRequested), qtbot.waitSignal(step.triggered):
        qtbot.mouseClick(controls.step_button, QtCore.Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(play.toggled) as blocker:
        qtbot.mouseClick(controls.play_button, QtCore.Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    with qtbot.waitSignal(reset.triggered):
        qtbot.mouseClick(controls.reset_button, QtCore.Qt.MouseButton.LeftButton)


def test_paradigm_and_seed(qtbot, controls):
    with qtbot.waitSignal(controls.paradigmChanged) as blocker:
        controls.paradigm_combo.setCurrentIndex(PARADIGMS.index("agentic"))
    assert blocker.args == ["agentic"]
    with qtbot.assertNotEmitted(controls.paradigmChanged):
        controls.set_paradigm("kubernetes")
    assert controls.paradigm() == "kubernetes"
    with pytest.raises(ValueError, match="paradigm"):
        controls.set_paradigm("mesos")
    with qtbot.waitSignal(controls.paradigmChanged) as blocker:
        controls.paradigm_combo.setCurrentIndex(PARADIGMS.index("trust-weighted"))
    assert blocker.args == ["trust-weighted"]

    seeds: list[int] = []
    controls.seedChanged.connect(seeds.append)
    type_into(qtbot, controls.seed_box, "42")
    assert seeds == [42]  # once, on Enter, not per keystroke
    controls.set_seed(-3)
    assert controls.seed() == 0 and seeds == [42]


@given(
    name=st.sampled_from(CONTROL_PARAMS),
    fraction=st.floats(0, 1),
    raw=st.floats(allow_nan=False, allow_infinity=True),
)
def test_slider_scale_stays_in_range_and_round_trips(name, fraction, raw):
    scale = SliderScale(PARAMS[name])
    position = round(fraction * scale.positions)
    value = scale.to_value(position)
    assert scale.low <= value <= scale.high
    # A position's value maps back to a position with the same value (no drift on sync).
    assert scale.to_value(scale.to_position(value)) == value
    clamped = scale.clamp(raw)
    assert math.isfinite(clamped) and scale.low <= clamped <= scale.high
    PARAMS[name].validate(clamped)  # always acceptable to the engine


def test_closing_sends_a_pending_change_instead_of_losing_it(qtbot, controls):
    changes: list[tuple[str, float]] = []
    controls.paramChanged.connect(lambda name, value: changes.append((name, value)))
    controls.rows["vnodes"].box.setValue(64)
    assert changes == []
    controls.close()
    assert changes == [("vnodes", 64.0)]


def test_typed_value_off_the_slider_grid_is_kept(qtbot, controls):
    # Tasks move in hundreds on the slider, but 1234 is a valid number of tasks.
    type_into(qtbot, controls.rows["tasks"].box, "1234")
    assert controls.values()["tasks"] == 1234
    assert controls.rows["tasks"].box.value() == 1234
    controls.set_values({"tasks": 5678, "hours": 24.25})
    assert controls.values()["tasks"] == 5678
    assert controls.values()["hours"] == 24.25
