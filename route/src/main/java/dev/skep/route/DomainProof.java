package dev.skep.route;

import com.google.common.net.InternetDomainName;
import dev.skep.model.hash.Sha256;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Proof that a user holds a domain before one of their apps may claim it, as Google's and Vercel's domain checks
 * do: a DNS TXT record {@code _skep-challenge.NAME} with the value {@code skep-verify=TOKEN}, where NAME is the
 * domain or any parent of it down to its registrable domain (one record at {@code example.com} proves every name
 * under it) and TOKEN is the user's own. The token only says which user the zone's owner vouches for: knowing
 * another user's token gains nothing without the zone.
 */
public final class DomainProof {

    /** The label the TXT record sits under. */
    public static final String LABEL = "_skep-challenge";

    private final DnsTxt dns;

    public DomainProof(DnsTxt dns) {
        this.dns = dns;
    }

    /** The value the user's TXT record must hold. */
    public static String value(String user) {
        return "skep-verify=" + HexFormat.of().formatHex(Sha256.of("skep-domain-proof:" + user), 0, 16);
    }

    /**
     * Where a proof of {@code host} (normalized, maybe "*.name") may sit, nearest first: the name itself, then each
     * parent down to the registrable domain (by the Public Suffix List; the last two labels when it knows none).
     */
    public static List<String> recordNames(String host) {
        String bare = HostNames.isWildcard(host) ? host.substring(2) : host;
        InternetDomainName name = InternetDomainName.from(bare);
        int floor = name.isUnderPublicSuffix() ? name.topPrivateDomain().parts().size() : Math.min(2,
                name.parts().size());
        List<String> names = new ArrayList<>();
        for (InternetDomainName n = name; n.parts().size() >= floor; n = n.parent()) {
            names.add(LABEL + "." + n);
            if (!n.hasParent()) {
                break;
            }
        }
        return names;
    }

    /** Why {@code user} may not claim {@code host} yet; empty when a record proves it. */
    public Optional<String> refusal(String user, String host) {
        String wanted = value(user);
        List<String> names = recordNames(host);
        for (String name : names) {
            // a record split into several strings comes joined by spaces; the value has none
            if (dns.lookup(name).stream().anyMatch(v -> v.replace(" ", "").equals(wanted))) {
                return Optional.empty();
            }
        }
        return Optional.of("no DNS record proves that " + user + " holds " + host + ": add a TXT record "
                + names.get(names.size() - 1) + " (or " + names.get(0) + ") with the value \"" + wanted
                + "\", wait until DNS serves it, then add the domain again");
    }
}
