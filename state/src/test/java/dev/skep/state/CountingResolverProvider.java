package dev.skep.state;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * The JDK's own resolver, noting the thread of every reverse lookup (address to name): what a host whose DNS
 * does not answer waits for. Installed for this module's tests by META-INF/services.
 */
public final class CountingResolverProvider extends InetAddressResolverProvider {

    /** The names of the threads that looked an address up, in order. */
    static final Queue<String> REVERSE_LOOKUPS = new ConcurrentLinkedQueue<>();

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                REVERSE_LOOKUPS.add(Thread.currentThread().getName());
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "skep-test-counting";
    }
}
