package postman

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// seedFixtures adds every fixture under testdata (not the fuzz corpus) as
// a seed.
func seedFixtures(f *testing.F) {
	f.Helper()
	for _, pattern := range []string{"testdata/*.json", "testdata/*.yaml", "testdata/invalid/*.json"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`{"info":{"schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":[{"request":{"url":{"raw":"{{a}}/:b?c#d","path":[{"value":":b"}],"host":[1,null]}}}]}`))
	f.Add([]byte(`{"values":[{"key":"k","value":{"a":[1,true,null]}}],"_postman_variable_scope":"environment"}`))
}

func fuzzFile(data []byte) *surface.File {
	tree, err := sourcemap.ParseWithLimits(data, sourcemap.Limits{MaxBytes: 1 << 20, MaxDepth: 64})
	if err != nil {
		return nil
	}
	return &surface.File{Path: "fuzz.json", Data: data, Tree: tree, Format: Detect(tree)}
}

func FuzzLoadCollection(f *testing.F) {
	seedFixtures(f)
	env := &surface.Environment{Variables: []surface.Variable{{Key: "host", Value: "{{host}}.x", Enabled: true}, {Key: "a", Value: "{{b}}{{b}}", Enabled: true}, {Key: "b", Value: "{{a}}", Enabled: true}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := fuzzFile(data)
		if file == nil {
			return
		}
		api, err := LoadCollection(file, []*surface.Environment{env})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if !file.Format.IsPostman() || api.Format != file.Format {
			t.Fatalf("loaded a %q file as %q", file.Format, api.Format)
		}
		for _, op := range api.Operations {
			if op.Method == "" || op.Method != strings.ToUpper(op.Method) || !strings.HasPrefix(op.Path, "/") || op.Request == nil {
				t.Fatalf("bad operation %+v", op)
			}
			if len(op.Request.URL) > len(op.Request.RawURL)+2*maxResolvedGrowth+len(data) {
				t.Fatalf("URL grew to %d bytes", len(op.Request.URL))
			}
		}
	})
}

func FuzzLoadEnvironment(f *testing.F) {
	seedFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file := fuzzFile(data)
		if file == nil {
			return
		}
		env, err := LoadEnvironment(file)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			if file.Format == surface.FormatPostmanEnvironment && strings.Contains(err.Error(), "not a Postman environment") {
				t.Fatalf("detected as an environment but refused: %v", err)
			}
			return
		}
		if file.Format != surface.FormatPostmanEnvironment {
			t.Fatalf("loaded a %q file as an environment", file.Format)
		}
		for _, v := range env.Variables {
			if v.Type == "" || v.Location.Line == 0 {
				t.Fatalf("incomplete variable %+v", v)
			}
		}
	})
}

// FuzzParseScript checks that any script text is read without a panic and
// that what is read is well formed: a body source has a JSON pointer, a
// header source a name.
func FuzzParseScript(f *testing.F) {
	for _, s := range []string{
		`var d = pm.response.json(); pm.environment.set("id", d.items[0]["id"]);`,
		`postman.setEnvironmentVariable("loc", postman.getResponseHeader("Location"))`,
		`pm.collectionVariables.set('a', "b"); // c`,
		`pm.environment.set("x", pm.response.json()["a/b~c"]?.d.toString())`,
		`pm.environment.set("x", (((`,
		"pm.globals.set(`t`, 1)",
		`let x = JSON.parse(responseBody) ; pm.variables.set("k", x[")"])`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		for _, s := range parseScript(strings.Split(script, "\n"), nil) {
			switch s.Source {
			case surface.SetFromBody:
				if s.Pointer != "" && !strings.HasPrefix(s.Pointer, "/") {
					t.Fatalf("pointer %q of %q", s.Pointer, s.Script)
				}
			case surface.SetFromHeader:
				if s.Header == "" {
					t.Fatalf("no header name in %q", s.Script)
				}
			}
		}
	})
}
