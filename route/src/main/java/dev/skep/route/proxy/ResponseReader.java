package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads HTTP/1.x responses from a backend without decoding them into objects: it parses the head
 * (status, framing, keep-alive, which lines are hop-by-hop) and then passes body bytes through as
 * they arrive, following Content-Length or the chunk framing only to find where the response ends.
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

    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] X_REQUEST_ID = ascii("x-request-id");
    /** Hop-by-hop: they describe the backend connection, not the response. */
    private static final byte[][] HOP_BY_HOP = ProxyHeaders.HOP_BY_HOP.stream().map(n -> ascii(n.toString()))
            .toArray(byte[][]::new);

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
        state = State.BROKEN;
        in.skipBytes(in.readableBytes());
        out.add(new RawResponse.Malformed(reason));
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
        String problem = parseHead(head, spans, lines, out);
        if (problem != null) {
            head.release();
            broken(ctx, in, out, problem);
        }
    }

    /** Parses a complete head; adds it to {@code out} and sets the body state. Returns a problem, or null. */
    private String parseHead(ByteBuf head, int[] spans, int lines, List<Object> out) {
        int s = spans[0];
        int e = spans[1];
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (e - s < 12 || !startsWith(head, s, "HTTP/1.") || head.getByte(s + 8) != ' ') {
            return "not an HTTP/1.x status line";
        }
        boolean http10 = head.getByte(s + 7) == '0';
        int status = 0;
        for (int i = s + 9; i < s + 12; i++) {
            byte b = head.getByte(i);
            if (b < '0' || b > '9') {
                return "status code is not three digits";
            }
            status = status * 10 + (b - '0');
        }
        if (status < 100 || e - s > 12 && head.getByte(s + 12) != ' ') {
            return "bad status code";
        }
        int[] kept = new int[lines * 2];
        kept[0] = s;
        kept[1] = e;
        int keptCount = 2;
        long contentLength = -1;
        boolean chunked = false;
        boolean otherCoding = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean hasRequestId = false;
        List<String> named = null; // headers the Connection header names as hop-by-hop
        for (int l = 1; l < lines; l++) {
            s = spans[l * 2];
            e = spans[l * 2 + 1];
            byte first = head.getByte(s);
            if (first == ' ' || first == '\t') {
                return "folded header line";
            }
            int colon = head.indexOf(s, e, (byte) ':');
            if (colon <= s || isSpace(head.getByte(colon - 1))) {
                return "header line without a name";
            }
            int nameLen = colon - s;
            int v = colon + 1;
            int ve = e;
            while (v < ve && isSpace(head.getByte(v))) {
                v++;
            }
            while (ve > v && isSpace(head.getByte(ve - 1))) {
                ve--;
            }
            if (nameIs(head, s, nameLen, CONTENT_LENGTH)) {
                long n = parseLength(head, v, ve);
                if (n < 0 || contentLength >= 0 && n != contentLength) {
                    return "bad or conflicting Content-Length";
                }
                contentLength = n;
            } else if (nameIs(head, s, nameLen, TRANSFER_ENCODING)) {
                String codings = head.toString(v, ve - v, StandardCharsets.ISO_8859_1).toLowerCase();
                int comma = codings.lastIndexOf(',');
                String last = (comma < 0 ? codings : codings.substring(comma + 1)).trim();
                chunked = last.equals("chunked");
                otherCoding = !chunked;
            } else if (nameIs(head, s, nameLen, CONNECTION)) {
                for (String token : head.toString(v, ve - v, StandardCharsets.ISO_8859_1).split(",")) {
                    String t = token.trim().toLowerCase();
                    if (t.equals("close")) {
                        close = true;
                    } else if (t.equals("keep-alive")) {
                        keepAlive = true;
                    } else if (!t.isEmpty() && !t.equals("transfer-encoding")) {
                        named = named == null ? new ArrayList<>(2) : named;
                        named.add(t);
                    }
                }
                continue;
            } else if (hopByHop(head, s, nameLen)) {
                continue;
            } else if (nameIs(head, s, nameLen, X_REQUEST_ID)) {
                hasRequestId = true;
            }
            kept[keptCount++] = s;
            kept[keptCount++] = e;
        }
        RawResponse.Framing framing;
        if (headRequest || status < 200 || status == 204 || status == 304) {
            framing = RawResponse.Framing.NONE;
        } else if (chunked) {
            framing = RawResponse.Framing.CHUNKED;
        } else if (otherCoding) {
            framing = RawResponse.Framing.UNTIL_CLOSE;
        } else if (contentLength >= 0) {
            framing = RawResponse.Framing.LENGTH;
        } else {
            framing = RawResponse.Framing.UNTIL_CLOSE;
        }
        if (framing == RawResponse.Framing.CHUNKED && contentLength >= 0) { // chunked wins over a length
            keptCount = dropLength(head, kept, keptCount);
        }
        if (named != null) {
            keptCount = dropNamed(head, kept, keptCount, named);
        }
        boolean reusable = framing != RawResponse.Framing.UNTIL_CLOSE && !close && (!http10 || keepAlive);
        out.add(new RawResponse.Head(status, reusable, framing, contentLength, head, kept, keptCount,
                hasRequestId));
        switch (framing) {
            case NONE -> {
                if (status >= 200) { // after a 1xx the final head follows
                    end(out);
                }
            }
            case LENGTH -> {
                remaining = contentLength;
                if (remaining == 0) {
                    end(out);
                } else {
                    state = State.LENGTH;
                }
            }
            case CHUNKED -> state = State.CHUNK_SIZE;
            case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
        }
        return null;
    }

    private static int dropLength(ByteBuf head, int[] kept, int keptCount) {
        int w = 2;
        for (int i = 2; i < keptCount; i += 2) {
            int colon = head.indexOf(kept[i], kept[i + 1], (byte) ':');
            if (!nameIs(head, kept[i], colon - kept[i], CONTENT_LENGTH)) {
                kept[w++] = kept[i];
                kept[w++] = kept[i + 1];
            }
        }
        return w;
    }

    private static int dropNamed(ByteBuf head, int[] kept, int keptCount, List<String> names) {
        int w = 2;
        for (int i = 2; i < keptCount; i += 2) {
            int colon = head.indexOf(kept[i], kept[i + 1], (byte) ':');
            String name = head.toString(kept[i], colon - kept[i], StandardCharsets.ISO_8859_1).toLowerCase();
            if (!names.contains(name)) {
                kept[w++] = kept[i];
                kept[w++] = kept[i + 1];
            }
        }
        return w;
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

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean startsWith(ByteBuf buf, int at, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (buf.getByte(at + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive match of a header name against a lower-case ASCII name. */
    private static boolean nameIs(ByteBuf buf, int at, int len, byte[] lower) {
        if (len != lower.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            byte b = buf.getByte(at + i);
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean hopByHop(ByteBuf buf, int at, int len) {
        for (byte[] name : HOP_BY_HOP) {
            if (nameIs(buf, at, len, name)) {
                return true;
            }
        }
        return false;
    }

    /** Decimal digits only, at most 18 of them; -1 otherwise. */
    private static long parseLength(ByteBuf buf, int from, int to) {
        if (from == to || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

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
