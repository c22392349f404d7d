package dev.skep.client;

import java.io.IOException;

/** A JSON text that is malformed, or that does not fit the type it is read as. */
public final class JsonException extends IOException {

    JsonException(String message) {
        super(message);
    }
}
