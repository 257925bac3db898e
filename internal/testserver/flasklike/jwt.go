package flasklike

// PyJWT 2.6 as the app uses it: jwt.encode(payload, SECRET_KEY, "HS256")
// and jwt.decode(token, SECRET_KEY, algorithms=["HS256"]).

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

var b64 = base64.RawURLEncoding

func hs256(key []byte, input string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(input))
	return b64.EncodeToString(m.Sum(nil))
}

// encodeToken is User.encode_auth_token: exp, iat, sub in that order, as
// PyJWT serialises a dict (compact separators).
func encodeToken(key []byte, sub string, now time.Time, ttl time.Duration) string {
	iat := now.Unix()
	exp := now.Add(ttl).Unix()
	header := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := b64.EncodeToString([]byte(`{"exp":` + strconv.FormatInt(exp, 10) + `,"iat":` +
		strconv.FormatInt(iat, 10) + `,"sub":` + jsonQuote(sub) + `}`))
	return header + "." + payload + "." + hs256(key, header+"."+payload)
}

var (
	errExpired = errors.New("expired")
	errInvalid = errors.New("invalid")
)

// b64decode is PyJWT's base64url_decode: padding is added back, and
// Python's decoder skips characters outside the alphabet.
func b64decode(s string) ([]byte, bool) {
	var clean strings.Builder
	for _, r := range s {
		if (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			clean.WriteRune(r)
		}
	}
	out, err := b64.DecodeString(clean.String())
	return out, err == nil
}

// decodeToken is jwt.decode: the claims, or errExpired / errInvalid (the
// ExpiredSignatureError and other InvalidTokenError cases).
func decodeToken(key []byte, token string, now time.Time) (*pyDict, error) {
	dot := strings.LastIndex(token, ".")
	if dot < 0 {
		return nil, errInvalid
	}
	signing, sig := token[:dot], token[dot+1:]
	h64, p64, ok := strings.Cut(signing, ".")
	if !ok {
		return nil, errInvalid
	}
	hb, ok1 := b64decode(h64)
	pb, ok2 := b64decode(p64)
	sb, ok3 := b64decode(sig)
	if !ok1 || !ok2 || !ok3 {
		return nil, errInvalid
	}
	hv, err := pyLoads(hb)
	header, isDict := hv.(*pyDict)
	if err != nil || !isDict {
		return nil, errInvalid
	}
	if alg, _ := header.get("alg"); alg != "HS256" {
		return nil, errInvalid
	}
	want, _ := b64.DecodeString(hs256(key, signing))
	if !hmac.Equal(want, sb) {
		return nil, errInvalid
	}
	pv, err := pyLoads(pb)
	claims, isDict := pv.(*pyDict)
	if err != nil || !isDict {
		return nil, errInvalid
	}
	unix := float64(now.Unix())
	if v, ok := claims.get("exp"); ok {
		exp, ok := pyNumber(v)
		if !ok {
			return nil, errInvalid
		}
		if exp <= unix {
			return nil, errExpired
		}
	}
	if v, ok := claims.get("iat"); ok {
		if _, ok := pyNumber(v); !ok {
			return nil, errInvalid
		}
	}
	if v, ok := claims.get("nbf"); ok {
		nbf, ok := pyNumber(v)
		if !ok || nbf > unix {
			return nil, errInvalid
		}
	}
	return claims, nil
}

// pyNumber is int(v) for a claim: numbers, bools and numeric strings.
func pyNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case pyInt:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return math.Trunc(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return float64(n), err == nil
	}
	return 0, false
}
