package emulator

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Region is the region every test uses.
const Region = "us-east-1"

// RoleName is the role tests assume into their account. moto accepts any
// role ARN and scopes the returned credentials to the ARN's account.
const RoleName = "golive-test"

var accountSeq atomic.Int64

func init() { accountSeq.Store(time.Now().UnixNano() % 1e9) }

// NewAccountID returns a 12-digit account ID not used before by this process.
// moto keeps separate state per account, so a test that works in its own
// account starts clean and can run in parallel with the others.
func NewAccountID() string {
	return fmt.Sprintf("7%011d", accountSeq.Add(1)%1e11)
}

// RoleARN is the role a test assumes to work in account.
func RoleARN(account string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, RoleName)
}

// BaseConfig is an SDK configuration with the emulator's static base
// credentials, which act in moto's default account.
func (s *Server) BaseConfig() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// AccountConfig is an SDK configuration acting in account, through an
// sts:AssumeRole like the provider's own assume_role block. It is the
// independent client tests read outcomes back with.
func (s *Server) AccountConfig(ctx context.Context, account string) (aws.Config, error) {
	out, err := sts.NewFromConfig(s.BaseConfig()).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(RoleARN(account)),
		RoleSessionName: aws.String("golive-test-checker"),
	})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assuming %s in the emulator: %w", RoleARN(account), err)
	}
	c := out.Credentials
	cfg := s.BaseConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(
		aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg, nil
}
