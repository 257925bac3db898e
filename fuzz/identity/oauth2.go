package identity

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OAuth2 is an OAuth2 client-credentials grant (RFC 6749 §4.4).
type OAuth2 struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	Scopes       []string
	// Audience is sent as "audience" when set (Auth0, some IdPs).
	Audience string
	// CredentialsInBody sends client_id and client_secret as form fields
	// instead of HTTP Basic authentication (the RFC's preference).
	CredentialsInBody bool
}

// Validate checks the grant is complete.
func (o *OAuth2) Validate() error {
	u, err := url.Parse(o.TokenURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("oauth2: token URL %q is not an http(s) URL", o.TokenURL)
	}
	if o.ClientID == "" || o.ClientSecret == "" {
		return fmt.Errorf("oauth2: client id and secret are required")
	}
	return nil
}

// NewOAuth2 returns a source that mints access tokens with the grant and
// renews them before expires_in runs out or on a 401.
func NewOAuth2(o OAuth2, client Doer, now func() time.Time) (*Renewable, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	r := newRenewable("OAuth2 client credentials from "+redactURL(o.TokenURL), now, nil, headerPutter("", ""))
	r.mint = func(ctx context.Context) (Token, error) { return o.mint(ctx, client, now) }
	return r, nil
}

func (o *OAuth2) mint(ctx context.Context, client Doer, now func() time.Time) (Token, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(o.Scopes) > 0 {
		form.Set("scope", strings.Join(o.Scopes, " "))
	}
	if o.Audience != "" {
		form.Set("audience", o.Audience)
	}
	if o.CredentialsInBody {
		form.Set("client_id", o.ClientID)
		form.Set("client_secret", o.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, fmt.Errorf("oauth2 token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if !o.CredentialsInBody {
		req.SetBasicAuth(url.QueryEscape(o.ClientID), url.QueryEscape(o.ClientSecret))
	}
	resp, err := client.Do(req)
	if err != nil {
		return Token{}, fmt.Errorf("oauth2 token request to %s: %w", redactURL(o.TokenURL), err)
	}
	body, err := readAnswer(resp)
	if err != nil {
		return Token{}, fmt.Errorf("oauth2 token request: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return Token{}, statusError("oauth2 token endpoint", resp, body)
	}
	tok := jsonString(body, "/access_token")
	if tok == "" {
		return Token{}, fmt.Errorf("oauth2 token endpoint answered without access_token")
	}
	if tt := jsonString(body, "/token_type"); tt != "" && !strings.EqualFold(tt, "bearer") {
		return Token{}, fmt.Errorf("oauth2 token type %q is not supported (want Bearer)", tt)
	}
	out := Token{Value: tok}
	if s := jsonString(body, "/expires_in"); s != "" {
		if secs, err := strconv.ParseFloat(s, 64); err == nil && secs > 0 {
			out.Expiry = now().Add(time.Duration(secs * float64(time.Second)))
		}
	}
	if out.Expiry.IsZero() {
		out.Expiry = jwtExpiry(tok)
	}
	return out, nil
}

// redactURL drops userinfo and query from a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}

// OAuth2Flags are the CLI's OAuth2 options: the token URL, and the names
// of the environment variables that hold the client id and secret (never
// the secret itself on the command line).
type OAuth2Flags struct {
	TokenURL        string
	ClientIDEnv     string
	ClientSecretEnv string
	Scopes          []string
	Audience        string
}

// Default environment variables for the OAuth2 client.
const (
	DefaultClientIDEnv     = "SPECTER_OAUTH2_CLIENT_ID"
	DefaultClientSecretEnv = "SPECTER_OAUTH2_CLIENT_SECRET"
)

// Grant reads the client id and secret from the environment.
func (f OAuth2Flags) Grant(env Getenv) (OAuth2, error) {
	idVar, secretVar := f.ClientIDEnv, f.ClientSecretEnv
	if idVar == "" {
		idVar = DefaultClientIDEnv
	}
	if secretVar == "" {
		secretVar = DefaultClientSecretEnv
	}
	id, ok := env(idVar)
	if !ok || id == "" {
		return OAuth2{}, fmt.Errorf("--oauth2-token-url needs the client id in $%s", idVar)
	}
	secret, ok := env(secretVar)
	if !ok || secret == "" {
		return OAuth2{}, fmt.Errorf("--oauth2-token-url needs the client secret in $%s", secretVar)
	}
	o := OAuth2{TokenURL: f.TokenURL, ClientID: id, ClientSecret: secret, Scopes: f.Scopes, Audience: f.Audience}
	return o, o.Validate()
}
