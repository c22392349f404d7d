package dev.skep.hosts;

/** Quoting for the POSIX shell that runs what we send over SSH. */
public final class Shell {

    private Shell() {
    }

    /** {@code value} as one word for sh, whatever it holds. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
