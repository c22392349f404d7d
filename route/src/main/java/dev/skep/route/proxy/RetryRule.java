package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The retry step's rule: which requests may be sent again after a backend closed before answering, and how many
 * attempts an exchange makes. A request is replayed only when nothing of it can have had an effect twice.
 */
final class RetryRule {

    private RetryRule() {
    }

    static boolean bodyless(HttpRequest r) {
        return !HttpUtil.isTransferEncodingChunked(r) && HttpUtil.getContentLength(r, 0L) == 0;
    }

    static boolean idempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
    }

    /** Body-less, idempotent and no upgrade: safe to send to another backend after a reset. */
    static boolean replayable(HttpRequest r, boolean upgradeRequested) {
        return bodyless(r) && idempotent(r.method()) && !upgradeRequested;
    }

    /** Every serving and standing-by instance once, plus one retry on a stale keep-alive; never more than 4. */
    static int maxAttempts(AppRoute route) {
        return Math.min(route.backends().size() + route.standby().size() + 1, 4);
    }
}
