package dev.skep.model;

/**
 * A failure the user can act on. The {@link Kind} decides the HTTP status in exactly one place
 * (the API's error mapper); {@code detail} says what to do next. Never carries secrets.
 */
public class SkepException extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind {
        BAD_REQUEST(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409),
        TOO_LARGE(413), UNPROCESSABLE(422), TOO_MANY(429), FAILED(500), UNAVAILABLE(503), TIMEOUT(504);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final String detail;

    public SkepException(Kind kind, String message, String detail) {
        super(message);
        this.kind = kind;
        this.detail = detail;
    }

    public SkepException(Kind kind, String message, String detail, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.detail = detail;
    }

    public static SkepException badRequest(String message, String detail) {
        return new SkepException(Kind.BAD_REQUEST, message, detail);
    }

    public static SkepException notFound(String message) {
        return new SkepException(Kind.NOT_FOUND, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** What to do about it, or null. */
    public String detail() {
        return detail;
    }
}
