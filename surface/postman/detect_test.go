package postman

import (
	"testing"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		file string
		want surface.Format
	}{
		{"v20_map_auth.postman_collection.json", surface.FormatPostman20},
		{"v21_nested.postman_collection.json", surface.FormatPostman21}, // schema.postman.com URL
		{"auth_types.postman_collection.json", surface.FormatPostman21},
		{"api_wrapped.json", surface.FormatPostman21},
		{"secret.postman_environment.json", surface.FormatPostmanEnvironment},
		{"second.postman_environment.json", surface.FormatPostmanEnvironment}, // no scope field: id+name+values
		{"api_wrapped_environment.json", surface.FormatPostmanEnvironment},
		{"env.yaml", surface.FormatPostmanEnvironment},
		{"globals.json", surface.FormatOther},
		{"openapi.json", surface.FormatOther},
		{"v1_collection.json", surface.FormatOther},
		{"schema_other_host.json", surface.FormatOther},
		{"schema_v1.json", surface.FormatOther},
		{"values_not_variables.json", surface.FormatOther},
		{"env_missing_id.json", surface.FormatOther},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := fixture(t, tt.file).Format; got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDetectScalarsAndNil(t *testing.T) {
	if got := Detect(nil); got != surface.FormatOther {
		t.Errorf("Detect(nil) = %q", got)
	}
	for _, doc := range []string{`"just a string"`, `[1,2]`, `{"info": "x"}`, `{"info": {"schema": 5}}`, `{"collection": {"info": {"schema": []}}}`} {
		tree, err := sourcemap.Parse([]byte(doc))
		if err != nil {
			t.Fatalf("parse %s: %v", doc, err)
		}
		if got := Detect(tree); got != surface.FormatOther {
			t.Errorf("Detect(%s) = %q, want other", doc, got)
		}
	}
}

func TestSchemaURLs(t *testing.T) {
	tests := []struct {
		url  string
		want surface.Format
	}{
		{"https://schema.getpostman.com/json/collection/v2.0.0/collection.json", surface.FormatPostman20},
		{"https://schema.getpostman.com/json/collection/v2.1.0/collection.json", surface.FormatPostman21},
		{"http://schema.getpostman.com/json/collection/v2.1.0/", surface.FormatPostman21},
		{"https://schema.postman.com/collection/json/v2.1.0/draft-07/collection.json", surface.FormatPostman21},
		{"https://schema.postman.com/collection/json/v2.0.0/draft-07/collection.json", surface.FormatPostman20},
		{"https://schema.getpostman.com/json/collection/v1.0.0/collection.json", surface.FormatOther},
		{"https://schema.getpostman.com/json/draft-07/v2.1.0/", surface.FormatOther},
		{"https://schema.getpostman.com.evil.example/json/collection/v2.1.0/", surface.FormatOther},
		{"schema.getpostman.com/json/collection/v2.1.0/", surface.FormatOther},
	}
	for _, tt := range tests {
		tree, err := sourcemap.Parse([]byte(`{"info": {"schema": "` + tt.url + `"}, "item": []}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(tree); got != tt.want {
			t.Errorf("Detect(schema %s) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
