package postman

import (
	"strings"
	"testing"

	"github.com/specterhq/specter/surface"
)

func TestLoadEnvironment(t *testing.T) {
	type variable struct {
		key, value, typ string
		enabled         bool
	}
	tests := []struct {
		file    string
		name    string
		vars    []variable
		pointer string // pointer of the first variable's location
	}{
		{
			file: "secret.postman_environment.json", name: "Staging", pointer: "/values/0/value",
			vars: []variable{
				{"baseUrl", "https://staging.example.com", "default", true},
				{"apiKey", "sk_live_abcdef123456", "secret", true},
				{"port", "8443", "default", true},
				{"debug", "false", "default", true},
				{"old", "unused", "default", false},
				{"collectionToken", "env-token", "secret", true},
			},
		},
		{
			file: "env.yaml", name: "YAML env", pointer: "/values/0/value",
			vars: []variable{{"host", "example.org", "default", true}, {"n", "3", "default", true}},
		},
		{
			file: "api_wrapped_environment.json", name: "Wrapped env", pointer: "/environment/values/0/value",
			vars: []variable{{"k", "v", "default", true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := fixture(t, tt.file)
			env, err := LoadEnvironment(f)
			if err != nil {
				t.Fatalf("LoadEnvironment: %v", err)
			}
			if env.Name != tt.name || env.File != f {
				t.Errorf("name %q file %v, want %q", env.Name, env.File, tt.name)
			}
			if len(env.Variables) != len(tt.vars) {
				t.Fatalf("%d variables, want %d: %+v", len(env.Variables), len(tt.vars), env.Variables)
			}
			for i, want := range tt.vars {
				got := env.Variables[i]
				if got.Key != want.key || got.Value != want.value || got.Type != want.typ || got.Enabled != want.enabled {
					t.Errorf("variable %d = %+v, want %+v", i, got, want)
				}
			}
			loc := env.Variables[0].Location
			if loc.Pointer != tt.pointer || loc.File != f.Path {
				t.Errorf("location %+v, want pointer %s", loc, tt.pointer)
			}
		})
	}
}

func TestLoadEnvironmentLocations(t *testing.T) {
	f := fixture(t, "secret.postman_environment.json")
	env, err := LoadEnvironment(f)
	if err != nil {
		t.Fatal(err)
	}
	api := env.Variables[1]
	if want := lineOf(t, f, `"sk_live_`); api.Location.Line != want || api.Location.Pointer != "/values/1/value" {
		t.Errorf("apiKey location %+v, want line %d", api.Location, want)
	}
	// The column is the value's, not the element's.
	if api.Location.Column <= 20 {
		t.Errorf("apiKey column %d points before the value", api.Location.Column)
	}
}

func TestLoadEnvironmentRejects(t *testing.T) {
	for _, name := range []string{"globals.json", "openapi.json", "v20_map_auth.postman_collection.json", "values_not_variables.json"} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadEnvironment(fixture(t, name))
			if err == nil || !strings.Contains(err.Error(), "not a Postman environment") || !strings.HasPrefix(err.Error(), "testdata/"+name+":1:1:") {
				t.Errorf("err = %v", err)
			}
		})
	}
	if _, err := LoadEnvironment(&surface.File{Path: "x.json"}); err == nil {
		t.Error("a file without a tree loaded")
	}
}

func TestEnvironmentEnabledShape(t *testing.T) {
	f := fixture(t, "secret.postman_environment.json")
	f.Data = []byte(strings.Replace(string(f.Data), `"enabled": true}`, `"enabled": [true]}`, 1))
	tree := reparse(t, f.Data)
	f.Tree = tree
	_, err := LoadEnvironment(f)
	if err == nil || !strings.Contains(err.Error(), `"enabled" is an array`) {
		t.Errorf("err = %v", err)
	}
}
