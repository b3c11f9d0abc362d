// Command terraform-provider-golive serves the golive Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/golive-dev/terraform-provider-golive/internal/provider"

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
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/golive-dev/golive",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
