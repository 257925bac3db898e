package accounts

import (
	"github.com/specterhq/specter/fuzz/oracle/security"
	"github.com/specterhq/specter/rules"
)

// RulePrivilegeEscalation is the rule the escalation attempt reports when
// an account's own sign-up or update grants it a role it chose.
const RulePrivilegeEscalation = "fuzz/privilege-escalation"

// EscalationRules are the rule ids Escalate reports: its own, and the
// mass-assignment rule of the security oracles when a sign-up binds a
// server-owned field that is not a role.
func EscalationRules() []string {
	return []string{RulePrivilegeEscalation, security.RuleMassAssignment}
}

// Rules are the metadata of the rules this package owns.
func Rules() []rules.Rule {
	return []rules.Rule{{
		ID:        RulePrivilegeEscalation,
		Title:     "Client-chosen role or admin flag honoured",
		Severity:  rules.SeverityCritical,
		OWASP:     "API5:2023",
		CWE:       []string{"CWE-269", "CWE-915"},
		Precision: rules.PrecisionHigh,
		Help: "**Why it matters.** A fresh account sent a role or admin flag (`admin: true`, `role: admin`, a higher enum member) on sign-up or on an update of itself, and the API's own view of the account then showed it, while an ordinary account's did not. Anyone can sign up or update themselves into an administrator.\n\n" +
			"**How to fix.** Never take roles, permissions or admin flags from the request that creates or updates an account; grant them through a separate administrative operation that checks the caller's own role first, and ignore (or reject) unknown members.\n\n" +
			"Compliant example:\n\n" +
			"    def register(data: UserCreate):          # UserCreate has no role and no admin\n        user = User(**data.model_dump(), role=Role.CUSTOMER)\n",
	}}
}
