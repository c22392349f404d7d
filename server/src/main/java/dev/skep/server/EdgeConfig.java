package dev.skep.server;

import dev.skep.route.TrustedProxies;
import java.nio.file.Path;

/**
 * The router's edge settings, read once from flags.
 *
 * @param httpsPort      HTTPS listener port, -1 for none
 * @param tlsCert        PEM certificate chain of the default certificate, or null
 * @param tlsKey         its PKCS#8 PEM key, or null
 * @param trustedProxies peers whose X-Forwarded-* headers the router keeps ("10.0.0.0/8,fd00::/8"), or null
 * @param maxConnections client connections the router holds in all
 * @param maxConnectionsPerIp client connections one IP may hold (trusted proxies: the total only)
 */
public record EdgeConfig(int httpsPort, Path tlsCert, Path tlsKey, String trustedProxies, int maxConnections,
                         int maxConnectionsPerIp) {

    public EdgeConfig {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together, found only one of them");
        }
        TrustedProxies.parse(trustedProxies); // refuses a bad range at start-up, naming it
        if (maxConnections < 1 || maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("--max-connections and --max-connections-per-ip must be > 0, found "
                    + maxConnections + " and " + maxConnectionsPerIp);
        }
    }

    public static EdgeConfig plain() {
        return new EdgeConfig(-1, null, null, null, 10_000, 256);
    }
}
