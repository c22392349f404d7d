package dev.skep.api;

import java.time.Duration;

/**
 * How the API listens and what it allows.
 *
 * @param maxJsonBytes cap of every JSON body
 */
public record ApiConfig(String bind, int port, long maxJsonBytes, String baseDomain, int routerPort,
                        int maxInstances, String version) {

    public static ApiConfig defaults() {
        return new ApiConfig("127.0.0.1", 9002, 64 * 1024, "localhost", 8080, 64, "0.1.0");
    }

    public ApiConfig withPort(int newPort) {
        return new ApiConfig(bind, newPort, maxJsonBytes, baseDomain, routerPort, maxInstances, version);
    }

    static final Duration IDLE = Duration.ofMinutes(10);
}
