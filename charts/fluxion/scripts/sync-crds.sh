#!/usr/bin/env bash
# Copies the CRDs from packages/api/crds (the one source of truth) into the chart's files/crds, which
# templates/crds.yaml renders. With --check, changes nothing and fails if the two trees differ.
set -euo pipefail

chart=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source_dir=$(cd "$chart/../../packages/api/crds" && pwd)
chart_copy="$chart/files/crds"

if [ "${1:-}" = "--check" ]; then
  if diff -r "$source_dir" "$chart_copy" >&2; then
    echo "chart CRDs are identical to packages/api/crds" >&2
    exit 0
  fi
  echo "chart CRDs in $chart_copy differ from $source_dir: run charts/fluxion/scripts/sync-crds.sh" >&2
  exit 1
fi

rm -rf "$chart_copy"
mkdir -p "$chart_copy"
cp -R "$source_dir/." "$chart_copy/"
echo "copied $(find "$chart_copy" -name '*.yaml' | wc -l) CRDs from $source_dir to $chart_copy" >&2
