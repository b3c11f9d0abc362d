package provider_test

import "fmt"

// accountBadInputs are the provider's ledger block and account guards.
func accountBadInputs(e *testEnv) []badInput {
	role := fmt.Sprintf("  assume_role {\n    role_arn = %q\n  }\n", "arn:aws:iam::"+e.account+":role/golive-test")
	ledger := func(body string) string { return e.providerWith(role + "  ledger {\n" + body + "\n  }") }
	return []badInput{
		{name: "provider ledger_table beside a ledger block", provider: e.providerWith(role + "  ledger_table = \"golive-ledger\"\n  ledger {\n    region = \"us-east-1\"\n  }"),
			config: validEnvironment, attr: `ledger_table = "golive-ledger"`, fix: `Move the table name into the ledger block \(ledger \{ table = "..." \}\) and remove ledger_table`},
		{name: "provider two ledger blocks", provider: e.providerWith(role + "  ledger {\n    region = \"us-east-1\"\n  }\n  ledger {\n    region = \"eu-west-1\"\n  }"),
			config: validEnvironment, attr: `Attribute ledger list`, fix: `must contain at most 1 elements?`},
		{name: "provider ledger block table with a space", provider: ledger(`    table = "golive ledger"`), config: validEnvironment,
			attr: `Attribute ledger\[0\]\.table`, fix: `must be 3-255 letters, digits, '_', '-' or '.'`},
		{name: "provider ledger region with spaces", provider: ledger(`    region = "us east 1"`), config: validEnvironment,
			attr: `Attribute ledger\[0\]\.region`, fix: `must be an AWS region code such as us-east-1`},
		{name: "provider ledger role_arn of a user", provider: ledger("    assume_role {\n      role_arn = \"arn:aws:iam::111111111111:user/ledger\"\n    }"), config: validEnvironment,
			attr: `Attribute ledger\[0\]\.assume_role\[0\]\.role_arn`, fix: `must be an IAM role ARN such as arn:aws:iam::111111111111:role/deployer`},
		{name: "provider ledger role duration longer than a chained session", provider: ledger("    assume_role {\n      role_arn = \"arn:aws:iam::111111111111:role/golive-ledger\"\n      duration = \"2h\"\n    }"),
			config: validEnvironment, attr: `ledger\[0\]\.assume_role\[0\]\.duration: 2h`, fix: `is outside 15m0s to 1h0m0s`},
		{name: "provider allowed and forbidden account ids", provider: e.providerWith(role + "  allowed_account_ids = [\"111111111111\"]\n  forbidden_account_ids = [\"222222222222\"]"),
			config: validEnvironment, attr: `Attribute "allowed_account_ids"`, fix: `cannot be specified when "forbidden_account_ids" is specified`},
		{name: "provider allowed account id of 11 digits", provider: e.providerWith(role + "  allowed_account_ids = [\"11111111111\"]"), config: validEnvironment,
			attr: `Attribute allowed_account_ids\[Value\("11111111111"\)\]`, fix: `must be a 12-digit AWS account ID such as 111111111111`},
		{name: "provider ledger role known only after apply", provider: ledger("    assume_role {\n      role_arn = terraform_data.ledger_role.output\n    }"),
			config: validEnvironment + "resource \"terraform_data\" \"ledger_role\" {\n  input = \"arn:aws:iam::111111111111:role/golive-ledger\"\n}\n",
			attr:   `ledger settings unknown at plan`, fix: `Give these settings values known before apply`},
		{name: "provider empty forbidden_account_ids", provider: e.providerWith(role + "  forbidden_account_ids = []"), config: validEnvironment,
			attr: `Attribute forbidden_account_ids set`, fix: `must contain at least 1 elements?`},
	}
}
