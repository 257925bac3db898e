package learn

import (
	"slices"
	"testing"
)

func TestNorm(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"user_id", "userid"},
		{"userId", "userid"},
		{"User-ID", "userid"},
		{"USER ID", "userid"},
		{"book.title", "booktitle"},
		{"v2.7", "v27"},
		{"_id", "id"},
		{"X-API-Key", "xapikey"},
		{"e-mail@", "email"},
		{"crème", "crme"}, // bytes outside ASCII are dropped
		{"", ""},
		{"--", ""},
	} {
		if got := Norm(tt.in); got != tt.want {
			t.Errorf("Norm(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSingular(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"books", "book"},
		{"users", "user"},
		{"categories", "category"},
		{"companies", "company"},
		{"addresses", "address"},
		{"boxes", "box"},
		{"matches", "match"},
		{"branches", "branch"},
		{"dishes", "dish"},
		{"courses", "course"},
		{"licenses", "license"},
		{"vehicles", "vehicle"},
		{"pies", "pie"},
		// Already singular: kept.
		{"book", "book"},
		{"status", "status"},
		{"campus", "campus"},
		{"class", "class"},
		{"address", "address"},
		{"bus", "bus"},
		{"gas", "gas"},
		{"", ""},
		// Plurals the suffix rules alone get wrong.
		{"movies", "movie"},
		{"cookies", "cookie"},
		{"zombies", "zombie"},
		{"series", "series"},
		{"species", "species"},
		{"menus", "menu"},
		{"skus", "sku"},
		{"caches", "cache"},
		{"statuses", "status"},
		{"aliases", "alias"},
		{"buses", "bus"},
	} {
		if got := Singular(tt.in); got != tt.want {
			t.Errorf("Singular(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSegmentsAndIsParam(t *testing.T) {
	if got, want := Segments("/posts/{postId}//comments/"), []string{"posts", "{postId}", "comments"}; !slices.Equal(got, want) {
		t.Errorf("Segments = %q, want %q", got, want)
	}
	if got := Segments("/"); len(got) != 0 {
		t.Errorf("Segments(/) = %q, want none", got)
	}
	for _, tt := range []struct {
		seg, name string
		ok        bool
	}{
		{"{id}", "id", true},
		{"{book_title}", "book_title", true},
		{"{}", "", false},
		{"id", "", false},
		{"{id", "", false},
		{"id}", "", false},
	} {
		name, ok := IsParam(tt.seg)
		if name != tt.name || ok != tt.ok {
			t.Errorf("IsParam(%q) = %q, %v, want %q, %v", tt.seg, name, ok, tt.name, tt.ok)
		}
	}
}

func TestResource(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/books/v1", "book"},
		{"/identity/api/v2/vehicle", "vehicle"},
		{"/api/v1/users", "user"},
		{"/v2.7/Categories", "category"},
		{"/posts/{postId}/comments", "comment"},
		{"/users/{id}", "user"},
		{"/rest/user-profiles/", "userprofile"},
		{"/workshop/api/shop/orders", "order"},
		{"/api/v4.0", ""},
		{"/", ""},
		{"", ""},
		{"/{id}", ""},
		// "v" followed by something other than digits is a resource.
		{"/videos/vip", "vip"},
	} {
		if got := Resource(tt.in); got != tt.want {
			t.Errorf("Resource(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCollectionOfCreate(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/books/v1", "/books/v1"},
		{"/books/", "/books"},
		{"/identity/api/v2/vehicle/add_vehicle", "/identity/api/v2/vehicle"},
		{"/users/v1/register", "/users/v1"},
		{"/coupons/new-coupon", "/coupons"},
		{"/community/api/v2/community/posts", "/community/api/v2/community/posts"},
		{"/items/create", "/items"},
		{"/items/createItem", "/items"},
		{"/files/upload", "/files"},
		{"/users/signup", "/users"},
		{"/users/sign-up", "/users"},
		{"/users/signUp", "/users"},
		{"/rows/insert_row", "/rows"},
		{"/posts/{postId}/comments", "/posts/{postId}/comments"},
		{"books", "books"},
		// Glued to the collection's resource.
		{"/vehicle/addvehicle", "/vehicle"},
		{"/users/adduser", "/users"},
		{"/posts/newpost", "/posts"},
		{"/cart/addtocart", "/cart"},
		{"/files/uploadfiles", "/files"},
		// Collections whose name merely begins like a create action
		// are collections of their own.
		{"/addresses", "/addresses"},
		{"/users/{id}/addresses", "/users/{id}/addresses"},
		{"/newsletters", "/newsletters"},
		{"/news", "/news"},
		{"/addons", "/addons"},
		{"/uploads", "/uploads"},
		{"/creators", "/creators"},
		{"/inserts", "/inserts"},
		{"/files/uploads", "/files/uploads"},
		{"/api/v1/addressbook", "/api/v1/addressbook"},
	} {
		if got := CollectionOfCreate(tt.in); got != tt.want {
			t.Errorf("CollectionOfCreate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParamCollection(t *testing.T) {
	for _, tt := range []struct {
		path, param, want string
		ok                bool
	}{
		{"/posts/{postId}/comments/{id}", "id", "/posts/{postId}/comments", true},
		{"/posts/{postId}/comments/{id}", "postId", "/posts", true},
		{"/books/v1/{book_title}", "book_title", "/books/v1", true},
		{"/books/{id}/", "id", "/books", true},
		{"/{id}", "id", "", true},
		{"/posts/{postId}/comments/{id}", "commentId", "", false},
		// A name is matched whole: "id" is not inside "{postId}".
		{"/posts/{postId}", "id", "", false},
		{"/books", "id", "", false},
	} {
		got, ok := ParamCollection(tt.path, tt.param)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParamCollection(%q, %q) = %q, %v, want %q, %v", tt.path, tt.param, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCandidates(t *testing.T) {
	for _, tt := range []struct {
		param, collection string
		want              []string
	}{
		{"id", "/books", []string{"id", "id@/books", "bookid"}},
		{"id", "/books/", []string{"id", "id@/books", "bookid"}},
		{"uuid", "/identity/api/v2/vehicle", []string{"uuid", "id@/identity/api/v2/vehicle", "vehicleid"}},
		{"bookId", "/books", []string{"bookid", "id@/books"}},
		{"vehicle", "/vehicle", []string{"vehicle", "id@/vehicle"}},
		{"postId", "/posts", []string{"postid", "id@/posts"}},
		{"userId", "/users", []string{"userid", "id@/users", "uid", "user"}},
		{"uid", "/users", []string{"uid", "id@/users", "userid", "id"}},
		{"user", "", []string{"user", "username", "login", "userid"}},
		{"username", "/users/v1", []string{"username", "user", "login", "name"}},
		{"emailAddress", "", []string{"emailaddress", "email"}},
		{"email", "", []string{"email", "mail", "emailaddress"}},
		{"account_id", "", []string{"accountid", "userid"}},
		// Not id-like: no scoped key, no resource id.
		{"book_title", "/books/v1", []string{"booktitle"}},
		{"page", "/books", []string{"page"}},
		// Without a collection there is nothing to scope by.
		{"id", "", []string{"id"}},
		// A collection without a resource name has no resource id.
		{"id", "/api/v1", []string{"id", "id@/api/v1"}},
	} {
		if got := Candidates(tt.param, tt.collection); !slices.Equal(got, tt.want) {
			t.Errorf("Candidates(%q, %q) = %q, want %q", tt.param, tt.collection, got, tt.want)
		}
	}
}

func TestObjectKeyFor(t *testing.T) {
	for _, tt := range []struct {
		name       string
		collection string
		keys       map[string]string
		param      string
		want       string
		ok         bool
	}{
		{"own name", "/books/v1", map[string]string{"booktitle": "t1", "id": "7"}, "book_title", "t1", true},
		{"id", "/books/v1", map[string]string{"booktitle": "t1", "id": "7"}, "id", "7", true},
		{"id-suffixed name takes the id", "/books", map[string]string{"id": "7"}, "bookId", "7", true},
		{"resource name takes the id", "/vehicle", map[string]string{"uuid": "u-1"}, "vehicle", "u-1", true},
		{"guid", "/devices", map[string]string{"guid": "g"}, "id", "g", true},
		{"resource id", "/vehicle", map[string]string{"vehicleid": "v9"}, "id", "v9", true},
		{"location", "/books", map[string]string{"location": "55"}, "id", "55", true},
		{"id before location", "/books", map[string]string{"location": "55", "id": "7"}, "id", "7", true},
		{"natural key only", "/books/v1", map[string]string{"booktitle": "t1"}, "id", "", false},
		{"other name is not the id", "/books", map[string]string{"id": "7"}, "title", "", false},
		{"empty key is no key", "/books", map[string]string{"booktitle": "", "id": "7"}, "book_title", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := &Object{Collection: tt.collection, Keys: tt.keys}
			got, ok := o.KeyFor(tt.param)
			if got != tt.want || ok != tt.ok {
				t.Errorf("KeyFor(%q) = %q, %v, want %q, %v", tt.param, got, ok, tt.want, tt.ok)
			}
		})
	}
}
