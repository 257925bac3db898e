package openapi

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestLoadSourcesErrors: LoadSources refuses what Load refuses about files
// and $refs, with the same messages.
func TestLoadSourcesErrors(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		opts    Options
		want    []string
	}{
		{"refuse/missing.yaml", Options{}, []string{"testdata/refuse/missing.yaml:12:23", `$ref "nowhere.yaml#/Thing"`, "does not exist"}},
		{"refuse/etc-passwd.yaml", Options{}, []string{`$ref "/etc/passwd"`, "outside the spec's folder"}},
		{"refuse/file-scheme.yaml", Options{}, []string{`$ref "file:///etc/passwd"`, "outside the spec's folder"}},
		{"refuse/inner/outside.yaml", Options{}, []string{"testdata/refuse/inner/outside.yaml:12:23", "outside the spec's folder"}},
		{"refuse/metadata.yaml", Options{}, []string{`$ref "http://169.254.169.254/latest/meta-data/"`, "names a URL"}},
		{"refuse/broken-target.yaml", Options{}, []string{"testdata/refuse/broken.yaml", "malformed YAML"}},
		{"multi/api.yaml", Options{MaxFileBytes: 100}, []string{"over the 100 byte limit"}},
		{"hostile/bomb.yaml", Options{}, []string{"alias bomb"}},
		{"hostile/openapi4.yaml", Options{}, []string{`unsupported OpenAPI version "4.0.0"`}},
		{"ignore/bad-id.yaml", Options{}, []string{"testdata/ignore/bad-id.yaml:4:19", `"not a rule" is not a rule id`}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := LoadSources(ctx, fixtureFile(t, tc.fixture), tc.opts)
			if err == nil {
				t.Fatal("loaded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestLoadSourcesFiles: the same files and ignores as Load, without a model.
func TestLoadSourcesFiles(t *testing.T) {
	for _, fixture := range []string{"multi/api.yaml", "v20/external.yaml", "ignore/forms.yaml"} {
		t.Run(fixture, func(t *testing.T) {
			full, err := Load(context.Background(), fixtureFile(t, fixture), Options{})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			light, err := LoadSources(context.Background(), fixtureFile(t, fixture), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if light.API != nil {
				t.Error("LoadSources built an API")
			}
			names := func(r *Result) string {
				var out []string
				for _, f := range r.Files {
					out = append(out, f.Path)
				}
				return strings.Join(out, ",")
			}
			if a, b := names(full), names(light); a != b {
				t.Errorf("files: Load %s, LoadSources %s", a, b)
			}
			if len(full.Ignores) != len(light.Ignores) {
				t.Errorf("ignores: Load %d, LoadSources %d", len(full.Ignores), len(light.Ignores))
			}
		})
	}
}
