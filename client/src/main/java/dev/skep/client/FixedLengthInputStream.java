package dev.skep.client;

import java.io.InputStream;

/** The body of an answer with a Content-Length: exactly that many bytes. */
final class FixedLengthInputStream extends BodyInputStream {

    FixedLengthInputStream(InputStream in, long length) {
        super(in, length);
    }

    @Override
    boolean more() {
        return false; // one run: the Content-Length
    }

    @Override
    String cutShort() {
        return "the server closed the connection " + left + " bytes before the answer's end";
    }
}
