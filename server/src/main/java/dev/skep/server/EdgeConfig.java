package dev.skep.server;

import java.nio.file.Path;
import java.util.List;

/**
 * The router's edge settings, read once from flags.
 *
 * @param httpsPort      HTTPS listener port, -1 for none
 * @param tlsCert        PEM certificate chain of the default certificate, or null
 * @param tlsKey         its PKCS#8 PEM key, or null
 * @param trustedProxies addresses (or CIDR blocks) whose X-Forwarded-* headers are kept and appended to
 */
public record EdgeConfig(int httpsPort, Path tlsCert, Path tlsKey, List<String> trustedProxies) {

    public EdgeConfig {
        trustedProxies = List.copyOf(trustedProxies);
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together, found only one of them");
        }
    }

    public static EdgeConfig plain() {
        return new EdgeConfig(-1, null, null, List.of());
    }
}
