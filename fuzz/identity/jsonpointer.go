package identity

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// lookup resolves an RFC 6901 JSON pointer in a decoded JSON value.
func lookup(doc any, pointer string) (any, error) {
	if pointer == "" {
		return doc, nil
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, fmt.Errorf("JSON pointer %q does not start with '/'", pointer)
	}
	cur := doc
	for _, raw := range strings.Split(pointer[1:], "/") {
		tok := strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, fmt.Errorf("JSON pointer %s: no member %q", pointer, tok)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, fmt.Errorf("JSON pointer %s: no element %q", pointer, tok)
			}
			cur = v[i]
		default:
			return nil, fmt.Errorf("JSON pointer %s: %q is inside a scalar", pointer, tok)
		}
	}
	return cur, nil
}

// jsonString returns the string (or number, as text) at pointer, "" when
// the body is not JSON or holds nothing there.
func jsonString(body []byte, pointer string) string {
	var doc any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return ""
	}
	v, err := lookup(doc, pointer)
	if err != nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}
