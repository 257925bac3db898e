package secrets

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/specterhq/specter/surface"
)

// TestLongLinesAreScannedInPieces plants secrets deep inside a minified,
// one-line document (as APIs.guru publishes specs): they must be found, at
// the right column, and the line must not be handed to gitleaks whole.
func TestLongLinesAreScannedInPieces(t *testing.T) {
	const aws = "AKIAZ3MSJV4WWNKWW5FQ"
	const gh = "ghp_4bN7xQ2mK9pL5vR8tY3wZ6cJ1hF0dS2aE7gU"
	var b strings.Builder
	b.WriteString(`{"info":{"title":"é minified"},"paths":{`)
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, `"/p%d":{"get":{"description":"the token used for key rotation, see docs"}},`, i)
	}
	awsAt := b.Len()
	fmt.Fprintf(&b, `"/aws":{"x-key":"%s"},`, aws)
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, `"/q%d":{"get":{"summary":"plain"}},`, i)
	}
	ghAt := b.Len()
	fmt.Fprintf(&b, `"/gh":{"x-pat":"%s"}}}`, gh)
	text := b.String()
	if len(text) < 4*longLineBytes {
		t.Fatalf("fixture line is only %d bytes", len(text))
	}
	f := &surface.File{Path: "min.json", Data: []byte(text)}
	s := newScanner(t, Options{ShowSecrets: true})
	found, err := s.Findings(context.Background(), &surface.Surface{Files: []*surface.File{f}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		aws: utf8.RuneCountInString(text[:strings.Index(text[awsAt:], aws)+awsAt]) + 1,
		gh:  utf8.RuneCountInString(text[:strings.Index(text[ghAt:], gh)+ghAt]) + 1,
	}
	for _, fd := range found {
		if col, ok := want[fd.Evidence]; ok {
			if fd.Location.Line != 1 || fd.Location.Column != col {
				t.Errorf("%s at %d:%d, want 1:%d", fd.RuleID, fd.Location.Line, fd.Location.Column, col)
			}
			delete(want, fd.Evidence)
		}
	}
	for secret := range want {
		t.Errorf("secret %.8s… in the long line not found", secret)
	}
	for _, fr := range s.engine.windows(0, f.Path, text, newLineIndex(text)) {
		if len(fr.text) > pieceChunk {
			t.Errorf("a %d-byte fragment of the long line went to gitleaks", len(fr.text))
		}
	}
}
