package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// TestEngineHooks runs a scanner with test checks: every hook is called
// for its elements, findings at one node are reported once, Collection
// hooks see Postman collections and report at the model's locations.
func TestEngineHooks(t *testing.T) {
	rs := []rules.Rule{
		{ID: "lint/test-operation", Title: "T", Help: "h", Severity: rules.SeverityLow},
		{ID: "lint/test-collection", Title: "T", Help: "h"},
	}
	calls := map[string]int{}
	checks := []Check{
		{Rule: "lint/test-operation",
			Operation: func(c *Context, op *Operation) {
				calls["operation"]++
				c.Report(Finding{At: op.PathItem, Message: "same node for every method"})
			},
			Scheme:   func(c *Context, s *Scheme) { calls["scheme"]++ },
			Schema:   func(c *Context, s *Schema) { calls["schema"]++ },
			Text:     func(c *Context, tx Text) { calls["text"]++ },
			Document: func(c *Context, d *Document) { calls["document"]++ },
		},
		{Rule: "lint/test-collection", Collection: func(c *Context, api *surface.API) {
			calls["collection"]++
			c.ReportAt(api.File.Locate("/info"), Finding{Message: "collection"})
		}},
	}
	s, err := New(Options{Credentials: noCredentials{}}, rs, checks)
	if err != nil {
		t.Fatal(err)
	}
	surf := ingesttest.LoadForLint(t, "testdata/index/multi/api.yaml")
	coll := &surface.File{Path: "c.json", Abs: "/c.json"}
	surf.APIs = append(surf.APIs, &surface.API{File: coll, Format: surface.FormatPostman21})
	got, err := s.Findings(context.Background(), surf)
	if err != nil {
		t.Fatal(err)
	}
	// Schemas: Node, Other and the limit parameter's.
	want := map[string]int{"operation": 2, "scheme": 1, "schema": 3, "document": 1, "collection": 1}
	for k, n := range want {
		if calls[k] != n {
			t.Errorf("%s hook called %d times, want %d", k, calls[k], n)
		}
	}
	if calls["text"] == 0 {
		t.Error("text hook never called")
	}
	byRule := map[string][]rules.Finding{}
	for _, f := range got {
		byRule[f.RuleID] = append(byRule[f.RuleID], f)
	}
	if len(byRule["lint/test-operation"]) != 1 {
		t.Errorf("findings at one node not merged: %+v", got)
	}
	if c := byRule["lint/test-collection"]; len(c) != 1 || c[0].Location.File != "c.json" {
		t.Errorf("collection findings = %+v", c)
	}
	if _, err := New(Options{Credentials: noCredentials{}}, rs, []Check{{Rule: "lint/none", Document: func(*Context, *Document) {}}}); err == nil {
		t.Error("a check without a rule was accepted")
	}
}

// noCredentials is a credential detector that finds none: the engine only
// hands it to checks.
type noCredentials struct{}

func (noCredentials) LooksLikeCredential(name, value string) (string, bool) { return "", false }

// TestNewNeedsDetector: the engine builds no secret detector of its own.
func TestNewNeedsDetector(t *testing.T) {
	if _, err := New(Options{}, nil, nil); err == nil || !strings.Contains(err.Error(), "no credential detector") {
		t.Fatalf("New without Options.Credentials = %v, want an error", err)
	}
}
