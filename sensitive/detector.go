package sensitive

// CredentialDetector decides whether a named value is a hard-coded
// credential and under which rule. The secret scanner is one; lint (examples
// that look like credentials), inventory (credentials in recorded response
// bodies) and the fuzzer's security oracles (credentials in answers) take
// the run's one detector through this interface.
type CredentialDetector interface {
	LooksLikeCredential(name, value string) (ruleID string, ok bool)
}
