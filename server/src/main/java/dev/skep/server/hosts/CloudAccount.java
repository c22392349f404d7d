package dev.skep.server.hosts;

import dev.skep.hosts.HostFailure;
import dev.skep.hosts.cloud.CloudProvider;
import dev.skep.hosts.cloud.DigitalOcean;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A provider account skep hosts create and rm talk to: the provider's name, its API token (from a file or the
 * provider's environment variable, never kept elsewhere) and its API address.
 */
final class CloudAccount {

    private CloudAccount() {
    }

    /**
     * @param tokenFile the token's file, or null for $DIGITALOCEAN_TOKEN
     * @param apiUrl    the API's address, or null for the provider's own (a local fake in tests)
     */
    static CloudProvider open(String provider, Path tokenFile, URI apiUrl, Duration poll) throws HostFailure {
        if (!"digitalocean".equals(provider.toLowerCase(Locale.ROOT))) {
            throw new HostFailure("--provider '" + provider + "' is not one skep knows: digitalocean is the only one");
        }
        String token;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new HostFailure("cannot read --token-file " + tokenFile + ": " + e.getMessage());
            }
        } else {
            token = System.getenv("DIGITALOCEAN_TOKEN");
        }
        if (token == null || token.isBlank()) {
            throw new HostFailure("no DigitalOcean API token: give --token-file FILE (a token with write scope) or set "
                    + "DIGITALOCEAN_TOKEN");
        }
        return new DigitalOcean(apiUrl != null ? apiUrl : DigitalOcean.API, token, poll);
    }
}
