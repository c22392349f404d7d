package dev.skep.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Reads a streamed answer line by line; read failures become the client's own exceptions. */
final class LineReader implements Iterator<String>, AutoCloseable {

    private final BufferedReader reader;
    private final Function<IOException, RuntimeException> failure;
    private String next;
    private boolean done;

    LineReader(InputStream body, Function<IOException, RuntimeException> failure) {
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        this.failure = failure;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                next = reader.readLine();
            } catch (IOException e) {
                done = true;
                throw failure.apply(e);
            }
            done = next == null;
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String line = next;
        next = null;
        return line;
    }

    @Override
    public void close() {
        done = true;
        try {
            reader.close();
        } catch (IOException e) {
            // closing a half-read HTTP stream: nothing left to tell the caller
        }
    }
}
