package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upgrade step (a websocket, say): once a 101 the client asked for went through, both connections lose their
 * HTTP handlers and bytes pass both ways untouched until either side closes. Made only when a 101 goes through,
 * never on a plain request. Backpressure stays the exchange's: client bytes are read while the backend is writable,
 * backend bytes while the client is writable, each side flushed at the end of the other's read burst.
 * A splice counts as one exchange in flight until it {@link #end}s.
 */
final class UpgradeSplice {

    private final ChannelHandlerContext client;
    private final Channel backend;
    private final AtomicInteger exchanges;
    private boolean open = true;

    /** {@code client}: the proxy handler's context, writes from which pass no HTTP handler once spliced. */
    UpgradeSplice(ChannelHandlerContext client, Channel backend, AtomicInteger exchanges) {
        this.client = client;
        this.backend = backend;
        this.exchanges = exchanges;
    }

    /**
     * Takes the client's HTTP handlers out; the decoder goes last, handing on the bytes it held (the first of the
     * upgraded protocol), which reach {@link #fromClient} through the proxy handler.
     */
    void stripClient() {
        ChannelPipeline p = client.pipeline();
        ClientResponseEncoder encoder = p.get(ClientResponseEncoder.class);
        if (encoder != null) {
            p.remove(encoder);
        }
        FrontendInitializer.removeForUpgrade(p);
        HttpRequestDecoder decoder = p.get(HttpRequestDecoder.class);
        if (decoder != null) {
            p.remove(decoder);
        }
    }

    /** Takes the backend's HTTP codec out (what it held is passed on) and starts both ways. */
    void start() {
        BackendInitializer.removeForUpgrade(backend.pipeline());
        client.flush();
        backend.flush();
        backend.read();
    }

    /** Client bytes go to the backend, or are dropped once it closed; flushed at the client's read burst's end. */
    void fromClient(ByteBuf bytes) {
        if (backend.isActive()) {
            backend.write(bytes, backend.voidPromise());
        } else {
            bytes.release();
        }
    }

    /** Backend bytes go to the client as they are; flushed at the backend's read burst's end. */
    void fromBackend(ByteBuf bytes) {
        client.write(bytes, client.voidPromise());
    }

    /** Whether more client bytes can be taken now. */
    boolean backendWritable() {
        return backend.isWritable();
    }

    boolean open() {
        return open;
    }

    /** A side closed: the splice is no longer in flight. Only the first call counts. */
    void end() {
        if (open) {
            open = false;
            exchanges.decrementAndGet();
        }
    }
}
