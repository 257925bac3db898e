package traffic

import (
	"bytes"
	"errors"
	"fmt"
)

// Detect names the format of an input from its first bytes.
func Detect(head []byte) (Format, error) {
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf"))
	if len(trimmed) == 0 {
		return "", errors.New("empty input: no traffic to read")
	}
	if !isText(head) {
		return "", errors.New("binary input: not a traffic format specter reads (gzip is unwrapped; other compression is not)")
	}
	first := trimmed
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	first = bytes.TrimRight(first, "\r")
	switch {
	case trimmed[0] == '{' || trimmed[0] == '[':
		if bytes.Contains(head, []byte(`"resourceSpans"`)) {
			return FormatOTLP, nil
		}
		if bytes.Contains(head, []byte(`"entries"`)) && bytes.Contains(head, []byte(`"log"`)) {
			return FormatHAR, nil
		}
		if trimmed[0] == '{' {
			switch {
			case hasKeys(first, "count", "path", "method"):
				return FormatJSONL, nil
			case hasKeys(first, "httpMethod") || hasKeys(first, "routeKey") || hasKeys(first, "resourcePath"):
				return FormatAPIGateway, nil
			case hasKeys(first, "response_code") || hasKeys(first, "start_time", "method"):
				return FormatEnvoyJSON, nil
			}
		}
		if trimmed[0] == '[' && envoyLine.Match(first) {
			return FormatEnvoy, nil
		}
		return "", errors.New("JSON input that is neither HAR, OTLP, API Gateway, Envoy JSON nor an aggregated inventory; name it with --traffic-format")
	case isCSVHeader(first):
		return FormatCSV, nil
	case envoyLine.Match(first):
		return FormatEnvoy, nil
	case albLine.Match(first):
		return FormatALB, nil
	case combinedLine.Match(first):
		return FormatCombined, nil
	}
	return "", fmt.Errorf("unrecognised traffic format (first line %q); name it with --traffic-format", clip(string(first), 80))
}

func hasKeys(line []byte, keys ...string) bool {
	for _, k := range keys {
		if !bytes.Contains(line, []byte(`"`+k+`"`)) {
			return false
		}
	}
	return true
}

// isText reports whether the head looks like text: no NUL bytes and few
// control characters.
func isText(head []byte) bool {
	ctrl := 0
	for _, b := range head {
		if b == 0 {
			return false
		}
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' {
			ctrl++
		}
	}
	return ctrl*50 <= len(head)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
