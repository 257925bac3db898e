package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
	"sort"
	"strings"
	"time"

	"github.com/specterhq/specter/surface/traffic"
	"github.com/specterhq/specter/surface/traffic/credential"
)

// AgentMarker marks the clients that match it as AI agents, besides a
// token that says client_type=ai-agent. Set one of Claim (with Value),
// UserAgent or Client.
type AgentMarker struct {
	// Claim and Value: a token claim, or a claim the source recorded
	// (API Gateway's client_type), with this name and value (any case).
	Claim, Value string
	// UserAgent: a substring of the client's user agent, any case.
	UserAgent string
	// Client: a client id, exactly.
	Client string
}

// String is the marker as reports name it.
func (m AgentMarker) String() string {
	switch {
	case m.Claim != "":
		return "claim " + m.Claim + "=" + m.Value
	case m.UserAgent != "":
		return "user agent containing " + m.UserAgent
	}
	return "client " + m.Client
}

// marker is an AgentMarker ready to match: its user agent lower-cased.
type marker struct {
	AgentMarker
	userAgent string
}

// builtinAgentMarker is the one marker every run applies.
var builtinAgentMarker = AgentMarker{Claim: "client_type", Value: "ai-agent"}

// clientKind says what identifies a client.
type clientKind uint8

const (
	byClientID   clientKind = iota + 1 // a client id recorded by the source or in a token
	byEndUser                          // an end user recorded by the source or a token's subject
	byCredential                       // an opaque token or API key, by its hash
	byUserAgent                        // the user agent alone
)

// clientKey identifies a client; id is empty for byCredential.
type clientKey struct {
	kind clientKind
	id   string
	hash uint64
}

// Limits of what one client or credential holds.
const (
	maxClientUserAgents  = 4
	maxCredentialAgents  = 16
	maxCredentialHosts   = 32
	maxClientCredentials = 64
	maxClientScopes      = 256
)

// client aggregates the requests of one caller.
type client struct {
	key  clientKey
	by   string // what identified it, for reports
	name string // how reports name it (no secret)
	// tag tells apart clients whose names read alike: four hex digits of
	// a SHA-256 of what identifies them (16 bits, which reveal nothing of
	// a credential).
	tag string
	// agent is why the client is an agent ("" when it is not one).
	agent       string
	requests    int
	first, last time.Time
	file        string
	line        int
	ops         endpointCounts
	rate        minuteRate
	userAgents  []string
	creds       []*credState
	scopes      map[string]bool // granted, as recorded by the source
	lastScopes  string
}

// credState aggregates the requests that carried one credential.
type credState struct {
	hash       uint64
	tag        string // see client.tag
	info       credential.Info
	requests   int
	file       string
	line       int
	userAgents []string
	hosts      []string
	owner      *client
}

// clientsView groups the traffic per client. It holds no credential: a
// credential is known by its hash and what credential.Parse says of it.
type clientsView struct {
	opts    Options
	markers []marker // the builtin marker first
	seed    maphash.Seed
	clients map[clientKey]*client
	creds   map[uint64]*credState
	// lastUA memoises the client of the last user-agent-identified record.
	lastUA     string
	lastClient *client
	overflow   int
	unknown    int
}

func newClientsView(opts Options) *clientsView {
	v := &clientsView{opts: opts, seed: maphash.MakeSeed(), clients: map[clientKey]*client{}, creds: map[uint64]*credState{}}
	for _, m := range append([]AgentMarker{builtinAgentMarker}, opts.AgentMarkers...) {
		v.markers = append(v.markers, marker{AgentMarker: m, userAgent: strings.ToLower(m.UserAgent)})
	}
	return v
}

// observe counts one record for its client; ep is its endpoint (nil when
// it overflowed the endpoint limit).
func (v *clientsView) observe(o *traffic.Observation, ep *endpoint, file string) {
	var c *client
	if o.Caller == nil && o.UserAgent != "" && o.UserAgent == v.lastUA {
		c = v.lastClient
	} else {
		cred := v.credential(o)
		key, by, name := v.identify(o, cred)
		if key.kind == 0 {
			v.unknown += o.Count
			return
		}
		fresh := false
		if c = v.clients[key]; c == nil {
			if c = v.newClient(key, by, name, cred, o, file); c == nil {
				return
			}
			fresh = true
		}
		if cred != nil {
			fresh = c.addCredential(cred) || fresh
			cred.observe(o)
		}
		if o.Caller != nil {
			c.addScopes(o.Caller.Scopes)
		}
		if key.kind == byUserAgent {
			v.lastUA, v.lastClient = c.key.id, c
		} else if o.UserAgent != "" && len(c.userAgents) < maxClientUserAgents && !contains(c.userAgents, o.UserAgent) {
			c.userAgents = append(c.userAgents, strings.Clone(o.UserAgent))
			fresh = true
		}
		// Markers are matched when something new about the client shows.
		if fresh && c.agent == "" {
			c.agent = v.agentMarker(c, o, cred)
		}
	}
	c.requests += o.Count
	if !o.FirstSeen.IsZero() {
		if c.first.IsZero() || o.FirstSeen.Before(c.first) {
			c.first = o.FirstSeen
		}
		c.rate.add(o.FirstSeen.Unix()/60, o.Count)
	}
	if o.LastSeen.After(c.last) {
		c.last = o.LastSeen
	}
	if ep != nil {
		c.ops.add(ep, o.Count)
	}
}

// endpointCounts counts a client's requests per endpoint: the first few
// endpoints in a slice (most clients call few), the rest in a map.
type endpointCounts struct {
	few  []endpointCount
	more map[*endpoint]int
}

type endpointCount struct {
	ep *endpoint
	n  int
}

const fewEndpoints = 16

func (e *endpointCounts) add(ep *endpoint, n int) {
	for i := range e.few {
		if e.few[i].ep == ep {
			e.few[i].n += n
			return
		}
	}
	if len(e.few) < fewEndpoints {
		e.few = append(e.few, endpointCount{ep, n})
		return
	}
	if e.more == nil {
		e.more = map[*endpoint]int{}
	}
	e.more[ep] += n
}

// each calls fn for every endpoint and its count.
func (e *endpointCounts) each(fn func(*endpoint, int)) {
	for _, c := range e.few {
		fn(c.ep, c.n)
	}
	for ep, n := range e.more {
		fn(ep, n)
	}
}

// endSource closes the open minutes of every client: the next source
// starts its own clock.
func (v *clientsView) endSource() {
	for _, c := range v.clients {
		c.rate.flush()
	}
	v.lastUA, v.lastClient = "", nil
}

func (v *clientsView) newClient(key clientKey, by, name string, cred *credState, o *traffic.Observation, file string) *client {
	if len(v.clients) >= v.opts.MaxClients {
		v.overflow += o.Count
		return nil
	}
	key.id = strings.Clone(key.id)
	c := &client{key: key, by: by, name: strings.Clone(name), file: file, line: o.Line}
	if key.kind == byCredential && cred != nil {
		c.tag = cred.tag
	} else {
		c.tag = shortDigest(key.id)
	}
	v.clients[key] = c
	return c
}

// credential returns the state of the record's credential: the
// Authorization header, else the API key; nil without one.
func (v *clientsView) credential(o *traffic.Observation) *credState {
	if o.Caller == nil {
		return nil
	}
	name, value := "authorization", o.Caller.Authorization
	if value == "" {
		name, value = o.Caller.APIKeyName, o.Caller.APIKey
	}
	if value == "" {
		return nil
	}
	h := maphash.String(v.seed, value)
	if cs := v.creds[h]; cs != nil {
		return cs
	}
	var info credential.Info
	if name == "authorization" {
		info = credential.ParseAuthorization(value)
	} else {
		info = credential.ParseAPIKey(name, value)
	}
	info.Scheme = strings.Clone(info.Scheme) // a substring of the record
	cs := &credState{hash: h, info: info, tag: shortDigest(value)}
	if len(v.creds) < v.opts.MaxClients*4 {
		v.creds[h] = cs
	}
	return cs
}

// identify names the client of a record: a client id (recorded by the
// source, or a token's client_id/azp), else an end user (recorded, or a
// token's subject), else the credential itself, else the user agent.
func (v *clientsView) identify(o *traffic.Observation, cred *credState) (key clientKey, by, name string) {
	var info credential.Info
	if cred != nil {
		info = cred.info
	}
	c := o.Caller
	switch {
	case c != nil && c.ClientID != "":
		return clientKey{kind: byClientID, id: c.ClientID}, "client id recorded by the source", c.ClientID
	case info.ClientID != "":
		return clientKey{kind: byClientID, id: info.ClientID}, "token claim " + info.ClientIDClaim, info.ClientID
	case c != nil && c.EndUser != "":
		return clientKey{kind: byEndUser, id: c.EndUser}, "end user recorded by the source", redactSegment(c.EndUser)
	case info.Subject != "":
		return clientKey{kind: byEndUser, id: info.Subject}, "token claim sub", redactSegment(info.Subject)
	case cred != nil:
		return clientKey{kind: byCredential, hash: cred.hash}, string(info.Kind), credentialName(info)
	case o.UserAgent != "":
		return clientKey{kind: byUserAgent, id: o.UserAgent}, "user agent", clipText(o.UserAgent, 80)
	}
	return clientKey{}, "", ""
}

// shortDigest is four hex digits of a SHA-256.
func shortDigest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:2])
}

// credentialName names a credential without revealing it.
func credentialName(info credential.Info) string {
	switch info.Kind {
	case credential.KindBasic:
		if info.User != "" {
			return "basic user " + info.User
		}
		return "basic credentials"
	case credential.KindJWT:
		if info.Issuer != "" {
			return "token from " + clipText(info.Issuer, 60)
		}
		return "token without a client claim"
	case credential.KindAPIKey:
		return "api key " + info.Prefix
	}
	return "token " + info.Prefix
}

// addCredential records that the client used a credential; it reports
// whether the credential is new to it.
func (c *client) addCredential(cs *credState) bool {
	if cs.owner == nil {
		cs.owner = c
	}
	for _, have := range c.creds {
		if have == cs {
			return false
		}
	}
	if len(c.creds) < maxClientCredentials {
		c.creds = append(c.creds, cs)
	}
	return true
}

// addScopes records the scopes a source wrote for the caller
// (enduser.scope, an authorizer's scope claim).
func (c *client) addScopes(s string) {
	if s == "" || s == c.lastScopes {
		return
	}
	c.lastScopes = strings.Clone(s)
	if c.scopes == nil {
		c.scopes = map[string]bool{}
	}
	for _, sc := range strings.Fields(c.lastScopes) {
		if len(c.scopes) < maxClientScopes {
			c.scopes[sc] = true
		}
	}
}

func (cs *credState) observe(o *traffic.Observation) {
	if cs.requests == 0 {
		cs.line = o.Line
	}
	cs.requests += o.Count
	if o.UserAgent != "" && len(cs.userAgents) < maxCredentialAgents && !contains(cs.userAgents, o.UserAgent) {
		cs.userAgents = append(cs.userAgents, strings.Clone(o.UserAgent))
	}
	if o.ClientAddr != "" && len(cs.hosts) < maxCredentialHosts && !contains(cs.hosts, o.ClientAddr) {
		cs.hosts = append(cs.hosts, strings.Clone(o.ClientAddr))
	}
}

// agentMarker says why a client is an agent: the first marker its
// credential's claims, the source's claims, its user agent or its id
// match; "" when none does.
func (v *clientsView) agentMarker(c *client, o *traffic.Observation, cred *credState) string {
	for _, m := range v.markers {
		switch {
		case m.Claim != "":
			if cred != nil && strings.EqualFold(cred.info.Claims[m.Claim], m.Value) {
				return m.String()
			}
			if o.Caller != nil && strings.EqualFold(m.Claim, "client_type") && strings.EqualFold(o.Caller.ClientType, m.Value) {
				return m.String()
			}
		case m.userAgent != "":
			if o.UserAgent != "" && strings.Contains(strings.ToLower(o.UserAgent), m.userAgent) {
				return m.String()
			}
		case m.Client != "":
			if (c.key.kind == byClientID || c.key.kind == byEndUser) && c.key.id == m.Client {
				return m.String()
			}
		}
	}
	return ""
}

// scopesGranted is the union of the scopes the client's tokens carry and
// the source recorded, sorted.
func (c *client) scopesGranted() []string {
	set := map[string]bool{}
	for s := range c.scopes {
		set[s] = true
	}
	for _, cs := range c.creds {
		for _, s := range cs.info.Scopes {
			set[s] = true
		}
	}
	return sortedKeys(set)
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// clipText shortens text for a report, at a rune boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
