package dev.skep.supervise;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns chunks of bytes read from a log into whole lines: each {@code \n} ends one, handed to the consumer without
 * it (UTF-8 decoded once the line is whole, so a character split across two reads stays one); the bytes after the
 * last {@code \n} wait for the next chunk. The log pump (app output into the log) and the log follower (the log to a
 * client) read this way.
 */
final class LineAssembler {

    private final Consumer<String> lines;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    LineAssembler(Consumer<String> lines) {
        this.lines = lines;
    }

    /** Hands on every line the first {@code length} bytes complete, and keeps the rest. */
    void feed(byte[] bytes, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                partial.write(bytes, start, i - start);
                flush();
                start = i + 1;
            }
        }
        partial.write(bytes, start, length - start);
    }

    /** Bytes waiting for their {@code \n}. */
    int pendingBytes() {
        return partial.size();
    }

    /** Hands on the waiting bytes as a line of their own (a line too long to wait for, the end of the output). */
    void flush() {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        lines.accept(line);
    }

    /** Forgets the waiting bytes (output dropped). */
    void discard() {
        partial.reset();
    }
}
