package dev.skep.route;

import com.google.common.net.InternetDomainName;
import java.util.Optional;

/**
 * Names no one app may claim, by the Public Suffix List (Guava's copy): a public suffix itself (com, co.uk,
 * github.io) or a wildcard at one ({@code *.com} would take every site under com). A top-level domain the
 * list does not know ({@code *.test}, {@code *.internal}) counts as one.
 */
final class PublicSuffixes {

    private PublicSuffixes() {
    }

    /** Why {@code host} (normalized, maybe "*.name") may not be claimed; empty when it may. */
    static Optional<String> refusal(String host) {
        boolean wildcard = HostNames.isWildcard(host);
        String bare = wildcard ? host.substring(2) : host;
        InternetDomainName name;
        try {
            name = InternetDomainName.from(bare);
        } catch (IllegalArgumentException e) {
            return Optional.of(host + " is not a domain name: " + e.getMessage());
        }
        if (name.isPublicSuffix()) {
            return Optional.of(host + (wildcard ? " covers" : " is") + " the public suffix " + bare
                    + ", shared by many owners; claim a name under it, such as " + (wildcard ? "*." : "")
                    + "yours." + bare);
        }
        if (wildcard && !name.hasPublicSuffix() && name.parts().size() < 2) {
            return Optional.of(host + " covers the whole top-level domain " + bare
                    + "; claim a name under it, such as *.yours." + bare);
        }
        return Optional.empty();
    }
}
