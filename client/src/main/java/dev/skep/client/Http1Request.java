package dev.skep.client;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP/1.1 request as {@link Http1Client} sends it.
 *
 * @param method         GET, POST ...
 * @param target         path and query below the server's base path, e.g. /v1/apps?x=1
 * @param headers        extra headers (Host, Content-Length, Transfer-Encoding, Connection are the client's)
 * @param body           the body, read from here (not closed), or null for none
 * @param length         the body's size in bytes; -1 when unknown (sent chunked)
 * @param expectContinue send the headers first and the body only after the server's 100 Continue
 * @param timeout        the longest wait for any read of the answer; null waits for ever
 */
record Http1Request(String method, String target, Map<String, String> headers, InputStream body, long length,
                    boolean expectContinue, Duration timeout) {

    Http1Request {
        headers = Map.copyOf(headers);
        if (body == null && length > 0) {
            throw new IllegalArgumentException("a request without a body has no length, found " + length);
        }
    }

    static Http1Request of(String method, String target, Map<String, String> headers, byte[] body,
                           Duration timeout) {
        return new Http1Request(method, target, headers, body == null ? null : new ByteArrayInputStream(body),
                body == null ? 0 : body.length, false, timeout);
    }
}
