package dev.skep.monitor.support;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.skep.model.json.SkepJson;
import dev.skep.model.AppId;

import java.io.IOException;

/**
 * The monitor's JSON: skep's ({@link SkepJson}), with durations as ISO-8601 strings ("PT1M", as its rules
 * write them) and an {@link AppId} as "user/app".
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
        return SkepJson.builder()
                .addModule(appIds)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .build();
    }
}
