package openapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// TestLoadErrors covers every refusal: each fixture must fail quickly with a
// one-line error that names the file and says why.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		opts    Options
		want    []string // substrings of the error
	}{
		{"refuse/missing.yaml", Options{}, []string{"testdata/refuse/missing.yaml:12:23", `$ref "nowhere.yaml#/Thing"`, "testdata/refuse/nowhere.yaml does not exist"}},
		{"refuse/etc-passwd.yaml", Options{}, []string{`$ref "/etc/passwd"`, "outside the spec's folder", "--allow-remote-refs"}},
		{"refuse/file-scheme.yaml", Options{}, []string{`$ref "file:///etc/passwd"`, "outside the spec's folder", "--allow-remote-refs"}},
		{"refuse/inner/outside.yaml", Options{}, []string{"testdata/refuse/inner/outside.yaml:12:23", `$ref "../sibling.yaml#/Thing"`, "outside the spec's folder", "--allow-remote-refs"}},
		{"refuse/metadata.yaml", Options{}, []string{`$ref "http://169.254.169.254/latest/meta-data/"`, "names a URL", "--allow-remote-refs"}},
		{"refuse/https.yaml", Options{}, []string{`$ref "https://example.com/schemas.yaml#/Thing"`, "names a URL", "--allow-remote-refs"}},
		{"refuse/ftp.yaml", Options{}, []string{`$ref "ftp://example.com/x.yaml"`, "names a URL"}},
		{"refuse/ftp.yaml", Options{AllowRemoteRefs: true}, []string{`$ref "ftp://example.com/x.yaml"`, `scheme "ftp" is not supported`}},
		{"refuse/mapping.yaml", Options{}, []string{"testdata/refuse/mapping.yaml:13:16", `$ref "models/cat.yaml#/Cat"`, "does not exist"}},
		{"refuse/broken-target.yaml", Options{}, []string{`$ref "broken.yaml#/Thing"`, "testdata/refuse/broken.yaml", "malformed YAML"}},
		{"refuse/missing.yaml", Options{MaxFileBytes: 10}, []string{"does not exist"}},
		{"multi/api.yaml", Options{MaxFileBytes: 100}, []string{"testdata/multi/paths/users.yaml is", "over the 100 byte limit"}},
		{"hostile/bomb.yaml", Options{}, []string{"testdata/hostile/bomb.yaml", "aliases expand", "alias bomb"}},
		{"hostile/bomb20.yaml", Options{}, []string{"testdata/hostile/bomb20.yaml", "alias bomb"}},
		{"hostile/malformed.yaml", Options{}, []string{"testdata/hostile/malformed.yaml", "malformed YAML"}},
		{"hostile/truncated.json", Options{}, []string{"testdata/hostile/truncated.json"}},
		{"hostile/openapi4.yaml", Options{}, []string{"testdata/hostile/openapi4.yaml:1:10", `unsupported OpenAPI version "4.0.0"`}},
		{"hostile/swagger12.yaml", Options{}, []string{"testdata/hostile/swagger12.yaml:1:10", `unsupported Swagger version "1.2"`}},
		{"hostile/wrong-types.yaml", Options{}, []string{"testdata/hostile/wrong-types.yaml"}},
		{"v20/remote.yaml", Options{}, []string{"testdata/v20/remote.yaml:10:19", `$ref "http://169.254.169.254/latest/definitions.yaml#/Pet"`, "names a URL"}},
		{"ignore/bad-empty.yaml", Options{}, []string{"testdata/ignore/bad-empty.yaml:4:19", "x-specter-ignore", "empty list"}},
		{"ignore/bad-id.yaml", Options{}, []string{"testdata/ignore/bad-id.yaml:4:19", `"not a rule" is not a rule id`}},
		{"ignore/bad-mapping.yaml", Options{}, []string{"testdata/ignore/bad-mapping.yaml:4:19", "must be a rule id, a list"}},
		{"ignore/bad-no-rule.yaml", Options{}, []string{"testdata/ignore/bad-no-rule.yaml:4:20", "entry has no rule"}},
		{"ignore/bad-unknown-key.yaml", Options{}, []string{"testdata/ignore/bad-unknown-key.yaml:4:35", `unknown member "reasn"`}},
		{"ignore/bad-nested.yaml", Options{}, []string{"testdata/ignore/bad-nested.yaml:4:20", `"42" is not a rule id`}},
		{"ignore/bad-null.yaml", Options{}, []string{"testdata/ignore/bad-null.yaml:4:19", "rule id must be a string"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := Load(ctx, fixtureFile(t, tc.fixture), tc.opts)
			if err == nil {
				t.Fatalf("loaded (%d operations), want an error", len(res.API.Operations))
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestKinRefusesAliasBombs checks the second line of defence: without our
// alias check, kin-openapi's own YAML decoding refuses a billion-laughs
// document quickly instead of expanding it.
func TestKinRefusesAliasBombs(t *testing.T) {
	for _, name := range []string{"hostile/bomb.yaml", "hostile/bomb20.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if name == "hostile/bomb20.yaml" {
			var doc openapi2.T
			err = openapi2.UnmarshalFromData(data, &doc)
		} else {
			_, err = openapi3.NewLoader().LoadFromData(data)
		}
		if err == nil || !strings.Contains(err.Error(), "excessive aliasing") {
			t.Errorf("%s: kin-openapi said %v, want an excessive aliasing error", name, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: kin-openapi took %v", name, d)
		}
	}
}

// TestLoadFollows covers refs the policy lets through: files outside the
// root's folder with AllowRemoteRefs, and Swagger 2.0 external refs, which
// are resolved under the same policy as 3.x ones.
func TestLoadFollows(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		opts    Options
		files   []string
	}{
		{"refuse/inner/outside.yaml", Options{AllowRemoteRefs: true}, []string{"testdata/refuse/sibling.yaml"}},
		{"v20/external.yaml", Options{}, []string{"testdata/v20/definitions.yaml"}},
		{"circular/a.yaml", Options{}, []string{"testdata/circular/b.yaml"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			res, err := Load(context.Background(), fixtureFile(t, tc.fixture), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Files {
				got = append(got, f.Path)
				if f.Tree == nil || len(f.Data) == 0 || !filepath.IsAbs(f.Abs) {
					t.Errorf("%s: Tree, Data or Abs not set", f.Path)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.files, ",") {
				t.Errorf("Files = %v, want %v", got, tc.files)
			}
			op := res.API.Operations[0]
			schema := res.API.OpenAPI.Paths.Value(op.Path).GetOperation(op.Method).Responses.Status(200).Value.Content.Get("application/json").Schema
			if schema == nil || schema.Value == nil {
				t.Fatalf("response schema of %s %s not resolved", op.Method, op.Path)
			}
		})
	}
}

// TestSecurityDeclaredEmptyVsAbsent pins the nil/empty distinction the
// surface documents on Operation.Security.
func TestSecurityDeclaredEmptyVsAbsent(t *testing.T) {
	res, err := Load(context.Background(), fixtureFile(t, "v30/api.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*surface.Operation{}
	for _, o := range res.API.Operations {
		byID[o.Method+" "+o.Path] = o
	}
	if s := byID["GET /health"].Security; s == nil || len(s) != 0 {
		t.Errorf("security: [] gave %#v, want a non-nil empty list", s)
	}
	if s := byID["POST /health"].Security; len(s) != 2 {
		t.Errorf("undeclared operation security gave %#v, want the document's two requirements", s)
	}
	res, err = Load(context.Background(), fixtureFile(t, "v31/api.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.API.Security != nil {
		t.Errorf("document without security gave %#v, want nil", res.API.Security)
	}
	for _, o := range res.API.Operations {
		if o.OperationID == "putEvent" && o.Security != nil {
			t.Errorf("operation with no security anywhere gave %#v, want nil", o.Security)
		}
	}
}

// TestRemoteRefs fetches a $ref over HTTP only when allowed.
func TestRemoteRefs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/schemas.yaml" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("Thing:\n  type: string\n"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	write := func(name, ref string) *surface.File {
		doc := "openapi: 3.0.3\ninfo: {title: R, version: \"1\"}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '" + ref + "'\n"
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return readSpec(t, p, name)
	}
	good := write("good.yaml", srv.URL+"/schemas.yaml#/Thing")
	if _, err := Load(context.Background(), good, Options{}); err == nil || !strings.Contains(err.Error(), "--allow-remote-refs") {
		t.Errorf("remote ref without opt-in: %v", err)
	}
	res, err := Load(context.Background(), good, Options{AllowRemoteRefs: true})
	if err != nil {
		t.Fatalf("remote ref with opt-in: %v", err)
	}
	if len(res.Files) != 0 {
		t.Errorf("remote documents listed as local files: %v", res.Files)
	}
	bad := write("bad.yaml", srv.URL+"/missing.yaml#/Thing")
	if _, err := Load(context.Background(), bad, Options{AllowRemoteRefs: true}); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("remote ref answering 500: %v", err)
	}
}

// TestSymlinkEscape refuses a link inside the folder that leads out of it.
func TestSymlinkEscape(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("Thing:\n  type: string\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "link.yaml")); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	doc := "openapi: 3.0.3\ninfo: {title: L, version: \"1\"}\npaths: {}\ncomponents:\n  schemas:\n    T:\n      $ref: 'link.yaml#/Thing'\n"
	p := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), readSpec(t, p, "api.yaml"), Options{})
	var refErr *RefError
	if !errors.As(err, &refErr) || !strings.Contains(err.Error(), "outside the spec's folder") {
		t.Errorf("symlink out of the folder: %v", err)
	}
}

// TestLoadContext stops on a done context.
func TestLoadContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, fixtureFile(t, "v30/api.yaml"), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// TestLoaderPanicBecomesError makes kin-openapi's call into our reader
// panic and checks that Load reports it as an error naming the file.
func TestLoaderPanicBecomesError(t *testing.T) {
	root := fixtureFile(t, "multi/api.yaml")
	refs, err := newRefReader(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(filepath.Join("testdata", "multi", "paths", "users.yaml"))
	refs.files[abs] = nil // reading it dereferences nil inside the loader's call
	_, err = loadDocument(context.Background(), root, surface.FormatOpenAPI30, refs)
	if err == nil || !strings.Contains(err.Error(), "testdata/multi/api.yaml: the OpenAPI loader crashed") {
		t.Errorf("panic in the loader gave %v", err)
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want surface.Format
	}{
		{`swagger: "2.0"`, surface.FormatSwagger20},
		{`{"swagger": "2.0"}`, surface.FormatSwagger20},
		{`swagger: "1.2"`, surface.FormatSwagger20}, // detected, refused by Load
		{`openapi: 3.0.3`, surface.FormatOpenAPI30},
		{`openapi: "3.0"`, surface.FormatOpenAPI30},
		{`{"openapi": "3.1.0"}`, surface.FormatOpenAPI31},
		{`openapi: 3.2.0`, surface.FormatOpenAPI31},
		{`openapi: 4.0.0`, surface.FormatOpenAPI30}, // detected, refused by Load
		{`openapi: [3]`, surface.FormatOpenAPI30},   // detected, refused by Load
		{"swagger: \"2.0\"\nopenapi: 3.1.0", surface.FormatOpenAPI31},
		{`info: {title: openapi}`, surface.FormatOther},
		{`{"info": {"_postman_id": "x"}, "item": []}`, surface.FormatOther},
		{`[1, 2]`, surface.FormatOther},
		{`just text`, surface.FormatOther},
		{"paths:\n  openapi: 3.0.0", surface.FormatOther},
	} {
		tree, err := sourcemap.Parse([]byte(tc.doc))
		if err != nil {
			t.Fatalf("%q: %v", tc.doc, err)
		}
		if got := Detect(tree); got != tc.want {
			t.Errorf("Detect(%q) = %q, want %q", tc.doc, got, tc.want)
		}
	}
	if Detect(nil) != surface.FormatOther {
		t.Error("Detect(nil) is not FormatOther")
	}
}
