package config

import "testing"

// TestConfigAcceptsIdentities: the fuzzer's identities list belongs in the
// config file; policy leaves it to fuzz/identity.ParseConfig.
func TestConfigAcceptsIdentities(t *testing.T) {
	cfg, err := ParseConfig([]byte("version: 1\nidentities:\n  - name: admin\n    headers: {Authorization: \"Bearer ${T}\"}\n"), ".specter.yaml")
	if err != nil || cfg.Version != 1 {
		t.Fatalf("ParseConfig: %v", err)
	}
	if _, err := ParseConfig([]byte("version: 1\nidentity: []\n"), ".specter.yaml"); err == nil {
		t.Error("a misspelt top-level key is still an error")
	}
}
