package exposure

import (
	"fmt"
	"strings"
	"testing"

	"github.com/specterhq/specter/scanners/secrets"
)

// BenchmarkFindTypicalBody is a 2xx list answer of 50 records with ids,
// names, e-mails, timestamps and prose: what the oracle sees most.
func BenchmarkFindTypicalBody(b *testing.B) {
	s, err := secrets.New(secrets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	f := New(s)
	var recs []string
	for i := 0; i < 50; i++ {
		recs = append(recs, fmt.Sprintf(`{"id":"3f2a9c1e-%04d-4e5f-8a6b-0c1d2e3f4a5b","name":"Item %d","owner":"user%d@example.com","created":"2026-11-26T12:00:%02dZ","description":"A lamp with a warm light and a long cable","price":%d.99}`, i, i, i, i%60, i))
	}
	body := []byte(`{"items":[` + strings.Join(recs, ",") + `]}`)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.Find(body, nil)
	}
}
