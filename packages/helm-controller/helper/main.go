// fluxion-helm-helper: Helm's SDK in one long-lived process for helm-controller, which sends it the helm command
// lines it would otherwise run as one helm process each (install, upgrade, rollback, uninstall, test), as JSON
// lines on stdin, many at once; answers and post-render call-backs go to stdout. Releases are stored in Helm's own
// Secrets, as the helm CLI stores them. Logs (warnings and errors only) go to stderr.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"helm.sh/helm/v4/pkg/kube"
	// the auth plugins the helm CLI links in, for remote clusters' kubeconfigs (spec.kubeConfig)
	_ "k8s.io/client-go/plugin/pkg/client/auth"
)

var version = "dev"

func main() {
	qps := flag.Float64("kube-api-qps", 100, "requests per second to the Kubernetes API, per identity")
	burst := flag.Int("kube-api-burst", 300, "burst of requests to the Kubernetes API, per identity")
	showVersion := flag.Bool("version", false, "print the helper's version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	// the field manager the helm CLI applies as: releases made by either can be upgraded by the other without
	// conflicts, and drift correction (as "helm") owns the same fields
	kube.ManagedFieldsManager = "helm"
	out := newWriter(os.Stdout)
	calls := newCallbacks(out)
	acts := &actions{identities: newIdentities(float32(*qps), *burst)}
	var running sync.Map // run id -> context.CancelFunc
	reader := bufio.NewReaderSize(os.Stdin, 1<<20)
	for {
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 {
			var message Message
			if jsonErr := json.Unmarshal(line, &message); jsonErr != nil {
				slog.Error("unreadable request", "error", jsonErr)
				continue
			}
			switch message.Type {
			case "run":
				ctx, cancel := context.WithCancel(context.Background())
				running.Store(message.ID, cancel)
				go func(message Message) {
					defer running.Delete(message.ID)
					defer cancel()
					runActions := *acts
					runActions.postRenderer = calls.factory(message.ID)
					stdout, runErr := runActions.run(ctx, message.Args)
					reply := Message{Type: "done", ID: message.ID, Stdout: stdout}
					if runErr != nil {
						reply.Error = runErr.Error()
					}
					out.send(reply)
				}(message)
			case "cancel":
				if cancel, ok := running.Load(message.ID); ok {
					cancel.(context.CancelFunc)()
				}
			case "postRendered":
				calls.answer(message)
			default:
				slog.Error("unknown request type", "type", message.Type)
			}
		}
		if err == io.EOF {
			// the controller is gone: nothing will read our answers
			calls.failAll()
			return
		}
		if err != nil {
			slog.Error("reading requests", "error", err)
			os.Exit(1)
		}
	}
}
