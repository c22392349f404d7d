package dev.skep.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values by host name, as the route table and the router's certificates look them up: exact names win, then the
 * longest wildcard ("*.example.com" matches any name under example.com, not example.com itself). Hosts are given
 * normalized (lower case, no port: {@link HostNames}). Thread-safe, lookups lock-free.
 */
public final class HostMap<V> {

    private final Map<String, V> exact = new ConcurrentHashMap<>();
    /** Keyed by the suffix with its leading dot: "*.example.com" is ".example.com". */
    private final Map<String, V> wildcard = new ConcurrentHashMap<>();

    public void put(String host, V value) {
        if (HostNames.isWildcard(host)) {
            wildcard.put(host.substring(1), value);
        } else {
            exact.put(host, value);
        }
    }

    public void remove(String host) {
        if (HostNames.isWildcard(host)) {
            wildcard.remove(host.substring(1));
        } else {
            exact.remove(host);
        }
    }

    /** The value of the host itself, else of the longest wildcard over it, else null. */
    public V get(String host) {
        V value = exact.get(host);
        if (value != null || wildcard.isEmpty()) {
            return value;
        }
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            value = wildcard.get(host.substring(dot));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return exact.isEmpty() && wildcard.isEmpty();
    }

    /** Every value, exact hosts' first (a value held under several hosts comes once each). */
    public List<V> values() {
        List<V> all = new ArrayList<>(exact.values());
        all.addAll(wildcard.values());
        return all;
    }

    /** The hosts, wildcards as "*.suffix"; sorted. */
    public List<String> hosts() {
        List<String> hosts = new ArrayList<>(exact.keySet());
        wildcard.keySet().forEach(s -> hosts.add("*" + s));
        hosts.sort(null);
        return hosts;
    }
}
