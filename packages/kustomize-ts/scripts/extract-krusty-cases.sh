#!/usr/bin/env bash
# Rebuilds kustomize's own `api/krusty` tests as differential case directories (input files only).
#
# Usage: scripts/extract-krusty-cases.sh [OUT_DIR]     (default: a fresh temp dir, printed at the end)
#
# The krusty tests write their files into a virtual file system through a test harness, then build one
# directory. Rather than parse Go, this runs the tests themselves against a copy of the module whose
# harness, at each build, writes the files present and the directory built into OUT_DIR/<file>--<test>--<n>/:
#   input/...        the files the test wrote        entry     the directory it built, when not the root
#   options          non-default build options       go-error  kustomize's error, when the Go build failed
# Facts only: no Go code or expected strings are copied. Then record each case's answer with
# refresh-reference.sh (the real kubectl kustomize decides). Needs Go and the Go module proxy.
set -euo pipefail

module="sigs.k8s.io/kustomize/api@v0.18.0"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

module_dir="$(go mod download -json "$module" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
[[ -d "$module_dir" ]] || { echo "cannot download $module" >&2; exit 1; }

work="$(mktemp -d)"
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$module_dir/." "$work/"
chmod -R u+w "$work"

harness="$work/testutils/kusttest/harness.go"
# At the start of Run and RunWithErr, record what is about to be built.
sed -i -e 's/^func (th Harness) Run(path string, o krusty.Options) resmap.ResMap {$/&\n\tdumpBuild(th, path, o)/' \
  -e 's/^func (th Harness) RunWithErr(path string, o krusty.Options) error {$/&\n\tdumpBuild(th, path, o)/' "$harness"
grep -c 'dumpBuild(th, path, o)' "$harness" | grep -qx 2 || { echo "harness.go changed: cannot hook Run" >&2; exit 1; }

cat > "$work/testutils/kusttest/dump_build.go" <<'GO'
package kusttest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
)

var (
	dumpMu     sync.Mutex
	dumpCounts = map[string]int{}
	unsafeName = regexp.MustCompile(`[^A-Za-z0-9]+`)
)

// dumpBuild writes the harness's files and the build directory under $KRUSTY_DUMP.
func dumpBuild(th Harness, path string, o krusty.Options) {
	target := os.Getenv("KRUSTY_DUMP")
	if target == "" {
		return
	}
	_, file, _, _ := runtime.Caller(2)
	for i := 2; i < 8 && strings.HasPrefix(filepath.Base(file), "harness"); i++ {
		_, file, _, _ = runtime.Caller(i + 1)
	}
	base := strings.TrimSuffix(filepath.Base(file), "_test.go")
	name := base + "--" + strings.Trim(unsafeName.ReplaceAllString(th.t.Name(), "-"), "-")
	dumpMu.Lock()
	n := dumpCounts[name]
	dumpCounts[name]++
	dumpMu.Unlock()
	dir := filepath.Join(target, fmt.Sprintf("%s--%d", name, n))
	root := "/"
	if !filepath.IsAbs(path) {
		path = filepath.Join("/", path)
	}
	if fmt.Sprintf("%T", th.fSys) == "filesys.fsOnDisk" {
		// The tmp-root harness: its root is the directory directly under the temp dir.
		tmp, _ := filepath.EvalSymlinks(os.TempDir())
		resolved, _ := filepath.EvalSymlinks(path)
		root = resolved
		for filepath.Dir(root) != tmp && root != "/" {
			root = filepath.Dir(root)
		}
		path = resolved
	}
	_ = th.fSys.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		data, rerr := th.fSys.ReadFile(p)
		if rerr != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		dst := filepath.Join(dir, "input", rel)
		_ = os.MkdirAll(filepath.Dir(dst), 0o755)
		return os.WriteFile(dst, data, 0o644)
	})
	_ = os.MkdirAll(filepath.Join(dir, "input"), 0o755)
	if entry, _ := filepath.Rel(root, path); entry != "." {
		_ = os.WriteFile(filepath.Join(dir, "entry"), []byte(entry+"\n"), 0o644)
	}
	var options []string
	if o.LoadRestrictions != types.LoadRestrictionsRootOnly {
		options = append(options, "loadRestrictions="+o.LoadRestrictions.String())
	}
	if o.AddManagedbyLabel {
		options = append(options, "addManagedbyLabel")
	}
	if o.PluginConfig.PluginRestrictions != types.PluginRestrictionsBuiltinsOnly {
		options = append(options, "plugins")
	}
	if o.PluginConfig.HelmConfig.Enabled {
		options = append(options, "helm")
	}
	if o.PluginConfig.FnpLoadingOptions.EnableExec || o.PluginConfig.FnpLoadingOptions.Network {
		options = append(options, "fnplugins")
	}
	if len(options) > 0 {
		_ = os.WriteFile(filepath.Join(dir, "options"), []byte(strings.Join(options, "\n")+"\n"), 0o644)
	}
	if _, err := krusty.MakeKustomizer(&o).Run(th.fSys, path); err != nil {
		_ = os.WriteFile(filepath.Join(dir, "go-error"), []byte(err.Error()+"\n"), 0o644)
	}
}
GO

echo "running the krusty tests with a recording harness (this compiles the module)..." >&2
(cd "$work" && KRUSTY_DUMP="$out" CGO_ENABLED=0 nice -n 10 go test -vet=off -count=1 ./krusty/ > "$out/.go-test.log" 2>&1) || true
echo "$(find "$out" -mindepth 1 -maxdepth 1 -type d | wc -l) builds recorded in $out" >&2
echo "$out"
