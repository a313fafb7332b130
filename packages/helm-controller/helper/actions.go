// helm's install, upgrade, rollback, uninstall and test, from the same command lines the controller gives the helm
// CLI (src/helm-args.ts), run with Helm's SDK: the flags mean what they mean to helm, the errors read as helm's.
// One flag is the helper's own: --storage-namespace, the release's Secrets apart from its objects, as Flux can.
package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	"helm.sh/helm/v4/pkg/kube"
	"k8s.io/kubectl/pkg/validation"
)

// request is one parsed command line: the global flags and the action's own.
type request struct {
	command    string
	positional []string
	namespace  string
	storage    string // where the release's Secrets live; the release namespace when empty
	kubeconfig string
	asUser     string
	timeout    time.Duration
	flags      *pflag.FlagSet
}

// postRendererFactory makes the post-renderer named by --post-renderer, called back with --post-renderer-args.
type postRendererFactory func(name string, args []string) (postRenderer, error)

type actions struct {
	identities   *identities
	postRenderer postRendererFactory
}

// run runs one command line; the result is what the CLI would print on success.
func (a *actions) run(ctx context.Context, args []string) (string, error) {
	if len(args) == 0 {
		return "", fmt.Errorf("no command")
	}
	req := &request{command: args[0], flags: pflag.NewFlagSet(args[0], pflag.ContinueOnError)}
	req.flags.StringVarP(&req.namespace, "namespace", "n", "default", "")
	req.flags.StringVar(&req.storage, "storage-namespace", "", "")
	req.flags.StringVar(&req.kubeconfig, "kubeconfig", "", "")
	req.flags.StringVar(&req.asUser, "kube-as-user", "", "")
	req.flags.DurationVar(&req.timeout, "timeout", 300*time.Second, "")
	switch req.command {
	case "install":
		return a.install(ctx, req, args[1:])
	case "upgrade":
		return a.upgrade(ctx, req, args[1:])
	case "rollback":
		return a.rollback(req, args[1:])
	case "uninstall":
		return a.uninstall(req, args[1:])
	case "test":
		return a.test(req, args[1:])
	}
	return "", fmt.Errorf("unknown command %q for the helm helper", req.command)
}

func (req *request) parse(args []string, positional int) error {
	req.flags.SetOutput(discard{})
	if err := req.flags.Parse(args); err != nil {
		return err
	}
	req.positional = req.flags.Args()
	if len(req.positional) != positional {
		return fmt.Errorf("%q requires %d arguments, got %d", req.command, positional, len(req.positional))
	}
	return nil
}

// configuration is helm's action configuration for one action, on the identity's shared clients.
func (a *actions) configuration(req *request, invalidate bool) (*action.Configuration, error) {
	id, err := a.identities.get(req.kubeconfig, req.asUser)
	if err != nil {
		return nil, fmt.Errorf("kubernetes cluster unreachable: %w", err)
	}
	// install and upgrade refresh discovery themselves (capabilities); others may meet kinds added since
	if invalidate {
		id.discovery.Invalidate()
	}
	storage := req.storage
	if storage == "" {
		storage = req.namespace
	}
	cfg := action.NewConfiguration()
	// the storage driver works in the storage namespace, the objects go to the release namespace (client.Namespace)
	if err := cfg.Init(id.getter(), storage, "secret"); err != nil {
		return nil, err
	}
	client := cfg.KubeClient.(*kube.Client)
	client.Namespace = req.namespace
	client.Factory = validatingFactory{Factory: client.Factory, identity: id}
	return cfg, nil
}

type validatingFactory struct {
	kube.Factory
	identity *identity
}

func (f validatingFactory) Validator(directive string) (validation.Schema, error) {
	return f.identity.validator(directive)
}

// renderFlags are the flags install and upgrade share.
type renderFlags struct {
	valueFiles       []string
	labels           map[string]string
	postRenderer     string
	postRendererArgs []string
	description      string
	noHooks          bool
	noOpenAPI        bool
	skipSchema       bool
	serverSide       string
	takeOwnership    bool
	forceConflicts   bool
}

func (r *renderFlags) add(flags *pflag.FlagSet, serverSideDefault string) {
	flags.StringArrayVarP(&r.valueFiles, "values", "f", nil, "")
	flags.StringToStringVarP(&r.labels, "labels", "l", nil, "")
	flags.StringVar(&r.postRenderer, "post-renderer", "", "")
	flags.StringArrayVar(&r.postRendererArgs, "post-renderer-args", nil, "")
	flags.StringVar(&r.description, "description", "", "")
	flags.BoolVar(&r.noHooks, "no-hooks", false, "")
	flags.BoolVar(&r.noOpenAPI, "disable-openapi-validation", false, "")
	flags.BoolVar(&r.skipSchema, "skip-schema-validation", false, "")
	flags.StringVar(&r.serverSide, "server-side", serverSideDefault, "")
	flags.BoolVar(&r.takeOwnership, "take-ownership", false, "")
	flags.BoolVar(&r.forceConflicts, "force-conflicts", false, "")
}

// load reads the chart and the values files, as the CLI does before it acts.
func (r *renderFlags) load(chartPath string) (chart.Charter, map[string]any, error) {
	vals, err := (&values.Options{ValueFiles: r.valueFiles}).MergeValues(getter.Providers{})
	if err != nil {
		return nil, nil, err
	}
	ch, err := loader.Load(chartPath)
	if err != nil {
		return nil, nil, err
	}
	accessor, err := chart.NewAccessor(ch)
	if err != nil {
		return nil, nil, err
	}
	if kind := accessor.MetadataAsMap()["Type"]; kind != nil && kind != "" && kind != "application" {
		return nil, nil, fmt.Errorf("%s charts are not installable", kind)
	}
	if deps := accessor.MetaDependencies(); len(deps) > 0 {
		if err := action.CheckDependencies(ch, deps); err != nil {
			return nil, nil, fmt.Errorf("an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: %w", err)
		}
	}
	return ch, vals, nil
}

func (a *actions) install(ctx context.Context, req *request, args []string) (string, error) {
	var render renderFlags
	var skipCRDs, createNamespace, replace bool
	render.add(req.flags, "true")
	req.flags.BoolVar(&skipCRDs, "skip-crds", false, "")
	req.flags.BoolVar(&createNamespace, "create-namespace", false, "")
	req.flags.BoolVar(&replace, "replace", false, "")
	if err := req.parse(args, 2); err != nil {
		return "", err
	}
	serverSide, err := strconv.ParseBool(render.serverSide)
	if err != nil {
		return "", fmt.Errorf("invalid --server-side %q for install", render.serverSide)
	}
	cfg, err := a.configuration(req, false)
	if err != nil {
		return "", err
	}
	install := action.NewInstall(cfg)
	install.ReleaseName, install.Namespace, install.Timeout = req.positional[0], req.namespace, req.timeout
	install.Labels, install.Description = render.labels, render.description
	install.DisableHooks, install.DisableOpenAPIValidation = render.noHooks, render.noOpenAPI
	install.SkipSchemaValidation, install.ServerSideApply = render.skipSchema, serverSide
	install.SkipCRDs, install.CreateNamespace, install.Replace = skipCRDs, createNamespace, replace
	install.TakeOwnership, install.ForceConflicts = render.takeOwnership, render.forceConflicts
	install.WaitStrategy = kube.HookOnlyStrategy
	if install.PostRenderer, err = a.postRendererOf(render); err != nil {
		return "", err
	}
	ch, vals, err := render.load(req.positional[1])
	if err != nil {
		return "", err
	}
	if _, err := install.RunWithContext(ctx, ch, vals); err != nil {
		return "", fmt.Errorf("INSTALLATION FAILED: %w", err)
	}
	return fmt.Sprintf("release %q installed\n", install.ReleaseName), nil
}

func (a *actions) upgrade(ctx context.Context, req *request, args []string) (string, error) {
	var render renderFlags
	var maxHistory int
	var resetValues, resetThenReuse, forceReplace, cleanupOnFail bool
	render.add(req.flags, "auto")
	req.flags.IntVar(&maxHistory, "history-max", 10, "")
	req.flags.BoolVar(&resetValues, "reset-values", false, "")
	req.flags.BoolVar(&resetThenReuse, "reset-then-reuse-values", false, "")
	req.flags.BoolVar(&forceReplace, "force-replace", false, "")
	req.flags.BoolVar(&cleanupOnFail, "cleanup-on-fail", false, "")
	if err := req.parse(args, 2); err != nil {
		return "", err
	}
	cfg, err := a.configuration(req, false)
	if err != nil {
		return "", err
	}
	upgrade := action.NewUpgrade(cfg)
	upgrade.Namespace, upgrade.Timeout, upgrade.MaxHistory = req.namespace, req.timeout, maxHistory
	upgrade.Labels, upgrade.Description = render.labels, render.description
	upgrade.DisableHooks, upgrade.DisableOpenAPIValidation = render.noHooks, render.noOpenAPI
	upgrade.SkipSchemaValidation, upgrade.ServerSideApply = render.skipSchema, render.serverSide
	upgrade.ResetValues, upgrade.ResetThenReuseValues = resetValues, resetThenReuse
	upgrade.ForceReplace, upgrade.CleanupOnFail = forceReplace, cleanupOnFail
	upgrade.TakeOwnership, upgrade.ForceConflicts = render.takeOwnership, render.forceConflicts
	upgrade.WaitStrategy = kube.HookOnlyStrategy
	if upgrade.PostRenderer, err = a.postRendererOf(render); err != nil {
		return "", err
	}
	ch, vals, err := render.load(req.positional[1])
	if err != nil {
		return "", err
	}
	if _, err := upgrade.RunWithContext(ctx, req.positional[0], ch, vals); err != nil {
		return "", fmt.Errorf("UPGRADE FAILED: %w", err)
	}
	return fmt.Sprintf("Release %q has been upgraded.\n", req.positional[0]), nil
}

func (a *actions) rollback(req *request, args []string) (string, error) {
	rollback := action.Rollback{}
	req.flags.IntVar(&rollback.MaxHistory, "history-max", 10, "")
	req.flags.StringVar(&rollback.Description, "description", "", "")
	req.flags.BoolVar(&rollback.ForceReplace, "force-replace", false, "")
	req.flags.BoolVar(&rollback.CleanupOnFail, "cleanup-on-fail", false, "")
	req.flags.BoolVar(&rollback.DisableHooks, "no-hooks", false, "")
	req.flags.StringVar(&rollback.ServerSideApply, "server-side", "auto", "")
	req.flags.BoolVar(&rollback.ForceConflicts, "force-conflicts", false, "")
	if err := req.parse(args, 2); err != nil {
		return "", err
	}
	version, err := strconv.Atoi(req.positional[1])
	if err != nil {
		return "", fmt.Errorf("could not convert revision to a number: %w", err)
	}
	cfg, err := a.configuration(req, true)
	if err != nil {
		return "", err
	}
	run := action.NewRollback(cfg)
	run.Version, run.Timeout, run.MaxHistory, run.Description = version, req.timeout, rollback.MaxHistory, rollback.Description
	run.ForceReplace, run.CleanupOnFail, run.DisableHooks = rollback.ForceReplace, rollback.CleanupOnFail, rollback.DisableHooks
	run.ServerSideApply, run.WaitStrategy = rollback.ServerSideApply, kube.HookOnlyStrategy
	run.ForceConflicts = rollback.ForceConflicts
	if err := run.Run(req.positional[0]); err != nil {
		return "", err
	}
	return "Rollback was a success! Happy Helming!\n", nil
}

func (a *actions) uninstall(req *request, args []string) (string, error) {
	var keepHistory, noHooks bool
	var cascade, wait, description string
	req.flags.BoolVar(&keepHistory, "keep-history", false, "")
	req.flags.BoolVar(&noHooks, "no-hooks", false, "")
	req.flags.StringVar(&cascade, "cascade", "background", "")
	req.flags.StringVar(&description, "description", "", "")
	req.flags.StringVar(&wait, "wait", string(kube.HookOnlyStrategy), "")
	req.flags.Lookup("wait").NoOptDefVal = string(kube.StatusWatcherStrategy)
	if err := req.parse(args, 1); err != nil {
		return "", err
	}
	if cascade != "background" && cascade != "foreground" && cascade != "orphan" {
		return "", fmt.Errorf("invalid cascade value (%s). Must be \"background\", \"foreground\", or \"orphan\"", cascade)
	}
	cfg, err := a.configuration(req, true)
	if err != nil {
		return "", err
	}
	run := action.NewUninstall(cfg)
	run.KeepHistory, run.DisableHooks, run.DeletionPropagation = keepHistory, noHooks, cascade
	run.Timeout, run.Description, run.WaitStrategy = req.timeout, description, kube.WaitStrategy(wait)
	result, err := run.Run(req.positional[0])
	if err != nil {
		return "", err
	}
	out := fmt.Sprintf("release %q uninstalled\n", req.positional[0])
	if result != nil && result.Info != "" {
		out = result.Info + "\n" + out
	}
	return out, nil
}

func (a *actions) test(req *request, args []string) (string, error) {
	var filters []string
	req.flags.StringSliceVar(&filters, "filter", nil, "")
	if err := req.parse(args, 1); err != nil {
		return "", err
	}
	cfg, err := a.configuration(req, true)
	if err != nil {
		return "", err
	}
	run := action.NewReleaseTesting(cfg)
	run.Namespace, run.Timeout = req.namespace, req.timeout
	run.Filters = map[string][]string{}
	for _, filter := range filters {
		if name, ok := strings.CutPrefix(filter, "name="); ok {
			run.Filters[action.IncludeNameFilter] = append(run.Filters[action.IncludeNameFilter], name)
		} else if name, ok := strings.CutPrefix(strings.TrimPrefix(filter, "!"), "name="); ok && strings.HasPrefix(filter, "!") {
			run.Filters[action.ExcludeNameFilter] = append(run.Filters[action.ExcludeNameFilter], strings.TrimSpace(name))
		}
	}
	_, shutdown, runErr := run.Run(req.positional[0])
	if shutdown != nil {
		if err := shutdown(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		return "", runErr
	}
	return fmt.Sprintf("tests of %q passed\n", req.positional[0]), nil
}

func (a *actions) postRendererOf(render renderFlags) (postRenderer, error) {
	if render.postRenderer == "" {
		return nil, nil
	}
	return a.postRenderer(render.postRenderer, render.postRendererArgs)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
