package dev.skep.model.view;

import java.util.Map;

/** GET .../env (owner only): the values. PATCH answers with keys only (values null). */
public record EnvView(String app, int release, Map<String, String> env) {
}
