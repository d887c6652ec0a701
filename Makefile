# Two commands for a newcomer: `make run` and `make test` (README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
CHROMIUM ?= /usr/lib/chromium/chromium
AXE_CORE := axe-core@4.14.1
LIGHTHOUSE := lighthouse@12.8.2
export FLASK_APP := app

.PHONY: production run test test-only setup dev-setup translations messages db chromium icu lint clean axe lighthouse

$(VENV)/.runtime: requirements.txt
	@$(MAKE) --no-print-directory icu
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.runtime translations

dev-setup: $(VENV)/.dev translations axe

# axe-core for the accessibility browser tests, into a git-ignored node_modules (no package.json needed).
axe:
	@test -f node_modules/axe-core/axe.min.js || { command -v npm >/dev/null || { \
	  echo "The accessibility tests need npm (apt-get install -y npm) to fetch $(AXE_CORE)."; exit 1; }; \
	  npm install --no-save --no-audit --no-fund $(AXE_CORE); }

# Lighthouse for benchmarks/lighthouse.py (optional; installed together with axe-core so neither prunes the other).
lighthouse:
	@test -f node_modules/lighthouse/cli/index.js -a -f node_modules/axe-core/axe.min.js || \
	  npm install --no-save --no-audit --no-fund $(AXE_CORE) $(LIGHTHOUSE)

translations: $(VENV)/.runtime
	@$(BIN)/pybabel compile -d handbook/translations 2>/dev/null || $(BIN)/pybabel compile -d handbook/translations

# After changing user-visible strings: refresh the English catalogue, then fill in what tests/core/test_i18n.py lists.
# (`_l` is lazy_gettext; the default keywords already cover gettext, _ and ngettext with its plural.)
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/handbook-messages.pot . >/dev/null
	$(BIN)/pybabel update -i /tmp/handbook-messages.pot -d handbook/translations --no-wrap --ignore-obsolete
	@rm -f /tmp/handbook-messages.pot

db: setup
	$(BIN)/flask db upgrade

run: db
	$(BIN)/flask seed-demo --if-empty
	@echo ""
	@echo "  Sổ tay đảng viên điện tử: http://$(HOST):$(PORT)"
	@echo "  Tài khoản demo (mật khẩu Demo@2026): admin@demo.vn · bithu@demo.vn · dangvien@demo.vn · canbo@demo.vn"
	@echo "  Tiến trình nền (nhắc lịch, gửi thông báo) chạy cùng máy chủ; dừng cả hai bằng Ctrl+C."
	@echo ""
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) sh scripts/run.sh

# Production: migrations once, gunicorn (gunicorn.conf.py) and WORKERS background workers (README).
production: setup
	@BIN=$(BIN) sh scripts/production.sh

# PyICU (Vietnamese name collation) builds against the system's ICU with a C++ compiler.
icu:
	@if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v g++ >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Cài ICU cho PyICU (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libicu-dev pkg-config g++ >/dev/null; \
	  else \
	    echo "PyICU needs the ICU development files, pkg-config and a C++ compiler."; \
	    echo "Install them as root: apt-get install -y --no-install-recommends libicu-dev pkg-config g++"; \
	    echo "then run 'make' again."; \
	    exit 1; \
	  fi; \
	fi

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Cài Chromium cho kiểm thử trình duyệt (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null; \
	  else \
	    echo "Browser tests need Chromium at $(CHROMIUM)."; \
	    echo "Install it as root: apt-get install -y --no-install-recommends chromium fonts-noto-core"; \
	    echo "(or set CHROMIUM=/path/to/chromium), then run 'make test' again."; \
	    exit 1; \
	  fi; \
	fi

test: dev-setup chromium test-only

test-only:
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/pytest -n 2 --dist loadfile -q

lint: dev-setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
