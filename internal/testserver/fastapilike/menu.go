package fastapilike

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

type menuItem struct {
	id          int64
	name        string
	price       float64
	category    string
	description *string
	image       *string // image_base64
	version     int64
}

func (m *menuItem) obj() obj {
	return obj{{"id", m.id}, {"name", m.name}, {"price", m.price}, {"category", m.category}, {"description", nullable(m.description)}, {"image_base64", nullable(m.image)}}
}

func (s *Server) healthcheck(c *call) resp {
	r := jsonResp(200, obj{{"ok", true}})
	if !s.secure {
		r = r.with("X-Powered-By", "Python 3.10, FastAPI ^0.103.0")
	}
	return r
}

func (s *Server) readMenu(c *call) resp {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := make([]*menuItem, 0, len(s.menu))
	for _, m := range s.menu {
		items = append(items, m)
	}
	sortByVersion(items, func(m *menuItem) int64 { return m.version })
	out := make([]any, len(items))
	for i, m := range items {
		out[i] = m.obj()
	}
	return jsonResp(200, out)
}

// menuImage is _image_url_to_base64: the vulnerable build downloads
// whatever URL it is given (requests.get, no allow-list); the secure one
// takes images from the restaurant's image host only.
func (s *Server) menuImage(raw string) (string, *resp) {
	if s.secure {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.Host != imageHost || u.User != nil || u.Path == "" {
			r := detail(400, "image_url must be an https://"+imageHost+"/ URL")
			return "", &r
		}
		// The image host is a CDN outside this test server; its answer is
		// simulated so that nothing leaves the machine.
		return base64.StdEncoding.EncodeToString(placeholderPNG), nil
	}
	body, err := s.fetchURL(raw)
	if err != nil {
		r := crash() // requests' exception is not caught
		return "", &r
	}
	return base64.StdEncoding.EncodeToString(body), nil
}

const imageHost = "images.restaurant.example"

// placeholderPNG is a 1x1 transparent PNG.
var placeholderPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func newFetchClient() *http.Client {
	d := &net.Dialer{
		Timeout: 2 * time.Second,
		// Whatever the URL said, only loopback is ever dialled.
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return errNotLoopback
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:             nil,
		DialContext:       d.DialContext,
		DisableKeepAlives: true, // requests.get opens and closes a session
	}
	return &http.Client{
		Transport: tr,
		Timeout:   2 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 30 {
				return errors.New("Exceeded 30 redirects.")
			}
			return checkFetchURL(req.URL)
		},
	}
}

var errNotLoopback = errors.New("connection refused: only loopback is reachable from this test server")

// checkFetchURL keeps the emulated requests.get on loopback http URLs; any
// other URL fails the way an unreachable host makes requests fail.
func checkFetchURL(u *url.URL) error {
	if u.Scheme != "http" {
		return fmt.Errorf("No connection adapters were found for %q", u.String())
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return errNotLoopback
}

func (s *Server) fetchURL(raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if err := checkFetchURL(u); err != nil {
		return nil, err
	}
	if strings.EqualFold(u.Hostname(), "localhost") {
		port := u.Port()
		u.Host = "127.0.0.1"
		if port != "" {
			u.Host += ":" + port
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "python-requests/2.31.0")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	res, err := s.fetch.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(io.LimitReader(res.Body, maxBody))
}

// createMenuItem is PUT /menu (employees and the chef).
func (s *Server) createMenuItem(c *call) resp {
	b := c.body
	var image *string
	if u, ok := b.mustGet("image_url").(string); ok && u != "" {
		img, fail := s.menuImage(u)
		if fail != nil {
			return *fail
		}
		image = &img
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seqMenu++
	it := &menuItem{id: s.seqMenu, name: b.mustGet("name").(string), price: b.mustGet("price").(float64),
		category: b.mustGet("category").(string), description: optString(b, "description"), image: image, version: s.nextVersion()}
	s.menu[it.id] = it
	return jsonResp(201, it.obj())
}

// updateMenuItem is PUT /menu/{item_id} (employees and the chef).
func (s *Server) updateMenuItem(c *call) resp {
	id := c.id("item_id")
	if !fitsInt4(id) {
		return crash()
	}
	s.mu.Lock()
	_, found := s.menu[id]
	s.mu.Unlock()
	if !found {
		return detail(404, "Menu Item not found")
	}
	b := c.body
	var image *string
	if u, ok := b.mustGet("image_url").(string); ok && u != "" {
		img, fail := s.menuImage(u)
		if fail != nil {
			return *fail
		}
		image = &img
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, found := s.menu[id]
	if !found {
		return detail(404, "Menu Item not found")
	}
	it.name, it.price, it.category = b.mustGet("name").(string), b.mustGet("price").(float64), b.mustGet("category").(string)
	it.description = optString(b, "description")
	if image != nil {
		it.image = image
	}
	it.version = s.nextVersion()
	return jsonResp(200, it.obj())
}

// deleteMenuItem is DELETE /menu/{item_id}. The docstring says employees
// and the chef; the vulnerable build lost its RolesBasedAuthChecker, so any
// signed-in user deletes, and a missing item answers 404 to anyone.
func (s *Server) deleteMenuItem(c *call) resp {
	id := c.id("item_id")
	if !fitsInt4(id) {
		return crash()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.menu[id]; !ok {
		return detail(404, "MenuItem not found")
	}
	for _, o := range s.orders {
		for _, l := range o.items {
			if l.menuItemID == id {
				// order_items.menu_item_id is part of the primary key:
				// SQLAlchemy cannot null it out, the flush fails.
				return crash()
			}
		}
	}
	delete(s.menu, id)
	return noContent()
}
