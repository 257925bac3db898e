package identity

import (
	"github.com/specterhq/specter/fuzz/internal/jsonpointer"
)

// lookup resolves an RFC 6901 JSON pointer in a decoded JSON value.
func lookup(doc any, pointer string) (any, error) {
	return jsonpointer.Lookup(doc, pointer)
}

// jsonString returns the string (or number, as text) at pointer, "" when
// the body is not JSON or holds nothing there.
func jsonString(body []byte, pointer string) string {
	v, err := jsonpointer.Lookup(jsonpointer.Decode(body), pointer)
	if err != nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case interface{ String() string }:
		return x.String()
	}
	return ""
}
