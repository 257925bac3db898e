// Package jsonpointer resolves RFC 6901 JSON pointers in decoded JSON
// values: the logins of identities, Postman test scripts and OpenAPI
// links name the values they take from an answer this way.
package jsonpointer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Lookup resolves pointer in doc ("" is the whole document).
func Lookup(doc any, pointer string) (any, error) {
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

// Scalar returns the string, number or boolean at pointer as text; ok is
// false when there is none there, or an object, an array or null.
func Scalar(doc any, pointer string) (string, bool) {
	v, err := Lookup(doc, pointer)
	if err != nil {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// Decode decodes a JSON body keeping numbers exact; nil when it is not
// JSON.
func Decode(body []byte) any {
	var doc any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return nil
	}
	return doc
}
