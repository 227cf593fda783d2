# Two commands for a fresh Debian/Ubuntu machine:
#   make run    set everything up, then launch the app
#   make test   set everything up, then run the whole test suite (lint, content check, pytest)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Shared libraries Qt's xcb platform plugin needs (checked with ldd on libqxcb.so).
QT_DEBS := libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
           libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 \
           libxcb-xkb1 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core

.PHONY: run test setup system-deps lint clean bench screenshots bytecode

SEED := nexus_desktop/data/search-seed/meta.json

run: setup $(SEED) bytecode
	$(BIN)/nexus-desktop $(ARGS)

# Compiled modules, as an installed package has them: where PYTHONDONTWRITEBYTECODE is set,
# Python would otherwise compile every module of the app again at each start.
bytecode:
	$(BIN)/python -m compileall -q nexus_desktop

# The built-in hub's search index, prebuilt so that search works at the first launch.
$(SEED): $(shell find content -type f 2>/dev/null) $(VENV)/.installed
	$(BIN)/python -m nexus_desktop.search.seed

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/nexus-desktop validate --quiet content
	$(BIN)/python -m pytest

setup: system-deps $(VENV)/.installed

system-deps:
	@missing=""; for p in $(QT_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if ! $(PYTHON) -c "import venv, ensurepip" >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

bench: setup $(SEED) bytecode
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
