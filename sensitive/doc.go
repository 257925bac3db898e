// Package sensitive is specter's one library of what counts as a secret or
// as personal data, shared by the secret scanner, lint, inventory and the
// fuzzer's oracles:
//
//   - names: which field, header, query and auth parameter names hold
//     credentials (NormalizeName, IsCredentialName, IsCredentialHeader, ...);
//   - placeholders: values that only stand for a secret (IsPlaceholder);
//   - value shapes: provider key formats recognised whatever the field is
//     called (LooksLikeProviderKey; a new shape goes into providerKey in
//     shapes.go with its marker in providerMarkers, an AI provider's into
//     AIKeyShapes in aikeys.go, which the secret scanner also runs as
//     gitleaks rules);
//   - personal data: payment cards with one Luhn check (IsCard, MaskCard),
//     US social security numbers (ValidSSN, SSNName, SSNNearby);
//   - redaction: what of a secret may be shown (Redact, RedactedPrefix);
//   - CredentialDetector, the interface through which the run's one secret
//     detector is handed to whoever needs it.
//
// It holds no state and compiles a handful of regular expressions; the
// gitleaks rules stay in scanners/secrets.
package sensitive
