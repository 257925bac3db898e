package main

import (
	"context"
	"net/http"
	"net/url"

	"github.com/spf13/pflag"

	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/sensitive"
)

// securityFlags are the credentials and the security oracles' options of
// `specter fuzz` and `specter scan --target`.
type securityFlags struct {
	identities      []string
	oauth2TokenURL  string
	oauth2IDEnv     string
	oauth2SecretEnv string
	oauth2Scopes    []string
	peer            string
	lowPrivilege    string
	timeBased       bool
	noAccounts      bool
	noOlderVersions bool
	corsOrigins     []string
	// declared are the config file's identities (logins, headers and
	// OAuth2 identities), parsed and checked with the rest of the file.
	declared []identity.Declared
}

func addSecurityFlags(fl *pflag.FlagSet, f *securityFlags) {
	fl.StringArrayVar(&f.identities, "identity", nil, "credentials NAME='Header: value' ($VAR and ${VAR} read the environment; repeatable; the first NAME is the default identity)")
	fl.StringVar(&f.oauth2TokenURL, "oauth2-token-url", "", "mint and refresh tokens with the OAuth2 client-credentials grant at this URL (identity \"oauth2\")")
	fl.StringVar(&f.oauth2IDEnv, "oauth2-client-id-env", identity.DefaultClientIDEnv, "environment variable holding the OAuth2 client id")
	fl.StringVar(&f.oauth2SecretEnv, "oauth2-client-secret-env", identity.DefaultClientSecretEnv, "environment variable holding the OAuth2 client secret")
	fl.StringSliceVar(&f.oauth2Scopes, "oauth2-scope", nil, "OAuth2 scopes to request (comma-separated or repeated)")
	fl.StringVar(&f.peer, "peer", "", "identity that must not reach the default identity's objects (BOLA; default: the second identity)")
	fl.StringVar(&f.lowPrivilege, "low-privilege", "", "identity that must not call privileged operations (BFLA; never guessed)")
	fl.BoolVar(&f.timeBased, "time-based", false, "also send time-based blind injection payloads (slow: each waits seconds)")
	fl.StringArrayVar(&f.corsOrigins, "cors-origin", nil, "an origin the API is meant to allow (its front end, https://app.example.com): the CORS check tries look-alikes of it (repeatable)")
	fl.BoolVar(&f.noAccounts, "no-accounts", false, "do not sign up and log in accounts of the run's own, even where the spec has a sign-up and a login operation")
	fl.BoolVar(&f.noOlderVersions, "no-older-versions", false, "do not try the older API versions of versioned paths (/v1/login beside a documented /v2/login), nor fuzz those the target still serves")
}

// applySecurity builds the run's identities and adds the security oracles
// to the engine's configuration. Logins and token requests use a client
// that follows no redirects; a token URL outside loopback and private
// ranges needs --allow-host like the target.
func applySecurity(ctx context.Context, st streams, cfg *fuzz.Config, f *securityFlags, detector sensitive.CredentialDetector, safe bool) error {
	env := func(k string) (string, bool) { v := st.env(k); return v, v != "" }
	client := &http.Client{
		Timeout:       cfg.Executor.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	opts := identity.Options{Flags: f.identities, Declared: f.declared, Target: cfg.Executor.Target, Client: client, Env: env}
	var known []string
	for i := range opts.Declared {
		if u := opts.Declared[i].LoginUser(env); u != "" {
			known = append(known, u)
		}
	}
	if f.oauth2TokenURL != "" {
		u, err := url.Parse(f.oauth2TokenURL)
		if err != nil || u.Host == "" {
			return usageError("--oauth2-token-url %q is not an absolute URL", f.oauth2TokenURL)
		}
		if err := cfg.Executor.Hosts.Check(ctx, u); err != nil {
			return usageError("--oauth2-token-url: %v", err)
		}
		opts.OAuth2 = &identity.OAuth2Flags{TokenURL: f.oauth2TokenURL, ClientIDEnv: f.oauth2IDEnv,
			ClientSecretEnv: f.oauth2SecretEnv, Scopes: f.oauth2Scopes}
	}
	set, err := identity.Build(opts)
	if err != nil {
		return usageError("%v", err)
	}
	names := set.Names()
	for _, n := range []struct{ flag, name string }{{"--peer", f.peer}, {"--low-privilege", f.lowPrivilege}} {
		if n.name == "" {
			continue
		}
		if _, err := set.Source(n.name); err != nil {
			return usageError("%s %s: no identity of that name (declared: %v)", n.flag, n.name, names)
		}
	}
	cfg.Identities, cfg.Executor.Credentials = set, set
	cfg.Accounts = !f.noAccounts && !safe
	cfg.OlderVersions = !f.noOlderVersions
	cfg.Peer, cfg.LowPrivilege = f.peer, f.lowPrivilege
	oracles := cfg.Oracles
	if oracles == nil {
		oracles = fuzz.DefaultOracles()
	}
	cfg.Oracles = append(oracles, security.Oracles(security.Config{
		Identities: names, Peer: f.peer, LowPrivilege: f.lowPrivilege, Secrets: set.Secrets(), KnownUsers: known,
		Classifier: detector, TimeBased: f.timeBased, Safe: safe, TargetURL: cfg.Executor.Target.String(), CORSOrigins: f.corsOrigins,
	})...)
	return nil
}

var _ execute.Credentials = (*identity.Set)(nil)
var _ execute.Refresher = (*identity.Set)(nil)
