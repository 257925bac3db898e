package safety

import "testing"

func TestResetsData(t *testing.T) {
	for _, tt := range []struct {
		path, id, summary string
		want              bool
	}{
		{"/createdb", "api_views.main.populate_db", "Creates and populates the database with dummy data", true},
		{"/api/reset", "", "", true},
		{"/admin/reset-database", "", "", true},
		{"/init_db", "", "", true},
		{"/v1/seed", "", "", true},
		{"/debug", "resetDatabase", "", true},
		{"/tools", "", "Drops all tables", true},
		{"/users/{id}/reset-password", "", "Reset a password", false},
		{"/password/reset", "", "", false},
		{"/orders", "createOrder", "Create an order", false},
		{"/cart/clear", "", "Empties the caller's cart", false},
		{"/data", "", "Returns the data", false},
		{"/users/v1", "", "Retrieves all users", false},
		{"/setup/status", "", "", false},
	} {
		if got := ResetsData(tt.path, tt.id, tt.summary); got != tt.want {
			t.Errorf("ResetsData(%q, %q, %q) = %v, want %v", tt.path, tt.id, tt.summary, got, tt.want)
		}
	}
}
