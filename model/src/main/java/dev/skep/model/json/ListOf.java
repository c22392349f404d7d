package dev.skep.model.json;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/** {@code List<element>} as a reflective type: what the client's JSON binder and the API's schemas take for a list. */
public record ListOf(Type element) implements ParameterizedType {

    @Override
    public Type[] getActualTypeArguments() {
        return new Type[] {element};
    }

    @Override
    public Type getRawType() {
        return List.class;
    }

    @Override
    public Type getOwnerType() {
        return null;
    }
}
