package dev.skep.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/** The body of a chunked answer, decoded; ends after the last chunk and its trailers. */
final class ChunkedInputStream extends BodyInputStream {

    private boolean done;

    ChunkedInputStream(InputStream in) {
        super(in, 0);
    }

    @Override
    boolean more() throws IOException {
        return nextChunk();
    }

    @Override
    void runEnded() throws IOException {
        ResponseHead.line(in); // the CRLF after the chunk's data
    }

    @Override
    String cutShort() {
        return "the server closed the connection inside a chunk";
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
