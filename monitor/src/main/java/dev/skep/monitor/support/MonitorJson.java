package dev.skep.monitor.support;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.skep.model.AppId;

import java.io.IOException;

/**
 * The one JSON dialect of the monitor: instants and durations as ISO-8601 strings
 * ("2025-01-01T10:00:00Z", "PT1M"), an {@link AppId} as "user/app", nulls left out.
 */
public final class MonitorJson {

    private static final ObjectMapper MAPPER = create();

    private MonitorJson() {
    }

    /** A shared, thread-safe mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper create() {
        SimpleModule appIds = new SimpleModule("skep-app-id");
        appIds.addSerializer(AppId.class, new JsonSerializer<>() {
            @Override
            public void serialize(AppId value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        appIds.addDeserializer(AppId.class, new JsonDeserializer<>() {
            @Override
            public AppId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return AppId.parse(p.getValueAsString());
            }
        });
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(appIds)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }
}
