# Two commands for a fresh Debian/Ubuntu machine:
#   make run    set everything up, then launch the app
#   make test   set everything up, then run the whole test suite (lint, content check, pytest)
# And for releases:
#   make dist   build the installers for this OS into dist/ (packaging/: wheel, sdist, and on
#               Linux a .deb and a portable .tar.gz; on macOS a .dmg), with SHA256SUMS
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Shared libraries Qt's xcb platform plugin needs (checked with ldd on libqxcb.so).
QT_DEBS := libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
           libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 \
           libxcb-xkb1 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
# What `make dist` needs besides: the Debian package tools and checkers, and every library the
# bundled Qt links to (the Wayland ones too), since the .deb's Depends are worked out from them.
DIST_DEBS := dpkg-dev binutils lintian desktop-file-utils appstream libwayland-client0 \
             libwayland-cursor0
UNAME := $(shell uname -s)

.PHONY: run test setup system-deps lint clean bench screenshots bytecode dist dist-deps \
        test-packaging

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

# The installers' own tests (tests/packaging) run too: they build the wheel, the frozen app and
# the .deb and check them (~2 minutes), so `test` also installs the packaging tools.
test: setup dist-deps $(VENV)/.packaging
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

# -- packaging (packaging/README.md) -------------------------------------------------------------
$(VENV)/.packaging: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[test,packaging]"
	touch $@

dist-deps:
	@$(MAKE) --no-print-directory system-deps QT_DEBS="$(QT_DEBS) $(DIST_DEBS)"

ifeq ($(UNAME),Darwin)
DIST_SETUP := $(VENV)/.installed
else
DIST_SETUP := setup dist-deps
endif

# Everything for this OS, from clean: the wheel and sdist (with the built-in hub, icons and
# search seed inside), the frozen app (PyInstaller), its installers, and SHA256SUMS.
dist: $(DIST_SETUP) $(SEED) $(VENV)/.packaging
	rm -rf dist build/packaging build/pyinstaller
	$(BIN)/python -m build --outdir dist .
	NEXUS_BUILD_DIR=build/packaging $(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
	  --distpath build/pyinstaller --workpath build/packaging/work packaging/nexus-desktop.spec
ifeq ($(UNAME),Darwin)
	packaging/macos/build_dmg.sh "build/pyinstaller/Nexus Desktop.app" dist
else
	$(BIN)/python packaging/linux/build_linux.py --bundle build/pyinstaller/nexus-desktop \
	  --out dist --work build/packaging/linux
endif
	cd dist && rm -f SHA256SUMS && \
	  { command -v sha256sum >/dev/null && sha256sum -- * || shasum -a 256 -- *; } > .sums && \
	  mv .sums SHA256SUMS && cat SHA256SUMS

# Only the installers' own tests (tests/packaging: build the wheel, the frozen app and the
# .deb, install and check them); `make test` runs them with everything else.
test-packaging: setup dist-deps $(VENV)/.packaging
	$(BIN)/python -m pytest tests/packaging

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
