package dev.skep.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skep.model.AppId;
import dev.skep.model.json.SkepJson;
import io.javalin.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Optional;

/** The API's JSON: skep's ({@link SkepJson}), with unknown fields refused (a typo should not pass silently). */
public final class ApiJson implements JsonMapper {

    public static final ObjectMapper MAPPER = SkepJson.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * An app's stored settings document (route settings, certificates ...) as {@code type}; empty when it has none.
     * skep wrote it, so one it cannot read is a bug: IllegalStateException naming what and whose.
     */
    public static <T> Optional<T> readDocument(AppId app, Optional<String> json, Class<T> type, String what) {
        return json.map(text -> {
            try {
                return MAPPER.readValue(text, type);
            } catch (IOException e) {
                throw new IllegalStateException(what + " of " + app + " cannot be read: " + e.getMessage(), e);
            }
        });
    }

    /** A settings document to store: skep's own records always write, so a failure is a bug. */
    public static String writeDocument(Object value, String what) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + what, e);
        }
    }

    @Override
    public String toJsonString(Object obj, Type type) {
        try {
            return MAPPER.writeValueAsString(obj);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T fromJsonString(String json, Type type) {
        try {
            return MAPPER.readValue(json, MAPPER.constructType(type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T fromJsonStream(InputStream json, Type type) {
        try {
            return MAPPER.readValue(json, MAPPER.constructType(type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
