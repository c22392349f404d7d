package dev.skep.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/** The body of a chunked answer, decoded; ends after the last chunk and its trailers. */
final class ChunkedInputStream extends InputStream {

    private final InputStream in;
    private long left; // bytes left in the current chunk
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

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
        if (left == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, left));
        if (n < 0) {
            throw new EOFException("the server closed the connection inside a chunk");
        }
        left -= n;
        if (left == 0) {
            ResponseHead.line(in); // the CRLF after the chunk's data
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return done ? 0 : (int) Math.min(left, in.available());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        String line = ResponseHead.line(in);
        if (line == null) {
            throw new EOFException("the server closed the connection before the last chunk");
        }
        int extension = line.indexOf(';');
        String size = (extension >= 0 ? line.substring(0, extension) : line).trim();
        try {
            left = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw new ProtocolException("not a chunk size: " + size);
        }
        if (left < 0) {
            throw new ProtocolException("a negative chunk size: " + size);
        }
        if (left == 0) {
            done = true;
            String trailer;
            do {
                trailer = ResponseHead.line(in);
            } while (trailer != null && !trailer.isEmpty());
            return false;
        }
        return true;
    }
}
