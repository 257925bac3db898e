package fastapilike

// The Pydantic models of the application (apis/*/schemas.py). Field order
// is declaration order, parents first, as Pydantic keeps it.

const (
	roleChef     = "Chef"
	roleEmployee = "Employee"
	roleCustomer = "Customer"
)

var userRoles = []string{roleChef, roleEmployee, roleCustomer}

const (
	statusPending   = "Pending"
	statusPreparing = "Preparing"
	statusOnTheWay  = "OnTheWay"
	statusDelivered = "Delivered"
	statusCancelled = "Cancelled"
)

var orderStatus = &enumType{name: "OrderStatus", values: []string{statusPending, statusPreparing, statusOnTheWay, statusDelivered, statusCancelled}}

// phonePattern validates phone numbers such as "(505) 146-0195". The
// repeated group holds an unbounded \d+ and an optional separator, so a
// long run of digits followed by a character the pattern refuses makes a
// backtracking engine try every way of cutting the digits into groups.
const phonePattern = `^(\(?\d+\)?[\s.-]?)+$`

func str(name string) field { return field{name: name, kind: kStr, required: true} }
func optStr(name string) field {
	return field{name: name, kind: kStr, nullable: true, hasDef: true}
}
func integer(name string) field { return field{name: name, kind: kInt, required: true} }
func number(name string) field  { return field{name: name, kind: kFloat, required: true} }

var (
	mToken = &model{name: "Token", fields: []field{str("access_token"), str("token_type")}}

	mUserRead = &model{name: "UserRead", fields: []field{
		str("username"), str("phone_number"), optStr("first_name"), optStr("last_name"), str("role"),
	}}

	// UserCreate validates phone_number with Python's re: the developer
	// set regex_engine="python-re" because an earlier pattern used a
	// look-ahead, which Pydantic's default Rust engine refuses.
	mUserCreate = &model{name: "UserCreate", pythonRe: true, fields: []field{
		{name: "username", kind: kStr, required: true, maxLen: 50},
		{name: "password", kind: kStr, required: true, minLen: 8},
		{name: "phone_number", kind: kStr, required: true, maxLen: 64, pattern: phonePattern},
		optStr("first_name"), optStr("last_name"),
	}}

	mUserUpdate = &model{name: "UserUpdate", fields: []field{
		str("username"), optStr("first_name"), optStr("last_name"), optStr("phone_number"),
	}}

	// UserProfilePatch allows extra fields "so that new columns of User can
	// be patched without touching the schema".
	mUserProfilePatch = &model{name: "UserProfilePatch", allowExtra: true, fields: []field{
		optStr("first_name"), optStr("last_name"), optStr("phone_number"),
	}}

	mUserRoleUpdate = &model{name: "UserRoleUpdate", fields: []field{str("username"), str("role")}}

	mResetPasswordData = &model{name: "ResetPasswordData", fields: []field{str("username")}}

	mNewPasswordData = &model{name: "NewPasswordData", fields: []field{
		str("username"), str("reset_password_code"), str("new_password"),
	}}

	mMenuItemCreate = &model{name: "MenuItemCreate", fields: []field{
		str("name"), number("price"), str("category"), optStr("image_url"), optStr("description"),
	}}

	mMenuItem = &model{name: "MenuItem", fields: []field{
		integer("id"), str("name"), number("price"), str("category"), optStr("description"), optStr("image_base64"),
	}}

	mOrderItem = &model{name: "OrderItem", fields: []field{integer("menu_item_id"), integer("quantity")}}

	// OrderCreate allows extra fields: delivery partners post orders with
	// their own bookkeeping fields, which the service copies onto the row.
	mOrderCreate = &model{name: "OrderCreate", allowExtra: true, fields: []field{
		str("delivery_address"), str("phone_number"),
		{name: "items", kind: kList, elem: mOrderItem, hasDef: true, def: []any{}},
	}}

	mOrder = &model{name: "Order", fields: []field{
		str("delivery_address"), str("phone_number"), integer("id"), integer("user_id"),
		{name: "items", kind: kList, elem: mOrderItem, hasDef: true, def: []any{}},
		{name: "status", kind: kEnum, enum: orderStatus, required: true},
		number("final_price"),
	}}

	mOrderUpdate = &model{name: "OrderUpdate", fields: []field{optStr("delivery_address"), optStr("phone_number")}}

	mDiskUsage = &model{name: "DiskUsage", fields: []field{str("output")}}

	mReservationCreate = &model{name: "ReservationCreate", fields: []field{
		{name: "date", kind: kStr, required: true, pattern: `^\d{4}-\d{2}-\d{2}$`},
		{name: "time", kind: kStr, required: true, pattern: `^\d{2}:\d{2}$`},
		{name: "guests", kind: kInt, required: true, ge: i64(1), le: i64(12)},
		{name: "notes", kind: kStr, nullable: true, hasDef: true, maxLen: 200},
	}}

	mReservation = &model{name: "Reservation", fields: []field{
		integer("id"), integer("user_id"), str("date"), str("time"), integer("guests"), optStr("notes"),
	}}
)

// loginForm is OAuth2PasswordRequestForm as FastAPI 0.103 declares it.
var loginForm = &model{name: "Body_login_for_access_token_token_post", fields: []field{
	{name: "grant_type", kind: kStr, nullable: true, hasDef: true, pattern: "password"},
	str("username"), str("password"),
	{name: "scope", kind: kStr, hasDef: true, def: ""},
	optStr("client_id"), optStr("client_secret"),
}}
