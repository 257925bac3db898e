package oracle

import (
	"reflect"
	"testing"
)

// FuzzDecodeJSON checks the fast path against encoding/json: the same
// value, or an error from both.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"message":"hello"}`, `{"id": 12345678901234567890, "ok": true, "n": null}`,
		` [1, -0.5e+3, "a", {}, []] `, `{"a": "\u00e9\n"}`, "{\"a\": \"caf\xc3\xa9\"}",
		"{\"a\": \"\xff\"}", `{"a": 1} {"b": 2}`, `[01]`, `-`, `1.`, `1e`, `"a`, `{"a" 1}`,
		`{"a":1,}`, `[1,]`, `tru`, `nulll`, `{"a":{"a":{"a":[[[[[1]]]]]}}}`, ``, `  `,
		`{"a":1,"a":2}`, "\"\x01\"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeJSON(data)
		want, wantErr := decodeJSONStd(data)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("DecodeJSON(%q): error %v, encoding/json: %v", data, err, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeJSON(%q) = %#v, encoding/json: %#v", data, got, want)
		}
	})
}

func BenchmarkDecodeJSON(b *testing.B) {
	body := []byte(`{"id": 42, "name": "Rex", "tags": ["a", "b"], "owner": {"email": "a@example.com"}}`)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			DecodeJSON(body)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decodeJSONStd(body)
		}
	})
}
