package dev.skep.route.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The router's own small error pages, HTML or JSON by {@code Accept}. They name no host, instance
 * or exception: only what the visitor can act on.
 */
public final class ErrorPages {

    public enum Format { HTML, JSON }

    private ErrorPages() {
    }

    /** JSON when the client asks for JSON before (or instead of) HTML; HTML otherwise. */
    public static Format choose(String accept) {
        if (accept == null) {
            return Format.HTML;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        int json = a.indexOf("json");
        if (json < 0) {
            return Format.HTML;
        }
        int html = a.indexOf("text/html");
        return html < 0 || json < html ? Format.JSON : Format.HTML;
    }

    public static String message(int status) {
        return switch (status) {
            case 400 -> "The request could not be understood.";
            case 404 -> "No app is served at this address.";
            case 408 -> "The request took too long to arrive.";
            case 413 -> "The request body is too large.";
            case 414 -> "The request URL is too long.";
            case 431 -> "The request headers are too large.";
            case 502 -> "The app could not be reached. Try again in a moment.";
            case 503 -> "The app has no running instance right now. Try again in a moment.";
            case 504 -> "The app took too long to answer.";
            default -> "The request failed.";
        };
    }

    /** What a stopped app answers: waiting will not help, its owner has to start it. */
    public static final String STOPPED = "The app is stopped. Its owner can start it again with skep start.";

    public static FullHttpResponse response(HttpResponseStatus status, String accept, String requestId,
                                            ByteBufAllocator alloc) {
        return response(status, message(status.code()), accept, requestId, alloc);
    }

    /** The 503 of an app that is stopped, not starting: no Retry-After. */
    public static FullHttpResponse stopped(String accept, String requestId, ByteBufAllocator alloc) {
        FullHttpResponse r = response(HttpResponseStatus.SERVICE_UNAVAILABLE, STOPPED, accept, requestId, alloc);
        r.headers().remove(HttpHeaderNames.RETRY_AFTER);
        return r;
    }

    /** What a router answers before its first route table is in: it cannot tell yet whether the app exists. */
    public static final String STARTING = "The router is starting and does not know this address yet. "
            + "Try again in a moment.";

    /** The 503 of a router without its first table: with Retry-After, as waiting helps. */
    public static FullHttpResponse starting(String accept, String requestId, ByteBufAllocator alloc) {
        return response(HttpResponseStatus.SERVICE_UNAVAILABLE, STARTING, accept, requestId, alloc);
    }

    /** A request held for a sleeping app that did not get a ready instance within the bound. */
    public static final String WAKE_TIMED_OUT = "The app was asleep and did not become ready in time after waking. "
            + "Its owner can see why with skep logs and skep ps.";
    /** More requests came for a waking app than the router holds. */
    public static final String WAKE_QUEUE_FULL = "The app is waking up and too many requests are waiting for it. "
            + "Try again in a moment.";

    /** The 504 of a held request whose app did not wake in time. */
    public static FullHttpResponse wakeTimedOut(String accept, String requestId, ByteBufAllocator alloc) {
        return response(HttpResponseStatus.GATEWAY_TIMEOUT, WAKE_TIMED_OUT, accept, requestId, alloc);
    }

    /** The 503 of a request beyond the held ones of a waking app, with when to come back. */
    public static FullHttpResponse wakeQueueFull(String accept, String requestId, ByteBufAllocator alloc,
                                                 long retryAfterSeconds) {
        FullHttpResponse r = response(HttpResponseStatus.SERVICE_UNAVAILABLE, WAKE_QUEUE_FULL, accept, requestId,
                alloc);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        return r;
    }

    private static FullHttpResponse response(HttpResponseStatus status, String message, String accept,
                                             String requestId, ByteBufAllocator alloc) {
        Format format = choose(accept);
        String body = format == Format.JSON ? json(status, message, requestId) : html(status, message, requestId);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, format == Format.JSON
                ? "application/json; charset=utf-8" : "text/html; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (status.code() == 503) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        if (requestId != null) {
            r.headers().set(ProxyHeaders.X_REQUEST_ID, requestId);
        }
        return r;
    }

    static String json(HttpResponseStatus status, String requestId) {
        return json(status, message(status.code()), requestId);
    }

    static String json(HttpResponseStatus status, String message, String requestId) {
        return "{\"status\":" + status.code() + ",\"error\":\"" + status.reasonPhrase() + "\",\"message\":\""
                + message + "\"" + (requestId == null ? "" : ",\"request_id\":\"" + requestId + "\"")
                + "}\n";
    }

    static String html(HttpResponseStatus status, String requestId) {
        return html(status, message(status.code()), requestId);
    }

    static String html(HttpResponseStatus status, String message, String requestId) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + status.code() + " "
                + status.reasonPhrase() + "</title>\n<style>body{font:16px/1.5 system-ui,sans-serif;margin:4em auto;"
                + "max-width:36em;color:#333}small{color:#888}</style></head>\n<body><h1>" + status.code() + " "
                + status.reasonPhrase() + "</h1>\n<p>" + message + "</p>\n"
                + (requestId == null ? "" : "<p><small>request " + requestId + "</small></p>\n")
                + "</body></html>\n";
    }
}
