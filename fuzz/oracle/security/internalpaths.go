package security

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/rules"
	"github.com/specterhq/specter/sensitive"
	"github.com/specterhq/specter/surface"
)

// InternalEndpoints asks, once in a run and without credentials,
// for the management, debug and source-control paths that frameworks and
// web servers expose when misconfigured (Spring Boot Actuator, a
// deployed .env or .git, Go's pprof and expvar, the Werkzeug console,
// Apache's server-status, phpinfo, Laravel Ignition, ELMAH, a Java
// web.xml), relative to the target's base URL. An answer is a finding
// only when its body has the content's own signature: a 200 alone, an
// HTML page of a front end that answers every path, or a body that quotes
// the path, is not.
type InternalEndpoints struct {
	once sync.Once
	mu   sync.Mutex
	loc  rules.Location
	// api is the first operation, whose API the probes' targets belong
	// to.
	api *plan.Target
}

// NewInternalEndpoints returns the oracle.
func NewInternalEndpoints() *InternalEndpoints { return &InternalEndpoints{} }

// Name implements oracle.Oracle.
func (*InternalEndpoints) Name() string { return "internal-endpoints" }

// Rules implements oracle.Oracle.
func (*InternalEndpoints) Rules() []string { return []string{RuleInternalEndpoint} }

// Prepare implements oracle.Preparer: the findings are located at the
// top of the first document of the run (they are about the deployment,
// not about one operation).
func (o *InternalEndpoints) Prepare(_ context.Context, targets []*plan.Target, _ oracle.Env) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, t := range targets {
		if o.api == nil || t.Index < o.api.Index {
			o.api = t
		}
	}
	if o.api != nil {
		o.loc = rules.Location{File: o.api.Op.Location.File, Line: 1, Column: 1}
	}
}

// Check implements oracle.Oracle: the first answer of the run sends the
// probes, so that they share the run's budget, rate and time limit (a run
// stopped by --duration or --max-requests does not send them afterwards).
func (o *InternalEndpoints) Check(ctx context.Context, obs *oracle.Observation, env oracle.Env) {
	if obs.Status == 0 {
		return
	}
	o.once.Do(func() { o.probe(ctx, env) })
}

// internalPath is one probe: a path, what it is, and the signature its
// body must have. found returns what the finding says it exposes ("" for
// no match) and the values the evidence must mask.
type internalPath struct {
	path, what string
	found      func(body []byte, media string) (string, []string)
}

// internalPaths are the probes, in the order they are sent. Heavy ones
// (a heap dump, a thread dump) are never asked for: the actuator index
// names them.
var internalPaths = []internalPath{
	{"/actuator", "Spring Boot Actuator", actuatorIndex},
	{"/actuator/env", "Spring Boot Actuator environment", actuatorEnv},
	{"/env", "Spring Boot 1 Actuator environment", bootOneEnv},
	{"/.env", "dotenv file", dotenvFile},
	{"/.git/config", "Git repository", gitConfig},
	{"/.aws/credentials", "AWS credentials file", awsCredentials},
	{"/debug/pprof/", "Go pprof profiler", textSignature("Types of profiles available", "goroutine")},
	{"/debug/vars", "Go expvar", expvarJSON},
	{"/console", "Werkzeug debugger console", werkzeugConsole},
	{"/server-status", "Apache server-status", textSignature("Apache Server Status for", "Server Version")},
	{"/phpinfo.php", "phpinfo()", textSignature("phpinfo()", "PHP Version")},
	{"/_ignition/health-check", "Laravel Ignition", ignitionHealth},
	{"/elmah.axd", "ELMAH error log", textSignature("Error Log for", "ELMAH")},
	{"/WEB-INF/web.xml", "Java web.xml", textSignature("<web-app", "</web-app>")},
}

// sensitiveActuators are the Actuator endpoints that hand out secrets,
// memory, code paths or control; health and info are the defaults.
var sensitiveActuators = []string{"auditevents", "beans", "caches", "conditions", "configprops", "env", "flyway",
	"heapdump", "httpexchanges", "httptrace", "integrationgraph", "jolokia", "liquibase", "logfile", "loggers",
	"mappings", "quartz", "scheduledtasks", "sessions", "shutdown", "startup", "threaddump"}

func decodeObject(body []byte) map[string]any {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return nil
	}
	return doc
}

func actuatorIndex(body []byte, _ string) (string, []string) {
	links, _ := decodeObject(body)["_links"].(map[string]any)
	if _, ok := links["self"]; !ok {
		return "", nil
	}
	var open []string
	for _, name := range sensitiveActuators {
		if _, ok := links[name]; ok {
			open = append(open, name)
		}
	}
	if len(open) == 0 {
		return "", nil
	}
	return "the endpoints " + strings.Join(open, ", "), nil
}

func actuatorEnv(body []byte, _ string) (string, []string) {
	doc := decodeObject(body)
	sources, ok := doc["propertySources"].([]any)
	if !ok {
		return "", nil
	}
	if _, ok := doc["activeProfiles"]; !ok {
		return "", nil
	}
	var mask []string
	for _, s := range sources {
		src, _ := s.(map[string]any)
		props, _ := src["properties"].(map[string]any)
		for name, p := range props {
			v, _ := p.(map[string]any)["value"].(string)
			if v != "" && !isMaskedValue(v) && sensitive.IsCredentialName(lastSegment(name)) {
				mask = append(mask, v)
			}
		}
	}
	return fmt.Sprintf("the application's environment (%d property sources)", len(sources)), mask
}

func bootOneEnv(body []byte, _ string) (string, []string) {
	doc := decodeObject(body)
	_, sys := doc["systemProperties"].(map[string]any)
	_, env := doc["systemEnvironment"].(map[string]any)
	if !sys && !env {
		return "", nil
	}
	var mask []string
	for _, section := range doc {
		m, _ := section.(map[string]any)
		for name, v := range m {
			if s, ok := v.(string); ok && s != "" && !isMaskedValue(s) && sensitive.IsCredentialName(lastSegment(name)) {
				mask = append(mask, s)
			}
		}
	}
	return "the system properties and environment", mask
}

// lastSegment is the last dotted part of a property name
// ("spring.datasource.password" -> "password").
func lastSegment(name string) string {
	if i := strings.LastIndexAny(name, "."); i >= 0 {
		return name[i+1:]
	}
	return name
}

func isMaskedValue(v string) bool { return strings.Trim(v, "*") == "" }

var dotenvLine = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]{1,63})\s*=\s*(.*)$`)

func dotenvFile(body []byte, media string) (string, []string) {
	if media == "text/html" || media == "application/json" {
		return "", nil
	}
	var names, mask []string
	other := 0
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := dotenvLine.FindStringSubmatch(line)
		if m == nil {
			other++
			continue
		}
		names = append(names, m[1])
		if v := strings.Trim(m[2], `"'`); v != "" {
			mask = append(mask, v)
		}
	}
	if len(names) < 2 || other > len(names)/4 {
		return "", nil
	}
	return fmt.Sprintf("%d variables (%s)", len(names), strings.Join(firstN(names, 6), ", ")), mask
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}

var gitRemoteURL = regexp.MustCompile(`(?m)^\s*url\s*=\s*(\S+)`)

func gitConfig(body []byte, _ string) (string, []string) {
	text := string(body)
	if !strings.Contains(text, "[core]") || !strings.Contains(text, "repositoryformatversion") {
		return "", nil
	}
	var mask []string
	for _, m := range gitRemoteURL.FindAllStringSubmatch(text, 8) {
		if u, err := url.Parse(m[1]); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok {
				mask = append(mask, p)
			}
		}
	}
	return "the repository's config (its history is likely fetchable too)", mask
}

var awsKeyLine = regexp.MustCompile(`(?m)^\s*(aws_access_key_id|aws_secret_access_key|aws_session_token)\s*=\s*(\S+)`)

func awsCredentials(body []byte, _ string) (string, []string) {
	ms := awsKeyLine.FindAllStringSubmatch(string(body), 16)
	if len(ms) == 0 || !strings.Contains(string(body), "[") {
		return "", nil
	}
	var mask []string
	for _, m := range ms {
		mask = append(mask, m[2])
	}
	return "AWS access keys", mask
}

func expvarJSON(body []byte, _ string) (string, []string) {
	doc := decodeObject(body)
	if _, ok := doc["cmdline"].([]any); !ok {
		return "", nil
	}
	if _, ok := doc["memstats"].(map[string]any); !ok {
		return "", nil
	}
	return "the process's command line and memory statistics", nil
}

func werkzeugConsole(body []byte, _ string) (string, []string) {
	text := string(body)
	if strings.Contains(text, "Werkzeug") && (strings.Contains(text, "__debugger__") || strings.Contains(text, "Interactive Console")) {
		return "an interactive Python console (code execution, behind a PIN at best)", nil
	}
	return "", nil
}

func ignitionHealth(body []byte, _ string) (string, []string) {
	if v, ok := decodeObject(body)["can_execute_commands"].(bool); ok && v {
		return "Ignition's solution runner (CVE-2021-3129: remote code execution)", nil
	}
	return "", nil
}

// textSignature matches a body holding both marks.
func textSignature(a, b string) func([]byte, string) (string, []string) {
	return func(body []byte, _ string) (string, []string) {
		if bytes.Contains(body, []byte(a)) && bytes.Contains(body, []byte(b)) {
			return "its status page", nil
		}
		return "", nil
	}
}

// probe sends the probes and reports what they found.
func (o *InternalEndpoints) probe(ctx context.Context, env oracle.Env) {
	o.mu.Lock()
	api, loc := o.api, o.loc
	o.mu.Unlock()
	if api == nil {
		return
	}
	type hit struct {
		p     internalPath
		x     *execute.Exchange
		what  string
		masks []string
	}
	var hits []hit
	for _, p := range internalPaths {
		if ctx.Err() != nil {
			return
		}
		t := &plan.Target{API: api.API, Op: &surface.Operation{Method: http.MethodGet, Path: p.path, Location: loc}, Index: -1}
		t.Seal()
		c := &plan.Case{Seq: -800, Phase: plan.PhaseExamples, Target: t, Method: http.MethodGet, Identity: plan.NoCredentials,
			Mutation: "a " + p.what + " path, asked for without credentials", Intent: plan.IntentUnknown}
		x, err := env.Send(ctx, c)
		if err != nil || x == nil || x.Status != http.StatusOK || len(x.Body) == 0 {
			continue
		}
		media, _, _ := mime.ParseMediaType(x.Header.Get("Content-Type"))
		body := bytes.ReplaceAll(x.Body, []byte(p.path), nil) // a page quoting the path proves nothing
		what, masks := p.found(body, strings.ToLower(media))
		if what == "" {
			continue
		}
		hits = append(hits, hit{p, x, what, masks})
	}
	for _, h := range hits {
		env.Report(oracle.Verdict{Rule: RuleInternalEndpoint, Exchange: h.x, Mask: h.masks,
			Message: fmt.Sprintf("GET %s answers without credentials with the %s: %s", h.p.path, h.p.what, h.what)})
	}
}
