// Kubernetes clients kept per identity (kubeconfig content + impersonated user): the discovery cache and the
// server's field-validation support, which a helm process re-reads for every action, are read once per identity.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/validation"
)

const maxIdentities = 64

type identityKey struct {
	kubeconfig string // a digest of the file's content: the controller writes a new temp file per reconcile
	asUser     string
}

type identity struct {
	loader     clientcmd.ClientConfig
	config     *rest.Config
	discovery  discovery.CachedDiscoveryInterface
	factory    cmdutil.Factory
	mu         sync.Mutex
	validators map[string]validation.Schema
}

type identities struct {
	mu    sync.Mutex
	items map[identityKey]*identity
	order []identityKey
	qps   float32
	burst int
}

func newIdentities(qps float32, burst int) *identities {
	return &identities{items: map[identityKey]*identity{}, qps: qps, burst: burst}
}

// get returns the clients of (kubeconfig file, user); the oldest is forgotten past maxIdentities.
func (ids *identities) get(kubeconfigPath, asUser string) (*identity, error) {
	key := identityKey{asUser: asUser}
	if kubeconfigPath != "" {
		content, err := os.ReadFile(kubeconfigPath)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(content)
		key.kubeconfig = hex.EncodeToString(sum[:])
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if found, ok := ids.items[key]; ok {
		return found, nil
	}
	created, err := ids.newIdentity(kubeconfigPath, asUser)
	if err != nil {
		return nil, err
	}
	ids.items[key] = created
	ids.order = append(ids.order, key)
	if len(ids.order) > maxIdentities {
		delete(ids.items, ids.order[0])
		ids.order = ids.order[1:]
	}
	return created, nil
}

func (ids *identities) newIdentity(kubeconfigPath, asUser string) (*identity, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfigPath != "" {
		rules.ExplicitPath = kubeconfigPath
	}
	overrides := &clientcmd.ConfigOverrides{}
	if asUser != "" {
		overrides.AuthInfo.Impersonate = asUser
	}
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	config, err := loader.ClientConfig()
	if err != nil {
		return nil, err
	}
	// one client serves many releases at once: client-go's default of 5 requests/s would queue them
	config.QPS, config.Burst = ids.qps, ids.burst
	client, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		return nil, err
	}
	id := &identity{loader: loader, config: config, discovery: memory.NewMemCacheClient(client)}
	id.validators = map[string]validation.Schema{}
	id.factory = cmdutil.NewFactory(id.getter())
	return id, nil
}

// getter is a RESTClientGetter for one action: its REST mapper is built once, from the shared discovery cache.
func (id *identity) getter() *actionGetter { return &actionGetter{identity: id} }

type actionGetter struct {
	identity *identity
	once     sync.Once
	mapper   meta.RESTMapper
}

func (g *actionGetter) ToRESTConfig() (*rest.Config, error) {
	return rest.CopyConfig(g.identity.config), nil
}

func (g *actionGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig { return g.identity.loader }

func (g *actionGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	return g.identity.discovery, nil
}

func (g *actionGetter) ToRESTMapper() (meta.RESTMapper, error) {
	g.once.Do(func() {
		deferred := restmapper.NewDeferredDiscoveryRESTMapper(g.identity.discovery)
		g.mapper = restmapper.NewShortcutExpander(deferred, g.identity.discovery, nil)
	})
	return g.mapper, nil
}

// validator is kubectl's, made once per identity and directive: it caches per kind whether the server validates
// fields itself, which otherwise costs a fetch and parse of the OpenAPI v3 document on every action.
func (id *identity) validator(directive string) (validation.Schema, error) {
	id.mu.Lock()
	defer id.mu.Unlock()
	if schema, ok := id.validators[directive]; ok {
		return schema, nil
	}
	schema, err := id.factory.Validator(directive)
	if err != nil {
		return nil, err
	}
	id.validators[directive] = schema
	return schema, nil
}
