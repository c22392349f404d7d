package dev.skep.hosts.cloud;

import dev.skep.hosts.HostFailure;
import java.time.Duration;

/**
 * A cloud that rents servers (skep hosts create): create one, wait until it runs with a public IPv4, delete it.
 * Small on purpose: skep installs over SSH itself, so a provider only has to hand over a reachable machine.
 */
public interface CloudProvider {

    /** The provider's name, as --provider takes it. */
    String name();

    /** Asks for a server; returns the provider's id for it at once (it is not running yet). */
    String create(ServerSpec spec) throws HostFailure;

    /** Polls the server until it runs and has a public IPv4, at most {@code bound}; a failure names the last state. */
    CloudServer awaitRunning(String id, Duration bound) throws HostFailure;

    /**
     * Deletes the server (and everything the provider bills for it). One the provider no longer knows counts as
     * deleted: a retry after an earlier delete whose answer was lost (a 5xx, a timeout) must not fail.
     *
     * @return true if this call deleted it, false if it was gone already
     */
    boolean delete(String id) throws HostFailure;

    /** How a person deletes the server by hand, for a failure after create. */
    String deleteHint(String id);
}
