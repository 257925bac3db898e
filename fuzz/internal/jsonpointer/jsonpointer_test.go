package jsonpointer

import "testing"

func TestScalar(t *testing.T) {
	doc := Decode([]byte(`{"a":{"b/c":[10, "x", true, null, {"d":1.5}]},"m~n":"tilde","big":12345678901234567890}`))
	tests := []struct {
		ptr, want string
		ok        bool
	}{
		{"/a/b~1c/0", "10", true},
		{"/a/b~1c/1", "x", true},
		{"/a/b~1c/2", "true", true},
		{"/a/b~1c/3", "", false}, // null
		{"/a/b~1c/4/d", "1.5", true},
		{"/a/b~1c/4", "", false}, // an object
		{"/a/b~1c/9", "", false},
		{"/a/b~1c/-1", "", false},
		{"/m~0n", "tilde", true},
		{"/big", "12345678901234567890", true}, // exact, not 1.2345678901234567e19
		{"/a/x", "", false},
		{"/a/b~1c/1/z", "", false}, // inside a scalar
		{"a", "", false},           // no leading slash
		{"", "", false},            // the whole document is an object
	}
	for _, tt := range tests {
		got, ok := Scalar(doc, tt.ptr)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Scalar(%q) = %q, %v; want %q, %v", tt.ptr, got, ok, tt.want, tt.ok)
		}
	}
	if Decode([]byte("not json")) != nil {
		t.Error("Decode of text is not nil")
	}
	if v, ok := Scalar(map[string]any{"f": 2.5}, "/f"); !ok || v != "2.5" {
		t.Errorf("float64: %q %v", v, ok)
	}
}
