package execute

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// HostPolicy decides which hosts the fuzzer may send to: loopback and
// private ranges always, other hosts only when named in Allowed.
type HostPolicy struct {
	// Allowed are host names or IP addresses named with --allow-host.
	Allowed []string
}

func (p HostPolicy) allowedByName(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, a := range p.Allowed {
		if strings.ToLower(strings.TrimSuffix(a, ".")) == host {
			return true
		}
	}
	return false
}

// internalAddr reports whether an address is loopback, private (RFC 1918,
// RFC 4193) or link-local: places a staging deployment lives, not the
// internet.
func internalAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast()
}

// Check refuses a target URL whose host is not allowed: it must be http or
// https, and its host must resolve only to internal addresses unless the
// host is named in Allowed.
func (p HostPolicy) Check(ctx context.Context, target *url.URL) error {
	if target.Scheme != "http" && target.Scheme != "https" {
		return fmt.Errorf("target %q: scheme must be http or https", target.Redacted())
	}
	host := target.Hostname()
	if host == "" {
		return fmt.Errorf("target %q has no host", target.Redacted())
	}
	if p.allowedByName(host) {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !internalAddr(a) {
			return fmt.Errorf("target host %s is not a loopback or private address; name it with --allow-host %s to fuzz it", host, host)
		}
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolving target host %s: %w", host, err)
	}
	for _, a := range addrs {
		if !internalAddr(a) {
			return fmt.Errorf("target host %s resolves to %s, which is not a loopback or private address; name it with --allow-host %s to fuzz it", host, a, host)
		}
	}
	return nil
}

// dialControl re-checks the address every connection actually dials, so a
// name that resolved to a private address at start cannot be re-pointed at
// a public one mid-run (DNS rebinding). Allowed hosts skip the check.
func (p HostPolicy) dialControl(targetHost string) func(network, address string, _ syscall.RawConn) error {
	if p.allowedByName(targetHost) {
		return nil
	}
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dialing %s: %w", address, err)
		}
		if !internalAddr(ap.Addr()) {
			return fmt.Errorf("refusing to connect to %s: not a loopback or private address and %s is not named with --allow-host", ap.Addr(), targetHost)
		}
		return nil
	}
}
