# Fluxion: every target installs what it needs first (Node 24, pnpm, dependencies, Kubernetes binaries).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
FLUXION_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/fluxion
export FLUXION_CACHE
export PATH := $(FLUXION_CACHE)/toolchain/bin:/usr/local/go/bin:$(PATH)

.PHONY: help setup toolchain deps kube-binaries helm s3-server system-packages typecheck test test-unit test-cluster \
        bench demo demo-down cluster cluster-down clean

help:
	@echo "make demo          run the main job: a control plane and Fluxion syncing a sample repository"
	@echo "make test          install everything needed, then type-check and run every test"
	@echo "make bench         run the benchmarks and print their figures"
	@echo "make cluster       start a control plane in the background (.fluxion/kubeconfig)"
	@echo "make cluster-down  stop it and remove its state"

setup: toolchain deps kube-binaries helm s3-server system-packages

toolchain:
	@bash scripts/bootstrap-toolchain.sh >/dev/null

deps: toolchain
	@pnpm install --frozen-lockfile --reporter=silent

kube-binaries:
	@bash packages/testenv/scripts/build-kube-binaries.sh >/dev/null

helm:
	@bash charts/fluxion/scripts/install-helm.sh >/dev/null

s3-server:
	@bash packages/testenv/scripts/install-s3-server.sh >/dev/null

system-packages:
	@bash scripts/install-system-packages.sh

typecheck: deps
	pnpm exec tsc -p tsconfig.json

test: setup typecheck
	@mkdir -p .cache
	@status=0; pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json || status=$$?; \
	  node scripts/test-summary.ts .cache/vitest-results.json; exit $$status

test-unit: deps
	pnpm exec vitest run --project unit

test-cluster: setup
	pnpm exec vitest run --project cluster

bench: setup
	node scripts/bench.ts

cluster: setup
	@node packages/testenv/bin/cluster up

cluster-down: toolchain
	@node packages/testenv/bin/cluster down

demo: setup
	node scripts/demo.ts

demo-down: toolchain
	@node scripts/demo-down.ts

clean: cluster-down
	rm -rf node_modules packages/*/node_modules
