# Two commands a new user needs: `make run` and `make test`. Each builds .venv when missing
# and reinstalls only when pyproject.toml changed (the stamp file), so repeat runs start fast.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench package clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/phoenix-flight gui

lint: $(STAMP)
	$(BIN)/ruff check phoenix_gui tests benchmarks packaging docs
	$(BIN)/ruff format --check phoenix_gui tests benchmarks packaging docs

typecheck: $(STAMP)
	$(BIN)/mypy phoenix_gui

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen HYPOTHESIS_PROFILE=ci $(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do \
	  echo "== $$b"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$b --quick || exit 1; done

clean:
	rm -rf build dist .mypy_cache .pytest_cache .ruff_cache

package: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build build.spec
	@du -sh dist/phoenix-flight
