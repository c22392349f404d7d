package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * One request and its response, from the request head to the last response byte, on the client's
 * event loop. Life of an exchange:
 *
 * <pre>
 *  start ─> attempt ─connect ok─> sending ─request sent─> waiting ─head─> responding ─last─> finish
 *             ^  └─connect failed: eject, try another backend, then a standby (nothing was sent) ─┐
 *             └───────────────────────────────────────────────────────────────────┘
 *  waiting ─reset before any response byte, body-less idempotent request─> attempt (another backend)
 *  waiting ─backend timeout─> 504        responding ─101─> spliced (bytes both ways until one side closes)
 * </pre>
 * Backpressure: client bytes are read only while the backend is writable, backend bytes only while
 * the client is writable; both flushed once per read burst.
 * <p>
 * The steps it drives: {@link BackendPicker} (pick), {@link RequestBody} (forward the body), {@link RetryRule}
 * (retry), a {@link ResponseRelay} (respond), which calls back through {@link ResponseSink}, and after a 101 an
 * {@link UpgradeSplice}; this class keeps only the state machine. A <em>raw</em>
 * exchange (an HTTP/1.1 client, no upgrade) relays the response as bytes ({@link RawResponseRelay}), the others
 * as Netty's HTTP objects ({@link ObjectResponseRelay}).
 */
final class Exchange implements ResponseSink {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final FrontendHandler front;
    private final ChannelHandlerContext client;
    private final ProxyContext proxy;
    private final HttpRequest request;
    private final AppRoute route;
    private final String requestId;
    private final boolean replayable;
    private final boolean head;
    private final boolean raw;
    /** The connection's body step, reset for this request. */
    private final RequestBody body;
    /** The sticky cookie the client sent (already taken out of the request), or null; only for sticky apps. */
    private final String stickyKey;
    private final ResponseRelay relay;
    private final long startNanos = System.nanoTime();
    private final Set<Backend> tried = new HashSet<>(4);
    private final int maxAttempts;

    private int attempts;
    private Backend backend;
    private boolean counted;
    private Channel backendCh;
    private BackendHandler backendHandler;
    private boolean responseStarted;
    /** Set by a 101 that went through; ends when either side closes. */
    private UpgradeSplice splice;
    private boolean closeClient;
    private boolean done;

    /**
     * {@code body}: the connection's body step, reset for this request; {@code stickyKey}: the client's sticky
     * cookie, or null; {@code secure}: the client came over HTTPS.
     */
    Exchange(FrontendHandler front, ChannelHandlerContext client, ProxyContext proxy, HttpRequest request,
             AppRoute route, String requestId, RequestBody body, boolean clientKeepAlive, boolean raw,
             String stickyKey, boolean secure) {
        this.stickyKey = stickyKey;
        this.front = front;
        this.client = client;
        this.proxy = proxy;
        this.request = request;
        this.route = route;
        this.requestId = requestId;
        this.body = body;
        this.raw = raw;
        this.head = request.method().equals(HttpMethod.HEAD);
        this.closeClient = !clientKeepAlive;
        boolean upgradeRequested = ProxyHeaders.isUpgrade(request.headers());
        this.replayable = RetryRule.replayable(request, upgradeRequested);
        this.maxAttempts = RetryRule.maxAttempts(route);
        this.relay = raw ? new RawResponseRelay(this, front, client.alloc(), requestId, secure)
                : new ObjectResponseRelay(this, front, request, upgradeRequested, requestId, secure);
    }

    void start() {
        proxy.exchanges().incrementAndGet();
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        attempt(false);
    }

    // ---- choosing and connecting ----

    private void attempt(boolean afterReset) {
        Backend b = BackendPicker.pick(proxy.loads(), route, stickyKey, tried, afterReset);
        if (b == null) {
            fail(HttpResponseStatus.BAD_GATEWAY);
            return;
        }
        tried.add(b);
        attempts++;
        backend = b;
        proxy.loads().started(b);
        counted = true;
        Future<Channel> f = proxy.pool(client.channel().eventLoop(), raw).acquire(b, client.channel().eventLoop());
        if (f.isDone()) {
            connected(b, f);
        } else {
            f.addListener(x -> connected(b, f));
        }
    }

    private void connected(Backend b, Future<Channel> f) {
        if (done) {
            if (f.isSuccess()) { // unused: another exchange (perhaps one queued for this backend) can have it
                proxy.pool(client.channel().eventLoop(), raw).release(b, f.getNow());
            }
            return;
        }
        if (!f.isSuccess()) {
            uncount();
            proxy.loads().eject(b);
            log.warn("event=proxy.connect-failed app={} backend={} error=\"{}\" request={} next=\"avoided for a while\"",
                    route.app(), b, f.cause() == null ? "cancelled" : f.cause().getMessage(), requestId);
            if (attempts < maxAttempts) {
                attempt(false);
            } else {
                fail(HttpResponseStatus.BAD_GATEWAY);
            }
            return;
        }
        bind(f.getNow());
    }

    private void bind(Channel ch) {
        backendCh = ch;
        backendHandler = ch.pipeline().get(BackendHandler.class);
        backendHandler.bind(this, head);
        ch.write(request);
        if (body.complete()) { // a replay after a reset: the body-less request ends here
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT);
            startResponseTimer();
        }
        front.drain();
        if (!front.inReadBurst()) { // else at the burst's end: a bad chunk right behind the head is refused unsent
            ch.flush();
        }
        ch.read();
        front.maybeRead();
    }

    private void uncount() {
        if (counted) {
            counted = false;
            proxy.loads().finished(backend);
        }
    }

    // ---- request body, client -> backend ----

    boolean acceptsRequestContent() {
        return backendCh != null && !body.complete() && !done;
    }

    boolean wantsRequestContent() {
        return acceptsRequestContent() && backendCh.isWritable();
    }

    void requestContent(HttpContent c) {
        HttpResponseStatus refusal = body.forward(c, backendCh);
        if (refusal != null) {
            refuseBody(refusal);
        } else if (body.complete()) {
            startResponseTimer();
        }
    }

    void flushBackend() {
        if (backendCh != null) {
            backendCh.flush();
        }
    }

    void backendWritabilityChanged() {
        if (backendCh.isWritable()) {
            front.maybeRead();
        }
    }

    /**
     * The client's body broke its framing (400) or the size limit (413) mid-request: the backend connection,
     * which holds part of a request, is closed rather than finished with a terminating chunk.
     */
    private void refuseBody(HttpResponseStatus s) {
        closeClient = true;
        fail(s); // closes the backend connection, or the client's too if a response started
    }

    // ---- response, backend -> client ----

    void fromBackend(Object msg) {
        if (done && !spliced()) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof ByteBuf b && spliced()) {
            splice.fromBackend(b);
        } else {
            relay.relay(msg);
        }
    }

    @Override
    public void responseStarted() {
        responseStarted = true;
        cancelResponseTimer();
    }

    @Override
    public boolean closesClient() {
        if (!body.complete() || proxy.draining()) {
            closeClient = true;
        }
        return closeClient;
    }

    @Override
    public void closeClient() {
        closeClient = true;
    }

    @Override
    public String newStickyKey() {
        return BackendPicker.newStickyKey(route, stickyKey, backend);
    }

    @Override
    public void badResponse(String reason) {
        if (reason == null) {
            log.warn("event=proxy.unasked-upgrade app={} backend={} request={}", route.app(), backend, requestId);
        } else {
            log.warn("event=proxy.malformed-response app={} backend={} error=\"{}\" request={}", route.app(),
                    backend, reason, requestId);
        }
        fail(HttpResponseStatus.BAD_GATEWAY);
    }

    void backendReadComplete() {
        client.flush();
        if (client.channel().isWritable()) {
            backendCh.read();
        }
    }

    void clientWritable() {
        if (backendCh != null && (!done || spliced()) && backendCh.isActive()) {
            backendCh.read();
        }
        front.maybeRead();
    }

    @Override
    public void finish() {
        done = true;
        cancelResponseTimer();
        uncount();
        Channel ch = backendCh;
        backendHandler.unbind();
        if (body.complete() && relay.backendKeepAlive() && !proxy.draining()) {
            proxy.pool(client.channel().eventLoop(), raw).release(backend, ch);
        } else {
            ch.close();
        }
        end(relay.status());
        client.flush();
        front.exchangeDone(closeClient);
    }

    // ---- websocket (or other) upgrade ----

    @Override
    public void splice() {
        splice = new UpgradeSplice(client, backendCh, proxy.exchanges());
        done = true;
        cancelResponseTimer();
        front.upgraded(splice);
        record(relay.status());
        splice.start();
        front.maybeRead();
    }

    private boolean spliced() {
        return splice != null && splice.open();
    }

    // ---- failures ----

    /** The backend connection closed while this exchange owned it. */
    void backendClosed() {
        if (spliced()) {
            uncount();
            splice.end();
            front.closeAfterFlush();
            return;
        }
        if (done) {
            return;
        }
        cancelResponseTimer();
        uncount();
        boolean reused = backendHandler.reused();
        backendCh = null;
        backendHandler = null;
        if (!responseStarted) {
            if (replayable && attempts < maxAttempts) {
                log.debug("event=proxy.closed-before-answer app={} backend={} connection={} request={} next=retry",
                        route.app(), backend, reused ? "pooled" : "new", requestId);
                attempt(true);
                return;
            }
            fail(HttpResponseStatus.BAD_GATEWAY);
            return;
        }
        log.warn("event=proxy.closed-mid-response app={} backend={} request={}", route.app(), backend, requestId);
        abort();
    }

    /** The connection's response timer is armed only by the exchange on it, and disarmed by each way out. */
    private void startResponseTimer() {
        if (!front.responseTimer().armed() && !responseStarted) {
            front.responseTimer().arm(proxy.config().backendTimeout().toNanos());
        }
    }

    private void cancelResponseTimer() {
        front.responseTimer().disarm();
    }

    void timedOut() {
        if (done || responseStarted) {
            return;
        }
        log.warn("event=proxy.backend-timeout app={} backend={} timeout={} request={}", route.app(), backend,
                proxy.config().backendTimeout(), requestId);
        dropBackend();
        fail(HttpResponseStatus.GATEWAY_TIMEOUT);
    }

    private void dropBackend() {
        uncount();
        if (backendCh != null) {
            backendHandler.unbind();
            backendCh.close();
            backendCh = null;
        }
    }

    /** Answers with an error page if nothing was sent to the client yet; else cuts the connection. */
    private void fail(HttpResponseStatus s) {
        if (responseStarted) {
            abort();
            return;
        }
        done = true;
        cancelResponseTimer();
        dropBackend();
        if (!body.complete() && !RetryRule.bodyless(request)) {
            closeClient = true;
        }
        end(s.code());
        front.sendError(s, request, requestId, closeClient);
    }

    /** A response already started and cannot be completed: both connections are closed. */
    private void abort() {
        done = true;
        cancelResponseTimer();
        dropBackend();
        end(relay.status() == 0 ? 502 : relay.status());
        front.closeAfterFlush();
    }

    /** The client went away. */
    void clientClosed() {
        if (spliced()) {
            splice.end();
            uncount();
            if (backendCh != null) {
                backendCh.close();
            }
            return;
        }
        if (done) {
            return;
        }
        done = true;
        cancelResponseTimer();
        dropBackend();
        end(499);
    }

    private void end(int finalStatus) {
        proxy.exchanges().decrementAndGet();
        record(finalStatus);
    }

    private void record(int finalStatus) {
        ExchangeLog.forwarded(proxy, route, backend, request, finalStatus, relay.bytes(),
                System.nanoTime() - startNanos, requestId);
    }
}
