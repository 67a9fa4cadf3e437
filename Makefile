# Two commands a new user needs: `make run` and `make test`. Each builds .venv when missing
# and reinstalls only when pyproject.toml changed (the stamp file), so repeat runs start fast.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench package clean

$(STAMP): pyproject.toml
	@echo "== First-run set-up: creating $(VENV) and installing PhoenixFlight with its tools"
	@echo "   (PySide6, pyqtgraph, numpy, pydantic, dask, pytest, mypy, ruff, PyInstaller)."
	@echo "   This takes about 20 s with a warm pip cache, a few minutes on a fresh machine;"
	@echo "   it runs again only when pyproject.toml changes."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "== [1/2] upgrading pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "== [2/2] installing the project and its dependencies (the long part)"
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)
	@echo "== Set-up done. The command line is $(BIN)/phoenix-flight (or: source $(BIN)/activate)."

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

# Every folder the targets above generate (the venv stays: `rm -rf .venv` to start over).
clean:
	rm -rf build dist scratch .mypy_cache .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

package: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build build.spec
	@du -sh dist/phoenix-flight
