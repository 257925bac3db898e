package learn

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz/execute"
	"github.com/specterhq/specter/fuzz/plan"
	"github.com/specterhq/specter/surface"
)

// exch describes one exchange of a test, built by hand.
type exch struct {
	method, path string
	params       []plan.Param
	body, ct     string // the request body; ct defaults to JSON
	status       int
	location     string
	answer       string // the JSON answer ("" for none)
	recorded     string
	seq          int
	steps        []*plan.Step
	err          error
}

// decode reads a JSON answer the way the engine does, numbers as
// json.Number.
func decode(t testing.TB, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return v
}

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (e exch) build(t testing.TB) (*execute.Exchange, any) {
	t.Helper()
	op := &surface.Operation{Method: e.method, Path: e.path}
	target := &plan.Target{Op: op}
	target.Seal()
	c := &plan.Case{Seq: e.seq, Target: target, Method: e.method, PathParams: e.params, RecordedURL: e.recorded, Steps: e.steps}
	if e.body != "" {
		c.Body = []byte(e.body)
		c.ContentType = e.ct
		if c.ContentType == "" {
			c.ContentType = "application/json"
		}
	}
	base, _ := url.Parse("https://staging.example.test")
	req, err := c.Request(base)
	if err != nil {
		t.Fatal(err)
	}
	x := &execute.Exchange{Case: c, Request: req, RequestBody: c.Body, Status: e.status, Header: http.Header{}, Body: []byte(e.answer), Err: e.err}
	if e.location != "" {
		x.Header.Set("Location", e.location)
	}
	if e.answer != "" {
		x.Header.Set("Content-Type", "application/json")
	}
	return x, decode(t, e.answer)
}

// learn feeds exchanges to a state as identity.
func learnAll(t testing.TB, s *State, identity string, exs ...exch) {
	t.Helper()
	for _, e := range exs {
		x, answer := e.build(t)
		s.Learn(x, identity, answer)
	}
}

func raws(vs []Value) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Raw)
	}
	slices.Sort(out)
	return out
}

// wantValues checks the raw values learned under each name ([] for none).
func wantValues(t *testing.T, s *State, want map[string][]string) {
	t.Helper()
	for name, w := range want {
		got := raws(s.Values(name))
		ws := append([]string{}, w...)
		slices.Sort(ws)
		if !slices.Equal(got, ws) {
			t.Errorf("Values(%q) = %q, want %q", name, got, ws)
		}
	}
}

func TestLearnCreateWithID(t *testing.T) {
	s := New()
	login := &plan.Step{Title: "log in alice"}
	learnAll(t, s, "alice", exch{
		method: "POST", path: "/books", status: 201, seq: 4, steps: []*plan.Step{login},
		body:   `{"name":"Dune","pages":412,"password":"hunter2","api_key":"k-1","message":"hi","tags":["x"]}`,
		answer: `{"id":42,"name":"Dune"}`,
	})
	objs := s.Objects("/books", "alice")
	if len(objs) != 1 {
		t.Fatalf("Objects(/books, alice) = %d objects, want 1", len(objs))
	}
	o := objs[0]
	wantKeys := map[string]string{"id": "42", "name": "Dune", "pages": "412"}
	if !mapsEqual(o.Keys, wantKeys) {
		t.Errorf("Keys = %v, want %v (no credentials, messages or lists)", o.Keys, wantKeys)
	}
	if o.Identity != "alice" || o.Op != "POST /books" || o.Seq != 4 || o.Deleted {
		t.Errorf("object = %+v", o)
	}
	if o.Sent["name"] != "Dune" || o.Sent["password"] != "hunter2" || o.Answer["id"] != json.Number("42") {
		t.Errorf("Sent = %v, Answer = %v", o.Sent, o.Answer)
	}
	if o.Step == nil || o.Step.Title != "create an object (POST /books)" || o.Step.Identity != "alice" || o.Step.Status != 201 ||
		o.Step.Method != "POST" || !strings.HasSuffix(o.Step.URL, "/books") || string(o.Step.Body) == "" {
		t.Fatalf("step = %+v", o.Step)
	}
	if len(o.Step.After) != 1 || o.Step.After[0] != login {
		t.Errorf("step.After = %v, want the case's login", o.Step.After)
	}
	yields := map[string]string{}
	for _, y := range o.Step.Yields {
		yields[y.Name] = y.Value + " " + y.From
	}
	if yields["id"] != "42 /id" || yields["name"] != "Dune request /name" || yields["pages"] != "412 request /pages" || len(yields) != 3 {
		t.Errorf("yields = %v", yields)
	}
	if v, ok := o.KeyFor("id"); !ok || v != "42" {
		t.Errorf("KeyFor(id) = %q, %v", v, ok)
	}
	wantValues(t, s, map[string][]string{
		"id": {"42"}, "id@/books": {"42"}, "name": {"Dune"},
		"password": {}, "apikey": {}, "message": {},
	})
	for _, name := range []string{"id", "id@/books"} {
		v := s.Values(name)[0]
		if v.Origin != Created || v.Identity != "alice" || v.Seq != 4 || v.Step != o.Step {
			t.Errorf("%s value = %+v, want the created id", name, v)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// VAmPI's POST /books/v1 answers only a message: the book is named by
// the title it was sent with.
func TestLearnCreateNaturalKey(t *testing.T) {
	s := New()
	learnAll(t, s, "specter-a", exch{
		method: "POST", path: "/books/v1", status: 200, seq: 2,
		body:   `{"book_title":"specter-book-1","secret":"specter-secret-1"}`,
		answer: `{"message":"Book has been added.","status":"success"}`,
	})
	o, ok := s.ObjectFor("/books/v1", "book_title", "specter-book-1")
	if !ok {
		t.Fatalf("no object named by its book_title; collections %v", s.Collections())
	}
	if !mapsEqual(o.Keys, map[string]string{"booktitle": "specter-book-1"}) {
		t.Errorf("Keys = %v: a secret is not a key", o.Keys)
	}
	if o.Answer["message"] != "Book has been added." {
		t.Errorf("Answer = %v", o.Answer)
	}
	if _, ok := o.KeyFor("id"); ok {
		t.Error("an object with only a natural key has an id")
	}
	got := s.SentStrings()
	slices.Sort(got)
	if want := []string{"specter-book-1", "specter-secret-1"}; !slices.Equal(got, want) {
		t.Errorf("SentStrings() = %v, want %v", got, want)
	}
	wantValues(t, s, map[string][]string{"booktitle": {"specter-book-1"}, "message": {}, "status": {}, "secret": {}, "id@/books/v1": {}})
	if y := o.Step.Yields; len(y) != 1 || y[0] != (plan.Yield{Name: "booktitle", Value: "specter-book-1", From: "request /book_title"}) {
		t.Errorf("yields = %+v", y)
	}
}

func TestLearnCreateLocation(t *testing.T) {
	for _, tt := range []struct {
		location, want string
	}{
		{"https://staging.example.test/books/77?expand=1", "77"},
		{"/books/77", "77"},
		{"/books/77/", "77"},
		{"/books/5e9f8f8f-1111-4222-8333-444455556666", "5e9f8f8f-1111-4222-8333-444455556666"},
		{"77", ""},
		{"/", ""},
	} {
		t.Run(tt.location, func(t *testing.T) {
			s := New()
			learnAll(t, s, "alice", exch{method: "POST", path: "/books", status: 201, location: tt.location})
			objs := s.Objects("/books", "alice")
			if tt.want == "" {
				if len(objs) != 0 {
					t.Errorf("objects = %+v, want none", objs[0].Keys)
				}
				return
			}
			if len(objs) != 1 || objs[0].Keys["location"] != tt.want {
				t.Fatalf("objects = %v, want one at location %s", objs, tt.want)
			}
			if v, ok := objs[0].KeyFor("id"); !ok || v != tt.want {
				t.Errorf("KeyFor(id) = %q, %v", v, ok)
			}
			if y := objs[0].Step.Yields; len(y) != 1 || y[0].From != "Location" {
				t.Errorf("yields = %+v", y)
			}
			wantValues(t, s, map[string][]string{"id@/books": {tt.want}, "location": {tt.want}})
		})
	}
}

func TestLearnCreateKinds(t *testing.T) {
	for _, tt := range []struct {
		name       string
		e          exch
		collection string
		keys       map[string]string // nil: no object
	}{
		{"create action under its collection",
			exch{method: "POST", path: "/identity/api/v2/vehicle/add_vehicle", status: 200, body: `{"vin":"0BXOT59","pincode":"4521"}`, answer: `{"vehicleId":"v-7","status":200}`},
			"/identity/api/v2/vehicle", map[string]string{"vehicleid": "v-7", "vin": "0BXOT59", "pincode": "4521"}},
		{"sign-up adds to the users",
			exch{method: "POST", path: "/users/v1/register", status: 200, body: `{"username":"specter-a","email":"a@example.test","password":"pw"}`, answer: `{"message":"Successfully registered."}`},
			"/users/v1", map[string]string{"username": "specter-a", "email": "a@example.test"}},
		{"sub-collection keeps its parent's id",
			exch{method: "POST", path: "/posts/{postId}/comments", params: []plan.Param{{Name: "postId", Value: "9"}}, status: 201, answer: `{"id":3,"postId":9}`},
			"/posts/{postId}/comments", map[string]string{"id": "3"}},
		{"wrapped answer",
			exch{method: "POST", path: "/orders", status: 201, answer: `{"data":{"id":"o-1","total":3},"meta":{"v":1}}`},
			"", nil},
		{"single wrapped object",
			exch{method: "POST", path: "/orders", status: 201, answer: `{"order":{"_id":"o-1","total":3},"ok":true}`},
			"/orders", map[string]string{"id": "o-1"}},
		{"uuid and guid",
			exch{method: "POST", path: "/devices", status: 201, answer: `{"uuid":"u-1","guid":"g-1","deviceId":"d-1"}`},
			"/devices", map[string]string{"uuid": "u-1", "guid": "g-1", "deviceid": "d-1"}},
		{"form body",
			exch{method: "POST", path: "/notes", status: 201, ct: "application/x-www-form-urlencoded", body: "text=hello&token=t-1&id=5"},
			"/notes", map[string]string{"text": "hello", "id": "5"}},
		{"id not a scalar id",
			exch{method: "POST", path: "/books", status: 201, answer: `{"id":1.5,"uuid":{"v":1},"guid":""}`},
			"", nil},
		{"answer array",
			exch{method: "POST", path: "/books", status: 201, answer: `[{"id":1}]`},
			"", nil},
		{"PUT on a collection answering 201",
			exch{method: "PUT", path: "/menu", status: 201, body: `{"name":"Soup","price":4}`, answer: `{"message":"created"}`},
			"/menu", map[string]string{"name": "Soup", "price": "4"}},
		{"PUT on a collection answering an id",
			exch{method: "PUT", path: "/menu", status: 200, body: `{"name":"Soup"}`, answer: `{"id":8,"name":"Soup"}`},
			"/menu", map[string]string{"id": "8", "name": "Soup"}},
		{"PUT on a collection answering a wrapped id",
			exch{method: "PUT", path: "/menu", status: 200, answer: `{"item":{"id":8}}`},
			"/menu", map[string]string{"id": "8"}},
		{"PUT on a collection answering 200 without an id",
			exch{method: "PUT", path: "/menu", status: 200, body: `{"name":"Soup"}`, answer: `{"message":"updated"}`},
			"", nil},
		{"PUT on an item is an update",
			exch{method: "PUT", path: "/menu/{id}", params: []plan.Param{{Name: "id", Value: "8"}}, status: 201, body: `{"name":"Soup"}`, answer: `{"id":8}`},
			"", nil},
		{"PATCH is an update",
			exch{method: "PATCH", path: "/menu", status: 201, body: `{"name":"Soup"}`, answer: `{"id":8}`},
			"", nil},
		{"GET creates nothing",
			exch{method: "GET", path: "/books", status: 201, answer: `{"id":8}`},
			"", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			learnAll(t, s, "alice", tt.e)
			cols := s.Collections()
			if tt.keys == nil {
				if len(cols) != 0 {
					t.Fatalf("objects in %v, want none", cols)
				}
				return
			}
			if !slices.Equal(cols, []string{tt.collection}) {
				t.Fatalf("collections = %v, want %s", cols, tt.collection)
			}
			o := s.Objects(tt.collection, "alice")[0]
			if !mapsEqual(o.Keys, tt.keys) {
				t.Errorf("Keys = %v, want %v", o.Keys, tt.keys)
			}
			for _, p := range tt.e.params {
				if o.Params[p.Name] != p.Value {
					t.Errorf("Params = %v, want %s=%s", o.Params, p.Name, p.Value)
				}
			}
		})
	}
}

// The wrapped answer above has two objects: neither is the one created.
// With only one it is unwrapped for the object's keys.
func TestLearnCreateWrappedData(t *testing.T) {
	s := New()
	learnAll(t, s, "alice", exch{method: "POST", path: "/orders", status: 201, answer: `{"data":{"id":"o-1","total":3}}`})
	o, ok := s.ObjectFor("/orders", "id", "o-1")
	if !ok {
		t.Fatalf("no object o-1; collections %v", s.Collections())
	}
	if o.Answer["total"] != json.Number("3") {
		t.Errorf("Answer = %v, want the wrapped object", o.Answer)
	}
	wantValues(t, s, map[string][]string{"id@/orders": {"o-1"}, "dataid": {}})
}

func TestLearnDelete(t *testing.T) {
	s := New()
	learnAll(t, s, "alice",
		exch{method: "POST", path: "/books", status: 201, answer: `{"id":42}`, seq: 1},
		exch{method: "POST", path: "/books", status: 201, answer: `{"id":43}`, seq: 2},
		exch{method: "POST", path: "/books/v1", status: 200, body: `{"book_title":"t1"}`, seq: 3},
		exch{method: "POST", path: "/posts", status: 201, answer: `{"id":7}`, seq: 4},
	)
	learnAll(t, s, "bob",
		// An answer other than 2xx deletes nothing.
		exch{method: "DELETE", path: "/books/{id}", params: []plan.Param{{Name: "id", Value: "43"}}, status: 404},
		exch{method: "DELETE", path: "/books/{id}", params: []plan.Param{{Name: "id", Value: "43"}}, status: 200, err: errors.New("cut off")},
		// A delete by anyone removes the object.
		exch{method: "DELETE", path: "/books/{id}", params: []plan.Param{{Name: "id", Value: "42"}}, status: 204},
		exch{method: "DELETE", path: "/books/v1/{book_title}", params: []plan.Param{{Name: "book_title", Value: "t1"}}, status: 200, answer: `{"message":"deleted","id":99}`},
		// Deleting something below an object does not delete the object.
		exch{method: "DELETE", path: "/posts/{postId}/likes", params: []plan.Param{{Name: "postId", Value: "7"}}, status: 204},
	)
	if _, ok := s.ObjectFor("/books", "id", "42"); ok {
		t.Error("book 42 is live after its DELETE")
	}
	if !s.WasCreated("/books", "id", "42") {
		t.Error("book 42 is forgotten after its DELETE")
	}
	if _, ok := s.ObjectFor("/books", "id", "43"); !ok {
		t.Error("book 43 was deleted by a failed DELETE")
	}
	if _, ok := s.ObjectFor("/books/v1", "book_title", "t1"); ok {
		t.Error("book t1 is live after its DELETE")
	}
	if _, ok := s.ObjectFor("/posts", "postId", "7"); !ok {
		t.Error("post 7 was marked deleted by DELETE /posts/{postId}/likes")
	}
	// A DELETE's answer teaches nothing.
	wantValues(t, s, map[string][]string{"id": {"42", "43", "7"}})
}

func TestLearnListAnswers(t *testing.T) {
	t.Run("VAmPI books", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/books/v1", status: 200, answer: fixture(t, "books_list.json"), seq: 7})
		wantValues(t, s, map[string][]string{
			"id": {"1", "2"}, "id@/books/v1": {"1", "2"}, "bookid": {"1", "2"},
			"booktitle": {"bookTitle16", "bookTitle53"}, "user": {"name1", "name2"},
		})
		if len(s.Collections()) != 0 {
			t.Errorf("a read created objects in %v", s.Collections())
		}
		v := s.Values("id@/books/v1")[0]
		if v.Origin != Observed || v.Identity != "alice" || v.Source != "GET /books/v1" || v.Seq != 7 || !slices.Equal(v.SeenBy, []string{"alice"}) {
			t.Errorf("value = %+v", v)
		}
		if v.Step == nil || v.Step.Title != "GET /books/v1" || v.Step.Identity != "alice" || v.Step.Status != 200 {
			t.Errorf("step = %+v", v.Step)
		}
	})
	t.Run("crAPI vehicles", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/identity/api/v2/vehicle/vehicles", status: 200, answer: fixture(t, "vehicles.json")})
		wantValues(t, s, map[string][]string{
			"id@/identity/api/v2/vehicle/vehicles": {"3", "4bae9968-ec7f-4de3-a3a0-ba1b2ab5e5e5"},
			"id":                                   {"3", "6", "1", "12"},
			"uuid":                                 {"4bae9968-ec7f-4de3-a3a0-ba1b2ab5e5e5"},
			"modelid":                              {"6"},
			"vehiclecompanyid":                     {"1"},
			"ownerid":                              {"12"},
			"email":                                {"specter-a@example.test"},
			"vin":                                  {"0BXOT59NXSL447129"},
			"year":                                 {"2019"},
			"status":                               {},
			"model":                                {"Creta"},
		})
	})
	t.Run("wrapper", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/users/{id}", params: []plan.Param{{Name: "id", Value: "me"}}, status: 200, answer: fixture(t, "user_wrapper.json")})
		wantValues(t, s, map[string][]string{
			"id@/users": {"5f7b2c1e9a"},
			"id":        {"5f7b2c1e9a", "c1d2e3f4-0000-4000-8000-000000000001"},
			"vehicleid": {"c1d2e3f4-0000-4000-8000-000000000001"},
			"dataid":    {},
			"username":  {"specter-a"},
		})
	})
	t.Run("list wrapper with few members", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/vehicles", status: 200,
			answer: `{"vehicles":[{"id":"v1","owner":{"id":"u5"}},{"id":"v2","owner":{"id":"u6"}}],"count":2}`})
		wantValues(t, s, map[string][]string{
			"id@/vehicles": {"v1", "v2"},
			"vehicleid":    {"v1", "v2"},
			"ownerid":      {"u5", "u6"},
			"count":        {"2"},
		})
	})
	t.Run("top-level array of small objects", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/books", status: 200, answer: `[{"id":1,"author":{"id":9}}]`})
		wantValues(t, s, map[string][]string{"id@/books": {"1"}, "authorid": {"9"}, "id": {"1", "9"}})
	})
	t.Run("nested wrappers stay primary", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/orders", status: 200, answer: `{"data":{"orders":[{"id":"o1"}]}}`})
		wantValues(t, s, map[string][]string{"id@/orders": {"o1"}, "orderid": {"o1"}})
	})
	t.Run("item answer", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/posts/{postId}/comments/{id}", params: []plan.Param{{Name: "postId", Value: "1"}, {Name: "id", Value: "2"}}, status: 200, answer: `{"id":2,"postId":1}`})
		wantValues(t, s, map[string][]string{"id@/posts/{postId}/comments": {"2"}, "postid": {"1"}})
	})
	t.Run("sub-resource answer has no collection", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/users/{id}/orders", params: []plan.Param{{Name: "id", Value: "1"}}, status: 200, answer: `[{"id":"o1"}]`})
		wantValues(t, s, map[string][]string{"id": {"o1"}, "id@/users": {}, "id@/users/{id}/orders": {}})
	})
	t.Run("POST answer is scoped to its collection", func(t *testing.T) {
		s := New()
		learnAll(t, s, "alice", exch{method: "POST", path: "/vehicle/add_vehicle", status: 200, answer: `{"id":"v9","owner":{"email":"a@example.test"}}`})
		wantValues(t, s, map[string][]string{"id@/vehicle": {"v9"}, "email": {"a@example.test"}})
	})
}

func TestLearnSkipsMembers(t *testing.T) {
	s := New()
	learnAll(t, s, "alice",
		exch{method: "POST", path: "/users/v1/login", status: 200, body: `{"username":"name1","password":"pass1"}`, answer: fixture(t, "login.json")},
		exch{method: "GET", path: "/things", status: 200, answer: `{"items":[{"id":1,"description":"a thing","type":"t","code":"c","title":"T","created_at":"2024-01-01",` +
			`"error":"e","msg":"m","detail":"d","help":"h","timestamp":"1700000000","date":"d","time":"t","updatedAt":"u",` +
			`"long":"` + strings.Repeat("x", 129) + `","words":"one two three four five","ctl":"a\u0001b","ratio":0.5,"flag":true,"none":null,"empty":"",` +
			`"big":1e3,"neg":-4,"sessionId":"s-1","client_secret":"cs","nextPageToken":"np"}]}`},
	)
	wantValues(t, s, map[string][]string{
		"userid": {"9"}, "username": {"name1"},
		"message": {}, "status": {}, "authtoken": {}, "token": {}, "refreshtoken": {}, "apikey": {}, "password": {},
		"description": {}, "type": {}, "code": {}, "title": {}, "createdat": {}, "error": {}, "msg": {}, "detail": {},
		"help": {}, "timestamp": {}, "date": {}, "time": {}, "updatedat": {},
		"long": {}, "words": {}, "ctl": {}, "ratio": {}, "flag": {}, "none": {}, "empty": {}, "big": {},
		"sessionid": {}, "clientsecret": {},
		"neg": {"-4"}, "nextpagetoken": {"np"},
		"id": {"1"}, "itemid": {},
	})
	// The login's password is no key of the "object" it made either.
	for _, c := range s.Collections() {
		for _, o := range s.Objects(c, "") {
			if _, ok := o.Keys["password"]; ok {
				t.Errorf("object in %s keyed by its password: %v", c, o.Keys)
			}
		}
	}
}

func TestLearnIgnores(t *testing.T) {
	for _, tt := range []struct {
		name string
		e    exch
	}{
		{"400", exch{method: "POST", path: "/books", status: 400, answer: `{"id":1}`}},
		{"401 read", exch{method: "GET", path: "/books", status: 401, answer: `{"id":1}`}},
		{"404", exch{method: "GET", path: "/books/{id}", params: []plan.Param{{Name: "id", Value: "1"}}, status: 404, answer: `{"id":1}`}},
		{"500", exch{method: "POST", path: "/books", status: 500, answer: `{"id":1}`}},
		{"3xx", exch{method: "POST", path: "/books", status: 302, location: "/books/1"}},
		{"1xx", exch{method: "POST", path: "/books", status: 100, location: "/books/1"}},
		{"transport error", exch{method: "POST", path: "/books", status: 201, answer: `{"id":1}`, err: errors.New("timeout")}},
		{"recorded Postman request", exch{method: "POST", path: "/books", status: 201, answer: `{"id":1}`, location: "/books/1", recorded: "https://staging.example.test/books"}},
		{"recorded Postman read", exch{method: "GET", path: "/books", status: 200, answer: `[{"id":1}]`, recorded: "https://staging.example.test/books"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			learnAll(t, s, "alice", tt.e)
			if len(s.Collections()) != 0 || len(s.Sightings("1")) != 0 {
				t.Errorf("learned from it: collections %v, sightings %v", s.Collections(), s.Sightings("1"))
			}
		})
	}
	// Exchanges without a case or a target do not panic.
	s := New()
	s.Learn(&execute.Exchange{Status: 200}, "alice", nil)
	s.Learn(&execute.Exchange{Status: 200, Case: &plan.Case{Method: "POST"}}, "alice", map[string]any{"id": "1"})
	if len(s.Sightings("1")) != 0 {
		t.Error("learned from an exchange without a target")
	}
}

func TestLearnNumbers(t *testing.T) {
	// Answers decoded without json.Number carry float64.
	s := New()
	x, _ := exch{method: "GET", path: "/books", status: 200}.build(t)
	s.Learn(x, "alice", map[string]any{"items": []any{map[string]any{"id": float64(3)}, map[string]any{"id": 2.5}, map[string]any{"id": float64(-1)}}})
	wantValues(t, s, map[string][]string{"id": {"-1", "3"}, "id@/books": {"-1", "3"}})
}

func TestLearnSeenByAndSteps(t *testing.T) {
	s := New()
	learnAll(t, s, "alice", exch{method: "GET", path: "/books", status: 200, answer: `[{"id":1}]`, seq: 5})
	learnAll(t, s, "bob", exch{method: "GET", path: "/books/{id}", params: []plan.Param{{Name: "id", Value: "1"}}, status: 200, answer: `{"id":1}`, seq: 9})
	learnAll(t, s, "carol", exch{method: "GET", path: "/shelves", status: 200, answer: `[{"id":1}]`, seq: 2})
	v := s.Values("id")
	if len(v) != 1 {
		t.Fatalf("Values(id) = %+v", v)
	}
	seen := append([]string(nil), v[0].SeenBy...)
	slices.Sort(seen)
	if !slices.Equal(seen, []string{"alice", "bob", "carol"}) {
		t.Errorf("SeenBy = %v", v[0].SeenBy)
	}
	// The lowest case wins; its step is the one that first showed it
	// under the name (a value already known builds no new step).
	if v[0].Identity != "carol" || v[0].Source != "GET /shelves" || v[0].Seq != 2 {
		t.Errorf("value = %+v, want carol's earlier sighting", v[0])
	}
	if v[0].Step == nil || v[0].Step.Title != "GET /books" {
		t.Errorf("step = %+v, want the step of the first exchange that showed it", v[0].Step)
	}
	b := s.Values("id@/books")
	if len(b) != 1 || b[0].Step == nil || b[0].Step.Title != "GET /books" || !slices.Equal(b[0].SeenBy, []string{"alice", "bob"}) {
		t.Errorf("id@/books = %+v", b)
	}
}

func TestLearnBounds(t *testing.T) {
	t.Run("depth", func(t *testing.T) {
		nest := func(levels int, leaf string) string {
			return strings.Repeat(`{"a":`, levels) + leaf + strings.Repeat(`}`, levels)
		}
		s := New()
		learnAll(t, s, "alice",
			exch{method: "GET", path: "/x", status: 200, answer: nest(8, `{"shallowid":"s"}`)},
			exch{method: "GET", path: "/y", status: 200, answer: nest(9, `{"deepid":"d"}`)},
		)
		wantValues(t, s, map[string][]string{"shallowid": {"s"}, "deepid": {}})
	})
	t.Run("nodes", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("[")
		for i := 0; i < 3*maxWalk; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"k%d":"v"}`, i)
		}
		b.WriteString("]")
		s := New()
		learnAll(t, s, "alice", exch{method: "GET", path: "/x", status: 200, answer: b.String()})
		s.mu.Lock()
		n := len(s.values)
		s.mu.Unlock()
		if n == 0 || n > maxWalk {
			t.Errorf("%d names learned from one answer, want between 1 and %d", n, maxWalk)
		}
		if vs := s.Values(fmt.Sprintf("k%d", 3*maxWalk-1)); len(vs) != 0 {
			t.Error("the last object of a huge answer was read")
		}
	})
}

func TestCreatedID(t *testing.T) {
	for _, tt := range []struct {
		name  string
		e     exch
		param string
		want  string
		ok    bool
	}{
		{"id member", exch{method: "POST", path: "/books", status: 201, answer: `{"id":42}`}, "id", "42", true},
		{"id for a named param", exch{method: "POST", path: "/books", status: 201, answer: `{"id":42}`}, "bookId", "42", true},
		{"wrapped id", exch{method: "POST", path: "/books", status: 201, answer: `{"book":{"uuid":"u-1"}}`}, "id", "u-1", true},
		{"resource id", exch{method: "POST", path: "/vehicle/add_vehicle", status: 200, answer: `{"vehicleId":"v-1"}`}, "vehicleId", "v-1", true},
		{"location", exch{method: "POST", path: "/books", status: 201, location: "/books/77"}, "id", "77", true},
		{"natural key", exch{method: "POST", path: "/books/v1", status: 200, body: `{"book_title":"t1"}`, answer: `{"message":"ok"}`}, "book_title", "t1", true},
		{"natural key is not an id", exch{method: "POST", path: "/books/v1", status: 200, body: `{"book_title":"t1"}`, answer: `{"message":"ok"}`}, "id", "", false},
		{"nothing", exch{method: "POST", path: "/books", status: 201, answer: `{"message":"ok"}`}, "id", "", false},
		{"credential is no key", exch{method: "POST", path: "/keys", status: 201, body: `{"api_key":"k"}`}, "api_key", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x, answer := tt.e.build(t)
			got, ok := CreatedID(x, answer, tt.param)
			if got != tt.want || ok != tt.ok {
				t.Errorf("CreatedID(%q) = %q, %v, want %q, %v", tt.param, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRequestFields(t *testing.T) {
	for _, tt := range []struct {
		name, ct, body string
		want           map[string]any
	}{
		{"json", "application/json", `{"a":"x","n":5}`, map[string]any{"a": "x", "n": json.Number("5")}},
		{"json with charset", "application/json; charset=utf-8", `{"a":"x"}`, map[string]any{"a": "x"}},
		{"vendor json", "application/vnd.api+json", `{"a":"x"}`, map[string]any{"a": "x"}},
		{"upper case type", "Application/JSON", `{"a":"x"}`, map[string]any{"a": "x"}},
		{"json array", "application/json", `[{"a":"x"}]`, nil},
		{"broken json", "application/json", `{"a":`, nil},
		{"form", "application/x-www-form-urlencoded", "a=x&b=1&a=y", map[string]any{"a": "x", "b": "1"}},
		{"form with charset", "application/x-www-form-urlencoded; charset=UTF-8", "a=x", map[string]any{"a": "x"}},
		{"broken form", "application/x-www-form-urlencoded", "a=%zz", nil},
		{"text", "text/plain", "a=x", nil},
		{"multipart", "multipart/form-data; boundary=x", "--x\r\n", nil},
		{"no body", "application/json", "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &plan.Case{ContentType: tt.ct}
			if tt.body != "" {
				c.Body = []byte(tt.body)
			}
			got := RequestFields(c)
			if (got == nil) != (tt.want == nil) || len(got) != len(tt.want) {
				t.Fatalf("RequestFields = %#v, want %#v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("[%q] = %#v, want %#v", k, got[k], v)
				}
			}
		})
	}
}
