package security

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/oracle"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

func TestTokenLifetime(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	token := func(claims string) string {
		return enc(`{"alg":"HS256","typ":"JWT"}`) + "." + enc(claims) + ".c2lnbmF0dXJl"
	}
	iat := now.Unix()
	tests := []struct {
		name, claims string
		cookie       bool
		status       int
		want         string // "" for no finding
	}{
		{"no exp", `{"id":"65f0","iat":` + fmt.Sprint(iat) + `}`, false, 200, "never expires"},
		{"a year", fmt.Sprintf(`{"sub":"1","iat":%d,"exp":%d}`, iat, iat+365*86400), false, 200, "expires 365 days"},
		{"no iat, two years from now", fmt.Sprintf(`{"sub":"1","exp":%d}`, iat+730*86400), true, 200, "expires 730 days"},
		{"an hour", fmt.Sprintf(`{"sub":"1","iat":%d,"exp":%d}`, iat, iat+3600), false, 200, ""},
		{"a month", fmt.Sprintf(`{"sub":"1","iat":%d,"exp":%d}`, iat, iat+30*86400), false, 200, ""},
		{"no exp, in a failed login", `{"id":"65f0"}`, false, 401, ""},
	}
	login := &plan.Target{Op: &surface.Operation{Method: "POST", Path: "/api/v2/login"}}
	login.Seal()
	items := &plan.Target{Op: &surface.Operation{Method: "GET", Path: "/api/v2/items"}}
	items.Seal()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &fakeEnv{}
			o := NewTokenLifetime(Config{Now: func() time.Time { return now }})
			h := http.Header{"Content-Type": {"application/json"}}
			body := `{"success":true,"token":"` + token(tt.claims) + `"}`
			if tt.cookie {
				h.Set("Set-Cookie", "session="+token(tt.claims)+"; HttpOnly")
				body = `{"success":true}`
			}
			for _, tg := range []*plan.Target{items, login, login} { // a token in a non-login answer says nothing
				x := &execute.Exchange{Case: &plan.Case{Target: tg, Method: tg.Op.Method}, Status: tt.status, Header: h, Body: []byte(body)}
				o.Check(context.Background(), &oracle.Observation{Exchange: x}, env)
			}
			vs := env.Verdicts()
			switch {
			case tt.want == "" && len(vs) != 0:
				t.Errorf("verdict %q", vs[0].Message)
			case tt.want != "" && (len(vs) != 1 || !strings.Contains(vs[0].Message, tt.want) || vs[0].Exchange.Case.Target != login):
				t.Errorf("verdicts %+v, want one on the login saying %q", vs, tt.want)
			}
		})
	}
}
