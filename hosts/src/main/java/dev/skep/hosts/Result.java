package dev.skep.hosts;

/** What a command on the remote host did: its exit code and what it printed. */
public record Result(int exit, String out, String err) {

    public boolean ok() {
        return exit == 0;
    }

    /** Standard error if it said anything, else standard output: for a failure's message. */
    public String said() {
        String text = err.isBlank() ? out : err;
        text = text.strip();
        return text.length() > 2000 ? "..." + text.substring(text.length() - 2000) : text;
    }

    /**
     * The first line it printed that contains {@code text}, stripped, else empty. Searches everything, not the tail
     * {@link #said()} keeps: a tar that ran out of space says so first, then "Cannot open" for every file after.
     */
    public String lineWith(String text) {
        return (err + "\n" + out).lines().filter(l -> l.contains(text)).findFirst().map(String::strip).orElse("");
    }
}
