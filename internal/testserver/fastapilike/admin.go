package fastapilike

import (
	"net"
	"strconv"
	"strings"
)

// diskStats is GET /admin/stats/disk. The vulnerable build runs
// "df -h " + parameters through the shell (RESTaurant's level 5); the
// secure one accepts known df arguments only and runs df without a shell.
func (s *Server) diskStats(c *call) resp {
	if s.roleOf(c.user) != roleChef {
		return detail(403, "Only Chef is authorized to get current disk stats!")
	}
	params := c.query["parameters"].(string)
	sh := newShell(string(s.jwtKey))
	sh.sleep = s.sleep
	var res shellResult
	if s.secure {
		args := strings.Fields(params)
		for _, a := range args {
			if !dfOptions[a] && !allowedDfPath[a] {
				return detail(400, "Unsupported df parameter: "+a)
			}
		}
		o, e, code, _ := dfCommand(append([]string{"-h"}, args...), sh)
		res = shellResult{o, e, code}
	} else {
		res = sh.run("df -h " + params)
	}
	if res.code != 0 {
		return crash() // raise Exception("An error occurred: " + stderr)
	}
	return jsonResp(200, obj{{"output", strings.TrimSpace(res.stdout)}})
}

var allowedDfPath = map[string]bool{"/": true, "/app": true, "/tmp": true, "/dev/shm": true}

// resetChefPassword is the hidden GET /admin/reset-chef-password of the
// vulnerable build: "only from the local machine", which is exactly where
// the menu image download comes from.
func (s *Server) resetChefPassword(c *call) resp {
	host, _, _ := net.SplitHostPort(c.r.RemoteAddr)
	if host != "127.0.0.1" {
		return detail(403, "Chef password can be reseted only from the local machine!")
	}
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()_-+=;:[]"
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, 32)
	for i := range b {
		b[i] = chars[s.rng.IntN(len(chars))]
	}
	chef := s.userByName("chef")
	if chef == nil {
		return crash()
	}
	chef.passwordHash = hashPassword(string(b), "chef#reset#"+strconv.FormatInt(s.nextVersion(), 10))
	chef.version = s.nextVersion()
	return jsonResp(200, obj{{"password", string(b)}})
}

// updateUserRole is PUT /users/update_role. RESTaurant's comment says it
// lets staff give the Employee role; nothing checks that the caller is
// staff (level 3). The secure build requires an employee or the chef
// (RolesBasedAuthChecker on the route) and lets only the chef grant Chef
// or touch the chef's account.
func (s *Server) updateUserRole(c *call) resp {
	name, role := c.body.mustGet("username").(string), c.body.mustGet("role").(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	caller := c.user
	if s.secure {
		if role == roleChef && caller.role != roleChef {
			return detail(403, "Only Chef is authorized to add Chef role!")
		}
		target := s.userByName(name)
		if target == nil {
			return detail(404, "User not found")
		}
		if !oneOf(role, userRoles) {
			return detail(400, "Unknown role")
		}
		if target.role == roleChef && caller.role != roleChef {
			return detail(403, "Only Chef can change the Chef's role")
		}
		target.role = role
		target.version = s.nextVersion()
		return jsonResp(200, obj{{"username", caller.username}, {"role", caller.role}})
	}
	if role == roleChef {
		return detail(401, "Only Chef is authorized to add Chef role!")
	}
	target := s.userByName(name)
	if target == nil {
		return crash() // update_user on None
	}
	if role != "" {
		if !oneOf(role, userRoles) {
			return crash() // LookupError from the Enum column
		}
		target.role = role
	}
	target.version = s.nextVersion()
	return jsonResp(200, obj{{"username", caller.username}, {"role", caller.role}})
}

// readUser is GET /users/{user_id} for employees and the chef. The
// vulnerable endpoint has no response model and returns the row as a
// dict, password hash and reset code included.
func (s *Server) readUser(c *call) resp {
	id := c.id("user_id")
	if !fitsInt4(id) {
		return crash()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return detail(404, "User not found")
	}
	if s.secure {
		return jsonResp(200, u.read())
	}
	var expiry any
	if u.resetExpiry != nil {
		expiry = u.resetExpiry.UTC().Format("2006-01-02T15:04:05.000000")
	}
	return jsonResp(200, obj{
		{"id", u.id}, {"username", u.username}, {"password_hash", u.passwordHash}, {"role", u.role},
		{"first_name", nullable(u.firstName)}, {"last_name", nullable(u.lastName)}, {"phone_number", u.phone},
		{"reset_password_code", nullable(u.resetCode)}, {"reset_password_code_expiry_date", expiry},
		{"referral_code", nullable(u.referralCode)},
	})
}
