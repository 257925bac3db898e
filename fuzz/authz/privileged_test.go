package authz

import "testing"

func TestPrivilegedText(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Deletes user by username (Only Admins)", true},
		{"Only Admins may delete users!", true},
		{"Delete a menu item. Employees or chefs only.", true},
		{"Requires the admin role.", true},
		{"Restricted to staff.", true},
		{"Remove a menu item (employees or chefs)", true},
		{"Available to administrators only", true},
		{"Returns the users of the shop", false},
		{"Only the owner may retrieve it", false},
		{"Update the caller's profile", false},
		{"List every admin-managed category", false},
		{"Lists administrators", false},
	} {
		_, got := PrivilegedText("", tt.text)
		if got != tt.want {
			t.Errorf("%q: privileged %v, want %v", tt.text, got, tt.want)
		}
	}
}
