package springlike

// The community service: the forum (PostController) and coupon validation
// (CouponController, backed by MongoDB through Spring Data's MongoTemplate).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

type author struct {
	Nickname      string `json:"nickname"`
	Email         string `json:"email,omitempty"`
	VehicleID     string `json:"vehicleid,omitempty"`
	ProfilePicURL string `json:"profile_pic_url"`
	CreatedAt     string `json:"created_at"`
}

type postJSON struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Content   string   `json:"content"`
	Author    author   `json:"author"`
	Comments  []string `json:"comments"`
	AuthorID  int64    `json:"authorid"`
	CreatedAt string   `json:"CreatedAt"`
}

func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// postView renders a post; s.mu must be held.
func (s *Server) postView(p *post) postJSON {
	a := s.userByID(p.authorID)
	au := author{Nickname: a.name, CreatedAt: isoMillis(p.created)}
	if !s.secure {
		// The forum serialises the author's whole profile: every
		// reader learns each poster's e-mail address and vehicle UUID,
		// the only way to learn another user's vehicle id (used by
		// vehicle-location-bola; listed in AlsoTrue as fuzz/bola on this
		// operation). Secure shows the nickname only.
		au.Email = a.email
		au.VehicleID = a.vehicle.uuid
	}
	return postJSON{ID: p.id, Title: p.title, Content: p.content, Author: au, Comments: []string{},
		AuthorID: p.authorID, CreatedAt: isoMillis(p.created)}
}

// getRecentPosts: GET /community/api/v2/community/posts/recent?limit&offset.
func (s *Server) getRecentPosts(c *call) {
	limit, ok := c.queryLong("limit", false, 30)
	if !ok {
		return
	}
	offset, ok := c.queryLong("offset", false, 0)
	if !ok {
		return
	}
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	if offset < 0 {
		offset = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := append([]*post(nil), s.posts...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].created.After(ps[j].created) })
	out := []postJSON{}
	for i := offset; i < int64(len(ps)) && i < offset+limit; i++ {
		out = append(out, s.postView(ps[i]))
	}
	writeJSON(c.w, http.StatusOK, out)
}

// getPost: GET /community/api/v2/community/posts/{postId}.
func (s *Server) getPost(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.posts {
		if p.id == c.vars["postId"] {
			writeJSON(c.w, http.StatusOK, s.postView(p))
			return
		}
	}
	c.crapi(http.StatusNotFound, "Post not found")
}

// createPost: POST /community/api/v2/community/posts (PostForm).
func (s *Server) createPost(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	title, err1 := body.str("title")
	content, err2 := body.str("content")
	if err1 != nil || err2 != nil {
		c.springError(http.StatusBadRequest)
		return
	}
	if title == nil {
		// PostForm has no @Valid; the service trims the title.
		c.serverError(&javaException{
			class:   "java.lang.NullPointerException",
			message: `Cannot invoke "String.trim()" because the return value of "com.crapi.model.PostForm.getTitle()" is null`,
			frames: []string{
				"com.crapi.service.Impl.PostServiceImpl.createPost(PostServiceImpl.java:61)",
				"com.crapi.controller.PostController.createPost(PostController.java:48)",
			},
		})
		return
	}
	text := ""
	if content != nil {
		text = *content
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nextID("post")
	p := &post{id: shortID(fmt.Sprint(n)), title: strings.TrimSpace(*title), content: text, authorID: c.user.id, created: s.now()}
	s.posts = append(s.posts, p)
	writeJSON(c.w, http.StatusOK, s.postView(p))
}

type couponJSON struct {
	CouponCode string `json:"coupon_code"`
	Amount     string `json:"amount"`
	CreatedAt  string `json:"CreatedAt"`
}

// validateCoupon: POST /community/api/v2/coupon/validate-coupon.
func (s *Server) validateCoupon(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	var filter any
	if s.secure {
		// ValidateCouponRequest with a String field: Jackson refuses an
		// object there, and the query compares strings.
		code, err := body.str("coupon_code")
		if err != nil || code == nil || strings.TrimSpace(*code) == "" {
			c.springError(http.StatusBadRequest)
			return
		}
		filter = *code
	} else {
		// Flaw coupon-nosql-injection: the body is bound to a
		// Map<String, Object> and its value handed to
		// Criteria.where("coupon_code").is(...): a JSON object becomes
		// a query document, so {"$ne": 1} matches any coupon.
		filter = body["coupon_code"]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, err := mongoFindOne(s.coupons, "coupon_code", filter)
	if err != nil {
		c.serverError(&javaException{
			class:   "org.springframework.data.mongodb.UncategorizedMongoDbException",
			message: "Query failed with error code 2 and error message '" + err.Error() + "' on server mongodb:27017",
			frames: []string{
				"org.springframework.data.mongodb.core.MongoExceptionTranslator.translateExceptionIfPossible(MongoExceptionTranslator.java:140)",
				"org.springframework.data.mongodb.core.MongoTemplate.potentiallyConvertRuntimeException(MongoTemplate.java:3082)",
				"org.springframework.data.mongodb.core.MongoTemplate.findOne(MongoTemplate.java:836)",
				"com.crapi.service.Impl.CouponServiceImpl.validateCoupon(CouponServiceImpl.java:44)",
				"com.crapi.controller.CouponController.validateCoupon(CouponController.java:39)",
			},
			cause: &javaException{
				class:   "com.mongodb.MongoQueryException",
				message: "Query failed with error code 2 with name 'BadValue' and error message '" + err.Error() + "' on server mongodb:27017",
				frames:  []string{"com.mongodb.internal.operation.FindOperation$1.call(FindOperation.java:679)"},
			},
		})
		return
	}
	if doc == nil {
		c.crapi(http.StatusBadRequest, "Invalid Coupon Code")
		return
	}
	writeJSON(c.w, http.StatusOK, couponJSON{CouponCode: doc["coupon_code"].(string), Amount: doc["amount"].(string),
		CreatedAt: doc["CreatedAt"].(string)})
}

// mongoDoc is a stored document; values are strings here.
type mongoDoc map[string]any

// mongoFindOne runs db.collection.findOne({field: cond}) with MongoDB's
// query semantics for the operators an attacker reaches for.
func mongoFindOne(coll []mongoDoc, field string, cond any) (mongoDoc, error) {
	for _, d := range coll {
		v, present := d[field]
		ok, err := mongoMatch(v, present, cond)
		if err != nil {
			return nil, err
		}
		if ok {
			return d, nil
		}
	}
	return nil, nil
}

func mongoMatch(v any, present bool, cond any) (bool, error) {
	m, isDoc := cond.(map[string]any)
	if !isDoc {
		return mongoEq(v, present, cond), nil
	}
	operators := false
	for k := range m {
		if strings.HasPrefix(k, "$") {
			operators = true
		}
	}
	if !operators { // an embedded-document literal: never equals a string
		return false, nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	result := true
	for _, op := range keys {
		if op == "$options" {
			if _, ok := m["$regex"]; !ok {
				return false, fmt.Errorf("$options needs a $regex")
			}
			continue
		}
		ok, err := mongoOp(v, present, op, m[op], m)
		if err != nil {
			return false, err
		}
		result = result && ok
	}
	return result, nil
}

func mongoEq(v any, present bool, want any) bool {
	if want == nil {
		return !present || v == nil
	}
	switch w := want.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == w
	}
	return false // numbers, booleans, arrays never equal the stored strings
}

func mongoCmp(v any, arg any) (int, bool) {
	s, ok1 := v.(string)
	a, ok2 := arg.(string)
	if !ok1 || !ok2 { // different BSON types never compare
		return 0, false
	}
	return strings.Compare(s, a), true
}

func mongoOp(v any, present bool, op string, arg any, all map[string]any) (bool, error) {
	switch op {
	case "$eq":
		return mongoEq(v, present, arg), nil
	case "$ne":
		return !mongoEq(v, present, arg), nil
	case "$gt", "$gte", "$lt", "$lte":
		c, ok := mongoCmp(v, arg)
		if !ok {
			return false, nil
		}
		switch op {
		case "$gt":
			return c > 0, nil
		case "$gte":
			return c >= 0, nil
		case "$lt":
			return c < 0, nil
		}
		return c <= 0, nil
	case "$in", "$nin":
		list, ok := arg.([]any)
		if !ok {
			return false, fmt.Errorf("%s needs an array", op)
		}
		in := false
		for _, x := range list {
			if mongoEq(v, present, x) {
				in = true
			}
		}
		if op == "$in" {
			return in, nil
		}
		return !in, nil
	case "$exists":
		want := true
		switch a := arg.(type) {
		case bool:
			want = a
		case json.Number:
			want = a.String() != "0"
		case nil:
			want = false
		}
		return present == want, nil
	case "$regex":
		pat, ok := arg.(string)
		if !ok {
			return false, fmt.Errorf("$regex has to be a string")
		}
		flags := ""
		if o, ok := all["$options"].(string); ok {
			for _, f := range o {
				if strings.ContainsRune("ims", f) {
					flags += string(f)
				}
			}
		}
		if flags != "" {
			pat = "(?" + flags + ")" + pat
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return false, fmt.Errorf("Regular expression is invalid: %v", err)
		}
		s, ok := v.(string)
		return ok && re.MatchString(s), nil
	case "$not":
		sub, ok := arg.(map[string]any)
		if !ok {
			return false, fmt.Errorf("$not needs a regex or a document")
		}
		r, err := mongoMatch(v, present, sub)
		return !r, err
	case "$type":
		switch a := arg.(type) {
		case string:
			_, isStr := v.(string)
			return isStr && a == "string", nil
		case json.Number:
			_, isStr := v.(string)
			return isStr && a.String() == "2", nil
		}
		return false, fmt.Errorf("type must be represented as a number or a string")
	case "$size", "$all", "$elemMatch":
		return false, nil
	}
	return false, fmt.Errorf("unknown operator: %s", op)
}
