package inventory

import "strings"

// probeMarkers are the fragments of request targets that scanners send
// and applications never serve: path traversal (raw, percent-encoded,
// double-encoded and overlong UTF-8 dots), system files, dot-files of
// deployments and version control, and the admin paths of software the
// API is not.
var probeMarkers = []string{
	"..", "%2e", "%252e", "%c0%ae", "%00",
	"/etc/passwd", "/etc/shadow", "/etc/hosts", "win.ini", "boot.ini", "/proc/self/",
	"/.env", ".git/", "/.git", "/.svn", "/.hg/", "/.ds_store", "/.htaccess", "/.htpasswd", "/.aws/", "/.ssh/",
	"wp-admin", "wp-login", "wp-content", "wp-includes", "xmlrpc.php", "phpmyadmin", "/cgi-bin/", "/phpinfo",
	"<script", "%3cscript",
}

// probeShaped reports whether a raw request target looks like scanning.
// Only paths that were also only ever answered with a 4xx become probe
// noise: a .env that is served is a finding.
func probeShaped(target string) bool {
	t := strings.ToLower(target)
	for _, m := range probeMarkers {
		if strings.Contains(t, m) {
			return true
		}
	}
	return false
}
