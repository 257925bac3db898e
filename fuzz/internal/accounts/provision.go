package accounts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/fuzz/jwt"
	"github.com/specterhq/specter/fuzz/learn"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// Sender sends one request of the run: through the budget, rate limit,
// host policy and breaker, shown to the oracles and learned from.
type Sender interface {
	Send(ctx context.Context, c *plan.Case) (*execute.Exchange, error)
}

// Account is one user the run signed up.
type Account struct {
	// Identity is the name the run knows it by ("specter-a").
	Identity string
	// Username, Email, Phone and Password are what it signed up with
	// ("" where the sign-up takes no such field).
	Username, Email, Phone, Password string
	// Fields is the sign-up body as sent.
	Fields map[string]any
	// Claims are the claims of its last token when it is a JWT.
	Claims map[string]any
	// SignUp and Login are the exchanges that made it, for reproducers.
	SignUp, Login *plan.Step
	// Source keeps it logged in.
	Source *identity.Renewable

	mu sync.Mutex
	// cookie is the session cookie its last login set ("" for a token).
	cookie string
}

// IDs are the account's identifiers by name, for the run's state: what
// it signed up with and the identifying claims of its token.
func (a *Account) IDs() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]string{}
	if a.Username != "" {
		out["username"] = a.Username
	}
	if a.Email != "" {
		out["email"] = a.Email
	}
	if a.Phone != "" {
		out["phone"] = a.Phone
	}
	for k, v := range a.Claims {
		switch learn.Norm(k) {
		case "sub", "username", "email", "userid", "uid", "id", "preferredusername", "name", "login":
			if s, ok := claimString(v); ok {
				out[learn.Norm(k)] = s
			}
		}
	}
	return out
}

func claimString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatInt(int64(x), 10), x == float64(int64(x))
	}
	return "", false
}

// Provisioner signs up and logs in the run's accounts.
type Provisioner struct {
	Flow *Flow
	// SignUpCase and LoginCase are the operations' example requests
	// (generate.Generator.Example), the templates the accounts' bodies
	// are built from.
	SignUpCase, LoginCase *plan.Case
	Send                  Sender
	// Seed makes the accounts' names reproducible per run and distinct
	// between runs with different seeds.
	Seed int64
	Now  func() time.Time
	// Secret, when set, is told every password the provisioner chooses,
	// so that reports can mask it wherever it shows.
	Secret func(string)
}

// ErrNoCredential is returned when a login answer hands out no token or
// session.
var ErrNoCredential = errors.New("the login answer hands out no token or session")

// tag is a short run-specific suffix for names.
func (p *Provisioner) tag() string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d", p.Seed)
	return fmt.Sprintf("%06x", h.Sum32()&0xffffff)
}

// Provision signs up the account named identity (index n of the run's
// accounts) with extra fields added to the sign-up body (nil for none),
// logs it in and returns it with a source that keeps it logged in.
func (p *Provisioner) Provision(ctx context.Context, identityName string, n int, extra map[string]any) (*Account, *plan.Step, error) {
	acc := &Account{Identity: identityName}
	letter := string(rune('a' + n%26))
	base := "specter" + p.tag() + letter
	f := p.Flow.signUp
	values := map[string]any{}
	acc.Password = fitString(f.props[f.password], "Sp3cter-"+p.tag()+letter+"x9!", "Sp3cter-"+p.tag()+"!")
	values[f.password] = acc.Password
	if p.Secret != nil {
		p.Secret(acc.Password)
	}
	if f.confirm != "" {
		values[f.confirm] = acc.Password
	}
	if f.user != "" {
		acc.Username = fitString(f.props[f.user], base, strings.ToLower(base))
		values[f.user] = acc.Username
	}
	if f.email != "" {
		acc.Email = fitString(f.props[f.email], "specter."+p.tag()+letter+"@example.com", base+"@example.com")
		values[f.email] = acc.Email
	}
	if f.phone != "" {
		acc.Phone = phoneFor(f.props[f.phone], p.tag(), n)
		values[f.phone] = phoneValue(f.props[f.phone], acc.Phone)
	}
	for k, v := range extra {
		values[k] = v
	}
	c := p.SignUpCase.Clone()
	c.Seq = -1 - n
	c.Phase = plan.PhaseAccounts
	c.Identity = plan.NoCredentials
	c.OwnSignUp = true
	c.Mutation = "sign up the run's account " + identityName
	if len(extra) > 0 {
		c.Mutation += " with server-owned fields " + strings.Join(sortedKeys(extra), ", ")
	}
	body, fields, err := setBodyFields(c.Body, c.ContentType, values)
	if err != nil {
		return nil, nil, fmt.Errorf("sign-up body: %w", err)
	}
	c.Body, acc.Fields = body, fields
	x, err := p.Send.Send(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	if x.Err != nil || x.Request == nil {
		// Not sent (the safety policy refused it) or no answer.
		return nil, nil, fmt.Errorf("sign-up %s: %w", p.Flow.SignUp.Key(), x.Err)
	}
	step := plan.NewStep("sign up "+identityName+" ("+p.Flow.SignUp.Key()+")", identityName, x.Request, x.RequestBody, x.Status)
	step.Yields = []plan.Yield{{Name: "password", Value: acc.Password, From: "request /" + f.password, Secret: true}}
	if authz.Judge(x.Status, x.Header, x.Body) != authz.Accepted {
		return nil, step, fmt.Errorf("sign-up %s answered %d%s", p.Flow.SignUp.Key(), x.Status, saying(x.Body))
	}
	acc.SignUp = step
	put := p.putter()
	what := "provisioned account " + identityName + " (login " + p.Flow.Login.Key() + ")"
	acc.Source = identity.NewRenewable(what, p.Now, func(ctx context.Context) (identity.Token, error) { return p.login(ctx, acc) }, func(req *http.Request, tok string) {
		acc.mu.Lock()
		cookie := acc.cookie
		acc.mu.Unlock()
		if cookie != "" {
			identity.CookiePutter(cookie)(req, tok)
			return
		}
		put.put(req, tok)
	})
	if _, err := p.login(ctx, acc); err != nil {
		return nil, step, err
	}
	return acc, step, nil
}

// login logs an account in and returns its token; when the target no
// longer knows the account (a reset database), it signs it up again once.
func (p *Provisioner) login(ctx context.Context, acc *Account) (identity.Token, error) {
	tok, err := p.loginOnce(ctx, acc)
	if err == nil || ctx.Err() != nil || acc.SignUp == nil {
		return tok, err
	}
	if _, signErr := p.resignUp(ctx, acc); signErr != nil {
		return identity.Token{}, err
	}
	return p.loginOnce(ctx, acc)
}

func (p *Provisioner) loginOnce(ctx context.Context, acc *Account) (identity.Token, error) {
	f := p.Flow.login
	values := map[string]any{}
	user := acc.Username
	if f.email != "" && (f.user == "" || acc.Username == "") {
		user = acc.Email
	}
	switch {
	case f.user != "":
		if strings.Contains(strings.ToLower(f.user), "mail") || acc.Username == "" {
			values[f.user] = acc.Email
		} else {
			values[f.user] = user
		}
	case f.email != "":
		values[f.email] = acc.Email
	}
	values[f.password] = acc.Password
	if p.Flow.oauth2 {
		if _, ok := f.props["grant_type"]; ok || p.Flow.loginForm {
			values["grant_type"] = "password"
		}
	}
	c := p.LoginCase.Clone()
	c.Seq = -100
	c.Phase = plan.PhaseAccounts
	c.Identity = plan.NoCredentials
	c.Mutation = "log in the run's account " + acc.Identity
	body, _, err := setBodyFields(c.Body, c.ContentType, values)
	if err != nil {
		return identity.Token{}, fmt.Errorf("login body: %w", err)
	}
	c.Body = body
	c.Steps = []*plan.Step{acc.SignUp}
	x, err := p.Send.Send(ctx, c)
	if err != nil {
		return identity.Token{}, err
	}
	if x.Err != nil {
		return identity.Token{}, fmt.Errorf("login %s: %w", p.Flow.Login.Key(), x.Err)
	}
	is, ok := authz.IssuedCredential(x.Header, x.Body)
	// A credential in a 4xx (a 401 that still carries an empty or stale
	// token) is not a login; a 3xx that sets a session cookie is.
	if !ok || x.Status >= 400 || authz.Judge(x.Status, x.Header, x.Body) == authz.Throttled {
		return identity.Token{}, fmt.Errorf("login %s answered %d%s: %w", p.Flow.Login.Key(), x.Status, saying(x.Body), ErrNoCredential)
	}
	step := plan.NewStep("log in as "+acc.Identity+" ("+p.Flow.Login.Key()+")", acc.Identity, x.Request, x.RequestBody, x.Status, acc.SignUp)
	step.Yields = []plan.Yield{{Name: "token", Value: is.Value, From: is.From, Secret: true}}
	tok := identity.Token{Value: is.Value, Expiry: expiryOf(is.Value, x.Body, p.now())}
	acc.mu.Lock()
	if acc.Login == nil {
		acc.Login = step
	}
	acc.cookie = is.Cookie
	if t, err := jwt.Parse(is.Value); err == nil {
		acc.Claims = t.Claims
	}
	acc.mu.Unlock()
	return tok, nil
}

// resignUp sends the account's sign-up again, unchanged.
func (p *Provisioner) resignUp(ctx context.Context, acc *Account) (*execute.Exchange, error) {
	c := p.SignUpCase.Clone()
	c.Seq = -1
	c.Phase = plan.PhaseAccounts
	c.Identity = plan.NoCredentials
	c.Mutation = "sign up the run's account " + acc.Identity + " again (the target no longer knows it)"
	c.OwnSignUp = true
	body, _, err := setBodyFields(c.Body, c.ContentType, acc.Fields)
	if err != nil {
		return nil, err
	}
	c.Body = body
	x, err := p.Send.Send(ctx, c)
	if err != nil {
		return nil, err
	}
	if authz.Judge(x.Status, x.Header, x.Body) != authz.Accepted {
		return x, fmt.Errorf("sign-up answered %d", x.Status)
	}
	return x, nil
}

func (p *Provisioner) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// expiryOf is when a token expires: its JWT exp, else an expires_in
// member of the answer; zero when unknown (renewed on 401).
func expiryOf(tok string, body []byte, now time.Time) time.Time {
	if exp := identity.JWTExpiry(tok); !exp.IsZero() {
		return exp
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&obj) == nil {
		if n, ok := obj["expires_in"].(json.Number); ok {
			if secs, err := n.Float64(); err == nil && secs > 0 {
				return now.Add(time.Duration(secs * float64(time.Second)))
			}
		}
	}
	return time.Time{}
}

// putter is how the run's accounts send their token.
type putter struct {
	put func(*http.Request, string)
}

// putter picks how tokens that are not cookies are sent: as the API's
// scheme says (an API-key header, else a bearer token). A session cookie
// the login set is sent back as that cookie (Provision's source).
func (p *Provisioner) putter() putter {
	api := p.Flow.Login.API
	if api != nil {
		names := make([]string, 0, len(api.SecuritySchemes))
		for n := range api.SecuritySchemes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s := api.SecuritySchemes[n]
			if strings.EqualFold(s.Type, "apiKey") && strings.EqualFold(s.In, "header") && s.ParamName != "" && usedByOps(api, n) {
				return putter{identity.HeaderPutter(s.ParamName, "")}
			}
		}
	}
	return putter{identity.HeaderPutter("", "")}
}

func usedByOps(api *surface.API, scheme string) bool {
	for _, op := range api.Operations {
		for _, req := range op.Security {
			if _, ok := req[scheme]; ok {
				return true
			}
		}
	}
	return false
}

// saying quotes the start of what an answer says, without anything that
// looks like a credential, for error messages.
func saying(body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return ""
	}
	if len(text) > 120 {
		text = text[:120] + "…"
	}
	if _, ok := authz.IssuedCredential(nil, body); ok {
		return ""
	}
	return ": " + strings.Join(strings.Fields(text), " ")
}

// fitString returns the first candidate that fits a string schema's
// length bounds and pattern, cut to maxLength when none fits as it is.
func fitString(s *openapi3.Schema, candidates ...string) string {
	for _, c := range candidates {
		if stringFits(s, c) {
			return c
		}
	}
	c := candidates[0]
	if s != nil && s.MaxLength != nil && uint64(len(c)) > *s.MaxLength {
		c = c[len(c)-int(*s.MaxLength):]
	}
	return c
}

func stringFits(s *openapi3.Schema, v string) bool {
	if s == nil {
		return true
	}
	if uint64(len(v)) < s.MinLength || (s.MaxLength != nil && uint64(len(v)) > *s.MaxLength) {
		return false
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err == nil && !re.MatchString(v) {
			return false
		}
	}
	return true
}

// phoneFor is a phone number unique to the run and the account: ten
// digits, or the length the schema's pattern or bounds ask for.
func phoneFor(s *openapi3.Schema, tag string, n int) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s-%d", tag, n)
	digits := fmt.Sprintf("%010d", uint64(h.Sum32())*7919%10000000000)
	cands := []string{"9" + digits[1:], "+1" + digits, digits[:8], digits + "1"}
	for _, c := range cands {
		if stringFits(s, c) {
			return c
		}
	}
	return cands[0]
}

// phoneValue is a phone number as the schema takes it: a number for
// integer schemas.
func phoneValue(s *openapi3.Schema, phone string) any {
	if s != nil && s.Type != nil && (s.Type.Is("integer") || s.Type.Is("number")) {
		if n, err := strconv.ParseInt(strings.TrimPrefix(phone, "+"), 10, 64); err == nil {
			return n
		}
	}
	return phone
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// setBodyFields sets top-level members of a JSON object or URL-encoded
// form body, and returns the body and its fields.
func setBodyFields(body []byte, contentType string, values map[string]any) ([]byte, map[string]any, error) {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, err
		}
		fields := map[string]any{}
		for k := range vals {
			fields[k] = vals.Get(k)
		}
		for k, v := range values {
			vals.Set(k, fmt.Sprint(v))
			fields[k] = v
		}
		return []byte(vals.Encode()), fields, nil
	}
	obj := map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			obj = map[string]any{}
		}
	}
	for k, v := range values {
		obj[k] = v
	}
	out, err := json.Marshal(obj)
	return out, obj, err
}
