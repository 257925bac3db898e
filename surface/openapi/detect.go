package openapi

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/specterhq/specter/surface"
	"github.com/specterhq/specter/surface/sourcemap"
)

// Detect tells an OpenAPI or Swagger document by its content: the top-level
// "swagger" or "openapi" member. Any document carrying one of these members
// is detected as OpenAPI, whatever the version it names, so that Load can
// refuse an unsupported version with a clear error instead of the file being
// skipped as not-a-spec:
//
//   - "swagger" (any value) is FormatSwagger20;
//   - "openapi" 3.0.x is FormatOpenAPI30;
//   - "openapi" 3.1.x and 3.2.x are FormatOpenAPI31 (kin-openapi reads 3.2
//     as 3.1 plus the QUERY method and additionalOperations);
//   - "openapi" with any other value (2.0, 4.0, "", a mapping...) is
//     FormatOpenAPI30, and Load then refuses it as an unsupported version.
//
// Everything else is FormatOther. When both members are present, "openapi"
// wins, as it does for kin-openapi.
func Detect(t *sourcemap.Tree) surface.Format {
	if t == nil || t.Root == nil {
		return surface.FormatOther
	}
	if _, v := sourcemap.Member(t.Root, "openapi"); v != nil {
		switch versionFamily(v) {
		case "3.1", "3.2":
			return surface.FormatOpenAPI31
		default:
			return surface.FormatOpenAPI30
		}
	}
	if _, v := sourcemap.Member(t.Root, "swagger"); v != nil {
		return surface.FormatSwagger20
	}
	return surface.FormatOther
}

// versionFamily returns "major.minor" of a version scalar ("3.1.0" -> "3.1",
// "2.0" -> "2.0"), or "" when the node is not a version-looking scalar.
func versionFamily(v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		return ""
	}
	parts := strings.SplitN(strings.TrimSpace(v.Value), ".", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	for _, p := range parts[:2] {
		if strings.Trim(p, "0123456789") != "" {
			return ""
		}
	}
	return parts[0] + "." + parts[1]
}

// checkVersion confirms that the document names a version specter reads and
// returns the format it loads as.
func checkVersion(f *surface.File) (surface.Format, error) {
	if _, v := sourcemap.Member(f.Tree.Root, "openapi"); v != nil {
		switch fam := versionFamily(v); fam {
		case "3.0":
			return surface.FormatOpenAPI30, nil
		case "3.1", "3.2":
			return surface.FormatOpenAPI31, nil
		default:
			return "", fmt.Errorf("%s:%d:%d: unsupported OpenAPI version %s (specter reads swagger 2.0 and openapi 3.0, 3.1 and 3.2)",
				f.Path, v.Line, v.Column, describeScalar(v))
		}
	}
	if _, v := sourcemap.Member(f.Tree.Root, "swagger"); v != nil {
		if versionFamily(v) == "2.0" {
			return surface.FormatSwagger20, nil
		}
		return "", fmt.Errorf("%s:%d:%d: unsupported Swagger version %s (specter reads swagger 2.0 and openapi 3.0, 3.1 and 3.2)",
			f.Path, v.Line, v.Column, describeScalar(v))
	}
	return "", fmt.Errorf("%s: not an OpenAPI document: no top-level openapi or swagger member", f.Path)
}

func describeScalar(v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		return "(not a version string)"
	}
	s := v.Value
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return fmt.Sprintf("%q", s)
}
