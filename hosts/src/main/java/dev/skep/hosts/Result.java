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
}
