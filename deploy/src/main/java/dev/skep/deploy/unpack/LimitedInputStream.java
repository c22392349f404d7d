package dev.skep.deploy.unpack;

import dev.skep.model.io.ByteCountingInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes the gzip layer hands out and fails once they pass a limit. It sits under the
 * tar reader, so every expanded byte counts: contents, headers, padding, skipped data, long names.
 */
final class LimitedInputStream extends ByteCountingInputStream {

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
    protected void counted(long n) throws IOException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new IOException("unpacked size passed " + limit + " bytes");
        }
    }
}
