package awsclient

import "strings"

// LedgerAccess is how the ledger table is reached when it is not beside the
// workload: in another region, or in another account through a role.
type LedgerAccess struct {
	// Region of the table. Empty: the workload's region.
	Region string
	// AssumeRole, when set, is assumed with the workload credentials to
	// reach the table's account.
	AssumeRole *AssumeRole
}

// ForLedger returns the clients that read and write the ledger. Without a
// region or role of its own the ledger shares the workload's clients.
//
// The ledger role is assumed with the workload credentials (those of the
// provider's own assume_role, when it has one), not with the credentials
// before that hop: the ledger account then trusts the accounts and roles
// that deploy, the ones modules/ledger's trusted_account_ids names, and
// whoever may deploy to an account may record what they deployed. The
// workload credentials still say who acts: the ledger's actor is their
// caller identity, read with the workload clients, never the ledger role.
func (c *Clients) ForLedger(a LedgerAccess) *Clients {
	if a.AssumeRole == nil && (a.Region == "" || a.Region == c.cfg.Region) {
		return c
	}
	cfg := c.cfg.Copy()
	if a.Region != "" {
		cfg.Region = a.Region
	}
	lc := &Clients{cfg: cfg, endpoints: c.endpoints}
	if a.AssumeRole != nil && a.AssumeRole.RoleARN != "" {
		// The STS client of the hop still holds the workload credentials.
		lc.cfg.Credentials = assumeRole(lc, *a.AssumeRole)
	}
	return lc
}

// Account is the account of the ledger role (arn:aws:iam::<account>:role/...),
// "" without one: the workload's, unknown before an STS call.
func (a LedgerAccess) Account() string {
	if a.AssumeRole == nil {
		return ""
	}
	parts := strings.SplitN(a.AssumeRole.RoleARN, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
