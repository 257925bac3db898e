package fuzz

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/scanners/secrets"
	"github.com/specterhq/specter/surface/ingest/ingesttest"
)

// The values a finding is about never show in its evidence, whatever
// their member is called: a provider key in a "note", a card number in
// a "ref", the response excerpt of the reproducer included.
func TestFoundValuesMaskedInEvidence(t *testing.T) {
	// Built at run time, so the test file holds no key-shaped literal.
	key := "ghp_" + strings.Repeat("Z1y2X3w4V5u6", 3)[:36]
	card := "4111" + "1111" + "1111" + "1111"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":1,"note":"deploy with %s","ref":"%s"}`, key, card)
	}))
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	spec := filepath.Join(t.TempDir(), "notes.yaml")
	doc := "openapi: 3.0.3\ninfo: {title: notes, version: \"1\"}\npaths:\n  /notes/1:\n    get:\n      responses:\n        \"200\": {description: a note, content: {application/json: {schema: {type: object}}}}\n"
	if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	classifier, err := secrets.New(secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, target, 1)
	cfg.Oracles = append(DefaultOracles(), security.NewSensitiveData(security.Config{Classifier: classifier}))
	res := runEngine(t, cfg, ingesttest.Load(t, spec))
	rulesSeen := map[string]bool{}
	for _, f := range res.Findings {
		rulesSeen[f.RuleID] = true
		for _, v := range []string{key, card} {
			if strings.Contains(f.Evidence, v) || strings.Contains(f.Message, v) {
				t.Errorf("%s shows %s:\n%s\n%s", f.RuleID, v, f.Message, f.Evidence)
			}
		}
	}
	for _, r := range []string{security.RuleSecretInResponse, security.RulePIIInResponse} {
		if !rulesSeen[r] {
			t.Errorf("no %s finding: %v", r, rulesSeen)
		}
	}
}
