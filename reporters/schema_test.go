package reporters

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles a JSON Schema from testdata under the id it
// declares ($id, or id for draft-04 schemas such as SARIF's).
func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("read schema %s: %v", file, err)
	}
	obj, _ := doc.(map[string]any)
	id, _ := obj["$id"].(string)
	if id == "" {
		id, _ = obj["id"].(string)
	}
	if id == "" {
		t.Fatalf("schema %s declares no id", file)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatalf("add schema %s: %v", file, err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("compile schema %s: %v", file, err)
	}
	return sch
}

func validate(sch *jsonschema.Schema, doc []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// mutate decodes a document, lets edit change it and re-encodes it.
func mutate(t *testing.T, doc []byte, edit func(map[string]any)) []byte {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	edit(v)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestJSONMatchesSchema(t *testing.T) {
	sch := compileSchema(t, "json-report.schema.json")
	for _, fixture := range []string{"full", "empty", "inventory"} {
		out := render(t, renderCase{fixture: fixture, format: "json"})
		if err := validate(sch, out); err != nil {
			t.Errorf("%s: JSON report does not match its schema: %v", fixture, err)
		}
	}
	full := render(t, renderCase{fixture: "full", format: "json"})
	// The schema must reject what the documentation forbids, or the checks
	// above prove nothing.
	for name, edit := range map[string]func(map[string]any){
		"findings null":          func(v map[string]any) { v["findings"] = nil },
		"unknown top-level key":  func(v map[string]any) { v["extra"] = true },
		"severity out of range":  func(v map[string]any) { finding(v, 0)["severity"] = "severe" },
		"suppressed without why": func(v map[string]any) { finding(v, 0)["suppression"] = nil },
		"missing location":       func(v map[string]any) { delete(finding(v, 1), "location") },
		"negative count":         func(v map[string]any) { v["summary"].(map[string]any)["high"] = -1 },
		"unknown fail_on":        func(v map[string]any) { v["gate"].(map[string]any)["fail_on"] = "severe" },
		"unsuppressed with a why": func(v map[string]any) {
			finding(v, 1)["suppression"] = map[string]any{"kind": "external", "source": "config", "reason": ""}
		},
	} {
		if err := validate(sch, mutate(t, full, edit)); err == nil {
			t.Errorf("schema accepts a report with %s", name)
		}
	}
}

func finding(v map[string]any, i int) map[string]any {
	return v["findings"].([]any)[i].(map[string]any)
}

func TestJSONEmptyFindingsIsArray(t *testing.T) {
	out := render(t, renderCase{fixture: "empty", format: "json"})
	if !bytes.Contains(out, []byte(`"findings": []`)) {
		t.Errorf("empty report does not hold \"findings\": []:\n%s", out)
	}
	if !bytes.Contains(out, []byte(`"reasons": []`)) {
		t.Errorf("empty report does not hold \"reasons\": []:\n%s", out)
	}
}

func TestSARIFMatchesSchema(t *testing.T) {
	sch := compileSchema(t, "sarif-schema-2.1.0.json")
	for _, fixture := range []string{"full", "empty", "inventory"} {
		out := render(t, renderCase{fixture: fixture, format: "sarif"})
		if err := validate(sch, out); err != nil {
			t.Errorf("%s: SARIF does not match the 2.1.0 schema: %v", fixture, err)
		}
	}
	full := render(t, renderCase{fixture: "full", format: "sarif"})
	for name, edit := range map[string]func(map[string]any){
		"start line 0": func(v map[string]any) {
			region := sarifResultAt(v, 0)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)
			region["startLine"] = 0
		},
		"null suppression status": func(v map[string]any) {
			sarifResultAt(v, 0)["suppressions"].([]any)[0].(map[string]any)["status"] = nil
		},
		"unknown level": func(v map[string]any) { sarifResultAt(v, 0)["level"] = "fatal" },
	} {
		if err := validate(sch, mutate(t, full, edit)); err == nil {
			t.Errorf("SARIF schema accepts a log with %s", name)
		}
	}
}

func sarifResultAt(v map[string]any, i int) map[string]any {
	run := v["runs"].([]any)[0].(map[string]any)
	return run["results"].([]any)[i].(map[string]any)
}

func TestDropNullMembers(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"a":null,"b":1}`, `{"b":1}`},
		{`{"a":{"x":null},"b":[null,{"c":null,"d":"<e>"}]}`, `{"a":{},"b":[null,{"d":"<e>"}]}`},
		{`{"n":1.50e3,"t":true,"f":false,"s":"\u00e9\n"}`, "{\"n\":1.50e3,\"t\":true,\"f\":false,\"s\":\"é\\n\"}"},
		{`[]`, `[]`},
	} {
		got, err := dropNullMembers([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("dropNullMembers(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`{"a":`, `{"a":1} {}`, `{"a" 1}`} {
		if _, err := dropNullMembers([]byte(bad)); err == nil {
			t.Errorf("dropNullMembers(%s) accepted malformed JSON", bad)
		}
	}
}

// The policy chain's counts are in the JSON report when a step did
// something, and the schema holds them.
func TestJSONPolicySteps(t *testing.T) {
	sch := compileSchema(t, "json-report.schema.json")
	r := loadReport(t, "full")
	r.Policy = []PolicyStep{{Step: "rule settings", Changed: 3}, {Step: "baseline", Dropped: 2}}
	var buf bytes.Buffer
	if err := (&JSON{}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := validate(sch, buf.Bytes()); err != nil {
		t.Fatalf("report with policy steps does not match the schema: %v", err)
	}
	var doc struct {
		Policy []map[string]any `json:"policy"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Policy) != 2 || doc.Policy[0]["step"] != "rule settings" || doc.Policy[0]["changed"] != float64(3) || doc.Policy[1]["dropped"] != float64(2) {
		t.Errorf("policy = %v", doc.Policy)
	}
	bad := mutate(t, buf.Bytes(), func(v map[string]any) { v["policy"].([]any)[0].(map[string]any)["step"] = "magic" })
	if err := validate(sch, bad); err == nil {
		t.Error("schema accepts an unknown policy step")
	}
	if out := render(t, renderCase{fixture: "full", format: "json"}); bytes.Contains(out, []byte(`"policy"`)) {
		t.Error("a report whose chain did nothing has a policy key")
	}
}
