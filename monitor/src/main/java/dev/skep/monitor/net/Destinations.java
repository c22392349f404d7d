package dev.skep.monitor.net;

import dev.skep.model.net.AddressRange;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a tenant's webhook may connect: public addresses, plus the ranges an admin allowed for internal
 * receivers ({@code --webhook-allow}). Internal addresses ({@link AddressClass}) are refused when a URL is set
 * if its host is a literal one, and at every delivery after DNS resolution: the caller then connects to the very
 * address checked here, so a name that resolves elsewhere a second later (DNS rebinding) gains nothing.
 */
public final class Destinations {

    private static final Destinations TRUSTED = new Destinations(List.of(), true);

    private final List<AddressRange> allowed;
    private final boolean trusted;

    private Destinations(List<AddressRange> allowed, boolean trusted) {
        this.allowed = List.copyOf(allowed);
        this.trusted = trusted;
    }

    /** Public addresses, and internal ones only within {@code allowed}. */
    public static Destinations publicOnly(List<AddressRange> allowed) {
        return new Destinations(allowed, false);
    }

    /** Anywhere: the admin's own install-wide webhooks. */
    public static Destinations trusted() {
        return TRUSTED;
    }

    /** Parses "10.0.5.0/24,fd12::/16" as given to {@code --webhook-allow}. */
    public static Destinations publicOnly(String allowList) {
        if (allowList == null || allowList.isBlank()) {
            return publicOnly(List.of());
        }
        return publicOnly(Arrays.stream(allowList.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(AddressRange::parse).toList());
    }

    public List<AddressRange> allowed() {
        return allowed;
    }

    /** Why a connection to this address is refused, or empty when it may go ahead. */
    public Optional<String> refusal(InetAddress address) {
        if (trusted || allowed.stream().anyMatch(r -> r.contains(address))) {
            return Optional.empty();
        }
        return AddressClass.internal(address);
    }

    /**
     * For a URL being set: why its host is refused when it is written as an address (any IPv4 form, an IPv6
     * literal) or a "localhost" name; names are judged at delivery, when they are resolved.
     */
    public Optional<String> refusalOfHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return trusted ? Optional.empty() : Optional.of("loopback");
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            try {
                return refusal(InetAddress.getByName(h.substring(1, h.length() - 1))); // a literal: no lookup
            } catch (UnknownHostException e) {
                return Optional.of("not an address");
            }
        }
        if (Ipv4Text.looksNumeric(h)) {
            return Ipv4Text.parse(h).map(this::refusal).orElse(Optional.of("not an address"));
        }
        return Optional.empty();
    }

    /**
     * Resolves {@code host} and returns the first address that may be connected to.
     *
     * @throws RefusedDestination when every address it resolves to is refused
     */
    public InetAddress resolve(String host) throws UnknownHostException, RefusedDestination {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = InetAddress.getAllByName(h);
        String why = null;
        for (InetAddress address : all) {
            Optional<String> refused = refusal(address);
            if (refused.isEmpty()) {
                return address;
            }
            why = why == null ? refused.get() + " " + address.getHostAddress() : why;
        }
        throw new RefusedDestination(host, why);
    }

    @Override
    public String toString() {
        return trusted ? "trusted" : "public" + (allowed.isEmpty() ? "" : " + " + allowed);
    }
}
