// The JSON-lines protocol between helm-controller and this helper: one JSON object per line each way.
package main

import (
	"encoding/json"
	"io"
	"sync"
)

// Message is every line of the protocol; Type says which fields matter.
//
//	controller -> helper: "run" (ID, Args), "cancel" (ID), "postRendered" (ID of the callback, Manifests or Error)
//	helper -> controller: "done" (ID, Stdout, Error), "postRender" (ID of the callback, Run, Args, Manifests)
type Message struct {
	Type      string   `json:"type"`
	ID        int64    `json:"id"`
	Run       int64    `json:"run,omitempty"`
	Args      []string `json:"args,omitempty"`
	Stdout    string   `json:"stdout,omitempty"`
	Error     string   `json:"error,omitempty"`
	Manifests string   `json:"manifests,omitempty"`
}

// writer serialises whole lines: many actions answer at once.
type writer struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func newWriter(out io.Writer) *writer { return &writer{enc: json.NewEncoder(out)} }

func (w *writer) send(message Message) {
	w.mu.Lock()
	defer w.mu.Unlock()
	// a broken stdout means the controller is gone; main's reader sees EOF and exits
	_ = w.enc.Encode(message)
}
