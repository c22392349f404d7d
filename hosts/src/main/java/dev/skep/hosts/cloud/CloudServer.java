package dev.skep.hosts.cloud;

/** A server as the provider reports it: its id, state, and public IPv4 (null until it has one). */
public record CloudServer(String id, String status, String publicIpv4) {
}
