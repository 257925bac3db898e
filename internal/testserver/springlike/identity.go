package springlike

// The identity service: AuthController, UserController, ProfileController,
// VehicleController.

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

const (
	msgSignedUp        = "User registered successfully! Please Login."
	msgInvalidCreds    = "Invalid Credentials"
	msgOtpSent         = "OTP Sent on the provided email, "
	msgNotRegistered   = "Given Email is not registered! "
	msgInvalidOtp      = "Invalid OTP! Please try again.."
	msgOtpVerified     = "OTP verified"
	msgOtpExceeded     = "You've exceeded the number of attempts."
	msgVideoNotFound   = "Video not found."
	msgVideoDeleted    = "User video deleted successfully."
	msgAdminFunction   = "This is an admin function. Try to access the admin API"
	msgInvalidVehicle  = "Invalid vehicle_id for User"
	msgTooManyAttempts = "Too many attempts. Please try again later."
	// msgResetGeneric is the Secure build's one answer to a reset request.
	msgResetGeneric = "If the email address is registered, an OTP has been sent to it."
)

// Secure mode's throttles.
const (
	loginMaxPerAccount = 5
	resetMaxPerAccount = 5
	throttleWindow     = 15 * time.Minute
	otpMaxTries        = 10
)

// registerUser: POST /identity/api/auth/signup (@Valid SignUpForm).
func (s *Server) registerUser(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	f, ok := c.strings(body, "name", "email", "number", "password")
	if !ok {
		return
	}
	name, email, number, password := strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2]), f[3]
	// @NotBlank on every field, @Email, @Size(max = 15) on the number:
	// MethodArgumentNotValidException.
	if name == "" || email == "" || number == "" || strings.TrimSpace(password) == "" ||
		!strings.Contains(email, "@") || len(number) > 15 || len(name) > 100 || len(email) > 100 {
		c.springError(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.number == number {
			c.crapi(http.StatusForbidden, "Number already registered! Number: "+number)
			return
		}
	}
	if s.userByEmail(email) != nil {
		c.crapi(http.StatusForbidden, "Email already registered! Email: "+email)
		return
	}
	s.newUser(name, email, number, password, roleUser, 100)
	c.crapi(http.StatusOK, msgSignedUp)
}

// jwtResponse is com.crapi.model.JwtResponse.
type jwtResponse struct {
	Token   string  `json:"token"`
	Type    string  `json:"type"`
	Message string  `json:"message"`
	Role    *string `json:"role"`
}

// authenticateUser: POST /identity/api/auth/login (@Valid LoginForm).
func (s *Server) authenticateUser(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	f, ok := c.strings(body, "email", "password")
	if !ok {
		return
	}
	email, password := strings.TrimSpace(f[0]), f[1]
	if email == "" || password == "" {
		c.springError(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Secure locks the account (known or not, so that the lock tells
	// nothing) after five failures in fifteen minutes.
	acct := "login:" + strings.ToLower(email)
	if s.secure && s.limited(acct, loginMaxPerAccount, throttleWindow) {
		c.w.Header().Set("Retry-After", "900")
		c.crapi(http.StatusTooManyRequests, msgTooManyAttempts)
		return
	}
	// Flaw login-no-rate-limit: without Secure nothing counts failures.
	// DaoAuthenticationProvider hides an unknown user behind the same
	// BadCredentialsException as a wrong password.
	u := s.userByEmail(email)
	if u == nil || !u.checkPassword(password) {
		if s.secure {
			s.recordFail(acct)
		}
		writeJSON(c.w, http.StatusUnauthorized, jwtResponse{Type: "Bearer", Message: msgInvalidCreds})
		return
	}
	if s.secure {
		delete(s.fails, acct)
	}
	r := u.role.String()
	writeJSON(c.w, http.StatusOK, jwtResponse{Token: s.issueToken(u), Type: "Bearer", Message: "Login successful", Role: &r})
}

// forgetPassword: POST /identity/api/auth/forget-password.
func (s *Server) forgetPassword(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	f, ok := c.strings(body, "email")
	if !ok {
		return
	}
	email := strings.TrimSpace(f[0])
	if email == "" || !strings.Contains(email, "@") {
		c.springError(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secure {
		key := "reset:" + strings.ToLower(email)
		if s.limited(key, resetMaxPerAccount, throttleWindow) {
			c.w.Header().Set("Retry-After", "900")
			c.crapi(http.StatusTooManyRequests, msgTooManyAttempts)
			return
		}
		s.recordFail(key)
	}
	u := s.userByEmail(email)
	if u != nil {
		// A new 4-digit OTP "mailed" to the user; its try counter
		// starts again.
		s.otps[u.id] = &otpEntry{code: fmt.Sprintf("%04d", s.rng.IntN(10000)), active: true}
	}
	if s.secure {
		c.crapi(http.StatusOK, msgResetGeneric)
		return
	}
	// Flaw forget-password-enumeration: an unknown address gets a 404
	// naming it, a registered one a 200.
	if u == nil {
		c.crapi(http.StatusNotFound, msgNotRegistered+email)
		return
	}
	c.crapi(http.StatusOK, msgOtpSent+u.email)
}

// checkOtp: POST /identity/api/auth/v2/check-otp, the old validator.
func (s *Server) checkOtp(c *call) {
	// Flaw otp-v2-brute-force: v2 counts wrong tries but never acts on
	// the count, so all 10,000 codes can be tried. Secure routes it
	// through v3's limit.
	s.validateOtp(c, s.secure)
}

// secureCheckOtp: POST /identity/api/auth/v3/check-otp, limited to ten
// tries per OTP in both modes.
func (s *Server) secureCheckOtp(c *call) { s.validateOtp(c, true) }

func (s *Server) validateOtp(c *call, limited bool) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	f, ok := c.strings(body, "email", "otp", "password")
	if !ok {
		return
	}
	email, code, password := strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), f[2]
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByEmail(email)
	var e *otpEntry
	if u != nil {
		e = s.otps[u.id]
	}
	if e == nil {
		// No OTP was requested for this address (or it is unknown):
		// answered like a wrong code.
		c.crapi(http.StatusInternalServerError, msgInvalidOtp)
		return
	}
	if e.active && e.code == code && password != "" {
		u.password = hashPassword(password)
		e.active = false
		c.crapi(http.StatusOK, msgOtpVerified)
		return
	}
	e.count++
	if limited {
		switch {
		case e.count == otpMaxTries:
			e.active = false
			c.crapi(http.StatusServiceUnavailable, msgOtpExceeded)
			return
		case e.count > otpMaxTries:
			e.active = false
			c.crapi(http.StatusInternalServerError, "ERROR..")
			return
		}
	}
	c.crapi(http.StatusInternalServerError, msgInvalidOtp)
}

type dashboardResponse struct {
	ID              int64   `json:"id"`
	Name            string  `json:"name"`
	Email           string  `json:"email"`
	Number          string  `json:"number"`
	PictureURL      *string `json:"picture_url"`
	VideoURL        *string `json:"video_url"`
	VideoName       *string `json:"video_name"`
	AvailableCredit jdouble `json:"available_credit"`
	VideoID         int64   `json:"video_id"`
	Role            string  `json:"role"`
}

// getDashboard: GET /identity/api/v2/user/dashboard, the caller's own data.
func (s *Server) getDashboard(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := c.user
	d := dashboardResponse{ID: u.id, Name: u.name, Email: u.email, Number: u.number,
		AvailableCredit: jdouble(u.credit), Role: u.role.String()}
	for _, v := range s.videos {
		if v.ownerID == u.id {
			name, data := v.name, v.data
			d.VideoName, d.VideoURL, d.VideoID = &name, &data, v.id
		}
	}
	writeJSON(c.w, http.StatusOK, d)
}

type userRef struct {
	Email  string `json:"email"`
	Number string `json:"number"`
}

type profileVideo struct {
	ID               int64   `json:"id"`
	VideoName        string  `json:"video_name"`
	ConversionParams string  `json:"conversion_params"`
	Video            string  `json:"video"`
	User             userRef `json:"user"`
}

func (s *Server) videoJSON(v *video) profileVideo {
	o := s.userByID(v.ownerID)
	return profileVideo{ID: v.id, VideoName: v.name, ConversionParams: v.conversion, Video: v.data,
		User: userRef{Email: o.email, Number: o.number}}
}

// ownVideo is profileVideoRepository.findByIdAndUser_id; s.mu must be held.
func (s *Server) ownVideo(c *call) *video {
	v := s.videos[c.pathLong("video_id")]
	if v == nil || v.ownerID != c.user.id {
		return nil
	}
	return v
}

// getProfileVideo: GET /identity/api/v2/user/videos/{video_id}, owner only.
func (s *Server) getProfileVideo(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.ownVideo(c)
	if v == nil {
		c.crapi(http.StatusNotFound, msgVideoNotFound)
		return
	}
	writeJSON(c.w, http.StatusOK, s.videoJSON(v))
}

// updateProfileVideo: PUT /identity/api/v2/user/videos/{video_id} (VideoForm).
func (s *Server) updateProfileVideo(c *call) {
	body, ok := c.readBody()
	if !ok {
		return
	}
	f, ok := c.strings(body, "videoName", "conversion_params")
	if !ok {
		return
	}
	if _, err := body.long("id"); err != nil {
		c.springError(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.ownVideo(c)
	if v == nil {
		c.crapi(http.StatusNotFound, msgVideoNotFound)
		return
	}
	if name := strings.TrimSpace(f[0]); name != "" {
		v.name = name
	}
	if _, sent := body["conversion_params"]; sent && !s.secure {
		// Flaw video-conversion-params-mass-assignment: the form is
		// copied onto the entity field by field, including the
		// internal ffmpeg parameters the conversion job runs with.
		v.conversion = f[1]
	}
	writeJSON(c.w, http.StatusOK, s.videoJSON(v))
}

// deleteProfileVideo: DELETE /identity/api/v2/user/videos/{video_id}.
// Users may not delete videos; the answer points to the admin API.
func (s *Server) deleteProfileVideo(c *call) {
	if s.secure {
		// refused before any lookup, whatever the id
		c.crapi(http.StatusForbidden, msgAdminFunction)
		return
	}
	// crAPI looks the video up first: 404 for an id that is not the
	// caller's, 403 for the caller's own (AlsoTrue: auth-after-lookup).
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ownVideo(c) == nil {
		c.crapi(http.StatusNotFound, msgVideoNotFound)
		return
	}
	c.crapi(http.StatusForbidden, msgAdminFunction)
}

// deleteAdminProfileVideo: DELETE /identity/api/v2/admin/videos/{video_id}.
func (s *Server) deleteAdminProfileVideo(c *call) {
	if s.secure && c.user.role != roleAdmin {
		// @PreAuthorize("hasRole('ADMIN')"): AccessDeniedException
		// before the controller runs.
		c.springError(http.StatusForbidden)
		return
	}
	// Flaws admin-video-delete-bfla and admin-video-delete-lookup-first:
	// without Secure there is no role check at all; the only answers
	// are "not found" and "deleted".
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.pathLong("video_id")
	if s.videos[id] == nil {
		c.crapi(http.StatusNotFound, msgVideoNotFound)
		return
	}
	delete(s.videos, id)
	c.crapi(http.StatusOK, msgVideoDeleted)
}

type vehicleLocation struct {
	ID        int64  `json:"id"`
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
}

type vehicleCompany struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type vehicleModel struct {
	ID             int64          `json:"id"`
	Model          string         `json:"model"`
	FuelType       string         `json:"fuel_type"`
	VehicleImg     string         `json:"vehicle_img"`
	VehicleCompany vehicleCompany `json:"vehiclecompany"`
}

type vehicleDetails struct {
	ID              int64           `json:"id"`
	UUID            string          `json:"uuid"`
	Year            int             `json:"year"`
	Status          string          `json:"status"`
	Vin             string          `json:"vin"`
	Pincode         string          `json:"pincode"`
	Owner           userRef         `json:"owner"`
	Model           vehicleModel    `json:"model"`
	VehicleLocation vehicleLocation `json:"vehicleLocation"`
}

func location(v *vehicle) vehicleLocation {
	return vehicleLocation{ID: v.id, Latitude: v.lat, Longitude: v.long}
}

// getVehicles: GET /identity/api/v2/vehicle/vehicles, the caller's only.
func (s *Server) getVehicles(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := c.user
	v := u.vehicle
	writeJSON(c.w, http.StatusOK, []vehicleDetails{{
		ID: v.id, UUID: v.uuid, Year: v.year, Status: "ACTIVE", Vin: v.vin, Pincode: v.pincode,
		Owner: userRef{Email: u.email, Number: u.number},
		Model: vehicleModel{ID: v.id, Model: v.model, FuelType: v.fuel,
			VehicleImg:     "images/" + strings.ToLower(strings.ReplaceAll(v.model, " ", "-")) + ".jpg",
			VehicleCompany: vehicleCompany{ID: v.id, Name: v.company}},
		VehicleLocation: location(v),
	}})
}

type locationResponse struct {
	CarID           string          `json:"carId"`
	VehicleLocation vehicleLocation `json:"vehicleLocation"`
	FullName        string          `json:"fullName"`
	Email           string          `json:"email"`
}

// getLocation: GET /identity/api/v2/vehicle/{vehicleId}/location.
func (s *Server) getLocation(c *call) {
	id, _ := parseUUID(c.vars["vehicleId"])
	s.mu.Lock()
	defer s.mu.Unlock()
	var owner *user
	for _, u := range s.users {
		if u.vehicle.uuid == id {
			owner = u
		}
	}
	// Flaw vehicle-location-bola: the vehicle is looked up by its UUID
	// alone; Secure also requires it to be the caller's.
	if owner == nil || (s.secure && owner.id != c.user.id) {
		c.crapi(http.StatusNotFound, msgInvalidVehicle)
		return
	}
	writeJSON(c.w, http.StatusOK, locationResponse{CarID: owner.vehicle.uuid, VehicleLocation: location(owner.vehicle),
		FullName: owner.name, Email: owner.email})
}
