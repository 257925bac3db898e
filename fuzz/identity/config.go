package identity

import (
	"fmt"
	"net/textproto"
	"net/url"
	"sort"
	"time"
)

// Declared is one identity of the config file's identities list, as
// package config parses it:
//
//	identities:
//	  - name: alice
//	    headers: {Authorization: "Bearer ${ALICE_TOKEN}"}
//	  - name: bob
//	    login:
//	      path: /auth/login
//	      body: '{"username": "bob", "password": "${BOB_PASSWORD}"}'
//	      token: /access_token
//	  - name: service
//	    oauth2:
//	      token_url: https://idp.staging.example/oauth/token
//	      client_id: ${SVC_CLIENT_ID}
//	      client_secret: ${SVC_CLIENT_SECRET}
//	      scopes: [orders.read]
//
// Every string may reference environment variables; secrets belong there,
// not in the file.
type Declared struct {
	Name    string
	Headers map[string]string
	Login   *Login
	// OAuth2 is the grant as written: its strings are expanded by Build.
	OAuth2 *OAuth2
}

// Validate checks a declared identity before anything is expanded: its
// name, exactly one kind of credentials, header names, and the parts of a
// login or a grant that do not come from the environment. The config
// package calls it while it parses the file, so a bad entry fails every
// command that reads the config; Build checks the expanded values again.
func (d *Declared) Validate() error {
	if err := checkName(d.Name); err != nil {
		return err
	}
	kinds := 0
	if len(d.Headers) > 0 {
		kinds++
	}
	if d.Login != nil {
		kinds++
	}
	if d.OAuth2 != nil {
		kinds++
	}
	if kinds != 1 {
		return fmt.Errorf("identity %s: set exactly one of headers, login and oauth2", d.Name)
	}
	for n := range d.Headers {
		if !validHeaderName(n) {
			return fmt.Errorf("identity %s: %q is not a header name", d.Name, n)
		}
	}
	if d.Login != nil {
		if err := d.Login.Validate(); err != nil {
			return fmt.Errorf("identity %s: %w", d.Name, err)
		}
	}
	if o := d.OAuth2; o != nil && (o.TokenURL == "" || o.ClientID == "" || o.ClientSecret == "") {
		return fmt.Errorf("identity %s: oauth2: token_url, client_id and client_secret are required", d.Name)
	}
	return nil
}

// Build turns a declared identity into a source, expanding environment
// variables. base is the fuzz target (logins are relative to it); client
// sends logins and token requests.
func (d *Declared) Build(base *url.URL, client Doer, env Getenv, now func() time.Time) (Source, error) {
	exp := func(field, s string) (string, error) {
		v, err := Expand(s, env)
		if err != nil {
			return "", fmt.Errorf("identity %s: %s: %w", d.Name, field, err)
		}
		return v, nil
	}
	switch {
	case len(d.Headers) > 0:
		names := make([]string, 0, len(d.Headers))
		for n := range d.Headers {
			names = append(names, n)
		}
		sort.Strings(names)
		st := &Static{}
		for _, n := range names {
			if !validHeaderName(n) {
				return nil, fmt.Errorf("identity %s: %q is not a header name", d.Name, n)
			}
			v, err := exp("headers."+n, d.Headers[n])
			if err != nil {
				return nil, err
			}
			st.Headers = append(st.Headers, Header{Name: textproto.CanonicalMIMEHeaderKey(n), Value: v})
		}
		return st, nil
	case d.Login != nil:
		l := *d.Login
		var err error
		if l.Path, err = exp("login.path", l.Path); err != nil {
			return nil, err
		}
		if l.Body, err = exp("login.body", l.Body); err != nil {
			return nil, err
		}
		src, err := NewLogin(l, base, client, now)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %w", d.Name, err)
		}
		return src, nil
	case d.OAuth2 != nil:
		o := OAuth2{Scopes: d.OAuth2.Scopes, CredentialsInBody: d.OAuth2.CredentialsInBody}
		var err error
		for _, f := range []struct {
			name string
			in   string
			out  *string
		}{
			{"oauth2.token_url", d.OAuth2.TokenURL, &o.TokenURL},
			{"oauth2.client_id", d.OAuth2.ClientID, &o.ClientID},
			{"oauth2.client_secret", d.OAuth2.ClientSecret, &o.ClientSecret},
			{"oauth2.audience", d.OAuth2.Audience, &o.Audience},
		} {
			if *f.out, err = exp(f.name, f.in); err != nil {
				return nil, err
			}
		}
		src, err := NewOAuth2(o, client, now)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %w", d.Name, err)
		}
		return src, nil
	}
	return nil, fmt.Errorf("identity %s: no credentials", d.Name)
}
