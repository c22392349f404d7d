package dev.skep.supervise;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out ports from a range: never one this agent already holds, and only one nobody listens
 * on (checked by binding it). Thread-safe.
 */
public final class PortAllocator {

    private final int min;
    private final int max;
    private final Set<Integer> held = new HashSet<>();
    private int next;

    public PortAllocator(int min, int max) {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("port range must be within 1-65535, found " + min + "-" + max);
        }
        this.min = min;
        this.max = max;
        this.next = min;
    }

    /**
     * A free port, now held until {@link #release}. Prefers {@code wanted} (e.g. the port an instance
     * had before the agent restarted) when it is in the range, not held and free.
     *
     * @throws IllegalStateException when every port of the range is held or busy
     */
    public synchronized int allocate(int wanted) {
        if (wanted >= min && wanted <= max && !held.contains(wanted) && isFree(wanted)) {
            held.add(wanted);
            return wanted;
        }
        int size = max - min + 1;
        for (int i = 0; i < size; i++) {
            int port = next;
            next = next == max ? min : next + 1;
            if (!held.contains(port) && isFree(port)) {
                held.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + min + "-" + max
                + ": widen the agent's port range or run fewer instances here");
    }

    public int allocate() {
        return allocate(0);
    }

    /** Marks a port held without checking it, e.g. one an adopted process listens on. */
    public synchronized void hold(int port) {
        held.add(port);
    }

    public synchronized void release(int port) {
        held.remove(port);
    }

    public synchronized boolean isHeld(int port) {
        return held.contains(port);
    }

    /** True when nothing listens on the port, on any local address. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress((InetAddress) null, port));
        } catch (IOException busy) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException busy) {
            return false;
        }
    }
}
