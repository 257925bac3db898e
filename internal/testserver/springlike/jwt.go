package springlike

// JwtProvider: RS256 tokens signed with the identity service's key pair,
// whose public half is served as a JWKS at /.well-known/jwks.json.

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// signingKeyPEM is the identity service's RSA key (a fixed test key, so
// that a server built twice issues the same tokens).
const signingKeyPEM = `
-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAigGCTc8fONhEDdT0Y1pay5pLLD5I+Wd9quL59FdZRMDiYum0
kDxqvIkdkREnW7rYHgWh0I/eG+E99zHhyTY4rpB4vXQH//uJ69oG2Tt6K54XyxkG
xNCPA38VOkHKrGHFx6r6MBBIc4Yd+JkzGXzC1UrgkiUFPggZC6ofD5bkBcn0DA6p
bptognuiiM1ovow6WwaiGAZeB5ER1D2PUbAh2Z55gSfSE9YPgLR4NTT/9Kew7GVm
zlAJ5n/Sz2WFgrpmDJ/TNVrzj9Z9k1xfG6DGULuN2+Uhjy5DT4DYuI+08rhTDqcr
DHaWagp58HpUe/z6jhrflUvGrvmYXI46Z5jOWwIDAQABAoIBAACZUTaQe/KKmExm
hqAIBgta7jqeHDS5amLOg4Z/qF+ENn/44VxlqOS3nRrLCuh6zAvyDW4f5twS02Hy
sxiddbmC/V0umm+1Relxq441pW1EYvqFgM6x2Lw5DCXs6YomGyajJcDEqS+gYI8o
KsVqj7KAYbOMl5z16XWkPr82KmN/j8Z7i8KDxcf1/q+bh4y43nTGHWBa3NMn7R0g
dhhx8aPo6uIGAna80OIrxlzrUnNG9dBup/DbYf6cq6s/Uifld7KE6lPUBFsJ1lpW
UM3+mPUSku1oIeUDj7lI1+AmageEcFe3ZNH9Su/uaTRYhlVmM/HHSi4udd5bXEoG
PyI/b2ECgYEAvxVZ28fbeZJPXRdSF8OgqWXmSydSKhbxPOcQXcATUpD1raqKNSnv
V4/MGVKJ7mkZsXwB6dCDVYMjOPTSL6LlGBxma92qixyEnh74MqmjKBfHfjSdE3/7
HJYZ9Rx3kPPV7NCqy6bsNHnkTeH62aK7ffNqQJgjxFoN3ECepITRfZUCgYEAuOP4
5xMfuHBIdli5pjBObyKvtGeMc3sV2v8ajHk6ZBpbphoJzIMNFAY5HUTdzHGxJGr2
GcahraZJhZs5tUosNCL+qvXUnQzG03Vv7jnGimGXPf0iuelV0h1HFpY/64SBISTl
zGx8u7PdBKezcQAiUGC78pyGrMVxcFnaCeBnwC8CgYEAmtDHryPsFEGQf5Hnd02O
m/DtdzJyhZt09K0ZO3vlq926z2v+8jf5rO3apSGUk08f/AbG3hOMdPn8zaa9rM7D
4pcP/JDqHi+K2zmoShPbFx69COnD4gqs/2o1ubvIu+5zAp3F455ofdPMP7W5sh8A
3XkcOx2IzQtRc4P/hLf/q0kCgYEAgv66XfW1traPEJKCTlXRbHo15OqsnzEo5fVy
eO53SW9HWeL+6FA9lt9l3e/p+azfpf7GiLKr4F19n9S/yUtZEENvDe+IiREBWdbN
zApROcA1KO1NikzgyjKGKGGhvhsuZi4/Rlvi8BZaVK8AuuIubaZr41O1M3ncio6O
pgrBV28CgYB8mhlJIiflRuOwLP+DLqEqPv6cMn7W6cxKPdgJLeK8nvD799LWdc2r
vb32qDDQuu4dATlNcjysyWm3s4+OYKTmCLdsU+w2AnRnQ+isMvOxr8z3/wR3+KXq
lVrdM8jciKGC6PAz6bH+Kb7zStX1XgfdLomXio3uL6BDcK03Vggy4w==
-----END RSA PRIVATE KEY-----
`

var (
	signingKey   *rsa.PrivateKey
	publicKeyPEM []byte // PKIX "PUBLIC KEY" PEM, as the service logs and ships it
	keyID        string // RFC 7638 thumbprint
)

func init() {
	blk, _ := pem.Decode([]byte(strings.TrimSpace(signingKeyPEM)))
	if blk == nil {
		panic("springlike: bad signing key")
	}
	k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		panic(err)
	}
	signingKey = k
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	publicKeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	th := sha256.Sum256([]byte(`{"e":"` + b64(big.NewInt(int64(k.E)).Bytes()) + `","kty":"RSA","n":"` + b64(k.N.Bytes()) + `"}`))
	keyID = b64(th[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwk is one key of a JWK Set.
type jwk struct {
	Kty string `json:"kty"`
	E   string `json:"e"`
	Use string `json:"use,omitempty"`
	Kid string `json:"kid,omitempty"`
	Alg string `json:"alg,omitempty"`
	N   string `json:"n"`
}

type jwkSet struct {
	Keys []jwk `json:"keys"`
}

func publicJWKS() jwkSet {
	k := signingKey.PublicKey
	return jwkSet{Keys: []jwk{{Kty: "RSA", E: b64(big.NewInt(int64(k.E)).Bytes()), Use: "sig", Kid: keyID, Alg: "RS256", N: b64(k.N.Bytes())}}}
}

// tokenLifetime is app.jwtExpiration (7 days in crAPI).
const tokenLifetime = 7 * 24 * time.Hour

type claims struct {
	Sub  string `json:"sub"`
	Iat  int64  `json:"iat"`
	Exp  int64  `json:"exp"`
	Role string `json:"role"`
}

// issueToken signs a token for u; s.mu must be held. Tokens are
// deterministic for a user and second, so the last one is reused within
// the same second (an RSA signature costs about a millisecond).
func (s *Server) issueToken(u *user) string {
	now := s.now()
	if c, ok := s.tokens[u.id]; ok && c.iat == now.Unix() && c.email == u.email {
		return c.token
	}
	tok := signToken(u, now)
	if s.tokens != nil {
		s.tokens[u.id] = cachedToken{iat: now.Unix(), email: u.email, token: tok}
	}
	return tok
}

type cachedToken struct {
	iat   int64
	email string
	token string
}

func signToken(u *user, now time.Time) string {
	h := b64([]byte(`{"alg":"RS256"}`))
	p, _ := json.Marshal(claims{Sub: u.email, Iat: now.Unix(), Exp: now.Add(tokenLifetime).Unix(), Role: u.role.claim()})
	in := h + "." + b64(p)
	d := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(nil, signingKey, crypto.SHA256, d[:])
	if err != nil {
		panic(err)
	}
	return in + "." + b64(sig)
}

// authenticate is JwtProvider.validateJwtToken followed by the user lookup
// of UserDetailsServiceImpl: the principal, or nil.
func (s *Server) authenticate(tok string) *user {
	sub, ok := s.verifyToken(tok)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userByEmail(sub)
}

func (s *Server) verifyToken(tok string) (string, bool) {
	if len(tok) > 16<<10 {
		return "", false
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", false
	}
	var hdr map[string]any
	if !decodeSeg(parts[0], &hdr) {
		return "", false
	}
	var cl map[string]any
	if !decodeSeg(parts[1], &cl) {
		return "", false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", false
	}
	in := parts[0] + "." + parts[1]
	alg, _ := hdr["alg"].(string)
	if s.secure {
		// Pinned: RS256 with the local key, whatever the header says
		// about other keys (jku, jwk, kid are ignored).
		if alg != "RS256" || !verifyRS256(&signingKey.PublicKey, in, sig) {
			return "", false
		}
	} else {
		switch alg {
		case "RS256":
			key := &signingKey.PublicKey
			if jku, ok := hdr["jku"].(string); ok && jku != "" {
				// Flaw jwt-jku-injection: the key set is fetched from
				// wherever the token says it lives.
				kid, _ := hdr["kid"].(string)
				k, err := fetchJWK(jku, kid)
				if err != nil {
					return "", false
				}
				key = k
			}
			if !verifyRS256(key, in, sig) {
				return "", false
			}
		case "HS256":
			// Flaw jwt-alg-confusion: the verification key is the
			// configured public key's PEM text, and the algorithm is
			// taken from the token, so an HMAC over it verifies.
			if !verifyHMACWithPEM(in, sig) {
				return "", false
			}
		default:
			return "", false
		}
	}
	sub, _ := cl["sub"].(string)
	if sub == "" {
		return "", false
	}
	exp, hasExp := cl["exp"].(float64)
	if !hasExp && s.secure {
		return "", false
	}
	if hasExp && float64(s.now().Unix()) >= exp {
		return "", false
	}
	return sub, true
}

func decodeSeg(seg string, into *map[string]any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(raw, into) == nil && *into != nil
}

func verifyRS256(k *rsa.PublicKey, in string, sig []byte) bool {
	d := sha256.Sum256([]byte(in))
	return rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig) == nil
}

func verifyHMACWithPEM(in string, sig []byte) bool {
	for _, key := range [][]byte{publicKeyPEM, []byte(strings.TrimRight(string(publicKeyPEM), "\n"))} {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(in))
		if subtle.ConstantTimeCompare(m.Sum(nil), sig) == 1 {
			return true
		}
	}
	return false
}

// fetchJWK downloads a JWK Set and returns its RSA key with the given kid
// (or its first RSA key).
func fetchJWK(raw, kid string) (*rsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(context.Background(), outboundTimeout)
	defer cancel()
	resp, err := loopbackGet(ctx, raw)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var set jwkSet
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, err
	}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (kid != "" && k.Kid != "" && k.Kid != kid) {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	}
	return nil, errors.New("no usable key")
}

// outboundTimeout bounds every request the server makes.
const outboundTimeout = 2 * time.Second

var errNotLoopback = errors.New("connection refused")

// loopbackHost reports whether a URL host (without port) is a loopback
// address: an IP literal in 127.0.0.0/8 or ::1, or "localhost".
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// outbound is the only HTTP client of the server. It reaches plain-HTTP
// loopback addresses only: other hosts are refused before any name is
// resolved ("localhost" is dialled as 127.0.0.1), the dialer checks the
// address again, no proxy is used, and redirects follow the same rules; so
// tests never touch the network.
var outbound = &http.Client{
	Timeout: outboundTimeout,
	Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(address)
			if err != nil || !loopbackHost(host) {
				return nil, errNotLoopback
			}
			if strings.EqualFold(host, "localhost") {
				host = "127.0.0.1"
			}
			d := &net.Dialer{
				Timeout: outboundTimeout,
				Control: func(_, address string, _ syscall.RawConn) error {
					h, _, err := net.SplitHostPort(address)
					if err != nil || net.ParseIP(h) == nil || !net.ParseIP(h).IsLoopback() {
						return errNotLoopback
					}
					return nil
				},
			}
			return d.DialContext(ctx, network, net.JoinHostPort(host, port))
		},
		DisableKeepAlives:     true,
		ResponseHeaderTimeout: outboundTimeout,
	},
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 || req.URL.Scheme != "http" || !loopbackHost(req.URL.Hostname()) {
			return errNotLoopback
		}
		return nil
	},
}

func loopbackGet(ctx context.Context, raw string) (*http.Response, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || !loopbackHost(u.Hostname()) {
		return nil, errNotLoopback
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	return outbound.Do(req)
}
