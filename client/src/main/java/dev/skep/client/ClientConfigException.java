package dev.skep.client;

/** The client cannot be set up as asked: no token, a bad server address, an unreadable CA file. */
public final class ClientConfigException extends RuntimeException {

    private final String detail;

    public ClientConfigException(String message, String detail) {
        super(message);
        this.detail = detail;
    }

    public ClientConfigException(String message, String detail, Throwable cause) {
        super(message, cause);
        this.detail = detail;
    }

    /** What to do about it, or null. */
    public String detail() {
        return detail;
    }
}
