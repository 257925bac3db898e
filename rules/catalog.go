package rules

// Builtin returns the catalog of every rule specter's scanners can emit.
func Builtin() (*Catalog, error) {
	var all []Rule
	secrets, err := secretRules()
	if err != nil {
		return nil, err
	}
	all = append(all, secrets...)
	all = append(all, inventoryRules()...)
	all = append(all, LintRules()...)
	all = append(all, fuzzRules()...)
	all = append(all, fuzzSecurityRules()...)
	return NewCatalog(all...)
}
