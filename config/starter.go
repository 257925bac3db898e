package config

// StarterConfig returns a commented .specter.yaml for `specter init` to
// write. LoadConfig accepts it as is. Besides the defaults it excludes
// node_modules and vendor directories; every other key is shown in
// comments.
func StarterConfig() string {
	return `# specter configuration. Documentation: docs/configuration.md
# Command-line flags (--fail-on, --exclude, --baseline) take precedence.
version: 1

# Paths that are never scanned: globs on slash-separated paths relative to
# the working directory. "**" matches any number of directories.
exclude:
  - "**/node_modules/**"
  - "**/vendor/**"

# Turn rules off or change their severity. An exact id beats a family
# wildcard ("lint/*"), which beats "*".
rules: {}
#  secrets/generic-api-key: off
#  lint/*: { severity: low }
#  secrets/credential-header: { enabled: true, severity: critical }

# Suppress findings that are known and accepted. Every entry needs a reason.
# Suppressed findings are still reported, marked as suppressed, and do not
# count towards the gate.
ignore: []
#  - rule: secrets/*
#    path: "testdata/**"
#    reason: fixtures hold fake keys
#  - rule: lint/*
#    pointer: /paths/~1health
#    reason: the health check is public by design

# When the scan fails CI (exit status 1).
gate:
  fail-on: high        # critical | high | medium | low | info | none
#  max: { critical: 0, high: 0, medium: 25 }
`
}
