// Above 450 lines on purpose: what is left here is the exchange's state machine (attempting, sending, waiting,
// responding, spliced, done) over fields every transition reads; the stateless steps are BackendPicker (pick),
// RetryRule (retry) and ResponseFraming (respond). The object and raw response relays are the next to go
// (issue 11 §1), once they can take a sink interface instead of these fields.
package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
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
 * A <em>raw</em> exchange (an HTTP/1.1 client, no upgrade) reads the response with {@link ResponseReader}
 * and writes it on as bytes, only its head rewritten; the others read and write Netty's HTTP objects.
 */
final class Exchange {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final FrontendHandler front;
    private final ChannelHandlerContext client;
    private final ProxyContext proxy;
    private final HttpRequest request;
    private final AppRoute route;
    private final String requestId;
    private final String path;
    private final boolean replayable;
    private final boolean upgradeRequested;
    private final boolean http10;
    private final boolean head;
    private final boolean raw;
    private final long maxBody;
    /** The sticky cookie the client sent (already taken out of the request), or null; only for sticky apps. */
    private final String stickyKey;
    /** The client came over HTTPS (here or at a trusted proxy): a sticky cookie set is Secure. */
    private final boolean secure;
    private final long startNanos = System.nanoTime();
    private final Set<Backend> tried = new HashSet<>(4);
    private final int maxAttempts;

    private int attempts;
    private Backend backend;
    private boolean counted;
    private Channel backendCh;
    private BackendHandler backendHandler;
    private boolean requestComplete;
    private long requestBytes;
    private boolean responseStarted;
    private boolean informational;
    private boolean switching;
    private boolean spliced;
    private boolean backendKeepAlive;
    /** A raw body that ends with the backend's close, sent on to the client in chunks. */
    private boolean rechunk;
    private boolean closeClient;
    private int status;
    private long responseBytes;
    private boolean done;
    private boolean responseTimerArmed;

    Exchange(FrontendHandler front, ChannelHandlerContext client, ProxyContext proxy, HttpRequest request,
             AppRoute route, String requestId, long maxBody, boolean clientKeepAlive, boolean raw) {
        this(front, client, proxy, request, route, requestId, maxBody, clientKeepAlive, raw, null, false);
    }

    Exchange(FrontendHandler front, ChannelHandlerContext client, ProxyContext proxy, HttpRequest request,
             AppRoute route, String requestId, long maxBody, boolean clientKeepAlive, boolean raw, String stickyKey,
             boolean secure) {
        this.stickyKey = stickyKey;
        this.secure = secure;
        this.front = front;
        this.client = client;
        this.proxy = proxy;
        this.request = request;
        this.route = route;
        this.requestId = requestId;
        this.maxBody = maxBody;
        this.raw = raw;
        this.path = pathOf(request.uri());
        this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.head = request.method().equals(HttpMethod.HEAD);
        this.closeClient = !clientKeepAlive;
        this.upgradeRequested = ProxyHeaders.isUpgrade(request.headers());
        this.replayable = RetryRule.replayable(request, upgradeRequested);
        this.maxAttempts = RetryRule.maxAttempts(route);
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
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
        ChannelFuture f = proxy.pool(client.channel().eventLoop(), raw).acquire(b, client.channel().eventLoop());
        if (f.isDone()) {
            connected(b, f);
        } else {
            f.addListener(x -> connected(b, (ChannelFuture) x));
        }
    }

    /** The cookie value to set on this response, or null: the app is not sticky, or the client's cookie holds. */
    private String newStickyKey() {
        return BackendPicker.newStickyKey(route, stickyKey, backend);
    }

    private void addStickyCookie(HttpResponse r) {
        String key = newStickyKey();
        if (key != null) {
            r.headers().add(HttpHeaderNames.SET_COOKIE, StickyCookie.setCookie(key, secure));
            r.headers().add(HttpHeaderNames.CACHE_CONTROL, StickyCookie.CACHE_CONTROL);
        }
    }

    private void connected(Backend b, ChannelFuture f) {
        if (done) {
            if (f.isSuccess()) {
                f.channel().close();
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
        bind(f.channel());
    }

    private void bind(Channel ch) {
        backendCh = ch;
        backendHandler = ch.pipeline().get(BackendHandler.class);
        backendHandler.bind(this, head);
        ch.write(request);
        if (requestComplete) { // a replay after a reset: the body-less request ends here
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
        return backendCh != null && !requestComplete && !done;
    }

    boolean wantsRequestContent() {
        return acceptsRequestContent() && backendCh.isWritable();
    }

    void requestContent(HttpContent c) {
        if (c.decoderResult().isFailure()) { // a bad chunk size or trailer: the body's framing is unknown
            c.release();
            badBody();
            return;
        }
        requestBytes += c.content().readableBytes();
        if (requestBytes > maxBody) {
            c.release();
            tooLarge();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        backendCh.write(c, backendCh.voidPromise());
        if (last) {
            requestComplete = true;
            startResponseTimer();
        }
    }

    void relayFromClient(ByteBuf buf) {
        if (backendCh != null && backendCh.isActive()) {
            backendCh.write(buf, backendCh.voidPromise());
        } else {
            buf.release();
        }
    }

    void flushBackend() {
        if (backendCh != null) {
            backendCh.flush();
        }
    }

    boolean backendWritable() {
        return backendCh != null && backendCh.isWritable();
    }

    void backendWritabilityChanged() {
        if (backendCh.isWritable()) {
            front.maybeRead();
        }
    }

    /**
     * The client's body framing broke mid-request: the backend connection, which holds part of a
     * request, is closed rather than finished with a terminating chunk, and the client gets 400.
     */
    private void badBody() {
        closeClient = true;
        if (responseStarted) {
            abort();
        } else {
            dropBackend();
            fail(HttpResponseStatus.BAD_REQUEST);
        }
    }

    private void tooLarge() {
        closeClient = true;
        if (responseStarted) {
            abort();
        } else {
            dropBackend();
            fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        }
    }

    // ---- response, backend -> client ----

    void fromBackend(Object msg) {
        if (done && !spliced) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (raw) {
            fromBackendRaw(msg);
        } else if (msg instanceof HttpResponse r) {
            responseHead(r);
        } else if (msg instanceof HttpContent c) {
            responseContent(c);
        } else if (msg instanceof ByteBuf b && spliced) {
            front.write(b);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void responseHead(HttpResponse r) {
        responseStarted = true;
        cancelResponseTimer();
        int code = r.status().code();
        if (code == 101 && upgradeRequested) {
            switching = true;
            status = code;
            ProxyHeaders.forResponse(r.headers(), true, requestId);
            addStickyCookie(r);
            front.write(r);
            return;
        }
        if (code >= 100 && code < 200) {
            informational = true;
            ProxyHeaders.forResponse(r.headers(), false, requestId);
            front.write(r);
            return;
        }
        status = code;
        backendKeepAlive = HttpUtil.isKeepAlive(r);
        ProxyHeaders.forResponse(r.headers(), false, requestId);
        addStickyCookie(r);
        frame(r);
        front.write(r);
    }

    private void fromBackendRaw(Object msg) {
        if (msg instanceof ByteBuf body) {
            responseBytes += body.readableBytes();
            front.writeRaw(rechunk ? RawResponse.chunk(client.alloc(), body) : body);
        } else if (msg instanceof RawResponse.Head h) {
            rawHead(h);
        } else if (msg == RawResponse.END) {
            if (rechunk) {
                front.writeRaw(RawResponse.lastChunk(client.alloc()));
            }
            finish();
        } else if (msg instanceof RawResponse.Malformed m) {
            log.warn("event=proxy.malformed-response app={} backend={} error=\"{}\" request={}", route.app(), backend,
                    m.reason(), requestId);
            fail(HttpResponseStatus.BAD_GATEWAY);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void rawHead(RawResponse.Head h) {
        try {
            if (h.status == 101) { // never asked for: raw exchanges carry no upgrade
                log.warn("event=proxy.unasked-upgrade app={} backend={} request={}", route.app(), backend, requestId);
                fail(HttpResponseStatus.BAD_GATEWAY);
                return;
            }
            responseStarted = true;
            cancelResponseTimer();
            if (h.informational()) { // 100 Continue, 103 Early Hints: the final head follows
                front.writeRaw(h.encode(client.alloc(), requestId, false));
                return;
            }
            status = h.status;
            backendKeepAlive = h.keepAlive;
            rechunk = h.framing == RawResponse.Framing.UNTIL_CLOSE;
            if (!requestComplete || proxy.draining()) {
                closeClient = true;
            }
            String key = newStickyKey();
            front.writeRaw(h.encode(client.alloc(), requestId, closeClient,
                    key == null ? null : StickyCookie.headLines(key, secure)));
        } finally {
            h.release();
        }
    }

    /** Chooses how the body is delimited towards the client and whether its connection stays open. */
    private void frame(HttpResponse r) {
        if (!requestComplete || proxy.draining()) {
            closeClient = true;
        }
        closeClient = ResponseFraming.frame(r, status, head, http10, closeClient);
    }

    private void responseContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (switching) {
            c.release();
            if (last) {
                splice();
            }
            return;
        }
        responseBytes += c.content().readableBytes();
        front.write(c);
        if (last) {
            if (informational) {
                informational = false;
            } else {
                finish();
            }
        }
    }

    void backendReadComplete() {
        client.flush();
        if (client.channel().isWritable()) {
            backendCh.read();
        }
    }

    void clientWritable() {
        if (backendCh != null && (!done || spliced) && backendCh.isActive()) {
            backendCh.read();
        }
        front.maybeRead();
    }

    private void finish() {
        done = true;
        cancelResponseTimer();
        uncount();
        Channel ch = backendCh;
        backendHandler.unbind();
        if (requestComplete && backendKeepAlive && !proxy.draining()) {
            proxy.pool(client.channel().eventLoop(), raw).release(backend, ch);
        } else {
            ch.close();
        }
        end(status);
        client.flush();
        front.exchangeDone(closeClient);
    }

    // ---- websocket (or other) upgrade ----

    private void splice() {
        spliced = true;
        done = true;
        cancelResponseTimer();
        front.upgraded();
        HttpClientCodec codec = backendCh.pipeline().get(HttpClientCodec.class);
        codec.removeOutboundHandler();
        backendCh.pipeline().remove(codec);
        record(status);
        client.flush();
        backendCh.flush();
        backendCh.read();
        front.maybeRead();
    }

    // ---- failures ----

    /** The backend connection closed while this exchange owned it. */
    void backendClosed() {
        if (spliced) {
            uncount();
            endSplice();
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

    private void startResponseTimer() {
        if (!responseTimerArmed && !responseStarted) {
            responseTimerArmed = true;
            front.responseTimer().arm(proxy.config().backendTimeout().toNanos());
        }
    }

    private void cancelResponseTimer() {
        if (responseTimerArmed) {
            responseTimerArmed = false;
            front.responseTimer().disarm();
        }
    }

    void timedOut() {
        responseTimerArmed = false;
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
        if (!requestComplete && !RetryRule.bodyless(request)) {
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
        end(status == 0 ? 502 : status);
        front.closeAfterFlush();
    }

    /** The client went away. */
    void clientClosed() {
        if (spliced) {
            endSplice();
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

    private void endSplice() {
        if (spliced) {
            spliced = false;
            proxy.exchanges().decrementAndGet();
        }
    }

    private void record(int finalStatus) {
        ExchangeLog.forwarded(proxy, route, backend, request, path, finalStatus, responseBytes,
                System.nanoTime() - startNanos, requestId);
    }
}
