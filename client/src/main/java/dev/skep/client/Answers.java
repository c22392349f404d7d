package dev.skep.client;

import dev.skep.model.view.ApiError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;

/** What went wrong with a call, as the client's exceptions: one place for every message. */
record Answers(URI server, Duration connectTimeout) {

    /** Maps an error answer to its ApiError; a body that is not one still yields a readable message. */
    static SkepApiException apiError(int status, byte[] body) {
        ApiError error = null;
        try {
            error = Json.read(body, ApiError.class);
        } catch (JsonException e) {
            // not JSON (a proxy's page, say): described below from the raw text
        }
        if (error == null || error.error() == null || error.error().isBlank()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            String detail = text.isEmpty() ? null : (text.length() > 300 ? text.substring(0, 300) + "..." : text);
            error = new ApiError("the server answered HTTP " + status, error != null && error.detail() != null
                    ? error.detail() : detail);
        }
        return new SkepApiException(status, error);
    }

    /** Tells a server that is not there from one that broke off, and says what to do. */
    RuntimeException failure(IOException e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Http1Client.ConnectTimeoutException) {
                return new SkepUnreachableException(server, "no answer within " + connectTimeout.toSeconds() + " s", e);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                String reason = t instanceof UnknownHostException ? "unknown host " + t.getMessage()
                        : t.getMessage() != null ? t.getMessage().toLowerCase() : "connection refused";
                return new SkepUnreachableException(server, reason, e);
            }
            if (t instanceof SSLHandshakeException) {
                return new SkepClientException("TLS handshake with " + server + " failed: " + t.getMessage(),
                        "if skep uses its own CA, pass --ca-file CA.pem or set SKEP_CA_FILE", e);
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            return new SkepClientException("interrupted while " + what, null, e);
        }
        if (e instanceof ProtocolException) {
            return nonsense(server, e.getMessage());
        }
        if (e instanceof SocketTimeoutException) {
            return new SkepClientException("skep at " + server + " did not answer in time while " + what,
                    "the server may be overloaded; `skep ps` shows what it is doing", e);
        }
        return new SkepClientException("lost the connection to skep at " + server + " while " + what + ": " + e,
                "check that the server is up (`skep version`) and try again", e);
    }

    SkepClientException nonsense(URI asked, String why) {
        return new SkepClientException("unexpected answer from " + asked + ": " + why,
                "is " + server + " a skep server of the same version? compare `skep version`", null);
    }
}
