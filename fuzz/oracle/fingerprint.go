package oracle

import (
	"mime"
	"strings"

	"github.com/specterhq/specter/fuzz/authz"
	"github.com/specterhq/specter/fuzz/execute"
)

// Fingerprint tells answers apart when their values do not matter: the
// status, the media type and the body's structure (authz.Shape), with the
// request's path left out, and "METHOD path" as Express quotes it, since
// error pages quote them. Two answers of one fingerprint are the same
// kind of answer: the framework's to a path it does not route, a
// catch-all's, a handler's.
type Fingerprint struct {
	Status int
	Media  string // lower case, without parameters
	Shape  string
}

// FingerprintOf is the fingerprint of an exchange's answer; the zero
// Fingerprint when it has none.
func FingerprintOf(x *execute.Exchange) Fingerprint {
	if x == nil || x.Status == 0 {
		return Fingerprint{}
	}
	media, _, _ := mime.ParseMediaType(x.Header.Get("Content-Type"))
	body := string(x.Body)
	if x.Request != nil {
		// Error pages often quote the path: it is not what they say.
		body = strings.ReplaceAll(body, x.Request.URL.EscapedPath(), "<path>")
		body = strings.ReplaceAll(body, x.Request.URL.Path, "<path>")
		// Express quotes the method too ("Cannot DELETE /items/1").
		body = strings.ReplaceAll(body, x.Request.Method+" <path>", "<method> <path>")
	}
	return Fingerprint{Status: x.Status, Media: strings.ToLower(media), Shape: authz.Shape([]byte(body))}
}
