package policy

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestCheckKey(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		wantErr string // "" means valid; otherwise a substring of the error
	}{
		{"upper snake", "LOG_LEVEL", ""},
		{"dotted", "db.url", ""},
		{"dashed", "a-b", ""},
		{"single char", "x", ""},
		{"digits", "123", ""},
		{"mixed", "Api_Key.v2-beta", ""},
		{"contains aws not as prefix", "MY_AWS_REGION", ""},
		{"starts like aws but is not", "awe", ""},
		{"starts like ssm but is not", "sms_token", ""},
		{"max length", strings.Repeat("k", MaxKeyLength), ""},
		{"empty", "", "key is empty"},
		{"too long", strings.Repeat("k", MaxKeyLength+1), "is longer than 128 characters"},
		{"too long and bad chars: length first", strings.Repeat("/", MaxKeyLength+1), "is longer than 128 characters"},
		{"slash", "A/B", `key "A/B" may contain only letters, digits, '_', '.' and '-'`},
		{"space", "A B", `key "A B" may contain only letters`},
		{"trailing newline", "A\n", "may contain only letters"},
		{"colon", "a:b", "may contain only letters"},
		{"non-ASCII letter", "schlüssel", "may contain only letters"},
		{"reserved aws_ prefix", "aws_x", `key "aws_x" may not begin with "aws" or "ssm"`},
		{"reserved AWS prefix any case", "AWS_REGION", `may not begin with "aws" or "ssm"`},
		{"reserved aws_ prefix, lower case", "aws_region", `key "aws_region" may not begin with "aws" or "ssm"`},
		{"reserved bare aws", "aws", `may not begin with "aws" or "ssm"`},
		{"reserved SSM prefix", "SSMfoo", `key "SSMfoo" may not begin with "aws" or "ssm"`},
		{"reserved ssm prefix", "ssm.param", `may not begin with "aws" or "ssm"`},
		{"reserved mixed case", "AwS1", `may not begin with "aws" or "ssm"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckKey(tc.key)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckKey(%q) = %v, want nil", tc.key, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckKey(%q) = nil, want error containing %q", tc.key, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("CheckKey(%q) = %q, want it to contain %q", tc.key, err, tc.wantErr)
			}
		})
	}
}

func TestMissingKeys(t *testing.T) {
	tests := []struct {
		name           string
		source, target []string
		want           []string // nil: nothing missing (MissingKeys returns nil then)
	}{
		{"sorted result", []string{"C", "A", "B"}, []string{"B"}, []string{"A", "C"}},
		{"all missing, sorted", []string{"z", "b", "a"}, nil, []string{"a", "b", "z"}},
		{"case sensitive", []string{"key", "KEY"}, []string{"KEY"}, []string{"key"}},
		{"byte order: upper before lower", []string{"b", "B", "a"}, []string{}, []string{"B", "a", "b"}},
		{"target has extras", []string{"A"}, []string{"A", "B", "C"}, nil},
		{"none missing", []string{"A", "B"}, []string{"B", "A"}, nil},
		{"nil source", nil, []string{"A"}, nil},
		{"both nil", nil, nil, nil},
		{"both empty", []string{}, []string{}, nil},
		{"repeated source key listed once", []string{"A", "A"}, nil, []string{"A"}},
		{"repeated missing keys among present ones", []string{"B", "A", "B", "C", "A"}, []string{"C"}, []string{"A", "B"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var srcCopy []string
			if tc.source != nil {
				srcCopy = append([]string{}, tc.source...)
			}
			got := MissingKeys(tc.source, tc.target)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("MissingKeys(%q, %q) = %#v, want %#v", tc.source, tc.target, got, tc.want)
			}
			if !reflect.DeepEqual(tc.source, srcCopy) {
				t.Errorf("MissingKeys modified its source: %q, was %q", tc.source, srcCopy)
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"word", "shop", true},
		{"with dash and digit", "prod-2", true},
		{"single letter", "a", true},
		{"starts with digit", "0day", true},
		{"digits only", "42", true},
		{"40 chars", strings.Repeat("a", 40), true},
		{"41 chars", strings.Repeat("a", 41), false},
		{"empty", "", false},
		{"upper case", "Shop", false},
		{"leading dash", "-x", false},
		{"trailing dash", "prod-", false},
		{"only a dash", "-", false},
		{"40 chars ending in a dash", strings.Repeat("a", 39) + "-", false},
		{"inner double dash", "a--b", true},
		{"two chars", "a1", true},
		{"underscore", "my_app", false},
		{"dot", "my.app", false},
		{"space", "my app", false},
		{"slash", "a/b", false},
		{"trailing newline", "shop\n", false},
		{"non-ASCII", "café", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckName(tc.in)
			if tc.ok {
				if err != nil {
					t.Fatalf("CheckName(%q) = %v, want nil", tc.in, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckName(%q) = nil, want error", tc.in)
			}
			want := fmt.Sprintf("%q must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit", tc.in)
			if !strings.Contains(err.Error(), want) {
				t.Errorf("CheckName(%q) = %q, want it to contain %q", tc.in, err, want)
			}
		})
	}
}

func TestEnumLists(t *testing.T) {
	if want := []string{"development", "staging", "production"}; !reflect.DeepEqual(Tiers, want) {
		t.Errorf("Tiers = %q, want %q", Tiers, want)
	}
	if want := []string{"off", "warn", "strict"}; !reflect.DeepEqual(ParityModes, want) {
		t.Errorf("ParityModes = %q, want %q", ParityModes, want)
	}
}
