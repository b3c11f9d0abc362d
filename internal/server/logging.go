package server

import "os"

// logLevelEnv are the variables that ask for the provider's logs: Terraform
// records a provider's log lines only under TF_LOG or TF_LOG_PROVIDER, and
// the plugin SDK sets the level of its own loggers from the others.
var logLevelEnv = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_GOLIVE",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
}

// quietEnv turn the plugin SDK's loggers off.
var quietEnv = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_GOLIVE"}

// QuietLogsUnlessAsked turns the provider's logging off when nobody asked
// for logs. The plugin SDK logs at TRACE unless told otherwise: every
// request of a plan writes dozens of JSON lines to stderr, which Terraform
// parses only to discard when TF_LOG is unset. Set before the server
// starts; any of logLevelEnv set leaves logging as asked.
func QuietLogsUnlessAsked() {
	for _, v := range logLevelEnv {
		if os.Getenv(v) != "" {
			return
		}
	}
	for _, v := range quietEnv {
		_ = os.Setenv(v, "OFF")
	}
}
