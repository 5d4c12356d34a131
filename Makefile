# plan-extract: the two commands. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test chromium schema bench eval eval-producers server clean

setup: $(STAMP)

# uv comes from the package registry when the machine has none; the lock file fixes every version.
# Bytecode is compiled at install: a command then imports Prefect, pyarrow and spaCy from .pyc files
# instead of compiling them in every process (where PYTHONDONTWRITEBYTECODE is set, or the
# environment is read-only, Python never caches them itself).
.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

$(STAMP): pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $(STAMP)

run: setup
	$(BIN)/plan-extract run samples --out outputs

test: setup chromium
	$(BIN)/python -m pytest -q

# The report tests look at report.html in headless Chromium: Debian's package when the machine has none.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	    SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	    echo "installing chromium (apt-get) for the report tests"; \
	    $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium >/dev/null; }

# Speed and memory against the parse floor; N generated plans on top of the samples and real-world files.
N ?= 50
bench: setup
	$(BIN)/python benchmarks/bench.py $(N)

# Accuracy: per-field F1 per document over the samples, the generated corpus (every format) and the
# real plans and inspection reports in ../shared/realworld, each through the real flow.
eval: setup
	$(BIN)/python benchmarks/eval.py
	$(BIN)/python benchmarks/producers.py

# The generated corpus remade by other producers (headless Chromium printing web pages, LibreOffice
# exporting and re-saving Word and Excel files), scored against the same gold; about 2 minutes, also
# run by `make eval`.
eval-producers: setup
	$(BIN)/python benchmarks/producers.py

schema: setup
	$(BIN)/plan-extract schema --out schemas/document.schema.json

# A long-running Prefect server for deployments (serve, prefect.yaml) and the UI on http://127.0.0.1:4200
server: setup
	$(BIN)/prefect server start --host 127.0.0.1 --port 4200

clean:
	rm -rf outputs .pytest_cache
