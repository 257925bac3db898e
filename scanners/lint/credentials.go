package lint

// CredentialDetector decides whether a named value is a hard-coded
// credential and under which rule; *secrets.Scanner is one.
type CredentialDetector interface {
	LooksLikeCredential(name, value string) (ruleID string, ok bool)
}
