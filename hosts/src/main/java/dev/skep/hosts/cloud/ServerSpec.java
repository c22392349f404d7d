package dev.skep.hosts.cloud;

import java.util.Objects;

/**
 * The server skep hosts create asks for, in the provider's own words.
 *
 * @param sshKey   the fingerprint (or id) of an SSH key already uploaded to the provider, put in the login's
 *                 authorized_keys
 * @param userData a cloud-init script run at first boot
 */
public record ServerSpec(String name, String region, String size, String image, String sshKey, String userData) {

    public ServerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(sshKey, "sshKey");
    }
}
