package dev.skep.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.model.SkepException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reads small JSON bodies with a size cap and a clear message for bad JSON. */
public final class Bodies {

    private final long maxBytes;

    public Bodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The body as T; an empty body gives {@code empty}. */
    public <T> T read(Context ctx, Class<T> type, T empty) {
        String contentType = ctx.contentType();
        byte[] bytes = readCapped(ctx);
        if (bytes.length == 0) {
            if (empty != null) {
                return empty;
            }
            throw SkepException.badRequest("empty body", "send a JSON object");
        }
        if (contentType != null && !contentType.isBlank() && !contentType.toLowerCase().contains("json")
                && !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            // curl -d sends x-www-form-urlencoded by default; anything else non-JSON is a mistake
            throw new SkepException(SkepException.Kind.BAD_REQUEST, "unsupported content type " + contentType,
                    "send JSON with Content-Type: application/json");
        }
        try {
            return ApiJson.MAPPER.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw SkepException.badRequest("malformed JSON: " + e.getOriginalMessage(),
                    "send a JSON object like the API docs show");
        } catch (IOException e) {
            throw SkepException.badRequest("unreadable body: " + e.getMessage(), null);
        }
    }

    /** Bodies up to this much past the cap are read and dropped before the 413, so the client gets to read it. */
    private static final long DISCARD_LIMIT = 8L << 20;

    /**
     * Closing with the rest of a body unread makes the kernel reset the connection, and a client still sending
     * loses the 413 waiting in its buffer ("no bytes"): a bounded rest is read away first, as a lingering close does.
     */
    private static void discardRest(InputStream in) throws IOException {
        byte[] sink = new byte[16 * 1024];
        long discarded = 0;
        for (int n; discarded < DISCARD_LIMIT && (n = in.read(sink)) > 0; ) {
            discarded += n;
        }
    }

    private byte[] readCapped(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                discardRest(in);
                throw new SkepException(SkepException.Kind.TOO_LARGE, "body larger than " + maxBytes + " bytes",
                        "JSON bodies are small; this one is too big");
            }
            return bytes;
        } catch (IOException e) {
            throw SkepException.badRequest("unreadable body: " + e.getMessage(), null);
        }
    }
}
