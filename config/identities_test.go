package config

import (
	"strings"
	"testing"
)

// TestConfigIdentities: the fuzzer's identities are a section of the
// config, parsed here once with the rest of the file.
func TestConfigIdentities(t *testing.T) {
	good := `version: 1
identities:
  - name: alice
    headers: {Authorization: "Bearer ${ALICE}"}
  - name: bob
    login: {path: /auth/login, body: '{}', token: /access_token, expires_in: /expires_in}
  - name: svc
    oauth2: {token_url: "https://idp/token", client_id: id, client_secret: "${S}", scopes: [a, b], credentials_in_body: true}
`
	cfg, err := ParseConfig([]byte(good), ".specter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ds := cfg.Identities
	if len(ds) != 3 || ds[0].Name != "alice" || ds[0].Headers["Authorization"] != "Bearer ${ALICE}" {
		t.Fatalf("parsed %+v", ds)
	}
	if l := ds[1].Login; l == nil || l.Path != "/auth/login" || l.Body != "{}" || l.Token != "/access_token" || l.ExpiresIn != "/expires_in" {
		t.Errorf("login %+v", l)
	}
	if o := ds[2].OAuth2; o == nil || o.TokenURL != "https://idp/token" || o.ClientSecret != "${S}" || strings.Join(o.Scopes, ",") != "a,b" || !o.CredentialsInBody {
		t.Errorf("oauth2 %+v", o)
	}
	if cfg, err := ParseConfig([]byte("version: 1\n"), "c"); err != nil || cfg.Identities != nil {
		t.Errorf("no identities: %v %v", cfg.Identities, err)
	}
	if _, err := ParseConfig([]byte("version: 1\nidentity: []\n"), ".specter.yaml"); err == nil {
		t.Error("a misspelt top-level key is still an error")
	}
}

// TestConfigIdentitiesErrors: every bad entry is an error of the config,
// with the line and column of what is wrong.
func TestConfigIdentitiesErrors(t *testing.T) {
	for _, b := range []struct{ yaml, want string }{
		{"identities:\n  - name: a\n", "c:3:5: identity a: set exactly one of headers, login and oauth2"},
		{"identities:\n  - name: a\n    header: {x: y}\n", `c:4:5: identities[0]: unknown key "header"`},
		{"identities:\n  - name: a\n    headers: {x: y}\n    login: {path: /l, token: /t}\n", "c:3:5: identity a: set exactly one"},
		{"identities:\n  - name: 'a b'\n    headers: {x: y}\n", `c:3:5: identity name "a b": only letters`},
		{"identities:\n  - headers: {x: y}\n", `c:3:5: identity name "" is reserved`},
		{"identities:\n  - name: a\n    headers: {'x y': v}\n", `c:3:5: identity a: "x y" is not a header name`},
		{"identities:\n  - name: a\n    headers: {x: [1]}\n", "c:4:18: identities[0]: headers: x: want a single value, found a list"},
		{"identities:\n  - name: a\n    login: {path: /l}\n", "c:3:5: identity a: login: set exactly one of token"},
		{"identities:\n  - name: a\n    login:\n", "c:4:11: identities[0]: login: want a mapping, found nothing"},
		{"identities:\n  - name: a\n    login: {path: /l, token: /t, tokn: x}\n", `identities[0]: login: unknown key "tokn"`},
		{"identities:\n  - name: a\n    oauth2: {token_url: https://idp/t, client_id: i}\n", "c:3:5: identity a: oauth2: token_url, client_id and client_secret are required"},
		{"identities:\n  - name: a\n    oauth2: {token_url: https://idp/t, client_id: i, client_secret: s, credentials_in_body: maybe}\n", `credentials_in_body: want on or off, found "maybe"`},
		{"identities:\n  - name: a\n    oauth2: {token_url: https://idp/t, client_id: i, client_secret: s, scopes: a}\n", "identities[0]: oauth2: scopes: want a list"},
		{"identities:\n  - name: a\n    headers: {x: y}\n  - name: a\n    headers: {x: z}\n", "c:5:5: identity a is declared twice (first at line 3)"},
		{"identities:\n  -\n", "c:3:4: identities[0] is empty"},
		{"identities: {name: a}\n", "c:2:13: identities: want a list, found a mapping"},
	} {
		_, err := ParseConfig([]byte("version: 1\n"+b.yaml), "c")
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseConfig(%q) err = %v, want %q", b.yaml, err, b.want)
		}
	}
}
