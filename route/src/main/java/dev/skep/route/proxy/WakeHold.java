package dev.skep.route.proxy;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's request waiting for its app to wake (see {@link WakeHolds}); what follows it on the connection
 * waits too. Made on a connection's first hold only: most connections never hold a request.
 */
final class WakeHold {

    private static final Logger log = LoggerFactory.getLogger(WakeHold.class);

    /** What a hold needs from its connection. */
    interface Connection {
        boolean closing();

        /** The request goes through routing again (and is forwarded, or held again). */
        void reroute(HttpRequest req);

        /** Writes a response made here (an error page), counted and logged. */
        void answer(FullHttpResponse r, HttpRequest req, String requestId, AppRoute route, boolean close);
    }

    private final ProxyContext proxy;
    private final ChannelHandlerContext ctx;
    private final Connection connection;
    private final LazyTimer timer;
    private HttpRequest held;
    private WakeHolds.Held token;
    private AppId app;
    private long deadline;
    /** The request {@link #deadline} counts for: a request held again after a resume keeps its first deadline. */
    private HttpRequest deadlineOf;
    /** Held because the router has just started, not for a wake: at the deadline it gets a 503, not a 504. */
    private boolean startHold;

    WakeHold(ProxyContext proxy, ChannelHandlerContext ctx, Connection connection) {
        this.proxy = proxy;
        this.ctx = ctx;
        this.connection = connection;
        this.timer = new LazyTimer(ctx.executor(), this::timedOut);
    }

    boolean holding() {
        return held != null;
    }

    /**
     * The app has no ready instance and one is coming (it may sleep, or the router has just started), or the router
     * has no table yet ({@code route} null): the request waits (unread body and all) until a table gives it one, then
     * runs as any request; a sleeping app is asked to wake. Past the bound: 504 for a wake, 503 for a start; beyond
     * the queue: 503 with Retry-After. Called again on every resume, keeping the first deadline.
     */
    void hold(HttpRequest req, AppRoute route, String host, String requestId) {
        if (route != null && route.sleeping()) {
            proxy.wakeHolds().askWake(route.app());
        }
        WakeHolds holds = proxy.wakeHolds();
        if (deadlineOf != req) {
            deadlineOf = req;
            startHold = route == null || !route.idleStop();
            deadline = System.nanoTime() + (startHold ? proxy.config().startHold() : holds.holdFor()).toNanos();
            req.headers().set(ProxyHeaders.X_REQUEST_ID, requestId); // the same id when it goes on, or times out
        }
        WakeHolds.Held t = () -> ctx.executor().execute(this::resume);
        if (route == null ? !holds.holdUntilTable(t) : !holds.hold(route.app(), t)) {
            held = null;
            String accept = req.headers().get(HttpHeaderNames.ACCEPT);
            connection.answer(ErrorPages.wakeQueueFull(accept, requestId, ctx.alloc(), 2), req, requestId, route,
                    !RetryRule.bodyless(req));
            return;
        }
        held = req;
        token = t;
        app = route == null ? null : route.app();
        long left = deadline - System.nanoTime();
        timer.arm(Math.max(left, 1));
        // the table may have changed between the lookup and the hold: look again, or wait for the next change
        boolean stillWaits = route == null ? !proxy.routing()
                : proxy.table().lookup(host) instanceof AppRoute now && RequestRouting.waitsForInstance(now, proxy);
        if (!stillWaits && releaseHeld()) {
            resume();
        }
    }

    /** Takes the held request out of its queue; false when it was resumed meanwhile. */
    private boolean releaseHeld() {
        WakeHolds holds = proxy.wakeHolds();
        return app == null ? holds.releaseUntilTable(token) : holds.release(app, token);
    }

    /** On this loop: the held request goes through routing again. */
    private void resume() {
        HttpRequest req = held;
        if (req == null || connection.closing()) {
            return;
        }
        held = null;
        token = null;
        app = null;
        timer.disarm();
        connection.reroute(req);
    }

    private void timedOut() {
        HttpRequest req = held;
        if (req == null || System.nanoTime() - deadline < 0) {
            return;
        }
        AppId a = app;
        boolean mine = releaseHeld();
        held = null;
        token = null;
        app = null;
        if (!mine || connection.closing()) {
            return; // resumed meanwhile: its resume task runs next and finds nothing held
        }
        String requestId = ProxyHeaders.requestId(req.headers().get(ProxyHeaders.X_REQUEST_ID));
        String accept = req.headers().get(HttpHeaderNames.ACCEPT);
        AppRoute route = proxy.table().lookup(RequestHost.of(req));
        if (startHold) { // waited the router's start out: the 503 it would have had at once, with Retry-After
            log.info("event=router.start-hold-timeout app={} held_ms={} next=\"{}\"", a,
                    proxy.config().startHold().toMillis(), a == null ? "the router has no table yet: see its "
                    + "connection to ZooKeeper" : "the app has no ready instance yet: see skep ps");
            connection.answer(proxy.routing() ? ErrorPages.response(HttpResponseStatus.SERVICE_UNAVAILABLE, accept,
                    requestId, ctx.alloc()) : ErrorPages.starting(accept, requestId, ctx.alloc()), req, requestId,
                    route, !RetryRule.bodyless(req));
            return;
        }
        log.warn("event=router.wake-timeout app={} held_ms={} next=\"the app did not get a ready instance in "
                + "time; see skep logs and skep ps\"", a, proxy.wakeHolds().holdFor().toMillis());
        connection.answer(ErrorPages.wakeTimedOut(accept, requestId, ctx.alloc()), req, requestId, route,
                !RetryRule.bodyless(req));
    }

    /** The connection closed while a request was held: it leaves the app's queue. */
    void release() {
        if (held != null) {
            releaseHeld();
            ReferenceCountUtil.release(held);
            held = null;
            token = null;
            app = null;
        }
        timer.stop();
    }
}
