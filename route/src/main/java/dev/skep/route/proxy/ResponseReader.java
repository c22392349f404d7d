package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.Arrays;
import java.util.List;

/**
 * Reads HTTP/1.x responses from a backend without decoding them into objects: it finds the head's lines, has
 * {@link ResponseHeadParser} parse them (status, framing, keep-alive, which lines are hop-by-hop), and then passes
 * body bytes through as they arrive, following Content-Length or the chunk framing only to find where the response
 * ends.
 * Used for HTTP/1.1 clients, where the body goes out exactly as it came in; this is most of the
 * router's traffic, and skipping Netty's HTTP objects for it roughly halves the work per response.
 *
 * <pre>
 *  HEAD ─head─> (LENGTH | CHUNK_SIZE ⇄ CHUNK_DATA ─0─> TRAILER | UNTIL_CLOSE | none) ─END─> HEAD
 *    └─1xx head─> HEAD (the final head follows)                anything else ─Malformed─> BROKEN
 * </pre>
 */
final class ResponseReader extends ByteToMessageDecoder {

    static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 4096;

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, UNTIL_CLOSE, BROKEN }

    private State state = State.HEAD;
    private boolean headRequest;
    private long remaining;

    /** Called before each request is sent: a response to HEAD has no body whatever its headers say. */
    void expect(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int before = in.readableBytes();
            switch (state) {
                case HEAD -> readHead(ctx, in, out);
                case LENGTH -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        end(out);
                    }
                }
                case CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER -> readChunked(ctx, in, out);
                case UNTIL_CLOSE -> out.add(in.readRetainedSlice(in.readableBytes()));
                case BROKEN -> in.skipBytes(in.readableBytes());
            }
            if (in.readableBytes() == before) {
                return; // needs more bytes
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (state == State.UNTIL_CLOSE) { // the close is the end of this body
            end(out);
        }
    }

    private void end(List<Object> out) {
        out.add(RawResponse.END);
        state = State.HEAD;
        headRequest = false;
    }

    private void broken(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, String reason) {
        broken(ctx, in, out, new RawResponse.Malformed(reason));
    }

    private void broken(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, RawResponse.Malformed why) {
        state = State.BROKEN;
        in.skipBytes(in.readableBytes());
        out.add(why);
        ctx.close();
    }

    // ---- the head ----

    private void readHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int limit = in.writerIndex();
        int lines = 0;
        int lineStart = start;
        int[] spans = new int[32]; // [start, end) of each line, ends without CR/LF
        int end = -1;
        for (int i = in.indexOf(start, limit, (byte) '\n'); i >= 0; i = in.indexOf(i + 1, limit, (byte) '\n')) {
            int lineEnd = i > lineStart && in.getByte(i - 1) == '\r' ? i - 1 : i;
            if (lineEnd == lineStart && lines > 0) {
                end = i + 1;
                break;
            }
            if (lineEnd > lineStart) { // blank lines before a status line are tolerated
                if (lines * 2 + 2 > spans.length) {
                    spans = Arrays.copyOf(spans, spans.length * 2);
                }
                spans[lines * 2] = lineStart - start;
                spans[lines * 2 + 1] = lineEnd - start;
                lines++;
            }
            lineStart = i + 1;
        }
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD_BYTES) {
                broken(ctx, in, out, "response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            return;
        }
        ByteBuf head = in.readRetainedSlice(end - start);
        RawResponse.Parsed parsed = ResponseHeadParser.parse(head, spans, lines, headRequest);
        if (parsed instanceof RawResponse.Malformed m) {
            head.release();
            broken(ctx, in, out, m);
            return;
        }
        RawResponse.Head h = (RawResponse.Head) parsed;
        out.add(h);
        switch (h.framing) {
            case NONE -> {
                if (h.status >= 200) { // after a 1xx the final head follows
                    end(out);
                }
            }
            case LENGTH -> {
                remaining = h.contentLength;
                if (remaining == 0) {
                    end(out);
                } else {
                    state = State.LENGTH;
                }
            }
            case CHUNKED -> state = State.CHUNK_SIZE;
            case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
        }
    }

    // ---- chunked bodies: bytes pass through; the framing is only followed ----

    private void readChunked(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int from = in.readerIndex();
        int i = from;
        int limit = in.writerIndex();
        boolean done = false;
        String problem = null;
        scan:
        while (i < limit) {
            switch (state) {
                case CHUNK_SIZE -> {
                    int lf = in.indexOf(i, Math.min(limit, i + MAX_CHUNK_LINE), (byte) '\n');
                    if (lf < 0) {
                        if (limit - i >= MAX_CHUNK_LINE) {
                            problem = "chunk size line too long";
                        }
                        break scan;
                    }
                    long size = parseHex(in, i, lf);
                    if (size < 0) {
                        problem = "bad chunk size";
                        break scan;
                    }
                    i = lf + 1;
                    if (size == 0) {
                        state = State.TRAILER;
                    } else {
                        remaining = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, limit - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_END;
                    }
                }
                case CHUNK_DATA_END -> { // the CRLF after a chunk's data
                    int lf = in.indexOf(i, Math.min(limit, i + 2), (byte) '\n');
                    if (lf < 0 || lf == i + 1 && in.getByte(i) != '\r') {
                        if (lf >= 0 || limit - i >= 2) {
                            problem = "chunk data not followed by CRLF";
                        }
                        break scan;
                    }
                    i = lf + 1;
                    state = State.CHUNK_SIZE;
                }
                case TRAILER -> { // trailer lines, then an empty line
                    int lf = in.indexOf(i, Math.min(limit, i + MAX_HEAD_BYTES), (byte) '\n');
                    if (lf < 0) {
                        break scan;
                    }
                    boolean empty = lf == i || lf == i + 1 && in.getByte(i) == '\r';
                    i = lf + 1;
                    if (empty) {
                        done = true;
                        break scan;
                    }
                }
                default -> {
                    break scan;
                }
            }
        }
        if (problem != null) {
            broken(ctx, in, out, problem);
            return;
        }
        if (i > from) {
            out.add(in.readRetainedSlice(i - from));
        }
        if (done) {
            end(out);
        }
    }

    // ---- byte helpers ----

    /** The hex size at the start of a chunk line (extensions after ';' ignored); -1 when malformed. */
    private static long parseHex(ByteBuf buf, int from, int lf) {
        long n = 0;
        int digits = 0;
        for (int i = from; i < lf; i++) {
            byte b = buf.getByte(i);
            int d = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10
                    : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
            if (d < 0) {
                if (digits > 0 && (b == ';' || b == '\r' || b == ' ' || b == '\t')) {
                    return n;
                }
                return -1;
            }
            if (++digits > 15) {
                return -1;
            }
            n = n * 16 + d;
        }
        return digits > 0 ? n : -1;
    }
}
