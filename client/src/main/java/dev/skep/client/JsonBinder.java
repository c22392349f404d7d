package dev.skep.client;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed JSON (see {@link JsonParser}) into the API's view records: a field per record
 * component by name, fields the record does not have ignored, missing ones null (0 or false for
 * primitives), instants as ISO-8601 text. Also String, the numbers, Boolean, List, Map and Object.
 */
final class JsonBinder {

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private JsonBinder() {
    }

    static Object bind(Object value, Type type, String where) throws JsonException {
        if (type instanceof ParameterizedType generic && generic.getRawType() instanceof Class<?> raw) {
            Type[] arguments = generic.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && raw.isAssignableFrom(List.class)) {
                return list(value, arguments[0], where);
            }
            if (raw == Map.class) {
                return map(value, arguments[1], where);
            }
            throw new JsonException("cannot read " + where + " as " + type);
        }
        if (!(type instanceof Class<?> c)) {
            throw new JsonException("cannot read " + where + " as " + type);
        }
        if (value == null) {
            return c.isPrimitive() ? primitiveDefault(c) : null;
        }
        if (c == Object.class) {
            return value;
        }
        if (c == String.class) {
            if (value instanceof Map || value instanceof List) {
                throw mismatch(where, "text", value);
            }
            return value.toString();
        }
        if (c == int.class || c == Integer.class) {
            return (int) integral(value, where, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (c == long.class || c == Long.class) {
            return integral(value, where, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (c == double.class || c == Double.class) {
            if (!(value instanceof Number number)) {
                throw mismatch(where, "a number", value);
            }
            return number.doubleValue();
        }
        if (c == boolean.class || c == Boolean.class) {
            if (!(value instanceof Boolean bool)) {
                throw mismatch(where, "true or false", value);
            }
            return bool;
        }
        if (c == Instant.class) {
            return instant(value, where);
        }
        if (c == List.class) {
            return list(value, Object.class, where);
        }
        if (c == Map.class) {
            return map(value, Object.class, where);
        }
        if (c.isRecord()) {
            return record(value, c, where);
        }
        throw new JsonException("cannot read " + where + " as " + c.getName());
    }

    private static List<Object> list(Object value, Type element, String where) throws JsonException {
        if (!(value instanceof List<?> items)) {
            if (value == null) {
                return null;
            }
            throw mismatch(where, "a list", value);
        }
        List<Object> list = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            list.add(bind(items.get(i), element, where + "[" + i + "]"));
        }
        return list;
    }

    private static Map<String, Object> map(Object value, Type valueType, String where) throws JsonException {
        if (!(value instanceof Map<?, ?> fields)) {
            if (value == null) {
                return null;
            }
            throw mismatch(where, "an object", value);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<?, ?> field : fields.entrySet()) {
            map.put((String) field.getKey(), bind(field.getValue(), valueType, where + "." + field.getKey()));
        }
        return map;
    }

    private static Object record(Object value, Class<?> type, String where) throws JsonException {
        if (!(value instanceof Map<?, ?> fields)) {
            throw mismatch(where, "an object", value);
        }
        Shape shape = SHAPES.get(type);
        Object[] arguments = new Object[shape.components.length];
        for (int i = 0; i < arguments.length; i++) {
            RecordComponent component = shape.components[i];
            arguments[i] = bind(fields.get(component.getName()), component.getGenericType(),
                    where + "." + component.getName());
        }
        try {
            return shape.constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new JsonException("cannot make " + where + ": " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getName() + " from JSON", e);
        }
    }

    private static long integral(Object value, String where, long min, long max) throws JsonException {
        if (!(value instanceof Long number) || number < min || number > max) {
            throw mismatch(where, "a whole number", value);
        }
        return number;
    }

    private static Instant instant(Object value, String where) throws JsonException {
        if (value instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw mismatch(where, "an ISO-8601 instant", value);
            }
        }
        if (value instanceof Long seconds) {
            return Instant.ofEpochSecond(seconds);
        }
        throw mismatch(where, "an ISO-8601 instant", value);
    }

    private static Object primitiveDefault(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == double.class) {
            return 0.0;
        }
        return type == long.class ? 0L : (Object) 0;
    }

    private static JsonException mismatch(String where, String expected, Object found) {
        String kind = found instanceof Map ? "an object" : found instanceof List ? "a list"
                : found instanceof String ? "text" : String.valueOf(found);
        return new JsonException(where + " should be " + expected + ", found " + kind);
    }

    /** A record's components and canonical constructor, looked up once per record type. */
    private record Shape(RecordComponent[] components, Constructor<?> constructor) {

        static Shape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            try {
                return new Shape(components, type.getDeclaredConstructor(types));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
            }
        }
    }
}
