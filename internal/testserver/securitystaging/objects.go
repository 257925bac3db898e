package securitystaging

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

func (s *Server) exposureRoutes() {
	// Planted: reflects any Origin and allows credentials.
	s.mux.HandleFunc("GET /widgets", s.authed(func(w http.ResponseWriter, r *http.Request, _, _ string) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		message(w, http.StatusOK, "3 widgets")
	}))
	// Clean twin: no CORS at all.
	s.mux.HandleFunc("GET /gadgets", s.authed(func(w http.ResponseWriter, _ *http.Request, _, _ string) {
		message(w, http.StatusOK, "2 gadgets")
	}))
	// Planted: serialises the user records whole.
	s.mux.HandleFunc("GET /team", s.authed(func(w http.ResponseWriter, _ *http.Request, _, _ string) {
		writeJSON(w, http.StatusOK, map[string]any{"members": []map[string]string{{
			"name":     "carol",
			"password": "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
			"ssn":      "219-09-9999",
		}}})
	}))
}

func (s *Server) objectRoutes() {
	create := func(store map[string][2]string, prefix string) http.HandlerFunc {
		return s.authed(func(w http.ResponseWriter, r *http.Request, user, _ string) {
			body, err := io.ReadAll(r.Body)
			var in struct {
				Text *string `json:"text"`
			}
			if err != nil || json.Unmarshal(body, &in) != nil || in.Text == nil || len(*in.Text) > 200 {
				message(w, http.StatusBadRequest, "text is required")
				return
			}
			s.mu.Lock()
			s.next++
			id := fmt.Sprintf("%s%d", prefix, s.next)
			store[id] = [2]string{user, *in.Text}
			s.mu.Unlock()
			writeJSON(w, http.StatusCreated, map[string]string{"id": id, "text": *in.Text})
		})
	}
	get := func(store map[string][2]string, checkOwner bool) http.HandlerFunc {
		return s.authed(func(w http.ResponseWriter, r *http.Request, user, _ string) {
			id := r.PathValue("id")
			s.mu.Lock()
			n, ok := store[id]
			s.mu.Unlock()
			if !ok || (checkOwner && n[0] != user) {
				message(w, http.StatusNotFound, "no such note")
				return
			}
			writeJSON(w, http.StatusOK, map[string]string{"id": id, "text": n[1]})
		})
	}
	s.mux.HandleFunc("POST /notes", create(s.notes, "n"))
	// Planted: authenticates but never checks the owner.
	s.mux.HandleFunc("GET /notes/{id}", get(s.notes, false))
	s.mux.HandleFunc("POST /vault", create(s.vault, "v"))
	// Clean twin: the owner only; 404 for everyone else.
	s.mux.HandleFunc("GET /vault/{id}", get(s.vault, true))
}
