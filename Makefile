# make       virtualenv, dependencies and validators, then every edition of manuscript/ into
#            output/; the build runs EPUBCheck, DAISY Ace and axe-core on its EPUB and writes
#            their verdicts into the accessibility report (a failing check fails the build)
# make test  the same, then the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Reproducible builds: files are dated from the last commit, not from the clock.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
export SOURCE_DATE_EPOCH

.PHONY: all build test system validators validators-system clean
all: build

# Installs the Debian packages in $$missing with apt-get when we are root; otherwise one line
# says what to install. $(1): what they are for.
define apt_install
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "installing system packages: $$missing"; \
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) >/dev/null; \
  else \
    echo "missing system packages$(1); run: sudo apt-get install $$missing" >&2; exit 1; \
  fi; \
fi
endef

# System libraries WeasyPrint needs (Pango, HarfBuzz subsetting): installed with apt-get
# when we are root, otherwise a one-line message says what to install.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
system:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: install python3.11 (or set PYTHON=...)")'
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	$(call apt_install,)

$(STAMP): pyproject.toml | system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP) validators
	$(BIN)/python publish.py manuscript -o output

# DAISY Ace, the EPUB accessibility checker, run by every build for its report; its axe-core
# and puppeteer-core also run quire/axe_run.js (WCAG 2.2 A and AA, target size included).
# Ace is a Node program that drives a headless Chromium: Chromium and Node come from Debian
# (apt-get when we are root, otherwise a one-line message says what to install); Ace itself,
# pinned, from npm into .tools/ace, where quire/validate.py looks for it. Puppeteer must not
# download a browser of its own (only the PyPI, Debian and npm registries are reachable).
# The stamp, named after the version, makes a second `make` skip the install.
ACE_VERSION := 1.4.6
ACE_DIR     := .tools/ace
ACE_STAMP   := $(ACE_DIR)/.installed-$(ACE_VERSION)
# Ace runs this Chromium (the same variable, from the environment, tells quire/validate.py).
QUIRE_CHROMIUM ?= /usr/bin/chromium

# Checked on every `make` (cheap); nodejs's own npm counts, Debian's npm only if missing.
validators-system:
	@missing=$$( [ -x "$(QUIRE_CHROMIUM)" ] || echo chromium; \
	  command -v node >/dev/null || echo nodejs; command -v npm >/dev/null || echo npm); \
	missing=$$(echo $$missing); \
	$(call apt_install, for DAISY Ace)

# package.json is generated here, with the exact version (no range).
$(ACE_STAMP): | validators-system
	rm -rf $(ACE_DIR) && mkdir -p $(ACE_DIR)
	printf '{"name": "quire-ace", "private": true, "dependencies": {"@daisy/ace-cli": "%s"}}\n' \
	  $(ACE_VERSION) > $(ACE_DIR)/package.json
	cd $(ACE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
	  npm install --no-audit --no-fund --loglevel=error
	touch $@

validators: $(ACE_STAMP)

test: build
	$(BIN)/python -m pytest

clean:
	rm -rf output $(VENV) .pytest_cache $(ACE_DIR)
