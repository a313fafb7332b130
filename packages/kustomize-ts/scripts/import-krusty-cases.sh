#!/usr/bin/env bash
# Turns the builds recorded by extract-krusty-cases.sh into test/cases/krusty-*, leaving out what kubectl
# kustomize cannot build the same way (plugins, Helm, remote resources, custom OpenAPI schemas, non-default
# build options). Writes test/krusty-left-out.txt (case, reason) and then records every imported case's
# answer with refresh-reference.sh.
#
# Usage: scripts/import-krusty-cases.sh DUMP_DIR      (SKIP_REFRESH=1: import only, record nothing)
set -euo pipefail

package_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dump="${1:?usage: import-krusty-cases.sh DUMP_DIR}"
cases_dir="$package_dir/test/cases"
left_out="$package_dir/test/krusty-left-out.txt"

# The name of a case: krusty-<test file>-<test name>, the build's index when a test builds more than once.
case_name() {
  local base="$1" file rest raw test n
  file="${base%%--*}"; rest="${base#*--}"; raw="${rest%--*}"; n="${rest##*--}"
  test="$(echo "$raw" | sed -E 's/^Test//; s/([a-z0-9])([A-Z])/\1-\2/g' | tr 'A-Z_' 'a-z-' | tr -s '-')"
  local name="krusty-${file//_/-}-${test}"
  if [[ -d "$dump/$file--$raw--1" ]]; then name="$name-$n"; fi
  echo "$name" | cut -c1-120
}

reason_to_leave_out() {
  local dir="$1"
  if [[ -f "$dir/options" && "$(cat "$dir/options")" != "loadRestrictions=LoadRestrictionsNone" ]]; then
    if grep -rqs 'helmCharts\|HelmChartInflationGenerator' "$dir/input"; then echo "needs Helm"; return; fi
    # Kustomize's "plugins enabled" options also enable Helm: the files tell which one a test uses.
    if grep -qx 'plugins\|fnplugins\|helm' "$dir/options"; then echo "needs plugins (exec, Go or function plugins)"; return; fi
    if grep -qx 'addManagedbyLabel' "$dir/options"; then echo "needs a build option kubectl kustomize has not (managed-by label)"; return; fi
    echo "needs a build option the differential runner does not pass ($(tr '\n' ' ' < "$dir/options"))"; return
  fi
  if grep -rqsE 'helmCharts|HelmChartInflationGenerator' "$dir/input"; then echo "needs Helm"; return; fi
  if grep -rqsE '^\s*-\s*(https?://|github\.com/|git@|ssh://)' "$dir/input"; then echo "needs remote resources"; return; fi
  if grep -rqsE '^openapi:' "$dir/input"; then echo "needs a custom OpenAPI schema"; return; fi
  if grep -rqsE '^kind: .*Plugin$|config\.kubernetes\.io/function' "$dir/input"; then echo "needs plugins"; return; fi
  echo ""
}

: > "$left_out.tmp"
imported=()
for dir in "$dump"/*/; do
  dir="${dir%/}"; base="$(basename "$dir")"
  name="$(case_name "$base")"
  reason="$(reason_to_leave_out "$dir")"
  if [[ -n "$reason" ]]; then echo "$name	$reason" >> "$left_out.tmp"; continue; fi
  # Input and entry are replaced; a hand-written expected-error.txt is kept.
  rm -rf "${cases_dir:?}/$name/input" "$cases_dir/$name/entry"; mkdir -p "$cases_dir/$name"
  cp -r "$dir/input" "$cases_dir/$name/input"
  if [[ -f "$dir/entry" ]]; then cp "$dir/entry" "$cases_dir/$name/entry"; fi
  # The one build option the runner passes: LoadRestrictionsNone, through the case's load-restrictor file.
  if [[ -f "$dir/options" ]]; then echo none > "$cases_dir/$name/load-restrictor"; fi
  imported+=("$name")
done
# Tests that never reach a build under the recording harness (they stop before it, or call kustomize otherwise).
cat >> "$left_out.tmp" <<'LIST'
accumulation TestAccumulateResourcesErrors	needs remote resources (a local HTTP server)
chartinflatorplugin TestChartInflatorPlugin	needs plugins and Helm
fnplugin TestFnContainer*	needs plugins (function containers)
helmchartinflationgenerator Test*	needs Helm
kustomizer TestEmptyFileSystem	builds no directory (an empty virtual file system)
originannotation TestAnnoOriginRemoteBuiltinGenerator	needs remote resources
remoteloader Test*	needs remote resources
transformerannotation TestAnnoOriginRemoteBuiltinTransformer	needs remote resources
transformerplugin TestOrderedTransformers, TestTransformedTransformers	needs plugins (Go plugins)
LIST
{ echo "# kustomize api/krusty tests (v0.18.0) left out of the differential suite: case name, reason"; sort "$left_out.tmp"; } > "$left_out"
rm -f "$left_out.tmp"
echo "imported ${#imported[@]} case(s), left out $(grep -vc '^#' "$left_out")" >&2
if [[ -z "${SKIP_REFRESH:-}" ]]; then "$package_dir/scripts/refresh-reference.sh" "${imported[@]}" || true; fi
