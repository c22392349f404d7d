package dev.skep.client;

/**
 * A call to skep that did not get an answer: the connection failed or broke, or the answer
 * made no sense. {@link #detail()} says what to do next, or is null.
 */
public class SkepClientException extends RuntimeException {

    private final String detail;

    public SkepClientException(String message, String detail, Throwable cause) {
        super(message, cause);
        this.detail = detail;
    }

    /** What to do about it, or null. */
    public String detail() {
        return detail;
    }
}
