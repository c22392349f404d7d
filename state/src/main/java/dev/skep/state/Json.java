package dev.skep.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skep.model.json.SkepJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON codec of state values: records in, bytes out, as skep writes JSON ({@link SkepJson}). */
final class Json {

    private static final ObjectMapper MAPPER = SkepJson.MAPPER;

    private Json() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode " + type.getSimpleName(), e);
        }
    }
}
