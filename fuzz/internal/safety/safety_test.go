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

		// Real-world resets: VAmPI, the Cypress Real World App's test data
		// routes, the full-stack course's /api/testing/reset, WireMock's
		// admin API, Rails/Laravel-style seeders.
		{"/createdb", "", "", true},
		{"/testData/seed", "", "", true},
		{"/api/testing/reset", "", "", true},
		{"/__admin/reset", "", "Reset mappings to the default state and reset the request journal", true},
		{"/api/v1/admin/truncate", "", "", true},
		{"/internal/reinitialize", "", "", true},
		{"/dev/flush", "", "", true},
		{"/_debug/reset", "", "", true},
		{"/api/reset_db", "", "", true},
		{"/resetdb", "", "", true},
		{"/seed-demo-data", "", "", true},
		{"/api/recreate-tables", "", "", true},
		{"/drop_schema", "", "", true},
		{"/load/init-database", "", "", true},
		{"/api/database/reset", "", "", true},
		{"/db/seed", "", "", true},
		{"/data/purge", "", "", true},
		{"/fixtures/reload", "reloadFixtures", "Recreates the database from the fixtures", true},
		{"/maintenance", "initDB", "", true},
		{"/maintenance", "Admin.seedDatabase", "", true},
		{"/maintenance", "reset_demo_data", "", true},
		{"/maintenance", "recreateTables", "", true},
		{"/maintenance/run", "", "Drops and recreates all tables", true},
		{"/maintenance/run", "", "Wipes all the data", true},
		{"/maintenance/run", "", "Truncates the database tables.", true},
		{"/maintenance/run", "", "Creates the database schema", true},
		{"/maintenance/run", "", "Resets the DB to its initial state", true},

		// Not resets: ordinary operations that share a word with one.
		{"/users", "createUser", "Creates a new user in the database", false},
		{"/orders", "", "Create an order; the database keeps it for 30 days", false},
		{"/cache/clear", "clearCache", "Clears the cache", false},
		{"/sessions/purge", "", "", false},
		{"/users/{id}/reset", "", "", false},
		{"/orders/{id}/restore", "", "Restores a cancelled order", false},
		{"/identity/api/auth/forget-password", "", "", false},
		{"/reset-password", "resetPassword", "", false},
		{"/api/seeds", "", "Lists the seeds in the catalogue", false},
		{"/api/database", "", "", false},
		{"/database/backups", "", "", false},
		{"/data/export", "", "", false},
		{"/testData/users", "", "", false},
		{"/__admin/mappings", "", "", false},
		{"/init-payment", "", "", false},
		{"/rebuild-index", "", "", false},
		{"/maintenance", "clearCache", "", false},
		{"/maintenance", "createOrderTable", "", false},
		{"", "", "", false},
	} {
		if got := ResetsData(tt.path, tt.id, tt.summary); got != tt.want {
			t.Errorf("ResetsData(%q, %q, %q) = %v, want %v", tt.path, tt.id, tt.summary, got, tt.want)
		}
	}
}
