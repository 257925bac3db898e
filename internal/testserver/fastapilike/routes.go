package fastapilike

import "strings"

// allRoutes is the application's router in registration order: FastAPI's
// own documentation routes first, then the routers main.py includes
// (healthcheck, menu, orders, auth, admin, users, reservations). The
// OpenAPI document is generated from the same table.
var allRoutes []*route

func init() { allRoutes = buildRoutes() }

func buildRoutes() []*route {
	staff := []string{roleEmployee, roleChef}
	customer := []string{roleCustomer}
	id := func(name string) param { return param{name: name, in: "path", kind: kInt} }
	rs := []*route{
		{method: "GET", path: "/openapi.json", name: "openapi", hidden: true, h: (*Server).openapi},
		{method: "GET", path: "/docs", name: "swagger_ui_html", hidden: true, h: (*Server).swaggerUI},
		{method: "GET", path: "/docs/oauth2-redirect", name: "swagger_ui_redirect", hidden: true, h: (*Server).swaggerRedirect},
		{method: "GET", path: "/redoc", name: "redoc_html", hidden: true, h: (*Server).redoc},

		{method: "GET", path: "/healthcheck", name: "healthcheck", tag: "healthcheck", outAny: true, h: (*Server).healthcheck},

		{method: "GET", path: "/menu", name: "read_menu", tag: "menu", out: mMenuItem, outList: true, h: (*Server).readMenu},
		{method: "PUT", path: "/menu", name: "create_menu_item", tag: "menu", status: 201,
			doc:  "Add a dish to the menu (employees and chef only).\n\nIf `image_url` is given, the image is downloaded and stored with the item as base64.",
			auth: true, roles: staff, body: mMenuItemCreate, out: mMenuItem, h: (*Server).createMenuItem},
		{method: "PUT", path: "/menu/{item_id}", name: "update_menu_item", tag: "menu",
			doc:  "Update a dish (employees and chef only). A new `image_url` replaces the stored image.",
			auth: true, roles: staff, params: []param{id("item_id")}, body: mMenuItemCreate, out: mMenuItem, h: (*Server).updateMenuItem},
		{method: "DELETE", path: "/menu/{item_id}", name: "delete_menu_item", tag: "menu", status: 204,
			doc:  "Remove a dish from the menu. Restricted to employees and the chef.",
			auth: true, secureRoles: staff, params: []param{id("item_id")}, h: (*Server).deleteMenuItem},

		{method: "GET", path: "/orders", name: "read_orders", tag: "orders",
			doc:  "The caller's orders.",
			auth: true, roles: customer, params: []param{{name: "skip", in: "query", kind: kInt, def: int64(0)}, {name: "limit", in: "query", kind: kInt, def: int64(100)}},
			out: mOrder, outList: true, h: (*Server).readOrders},
		{method: "POST", path: "/orders", name: "create_order", tag: "orders", status: 201,
			doc:  "Place an order for delivery. The price is computed from the menu.",
			auth: true, roles: customer, body: mOrderCreate, out: mOrder, h: (*Server).createOrder},
		{method: "GET", path: "/orders/{order_id}", name: "read_order", tag: "orders",
			doc:  "One of the caller's orders.",
			auth: true, roles: customer, params: []param{id("order_id")}, out: mOrder, h: (*Server).readOrder},
		{method: "PUT", path: "/orders/{order_id}", name: "update_order", tag: "orders",
			doc:  "Change the delivery details of one of the caller's pending orders.",
			auth: true, roles: customer, params: []param{id("order_id")}, body: mOrderUpdate, out: mOrder, h: (*Server).updateOrder},
		{method: "DELETE", path: "/orders/{order_id}", name: "cancel_order", tag: "orders", status: 204,
			doc:  "Cancel one of the caller's orders.",
			auth: true, roles: customer, params: []param{id("order_id")}, h: (*Server).cancelOrder},

		{method: "POST", path: "/token", name: "login_for_access_token", tag: "auth", form: true, body: loginForm, out: mToken, h: (*Server).login},
		{method: "POST", path: "/register", name: "register_user", tag: "auth", status: 201, body: mUserCreate, out: mUserRead, h: (*Server).register},
		{method: "GET", path: "/profile", name: "read_profile", tag: "auth", auth: true, out: mUserRead, h: (*Server).readProfile},
		{method: "PUT", path: "/profile", name: "update_profile", tag: "auth", auth: true, body: mUserUpdate, out: mUserUpdate, h: (*Server).updateProfile},
		{method: "PATCH", path: "/profile", name: "patch_profile", tag: "auth", auth: true, body: mUserProfilePatch, out: mUserRead, h: (*Server).patchProfile},
		{method: "POST", path: "/reset-password", name: "reset_password", tag: "auth",
			doc:  "Start a password reset: a 4-digit PIN code is sent by text message to the phone number of the account. Customers only.",
			body: mResetPasswordData, outAny: true, h: (*Server).resetPassword},
		{method: "POST", path: "/reset-password/new-password", name: "set_new_password", tag: "auth",
			doc:  "Finish a password reset with the PIN code received by text message.",
			body: mNewPasswordData, outAny: true, h: (*Server).setNewPassword},

		{method: "GET", path: "/admin/stats/disk", name: "get_disk_usage_stats", tag: "admin",
			doc:  "Disk usage of the server (chef only). `parameters` are extra arguments for `df -h`.",
			auth: true, params: []param{{name: "parameters", in: "query", kind: kStr, def: ""}}, out: mDiskUsage, h: (*Server).diskStats},
		{method: "GET", path: "/admin/reset-chef-password", name: "get_reset_chef_password", hidden: true, vulnOnly: true, h: (*Server).resetChefPassword},

		{method: "PUT", path: "/users/update_role", name: "update_user_role", tag: "users",
			doc:  "Lets staff give the Employee role to other users. The Chef role can only be granted by the chef.",
			auth: true, secureRoles: staff, body: mUserRoleUpdate, out: mUserRoleUpdate, h: (*Server).updateUserRole},
		{method: "GET", path: "/users/{user_id}", name: "read_user", tag: "users",
			doc:  "Look up a user's account, e.g. to confirm a phone order (employees and chef only).",
			auth: true, roles: staff, params: []param{id("user_id")}, outAny: true, h: (*Server).readUser},

		{method: "GET", path: "/reservations", name: "read_reservations", tag: "reservations", auth: true, out: mReservation, outList: true, h: (*Server).readReservations},
		{method: "POST", path: "/reservations", name: "create_reservation", tag: "reservations", status: 201, auth: true, body: mReservationCreate, out: mReservation, h: (*Server).createReservation},
		{method: "GET", path: "/reservations/{reservation_id}", name: "read_reservation", tag: "reservations", auth: true, params: []param{id("reservation_id")}, out: mReservation, h: (*Server).readReservation},
		{method: "PUT", path: "/reservations/{reservation_id}", name: "update_reservation", tag: "reservations", auth: true, params: []param{id("reservation_id")}, body: mReservationCreate, out: mReservation, h: (*Server).updateReservation},
		{method: "DELETE", path: "/reservations/{reservation_id}", name: "delete_reservation", tag: "reservations", status: 204, auth: true, params: []param{id("reservation_id")}, h: (*Server).deleteReservation},
	}
	for _, rt := range rs {
		rt.segs = strings.Split(rt.path[1:], "/")
		if rt.status == 0 {
			rt.status = 200
		}
	}
	return rs
}
