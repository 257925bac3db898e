package excerpt

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/surface"
)

// The secrets planted in testdata/api.yaml; no held line may show them.
var planted = []string{
	"Sup3rS3cretDeployPw",
	"sk_live_51HqLyjWDarjtT1zdp7dcXwcP3kQmN9vR8sT2uY4w",
	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
}

func loadFiles(t *testing.T, names ...string) []*surface.File {
	t.Helper()
	var files []*surface.File
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, &surface.File{Path: n, Data: data})
	}
	return files
}

func at(file string, line int) rules.Finding {
	return rules.Finding{RuleID: "lint/x", Location: rules.Location{File: file, Line: line}}
}

// secret is a secret finding at a span (columns in runes, end exclusive).
func secret(line, col, endLine, endCol int, evidence string) rules.Finding {
	return rules.Finding{
		RuleID: "secrets/x", Evidence: evidence,
		Location: rules.Location{File: "api.yaml", Line: line, Column: col, EndLine: endLine, EndColumn: endCol},
	}
}

func TestAround(t *testing.T) {
	files := loadFiles(t, "api.yaml", "blob.bin")
	apiKey := secret(13, 20, 13, 69, "sk_l…")
	userinfo := secret(6, 25, 6, 44, "Sup3…")
	tests := []struct {
		name     string
		findings []rules.Finding
		secrets  []rules.Finding
		radius   int
		want     map[string]Lines
	}{
		{
			name:     "lines around a finding, cut at the start of the file",
			findings: []rules.Finding{at("api.yaml", 2)},
			radius:   2,
			want:     map[string]Lines{"api.yaml": {1: "openapi: 3.0.3", 2: "info:", 3: "  title: Excerpt fixture", 4: `  version: "1"`}},
		},
		{
			name:     "a lint finding next to a secret shows it masked",
			findings: []rules.Finding{at("api.yaml", 12)},
			secrets:  []rules.Finding{apiKey},
			radius:   1,
			want: map[string]Lines{"api.yaml": {
				11: "        - name: api_key", 12: "          in: query", 13: "          example: sk_l…",
			}},
		},
		{
			name:     "a secret in the middle of a line keeps the rest",
			findings: []rules.Finding{userinfo},
			secrets:  []rules.Finding{userinfo},
			want:     map[string]Lines{"api.yaml": {6: "  - url: https://deploy:Sup3…@api.example.com"}},
		},
		{
			name:     "a secret over several lines is masked on each",
			findings: []rules.Finding{at("api.yaml", 22)},
			secrets:  []rules.Finding{secret(21, 9, 23, 34, "")},
			radius:   1,
			want:     map[string]Lines{"api.yaml": {21: "        …", 22: "", 23: ""}},
		},
		{
			name:     "a secret without a column masks its line",
			findings: []rules.Finding{at("api.yaml", 13)},
			secrets:  []rules.Finding{{RuleID: "secrets/x", Evidence: "sk_l…", Location: rules.Location{File: "api.yaml", Line: 13}}},
			want:     map[string]Lines{"api.yaml": {13: "          sk_l…"}},
		},
		{
			name:     "near miss: a secret off the held lines changes nothing",
			findings: []rules.Finding{at("api.yaml", 2)},
			secrets:  []rules.Finding{apiKey, userinfo},
			want:     map[string]Lines{"api.yaml": {2: "info:"}},
		},
		{
			name:     "near miss: a secret in another file changes nothing",
			findings: []rules.Finding{at("api.yaml", 16)},
			secrets:  []rules.Finding{{RuleID: "secrets/x", Location: rules.Location{File: "other.yaml", Line: 16, Column: 1}}},
			want:     map[string]Lines{"api.yaml": {16: "          description: ok"}},
		},
		{
			name: "related locations are held too",
			findings: []rules.Finding{{RuleID: "lint/x", Location: rules.Location{File: "api.yaml", Line: 8},
				Related: []rules.RelatedLocation{{Location: rules.Location{File: "api.yaml", Line: 17}}}}},
			want: map[string]Lines{"api.yaml": {8: "  /users:", 17: "components:"}},
		},
		{
			name:     "a span over several lines holds them all",
			findings: []rules.Finding{{RuleID: "lint/x", Location: rules.Location{File: "api.yaml", Line: 14, EndLine: 16}}},
			want:     map[string]Lines{"api.yaml": {14: "      responses:", 15: `        "200":`, 16: "          description: ok"}},
		},
		{
			name:     "no lines for binary files, unknown files or findings without a line",
			findings: []rules.Finding{at("blob.bin", 1), at("traffic.har", 3), at("api.yaml", 0)},
			want:     map[string]Lines{},
		},
		{
			name:     "the end of the file",
			findings: []rules.Finding{at("api.yaml", 23)},
			radius:   5,
			want: map[string]Lines{"api.yaml": {
				18: "  examples:", 19: "    pem:", 20: "      value: |", 21: "        -----BEGIN PRIVATE KEY-----",
				22: "        MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 23: "        -----END PRIVATE KEY-----", 24: "",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Around(files, tt.findings, tt.secrets, tt.radius)
			if !reflect.DeepEqual(got.Files, tt.want) {
				t.Errorf("Around\n got %q\nwant %q", got.Files, tt.want)
			}
			if got.Radius != tt.radius {
				t.Errorf("Radius %d, want %d", got.Radius, tt.radius)
			}
		})
	}
}

// TestAroundMasksEveryPlantedSecret puts a finding on every line and the
// planted secrets' findings in: no line shows any of them.
func TestAroundMasksEveryPlantedSecret(t *testing.T) {
	files := loadFiles(t, "api.yaml")
	var findings []rules.Finding
	for l := 1; l <= 24; l++ {
		findings = append(findings, at("api.yaml", l))
	}
	secrets := []rules.Finding{secret(6, 25, 6, 44, "Sup3…"), secret(13, 20, 13, 69, "sk_l…"), secret(21, 9, 23, 34, "-----…")}
	set := Around(files, findings, secrets, 0)
	if len(set.Files["api.yaml"]) != 24 {
		t.Fatalf("held %d lines, want 24", len(set.Files["api.yaml"]))
	}
	for n, l := range set.Files["api.yaml"] {
		for _, s := range planted {
			if strings.Contains(l, s) {
				t.Errorf("line %d shows a planted secret: %q", n, l)
			}
		}
	}
}

func TestAroundClipsLongLines(t *testing.T) {
	long := strings.Repeat("x", MaxLineRunes+50)
	files := []*surface.File{{Path: "min.json", Data: []byte(long + "\n")}}
	got := Around(files, []rules.Finding{at("min.json", 1)}, nil, 0).Files["min.json"][1]
	if want := strings.Repeat("x", MaxLineRunes) + "…"; got != want {
		t.Errorf("long line held as %d runes, want %d and an ellipsis", len([]rune(got)), MaxLineRunes)
	}
}
