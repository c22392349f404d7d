package dev.skep.server;

import dev.skep.deploy.build.BuildJail;
import dev.skep.model.limits.ResourceLimits;
import dev.skep.route.DnsTxt;
import dev.skep.route.DomainProof;
import java.nio.file.Path;

/**
 * How `skep server` guards itself and its apps, read once at start.
 *
 * @param apiTlsCert PEM certificate (chain) for HTTPS on the API, or null for plain HTTP
 * @param apiTlsKey  its PEM (PKCS#8) key, or null
 * @param limits     what each app instance may use (install defaults)
 * @param buildMemoryFloor a build's (and release phase's) memory limit when the app's is smaller, bytes
 * @param verifyDomains    whether users must prove a domain theirs (a DNS TXT record) before an app claims it
 * @param dnsServer        the DNS server ("HOST[:PORT]") those proofs are asked of; null for the host's resolvers
 * @param maxAppsPerUser   how many apps one user may own (admins create past it for nobody: the quota is the owner's)
 */
public record SecurityConfig(Path apiTlsCert, Path apiTlsKey, ResourceLimits limits, long buildMemoryFloor,
                             boolean verifyDomains, String dnsServer, int maxAppsPerUser) {

    /** Enough for any real user; a bound on what one token can make the state hold (each app is nodes in it). */
    public static final int DEFAULT_MAX_APPS_PER_USER = 100;

    public SecurityConfig {
        if ((apiTlsCert == null) != (apiTlsKey == null)) {
            throw new IllegalArgumentException("give both --api-tls-cert and --api-tls-key, or neither");
        }
        if (maxAppsPerUser < 1) {
            throw new IllegalArgumentException("--max-apps-per-user must be >= 1, found " + maxAppsPerUser);
        }
        if (buildMemoryFloor < 64 * ResourceLimits.MIB) {
            throw new IllegalArgumentException("--build-memory must be >= 64 (MiB), found "
                    + buildMemoryFloor / ResourceLimits.MIB);
        }
    }

    public SecurityConfig(Path apiTlsCert, Path apiTlsKey, ResourceLimits limits) {
        this(apiTlsCert, apiTlsKey, limits, BuildJail.DEFAULT_MEMORY_FLOOR, false, null, DEFAULT_MAX_APPS_PER_USER);
    }

    /** Who asks DNS for users' domain proofs; null when they need none. */
    public DomainProof domainProof() {
        return verifyDomains ? new DomainProof(new DnsTxt(dnsServer)) : null;
    }

    public static SecurityConfig defaults() {
        return new SecurityConfig(null, null, ResourceLimits.defaults());
    }

    /** What one build may use: the app's limits, with at least {@link #buildMemoryFloor} of memory. */
    public ResourceLimits buildLimits() {
        return BuildJail.limitsFor(limits, buildMemoryFloor);
    }

    public boolean tls() {
        return apiTlsCert != null;
    }
}
