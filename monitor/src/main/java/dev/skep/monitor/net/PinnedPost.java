package dev.skep.monitor.net;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 POST to an address chosen (and checked) by the caller, not re-resolved here: the JDK's clients
 * resolve the name themselves, which would let DNS rebinding slip past the check. The Host header, TLS SNI and
 * the certificate's host name check all use the URL's host. Bounded in time: {@code connect} for the TCP
 * connection and {@code total} for everything, enforced by closing the socket, so a receiver that accepts and
 * then drips or hangs costs at most {@code total}. Reads only the status line; no redirects.
 */
public final class PinnedPost {

    /** @param total the whole exchange: connect, TLS handshake, request and status line */
    public record Timeouts(Duration connect, Duration total) {
        public Timeouts {
            if (connect.isNegative() || connect.isZero() || total.compareTo(connect) < 0) {
                throw new IllegalArgumentException("need 0 < connect <= total, found " + connect + ", " + total);
            }
        }
    }

    private static final int MAX_STATUS_LINE = 8 * 1024;
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("webhook-deadlines").factory());

    private PinnedPost() {
    }

    /** POSTs {@code body} to {@code url} over a connection to {@code address}; returns the status code. */
    public static int post(URI url, InetAddress address, Map<String, String> headers, byte[] body, Timeouts timeouts)
            throws IOException {
        return post(url, address, headers, body, timeouts, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** As above, trusting what {@code tls} trusts (tests: a private CA). */
    static int post(URI url, InetAddress address, Map<String, String> headers, byte[] body, Timeouts timeouts,
                    SSLSocketFactory tls) throws IOException {
        boolean https = "https".equals(url.getScheme());
        String host = bare(url.getHost());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        long deadline = System.nanoTime() + timeouts.total().toNanos();
        Socket socket = new Socket();
        ScheduledFuture<?> expiry = DEADLINES.schedule(() -> closeQuietly(socket), timeouts.total().toMillis(),
                TimeUnit.MILLISECONDS);
        try (socket) {
            socket.connect(new InetSocketAddress(address, port), (int) timeouts.connect().toMillis());
            socket.setSoTimeout(remaining(deadline));
            Socket channel = https ? tls(tls, socket, host, port) : socket;
            OutputStream out = channel.getOutputStream();
            out.write(head(url, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return status(new BufferedInputStream(channel.getInputStream()), deadline);
        } catch (IOException e) {
            if (System.nanoTime() - deadline >= 0) {
                throw new SocketTimeoutException("no answer within " + timeouts.total().toMillis() + " ms");
            }
            throw e;
        } finally {
            expiry.cancel(false);
        }
    }

    private static Socket tls(SSLSocketFactory factory, Socket socket, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        if (!host.contains(":") && !Ipv4Text.looksNumeric(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        return ssl;
    }

    private static String head(URI url, Map<String, String> headers, int length) {
        URI ascii = URI.create(url.toASCIIString()); // non-ASCII in the path or query, percent-encoded
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String target = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();
        StringBuilder b = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(url.getHost()).append(url.getPort() > 0 ? ":" + url.getPort() : "").append("\r\n");
        headers.forEach((name, value) -> b.append(name).append(": ").append(value).append("\r\n"));
        b.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n");
        if (b.chars().anyMatch(c -> c > 0x7e || (c < 0x20 && c != '\r' && c != '\n'))) {
            throw new IllegalArgumentException("request head must be printable ASCII");
        }
        return b.toString();
    }

    /** The code of "HTTP/1.1 204 No Content". */
    private static int status(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed before a status line");
            }
            if (c == '\n') {
                break;
            }
            if (line.size() >= MAX_STATUS_LINE) {
                throw new IOException("status line longer than " + MAX_STATUS_LINE + " bytes");
            }
            line.write(c);
            if (System.nanoTime() - deadline >= 0) {
                throw new SocketTimeoutException("status line not complete in time");
            }
        }
        String text = line.toString(StandardCharsets.ISO_8859_1).strip();
        String[] parts = text.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("not an HTTP status line: " + text.substring(0, Math.min(80, text.length())));
        }
        return Integer.parseInt(parts[1]);
    }

    private static int remaining(long deadline) throws SocketTimeoutException {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) ms;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is how the deadline ends a hung exchange; nothing more to do
        }
    }
}
