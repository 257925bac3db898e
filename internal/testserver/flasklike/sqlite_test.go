package flasklike

import (
	"encoding/json"
	"os"
	"testing"
)

// testdata/sqlite_cases.json holds what sqlite 3.40.1 (Python 3.11's
// sqlite3) answered to the vulnerable query built with each payload, on
// the seed data: the first row, or the exception. The engine must agree.
func TestSQLiteAgreesWithSQLite(t *testing.T) {
	data, err := os.ReadFile("testdata/sqlite_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Payload string   `json:"payload"`
		Row     []string `json:"row"`
		Error   string   `json:"error"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	for _, c := range cases {
		row, qerr := s.rawQuery("SELECT * FROM users WHERE username = '" + c.Payload + "'")
		var got []string
		for _, v := range row {
			got = append(got, v.pyStr())
		}
		gotErr := ""
		if qerr != nil {
			gotErr = qerr.kind + ": " + qerr.msg
		}
		if gotErr != c.Error || !equalStrings(got, c.Row) {
			t.Errorf("%q:\n  sqlite: row=%q error=%q\n  engine: row=%q error=%q", c.Payload, c.Row, c.Error, got, gotErr)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
