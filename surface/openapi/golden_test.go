package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// summary is what a golden file records of a Result: everything Load fills
// but the kin-openapi document itself.
type summary struct {
	Format          surface.Format
	Title, Version  string
	Servers         []surface.Server
	SecuritySchemes []*surface.SecurityScheme
	Security        *[]surface.SecurityRequirement `json:",omitempty"` // nil: not declared
	Operations      []opSummary
	Files           []string
	Ignores         []surface.InlineIgnore
}

type opSummary struct {
	Method, Path, OperationID, Summary string
	Deprecated                         bool
	Tags                               []string
	At                                 string
	Parameters                         []string
	Security                           *[]surface.SecurityRequirement `json:",omitempty"` // nil: none declared
}

func at(l rules.Location) string {
	return fmt.Sprintf("%s:%d:%d#%s", l.File, l.Line, l.Column, l.Pointer)
}

func summarize(res *Result) summary {
	api := res.API
	s := summary{Format: api.Format, Title: api.Title, Version: api.Version, Servers: api.Servers, Ignores: res.Ignores}
	for _, sc := range api.SecuritySchemes {
		s.SecuritySchemes = append(s.SecuritySchemes, sc)
	}
	sort.Slice(s.SecuritySchemes, func(i, j int) bool { return s.SecuritySchemes[i].Name < s.SecuritySchemes[j].Name })
	if api.Security != nil {
		s.Security = &api.Security
	}
	for _, o := range api.Operations {
		os := opSummary{Method: o.Method, Path: o.Path, OperationID: o.OperationID, Summary: o.Summary,
			Deprecated: o.Deprecated, Tags: o.Tags, At: at(o.Location)}
		if o.Security != nil {
			sec := o.Security
			os.Security = &sec
		}
		for _, p := range o.Parameters {
			typ := ""
			if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type != nil {
				typ = strings.Join(p.Schema.Value.Type.Slice(), "|")
			}
			os.Parameters = append(os.Parameters, fmt.Sprintf("%s %s required=%v type=%s at %s", p.In, p.Name, p.Required, typ, at(p.Location)))
		}
		s.Operations = append(s.Operations, os)
	}
	for _, f := range res.Files {
		s.Files = append(s.Files, f.Path)
	}
	return s
}

// TestGolden loads each good fixture and compares what Load made of it with
// testdata/golden/<name>.json; go test -run TestGolden -update rewrites them.
func TestGolden(t *testing.T) {
	for _, fixture := range []string{
		"v30/api.yaml", "v31/api.json", "v31/query.yaml",
		"v20/petstore.yaml", "v20/petstore.json",
		"multi/api.yaml", "circular/self.yaml", "circular/a.yaml",
		"ignore/forms.yaml", "hostile/anchors.yaml",
	} {
		t.Run(fixture, func(t *testing.T) {
			res, err := Load(context.Background(), fixtureFile(t, fixture), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(summarize(res), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", strings.NewReplacer("/", "_", ".", "_").Replace(fixture)+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("summary differs from %s (run with -update after checking):\n%s", golden, got)
			}
		})
	}
}

// fixtureFile reads a testdata fixture as ingest would hand it over, with a
// report path of testdata/<name>.
func fixtureFile(tb testing.TB, name string) *surface.File {
	tb.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return readSpec(tb, abs, "testdata/"+name)
}
