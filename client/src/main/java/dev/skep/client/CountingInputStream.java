package dev.skep.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Tells an {@link UploadListener} how many bytes the HTTP client has read so far. */
final class CountingInputStream extends FilterInputStream {

    private final UploadListener listener;
    private final long total;
    private long count;

    CountingInputStream(InputStream in, long total, UploadListener listener) {
        super(in);
        this.total = total;
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            advance(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void advance(long n) {
        count += n;
        listener.sent(count, total);
    }
}
