# Fluxion: every target installs what it needs first (Node 24, pnpm, dependencies, Kubernetes binaries).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
FLUXION_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/fluxion
export FLUXION_CACHE
# when this make began, so `make test` can say how long it took, setup included
MAKE_STARTED := $(shell date +%s)
export PATH := $(FLUXION_CACHE)/toolchain/bin:/usr/local/go/bin:$(PATH)

.PHONY: help setup go-tools toolchain deps kube-binaries helm sops s3-server system-packages images cli-package bundles flux-cli flux-controllers typecheck lint fmt \
        test test-unit test-cluster bench bench-vs-flux demo demo-down cluster cluster-down clean

help: ## list the targets (this text)
	@grep -E '^[a-z][a-z0-9-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)$$/\1\t\2/' | \
	  while IFS=$$'\t' read -r target text; do printf 'make %-16s %s\n' "$$target" "$$text"; done

setup: toolchain deps system-packages ## install everything the other targets need (skips what is there)
	@$(MAKE) --no-print-directory -j5 --output-sync=target go-tools

# The one-time Go builds run side by side: on a fresh machine their module downloads and links overlap the others'
# compiles. Each writes only its own cache folder, and Go's module cache is safe for concurrent builds.
go-tools: kube-binaries helm sops s3-server flux-cli ## build the one-time Go tools side by side (make setup runs this)

toolchain: ## Node 24 and pnpm into the cache (from the npm registry)
	@bash scripts/bootstrap-toolchain.sh >/dev/null

deps: toolchain ## the workspace's npm dependencies (pnpm install --frozen-lockfile)
	@pnpm install --frozen-lockfile --reporter=silent

kube-binaries: ## build etcd, kube-apiserver, ... from Kubernetes' Go modules into the cache
	@bash packages/testenv/scripts/build-kube-binaries.sh >/dev/null
	@bash packages/testenv/scripts/build-kube-binaries.sh --node >/dev/null

helm: ## build Helm 4 from its Go module into the cache
	@bash charts/fluxion/scripts/install-helm.sh >/dev/null
	@bash packages/helm-controller/helper/build.sh >/dev/null

sops: ## build the sops CLI from its Go module into the cache (tests encrypt fixtures with it)
	@bash packages/kustomize-controller/scripts/install-sops.sh >/dev/null

s3-server: ## build versitygw, an S3 server, from its Go module (testenv starts it for Bucket tests)
	@bash packages/testenv/scripts/install-s3-server.sh >/dev/null

system-packages: ## install the Debian packages the fixture servers and tests use
	@bash scripts/install-system-packages.sh

# One image per controller (podman, from a Debian base made here and the toolchain's Node 24); prints their sizes.
images: deps system-packages ## build one image per controller with podman, and print their sizes
	@bash scripts/images/build-images.sh

# One ESM file per shipped program (scripts/bundle/entries.ts), into packages/<pkg>/dist; the repository runs the sources.
bundles: deps ## bundle each controller and the CLI into packages/<pkg>/dist/*.mjs (what the images ship)
	@node scripts/bundle/bundle.ts

cli-package: deps ## the CLI as an npm tarball that installs on its own (.cache/cli-package/fluxion-cli-<version>.tgz)
	@node scripts/bundle/cli-package.ts

flux-cli: ## build the real flux CLI (v2.9.5) from its Go module, for the e2e tests that drive Fluxion with it
	@bash packages/cli/scripts/install-flux-cli.sh >/dev/null

typecheck: deps ## type-check every package (tsc)
	pnpm exec tsc -p tsconfig.json

# oxlint with type-aware rules (tsgolint, built on the same Go compiler as TypeScript 7); .oxlintrc.json says why
# each rule that is off is off. Prettier checks the layout of TypeScript, JSON and YAML (.prettierignore: what not).
lint: deps ## lint every package (oxlint, type-aware) and check the formatting (prettier)
	@pnpm exec oxlint --type-aware --deny-warnings --format=unix .
	@pnpm exec prettier --check --log-level warn . || { echo "formatting differs: run make fmt" >&2; exit 1; }

fmt: deps ## format TypeScript, JSON and YAML in place (prettier)
	@pnpm exec prettier --write --log-level warn .

test: setup lint typecheck images ## install everything needed, lint, type-check, build the images, run every test, print the time taken
	@mkdir -p .cache
	@status=0; pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json || status=$$?; \
	  node scripts/test-summary.ts .cache/vitest-results.json; \
	  elapsed=$$(( $$(date +%s) - $(MAKE_STARTED) )); printf 'make test took %dm %02ds\n' $$((elapsed / 60)) $$((elapsed % 60)); \
	  exit $$status

test-unit: deps ## only the tests that need no cluster
	pnpm exec vitest run --project unit

test-cluster: setup ## only the tests against a real control plane
	pnpm exec vitest run --project cluster

bench: setup ## run the benchmarks and print their figures (node scripts/bench.ts WORD picks some)
	node scripts/bench.ts

# One the Go module proxy does not serve is named and skipped (the leading "-"): bench-vs-flux runs ours alone there.
flux-controllers: ## build Flux's controllers (kustomize/source v1.9.6, helm v1.6.4, ...) from their Go modules, for bench-vs-flux
	-@bash scripts/flux/build-flux-controllers.sh >/dev/null

# BENCH_VS_FLUX_ARGS='--count=100' picks a smaller scale; `make bench` also runs it once Flux's binaries are built.
bench-vs-flux: setup flux-controllers ## Fluxion's and Flux's controllers side by side on one control plane; tables into docs/benchmarks.md
	node scripts/flux/bench-vs-flux.ts --write-docs $(BENCH_VS_FLUX_ARGS)

cluster: setup ## start a control plane in the background (.fluxion/kubeconfig); NODE=1 adds a real node with the images
	@node packages/testenv/bin/cluster up $(if $(NODE),--node)

cluster-down: toolchain ## stop it and remove its state
	@node packages/testenv/bin/cluster down

demo: setup ## the main job: a control plane and Fluxion syncing a sample repository
	node scripts/demo.ts

demo-down: toolchain ## stop what make demo left running
	@node scripts/demo-down.ts

clean: cluster-down ## stop the cluster and remove node_modules
	rm -rf node_modules packages/*/node_modules
