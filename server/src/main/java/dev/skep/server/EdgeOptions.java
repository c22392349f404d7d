package dev.skep.server;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The router's edge flags, shared by `skep server` and `skep router`. */
final class EdgeOptions {

    @Option(names = "--https-port", defaultValue = "-1", description = "HTTPS listener (SNI certificates, h2); -1: none (default)")
    int httpsPort;

    @Option(names = "--tls-cert", description = "PEM certificate chain for HTTPS clients without a certificate of their own")
    Path tlsCert;

    @Option(names = "--tls-key", description = "the unencrypted PKCS#8 PEM key of --tls-cert")
    Path tlsKey;

    @Option(names = "--trusted-proxies", paramLabel = "CIDR[,CIDR...]",
            description = "load balancers in front of the router: their X-Forwarded-* headers are kept and extended "
                    + "(default: none, every client's are replaced)")
    String trustedProxies;

    @Option(names = "--max-connections", defaultValue = "10000", paramLabel = "N",
            description = "client connections the router holds in all, HTTP and HTTPS together (default 10000)")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", defaultValue = "256", paramLabel = "N",
            description = "client connections one IP (an IPv6 /64) may hold; --trusted-proxies are bound by "
                    + "--max-connections only (default 256)")
    int maxConnectionsPerIp;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    EdgeConfig config() {
        try {
            return new EdgeConfig(httpsPort, tlsCert, tlsKey, trustedProxies, maxConnections, maxConnectionsPerIp);
        } catch (IllegalArgumentException e) {
            throw FlagError.of(command, e);
        }
    }
}
