package security

import (
	"bytes"
	"encoding/json"
)

// jsonUnmarshal decodes JSON keeping numbers as json.Number, so large
// ids and exact decimals survive a round trip into a mutated body.
func jsonUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}
