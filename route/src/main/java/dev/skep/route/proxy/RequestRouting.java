package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.RouterConfig;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.net.InetSocketAddress;

/**
 * The route step, after intake and before any backend is picked: decides what becomes of a request. Either an
 * answer made here (the edge's health check, a bad or unknown host, an https redirect, an app with no instance, a
 * body or an Expect the limits refuse), a hold while the app wakes, or forwarding under the app's body limit. It
 * only decides; the connection, as its {@link Outcome}, carries the decision out. Stateless: it costs a request no
 * allocation beyond the answer it makes.
 */
final class RequestRouting {

    /** What the connection does with the decision; exactly one method is called per request. */
    interface Outcome {

        /** Writes a response made here; {@code close}: the connection closes after it whatever the request asked. */
        void answer(FullHttpResponse r, HttpRequest req, String requestId, AppRoute route, boolean close);

        /**
         * The app has no ready instance yet and one is coming, or there is no table yet ({@code route} null): the
         * request (and the connection) waits for it.
         */
        void hold(HttpRequest req, AppRoute route, String host, String requestId);

        /** Goes to one of the route's backends; its body may hold {@code maxBody} bytes. */
        void forward(HttpRequest req, AppRoute route, String requestId, long maxBody);
    }

    private RequestRouting() {
    }

    /** {@code client}: the connection the request came on; {@code tls}: it came over TLS to this router. */
    static void route(HttpRequest req, String requestId, ProxyContext proxy, Channel client, boolean tls,
                      Outcome outcome) {
        RouterConfig config = proxy.config();
        String host = RequestHost.of(req);
        if (host == null) { // no Host, two of them, or a target naming another host: closed, as RFC 9112 wants
            outcome.answer(page(HttpResponseStatus.BAD_REQUEST, req, requestId, client), req, requestId, null, true);
            return;
        }
        if (RouterHealth.asks(host)) { // the edge's health check: before any app, which can never own this name
            outcome.answer(RouterHealth.response(proxy, client.alloc()), req, requestId, null,
                    !RetryRule.bodyless(req));
            return;
        }
        AppRoute route = proxy.table().lookup(host);
        if (route == null && !proxy.routing()) {
            // no table yet (a router just started, or a skep server restarting with --keep-apps while its apps run
            // on): not knowing the host is not "no such app". The request waits for the table (the router's start
            // hold), or without one gets a 503 to retry rather than a 404 to believe
            if (!config.startHold().isZero()) {
                outcome.hold(req, null, host, requestId);
                return;
            }
            outcome.answer(ErrorPages.starting(req.headers().get(HttpHeaderNames.ACCEPT), requestId, client.alloc()),
                    req, requestId, null, !RetryRule.bodyless(req));
            return;
        }
        if (route == null) {
            outcome.answer(page(HttpResponseStatus.NOT_FOUND, req, requestId, client), req, requestId, null,
                    !RetryRule.bodyless(req));
            return;
        }
        if (!tls) {
            // behind a trusted load balancer (skep edge haproxy, a cloud's) the client's port is not this router's:
            // https goes to the default port, and not at all when the balancer already took the request over https
            InetSocketAddress from = client.remoteAddress() instanceof InetSocketAddress a ? a : null;
            boolean viaProxy = from != null && config.trustedProxies().contains(from);
            FullHttpResponse redirect = viaProxy && "https".equalsIgnoreCase(
                    req.headers().get(ProxyHeaders.X_FORWARDED_PROTO)) ? null
                    : proxy.httpsRedirect().response(route, host, req.uri(), requestId, client.alloc(), viaProxy);
            if (redirect != null) {
                outcome.answer(redirect, req, requestId, route, !RetryRule.bodyless(req));
                return;
            }
        }
        if (waitsForInstance(route, proxy)) {
            outcome.hold(req, route, host, requestId);
            return;
        }
        if (route.backends().isEmpty()) {
            String accept = req.headers().get(HttpHeaderNames.ACCEPT);
            outcome.answer(route.running() ? ErrorPages.response(HttpResponseStatus.SERVICE_UNAVAILABLE, accept,
                    requestId, client.alloc()) : ErrorPages.stopped(accept, requestId, client.alloc()), req,
                    requestId, route, !RetryRule.bodyless(req));
            return;
        }
        long maxBody = route.maxBodyBytes() > 0 ? route.maxBodyBytes() : config.maxBodyBytes();
        if (HttpUtil.getContentLength(req, 0L) > maxBody) {
            outcome.answer(page(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, req, requestId, client), req, requestId,
                    route, true);
            return;
        }
        if (req.headers().contains(HttpHeaderNames.EXPECT)
                && !req.headers().contains(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true)) {
            outcome.answer(page(HttpResponseStatus.EXPECTATION_FAILED, req, requestId, client), req, requestId,
                    route, true);
            return;
        }
        outcome.forward(req, route, requestId, maxBody);
    }

    /**
     * Whether a request for this route waits for a ready instance rather than getting a 503: the app runs, has none
     * ready, and may sleep (it is woken), or has a live release and the router has only just started (its instances
     * are being re-adopted). An app whose first deploy never succeeded has nothing coming: 503 at once.
     */
    static boolean waitsForInstance(AppRoute route, ProxyContext proxy) {
        return route.backends().isEmpty() && route.running()
                && (route.idleStop() || route.released() && proxy.justStarted());
    }

    /** An error page in the form the request's Accept asks for. */
    static FullHttpResponse page(HttpResponseStatus s, HttpRequest req, String requestId, Channel client) {
        return ErrorPages.response(s, req.headers().get(HttpHeaderNames.ACCEPT), requestId, client.alloc());
    }
}
