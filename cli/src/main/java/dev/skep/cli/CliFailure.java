package dev.skep.cli;

/** A local step failed (packing a directory, say): exit 1 with a message and what to do. */
final class CliFailure extends RuntimeException {

    private final String detail;

    CliFailure(String message, String detail) {
        this(message, detail, null);
    }

    CliFailure(String message, String detail, Throwable cause) {
        super(message, cause);
        this.detail = detail;
    }

    String detail() {
        return detail;
    }
}
