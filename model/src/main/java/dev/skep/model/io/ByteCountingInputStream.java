package dev.skep.model.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that reports every byte it hands out, read one at a time, into an array, or skipped: the one place
 * those three are counted (an upload's progress, an archive's expanded size).
 */
public abstract class ByteCountingInputStream extends FilterInputStream {

    protected ByteCountingInputStream(InputStream in) {
        super(in);
    }

    /** {@code n} more bytes (more than 0) went out; throwing stops the reader with that error. */
    protected abstract void counted(long n) throws IOException;

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            counted(skipped);
        }
        return skipped;
    }
}
