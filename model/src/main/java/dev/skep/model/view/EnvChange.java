package dev.skep.model.view;

import java.util.List;
import java.util.Map;

/** Body of PATCH /v1/apps/{user}/{app}/env. */
public record EnvChange(Map<String, String> set, List<String> unset) {
}
