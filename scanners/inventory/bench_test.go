package inventory

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
)

// benchLog renders n nginx combined lines with the mix bench/inventory.sh
// generates: documented calls with ids, an undocumented high-cardinality
// endpoint, an older version, a deprecated operation and probes.
func benchLog(n int) string {
	rng := rand.New(rand.NewSource(42))
	var b strings.Builder
	for i := 0; i < n; i++ {
		r, id := rng.Float64(), rng.Intn(5000000)
		m, s, p := "GET", 200, ""
		switch {
		case r < 0.30:
			p = fmt.Sprintf("/api/v2/users/%d", id)
		case r < 0.45:
			p = fmt.Sprintf("/api/v2/users/%d/orders?page=%d", id, id%9)
		case r < 0.60:
			p = fmt.Sprintf("/api/v2/orders/%d", id)
		case r < 0.72:
			m, p = "POST", fmt.Sprintf("/api/v2/orders/%d/refund", id)
		case r < 0.85:
			p = fmt.Sprintf("/api/v1/users/%d", id)
		case r < 0.95:
			p = "/api/v2/legacy/search?q=x"
		default:
			p, s = "/wp-login.php", 404
		}
		fmt.Fprintf(&b, "203.0.113.%d - - [01/Jun/2024:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d 512 \"-\" \"Mozilla/5.0 shop-bench/1.0\"\n", i%250+1, i/43200%24, i/720%60, i/12%60, m, p, s)
	}
	return b.String()
}

func BenchmarkInventory100k(b *testing.B) {
	surf := load(&testing.T{}, filepath.Join(fixtures, "shop.openapi.yaml"))
	data := benchLog(100000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := New(Options{Traffic: []Source{stringSource("bench.log", data, "")}})
		if _, err := s.Scan(b.Context(), surf); err != nil {
			b.Fatal(err)
		}
	}
}
