package identity

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// OAuth2IdentityName is the name of the identity --oauth2-token-url
// declares.
const OAuth2IdentityName = "oauth2"

// Options are every source of credentials of a run.
type Options struct {
	// Flags are the --identity values in command-line order.
	Flags []string
	// OAuth2 is set when --oauth2-token-url is given.
	OAuth2 *OAuth2Flags
	// Declared are the config file's identities, in file order.
	Declared []Declared
	// Target is the fuzz target; logins are relative to it.
	Target *url.URL
	// Client sends logins and token requests (the executor's, so the
	// host policy applies).
	Client Doer
	Env    Getenv
	Now    func() time.Time
}

// Build assembles the run's identities: --identity flags first (the first
// is the default identity), then the OAuth2 client-credentials identity,
// then the config file's identities. A name declared twice is an error.
// Nothing is sent: logins and token requests happen on first use.
func Build(o Options) (*Set, error) {
	if o.Env == nil {
		o.Env = OSEnv()
	}
	set, err := FromFlags(o.Flags, o.Env)
	if err != nil {
		return nil, err
	}
	if o.OAuth2 != nil {
		grant, err := o.OAuth2.Grant(o.Env)
		if err != nil {
			return nil, err
		}
		src, err := NewOAuth2(grant, o.Client, o.Now)
		if err != nil {
			return nil, err
		}
		if err := set.Add(OAuth2IdentityName, src); err != nil {
			return nil, fmt.Errorf("--oauth2-token-url: %w", err)
		}
	}
	for i := range o.Declared {
		d := &o.Declared[i]
		src, err := d.Build(o.Target, o.Client, o.Env, o.Now)
		if err != nil {
			return nil, err
		}
		if err := set.Add(d.Name, src); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	return set, nil
}

// loginUserFields are the body members that name the user of a login.
var loginUserFields = []string{"username", "user", "email", "login", "user_name", "userName"}

// LoginUser returns the user name a login identity logs in with, for
// checks that need a user known to exist (user enumeration); "" when the
// identity is not a login or its body names no user.
func (d *Declared) LoginUser(env Getenv) string {
	if d.Login == nil {
		return ""
	}
	body, err := Expand(d.Login.Body, env)
	if err != nil {
		return ""
	}
	var obj map[string]any
	if json.Unmarshal([]byte(body), &obj) != nil {
		return ""
	}
	for _, f := range loginUserFields {
		for k, v := range obj {
			if s, ok := v.(string); ok && strings.EqualFold(k, f) && s != "" {
				return s
			}
		}
	}
	return ""
}
