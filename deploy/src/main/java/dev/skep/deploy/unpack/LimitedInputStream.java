package dev.skep.deploy.unpack;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes the gzip layer hands out and fails once they pass a limit. It sits under the
 * tar reader, so every expanded byte counts: contents, headers, padding, skipped data, long names.
 */
final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private long count;
    private boolean exceeded;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    /** True once reading stopped because of the limit; the IOException it threw means nothing else. */
    boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            add(skipped);
        }
        return skipped;
    }

    private void add(long n) throws IOException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new IOException("unpacked size passed " + limit + " bytes");
        }
    }
}
