package dev.skep.hosts;

/** A step on a remote host failed: the message says what, why, and what to do. */
public final class HostFailure extends Exception {

    public HostFailure(String message) {
        super(message);
    }

    public HostFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
