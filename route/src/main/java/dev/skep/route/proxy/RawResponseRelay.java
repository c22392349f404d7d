package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;

/**
 * The respond step for HTTP/1.1 clients: what {@link ResponseReader} read goes on as bytes, only the head rewritten
 * ({@link RawResponse.Head#encode}); a body that ends with the backend's close goes on chunked, so the client's
 * connection outlives the backend's. Body buffers pass through as they are, not copied.
 */
final class RawResponseRelay extends ResponseRelay {

    private final ByteBufAllocator alloc;
    /** The body ends with the backend's close: sent on to the client in chunks. */
    private boolean rechunk;

    RawResponseRelay(ResponseSink sink, ClientOut out, ByteBufAllocator alloc, String requestId, boolean secure) {
        super(sink, out, requestId, secure);
        this.alloc = alloc;
    }

    @Override
    void relay(Object msg) {
        if (msg instanceof ByteBuf body) {
            bytes += body.readableBytes();
            out.writeRaw(rechunk ? RawResponse.chunk(alloc, body) : body);
        } else if (msg instanceof RawResponse.Head h) {
            head(h);
        } else if (msg == RawResponse.END) {
            if (rechunk) {
                out.writeRaw(RawResponse.lastChunk(alloc));
            }
            sink.finish();
        } else if (msg instanceof RawResponse.Malformed m) {
            sink.badResponse(m.reason());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void head(RawResponse.Head h) {
        try {
            if (h.status == 101) { // never asked for: raw exchanges carry no upgrade
                sink.badResponse(null);
                return;
            }
            sink.responseStarted();
            if (h.informational()) { // 100 Continue, 103 Early Hints: the final head follows
                out.writeRaw(h.encode(alloc, requestId, false));
                return;
            }
            status = h.status;
            backendKeepAlive = h.keepAlive;
            rechunk = h.framing == RawResponse.Framing.UNTIL_CLOSE;
            boolean close = sink.closesClient();
            String key = sink.newStickyKey();
            out.writeRaw(h.encode(alloc, requestId, close,
                    key == null ? null : StickyCookie.headLines(key, secure)));
        } finally {
            h.release();
        }
    }
}
