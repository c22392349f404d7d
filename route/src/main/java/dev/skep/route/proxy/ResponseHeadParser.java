package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a backend's HTTP/1.x response head for {@link ResponseReader}, straight off the received bytes: the status,
 * how the body is framed, whether the connection may carry another response, and which header lines go on to the
 * client (hop-by-hop ones, and those the Connection header names, do not). Refuses what a smuggling attempt or a
 * broken backend would send: folded lines, nameless headers, conflicting or malformed lengths. Stateless.
 */
final class ResponseHeadParser {

    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] X_REQUEST_ID = ascii("x-request-id");
    /** Hop-by-hop: they describe the backend connection, not the response. */
    private static final byte[][] HOP_BY_HOP = ProxyHeaders.HOP_BY_HOP.stream().map(n -> ascii(n.toString()))
            .toArray(byte[][]::new);

    private ResponseHeadParser() {
    }

    /**
     * Parses a complete head: {@code spans} holds the [start, end) of each of its {@code lines} lines (line ends
     * excluded, the status line first); {@code headRequest}: it answers a HEAD request, so has no body.
     */
    static RawResponse.Parsed parse(ByteBuf head, int[] spans, int lines, boolean headRequest) {
        int s = spans[0];
        int e = spans[1];
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (e - s < 12 || !startsWith(head, s, "HTTP/1.") || head.getByte(s + 8) != ' ') {
            return new RawResponse.Malformed("not an HTTP/1.x status line");
        }
        boolean http10 = head.getByte(s + 7) == '0';
        int status = 0;
        for (int i = s + 9; i < s + 12; i++) {
            byte b = head.getByte(i);
            if (b < '0' || b > '9') {
                return new RawResponse.Malformed("status code is not three digits");
            }
            status = status * 10 + (b - '0');
        }
        if (status < 100 || e - s > 12 && head.getByte(s + 12) != ' ') {
            return new RawResponse.Malformed("bad status code");
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
                return new RawResponse.Malformed("folded header line");
            }
            int colon = head.indexOf(s, e, (byte) ':');
            if (colon <= s || isSpace(head.getByte(colon - 1))) {
                return new RawResponse.Malformed("header line without a name");
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
                    return new RawResponse.Malformed("bad or conflicting Content-Length");
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
        return new RawResponse.Head(status, reusable, framing, contentLength, head, kept, keptCount, hasRequestId);
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
}
