#!/usr/bin/env bash
# Regenerates the differential test cases' reference output from the real kustomize, or checks it.
#
# Usage:
#   scripts/refresh-reference.sh                 rewrite expected.yaml / kustomize-error.txt of every case
#   scripts/refresh-reference.sh --check         rewrite nothing; exit 1 if any case differs from what is committed
#   scripts/refresh-reference.sh --new CASE...   refresh only these cases (names under test/cases or paths) and show the result
#   scripts/refresh-reference.sh CASE...         refresh only these cases, quietly
#
# kustomize is `kubectl kustomize DIR`, or `$KUSTOMIZE_BIN build DIR` when KUSTOMIZE_BIN is set.
# The references were produced with kustomize v5.5.0 (the one kubectl v1.32 embeds).
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cases_dir="$package_dir/test/cases"
expected_kustomize_version="v5.5.0"

mode="write"
show=0
selected=()
for arg in "$@"; do
  case "$arg" in
    --check) mode="check" ;;
    --new) show=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option: $arg" >&2; exit 2 ;;
    *) selected+=("$arg") ;;
  esac
done

# $2: extra flags (a case's `load-restrictor` file holding `none` builds with LoadRestrictionsNone).
run_kustomize() {
  local flags=()
  if [[ "${2:-}" == none ]]; then flags=(--load-restrictor LoadRestrictionsNone); fi
  if [[ -n "${KUSTOMIZE_BIN:-}" ]]; then
    "$KUSTOMIZE_BIN" build "${flags[@]}" "$1"
  else
    kubectl kustomize "${flags[@]}" "$1"
  fi
}

kustomize_version() {
  if [[ -n "${KUSTOMIZE_BIN:-}" ]]; then
    "$KUSTOMIZE_BIN" version 2>/dev/null | head -n1
  else
    kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p'
  fi
}

version="$(kustomize_version || true)"
if [[ "$version" != *"$expected_kustomize_version"* ]]; then
  echo "warning: references were made with kustomize $expected_kustomize_version, this is '${version:-unknown}'" >&2
fi

# klog prefixes kubectl's error with a timestamp and a pid, kustomize names absolute paths and
# sometimes prints Go pointers: replace all three so the reference is the same on every machine.
normalize_error() {
  local case_dir="$1"
  sed -E \
    -e 's/^[EWIF][0-9]{4} [0-9:.]+ +[0-9]+ [A-Za-z0-9_.-]+:[0-9]+\] //' \
    -e 's/0xc[0-9a-f]{6,}/0xADDR/g' \
    -e "s#${case_dir}/#<case>/#g" \
    -e "s#${case_dir}#<case>#g"
}

case_dirs=()
if [[ ${#selected[@]} -eq 0 ]]; then
  for dir in "$cases_dir"/*/; do case_dirs+=("${dir%/}"); done
else
  for name in "${selected[@]}"; do
    if [[ -d "$name" ]]; then case_dirs+=("$(cd "$name" && pwd)");
    elif [[ -d "$cases_dir/$name" ]]; then case_dirs+=("$cases_dir/$name");
    else echo "no such case: $name" >&2; exit 2; fi
  done
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

failures=0
written=0
checked=0
errors=0
for case_dir in "${case_dirs[@]}"; do
  name="$(basename "$case_dir")"
  if [[ ! -d "$case_dir/input" ]]; then
    echo "FAIL $name: no input/ directory" >&2; failures=$((failures + 1)); continue
  fi
  build_dir="$case_dir/input"
  if [[ -f "$case_dir/entry" ]]; then build_dir="$case_dir/input/$(tr -d '\n' < "$case_dir/entry")"; fi

  status=0
  restrictor=""
  if [[ -f "$case_dir/load-restrictor" ]]; then restrictor="$(tr -d '\n' < "$case_dir/load-restrictor")"; fi
  (cd "$case_dir" && run_kustomize "$build_dir" "$restrictor") > "$tmp/stdout" 2> "$tmp/stderr-raw" || status=$?
  checked=$((checked + 1))

  if [[ $status -eq 0 ]]; then
    if [[ -f "$case_dir/expected-error.txt" ]]; then
      echo "FAIL $name: kustomize succeeded but the case expects an error (expected-error.txt)" >&2
      failures=$((failures + 1)); continue
    fi
    if [[ $mode == check ]]; then
      if [[ ! -f "$case_dir/expected.yaml" ]] || ! cmp -s "$tmp/stdout" "$case_dir/expected.yaml"; then
        echo "DIFF $name: expected.yaml differs from kustomize's output" >&2
        diff -u "$case_dir/expected.yaml" "$tmp/stdout" 2>&1 | head -n 40 >&2 || true
        failures=$((failures + 1))
      fi
      [[ -f "$case_dir/kustomize-error.txt" ]] && { echo "DIFF $name: stale kustomize-error.txt" >&2; failures=$((failures + 1)); }
    else
      cp "$tmp/stdout" "$case_dir/expected.yaml"
      rm -f "$case_dir/kustomize-error.txt"
      written=$((written + 1))
      [[ $show -eq 1 ]] && { echo "=== $name: expected.yaml"; cat "$case_dir/expected.yaml"; }
    fi
  else
    errors=$((errors + 1))
    normalize_error "$case_dir" < "$tmp/stderr-raw" > "$tmp/stderr"
    if [[ $mode == check ]]; then
      if [[ ! -f "$case_dir/kustomize-error.txt" ]] || ! cmp -s "$tmp/stderr" "$case_dir/kustomize-error.txt"; then
        echo "DIFF $name: kustomize-error.txt differs from kustomize's stderr" >&2
        diff -u "$case_dir/kustomize-error.txt" "$tmp/stderr" 2>&1 | head -n 20 >&2 || true
        failures=$((failures + 1))
      fi
      [[ -f "$case_dir/expected.yaml" ]] && { echo "DIFF $name: kustomize fails but expected.yaml is committed" >&2; failures=$((failures + 1)); }
    else
      cp "$tmp/stderr" "$case_dir/kustomize-error.txt"
      rm -f "$case_dir/expected.yaml"
      written=$((written + 1))
      [[ $show -eq 1 ]] && { echo "=== $name: kustomize-error.txt"; cat "$case_dir/kustomize-error.txt"; }
    fi
    if [[ ! -s "$case_dir/expected-error.txt" ]]; then
      echo "FAIL $name: kustomize fails; write expected-error.txt (one line: a substring our error must contain)" >&2
      failures=$((failures + 1))
    fi
  fi
done

if [[ $mode == check ]]; then
  echo "checked $checked case(s) against kustomize ${version:-?} ($errors expected to fail): $failures problem(s)"
else
  echo "refreshed $written of $checked case(s) with kustomize ${version:-?} ($errors fail in kustomize): $failures problem(s)"
fi
[[ $failures -eq 0 ]]
