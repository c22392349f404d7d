package dev.skep.server;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The router's edge flags, shared by `skep server` and `skep router`. */
final class EdgeOptions {

    @Option(names = "--https-port", defaultValue = "-1", description = "HTTPS listener (SNI certificates, h2); -1: none (default)")
    int httpsPort;

    @Option(names = "--tls-cert", description = "PEM certificate chain for HTTPS clients without a certificate of their own")
    Path tlsCert;

    @Option(names = "--tls-key", description = "the unencrypted PKCS#8 PEM key of --tls-cert")
    Path tlsKey;

    EdgeConfig config() {
        return new EdgeConfig(httpsPort, tlsCert, tlsKey);
    }
}
