package dev.skep.route.proxy;

import dev.skep.route.AppRoute;
import dev.skep.route.RouterConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * The client end of a connection: takes requests one at a time (pipelined ones wait in the inbox) and passes each
 * through the steps: intake ({@link RequestIntake}), route ({@link RequestRouting}, this handler its outcome: an
 * answer made here, a {@link WakeHold}, or forwarding), then an {@link Exchange} (pick, forward, retry, respond),
 * which may end in an {@link UpgradeSplice}; {@link ClientClose} ends the connection. The steps are plain calls,
 * not pipeline handlers: a request crosses no extra channel hop. Auto-read is off; this handler asks for the next
 * bytes only when they can go somewhere.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter
        implements ClientOut, RequestRouting.Outcome {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final ProxyContext proxy;
    private final boolean tls;
    private final ArrayDeque<Object> inbox = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private HeaderTimeout headerTimeout;
    /** HTTP/1 only (null on an HTTP/2 stream): the encoder of error pages, and its context for raw writes. */
    private ClientResponseEncoder encoder;
    private ChannelHandlerContext rawOut;
    /** Closes a keep-alive connection that carries no request for the idle timeout. */
    private LazyTimer idle;
    /** The backend must start its response within the backend timeout; armed by the exchange. */
    private LazyTimer responseTimer;
    private Exchange current;
    /** Null until this connection first holds a request for a waking app; see {@link #held()}. */
    private WakeHold wake;
    /** Whether and how this connection ends. */
    private ClientClose end;
    /** The connection's body step, reused by each exchange. */
    private final RequestBody body = new RequestBody();
    /** Set after a 101 went through: from then on client bytes go to the backend as they are. */
    private UpgradeSplice splice;
    /** Between a read and its read-complete, which flushes to the backend what the burst brought. */
    private boolean reading;

    public FrontendHandler(ProxyContext proxy, boolean tls) {
        this.proxy = proxy;
        this.tls = tls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.end = new ClientClose(ctx);
        this.headerTimeout = ctx.pipeline().get(HeaderTimeout.class);
        this.encoder = ctx.pipeline().get(ClientResponseEncoder.class);
        this.rawOut = encoder == null ? null : ctx.pipeline().context(encoder);
        this.idle = new LazyTimer(ctx.executor(), this::idleExpired);
        this.responseTimer = new LazyTimer(ctx.executor(), () -> {
            if (current != null) {
                current.timedOut();
            }
        });
        if (ctx.channel().isActive()) { // added after TLS and ALPN, or on an HTTP/2 stream
            idle.arm(proxy.config().idleTimeout().toNanos());
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        proxy.opened(ctx.channel());
        idle.arm(proxy.config().idleTimeout().toNanos());
        ctx.read();
        ctx.fireChannelActive();
    }

    private void idleExpired() {
        if (current == null && splice == null && !end.closing()) {
            end.now();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (end.closing()) {
            ReferenceCountUtil.release(msg);
        } else if (splice != null) {
            if (msg instanceof ByteBuf b) {
                splice.fromClient(b);
            } else {
                ReferenceCountUtil.release(msg);
            }
        } else {
            inbox.add(msg);
            drain();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (end.lingeringRead()) {
            return;
        }
        if (current != null) {
            current.flushBackend();
        }
        maybeRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null && ctx.channel().isWritable()) {
            current.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end.closed();
        idle.stop();
        responseTimer.stop();
        if (wake != null) {
            wake.release();
        }
        Object m;
        while ((m = inbox.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        if (current != null) {
            Exchange e = current;
            current = null;
            e.clientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HeaderTimeout.Expired expired) {
            if (current == null && !end.closing()) {
                if (expired.partial()) {
                    sendError(HttpResponseStatus.REQUEST_TIMEOUT, null, ProxyHeaders.requestId(null), true);
                } else {
                    end.now();
                }
            }
        } else if (evt == ProxyContext.DRAINING) {
            if (!held()) { // a held request is answered at its deadline (or goes with the process)
                idleExpired(); // closed now if nothing is in flight on it; else after its response
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("event=proxy.client-failed client={} error=\"{}\"", ctx.channel().remoteAddress(), cause.toString());
        end.now();
    }

    // ---- the request queue ----

    /** Feeds queued messages to the current exchange, or starts the next one. */
    void drain() {
        while (!inbox.isEmpty() && !end.closing() && !held()) {
            Object m = inbox.peek();
            if (current == null) {
                inbox.poll();
                if (m instanceof FullHttpRequest full) { // from HTTP/2
                    startExchange(RequestIntake.split(full, inbox));
                } else if (m instanceof HttpRequest req) {
                    startExchange(req);
                } else {
                    ReferenceCountUtil.release(m); // the rest of a request already answered
                }
            } else if (current.acceptsRequestContent() && m instanceof HttpContent c) {
                inbox.poll();
                current.requestContent(c);
            } else {
                break;
            }
        }
    }

    /** Reads more from the client when what comes next can be handled. */
    void maybeRead() {
        if (end.closing() || held() || !inbox.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        if (splice != null ? splice.backendWritable()
                : current == null || current.wantsRequestContent()) {
            ctx.read();
        }
    }

    private void startExchange(HttpRequest req) {
        idle.disarm();
        if (encoder != null) {
            encoder.headRequest(req.method().equals(HttpMethod.HEAD));
        }
        if (headerTimeout != null) {
            headerTimeout.headReceived();
        }
        String requestId = ProxyHeaders.requestId(req.headers().get(ProxyHeaders.X_REQUEST_ID));
        HttpResponseStatus refused = RequestIntake.refusal(req, proxy.config().maxUrlBytes());
        if (refused != null) {
            local(RequestRouting.page(refused, req, requestId, ctx.channel()), req, requestId, null, true);
            return;
        }
        RequestRouting.route(req, requestId, proxy, ctx.channel(), tls, this);
    }

    // ---- the route step's outcomes ----

    @Override
    public void answer(FullHttpResponse r, HttpRequest req, String requestId, AppRoute route, boolean close) {
        local(r, req, requestId, route, close);
    }

    @Override
    public void hold(HttpRequest req, AppRoute route, String host, String requestId) {
        wakeHold().hold(req, route, host, requestId);
    }

    /** The request goes to the app: rewritten for it (forwarding headers, the router's cookie out), then run. */
    @Override
    public void forward(HttpRequest req, AppRoute route, String requestId, long maxBody) {
        RouterConfig config = proxy.config();
        InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        int localPort = ctx.channel().localAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
        // read before the hop-by-hop Connection header is stripped for the backend
        boolean clientKeepAlive = HttpUtil.isKeepAlive(req);
        // HTTP/1.1 responses go out as the backend framed them; HTTP/1.0, upgrades and HTTP/2 need objects
        boolean raw = rawOut != null && req.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && !ProxyHeaders.isUpgrade(req.headers());
        ForwardedHeaders.forRequest(req.headers(), peer, tls, localPort, requestId, config.trustedProxies());
        String stickyKey = null;
        boolean secure = false;
        if (route.sticky() != null) {
            // the router's cookie is its own: taken out before the app sees the request ("indirect")
            stickyKey = StickyCookie.take(req.headers());
            secure = "https".equals(req.headers().get(ProxyHeaders.X_FORWARDED_PROTO));
        }
        current = new Exchange(this, ctx, proxy, req, route, requestId, body.reset(maxBody), clientKeepAlive, raw,
                stickyKey, secure);
        current.start();
    }

    /** A request waits for its app to wake: what follows it on this connection waits too. */
    private boolean held() {
        return wake != null && wake.holding();
    }

    private WakeHold wakeHold() {
        if (wake == null) {
            wake = new WakeHold(proxy, ctx, new WakeHold.Connection() {
                @Override
                public boolean closing() {
                    return end.closing();
                }

                @Override
                public void reroute(HttpRequest req) {
                    startExchange(req);
                }

                @Override
                public void answer(FullHttpResponse r, HttpRequest req, String requestId, AppRoute route,
                                   boolean close) {
                    local(r, req, requestId, route, close);
                }
            });
        }
        return wake;
    }

    /** A response made here (an error page, a redirect): counted, logged, written. */
    private void local(FullHttpResponse r, HttpRequest req, String requestId, AppRoute route, boolean close) {
        ExchangeLog.local(proxy, route, req, r.status().code(), requestId);
        send(r, close || !HttpUtil.isKeepAlive(req));
    }

    /** Writes an error page; then waits for the next request, or closes. */
    void sendError(HttpResponseStatus s, HttpRequest req, String requestId, boolean close) {
        if (req == null && encoder != null) {
            encoder.headRequest(false); // a timeout between requests: not the last request's answer
        }
        String accept = req == null ? null : req.headers().get(HttpHeaderNames.ACCEPT);
        send(ErrorPages.response(s, accept, requestId, ctx.alloc()), close);
    }

    private void send(FullHttpResponse r, boolean close) {
        if (close || proxy.draining()) {
            end.afterAnswer(r);
            return;
        }
        ctx.writeAndFlush(r);
        exchangeDone(false);
    }

    // ---- called by the exchange and its response relay ----

    @Override
    public void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void writeRaw(ByteBuf bytes) {
        rawOut.write(bytes, rawOut.voidPromise());
    }

    void exchangeDone(boolean close) {
        current = null;
        if (close || proxy.draining()) {
            closeAfterFlush();
            return;
        }
        idle.arm(proxy.config().idleTimeout().toNanos());
        if (headerTimeout != null) {
            headerTimeout.awaitNextHead();
        }
        drain();
        maybeRead();
    }

    void closeAfterFlush() {
        end.afterFlush();
    }

    /** After a 101: the HTTP codec and timeouts leave; the splice relays bytes as they are. */
    void upgraded(UpgradeSplice splice) {
        this.splice = splice;
        idle.stop();
        headerTimeout = null;
        encoder = null;
        rawOut = null;
        splice.stripClient(); // its decoder hands on bytes it held, which find the splice set
    }

    boolean inReadBurst() {
        return reading;
    }

    LazyTimer responseTimer() {
        return responseTimer;
    }

    boolean isIdle() {
        return current == null;
    }
}
