package dev.skep.client;

import dev.skep.model.io.ByteCountingInputStream;
import java.io.InputStream;

/** Tells an {@link UploadListener} how many bytes the HTTP client has read so far. */
final class CountingInputStream extends ByteCountingInputStream {

    private final UploadListener listener;
    private final long total;
    private long count;

    CountingInputStream(InputStream in, long total, UploadListener listener) {
        super(in);
        this.total = total;
        this.listener = listener;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    protected void counted(long n) {
        count += n;
        listener.sent(count, total);
    }
}
