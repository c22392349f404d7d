package dev.skep.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A small HTTP/1.1 client over a socket, TLS for https: one connection per request
 * ({@code Connection: close}), the caller's thread does all the work. The CLI starts a fresh JVM
 * for every command, and {@code java.net.http} costs it a few hundred milliseconds of class loading
 * and TLS set-up even for http; this costs next to none. Thread-safe.
 *
 * <p>Kept because it is measured: bench/cli/run.sh times skep ps's work both ways in the same interleaved rounds,
 * each with an AOT cache (JDK 25, 20 rounds, wall ms, median): this client with {@link Json} 98, java.net.http with
 * Jackson 746, pm2 jlist 241, skep ps 257 (and, on a busier machine, 215 / 1028 / 488 / 479). java.net.http and
 * Jackson would make skep ps two to four times slower than pm2 jlist.
 */
final class Http1Client {

    /** How long a body waits for the server's 100 Continue before it is sent anyway (as curl does). */
    static final Duration CONTINUE_WAIT = Duration.ofSeconds(1);
    private static final int BUFFER = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    /** Connecting took longer than the connect timeout. */
    static final class ConnectTimeoutException extends SocketTimeoutException {
        ConnectTimeoutException(String message) {
            super(message);
        }
    }

    private final URI server;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final String basePath;
    private final SSLContext tls;
    private final Duration connectTimeout;
    private final Set<Http1Response> open = ConcurrentHashMap.newKeySet();

    /** @param tls for https: the context to use, or null for the JDK's default; ignored for http */
    Http1Client(URI server, SSLContext tls, Duration connectTimeout) {
        this.server = server;
        boolean https = "https".equalsIgnoreCase(server.getScheme());
        String bracketed = server.getHost();
        this.host = bracketed.startsWith("[") ? bracketed.substring(1, bracketed.length() - 1) : bracketed;
        this.port = server.getPort() >= 0 ? server.getPort() : https ? 443 : 80;
        this.hostHeader = bracketed + (server.getPort() >= 0 ? ":" + server.getPort() : "");
        this.basePath = server.getRawPath() == null ? "" : server.getRawPath();
        this.tls = https ? (tls != null ? tls : defaultTls()) : null;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Sends the request and reads the answer's head; the body is left on the wire. A body refused
     * before it went out (Expect: 100-continue), or while it went out, still yields the server's answer.
     *
     * @throws UncheckedIOException when the request body itself cannot be read
     */
    Http1Response send(Http1Request request) throws IOException {
        Socket socket = connect();
        try {
            int timeout = millis(request.timeout());
            socket.setSoTimeout(timeout);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
            out.write(head(request));
            ResponseHead answer = null; // set early when the server answers before the body is sent
            if (request.body() != null) {
                if (request.expectContinue()) {
                    out.flush();
                    answer = awaitContinue(socket, in, timeout);
                }
                if (answer == null) {
                    try {
                        writeBody(out, request);
                    } catch (UploadWriteException e) {
                        answer = answerAfterBrokenUpload(in, e.getCause());
                    }
                }
            }
            if (answer == null) {
                out.flush();
                answer = finalHead(in);
            }
            Http1Response response = new Http1Response(uri(request), answer, body(in, answer, request.method()),
                    socket, open::remove);
            open.add(response);
            return response;
        } catch (IOException | RuntimeException e) {
            close(socket);
            throw e;
        }
    }

    /** Hangs up every answer still open: a blocked read of one of them ends with an IOException. */
    void closeAll() {
        open.forEach(Http1Response::close);
    }

    URI uri(Http1Request request) {
        return URI.create(server + request.target());
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            try {
                socket.connect(new InetSocketAddress(host, port), millis(connectTimeout));
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeoutException("no connection to " + host + ":" + port + " within "
                        + connectTimeout.toMillis() + " ms");
            }
            if (tls == null) {
                return socket;
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            secure.setSSLParameters(parameters);
            secure.setSoTimeout(millis(connectTimeout));
            secure.startHandshake();
            return secure;
        } catch (IOException | RuntimeException e) {
            close(socket);
            throw e;
        }
    }

    private byte[] head(Http1Request request) {
        StringBuilder head = new StringBuilder(256)
                .append(request.method()).append(' ').append(basePath).append(request.target()).append(" HTTP/1.1\r\n");
        header(head, "Host", hostHeader);
        request.headers().forEach((name, value) -> header(head, name, value));
        if (request.body() == null) {
            if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
                header(head, "Content-Length", "0");
            }
        } else {
            if (request.length() >= 0) {
                header(head, "Content-Length", Long.toString(request.length()));
            } else {
                header(head, "Transfer-Encoding", "chunked");
            }
            if (request.expectContinue()) {
                header(head, "Expect", "100-continue");
            }
        }
        header(head, "Connection", "close");
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void header(StringBuilder head, String name, String value) {
        if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a header may not hold a line break, found one in " + name);
        }
        head.append(name).append(": ").append(value).append("\r\n");
    }

    /** Null when the body may go (100 Continue, or no word within the wait); else the server's final answer. */
    private static ResponseHead awaitContinue(Socket socket, InputStream in, int timeout) throws IOException {
        socket.setSoTimeout(millis(CONTINUE_WAIT));
        in.mark(1);
        try {
            if (in.read() < 0) {
                throw new EOFException("the server closed the connection without an answer");
            }
        } catch (SocketTimeoutException e) {
            return null; // a server that ignores Expect: send the body anyway
        } finally {
            socket.setSoTimeout(timeout);
        }
        in.reset();
        ResponseHead head;
        do {
            head = ResponseHead.read(in);
        } while (head.interim() && head.status() != 100);
        return head.status() == 100 ? null : head;
    }

    /** Copies the body to the wire, chunked when its length is unknown. */
    private static void writeBody(OutputStream out, Http1Request request) throws UploadWriteException {
        byte[] buffer = new byte[BUFFER];
        long length = request.length();
        long left = length;
        boolean chunked = length < 0;
        try {
            while (chunked || left > 0) {
                int n = readSource(request.body(), buffer, chunked ? buffer.length : (int) Math.min(buffer.length, left));
                if (n < 0) {
                    if (chunked) {
                        break;
                    }
                    throw new UncheckedIOException(new EOFException("the upload ended " + left + " bytes short of the "
                            + length + " bytes announced"));
                }
                if (n == 0) {
                    continue;
                }
                if (chunked) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(buffer, 0, n);
                    out.write(CRLF);
                } else {
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        } catch (IOException e) {
            throw new UploadWriteException(e);
        }
    }

    private static int readSource(InputStream source, byte[] buffer, int length) {
        try {
            return source.read(buffer, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload: " + e.getMessage(), e);
        }
    }

    /** The server may have answered (413, say) and hung up while the body went out: that answer, if any. */
    private static ResponseHead answerAfterBrokenUpload(InputStream in, IOException writeFailure) throws IOException {
        try {
            return finalHead(in);
        } catch (IOException e) {
            writeFailure.addSuppressed(e);
            throw writeFailure;
        }
    }

    private static ResponseHead finalHead(InputStream in) throws IOException {
        ResponseHead head;
        do {
            head = ResponseHead.read(in);
        } while (head.interim());
        return head;
    }

    private static InputStream body(InputStream in, ResponseHead head, String method) {
        if ("HEAD".equals(method) || head.status() == 204 || head.status() == 304) {
            return InputStream.nullInputStream();
        }
        String encoding = head.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInputStream(in);
        }
        String length = head.header("Content-Length");
        if (length != null) {
            try {
                return new FixedLengthInputStream(in, Long.parseLong(length.trim()));
            } catch (NumberFormatException e) {
                // not a number: read to the end, which Connection: close marks
            }
        }
        return in;
    }

    private static int millis(Duration duration) {
        return duration == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no default TLS context", e);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // giving up on this connection already
        }
    }

    /** Writing the body to the wire failed (not reading it from its source). */
    private static final class UploadWriteException extends Exception {
        UploadWriteException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

}
