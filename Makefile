# Khata: two commands for a newcomer — `make run` and `make test` — each installs what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UI := npm --prefix ui
comma := ,

.PHONY: help run test build package e2e screenshots bindings lint deps deps-test ui clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

deps: ## Install system packages and UI modules the app needs to build
	@.ci/install-deps app

deps-test: ## Install everything `make test` needs (adds Xvfb, WebKitWebDriver, gnome-keyring, Chromium, tauri-driver, Java, pyspark)
	@.ci/install-deps test

ui: deps ## Build the UI bundle (ui/dist) that the app embeds
	$(UI) run build

run: ui ## Start the app (serving the bundled UI)
	cargo run --features custom-protocol --bin khata-desktop

build: ui ## The release binary target/release/khata-desktop, serving the bundled UI
	cargo build --release --locked --features custom-protocol --bin khata-desktop
	@ls -l target/release/khata-desktop

package: deps ## Installers for this OS through the Tauri CLI (Linux: .deb and .rpm; AppImage with KHATA_APPIMAGE=1)
	$(UI) run tauri -- build --bundles deb,rpm$(if $(KHATA_APPIMAGE),$(comma)appimage)
	@ls -l target/release/bundle/*/*.deb target/release/bundle/*/*.rpm target/release/khata-desktop

test: deps-test ## Every test: UI checks and tests, fmt, clippy, Rust unit/integration and E2E
	@.ci/test-stages

e2e: deps-test ui ## Only the end-to-end tests of the real binary under Xvfb
	tests/support/with-keyring cargo test --features e2e --test e2e

screenshots: deps-test ui ## Retake docs/screenshots from the real app (the E2E tests under Xvfb)
	KHATA_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots tests/support/with-keyring cargo test --features e2e --test e2e

bindings: ## Regenerate from Rust the UI's types and api.ts, the capability and the command list
	KHATA_WRITE_BINDINGS=1 cargo test --lib bindings

lint: ## rustfmt, clippy and svelte-check
	@.ci/test-stages fmt clippy ui_check

# Fuzzing (cargo-fuzz, libFuzzer): not part of `make test`. cargo-fuzz passes nightly-only
# flags (-Zsanitizer=address, sanitizer coverage); RUSTC_BOOTSTRAP=1 lets stable rustc take
# them. New inputs go to src-tauri/fuzz/corpus/, crashes to src-tauri/fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := verify_export lender_responses phone_reports
.PHONY: fuzz
fuzz: ## Fuzz the export verifier, the lender-response and the phone-report parsers, FUZZ_SECONDS (60) each
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p src-tauri/fuzz/corpus/$$t; \
		echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
		RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir src-tauri/fuzz $$t \
			src-tauri/fuzz/corpus/$$t src-tauri/fuzz/seeds/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -dict=src-tauri/fuzz/dict/khata.dict -print_final_stats=1; \
	done

# App benchmarks (docs/BENCHMARKS.md, "App"): not part of `make test`. The first run fills a
# vault of BENCH_EVENTS disclosures through the engine and the built-in sandbox (≈ 12 min for
# 1M here); later runs reuse it.
BENCH_DIR ?= $(CURDIR)/target/bench-app
BENCH_EVENTS ?= 1000000
BENCH_ENV = KHATA_DATA_DIR=$(BENCH_DIR)/vault KHATA_KEYRING_DIR=$(BENCH_DIR)/keyring
.PHONY: bench-app
bench-app: ui ## Startup, memory and export with a BENCH_EVENTS (1M) vault, against an empty Tauri window
	@.ci/install-deps bench
	cargo build --release --locked --features custom-protocol --bin khata-desktop --example empty_window
	cargo build --release --locked -p khata-engine --example bench_vault
	@ls -l target/release/khata-desktop
	@test -e $(BENCH_DIR)/vault/khata.vault || $(BENCH_ENV) tests/support/with-keyring \
		target/release/examples/bench_vault fill $(BENCH_DIR)/vault $(BENCH_EVENTS)
	$(BENCH_ENV) OUT=$(BENCH_DIR)/startup tests/support/bench-startup time \
		target/release/khata-desktop target/release/examples/empty_window
	$(BENCH_ENV) OUT=$(BENCH_DIR)/memory RUNS=5 tests/support/bench-startup memory \
		target/release/khata-desktop target/release/examples/empty_window
	$(BENCH_ENV) tests/support/with-keyring /usr/bin/time -v \
		target/release/examples/bench_vault export $(BENCH_DIR)/vault $(BENCH_DIR)/export.json json

clean: ## Remove build outputs
	cargo clean
	rm -rf ui/dist
