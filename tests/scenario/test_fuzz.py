"""Fuzzing the loader: whatever the input, only ScenarioError comes out.

(How fast it refuses is bounded by the loader's caps on size, nodes and depth, tested in
test_loading; wall-clock time is measured in benchmarks, never asserted in a unit test.)
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from phoenix_gui.scenario import ScenarioError, loads_scenario
from phoenix_gui.scenario.loading import validate_data
from phoenix_gui.scenario.yamlsafe import load_bytes

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = [p.read_bytes() for p in sorted((ROOT / "scenarios").glob("*.yaml"))]

# Characters that matter to YAML, so random text reaches deep into the parser.
YAML_ALPHABET = st.sampled_from([*":-[]{},&*!|>'\"#%@`?\n \t.0123456789abcxyz_\\", "\x00"])


def _load_bytes(data: bytes) -> None:
    try:
        validate_data(load_bytes(data, "fuzz.yaml"))
    except ScenarioError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml" and problem.line >= 1 and problem.column >= 1
            assert "\n" not in problem.message


def _load_text(text: str) -> None:
    try:
        loads_scenario(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert all(str(p).startswith("fuzz.yaml:") for p in exc.problems)


@given(st.text())
def test_arbitrary_text(text: str) -> None:
    _load_text(text)


@given(st.text(YAML_ALPHABET, max_size=400))
def test_yaml_flavoured_text(text: str) -> None:
    _load_text(text)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _load_bytes(data)


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(BUNDLED)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "splice"]))
        pos = draw(st.integers(0, len(data)))
        if kind == "flip" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        else:  # copy a chunk of the file elsewhere: duplicated keys, odd indentation
            start = draw(st.integers(0, len(data)))
            data[pos:pos] = data[start : start + draw(st.integers(1, 80))]
    return bytes(data)


@settings(max_examples=200)
@given(_mutated())
def test_mutations_of_the_bundled_lessons(data: bytes) -> None:
    _load_bytes(data)


@given(
    st.sampled_from(BUNDLED),
    st.integers(0, 400),
    st.sampled_from(["*x", "&x", "!!python/name:os.system", "<<: {}", "{", "\ufeff", "- ", "  "]),
)
def test_yaml_features_spliced_into_the_lessons(data: bytes, at: int, snippet: str) -> None:
    text = data.decode("utf-8")
    pos = min(at * 10, len(text))
    _load_text(text[:pos] + snippet + text[pos:])
