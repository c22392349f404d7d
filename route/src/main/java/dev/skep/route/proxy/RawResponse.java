package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/**
 * What {@link ResponseReader} hands the exchange: a response head, then the body as the backend
 * framed it (plain {@link ByteBuf}s, chunk framing included), then {@link #END}. Bodies pass through
 * untouched; only the head is rewritten, by {@link Head#encode}.
 */
final class RawResponse {

    /** How the body after a head is delimited. */
    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    /** The response is complete; the connection may carry the next one. */
    static final Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };

    /** What parsing a head gives: the head, or why it is no HTTP/1.x response head. */
    sealed interface Parsed permits Head, Malformed {
    }

    /** The backend sent something that is not an HTTP/1.x response; the connection is closed. */
    record Malformed(String reason) implements Parsed {
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] REQUEST_ID = "x-request-id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private RawResponse() {
    }

    /** One piece of a body that ends with the close, as a chunk; the buffer is consumed. */
    static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf data) {
        if (!data.isReadable()) {
            return data; // an empty chunk would end the body
        }
        ByteBuf size = alloc.buffer(12);
        size.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
        size.writeBytes(CRLF);
        return alloc.compositeBuffer(3).addComponents(true, size, data, alloc.buffer(2).writeBytes(CRLF));
    }

    static ByteBuf lastChunk(ByteBufAllocator alloc) {
        return alloc.buffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK);
    }

    /**
     * A parsed response head. {@code bytes} holds the head as received; {@code kept} the [start, end)
     * offsets (line ends excluded) of the status line and of each header line to forward.
     */
    static final class Head implements Parsed {
        final int status;
        final boolean keepAlive;
        final Framing framing;
        final long contentLength;
        private final ByteBuf bytes;
        private final int[] kept;
        private final int keptCount;
        private final boolean hasRequestId;

        Head(int status, boolean keepAlive, Framing framing, long contentLength, ByteBuf bytes, int[] kept,
             int keptCount, boolean hasRequestId) {
            this.status = status;
            this.keepAlive = keepAlive;
            this.framing = framing;
            this.contentLength = contentLength;
            this.bytes = bytes;
            this.kept = kept;
            this.keptCount = keptCount;
            this.hasRequestId = hasRequestId;
        }

        boolean informational() {
            return status >= 100 && status < 200;
        }

        /**
         * The head for the client: hop-by-hop lines left out, a request id and a close added when asked.
         * A body that ends with the backend's close goes to the client chunked ({@link #chunk}), so the
         * client's connection outlives the backend's.
         */
        ByteBuf encode(ByteBufAllocator alloc, String requestId, boolean close) {
            return encode(alloc, requestId, close, null);
        }

        /** As {@link #encode(ByteBufAllocator, String, boolean)}, with header lines of the router's own added. */
        ByteBuf encode(ByteBufAllocator alloc, String requestId, boolean close, byte[] extraLines) {
            ByteBuf out = alloc.buffer(bytes.readableBytes() + 96 + (extraLines == null ? 0 : extraLines.length));
            for (int i = 0; i < keptCount; i += 2) {
                out.writeBytes(bytes, kept[i], kept[i + 1] - kept[i]).writeBytes(CRLF);
            }
            if (extraLines != null) {
                out.writeBytes(extraLines);
            }
            if (!hasRequestId && requestId != null) {
                out.writeBytes(REQUEST_ID);
                out.writeCharSequence(requestId, StandardCharsets.US_ASCII);
                out.writeBytes(CRLF);
            }
            if (close) {
                out.writeBytes(CONNECTION_CLOSE);
            }
            if (framing == Framing.UNTIL_CLOSE) {
                out.writeBytes(CHUNKED);
            }
            out.writeBytes(CRLF);
            return out;
        }

        void release() {
            bytes.release();
        }

        /** One header's value as a string (the first line of that name), for tests and logs. */
        String header(AsciiString name) {
            for (int i = 2; i < keptCount; i += 2) {
                String line = bytes.toString(kept[i], kept[i + 1] - kept[i], StandardCharsets.ISO_8859_1);
                int colon = line.indexOf(':');
                if (colon > 0 && name.contentEqualsIgnoreCase(line.substring(0, colon))) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }
}
