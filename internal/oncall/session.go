// Package oncall is the `golive` command's work: what is live in an
// environment (weights read from AWS now, not from the ledger), what changed,
// the DORA figures, breaking a stuck lock, and the release report. It reads
// the same ledger as the provider, reached the same way: the aws-sdk-go-v2
// configuration chain, with the ledger optionally in another account and
// region.
package oncall

import (
	"context"
	"fmt"
	"time"

	"github.com/golive-dev/terraform-provider-golive/internal/awsclient"
	"github.com/golive-dev/terraform-provider-golive/internal/ledger"
)

// Config is how the command reaches AWS: the provider's settings, as flags.
type Config struct {
	Region  string // default: the SDK chain's (AWS_REGION, the profile)
	Profile string // default: the SDK chain's (AWS_PROFILE)
	// LedgerTable is the ledger's DynamoDB table; default golive-ledger.
	LedgerTable string
	// LedgerRegion is the ledger table's region; default Region.
	LedgerRegion string
	// LedgerRoleARN, when set, is assumed with the caller's credentials to
	// read and write the ledger, as the provider's ledger { assume_role }.
	LedgerRoleARN string
}

// The command is interactive: a broken endpoint should fail within
// seconds, not after the provider's patient retries.
const (
	cliMaxAttempts = 5
	cliMaxBackoff  = 5 * time.Second
)

// Session is what every command works with: the ledger, and the workload
// credentials that read routers and say who the caller is.
type Session struct {
	Ledger *ledger.Ledger
	AWS    *awsclient.Clients
	Now    func() time.Time
}

// Open resolves credentials and regions. It makes no network call.
func Open(ctx context.Context, c Config) (*Session, error) {
	base := awsclient.Config{Region: c.Region, Profile: c.Profile, MaxAttempts: cliMaxAttempts, MaxBackoff: cliMaxBackoff, UserAgent: "golive-cli"}
	workload, err := awsclient.New(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("configuring AWS for golive (--region or AWS_REGION, --profile or AWS_PROFILE): %w", err)
	}
	table := c.LedgerTable
	if table == "" {
		table = ledger.DefaultTable
	}
	access := awsclient.LedgerAccess{Region: c.LedgerRegion}
	if c.LedgerRoleARN != "" {
		access.AssumeRole = &awsclient.AssumeRole{RoleARN: c.LedgerRoleARN, SessionName: "golive-cli", Setting: "--ledger-role-arn, assumed with the caller's credentials"}
	}
	ledgerClients := workload.ForLedger(access)
	return &Session{
		Ledger: ledger.New(ledgerClients.DynamoDB(), table, ledgerClients.Region(), ledger.InAccount(access.Account())),
		AWS:    workload,
		Now:    time.Now,
	}, nil
}
