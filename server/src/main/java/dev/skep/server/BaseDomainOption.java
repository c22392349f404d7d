package dev.skep.server;

import picocli.CommandLine.Option;

/** The domain apps answer under: one flag of `skep router` and of the API's roles (ControlPlaneOptions). */
final class BaseDomainOption {

    @Option(names = "--base-domain", defaultValue = "localhost", description = "apps answer at APP.USER.BASE (default: ${DEFAULT-VALUE})")
    String baseDomain;
}
