package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import io.netty.handler.codec.http.HttpRequest;

import java.time.Instant;

/**
 * The log step: every answered request is counted in the traffic figures and, when enabled, written to the access
 * log, whether an app answered it ({@link #forwarded}) or the router did ({@link #local}).
 */
final class ExchangeLog {

    private ExchangeLog() {
    }

    /** A request that went to a backend (or was meant to: {@code backend} is null when none was reached). */
    static void forwarded(ProxyContext proxy, AppRoute route, Backend backend, HttpRequest request, int status,
                          long responseBytes, long nanos, String requestId) {
        proxy.traffic().record(route.app(), backend, status, nanos);
        AccessLog logger = proxy.accessLog();
        if (logger.enabled()) {
            logger.write(new AccessLog.Entry(Instant.now(), route.app(),
                    backend == null ? null : backend.instance(), request.method().name(), path(request), status,
                    responseBytes, nanos / 1e6, requestId));
        }
    }

    /** A response made here (an error page, a redirect); {@code route} is null when no app was found. */
    static void local(ProxyContext proxy, AppRoute route, HttpRequest req, int status, String requestId) {
        long start = System.nanoTime();
        if (route != null) {
            proxy.traffic().record(route.app(), status, System.nanoTime() - start);
        }
        AccessLog accessLog = proxy.accessLog();
        if (accessLog.enabled()) {
            accessLog.write(new AccessLog.Entry(Instant.now(), route == null ? null : route.app(), null,
                    req.method().name(), path(req), status, 0, 0, requestId));
        }
    }

    /** The request's path, its query left out of the log. */
    private static String path(HttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
