package dev.skep.server;

import dev.skep.model.limits.ResourceLimits;
import java.nio.file.Path;

/**
 * How `skep server` guards itself and its apps, read once at start.
 *
 * @param apiTlsCert PEM certificate (chain) for HTTPS on the API, or null for plain HTTP
 * @param apiTlsKey  its PEM (PKCS#8) key, or null
 * @param limits     what each app instance may use (install defaults)
 */
public record SecurityConfig(Path apiTlsCert, Path apiTlsKey, ResourceLimits limits) {

    public SecurityConfig {
        if ((apiTlsCert == null) != (apiTlsKey == null)) {
            throw new IllegalArgumentException("give both --api-tls-cert and --api-tls-key, or neither");
        }
    }

    public static SecurityConfig defaults() {
        return new SecurityConfig(null, null, ResourceLimits.defaults());
    }

    public boolean tls() {
        return apiTlsCert != null;
    }
}
