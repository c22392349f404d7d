package dev.skep.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The body of an answer with a Content-Length: exactly that many bytes. */
final class FixedLengthInputStream extends InputStream {

    private final InputStream in;
    private long left;

    FixedLengthInputStream(InputStream in, long length) {
        this.in = in;
        this.left = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (left == 0) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, left));
        if (n < 0) {
            throw new EOFException("the server closed the connection " + left + " bytes before the answer's end");
        }
        left -= n;
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
