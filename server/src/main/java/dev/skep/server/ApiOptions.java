package dev.skep.server;

import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.ProbationSettings;
import dev.skep.deploy.release.ReleasePolicy;
import dev.skep.model.limits.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The API's flags, shared by `skep server` and `skep controller`: what an upload may be, and HTTPS. */
final class ApiOptions {

    @Option(names = "--max-upload-mb", defaultValue = "512", description = "largest compressed upload (default: ${DEFAULT-VALUE})")
    long maxUploadMb;

    @Option(names = "--max-unpacked-mb", defaultValue = "2048", description = "largest unpacked app (default: ${DEFAULT-VALUE})")
    long maxUnpackedMb;

    @Option(names = "--max-apps-per-user", defaultValue = "100", paramLabel = "N", description = "apps one user "
            + "may own; a deploy or create of one more is refused (default: ${DEFAULT-VALUE})")
    int maxAppsPerUser;

    @Option(names = "--max-entries", defaultValue = "100000", description = "most files in an upload (default: ${DEFAULT-VALUE})")
    int maxEntries;

    @Option(names = "--api-tls-cert", paramLabel = "PEM", description = "serve the API over HTTPS with this certificate (chain)")
    Path apiTlsCert;

    @Option(names = "--api-tls-key", paramLabel = "PEM", description = "the certificate's private key (PKCS#8 PEM)")
    Path apiTlsKey;

    @Option(names = "--probation", defaultValue = "10", paramLabel = "SECONDS", description = "how long a new release "
            + "is watched, serving with the old one kept warm, before it counts as released; for apps that set none "
            + "(0: off; default: ${DEFAULT-VALUE})")
    long probationSeconds;

    @Option(names = "--auto-rollback", defaultValue = "300", paramLabel = "SECONDS", description = "a release that "
            + "crash-loops within this long after going live is rolled back to the one before, with an event and an "
            + "alert (0: off; default: ${DEFAULT-VALUE})")
    long autoRollbackSeconds;

    @Option(names = "--build-memory", defaultValue = "2048", paramLabel = "MiB", description = "memory of each build "
            + "and release phase, swap included, when an app instance's is smaller (default: ${DEFAULT-VALUE} MiB)")
    long buildMemoryMib = 2048;

    @Option(names = "--verify-domains", description = "users (not admins) must prove a domain theirs before an app "
            + "claims it: a DNS TXT record _skep-challenge.DOMAIN (or at a parent) with the value skep domains add "
            + "asks for")
    boolean verifyDomains;

    @Option(names = "--dns", paramLabel = "HOST[:PORT]", description = "the DNS server asked for domain proofs "
            + "(default: the host's resolvers)")
    String dnsServer;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The API's TLS pair with the apps' limits; a bad flag (a certificate without its key) is a usage error. */
    SecurityConfig security(Supplier<ResourceLimits> limits) {
        try {
            return new SecurityConfig(tlsCert(), tlsKey(), limits.get(),
                    buildMemoryMib * ResourceLimits.MIB, verifyDomains, dnsServer, maxAppsPerUser);
        } catch (IllegalArgumentException e) {
            throw FlagError.of(command, e);
        }
    }

    UploadLimits uploadLimits() {
        return new UploadLimits(maxUploadMb << 20, maxUnpackedMb << 20, maxEntries);
    }

    /** The release windows; out of range is a usage error. */
    ReleasePolicy releases() {
        if (autoRollbackSeconds < 0) {
            String why = "--auto-rollback must be 0 (off) or more seconds, found " + autoRollbackSeconds;
            throw FlagError.of(command, why);
        }
        return new ReleasePolicy(probation(), Duration.ofSeconds(autoRollbackSeconds));
    }

    /** The default probation window; out of range is a usage error. */
    private Duration probation() {
        Duration window = Duration.ofSeconds(probationSeconds);
        if (probationSeconds < 0 || window.compareTo(ProbationSettings.MAX) > 0) {
            String why = "--probation must be 0 to " + ProbationSettings.MAX.toSeconds() + " seconds, found "
                    + probationSeconds;
            throw FlagError.of(command, why);
        }
        return window;
    }

    Path tlsCert() {
        return apiTlsCert == null ? null : apiTlsCert.toAbsolutePath();
    }

    Path tlsKey() {
        return apiTlsKey == null ? null : apiTlsKey.toAbsolutePath();
    }
}
