package sensitive

import "strings"

// NormalizeName lower-cases a field name and drops separators, so that
// "X-API-Key", "api_key" and "apiKey" compare equal ("xapikey", "apikey").
func NormalizeName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' || r == ' ' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// credentialSuffixes end the normalised names of fields that hold a
// credential: "password", "db_password", "clientSecret", "x-api-key".
var credentialSuffixes = []string{
	"password", "passwd", "passphrase", "secret", "secretkey", "token", "apikey", "apitoken",
	"privatekey", "accesskey", "authkey", "credentials", "credential", "authorization",
	"sessionid", "sessionkey", "signingkey", "encryptionkey", "masterkey", "connectionstring",
}

var credentialExact = map[string]bool{
	"pwd": true, "pass": true, "auth": true, "key": true, "cookie": true, "sig": true,
	"accesskeyid": false,
}

// notCredentialMarkers, found before a credential suffix, mark names that
// hold something else: pagination cursors ("nextPageToken"), anti-CSRF
// tokens, publishable keys, password-reset flows.
var notCredentialMarkers = []string{
	"page", "next", "continuation", "cursor", "sync", "idempotency", "csrf", "xsrf",
	"reset", "forgot", "confirm", "public", "publishable", "captcha", "last4",
}

// IsCredentialName reports whether a field, parameter, header or variable
// name says it holds a credential.
func IsCredentialName(name string) bool {
	n := NormalizeName(name)
	if v, ok := credentialExact[n]; ok {
		return v
	}
	for _, s := range credentialSuffixes {
		if !strings.HasSuffix(n, s) {
			continue
		}
		prefix := n[:len(n)-len(s)]
		for _, m := range notCredentialMarkers {
			if strings.Contains(prefix, m) {
				return false
			}
		}
		return true
	}
	return false
}

// credentialHeaders are request headers whose value is a credential.
var credentialHeaders = map[string]bool{
	"authorization": true, "proxyauthorization": true, "xapikey": true, "apikey": true,
	"xauthtoken": true, "xaccesstoken": true, "xapitoken": true, "cookie": true,
	"xamzsecuritytoken": true, "xgoogapikey": true, "ocpapimsubscriptionkey": true,
}

// IsCredentialHeader reports whether a header carries a credential.
func IsCredentialHeader(name string) bool {
	n := NormalizeName(name)
	return credentialHeaders[n] || (strings.HasPrefix(n, "x") && IsCredentialName(n[1:]))
}

// credentialQueryParams are query parameter names that carry a credential.
var credentialQueryParams = map[string]bool{
	"apikey": true, "key": true, "token": true, "accesstoken": true, "authtoken": true,
	"refreshtoken": true, "idtoken": true, "clientsecret": true, "password": true, "passwd": true,
	"pwd": true, "secret": true, "privatetoken": true, "apitoken": true, "sessionid": true,
	"sig": false, "signature": false,
}

func IsCredentialQueryParam(name string) bool {
	n := NormalizeName(name)
	if v, ok := credentialQueryParams[n]; ok {
		return v
	}
	return IsCredentialName(name)
}

// authSecretParams lists, per Postman auth type, the params that hold a
// secret (v2.1 keys; v2.0 uses the same names as map keys).
var authSecretParams = map[string][]string{
	"basic":    {"password"},
	"bearer":   {"token"},
	"apikey":   {"value"},
	"oauth2":   {"clientSecret", "accessToken", "refreshToken", "password"},
	"digest":   {"password"},
	"ntlm":     {"password"},
	"oauth1":   {"consumerSecret", "tokenSecret", "privateKey"},
	"hawk":     {"authKey"},
	"awsv4":    {"secretKey", "sessionToken"},
	"edgegrid": {"clientSecret", "accessToken", "clientToken"},
	"jwt":      {"secret", "privateKey"},
	"asap":     {"privateKey"},
	"akamai":   {"clientSecret", "accessToken"},
}

func IsAuthSecretParam(authType, key string) bool {
	for _, k := range authSecretParams[strings.ToLower(authType)] {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}
