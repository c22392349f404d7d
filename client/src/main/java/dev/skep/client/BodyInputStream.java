package dev.skep.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** An answer's body on the connection's stream: a run of {@code left} bytes at a time, until {@link #more} says no. */
abstract class BodyInputStream extends InputStream {

    final InputStream in;
    /** Bytes left in the current run. */
    long left;

    BodyInputStream(InputStream in, long left) {
        this.in = in;
        this.left = left;
    }

    /** Starts the next run (sets {@link #left}), or says the body ended. */
    abstract boolean more() throws IOException;

    /** Called when a run has been read to its end. */
    void runEnded() throws IOException {
    }

    /** What to say when the connection ends inside a run. */
    abstract String cutShort();

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (left == 0 && !more()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, left));
        if (n < 0) {
            throw new EOFException(cutShort());
        }
        left -= n;
        if (left == 0) {
            runEnded();
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(left, in.available());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
