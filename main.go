// Command terraform-provider-golive serves the golive Terraform provider.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/golive-dev/terraform-provider-golive/internal/provider"
	"github.com/golive-dev/terraform-provider-golive/internal/server"

	// Deploy windows name IANA time zones; embed the database so they
	// resolve on hosts without one (scratch images, Windows runners).
	_ "time/tzdata"
)

// version is set by goreleaser.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider for a debugger (delve)")
	flag.Parse()
	if err := serve(debug); err != nil {
		log.Fatal(err)
	}
}

func serve(debug bool) error {
	server.QuietLogsUnlessAsked()
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if dir := os.Getenv(server.ProfileDirEnv); dir != "" {
		stop, err := server.StartProfiles(dir)
		if err != nil {
			return err
		}
		defer func() {
			if err := stop(); err != nil {
				log.Print(err)
			}
		}()
	}
	// The framework's protocol server, wrapped so that it lets go of the
	// requests it served (internal/server explains why).
	framework := providerserver.NewProtocol6(provider.New(version)())
	return tf6server.Serve("registry.terraform.io/golive-dev/golive", func() tfprotov6.ProviderServer {
		return server.ReleaseContexts(framework(), server.DefaultReleaseEvery)
	}, opts...)
}
