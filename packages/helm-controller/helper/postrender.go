// The post-renderer as a call back to the controller over the protocol: the controller renders (origin labels,
// commonMetadata, kustomize patches with kustomize-ts) in its own process, so no process starts per release.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"helm.sh/helm/v4/pkg/postrenderer"
)

type postRenderer = postrenderer.PostRenderer

// callbacks are the post-renders waiting for the controller's answer, by callback id.
type callbacks struct {
	out     *writer
	next    atomic.Int64
	mu      sync.Mutex
	waiting map[int64]chan Message
}

func newCallbacks(out *writer) *callbacks {
	return &callbacks{out: out, waiting: map[int64]chan Message{}}
}

// factory returns the post-renderer for a run: the plugin name the CLI would load is the controller's to check.
func (c *callbacks) factory(run int64) postRendererFactory {
	return func(name string, args []string) (postRenderer, error) {
		return &controllerPostRenderer{callbacks: c, run: run, name: name, args: args}, nil
	}
}

func (c *callbacks) answer(message Message) {
	c.mu.Lock()
	waiting, ok := c.waiting[message.ID]
	delete(c.waiting, message.ID)
	c.mu.Unlock()
	if ok {
		waiting <- message
	}
}

// failAll ends every wait: the controller's side of the pipe is closed.
func (c *callbacks) failAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, waiting := range c.waiting {
		waiting <- Message{Error: "helm-controller closed the helper's input"}
		delete(c.waiting, id)
	}
}

type controllerPostRenderer struct {
	callbacks *callbacks
	run       int64
	name      string
	args      []string
}

func (p *controllerPostRenderer) Run(rendered *bytes.Buffer) (*bytes.Buffer, error) {
	id := p.callbacks.next.Add(1)
	answer := make(chan Message, 1)
	p.callbacks.mu.Lock()
	p.callbacks.waiting[id] = answer
	p.callbacks.mu.Unlock()
	args := append([]string{p.name}, p.args...)
	p.callbacks.out.send(Message{Type: "postRender", ID: id, Run: p.run, Args: args, Manifests: rendered.String()})
	message := <-answer
	if message.Error != "" {
		return nil, fmt.Errorf("post-renderer %q: %w", p.name, errors.New(message.Error))
	}
	return bytes.NewBufferString(message.Manifests), nil
}
