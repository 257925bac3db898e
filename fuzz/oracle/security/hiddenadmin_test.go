package security_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/specterhq/specter/fuzz"
	"github.com/specterhq/specter/fuzz/identity"
	"github.com/specterhq/specter/fuzz/oracle/security"
)

const videosSpec = `openapi: 3.0.3
info: {title: videos, version: "2"}
paths:
  /identity/api/v2/user/videos/{video_id}:
    parameters:
      - {name: video_id, in: path, required: true, schema: {type: integer, example: 1}}
    get:
      responses:
        "200": {description: the video, content: {application/json: {schema: {type: object}}}}
        "404": {description: no such video}
    delete:
      responses:
        "200": {description: deleted}
        "403": {description: users may not delete}
        "404": {description: no such video}
`

// videosApp is crAPI's video API: users read their videos and may not
// delete them; an admin DELETE the spec leaves out sits at
// /identity/api/v2/admin/videos/{id}. adminChecksRole is the fix: the
// admin route answers 403 to a user before any lookup.
type videosApp struct {
	adminRoute, adminChecksRole bool
}

func (a videosApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	json := func(status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
	if r.Header.Get("Authorization") != "Bearer user-token" {
		json(401, `{"message":"Unauthorized"}`)
		return
	}
	user, isUser := strings.CutPrefix(r.URL.Path, "/identity/api/v2/user/videos/")
	admin, isAdmin := strings.CutPrefix(r.URL.Path, "/identity/api/v2/admin/videos/")
	switch {
	case isUser && r.Method == http.MethodGet:
		if user == "1" {
			json(200, `{"id":1,"video_name":"drive.mp4"}`)
			return
		}
		json(404, `{"message":"Video not found"}`)
	case isUser && r.Method == http.MethodDelete:
		json(403, `{"message":"This is an admin function. Try to access the admin API"}`)
	case isAdmin && a.adminRoute && r.Method == http.MethodDelete:
		if a.adminChecksRole {
			json(403, `{"message":"Forbidden"}`)
			return
		}
		if admin == "1" {
			json(200, `{"message":"Video deleted successfully"}`)
			return
		}
		json(404, `{"message":"Sorry, Didn't get any profile video name for the user."}`)
	default:
		json(404, fmt.Sprintf(`{"timestamp":"2026-01-02T03:04:05.000+00:00","status":404,"error":"Not Found","path":"%s"}`, r.URL.Path))
	}
}

func TestAdminTwins(t *testing.T) {
	for path, want := range map[string][]string{
		"/identity/api/v2/user/videos/{id}": {"/identity/api/v2/admin/videos/{id}", "/identity/api/v2/admin/user/videos/{id}"},
		"/api/v1/orders":                    {"/api/v1/admin/orders"},
		"/users/{id}":                       {"/admin/users/{id}"},
		"/api/v3/users/{id}/orders":         {"/api/v3/admin/users/{id}/orders"},
		"/api/admin/users":                  nil,
		"/orders":                           nil,
	} {
		if got := security.AdminTwins(path); !reflect.DeepEqual(got, want) {
			t.Errorf("AdminTwins(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestHiddenAdmin runs the check at the end of a run as the low-privilege
// identity: the crAPI-like admin twin that deletes without a role check
// is a BFLA finding; no admin route, or one that refuses users first, is
// not.
func TestHiddenAdmin(t *testing.T) {
	for _, tc := range []struct {
		name string
		app  videosApp
		want []string
	}{
		{"admin delete without a role check", videosApp{adminRoute: true}, []string{"DELETE /identity/api/v2/admin/videos/{video_id}"}},
		{"secure: no admin route", videosApp{}, nil},
		{"secure: admin route checks the role first", videosApp{adminRoute: true, adminChecksRole: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := runOneOracle(t, videosSpec, tc.app, security.NewHiddenAdmin(security.Config{Identities: []string{"user"}, LowPrivilege: "user"}), security.RuleBFLA, func(cfg *fuzz.Config) {
				set := identity.NewSet()
				if err := set.Add("user", &identity.Static{Headers: []identity.Header{{Name: "Authorization", Value: "Bearer user-token"}}}); err != nil {
					t.Fatal(err)
				}
				cfg.Executor.Credentials, cfg.Identities, cfg.LowPrivilege = set, set, "user"
			})
			for _, f := range found {
				if !strings.Contains(f.Message, "does not list") || !strings.Contains(f.Evidence, "specter-missing") && !strings.Contains(f.Evidence, "2147480001") {
					t.Errorf("message or evidence: %s\n%s", f.Message, f.Evidence)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings on %v, want %v", got, tc.want)
			}
		})
	}
}
