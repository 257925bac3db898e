package lint

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/specterhq/specter/scanners/lint/engine"
)

// Governance: ownership, environments, audience, deprecation and path
// hygiene, what API inventory management (OWASP API9:2023) needs from a
// spec.
func governanceChecks() []engine.Check {
	return []engine.Check{
		{Rule: "lint/no-owner", Document: noOwner},
		{Rule: "lint/server-environment-undeclared", Document: serverEnvironmentUndeclared},
		{Rule: "lint/audience-undeclared", Document: audienceUndeclared},
		{Rule: "lint/deprecated-without-sunset", Operation: deprecatedWithoutSunset},
		{Rule: "lint/non-production-server", Document: nonProductionServers},
		{Rule: "lint/ambiguous-paths", Document: ambiguousPaths},
	}
}

// documentAnchor is where document-wide findings are reported: `info`,
// else the root.
func documentAnchor(d *engine.Document) engine.Node {
	if info := d.Root.Member("info"); info.Exists() {
		return info
	}
	return d.Root
}

func hasOwner(n engine.Node) bool { return n.Has("x-owner") || n.Has("x-team") }

func noOwner(c *engine.Context, d *engine.Document) {
	if d.Extension("x-owner").Exists() || d.Extension("x-team").Exists() {
		return
	}
	all := len(d.Operations) > 0
	for _, op := range d.Operations {
		if !hasOwner(op.Node) && !hasOwner(op.PathItem) {
			all = false
			break
		}
	}
	if !all {
		c.Report(engine.Finding{At: documentAnchor(d), Message: "the document declares no owner (info.x-owner or x-team)"})
	}
}

// environmentWord finds an environment named in a server description.
var environmentWord = regexp.MustCompile(`(?i)\b(prod|production|live|staging|stage|sandbox|test|testing|dev|development|local|localhost|qa|uat|preprod|pre-production|demo|mock|beta|alpha|canary|next|integration)\b`)

func serverEnvironmentUndeclared(c *engine.Context, d *engine.Document) {
	if d.IsSwagger2() {
		return // Swagger 2.0 servers (host + schemes) have no place to say it
	}
	for _, s := range d.Servers {
		if s.Node.Has("x-environment") || environmentWord.MatchString(s.Description) {
			continue
		}
		shown := displayURL(s.URL)
		c.Report(engine.Finding{At: s.Node, Evidence: shown, Message: fmt.Sprintf("server %s declares no environment (x-environment, or a description naming it)", shown)})
	}
}

// apiAudiences are the values of a document-level x-audience that name
// who may call the API (Zalando's vocabulary and the short forms); any
// other value (a URL) is the token audience the agent rules read.
var apiAudiences = setOf("public", "partner", "internal", "external", "private", "component-internal",
	"business-unit-internal", "company-internal", "external-partner", "external-public")

func audienceUndeclared(c *engine.Context, d *engine.Document) {
	if d.Extension("x-api-audience").Exists() || d.Extension("x-internal").Exists() {
		return
	}
	for _, v := range d.Extension("x-audience").Strings() {
		if apiAudiences[strings.ToLower(strings.TrimSpace(v))] {
			return
		}
	}
	for _, s := range d.Servers {
		if s.Node.Has("x-internal") || s.Node.Has("x-audience") {
			return
		}
	}
	c.Report(engine.Finding{At: documentAnchor(d), Message: "the document declares who may call the API nowhere (x-api-audience, or x-audience: public, partner or internal)"})
}

func deprecatedWithoutSunset(c *engine.Context, op *engine.Operation) {
	dep := op.Node.Member("deprecated")
	if !dep.Bool() || op.Extension("x-sunset").Exists() {
		return
	}
	for _, r := range op.Responses {
		if _, ok := r.Header("Sunset"); ok {
			return
		}
	}
	c.Report(engine.Finding{At: dep, Operation: op, Message: fmt.Sprintf("deprecated operation %s %s declares no sunset (x-sunset or a Sunset header)", op.Method, op.Path)})
}

// nonProductionLabels are host name labels (split on . and -) of
// non-production hosts. Sandboxes are left out: providers publish them on
// purpose for integration.
var nonProductionLabels = setOf("staging", "stage", "stg", "dev", "develop", "development", "test", "testing",
	"qa", "uat", "preprod", "localhost", "local", "internal")

var productionEnvironments = setOf("production", "prod", "live")

// nonProduction says why a server is not production, or "": its
// x-environment (raw is the servers item; zero for Swagger 2.0), else its
// host.
func nonProduction(raw engine.Node, serverURL string) string {
	if env := strings.ToLower(raw.Member("x-environment").Str()); env != "" {
		if productionEnvironments[env] || env == "sandbox" {
			return ""
		}
		return "x-environment: " + env
	}
	u, err := url.Parse(serverURL)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if isLoopbackHost(host) {
		return "loopback host"
	}
	for _, label := range strings.FieldsFunc(host, func(r rune) bool { return r == '.' || r == '-' }) {
		if nonProductionLabels[label] {
			return "host " + host
		}
	}
	return ""
}

func nonProductionServers(c *engine.Context, d *engine.Document) {
	if !productionEnvironments[strings.ToLower(d.Extension("x-environment").Str())] {
		return
	}
	for _, s := range d.Servers {
		raw, u := s.Node, s.URL
		if d.IsSwagger2() {
			raw = engine.Node{}
		} else {
			u = serverURL(s.Node)
		}
		if why := nonProduction(raw, u); why != "" {
			shown := displayURL(s.URL)
			c.Report(engine.Finding{At: s.Node, Evidence: shown, Message: fmt.Sprintf("production document lists non-production server %s (%s)", shown, why)})
		}
	}
}

// templateParam matches a path template parameter.
var templateParam = regexp.MustCompile(`\{[^/{}]*\}`)

func ambiguousPaths(c *engine.Context, d *engine.Document) {
	first := map[string]string{}
	for _, p := range d.Root.Member("paths").Members() {
		if strings.HasPrefix(p.Name(), "x-") {
			continue
		}
		shape := templateParam.ReplaceAllString(p.Name(), "{}")
		prev, seen := first[shape]
		if !seen {
			first[shape] = p.Name()
			continue
		}
		if prev == p.Name() {
			continue
		}
		c.Report(engine.Finding{At: p, Evidence: p.Name(), Message: fmt.Sprintf("path %s differs from %s only in parameter names: routers cannot tell them apart", p.Name(), prev)})
	}
}
