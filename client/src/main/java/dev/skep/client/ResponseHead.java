package dev.skep.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The status line and headers of an HTTP/1.1 answer, read off the wire.
 *
 * @param status  e.g. 200
 * @param headers names in lower case, the first value of each
 */
record ResponseHead(int status, Map<String, String> headers) {

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;

    ResponseHead {
        headers = Map.copyOf(headers);
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean interim() {
        return status >= 100 && status < 200;
    }

    /** Reads one head; EOFException when the server hung up before sending any. */
    static ResponseHead read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new EOFException("the server closed the connection without an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new ProtocolException("not an HTTP/1.x status line: " + abbreviate(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("not an HTTP status: " + abbreviate(statusLine));
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; ; i++) {
            String line = line(in);
            if (line == null) {
                throw new EOFException("the server closed the connection inside the headers");
            }
            if (line.isEmpty()) {
                return new ResponseHead(status, headers);
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || i >= MAX_HEADERS) {
                throw new ProtocolException("bad or too many headers: " + abbreviate(line));
            }
            headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
    }

    /** One line without its CRLF (a bare LF ends it too); null at the end of the stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (bytes.size() >= MAX_LINE) {
                throw new ProtocolException("a header line longer than " + MAX_LINE + " bytes");
            }
            bytes.write(b);
        }
        if (b < 0 && bytes.size() == 0) {
            return null;
        }
        String line = bytes.toString(StandardCharsets.ISO_8859_1);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String abbreviate(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
